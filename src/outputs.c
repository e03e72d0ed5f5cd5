/* outputs.c - the files a report run writes: the JSON, the workbook(s) and,
 * with --split, one of each per enterprise (see outputs.h). */
#include "config.h"
#include "outputs.h"
#include "outfile.h"
#include "outname.h"
#include "report_json.h"
#include "report_xlsx.h"
#include "strmap.h"
#include "template.h"
#include "workers.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Says what failed when the JSON could not be written (errno set by the writer). */
static enum cbam_err json_failed(enum cbam_err err, const outfile *of, diag_list *dl)
{
    int e = errno ? errno : EIO;
    if (err == CBAM_ERR_INTERNAL)
        diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                 "a computed figure is not a finite number; this is a bug, please report it");
    else if (of->is_stdout)
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "writing the JSON to standard output failed: %s", strerror(e));
    else
        diag_add(dl, DIAG_ERROR, of->path, 0, 0, "writing the JSON failed: %s", strerror(e));
    return err;
}

/* An output over one of the run's inputs would destroy the data it was
 * computed from (report -o el.csv -e el.csv, a batch client's output named
 * like its input): refused before anything is written. */
const char *outputs_input_named(const cli_report_args *a, const char *out)
{
    const char *const *lists[] = {a->electricity, a->production, a->enterprises, &a->processes,
                                  &a->template_in, &a->benchmarks, &a->direct};
    const size_t counts[] = {a->nelectricity, a->nproduction, a->nenterprises, a->processes != NULL,
                             a->template_in != NULL, a->benchmarks != NULL, a->direct != NULL};
    if (out == NULL || strcmp(out, "-") == 0)
        return NULL;
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        for (size_t i = 0; i < counts[k]; i++)
            if (strcmp(lists[k][i], "-") != 0 && outfile_same_target(out, lists[k][i]))
                return lists[k][i];
    return NULL;
}

/* (The template is named before this is asked: see open_output.) */
static bool over_input(const cli_report_args *a, const char *out, diag_list *dl)
{
    const char *in = outputs_input_named(a, out);
    if (in != NULL)
        diag_add(dl, DIAG_ERROR, out, 0, 0, "would be written over the input %s; expected another name", in);
    return in != NULL;
}

/* Opens an output's temporary, unless it would replace one of the inputs
 * or the official template (which stays as the Commission made it). */
static enum cbam_err open_output(const cli_report_args *a, const char *path, outfile *of, diag_list *dl)
{
    if (a->template_in != NULL && outfile_same_target(path, a->template_in)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "would be written over the template %s; expected another name (the template stays as the "
                 "Commission made it)",
                 a->template_in);
        return CBAM_ERR_USAGE;
    }
    return over_input(a, path, dl) ? CBAM_ERR_USAGE : outfile_open(of, path, dl);
}

/* The official template's plan per enterprise (index into res->ents), for
 * the JSON's "template" member. */
struct plans {
    const alloc_result *res;
    template_plan **p;
};

static json_t *plan_member(const alloc_enterprise *ae, void *ctx)
{
    const struct plans *ps = ctx;
    size_t i = (size_t)(ae - ps->res->ents);
    return i < ps->res->n && ps->p[i] != NULL ? template_plan_json(ps->p[i]) : NULL;
}

/* Opens the template and decides what goes into it for every enterprise
 * that gets one, before anything is written: its notes belong in the JSON
 * and on Data_Quality. */
static enum cbam_err plan_templates(const cli_report_args *a, const alloc_result *res, template_doc **doc,
                                    template_plan **plans, diag_list *dl)
{
    template_processes *procs = NULL;
    enum cbam_err err = CBAM_OK;
    if (a->template_doc == NULL)
        err = template_open(a->template_in, doc, dl);
    if (err == CBAM_OK && a->processes != NULL)
        err = template_processes_load(a->processes, &procs, dl);
    for (size_t i = 0; err == CBAM_OK && i < res->n; i++) {
        enum cbam_err e =
            template_plan_make(a->template_doc ? a->template_doc : *doc, procs, &res->ents[i], &plans[i], dl);
        if (e != CBAM_OK)
            err = e;
    }
    template_processes_free(procs);
    return err;
}

