/* seed.h - measurements taken from elsewhere: the finished evaluations of
 * another results file, the rows of a measurement table (CSV, as simulate
 * reads), or the entries of a Kernel Tuner cache file (.json, .json.gz).
 *
 * A measurement is taken when its point still exists in the config's space
 * (every parameter matched by name, its value by value), the config's
 * restrictions allow it, and it has the objective; its status is judged
 * again under the config's constraints. Nothing here writes. */
#ifndef ICTUNE_SEED_H
#define ICTUNE_SEED_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"

typedef struct ict_seed {
    uint64_t flat;
    ict_status_t status;        /* OK or INFEASIBLE under the config */
    double objective;
    double *metrics;            /* the config's n_metrics (NaN: absent) */
    long long origin;           /* the old file's evaluation id, the
                                   table's row (1-based, after the header)
                                   or the cache's entry (1-based) */
} ict_seed_t;

typedef struct ict_seeds {
    ict_seed_t *v;
    size_t n;
    double *block;              /* every seed's metrics */
    /* what was not taken, and why */
    size_t rows;                /* looked at */
    size_t outside;             /* a value the space no longer has */
    size_t excluded;            /* the config's restrictions exclude it */
    size_t unfinished;          /* no final measurement (failed, ...) */
    size_t lacking;             /* no value for the objective or a
                                   constrained metric */
    size_t twice;               /* a point already taken */
} ict_seeds_t;

/* Load path (a .csv table, a .json or .json.gz Kernel Tuner cache, else a
 * results file) against c. */
int ict_seeds_load(const char *path, const ict_config_t *c, ict_seeds_t **out,
                   ict_error_t *err);
void ict_seeds_free(ict_seeds_t *s);

#endif
