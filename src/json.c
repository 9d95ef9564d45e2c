/* json.c - the JSON reader of json.h: recursive descent, depth-limited,
 * arrays skipped after they are checked. */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct jp { const char *s, *e, *p; int depth; } jp_t;

static void ws(jp_t *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    return 0;
}

/* A string at j->p (the opening quote); *out malloc'ed (NULL: skip). */
static int string(jp_t *j, char **out)
{
    const char *q = ++j->p;
    size_t n = 0;
    while (q < j->e && *q != '"') {     /* the length, escapes counted long */
        if (*q == '\\')
            q++;
        q++;
        n++;
    }
    if (q >= j->e)
        return -EINVAL;
    char *b = out ? malloc(n * 3 + 1) : NULL, *w = b;
    if (out && !b)
        return -ENOMEM;
    while (j->p < q) {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20) {
            free(b);
            return -EINVAL;
        }
        if (c != '\\') {
            if (w) *w++ = (char)c;
            continue;
        }
        c = (unsigned char)*j->p++;
        unsigned u;
        switch (c) {
        case '"': case '\\': case '/': break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u':
            if (q - j->p < 4 || hex4(j->p, &u)) {
                free(b);
                return -EINVAL;
            }
            j->p += 4;
            if (w) {                    /* UTF-8 of the BMP code point */
                if (u < 0x80) {
                    *w++ = (char)u;
                } else if (u < 0x800) {
                    *w++ = (char)(0xc0 | (u >> 6));
                    *w++ = (char)(0x80 | (u & 0x3f));
                } else {
                    *w++ = (char)(0xe0 | (u >> 12));
                    *w++ = (char)(0x80 | ((u >> 6) & 0x3f));
                    *w++ = (char)(0x80 | (u & 0x3f));
                }
            }
            continue;
        default:
            free(b);
            return -EINVAL;
        }
        if (w) *w++ = (char)c;
    }
    j->p = q + 1;
    if (out) {
        *w = '\0';
        *out = b;
    }
    return 0;
}

static int value(jp_t *j, ict__jv_t *v);

static int object(jp_t *j, ict__jv_t *v)
{
    size_t cap = 0;
    v->type = ICT__J_OBJ;
    j->p++;
    ws(j);
    if (j->p < j->e && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        if (j->p >= j->e || *j->p != '"')
            return -EINVAL;
        if (v->n == cap) {
            cap = cap ? 2 * cap : 8;
            char **nk = realloc(v->keys, cap * sizeof *nk);
            if (nk)
                v->keys = nk;
            ict__jv_t *nv = realloc(v->vals, cap * sizeof *nv);
            if (nv)
                v->vals = nv;
            if (!nk || !nv)
                return -ENOMEM;
        }
        int rc = string(j, &v->keys[v->n]);
        if (rc)
            return rc;
        memset(&v->vals[v->n], 0, sizeof v->vals[v->n]);
        v->n++;
        ws(j);
        if (j->p >= j->e || *j->p != ':')
            return -EINVAL;
        j->p++;
        if ((rc = value(j, &v->vals[v->n - 1])))
            return rc;
        ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == '}') {
            j->p++;
            return 0;
        }
        return -EINVAL;
    }
}

static int array(jp_t *j, ict__jv_t *v)
{
    v->type = ICT__J_ARR;
    j->p++;
    ws(j);
    if (j->p < j->e && *j->p == ']') {
        j->p++;
        return 0;
    }
    for (;;) {
        ict__jv_t item = {0};
        int rc = value(j, &item);
        ict__json_fini(&item);          /* skipped */
        if (rc)
            return rc;
        ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == ']') {
            j->p++;
            return 0;
        }
        return -EINVAL;
    }
}

static int value(jp_t *j, ict__jv_t *v)
{
    ws(j);
    if (j->p >= j->e)
        return -EINVAL;
    if (++j->depth > MAX_DEPTH)
        return -EINVAL;
    int rc = 0;
    char c = *j->p;
    if (c == '{') {
        rc = object(j, v);
    } else if (c == '[') {
        rc = array(j, v);
    } else if (c == '"') {
        v->type = ICT__J_STR;
        rc = string(j, &v->str);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t n = 0;
        while (j->p + n < j->e && n < sizeof buf - 1 &&
               strchr("+-.eE0123456789", j->p[n]))
            n++;
        memcpy(buf, j->p, n);
        buf[n] = '\0';
        char *end;
        v->type = ICT__J_NUM;
        v->num = strtod(buf, &end);
        if (end != buf + n || n == sizeof buf - 1)
            rc = -EINVAL;
        j->p += n;
    } else if (j->e - j->p >= 4 && !memcmp(j->p, "true", 4)) {
        v->type = ICT__J_BOOL;
        v->num = 1;
        j->p += 4;
    } else if (j->e - j->p >= 5 && !memcmp(j->p, "false", 5)) {
        v->type = ICT__J_BOOL;
        j->p += 5;
    } else if (j->e - j->p >= 4 && !memcmp(j->p, "null", 4)) {
        v->type = ICT__J_NULL;
        j->p += 4;
    } else if (j->e - j->p >= 3 && !memcmp(j->p, "NaN", 3)) {
        v->type = ICT__J_NULL;          /* Python's json writes NaN */
        j->p += 3;
    } else {
        rc = -EINVAL;
    }
    j->depth--;
    return rc;
}

int ict__json_parse(const char *text, size_t len, ict__jv_t *out, size_t *where)
{
    jp_t j = {text, text + len, text, 0};
    memset(out, 0, sizeof *out);
    int rc = value(&j, out);
    ws(&j);
    if (!rc && j.p != j.e)
        rc = -EINVAL;
    if (rc) {
        if (where)
            *where = (size_t)(j.p - text);
        ict__json_fini(out);
    }
    return rc;
}

void ict__json_fini(ict__jv_t *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->keys[i]);
        ict__json_fini(&v->vals[i]);
    }
    free(v->keys);
    free(v->vals);
    free(v->str);
    memset(v, 0, sizeof *v);
}

const ict__jv_t *ict__json_get(const ict__jv_t *obj, const char *key)
{
    if (!obj || obj->type != ICT__J_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (obj->keys[i] && !strcmp(obj->keys[i], key))
            return &obj->vals[i];
    return NULL;
}
