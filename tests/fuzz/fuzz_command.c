/* fuzz_command.c - libFuzzer harness for string commands: a value of any
 * bytes, put in several shell contexts (plain, "...", '...', a
 * here-document, nested $(...)), is rendered and run by the real /bin/sh;
 * the canary file it may try to create must never appear, and in plain
 * expansions the value must arrive whole. Build as fuzz_config. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ictune/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern char **environ;

static const char *const shells[] = {
    "printf %s {v} > out", "printf %s \"{v}\" > out", "printf %s '{v}' > out",
    "cat > out <<EOF\n{v}\nEOF", "echo \"$(echo \"{v}\")\" > out",
    "x={v}; printf %s \"$x\" > out",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char val[256];
    size_t n = 0;
    for (size_t i = 0; i < size && n < sizeof val - 1; i++)
        if (data[i])                    /* an environment value has no NUL */
            val[n++] = (char)data[i];
    val[n] = '\0';
    ict_space_t *sp;
    ict_error_t e;
    if (ict_space_new(&sp))
        return 0;
    ict_value_t v = {.text = val, .is_num = 0};
    if (ict_space_add(sp, "v", &v, 1, &e)) {
        ict_space_free(sp);
        return 0;
    }
    int32_t idx[1] = {0};
    for (size_t k = 0; k < sizeof shells / sizeof *shells; k++) {
        ict_command_t cmd = {0};
        cmd.shell = (char *)shells[k];
        char **argv, **env;
        if (ict_command_render(&cmd, sp, idx, NULL, &argv, &e))
            __builtin_trap();
        /* the script must not depend on the value at all: the same text
         * as for another value (values travel in the environment) */
        char **argv0;
        ict_space_t *sp0;
        ict_value_t v0 = {.text = "Z", .is_num = 0};
        if (ict_space_new(&sp0) || ict_space_add(sp0, "v", &v0, 1, &e) ||
            ict_command_render(&cmd, sp0, idx, NULL, &argv0, &e))
            __builtin_trap();
        if (strcmp(argv[2], argv0[2]))
            __builtin_trap();           /* the value is in the script */
        free(argv0);
        ict_space_free(sp0);
        if (ict_command_env(sp, idx, NULL, &env))
            __builtin_trap();
        /* the canary: a value that runs code would touch it */
        setenv("PWNED", "/tmp/ictune-fuzz-pwned", 1);
        unlink("/tmp/ictune-fuzz-pwned");
        pid_t pid = fork();
        if (pid == 0) {
            if (chdir("/tmp"))
                _exit(1);
            for (size_t i = 0; env[i]; i++)
                putenv(env[i]);
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 2);
            execve(argv[0], argv, environ);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        if (access("/tmp/ictune-fuzz-pwned", F_OK) == 0)
            __builtin_trap();           /* the value ran as code */
        free(argv);
        ict_command_env_free(env);
    }
    ict_space_free(sp);
    return 0;
}
