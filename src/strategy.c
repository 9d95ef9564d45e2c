/* strategy.c - the static registry of strategies, the check of a config's
 * search section against its strategy (names, keys, a dry-run init), the
 * --set overrides, and typed option access; errors name file:line:col.
 * The config loader (config.c) holds the options as data and knows no
 * strategy. */
#include "ictune/strategy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/db.h"
#include "words.h"

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

static int option_known(const ict_strategy_t *st, const char *key)
{
    for (const ict_option_info_t *o = st->options; o && o->key; o++)
        if (!strcmp(o->key, key))
            return 1;
    return 0;
}

/* The names and keys; no init. */
int ict_strategy_check_keys(const ict_config_t *c, ict_error_t *err)
{
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    if (!st && !c->strategy_line)
        return ict_errorf(err, -EINVAL, "%s:1:1: the default strategy '%s' "
                          "is not built in", c->path, c->strategy);
    if (!st) {
        const char *names[32];
        size_t i;
        for (i = 0; registry[i] && i < 31; i++)
            names[i] = registry[i]->name;
        names[i] = NULL;
        char list[256], dbuf[96];
        ict__hint(c->strategy, names, list, sizeof list, dbuf, sizeof dbuf);
        return ict_errorf(err, -EINVAL, "%s:%d:%d: search.strategy: unknown "
                          "strategy '%s'%s; expected one of: %s", c->path,
                          c->strategy_line, c->strategy_col, c->strategy,
                          dbuf, list);
    }
    for (size_t i = 0; i < c->n_options; i++) {
        const ict_option_t *o = &c->options[i];
        if (!option_known(st, o->key)) {
            if (!o->key_line)
                return ict_errorf(err, -EINVAL, "--set %s=%s: strategy %s has "
                                  "no option '%s'", o->key, o->value,
                                  c->strategy, o->key);
            const char *known[64];
            size_t nk = 0;
            known[nk++] = "strategy";
            known[nk++] = "max_evaluations";
            for (const ict_option_info_t *k = st->options; k && k->key && nk < 63; k++)
                known[nk++] = k->key;
            known[nk] = NULL;
            char list[512], dbuf[96];
            ict__hint(o->key, known, list, sizeof list, dbuf, sizeof dbuf);
            return ict_errorf(err, -EINVAL, "%s:%d:%d: search (strategy %s): "
                              "unknown key '%s'%s; expected one of: %s",
                              c->path, o->key_line, o->key_col, st->name,
                              o->key, dbuf, list);
        }
        if (o->found[0])
            return ict_errorf(err, -EINVAL, "%s:%d:%d: search.%s: found %s; "
                              "expected a single value", c->path, o->line,
                              o->col, o->key, o->found);
    }
    return 0;
}

int ict_strategy_check(const ict_config_t *c, ict_error_t *err)
{
    int rc = ict_strategy_check_keys(c, err);
    if (rc)
        return rc;
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    ict_db_t *db = NULL, *memo = NULL;
    void *priv = calloc(1, st->priv_size ? st->priv_size : 1);
    if (!priv || ict_db_new(&db) || ict_db_new(&memo)) {
        free(priv);
        ict_db_free(db);
        return -ENOMEM;
    }
    /* a dry run of init: it parses and range-checks every option */
    ict_strategy_ctx_t ctx = {c->space, c, db, NULL, NULL, NULL, NULL, NULL, memo};
    rc = st->init(priv, &ctx, err);
    if (st->fini)
        st->fini(priv);
    free(priv);
    ict_db_free(db);
    ict_db_free(memo);
    ict_speculation_t sp;
    return rc ? rc : ict_speculation_options(c, &sp, err);
}

