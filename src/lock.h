/* lock.h - one writer per results file, whatever the file system does
 * with HDF5's own locking (internal).
 *
 * Beside results.h5 the writer keeps results.h5.lock: "host pid start"
 * (the pid's start time, so a reused pid is not taken for the writer),
 * made with link(2) (atomic, also over NFS), flock'ed where the file system
 * allows it, and touched every ICT__LOCK_BEAT seconds. A second writer is
 * refused while the first lives: flock held, or the pid alive on this
 * host, or (another host) a heartbeat younger than ICT__LOCK_STALE
 * seconds. A lock left by a writer that died (kill -9) is taken over: at
 * once on the same host, after ICT__LOCK_STALE seconds without a heartbeat
 * from another host (the taker waits that long rather than fail). */
#ifndef ICT_LOCK_H
#define ICT_LOCK_H

#include "ictune/error.h"

#define ICT__LOCK_BEAT 10
#define ICT__LOCK_STALE 45

typedef struct ict__lock ict__lock_t;

/* Take the lock of results file path; -EBUSY (and who) when held. */
int ict__lock_take(ict__lock_t **out, const char *path, ict_error_t *err);
/* The heartbeat: cheap, call it often; it writes every ICT__LOCK_BEAT s. */
void ict__lock_beat(ict__lock_t *l);
/* Remove the lock file (if still ours) and free. NULL is allowed. */
void ict__lock_release(ict__lock_t *l);
/* Who holds path's lock, as "pid P on host H", or "" (for messages). */
void ict__lock_holder(const char *path, char *buf, size_t size);

#endif
