/* dsice.c - DSICE, level-wise parallel (dsice-algorithm.md 3.7).
 *
 * From the base, the lines of the current level (axes, then directions in
 * which 2, 3, ... parameters change at once) that were not yet searched
 * from this base are searched at the same time; a stage holds the next
 * points of all of them. line_search: full takes every unmeasured point of
 * each line (the reference application's "39 points" first stage); ippe
 * takes the four tri points, then per_line IPPE suggestions of each line
 * per stage. When the level's lines are finished the base moves to the
 * best point found if it is strictly better (keeping the level), else the
 * level rises; the search ends when the top level brings no improvement.
 *
 * Ours, on by default (docs/algorithm.md says why, with figures):
 * - start: design. The first stage is the centre and a seeded maximin
 *   design over the feasible points, each parameter's ends and middle
 *   first (design.c); the search starts from the best of it. start:
 *   centre is the specified start.
 * - line_order: predicted. An additive model of every result (model.c)
 *   orders a round's lines by the best value it predicts on each, and the
 *   lines are searched in waves of `wave` lines: after a wave the base
 *   moves if a line found a better point, else the next wave follows, so a
 *   level still ends only when all its lines brought nothing.
 * - restarts: auto. With max_evaluations, when the search would end it
 *   starts again (dsice-algorithm.md 4 #14), keeping every measured point,
 *   until the budget is spent: from the point the model predicts best among
 *   the seeded random unmeasured candidates farthest from what was
 *   measured.
 * With start_samples N the first stage also holds N seeded random points. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../quadfit.h"
#include "common.h"
#include "design.h"
#include "gp.h"
#include "lines.h"
#include "model.h"
#include "ictune/search.h"

typedef struct dsice {
    const ict_strategy_ctx_t *ctx;
    size_t D;
    ict__dsice_opts_t o;
    int full;
    size_t per_line;
    int phase;                  /* 0 start, 1 lines, 2 done */
    int32_t *base;
    int32_t *tmp;               /* a point's indices, scratch */
    uint64_t base_flat;
    double base_y;
    int k;
    ict_db_t *searched;         /* direction codes searched from the base */
    ict__line_t *lines;
    size_t nlines;
    int round;                  /* lines are set up for the current level */
    size_t *buf;
    long long restarts_left;
    ict__rng_t rng;             /* restart points */
    uint64_t *samples;          /* start_samples: random points of stage 1 */
    size_t nsamples;
    int sampling;               /* the first stage is out */
    int started;                /* the first base was chosen */
    long long stall;            /* 0: off */
    double stall_best;          /* the best when it last improved */
    size_t stall_at;            /* the results known then */
    int predicted;              /* line_order: predicted */
    size_t wave;                /* lines a wave; 0: all */
    size_t wave_end;            /* the current wave: lines [0, wave_end) */
    int restart_predicted;      /* restart_from: predicted */
    ict__model_t model;
    double *score;              /* a score per line, scratch */
    long long guided_left;      /* guided evaluations still to propose */
    int guiding;                /* the last stage was a guided one */
    uint64_t guided_step;
    size_t batch;               /* guided_batch */
    uint64_t *gflat;            /* the stage's points, the model's means */
    double *gmean;
    size_t nguided;
    ict__gp_t gp;
    uint64_t *pool;             /* guided candidates, scratch */
    int32_t *gidx;
    int32_t *gidx4;             /* four points' indices, scratch */
} dsice_t;

extern const ict_strategy_t ict_strategy_dsice;

/* guided: auto, with start: design */
#define GUIDED_AUTO 140
#define ICT__GUIDED_AUTO_TEXT "140 with start: design, at most a tenth of " \
                              "the space; else 0"
#define GUIDED_BATCH_TEXT "2"
/* design_points: auto with guided */
#define GUIDED_DESIGN 12

static const ict_option_info_t options[] = {
    {"line_search", "ippe", "ippe (tri points, then per_line IPPE "
                            "suggestions per line per stage) or full (whole "
                            "lines in one stage)"},
    {"per_line", "1", "IPPE suggestions taken from each line per stage"},
    ICT__START_OPTION("design", ", or design (the centre and a seeded "
                      "space-filling set of points in the first stage; the "
                      "search starts from the best)"),
    {"design_points", "auto", "points of start: design, the centre "
                              "included (auto: 12 with guided, else 2 a "
                              "parameter and 2, 10 to 24; never more "
                              "than half the space)"},
    {"guided", "auto", "after the first stage of start: design, this many "
                       "evaluations one at a time, each where a Gaussian-"
                       "process model of every result expects the most "
                       "improvement; the lines then start from the best "
                       "(auto: " ICT__GUIDED_AUTO_TEXT "; 0: none)"},
    {"guided_batch", GUIDED_BATCH_TEXT, "points a guided stage: each where "
                                        "the most improvement is expected "
                                        "while the ones before it are "
                                        "believed to come out as the model "
                                        "predicts"},
    {"start_samples", "0", "the first stage also measures this many seeded "
                           "random points; the search starts from the best"},
    {"line_order", "predicted", "predicted (the lines a model of every "
                                "result predicts best first, in waves) or "
                                "given (the specified order, a level at "
                                "once)"},
    {"wave", "auto", "lines searched before the base may move (0: all of "
                     "the level; auto: one a parameter with line_order: "
                     "predicted, else 0)"},
    {"restarts", "auto", "when the search ends, start again from an "
                         "unmeasured point up to this many times, while the "
                         "budget lasts (auto: no limit with max_evaluations, "
                         "else 0)"},
    {"stall", "auto", "restart (see restarts) also when this many results "
                      "in a row brought nothing better than the best so far "
                      "(0: only when the search ends; auto: 120)"},
    {"restart_from", "predicted", "predicted (of 256 seeded random "
                                  "unmeasured points, the quarter farthest "
                                  "from those measured, the best the model "
                                  "predicts) or random"},
    ICT__DSICE_OPTIONS,
    {NULL, NULL, NULL},
};

