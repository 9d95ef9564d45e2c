/* proto.c - packing tasks and results into MPI_BYTE messages.
 * A task is a flat sequence: fixed numbers, then length-prefixed strings
 * (run base, params, argv..., env...). A result is the POD raw result with
 * a magic word and its size, checked so a worker built from another binary
 * is refused rather than misread. */
#include "proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int ict__mpi_error(ict_error_t *err, int code, const char *what)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(code, msg, &len);
    return ict_errorf(err, -EIO, "MPI error in %s: %.*s", what, len, msg);
}

static void put(ict__buf_t *b, const void *p, size_t n) { ict__buf_add(b, p, n); }

static void put_str(ict__buf_t *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : 0;
    put(b, &n, 4);
    if (n)
        put(b, s, n);
}

int ict__send_task(int rank, const ict_task_t *t, ict_error_t *err)
{
    ict__buf_t b = {0};
    uint32_t magic = ICT__PROTO_MAGIC;
    put(&b, &magic, 4);
    put(&b, &t->id, 8);
    put(&b, &t->flat, 8);
    int32_t i32 = t->attempt;
    put(&b, &i32, 4);
    put(&b, &t->timeout, 8);
    put(&b, &t->kill_grace, 8);
    put(&b, &t->max_output, 8);
    i32 = t->parse_last_number;
    put(&b, &i32, 4);
    put_str(&b, t->run_dir);
    put_str(&b, t->params);
    uint32_t argc = 0, envc = 0;
    while (t->argv && t->argv[argc])
        argc++;
    while (t->env && t->env[envc])
        envc++;
    put(&b, &argc, 4);
    for (uint32_t i = 0; i < argc; i++)
        put_str(&b, t->argv[i]);
    put(&b, &envc, 4);
    for (uint32_t i = 0; i < envc; i++)
        put_str(&b, t->env[i]);
    uint32_t nn = 0;
    while (t->metric_names && t->metric_names[nn])
        nn++;
    int32_t has = t->metric_names != NULL;
    put(&b, &has, 4);
    put(&b, &nn, 4);
    for (uint32_t i = 0; i < nn; i++)
        put_str(&b, t->metric_names[i]);
    if (b.failed) {
        ict__buf_fini(&b);
        return -ENOMEM;
    }
    int rc = MPI_Send(b.data, (int)b.len, MPI_BYTE, rank, ICT__TAG_TASK,
                      MPI_COMM_WORLD);
    ict__buf_fini(&b);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a task");
}

typedef struct rd { const char *p, *end; int bad; } rd_t;

