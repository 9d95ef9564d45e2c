/* cmd_check.c - `ictune check CONFIG`: validate and print the space. */
#include <errno.h>
#include <stdio.h>
#include "ictune/command.h"
#include <unistd.h>
#include <stdlib.h>
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

/* Is the program a command runs there: a path that is executable, a
 * shell builtin, or a name on PATH? */
static int findable(const char *prog, int shell)
{
    static const char *const builtins[] = {
        "echo", "printf", "cd", "test", "[", "exec", "export", "set", "true",
        "false", ".", ":", "eval", "read", "if", "for", "while", "until",
        "case", "{", "(", "!", "exit", "trap", "ulimit", "umask", "wait",
        "command", "env", "time", NULL};
    if (!*prog)
        return 1;
    if (shell)
        for (size_t i = 0; builtins[i]; i++)
            if (!strcmp(prog, builtins[i]))
                return 1;
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
        size_t n = strcspn(p, ":");
        char f[4096];
        snprintf(f, sizeof f, "%.*s/%s", (int)n, n ? p : ".", prog);
        if (access(f, X_OK) == 0)
            return 1;
        p += n + (p[n] == ':');
    }
    return 0;
}

/* The command as it runs at the centre (ids and folders as for evaluation
 * 0), and a warning when its program is nowhere to be found. */
static void print_command(const ict_config_t *c, const ict_command_t *cmd,
                          const char *what, const int32_t *idx)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/0", c->workdir);
    ict_render_vars_t vars = {0, dir, c->has_prepare ? "<prepare_dir>" : NULL};
    char **argv = NULL;
    ict_error_t err;
    if (ict_command_render(cmd, c->space, idx, &vars, &argv, &err) == 0) {
        printf("%s%s:", what, idx ? " (at the centre, as evaluation 0)" : "");
        for (char **a = argv; *a; a++) {
            int plain = **a != '\0';
            for (const char *p = *a; *p && plain; p++)
                plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789._-+=/:,@%", *p) != NULL;
            char *q = plain ? NULL : ict_shell_quote(*a);
            printf(" %s", q ? q : *a);
            free(q);
        }
        putchar('\n');
        free(argv);
    }
    /* the program: argv[0], or a shell string's first word */
    char prog[256] = "";
    int shell = cmd->shell != NULL;
    if (shell) {
        const char *p = cmd->shell;
        for (;;) {
            while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
            size_t n = strcspn(p, " \t\n;|&<>");
            const char *eq = memchr(p, '=', n);
            if (eq && eq > p && !memchr(p, '{', (size_t)(eq - p))) {
                p += n;                 /* VAR=value: not the program */
                continue;
            }
            snprintf(prog, sizeof prog, "%.*s", (int)(n < 255 ? n : 255), p);
            break;
        }
        if (strchr(prog, '{') || strchr(prog, '$') || strchr(prog, '\'') ||
            strchr(prog, '"'))
            prog[0] = '\0';             /* made at run time: not checked */
    } else if (cmd->argc) {
        snprintf(prog, sizeof prog, "%s", cmd->argv[0]);
        if (strchr(prog, '{'))
            prog[0] = '\0';
    }
    if (prog[0] && !findable(prog, shell))
        fprintf(stderr, "ictune: warning: %s:%d:%d: %s: '%s' is %s; every "
                "evaluation would fail (exit 127)\n", c->path, cmd->line,
                cmd->col, what, prog,
                strchr(prog, '/') ? "not an executable file" : "not found on PATH");
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
        print_command(c, &c->prepare, "prepare", NULL);
    int32_t *centre = calloc(ict_space_dims(s) + 1, sizeof *centre);
    if (centre)
        ict_space_centre(s, centre);
    print_command(c, &c->command, "command", centre);
    free(centre);
    if (c->gpus_none)
        printf("gpus: none (workers are not bound to GPUs)\n");
    else
        printf("gpus: auto (one GPU per worker where the node has GPUs%s)\n",
               c->gpus_share > 1 ? ", shared by up to N workers" : "");
    if (c->gpus_share > 1)
        printf("gpus: share %d workers per GPU\n", c->gpus_share);
    printf("output: %s, workdir: %s", c->output, c->workdir);
    if (c->timeout > 0)
        printf(", timeout %gs", c->timeout);
    printf(", retries %d\n", c->retries);
    ict_config_free(c);
    return ICT_EXIT_OK;
}
