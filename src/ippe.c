/* ippe.c - IPPE line search: tri phase, d-Spline-guided next points, stop.
 *
 * The d-Spline holds every valid result on the line; invalid (failed or
 * infeasible) positions count as measured but are never fitted. The line's
 * result is its best *measured* point, never the spline's minimum. The
 * trisection order fixes the reference library's bug 5.1 (it pushed the
 * global left+1 for a sub-segment of length 2 and so missed points). */
#include "ictune/ippe.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/dspline.h"

enum { UNSET = 0, VALID = ICT_IPPE_VALID, INVALID = ICT_IPPE_INVALID,
       BROKEN = ICT_IPPE_BROKEN };

struct ict_ippe {
    size_t n;
    ict_ippe_params_t p;
    unsigned char *state;
    double *y;
    size_t *order;            /* trisection order */
    size_t tri[4], ntri;
    size_t nfinal, nvalid;
    size_t pending_valid;     /* valid results not yet in the spline */
    size_t *pending;          /* their positions */
    ict_dspline_t *ds;
    /* constraints: slack k of position i at g[k * n + i] (NaN unknown),
     * one d-Spline each, fitted once it has two samples */
    double *g;
    double *prior;            /* prior slacks, as g (NaN: none) */
    ict_dspline_t **gds;
    size_t *gcount;
    int *gfit;
    size_t *fresh;            /* positions set since the last update */
    size_t nfresh;
    int fitted;
    size_t low_idx, cnt;
    double ymin, ymax;
    ict_ippe_phase_t phase;
};

size_t ict_tri_order(size_t n, size_t *out)
{
    if (n == 0)
        return 0;
    unsigned char *seen = calloc(n, 1);
    size_t (*seg)[2] = malloc((3 * n + 3) * sizeof *seg);
    size_t k = 0, head = 0, tail = 0;
    if (!seen || !seg) {                 /* fall back to plain order */
        for (size_t i = 0; i < n; i++)
            out[i] = i;
        free(seen);
        free(seg);
        return n;
    }
#define EMIT(i) do { if (!seen[i]) { seen[i] = 1; out[k++] = (i); } } while (0)
    EMIT(0);
    EMIT(n - 1);
    seg[tail][0] = 0;
    seg[tail++][1] = n - 1;
    while (head < tail) {
        size_t l = seg[head][0], r = seg[head][1];
        head++;
        size_t L = r - l;
        if (L < 2)
            continue;
        if (L == 2) {
            EMIT(l + 1);
            continue;
        }
        size_t m1 = l + L / 3, m2 = m1 + (r - m1) / 2;
        EMIT(m1);
        EMIT(m2);
        seg[tail][0] = l; seg[tail++][1] = m1;
        seg[tail][0] = m1; seg[tail++][1] = m2;
        seg[tail][0] = m2; seg[tail++][1] = r;
    }
    for (size_t i = 0; i < n; i++)
        EMIT(i);
#undef EMIT
    free(seen);
    free(seg);
    return k;
}

