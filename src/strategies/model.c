/* model.c - the additive model of model.h. Backfitting: each sweep sets
 * every axis's effects to the mean residual of the points at each value,
 * shrunk towards 0 by a ridge of one point (a value seen once moves half
 * way); 30 sweeps or until nothing moves by 1e-9. */
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RIDGE 1.0
#define SWEEPS 30

int ict__model_init(ict__model_t *m, const ict_space_t *s)
{
    memset(m, 0, sizeof *m);
    m->D = ict_space_dims(s);
    m->off = malloc((m->D + 1) * sizeof *m->off);
    if (!m->off)
        return -ENOMEM;
    m->off[0] = 0;
    for (size_t a = 0; a < m->D; a++)
        m->off[a + 1] = m->off[a] + ict_space_count(s, a);
    m->e = calloc(m->off[m->D] ? m->off[m->D] : 1, sizeof *m->e);
    return m->e ? 0 : -ENOMEM;
}

void ict__model_fini(ict__model_t *m)
{
    free(m->off);
    free(m->e);
    memset(m, 0, sizeof *m);
}

static int by_flat(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

int ict__model_fit(ict__model_t *m, const ict_space_t *s, const ict_db_t *db)
{
    size_t n = 0, it = 0, D = m->D;
    const ict_db_entry_t *e;
    m->n = 0;
    while ((e = ict_db_iter(db, &it)))
        n += e->valid && isfinite(e->y);
    if (n < 2)
        return 0;
    /* (flat, y) pairs sorted by flat */
    uint64_t *fy = malloc(2 * n * sizeof *fy);
    int32_t *x = malloc(n * (D ? D : 1) * sizeof *x);
    double *y = malloc(n * sizeof *y), *r = malloc(n * sizeof *r);
    double *sum = malloc((m->off[D] ? m->off[D] : 1) * sizeof *sum);
    size_t *cnt = malloc((m->off[D] ? m->off[D] : 1) * sizeof *cnt);
    if (!fy || !x || !y || !r || !sum || !cnt) {
        free(fy); free(x); free(y); free(r); free(sum); free(cnt);
        return -ENOMEM;
    }
    size_t k = 0;
    int pos = 1, neg = 1;
    it = 0;
    while ((e = ict_db_iter(db, &it)))
        if (e->valid && isfinite(e->y)) {
            fy[2 * k] = e->flat;
            memcpy(&fy[2 * k + 1], &e->y, sizeof e->y);
            pos &= e->y > 0;
            neg &= e->y < 0;
            k++;
        }
    qsort(fy, n, 2 * sizeof *fy, by_flat);
    m->sign = pos ? 1 : neg ? -1 : 0;
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        memcpy(&v, &fy[2 * i + 1], sizeof v);
        y[i] = m->sign > 0 ? log(v) : m->sign < 0 ? -log(-v) : v;
        mean += y[i];
        ict_space_unflat(s, fy[2 * i], x + i * D);
    }
    mean /= (double)n;
    memset(m->e, 0, m->off[D] * sizeof *m->e);
    m->mu = mean;
    for (size_t i = 0; i < n; i++)
        r[i] = y[i] - mean;             /* residual of the current model */
    for (int sweep = 0; sweep < SWEEPS; sweep++) {
        double moved = 0;
        for (size_t a = 0; a < D; a++) {
            size_t nv = m->off[a + 1] - m->off[a];
            double *ea = m->e + m->off[a];
            if (nv < 2)
                continue;
            memset(sum, 0, nv * sizeof *sum);
            memset(cnt, 0, nv * sizeof *cnt);
            for (size_t i = 0; i < n; i++) {
                int32_t v = x[i * D + a];
                sum[v] += r[i] + ea[v];         /* residual without axis a */
                cnt[v]++;
            }
            for (size_t v = 0; v < nv; v++) {
                double ne = sum[v] / ((double)cnt[v] + RIDGE);
                moved = fmax(moved, fabs(ne - ea[v]));
                sum[v] = ne - ea[v];            /* the change */
                ea[v] = ne;
            }
            for (size_t i = 0; i < n; i++)
                r[i] -= sum[x[i * D + a]];
        }
        if (moved < 1e-9)
            break;
    }
    m->n = n;
    free(fy); free(x); free(y); free(r); free(sum); free(cnt);
    return 0;
}

double ict__model_at(const ict__model_t *m, const int32_t *idx)
{
    double v = m->mu;
    for (size_t a = 0; a < m->D; a++)
        v += m->e[m->off[a] + (size_t)idx[a]];
    return v;
}
