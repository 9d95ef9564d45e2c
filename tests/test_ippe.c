/* test_ippe.c - IPPE on one line: tri points, trisection order (without
 * the reference library's bug 5.1) and the trace of dsice-algorithm.md 2.8. */
#include <errno.h>

#include "ictune/ippe.h"
#include "test.h"

static double g(double x) { return 0.02 * (x - 13.3) * (x - 13.3) + 1 + 0.15 * sin(1.3 * x); }

/* Run IPPE with one constraint on a line of n points to its end, the
 * objective y(i) and the slack slack_of(i) (feasible when >= 0) measured as a
 * program would: a point with a negative slack is BROKEN, except those listed in
 * broken[] which are measured broken whatever the slack says. Returns the
 * measurements made; *best the line's best (-1: none). */
static int nbroken, with_prior;
static int run_constrained(size_t n, double (*y)(size_t), double (*slack_of)(size_t),
                           const int *broken, size_t nb, long *best, int *done)
{
    ict_ippe_params_t p = ICT_IPPE_DEFAULTS;
    p.ncons = 1;
    ict_ippe_t *l;
    CHECK_EQ(ict_ippe_new(&l, n, &p), 0);
    for (size_t i = 0; with_prior && i < n; i++)     /* a model's prior */
        CHECK_EQ(ict_ippe_set_prior(l, i, 0, slack_of(i)), 0);
    int made = 0;
    nbroken = 0;
    /* as a strategy does when it sets a line up: an update first */
    *done = ict_ippe_update(l) == 1;
    for (int round = 0; round < 100 && !*done; round++) {
        size_t out[64];
        size_t k = ict_ippe_suggest(l, out, 64);
        size_t take = ict_ippe_tri_left(l) ? ict_ippe_tri_left(l) : 1;
        if (k == 0)
            break;
        for (size_t j = 0; j < take && j < k; j++) {
            size_t i = out[j];
            double s = slack_of(i);
            int b = s < 0;
            for (size_t q = 0; q < nb; q++)
                b |= broken[q] == (int)i;
            CHECK_EQ(ict_ippe_set_full(l, i, b ? ICT_IPPE_BROKEN : ICT_IPPE_VALID, y(i), &s), 0);
            nbroken += b;
            made++;
        }
        int rc = ict_ippe_update(l);
        CHECK(rc >= 0);
        if (rc == 1) {
            *done = 1;
            break;
        }
    }
    size_t pos;
    double v;
    *best = ict_ippe_best(l, &pos, &v) == 0 ? (long)pos : -1;
    ict_ippe_free(l);
    return made;
}

static double y_right(size_t i) { return ((double)i - 9) * ((double)i - 9); }
static double g_left6(size_t i) { return 6 - (double)i; }
static double g_none(size_t i) { return -1 - (double)i; }
static double g_all(size_t i) { (void)i; return 5; }

