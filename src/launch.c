/* launch.c - one evaluation: a guard process, the program, its output,
 * its end.
 *
 * ictune forks a small guard per evaluation; the guard forks the program
 * into a process group of its own. The guard is a child subreaper, ignores
 * the job's signals and holds the read end of a pipe whose write end only
 * ictune has: when ictune dies (kill -9, a node's rank killed) the pipe
 * closes and the guard kills the program's whole group and every
 * descendant that left it, so no grandchild of `sh -c` runs on unrecorded
 * (PR_SET_PDEATHSIG alone reaches only the direct child). The guard
 * reports the program's pid, whether exec worked, and its wait status.
 * Everything the children need is built before fork and they call only
 * async-signal-safe functions, which keeps this safe inside an MPI
 * process; the program gets fds 0-2 only (nothing of ictune's, such as the
 * results file, leaks into it). Output is streamed through pipes into
 * files so the launcher can scan the result lines and cap what is kept,
 * with memory bounded by one line. */
#include "ictune/launch.h"
#include "ictune/number.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
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

/* What the result protocol writes into: the launcher's, or a test's. */
typedef struct scan {
    ict_raw_result_t *r;
    char **names;               /* metrics to keep, or NULL */
    int parse_last;
} scan_t;

struct ict_launch {
    ict_raw_result_t r;
    pid_t guard;                /* our child: the guard */
    pid_t pid;                  /* the program (the guard's child) = its group */
    int guard_fd;               /* write end: closed, the guard kills all */
    int report_fd;              /* the guard's messages */
    int reaped;                 /* the program's end is known */
    int guard_reaped;
    int done;
    double t0, deadline, kill_at;
    double kill_grace;
    uint64_t max_output;
    scan_t scan;                /* the result protocol's state */
    int shell;                  /* argv is /bin/sh -c ... */
    stream_t out, err;
};

/* guard -> ictune, 8 bytes each: the program's pid, exec's errno (0: it
 * ran), the program's wait status */
enum { MSG_PID = 1, MSG_EXEC = 2, MSG_STATUS = 3 };
typedef struct gmsg { int32_t kind, value; } gmsg_t;

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

static int wanted(const scan_t *l, const char *name, size_t nlen)
{
    if (!l->names)
        return 1;
    for (char **n = l->names; *n; n++)
        if (strlen(*n) == nlen && !memcmp(*n, name, nlen))
            return 1;
    return 0;
}

static void set_metric(scan_t *l, const char *name, size_t nlen,
                       const char *val, size_t vlen)
{
    ict_raw_result_t *r = l->r;
    if (!nlen || nlen >= ICT_NAME_MAX || !wanted(l, name, nlen))
        return;
    int i;
    for (i = 0; i < r->nmetrics; i++)
        if (strlen(r->metrics[i].name) == nlen && !memcmp(r->metrics[i].name, name, nlen))
            break;
    if (i == r->nmetrics) {
        if (r->nmetrics == ICT_MAX_METRICS)
            return;                 /* only without a list of names */
        r->nmetrics++;
        memcpy(r->metrics[i].name, name, nlen);
        r->metrics[i].name[nlen] = '\0';
    }
    ict_metric_t *m = &r->metrics[i];
    /* the value from the whole text; the text only for messages */
    m->bad = ict_parse_decimal(val, vlen, &m->value);
    if (vlen < ICT_NAME_MAX) {
        memcpy(m->text, val, vlen);
        m->text[vlen] = '\0';
    } else {
        snprintf(m->text, sizeof m->text, "%.*s...", ICT_NAME_MAX - 4, val);
    }
}

/* "name=value name=value ..." */
static void parse_pairs(scan_t *l, const char *s, size_t n)
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
        set_metric(l, s + ns, ne - ns, s + vs, i - vs);
    }
}

/* nan, inf, -inf, infinity (any case): what printf makes of a bad value */
static int non_finite_word(const char *s, size_t n)
{
    if (n && (*s == '-' || *s == '+')) {
        s++;
        n--;
    }
    return (n == 3 && (!strncasecmp(s, "nan", 3) || !strncasecmp(s, "inf", 3))) ||
           (n == 8 && !strncasecmp(s, "infinity", 8));
}

