/* test_lock.c - the results file's own writer lock: one writer at a time
 * (even in one process, through two opens), released on close, a dead
 * writer's lock (this host, gone pid; or another host, no heartbeat)
 * taken over, another host's live heartbeat waited for, and the holder
 * named in the refusal. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/lock.h"
#include "test.h"

static void write_lock(const char *path, const char *text, time_t mtime)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
    struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
    CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

int main(void)
{
    char dir[] = "/tmp/ictune-lock.XXXXXX", path[256], lp[300], host[128];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/r.h5", dir);
    snprintf(lp, sizeof lp, "%s.lock", path);
    gethostname(host, sizeof host - 1);
    ict__lock_t *a, *b;
    ict_error_t e;
    CHECK_EQ(ict__lock_take(&a, path, &e), 0);
    CHECK(access(lp, F_OK) == 0);
    CHECK_EQ(ict__lock_take(&b, path, &e), -EBUSY);       /* one writer */
    CHECK_CONTAINS(e.text, "in use");
    char who[256];
    ict__lock_holder(path, who, sizeof who);
    char want[256];
    snprintf(want, sizeof want, "pid %ld on host %s", (long)getpid(), host);
    CHECK_STR(who, want);
    ict__lock_beat(a);
    ict__lock_release(a);
    CHECK(access(lp, F_OK) != 0);                         /* released */

    /* this host, a pid that is gone: taken over at once */
    char text[256];
    snprintf(text, sizeof text, "host=%s pid=999999 start=1\n", host);
    write_lock(lp, text, time(NULL));
    CHECK_EQ(ict__lock_take(&a, path, &e), 0);
    ict__lock_release(a);
    /* this host, our own (live) pid but another start time: a reused pid */
    snprintf(text, sizeof text, "host=%s pid=%ld start=1\n", host, (long)getpid());
    write_lock(lp, text, time(NULL));
    CHECK_EQ(ict__lock_take(&a, path, &e), 0);
    ict__lock_release(a);
    /* another host, silent for long: stale, taken over */
    write_lock(lp, "host=elsewhere-node pid=12 start=5\n", time(NULL) - 600);
    CHECK_EQ(ict__lock_take(&a, path, &e), 0);
    ict__lock_release(a);
    /* another host, a fresh heartbeat: waited for until it goes stale */
    setenv("ICTUNE_LOCK_STALE", "2", 1);
    write_lock(lp, "host=elsewhere-node pid=12 start=5\n", time(NULL));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(ict__lock_take(&a, path, &e), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec - t0.tv_sec >= 1);                   /* it waited */
    ict__lock_release(a);
    /* the creating process' leftovers do not block */
    CHECK(access(lp, F_OK) != 0);
    rmdir(dir);
    TEST_DONE();
}
