/* strategy.c - the static registry of strategies and typed option access.
 * Options are validated against each strategy's key table when the config
 * loads; here their values are parsed, with errors naming file:line:col. */
#include "ictune/strategy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const ict_strategy_t ict_strategy_dsice;
extern const ict_strategy_t ict_strategy_dsice_seq;
extern const ict_strategy_t ict_strategy_exhaustive;
extern const ict_strategy_t ict_strategy_random;

static const ict_strategy_t *const registry[] = {
    &ict_strategy_dsice,
    &ict_strategy_dsice_seq,
    &ict_strategy_exhaustive,
    &ict_strategy_random,
    NULL,
};

const ict_strategy_t *const *ict_strategy_list(void) { return registry; }

const ict_strategy_t *ict_strategy_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; registry[i]; i++)
        if (registry[i]->abi == ICT_STRATEGY_ABI &&
            !strcmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}

int ict_stage_push(ict_stage_t *st, uint64_t flat)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 64;
        uint64_t *np = realloc(st->points, cap * sizeof *np);
        if (!np)
            return -ENOMEM;
        st->points = np;
        st->cap = cap;
    }
    st->points[st->n++] = flat;
    return 0;
}

/* The option's text and where it was written (or its default). */
static const char *option_text(const ict_strategy_ctx_t *ctx,
                               const ict_strategy_t *s, const char *key,
                               char *where, size_t wsize)
{
    const ict_option_t *o = ict_config_option(ctx->config, key);
    if (o && o->line == 0) {
        snprintf(where, wsize, "--set %s", key);
        return o->value;
    }
    if (o) {
        snprintf(where, wsize, "%s:%d:%d: search.%s", ctx->config->path,
                 o->line, o->col, key);
        return o->value;
    }
    snprintf(where, wsize, "strategy %s: default of %s", s->name, key);
    for (const ict_option_info_t *i = s->options; i && i->key; i++)
        if (!strcmp(i->key, key))
            return i->def;
    return NULL;
}

int ict_option_int(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                   const char *key, long long lo, long long hi,
                   long long *out, ict_error_t *err)
{
    char where[512];
    const char *t = option_text(ctx, s, key, where, sizeof where);
    if (!t)
        return ict_errorf(err, -EINVAL, "%s: no such option", where);
    char *end;
    long long v = strtoll(t, &end, 10);
    if (end == t || *end || v < lo || v > hi)
        return ict_errorf(err, -EINVAL, "%s: found '%s'; expected a whole "
                          "number from %lld to %lld", where, t, lo, hi);
    *out = v;
    return 0;
}

int ict_option_double(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                      const char *key, double lo, double hi, double *out,
                      ict_error_t *err)
{
    char where[512];
    const char *t = option_text(ctx, s, key, where, sizeof where);
    if (!t)
        return ict_errorf(err, -EINVAL, "%s: no such option", where);
    char *end;
    double v = strtod(t, &end);
    if (end == t || *end || !isfinite(v) || v < lo || v > hi)
        return ict_errorf(err, -EINVAL, "%s: found '%s'; expected a number "
                          "from %g to %g", where, t, lo, hi);
    *out = v;
    return 0;
}

int ict_option_choice(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                      const char *key, const char *choices, int *out,
                      ict_error_t *err)
{
    char where[512];
    const char *t = option_text(ctx, s, key, where, sizeof where);
    if (!t)
        return ict_errorf(err, -EINVAL, "%s: no such option", where);
    int k = 0;
    for (const char *p = choices; *p; k++) {
        size_t len = strcspn(p, "|");
        if (strlen(t) == len && !strncmp(p, t, len)) {
            *out = k;
            return 0;
        }
        p += len;
        if (*p == '|')
            p++;
    }
    char list[256];
    snprintf(list, sizeof list, "%s", choices);
    for (char *q = list; *q; q++)
        if (*q == '|')
            *q = ',';
    return ict_errorf(err, -EINVAL, "%s: found '%s'; expected one of: %s",
                      where, t, list);
}