static void scan_line(scan_t *l, const char *s, size_t n)
{
    static const char tag[] = "[ictune]";
    if (n >= sizeof tag - 1 && !memcmp(s, tag, sizeof tag - 1)) {
        parse_pairs(l, s + sizeof tag - 1, n - (sizeof tag - 1));
        return;
    }
    if (!l->parse_last)
        return;
    /* the last number on the line, if any */
    size_t i = 0;
    while (i < n) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == ',' || s[i] == ';'))
            i++;
        size_t st = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != ';')
            i++;
        size_t len = i - st;
        if (!len)
            continue;
        double v;
        int rc = ict_parse_decimal(s + st, len, &v);
        if (rc == ICT_NUMBER_OK) {
            l->r->has_last_number = 1;
            l->r->last_number = v;
        } else if (rc == ICT_NUMBER_RANGE || non_finite_word(s + st, len)) {
            l->r->has_last_number = 1;       /* a number, but not a value */
            l->r->last_number = NAN;
        }
    }
}

void ict_result_scan(ict_raw_result_t *r, char **names, int parse_last,
                     int result_file, const char *text, size_t n)
{
    scan_t sc = {r, names, parse_last};
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
        if (len <= LINE_MAX_SCAN) {     /* a giant line is not a result */
            if (result_file)
                parse_pairs(&sc, text + i, len);
            else
                scan_line(&sc, text + i, len);
        }
        i += len + 1;
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
                scan_line(&l->scan, s->line, s->len);
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
            scan_line(&l->scan, s->line, s->len);
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

/* One "NAME=value" into env unless a variable of that name is there. */
static int env_add(char **env, size_t *k, const char *var, size_t len)
{
    size_t nl = strcspn(var, "=");
    if (nl >= len)
        return 0;                       /* not NAME=value: skipped */
    for (size_t j = 0; j < *k; j++)
        if (!strncmp(env[j], var, nl) && env[j][nl] == '=')
            return 0;
    if (!(env[*k] = strndup(var, len)))
        return -ENOMEM;
    (*k)++;
    return 0;
}

/* ictune's variables, the task's, the worker's (its GPU), then the
 * inherited ones; the first of a name wins. No fixed count anywhere. */
static char **build_env(const ict_task_t *t, const char *run_dir)
{
    size_t ne = 0, nx = 0, np = 0;
    while (environ[ne])
        ne++;
    while (t->env && t->env[nx])
        nx++;
    for (const char *p = t->place_env; p && *p; p++)
        np += *p == ' ';
    char **env = calloc(ne + nx + np + 5, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    int rc = 0;
    char buf[ICT_PATH_MAX + 64];
    snprintf(buf, sizeof buf, "ICTUNE_EVAL_ID=%llu", (unsigned long long)t->id);
    rc |= env_add(env, &k, buf, strlen(buf));
    snprintf(buf, sizeof buf, "ICTUNE_RUN_DIR=%s", run_dir);
    rc |= env_add(env, &k, buf, strlen(buf));
    snprintf(buf, sizeof buf, "ICTUNE_RESULT_FILE=%s/result", run_dir);
    rc |= env_add(env, &k, buf, strlen(buf));
    for (size_t i = 0; i < nx && !rc; i++)
        rc = env_add(env, &k, t->env[i], strlen(t->env[i]));
    for (const char *p = t->place_env; p && *p && !rc;) {
        size_t n = strcspn(p, " ");
        if (n)
            rc = env_add(env, &k, p, n);
        p += n + (p[n] == ' ');
    }
    for (size_t i = 0; i < ne && !rc; i++)
        rc = env_add(env, &k, environ[i], strlen(environ[i]));
    if (rc) {
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

/* ---- the guard and the program (after fork: async-signal-safe only) ---- */

static void say_guard(int fd, int kind, int value)
{
    gmsg_t m = {kind, value};
    (void)!write(fd, &m, sizeof m);
}

/* SIGKILL every child of the guard: descendants that left the program's
 * group (setsid daemons) were reparented to it, the subreaper. */
static void kill_children(void)
{
    char path[64], buf[4096];
    /* /proc/self/task/<pid>/children, built without snprintf */
    char num[16];
    int n = 0;
    for (pid_t p = getpid(); p > 0 && n < 15; p /= 10)
        num[n++] = (char)('0' + p % 10);
    int k = 0;
    const char *pre = "/proc/self/task/";
    while (*pre)
        path[k++] = *pre++;
    while (n)
        path[k++] = num[--n];
    const char *suf = "/children";
    while (*suf)
        path[k++] = *suf++;
    path[k] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    long v = 0;
    int in = 0;
    for (ssize_t i = 0; i <= len; i++) {
        if (i < len && buf[i] >= '0' && buf[i] <= '9') {
            v = v * 10 + (buf[i] - '0');
            in = 1;
        } else if (in) {
            kill((pid_t)v, SIGKILL);
            v = 0;
            in = 0;
        }
    }
}

typedef struct spawn {
    const char *prog;
    char **argv, **env;
    const void *affinity;
    int out, err, devnull;      /* the program's fds 1, 2 and 0 */
    int guard_in, report;       /* the guard's pipe ends */
} spawn_t;

static void program_main(const spawn_t *sp, int exec_fd, pid_t guard)
{
    setpgid(0, 0);
    /* the guard is killed outright: so is the program */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != guard)
        _exit(126);
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (sp->affinity)
        sched_setaffinity(0, sizeof(cpu_set_t), sp->affinity);
    dup2(sp->devnull, 0);
    dup2(sp->out, 1);
    dup2(sp->err, 2);
    /* fds 0-2 and the exec check only */
    if (exec_fd != 3) {
        dup2(exec_fd, 3);
        exec_fd = 3;
    }
    fcntl(3, F_SETFD, FD_CLOEXEC);
    close_range(4, ~0U, 0);
    execve(sp->prog, sp->argv, sp->env);
    int e = errno;
    (void)!write(3, &e, sizeof e);
    static const char msg[] = "ictune: exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
}

/* ictune's command line, so the guard can show another one: a kill by
 * name of ictune's processes (pkill -f 'ictune run') must not reach the
 * guard, which then would leave the program's descendants behind. */
static char *cmdline_at;
static size_t cmdline_len;

static void find_cmdline(void)
{
    if (cmdline_at)
        return;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[4096];
    ssize_t n, total = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        total += n;
    close(fd);
    /* argv[0] starts the area the kernel shows, contiguous to its end */
    extern char *program_invocation_name;
    if (total > 0 && program_invocation_name) {
        cmdline_at = program_invocation_name;
        cmdline_len = (size_t)total;
    }
}

static void guard_title(void)
{
    static const char title[] = "ict-guard";
    if (!cmdline_at || cmdline_len < sizeof title)
        return;
    memset(cmdline_at, 0, cmdline_len);
    memcpy(cmdline_at, title, sizeof title);
}

static void guard_main(const spawn_t *sp)
{
    pid_t self = getpid();
    guard_title();
    setsid();                   /* out of ictune's group and session: a
                                   signal or kill -9 to the job's group or
                                   session does not reach the guard */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    static const int ign[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1,
                              SIGUSR2, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGALRM};
    for (size_t i = 0; i < sizeof ign / sizeof *ign; i++)
        sigaction(ign[i], &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);     /* SIGCHLD via signalfd */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    prctl(PR_SET_NAME, "ict-guard");
    int ep[2];
    if (pipe2(ep, O_CLOEXEC)) {
        say_guard(sp->report, MSG_EXEC, errno);
        _exit(1);
    }
    /* vfork: the guard is a single thread, the child only makes system
     * calls before execve, and no copy of the (master-sized) address space
     * is made; the guard waits here until the program has exec'd */
    pid_t p = vfork();
    if (p == 0) {
        close(ep[0]);
        program_main(sp, ep[1], self);
    }
    close(ep[1]);
    if (p < 0) {
        say_guard(sp->report, MSG_EXEC, errno);
        _exit(1);
    }
    setpgid(p, p);
    say_guard(sp->report, MSG_PID, p);
    int e = 0;
    ssize_t n;
    while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR)
        ;
    say_guard(sp->report, MSG_EXEC, n == (ssize_t)sizeof e ? e : 0);
    /* keep only the guard pipe (as fd 0) and the report pipe (fd 1) */
    dup2(sp->guard_in, 0);
    dup2(sp->report, 1);
    dup2(sp->devnull, 2);
    close_range(3, ~0U, 0);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    int program_done = 0, ictune_gone = 0;
    for (;;) {
        int st;
        pid_t w;
        while ((w = waitpid(-1, &st, WNOHANG)) > 0)
            if (w == p && !program_done) {
                program_done = 1;
                if (!ictune_gone)
                    say_guard(1, MSG_STATUS, st);
            }
        int none_left = w < 0 && errno == ECHILD;
        if (none_left)
            _exit(0);
        if (program_done || ictune_gone) {
            kill(-p, SIGKILL);      /* nothing of it outlives it */
            kill_children();
        }
        struct pollfd pf[2] = {{ictune_gone ? -1 : 0, POLLIN, 0}, {sfd, POLLIN, 0}};
        int rc = poll(pf, 2, sfd < 0 || program_done || ictune_gone ? 50 : -1);
        if (rc > 0 && pf[0].revents) {
            char c;
            if (read(0, &c, 1) <= 0)
                ictune_gone = 1;    /* ictune died, or let go of it */
        }
        if (rc > 0 && pf[1].revents) {
            struct signalfd_siginfo si;
            (void)!read(sfd, &si, sizeof si);
        }
    }
}

static int read_msg(int fd, gmsg_t *m)
{
    ssize_t n;
    while ((n = read(fd, m, sizeof *m)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof *m ? 0 : -1;
}

/* Fds 0-2 open, so no pipe of ours lands there (CI runs without stdin). */
static void std_fds(void)
{
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
}

int ict_launch_start(ict_launch_t **out, const ict_task_t *t)
{
    ict_launch_t *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->pid = l->guard = -1;
    l->guard_fd = l->report_fd = -1;
    l->out.fd = l->err.fd = l->out.file = l->err.file = -1;
    l->r.id = t->id;
    l->r.attempt = t->attempt;
    l->r.start = ict_now();
    gethostname(l->r.host, sizeof l->r.host - 1);
    std_fds();
    find_cmdline();
    ict_launch_wakeup_fd();
    l->kill_grace = t->kill_grace > 0 ? t->kill_grace : 5;
    l->max_output = t->max_output;
    l->scan = (scan_t){&l->r, t->metric_names, t->parse_last_number};
    l->shell = t->argv[0] && t->argv[1] && !strcmp(t->argv[0], "/bin/sh") &&
               !strcmp(t->argv[1], "-c");
    l->out.line = malloc(LINE_MAX_SCAN);
    if (!l->out.line) {
        free(l);
        return -ENOMEM;
    }
    *out = l;
    snprintf(l->r.run_dir, sizeof l->r.run_dir, "%s", t->run_dir);
    if (strlen(t->run_dir) >= sizeof l->r.run_dir - 16) {
        fail_start(l, 126, "the run folder's path is too long: %.200s", t->run_dir);
        l->r.own_errno = ENAMETOOLONG;
        return 0;
    }
    int rc = mkdir_p(t->run_dir);     /* the master made it; a worker on
                                         another node may need to */
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
    l->out.file = open_in(l, "stdout");
    l->err.file = open_in(l, "stderr");
    if (l->out.file < 0 || l->err.file < 0) {
        l->r.own_errno = errno;
        fail_start(l, 126, "cannot create the output files in %.200s", l->r.run_dir);
        return 0;
    }
    char *prog = resolve(t->argv[0]);
    if (!prog) {
        fail_start(l, 127, "program not found or not executable: %.200s", t->argv[0]);
        l->r.exec_errno = ENOENT;
        dprintf(l->err.file, "ictune: program not found or not executable: %s\n",
                t->argv[0]);
        return 0;
    }
    char **env = build_env(t, l->r.run_dir);
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, pg[2] = {-1, -1}, pr[2] = {-1, -1};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (!env || devnull < 0 || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) ||
        pipe2(pg, O_CLOEXEC) || pipe2(pr, O_CLOEXEC)) {
        int saved = errno;
        free(prog);
        free_env(env);
        if (devnull >= 0)
            close(devnull);
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0) close(po[i]);
            if (pe[i] >= 0) close(pe[i]);
            if (pg[i] >= 0) close(pg[i]);
            if (pr[i] >= 0) close(pr[i]);
        }
        l->r.own_errno = saved ? saved : ENOMEM;
        fail_start(l, 126, "cannot start the program: %.200s", strerror(saved));
        return 0;
    }
    spawn_t sp = {prog, t->argv, env, t->affinity, po[1], pe[1], devnull,
                  pg[0], pr[1]};
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t guard = fork();
    if (guard == 0)
        guard_main(&sp);
    int saved = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(devnull);
    close(po[1]);
    close(pe[1]);
    close(pg[0]);
    close(pr[1]);
    free(prog);
    free_env(env);
    l->guard_fd = pg[1];
    l->report_fd = pr[0];
    l->out.fd = po[0];
    l->err.fd = pe[0];
    gmsg_t m1 = {0, 0}, m2 = {0, 0};
    if (guard < 0 || read_msg(pr[0], &m1) || m1.kind != MSG_PID ||
        read_msg(pr[0], &m2) || m2.kind != MSG_EXEC || m2.value) {
        l->guard = guard;
        if (m1.kind == MSG_PID)
            l->pid = m1.value;
        l->reaped = 1;
        if (guard < 0 || m2.kind != MSG_EXEC) {
            l->r.own_errno = guard < 0 ? saved : EIO;
            fail_start(l, 126, "cannot start the program: %.200s",
                       guard < 0 ? strerror(saved) : "the guard process died");
            return 0;
        }
        l->r.exec_errno = m2.value;
        dprintf(l->err.file, "ictune: cannot execute %s: %s\n", t->argv[0],
                strerror(m2.value));
        fail_start(l, 127, "cannot execute the program: %.200s",
                   strerror(m2.value));
        return 0;
    }
    l->guard = guard;
    l->pid = m1.value;
    l->r.launched = 1;
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pe[0], F_SETFL, O_NONBLOCK);
    fcntl(pr[0], F_SETFL, O_NONBLOCK);
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
    if (l->report_fd >= 0 && !l->reaped)
        fds[n++] = l->report_fd;
    return n;
}

