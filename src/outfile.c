/* outfile.c - atomic replacement of output files (see outfile.h). */
#include "config.h"
#include "outfile.h"
#include "xalloc.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary files now open, for the signal handler: fixed storage, because
 * a handler may only call async-signal-safe functions (unlink, _exit). */
#define ACTIVE_MAX 8
#define ACTIVE_PATH_MAX 4400
static char active[ACTIVE_MAX][ACTIVE_PATH_MAX];
static volatile sig_atomic_t active_used[ACTIVE_MAX];

static void remember(const char *tmp)
{
    for (int i = 0; i < ACTIVE_MAX; i++) {
        if (!active_used[i] && strlen(tmp) < ACTIVE_PATH_MAX) {
            memcpy(active[i], tmp, strlen(tmp) + 1);
            active_used[i] = 1;
            return;
        }
    }
}

static void forget(const char *tmp)
{
    for (int i = 0; i < ACTIVE_MAX; i++)
        if (active_used[i] && strcmp(active[i], tmp) == 0)
            active_used[i] = 0;
}

static void remove_temporaries(int sig)
{
    for (int i = 0; i < ACTIVE_MAX; i++)
        if (active_used[i])
            unlink(active[i]);
    _exit(128 + sig);
}

void outfile_cleanup_on_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temporaries;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

enum cbam_err outfile_open(outfile *of, const char *path, diag_list *dl)
{
    memset(of, 0, sizeof *of);
    if (strcmp(path, "-") == 0) {
        of->is_stdout = 1;
        of->fp = stdout;
        of->path = xstrdup(path);
        return CBAM_OK;
    }
    /* The temporary name: ".NAME.XXXXXX" in the same directory, so rename() is atomic. */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    if (*base == '\0') {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is a directory name; expected a file name");
        return CBAM_ERR_CANTCREAT;
    }
    size_t n = strlen(path) + 16;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot write here: %s", strerror(errno));
        free(tmp);
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
        free(tmp);
        return CBAM_ERR_CANTCREAT;
    }
    of->path = xstrdup(path);
    of->tmp_path = tmp;
    remember(tmp);
    return CBAM_OK;
}

enum cbam_err outfile_commit(outfile *of, diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    if (of->is_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0, "writing to standard output failed: %s", strerror(errno));
            err = CBAM_ERR_CANTCREAT;
        }
        free(of->path);
        memset(of, 0, sizeof *of);
        return err;
    }
    if (of->fp != NULL) {
        int bad = fflush(of->fp) != 0 || ferror(of->fp) || fsync(fileno(of->fp)) != 0;
        int saved = errno;
        if (fclose(of->fp) != 0 && !bad) {
            bad = 1;
            saved = errno;
        }
        of->fp = NULL;
        if (bad) {
            diag_add(dl, DIAG_ERROR, of->path, 0, 0, "writing failed: %s", strerror(saved));
            outfile_abort(of);
            return CBAM_ERR_CANTCREAT;
        }
    }
    forget(of->tmp_path);
    if (rename(of->tmp_path, of->path) != 0) {
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "cannot replace: %s", strerror(errno));
        outfile_abort(of);
        return CBAM_ERR_CANTCREAT;
    }
    free(of->tmp_path);
    free(of->path);
    memset(of, 0, sizeof *of);
    return CBAM_OK;
}

void outfile_abort(outfile *of)
{
    if (of->is_stdout) {
        free(of->path);
        memset(of, 0, sizeof *of);
        return;
    }
    if (of->fp != NULL)
        fclose(of->fp);
    if (of->tmp_path != NULL) {
        unlink(of->tmp_path);
        forget(of->tmp_path);
    }
    free(of->tmp_path);
    free(of->path);
    memset(of, 0, sizeof *of);
}

void outfile_safe_name(const char *id, char *buf, size_t size)
{
    size_t o = 0, max = size - 1 < 100 ? size - 1 : 100;
    if (size == 0)
        return;
    for (const char *p = id; *p && o < max; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || (c == '.' && o > 0);
        buf[o++] = ok ? c : '_';
    }
    if (o == 0 && max > 0)
        buf[o++] = '_';
    buf[o] = '\0';
}
