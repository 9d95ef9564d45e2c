/* proto.c - the MPI messages between master and workers, and the only
 * file that knows their layout. Every message is a flat byte sequence:
 * a magic word and the protocol version, fixed-size numbers, then
 * length-prefixed strings. Packing and unpacking are plain functions
 * (tested by a round trip in tests/test_proto.c, without MPI); the send
 * and receive wrappers only move the bytes. A worker of another build is
 * refused by the version rather than misread.
 *
 * hello  (worker -> master, once): host, GPU, CPU set, device variables,
 *        binding warning, or the reason it cannot work; the master keeps
 *        it: a result carries no placement.
 * task   (master -> worker): the evaluation to run.
 * result (worker -> master): the raw facts of one run.
 * stop, exit (master -> worker): empty. */
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

static void put_i32(ict__buf_t *b, int v) { int32_t x = v; put(b, &x, 4); }
static int get_i32(rd_t *r) { int32_t x = 0; get(r, &x, 4); return x; }

/* a string into a fixed array, cut to fit */
static void get_fixed(rd_t *r, char *dst, size_t size)
{
    uint32_t n;
    get(r, &n, 4);
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        dst[0] = '\0';
        return;
    }
    size_t k = n < size ? n : size - 1;
    memcpy(dst, r->p, k);
    dst[k] = '\0';
    r->p += n;
}

static void put_head(ict__buf_t *b)
{
    uint32_t h[2] = {ICT__PROTO_MAGIC, ICT__PROTO_VERSION};
    put(b, h, 8);
}

static int get_head(rd_t *r)
{
    uint32_t h[2] = {0, 0};
    get(r, h, 8);
    return r->bad || h[0] != ICT__PROTO_MAGIC || h[1] != ICT__PROTO_VERSION;
}

/* ---- tasks ---- */

int ict__pack_task(ict__buf_t *bp, const ict_task_t *t)
{
    ict__buf_t b = *bp;
    put_head(&b);
    put(&b, &t->id, 8);
    put(&b, &t->flat, 8);
    int32_t i32 = t->attempt;
    put(&b, &i32, 4);
    put(&b, &t->timeout, 8);
    put(&b, &t->kill_grace, 8);
    put(&b, &t->max_output, 8);
    i32 = t->parse_last_number;
    put(&b, &i32, 4);
    i32 = t->repeat;
    put(&b, &i32, 4);
    i32 = t->aggregate;
    put(&b, &i32, 4);
    i32 = t->in_run_dir;
    put(&b, &i32, 4);
    put_str(&b, t->objective ? t->objective : "");
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
    *bp = b;
    return b.failed ? -ENOMEM : 0;
}

int ict__send_task(int rank, const ict_task_t *t, ict_error_t *err)
{
    ict__buf_t b = {0};
    if (ict__pack_task(&b, t)) {
        ict__buf_fini(&b);
        return -ENOMEM;
    }
    int rc = MPI_Send(b.data, (int)b.len, MPI_BYTE, rank, ICT__TAG_TASK,
                      MPI_COMM_WORLD);
    ict__buf_fini(&b);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a task");
}

int ict__unpack_task(const char *raw, size_t n, ict__task_msg_t *m,
                     ict_error_t *err)
{
    int count = (int)n;
    memset(m, 0, sizeof *m);
    m->blob = malloc(n * 2 + 64);
    if (!m->blob)
        return -ENOMEM;
    rd_t r = {raw, raw + n, 0};
    int32_t i32;
    if (get_head(&r))
        return ict_errorf(err, -EPROTO, "a task message of another protocol: "
                          "master and worker are different builds of ictune");
    get(&r, &m->t.id, 8);
    get(&r, &m->t.flat, 8);
    get(&r, &i32, 4);
    m->t.attempt = i32;
    get(&r, &m->t.timeout, 8);
    get(&r, &m->t.kill_grace, 8);
    get(&r, &m->t.max_output, 8);
    get(&r, &i32, 4);
    m->t.parse_last_number = i32;
    get(&r, &i32, 4);
    m->t.repeat = i32 < 1 ? 1 : i32 > ICT_REPEAT_MAX ? ICT_REPEAT_MAX : i32;
    get(&r, &i32, 4);
    m->t.aggregate = i32;
    get(&r, &i32, 4);
    m->t.in_run_dir = i32 != 0;
    char *area = m->blob;
    m->t.objective = get_str(&r, &area);
    m->t.run_dir = get_str(&r, &area);
    m->t.params = get_str(&r, &area);
    uint32_t argc, envc;
    get(&r, &argc, 4);
    if (!r.bad && argc <= (uint32_t)count) {
        m->vec = calloc(argc + 1 + (size_t)count / 4 + 2, sizeof *m->vec);
        if (!m->vec)
            return -ENOMEM;
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
            if (!m->names)
                return -ENOMEM;
            for (uint32_t i = 0; i < nn; i++)
                m->names[i] = get_str(&r, &area);
            m->t.metric_names = has ? m->names : NULL;
        } else {
            r.bad = 1;
        }
    } else {
        r.bad = 1;
    }
    if (r.bad)
        return ict_errorf(err, -EPROTO, "a malformed task message");
    return 0;
}

