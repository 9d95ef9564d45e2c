/* launch.c - one evaluation: its run folder, the program (spawn.c), its
 * output, its end; with repeat, several runs of the program one after the
 * other and the aggregate of their metrics.
 *
 * Output is streamed through pipes into files so the launcher can scan
 * the result lines (result.c) and cap what is kept, with memory bounded
 * by one line; a timeout or a stop sends SIGTERM to the program's group,
 * then SIGKILL after the grace. */
#include "ictune/launch.h"
#include "launch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct stream {
    int fd;                     /* read end of the pipe, -1 at EOF */
    int file;                   /* the output file, -1 when closed */
    uint64_t written;
    int truncated;
    char *line;                 /* the current line (stdout only) */
    size_t len;
    int overflow;
} stream_t;


typedef struct sample {
    int n;
    ict_metric_t m[ICT_MAX_METRICS];
} sample_t;

struct ict_launch {
    ict_raw_result_t r;
    /* repeat: the task, kept (its strings copied) to start run K + 1 */
    ict_task_t t;
    char **argv_copy, **env_copy, **names_copy, *place_copy, *sample_env;
    void *aff_copy;
    int repeat, run;            /* runs asked for; the current one, 1-based */
    sample_t *samples;
    double run_t0, run_t1;      /* the current run's start, exit (monotonic) */
    ict__proc_t proc;           /* the program under its guard */
    int reaped;                 /* the program's end is known */
    int done;
    double t0, deadline, kill_at;
    double kill_grace;
    uint64_t max_output;
    ict__scan_t scan;                /* the result protocol's state */
    int shell;                  /* argv is /bin/sh -c ... */
    stream_t out, err;
};


static void keep(ict_launch_t *l, stream_t *s, const char *buf, size_t n)
{
    if (s->file < 0)
        return;
    size_t w = n;
    if (l->max_output && s->written + n > l->max_output)
        w = (size_t)(l->max_output - s->written);
    size_t off = 0;
    while (off < w) {
        ssize_t k = write(s->file, buf + off, w - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            l->r.out_errno = k < 0 ? errno : EIO;
            close(s->file);
            s->file = -1;               /* keep draining, stop writing */
            return;
        }
        off += (size_t)k;
    }
    s->written += w;
    l->r.out_bytes += n;
    if (w < n && !s->truncated) {
        s->truncated = 1;
        l->r.out_truncated = 1;
        static const char note[] = "\n[ictune: output truncated at limits.max_output]\n";
        if (write(s->file, note, sizeof note - 1) < 0)
            l->r.out_errno = errno;
    }
}

static void consume(ict_launch_t *l, stream_t *s, const char *buf, size_t n)
{
    keep(l, s, buf, n);
    if (!s->line)
        return;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            if (!s->overflow)
                ict__scan_line(&l->scan, s->line, s->len);
            s->len = 0;
            s->overflow = 0;
        } else if (s->len < ICT__LINE_MAX) {
            s->line[s->len++] = buf[i];
        } else {
            s->overflow = 1;            /* a giant line is not a result */
        }
    }
}

static void drain(ict_launch_t *l, stream_t *s)
{
    char buf[65536];
    while (s->fd >= 0) {
        ssize_t n = read(s->fd, buf, sizeof buf);
        if (n > 0) {
            consume(l, s, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(s->fd);                   /* EOF or error */
        s->fd = -1;
        if (s->line && s->len && !s->overflow)
            ict__scan_line(&l->scan, s->line, s->len);
        s->len = 0;
    }
}

static int mkdir_p(const char *path)
{
    char tmp[ICT_PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return -ENAMETOOLONG;
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) && errno != EEXIST)
                return -errno;
            *p = '/';
        }
    if (mkdir(tmp, 0777) && errno != EEXIST)
        return -errno;
    return 0;
}

int ict_make_run_dir(const char *base, char *out, size_t size)
{
    /* the parents, once per parent (a run makes thousands of folders in
     * one): the last one made is remembered, and made again if gone */
    static char made[ICT_PATH_MAX];
    char parent[ICT_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", base);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (strcmp(parent, made)) {
            int rc = mkdir_p(parent);
            if (rc)
                return rc;
            snprintf(made, sizeof made, "%s", parent);
        }
    }
    for (int k = 1; k < 100000; k++) {
        int n = k == 1 ? snprintf(out, size, "%s", base)
                       : snprintf(out, size, "%s-%d", base, k);
        if (n < 0 || (size_t)n >= size)
            return -ENAMETOOLONG;
        if (mkdir(out, 0777) == 0)
            return 0;
        if (errno == ENOENT && made[0]) {
            made[0] = '\0';              /* the parent was removed */
            return ict_make_run_dir(base, out, size);
        }
        if (errno != EEXIST)
            return -errno;
    }
    return -EEXIST;
}

