/* launch_int.h - what the launcher's files share (internal): the result
 * protocol's state (result.c) and the guard process (spawn.c). */
#ifndef ICT_LAUNCH_INT_H
#define ICT_LAUNCH_INT_H

#include <sys/types.h>

#include "ictune/launch.h"

#define ICT__LINE_MAX 65536     /* a longer line is not a result */

/* What the result protocol writes into: the launcher's, or a test's. */
typedef struct ict__scan {
    ict_raw_result_t *r;
    char **names;               /* metrics to keep, or NULL */
    int parse_last;
} ict__scan_t;

void ict__scan_line(ict__scan_t *sc, const char *s, size_t n);
void ict__scan_pairs(ict__scan_t *sc, const char *s, size_t n);
/* A value ictune measured itself (wall_time, ...), if it is wanted; it
 * replaces what the program printed under that name. */
void ict__scan_set(ict__scan_t *sc, const char *name, double v);
/* run_dir/result, if it is a regular file */
void ict__scan_result_file(ict__scan_t *sc, const char *run_dir);

/* A program under its guard (spawn.c). */
typedef struct ict__proc {
    pid_t pid;                  /* the program = its process group, or -1 */
    int guard;                  /* which guard runs it, or -1 */
    int report_fd;              /* the guard's messages: poll it (-1 once
                                   the end is known) */
    int64_t cpu_usec;           /* at its end: CPU time (user + system) */
} ict__proc_t;
#define ICT__PROC_INIT {-1, -1, -1, -1}

/* Start t's program (its stdout and stderr to two pipes whose
 * nonblocking read ends come back in *out_fd, *err_fd). 0 when it runs,
 * or when exec failed (*exec_errno set; the guard still to release);
 * -ENOENT: no such program (PATH searched); another negative errno:
 * ictune could not start it (-EPIPE: the guard died). */
int ict__spawn(ict__proc_t *p, const ict_task_t *t, const char *run_dir,
               int *out_fd, int *err_fd, int *exec_errno);
/* 1 when the program's end is known (*status its wait status, -1 when
 * the guard died, and the program with it), 0 not yet. */
int ict__proc_poll(ict__proc_t *p, int *status);
/* Let go: the guard kills whatever of the program is left. */
void ict__proc_release(ict__proc_t *p);

#endif
