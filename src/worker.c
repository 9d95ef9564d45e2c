/* worker.c - an MPI worker rank: say hello, then run what the master sends
 * and send back what happened. It never talks to the strategy. Signals
 * (mpiexec forwards SIGTERM to every rank, Slurm signals every process) are
 * noted (by the caller's handlers, installed before MPI_Init), not
 * obeyed: the master decides, and a result that a signal cut
 * short is marked so the master runs the point again on resume. */
#include <errno.h>
#include <mpi.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "proto.h"

/* the caller's signal counter (its handlers run from process start) */
static volatile sig_atomic_t *signalled;
static volatile sig_atomic_t no_signals;

static void nap(double s)
{
    struct timespec ts = {0, (long)(s * 1e9)};
    nanosleep(&ts, NULL);
}

static const ict_place_t *me;

static int run_task(ict__task_msg_t *m, ict_error_t *err)
{
    /* the task's variables, then this worker's (its GPU) */
    m->t.place_env = me ? me->env : NULL;
    ict_launch_t *l;
    int rc = ict_launch_start(&l, &m->t);
    if (rc)
        return rc;
    int was = *signalled;
    while (!ict_launch_step(l)) {
        struct pollfd pf[1 + ICT_LAUNCH_FDS];
        int fds[ICT_LAUNCH_FDS], n = 0;
        pf[n].fd = ict_launch_wakeup_fd();
        pf[n++].events = POLLIN;
        for (int k = ict_launch_fds(l, fds); k-- > 0;) {
            pf[n].fd = fds[k];
            pf[n++].events = POLLIN;
        }
        poll(pf, (nfds_t)n, 20);
        ict_launch_wakeup_drain();
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(0, ICT__TAG_STOP, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            ict__recv_empty(ICT__TAG_STOP);
            ict_launch_stop(l);
        }
    }
    ict_raw_result_t r = *ict_launch_result(l);
    ict_launch_free(l);                 /* the placement went in the hello */
    if (r.signal && !was && ict_launch_job_stopped(r.signal, signalled, 0.5))
        r.killed = 1;                   /* a signal cut it short */
    return ict__send_result(&r, err);
}

int ict__worker_main(const ict_place_t *place, const char *placement_error,
                     volatile sig_atomic_t *signals, ict_error_t *err)
{
    me = place;
    signalled = signals ? signals : &no_signals;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    ict__hello_t h;
    memset(&h, 0, sizeof h);
    gethostname(h.host, sizeof h.host - 1);
    if (place) {
        snprintf(h.gpu, sizeof h.gpu, "%s", place->gpu);
        snprintf(h.cpuset, sizeof h.cpuset, "%s", place->cpuset);
        snprintf(h.env, sizeof h.env, "%s", place->env);
        snprintf(h.warning, sizeof h.warning, "%s", place->warning);
    }
    if (placement_error)
        snprintf(h.error, sizeof h.error, "%s", placement_error);
    int rc = ict__send_hello(&h, err);
    if (rc)
        return rc;
    double pause = 5e-5;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        rc = MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
        if (rc != MPI_SUCCESS)
            return ict__mpi_error(err, rc, "waiting for work");
        if (!flag) {
            nap(pause);
            /* a task follows a result within the master's turn: stay
             * quick for ~10 ms, then back off to 5 ms naps */
            if (pause < 5e-3)
                pause *= 1.25;
            continue;
        }
        pause = 5e-5;
        if (st.MPI_TAG == ICT__TAG_EXIT) {
            ict__recv_empty(ICT__TAG_EXIT);
            return 0;
        }
        if (st.MPI_TAG == ICT__TAG_STOP) {      /* nothing running: drop */
            ict__recv_empty(ICT__TAG_STOP);
            continue;
        }
        if (st.MPI_TAG != ICT__TAG_TASK)
            return ict_errorf(err, -EPROTO, "unexpected message tag %d",
                              st.MPI_TAG);
        ict__task_msg_t m;
        if ((rc = ict__recv_task(&st, &m, err)))
            return rc;
        rc = run_task(&m, err);
        ict__task_msg_fini(&m);
        if (rc)
            return rc;
    }
}
