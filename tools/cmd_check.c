/* cmd_check.c - `ictune check CONFIG`: validate and print the space. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ictune/search.h"
#include "ictune/strategy.h"

static const char help[] =
    "usage: ictune check CONFIG [--set KEY=VALUE ...]\n"
    "Validate CONFIG and print each parameter (name, count, values), the\n"
    "space's size, the strategy with its options, the objective and the\n"
    "constraints. Exit 0 when valid, 2 with a file:line:column message when\n"
    "not.\n";

static void print_values(const ict_space_t *s, size_t a)
{
    size_t n = ict_space_count(s, a);
    for (size_t i = 0; i < n; i++) {
        if (n > 24 && i == 10) {
            printf(", ... (%zu more) ...", n - 20);
            i = n - 10;
        }
        printf("%s%s", i ? ", " : "", ict_space_value(s, a, i)->text);
    }
}

int ict_cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    int uerr;
    const char *sets[64];
    int nsets = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < 64) {
            sets[nsets++] = argv[++i];
        } else if ((uerr = ict_cli_operand("check", "CONFIG", argv[i], &path,
                                         help))) {
            return uerr;
        }
    }
    if (!path) {
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    ict_config_t *c;
    ict_error_t err;
    int code = ict_cli_load(path, sets, nsets, &c);
    if (code)
        return code;
    /* Set the strategy up as a run would: this checks its option values. */
    ict_search_t *search;
    if (ict_search_new(&search, c, NULL, &err)) {
        ict_cli_error("%s", err.text);
        ict_config_free(c);
        return ICT_EXIT_USAGE;
    }
    ict_search_free(search);
    const ict_space_t *s = c->space;
    size_t D = ict_space_dims(s), tuned = 0;
    for (size_t a = 0; a < D; a++)
        tuned += ict_space_count(s, a) > 1;
    char b1[64];
    printf("config: %s (name: %s)\n", path, c->name);
    printf("parameters: %zu tuned, %zu constant\n", tuned, D - tuned);
    size_t w = 4;
    for (size_t a = 0; a < D; a++)
        if (strlen(ict_space_name(s, a)) > w)
            w = strlen(ict_space_name(s, a));
    for (size_t a = 0; a < D; a++) {
        size_t n = ict_space_count(s, a);
        printf("  %-*s %6zu value%s%s: ", (int)w, ict_space_name(s, a), n,
               n == 1 ? "" : "s", n == 1 ? " (constant)" : "");
        print_values(s, a);
        putchar('\n');
    }
    printf("space: %s combinations (", ict_cli_thousands(ict_space_size(s), b1, sizeof b1));
    int first = 1;
    for (size_t a = 0; a < D; a++)
        if (ict_space_count(s, a) > 1) {
            printf("%s%zu", first ? "" : " x ", ict_space_count(s, a));
            first = 0;
        }
    printf("%s)\n", first ? "1" : "");
    if (c->n_restrictions) {
        const uint64_t limit = (uint64_t)1 << 28;
        uint64_t valid = 0, one = 0;
        for (size_t k = 0; k < c->n_restrictions; k++) {
            printf("restriction: %s", c->restriction_text[k]);
            if (!ict_restrictions_count(&c->restrictions[k], 1, s, limit, &one))
                printf(" (holds at %s)", ict_cli_thousands(one, b1, sizeof b1));
            putchar('\n');
        }
        int rc = ict_restrictions_count(c->restrictions, c->n_restrictions, s,
                                        limit, &valid);
        if (rc == -E2BIG) {
            printf("valid: not counted (more than %s combinations of the "
                   "restricted parameters)\n", ict_cli_thousands(limit, b1, sizeof b1));
        } else if (rc) {
            ict_cli_error("counting the valid points: %s", strerror(-rc));
            ict_config_free(c);
            return ICT_EXIT_FAILURE;
        } else if (!valid) {
            ict_cli_error("%s:%d:%d: restrictions: together they exclude "
                          "every point of the space; expected conditions some "
                          "parameter values meet at once", path,
                          c->restrictions_line, c->restrictions_col);
            ict_config_free(c);
            return ICT_EXIT_USAGE;
        } else {
            char b2[64];
            printf("valid: %s of %s points (%.3g %%) meet the restrictions\n",
                   ict_cli_thousands(valid, b1, sizeof b1),
                   ict_cli_thousands(ict_space_size(s), b2, sizeof b2),
                   100.0 * (double)valid / (double)ict_space_size(s));
        }
    }
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    printf("strategy: %s", c->strategy);
    for (const ict_option_info_t *o = st->options; o && o->key; o++) {
        const ict_option_t *v = ict_config_option(c, o->key);
        printf("%s%s=%s", o == st->options ? " (" : ", ", o->key,
               v ? v->value : o->def);
        if (!o[1].key)
            putchar(')');
    }
    putchar('\n');
    if (c->max_evaluations)
        printf("budget: at most %s evaluations\n",
               ict_cli_thousands((unsigned long long)c->max_evaluations, b1, sizeof b1));
    else
        printf("budget: none (the strategy decides when to stop)\n");
    printf("objective: %s %s%s\n",
           c->goal == ICT_MAXIMIZE ? "maximize" : "minimize", c->objective,
           c->parse_last_number ? " (the last number printed on stdout)" : "");
    for (size_t k = 0; k < c->n_constraints; k++)
        printf("constraint: %s\n", c->constraints[k].text);
    for (size_t k = 0; k < c->n_metrics; k++)
        printf("metric: %s\n", c->metrics[k]);
    if (c->has_prepare)
        printf("prepare: %s\n", c->prepare.shell ? c->prepare.shell : c->prepare.argv[0]);
    printf("command: %s\n", c->command.shell ? c->command.shell : c->command.argv[0]);
    printf("output: %s, workdir: %s", c->output, c->workdir);
    if (c->timeout > 0)
        printf(", timeout %gs", c->timeout);
    printf(", retries %d\n", c->retries);
    ict_config_free(c);
    return ICT_EXIT_OK;
}
