/* test_space.c - flat indexing, value lookup, duplicates, overflow. */
#include <errno.h>

#include "ictune/space.h"
#include "test.h"

static ict_value_t num(const char *t, double v) { return (ict_value_t){(char *)t, v, 1}; }

int main(void)
{
    ict_space_t *s;
    ict_error_t e;
    CHECK_EQ(ict_space_new(&s), 0);
    ict_value_t a[] = {num("1", 1), num("2", 2), num("4", 4)};
    ict_value_t b[] = {{"x", 0, 0}, {"y y", 0, 0}};
    CHECK_EQ(ict_space_add(s, "a", a, 3, &e), 0);
    CHECK_EQ(ict_space_add(s, "b", b, 2, &e), 0);
    CHECK_EQ(ict_space_add(s, "a", b, 2, &e), -EINVAL);
    CHECK_CONTAINS(e.text, "duplicate parameter");
    ict_value_t dup[] = {num("1", 1), num("1.0", 1)};
    CHECK_EQ(ict_space_add(s, "c", dup, 2, &e), -EINVAL);
    CHECK_CONTAINS(e.text, "twice");
    CHECK_EQ(ict_space_size(s), 6);
    int32_t idx[2] = {2, 1}, back[2];
    CHECK_EQ(ict_space_flat(s, idx), 5);
    ict_space_unflat(s, 3, back);
    CHECK_EQ(back[0], 1);
    CHECK_EQ(back[1], 1);
    ict_space_centre(s, back);
    CHECK_EQ(back[0], 1);
    CHECK_EQ(back[1], 1);
    CHECK_EQ(ict_space_value_index(s, 0, "4"), 2);
    CHECK_EQ(ict_space_value_index(s, 0, "4.0"), 2);
    CHECK_EQ(ict_space_value_index(s, 0, "3"), -1);
    CHECK_EQ(ict_space_value_index(s, 1, "y y"), 1);
    char buf[64];
    ict_space_format(s, idx, buf, sizeof buf);
    CHECK_STR(buf, "a=4 b=y y");
    /* 2^62 points at most */
    ict_value_t *many = calloc(1 << 16, sizeof *many);
    char (*txt)[8] = calloc(1 << 16, 8);
    for (int i = 0; i < 1 << 16; i++) {
        snprintf(txt[i], 8, "%d", i);
        many[i] = num(txt[i], i);
    }
    ict_space_t *big;
    ict_space_new(&big);
    int rc = 0;
    for (int k = 0; k < 5 && !rc; k++) {
        char nm[8];
        snprintf(nm, sizeof nm, "p%d", k);
        rc = ict_space_add(big, nm, many, 1 << 16, &e);
    }
    CHECK_EQ(rc, -EOVERFLOW);
    ict_space_free(big);
    free(many);
    free(txt);
    ict_space_free(s);
    ict_space_free(NULL);
    TEST_DONE();
}
