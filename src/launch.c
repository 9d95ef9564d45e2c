/* launch.c - fork/exec of one evaluation, its output, its end.
 *
 * fork/exec is used (not posix_spawn) because the child must join a new
 * process group, take /dev/null as stdin and pipes as stdout/stderr, and
 * have its signal mask cleared; everything the child needs (argv, envp, the
 * resolved program path) is built before fork, so the child only calls
 * async-signal-safe functions, which keeps it safe inside an MPI process.
 * Output is streamed through pipes into files so the launcher can scan the
 * result lines and cap what is kept, with memory bounded by one line. */
#include "ictune/launch.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LINE_MAX_SCAN 65536

typedef struct stream {
    int fd;                     /* read end of the pipe, -1 at EOF */
    int file;                   /* the output file, -1 when closed */
    uint64_t written;
    int truncated;
    char *line;                 /* the current line (stdout only) */
    size_t len;
    int overflow;
} stream_t;

struct ict_launch {
    ict_raw_result_t r;
    pid_t pid;
    int reaped;
    int done;
    double t0, deadline, kill_at;
    double kill_grace;
    uint64_t max_output;
    int parse_last;
    stream_t out, err;
};

double ict_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double ict_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int wake[2] = {-1, -1};

static void on_sigchld(int sig)
{
    int saved = errno;
    (void)sig;
    if (wake[1] >= 0)
        (void)!write(wake[1], "c", 1);
    errno = saved;
}

int ict_launch_wakeup_fd(void)
{
    if (wake[0] < 0) {
        if (pipe2(wake, O_CLOEXEC | O_NONBLOCK))
            return -1;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigchld;
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGCHLD, &sa, NULL);
    }
    return wake[0];
}

void ict_launch_wakeup_drain(void)
{
    char buf[256];
    while (wake[0] >= 0 && read(wake[0], buf, sizeof buf) > 0)
        ;
}

static void set_metric(ict_raw_result_t *r, const char *name, size_t nlen,
                       const char *val, size_t vlen)
{
    if (!nlen || nlen >= ICT_NAME_MAX)
        return;
    if (vlen >= ICT_NAME_MAX)
        vlen = ICT_NAME_MAX - 1;
    int i;
    for (i = 0; i < r->nmetrics; i++)
        if (strlen(r->metrics[i].name) == nlen && !memcmp(r->metrics[i].name, name, nlen))
            break;
    if (i == r->nmetrics) {
        if (r->nmetrics == ICT_MAX_METRICS)
            return;                         /* keep the first names seen */
        r->nmetrics++;
        memcpy(r->metrics[i].name, name, nlen);
        r->metrics[i].name[nlen] = '\0';
    }
    memcpy(r->metrics[i].text, val, vlen);
    r->metrics[i].text[vlen] = '\0';
}

/* "name=value name=value ..." */
static void parse_pairs(ict_raw_result_t *r, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        size_t ns = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=')
            i++;
        if (i >= n || s[i] != '=') {
            while (i < n && !isspace((unsigned char)s[i]))
                i++;
            continue;
        }
        size_t ne = i++, vs = i;
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
        set_metric(r, s + ns, ne - ns, s + vs, i - vs);
    }
}

