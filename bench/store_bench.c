/* store_bench.c - the results file's costs (issue 5's figures):
 *   store_bench append N     time per appended row, with and without the
 *                            flush per row (the baseline), N rows each
 *   store_bench make FILE N  a results file of N OK rows in exhaustive
 *                            order, for bench/resume.sh to resume
 *   store_bench read FILE    time to read every row back (the floor of a
 *                            resume)
 * The config is bench/store_bench.yaml's space (10^6 points). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ictune/store.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *text =
    "name: sb\noutput: sb.h5\ncommand: [\"true\", \"{a}\", \"{b}\", \"{c}\", \"{d}\"]\n"
    "parameters:\n  a: {from: 0, to: 9, step: 1}\n  b: {from: 0, to: 9, step: 1}\n"
    "  c: {from: 0, to: 99, step: 1}\n  d: {from: 0, to: 99, step: 1}\n"
    "objective: {metric: v}\nmetrics: [m]\nsearch: {strategy: exhaustive, batch: 1024}\n";

static int fill(const char *path, ict_config_t *c, long n, double *secs)
{
    ict_store_t *st;
    ict_error_t e;
    unlink(path);
    if (ict_store_create(&st, path, c, &e)) {
        fprintf(stderr, "%s\n", e.text);
        return 1;
    }
    ict_store_job_begin(st, 1, 1, "bench", &e);
    int32_t idx[4];
    double m[1];
    double t0 = now();
    for (long i = 0; i < n; i++) {
        ict_space_unflat(c->space, (uint64_t)i, idx);
        m[0] = (double)i;
        ict_record_t r = {.id = i, .stage = 1 + i / 1024, .level = 0,
                          .flat = (uint64_t)i, .objective = (double)(i % 9973),
                          .metrics = m, .status = ICT_STATUS_OK, .attempt = 1,
                          .worker = 1, .host = "bench", .gpu = "", .cpuset = "",
                          .run_dir = "runs/x", .reason = "", .start = (double)i,
                          .end = (double)i + 1};
        if (ict_store_append_eval(st, &r, &e)) {
            fprintf(stderr, "%s\n", e.text);
            return 1;
        }
    }
    *secs = now() - t0;
    ict_store_job_end(st, "stopped (resumable)", 3, &e);
    ict_store_close(st);
    return 0;
}

int main(int argc, char **argv)
{
    ict_config_t *c;
    ict_error_t e;
    if (ict_config_parse("store_bench.yaml", text, strlen(text), &c, &e)) {
        fprintf(stderr, "%s\n", e.text);
        return 1;
    }
    double s;
    if (argc == 3 && !strcmp(argv[1], "append")) {
        long n = atol(argv[2]);
        char p[] = "/tmp/store_bench_XXXXXX";
        int fd = mkstemp(p);
        close(fd);
        if (fill(p, c, n, &s))
            return 1;
        double with = s / (double)n;
        setenv("ICTUNE_BENCH_NO_FLUSH", "1", 1);
        if (fill(p, c, n, &s))
            return 1;
        unsetenv("ICTUNE_BENCH_NO_FLUSH");
        double without = s / (double)n;
        unlink(p);
        printf("%ld %.3f %.3f %.2f\n", n, 1e6 * with, 1e6 * without, with / without);
    } else if (argc == 4 && !strcmp(argv[1], "make")) {
        setenv("ICTUNE_BENCH_NO_FLUSH", "1", 1);
        if (fill(argv[2], c, atol(argv[3]), &s))
            return 1;
        printf("%.3f\n", s);
    } else if (argc == 3 && !strcmp(argv[1], "read")) {
        ict_store_t *st;
        char ch[256];
        double t0 = now();
        if (ict_store_open(&st, argv[2], c, ch, sizeof ch, &e)) {
            fprintf(stderr, "%s\n", e.text);
            return 1;
        }
        ict_record_t *rows;
        size_t n;
        if (ict_store_rows(st, &rows, &n, &e)) {
            fprintf(stderr, "%s\n", e.text);
            return 1;
        }
        printf("%zu %.4f\n", n, now() - t0);
        ict_store_rows_free(rows, n);
        ict_store_close(st);
    } else {
        fprintf(stderr, "usage: store_bench append N | make FILE N | read FILE\n");
        return 2;
    }
    ict_config_free(c);
    return 0;
}
