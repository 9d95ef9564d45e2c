/* placement.c - plan and apply a worker's binding from the node topology.
 * The node-local layout comes from MPI_Comm_split_type(SHARED): a worker's
 * number on its node is its local rank minus the non-worker ranks (the
 * master) before it, so `rank % gpus_per_node` mistakes cannot happen. */
#include "ictune/placement.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(const ict_topo_t *t, const ict_bind_t *b, ict_place_t *p)
{
    memset(p, 0, sizeof *p);
    if (b->gpu >= 0) {
        const ict_gpu_t *g = ict_topo_gpu(t, (size_t)b->gpu);
        snprintf(p->gpu, sizeof p->gpu, "%.60s %s", g->name, g->pci_bus_id);
    }
    snprintf(p->cpuset, sizeof p->cpuset, "%s", b->cpuset);
    snprintf(p->cpulist, sizeof p->cpulist, "%s", b->cpulist);
    snprintf(p->env, sizeof p->env, "%s", b->env);
    snprintf(p->warning, sizeof p->warning, "%s", b->warning);
}

/* Load this node's topology and plan `count` workers into b. */
static int plan(int count, int share, int cpu_only, ict_topo_t **t,
                ict_bind_t **b, ict_error_t *err)
{
    int rc = ict_topo_load(t, NULL, 0, err);
    if (rc)
        return rc;
    *b = calloc((size_t)count, sizeof **b);
    ict_plan_opts_t o = {count, share, cpu_only, getenv("CUDA_VISIBLE_DEVICES")};
    rc = *b ? ict_topo_plan(*t, &o, *b, err) : -ENOMEM;
    if (rc) {
        free(*b);
        ict_topo_free(*t);
    }
    return rc;
}

int ict_place_plan(int count, int share, int cpu_only, ict_place_t *out,
                   int *ngpus, ict_error_t *err)
{
    ict_topo_t *t;
    ict_bind_t *b;
    int rc = plan(count, share, cpu_only, &t, &b, err);
    if (rc)
        return rc;
    for (int i = 0; i < count; i++)
        fill(t, &b[i], &out[i]);
    if (ngpus)
        *ngpus = (int)ict_topo_ngpus(t);
    free(b);
    ict_topo_free(t);
    return 0;
}

int ict_place_self(int index, int count, int share, int cpu_only,
                   ict_place_t *out, ict_error_t *err)
{
    ict_topo_t *t;
    ict_bind_t *b;
    int rc = plan(count, share, cpu_only, &t, &b, err);
    if (rc)
        return rc;
    fill(t, &b[index], out);
    char w[256];
    if (ict_topo_bind(t, &b[index], w, sizeof w)) {
        size_t l = strlen(out->warning);
        snprintf(out->warning + l, sizeof out->warning - l, "%s%s",
                 l ? "; " : "", w);
    }
    free(b);
    ict_topo_free(t);
    return 0;
}

int ict_node_layout(int is_worker, int *index, int *count, ict_error_t *err)
{
    MPI_Comm node;
    int rc = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0,
                                 MPI_INFO_NULL, &node);
    if (rc != MPI_SUCCESS)
        return ict_errorf(err, -EIO, "MPI_Comm_split_type failed");
    int lrank, lsize;
    MPI_Comm_rank(node, &lrank);
    MPI_Comm_size(node, &lsize);
    int *flags = calloc((size_t)lsize, sizeof *flags);
    if (!flags) {
        MPI_Comm_free(&node);
        return -ENOMEM;
    }
    rc = MPI_Allgather(&is_worker, 1, MPI_INT, flags, 1, MPI_INT, node);
    *index = *count = 0;
    for (int i = 0; i < lsize; i++) {
        if (i < lrank && flags[i])
            (*index)++;
        *count += flags[i];
    }
    free(flags);
    MPI_Comm_free(&node);
    return rc == MPI_SUCCESS ? 0 : ict_errorf(err, -EIO, "MPI_Allgather failed");
}
