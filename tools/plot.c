/* plot.c - the report's figures, drawn by gnuplot (PNG and SVG of each),
 * and the self-contained HTML page that holds them.
 *
 * Figures: the objective per evaluation (failures along the bottom, broken
 * constraints apart, stage and level marks, a log scale when the values
 * span decades); the objective against each parameter (a panel each,
 * coloured by stage); each constrained metric against the objective with
 * its limit; the timeline of every worker (a colour per status with a
 * legend, stage starts, job segments; idle time is what is not drawn).
 * The data goes to gnuplot inline (datablocks): no file is left beside
 * the figures. Rows seeded from another file were not run here and are
 * not drawn. */
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ictune/number.h"
#include "ictune/search.h"

static const char *const status_colour[ICT_STATUS_COUNT] = {
    "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22"};

static int better(const ict_config_t *c, double a, double b)
{
    return c->goal == ICT_MAXIMIZE ? a > b : a < b;
}

/* gnuplot's single-quoted string: ' doubled */
static void gq(FILE *g, const char *s)
{
    fputc('\'', g);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', g);
        fputc(*s, g);
    }
    fputc('\'', g);
}

static void num(FILE *g, double v)
{
    if (isfinite(v))
        fprintf(g, " %.17g", v);
    else
        fputs(" NaN", g);
}

static int run_here(const ict_record_t *r) { return r->attempt != 0; }

typedef struct fig {
    const ict_plot_input_t *in;
    const char *dir;
    char **files;
    size_t nfiles;
} fig_t;

/* Run gnuplot on the script made by draw(g, ud), once per terminal. */
static int render(fig_t *F, const char *name, int w, int h,
                  void (*draw)(FILE *, const fig_t *, void *), void *ud)
{
    static const char *const term[2][2] = {
        {"png", "pngcairo size %d,%d noenhanced font ',11'"},
        {"svg", "svg size %d,%d noenhanced dynamic font 'sans,11' background '#ffffff'"}};
    for (int t = 0; t < 2; t++) {
        char path[4096], cmd[4200];
        snprintf(path, sizeof path, "%s/%s.%s", F->dir, name, term[t][0]);
        snprintf(cmd, sizeof cmd, "gnuplot > '%s.log' 2>&1", path);
        FILE *g = popen(cmd, "w");
        if (!g)
            return -errno;
        fputs("set terminal ", g);
        fprintf(g, term[t][1], w, h);
        fputs("\nset output ", g);
        gq(g, path);
        fputs("\nset datafile missing 'NaN'\nset grid lc rgb '#eeeeee'\n", g);
        draw(g, F, ud);
        fputs("unset output\n", g);
        int st = pclose(g);
        char log[4200];
        snprintf(log, sizeof log, "%s.log", path);
        if (st != 0) {
            FILE *lf = fopen(log, "r");
            char line[512] = "";
            if (lf) {
                while (fgets(line, sizeof line, lf) && !strstr(line, "rror"))
                    ;
                fclose(lf);
            }
            line[strcspn(line, "\n")] = '\0';
            remove(log);
            ict_cli_error("gnuplot failed on %s (exit status %d)%s%s: is "
                          "gnuplot-nox installed?", path,
                          WIFEXITED(st) ? WEXITSTATUS(st) : st,
                          line[0] ? ": " : "", line);
            return -EIO;
        }
        remove(log);
        if (F->files) {
            F->files[F->nfiles] = strdup(path);
            if (F->files[F->nfiles])
                F->nfiles++;
        }
    }
    return 0;
}

/* ---- the objective per evaluation ---- */

