/* classify.c - what a run's raw facts mean: one status (OK, FAILED,
 * TIMEOUT, NO_RESULT, BAD_RESULT, INFEASIBLE, INTERRUPTED) and its reason,
 * under the config's objective and constraints; and whether a program
 * killed by a signal was cut short by a job stop rather than failed. */
#include "ictune/launch.h"
#include "ictune/number.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


static const ict_metric_t *metric_of(const ict_raw_result_t *r, const char *name)
{
    for (int i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return &r->metrics[i];
    return NULL;
}

static const char *metric_text(const ict_raw_result_t *r, const char *name)
{
    const ict_metric_t *m = metric_of(r, name);
    return m ? m->text : NULL;
}

/* -1 absent, 0 a finite number, 1 not a finite number */
static int metric_value(const ict_raw_result_t *r, const char *name, double *v)
{
    const ict_metric_t *m = metric_of(r, name);
    *v = NAN;
    if (!m)
        return -1;
    if (m->bad)
        return 1;
    *v = m->value;
    return 0;
}

ict_status_t ict_classify_exit(const ict_raw_result_t *r, double timeout,
                               char *reason, size_t size)
{
    if (r->own_errno || r->out_errno) {
        snprintf(reason, size, "not a measurement: ictune could not write "
                 "the run folder (%s%s%s)", strerror(r->own_errno ? r->own_errno
                 : r->out_errno), r->reason[0] ? "; " : "", r->reason);
        return ICT_STATUS_INTERRUPTED;
    }
    if (r->exec_errno) {
        snprintf(reason, size, "not a measurement: the program could not be "
                 "started (%s)", r->reason[0] ? r->reason : "exit code 127: "
                 "command not found");
        return ICT_STATUS_INTERRUPTED;
    }
    if (!r->launched) {
        snprintf(reason, size, "%s", r->reason);
        return ICT_STATUS_FAILED;
    }
    if (r->timed_out) {
        snprintf(reason, size, "timed out after %gs: the process group got "
                 "SIGTERM%s", timeout, r->signal == SIGKILL ? ", then SIGKILL" : "");
        return ICT_STATUS_TIMEOUT;
    }
    if (r->signal) {
        snprintf(reason, size, "killed by signal %d (%s)%s", r->signal,
                 strsignal(r->signal), r->killed ? " after ictune stopped it" : "");
        return ICT_STATUS_FAILED;
    }
    if (r->exit_code) {
        char note[64] = "";
        if (r->exit_code == 127)
            snprintf(note, sizeof note, " (command not found)");
        else if (r->exit_code == 126)
            snprintf(note, sizeof note, " (command not executable)");
        else if (r->exit_code > 128 && r->exit_code < 160)
            snprintf(note, sizeof note, " (a shell's way of saying: killed "
                     "by signal %d)", r->exit_code - 128);
        snprintf(reason, size, "exit code %d%s", r->exit_code, note);
        return ICT_STATUS_FAILED;
    }
    reason[0] = '\0';
    return ICT_STATUS_OK;
}

ict_status_t ict_classify(const ict_config_t *c, const ict_raw_result_t *r,
                          double *values, char *reason, size_t size)
{
    values[0] = NAN;
    for (size_t k = 0; k < c->n_metrics; k++)
        metric_value(r, c->metrics[k], &values[k + 1]);
    int mv;
    if (c->parse_last_number && !metric_text(r, c->objective)) {
        mv = r->has_last_number ? (isfinite(r->last_number) ? 0 : 1) : -1;
        values[0] = mv == 0 ? r->last_number : NAN;
    } else {
        mv = metric_value(r, c->objective, &values[0]);
    }
    ict_status_t st = ict_classify_exit(r, c->timeout, reason, size);
    if (st != ICT_STATUS_OK)
        return st;
    if (mv < 0) {
        if (c->parse_last_number)
            snprintf(reason, size, "exit 0 but no number on stdout");
        else
            snprintf(reason, size, "exit 0 but no value for '%s': expected a "
                     "line '[ictune] %s=NUMBER' on stdout or '%s=NUMBER' in "
                     "$ICTUNE_RESULT_FILE%s", c->objective, c->objective, c->objective,
                     r->result_not_regular ? " ($ICTUNE_RESULT_FILE is not a "
                     "regular file: not read)" : "");
        return ICT_STATUS_NO_RESULT;
    }
    if (mv > 0) {
        const ict_metric_t *m = metric_of(r, c->objective);
        snprintf(reason, size, "'%s' is '%s': %s", c->objective,
                 m ? m->text : "inf/nan", m && m->bad == ICT_NUMBER_RANGE ?
                 "outside the range of a double" : "expected a finite decimal "
                 "number such as 0.25 or 1e-3");
        return ICT_STATUS_BAD_RESULT;
    }
    for (size_t k = 0; k < c->n_constraints; k++) {
        const ict_constraint_t *q = &c->constraints[k];
        double v;
        int m = strcmp(q->metric, c->objective) ? metric_value(r, q->metric, &v)
                                                : (v = values[0], 0);
        if (m < 0) {
            snprintf(reason, size, "no value for '%s', which the constraint "
                     "'%s' needs", q->metric, q->text);
            return ICT_STATUS_NO_RESULT;
        }
        if (m > 0) {
            snprintf(reason, size, "'%s' is not a finite number (constraint "
                     "'%s')", q->metric, q->text);
            return ICT_STATUS_BAD_RESULT;
        }
        if (!ict_constraint_holds(q, v)) {
            char b[32];
            snprintf(reason, size, "constraint '%s' broken: %s = %s", q->text,
                     q->metric, ict_number_format(v, b, sizeof b));
            return ICT_STATUS_INFEASIBLE;
        }
    }
    reason[0] = '\0';
    if (r->out_truncated)
        snprintf(reason, size, "output truncated at limits.max_output");
    return ICT_STATUS_OK;
}

int ict_launch_stop_signal(int sig)
{
    return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGKILL ||
           sig == SIGUSR1;
}

int ict_launch_job_stopped(int sig, volatile sig_atomic_t *flag,
                           double seconds)
{
    if (!flag)
        return 0;
    if (ict_launch_stop_signal(sig)) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        for (double t = 0; !*flag && t < seconds; t += 0.01)
            nanosleep(&ts, NULL);
    }
    return *flag != 0;
}
