/* record.c - the fixed fields of an evaluation record: the one table the
 * results file's layout, the CSV export and the config's reserved names
 * are made from (record.h). */
#include "ictune/record.h"
#include "ictune/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/config.h"

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

typedef struct rank_ctx { const ict_record_t *rows; int maxi; } rank_ctx_t;

static int by_objective(const void *a, const void *b, void *ud)
{
    const rank_ctx_t *k = ud;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double x = k->rows[i].objective, y = k->rows[j].objective;
    if (x != y)
        return (k->maxi ? x > y : x < y) ? -1 : 1;
    return (i > j) - (i < j);           /* ties: the earlier row first */
}

size_t ict_record_rank(const ict_config_t *c, const ict_record_t *rows,
                       size_t n, size_t *ord)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].status == ICT_STATUS_OK && isfinite(rows[i].objective))
            ord[m++] = i;
    rank_ctx_t k = {rows, c->goal == ICT_MAXIMIZE};
    qsort_r(ord, m, sizeof *ord, by_objective, &k);
    return m;
}
