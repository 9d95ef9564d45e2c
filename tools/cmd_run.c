/* cmd_run.c - `ictune run CONFIG`: tune for real, locally or under MPI.
 * Under mpiexec (or srun --mpi=pmix) rank 0 is the master and every other
 * rank a worker; run alone, the same binary uses a local pool. */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ictune/launch.h"
#include "ictune/command.h"
#include "ictune/placement.h"
#include "ictune/remeasure.h"
#include "ictune/run.h"

static const char help[] =
    "usage: ictune run CONFIG [options]\n"
    "Tune: evaluate the config's command at the points the strategy picks,\n"
    "appending every evaluation to the results file (`output`). Under\n"
    "mpiexec, rank 0 is the master and every other rank runs evaluations;\n"
    "without mpiexec, a local pool of --jobs programs at once.\n"
    "\n"
    "  --resume            continue an existing results file (required when\n"
    "                      it exists: results are never overwritten)\n"
    "  --jobs N            local mode: programs at once (default: one per\n"
    "                      GPU found, or 1), each bound to its GPU\n"
    "  --grace S           after SIGTERM/SIGINT/SIGHUP/SIGUSR1, running\n"
    "                      evaluations get S seconds before they are stopped\n"
    "                      (default 30; a second signal stops them at once)\n"
    "  --progress S        a progress line every S and one per stage (default:\n"
    "                      60s; where stderr is not a terminal, one every\n"
    "                      10m and none per stage)\n"
    "  --stop-after S      after S (90, 45s, 30m, 23h50m: as every S here)\n"
    "                      stop as on a signal (for batch\n"
    "                      systems without a warning signal: the wall-time\n"
    "                      limit minus a margin); exit code 3\n"
    "  --kill-grace S      SIGTERM to SIGKILL on a timeout (default 5)\n"
    "  --max-output BYTES  stdout/stderr kept per evaluation and stream\n"
    "                      (default 1073741824; 0: no limit)\n"
    "  --seed-from FILE    a new results file starts with the finished\n"
    "                      measurements of FILE (another results file, a\n"
    "                      Kernel Tuner cache .json[.gz], or a .csv table as\n"
    "                      simulate reads) whose points are in this space:\n"
    "                      never run, counted against no budget\n"
    "  --set KEY=VALUE     override search.KEY\n"
    "  --quiet             no progress lines\n"
    "  --verbose           also the master's own CPU time in the summary\n"
    "\n"
    "exit codes: 0 finished (or budget reached), 1 failed (bad results file,\n"
    "prepare step failed, ...), 2 usage or config error, 3 stopped early and\n"
    "resumable: run again with --resume.\n";

static volatile sig_atomic_t signals;

/* Counted atomically (signals may land on any thread of an MPI process). */
static void on_signal(int sig)
{
    (void)sig;
    __atomic_fetch_add(&signals, 1, __ATOMIC_SEQ_CST);
}

/* From the first instant of `run` (the few milliseconds the dynamic loader
 * takes before it are the system's): a job stop (SIGTERM, SIGINT, SIGHUP,
 * SIGUSR1) before MPI_Init or the topology load is counted, never fatal. */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

static void log_line(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "ictune: %s\n", line);
}

static int in_mpi_job(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") ||
           getenv("PMI_RANK") || getenv("PMI_SIZE");
}

