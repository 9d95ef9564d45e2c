/* expr.c - restriction expressions: a Python-subset parser that builds a
 * small tree, type-checks it against the space (numbers and texts), and
 * emits a stack program evaluated at value indices (expr.h).
 *
 * Texts are interned in sorted order, so a text is a number (its rank) in
 * the program and == < > on texts are comparisons of ranks. and / or
 * short-circuit, so `y != 0 and x / y > 2` never divides by zero. */
#include "ictune/expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

#define MAX_NODES 4096
#define MAX_DEPTH 200           /* nesting of the parser */
#define MAX_STACK 256

enum { T_NUM, T_STR, T_BOOL };
enum { N_NUM, N_STR, N_PARAM, N_NEG, N_NOT, N_BIN, N_CMP, N_AND, N_OR, N_IN };
enum {                          /* program ops */
    OP_PUSH, OP_LOAD, OP_NEG, OP_NOT, OP_TRUTH, OP_ADD, OP_SUB, OP_MUL,
    OP_DIV, OP_FDIV, OP_MOD, OP_POW, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ,
    OP_NE, OP_IN, OP_NOTIN, OP_JZ, OP_JNZ, OP_POP, OP_END
};

typedef struct node {
    int kind, op, type;
    int a, b;                   /* children (node indices) */
    double num;                 /* N_NUM */
    const char *str;            /* N_STR: into the text; length slen */
    size_t slen;
    size_t param;               /* N_PARAM */
    int list, nlist;            /* N_IN: constants at lits[list..) */
    size_t pos;
} node_t;

typedef struct ins { int op; int arg; double k; } ins_t;

struct ict_expr {
    size_t D;
    unsigned char *used;
    double **vals;              /* per used parameter, by value index */
    ins_t *code;
    size_t ncode;
    double *lists;              /* IN's constants */
    size_t nused;
};

typedef struct lit { int is_str; double num; const char *s; size_t len; } lit_t;

typedef struct parser {
    const char *text, *p;
    const ict_space_t *sp;
    ict_error_t *err;
    size_t where;
    int failed;
    node_t *nodes;
    int nn;
    lit_t *lits;
    int nlits, litcap;
    int depth;
    /* the current token */
    int tok;
    const char *ts;             /* its start */
    size_t tl;
    double tnum;
} parser_t;

enum { K_END, K_NUM, K_STR, K_NAME, K_OP, K_BAD };

/* ---- tokens ---- */

