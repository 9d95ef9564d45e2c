/* store_schema.c - the results file's schema: the /evaluations row
 * layout built from the record's field table (record.c) around the
 * config's parameters and metrics, the types of /stages, /jobs and
 * /prepare, the status enum, and attributes (a string over 60,000 bytes is
 * kept as a dataset of the same name). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

hid_t str_type(size_t n)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

/* A fixed-length string member of n bytes in the compound type t. */
void insert_str(hid_t t, const char *name, size_t off, size_t n)
{
    hid_t st = str_type(n);
    H5Tinsert(t, name, off, st);
    H5Tclose(st);
}

hid_t make_status_type(void)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    signed char v = -1;
    H5Tenum_insert(t, "UNWRITTEN", &v);
    for (int i = 0; i < ICT_STATUS_COUNT; i++) {
        v = (signed char)i;
        H5Tenum_insert(t, ict_status_name(i), &v);
    }
    return t;
}

int param_is_num(const ict_space_t *s, size_t a)
{
    for (size_t i = 0; i < ict_space_count(s, a); i++)
        if (!ict_space_value(s, a, i)->is_num)
            return 0;
    return 1;
}

void layout_free(layout_t *L)
{
    free(L->param);
    free(L->param_len);
    free(L->metric);
    if (L->mtype > 0)
        H5Tclose(L->mtype);
    memset(L, 0, sizeof *L);
}

static size_t field_size(const ict_field_t *f)
{
    switch (f->kind) {
    case ICT_FIELD_INT64: case ICT_FIELD_DOUBLE: case ICT_FIELD_TIME: return 8;
    case ICT_FIELD_INT32: return 4;
    case ICT_FIELD_STATUS: return 1;
    default: return f->len;
    }
}

static void field_insert(hid_t t, const ict_field_t *f, size_t off, hid_t status_type)
{
    switch (f->kind) {
    case ICT_FIELD_INT64: H5Tinsert(t, f->name, off, H5T_NATIVE_INT64); break;
    case ICT_FIELD_INT32: H5Tinsert(t, f->name, off, H5T_NATIVE_INT32); break;
    case ICT_FIELD_DOUBLE:
    case ICT_FIELD_TIME: H5Tinsert(t, f->name, off, H5T_NATIVE_DOUBLE); break;
    case ICT_FIELD_STATUS: H5Tinsert(t, f->name, off, status_type); break;
    default: insert_str(t, f->name, off, f->len); break;
    }
}

/* The memory layout of an /evaluations row for this config: the record's
 * fields (record.c) around the parameters, the point and the metrics. */
