/* spawn.c - start programs under a guard process, and hear of their end.
 *
 * Each slot that runs programs (a local job slot, an MPI worker) has one
 * long-lived guard, forked from ictune the first time it is needed and
 * reused for every evaluation after: the master itself is never forked
 * per evaluation. The guard is a child subreaper in a session of its
 * own, ignores the job's signals, and holds one end of a socket whose
 * other end only ictune has. Per evaluation ictune sends it the program's
 * path, argv, environment and CPU set with the two output pipes
 * (SCM_RIGHTS); the guard vforks the program into a process group of its
 * own and answers its pid and whether exec worked, later its wait status.
 * When the program ends, the guard kills its group and every descendant
 * that left it (they were reparented to the guard) before it takes the
 * next one. When ictune dies (kill -9, a node's rank killed) the socket
 * closes and the guard kills the program's whole tree and exits, so no
 * grandchild of `sh -c` runs on unrecorded (PR_SET_PDEATHSIG alone
 * reaches only the direct child). The guard uses no stdio and no malloc
 * (it is a fork of a process that may have threads); the program gets
 * fds 0-2 only. */
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* guard -> ictune, 8 bytes each: the program's pid, exec's errno (0: it
 * ran), the program's wait status */
enum { MSG_PID = 1, MSG_EXEC = 2, MSG_STATUS = 3 };
typedef struct gmsg {
    int32_t kind, value;
    int64_t usec;               /* MSG_STATUS: the program's CPU time (user
                                   + system, with what it waited for) */
} gmsg_t;

/* ictune -> guard: this header (with the two output fds), then `len`
 * bytes: the CPU set if any, then prog, the working directory if any,
 * argv and env as C strings. */
typedef struct greq {
    uint32_t magic, len, argc, envc, flags;     /* GREQ_CPUS | GREQ_CWD */
} greq_t;
#define GREQ_CPUS 1u
#define GREQ_CWD 2u
#define GREQ_MAGIC 0x69637367u

typedef struct spawn {
    const char *prog;
    char **argv, **env;
    const void *affinity;
    const char *cwd;            /* NULL: ictune's own */
    int out, err, devnull;      /* the program's fds 1, 2 and 0 */
} spawn_t;

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

/* SIGKILL every child of the guard: the program, and descendants that
 * left its group (setsid daemons), reparented to the guard, the subreaper. */
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
    if (sp->cwd && chdir(sp->cwd)) {
        int e = errno;
        (void)!write(exec_fd, &e, sizeof e);
        _exit(127);
    }
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

static void say(int fd, int kind, int value, int64_t usec)
{
    gmsg_t m = {kind, value, usec};
    (void)!write(fd, &m, sizeof m);
}

/* The program's pid and exec's errno, in one write (one read for ictune). */
static void say_started(pid_t pid, int e)
{
    gmsg_t m[2] = {{MSG_PID, pid, 0}, {MSG_EXEC, e, 0}};
    (void)!write(0, m, sizeof m);
}

/* ---- the guard (a fork of ictune: system calls only, no malloc) ---- */

static char *gbuf;              /* the request, mmap'ed, grown by mremap */
static size_t gcap;

