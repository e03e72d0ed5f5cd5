/* workers.c - worker processes and the -j option (see workers.h). */
#include "config.h"
#include "workers.h"
#include "parse.h"

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

long workers_default(void)
{
    /* The cores this process may run on (taskset, a container's cpuset),
     * as nproc counts them; else the online ones. */
    long n = 0;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n < 1)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : n;
}

bool workers_parse(const char *arg, long *jobs)
{
    return parse_int(arg, strlen(arg), 1, WORKERS_MAX, jobs) == PARSE_OK;
}

pid_t workers_fork(int deathsig)
{
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* A parent killed with -9 must not leave a worker running unwatched,
         * still writing files that nobody will rename or remove. */
        prctl(PR_SET_PDEATHSIG, deathsig);
        if (getppid() != parent)
            _exit(128 + deathsig);
    }
    return pid;
}