static int fail(parser_t *P, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(parser_t *P, size_t pos, const char *fmt, ...)
{
    if (P->failed)
        return -1;
    P->failed = 1;
    P->where = pos;
    char msg[ICT_ERROR_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ict_errorf(P->err, -EINVAL, "%s", msg);
    return -1;
}

static size_t at(const parser_t *P) { return (size_t)(P->ts - P->text); }

static const char *const ops3[] = {"**", "//", "<=", ">=", "==", "!=", NULL};

static void lex(parser_t *P)
{
    const char *p = P->p;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    P->ts = p;
    if (!*p) {
        P->tok = K_END;
        P->tl = 0;
        P->p = p;
        return;
    }
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        const char *q = p;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == '.') {
            q++;
            while (isdigit((unsigned char)*q))
                q++;
        }
        if ((*q == 'e' || *q == 'E') &&
            (isdigit((unsigned char)q[1]) ||
             ((q[1] == '+' || q[1] == '-') && isdigit((unsigned char)q[2])))) {
            q += 2;
            while (isdigit((unsigned char)*q))
                q++;
        }
        char buf[64];
        size_t n = (size_t)(q - p);
        if (n >= sizeof buf || isalpha((unsigned char)*q) || *q == '_') {
            while (isalnum((unsigned char)*q) || *q == '_' || *q == '.')
                q++;
            n = (size_t)(q - p);
            P->tok = K_BAD;
            P->tl = n ? n : 1;
            P->p = q;
            return;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        P->tnum = strtod(buf, NULL);
        P->tok = K_NUM;
        P->tl = n;
        P->p = q;
        return;
    }
    if (isalpha((unsigned char)*p) || *p == '_') {
        const char *q = p;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        P->tok = K_NAME;
        P->tl = (size_t)(q - p);
        P->p = q;
        return;
    }
    if (*p == '\'' || *p == '"') {
        const char *q = strchr(p + 1, *p);
        if (!q) {
            P->tok = K_BAD;
            P->tl = strlen(p);
            P->p = p + P->tl;
            return;
        }
        P->tok = K_STR;
        P->tl = (size_t)(q + 1 - p);
        P->p = q + 1;
        return;
    }
    for (size_t i = 0; ops3[i]; i++)
        if (!strncmp(p, ops3[i], 2)) {
            P->tok = K_OP;
            P->tl = 2;
            P->p = p + 2;
            return;
        }
    if (strchr("+-*/%<>()[],", *p)) {
        P->tok = K_OP;
        P->tl = 1;
        P->p = p + 1;
        return;
    }
    P->tok = K_BAD;
    P->tl = (p[0] == '&' && p[1] == '&') || (p[0] == '|' && p[1] == '|') ? 2 : 1;
    P->p = p + P->tl;
}

static int is(const parser_t *P, const char *s)
{
    return (P->tok == K_OP || P->tok == K_NAME) && P->tl == strlen(s) &&
           !strncmp(P->ts, s, P->tl);
}

/* "'x'" or "the end" for messages */
static const char *shown(const parser_t *P, char *buf, size_t size)
{
    if (P->tok == K_END)
        return "the end of the expression";
    snprintf(buf, size, "'%.*s'", (int)(P->tl > 40 ? 40 : P->tl), P->ts);
    return buf;
}

static int bad_token(parser_t *P, const char *expected)
{
    char b[64];
    const char *hint = "";
    if (is(P, "&&") || (P->tl == 2 && !strncmp(P->ts, "&&", 2)))
        hint = " (Python spells it 'and')";
    else if (P->tl == 2 && !strncmp(P->ts, "||", 2))
        hint = " (Python spells it 'or')";
    else if (P->tl == 1 && *P->ts == '!')
        hint = " (Python spells it 'not')";
    else if (P->tl == 1 && *P->ts == '=')
        hint = " (a comparison is '==')";
    else if (P->tl == 1 && *P->ts == '^')
        hint = " (a power is '**')";
    else if (P->tok == K_BAD && (*P->ts == '\'' || *P->ts == '"'))
        hint = " (the text is not closed)";
    return fail(P, at(P), "found %s%s; expected %s", shown(P, b, sizeof b),
                hint, expected);
}

/* ---- the tree ---- */

static int mk(parser_t *P, int kind, int op, int type, int a, int b, size_t pos)
{
    if (P->nn >= MAX_NODES)
        return fail(P, pos, "the expression is too long; expected at most "
                    "%d terms", MAX_NODES / 2);
    node_t *n = &P->nodes[P->nn];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->op = op;
    n->type = type;
    n->a = a;
    n->b = b;
    n->pos = pos;
    return P->nn++;
}

static int expr_or(parser_t *P);

static const char *type_name(int t)
{
    return t == T_STR ? "a text" : t == T_BOOL ? "a truth value" : "a number";
}

static int need_num(parser_t *P, int x, size_t pos, const char *what)
{
    if (x < 0)
        return -1;
    if (P->nodes[x].type == T_STR) {
        const node_t *n = &P->nodes[x];
        if (n->kind == N_PARAM)
            return fail(P, pos, "%s needs numbers, but '%s' is a parameter of "
                        "text values", what, ict_space_name(P->sp, n->param));
        return fail(P, pos, "%s needs numbers; found a text", what);
    }
    return 0;
}

static int atom(parser_t *P)
{
    size_t pos = at(P);
    if (P->tok == K_NUM) {
        int n = mk(P, N_NUM, 0, T_NUM, -1, -1, pos);
        if (n >= 0)
            P->nodes[n].num = P->tnum;
        lex(P);
        return n;
    }
    if (P->tok == K_STR) {
        int n = mk(P, N_STR, 0, T_STR, -1, -1, pos);
        if (n >= 0) {
            P->nodes[n].str = P->ts + 1;
            P->nodes[n].slen = P->tl - 2;
        }
        lex(P);
        return n;
    }
    if (is(P, "(")) {
        lex(P);
        int x = expr_or(P);
        if (x < 0)
            return -1;
        if (!is(P, ")"))
            return bad_token(P, "')'");
        lex(P);
        return x;
    }
    if (P->tok == K_NAME) {
        if (is(P, "True") || is(P, "False")) {
            int n = mk(P, N_NUM, 0, T_BOOL, -1, -1, pos);
            if (n >= 0)
                P->nodes[n].num = is(P, "True");
            lex(P);
            return n;
        }
        static const char *const kw[] = {"and", "or", "not", "in", NULL};
        for (size_t i = 0; kw[i]; i++)
            if (is(P, kw[i]))
                return bad_token(P, "a number, a text, a parameter or '('");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(P->tl < 127 ? P->tl : 127), P->ts);
        int a = ict_space_find(P->sp, name);
        if (a < 0) {
            size_t D = ict_space_dims(P->sp);
            const char **known = calloc(D + 1, sizeof *known);
            if (!known)
                return fail(P, pos, "out of memory");
            for (size_t i = 0; i < D; i++)
                known[i] = ict_space_name(P->sp, i);
            char list[512], hint[160];
            ict__hint(name, known, list, sizeof list, hint, sizeof hint);
            free(known);
            return fail(P, pos, "unknown name '%s'%s; expected a parameter "
                        "(%s), a number or a text in quotes", name, hint, list);
        }
        int t = T_NUM;
        for (size_t i = 0; i < ict_space_count(P->sp, (size_t)a); i++)
            if (!ict_space_value(P->sp, (size_t)a, i)->is_num)
                t = T_STR;
        int n = mk(P, N_PARAM, 0, t, -1, -1, pos);
        if (n >= 0)
            P->nodes[n].param = (size_t)a;
        lex(P);
        return n;
    }
    return bad_token(P, "a number, a text, a parameter or '('");
}

