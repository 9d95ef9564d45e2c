/* remeasure.h - the best points of a results file, measured again.
 *
 * A search measures each point once, so with noisy timings its best is
 * partly luck. ict_remeasure() runs the top K distinct valid points of a
 * results file again, one at a time (nothing else runs meanwhile, so the
 * runs do not disturb each other), each `repeat` times (the aggregate of
 * the config, median by default), in run folders <workdir>/remeasure-<id>,
 * and appends each outcome to the file's /remeasured dataset (flushed).
 * The search never reads /remeasured; nothing of /evaluations changes. */
#ifndef ICTUNE_REMEASURE_H
#define ICTUNE_REMEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"

typedef struct ict_remeasured {
    uint64_t flat;
    int64_t id;                 /* the evaluation re-measured */
    double before;              /* its objective then */
    ict_status_t status;        /* now */
    double after;               /* the aggregate now (NaN when not OK) */
    double spread;              /* largest - smallest sample now */
    int samples;
    char reason[160];
} ict_remeasured_t;

/* Re-measure the top `top` points of path, `repeat` runs each (0: the
 * config's repeat when it has one, else 5). *out (top entries at most, in the order of
 * their first measurement's rank) and *config (the file's config) are the
 * caller's to free (free, ict_config_free). stop, when set and non-zero,
 * ends it early (what is done is kept). */
int ict_remeasure(const char *path, size_t top, int repeat,
                  volatile int *stop, ict_remeasured_t **out, size_t *n,
                  ict_config_t **config, ict_error_t *err);

#endif
