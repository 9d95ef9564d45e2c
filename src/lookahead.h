/* lookahead.h - which points the search will probably ask for next
 * (internal; the master's speculation, lookahead.c). */
#ifndef ICT_LOOKAHEAD_H
#define ICT_LOOKAHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"

typedef struct ict__look ict__look_t;

int ict__look_new(ict__look_t **out, const ict_config_t *c,
                  const ict_search_opts_t *so, ict_error_t *err);
void ict__look_free(ict__look_t *L);

/* A final result (raw objective; NaN when not valid) and its constrained
 * metrics (NULL: none), wherever it came from: the search's, a speculative
 * one, or the file's on resume. */
int ict__look_known(ict__look_t *L, uint64_t flat, ict_status_t status,
                    double value, const double *cons);

/* Up to want points, most likely first, that the search will ask for if
 * the results not known yet come out as predicted, skipping those busy()
 * says are running or queued. A shadow search replays the run from the
 * start on the known results and, for the others, the strategy's own
 * estimate (else a quadratic fit of the known results, else an
 * inverse-distance average), through at most max_ahead stages that hold a
 * point with no result that is not running. The fitted quadratic's best
 * point, when it has no result, comes first. */
int ict__look_plan(ict__look_t *L, int (*busy)(void *ud, uint64_t flat),
                   void *ud, size_t want, long max_ahead, uint64_t *out,
                   size_t *nout, ict_error_t *err);

#endif
