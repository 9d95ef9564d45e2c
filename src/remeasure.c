/* remeasure.c - the top points of a results file run again, one at a
 * time, their outcomes appended to /remeasured (remeasure.h). */
#include "ictune/remeasure.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ictune/command.h"
#include "ictune/launch.h"
#include "ictune/record.h"
#include "ictune/store.h"

/* The file's config, owned: the read-only store's belongs to the store. */
static int file_config(const char *path, ict_config_t **out, ict_record_t **rows,
                       size_t *n, ict_error_t *err)
{
    ict_store_t *st;
    ict_config_t *c;
    int rc = ict_store_open_readonly(&st, path, &c, err);
    if (rc)
        return rc;
    rc = ict_config_parse(c->path, c->text, c->text_len, out, err);
    if (!rc && (rc = ict_store_rows(st, rows, n, err))) {
        ict_config_free(*out);
        *out = NULL;
    }
    ict_store_close(st);
    return rc;
}

/* One evaluation of point flat, run here, waited for. */
static int run_one(const ict_config_t *c, const char *workdir,
                   const char *prepare_dir, int64_t id, uint64_t flat,
                   int repeat, char **names, ict_raw_result_t *res,
                   ict_error_t *err)
{
    size_t D = ict_space_dims(c->space);
    int32_t *idx = calloc(D + 1, sizeof *idx);
    if (!idx)
        return -ENOMEM;
    ict_space_unflat(c->space, flat, idx);
    char base[ICT_PATH_MAX + 64], dir[ICT_PATH_MAX];
    snprintf(base, sizeof base, "%s/remeasure-%lld", workdir, (long long)id);
    int rc = ict_make_run_dir(base, dir, sizeof dir);
    if (rc) {
        free(idx);
        return ict_errorf(err, rc, "cannot create a run folder under %s: %s",
                          workdir, strerror(-rc));
    }
    ict_render_vars_t vars = {(long long)id, dir, prepare_dir};
    char **argv = NULL, **env = NULL;
    if ((rc = ict_command_render(&c->command, c->space, idx, &vars, &argv, err))) {
        free(idx);
        return rc;
    }
    ict__buf_t params = {0};
    for (size_t a = 0; a < D; a++)
        ict__buf_printf(&params, "%s=%s\n", ict_space_name(c->space, a),
                        ict_space_value(c->space, a, (size_t)idx[a])->text);
    char *ptext = ict__buf_take(&params);
    rc = ict_command_env(c->space, idx, &vars, &env);
    if (!rc && !ptext)
        rc = -ENOMEM;
    ict_launch_t *l = NULL;
    if (!rc) {
        ict_task_t t = {.id = (uint64_t)id, .flat = flat, .attempt = 1,
                        .argv = argv, .env = env, .metric_names = names,
                        .run_dir = dir, .run_dir_made = 1, .params = ptext,
                        .timeout = c->timeout, .kill_grace = 5,
                        .parse_last_number = c->parse_last_number,
                        .repeat = repeat, .aggregate = c->aggregate,
                        .objective = c->objective, .in_run_dir = c->in_run_dir};
        rc = ict_launch_start(&l, &t);
    }
    while (!rc && !ict_launch_step(l)) {
        int fds[ICT_LAUNCH_FDS];
        struct pollfd pf[ICT_LAUNCH_FDS];
        int nf = ict_launch_fds(l, fds);
        for (int i = 0; i < nf; i++)
            pf[i] = (struct pollfd){fds[i], POLLIN, 0};
        poll(pf, (nfds_t)nf, 50);
    }
    if (!rc)
        *res = *ict_launch_result(l);
    ict_launch_free(l);
    ict_command_env_free(env);
    free(argv);
    free(ptext);
    free(idx);
    return rc;
}

