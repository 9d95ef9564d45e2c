/* cmd_report.c - `ictune report FILE.h5`: what a results file says.
 * The best point, counts per status, per level and per stage, how busy the
 * workers were, every evaluation as CSV, and PNG plots drawn by gnuplot.
 * Reads with HDF5 file locking as the library sets it; for a file that a
 * running job holds, set HDF5_USE_FILE_LOCKING=FALSE. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ictune/number.h"
#include "cli.h"
#include "plot.h"
#include "ictune/store.h"

static const char help[] =
    "usage: ictune report FILE.h5 [options]\n"
    "Summarise a results file: the best point and its metrics, evaluations\n"
    "per status, per level and per stage, the workers' busy fraction and the\n"
    "GPU-hours used (hours of evaluations where there were no GPUs).\n"
    "\n"
    "  --top K        the K best valid evaluations (default 5)\n"
    "  --csv FILE     write every evaluation as CSV ('-' for stdout)\n"
    "  --plot DIR     the figures as PNG and SVG (gnuplot): objective,\n"
    "                 parameters, constraint-K, timeline (DIR is made)\n"
    "  --html FILE    one page: the summary, the top table and every figure\n"
    "                 (inline SVG; needs gnuplot)\n"
    "  --status       print the last job segment's state and exit with the\n"
    "                 code ictune run gave it: 0 finished, 3 resumable,\n"
    "                 1 failed (for job scripts); 4 while a run writes it\n"
    "  --watch S      print the report again every S (10s, 1m, ...) until\n"
    "                 no run writes the file any more\n"
    "A file that a run is writing is read as it stands (no lock is taken);\n"
    "the report says so.\n";

static int last_live;           /* the file had a writer (--watch) */

typedef struct rep {
    const ict_config_t *c;
    ict_record_t *rows;
    size_t n;
    int32_t *idx;
} rep_t;

static int better(const ict_config_t *c, double a, double b)
{
    return c->goal == ICT_MAXIMIZE ? a > b : a < b;
}

static void point_text(const rep_t *r, uint64_t flat, char *buf, size_t size)
{
    ict_space_unflat(r->c->space, flat, r->idx);
    ict_space_format(r->c->space, r->idx, buf, size);
}

static void num(FILE *f, double v)
{
    char b[32];
    if (isnan(v))
        return;
    fputs(ict_number_format(v, b, sizeof b), f);
}

/* One field of a record as a CSV cell. */
static void csv_value(FILE *f, const ict_field_t *fd, const ict_record_t *e)
{
    const char *p = (const char *)e + fd->offset;
    switch (fd->kind) {
    case ICT_FIELD_INT64: { int64_t v; memcpy(&v, p, 8); fprintf(f, "%lld", (long long)v); break; }
    case ICT_FIELD_INT32: { int32_t v; memcpy(&v, p, 4); fprintf(f, "%d", (int)v); break; }
    case ICT_FIELD_DOUBLE: { double v; memcpy(&v, p, 8); num(f, v); break; }
    case ICT_FIELD_TIME: { double v; memcpy(&v, p, 8); fprintf(f, "%.6f", v); break; }
    case ICT_FIELD_STATUS: { ict_status_t v; memcpy(&v, p, sizeof v); fputs(ict_status_name(v), f); break; }
    case ICT_FIELD_STRING:
    case ICT_FIELD_CPUSET: { const char *v; memcpy(&v, p, sizeof v); ict_cli_csv_field(f, v ? v : ""); break; }
    }
}

