/* seed.c - measurements of other runs mapped into this config's space
 * (seed.h): from a results file by parameter name and value text, from a
 * table through table.c. */
#include "ictune/seed.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ictune/db.h"
#include "ictune/record.h"
#include "ictune/store.h"
#include "ictune/number.h"
#include "ictune/table.h"
#include "json.h"

/* A value of one of the old row's metrics (objective included) by name. */
typedef struct src {
    const char *objective;
    char **metrics;
    size_t n_metrics;
} src_t;

static double value_of(const src_t *s, const char *name, double obj,
                       const double *met)
{
    if (s->objective && !strcmp(name, s->objective))
        return obj;
    for (size_t k = 0; k < s->n_metrics; k++)
        if (!strcmp(s->metrics[k], name))
            return met[k];
    return NAN;
}

static int has_name(const src_t *s, const char *name)
{
    if (s->objective && !strcmp(name, s->objective))
        return 1;
    for (size_t k = 0; k < s->n_metrics; k++)
        if (!strcmp(s->metrics[k], name))
            return 1;
    return 0;
}

typedef struct acc {
    const ict_config_t *c;
    ict_seeds_t *S;
    ict_db_t *taken;
    int32_t *idx;
    size_t cap;
} acc_t;

/* One candidate at point idx (already in the space). */
static int take(acc_t *A, const src_t *src, long long origin, double obj,
                const double *met)
{
    const ict_config_t *c = A->c;
    ict_seeds_t *S = A->S;
    if (!ict_config_point_valid(c, A->idx)) {
        S->excluded++;
        return 0;
    }
    double y = value_of(src, c->objective, obj, met);
    if (!isfinite(y)) {
        S->lacking++;
        return 0;
    }
    int broken = 0;
    for (size_t k = 0; k < c->n_constraints; k++) {
        double v = value_of(src, c->constraints[k].metric, obj, met);
        if (isnan(v)) {
            S->lacking++;
            return 0;
        }
        broken |= !ict_constraint_holds(&c->constraints[k], v);
    }
    uint64_t flat = ict_space_flat(c->space, A->idx);
    if (ict_db_get(A->taken, flat)) {
        S->twice++;
        return 0;
    }
    int rc = ict_db_put(A->taken, flat, 1, 0, 0);
    if (rc)
        return rc;
    if (S->n == A->cap) {
        size_t cap = A->cap ? 2 * A->cap : 256;
        ict_seed_t *nv = realloc(S->v, cap * sizeof *nv);
        double *nb = realloc(S->block, cap * (c->n_metrics + 1) * sizeof *nb);
        if (nv)
            S->v = nv;
        if (nb)
            S->block = nb;
        if (!nv || !nb)
            return -ENOMEM;
        A->cap = cap;
    }
    ict_seed_t *s = &S->v[S->n];
    double *m = S->block + S->n * (c->n_metrics + 1);
    for (size_t k = 0; k < c->n_metrics; k++)
        m[k] = value_of(src, c->metrics[k], obj, met);
    *s = (ict_seed_t){flat, broken ? ICT_STATUS_INFEASIBLE : ICT_STATUS_OK, y,
                      NULL, origin};
    S->n++;
    return 0;
}