static int open_in(const ict_launch_t *l, const char *name)
{
    char p[ICT_PATH_MAX + 16];
    if (l->repeat > 1 && strcmp(name, "params"))
        snprintf(p, sizeof p, "%s/%s.%d", l->r.run_dir, name, l->run);
    else
        snprintf(p, sizeof p, "%s/%s", l->r.run_dir, name);
    return open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

static char **dupv(char **v, size_t extra)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    char **c = calloc(n + extra + 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        if (!(c[i] = strdup(v[i]))) {
            while (i--)
                free(c[i]);
            free(c);
            return NULL;
        }
    return c;
}

static void freev(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Keep what starting run K + 1 needs: the task's strings are borrowed. */
static int keep_task(ict_launch_t *l, const ict_task_t *t)
{
    l->t = *t;
    size_t ne = 0;
    while (t->env && t->env[ne])
        ne++;
    l->argv_copy = dupv(t->argv, 0);
    l->env_copy = dupv(t->env, 1);          /* + ICTUNE_SAMPLE */
    l->names_copy = t->metric_names ? dupv(t->metric_names, 0) : NULL;
    l->place_copy = t->place_env ? strdup(t->place_env) : NULL;
    l->sample_env = malloc(64);
    l->samples = calloc((size_t)l->repeat, sizeof *l->samples);
    if (t->affinity && (l->aff_copy = malloc(sizeof(cpu_set_t))))
        memcpy(l->aff_copy, t->affinity, sizeof(cpu_set_t));
    if (!l->argv_copy || !l->env_copy || !l->sample_env || !l->samples ||
        (t->metric_names && !l->names_copy) || (t->place_env && !l->place_copy) ||
        (t->affinity && !l->aff_copy))
        return -ENOMEM;
    l->env_copy[ne] = l->sample_env;
    l->t.argv = l->argv_copy;
    l->t.env = l->env_copy;
    l->t.metric_names = l->names_copy;
    l->t.place_env = l->place_copy;
    l->t.affinity = l->aff_copy;
    l->scan.names = l->names_copy;
    return 0;
}


static void fail_start(ict_launch_t *l, int code, const char *fmt, const char *arg)
{
    snprintf(l->r.reason, sizeof l->r.reason, fmt, arg);
    l->r.exit_code = code;
    l->r.end = ict_now();
    l->done = 1;
}

static int start_run(ict_launch_t *l, const ict_task_t *t);

int ict_launch_start(ict_launch_t **out, const ict_task_t *t)
{
    ict_launch_t *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->proc = (ict__proc_t)ICT__PROC_INIT;
    l->out.fd = l->err.fd = l->out.file = l->err.file = -1;
    l->r.id = t->id;
    l->r.attempt = t->attempt;
    l->r.start = ict_now();
    static char host[64];
    if (!host[0])
        gethostname(host, sizeof host - 1);
    memcpy(l->r.host, host, sizeof host);
    ict_launch_wakeup_fd();
    l->kill_grace = t->kill_grace > 0 ? t->kill_grace : 5;
    l->max_output = t->max_output;
    l->scan = (ict__scan_t){&l->r, t->metric_names, t->parse_last_number};
    l->shell = t->argv[0] && t->argv[1] && !strcmp(t->argv[0], "/bin/sh") &&
               !strcmp(t->argv[1], "-c");
    l->out.line = malloc(ICT__LINE_MAX);
    if (!l->out.line) {
        free(l);
        return -ENOMEM;
    }
    *out = l;
    l->repeat = t->repeat > 1 ? t->repeat : 1;
    l->run = 1;
    if (l->repeat > 1 && keep_task(l, t)) {
        ict_launch_free(l);
        *out = NULL;
        return -ENOMEM;
    }
    if (l->repeat > 1)
        t = &l->t;
    snprintf(l->r.run_dir, sizeof l->r.run_dir, "%s", t->run_dir);
    if (strlen(t->run_dir) >= sizeof l->r.run_dir - 16) {
        fail_start(l, 126, "the run folder's path is too long: %.200s", t->run_dir);
        l->r.own_errno = ENAMETOOLONG;
        return 0;
    }
    /* the master made it; a worker on another node may need to */
    int rc = t->run_dir_made ? 0 : mkdir_p(t->run_dir);
    if (rc) {
        fail_start(l, 126, "cannot create the run folder %.200s", t->run_dir);
        l->r.own_errno = -rc;
        return 0;
    }
    if (t->params) {
        int fd = open_in(l, "params");
        size_t n = strlen(t->params);
        errno = 0;
        if (fd < 0 || write(fd, t->params, n) != (ssize_t)n || close(fd)) {
            l->r.own_errno = errno ? errno : EIO;
            fail_start(l, 126, "cannot write %.200s/params", l->r.run_dir);
            return 0;
        }
    }
    /* the kept task outlives the caller's strings: only what a run needs */
    l->t.params = NULL;
    l->t.run_dir = l->r.run_dir;
    return start_run(l, t);
}

/* Start run l->run of the program: its output files, the program. */
static int start_run(ict_launch_t *l, const ict_task_t *t)
{
    if (l->repeat > 1)
        snprintf(l->sample_env, 64, "ICTUNE_SAMPLE=%d", l->run);
    l->out.file = open_in(l, "stdout");
    l->err.file = open_in(l, "stderr");
    if (l->out.file < 0 || l->err.file < 0) {
        l->r.own_errno = errno;
        fail_start(l, 126, "cannot create the output files in %.200s", l->r.run_dir);
        return 0;
    }
    int exec_errno = 0;
    int rc2 = ict__spawn(&l->proc, t, l->r.run_dir, &l->out.fd, &l->err.fd,
                         &exec_errno);
    if (rc2 == -ENOENT && !exec_errno) {
        fail_start(l, 127, "program not found or not executable: %.200s", t->argv[0]);
        l->r.exec_errno = ENOENT;
        dprintf(l->err.file, "ictune: program not found or not executable: %s\n",
                t->argv[0]);
        return 0;
    }
    if (rc2 < 0) {
        l->reaped = 1;
        l->r.own_errno = rc2 == -EPIPE ? EIO : -rc2;
        fail_start(l, 126, "cannot start the program: %.200s",
                   rc2 == -EPIPE ? "the guard process died" : strerror(-rc2));
        return 0;
    }
    if (exec_errno) {
        l->reaped = 1;
        l->r.exec_errno = exec_errno;
        dprintf(l->err.file, "ictune: cannot execute %s: %s\n", t->argv[0],
                strerror(exec_errno));
        fail_start(l, 127, "cannot execute the program: %.200s",
                   strerror(exec_errno));
        return 0;
    }
    l->r.launched = 1;
    l->t0 = ict_mono();
    l->run_t0 = l->t0;
    l->deadline = t->timeout > 0 ? l->t0 + t->timeout : 0;
    return 0;
}

int ict_launch_fds(const ict_launch_t *l, int *fds)
{
    int n = 0;
    if (l->out.fd >= 0)
        fds[n++] = l->out.fd;
    if (l->err.fd >= 0)
        fds[n++] = l->err.fd;
    if (l->proc.report_fd >= 0 && !l->reaped)
        fds[n++] = l->proc.report_fd;
    return n;
}

/* `sh -c` exits 127 (126) when it cannot find (execute) the command and
 * says so on stderr: then the program never ran. */
static void shell_not_found(ict_launch_t *l)
{
    char p[ICT_PATH_MAX + 16], buf[4097];
    if (l->repeat > 1)
        snprintf(p, sizeof p, "%s/stderr.%d", l->r.run_dir, l->run);
    else
        snprintf(p, sizeof p, "%s/stderr", l->r.run_dir);
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return;
    struct stat st;
    ssize_t n = fstat(fd, &st) ? -1 :
        pread(fd, buf, sizeof buf - 1, st.st_size > 4096 ? st.st_size - 4096 : 0);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    char *nl = n > 1 ? memrchr(buf, '\n', (size_t)n - 1) : NULL;
    const char *last = nl ? nl + 1 : buf;
    if (strstr(last, "not found") || strstr(last, "Permission denied") ||
        strstr(last, "cannot execute")) {
        l->r.exec_errno = l->r.exit_code == 127 ? ENOENT : EACCES;
        snprintf(l->r.reason, sizeof l->r.reason, "exit code %d, the shell "
                 "said: %.*s", l->r.exit_code, (int)strcspn(last, "\n"), last);
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double aggregate(double *v, int n, int how)
{
    if (how == ICT_AGGREGATE_MIN) {
        double m = v[0];
        for (int i = 1; i < n; i++)
            m = v[i] < m ? v[i] : m;
        return m;
    }
    if (how == ICT_AGGREGATE_MEAN) {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += v[i];
        return sum / n;
    }
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The runs' metrics into the result: each the aggregate of the runs that
 * reported it (a bad value in any run stays bad), plus the objective's
 * count of samples and their spread. */
static void combine(ict_launch_t *l, int runs)
{
    ict_raw_result_t *r = &l->r;
    sample_t *S = l->samples;
    r->nmetrics = 0;
    double v[ICT_REPEAT_MAX];
    for (int k = 0; k < runs; k++)
        for (int i = 0; i < S[k].n; i++) {
            const ict_metric_t *m = &S[k].m[i];
            int seen = 0;
            for (int j = 0; j < r->nmetrics && !seen; j++)
                seen = !strcmp(r->metrics[j].name, m->name);
            if (seen)
                continue;
            int n = 0;
            const ict_metric_t *bad = NULL;
            for (int q = k; q < runs; q++)
                for (int j = 0; j < S[q].n; j++)
                    if (!strcmp(S[q].m[j].name, m->name)) {
                        if (S[q].m[j].bad && !bad)
                            bad = &S[q].m[j];
                        else if (!S[q].m[j].bad)
                            v[n++] = S[q].m[j].value;
                    }
            if (bad) {
                if (r->nmetrics < ICT_MAX_METRICS)
                    r->metrics[r->nmetrics++] = *bad;
                continue;
            }
            int is_obj = l->t.objective && !strcmp(m->name, l->t.objective);
            double lo = v[0], hi = v[0];
            for (int j = 1; j < n; j++) {
                lo = v[j] < lo ? v[j] : lo;
                hi = v[j] > hi ? v[j] : hi;
            }
            ict__scan_set(&l->scan, m->name, aggregate(v, n, l->t.aggregate));
            if (is_obj) {
                ict__scan_set(&l->scan, ICT_METRIC_REPEATS, n);
                ict__scan_set(&l->scan, ICT_METRIC_SPREAD, hi - lo);
            }
        }
}

static void link_last(const ict_launch_t *l, const char *name)
{
    char to[64], at[ICT_PATH_MAX + 16];
    snprintf(to, sizeof to, "%s.%d", name, l->run);
    snprintf(at, sizeof at, "%s/%s", l->r.run_dir, name);
    unlink(at);
    (void)!symlink(to, at);
}

/* A run has ended: its own timing; with repeat, keep its metrics and
 * start the next run, or combine them all. */
static void run_end(ict_launch_t *l)
{
    ict_raw_result_t *r = &l->r;
    if (r->launched && l->run_t1 > 0) {
        ict__scan_set(&l->scan, ICT_METRIC_WALL, l->run_t1 - l->run_t0);
        if (l->proc.cpu_usec >= 0)
            ict__scan_set(&l->scan, ICT_METRIC_CPU, (double)l->proc.cpu_usec * 1e-6);
    }
    if (l->repeat <= 1) {
        r->end = ict_now();
        l->done = 1;
        return;
    }
    char a[ICT_PATH_MAX + 16], b[ICT_PATH_MAX + 32];
    snprintf(a, sizeof a, "%s/result", r->run_dir);
    snprintf(b, sizeof b, "%s/result.%d", r->run_dir, l->run);
    (void)rename(a, b);
    sample_t *S = &l->samples[l->run - 1];
    S->n = r->nmetrics;
    memcpy(S->m, r->metrics, (size_t)r->nmetrics * sizeof *S->m);
    int clean = r->launched && r->exited && r->exit_code == 0 && !r->timed_out &&
                !r->killed && !ict_raw_not_measured(r);
    if (clean && l->run < l->repeat) {
        l->run++;
        r->nmetrics = 0;
        r->has_last_number = 0;
        r->result_not_regular = 0;
        l->reaped = 0;
        l->kill_at = 0;
        l->run_t1 = 0;
        l->proc = (ict__proc_t)ICT__PROC_INIT;
        for (stream_t *st = &l->out; st; st = st == &l->out ? &l->err : NULL) {
            st->fd = st->file = -1;
            st->written = 0;
            st->truncated = 0;
            st->len = 0;
            st->overflow = 0;
        }
        start_run(l, &l->t);
        return;
    }
    if (clean)
        combine(l, l->run);
    link_last(l, "stdout");
    link_last(l, "stderr");
    r->end = ict_now();
    l->done = 1;
}

static void finish(ict_launch_t *l)
{
    if (l->done)
        return;
    drain(l, &l->out);
    drain(l, &l->err);
    if (l->out.fd >= 0 || l->err.fd >= 0)
        return;                         /* wait for EOF */
    if (l->out.file >= 0 && close(l->out.file) && !l->r.out_errno)
        l->r.out_errno = errno;
    if (l->err.file >= 0 && close(l->err.file) && !l->r.out_errno)
        l->r.out_errno = errno;
    l->out.file = l->err.file = -1;
    ict__scan_result_file(&l->scan, l->r.run_dir);
    if (l->shell && l->r.exited && (l->r.exit_code == 127 || l->r.exit_code == 126))
        shell_not_found(l);
    run_end(l);
}

/* The program's end, if the guard has reported it. */
static int reap(ict_launch_t *l)
{
    int st;
    int rc = ict__proc_poll(&l->proc, &st);
    if (rc <= 0)
        return 0;
    l->run_t1 = ict_mono();
    if (st == -1)
        l->r.signal = SIGKILL;          /* the guard died: so did the program */
    else if (WIFEXITED(st)) {
        l->r.exited = 1;
        l->r.exit_code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        l->r.signal = WTERMSIG(st);
    }
    return 1;
}

int ict_launch_step(ict_launch_t *l)
{
    if (l->done)
        return 1;
    drain(l, &l->out);
    drain(l, &l->err);
    double now = ict_mono();
    if (!l->reaped) {
        if (reap(l)) {
            l->reaped = 1;
            /* nothing of the evaluation outlives it: the guard has killed
             * its group and what left the group */
            l->kill_at = now + 2;       /* last wait for the pipes' EOF */
        } else if (l->deadline && now >= l->deadline && !l->kill_at) {
            l->r.timed_out = 1;
            kill(-l->proc.pid, SIGTERM);
            kill(-l->proc.pid, SIGCONT);
            l->kill_at = now + l->kill_grace;
        } else if (l->kill_at && now >= l->kill_at) {
            kill(-l->proc.pid, SIGKILL);
        }
    }
    if (l->reaped) {
        if (l->kill_at && now >= l->kill_at) {
            /* a process outside the group holds the pipes: stop waiting */
            for (stream_t *s = &l->out; s; s = s == &l->out ? &l->err : NULL)
                if (s->fd >= 0) {
                    close(s->fd);
                    s->fd = -1;
                }
        }
        finish(l);
    }
    return l->done;
}

void ict_launch_stop(ict_launch_t *l)
{
    if (l->done || l->reaped || l->proc.pid < 0 || l->r.killed)
        return;
    l->r.killed = 1;
    kill(-l->proc.pid, SIGTERM);
    kill(-l->proc.pid, SIGCONT);
    l->kill_at = ict_mono() + l->kill_grace;
}

int ict_launch_done(const ict_launch_t *l) { return l->done; }
const ict_raw_result_t *ict_launch_result(const ict_launch_t *l) { return &l->r; }

void ict_launch_free(ict_launch_t *l)
{
    if (!l)
        return;
    if (l->proc.pid > 0 && !l->reaped)
        kill(-l->proc.pid, SIGKILL);
    ict__proc_release(&l->proc);        /* the guard kills what is left */
    if (l->out.fd >= 0) close(l->out.fd);
    if (l->err.fd >= 0) close(l->err.fd);
    if (l->out.file >= 0) close(l->out.file);
    if (l->err.file >= 0) close(l->err.file);
    free(l->out.line);
    freev(l->argv_copy);
    if (l->env_copy) {
        for (size_t i = 0; l->env_copy[i]; i++)
            if (l->env_copy[i] != l->sample_env)
                free(l->env_copy[i]);
        free(l->env_copy);
    }
    free(l->sample_env);
    freev(l->names_copy);
    free(l->place_copy);
    free(l->aff_copy);
    free(l->samples);
    free(l);
}
