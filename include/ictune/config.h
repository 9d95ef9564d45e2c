/* config.h - the tuning configuration, loaded from YAML with libyaml.
 *
 * ict_config_load() reads and validates the whole file; every error names
 * file:line:column, what was found and what was expected. The result is a
 * plain, read-only struct owned by the caller (ict_config_free). */
#ifndef ICTUNE_CONFIG_H
#define ICTUNE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/error.h"
#include "ictune/expr.h"
#include "ictune/space.h"

#define ICT_CONFIG_MAX_BYTES (4u << 20)   /* larger files are refused */

typedef enum ict_goal { ICT_MINIMIZE = 0, ICT_MAXIMIZE = 1 } ict_goal_t;
typedef enum ict_cmp { ICT_LT, ICT_LE, ICT_GT, ICT_GE } ict_cmp_t;

typedef struct ict_constraint {
    char *metric;
    ict_cmp_t op;
    double bound;
    char *text;                 /* as written, for messages */
} ict_constraint_t;

typedef struct ict_command {
    char *shell;                /* string form: run with /bin/sh -c ... */
    char **argv;                /* list form (argc items, NULL-terminated) */
    size_t argc;
    int line, col;
} ict_command_t;

typedef struct ict_option {     /* one strategy option, value as written */
    char *key;
    char *value;
    int line, col;              /* the value's; 0 when from --set */
    int key_line, key_col;
    char found[96];             /* not a single value: what was found */
} ict_option_t;

typedef struct ict_config {
    char *path;
    char *text;                 /* the file's full text */
    size_t text_len;
    char *name;
    char *output;               /* default "<name>.h5" */
    char *workdir;              /* default "<name>-runs" */
    ict_command_t command;
    int has_prepare;
    ict_command_t prepare;
    ict_space_t *space;
    char *objective;            /* metric name */
    ict_goal_t goal;
    int parse_last_number;      /* objective: {parse: last-number} */
    ict_constraint_t *constraints;
    size_t n_constraints;
    ict_expr_t **restrictions;  /* all must hold for a point to exist */
    char **restriction_text;    /* as written */
    size_t n_restrictions;
    int restrictions_line, restrictions_col;
    char **metrics;             /* further metrics to record */
    size_t n_metrics;
    char *strategy;             /* default "dsice" */
    int strategy_line, strategy_col;    /* search.strategy; 0: default */
    int search_line, search_col;        /* the search mapping; 0: none */
    ict_option_t *options;
    size_t n_options;
    int64_t max_evaluations;    /* 0: no limit */
    uint64_t *initial;          /* search.initial: points measured first */
    size_t n_initial;
    double timeout;             /* seconds; 0: none */
    int retries;
    int max_failures;           /* limits.max_failures_in_a_row; 0: none */
    int repeat;                 /* runs per evaluation (default 1) */
    int aggregate;              /* ICT_AGGREGATE_* (launch.h) */
    int remeasure;              /* after the run: re-measure the top N */
    int in_run_dir;             /* cwd: run_dir (default: start) */
    int gpus_none;              /* gpus: none -> CPU-only workers */
    int gpus_share;             /* workers per GPU allowed (default 1) */
} ict_config_t;

/* Load and validate path. On success *out owns a new config. */
int ict_config_load(const char *path, ict_config_t **out, ict_error_t *err);

/* The same from a buffer; name is used in messages. */
int ict_config_parse(const char *name, const char *text, size_t len,
                     ict_config_t **out, ict_error_t *err);

void ict_config_free(ict_config_t *c);

/* Look up a strategy option's text; NULL when absent. */
const ict_option_t *ict_config_option(const ict_config_t *c, const char *key);


/* Parse a duration such as "9h", "30m", "1h30m", "45s" or "90" (seconds). */
int ict_parse_duration(const char *text, double *seconds);

/* Do c's restrictions hold at the point idx (1), or is it excluded (0)? */
int ict_config_point_valid(const ict_config_t *c, const int32_t *idx);

/* Does value satisfy the constraint? */
int ict_constraint_holds(const ict_constraint_t *k, double value);
/* How far value is from breaking k, on the metric's scale: >= 0 where it
 * holds (a strict bound a hair (1e-9 x (|bound| + 1)) tighter, a
 * non-strict one a hair looser: a value fitted to the bound holds for
 * <= and not for <), NaN for NaN. */
double ict_constraint_slack(const ict_constraint_t *k, double value);

#endif
