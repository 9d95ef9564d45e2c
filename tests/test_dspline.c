/* test_dspline.c - the worked examples of dsice-algorithm.md 1.7. */
#include <errno.h>

#include "ictune/dspline.h"
#include "test.h"

int main(void)
{
    ict_dspline_t *d;

    /* Example 1: bare 4-marker grid, alpha 1, y = (3,1,2,4). */
    CHECK_EQ(ict_dspline_new_grid(&d, 4, 1.0), 0);
    double y1[] = {3, 1, 2, 4};
    CHECK_EQ(ict_dspline_solve(d), -EAGAIN);         /* no data: no fit */
    ict_dspline_add_marker(d, 0, y1[0]);
    CHECK_EQ(ict_dspline_solve(d), -EAGAIN);         /* one marker: no fit */
    for (int i = 1; i < 4; i++)
        ict_dspline_add_marker(d, (size_t)i, y1[i]);
    CHECK_EQ(ict_dspline_solve(d), 0);
    const double *f = ict_dspline_f(d);
    double want1[] = {74.0 / 33, 64.0 / 33, 79.0 / 33, 113.0 / 33};
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(f[i], want1[i], 1e-12);
    CHECK_NEAR(ict_dspline_rss(d), 2.8485, 1e-4);
    ict_dspline_free(d);

    /* The order of addition does not matter. */
    CHECK_EQ(ict_dspline_new_grid(&d, 4, 1.0), 0);
    for (int i = 3; i >= 0; i--)
        ict_dspline_add_marker(d, (size_t)i, y1[i]);
    CHECK_EQ(ict_dspline_solve(d), 0);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(ict_dspline_f(d)[i], want1[i], 1e-12);
    ict_dspline_free(d);

    /* Example 2: n=5, m=2, alpha 0.1, g(x)=(x-2.6)^2 at i = 0,4,1,2. */
    CHECK_EQ(ict_dspline_new(&d, 5, 2, 0.1), 0);
    CHECK_EQ(ict_dspline_markers(d), 17);
    size_t near_want[] = {0,0,0,0,1,1,1,2,2,2,3,3,3,4,4,4,4};
    for (size_t j = 0; j < 17; j++)
        CHECK_EQ(ict_dspline_near(d, j), near_want[j]);
    CHECK_EQ(ict_dspline_marker_of(d, 3), 11);
    int idx[] = {0, 4, 1, 2};
    double y2[] = {6.76, 1.96, 2.56, 0.36};
    for (int k = 0; k < 4; k++)
        ict_dspline_add(d, (size_t)idx[k], y2[k]);
    CHECK_EQ(ict_dspline_solve(d), 0);
    double want2[] = {9.7847, 8.2719, 6.7592, 5.2464, 3.8186, 2.5607, 1.5579,
                      0.8209, 0.3606, 0.1878, 0.2546, 0.5131, 0.9154, 1.4135,
                      1.9595, 2.5056, 3.0516};
    f = ict_dspline_f(d);
    for (int j = 0; j < 17; j++)
        CHECK_NEAR(f[j], want2[j], 1e-4);
    double est[] = {6.7592, 2.5607, 0.3606, 0.5131, 1.9595};
    double curv[] = {0, .2550, .2875, .1438, 0};
    for (size_t i = 0; i < 5; i++) {
        CHECK_NEAR(ict_dspline_est(d, i), est[i], 1e-4);
        CHECK_NEAR(ict_dspline_curv(d, i), curv[i], 1e-4);
    }
    CHECK_EQ(ict_dspline_argmin(d), 2);              /* marker 9 -> sample 2 */
    /* the buffers are exactly linear */
    CHECK_NEAR(f[1] - f[0], f[2] - f[1], 1e-9);
    CHECK_NEAR(f[16] - f[15], f[15] - f[14], 1e-9);
    /* alpha 1 */
    CHECK_EQ(ict_dspline_set_alpha(d, 1.0), 0);
    double est1[] = {6.6819, 2.6215, 0.4240, 0.5288, 1.9126};
    for (size_t i = 0; i < 5; i++)
        CHECK_NEAR(ict_dspline_est(d, i), est1[i], 1e-4);
    /* ABIC picks some alpha in range and leaves a valid fit */
    double a;
    CHECK_EQ(ict_dspline_choose_alpha_abic(d, &a), 0);
    CHECK(a >= 1e-5 && a <= 1e5);
    CHECK(isfinite(ict_dspline_abic(d)));
    ict_dspline_free(d);

    /* alpha 0 is replaced by a tiny positive value: interpolation */
    CHECK_EQ(ict_dspline_new(&d, 3, 2, 0.0), 0);
    ict_dspline_add(d, 0, 1);
    ict_dspline_add(d, 2, 5);
    CHECK_EQ(ict_dspline_solve(d), 0);
    CHECK_NEAR(ict_dspline_est(d, 0), 1, 1e-6);
    CHECK_NEAR(ict_dspline_est(d, 1), 3, 1e-6);
    ict_dspline_free(d);
    TEST_DONE();
}
