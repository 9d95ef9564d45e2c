/* test_design.c - the first stage's space-filling design
 * (src/strategies/design.c): distinct feasible points other than the fixed
 * ones, the same for a seed, and spread so that each parameter's two ends
 * and middle come before the values between them. */
#include <string.h>

#include "../src/strategies/design.h"
#include "ictune/config.h"
#include "test.h"

static ict_config_t *cfg(const char *params)
{
    char text[512];
    snprintf(text, sizeof text, "name: d\ncommand: x\nobjective: {metric: y}\n"
             "parameters:\n%s", params);
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("d.yaml", text, strlen(text), &c, &e), 0);
    return c;
}

static int two_in_three(void *ud, uint64_t flat)
{
    (void)ud;
    return flat % 3 != 1;       /* a third of the space is infeasible */
}

static int has(const uint64_t *v, size_t n, uint64_t f)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == f)
            return 1;
    return 0;
}

int main(void)
{
    /* one parameter of 9 values, the middle fixed: the ends first, then
     * the values next to them (1 and 7). A plain maximin on the unwarped
     * positions would take the quarter points 2 and 6; with the warp
     * (|u|^3) index 1 lies at 0.289, 0.211 from the middle, and index 2 at
     * 0.4375, 0.0625 from it: 1 and 7 are the farthest. */
    ict_config_t *c = cfg("  a: {from: 0, to: 8, step: 1}\n");
    const ict_space_t *s = c->space;
    uint64_t fixed = 4, out[8];
    size_t n = 0;
    CHECK_EQ(ict__design(s, 2, 7, NULL, NULL, &fixed, 1, out, &n), 0);
    CHECK_EQ(n, 2);
    CHECK(has(out, n, 0) && has(out, n, 8));
    CHECK_EQ(ict__design(s, 4, 7, NULL, NULL, &fixed, 1, out, &n), 0);
    CHECK_EQ(n, 4);
    CHECK(has(out, n, 0) && has(out, n, 8) && has(out, n, 1) && has(out, n, 7));
    CHECK(!has(out, n, 4));
    /* the pool is the whole space here: it runs out at 8 */
    CHECK_EQ(ict__design(s, 8, 7, NULL, NULL, &fixed, 1, out, &n), 0);
    CHECK_EQ(n, 8);
    CHECK(!has(out, n, 4));
    ict_config_free(c);

    /* a larger space: distinct, feasible, never a fixed point, the same
     * for the same seed, another for another seed */
    c = cfg("  a: {from: 0, to: 15, step: 1}\n  b: [1, 2, 4, 8, 16]\n"
            "  c: {from: 1, to: 4, step: 1}\n  f: [0, 1]\n  g: [0, 1]\n");
    s = c->space;
    uint64_t size = ict_space_size(s), fx[2] = {0, size / 2 + 1};
    uint64_t a[24], b[24], d[24];
    size_t na, nb, nd;
    CHECK_EQ(ict__design(s, 24, 3, two_in_three, NULL, fx, 2, a, &na), 0);
    CHECK_EQ(ict__design(s, 24, 3, two_in_three, NULL, fx, 2, b, &nb), 0);
    CHECK_EQ(ict__design(s, 24, 4, two_in_three, NULL, fx, 2, d, &nd), 0);
    CHECK_EQ(na, 24);
    CHECK_EQ(nb, 24);
    CHECK_EQ(nd, 24);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(memcmp(a, d, sizeof a) != 0);
    int32_t idx[5];
    size_t ends = 0;
    for (size_t i = 0; i < na; i++) {
        CHECK(a[i] < size);
        CHECK(two_in_three(NULL, a[i]));
        CHECK(!has(fx, 2, a[i]));
        CHECK(!has(a, i, a[i]));
        ict_space_unflat(s, a[i], idx);
        ends += idx[0] == 0 || idx[0] == 15;
    }
    /* maximin, warped or not, puts most of the design at the ends of the
     * 16 values (a uniform draw would put 2 in 16 there, 3 of the 24); the
     * warp itself is what the 9-value case above checks */
    CHECK(ends >= 12);
    ict_config_free(c);
    TEST_DONE();
}
