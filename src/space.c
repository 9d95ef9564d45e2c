/* space.c - parameter space: named value lists, flat indexing of points.
 *
 * The flat index orders points with the first parameter slowest, as
 * itertools.product and the exhaustive strategy do. */
#include "ictune/space.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ICT_SPACE_MAX ((uint64_t)1 << 62)

typedef struct param {
    char *name;
    ict_value_t *values;
    size_t n;
} param_t;

struct ict_space {
    param_t *params;
    size_t dims;
    uint64_t size;
    uint64_t *stride;
};

int ict_space_new(ict_space_t **out)
{
    ict_space_t *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->size = 1;
    *out = s;
    return 0;
}

static void param_fini(param_t *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->values[i].text);
    free(p->values);
    free(p->name);
}

void ict_space_free(ict_space_t *s)
{
    if (!s)
        return;
    for (size_t a = 0; a < s->dims; a++)
        param_fini(&s->params[a]);
    free(s->params);
    free(s->stride);
    free(s);
}

/* Sort helpers for the duplicate check (O(n log n): lists can be long). */
static const ict_value_t *g_vals;

static int by_num(const void *a, const void *b)
{
    double x = g_vals[*(const size_t *)a].num, y = g_vals[*(const size_t *)b].num;
    return x < y ? -1 : x > y;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(g_vals[*(const size_t *)a].text, g_vals[*(const size_t *)b].text);
}

/* Two values are the same if both are numbers of equal value, or if their
 * texts are equal. Returns 1 and the two positions when a pair is found. */
static int find_duplicate(const ict_value_t *v, size_t n, size_t *i, size_t *j)
{
    size_t *ix = malloc(n * sizeof *ix), m = 0;
    if (!ix)
        return -ENOMEM;
    int found = 0;
    g_vals = v;
    for (size_t k = 0; k < n; k++)
        if (v[k].is_num)
            ix[m++] = k;
    qsort(ix, m, sizeof *ix, by_num);
    for (size_t k = 1; k < m && !found; k++)
        if (v[ix[k]].num == v[ix[k - 1]].num) {
            *i = ix[k - 1];
            *j = ix[k];
            found = 1;
        }
    for (size_t k = 0; k < n; k++)
        ix[k] = k;
    if (!found) {
        qsort(ix, n, sizeof *ix, by_text);
        for (size_t k = 1; k < n && !found; k++)
            if (!strcmp(v[ix[k]].text, v[ix[k - 1]].text)) {
                *i = ix[k - 1];
                *j = ix[k];
                found = 1;
            }
    }
    free(ix);
    if (found && *i > *j) {
        size_t t = *i;
        *i = *j;
        *j = t;
    }
    return found;
}

int ict_space_add(ict_space_t *s, const char *name, const ict_value_t *values,
                  size_t n, ict_error_t *err)
{
    if (n == 0)
        return ict_errorf(err, -EINVAL, "parameter '%s' has no values", name);
    if (ict_space_find(s, name) >= 0)
        return ict_errorf(err, -EINVAL, "duplicate parameter name '%s'", name);
    size_t di, dj;
    int dup = find_duplicate(values, n, &di, &dj);
    if (dup < 0)
        return dup;
    if (dup)
        return ict_errorf(err, -EINVAL,
                          "parameter '%s' lists the value '%s' twice "
                          "(positions %zu and %zu); expected distinct values",
                          name, values[dj].text, di + 1, dj + 1);
    if (s->size > ICT_SPACE_MAX / n)
        return ict_errorf(err, -EOVERFLOW,
                          "the space exceeds 2^62 points at parameter '%s'",
                          name);
    param_t *np = realloc(s->params, (s->dims + 1) * sizeof *np);
    if (!np)
        return -ENOMEM;
    s->params = np;
    uint64_t *ns = realloc(s->stride, (s->dims + 1) * sizeof *ns);
    if (!ns)
        return -ENOMEM;
    s->stride = ns;
    param_t p = {0};
    p.name = strdup(name);
    p.values = calloc(n, sizeof *p.values);
    if (!p.name || !p.values) {
        free(p.name);
        free(p.values);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        p.values[i] = values[i];
        p.values[i].text = strdup(values[i].text);
        p.n = i + 1;
        if (!p.values[i].text) {
            p.n = i;
            param_fini(&p);
            return -ENOMEM;
        }
    }
    s->params[s->dims++] = p;
    s->size *= n;
    uint64_t st = 1;
    for (size_t a = s->dims; a-- > 0;) {
        s->stride[a] = st;
        st *= s->params[a].n;
    }
    return 0;
}

size_t ict_space_dims(const ict_space_t *s) { return s->dims; }
size_t ict_space_count(const ict_space_t *s, size_t a) { return s->params[a].n; }
const char *ict_space_name(const ict_space_t *s, size_t a) { return s->params[a].name; }
uint64_t ict_space_size(const ict_space_t *s) { return s->size; }

const ict_value_t *ict_space_value(const ict_space_t *s, size_t a, size_t i)
{
    return &s->params[a].values[i];
}

int ict_space_find(const ict_space_t *s, const char *name)
{
    for (size_t a = 0; a < s->dims; a++)
        if (strcmp(s->params[a].name, name) == 0)
            return (int)a;
    return -1;
}

int ict_space_value_index(const ict_space_t *s, size_t a, const char *text)
{
    const param_t *p = &s->params[a];
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->values[i].text, text) == 0)
            return (int)i;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0')
        return -1;
    for (size_t i = 0; i < p->n; i++) {
        const ict_value_t *x = &p->values[i];
        if (x->is_num && (x->num == v ||
                          fabs(x->num - v) <= 1e-12 * fmax(fabs(v), 1e-300)))
            return (int)i;
    }
    return -1;
}

uint64_t ict_space_flat(const ict_space_t *s, const int32_t *idx)
{
    uint64_t f = 0;
    for (size_t a = 0; a < s->dims; a++)
        f += (uint64_t)idx[a] * s->stride[a];
    return f;
}

void ict_space_unflat(const ict_space_t *s, uint64_t flat, int32_t *idx)
{
    for (size_t a = 0; a < s->dims; a++) {
        idx[a] = (int32_t)(flat / s->stride[a]);
        flat %= s->stride[a];
    }
}

void ict_space_centre(const ict_space_t *s, int32_t *idx)
{
    for (size_t a = 0; a < s->dims; a++)
        idx[a] = (int32_t)(s->params[a].n / 2);
}

int ict_space_format(const ict_space_t *s, const int32_t *idx, char *buf,
                     size_t size)
{
    size_t used = 0;
    int total = 0;
    if (size)
        buf[0] = '\0';
    for (size_t a = 0; a < s->dims; a++) {
        int n = snprintf(buf + used, size > used ? size - used : 0, "%s%s=%s",
                         a ? " " : "", s->params[a].name,
                         s->params[a].values[idx[a]].text);
        if (n < 0)
            return n;
        total += n;
        used = (size_t)total < size ? (size_t)total : size;
    }
    return total;
}
