/* lookahead.c - the points the search will probably ask for next.
 *
 * The search is a deterministic function of the config and the results, so
 * a second search made from the same config, fed the same results, asks
 * for the same stages. To look ahead, that shadow search is replayed from
 * the start: a point with a final result gets it, a point without one gets
 * a prediction, and the points it asks for that have no result and are not
 * running are the candidates, in the order it asks for them (the nearer
 * stage first: the fewer predictions it rests on, the likelier). The
 * prediction is the strategy's own where it has one (dsice: the open
 * line's d-Spline), else an inverse-square-distance average of the known
 * results. When that future has fewer candidates than there are idle
 * workers, the futures with every unknown result a little better, then a
 * little worse, than predicted fill the rest. The real search never sees a prediction: speculation changes
 * when results are known, never which points the search takes. */
#include "lookahead.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/db.h"
#include "quadfit.h"

struct ict__look {
    const ict_config_t *c;
    ict_search_opts_t so;
    ict_db_t *own_memo;         /* so.memo when the caller gave none */
    size_t D;
    ict_db_t *known;            /* flat -> raw value, status */
    ict_db_t *kcons;            /* flat -> index into cvals */
    double *cvals;              /* K constrained metrics per point */
    int32_t *cpts;              /* ... and its indices */
    size_t K, ncv, cvcap;
    ict__qfit_t *cq;            /* K quadratics of the constrained metrics */
    int has_cquad;
    int32_t *pts;               /* the valid ones, D indices each */
    double *vals;
    size_t nv, cap;
    int32_t *idx;
    double *scale;              /* 1 / (values - 1) per axis */
    /* a quadratic least-squares fit of the known valid results, made at
     * the start of each plan (when there are enough of them) */
    ict__qfit_t q;
    int can_quad;               /* D <= 10 */
    int has_quad;
};

/* The inverse-distance estimate, as the quadratic (quadfit.h), uses the
 * latest results only, so that a plan's cost does not grow with a long
 * run. */
#define IDW_WINDOW 256

int ict__look_new(ict__look_t **out, const ict_config_t *c,
                  const ict_search_opts_t *so, ict_error_t *err)
{
    (void)err;
    ict__look_t *L = calloc(1, sizeof *L);
    if (!L)
        return -ENOMEM;
    L->c = c;
    if (so)
        L->so = *so;
    if (!L->so.memo) {
        /* the shadows share one cache at least among themselves */
        if (ict_db_new(&L->own_memo)) {
            free(L);
            return -ENOMEM;
        }
        L->so.memo = L->own_memo;
    }
    L->D = ict_space_dims(c->space);
    L->idx = calloc(L->D + 1, sizeof *L->idx);
    L->scale = calloc(L->D + 1, sizeof *L->scale);
    L->K = c->n_constraints;
    if (!L->idx || !L->scale || ict_db_new(&L->known) || ict_db_new(&L->kcons)) {
        ict__look_free(L);
        return -ENOMEM;
    }
    for (size_t a = 0; a < L->D; a++) {
        size_t n = ict_space_count(c->space, a);
        L->scale[a] = n > 1 ? 1.0 / (double)(n - 1) : 0;
    }
    int rc = ict__qfit_init(&L->q, c->space, 2, ICT__QFIT_MAX_TERMS);
    if (rc == -ENOMEM) {
        ict__look_free(L);
        return rc;
    }
    L->can_quad = rc == 0;
    if (L->can_quad && L->K) {
        L->cq = calloc(L->K, sizeof *L->cq);
        for (size_t k = 0; L->cq && k < L->K; k++)
            if (ict__qfit_init(&L->cq[k], c->space, 2, ICT__QFIT_MAX_TERMS)) {
                ict__look_free(L);
                return -ENOMEM;
            }
        if (!L->cq) {
            ict__look_free(L);
            return -ENOMEM;
        }
    }
    *out = L;
    return 0;
}

void ict__look_free(ict__look_t *L)
{
    if (!L)
        return;
    ict_db_free(L->known);
    ict_db_free(L->kcons);
    ict_db_free(L->own_memo);
    free(L->cvals);
    free(L->cpts);
    for (size_t k = 0; L->cq && k < L->K; k++)
        ict__qfit_fini(&L->cq[k]);
    free(L->cq);
    ict__qfit_fini(&L->q);
    free(L->pts);
    free(L->vals);
    free(L->idx);
    free(L->scale);
    free(L);
}

/* The objective's quadratic, and one per constrained metric (on every
 * point that has the metric, a broken one too). */
static void fit_quad(ict__look_t *L)
{
    L->has_quad = L->can_quad &&
        ict__qfit_fit(&L->q, L->pts, L->vals, 1, L->nv, ICT__QFIT_WINDOW) == 0;
    L->has_cquad = L->has_quad && L->K && L->cq;
    for (size_t k = 0; L->has_cquad && k < L->K; k++)
        L->has_cquad = ict__qfit_fit(&L->cq[k], L->cpts, L->cvals + k, L->K,
                                     L->ncv, ICT__QFIT_WINDOW) == 0;
}

