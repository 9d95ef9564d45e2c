/* dspline.c - d-Spline fit by incremental banded Givens QR.
 *
 * R is upper triangular with bandwidth 3 (R[j][0..2] at columns j..j+2),
 * initialised with the M-2 second-difference rows (alpha, -2alpha, alpha).
 * Each data row e_p is rotated into R down the diagonal; its final residual
 * accumulates into rss. A zero pivot with a zero incoming entry just shifts
 * the window (no division): the reference library's exact "== 0" branch is
 * replaced by a test that cannot divide by zero. */
#include "ictune/dspline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct point { size_t marker; double y; } point_t;

struct ict_dspline {
    size_t M, n;
    int m;
    int bare;                   /* a grid without sample mapping */
    double alpha;
    double (*R)[3];
    double *b, *f;
    double rss;
    point_t *pts;
    size_t npts, cap;
    unsigned char *seen;
    size_t distinct;
    int solved;
};

static void init_rows(ict_dspline_t *d)
{
    double a = d->alpha > 0 ? d->alpha : 1e-10;   /* alpha 0 means "tiny" */
    memset(d->R, 0, d->M * sizeof *d->R);
    memset(d->b, 0, d->M * sizeof *d->b);
    for (size_t j = 0; j + 2 < d->M; j++) {
        d->R[j][0] = a;
        d->R[j][1] = -2 * a;
        d->R[j][2] = a;
    }
    d->rss = 0;
    d->solved = 0;
}

int ict_dspline_new_grid(ict_dspline_t **out, size_t markers, double alpha)
{
    if (markers < 2)
        return -EINVAL;
    ict_dspline_t *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->M = markers;
    d->n = markers;
    d->m = 0;
    d->bare = 1;
    d->alpha = alpha;
    d->R = calloc(markers, sizeof *d->R);
    d->b = calloc(markers, sizeof *d->b);
    d->f = calloc(markers, sizeof *d->f);
    d->seen = calloc(markers, 1);
    if (!d->R || !d->b || !d->f || !d->seen) {
        ict_dspline_free(d);
        return -ENOMEM;
    }
    init_rows(d);
    *out = d;
    return 0;
}

int ict_dspline_new(ict_dspline_t **out, size_t n, int m, double alpha)
{
    if (n < 1 || m < 0)
        return -EINVAL;
    size_t M = n + 4 + (size_t)m * (n - 1);
    int rc = ict_dspline_new_grid(out, M, alpha);
    if (rc)
        return rc;
    (*out)->n = n;
    (*out)->m = m;
    (*out)->bare = 0;
    return 0;
}

void ict_dspline_free(ict_dspline_t *d)
{
    if (!d)
        return;
    free(d->R);
    free(d->b);
    free(d->f);
    free(d->pts);
    free(d->seen);
    free(d);
}

size_t ict_dspline_markers(const ict_dspline_t *d) { return d->M; }

size_t ict_dspline_marker_of(const ict_dspline_t *d, size_t i)
{
    if (d->bare)
        return i;
    return 2 + i * (size_t)(d->m + 1);
}

size_t ict_dspline_near(const ict_dspline_t *d, size_t j)
{
    if (d->bare)
        return j;
    if (j <= 2)
        return 0;
    size_t last = 2 + (d->n - 1) * (size_t)(d->m + 1);
    if (j >= last)
        return d->n - 1;
    size_t step = (size_t)d->m + 1;
    size_t i = (j - 2) / step, k = (j - 2) % step;   /* k-th marker after i */
    if (k == 0)
        return i;
    return k <= (size_t)d->m / 2 ? i : i + 1;
}

static void rotate_in(ict_dspline_t *d, size_t p, double y)
{
    double u0 = 1, u1 = 0, v = y;
    for (size_t j = p; j < d->M; j++) {
        if (u0 == 0 && u1 == 0)
            break;                                   /* row eliminated */
        double *r = d->R[j];
        double h = hypot(r[0], u0);
        double c, s;
        if (h == 0) {
            c = 1;
            s = 0;
        } else {
            c = r[0] / h;
            s = u0 / h;
        }
        double r1 = r[1], r2 = r[2];
        r[0] = c * r[0] + s * u0;
        r[1] = c * r1 + s * u1;
        r[2] = c * r2;
        double nu0 = -s * r1 + c * u1, nu1 = -s * r2;
        double bj = d->b[j];
        d->b[j] = c * bj + s * v;
        v = -s * bj + c * v;
        u0 = nu0;
        u1 = nu1;
    }
    d->rss += v * v;
}

