/* test_strategy_contract.c - every registered strategy, on several spaces,
 * with failed and known-infeasible points mixed in: it never proposes a
 * point twice, outside the space or excluded by the config's restrictions,
 * it terminates, its stages do not depend
 * on the order in which results arrive, and without failures it finds the
 * optimum of a separable convex function. */
#include <errno.h>

#include "ictune/db.h"
#include "ictune/search.h"
#include "ictune/strategy.h"
#include "test.h"

static const char *spaces[] = {
    "  a: {from: 0, to: 30, step: 1}\n",
    "  a: {from: 0, to: 9, step: 1}\n  b: [x]\n  c: [1, 2, 3, 4, 5, 6, 7]\n",
    "  lr: {from: 1, to: 10, step: 1}\n  w2: {from: 0, to: 10, step: 1}\n"
    "  w3: {from: 0, to: 10, step: 1}\n  w4: {from: 0, to: 10, step: 1}\n",
    "  a: [0, 1]\n  b: [0, 1, 2]\n  c: [0, 1]\n  d: [p, q]\n",
};

/* the mixed runs also exclude points by restrictions (never proposed) */
static const char *restrictions[] = {
    "[\"a % 4 != 1\"]", "[\"a + c != 7\", \"b == 'x'\"]",
    "[\"lr * w2 != 12\", \"w3 // 3 != 2 or w4 > 5\"]",
    "[\"not (a == 1 and d == 'q')\"]",
};

typedef struct run {
    uint64_t *seq;
    size_t n, cap;
} run_t;

static int mixed_feasible(void *ud, uint64_t f)
{
    return *(int *)ud ? f % 13 != 5 : 1;
}

static double objective(const ict_space_t *sp, uint64_t flat)
{
    int32_t idx[8];
    ict_space_unflat(sp, flat, idx);
    double y = 0;
    for (size_t a = 0; a < ict_space_dims(sp); a++) {
        double opt = (double)ict_space_count(sp, a) * 0.8;   /* off centre */
        if (opt > (double)ict_space_count(sp, a) - 1)
            opt = (double)ict_space_count(sp, a) - 1;
        double d = idx[a] - (int)opt;
        y += (1.0 + (double)a) * d * d;
    }
    return y;
}

/* Run to the end; order 0: results in stage order, 1: reversed,
 * 2: interleaved (odd positions first). */
static void run_search(const char *strategy, size_t sp, int mixed, int order,
                       long budget, run_t *r, double *best, uint64_t *best_flat)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name: c\ncommand: x\nobjective: {metric: m}\nparameters:\n%s"
             "search: {strategy: %s%s}\n%s%s\n", spaces[sp], strategy,
             budget ? ", max_evaluations: 300" : "",
             mixed ? "restrictions: " : "", mixed ? restrictions[sp] : "");
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("c.yaml", text, strlen(text), &c, &e), 0);
    ict_search_t *s;
    ict_search_opts_t o = {mixed_feasible, &mixed, NULL, 0, NULL};
    CHECK_EQ(ict_search_new(&s, c, &o, &e), 0);
    ict_db_t *seen;
    CHECK_EQ(ict_db_new(&seen), 0);
    uint64_t size = ict_space_size(c->space);
    int rc;
    memset(r, 0, sizeof *r);
    while ((rc = ict_search_next(s, &e)) == 0) {
        size_t n = ict_search_stage_size(s);
        CHECK(n > 0);
        for (size_t i = 0; i < n; i++) {
            uint64_t f = ict_search_stage_point(s, i);
            CHECK(f < size);
            CHECK(mixed_feasible(&mixed, f));
            int32_t idx[8];
            ict_space_unflat(c->space, f, idx);
            CHECK(ict_config_point_valid(c, idx));        /* not excluded */
            CHECK_EQ(ict_db_put(seen, f, 1, 0, 0), 0);    /* never twice */
            if (r->n == r->cap) {
                r->cap = r->cap ? 2 * r->cap : 256;
                r->seq = realloc(r->seq, r->cap * sizeof *r->seq);
            }
            r->seq[r->n++] = f;
            CHECK(r->n <= size);                          /* terminates */
        }
        for (size_t k = 0; k < n; k++) {
            size_t i = order == 0 ? k : order == 1 ? n - 1 - k
                     : (k < n / 2 ? 2 * k + 1 : 2 * (k - n / 2));
            uint64_t f = ict_search_stage_point(s, i);
            int fail = mixed && f % 17 == 3;
            CHECK_EQ(ict_search_report(s, f, fail ? ICT_STATUS_FAILED : ICT_STATUS_OK,
                                       fail ? NAN : objective(c->space, f), &e), 0);
        }
    }
    if (rc < 0)
        fprintf(stderr, "%s: %s\n", strategy, e.text);
    CHECK_EQ(rc, 1);
    if (budget)
        CHECK(r->n <= 300);
    *best = INFINITY;
    uint64_t bf;
    if (ict_search_best(s, &bf, best) == 0)
        *best_flat = bf;
    ict_db_free(seen);
    ict_search_free(s);
    ict_config_free(c);
}

/* The contract for one strategy (a registry name, optionally followed by
 * its options: "dsice, restarts: 5"): on every space, clean and mixed, the
 * same points in the same order whatever the order results arrive in. */
