/* backend_mpi.c - the "mpi" backend, the master's side of MPI: ranks
 * 1..N-1 are workers (worker.c), messages are proto.c's.
 * The master never blocks on one worker: it polls for any result with
 * MPI_Iprobe and sleeps a little between polls (backing off slowly to
 * 2 ms; the worker, waiting for its next task, to 5 ms), which
 * keeps an oversubscribed node's cores for the programs being tuned. */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "proto.h"

typedef struct mpib {
    int n;
    ict__hello_t *hello;        /* per worker (index w = rank - 1): its
                                   placement, sent once */
} mpib_t;

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int m_submit(void *b, int w, const ict_task_t *t, ict_error_t *err)
{
    (void)b;
    return ict__send_task(w + 1, t, err);
}

static int m_poll(void *b, double timeout, ict_raw_result_t *out,
                  int *w, ict_error_t *err)
{
    mpib_t *m = b;
    double deadline = ict_mono() + timeout, pause = 5e-5;
    for (;;) {
        int flag = 0;
        MPI_Status st;
        int rc = MPI_Iprobe(MPI_ANY_SOURCE, ICT__TAG_RESULT, MPI_COMM_WORLD,
                            &flag, &st);
        if (rc != MPI_SUCCESS)
            return ict__mpi_error(err, rc, "waiting for results");
        if (flag) {
            rc = ict__recv_result(&st, out, err);
            if (rc)
                return rc;
            *w = st.MPI_SOURCE - 1;
            out->worker = st.MPI_SOURCE;
            /* where it ran: from the worker's hello */
            const ict__hello_t *h = &m->hello[*w];
            snprintf(out->host, sizeof out->host, "%s", h->host);
            snprintf(out->gpu, sizeof out->gpu, "%s", h->gpu);
            snprintf(out->cpuset, sizeof out->cpuset, "%s", h->cpuset);
            return 1;
        }
        double left = deadline - ict_mono();
        if (left <= 0)
            return 0;
        nap(pause < left ? pause : left);
        if (pause < 2e-3)
            pause *= 1.25;              /* quick at first, 2 ms at most */
    }
}

static void m_cancel(void *b, int w)
{
    (void)b;
    ict__send_stop(w + 1, NULL);
}

static const char *m_host(void *b, int w)
{
    return ((mpib_t *)b)->hello[w].host;
}

static const char *m_note(void *b, int w)
{
    ict__hello_t *h = &((mpib_t *)b)->hello[w];
    static char buf[4096];
    if (!h->gpu[0] && !h->warning[0])
        return "";
    snprintf(buf, sizeof buf, "%s%s%s%s%s%s", h->gpu[0] ? "GPU " : "", h->gpu,
             h->cpuset[0] ? h->gpu[0] ? ", CPUs " : "CPUs " : "", h->cpuset,
             h->warning[0] ? "; warning: " : "", h->warning);
    return buf;
}

static void m_close(void *b)
{
    mpib_t *m = b;
    for (int w = 0; m->hello && w < m->n; w++)
        ict__send_exit(w + 1, NULL);
    free(m->hello);
    m->hello = NULL;
}

static int m_open(void *b, const ict__backend_args_t *a, int *nworkers,
                  ict_error_t *err)
{
    mpib_t *m = b;
    int size;
    (void)a;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2)
        return ict_errorf(err, -EINVAL, "MPI with %d rank: expected 2 or "
                          "more (rank 0 is the master)", size);
    m->n = size - 1;
    m->hello = calloc((size_t)size, sizeof *m->hello);
    if (!m->hello)
        return -ENOMEM;
    /* every worker says hello once: its host and binding */
    for (int k = 1; k < size; k++) {
        ict__hello_t h;
        int rank, rc = ict__recv_hello(&h, &rank, err);
        if (rc) {
            free(m->hello);
            m->hello = NULL;
            return rc;
        }
        m->hello[rank - 1] = h;
    }
    for (int w = 0; w < size - 1; w++)
        if (m->hello[w].error[0]) {
            int rc = ict_errorf(err, -ENODEV, "rank %d on %s: %s", w + 1,
                                m->hello[w].host, m->hello[w].error);
            m_close(m);
            return rc;
        }
    *nworkers = size - 1;
    return 0;
}

const ict__backend_ops_t ict__backend_mpi_ops = {
    .name = "mpi",
    .size = sizeof(mpib_t),
    .open = m_open,
    .submit = m_submit,
    .poll = m_poll,
    .cancel = m_cancel,
    .host = m_host,
    .note = m_note,
    .close = m_close,
};

void ict__backend_mpi_dismiss(void)
{
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (int r = 1; r < size; r++)
        ict__send_exit(r, NULL);
}
