/* outfile.c - atomic replacement of output files, one or several together
 * (see outfile.h). */
#include "config.h"
#include "outfile.h"
#include "strmap.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the temporaries the signal handler removes ----
 *
 * A growing list of the tmp_path pointers of the outfiles now open (a --split
 * run has thousands). It is only changed with SIGINT, SIGTERM and SIGHUP blocked, so
 * the handler, which may only call async-signal-safe functions (unlink,
 * _exit), never sees it half-changed. */
static const char **reg;
static size_t reg_n, reg_cap;

static void block_signals(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

static void restore_mask(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* For xalloc_die: the temporaries go as on a signal (the list is not
 * changed here: no allocation). */
static void remove_on_exit(void)
{
    sigset_t old;
    block_signals(&old);
    for (size_t i = 0; i < reg_n; i++)
        if (reg[i] != NULL)
            unlink(reg[i]);
    restore_mask(&old);
}

void outfile_hold_signals(sigset_t *old)
{
    block_signals(old);
}

void outfile_release_signals(const sigset_t *old)
{
    restore_mask(old);
}

static void remember(outfile *of)
{
    sigset_t old;
    xalloc_set_die_hook(remove_on_exit);
    block_signals(&old);
    if (reg_n == reg_cap) {
        size_t cap = reg_cap ? reg_cap * 2 : 16;
        const char **grown = xcalloc(cap, sizeof *grown);
        if (reg_n > 0)
            memcpy(grown, reg, reg_n * sizeof *reg);
        const char **was = reg;
        reg = grown;
        reg_cap = cap;
        free(was);
    }
    reg[reg_n++] = of->tmp_path;
    of->slot = reg_n;
    restore_mask(&old);
}

static void forget(outfile *of)
{
    if (of->slot == 0)
        return;
    sigset_t old;
    block_signals(&old);
    reg[of->slot - 1] = NULL;
    while (reg_n > 0 && reg[reg_n - 1] == NULL)
        reg_n--;
    if (reg_n == 0) {
        free(reg);
        reg = NULL;
        reg_cap = 0;
    }
    of->slot = 0;
    restore_mask(&old);
}

/* The worker processes writing these temporaries (report --split -j). */
static const pid_t *kids;
static size_t nkids;

void outfile_signals_children(const pid_t *pids, size_t n)
{
    sigset_t old;
    block_signals(&old);
    kids = pids;
    nkids = n;
    restore_mask(&old);
}

static void remove_temporaries(int sig)
{
    /* The workers go first: one still writing a workbook would make its
     * temporary again after it was removed (it holds signals meanwhile). */
    for (size_t i = 0; i < nkids; i++) {
        if (kids[i] > 0) { /* <= 0: already waited for (and never kill(0): the group) */
            kill(kids[i], SIGTERM);
            kill(kids[i], SIGCONT);
        }
    }
    for (size_t i = 0; i < nkids; i++)
        while (kids[i] > 0 && waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
            ;
    for (size_t i = 0; i < reg_n; i++)
        if (reg[i] != NULL)
            unlink(reg[i]);
    _exit(128 + sig);
}

/* Installs the handler for one signal, unless the signal was ignored (a run
 * started with nohup or in the background of a script must stay immune). */
static void install_one(int sig, struct sigaction *old)
{
    struct sigaction sa, prev;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temporaries;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(sig, &sa, &prev);
    if (prev.sa_handler == SIG_IGN)
        sigaction(sig, &prev, NULL);
    if (old != NULL)
        *old = prev;
}

void outfile_cleanup_on_signals(void)
{
    install_one(SIGINT, NULL);
    install_one(SIGTERM, NULL);
    install_one(SIGHUP, NULL); /* the terminal or ssh session closed */
}

void outfile_signals_install(outfile_signals *saved)
{
    install_one(SIGINT, &saved->old_int);
    install_one(SIGTERM, &saved->old_term);
    install_one(SIGHUP, &saved->old_hup);
}

void outfile_signals_restore(const outfile_signals *saved)
{
    sigaction(SIGINT, &saved->old_int, NULL);
    sigaction(SIGTERM, &saved->old_term, NULL);
    sigaction(SIGHUP, &saved->old_hup, NULL);
}

/* ---- names ---- */

enum cbam_err outfile_check_name(const char *path, diag_list *dl)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            char q[128];
            if (dl != NULL)
                diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                         "output name %s holds a control character (a newline or a tab?); give a plain file name",
                         diag_quote(q, sizeof q, path, strlen(path)));
            return CBAM_ERR_USAGE;
        }
    }
    return CBAM_OK;
}