int layout_build(layout_t *L, const ict_config_t *c, hid_t status_type)
{
    const ict_space_t *s = c->space;
    size_t D = ict_space_dims(s), off = 0;
    memset(L, 0, sizeof *L);
    L->param = calloc(D + 1, sizeof *L->param);
    L->param_len = calloc(D + 1, sizeof *L->param_len);
    L->metric = calloc(c->n_metrics + 1, sizeof *L->metric);
    if (!L->param || !L->param_len || !L->metric ||
        ict_record_nfields > sizeof L->foff / sizeof *L->foff)
        return -ENOMEM;
    for (int g = ICT_FIELD_HEAD; g <= ICT_FIELD_TAIL; g++) {
        for (size_t i = 0; i < ict_record_nfields; i++)
            if (ict_record_fields[i].group == g) {
                L->foff[i] = off;
                off = align8(off + field_size(&ict_record_fields[i]));
            }
        if (g == ICT_FIELD_HEAD) {
            for (size_t a = 0; a < D; a++) {
                L->param[a] = off;
                if (param_is_num(s, a)) {
                    off = align8(off + 8);
                } else {
                    size_t m = 8;
                    for (size_t i = 0; i < ict_space_count(s, a); i++)
                        if (strlen(ict_space_value(s, a, i)->text) + 1 > m)
                            m = strlen(ict_space_value(s, a, i)->text) + 1;
                    L->param_len[a] = m;
                    off = align8(off + m);
                }
            }
            L->point = off;
            off = align8(off + 4 * (D ? D : 1));
        } else if (g == ICT_FIELD_MID) {
            for (size_t k = 0; k < c->n_metrics; k++) {
                L->metric[k] = off;
                off = align8(off + 8);
            }
        }
    }
    L->size = off;
    hid_t t = H5Tcreate(H5T_COMPOUND, L->size);
    for (int g = ICT_FIELD_HEAD; g <= ICT_FIELD_TAIL; g++) {
        for (size_t i = 0; i < ict_record_nfields; i++)
            if (ict_record_fields[i].group == g)
                field_insert(t, &ict_record_fields[i], L->foff[i], status_type);
        if (g == ICT_FIELD_HEAD) {
            for (size_t a = 0; a < D; a++) {
                if (L->param_len[a])
                    insert_str(t, ict_space_name(s, a), L->param[a], L->param_len[a]);
                else
                    H5Tinsert(t, ict_space_name(s, a), L->param[a], H5T_NATIVE_DOUBLE);
            }
            hsize_t dims[1] = {D ? D : 1};
            hid_t arr = H5Tarray_create2(H5T_NATIVE_INT32, 1, dims);
            H5Tinsert(t, "point", L->point, arr);
            H5Tclose(arr);
        } else if (g == ICT_FIELD_MID) {
            for (size_t k = 0; k < c->n_metrics; k++)
                H5Tinsert(t, c->metrics[k], L->metric[k], H5T_NATIVE_DOUBLE);
        }
    }
    L->mtype = t;
    return t < 0 ? -EIO : 0;
}

/* ---- attributes ---------------------------------------------------------- */

/* HDF5 keeps attributes in the object header, at most 64 KiB each in the
 * default file format: a longer value (a large config, a space of many
 * values) is written as a scalar string dataset of the same name instead,
 * and read back from either. */
#define ATTR_MAX 60000

int attr_str(hid_t obj, const char *name, const char *value)
{
    size_t n = strlen(value) + 1;
    hid_t t = str_type(n);
    hid_t sp = H5Screate(H5S_SCALAR);
    if (H5Aexists(obj, name) > 0)
        H5Adelete(obj, name);
    if (H5Lexists(obj, name, H5P_DEFAULT) > 0)
        H5Ldelete(obj, name, H5P_DEFAULT);
    herr_t rc;
    if (n > ATTR_MAX) {
        hid_t d = H5Dcreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        rc = d < 0 ? -1 : H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, value);
        if (d >= 0)
            H5Dclose(d);
    } else {
        hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc = a < 0 ? -1 : H5Awrite(a, t, value);
        if (a >= 0)
            H5Aclose(a);
    }
    H5Sclose(sp);
    H5Tclose(t);
    return rc < 0 ? -EIO : 0;
}

