/* restrict_bench.c - what restrictions cost: a 10^7-point space of seven
 * kernel-like parameters with four Kernel Tuner-style restrictions.
 * Prints, as a markdown table: counting the valid points (the projected
 * enumeration check and run use), testing every point by its flat index as
 * the search does (unflat + evaluate), and the same test written by hand in
 * C (the baseline: what a compiled predicate costs). Usage: restrict_bench
 * [REPEATS]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ictune/expr.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static const char *const rules[] = {
    "block_x * block_y <= 1024",
    "block_x * block_y >= 64",
    "tile_x == tile_y or tile_y == 1",
    "unroll in [1, 2, 4] or use_shared == 1 and kind != 'naive'",
};

static const double pow2[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

/* the same four by hand, on the value indices */
static int by_hand(const int32_t *i)
{
    double bx = pow2[i[0]], by = pow2[i[1]];
    if (bx * by > 1024 || bx * by < 64)
        return 0;
    if (!(i[2] == i[3] || i[3] == 0))
        return 0;
    double u = pow2[i[4]];
    return u == 1 || u == 2 || u == 4 || (i[5] == 1 && i[6] != 0);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    ict_space_t *s;
    ict_space_new(&s);
    ict_value_t v[10];
    char txt[10][16];
    for (int k = 0; k < 10; k++) {
        snprintf(txt[k], sizeof txt[k], "%g", pow2[k]);
        v[k] = (ict_value_t){txt[k], pow2[k], 1};
    }
    const char *names[] = {"block_x", "block_y", "tile_x", "tile_y", "unroll"};
    for (int a = 0; a < 5; a++)
        ict_space_add(s, names[a], v, 10, NULL);
    ict_value_t sh[10], kind[10];
    char st[10][16], kt[10][16];
    for (int k = 0; k < 10; k++) {
        snprintf(st[k], sizeof st[k], "%d", k);
        sh[k] = (ict_value_t){st[k], k, 1};
        snprintf(kt[k], sizeof kt[k], k ? "k%d" : "naive", k);
        kind[k] = (ict_value_t){kt[k], 0, 0};
    }
    ict_space_add(s, "use_shared", sh, 10, NULL);
    ict_space_add(s, "kind", kind, 10, NULL);
    uint64_t size = ict_space_size(s);
    ict_expr_t *e[4];
    for (int r = 0; r < 4; r++)
        if (ict_expr_compile(&e[r], s, rules[r], NULL, NULL)) {
            fprintf(stderr, "cannot compile %s\n", rules[r]);
            return 1;
        }
    double best[3] = {1e30, 1e30, 1e30};
    uint64_t counted = 0, tested = 0, hand = 0;
    int32_t idx[7];
    for (int rep = 0; rep < reps; rep++) {
        double t = now();
        ict_restrictions_count(e, 4, s, size, &counted);
        double t1 = now();
        tested = 0;
        for (uint64_t f = 0; f < size; f++) {
            ict_space_unflat(s, f, idx);
            tested += (uint64_t)ict_restrictions_hold(e, 4, idx);
        }
        double t2 = now();
        hand = 0;
        for (uint64_t f = 0; f < size; f++) {
            ict_space_unflat(s, f, idx);
            hand += (uint64_t)by_hand(idx);
        }
        double t3 = now();
        double d[3] = {t1 - t, t2 - t1, t3 - t2};
        for (int k = 0; k < 3; k++)
            if (d[k] < best[k])
                best[k] = d[k];
    }
    if (counted != tested || tested != hand) {
        fprintf(stderr, "disagree: %llu %llu %llu\n", (unsigned long long)counted,
                (unsigned long long)tested, (unsigned long long)hand);
        return 1;
    }
    printf("Space: %llu points (7 parameters of 10 values), %llu valid "
           "(%.2f %%), restrictions: `%s`, `%s`, `%s`, `%s`. Best of %d.\n\n",
           (unsigned long long)size, (unsigned long long)counted,
           100.0 * (double)counted / (double)size, rules[0], rules[1], rules[2],
           rules[3], reps);
    printf("| what | time | per point | vs the hand-written C test |\n");
    printf("|---|---|---|---|\n");
    const char *what[3] = {"count the valid points (check, run: the parameters "
                           "the restrictions read)", "test every point by its "
                           "flat index (what the search does)",
                           "the same test written by hand in C (baseline)"};
    for (int k = 0; k < 3; k++)
        printf("| %s | %.3f s | %.1f ns | %.2f |\n", what[k], best[k],
               1e9 * best[k] / (double)size, best[k] / best[2]);
    for (int r = 0; r < 4; r++)
        ict_expr_free(e[r]);
    ict_space_free(s);
    return 0;
}