static const char *kind_name(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISFIFO(m))
        return "a named pipe (FIFO)";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/* "DIR/.BASE.XXXXXX" for a file DIR/BASE: a hidden name in the same directory. */
static char *hidden_name(const char *file)
{
    const char *slash = strrchr(file, '/');
    size_t dir_len = slash ? (size_t)(slash - file) + 1 : 0;
    size_t n = strlen(file) + 16;
    char *name = xmalloc(n);
    snprintf(name, n, "%.*s.%s.XXXXXX", (int)dir_len, file, file + dir_len);
    return name;
}

/* Where an output named path goes: path itself when it does not exist or is
 * a regular file; the file a symbolic link points to when that is a regular
 * file. NULL (reported) for anything else. */
static char *resolve_target(const char *path, diag_list *dl)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return xstrdup(path); /* missing: created; other errors show at mkstemp */
    if (S_ISREG(st.st_mode))
        return xstrdup(path);
    if (!S_ISLNK(st.st_mode)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is %s; an output must be a regular file (or '-' for standard output), it is replaced "
                 "by renaming a new file over it",
                 kind_name(st.st_mode));
        return NULL;
    }
    struct stat ts;
    if (stat(path, &ts) != 0) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is a symbolic link to nothing (%s); give the file name itself",
                 strerror(errno));
        return NULL;
    }
    if (!S_ISREG(ts.st_mode)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is a symbolic link to %s; an output must be a regular file (or '-' for standard output)",
                 kind_name(ts.st_mode));
        return NULL;
    }
    char *real = realpath(path, NULL);
    if (real == NULL)
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot follow the symbolic link: %s", strerror(errno));
    return real;
}

/* ---- one output ---- */

enum cbam_err outfile_open(outfile *of, const char *path, diag_list *dl)
{
    memset(of, 0, sizeof *of);
    if (strcmp(path, "-") == 0) {
        of->is_stdout = 1;
        of->fp = stdout;
        of->path = xstrdup(path);
        return CBAM_OK;
    }
    enum cbam_err err = outfile_check_name(path, dl);
    if (err != CBAM_OK)
        return err;
    const char *slash = strrchr(path, '/');
    if ((slash ? slash + 1 : path)[0] == '\0') {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is a directory name; expected a file name");
        return CBAM_ERR_CANTCREAT;
    }
    char *target = resolve_target(path, dl);
    if (target == NULL)
        return CBAM_ERR_CANTCREAT;
    /* The temporary is in the target's directory, so rename() is atomic. */
    char *tmp = hidden_name(target);
    /* From its creation to its registration a signal must not leave the
     * temporary behind: the handler only knows registered names. */
    sigset_t old;
    block_signals(&old);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        restore_mask(&old);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write here: %s", strerror(errno));
        free(tmp);
        free(target);
        return CBAM_ERR_CANTCREAT;
    }
    /* mkstemp makes 0600; a report is an ordinary file (0666 less umask). */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    of->fp = fdopen(fd, "wb");
    if (of->fp == NULL) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write here: %s", strerror(errno));
        close(fd);
        unlink(tmp);
        restore_mask(&old);
        free(tmp);
        free(target);
        return CBAM_ERR_CANTCREAT;
    }
    of->path = xstrdup(path);
    of->target = target;
    of->tmp_path = tmp;
    remember(of);
    restore_mask(&old);
    return CBAM_OK;
}

static enum cbam_err flush_stdout(diag_list *dl)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "writing to standard output failed: %s",
                 strerror(errno ? errno : EIO));
        return CBAM_ERR_CANTCREAT;
    }
    return CBAM_OK;
}

enum cbam_err outfile_close(outfile *of, diag_list *dl)
{
    if (of->is_stdout || of->closed)
        return CBAM_OK;
    if (of->fp != NULL) {
        int bad = 0, saved = 0;
        errno = 0;
        if (fflush(of->fp) != 0 || ferror(of->fp)) {
            bad = 1;
            saved = errno ? errno : EIO;
        }
        if (fclose(of->fp) != 0 && !bad) {
            bad = 1;
            saved = errno;
        }
        of->fp = NULL;
        if (bad) {
            diag_add(dl, DIAG_ERROR, of->path, 0, 0, "writing failed: %s", strerror(saved));
            return CBAM_ERR_CANTCREAT;
        }
    }
    /* Synced by outfile_commit_all, all of a run's files at once. */
    of->closed = 1;
    return CBAM_OK;
}

