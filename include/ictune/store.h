/* store.h - the results file (HDF5): every evaluation, flushed per row.
 *
 * Written by the master only. Plain HDF5 (no SWMR) so that `h5dump` reads it
 * after any crash. Layout (schema 1):
 *   /                root attributes: ictune_version, schema_version,
 *                    config_text, config_sha256, strategy, strategy_options,
 *                    created, and signatures used to refuse a changed config
 *   /space/<param>   each parameter's values, in order
 *   /evaluations     one row per attempt (compound, fill value id = -1)
 *   /stages          one row per completed stage
 *   /jobs            one row per start of `ictune run` on this file
 *   /prepare         the preparation step's attempts
 * Each append is followed by H5Fflush before the caller goes on. */
#ifndef ICTUNE_STORE_H
#define ICTUNE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"
#include "ictune/search.h"
#include "ictune/record.h"

#define ICT_SCHEMA_VERSION 1
/* The longest run folder path a row holds (the master refuses a workdir
 * whose folders would not fit, before anything runs). */
#define ICT_STORE_RUNDIR_MAX 512

typedef struct ict_store ict_store_t;

typedef struct ict_stage_row {
    long stage;
    int level;
    const int32_t *base;        /* NULL when the strategy has no base */
    double base_objective;
    long points;
    double best;
    int64_t best_id;
    double start, end;
} ict_stage_row_t;

/* Create path; fails with -EEXIST if it exists (results are never
 * overwritten). */
int ict_store_create(ict_store_t **out, const char *path,
                     const ict_config_t *c, ict_error_t *err);
/* Open an existing file to resume: checks it is an ictune file of this
 * schema and that the space, objective, constraints and strategy match c
 * (the message names the key that differs). Never modifies a file it
 * refuses. *changes gets a note of allowed differences (limits, command,
 * budget), or "" . */
int ict_store_open(ict_store_t **out, const char *path, const ict_config_t *c,
                   char *changes, size_t size, ict_error_t *err);
void ict_store_close(ict_store_t *st);
/* The writer's heartbeat on its lock file (cheap: call it often). */
void ict_store_beat(ict_store_t *st);

/* Absolute time (epoch seconds) that relative times count from. */
double ict_store_t0(const ict_store_t *st);

int ict_store_append_eval(ict_store_t *st, const ict_record_t *row,
                          ict_error_t *err);
/* The row index the next append gets. */
size_t ict_store_nevals(const ict_store_t *st);
/* A speculative row is written with stage 0 when its result comes; when
 * the search takes it, its stage and level are set (only those two
 * fields of that row; the measurement is never touched). */
int ict_store_set_stage(ict_store_t *st, size_t row, int64_t stage,
                        int32_t level, ict_error_t *err);
int ict_store_append_stage(ict_store_t *st, const ict_stage_row_t *row,
                           ict_error_t *err);
/* A job segment: begin appends a row (exit reason "running"); end fills
 * it. The previous segments still "running" are marked "killed". */
int ict_store_job_begin(ict_store_t *st, int ranks, int workers,
                        const char *hosts, ict_error_t *err);
int ict_store_job_end(ict_store_t *st, const char *reason, int exit_code,
                      ict_error_t *err);
int ict_store_prepare(ict_store_t *st, ict_status_t status, int attempt,
                      int exit_code, const char *run_dir, const char *reason,
                      double start, double end, ict_error_t *err);
/* The run_dir of a finished prepare step, or NULL. */
const char *ict_store_prepared(const ict_store_t *st);

/* Every evaluation row, in order, for a resume or a report; each row's
 * metrics and strings are one block (free with ict_store_rows_free). */
int ict_store_rows(ict_store_t *st, ict_record_t **rows, size_t *n,
                   ict_error_t *err);
void ict_store_rows_free(ict_record_t *rows, size_t n);

/* Re-measurements of the best points (ictune remeasure): rows laid out as
 * /evaluations in /remeasured, made with the first; never read by the
 * search. */
int ict_store_append_remeasured(ict_store_t *st, const ict_record_t *row,
                                ict_error_t *err);
int ict_store_remeasured_rows(ict_store_t *st, ict_record_t **rows, size_t *n,
                              ict_error_t *err);
size_t ict_store_jobs(const ict_store_t *st);

typedef struct ict_job_row {
    int segment;
    double start, end;          /* epoch seconds; end NaN while running */
    int ranks, workers, exit_code;
    char hosts[256];
    char exit_reason[64];
} ict_job_row_t;

/* Every /jobs row (free with free()). */
int ict_store_job_rows(ict_store_t *st, ict_job_row_t **rows, size_t *n,
                       ict_error_t *err);

/* Read-only open for reports: the config is taken from the file and
 * belongs to the store (valid until ict_store_close). It takes no lock, so
 * it works while a run writes the file (a row being flushed is read again,
 * up to a second). */
int ict_store_open_readonly(ict_store_t **out, const char *path,
                            ict_config_t **config, ict_error_t *err);
/* Was a writer holding the file when it was opened (a run in progress)?
 * who: its host and pid as its lock says, when known. */
int ict_store_live(const ict_store_t *st, char *who, size_t size);

#endif
