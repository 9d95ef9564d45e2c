/* test_simulate.c - simulate against a table: infeasible rows, failed
 * cells, constraints, the worker clock, and identical evaluation sequences
 * for 1 or 64 workers and shuffled delivery. */
#include <errno.h>
#include <unistd.h>

#include "ictune/simulate.h"
#include "ictune/strategy.h"
#include "test.h"

typedef struct seq { uint64_t f[4096]; int st[4096]; size_t n, ahead; } seq_t;

static int record(void *ud, const ict_sim_eval_t *ev)
{
    seq_t *s = ud;
    if (ev->speculative && ev->stage == 0) {   /* run ahead, never taken */
        CHECK(ev->order >= 1000000000ull);
        CHECK(s->n > 0);                        /* after the search's rows */
        s->ahead++;
        return 0;
    }
    CHECK_EQ(ev->order, s->n);
    s->f[s->n] = ev->flat;
    s->st[s->n++] = ev->status;
    return 0;
}

int main(void)
{
    char tpath[] = "/tmp/ict_sim_XXXXXX";
    int fd = mkstemp(tpath);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "x,y,time,err,dur\n");
    for (int x = 0; x < 20; x++)
        for (int y = 0; y < 15; y++) {
            if ((x * 7 + y) % 11 == 4)
                continue;                         /* infeasible: absent */
            double t = 1 + 0.05 * (x - 13) * (x - 13) + 0.1 * (y - 4) * (y - 4);
            if ((x + y) % 9 == 0)
                fprintf(f, "%d,%d,RuntimeFailedConfig,0,2\n", x, y);
            else
                fprintf(f, "%d,%d,%.6f,%d,%d\n", x, y, t, (x == 13 && y == 4) ? 9 : 1,
                        1 + (x + y) % 3);
        }
    fclose(f);
    const char *text =
        "name: t\ncommand: x\nobjective: {metric: time}\nmetrics: [err]\n"
        "constraints: [\"err < 5\"]\n"
        "parameters:\n  x: {from: 0, to: 19, step: 1}\n  y: {from: 0, to: 14, step: 1}\n"
        "search: {strategy: dsice, line_search: ippe, per_line: 2}\n";
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("t.yaml", text, strlen(text), &c, &e), 0);
    ict_table_t *t;
    CHECK_EQ(ict_table_load(tpath, c->space, &t, &e), 0);
    CHECK(ict_table_rows(t) < 300 && ict_table_rows(t) > 250);
    int32_t idx[2] = {13, 4};
    long row = ict_table_lookup(t, ict_space_flat(c->space, idx));
    CHECK(row >= 0);
    CHECK_NEAR(ict_table_value(t, (size_t)row, ict_table_column(t, "time")), 1, 1e-9);

    static seq_t a, b, d;
    ict_sim_opts_t o = {0};
    o.duration = "dur";
    o.workers = 1;
    ict_sim_result_t r1, r64, rs;
    CHECK_EQ(ict_simulate(c, t, &o, record, &a, &r1, &e), 0);
    o.workers = 64;
    CHECK_EQ(ict_simulate(c, t, &o, record, &b, &r64, &e), 0);
    o.workers = 3;
    o.shuffle = 1;
    o.shuffle_seed = 99;
    CHECK_EQ(ict_simulate(c, t, &o, record, &d, &rs, &e), 0);
    CHECK_EQ(a.n, b.n);
    CHECK_EQ(a.n, d.n);
    /* one worker never waits for a stage; 64 do, and run ahead */
    CHECK_EQ(r1.spec_started, 0);
    CHECK(r64.spec_started > 0);
    CHECK(r64.spec_taken > 0);
    CHECK(r64.spec_taken <= r64.spec_started);
    CHECK_EQ(b.ahead, r64.spec_started - r64.spec_taken);
    CHECK(r64.makespan < r1.makespan);
    for (size_t i = 0; i < a.n; i++) {
        CHECK_EQ(a.f[i], b.f[i]);
        CHECK_EQ(a.f[i], d.f[i]);
        CHECK_EQ(a.st[i], b.st[i]);
    }
    /* the optimum (13,4) breaks the constraint: never the best, counted
     * infeasible apart from the failed cells and the excluded rows */
    CHECK(r1.stats.infeasible >= 1);
    CHECK(r1.stats.infeasible < r1.stats.invalid);
    CHECK(r1.stats.skipped >= 1);
    CHECK(r1.has_best);
    CHECK(r1.best_flat != ict_space_flat(c->space, idx));
    CHECK(r1.has_table_best);
    CHECK(r1.table_best > 1);
    CHECK_EQ(r1.best_flat, r64.best_flat);
    /* one worker: makespan = the work; more workers: shorter, bounded */
    CHECK_NEAR(r1.makespan, r1.busy, 1e-9);
    CHECK_NEAR(r1.busy_fraction, 1, 1e-12);
    CHECK(r64.makespan < r1.makespan);
    /* running ahead beats the barrier between stages... */
    CHECK(r64.makespan < r64.stage_bound);
    CHECK(r64.makespan >= r64.busy / 64);
    /* ...which, without it, is the makespan (width <= 64), with the same
     * trajectory */
    static seq_t g;
    ict_sim_result_t roff;
    CHECK_EQ(ict_strategy_set(c, "speculate", "off", &e), 0);
    o.workers = 64;
    o.shuffle = 0;
    CHECK_EQ(ict_simulate(c, t, &o, record, &g, &roff, &e), 0);
    CHECK_EQ(roff.spec_started, 0);
    CHECK_EQ(g.ahead, 0);
    CHECK_NEAR(roff.makespan, roff.stage_bound, 1e-9);
    CHECK(r64.makespan < roff.makespan);
    CHECK_EQ(g.n, a.n);
    for (size_t i = 0; i < a.n; i++)
        CHECK_EQ(a.f[i], g.f[i]);
    CHECK(rs.makespan >= rs.stage_bound && rs.makespan >= rs.busy / 3);
    CHECK(r1.stats.skipped + r1.stats.evaluations <= 300);

    /* a hand-computed clock: exhaustive, batch 4, 8 points of 1 s each */
    ict_config_free(c);
    text = "name: t\ncommand: x\nobjective: {metric: time}\n"
           "parameters:\n  x: [0, 1]\n  y: [0, 1, 2, 3]\n"
           "search: {strategy: exhaustive, batch: 4}\n";
    CHECK_EQ(ict_config_parse("t.yaml", text, strlen(text), &c, &e), 0);
    ict_table_free(t);
    f = fopen(tpath, "w");
    fprintf(f, "y,x,time\n");                  /* columns in any order */
    for (int x = 0; x < 2; x++)
        for (int y = 0; y < 4; y++)
            fprintf(f, "%d,%d,%d\n", y, x, x * 4 + y);
    fclose(f);
    CHECK_EQ(ict_table_load(tpath, c->space, &t, &e), 0);
    memset(&o, 0, sizeof o);
    o.duration_fixed = 1;
    o.workers = 3;
    CHECK_EQ(ict_simulate(c, t, &o, NULL, NULL, &r1, &e), 0);
    CHECK_NEAR(r1.makespan, 4, 1e-12);         /* 2 stages of 2 s */
    CHECK_NEAR(r1.busy_fraction, 8.0 / 12.0, 1e-12);
    CHECK_NEAR(r1.stage_bound, 2, 1e-12);
    CHECK_EQ(r1.stats.stages, 2);

    /* table errors name the line */
    f = fopen(tpath, "w");
    fprintf(f, "x,y,time\n0,0,1\n0,9,1\n");
    fclose(f);
    ict_table_free(t);
    t = NULL;
    CHECK(ict_table_load(tpath, c->space, &t, &e) < 0);
    CHECK_CONTAINS(e.text, ":3: column 'y' holds '9'");
    f = fopen(tpath, "w");
    fprintf(f, "x,time\n0,1\n");
    fclose(f);
    CHECK(ict_table_load(tpath, c->space, &t, &e) < 0);
    CHECK_CONTAINS(e.text, "no column for the parameter 'y'");
    f = fopen(tpath, "w");
    fprintf(f, "x,y,time\n0,0,1\n0,0,2\n");
    fclose(f);
    CHECK(ict_table_load(tpath, c->space, &t, &e) < 0);
    CHECK_CONTAINS(e.text, ":3: this configuration is already in row 2");
    unlink(tpath);
    ict_config_free(c);
    TEST_DONE();
}
