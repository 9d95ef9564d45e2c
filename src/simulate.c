/* simulate.c - strategy against a table, optionally on a worker clock.
 *
 * The clock is list scheduling within a stage (earliest idle worker, ties
 * to the lowest worker number) and a barrier between stages, which is what
 * the master does: a strategy sees a stage only once all of it is in.
 * Results are reported in completion order (or shuffled), so this also
 * exercises the driver's independence of arrival order. */
#include "ictune/simulate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sim {
    const ict_config_t *c;
    const ict_table_t *t;
    int obj_col, dur_col;
    int *con_col;
} sim_t;

static int feasible(void *ud, uint64_t flat)
{
    const sim_t *s = ud;
    return ict_table_lookup(s->t, flat) >= 0;
}

/* The outcome of a table row: value and status. */
static ict_status_t outcome(const sim_t *s, long row, double *value)
{
    *value = ict_table_value(s->t, (size_t)row, s->obj_col);
    if (!isfinite(*value))
        return ICT_STATUS_FAILED;
    for (size_t k = 0; k < s->c->n_constraints; k++) {
        double v = ict_table_value(s->t, (size_t)row, s->con_col[k]);
        if (!isfinite(v))
            return ICT_STATUS_FAILED;
        if (!ict_constraint_holds(&s->c->constraints[k], v))
            return ICT_STATUS_INFEASIBLE;
    }
    return ICT_STATUS_OK;
}

typedef struct job { size_t pos; double start, end; long worker; } job_t;

static int by_end(const void *a, const void *b)
{
    const job_t *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->pos < y->pos ? -1 : (x->pos > y->pos);
}

/* Min-heap of (free time, worker). */
typedef struct wslot { double t; long w; } wslot_t;

static int wless(const wslot_t *a, const wslot_t *b)
{
    return a->t < b->t || (a->t == b->t && a->w < b->w);
}

