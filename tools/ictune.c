/* ictune.c - main(): dispatch to the subcommands, help and version. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ict_version.h"

static const char usage[] =
    "usage: ictune <command> [options]\n"
    "\n"
    "commands:\n"
    "  check CONFIG              validate a config and print its space\n"
    "  run CONFIG [--resume]     tune: run the program (under mpiexec: rank 0\n"
    "                            is the master, the others run evaluations)\n"
    "  report FILE.h5            summarise a results file (--csv, --plot)\n"
    "  topo [--xml F] [--workers N]  this node's GPUs and the workers' plan\n"
    "  simulate CONFIG --table F run the search against a table of measured\n"
    "                            values (no processes, no MPI)\n"
    "  help [COMMAND]            this text, or a command's --help\n"
    "\n"
    "options: --version, --help (also after any command)\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage or config error,\n"
    "            3 stopped early and resumable\n";

void ict_cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("ictune: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ict_cli_operand(const char *cmd, const char *what, const char *arg,
                    const char **operand, const char *help)
{
    if (arg[0] == '-' || !operand) {
        ict_cli_error("%s: unknown option or missing value '%s'", cmd, arg);
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    if (*operand) {
        ict_cli_error("%s: one %s expected, found also '%s'", cmd, what, arg);
        return ICT_EXIT_USAGE;
    }
    *operand = arg;
    return 0;
}

int ict_cli_number(const char *opt, const char *v, double lo, double hi,
                   int whole, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || x > hi ||
        (whole && x != floor(x))) {
        if (isfinite(hi))
            ict_cli_error("%s %s: expected a %s from %g to %g", opt, v,
                          whole ? "whole number" : "number", lo, hi);
        else
            ict_cli_error("%s %s: expected a %s >= %g", opt, v,
                          whole ? "whole number" : "number", lo);
        return ICT_EXIT_USAGE;
    }
    *out = x;
    return 0;
}

const char *ict_cli_thousands(unsigned long long v, char *buf, size_t size)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", v), k = 0;
    size_t j = 0;
    for (int i = 0; i < n && j + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = tmp[i];
        k++;
    }
    buf[j] = '\0';
    return buf;
}

int ict_cli_set(ict_config_t *c, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        ict_cli_error("--set %s: expected KEY=VALUE", kv);
        return ICT_EXIT_USAGE;
    }
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    const char *k = key;
    if (!strncmp(k, "search.", 7))
        k += 7;
    ict_error_t err;
    if (ict_config_set_search(c, k, eq + 1, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_USAGE;
    }
    return 0;
}

void ict_cli_json_number(FILE *f, double v)
{
    if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0)
        fputs("null", f);
    else
        fprintf(f, "%.17g", v);
}

void ict_cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

void ict_cli_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return ICT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("ictune %s\n", ICT_VERSION);
        return ICT_EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (!strcmp(cmd, "help") && argc > 2) {
            char *sub[] = {argv[2], "--help", NULL};
            if (!strcmp(argv[2], "check"))
                return ict_cmd_check(2, sub);
            if (!strcmp(argv[2], "simulate"))
                return ict_cmd_simulate(2, sub);
            if (!strcmp(argv[2], "run"))
                return ict_cmd_run(2, sub);
            if (!strcmp(argv[2], "report"))
                return ict_cmd_report(2, sub);
            if (!strcmp(argv[2], "topo"))
                return ict_cmd_topo(2, sub);
            ict_cli_error("help: unknown command '%s'", argv[2]);
            return ICT_EXIT_USAGE;
        }
        fputs(usage, stdout);
        return ICT_EXIT_OK;
    }
    if (!strcmp(cmd, "check"))
        return ict_cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "simulate"))
        return ict_cmd_simulate(argc - 1, argv + 1);
    if (!strcmp(cmd, "run"))
        return ict_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return ict_cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "topo"))
        return ict_cmd_topo(argc - 1, argv + 1);
    ict_cli_error("unknown command '%s'; expected run, report, topo, check, simulate or help",
                  cmd);
    fputs(usage, stderr);
    return ICT_EXIT_USAGE;
}
