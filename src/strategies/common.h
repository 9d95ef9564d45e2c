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
    {"seed", "1", "seed of start: random"}, \
    {"max_level", "0", "highest number of parameters changing at once " \
                       "(0: all)"}, \
    ICT_SPECULATION_OPTIONS

/* The start option's entry: dsice starts from a design by default,
 * dsice-seq (the reference algorithm) from the centre. */
#define ICT__START_OPTION(def, more) \
    {"start", def, "centre (nearest feasible point to it), random" more}

enum { ICT__START_CENTRE, ICT__START_RANDOM, ICT__START_DESIGN };

typedef struct ict__dsice_opts {
    ict_ippe_params_t ippe;
    int start;                  /* ICT__START_* */
    unsigned long long seed;
    int max_level;
} ict__dsice_opts_t;

/* design: whether start may be "design". */
int ict__dsice_opts(const ict_strategy_ctx_t *ctx, const ict_strategy_t *s,
                    int design, ict__dsice_opts_t *o, ict_error_t *err);

#endif
