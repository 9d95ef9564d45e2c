/* master.c - the master's loop: stages out, results in, everything kept.
 *
 * Per result: classify it, append it to the results file and flush, and
 * only then let the search see it (a final result) or queue the point again
 * (a failure with retries left). A stage's points go to workers as they
 * become idle; the next stage starts when the search has the whole stage.
 * On the first signal no new work is handed out and the running
 * evaluations get `grace` seconds; then (or on a second signal) they are
 * stopped, recorded as INTERRUPTED and run again on resume. */
#include "ictune/run.h"
#include "ictune/seed.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "buf.h"
#include "lookahead.h"
#include "pointmap.h"
#include "ictune/command.h"
#include "ictune/db.h"
#include "ictune/launch.h"
#include "ictune/search.h"
#include "ictune/store.h"
#include "ictune/strategy.h"

typedef struct pend {
    uint64_t flat, id;
    int attempt;
    int spec;                   /* run ahead of the search */
    int taken;                  /* ... and the search has asked for it */
    uint64_t sid;               /* the search's id for it, once taken */
} pend_t;

/* A plan is made again once this share of the known results is new. */
#define PLAN_SHARE 16
/* max_speculative: auto = SPEC_ROUNDS x the workers + 2 x the evaluations
 * taken. The guided beginning's stages of 2 depend on each result, so
 * most guesses for them miss: with no bound, 11 to 13 x the workers were
 * run and never taken at 26 and 64 workers, and 4 x left them idle a
 * sixth to a third of the time (docs/speculation.md). */
#define SPEC_ROUNDS 16

/* Speculative evaluations get ids of their own, from here. */
#define SPEC_ID0 1000000000ull
/* the ids of rows taken from elsewhere (--seed-from: attempt 0, never run
 * here, counted against no budget) */
#define SEED_ID0 ((uint64_t)1 << 40)

/* A final speculative result of this job segment, until the search takes
 * it. */
typedef struct specres {
    int64_t row;                /* in the file; -1 without one */
    int64_t id;
    ict_status_t status;
    double value;
    double seconds;
    int taken;
    double *cons;               /* the constrained metrics, or NULL */
} specres_t;

/* A local program killed by a signal that a job stop sends (scancel,
 * Ctrl-C): its result waits up to PARK_S seconds for ictune's own signal,
 * without holding up the other workers. */
#define PARK_S 0.5
typedef struct parked {
    pend_t p;
    ict_raw_result_t r;
    double until;
} parked_t;

typedef struct ict_run master_t;
struct ict_run {
    const ict_config_t *c;
    const ict_run_opts_t *o;
    ict_run_summary_t *sum;
    ict__backend_t *be;
    ict_store_t *st;
    ict_search_t *search;
    char workdir[ICT_PATH_MAX];
    char prepare_dir[ICT_PATH_MAX];
    int has_prepare_dir;
    pend_t *queue;
    size_t qhead, qlen, qcap;
    pend_t *running;            /* per worker; id UINT64_MAX when idle */
    int nrunning;
    ict_db_t *attempts;         /* flat -> attempts made (y) */
    int fails_in_a_row;         /* final FAILED results since the last other */
    ict_db_t *final;            /* flat -> row index in the file (order) */
    ict_record_t *rows;
    size_t nrows;
    long stage;
    int level;
    double stage_start, t_start, next_progress;
    int stopping, killed_all;
    double stop_deadline;
    int32_t *idx;
    double *values;
    ict_db_t *okmap;            /* flat -> row of okmet, for OK results */
    double *okmet;
    size_t nok, okcap;
    char **names;               /* the metrics the programs' output gives */
    parked_t *parked;           /* local: results waiting for a job's signal */
    size_t nparked, parkcap;
    int in_stage;
    int virt;                   /* a virtual backend: no file, no process */
    int search_over;            /* the search ended; speculation stops */
    /* speculation */
    ict_speculation_t spec;
    ict__look_t *look;          /* NULL when off */
    ict__pmap_t inflight;       /* flat -> worker, or -1 queued */
    ict_db_t *spec_done;        /* flat -> index in sres */
    specres_t *sres;
    size_t nsres, sres_cap;
    uint64_t *cand;             /* the last plan's candidates */
    size_t ncand, candpos, cand_cap;
    int plan_dirty, plan_empty;
    uint64_t nknown, known_at_plan;     /* final results, and at the last plan */
    int nspec;                  /* running speculative, not taken */
    uint64_t spec_started, spec_taken;      /* in the file, all segments */
    uint64_t next_spec_id;
    /* the best OK row of this segment */
    int has_best;
    double best;
    uint64_t best_flat;
    int best_spec;
    double *best_met;
    /* constraint k's metric: -1 the objective, else its index in metrics */
    int *cons_idx;
    double *cons;               /* scratch: one value per constraint */
    /* progress: final results in the file, of them failed and broken; the
     * busy worker-seconds integral; the best's time and id */
    uint64_t nfinal, nfailed, nbroken, seg_final;
    uint64_t nahead;            /* final results run ahead, not yet taken */
    double seg_seconds;
    double busy_acc, busy_t, busy_acc0, busy_t0;
    double best_when;
    int64_t best_id;
    /* measurements taken from elsewhere: the search's and the lookahead's */
    ict_search_opts_t so;
    ict_db_t *memo;             /* so.memo, when the caller gave none */
    ict_search_seed_t *seeds;
    double *seedcons;
    size_t nseeds;
};

/* The constrained metrics' values from a row's objective and metrics. */
static const double *cons_values(master_t *m, double objective,
                                 const double *metrics)
{
    if (!m->c->n_constraints)
        return NULL;
    for (size_t k = 0; k < m->c->n_constraints; k++) {
        int j = m->cons_idx[k];
        m->cons[k] = j < 0 ? objective : metrics ? metrics[j] : NAN;
    }
    return m->cons;
}

/* Keep the metrics of an OK result, to report the best point's. */
static int keep_metrics(master_t *m, uint64_t flat, const double *met)
{
    size_t k = m->c->n_metrics;
    if (ict_db_get(m->okmap, flat) || !k)
        return 0;
    if (m->nok == m->okcap) {
        size_t cap = m->okcap ? 2 * m->okcap : 256;
        double *n = realloc(m->okmet, cap * k * sizeof *n);
        if (!n)
            return -ENOMEM;
        m->okmet = n;
        m->okcap = cap;
    }
    memcpy(m->okmet + m->nok * k, met, k * sizeof *met);
    return ict_db_put(m->okmap, flat, 1, (double)m->nok++, 0);
}

__attribute__((format(printf, 2, 3)))
static void say(master_t *m, const char *fmt, ...)
{
    if (!m->o->log)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    m->o->log(m->o->log_ud, line);
}

