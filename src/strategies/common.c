/* common.c - the DSICE options shared by dsice and dsice-seq. */
#include "common.h"

#include <errno.h>
#include <string.h>

#include "lines.h"

int ict__dsice_opts(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                    int design, ict__dsice_opts_t *o, ict_error_t *err)
{
    long long v;
    int rc, choice;
    const ict_option_t *a = ict_config_option(ctx->config, "alpha");
    o->ippe.abic = a && !strcmp(a->value, "abic");
    o->ippe.alpha = 0.1;
    if (!o->ippe.abic &&
        (rc = ict_option_double(ctx, s, "alpha", 1e-10, 1e10, &o->ippe.alpha,
                                err)))
        return rc;
    if ((rc = ict_option_int(ctx, s, "markers", 0, 16, &v, err)))
        return rc;
    o->ippe.markers = (int)v;
    if ((rc = ict_option_int(ctx, s, "max_points", 2, 1000000, &v, err)))
        return rc;
    o->ippe.max_points = (int)v;
    if ((rc = ict_option_int(ctx, s, "confirm", 1, 1000000, &v, err)))
        return rc;
    o->ippe.confirm = (int)v;
    /* each constraint on a metric gets a d-Spline of its own on the line */
    o->ippe.ncons = ctx->config->n_constraints <= 64 ? ctx->config->n_constraints : 0;
    if ((rc = ict_option_choice(ctx, s, "start", design ? "centre|random|"
                                "design|center" : "centre|random|center",
                                &choice, err)))
        return rc;
    o->start = choice == 1 ? ICT__START_RANDOM : choice == 2 && design ?
               ICT__START_DESIGN : ICT__START_CENTRE;
    if ((rc = ict_option_int(ctx, s, "seed", 0, (long long)1 << 62, &v, err)))
        return rc;
    o->seed = (unsigned long long)v;
    int nv = ict__var_axes(ctx->space);
    if ((rc = ict_option_int(ctx, s, "max_level", 0, nv > 0 ? nv : 0, &v,
                             err)))
        return rc;
    o->max_level = v ? (int)v : nv;
    if (nv > ICT__MAX_VAR_AXES)
        return ict_errorf(err, -E2BIG, "strategy %s: %d parameters have more "
                          "than one value; expected at most %d", s->name, nv,
                          ICT__MAX_VAR_AXES);
    return 0;
}