int ict_ippe_new(ict_ippe_t **out, size_t n, const ict_ippe_params_t *p)
{
    if (n == 0)
        return -EINVAL;
    ict_ippe_t *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    ict_ippe_params_t def = ICT_IPPE_DEFAULTS;
    l->p = p ? *p : def;
    l->n = n;
    l->state = calloc(n, 1);
    l->y = calloc(n, sizeof *l->y);
    l->order = calloc(n, sizeof *l->order);
    l->pending = calloc(n, sizeof *l->pending);
    if (!l->state || !l->y || !l->order || !l->pending ||
        ict_dspline_new(&l->ds, n, l->p.markers, l->p.alpha)) {
        ict_ippe_free(l);
        return -ENOMEM;
    }
    size_t K = l->p.ncons;
    if (K) {
        l->g = malloc(K * n * sizeof *l->g);
        l->prior = malloc(K * n * sizeof *l->prior);
        l->gds = calloc(K, sizeof *l->gds);
        l->gcount = calloc(K, sizeof *l->gcount);
        l->gfit = calloc(K, sizeof *l->gfit);
        l->fresh = calloc(n, sizeof *l->fresh);
        if (!l->g || !l->prior || !l->gds || !l->gcount || !l->gfit || !l->fresh) {
            ict_ippe_free(l);
            return -ENOMEM;
        }
        for (size_t i = 0; i < K * n; i++)
            l->g[i] = l->prior[i] = NAN;
        for (size_t k = 0; k < K; k++)
            if (ict_dspline_new(&l->gds[k], n, l->p.markers, l->p.alpha)) {
                ict_ippe_free(l);
                return -ENOMEM;
            }
    }
    ict_tri_order(n, l->order);
    /* The four initial points of 2.2: ends and the two trisection points
     * (n = 3 needs only 3, and shorter lines fewer). */
    l->ntri = n < 4 ? n : 4;
    for (size_t i = 0; i < l->ntri; i++)
        l->tri[i] = l->order[i];
    l->phase = ICT_IPPE_TRI;
    *out = l;
    return 0;
}

void ict_ippe_free(ict_ippe_t *l)
{
    if (!l)
        return;
    free(l->state);
    free(l->y);
    free(l->order);
    free(l->pending);
    ict_dspline_free(l->ds);
    for (size_t k = 0; l->gds && k < l->p.ncons; k++)
        ict_dspline_free(l->gds[k]);
    free(l->gds);
    free(l->g);
    free(l->prior);
    free(l->gcount);
    free(l->gfit);
    free(l->fresh);
    free(l);
}

int ict_ippe_set(ict_ippe_t *l, size_t i, int valid, double y)
{
    return ict_ippe_set_full(l, i, valid ? VALID : INVALID, y, NULL);
}

int ict_ippe_set_full(ict_ippe_t *l, size_t i, int kind, double y,
                      const double *slack)
{
    if (i >= l->n || (kind != VALID && kind != INVALID && kind != BROKEN))
        return -EINVAL;
    if (l->state[i] != UNSET)
        return 0;
    if (kind != INVALID && !isfinite(y))
        kind = INVALID;                 /* never fit NaN or inf */
    if (kind == BROKEN && !l->p.ncons)
        kind = INVALID;                 /* nothing models the constraint */
    l->state[i] = (unsigned char)kind;
    l->y[i] = y;
    l->nfinal++;
    if (kind == VALID)
        l->nvalid++;
    if (kind != INVALID)
        l->pending[l->pending_valid++] = i;
    for (size_t k = 0; slack && k < l->p.ncons; k++)
        l->g[k * l->n + i] = slack[k];
    if (l->p.ncons)
        l->fresh[l->nfresh++] = i;
    return 0;
}

/* Predicted (unmeasured) or measured feasibility of position i. */
static int feasible(const ict_ippe_t *l, size_t i)
{
    if (l->state[i] != UNSET)
        return l->state[i] == VALID;
    for (size_t k = 0; k < l->p.ncons; k++) {
        double v = l->gfit[k] ? ict_dspline_est(l->gds[k], i) : l->prior[k * l->n + i];
        if (v < 0)                      /* NaN: not known, feasible */
            return 0;
    }
    return 1;
}

int ict_ippe_set_prior(ict_ippe_t *l, size_t i, size_t k, double slack)
{
    if (i >= l->n || k >= l->p.ncons)
        return -EINVAL;
    l->prior[k * l->n + i] = slack;
    return 0;
}

/* The estimated best among the positions predicted feasible (all of them
 * without constraints); SIZE_MAX when there is none. */
static size_t best_estimate(const ict_ippe_t *l)
{
    if (!l->p.ncons)
        return ict_dspline_argmin(l->ds);
    size_t arg = SIZE_MAX;
    double best = INFINITY;
    for (size_t i = 0; i < l->n; i++) {
        if (!feasible(l, i))
            continue;
        double e = ict_dspline_est(l->ds, i);
        if (arg == SIZE_MAX || e < best) {
            best = e;
            arg = i;
        }
    }
    return arg;
}