static void read_result_file(ict_launch_t *l)
{
    char p[ICT_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/result", l->r.run_dir);
    /* O_NONBLOCK: a FIFO left there must not block ictune */
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        l->r.result_not_regular = 1;
        close(fd);
        return;
    }
    char *buf = malloc(1 << 20);
    if (buf) {
        ssize_t n = read(fd, buf, (1 << 20) - 1);
        if (n > 0) {
            buf[n] = '\0';
            for (char *line = buf; line && *line;) {
                char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t)(nl - line) : strlen(line);
                parse_pairs(&l->scan, line, len);
                line = nl ? nl + 1 : NULL;
            }
        }
        free(buf);
    }
    close(fd);
}

/* `sh -c` exits 127 (126) when it cannot find (execute) the command and
 * says so on stderr: then the program never ran. */
static void shell_not_found(ict_launch_t *l)
{
    char p[ICT_PATH_MAX + 16], buf[4097];
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
    read_result_file(l);
    if (l->shell && l->r.exited && (l->r.exit_code == 127 || l->r.exit_code == 126))
        shell_not_found(l);
    l->r.end = ict_now();
    l->done = 1;
}

/* The guard's report of the program's end, if it came. */
static int reap(ict_launch_t *l)
{
    gmsg_t m;
    ssize_t n;
    while ((n = read(l->report_fd, &m, sizeof m)) < 0 && errno == EINTR)
        ;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n == (ssize_t)sizeof m && m.kind == MSG_STATUS) {
        int st = m.value;
        if (WIFEXITED(st)) {
            l->r.exited = 1;
            l->r.exit_code = WEXITSTATUS(st);
        } else if (WIFSIGNALED(st)) {
            l->r.signal = WTERMSIG(st);
        }
    } else {
        l->r.signal = SIGKILL;          /* the guard died: so did the program */
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
            /* nothing of the evaluation may outlive it (the guard does the
             * same, and for what left the group) */
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
    if (l->reaped && !l->guard_reaped && l->guard > 0 &&
        waitpid(l->guard, NULL, WNOHANG) == l->guard)
        l->guard_reaped = 1;
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
    if (l->pid > 0 && !l->reaped)
        kill(-l->pid, SIGKILL);
    if (l->guard_fd >= 0)
        close(l->guard_fd);             /* the guard kills what is left */
    if (l->guard > 0 && !l->guard_reaped)
        while (waitpid(l->guard, NULL, 0) < 0 && errno == EINTR)
            ;
    if (l->report_fd >= 0) close(l->report_fd);
    if (l->out.fd >= 0) close(l->out.fd);
    if (l->err.fd >= 0) close(l->err.fd);
    if (l->out.file >= 0) close(l->out.file);
    if (l->err.file >= 0) close(l->err.file);
    free(l->out.line);
    free(l);
}