static int write_csv(const rep_t *r, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        ict_cli_error("%s: cannot write: %s", path, strerror(errno));
        return ICT_EXIT_FAILURE;
    }
    const ict_config_t *c = r->c;
    const ict_space_t *s = c->space;
    /* the columns: the record's fields (record.h) around the parameters
     * and the metrics */
    for (int g = ICT_FIELD_HEAD, first = 1; g <= ICT_FIELD_TAIL; g++) {
        for (size_t i = 0; i < ict_record_nfields; i++) {
            const ict_field_t *fd = &ict_record_fields[i];
            if (fd->group != g || (fd->flags & ICT_FIELD_NO_CSV))
                continue;
            fprintf(f, "%s%s", first ? "" : ",",
                    fd->name);
            first = 0;
        }
        if (g == ICT_FIELD_HEAD)
            for (size_t a = 0; a < ict_space_dims(s); a++)
                fprintf(f, ",%s", ict_space_name(s, a));
        else if (g == ICT_FIELD_MID)
            for (size_t k = 0; k < c->n_metrics; k++)
                fprintf(f, ",%s", c->metrics[k]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < r->n; i++) {
        const ict_record_t *e = &r->rows[i];
        ict_space_unflat(s, e->flat, r->idx);
        for (int g = ICT_FIELD_HEAD, first = 1; g <= ICT_FIELD_TAIL; g++) {
            for (size_t j = 0; j < ict_record_nfields; j++) {
                const ict_field_t *fd = &ict_record_fields[j];
                if (fd->group != g || (fd->flags & ICT_FIELD_NO_CSV))
                    continue;
                if (!first)
                    fputc(',', f);
                first = 0;
                csv_value(f, fd, e);
            }
            if (g == ICT_FIELD_HEAD)
                for (size_t a = 0; a < ict_space_dims(s); a++) {
                    fputc(',', f);
                    ict_cli_csv_field(f, ict_space_value(s, a, (size_t)r->idx[a])->text);
                }
            else if (g == ICT_FIELD_MID)
                for (size_t k = 0; k < c->n_metrics; k++) {
                    fputc(',', f);
                    num(f, e->metrics[k]);
                }
        }
        fputc('\n', f);
    }
    if (f != stdout && fclose(f)) {
        ict_cli_error("%s: write error", path);
        return ICT_EXIT_FAILURE;
    }
    return 0;
}


static int report_once(int argc, char **argv);

static volatile sig_atomic_t watch_stop;
static void on_watch_signal(int sig) { (void)sig; watch_stop = 1; }

int ict_cmd_report(int argc, char **argv)
{
    double every = 0;
    int k = 0;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return ICT_EXIT_FAILURE;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--watch") && i + 1 < argc) {
            if (ict_cli_duration("--watch", argv[++i], 0.1, &every)) {
                free(rest);
                return ICT_EXIT_USAGE;
            }
            continue;
        }
        rest[k++] = argv[i];
    }
    if (every <= 0) {
        int code = report_once(k, rest);
        free(rest);
        return code;
    }
    signal(SIGINT, on_watch_signal);
    signal(SIGTERM, on_watch_signal);
    int tty = isatty(STDOUT_FILENO), code = 0;
    for (int round = 0; !watch_stop; round++) {
        if (tty)
            fputs("\033[H\033[2J", stdout);       /* the screen, cleared */
        else if (round)
            puts("");
        code = report_once(k, rest);
        fflush(stdout);
        if (code == ICT_EXIT_USAGE || !last_live)
            break;                      /* the run is over: the last view */
        for (double t = 0; t < every && !watch_stop; t += 0.1)
            usleep(100000);
    }
    free(rest);
    return code;
}

