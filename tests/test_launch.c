/* test_launch.c - ict_launch_job_stopped: a program killed by a signal that
 * a job stop sends is "cut short" only when ictune's own signal arrives
 * (here from a timer 50 ms later, as scancel's SIGTERM reaches ictune an
 * instant after the program); other signals are not waited for. */
#include <signal.h>
#include <sys/time.h>

#include "ictune/launch.h"
#include "test.h"

static volatile sig_atomic_t flag;

static void on_alarm(int sig)
{
    (void)sig;
    flag = 1;
}

static void later(long usec)
{
    struct itimerval it = {{0, 0}, {0, usec}};
    CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);

    double t0 = ict_mono();
    CHECK_EQ(ict_launch_job_stopped(SIGSEGV, &flag, 1.0), 0);  /* a crash */
    CHECK(ict_mono() - t0 < 0.05);                             /* no wait */
    t0 = ict_mono();
    CHECK_EQ(ict_launch_job_stopped(SIGTERM, &flag, 0.1), 0);  /* nobody */
    CHECK(ict_mono() - t0 >= 0.09);
    CHECK_EQ(ict_launch_job_stopped(SIGTERM, NULL, 1.0), 0);

    later(50000);                       /* ictune's SIGTERM, 50 ms late */
    t0 = ict_mono();
    CHECK_EQ(ict_launch_job_stopped(SIGTERM, &flag, 1.0), 1);
    CHECK(ict_mono() - t0 < 0.5);
    flag = 0;
    later(50000);
    CHECK_EQ(ict_launch_job_stopped(SIGKILL, &flag, 1.0), 1);
    flag = 0;
    later(50000);                       /* SIGSEGV: the flag is not awaited */
    CHECK_EQ(ict_launch_job_stopped(SIGSEGV, &flag, 1.0), 0);
    while (!flag)
        ;
    CHECK_EQ(ict_launch_job_stopped(SIGSEGV, &flag, 1.0), 1); /* already */
    TEST_DONE();
}
