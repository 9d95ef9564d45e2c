/* command.c - placeholder scanning, shell quoting and command rendering.
 *
 * The string form is handed to /bin/sh -c, so every substituted value is
 * single-quoted: a categorical value such as  a b'c$(x)  reaches the program
 * as one literal argument. The list form is exec'd directly. */
#include "ictune/command.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int ident_start(int c) { return isalpha(c) || c == '_'; }
static int ident_char(int c) { return isalnum(c) || c == '_'; }

int ict_placeholder_scan(const char *str, ict_placeholder_f fn, void *ud)
{
    for (size_t i = 0; str[i]; i++) {
        if (str[i] != '{')
            continue;
        if (str[i + 1] == '{') {        /* "{{" is a literal brace */
            i++;
            continue;
        }
        if (i > 0 && str[i - 1] == '$')  /* ${VAR}: the shell's */
            continue;
        size_t j = i + 1;
        if (!ident_start((unsigned char)str[j]))
            continue;
        while (ident_char((unsigned char)str[j]))
            j++;
        if (str[j] != '}')
            continue;
        int rc = fn(ud, i, str + i + 1, j - i - 1);
        if (rc)
            return rc;
        i = j;
    }
    return 0;
}

/* Quote s for where it lands in a /bin/sh command line: outside quotes it
 * is single-quoted; inside '...' each ' becomes '\'' ; inside "..." the
 * characters \ " $ ` are backslash-escaped. Returns a new string. */
static char *quote_in(const char *s, int ctx)
{
    ict__buf_t b = {0};
    if (ctx == 0)
        ict__buf_add(&b, "'", 1);
    for (; *s; s++) {
        if (ctx != 2 && *s == '\'')
            ict__buf_adds(&b, "'\\''");
        else if (ctx == 2 && strchr("\\\"$`", *s)) {
            ict__buf_add(&b, "\\", 1);
            ict__buf_add(&b, s, 1);
        } else
            ict__buf_add(&b, s, 1);
    }
    if (ctx == 0)
        ict__buf_add(&b, "'", 1);
    return ict__buf_take(&b);
}

char *ict_shell_quote(const char *s)
{
    ict__buf_t b = {0};
    ict__buf_add(&b, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            ict__buf_adds(&b, "'\\''");
        else
            ict__buf_add(&b, s, 1);
    }
    ict__buf_add(&b, "'", 1);
    return ict__buf_take(&b);
}

typedef struct render {
    const ict_space_t *space;
    const int32_t *idx;
    const ict_render_vars_t *vars;
    int quote;
    ict_error_t *err;
} render_t;

static int lookup(const render_t *r, const char *name, size_t len,
                  char *tmp, size_t tmpsize, const char **out)
{
    if (len == 2 && !memcmp(name, "id", 2)) {
        snprintf(tmp, tmpsize, "%lld", r->vars ? r->vars->id : 0LL);
        *out = tmp;
        return 0;
    }
    if (len == 7 && !memcmp(name, "run_dir", 7)) {
        *out = r->vars && r->vars->run_dir ? r->vars->run_dir : "";
        return 0;
    }
    if (len == 11 && !memcmp(name, "prepare_dir", 11)) {
        if (!r->vars || !r->vars->prepare_dir)
            return ict_errorf(r->err, -EINVAL,
                              "{prepare_dir} is used but there is no "
                              "prepare step");
        *out = r->vars->prepare_dir;
        return 0;
    }
    if (r->space) {
        for (size_t a = 0; a < ict_space_dims(r->space); a++) {
            const char *pn = ict_space_name(r->space, a);
            if (strlen(pn) == len && !memcmp(pn, name, len)) {
                if (!r->idx)
                    return ict_errorf(r->err, -EINVAL,
                                      "{%s}: parameters are not available "
                                      "to the prepare step", pn);
                *out = ict_space_value(r->space, a, (size_t)r->idx[a])->text;
                return 0;
            }
        }
    }
    return ict_errorf(r->err, -EINVAL, "unknown placeholder {%.*s}",
                      (int)len, name);
}

