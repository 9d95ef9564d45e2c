/* fuzz_expr.c - libFuzzer harness for restriction expressions: any bytes
 * compile to a program or give an error with a position inside the text;
 * a program evaluates at every point of a small space without a crash,
 * an overflow of its stack or undefined behaviour. Build as fuzz_config
 * (tests/fuzz/fuzz_config.c says how); seeds: tests/fuzz/seeds_expr. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ictune/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ict_space_t *space(void)
{
    static ict_space_t *s;
    if (s)
        return s;
    ict_value_t a[3] = {{"1", 1, 1}, {"16", 16, 1}, {"0", 0, 1}};
    ict_value_t b[2] = {{"x", 0, 0}, {"yy", 0, 0}};
    ict_value_t c[2] = {{"-2.5", -2.5, 1}, {"1e300", 1e300, 1}};
    ict_space_new(&s);
    ict_space_add(s, "a", a, 3, NULL);
    ict_space_add(s, "kind", b, 2, NULL);
    ict_space_add(s, "c", c, 2, NULL);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    ict_space_t *s = space();
    ict_expr_t *e = NULL;
    ict_error_t err;
    size_t where = 0;
    if (ict_expr_compile(&e, s, text, &where, &err) == 0) {
        int32_t idx[3];
        for (uint64_t f = 0; f < ict_space_size(s); f++) {
            ict_space_unflat(s, f, idx);
            (void)ict_expr_eval(e, idx);
        }
        ict_expr_free(e);
    } else if (where > strlen(text)) {
        __builtin_trap();          /* the position must be in the text */
    }
    free(text);
    return 0;
}
