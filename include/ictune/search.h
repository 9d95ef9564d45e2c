/* search.h - the search driver between a strategy and whoever evaluates.
 *
 * The driver asks the strategy for a stage, drops the points known to be
 * infeasible before running (they cost no evaluation), enforces the budget,
 * accepts results in any order, and hands the complete stage to the
 * strategy in the stage's own order. So the sequence of stages depends only
 * on the config and the measured values, never on the number of workers or
 * the order in which results arrive. The config's search.initial points,
 * when it has them, are the first stage (level 0), before the strategy's
 * own; the strategy sees them as results. */
#ifndef ICTUNE_SEARCH_H
#define ICTUNE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/db.h"
#include "ictune/error.h"

/* The statuses of an evaluation, in their stored order (the HDF5 enum
 * and the names follow this one list). */
#define ICT_STATUS_LIST(X)                                                   \
    X(OK)                                                                    \
    X(FAILED)       /* non-zero exit or killed by a signal */               \
    X(TIMEOUT)                                                               \
    X(NO_RESULT)    /* exit 0 but no objective value */                      \
    X(BAD_RESULT)   /* NaN, inf or not a number */                           \
    X(INFEASIBLE)   /* a constraint is broken */                             \
    X(SKIPPED)      /* excluded (known before running): never run */         \
    X(INTERRUPTED)  /* not a measurement: it runs again */

typedef enum ict_status {
#define ICT_STATUS_ENUM(n) ICT_STATUS_##n,
    ICT_STATUS_LIST(ICT_STATUS_ENUM)
#undef ICT_STATUS_ENUM
    ICT_STATUS_COUNT
} ict_status_t;

const char *ict_status_name(int status);

/* A final result known before the search starts (measured elsewhere: see
 * seed.h): the strategy sees it from the start, it is never run and it
 * counts against no budget. */
typedef struct ict_search_seed {
    uint64_t flat;
    int status;                 /* ICT_STATUS_OK or _INFEASIBLE */
    double value;               /* raw objective */
    const double *cons;         /* the constrained metrics, or NULL */
} ict_search_seed_t;

typedef struct ict_search_opts {
    /* Known before running (a table): 0 = infeasible, never evaluated. */
    int (*known_feasible)(void *ud, uint64_t flat);
    void *feasible_ud;
    const ict_search_seed_t *seeds;     /* borrowed for the search's life */
    size_t nseeds;
    /* The strategy's cache (strategy.h, ctx.memo), borrowed: give the same
     * one to searches of the same config (a search and its lookahead);
     * NULL: the search keeps one of its own. */
    ict_db_t *memo;
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
/* The same with the constrained metrics' values (c->n_constraints, in the
 * config's order, NaN when absent; NULL: none), which the strategy may
 * model: a point that broke a constraint is data too. */
int ict_search_report_cons(ict_search_t *s, uint64_t flat, ict_status_t status,
                           double value, const double *cons, ict_error_t *err);
/* The constrained metrics' values of a point with a final result, or
 * NULL. */
const double *ict_search_constraint_values(const ict_search_t *s, uint64_t flat);
int ict_search_stage_complete(const ict_search_t *s);

/* Best valid point so far (raw objective); -ENOENT when there is none. */
int ict_search_best(const ict_search_t *s, uint64_t *flat, double *value);

typedef struct ict_search_stats {
    uint64_t evaluations;       /* points run (any outcome) */
    uint64_t invalid;           /* of those: not OK */
    uint64_t infeasible;        /* of those: broke a constraint */
    uint64_t skipped;           /* excluded: known infeasible before
                                   running (absent from a table), never run */
    uint64_t seeded;            /* known before the start (seeds) */
    long stages;
    int budget_reached;
} ict_search_stats_t;
void ict_search_stats(const ict_search_t *s, ict_search_stats_t *out);

/* The strategy's base point (raw objective); -ENOENT when it has none. */
int ict_search_base(const ict_search_t *s, uint64_t *flat, double *value);

/* The strategy's estimate of a point's raw objective; -ENOENT when it
 * has none. */
int ict_search_predict(const ict_search_t *s, uint64_t flat, double *value);

const ict_db_t *ict_search_db(const ict_search_t *s);
const ict_space_t *ict_search_space(const ict_search_t *s);

#endif
