/* launch.h - run one evaluation of the user's program, asynchronously.
 *
 * Shared by the local pool and the MPI workers. Per evaluation: a folder
 * made by the master with ict_make_run_dir() (never one used before),
 * holding `stdout`, `stderr` (streamed to files, never held in memory), a
 * `params` file and the `result` file named by $ICTUNE_RESULT_FILE. The
 * program runs in its own process group with stdin from /dev/null; on a
 * timeout the whole group gets SIGTERM, then SIGKILL; when the program
 * exits, whatever it left in its group is killed. Result lines
 * "[ictune] name=value ..." on stdout and "name=value" lines in the result
 * file are collected (the last value of each name wins). */
#ifndef ICTUNE_LAUNCH_H
#define ICTUNE_LAUNCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"
#include "ictune/topo.h"

#define ICT_MAX_METRICS 32
#define ICT_NAME_MAX 64
#define ICT_PATH_MAX 1024

typedef struct ict_metric {
    char name[ICT_NAME_MAX];
    char text[ICT_NAME_MAX];    /* as printed, for messages ("..." if cut) */
    double value;               /* parsed from the whole text (number.h) */
    int bad;                    /* 0 a finite number, else an ICT_NUMBER_*
                                   code: not a number or out of range */
} ict_metric_t;

/* What a worker is asked to run. Strings are borrowed by the launcher. */
typedef struct ict_task {
    uint64_t id;                /* evaluation id */
    uint64_t flat;              /* the point; UINT64_MAX for prepare */
    int attempt;                /* 1, 2, ... */
    char **argv;                /* NULL-terminated */
    char **env;                 /* extra "NAME=value", NULL-terminated */
    const char *place_env;      /* the worker's "NAME=value NAME=value"
                                   (its GPU), or NULL */
    char **metric_names;        /* the metrics to keep (NULL-terminated;
                                   NULL: the first ICT_MAX_METRICS seen) */
    const char *run_dir;        /* made by ict_make_run_dir() */
    int run_dir_made;           /* it exists here (else it is made: a
                                   worker on another node) */
    const char *params;         /* contents of the params file */
    double timeout;             /* seconds, 0: none */
    double kill_grace;          /* SIGTERM to SIGKILL, seconds */
    uint64_t max_output;        /* bytes kept per stream, 0: no limit */
    int parse_last_number;
    const void *affinity;       /* local only: a cpu_set_t for the child */
    int repeat;                 /* runs of the program, one after the other
                                   in the run folder (0 or 1: one) */
    int aggregate;              /* ICT_AGGREGATE_*: a metric's value from
                                   its samples */
    const char *objective;      /* whose samples' spread is reported */
    int in_run_dir;             /* the program's working directory is its
                                   run folder (else where ictune runs) */
} ict_task_t;

/* Repeated runs (ict_task_t.repeat > 1): the outputs are stdout.K,
 * stderr.K and result.K for run K (stdout and stderr link to the last),
 * each metric is the aggregate of its samples, and the metrics
 * ICT_METRIC_REPEATS (the samples of the objective) and ICT_METRIC_SPREAD
 * (their largest minus their smallest) are added. A run that fails ends
 * the evaluation with its outcome. Every run is timed by ictune:
 * ICT_METRIC_WALL (seconds from start to exit) and ICT_METRIC_CPU (user +
 * system seconds of the program and what it waited for). */
enum { ICT_AGGREGATE_MEDIAN, ICT_AGGREGATE_MEAN, ICT_AGGREGATE_MIN };
#define ICT_AGGREGATE_NAMES "median|mean|min"
#define ICT_METRIC_WALL "wall_time"
#define ICT_METRIC_CPU "cpu_time"
#define ICT_METRIC_REPEATS "repeats"
#define ICT_METRIC_SPREAD "spread"
#define ICT_REPEAT_MAX 1000

