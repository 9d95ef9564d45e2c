/* simulate.c - a strategy against a table, through the master's own loop.
 *
 * No loop of its own: ict_simulate runs ict_run_open/step/close on the
 * "table" backend (backend_table.c), a virtual clock with list scheduling
 * (earliest idle worker, ties to the lowest worker number), with the
 * master's barrier between stages, its retries and its outcome rules
 * (classify.c). What simulate predicts is what a run does. Results come
 * back in completion order (or shuffled), which also exercises the
 * driver's independence of arrival order. */
#include "ictune/simulate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ictune/record.h"
#include "ictune/run.h"

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

/* The table's own verdict on a row, for the table's best only. */
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

/* Every attempt the master recorded, in the order it recorded them, and
 * the speculative ones the search took (id -> stage, level, order). */
typedef struct take {
    int64_t id;
    long stage;
    int level;
    uint64_t order;
} take_t;

typedef struct recs {
    ict_sim_eval_t *v;
    size_t n, cap;
    take_t *t;
    size_t nt, tcap;
} recs_t;

static int on_take(void *ud, int64_t id, long stage, int level, uint64_t order)
{
    recs_t *q = ud;
    if (q->nt == q->tcap) {
        size_t cap = q->tcap ? 2 * q->tcap : 256;
        take_t *n = realloc(q->t, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        q->t = n;
        q->tcap = cap;
    }
    q->t[q->nt++] = (take_t){id, stage, level, order};
    return 0;
}

static int take_by_id(const void *a, const void *b)
{
    const take_t *x = a, *y = b;
    return x->id < y->id ? -1 : (x->id > y->id);
}

static int on_record(void *ud, const ict_record_t *r)
{
    recs_t *q = ud;
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 1024;
        ict_sim_eval_t *n = realloc(q->v, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        q->v = n;
        q->cap = cap;
    }
    q->v[q->n++] = (ict_sim_eval_t){(uint64_t)r->id, (long)r->stage, r->level,
                                    r->flat, r->objective, r->status, r->start,
                                    r->end, r->worker, r->speculative};
    return 0;
}

static int by_order(const void *a, const void *b)
{
    const ict_sim_eval_t *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return x->end < y->end ? -1 : (x->end > y->end);
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
    /* The best of the table under the constraints and the restrictions,
     * for reference. */
    int32_t *ridx = calloc(ict_space_dims(c->space) + 1, sizeof *ridx);
    if (!ridx) {
        free(s.con_col);
        return -ENOMEM;
    }
    for (size_t r = 0; r < ict_table_rows(t); r++) {
        double v;
        if (outcome(&s, (long)r, &v) != ICT_STATUS_OK)
            continue;
        ict_space_unflat(c->space, ict_table_point(t, r), ridx);
        if (!ict_config_point_valid(c, ridx))
            continue;
        double y = c->goal == ICT_MAXIMIZE ? -v : v;
        double by = c->goal == ICT_MAXIMIZE ? -res->table_best : res->table_best;
        if (!res->has_table_best || y < by) {
            res->has_table_best = 1;
            res->table_best = v;
            res->table_best_flat = ict_table_point(t, r);
        }
    }
    free(ridx);
    /* The master's own loop on the table backend (backend_table.c): the
     * same scheduling and the same outcome rules as a run. */
    long W = o->workers > 0 ? o->workers : 0;
    ict__table_arg_t ta = {t, s.obj_col, s.dur_col, o->duration_fixed, W,
                           o->shuffle, o->shuffle_seed};
    ict_search_opts_t so = {feasible, &s, NULL, 0, NULL};
    recs_t q = {0};
    ict_run_opts_t ro = {.jobs = 1, .grace = 0, .progress = 1e9,
                         .backend = "table", .backend_arg = &ta,
                         .search_opts = &so, .on_record = on_record,
                         .on_take = on_take, .record_ud = &q};
    ict_run_summary_t sum;
    ict_run_t *run;
    int rc = ict_run_open(&run, c, &ro, &sum, err);
    if (rc) {
        free(sum.best_metrics);
        free(s.con_col);
        return rc;
    }
    while ((rc = ict_run_step(run, err)) == 0)
        ;
    if (rc >= 0)
        ict_search_stats(ict_run_search(run), &res->stats);
    rc = ict_run_close(run, rc);
    /* the best measured, whichever row holds it */
    res->has_best = sum.has_best;
    res->best = sum.best;
    res->best_flat = sum.best_flat;
    res->best_speculative = sum.best_speculative;
    res->spec_started = sum.spec_started;
    res->spec_taken = sum.spec_taken;
    res->spec_seconds = sum.spec_seconds;
    res->spec_taken_seconds = sum.spec_taken_seconds;
    free(sum.best_metrics);
    /* a speculative row the search took sits where the search took it */
    if (q.nt)
        qsort(q.t, q.nt, sizeof *q.t, take_by_id);
    for (size_t i = 0; i < q.n; i++) {
        ict_sim_eval_t *ev = &q.v[i];
        if (!ev->speculative)
            continue;
        take_t key = {(int64_t)ev->order, 0, 0, 0};
        const take_t *tk = q.nt ? bsearch(&key, q.t, q.nt, sizeof *q.t, take_by_id) : NULL;
        if (tk) {
            ev->stage = tk->stage;
            ev->level = tk->level;
            ev->order = tk->order;
        }
    }
    free(q.t);
    /* the clock's figures, and the evaluations in evaluation order */
    if (q.n)
        qsort(q.v, q.n, sizeof *q.v, by_order);
    double makespan = 0, longest = 0;
    long stage = -1;
    res->time_to_best = NAN;
    for (size_t i = 0; i < q.n; i++) {
        ict_sim_eval_t *ev = &q.v[i];
        double d = ev->end - ev->start;
        res->busy += d;
        if (ev->end > makespan)
            makespan = ev->end;
        if (res->has_best && ev->status == ICT_STATUS_OK && ev->value == res->best &&
            !(ev->end >= res->time_to_best))
            res->time_to_best = ev->end;
        if (!(ev->speculative && ev->stage == 0)) {   /* the search's stages */
            if (ev->stage != stage) {
                res->stage_bound += longest;
                longest = 0;
                stage = ev->stage;
            }
            if (d > longest)
                longest = d;
        }
        if (!W) {
            ev->start = ev->end = 0;
            ev->worker = -1;
        }
    }
    res->stage_bound += longest;
    for (size_t i = 0; i < q.n && cb && !rc; i++)
        rc = cb(ud, &q.v[i]);
    if (!rc) {
        res->makespan = W ? makespan : 0;
        res->busy_fraction = W && makespan > 0 ? res->busy / ((double)W * makespan) : 0;
    }
    free(q.v);
    free(s.con_col);
    return rc;
}