/* Up to this many outputs are synced one by one (fsync); more are synced
 * with one syncfs per file system: a --split run of thousands of files
 * pays one flush instead of thousands. (syncfs flushes everything dirty on
 * that file system, which for one small file may cost more than its fsync.) */
#define SYNC_ONE_BY_ONE 4

static enum cbam_err sync_failed(const outfile *of, int e, diag_list *dl)
{
    diag_add(dl, DIAG_ERROR, of->path, 0, 0, "writing failed: %s", strerror(e));
    return CBAM_ERR_CANTCREAT;
}

/* The directory part of a path ("." when none), in buf. */
static const char *dir_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return ".";
    if (slash == path)
        return "/";
    snprintf(buf, size, "%.*s", (int)(slash - path), path);
    return buf;
}

/* fsync() of the file (or directory) at path, or syncfs() of its file
 * system: 0, or the errno. */
static int sync_path(const char *path, bool whole_fs)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int e = (whole_fs ? syncfs(fd) : fsync(fd)) != 0 ? errno : 0;
    close(fd);
    return e;
}

/* Puts the written temporaries on disk before any may replace a report: a
 * crash after the rename must not leave an empty or partial file under the
 * report's name. */
static enum cbam_err sync_temporaries(outfile *ofs, size_t n, diag_list *dl)
{
    size_t files = 0;
    for (size_t i = 0; i < n; i++)
        files += !ofs[i].is_stdout;
    if (files <= SYNC_ONE_BY_ONE) {
        for (size_t i = 0; i < n; i++) {
            int e;
            if (!ofs[i].is_stdout && (e = sync_path(ofs[i].tmp_path, false)) != 0)
                return sync_failed(&ofs[i], e, dl);
        }
        return CBAM_OK;
    }
    /* One syncfs per file system the temporaries are on (the targets of
     * symbolic links may be elsewhere). It reports the write-back errors
     * on that file system not yet reported to anyone. */
    dev_t *done = xcalloc(n, sizeof *done);
    size_t ndone = 0;
    enum cbam_err err = CBAM_OK;
    for (size_t i = 0; i < n && err == CBAM_OK; i++) {
        struct stat st;
        if (ofs[i].is_stdout)
            continue;
        if (stat(ofs[i].tmp_path, &st) != 0) {
            err = sync_failed(&ofs[i], errno, dl);
            break;
        }
        size_t k = 0;
        while (k < ndone && done[k] != st.st_dev)
            k++;
        if (k < ndone)
            continue;
        done[ndone++] = st.st_dev;
        int e = sync_path(ofs[i].tmp_path, true);
        if (e != 0)
            err = sync_failed(&ofs[i], e, dl);
    }
    free(done);
    return err;
}

/* After the renames: the directories that got new names are synced, so the
 * names survive a power loss too (one fsync per directory). */
static void sync_directories(outfile *ofs, size_t n, diag_list *dl)
{
    char **dirs = xcalloc(n ? n : 1, sizeof *dirs);
    size_t ndirs = 0;
    for (size_t i = 0; i < n; i++) {
        if (ofs[i].is_stdout || ofs[i].target == NULL)
            continue;
        char buf[4200];
        const char *d = dir_of(ofs[i].target, buf, sizeof buf);
        size_t k = 0;
        while (k < ndirs && strcmp(dirs[k], d) != 0)
            k++;
        if (k < ndirs)
            continue;
        dirs[ndirs++] = xstrdup(d);
        int e = sync_path(d, false);
        if (e != 0)
            diag_add(dl, DIAG_WARNING, d, 0, 0,
                     "the directory could not be synced (%s): the new files are written, but their names may "
                     "not survive a power loss",
                     strerror(e));
    }
    for (size_t k = 0; k < ndirs; k++)
        free(dirs[k]);
    free(dirs);
}

static void reset(outfile *of)
{
    free(of->tmp_path);
    free(of->target);
    free(of->backup);
    free(of->path);
    memset(of, 0, sizeof *of);
}

void outfile_abort(outfile *of)
{
    if (of->is_stdout) {
        reset(of);
        return;
    }
    if (of->fp != NULL)
        fclose(of->fp);
    of->fp = NULL;
    if (of->tmp_path != NULL)
        unlink(of->tmp_path);
    forget(of);
    reset(of);
}

