/* topo.h - the node's GPUs and how workers bind to them (hwloc).
 *
 * The topology is this machine's, or an hwloc XML file (--xml, or
 * HWLOC_XMLFILE), so everything here is testable without GPUs. GPUs are
 * found from hwloc's OS devices (cuda*, nvml*, rsmi*, opencl*, ze*, DRM
 * card*) grouped by their PCI device, and, where the hwloc build has no such
 * backend (Debian's has none for CUDA and NVML), from PCI devices of the
 * display or 3D class of NVIDIA, AMD and Intel; one PCI device is one GPU.
 * They are listed by vendor, then by the index the vendor runtime uses. */
#ifndef ICTUNE_TOPO_H
#define ICTUNE_TOPO_H

#include <stddef.h>

#include "ictune/error.h"

/* A CPU set as hwloc prints it: its bitmap of up to ~2,800 CPUs. */
#define ICT_CPUSET_MAX 1024

typedef enum ict_vendor {
    ICT_VENDOR_NVIDIA = 0,
    ICT_VENDOR_AMD = 1,
    ICT_VENDOR_INTEL = 2,
    ICT_VENDOR_OTHER = 3,
} ict_vendor_t;

typedef struct ict_gpu {
    char name[96];
    ict_vendor_t vendor;
    char pci_bus_id[16];        /* "0000:3b:00.0" */
    int runtime_index;          /* CUDA (PCI_BUS_ID order), ROCm SMI, ... */
    char cpuset[ICT_CPUSET_MAX]; /* hwloc bitmap string of the local CPUs */
    char numa[64];              /* NUMA node indexes, as a list "0" "2-3" */
    char osdevs[128];           /* hwloc's names for it: "cuda0,nvml0" */
} ict_gpu_t;

typedef struct ict_topo ict_topo_t;

/* xml NULL: this machine (or $HWLOC_XMLFILE). this_system: binding to an
 * XML topology really happens (its PUs must exist here). */
int ict_topo_load(ict_topo_t **out, const char *xml, int this_system,
                  ict_error_t *err);
void ict_topo_free(ict_topo_t *t);
size_t ict_topo_ngpus(const ict_topo_t *t);
const ict_gpu_t *ict_topo_gpu(const ict_topo_t *t, size_t i);
const char *ict_topo_vendor_name(ict_vendor_t v);

/* One worker's binding. */
typedef struct ict_bind {
    int worker;                 /* 0-based among the node's workers */
    int gpu;                    /* index into the GPU list, -1: none */
    char cpuset[ICT_CPUSET_MAX]; /* hwloc bitmap string */
    char cpulist[ICT_CPUSET_MAX];          /* the same as a list, e.g. "0-3,8" */
    char numa[64];
    char env[256];              /* "NAME=value NAME=value" */
    char warning[256];          /* why the plan is not ideal, or "" */
} ict_bind_t;

typedef struct ict_plan_opts {
    int workers;                /* workers on this node */
    int share;                  /* workers per GPU allowed (>= 1) */
    int cpu_only;               /* gpus: none */
    /* The launcher's own restriction (e.g. Slurm's CUDA_VISIBLE_DEVICES):
     * the runtime indexes allowed, comma-separated; NULL: all. */
    const char *visible;
} ict_plan_opts_t;

/* Plan the node's workers: GPU k of the visible list for worker k (modulo
 * the GPUs when sharing), the GPU's local CPUs divided among the workers
 * that share that locality, its NUMA node(s), and the variables naming
 * just its GPU. -ENODEV with a message when there are more workers than
 * GPUs x share. out has room for opts->workers entries. */
int ict_topo_plan(const ict_topo_t *t, const ict_plan_opts_t *o,
                  ict_bind_t *out, ict_error_t *err);

/* Bind this process (and so what it forks) to b: CPUs and, where hwloc
 * allows it, memory. Failures are returned as a warning text, not fatal:
 * returns 0 when all was applied, 1 with warning filled otherwise. */
int ict_topo_bind(const ict_topo_t *t, const ict_bind_t *b, char *warning,
                  size_t size);

#endif
