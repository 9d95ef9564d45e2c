/* plot.h - the report's figures (gnuplot, PNG and SVG) and its HTML page. */
#ifndef ICT_PLOT_H
#define ICT_PLOT_H

#include <stddef.h>

#include "ictune/config.h"
#include "ictune/record.h"
#include "ictune/store.h"

typedef struct ict_plot_input {
    const ict_config_t *c;
    const ict_record_t *rows;
    size_t n;
    const ict_job_row_t *jobs;
    size_t njobs;
    double t0;                  /* the file's start_time */
} ict_plot_input_t;

/* Draw every figure into dir (made if missing); files (room for 64), when
 * not NULL, gets the paths written. An exit code. */
int ict_cli_plots(const ict_plot_input_t *in, const char *dir, char **files,
                  size_t *nfiles);

/* One self-contained HTML page: the summary text, the top table and every
 * figure as inline SVG. An exit code. */
int ict_cli_html(const ict_plot_input_t *in, const char *summary, long top,
                 const char *path);

#endif
