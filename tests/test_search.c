/* test_search.c - the driver: stage layout, any-order results, budget,
 * known-infeasible points, and the errors of a broken contract. */
#include <errno.h>

#include "ictune/search.h"
#include "test.h"

static int odd_infeasible(void *ud, uint64_t flat)
{
    (void)ud;
    return flat % 2 == 0;
}

static ict_config_t *cfg(const char *search)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name: s\ncommand: x\nobjective: {metric: m, goal: maximize}\n"
             "parameters:\n  a: {from: 0, to: 9, step: 1}\n  b: [p, q]\n"
             "search: %s\n", search);
    ict_config_t *c;
    ict_error_t e;
    int rc = ict_config_parse("s.yaml", text, strlen(text), &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.text);
    CHECK_EQ(rc, 0);
    return c;
}

int main(void)
{
    ict_error_t e;
    ict_search_t *s;

    /* exhaustive, batch 4, 20 points; results delivered in reverse */
    ict_config_t *c = cfg("{strategy: exhaustive, batch: 4, max_evaluations: 10}");
    CHECK_EQ(ict_search_new(&s, c, NULL, &e), 0);
    uint64_t expect = 0;
    int stages = 0;
    while (ict_search_next(s, &e) == 0) {
        size_t n = ict_search_stage_size(s);
        stages++;
        CHECK_EQ(ict_search_stage_no(s), stages);
        for (size_t i = 0; i < n; i++) {
            CHECK_EQ(ict_search_stage_point(s, i), expect + i);
            CHECK_EQ(ict_search_stage_id(s, i), expect + i);
        }
        CHECK(n == 4 || (stages == 3 && n == 2));   /* budget cuts stage 3 */
        CHECK_EQ(ict_search_next(s, &e), -EBUSY);
        CHECK_EQ(ict_search_report(s, 999, ICT_STATUS_OK, 1, &e), -EINVAL);
        for (size_t i = n; i-- > 0;) {
            uint64_t f = ict_search_stage_point(s, i);
            CHECK(!ict_search_stage_complete(s));
            CHECK_EQ(ict_search_report(s, f, f == 5 ? ICT_STATUS_FAILED
                                                     : ICT_STATUS_OK,
                                       (double)f, &e), 0);
            if (i)
                CHECK_EQ(ict_search_report(s, f, ICT_STATUS_OK, 0, &e), -EALREADY);
        }
        expect += n;
    }
    ict_search_stats_t st;
    ict_search_stats(s, &st);
    CHECK_EQ(st.evaluations, 10);
    CHECK_EQ(st.invalid, 1);
    CHECK_EQ(st.stages, 3);
    CHECK(st.budget_reached);
    uint64_t bf;
    double bv;
    CHECK_EQ(ict_search_best(s, &bf, &bv), 0);       /* maximize */
    CHECK_EQ(bf, 9);
    CHECK_NEAR(bv, 9, 0);
    const ict_db_entry_t *fe = ict_search_db(s) ? ict_db_get(ict_search_db(s), 5) : NULL;
    CHECK(fe && !fe->valid && fe->status == ICT_STATUS_FAILED);
    ict_search_free(s);
    ict_config_free(c);

    /* known-infeasible points cost nothing and are never handed out */
    c = cfg("{strategy: exhaustive, batch: 3}");
    ict_search_opts_t o = {odd_infeasible, NULL, NULL, 0, NULL};
    CHECK_EQ(ict_search_new(&s, c, &o, &e), 0);
    uint64_t runs = 0;
    while (ict_search_next(s, &e) == 0) {
        for (size_t i = 0; i < ict_search_stage_size(s); i++) {
            uint64_t f = ict_search_stage_point(s, i);
            CHECK(f % 2 == 0);
            CHECK_EQ(ict_search_stage_id(s, i), runs++);
        }
        for (size_t i = 0; i < ict_search_stage_size(s); i++)
            ict_search_report(s, ict_search_stage_point(s, i), ICT_STATUS_OK, 1, &e);
    }
    ict_search_stats(s, &st);
    CHECK_EQ(st.evaluations, 10);
    CHECK_EQ(st.skipped, 10);
    CHECK(!st.budget_reached);
    CHECK_EQ(ict_search_best(s, &bf, &bv), 0);
    CHECK_EQ(bf, 0);                                  /* ties: the earliest */
    ict_search_free(s);
    ict_config_free(c);

    /* an unknown strategy, and bad option values */
    c = cfg("{strategy: random, seed: -3}");
    CHECK(ict_search_new(&s, c, NULL, &e) < 0);
    CHECK_CONTAINS(e.text, "s.yaml:7:");
    CHECK_CONTAINS(e.text, "search.seed");
    ict_config_free(c);
    c = cfg("{strategy: dsice, line_search: partial}");
    CHECK(ict_search_new(&s, c, NULL, &e) < 0);
    CHECK_CONTAINS(e.text, "expected one of: ippe,full");
    ict_config_free(c);
    CHECK_STR(ict_status_name(ICT_STATUS_TIMEOUT), "TIMEOUT");
    TEST_DONE();
}