static void get(rd_t *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

/* Strings are copied into one NUL-separated area. */
static char *get_str(rd_t *r, char **area)
{
    uint32_t n;
    get(r, &n, 4);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    char *s = *area;
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    *area += n + 1;
    return s;
}

int ict__recv_task(const MPI_Status *st, ict__task_msg_t *m, ict_error_t *err)
{
    int count = 0;
    MPI_Get_count(st, MPI_BYTE, &count);
    char *raw = malloc(count > 0 ? (size_t)count : 1);
    memset(m, 0, sizeof *m);
    m->blob = malloc((size_t)count * 2 + 64);
    if (!raw || !m->blob) {
        free(raw);
        free(m->blob);
        return -ENOMEM;
    }
    int rc = MPI_Recv(raw, count, MPI_BYTE, st->MPI_SOURCE, ICT__TAG_TASK,
                      MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
        free(raw);
        return ict__mpi_error(err, rc, "receiving a task");
    }
    rd_t r = {raw, raw + count, 0};
    uint32_t magic;
    int32_t i32;
    get(&r, &magic, 4);
    if (magic != ICT__PROTO_MAGIC) {
        free(raw);
        return ict_errorf(err, -EPROTO, "a task message with a wrong magic "
                          "word: master and worker are different programs");
    }
    get(&r, &m->t.id, 8);
    get(&r, &m->t.flat, 8);
    get(&r, &i32, 4);
    m->t.attempt = i32;
    get(&r, &m->t.timeout, 8);
    get(&r, &m->t.kill_grace, 8);
    get(&r, &m->t.max_output, 8);
    get(&r, &i32, 4);
    m->t.parse_last_number = i32;
    char *area = m->blob;
    m->t.run_dir = get_str(&r, &area);
    m->t.params = get_str(&r, &area);
    uint32_t argc, envc;
    get(&r, &argc, 4);
    if (!r.bad && argc <= (uint32_t)count) {
        m->vec = calloc(argc + 1 + (size_t)count / 4 + 2, sizeof *m->vec);
        if (!m->vec) {
            free(raw);
            return -ENOMEM;
        }
        m->t.argv = m->vec;
        for (uint32_t i = 0; i < argc; i++)
            m->t.argv[i] = get_str(&r, &area);
        get(&r, &envc, 4);
        if (!r.bad && envc <= (uint32_t)count / 4) {
            m->t.env = m->vec + argc + 1;
            for (uint32_t i = 0; i < envc; i++)
                m->t.env[i] = get_str(&r, &area);
        } else {
            r.bad = 1;
        }
        int32_t has = 0;
        uint32_t nn = 0;
        get(&r, &has, 4);
        get(&r, &nn, 4);
        if (!r.bad && nn <= (uint32_t)count / 4) {
            m->names = calloc(nn + 1, sizeof *m->names);
            if (!m->names) {
                free(raw);
                return -ENOMEM;
            }
            for (uint32_t i = 0; i < nn; i++)
                m->names[i] = get_str(&r, &area);
            m->t.metric_names = has ? m->names : NULL;
        } else {
            r.bad = 1;
        }
    } else {
        r.bad = 1;
    }
    free(raw);
    if (r.bad)
        return ict_errorf(err, -EPROTO, "a malformed task message");
    return 0;
}

void ict__task_msg_fini(ict__task_msg_t *m)
{
    free(m->blob);
    free(m->vec);
    free(m->names);
    memset(m, 0, sizeof *m);
}

typedef struct result_msg {
    uint32_t magic, size;
    ict_raw_result_t r;
} result_msg_t;

int ict__send_result(const ict_raw_result_t *r, ict_error_t *err)
{
    result_msg_t m;
    memset(&m, 0, sizeof m);
    m.magic = ICT__PROTO_MAGIC;
    m.size = sizeof m.r;
    m.r = *r;
    int rc = MPI_Send(&m, (int)sizeof m, MPI_BYTE, 0, ICT__TAG_RESULT, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a result");
}

int ict__recv_result(const MPI_Status *st, ict_raw_result_t *r, ict_error_t *err)
{
    result_msg_t m;
    int count = 0;
    MPI_Get_count(st, MPI_BYTE, &count);
    if (count != (int)sizeof m) {
        char *sink = malloc(count > 0 ? (size_t)count : 1);
        if (sink)                       /* take it off the queue */
            MPI_Recv(sink, count, MPI_BYTE, st->MPI_SOURCE, ICT__TAG_RESULT,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        free(sink);
        return ict_errorf(err, -EPROTO, "a result of %d bytes from rank %d; "
                          "expected %zu: master and worker are different "
                          "programs", count, st->MPI_SOURCE, sizeof m);
    }
    int rc = MPI_Recv(&m, count, MPI_BYTE, st->MPI_SOURCE, ICT__TAG_RESULT,
                      MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS)
        return ict__mpi_error(err, rc, "receiving a result");
    if (m.magic != ICT__PROTO_MAGIC || m.size != sizeof m.r)
        return ict_errorf(err, -EPROTO, "a malformed result from rank %d",
                          st->MPI_SOURCE);
    *r = m.r;
    r->worker = st->MPI_SOURCE;
    return 0;
}

int ict__send_empty(int rank, int tag, ict_error_t *err)
{
    int rc = MPI_Send(NULL, 0, MPI_BYTE, rank, tag, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a control message");
}
