/* test_store.c - the results file: append and read back, never overwrite,
 * and a clear error, with the file left untouched, for a file that is not
 * HDF5, truncated, of another schema, foreign, full of fill values, or
 * written for another config; a full disk stops appends with -ENOSPC and
 * keeps what was flushed. */
#include <errno.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ictune/store.h"
#include "test.h"

static char dir[] = "/tmp/ict_store_XXXXXX";

static ict_config_t *cfg(const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\n"
             "metrics: [rmse]\nconstraints: [\"rmse < 3\"]\n"
             "parameters:\n  a: {from: 0, to: 9, step: 1}\n  b: [x, \"y y\", z]\n"
             "search: {strategy: dsice, line_search: full}\n%s", extra);
    ict_config_t *c;
    ict_error_t e;
    int rc = ict_config_parse("s.yaml", text, strlen(text), &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.text);
    CHECK_EQ(rc, 0);
    return c;
}

static void append(ict_store_t *st, int64_t id, int a, int b, double v)
{
    double m[1] = {v / 2};
    /* the space is a (10 values) x b (3): flat = 3a + b */
    ict_record_t r = {.id = id, .stage = 1, .level = 1, .flat = (uint64_t)(3 * a + b),
                      .objective = v, .metrics = m, .status = ICT_STATUS_OK,
                      .attempt = 1, .worker = 1, .host = "host", .gpu = "",
                      .cpuset = "", .run_dir = "runs/x", .reason = "",
                      .start = 0.5, .end = 1.5};
    ict_error_t e;
    CHECK_EQ(ict_store_append_eval(st, &r, &e), 0);
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*n + 1);
    CHECK(fread(b, 1, *n, f) == *n);
    fclose(f);
    return b;
}

static void expect_refused(const char *path, ict_config_t *c, const char *needle)
{
    size_t n0, n1;
    char *before = slurp(path, &n0);
    ict_store_t *st = NULL;
    ict_error_t e;
    char ch[256];
    int rc = ict_store_open(&st, path, c, ch, sizeof ch, &e);
    if (rc == 0)
        fprintf(stderr, "expected a refusal with '%s'\n", needle);
    CHECK(rc < 0);
    CHECK(st == NULL);
    CHECK_CONTAINS(e.text, needle);
    CHECK_CONTAINS(e.text, path);
    char *after = slurp(path, &n1);
    CHECK_EQ(n0, n1);
    CHECK(memcmp(before, after, n0) == 0);     /* never modified */
    free(before);
    free(after);
}

/* Rewrite a root string attribute as ictune writes it (fixed length). */
static void set_attr(const char *path, const char *name, const char *value)
{
    hid_t h = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CHECK(h >= 0);
    CHECK(H5Adelete(h, name) >= 0);
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, strlen(value) + 1);
    hid_t a = H5Acreate2(h, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a >= 0);
    CHECK(H5Awrite(a, t, value) >= 0);
    H5Aclose(a);
    H5Tclose(t);
    H5Sclose(sp);
    H5Fclose(h);
}

/* A file written by an ictune that lacked dsice's restarts, line_order,
 * wave and restart_from options: its search signature has none of them,
 * and it ran as restarts=0, line_order=given, wave=0, restart_from=random
 * do (their `was` values), which are not today's defaults. */
