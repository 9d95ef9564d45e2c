/* proto.h - the MPI message format between master and workers (internal).
 * The only file that knows the wire layout. All messages go on
 * MPI_COMM_WORLD as MPI_BYTE; every function returns 0 or a negative errno
 * and fills err with MPI's own words on an MPI error. */
#ifndef ICT_PROTO_H
#define ICT_PROTO_H

#include <mpi.h>

#include "ictune/launch.h"

enum {
    ICT__TAG_TASK = 11,         /* master -> worker: run this */
    ICT__TAG_RESULT = 12,       /* worker -> master: a raw result */
    ICT__TAG_STOP = 13,         /* master -> worker: stop the running task */
    ICT__TAG_EXIT = 14,         /* master -> worker: leave the loop */
    ICT__TAG_HELLO = 15,        /* worker -> master: host and binding */
};

#define ICT__PROTO_MAGIC 0x69637475u   /* "ictu" */

/* A task as received: owns its strings. */
typedef struct ict__task_msg {
    ict_task_t t;
    char *blob;
    char **vec;
    char **names;
} ict__task_msg_t;

typedef struct ict__hello {
    uint32_t magic;
    uint32_t result_size;       /* sizeof(ict_raw_result_t): same binary */
    char host[64];
    char gpu[96];
    char cpuset[ICT_CPUSET_MAX];
    char env[256];              /* the visible-device variable(s) set */
    char warning[512];          /* binding problems, for the master to log */
    char error[512];            /* this worker cannot work: why */
} ict__hello_t;

int ict__send_task(int rank, const ict_task_t *t, ict_error_t *err);
/* Receive a task whose arrival was probed (status from MPI_Iprobe). */
int ict__recv_task(const MPI_Status *st, ict__task_msg_t *m, ict_error_t *err);
void ict__task_msg_fini(ict__task_msg_t *m);

int ict__send_result(const ict_raw_result_t *r, ict_error_t *err);
int ict__recv_result(const MPI_Status *st, ict_raw_result_t *r, ict_error_t *err);

int ict__send_empty(int rank, int tag, ict_error_t *err);
int ict__mpi_error(ict_error_t *err, int code, const char *what);

#endif
