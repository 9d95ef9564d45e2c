/* model.h - an additive model of the objective over the value indices
 * (internal): f(x) = mu + sum_a e_a[x_a], fitted by ridge backfitting on
 * every valid result, on log(y) when the results are all of one sign
 * (run times: factors that multiply become terms that add). dsice orders
 * its lines and picks its restart points with it. */
#ifndef ICT_STRATEGIES_MODEL_H
#define ICT_STRATEGIES_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/db.h"
#include "ictune/space.h"

typedef struct ict__model {
    size_t D;
    size_t *off;                /* axis a's effects: e[off[a] .. off[a+1]) */
    double *e, mu;
    int sign;                   /* 1: log y, -1: -log(-y), 0: y */
    size_t n;                   /* results fitted; 0: no model */
} ict__model_t;

int ict__model_init(ict__model_t *m, const ict_space_t *s);
void ict__model_fini(ict__model_t *m);
/* Fit on the valid entries of db (in flat order, so the model does not
 * depend on the order results came in). Needs 2 results; n = 0 before. */
int ict__model_fit(ict__model_t *m, const ict_space_t *s, const ict_db_t *db);
/* The prediction at a point, on the model's (monotone) scale. */
double ict__model_at(const ict__model_t *m, const int32_t *idx);

#endif