static void older_options(const char *path)
{
    ict_config_t *c = cfg("");
    ict_store_t *st;
    ict_error_t e;
    char ch[256];
    CHECK_EQ(ict_store_create(&st, path, c, &e), 0);
    append(st, 0, 1, 1, 2.0);
    ict_store_close(st);
    const char *old = "dsice line_search=full per_line=1 alpha=0.1 markers=2 "
                      "max_points=30 confirm=3 start=centre seed=1 max_level=0";
    set_attr(path, "strategy_options", old);
    /* today's defaults are another search: refused, naming the options */
    CHECK(ict_store_open(&st, path, c, ch, sizeof ch, &e) < 0);
    CHECK(strstr(e.text, "start: centre in the file, design in the config"));
    CHECK(strstr(e.text, "restarts: 0 in the file, auto in the config"));
    CHECK(strstr(e.text, "line_order: given in the file, predicted in the config"));
    ict_config_free(c);
    ict_config_t *r;                   /* what the file ran, named */
    const char *y = "name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\n"
                    "metrics: [rmse]\nconstraints: [\"rmse < 3\"]\nparameters:\n"
                    "  a: {from: 0, to: 9, step: 1}\n  b: [x, \"y y\", z]\n"
                    "search: {strategy: dsice, line_search: full, restarts: %d,\n"
                    "  start: centre, line_order: given, wave: 0, restart_from: random,\n"
                    "  stall: 0, guided: 0}\n";
    char text[512];
    snprintf(text, sizeof text, y, 0);
    CHECK_EQ(ict_config_parse("s.yaml", text, strlen(text), &r, &e), 0);
    CHECK_EQ(ict_store_open(&st, path, r, ch, sizeof ch, &e), 0);
    ict_store_close(st);
    ict_config_free(r);
    snprintf(text, sizeof text, y, 3);  /* not what the file ran */
    CHECK_EQ(ict_config_parse("s.yaml", text, strlen(text), &r, &e), 0);
    expect_refused(path, r, "search (strategy and options) changed");
    ict_config_free(r);
    /* an option this ictune does not know, or another strategy: refused */
    c = cfg("");
    set_attr(path, "strategy_options", "dsice line_search=full bogus=1");
    expect_refused(path, c, "search (strategy and options) changed");
    set_attr(path, "strategy_options", "dsice-seq alpha=0.1");
    expect_refused(path, c, "search (strategy and options) changed");
    set_attr(path, "strategy_options", "dsic");
    expect_refused(path, c, "search (strategy and options) changed");
    ict_config_free(c);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    char path[256], p2[256];
    snprintf(path, sizeof path, "%s/r.h5", dir);
    ict_config_t *c = cfg("");
    ict_store_t *st;
    ict_error_t e;
    CHECK_EQ(ict_store_create(&st, path, c, &e), 0);
    CHECK_EQ(ict_store_job_begin(st, 1, 1, "host", &e), 0);
    for (int i = 0; i < 5; i++)
        append(st, i, i, i % 3, 10.0 - i);
    ict_stage_row_t sr = {1, 1, (int32_t[]){2, 1}, 3.0, 5, 6.0, 4, 0, 1};
    CHECK_EQ(ict_store_append_stage(st, &sr, &e), 0);
    CHECK_EQ(ict_store_prepare(st, ICT_STATUS_OK, 1, 0, "runs/prepare", "", 0, 1, &e), 0);
    ict_store_close(st);
    /* never overwritten */
    CHECK_EQ(ict_store_create(&st, path, c, &e), -EEXIST);
    CHECK_CONTAINS(e.text, "--resume");

    /* reopen: the rows, the prepare step, the running job marked killed */
    char ch[512];
    CHECK_EQ(ict_store_open(&st, path, c, ch, sizeof ch, &e), 0);
    CHECK_STR(ch, "");
    CHECK_STR(ict_store_prepared(st), "runs/prepare");
    ict_record_t *rows;
    size_t n;
    CHECK_EQ(ict_store_rows(st, &rows, &n, &e), 0);
    CHECK_EQ(n, 5);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ(rows[i].id, (int64_t)i);
        int32_t idx[2] = {(int32_t)i, (int32_t)(i % 3)};
        CHECK_EQ(rows[i].flat, ict_space_flat(c->space, idx));
        CHECK_NEAR(rows[i].objective, 10.0 - (double)i, 0);
        CHECK_NEAR(rows[i].metrics[0], (10.0 - (double)i) / 2, 0);
        CHECK_EQ(rows[i].status, ICT_STATUS_OK);
        CHECK_STR(rows[i].host, "host");
        CHECK_EQ(rows[i].speculative, 0);
    }
    ict_store_rows_free(rows, n);
    /* a speculative row: stage 0 until the search takes it; then only its
     * stage and level change */
    CHECK_EQ(ict_store_nevals(st), 5);
    {
        double m[1] = {7};
        ict_record_t r = {.id = 1000000000, .stage = 0, .level = 0, .flat = 29,
                          .objective = 1.25, .metrics = m, .status = ICT_STATUS_OK,
                          .attempt = 1, .worker = 2, .host = "h", .gpu = "g",
                          .cpuset = "0x1", .run_dir = "runs/s", .reason = "why",
                          .start = 2, .end = 3, .speculative = 1};
        CHECK_EQ(ict_store_append_eval(st, &r, &e), 0);
    }
    CHECK_EQ(ict_store_set_stage(st, 5, 7, 2, &e), 0);
    CHECK(ict_store_set_stage(st, 6, 7, 2, &e) < 0);     /* no such row */
    CHECK_EQ(ict_store_rows(st, &rows, &n, &e), 0);
    CHECK_EQ(n, 6);
    CHECK_EQ(rows[5].id, 1000000000);
    CHECK_EQ(rows[5].stage, 7);
    CHECK_EQ(rows[5].level, 2);
    CHECK_EQ(rows[5].speculative, 1);
    CHECK_EQ(rows[5].flat, 29);
    CHECK_NEAR(rows[5].objective, 1.25, 0);
    CHECK_NEAR(rows[5].metrics[0], 7, 0);
    CHECK_NEAR(rows[5].end, 3, 0);
    CHECK_STR(rows[5].reason, "why");
    CHECK_STR(rows[5].cpuset, "0x1");
    CHECK_EQ(rows[4].stage, 1);                           /* untouched */
    ict_store_rows_free(rows, n);
    CHECK_EQ(ict_store_job_begin(st, 4, 3, "h1,h2", &e), 0);
    ict_job_row_t *jobs;
    CHECK_EQ(ict_store_job_rows(st, &jobs, &n, &e), 0);
    CHECK_EQ(n, 2);
    CHECK_STR(jobs[0].exit_reason, "killed");
    CHECK_STR(jobs[1].exit_reason, "running");
    CHECK_EQ(jobs[1].workers, 3);
    free(jobs);
    CHECK_EQ(ict_store_job_end(st, "finished", 0, &e), 0);
    ict_store_close(st);

    /* read-only, with the config taken from the file */
    ict_config_t *fc;
    CHECK_EQ(ict_store_open_readonly(&st, path, &fc, &e), 0);
    CHECK_EQ(ict_space_size(fc->space), 30);
    ict_store_close(st);

    /* allowed changes are recorded; forbidden ones name the key */
    ict_config_t *lim = cfg("limits: {retries: 2}\n");
    CHECK_EQ(ict_store_open(&st, path, lim, ch, sizeof ch, &e), 0);
    CHECK_CONTAINS(ch, "limits and budget changed");
    ict_store_close(st);
    ict_config_free(lim);
    const char *changed[][2] = {
        {"name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\nmetrics: [rmse]\n"
         "constraints: [\"rmse < 3\"]\nparameters:\n  a: {from: 0, to: 8, step: 1}\n"
         "  b: [x, \"y y\", z]\nsearch: {strategy: dsice, line_search: full}\n", "parameters changed"},
        {"name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\nmetrics: [rmse]\n"
         "constraints: [\"rmse < 4\"]\nparameters:\n  a: {from: 0, to: 9, step: 1}\n"
         "  b: [x, \"y y\", z]\nsearch: {strategy: dsice, line_search: full}\n", "constraints changed"},
        {"name: s\ncommand: run {a} {b}\nobjective: {metric: loss, goal: maximize}\nmetrics: [rmse]\n"
         "constraints: [\"rmse < 3\"]\nparameters:\n  a: {from: 0, to: 9, step: 1}\n"
         "  b: [x, \"y y\", z]\nsearch: {strategy: dsice, line_search: full}\n", "objective changed"},
        {"name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\nmetrics: [rmse]\n"
         "constraints: [\"rmse < 3\"]\nparameters:\n  a: {from: 0, to: 9, step: 1}\n"
         "  b: [x, \"y y\", z]\nsearch: {strategy: dsice, line_search: ippe}\n", "search (strategy and options) changed"},
        {"name: s\ncommand: run {a} {b}\nobjective: {metric: loss}\nmetrics: [rmse, psnr]\n"
         "constraints: [\"rmse < 3\"]\nparameters:\n  a: {from: 0, to: 9, step: 1}\n"
         "  b: [x, \"y y\", z]\nsearch: {strategy: dsice, line_search: full}\n", "metrics changed"},
    };
    for (size_t i = 0; i < sizeof changed / sizeof *changed; i++) {
        ict_config_t *cc;
        CHECK_EQ(ict_config_parse("s.yaml", changed[i][0], strlen(changed[i][0]), &cc, &e), 0);
        expect_refused(path, cc, changed[i][1]);
        ict_config_free(cc);
    }

    snprintf(p2, sizeof p2, "%s/older.h5", dir);
    older_options(p2);

    /* not HDF5 */
    snprintf(p2, sizeof p2, "%s/text.h5", dir);
    FILE *f = fopen(p2, "w");
    fputs("name: not a results file\n", f);
    fclose(f);
    expect_refused(p2, c, "not an HDF5 file");
    /* truncated */
    size_t full;
    char *bytes = slurp(path, &full);
    snprintf(p2, sizeof p2, "%s/trunc.h5", dir);
    f = fopen(p2, "wb");
    fwrite(bytes, 1, full / 2, f);
    fclose(f);
    free(bytes);
    expect_refused(p2, c, "damaged or truncated");
    /* a foreign HDF5 file */
    snprintf(p2, sizeof p2, "%s/foreign.h5", dir);
    hid_t h = H5Fcreate(p2, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(h);
    expect_refused(p2, c, "not an ictune results file");
    /* another schema version */
    snprintf(p2, sizeof p2, "%s/schema.h5", dir);
    CHECK_EQ(ict_store_create(&st, p2, c, &e), 0);
    ict_store_close(st);
    h = H5Fopen(p2, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t a = H5Aopen(h, "schema_version", H5P_DEFAULT);
    double v = 99;
    H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
    H5Fclose(h);
    expect_refused(p2, c, "schema version 99");
    /* fill-value rows: one trailing row is the append a crash cut short;
     * two, or one in the middle, mean a damaged file */
    snprintf(p2, sizeof p2, "%s/fill.h5", dir);
    CHECK_EQ(ict_store_create(&st, p2, c, &e), 0);
    for (int i = 0; i < 3; i++)
        append(st, i, i, 0, 1);
    ict_store_close(st);
    h = H5Fopen(p2, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = H5Dopen2(h, "evaluations", H5P_DEFAULT);
    hsize_t ext[1] = {4};
    H5Dset_extent(d, ext);
    H5Dclose(d);
    H5Fclose(h);
    CHECK_EQ(ict_store_open(&st, p2, c, ch, sizeof ch, &e), 0);
    CHECK_EQ(ict_store_rows(st, &rows, &n, &e), 0);
    CHECK_EQ(n, 3);
    ict_store_rows_free(rows, n);
    append(st, 3, 3, 0, 1);                    /* overwrites the fill row */
    ict_store_close(st);
    h = H5Fopen(p2, H5F_ACC_RDWR, H5P_DEFAULT);
    d = H5Dopen2(h, "evaluations", H5P_DEFAULT);
    ext[0] = 6;
    H5Dset_extent(d, ext);
    H5Dclose(d);
    H5Fclose(h);
    expect_refused(p2, c, "2 rows of /evaluations (from row 4) hold the fill value");

    /* a full disk (here: the file size limit) -> -ENOSPC, rows kept */
    snprintf(p2, sizeof p2, "%s/full.h5", dir);
    CHECK_EQ(ict_store_create(&st, p2, c, &e), 0);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim2;
    getrlimit(RLIMIT_FSIZE, &old);
    lim2 = old;
    lim2.rlim_cur = 96 * 1024;
    CHECK(setrlimit(RLIMIT_FSIZE, &lim2) == 0);
    int rc = 0, written = 0;
    for (int i = 0; i < 100000 && !rc; i++) {
        double m[1] = {1};
        ict_record_t r = {.id = i, .stage = 1, .level = 1,
                          .flat = (uint64_t)(3 * (i % 10) + i % 3), .objective = 1,
                          .metrics = m, .status = ICT_STATUS_OK, .attempt = 1,
                          .worker = 1, .host = "h", .gpu = "", .cpuset = "",
                          .run_dir = "d", .reason = "", .start = 0, .end = 1};
        rc = ict_store_append_eval(st, &r, &e);
        written += !rc;
    }
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK_EQ(rc, -ENOSPC);
    CHECK_CONTAINS(e.text, "the disk is full");
    CHECK(written > 10);
    ict_store_close(st);
    ict_store_t *st2;
    CHECK_EQ(ict_store_open(&st2, p2, c, ch, sizeof ch, &e), 0);
    CHECK_EQ(ict_store_rows(st2, &rows, &n, &e), 0);
    CHECK((int)n >= written - 1 && (int)n <= written);
    ict_store_rows_free(rows, n);
    ict_store_close(st2);


    ict_config_free(c);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    TEST_DONE();
}
