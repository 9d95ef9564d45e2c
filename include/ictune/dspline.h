/* dspline.h - d-Spline: a discrete smoothing spline on a uniform grid.
 *
 * Pure math, no I/O. A line of n samples sits on M = n + 4 + m(n-1) markers
 * (2 buffer markers per end, m interpolated markers between samples). The
 * fit minimises sum (f[p_k]-y_k)^2 + alpha^2 sum (f[j]-2f[j+1]+f[j+2])^2,
 * solved by an incremental banded Givens QR: adding a point costs O(M-p),
 * solving O(M). See docs: dsice-algorithm.md section 1. */
#ifndef ICTUNE_DSPLINE_H
#define ICTUNE_DSPLINE_H

#include <stddef.h>

typedef struct ict_dspline ict_dspline_t;

/* A bare grid of M markers (no sample mapping): for tests and tools. */
int ict_dspline_new_grid(ict_dspline_t **out, size_t markers, double alpha);
/* A line of n samples with m interpolated markers between neighbours. */
int ict_dspline_new(ict_dspline_t **out, size_t n, int m, double alpha);
void ict_dspline_free(ict_dspline_t *d);

size_t ict_dspline_markers(const ict_dspline_t *d);
size_t ict_dspline_marker_of(const ict_dspline_t *d, size_t sample);
size_t ict_dspline_near(const ict_dspline_t *d, size_t marker);

/* Add a measurement at a marker / at a sample. -ENOMEM only. */
int ict_dspline_add_marker(ict_dspline_t *d, size_t marker, double y);
int ict_dspline_add(ict_dspline_t *d, size_t sample, double y);

/* Solve; -EAGAIN while fewer than 2 distinct markers are measured. */
int ict_dspline_solve(ict_dspline_t *d);
const double *ict_dspline_f(const ict_dspline_t *d);   /* after solve */
double ict_dspline_rss(const ict_dspline_t *d);        /* augmented RSS */
double ict_dspline_est(const ict_dspline_t *d, size_t sample);
double ict_dspline_curv(const ict_dspline_t *d, size_t sample);
/* Sample nearest to the first marker with the least f. */
size_t ict_dspline_argmin(const ict_dspline_t *d);

/* Re-fit the same data with another alpha. */
int ict_dspline_set_alpha(ict_dspline_t *d, double alpha);
/* ABIC of the current fit (uniform grid), and the alpha minimising it over
 * log10 alpha in [-5, 5] by golden-section search; the fit is left at it. */
double ict_dspline_abic(const ict_dspline_t *d);
int ict_dspline_choose_alpha_abic(ict_dspline_t *d, double *alpha);

#endif
