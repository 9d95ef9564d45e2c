/* ippe.h - IPPE: the d-Spline line search on one line of n points.
 *
 * Positions 0..n-1 along a line. The caller records final results with
 * ict_ippe_set() (valid with a value to minimise, or invalid: failed or
 * infeasible, never fitted), then calls ict_ippe_update() once per batch.
 * Phases: TRI (the two ends and the two trisection points), then FIT (the
 * next-point list of dsice-algorithm.md 2.4, the stop rule of 2.5). */
#ifndef ICTUNE_IPPE_H
#define ICTUNE_IPPE_H

#include <stddef.h>

typedef struct ict_ippe_params {
    double alpha;       /* d-Spline smoothing, default 0.1 */
    int markers;        /* interpolated markers between samples, default 2 */
    int max_points;     /* stop after this many final results, default 30 */
    int confirm;        /* stop when the estimated best held this long, 3 */
    int abic;           /* choose alpha by ABIC at every update */
    size_t ncons;       /* constraints: slack values per point, 0 none */
} ict_ippe_params_t;

#define ICT_IPPE_DEFAULTS {0.1, 2, 30, 3, 0, 0}

/* A measured point: feasible with a value; breaking a constraint with a
 * value (fitted, never the best); or without a usable value. */
enum { ICT_IPPE_VALID = 1, ICT_IPPE_INVALID = 2, ICT_IPPE_BROKEN = 3 };

typedef enum ict_ippe_phase {
    ICT_IPPE_TRI = 0,
    ICT_IPPE_FIT = 1,
    ICT_IPPE_DONE = 2
} ict_ippe_phase_t;

typedef struct ict_ippe ict_ippe_t;

int ict_ippe_new(ict_ippe_t **out, size_t n, const ict_ippe_params_t *p);
void ict_ippe_free(ict_ippe_t *l);

/* Record a final result at position i; a second call for i is ignored. */
int ict_ippe_set(ict_ippe_t *l, size_t i, int valid, double y);
/* The same with the point's kind (ICT_IPPE_VALID, _BROKEN, _INVALID) and
 * its ncons constraint slacks (feasible when every slack is >= 0; NULL or
 * NaN: not known). With constraints, the objective of a BROKEN point is
 * fitted too, each slack gets a d-Spline of its own, and the line's next
 * points and its estimated best are taken among the positions predicted
 * feasible; a measured point's own feasibility always overrides the
 * prediction, and the line's best is a measured VALID point. A line with
 * no position left that is predicted feasible is finished. */
int ict_ippe_set_full(ict_ippe_t *l, size_t i, int kind, double y,
                      const double *slack);
/* A prior for constraint k's slack at an unmeasured position i (from a
 * model of the whole space): it decides the position's predicted
 * feasibility until the line's own d-Spline of that slack is fitted. A
 * tri point whose prior says infeasible is not measured. */
int ict_ippe_set_prior(ict_ippe_t *l, size_t i, size_t k, double slack);
int ict_ippe_is_set(const ict_ippe_t *l, size_t i);

/* Take the results set since the last update: 1 when the line is finished,
 * 0 when not, or a negative errno. */
int ict_ippe_update(ict_ippe_t *l);

/* The ordered suggestion list (unmeasured positions only); returns its
 * length, writing at most max of it. */
size_t ict_ippe_suggest(ict_ippe_t *l, size_t *out, size_t max);
/* Every unmeasured position in recursive-trisection order. */
size_t ict_ippe_unmeasured(const ict_ippe_t *l, size_t *out, size_t max);

ict_ippe_phase_t ict_ippe_phase(const ict_ippe_t *l);
/* Tri points still unmeasured (they lead the suggestion list then). */
size_t ict_ippe_tri_left(const ict_ippe_t *l);
size_t ict_ippe_final(const ict_ippe_t *l);          /* results recorded */
/* Best valid position (first on ties); -ENOENT when none is valid. */
int ict_ippe_best(const ict_ippe_t *l, size_t *pos, double *y);
/* The d-Spline's current estimated best position; -EAGAIN before a fit. */
int ict_ippe_estimated_best(const ict_ippe_t *l, size_t *pos);
/* The d-Spline's estimate at position i; -EAGAIN before a fit. */
int ict_ippe_estimate(const ict_ippe_t *l, size_t i, double *y);

/* Recursive-trisection order of 0..n-1: ends, 1/3, 2/3, then sub-segments
 * breadth-first; out has room for n. Returns n. */
size_t ict_tri_order(size_t n, size_t *out);

#endif
