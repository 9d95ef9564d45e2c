/* skel.c - the skeleton of a strategy: every hook of ict_strategy_t,
 * documented, in the smallest strategy that works (a sweep that measures
 * one point per stage, in flat order, `limit` points at most). Copy it to
 * start a new one: rename the table, list it in the registry
 * (src/strategy.c) and in src/meson.build, and the contract test
 * (tests/test_strategy_contract.c) covers it. This one is compiled but not
 * registered; the contract test drives it by its hooks.
 *
 * The rules (strategy.h): a strategy is a deterministic function of the
 * config and of the results in ctx->db; it proposes stages, and sees a
 * stage's results only once all of them are in, in the stage's order; it
 * works on internal values that are always minimised; it never proposes a
 * point that already has a final result. */
#include <errno.h>

#include "ictune/db.h"
#include "ictune/strategy.h"

/* Private state: the driver allocates priv_size bytes, zeroed, and hands
 * them to every hook. */
typedef struct skel {
    const ict_strategy_ctx_t *ctx;      /* read-only, valid until fini */
    uint64_t cursor, size;
    long long limit;
} skel_t;

extern const ict_strategy_t ict_strategy_skel;

/* The options it takes: key, default (as text), help. `ictune check`
 * shows them; a key not listed is refused with its file:line:col. */
static const ict_option_info_t options[] = {
    {"limit", "1000000", "points to measure at most"},
    {NULL, NULL, NULL},
};

/* init (required): read the options (typed, range-checked: an error names
 * the option's file:line:col) and set up. It also serves as the dry run of
 * `ictune check` (ict_strategy_check): no side effects beyond priv. */
static int init(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err)
{
    skel_t *k = priv;
    int rc = ict_option_int(ctx, &ict_strategy_skel, "limit", 1, 1ll << 50,
                            &k->limit, err);
    if (rc)
        return rc;
    k->ctx = ctx;
    k->size = ict_space_size(ctx->space);
    return 0;
}

/* next (required): fill st, empty on entry, with the next stage: return 0
 * with st->n > 0, 1 when the search is over, or a negative errno. A point
 * of ctx->db (measured, or known infeasible) must not be proposed. */
static int next(void *priv, ict_stage_t *st, ict_error_t *err)
{
    skel_t *k = priv;
    (void)err;
    while (k->cursor < k->size && (long long)k->cursor < k->limit) {
        uint64_t f = k->cursor++;
        if (ict_db_get(k->ctx->db, f))
            continue;
        return ict_stage_push(st, f);   /* one point per stage */
    }
    return 1;
}

/* observe (optional, NULL here): the stage is complete and every point of
 * it has its final result in ctx->db. A strategy that learns (DSICE moves
 * its base point) does it here; this one needs nothing. */

/* fini (optional): free what init allocated (priv itself is the
 * driver's). Called after a failed init too. */
static void fini(void *priv)
{
    (void)priv;
}

/* base (optional): the current base point and its internal value, for
 * the /stages rows and progress lines; NULL when there is none. */

const ict_strategy_t ict_strategy_skel = {
    .abi = ICT_STRATEGY_ABI,    /* the contract's version */
    .name = "skel",
    .help = "a skeleton: one point per stage, in flat order",
    .priv_size = sizeof(skel_t),
    .options = options,
    .init = init,
    .next = next,
    .observe = NULL,
    .fini = fini,
    .base = NULL,
};
