/* test_topo.c - GPUs and worker plans on real GPU-node topologies (hwloc
 * XML from mpibind and hwloc's tests): the GPU order, each GPU's CPU set
 * and NUMA node, for 1 to 16 workers no two workers sharing a GPU or a core
 * unless sharing was asked for, the error when GPUs are too few, and a
 * launcher's CUDA_VISIBLE_DEVICES respected, never widened. */
#include <errno.h>
#include <hwloc.h>

#include "ictune/topo.h"
#include "test.h"

static ict_topo_t *load(const char *f)
{
    ict_topo_t *t;
    ict_error_t e;
    char p[256];
    snprintf(p, sizeof p, "data/topo/%s", f);
    int rc = ict_topo_load(&t, p, 0, &e);
    if (rc)
        fprintf(stderr, "%s\n", e.text);
    CHECK_EQ(rc, 0);
    return t;
}

/* plan n workers; check GPUs and cores are not shared (unless allowed) */
static int plan_check(ict_topo_t *t, int n, int share, const char *visible,
                      ict_bind_t *b, int overlap_ok)
{
    ict_error_t e;
    ict_plan_opts_t o = {n, share, 0, visible};
    int rc = ict_topo_plan(t, &o, b, &e);
    if (rc)
        return rc;
    int uses[64] = {0};
    hwloc_bitmap_t x = hwloc_bitmap_alloc(), y = hwloc_bitmap_alloc();
    for (int i = 0; i < n; i++) {
        CHECK_EQ(b[i].worker, i);
        if (b[i].gpu >= 0)
            uses[b[i].gpu]++;
        hwloc_bitmap_sscanf(x, b[i].cpuset);
        CHECK(!hwloc_bitmap_iszero(x));
        if (b[i].gpu >= 0) {
            /* inside the GPU's locality */
            hwloc_bitmap_sscanf(y, ict_topo_gpu(t, (size_t)b[i].gpu)->cpuset);
            CHECK(hwloc_bitmap_isincluded(x, y));
            CHECK_STR(b[i].numa, ict_topo_gpu(t, (size_t)b[i].gpu)->numa);
        }
        for (int j = 0; j < i && !overlap_ok; j++) {
            hwloc_bitmap_sscanf(y, b[j].cpuset);
            if (hwloc_bitmap_intersects(x, y))
                fprintf(stderr, "workers %d and %d overlap: %s %s\n", i, j,
                        b[i].cpuset, b[j].cpuset);
            CHECK(!hwloc_bitmap_intersects(x, y));
        }
    }
    for (int g = 0; g < 64; g++)
        CHECK(uses[g] <= share);
    hwloc_bitmap_free(x);
    hwloc_bitmap_free(y);
    return 0;
}

