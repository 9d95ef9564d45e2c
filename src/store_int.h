/* store_int.h - what the results file's three parts share (internal):
 * the schema (store_schema.c: the row layouts from the record's field
 * table, the other tables' types, attributes), the resume compatibility
 * policy (store_compat.c) and the file's life and I/O (store.c). */
#ifndef ICT_STORE_INT_H
#define ICT_STORE_INT_H

#include <hdf5.h>
#include <stdint.h>

#include "ictune/record.h"
#include "ictune/store.h"

#define HOST_LEN 64
#define GPU_LEN 96
#define CPUSET_LEN 256        /* longer sets are stored as hwloc lists */
#define RUNDIR_LEN ICT_STORE_RUNDIR_MAX   /* the master checks it fits */
#define REASON_LEN 160
#define JOB_HOSTS_LEN 256

typedef struct layout {
    size_t size;
    size_t foff[32];            /* each of ict_record_fields[] */
    size_t point;
    size_t *param;              /* offset of each parameter's value */
    size_t *param_len;          /* string length, 0 for a number */
    size_t *metric;
    hid_t mtype;
} layout_t;

typedef struct stage_mem {
    int64_t stage;
    int32_t level;
    double base_objective;
    int64_t points;
    double best;
    int64_t best_id;
    double start, end;
    char base[512];
} stage_mem_t;
typedef struct job_mem {
    int32_t segment;
    double start, end;
    int32_t ranks;
    int32_t workers;
    int32_t exit_code;
    char hosts[JOB_HOSTS_LEN];
    char exit_reason[64];
} job_mem_t;
typedef struct prep_mem {
    int32_t attempt;
    int32_t exit_code;
    double start, end;
    signed char status;
    char run_dir[RUNDIR_LEN];
    char reason[REASON_LEN];
} prep_mem_t;

#define align8 ict__store_align8
#define str_type ict__store_str_type
#define insert_str ict__store_insert_str
#define make_status_type ict__store_make_status_type
#define param_is_num ict__store_param_is_num
#define layout_free ict__store_layout_free
#define layout_build ict__store_layout_build
#define attr_str ict__store_attr_str
#define attr_num ict__store_attr_num
#define fixed_str ict__store_fixed_str
#define attr_get_str ict__store_attr_get_str
#define attr_get_num ict__store_attr_get_num
#define stage_type ict__store_stage_type
#define job_type ict__store_job_type
#define prep_type ict__store_prep_type
#define packed ict__store_packed
#define make_table ict__store_make_table

size_t align8(size_t x);
hid_t str_type(size_t n);
void insert_str(hid_t t, const char *name, size_t off, size_t n);
hid_t make_status_type(void);
int param_is_num(const ict_space_t *s, size_t a);
void layout_free(layout_t *L);
/* The memory layout of an /evaluations row for this config. */
int layout_build(layout_t *L, const ict_config_t *c, hid_t status_type);
/* Attributes; a string over ATTR_MAX bytes is a dataset of the same name. */
int attr_str(hid_t obj, const char *name, const char *value);
int attr_num(hid_t obj, const char *name, double v);
char *fixed_str(hid_t h, int is_attr);
char *attr_get_str(hid_t obj, const char *name);
int attr_get_num(hid_t obj, const char *name, double *v);
hid_t stage_type(void);
hid_t job_type(void);
hid_t prep_type(hid_t status_type);
hid_t packed(hid_t mtype);
hid_t make_table(hid_t file, const char *name, hid_t ftype, hid_t mtype,
                 const void *fill, hsize_t chunk);

/* store_compat.c: the config's signatures, written at creation; on resume
 * what must match (space, objective, constraints, metrics, strategy) and
 * what may change (limits, budget, command: noted in *changes). */
int ict__store_write_sigs(hid_t file, const ict_config_t *c);
int ict__store_compare(hid_t file, const char *path, const ict_config_t *c,
                       char *changes, size_t size, ict_error_t *err);
/* After a compatible open: the allowed keys' new values into the file. */
void ict__store_update_sigs(hid_t file, const ict_config_t *c);

#endif
