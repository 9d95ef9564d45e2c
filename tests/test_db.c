/* test_db.c - the result database: put once, lookup, best, growth. */
#include <errno.h>

#include "ictune/db.h"
#include "test.h"

int main(void)
{
    ict_db_t *db;
    CHECK_EQ(ict_db_new(&db), 0);
    CHECK(ict_db_best(db) == NULL);
    for (uint64_t i = 0; i < 100000; i++)
        CHECK_EQ(ict_db_put(db, i * 7919, i % 3 != 0, (double)((i * 31) % 1000), 0), 0);
    CHECK_EQ(ict_db_count(db), 100000);
    CHECK_EQ(ict_db_put(db, 7919, 1, 0, 0), -EEXIST);
    const ict_db_entry_t *e = ict_db_get(db, 7919 * 5);
    CHECK(e != NULL);
    CHECK_EQ(e->order, 5);
    CHECK(e->valid);
    CHECK(ict_db_get(db, 1) == NULL);
    /* best: the lowest valid value, the earliest on ties */
    const ict_db_entry_t *b = ict_db_best(db);
    CHECK(b != NULL);
    uint64_t first = UINT64_MAX;
    double bv = 1e9;
    for (uint64_t i = 0; i < 100000; i++)
        if (i % 3 != 0 && (double)((i * 31) % 1000) < bv) {
            bv = (double)((i * 31) % 1000);
            first = i;
        }
    CHECK_NEAR(b->y, bv, 0);
    CHECK_EQ(b->flat, first * 7919);
    /* iteration: every entry exactly once */
    size_t it = 0, seen = 0;
    uint64_t sum = 0;
    for (const ict_db_entry_t *x; (x = ict_db_iter(db, &it));) {
        CHECK_EQ(x->flat % 7919, 0);
        seen++;
        sum += x->flat / 7919;
    }
    CHECK_EQ(seen, 100000);
    CHECK_EQ(sum, (uint64_t)100000 * 99999 / 2);
    ict_db_free(db);
    TEST_DONE();
}
