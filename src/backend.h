/* backend.h - where evaluations run, as the master sees it (internal).
 *
 * A backend is a const table of operations in the registry of backend.c
 * (as strategies are): its name, the size of its private state, and
 * open / submit / poll / cancel / close, plus the host and a placement
 * note of each worker, asked once at the start. Two are built in: "local"
 * (child processes of this one, backend_local.c) and "mpi" (worker ranks,
 * backend_mpi.c; MPI stays inside it, worker.c and proto.c). A new one
 * (say, one Slurm job step per evaluation) is one file and one registry
 * line. Every backend runs programs through the launcher (launch.h). */
#ifndef ICT_BACKEND_H
#define ICT_BACKEND_H

#include <signal.h>
#include <stddef.h>

#include "ictune/launch.h"
#include "ictune/placement.h"
#include "ictune/table.h"

/* The "table" backend's argument: every evaluation a lookup in a table of
 * measured values, on a virtual clock of `workers` workers. */
typedef struct ict__table_arg {
    const ict_table_t *table;
    int obj_col;                /* the objective's column */
    int dur_col;                /* run time column, or -1 */
    double duration_fixed;      /* else this many seconds (0: none) */
    long workers;               /* 0: one, and no clock */
    int shuffle;                /* results in a random order, not by time */
    uint64_t seed;
} ict__table_arg_t;

/* What open may use: the local pool's size and per-slot placement. */
typedef struct ict__backend_args {
    int jobs;                   /* local: programs at once */
    const ict_place_t *places;  /* local: one per slot, or NULL */
    const ict_config_t *config;
    const void *arg;            /* the backend's own (ict_run_opts_t) */
} ict__backend_args_t;

typedef struct ict__backend_ops {
    const char *name;
    size_t size;                /* bytes of private state (zeroed) */
    /* Set up; *nworkers gets how many evaluations may run at once. */
    int (*open)(void *self, const ict__backend_args_t *a, int *nworkers,
                ict_error_t *err);
    /* Worker w is idle: start t there. */
    int (*submit)(void *self, int w, const ict_task_t *t, ict_error_t *err);
    /* One finished evaluation within timeout seconds: 1 (and *out, *w),
     * 0 on timeout or a signal, negative errno on error. */
    int (*poll)(void *self, double timeout, ict_raw_result_t *out, int *w,
                ict_error_t *err);
    void (*cancel)(void *self, int w);          /* stop w's evaluation */
    const char *(*host)(void *self, int w);
    const char *(*note)(void *self, int w);     /* binding, warnings */
    void (*close)(void *self);                  /* optional */
    /* Answers without running anything (simulate's table on a virtual
     * clock): the master then keeps no results file, makes no folders
     * and runs no prepare step. */
    int is_virtual;
} ict__backend_ops_t;

typedef struct ict__backend {
    const ict__backend_ops_t *ops;
    int nworkers;
    void *self;
} ict__backend_t;

extern const ict__backend_ops_t ict__backend_local_ops;
extern const ict__backend_ops_t ict__backend_mpi_ops;
extern const ict__backend_ops_t ict__backend_table_ops;

/* The registry: a backend by name, or NULL. */
const ict__backend_ops_t *ict__backend_find(const char *name);
int ict__backend_open(ict__backend_t **out, const char *name,
                      const ict__backend_args_t *a, ict_error_t *err);
void ict__backend_close(ict__backend_t *b);

static inline int ict__be_submit(ict__backend_t *b, int w, const ict_task_t *t,
                                 ict_error_t *err)
{
    return b->ops->submit(b->self, w, t, err);
}
static inline int ict__be_poll(ict__backend_t *b, double timeout,
                               ict_raw_result_t *out, int *w, ict_error_t *err)
{
    return b->ops->poll(b->self, timeout, out, w, err);
}
static inline void ict__be_cancel(ict__backend_t *b, int w) { b->ops->cancel(b->self, w); }
static inline const char *ict__be_host(ict__backend_t *b, int w) { return b->ops->host(b->self, w); }
static inline const char *ict__be_note(ict__backend_t *b, int w) { return b->ops->note(b->self, w); }

/* No MPI backend could be opened: tell the worker ranks, which wait for
 * work, to leave. */
void ict__backend_mpi_dismiss(void);

/* The loop of an MPI worker rank; returns when the master says so. place
 * is where it is bound; placement_error, when set, is sent to the master
 * instead (which then stops the run). */
int ict__worker_main(const ict_place_t *place, const char *placement_error,
                     volatile sig_atomic_t *signals, ict_error_t *err);

#endif
