/* common.h - option parsing shared by the DSICE strategies (internal). */
#ifndef ICT_STRATEGIES_COMMON_H
#define ICT_STRATEGIES_COMMON_H

#include "ictune/ippe.h"
#include "ictune/strategy.h"

/* The options every DSICE strategy takes, in option-table form. */
#define ICT__DSICE_OPTIONS \
    {"alpha", "0.1", "d-Spline smoothing weight (> 0), or 'abic' to choose " \
                     "it per fit by ABIC"}, \
    {"markers", "2", "interpolated d-Spline markers between two samples"}, \
    {"max_points", "30", "a line stops after this many measured points"}, \
    {"confirm", "3", "a line stops when its estimated best held for this " \
                     "many added samples"}, \
    {"start", "centre", "centre (nearest feasible point to it) or random"}, \
    {"seed", "1", "seed of start: random"}, \
    {"max_level", "0", "highest number of parameters changing at once " \
                       "(0: all)"}, \
    ICT_SPECULATION_OPTIONS

typedef struct ict__dsice_opts {
    ict_ippe_params_t ippe;
    int start_random;
    unsigned long long seed;
    int max_level;
} ict__dsice_opts_t;

int ict__dsice_opts(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                    ict__dsice_opts_t *o, ict_error_t *err);

#endif
