/* test_dsice_restart.c - dsice's restarts option (dsice-algorithm.md 4 #14):
 * on a 15 x 15 space with a broad basin at the centre and a 3 x 3 well off
 * the four lines through the basin's floor, dsice without restarts stops
 * at the basin, with restarts finds the well's bottom; no point is measured
 * twice, a seed gives one trajectory, the budget is honoured, and a search
 * with more restarts than points ends once every point is measured.
 * start_samples: the first stage is the centre and N random points, and the
 * search goes on from the best of them. */
#include "ictune/search.h"
#include "test.h"

#define N 15
#define PIT_X 1
#define PIT_Y 10     /* the well: x 0..2, y 9..11, on no line through (7,7) */

static double f(const int32_t *i)
{
    int dx = abs(i[0] - PIT_X), dy = abs(i[1] - PIT_Y);
    if (dx <= 1 && dy <= 1)
        return dx || dy ? 5.0 : 1.0;
    double a = i[0] - 7, b = i[1] - 7;
    return 10.0 + a * a + b * b;
}

typedef struct out {
    uint64_t seq[N * N];
    size_t evals;
    int32_t best[2];
    double best_y;
} out_t;

static void run(const char *search, out_t *o)
{
    char text[1024];
    snprintf(text, sizeof text, "name: r\ncommand: x\nobjective: {metric: pi}\n"
             "parameters:\n  x: {from: 0, to: 14, step: 1}\n"
             "  y: {from: 0, to: 14, step: 1}\nsearch: %s\n", search);
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("r.yaml", text, strlen(text), &c, &e), 0);
    ict_search_t *s;
    CHECK_EQ(ict_search_new(&s, c, NULL, &e), 0);
    memset(o, 0, sizeof *o);
    char seen[N * N] = {0};
    int32_t idx[2];
    while (ict_search_next(s, &e) == 0) {
        size_t n = ict_search_stage_size(s);
        for (size_t i = 0; i < n; i++) {
            uint64_t p = ict_search_stage_point(s, i);
            CHECK(p < N * N);
            CHECK_EQ(seen[p], 0);           /* never measured twice */
            seen[p] = 1;
            CHECK(o->evals < N * N);
            o->seq[o->evals++] = p;
            ict_space_unflat(c->space, p, idx);
            CHECK_EQ(ict_search_report(s, p, ICT_STATUS_OK, f(idx), &e), 0);
        }
    }
    uint64_t b;
    CHECK_EQ(ict_search_best(s, &b, &o->best_y), 0);
    ict_space_unflat(c->space, b, o->best);
    ict_search_free(s);
    ict_config_free(c);
}

/* start_samples N: stage 1 = centre + N distinct points at level 0; the
 * base of stage 2 is the best of stage 1 (here not the centre: the
 * objective is -f). */
static void start_samples(int n)
{
    char text[1024];
    snprintf(text, sizeof text, "name: r\ncommand: x\nobjective: {metric: pi}\n"
             "parameters:\n  x: {from: 0, to: 14, step: 1}\n"
             "  y: {from: 0, to: 14, step: 1}\n"
             "search: {strategy: dsice, start: centre, start_samples: %d, seed: 5}\n", n);
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("r.yaml", text, strlen(text), &c, &e), 0);
    ict_search_t *s;
    CHECK_EQ(ict_search_new(&s, c, NULL, &e), 0);
    CHECK_EQ(ict_search_next(s, &e), 0);
    size_t m = ict_search_stage_size(s);
    CHECK_EQ(m, (size_t)n + 1);
    CHECK_EQ(ict_search_stage_level(s), 0);
    int32_t idx[2];
    uint64_t best = 0;
    double besty = INFINITY;
    for (size_t i = 0; i < m; i++) {
        uint64_t p = ict_search_stage_point(s, i);
        for (size_t j = 0; j < i; j++)
            CHECK(ict_search_stage_point(s, j) != p);   /* distinct */
        ict_space_unflat(c->space, p, idx);
        if (i == 0)
            CHECK(idx[0] == 7 && idx[1] == 7);          /* the centre first */
        double y = -f(idx);             /* the centre is the worst */
        if (y < besty) {
            besty = y;
            best = p;
        }
        CHECK_EQ(ict_search_report(s, p, ICT_STATUS_OK, y, &e), 0);
    }
    if (n)
        CHECK(best != ict_search_stage_point(s, 0));
    uint64_t base;
    double by;
    if (m == N * N) {                   /* all measured: nothing is left */
        CHECK_EQ(ict_search_next(s, &e), 1);
        CHECK_EQ(ict_search_best(s, &base, &by), 0);
        CHECK_EQ(base, best);
    } else {
        CHECK_EQ(ict_search_next(s, &e), 0);
        CHECK_EQ(ict_search_base(s, &base, &by), 0);
        CHECK_EQ(base, best);
        CHECK(by == besty);
    }
    ict_search_free(s);
    ict_config_free(c);
}