static void scan_line(ict_launch_t *l, const char *s, size_t n)
{
    static const char tag[] = "[ictune]";
    if (n >= sizeof tag - 1 && !memcmp(s, tag, sizeof tag - 1)) {
        parse_pairs(&l->r, s + sizeof tag - 1, n - (sizeof tag - 1));
        return;
    }
    if (!l->parse_last)
        return;
    /* the last number on the line, if any */
    char buf[128];
    size_t i = 0;
    while (i < n) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == ',' || s[i] == ';'))
            i++;
        size_t st = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != ';')
            i++;
        size_t len = i - st;
        if (!len || len >= sizeof buf)
            continue;
        memcpy(buf, s + st, len);
        buf[len] = '\0';
        char *end;
        double v = strtod(buf, &end);
        if (end != buf && *end == '\0') {
            l->r.has_last_number = 1;
            l->r.last_number = v;
        }
    }
}

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
                scan_line(l, s->line, s->len);
            s->len = 0;
            s->overflow = 0;
        } else if (s->len < LINE_MAX_SCAN) {
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
            scan_line(l, s->line, s->len);
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
    char parent[ICT_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", base);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        int rc = mkdir_p(parent);
        if (rc)
            return rc;
    }
    for (int k = 1; k < 100000; k++) {
        int n = k == 1 ? snprintf(out, size, "%s", base)
                       : snprintf(out, size, "%s-%d", base, k);
        if (n < 0 || (size_t)n >= size)
            return -ENAMETOOLONG;
        if (mkdir(out, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            return -errno;
    }
    return -EEXIST;
}

static int open_in(const ict_launch_t *l, const char *name)
{
    char p[ICT_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/%s", l->r.run_dir, name);
    return open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

/* PATH lookup before fork, so the child only calls execve. */
static char *resolve(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? strdup(prog) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char buf[ICT_PATH_MAX];
        if (n && (size_t)snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog) < sizeof buf &&
            access(buf, X_OK) == 0) {
            struct stat st;
            if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
                return strdup(buf);
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

static char **build_env(const ict_task_t *t, const char *run_dir)
{
    size_t ne = 0, nx = 0;
    while (environ[ne])
        ne++;
    while (t->env && t->env[nx])
        nx++;
    char **env = calloc(ne + nx + 4, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    char *own[3];
    char buf[ICT_PATH_MAX + 64];
    snprintf(buf, sizeof buf, "ICTUNE_EVAL_ID=%llu", (unsigned long long)t->id);
    own[0] = strdup(buf);
    snprintf(buf, sizeof buf, "ICTUNE_RUN_DIR=%s", run_dir);
    own[1] = strdup(buf);
    snprintf(buf, sizeof buf, "ICTUNE_RESULT_FILE=%s/result", run_dir);
    own[2] = strdup(buf);
    /* ours and the task's win over inherited variables of the same name */
    for (size_t i = 0; i < 3; i++)
        env[k++] = own[i];
    for (size_t i = 0; i < nx; i++)
        env[k++] = strdup(t->env[i]);
    for (size_t i = 0; i < ne; i++) {
        size_t nl = strcspn(environ[i], "=");
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = env[j] && !strncmp(env[j], environ[i], nl) && env[j][nl] == '=';
        if (!dup)
            env[k++] = strdup(environ[i]);
    }
    for (size_t i = 0; i < k; i++)
        if (!env[i]) {
            for (size_t j = 0; j < k; j++)
                free(env[j]);
            free(env);
            return NULL;
        }
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

static void fail_start(ict_launch_t *l, int code, const char *fmt, const char *arg)
{
    snprintf(l->r.reason, sizeof l->r.reason, fmt, arg);
    l->r.exit_code = code;
    l->r.end = ict_now();
    l->done = 1;
}

int ict_launch_start(ict_launch_t **out, const ict_task_t *t)
{
    ict_launch_t *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->pid = -1;
    l->out.fd = l->err.fd = l->out.file = l->err.file = -1;
    l->r.id = t->id;
    l->r.attempt = t->attempt;
    l->r.start = ict_now();
    gethostname(l->r.host, sizeof l->r.host - 1);
    ict_launch_wakeup_fd();
    l->kill_grace = t->kill_grace > 0 ? t->kill_grace : 5;
    l->max_output = t->max_output;
    l->parse_last = t->parse_last_number;
    l->out.line = malloc(LINE_MAX_SCAN);
    if (!l->out.line) {
        free(l);
        return -ENOMEM;
    }
    *out = l;
    snprintf(l->r.run_dir, sizeof l->r.run_dir, "%s", t->run_dir);
    int rc = mkdir_p(t->run_dir);     /* the master made it; a worker on
                                         another node may need to */
    if (rc) {
        fail_start(l, 126, "cannot create the run folder %.200s", t->run_dir);
        l->r.out_errno = -rc;
        return 0;
    }
    if (t->params) {
        int fd = open_in(l, "params");
        size_t n = strlen(t->params);
        if (fd < 0 || write(fd, t->params, n) != (ssize_t)n) {
            if (fd >= 0)
                close(fd);
            fail_start(l, 126, "cannot write %.200s/params", l->r.run_dir);
            l->r.out_errno = errno;
            return 0;
        }
        close(fd);
    }
    l->out.file = open_in(l, "stdout");
    l->err.file = open_in(l, "stderr");
    if (l->out.file < 0 || l->err.file < 0) {
        fail_start(l, 126, "cannot create the output files in %.200s", l->r.run_dir);
        l->r.out_errno = errno;
        return 0;
    }
    char *prog = resolve(t->argv[0]);
    if (!prog) {
        fail_start(l, 127, "program not found or not executable: %.200s", t->argv[0]);
        dprintf(l->err.file, "ictune: program not found or not executable: %s\n",
                t->argv[0]);
        return 0;
    }
    char **env = build_env(t, l->r.run_dir);
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (!env || devnull < 0 || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
        free(prog);
        free_env(env);
        if (devnull >= 0)
            close(devnull);
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0) close(po[i]);
            if (pe[i] >= 0) close(pe[i]);
        }
        fail_start(l, 126, "cannot start the program: %.200s", strerror(errno));
        return 0;
    }
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* child: async-signal-safe calls only */
        setpgid(0, 0);
        /* if ictune dies (kill -9, node failure of the rank), so does the
         * evaluation: no orphan keeps a GPU busy */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(126);
        for (int s = 1; s < 32; s++)
            if (s != SIGKILL && s != SIGSTOP)
                signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (t->affinity)
            sched_setaffinity(0, sizeof(cpu_set_t), t->affinity);
        dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        execve(prog, t->argv, env);
        static const char msg[] = "ictune: exec failed\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(127);
    }
    int saved = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(devnull);
    close(po[1]);
    close(pe[1]);
    free(prog);
    free_env(env);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        fail_start(l, 126, "fork failed: %.200s", strerror(saved));
        return 0;
    }
    setpgid(pid, pid);              /* also here: no race with the child */
    l->pid = pid;
    l->r.launched = 1;
    l->out.fd = po[0];
    l->err.fd = pe[0];
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pe[0], F_SETFL, O_NONBLOCK);
    l->t0 = ict_mono();
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
    return n;
}

static void read_result_file(ict_launch_t *l)
{
    char p[ICT_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/result", l->r.run_dir);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char *buf = malloc(1 << 20);
    if (buf) {
        ssize_t n = read(fd, buf, (1 << 20) - 1);
        if (n > 0) {
            buf[n] = '\0';
            for (char *line = buf; line && *line;) {
                char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t)(nl - line) : strlen(line);
                parse_pairs(&l->r, line, len);
                line = nl ? nl + 1 : NULL;
            }
        }
        free(buf);
    }
    close(fd);
}

static void finish(ict_launch_t *l)
{
    if (l->done)
        return;
    drain(l, &l->out);
    drain(l, &l->err);
    if (l->out.fd >= 0 || l->err.fd >= 0)
        return;                         /* wait for EOF */
    if (l->out.file >= 0)
        close(l->out.file);
    if (l->err.file >= 0)
        close(l->err.file);
    l->out.file = l->err.file = -1;
    read_result_file(l);
    l->r.end = ict_now();
    l->done = 1;
}

int ict_launch_step(ict_launch_t *l)
{
    if (l->done)
        return 1;
    drain(l, &l->out);
    drain(l, &l->err);
    double now = ict_mono();
    if (!l->reaped) {
        int st;
        pid_t w = waitpid(l->pid, &st, WNOHANG);
        if (w == l->pid) {
            l->reaped = 1;
            if (WIFEXITED(st)) {
                l->r.exited = 1;
                l->r.exit_code = WEXITSTATUS(st);
            } else if (WIFSIGNALED(st)) {
                l->r.signal = WTERMSIG(st);
            }
            /* nothing of the evaluation may outlive it */
            kill(-l->pid, SIGKILL);
            l->kill_at = now + 2;       /* last wait for the pipes' EOF */
        } else if (l->deadline && now >= l->deadline && !l->kill_at) {
            l->r.timed_out = 1;
            kill(-l->pid, SIGTERM);
            kill(-l->pid, SIGCONT);
            l->kill_at = now + l->kill_grace;
        } else if (l->kill_at && now >= l->kill_at) {
            kill(-l->pid, SIGKILL);
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
    if (l->done || l->reaped || l->pid < 0 || l->r.killed)
        return;
    l->r.killed = 1;
    kill(-l->pid, SIGTERM);
    kill(-l->pid, SIGCONT);
    l->kill_at = ict_mono() + l->kill_grace;
}

int ict_launch_done(const ict_launch_t *l) { return l->done; }
const ict_raw_result_t *ict_launch_result(const ict_launch_t *l) { return &l->r; }

void ict_launch_free(ict_launch_t *l)
{
    if (!l)
        return;
    if (l->pid > 0 && !l->reaped) {
        kill(-l->pid, SIGKILL);
        waitpid(l->pid, NULL, 0);
    }
    if (l->out.fd >= 0) close(l->out.fd);
    if (l->err.fd >= 0) close(l->err.fd);
    if (l->out.file >= 0) close(l->out.file);
    if (l->err.file >= 0) close(l->err.file);
    free(l->out.line);
    free(l);
}

static const char *metric_text(const ict_raw_result_t *r, const char *name)
{
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return r->metrics[i].text;
    return NULL;
}

/* -1 absent, 0 a finite number, 1 not a finite number */
static int metric_value(const ict_raw_result_t *r, const char *name, double *v)
{
    const char *t = metric_text(r, name);
    *v = NAN;
    if (!t)
        return -1;
    char *end;
    double x = strtod(t, &end);
    if (end == t || *end || !isfinite(x)) {
        *v = NAN;
        return 1;
    }
    *v = x;
    return 0;
}

ict_status_t ict_classify(const ict_config_t *c, const ict_raw_result_t *r,
                          double *values, char *reason, size_t size)
{
    values[0] = NAN;
    for (size_t k = 0; k < c->n_metrics; k++)
        metric_value(r, c->metrics[k], &values[k + 1]);
    int mv;
    if (c->parse_last_number && !metric_text(r, c->objective)) {
        mv = r->has_last_number ? (isfinite(r->last_number) ? 0 : 1) : -1;
        values[0] = mv == 0 ? r->last_number : NAN;
    } else {
        mv = metric_value(r, c->objective, &values[0]);
    }
    if (!r->launched) {
        snprintf(reason, size, "%s", r->reason);
        return ICT_STATUS_FAILED;
    }
    if (r->timed_out) {
        snprintf(reason, size, "timed out after %gs: the process group got "
                 "SIGTERM%s", c->timeout, r->signal == SIGKILL ? ", then SIGKILL" : "");
        return ICT_STATUS_TIMEOUT;
    }
    if (r->signal) {
        snprintf(reason, size, "killed by signal %d (%s)%s", r->signal,
                 strsignal(r->signal), r->killed ? " after ictune stopped it" : "");
        return ICT_STATUS_FAILED;
    }
    if (r->exit_code) {
        char note[64] = "";
        if (r->exit_code == 127)
            snprintf(note, sizeof note, " (command not found)");
        else if (r->exit_code == 126)
            snprintf(note, sizeof note, " (command not executable)");
        else if (r->exit_code > 128 && r->exit_code < 160)
            snprintf(note, sizeof note, " (a shell's way of saying: killed "
                     "by signal %d)", r->exit_code - 128);
        snprintf(reason, size, "exit code %d%s", r->exit_code, note);
        return ICT_STATUS_FAILED;
    }
    if (mv < 0) {
        if (c->parse_last_number)
            snprintf(reason, size, "exit 0 but no number on stdout");
        else
            snprintf(reason, size, "exit 0 but no value for '%s': expected a "
                     "line '[ictune] %s=NUMBER' on stdout or '%s=NUMBER' in "
                     "$ICTUNE_RESULT_FILE", c->objective, c->objective, c->objective);
        return ICT_STATUS_NO_RESULT;
    }
    if (mv > 0) {
        const char *t = metric_text(r, c->objective);
        snprintf(reason, size, "'%s' is '%s': expected a finite number",
                 c->objective, t ? t : "inf/nan");
        return ICT_STATUS_BAD_RESULT;
    }
    for (size_t k = 0; k < c->n_constraints; k++) {
        const ict_constraint_t *q = &c->constraints[k];
        double v;
        int m = strcmp(q->metric, c->objective) ? metric_value(r, q->metric, &v)
                                                : (v = values[0], 0);
        if (m < 0) {
            snprintf(reason, size, "no value for '%s', which the constraint "
                     "'%s' needs", q->metric, q->text);
            return ICT_STATUS_NO_RESULT;
        }
        if (m > 0) {
            snprintf(reason, size, "'%s' is not a finite number (constraint "
                     "'%s')", q->metric, q->text);
            return ICT_STATUS_BAD_RESULT;
        }
        if (!ict_constraint_holds(q, v)) {
            snprintf(reason, size, "constraint '%s' broken: %s = %g", q->text,
                     q->metric, v);
            return ICT_STATUS_INFEASIBLE;
        }
    }
    reason[0] = '\0';
    if (r->out_truncated)
        snprintf(reason, size, "output truncated at limits.max_output");
    return ICT_STATUS_OK;
}

int ict_launch_job_stopped(int sig, volatile sig_atomic_t *flag,
                           double seconds)
{
    if (!flag)
        return 0;
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGKILL ||
        sig == SIGUSR1) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        for (double t = 0; !*flag && t < seconds; t += 0.01)
            nanosleep(&ts, NULL);
    }
    return *flag != 0;
}
