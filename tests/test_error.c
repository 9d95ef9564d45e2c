/* test_error.c - ict_errorf: return value, errno kept, NULL, truncation. */
#include <errno.h>

#include "ictune/error.h"
#include "test.h"

int main(void)
{
    ict_error_t e;
    errno = 64;
    CHECK_EQ(ict_errorf(&e, -EINVAL, "bad %d", 7), -EINVAL);
    CHECK_EQ(errno, 64);
    CHECK_STR(e.text, "bad 7");
    CHECK_EQ(e.code, -EINVAL);
    CHECK_EQ(ict_errorf(NULL, -ENOENT, "x"), -ENOENT);
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ict_errorf(&e, -E2BIG, "%s", big);
    CHECK_EQ(e.text[sizeof e.text - 2], '+');
    ict_errorf(&e, -EIO, "inner");
    ict_error_prefix(&e, "outer %d", 1);
    CHECK_STR(e.text, "outer 1: inner");
    TEST_DONE();
}
