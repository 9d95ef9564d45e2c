/* words.h - help for messages about names (internal). */
#ifndef ICT_WORDS_H
#define ICT_WORDS_H

#include <stddef.h>

/* The known name closest to key (a few edits away), or NULL. */
const char *ict__did_you_mean(const char *key, const char *const *known);
/* "a, b, c" into buf. */
void ict__join_words(char *buf, size_t size, const char *const *known);

/* Both for a message: the list of known names, and " (did you mean
 * 'x'?)" or "" for key. */
void ict__hint(const char *key, const char *const *known, char *list,
               size_t lsize, char *hint, size_t hsize);

#endif
