/* config.c - load and validate a tuning config (YAML, via libyaml).
 *
 * The file is loaded into a libyaml document, then walked against the
 * schema; every mapping is checked for unknown and duplicate keys and every
 * error names file:line:column, what was found and what was expected.
 * Nothing is printed; nothing outside the returned struct is touched. */
#include "ictune/config.h"
#include "ictune/record.h"
#include "ictune/number.h"
#include "ictune/launch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "buf.h"
#include "ictune/command.h"
#include "words.h"

#define MAX_VALUES_PER_PARAM 1000000
#define MAX_PARAMS 10000
#define MAX_NAME 63                 /* parameter and metric names */

typedef struct ctx {
    const char *file;
    yaml_document_t *doc;
    ict_error_t *err;
    ict_config_t *c;
    yaml_node_t *command_node, *prepare_node, *objective_node;
} ctx_t;

__attribute__((format(printf, 3, 4)))
static int fail(ctx_t *x, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[ICT_ERROR_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t line = n ? n->start_mark.line + 1 : 1;
    size_t col = n ? n->start_mark.column + 1 : 1;
    return ict_errorf(x->err, -EINVAL, "%s:%zu:%zu: %s", x->file, line, col,
                      msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

/* "a mapping", "a list", "'text'" (truncated) for messages. */
static const char *found(const yaml_node_t *n, char *buf, size_t size)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE:
        if (n->data.scalar.length == 0)
            return "an empty value";
        snprintf(buf, size, "'%.60s%s'", (const char *)n->data.scalar.value,
                 n->data.scalar.length > 60 ? "..." : "");
        return buf;
    default: return "an empty node";
    }
}

static yaml_node_t *node(ctx_t *x, int id) { return yaml_document_get_node(x->doc, id); }

#define did_you_mean ict__did_you_mean
#define join_keys ict__join_words

/* Check a mapping's keys: scalars, known, not repeated. */
static int check_keys(ctx_t *x, yaml_node_t *map, const char *what,
                      const char *const *known)
{
    char fb[96];
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail(x, map, "%s: found %s; expected a mapping", what,
                    found(map, fb, sizeof fb));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(x, p->key);
        const char *ks = scalar(k);
        if (!ks)
            return fail(x, k, "%s: found %s as a key; expected a plain name",
                        what, found(k, fb, sizeof fb));
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
            if (!strcmp(scalar(node(x, q->key)) ? scalar(node(x, q->key)) : "",
                        ks))
                return fail(x, k, "%s: duplicate key '%s' (first given on "
                            "line %zu); expected each key once", what, ks,
                            node(x, q->key)->start_mark.line + 1);
        if (!known)
            continue;
        size_t i;
        for (i = 0; known[i]; i++)
            if (!strcmp(known[i], ks))
                break;
        if (!known[i]) {
            char list[512];
            join_keys(list, sizeof list, known);
            const char *dym = did_you_mean(ks, known);
            if (dym)
                return fail(x, k, "%s: unknown key '%s' (did you mean '%s'?); "
                            "expected one of: %s", what, ks, dym, list);
            return fail(x, k, "%s: unknown key '%s'; expected one of: %s",
                        what, ks, list);
        }
    }
    return 0;
}

static yaml_node_t *get(ctx_t *x, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const char *ks = scalar(node(x, p->key));
        if (ks && !strcmp(ks, key))
            return node(x, p->value);
    }
    return NULL;
}