static void draw_objective(FILE *g, const fig_t *F, void *ud)
{
    (void)ud;
    const ict_plot_input_t *in = F->in;
    const ict_config_t *c = in->c;
    double lo = INFINITY, hi = -INFINITY, best = NAN;
    int has[3] = {0, 0, 0};
    fputs("$E << EOD\n", g);
    size_t k = 0;
    long stage = -1;
    int level = -1;
    for (size_t i = 0; i < in->n; i++) {
        const ict_record_t *r = &in->rows[i];
        if (!run_here(r))
            continue;
        k++;
        int ok = r->status == ICT_STATUS_OK && isfinite(r->objective);
        int broken = r->status == ICT_STATUS_INFEASIBLE && isfinite(r->objective);
        int failed = !ok && !broken && r->status != ICT_STATUS_INTERRUPTED &&
                     r->status != ICT_STATUS_SKIPPED;
        if (ok && (isnan(best) || better(c, r->objective, best)))
            best = r->objective;
        if (ok || broken) {
            lo = fmin(lo, r->objective);
            hi = fmax(hi, r->objective);
        }
        has[0] |= ok;
        has[1] |= broken;
        has[2] |= failed;
        fprintf(g, "%zu", k);
        num(g, ok ? r->objective : NAN);
        num(g, broken ? r->objective : NAN);
        num(g, failed ? 0.03 : NAN);
        num(g, best);
        fputc('\n', g);
    }
    fputs("EOD\n", g);
    /* stage starts (light) and level changes (dashed, labelled), in the
     * order recorded; too many stages: the level changes only */
    size_t nst = 0;
    for (size_t i = 0; i < in->n; i++)
        if (run_here(&in->rows[i]) && in->rows[i].stage &&
            in->rows[i].stage != stage) {
            nst++;
            stage = in->rows[i].stage;
        }
    stage = -1;
    int nlabels = 0;
    for (size_t i = 0, j = 0; i < in->n; i++) {
        const ict_record_t *r = &in->rows[i];
        if (!run_here(r))
            continue;
        j++;
        if (!r->stage || r->stage == stage)
            continue;
        stage = r->stage;
        if (r->level != level && level >= 0) {
            fprintf(g, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 "
                    "lc rgb '#888888' back\n", j - 0.5, j - 0.5);
            fprintf(g, "set label 'level %d' at %g, graph %s left offset 0.3,0 "
                    "font ',9' tc rgb '#555555'\n", r->level, j - 0.5,
                    nlabels++ % 2 ? "0.93" : "0.97");
        } else if (nst <= 300 && j > 1) {
            fprintf(g, "set arrow from %g, graph 0 to %g, graph 1 nohead "
                    "lc rgb '#e4e4e4' back\n", j - 0.5, j - 0.5);
        }
        level = r->level;
    }
    fputs("set title ", g);
    char t[512];
    snprintf(t, sizeof t, "%s: %s per evaluation (%s; thin lines: stages, "
             "dashed: a new level)", c->name, c->objective,
             c->goal == ICT_MAXIMIZE ? "maximize" : "minimize");
    gq(g, t);
    fputs("\nset xlabel 'evaluation (in the order recorded)'\nset ylabel ", g);
    gq(g, c->objective);
    fputs("\nset key outside bottom center horizontal\nset y2range [0:1]\n"
          "unset y2tics\nset xrange [0:*]\n", g);
    if (lo > 0 && hi / lo > 100)
        fputs("set logscale y\n", g);
    fputs("plot ", g);
    int first = 1;
    const char *sep = "";
    if (has[0]) {
        fprintf(g, "$E using 1:2 with points pt 7 ps 0.6 lc rgb '#1f77b4' "
                "title 'valid'");
        first = 0;
    }
    sep = first ? "" : ", ";
    if (has[1]) {
        fprintf(g, "%s$E using 1:3 with points pt 6 ps 0.9 lw 2 lc rgb '#d62728' "
                "title 'broke a constraint'", sep);
        first = 0;
    }
    sep = first ? "" : ", ";
    if (has[2]) {
        fprintf(g, "%s$E using 1:4 axes x1y2 with points pt 2 ps 0.9 lw 2 "
                "lc rgb '#555555' title 'failed (no value)'", sep);
        first = 0;
    }
    sep = first ? "" : ", ";
    if (has[0])
        fprintf(g, "%s$E using 1:5 with steps lw 2 lc rgb '#2ca02c' "
                "title 'best so far'", sep);
    else if (first)
        fputs("$E using 1:(NaN) notitle", g);
    fputc('\n', g);
}

/* ---- the objective against each parameter ---- */

typedef struct pp { size_t *vary; size_t nv; int cols, rows; } pp_t;

