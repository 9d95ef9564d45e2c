/* expr.h - restriction expressions over the parameters of a space.
 *
 * The language is the subset of Python that Kernel Tuner's restrictions
 * use: numbers, 'text' or "text", parameter names, + - * / // % **,
 * comparisons (chained, as in 32 <= x*y <= 1024), in / not in a list of
 * constants, and / or / not, parentheses, True / False. / divides exactly,
 * // and % floor as Python's do, ** binds tighter than a unary minus on its
 * left and groups to the right. A parameter whose values are all numbers is
 * a number; any other is text (compared with == != < <= > >= and in). A
 * division by zero makes the expression false (the point is excluded).
 *
 * An expression is compiled once against a space into a small stack
 * program and evaluated at value indices; nothing here does I/O. */
#ifndef ICTUNE_EXPR_H
#define ICTUNE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/error.h"
#include "ictune/space.h"

typedef struct ict_expr ict_expr_t;

/* Compile text against s. On failure *where is the byte offset in text of
 * the problem and err says what was found and what was expected. */
int ict_expr_compile(ict_expr_t **out, const ict_space_t *s, const char *text,
                     size_t *where, ict_error_t *err);
void ict_expr_free(ict_expr_t *e);                      /* NULL: no-op */

/* 1 when the expression holds at the point idx (value indices), else 0. */
int ict_expr_eval(const ict_expr_t *e, const int32_t *idx);

/* Does the expression read parameter a? */
int ict_expr_uses(const ict_expr_t *e, size_t a);
/* How many parameters it reads. */
size_t ict_expr_nused(const ict_expr_t *e);

/* Restrictions: n expressions that must all hold. */

/* Do all of e[0..n) hold at idx? */
int ict_restrictions_hold(ict_expr_t *const *e, size_t n, const int32_t *idx);

/* How many points of s satisfy all of e[0..n): enumerated over the
 * parameters the expressions read only, times the sizes of the others.
 * -E2BIG when that enumeration would exceed limit points. */
int ict_restrictions_count(ict_expr_t *const *e, size_t n,
                           const ict_space_t *s, uint64_t limit,
                           uint64_t *valid);

#endif