static int unary(parser_t *P);

static int power(parser_t *P)
{
    int x = atom(P);
    if (x < 0 || !is(P, "**"))
        return x;
    size_t pos = at(P);
    lex(P);
    int y = unary(P);           /* right-grouping; 2**-1 is allowed */
    if (y < 0 || need_num(P, x, pos, "'**'") || need_num(P, y, pos, "'**'"))
        return -1;
    return mk(P, N_BIN, OP_POW, T_NUM, x, y, pos);
}

static int unary(parser_t *P)
{
    if (is(P, "-") || is(P, "+")) {
        size_t pos = at(P);
        int neg = is(P, "-");
        lex(P);
        if (++P->depth > MAX_DEPTH)
            return fail(P, pos, "nested too deeply; expected at most %d "
                        "levels", MAX_DEPTH);
        int x = unary(P);
        P->depth--;
        if (x < 0 || need_num(P, x, pos, neg ? "'-'" : "'+'"))
            return -1;
        return neg ? mk(P, N_NEG, 0, T_NUM, x, -1, pos) : x;
    }
    return power(P);
}

static int term(parser_t *P)
{
    int x = unary(P);
    while (x >= 0 && (is(P, "*") || is(P, "/") || is(P, "//") || is(P, "%"))) {
        int op = is(P, "*") ? OP_MUL : is(P, "/") ? OP_DIV : is(P, "//") ? OP_FDIV
                                                                           : OP_MOD;
        size_t pos = at(P);
        char what[8];
        snprintf(what, sizeof what, "'%.*s'", (int)P->tl, P->ts);
        lex(P);
        int y = unary(P);
        if (y < 0 || need_num(P, x, pos, what) || need_num(P, y, pos, what))
            return -1;
        x = mk(P, N_BIN, op, T_NUM, x, y, pos);
    }
    return x;
}

