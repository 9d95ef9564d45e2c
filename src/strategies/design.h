/* design.h - a seeded space-filling set of points (internal): the first
 * stage of dsice's default start. */
#ifndef ICT_STRATEGIES_DESIGN_H
#define ICT_STRATEGIES_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/space.h"

/* The default size of a design: 2 points a parameter with more than one
 * value and 2 more, at least 10 and at most 24, never more than half the
 * space. */
size_t ict__design_size(const ict_space_t *s);

/* The point at flat as positions scaled to [0, 1] per parameter (0 for a
 * parameter with one value): the distance of dsice's restarts, and the
 * design's before its warp (design.c). idx: D scratch entries. */
void ict__scaled(const ict_space_t *s, uint64_t flat, int32_t *idx, double *out);

/* n more points, distinct, feasible (feasible may be NULL), other than
 * the nfixed given ones, spread by greedy maximin over a seeded pool of
 * random candidates: each next point is the candidate farthest (squared
 * distance in value indices scaled to [0, 1] per parameter, then warped
 * so that the two ends and the middle of each parameter stand apart from
 * the values between) from every point chosen or fixed; ties go to the
 * earlier candidate. *nout may be less than n when the pool is smaller. */
int ict__design(const ict_space_t *s, size_t n, uint64_t seed,
                int (*feasible)(void *, uint64_t), void *ud,
                const uint64_t *fixed, size_t nfixed, uint64_t *out,
                size_t *nout);

#endif
