/* fuzz_result.c - libFuzzer harness for the result protocol: any bytes of
 * a program's output or result file give metrics that are either finite
 * numbers or marked bad, never a crash, an overflow or a non-finite value
 * taken as a number. Build as fuzz_config (README "Fuzzing"). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ictune/launch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *names[] = {"loss", "rmse", "m1", NULL};
    ict_raw_result_t r;
    for (int mode = 0; mode < 4; mode++) {
        memset(&r, 0, sizeof r);
        ict_result_scan(&r, mode & 1 ? NULL : names, mode & 2, mode == 3,
                        (const char *)data, size);
        if (r.nmetrics < 0 || r.nmetrics > ICT_MAX_METRICS)
            __builtin_trap();
        for (int i = 0; i < r.nmetrics; i++)
            if ((!r.metrics[i].bad && !isfinite(r.metrics[i].value)) ||
                !memchr(r.metrics[i].name, '\0', sizeof r.metrics[i].name) ||
                !memchr(r.metrics[i].text, '\0', sizeof r.metrics[i].text))
                __builtin_trap();
    }
    return 0;
}
