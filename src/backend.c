/* backend.c - the registry of backends (backend.h): where evaluations
 * run. Adding one is a line here and its own file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

static const ict__backend_ops_t *const registry[] = {
    &ict__backend_local_ops,
    &ict__backend_mpi_ops,
    &ict__backend_table_ops,
};

const ict__backend_ops_t *ict__backend_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
        if (!strcmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}

int ict__backend_open(ict__backend_t **out, const char *name,
                      const ict__backend_args_t *a, ict_error_t *err)
{
    const ict__backend_ops_t *ops = ict__backend_find(name);
    if (!ops)
        return ict_errorf(err, -ENOENT, "no backend named '%s'", name);
    ict__backend_t *b = calloc(1, sizeof *b);
    void *self = calloc(1, ops->size ? ops->size : 1);
    if (!b || !self) {
        free(b);
        free(self);
        return -ENOMEM;
    }
    *b = (ict__backend_t){ops, 0, self};
    int rc = ops->open(self, a, &b->nworkers, err);
    if (rc) {
        free(self);             /* open cleans up after itself */
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void ict__backend_close(ict__backend_t *b)
{
    if (!b)
        return;
    if (b->ops->close)
        b->ops->close(b->self);
    free(b->self);
    free(b);
}
