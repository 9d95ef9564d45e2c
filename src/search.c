/* search.c - the driver: stages from the strategy, results from anywhere.
 *
 * Results of a stage are buffered and committed to the database in the
 * stage's order once the stage is complete, so even tie-breaking ("the
 * earliest best") is independent of arrival order. */
#include "ictune/search.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/strategy.h"

typedef struct slot {
    uint64_t flat;
    uint64_t id;
    int run;            /* 1: to evaluate; 0: excluded (known before running) */
    int reported;
    int status;
    double value;
    int has_cons;
} slot_t;

struct ict_search {
    const ict_config_t *cfg;
    const ict_strategy_t *strat;
    void *priv;
    ict_strategy_ctx_t ctx;
    ict_db_t *db;
    ict_db_t *own_memo;         /* ctx.memo when the caller gave none */
    ict_stage_t st;             /* as the strategy proposed it */
    slot_t *slots;
    size_t nslots, cap;
    size_t *run_idx;            /* positions of the points to run */
    size_t nrun, nreported;
    size_t *hash;               /* stage position + 1 by flat, open addr. */
    size_t hcap;
    int level;
    size_t K;                   /* constraints */
    double *scons;              /* the stage's: K per slot */
    size_t scons_cap;
    ict_db_t *cmap;             /* flat -> index into cvals */
    double *cvals;
    uint64_t *cflat;
    size_t ncv, cvcap;
    int (*user_feasible)(void *ud, uint64_t flat);  /* a table's, or NULL */
    void *user_ud;
    int32_t *ridx;              /* a point's indices, for the restrictions */
    int initial_done;           /* the config's initial points were asked */
    int own_stage;              /* the current stage is the driver's */
    int last_stage;             /* truncated by the budget */
    int done;
    ict_search_stats_t stats;
};

static const char *const status_names[ICT_STATUS_COUNT] = {
#define ICT_STATUS_NAME(n) #n,
    ICT_STATUS_LIST(ICT_STATUS_NAME)
#undef ICT_STATUS_NAME
};

const char *ict_status_name(int s)
{
    return s >= 0 && s < ICT_STATUS_COUNT ? status_names[s] : "UNKNOWN";
}

static int seed(ict_search_t *s, const ict_search_seed_t *sd);
static int add_cons(ict_search_t *s, uint64_t flat, const double *cons);

static const double *cons_of(const void *ud, uint64_t flat)
{
    const ict_search_t *s = ud;
    const ict_db_entry_t *e = s->cmap ? ict_db_get(s->cmap, flat) : NULL;
    return e ? s->cvals + (size_t)e->y * s->K : NULL;
}

static size_t cons_points(const void *ud, const uint64_t **flats,
                          const double **values)
{
    const ict_search_t *s = ud;
    *flats = s->cflat;
    *values = s->cvals;
    return s->ncv;
}

/* Known before running: the config's restrictions hold, and the table
 * (simulate) has the point. */
static int restricted_feasible(void *ud, uint64_t flat)
{
    ict_search_t *s = ud;
    ict_space_unflat(s->cfg->space, flat, s->ridx);
    if (!ict_config_point_valid(s->cfg, s->ridx))
        return 0;
    return !s->user_feasible || s->user_feasible(s->user_ud, flat);
}

const double *ict_search_constraint_values(const ict_search_t *s, uint64_t flat)
{
    return cons_of(s, flat);
}

