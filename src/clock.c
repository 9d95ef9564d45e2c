/* clock.c - the launcher's clocks and its SIGCHLD wake-up pipe.
 *
 * ict_now() stamps rows (wall clock), ict_mono() measures durations; the
 * self-pipe lets a poll() loop wake when a child exits. */
#include "ictune/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