int ict_cmd_run(int argc, char **argv)
{
    const char *path = NULL;
    const char *sets[64];
    int nsets = 0, quiet = 0, jobs_given = 0, verbose = 0, progress_given = 0;
    ict_run_opts_t o = {0};
    catch_signals();            /* first: the job may be stopped at once */
    o.jobs = 1;
    o.grace = 30;
    o.progress = 60;
    o.kill_grace = 5;
    o.max_output = 1ull << 30;
    double v;
    int uerr;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--resume")) {
            o.resume = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
            verbose = 1;
        } else if (!strcmp(a, "--jobs") && more) {
            if (ict_cli_number(a, argv[++i], 1, 4096, 1, &v))
                return ICT_EXIT_USAGE;
            o.jobs = (int)v;
            jobs_given = 1;
        } else if (!strcmp(a, "--grace") && more) {
            if (ict_cli_duration(a, argv[++i], 0, &o.grace))
                return ICT_EXIT_USAGE;
        } else if (!strcmp(a, "--progress") && more) {
            if (ict_cli_duration(a, argv[++i], 0.1, &o.progress))
                return ICT_EXIT_USAGE;
            progress_given = 1;
        } else if (!strcmp(a, "--stop-after") && more) {
            if (ict_cli_duration(a, argv[++i], 0, &o.stop_after))
                return ICT_EXIT_USAGE;
        } else if (!strcmp(a, "--kill-grace") && more) {
            if (ict_cli_duration(a, argv[++i], 0.1, &o.kill_grace))
                return ICT_EXIT_USAGE;
        } else if (!strcmp(a, "--max-output") && more) {
            if (ict_cli_number(a, argv[++i], 0, INFINITY, 1, &v))
                return ICT_EXIT_USAGE;
            o.max_output = (uint64_t)v;
        } else if (!strcmp(a, "--seed-from") && more) {
            o.seed_from = argv[++i];
        } else if (!strcmp(a, "--set") && more && nsets < 64) {
            sets[nsets++] = argv[++i];
        } else if ((uerr = ict_cli_operand("run", "CONFIG", a, &path,
                                           help))) {
            return uerr;
        }
    }
    if (!path) {
        fputs(help, stderr);
        return ICT_EXIT_USAGE;
    }
    int rank = 0, size = 1, mpi = in_mpi_job();
    if (mpi) {
        if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
            ict_cli_error("MPI_Init failed");
            return ICT_EXIT_FAILURE;
        }
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
    ict_error_t err;
    ict_config_t *c = NULL;
    int code = ICT_EXIT_OK;
    if (rank == 0) {
        code = ict_cli_load(path, sets, nsets, &c);
        if (!code && !o.resume && access(c->output, F_OK) == 0) {
            ict_cli_error("%s exists: results are never overwritten; use "
                          "--resume to continue it, or set another 'output'",
                          c->output);
            code = ICT_EXIT_USAGE;
        }
    }
    if (size > 1) {
        /* the workers learn whether to start, and how to use GPUs */
        int info[3] = {code, c ? c->gpus_none : 0, c ? c->gpus_share : 1};
        MPI_Bcast(info, 3, MPI_INT, 0, MPI_COMM_WORLD);
        int index = 0, count = 0;
        if (!info[0] && ict_node_layout(rank > 0, &index, &count, &err)) {
            ict_cli_error("rank %d: %s", rank, err.text);
            MPI_Abort(MPI_COMM_WORLD, ICT_EXIT_FAILURE);
        }
        if (rank > 0) {
            int rc = info[0] ? 0 : ict_run_worker(index, count, info[2], info[1],
                                                       &signals, &err);
            if (rc)
                ict_cli_error("worker %d: %s", rank, err.text);
            MPI_Finalize();
            return rc ? ICT_EXIT_FAILURE : ICT_EXIT_OK;
        }
    }
    if (code) {
        if (mpi)
            MPI_Finalize();
        ict_config_free(c);
        return code;
    }
    ict_place_t *places = NULL;
    if (size == 1) {
        /* local: one program per GPU by default, each bound to its GPU */
        ict_place_t probe;
        int ngpus = 0;
        ict_error_t perr;
        if (ict_place_plan(1, 1, 1, &probe, &ngpus, &perr) == 0) {
            if (!jobs_given)
                o.jobs = ngpus > 0 && !c->gpus_none ? ngpus : 1;
            places = calloc((size_t)o.jobs, sizeof *places);
            if (places && ict_place_plan(o.jobs, c->gpus_share, c->gpus_none,
                                         places, NULL, &perr)) {
                ict_cli_error("%s", perr.text);
                free(places);
                ict_config_free(c);
                return ICT_EXIT_USAGE;
            }
        } else if (!quiet) {
            fprintf(stderr, "ictune: warning: no topology (%s): programs are "
                    "not bound\n", perr.text);
        }
    }
    o.places = places;
    o.mpi = size > 1;
    o.signals = &signals;
    o.log = quiet ? NULL : log_line;
    /* where the output is not a terminal (a batch job's log), a line every
     * 10 minutes and none per stage, unless --progress says otherwise */
    if (!progress_given && !isatty(STDERR_FILENO)) {
        o.progress = 600;
        o.no_stage_lines = 1;
    }
    ict_run_summary_t s;
    int rc = ict_run(c, &o, &s, &err);
    if (rc)
        ict_cli_error("%s", err.text);
    if (s.outcome != ICT_RUN_FAILED) {
        char seeded[96] = "";
        if (s.seeded)
            snprintf(seeded, sizeof seeded, "; %llu measurements seeded (not "
                     "run, not counted)", (unsigned long long)s.seeded);
        int stopped = s.outcome == ICT_RUN_STOPPED;
        if (stopped)
            printf("stopped cleanly: every finished evaluation is in %s; the "
                   "ones that were running run again on resume\n", c->output);
        printf("%s: %llu evaluations (%llu failed, %llu infeasible) in %ld "
               "stages, %llu programs started in this run%s%s%s\n",
               stopped ? "stopped early" :
               s.outcome == ICT_RUN_BUDGET ? "budget reached" : "finished",
               (unsigned long long)(stopped ? s.recorded : s.evaluations),
               (unsigned long long)(stopped ? s.recorded_failed : s.invalid - s.infeasible),
               (unsigned long long)(stopped ? s.recorded_broken : s.infeasible), s.stages,
               (unsigned long long)s.launches, s.replayed ? ", " : "",
               s.replayed ? "earlier results replayed from the file" : "",
               seeded);
        if (s.has_best) {
            int32_t *idx = calloc(ict_space_dims(c->space) + 1, sizeof *idx);
            char pt[2048];
            ict_space_unflat(c->space, s.best_flat, idx);
            ict_space_format(c->space, idx, pt, sizeof pt);
            printf("best %s = %.10g at %s", c->objective, s.best, pt);
            for (size_t k = 0; k < c->n_metrics; k++)
                if (!isnan(s.best_metrics[k]))
                    printf(", %s = %.10g", c->metrics[k], s.best_metrics[k]);
            if (s.best_speculative)
                printf(" (a speculative row)");
            putchar('\n');
            free(idx);
        } else {
            printf("no valid evaluation yet\n");
        }
        ict_cli_speculation(s.spec_started, s.spec_taken, s.spec_seconds,
                            s.spec_taken_seconds);
        if (verbose)
            printf("time: %.3f s; master CPU %.3f s (%.1f us per program started)\n",
                   s.elapsed, s.master_cpu,
                   s.launches ? 1e6 * s.master_cpu / (double)s.launches : 0.0);
        else
            printf("time: %.3f s\n", s.elapsed);
        printf("results: %s (h5dump -H %s; ictune report %s)\n", c->output,
               c->output, c->output);
        if (s.outcome == ICT_RUN_STOPPED) {
            /* the overrides this run had: the resumed one needs them too */
            printf("resume with: %sictune run %s --resume", mpi ? "mpiexec ... " : "",
                   path);
            for (int k = 0; k < nsets; k++) {
                char *q = ict_shell_quote(sets[k]);
                printf(" --set %s", q ? q : sets[k]);
                free(q);
            }
            if (jobs_given)
                printf(" --jobs %d", o.jobs);
            putchar('\n');
            if (mpi)
                printf("(Open MPI's lines after this one report ictune's exit "
                       "code 3: stopped and resumable, not a crash)\n");
        }
    }
    /* remeasure: N, once the search is over (here: the master's node) */
    if (!rc && c->remeasure && s.has_best &&
        (s.outcome == ICT_RUN_FINISHED || s.outcome == ICT_RUN_BUDGET)) {
        if (mpi) {
            printf("remeasure: %d: run `ictune remeasure %s --top %d` on a "
                   "quiet node (not under mpiexec)\n", c->remeasure, c->output,
                   c->remeasure);
        } else {
            ict_remeasured_t *rv;
            size_t n;
            ict_config_t *fc;
            if (ict_remeasure(c->output, (size_t)c->remeasure, 0,
                              (volatile int *)&signals, &rv, &n, &fc, &err)) {
                ict_cli_error("remeasure: %s", err.text);
                rc = -EIO;
            } else {
                ict_cli_remeasure_print(fc, rv, n, fc->repeat > 1 ? fc->repeat : 5);
                free(rv);
                ict_config_free(fc);
            }
        }
    }
    free(s.best_metrics);
    free(places);
    ict_config_free(c);
    if (mpi)
        MPI_Finalize();
    switch (s.outcome) {
    case ICT_RUN_FINISHED:
    case ICT_RUN_BUDGET:
        if (!rc && !s.has_best) {
            fprintf(stderr, "ictune: no valid evaluation: every evaluation "
                    "failed or broke a constraint (see the lines above and "
                    "the run folders' stderr)\n");
            return ICT_EXIT_FAILURE;
        }
        return rc ? ICT_EXIT_FAILURE : ICT_EXIT_OK;
    case ICT_RUN_STOPPED:
        return ICT_EXIT_RESUMABLE;
    default:
        return rc == -EEXIST ? ICT_EXIT_USAGE : ICT_EXIT_FAILURE;
    }
}
