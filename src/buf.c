/* buf.c - growable string buffer with sticky allocation failure. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(ict__buf_t *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        b->failed = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    return 0;
}

void ict__buf_add(ict__buf_t *b, const char *s, size_t n)
{
    if (reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ict__buf_adds(ict__buf_t *b, const char *s) { ict__buf_add(b, s, strlen(s)); }

void ict__buf_printf(ict__buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *ict__buf_take(ict__buf_t *b)
{
    if (b->failed) {
        ict__buf_fini(b);
        return NULL;
    }
    if (reserve(b, 0))
        return NULL;
    char *d = b->data;
    *b = (ict__buf_t){0};
    return d;
}

void ict__buf_fini(ict__buf_t *b)
{
    free(b->data);
    *b = (ict__buf_t){0};
}