static void draw_params(FILE *g, const fig_t *F, void *ud)
{
    const pp_t *P = ud;
    const ict_plot_input_t *in = F->in;
    const ict_config_t *c = in->c;
    const ict_space_t *s = c->space;
    size_t D = ict_space_dims(s);
    int32_t *idx = calloc(D + 1, sizeof *idx);
    if (!idx)
        return;
    long maxstage = 1;
    double ylo = INFINITY, yhi = -INFINITY;
    fputs("$P << EOD\n", g);
    for (size_t i = 0; i < in->n; i++) {
        const ict_record_t *r = &in->rows[i];
        if (!run_here(r) || r->status != ICT_STATUS_OK || !isfinite(r->objective))
            continue;
        ict_space_unflat(s, r->flat, idx);
        if (r->stage > maxstage)
            maxstage = r->stage;
        ylo = fmin(ylo, r->objective);
        yhi = fmax(yhi, r->objective);
        num(g, r->objective);
        fprintf(g, " %ld", r->stage);
        for (size_t k = 0; k < P->nv; k++) {
            size_t a = P->vary[k];
            const ict_value_t *v = ict_space_value(s, a, (size_t)idx[a]);
            int numeric = 1;
            for (size_t q = 0; q < ict_space_count(s, a); q++)
                numeric &= ict_space_value(s, a, q)->is_num;
            num(g, numeric ? v->num : (double)idx[a]);
        }
        fputc('\n', g);
    }
    fputs("EOD\n", g);
    char t[512];
    snprintf(t, sizeof t, "%s: %s against each parameter (valid evaluations, "
             "colour: stage)", c->name, c->objective);
    fprintf(g, "set multiplot layout %d,%d title ", P->rows, P->cols);
    gq(g, t);
    fprintf(g, "\nset palette defined (0 '#440154', 1 '#31688e', 2 '#35b779', "
            "3 '#fde725')\nset cbrange [1:%ld]\nunset colorbox\nunset key\n",
            maxstage > 1 ? maxstage : 2);
    if (ylo > 0 && yhi / ylo > 100)
        fputs("set logscale y\n", g);
    for (size_t k = 0; k < P->nv; k++) {
        size_t a = P->vary[k], n = ict_space_count(s, a);
        int numeric = 1;
        double lo = INFINITY, hi = -INFINITY;
        for (size_t q = 0; q < n; q++) {
            const ict_value_t *v = ict_space_value(s, a, q);
            numeric &= v->is_num;
            if (v->is_num) {
                lo = fmin(lo, v->num);
                hi = fmax(hi, v->num);
            }
        }
        fputs("set xlabel ", g);
        gq(g, ict_space_name(s, a));
        fputs("\nset ylabel ", g);
        gq(g, c->objective);
        fputs("\n", g);
        if (numeric && lo > 0 && hi / lo > 100)
            fputs("set logscale x\n", g);
        else
            fputs("unset logscale x\n", g);
        if (!numeric) {
            fputs("set xtics (", g);
            for (size_t q = 0; q < n; q++) {
                fputs(q ? ", " : "", g);
                gq(g, ict_space_value(s, a, q)->text);
                fprintf(g, " %zu", q);
            }
            fprintf(g, ")\nset xrange [-0.5:%g]\n", (double)n - 0.5);
        } else {
            fputs("set xtics autofreq\nset xrange [*:*]\n", g);
        }
        fprintf(g, "plot $P using %zu:1:2 with points pt 7 ps 0.6 lc palette\n",
                k + 3);
    }
    fputs("unset multiplot\n", g);
    free(idx);
}

/* ---- each constrained metric against the objective ---- */

