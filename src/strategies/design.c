/* design.c - the greedy maximin design of design.h. The pool is 32
 * candidates a point (at least 512), drawn uniformly from the feasible
 * points without repeats; the whole space when it is no larger. Distances
 * are measured on positions warped toward each parameter's middle (ENDS),
 * so the design takes a parameter's two ends and its middle before the
 * values between them. */
#include "design.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/db.h"
#include "lines.h"

size_t ict__design_size(const ict_space_t *s)
{
    int nv = ict__var_axes(s);
    size_t n = 2 * (size_t)(nv > 0 ? nv : 0) + 2;
    if (n < 10)
        n = 10;
    if (n > 24)
        n = 24;
    uint64_t half = ict_space_size(s) / 2;
    return n > half ? (size_t)half : n;
}

/* The warp of the design's positions: x in [0, 1] becomes
 * 1/2 + sign(u) |u|^ENDS / 2 with u = 2x - 1, which keeps the two ends and
 * the middle and draws the values between toward the middle. The optima
 * of the measured GPU-kernel spaces often lie at an end of several
 * parameters at once (the smallest block height, the largest tile, a flag
 * off), and a design that tries those ends finds them sooner: over seeds
 * 41-140 of benchmark (a), 1 (no warp) / 2 / 3 measured 25 / 29 / 29 cells
 * at or above TPE (docs/algorithm.md). */
#define ENDS 3

static double warp(double x)
{
    double u = 2 * x - 1;
    return 0.5 + 0.5 * copysign(pow(fabs(u), ENDS), u);
}

static void warped(const ict_space_t *s, uint64_t flat, int32_t *idx, double *out)
{
    ict__scaled(s, flat, idx, out);
    for (size_t a = 0; a < ict_space_dims(s); a++)
        out[a] = warp(out[a]);
}

static double dist2(const double *a, const double *b, size_t D)
{
    double d = 0;
    for (size_t i = 0; i < D; i++)
        d += (a[i] - b[i]) * (a[i] - b[i]);
    return d;
}

void ict__scaled(const ict_space_t *s, uint64_t flat, int32_t *idx, double *out)
{
    size_t D = ict_space_dims(s);
    ict_space_unflat(s, flat, idx);
    for (size_t a = 0; a < D; a++) {
        size_t nv = ict_space_count(s, a);
        out[a] = nv > 1 ? (double)idx[a] / (double)(nv - 1) : 0;
    }
}

int ict__design(const ict_space_t *s, size_t n, uint64_t seed,
                int (*feasible)(void *, uint64_t), void *ud,
                const uint64_t *fixed, size_t nfixed, uint64_t *out,
                size_t *nout)
{
    size_t D = ict_space_dims(s), Dm = D ? D : 1;
    uint64_t size = ict_space_size(s);
    size_t want = n * 32 < 512 ? 512 : n * 32;
    *nout = 0;
    if (!n)
        return 0;
    ict_db_t *taken;
    int rc = ict_db_new(&taken);
    if (rc)
        return rc;
    for (size_t i = 0; i < nfixed && !rc; i++)
        if ((rc = ict_db_put(taken, fixed[i], 0, 0, 0)) == -EEXIST)
            rc = 0;
    uint64_t *pool = malloc(want * sizeof *pool);
    double *px = malloc(want * Dm * sizeof *px), *md = malloc(want * sizeof *md);
    double *c = malloc(Dm * sizeof *c);
    int32_t *idx = malloc(Dm * sizeof *idx);
    size_t np = 0;
    if (!rc && (!pool || !px || !md || !c || !idx))
        rc = -ENOMEM;
    if (!rc && size <= want) {
        for (uint64_t f = 0; f < size; f++)
            if (!ict_db_get(taken, f) && (!feasible || feasible(ud, f)))
                pool[np++] = f;
    } else if (!rc) {
        ict__rng_t r;
        ict__rng_seed(&r, seed ^ 0x44657369676e2121ull);
        uint64_t f;
        while (np < want && !ict__random_point(s, &r, feasible, ud, taken, &f)) {
            if ((rc = ict_db_put(taken, f, 0, 0, 0)))
                break;
            pool[np++] = f;
        }
    }
    if (!rc) {
        for (size_t i = 0; i < np; i++) {
            warped(s, pool[i], idx, px + i * Dm);
            md[i] = INFINITY;
        }
        for (size_t i = 0; i < nfixed; i++) {
            warped(s, fixed[i], idx, c);
            for (size_t j = 0; j < np; j++)
                md[j] = fmin(md[j], dist2(px + j * Dm, c, D));
        }
        while (*nout < n) {
            size_t best = SIZE_MAX;
            for (size_t j = 0; j < np; j++)
                if (md[j] >= 0 && (best == SIZE_MAX || md[j] > md[best]))
                    best = j;
            if (best == SIZE_MAX)
                break;
            out[(*nout)++] = pool[best];
            md[best] = -1;      /* taken */
            for (size_t j = 0; j < np; j++)
                if (md[j] >= 0)
                    md[j] = fmin(md[j], dist2(px + j * Dm, px + best * Dm, D));
        }
    }
    free(pool);
    free(px);
    free(md);
    free(c);
    free(idx);
    ict_db_free(taken);
    return rc;
}