static int recv_bytes(const MPI_Status *st, int tag, char **out, size_t *n,
                      ict_error_t *err, const char *what);

int ict__recv_task(const MPI_Status *st, ict__task_msg_t *m, ict_error_t *err)
{
    char *raw;
    size_t n;
    int rc = recv_bytes(st, ICT__TAG_TASK, &raw, &n, err, "receiving a task");
    if (rc)
        return rc;
    rc = ict__unpack_task(raw, n, m, err);
    free(raw);
    return rc;
}

void ict__task_msg_fini(ict__task_msg_t *m)
{
    free(m->blob);
    free(m->vec);
    free(m->names);
    memset(m, 0, sizeof *m);
}

/* ---- results: the raw facts, field by field (no placement) ---- */

int ict__pack_result(ict__buf_t *b, const ict_raw_result_t *r)
{
    put_head(b);
    put(b, &r->id, 8);
    int ints[] = {r->attempt, r->launched, r->exited, r->exit_code, r->signal,
                  r->timed_out, r->killed, r->has_last_number, r->out_truncated,
                  r->out_errno, r->own_errno, r->exec_errno,
                  r->result_not_regular, r->nmetrics};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        put_i32(b, ints[i]);
    put(b, &r->start, 8);
    put(b, &r->end, 8);
    put(b, &r->last_number, 8);
    put(b, &r->out_bytes, 8);
    for (int i = 0; i < r->nmetrics && i < ICT_MAX_METRICS; i++) {
        put_str(b, r->metrics[i].name);
        put_str(b, r->metrics[i].text);
        put(b, &r->metrics[i].value, 8);
        put_i32(b, r->metrics[i].bad);
    }
    put_str(b, r->run_dir);
    put_str(b, r->reason);
    return b->failed ? -ENOMEM : 0;
}

int ict__unpack_result(const char *data, size_t n, ict_raw_result_t *out)
{
    rd_t r = {data, data + n, 0};
    memset(out, 0, sizeof *out);
    if (get_head(&r))
        return -EPROTO;
    get(&r, &out->id, 8);
    int *ints[] = {&out->attempt, &out->launched, &out->exited, &out->exit_code,
                   &out->signal, &out->timed_out, &out->killed,
                   &out->has_last_number, &out->out_truncated, &out->out_errno,
                   &out->own_errno, &out->exec_errno, &out->result_not_regular,
                   &out->nmetrics};
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        *ints[i] = get_i32(&r);
    get(&r, &out->start, 8);
    get(&r, &out->end, 8);
    get(&r, &out->last_number, 8);
    get(&r, &out->out_bytes, 8);
    if (out->nmetrics < 0 || out->nmetrics > ICT_MAX_METRICS)
        return -EPROTO;
    for (int i = 0; i < out->nmetrics; i++) {
        ict_metric_t *m = &out->metrics[i];
        get_fixed(&r, m->name, sizeof m->name);
        get_fixed(&r, m->text, sizeof m->text);
        get(&r, &m->value, 8);
        m->bad = get_i32(&r);
    }
    get_fixed(&r, out->run_dir, sizeof out->run_dir);
    get_fixed(&r, out->reason, sizeof out->reason);
    return r.bad || r.p != r.end ? -EPROTO : 0;
}

int ict__send_result(const ict_raw_result_t *r, ict_error_t *err)
{
    ict__buf_t b = {0};
    if (ict__pack_result(&b, r)) {
        ict__buf_fini(&b);
        return -ENOMEM;
    }
    int rc = MPI_Send(b.data, (int)b.len, MPI_BYTE, 0, ICT__TAG_RESULT, MPI_COMM_WORLD);
    ict__buf_fini(&b);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a result");
}

