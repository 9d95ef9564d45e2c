/* pointmap.h - a small hash map from a flat point to an int, with removal
 * (internal): the master's points in flight (queued or on a worker). */
#ifndef ICT_POINTMAP_H
#define ICT_POINTMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ict__pmap {
    uint64_t *k;
    int *v;
    unsigned char *used;
    size_t cap, n;
} ict__pmap_t;

/* Set (insert or replace); 0 or -ENOMEM. */
int ict__pmap_set(ict__pmap_t *m, uint64_t k, int v);
/* 1 and *v when present, else 0. */
int ict__pmap_get(const ict__pmap_t *m, uint64_t k, int *v);
void ict__pmap_del(ict__pmap_t *m, uint64_t k);
void ict__pmap_free(ict__pmap_t *m);

#endif
