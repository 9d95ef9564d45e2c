/* cmd_best.c - `ictune best`: the best configuration of a results file,
 * printed ready to paste into a config, a build or a command line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ictune/number.h"
#include "ictune/record.h"
#include "ictune/store.h"

static const char help[] =
    "usage: ictune best RESULTS.h5 [--format yaml|json|env|args|defines]\n"
    "The best valid evaluation of a results file (a row that broke a\n"
    "constraint or failed is never the best), as:\n"
    "  yaml     name: value lines, and a comment with the objective (default)\n"
    "  json     one object of the parameters\n"
    "  env      NAME=value lines, for a shell's eval or an env file\n"
    "  args     --name=value ... on one line\n"
    "  defines  -Dname=value ... on one line, for a compiler\n"
    "A value that is not a plain word is quoted for its format.\n";

enum { F_YAML, F_JSON, F_ENV, F_ARGS, F_DEFINES };

static int plain(const char *s)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
              ('0' <= *p && *p <= '9') || strchr("._+-/", *p)))
            return 0;
    return 1;
}

/* A shell word: as is, or in single quotes */
static void sh_word(const char *s)
{
    if (plain(s)) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (const char *p = s; *p; p++)
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    putchar('\'');
}

int ict_cmd_best(int argc, char **argv)
{
    const char *path = NULL;
    int fmt = F_YAML, uerr;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            static const char *const names[] = {"yaml", "json", "env", "args",
                                                "defines", NULL};
            const char *v = argv[++i];
            fmt = -1;
            for (int k = 0; names[k]; k++)
                if (!strcmp(v, names[k]))
                    fmt = k;
            if (fmt < 0) {
                ict_cli_error("--format: found '%s'; expected yaml, json, env, "
                              "args or defines", v);
                return ICT_EXIT_USAGE;
            }
        } else if ((uerr = ict_cli_operand("best", "RESULTS.h5", a, &path, help))) {
            return uerr;
        }
    }
    if (!path) {
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    ict_store_t *st;
    ict_config_t *c;
    ict_error_t err;
    if (ict_store_open_readonly(&st, path, &c, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_FAILURE;
    }
    ict_record_t *rows = NULL;
    size_t n = 0;
    if (ict_store_rows(st, &rows, &n, &err)) {
        ict_cli_error("%s", err.text);
        ict_store_close(st);
        return ICT_EXIT_FAILURE;
    }
    size_t *ord = malloc((n + 1) * sizeof *ord), best = SIZE_MAX;
    if (ord && ict_record_rank(c, rows, n, ord))
        best = ord[0];
    free(ord);
    int code = ICT_EXIT_OK;
    if (best == SIZE_MAX) {
        ict_cli_error("%s: no valid evaluation yet (%zu rows); expected a file "
                      "with at least one OK result", path, n);
        code = ICT_EXIT_FAILURE;
        goto out;
    }
    const ict_space_t *s = c->space;
    size_t D = ict_space_dims(s);
    int32_t *idx = calloc(D + 1, sizeof *idx);
    if (!idx) {
        code = ICT_EXIT_FAILURE;
        goto out;
    }
    ict_space_unflat(s, rows[best].flat, idx);
    char num[64];
    ict_number_format(rows[best].objective, num, sizeof num);
    if (fmt == F_YAML && rows[best].attempt == 0)      /* not run there */
        printf("# %s = %s (%s; in %s)\n", c->objective, num,
               rows[best].reason, path);
    else if (fmt == F_YAML)
        printf("# %s = %s (evaluation %lld of %s)\n", c->objective, num,
               (long long)rows[best].id, path);
    if (fmt == F_JSON)
        putchar('{');
    for (size_t a = 0; a < D; a++) {
        const char *name = ict_space_name(s, a);
        const ict_value_t *v = ict_space_value(s, a, (size_t)idx[a]);
        switch (fmt) {
        case F_YAML:
            printf("%s: ", name);
            if (v->is_num || plain(v->text))
                fputs(v->text, stdout);
            else
                ict_cli_json_string(stdout, v->text);   /* YAML reads JSON */
            putchar('\n');
            break;
        case F_JSON:
            printf("%s", a ? ", " : "");
            ict_cli_json_string(stdout, name);
            fputs(": ", stdout);
            if (v->is_num)
                fputs(v->text, stdout);
            else
                ict_cli_json_string(stdout, v->text);
            break;
        case F_ENV:
            printf("%s=", name);
            sh_word(v->text);
            putchar('\n');
            break;
        default:
            printf("%s%s%s=", a ? " " : "", fmt == F_ARGS ? "--" : "-D", name);
            sh_word(v->text);
            break;
        }
    }
    if (fmt == F_JSON)
        puts("}");
    else if (fmt == F_ARGS || fmt == F_DEFINES)
        putchar('\n');
    free(idx);
out:
    ict_store_rows_free(rows, n);
    ict_store_close(st);
    return code;
}