static int gbuf_fit(size_t n)
{
    if (n <= gcap)
        return 0;
    size_t cap = gcap ? gcap : 65536;
    while (cap < n)
        cap *= 2;
    void *p = gbuf ? mremap(gbuf, gcap, cap, MREMAP_MAYMOVE)
                   : mmap(NULL, cap, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    gbuf = p;
    gcap = cap;
    return 0;
}

static int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

/* vfork: the guard is one thread and the child only makes system calls
 * before execve; the guard waits here until the program has exec'd. */
static __attribute__((noinline)) pid_t vspawn(const spawn_t *sp, const int *ep,
                                              pid_t self)
{
    pid_t pid = vfork();
    if (pid == 0) {
        close(ep[0]);
        program_main(sp, ep[1], self);
    }
    return pid;
}

/* One request on fd 0: start the program. Returns its pid, or -1 (exec
 * failed or the request was bad: already answered), or -2 (ictune gone). */
static pid_t guard_start(pid_t self)
{
    greq_t h;
    int fds[2] = {-1, -1};
    char cbuf[CMSG_SPACE(sizeof fds)];
    struct iovec iov = {&h, sizeof h};
    struct msghdr mh = {0};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = recvmsg(0, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return -2;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
            cm->cmsg_len == CMSG_LEN(sizeof fds))
            memcpy(fds, CMSG_DATA(cm), sizeof fds);
    size_t ptrs = ((size_t)h.argc + h.envc + 2) * sizeof(char *);
    size_t at = ((size_t)h.len + 15) & ~(size_t)15;
    if ((size_t)n != sizeof h || h.magic != GREQ_MAGIC || fds[0] < 0 || fds[1] < 0 ||
        gbuf_fit(at + ptrs) || (n = read_full(0, gbuf, h.len)) < 0) {
        if (fds[0] >= 0) close(fds[0]);
        if (fds[1] >= 0) close(fds[1]);
        if (n < 0)
            return -2;
        say_started(-1, EPROTO);
        return -1;
    }
    char **vec = (char **)(void *)(gbuf + at);
    const char *cpus = NULL, *p = gbuf, *end = gbuf + h.len;
    if (h.flags & GREQ_CPUS) {
        cpus = p;
        p += sizeof(cpu_set_t);
    }
    const char *prog = p, *cwd = NULL;
    p += strnlen(p, (size_t)(end - p)) + 1;
    if ((h.flags & GREQ_CWD) && p < end) {
        cwd = p;
        p += strnlen(p, (size_t)(end - p)) + 1;
    }
    for (uint32_t i = 0; i < h.argc + h.envc && p < end; i++) {
        vec[i + (i >= h.argc)] = (char *)p;
        p += strnlen(p, (size_t)(end - p)) + 1;
    }
    vec[h.argc] = NULL;
    vec[h.argc + h.envc + 1] = NULL;
    spawn_t sp = {prog, vec, vec + h.argc + 1, cpus, cwd, fds[0], fds[1], 1};
    int ep[2];
    pid_t pid = -1;
    int e = 0;
    if (pipe2(ep, O_CLOEXEC)) {
        e = errno;
    } else {
        pid = vspawn(&sp, ep, self);
        if (pid < 0)
            e = errno;
        close(ep[1]);
    }
    close(fds[0]);
    close(fds[1]);
    if (pid > 0) {
        setpgid(pid, pid);
        while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR)
            ;
        if (n != (ssize_t)sizeof e)
            e = 0;
    }
    if (pid > 0 || e)
        close(ep[0]);
    say_started(pid, e);
    return e ? -1 : pid;
}