/* Track the shell's quoting context of str[from..to) (0 none, 1 '...',
 * 2 "..."), so a value is quoted for where it lands. */
static int advance_ctx(int ctx, const char *str, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        char ch = str[i];
        if (ctx == 1) {
            if (ch == '\'')
                ctx = 0;
        } else if (ch == '\\' && i + 1 < to) {
            i++;                        /* an escaped character */
        } else if (ctx == 2) {
            if (ch == '"')
                ctx = 0;
        } else if (ch == '\'') {
            ctx = 1;
        } else if (ch == '"') {
            ctx = 2;
        }
    }
    return ctx;
}

static char *render_one(const render_t *r, const char *str, int *rc)
{
    ict__buf_t b = {0};
    size_t i = 0;
    int ctx = 0;
    *rc = 0;
    while (str[i]) {
        const char *brace = strchr(str + i, '{');
        if (!brace) {
            ict__buf_adds(&b, str + i);
            break;
        }
        size_t k = (size_t)(brace - str);
        ict__buf_add(&b, str + i, k - i);
        ctx = advance_ctx(ctx, str, i, k);
        if (str[k + 1] == '{') {
            ict__buf_add(&b, "{", 1);
            i = k + 2;
            continue;
        }
        size_t j = k + 1;
        int is_ph = !(k > 0 && str[k - 1] == '$') &&
                    ident_start((unsigned char)str[j]);
        if (is_ph) {
            while (ident_char((unsigned char)str[j]))
                j++;
            is_ph = str[j] == '}';
        }
        if (!is_ph) {
            ict__buf_add(&b, "{", 1);
            i = k + 1;
            continue;
        }
        char tmp[32];
        const char *val = "";
        *rc = lookup(r, str + k + 1, j - k - 1, tmp, sizeof tmp, &val);
        if (*rc) {
            ict__buf_fini(&b);
            return NULL;
        }
        if (r->quote) {
            char *q = quote_in(val, ctx);
            if (!q) {
                ict__buf_fini(&b);
                *rc = -ENOMEM;
                return NULL;
            }
            ict__buf_adds(&b, q);
            free(q);
        } else {
            ict__buf_adds(&b, val);
        }
        i = j + 1;
    }
    char *out = ict__buf_take(&b);
    if (!out && !*rc)
        *rc = -ENOMEM;
    return out;
}

int ict_command_render(const ict_command_t *cmd, const ict_space_t *space,
                       const int32_t *idx, const ict_render_vars_t *vars,
                       char ***argv_out, ict_error_t *err)
{
    render_t r = {space, idx, vars, cmd->shell != NULL, err};
    size_t n = cmd->shell ? 3 : cmd->argc;
    char **tmp = calloc(n ? n : 1, sizeof *tmp);
    if (!tmp)
        return -ENOMEM;
    int rc = 0;
    if (cmd->shell) {
        tmp[0] = strdup("/bin/sh");
        tmp[1] = strdup("-c");
        tmp[2] = render_one(&r, cmd->shell, &rc);
    } else {
        for (size_t i = 0; i < n && !rc; i++)
            tmp[i] = render_one(&r, cmd->argv[i], &rc);
    }
    size_t bytes = (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n && !rc; i++) {
        if (!tmp[i])
            rc = -ENOMEM;
        else
            bytes += strlen(tmp[i]) + 1;
    }
    char **argv = NULL;
    if (!rc && n == 0)
        rc = ict_errorf(err, -EINVAL, "the command is empty");
    if (!rc && !(argv = malloc(bytes)))
        rc = -ENOMEM;
    if (!rc) {
        char *p = (char *)(argv + n + 1);
        for (size_t i = 0; i < n; i++) {
            size_t l = strlen(tmp[i]) + 1;
            memcpy(p, tmp[i], l);
            argv[i] = p;
            p += l;
        }
        argv[n] = NULL;
        *argv_out = argv;
    }
    for (size_t i = 0; i < n; i++)
        free(tmp[i]);
    free(tmp);
    return rc;
}
