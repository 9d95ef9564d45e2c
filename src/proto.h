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
#define ICT__PROTO_VERSION 4u          /* bump on any layout change */

/* A task as received: owns its strings. */
typedef struct ict__task_msg {
    ict_task_t t;
    char *blob;
    char **vec;
    char **names;
} ict__task_msg_t;

typedef struct ict__hello {
    char host[64];
    char gpu[96];
    char cpuset[ICT_CPUSET_MAX];
    char env[256];              /* the visible-device variable(s) set */
    char warning[512];          /* binding problems, for the master to log */
    char error[512];            /* this worker cannot work: why */
} ict__hello_t;

#include "buf.h"

/* The layouts alone (no MPI): 0, or -ENOMEM / -EPROTO. */
int ict__pack_task(ict__buf_t *b, const ict_task_t *t);
int ict__unpack_task(const char *data, size_t n, ict__task_msg_t *m,
                     ict_error_t *err);
int ict__pack_result(ict__buf_t *b, const ict_raw_result_t *r);
int ict__unpack_result(const char *data, size_t n, ict_raw_result_t *r);
int ict__pack_hello(ict__buf_t *b, const ict__hello_t *h);
int ict__unpack_hello(const char *data, size_t n, ict__hello_t *h);

int ict__send_hello(const ict__hello_t *h, ict_error_t *err);
/* The next worker's hello (blocking); *rank its sender. */
int ict__recv_hello(ict__hello_t *h, int *rank, ict_error_t *err);
int ict__send_task(int rank, const ict_task_t *t, ict_error_t *err);
/* Receive a task whose arrival was probed (status from MPI_Iprobe). */
int ict__recv_task(const MPI_Status *st, ict__task_msg_t *m, ict_error_t *err);
void ict__task_msg_fini(ict__task_msg_t *m);

int ict__send_result(const ict_raw_result_t *r, ict_error_t *err);
int ict__recv_result(const MPI_Status *st, ict_raw_result_t *r, ict_error_t *err);

int ict__send_empty(int rank, int tag, ict_error_t *err);
int ict__send_stop(int rank, ict_error_t *err);
int ict__send_exit(int rank, ict_error_t *err);
/* Take an empty message of this tag from the master off the queue. */
int ict__recv_empty(int tag);
int ict__mpi_error(ict_error_t *err, int code, const char *what);

#endif
