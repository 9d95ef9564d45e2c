/* dsice_seq.c - DSICE sequential, the S_2018 algorithm (3.3): one point
 * per stage.
 *
 * Direction search: measure the unsearched neighbours of level <= k, pick
 * the best neighbour (even if worse than the base); dimension search: IPPE
 * on the whole chord through the base and that neighbour. The base moves to
 * the line's best point when strictly better (k kept); otherwise k rises,
 * and the search ends at the top level. Unlike the reference library, an
 * empty neighbourhood raises the level instead of stopping or failing
 * (bugs 5.2 and 5.3). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "lines.h"

typedef struct seq {
    const ict_strategy_ctx_t *ctx;
    size_t D;
    ict__dsice_opts_t o;
    enum { START, DIR, LINE, DONE } phase;
    int32_t *base;
    uint64_t base_flat;
    double base_y;
    int k;
    ict_db_t *searched;
    uint64_t *cand;             /* C: the neighbours in 3.2 order */
    uint64_t *cand_code;
    size_t ncand;
    int have_cand;
    ict__line_t line;
    int have_line;
    size_t *buf;
} seq_t;

extern const ict_strategy_t ict_strategy_dsice_seq;

static const ict_option_info_t options[] = {
    ICT__START_OPTION("centre", ""),
    ICT__DSICE_OPTIONS,
    {NULL, NULL, NULL},
};

static int init(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err)
{
    seq_t *q = priv;
    q->ctx = ctx;
    q->D = ict_space_dims(ctx->space);
    int rc = ict__dsice_opts(ctx, &ict_strategy_dsice_seq, 0, &q->o, err);
    if (rc)
        return rc;
    q->base = calloc(q->D ? q->D : 1, sizeof *q->base);
    if (!q->base || ict_db_new(&q->searched))
        return -ENOMEM;
    if ((rc = ict__start_point(ctx->space, q->o.start == ICT__START_RANDOM, q->o.seed,
                               ctx->known_feasible, ctx->feasible_ud, q->base)))
        return rc;
    q->base_flat = ict_space_flat(ctx->space, q->base);
    q->base_y = INFINITY;
    q->k = 1;
    q->phase = START;
    return 0;
}

static void drop_cand(seq_t *q)
{
    free(q->cand);
    free(q->cand_code);
    q->cand = q->cand_code = NULL;
    q->ncand = 0;
    q->have_cand = 0;
}

static void drop_line(seq_t *q)
{
    if (q->have_line)
        ict__line_fini(&q->line);
    q->have_line = 0;
}

static void fini(void *priv)
{
    seq_t *q = priv;
    drop_cand(q);
    drop_line(q);
    free(q->base);
    free(q->buf);
    ict_db_free(q->searched);
}

static int build_cand(seq_t *q)
{
    int8_t *deltas;
    size_t count;
    int rc = ict__neighbours(q->ctx->space, q->base, q->k, &deltas, &count);
    if (rc)
        return rc;
    q->cand = malloc((count ? count : 1) * sizeof *q->cand);
    q->cand_code = malloc((count ? count : 1) * sizeof *q->cand_code);
    int32_t *idx = malloc(q->D * sizeof *idx);
    if (!q->cand || !q->cand_code || !idx) {
        free(deltas);
        free(idx);
        return -ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        int8_t *dl = deltas + i * q->D;
        for (size_t a = 0; a < q->D; a++)
            idx[a] = q->base[a] + dl[a];
        uint64_t f = ict_space_flat(q->ctx->space, idx);
        ict__dir_normalise(dl, q->D);
        uint64_t code = ict__dir_code(dl, q->D);
        if (ict_db_get(q->searched, code))
            continue;
        q->cand[q->ncand] = f;
        q->cand_code[q->ncand++] = code;
    }
    free(idx);
    free(deltas);
    q->have_cand = 1;
    return 0;
}

/* No improvement at this level: 1 when the search is over. */
static int escalate(seq_t *q)
{
    drop_cand(q);
    drop_line(q);
    if (q->k >= q->o.max_level) {
        q->phase = DONE;
        return 1;
    }
    q->k++;
    q->phase = DIR;
    return 0;
}

