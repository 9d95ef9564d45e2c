/* test_gp.c - the guided beginning's Gaussian process (src/strategies/gp.c):
 * it reproduces what it was fitted on, does not depend on the order the
 * results came in, expects improvement where it is unsure and not where
 * it has measured, learns to avoid failures, believes pending points at
 * its mean, and keeps to its limits. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "../src/strategies/gp.h"
#include "ictune/config.h"
#include "ictune/db.h"
#include "ictune/search.h"
#include "test.h"

static double f(const int32_t *i)
{
    double a = i[0] - 6, b = i[1] - 2, c = i[2] - 4;
    return exp(0.02 * a * a + 0.05 * b * b + 0.03 * c * c);    /* > 0: log */
}

static ict_config_t *cfg(void)
{
    const char *text = "name: g\ncommand: x\nobjective: {metric: y}\n"
                       "parameters:\n  a: {from: 0, to: 11, step: 1}\n"
                       "  b: {from: 0, to: 6, step: 1}\n  c: [1, 2, 3, 4, 5, 6, 7, 8]\n"
                       "  d: [only]\n";
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("g.yaml", text, strlen(text), &c, &e), 0);
    return c;
}

int main(void)
{
    ict_config_t *c = cfg();
    const ict_space_t *s = c->space;
    uint64_t size = ict_space_size(s);
    int32_t idx[4];
    /* 40 points, every 17th flat: put in two orders */
    ict_db_t *up, *down;
    CHECK_EQ(ict_db_new(&up), 0);
    CHECK_EQ(ict_db_new(&down), 0);
    uint64_t pts[40];
    for (int i = 0; i < 40; i++)
        pts[i] = (uint64_t)i * 17 % size;
    for (int i = 0; i < 40; i++) {
        ict_space_unflat(s, pts[i], idx);
        CHECK_EQ(ict_db_put(up, pts[i], 1, f(idx), ICT_STATUS_OK), 0);
        ict_space_unflat(s, pts[39 - i], idx);
        CHECK_EQ(ict_db_put(down, pts[39 - i], 1, f(idx), ICT_STATUS_OK), 0);
    }
    ict__gp_t g, h;
    CHECK_EQ(ict__gp_init(&g, s), 0);
    CHECK_EQ(ict__gp_init(&h, s), 0);
    CHECK_EQ(g.V, 3);                           /* d has one value */
    CHECK_EQ(ict__gp_fit(&g, s, up, 4), 0);
    CHECK_EQ(ict__gp_fit(&h, s, down, 4), 0);
    CHECK_EQ(g.n, 40);
    double worst_fit = 0;
    for (int i = 0; i < 40; i++) {
        ict_space_unflat(s, pts[i], idx);
        double m = ict__gp_mean(&g, idx);
        worst_fit = fmax(worst_fit, fabs(m - f(idx)) / f(idx));
        CHECK(m == ict__gp_mean(&h, idx));      /* bit for bit */
    }
    CHECK(worst_fit < 0.02);                    /* near the noise */
    /* expected improvement: next to nothing at a measured point, more at
     * an unmeasured one near the optimum (6, 2, c=5) than far from it */
    ict_space_unflat(s, pts[3], idx);
    double ei_known = ict__gp_ei(&g, idx, NULL);
    int32_t good[4] = {6, 2, 3, 0}, bad[4] = {0, 6, 7, 0};
    double mgood, mbad;
    double ei_good = ict__gp_ei(&g, good, &mgood), ei_bad = ict__gp_ei(&g, bad, &mbad);
    CHECK(ei_known < 1e-3);
    CHECK(ei_good > ei_bad);
    CHECK(mgood < mbad);
    CHECK(ict__gp_mean(&g, good) == mgood);
    /* a pending point: the mean stays, the improvement expected there
     * goes; room for 4 */
    CHECK_EQ(ict__gp_pending(&g, good), 0);
    CHECK(ict__gp_mean(&g, good) == mgood);
    CHECK(ict__gp_ei(&g, good, NULL) < 0.1 * ei_good);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(ict__gp_pending(&g, bad), 0);
    CHECK_EQ(ict__gp_pending(&g, bad), -ENOSPC);
    /* failures count as the worst result: the mean is high where they are */
    int32_t fidx[4] = {6, 3, 4, 0};
    uint64_t ff = ict_space_flat(s, fidx);
    CHECK(!ict_db_get(up, ff));
    CHECK_EQ(ict__gp_fit(&g, s, up, 0), 0);
    double before = ict__gp_mean(&g, fidx);
    CHECK_EQ(ict_db_put(up, ff, 0, NAN, ICT_STATUS_FAILED), 0);
    CHECK_EQ(ict__gp_fit(&g, s, up, 0), 0);
    CHECK_EQ(g.n, 41);
    CHECK(ict__gp_mean(&g, fidx) > 2 * before);
    /* a broken constraint counts with its objective, but is not the best
     * to improve on */
    int32_t bidx[4] = {5, 2, 4, 0};
    uint64_t bf = ict_space_flat(s, bidx);
    CHECK(!ict_db_get(up, bf));
    double minf = INFINITY;
    for (int i = 0; i < 40; i++) {
        ict_space_unflat(s, pts[i], idx);
        minf = fmin(minf, f(idx));
    }
    CHECK_NEAR(exp(g.best * g.sd + g.m), minf, 1e-9 * minf);
    CHECK_EQ(ict_db_put(up, bf, 0, 0.5, ICT_STATUS_INFEASIBLE), 0);
    CHECK_EQ(ict__gp_fit(&g, s, up, 0), 0);
    CHECK_NEAR(exp(g.best * g.sd + g.m), minf, 1e-9 * minf);
    CHECK(ict__gp_mean(&g, bidx) < 0.7);
    /* fewer than 2 valid results: no model */
    ict_db_t *one;
    CHECK_EQ(ict_db_new(&one), 0);
    CHECK_EQ(ict_db_put(one, 5, 1, 1.0, ICT_STATUS_OK), 0);
    CHECK_EQ(ict__gp_fit(&g, s, one, 0), 0);
    CHECK_EQ(g.n, 0);
    CHECK_EQ(ict__gp_pending(&g, good), -ENOSPC);
    /* more results than it takes: the best ICT__GP_MAX_POINTS */
    ict_db_t *all;
    CHECK_EQ(ict_db_new(&all), 0);
    for (uint64_t x = 0; x < size; x++) {
        ict_space_unflat(s, x, idx);
        CHECK_EQ(ict_db_put(all, x, 1, f(idx), ICT_STATUS_OK), 0);
    }
    CHECK(size > ICT__GP_MAX_POINTS);
    CHECK_EQ(ict__gp_fit(&g, s, all, 0), 0);
    CHECK_EQ(g.n, ICT__GP_MAX_POINTS);
    CHECK_NEAR(ict__gp_mean(&g, good), f(good), 0.01 * f(good));
    /* four candidates at once: bit for bit one at a time, from scratch,
     * after a pending point, and with states that differ */
    CHECK_EQ(ict__gp_fit(&h, s, up, 4), 0);
    enum { NC = 8 };
    int32_t ci[NC][4];
    double v1[NC][ICT__GP_MAX_POINTS + 4], v4[NC][ICT__GP_MAX_POINTS + 4];
    ict__gp_cand_t c1[NC], c4[NC];
    memset(c1, 0, sizeof c1);
    memset(c4, 0, sizeof c4);
    for (int q = 0; q < NC; q++)
        ict_space_unflat(s, (uint64_t)(q * 37 + 5) % size, ci[q]);
    for (int round = 0; round < 3; round++) {
        if (round == 2)
            c4[5].nv = c1[5].nv = 0;            /* one state from scratch */
        double e1[NC], m1[NC], e4[NC], m4[NC];
        for (int q = 0; q < NC; q++)
            e1[q] = ict__gp_cand_ei(&h, ci[q], v1[q], &c1[q], &m1[q]);
        for (int q0 = 0; q0 < NC; q0 += 4) {
            const int32_t *ix[4];
            double *vq[4];
            ict__gp_cand_t *cq[4];
            for (int q = 0; q < 4; q++) {
                ix[q] = ci[q0 + q];
                vq[q] = v4[q0 + q];
                cq[q] = &c4[q0 + q];
            }
            ict__gp_cand_ei4(&h, ix, vq, cq, e4 + q0, m4 + q0);
        }
        for (int q = 0; q < NC; q++) {
            CHECK(e1[q] == e4[q]);
            CHECK(m1[q] == m4[q]);
            CHECK(c1[q].mu == c4[q].mu && c1[q].var == c4[q].var);
            CHECK_EQ(c1[q].nv, h.nl);
            CHECK_EQ(c4[q].nv, h.nl);
            CHECK(!memcmp(v1[q], v4[q], h.nl * sizeof(double)));
            /* and the same as from scratch */
            CHECK_NEAR(e1[q], ict__gp_ei(&h, ci[q], NULL), 1e-12 + 1e-9 * e1[q]);
        }
        CHECK_EQ(ict__gp_pending(&h, ci[round]), 0);
    }
    ict__gp_fini(&g);
    ict__gp_fini(&h);
    ict_db_free(up);
    ict_db_free(down);
    ict_db_free(one);
    ict_db_free(all);
    ict_config_free(c);
    TEST_DONE();
}
