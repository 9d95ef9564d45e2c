/* run.h - a tuning run: the master's loop over a back-end of workers.
 *
 * The master asks the search for stages, hands points to idle workers one
 * at a time, takes results in any order, retries what failed, appends every
 * attempt to the results file (flushed) before the search sees it, and
 * stops cleanly on a signal. With resume, the finished evaluations of the
 * file answer the regenerated stages and only the rest is run. */
#ifndef ICTUNE_RUN_H
#define ICTUNE_RUN_H

#include <signal.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"

typedef enum ict_run_outcome {
    ICT_RUN_FINISHED = 0,       /* the strategy ended the search */
    ICT_RUN_BUDGET = 1,         /* max_evaluations reached */
    ICT_RUN_STOPPED = 2,        /* a signal or a full disk: resumable */
    ICT_RUN_FAILED = 3,         /* not worth resubmitting */
} ict_run_outcome_t;

typedef struct ict_run_opts {
    int resume;                 /* continue an existing results file */
    int jobs;                   /* local mode: programs at once */
    int mpi;                    /* this is rank 0 of an MPI job with workers */
    double grace;               /* after a signal: seconds before killing */
    double progress;            /* seconds between progress lines */
    double kill_grace;          /* SIGTERM to SIGKILL for a timeout */
    double stop_after;          /* stop as on a signal after this many
                                   seconds (a wall-time limit); 0: never */
    uint64_t max_output;        /* bytes of stdout/stderr kept per stream */
    const struct ict_place *places;   /* local: one per job slot, or NULL */
    volatile sig_atomic_t *signals;   /* incremented by the caller */
    void (*log)(void *ud, const char *line);
    void *log_ud;
} ict_run_opts_t;

typedef struct ict_run_summary {
    ict_run_outcome_t outcome;
    uint64_t evaluations;       /* final results (search's count) */
    uint64_t launches;          /* program starts in this job segment */
    uint64_t invalid;           /* final results that are not OK */
    uint64_t replayed;          /* answered from the file on resume */
    long stages;
    int has_best;
    uint64_t best_flat;
    double best;
    double *best_metrics;       /* c->n_metrics values; owned, free() */
    double elapsed;
    double master_cpu;          /* CPU seconds of the master process */
} ict_run_summary_t;

/* Run (or resume) the tuning of c. Returns 0 when the run ended as
 * summarised (finished, budget or stopped), negative errno on failure. */
int ict_run(const ict_config_t *c, const ict_run_opts_t *o,
            ict_run_summary_t *sum, ict_error_t *err);

/* Run as an MPI worker rank until the master says stop: worker `index` of
 * the `count` on its node, bound to its GPU (gpus share, or none).
 * signals: the caller's counter of job signals (SIGTERM, SIGINT, SIGHUP,
 * SIGUSR1), from handlers installed before MPI_Init. */
int ict_run_worker(int index, int count, int share, int cpu_only,
                   volatile sig_atomic_t *signals, ict_error_t *err);

#endif
