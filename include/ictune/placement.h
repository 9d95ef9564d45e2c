/* placement.h - where a worker runs: its GPU, CPUs and memory on its node.
 * Wraps topo.h for the two back-ends: an MPI worker binds itself (its
 * programs inherit it); a local pool slot binds each program it starts. */
#ifndef ICTUNE_PLACEMENT_H
#define ICTUNE_PLACEMENT_H

#include "ictune/error.h"
#include "ictune/topo.h"

typedef struct ict_place {
    char gpu[96];               /* "name pci-bus-id", or "" (no GPU) */
    char cpuset[ICT_CPUSET_MAX]; /* hwloc bitmap string */
    char cpulist[ICT_CPUSET_MAX];
    char env[256];              /* "NAME=value NAME=value" for programs */
    char warning[512];          /* binding problems, or "" */
} ict_place_t;

/* Plan `count` workers of this node (this machine's topology, or
 * $HWLOC_XMLFILE) and fill out[0..count-1]. -ENODEV with a message when
 * the node has too few GPUs. A node without GPUs gets CPU-only workers. */
int ict_place_plan(int count, int share, int cpu_only, ict_place_t *out,
                   int *ngpus, ict_error_t *err);

/* Plan, then bind this process as worker `index` of `count`. */
int ict_place_self(int index, int count, int share, int cpu_only,
                   ict_place_t *out, ict_error_t *err);

/* This rank's place among the worker ranks of its node (MPI shared-memory
 * communicator); every rank must call it, the master too. */
int ict_node_layout(int is_worker, int *index, int *count, ict_error_t *err);

#endif