static int from_results(acc_t *A, const char *path, ict_error_t *err)
{
    const ict_config_t *c = A->c;
    ict_store_t *st;
    ict_config_t *old;
    int rc = ict_store_open_readonly(&st, path, &old, err);
    if (rc)
        return rc;
    const ict_space_t *ns = c->space, *os = old->space;
    size_t D = ict_space_dims(ns), OD = ict_space_dims(os);
    int *map = calloc(D + 1, sizeof *map);
    if (!map) {
        ict_store_close(st);
        return -ENOMEM;
    }
    /* every parameter the old file varies must be in this space, and
     * every parameter this space varies in the old file */
    for (size_t a = 0; a < OD && !rc; a++)
        if (ict_space_count(os, a) > 1 && ict_space_find(ns, ict_space_name(os, a)) < 0)
            rc = ict_errorf(err, -EINVAL, "%s: the file's parameter '%s' is "
                            "not in this config's space; expected the same "
                            "parameters (values may differ)", path,
                            ict_space_name(os, a));
    for (size_t a = 0; a < D && !rc; a++) {
        map[a] = ict_space_find(os, ict_space_name(ns, a));
        if (map[a] < 0 && ict_space_count(ns, a) > 1)
            rc = ict_errorf(err, -EINVAL, "%s: the file has no parameter "
                            "'%s'; expected the same parameters as this "
                            "config (values may differ)", path,
                            ict_space_name(ns, a));
    }
    src_t src = {old->objective, old->metrics, old->n_metrics};
    if (!rc && !has_name(&src, c->objective))
        rc = ict_errorf(err, -EINVAL, "%s: the file records no '%s' (its "
                        "objective is '%s'); expected the objective of this "
                        "config among its metrics", path, c->objective,
                        old->objective);
    ict_record_t *rows = NULL;
    size_t n = 0;
    if (!rc)
        rc = ict_store_rows(st, &rows, &n, err);
    int32_t *oidx = calloc(OD + 1, sizeof *oidx);
    if (!rc && !oidx)
        rc = -ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        const ict_record_t *r = &rows[i];
        A->S->rows++;
        if (r->status != ICT_STATUS_OK && r->status != ICT_STATUS_INFEASIBLE) {
            A->S->unfinished++;
            continue;
        }
        ict_space_unflat(os, r->flat, oidx);
        int inside = 1;
        for (size_t a = 0; a < D && inside; a++) {
            if (map[a] < 0) {
                A->idx[a] = 0;
                continue;
            }
            const char *t = ict_space_value(os, (size_t)map[a], (size_t)oidx[map[a]])->text;
            int v = ict_space_value_index(ns, a, t);
            inside = v >= 0;
            A->idx[a] = v;
        }
        if (!inside) {
            A->S->outside++;
            continue;
        }
        rc = take(A, &src, (long long)r->id, r->objective, r->metrics);
    }
    free(oidx);
    ict_store_rows_free(rows, n);
    free(map);
    ict_store_close(st);
    return rc;
}

static int from_table(acc_t *A, const char *path, ict_error_t *err)
{
    const ict_config_t *c = A->c;
    ict_table_t *t;
    size_t outside = 0;
    int rc = ict_table_load_some(path, c->space, &outside, &t, err);
    if (rc)
        return rc;
    A->S->rows += outside;
    A->S->outside += outside;
    /* the table's columns that this config reads */
    size_t nn = c->n_metrics + 1;
    char **names = calloc(nn, sizeof *names);
    int *col = calloc(nn, sizeof *col);
    double *vals = calloc(nn, sizeof *vals);
    if (!names || !col || !vals)
        rc = -ENOMEM;
    size_t k = 0;
    for (size_t m = 0; !rc && m < nn; m++) {
        const char *name = m ? c->metrics[m - 1] : c->objective;
        int j = ict_table_column(t, name);
        if (j >= 0) {
            names[k] = (char *)name;
            col[k++] = j;
        }
    }
    if (!rc && (k == 0 || strcmp(names[0], c->objective)))
        rc = ict_errorf(err, -EINVAL, "%s: the table has no column '%s'; "
                        "expected the objective of this config as a column",
                        path, c->objective);
    src_t src = {NULL, names, k};
    for (size_t r = 0; !rc && r < ict_table_rows(t); r++) {
        A->S->rows++;
        for (size_t j = 0; j < k; j++)
            vals[j] = ict_table_value(t, r, col[j]);
        ict_space_unflat(c->space, ict_table_point(t, r), A->idx);
        rc = take(A, &src, (long long)r + 1, NAN, vals);
    }
    free(names);
    free(col);
    free(vals);
    ict_table_free(t);
    return rc;
}

#define KT_MAX_BYTES ((size_t)4 << 30)

/* The whole file, gunzipped when it is gzip (zlib reads plain files too). */
static int slurp(const char *path, char **out, size_t *len, ict_error_t *err)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return ict_errorf(err, -errno ? -errno : -EIO, "%s: cannot open: %s",
                          path, strerror(errno ? errno : EIO));
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    int rc = b ? 0 : -ENOMEM;
    while (!rc) {
        if (n == cap) {
            if (cap >= KT_MAX_BYTES) {
                rc = ict_errorf(err, -EFBIG, "%s: more than %zu bytes; expected "
                                "a smaller cache file", path, KT_MAX_BYTES);
                break;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                rc = -ENOMEM;
                break;
            }
            b = nb;
            cap *= 2;
        }
        int k = gzread(g, b + n, (unsigned)(cap - n > (1u << 30) ? (1u << 30) : cap - n));
        if (k < 0)
            rc = ict_errorf(err, -EIO, "%s: cannot read (a damaged gzip file?)", path);
        else if (k == 0)
            break;
        n += (size_t)k;
    }
    gzclose(g);
    if (rc) {
        free(b);
        return rc;
    }
    *out = b;
    *len = n;
    return 0;
}