static int is_plain(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE &&
           n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A decimal number (number.h): no inf, nan, hex, nor out of range. */
static int parse_number(const char *s, double *out)
{
    return ict_parse_decimal(s, strlen(s), out) ? -1 : 0;
}

static int get_string(ctx_t *x, yaml_node_t *n, const char *what, char **out)
{
    char fb[96];
    const char *s = scalar(n);
    if (!s || !*s)
        return fail(x, n, "%s: found %s; expected a non-empty string", what,
                    found(n, fb, sizeof fb));
    free(*out);
    *out = strdup(s);
    return *out ? 0 : -ENOMEM;
}

static int get_number(ctx_t *x, yaml_node_t *n, const char *what, double *out)
{
    char fb[96];
    const char *s = scalar(n);
    if (!s || !is_plain(n) || parse_number(s, out))
        return fail(x, n, "%s: found %s; expected a number", what,
                    found(n, fb, sizeof fb));
    return 0;
}

static int get_int(ctx_t *x, yaml_node_t *n, const char *what, long long lo,
                   long long hi, long long *out)
{
    char fb[96];
    double v;
    const char *s = scalar(n);
    if (!s || !is_plain(n) || parse_number(s, &v) || v != floor(v) ||
        strpbrk(s, ".eE") || v < (double)lo || v > (double)hi)
        return fail(x, n, "%s: found %s; expected a whole number from %lld "
                    "to %lld", what, found(n, fb, sizeof fb), lo, hi);
    *out = (long long)v;
    return 0;
}

static int is_ident(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return 0;
    for (s++; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* ---- parameters ------------------------------------------------------- */

/* Placeholders and the fixed fields of /evaluations (record.h). */
static int reserved(const char *name)
{
    return ict_record_reserved(name);
}

static void values_free(ict_value_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

/* Round to 12 significant digits so 0.1+0.2 is 0.3 and ranges are exact. */
static double round12(double v, char *text, size_t size)
{
    snprintf(text, size, "%.12g", v);
    if (!strcmp(text, "-0"))
        strcpy(text, "0");
    return strtod(text, NULL);
}

static int parse_range(ctx_t *x, const char *pname, yaml_node_t *map,
                       ict_value_t **out, size_t *nout)
{
    static const char *const keys[] = {"from", "to", "step", "count", "scale",
                                       NULL};
    char what[160];
    snprintf(what, sizeof what, "parameter '%s'", pname);
    int rc = check_keys(x, map, what, keys);
    if (rc)
        return rc;
    yaml_node_t *nf = get(x, map, "from"), *nt = get(x, map, "to"),
                *ns = get(x, map, "step"), *nc = get(x, map, "count"),
                *nsc = get(x, map, "scale");
    if (!nf || !nt)
        return fail(x, map, "%s: a range needs 'from' and 'to' (with 'step' "
                    "or 'count'); found %s missing", what,
                    !nf ? "'from'" : "'to'");
    if (!!ns == !!nc)
        return fail(x, map, "%s: a range needs exactly one of 'step' or "
                    "'count'; found %s", what, ns ? "both" : "neither");
    if (nsc && !nc)
        return fail(x, nsc, "%s: 'scale' goes with 'count'; expected "
                    "{from, to, count, scale}", what);
    double from, to;
    if ((rc = get_number(x, nf, what, &from)) || (rc = get_number(x, nt, what, &to)))
        return rc;
    size_t n;
    int log_scale = 0;
    double step = 0;
    if (ns) {
        if ((rc = get_number(x, ns, what, &step)))
            return rc;
        if (step == 0)
            return fail(x, ns, "%s: found step 0; expected a non-zero step",
                        what);
        if ((to - from) / step < 0)
            return fail(x, ns, "%s: non-monotone range: from %g to %g never "
                        "arrives with step %g; expected a step of sign %s",
                        what, from, to, step, to > from ? "+" : "-");
        double q = (to - from) / step;
        q = floor(q + 1e-9 * fmax(1.0, fabs(q)));
        if (q + 1 > MAX_VALUES_PER_PARAM)
            return fail(x, ns, "%s: the range has %.0f values; expected at "
                        "most %d", what, q + 1, MAX_VALUES_PER_PARAM);
        n = (size_t)q + 1;
    } else {
        long long cnt;
        if ((rc = get_int(x, nc, what, 1, MAX_VALUES_PER_PARAM, &cnt)))
            return rc;
        n = (size_t)cnt;
        if (nsc) {
            const char *sc = scalar(nsc);
            if (sc && !strcmp(sc, "log"))
                log_scale = 1;
            else if (!sc || strcmp(sc, "linear")) {
                char fb[96];
                return fail(x, nsc, "%s: scale: found %s; expected linear or "
                            "log", what, found(nsc, fb, sizeof fb));
            }
        }
        if (log_scale && (from <= 0 || to <= 0))
            return fail(x, map, "%s: a log range needs from > 0 and to > 0; "
                        "found from %g, to %g", what, from, to);
        if (n == 1 && from != to)
            return fail(x, nc, "%s: count 1 needs from == to; found from %g, "
                        "to %g", what, from, to);
        if (n > 1 && from == to)
            return fail(x, nc, "%s: from == to gives one value; expected "
                        "count 1", what);
    }
    ict_value_t *v = calloc(n, sizeof *v);
    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        double raw;
        if (ns)
            raw = from + (double)i * step;
        else if (n == 1)
            raw = from;
        else if (log_scale)
            raw = i == n - 1 ? to
                  : from * pow(to / from, (double)i / (double)(n - 1));
        else
            raw = i == n - 1 ? to
                  : from + (to - from) * (double)i / (double)(n - 1);
        char text[64];
        v[i].num = round12(raw, text, sizeof text);
        v[i].is_num = 1;
        v[i].text = strdup(text);
        if (!v[i].text) {
            values_free(v, i);
            return -ENOMEM;
        }
    }
    *out = v;
    *nout = n;
    return 0;
}

static int parse_list(ctx_t *x, const char *pname, yaml_node_t *seq,
                      ict_value_t **out, size_t *nout)
{
    char fb[96];
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n == 0)
        return fail(x, seq, "parameter '%s': found an empty list; expected at "
                    "least one value", pname);
    if (n > MAX_VALUES_PER_PARAM)
        return fail(x, seq, "parameter '%s': %zu values; expected at most %d",
                    pname, n, MAX_VALUES_PER_PARAM);
    ict_value_t *v = calloc(n, sizeof *v);
    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = node(x, seq->data.sequence.items.start[i]);
        const char *s = scalar(it);
        if (!s || !*s) {
            values_free(v, i);
            return fail(x, it, "parameter '%s', value %zu: found %s; expected "
                        "a number or a string", pname, i + 1,
                        found(it, fb, sizeof fb));
        }
        v[i].is_num = is_plain(it) && parse_number(s, &v[i].num) == 0;
        v[i].text = strdup(s);
        if (!v[i].text) {
            values_free(v, i);
            return -ENOMEM;
        }
    }
    *out = v;
    *nout = n;
    return 0;
}

static int parse_parameters(ctx_t *x, yaml_node_t *map)
{
    long np = map->type == YAML_MAPPING_NODE ?
        (long)(map->data.mapping.pairs.top - map->data.mapping.pairs.start) : 0;
    if (np > MAX_PARAMS)
        return fail(x, map, "parameters: found %ld; expected at most %d",
                    np, MAX_PARAMS);
    int rc = check_keys(x, map, "parameters", NULL);
    if (rc)
        return rc;
    if (map->data.mapping.pairs.top == map->data.mapping.pairs.start)
        return fail(x, map, "parameters: found an empty mapping; expected at "
                    "least one parameter");
    if ((rc = ict_space_new(&x->c->space)))
        return rc;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(x, p->key), *val = node(x, p->value);
        const char *name = scalar(k);
        if (!*name)
            return fail(x, k, "parameters: found an empty name; expected a "
                        "name such as lr or block_size_x");
        if (strlen(name) > MAX_NAME)
            return fail(x, k, "parameters: the name '%.40s...' has %zu "
                        "characters; expected at most %d", name, strlen(name),
                        MAX_NAME);
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const char *other = scalar(node(x, q->key));
            if (strcmp(other, name) && !strcasecmp(other, name))
                return fail(x, k, "parameters: '%s' and '%s' differ only in "
                            "case, so both would be $ICTUNE_PARAM_%s in the "
                            "program's environment; expected names that "
                            "differ in more than case", other, name, other);
        }
        if (!is_ident(name))
            return fail(x, k, "parameters: found the name '%s'; expected "
                        "letters, digits and '_', not starting with a digit",
                        name);
        if (reserved(name))
            return fail(x, k, "parameters: '%s' is a reserved name (a "
                        "placeholder or a field of the results file); "
                        "expected another name", name);
        ict_value_t *v = NULL;
        size_t n = 0;
        if (val->type == YAML_SEQUENCE_NODE)
            rc = parse_list(x, name, val, &v, &n);
        else if (val->type == YAML_MAPPING_NODE)
            rc = parse_range(x, name, val, &v, &n);
        else {
            char fb[96];
            rc = fail(x, val, "parameter '%s': found %s; expected a list of "
                      "values or a range {from, to, step|count}", name,
                      found(val, fb, sizeof fb));
        }
        if (rc)
            return rc;
        ict_error_t e2;
        rc = ict_space_add(x->c->space, name, v, n, &e2);
        values_free(v, n);
        if (rc)
            return rc == -ENOMEM ? rc : fail(x, k, "%s", e2.text);
    }
    return 0;
}

