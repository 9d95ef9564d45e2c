/* fuzz_json.c - libFuzzer harness for the JSON reader of --seed-from's
 * Kernel Tuner caches (src/json.h): any bytes parse or give an error with
 * a position inside them; never a crash, a leak or undefined behaviour.
 * Build as fuzz_config (tests/fuzz/fuzz_config.c says how). */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ict__jv_t v;
    size_t where = 0;
    if (ict__json_parse((const char *)data, size, &v, &where) == 0) {
        (void)ict__json_get(&v, "cache");
        ict__json_fini(&v);
    } else if (where > size) {
        __builtin_trap();
    }
    return 0;
}