/* snprintf that reports truncation instead of hiding it. */
__attribute__((format(printf, 3, 4)))
static int pathf(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static const char *hms(double s, char *buf, size_t size)
{
    long t = (long)s;
    snprintf(buf, size, "%02ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return buf;
}

/* The busy worker-seconds so far (before nrunning changes). */
static void busy_tick(master_t *m)
{
    double now = ict_mono();
    if (m->busy_t > 0)
        m->busy_acc += m->nrunning * (now - m->busy_t);
    m->busy_t = now;
}

static void progress(master_t *m, const char *what)
{
    ict_search_stats_t s;
    ict_search_stats(m->search, &s);
    uint64_t flat;
    double best;
    char pt[1024] = "", tm[32];
    /* the best so far: the search's (earlier segments, seeds) or this
     * segment's newest, whose time and id are known */
    int has = ict_search_best(m->search, &flat, &best) == 0, mine = 0;
    if (m->has_best && (!has || (m->c->goal == ICT_MAXIMIZE ? m->best > best
                                                             : m->best < best))) {
        flat = m->best_flat;
        best = m->best;
        has = mine = 1;
    } else if (has && m->has_best && best == m->best) {
        mine = 1;
    }
    if (has) {
        int32_t *idx = m->idx;
        ict_space_unflat(m->c->space, flat, idx);
        char p[900];
        ict_space_format(m->c->space, idx, p, sizeof p);
        snprintf(pt, sizeof pt, "best %s=%.6g at %s", m->c->objective, best, p);
    } else {
        snprintf(pt, sizeof pt, "no valid result yet");
    }
    char sp[96] = "";
    if (m->look && m->spec_started)
        snprintf(sp, sizeof sp, " (%d speculative; %llu of %llu run ahead "
                 "taken)", m->nspec, (unsigned long long)m->spec_taken,
                 (unsigned long long)m->spec_started);
    char budget[48] = "";
    if (m->c->max_evaluations)
        snprintf(budget, sizeof budget, "/%lld", (long long)m->c->max_evaluations);
    /* busy: over the time since the last line, not this instant (a stage
     * that just ended has no one busy for a moment) */
    busy_tick(m);
    double span = m->busy_t - m->busy_t0;
    char busy[64];
    if (span > 0)
        snprintf(busy, sizeof busy, "workers busy %.0f%% since the last line",
                 100 * (m->busy_acc - m->busy_acc0) / (span * m->be->nworkers));
    else
        snprintf(busy, sizeof busy, "%d/%d workers busy", m->nrunning, m->be->nworkers);
    m->busy_acc0 = m->busy_acc;
    m->busy_t0 = m->busy_t;
    char when[96] = "";
    if (mine && m->best_id >= 0 && m->best_when > 0)
        snprintf(when, sizeof when, " (evaluation %lld, %s ago)",
                 (long long)m->best_id, hms(ict_now() - m->best_when, tm, sizeof tm));
    /* the time left in this stage: its points not done, at the mean
     * duration of this segment's evaluations, over the workers */
    char eta[96] = "";
    if (m->seg_final >= 3 && m->in_stage) {
        size_t n = ict_search_stage_size(m->search), left = m->qlen;
        for (int w = 0; w < m->be->nworkers; w++)
            left += m->running[w].id != UINT64_MAX &&
                    !(m->running[w].spec && !m->running[w].taken);
        double mean = m->seg_seconds / (double)m->seg_final;
        size_t waves = (left + (size_t)m->be->nworkers - 1) / (size_t)m->be->nworkers;
        char t2[32];
        if (left)
            snprintf(eta, sizeof eta, "; about %s left in this stage (%zu of %zu "
                     "points)", hms(mean * (double)waves, t2, sizeof t2), left, n);
    }
    char el[32];
    char ahead[64] = "";
    if (m->nahead)
        snprintf(ahead, sizeof ahead, " and %llu run ahead",
                 (unsigned long long)m->nahead);
    say(m, "[%s] %s stage %ld (level %d): %llu%s evaluations done%s (%llu failed, "
        "%llu broke a constraint), %d running, %s%s; %s%s%s",
        hms(ict_now() - m->t_start, el, sizeof el), what, m->stage, m->level,
        (unsigned long long)m->nfinal, budget, ahead, (unsigned long long)m->nfailed,
        (unsigned long long)m->nbroken, m->nrunning, busy, sp, pt, when, eta);
    m->next_progress = ict_mono() + m->o->progress;
}

static int push(master_t *m, pend_t p)
{
    if (m->qhead + m->qlen == m->qcap) {
        if (m->qhead) {
            memmove(m->queue, m->queue + m->qhead, m->qlen * sizeof *m->queue);
            m->qhead = 0;
        } else {
            size_t cap = m->qcap ? 2 * m->qcap : 256;
            pend_t *nq = realloc(m->queue, cap * sizeof *nq);
            if (!nq)
                return -ENOMEM;
            m->queue = nq;
            m->qcap = cap;
        }
    }
    m->queue[m->qhead + m->qlen++] = p;
    return ict__pmap_set(&m->inflight, p.flat, -1);
}

/* Build and submit the task for p on worker w. */
static int dispatch(master_t *m, int w, const pend_t *p, ict_error_t *err)
{
    if (m->virt) {                      /* a table answers: no program */
        ict_task_t t = {.id = p->id, .flat = p->flat, .attempt = p->attempt,
                        .metric_names = m->names};
        int rc = ict__be_submit(m->be, w, &t, err);
        if (!rc) {
            m->running[w] = *p;
            busy_tick(m);
            m->nrunning++;
            m->nspec += p->spec && !p->taken;
            rc = ict__pmap_set(&m->inflight, p->flat, w);
        }
        return rc;
    }
    const ict_config_t *c = m->c;
    size_t D = ict_space_dims(c->space);
    int32_t *idx = m->idx;
    ict_space_unflat(c->space, p->flat, idx);
    char base[ICT_PATH_MAX], dir[ICT_PATH_MAX];
    int rc = pathf(base, sizeof base, "%s/%llu", m->workdir, (unsigned long long)p->id);
    if (!rc)
        rc = ict_make_run_dir(base, dir, sizeof dir);
    if (rc)
        return ict_errorf(err, rc, "cannot create a run folder under %s: %s",
                          m->workdir, strerror(-rc));
    ict_render_vars_t vars = {(long long)p->id, dir,
                              m->has_prepare_dir ? m->prepare_dir : NULL};
    char **argv;
    if ((rc = ict_command_render(&c->command, c->space, idx, &vars, &argv, err)))
        return rc;
    ict__buf_t params = {0};
    for (size_t a = 0; a < D; a++)
        ict__buf_printf(&params, "%s=%s\n", ict_space_name(c->space, a),
                        ict_space_value(c->space, a, (size_t)idx[a])->text);
    char **env = NULL;
    int erc = ict_command_env(c->space, idx, &vars, &env);
    char *ptext = ict__buf_take(&params);
    rc = erc ? erc : ptext ? 0 : -ENOMEM;
    ict_task_t t = {.id = p->id, .flat = p->flat, .attempt = p->attempt,
                    .argv = argv, .env = env, .metric_names = m->names,
                    .run_dir = dir, .run_dir_made = 1, .params = ptext, .timeout = c->timeout,
                    .kill_grace = m->o->kill_grace,
                    .max_output = m->o->max_output,
                    .parse_last_number = c->parse_last_number,
                    .repeat = c->repeat, .aggregate = c->aggregate,
                    .objective = c->objective, .in_run_dir = c->in_run_dir};
    if (!rc)
        rc = ict__be_submit(m->be, w, &t, err);
    ict_command_env_free(env);
    free(ptext);
    free(argv);
    if (!rc) {
        m->running[w] = *p;
        busy_tick(m);
        m->nrunning++;
        m->nspec += p->spec && !p->taken;
        m->sum->launches++;
        rc = ict__pmap_set(&m->inflight, p->flat, w);
    }
    return rc;
}

static int is_final(const ict_config_t *c, ict_status_t st, int attempt)
{
    return st == ICT_STATUS_OK || st == ICT_STATUS_INFEASIBLE ||
           attempt >= 1 + c->retries;
}

static int record(master_t *m, const ict_raw_result_t *r, const pend_t *p,
                  ict_status_t st, const char *reason, int64_t *row_out,
                  ict_error_t *err)
{
    double t0 = m->st ? ict_store_t0(m->st) : 0;
    int ahead = p->spec && !p->taken;
    ict_record_t row = {
        .id = (int64_t)p->id, .stage = ahead ? 0 : m->stage,
        .level = ahead ? 0 : m->level, .speculative = p->spec,
        .flat = p->flat, .objective = m->values[0], .metrics = m->values + 1,
        .status = st, .attempt = p->attempt, .exit_code = r->exit_code,
        .signal = r->signal, .worker = r->worker, .host = r->host,
        .gpu = r->gpu, .cpuset = r->cpuset, .start = r->start - t0,
        .end = r->end - t0, .run_dir = r->run_dir, .reason = reason};
    if (row_out)
        *row_out = m->st ? (int64_t)ict_store_nevals(m->st) : -1;
    int rc = m->st ? ict_store_append_eval(m->st, &row, err) : 0;
    if (!rc && m->o->on_record)         /* after the flush */
        rc = m->o->on_record(m->o->record_ud, &row);
    if (!rc && st != ICT_STATUS_INTERRUPTED && is_final(m->c, st, p->attempt)) {
        if (ahead)
            m->nahead++;
        else
            m->nfinal++;
        m->nfailed += st != ICT_STATUS_OK && st != ICT_STATUS_INFEASIBLE;
        m->nbroken += st == ICT_STATUS_INFEASIBLE;
        m->seg_final++;
        m->seg_seconds += r->end - r->start;
    }
    if (!rc && st == ICT_STATUS_OK && isfinite(row.objective) &&
        (!m->has_best || (m->c->goal == ICT_MAXIMIZE ? row.objective > m->best
                                                      : row.objective < m->best))) {
        m->best_when = ict_now();
        m->best_id = (int64_t)p->id;
        m->has_best = 1;
        m->best = row.objective;
        m->best_flat = p->flat;
        m->best_spec = p->spec;
        memcpy(m->best_met, m->values + 1, m->c->n_metrics * sizeof *m->best_met);
    }
    return rc;
}

/* A result that is not a measurement (ictune's own I/O failed, or the
 * program could not be started) stops the run; the point stays unmeasured. */
static int not_measured(master_t *m, const ict_raw_result_t *r,
                        const pend_t *p, const char *reason, ict_error_t *err)
{
    int e = r->own_errno ? r->own_errno : r->out_errno;
    char pt[900];
    ict_space_unflat(m->c->space, p->flat, m->idx);
    ict_space_format(m->c->space, m->idx, pt, sizeof pt);
    if (e == ENOSPC || e == EDQUOT)
        return ict_errorf(err, -ENOSPC, "evaluation %llu (%s): %s; stopping: "
                          "free space under %s, then resume with --resume",
                          (unsigned long long)p->id, pt, reason, m->workdir);
    if (e)
        return ict_errorf(err, -e, "evaluation %llu (%s): %s; stopping: fix "
                          "the folder %s, then resume with --resume",
                          (unsigned long long)p->id, pt, reason, m->workdir);
    return ict_errorf(err, -ENOEXEC, "evaluation %llu (%s): %s; stopping "
                      "before every point fails the same way: fix the "
                      "command (see %s/stderr), then resume with --resume",
                      (unsigned long long)p->id, pt, reason, r->run_dir);
}

/* The last non-empty line of run_dir/stderr (at most 160 bytes of it,
 * non-printable bytes as '?'), or "" when there is none to read. */
static void stderr_tail(const char *run_dir, char *out, size_t size)
{
    char path[ICT_PATH_MAX + 16], buf[4096];
    out[0] = 0;
    if (!run_dir[0] || size < 2)
        return;
    snprintf(path, sizeof path, "%s/stderr", run_dir);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat sb;
    ssize_t n = 0;
    if (!fstat(fd, &sb) && S_ISREG(sb.st_mode)) {
        off_t at = sb.st_size > (off_t)sizeof buf ? sb.st_size - (off_t)sizeof buf : 0;
        n = pread(fd, buf, sizeof buf, at);
    }
    close(fd);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
                     buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    if (n <= 0)
        return;
    ssize_t b = n;
    while (b > 0 && buf[b - 1] != '\n')
        b--;
    size_t len = (size_t)(n - b), max = size - 1 < 160 ? size - 1 : 160;
    if (len > max) {
        b = n - (ssize_t)max;
        len = max;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)buf[b + (ssize_t)i];
        out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    out[len] = 0;
}

/* Classify, record (flushed), then retry or tell the search. */
static int settle(master_t *m, const pend_t *pp, ict_raw_result_t *r,
                  int job_stopped, ict_error_t *err)
{
    const ict_config_t *c = m->c;
    pend_t p = *pp;
    char reason[256];
    ict_status_t st = ict_classify(c, r, m->values, reason, sizeof reason);
    int measured = !ict_raw_not_measured(r);
    /* stopped by us or by a signal to the job, and it did not finish: it
     * runs again on resume (one that finished in time keeps its result) */
    if (measured && r->signal && (r->killed || m->stopping || job_stopped))
        st = ICT_STATUS_INTERRUPTED;
    int ahead = p.spec && !p.taken;
    if (ahead && st == ICT_STATUS_INTERRUPTED && m->search_over)
        snprintf(reason, sizeof reason, "speculative, stopped: the search "
                 "ended without asking for it");
    int64_t row = -1;
    int rc = record(m, r, &p, st, reason, &row, err);
    if (rc)
        return rc;
    if (p.spec) {
        m->sum->spec_seconds += r->end - r->start;
        if (p.taken)
            m->sum->spec_taken_seconds += r->end - r->start;
    }
    if (!measured)
        return not_measured(m, r, &p, reason, err);
    char pt[900] = "";
    if (m->o->log) {                    /* for the messages below only */
        ict_space_unflat(c->space, p.flat, m->idx);
        ict_space_format(c->space, m->idx, pt, sizeof pt);
    }
    if (st == ICT_STATUS_INTERRUPTED) {
        if (ahead)
            say(m, "speculative evaluation %llu (%s) stopped",
                (unsigned long long)p.id, pt);
        else
            say(m, "evaluation %llu (%s) interrupted; it runs again on resume",
                (unsigned long long)p.sid, pt);
        return 0;
    }
    ict_db_entry_t *e = (ict_db_entry_t *)ict_db_get(m->attempts, p.flat);
    if (!e) {
        if ((rc = ict_db_put(m->attempts, p.flat, 1, p.attempt, 0)))
            return rc;
    } else {
        e->y = p.attempt;
    }
    if (ahead) {
        /* the search has not asked for it (yet): kept for when it does */
        m->plan_dirty = 1;
        if (!is_final(c, st, p.attempt)) {
            say(m, "speculative evaluation %llu (%s): %s: %s; it runs again "
                "if the search asks for it", (unsigned long long)p.id, pt,
                ict_status_name(st), reason);
            return 0;
        }
        if (st == ICT_STATUS_OK && (rc = keep_metrics(m, p.flat, m->values + 1)))
            return rc;
        if (m->nsres == m->sres_cap) {
            size_t cap = m->sres_cap ? 2 * m->sres_cap : 64;
            specres_t *n = realloc(m->sres, cap * sizeof *n);
            if (!n)
                return -ENOMEM;
            m->sres = n;
            m->sres_cap = cap;
        }
        m->sres[m->nsres] = (specres_t){row, (int64_t)p.id, st, m->values[0],
                                         r->end - r->start, 0, NULL};
        if (c->n_constraints) {
            double *cv = malloc(c->n_constraints * sizeof *cv);
            if (!cv)
                return -ENOMEM;
            memcpy(cv, cons_values(m, m->values[0], m->values + 1),
                   c->n_constraints * sizeof *cv);
            m->sres[m->nsres].cons = cv;
        }
        if ((rc = ict_db_put(m->spec_done, p.flat, 1, (double)m->nsres++, 0)))
            return rc;
        m->nknown++;
        return ict__look_known(m->look, p.flat, st, m->values[0],
                               cons_values(m, m->values[0], m->values + 1));
    }
    if (!is_final(c, st, p.attempt)) {
        say(m, "evaluation %llu (%s) attempt %d: %s: %s; retrying",
            (unsigned long long)p.sid, pt, p.attempt, ict_status_name(st), reason);
        pend_t again = {p.flat, p.sid, p.attempt + 1, 0, 0, p.sid};
        return push(m, again);
    }
    if (st != ICT_STATUS_OK && st != ICT_STATUS_INFEASIBLE) {
        char tail[161];
        stderr_tail(r->run_dir, tail, sizeof tail);
        say(m, "evaluation %llu (%s) %s after %d attempt%s: %s; run folder %s%s%s%s",
            (unsigned long long)p.id, pt, ict_status_name(st), p.attempt,
            p.attempt > 1 ? "s" : "", reason, r->run_dir,
            tail[0] ? "; stderr ends: '" : "", tail, tail[0] ? "'" : "");
        /* a table's failed cells are data, not a broken command */
        if (!m->virt && ++m->fails_in_a_row >= c->max_failures && c->max_failures > 0)
            return ict_errorf(err, -ECANCELED, "%d evaluations in a row failed, "
                              "the last: evaluation %llu (%s): %s (run folder "
                              "%s%s%s%s); stopping before the budget goes the "
                              "same way: run the command by hand in that "
                              "folder, fix it, then resume with --resume "
                              "(or raise limits.max_failures_in_a_row, %d, "
                              "if such failures are expected)",
                              m->fails_in_a_row, (unsigned long long)p.id, pt,
                              reason, r->run_dir,
                              tail[0] ? "; its stderr ends: '" : "", tail,
                              tail[0] ? "'" : "", c->max_failures);
    } else {
        m->fails_in_a_row = 0;
    }
    if (st == ICT_STATUS_OK && (rc = keep_metrics(m, p.flat, m->values + 1)))
        return rc;
    if (m->look) {
        m->plan_dirty = 1;
        m->nknown++;
        if ((rc = ict__look_known(m->look, p.flat, st, m->values[0],
                                  cons_values(m, m->values[0], m->values + 1))))
            return rc;
    }
    return ict_search_report_cons(m->search, p.flat, st, m->values[0],
                                  cons_values(m, m->values[0], m->values + 1), err);
}

static int job_signal(const master_t *m)
{
    return m->o->signals && *m->o->signals;
}

static int handle(master_t *m, int w, ict_raw_result_t *r, ict_error_t *err)
{
    pend_t p = m->running[w];
    m->running[w].id = UINT64_MAX;
    busy_tick(m);
    m->nrunning--;
    m->nspec -= p.spec && !p.taken;
    ict__pmap_del(&m->inflight, p.flat);
    if (p.id != r->id || p.attempt != r->attempt)
        return ict_errorf(err, -EPROTO, "worker %d answered for evaluation "
                          "%llu attempt %d; expected %llu attempt %d", w,
                          (unsigned long long)r->id, r->attempt,
                          (unsigned long long)p.id, p.attempt);
    /* The worker is free: its next point goes out before this result is
     * recorded, so the flush and the search's turn overlap the program
     * (not after a signal or a result that is not a measurement, which
     * may stop the run; not on a virtual clock, whose order is fixed). */
    if (!m->virt && !m->stopping && m->qlen && !r->signal &&
        !ict_raw_not_measured(r) && !job_signal(m)) {
        pend_t next = m->queue[m->qhead++];
        m->qlen--;
        int rc = dispatch(m, w, &next, err);
        if (rc)
            return rc;
    }
    /* An MPI worker already waited for the job's signal (r->killed). A
     * local program's result (it ran beside this process, under a guard
     * of its own) is parked until the signal comes or PARK_S pass, and
     * the loop goes on meanwhile. */
    if (!m->o->mpi && r->signal && !r->killed && !m->stopping &&
        !ict_raw_not_measured(r) && !job_signal(m) &&
        ict_launch_stop_signal(r->signal)) {
        if (m->nparked == m->parkcap) {
            size_t cap = m->parkcap ? 2 * m->parkcap : 8;
            parked_t *n = realloc(m->parked, cap * sizeof *n);
            if (!n)
                return -ENOMEM;
            m->parked = n;
            m->parkcap = cap;
        }
        m->parked[m->nparked++] = (parked_t){p, *r, ict_mono() + PARK_S};
        return 0;
    }
    return settle(m, &p, r, job_signal(m), err);
}

/* ---- speculation ---------------------------------------------------------- */

/* Not a candidate: queued or running, attempted already (by the search
 * or ahead of it, in this job or in the file; an attempt stopped by a
 * signal does not count), or with a final result (the search's: a plan
 * may be older than it). */
static int busy(void *ud, uint64_t flat)
{
    master_t *m = ud;
    return ict__pmap_get(&m->inflight, flat, NULL) ||
           ict_db_get(m->attempts, flat) ||
           ict_db_get(ict_search_db(m->search), flat);
}

/* Idle workers while the stage's points are all out: give them the points
 * the search will probably ask for next, within max_speculative. */
static int spec_fill(master_t *m, ict_error_t *err)
{
    int idle = m->be->nworkers - m->nrunning;
    if (idle <= 0)
        return 0;
    ict_search_stats_t s;
    ict_search_stats(m->search, &s);
    uint64_t limit = m->spec.max >= 0 ? (uint64_t)m->spec.max
                                      : SPEC_ROUNDS * (uint64_t)m->be->nworkers +
                                        2 * s.evaluations;
    uint64_t open = m->spec_started - m->spec_taken;
    if (open >= limit)
        return 0;
    size_t want = (size_t)idle < limit - open ? (size_t)idle : (size_t)(limit - open);
    int rc;
    /* A plan replays the search from its start, so its cost grows with the
     * results: a new one is made when the last one is used up, or stale by
     * a share (1/PLAN_SHARE) of the results known. Each plan covers the
     * workers that will become idle meanwhile, not just today's. */
    uint64_t fresh = m->nknown - m->known_at_plan;
    int stale = fresh && fresh * PLAN_SHARE >= m->nknown;
    if (m->plan_dirty && (stale || (m->candpos >= m->ncand && !m->plan_empty))) {
        size_t pw = (size_t)m->be->nworkers;
        if (pw > limit - open)
            pw = (size_t)(limit - open);
        if (pw < want)
            pw = want;
        m->plan_dirty = 0;
        m->known_at_plan = m->nknown;
        if (pw > m->cand_cap) {
            uint64_t *n = realloc(m->cand, pw * sizeof *n);
            if (!n)
                return -ENOMEM;
            m->cand = n;
            m->cand_cap = pw;
        }
        if ((rc = ict__look_plan(m->look, busy, m, pw, m->spec.ahead,
                                 m->cand, &m->ncand, err)))
            return rc;
        m->candpos = 0;
        m->plan_empty = m->ncand == 0;  /* then wait until it is stale */
    }
    for (int w = 0; w < m->be->nworkers && want && m->candpos < m->ncand; w++) {
        if (m->running[w].id != UINT64_MAX)
            continue;
        uint64_t f;
        do
            f = m->cand[m->candpos++];
        while (busy(m, f) && m->candpos < m->ncand);
        if (busy(m, f))
            break;
        pend_t p = {f, m->next_spec_id++, 1, 1, 0, 0};  /* never attempted */
        if ((rc = dispatch(m, w, &p, err)))
            return rc;
        m->spec_started++;
        want--;
    }
    return 0;
}

/* The search is over: what runs ahead of it is stopped (recorded
 * INTERRUPTED, speculative). */
static void spec_stop(master_t *m)
{
    if (!m->nspec)
        return;
    say(m, "the search is over: stopping %d speculative evaluation%s",
        m->nspec, m->nspec == 1 ? "" : "s");
    for (int w = 0; w < m->be->nworkers; w++)
        if (m->running[w].id != UINT64_MAX && m->running[w].spec &&
            !m->running[w].taken)
            ict__be_cancel(m->be, w);
}

/* Settle the parked results whose signal came or whose time is up (all of
 * them when `all`). */
static int unpark(master_t *m, int all, ict_error_t *err)
{
    double now = ict_mono();
    for (size_t i = 0; i < m->nparked;) {
        parked_t *k = &m->parked[i];
        int sig = job_signal(m);
        if (!all && !sig && now < k->until) {
            i++;
            continue;
        }
        parked_t one = *k;
        m->parked[i] = m->parked[--m->nparked];
        int rc = settle(m, &one.p, &one.r, sig || m->stopping, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* The search asks for a point a speculative evaluation (id) ran or runs:
 * its row (when written) gets the stage and level. */
static int take(master_t *m, int64_t row, int64_t id, uint64_t sid,
                double seconds, ict_error_t *err)
{
    int rc = 0;
    m->spec_taken++;
    m->sum->spec_taken_seconds += seconds;
    if (row >= 0 || seconds > 0) {      /* it had ended: now it counts */
        m->nahead -= m->nahead > 0;
        m->nfinal++;
    }
    if (row >= 0 && m->st)
        rc = ict_store_set_stage(m->st, (size_t)row, m->stage, m->level, err);
    if (!rc && m->o->on_take)
        rc = m->o->on_take(m->o->record_ud, id, m->stage, m->level, sid);
    return rc;
}

/* Lay out a new stage: answer what the file already has, queue the rest. */
static int start_stage(master_t *m, ict_error_t *err)
{
    size_t n = ict_search_stage_size(m->search);
    m->stage = ict_search_stage_no(m->search);
    m->level = ict_search_stage_level(m->search);
    m->stage_start = ict_now();
    for (size_t i = 0; i < n; i++) {
        uint64_t f = ict_search_stage_point(m->search, i);
        uint64_t id = ict_search_stage_id(m->search, i);
        const ict_db_entry_t *fin = ict_db_get(m->final, f);
        int rc = 0;
        if (fin) {
            const ict_record_t *r = &m->rows[(size_t)fin->y];
            m->sum->replayed++;
            if (r->speculative && r->stage == 0)
                rc = take(m, (int64_t)fin->y, r->id, id, r->end - r->start, err);
            if (!rc && r->status == ICT_STATUS_OK)
                rc = keep_metrics(m, f, r->metrics);
            if (!rc)
                rc = ict_search_report_cons(m->search, f, r->status, r->objective,
                                            cons_values(m, r->objective, r->metrics), err);
            if (rc)
                return rc;
            continue;
        }
        const ict_db_entry_t *sd = ict_db_get(m->spec_done, f);
        if (sd) {                       /* run ahead, done: it answers now */
            specres_t *q = &m->sres[(size_t)sd->y];
            q->taken = 1;
            if ((rc = take(m, q->row, q->id, id, q->seconds, err)) ||
                (rc = ict_search_report_cons(m->search, f, q->status, q->value,
                                             q->cons, err)))
                return rc;
            continue;
        }
        int w;
        if (ict__pmap_get(&m->inflight, f, &w) && w >= 0 &&
            m->running[w].spec && !m->running[w].taken) {
            /* run ahead, still running: its result answers when it comes */
            m->running[w].taken = 1;
            m->running[w].sid = id;
            m->nspec--;
            if ((rc = take(m, -1, (int64_t)m->running[w].id, id, 0, err)))
                return rc;
            continue;
        }
        const ict_db_entry_t *a = ict_db_get(m->attempts, f);
        pend_t p = {f, id, a ? (int)a->y + 1 : 1, 0, 0, id};
        if ((rc = push(m, p)))
            return rc;
    }
    return 0;
}

static int end_stage(master_t *m, ict_error_t *err)
{
    uint64_t bflat = 0, best_flat;
    double bval = NAN, best = NAN;
    int has_base = ict_search_base(m->search, &bflat, &bval) == 0;
    int32_t *base = NULL;
    if (has_base) {
        base = malloc(ict_space_dims(m->c->space) * sizeof *base + 1);
        if (base)
            ict_space_unflat(m->c->space, bflat, base);
    }
    int has_best = ict_search_best(m->search, &best_flat, &best) == 0;
    const ict_db_entry_t *be = has_best ? ict_db_get(ict_search_db(m->search), best_flat) : NULL;
    double t0 = m->st ? ict_store_t0(m->st) : 0;
    ict_stage_row_t row = {m->stage, m->level, base, bval,
                           (long)ict_search_stage_size(m->search),
                           has_best ? best : NAN, be ? (int64_t)be->order : -1,
                           m->stage_start - t0, ict_now() - t0};
    int rc = m->st ? ict_store_append_stage(m->st, &row, err) : 0;
    free(base);
    if (!rc && !m->o->no_stage_lines)
        progress(m, "finished");
    return rc;
}

/* The preparation step, once, on worker 0, with the retries of `limits`. */
static int prepare(master_t *m, ict_error_t *err)
{
    const ict_config_t *c = m->c;
    const char *done = ict_store_prepared(m->st);
    if (done) {
        snprintf(m->prepare_dir, sizeof m->prepare_dir, "%s", done);
        m->has_prepare_dir = 1;
        say(m, "prepare step already done: %s", done);
        return 0;
    }
    for (int attempt = 1; attempt <= 1 + c->retries; attempt++) {
        char base[ICT_PATH_MAX], dir[ICT_PATH_MAX];
        int rc = pathf(base, sizeof base, "%s/prepare", m->workdir);
        if (!rc)
            rc = ict_make_run_dir(base, dir, sizeof dir);
        if (rc)
            return ict_errorf(err, rc, "cannot create %s: %s", base, strerror(-rc));
        ict_render_vars_t vars = {0, dir, dir};
        char **argv;
        if ((rc = ict_command_render(&c->prepare, c->space, NULL, &vars, &argv, err)))
            return rc;
        char **env = NULL;
        if ((rc = ict_command_env(c->space, NULL, &vars, &env))) {
            free(argv);
            return rc;
        }
        ict_task_t t = {.id = 0, .flat = UINT64_MAX, .attempt = attempt,
                        .argv = argv, .env = env, .metric_names = m->names,
                        .run_dir = dir, .run_dir_made = 1, .params = "", .timeout = c->timeout,
                        .kill_grace = m->o->kill_grace,
                        .max_output = m->o->max_output,
                        .in_run_dir = c->in_run_dir};
        say(m, "prepare step, attempt %d: %s", attempt, dir);
        rc = ict__be_submit(m->be, 0, &t, err);
        free(argv);
        ict_command_env_free(env);
        if (rc)
            return rc;
        m->sum->launches++;
        ict_raw_result_t r;
        int w;
        for (;;) {
            rc = ict__be_poll(m->be, 0.25, &r, &w, err);
            if (rc < 0)
                return rc;
            if (rc == 1)
                break;
            if (m->o->signals && *m->o->signals && !m->stopping) {
                m->stopping = 1;
                say(m, "signal: stopping the prepare step");
                ict__be_cancel(m->be, 0);
            }
        }
        /* the same rules as an evaluation's end (classify.c) */
        char reason[256] = "";
        ict_status_t st = ict_classify_exit(&r, c->timeout, reason, sizeof reason);
        const char *why = reason[0] ? reason : r.reason;
        if (st == ICT_STATUS_INTERRUPTED) {
            /* ictune's own I/O, or a command that cannot start: stop, and
             * a resumed run does the prepare step again */
            double t0 = ict_store_t0(m->st);
            if ((rc = ict_store_prepare(m->st, st, attempt, r.exit_code, dir,
                                        reason, r.start - t0, r.end - t0, err)))
                return rc;
            int e = r.own_errno ? r.own_errno : r.out_errno;
            return ict_errorf(err, e == ENOSPC || e == EDQUOT ? -ENOSPC :
                              e ? -e : -ENOEXEC, "the prepare step: %s; "
                              "stopping: fix it, then resume with --resume",
                              reason);
        }
        if (r.signal && (r.killed || m->stopping)) {
            st = ICT_STATUS_INTERRUPTED;
            why = "interrupted by a signal";
        }
        double t0 = ict_store_t0(m->st);
        if ((rc = ict_store_prepare(m->st, st, attempt, r.exit_code, dir, why,
                                    r.start - t0, r.end - t0, err)))
            return rc;
        if (st == ICT_STATUS_OK) {
            snprintf(m->prepare_dir, sizeof m->prepare_dir, "%s", dir);
            m->has_prepare_dir = 1;
            say(m, "prepare step done: %s", dir);
            return 0;
        }
        if (st == ICT_STATUS_INTERRUPTED) {
            m->sum->outcome = ICT_RUN_STOPPED;
            return 1;
        }
        say(m, "prepare step attempt %d: %s (see %s/stderr)", attempt, why, dir);
    }
    m->sum->outcome = ICT_RUN_FAILED;
    return ict_errorf(err, -EIO, "the prepare step failed %d time%s; nothing "
                      "was evaluated; see %s/prepare*/stderr", 1 + c->retries,
                      c->retries ? "s" : "", m->workdir);
}

/* Resume: every row of the file; the final ones answer the search. */
static int load_file(master_t *m, ict_error_t *err)
{
    int rc = ict_store_rows(m->st, &m->rows, &m->nrows, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->nrows; i++) {
        const ict_record_t *r = &m->rows[i];
        if (r->speculative) {
            m->spec_started++;
            m->sum->spec_seconds += r->end - r->start;
            if (r->stage) {
                m->spec_taken++;
                m->sum->spec_taken_seconds += r->end - r->start;
            }
            if (r->id >= (int64_t)m->next_spec_id)
                m->next_spec_id = (uint64_t)r->id + 1;
        }
        if (r->status == ICT_STATUS_INTERRUPTED || r->status == ICT_STATUS_SKIPPED)
            continue;
        if (r->attempt == 0) {          /* taken from elsewhere: a seed */
            m->nseeds++;
            continue;
        }
        ict_db_entry_t *a = (ict_db_entry_t *)ict_db_get(m->attempts, r->flat);
        if (!a) {
            if ((rc = ict_db_put(m->attempts, r->flat, 1, r->attempt, 0)))
                return rc;
        } else if (r->attempt > a->y) {
            a->y = r->attempt;
        }
        if (is_final(m->c, r->status, r->attempt)) {
            if (r->speculative && r->stage == 0)
                m->nahead++;
            else
                m->nfinal++;
            m->nfailed += r->status != ICT_STATUS_OK && r->status != ICT_STATUS_INFEASIBLE;
            m->nbroken += r->status == ICT_STATUS_INFEASIBLE;
        }
        if (is_final(m->c, r->status, r->attempt) && !ict_db_get(m->final, r->flat)) {
            /* the db's insertion order is the row index */
            if ((rc = ict_db_put(m->final, r->flat, 1, (double)i, 0)))
                return rc;
            m->nknown++;
        }
    }
    return 0;
}

/* A new results file, but the workdir holds run folders of an earlier run:
 * say so (new folders never overwrite them: they get suffixes, 0-2). */
static void stale_workdir(master_t *m)
{
    DIR *d = opendir(m->workdir);
    if (!d)
        return;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    if (n)
        say(m, "warning: the workdir %s already holds %zu entr%s from an "
            "earlier run; this run's folders are made beside them (a folder "
            "that exists gets a suffix: 0-2, ...); remove it or set another "
            "'workdir' to keep runs apart", m->workdir, n, n == 1 ? "y" : "ies");
}

/* The seeds: the file's rows taken from elsewhere (attempt 0). */
static int seeds_from_rows(master_t *m)
{
    size_t K = m->c->n_constraints;
    m->seeds = calloc(m->nseeds + 1, sizeof *m->seeds);
    m->seedcons = calloc(m->nseeds * K + 1, sizeof *m->seedcons);
    if (!m->seeds || !m->seedcons)
        return -ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->nrows && n < m->nseeds; i++) {
        const ict_record_t *r = &m->rows[i];
        if (r->attempt != 0 || r->status == ICT_STATUS_INTERRUPTED ||
            r->status == ICT_STATUS_SKIPPED)
            continue;
        const double *cv = cons_values(m, r->objective, r->metrics);
        if (cv)
            memcpy(m->seedcons + n * K, cv, K * sizeof *cv);
        m->seeds[n] = (ict_search_seed_t){r->flat, r->status, r->objective,
                                          K ? m->seedcons + n * K : NULL};
        n++;
    }
    m->nseeds = n;
    return 0;
}

/* A new file seeded from elsewhere: one row per measurement taken
 * (attempt 0, its origin in the reason), flushed, then the seeds. */
static int seeds_write(master_t *m, const ict_seeds_t *S, ict_error_t *err)
{
    const ict_config_t *c = m->c;
    size_t K = c->n_constraints;
    m->seeds = calloc(S->n + 1, sizeof *m->seeds);
    m->seedcons = calloc(S->n * K + 1, sizeof *m->seedcons);
    if (!m->seeds || !m->seedcons)
        return -ENOMEM;
    const char *base = strrchr(m->o->seed_from, '/');
    base = base ? base + 1 : m->o->seed_from;
    size_t bl = strlen(base);
    const char *what = bl > 4 && !strcmp(base + bl - 4, ".csv") ? "row"
                     : strstr(base, ".json") ? "entry" : "evaluation";
    for (size_t i = 0; i < S->n; i++) {
        const ict_seed_t *sd = &S->v[i];
        char reason[160];
        snprintf(reason, sizeof reason, "seeded from %.100s %s %lld", base,
                 what, sd->origin);
        ict_record_t row = {
            .id = (int64_t)(SEED_ID0 + i), .flat = sd->flat,
            .objective = sd->objective, .metrics = sd->metrics,
            .status = sd->status, .attempt = 0, .worker = -1, .host = "",
            .gpu = "", .cpuset = "", .start = 0, .end = 0, .run_dir = "",
            .reason = reason};
        int rc = m->st ? ict_store_append_eval(m->st, &row, err) : 0;
        if (rc)
            return rc;
        const double *cv = cons_values(m, sd->objective, sd->metrics);
        if (cv)
            memcpy(m->seedcons + i * K, cv, K * sizeof *cv);
        m->seeds[i] = (ict_search_seed_t){sd->flat, sd->status, sd->objective,
                                          K ? m->seedcons + i * K : NULL};
        if (sd->status == ICT_STATUS_OK && (rc = keep_metrics(m, sd->flat, sd->metrics)))
            return rc;
    }
    m->nseeds = S->n;
    return 0;
}

/* What the lookahead knows at the start: the seeds and the file's final
 * results. */
static int feed_look(master_t *m)
{
    int rc = 0;
    for (size_t i = 0; i < m->nseeds && !rc; i++)
        rc = ict__look_known(m->look, m->seeds[i].flat, m->seeds[i].status,
                             m->seeds[i].value, m->seeds[i].cons);
    for (size_t i = 0; i < m->nrows && !rc; i++) {
        const ict_record_t *r = &m->rows[i];
        const ict_db_entry_t *f = ict_db_get(m->final, r->flat);
        if (f && (size_t)f->y == i)
            rc = ict__look_known(m->look, r->flat, r->status, r->objective,
                                 cons_values(m, r->objective, r->metrics));
    }
    return rc;
}

static void free_master(master_t *m)
{
    free(m->queue);
    free(m->running);
    ict_db_free(m->attempts);
    ict_db_free(m->final);
    ict_db_free(m->okmap);
    free(m->okmet);
    ict_store_rows_free(m->rows, m->nrows);
    free(m->idx);
    free(m->values);
    free(m->names);
    free(m->parked);
    ict__look_free(m->look);
    ict_db_free(m->memo);
    ict__pmap_free(&m->inflight);
    ict_db_free(m->spec_done);
    for (size_t i = 0; i < m->nsres; i++)
        free(m->sres[i].cons);
    free(m->sres);
    free(m->cons_idx);
    free(m->cons);
    free(m->cand);
    free(m->best_met);
    free(m->seeds);
    free(m->seedcons);
}

/* ---- a run: open, step, close ------------------------------------------ */

/* The end of a run, whatever its cause: the running evaluations stopped
 * (on an error), the summary, the /jobs row, the file closed, the
 * backend let go. Returns rc (0 for 1). */
static int finish(master_t *m, int rc, int cancel)
{
    const ict_config_t *c = m->c;
    const ict_run_opts_t *o = m->o;
    ict_run_summary_t *sum = m->sum;
    if (!cancel) {
        if (rc == 1)
            rc = 0;
    } else
    if (rc == 1) {
        rc = 0;
    } else if (rc < 0) {
        /* what was flushed stays; the running evaluations are stopped and
         * run again on resume. A full disk is resumable. */
        if (rc == -ENOSPC)
            sum->outcome = ICT_RUN_STOPPED;     /* the CLI says why */
        for (int w = 0; m->be && m->running && w < m->be->nworkers; w++)
            if (m->running[w].id != UINT64_MAX)
                ict__be_cancel(m->be, w);
    }
    if (o->mpi && !m->be)
        ict__backend_mpi_dismiss();     /* the workers wait: let them go */
    if (rc && rc != -ENOSPC && sum->outcome != ICT_RUN_STOPPED)
        sum->outcome = ICT_RUN_FAILED;
    if (m->search) {
        ict_search_stats_t s;
        ict_search_stats(m->search, &s);
        sum->evaluations = s.evaluations;
        sum->invalid = s.invalid;
        sum->infeasible = s.infeasible;
        sum->stages = s.stages;
        sum->recorded = m->nfinal;
        sum->recorded_failed = m->nfailed;
        sum->recorded_broken = m->nbroken;
        sum->interrupted = (uint64_t)m->nrunning;
        sum->has_best = ict_search_best(m->search, &sum->best_flat, &sum->best) == 0;
        const ict_db_entry_t *bm = sum->has_best && m->okmap ? ict_db_get(m->okmap, sum->best_flat) : NULL;
        for (size_t k = 0; k < c->n_metrics; k++)
            sum->best_metrics[k] = bm ? m->okmet[(size_t)bm->y * c->n_metrics + k] : NAN;
        sum->best_speculative = 0;
        /* the best measured, whichever row holds it: a speculative row of
         * this segment, or the file's (a resumed run whose search stopped
         * earlier, with a lower budget) */
        if (m->has_best && (!sum->has_best ||
            (c->goal == ICT_MAXIMIZE ? m->best > sum->best : m->best < sum->best))) {
            sum->has_best = 1;
            sum->best = m->best;
            sum->best_flat = m->best_flat;
            sum->best_speculative = m->best_spec;
            memcpy(sum->best_metrics, m->best_met, c->n_metrics * sizeof *m->best_met);
        }
        for (size_t i = 0; i < m->nrows; i++) {
            const ict_record_t *r = &m->rows[i];
            if (r->status != ICT_STATUS_OK || isnan(r->objective))
                continue;
            int better = !sum->has_best ||
                (c->goal == ICT_MAXIMIZE ? r->objective > sum->best
                                         : r->objective < sum->best);
            if (!better)
                continue;
            sum->has_best = 1;
            sum->best = r->objective;
            sum->best_flat = r->flat;
            sum->best_speculative = r->speculative;
            for (size_t k = 0; k < c->n_metrics; k++)
                sum->best_metrics[k] = r->metrics ? r->metrics[k] : NAN;
        }
    }
    sum->spec_started = m->spec_started;
    sum->spec_taken = m->spec_taken;
    sum->elapsed = ict_now() - m->t_start;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        sum->master_cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                          (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    if (m->st) {
        static const char *const why[] = {"finished", "budget reached",
                                          "stopped (resumable)", "failed"};
        ict_error_t e2;
        ict_store_job_end(m->st, why[sum->outcome],
                          sum->outcome == ICT_RUN_STOPPED ? 3 :
                          sum->outcome == ICT_RUN_FAILED ? 1 : 0, &e2);
        ict_store_close(m->st);
    }
    if (m->be) {
        /* wait for stopped evaluations still running (disk full, errors) */
        for (int tries = 0; m->nrunning && tries < 400; tries++) {
            ict_raw_result_t r;
            int w;
            ict_error_t e2;
            if (ict__be_poll(m->be, 0.05, &r, &w, &e2) == 1) {
                m->running[w].id = UINT64_MAX;
                m->nrunning--;
            }
        }
        ict__backend_close(m->be);
    }
    ict_search_free(m->search);
    free_master(m);
    free(m);
    return rc;
}

int ict_run_open(ict_run_t **out, const ict_config_t *c, const ict_run_opts_t *o,
                 ict_run_summary_t *sum, ict_error_t *err)
{
    *out = NULL;
    master_t *m = calloc(1, sizeof *m);
    if (!m)
        return -ENOMEM;
    memset(sum, 0, sizeof *sum);
    m->c = c;
    m->o = o;
    m->sum = sum;
    m->t_start = ict_now();
    m->best_id = -1;
    m->busy_t = m->busy_t0 = ict_mono();
    size_t D = ict_space_dims(c->space);
    m->idx = calloc(D + 1, sizeof *m->idx);
    m->values = calloc(c->n_metrics + 2, sizeof *m->values);
    sum->best_metrics = calloc(c->n_metrics + 1, sizeof *sum->best_metrics);
    int rc = m->idx && m->values && sum->best_metrics ? 0 : -ENOMEM;
    if (!rc)
        rc = ict_db_new(&m->attempts);
    if (!rc)
        rc = ict_db_new(&m->final);
    if (!rc)
        rc = ict_db_new(&m->okmap);
    if (rc)
        return finish(m, rc, 0);
    /* the workers first: an MPI worker that cannot work (no GPU for it)
     * stops the run before any file is touched */
    ict__backend_args_t ba = {o->jobs > 0 ? o->jobs : 1, o->places, c,
                              o->backend_arg};
    rc = ict__backend_open(&m->be, o->backend ? o->backend : o->mpi ? "mpi" : "local",
                           &ba, err);
    if (rc)
        return finish(m, rc, 0);
    if (c->workdir[0] == '/') {
        snprintf(m->workdir, sizeof m->workdir, "%s", c->workdir);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) {
            rc = ict_errorf(err, -errno, "getcwd: %s", strerror(errno));
            return finish(m, rc, 0);
        }
        if ((rc = pathf(m->workdir, sizeof m->workdir, "%s/%s", cwd, c->workdir))) {
            rc = ict_errorf(err, rc, "the workdir path is too long");
            return finish(m, rc, 0);
        }
    }
    /* every run folder, <workdir>/<id>-<k>, must fit in a row whole */
    if (strlen(m->workdir) + 48 > ICT_STORE_RUNDIR_MAX) {
        rc = ict_errorf(err, -ENAMETOOLONG, "workdir: the path %s is %zu bytes "
                        "long; expected at most %d, so that every run folder's "
                        "path fits in the results file whole", m->workdir,
                        strlen(m->workdir), ICT_STORE_RUNDIR_MAX - 48);
        return finish(m, rc, 0);
    }
    /* the metrics kept from the programs' output: the config's */
    m->names = calloc(c->n_metrics + 2, sizeof *m->names);
    if (!m->names) {
        rc = -ENOMEM;
        return finish(m, rc, 0);
    }
    m->names[0] = c->objective;
    for (size_t k = 0; k < c->n_metrics; k++)
        m->names[k + 1] = c->metrics[k];
    /* everything is checked before any file is touched: the search (made
     * again below, with what the file and the seeds know), the seeds */
    if (o->search_opts)
        m->so = *o->search_opts;
    if (!m->so.memo) {
        /* one cache for the search and its lookahead's shadows */
        if ((rc = ict_db_new(&m->memo)))
            return finish(m, rc, 0);
        m->so.memo = m->memo;
    }
    if ((rc = ict_search_new(&m->search, c, &m->so, err)))
        return finish(m, rc, 0);
    ict_search_free(m->search);
    m->search = NULL;
    ict_seeds_t *seeds = NULL;
    if (o->seed_from && o->resume)
        return finish(m, ict_errorf(err, -EINVAL, "--seed-from starts a new "
                                    "results file; a resumed one keeps the "
                                    "seeds it was given"), 0);
    if (o->seed_from && (rc = ict_seeds_load(o->seed_from, c, &seeds, err)))
        return finish(m, rc, 0);
    m->next_spec_id = SPEC_ID0;
    m->plan_dirty = 1;
    m->cons_idx = calloc(c->n_constraints + 1, sizeof *m->cons_idx);
    m->cons = calloc(c->n_constraints + 1, sizeof *m->cons);
    if (!m->cons_idx || !m->cons)
        return finish(m, -ENOMEM, 0);
    for (size_t k = 0; k < c->n_constraints; k++) {
        m->cons_idx[k] = -1;
        for (size_t j = 0; j < c->n_metrics; j++)
            if (!strcmp(c->constraints[k].metric, c->metrics[j]))
                m->cons_idx[k] = (int)j;
    }
    m->best_met = calloc(c->n_metrics + 1, sizeof *m->best_met);
    if (!m->best_met || ict_db_new(&m->spec_done))
        return finish(m, -ENOMEM, 0);
    if ((rc = ict_speculation_options(c, &m->spec, err)))
        return finish(m, rc, 0);
    /* the results file: new, or resumed (a virtual backend keeps none) */
    char changes[1024] = "";
    m->virt = m->be->ops->is_virtual;
    if (m->virt)
        rc = 0;
    else if (o->resume)
        rc = ict_store_open(&m->st, c->output, c, changes, sizeof changes, err);
    else
        rc = ict_store_create(&m->st, c->output, c, err);
    if (rc) {
        ict_seeds_free(seeds);
        sum->outcome = ICT_RUN_FAILED;
        return finish(m, rc, 0);
    }
    if (changes[0])
        say(m, "resuming with changes (recorded in the file): %s", changes);
    if (!o->resume && !m->virt)
        stale_workdir(m);
    if (o->resume && (rc = load_file(m, err)))
        return finish(m, rc, 0);
    if (o->resume && m->nseeds && (rc = seeds_from_rows(m)))
        return finish(m, rc, 0);
    if (seeds) {
        rc = seeds_write(m, seeds, err);
        if (!rc)
            say(m, "seeded from %s: %zu measurement%s taken (of %zu rows: %zu "
                "outside this space, %zu excluded by the restrictions, %zu "
                "not finished, %zu without the objective or a constrained "
                "metric, %zu twice)", o->seed_from, seeds->n,
                seeds->n == 1 ? "" : "s", seeds->rows, seeds->outside,
                seeds->excluded, seeds->unfinished, seeds->lacking, seeds->twice);
        ict_seeds_free(seeds);
        if (rc)
            return finish(m, rc, 0);
    }
    m->so.seeds = m->seeds;
    m->so.nseeds = m->nseeds;
    sum->seeded = m->nseeds;
    if ((rc = ict_search_new(&m->search, c, &m->so, err)))
        return finish(m, rc, 0);
    if (m->spec.on && ((rc = ict__look_new(&m->look, c, &m->so, err)) ||
                       (rc = feed_look(m))))
        return finish(m, rc, 0);
    m->running = malloc((size_t)m->be->nworkers * sizeof *m->running);
    if (!m->running) {
        rc = -ENOMEM;
        return finish(m, rc, 0);
    }
    for (int w = 0; w < m->be->nworkers; w++)
        m->running[w].id = UINT64_MAX;
    if (!m->virt) {
        ict__buf_t hosts = {0};
        for (int w = 0; w < m->be->nworkers; w++) {
            const char *h = ict__be_host(m->be, w);
            if (!hosts.data || !strstr(hosts.data, h))
                ict__buf_printf(&hosts, "%s%s", hosts.len ? "," : "", h);
            const char *note = ict__be_note(m->be, w);
            if (note && *note)
                say(m, "worker %d: %s", w + 1, note);
        }
        char *hs = ict__buf_take(&hosts);
        rc = ict_store_job_begin(m->st, o->mpi ? m->be->nworkers + 1 : 1,
                                 m->be->nworkers, hs ? hs : "", err);
        free(hs);
        if (rc)
            return finish(m, rc, 0);
    }
    say(m, "%s %s with %d worker%s (%s), results in %s",
        o->resume ? "resuming" : "starting", c->name, m->be->nworkers,
        m->be->nworkers == 1 ? "" : "s", o->mpi ? "MPI" : "local processes",
        c->output);
    if (c->has_prepare && !m->virt) {
        rc = prepare(m, err);
        if (rc)
            return finish(m, rc, 1);
    }
    m->next_progress = ict_mono() + o->progress;
    *out = m;
    return 0;
}

int ict_run_step(ict_run_t *m, ict_error_t *err)
{
    const ict_run_opts_t *o = m->o;
    ict_run_summary_t *sum = m->sum;
    int rc;
    if (m->st)
        ict_store_beat(m->st);
    if ((rc = unpark(m, m->stopping, err)))
        return rc;
    /* signals */
    int sigs = o->signals ? (int)*o->signals : 0;
    if (o->stop_after > 0 && ict_now() - m->t_start >= o->stop_after && !sigs) {
        if (!m->stopping)
            say(m, "--stop-after %gs reached", o->stop_after);
        sigs = 1;
    }
    if (sigs >= 1 && !m->stopping) {
        m->stopping = 1;
        m->stop_deadline = ict_mono() + o->grace;
        say(m, "signal: no new evaluations; %d running get %gs to finish "
            "(a second signal stops them now)", m->nrunning, o->grace);
    }
    if (m->stopping && !m->killed_all &&
        (sigs >= 2 || ict_mono() >= m->stop_deadline) && m->nrunning) {
        m->killed_all = 1;
        say(m, "stopping %d running evaluation%s", m->nrunning,
            m->nrunning == 1 ? "" : "s");
        for (int w = 0; w < m->be->nworkers; w++)
            if (m->running[w].id != UINT64_MAX)
                ict__be_cancel(m->be, w);
    }
    if (m->stopping && !m->nrunning && !m->nparked) {
        if (!m->search_over)
            sum->outcome = ICT_RUN_STOPPED;
        return 1;
    }
    /* a new stage when the last one is complete */
    if (!m->in_stage && !m->stopping && !m->search_over) {
        rc = ict_search_next(m->search, err);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            ict_search_stats_t s;
            ict_search_stats(m->search, &s);
            sum->outcome = s.budget_reached ? ICT_RUN_BUDGET : ICT_RUN_FINISHED;
            m->search_over = 1;
            spec_stop(m);
        } else {
            if ((rc = start_stage(m, err)))
                return rc;
            m->in_stage = 1;
        }
    }
    if (m->search_over && !m->nrunning && !m->nparked)
        return 1;
    /* the stage is complete when its own points are: what runs ahead of
     * the search does not hold it up */
    if (m->in_stage && ict_search_stage_complete(m->search) &&
        m->nrunning == m->nspec && !m->qlen && !m->nparked) {
        if ((rc = end_stage(m, err)))
            return rc;
        m->in_stage = 0;
        return 0;
    }
    /* hand out work */
    for (int w = 0; w < m->be->nworkers && m->qlen && !m->stopping; w++) {
        if (m->running[w].id != UINT64_MAX)
            continue;
        pend_t p = m->queue[m->qhead++];
        m->qlen--;
        if ((rc = dispatch(m, w, &p, err)))
            return rc;
    }
    if (m->look && m->in_stage && !m->qlen && !m->stopping && !job_signal(m) &&
        (rc = spec_fill(m, err)))
        return rc;
    double wait = m->next_progress - ict_mono();
    if (wait > 0.25)
        wait = 0.25;
    for (size_t i = 0; i < m->nparked; i++)
        if (m->parked[i].until - ict_mono() < wait)
            wait = m->parked[i].until - ict_mono();
    if (wait < 0)
        wait = 0;
    if (!m->nrunning) {
        if (m->nparked) {
            struct timespec ts = {0, (long)(wait * 1e9) + 1000000};
            nanosleep(&ts, NULL);
        }
        return 0;
    }
    ict_raw_result_t r;
    int w;
    rc = ict__be_poll(m->be, wait, &r, &w, err);
    if (rc < 0)
        return rc;
    if (rc == 1 && (rc = handle(m, w, &r, err)))
        return rc;
    if (ict_mono() >= m->next_progress)
        progress(m, "running");
    return 0;
}

int ict_run_close(ict_run_t *m, int rc)
{
    return finish(m, rc, 1);
}

int ict_run(const ict_config_t *c, const ict_run_opts_t *o,
            ict_run_summary_t *sum, ict_error_t *err)
{
    ict_run_t *run;
    int rc = ict_run_open(&run, c, o, sum, err);
    if (rc)
        return rc;
    while ((rc = ict_run_step(run, err)) == 0)
        ;
    return ict_run_close(run, rc);
}

int ict_run_worker(int index, int count, int share, int cpu_only,
                   volatile sig_atomic_t *signals, ict_error_t *err)
{
    ict_place_t place;
    ict_error_t perr;
    int rc = ict_place_self(index, count, share, cpu_only, &place, &perr);
    return ict__worker_main(rc ? NULL : &place, rc ? perr.text : NULL,
                            signals, err);
}

ict_search_t *ict_run_search(ict_run_t *run)
{
    return run->search;
}