/* ---- commands ---------------------------------------------------------- */

static int parse_command(ctx_t *x, yaml_node_t *n, const char *what,
                         ict_command_t *cmd)
{
    char fb[96];
    cmd->line = (int)n->start_mark.line + 1;
    cmd->col = (int)n->start_mark.column + 1;
    if (n->type == YAML_SCALAR_NODE) {
        if (!n->data.scalar.length)
            return fail(x, n, "%s: found an empty value; expected a shell "
                        "command string or a list (argv)", what);
        cmd->shell = strdup(scalar(n));
        return cmd->shell ? 0 : -ENOMEM;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(x, n, "%s: found %s; expected a shell command string or "
                    "a list (argv)", what, found(n, fb, sizeof fb));
    size_t argc = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (!argc)
        return fail(x, n, "%s: found an empty list; expected the program "
                    "and its arguments", what);
    cmd->argv = calloc(argc + 1, sizeof *cmd->argv);
    if (!cmd->argv)
        return -ENOMEM;
    for (size_t i = 0; i < argc; i++) {
        yaml_node_t *it = node(x, n->data.sequence.items.start[i]);
        const char *s = scalar(it);
        if (!s || (i == 0 && !*s))
            return fail(x, it, "%s, item %zu: found %s; expected a string",
                        what, i + 1, found(it, fb, sizeof fb));
        if (!(cmd->argv[i] = strdup(s)))
            return -ENOMEM;
        cmd->argc = i + 1;
    }
    return 0;
}

typedef struct ph_check {
    ctx_t *x;
    yaml_node_t *n;
    const char *what;
    int is_prepare;
} ph_check_t;

static int ph_cb(void *ud, size_t off, const char *name, size_t len)
{
    ph_check_t *p = ud;
    char nm[128];
    snprintf(nm, sizeof nm, "%.*s", (int)(len < 100 ? len : 100), name);
    if (!strcmp(nm, "id") || !strcmp(nm, "run_dir"))
        return 0;
    if (!strcmp(nm, "prepare_dir")) {
        if (p->x->c->has_prepare)
            return 0;
        return fail(p->x, p->n, "%s: {prepare_dir} is used but the config has "
                    "no 'prepare' step; expected a prepare: {command: ...}",
                    p->what);
    }
    if (ict_space_find(p->x->c->space, nm) >= 0) {
        if (p->is_prepare)
            return fail(p->x, p->n, "%s: {%s} is a parameter, but the prepare "
                        "step runs once for all points; expected {id}, "
                        "{run_dir} or {prepare_dir}", p->what, nm);
        return 0;
    }
    size_t np = ict_space_dims(p->x->c->space);
    const char **known = calloc(np + 4, sizeof *known);
    if (!known)
        return -ENOMEM;
    for (size_t a = 0; a < np; a++)
        known[a] = ict_space_name(p->x->c->space, a);
    known[np] = "id";
    known[np + 1] = "run_dir";
    known[np + 2] = p->x->c->has_prepare ? "prepare_dir" : NULL;
    const char *dym = did_you_mean(nm, known);
    int rc;
    (void)off;
    if (dym)
        rc = fail(p->x, p->n, "%s: the placeholder {%s} names no parameter "
                  "(did you mean {%s}?); expected a parameter name, {id}, "
                  "{run_dir} or {prepare_dir}", p->what, nm, dym);
    else
        rc = fail(p->x, p->n, "%s: the placeholder {%s} names no parameter; "
                  "expected a parameter name, {id}, {run_dir} or "
                  "{prepare_dir}", p->what, nm);
    free(known);
    return rc;
}

static int check_placeholders(ctx_t *x, yaml_node_t *n, const ict_command_t *cmd,
                              const char *what, int is_prepare)
{
    if (cmd->shell) {
        ph_check_t p = {x, n, what, is_prepare};
        return ict_placeholder_scan(cmd->shell, ph_cb, &p);
    }
    for (size_t i = 0; i < cmd->argc; i++) {
        ph_check_t p = {x, node(x, n->data.sequence.items.start[i]), what,
                        is_prepare};
        int rc = ict_placeholder_scan(cmd->argv[i], ph_cb, &p);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- objective, constraints, metrics ------------------------------------ */

static int parse_objective(ctx_t *x, yaml_node_t *map)
{
    static const char *const keys[] = {"metric", "goal", "parse", NULL};
    int rc = check_keys(x, map, "objective", keys);
    if (rc)
        return rc;
    yaml_node_t *m = get(x, map, "metric"), *g = get(x, map, "goal"),
                *ps = get(x, map, "parse");
    char fb[96];
    if (ps) {
        const char *s = scalar(ps);
        if (!s || strcmp(s, "last-number"))
            return fail(x, ps, "objective.parse: found %s; expected "
                        "last-number", found(ps, fb, sizeof fb));
        x->c->parse_last_number = 1;
    }
    if (m) {
        if ((rc = get_string(x, m, "objective.metric", &x->c->objective)))
            return rc;
        if (!is_ident(x->c->objective))
            return fail(x, m, "objective.metric: found '%s'; expected a name "
                        "of letters, digits and '_'", x->c->objective);
        if (strlen(x->c->objective) > MAX_NAME)
            return fail(x, m, "objective.metric: the name has %zu characters; "
                        "expected at most %d", strlen(x->c->objective), MAX_NAME);
    } else if (ps) {
        x->c->objective = strdup("value");
        if (!x->c->objective)
            return -ENOMEM;
    } else {
        return fail(x, map, "objective: 'metric' is missing; expected "
                    "{metric: NAME, goal: minimize|maximize}");
    }
    if (g) {
        const char *s = scalar(g);
        if (s && !strcmp(s, "minimize"))
            x->c->goal = ICT_MINIMIZE;
        else if (s && !strcmp(s, "maximize"))
            x->c->goal = ICT_MAXIMIZE;
        else {
            static const char *const goals[] = {"minimize", "maximize", NULL};
            const char *dym = s ? did_you_mean(s, goals) : NULL;
            return fail(x, g, "objective.goal: found %s%s%s%s; expected "
                        "minimize or maximize", found(g, fb, sizeof fb),
                        dym ? " (did you mean '" : "", dym ? dym : "",
                        dym ? "'?)" : "");
        }
    }
    return 0;
}

static int metric_known(const ict_config_t *c, const char *m)
{
    if (c->objective && !strcmp(c->objective, m))
        return 1;
    for (size_t i = 0; i < c->n_metrics; i++)
        if (!strcmp(c->metrics[i], m))
            return 1;
    return 0;
}

static int parse_metrics(ctx_t *x, yaml_node_t *seq)
{
    char fb[96];
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(x, seq, "metrics: found %s; expected a list of metric "
                    "names", found(seq, fb, sizeof fb));
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    x->c->metrics = calloc(n + 1, sizeof *x->c->metrics);
    if (!x->c->metrics)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = node(x, seq->data.sequence.items.start[i]);
        const char *s = scalar(it);
        if (!s || !is_ident(s))
            return fail(x, it, "metrics, item %zu: found %s; expected a name "
                        "of letters, digits and '_'", i + 1,
                        found(it, fb, sizeof fb));
        if (strlen(s) > MAX_NAME)
            return fail(x, it, "metrics, item %zu: the name has %zu "
                        "characters; expected at most %d", i + 1, strlen(s),
                        MAX_NAME);
        if (i + 1 >= ICT_MAX_METRICS)
            return fail(x, it, "metrics: item %zu is one too many: the "
                        "objective and at most %d further metrics are "
                        "recorded", i + 1, ICT_MAX_METRICS - 1);
        if (metric_known(x->c, s))
            return fail(x, it, "metrics: '%s' is listed twice or is the "
                        "objective; expected each metric once", s);
        if (reserved(s) || ict_space_find(x->c->space, s) >= 0)
            return fail(x, it, "metrics: '%s' is a parameter's or a results "
                        "field's name; expected another name", s);
        if (!(x->c->metrics[i] = strdup(s)))
            return -ENOMEM;
        x->c->n_metrics = i + 1;
    }
    return 0;
}

/* repeat: N runs per evaluation, their metrics aggregated (launch.h); the
 * objective's count of samples and spread become two more metrics. */
static int parse_repeat(ctx_t *x, yaml_node_t *rn, yaml_node_t *an)
{
    ict_config_t *c = x->c;
    int rc;
    c->repeat = 1;
    if (rn) {
        long long v;
        if ((rc = get_int(x, rn, "repeat", 1, ICT_REPEAT_MAX, &v)))
            return rc;
        c->repeat = (int)v;
    }
    if (an) {
        static const char *const names[] = {"median", "mean", "min", NULL};
        const char *s = scalar(an);
        int k = -1;
        for (int i = 0; s && names[i]; i++)
            if (!strcmp(s, names[i]))
                k = i;
        if (k < 0) {
            char fb[96];
            const char *dym = s ? did_you_mean(s, names) : NULL;
            return fail(x, an, "aggregate: found %s%s%s%s; expected median, "
                        "mean or min", found(an, fb, sizeof fb),
                        dym ? " (did you mean '" : "", dym ? dym : "",
                        dym ? "'?)" : "");
        }
        if (!rn || c->repeat < 2)
            return fail(x, an, "aggregate: set, but each evaluation runs "
                        "once; expected 'repeat: N' (N >= 2) with it");
        c->aggregate = k;
    }
    if (c->repeat < 2)
        return 0;
    static const char *const added[] = {ICT_METRIC_REPEATS, ICT_METRIC_SPREAD};
    for (size_t i = 0; i < 2; i++) {
        if (metric_known(c, added[i]))
            return fail(x, rn, "repeat: ictune records the metric '%s' of "
                        "repeated runs itself, but the config names a metric "
                        "'%s'; expected another name for that one", added[i],
                        added[i]);
        char **nm = realloc(c->metrics, (c->n_metrics + 2) * sizeof *nm);
        if (!nm)
            return -ENOMEM;
        c->metrics = nm;
        if (!(c->metrics[c->n_metrics] = strdup(added[i])))
            return -ENOMEM;
        c->metrics[++c->n_metrics] = NULL;
    }
    return 0;
}

static int parse_constraints(ctx_t *x, yaml_node_t *seq)
{
    char fb[96];
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(x, seq, "constraints: found %s; expected a list such as "
                    "[\"rmse < 12.5\"]", found(seq, fb, sizeof fb));
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    x->c->constraints = calloc(n + 1, sizeof *x->c->constraints);
    if (!x->c->constraints)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *it = node(x, seq->data.sequence.items.start[i]);
        const char *s = scalar(it);
        char name[128], op[4], num[128];
        int used = 0;
        if (!s || sscanf(s, " %127[A-Za-z0-9_] %3[<>=] %127s %n", name, op,
                         num, &used) != 3 || s[used] != '\0')
            return fail(x, it, "constraints, item %zu: found %s; expected "
                        "'METRIC OP NUMBER' with OP one of < <= > >=", i + 1,
                        found(it, fb, sizeof fb));
        ict_constraint_t *k = &x->c->constraints[i];
        if (!strcmp(op, "<")) k->op = ICT_LT;
        else if (!strcmp(op, "<=")) k->op = ICT_LE;
        else if (!strcmp(op, ">")) k->op = ICT_GT;
        else if (!strcmp(op, ">=")) k->op = ICT_GE;
        else
            return fail(x, it, "constraints, item %zu: found the operator "
                        "'%s'; expected one of < <= > >=", i + 1, op);
        if (parse_number(num, &k->bound))
            return fail(x, it, "constraints, item %zu: found the bound '%s'; "
                        "expected a number", i + 1, num);
        if (!metric_known(x->c, name)) {
            const char **known = calloc(x->c->n_metrics + 2, sizeof *known);
            if (!known)
                return -ENOMEM;
            known[0] = x->c->objective;
            for (size_t m = 0; m < x->c->n_metrics; m++)
                known[m + 1] = x->c->metrics[m];
            const char *dym = did_you_mean(name, known);
            char dbuf[160] = "";
            if (dym)
                snprintf(dbuf, sizeof dbuf, " (did you mean '%s'?)", dym);
            free(known);
            return fail(x, it, "constraints, item %zu: unknown metric "
                        "'%s'%s; expected the objective or a name listed "
                        "under 'metrics'", i + 1, name, dbuf);
        }
        k->metric = strdup(name);
        k->text = strdup(s);
        x->c->n_constraints = i + 1;
        if (!k->metric || !k->text)
            return -ENOMEM;
    }
    return 0;
}

/* restrictions: Python-like conditions on parameter values (expr.h); a
 * point where one does not hold is not in the space the search sees. */
#define RESTRICT_LOAD_LIMIT ((uint64_t)1 << 22)   /* points counted at load */

static int parse_restrictions(ctx_t *x, yaml_node_t *n)
{
    char fb[96];
    yaml_node_item_t *items = NULL;
    size_t cnt = 1;
    if (n->type == YAML_SEQUENCE_NODE) {
        items = n->data.sequence.items.start;
        cnt = (size_t)(n->data.sequence.items.top - items);
    } else if (!scalar(n)) {
        return fail(x, n, "restrictions: found %s; expected a list of "
                    "conditions such as [\"block_x * block_y <= 1024\"]",
                    found(n, fb, sizeof fb));
    }
    ict_config_t *c = x->c;
    c->restrictions_line = (int)n->start_mark.line + 1;
    c->restrictions_col = (int)n->start_mark.column + 1;
    c->restrictions = calloc(cnt + 1, sizeof *c->restrictions);
    c->restriction_text = calloc(cnt + 1, sizeof *c->restriction_text);
    if (!c->restrictions || !c->restriction_text)
        return -ENOMEM;
    for (size_t i = 0; i < cnt; i++) {
        yaml_node_t *it = items ? node(x, items[i]) : n;
        const char *s = scalar(it);
        if (!s)
            return fail(x, it, "restrictions, item %zu: found %s; expected a "
                        "condition in quotes", i + 1, found(it, fb, sizeof fb));
        ict_error_t e2 = {0};
        size_t where = 0;
        int rc = ict_expr_compile(&c->restrictions[i], c->space, s, &where, &e2);
        if (rc == -ENOMEM)
            return rc;
        if (rc) {
            /* the column inside the scalar, where it is on one line */
            int quoted = it->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                         it->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
            size_t line = it->start_mark.line + 1;
            size_t col = it->start_mark.column + 1;
            if (it->start_mark.line == it->end_mark.line)
                col += (size_t)quoted + where;
            return ict_errorf(x->err, -EINVAL, "%s:%zu:%zu: restrictions, "
                              "item %zu: %s", x->file, line, col, i + 1,
                              e2.text);
        }
        if (!(c->restriction_text[i] = strdup(s)))
            return -ENOMEM;
        c->n_restrictions = i + 1;
        uint64_t valid = 1;
        if (ict_restrictions_count(&c->restrictions[i], 1, c->space,
                                   RESTRICT_LOAD_LIMIT, &valid) == 0 && !valid)
            return fail(x, it, "restrictions, item %zu: '%s' holds at no "
                        "point of the space; expected a condition some "
                        "parameter values meet", i + 1, s);
    }
    uint64_t valid = 1;
    if (cnt > 1 && ict_restrictions_count(c->restrictions, c->n_restrictions,
                                          c->space, RESTRICT_LOAD_LIMIT,
                                          &valid) == 0 && !valid)
        return fail(x, n, "restrictions: together they exclude every point "
                    "of the space; expected conditions some parameter "
                    "values meet at once");
    return 0;
}

int ict_config_point_valid(const ict_config_t *c, const int32_t *idx)
{
    return ict_restrictions_hold(c->restrictions, c->n_restrictions, idx);
}

/* ---- search and limits -------------------------------------------------- */

/* search.initial: configurations measured first, each a mapping of every
 * varying parameter to one of its values. */
static int parse_initial(ctx_t *x, yaml_node_t *seq)
{
    char fb[96];
    ict_config_t *c = x->c;
    const ict_space_t *sp = c->space;
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(x, seq, "search.initial: found %s; expected a list of "
                    "configurations such as [{%s: %s}]", found(seq, fb, sizeof fb),
                    ict_space_dims(sp) ? ict_space_name(sp, 0) : "x",
                    ict_space_dims(sp) ? ict_space_value(sp, 0, 0)->text : "1");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    size_t D = ict_space_dims(sp);
    c->initial = calloc(n + 1, sizeof *c->initial);
    int32_t *idx = calloc(D + 1, sizeof *idx);
    int rc = !c->initial || !idx ? -ENOMEM : 0;
    for (size_t i = 0; i < n && !rc; i++) {
        yaml_node_t *it = node(x, seq->data.sequence.items.start[i]);
        if (it->type != YAML_MAPPING_NODE) {
            rc = fail(x, it, "search.initial, item %zu: found %s; expected a "
                      "mapping of parameter names to values", i + 1,
                      found(it, fb, sizeof fb));
            break;
        }
        for (size_t a = 0; a < D; a++)
            idx[a] = -1;
        for (yaml_node_pair_t *p = it->data.mapping.pairs.start;
             p < it->data.mapping.pairs.top && !rc; p++) {
            yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
            const char *key = scalar(k), *val = scalar(v);
            int a = key ? ict_space_find(sp, key) : -1;
            if (a < 0) {
                const char **known = calloc(D + 1, sizeof *known);
                if (!known) {
                    rc = -ENOMEM;
                    break;
                }
                for (size_t q = 0; q < D; q++)
                    known[q] = ict_space_name(sp, q);
                const char *dym = key ? did_you_mean(key, known) : NULL;
                free(known);
                rc = fail(x, k, "search.initial, item %zu: found %s%s%s%s; "
                          "expected a parameter's name", i + 1,
                          found(k, fb, sizeof fb), dym ? " (did you mean '" : "",
                          dym ? dym : "", dym ? "'?)" : "");
                break;
            }
            if (idx[a] >= 0) {
                rc = fail(x, k, "search.initial, item %zu: '%s' is given "
                          "twice; expected each parameter once", i + 1, key);
                break;
            }
            idx[a] = val ? ict_space_value_index(sp, (size_t)a, val) : -1;
            if (idx[a] < 0) {
                char list[256] = "";
                size_t nv = ict_space_count(sp, (size_t)a);
                for (size_t q = 0; q < nv && strlen(list) < 200; q++)
                    snprintf(list + strlen(list), sizeof list - strlen(list),
                             "%s%s", q ? ", " : "", ict_space_value(sp, (size_t)a, q)->text);
                rc = fail(x, v, "search.initial, item %zu: %s: found %s; "
                          "expected one of its values (%s%s)", i + 1, key,
                          found(v, fb, sizeof fb), list,
                          strlen(list) >= 200 ? ", ..." : "");
            }
        }
        for (size_t a = 0; a < D && !rc; a++) {
            if (idx[a] >= 0)
                continue;
            if (ict_space_count(sp, a) == 1) {
                idx[a] = 0;
                continue;
            }
            rc = fail(x, it, "search.initial, item %zu: no value for '%s'; "
                      "expected a value for every parameter that varies", i + 1,
                      ict_space_name(sp, a));
        }
        if (rc)
            break;
        for (size_t r = 0; r < c->n_restrictions; r++)
            if (!ict_expr_eval(c->restrictions[r], idx)) {
                rc = fail(x, it, "search.initial, item %zu: the restriction "
                          "'%s' excludes it; expected a configuration the "
                          "restrictions allow", i + 1, c->restriction_text[r]);
                break;
            }
        if (!rc)
            c->initial[c->n_initial++] = ict_space_flat(sp, idx);
    }
    free(idx);
    return rc;
}

/* search: the strategy's name and its options, as data with their
 * positions; which options a strategy takes is the strategy side's to say
 * (ict_strategy_check in strategy.c). */
static int parse_search(ctx_t *x, yaml_node_t *map)
{
    int rc = check_keys(x, map, "search", NULL);
    if (rc)
        return rc;
    x->c->search_line = (int)map->start_mark.line + 1;
    x->c->search_col = (int)map->start_mark.column + 1;
    yaml_node_t *sn = get(x, map, "strategy");
    if (sn) {
        if ((rc = get_string(x, sn, "search.strategy", &x->c->strategy)))
            return rc;
        x->c->strategy_line = (int)sn->start_mark.line + 1;
        x->c->strategy_col = (int)sn->start_mark.column + 1;
    }
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    x->c->options = calloc(n + 1, sizeof *x->c->options);
    if (!x->c->options)
        return -ENOMEM;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(x, p->key);
        const char *key = scalar(k);
        yaml_node_t *v = node(x, p->value);
        if (!strcmp(key, "strategy"))
            continue;
        if (!strcmp(key, "max_evaluations")) {
            long long me;
            if ((rc = get_int(x, v, "search.max_evaluations", 1,
                              (long long)1 << 50, &me)))
                return rc;
            x->c->max_evaluations = me;
            continue;
        }
        if (!strcmp(key, "initial")) {
            if ((rc = parse_initial(x, v)))
                return rc;
            continue;
        }
        ict_option_t *o = &x->c->options[x->c->n_options];
        o->key_line = (int)k->start_mark.line + 1;
        o->key_col = (int)k->start_mark.column + 1;
        o->line = (int)v->start_mark.line + 1;
        o->col = (int)v->start_mark.column + 1;
        int single = scalar(v) && *scalar(v);
        o->key = strdup(key);
        o->value = strdup(single ? scalar(v) : "");
        x->c->n_options++;
        if (!o->key || !o->value)
            return -ENOMEM;
        if (!single) {                  /* the strategy check says so */
            char fb[96];
            snprintf(o->found, sizeof o->found, "%s", found(v, fb, sizeof fb));
        }
    }
    return 0;
}

