/* test_proto.c - the MPI wire format (proto.c) without MPI: a task, a
 * raw result and a hello each survive a round trip field by field; a
 * message of another protocol version, a truncated one and one with
 * trailing bytes are refused, never misread. */
#include <errno.h>

#include "../src/proto.h"
#include "test.h"

static void task_round_trip(void)
{
    char *argv[] = {"/bin/sh", "-c", "echo \"$ICTUNE_PARAM_X\"", NULL};
    char *env[] = {"ICTUNE_PARAM_X=a b", "EMPTY=", NULL};
    char *names[] = {"loss", "rmse", NULL};
    ict_task_t t = {.id = 123456789012ull, .flat = 42, .attempt = 3,
                    .argv = argv, .env = env, .metric_names = names,
                    .run_dir = "/w/runs/7", .params = "x=1\ny=b\n",
                    .timeout = 2.5, .kill_grace = 0.25, .max_output = 1 << 20,
                    .parse_last_number = 1, .repeat = 7,
                    .aggregate = ICT_AGGREGATE_MIN, .objective = "time",
                    .in_run_dir = 1};
    ict__buf_t b = {0};
    CHECK_EQ(ict__pack_task(&b, &t), 0);
    ict__task_msg_t m;
    ict_error_t e;
    CHECK_EQ(ict__unpack_task(b.data, b.len, &m, &e), 0);
    CHECK_EQ(m.t.id, t.id);
    CHECK_EQ(m.t.flat, 42);
    CHECK_EQ(m.t.attempt, 3);
    CHECK_NEAR(m.t.timeout, 2.5, 0);
    CHECK_NEAR(m.t.kill_grace, 0.25, 0);
    CHECK_EQ(m.t.max_output, 1 << 20);
    CHECK_EQ(m.t.parse_last_number, 1);
    CHECK_EQ(m.t.repeat, 7);
    CHECK_EQ(m.t.aggregate, ICT_AGGREGATE_MIN);
    CHECK_STR(m.t.objective, "time");
    CHECK_EQ(m.t.in_run_dir, 1);
    CHECK_STR(m.t.run_dir, "/w/runs/7");
    CHECK_STR(m.t.params, "x=1\ny=b\n");
    for (int i = 0; argv[i]; i++)
        CHECK_STR(m.t.argv[i], argv[i]);
    CHECK(m.t.argv[3] == NULL);
    CHECK_STR(m.t.env[0], "ICTUNE_PARAM_X=a b");
    CHECK_STR(m.t.env[1], "EMPTY=");
    CHECK(m.t.env[2] == NULL);
    CHECK_STR(m.t.metric_names[1], "rmse");
    CHECK(m.t.metric_names[2] == NULL);
    ict__task_msg_fini(&m);
    /* cut anywhere: refused */
    for (size_t n = 0; n < b.len; n += 7)
        if (ict__unpack_task(b.data, n, &m, &e) == 0)
            CHECK(!"a truncated task was accepted");
        else
            ict__task_msg_fini(&m);
    b.data[4] ^= 1;                     /* another version */
    CHECK_EQ(ict__unpack_task(b.data, b.len, &m, &e), -EPROTO);
    CHECK_CONTAINS(e.text, "different builds");
    ict__task_msg_fini(&m);
    ict__buf_fini(&b);
}