/* The message whose arrival was probed, into a new buffer. */
static int recv_bytes(const MPI_Status *st, int tag, char **out, size_t *n,
                      ict_error_t *err, const char *what)
{
    int count = 0;
    MPI_Get_count(st, MPI_BYTE, &count);
    char *raw = malloc(count > 0 ? (size_t)count : 1);
    if (!raw)
        return -ENOMEM;
    int rc = MPI_Recv(raw, count, MPI_BYTE, st->MPI_SOURCE, tag,
                      MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
        free(raw);
        return ict__mpi_error(err, rc, what);
    }
    *out = raw;
    *n = (size_t)count;
    return 0;
}

int ict__recv_result(const MPI_Status *st, ict_raw_result_t *r, ict_error_t *err)
{
    char *raw;
    size_t n;
    int rc = recv_bytes(st, ICT__TAG_RESULT, &raw, &n, err, "receiving a result");
    if (rc)
        return rc;
    rc = ict__unpack_result(raw, n, r);
    free(raw);
    if (rc)
        return ict_errorf(err, rc, "a malformed result of %zu bytes from rank "
                          "%d: master and worker are different builds of "
                          "ictune", n, st->MPI_SOURCE);
    r->worker = st->MPI_SOURCE;
    return 0;
}

/* ---- hello: a worker's placement, once ---- */

int ict__pack_hello(ict__buf_t *b, const ict__hello_t *h)
{
    put_head(b);
    put_str(b, h->host);
    put_str(b, h->gpu);
    put_str(b, h->cpuset);
    put_str(b, h->env);
    put_str(b, h->warning);
    put_str(b, h->error);
    return b->failed ? -ENOMEM : 0;
}

int ict__unpack_hello(const char *data, size_t n, ict__hello_t *h)
{
    rd_t r = {data, data + n, 0};
    memset(h, 0, sizeof *h);
    if (get_head(&r))
        return -EPROTO;
    get_fixed(&r, h->host, sizeof h->host);
    get_fixed(&r, h->gpu, sizeof h->gpu);
    get_fixed(&r, h->cpuset, sizeof h->cpuset);
    get_fixed(&r, h->env, sizeof h->env);
    get_fixed(&r, h->warning, sizeof h->warning);
    get_fixed(&r, h->error, sizeof h->error);
    return r.bad || r.p != r.end ? -EPROTO : 0;
}

int ict__send_hello(const ict__hello_t *h, ict_error_t *err)
{
    ict__buf_t b = {0};
    if (ict__pack_hello(&b, h)) {
        ict__buf_fini(&b);
        return -ENOMEM;
    }
    int rc = MPI_Send(b.data, (int)b.len, MPI_BYTE, 0, ICT__TAG_HELLO, MPI_COMM_WORLD);
    ict__buf_fini(&b);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "saying hello to the master");
}

int ict__recv_hello(ict__hello_t *h, int *rank, ict_error_t *err)
{
    MPI_Status st;
    int rc = MPI_Probe(MPI_ANY_SOURCE, ICT__TAG_HELLO, MPI_COMM_WORLD, &st);
    if (rc != MPI_SUCCESS)
        return ict__mpi_error(err, rc, "waiting for the workers");
    char *raw;
    size_t n;
    if ((rc = recv_bytes(&st, ICT__TAG_HELLO, &raw, &n, err, "waiting for the workers")))
        return rc;
    rc = ict__unpack_hello(raw, n, h);
    free(raw);
    *rank = st.MPI_SOURCE;
    if (rc)
        return ict_errorf(err, -EPROTO, "rank %d runs another build of "
                          "ictune; expected the same binary on every rank",
                          st.MPI_SOURCE);
    return 0;
}

/* ---- stop, exit: empty ---- */

int ict__send_empty(int rank, int tag, ict_error_t *err)
{
    int rc = MPI_Send(NULL, 0, MPI_BYTE, rank, tag, MPI_COMM_WORLD);
    return rc == MPI_SUCCESS ? 0 : ict__mpi_error(err, rc, "sending a control message");
}

int ict__send_stop(int rank, ict_error_t *err) { return ict__send_empty(rank, ICT__TAG_STOP, err); }
int ict__send_exit(int rank, ict_error_t *err) { return ict__send_empty(rank, ICT__TAG_EXIT, err); }

int ict__recv_empty(int tag)
{
    return MPI_Recv(NULL, 0, MPI_BYTE, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE) ==
           MPI_SUCCESS ? 0 : -EIO;
}