enum cbam_err outfile_commit(outfile *of, diag_list *dl)
{
    return outfile_commit_all(of, 1, dl);
}

/* ---- several outputs as one ---- */

/* Copies src into the new file fd (for a backup where hard links are not allowed). */
static bool copy_into(int fd, const char *src, mode_t mode)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return false;
    char buf[65536];
    bool ok = true;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        for (ssize_t off = 0; off < r && ok;) {
            ssize_t w = write(fd, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            ok = w > 0;
            off += w > 0 ? w : 0;
        }
        if (!ok)
            break;
    }
    int saved = errno;
    close(in);
    (void)fchmod(fd, mode & 07777);
    errno = saved;
    return ok;
}

enum cbam_err outfile_copy(const char *src, const char *dst, diag_list *dl)
{
    struct stat st;
    bool found = stat(src, &st) == 0;
    if (!found || !S_ISREG(st.st_mode)) {
        diag_add(dl, DIAG_ERROR, src, 0, 0, "cannot copy to %s: %s", dst,
                 found ? "not a regular file" : strerror(errno));
        return CBAM_ERR_NOINPUT;
    }
    outfile of;
    enum cbam_err err = outfile_open(&of, dst, dl);
    if (err != CBAM_OK)
        return err;
    if (fflush(of.fp) != 0 || !copy_into(fileno(of.fp), src, st.st_mode)) {
        diag_add(dl, DIAG_ERROR, dst, 0, 0, "copying %s failed: %s", src, strerror(errno));
        outfile_abort(&of);
        return CBAM_ERR_CANTCREAT;
    }
    return outfile_commit(&of, dl);
}

/* Keeps the target's present content under a hidden name next to it, so a
 * failed commit can put it back. No backup when there is no target yet. */
static enum cbam_err make_backup(outfile *of, diag_list *dl)
{
    struct stat st;
    if (lstat(of->target, &st) != 0) {
        if (errno == ENOENT)
            return CBAM_OK;
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot replace: %s", strerror(errno));
        return CBAM_ERR_CANTCREAT;
    }
    for (int attempt = 0; attempt < 16; attempt++) {
        /* mkstemp picks a free name; link() needs it absent, so take it back at once. */
        char *name = hidden_name(of->target);
        int fd = mkstemp(name);
        if (fd < 0) {
            diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot keep the previous file: %s", strerror(errno));
            free(name);
            return CBAM_ERR_CANTCREAT;
        }
        close(fd);
        unlink(name);
        if (link(of->target, name) == 0) {
            of->backup = name;
            return CBAM_OK;
        }
        int e = errno;
        if (e == EEXIST) { /* someone took the name in between */
            free(name);
            continue;
        }
        if (e == ENOENT) { /* the target went away meanwhile: nothing to keep */
            free(name);
            return CBAM_OK;
        }
        /* A file system without hard links: keep a copy instead. */
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 && copy_into(fd, of->target, st.st_mode) && close(fd) == 0) {
            of->backup = name;
            return CBAM_OK;
        }
        e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(name);
        }
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot keep the previous file: %s", strerror(e));
        free(name);
        return CBAM_ERR_CANTCREAT;
    }
    diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot keep the previous file: no free name");
    return CBAM_ERR_CANTCREAT;
}

/* Puts a replaced target back as it was; false (reported) if that failed. */
static bool roll_back(outfile *of, diag_list *dl)
{
    if (of->backup != NULL) {
        if (rename(of->backup, of->target) == 0) {
            free(of->backup);
            of->backup = NULL;
            return true;
        }
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "the previous content could not be put back (%s); it is in %s",
                 strerror(errno), of->backup);
        free(of->backup);
        of->backup = NULL; /* kept on disk on purpose */
        return false;
    }
    if (unlink(of->target) != 0 && errno != ENOENT) {
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "the new file could not be removed again: %s", strerror(errno));
        return false;
    }
    return true;
}

static char *canonical(const char *path);

/* Two outputs of a run that would land on one file (a symbolic link to
 * another output, two names that meet): one would silently replace the
 * other, so the run writes neither. */
