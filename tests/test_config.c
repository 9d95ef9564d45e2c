/* test_config.c - YAML loading: ranges, lists, defaults, and error
 * messages that name file:line:column. */
#include <errno.h>

#include "ictune/config.h"
#include "ictune/strategy.h"
#include "test.h"

static ict_config_t *load(const char *text, ict_error_t *e, int *rc)
{
    ict_config_t *c = NULL;
    *rc = ict_config_parse("t.yaml", text, strlen(text), &c, e);
    return c;
}

#define HEAD "name: t\ncommand: run {a}\nobjective: {metric: m}\n"

static void expect_error(const char *text, const char *needle)
{
    ict_error_t e;
    int rc;
    ict_config_t *c = load(text, &e, &rc);
    if (rc == 0)
        fprintf(stderr, "expected an error containing '%s' for:\n%s\n", needle, text);
    CHECK(rc < 0);
    CHECK(c == NULL);
    CHECK_CONTAINS(e.text, needle);
    CHECK_CONTAINS(e.text, "t.yaml:");
}

/* It loads, and the strategy check refuses it. */
static void expect_strategy_error(const char *text, const char *needle)
{
    ict_error_t e;
    int rc;
    ict_config_t *c = load(text, &e, &rc);
    CHECK_EQ(rc, 0);
    rc = ict_strategy_check(c, &e);
    if (rc == 0)
        fprintf(stderr, "expected a strategy error containing '%s' for:\n%s\n", needle, text);
    CHECK(rc < 0);
    CHECK_CONTAINS(e.text, needle);
    CHECK_CONTAINS(e.text, "t.yaml:");
    ict_config_free(c);
}

static const ict_space_t *space_of(const char *params, ict_config_t **keep)
{
    char text[2048];
    snprintf(text, sizeof text, HEAD "parameters:\n%s", params);
    ict_error_t e;
    int rc;
    *keep = load(text, &e, &rc);
    if (rc)
        fprintf(stderr, "unexpected error: %s\n", e.text);
    CHECK_EQ(rc, 0);
    return (*keep)->space;
}

