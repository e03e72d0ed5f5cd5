/* outputs.c - the files a report run writes: the JSON, the workbook(s) and,
 * with --split, one of each per enterprise (see outputs.h). */
#include "config.h"
#include "outputs.h"
#include "outfile.h"
#include "report_json.h"
#include "report_xlsx.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes every output to a temporary file first and renames them only when
 * all were written: a run gives all its outputs or none. */
enum cbam_err outputs_write(const cli_report_args *a, const ledger *l, const alloc_result *res,
                                   diag_list *dl)
{
    size_t max = 1 + (a->xlsx_out ? 1 : 0) + (a->xlsx_dir ? res->n : 0) + (a->json_dir ? res->n : 0);
    outfile *outs = xcalloc(max, sizeof *outs);
    size_t n = 0;
    enum cbam_err err = CBAM_OK;
    if (a->json_out != NULL) {
        err = outfile_open(&outs[n], a->json_out, dl);
        if (err == CBAM_OK) {
            n++;
            err = report_json_write(outs[n - 1].fp, l, res, dl);
            if (err == CBAM_ERR_INTERNAL)
                diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                         "a computed figure is not a finite number; this is a bug, please report it");
        }
    }
    for (size_t i = 0; err == CBAM_OK && i < (a->xlsx_dir ? res->n : a->xlsx_out ? 1 : 0); i++) {
        const alloc_enterprise *ae = &res->ents[i];
        char path[4200];
        if (a->xlsx_dir != NULL) {
            char name[128];
            outfile_safe_name(ae->e->id, name, sizeof name);
            snprintf(path, sizeof path, "%s/%s.xlsx", a->xlsx_dir, name);
        } else {
            snprintf(path, sizeof path, "%s", a->xlsx_out);
        }
        err = outfile_open(&outs[n], path, dl);
        if (err != CBAM_OK)
            break;
        n++;
        /* libxlsxwriter writes by file name: it takes over the temporary file. */
        fclose(outs[n - 1].fp);
        outs[n - 1].fp = NULL;
        report_xlsx_opts xo = {.zh = a->zh, .created = report_xlsx_created(ae->to_ord)};
        err = report_xlsx_write(outs[n - 1].tmp_path, l, ae, dl, &xo, dl);
    }
    for (size_t i = 0; err == CBAM_OK && a->json_dir != NULL && i < res->n; i++) {
        char name[128], path[4200];
        outfile_safe_name(res->ents[i].e->id, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s.json", a->json_dir, name);
        err = outfile_open(&outs[n], path, dl);
        if (err != CBAM_OK)
            break;
        n++;
        err = report_json_write_one(outs[n - 1].fp, l, &res->ents[i], dl);
    }
    for (size_t i = 0; i < n; i++) {
        if (err == CBAM_OK)
            err = outfile_commit(&outs[i], dl);
        else
            outfile_abort(&outs[i]);
    }
    free(outs);
    return err;
}

