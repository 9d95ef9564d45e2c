/* buf.h - a growable byte buffer for building strings (internal).
 * Errors are sticky: after a failed allocation every call is a no-op and
 * ict__buf_take() returns NULL, so callers check once at the end. */
#ifndef ICT_BUF_H
#define ICT_BUF_H

#include <stddef.h>

typedef struct ict__buf {
    char *data;
    size_t len, cap;
    int failed;
} ict__buf_t;

void ict__buf_add(ict__buf_t *b, const char *s, size_t n);
void ict__buf_adds(ict__buf_t *b, const char *s);
void ict__buf_printf(ict__buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *ict__buf_take(ict__buf_t *b);   /* NUL-terminated; NULL on failure */
void ict__buf_fini(ict__buf_t *b);

#endif
