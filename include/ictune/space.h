/* space.h - the discrete parameter space and points within it.
 *
 * A space is an ordered list of parameters, each an ordered list of values;
 * the search works on value *indices* only. A point is an index vector; its
 * flat index (first parameter slowest) identifies it in hash tables and
 * files. A space is immutable once built. Nothing here does I/O. */
#ifndef ICTUNE_SPACE_H
#define ICTUNE_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/error.h"

typedef struct ict_value {
    char *text;     /* as written (lists) or canonical "%.12g" (ranges) */
    double num;     /* numeric value when is_num */
    int is_num;
} ict_value_t;

typedef struct ict_space ict_space_t;

int ict_space_new(ict_space_t **out);
void ict_space_free(ict_space_t *s);                 /* NULL is a no-op */

/* Append a parameter; takes a deep copy of name and values. Fails with
 * -EINVAL on a duplicate name or value, -EOVERFLOW if the space no longer
 * fits in 2^62 points. */
int ict_space_add(ict_space_t *s, const char *name, const ict_value_t *values,
                  size_t n, ict_error_t *err);

size_t ict_space_dims(const ict_space_t *s);
size_t ict_space_count(const ict_space_t *s, size_t a);   /* values of param a */
const char *ict_space_name(const ict_space_t *s, size_t a);
const ict_value_t *ict_space_value(const ict_space_t *s, size_t a, size_t i);
uint64_t ict_space_size(const ict_space_t *s);            /* product of counts */
int ict_space_find(const ict_space_t *s, const char *name); /* index or -1 */

/* Index of the value written as text (exact, or numerically equal), or -1. */
int ict_space_value_index(const ict_space_t *s, size_t a, const char *text);

uint64_t ict_space_flat(const ict_space_t *s, const int32_t *idx);
void ict_space_unflat(const ict_space_t *s, uint64_t flat, int32_t *idx);
void ict_space_centre(const ict_space_t *s, int32_t *idx);  /* n_a / 2 each */

/* Format "name=value name=value" into buf; returns what snprintf returns. */
int ict_space_format(const ict_space_t *s, const int32_t *idx, char *buf,
                     size_t size);

#endif