static void draw_constraint(FILE *g, const fig_t *F, void *ud)
{
    const ict_plot_input_t *in = F->in;
    const ict_config_t *c = in->c;
    size_t k = *(size_t *)ud;
    const ict_constraint_t *K = &c->constraints[k];
    int j = -1;                         /* the metric's column, -1: objective */
    for (size_t m = 0; m < c->n_metrics; m++)
        if (!strcmp(c->metrics[m], K->metric))
            j = (int)m;
    int has[2] = {0, 0};
    fputs("$C << EOD\n", g);
    for (size_t i = 0; i < in->n; i++) {
        const ict_record_t *r = &in->rows[i];
        if (!run_here(r) || !isfinite(r->objective))
            continue;
        double v = j < 0 ? r->objective : r->metrics[j];
        int ok = r->status == ICT_STATUS_OK, broken = r->status == ICT_STATUS_INFEASIBLE;
        if (!ok && !broken)
            continue;
        has[0] |= ok;
        has[1] |= broken;
        num(g, v);
        num(g, ok ? r->objective : NAN);
        num(g, broken ? r->objective : NAN);
        fputc('\n', g);
    }
    fputs("EOD\n", g);
    char t[512];
    snprintf(t, sizeof t, "%s: %s against %s (the limit: %s)", c->name,
             c->objective, K->metric, K->text);
    fputs("set title ", g);
    gq(g, t);
    fputs("\nset xlabel ", g);
    gq(g, K->metric);
    fputs("\nset ylabel ", g);
    gq(g, c->objective);
    fprintf(g, "\nset key outside bottom center horizontal\n"
            "set offsets graph 0.03, graph 0.12, graph 0.03, graph 0.03\n"
            "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lw 2 "
            "lc rgb '#d62728' front\n", K->bound, K->bound);
    fputs("set label ", g);
    gq(g, K->text);
    fprintf(g, " at %.17g, graph 0.95 right offset -0.5,0 tc rgb '#d62728' front\n",
            K->bound);
    fputs("plot ", g);
    if (has[0])
        fputs("$C using 1:2 with points pt 7 ps 0.6 lc rgb '#1f77b4' "
              "title 'within the limit'", g);
    if (has[1])
        fprintf(g, "%s$C using 1:3 with points pt 6 ps 0.9 lw 2 lc rgb '#d62728' "
                "title 'broke it'", has[0] ? ", " : "");
    if (!has[0] && !has[1])
        fputs("$C using 1:(NaN) notitle", g);
    fputc('\n', g);
}

/* ---- the timeline ---- */

static void draw_timeline(FILE *g, const fig_t *F, void *ud)
{
    (void)ud;
    const ict_plot_input_t *in = F->in;
    const ict_config_t *c = in->c;
    int base, maxw = 0;                 /* workers shown from 1 */
    int used[ICT_STATUS_COUNT] = {0};
    double tmax = 0;
    int zero = 0;
    for (size_t i = 0; i < in->n; i++)
        zero |= run_here(&in->rows[i]) && in->rows[i].worker == 0;
    base = zero ? 1 : 0;                /* local slots count from 0 */
    fputs("$T << EOD\n", g);
    for (size_t i = 0; i < in->n; i++) {
        const ict_record_t *r = &in->rows[i];
        if (!run_here(r) || r->worker < 0)
            continue;
        int w = r->worker + base;
        maxw = w > maxw ? w : maxw;
        used[r->status] = 1;
        tmax = fmax(tmax, r->end);
        fprintf(g, "%d", w);
        num(g, r->start);
        num(g, r->end);
        fprintf(g, " %d\n", (int)r->status);
    }
    fputs("EOD\n", g);
    /* job segments: shaded alternately, labelled */
    for (size_t j = 0; j < in->njobs; j++) {
        double a = in->jobs[j].start - in->t0;
        double b = isnan(in->jobs[j].end) ? tmax : in->jobs[j].end - in->t0;
        if (j % 2)
            fprintf(g, "set object rect from %.17g, graph 0 to %.17g, graph 1 "
                    "fc rgb '#f3f3f3' fs solid noborder behind\n", a, b);
        fprintf(g, "set label 'segment %zu' at %.17g, graph 1 left offset 0.3,-0.8 "
                "font ',9' tc rgb '#777777'\n", j + 1, a);
    }
    /* stage starts: the earliest start of each stage's rows */
    long maxstage = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->rows[i].stage > maxstage)
            maxstage = in->rows[i].stage;
    if (maxstage > 1 && maxstage <= 400) {
        double *first = malloc((size_t)(maxstage + 1) * sizeof *first);
        for (long s = 0; first && s <= maxstage; s++)
            first[s] = INFINITY;
        for (size_t i = 0; first && i < in->n; i++) {
            const ict_record_t *r = &in->rows[i];
            if (run_here(r) && r->stage > 0 && !r->speculative && r->start < first[r->stage])
                first[r->stage] = r->start;
        }
        for (long s = 2; first && s <= maxstage; s++)
            if (isfinite(first[s]))
                fprintf(g, "set arrow from %.17g, graph 0 to %.17g, graph 1 "
                        "nohead lc rgb '#cccccc' back\n", first[s], first[s]);
        free(first);
    }
    char t[512];
    snprintf(t, sizeof t, "%s: evaluations per worker over time (grey lines: "
             "a stage starts; gaps: idle)", c->name);
    fputs("set title ", g);
    gq(g, t);
    fprintf(g, "\nset xlabel 'seconds since the run started'\nset ylabel 'worker'\n"
            "set yrange [0.3:%g]\nset ytics 1\nset xrange [0:*]\n"
            "set key outside bottom center horizontal\n", maxw + 0.7);
    fputs("plot ", g);
    int first = 1;
    for (int st = 0; st < ICT_STATUS_COUNT; st++) {
        if (!used[st])
            continue;
        /* a bar from start to end, and a mark at its start so that a short
         * evaluation shows */
        fprintf(g, "%s$T using 2:($4 == %d ? $1 : NaN):($3-$2):(0) with vectors "
                "nohead lw 7 lc rgb '%s' title '%s', $T using 2:($4 == %d ? $1 : "
                "NaN) with points pt 5 ps 0.35 lc rgb '%s' notitle",
                first ? "" : ", ", st, status_colour[st], ict_status_name(st), st,
                status_colour[st]);
        first = 0;
    }
    if (first)
        fputs("$T using 2:1 notitle", g);
    fputc('\n', g);
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0777) && errno != EEXIST ? -1 : 0;
}

