/* test_lookahead.c - the speculation's candidates: fed the results of the
 * real search's first k-1 stages, the shadow search asks first for exactly
 * the real stage k (after the fitted quadratic's best point, once there is
 * one); busy and known points are never candidates; at most
 * `want`, none twice; dsice's predictions come from the open lines'
 * d-Splines, with the objective's sign (maximize). */
#include <errno.h>
#include <math.h>

#include "../src/lookahead.h"
#include "ictune/search.h"
#include "test.h"

static double fval(const int32_t *i)
{
    double a = i[0] - 7, b = i[1] - 2, c = i[2] - 4;
    return 1 + 0.05 * a * a + 0.1 * b * b + 0.02 * c * c + 0.03 * a * b;
}

#define MAXST 256
typedef struct run {
    uint64_t pts[MAXST][128];
    size_t n[MAXST];
    size_t stages;
} run_t;

static ict_db_t *busy_db;
static int busy(void *ud, uint64_t flat)
{
    (void)ud;
    return busy_db && ict_db_get(busy_db, flat) != NULL;
}

static double sign;

int main(void)
{
    const char *text =
        "name: t\ncommand: x\n"
        "parameters:\n  a: {from: 0, to: 11, step: 1}\n  b: {from: 0, to: 8, step: 1}\n"
        "  c: {from: 0, to: 9, step: 1}\n"
        "search: {strategy: dsice, line_search: ippe, guided: 12}\n";
    for (int goal = 0; goal < 2; goal++) {
        ict_config_t *c;
        ict_error_t e;
        char buf[1024];
        snprintf(buf, sizeof buf, "%sobjective: {metric: y, goal: %s}\n", text,
                 goal ? "maximize" : "minimize");
        CHECK_EQ(ict_config_parse("t.yaml", buf, strlen(buf), &c, &e), 0);
        sign = goal ? -1 : 1;
        /* the real search, one stage at a time */
        static run_t R;
        memset(&R, 0, sizeof R);
        ict_search_t *s;
        /* one cache for the search and its shadows, as the master has */
        ict_db_t *memo;
        CHECK_EQ(ict_db_new(&memo), 0);
        ict_search_opts_t so = {NULL, NULL, NULL, 0, memo};
        CHECK_EQ(ict_search_new(&s, c, &so, &e), 0);
        int32_t idx[3];
        int predicted = 0, guided = 0;
        double maxerr = 0;
        while (ict_search_next(s, &e) == 0) {
            size_t n = ict_search_stage_size(s);
            CHECK(R.stages < MAXST && n <= 128);
            for (size_t i = 0; i < n; i++) {
                uint64_t f = ict_search_stage_point(s, i);
                R.pts[R.stages][i] = f;
                ict_space_unflat(c->space, f, idx);
                double y;
                if (ict_search_predict(s, f, &y) == 0 &&
                    ict_search_stage_level(s) == 0) {
                    /* the guided beginning's model: a finite estimate with
                     * the objective's own sign */
                    guided++;
                    CHECK(isfinite(y) && y * sign > 0);
                } else if (ict_search_predict(s, f, &y) == 0) {
                    /* the d-Spline of a smooth function: near the truth,
                     * with the objective's own sign */
                    predicted++;
                    double err = fabs(y - sign * fval(idx));
                    if (err > maxerr)
                        maxerr = err;
                }
            }
            R.n[R.stages++] = n;
            for (size_t i = 0; i < n; i++) {
                ict_space_unflat(c->space, R.pts[R.stages - 1][i], idx);
                CHECK_EQ(ict_search_report(s, R.pts[R.stages - 1][i], ICT_STATUS_OK,
                                           sign * fval(idx), &e), 0);
            }
        }
        CHECK(R.stages > 5);
        CHECK(predicted > 5);
        CHECK(guided > 5);
        CHECK(maxerr < 0.5);
        ict_search_free(s);

        size_t models = 0;
        for (size_t k = 0; k < R.stages; k++) {
            ict__look_t *L;
            CHECK_EQ(ict__look_new(&L, c, &so, &e), 0);
            for (size_t j = 0; j < k; j++)
                for (size_t i = 0; i < R.n[j]; i++) {
                    ict_space_unflat(c->space, R.pts[j][i], idx);
                    CHECK_EQ(ict__look_known(L, R.pts[j][i], ICT_STATUS_OK,
                                             sign * fval(idx), NULL), 0);
                }
            /* one stage ahead: exactly the real stage k, in its order,
             * after (once enough results are known) the point where the
             * fitted quadratic is best, when that is not in stage k */
            uint64_t out[512];
            size_t got;
            busy_db = NULL;
            CHECK_EQ(ict__look_plan(L, busy, NULL, 512, 1, out, &got, &e), 0);
            /* the model's point: out[0] when it is not stage k's first */
            int model = got && out[0] != R.pts[k][0];
            models += model;
            CHECK(!model || k > 0);
            size_t in_k = 0;
            for (size_t i = 0; model && i < R.n[k]; i++)
                in_k += R.pts[k][i] == out[0];
            CHECK_EQ(got, R.n[k] + (model && !in_k));
            for (size_t i = 0, o = model; i < R.n[k]; i++) {
                if (model && R.pts[k][i] == out[0])
                    continue;
                CHECK_EQ(out[o++], R.pts[k][i]);
            }
            for (size_t j = 0; model && j < k; j++)       /* not known */
                for (size_t i = 0; i < R.n[j]; i++)
                    CHECK(out[0] != R.pts[j][i]);
            /* want caps the answer */
            uint64_t one;
            CHECK_EQ(ict__look_plan(L, busy, NULL, 1, 1, &one, &got, &e), 0);
            CHECK_EQ(got, 1);
            CHECK_EQ(one, out[0]);
            /* stage k running: further ahead, never a busy or known point,
             * none twice */
            CHECK_EQ(ict_db_new(&busy_db), 0);
            for (size_t i = 0; i < R.n[k]; i++)
                CHECK_EQ(ict_db_put(busy_db, R.pts[k][i], 0, 0, 0), 0);
            CHECK_EQ(ict__look_plan(L, busy, NULL, 40, 64, out, &got, &e), 0);
            CHECK(got <= 40);
            if (k + 1 < R.stages)
                CHECK(got > 0);
            ict_db_t *seen;
            CHECK_EQ(ict_db_new(&seen), 0);
            for (size_t i = 0; i < got; i++) {
                CHECK(!busy(NULL, out[i]));
                for (size_t j = 0; j < k; j++)
                    for (size_t q = 0; q < R.n[j]; q++)
                        CHECK(out[i] != R.pts[j][q]);
                CHECK_EQ(ict_db_put(seen, out[i], 0, 0, 0), 0);   /* once */
            }
            ict_db_free(seen);
            ict_db_free(busy_db);
            busy_db = NULL;
            ict__look_free(L);
        }
        CHECK(models > 0);             /* the quadratic is fitted, and used */
        ict_db_free(memo);
        ict_config_free(c);
    }
    TEST_DONE();
}
