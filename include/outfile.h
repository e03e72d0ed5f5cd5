/* outfile.h - writing output files so that they are either complete or absent.
 *
 * Output goes to a temporary file in the target's directory, which is
 * renamed over the target only once everything was written, flushed and
 * synced. A failure (or a data error found late) leaves any earlier report
 * intact and no temporary file behind. Several outputs of one run are
 * committed together (outfile_commit_all): all are replaced or none is.
 *
 * Targets: "-" is standard output; a name that exists must be a regular
 * file, or a symbolic link to one (then the file it points to is replaced,
 * in its own directory, and the link stays); devices, directories, FIFOs,
 * sockets and dangling links are refused, so `--json /dev/null` as root never
 * replaces the device. Names with control characters (a newline, a tab) are
 * refused as usage errors: they are almost always a script's mistake.
 *
 * Ownership: an outfile owns its paths and stream until commit or abort.
 */
#ifndef CBAM_OUTFILE_H
#define CBAM_OUTFILE_H

#include "cbam_error.h"
#include "diag.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct outfile {
    char *path;     /* the name as given (for messages) */
    char *target;   /* what is replaced: path, or the regular file a link to it points to */
    char *tmp_path; /* where the content is written */
    char *backup;   /* during outfile_commit_all: the previous content, for a rollback */
    FILE *fp;       /* open on tmp_path (NULL once closed, or for writers that open it by name) */
    size_t slot;    /* index + 1 in the list the signal handler removes; 0 = not listed */
    int is_stdout;
    int closed; /* the temporary was flushed and closed (synced at the commit) */
} outfile;

/* Creates the temporary file next to the target ("-" means standard output).
 * CBAM_ERR_USAGE (reported) when the name holds a control character;
 * CBAM_ERR_CANTCREAT (reported) when the target is not a regular file or the
 * directory is not writable. */
enum cbam_err outfile_open(outfile *of, const char *path, diag_list *dl);

/* Flushes and closes the temporary file without renaming it, so that a run
 * with thousands of outputs keeps only one open at a time (a writer that
 * wrote by name, fp NULL, has nothing to flush). Reports the path and the
 * system's reason (e.g. "No space left on device") on failure; the
 * temporary then stays until outfile_abort. outfile_commit_all syncs it. */
enum cbam_err outfile_close(outfile *of, diag_list *dl);

/* Closes (if still open) and renames onto the target. */
enum cbam_err outfile_commit(outfile *of, diag_list *dl);

/* Commits n outfiles as one: each is closed, and all are synced to disk (a
 * few one by one, more with one syncfs per file system); then every
 * existing target is kept under a hidden backup name (a hard link, else a
 * copy) in its directory, and the temporaries are renamed over the targets. When one
 * rename fails, the targets already replaced get their previous content back
 * (or are removed if they did not exist), and no temporary or backup stays.
 * SIGINT, SIGTERM and SIGHUP wait until the renames are done. After the renames the
 * directories are synced (a failure there is a warning). Every outfile is reset
 * (committed or aborted) whatever the outcome. */
enum cbam_err outfile_commit_all(outfile *ofs, size_t n, diag_list *dl);

/* dst becomes a complete copy of the regular file src, or stays as it was
 * (written as outfile_open/outfile_commit do). CBAM_ERR_NOINPUT or
 * CBAM_ERR_CANTCREAT, reported. */
enum cbam_err outfile_copy(const char *src, const char *dst, diag_list *dl);

/* Removes the temporary file; the target is left as it was. */
void outfile_abort(outfile *of);

/* Makes SIGINT, SIGTERM and SIGHUP remove the temporary files of the outfiles still
 * open, then end the process with 128 + the signal (for batch jobs and
 * report runs: no partial files behind). */
void outfile_cleanup_on_signals(void);

/* The same for a stretch of code: the previous handlers are saved in *saved,
 * to be put back by outfile_signals_restore. */
typedef struct outfile_signals {
    struct sigaction old_int, old_term, old_hup;
} outfile_signals;
void outfile_signals_install(outfile_signals *saved);
void outfile_signals_restore(const outfile_signals *saved);

/* The processes that write into the temporaries too (pids stays valid
 * until this is called again with n = 0; an entry set to -1 under
 * outfile_hold_signals was waited for already): on SIGINT or SIGTERM they are
 * sent SIGTERM and waited for before the temporaries are removed, so none
 * is made again afterwards. A worker calls it with n = 0 at its start. */
void outfile_signals_children(const pid_t *pids, size_t n);

/* Holds SIGINT, SIGTERM and SIGHUP back for a stretch that creates files the
 * handler does not know (libxlsxwriter's staging files, which exist from
 * their creation to their unlinking): the signal then arrives at release. */
void outfile_hold_signals(sigset_t *old);
void outfile_release_signals(const sigset_t *old);

/* CBAM_ERR_USAGE when an output name holds a control character (bytes 1-31
 * or 127), reported in dl unless dl is NULL; CBAM_OK otherwise. */
enum cbam_err outfile_check_name(const char *path, diag_list *dl);

/* Whether two output names end up as the same file: the same device and
 * inode when both exist, else the same canonical directory and file name
 * (symbolic links followed). "-" is the same only as "-". */
bool outfile_same_target(const char *a, const char *b);

/* An input file that cbamcalc cannot read as a file: a directory, a named
 * pipe (FIFO; opening it would wait for a writer for ever), a socket or a
 * device. CBAM_ERR_NOINPUT (reported, naming the file) for those; CBAM_OK for
 * a regular file, "-", a missing file (the reader reports that) and the
 * shell's pipes (/dev/stdin, /dev/fd/N, /proc/self/fd/N: `-e <(zcat f.gz)`). */
enum cbam_err outfile_check_input(const char *path, diag_list *dl);

#endif
