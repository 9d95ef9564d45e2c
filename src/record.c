/* record.c - the fixed fields of an evaluation record: the one table the
 * results file's layout, the CSV export and the config's reserved names
 * are made from (record.h). */
#include "ictune/record.h"
#include "ictune/store.h"

#include <string.h>

#define F(name, kind, group, len, flags) \
    {#name, kind, group, len, offsetof(ict_record_t, name), flags}

const ict_field_t ict_record_fields[] = {
    F(id, ICT_FIELD_INT64, ICT_FIELD_HEAD, 0, 0),
    F(stage, ICT_FIELD_INT64, ICT_FIELD_HEAD, 0, 0),
    F(level, ICT_FIELD_INT32, ICT_FIELD_HEAD, 0, 0),
    F(objective, ICT_FIELD_DOUBLE, ICT_FIELD_MID, 0, ICT_FIELD_OBJECTIVE),
    F(status, ICT_FIELD_STATUS, ICT_FIELD_TAIL, 0, 0),
    F(attempt, ICT_FIELD_INT32, ICT_FIELD_TAIL, 0, 0),
    F(exit_code, ICT_FIELD_INT32, ICT_FIELD_TAIL, 0, 0),
    F(signal, ICT_FIELD_INT32, ICT_FIELD_TAIL, 0, 0),
    F(worker, ICT_FIELD_INT32, ICT_FIELD_TAIL, 0, 0),
    F(host, ICT_FIELD_STRING, ICT_FIELD_TAIL, 64, 0),
    F(gpu, ICT_FIELD_STRING, ICT_FIELD_TAIL, 96, 0),
    F(cpuset, ICT_FIELD_CPUSET, ICT_FIELD_TAIL, 256, ICT_FIELD_NO_CSV),
    F(start, ICT_FIELD_TIME, ICT_FIELD_TAIL, 0, 0),
    F(end, ICT_FIELD_TIME, ICT_FIELD_TAIL, 0, 0),
    F(run_dir, ICT_FIELD_STRING, ICT_FIELD_TAIL, ICT_STORE_RUNDIR_MAX, 0),
    F(reason, ICT_FIELD_STRING, ICT_FIELD_TAIL, 160, 0),
    F(speculative, ICT_FIELD_INT32, ICT_FIELD_TAIL, 0, 0),
};
const size_t ict_record_nfields = sizeof ict_record_fields / sizeof *ict_record_fields;

int ict_record_reserved(const char *name)
{
    /* the point's column, and the command's placeholders */
    if (!strcmp(name, "point") || !strcmp(name, "prepare_dir"))
        return 1;
    for (size_t i = 0; i < ict_record_nfields; i++)
        if (!strcmp(ict_record_fields[i].name, name))
            return 1;
    return 0;
}

size_t ict_record_field(const char *name)
{
    for (size_t i = 0; i < ict_record_nfields; i++)
        if (!strcmp(ict_record_fields[i].name, name))
            return i;
    return 0;
}