int ict_search_new(ict_search_t **out, const ict_config_t *c,
                   const ict_search_opts_t *opts, ict_error_t *err)
{
    int rc0 = ict_strategy_check_keys(c, err);
    if (rc0)
        return rc0;
    const ict_strategy_t *st = ict_strategy_find(c->strategy);
    ict_search_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->cfg = c;
    s->strat = st;
    int rc = ict_db_new(&s->db);
    if (rc) {
        free(s);
        return rc;
    }
    s->priv = calloc(1, st->priv_size ? st->priv_size : 1);
    if (!s->priv) {
        ict_search_free(s);
        return -ENOMEM;
    }
    s->ctx.space = c->space;
    s->ctx.config = c;
    s->ctx.db = s->db;
    s->K = c->n_constraints;
    if (s->K) {
        if ((rc = ict_db_new(&s->cmap))) {
            ict_search_free(s);
            return rc;
        }
        s->ctx.constraint_values = cons_of;
        s->ctx.constraint_points = cons_points;
        s->ctx.constraint_ud = s;
    }
    if (opts) {
        s->ctx.known_feasible = opts->known_feasible;
        s->ctx.feasible_ud = opts->feasible_ud;
        s->ctx.memo = opts->memo;
    }
    if (!s->ctx.memo) {
        if ((rc = ict_db_new(&s->own_memo))) {
            ict_search_free(s);
            return rc;
        }
        s->ctx.memo = s->own_memo;
    }
    if (c->n_restrictions) {
        s->user_feasible = s->ctx.known_feasible;
        s->user_ud = s->ctx.feasible_ud;
        s->ridx = calloc(ict_space_dims(c->space) + 1, sizeof *s->ridx);
        if (!s->ridx) {
            ict_search_free(s);
            return -ENOMEM;
        }
        s->ctx.known_feasible = restricted_feasible;
        s->ctx.feasible_ud = s;
    }
    rc = st->init(s->priv, &s->ctx, err);
    if (rc) {
        if (st->fini)
            st->fini(s->priv);
        free(s->priv);
        s->priv = NULL;
        ict_search_free(s);
        return rc;
    }
    for (size_t i = 0; opts && i < opts->nseeds && !rc; i++)
        rc = seed(s, &opts->seeds[i]);
    if (rc) {
        ict_search_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* A result measured elsewhere, into the database before the start. */
static int seed(ict_search_t *s, const ict_search_seed_t *sd)
{
    uint64_t f = sd->flat;
    if (f >= ict_space_size(s->cfg->space) || ict_db_get(s->db, f) ||
        (s->ctx.known_feasible && !s->ctx.known_feasible(s->ctx.feasible_ud, f)))
        return 0;
    int valid = sd->status == ICT_STATUS_OK && isfinite(sd->value);
    double y = s->cfg->goal == ICT_MAXIMIZE ? -sd->value : sd->value;
    int rc = ict_db_put(s->db, f, valid, y, sd->status);
    if (!rc && sd->cons && s->K)
        rc = add_cons(s, f, sd->cons);
    s->stats.seeded += !rc;
    return rc;
}

void ict_search_free(ict_search_t *s)
{
    if (!s)
        return;
    if (s->priv && s->strat->fini)
        s->strat->fini(s->priv);
    free(s->priv);
    ict_db_free(s->db);
    ict_db_free(s->own_memo);
    free(s->st.points);
    free(s->slots);
    free(s->run_idx);
    free(s->hash);
    free(s->scons);
    ict_db_free(s->cmap);
    free(s->cvals);
    free(s->cflat);
    free(s->ridx);
    free(s);
}

static size_t hslot(const ict_search_t *s, uint64_t flat)
{
    uint64_t h = flat * 0x9e3779b97f4a7c15ull;
    size_t mask = s->hcap - 1, i = (size_t)(h >> 20) & mask;
    while (s->hash[i] && s->slots[s->hash[i] - 1].flat != flat)
        i = (i + 1) & mask;
    return i;
}

/* Lay out the strategy's stage: check the contract, split off the points
 * known infeasible, apply the budget. */
static int build(ict_search_t *s, ict_error_t *err)
{
    size_t n = s->st.n;
    if (n > s->cap) {
        slot_t *ns = realloc(s->slots, n * sizeof *ns);
        size_t *nr = realloc(s->run_idx, n * sizeof *nr);
        if (ns)
            s->slots = ns;
        if (nr)
            s->run_idx = nr;
        if (!ns || !nr)
            return -ENOMEM;
        s->cap = n;
    }
    if (s->K && n > s->scons_cap) {
        double *nc = realloc(s->scons, n * s->K * sizeof *nc);
        if (!nc)
            return -ENOMEM;
        s->scons = nc;
        s->scons_cap = n;
    }
    size_t hcap = 16;
    while (hcap < 2 * n)
        hcap *= 2;
    if (hcap > s->hcap) {
        free(s->hash);
        s->hash = malloc(hcap * sizeof *s->hash);
        if (!s->hash) {
            s->hcap = 0;
            return -ENOMEM;
        }
        s->hcap = hcap;
    }
    memset(s->hash, 0, s->hcap * sizeof *s->hash);
    uint64_t size = ict_space_size(s->cfg->space);
    s->nslots = 0;
    s->nrun = s->nreported = 0;
    uint64_t left = s->cfg->max_evaluations
                        ? (uint64_t)s->cfg->max_evaluations - s->stats.evaluations
                        : UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        uint64_t f = s->st.points[i];
        if (f >= size)
            return ict_errorf(err, -EPROTO, "strategy %s proposed point %llu "
                              "outside the space of %llu points",
                              s->strat->name, (unsigned long long)f,
                              (unsigned long long)size);
        if (ict_db_get(s->db, f))
            return ict_errorf(err, -EPROTO, "strategy %s proposed point %llu, "
                              "which already has a final result",
                              s->strat->name, (unsigned long long)f);
        size_t h = hslot(s, f);
        if (s->hash[h])
            return ict_errorf(err, -EPROTO, "strategy %s proposed point %llu "
                              "twice in one stage", s->strat->name,
                              (unsigned long long)f);
        int run = !s->ctx.known_feasible ||
                  s->ctx.known_feasible(s->ctx.feasible_ud, f);
        if (run && s->nrun >= left) {
            s->last_stage = 1;      /* budget: the rest is never run */
            break;
        }
        slot_t *sl = &s->slots[s->nslots];
        *sl = (slot_t){f, 0, run, !run, ICT_STATUS_SKIPPED, NAN, 0};
        if (run) {
            sl->id = s->stats.evaluations + s->nrun;
            s->run_idx[s->nrun++] = s->nslots;
        } else {
            s->nreported++;
        }
        s->hash[h] = ++s->nslots;
    }
    if (s->nrun == left && left != UINT64_MAX)
        s->last_stage = 1;
    return 0;
}

/* The constrained metrics' values of a point with a final result. */
static int add_cons(ict_search_t *s, uint64_t flat, const double *cons)
{
    if (s->ncv == s->cvcap) {
        size_t cap = s->cvcap ? 2 * s->cvcap : 64;
        double *nv = realloc(s->cvals, cap * s->K * sizeof *nv);
        if (!nv)
            return -ENOMEM;
        s->cvals = nv;
        uint64_t *nf = realloc(s->cflat, cap * sizeof *nf);
        if (!nf)
            return -ENOMEM;
        s->cflat = nf;
        s->cvcap = cap;
    }
    memcpy(s->cvals + s->ncv * s->K, cons, s->K * sizeof *s->cvals);
    s->cflat[s->ncv] = flat;
    return ict_db_put(s->cmap, flat, 1, (double)s->ncv++, 0);
}

/* Commit a complete stage in its own order, then let the strategy see it. */
static int commit(ict_search_t *s, ict_error_t *err)
{
    int goal_max = s->cfg->goal == ICT_MAXIMIZE;
    for (size_t i = 0; i < s->nslots; i++) {
        slot_t *sl = &s->slots[i];
        int valid = sl->status == ICT_STATUS_OK && isfinite(sl->value);
        double y = goal_max ? -sl->value : sl->value;
        int rc = ict_db_put(s->db, sl->flat, valid, y, sl->status);
        if (rc)
            return rc;
        if (sl->has_cons && (rc = add_cons(s, sl->flat, s->scons + i * s->K)))
            return rc;
        if (sl->run) {
            s->stats.evaluations++;
            s->stats.invalid += !valid;
            s->stats.infeasible += sl->status == ICT_STATUS_INFEASIBLE;
        } else {
            s->stats.skipped++;
        }
    }
    if (s->nrun)
        s->stats.stages++;
    if (s->last_stage) {
        s->done = 1;
        s->stats.budget_reached = 1;
        return 0;
    }
    /* The strategy's stage may be longer than what was laid out only when
     * the budget cut it, handled above. The driver's own stage (the
     * initial points) is not the strategy's to observe. */
    if (s->own_stage)
        return 0;
    return s->strat->observe ? s->strat->observe(s->priv, &s->st, err) : 0;
}

int ict_search_next(ict_search_t *s, ict_error_t *err)
{
    if (s->nslots && s->nreported < s->nslots)
        return ict_errorf(err, -EBUSY, "the current stage has %zu points "
                          "without a result", s->nslots - s->nreported);
    for (;;) {
        if (s->done)
            return 1;
        if (s->cfg->max_evaluations &&
            s->stats.evaluations >= (uint64_t)s->cfg->max_evaluations) {
            s->done = 1;
            s->stats.budget_reached = 1;
            return 1;
        }
        s->st.n = 0;
        s->st.level = 0;
        s->nslots = 0;
        int rc = 0;
        s->own_stage = !s->initial_done;
        if (!s->initial_done) {
            /* the config's initial points, those not known already */
            s->initial_done = 1;
            const ict_config_t *c = s->cfg;
            for (size_t i = 0; i < c->n_initial && !rc; i++) {
                uint64_t f = c->initial[i];
                int dup = ict_db_get(s->db, f) != NULL;
                for (size_t j = 0; j < s->st.n && !dup; j++)
                    dup = s->st.points[j] == f;
                if (!dup)
                    rc = ict_stage_push(&s->st, f);
            }
            if (rc)
                return rc;
            if (!s->st.n)
                continue;
        } else {
            rc = s->strat->next(s->priv, &s->st, err);
            if (rc < 0)
                return rc;
            if (rc == 1 || s->st.n == 0) {
                s->done = 1;
                return 1;
            }
        }
        s->level = s->st.level;
        if ((rc = build(s, err)))
            return rc;
        if (s->nrun > 0)
            return 0;
        /* Nothing to run: every point was excluded. */
        if ((rc = commit(s, err)))
            return rc;
        s->nslots = 0;
    }
}

size_t ict_search_stage_size(const ict_search_t *s) { return s->nrun; }

uint64_t ict_search_stage_point(const ict_search_t *s, size_t i)
{
    return s->slots[s->run_idx[i]].flat;
}

uint64_t ict_search_stage_id(const ict_search_t *s, size_t i)
{
    return s->slots[s->run_idx[i]].id;
}

int ict_search_stage_level(const ict_search_t *s) { return s->level; }
long ict_search_stage_no(const ict_search_t *s) { return s->stats.stages + 1; }

int ict_search_report(ict_search_t *s, uint64_t flat, ict_status_t status,
                      double value, ict_error_t *err)
{
    return ict_search_report_cons(s, flat, status, value, NULL, err);
}

int ict_search_report_cons(ict_search_t *s, uint64_t flat, ict_status_t status,
                           double value, const double *cons, ict_error_t *err)
{
    if (!s->hcap || !s->nslots)
        return ict_errorf(err, -EINVAL, "a result for point %llu, but no "
                          "stage is running", (unsigned long long)flat);
    size_t h = hslot(s, flat);
    if (!s->hash[h] || !s->slots[s->hash[h] - 1].run)
        return ict_errorf(err, -EINVAL, "a result for point %llu, which is "
                          "not in the current stage",
                          (unsigned long long)flat);
    slot_t *sl = &s->slots[s->hash[h] - 1];
    if (sl->reported)
        return ict_errorf(err, -EALREADY, "a second result for point %llu",
                          (unsigned long long)flat);
    if ((int)status < 0 || status >= ICT_STATUS_COUNT ||
        status == ICT_STATUS_INTERRUPTED)
        return ict_errorf(err, -EINVAL, "status %d is not an outcome",
                          (int)status);
    sl->reported = 1;
    sl->status = status;
    sl->value = value;
    if (cons && s->K) {
        memcpy(s->scons + (size_t)(sl - s->slots) * s->K, cons, s->K * sizeof *cons);
        sl->has_cons = 1;
    }
    if (++s->nreported == s->nslots) {
        int rc = commit(s, err);
        if (rc)
            return rc;
    }
    return 0;
}

int ict_search_stage_complete(const ict_search_t *s)
{
    return s->nreported == s->nslots;
}

int ict_search_best(const ict_search_t *s, uint64_t *flat, double *value)
{
    const ict_db_entry_t *e = ict_db_best(s->db);
    if (!e)
        return -ENOENT;
    if (flat)
        *flat = e->flat;
    if (value)
        *value = s->cfg->goal == ICT_MAXIMIZE ? -e->y : e->y;
    return 0;
}

void ict_search_stats(const ict_search_t *s, ict_search_stats_t *out)
{
    *out = s->stats;
}

int ict_search_base(const ict_search_t *s, uint64_t *flat, double *value)
{
    double y;
    if (!s->strat->base || s->strat->base(s->priv, flat, &y))
        return -ENOENT;
    *value = s->cfg->goal == ICT_MAXIMIZE ? -y : y;
    return 0;
}

const ict_db_t *ict_search_db(const ict_search_t *s) { return s->db; }
const ict_space_t *ict_search_space(const ict_search_t *s) { return s->cfg->space; }

int ict_search_predict(const ict_search_t *s, uint64_t flat, double *value)
{
    double y;
    if (!s->strat->predict || s->strat->predict(s->priv, flat, &y) ||
        !isfinite(y))
        return -ENOENT;
    *value = s->cfg->goal == ICT_MAXIMIZE ? -y : y;
    return 0;
}