/* Is an unmeasured position left that is predicted feasible? */
static int open_left(const ict_ippe_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->state[i] == UNSET && feasible(l, i))
            return 1;
    return 0;
}

/* The slacks' d-Splines: the new samples, then a fit of each with two. */
static int fit_slacks(ict_ippe_t *l)
{
    for (size_t k = 0; k < l->p.ncons; k++) {
        int added = 0;
        for (size_t j = 0; j < l->nfresh; j++) {
            double v = l->g[k * l->n + l->fresh[j]];
            if (!isfinite(v))
                continue;
            int rc = ict_dspline_add(l->gds[k], l->fresh[j], v);
            if (rc)
                return rc;
            l->gcount[k]++;
            added = 1;
        }
        if (added && l->gcount[k] >= 2) {
            int rc = ict_dspline_solve(l->gds[k]);
            if (rc == 0)
                l->gfit[k] = 1;
            else if (rc != -EAGAIN && rc != -EDOM)
                return rc;
        }
    }
    l->nfresh = 0;
    return 0;
}

int ict_ippe_is_set(const ict_ippe_t *l, size_t i)
{
    return i < l->n && l->state[i] != UNSET;
}

static void minmax(ict_ippe_t *l)
{
    int first = 1;
    for (size_t i = 0; i < l->n; i++)
        if (l->state[i] == VALID) {
            if (first || l->y[i] < l->ymin)
                l->ymin = l->y[i];
            if (first || l->y[i] > l->ymax)
                l->ymax = l->y[i];
            first = 0;
        }
}

static int fit(ict_ippe_t *l)
{
    if (l->p.abic) {
        double a;
        return ict_dspline_choose_alpha_abic(l->ds, &a);
    }
    return ict_dspline_solve(l->ds);
}

int ict_ippe_update(ict_ippe_t *l)
{
    size_t B = l->pending_valid;
    for (size_t k = 0; k < B; k++) {
        int rc = ict_dspline_add(l->ds, l->pending[k], l->y[l->pending[k]]);
        if (rc)
            return rc;
    }
    l->pending_valid = 0;
    if (l->p.ncons) {
        int rc = fit_slacks(l);
        if (rc)
            return rc;
    }
    if (l->phase == ICT_IPPE_DONE)
        return 1;
    if (l->phase == ICT_IPPE_TRI) {
        int tri_done = 1;
        for (size_t k = 0; k < l->ntri; k++)
            tri_done &= l->state[l->tri[k]] != UNSET ||
                        (l->p.ncons && !feasible(l, l->tri[k]));
        /* The fit needs two distinct valid samples; until then the line
         * keeps sampling in trisection order. */
        if (tri_done && fit(l) == 0) {
            l->low_idx = best_estimate(l);
            l->cnt = 1;
            l->fitted = 1;
            l->phase = ICT_IPPE_FIT;
        }
    } else if (B > 0) {
        int rc = fit(l);
        if (rc)
            return rc;
        size_t imin = best_estimate(l);
        if (imin == l->low_idx) {
            l->cnt += B;
        } else {
            l->low_idx = imin;
            l->cnt = 1;
        }
    }
    minmax(l);
    /* with constraints: nothing predicted feasible is left to measure */
    if (l->p.ncons && ((l->phase == ICT_IPPE_FIT && l->low_idx == SIZE_MAX) ||
                       !open_left(l))) {
        l->phase = ICT_IPPE_DONE;
        return 1;
    }
    if (l->nfinal >= l->n ||
        (l->phase == ICT_IPPE_FIT &&
         (l->cnt >= (size_t)l->p.confirm ||
          l->nfinal >= (size_t)l->p.max_points))) {
        l->phase = ICT_IPPE_DONE;
        return 1;
    }
    return 0;
}

