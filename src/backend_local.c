/* backend_local.c - the "local" backend: up to `jobs` programs at once,
 * run by this process's guards (spawn.c), watched with poll() on their
 * output pipes, the guards' sockets and the SIGCHLD self-pipe. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

typedef struct local {
    int n;
    ict_launch_t **slot;
    ict_place_t *place;         /* per slot, or NULL */
    cpu_set_t *cpus;            /* per slot */
    int *has_cpus;
    struct pollfd *pf;          /* room for every slot's fds */
    char host[64];
} local_t;

/* "0-3,8" -> cpu_set_t */
static int parse_cpulist(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    int any = 0;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return 0;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            s = end;
        }
        for (long i = a; i <= b && i < CPU_SETSIZE; i++) {
            CPU_SET((int)i, set);
            any = 1;
        }
        if (*s == ',')
            s++;
        else if (*s)
            return 0;
    }
    return any;
}

static int l_submit(void *b, int w, const ict_task_t *t, ict_error_t *err)
{
    local_t *l = (local_t *)b;
    (void)err;
    if (l->slot[w])
        return -EBUSY;
    if (!l->place)
        return ict_launch_start(&l->slot[w], t);
    /* the slot's GPU variables and CPUs */
    ict_task_t tt = *t;
    tt.place_env = l->place[w].env;
    tt.affinity = l->has_cpus[w] ? &l->cpus[w] : NULL;
    return ict_launch_start(&l->slot[w], &tt);
}

static int l_poll(void *b, double timeout, ict_raw_result_t *out,
                  int *w, ict_error_t *err)
{
    local_t *l = (local_t *)b;
    double deadline = ict_mono() + timeout;
    struct pollfd *pf = l->pf;
    (void)err;
    for (;;) {
        for (int i = 0; i < l->n; i++) {
            if (l->slot[i] && ict_launch_step(l->slot[i])) {
                *out = *ict_launch_result(l->slot[i]);
                out->worker = i;
                if (l->place) {
                    snprintf(out->gpu, sizeof out->gpu, "%s", l->place[i].gpu);
                    snprintf(out->cpuset, sizeof out->cpuset, "%s", l->place[i].cpuset);
                }
                ict_launch_free(l->slot[i]);
                l->slot[i] = NULL;
                *w = i;
                return 1;
            }
        }
        double left = deadline - ict_mono();
        if (left <= 0)
            break;
        int n = 0, fds[ICT_LAUNCH_FDS];
        pf[n].fd = ict_launch_wakeup_fd();
        pf[n++].events = POLLIN;
        for (int i = 0; i < l->n; i++)
            if (l->slot[i])
                for (int k = ict_launch_fds(l->slot[i], fds); k-- > 0;) {
                    pf[n].fd = fds[k];
                    pf[n++].events = POLLIN;
                }
        /* 100 ms at most: timeouts and leftover processes are checked */
        int ms = left < 0.1 ? (int)(left * 1000) + 1 : 100;
        int rc = poll(pf, (nfds_t)n, ms);
        ict_launch_wakeup_drain();
        if (rc < 0 && errno == EINTR)
            break;                      /* a signal: let the master look */
    }
    return 0;
}

static void l_cancel(void *b, int w)
{
    local_t *l = (local_t *)b;
    if (l->slot[w])
        ict_launch_stop(l->slot[w]);
}

static const char *l_host(void *b, int w)
{
    (void)w;
    return ((local_t *)b)->host;
}

static const char *l_note(void *b, int w)
{
    local_t *l = (local_t *)b;
    static char buf[4096];
    if (!l->place || (!l->place[w].gpu[0] && !l->place[w].warning[0]))
        return "";
    snprintf(buf, sizeof buf, "%s%s, CPUs %s%s%s", l->place[w].gpu[0] ? "GPU " : "",
             l->place[w].gpu, l->place[w].cpulist,
             l->place[w].warning[0] ? "; warning: " : "", l->place[w].warning);
    return buf;
}

static void l_close(void *b)
{
    local_t *l = (local_t *)b;
    for (int i = 0; l->slot && i < l->n; i++)
        ict_launch_free(l->slot[i]);
    free(l->slot);
    free(l->place);
    free(l->cpus);
    free(l->has_cpus);
    free(l->pf);
    memset(l, 0, sizeof *l);
}

static int l_open(void *b, const ict__backend_args_t *a, int *nworkers,
                  ict_error_t *err)
{
    local_t *l = (local_t *)b;
    int jobs = a->jobs;
    if (jobs < 1)
        return ict_errorf(err, -EINVAL, "--jobs %d: expected 1 or more", jobs);
    l->n = jobs;
    l->slot = calloc((size_t)jobs, sizeof *l->slot);
    l->pf = calloc((size_t)jobs * ICT_LAUNCH_FDS + 1, sizeof *l->pf);
    if (!l->slot || !l->pf) {
        l_close(l);
        return -ENOMEM;
    }
    gethostname(l->host, sizeof l->host - 1);
    if (a->places) {
        l->place = malloc((size_t)jobs * sizeof *l->place);
        l->cpus = calloc((size_t)jobs, sizeof *l->cpus);
        l->has_cpus = calloc((size_t)jobs, sizeof *l->has_cpus);
        if (!l->place || !l->cpus || !l->has_cpus) {
            l_close(l);
            return -ENOMEM;
        }
        for (int i = 0; i < jobs; i++) {
            l->place[i] = a->places[i];
            l->has_cpus[i] = parse_cpulist(a->places[i].cpulist, &l->cpus[i]);
        }
    }
    if (ict_launch_wakeup_fd() < 0) {
        l_close(l);
        return ict_errorf(err, -errno, "cannot set up the SIGCHLD pipe");
    }
    *nworkers = jobs;
    return 0;
}

const ict__backend_ops_t ict__backend_local_ops = {
    .name = "local",
    .size = sizeof(local_t),
    .open = l_open,
    .submit = l_submit,
    .poll = l_poll,
    .cancel = l_cancel,
    .host = l_host,
    .note = l_note,
    .close = l_close,
};
