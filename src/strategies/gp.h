/* gp.h - a Gaussian-process model of the objective over the value indices
 * (internal), for dsice's guided beginning: which unmeasured point is
 * expected to improve most on the best result (expected improvement).
 *
 * The kernel is mostly (0.7) the share of the parameters two points have
 * in common (the parameters as categories: a value that is good tends to
 * be good wherever the others are) and the rest a squared exponential of
 * their distance in value indices scaled to [0, 1] (neighbouring values
 * behave alike), over the parameters with more than one value. The model is fitted on log(y) when
 * the results are all of one sign (as model.h), standardised; a point
 * that broke a constraint counts with its objective (the caller keeps the
 * choice where the constraints are expected to hold), a point without a
 * value (failed) as the worst one, so the model learns to avoid where
 * they lie. The best to improve on is the best valid result. */
#ifndef ICT_STRATEGIES_GP_H
#define ICT_STRATEGIES_GP_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/db.h"
#include "ictune/space.h"

/* The most points a fit takes: beyond it, the best valid ones. */
#define ICT__GP_MAX_POINTS 320
/* The most parameters with more than one value it models. */
#define ICT__GP_MAX_AXES 64

typedef struct ict__gp {
    size_t D, V;                /* dimensions, of them with > 1 value */
    size_t *live;               /* the V axes with more than one value */
    double *inv;                /* 1 / (values - 1) per live axis */
    size_t n;                   /* points fitted; 0: no model */
    size_t nl, ld;              /* ... and pending ones: rows of L; room */
    double noise;
    int32_t *xi;                /* their indices, V each */
    double *L;                  /* Cholesky factor of the kernel matrix */
    double *alpha;              /* K^-1 t */
    double *v;                  /* scratch, n */
    int32_t *idx;               /* scratch, D */
    double m, sd;               /* t = (transform(y) - m) / sd */
    int sign;                   /* 1: log y, -1: -log(-y), 0: y */
    double best;                /* the best valid t */
} ict__gp_t;

int ict__gp_init(ict__gp_t *g, const ict_space_t *s);
void ict__gp_fini(ict__gp_t *g);
/* Fit on db's entries (taken in flat order, so the model does not depend
 * on the order results came in), with room for extra pending points.
 * Needs 2 valid results; n = 0 before. */
int ict__gp_fit(ict__gp_t *g, const ict_space_t *s, const ict_db_t *db,
                size_t extra);
/* A point chosen but not measured yet (a stage of several points): it is
 * believed to come out at the model's mean there, so the mean stays and
 * the uncertainty near it shrinks; the next choice goes elsewhere.
 * -ENOSPC beyond the room fit made, or without a model. */
int ict__gp_pending(ict__gp_t *g, const int32_t *idx);
/* The expected improvement at a point (indices of all D axes); the
 * model's mean there, on the results' scale, into *mean when not NULL. */
double ict__gp_ei(ict__gp_t *g, const int32_t *idx, double *mean);
/* A candidate's expected improvement kept up to date as points become
 * pending: c (zeroed for a new fit) and v (ld entries, the caller's)
 * hold what was computed for it, so each pending point costs one row
 * (ict__gp_ei is the same from scratch, in g's own scratch). */
typedef struct ict__gp_cand {
    double mu, var;             /* standardised mean, variance so far */
    size_t nv;                  /* rows of v done */
} ict__gp_cand_t;
double ict__gp_cand_ei(const ict__gp_t *g, const int32_t *idx, double *v,
                       ict__gp_cand_t *c, double *mean);
/* Four candidates at once, bit for bit the four ict__gp_cand_ei calls
 * (each candidate's sums taken in the same order), about three times
 * faster when their states hold the same rows; mean not NULL. */
void ict__gp_cand_ei4(const ict__gp_t *g, const int32_t *const idx[4],
                      double *const v[4], ict__gp_cand_t *const c[4],
                      double ei[4], double mean[4]);
/* The model's mean at a point, on the results' scale (no scratch: for
 * predictions while the strategy is read-only). */
double ict__gp_mean(const ict__gp_t *g, const int32_t *idx);

#endif