size_t ict_ippe_unmeasured(const ict_ippe_t *l, size_t *out, size_t max)
{
    size_t k = 0;
    for (size_t j = 0; j < l->n; j++)
        if (l->state[l->order[j]] == UNSET) {
            if (k < max)
                out[k] = l->order[j];
            k++;
        }
    return k;
}

typedef struct cand { size_t i; double est, curv; int zone; } cand_t;

static int cand_cmp(const void *pa, const void *pb)
{
    const cand_t *a = pa, *b = pb;
    if (a->zone != b->zone)
        return a->zone - b->zone;
    switch (a->zone) {
    case 0:                                   /* lower: est ascending */
        if (a->est != b->est)
            return a->est < b->est ? -1 : 1;
        break;
    case 1:                                   /* higher: est descending */
        if (a->est != b->est)
            return a->est > b->est ? -1 : 1;
        break;
    default:                                  /* measured: curvature desc */
        if (a->curv != b->curv)
            return a->curv > b->curv ? -1 : 1;
        return a->i > b->i ? -1 : (a->i < b->i);
    }
    return a->i < b->i ? -1 : (a->i > b->i);
}

size_t ict_ippe_suggest(ict_ippe_t *l, size_t *out, size_t max)
{
    if (l->phase == ICT_IPPE_DONE)
        return 0;
    if (l->phase == ICT_IPPE_TRI) {
        /* Tri points first (they lead the trisection order), then the rest,
         * which only matters while fewer than two results are valid; with
         * constraints, only those predicted feasible. */
        if (!l->p.ncons)
            return ict_ippe_unmeasured(l, out, max);
        size_t k = 0;
        for (size_t j = 0; j < l->n; j++) {
            size_t i = l->order[j];
            if (l->state[i] != UNSET || !feasible(l, i))
                continue;
            if (k < max)
                out[k] = i;
            k++;
        }
        return k;
    }
    size_t nc = 0;
    cand_t *c = malloc(l->n * sizeof *c);
    if (!c)
        return 0;
    for (size_t i = 0; i < l->n; i++) {
        if (l->state[i] != UNSET || (l->p.ncons && !feasible(l, i)))
            continue;
        double e = ict_dspline_est(l->ds, i);
        int zone = e < l->ymin ? 0 : e > l->ymax ? 1 : 2;
        c[nc++] = (cand_t){i, e, ict_dspline_curv(l->ds, i), zone};
    }
    qsort(c, nc, sizeof *c, cand_cmp);
    for (size_t k = 0; k < nc && k < max; k++)
        out[k] = c[k].i;
    free(c);
    return nc;
}

ict_ippe_phase_t ict_ippe_phase(const ict_ippe_t *l) { return l->phase; }

size_t ict_ippe_tri_left(const ict_ippe_t *l)
{
    size_t k = 0;
    if (l->phase != ICT_IPPE_TRI)
        return 0;
    for (size_t i = 0; i < l->ntri; i++)
        k += l->state[l->tri[i]] == UNSET &&
             (!l->p.ncons || feasible(l, l->tri[i]));
    return k;
}
size_t ict_ippe_final(const ict_ippe_t *l) { return l->nfinal; }

int ict_ippe_best(const ict_ippe_t *l, size_t *pos, double *y)
{
    int found = 0;
    size_t best = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->state[i] == VALID && (!found || l->y[i] < l->y[best])) {
            best = i;
            found = 1;
        }
    if (!found)
        return -ENOENT;
    if (pos)
        *pos = best;
    if (y)
        *y = l->y[best];
    return 0;
}

int ict_ippe_estimated_best(const ict_ippe_t *l, size_t *pos)
{
    if (!l->fitted || l->low_idx == SIZE_MAX)
        return -EAGAIN;
    *pos = l->low_idx;
    return 0;
}

int ict_ippe_estimate(const ict_ippe_t *l, size_t i, double *y)
{
    if (!l->fitted || i >= l->n)
        return -EAGAIN;
    *y = ict_dspline_est(l->ds, i);
    return 0;
}
