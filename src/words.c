/* words.c - "did you mean" and lists of names, for error messages that
 * name what was expected (the config loader, the strategy check). */
#include <stdio.h>
#include <string.h>

#include "words.h"

static size_t levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const char *ict__did_you_mean(const char *key, const char *const *known)
{
    const char *best = NULL;
    size_t bestd = 99, limit = strlen(key) / 3 + 1;
    for (size_t i = 0; known[i]; i++) {
        size_t d = levenshtein(key, known[i]);
        if (d < bestd) {
            bestd = d;
            best = known[i];
        }
    }
    return bestd <= limit && bestd <= 3 ? best : NULL;
}

void ict__join_words(char *buf, size_t size, const char *const *known)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; known[i] && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i ? ", " : "", known[i]);
}


void ict__hint(const char *key, const char *const *known, char *list,
               size_t lsize, char *hint, size_t hsize)
{
    ict__join_words(list, lsize, known);
    const char *dym = ict__did_you_mean(key, known);
    if (dym)
        snprintf(hint, hsize, " (did you mean '%s'?)", dym);
    else if (hsize)
        hint[0] = '\0';
}
