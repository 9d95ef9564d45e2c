/* db.h - the measured-point database: flat point -> final result.
 *
 * An open-addressing hash table keyed by the point's flat index. A point is
 * put once; putting it again is -EEXIST ("a point is never measured
 * twice"). Values are the search's internal ones, always minimised. */
#ifndef ICTUNE_DB_H
#define ICTUNE_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct ict_db_entry {
    uint64_t flat;
    double y;           /* internal value (minimised); meaningful if valid */
    uint32_t order;     /* 0-based insertion order */
    uint8_t valid;      /* 1: usable value; 0: failed, infeasible, ... */
    uint8_t status;     /* ict_status_t */
} ict_db_entry_t;

typedef struct ict_db ict_db_t;

int ict_db_new(ict_db_t **out);
void ict_db_free(ict_db_t *db);
int ict_db_put(ict_db_t *db, uint64_t flat, int valid, double y, int status);
const ict_db_entry_t *ict_db_get(const ict_db_t *db, uint64_t flat);
size_t ict_db_count(const ict_db_t *db);
/* The best valid entry (lowest y, earliest on ties); NULL when none. */
const ict_db_entry_t *ict_db_best(const ict_db_t *db);
/* Every entry once, in no particular order: start with *it = 0; NULL at
 * the end. Sort what it gives when an order matters (a model fitted on the
 * entries must not depend on the order the results came in). */
const ict_db_entry_t *ict_db_iter(const ict_db_t *db, size_t *it);

#endif