static int parse_limits(ctx_t *x, yaml_node_t *map)
{
    static const char *const keys[] = {"timeout", "retries",
                                       "max_failures_in_a_row", NULL};
    int rc = check_keys(x, map, "limits", keys);
    if (rc)
        return rc;
    yaml_node_t *t = get(x, map, "timeout"), *r = get(x, map, "retries");
    yaml_node_t *mf = get(x, map, "max_failures_in_a_row");
    char fb[96];
    if (t && (!scalar(t) || ict_parse_duration(scalar(t), &x->c->timeout)))
        return fail(x, t, "limits.timeout: found %s; expected a duration "
                    "such as 90, 45s, 30m, 9h or 1h30m",
                    found(t, fb, sizeof fb));
    if (r) {
        long long v;
        if ((rc = get_int(x, r, "limits.retries", 0, 100, &v)))
            return rc;
        x->c->retries = (int)v;
    }
    if (mf) {
        long long v;
        if ((rc = get_int(x, mf, "limits.max_failures_in_a_row", 0, 1000000000, &v)))
            return rc;
        x->c->max_failures = (int)v;
    }
    return 0;
}

static int parse_gpus(ctx_t *x, yaml_node_t *n)
{
    char fb[96];
    const char *sv = scalar(n);
    if (sv) {
        if (!strcmp(sv, "none")) {
            x->c->gpus_none = 1;
            return 0;
        }
        if (!strcmp(sv, "auto"))
            return 0;
        return fail(x, n, "gpus: found %s; expected none, auto or "
                    "{per_worker: 1, share: N}", found(n, fb, sizeof fb));
    }
    static const char *const keys[] = {"per_worker", "share", NULL};
    int rc = check_keys(x, n, "gpus", keys);
    if (rc)
        return rc;
    yaml_node_t *pw = get(x, n, "per_worker"), *sh = get(x, n, "share");
    long long v;
    if (pw && (rc = get_int(x, pw, "gpus.per_worker", 1, 1, &v)))
        return rc;
    if (sh) {
        if ((rc = get_int(x, sh, "gpus.share", 1, 1024, &v)))
            return rc;
        x->c->gpus_share = (int)v;
    }
    return 0;
}

