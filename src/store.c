/* store.c - the HDF5 results file's life and I/O: crash-safe creation,
 * opening (and the checks that refuse a damaged or foreign file), appends
 * with a flush per row, reading rows back. The schema is store_schema.c's,
 * the resume policy store_compat.c's.
 *
 * Plain HDF5 1.10 files (default libver, no SWMR): after a kill -9 they
 * reopen read-write with nothing extra and h5dump reads them. A row is
 * extended, written and flushed one at a time, so at most one trailing row
 * can hold the fill value (id -1) after a crash; more than that, or a fill
 * row in the middle, means the file is damaged. */
#include "ictune/store.h"
#include "ictune/record.h"
#include "store_int.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hwloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lock.h"
#include "ict_version.h"
#include "ictune/strategy.h"
#include "ictune/launch.h"
#include "sha256.h"

struct ict_store {
    char *path;
    const ict_config_t *c;
    ict_config_t *owned;        /* read-only opens own their config */
    hid_t file, evals, stages, jobs, prepare;
    hid_t remeas;               /* /remeasured, made when first needed */
    hsize_t nremeas;
    hid_t status_type;
    layout_t L;
    hsize_t nevals;
    double t0;
    long job_row;
    char prepared[RUNDIR_LEN];
    int readonly;
    int live;                   /* a writer holds it (a run in progress) */
    ict__lock_t *lock;          /* the writer's own lock (lock.h) */
    int no_flush;               /* ICTUNE_BENCH_NO_FLUSH: benchmarks only */
    hid_t dxpl;                 /* writes: our own conversion buffers */
    int dxpl_made;
    void *tconv, *bkg;
};


static int h5fail(ict_error_t *err, const ict_store_t *st, const char *what)
{
    int e = errno == ENOSPC || errno == EDQUOT || errno == EFBIG ? -ENOSPC : -EIO;
    return ict_errorf(err, e, "%s: %s failed%s", st->path, what,
                      e == -ENOSPC ? ": the disk is full" : "");
}

static void store_free(ict_store_t *st)
{
    if (!st)
        return;
    if (st->evals > 0) H5Dclose(st->evals);
    if (st->stages > 0) H5Dclose(st->stages);
    if (st->jobs > 0) H5Dclose(st->jobs);
    if (st->prepare > 0) H5Dclose(st->prepare);
    if (st->remeas > 0) H5Dclose(st->remeas);
    if (st->status_type > 0) H5Tclose(st->status_type);
    if (st->dxpl > 0) H5Pclose(st->dxpl);
    free(st->tconv);
    free(st->bkg);
    layout_free(&st->L);
    if (st->file > 0) {
        H5Fflush(st->file, H5F_SCOPE_GLOBAL);
        H5Fclose(st->file);
    }
    ict_config_free(st->owned);
    ict__lock_release(st->lock);
    free(st->path);
    free(st);
}

void ict_store_close(ict_store_t *st) { store_free(st); }

void ict_store_beat(ict_store_t *st)
{
    if (st)
        ict__lock_beat(st->lock);
}

/* Nothing of the results file leaks into the programs (a program's
 * descendant holding it would keep HDF5's lock after ictune is gone). */
static void file_cloexec(hid_t file)
{
    void *h = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &h) >= 0 && h) {
        int fd = *(int *)h;
        fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
    }
}

/* Where a new file is made before it is linked into place, and the
 * leftovers of creators that died on this host (kill -9) removed. */
static char *creating_name(const char *path)
{
    char host[128] = "host";
    gethostname(host, sizeof host - 1);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    ict__buf_t b = {0};
    ict__buf_printf(&b, "%.*s.%s.creating.%s.%ld", (int)dirlen, path, base,
                    host, (long)getpid());
    char *tmp = ict__buf_take(&b);
    /* stale ones: same prefix, a pid that no longer runs */
    b = (ict__buf_t){0};
    ict__buf_printf(&b, ".%s.creating.%s.", base, host);
    char *prefix = ict__buf_take(&b);
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", dirlen ? (int)dirlen : 1, dirlen ? path : ".");
    DIR *d = prefix ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, prefix, strlen(prefix)))
            continue;
        char *end;
        long pid = strtol(e->d_name + strlen(prefix), &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) && errno == ESRCH)) {
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    if (d)
        closedir(d);
    free(prefix);
    return tmp;
}

static ict_store_t *store_alloc(const char *path, const ict_config_t *c)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ict_store_t *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->path = strdup(path);
    st->c = c;
    st->job_row = -1;
    st->status_type = make_status_type();
    /* Only to measure what the flush per row costs: never in production,
     * where a crash would then lose rows. */
    st->no_flush = getenv("ICTUNE_BENCH_NO_FLUSH") != NULL;
    if (!st->path) {
        free(st);
        return NULL;
    }
    return st;
}