/* Files written before these options existed ran as: */
static const ict_option_info_t legacy[] = {
    {"restarts", "0", NULL},
    {"line_order", "given", NULL},
    {"wave", "0", NULL},
    {"restart_from", "random", NULL},
    {"stall", "0", NULL},
    {"guided", "0", NULL},
    {NULL, NULL, NULL},
};

/* n distinct seeded random points, known feasible, other than the base
 * (fewer when the space has fewer). */
static int draw_samples(dsice_t *d, size_t n)
{
    const ict_strategy_ctx_t *c = d->ctx;
    uint64_t size = ict_space_size(c->space);
    ict__rng_t r;
    ict_db_t *taken;
    ict__rng_seed(&r, d->o.seed ^ 0x53616d706c657321ull);
    if (n > size - 1)
        n = size - 1;
    void *grown = realloc(d->samples, (d->nsamples + n + 1) * sizeof *d->samples);
    if (!grown)
        return -ENOMEM;
    d->samples = grown;
    n += d->nsamples;
    if (!d->samples || ict_db_new(&taken))
        return -ENOMEM;
    int rc = ict_db_put(taken, d->base_flat, 0, 0, 0);
    for (size_t i = 0; i < d->nsamples && !rc; i++)
        rc = ict_db_put(taken, d->samples[i], 0, 0, 0);
    uint64_t f;
    while (!rc && d->nsamples < n &&
           !ict__random_point(c->space, &r, c->known_feasible, c->feasible_ud,
                              taken, &f)) {
        rc = ict_db_put(taken, f, 0, 0, 0);
        d->samples[d->nsamples++] = f;
    }
    ict_db_free(taken);
    if (rc)
        return rc;
    d->sampling = 1;
    return 0;
}

/* After the first stage: the base is its best point (ties: the start
 * point, then the samples in their order), or at the first start a better
 * result known before it (the config's initial points, seeds); after a
 * restart, the restart's point. */
static void pick_start(dsice_t *d)
{
    const ict_db_t *db = d->ctx->db;
    const ict_db_entry_t *e = ict_db_get(db, d->base_flat);
    d->base_y = e && e->valid ? e->y : INFINITY;
    for (size_t i = 0; i < d->nsamples; i++) {
        e = ict_db_get(db, d->samples[i]);
        if (e && e->valid && e->y < d->base_y) {
            d->base_y = e->y;
            d->base_flat = d->samples[i];
        }
    }
    e = d->started ? NULL : ict_db_best(db);
    if (e && e->y < d->base_y) {
        d->base_y = e->y;
        d->base_flat = e->flat;
    }
    d->started = 1;
    ict_space_unflat(d->ctx->space, d->base_flat, d->base);
    d->sampling = 0;
}

