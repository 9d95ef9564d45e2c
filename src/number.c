/* number.c - the strict decimal syntax of number.h, then strtod on a
 * bounded copy (the text may be a slice of a longer line). */
#include "ictune/number.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ict_parse_decimal(const char *s, size_t n, double *out)
{
    size_t i = 0, digits = 0, nonzero = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && isdigit((unsigned char)s[i])) {
        nonzero += s[i] != '0';
        i++;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) {
            nonzero += s[i] != '0';
            i++;
            digits++;
        }
    }
    if (!digits)
        return ICT_NUMBER_SYNTAX;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !isdigit((unsigned char)s[i]))
            return ICT_NUMBER_SYNTAX;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    if (i != n)
        return ICT_NUMBER_SYNTAX;
    char small[128], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return ICT_NUMBER_RANGE;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    int e = errno;
    if (buf != small)
        free(buf);
    /* ERANGE also flags a subnormal result, which is exact enough; only a
     * value that became infinite or zero from non-zero digits is refused */
    if (!isfinite(v) || (e == ERANGE && v == 0 && nonzero))
        return ICT_NUMBER_RANGE;
    *out = v;
    return ICT_NUMBER_OK;
}

char *ict_number_format(double v, char *buf, size_t size)
{
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v || v != v)
            break;
    }
    /* %g writes 10 as 1e+01 at one digit: where the plain form is no
     * longer (10, 120, 0.001), it is the one written */
    char *e = strchr(buf, 'e');
    if (e && v == v && v - v == 0) {
        int x = atoi(e + 1);
        if (x >= -5 && x < 17) {
            char plain[64];
            int p2 = x >= 0 ? x + 1 : prec;
            snprintf(plain, sizeof plain, x >= 0 ? "%.*g" : "%.*f", x >= 0 ? p2 : prec - x - 1, v);
            if (strtod(plain, NULL) == v && strlen(plain) <= strlen(buf) + 1 &&
                strlen(plain) < size)
                snprintf(buf, size, "%s", plain);
        }
    }
    return buf;
}
