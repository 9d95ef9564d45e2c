/* cli.h - the subcommands of the ictune program (the only code that
 * prints). Each returns the process exit code. */
#ifndef ICT_CLI_H
#define ICT_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ictune/config.h"

enum {
    ICT_EXIT_OK = 0,
    ICT_EXIT_FAILURE = 1,       /* runtime failure */
    ICT_EXIT_USAGE = 2,         /* usage or config error */
    ICT_EXIT_RESUMABLE = 3,     /* stopped early; resume with --resume */
};

int ict_cmd_check(int argc, char **argv);
int ict_cmd_simulate(int argc, char **argv);
int ict_cmd_run(int argc, char **argv);
int ict_cmd_report(int argc, char **argv);
int ict_cmd_topo(int argc, char **argv);
int ict_cmd_best(int argc, char **argv);
int ict_cmd_remeasure(int argc, char **argv);
struct ict_remeasured;
/* The ranking of ict_remeasure's results (v in their first ranking). */
int ict_cli_remeasure_print(const ict_config_t *c, struct ict_remeasured *v,
                            size_t n, int repeat);

/* Print "ictune: msg" once to stderr. */
void ict_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An argument that no option of cmd took: an unknown option (or one
 * missing its value), or the command's one operand, stored in *operand
 * (operand NULL: the command takes none). Returns an exit code, 0 when
 * the argument was taken as the operand. */
int ict_cli_operand(const char *cmd, const char *what, const char *arg,
                    const char **operand, const char *help);
/* The value v of option opt as a number in [lo, hi] (whole: an integer);
 * one message and ICT_EXIT_USAGE when it is not. */
int ict_cli_number(const char *opt, const char *v, double lo, double hi,
                   int whole, double *out);
/* The value v of option opt as a duration (config syntax: 90, 45s, 30m,
 * 9h, 1h30m) of at least lo seconds; one message and ICT_EXIT_USAGE when
 * it is not. */
int ict_cli_duration(const char *opt, const char *v, double lo, double *out);
/* "13,310" */
const char *ict_cli_thousands(unsigned long long v, char *buf, size_t size);
/* Apply one --set KEY=VALUE; returns an exit code (0 on success). */
int ict_cli_set(ict_config_t *c, const char *kv);
/* Load path as every command does: the config, the --set overrides, then
 * the strategy's check of its options. An exit code (0: *out loaded). */
/* The line on what ran ahead of the search (speculation), if anything. */
void ict_cli_speculation(uint64_t started, uint64_t taken, double seconds,
                         double taken_seconds);
int ict_cli_load(const char *path, const char **sets, int nsets, ict_config_t **out);
/* Print a number as JSON (null when not finite). */
void ict_cli_json_number(FILE *f, double v);
void ict_cli_json_string(FILE *f, const char *s);
/* Write s as one CSV field (quoted when it holds , " or a newline). */
void ict_cli_csv_field(FILE *f, const char *s);

#endif