static void heap_down(wslot_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && wless(&h[l], &h[m]))
            m = l;
        if (r < n && wless(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        wslot_t tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
}

static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int ict_simulate(const ict_config_t *c, const ict_table_t *t,
                 const ict_sim_opts_t *o, ict_sim_eval_f cb, void *ud,
                 ict_sim_result_t *res, ict_error_t *err)
{
    sim_t s = {c, t, -1, -1, NULL};
    const char *metric = o->metric ? o->metric : c->objective;
    memset(res, 0, sizeof *res);
    s.obj_col = ict_table_column(t, metric);
    if (s.obj_col < 0)
        return ict_errorf(err, -EINVAL, "the table has no column '%s' (the "
                          "objective); expected a metric column of that name",
                          metric);
    if (o->duration && (s.dur_col = ict_table_column(t, o->duration)) < 0)
        return ict_errorf(err, -EINVAL, "the table has no duration column "
                          "'%s'", o->duration);
    s.con_col = calloc(c->n_constraints + 1, sizeof *s.con_col);
    if (!s.con_col)
        return -ENOMEM;
    for (size_t k = 0; k < c->n_constraints; k++)
        if ((s.con_col[k] = ict_table_column(t, c->constraints[k].metric)) < 0) {
            free(s.con_col);
            return ict_errorf(err, -EINVAL, "the table has no column '%s', "
                              "which the constraint '%s' needs",
                              c->constraints[k].metric, c->constraints[k].text);
        }
    /* The best of the table under the constraints, for reference. */
    for (size_t r = 0; r < ict_table_rows(t); r++) {
        double v;
        if (outcome(&s, (long)r, &v) != ICT_STATUS_OK)
            continue;
        double y = c->goal == ICT_MAXIMIZE ? -v : v;
        double by = c->goal == ICT_MAXIMIZE ? -res->table_best : res->table_best;
        if (!res->has_table_best || y < by) {
            res->has_table_best = 1;
            res->table_best = v;
            res->table_best_flat = ict_table_point(t, r);
        }
    }
    ict_search_opts_t so = {feasible, &s};
    ict_search_t *search;
    int rc = ict_search_new(&search, c, &so, err);
    if (rc) {
        free(s.con_col);
        return rc;
    }
    long W = o->workers > 0 ? o->workers : 0;
    wslot_t *heap = W ? malloc((size_t)W * sizeof *heap) : NULL;
    job_t *jobs = NULL;
    size_t jcap = 0;
    uint64_t shuf = o->shuffle_seed;
    double now = 0;
    if (W && !heap)
        rc = -ENOMEM;
    while (!rc && (rc = ict_search_next(search, err)) == 0) {
        size_t n = ict_search_stage_size(search);
        long stage = ict_search_stage_no(search);
        int level = ict_search_stage_level(search);
        if (n > jcap) {
            job_t *nj = realloc(jobs, n * sizeof *nj);
            if (!nj) {
                rc = -ENOMEM;
                break;
            }
            jobs = nj;
            jcap = n;
        }
        double longest = 0, stage_end = now;
        if (W)
            for (long w = 0; w < W; w++)
                heap[w] = (wslot_t){now, w};
        for (size_t i = 0; i < n; i++) {
            long row = ict_table_lookup(t, ict_search_stage_point(search, i));
            double d = o->duration_fixed > 0 ? o->duration_fixed : 0;
            if (s.dur_col >= 0) {
                d = ict_table_value(t, (size_t)row, s.dur_col);
                if (!isfinite(d) || d < 0)
                    d = 0;
            }
            jobs[i] = (job_t){i, 0, 0, -1};
            if (W) {
                jobs[i].start = heap[0].t;
                jobs[i].end = heap[0].t + d;
                jobs[i].worker = heap[0].w;
                heap[0].t = jobs[i].end;
                heap_down(heap, (size_t)W, 0);
                if (jobs[i].end > stage_end)
                    stage_end = jobs[i].end;
            }
            res->busy += d;
            if (d > longest)
                longest = d;
        }
        res->stage_bound += longest;
        /* Delivery order: completion time, or a shuffle. */
        job_t *order = malloc(n * sizeof *order);
        if (!order) {
            rc = -ENOMEM;
            break;
        }
        memcpy(order, jobs, n * sizeof *order);
        if (W)
            qsort(order, n, sizeof *order, by_end);
        if (o->shuffle)
            for (size_t i = n; i > 1; i--) {
                size_t j = (size_t)(mix(&shuf) % i);
                job_t tmp = order[i - 1];
                order[i - 1] = order[j];
                order[j] = tmp;
            }
        for (size_t i = 0; i < n && !rc; i++) {
            uint64_t f = ict_search_stage_point(search, order[i].pos);
            double v;
            ict_status_t st = outcome(&s, ict_table_lookup(t, f), &v);
            rc = ict_search_report(search, f, st, v, err);
        }
        free(order);
        if (rc)
            break;
        /* The evaluations, in evaluation order. */
        for (size_t i = 0; i < n && cb && !rc; i++) {
            uint64_t f = ict_search_stage_point(search, i);
            ict_sim_eval_t ev = {ict_search_stage_id(search, i), stage, level,
                                 f, 0, ICT_STATUS_OK, jobs[i].start,
                                 jobs[i].end, jobs[i].worker};
            ev.status = outcome(&s, ict_table_lookup(t, f), &ev.value);
            rc = cb(ud, &ev);
        }
        now = stage_end;
    }
    if (rc == 1)
        rc = 0;
    if (!rc) {
        ict_search_stats(search, &res->stats);
        res->has_best = ict_search_best(search, &res->best_flat, &res->best) == 0;
        res->makespan = W ? now : 0;
        res->busy_fraction = W && now > 0 ? res->busy / ((double)W * now) : 0;
    }
    free(jobs);
    free(heap);
    free(s.con_col);
    ict_search_free(search);
    return rc;
}