static int init(void *priv, const ict_strategy_ctx_t *ctx, ict_error_t *err)
{
    dsice_t *d = priv;
    d->ctx = ctx;
    d->D = ict_space_dims(ctx->space);
    int rc = ict__dsice_opts(ctx, &ict_strategy_dsice, 1, &d->o, err);
    if (rc)
        return rc;
    int mode;
    if ((rc = ict_option_choice(ctx, &ict_strategy_dsice, "line_search",
                                "ippe|full", &mode, err)))
        return rc;
    d->full = mode == 1;
    long long pl;
    if ((rc = ict_option_int(ctx, &ict_strategy_dsice, "per_line", 1, 1000000,
                             &pl, err)))
        return rc;
    d->per_line = (size_t)pl;
    rc = ict_option_int_auto(ctx, &ict_strategy_dsice, "restarts", 0,
                             (long long)1 << 40, &d->restarts_left, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        d->restarts_left = ctx->config->max_evaluations > 0 ? (long long)1 << 40 : 0;
    rc = ict_option_int_auto(ctx, &ict_strategy_dsice, "stall", 0,
                             (long long)1 << 40, &d->stall, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        d->stall = 120;
    d->stall_best = INFINITY;
    if ((rc = ict_option_choice(ctx, &ict_strategy_dsice, "restart_from",
                                "random|predicted", &d->restart_predicted, err)))
        return rc;
    if ((rc = ict_option_choice(ctx, &ict_strategy_dsice, "line_order",
                                "given|predicted", &d->predicted, err)))
        return rc;
    long long wv = 0;
    rc = ict_option_int_auto(ctx, &ict_strategy_dsice, "wave", 0, 1000000,
                             &wv, err);
    if (rc < 0)
        return rc;
    d->wave = rc == 1 ? (d->predicted ? (size_t)ict__var_axes(ctx->space) : 0)
                      : (size_t)wv;
    uint64_t size = ict_space_size(ctx->space);
    rc = ict_option_int_auto(ctx, &ict_strategy_dsice, "guided", 0,
                             1000000, &d->guided_left, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        d->guided_left = d->o.start != ICT__START_DESIGN ? 0 :
                         size / 10 < GUIDED_AUTO ? (long long)(size / 10) :
                         GUIDED_AUTO;
    long long gb;
    if ((rc = ict_option_int(ctx, &ict_strategy_dsice, "guided_batch", 1,
                             ICT__GP_MAX_POINTS, &gb, err)))
        return rc;
    d->batch = (size_t)gb;
    d->gflat = malloc(d->batch * sizeof *d->gflat);
    d->gmean = malloc(d->batch * sizeof *d->gmean);
    d->gidx = calloc(d->D ? d->D : 1, sizeof *d->gidx);
    d->gidx4 = calloc(4 * (d->D ? d->D : 1), sizeof *d->gidx4);
    if (!d->gflat || !d->gmean || !d->gidx || !d->gidx4)
        return -ENOMEM;
    if (d->guided_left && (rc = ict__gp_init(&d->gp, ctx->space)))
        return rc == -E2BIG ? ict_errorf(err, rc, "dsice: guided: more than "
                                         "%d parameters have more than one "
                                         "value", ICT__GP_MAX_AXES) : rc;
    long long dp = 0;
    rc = ict_option_int_auto(ctx, &ict_strategy_dsice, "design_points", 1,
                             1000000, &dp, err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        /* with guided: GUIDED_DESIGN whatever the parameters (the model
         * then places the points a larger design would) */
        uint64_t half = ict_space_size(ctx->space) / 2;
        dp = !d->guided_left ? (long long)ict__design_size(ctx->space) :
             half < GUIDED_DESIGN ? (long long)(half ? half : 1) : GUIDED_DESIGN;
    }
    ict__rng_seed(&d->rng, d->o.seed ^ 0x5265737461727473ull);
    long long ns;
    if ((rc = ict_option_int(ctx, &ict_strategy_dsice, "start_samples", 0,
                             1000000, &ns, err)))
        return rc;
    d->base = calloc(d->D ? d->D : 1, sizeof *d->base);
    d->tmp = calloc(d->D ? d->D : 1, sizeof *d->tmp);
    if (!d->base || !d->tmp || (rc = ict_db_new(&d->searched)))
        return -ENOMEM;
    if ((rc = ict__model_init(&d->model, ctx->space)))
        return rc;
    rc = ict__start_point(ctx->space, d->o.start == ICT__START_RANDOM,
                          d->o.seed, ctx->known_feasible, ctx->feasible_ud,
                          d->base);
    if (rc)
        return rc;
    d->base_flat = ict_space_flat(ctx->space, d->base);
    d->base_y = INFINITY;
    d->k = 1;
    if (d->o.start == ICT__START_DESIGN && dp > 1) {
        d->samples = malloc((size_t)dp * sizeof *d->samples);
        if (!d->samples)
            return -ENOMEM;
        if ((rc = ict__design(ctx->space, (size_t)dp - 1, d->o.seed,
                              ctx->known_feasible, ctx->feasible_ud,
                              &d->base_flat, 1, d->samples, &d->nsamples)))
            return rc;
        d->sampling = 1;
    }
    return ns ? draw_samples(d, (size_t)ns) : 0;
}

static void free_lines(dsice_t *d)
{
    for (size_t i = 0; i < d->nlines; i++)
        ict__line_fini(&d->lines[i]);
    free(d->lines);
    d->lines = NULL;
    d->nlines = 0;
    d->round = 0;
}

static void fini(void *priv)
{
    dsice_t *d = priv;
    free_lines(d);
    free(d->base);
    free(d->tmp);
    free(d->buf);
    free(d->samples);
    free(d->score);
    free(d->pool);
    free(d->gidx);
    free(d->gidx4);
    free(d->gflat);
    free(d->gmean);
    ict__model_fini(&d->model);
    ict__gp_fini(&d->gp);
    ict_db_free(d->searched);
}

static int reset_searched(dsice_t *d)
{
    ict_db_free(d->searched);
    d->searched = NULL;
    return ict_db_new(&d->searched);
}

/* With constraints: a model of each constrained metric over the whole
 * space, fitted on every point that reported it (a quadratic when there
 * are enough points, else a plane), gives each new line's unmeasured
 * points a prior slack, one fit's RMS on the optimistic side: a tri point
 * the model says is clearly broken is not measured. */
typedef struct prior {
    ict__qfit_t *q;
    size_t K;
} prior_t;

static void prior_free(prior_t *p)
{
    for (size_t k = 0; p->q && k < p->K; k++)
        ict__qfit_fini(&p->q[k]);
    free(p->q);
    p->q = NULL;
}

static int prior_fit(dsice_t *d, prior_t *p)
{
    const ict_strategy_ctx_t *c = d->ctx;
    p->K = c->config->n_constraints;
    p->q = NULL;
    if (!p->K || !c->constraint_points || p->K > 64)
        return 0;
    const uint64_t *flats;
    const double *vals;
    size_t n = c->constraint_points(c->constraint_ud, &flats, &vals);
    if (n < 2 * (d->D + 1))
        return 0;
    int32_t *pts = malloc(n * d->D * sizeof *pts);
    p->q = calloc(p->K, sizeof *p->q);
    if (!pts || !p->q) {
        free(pts);
        free(p->q);
        p->q = NULL;
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        ict_space_unflat(c->space, flats[i], pts + i * d->D);
    int rc = 0;
    for (size_t k = 0; k < p->K && !rc; k++) {
        int fitted = 0;
        for (int deg = 2; deg >= 1 && !fitted; deg--) {
            ict__qfit_fini(&p->q[k]);
            int e = ict__qfit_init(&p->q[k], c->space, deg, ICT__QFIT_MAX_TERMS);
            if (e == -ENOMEM)
                rc = e;
            else if (!e)
                fitted = ict__qfit_fit(&p->q[k], pts, vals + k, p->K, n, ICT__QFIT_WINDOW) == 0;
        }
    }
    free(pts);
    return rc;
}

/* Constraint k's prior slack at a point: the model's, made optimistic by
 * the fit's RMS error (positive: predicted to hold). */
static double prior_slack(const dsice_t *d, const prior_t *p, size_t k,
                          const int32_t *idx)
{
    const ict_constraint_t *q = &d->ctx->config->constraints[k];
    double v = ict__qfit_at(&p->q[k], idx);
    return ict_constraint_slack(q, v) + p->q[k].rms;
}

static int prior_apply(dsice_t *d, const prior_t *p, ict__line_t *L)
{
    if (!p->q)
        return 0;
    for (size_t i = 0; i < L->n; i++) {
        if (ict_db_get(d->ctx->db, L->flat[i]))
            continue;
        ict_space_unflat(d->ctx->space, L->flat[i], d->tmp);
        for (size_t k = 0; k < p->K; k++) {
            if (!p->q[k].ok)
                continue;
            int rc = ict_ippe_set_prior(L->ippe, i, k, prior_slack(d, p, k, d->tmp));
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* line_order: predicted. Each line's score is the best value the model
 * predicts at its unmeasured points; the lines are sorted by it (stable:
 * ties keep the level-major order). Without a model, nothing changes. */
static int order_lines(dsice_t *d)
{
    const ict_strategy_ctx_t *c = d->ctx;
    int rc = ict__model_fit(&d->model, c->space, c->db);
    if (rc || !d->model.n || d->nlines < 2)
        return rc;
    free(d->score);
    d->score = malloc(d->nlines * sizeof *d->score);
    if (!d->score)
        return -ENOMEM;
    for (size_t i = 0; i < d->nlines; i++) {
        const ict__line_t *L = &d->lines[i];
        double best = INFINITY;
        for (size_t p = 0; p < L->n; p++) {
            if (ict_db_get(c->db, L->flat[p]) ||
                (c->known_feasible && !c->known_feasible(c->feasible_ud, L->flat[p])))
                continue;
            ict_space_unflat(c->space, L->flat[p], d->tmp);
            best = fmin(best, ict__model_at(&d->model, d->tmp));
        }
        d->score[i] = best;
    }
    for (size_t i = 1; i < d->nlines; i++)
        for (size_t j = i; j > 0 && d->score[j - 1] > d->score[j]; j--) {
            ict__line_t t = d->lines[j];
            d->lines[j] = d->lines[j - 1];
            d->lines[j - 1] = t;
            double v = d->score[j];
            d->score[j] = d->score[j - 1];
            d->score[j - 1] = v;
        }
    return 0;
}

/* Lines of levels 1..k through the base, not yet searched from it. */
static int setup_round(dsice_t *d)
{
    int8_t *deltas;
    size_t count;
    int rc = ict__neighbours(d->ctx->space, d->base, d->k, &deltas, &count);
    if (rc)
        return rc;
    d->lines = calloc(count ? count : 1, sizeof *d->lines);
    if (!d->lines) {
        free(deltas);
        return -ENOMEM;
    }
    ict_db_t *seen;
    if ((rc = ict_db_new(&seen))) {
        free(deltas);
        return rc;
    }
    prior_t prior = {NULL, 0};
    if ((rc = prior_fit(d, &prior))) {
        ict_db_free(seen);
        free(deltas);
        return rc;
    }
    size_t maxn = 0;
    for (size_t i = 0; i < count && !rc; i++) {
        int8_t *dir = deltas + i * d->D;
        ict__dir_normalise(dir, d->D);
        uint64_t code = ict__dir_code(dir, d->D);
        if (ict_db_get(d->searched, code) || ict_db_get(seen, code))
            continue;
        ict_db_put(seen, code, 0, 0, 0);
        ict__line_t *L = &d->lines[d->nlines];
        rc = ict__line_build(L, d->ctx->space, d->base, dir, &d->o.ippe);
        if (rc == -ENODATA) {
            rc = 0;
            continue;
        }
        if (rc)
            break;
        d->nlines++;
        if (L->n > maxn)
            maxn = L->n;
        rc = prior_apply(d, &prior, L);
        if (!rc)
            rc = ict__line_sync(L, d->ctx);
    }
    prior_free(&prior);
    ict_db_free(seen);
    free(deltas);
    if (rc)
        return rc;
    free(d->buf);
    d->buf = malloc((maxn ? maxn : 1) * sizeof *d->buf);
    if (!d->buf)
        return -ENOMEM;
    /* Level-major order: the stage interleaves lines of level 1 first. */
    for (size_t i = 1; i < d->nlines; i++)
        for (size_t j = i; j > 0 && d->lines[j - 1].nnz > d->lines[j].nnz; j--) {
            ict__line_t t = d->lines[j];
            d->lines[j] = d->lines[j - 1];
            d->lines[j - 1] = t;
        }
    if (d->predicted && (rc = order_lines(d)))
        return rc;
    d->wave_end = d->wave && d->wave < d->nlines ? d->wave : d->nlines;
    d->round = 1;
    return 0;
}

/* The lines of the wave are finished: move, open the next wave, or
 * escalate. 1 = search over. */
static int end_wave(dsice_t *d)
{
    int rc = 0;
    size_t best_line = SIZE_MAX, best_pos = 0;
    double best_y = d->base_y;
    for (size_t i = 0; i < d->wave_end; i++) {
        if ((rc = ict_db_put(d->searched, d->lines[i].code, 0, 0, 0)) &&
            rc != -EEXIST)
            return rc;
        size_t pos;
        double y;
        if (ict__line_best(&d->lines[i], &pos, &y) == 0 && y < best_y) {
            best_y = y;
            best_line = i;
            best_pos = pos;
        }
    }
    if (best_line != SIZE_MAX) {
        ict__line_t *L = &d->lines[best_line];
        uint64_t code = L->code;
        d->base_flat = L->flat[best_pos];
        d->base_y = best_y;
        ict_space_unflat(d->ctx->space, d->base_flat, d->base);
        free_lines(d);
        if ((rc = reset_searched(d)) || (rc = ict_db_put(d->searched, code, 0, 0, 0)))
            return rc;
        return 0;
    }
    if (d->wave_end < d->nlines) {
        d->wave_end += d->wave;
        if (d->wave_end > d->nlines)
            d->wave_end = d->nlines;
        return 0;
    }
    free_lines(d);
    if (d->k >= d->o.max_level)
        return 1;
    d->k++;
    return 0;
}

static int push_stage(dsice_t *d, ict_stage_t *st)
{
    /* Round-robin over the unfinished lines of the wave, level by level
     * (line_order: predicted: in the predicted order). */
    size_t i = 0;
    while (i < d->wave_end) {
        size_t j = i;
        while (j < d->wave_end && (d->predicted || d->lines[j].nnz == d->lines[i].nnz))
            j++;
        size_t depth = 0;
        for (int more = 1; more; depth++) {
            more = 0;
            for (size_t l = i; l < j; l++) {
                ict__line_t *L = &d->lines[l];
                if (L->finished)
                    continue;
                size_t want, got;
                if (d->full) {
                    got = ict_ippe_unmeasured(L->ippe, d->buf, L->n);
                    want = got;
                } else {
                    got = ict_ippe_suggest(L->ippe, d->buf, L->n);
                    size_t tri = ict_ippe_tri_left(L->ippe);
                    want = tri ? tri : d->per_line;  /* tri points: a batch */
                }
                if (got > want)
                    got = want;
                if (depth < got) {
                    int rc = ict_stage_push(st, L->flat[d->buf[depth]]);
                    if (rc)
                        return rc;
                    more |= depth + 1 < got;
                }
            }
        }
        i = j;
    }
    return 0;
}

/* restart_from: predicted. Of RESTART_POOL seeded random unmeasured
 * points (*f is the first), the quarter farthest from every measured point
 * (a restart is for a region the search has not seen), and of those the
 * one the model predicts best. */
#define RESTART_POOL 256
static int restart_point(dsice_t *d, uint64_t *f)
{
    const ict_strategy_ctx_t *c = d->ctx;
    size_t D = d->D, n = 1;
    uint64_t cand[RESTART_POOL];
    double far[RESTART_POOL];
    cand[0] = *f;
    while (n < RESTART_POOL &&
           !ict__random_point(c->space, &d->rng, c->known_feasible,
                              c->feasible_ud, c->db, &cand[n]))
        n++;
    int rc = ict__model_fit(&d->model, c->space, c->db);
    double *x = malloc(n * (D ? D : 1) * sizeof *x), *m = malloc((D ? D : 1) * sizeof *m);
    if (rc || !x || !m) {
        free(x);
        free(m);
        return rc ? rc : -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        ict__scaled(c->space, cand[i], d->tmp, x + i * D);
        far[i] = INFINITY;
    }
    size_t it = 0;
    for (const ict_db_entry_t *e; (e = ict_db_iter(c->db, &it));) {
        ict__scaled(c->space, e->flat, d->tmp, m);
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t a = 0; a < D; a++)
                s += (x[i * D + a] - m[a]) * (x[i * D + a] - m[a]);
            far[i] = fmin(far[i], s);
        }
    }
    /* the distance of the quarter's nearest: the n/4-th largest */
    size_t keep = n / 4 ? n / 4 : 1;
    double cut = -1;
    for (size_t i = 0; i < n; i++) {
        size_t above = 0;
        for (size_t j = 0; j < n; j++)
            above += far[j] > far[i];
        if (above < keep && (cut < 0 || far[i] < cut))
            cut = far[i];
    }
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (far[i] < cut)
            continue;
        ict_space_unflat(c->space, cand[i], d->tmp);
        double v = d->model.n ? ict__model_at(&d->model, d->tmp) : 0;
        if (v < best) {
            best = v;
            *f = cand[i];
        }
    }
    free(x);
    free(m);
    return 0;
}

/* A new base at a random unmeasured point, level 1, nothing searched from
 * it. 1: no such point is left (the search is over); < 0: an error. */
static int restart(dsice_t *d)
{
    const ict_strategy_ctx_t *c = d->ctx;
    uint64_t f;
    if (ict__random_point(c->space, &d->rng, c->known_feasible,
                          c->feasible_ud, c->db, &f))
        return 1;
    int rc = 0;
    if (d->restart_predicted && (rc = restart_point(d, &f)))
        return rc;
    if ((rc = reset_searched(d)))
        return rc;
    d->restarts_left--;
    d->base_flat = f;
    ict_space_unflat(c->space, f, d->base);
    d->base_y = INFINITY;
    d->k = 1;
    return 0;
}

/* guided: the candidates of a step are every unmeasured point of a space
 * of at most GUIDED_ALL points; else GUIDED_POOL seeded random ones and
 * every point of the axis lines through the GUIDED_NEAR best results (the
 * model's best is often next to them). */
#define GUIDED_ALL 4096
#define GUIDED_POOL 3072
#define GUIDED_NEAR 3

/* What the results so far are, as one number: the same results (in any
 * order) give the same key. */
static uint64_t results_key(const ict_db_t *db, uint64_t step)
{
    uint64_t key = 0, bits;
    size_t it = 0;
    for (const ict_db_entry_t *e; (e = ict_db_iter(db, &it));) {
        memcpy(&bits, &e->y, sizeof bits);
        key += ict__mix64(e->flat ^ ict__mix64(bits ^ ((uint64_t)e->valid << 8 ^
                                             (uint64_t)e->status)));
    }
    return ict__mix64(key ^ ict__mix64(step ^ 0x4775696465642121ull));
}

static int pool_push(dsice_t *d, size_t *n, size_t *cap, uint64_t f)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        uint64_t *p = realloc(d->pool, c * sizeof *p);
        if (!p)
            return -ENOMEM;
        d->pool = p;
        *cap = c;
    }
    d->pool[(*n)++] = f;
    return 0;
}

/* A candidate: not measured, and not known infeasible. */
static int open_point(const ict_strategy_ctx_t *c, uint64_t f)
{
    return !ict_db_get(c->db, f) &&
           (!c->known_feasible || c->known_feasible(c->feasible_ud, f));
}

static int guided_pool(dsice_t *d, size_t *np)
{
    const ict_strategy_ctx_t *c = d->ctx;
    uint64_t size = ict_space_size(c->space);
    size_t n = 0, cap = 0;
    int rc = 0;
    *np = 0;
    if (size <= GUIDED_ALL) {
        for (uint64_t f = 0; f < size && !rc; f++)
            if (open_point(c, f))
                rc = pool_push(d, &n, &cap, f);
        *np = n;
        return rc;
    }
    ict__rng_t r;
    ict__rng_seed(&r, d->o.seed ^ ict__mix64(d->guided_step ^ 0x506f6f6cull));
    uint64_t f;
    for (size_t i = 0; i < GUIDED_POOL && !rc; i++) {
        if (ict__random_point(c->space, &r, c->known_feasible, c->feasible_ud,
                              c->db, &f))
            break;
        rc = pool_push(d, &n, &cap, f);
    }
    /* the GUIDED_NEAR best valid results (ties: the lower flat) */
    const ict_db_entry_t *top[GUIDED_NEAR] = {NULL};
    size_t it = 0;
    for (const ict_db_entry_t *e; (e = ict_db_iter(c->db, &it));) {
        if (!e->valid || !isfinite(e->y))
            continue;
        for (size_t k = 0; k < GUIDED_NEAR; k++)
            if (!top[k] || e->y < top[k]->y ||
                (e->y == top[k]->y && e->flat < top[k]->flat)) {
                memmove(top + k + 1, top + k, (GUIDED_NEAR - 1 - k) * sizeof *top);
                top[k] = e;
                break;
            }
    }
    for (size_t k = 0; k < GUIDED_NEAR && top[k] && !rc; k++)
        for (size_t a = 0; a < d->D && !rc; a++) {
            ict_space_unflat(c->space, top[k]->flat, d->gidx);
            for (size_t v = 0; v < ict_space_count(c->space, a) && !rc; v++) {
                d->gidx[a] = (int32_t)v;
                f = ict_space_flat(c->space, d->gidx);
                if (open_point(c, f))
                    rc = pool_push(d, &n, &cap, f);
            }
        }
    *np = n;
    return rc;
}

/* With constraints: keep of the candidates those the models of the
 * constrained metrics (prior_fit) do not clearly predict broken, as the
 * lines' tri points (when none is kept, all stay). */
static int guided_feasible(dsice_t *d, size_t *np)
{
    prior_t p = {NULL, 0};
    int rc = prior_fit(d, &p);
    if (rc || !p.q)
        return rc;
    size_t keep = 0;
    for (size_t i = 0; i < *np; i++) {
        ict_space_unflat(d->ctx->space, d->pool[i], d->gidx);
        int ok = 1;
        for (size_t k = 0; k < p.K && ok; k++) {
            if (!p.q[k].ok)
                continue;
            ok = prior_slack(d, &p, k, d->gidx) >= 0;
        }
        if (ok) {
            uint64_t t = d->pool[keep];
            d->pool[keep++] = d->pool[i];
            d->pool[i] = t;
        }
    }
    if (keep)
        *np = keep;
    prior_free(&p);
    return 0;
}

/* The next guided stage: batch points, each of the candidates with the
 * largest expected improvement (ties: the earlier) while the ones chosen
 * before it in the stage are pending at the model's mean (a seeded random
 * point without a model). 1: there is none (nothing unmeasured, or nothing
 * is expected to improve). The choice is kept in ctx->memo under the
 * results it was made from: the count, then each point and its mean. */
static int guided_stage(dsice_t *d)
{
    const ict_strategy_ctx_t *c = d->ctx;
    uint64_t key = results_key(c->db, d->guided_step);
    const ict_db_entry_t *e = ict_db_get(c->memo, key);
    d->nguided = 0;
    if (e && e->valid && e->y >= 1 && e->y <= (double)d->batch) {
        size_t n = (size_t)e->y, j;
        for (j = 0; j < n; j++) {
            const ict_db_entry_t *f = ict_db_get(c->memo, ict__mix64(key ^ (2 * j + 1)));
            const ict_db_entry_t *m = ict_db_get(c->memo, ict__mix64(key ^ (2 * j + 2)));
            if (!f || !m || ict_db_get(c->db, (uint64_t)f->y))
                break;
            d->gflat[j] = (uint64_t)f->y;
            d->gmean[j] = m->y;
        }
        if (j == n) {
            d->nguided = n;
            return 0;
        }
    }
    int rc = ict__gp_fit(&d->gp, c->space, c->db, d->batch);
    size_t n = 0;
    if (rc || (rc = guided_pool(d, &n)) || (rc = guided_feasible(d, &n)))
        return rc;
    ict__rng_t r;
    ict__rng_seed(&r, d->o.seed ^ ict__mix64(d->guided_step ^ 0x52616e64ull));
    /* each candidate's state, so that a pending point costs a row */
    size_t ld = d->gp.n ? d->gp.ld : 1;
    double *v = d->gp.n && d->batch > 1 ? malloc(n * ld * sizeof *v) : NULL;
    ict__gp_cand_t *cs = v ? calloc(n, sizeof *cs) : NULL;
    if (d->gp.n && d->batch > 1 && (!v || !cs)) {
        free(v);
        free(cs);
        return -ENOMEM;
    }
    while (d->nguided < d->batch && n) {
        double best = 0, bm = NAN;
        size_t arg = SIZE_MAX;
        if (!d->gp.n) {
            arg = (size_t)ict__rng_below(&r, n);
        } else {
            size_t i = 0;
            /* four at a time (the same values as one at a time), taken in
             * order so that ties go to the same candidate */
            for (; cs && i + 4 <= n; i += 4) {
                double ei[4], m[4];
                const int32_t *ix[4];
                double *vq[4];
                ict__gp_cand_t *cq[4];
                for (int q = 0; q < 4; q++) {
                    ict_space_unflat(c->space, d->pool[i + q], d->gidx4 + q * d->D);
                    ix[q] = d->gidx4 + q * d->D;
                    vq[q] = v + (i + q) * ld;
                    cq[q] = &cs[i + q];
                }
                ict__gp_cand_ei4(&d->gp, ix, vq, cq, ei, m);
                for (int q = 0; q < 4; q++)
                    if (ei[q] > best) {
                        best = ei[q];
                        bm = m[q];
                        arg = i + q;
                    }
            }
            for (; i < n; i++) {
                double m;
                ict_space_unflat(c->space, d->pool[i], d->gidx);
                double ei = cs ? ict__gp_cand_ei(&d->gp, d->gidx, v + i * ld, &cs[i], &m)
                               : ict__gp_ei(&d->gp, d->gidx, &m);
                if (ei > best) {
                    best = ei;
                    bm = m;
                    arg = i;
                }
            }
            if (arg == SIZE_MAX)
                break;
        }
        uint64_t f = d->pool[arg];
        d->gflat[d->nguided] = f;
        d->gmean[d->nguided++] = bm;
        /* not a candidate again (the pool may hold it more than once) */
        for (size_t i = 0; i < n;)
            if (d->pool[i] == f) {
                d->pool[i] = d->pool[--n];
                if (cs) {
                    cs[i] = cs[n];
                    memcpy(v + i * ld, v + n * ld, cs[i].nv * sizeof *v);
                }
            } else {
                i++;
            }
        ict_space_unflat(c->space, f, d->gidx);
        if (d->gp.n && (rc = ict__gp_pending(&d->gp, d->gidx)))
            break;
    }
    free(v);
    free(cs);
    if (rc)
        return rc;
    if (!d->nguided)
        return 1;
    int big = 0;
    for (size_t j = 0; j < d->nguided; j++)
        big |= d->gflat[j] >= ((uint64_t)1 << 53);
    if (big)
        return 0;               /* not kept: a double holds it inexactly */
    for (size_t j = 0; j < d->nguided && !rc; j++)
        if (!(rc = ict_db_put(c->memo, ict__mix64(key ^ (2 * j + 1)), 1,
                              (double)d->gflat[j], 0)))
            rc = ict_db_put(c->memo, ict__mix64(key ^ (2 * j + 2)), 1, d->gmean[j], 0);
    if (!rc)
        rc = ict_db_put(c->memo, key, 1, (double)d->nguided, 0);
    return rc == -EEXIST ? 0 : rc;
}

static int next(void *priv, ict_stage_t *st, ict_error_t *err)
{
    dsice_t *d = priv;
    const ict_db_t *db = d->ctx->db;
    if (d->phase == 0) {
        const ict_db_entry_t *e = ict_db_get(db, d->base_flat);
        int rc = 0;
        d->phase = 1;
        st->level = 0;
        if (!e)
            rc = ict_stage_push(st, d->base_flat);
        for (size_t i = 0; i < d->nsamples && !rc; i++)
            if (!ict_db_get(db, d->samples[i]))
                rc = ict_stage_push(st, d->samples[i]);
        if (rc || st->n)
            return rc;
        pick_start(d);
    }
    if (d->phase == 2)
        return 1;
    if (d->guided_left > 0) {
        /* the guided beginning: batch points a stage */
        int rc = guided_stage(d);
        if (rc < 0)
            return ict_errorf(err, rc, "dsice: guided: cannot choose the "
                              "points of a stage");
        if (rc == 0) {
            if ((long long)d->nguided > d->guided_left)
                d->nguided = (size_t)d->guided_left;
            d->guided_left -= (long long)d->nguided;
            d->guided_step++;
            d->guiding = 1;
            st->level = 0;
            for (size_t j = 0; j < d->nguided && !rc; j++)
                rc = ict_stage_push(st, d->gflat[j]);
            return rc;
        }
        d->guided_left = 0;
    }
    if (d->guiding) {
        /* the lines start from the best result */
        const ict_db_entry_t *b = ict_db_best(db);
        d->guiding = 0;
        if (b && b->y < d->base_y) {
            d->base_y = b->y;
            d->base_flat = b->flat;
            ict_space_unflat(d->ctx->space, d->base_flat, d->base);
        }
    }
    if (d->stall && d->restarts_left) {
        /* a long run without a better result: start again elsewhere */
        const ict_db_entry_t *b = ict_db_best(db);
        size_t n = ict_db_count(db);
        if (b && b->y < d->stall_best) {
            d->stall_best = b->y;
            d->stall_at = n;
        } else if (n >= d->stall_at + (size_t)d->stall) {
            d->stall_at = n;
            int rc = restart(d);
            if (rc < 0)
                return ict_errorf(err, rc, "dsice: cannot restart");
            if (rc == 0) {
                free_lines(d);          /* the old base's lines end here */
                st->level = 0;
                return ict_stage_push(st, d->base_flat);
            }
        }
    }
    for (;;) {
        int rc;
        if (!d->round && (rc = setup_round(d)))
            return ict_errorf(err, rc, "dsice: cannot set up the lines of "
                              "level %d", d->k);
        int open = 0;
        for (size_t i = 0; i < d->wave_end; i++)
            open |= !d->lines[i].finished;
        if (open) {
            st->level = d->k;
            if ((rc = push_stage(d, st)))
                return rc;
            if (st->n)
                return 0;
        }
        rc = end_wave(d);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            rc = d->restarts_left ? restart(d) : 1;
            if (rc < 0)
                return ict_errorf(err, rc, "dsice: cannot restart");
            if (rc == 1) {
                d->phase = 2;
                return 1;
            }
            st->level = 0;
            return ict_stage_push(st, d->base_flat);
        }
    }
}

static int observe(void *priv, const ict_stage_t *st, ict_error_t *err)
{
    dsice_t *d = priv;
    (void)st;
    (void)err;
    if (d->phase == 1 && !d->round) {
        const ict_db_entry_t *e = ict_db_get(d->ctx->db, d->base_flat);
        if (d->sampling || !d->started)
            pick_start(d);
        else if (e)
            d->base_y = e->valid ? e->y : INFINITY;
        return 0;
    }
    for (size_t i = 0; i < d->nlines; i++) {
        if (d->lines[i].finished)
            continue;
        int rc = ict__line_sync(&d->lines[i], d->ctx);
        if (rc)
            return rc;
    }
    return 0;
}

static int base(const void *priv, uint64_t *flat, double *y)
{
    const dsice_t *d = priv;
    *flat = d->base_flat;
    *y = d->base_y;
    return 0;
}

/* A point of an open line: the line's d-Spline estimate there. */
static int predict(const void *priv, uint64_t flat, double *y)
{
    const dsice_t *d = priv;
    for (size_t j = 0; d->guiding && j < d->nguided; j++)
        if (d->gflat[j] == flat) {
            *y = d->gmean[j];
            return isfinite(*y) ? 0 : -ENOENT;
        }
    for (size_t i = 0; i < d->nlines; i++) {
        const ict__line_t *L = &d->lines[i];
        for (size_t p = 0; p < L->n; p++)
            if (L->flat[p] == flat)
                return ict_ippe_estimate(L->ippe, p, y) ? -ENOENT : 0;
    }
    return -ENOENT;
}

const ict_strategy_t ict_strategy_dsice = {
    .abi = ICT_STRATEGY_ABI,
    .name = "dsice",
    .help = "DSICE, level-wise parallel: all lines of a level through the "
            "base at once, each searched with IPPE",
    .priv_size = sizeof(dsice_t),
    .options = options,
    .legacy = legacy,
    .init = init,
    .next = next,
    .observe = observe,
    .fini = fini,
    .base = base,
    .predict = predict,
};
