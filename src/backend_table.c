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
    int *met_col, *con_col;     /* the config's metrics' and constraints'
                                   columns, or -1 */
    int *heap;                  /* the running workers, by (end, worker) */
    int nheap;
} tab_t;

static int before(const tab_t *t, int a, int b)
{
    double ea = t->job[a].r.end, eb = t->job[b].r.end;
    return ea < eb || (ea == eb && a < b);
}

static void sift_up(tab_t *t, int i)
{
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!before(t, t->heap[i], t->heap[p]))
            return;
        int x = t->heap[i];
        t->heap[i] = t->heap[p];
        t->heap[p] = x;
        i = p;
    }
}

static void sift_down(tab_t *t, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < t->nheap && before(t, t->heap[l], t->heap[m]))
            m = l;
        if (r < t->nheap && before(t, t->heap[r], t->heap[m]))
            m = r;
        if (m == i)
            return;
        int x = t->heap[i];
        t->heap[i] = t->heap[m];
        t->heap[m] = x;
        i = m;
    }
}

/* Take the heap's element at position i out. */
static int heap_take(tab_t *t, int i)
{
    int w = t->heap[i];
    t->heap[i] = t->heap[--t->nheap];
    if (i < t->nheap) {
        sift_down(t, i);
        sift_up(t, i);
    }
    return w;
}

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
    t->heap = calloc((size_t)t->n, sizeof *t->heap);
    if (!t->job || !t->heap) {
        free(t->job);
        free(t->heap);
        return -ENOMEM;
    }
    t->rng = t->a->seed;
    t->met_col = calloc(t->c->n_metrics + 1, sizeof *t->met_col);
    t->con_col = calloc(t->c->n_constraints + 1, sizeof *t->con_col);
    if (!t->met_col || !t->con_col) {
        free(t->job);
        free(t->heap);
        free(t->met_col);
        free(t->con_col);
        return -ENOMEM;
    }
    for (size_t k = 0; k < t->c->n_metrics; k++)
        t->met_col[k] = ict_table_column(t->a->table, t->c->metrics[k]);
    for (size_t k = 0; k < t->c->n_constraints; k++)
        t->con_col[k] = ict_table_column(t->a->table, t->c->constraints[k].metric);
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
    m->text[0] = '\0';                 /* only a bad value's text is shown */
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
    t->heap[t->nheap++] = w;
    sift_up(t, t->nheap - 1);
    if (row < 0) {
        snprintf(r->reason, sizeof r->reason, "not in the table");
        r->exit_code = 1;
        return 0;
    }
    r->launched = r->exited = 1;
    double v = ict_table_value(tb, (size_t)row, t->a->obj_col);
    for (size_t k = 0; k < c->n_constraints && isfinite(v); k++) {
        int col = t->con_col[k];
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
        int col = t->met_col[k];
        if (col >= 0)
            put_metric(r, c->metrics[k], ict_table_value(tb, (size_t)row, col));
    }
    for (size_t k = 0; k < c->n_constraints; k++) {
        int col = t->con_col[k];
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
    if (!t->nheap)
        return 0;
    /* the first to end (ties to the lowest worker), or with shuffle any */
    int i = t->a->shuffle ? (int)(mix(&t->rng) % (uint64_t)t->nheap) : 0;
    int pick = heap_take(t, i);
    job_t *j = &t->job[pick];
    j->busy = 0;
    if (j->r.end > t->now)
        t->now = j->r.end;
    *out = j->r;
    *w = pick;
    return 1;
}

/* Stopped now: it ends at the clock's now, killed by SIGTERM, as a
 * program stopped by the master would. */
static void t_cancel(void *self, int w)
{
    tab_t *t = self;
    job_t *j = &t->job[w];
    if (!j->busy || j->r.killed)
        return;
    j->r.killed = 1;
    j->r.signal = 15;
    j->r.exited = 0;
    if (j->r.end > t->now) {
        j->r.end = t->now;
        for (int i = 0; i < t->nheap; i++)
            if (t->heap[i] == w) {
                sift_up(t, i);
                break;
            }
    }
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
    free(t->heap);
    free(t->met_col);
    free(t->con_col);
    t->job = NULL;
    t->heap = NULL;
    t->met_col = t->con_col = NULL;
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
