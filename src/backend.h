/* backend.h - where evaluations run, as the master sees it (internal).
 * Two back-ends: a local pool of child processes (one process, no MPI) and
 * MPI worker ranks. Both use the launcher (launch.c) to run the program. */
#ifndef ICT_BACKEND_H
#define ICT_BACKEND_H

#include <signal.h>

#include "ictune/launch.h"

typedef struct ict__backend ict__backend_t;
struct ict__backend {
    int nworkers;
    /* worker w is idle: start t there. */
    int (*submit)(ict__backend_t *b, int w, const ict_task_t *t, ict_error_t *err);
    /* One finished evaluation within timeout seconds: 1 (and *out, *w),
     * 0 on timeout or a signal, negative errno on error. */
    int (*wait)(ict__backend_t *b, double timeout, ict_raw_result_t *out,
                int *w, ict_error_t *err);
    void (*stop)(ict__backend_t *b, int w);     /* stop w's evaluation */
    const char *(*host)(ict__backend_t *b, int w);
    const char *(*note)(ict__backend_t *b, int w);  /* binding warnings */
    void (*free)(ict__backend_t *b);
};

#include "ictune/placement.h"

/* places: one per slot (env and CPUs for its programs), or NULL. */
int ict__backend_local(ict__backend_t **out, int jobs, const ict_place_t *places,
                       ict_error_t *err);
int ict__backend_mpi(ict__backend_t **out, ict_error_t *err);
/* The loop of an MPI worker rank; returns when the master says so. place
 * is where it is bound; placement_error, when set, is sent to the master
 * instead (which then stops the run). */
int ict__worker_main(const ict_place_t *place, const char *placement_error,
                     volatile sig_atomic_t *signals, ict_error_t *err);

#endif