static void result_round_trip(void)
{
    ict_raw_result_t r;
    memset(&r, 0, sizeof r);
    r.id = 99;
    r.attempt = 2;
    r.launched = r.exited = 1;
    r.exit_code = 7;
    r.signal = 15;
    r.timed_out = 1;
    r.killed = 1;
    r.start = 1.5e9;
    r.end = 1.5e9 + 0.125;
    r.nmetrics = 2;
    snprintf(r.metrics[0].name, sizeof r.metrics[0].name, "loss");
    snprintf(r.metrics[0].text, sizeof r.metrics[0].text, "0.25");
    r.metrics[0].value = 0.25;
    snprintf(r.metrics[1].name, sizeof r.metrics[1].name, "rmse");
    snprintf(r.metrics[1].text, sizeof r.metrics[1].text, "1e999");
    r.metrics[1].bad = 2;
    r.has_last_number = 1;
    r.last_number = -3;
    r.out_bytes = 1ull << 40;
    r.out_truncated = 1;
    r.out_errno = ENOSPC;
    r.own_errno = EROFS;
    r.exec_errno = ENOENT;
    r.result_not_regular = 1;
    snprintf(r.run_dir, sizeof r.run_dir, "/w/runs/99-2");
    snprintf(r.reason, sizeof r.reason, "why not");
    snprintf(r.host, sizeof r.host, "node7");   /* placement: not sent */
    ict__buf_t b = {0};
    CHECK_EQ(ict__pack_result(&b, &r), 0);
    ict_raw_result_t g;
    CHECK_EQ(ict__unpack_result(b.data, b.len, &g), 0);
    CHECK_EQ(g.id, 99);
    CHECK_EQ(g.attempt, 2);
    CHECK_EQ(g.launched + g.exited + g.timed_out + g.killed, 4);
    CHECK_EQ(g.exit_code, 7);
    CHECK_EQ(g.signal, 15);
    CHECK_NEAR(g.end - g.start, 0.125, 1e-6);
    CHECK_EQ(g.nmetrics, 2);
    CHECK_STR(g.metrics[0].name, "loss");
    CHECK_NEAR(g.metrics[0].value, 0.25, 0);
    CHECK_STR(g.metrics[1].text, "1e999");
    CHECK_EQ(g.metrics[1].bad, 2);
    CHECK_EQ(g.has_last_number, 1);
    CHECK_NEAR(g.last_number, -3, 0);
    CHECK_EQ(g.out_bytes, 1ull << 40);
    CHECK_EQ(g.out_truncated, 1);
    CHECK_EQ(g.out_errno, ENOSPC);
    CHECK_EQ(g.own_errno, EROFS);
    CHECK_EQ(g.exec_errno, ENOENT);
    CHECK_EQ(g.result_not_regular, 1);
    CHECK_STR(g.run_dir, "/w/runs/99-2");
    CHECK_STR(g.reason, "why not");
    CHECK_STR(g.host, "");              /* the master fills it from hello */
    CHECK_EQ(ict__unpack_result(b.data, b.len - 1, &g), -EPROTO);
    ict__buf_add(&b, "x", 1);           /* trailing bytes */
    CHECK_EQ(ict__unpack_result(b.data, b.len, &g), -EPROTO);
    ict__buf_fini(&b);
}

static void hello_round_trip(void)
{
    ict__hello_t h;
    memset(&h, 0, sizeof h);
    snprintf(h.host, sizeof h.host, "gpu-node-12");
    snprintf(h.gpu, sizeof h.gpu, "Tesla T4 0000:3b:00.0");
    snprintf(h.cpuset, sizeof h.cpuset, "0x0000ff00");
    snprintf(h.env, sizeof h.env, "CUDA_VISIBLE_DEVICES=2");
    snprintf(h.warning, sizeof h.warning, "memory not bound");
    ict__buf_t b = {0};
    CHECK_EQ(ict__pack_hello(&b, &h), 0);
    ict__hello_t g;
    CHECK_EQ(ict__unpack_hello(b.data, b.len, &g), 0);
    CHECK_STR(g.host, h.host);
    CHECK_STR(g.gpu, h.gpu);
    CHECK_STR(g.cpuset, h.cpuset);
    CHECK_STR(g.env, h.env);
    CHECK_STR(g.warning, h.warning);
    CHECK_STR(g.error, "");
    b.data[0] ^= 1;                     /* not ours */
    CHECK_EQ(ict__unpack_hello(b.data, b.len, &g), -EPROTO);
    ict__buf_fini(&b);
}

int main(void)
{
    task_round_trip();
    result_round_trip();
    hello_round_trip();
    TEST_DONE();
}
