/* spawn.c - start a program under a guard process, and hear of its end.
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
 * results file, leaks into it). */
#include "ictune/launch.h"
#include "launch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* guard -> ictune, 8 bytes each: the program's pid, exec's errno (0: it
 * ran), the program's wait status */
enum { MSG_PID = 1, MSG_EXEC = 2, MSG_STATUS = 3 };
typedef struct gmsg { int32_t kind, value; } gmsg_t;

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

int ict__spawn(ict__proc_t *p, const ict_task_t *t, const char *run_dir,
               int *out_fd, int *err_fd, int *exec_errno)
{
    *exec_errno = 0;
    std_fds();
    find_cmdline();
    char *prog = resolve(t->argv[0]);
    if (!prog)
        return -ENOENT;
    char **env = build_env(t, run_dir);
    int po[2] = {-1, -1}, pe[2] = {-1, -1}, pg[2] = {-1, -1}, pr[2] = {-1, -1};
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (!env || devnull < 0 || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC) ||
        pipe2(pg, O_CLOEXEC) || pipe2(pr, O_CLOEXEC)) {
        int saved = errno ? errno : ENOMEM;
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
        return -saved;
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
    p->guard = guard;
    p->guard_fd = pg[1];
    p->report_fd = pr[0];
    *out_fd = po[0];
    *err_fd = pe[0];
    gmsg_t m1 = {0, 0}, m2 = {0, 0};
    if (guard < 0 || read_msg(pr[0], &m1) || m1.kind != MSG_PID ||
        read_msg(pr[0], &m2) || m2.kind != MSG_EXEC || m2.value) {
        if (m1.kind == MSG_PID)
            p->pid = m1.value;
        if (guard < 0)
            return -saved;
        if (m2.kind != MSG_EXEC)
            return -EPIPE;
        *exec_errno = m2.value;
        return 0;
    }
    p->pid = m1.value;
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pe[0], F_SETFL, O_NONBLOCK);
    fcntl(pr[0], F_SETFL, O_NONBLOCK);
    return 0;
}

int ict__proc_poll(ict__proc_t *p, int *status)
{
    gmsg_t m;
    ssize_t n;
    while ((n = read(p->report_fd, &m, sizeof m)) < 0 && errno == EINTR)
        ;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    *status = n == (ssize_t)sizeof m && m.kind == MSG_STATUS ? m.value : -1;
    return 1;
}

void ict__proc_reaped(ict__proc_t *p)
{
    if (!p->guard_reaped && p->guard > 0 && waitpid(p->guard, NULL, WNOHANG) == p->guard)
        p->guard_reaped = 1;
}

void ict__proc_release(ict__proc_t *p)
{
    if (p->guard_fd >= 0)
        close(p->guard_fd);             /* the guard kills what is left */
    p->guard_fd = -1;
    if (p->guard > 0 && !p->guard_reaped)
        while (waitpid(p->guard, NULL, 0) < 0 && errno == EINTR)
            ;
    p->guard_reaped = 1;
    if (p->report_fd >= 0)
        close(p->report_fd);
    p->report_fd = -1;
}