/* What came back: raw facts; ict_classify() turns them into a status. */
typedef struct ict_raw_result {
    uint64_t id;
    int attempt;
    int launched;               /* 0: it never started (see reason) */
    int exited, exit_code, signal, timed_out, killed;
    double start, end;          /* seconds since the epoch */
    int nmetrics;
    ict_metric_t metrics[ICT_MAX_METRICS];
    int has_last_number;
    double last_number;
    uint64_t out_bytes;
    int out_truncated;
    int out_errno;              /* writing stdout/stderr failed (ENOSPC) */
    int own_errno;              /* ictune's own I/O failed before the
                                   program ran (run folder, params, output
                                   files): not a measurement */
    int exec_errno;             /* the program could not be executed (or
                                   the shell said "not found"): not a
                                   measurement */
    int result_not_regular;     /* $ICTUNE_RESULT_FILE was not a file */
    char run_dir[ICT_PATH_MAX];
    char reason[256];
    char host[64];              /* where it ran */
    char gpu[96];               /* "name pci-bus-id", or "" */
    char cpuset[ICT_CPUSET_MAX]; /* hwloc bitmap string, or "" */
    int worker;                 /* MPI rank or pool slot */
} ict_raw_result_t;

/* Not a measurement: ictune could not write the run folder, or the program
 * could not be started. Such a point stays unmeasured and the run stops. */
static inline int ict_raw_not_measured(const ict_raw_result_t *r)
{
    return r->own_errno || r->out_errno || r->exec_errno;
}

typedef struct ict_launch ict_launch_t;

/* Start the program. On a failure to start (no such program, cannot make
 * the folder) this still succeeds with a launch that is already done and
 * whose result says why; a negative errno is only for allocation. */
int ict_launch_start(ict_launch_t **out, const ict_task_t *t);
/* Up to ICT_LAUNCH_FDS file descriptors to poll for input; how many. */
#define ICT_LAUNCH_FDS 3
int ict_launch_fds(const ict_launch_t *l, int *fds);
/* Do the work that is due: read output, reap, time out. 1 when done. */
int ict_launch_step(ict_launch_t *l);
/* Stop it now (SIGTERM to the group, SIGKILL after the grace). */
void ict_launch_stop(ict_launch_t *l);
int ict_launch_done(const ict_launch_t *l);
const ict_raw_result_t *ict_launch_result(const ict_launch_t *l);
void ict_launch_free(ict_launch_t *l);

/* The result protocol alone, as the launcher applies it (for tests and the
 * fuzz target): n bytes of a program's stdout ("[ictune] name=value ..."
 * lines, and with parse_last the last number), or of a result file
 * (result_file: "name=value" lines), into r; names as in ict_task_t. */
void ict_result_scan(ict_raw_result_t *r, char **names, int parse_last,
                     int result_file, const char *text, size_t n);

/* How the program ended, alone (what a prepare step is judged by, and
 * the first half of ict_classify): INTERRUPTED (not a measurement:
 * ictune's own I/O failed or the program could not start), FAILED,
 * TIMEOUT, or OK when it exited 0. */
ict_status_t ict_classify_exit(const ict_raw_result_t *r, double timeout,
                               char *reason, size_t size);

/* The status of a raw result under the config's objective and constraints.
 * values[] gets the objective then each of c->metrics (NaN when absent). */
ict_status_t ict_classify(const ict_config_t *c, const ict_raw_result_t *r,
                          double *values, char *reason, size_t size);

/* A batch system stopping a job (scancel, a wall-time limit, Ctrl-C)
 * signals every process of it, so the program may die of that signal an
 * instant before ictune receives its own. For a program killed by sig:
 * if sig is one such a stop sends (SIGTERM, SIGINT, SIGHUP, SIGKILL,
 * SIGUSR1), wait up to `seconds` for *flag to become nonzero. Returns
 * *flag != 0: the job is stopping and the run was cut short, not failed. */
int ict_launch_job_stopped(int sig, volatile sig_atomic_t *flag,
                           double seconds);
/* Is sig one that a job stop sends (SIGTERM, SIGINT, SIGHUP, SIGKILL,
 * SIGUSR1)? */
int ict_launch_stop_signal(int sig);

/* A file descriptor that becomes readable when a child exits (SIGCHLD
 * self-pipe), for poll(); drain it with ict_launch_wakeup_drain(). */
int ict_launch_wakeup_fd(void);
void ict_launch_wakeup_drain(void);

/* Make a new folder: base, or base-2, base-3, ... if it exists (mkdir is
 * atomic, so two runs never share one), and its parents. */
int ict_make_run_dir(const char *base, char *out, size_t size);

double ict_now(void);           /* CLOCK_REALTIME seconds */
double ict_mono(void);          /* CLOCK_MONOTONIC seconds */

#endif
