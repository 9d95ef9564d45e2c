/* sha256.h - SHA-256 of a buffer (internal): the config's digest in the
 * results file. */
#ifndef ICT_SHA256_H
#define ICT_SHA256_H

#include <stddef.h>

/* hex gets 65 bytes: 64 hex digits and a NUL. */
void ict__sha256_hex(const void *data, size_t len, char *hex);

#endif
