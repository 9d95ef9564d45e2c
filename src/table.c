/* table.c - CSV tables of measured values, indexed by point.
 * The parser takes RFC 4180 quoting ("a,b" and "" inside quotes); rows are
 * streamed, never the whole file in one buffer twice. */
#include "ictune/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/db.h"

struct ict_table {
    const ict_space_t *space;
    size_t ncols;               /* metric columns */
    char **names;
    size_t rows, cap;
    double *vals;               /* rows x ncols */
    uint64_t *flat;
    ict_db_t *index;            /* flat -> row (the entry's order) */
};

/* Split one CSV line in place; returns the number of fields. */
static size_t split(char *line, char ***fields, size_t *cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            char **nf = realloc(*fields, nc * sizeof *nf);
            if (!nf)
                return (size_t)-1;
            *fields = nf;
            *cap = nc;
        }
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (!*p) {
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                out++, p++;
        }
        int last = *p != ',';
        if (!last)
            p++;
        *out = '\0';
        (*fields)[n++] = start;
        if (last)
            return n;
    }
}

static void chomp(char *s)
{
    size_t l = strlen(s);
    while (l && (s[l - 1] == '\n' || s[l - 1] == '\r'))
        s[--l] = '\0';
}

void ict_table_free(ict_table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->names[i]);
    free(t->names);
    free(t->vals);
    free(t->flat);
    ict_db_free(t->index);
    free(t);
}

int ict_table_load(const char *path, const ict_space_t *space,
                   ict_table_t **out, ict_error_t *err)
{
    return ict_table_load_some(path, space, NULL, out, err);
}

int ict_table_load_some(const char *path, const ict_space_t *space,
                        size_t *outside, ict_table_t **out, ict_error_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ict_errorf(err, -errno, "%s: cannot open the table: %s", path,
                          strerror(errno));
    ict_table_t *t = calloc(1, sizeof *t);
    char *line = NULL, **fields = NULL;
    size_t lcap = 0, fcap = 0, D = ict_space_dims(space);
    int *colparam = NULL, rc = 0;
    int32_t *idx = calloc(D ? D : 1, sizeof *idx);
    if (!t || !idx || ict_db_new(&t->index)) {
        rc = -ENOMEM;
        goto out;
    }
    t->space = space;
    ssize_t len = getline(&line, &lcap, f);
    if (len <= 0) {
        rc = ict_errorf(err, -EINVAL, "%s:1: the table is empty; expected a "
                        "header line naming the parameters and metrics", path);
        goto out;
    }
    chomp(line);
    size_t nf = split(line, &fields, &fcap);
    if (nf == (size_t)-1) {
        rc = -ENOMEM;
        goto out;
    }
    colparam = malloc(nf * sizeof *colparam);
    t->names = calloc(nf, sizeof *t->names);
    if (!colparam || !t->names) {
        rc = -ENOMEM;
        goto out;
    }
    size_t seen_params = 0;
    for (size_t i = 0; i < nf; i++) {
        colparam[i] = ict_space_find(space, fields[i]);
        if (colparam[i] >= 0) {
            seen_params++;
            continue;
        }
        colparam[i] = -1 - (int)t->ncols;
        if (!(t->names[t->ncols++] = strdup(fields[i]))) {
            rc = -ENOMEM;
            goto out;
        }
    }
    if (seen_params != D) {
        for (size_t a = 0; a < D; a++) {
            size_t i;
            for (i = 0; i < nf && strcmp(fields[i], ict_space_name(space, a)); i++)
                ;
            if (i == nf) {
                rc = ict_errorf(err, -EINVAL, "%s:1: the header has no column "
                                "for the parameter '%s'; expected one column "
                                "per parameter of the config", path,
                                ict_space_name(space, a));
                goto out;
            }
        }
        rc = ict_errorf(err, -EINVAL, "%s:1: a parameter column appears "
                        "twice", path);
        goto out;
    }
    size_t lineno = 1;
    while ((len = getline(&line, &lcap, f)) > 0) {
        lineno++;
        chomp(line);
        if (!*line)
            continue;
        size_t n = split(line, &fields, &fcap);
        if (n == (size_t)-1) {
            rc = -ENOMEM;
            goto out;
        }
        if (n != nf) {
            rc = ict_errorf(err, -EINVAL, "%s:%zu: %zu fields; expected %zu "
                            "like the header", path, lineno, n, nf);
            goto out;
        }
        if (t->rows == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 1024;
            double *nv = realloc(t->vals, cap * (t->ncols ? t->ncols : 1) * sizeof *nv);
            if (nv)
                t->vals = nv;
            uint64_t *nfl = realloc(t->flat, cap * sizeof *nfl);
            if (nfl)
                t->flat = nfl;
            if (!nv || !nfl) {
                rc = -ENOMEM;
                goto out;
            }
            t->cap = cap;
        }
        int skip = 0;
        for (size_t i = 0; i < nf; i++) {
            if (colparam[i] >= 0) {
                int v = ict_space_value_index(space, (size_t)colparam[i], fields[i]);
                if (v < 0 && outside) {
                    skip = 1;
                    continue;
                }
                if (v < 0) {
                    rc = ict_errorf(err, -EINVAL, "%s:%zu: column '%s' holds "
                                    "'%s', which is not one of the config's "
                                    "values for that parameter", path, lineno,
                                    ict_space_name(space, (size_t)colparam[i]),
                                    fields[i]);
                    goto out;
                }
                idx[colparam[i]] = v;
            } else {
                char *end;
                double v = strtod(fields[i], &end);
                if (end == fields[i] || *end)
                    v = NAN;
                t->vals[t->rows * t->ncols + (size_t)(-1 - colparam[i])] = v;
            }
        }
        if (skip) {
            (*outside)++;
            continue;
        }
        uint64_t fl = ict_space_flat(space, idx);
        rc = ict_db_put(t->index, fl, 1, 0, 0);
        if (rc == -EEXIST) {
            rc = ict_errorf(err, -EINVAL, "%s:%zu: this configuration is "
                            "already in row %u; expected each configuration "
                            "once", path, lineno,
                            ict_db_get(t->index, fl)->order + 2);
            goto out;
        }
        if (rc)
            goto out;
        t->flat[t->rows++] = fl;
    }
    if (ferror(f))
        rc = ict_errorf(err, -EIO, "%s: read error", path);
out:
    fclose(f);
    free(line);
    free(fields);
    free(colparam);
    free(idx);
    if (rc) {
        ict_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

size_t ict_table_rows(const ict_table_t *t) { return t->rows; }

int ict_table_column(const ict_table_t *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->names[i], name))
            return (int)i;
    return -1;
}

long ict_table_lookup(const ict_table_t *t, uint64_t flat)
{
    const ict_db_entry_t *e = ict_db_get(t->index, flat);
    return e ? (long)e->order : -1;
}

uint64_t ict_table_point(const ict_table_t *t, size_t row) { return t->flat[row]; }

double ict_table_value(const ict_table_t *t, size_t row, int col)
{
    return t->vals[row * t->ncols + (size_t)col];
}