static int start_line(seq_t *q, uint64_t code)
{
    int8_t *dir = malloc(q->D);
    if (!dir)
        return -ENOMEM;
    for (size_t a = q->D; a-- > 0;) {         /* decode base 3 */
        dir[a] = (int8_t)(code % 3) - 1;
        code /= 3;
    }
    int rc = ict__line_build(&q->line, q->ctx->space, q->base, dir, &q->o.ippe);
    free(dir);
    if (rc)
        return rc;
    q->have_line = 1;
    free(q->buf);
    q->buf = malloc(q->line.n * sizeof *q->buf);
    if (!q->buf)
        return -ENOMEM;
    return ict__line_sync(&q->line, q->ctx);
}

static int next(void *priv, ict_stage_t *st, ict_error_t *err)
{
    seq_t *q = priv;
    const ict_db_t *db = q->ctx->db;
    (void)err;
    if (q->phase == START) {
        const ict_db_entry_t *e = ict_db_get(db, q->base_flat);
        if (!e) {
            st->level = 0;
            return ict_stage_push(st, q->base_flat);
        }
        q->base_y = e->valid ? e->y : INFINITY;
        q->phase = DIR;
    }
    for (;;) {
        int rc;
        if (q->phase == DONE)
            return 1;
        if (q->phase == DIR) {
            if (!q->have_cand && (rc = build_cand(q)))
                return rc;
            for (size_t i = 0; i < q->ncand; i++)
                if (!ict_db_get(db, q->cand[i])) {
                    st->level = q->k;
                    return ict_stage_push(st, q->cand[i]);
                }
            /* Every neighbour measured: the best one picks the line. */
            size_t best = SIZE_MAX;
            for (size_t i = 0; i < q->ncand; i++) {
                if ((rc = ict_db_put(q->searched, q->cand_code[i], 0, 0, 0)) &&
                    rc != -EEXIST)
                    return rc;
                const ict_db_entry_t *e = ict_db_get(db, q->cand[i]);
                if (e->valid &&
                    (best == SIZE_MAX || e->y < ict_db_get(db, q->cand[best])->y))
                    best = i;
            }
            if (best == SIZE_MAX) {
                if (escalate(q))
                    return 1;
                continue;
            }
            uint64_t code = q->cand_code[best];
            drop_cand(q);
            if ((rc = start_line(q, code)))
                return rc;
            q->phase = LINE;
        }
        if (q->phase == LINE) {
            if (!q->line.finished) {
                size_t got = ict_ippe_suggest(q->line.ippe, q->buf, q->line.n);
                if (got) {
                    st->level = q->k;
                    return ict_stage_push(st, q->line.flat[q->buf[0]]);
                }
            }
            size_t pos;
            double y;
            if (ict__line_best(&q->line, &pos, &y) == 0 && y < q->base_y) {
                uint64_t code = q->line.code;
                q->base_flat = q->line.flat[pos];
                q->base_y = y;
                ict_space_unflat(q->ctx->space, q->base_flat, q->base);
                drop_line(q);
                ict_db_free(q->searched);
                q->searched = NULL;
                if (ict_db_new(&q->searched) ||
                    ict_db_put(q->searched, code, 0, 0, 0))
                    return -ENOMEM;
                q->phase = DIR;
                continue;
            }
            if (escalate(q))
                return 1;
        }
    }
}

static int observe(void *priv, const ict_stage_t *st, ict_error_t *err)
{
    seq_t *q = priv;
    (void)st;
    (void)err;
    if (q->phase == START) {
        const ict_db_entry_t *e = ict_db_get(q->ctx->db, q->base_flat);
        if (e)
            q->base_y = e->valid ? e->y : INFINITY;
        q->phase = DIR;
    } else if (q->phase == LINE && q->have_line) {
        return ict__line_sync(&q->line, q->ctx);
    }
    return 0;
}

static int base(const void *priv, uint64_t *flat, double *y)
{
    const seq_t *q = priv;
    *flat = q->base_flat;
    *y = q->base_y;
    return 0;
}

const ict_strategy_t ict_strategy_dsice_seq = {
    .abi = ICT_STRATEGY_ABI,
    .name = "dsice-seq",
    .help = "DSICE sequential (S_2018): direction search, then IPPE on the "
            "best neighbour's line; one point per stage",
    .priv_size = sizeof(seq_t),
    .options = options,
    .init = init,
    .next = next,
    .observe = observe,
    .fini = fini,
    .base = base,
};
