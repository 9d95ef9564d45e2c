/* lock.c - the results file's own writer lock (see lock.h). */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ict__lock {
    char *path;                 /* results.h5.lock */
    char mine[256];             /* what we wrote */
    int fd;
    time_t beat;
};

typedef struct holder {
    char host[128];
    long pid;
    unsigned long long start;
} holder_t;

/* The start time of pid (clock ticks since boot), 0 if unknown or if it
 * is a zombie (dead, not yet reaped: a killed job's rank often is). */
static unsigned long long start_of(long pid)
{
    char p[64], buf[1024];
    snprintf(p, sizeof p, "/proc/%ld/stat", pid);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *s = strrchr(buf, ')');        /* the name may hold spaces */
    if (s && (s[2] == 'Z' || s[2] == 'X'))
        return 0;
    unsigned long long v = 0;
    for (int field = 2; s && *s; s++)
        if (*s == ' ' && ++field == 22) {
            v = strtoull(s + 1, NULL, 10);
            break;
        }
    return v;
}

static int read_holder(const char *path, holder_t *h, struct stat *st)
{
    memset(h, 0, sizeof *h);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (st)
        fstat(fd, st);
    close(fd);
    if (n <= 0)
        return -EINVAL;
    buf[n] = '\0';
    if (sscanf(buf, "host=%127s pid=%ld start=%llu", h->host, &h->pid, &h->start) < 2)
        return -EINVAL;
    return 0;
}

static void my_host(char *buf, size_t size)
{
    if (gethostname(buf, size - 1))
        snprintf(buf, size, "unknown");
    buf[size - 1] = '\0';
}

/* 1: flock says a live process holds it; 0: not held; -1: no flock here */
static int flock_held(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int rc = flock(fd, LOCK_EX | LOCK_NB);
    int e = errno;
    close(fd);                          /* drops our flock, if we got it */
    if (rc == 0)
        return 0;
    return e == EWOULDBLOCK ? 1 : -1;
}

void ict__lock_holder(const char *path, char *buf, size_t size)
{
    char lp[4200];
    holder_t h;
    snprintf(lp, sizeof lp, "%s.lock", path);
    if (read_holder(lp, &h, NULL))
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, "pid %ld on host %s", h.pid, h.host);
}

int ict__lock_take(ict__lock_t **out, const char *path, ict_error_t *err)
{
    ict__lock_t *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->fd = -1;
    size_t n = strlen(path) + 8;
    char host[128], *tmp = malloc(n + 200);
    l->path = malloc(n);
    if (!tmp || !l->path) {
        free(tmp);
        free(l->path);
        free(l);
        return -ENOMEM;
    }
    snprintf(l->path, n, "%s.lock", path);
    my_host(host, sizeof host);
    long me = (long)getpid();
    snprintf(l->mine, sizeof l->mine, "host=%s pid=%ld start=%llu\n", host, me,
             start_of(me));
    snprintf(tmp, n + 200, "%s.%s.%ld", l->path, host, me);
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, l->mine, strlen(l->mine)) != (ssize_t)strlen(l->mine) ||
        close(fd)) {
        int e = errno;
        rc = ict_errorf(err, e == ENOSPC || e == EDQUOT ? -ENOSPC : -e,
                        "%s: cannot write the lock file beside the results "
                        "file%s: %s", tmp, e == EROFS ? " (a read-only file "
                        "system: a run writes there)" : "", strerror(e));
        unlink(tmp);
        goto out;
    }
    double waited = 0, stale = ICT__LOCK_STALE;
    const char *st_env = getenv("ICTUNE_LOCK_STALE");   /* tests only */
    if (st_env && atof(st_env) > 0)
        stale = atof(st_env);
    for (;;) {
        if (link(tmp, l->path) == 0)
            break;                      /* ours, atomically */
        if (errno != EEXIST) {
            rc = ict_errorf(err, -errno, "%s: cannot create the lock file: %s",
                            l->path, strerror(errno));
            goto out;
        }
        holder_t h;
        struct stat st;
        int hr = read_holder(l->path, &h, &st);
        if (hr == -ENOENT)
            continue;                   /* released meanwhile */
        int held = flock_held(l->path);
        int same_host = hr == 0 && !strcmp(h.host, host);
        int alive = 0, fresh = 0;
        if (held == 1) {
            alive = 1;
        } else if (same_host) {
            unsigned long long now_start = start_of(h.pid);
            alive = (kill((pid_t)h.pid, 0) == 0 || errno == EPERM) &&
                    now_start && (!h.start || now_start == h.start);
        } else {
            double age = difftime(time(NULL), st.st_mtime);
            fresh = hr == 0 && age < stale && age > -stale;
        }
        if (alive) {
            rc = ict_errorf(err, -EBUSY, "%s is in use: another ictune (pid %ld "
                            "on host %s) writes it (lock file %s); stop that "
                            "run first, or set another 'output'", path, h.pid,
                            h.host, l->path);
            goto out;
        }
        if (fresh && waited < stale + 5) {
            /* another host's writer, silent for less than the limit: wait
             * for its next heartbeat, or for the lock to go stale */
            struct timespec ts = {1, 0};
            nanosleep(&ts, NULL);
            waited += 1;
            continue;
        }
        if (fresh) {
            rc = ict_errorf(err, -EBUSY, "%s is in use: pid %ld on host %s "
                            "keeps its lock file %s alive; stop that run first, "
                            "or set another 'output'", path, h.pid, h.host,
                            l->path);
            goto out;
        }
        /* stale (its writer died): take it over, then make sure we won */
        if (rename(tmp, l->path)) {
            rc = ict_errorf(err, -errno, "%s: cannot take over the stale lock "
                            "file: %s", l->path, strerror(errno));
            goto out;
        }
        holder_t again;
        if (read_holder(l->path, &again, NULL) || again.pid != me ||
            strcmp(again.host, host)) {
            rc = ict_errorf(err, -EBUSY, "%s: another ictune took over the "
                            "stale lock at the same moment; stop it first",
                            path);
            goto out;
        }
        break;
    }
    unlink(tmp);
    l->fd = open(l->path, O_RDONLY | O_CLOEXEC);
    if (l->fd >= 0)
        (void)flock(l->fd, LOCK_EX | LOCK_NB);  /* where the FS allows it */
    l->beat = time(NULL);
    *out = l;
    free(tmp);
    return 0;
out:
    unlink(tmp);
    free(tmp);
    free(l->path);
    free(l);
    return rc;
}

void ict__lock_beat(ict__lock_t *l)
{
    if (!l)
        return;
    time_t now = time(NULL);
    if (now - l->beat < ICT__LOCK_BEAT)
        return;
    l->beat = now;
    if (l->fd >= 0)
        futimens(l->fd, NULL);
    else
        utimensat(AT_FDCWD, l->path, NULL, 0);
}

void ict__lock_release(ict__lock_t *l)
{
    if (!l)
        return;
    char buf[256];
    int fd = open(l->path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = '\0';
            if (!strcmp(buf, l->mine))
                unlink(l->path);
        }
    }
    if (l->fd >= 0)
        close(l->fd);
    free(l->path);
    free(l);
}
