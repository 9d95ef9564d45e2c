/* backend_table.c - the "table" backend, what `ictune simulate` runs on:
 * an evaluation is a lookup in a table of measured values (table.h), on a
 * virtual clock. A submitted evaluation starts at the clock's now and ends
 * after its duration (a column of the table, or a fixed time); poll hands
 * back the running one that ends first (ties to the lowest worker) and
 * moves the clock to its end, which is list scheduling: what the master
 * does with real workers. With shuffle, a random running one instead. The
 * result carries the row's values as the program's output would (the
 * objective and every metric the config names), and an empty cell (a run
 * that failed, table.h) as a non-zero exit, so the master classifies it as
 * it classifies a run: one set of outcome rules. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "ictune/number.h"

typedef struct job {
    int busy;
    ict_raw_result_t r;
} job_t;

typedef struct tab {
    const ict__table_arg_t *a;
    const ict_config_t *c;
    int n;
    job_t *job;
    double now;
    uint64_t rng;
} tab_t;

static uint64_t mix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int t_open(void *self, const ict__backend_args_t *a, int *nworkers,
                  ict_error_t *err)
{
    tab_t *t = self;
    t->a = a->arg;
    t->c = a->config;
    if (!t->a || !t->a->table)
        return ict_errorf(err, -EINVAL, "the table backend needs a table");
    t->n = t->a->workers > 0 ? (int)t->a->workers : 1;
    t->job = calloc((size_t)t->n, sizeof *t->job);
    if (!t->job)
        return -ENOMEM;
    t->rng = t->a->seed;
    *nworkers = t->n;
    return 0;
}

/* One metric of the row, as a program would have printed it. */
static void put_metric(ict_raw_result_t *r, const char *name, double v)
{
    if (r->nmetrics == ICT_MAX_METRICS)
        return;
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return;
    ict_metric_t *m = &r->metrics[r->nmetrics++];
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->text, sizeof m->text, "%.17g", v);
    m->value = v;
    m->bad = isfinite(v) ? ICT_NUMBER_OK : ICT_NUMBER_SYNTAX;
}

static int t_submit(void *self, int w, const ict_task_t *task, ict_error_t *err)
{
    tab_t *t = self;
    const ict_config_t *c = t->c;
    const ict_table_t *tb = t->a->table;
    (void)err;
    job_t *j = &t->job[w];
    memset(j, 0, sizeof *j);
    j->busy = 1;
    ict_raw_result_t *r = &j->r;
    r->id = task->id;
    r->attempt = task->attempt;
    long row = ict_table_lookup(tb, task->flat);
    double d = t->a->duration_fixed > 0 ? t->a->duration_fixed : 0;
    if (row >= 0 && t->a->dur_col >= 0) {
        d = ict_table_value(tb, (size_t)row, t->a->dur_col);
        if (!isfinite(d) || d < 0)
            d = 0;
    }
    r->start = t->now;
    r->end = t->now + d;
    r->worker = w;
    if (row < 0) {
        snprintf(r->reason, sizeof r->reason, "not in the table");
        r->exit_code = 1;
        return 0;
    }
    r->launched = r->exited = 1;
    double v = ict_table_value(tb, (size_t)row, t->a->obj_col);
    for (size_t k = 0; k < c->n_constraints && isfinite(v); k++) {
        int col = ict_table_column(tb, c->constraints[k].metric);
        if (col >= 0 && !isfinite(ict_table_value(tb, (size_t)row, col)))
            v = NAN;
    }
    if (!isfinite(v)) {
        /* an empty cell is a run that failed (table.h): as a program
         * that exits non-zero */
        r->exit_code = 1;
        return 0;
    }
    put_metric(r, c->objective, v);
    for (size_t k = 0; k < c->n_metrics; k++) {
        int col = ict_table_column(tb, c->metrics[k]);
        if (col >= 0)
            put_metric(r, c->metrics[k], ict_table_value(tb, (size_t)row, col));
    }
    for (size_t k = 0; k < c->n_constraints; k++) {
        int col = ict_table_column(tb, c->constraints[k].metric);
        if (col >= 0)
            put_metric(r, c->constraints[k].metric, ict_table_value(tb, (size_t)row, col));
    }
    return 0;
}

static int t_poll(void *self, double timeout, ict_raw_result_t *out, int *w,
                  ict_error_t *err)
{
    tab_t *t = self;
    (void)timeout;
    (void)err;
    int pick = -1, busy = 0;
    for (int i = 0; i < t->n; i++)
        if (t->job[i].busy) {
            busy++;
            if (pick < 0 || t->job[i].r.end < t->job[pick].r.end)
                pick = i;
        }
    if (pick < 0)
        return 0;
    if (t->a->shuffle) {
        int k = (int)(mix(&t->rng) % (uint64_t)busy);
        for (int i = 0; i < t->n; i++)
            if (t->job[i].busy && k-- == 0) {
                pick = i;
                break;
            }
    }
    job_t *j = &t->job[pick];
    j->busy = 0;
    if (j->r.end > t->now)
        t->now = j->r.end;
    *out = j->r;
    *w = pick;
    return 1;
}

static void t_cancel(void *self, int w)
{
    tab_t *t = self;
    t->job[w].r.killed = 1;
}

static const char *t_host(void *self, int w)
{
    (void)self;
    (void)w;
    return "table";
}

static const char *t_note(void *self, int w)
{
    (void)self;
    (void)w;
    return "";
}

static void t_close(void *self)
{
    tab_t *t = self;
    free(t->job);
    t->job = NULL;
}

const ict__backend_ops_t ict__backend_table_ops = {
    .name = "table",
    .size = sizeof(tab_t),
    .open = t_open,
    .submit = t_submit,
    .poll = t_poll,
    .cancel = t_cancel,
    .host = t_host,
    .note = t_note,
    .close = t_close,
    .is_virtual = 1,
};
