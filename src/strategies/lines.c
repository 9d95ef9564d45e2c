/* lines.c - neighbourhoods, directions, lines and the start point. */
#include "lines.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/search.h"

void ict__dir_normalise(int8_t *d, size_t D)
{
    for (size_t a = 0; a < D; a++) {
        if (d[a] == 0)
            continue;
        if (d[a] < 0)
            for (size_t b = a; b < D; b++)
                d[b] = (int8_t)-d[b];
        return;
    }
}

uint64_t ict__dir_code(const int8_t *d, size_t D)
{
    uint64_t c = 0;
    for (size_t a = 0; a < D; a++)
        c = c * 3 + (uint64_t)(d[a] + 1);
    return c;
}

int ict__var_axes(const ict_space_t *s)
{
    int k = 0;
    for (size_t a = 0; a < ict_space_dims(s); a++)
        k += ict_space_count(s, a) > 1;
    return k;
}

int ict__line_build(ict__line_t *L, const ict_space_t *s, const int32_t *base,
                    const int8_t *dir, const ict_ippe_params_t *p)
{
    size_t D = ict_space_dims(s);
    long tmin = -(1L << 40), tmax = 1L << 40;
    int nnz = 0;
    for (size_t a = 0; a < D; a++) {
        long n = (long)ict_space_count(s, a), b = base[a];
        if (dir[a] > 0) {
            tmin = tmin > -b ? tmin : -b;
            tmax = tmax < n - 1 - b ? tmax : n - 1 - b;
        } else if (dir[a] < 0) {
            tmin = tmin > b - (n - 1) ? tmin : b - (n - 1);
            tmax = tmax < b ? tmax : b;
        }
        nnz += dir[a] != 0;
    }
    if (!nnz || tmax - tmin < 1)
        return -ENODATA;
    memset(L, 0, sizeof *L);
    L->n = (size_t)(tmax - tmin + 1);
    L->base_pos = (size_t)(-tmin);
    L->nnz = nnz;
    L->dir = malloc(D);
    L->flat = malloc(L->n * sizeof *L->flat);
    int32_t *idx = malloc(D * sizeof *idx);
    if (!L->dir || !L->flat || !idx) {
        free(idx);
        ict__line_fini(L);
        return -ENOMEM;
    }
    memcpy(L->dir, dir, D);
    L->code = ict__dir_code(dir, D);
    for (size_t i = 0; i < L->n; i++) {
        long t = tmin + (long)i;
        for (size_t a = 0; a < D; a++)
            idx[a] = (int32_t)(base[a] + t * dir[a]);
        L->flat[i] = ict_space_flat(s, idx);
    }
    free(idx);
    int rc = ict_ippe_new(&L->ippe, L->n, p);
    if (rc) {
        ict__line_fini(L);
        return rc;
    }
    return 0;
}

void ict__line_fini(ict__line_t *L)
{
    free(L->dir);
    free(L->flat);
    ict_ippe_free(L->ippe);
    memset(L, 0, sizeof *L);
}

int ict__line_sync(ict__line_t *L, const ict_strategy_ctx_t *ctx)
{
    const ict_config_t *c = ctx->config;
    size_t K = c ? c->n_constraints : 0;
    double slack[64];
    if (K > 64)
        K = 0;                          /* beyond that: holes, as before */
    for (size_t i = 0; i < L->n; i++) {
        if (ict_ippe_is_set(L->ippe, i))
            continue;
        const ict_db_entry_t *e = ict_db_get(ctx->db, L->flat[i]);
        if (!e)
            continue;
        if (!K) {
            ict_ippe_set(L->ippe, i, e->valid, e->y);
            continue;
        }
        /* the constraints' slacks: >= 0 where the constraint holds */
        const double *v = ctx->constraint_values ?
            ctx->constraint_values(ctx->constraint_ud, L->flat[i]) : NULL;
        for (size_t k = 0; k < K; k++) {
            const ict_constraint_t *q = &c->constraints[k];
            slack[k] = ict_constraint_slack(q, v ? v[k] : NAN);
        }
        int kind = e->valid ? ICT_IPPE_VALID :
                   e->status == ICT_STATUS_INFEASIBLE ? ICT_IPPE_BROKEN : ICT_IPPE_INVALID;
        ict_ippe_set_full(L->ippe, i, kind, e->y, slack);
    }
    int rc = ict_ippe_update(L->ippe);
    if (rc < 0)
        return rc;
    L->finished = rc == 1;
    return 0;
}

int ict__line_best(const ict__line_t *L, size_t *pos, double *y)
{
    return ict_ippe_best(L->ippe, pos, y);
}

