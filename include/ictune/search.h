/* search.h - the search driver between a strategy and whoever evaluates.
 *
 * The driver asks the strategy for a stage, drops the points known to be
 * infeasible before running (they cost no evaluation), enforces the budget,
 * accepts results in any order, and hands the complete stage to the
 * strategy in the stage's own order. So the sequence of stages depends only
 * on the config and the measured values, never on the number of workers or
 * the order in which results arrive. */
#ifndef ICTUNE_SEARCH_H
#define ICTUNE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/db.h"
#include "ictune/error.h"

typedef enum ict_status {
    ICT_STATUS_OK = 0,
    ICT_STATUS_FAILED = 1,      /* non-zero exit or killed by a signal */
    ICT_STATUS_TIMEOUT = 2,
    ICT_STATUS_NO_RESULT = 3,   /* exit 0 but no objective value */
    ICT_STATUS_BAD_RESULT = 4,  /* NaN, inf or not a number */
    ICT_STATUS_INFEASIBLE = 5,  /* a constraint is broken */
    ICT_STATUS_SKIPPED = 6,     /* known infeasible: never run */
    ICT_STATUS_INTERRUPTED = 7, /* stopped by a signal to ictune: run again */
    ICT_STATUS_COUNT
} ict_status_t;

const char *ict_status_name(int status);

typedef struct ict_search_opts {
    /* Known before running (a table): 0 = infeasible, never evaluated. */
    int (*known_feasible)(void *ud, uint64_t flat);
    void *feasible_ud;
} ict_search_opts_t;

typedef struct ict_search ict_search_t;

int ict_search_new(ict_search_t **out, const ict_config_t *c,
                   const ict_search_opts_t *opts, ict_error_t *err);
void ict_search_free(ict_search_t *s);

/* Prepare the next stage: 0 when one is ready, 1 when the search is over
 * (strategy finished or budget spent), negative errno on error. Call it
 * again only once every point of the current stage is reported. */
int ict_search_next(ict_search_t *s, ict_error_t *err);

size_t ict_search_stage_size(const ict_search_t *s);
uint64_t ict_search_stage_point(const ict_search_t *s, size_t i);
/* The evaluation id of the stage's point i (0-based, run-wide). */
uint64_t ict_search_stage_id(const ict_search_t *s, size_t i);
int ict_search_stage_level(const ict_search_t *s);
long ict_search_stage_no(const ict_search_t *s);   /* 1-based */

/* A final result for a point of the current stage, in any order. value is
 * the raw objective; only ICT_STATUS_OK with a finite value is valid. */
int ict_search_report(ict_search_t *s, uint64_t flat, ict_status_t status,
                      double value, ict_error_t *err);
int ict_search_stage_complete(const ict_search_t *s);

/* Best valid point so far (raw objective); -ENOENT when there is none. */
int ict_search_best(const ict_search_t *s, uint64_t *flat, double *value);

typedef struct ict_search_stats {
    uint64_t evaluations;       /* points run (any outcome) */
    uint64_t invalid;           /* of those: not OK */
    uint64_t skipped;           /* known infeasible, never run */
    long stages;
    int budget_reached;
} ict_search_stats_t;
void ict_search_stats(const ict_search_t *s, ict_search_stats_t *out);

/* The strategy's base point (raw objective); -ENOENT when it has none. */
int ict_search_base(const ict_search_t *s, uint64_t *flat, double *value);

const ict_db_t *ict_search_db(const ict_search_t *s);
const ict_space_t *ict_search_space(const ict_search_t *s);

#endif
