/* cli.c - what the subcommands share: messages, operands, numbers,
 * --set, loading a config as every command does, JSON and CSV output. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ictune/number.h"
#include "cli.h"
#include "ictune/strategy.h"

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

int ict_cli_duration(const char *opt, const char *v, double lo, double *out)
{
    double x;
    if (ict_parse_duration(v, &x) || !isfinite(x) || x < lo) {
        ict_cli_error("%s %s: expected a duration of at least %gs, such as "
                      "90, 45s, 30m, 9h or 23h50m", opt, v, lo);
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
    if (ict_strategy_set(c, k, eq + 1, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_USAGE;
    }
    return 0;
}

void ict_cli_json_number(FILE *f, double v)
{
    if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0)
        fputs("null", f);
    else {
        char b[32];
        fputs(ict_number_format(v, b, sizeof b), f);
    }
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

int ict_cli_load(const char *path, const char **sets, int nsets, ict_config_t **out)
{
    ict_config_t *c;
    ict_error_t err;
    if (ict_config_load(path, &c, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_USAGE;
    }
    for (int i = 0; i < nsets; i++) {
        int rc = ict_cli_set(c, sets[i]);
        if (rc) {
            ict_config_free(c);
            return rc;
        }
    }
    /* the strategy judges its own options (a dry run of its init) */
    if (ict_strategy_check(c, &err)) {
        ict_cli_error("%s", err.text);
        ict_config_free(c);
        return ICT_EXIT_USAGE;
    }
    *out = c;
    return 0;
}

void ict_cli_speculation(uint64_t started, uint64_t taken, double seconds,
                         double taken_seconds)
{
    if (!started)
        return;
    printf("speculative: %llu started, %llu taken by the search, %llu not "
           "taken (%.6g s of %.6g s of their run time)\n",
           (unsigned long long)started, (unsigned long long)taken,
           (unsigned long long)(started - taken), seconds - taken_seconds,
           seconds);
}
