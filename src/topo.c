/* topo.c - GPU discovery, worker placement and binding with hwloc.
 *
 * The I/O filter must keep "important" devices, or hwloc drops the PCI and
 * OS devices (also from XML). A topology from XML binds nothing unless it
 * is marked as this system: hwloc_set_cpubind then returns 0 and does
 * nothing, so ict_topo_bind() checks and says so instead of failing
 * silently. */
#include "ictune/topo.h"

#include <errno.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ict_topo {
    hwloc_topology_t h;
    ict_gpu_t *gpus;
    hwloc_obj_t *keys;          /* the PCI device (or OS device) of each */
    size_t n, cap;
};

static const char *const vendor_names[] = {"NVIDIA", "AMD", "Intel", "other"};

const char *ict_topo_vendor_name(ict_vendor_t v)
{
    return (unsigned)v < 4 ? vendor_names[v] : "other";
}

static ict_vendor_t vendor_of_pci(unsigned id)
{
    switch (id) {
    case 0x10de: return ICT_VENDOR_NVIDIA;
    case 0x1002: return ICT_VENDOR_AMD;
    case 0x8086: return ICT_VENDOR_INTEL;
    default: return ICT_VENDOR_OTHER;
    }
}

/* The OS device names that stand for a GPU, and the vendor they imply. */
static int gpu_osdev(const char *name, ict_vendor_t *v, int *rsmi)
{
    *rsmi = -1;
    if (!strncmp(name, "cuda", 4) || !strncmp(name, "nvml", 4)) {
        *v = ICT_VENDOR_NVIDIA;
        return 1;
    }
    if (!strncmp(name, "rsmi", 4)) {
        *v = ICT_VENDOR_AMD;
        *rsmi = atoi(name + 4);
        return 1;
    }
    if (!strncmp(name, "ze", 2)) {
        *v = ICT_VENDOR_INTEL;
        return 1;
    }
    if (!strncmp(name, "opencl", 6) ||
        (!strncmp(name, "card", 4) && name[4] >= '0' && name[4] <= '9')) {
        *v = ICT_VENDOR_OTHER;          /* the PCI vendor decides */
        return 1;
    }
    return 0;
}

static hwloc_obj_t pci_of(hwloc_obj_t o)
{
    for (; o; o = o->parent)
        if (o->type == HWLOC_OBJ_PCI_DEVICE)
            return o;
    return NULL;
}

static ict_gpu_t *entry(ict_topo_t *t, hwloc_obj_t key)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->keys[i] == key)
            return &t->gpus[i];
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        ict_gpu_t *g = realloc(t->gpus, cap * sizeof *g);
        if (g)
            t->gpus = g;
        hwloc_obj_t *k = realloc(t->keys, cap * sizeof *k);
        if (k)
            t->keys = k;
        if (!g || !k)
            return NULL;
        t->cap = cap;
    }
    ict_gpu_t *g = &t->gpus[t->n];
    memset(g, 0, sizeof *g);
    g->runtime_index = -1;
    g->vendor = ICT_VENDOR_OTHER;
    t->keys[t->n++] = key;
    return g;
}

static void fill_pci(ict_gpu_t *g, hwloc_obj_t pci)
{
    if (!pci)
        return;
    struct hwloc_pcidev_attr_s *p = &pci->attr->pcidev;
    snprintf(g->pci_bus_id, sizeof g->pci_bus_id, "%04x:%02x:%02x.%01x",
             (unsigned)p->domain, p->bus, p->dev, p->func);
    ict_vendor_t v = vendor_of_pci(p->vendor_id);
    if (v != ICT_VENDOR_OTHER)
        g->vendor = v;
    if (!g->name[0]) {
        const char *dn = hwloc_obj_get_info_by_name(pci, "PCIDevice");
        if (dn)
            snprintf(g->name, sizeof g->name, "%s", dn);
        else
            snprintf(g->name, sizeof g->name, "%s GPU [%04x:%04x]",
                     vendor_names[g->vendor], p->vendor_id, p->device_id);
    }
}

static int is_gpu_pci(hwloc_obj_t o)
{
    unsigned cls = o->attr->pcidev.class_id, v = o->attr->pcidev.vendor_id;
    if (cls != 0x0300 && cls != 0x0302 && cls != 0x0380)
        return 0;
    if (v == 0x10de || v == 0x1002)
        return 1;
    return v == 0x8086 && cls != 0x0300;   /* not integrated graphics */
}

