/* bench_run.c - times `cbamcalc report` on a large file beside a bare libcsv
 * pass over the same file (best of three runs each) and reports peak memory.
 * Usage: bench_run FILE BARE_CSV CBAMCALC */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv with stdout to /dev/null; returns seconds, sets peak RSS (KiB). */
static double timed(char *const argv[], long *maxrss_kib)
{
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
    if (argc != 4) {
        fprintf(stderr, "usage: bench_run FILE BARE_CSV CBAMCALC\n");
        return 64;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0)
        return 66;
    char *bare[] = {argv[2], argv[1], NULL};
    char *ours[] = {argv[3], "report", "-q", "-e", argv[1], "--json", "bench-data/report.json", NULL};
    double best_bare = 1e30, best_ours = 1e30;
    long rss_bare = 0, rss_ours = 0, r;
    for (int i = 0; i < 3; i++) {
        double t = timed(bare, &r);
        if (t < best_bare) best_bare = t;
        if (r > rss_bare) rss_bare = r;
        t = timed(ours, &r);
        if (t < best_ours) best_ours = t;
        if (r > rss_ours) rss_ours = r;
    }
    double mb = (double)st.st_size / 1e6;
    printf("input: %s, %.1f MB\n", argv[1], mb);
    printf("%-34s %8.2f s  %7.1f MB/s  peak %6.1f MB\n", "bare libcsv pass", best_bare, mb / best_bare,
           (double)rss_bare / 1024.0);
    printf("%-34s %8.2f s  %7.1f MB/s  peak %6.1f MB\n", "cbamcalc report (ingest+calc+JSON)", best_ours,
           mb / best_ours, (double)rss_ours / 1024.0);
    printf("ratio cbamcalc / bare: %.2fx (target <= 1.5x); peak memory target < 64 MB\n",
           best_ours / best_bare);
    return 0;
}
