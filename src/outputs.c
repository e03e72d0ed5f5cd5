/* outputs.c - the files a report run writes: the JSON, the workbook(s) and,
 * with --split, one of each per enterprise (see outputs.h). */
#include "config.h"
#include "outputs.h"
#include "outfile.h"
#include "outname.h"
#include "report_json.h"
#include "report_xlsx.h"
#include "template.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

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

/* A file DIR/ID.EXT of --split, the id made safe as a file name. */

/* Writes every output to a temporary file, closing each as soon as it is
 * written (a --split run of thousands of enterprises keeps one open at a
 * time), and renames them only when all were written: a run gives all its
 * outputs or none. SIGINT and SIGTERM remove the temporaries meanwhile. */
/* An output over one of the run's inputs would destroy the data it was
 * computed from (report -o el.csv -e el.csv, a batch client's output named
 * like its input): refused before anything is written. */
static bool over_input(const cli_report_args *a, const char *out, diag_list *dl)
{
    const char *const *lists[] = {a->electricity, a->production, a->enterprises, &a->processes};
    const size_t counts[] = {a->nelectricity, a->nproduction, a->nenterprises, a->processes != NULL};
    if (out == NULL || strcmp(out, "-") == 0)
        return false;
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < counts[k]; i++)
            if (strcmp(lists[k][i], "-") != 0 && outfile_same_target(out, lists[k][i])) {
                diag_add(dl, DIAG_ERROR, out, 0, 0, "would be written over the input %s; expected another name",
                         lists[k][i]);
                return true;
            }
    return false;
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

/* Opens the next output for a library that writes by file name
 * (libxlsxwriter, minizip): DIR/NAME.EXT with --split, else the one file;
 * the writer takes over the temporary file. NULL (and *err) on failure. */
static outfile *open_named(const cli_report_args *a, const char *dir, const char *name, const char *ext,
                           const char *single, outfile *outs, size_t *n, enum cbam_err *err, diag_list *dl)
{
    char path[4200];
    if (dir != NULL)
        snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    else
        snprintf(path, sizeof path, "%s", single);
    *err = open_output(a, path, &outs[*n], dl);
    if (*err != CBAM_OK)
        return NULL;
    outfile *of = &outs[(*n)++];
    fclose(of->fp);
    of->fp = NULL;
    return of;
}

enum cbam_err outputs_write(const cli_report_args *a, const ledger *l, const alloc_result *res, diag_list *dl)
{
    size_t nxlsx = a->xlsx_dir ? res->n : a->xlsx_out ? 1 : 0;
    size_t ntpl = a->template_in == NULL ? 0 : a->template_dir ? res->n : a->template_out ? 1 : 0;
    size_t max = (a->json_out ? 1 : 0) + nxlsx + (a->json_dir ? res->n : 0) + ntpl;
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
                             "hold)",
                             id, names[i], names[i], stem, outname_set_owner(set, stem));
        }
        outname_set_free(set);
    }
    outfile *outs = xcalloc(max ? max : 1, sizeof *outs);
    outfile_signals saved;
    outfile_signals_install(&saved);
    size_t n = 0;
    enum cbam_err err = CBAM_OK;
    if (a->json_out != NULL) {
        err = open_output(a, a->json_out, &outs[n], dl);
        if (err == CBAM_OK) {
            outfile *of = &outs[n++];
            errno = 0;
            err = report_json_write_ex(of->fp, l, res, dl, ntpl ? &jx : NULL);
            if (err != CBAM_OK)
                json_failed(err, of, dl);
            else
                err = outfile_close(of, dl);
        }
    }
    for (size_t i = 0; err == CBAM_OK && i < nxlsx; i++) {
        const alloc_enterprise *ae = &res->ents[i];
        outfile *of = open_named(a, a->xlsx_dir, names ? names[i] : NULL, ".xlsx", a->xlsx_out, outs, &n, &err, dl);
        if (of == NULL)
            break;
        report_xlsx_opts xo = {.zh = a->zh, .created = report_xlsx_created(ae->to_ord)};
        /* libxlsxwriter's staging files are unlinked right after they are
         * made: a signal in between would leave one (in /dev/shm). */
        sigset_t held;
        outfile_hold_signals(&held);
        err = report_xlsx_write(of->tmp_path, l, ae, dl, &xo, dl);
        outfile_release_signals(&held);
        if (err == CBAM_OK)
            err = outfile_close(of, dl);
    }
    for (size_t i = 0; err == CBAM_OK && a->json_dir != NULL && i < res->n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.json", a->json_dir, names[i]);
        err = open_output(a, path, &outs[n], dl);
        if (err != CBAM_OK)
            break;
        outfile *of = &outs[n++];
        errno = 0;
        err = report_json_write_one_ex(of->fp, l, &res->ents[i], dl, ntpl ? &jx : NULL);
        if (err != CBAM_OK)
            json_failed(err, of, dl);
        else
            err = outfile_close(of, dl);
    }
    for (size_t i = 0; err == CBAM_OK && i < ntpl; i++) {
        outfile *of = open_named(a, a->template_dir, names ? names[i] : NULL, ".template.xlsx",
                                 a->template_out, outs, &n, &err, dl);
        if (of == NULL)
            break;
        err = template_fill(a->template_doc ? a->template_doc : doc, plans[i], of->tmp_path, dl);
        if (err == CBAM_OK)
            err = outfile_close(of, dl);
    }
    if (err == CBAM_OK) {
        err = outfile_commit_all(outs, n, dl);
    } else {
        for (size_t i = 0; i < n; i++)
            outfile_abort(&outs[i]);
    }
    outfile_signals_restore(&saved);
    free(outs);
    free(names);
    for (size_t i = 0; i < res->n; i++)
        template_plan_free(plans[i]);
    free(plans);
    template_close(doc);
    return err;
}
