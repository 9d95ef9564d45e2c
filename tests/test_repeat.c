/* test_repeat.c - repeated runs of one evaluation (launch.c): N runs one
 * after the other in one folder with numbered outputs, each metric the
 * aggregate of its samples, the count and spread of the objective, the
 * runs timed by ictune (wall_time, cpu_time), and a failing run that ends
 * the evaluation with its outcome. Real programs through /bin/sh. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ictune/launch.h"
#include "test.h"

static char base[256];

static const ict_raw_result_t *run(const char *script, int repeat, int agg,
                                   const char *dir, ict_launch_t **lp)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", base, dir);
    CHECK(mkdir(path, 0777) == 0);
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    char *env[] = {NULL};
    ict_task_t t = {.id = 1, .flat = 0, .attempt = 1, .argv = argv, .env = env,
                    .run_dir = path, .run_dir_made = 1, .params = "x=1\n",
                    .timeout = 20, .repeat = repeat, .aggregate = agg,
                    .objective = "t"};
    CHECK(ict_launch_start(lp, &t) == 0);
    for (int i = 0; i < 40000 && !ict_launch_step(*lp); i++)
        usleep(500);
    CHECK(ict_launch_done(*lp));
    return ict_launch_result(*lp);
}

static double metric(const ict_raw_result_t *r, const char *name)
{
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name) && !r->metrics[i].bad)
            return r->metrics[i].value;
    return NAN;
}

static int exists(const char *dir, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s/%s", base, dir, name);
    return access(p, F_OK) == 0;
}

int main(void)
{
    snprintf(base, sizeof base, "/tmp/ict-test-repeat-%d", (int)getpid());
    CHECK(mkdir(base, 0777) == 0);
    ict_launch_t *l;
    /* four runs: t = 1, 2, 3, 7 (ICTUNE_SAMPLE says which run it is) */
    const char *four = "s=$ICTUNE_SAMPLE; [ $s = 4 ] && s=7; "
                       "echo \"[ictune] t=$s u=1\"; echo t=$s > \"$ICTUNE_RESULT_FILE\"";
    const ict_raw_result_t *r = run(four, 4, ICT_AGGREGATE_MEAN, "mean", &l);
    CHECK(r->launched && r->exited && r->exit_code == 0);
    CHECK_NEAR(metric(r, "t"), 13.0 / 4, 1e-12);
    CHECK_NEAR(metric(r, "u"), 1, 0);
    CHECK_NEAR(metric(r, ICT_METRIC_REPEATS), 4, 0);
    CHECK_NEAR(metric(r, ICT_METRIC_SPREAD), 6, 0);
    CHECK(metric(r, ICT_METRIC_WALL) > 0 && metric(r, ICT_METRIC_WALL) < 20);
    CHECK(metric(r, ICT_METRIC_CPU) >= 0);
    for (int k = 1; k <= 4; k++) {
        char n[32];
        snprintf(n, sizeof n, "stdout.%d", k);
        CHECK(exists("mean", n));
        snprintf(n, sizeof n, "result.%d", k);
        CHECK(exists("mean", n));
    }
    CHECK(!exists("mean", "stdout.5") && exists("mean", "stdout") &&
          exists("mean", "stderr"));
    ict_launch_free(l);
    r = run(four, 4, ICT_AGGREGATE_MEDIAN, "median", &l);
    CHECK_NEAR(metric(r, "t"), 2.5, 1e-12);
    ict_launch_free(l);
    r = run(four, 4, ICT_AGGREGATE_MIN, "min", &l);
    CHECK_NEAR(metric(r, "t"), 1, 0);
    ict_launch_free(l);
    /* run 2 of 5 fails: the evaluation ends there with its exit code */
    r = run("[ $ICTUNE_SAMPLE = 2 ] && exit 3; echo '[ictune] t=1'", 5,
            ICT_AGGREGATE_MEDIAN, "fail", &l);
    CHECK(r->exited && r->exit_code == 3);
    CHECK(exists("fail", "stdout.2") && !exists("fail", "stdout.3"));
    ict_launch_free(l);
    /* a bad value in one run stays bad */
    r = run("[ $ICTUNE_SAMPLE = 2 ] && v=nan || v=1; echo \"[ictune] t=$v\"", 3,
            ICT_AGGREGATE_MEDIAN, "bad", &l);
    int bad = 0;
    for (int i = 0; i < r->nmetrics; i++)
        bad |= !strcmp(r->metrics[i].name, "t") && r->metrics[i].bad;
    CHECK(bad);
    ict_launch_free(l);
    /* one run: outputs without numbers, still timed */
    r = run("sleep 0.2; echo '[ictune] t=5'", 1, 0, "once", &l);
    CHECK(exists("once", "stdout") && !exists("once", "stdout.1"));
    CHECK(metric(r, ICT_METRIC_WALL) >= 0.2);
    CHECK(isnan(metric(r, ICT_METRIC_REPEATS)));
    ict_launch_free(l);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base);
    CHECK(system(cmd) == 0);
    TEST_DONE();
}