static int parse_prepare(ctx_t *x, yaml_node_t *map)
{
    static const char *const keys[] = {"command", NULL};
    int rc = check_keys(x, map, "prepare", keys);
    if (rc)
        return rc;
    yaml_node_t *c = get(x, map, "command");
    if (!c)
        return fail(x, map, "prepare: 'command' is missing; expected "
                    "prepare: {command: ...}");
    x->c->has_prepare = 1;
    x->prepare_node = c;
    return parse_command(x, c, "prepare.command", &x->c->prepare);
}

/* ---- top level --------------------------------------------------------- */

static int walk(ctx_t *x, yaml_node_t *root)
{
    static const char *const keys[] = {
        "name", "output", "workdir", "command", "parameters", "objective",
        "constraints", "metrics", "prepare", "search", "limits", "gpus",
        "restrictions", "repeat", "aggregate", "remeasure", "cwd", NULL};
    int rc = check_keys(x, root, "the top level", keys);
    if (rc)
        return rc;
    static const char *const required[] = {"name", "command", "parameters",
                                           "objective", NULL};
    for (size_t i = 0; required[i]; i++)
        if (!get(x, root, required[i]))
            return fail(x, root, "the key '%s' is missing; expected the keys "
                        "name, command, parameters and objective",
                        required[i]);
    ict_config_t *c = x->c;
    if ((rc = get_string(x, get(x, root, "name"), "name", &c->name)))
        return rc;
    yaml_node_t *n;
    if ((n = get(x, root, "output")) && (rc = get_string(x, n, "output", &c->output)))
        return rc;
    if ((n = get(x, root, "workdir")) && (rc = get_string(x, n, "workdir", &c->workdir)))
        return rc;
    if ((rc = parse_parameters(x, get(x, root, "parameters"))))
        return rc;
    if ((n = get(x, root, "restrictions")) && (rc = parse_restrictions(x, n)))
        return rc;
    if ((rc = parse_objective(x, get(x, root, "objective"))))
        return rc;
    if ((n = get(x, root, "metrics")) && (rc = parse_metrics(x, n)))
        return rc;
    if ((rc = parse_repeat(x, get(x, root, "repeat"), get(x, root, "aggregate"))))
        return rc;
    if ((n = get(x, root, "cwd"))) {
        const char *v = scalar(n);
        char fb[96];
        if (!v || (strcmp(v, "run_dir") && strcmp(v, "start")))
            return fail(x, n, "cwd: found %s; expected run_dir (each program "
                        "runs in its run folder) or start (where ictune "
                        "started, the default)", found(n, fb, sizeof fb));
        c->in_run_dir = !strcmp(v, "run_dir");
    }
    if ((n = get(x, root, "remeasure"))) {
        long long v;
        if ((rc = get_int(x, n, "remeasure", 0, 100000, &v)))
            return rc;
        c->remeasure = (int)v;
    }
    if ((n = get(x, root, "constraints")) && (rc = parse_constraints(x, n)))
        return rc;
    if ((n = get(x, root, "prepare")) && (rc = parse_prepare(x, n)))
        return rc;
    x->command_node = get(x, root, "command");
    if ((rc = parse_command(x, x->command_node, "command", &c->command)))
        return rc;
    if ((rc = check_placeholders(x, x->command_node, &c->command, "command", 0)))
        return rc;
    if (c->has_prepare &&
        (rc = check_placeholders(x, x->prepare_node, &c->prepare,
                                 "prepare.command", 1)))
        return rc;
    if ((n = get(x, root, "search")) && (rc = parse_search(x, n)))
        return rc;
    if ((n = get(x, root, "limits")) && (rc = parse_limits(x, n)))
        return rc;
    if ((n = get(x, root, "gpus")) && (rc = parse_gpus(x, n)))
        return rc;
    if (!c->output) {
        size_t l = strlen(c->name) + 4;
        if (!(c->output = malloc(l)))
            return -ENOMEM;
        snprintf(c->output, l, "%s.h5", c->name);
    }
    if (!c->workdir) {                  /* <name>-runs: one per config */
        size_t l = strlen(c->name) + 6;
        if (!(c->workdir = malloc(l)))
            return -ENOMEM;
        snprintf(c->workdir, l, "%s-runs", c->name);
    }
    return 0;
}