/* ---- the files to write: planned in this process, written by one or several ---- */

enum item_kind { ITEM_JSON_ALL, ITEM_XLSX, ITEM_JSON, ITEM_TPL };

struct item {
    enum item_kind kind;
    size_t ent; /* index into res->ents (ITEM_JSON_ALL: unused) */
};

/* Where the diagnostics a report of one enterprise lists are in dl: those
 * about no enterprise (the run, a file) and its own. A report lists them in
 * dl's order; each report made from the index reads only these, where it
 * would scan the whole list (an O(enterprises x diagnostics) run). */
struct diag_index {
    size_t *common, ncommon;
    size_t **own, *nown; /* per enterprise (index into res->ents) */
};

static struct diag_index *diag_index_make(const diag_list *dl, const alloc_result *res)
{
    struct diag_index *di = xcalloc(1, sizeof *di);
    di->common = xcalloc(dl->count ? dl->count : 1, sizeof *di->common);
    di->own = xcalloc(res->n ? res->n : 1, sizeof *di->own);
    di->nown = xcalloc(res->n ? res->n : 1, sizeof *di->nown);
    strmap *ids = strmap_new();
    for (size_t i = 0; i < res->n; i++)
        strmap_put(ids, res->ents[i].e->id, strlen(res->ents[i].e->id), (void *)(i + 1));
    size_t *cap = xcalloc(res->n ? res->n : 1, sizeof *cap);
    for (size_t k = 0; k < dl->count; k++) {
        const char *ent = dl->items[k].enterprise;
        if (ent == NULL) {
            di->common[di->ncommon++] = k;
            continue;
        }
        size_t i = (size_t)strmap_get(ids, ent, strlen(ent));
        if (i-- == 0)
            continue; /* about an enterprise that gets no report */
        if (di->nown[i] == cap[i]) {
            cap[i] = cap[i] ? cap[i] * 2 : 8;
            di->own[i] = xreallocarray(di->own[i], cap[i], sizeof *di->own[i]);
        }
        di->own[i][di->nown[i]++] = k;
    }
    free(cap);
    strmap_free(ids);
    return di;
}