int ict_dspline_add_marker(ict_dspline_t *d, size_t marker, double y)
{
    if (marker >= d->M)
        return -EINVAL;
    if (d->npts == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        point_t *np = realloc(d->pts, cap * sizeof *np);
        if (!np)
            return -ENOMEM;
        d->pts = np;
        d->cap = cap;
    }
    d->pts[d->npts++] = (point_t){marker, y};
    if (!d->seen[marker]) {
        d->seen[marker] = 1;
        d->distinct++;
    }
    rotate_in(d, marker, y);
    d->solved = 0;
    return 0;
}

int ict_dspline_add(ict_dspline_t *d, size_t sample, double y)
{
    if (sample >= d->n)
        return -EINVAL;
    return ict_dspline_add_marker(d, ict_dspline_marker_of(d, sample), y);
}

int ict_dspline_solve(ict_dspline_t *d)
{
    if (d->distinct < 2)
        return -EAGAIN;
    for (size_t i = d->M; i-- > 0;) {
        double s = d->b[i];
        if (i + 1 < d->M)
            s -= d->R[i][1] * d->f[i + 1];
        if (i + 2 < d->M)
            s -= d->R[i][2] * d->f[i + 2];
        if (fabs(d->R[i][0]) < 1e-300)
            return -EAGAIN;
        d->f[i] = s / d->R[i][0];
    }
    d->solved = 1;
    return 0;
}

const double *ict_dspline_f(const ict_dspline_t *d) { return d->f; }
double ict_dspline_rss(const ict_dspline_t *d) { return d->rss; }

double ict_dspline_est(const ict_dspline_t *d, size_t i)
{
    return d->f[ict_dspline_marker_of(d, i)];
}

double ict_dspline_curv(const ict_dspline_t *d, size_t i)
{
    size_t j = ict_dspline_marker_of(d, i);
    if (j == 0 || j + 1 >= d->M)
        return 0;
    return fabs(d->f[j - 1] - 2 * d->f[j] + d->f[j + 1]);
}

size_t ict_dspline_argmin(const ict_dspline_t *d)
{
    size_t jmin = 0;
    for (size_t j = 1; j < d->M; j++)
        if (d->f[j] < d->f[jmin])
            jmin = j;
    return ict_dspline_near(d, jmin);
}

int ict_dspline_set_alpha(ict_dspline_t *d, double alpha)
{
    d->alpha = alpha;
    init_rows(d);
    for (size_t k = 0; k < d->npts; k++)
        rotate_in(d, d->pts[k].marker, d->pts[k].y);
    return ict_dspline_solve(d);
}

double ict_dspline_abic(const ict_dspline_t *d)
{
    double a = d->alpha > 0 ? d->alpha : 1e-10, s = 0;
    for (size_t i = 0; i < d->M; i++)
        s += log(fabs(d->R[i][0]) + 1e-300);
    double rss = d->rss > 1e-300 ? d->rss : 1e-300;
    return 2 * s - 2.0 * (double)(d->M - 2) * log(a) +
           ((double)d->npts - 2) * log(rss);
}

static double abic_at(ict_dspline_t *d, double la)
{
    ict_dspline_set_alpha(d, pow(10, la));
    return ict_dspline_abic(d);
}

int ict_dspline_choose_alpha_abic(ict_dspline_t *d, double *alpha)
{
    if (d->distinct < 2)
        return -EAGAIN;
    const double g = (sqrt(5.0) - 1) / 2;
    double lo = -5, hi = 5;
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = abic_at(d, x1), f2 = abic_at(d, x2);
    for (int it = 0; it < 200 && (hi - lo) > 1e-4 * fmax(1.0, fabs(x1)); it++) {
        if (f1 <= f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = abic_at(d, x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = abic_at(d, x2);
        }
    }
    double best = f1 <= f2 ? x1 : x2;
    *alpha = pow(10, best);
    return ict_dspline_set_alpha(d, *alpha);
}