static enum cbam_err check_distinct_targets(const outfile *ofs, size_t n, diag_list *dl)
{
    if (n < 2)
        return CBAM_OK;
    strmap *seen = strmap_new();
    enum cbam_err err = CBAM_OK;
    for (size_t i = 0; i < n && err == CBAM_OK; i++) {
        if (ofs[i].is_stdout || ofs[i].target == NULL)
            continue;
        char *c = canonical(ofs[i].target);
        uintptr_t j = (uintptr_t)strmap_get(seen, c, strlen(c));
        if (j != 0) {
            diag_add(dl, DIAG_ERROR, ofs[i].path, 0, 0,
                     "is the same file as %s, another output of this run (a symbolic link, or two names "
                     "for one file); expected a file of its own for each output: nothing was written",
                     ofs[j - 1].path);
            err = CBAM_ERR_CANTCREAT;
        } else {
            strmap_put(seen, c, strlen(c), (void *)(uintptr_t)(i + 1));
        }
        free(c);
    }
    strmap_free(seen);
    return err;
}

enum cbam_err outfile_commit_all(outfile *ofs, size_t n, diag_list *dl)
{
    enum cbam_err err = check_distinct_targets(ofs, n, dl);
    for (size_t i = 0; i < n && err == CBAM_OK; i++)
        err = ofs[i].is_stdout ? flush_stdout(dl) : outfile_close(&ofs[i], dl);
    if (err == CBAM_OK)
        err = sync_temporaries(ofs, n, dl);
    if (err != CBAM_OK) {
        for (size_t i = 0; i < n; i++)
            outfile_abort(&ofs[i]);
        return err;
    }

    /* From here on a signal waits: the renames are done all or none. */
    sigset_t old;
    block_signals(&old);
    size_t backed = 0;
    for (; backed < n && err == CBAM_OK; backed++)
        if (!ofs[backed].is_stdout)
            err = make_backup(&ofs[backed], dl);
    size_t done = 0;
    for (; done < n && err == CBAM_OK; done++) {
        outfile *of = &ofs[done];
        if (of->is_stdout)
            continue;
        if (rename(of->tmp_path, of->target) != 0) {
            diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot replace: %s", strerror(errno));
            err = CBAM_ERR_CANTCREAT;
            break;
        }
    }
    if (err != CBAM_OK) {
        /* ofs[0..done) were renamed: back to their previous content. */
        size_t kept = 0;
        for (size_t i = 0; i < done; i++) {
            if (ofs[i].is_stdout)
                continue;
            if (!roll_back(&ofs[i], dl))
                kept++;
            free(ofs[i].tmp_path); /* renamed away: nothing to remove */
            ofs[i].tmp_path = NULL;
        }
        if (kept == 0 && done > 0)
            diag_add(dl, DIAG_NOTE, NULL, 0, 0, "the outputs already replaced were put back as they were");
    }
    if (err == CBAM_OK)
        sync_directories(ofs, n, dl);
    for (size_t i = 0; i < n; i++) {
        outfile *of = &ofs[i];
        if (of->backup != NULL)
            unlink(of->backup);
        if (err != CBAM_OK && of->tmp_path != NULL)
            unlink(of->tmp_path);
        forget(of);
        reset(of);
    }
    restore_mask(&old);
    return err;
}

/* ---- comparing and checking names ---- */

/* The canonical DIR/NAME of a path whose file may not exist yet. */
static char *canonical(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    char *real = realpath(dir, NULL);
    free(dir);
    if (real == NULL)
        return xstrdup(path);
    size_t n = strlen(real) + strlen(base) + 2;
    char *out = xmalloc(n);
    snprintf(out, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    free(real);
    return out;
}

bool outfile_same_target(const char *a, const char *b)
{
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return strcmp(a, b) == 0;
    struct stat sa, sb;
    bool ha = stat(a, &sa) == 0, hb = stat(b, &sb) == 0;
    if (ha && hb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ha != hb)
        return false;
    char *ca = canonical(a), *cb = canonical(b);
    bool same = strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum cbam_err outfile_check_input(const char *path, diag_list *dl)
{
    if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdin") == 0 || starts_with(path, "/dev/fd/") ||
        starts_with(path, "/proc/self/fd/"))
        return CBAM_OK; /* the shell's pipes: `-e <(zcat bill.csv.gz)` */
    struct stat st;
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return CBAM_OK; /* a missing file is the reader's to report */
    if (S_ISFIFO(st.st_mode))
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is a named pipe (FIFO), not a file; to read a pipe, give '-' and redirect it to "
                 "standard input");
    else
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is %s; expected a CSV file", kind_name(st.st_mode));
    return CBAM_ERR_NOINPUT;
}