int ict_cli_plots(const ict_plot_input_t *in, const char *dir, char **files,
                  size_t *nfiles)
{
    if (make_dirs(dir)) {
        ict_cli_error("%s: cannot create the folder: %s", dir, strerror(errno));
        return ICT_EXIT_FAILURE;
    }
    fig_t F = {in, dir, files, 0};
    size_t nrun = 0;
    for (size_t i = 0; i < in->n; i++)
        nrun += run_here(&in->rows[i]);
    if (!nrun) {
        ict_cli_error("%s: no evaluation was run here; nothing to plot", dir);
        return ICT_EXIT_FAILURE;
    }
    int rc = render(&F, "objective", 1000, 600, draw_objective, NULL);
    const ict_space_t *s = in->c->space;
    size_t D = ict_space_dims(s);
    pp_t P = {calloc(D + 1, sizeof(size_t)), 0, 1, 1};
    for (size_t a = 0; P.vary && a < D; a++)
        if (ict_space_count(s, a) > 1)
            P.vary[P.nv++] = a;
    if (!rc && P.nv) {
        P.cols = P.nv <= 1 ? 1 : P.nv <= 4 ? 2 : P.nv <= 9 ? 3 : 4;
        P.rows = (int)((P.nv + (size_t)P.cols - 1) / (size_t)P.cols);
        rc = render(&F, "parameters", 440 * P.cols, 320 * P.rows + 40,
                    draw_params, &P);
    }
    free(P.vary);
    for (size_t k = 0; !rc && k < in->c->n_constraints; k++) {
        char name[64];
        snprintf(name, sizeof name, "constraint-%zu", k + 1);
        rc = render(&F, name, 1000, 600, draw_constraint, &k);
    }
    if (!rc)
        rc = render(&F, "timeline", 1000, 600, draw_timeline, NULL);
    if (nfiles)
        *nfiles = F.nfiles;
    if (rc)
        return ICT_EXIT_FAILURE;
    return 0;
}

/* ---- the page ---- */

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

