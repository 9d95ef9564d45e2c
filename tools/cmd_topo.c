/* cmd_topo.c - `ictune topo`: the node's GPUs and the workers' plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ictune/topo.h"

static const char help[] =
    "usage: ictune topo [--xml FILE] [--workers N] [--share S] [--cpu-only]\n"
    "                   [--json]\n"
    "Print this node's GPUs (name, vendor, PCI bus id, runtime index, local\n"
    "CPUs, NUMA nodes) and, for N local workers, the plan: worker, GPU, bus\n"
    "id, CPU set, NUMA node and the environment its programs get. The\n"
    "topology comes from this machine, or an hwloc XML file (--xml or\n"
    "HWLOC_XMLFILE). --json prints the plan as one JSON array.\n"
    "CUDA_VISIBLE_DEVICES, when set (e.g. by Slurm), restricts the GPUs.\n";

int ict_cmd_topo(int argc, char **argv)
{
    const char *xml = NULL;
    int workers = 0, share = 1, cpu_only = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return ICT_EXIT_OK;
        } else if (!strcmp(a, "--xml") && more) {
            xml = argv[++i];
        } else if (!strcmp(a, "--workers") && more) {
            double v;
            if (ict_cli_number(a, argv[++i], 1, 4096, 1, &v))
                return ICT_EXIT_USAGE;
            workers = (int)v;
        } else if (!strcmp(a, "--share") && more) {
            double v;
            if (ict_cli_number(a, argv[++i], 1, 4096, 1, &v))
                return ICT_EXIT_USAGE;
            share = (int)v;
        } else if (!strcmp(a, "--cpu-only")) {
            cpu_only = 1;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else {
            return ict_cli_operand("topo", NULL, a, NULL, help);
        }
    }
    ict_topo_t *t;
    ict_error_t err;
    if (ict_topo_load(&t, xml, 0, &err)) {
        ict_cli_error("%s", err.text);
        return ICT_EXIT_FAILURE;
    }
    size_t n = ict_topo_ngpus(t);
    if (!workers)
        workers = n ? (int)n : 1;
    ict_bind_t *plan = calloc((size_t)workers, sizeof *plan);
    ict_plan_opts_t o = {workers, share, cpu_only, getenv("CUDA_VISIBLE_DEVICES")};
    int rc = plan ? ict_topo_plan(t, &o, plan, &err) : -1;
    if (!json) {
        printf("%zu GPU%s%s%s\n", n, n == 1 ? "" : "s", xml ? " in " : "",
               xml ? xml : "");
        for (size_t i = 0; i < n; i++) {
            const ict_gpu_t *g = ict_topo_gpu(t, i);
            printf("  gpu %zu: %s (%s), PCI %s, runtime index %d, CPUs %s, "
                   "NUMA %s%s%s%s\n", i, g->name, ict_topo_vendor_name(g->vendor),
                   g->pci_bus_id[0] ? g->pci_bus_id : "-", g->runtime_index,
                   g->cpuset, g->numa[0] ? g->numa : "-", g->osdevs[0] ? " [" : "",
                   g->osdevs, g->osdevs[0] ? "]" : "");
        }
    }
    if (rc) {
        ict_cli_error("%s", rc == -1 ? "out of memory" : err.text);
        free(plan);
        ict_topo_free(t);
        return ICT_EXIT_FAILURE;
    }
    if (json) {
        putchar('[');
        for (int w = 0; w < workers; w++) {
            const ict_bind_t *b = &plan[w];
            const ict_gpu_t *g = b->gpu >= 0 ? ict_topo_gpu(t, (size_t)b->gpu) : NULL;
            printf("%s{\"worker\":%d,\"gpu\":", w ? "," : "", b->worker);
            if (b->gpu >= 0)
                printf("%d", b->gpu);
            else
                printf("null");
            printf(",\"name\":");
            ict_cli_json_string(stdout, g ? g->name : "");
            printf(",\"pci_bus_id\":");
            ict_cli_json_string(stdout, g ? g->pci_bus_id : "");
            printf(",\"cpuset\":");
            ict_cli_json_string(stdout, b->cpuset);
            printf(",\"cpus\":");
            ict_cli_json_string(stdout, b->cpulist);
            printf(",\"numa\":");
            ict_cli_json_string(stdout, b->numa);
            printf(",\"env\":{");
            char env[256];
            snprintf(env, sizeof env, "%s", b->env);
            int first = 1;
            for (char *tok = strtok(env, " "); tok; tok = strtok(NULL, " ")) {
                char *eq = strchr(tok, '=');
                if (!eq)
                    continue;
                *eq = '\0';
                printf("%s", first ? "" : ",");
                ict_cli_json_string(stdout, tok);
                putchar(':');
                ict_cli_json_string(stdout, eq + 1);
                first = 0;
            }
            printf("},\"warning\":");
            ict_cli_json_string(stdout, b->warning);
            putchar('}');
        }
        printf("]\n");
    } else {
        printf("plan for %d worker%s%s:\n", workers, workers == 1 ? "" : "s",
               share > 1 ? " (GPUs shared)" : "");
        for (int w = 0; w < workers; w++) {
            const ict_bind_t *b = &plan[w];
            const ict_gpu_t *g = b->gpu >= 0 ? ict_topo_gpu(t, (size_t)b->gpu) : NULL;
            char gs[64] = "none";
            if (g)
                snprintf(gs, sizeof gs, "%d (%s)", b->gpu, g->pci_bus_id);
            printf("  worker %d: gpu %s, CPUs %s (%s), NUMA %s, env %s%s%s\n",
                   w, gs, b->cpulist, b->cpuset, b->numa[0] ? b->numa : "-",
                   b->env[0] ? b->env : "-", b->warning[0] ? "; warning: " : "",
                   b->warning);
        }
    }
    free(plan);
    ict_topo_free(t);
    return ICT_EXIT_OK;
}
