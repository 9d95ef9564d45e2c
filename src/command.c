/* command.c - placeholder scanning, values out of band, command rendering.
 *
 * The string form is handed to /bin/sh -c. A value never enters the
 * script's text: {v} becomes a reference to the variable ICTUNE_PARAM_V
 * (and {run_dir}, {prepare_dir} to ICTUNE_RUN_DIR, ICTUNE_PREPARE_DIR),
 * set in the program's environment, so whatever the value holds, and
 * whatever the script does around it (quotes, here-documents, $(...)),
 * the shell expands it as data and never parses it as code. Only the form
 * of the reference follows the quoting around it: "${X}" outside quotes,
 * ${X} inside "...", '"${X}"' inside '...'. The list form is exec'd
 * directly with the values as they are. */
#include "ictune/command.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ictune/launch.h"

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

void ict_param_env_name(const char *param, char *buf, size_t size)
{
    size_t k = (size_t)snprintf(buf, size, "ICTUNE_PARAM_");
    for (; *param && k + 1 < size; param++)
        buf[k++] = (char)toupper((unsigned char)*param);
    if (k < size)
        buf[k] = '\0';
}

/* The reference to variable `var` for where it lands in a /bin/sh line
 * (ctx 0 none, 1 inside '...', 2 inside "..."). */
static void reference(ict__buf_t *b, const char *var, int ctx)
{
    if (ctx == 1)
        ict__buf_printf(b, "'\"${%s}\"'", var);
    else if (ctx == 2)
        ict__buf_printf(b, "${%s}", var);
    else
        ict__buf_printf(b, "\"${%s}\"", var);
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

/* The value of placeholder name, and the variable that carries it to the
 * program ("" for {id}, a number that is written as it is). */
static int lookup(const render_t *r, const char *name, size_t len,
                  char *tmp, size_t tmpsize, const char **out,
                  char *var, size_t varsize)
{
    var[0] = '\0';
    if (len == 2 && !memcmp(name, "id", 2)) {
        snprintf(tmp, tmpsize, "%lld", r->vars ? r->vars->id : 0LL);
        *out = tmp;
        return 0;
    }
    if (len == 7 && !memcmp(name, "run_dir", 7)) {
        *out = r->vars && r->vars->run_dir ? r->vars->run_dir : "";
        snprintf(var, varsize, "ICTUNE_RUN_DIR");
        return 0;
    }
    if (len == 11 && !memcmp(name, "prepare_dir", 11)) {
        if (!r->vars || !r->vars->prepare_dir)
            return ict_errorf(r->err, -EINVAL,
                              "{prepare_dir} is used but there is no "
                              "prepare step");
        *out = r->vars->prepare_dir;
        snprintf(var, varsize, "ICTUNE_PREPARE_DIR");
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
                ict_param_env_name(pn, var, varsize);
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
        char tmp[32], var[ICT_NAME_MAX + 16];
        const char *val = "";
        *rc = lookup(r, str + k + 1, j - k - 1, tmp, sizeof tmp, &val,
                     var, sizeof var);
        if (*rc) {
            ict__buf_fini(&b);
            return NULL;
        }
        if (r->quote && var[0])
            reference(&b, var, ctx);    /* the value travels in the env */
        else
            ict__buf_adds(&b, val);     /* list form, or {id}: digits */
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

int ict_command_env(const ict_space_t *space, const int32_t *idx,
                    const ict_render_vars_t *vars, char ***env_out)
{
    size_t D = space && idx ? ict_space_dims(space) : 0;
    char **env = calloc(D + 3, sizeof *env);
    if (!env)
        return -ENOMEM;
    size_t k = 0;
    int rc = 0;
    for (size_t a = 0; a < D && !rc; a++) {
        char var[ICT_NAME_MAX + 16];
        ict_param_env_name(ict_space_name(space, a), var, sizeof var);
        ict__buf_t e = {0};
        ict__buf_printf(&e, "%s=%s", var,
                        ict_space_value(space, a, (size_t)idx[a])->text);
        if (!(env[k++] = ict__buf_take(&e)))
            rc = -ENOMEM;
    }
    if (!rc && vars && vars->run_dir) {
        ict__buf_t e = {0};
        ict__buf_printf(&e, "ICTUNE_RUN_DIR=%s", vars->run_dir);
        if (!(env[k++] = ict__buf_take(&e)))
            rc = -ENOMEM;
    }
    if (!rc && vars && vars->prepare_dir) {
        ict__buf_t e = {0};
        ict__buf_printf(&e, "ICTUNE_PREPARE_DIR=%s", vars->prepare_dir);
        if (!(env[k++] = ict__buf_take(&e)))
            rc = -ENOMEM;
    }
    if (rc) {
        ict_command_env_free(env);
        return rc;
    }
    *env_out = env;
    return 0;
}

void ict_command_env_free(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}