/* an SVG file's <svg ...>...</svg>, without its XML prologue */
static int inline_svg(FILE *out, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            char *nb = realloc(buf, cap + 1048576);
            if (!nb) {
                free(buf);
                fclose(f);
                return -ENOMEM;
            }
            buf = nb;
            cap += 1048576;
        }
        size_t k = fread(buf + len, 1, cap - len - 1, f);
        len += k;
        if (!k)
            break;
    }
    fclose(f);
    buf[len] = '\0';
    char *svg = strstr(buf, "<svg");
    if (svg)
        fputs(svg, out);
    free(buf);
    return svg ? 0 : -EINVAL;
}

int ict_cli_html(const ict_plot_input_t *in, const char *summary, long top,
                 const char *path)
{
    const ict_config_t *c = in->c;
    char dir[] = "/tmp/ictune-html.XXXXXX";
    if (!mkdtemp(dir)) {
        ict_cli_error("cannot make a temporary folder: %s", strerror(errno));
        return ICT_EXIT_FAILURE;
    }
    char *files[64] = {0};
    size_t nf = 0;
    int code = ict_cli_plots(in, dir, files, &nf);
    FILE *f = code ? NULL : fopen(path, "w");
    if (!code && !f) {
        ict_cli_error("%s: cannot write: %s", path, strerror(errno));
        code = ICT_EXIT_FAILURE;
    }
    if (f) {
        fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ictune: ", f);
        html_text(f, c->name);
        fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1300px}"
              "pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
              "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
              "padding:0.2em 0.6em;text-align:right}svg{max-width:100%;"
              "height:auto;display:block;margin:1em 0}</style></head><body>\n<h1>ictune: ", f);
        html_text(f, c->name);
        fputs("</h1>\n<h2>Summary</h2>\n<pre>", f);
        html_text(f, summary ? summary : "");
        fputs("</pre>\n", f);
        /* the top table: the best valid evaluations, one per row */
        const ict_space_t *s = c->space;
        size_t D = ict_space_dims(s);
        size_t *ord = malloc((in->n + 1) * sizeof *ord);
        int32_t *idx = calloc(D + 1, sizeof *idx);
        size_t m = ord ? ict_record_rank(c, in->rows, in->n, ord) : 0;
        fprintf(f, "<h2>The %ld best</h2>\n<table><tr><th>rank</th><th>", top);
        html_text(f, c->objective);
        fputs("</th>", f);
        for (size_t a = 0; a < D; a++) {
            fputs("<th>", f);
            html_text(f, ict_space_name(s, a));
            fputs("</th>", f);
        }
        fputs("<th>evaluation</th></tr>\n", f);
        for (size_t i = 0; ord && idx && i < m && i < (size_t)top; i++) {
            const ict_record_t *r = &in->rows[ord[i]];
            ict_space_unflat(s, r->flat, idx);
            char v[64];
            ict_number_format(r->objective, v, sizeof v);
            fprintf(f, "<tr><td>%zu</td><td>%s</td>", i + 1, v);
            for (size_t a = 0; a < D; a++) {
                fputs("<td>", f);
                html_text(f, ict_space_value(s, a, (size_t)idx[a])->text);
                fputs("</td>", f);
            }
            if (r->attempt == 0) {
                fputs("<td>", f);
                html_text(f, r->reason);
                fputs("</td></tr>\n", f);
            } else {
                fprintf(f, "<td>%lld</td></tr>\n", (long long)r->id);
            }
        }
        fputs("</table>\n<h2>Figures</h2>\n", f);
        free(ord);
        free(idx);
        for (size_t k = 0; k < nf; k++) {
            size_t l = strlen(files[k]);
            if (l > 4 && !strcmp(files[k] + l - 4, ".svg") && inline_svg(f, files[k])) {
                ict_cli_error("%s: not an SVG file", files[k]);
                code = ICT_EXIT_FAILURE;
            }
        }
        fputs("</body></html>\n", f);
        if (fclose(f)) {
            ict_cli_error("%s: write error", path);
            code = ICT_EXIT_FAILURE;
        }
    }
    for (size_t k = 0; k < nf; k++) {
        remove(files[k]);
        free(files[k]);
    }
    rmdir(dir);
    return code;
}
