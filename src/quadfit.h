/* quadfit.h - a least-squares polynomial of degree 1 or 2 over the points
 * of a space, in index space scaled to [0, 1] per axis (internal): the
 * speculation's models (lookahead.c) and the strategies' prior on
 * constrained metrics (dsice.c). */
#ifndef ICT_QUADFIT_H
#define ICT_QUADFIT_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/space.h"

typedef struct ict__qfit {
    size_t D, P;                /* parameters, terms */
    int degree;
    double *scale, *coef, *A, *rhs, *phi;
    double rms;                 /* the residuals' RMS of the last fit */
    int ok;                     /* the last fit succeeded */
} ict__qfit_t;

/* The defaults of both users: a quadratic in at most 10 parameters, fitted
 * on the latest 4,096 points (where the search is, so that the cost does
 * not grow with a long run). */
#define ICT__QFIT_MAX_TERMS 66
#define ICT__QFIT_WINDOW 4096

/* Terms: 1 + D (+ D(D+1)/2 for degree 2). -E2BIG past max_terms. */
int ict__qfit_init(ict__qfit_t *q, const ict_space_t *s, int degree,
                   size_t max_terms);
void ict__qfit_fini(ict__qfit_t *q);
/* Fit the latest `window` of the n points (D indices each) to their values
 * ys[i * stride] (NaN skipped), by the normal equations with a tiny ridge;
 * needs twice as many values as terms. 0 when fitted. */
int ict__qfit_fit(ict__qfit_t *q, const int32_t *pts, const double *ys,
                  size_t stride, size_t n, size_t window);
double ict__qfit_at(ict__qfit_t *q, const int32_t *p);

#endif
