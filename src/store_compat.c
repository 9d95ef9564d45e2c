/* store_compat.c - the resume compatibility policy: the config's
 * signatures written into a new file, and on --resume the keys that must
 * not change (space, objective, constraints, metrics, strategy and its
 * options; a strategy option given its default is the same) and those
 * that may (limits, budget, command), which are noted. A refused file is
 * never modified. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ictune/strategy.h"
#include "store_int.h"

/* ---- config signatures: what must not change under --resume -------------- */

static char *sig_space(const ict_config_t *c)
{
    ict__buf_t b = {0};
    for (size_t a = 0; a < ict_space_dims(c->space); a++) {
        ict__buf_printf(&b, "%s%s=[", a ? "; " : "", ict_space_name(c->space, a));
        for (size_t i = 0; i < ict_space_count(c->space, a); i++)
            ict__buf_printf(&b, "%s%s", i ? "," : "", ict_space_value(c->space, a, i)->text);
        ict__buf_adds(&b, "]");
    }
    return ict__buf_take(&b);
}

static char *sig_objective(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_printf(&b, "%s %s%s", c->goal == ICT_MAXIMIZE ? "maximize" : "minimize",
                    c->objective, c->parse_last_number ? " (parse: last-number)" : "");
    if (c->repeat > 1)
        ict__buf_printf(&b, " (repeat %d, %s)", c->repeat,
                        (const char *[]){"median", "mean", "min"}[c->aggregate]);
    return ict__buf_take(&b);
}

static char *sig_constraints(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_adds(&b, "");
    for (size_t k = 0; k < c->n_constraints; k++)
        ict__buf_printf(&b, "%s%s %s %.17g", k ? "; " : "", c->constraints[k].metric,
                        (const char *[]){"<", "<=", ">", ">="}[c->constraints[k].op],
                        c->constraints[k].bound);
    return ict__buf_take(&b);
}

static char *sig_restrictions(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_adds(&b, "");
    for (size_t k = 0; k < c->n_restrictions; k++)
        ict__buf_printf(&b, "%s%s", k ? "; " : "", c->restriction_text[k]);
    return ict__buf_take(&b);
}

static char *sig_initial(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_adds(&b, "");
    int32_t *idx = calloc(ict_space_dims(c->space) + 1, sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < c->n_initial; i++) {
        ict_space_unflat(c->space, c->initial[i], idx);
        for (size_t a = 0; a < ict_space_dims(c->space); a++)
            ict__buf_printf(&b, "%s%s=%s", a ? " " : i ? "; " : "",
                            ict_space_name(c->space, a),
                            ict_space_value(c->space, a, (size_t)idx[a])->text);
    }
    free(idx);
    return ict__buf_take(&b);
}

static char *sig_metrics(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_adds(&b, "");
    for (size_t k = 0; k < c->n_metrics; k++)
        ict__buf_printf(&b, "%s%s", k ? "," : "", c->metrics[k]);
    return ict__buf_take(&b);
}

static char *sig_strategy(const ict_config_t *c)
{
    ict__buf_t b = {0};
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    ict__buf_adds(&b, c->strategy);
    for (const ict_option_info_t *o = st ? st->options : NULL; o && o->key; o++) {
        const ict_option_t *v = ict_config_option(c, o->key);
        ict__buf_printf(&b, " %s=%s", o->key, v ? v->value : o->def);
    }
    return ict__buf_take(&b);
}

/* A file written before an option existed records no value for it; such a
 * search ran as the strategy's legacy table (else the option's default) says, so the
 * file's signature, completed with those values for the options it lacks,
 * is compared. Nonzero: the same search. */
static int strategy_same(const ict_config_t *c, const char *theirs,
                         char *diff, size_t dsize)
{
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    size_t n = strlen(c->strategy);
    if (!st || strncmp(theirs, c->strategy, n) || (theirs[n] && theirs[n] != ' '))
        return 0;
    /* every option in the file must still exist */
    for (const char *p = theirs + n; *p == ' ';) {
        const char *k = p + 1, *eq = strchr(k, '=');
        if (!eq)
            return 0;
        const ict_option_info_t *o = st->options;
        while (o && o->key && (strlen(o->key) != (size_t)(eq - k) ||
                               strncmp(o->key, k, (size_t)(eq - k))))
            o++;
        if (!o || !o->key)
            return 0;
        p = strchr(eq, ' ');
        if (!p)
            break;
    }
    int same = 1;
    for (const ict_option_info_t *o = st->options; o && o->key; o++) {
        const ict_option_t *v = ict_config_option(c, o->key);
        const char *mine = v ? v->value : o->def, *f = NULL;
        size_t kl = strlen(o->key);
        for (const char *p = theirs + n; p && *p == ' '; p = strchr(p + 1, ' '))
            if (!strncmp(p + 1, o->key, kl) && p[1 + kl] == '=') {
                f = p + 2 + kl;
                break;
            }
        if (!f) {                       /* absent: what the file ran */
            f = o->def;
            for (const ict_option_info_t *l = st->legacy; l && l->key; l++)
                if (!strcmp(l->key, o->key))
                    f = l->def;
        }
        size_t fl = strcspn(f, " ");
        if (strlen(mine) != fl || strncmp(mine, f, fl)) {
            same = 0;
            size_t at = diff ? strlen(diff) : 0;
            if (diff && at < dsize)
                snprintf(diff + at, dsize - at, "%s%s: %.*s in the file, %s in "
                         "the config", at ? "; " : "", o->key, (int)fl, f, mine);
        }
    }
    return same;
}