int ict__neighbours(const ict_space_t *s, const int32_t *base, int kmax,
                    int8_t **deltas, size_t *count)
{
    size_t D = ict_space_dims(s);
    int var[ICT__MAX_VAR_AXES];
    int nv = 0;
    for (size_t a = 0; a < D; a++)
        if (ict_space_count(s, a) > 1) {
            if (nv == ICT__MAX_VAR_AXES)
                return -E2BIG;
            var[nv++] = (int)a;
        }
    if (kmax > nv)
        kmax = nv;
    size_t cap = 64, n = 0;
    int8_t *out = malloc(cap * D);
    int8_t *d = calloc(D ? D : 1, 1);
    if (!out || !d) {
        free(out);
        free(d);
        return -ENOMEM;
    }
    for (int j = 1; j <= kmax; j++) {
        /* Subsets of size j of the variable axes, ascending as bitmasks
         * (Gosper's hack); the map to real axes is monotone. */
        uint64_t mask = (j == 64) ? ~0ull : ((1ull << j) - 1);
        uint64_t limit = 1ull << nv;
        for (; mask < limit;) {
            int ax[ICT__MAX_VAR_AXES], na = 0;
            for (int t = 0; t < nv; t++)
                if (mask >> t & 1)
                    ax[na++] = var[t];
            for (uint64_t sg = 0; sg < (1ull << j); sg++) {
                memset(d, 0, D);
                int inside = 1;
                for (int t = 0; t < na; t++) {
                    d[ax[t]] = (sg >> t & 1) ? -1 : 1;
                    long v = base[ax[t]] + d[ax[t]];
                    if (v < 0 || v >= (long)ict_space_count(s, (size_t)ax[t]))
                        inside = 0;
                }
                if (!inside)
                    continue;
                if (n == cap) {
                    cap *= 2;
                    int8_t *no = realloc(out, cap * D);
                    if (!no) {
                        free(out);
                        free(d);
                        return -ENOMEM;
                    }
                    out = no;
                }
                memcpy(out + n * D, d, D);
                n++;
            }
            uint64_t c = mask & -mask, r = mask + c;
            mask = (((r ^ mask) >> 2) / c) | r;
        }
    }
    free(d);
    *deltas = out;
    *count = n;
    return 0;
}

uint64_t ict__mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = ict__mix64(*x);
    *x += 0x9e3779b97f4a7c15ull;
    return z;
}

void ict__rng_seed(ict__rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ict__rng_next(ict__rng_t *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

uint64_t ict__rng_below(ict__rng_t *r, uint64_t n)
{
    uint64_t lim = -n % n;          /* 2^64 mod n: reject to stay uniform */
    for (;;) {
        __extension__ unsigned __int128 m = (unsigned __int128)ict__rng_next(r) * n;
        if ((uint64_t)m >= lim)
            return (uint64_t)(m >> 64);
    }
}

int ict__start_point(const ict_space_t *s, int random, uint64_t seed,
                     int (*feasible)(void *, uint64_t), void *ud,
                     int32_t *out)
{
    size_t D = ict_space_dims(s);
    uint64_t size = ict_space_size(s);
    if (random) {
        ict__rng_t r;
        uint64_t f;
        ict__rng_seed(&r, seed);
        if (ict__random_point(s, &r, feasible, ud, NULL, &f))
            f = ict__rng_below(&r, size);   /* none known feasible: any */
        ict_space_unflat(s, f, out);
        return 0;
    }
    ict_space_centre(s, out);
    if (!feasible || feasible(ud, ict_space_flat(s, out)))
        return 0;
    if (size > 50000000ull)
        return 0;       /* too large to scan: measure the centre anyway */
    int32_t *c = malloc(D * sizeof *c), *idx = malloc(D * sizeof *idx);
    if (!c || !idx) {
        free(c);
        free(idx);
        return -ENOMEM;
    }
    memcpy(c, out, D * sizeof *c);
    uint64_t best = UINT64_MAX, bestd = UINT64_MAX;
    for (uint64_t f = 0; f < size; f++) {
        if (!feasible(ud, f))
            continue;
        ict_space_unflat(s, f, idx);
        uint64_t dist = 0;
        for (size_t a = 0; a < D; a++)
            dist += (uint64_t)labs((long)idx[a] - c[a]);
        if (dist < bestd) {
            bestd = dist;
            best = f;
        }
    }
    if (best != UINT64_MAX)
        ict_space_unflat(s, best, out);
    free(c);
    free(idx);
    return 0;
}

int ict__random_point(const ict_space_t *s, ict__rng_t *r,
                      int (*feasible)(void *, uint64_t), void *ud,
                      const ict_db_t *exclude, uint64_t *out)
{
    uint64_t size = ict_space_size(s);
    for (int tries = 0; tries < 100000; tries++) {
        uint64_t f = ict__rng_below(r, size);
        if ((exclude && ict_db_get(exclude, f)) || (feasible && !feasible(ud, f)))
            continue;
        *out = f;
        return 0;
    }
    return -ENOENT;
}