int ict_speculation_options(const ict_config_t *c, ict_speculation_t *out,
                            ict_error_t *err)
{
    *out = (ict_speculation_t){0, -1, 0};
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    if (!st || !option_known(st, "speculate"))
        return 0;
    /* only the option table is read */
    ict_strategy_ctx_t ctx = {c->space, c, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    int on;
    int rc = ict_option_choice(&ctx, st, "speculate", "off|on", &on, err);
    if (rc)
        return rc;
    out->on = on;
    if ((rc = ict_option_int(&ctx, st, "lookahead", 1, 1000000, &out->ahead, err)))
        return rc;
    const ict_option_t *o = ict_config_option(c, "max_speculative");
    if (!o || !strcmp(o->value, "auto"))
        return 0;
    char *end;
    long long v = strtoll(o->value, &end, 10);
    if (end == o->value || *end || v < 0) {
        if (!o->line)
            return ict_errorf(err, -EINVAL, "--set max_speculative=%s: "
                              "expected auto or a whole number >= 0", o->value);
        return ict_errorf(err, -EINVAL, "%s:%d:%d: search.max_speculative: "
                          "found '%s'; expected auto or a whole number >= 0",
                          c->path, o->line, o->col, o->value);
    }
    out->max = v;
    return rc;
}

int ict_strategy_set(ict_config_t *c, const char *key, const char *value,
                          ict_error_t *err)
{
    if (!strcmp(key, "strategy")) {
        const ict_strategy_t *st = ict_strategy_find(value);
        if (!st)
            return ict_errorf(err, -EINVAL, "--set strategy=%s: unknown "
                              "strategy", value);
        char *ns = strdup(value);
        if (!ns)
            return -ENOMEM;
        free(c->strategy);
        c->strategy = ns;
        size_t k = 0;
        for (size_t i = 0; i < c->n_options; i++) {
            if (option_known(st, c->options[i].key)) {
                c->options[k++] = c->options[i];
            } else {
                free(c->options[i].key);
                free(c->options[i].value);
            }
        }
        c->n_options = k;
        return 0;
    }
    if (!strcmp(key, "max_evaluations")) {
        char *end;
        long long v = strtoll(value, &end, 10);
        if (end == value || *end || v < 0)
            return ict_errorf(err, -EINVAL, "--set max_evaluations=%s: "
                              "expected a whole number >= 0 (0: no limit)",
                              value);
        c->max_evaluations = v;
        return 0;
    }
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    if (!st || !option_known(st, key))
        return ict_errorf(err, -EINVAL, "--set %s=%s: strategy %s has no "
                          "option '%s'", key, value, c->strategy, key);
    char *nv = strdup(value);
    if (!nv)
        return -ENOMEM;
    for (size_t i = 0; i < c->n_options; i++)
        if (!strcmp(c->options[i].key, key)) {
            free(c->options[i].value);
            c->options[i].value = nv;
            c->options[i].line = c->options[i].col = 0;
            return 0;
        }
    ict_option_t *no = realloc(c->options, (c->n_options + 1) * sizeof *no);
    char *nk = strdup(key);
    if (!no || !nk) {
        free(nv);
        free(nk);
        if (no)
            c->options = no;
        return -ENOMEM;
    }
    c->options = no;
    c->options[c->n_options++] = (ict_option_t){.key = nk, .value = nv};
    return 0;
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

/* A whole number in [lo, hi], or (auto_ok) "auto": 1 then. */
static int option_int(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                      const char *key, long long lo, long long hi, int auto_ok,
                      long long *out, ict_error_t *err)
{
    char where[512];
    const char *t = option_text(ctx, s, key, where, sizeof where);
    if (!t)
        return ict_errorf(err, -EINVAL, "%s: no such option", where);
    if (auto_ok && !strcmp(t, "auto"))
        return 1;
    char *end;
    long long v = strtoll(t, &end, 10);
    if (end == t || *end || v < lo || v > hi)
        return ict_errorf(err, -EINVAL, "%s: found '%s'; expected %sa whole "
                          "number from %lld to %lld", where, t,
                          auto_ok ? "auto or " : "", lo, hi);
    *out = v;
    return 0;
}

int ict_option_int(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                   const char *key, long long lo, long long hi,
                   long long *out, ict_error_t *err)
{
    return option_int(ctx, s, key, lo, hi, 0, out, err);
}

int ict_option_int_auto(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                        const char *key, long long lo, long long hi,
                        long long *out, ict_error_t *err)
{
    return option_int(ctx, s, key, lo, hi, 1, out, err);
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
