/* backend_mpi.c - the master's side of MPI: ranks 1..N-1 are workers.
 * The master never blocks on one worker: it polls for any result with
 * MPI_Iprobe and sleeps a little between polls (backing off to 2 ms), which
 * keeps an oversubscribed node's cores for the programs being tuned. */
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "proto.h"

static void m_free(ict__backend_t *b);

typedef struct mpib {
    ict__backend_t b;
    ict__hello_t *hello;        /* per worker (index w = rank - 1) */
} mpib_t;

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int m_submit(ict__backend_t *b, int w, const ict_task_t *t, ict_error_t *err)
{
    (void)b;
    return ict__send_task(w + 1, t, err);
}

static int m_wait(ict__backend_t *b, double timeout, ict_raw_result_t *out,
                  int *w, ict_error_t *err)
{
    (void)b;
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
            return 1;
        }
        double left = deadline - ict_mono();
        if (left <= 0)
            return 0;
        nap(pause < left ? pause : left);
        if (pause < 2e-3)
            pause *= 2;
    }
}

static void m_stop(ict__backend_t *b, int w)
{
    (void)b;
    ict__send_empty(w + 1, ICT__TAG_STOP, NULL);
}

static const char *m_host(ict__backend_t *b, int w)
{
    return ((mpib_t *)b)->hello[w].host;
}

static const char *m_note(ict__backend_t *b, int w)
{
    ict__hello_t *h = &((mpib_t *)b)->hello[w];
    static char buf[4096];
    if (!h->gpu[0] && !h->warning[0])
        return "";
    snprintf(buf, sizeof buf, "%s%s%s%s%s%s", h->gpu[0] ? "GPU " : "", h->gpu,
             h->cpuset[0] ? ", CPUs " : "", h->cpuset, h->warning[0] ? "; warning: " : "",
             h->warning);
    return buf;
}

static void m_free(ict__backend_t *b)
{
    mpib_t *m = (mpib_t *)b;
    for (int w = 0; w < b->nworkers; w++)
        ict__send_empty(w + 1, ICT__TAG_EXIT, NULL);
    free(m->hello);
    free(m);
}

int ict__backend_mpi(ict__backend_t **out, ict_error_t *err)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2)
        return ict_errorf(err, -EINVAL, "MPI with %d rank: expected 2 or "
                          "more (rank 0 is the master)", size);
    mpib_t *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    m->hello = calloc((size_t)size, sizeof *m->hello);
    if (!m->hello) {
        free(m);
        return -ENOMEM;
    }
    m->b = (ict__backend_t){size - 1, m_submit, m_wait, m_stop, m_host, m_note, m_free};
    /* every worker says hello once: its host and binding */
    for (int k = 1; k < size; k++) {
        ict__hello_t h;
        MPI_Status st;
        int rc = MPI_Recv(&h, (int)sizeof h, MPI_BYTE, MPI_ANY_SOURCE,
                          ICT__TAG_HELLO, MPI_COMM_WORLD, &st);
        if (rc != MPI_SUCCESS) {
            free(m->hello);
            free(m);
            return ict__mpi_error(err, rc, "waiting for the workers");
        }
        if (h.magic != ICT__PROTO_MAGIC || h.result_size != sizeof(ict_raw_result_t)) {
            free(m->hello);
            free(m);
            return ict_errorf(err, -EPROTO, "rank %d runs another build of "
                              "ictune; expected the same binary on every rank",
                              st.MPI_SOURCE);
        }
        m->hello[st.MPI_SOURCE - 1] = h;
    }
    for (int w = 0; w < size - 1; w++)
        if (m->hello[w].error[0]) {
            int rc = ict_errorf(err, -ENODEV, "rank %d on %s: %s", w + 1,
                                m->hello[w].host, m->hello[w].error);
            m_free(&m->b);
            return rc;
        }
    *out = &m->b;
    return 0;
}