/* Before libyaml builds the document (its time grows with the square of
 * the nesting depth): refuse a nesting deeper than any config needs, and
 * more nodes than a config of ICT_CONFIG_MAX_BYTES holds sensibly, fast. */
#define MAX_DEPTH 32
#define MAX_NODES 2000000
static int prescan(const char *name, const char *text, size_t len,
                   ict_error_t *err)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return -ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int depth = 0, rc = 0;
    long nodes = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break;                      /* the real load reports it */
        yaml_event_type_t t = ev.type;
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        yaml_event_delete(&ev);
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                rc = ict_errorf(err, -EINVAL, "%s:%zu:%zu: nested %d levels "
                                "deep; expected at most %d (a config needs 4)",
                                name, line, col, depth, MAX_DEPTH);
                break;
            }
        } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        if ((t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) && ++nodes > MAX_NODES) {
            rc = ict_errorf(err, -EINVAL, "%s:%zu:%zu: more than %d values; "
                            "expected a smaller config", name, line, col,
                            MAX_NODES);
            break;
        }
        if (t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return rc;
}

int ict_config_parse(const char *name, const char *text, size_t len,
                     ict_config_t **out, ict_error_t *err)
{
    if (len > ICT_CONFIG_MAX_BYTES)
        return ict_errorf(err, -EFBIG, "%s:1:1: the file is %zu bytes; "
                          "expected a config of at most %u bytes", name, len,
                          ICT_CONFIG_MAX_BYTES);
    ict_config_t *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->path = strdup(name);
    c->text = malloc(len + 1);
    c->strategy = strdup("dsice");
    c->gpus_share = 1;
    c->max_failures = 10;
    if (!c->path || !c->text || !c->strategy) {
        ict_config_free(c);
        return -ENOMEM;
    }
    memcpy(c->text, text, len);
    c->text[len] = '\0';
    c->text_len = len;

    int rc = prescan(name, text, len, err);
    if (rc) {
        ict_config_free(c);
        return rc;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        ict_config_free(c);
        return -ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        const char *what = parser.problem ? parser.problem : "unreadable YAML";
        rc = ict_errorf(err, -EINVAL, "%s:%zu:%zu: not valid YAML: %s%s%s; "
                        "expected a YAML mapping of config keys", name,
                        parser.problem_mark.line + 1,
                        parser.problem_mark.column + 1, what,
                        parser.context ? " " : "",
                        parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        ict_config_free(c);
        return rc;
    }
    ctx_t x = {name, &doc, err, c, NULL, NULL, NULL};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = ict_errorf(err, -EINVAL, "%s:1:1: the file is empty; expected a "
                        "mapping with the keys name, command, parameters and "
                        "objective", name);
    } else {
        rc = walk(&x, root);
        if (!rc) {
            yaml_document_t doc2;
            if (yaml_parser_load(&parser, &doc2)) {
                yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
                if (r2)
                    rc = ict_errorf(err, -EINVAL, "%s:%zu:%zu: a second YAML "
                                    "document; expected one config per file",
                                    name, r2->start_mark.line + 1,
                                    r2->start_mark.column + 1);
                yaml_document_delete(&doc2);
            }
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc) {
        ict_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int ict_config_load(const char *path, ict_config_t **out, ict_error_t *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ict_errorf(err, -errno, "%s: cannot open the config: %s", path,
                          strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return ict_errorf(err, -EINVAL, "%s: not a regular file; expected a "
                          "YAML config file", path);
    }
    if (st.st_size > ICT_CONFIG_MAX_BYTES) {
        close(fd);
        return ict_errorf(err, -EFBIG, "%s:1:1: the file is %lld bytes; "
                          "expected a config of at most %u bytes", path,
                          (long long)st.st_size, ICT_CONFIG_MAX_BYTES);
    }
    size_t len = (size_t)st.st_size, got = 0;
    char *text = malloc(len + 1);
    if (!text) {
        close(fd);
        return -ENOMEM;
    }
    while (got < len) {
        ssize_t r = read(fd, text + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    int rc = ict_config_parse(path, text, got, out, err);
    free(text);
    return rc;
}

static void command_fini(ict_command_t *c)
{
    free(c->shell);
    for (size_t i = 0; c->argv && i < c->argc; i++)
        free(c->argv[i]);
    free(c->argv);
}

void ict_config_free(ict_config_t *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->text);
    free(c->name);
    free(c->output);
    free(c->workdir);
    command_fini(&c->command);
    command_fini(&c->prepare);
    ict_space_free(c->space);
    free(c->objective);
    for (size_t i = 0; i < c->n_constraints; i++) {
        free(c->constraints[i].metric);
        free(c->constraints[i].text);
    }
    free(c->constraints);
    for (size_t i = 0; c->restrictions && c->restrictions[i]; i++)
        ict_expr_free(c->restrictions[i]);
    for (size_t i = 0; c->restriction_text && c->restriction_text[i]; i++)
        free(c->restriction_text[i]);
    free(c->restrictions);
    free(c->restriction_text);
    free(c->initial);
    for (size_t i = 0; i < c->n_metrics; i++)
        free(c->metrics[i]);
    free(c->metrics);
    free(c->strategy);
    for (size_t i = 0; i < c->n_options; i++) {
        free(c->options[i].key);
        free(c->options[i].value);
    }
    free(c->options);
    free(c);
}

const ict_option_t *ict_config_option(const ict_config_t *c, const char *key)
{
    for (size_t i = 0; i < c->n_options; i++)
        if (!strcmp(c->options[i].key, key))
            return &c->options[i];
    return NULL;
}


int ict_parse_duration(const char *text, double *seconds)
{
    const char *p = text;
    double total = 0;
    int parts = 0;
    while (*p) {
        char *end;
        if (!isdigit((unsigned char)*p) && *p != '.')
            return -EINVAL;
        double v = strtod(p, &end);
        if (end == p || !isfinite(v) || v < 0)
            return -EINVAL;
        p = end;
        double mult = 1;
        if (*p == 's') { mult = 1; p++; }
        else if (*p == 'm') { mult = 60; p++; }
        else if (*p == 'h') { mult = 3600; p++; }
        else if (*p == 'd') { mult = 86400; p++; }
        else if (*p != '\0' || parts)
            return -EINVAL;
        total += v * mult;
        parts++;
    }
    if (!parts)
        return -EINVAL;
    *seconds = total;
    return 0;
}

double ict_constraint_slack(const ict_constraint_t *k, double v)
{
    double hair = 1e-9 * (fabs(k->bound) + 1);
    switch (k->op) {
    case ICT_LT: return k->bound - v - hair;
    case ICT_LE: return k->bound - v + hair;
    case ICT_GT: return v - k->bound - hair;
    case ICT_GE: return v - k->bound + hair;
    }
    return NAN;
}

int ict_constraint_holds(const ict_constraint_t *k, double v)
{
    switch (k->op) {
    case ICT_LT: return v < k->bound;
    case ICT_LE: return v <= k->bound;
    case ICT_GT: return v > k->bound;
    case ICT_GE: return v >= k->bound;
    }
    return 0;
}
