/* result.c - the result protocol: "[ictune] name=value ..." lines on a
 * program's stdout, "name=value" lines in $ICTUNE_RESULT_FILE, and with
 * parse_last_number the last number printed. Values are parsed whole and
 * strictly (number.h); only the metrics asked for are kept. Callable on a
 * string alone (ict_result_scan), for tests and the fuzz target. */
#include "ictune/launch.h"
#include "ictune/number.h"
#include "launch_int.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int wanted(const ict__scan_t *l, const char *name, size_t nlen)
{
    if (!l->names)
        return 1;
    for (char **n = l->names; *n; n++)
        if (strlen(*n) == nlen && !memcmp(*n, name, nlen))
            return 1;
    return 0;
}

static void set_metric(ict__scan_t *l, const char *name, size_t nlen,
                       const char *val, size_t vlen)
{
    ict_raw_result_t *r = l->r;
    if (!nlen || nlen >= ICT_NAME_MAX || !wanted(l, name, nlen))
        return;
    int i;
    for (i = 0; i < r->nmetrics; i++)
        if (strlen(r->metrics[i].name) == nlen && !memcmp(r->metrics[i].name, name, nlen))
            break;
    if (i == r->nmetrics) {
        if (r->nmetrics == ICT_MAX_METRICS)
            return;                 /* only without a list of names */
        r->nmetrics++;
        memcpy(r->metrics[i].name, name, nlen);
        r->metrics[i].name[nlen] = '\0';
    }
    ict_metric_t *m = &r->metrics[i];
    /* the value from the whole text; the text only for messages */
    m->bad = ict_parse_decimal(val, vlen, &m->value);
    if (vlen < ICT_NAME_MAX) {
        memcpy(m->text, val, vlen);
        m->text[vlen] = '\0';
    } else {
        snprintf(m->text, sizeof m->text, "%.*s...", ICT_NAME_MAX - 4, val);
    }
}

void ict__scan_set(ict__scan_t *l, const char *name, double v)
{
    char text[64];
    ict_number_format(v, text, sizeof text);
    set_metric(l, name, strlen(name), text, strlen(text));
}

/* "name=value name=value ..." */
void ict__scan_pairs(ict__scan_t *l, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && isspace((unsigned char)s[i]))
            i++;
        size_t ns = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=')
            i++;
        if (i >= n || s[i] != '=') {
            while (i < n && !isspace((unsigned char)s[i]))
                i++;
            continue;
        }
        size_t ne = i++, vs = i;
        while (i < n && !isspace((unsigned char)s[i]))
            i++;
        set_metric(l, s + ns, ne - ns, s + vs, i - vs);
    }
}

/* nan, inf, -inf, infinity (any case): what printf makes of a bad value */
static int non_finite_word(const char *s, size_t n)
{
    if (n && (*s == '-' || *s == '+')) {
        s++;
        n--;
    }
    return (n == 3 && (!strncasecmp(s, "nan", 3) || !strncasecmp(s, "inf", 3))) ||
           (n == 8 && !strncasecmp(s, "infinity", 8));
}

void ict__scan_line(ict__scan_t *l, const char *s, size_t n)
{
    static const char tag[] = "[ictune]";
    if (n >= sizeof tag - 1 && !memcmp(s, tag, sizeof tag - 1)) {
        ict__scan_pairs(l, s + sizeof tag - 1, n - (sizeof tag - 1));
        return;
    }
    if (!l->parse_last)
        return;
    /* the last number on the line, if any */
    size_t i = 0;
    while (i < n) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == ',' || s[i] == ';'))
            i++;
        size_t st = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != ';')
            i++;
        size_t len = i - st;
        if (!len)
            continue;
        double v;
        int rc = ict_parse_decimal(s + st, len, &v);
        if (rc == ICT_NUMBER_OK) {
            l->r->has_last_number = 1;
            l->r->last_number = v;
        } else if (rc == ICT_NUMBER_RANGE || non_finite_word(s + st, len)) {
            l->r->has_last_number = 1;       /* a number, but not a value */
            l->r->last_number = NAN;
        }
    }
}

void ict_result_scan(ict_raw_result_t *r, char **names, int parse_last,
                     int result_file, const char *text, size_t n)
{
    ict__scan_t sc = {r, names, parse_last};
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
        if (len <= ICT__LINE_MAX) {     /* a giant line is not a result */
            if (result_file)
                ict__scan_pairs(&sc, text + i, len);
            else
                ict__scan_line(&sc, text + i, len);
        }
        i += len + 1;
    }
}

void ict__scan_result_file(ict__scan_t *sc, const char *run_dir)
{
    char p[ICT_PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/result", run_dir);
    /* O_NONBLOCK: a FIFO left there must not block ictune */
    int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        sc->r->result_not_regular = 1;
        close(fd);
        return;
    }
    char *buf = malloc(1 << 20);
    if (buf) {
        ssize_t n = read(fd, buf, (1 << 20) - 1);
        if (n > 0) {
            buf[n] = '\0';
            for (char *line = buf; line && *line;) {
                char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t)(nl - line) : strlen(line);
                ict__scan_pairs(sc, line, len);
                line = nl ? nl + 1 : NULL;
            }
        }
        free(buf);
    }
    close(fd);
}
