/* error.c - ict_error_t helpers: formatted, truncation-marked messages. */
#include "ictune/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void mark_truncated(char *text, size_t size, int n)
{
    if (n >= (int)size && size >= 2)
        text[size - 2] = '+';
}

int ict_errorf(ict_error_t *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    mark_truncated(err->text, sizeof err->text, n);
    err->code = code;
    errno = saved;
    return code;
}

int ict_error_prefix(ict_error_t *err, const char *fmt, ...)
{
    if (!err)
        return -EINVAL;
    int saved = errno;
    char prefix[256], old[ICT_ERROR_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->text, sizeof old);
    int n = snprintf(err->text, sizeof err->text, "%s: %s", prefix, old);
    mark_truncated(err->text, sizeof err->text, n);
    errno = saved;
    return err->code;
}
