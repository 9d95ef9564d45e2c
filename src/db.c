/* db.c - open-addressing hash table of final results, keyed by flat index.
 * Linear probing with a splitmix64 hash; grows at 1/2 load. The best valid
 * entry is tracked on insert, so ict_db_best() is O(1). */
#include "ictune/db.h"

#include <errno.h>
#include <stdlib.h>

struct ict_db {
    ict_db_entry_t *slots;
    unsigned char *used;
    size_t cap, count;
    size_t best;        /* slot of the best valid entry, or SIZE_MAX */
};

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

int ict_db_new(ict_db_t **out)
{
    ict_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return -ENOMEM;
    db->cap = 64;
    db->slots = calloc(db->cap, sizeof *db->slots);
    db->used = calloc(db->cap, 1);
    db->best = SIZE_MAX;
    if (!db->slots || !db->used) {
        ict_db_free(db);
        return -ENOMEM;
    }
    *out = db;
    return 0;
}

void ict_db_free(ict_db_t *db)
{
    if (!db)
        return;
    free(db->slots);
    free(db->used);
    free(db);
}

static size_t find_slot(const ict_db_t *db, uint64_t flat)
{
    size_t mask = db->cap - 1, i = (size_t)mix(flat) & mask;
    while (db->used[i] && db->slots[i].flat != flat)
        i = (i + 1) & mask;
    return i;
}

static int grow(ict_db_t *db)
{
    ict_db_t n = {0};
    n.cap = db->cap * 2;
    n.slots = calloc(n.cap, sizeof *n.slots);
    n.used = calloc(n.cap, 1);
    n.best = SIZE_MAX;
    if (!n.slots || !n.used) {
        free(n.slots);
        free(n.used);
        return -ENOMEM;
    }
    uint64_t best_flat = db->best != SIZE_MAX ? db->slots[db->best].flat : 0;
    for (size_t i = 0; i < db->cap; i++)
        if (db->used[i]) {
            size_t j = find_slot(&n, db->slots[i].flat);
            n.slots[j] = db->slots[i];
            n.used[j] = 1;
            if (db->best != SIZE_MAX && db->slots[i].flat == best_flat)
                n.best = j;
        }
    free(db->slots);
    free(db->used);
    n.count = db->count;
    *db = n;
    return 0;
}

int ict_db_put(ict_db_t *db, uint64_t flat, int valid, double y, int status)
{
    if ((db->count + 1) * 2 > db->cap) {
        int rc = grow(db);
        if (rc)
            return rc;
    }
    size_t i = find_slot(db, flat);
    if (db->used[i])
        return -EEXIST;
    db->used[i] = 1;
    db->slots[i] = (ict_db_entry_t){flat, y, (uint32_t)db->count, !!valid,
                                    (uint8_t)status};
    db->count++;
    if (valid && (db->best == SIZE_MAX || y < db->slots[db->best].y))
        db->best = i;
    return 0;
}

const ict_db_entry_t *ict_db_get(const ict_db_t *db, uint64_t flat)
{
    size_t i = find_slot(db, flat);
    return db->used[i] ? &db->slots[i] : NULL;
}

size_t ict_db_count(const ict_db_t *db) { return db->count; }

const ict_db_entry_t *ict_db_best(const ict_db_t *db)
{
    return db->best == SIZE_MAX ? NULL : &db->slots[db->best];
}

const ict_db_entry_t *ict_db_iter(const ict_db_t *db, size_t *it)
{
    while (*it < db->cap)
        if (db->used[(*it)++])
            return &db->slots[*it - 1];
    return NULL;
}
