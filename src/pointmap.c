/* pointmap.c - flat point -> int, open addressing with linear probing and
 * backward-shift removal (no tombstones), so a long run that adds and
 * removes a point per evaluation keeps a table the size of what is in
 * flight. */
#include "pointmap.h"

#include <errno.h>
#include <stdlib.h>

static size_t home(const ict__pmap_t *m, uint64_t k)
{
    return (size_t)((k * 0x9e3779b97f4a7c15ull) >> 16) & (m->cap - 1);
}

static size_t find(const ict__pmap_t *m, uint64_t k)
{
    size_t i = home(m, k);
    while (m->used[i] && m->k[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(ict__pmap_t *m)
{
    ict__pmap_t n = {0};
    n.cap = m->cap ? 2 * m->cap : 64;
    n.k = malloc(n.cap * sizeof *n.k);
    n.v = malloc(n.cap * sizeof *n.v);
    n.used = calloc(n.cap, 1);
    if (!n.k || !n.v || !n.used) {
        ict__pmap_free(&n);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i]) {
            size_t j = find(&n, m->k[i]);
            n.used[j] = 1;
            n.k[j] = m->k[i];
            n.v[j] = m->v[i];
            n.n++;
        }
    ict__pmap_free(m);
    *m = n;
    return 0;
}

int ict__pmap_set(ict__pmap_t *m, uint64_t k, int v)
{
    if ((m->n + 1) * 2 > m->cap) {
        int rc = grow(m);
        if (rc)
            return rc;
    }
    size_t i = find(m, k);
    if (!m->used[i]) {
        m->used[i] = 1;
        m->k[i] = k;
        m->n++;
    }
    m->v[i] = v;
    return 0;
}

int ict__pmap_get(const ict__pmap_t *m, uint64_t k, int *v)
{
    if (!m->cap)
        return 0;
    size_t i = find(m, k);
    if (!m->used[i])
        return 0;
    if (v)
        *v = m->v[i];
    return 1;
}

void ict__pmap_del(ict__pmap_t *m, uint64_t k)
{
    if (!m->cap)
        return;
    size_t mask = m->cap - 1, i = find(m, k);
    if (!m->used[i])
        return;
    m->used[i] = 0;
    m->n--;
    /* shift back the entries of the run that follows, where they may go */
    for (size_t j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
        size_t h = home(m, m->k[j]);
        /* j's entry may move to i if its home is not in (i, j] */
        int stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (stays)
            continue;
        m->k[i] = m->k[j];
        m->v[i] = m->v[j];
        m->used[i] = 1;
        m->used[j] = 0;
        i = j;
    }
}

void ict__pmap_free(ict__pmap_t *m)
{
    free(m->k);
    free(m->v);
    free(m->used);
    m->k = NULL;
    m->v = NULL;
    m->used = NULL;
    m->cap = m->n = 0;
}
