/* workers.h - worker processes: the -j/--jobs option of `report --split` and
 * `batch`, and forking a child that does not outlive its parent.
 *
 * Ownership: nothing is kept.
 */
#ifndef CBAM_WORKERS_H
#define CBAM_WORKERS_H

#include <stdbool.h>
#include <sys/types.h>

#define WORKERS_MAX 256

/* The default for -j: the cores this process may run on, as nproc counts
 * them (else the online ones); at least 1, at most WORKERS_MAX. */
long workers_default(void);

/* Parses a -j value: a whole number from 1 to WORKERS_MAX; false for
 * anything else (0, negative, garbage, too large). */
bool workers_parse(const char *arg, long *jobs);

/* fork() after flushing stdout and stderr (a child never writes the parent's
 * buffered text twice). The child, which gets 0, gets deathsig when its
 * parent ends, even by SIGKILL (SIGTERM: its handler removes the temporaries;
 * SIGKILL: it just goes), and ends at once if the parent is already gone.
 * -1 (errno set) when no process could be made. */
pid_t workers_fork(int deathsig);

#endif