static int by_bus(const void *a, const void *b)
{
    return strcmp(((const ict_gpu_t *)a)->pci_bus_id, ((const ict_gpu_t *)b)->pci_bus_id);
}

static int by_vendor_index(const void *a, const void *b)
{
    const ict_gpu_t *x = a, *y = b;
    if (x->vendor != y->vendor)
        return (int)x->vendor - (int)y->vendor;
    if (x->runtime_index != y->runtime_index)
        return x->runtime_index - y->runtime_index;
    return strcmp(x->pci_bus_id, y->pci_bus_id);
}

static int discover(ict_topo_t *t)
{
    /* OS devices first: they carry the model name and the ROCm index */
    for (hwloc_obj_t o = NULL; (o = hwloc_get_next_osdev(t->h, o));) {
        ict_vendor_t v;
        int rsmi;
        if (!o->name || !gpu_osdev(o->name, &v, &rsmi))
            continue;
        hwloc_obj_t pci = pci_of(o);
        if (!pci && (!strncmp(o->name, "opencl", 6) || !strncmp(o->name, "card", 4)))
            continue;                   /* not tied to a device: skip */
        ict_gpu_t *g = entry(t, pci ? pci : o);
        if (!g)
            return -ENOMEM;
        if (v != ICT_VENDOR_OTHER)
            g->vendor = v;
        if (rsmi >= 0)
            g->runtime_index = rsmi;
        const char *model = hwloc_obj_get_info_by_name(o, "GPUModel");
        if (model && !g->name[0])
            snprintf(g->name, sizeof g->name, "%s", model);
        size_t l = strlen(g->osdevs);
        snprintf(g->osdevs + l, sizeof g->osdevs - l, "%s%s", l ? "," : "", o->name);
        fill_pci(g, pci);
    }
    /* then PCI devices of a GPU class that no OS device reported */
    for (hwloc_obj_t o = NULL; (o = hwloc_get_next_pcidev(t->h, o));) {
        if (!is_gpu_pci(o))
            continue;
        ict_gpu_t *g = entry(t, o);
        if (!g)
            return -ENOMEM;
        fill_pci(g, o);
    }
    /* runtime indexes: CUDA in PCI bus order (CUDA_DEVICE_ORDER=PCI_BUS_ID),
     * ROCm SMI's own where hwloc reports it, else PCI order per vendor */
    if (t->n > 1)
        qsort(t->gpus, t->n, sizeof *t->gpus, by_bus);
    int next[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < t->n; i++) {
        ict_gpu_t *g = &t->gpus[i];
        if (g->vendor == ICT_VENDOR_AMD && g->runtime_index >= 0)
            continue;
        g->runtime_index = next[g->vendor]++;
    }
    if (t->n > 1)
        qsort(t->gpus, t->n, sizeof *t->gpus, by_vendor_index);
    /* locality, once the order is final (keys were sorted away: recompute) */
    for (size_t i = 0; i < t->n; i++) {
        ict_gpu_t *g = &t->gpus[i];
        hwloc_obj_t anc = NULL;
        if (g->pci_bus_id[0])
            anc = hwloc_get_pcidev_by_busidstring(t->h, g->pci_bus_id);
        if (!anc && g->osdevs[0]) {
            char first[32];
            snprintf(first, sizeof first, "%.*s", (int)strcspn(g->osdevs, ","), g->osdevs);
            for (hwloc_obj_t o = NULL; (o = hwloc_get_next_osdev(t->h, o));)
                if (o->name && !strcmp(o->name, first))
                    anc = o;
        }
        anc = anc ? hwloc_get_non_io_ancestor_obj(t->h, anc)
                  : hwloc_get_root_obj(t->h);
        hwloc_bitmap_snprintf(g->cpuset, sizeof g->cpuset, anc->cpuset);
        hwloc_bitmap_list_snprintf(g->numa, sizeof g->numa, anc->nodeset);
    }
    return 0;
}

