/* fuzz_config.c - libFuzzer harness for the config loader: any bytes must
 * give either a config or an error message, never a crash, a leak or
 * undefined behaviour. Build: CC=clang meson setup build-fuzz -Dfuzz=true
 * -Db_sanitize=address,undefined -Db_lundef=false; run:
 * build-fuzz/tests/fuzz_config -max_total_time=600 CORPUS tests/fuzz/seeds */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ictune/config.h"
#include "ictune/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ict_config_t *c = NULL;
    ict_error_t err;
    if (ict_config_parse("fuzz.yaml", (const char *)data, size, &c, &err) == 0) {
        /* a config that loads must also set its strategy up, or say why */
        ict_search_t *s = NULL;
        if (ict_space_size(c->space) <= 100000 &&
            ict_search_new(&s, c, NULL, &err) == 0)
            ict_search_free(s);
        ict_config_free(c);
    } else if (!memchr(err.text, ':', sizeof err.text)) {
        __builtin_trap();          /* an error must name the place */
    }
    return 0;
}
