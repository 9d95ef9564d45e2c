/* record.h - one evaluation record, described once.
 *
 * An /evaluations row is: the fields marked ICT_FIELD_HEAD, one column per
 * parameter, the point (array of indices), the fields marked
 * ICT_FIELD_MID (the objective), one column per further metric, then the
 * ICT_FIELD_TAIL fields. ict_record_fields[] is the only list of those
 * fixed fields: the HDF5 type, packing a row, loading it back, the CSV
 * columns and the names a parameter or metric may not take all follow
 * from it. A new field is a member of ict_record_t and one line in
 * record.c. */
#ifndef ICTUNE_RECORD_H
#define ICTUNE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/search.h"

typedef struct ict_record {
    int64_t id;
    int64_t stage;
    int32_t level;
    uint64_t flat;              /* the point */
    double objective;           /* NaN when absent */
    double *metrics;            /* c->n_metrics values (NaN when absent) */
    ict_status_t status;
    int32_t attempt;
    int32_t exit_code, signal;
    int32_t worker;
    const char *host, *gpu, *cpuset;
    double start, end;          /* seconds since the run's start */
    const char *run_dir, *reason;
    int32_t speculative;        /* 1: run ahead of the search (see run.h) */
} ict_record_t;

typedef enum ict_field_kind {
    ICT_FIELD_INT64,            /* int64_t */
    ICT_FIELD_INT32,            /* int32_t */
    ICT_FIELD_DOUBLE,           /* double, NaN empty in CSV */
    ICT_FIELD_TIME,             /* double seconds, 6 decimals in CSV */
    ICT_FIELD_STATUS,           /* ict_status_t, an HDF5 enum */
    ICT_FIELD_STRING,           /* const char *, stored in len bytes */
    ICT_FIELD_CPUSET,           /* a string; a long bitmap as a list */
} ict_field_kind_t;

enum { ICT_FIELD_HEAD, ICT_FIELD_MID, ICT_FIELD_TAIL };

#define ICT_FIELD_NO_CSV 1u     /* not a CSV column */
#define ICT_FIELD_OBJECTIVE 2u  /* the objective (the config names its metric) */

typedef struct ict_field {
    const char *name;           /* the HDF5 member and CSV column */
    ict_field_kind_t kind;
    int group;                  /* ICT_FIELD_HEAD, _MID or _TAIL */
    size_t len;                 /* stored bytes of a string */
    size_t offset;              /* in ict_record_t */
    unsigned flags;
} ict_field_t;

extern const ict_field_t ict_record_fields[];
extern const size_t ict_record_nfields;

/* The index of a field in ict_record_fields[] (it must exist). */
size_t ict_record_field(const char *name);

struct ict_config;
/* The valid rows (OK, a finite objective) best first for c's goal, ties in
 * row order: their indices into rows in ord (room for n), how many. */
size_t ict_record_rank(const struct ict_config *c, const ict_record_t *rows,
                       size_t n, size_t *ord);

/* A name the record uses for itself (or a command placeholder): no
 * parameter or metric may take it. */
int ict_record_reserved(const char *name);

#endif