static int arith(parser_t *P)
{
    int x = term(P);
    while (x >= 0 && (is(P, "+") || is(P, "-"))) {
        int op = is(P, "+") ? OP_ADD : OP_SUB;
        size_t pos = at(P);
        lex(P);
        int y = term(P);
        if (y < 0 || need_num(P, x, pos, op == OP_ADD ? "'+'" : "'-'") ||
            need_num(P, y, pos, op == OP_ADD ? "'+'" : "'-'"))
            return -1;
        x = mk(P, N_BIN, op, T_NUM, x, y, pos);
    }
    return x;
}

static int push_lit(parser_t *P, lit_t l)
{
    if (P->nlits == P->litcap) {
        int cap = P->litcap ? 2 * P->litcap : 16;
        lit_t *n = realloc(P->lits, (size_t)cap * sizeof *n);
        if (!n)
            return fail(P, at(P), "out of memory");
        P->lits = n;
        P->litcap = cap;
    }
    P->lits[P->nlits++] = l;
    return 0;
}

/* in [c, c, ...] or (c, c, ...): constants only */
static int in_list(parser_t *P, int x, int negate, size_t pos)
{
    char b[64];
    int close;
    if (is(P, "["))
        close = ']';
    else if (is(P, "("))
        close = ')';
    else
        return bad_token(P, "a list such as [1, 2, 4] after 'in'");
    lex(P);
    int first = P->nlits, type = P->nodes[x].type == T_STR ? T_STR : T_NUM;
    while (!(P->tok == K_OP && P->tl == 1 && *P->ts == close)) {
        lit_t l = {0, 0, NULL, 0};
        int sign = 1;
        size_t lpos = at(P);
        while (is(P, "-") || is(P, "+")) {
            sign = is(P, "-") ? -sign : sign;
            lex(P);
        }
        if (P->tok == K_NUM) {
            l.num = sign * P->tnum;
        } else if (is(P, "True") || is(P, "False")) {
            l.num = sign * (double)is(P, "True");
        } else if (P->tok == K_STR && sign == 1) {
            l.is_str = 1;
            l.s = P->ts + 1;
            l.len = P->tl - 2;
        } else {
            return bad_token(P, "a number or a text in quotes (the list after "
                             "'in' holds constants)");
        }
        if (l.is_str != (type == T_STR))
            return fail(P, lpos, "found %s in the list; expected %s, as the "
                        "left of 'in' is %s", shown(P, b, sizeof b),
                        type == T_STR ? "a text in quotes" : "a number",
                        type_name(type));
        if (push_lit(P, l))
            return -1;
        lex(P);
        if (is(P, ","))
            lex(P);
        else if (!(P->tok == K_OP && P->tl == 1 && *P->ts == close))
            return bad_token(P, close == ']' ? "',' or ']'" : "',' or ')'");
    }
    lex(P);
    int n = mk(P, N_IN, negate, T_BOOL, x, -1, pos);
    if (n >= 0) {
        P->nodes[n].list = first;
        P->nodes[n].nlist = P->nlits - first;
    }
    return n;
}

static int cmp_op(const parser_t *P)
{
    return is(P, "<") ? OP_LT : is(P, "<=") ? OP_LE : is(P, ">") ? OP_GT
         : is(P, ">=") ? OP_GE : is(P, "==") ? OP_EQ : is(P, "!=") ? OP_NE : -1;
}

