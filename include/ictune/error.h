/* error.h - the one error convention of the ictune library.
 *
 * Functions that can fail return 0 (or a count >= 0) on success and a
 * negative errno on failure. Human context travels in an optional
 * ict_error_t filled by ict_errorf(); the library never prints. */
#ifndef ICTUNE_ERROR_H
#define ICTUNE_ERROR_H

#include <stddef.h>

#define ICT_ERROR_TEXT 1024

typedef struct ict_error {
    int code;                   /* the negative errno returned with it */
    char text[ICT_ERROR_TEXT];  /* one line, no trailing newline */
} ict_error_t;

/* Fill err (NULL is allowed) with a message and return code, so that
 * `return ict_errorf(err, -EINVAL, "...")` is one line. errno is preserved.
 * A message too long for the buffer ends in "+". */
int ict_errorf(ict_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "<prefix>: <old text>". Returns err->code. */
int ict_error_prefix(ict_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
