/* quadfit.c - least squares of degree 1 or 2 in scaled index space: the
 * normal equations, a ridge of 1e-9 of their mean diagonal, Cholesky. */
#include "quadfit.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int ict__qfit_init(ict__qfit_t *q, const ict_space_t *s, int degree,
                   size_t max_terms)
{
    memset(q, 0, sizeof *q);
    q->D = ict_space_dims(s);
    q->degree = degree;
    q->P = 1 + q->D + (degree == 2 ? q->D * (q->D + 1) / 2 : 0);
    if (q->P > max_terms)
        return -E2BIG;
    q->scale = calloc(q->D + 1, sizeof *q->scale);
    q->coef = calloc(q->P, sizeof *q->coef);
    q->A = calloc(q->P * q->P, sizeof *q->A);
    q->rhs = calloc(q->P, sizeof *q->rhs);
    q->phi = calloc(q->P, sizeof *q->phi);
    if (!q->scale || !q->coef || !q->A || !q->rhs || !q->phi) {
        ict__qfit_fini(q);
        return -ENOMEM;
    }
    for (size_t a = 0; a < q->D; a++) {
        size_t n = ict_space_count(s, a);
        q->scale[a] = n > 1 ? 1.0 / (double)(n - 1) : 0;
    }
    return 0;
}

void ict__qfit_fini(ict__qfit_t *q)
{
    free(q->scale);
    free(q->coef);
    free(q->A);
    free(q->rhs);
    free(q->phi);
    memset(q, 0, sizeof *q);
}

static void terms(const ict__qfit_t *q, const int32_t *p, double *phi)
{
    size_t k = 0;
    phi[k++] = 1;
    for (size_t a = 0; a < q->D; a++)
        phi[k++] = (double)p[a] * q->scale[a] - 0.5;
    if (q->degree == 2)
        for (size_t a = 0; a < q->D; a++)
            for (size_t b = a; b < q->D; b++)
                phi[k++] = phi[1 + a] * phi[1 + b];
}

double ict__qfit_at(ict__qfit_t *q, const int32_t *p)
{
    terms(q, p, q->phi);
    double y = 0;
    for (size_t r = 0; r < q->P; r++)
        y += q->coef[r] * q->phi[r];
    return y;
}

int ict__qfit_fit(ict__qfit_t *q, const int32_t *pts, const double *ys,
                  size_t stride, size_t n, size_t window)
{
    size_t P = q->P;
    q->ok = 0;
    if (!P || n < 2 * P)
        return -1;
    memset(q->A, 0, P * P * sizeof *q->A);
    memset(q->rhs, 0, P * sizeof *q->rhs);
    size_t from = n > window ? n - window : 0, used = 0;
    for (size_t i = from; i < n; i++) {
        double y = ys[i * stride];
        if (!isfinite(y))
            continue;
        used++;
        terms(q, pts + i * q->D, q->phi);
        for (size_t r = 0; r < P; r++) {
            q->rhs[r] += q->phi[r] * y;
            for (size_t c = 0; c <= r; c++)
                q->A[r * P + c] += q->phi[r] * q->phi[c];
        }
    }
    if (used < 2 * P)
        return -1;
    double tr = 0;
    for (size_t r = 0; r < P; r++)
        tr += q->A[r * P + r];
    for (size_t r = 0; r < P; r++)
        q->A[r * P + r] += 1e-9 * tr / (double)P;
    for (size_t j = 0; j < P; j++) {          /* A = G G^T, lower */
        double d = q->A[j * P + j];
        for (size_t k = 0; k < j; k++)
            d -= q->A[j * P + k] * q->A[j * P + k];
        if (!(d > 0))
            return -1;
        d = sqrt(d);
        q->A[j * P + j] = d;
        for (size_t i = j + 1; i < P; i++) {
            double v = q->A[i * P + j];
            for (size_t k = 0; k < j; k++)
                v -= q->A[i * P + k] * q->A[j * P + k];
            q->A[i * P + j] = v / d;
        }
    }
    for (size_t i = 0; i < P; i++) {          /* G z = rhs */
        double v = q->rhs[i];
        for (size_t k = 0; k < i; k++)
            v -= q->A[i * P + k] * q->coef[k];
        q->coef[i] = v / q->A[i * P + i];
    }
    for (size_t i = P; i-- > 0;) {            /* G^T x = z */
        double v = q->coef[i];
        for (size_t k = i + 1; k < P; k++)
            v -= q->A[k * P + i] * q->coef[k];
        q->coef[i] = v / q->A[i * P + i];
    }
    double e2 = 0;
    for (size_t i = from; i < n; i++) {
        double y = ys[i * stride];
        if (!isfinite(y))
            continue;
        double e = ict__qfit_at(q, pts + i * q->D) - y;
        e2 += e * e;
    }
    q->rms = sqrt(e2 / (double)used);
    q->ok = 1;
    return 0;
}
