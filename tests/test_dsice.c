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
    size_t sizes[64];
    int levels[64];
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
        if (o->nstages < 64) {
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

int main(void)
{
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

    /* the default start: a design of 2 x 4 + 2 points (the centre first),
     * then lines from its best, in waves of 4 lines */
    run("{strategy: dsice, line_search: full}", &o);
    CHECK_EQ(o.sizes[0], 10);
    CHECK_EQ(o.levels[0], 0);
    CHECK_EQ(o.levels[1], 1);
    CHECK(o.sizes[1] <= 39);
    printf("default: %zu evaluations in %zu stages\n", o.evals, o.nstages);

    run("{strategy: dsice, line_search: ippe, alpha: abic, start: centre}", &o);
    printf("ippe abic: %zu evaluations in %zu stages\n", o.evals, o.nstages);
    TEST_DONE();
}