static double quad(ict__look_t *L, uint64_t flat)
{
    ict_space_unflat(L->c->space, flat, L->idx);
    return ict__qfit_at(&L->q, L->idx);
}

int ict__look_known(ict__look_t *L, uint64_t flat, ict_status_t status,
                    double value, const double *cons)
{
    int valid = status == ICT_STATUS_OK && isfinite(value);
    int rc = ict_db_put(L->known, flat, valid, value, status);
    if (rc == -EEXIST)
        return 0;
    if (!rc && cons && L->K) {
        if (L->ncv == L->cvcap) {
            size_t cap = L->cvcap ? 2 * L->cvcap : 64;
            double *n = realloc(L->cvals, cap * L->K * sizeof *n);
            if (!n)
                return -ENOMEM;
            L->cvals = n;
            int32_t *q = realloc(L->cpts, cap * (L->D ? L->D : 1) * sizeof *q);
            if (!q)
                return -ENOMEM;
            L->cpts = q;
            L->cvcap = cap;
        }
        memcpy(L->cvals + L->ncv * L->K, cons, L->K * sizeof *cons);
        ict_space_unflat(L->c->space, flat, L->cpts + L->ncv * L->D);
        rc = ict_db_put(L->kcons, flat, 1, (double)L->ncv++, 0);
    }
    if (rc || !valid)
        return rc;
    if (L->nv == L->cap) {
        size_t cap = L->cap ? 2 * L->cap : 64;
        int32_t *p = realloc(L->pts, cap * (L->D ? L->D : 1) * sizeof *p);
        if (!p)
            return -ENOMEM;
        L->pts = p;
        double *v = realloc(L->vals, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        L->vals = v;
        L->cap = cap;
    }
    ict_space_unflat(L->c->space, flat, L->pts + L->nv * L->D);
    L->vals[L->nv++] = value;
    return 0;
}

/* Inverse-square-distance average of the latest valid results, in index
 * space scaled to [0, 1] per axis; 0 when there is none. */
static double idw(ict__look_t *L, uint64_t flat)
{
    if (!L->nv)
        return 0;
    ict_space_unflat(L->c->space, flat, L->idx);
    double sw = 0, swv = 0;
    size_t from = L->nv > IDW_WINDOW ? L->nv - IDW_WINDOW : 0;
    for (size_t i = from; i < L->nv; i++) {
        const int32_t *p = L->pts + i * L->D;
        double d2 = 0;
        for (size_t a = 0; a < L->D; a++) {
            double t = (double)(p[a] - L->idx[a]) * L->scale[a];
            d2 += t * t;
        }
        if (d2 == 0)
            return L->vals[i];
        sw += 1 / d2;
        swv += L->vals[i] / d2;
    }
    return swv / sw;
}

/* One shadow search: up to want candidates into out (after the n already
 * there, none twice), each unknown result predicted plus bias. */
static int shadow(ict__look_t *L, int (*busy)(void *ud, uint64_t flat),
                  void *ud, size_t want, long max_ahead, double bias,
                  ict_db_t *taken, uint64_t *out, size_t *nout,
                  ict_error_t *err)
{
    ict_search_t *s;
    int rc = ict_search_new(&s, L->c, &L->so, err);
    if (rc)
        return rc;
    size_t got = 0;
    long ahead = 0;
    while (got < want && ahead < max_ahead) {
        rc = ict_search_next(s, err);
        if (rc) {
            rc = rc == 1 ? 0 : rc;
            break;
        }
        size_t n = ict_search_stage_size(s);
        int unknown = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            uint64_t f = ict_search_stage_point(s, i);
            const ict_db_entry_t *e = ict_db_get(L->known, f);
            if (e) {
                const ict_db_entry_t *ce = ict_db_get(L->kcons, f);
                rc = ict_search_report_cons(s, f, (ict_status_t)e->status, e->y,
                                            ce ? L->cvals + (size_t)ce->y * L->K : NULL,
                                            err);
                continue;
            }
            if (!(busy && busy(ud, f))) {
                unknown = 1;
                if (got < want && !ict_db_get(taken, f)) {
                    out[(*nout)++] = f;
                    got++;
                    rc = ict_db_put(taken, f, 0, 0, 0);
                }
            }
            double y = 0;
            if (!rc && ict_search_predict(s, f, &y))
                y = L->has_quad ? quad(L, f) : idw(L, f);
            if (!rc)
                rc = ict_search_report(s, f, ICT_STATUS_OK, y + bias, err);
        }
        if (rc)
            break;
        ahead += unknown;
    }
    ict_search_free(s);
    return rc;
}

