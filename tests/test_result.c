/* test_result.c - the result protocol from strings: "[ictune] name=value"
 * lines, the last value of a name wins, a value read whole however long,
 * only the config's names kept (so 40 other metrics cannot push the
 * objective out), strict decimal numbers (0x10, 1e-999, inf, 1e999 are not
 * values), the last number of a line, and result-file lines. */
#include <math.h>

#include "ictune/launch.h"
#include "ictune/number.h"
#include "test.h"

static ict_raw_result_t scan(char **names, int last, int file, const char *text)
{
    ict_raw_result_t r;
    memset(&r, 0, sizeof r);
    ict_result_scan(&r, names, last, file, text, strlen(text));
    return r;
}

static const ict_metric_t *get(const ict_raw_result_t *r, const char *name)
{
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return &r->metrics[i];
    return NULL;
}

int main(void)
{
    /* strict numbers: the table */
    static const struct { const char *s; int rc; double v; } num[] = {
        {"1", 0, 1}, {"-2.5", 0, -2.5}, {"+.5", 0, 0.5}, {"5.", 0, 5},
        {"1e3", 0, 1000}, {"1E-3", 0, 1e-3}, {"0.000", 0, 0},
        {"1e-310", 0, 1e-310},                   /* subnormal: exact enough */
        {"0e-999", 0, 0},                        /* zero is zero */
        {"0x10", ICT_NUMBER_SYNTAX, 0}, {"inf", ICT_NUMBER_SYNTAX, 0},
        {"nan", ICT_NUMBER_SYNTAX, 0}, {"", ICT_NUMBER_SYNTAX, 0},
        {".", ICT_NUMBER_SYNTAX, 0}, {"1e", ICT_NUMBER_SYNTAX, 0},
        {"1.2.3", ICT_NUMBER_SYNTAX, 0}, {" 1", ICT_NUMBER_SYNTAX, 0},
        {"1 ", ICT_NUMBER_SYNTAX, 0}, {"1,5", ICT_NUMBER_SYNTAX, 0},
        {"1e-999", ICT_NUMBER_RANGE, 0}, {"1e999", ICT_NUMBER_RANGE, 0},
        {"-1e400", ICT_NUMBER_RANGE, 0},
    };
    for (size_t i = 0; i < sizeof num / sizeof *num; i++) {
        double v = -42;
        int rc = ict_parse_decimal(num[i].s, strlen(num[i].s), &v);
        if (rc != num[i].rc)
            fprintf(stderr, "'%s': %d, expected %d\n", num[i].s, rc, num[i].rc);
        CHECK_EQ(rc, num[i].rc);
        if (!rc)
            CHECK(v == num[i].v);
    }
    /* a slice of a longer buffer: only n bytes count */
    double v;
    CHECK_EQ(ict_parse_decimal("12345", 2, &v), 0);
    CHECK(v == 12);
    /* numbers written shortest, reading back exactly; plain where that is
     * no longer (10, not 1e+01) */
    static const struct { double v; const char *s; } fmt[] = {
        {10, "10"}, {120, "120"}, {1e5, "100000"}, {1e16, "1e+16"},
        {0.001, "0.001"}, {1e-5, "1e-05"}, {0.1, "0.1"}, {12.5, "12.5"},
        {-10, "-10"}, {0.036087, "0.036087"}, {1.0 / 3, "0.3333333333333333"},
        {2e20, "2e+20"}};
    for (size_t i = 0; i < sizeof fmt / sizeof *fmt; i++) {
        char b[64];
        CHECK_STR(ict_number_format(fmt[i].v, b, sizeof b), fmt[i].s);
        CHECK(strtod(b, NULL) == fmt[i].v);
    }

    char *names[] = {"loss", "rmse", NULL};
    /* the last value wins; other names are ignored; other lines too */
    ict_raw_result_t r = scan(names, 0, 0,
        "epoch 1\n[ictune] loss=3 other=9\nnoise [ictune] loss=7\n[ictune] loss=2 rmse=0.5");
    CHECK_EQ(r.nmetrics, 2);
    CHECK(get(&r, "loss")->value == 2 && !get(&r, "loss")->bad);
    CHECK(get(&r, "rmse")->value == 0.5);
    CHECK(get(&r, "other") == NULL);
    /* 40 names before the objective */
    char line[2048] = "[ictune]";
    for (int i = 1; i <= 40; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " m%d=%d", i, i);
    strcat(line, " loss=4\n");
    r = scan(names, 0, 0, line);
    CHECK(get(&r, "loss") && get(&r, "loss")->value == 4);
    /* without a list: the first ICT_MAX_METRICS names, never an overflow */
    r = scan(NULL, 0, 0, line);
    CHECK_EQ(r.nmetrics, ICT_MAX_METRICS);
    /* a long value is parsed whole: 1 followed by 72 zeros, e-72 = 1 */
    r = scan(names, 0, 0, "[ictune] loss=1000000000000000000000000000000000000000000000000000000000000000000000000e-72\n");
    CHECK(!get(&r, "loss")->bad && get(&r, "loss")->value == 1);
    CHECK_CONTAINS(get(&r, "loss")->text, "...");     /* the text is cut, said */
    /* not values: hex, out of range, words */
    const char *bad[] = {"0x10", "1e-999", "1e999", "nan", "inf", "fast", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char t[64];
        snprintf(t, sizeof t, "[ictune] loss=%s\n", bad[i]);
        r = scan(names, 0, 0, t);
        CHECK(get(&r, "loss") && get(&r, "loss")->bad);
    }
    /* the result file: name=value lines, no tag */
    r = scan(names, 0, 1, "loss=5\nrmse=1\nloss=3\n");
    CHECK(get(&r, "loss")->value == 3 && get(&r, "rmse")->value == 1);
    /* the last number on stdout */
    r = scan(names, 1, 0, "time 3 ms, then 2.5 ms;\nrate 0x10\n");
    CHECK(r.has_last_number && r.last_number == 2.5);
    r = scan(names, 1, 0, "loss: 0.3\nloss: nan\n");
    CHECK(r.has_last_number && isnan(r.last_number));   /* not the 0.3 */
    r = scan(names, 1, 0, "no numbers here\n");
    CHECK(!r.has_last_number);
    /* a name of 64 characters or more is not a metric (config names are
     * at most 63), never a truncated one */
    r = scan(NULL, 0, 0, "[ictune] aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1\n");
    CHECK_EQ(r.nmetrics, 0);
    TEST_DONE();
}
