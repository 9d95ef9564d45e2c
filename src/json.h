/* json.h - a small JSON reader (internal), enough for Kernel Tuner cache
 * files: objects, strings, numbers, true/false/null are kept; arrays are
 * checked and skipped (no cache field the seeds need is an array). */
#ifndef ICT_JSON_H
#define ICT_JSON_H

#include <stddef.h>

enum { ICT__J_NULL, ICT__J_BOOL, ICT__J_NUM, ICT__J_STR, ICT__J_OBJ, ICT__J_ARR };

typedef struct ict__jv ict__jv_t;
struct ict__jv {
    int type;
    double num;                 /* NUM; BOOL: 0 or 1 */
    char *str;                  /* STR */
    char **keys;                /* OBJ: n members */
    ict__jv_t *vals;
    size_t n;
};

/* Parse text; on failure -EINVAL with *where the byte offset. */
int ict__json_parse(const char *text, size_t len, ict__jv_t *out, size_t *where);
void ict__json_fini(ict__jv_t *v);
const ict__jv_t *ict__json_get(const ict__jv_t *obj, const char *key);

#endif
