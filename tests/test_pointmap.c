/* test_pointmap.c - the master's map of points in flight: set, get,
 * replace, remove (backward shift keeps every other key reachable), growth,
 * against a plain array as the reference. */
#include <stdint.h>

#include "../src/pointmap.h"
#include "test.h"

int main(void)
{
    ict__pmap_t m = {0};
    int v = 0;
    CHECK_EQ(ict__pmap_get(&m, 5, &v), 0);      /* empty */
    ict__pmap_del(&m, 5);
    CHECK_EQ(ict__pmap_set(&m, 5, 1), 0);
    CHECK_EQ(ict__pmap_get(&m, 5, &v), 1);
    CHECK_EQ(v, 1);
    CHECK_EQ(ict__pmap_set(&m, 5, -1), 0);      /* replace */
    CHECK_EQ(ict__pmap_get(&m, 5, &v), 1);
    CHECK_EQ(v, -1);
    CHECK_EQ(m.n, 1);
    ict__pmap_del(&m, 5);
    CHECK_EQ(ict__pmap_get(&m, 5, NULL), 0);
    CHECK_EQ(m.n, 0);
    /* random operations against a reference; keys collide on purpose (a
     * small key range, multiples of the table size) */
    enum { K = 3000 };
    static int ref[K];
    for (int i = 0; i < K; i++)
        ref[i] = INT32_MIN;
    uint64_t x = 12345;
    for (int step = 0; step < 200000; step++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int k = (int)((x >> 33) % K);
        uint64_t key = (uint64_t)k * 1024;
        int op = (int)((x >> 20) % 3);
        if (op < 2) {
            CHECK_EQ(ict__pmap_set(&m, key, step), 0);
            ref[k] = step;
        } else {
            ict__pmap_del(&m, key);
            ref[k] = INT32_MIN;
        }
        if (step % 997 == 0) {
            size_t live = 0;
            for (int i = 0; i < K; i++) {
                int got = 0, has = ict__pmap_get(&m, (uint64_t)i * 1024, &got);
                CHECK_EQ(has, ref[i] != INT32_MIN);
                if (has)
                    CHECK_EQ(got, ref[i]);
                live += ref[i] != INT32_MIN;
            }
            CHECK_EQ(m.n, live);
        }
    }
    /* removing everything leaves nothing */
    for (int i = 0; i < K; i++)
        ict__pmap_del(&m, (uint64_t)i * 1024);
    CHECK_EQ(m.n, 0);
    for (int i = 0; i < K; i++)
        CHECK_EQ(ict__pmap_get(&m, (uint64_t)i * 1024, NULL), 0);
    ict__pmap_free(&m);
    TEST_DONE();
}