int main(void)
{
    ict_bind_t b[32];
    ict_error_t e;
    ict_plan_opts_t o;

    /* AWS g4dn.metal: 8 T4, 0-3 on socket 0, 4-7 on socket 1 */
    ict_topo_t *t = load("mpibind/g4dnmetal.xml");
    CHECK_EQ(ict_topo_ngpus(t), 8);
    for (size_t i = 0; i < 8; i++) {
        const ict_gpu_t *g = ict_topo_gpu(t, i);
        CHECK_EQ(g->vendor, ICT_VENDOR_NVIDIA);
        CHECK_EQ(g->runtime_index, (int)i);
        CHECK_STR(g->name, "Tesla T4");
        CHECK_STR(g->numa, i < 4 ? "0" : "1");
        if (i)      /* PCI bus order */
            CHECK(strcmp(ict_topo_gpu(t, i - 1)->pci_bus_id, g->pci_bus_id) < 0);
    }
    CHECK_STR(ict_topo_gpu(t, 0)->pci_bus_id, "0000:18:00.0");
    CHECK_STR(ict_topo_gpu(t, 0)->cpuset, ict_topo_gpu(t, 3)->cpuset);
    CHECK(strcmp(ict_topo_gpu(t, 0)->cpuset, ict_topo_gpu(t, 4)->cpuset));
    for (int n = 1; n <= 16; n++) {
        int rc = plan_check(t, n, 1, NULL, b, 0);
        if (n <= 8) {
            CHECK_EQ(rc, 0);
            for (int i = 0; i < n; i++) {
                CHECK_EQ(b[i].gpu, i);
                char want[64];
                snprintf(want, sizeof want, "CUDA_VISIBLE_DEVICES=%d CUDA_DEVICE_ORDER=PCI_BUS_ID", i);
                CHECK_STR(b[i].env, want);
                CHECK_STR(b[i].warning, "");
            }
        } else {
            CHECK_EQ(rc, -ENODEV);           /* too few GPUs */
            o = (ict_plan_opts_t){n, 1, 0, NULL};
            ict_topo_plan(t, &o, b, &e);
            CHECK_CONTAINS(e.text, "workers on this node but 8 GPUs");
            CHECK_CONTAINS(e.text, "share: 2");
            CHECK_EQ(plan_check(t, n, 2, NULL, b, 0), 0);   /* sharing */
        }
    }
    /* 4 workers on socket 0's 24 cores + 24 PUs... 6 cores each */
    CHECK_EQ(plan_check(t, 8, 1, NULL, b, 0), 0);
    CHECK_STR(b[0].cpulist, "0-5,48-53");
    /* the launcher restricted the GPUs: only those, in its order */
    CHECK_EQ(plan_check(t, 2, 1, "5,2", b, 0), 0);
    CHECK_EQ(ict_topo_gpu(t, (size_t)b[0].gpu)->runtime_index, 5);
    CHECK_EQ(ict_topo_gpu(t, (size_t)b[1].gpu)->runtime_index, 2);
    CHECK_CONTAINS(b[0].env, "CUDA_VISIBLE_DEVICES=5 ");
    CHECK_EQ(plan_check(t, 3, 1, "5,2", b, 0), -ENODEV);   /* never widened */
    o = (ict_plan_opts_t){4, 1, 1, NULL};                  /* gpus: none */
    CHECK_EQ(ict_topo_plan(t, &o, b, &e), 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(b[i].gpu, -1);
        CHECK_STR(b[i].env, "");
    }
    ict_topo_free(t);

    /* Lassen: 4 V100 on POWER9 SMT4; 0,1 on NUMA 0 and 2,3 on NUMA 8 */
    t = load("mpibind/coral-lassen.xml");
    CHECK_EQ(ict_topo_ngpus(t), 4);
    const char *numa_l[] = {"0", "0", "8", "8"};
    for (size_t i = 0; i < 4; i++) {
        CHECK_STR(ict_topo_gpu(t, i)->numa, numa_l[i]);
        CHECK_CONTAINS(ict_topo_gpu(t, i)->name, "V100");
    }
    for (int n = 1; n <= 4; n++)
        CHECK_EQ(plan_check(t, n, 1, NULL, b, 0), 0);
    CHECK_EQ(plan_check(t, 5, 1, NULL, b, 0), -ENODEV);
    CHECK_EQ(plan_check(t, 8, 2, NULL, b, 0), 0);
    ict_topo_free(t);

    /* Pascal: 2 P100, both on socket 0: the workers split socket 0 */
    t = load("mpibind/cts1-pascal.xml");
    CHECK_EQ(ict_topo_ngpus(t), 2);
    CHECK_STR(ict_topo_gpu(t, 0)->cpuset, ict_topo_gpu(t, 1)->cpuset);
    CHECK_EQ(plan_check(t, 2, 1, NULL, b, 0), 0);
    CHECK_STR(b[0].cpulist, "0-8,36-44");
    /* an id the launcher lists twice is one GPU (this overflowed a heap
     * buffer of 3 entries with 8 repeats: AddressSanitizer's unit run) */
    CHECK_EQ(plan_check(t, 1, 1, "0,0,0,0,0,0,0,0", b, 0), 0);
    CHECK_EQ(ict_topo_gpu(t, (size_t)b[0].gpu)->runtime_index, 0);
    CHECK_EQ(plan_check(t, 2, 1, "1,1,1,1,1,1,1,1", b, 0), -ENODEV);
    CHECK_STR(b[1].cpulist, "9-17,45-53");
    for (int n = 1; n <= 16; n++)
        CHECK_EQ(plan_check(t, n, 8, NULL, b, 0), 0);  /* shared: no core twice */
    ict_topo_free(t);

    /* Corona: 8 AMD MI50; ROCm SMI index, ROCR_VISIBLE_DEVICES */
    t = load("mpibind/epyc-corona-p2.xml");
    CHECK_EQ(ict_topo_ngpus(t), 8);
    for (size_t i = 0; i < 8; i++) {
        const ict_gpu_t *g = ict_topo_gpu(t, i);
        CHECK_EQ(g->vendor, ICT_VENDOR_AMD);
        CHECK_EQ(g->runtime_index, (int)i);
        char osd[16];
        snprintf(osd, sizeof osd, "rsmi%zu", i);
        CHECK_CONTAINS(g->osdevs, osd);
        CHECK_STR(g->numa, i < 4 ? "0" : "1");
    }
    CHECK_STR(ict_topo_gpu(t, 0)->pci_bus_id, "0000:63:00.0");  /* not PCI order */
    for (int n = 1; n <= 8; n++)
        CHECK_EQ(plan_check(t, n, 1, NULL, b, 0), 0);
    CHECK_STR(b[3].env, "ROCR_VISIBLE_DEVICES=3");
    ict_topo_free(t);

    /* DGX-2: 16 V100 on 4 PUs: GPUs never shared, cores must be */
    t = load("hwloc/nvidiaDGX2.xml");
    CHECK_EQ(ict_topo_ngpus(t), 16);
    for (size_t i = 0; i < 16; i++)
        CHECK_STR(ict_topo_gpu(t, i)->numa, i < 8 ? "0" : "1");
    for (int n = 1; n <= 16; n++) {
        CHECK_EQ(plan_check(t, n, 1, NULL, b, n > 2), 0);  /* 8 GPUs, 2 PUs */
        for (int i = 0; i < n; i++)
            CHECK_EQ(b[i].gpu, i);
    }
    CHECK_CONTAINS(b[0].warning, "8 workers share the 2 PU(s)");
    CHECK_EQ(plan_check(t, 17, 1, NULL, b, 1), -ENODEV);
    ict_topo_free(t);

    /* mixed vendors, GPUs found through PCI class as well as OS devices,
     * each counted once */
    t = load("hwloc/32em64t-2n8c2t-pci-normalio.xml");
    int nv = 0, amd = 0;
    for (size_t i = 0; i < ict_topo_ngpus(t); i++) {
        nv += ict_topo_gpu(t, i)->vendor == ICT_VENDOR_NVIDIA;
        amd += ict_topo_gpu(t, i)->vendor == ICT_VENDOR_AMD;
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(ict_topo_gpu(t, i)->pci_bus_id, ict_topo_gpu(t, j)->pci_bus_id));
    }
    CHECK_EQ(amd, 1);
    CHECK_EQ(nv, 3);
    ict_topo_free(t);

    /* an XML not marked as this system: binding is refused with a reason */
    t = load("gpu2-thissystem.xml");
    CHECK_EQ(plan_check(t, 2, 1, NULL, b, 0), 0);
    char w[256];
    CHECK_EQ(ict_topo_bind(t, &b[0], w, sizeof w), 1);
    CHECK_CONTAINS(w, "not marked as this system");
    ict_topo_free(t);

    /* a broken file */
    CHECK(ict_topo_load(&t, "data/topo/README.md", 0, &e) < 0);
    CHECK_CONTAINS(e.text, "README.md");
    TEST_DONE();
}
