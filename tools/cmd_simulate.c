/* cmd_simulate.c - `ictune simulate`: the search against a measured table.
 * Prints a human summary and, as its last line, one JSON object. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ictune/number.h"
#include "cli.h"
#include "ictune/simulate.h"

static const char help[] =
    "usage: ictune simulate CONFIG --table FILE.csv [options]\n"
    "Run the config's strategy in-process against a table of measured\n"
    "values: one CSV column per parameter (values as written in the\n"
    "config), then metric columns. A configuration absent from the table is\n"
    "excluded (known before running: costs no evaluation); a cell that is\n"
    "not a number is a failed evaluation; a row that breaks a constraint\n"
    "is infeasible. The JSON counts the three apart.\n"
    "\n"
    "  --table FILE.csv        the table (required)\n"
    "  --metric COLUMN         objective column (default: the config's)\n"
    "  --workers W             simulate W workers on a clock\n"
    "  --duration COLUMN       each evaluation's run time, from the table\n"
    "  --duration-seconds S    or a fixed run time\n"
    "  --trace FILE.csv        write every evaluation in order (with its\n"
    "                          simulated start, end, worker and whether it\n"
    "                          ran ahead of the search: speculative)\n"
    "  --shuffle SEED          deliver each stage's results in a shuffled\n"
    "                          order (the trace must not change)\n"
    "  --set KEY=VALUE         override search.KEY (strategy,\n"
    "                          max_evaluations or a strategy option)\n"
    "  --quiet                 print only the JSON line\n";

typedef struct trace {
    FILE *f;
    const ict_config_t *c;
    int32_t *idx;
} trace_t;

static int on_eval(void *ud, const ict_sim_eval_t *ev)
{
    trace_t *t = ud;
    if (!t->f)
        return 0;
    const ict_space_t *s = t->c->space;
    fprintf(t->f, "%llu,%ld,%d", (unsigned long long)ev->order, ev->stage,
            ev->level);
    ict_space_unflat(s, ev->flat, t->idx);
    for (size_t a = 0; a < ict_space_dims(s); a++) {
        fputc(',', t->f);
        ict_cli_csv_field(t->f, ict_space_value(s, a, (size_t)t->idx[a])->text);
    }
    char b1[32], b2[32];
    if (ev->value == ev->value)
        fprintf(t->f, ",%s", ict_number_format(ev->value, b1, sizeof b1));
    else
        fputs(",", t->f);
    fprintf(t->f, ",%s,%s,%s,%ld,%d\n", ict_status_name(ev->status),
            ict_number_format(ev->start, b1, sizeof b1),
            ict_number_format(ev->end, b2, sizeof b2), ev->worker, ev->speculative);
    return ferror(t->f) ? -EIO : 0;
}

static void json_point(FILE *f, const ict_space_t *s, uint64_t flat, int32_t *idx)
{
    ict_space_unflat(s, flat, idx);
    fputc('{', f);
    for (size_t a = 0; a < ict_space_dims(s); a++) {
        const ict_value_t *v = ict_space_value(s, a, (size_t)idx[a]);
        if (a)
            fputc(',', f);
        ict_cli_json_string(f, ict_space_name(s, a));
        fputc(':', f);
        if (v->is_num)
            ict_cli_json_number(f, v->num);
        else
            ict_cli_json_string(f, v->text);
    }
    fputc('}', f);
}

int ict_cmd_simulate(int argc, char **argv)
{
    const char *path = NULL, *table = NULL, *tracef = NULL;
    int uerr;
    ict_sim_opts_t o = {0};
    int quiet = 0;
    const char *sets[64];
    int nsets = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--table") && more) {
            table = argv[++i];
        } else if (!strcmp(a, "--metric") && more) {
            o.metric = argv[++i];
        } else if (!strcmp(a, "--duration") && more) {
            o.duration = argv[++i];
        } else if (!strcmp(a, "--duration-seconds") && more) {
            char *end;
            o.duration_fixed = strtod(argv[++i], &end);
            if (*end || o.duration_fixed <= 0) {
                ict_cli_error("--duration-seconds %s: expected a number > 0",
                              argv[i]);
                return ICT_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--workers") && more) {
            double v;
            if (ict_cli_number(a, argv[++i], 1, 1e8, 1, &v))
                return ICT_EXIT_USAGE;
            o.workers = (long)v;
        } else if (!strcmp(a, "--trace") && more) {
            tracef = argv[++i];
        } else if (!strcmp(a, "--shuffle") && more) {
            double v;
            if (ict_cli_number(a, argv[++i], 0, 1e15, 1, &v))
                return ICT_EXIT_USAGE;
            o.shuffle = 1;
            o.shuffle_seed = (unsigned long long)v;
        } else if (!strcmp(a, "--set") && more && nsets < 64) {
            sets[nsets++] = argv[++i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if ((uerr = ict_cli_operand("simulate", "CONFIG", a, &path,
                                           help))) {
            return uerr;
        }
    }
    if (!path || !table) {
        ict_cli_error("simulate: %s is required", !path ? "CONFIG" : "--table");
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    ict_config_t *c;
    ict_error_t err;
    int code = ict_cli_load(path, sets, nsets, &c);
    if (code)
        return code;
    ict_table_t *t = NULL;
    trace_t tr = {NULL, c, NULL};
    size_t D = ict_space_dims(c->space);
    tr.idx = calloc(D ? D : 1, sizeof *tr.idx);
    if (!code && ict_table_load(table, c->space, &t, &err)) {
        ict_cli_error("%s", err.text);
        code = ICT_EXIT_USAGE;
    }
    if (!code && tracef) {
        tr.f = fopen(tracef, "w");
        if (!tr.f) {
            ict_cli_error("%s: cannot write the trace: %s", tracef,
                          strerror(errno));
            code = ICT_EXIT_FAILURE;
        } else {
            fputs("order,stage,level", tr.f);
            for (size_t a = 0; a < D; a++)
                fprintf(tr.f, ",%s", ict_space_name(c->space, a));
            fprintf(tr.f, ",%s,status,start,end,worker,speculative\n",
                    o.metric ? o.metric : c->objective);
        }
    }
    ict_sim_result_t r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!code) {
        int rc = ict_simulate(c, t, &o, on_eval, &tr, &r, &err);
        if (rc) {
            ict_cli_error("simulate: %s", err.text);
            code = rc == -EINVAL ? ICT_EXIT_USAGE : ICT_EXIT_FAILURE;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (tr.f && fclose(tr.f) && !code) {
        ict_cli_error("%s: cannot write the trace", tracef);
        code = ICT_EXIT_FAILURE;
    }
    if (!code) {
        char line[4096];
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (!quiet) {
            printf("strategy %s on %s (%zu rows): %llu evaluations in %ld "
                   "stages, %llu failed, %llu infeasible (broke a constraint), "
                   "%llu excluded (not in the table: never run)%s (%.3f s)\n",
                   c->strategy, table, ict_table_rows(t),
                   (unsigned long long)r.stats.evaluations, r.stats.stages,
                   (unsigned long long)(r.stats.invalid - r.stats.infeasible),
                   (unsigned long long)r.stats.infeasible,
                   (unsigned long long)r.stats.skipped,
                   r.stats.budget_reached ? "; budget reached" : "", secs);
            if (r.has_best) {
                ict_space_unflat(c->space, r.best_flat, tr.idx);
                ict_space_format(c->space, tr.idx, line, sizeof line);
                printf("best %s = %.6g at %s%s\n", c->objective, r.best, line,
                       r.best_speculative ? " (a speculative row)" : "");
            } else {
                printf("no valid evaluation\n");
            }
            if (r.has_table_best) {
                ict_space_unflat(c->space, r.table_best_flat, tr.idx);
                ict_space_format(c->space, tr.idx, line, sizeof line);
                printf("table best %.6g at %s", r.table_best, line);
                if (r.has_best)
                    printf(" (found/best ratio %.4f)",
                           c->goal == ICT_MINIMIZE ? r.table_best / r.best
                                                   : r.best / r.table_best);
                putchar('\n');
            }
            if (o.workers)
                printf("%ld workers: makespan %.6g s, busy %.1f%%, lower "
                       "bounds %.6g s (work/workers) and %.6g s (sum of "
                       "stage maxima)\n",
                       o.workers, r.makespan, 100 * r.busy_fraction,
                       r.busy / (double)o.workers, r.stage_bound);
            ict_cli_speculation(r.spec_started, r.spec_taken, r.spec_seconds,
                                r.spec_taken_seconds);
        }
        printf("{\"strategy\":");
        ict_cli_json_string(stdout, c->strategy);
        printf(",\"evaluations\":%llu,\"excluded\":%llu,\"infeasible\":%llu,"
               "\"failed\":%llu,\"stages\":%ld,\"best\":",
               (unsigned long long)r.stats.evaluations,
               (unsigned long long)r.stats.skipped,
               (unsigned long long)r.stats.infeasible,
               (unsigned long long)(r.stats.invalid - r.stats.infeasible),
               r.stats.stages);
        ict_cli_json_number(stdout, r.has_best ? r.best : NAN);
        printf(",\"best_point\":");
        if (r.has_best)
            json_point(stdout, c->space, r.best_flat, tr.idx);
        else
            printf("null");
        printf(",\"table_best\":");
        ict_cli_json_number(stdout, r.has_table_best ? r.table_best : NAN);
        printf(",\"makespan\":");
        ict_cli_json_number(stdout, o.workers ? r.makespan : NAN);
        printf(",\"busy_fraction\":");
        ict_cli_json_number(stdout, o.workers ? r.busy_fraction : NAN);
        printf(",\"stage_bound\":");
        ict_cli_json_number(stdout, o.workers ? r.stage_bound : NAN);
        printf(",\"work\":");
        ict_cli_json_number(stdout, r.busy);
        printf(",\"time_to_best\":");
        ict_cli_json_number(stdout, o.workers ? r.time_to_best : NAN);
        printf(",\"best_speculative\":%s,\"speculative\":{\"started\":%llu,"
               "\"taken\":%llu,\"wasted\":%llu,\"seconds\":",
               r.best_speculative ? "true" : "false",
               (unsigned long long)r.spec_started,
               (unsigned long long)r.spec_taken,
               (unsigned long long)(r.spec_started - r.spec_taken));
        ict_cli_json_number(stdout, r.spec_seconds);
        printf(",\"wasted_seconds\":");
        ict_cli_json_number(stdout, r.spec_seconds - r.spec_taken_seconds);
        printf("}");
        printf(",\"budget_reached\":%s,\"seconds\":%.6f}\n",
               r.stats.budget_reached ? "true" : "false", secs);
    }
    free(tr.idx);
    ict_table_free(t);
    ict_config_free(c);
    return code;
}
