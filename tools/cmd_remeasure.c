/* cmd_remeasure.c - `ictune remeasure`: the best points of a results file
 * run again, one at a time, and the ranking they give now. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ictune/remeasure.h"
#include "ictune/search.h"

static const char help[] =
    "usage: ictune remeasure RESULTS.h5 [--top K] [--repeat N]\n"
    "Run the K best distinct points of a results file again (default 5),\n"
    "N times each (default: the config's repeat, else 5), aggregated as\n"
    "the config says (median by default), one point at a time on this\n"
    "machine so that nothing else disturbs the timings; each outcome is\n"
    "appended to the file's /remeasured dataset (never read by the search).\n"
    "Prints the ranking they give now next to the one they had.\n"
    "Run it where the search ran (the config's command and workdir are\n"
    "relative to that folder), with no run writing the file.\n";

static volatile int stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int by_after(const void *a, const void *b, const ict_config_t *c)
{
    const ict_remeasured_t *x = a, *y = b;
    int xa = isfinite(x->after), ya = isfinite(y->after);
    if (xa != ya)
        return ya - xa;
    if (!xa || x->after == y->after)
        return 0;
    return (c->goal == ICT_MAXIMIZE ? x->after > y->after : x->after < y->after) ? -1 : 1;
}

int ict_cli_remeasure_print(const ict_config_t *c, ict_remeasured_t *v, size_t n,
                            int repeat)
{
    /* v is in the order of the first measurement: rank then = i + 1 */
    size_t *ord = malloc((n + 1) * sizeof *ord);
    if (!ord)
        return ICT_EXIT_FAILURE;
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && by_after(&v[ord[j]], &v[ord[j - 1]], c) < 0; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    static const char *const agg[] = {"median", "mean", "min"};
    printf("re-measured %zu point%s, %d run%s each (%s), one at a time:\n", n,
           n == 1 ? "" : "s", repeat, repeat == 1 ? "" : "s",
           agg[c->aggregate]);
    printf("  now  %-14s %-12s %-14s then  point\n", c->objective, "spread", "first");
    int32_t *idx = calloc(ict_space_dims(c->space) + 1, sizeof *idx);
    char pt[1024];
    for (size_t r = 0; r < n && idx; r++) {
        const ict_remeasured_t *q = &v[ord[r]];
        ict_space_unflat(c->space, q->flat, idx);
        ict_space_format(c->space, idx, pt, sizeof pt);
        if (q->status == ICT_STATUS_OK)
            printf("  %3zu  %-14.6g %-12.3g %-14.6g %4zu  %s\n", r + 1, q->after,
                   q->spread, q->before, ord[r] + 1, pt);
        else
            printf("  %3s  %-14s %-12s %-14.6g %4zu  %s (%s)\n", "-",
                   ict_status_name(q->status), "", q->before, ord[r] + 1, pt,
                   q->reason);
    }
    if (n && v[0].status == ICT_STATUS_OK) {
        size_t now = 0;
        while (now < n && ord[now] != 0)
            now++;
        printf("the first best: %.6g then, %.6g now (rank %zu now)\n", v[0].before,
               v[0].after, now + 1);
    }
    free(idx);
    free(ord);
    return ICT_EXIT_OK;
}

int ict_cmd_remeasure(int argc, char **argv)
{
    const char *path = NULL;
    double top = 5, repeat = 0;
    int uerr;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--top") && more) {
            if (ict_cli_number(a, argv[++i], 1, 100000, 1, &top))
                return ICT_EXIT_USAGE;
        } else if (!strcmp(a, "--repeat") && more) {
            if (ict_cli_number(a, argv[++i], 1, 1000, 1, &repeat))
                return ICT_EXIT_USAGE;
        } else if ((uerr = ict_cli_operand("remeasure", "RESULTS.h5", a, &path, help))) {
            return uerr;
        }
    }
    if (!path) {
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    ict_remeasured_t *v;
    size_t n;
    ict_config_t *c;
    ict_error_t err;
    if (ict_remeasure(path, (size_t)top, (int)repeat, &stop, &v, &n, &c, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_FAILURE;
    }
    int r = (int)repeat ? (int)repeat : c->repeat > 1 ? c->repeat : 5;
    int code = ict_cli_remeasure_print(c, v, n, r);
    if (stop)
        printf("stopped by a signal after %zu point%s (kept in %s)\n", n,
               n == 1 ? "" : "s", path);
    free(v);
    ict_config_free(c);
    return stop ? ICT_EXIT_RESUMABLE : code;
}
