/* command.h - the user's command line with placeholders filled in.
 *
 * A placeholder is {name} where name is a parameter or one of id, run_dir,
 * prepare_dir. "${...}" is left to the shell and "{{" is a literal "{", so
 * shell variables and awk programs pass through untouched. In the string
 * form (run with /bin/sh -c) a value never becomes part of the script:
 * {lr} is rendered as a reference to $ICTUNE_PARAM_LR, which the program's
 * environment holds (ict_command_env), so no value can run code whatever
 * it contains. In the list form each argument is substituted as is (no
 * shell is involved). */
#ifndef ICTUNE_COMMAND_H
#define ICTUNE_COMMAND_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/space.h"

typedef struct ict_render_vars {
    long long id;
    const char *run_dir;
    const char *prepare_dir;    /* NULL when there is no prepare step */
} ict_render_vars_t;

/* Call fn for each placeholder name in str (offset, name, name length).
 * Stops and returns fn's value when it is non-zero. */
typedef int (*ict_placeholder_f)(void *ud, size_t offset, const char *name,
                                 size_t len);
int ict_placeholder_scan(const char *str, ict_placeholder_f fn, void *ud);

/* The variable that carries parameter `param` to the program:
 * ICTUNE_PARAM_ and the name in upper case. */
void ict_param_env_name(const char *param, char *buf, size_t size);

/* The environment entries the rendered command needs: ICTUNE_PARAM_<NAME>
 * for each parameter (idx may be NULL: none), ICTUNE_RUN_DIR and
 * ICTUNE_PREPARE_DIR when vars has them. NULL-terminated; free with
 * ict_command_env_free(). */
int ict_command_env(const ict_space_t *space, const int32_t *idx,
                    const ict_render_vars_t *vars, char ***env);
void ict_command_env_free(char **env);

/* Quote s for /bin/sh: 'it'\''s' style. Returns a new string. */
char *ict_shell_quote(const char *s);

/* Build the argv to exec: {"/bin/sh","-c",rendered} or the rendered list.
 * idx may be NULL (the prepare step: only id/run_dir/prepare_dir). The
 * result is one allocation; free it with free(). */
int ict_command_render(const ict_command_t *cmd, const ict_space_t *space,
                       const int32_t *idx, const ict_render_vars_t *vars,
                       char ***argv_out, ict_error_t *err);

#endif