int attr_num(hid_t obj, const char *name, double v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    if (H5Aexists(obj, name) > 0)
        H5Adelete(obj, name);
    hid_t a = H5Acreate2(obj, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    return rc < 0 ? -EIO : 0;
}

/* The fixed-length string value of attribute or dataset h (malloc'd), or
 * NULL when it is not one. */
char *fixed_str(hid_t h, int is_attr)
{
    hid_t ft = is_attr ? H5Aget_type(h) : H5Dget_type(h);
    char *out = NULL;
    if (H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft)) {
        size_t n = H5Tget_size(ft);
        hid_t mt = str_type(n + 1);
        out = calloc(n + 2, 1);
        herr_t rc = !out ? -1 : is_attr ? H5Aread(h, mt, out)
                  : H5Dread(h, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
        if (rc < 0) {
            free(out);
            out = NULL;
        }
        H5Tclose(mt);
    }
    H5Tclose(ft);
    return out;
}

/* A string attribute's value (malloc'd), or NULL; a long one written as a
 * dataset of the same name (attr_str) is read from there. */
char *attr_get_str(hid_t obj, const char *name)
{
    char *out = NULL;
    if (H5Aexists(obj, name) > 0) {
        hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
        if (a >= 0) {
            out = fixed_str(a, 1);
            H5Aclose(a);
        }
    } else if (H5Lexists(obj, name, H5P_DEFAULT) > 0) {
        hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
        if (d >= 0) {
            out = fixed_str(d, 0);
            H5Dclose(d);
        }
    }
    return out;
}

int attr_get_num(hid_t obj, const char *name, double *v)
{
    if (H5Aexists(obj, name) <= 0)
        return -ENOENT;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return -EIO;
    herr_t rc = H5Aread(a, H5T_NATIVE_DOUBLE, v);
    H5Aclose(a);
    return rc < 0 ? -EIO : 0;
}

/* fill is in the memory type mtype; HDF5 converts it to the file type. */
hid_t make_table(hid_t file, const char *name, hid_t ftype, hid_t mtype,
                        const void *fill, hsize_t chunk)
{
    hsize_t dims[1] = {0}, maxd[1] = {H5S_UNLIMITED}, ch[1] = {chunk};
    hid_t sp = H5Screate_simple(1, dims, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, ch);
    if (fill)
        H5Pset_fill_value(dcpl, mtype, fill);
    hid_t d = H5Dcreate2(file, name, ftype, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    return d;
}


hid_t stage_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(stage_mem_t));
    H5Tinsert(t, "stage", HOFFSET(stage_mem_t, stage), H5T_NATIVE_INT64);
    H5Tinsert(t, "level", HOFFSET(stage_mem_t, level), H5T_NATIVE_INT32);
    insert_str(t, "base_point", HOFFSET(stage_mem_t, base), 512);
    H5Tinsert(t, "base_objective", HOFFSET(stage_mem_t, base_objective), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "points", HOFFSET(stage_mem_t, points), H5T_NATIVE_INT64);
    H5Tinsert(t, "best_so_far", HOFFSET(stage_mem_t, best), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "best_id", HOFFSET(stage_mem_t, best_id), H5T_NATIVE_INT64);
    H5Tinsert(t, "start", HOFFSET(stage_mem_t, start), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "end", HOFFSET(stage_mem_t, end), H5T_NATIVE_DOUBLE);
    return t;
}


hid_t job_type(void)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(job_mem_t));
    H5Tinsert(t, "segment", HOFFSET(job_mem_t, segment), H5T_NATIVE_INT32);
    H5Tinsert(t, "start", HOFFSET(job_mem_t, start), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "end", HOFFSET(job_mem_t, end), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "ranks", HOFFSET(job_mem_t, ranks), H5T_NATIVE_INT32);
    H5Tinsert(t, "workers", HOFFSET(job_mem_t, workers), H5T_NATIVE_INT32);
    insert_str(t, "hosts", HOFFSET(job_mem_t, hosts), JOB_HOSTS_LEN);
    insert_str(t, "exit_reason", HOFFSET(job_mem_t, exit_reason), 64);
    H5Tinsert(t, "exit_code", HOFFSET(job_mem_t, exit_code), H5T_NATIVE_INT32);
    return t;
}


hid_t prep_type(hid_t status_type)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(prep_mem_t));
    H5Tinsert(t, "status", HOFFSET(prep_mem_t, status), status_type);
    H5Tinsert(t, "attempt", HOFFSET(prep_mem_t, attempt), H5T_NATIVE_INT32);
    H5Tinsert(t, "exit_code", HOFFSET(prep_mem_t, exit_code), H5T_NATIVE_INT32);
    H5Tinsert(t, "start", HOFFSET(prep_mem_t, start), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "end", HOFFSET(prep_mem_t, end), H5T_NATIVE_DOUBLE);
    insert_str(t, "run_dir", HOFFSET(prep_mem_t, run_dir), RUNDIR_LEN);
    insert_str(t, "reason", HOFFSET(prep_mem_t, reason), REASON_LEN);
    return t;
}

hid_t packed(hid_t mtype)
{
    hid_t f = H5Tcopy(mtype);
    H5Tpack(f);
    return f;
}

