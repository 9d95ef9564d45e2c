/* random.c - uniform random sampling without replacement, seeded.
 *
 * A sparse Fisher-Yates shuffle: only displaced positions are stored, so
 * memory grows with the evaluations made, not with the space's size. */
#include <errno.h>
#include <stdlib.h>

#include "ictune/db.h"
#include "ictune/strategy.h"
#include "lines.h"

typedef struct map { uint64_t *k, *v; unsigned char *u; size_t cap, n; } map_t;

typedef struct rnd {
    const ict_strategy_ctx_t *ctx;
    ict__rng_t rng;
    uint64_t i, size;
    size_t batch;
    map_t m;
} rnd_t;

extern const ict_strategy_t ict_strategy_random;

static const ict_option_info_t options[] = {
    {"seed", "1", "random seed: the same seed gives the same points"},
    {"batch", "32", "points per stage"},
    ICT_SPECULATION_OPTIONS,
    {NULL, NULL, NULL},
};

static size_t map_slot(const map_t *m, uint64_t k)
{
    size_t mask = m->cap - 1, i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 17) & mask;
    while (m->u[i] && m->k[i] != k)
        i = (i + 1) & mask;
    return i;
}

static uint64_t map_get(const map_t *m, uint64_t k)
{
    if (!m->cap)
        return k;
    size_t i = map_slot(m, k);
    return m->u[i] ? m->v[i] : k;       /* identity where untouched */
}

static int map_set(map_t *m, uint64_t k, uint64_t v)
{
    if ((m->n + 1) * 2 > m->cap) {
        map_t n = {0};
        n.cap = m->cap ? m->cap * 2 : 64;
        n.k = malloc(n.cap * sizeof *n.k);
        n.v = malloc(n.cap * sizeof *n.v);
        n.u = calloc(n.cap, 1);
        if (!n.k || !n.v || !n.u) {
            free(n.k);
            free(n.v);
            free(n.u);
            return -ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->u[i]) {
                size_t j = map_slot(&n, m->k[i]);
                n.k[j] = m->k[i];
                n.v[j] = m->v[i];
                n.u[j] = 1;
            }
        n.n = m->n;
        free(m->k);
        free(m->v);
        free(m->u);
        *m = n;
    }
    size_t i = map_slot(m, k);
    if (!m->u[i]) {
        m->u[i] = 1;
        m->k[i] = k;
        m->n++;
    }
    m->v[i] = v;
    return 0;
}

static int init(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err)
{
    rnd_t *r = priv;
    long long seed, b;
    int rc;
    if ((rc = ict_option_int(ctx, &ict_strategy_random, "seed", 0,
                             (long long)1 << 62, &seed, err)) ||
        (rc = ict_option_int(ctx, &ict_strategy_random, "batch", 1, 1 << 24,
                             &b, err)))
        return rc;
    r->ctx = ctx;
    r->batch = (size_t)b;
    r->size = ict_space_size(ctx->space);
    ict__rng_seed(&r->rng, (uint64_t)seed);
    return 0;
}

static void fini(void *priv)
{
    rnd_t *r = priv;
    free(r->m.k);
    free(r->m.v);
    free(r->m.u);
}

static int next(void *priv, ict_stage_t *st, ict_error_t *err)
{
    rnd_t *r = priv;
    (void)err;
    while (r->i < r->size && st->n < r->batch) {
        uint64_t j = r->i + ict__rng_below(&r->rng, r->size - r->i);
        uint64_t vi = map_get(&r->m, r->i), vj = map_get(&r->m, j);
        int rc;
        if ((rc = map_set(&r->m, j, vi)))
            return rc;
        r->i++;
        if (ict_db_get(r->ctx->db, vj))
            continue;
        if ((rc = ict_stage_push(st, vj)))
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

const ict_strategy_t ict_strategy_random = {
    .abi = ICT_STRATEGY_ABI,
    .name = "random",
    .help = "uniform random points without replacement (seeded)",
    .priv_size = sizeof(rnd_t),
    .options = options,
    .init = init,
    .next = next,
    .observe = observe,
    .fini = fini,
};
