/* test_dsice.c - DSICE on the reference case (10 x 11 x 11 x 11): the
 * stage sizes of the reference application (centre, then 39 points, then
 * 30 or 29), the level escalation, and the optimum of a smooth function
 * away from the centre, for both line-search modes and dsice-seq. */
#include "ictune/search.h"
#include "test.h"

static const char *space =
    "  lr: {from: 1.0e-5, to: 1.0e-3, count: 10, scale: log}\n"
    "  w2: {from: 0, to: 1, step: 0.1}\n"
    "  w3: {from: 0, to: 1, step: 0.1}\n"
    "  w4: {from: 0, to: 100, step: 10}\n";

/* A smooth function with its optimum at index (2, 8, 3, 9), coupled. */
static double f(const int32_t *i)
{
    double a = i[0] - 2, b = i[1] - 8, c = i[2] - 3, d = i[3] - 9;
    return 1.0 + 0.3 * a * a + 0.2 * b * b + 0.25 * c * c + 0.1 * d * d +
           0.05 * a * b + 0.02 * sin(3.0 * c);
}

typedef struct out {
    size_t sizes[128];
    int levels[128];
    size_t nstages, evals;
    uint64_t best;
} out_t;

static void run(const char *search, out_t *o)
{
    char text[2048];
    snprintf(text, sizeof text, "name: d\ncommand: x\nobjective: {metric: pi}\n"
             "parameters:\n%ssearch: %s\n", space, search);
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("d.yaml", text, strlen(text), &c, &e), 0);
    ict_search_t *s;
    CHECK_EQ(ict_search_new(&s, c, NULL, &e), 0);
    memset(o, 0, sizeof *o);
    int32_t idx[4];
    while (ict_search_next(s, &e) == 0) {
        size_t n = ict_search_stage_size(s);
        if (o->nstages < 128) {
            o->sizes[o->nstages] = n;
            o->levels[o->nstages] = ict_search_stage_level(s);
        }
        o->nstages++;
        for (size_t i = 0; i < n; i++) {
            uint64_t p = ict_search_stage_point(s, i);
            ict_space_unflat(c->space, p, idx);
            CHECK_EQ(ict_search_report(s, p, ICT_STATUS_OK, f(idx), &e), 0);
        }
        o->evals += n;
    }
    double v;
    CHECK_EQ(ict_search_best(s, &o->best, &v), 0);
    ict_space_unflat(c->space, o->best, idx);
    CHECK_EQ(idx[0], 2);
    CHECK_EQ(idx[1], 8);
    CHECK_EQ(idx[2], 3);
    CHECK_EQ(idx[3], 9);
    ict_search_free(s);
    ict_config_free(c);
}

/* The guided stages' cache (ctx.memo), shared as the master shares it
 * with its lookahead: a search's points, as one hash, under function fn
 * (0: f, 1: f moved), up to budget points. */
static double g_moved(const int32_t *i)
{
    int32_t j[4] = {i[0], 10 - i[1], 10 - i[2], i[3]};
    return f(j);
}

static uint64_t trajectory(ict_db_t *memo, int fn, size_t budget)
{
    char text[1024];
    snprintf(text, sizeof text, "name: d\ncommand: x\nobjective: {metric: pi}\n"
             "parameters:\n%ssearch: {strategy: dsice, max_evaluations: %zu}\n",
             space, budget);
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("d.yaml", text, strlen(text), &c, &e), 0);
    ict_search_opts_t so = {NULL, NULL, NULL, 0, memo};
    ict_search_t *s;
    CHECK_EQ(ict_search_new(&s, c, &so, &e), 0);
    uint64_t h = 1469598103934665603ull;
    int32_t idx[4];
    while (ict_search_next(s, &e) == 0)
        for (size_t i = 0; i < ict_search_stage_size(s); i++) {
            uint64_t p = ict_search_stage_point(s, i);
            h = (h ^ p) * 1099511628211ull;
            ict_space_unflat(c->space, p, idx);
            CHECK_EQ(ict_search_report(s, p, ICT_STATUS_OK,
                                       fn ? g_moved(idx) : f(idx), &e), 0);
        }
    ict_search_free(s);
    ict_config_free(c);
    return h;
}

