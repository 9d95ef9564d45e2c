/* test.h - tiny assertion macros for the unit tests (libuv task.h style).
 * A failed check prints file:line and the expression, then exits 1. */
#ifndef ICT_TEST_H
#define ICT_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ict_test_checks;

#define CHECK(cond) do { ict_test_checks++; if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    exit(1); } } while (0)
#define CHECK_EQ(a, b) do { ict_test_checks++; long long _a = (long long)(a), _b = (long long)(b); \
    if (_a != _b) { fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
    __FILE__, __LINE__, #a, #b, _a, _b); exit(1); } } while (0)
#define CHECK_NEAR(a, b, tol) do { ict_test_checks++; double _a = (a), _b = (b); \
    if (!(fabs(_a - _b) <= (tol))) { fprintf(stderr, "%s:%d: %s ~= %s failed: %.12g vs %.12g\n", \
    __FILE__, __LINE__, #a, #b, _a, _b); exit(1); } } while (0)
#define CHECK_STR(a, b) do { ict_test_checks++; const char *_a = (a), *_b = (b); \
    if (!_a || !_b || strcmp(_a, _b)) { fprintf(stderr, "%s:%d: \"%s\" == \"%s\" failed\n", \
    __FILE__, __LINE__, _a ? _a : "(null)", _b ? _b : "(null)"); exit(1); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { ict_test_checks++; const char *_h = (hay); \
    if (!_h || !strstr(_h, (needle))) { fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", \
    __FILE__, __LINE__, _h ? _h : "(null)", (needle)); exit(1); } } while (0)
#define TEST_DONE() do { printf("%s: %d checks passed\n", __FILE__, ict_test_checks); \
    return 0; } while (0)

#endif
