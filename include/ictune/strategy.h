/* strategy.h - the search strategy contract and its static registry.
 *
 * A strategy proposes *stages*: batches of points to evaluate. The search
 * driver (search.h) hands back the stage's results all at once and in the
 * stage's own order, whatever order they arrived in, so a strategy is a
 * deterministic function of the config and the measured values. A strategy
 * works on internal values that are always minimised (the driver flips the
 * sign for maximisation) and never proposes a point with a final result.
 *
 * To add one: write src/strategies/foo.c ending in
 *   const ict_strategy_t ict_strategy_foo = { .abi = ICT_STRATEGY_ABI, ... };
 * add it to the registry in src/strategy.c and to src/meson.build. The
 * contract test (tests/test_strategy_contract.c) then covers it. */
#ifndef ICTUNE_STRATEGY_H
#define ICTUNE_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/space.h"

#define ICT_STRATEGY_ABI 1

typedef struct ict_db ict_db_t;

typedef struct ict_option_info {
    const char *key;
    const char *def;            /* default, as text */
    const char *help;
} ict_option_info_t;

/* What the strategy sees of the run: read-only. */
typedef struct ict_strategy_ctx {
    const ict_space_t *space;
    const ict_config_t *config; /* options come from here */
    const ict_db_t *db;         /* every final result so far */
    /* Feasibility known before running (simulate's table); may be NULL. */
    int (*known_feasible)(void *ud, uint64_t flat);
    void *feasible_ud;
    /* The values of the constrained metrics (config->n_constraints, raw,
     * NaN when not known) measured at a point with a final result, or
     * NULL: also at a point that broke a constraint (status INFEASIBLE,
     * whose objective db->y holds too). */
    const double *(*constraint_values)(const void *ud, uint64_t flat);
    /* Every point with such values so far, in order: n points, their flat
     * indices and their values (n_constraints each). */
    size_t (*constraint_points)(const void *ud, const uint64_t **flats,
                                const double **values);
    const void *constraint_ud;
    /* A cache a strategy may keep costly choices in (key -> value): it is
     * shared by a search and the shadow searches that run it ahead
     * (lookahead), which ask the same questions of the same results, so
     * each choice is computed once. Never NULL. */
    ict_db_t *memo;
} ict_strategy_ctx_t;

/* A stage the strategy fills: n flat points, and the DSICE level. */
typedef struct ict_stage {
    uint64_t *points;
    size_t n, cap;
    int level;
} ict_stage_t;

int ict_stage_push(ict_stage_t *st, uint64_t flat);

typedef struct ict_strategy {
    unsigned abi;               /* ICT_STRATEGY_ABI */
    const char *name;
    const char *help;
    size_t priv_size;           /* the driver allocates this much, zeroed */
    const ict_option_info_t *options;   /* {NULL} terminated */
    /* optional, {NULL} terminated: what a results file that records no
     * value for an option ran as (written before the option existed),
     * where that is not the option's default (key, value as def) */
    const ict_option_info_t *legacy;
    int (*init)(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err);
    /* Fill st (empty on entry) with the next stage. Return 0 with st->n > 0,
     * 1 when the search is over, or a negative errno. Points already in the
     * database must not be proposed. */
    int (*next)(void *priv, ict_stage_t *st, ict_error_t *err);
    /* optional: the stage is complete, every point has a final result in
     * ctx->db (a strategy may as well read ctx->db in next) */
    int (*observe)(void *priv, const ict_stage_t *st, ict_error_t *err);
    void (*fini)(void *priv);   /* optional */
    /* optional: the current base point and its internal value */
    int (*base)(const void *priv, uint64_t *flat, double *y);
    /* optional: the strategy's own estimate of a point's internal value
     * from what it has fitted so far (speculation runs the search ahead
     * on such estimates, lookahead.c); -ENOENT when it has none */
    int (*predict)(const void *priv, uint64_t flat, double *y);
} ict_strategy_t;

/* Speculation: the master gives idle workers the points the search will
 * probably ask for next (run.h). A strategy offers it by listing these in
 * its option table; the master reads them with ict_speculation_options. */
#define ICT_SPECULATION_OPTIONS \
    {"speculate", "on", "on: a worker that would wait for the stage to " \
                        "end runs a point the search will probably ask " \
                        "for next (its result is used when it does); off: " \
                        "it waits"}, \
    {"max_speculative", "auto", "the most speculative evaluations the " \
                                "search has not taken, at any time; auto: " \
                                "16 times the workers plus twice the " \
                                "evaluations the search took"}, \
    {"lookahead", "64", "how many stages past the current one " \
                        "speculation looks for points"}

typedef struct ict_speculation {
    int on;
    long long max;              /* -1: auto */
    long long ahead;
} ict_speculation_t;

/* c's speculation settings (off for a strategy without them); errors name
 * the option's file:line:col. */
int ict_speculation_options(const ict_config_t *c, ict_speculation_t *out,
                            ict_error_t *err);

/* Look up by name; NULL when unknown. */
const ict_strategy_t *ict_strategy_find(const char *name);
/* The registry, NULL-terminated. */
const ict_strategy_t *const *ict_strategy_list(void);

/* Is c's search section right for its strategy: a strategy that exists,
 * only options it takes, each a single value its init accepts (a dry run
 * of init on an empty database)? Errors name file:line:col. The config
 * loader holds the options as data; this is where they are judged. */
int ict_strategy_check(const ict_config_t *c, ict_error_t *err);
/* The same without the dry run: the names and keys only. */
int ict_strategy_check_keys(const ict_config_t *c, ict_error_t *err);

/* Override a search setting, as `--set KEY=VALUE` does: KEY is strategy,
 * max_evaluations or an option of the (new) strategy. Changing the strategy
 * drops the options the new one does not take. */
int ict_strategy_set(ict_config_t *c, const char *key, const char *value,
                     ict_error_t *err);

/* Typed access to the config's options of the strategy, with defaults taken
 * from its option table. Errors name the option's file:line:col. */
int ict_option_int(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                   const char *key, long long lo, long long hi,
                   long long *out, ict_error_t *err);
/* ict_option_int that also takes "auto": 1 then (*out untouched). */
int ict_option_int_auto(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                        const char *key, long long lo, long long hi,
                        long long *out, ict_error_t *err);
int ict_option_double(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                      const char *key, double lo, double hi, double *out,
                      ict_error_t *err);
/* One of the '|'-separated words in choices; *out is its position. */
int ict_option_choice(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                      const char *key, const char *choices, int *out,
                      ict_error_t *err);

#endif