int ict_remeasure(const char *path, size_t top, int repeat,
                  volatile int *stop, ict_remeasured_t **out, size_t *nout,
                  ict_config_t **config, ict_error_t *err)
{
    *out = NULL;
    *nout = 0;
    ict_config_t *c = NULL;
    ict_record_t *rows = NULL;
    size_t n = 0;
    int rc = file_config(path, &c, &rows, &n, err);
    if (rc)
        return rc;
    if (repeat <= 0)
        repeat = c->repeat > 1 ? c->repeat : 5;
    /* the top distinct points: each point has one final row */
    size_t *ord = malloc((n + 1) * sizeof *ord), m = 0;
    ict_remeasured_t *res = calloc(top + 1, sizeof *res);
    char **names = calloc(c->n_metrics + 4, sizeof *names);
    double *vals = calloc(c->n_metrics + 2, sizeof *vals);
    if (!ord || !res || !names || !vals)
        rc = -ENOMEM;
    if (!rc)
        m = ict_record_rank(c, rows, n, ord);
    if (!rc && !m)
        rc = ict_errorf(err, -ENOENT, "%s: no valid evaluation to re-measure",
                        path);
    ict_store_t *st = NULL;
    char changes[512];
    if (!rc)
        rc = ict_store_open(&st, path, c, changes, sizeof changes, err);
    char workdir[ICT_PATH_MAX];
    if (!rc) {
        snprintf(workdir, sizeof workdir, "%s", c->workdir);
        names[0] = c->objective;
        for (size_t k = 0; k < c->n_metrics; k++)
            names[k + 1] = c->metrics[k];
        if (c->repeat <= 1) {           /* the samples' count and spread */
            names[c->n_metrics + 1] = ICT_METRIC_REPEATS;
            names[c->n_metrics + 2] = ICT_METRIC_SPREAD;
        }
    }
    const char *prepare_dir = st ? ict_store_prepared(st) : NULL;
    double t0 = st ? ict_store_t0(st) : 0;
    size_t done = 0;
    for (size_t i = 0; !rc && i < m && done < top && !(stop && *stop); i++) {
        const ict_record_t *r = &rows[ord[i]];
        ict_raw_result_t raw;
        rc = run_one(c, workdir, prepare_dir, r->id, r->flat, repeat, names,
                     &raw, err);
        if (rc)
            break;
        ict_remeasured_t *q = &res[done++];
        char reason[256];
        ict_status_t s = ict_classify(c, &raw, vals, reason, sizeof reason);
        *q = (ict_remeasured_t){r->flat, r->id, r->objective, s,
                                s == ICT_STATUS_OK ? vals[0] : NAN, NAN, 0, ""};
        snprintf(q->reason, sizeof q->reason, "%.159s", reason);
        for (int k = 0; k < raw.nmetrics; k++) {
            if (!strcmp(raw.metrics[k].name, ICT_METRIC_SPREAD) && !raw.metrics[k].bad)
                q->spread = raw.metrics[k].value;
            if (!strcmp(raw.metrics[k].name, ICT_METRIC_REPEATS) && !raw.metrics[k].bad)
                q->samples = (int)raw.metrics[k].value;
        }
        ict_record_t row = {
            .id = r->id, .stage = r->stage, .level = r->level, .flat = r->flat,
            .objective = vals[0], .metrics = vals + 1, .status = s,
            .attempt = 1, .exit_code = raw.exit_code, .signal = raw.signal,
            .worker = 0, .host = raw.host, .gpu = "", .cpuset = "",
            .start = raw.start - t0, .end = raw.end - t0,
            .run_dir = raw.run_dir, .reason = reason};
        rc = ict_store_append_remeasured(st, &row, err);
    }
    ict_store_close(st);
    free(ord);
    free(names);
    free(vals);
    ict_store_rows_free(rows, n);
    if (rc) {
        free(res);
        ict_config_free(c);
        return rc;
    }
    *out = res;
    *nout = done;
    *config = c;
    return 0;
}