static void diag_index_free(struct diag_index *di, size_t n)
{
    if (di == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(di->own[i]);
    free(di->own);
    free(di->nown);
    free(di->common);
    free(di);
}

/* The diagnostics of enterprise i's report as a list of its own (shallow:
 * the strings stay dl's; free only v->items). */
static void diag_view(const diag_list *dl, const struct diag_index *di, size_t i, diag_list *v)
{
    *v = *dl; /* the counts and the number not listed, as in dl */
    v->echo = NULL;
    v->count = 0;
    size_t n = di->ncommon + di->nown[i];
    v->items = xcalloc(n ? n : 1, sizeof *v->items);
    v->cap = n;
    size_t a = 0, b = 0;
    while (a < di->ncommon || b < di->nown[i]) {
        bool common = b == di->nown[i] || (a < di->ncommon && di->common[a] < di->own[i][b]);
        v->items[v->count++] = dl->items[common ? di->common[a++] : di->own[i][b++]];
    }
}

/* Everything a writer needs; items[k] goes to outs[k] (a temporary made by
 * the planning process, closed until written). */
struct run {
    const cli_report_args *a;
    const ledger *l;
    const alloc_result *res;
    const diag_list *dl; /* what the reports list (Data_Quality, the JSON's diagnostics) */
    const template_doc *doc;
    const template_plan *const *plans;
    const report_json_extra *jx; /* NULL without --template */
    const struct item *items;
    const struct diag_index *di;    /* NULL: each report reads the whole of dl */
    char (*names)[OUTNAME_MAX + 1]; /* --split: the file name of each enterprise */
    outfile *outs;
    size_t n;
    size_t opened; /* outs[0..opened) were made (to remove or commit) */
};

/* The path of item k: DIR/NAME.EXT with --split, else the one file. */
static void item_path(const struct run *r, size_t k, char *path, size_t size)
{
    const cli_report_args *a = r->a;
    const struct item *it = &r->items[k];
    const char *dir = it->kind == ITEM_XLSX   ? a->xlsx_dir
                      : it->kind == ITEM_JSON ? a->json_dir
                      : it->kind == ITEM_TPL  ? a->template_dir
                                              : NULL;
    const char *ext = it->kind == ITEM_XLSX ? ".xlsx" : it->kind == ITEM_JSON ? ".json" : ".template.xlsx";
    const char *single = it->kind == ITEM_XLSX  ? a->xlsx_out
                         : it->kind == ITEM_TPL ? a->template_out
                                                : a->json_out;
    if (dir != NULL)
        snprintf(path, size, "%s/%s%s", dir, r->names[it->ent], ext);
    else
        snprintf(path, size, "%s", single);
}

/* Makes item k's temporary (outs[k]); r->opened counts it. */
static enum cbam_err open_item(struct run *r, size_t k, diag_list *dl)
{
    char path[4200];
    item_path(r, k, path, sizeof path);
    enum cbam_err err = open_output(r->a, path, &r->outs[k], dl);
    if (err == CBAM_OK)
        r->opened = k + 1;
    return err;
}

/* Writes item k into its temporary and closes it; problems go to errs. */
static enum cbam_err write_item(const struct run *r, size_t k, diag_list *errs)
{
    const struct item *it = &r->items[k];
    outfile *of = &r->outs[k];
    enum cbam_err err = CBAM_OK;
    if ((it->kind == ITEM_XLSX || it->kind == ITEM_TPL) && of->fp != NULL) {
        fclose(of->fp); /* these libraries write by name */
        of->fp = NULL;
    }
    switch (it->kind) {
    case ITEM_XLSX: {
        const alloc_enterprise *ae = &r->res->ents[it->ent];
        report_xlsx_opts xo = {.zh = r->a->zh, .created = report_xlsx_created(), .scenario = r->a->scenario_result};
        diag_list view;
        if (r->di != NULL)
            diag_view(r->dl, r->di, it->ent, &view);
        /* libxlsxwriter's staging files are unlinked right after they are
         * made: a signal in between would leave one (in /dev/shm). */
        sigset_t held;
        outfile_hold_signals(&held);
        err = report_xlsx_write(of->tmp_path, r->l, ae, r->di ? &view : r->dl, &xo, errs);
        outfile_release_signals(&held);
        if (r->di != NULL)
            free(view.items);
        break;
    }
    case ITEM_JSON_ALL:
    case ITEM_JSON:
        if (of->fp == NULL) {
            /* Reopened without O_CREAT: a temporary removed meanwhile (a
             * signal) is not made again. */
            int fd = open(of->tmp_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
            of->fp = fd < 0 ? NULL : fdopen(fd, "wb");
            if (of->fp == NULL) {
                diag_add(errs, DIAG_ERROR, of->path, 0, 0, "cannot write here: %s", strerror(errno));
                if (fd >= 0)
                    close(fd);
                return CBAM_ERR_CANTCREAT;
            }
        }
        if (it->kind == ITEM_JSON_ALL && r->a->scenario_result != NULL) {
            errno = 0;
            err = report_json_write_scenario(of->fp, r->l, r->a->scenario_result, r->dl);
        } else if (it->kind == ITEM_JSON_ALL) {
            errno = 0;
            err = report_json_write_ex(of->fp, r->l, r->res, r->dl, r->jx);
        } else {
            diag_list view;
            if (r->di != NULL)
                diag_view(r->dl, r->di, it->ent, &view);
            errno = 0;
            err =
                report_json_write_one_ex(of->fp, r->l, &r->res->ents[it->ent], r->di ? &view : r->dl, r->jx);
            int e = errno;
            if (r->di != NULL)
                free(view.items);
            errno = e;
        }
        if (err != CBAM_OK)
            return json_failed(err, of, errs);
        break;
    case ITEM_TPL: err = template_fill(r->doc, r->plans[it->ent], of->tmp_path, errs); break;
    }
    return err == CBAM_OK ? outfile_close(of, errs) : err;
}

/* Adds the diagnostics of from to dl, in their order (echoed as dl echoes). */
static void add_all(diag_list *dl, const diag_list *from)
{
    for (size_t i = 0; i < from->count; i++)
        diag_add_copy(dl, &from->items[i]);
}

/* Makes and writes the items one after the other here, up to the first
 * failure (one output file open at a time). */
static enum cbam_err run_here(struct run *r, diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    for (size_t k = r->opened; k < r->n && err == CBAM_OK; k++) {
        err = r->outs[k].path != NULL ? CBAM_OK : open_item(r, k, dl);
        if (err != CBAM_OK)
            break;
        diag_list errs;
        diag_list_init(&errs);
        err = write_item(r, k, &errs);
        add_all(dl, &errs);
        diag_list_free(&errs);
    }
    return err;
}

/* What the workers share (an anonymous shared mapping): the next item to
 * claim, the first item that failed, and each item's outcome. */
struct shared {
    atomic_size_t next;
    atomic_size_t stop;    /* the lowest failed item; SIZE_MAX while none failed */
    atomic_size_t created; /* items whose temporary the parent has made (in order) */
    atomic_size_t end;     /* how many it will make: SIZE_MAX until it knows */
    int status[];          /* 0 not written, else enum cbam_err + 1 */
};

/* The temporaries' names, as the parent made them, for the workers: an
 * offset per item, then the names one after the other. The mapping is
 * reserved for the longest names; only the bytes used are ever touched. */
#define NAME_MAX_BYTES 4352
struct names_arena {
    size_t *off;
    char *text;
    size_t used, size;
};

/* A diagnostic on the pipe from a worker: this header, then the file, the
 * enterprise and the message (each without its NUL; NO_STR when NULL). */
struct wire {
    uint64_t item;
    int64_t line;
    int32_t severity, column;
    uint32_t len[3];
};
#define NO_STR UINT32_MAX

static bool write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

static void send_diags(int fd, size_t k, const diag_list *errs)
{
    for (size_t i = 0; i < errs->count; i++) {
        const diag *d = &errs->items[i];
        const char *s[3] = {d->file, d->enterprise, d->message};
        struct wire w;
        memset(&w, 0, sizeof w); /* the padding too: it goes down the pipe */
        w.item = k;
        w.line = d->line;
        w.severity = (int32_t)d->severity;
        w.column = d->column;
        for (int j = 0; j < 3; j++)
            w.len[j] = s[j] ? (uint32_t)strlen(s[j]) : NO_STR;
        bool ok = write_full(fd, &w, sizeof w);
        for (int j = 0; j < 3 && ok; j++)
            ok = s[j] == NULL || write_full(fd, s[j], w.len[j]);
        if (!ok)
            _exit(70); /* the parent is gone: nobody to tell */
    }
}

/* A worker: claims the next item until none is left or one failed before
 * it (what comes after the first failure is never needed). */
static _Noreturn void worker(const struct run *r, struct shared *sh, const struct names_arena *na, int fd)
{
    for (;;) {
        size_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= r->n || k > atomic_load(&sh->stop))
            break;
        /* The parent makes the temporaries in order while the workers
         * write: waiting here is rare (a workbook takes longer than a file
         * to make). */
        bool ready = true;
        long wait_ns = 50000;
        while (atomic_load(&sh->created) <= k) {
            if (k >= atomic_load(&sh->end)) {
                ready = false;
                break;
            }
            /* Longer and longer: 256 workers polling every 50 us starved
             * the parent that makes the files (-j 256 was 20x -j 1). */
            struct timespec ts = {0, wait_ns};
            nanosleep(&ts, NULL);
            if (wait_ns < 2000000)
                wait_ns *= 2;
        }
        if (!ready)
            break;
        char path[4200];
        item_path(r, k, path, sizeof path);
        r->outs[k].path = xstrdup(path); /* this process's copy of outs */
        r->outs[k].tmp_path = xstrdup(na->text + na->off[k]);
        diag_list errs;
        diag_list_init(&errs);
        enum cbam_err err = write_item(r, k, &errs);
        send_diags(fd, k, &errs);
        diag_list_free(&errs);
        sh->status[k] = (int)err + 1;
        if (err != CBAM_OK) {
            size_t was = atomic_load(&sh->stop);
            while (k < was && !atomic_compare_exchange_weak(&sh->stop, &was, k))
                ;
            break;
        }
    }
    close(fd);
    _exit(0);
}

/* Reads a worker's diagnostics until it closes its pipe, each into the list
 * of its item. False when the stream is cut short or malformed. */
static bool read_diags(int fd, diag_list *per, size_t n)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            buf = xrealloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    size_t at = 0;
    bool ok = true;
    while (ok && at < len) {
        struct wire w;
        if (len - at < sizeof w) {
            ok = false;
            break;
        }
        memcpy(&w, buf + at, sizeof w);
        at += sizeof w;
        char *s[3] = {NULL, NULL, NULL};
        for (int j = 0; j < 3 && ok; j++) {
            if (w.len[j] == NO_STR)
                continue;
            if (len - at < w.len[j]) {
                ok = false;
                break;
            }
            s[j] = xstrndup(buf + at, w.len[j]);
            at += w.len[j];
        }
        if (ok && w.item < n && w.severity >= DIAG_NOTE && w.severity <= DIAG_ERROR)
            diag_add_at(&per[w.item], (enum diag_severity)w.severity, s[0], (long)w.line, (int)w.column, s[1],
                        "%s", s[2] ? s[2] : "");
        else
            ok = false;
        for (int j = 0; j < 3; j++)
            free(s[j]);
    }
    free(buf);
    return ok;
}