static char *sig_limits(const ict_config_t *c)
{
    ict__buf_t b = {0};
    ict__buf_printf(&b, "max_evaluations=%lld timeout=%gs retries=%d",
                    (long long)c->max_evaluations, c->timeout, c->retries);
    return ict__buf_take(&b);
}

static char *sig_command(const ict_config_t *c)
{
    ict__buf_t b = {0};
    if (c->command.shell)
        ict__buf_adds(&b, c->command.shell);
    for (size_t i = 0; i < c->command.argc; i++)
        ict__buf_printf(&b, "%s%s", i ? " " : "", c->command.argv[i]);
    return ict__buf_take(&b);
}

typedef char *(*sig_f)(const ict_config_t *);
/* absent: what a file written before the key existed ran as (NULL: the
 * attribute must be there) */
static const struct {
    const char *attr, *key;
    sig_f fn;
    int must_match;
    const char *absent;
} sigs[] = {
    {"space", "parameters", sig_space, 1, NULL},
    {"restrictions", "restrictions", sig_restrictions, 1, ""},
    {"objective", "objective", sig_objective, 1, NULL},
    {"constraints", "constraints", sig_constraints, 1, NULL},
    {"metrics", "metrics", sig_metrics, 1, NULL},
    {"strategy_options", "search (strategy and options)", sig_strategy, 1, NULL},
    {"initial", "search.initial", sig_initial, 1, ""},
    {"limits", "limits and budget", sig_limits, 0, NULL},
    {"command", "command", sig_command, 0, NULL},
};

int ict__store_write_sigs(hid_t file, const ict_config_t *c)
{
    int rc = 0;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs && !rc; i++) {
        char *v = sigs[i].fn(c), name[64];
        snprintf(name, sizeof name, "%s", sigs[i].attr);
        rc = v ? attr_str(file, name, v) : -ENOMEM;
        free(v);
    }
    return rc;
}

int ict__store_compare(hid_t file, const char *path, const ict_config_t *c,
                       char *changes, size_t size, ict_error_t *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof sigs / sizeof *sigs; i++) {
        char *mine = sigs[i].fn(c);
        char *theirs = attr_get_str(file, sigs[i].attr);
        if (!theirs && sigs[i].absent)
            theirs = strdup(sigs[i].absent);
        if (!mine) {
            rc = -ENOMEM;
        } else if (!theirs && sigs[i].must_match) {
            rc = ict_errorf(err, -EINVAL, "%s: the attribute '%s' is missing: "
                            "the file is damaged", path, sigs[i].attr);
        } else if (theirs && strcmp(mine, theirs) && sigs[i].fn == sig_strategy &&
                   !strategy_same(c, theirs, NULL, 0)) {
            char diff[1024] = "";
            strategy_same(c, theirs, diff, sizeof diff);
            rc = ict_errorf(err, -EINVAL, "%s: the config's search (strategy "
                            "and options) changed since this file was written "
                            "(%s%.300s%s); resume with the search the file "
                            "ran (set those options under 'search:'), or "
                            "choose another 'output'", path,
                            diff[0] ? "" : "file: '", diff[0] ? diff : theirs,
                            diff[0] ? "" : "'");
        } else if (theirs && strcmp(mine, theirs) && sigs[i].fn != sig_strategy) {
            if (sigs[i].must_match)
                rc = ict_errorf(err, -EINVAL, "%s: the config's %s changed "
                                "since this file was written (file: '%.200s'; "
                                "config: '%.200s'); resume with the original "
                                "config or choose another 'output'", path,
                                sigs[i].key, theirs, mine);
            else if (changes && size)
                snprintf(changes + strlen(changes), size - strlen(changes),
                         "%s%s changed ('%.100s' -> '%.100s')",
                         changes[0] ? "; " : "", sigs[i].key, theirs, mine);
        }
        free(mine);
        free(theirs);
    }
    return rc;
}

void ict__store_update_sigs(hid_t file, const ict_config_t *c)
{
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        if (!sigs[i].must_match) {
            char *mine = sigs[i].fn(c);
            if (mine)
                attr_str(file, sigs[i].attr, mine);
            free(mine);
        }
}