static void guard_main(int ctl)
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
    /* fd 0 the socket to ictune, 1 and 2 /dev/null, nothing else */
    int devnull = open("/dev/null", O_RDWR);
    dup2(ctl, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    close_range(3, ~0U, 0);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    pid_t prog = -1, group = -1;
    int report = 0, cleaning = 0, gone = 0;
    for (;;) {
        int st;
        pid_t w;
        struct rusage ru;
        while ((w = wait4(-1, &st, WNOHANG, &ru)) > 0)
            if (w == prog) {
                if (report && !gone)
                    say(0, MSG_STATUS, st,
                        (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                        ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
                prog = -1;
                cleaning = 1;
            }
        int none_left = w < 0 && errno == ECHILD;
        if (gone && none_left)
            _exit(0);
        if (none_left)
            cleaning = 0;
        if ((cleaning || gone) && !none_left) {
            if (group > 0)
                kill(-group, SIGKILL);  /* nothing of it outlives it */
            kill_children();
        }
        int idle = prog < 0 && !cleaning;
        struct pollfd pf[2] = {{gone ? -1 : 0, POLLIN, 0}, {sfd, POLLIN, 0}};
        /* while old processes are killed, a queued request waits */
        if (cleaning)
            pf[0].fd = -1;
        int rc = poll(pf, 2, sfd < 0 || cleaning || gone ? 50 : -1);
        if (rc > 0 && pf[1].revents) {
            struct signalfd_siginfo si;
            (void)!read(sfd, &si, sizeof si);
        }
        if (rc > 0 && pf[0].fd >= 0 && pf[0].revents) {
            if (!idle) {
                char c;
                /* ictune sends nothing while a program runs: EOF */
                if (recv(0, &c, 1, MSG_PEEK) <= 0)
                    gone = 1;
                else
                    (void)!read(0, &c, 1);
                continue;
            }
            pid_t p = guard_start(self);
            if (p == -2) {
                gone = 1;
            } else if (p > 0 || p == -1) {
                /* a failed exec leaves a child that exits 127: reaped
                 * without a report (ictune knows already) */
                prog = p;
                group = p;
                report = p > 0;
                if (p == -1)
                    cleaning = 1;
            }
        }
    }
}

/* ---- ictune's side: one guard per slot, reused ---- */

typedef struct guard {
    pid_t pid;
    int ctl;                    /* -1: gone */
    int busy;
} guard_t;

static guard_t *guards;
static size_t nguards;

static void guard_drop(guard_t *g)
{
    if (g->ctl >= 0)
        close(g->ctl);          /* the guard kills what is left, exits */
    g->ctl = -1;
    if (g->pid > 0)
        while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    g->pid = -1;
    g->busy = 0;
}

static int guard_get(int *index)
{
    for (size_t i = 0; i < nguards; i++)
        if (guards[i].ctl >= 0 && !guards[i].busy) {
            *index = (int)i;
            return 0;
        }
    size_t k = 0;
    while (k < nguards && guards[k].ctl >= 0)
        k++;
    if (k == nguards) {
        guard_t *g = realloc(guards, (nguards + 1) * sizeof *g);
        if (!g)
            return -ENOMEM;
        guards = g;
        guards[nguards++] = (guard_t){-1, -1, 0};
    }
    std_fds();
    find_cmdline();
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return -errno;
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = fork();
    if (pid == 0)
        guard_main(sv[1]);
    int saved = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return -saved;
    }
    guards[k] = (guard_t){pid, sv[0], 0};
    *index = (int)k;
    return 0;
}

/* The request: header, then CPU set, prog, argv, env. The environment is
 * ictune's variables, the task's, the worker's (its GPU), then the
 * inherited ones; the first of a name wins. No fixed count anywhere. */
typedef struct req {
    char *buf;
    size_t len, cap;
    uint32_t envc;
} req_t;

static int req_put(req_t *q, const char *s, size_t n)
{
    if (q->len + n + 1 > q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16384;
        while (cap < q->len + n + 1)
            cap *= 2;
        char *b = realloc(q->buf, cap);
        if (!b)
            return -ENOMEM;
        q->buf = b;
        q->cap = cap;
    }
    memcpy(q->buf + q->len, s, n);
    q->buf[q->len + n] = '\0';
    q->len += n + 1;
    return 0;
}

/* "NAME=value" (n bytes) unless one of the first `first` env strings
 * (from env0 on) has that name. */
static int env_put(req_t *q, size_t env0, uint32_t first, const char *var, size_t n)
{
    size_t nl = strcspn(var, "=");
    if (nl >= n)
        return 0;                       /* not NAME=value: skipped */
    const char *e = q->buf + env0;
    for (uint32_t j = 0; j < first; j++) {
        if (!strncmp(e, var, nl) && e[nl] == '=')
            return 0;
        e += strlen(e) + 1;
    }
    q->envc++;
    return req_put(q, var, n);
}

static int build_req(req_t *q, const ict_task_t *t, const char *prog,
                     const char *run_dir, uint32_t *argc)
{
    int rc = 0;
    q->len = 0;
    q->envc = 0;
    if (t->affinity) {                  /* raw bytes, no terminator */
        rc |= req_put(q, t->affinity, sizeof(cpu_set_t) - 1);
        if (!rc)
            q->buf[q->len - 1] = ((const char *)t->affinity)[sizeof(cpu_set_t) - 1];
    }
    rc |= req_put(q, prog, strlen(prog));
    if (t->in_run_dir)
        rc |= req_put(q, run_dir, strlen(run_dir));
    *argc = 0;
    for (char **a = t->argv; *a && !rc; a++, (*argc)++)
        rc = req_put(q, *a, strlen(*a));
    size_t env0 = q->len;
    char buf[ICT_PATH_MAX + 64];
    snprintf(buf, sizeof buf, "ICTUNE_EVAL_ID=%llu", (unsigned long long)t->id);
    rc |= env_put(q, env0, q->envc, buf, strlen(buf));
    snprintf(buf, sizeof buf, "ICTUNE_RUN_DIR=%s", run_dir);
    rc |= env_put(q, env0, q->envc, buf, strlen(buf));
    char here[ICT_PATH_MAX];
    if (getcwd(here, sizeof here)) {
        snprintf(buf, sizeof buf, "ICTUNE_START_DIR=%s", here);
        rc |= env_put(q, env0, q->envc, buf, strlen(buf));
    }
    snprintf(buf, sizeof buf, "ICTUNE_RESULT_FILE=%s/result", run_dir);
    rc |= env_put(q, env0, q->envc, buf, strlen(buf));
    for (char **e = t->env; e && *e && !rc; e++)
        rc = env_put(q, env0, q->envc, *e, strlen(*e));
    for (const char *p = t->place_env; p && *p && !rc;) {
        size_t n = strcspn(p, " ");
        if (n)
            rc = env_put(q, env0, q->envc, p, n);
        p += n + (p[n] == ' ');
    }
    /* the inherited ones are checked against the few above only */
    uint32_t own = q->envc;
    for (char **e = environ; *e && !rc; e++)
        rc = env_put(q, env0, own, *e, strlen(*e));
    return rc;
}

static int send_req(int ctl, const req_t *q, uint32_t argc, uint32_t envc,
                    uint32_t flags, int out, int err)
{
    greq_t h = {GREQ_MAGIC, (uint32_t)q->len, argc, envc, flags};
    int fds[2] = {out, err};
    char cbuf[CMSG_SPACE(sizeof fds)];
    memset(cbuf, 0, sizeof cbuf);
    struct iovec iov[2] = {{&h, sizeof h}, {q->buf, q->len}};
    struct msghdr mh = {0};
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(cm), fds, sizeof fds);
    ssize_t n;
    while ((n = sendmsg(ctl, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    if (n < (ssize_t)sizeof h)
        return -EPIPE;
    for (size_t off = (size_t)n - sizeof h; off < q->len;) {
        n = send(ctl, q->buf + off, q->len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EPIPE;
        off += (size_t)n;
    }
    return 0;
}

static int read_msgs(int fd, gmsg_t *m, size_t k)
{
    ssize_t n;
    while ((n = recv(fd, m, k * sizeof *m, MSG_WAITALL)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)(k * sizeof *m) ? 0 : -1;
}

/* PATH lookups of the last program, which a run starts again and again */
static char *last_name, *last_path;

int ict__spawn(ict__proc_t *p, const ict_task_t *t, const char *run_dir,
               int *out_fd, int *err_fd, int *exec_errno)
{
    static req_t q;
    *exec_errno = 0;
    if (!last_name || strcmp(last_name, t->argv[0])) {
        free(last_name);
        free(last_path);
        last_name = strdup(t->argv[0]);
        last_path = resolve(t->argv[0]);
        /* a relative path names a program where ictune started, also
         * when the program runs in its run folder */
        if (last_path && t->in_run_dir && last_path[0] != '/') {
            char cwd[ICT_PATH_MAX], *abs = malloc(ICT_PATH_MAX * 2);
            if (abs && getcwd(cwd, sizeof cwd)) {
                snprintf(abs, ICT_PATH_MAX * 2, "%s/%s", cwd, last_path);
                free(last_path);
                last_path = abs;
            } else {
                free(abs);
            }
        }
        if (!last_name) {
            free(last_path);
            last_path = NULL;
        }
    }
    if (!last_path) {
        free(last_name);
        last_name = NULL;
        return -ENOENT;
    }
    uint32_t argc;
    if (build_req(&q, t, last_path, run_dir, &argc))
        return -ENOMEM;
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
        int saved = errno;
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0) close(po[i]);
            if (pe[i] >= 0) close(pe[i]);
        }
        return -saved;
    }
    int rc = 0, gi = -1;
    gmsg_t m1 = {0, 0, 0}, m2 = {0, 0, 0};
    for (int tries = 0; tries < 2; tries++) {
        if ((rc = guard_get(&gi)))
            break;
        guard_t *g = &guards[gi];
        rc = send_req(g->ctl, &q, argc, q.envc,
                      (t->affinity ? GREQ_CPUS : 0) | (t->in_run_dir ? GREQ_CWD : 0),
                      po[1], pe[1]);
        gmsg_t m[2] = {{0, 0, 0}, {0, 0, 0}};
        if (!rc && (read_msgs(g->ctl, m, 2) || m[0].kind != MSG_PID ||
                    m[1].kind != MSG_EXEC))
            rc = -EPIPE;
        m1 = m[0];
        m2 = m[1];
        if (rc != -EPIPE)
            break;
        guard_drop(g);                  /* it died: once more, a new one */
    }
    close(po[1]);
    close(pe[1]);
    if (rc) {
        close(po[0]);
        close(pe[0]);
        return rc;
    }
    guard_t *g = &guards[gi];
    *out_fd = po[0];
    *err_fd = pe[0];
    fcntl(po[0], F_SETFL, O_NONBLOCK);
    fcntl(pe[0], F_SETFL, O_NONBLOCK);
    p->guard = gi;
    p->pid = m1.value > 0 ? m1.value : -1;
    p->report_fd = -1;
    if (m2.value) {
        *exec_errno = m2.value;         /* the guard reports nothing more */
        return 0;
    }
    g->busy = 1;
    p->report_fd = g->ctl;
    return 0;
}

int ict__proc_poll(ict__proc_t *p, int *status)
{
    if (p->report_fd < 0) {
        *status = -1;
        return 1;
    }
    gmsg_t m;
    ssize_t n;
    while ((n = recv(p->report_fd, &m, sizeof m, MSG_DONTWAIT)) < 0 && errno == EINTR)
        ;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    guard_t *g = &guards[p->guard];
    if (n == (ssize_t)sizeof m && m.kind == MSG_STATUS) {
        *status = m.value;
        p->cpu_usec = m.usec;
        g->busy = 0;                    /* it takes the next one */
    } else {
        *status = -1;                   /* the guard died, and the program */
        guard_drop(g);
    }
    p->report_fd = -1;
    return 1;
}

void ict__proc_release(ict__proc_t *p)
{
    /* still running: only the guard can kill what left the group */
    if (p->report_fd >= 0 && p->guard >= 0)
        guard_drop(&guards[p->guard]);
    p->report_fd = -1;
    p->guard = -1;
}
