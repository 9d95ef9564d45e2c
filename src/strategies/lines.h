/* lines.h - lines through a base point and the neighbourhood N_k (internal).
 *
 * Shared by the DSICE strategies: neighbour enumeration in the order of
 * dsice-algorithm.md 3.2, normalised directions (first non-zero positive)
 * with a compact base-3 code, and a line = the whole chord through the base
 * along a direction, searched with IPPE. */
#ifndef ICT_STRATEGIES_LINES_H
#define ICT_STRATEGIES_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/db.h"
#include "ictune/ippe.h"
#include "ictune/space.h"
#include "ictune/strategy.h"

#define ICT__MAX_VAR_AXES 40    /* base-3 direction codes fit in 64 bits */

typedef struct ict__line {
    int8_t *dir;                /* D entries, normalised */
    uint64_t code;
    int nnz;
    size_t n, base_pos;
    uint64_t *flat;             /* the n points in order of t */
    ict_ippe_t *ippe;
    int finished;
} ict__line_t;

void ict__dir_normalise(int8_t *d, size_t D);
uint64_t ict__dir_code(const int8_t *d, size_t D);

/* The line through base along dir: -ENODATA when base is its only point. */
int ict__line_build(ict__line_t *L, const ict_space_t *s, const int32_t *base,
                    const int8_t *dir, const ict_ippe_params_t *p);
void ict__line_fini(ict__line_t *L);
/* Record every final result of ctx->db on the line (with the constraints'
 * slacks when the config has constraints), then run the IPPE update. */
int ict__line_sync(ict__line_t *L, const ict_strategy_ctx_t *ctx);
/* Best valid point on the line: its position; -ENOENT when none. */
int ict__line_best(const ict__line_t *L, size_t *pos, double *y);

/* Neighbours b+delta (1 <= nnz(delta) <= kmax, inside the box) in the
 * order of 3.2. deltas gets count*D entries. */
int ict__neighbours(const ict_space_t *s, const int32_t *base, int kmax,
                    int8_t **deltas, size_t *count);

/* Number of parameters with more than one value. */
int ict__var_axes(const ict_space_t *s);

/* splitmix64's output function: a 64-bit hash (for seeds and keys). */
uint64_t ict__mix64(uint64_t x);

/* Deterministic RNG (xoshiro256**, seeded with splitmix64). */
typedef struct ict__rng { uint64_t s[4]; } ict__rng_t;
void ict__rng_seed(ict__rng_t *r, uint64_t seed);
uint64_t ict__rng_next(ict__rng_t *r);
uint64_t ict__rng_below(ict__rng_t *r, uint64_t n);   /* uniform in [0,n) */

/* The start point: the centre, or a seeded random point; when the centre is
 * known infeasible, the nearest feasible point by index distance (ties: the
 * lowest flat index). */
int ict__start_point(const ict_space_t *s, int random, uint64_t seed,
                     int (*feasible)(void *, uint64_t), void *ud,
                     int32_t *out);
/* A point drawn uniformly from r among those that feasible (may be NULL)
 * accepts and exclude (may be NULL) does not hold; -ENOENT when 100,000
 * draws found none. */
int ict__random_point(const ict_space_t *s, ict__rng_t *r,
                      int (*feasible)(void *, uint64_t), void *ud,
                      const ict_db_t *exclude, uint64_t *out);

#endif