static int comparison(parser_t *P)
{
    int x = arith(P), result = -1;
    while (x >= 0) {
        size_t pos = at(P);
        int op = cmp_op(P), c;
        if (op >= 0) {
            char what[8];
            snprintf(what, sizeof what, "%.*s", (int)P->tl, P->ts);
            lex(P);
            int y = arith(P);
            if (y < 0)
                return -1;
            int tx = P->nodes[x].type, ty = P->nodes[y].type;
            if ((tx == T_STR) != (ty == T_STR))
                return fail(P, pos, "'%s' compares %s with %s; expected two "
                            "numbers or two texts (a text value is written in "
                            "quotes)", what, type_name(tx), type_name(ty));
            c = mk(P, N_CMP, op, T_BOOL, x, y, pos);
            x = y;              /* a < b < c: (a < b) and (b < c) */
        } else if (is(P, "in") || is(P, "not")) {
            int negate = is(P, "not");
            lex(P);
            if (negate && !is(P, "in"))
                return bad_token(P, "'in' after 'not' here");
            if (negate)
                lex(P);
            c = in_list(P, x, negate, pos);
            x = -2;             /* no chain after a list */
        } else {
            break;
        }
        if (c < 0)
            return -1;
        result = result < 0 ? c : mk(P, N_AND, 0, T_BOOL, result, c, pos);
        if (x == -2)
            break;
    }
    if (x == -1)
        return -1;
    return result >= 0 ? result : x;
}

static int not_expr(parser_t *P)
{
    if (is(P, "not")) {
        size_t pos = at(P);
        lex(P);
        if (++P->depth > MAX_DEPTH)
            return fail(P, pos, "nested too deeply; expected at most %d "
                        "levels", MAX_DEPTH);
        int x = not_expr(P);
        P->depth--;
        return x < 0 ? -1 : mk(P, N_NOT, 0, T_BOOL, x, -1, pos);
    }
    return comparison(P);
}

static int and_expr(parser_t *P)
{
    int x = not_expr(P);
    while (x >= 0 && is(P, "and")) {
        size_t pos = at(P);
        lex(P);
        int y = not_expr(P);
        x = y < 0 ? -1 : mk(P, N_AND, 0, T_BOOL, x, y, pos);
    }
    return x;
}

static int expr_or(parser_t *P)
{
    if (++P->depth > MAX_DEPTH)
        return fail(P, at(P), "nested too deeply; expected at most %d levels",
                    MAX_DEPTH);
    int x = and_expr(P);
    while (x >= 0 && is(P, "or")) {
        size_t pos = at(P);
        lex(P);
        int y = and_expr(P);
        x = y < 0 ? -1 : mk(P, N_OR, 0, T_BOOL, x, y, pos);
    }
    P->depth--;
    return x;
}

/* ---- texts: interned in sorted order ---- */

typedef struct sref { const char *s; size_t len; } sref_t;