int main(void)
{
    start_samples(0);
    start_samples(12);
    start_samples(N * N - 1);          /* every other point of the space */
    static out_t a, b, c;
    run("{strategy: dsice, start: centre, line_search: full}", &a);
    CHECK_EQ(a.best[0], 7);                 /* the basin's floor */
    CHECK_EQ(a.best[1], 7);
    CHECK_NEAR(a.best_y, 10.0, 0);
    printf("no restarts: %zu evaluations, stops at the basin\n", a.evals);

    run("{strategy: dsice, start: centre, line_search: full, restarts: 3}", &b);
    CHECK_EQ(b.best[0], PIT_X);
    CHECK_EQ(b.best[1], PIT_Y);
    CHECK(b.evals > a.evals);
    /* until the first search ends, restarts change nothing */
    CHECK(memcmp(a.seq, b.seq, a.evals * sizeof a.seq[0]) == 0);
    CHECK(b.evals < N * N);                 /* not by measuring everything */
    printf("restarts 3: %zu evaluations, finds the well\n", b.evals);

    run("{strategy: dsice, start: centre, line_search: full, restarts: 3}", &c); /* same */
    CHECK_EQ(c.evals, b.evals);
    CHECK(memcmp(b.seq, c.seq, b.evals * sizeof b.seq[0]) == 0);
    run("{strategy: dsice, start: centre, line_search: full, restarts: 3, seed: 7}", &c);
    CHECK_EQ(c.best[0], PIT_X);
    CHECK(c.evals != b.evals || memcmp(b.seq, c.seq, b.evals * sizeof b.seq[0]));

    /* restarts: auto restarts while max_evaluations lasts, from the
     * point the model predicts best, or a random one */
    run("{strategy: dsice, start: centre, line_search: full, "
        "max_evaluations: 120}", &c);
    CHECK_EQ(c.evals, 120);
    CHECK_EQ(c.best[0], PIT_X);
    CHECK_EQ(c.best[1], PIT_Y);
    CHECK(memcmp(a.seq, c.seq, a.evals * sizeof a.seq[0]) == 0);
    run("{strategy: dsice, start: centre, line_search: full, "
        "max_evaluations: 120, restart_from: random}", &c);
    CHECK_EQ(c.evals, 120);
    CHECK_EQ(c.best[0], PIT_X);
    run("{strategy: dsice, start: centre, line_search: full, "
        "max_evaluations: 120, restarts: 0}", &c);
    CHECK_EQ(c.evals, a.evals);              /* restarts: 0 stops as before */

    /* stall: a restart also after this many results without a better
     * one, before the search would end: the first restart comes sooner,
     * the well is still found, and stall: 0 is the search without it */
    run("{strategy: dsice, start: centre, line_search: full, restarts: 3, "
        "stall: 8}", &c);
    CHECK_EQ(c.best[0], PIT_X);
    CHECK_EQ(c.best[1], PIT_Y);
    size_t same = 0;
    while (same < a.evals && same < c.evals && a.seq[same] == c.seq[same])
        same++;
    CHECK(same < a.evals);                   /* it left the basin earlier */
    run("{strategy: dsice, start: centre, line_search: full, restarts: 3, "
        "stall: 0}", &c);
    CHECK_EQ(c.evals, b.evals);
    CHECK(memcmp(b.seq, c.seq, b.evals * sizeof b.seq[0]) == 0);

    run("{strategy: dsice, restarts: 1, max_evaluations: 5}", &c);
    CHECK_EQ(c.evals, 5);
    run("{strategy: dsice, restarts: 1000000}", &c); /* ends: space exhausted */
    CHECK_EQ(c.evals, N * N);
    CHECK_EQ(c.best[0], PIT_X);
    TEST_DONE();
}
