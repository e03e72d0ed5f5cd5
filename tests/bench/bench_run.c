/* bench_run.c - times `cbamcalc report` on large files beside a bare libcsv
 * pass over each (runs alternate, best of BENCH_RUNS each) and reports peak
 * memory: the ingest half of `make bench` (README "Speed").
 * Usage: bench_run BARE_CSV CBAMCALC LABEL=FILE... */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BENCH_RUNS  5
#define RATIO_GOAL  1.2  /* cbamcalc / bare libcsv, issue 12 */
#define MEMORY_GOAL 32.0 /* MB */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout to /dev/null; returns seconds, sets peak RSS (KiB). */
static double timed(char *const argv[], long *maxrss_kib)
{
    fflush(stdout); /* else the child's freopen writes our buffer again */
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    double t = now() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s failed (status %d)\n", argv[0], status);
        exit(1);
    }
    *maxrss_kib = ru.ru_maxrss;
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_run BARE_CSV CBAMCALC LABEL=FILE...\n");
        return 64;
    }
    printf("%-34s %8s %8s %7s %9s %9s\n", "input", "MB", "bare s", "ours s", "ratio", "peak MB");
    int missed = 0;
    for (int k = 3; k < argc; k++) {
        char label[64];
        const char *eq = strchr(argv[k], '=');
        const char *file = eq ? eq + 1 : argv[k];
        snprintf(label, sizeof label, "%.*s", eq ? (int)(eq - argv[k]) : 0, argv[k]);
        struct stat st;
        if (stat(file, &st) != 0) {
            fprintf(stderr, "bench: %s: cannot stat\n", file);
            return 66;
        }
        char *bare[] = {argv[1], (char *)file, NULL};
        char *ours[] = {argv[2], "report", "-q", "-e", (char *)file, "--json", "bench-data/report.json", NULL};
        double best_bare = 1e30, best_ours = 1e30;
        long rss_ours = 0, r;
        for (int i = 0; i < BENCH_RUNS; i++) {
            double t = timed(bare, &r);
            if (t < best_bare)
                best_bare = t;
            t = timed(ours, &r);
            if (t < best_ours)
                best_ours = t;
            if (r > rss_ours)
                rss_ours = r;
        }
        double ratio = best_ours / best_bare, mb = (double)rss_ours / 1024.0;
        missed += ratio > RATIO_GOAL || mb > MEMORY_GOAL;
        printf("%-34s %8.1f %8.2f %7.2f %8.2fx %9.1f\n", label[0] ? label : file, (double)st.st_size / 1e6,
               best_bare, best_ours, ratio, mb);
    }
    printf("best of %d alternating runs; goals: ratio <= %.1fx, peak <= %.0f MB (%s)\n", BENCH_RUNS, RATIO_GOAL,
           MEMORY_GOAL, missed ? "missed on this run" : "met");
    return 0;
}