/* The spread of the known valid results (their standard deviation). */
static double spread(const ict__look_t *L)
{
    if (L->nv < 2)
        return 0;
    double m = 0, q = 0;
    for (size_t i = 0; i < L->nv; i++)
        m += L->vals[i];
    m /= (double)L->nv;
    for (size_t i = 0; i < L->nv; i++)
        q += (L->vals[i] - m) * (L->vals[i] - m);
    return sqrt(q / (double)(L->nv - 1));
}

/* Does every constrained metric's quadratic say the constraint holds at
 * p, give or take the fit's own error (its residuals' RMS; a value on a
 * strict bound breaks it, as ict_constraint_slack)? Yes when there are no
 * such models. */
static int quad_feasible(ict__look_t *L, const int32_t *p)
{
    if (!L->has_cquad)
        return 1;
    for (size_t k = 0; k < L->K; k++) {
        const ict_constraint_t *q = &L->c->constraints[k];
        if (!(ict_constraint_slack(q, ict__qfit_at(&L->cq[k], p)) + L->cq[k].rms >= 0))
            return 0;
    }
    return 1;
}

/* The quadratic's best point of the grid: every point of a small space,
 * else coordinate descent from the best known result. 0 when it is
 * predicted better than every known result. */
static int quad_best(ict__look_t *L, int minimize, uint64_t *out)
{
    size_t bi = 0;
    for (size_t i = 1; i < L->nv; i++)
        if (minimize ? L->vals[i] < L->vals[bi] : L->vals[i] > L->vals[bi])
            bi = i;
    uint64_t size = ict_space_size(L->c->space);
    double best = 0;
    if (size * L->q.P <= 4000000) {
        uint64_t arg = 0;
        int found = 0;
        for (uint64_t f = 0; f < size; f++) {
            ict_space_unflat(L->c->space, f, L->idx);
            double y = ict__qfit_at(&L->q, L->idx);
            if ((!found || (minimize ? y < best : y > best)) && quad_feasible(L, L->idx)) {
                best = y;
                arg = f;
                found = 1;
            }
        }
        if (!found)
            return -1;
        *out = arg;
    } else {
        int32_t *cur = L->idx;
        memcpy(cur, L->pts + bi * L->D, L->D * sizeof *cur);
        best = ict__qfit_at(&L->q, cur);
        for (int sweep = 0, moved = 1; moved && sweep < 50; sweep++) {
            moved = 0;
            for (size_t a = 0; a < L->D; a++) {
                int32_t keep = cur[a], arg = keep;
                for (int32_t v = 0; v < (int32_t)ict_space_count(L->c->space, a); v++) {
                    cur[a] = v;
                    double y = ict__qfit_at(&L->q, cur);
                    if ((minimize ? y < best : y > best) && quad_feasible(L, cur)) {
                        best = y;
                        arg = v;
                    }
                }
                cur[a] = arg;
                moved |= arg != keep;
            }
        }
        *out = ict_space_flat(L->c->space, cur);
    }
    return (minimize ? best < L->vals[bi] : best > L->vals[bi]) ? 0 : -1;
}

int ict__look_plan(ict__look_t *L, int (*busy)(void *ud, uint64_t flat),
                   void *ud, size_t want, long max_ahead, uint64_t *out,
                   size_t *nout, ict_error_t *err)
{
    *nout = 0;
    if (!want)
        return 0;
    ict_db_t *taken;
    int rc = ict_db_new(&taken);
    if (rc)
        return rc;
    /* The predicted future first. What it leaves of want (it ends, or
     * its points already run) goes to the futures in which the results
     * not known yet come out better, then worse, than predicted (by half
     * the spread of the known results). Tried and measured (BENCHMARKS.md
     * (b)): giving those futures a share ahead of the predicted one, or
     * their nearest stages first, was slower on both reference cases. */
    static const double bias[] = {0, -0.5, 0.5};
    double sd = spread(L);
    fit_quad(L);
    /* first, the point where the fitted quadratic has its best, if no
     * result there is known yet: where the search is heading (measuring it
     * early helps the user's best-so-far; the search takes it if and when
     * it asks) */
    uint64_t qb;
    if (L->has_quad &&
        quad_best(L, L->c->goal != ICT_MAXIMIZE, &qb) == 0 &&
        !ict_db_get(L->known, qb) && !(busy && busy(ud, qb)) &&
        (!L->so.known_feasible || L->so.known_feasible(L->so.feasible_ud, qb))) {
        out[(*nout)++] = qb;
        rc = ict_db_put(taken, qb, 0, 0, 0);
    }
    for (int v = 0; v < 3 && !rc && *nout < want; v++) {
        rc = shadow(L, busy, ud, want - *nout, max_ahead, bias[v] * sd,
                    taken, out, nout, err);
        if (sd == 0)
            break;
    }
    ict_db_free(taken);
    return rc;
}