static int sref_cmp(const void *a, const void *b)
{
    const sref_t *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static double rank_of(const sref_t *tab, size_t n, const char *s, size_t len)
{
    sref_t key = {s, len};
    const sref_t *f = bsearch(&key, tab, n, sizeof *tab, sref_cmp);
    return f ? (double)(f - tab) : -1;
}

/* ---- code ---- */

typedef struct gen {
    ict_expr_t *e;
    const parser_t *P;
    const sref_t *tab;
    size_t ntab, cap;
    int depth, max;
} gen_t;

static int emit(gen_t *g, int op, int arg, double k)
{
    if (g->e->ncode == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 32;
        ins_t *n = realloc(g->e->code, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        g->e->code = n;
        g->cap = cap;
    }
    g->e->code[g->e->ncode++] = (ins_t){op, arg, k};
    switch (op) {
    case OP_PUSH: case OP_LOAD:
        if (++g->depth > g->max)
            g->max = g->depth;
        break;
    case OP_NEG: case OP_NOT: case OP_TRUTH: case OP_IN: case OP_NOTIN:
    case OP_JZ: case OP_JNZ: case OP_END:
        break;
    default:
        g->depth--;             /* binary ops and POP */
    }
    return 0;
}

static int gen_node(gen_t *g, int i)
{
    const node_t *n = &g->P->nodes[i];
    int rc;
    switch (n->kind) {
    case N_NUM:
        return emit(g, OP_PUSH, 0, n->num);
    case N_STR:
        return emit(g, OP_PUSH, 0, rank_of(g->tab, g->ntab, n->str, n->slen));
    case N_PARAM:
        return emit(g, OP_LOAD, (int)n->param, 0);
    case N_NEG:
    case N_NOT:
        if ((rc = gen_node(g, n->a)))
            return rc;
        return emit(g, n->kind == N_NEG ? OP_NEG : OP_NOT, 0, 0);
    case N_BIN:
    case N_CMP:
        if ((rc = gen_node(g, n->a)) || (rc = gen_node(g, n->b)))
            return rc;
        return emit(g, n->op, 0, 0);
    case N_IN:
        if ((rc = gen_node(g, n->a)))
            return rc;
        return emit(g, n->op ? OP_NOTIN : OP_IN, n->list, (double)n->nlist);
    case N_AND:
    case N_OR: {
        if ((rc = gen_node(g, n->a)) || (rc = emit(g, OP_TRUTH, 0, 0)))
            return rc;
        size_t jump = g->e->ncode;
        if ((rc = emit(g, n->kind == N_AND ? OP_JZ : OP_JNZ, 0, 0)) ||
            (rc = emit(g, OP_POP, 0, 0)) || (rc = gen_node(g, n->b)) ||
            (rc = emit(g, OP_TRUTH, 0, 0)))
            return rc;
        g->e->code[jump].arg = (int)g->e->ncode;
        return 0;
    }
    }
    return -EINVAL;
}

void ict_expr_free(ict_expr_t *e)
{
    if (!e)
        return;
    for (size_t a = 0; a < e->D; a++)
        free(e->vals ? e->vals[a] : NULL);
    free(e->vals);
    free(e->used);
    free(e->code);
    free(e->lists);
    free(e);
}

int ict_expr_compile(ict_expr_t **out, const ict_space_t *s, const char *text,
                     size_t *where, ict_error_t *err)
{
    parser_t P = {0};
    P.text = P.p = text;
    P.sp = s;
    P.err = err;
    if (where)
        *where = 0;
    P.nodes = malloc(MAX_NODES * sizeof *P.nodes);
    if (!P.nodes)
        return -ENOMEM;
    lex(&P);
    int root = -1;
    if (P.tok == K_END)
        fail(&P, 0, "the expression is empty; expected one such as "
             "\"block_x * block_y <= 1024\"");
    else
        root = expr_or(&P);
    if (root >= 0 && P.tok != K_END)
        root = bad_token(&P, "an operator (and, or, ==, <, +, ...) or the end");
    int rc = 0;
    size_t D = ict_space_dims(s);
    ict_expr_t *e = NULL;
    if (root < 0) {
        rc = -EINVAL;
        goto done;
    }
    e = calloc(1, sizeof *e);
    if (!e || !(e->used = calloc(D + 1, 1)) ||
        !(e->vals = calloc(D + 1, sizeof *e->vals))) {
        rc = -ENOMEM;
        goto done;
    }
    e->D = D;
    for (int i = 0; i < P.nn; i++)
        if (P.nodes[i].kind == N_PARAM && !e->used[P.nodes[i].param]) {
            e->used[P.nodes[i].param] = 1;
            e->nused++;
        }
    if (!e->nused) {
        fail(&P, 0, "the expression names no parameter; expected a condition "
             "on parameters, such as \"block_x * block_y <= 1024\"");
        rc = -EINVAL;
        goto done;
    }
    /* the texts: of the text parameters read, and the constants */
    unsigned char *istext = calloc(D + 1, 1);
    size_t ntab = (size_t)P.nn + (size_t)P.nlits;
    for (size_t a = 0; a < D; a++)
        if (e->used[a]) {
            for (size_t v = 0; v < ict_space_count(s, a); v++)
                istext[a] |= !ict_space_value(s, a, v)->is_num;
            if (istext[a])
                ntab += ict_space_count(s, a);
        }
    sref_t *tab = malloc((ntab + 1) * sizeof *tab);
    if (!tab || !istext) {
        free(tab);
        free(istext);
        rc = -ENOMEM;
        goto done;
    }
    ntab = 0;
    for (size_t a = 0; a < D; a++)
        for (size_t v = 0; istext[a] && v < ict_space_count(s, a); v++) {
            const char *t = ict_space_value(s, a, v)->text;
            tab[ntab++] = (sref_t){t, strlen(t)};
        }
    for (int i = 0; i < P.nn; i++)
        if (P.nodes[i].kind == N_STR)
            tab[ntab++] = (sref_t){P.nodes[i].str, P.nodes[i].slen};
    for (int i = 0; i < P.nlits; i++)
        if (P.lits[i].is_str)
            tab[ntab++] = (sref_t){P.lits[i].s, P.lits[i].len};
    qsort(tab, ntab, sizeof *tab, sref_cmp);
    size_t u = 0;
    for (size_t i = 0; i < ntab; i++)
        if (!u || sref_cmp(&tab[u - 1], &tab[i]))
            tab[u++] = tab[i];
    ntab = u;
    for (size_t a = 0; a < D && !rc; a++) {
        if (!e->used[a])
            continue;
        size_t n = ict_space_count(s, a);
        if (!(e->vals[a] = malloc((n ? n : 1) * sizeof **e->vals))) {
            rc = -ENOMEM;
            break;
        }
        for (size_t v = 0; v < n; v++) {
            const ict_value_t *x = ict_space_value(s, a, v);
            e->vals[a][v] = istext[a] ? rank_of(tab, ntab, x->text, strlen(x->text))
                                 : x->num;
        }
    }
    if (!rc && P.nlits && !(e->lists = malloc((size_t)P.nlits * sizeof *e->lists)))
        rc = -ENOMEM;
    for (int i = 0; !rc && i < P.nlits; i++)
        e->lists[i] = P.lits[i].is_str ? rank_of(tab, ntab, P.lits[i].s, P.lits[i].len)
                                       : P.lits[i].num;
    if (!rc) {
        gen_t g = {e, &P, tab, ntab, 0, 0, 0};
        rc = gen_node(&g, root);
        if (!rc)
            rc = emit(&g, OP_END, 0, 0);
        if (!rc && g.max > MAX_STACK) {
            fail(&P, 0, "the expression needs %d stack places; expected at "
                 "most %d (split it into several restrictions)", g.max, MAX_STACK);
            rc = -EINVAL;
        }
    }
    free(tab);
    free(istext);
done:
    if (P.failed) {
        rc = -EINVAL;
        if (where)
            *where = P.where;
    }
    free(P.nodes);
    free(P.lits);
    if (rc) {
        ict_expr_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

/* Python's floor division and modulo, on doubles. */
static double floordiv(double a, double b) { return floor(a / b); }
static double fmod_py(double a, double b)
{
    double r = fmod(a, b);
    return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

int ict_expr_eval(const ict_expr_t *e, const int32_t *idx)
{
    double st[MAX_STACK + 1];
    int sp = -1;
    const ins_t *code = e->code;
    for (size_t pc = 0;; pc++) {
        const ins_t *in = &code[pc];
        double x;
        switch (in->op) {
        case OP_PUSH: st[++sp] = in->k; break;
        case OP_LOAD: st[++sp] = e->vals[in->arg][idx[in->arg]]; break;
        case OP_NEG: st[sp] = -st[sp]; break;
        case OP_NOT: st[sp] = st[sp] == 0; break;
        case OP_TRUTH: st[sp] = st[sp] != 0; break;
        case OP_ADD: x = st[sp--]; st[sp] += x; break;
        case OP_SUB: x = st[sp--]; st[sp] -= x; break;
        case OP_MUL: x = st[sp--]; st[sp] *= x; break;
        case OP_DIV:
            x = st[sp--];
            if (x == 0)
                return 0;
            st[sp] /= x;
            break;
        case OP_FDIV:
            x = st[sp--];
            if (x == 0)
                return 0;
            st[sp] = floordiv(st[sp], x);
            break;
        case OP_MOD:
            x = st[sp--];
            if (x == 0)
                return 0;
            st[sp] = fmod_py(st[sp], x);
            break;
        case OP_POW:
            x = st[sp--];
            if (st[sp] == 0 && x < 0)
                return 0;       /* 0 ** -1: a division by zero */
            st[sp] = pow(st[sp], x);
            break;
        case OP_LT: x = st[sp--]; st[sp] = st[sp] < x; break;
        case OP_LE: x = st[sp--]; st[sp] = st[sp] <= x; break;
        case OP_GT: x = st[sp--]; st[sp] = st[sp] > x; break;
        case OP_GE: x = st[sp--]; st[sp] = st[sp] >= x; break;
        case OP_EQ: x = st[sp--]; st[sp] = st[sp] == x; break;
        case OP_NE: x = st[sp--]; st[sp] = st[sp] != x; break;
        case OP_IN:
        case OP_NOTIN: {
            int found = 0;
            for (int i = 0; i < (int)in->k && !found; i++)
                found = e->lists[in->arg + i] == st[sp];
            st[sp] = in->op == OP_IN ? found : !found;
            break;
        }
        case OP_JZ:
            if (st[sp] == 0)
                pc = (size_t)in->arg - 1;
            break;
        case OP_JNZ:
            if (st[sp] != 0)
                pc = (size_t)in->arg - 1;
            break;
        case OP_POP: sp--; break;
        default:                /* OP_END */
            return sp >= 0 && st[sp] != 0 && !isnan(st[sp]);
        }
    }
}

int ict_expr_uses(const ict_expr_t *e, size_t a) { return a < e->D && e->used[a]; }
size_t ict_expr_nused(const ict_expr_t *e) { return e->nused; }

int ict_restrictions_hold(ict_expr_t *const *e, size_t n, const int32_t *idx)
{
    for (size_t i = 0; i < n; i++)
        if (!ict_expr_eval(e[i], idx))
            return 0;
    return 1;
}

int ict_restrictions_count(ict_expr_t *const *e, size_t n,
                           const ict_space_t *s, uint64_t limit,
                           uint64_t *valid)
{
    size_t D = ict_space_dims(s), nu = 0;
    size_t *use = malloc((D + 1) * sizeof *use);
    int32_t *idx = calloc(D + 1, sizeof *idx);
    if (!use || !idx) {
        free(use);
        free(idx);
        return -ENOMEM;
    }
    uint64_t inner = 1, rest = 1;
    for (size_t a = 0; a < D; a++) {
        int u = 0;
        for (size_t i = 0; i < n; i++)
            u |= ict_expr_uses(e[i], a);
        uint64_t c = ict_space_count(s, a);
        if (u) {
            use[nu++] = a;
            if (inner > limit / (c ? c : 1)) {
                free(use);
                free(idx);
                return -E2BIG;
            }
            inner *= c;
        } else {
            rest *= c;
        }
    }
    uint64_t count = 0;
    for (uint64_t k = 0; k < inner; k++) {
        count += (uint64_t)ict_restrictions_hold(e, n, idx);
        for (size_t j = nu; j-- > 0;) {        /* the odometer: last fastest */
            size_t a = use[j];
            if (++idx[a] < (int32_t)ict_space_count(s, a))
                break;
            idx[a] = 0;
        }
    }
    free(use);
    free(idx);
    *valid = count * rest;
    return 0;
}
