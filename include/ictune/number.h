/* number.h - the one syntax for a number that ictune reads: configs,
 * result lines and result files.
 *
 * A decimal: [+-]digits[.digits][(e|E)[+-]digits] (at least one digit
 * before the exponent). No hex (0x10), no inf or nan, nothing before or
 * after it, and nothing the double cannot hold: 1e999 overflows and
 * 1e-999 underflows to 0, so both are refused rather than rounded to a
 * value the program never meant. */
#ifndef ICTUNE_NUMBER_H
#define ICTUNE_NUMBER_H

#include <stddef.h>

enum {
    ICT_NUMBER_OK = 0,
    ICT_NUMBER_SYNTAX = -1,     /* not a decimal number */
    ICT_NUMBER_RANGE = -2,      /* a decimal, but outside a double's range */
};

/* Parse the n bytes at s (no NUL needed); *out only on ICT_NUMBER_OK. */
int ict_parse_decimal(const char *s, size_t n, double *out);

/* v in the shortest "%.Ng" form that reads back as exactly v (0.1, not
 * 0.10000000000000001); buf should hold 32 bytes. Returns buf. */
char *ict_number_format(double v, char *buf, size_t size);

#endif
