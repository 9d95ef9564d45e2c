/* table.h - a table of measured values: one row per configuration.
 *
 * CSV with a header: one column per parameter of the config (values as
 * written in the config), then metric columns. Rows map to points of the
 * config's space; a configuration absent from the table is infeasible. A
 * cell that is not a number reads as NaN (a failed evaluation). */
#ifndef ICTUNE_TABLE_H
#define ICTUNE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ictune/config.h"
#include "ictune/error.h"

typedef struct ict_table ict_table_t;

int ict_table_load(const char *path, const ict_space_t *space,
                   ict_table_t **out, ict_error_t *err);
/* The same, skipping (and counting in *outside) the rows with a value the
 * space does not have. */
int ict_table_load_some(const char *path, const ict_space_t *space,
                        size_t *outside, ict_table_t **out, ict_error_t *err);
void ict_table_free(ict_table_t *t);

size_t ict_table_rows(const ict_table_t *t);
/* Column index of a metric (non-parameter) column, or -1. */
int ict_table_column(const ict_table_t *t, const char *name);
/* Row of a point, or -1 when the table does not have it. */
long ict_table_lookup(const ict_table_t *t, uint64_t flat);
uint64_t ict_table_point(const ict_table_t *t, size_t row);
double ict_table_value(const ict_table_t *t, size_t row, int col);

#endif