/* Writes the items with up to jobs worker processes while this one makes
 * their temporaries (making a file on ext4 is mostly waiting, up to 1 ms
 * here: it overlaps the workers' work). The outcome is the one run_here
 * would give: items are made and claimed in order, so every item before
 * the first failure was written, and the diagnostics are told in item
 * order up to and including that failure. */
static enum cbam_err run_workers(struct run *r, long jobs, diag_list *dl)
{
    size_t nw = (size_t)jobs < r->n ? (size_t)jobs : r->n;
    size_t size = sizeof(struct shared) + r->n * sizeof(int);
    size_t arena_size = r->n * (sizeof(size_t) + NAME_MAX_BYTES);
    struct shared *sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *arena =
        mmap(NULL, arena_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (sh == MAP_FAILED || arena == MAP_FAILED) {
        if (sh != MAP_FAILED)
            munmap(sh, size);
        if (arena != MAP_FAILED)
            munmap(arena, arena_size);
        return run_here(r, dl);
    }
    struct names_arena na = {(size_t *)(void *)arena, arena + r->n * sizeof(size_t), 0,
                             r->n * NAME_MAX_BYTES};
    atomic_init(&sh->next, 0);
    atomic_init(&sh->stop, SIZE_MAX);
    atomic_init(&sh->created, 0);
    atomic_init(&sh->end, SIZE_MAX);
    pid_t *pids = xcalloc(nw, sizeof *pids);
    int *fds = xcalloc(nw, sizeof *fds);
    size_t started = 0;
    for (; started < nw; started++) {
        int p[2];
        if (pipe(p) != 0)
            break;
        pid_t pid = workers_fork(SIGTERM);
        if (pid == 0) {
            outfile_signals_children(NULL, 0);
            close(p[0]);
            for (size_t w = 0; w < started; w++)
                close(fds[w]);
            free(pids); /* the parent's; unreferenced here, a leak to valgrind at the worker's exit */
            free(fds);
            worker(r, sh, &na, p[1]);
        }
        close(p[1]);
        if (pid < 0) {
            close(p[0]);
            break;
        }
        pids[started] = pid;
        fds[started] = p[0];
        outfile_signals_children(pids, started + 1);
    }
    enum cbam_err err = CBAM_OK;
    if (started == 0) {
        err = run_here(r, dl); /* no process could be made: this one writes them */
    } else {
        /* A name that cannot be made is told only if nothing before it failed. */
        diag_list pend;
        diag_list_init(&pend);
        enum cbam_err open_err = CBAM_OK;
        for (size_t k = 0; k < r->n && k <= atomic_load(&sh->stop); k++) {
            open_err = open_item(r, k, &pend);
            size_t len = open_err == CBAM_OK ? strlen(r->outs[k].tmp_path) + 1 : 0;
            if (open_err == CBAM_OK && len <= NAME_MAX_BYTES && na.used + len <= na.size) {
                na.off[k] = na.used;
                memcpy(na.text + na.used, r->outs[k].tmp_path, len);
                na.used += len;
            } else if (open_err == CBAM_OK) {
                diag_add(&pend, DIAG_ERROR, r->outs[k].path, 0, 0, "cannot write here: the name is too long");
                open_err = CBAM_ERR_CANTCREAT;
            }
            if (open_err != CBAM_OK)
                break;
            fclose(r->outs[k].fp); /* the worker opens it again: one file open per process */
            r->outs[k].fp = NULL;
            atomic_store(&sh->created, k + 1);
        }
        atomic_store(&sh->end, r->opened);
        /* The workers claim every item between them, however many started. */
        diag_list *per = xcalloc(r->n, sizeof *per);
        for (size_t k = 0; k < r->n; k++)
            diag_list_init(&per[k]);
        bool garbled = false;
        int bad_status = 0;
        for (size_t w = 0; w < started; w++) {
            if (!read_diags(fds[w], per, r->n))
                garbled = true;
            close(fds[w]);
            int status = 0;
            while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
                ;
            sigset_t held; /* reaped: the handler must not signal the pid again */
            outfile_hold_signals(&held);
            pids[w] = -1;
            outfile_release_signals(&held);
            if (bad_status == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
                bad_status = status;
        }
        outfile_signals_children(NULL, 0);
        for (size_t k = 0; k < r->opened && err == CBAM_OK; k++) {
            add_all(dl, &per[k]);
            if (sh->status[k] == 0 || garbled) {
                /* Claimed but not finished: a worker died (killed, out of memory). */
                if (bad_status != 0 && WIFSIGNALED(bad_status))
                    diag_add(
                        dl, DIAG_ERROR, NULL, 0, 0,
                        "a process writing the outputs ended by signal %d before it finished; nothing was "
                        "written",
                        WTERMSIG(bad_status));
                else
                    diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                             "a process writing the outputs ended before it finished (exit %d); nothing was "
                             "written",
                             WIFEXITED(bad_status) ? WEXITSTATUS(bad_status) : -1);
                err = CBAM_ERR_INTERNAL;
            } else if (sh->status[k] != 1) {
                err = (enum cbam_err)(sh->status[k] - 1);
            } else {
                r->outs[k].closed = 1; /* flushed and closed by its worker; synced at the commit */
            }
        }
        if (err == CBAM_OK && open_err != CBAM_OK) {
            add_all(dl, &pend);
            err = open_err;
        }
        diag_list_free(&pend);
        for (size_t k = 0; k < r->n; k++)
            diag_list_free(&per[k]);
        free(per);
    }
    free(pids);
    free(fds);
    munmap(sh, size);
    munmap(arena, arena_size);
    return err;
}

enum cbam_err outputs_write(const cli_report_args *a, const ledger *l, const alloc_result *res, diag_list *dl)
{
    size_t nxlsx = a->xlsx_dir ? res->n : a->xlsx_out ? 1 : 0;
    size_t ntpl = a->template_in == NULL ? 0 : a->template_dir ? res->n : a->template_out ? 1 : 0;
    size_t njson = a->json_dir ? res->n : 0;
    size_t max = (a->json_out ? 1 : 0) + nxlsx + njson + ntpl;
    template_doc *doc = NULL;
    template_plan **plans = xcalloc(res->n ? res->n : 1, sizeof *plans);
    struct plans ps = {res, plans};
    report_json_extra jx = {"template", plan_member, &ps};
    if (a->json_out != NULL && a->xlsx_out != NULL && outfile_same_target(a->json_out, a->xlsx_out)) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "--json %s and -o %s are the same file; give two names",
                 a->json_out, a->xlsx_out);
        free(plans);
        return CBAM_ERR_USAGE;
    }
    if (ntpl > 0) {
        enum cbam_err err = plan_templates(a, res, &doc, plans, dl);
        if (err != CBAM_OK) {
            for (size_t i = 0; i < res->n; i++)
                template_plan_free(plans[i]);
            free(plans);
            template_close(doc);
            return err;
        }
    }
    if (a->xlsx_dir != NULL && mkdir(a->xlsx_dir, 0777) != 0 && errno != EEXIST) {
        diag_add(dl, DIAG_ERROR, a->xlsx_dir, 0, 0, "cannot create the directory: %s", strerror(errno));
        for (size_t i = 0; i < res->n; i++)
            template_plan_free(plans[i]);
        free(plans);
        template_close(doc);
        return CBAM_ERR_CANTCREAT;
    }
    /* --split: one file name per enterprise, the same for its workbook and
     * JSON; ids whose safe names collide (case, characters a file name
     * cannot hold) get a numbered name and a note, never the same file. */
    char(*names)[OUTNAME_MAX + 1] = NULL;
    if (a->xlsx_dir != NULL || a->json_dir != NULL || a->template_dir != NULL) {
        names = xcalloc(res->n ? res->n : 1, sizeof *names);
        outname_set *set = outname_set_new();
        for (size_t i = 0; i < res->n; i++) {
            const char *id = res->ents[i].e->id;
            char stem[OUTNAME_MAX + 1];
            outname_safe(id, stem, sizeof stem);
            if (outname_unique(set, stem, id, names[i], sizeof names[i]) != 0)
                diag_add_ent(dl, DIAG_NOTE, id,
                             "enterprise %s is written as %s.xlsx and %s.json: the file name %s is taken by "
                             "enterprise %s (the ids differ only in case or in characters a file name cannot "
                             "hold, or %s.xlsx is that enterprise's filled template)",
                             id, names[i], names[i], stem, outname_set_owner(set, stem), stem);
            /* NAME.template.xlsx is this enterprise's filled template: an
             * enterprise whose id is NAME.template must not be written there. */
            if (a->template_dir != NULL) {
                char tpl[OUTNAME_MAX + 16];
                snprintf(tpl, sizeof tpl, "%s.template", names[i]);
                outname_set_add(set, tpl, id);
            }
        }
        outname_set_free(set);
    }
    /* The order is the order of writing with -j 1: the JSON, the workbooks,
     * the per-enterprise JSONs, the templates. */
    struct item *items = xcalloc(max ? max : 1, sizeof *items);
    size_t n = 0;
    if (a->json_out != NULL)
        items[n++] = (struct item){ITEM_JSON_ALL, 0};
    for (size_t i = 0; i < nxlsx; i++)
        items[n++] = (struct item){ITEM_XLSX, i};
    for (size_t i = 0; i < njson; i++)
        items[n++] = (struct item){ITEM_JSON, i};
    for (size_t i = 0; i < ntpl; i++)
        items[n++] = (struct item){ITEM_TPL, i};
    outfile *outs = xcalloc(max ? max : 1, sizeof *outs);
    outfile_signals saved;
    outfile_signals_install(&saved);
    struct run r = {.a = a,
                    .l = l,
                    .res = res,
                    .dl = dl,
                    .doc = a->template_doc ? a->template_doc : doc,
                    .plans = (const template_plan *const *)plans,
                    .jx = ntpl ? &jx : NULL,
                    .items = items,
                    .di = nxlsx + njson > 1 ? diag_index_make(dl, res) : NULL,
                    .names = names,
                    .outs = outs,
                    .n = n};
    /* Several processes only for several files (standard output is this
     * process's to write). */
    enum cbam_err err =
        a->jobs > 1 && n > 1 && a->json_out == NULL ? run_workers(&r, a->jobs, dl) : run_here(&r, dl);
    if (err == CBAM_OK) {
        err = outfile_commit_all(outs, n, dl);
    } else {
        for (size_t i = 0; i < r.opened; i++)
            outfile_abort(&outs[i]);
    }
    outfile_signals_restore(&saved);
    diag_index_free((struct diag_index *)r.di, res->n);
    free(outs);
    free(items);
    free(names);
    for (size_t i = 0; i < res->n; i++)
        template_plan_free(plans[i]);
    free(plans);
    template_close(doc);
    return err;
}