int ict_topo_load(ict_topo_t **out, const char *xml, int this_system,
                  ict_error_t *err)
{
    ict_topo_t *t = calloc(1, sizeof *t);
    if (!t)
        return -ENOMEM;
    if (hwloc_topology_init(&t->h)) {
        free(t);
        return ict_errorf(err, -ENOMEM, "hwloc_topology_init failed");
    }
    hwloc_topology_set_io_types_filter(t->h, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (xml && hwloc_topology_set_xml(t->h, xml)) {
        int e = errno;
        ict_topo_free(t);
        return ict_errorf(err, -EINVAL, "%s: hwloc cannot read this XML "
                          "topology: %s", xml, strerror(e));
    }
    if (this_system)
        hwloc_topology_set_flags(t->h, HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM);
    if (hwloc_topology_load(t->h)) {
        int e = errno;
        ict_topo_free(t);
        return ict_errorf(err, -EINVAL, "%s: hwloc cannot load the topology: %s",
                          xml ? xml : "this machine", strerror(e));
    }
    int rc = discover(t);
    if (rc) {
        ict_topo_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

void ict_topo_free(ict_topo_t *t)
{
    if (!t)
        return;
    hwloc_topology_destroy(t->h);
    free(t->gpus);
    free(t->keys);
    free(t);
}

size_t ict_topo_ngpus(const ict_topo_t *t) { return t->n; }
const ict_gpu_t *ict_topo_gpu(const ict_topo_t *t, size_t i) { return &t->gpus[i]; }

/* Split cpuset `set` into k non-overlapping parts by cores, or PUs; part j
 * into out. 1 when parts had to overlap (more parts than PUs). */
static int split(hwloc_topology_t h, hwloc_const_cpuset_t set, int k, int j,
                 hwloc_cpuset_t out)
{
    hwloc_bitmap_zero(out);
    hwloc_obj_type_t types[2] = {HWLOC_OBJ_CORE, HWLOC_OBJ_PU};
    for (int ti = 0; ti < 2; ti++) {
        int n = hwloc_get_nbobjs_inside_cpuset_by_type(h, set, types[ti]);
        if (n <= 0 || (n < k && ti == 0))
            continue;
        if (n < k) {                    /* more workers than PUs */
            hwloc_obj_t o = hwloc_get_obj_inside_cpuset_by_type(h, set, types[ti], (unsigned)(j % n));
            hwloc_bitmap_copy(out, o->cpuset);
            return 1;
        }
        int from = (int)((long)j * n / k), to = (int)((long)(j + 1) * n / k);
        for (int i = from; i < to; i++) {
            hwloc_obj_t o = hwloc_get_obj_inside_cpuset_by_type(h, set, types[ti], (unsigned)i);
            hwloc_bitmap_or(out, out, o->cpuset);
        }
        hwloc_bitmap_and(out, out, set);
        return 0;
    }
    hwloc_bitmap_copy(out, set);
    return k > 1;
}

int ict_topo_plan(const ict_topo_t *t, const ict_plan_opts_t *o,
                  ict_bind_t *out, ict_error_t *err)
{
    int N = o->workers, share = o->share > 0 ? o->share : 1;
    if (N < 1)
        return ict_errorf(err, -EINVAL, "no workers to place");
    int *vis = calloc(t->n + 1, sizeof *vis), G = 0;
    if (!vis)
        return -ENOMEM;
    char note[256] = "";
    if (!o->cpu_only) {
        if (o->visible) {
            /* the launcher's restriction: only those, in its order */
            const char *p = o->visible;
            while (*p) {
                char *end;
                long idx = strtol(p, &end, 10);
                if (end == p) {
                    snprintf(note, sizeof note, "cannot map CUDA_VISIBLE_DEVICES "
                             "entry '%.40s' to a GPU: left as the launcher set it", p);
                    G = -1;
                    break;
                }
                /* an id listed twice is one GPU, used once */
                for (size_t i = 0; i < t->n; i++) {
                    int dup = 0;
                    for (int g = 0; g < G && !dup; g++)
                        dup = vis[g] == (int)i;
                    if (!dup && G < (int)t->n &&
                        t->gpus[i].vendor == t->gpus[0].vendor &&
                        t->gpus[i].runtime_index == idx)
                        vis[G++] = (int)i;
                }
                p = end + strspn(end, ", ");
            }
        } else {
            for (size_t i = 0; i < t->n; i++)
                vis[G++] = (int)i;
        }
    }
    if (G > 0 && N > G * share) {
        free(vis);
        return ict_errorf(err, -ENODEV, "%d workers on this node but %d GPU%s "
                          "%s: ask for at most %d worker ranks per node, or "
                          "allow sharing with gpus: {per_worker: 1, share: %d}",
                          N, G, G == 1 ? "" : "s",
                          share > 1 ? "shared by at most that many" : "to give "
                          "each its own", G * share, (N + G - 1) / G);
    }
    hwloc_cpuset_t part = hwloc_bitmap_alloc(), loc = hwloc_bitmap_alloc();
    for (int w = 0; w < N; w++) {
        ict_bind_t *b = &out[w];
        memset(b, 0, sizeof *b);
        b->worker = w;
        b->gpu = G > 0 ? vis[w % G] : -1;
        snprintf(b->warning, sizeof b->warning, "%s", note);
        /* the workers that share this worker's locality */
        int k = 0, j = 0;
        const char *mine = b->gpu >= 0 ? t->gpus[b->gpu].cpuset : "";
        for (int v = 0; v < N; v++) {
            const char *theirs = G > 0 ? t->gpus[vis[v % G]].cpuset : "";
            if (!strcmp(theirs, mine)) {
                if (v < w)
                    j++;
                k++;
            }
        }
        if (b->gpu >= 0)
            hwloc_bitmap_sscanf(loc, mine);
        else
            hwloc_bitmap_copy(loc, hwloc_topology_get_allowed_cpuset(t->h));
        if (split(t->h, loc, k, j, part) && !b->warning[0])
            snprintf(b->warning, sizeof b->warning, "%d workers share the %d "
                     "PU(s) near %s: their CPUs overlap", k,
                     hwloc_get_nbobjs_inside_cpuset_by_type(t->h, loc, HWLOC_OBJ_PU),
                     b->gpu >= 0 ? "their GPUs" : "them");
        hwloc_bitmap_snprintf(b->cpuset, sizeof b->cpuset, part);
        hwloc_bitmap_list_snprintf(b->cpulist, sizeof b->cpulist, part);
        if (b->gpu >= 0) {
            const ict_gpu_t *g = &t->gpus[b->gpu];
            snprintf(b->numa, sizeof b->numa, "%s", g->numa);
            switch (g->vendor) {
            case ICT_VENDOR_NVIDIA:
                snprintf(b->env, sizeof b->env, "CUDA_VISIBLE_DEVICES=%d "
                         "CUDA_DEVICE_ORDER=PCI_BUS_ID", g->runtime_index);
                break;
            case ICT_VENDOR_AMD:
                snprintf(b->env, sizeof b->env, "ROCR_VISIBLE_DEVICES=%d",
                         g->runtime_index);
                break;
            case ICT_VENDOR_INTEL:
                snprintf(b->env, sizeof b->env, "ZE_AFFINITY_MASK=%d",
                         g->runtime_index);
                break;
            default:
                break;
            }
        } else {
            hwloc_nodeset_t ns = hwloc_bitmap_alloc();
            hwloc_cpuset_to_nodeset(t->h, part, ns);
            hwloc_bitmap_list_snprintf(b->numa, sizeof b->numa, ns);
            hwloc_bitmap_free(ns);
        }
    }
    hwloc_bitmap_free(part);
    hwloc_bitmap_free(loc);
    free(vis);
    return 0;
}

int ict_topo_bind(const ict_topo_t *t, const ict_bind_t *b, char *warning,
                  size_t size)
{
    warning[0] = '\0';
    if (!hwloc_topology_is_thissystem(t->h)) {
        snprintf(warning, size, "the topology is an XML file not marked as "
                 "this system (HWLOC_THISSYSTEM=1): not bound");
        return 1;
    }
    int bad = 0;
    hwloc_cpuset_t set = hwloc_bitmap_alloc();
    hwloc_bitmap_sscanf(set, b->cpuset);
    if (hwloc_set_cpubind(t->h, set, HWLOC_CPUBIND_PROCESS)) {
        snprintf(warning, size, "cannot bind to CPUs %s: %s", b->cpulist,
                 strerror(errno));
        bad = 1;
    }
    hwloc_bitmap_free(set);
    if (b->numa[0]) {
        hwloc_nodeset_t ns = hwloc_bitmap_alloc();
        hwloc_bitmap_list_sscanf(ns, b->numa);
        /* a system without memory binding (ENOSYS: no NUMA policy in
         * this kernel or container) is not worth a warning per worker */
        if (hwloc_set_membind(t->h, ns, HWLOC_MEMBIND_BIND,
                              HWLOC_MEMBIND_PROCESS | HWLOC_MEMBIND_BYNODESET) &&
            errno != ENOSYS) {
            size_t l = strlen(warning);
            snprintf(warning + l, size - l, "%smemory not bound to NUMA node %s: %s",
                     l ? "; " : "", b->numa, strerror(errno));
            bad = 1;
        }
        hwloc_bitmap_free(ns);
    }
    return bad;
}