int main(void)
{
    size_t o[32];
    CHECK_EQ(ict_tri_order(11, o), 11);
    size_t want11[] = {0, 10, 3, 6, 1, 2, 4, 5, 7, 8, 9};
    for (int i = 0; i < 11; i++)
        CHECK_EQ(o[i], want11[i]);
    CHECK_EQ(ict_tri_order(10, o), 10);
    size_t want10[] = {0, 9, 3, 6};
    for (int i = 0; i < 4; i++)
        CHECK_EQ(o[i], want10[i]);
    CHECK_EQ(ict_tri_order(21, o), 21);
    size_t want21[] = {0, 20, 6, 13};
    for (int i = 0; i < 4; i++)
        CHECK_EQ(o[i], want21[i]);
    /* every index exactly once, for many n */
    for (size_t n = 1; n < 32; n++) {
        int seen[32] = {0};
        CHECK_EQ(ict_tri_order(n, o), n);
        for (size_t i = 0; i < n; i++) {
            CHECK(o[i] < n);
            CHECK(!seen[o[i]]);
            seen[o[i]] = 1;
        }
    }
    CHECK_EQ(ict_tri_order(3, o), 3);
    CHECK_EQ(o[2], 1);

    /* The 2.8 trace: n = 21, alpha 0.1, sequential. */
    ict_ippe_t *l;
    CHECK_EQ(ict_ippe_new(&l, 21, NULL), 0);
    size_t s[21];
    CHECK_EQ(ict_ippe_phase(l), ICT_IPPE_TRI);
    CHECK_EQ(ict_ippe_tri_left(l), 4);
    CHECK_EQ(ict_ippe_suggest(l, s, 4) , 21);
    size_t tri[] = {0, 20, 6, 13};
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(s[i], tri[i]);
        ict_ippe_set(l, tri[i], 1, g((double)tri[i]));
    }
    CHECK_EQ(ict_ippe_update(l), 0);
    size_t best;
    CHECK_EQ(ict_ippe_estimated_best(l, &best), 0);
    CHECK_EQ(best, 13);
    size_t expect_next[] = {12, 14, 5, 4};
    size_t expect_best[] = {14, 13, 13, 13};
    int finished = 0;
    for (int step = 0; step < 4; step++) {
        CHECK(!finished);
        CHECK(ict_ippe_suggest(l, s, 1) > 0);
        CHECK_EQ(s[0], expect_next[step]);
        ict_ippe_set(l, s[0], 1, g((double)s[0]));
        finished = ict_ippe_update(l);
        CHECK(finished >= 0);
        ict_ippe_estimated_best(l, &best);
        CHECK_EQ(best, expect_best[step]);
    }
    CHECK_EQ(finished, 1);
    CHECK_EQ(ict_ippe_final(l), 8);
    double y;
    CHECK_EQ(ict_ippe_best(l, &best, &y), 0);
    CHECK_EQ(best, 13);
    CHECK_EQ(ict_ippe_suggest(l, s, 21), 0);      /* finished: no more */
    ict_ippe_free(l);

    /* Invalid points are measured but never fitted; a line with fewer than
     * two valid points keeps sampling until all are measured. */
    CHECK_EQ(ict_ippe_new(&l, 6, NULL), 0);
    for (size_t i = 0; i < 6; i++) {
        size_t k = ict_ippe_suggest(l, s, 6);
        CHECK(k == 6 - i);
        ict_ippe_set(l, s[0], 0, NAN);
        int r = ict_ippe_update(l);
        CHECK_EQ(r, i == 5);
    }
    CHECK_EQ(ict_ippe_best(l, &best, &y), -ENOENT);
    ict_ippe_free(l);

    /* A NaN reported as valid is stored as invalid. */
    CHECK_EQ(ict_ippe_new(&l, 3, NULL), 0);
    ict_ippe_set(l, 0, 1, NAN);
    ict_ippe_set(l, 1, 1, 2.0);
    ict_ippe_set(l, 2, 1, 1.0);
    CHECK_EQ(ict_ippe_update(l), 1);
    CHECK_EQ(ict_ippe_best(l, &best, &y), 0);
    CHECK_EQ(best, 2);
    ict_ippe_free(l);

    /* max_points stops a long line */
    ict_ippe_params_t p = ICT_IPPE_DEFAULTS;
    p.max_points = 5;
    p.confirm = 1000;
    CHECK_EQ(ict_ippe_new(&l, 100, &p), 0);
    int r = 0;
    size_t measured = 0;
    while (!r) {
        CHECK(ict_ippe_suggest(l, s, 1) > 0);
        ict_ippe_set(l, s[0], 1, fabs((double)s[0] - 37.0));
        measured++;
        r = ict_ippe_update(l);
    }
    CHECK_EQ(measured, 5);
    ict_ippe_free(l);
    /* constraints: the best feasible point borders the broken part (the
     * objective keeps falling past it), and it is found */
    {
        long cbest;
        int done;
        int made = run_constrained(21, y_right, g_left6, NULL, 0, &cbest, &done);
        CHECK(done);
        CHECK_EQ(cbest, 6);
        CHECK(made < 21);
        /* a line broken everywhere ends, with no best */
        made = run_constrained(21, y_right, g_none, NULL, 0, &cbest, &done);
        CHECK(done);
        CHECK_EQ(cbest, -1);
        CHECK(made <= 6);
        /* predicted feasible but measured broken: never the best, even
         * where the objective is lowest */
        int br[] = {9, 8, 10};
        made = run_constrained(21, y_right, g_all, br, 3, &cbest, &done);
        CHECK(done);
        CHECK(cbest >= 0 && cbest != 9 && cbest != 8 && cbest != 10);
        CHECK(cbest == 7 || cbest == 11);
        /* a prior that says where the constraint breaks: the tri points
         * beyond it are not measured, and the best is found all the same */
        made = run_constrained(21, y_right, g_left6, NULL, 0, &cbest, &done);
        int without = nbroken;
        with_prior = 1;
        int made2 = run_constrained(21, y_right, g_left6, NULL, 0, &cbest, &done);
        with_prior = 0;
        CHECK(done);
        CHECK_EQ(cbest, 6);
        CHECK(without >= 2);
        CHECK_EQ(nbroken, 0);
        CHECK(made2 < made);
        /* a prior broken everywhere: nothing is measured, the line ends */
        with_prior = 1;
        made = run_constrained(21, y_right, g_none, NULL, 0, &cbest, &done);
        with_prior = 0;
        CHECK(done);
        CHECK_EQ(made, 0);
        CHECK_EQ(cbest, -1);
    }
    TEST_DONE();
}