int ict_store_create(ict_store_t **out, const char *path,
                     const ict_config_t *c, ict_error_t *err)
{
    if (access(path, F_OK) == 0)
        return ict_errorf(err, -EEXIST, "%s exists: results are never "
                          "overwritten; use --resume to continue it, or set "
                          "another 'output'", path);
    ict_store_t *st = store_alloc(path, c);
    if (!st)
        return -ENOMEM;
    int rc = layout_build(&st->L, c, st->status_type);
    if (!rc)
        rc = ict__lock_take(&st->lock, path, err);
    if (rc) {
        store_free(st);
        return rc;
    }
    /* Made under another name and linked into place when complete: a kill
     * at any moment leaves either no file or a whole one. */
    char *tmp = creating_name(path);
    if (!tmp) {
        store_free(st);
        return -ENOMEM;
    }
    unlink(tmp);
    errno = 0;
    st->file = H5Fcreate(tmp, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (st->file < 0) {
        int e = errno ? errno : EIO;
        rc = ict_errorf(err, e == ENOSPC || e == EDQUOT ? -ENOSPC : -e,
                        "%s: cannot create the results file: %s", path,
                        strerror(e));
        store_free(st);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    file_cloexec(st->file);
    st->t0 = ict_now();
    char created[64];
    time_t now = (time_t)st->t0;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char sha[65];
    ict__sha256_hex(c->text, c->text_len, sha);
    rc |= attr_str(st->file, "ictune_version", ICT_VERSION);
    rc |= attr_num(st->file, "schema_version", ICT_SCHEMA_VERSION);
    rc |= attr_str(st->file, "config_file", c->path);
    rc |= attr_str(st->file, "config_text", c->text);
    rc |= attr_str(st->file, "config_sha256", sha);
    rc |= attr_str(st->file, "strategy", c->strategy);
    rc |= attr_str(st->file, "created", created);
    rc |= attr_num(st->file, "start_time", st->t0);
    if (!rc)
        rc = ict__store_write_sigs(st->file, c);
    /* /space/<param> */
    hid_t g = H5Gcreate2(st->file, "space", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (size_t a = 0; a < ict_space_dims(c->space) && g >= 0 && !rc; a++) {
        size_t n = ict_space_count(c->space, a);
        hsize_t dims[1] = {n};
        hid_t sp = H5Screate_simple(1, dims, NULL), d;
        if (param_is_num(c->space, a)) {
            double *v = malloc(n * sizeof *v);
            for (size_t i = 0; v && i < n; i++)
                v[i] = ict_space_value(c->space, a, i)->num;
            d = H5Dcreate2(g, ict_space_name(c->space, a), H5T_IEEE_F64LE, sp,
                           H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (!v || d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
                rc = -EIO;
            free(v);
        } else {
            size_t m = st->L.param_len[a];
            char *v = calloc(n, m);
            for (size_t i = 0; v && i < n; i++)
                snprintf(v + i * m, m, "%s", ict_space_value(c->space, a, i)->text);
            hid_t t = str_type(m);
            d = H5Dcreate2(g, ict_space_name(c->space, a), t, sp, H5P_DEFAULT,
                           H5P_DEFAULT, H5P_DEFAULT);
            if (!v || d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
                rc = -EIO;
            H5Tclose(t);
            free(v);
        }
        if (d >= 0)
            H5Dclose(d);
        H5Sclose(sp);
    }
    if (g >= 0)
        H5Gclose(g);
    if (!rc) {
        unsigned char *fill = calloc(1, st->L.size);
        if (!fill) {
            store_free(st);
            return -ENOMEM;
        }
        int64_t minus1 = -1;
        memcpy(fill + st->L.foff[ict_record_field("id")], &minus1, 8);
        fill[st->L.foff[ict_record_field("status")]] = (unsigned char)-1;
        hid_t ft = packed(st->L.mtype);
        st->evals = make_table(st->file, "evaluations", ft, st->L.mtype, fill, 64);
        free(fill);
        H5Tclose(ft);
        if (st->evals < 0)
            rc = -EIO;
        else
            rc |= attr_num(st->evals, "start_time", st->t0);
        hid_t t = stage_type(), f = packed(t);
        st->stages = make_table(st->file, "stages", f, t, NULL, 32);
        H5Tclose(f);
        H5Tclose(t);
        t = job_type();
        f = packed(t);
        st->jobs = make_table(st->file, "jobs", f, t, NULL, 8);
        H5Tclose(f);
        H5Tclose(t);
        t = prep_type(st->status_type);
        f = packed(t);
        st->prepare = make_table(st->file, "prepare", f, t, NULL, 4);
        H5Tclose(f);
        H5Tclose(t);
        if (st->stages < 0 || st->jobs < 0 || st->prepare < 0)
            rc = -EIO;
    }
    if (rc || H5Fflush(st->file, H5F_SCOPE_GLOBAL) < 0) {
        rc = h5fail(err, st, "writing the file's layout");
        store_free(st);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    /* into place, never over a file that appeared meanwhile */
    if (link(tmp, path)) {
        int e = errno;
        if (e == EEXIST)
            rc = ict_errorf(err, -EEXIST, "%s exists: results are never "
                            "overwritten; use --resume to continue it", path);
        else if (e != EPERM && e != ENOTSUP && e != ENOSYS)
            rc = ict_errorf(err, -e, "%s: cannot put the new results file in "
                            "place: %s", path, strerror(e));
        else if (access(path, F_OK) == 0)
            rc = ict_errorf(err, -EEXIST, "%s exists: results are never "
                            "overwritten; use --resume to continue it", path);
        else if (rename(tmp, path))     /* a file system without hard links */
            rc = ict_errorf(err, -errno, "%s: cannot put the new results "
                            "file in place: %s", path, strerror(errno));
        if (rc) {
            store_free(st);
            unlink(tmp);
            free(tmp);
            return rc;
        }
    }
    unlink(tmp);
    free(tmp);
    *out = st;
    return 0;
}

/* ---- open an existing file ----------------------------------------------- */

static int check_members(hid_t d, hid_t mtype)
{
    hid_t ft = H5Dget_type(d);
    int ok = H5Tget_class(ft) == H5T_COMPOUND &&
             H5Tget_nmembers(ft) == H5Tget_nmembers(mtype);
    for (int i = 0; ok && i < H5Tget_nmembers(mtype); i++) {
        char *a = H5Tget_member_name(ft, (unsigned)i);
        char *b = H5Tget_member_name(mtype, (unsigned)i);
        ok = a && b && !strcmp(a, b);
        H5free_memory(a);
        H5free_memory(b);
    }
    H5Tclose(ft);
    return ok;
}

static hsize_t rows_of(hid_t d)
{
    hsize_t dims[1] = {0};
    hid_t sp = H5Dget_space(d);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    return dims[0];
}

/* Read rows [first, first+n) of d with mtype into buf. */
static int read_rows(hid_t d, hid_t mtype, hsize_t first, hsize_t n, void *buf)
{
    hid_t fs = H5Dget_space(d);
    hsize_t off[1] = {first}, cnt[1] = {n};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
    hid_t ms = H5Screate_simple(1, cnt, NULL);
    herr_t rc = H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    return rc < 0 ? -EIO : 0;
}

static int write_row(ict_store_t *st, hid_t d, hid_t mtype, hsize_t row,
                     const void *buf, int extend, ict_error_t *err,
                     const char *what)
{
    if (extend) {
        hsize_t n[1] = {row + 1};
        if (H5Dset_extent(d, n) < 0)
            return h5fail(err, st, what);
    }
    if (!st->dxpl_made) {
        st->dxpl_made = 1;
        /* HDF5 would calloc (and clear) a 1 MiB conversion buffer and a
         * background buffer for every row written: give it ours, once */
        size_t n = st->L.size * 2 + 4096 > 65536 ? st->L.size * 2 + 4096 : 65536;
        st->tconv = malloc(n);
        st->bkg = malloc(n);
        st->dxpl = H5Pcreate(H5P_DATASET_XFER);
        if (!st->tconv || !st->bkg || st->dxpl < 0 ||
            H5Pset_buffer(st->dxpl, n, st->tconv, st->bkg) < 0) {
            if (st->dxpl > 0)
                H5Pclose(st->dxpl);
            st->dxpl = H5P_DEFAULT;
        }
    }
    hid_t fs = H5Dget_space(d);
    hsize_t off[1] = {row}, cnt[1] = {1};
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, off, NULL, cnt, NULL);
    hid_t ms = H5Screate_simple(1, cnt, NULL);
    errno = 0;
    herr_t rc = H5Dwrite(d, mtype, ms, fs, st->dxpl, buf);
    H5Sclose(ms);
    H5Sclose(fs);
    if (rc < 0 || (!st->no_flush && H5Fflush(st->file, H5F_SCOPE_GLOBAL) < 0))
        return h5fail(err, st, what);
    return 0;
}

static int open_common(ict_store_t *st, int readonly, ict_error_t *err)
{
    const char *path = st->path;
    if (access(path, F_OK) != 0)
        return ict_errorf(err, -ENOENT, "%s: no such results file", path);
    /* the system's own reason first: permissions, read-only, a lock */
    int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == EROFS)
            return ict_errorf(err, -e, "%s: on a read-only file system; "
                              "resuming writes to it: copy it to a writable "
                              "place and set 'output' there", path);
        if (e == EACCES || e == EPERM)
            return ict_errorf(err, -e, "%s: permission denied: %s needs to "
                              "%s it", path, readonly ? "reading" : "resuming",
                              readonly ? "read" : "write");
        if (e == EISDIR)
            return ict_errorf(err, -e, "%s: a directory, not a results file", path);
        return ict_errorf(err, -e, "%s: cannot open: %s", path, strerror(e));
    }
    int held = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
    close(fd);
    st->live = held;
    if (held && !readonly) {
        char who[256];
        ict__lock_holder(path, who, sizeof who);
        return ict_errorf(err, -EBUSY, "%s: another process holds it open "
                          "for writing%s%s: an ictune run still using it? "
                          "(the file is not damaged)", path, who[0] ? ", " : "",
                          who);
    }
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0)
        return ict_errorf(err, -EINVAL, "%s: not an HDF5 file (or a "
                          "truncated one); expected an ictune results file",
                          path);
    st->readonly = readonly;
    /* a reader takes no lock: a report of a file a run is writing works
     * (the writer flushes every row, so what is on disk is whole) */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (readonly && fapl >= 0)
        H5Pset_file_locking(fapl, 0, 1);
    st->file = H5Fopen(path, readonly ? H5F_ACC_RDONLY : H5F_ACC_RDWR,
                       fapl >= 0 ? fapl : H5P_DEFAULT);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (st->file < 0)
        return ict_errorf(err, -EIO, "%s: cannot open the HDF5 file: it is "
                          "damaged or truncated (HDF5 could not read its "
                          "structure)", path);
    file_cloexec(st->file);
    double ver;
    if (attr_get_num(st->file, "schema_version", &ver))
        return ict_errorf(err, -EINVAL, "%s: an HDF5 file, but not an ictune "
                          "results file (no schema_version attribute)", path);
    if (ver != ICT_SCHEMA_VERSION)
        return ict_errorf(err, -EINVAL, "%s: results file schema version %g; "
                          "this ictune reads version %d", path, ver,
                          ICT_SCHEMA_VERSION);
    if (attr_get_num(st->file, "start_time", &st->t0))
        return ict_errorf(err, -EINVAL, "%s: the start_time attribute is "
                          "missing: the file is damaged", path);
    return 0;
}

static int open_datasets(ict_store_t *st, ict_error_t *err)
{
    const char *names[] = {"evaluations", "stages", "jobs", "prepare"};
    hid_t *ds[] = {&st->evals, &st->stages, &st->jobs, &st->prepare};
    for (int i = 0; i < 4; i++) {
        if (H5Lexists(st->file, names[i], H5P_DEFAULT) <= 0 ||
            (*ds[i] = H5Dopen2(st->file, names[i], H5P_DEFAULT)) < 0)
            return ict_errorf(err, -EINVAL, "%s: the dataset /%s is missing "
                              "or unreadable: the file is damaged", st->path,
                              names[i]);
    }
    if (!check_members(st->evals, st->L.mtype))
        return ict_errorf(err, -EINVAL, "%s: /evaluations does not have the "
                          "fields this config needs: written by another "
                          "config or another ictune", st->path);
    /* Only the row being appended at a crash may hold the fill value. */
    hsize_t n = rows_of(st->evals);
    hid_t idt = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(idt, "id", 0, H5T_NATIVE_INT64);
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids) {
        H5Tclose(idt);
        return -ENOMEM;
    }
    int rc = n ? read_rows(st->evals, idt, 0, n, ids) : 0;
    H5Tclose(idt);
    if (rc) {
        free(ids);
        return ict_errorf(err, -EIO, "%s: /evaluations cannot be read: the "
                          "file is damaged", st->path);
    }
    hsize_t fills = 0, first_fill = 0;
    for (hsize_t i = 0; i < n; i++)
        if (ids[i] < 0 && fills++ == 0)
            first_fill = i;
    free(ids);
    if (fills > 1 || (fills == 1 && first_fill != n - 1))
        return ict_errorf(err, -EINVAL, "%s: %llu rows of /evaluations (from "
                          "row %llu) hold the fill value (id -1): they were "
                          "never written; the file is damaged",
                          st->path, (unsigned long long)fills,
                          (unsigned long long)first_fill);
    st->nevals = n - fills;
    if (H5Lexists(st->file, "remeasured", H5P_DEFAULT) > 0) {
        if ((st->remeas = H5Dopen2(st->file, "remeasured", H5P_DEFAULT)) < 0 ||
            !check_members(st->remeas, st->L.mtype))
            return ict_errorf(err, -EINVAL, "%s: /remeasured is unreadable or "
                              "not laid out as /evaluations: the file is "
                              "damaged", st->path);
        st->nremeas = rows_of(st->remeas);
    }
    /* a finished prepare step */
    hsize_t np = rows_of(st->prepare);
    if (np) {
        hid_t t = prep_type(st->status_type);
        prep_mem_t *p = calloc(np, sizeof *p);
        if (p && read_rows(st->prepare, t, 0, np, p) == 0)
            for (hsize_t i = 0; i < np; i++)
                if (p[i].status == ICT_STATUS_OK)
                    snprintf(st->prepared, sizeof st->prepared, "%s", p[i].run_dir);
        free(p);
        H5Tclose(t);
    }
    return 0;
}

int ict_store_open(ict_store_t **out, const char *path, const ict_config_t *c,
                   char *changes, size_t size, ict_error_t *err)
{
    ict_store_t *st = store_alloc(path, c);
    if (!st)
        return -ENOMEM;
    if (changes && size)
        changes[0] = '\0';
    int rc = layout_build(&st->L, c, st->status_type);
    if (!rc && access(path, F_OK) == 0)
        rc = ict__lock_take(&st->lock, path, err);
    if (!rc)
        rc = open_common(st, 0, err);
    /* Compare before any write: a refused file is never modified. */
    if (!rc)
        rc = ict__store_compare(st->file, path, c, changes, size, err);
    if (!rc)
        rc = open_datasets(st, err);
    if (rc) {
        store_free(st);
        return rc;
    }
    /* Allowed changes are recorded; the trailing fill row is dropped. */
    if (rows_of(st->evals) != st->nevals) {
        hsize_t n[1] = {st->nevals};
        H5Dset_extent(st->evals, n);
    }
    ict__store_update_sigs(st->file, c);
    if (changes && changes[0]) {
        char *old = attr_get_str(st->file, "history");
        ict__buf_t b = {0};
        ict__buf_printf(&b, "%s%s%s", old ? old : "", old ? "\n" : "", changes);
        char *h = ict__buf_take(&b);
        if (h)
            attr_str(st->file, "history", h);
        free(h);
        free(old);
    }
    H5Fflush(st->file, H5F_SCOPE_GLOBAL);
    *out = st;
    return 0;
}

static int open_readonly_once(ict_store_t **out, const char *path,
                              ict_config_t **config, int *live, ict_error_t *err);

int ict_store_open_readonly(ict_store_t **out, const char *path,
                            ict_config_t **config, ict_error_t *err)
{
    /* while a run writes the file, a read may meet a row half flushed:
     * a few tries, 50 ms apart */
    int rc = 0, live = 0;
    for (int tries = 0; tries < 20; tries++) {
        rc = open_readonly_once(out, path, config, &live, err);
        if (!rc || !live || rc == -ENOMEM || rc == -ENOENT)
            return rc;
        usleep(50000);
    }
    return rc;
}

int ict_store_live(const ict_store_t *st, char *who, size_t size)
{
    if (who && size)
        who[0] = '\0';
    if (st->live && who && size)
        ict__lock_holder(st->path, who, size);
    return st->live;
}

static int open_readonly_once(ict_store_t **out, const char *path,
                              ict_config_t **config, int *live, ict_error_t *err)
{
    ict_store_t *st = store_alloc(path, NULL);
    if (!st)
        return -ENOMEM;
    int rc = open_common(st, 1, err);
    *live = st->live;
    char *text = rc ? NULL : attr_get_str(st->file, "config_text");
    char *cpath = rc ? NULL : attr_get_str(st->file, "config_file");
    if (!rc && !text)
        rc = ict_errorf(err, -EINVAL, "%s: the config_text attribute is "
                        "missing: the file is damaged", path);
    if (!rc) {
        char name[1200];
        snprintf(name, sizeof name, "%s (config stored in %s)",
                 cpath ? cpath : "config", path);
        rc = ict_config_parse(name, text, strlen(text), &st->owned, err);
    }
    free(text);
    free(cpath);
    if (!rc) {
        st->c = st->owned;
        rc = layout_build(&st->L, st->c, st->status_type);
    }
    if (!rc)
        rc = open_datasets(st, err);
    if (rc) {
        store_free(st);
        return rc;
    }
    *config = st->owned;
    *out = st;
    return 0;
}

double ict_store_t0(const ict_store_t *st) { return st->t0; }

const char *ict_store_prepared(const ict_store_t *st)
{
    return st->prepared[0] ? st->prepared : NULL;
}

size_t ict_store_jobs(const ict_store_t *st) { return (size_t)rows_of(st->jobs); }

/* ---- appends --------------------------------------------------------------- */

/* A bitmap too long for the field is stored as the (shorter) list form,
 * "0-511"; one even longer ends in "+" rather than silently cut. */
static void put_cpuset(unsigned char *buf, size_t off, const char *s)
{
    char *dst = (char *)buf + off;
    if (!s || strlen(s) < CPUSET_LEN) {
        snprintf(dst, CPUSET_LEN, "%s", s ? s : "");
        return;
    }
    hwloc_bitmap_t b = hwloc_bitmap_alloc();
    int n = b && hwloc_bitmap_sscanf(b, s) == 0 ?
        hwloc_bitmap_list_snprintf(dst, CPUSET_LEN, b) : -1;
    if (n < 0 || n >= CPUSET_LEN) {
        if (n < 0)
            snprintf(dst, CPUSET_LEN, "%s", s);
        dst[CPUSET_LEN - 2] = '+';
        dst[CPUSET_LEN - 1] = '\0';
    }
    hwloc_bitmap_free(b);
}

static void put_str(unsigned char *buf, size_t off, size_t len, const char *s)
{
    snprintf((char *)buf + off, len, "%s", s ? s : "");
}

/* One field of the record into the row buffer. */
static void put_field(unsigned char *b, size_t off, const ict_field_t *f,
                      const ict_record_t *r)
{
    const char *src = (const char *)r + f->offset;
    switch (f->kind) {
    case ICT_FIELD_INT64: case ICT_FIELD_DOUBLE: case ICT_FIELD_TIME:
        memcpy(b + off, src, 8);
        break;
    case ICT_FIELD_INT32:
        memcpy(b + off, src, 4);
        break;
    case ICT_FIELD_STATUS: {
        ict_status_t v;
        memcpy(&v, src, sizeof v);
        b[off] = (unsigned char)(signed char)v;
        break;
    }
    case ICT_FIELD_STRING: {
        const char *str;
        memcpy(&str, src, sizeof str);
        put_str(b, off, f->len, str);
        break;
    }
    case ICT_FIELD_CPUSET: {
        const char *str;
        memcpy(&str, src, sizeof str);
        put_cpuset(b, off, str);
        break;
    }
    }
}

static int append_to(ict_store_t *st, hid_t ds, hsize_t *count,
                     const ict_record_t *r, ict_error_t *err, const char *what)
{
    const ict_config_t *c = st->c;
    const layout_t *L = &st->L;
    size_t D = ict_space_dims(c->space);
    unsigned char *b = calloc(1, L->size + 4 * (D + 1));
    if (!b)
        return -ENOMEM;
    int32_t *idx = (int32_t *)(void *)(b + align8(L->size));
    ict_space_unflat(c->space, r->flat, idx);
    for (size_t i = 0; i < ict_record_nfields; i++)
        put_field(b, L->foff[i], &ict_record_fields[i], r);
    for (size_t a = 0; a < D; a++) {
        const ict_value_t *v = ict_space_value(c->space, a, (size_t)idx[a]);
        if (L->param_len[a])
            put_str(b, L->param[a], L->param_len[a], v->text);
        else
            memcpy(b + L->param[a], &v->num, 8);
        memcpy(b + L->point + 4 * a, &idx[a], 4);
    }
    for (size_t k = 0; k < c->n_metrics; k++) {
        double v = r->metrics ? r->metrics[k] : NAN;
        memcpy(b + L->metric[k], &v, 8);
    }
    int rc = write_row(st, ds, L->mtype, *count, b, 1, err, what);
    free(b);
    if (!rc)
        (*count)++;
    return rc;
}

int ict_store_append_eval(ict_store_t *st, const ict_record_t *r,
                          ict_error_t *err)
{
    return append_to(st, st->evals, &st->nevals, r, err, "appending an evaluation");
}

int ict_store_append_remeasured(ict_store_t *st, const ict_record_t *r,
                                ict_error_t *err)
{
    if (st->remeas <= 0) {
        hid_t ft = H5Dget_type(st->evals);
        hid_t dcpl = H5Dget_create_plist(st->evals);
        hsize_t dims[1] = {0}, maxd[1] = {H5S_UNLIMITED}, ch[1] = {64};
        hid_t sp = H5Screate_simple(1, dims, maxd);
        hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(pl, 1, ch);
        st->remeas = ft < 0 ? -1 : H5Dcreate2(st->file, "remeasured", ft, sp,
                                               H5P_DEFAULT, pl, H5P_DEFAULT);
        H5Pclose(pl);
        H5Pclose(dcpl);
        H5Sclose(sp);
        if (ft >= 0)
            H5Tclose(ft);
        if (st->remeas < 0)
            return h5fail(err, st, "creating /remeasured");
    }
    return append_to(st, st->remeas, &st->nremeas, r, err,
                     "appending a re-measurement");
}



size_t ict_store_nevals(const ict_store_t *st) { return (size_t)st->nevals; }

int ict_store_set_stage(ict_store_t *st, size_t row, int64_t stage,
                        int32_t level, ict_error_t *err)
{
    if (row >= st->nevals)
        return ict_errorf(err, -EINVAL, "row %zu of /evaluations does not "
                          "exist", row);
    struct stage_level { int64_t stage; int32_t level; } v = {stage, level};
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof v);
    if (t < 0)
        return h5fail(err, st, "setting a row's stage");
    H5Tinsert(t, "stage", offsetof(struct stage_level, stage), H5T_NATIVE_INT64);
    H5Tinsert(t, "level", offsetof(struct stage_level, level), H5T_NATIVE_INT32);
    int rc = write_row(st, st->evals, t, row, &v, 0, err,
                       "setting a row's stage");
    H5Tclose(t);
    return rc;
}

int ict_store_append_stage(ict_store_t *st, const ict_stage_row_t *r,
                           ict_error_t *err)
{
    stage_mem_t m = {r->stage, r->level, r->base_objective, r->points, r->best,
                     r->best_id, r->start, r->end, ""};
    if (r->base)
        ict_space_format(st->c->space, r->base, m.base, sizeof m.base);
    hid_t t = stage_type();
    int rc = write_row(st, st->stages, t, rows_of(st->stages), &m, 1, err,
                       "appending a stage");
    H5Tclose(t);
    return rc;
}

int ict_store_job_begin(ict_store_t *st, int ranks, int workers,
                        const char *hosts, ict_error_t *err)
{
    hid_t t = job_type();
    hsize_t n = rows_of(st->jobs);
    int rc = 0;
    job_mem_t *j = calloc(n + 1, sizeof *j);
    if (!j) {
        H5Tclose(t);
        return -ENOMEM;
    }
    if (n && read_rows(st->jobs, t, 0, n, j))
        rc = h5fail(err, st, "reading /jobs");
    for (hsize_t i = 0; i < n && !rc; i++)
        if (!strcmp(j[i].exit_reason, "running")) {
            snprintf(j[i].exit_reason, sizeof j[i].exit_reason, "killed");
            rc = write_row(st, st->jobs, t, i, &j[i], 0, err, "updating /jobs");
        }
    if (!rc) {
        job_mem_t m = {(int32_t)n + 1, ict_now(), NAN, ranks, workers, -1, "",
                       "running"};
        snprintf(m.hosts, sizeof m.hosts, "%s", hosts ? hosts : "");
        rc = write_row(st, st->jobs, t, n, &m, 1, err, "appending to /jobs");
        if (!rc)
            st->job_row = (long)n;
    }
    free(j);
    H5Tclose(t);
    return rc;
}

int ict_store_job_end(ict_store_t *st, const char *reason, int exit_code,
                      ict_error_t *err)
{
    if (st->job_row < 0)
        return 0;
    hid_t t = job_type();
    job_mem_t m;
    int rc = read_rows(st->jobs, t, (hsize_t)st->job_row, 1, &m);
    if (!rc) {
        m.end = ict_now();
        m.exit_code = exit_code;
        snprintf(m.exit_reason, sizeof m.exit_reason, "%s", reason);
        rc = write_row(st, st->jobs, t, (hsize_t)st->job_row, &m, 0, err,
                       "updating /jobs");
    }
    H5Tclose(t);
    return rc;
}

int ict_store_prepare(ict_store_t *st, ict_status_t status, int attempt,
                      int exit_code, const char *run_dir, const char *reason,
                      double start, double end, ict_error_t *err)
{
    prep_mem_t m = {attempt, exit_code, start, end, (signed char)status, "", ""};
    snprintf(m.run_dir, sizeof m.run_dir, "%s", run_dir ? run_dir : "");
    snprintf(m.reason, sizeof m.reason, "%s", reason ? reason : "");
    hid_t t = prep_type(st->status_type);
    int rc = write_row(st, st->prepare, t, rows_of(st->prepare), &m, 1, err,
                       "appending to /prepare");
    H5Tclose(t);
    if (!rc && status == ICT_STATUS_OK)
        snprintf(st->prepared, sizeof st->prepared, "%s", m.run_dir);
    return rc;
}

/* ---- reading every evaluation ------------------------------------------ */

void ict_store_rows_free(ict_record_t *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        free(rows[i].metrics);          /* the row's one block */
    free(rows);
}

/* The row's block: its metrics, then its strings, each as long as it is. */
static int get_row(const ict_config_t *c, const layout_t *L,
                   const unsigned char *b, ict_record_t *r)
{
    size_t strings = 0;
    for (size_t i = 0; i < ict_record_nfields; i++) {
        const ict_field_t *f = &ict_record_fields[i];
        if (f->kind == ICT_FIELD_STRING || f->kind == ICT_FIELD_CPUSET)
            strings += strnlen((const char *)b + L->foff[i], f->len) + 1;
    }
    char *block = malloc((c->n_metrics + 1) * sizeof(double) + strings);
    if (!block)
        return -ENOMEM;
    r->metrics = (double *)(void *)block;
    for (size_t m = 0; m < c->n_metrics; m++)
        memcpy(&r->metrics[m], b + L->metric[m], 8);
    char *sp = block + (c->n_metrics + 1) * sizeof(double);
    for (size_t i = 0; i < ict_record_nfields; i++) {
        const ict_field_t *f = &ict_record_fields[i];
        char *dst = (char *)r + f->offset;
        const unsigned char *src = b + L->foff[i];
        switch (f->kind) {
        case ICT_FIELD_INT64: case ICT_FIELD_DOUBLE: case ICT_FIELD_TIME:
            memcpy(dst, src, 8);
            break;
        case ICT_FIELD_INT32:
            memcpy(dst, src, 4);
            break;
        case ICT_FIELD_STATUS: {
            ict_status_t v = (ict_status_t)(signed char)*src;
            memcpy(dst, &v, sizeof v);
            break;
        }
        case ICT_FIELD_STRING:
        case ICT_FIELD_CPUSET: {
            size_t n = strnlen((const char *)src, f->len);
            memcpy(sp, src, n);
            sp[n] = '\0';
            const char *str = sp;
            memcpy(dst, &str, sizeof str);
            sp += n + 1;
            break;
        }
        }
    }
    return 0;
}

static int rows_from(ict_store_t *st, hid_t ds, size_t n, const char *name,
                     ict_record_t **out, size_t *nout, ict_error_t *err)
{
    const ict_config_t *c = st->c;
    const layout_t *L = &st->L;
    size_t D = ict_space_dims(c->space);
    ict_record_t *rows = calloc(n ? n : 1, sizeof *rows);
    const size_t CH = 4096;
    unsigned char *buf = malloc(CH * L->size);
    int32_t *idx = malloc((D ? D : 1) * sizeof *idx);
    int rc = rows && buf && idx ? 0 : -ENOMEM;
    for (size_t first = 0; !rc && first < n; first += CH) {
        size_t cnt = n - first < CH ? n - first : CH;
        if (read_rows(ds, L->mtype, first, cnt, buf)) {
            rc = ict_errorf(err, -EIO, "%s: /%s rows %zu..%zu cannot "
                            "be read: the file is damaged", st->path, name, first,
                            first + cnt - 1);
            break;
        }
        for (size_t k = 0; k < cnt && !rc; k++) {
            const unsigned char *b = buf + k * L->size;
            ict_record_t *r = &rows[first + k];
            memcpy(idx, b + L->point, 4 * D);
            for (size_t a = 0; a < D; a++)
                if (idx[a] < 0 || (size_t)idx[a] >= ict_space_count(c->space, a))
                    rc = ict_errorf(err, -EINVAL, "%s: /%s row %zu "
                                    "has a point outside the space: the file "
                                    "is damaged", st->path, name, first + k);
            if (rc)
                break;
            signed char sc = (signed char)b[L->foff[ict_record_field("status")]];
            if (sc < 0 || sc >= ICT_STATUS_COUNT) {
                rc = ict_errorf(err, -EINVAL, "%s: /%s row %zu has "
                                "status %d: the file is damaged", st->path,
                                name, first + k, sc);
                break;
            }
            if ((rc = get_row(c, L, b, r)))
                break;
            r->flat = ict_space_flat(c->space, idx);
        }
    }
    free(buf);
    free(idx);
    if (rc) {
        ict_store_rows_free(rows, n);
        return rc;
    }
    *out = rows;
    *nout = n;
    return 0;
}

int ict_store_rows(ict_store_t *st, ict_record_t **out, size_t *nout,
                   ict_error_t *err)
{
    return rows_from(st, st->evals, (size_t)st->nevals, "evaluations", out,
                     nout, err);
}

int ict_store_remeasured_rows(ict_store_t *st, ict_record_t **out, size_t *nout,
                              ict_error_t *err)
{
    return rows_from(st, st->remeas, (size_t)st->nremeas, "remeasured", out,
                     nout, err);
}

int ict_store_job_rows(ict_store_t *st, ict_job_row_t **out, size_t *nout,
                       ict_error_t *err)
{
    hsize_t n = rows_of(st->jobs);
    hid_t t = job_type();
    job_mem_t *j = calloc(n + 1, sizeof *j);
    ict_job_row_t *r = calloc(n + 1, sizeof *r);
    int rc = j && r ? 0 : -ENOMEM;
    if (!rc && n && read_rows(st->jobs, t, 0, n, j))
        rc = h5fail(err, st, "reading /jobs");
    for (hsize_t i = 0; !rc && i < n; i++) {
        r[i].segment = j[i].segment;
        r[i].start = j[i].start;
        r[i].end = j[i].end;
        r[i].ranks = j[i].ranks;
        r[i].workers = j[i].workers;
        r[i].exit_code = j[i].exit_code;
        snprintf(r[i].hosts, sizeof r[i].hosts, "%s", j[i].hosts);
        snprintf(r[i].exit_reason, sizeof r[i].exit_reason, "%s", j[i].exit_reason);
    }
    H5Tclose(t);
    free(j);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    *nout = (size_t)n;
    return 0;
}
