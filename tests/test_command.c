/* test_command.c - placeholders and values out of band: whatever a value
 * holds (quotes, $(...), backquotes, a here-document's end marker, any
 * byte) and wherever the string command puts it (outside quotes, inside
 * "..." or '...', in a here-document, in nested $( ... )), running the
 * rendered command never runs the value as code, and the value reaches
 * the program whole where the shell expands it. Each case is executed by
 * the real /bin/sh with the environment ict_command_env() gives. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ictune/command.h"
#include "test.h"

extern char **environ;

/* Run argv with env added, return its stdout (up to 64 KiB). */
static char *run(char **argv, char **env)
{
    size_t ne = 0, nx = 0;
    while (environ[ne])
        ne++;
    while (env && env[nx])
        nx++;
    char **all = calloc(ne + nx + 1, sizeof *all);
    CHECK(all != NULL);
    for (size_t i = 0; i < nx; i++)
        all[i] = env[i];
    for (size_t i = 0; i < ne; i++)
        all[nx + i] = environ[i];
    int fd[2];
    CHECK(pipe(fd) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execve(argv[0], argv, all);
        _exit(127);
    }
    free(all);
    close(fd[1]);
    static char buf[65536];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    return buf;
}

static ict_config_t *config(const char *cmd, const char *values)
{
    char text[8192];
    snprintf(text, sizeof text, "name: q\ncommand: %s\nobjective: {metric: m}\n"
             "parameters:\n  v: %s\n", cmd, values);
    ict_config_t *c;
    ict_error_t e;
    int rc = ict_config_parse("q.yaml", text, strlen(text), &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.text);
    CHECK_EQ(rc, 0);
    return c;
}

static int pwned(void)
{
    return access("pwned", F_OK) == 0 || access("pwned2", F_OK) == 0;
}

/* Render shell with v = value (a raw C string), run it, return stdout. */
static char *render_run(const char *shell, const char *value)
{
    static ict_space_t *sp;
    ict_space_free(sp);
    CHECK_EQ(ict_space_new(&sp), 0);
    ict_value_t v = {.text = (char *)value, .is_num = 0};
    ict_error_t e;
    CHECK_EQ(ict_space_add(sp, "v", &v, 1, &e), 0);
    ict_command_t cmd = {0};
    cmd.shell = (char *)shell;
    int32_t idx[1] = {0};
    ict_render_vars_t vars = {7, "runs/7", NULL};
    char **argv, **env;
    CHECK_EQ(ict_command_render(&cmd, sp, idx, &vars, &argv, &e), 0);
    CHECK_EQ(ict_command_env(sp, idx, &vars, &env), 0);
    CHECK(strstr(argv[2], value) == NULL || !*value || !strcmp(value, "v"));
    char *out = run(argv, env);
    free(argv);
    ict_command_env_free(env);
    return out;
}