static const ict_metric_t *metric_of(const ict_raw_result_t *r, const char *name)
{
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return &r->metrics[i];
    return NULL;
}

static const char *metric_text(const ict_raw_result_t *r, const char *name)
{
    const ict_metric_t *m = metric_of(r, name);
    return m ? m->text : NULL;
}

/* -1 absent, 0 a finite number, 1 not a finite number */
static int metric_value(const ict_raw_result_t *r, const char *name, double *v)
{
    const ict_metric_t *m = metric_of(r, name);
    *v = NAN;
    if (!m)
        return -1;
    if (m->bad)
        return 1;
    *v = m->value;
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
    if (r->own_errno || r->out_errno) {
        snprintf(reason, size, "not a measurement: ictune could not write "
                 "the run folder (%s%s%s)", strerror(r->own_errno ? r->own_errno
                 : r->out_errno), r->reason[0] ? "; " : "", r->reason);
        return ICT_STATUS_INTERRUPTED;
    }
    if (r->exec_errno) {
        snprintf(reason, size, "not a measurement: the program could not be "
                 "started (%s)", r->reason[0] ? r->reason : "exit code 127: "
                 "command not found");
        return ICT_STATUS_INTERRUPTED;
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
                     "$ICTUNE_RESULT_FILE%s", c->objective, c->objective, c->objective,
                     r->result_not_regular ? " ($ICTUNE_RESULT_FILE is not a "
                     "regular file: not read)" : "");
        return ICT_STATUS_NO_RESULT;
    }
    if (mv > 0) {
        const ict_metric_t *m = metric_of(r, c->objective);
        snprintf(reason, size, "'%s' is '%s': %s", c->objective,
                 m ? m->text : "inf/nan", m && m->bad == ICT_NUMBER_RANGE ?
                 "outside the range of a double" : "expected a finite decimal "
                 "number such as 0.25 or 1e-3");
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

int ict_launch_stop_signal(int sig)
{
    return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGKILL ||
           sig == SIGUSR1;
}

int ict_launch_job_stopped(int sig, volatile sig_atomic_t *flag,
                           double seconds)
{
    if (!flag)
        return 0;
    if (ict_launch_stop_signal(sig)) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        for (double t = 0; !*flag && t < seconds; t += 0.01)
            nanosleep(&ts, NULL);
    }
    return *flag != 0;
}
