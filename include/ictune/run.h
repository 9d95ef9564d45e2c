/* run.h - a tuning run: the master's loop over a back-end of workers.
 *
 * The master asks the search for stages, hands points to idle workers one
 * at a time, takes results in any order, retries what failed, appends every
 * attempt to the results file (flushed) before the search sees it, and
 * stops cleanly on a signal. With resume, the finished evaluations of the
 * file answer the regenerated stages and only the rest is run.
 *
 * Speculation (on by default for the strategies that offer it, strategy.h):
 * a worker that would wait for the stage to end runs a point the search
 * will probably ask for next (lookahead.h). Its row says speculative 1 and
 * stage 0 until the search asks for that point; then the row's stage and
 * level are set and its result answers the search as a resumed row does.
 * The search's stages are the same with or without it, for any number of
 * workers. When the search ends, running speculative evaluations are
 * stopped (INTERRUPTED, speculative). */
#ifndef ICTUNE_RUN_H
#define ICTUNE_RUN_H

#include <signal.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"

struct ict_record;
struct ict_search;
struct ict_search_opts;

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
    int no_stage_lines;         /* no line at the end of each stage */
    double kill_grace;          /* SIGTERM to SIGKILL for a timeout */
    double stop_after;          /* stop as on a signal after this many
                                   seconds (a wall-time limit); 0: never */
    uint64_t max_output;        /* bytes of stdout/stderr kept per stream */
    const struct ict_place *places;   /* local: one per job slot, or NULL */
    volatile sig_atomic_t *signals;   /* incremented by the caller */
    void (*log)(void *ud, const char *line);
    void *log_ud;
    /* Where evaluations run: NULL for "mpi" (with mpi) or "local"; a
     * virtual backend ("table", simulate.h) keeps no file and starts no
     * process. backend_arg is that backend's own (its table). */
    const char *backend;
    const void *backend_arg;
    /* A new file starts with the finished measurements of this results
     * file or table that fit the config (seed.h), or NULL. */
    const char *seed_from;
    /* Given to the search (known infeasible points), or NULL. */
    const struct ict_search_opts *search_opts;
    /* Every attempt recorded, as it is (after the file's flush), or NULL. */
    int (*on_record)(void *ud, const struct ict_record *r);
    /* A speculative row (id) the search took, in stage and level, as its
     * evaluation `order` (the search's own count), or NULL. */
    int (*on_take)(void *ud, int64_t id, long stage, int level,
                   uint64_t order);
    void *record_ud;
} ict_run_opts_t;

typedef struct ict_run_summary {
    ict_run_outcome_t outcome;
    uint64_t evaluations;       /* final results (search's count) */
    uint64_t launches;          /* program starts in this job segment */
    uint64_t invalid;           /* final results that are not OK */
    uint64_t infeasible;        /* of those: broke a constraint */
    uint64_t replayed;          /* answered from the file on resume */
    uint64_t seeded;            /* taken from elsewhere, never run here */
    /* the file's final results (every segment), of them failed and broken;
     * a stopped run's search may not have counted its last stage yet */
    uint64_t recorded, recorded_failed, recorded_broken;
    uint64_t interrupted;       /* running when the run ended */
    long stages;
    int has_best;
    uint64_t best_flat;
    double best;
    double *best_metrics;       /* c->n_metrics values; owned, free() */
    int best_speculative;       /* the best is a speculative row's */
    double elapsed;
    double master_cpu;          /* CPU seconds of the master process */
    /* speculation, in this job segment: evaluations started, of those
     * taken by the search, and the seconds each group ran */
    uint64_t spec_started, spec_taken;
    double spec_seconds, spec_taken_seconds;
} ict_run_summary_t;

/* A run in three steps, so a driver (or a test with a fake backend) can
 * take it one turn at a time. open validates everything (config, strategy,
 * workers) before it touches a file, then creates or resumes the results
 * file and runs the prepare step; step does one turn of the loop (start a
 * stage, hand out points, take one result): 0 go on, 1 the run ended as
 * sum says, negative errno on failure; close stops what still runs,
 * writes the summary and the /jobs row and frees the run, returning 0 or
 * the failure. o and sum must outlive the run. */
typedef struct ict_run ict_run_t;
int ict_run_open(ict_run_t **run, const ict_config_t *c, const ict_run_opts_t *o,
                 ict_run_summary_t *sum, ict_error_t *err);
int ict_run_step(ict_run_t *run, ict_error_t *err);
int ict_run_close(ict_run_t *run, int rc);
/* The run's search (stats, best), valid until close. */
struct ict_search *ict_run_search(ict_run_t *run);

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