int main(void)
{
    /* a cache filled by one search changes nothing for another: with other
     * results it misses, with the same ones it gives the same points */
    {
        ict_db_t *memo;
        CHECK_EQ(ict_db_new(&memo), 0);
        uint64_t f_own = trajectory(NULL, 0, 150), g_own = trajectory(NULL, 1, 150);
        CHECK(f_own != g_own);
        CHECK(trajectory(memo, 0, 150) == f_own);
        size_t filled = ict_db_count(memo);
        CHECK(filled > 20);                     /* the guided stages */
        CHECK(trajectory(memo, 0, 150) == f_own);
        CHECK_EQ(ict_db_count(memo), filled);   /* all of them hits */
        CHECK(trajectory(memo, 1, 150) == g_own);
        CHECK(ict_db_count(memo) > filled);
        ict_db_free(memo);
    }
    out_t o;
    run("{strategy: dsice, line_search: full, start: centre}", &o);
    CHECK_EQ(o.sizes[0], 1);                 /* the centre (5,5,5,5) */
    CHECK_EQ(o.levels[0], 0);
    CHECK_EQ(o.sizes[1], 39);                /* (10-1) + 3 (11-1) */
    CHECK_EQ(o.levels[1], 1);
    CHECK(o.sizes[2] == 30 || o.sizes[2] == 29);
    /* levels never decrease and reach 4 at the end */
    for (size_t i = 2; i < o.nstages && i < 64; i++)
        CHECK(o.levels[i] >= o.levels[i - 1]);
    CHECK_EQ(o.levels[(o.nstages < 64 ? o.nstages : 64) - 1], 4);
    printf("full: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    run("{strategy: dsice, line_search: ippe, start: centre}", &o);
    CHECK_EQ(o.sizes[0], 1);
    CHECK_EQ(o.sizes[1], 16);                /* 4 tri points on 4 lines */
    CHECK_EQ(o.sizes[2], 4);                 /* one suggestion per line */
    printf("ippe: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    run("{strategy: dsice, line_search: ippe, per_line: 3, start: centre}", &o);
    CHECK_EQ(o.sizes[2], 12);
    printf("ippe per_line 3: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    run("{strategy: dsice-seq}", &o);
    for (size_t i = 0; i < o.nstages && i < 64; i++)
        CHECK_EQ(o.sizes[i], 1);
    CHECK_EQ(o.nstages, o.evals);
    CHECK(o.evals < 400);                    /* a few % of 13,310 */
    printf("seq: %zu evaluations\n", o.evals);

    /* the specified order (line_order: given) takes the same first stages */
    out_t g;
    run("{strategy: dsice, line_search: full, start: centre, line_order: given}", &g);
    CHECK_EQ(g.sizes[0], 1);
    CHECK_EQ(g.sizes[1], 39);
    CHECK(g.sizes[2] == 30 || g.sizes[2] == 29);

    /* the default start: a design of 12 points (the centre first), then
     * 140 guided evaluations, 2 a stage, then lines from the best */
    run("{strategy: dsice, line_search: full}", &o);
    CHECK_EQ(o.sizes[0], 12);
    CHECK_EQ(o.levels[0], 0);
    for (size_t i = 1; i <= 70; i++) {
        CHECK_EQ(o.sizes[i], 2);
        CHECK_EQ(o.levels[i], 0);
    }
    CHECK_EQ(o.levels[71], 1);
    CHECK(o.sizes[71] <= 39);
    run("{strategy: dsice, line_search: full, guided: 90, guided_batch: 4}", &o);
    CHECK_EQ(o.sizes[23], 2);                   /* 22 stages of 4, then 2 */
    CHECK_EQ(o.levels[23], 0);
    CHECK_EQ(o.levels[24], 1);
    run("{strategy: dsice, line_search: full, guided: 7, guided_batch: 1}", &o);
    CHECK_EQ(o.sizes[0], 12);
    for (size_t i = 1; i <= 7; i++)
        CHECK_EQ(o.sizes[i], 1);
    CHECK_EQ(o.levels[8], 1);
    printf("default: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    /* without the guided beginning: a design of 2 x 4 + 2 points, then
     * lines from its best, in waves of 4 lines */
    run("{strategy: dsice, line_search: full, guided: 0}", &o);
    CHECK_EQ(o.sizes[0], 10);
    CHECK_EQ(o.levels[0], 0);
    CHECK_EQ(o.levels[1], 1);
    CHECK(o.sizes[1] <= 39);
    printf("default: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    run("{strategy: dsice, line_search: ippe, alpha: abic, start: centre}", &o);
    printf("ippe abic: %zu evaluations in %zu stages\n", o.evals, o.nstages);
    TEST_DONE();
}