static void contract(const char *name)
{
    for (size_t sp = 0; sp < sizeof spaces / sizeof *spaces; sp++) {
        for (int mixed = 0; mixed < 2; mixed++) {
            run_t r0, r1, r2;
            double b0, b1, b2;
            uint64_t f0 = 0, f1 = 0, f2 = 0;
            long budget = sp == 2 && mixed;
            run_search(name, sp, mixed, 0, budget, &r0, &b0, &f0);
            run_search(name, sp, mixed, 1, budget, &r1, &b1, &f1);
            run_search(name, sp, mixed, 2, budget, &r2, &b2, &f2);
            CHECK_EQ(r0.n, r1.n);
            CHECK_EQ(r0.n, r2.n);
            for (size_t i = 0; i < r0.n; i++) {
                CHECK_EQ(r0.seq[i], r1.seq[i]);
                CHECK_EQ(r0.seq[i], r2.seq[i]);
            }
            CHECK_EQ(f0, f1);
            CHECK(b0 == b1 && b0 == b2);
            if (!mixed) {
                /* separable convex: every strategy finds the optimum */
                if (b0 != 0)
                    fprintf(stderr, "%s on space %zu: best %g after %zu\n",
                            name, sp, b0, r0.n);
                CHECK(b0 == 0);
            }
            printf("%-10s space %zu %s: %zu evaluations, best %g\n", name,
                   sp, mixed ? "mixed" : "clean", r0.n, b0);
            free(r0.seq);
            free(r1.seq);
            free(r2.seq);
        }
    }
}

/* The skeleton (src/strategies/skel.c), not in the registry: driven by
 * its hooks as the driver does, on a 5 x 4 space with 3 points already
 * measured. It proposes every other point once, one per stage, in order,
 * stops at its limit, and its optional hooks may be NULL. */
extern const ict_strategy_t ict_strategy_skel;

static void skeleton(long limit)
{
    const ict_strategy_t *k = &ict_strategy_skel;
    CHECK_EQ(k->abi, ICT_STRATEGY_ABI);
    CHECK(k->init && k->next && k->observe == NULL && k->base == NULL);
    CHECK(ict_strategy_find("skel") == NULL);
    char text[512];
    snprintf(text, sizeof text, "name: c\ncommand: x\nobjective: {metric: m}\n"
             "parameters: {a: [1, 2, 3, 4, 5], b: [1, 2, 3, 4]}\n"
             "search: {strategy: exhaustive}\n");
    ict_config_t *c;
    ict_error_t e;
    CHECK_EQ(ict_config_parse("c.yaml", text, strlen(text), &c, &e), 0);
    if (limit) {                        /* its option, as a config gives it */
        char v[32];
        snprintf(v, sizeof v, "%ld", limit);
        c->options = realloc(c->options, sizeof *c->options);
        c->options[0] = (ict_option_t){.key = strdup("limit"), .value = strdup(v)};
        c->n_options = 1;
    }
    ict_db_t *db;
    CHECK_EQ(ict_db_new(&db), 0);
    CHECK_EQ(ict_db_put(db, 0, 1, 1.0, 0), 0);
    CHECK_EQ(ict_db_put(db, 7, 1, 1.0, 0), 0);
    CHECK_EQ(ict_db_put(db, 19, 1, 1.0, 0), 0);
    ict_db_t *memo;
    CHECK_EQ(ict_db_new(&memo), 0);
    ict_strategy_ctx_t ctx = {c->space, c, db, NULL, NULL, NULL, NULL, NULL, memo};
    void *priv = calloc(1, k->priv_size);
    CHECK_EQ(k->init(priv, &ctx, &e), 0);
    ict_stage_t st = {NULL, 0, 0, 0};
    uint64_t expect = 0, n = 0;
    int rc;
    while ((rc = k->next(priv, &st, &e)) == 0) {
        CHECK_EQ(st.n, 1);
        while (expect == 0 || expect == 7 || expect == 19)
            expect++;
        CHECK_EQ(st.points[0], expect);
        CHECK_EQ(ict_db_put(db, st.points[0], 1, 2.0, 0), 0);
        expect++;
        n++;
        st.n = 0;
    }
    CHECK_EQ(rc, 1);
    CHECK_EQ(n, limit ? (uint64_t)limit - (limit > 7 ? 2 : 1) : 17);
    if (k->fini)
        k->fini(priv);
    free(priv);
    free(st.points);
    ict_db_free(db);
    ict_db_free(memo);
    ict_config_free(c);
}

int main(void)
{
    skeleton(0);
    skeleton(10);
    const ict_strategy_t *const *all = ict_strategy_list();
    int count = 0;
    for (size_t k = 0; all[k]; k++, count++) {
        const char *name = all[k]->name;
        CHECK_EQ(all[k]->abi, ICT_STRATEGY_ABI);
        CHECK(all[k]->init && all[k]->next);   /* the rest is optional */
        CHECK(ict_strategy_find(name) == all[k]);
        contract(name);
    }
    /* options that change the course of a search */
    contract("dsice, restarts: 6, stall: 12");   /* restarts on a stall */
    contract("dsice, restarts: 4");
    contract("dsice, line_search: full, restarts: 2, seed: 9");
    contract("dsice, start: random, seed: 3");
    contract("dsice, start_samples: 6, restarts: 2, seed: 4");
    contract("dsice, start: centre, line_order: given, restarts: 0");
    contract("dsice, design_points: 30, wave: 1, seed: 6");
    contract("dsice, line_search: full, wave: 0, restart_from: random, "
             "restarts: 3");
    contract("dsice, start: design, line_order: predicted, wave: 2, "
             "restart_from: predicted, restarts: 5, seed: 11");
    contract("dsice, guided: 15, seed: 5");    /* the guided beginning */
    contract("dsice, guided: 0, design_points: 12");
    contract("dsice, start: centre, guided: 8, restarts: 2");
    CHECK(count >= 4);
    CHECK(ict_strategy_find("nope") == NULL);
    TEST_DONE();
}