int main(void)
{
    unlink("pwned");
    unlink("pwned2");
    ict_config_t *c = config(
        "printf '<%s>' {v} {id} {run_dir} ${HOME+set} '{{x}' '{not a placeholder}'",
        "[\"a b'c $(touch pwned) `touch pwned2` \\\\ \\\" ;x\", plain]");
    int32_t idx[1] = {0};
    ict_render_vars_t vars = {42, "runs/42", NULL};
    char **argv, **env;
    ict_error_t e;
    CHECK_EQ(ict_command_render(&c->command, c->space, idx, &vars, &argv, &e), 0);
    CHECK_EQ(ict_command_env(c->space, idx, &vars, &env), 0);
    CHECK_STR(argv[0], "/bin/sh");
    CHECK_STR(argv[1], "-c");
    /* the value is not in the script: a reference to the variable is */
    CHECK_CONTAINS(argv[2], "\"${ICTUNE_PARAM_V}\"");
    CHECK(strstr(argv[2], "touch") == NULL);
    char *out = run(argv, env);
    free(argv);
    ict_command_env_free(env);
    CHECK_STR(out, "<a b'c $(touch pwned) `touch pwned2` \\ \" ;x><42><runs/42><set><{x}><{not a placeholder}>");
    CHECK(!pwned());

    /* inside "..." and inside '...': still the literal value */
    const char *v0 = ict_space_value(c->space, 0, 0)->text;
    char want[512];
    out = render_run("printf '<%s>' \"x {v} y\" 'p{v}q' \"$HOME\"", v0);
    snprintf(want, sizeof want, "<x %s y><p%sq><%s>", v0, v0, getenv("HOME"));
    CHECK_STR(out, want);
    CHECK(!pwned());

    /* the audit's two injections: a here-document, and "$(...)" nested in
     * double quotes (the quoting tracker guessed both contexts wrong) */
    out = render_run("cat <<EOF\nvalue={v}\nEOF", "$(touch pwned)");
    CHECK(!pwned());
    CHECK_CONTAINS(out, "$(touch pwned)");
    out = render_run("echo \"$(echo \"{v}\")\"", "\" ; touch pwned ; \"");
    CHECK(!pwned());
    CHECK_CONTAINS(out, "touch pwned");
    out = render_run("echo \"$(printf '%s' '{v}')\"", "'; touch pwned; '");
    CHECK(!pwned());
    out = render_run("eval_me() { echo \"$1\"; }; eval_me {v}", "`touch pwned`");
    CHECK(!pwned());
    CHECK_STR(out, "`touch pwned`\n");
    out = render_run("cat <<'EOF'\n{v}\nEOF\necho after", "EOF\ntouch pwned\nEOF");
    CHECK(!pwned());

    /* any bytes (1..255, seeded), in every context: never code */
    const char *shells[] = {
        "printf '%s' {v}", "printf '%s' \"{v}\"", "printf '%s' '{v}'",
        "printf '%s' \"$(printf '%s' {v})\"", "cat <<EOF\n{v}\nEOF",
        "x={v}; printf '%s' \"$x\"", "printf '%s' \"a'{v}'b\"",
        "printf '%s' $(printf '%s' \"{v}\")", "case {v} in *) printf ok;; esac"};
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        char val[64];
        size_t n = 1 + (size_t)(rand_r(&seed) % 40);
        for (size_t i = 0; i < n; i++)
            val[i] = (char)(1 + rand_r(&seed) % 255);
        /* the dangerous pieces, spliced in at random places */
        const char *bits[] = {"$(touch pwned)", "`touch pwned2`", "';touch pwned;'",
                              "\";touch pwned;\"", "\nEOF\ntouch pwned\n", "$((1))"};
        const char *b = bits[rand_r(&seed) % 6];
        size_t at = (size_t)rand_r(&seed) % n;
        char full[128];
        snprintf(full, sizeof full, "%.*s%s%.*s", (int)at, val, b, (int)(n - at), val + at);
        for (size_t k = 0; k < sizeof shells / sizeof *shells; k++) {
            out = render_run(shells[k], full);
            if (pwned())
                fprintf(stderr, "value ran as code: command [%s]\n", shells[k]);
            CHECK(!pwned());
            if (k <= 2)      /* plain expansions: the value arrives whole */
                CHECK_STR(out, full);
        }
    }

    /* the environment: one ICTUNE_PARAM_ per parameter, and the folders */
    ict_render_vars_t pv = {3, "runs/3", "runs/prepare"};
    CHECK_EQ(ict_command_env(c->space, idx, &pv, &env), 0);
    CHECK(!strncmp(env[0], "ICTUNE_PARAM_V=a b'c", 20));
    CHECK_STR(env[1], "ICTUNE_RUN_DIR=runs/3");
    CHECK_STR(env[2], "ICTUNE_PREPARE_DIR=runs/prepare");
    CHECK(env[3] == NULL);
    ict_command_env_free(env);

    /* list form: literal, no shell */
    ict_command_t lc = {0};
    char *lv[] = {"/bin/echo", "{v}", "x{id}y", NULL};
    lc.argv = lv;
    lc.argc = 3;
    CHECK_EQ(ict_command_render(&lc, c->space, idx, &vars, &argv, &e), 0);
    CHECK_STR(argv[1], ict_space_value(c->space, 0, 0)->text);
    CHECK_STR(argv[2], "x42y");
    CHECK(argv[3] == NULL);
    free(argv);

    /* {prepare_dir} without a prepare step */
    char *pv2[] = {"/bin/echo", "{prepare_dir}", NULL};
    lc.argv = pv2;
    lc.argc = 2;
    CHECK_EQ(ict_command_render(&lc, c->space, idx, &vars, &argv, &e), -EINVAL);
    CHECK_CONTAINS(e.text, "prepare");

    char *q = ict_shell_quote("it's");
    CHECK_STR(q, "'it'\\''s'");
    free(q);
    ict_config_free(c);
    render_run("true", "v");
    TEST_DONE();
}
