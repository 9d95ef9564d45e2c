/* simulate.h - run a strategy against a table of measured values.
 *
 * No processes, no MPI: every evaluation is a table lookup. With workers
 * and durations it also plays the master's schedule on a clock: each stage
 * is handed out point by point to the first idle worker, and the next stage
 * starts when the last result of this one is in. */
#ifndef ICTUNE_SIMULATE_H
#define ICTUNE_SIMULATE_H

#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"
#include "ictune/table.h"

typedef struct ict_sim_opts {
    const char *metric;         /* objective column; NULL: the config's */
    const char *duration;       /* duration column, or NULL */
    double duration_fixed;      /* seconds per evaluation when > 0 */
    long workers;               /* 0: no clock */
    int shuffle;                /* deliver each stage's results shuffled */
    uint64_t shuffle_seed;
} ict_sim_opts_t;

typedef struct ict_sim_eval {
    uint64_t order;             /* evaluation id, 0-based */
    long stage;
    int level;
    uint64_t flat;
    double value;               /* raw metric; NaN when failed */
    ict_status_t status;
    double start, end;          /* on the simulated clock (0 without) */
    long worker;
    int speculative;            /* run ahead; stage 0 if never taken */
} ict_sim_eval_t;

/* Called for every evaluation, in evaluation order, stage by stage (a
 * speculative one the search took in its place there; those it never took
 * last, with stage 0). */
typedef int (*ict_sim_eval_f)(void *ud, const ict_sim_eval_t *ev);

typedef struct ict_sim_result {
    ict_search_stats_t stats;
    int has_best;
    uint64_t best_flat;
    double best;
    int has_table_best;
    uint64_t table_best_flat;
    double table_best;
    double makespan;            /* seconds; 0 without a clock */
    double busy;                /* total work, worker-seconds */
    double busy_fraction;       /* busy / (workers * makespan) */
    double stage_bound;         /* sum over stages of the longest run */
    /* the best measured, whichever row (a speculative one may be it) */
    int best_speculative;
    double time_to_best;        /* when the first row with the best ended */
    uint64_t spec_started, spec_taken;
    double spec_seconds, spec_taken_seconds;
} ict_sim_result_t;

int ict_simulate(const ict_config_t *c, const ict_table_t *t,
                 const ict_sim_opts_t *o, ict_sim_eval_f cb, void *ud,
                 ict_sim_result_t *res, ict_error_t *err);

#endif
