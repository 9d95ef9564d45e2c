/* ictune.c - main(): the table of subcommands, help and version. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ict_version.h"

static const char usage[] =
    "usage: ictune <command> [options]\n"
    "\n"
    "commands:\n"
    "  check CONFIG              validate a config and print its space\n"
    "  run CONFIG [--resume]     tune: run the program (under mpiexec: rank 0\n"
    "                            is the master, the others run evaluations)\n"
    "  report FILE.h5            summarise a results file (--csv, --plot)\n"
    "  best FILE.h5 [--format F] the best configuration: yaml, json, env,\n"
    "                            args or defines\n"
    "  remeasure FILE.h5 [--top K] [--repeat N]  run the best points again,\n"
    "                            one at a time, and rank them anew\n"
    "  topo [--xml F] [--workers N]  this node's GPUs and the workers' plan\n"
    "  simulate CONFIG --table F run the search against a table of measured\n"
    "                            values (no processes, no MPI)\n"
    "  help [COMMAND]            this text, or a command's --help\n"
    "\n"
    "options: --version, --help (also after any command)\n"
    "exit codes: 0 success, 1 runtime failure, 2 usage or config error,\n"
    "            3 stopped early and resumable\n";

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command_t;

static const command_t commands[] = {
    {"run", ict_cmd_run},
    {"report", ict_cmd_report},
    {"best", ict_cmd_best},
    {"remeasure", ict_cmd_remeasure},
    {"topo", ict_cmd_topo},
    {"check", ict_cmd_check},
    {"simulate", ict_cmd_simulate},
};

static const command_t *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* a closed pipe on stdout (ictune run ... | head) must not kill a run:
     * writes then fail with EPIPE and the run goes on (programs get the
     * default action back: spawn.c resets every signal) */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return ICT_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("ictune %s\n", ICT_VERSION);
        return ICT_EXIT_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (!strcmp(cmd, "help") && argc > 2) {
            char *sub[] = {argv[2], "--help", NULL};
            const command_t *k = find(argv[2]);
            if (k)
                return k->fn(2, sub);
            ict_cli_error("help: unknown command '%s'", argv[2]);
            return ICT_EXIT_USAGE;
        }
        fputs(usage, stdout);
        return ICT_EXIT_OK;
    }
    const command_t *k = find(cmd);
    if (k)
        return k->fn(argc - 1, argv + 1);
    ict_cli_error("unknown command '%s'; expected run, report, topo, check, simulate or help",
                  cmd);
    fputs(usage, stderr);
    return ICT_EXIT_USAGE;
}
