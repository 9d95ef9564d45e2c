/* exhaustive.c - every point in flat order (first parameter slowest), in
 * stages of `batch` points: the baseline that cannot miss the optimum. */
#include <errno.h>
#include <stdlib.h>

#include "ictune/db.h"
#include "ictune/strategy.h"

typedef struct exh {
    const ict_strategy_ctx_t *ctx;
    uint64_t cursor, size;
    size_t batch;
} exh_t;

extern const ict_strategy_t ict_strategy_exhaustive;

static const ict_option_info_t options[] = {
    {"batch", "32", "points per stage"},
    {NULL, NULL, NULL},
};

static int init(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err)
{
    exh_t *e = priv;
    long long b;
    int rc = ict_option_int(ctx, &ict_strategy_exhaustive, "batch", 1,
                            1 << 24, &b, err);
    if (rc)
        return rc;
    e->ctx = ctx;
    e->batch = (size_t)b;
    e->size = ict_space_size(ctx->space);
    return 0;
}

static int next(void *priv, ict_stage_t *st, ict_error_t *err)
{
    exh_t *e = priv;
    (void)err;
    while (e->cursor < e->size && st->n < e->batch) {
        uint64_t f = e->cursor++;
        if (ict_db_get(e->ctx->db, f))
            continue;
        int rc = ict_stage_push(st, f);
        if (rc)
            return rc;
    }
    return st->n ? 0 : 1;
}

static int observe(void *priv, const ict_stage_t *st, ict_error_t *err)
{
    (void)priv;
    (void)st;
    (void)err;
    return 0;
}

const ict_strategy_t ict_strategy_exhaustive = {
    .abi = ICT_STRATEGY_ABI,
    .name = "exhaustive",
    .help = "every point in order, batch points per stage",
    .priv_size = sizeof(exh_t),
    .options = options,
    .init = init,
    .next = next,
    .observe = observe,
};