int main(void)
{
    ict_config_t *c;
    const ict_space_t *s;

    /* float rounding: 0.1..1.0 step 0.1 has exactly 10 values */
    s = space_of("  a: {from: 0.1, to: 1.0, step: 0.1}\n", &c);
    CHECK_EQ(ict_space_count(s, 0), 10);
    CHECK_STR(ict_space_value(s, 0, 2)->text, "0.3");
    CHECK_STR(ict_space_value(s, 0, 9)->text, "1");
    CHECK(ict_space_value(s, 0, 9)->num == 1.0);
    CHECK(ict_space_value(s, 0, 2)->num == 0.3);
    ict_config_free(c);

    s = space_of("  a: {from: 0, to: 1, step: 0.3}\n", &c);   /* stops at 0.9 */
    CHECK_EQ(ict_space_count(s, 0), 4);
    CHECK_STR(ict_space_value(s, 0, 3)->text, "0.9");
    ict_config_free(c);

    s = space_of("  a: {from: 10, to: 0, step: -5}\n", &c);   /* descending */
    CHECK_EQ(ict_space_count(s, 0), 3);
    CHECK_STR(ict_space_value(s, 0, 2)->text, "0");
    ict_config_free(c);

    s = space_of("  a: {from: 1.0e-5, to: 1.0e-3, count: 10, scale: log}\n", &c);
    CHECK_EQ(ict_space_count(s, 0), 10);
    CHECK_STR(ict_space_value(s, 0, 0)->text, "1e-05");
    CHECK_STR(ict_space_value(s, 0, 9)->text, "0.001");
    CHECK_NEAR(ict_space_value(s, 0, 1)->num, 1e-5 * pow(100, 1.0 / 9), 1e-15);
    ict_config_free(c);

    s = space_of("  a: {from: 0, to: 1, count: 5}\n", &c);
    CHECK_EQ(ict_space_count(s, 0), 5);
    CHECK_STR(ict_space_value(s, 0, 1)->text, "0.25");
    ict_config_free(c);

    s = space_of("  a: [1, 2.50, \"3\", x y, 'q''s']\n  b: [7]\n", &c);
    CHECK_EQ(ict_space_count(s, 0), 5);
    CHECK_STR(ict_space_value(s, 0, 1)->text, "2.50");
    CHECK(ict_space_value(s, 0, 1)->is_num);
    CHECK(!ict_space_value(s, 0, 2)->is_num);     /* quoted: a string */
    CHECK_STR(ict_space_value(s, 0, 3)->text, "x y");
    CHECK_STR(ict_space_value(s, 0, 4)->text, "q's");
    CHECK_EQ(ict_space_size(s), 5);
    CHECK_STR(c->output, "t.h5");
    CHECK_STR(c->workdir, "t-runs");             /* <name>-runs */
    CHECK_STR(c->strategy, "dsice");
    CHECK_EQ(c->goal, ICT_MINIMIZE);
    ict_config_free(c);

    /* the shipped reference config */
    ict_error_t e;
    CHECK_EQ(ict_config_load("../configs/dbpn.yaml", &c, &e), 0);
    CHECK_EQ(ict_space_size(c->space), 13310);
    CHECK_EQ(c->n_constraints, 1);
    CHECK_EQ(c->constraints[0].op, ICT_LT);
    CHECK(c->constraints[0].bound == 12.5);
    CHECK(c->has_prepare);
    CHECK_NEAR(c->timeout, 36000, 0);
    CHECK_EQ(c->retries, 2);
    CHECK_EQ(c->max_evaluations, 600);
    /* slack: >= 0 exactly where the constraint holds, on the metric's
     * scale; a value at a strict bound breaks it, at a non-strict one not */
    CHECK(ict_constraint_slack(&c->constraints[0], 12.5) < 0);
    CHECK(!ict_constraint_holds(&c->constraints[0], 12.5));
    CHECK_NEAR(ict_constraint_slack(&c->constraints[0], 10), 2.5, 1e-6);
    CHECK_NEAR(ict_constraint_slack(&c->constraints[0], 13), -0.5, 1e-6);
    CHECK(isnan(ict_constraint_slack(&c->constraints[0], NAN)));
    {
        ict_constraint_t k = c->constraints[0];
        k.op = ICT_LE;
        CHECK(ict_constraint_slack(&k, 12.5) >= 0);
        CHECK(ict_constraint_slack(&k, 12.5 + 1e-6) < 0);
        k.op = ICT_GT;
        CHECK(ict_constraint_slack(&k, 12.5) < 0);
        CHECK_NEAR(ict_constraint_slack(&k, 13), 0.5, 1e-6);
        k.op = ICT_GE;
        CHECK(ict_constraint_slack(&k, 12.5) >= 0);
        CHECK(ict_constraint_slack(&k, 12.5 - 1e-6) < 0);
        for (int op = ICT_LT; op <= ICT_GE; op++)
            for (double v = 12; v <= 13; v += 0.25) {   /* exact in binary */
                k.op = (ict_cmp_t)op;
                CHECK_EQ(ict_constraint_slack(&k, v) >= 0, ict_constraint_holds(&k, v));
            }
    }
    ict_config_free(c);

    /* durations */
    double d;
    CHECK_EQ(ict_parse_duration("9h", &d), 0);
    CHECK_NEAR(d, 32400, 0);
    CHECK_EQ(ict_parse_duration("1h30m", &d), 0);
    CHECK_NEAR(d, 5400, 0);
    CHECK_EQ(ict_parse_duration("90", &d), 0);
    CHECK_NEAR(d, 90, 0);
    CHECK(ict_parse_duration("9 hours", &d) < 0);
    CHECK(ict_parse_duration("", &d) < 0);

    /* errors, each naming the place and what was expected */
    expect_error(HEAD "parameters:\n  a: [1]\nparamaters: 1\n", "did you mean 'parameters'");
    expect_error(HEAD "parameters:\n  a: [1]\nparamaters: 1\n", "t.yaml:6:1:");
    expect_error(HEAD "parameters:\n  a: {from: 1, to: 0, step: 1}\n", "non-monotone");
    expect_error(HEAD "parameters:\n  a: [1, 2, 1]\n", "twice (positions 1 and 3)");
    expect_error(HEAD "parameters:\n  a: []\n", "empty list");
    expect_error(HEAD "parameters:\n  a: [1]\n  a: [2]\n", "duplicate key 'a'");
    expect_error(HEAD "parameters:\n  a: {from: 0, to: 1}\n", "exactly one of 'step' or 'count'");
    expect_error(HEAD "parameters:\n  a: {from: 0, to: x, step: 1}\n", "expected a number");
    expect_error(HEAD "parameters:\n  a: {from: -1, to: 1, count: 3, scale: log}\n", "log range");
    expect_error(HEAD "parameters:\n  a: [1]\nconstraints: [\"rmse < 3\"]\n", "unknown metric 'rmse'");
    expect_error(HEAD "parameters:\n  a: [1]\nconstraints: [\"m << 3\"]\n", "expected one of < <= > >=");
    expect_error("name: t\ncommand: run {b}\nobjective: {metric: m}\nparameters:\n  a: [1]\n", "{b} names no parameter");
    expect_error("name: t\ncommand: run {aa}\nobjective: {metric: m}\nparameters:\n  ab: [1]\n", "did you mean {ab}");
    /* the loader holds the search options as data; the strategy judges */
    expect_strategy_error(HEAD "parameters:\n  a: [1]\nsearch: {strategy: dsic}\n",
                          "t.yaml:6:20: search.strategy: unknown strategy 'dsic' (did you mean 'dsice'?)");
    expect_strategy_error(HEAD "parameters:\n  a: [1]\nsearch: {strategy: random, line_search: full}\n",
                          "t.yaml:6:28: search (strategy random): unknown key 'line_search'");
    expect_strategy_error(HEAD "parameters:\n  a: [1]\nsearch: {line_search: [a]}\n",
                          "search.line_search: found a list; expected a single value");
    expect_strategy_error(HEAD "parameters:\n  a: [1]\nsearch: {line_search: fast}\n",
                          "line_search");
    expect_error(HEAD "parameters:\n  a: [1]\nlimits: {timeout: soon}\n", "expected a duration");
    expect_error(HEAD "parameters:\n  a: [1]\nobjective2: 1\n", "did you mean 'objective'");
    expect_error("name: t\n", "the key 'command' is missing");
    expect_error("", "the file is empty");
    expect_error("a: [1\n", "not valid YAML");
    expect_error(HEAD "parameters:\n  2a: [1]\n", "not starting with a digit");
    expect_error(HEAD "parameters:\n  a: [1]\n---\nname: u\n", "second YAML document");

    /* --set overrides */
    {
        int rc;
        c = load(HEAD "parameters:\n  a: [1, 2]\nsearch: {line_search: full}\n", &e, &rc);
        CHECK_EQ(rc, 0);
        CHECK_EQ(c->n_options, 1);
        CHECK_EQ(ict_strategy_set(c, "strategy", "random", &e), 0);
        CHECK_EQ(c->n_options, 0);            /* line_search dropped */
        CHECK_EQ(ict_strategy_set(c, "seed", "5", &e), 0);
        CHECK_STR(ict_config_option(c, "seed")->value, "5");
        CHECK(ict_strategy_set(c, "line_search", "full", &e) < 0);
        CHECK(ict_strategy_set(c, "strategy", "nope", &e) < 0);
        ict_config_free(c);
    }
    TEST_DONE();
}