static int report_once(int argc, char **argv)
{
    const char *path = NULL, *csv = NULL, *plotdir = NULL, *html = NULL;
    char *sumtext = NULL;               /* the summary (freed at out) */
    size_t sumlen = 0;
    int uerr;
    long top = 5;
    int status_only = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--top") && more) {
            char *end;
            top = strtol(argv[++i], &end, 10);
            if (*end || top < 0) {
                ict_cli_error("--top %s: expected a whole number >= 0", argv[i]);
                return ICT_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--csv") && more) {
            csv = argv[++i];
        } else if (!strcmp(a, "--plot") && more) {
            plotdir = argv[++i];
        } else if (!strcmp(a, "--html") && more) {
            html = argv[++i];
        } else if (!strcmp(a, "--status")) {
            status_only = 1;
        } else if ((uerr = ict_cli_operand("report", "FILE", a, &path,
                                           help))) {
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
    rep_t r = {c, NULL, 0, calloc(ict_space_dims(c->space) + 1, sizeof(int32_t))};
    ict_job_row_t *jobs = NULL;
    size_t njobs = 0;
    int code = 0;
    if (ict_store_rows(st, &r.rows, &r.n, &err) ||
        ict_store_job_rows(st, &jobs, &njobs, &err)) {
        ict_cli_error("%s", err.text);
        code = ICT_EXIT_FAILURE;
        goto out;
    }
    char who[256];
    last_live = ict_store_live(st, who, sizeof who);
    if (status_only && last_live) {
        printf("%s: running now (segment %zu, %zu rows so far%s%s)\n", path,
               njobs, r.n, who[0] ? ", " : "", who);
        code = 4;
        goto out;
    }
    if (status_only) {
        const char *state = njobs ? jobs[njobs - 1].exit_reason : "never run";
        int ec = njobs ? jobs[njobs - 1].exit_code : 1;
        if (njobs && !strcmp(state, "running")) {
            ec = ICT_EXIT_RESUMABLE;     /* killed while running: resumable */
            state = "killed while running (resumable)";
        }
        printf("%s: %s (segment %zu)\n", path, state, njobs);
        code = ec == 0 ? 0 : ec == ICT_EXIT_RESUMABLE ? ICT_EXIT_RESUMABLE : ICT_EXIT_FAILURE;
        goto out;
    }
    /* the summary is kept, for stdout (unless CSV goes there: CSV only)
     * and for the HTML page */
    FILE *sum = open_memstream(&sumtext, &sumlen);
    if (!sum) {
        code = ICT_EXIT_FAILURE;
        goto out;
    }
    /* best: the first row with the best valid objective */
    long best = -1;
    size_t count[ICT_STATUS_COUNT] = {0};
    double busy = 0;
    long maxstage = 0;
    int maxlevel = 0;
    for (size_t i = 0; i < r.n; i++) {
        const ict_record_t *e = &r.rows[i];
        count[e->status] += e->attempt != 0;    /* seeds: not run here */
        if (e->end > e->start)
            busy += e->end - e->start;
        if (e->stage > maxstage)
            maxstage = e->stage;
        if (e->level > maxlevel)
            maxlevel = e->level;
        if (e->status == ICT_STATUS_OK && isfinite(e->objective) &&
            (best < 0 || better(c, e->objective, r.rows[best].objective)))
            best = (long)i;
    }
    char pt[2048];
    fprintf(sum, "results: %s (%s, %zu rows, %zu job segment%s)\n", path, c->name,
           r.n, njobs, njobs == 1 ? "" : "s");
    fprintf(sum, "objective: %s %s (the column 'objective' of the file and "
            "the CSV)\n", c->goal == ICT_MAXIMIZE ? "maximize" : "minimize",
            c->objective);
    if (last_live)
        fprintf(sum, "a run is writing this file now%s%s%s: the report is of "
                "the rows flushed so far\n", who[0] ? " (" : "", who,
                who[0] ? ")" : "");
    if (best >= 0) {
        const ict_record_t *b = &r.rows[best];
        point_text(&r, b->flat, pt, sizeof pt);
        if (b->attempt == 0)            /* not run here */
            fprintf(sum, "best %s = %.10g at %s (%s)", c->objective,
                    b->objective, pt, b->reason);
        else
            fprintf(sum, "best %s = %.10g at %s (evaluation %lld, stage %ld%s)", c->objective,
               b->objective, pt, (long long)b->id, b->stage,
               b->speculative ? b->stage ? ", run ahead of the search" :
                                           ", a speculative row the search has "
                                           "not taken" : "");
        for (size_t k = 0; k < c->n_metrics; k++)
            if (!isnan(b->metrics[k]))
                fprintf(sum, ", %s = %.10g", c->metrics[k], b->metrics[k]);
        fputc('\n', sum);
    } else {
        fprintf(sum, "no valid evaluation\n");
    }
    size_t seeded = 0;
    for (size_t i = 0; i < r.n; i++)
        seeded += r.rows[i].attempt == 0;
    if (seeded)
        fprintf(sum, "seeded: %zu rows taken from another file (never run "
                "here; not in the counts below)\n", seeded);
    fprintf(sum, "evaluations per status:");
    for (int s = 0; s < ICT_STATUS_COUNT; s++)
        if (count[s])
            fprintf(sum, " %s %zu", ict_status_name(s), count[s]);
    fputc('\n', sum);
    fprintf(sum, "evaluations per level:");
    for (int l = 0; l <= maxlevel; l++) {
        size_t n = 0;
        for (size_t i = 0; i < r.n; i++)
            n += r.rows[i].level == l;
        fprintf(sum, " %d:%zu", l, n);
    }
    fputc('\n', sum);
    fprintf(sum, "evaluations per stage:");
    for (long s = 1; s <= maxstage; s++) {
        size_t n = 0;
        for (size_t i = 0; i < r.n; i++)
            n += r.rows[i].stage == s;
        fprintf(sum, " %ld:%zu", s, n);
    }
    fputc('\n', sum);
    size_t sp = 0, sp_taken = 0;
    double sp_s = 0, sp_taken_s = 0;
    for (size_t i = 0; i < r.n; i++)
        if (r.rows[i].speculative) {
            double d = r.rows[i].end - r.rows[i].start;
            sp++;
            sp_s += d;
            if (r.rows[i].stage) {
                sp_taken++;
                sp_taken_s += d;
            }
        }
    /* GPU-hours where the evaluations had GPUs, else hours of evaluations */
    int gpus = 0;
    for (size_t i = 0; i < r.n && !gpus; i++)
        gpus = r.rows[i].gpu && r.rows[i].gpu[0];
    const char *hours = gpus ? "GPU-hours" : "hours of evaluations";
    if (sp)
        fprintf(sum, "speculative: %zu evaluations run ahead of the search, %zu "
               "taken by it, %zu not (%.4g of %.4g %s)\n", sp, sp_taken,
               sp - sp_taken, (sp_s - sp_taken_s) / 3600, sp_s / 3600, hours);
    double wall = 0, capacity = 0;
    for (size_t j = 0; j < njobs; j++) {
        double end = isnan(jobs[j].end) ? ict_store_t0(st) : jobs[j].end;
        /* a segment killed while running ends at its last evaluation */
        if (isnan(jobs[j].end))
            for (size_t i = 0; i < r.n; i++)
                if (ict_store_t0(st) + r.rows[i].end > end)
                    end = ict_store_t0(st) + r.rows[i].end;
        double span = end > jobs[j].start ? end - jobs[j].start : 0;
        int workers = jobs[j].workers > 0 ? jobs[j].workers : 1;
        wall += span;
        capacity += span * workers;
    }
    if (gpus)
        fprintf(sum, "work: %.4g GPU-hours (%.1f s of evaluations)", busy / 3600, busy);
    else
        fprintf(sum, "work: %.1f s of evaluations (%.4g hours, no GPUs)", busy,
                busy / 3600);
    fprintf(sum, " over %.1f s of wall time in %zu segment%s; workers busy %.1f%%\n",
           wall, njobs, njobs == 1 ? "" : "s",
           capacity > 0 ? 100 * busy / capacity : 0);
    if (top > 0 && best >= 0) {
        fprintf(sum, "top %ld:\n", top);
        size_t *ord = malloc((r.n + 1) * sizeof *ord);
        size_t m = ord ? ict_record_rank(c, r.rows, r.n, ord) : 0;
        for (size_t i = 0; ord && i < m && i < (size_t)top; i++) {
            const ict_record_t *e = &r.rows[ord[i]];
            point_text(&r, e->flat, pt, sizeof pt);
            if (e->attempt == 0)
                fprintf(sum, "  %2zu. %s = %.10g  %s  (%s)\n", i + 1,
                        c->objective, e->objective, pt, e->reason);
            else
                fprintf(sum, "  %2zu. %s = %.10g  %s  (evaluation %lld)\n", i + 1,
                        c->objective, e->objective, pt, (long long)e->id);
        }
        free(ord);
    }
    /* ictune remeasure's rows: the ranking they give, in the order run */
    ict_record_t *rm = NULL;
    size_t nrm = 0;
    if (ict_store_remeasured_rows(st, &rm, &nrm, &err) == 0 && nrm) {
        size_t *o2 = malloc(nrm * sizeof *o2);
        size_t m2 = o2 ? ict_record_rank(c, rm, nrm, o2) : 0;
        fprintf(sum, "re-measured: %zu points (%zu OK), best now:\n", nrm, m2);
        for (size_t i = 0; o2 && i < m2 && i < (size_t)(top ? top : 5); i++) {
            const ict_record_t *e = &rm[o2[i]];
            point_text(&r, e->flat, pt, sizeof pt);
            fprintf(sum, "  %2zu. %s = %.10g  %s  (evaluation %lld, run again)\n",
                    i + 1, c->objective, e->objective, pt, (long long)e->id);
        }
        free(o2);
    }
    ict_store_rows_free(rm, nrm);
    fclose(sum);
    if (!(csv && !strcmp(csv, "-")))
        fwrite(sumtext, 1, sumlen, stdout);
    ict_plot_input_t pin = {c, r.rows, r.n, jobs, njobs, ict_store_t0(st)};
    if (csv && (code = write_csv(&r, csv)))
        goto out;
    if (plotdir && !(code = ict_cli_plots(&pin, plotdir, NULL, NULL)))
        printf("plots: %s/objective.{png,svg}, parameters, %stimeline (PNG and "
               "SVG)\n", plotdir, c->n_constraints ? "constraint-K, " : "");
    if (code)
        goto out;
    if (html && !(code = ict_cli_html(&pin, sumtext, top ? top : 5, html)))
        printf("page: %s\n", html);
out:
    free(sumtext);
    free(jobs);
    ict_store_rows_free(r.rows, r.n);
    free(r.idx);
    ict_store_close(st);
    return code;
}