/* A Kernel Tuner cache file (.json, .json.gz): "cache" maps a key to an
 * object of the parameters' values and the measured metrics; a metric
 * that is a string (CompilationFailedConfig, ...) is a failure. */
static int from_kt(acc_t *A, const char *path, ict_error_t *err)
{
    const ict_config_t *c = A->c;
    const ict_space_t *sp = c->space;
    char *text = NULL;
    size_t len = 0, where = 0;
    int rc = slurp(path, &text, &len, err);
    if (rc)
        return rc;
    ict__jv_t root;
    rc = ict__json_parse(text, len, &root, &where);
    free(text);
    if (rc == -ENOMEM)
        return rc;
    if (rc)
        return ict_errorf(err, rc, "%s: not valid JSON at byte %zu; expected a "
                          "Kernel Tuner cache file", path, where);
    const ict__jv_t *cache = ict__json_get(&root, "cache");
    if (!cache || cache->type != ICT__J_OBJ) {
        ict__json_fini(&root);
        return ict_errorf(err, -EINVAL, "%s: no \"cache\" object; expected a "
                          "Kernel Tuner cache file", path);
    }
    size_t D = ict_space_dims(sp), nn = c->n_metrics + 1;
    char **names = calloc(nn, sizeof *names);
    double *vals = calloc(nn, sizeof *vals);
    if (!names || !vals)
        rc = -ENOMEM;
    else
        names[0] = c->objective;
    for (size_t k = 0; !rc && k < c->n_metrics; k++)
        names[k + 1] = c->metrics[k];
    src_t src = {NULL, names, nn};
    for (size_t i = 0; !rc && i < cache->n; i++) {
        const ict__jv_t *e = &cache->vals[i];
        A->S->rows++;
        if (e->type != ICT__J_OBJ) {
            A->S->unfinished++;
            continue;
        }
        int inside = 1;
        for (size_t a = 0; a < D && inside; a++) {
            const ict__jv_t *v = ict__json_get(e, ict_space_name(sp, a));
            char t[64];
            const char *tx = t;
            if (!v && ict_space_count(sp, a) == 1) {
                A->idx[a] = 0;
                continue;
            }
            if (!v || v->type == ICT__J_OBJ || v->type == ICT__J_ARR ||
                v->type == ICT__J_NULL)
                tx = NULL;
            else if (v->type == ICT__J_STR)
                tx = v->str;
            else if (v->type == ICT__J_BOOL)
                tx = v->num ? "True" : "False";     /* Python's str() */
            else
                ict_number_format(v->num, t, sizeof t);
            int x = tx ? ict_space_value_index(sp, a, tx) : -1;
            inside = x >= 0;
            A->idx[a] = x;
        }
        if (!inside) {
            A->S->outside++;
            continue;
        }
        const ict__jv_t *obj = ict__json_get(e, c->objective);
        if (obj && obj->type == ICT__J_STR) {
            A->S->unfinished++;                     /* a failure string */
            continue;
        }
        for (size_t k = 0; k < nn; k++) {
            const ict__jv_t *v = ict__json_get(e, names[k]);
            vals[k] = v && v->type == ICT__J_NUM ? v->num : NAN;
        }
        rc = take(A, &src, (long long)i + 1, NAN, vals);
    }
    free(names);
    free(vals);
    ict__json_fini(&root);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

int ict_seeds_load(const char *path, const ict_config_t *c, ict_seeds_t **out,
                   ict_error_t *err)
{
    ict_seeds_t *S = calloc(1, sizeof *S);
    acc_t A = {c, S, NULL, calloc(ict_space_dims(c->space) + 1, sizeof(int32_t)), 0};
    int rc = !S || !A.idx ? -ENOMEM : ict_db_new(&A.taken);
    if (!rc)
        rc = ends_with(path, ".csv") ? from_table(&A, path, err)
           : ends_with(path, ".json") || ends_with(path, ".json.gz")
               ? from_kt(&A, path, err) : from_results(&A, path, err);
    /* the metrics' pointers, once the block stops moving */
    for (size_t i = 0; !rc && i < S->n; i++)
        S->v[i].metrics = S->block + i * (c->n_metrics + 1);
    ict_db_free(A.taken);
    free(A.idx);
    if (rc) {
        ict_seeds_free(S);
        return rc;
    }
    *out = S;
    return 0;
}

void ict_seeds_free(ict_seeds_t *s)
{
    if (!s)
        return;
    free(s->v);
    free(s->block);
    free(s);
}
