/* test_command.c - placeholders and quoting: a categorical value with a
 * space, a quote and $(...) reaches the program as one literal argument. */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ictune/command.h"
#include "test.h"

/* Run argv, return its stdout (up to 4 KiB). */
static char *run(char **argv)
{
    int fd[2];
    CHECK(pipe(fd) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    static char buf[4096];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return buf;
}

int main(void)
{
    const char *text =
        "name: q\n"
        "command: printf '<%s>' {v} {id} {run_dir} ${HOME+set} '{{x}' '{not a placeholder}'\n"
        "objective: {metric: m}\n"
        "parameters:\n"
        "  v: [\"a b'c $(touch pwned) `touch pwned2` \\\\ \\\" ;x\", plain]\n";
    ict_config_t *c;
    ict_error_t e;
    int rc = ict_config_parse("q.yaml", text, strlen(text), &c, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.text);
    CHECK_EQ(rc, 0);
    unlink("pwned");
    unlink("pwned2");
    int32_t idx[1] = {0};
    ict_render_vars_t vars = {42, "runs/42", NULL};
    char **argv;
    CHECK_EQ(ict_command_render(&c->command, c->space, idx, &vars, &argv, &e), 0);
    CHECK_STR(argv[0], "/bin/sh");
    CHECK_STR(argv[1], "-c");
    char *out = run(argv);
    free(argv);
    CHECK_STR(out, "<a b'c $(touch pwned) `touch pwned2` \\ \" ;x><42><runs/42><set><{x}><{not a placeholder}>");
    CHECK(access("pwned", F_OK) != 0);
    CHECK(access("pwned2", F_OK) != 0);

    /* a placeholder inside "..." and inside '...' is still literal */
    ict_command_t dq = {0};
    dq.shell = "printf '<%s>' \"x {v} y\" 'p{v}q' \"$HOME\"";
    CHECK_EQ(ict_command_render(&dq, c->space, idx, &vars, &argv, &e), 0);
    out = run(argv);
    free(argv);
    const char *v0 = ict_space_value(c->space, 0, 0)->text;
    char want[512];
    snprintf(want, sizeof want, "<x %s y><p%sq><%s>", v0, v0, getenv("HOME"));
    CHECK_STR(out, want);
    CHECK(access("pwned", F_OK) != 0);

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
    char *pv[] = {"/bin/echo", "{prepare_dir}", NULL};
    lc.argv = pv;
    lc.argc = 2;
    CHECK_EQ(ict_command_render(&lc, c->space, idx, &vars, &argv, &e), -EINVAL);
    CHECK_CONTAINS(e.text, "prepare");

    char *q = ict_shell_quote("it's");
    CHECK_STR(q, "'it'\\''s'");
    free(q);
    ict_config_free(c);
    TEST_DONE();
}
