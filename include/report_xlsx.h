/* report_xlsx.h - the Excel workbook: the report a consultant hands over.
 *
 * One workbook per enterprise, sheets Summary, Electricity, Products,
 * CBAM_Communication, Factors, Data_Quality and Method (README "Workbook").
 * Every derived figure is a formula with a cached value that reaches back to
 * the factor values on Factors, so an auditor sees how each number is made
 * and an edited factor recalculates every sheet; the cached values are the
 * engine's own numbers, the same as the JSON. Input text is always written
 * as text, and cut only on a UTF-8 boundary. The same inputs and the same
 * SOURCE_DATE_EPOCH give a byte-identical file.
 */
#ifndef CBAM_REPORT_XLSX_H
#define CBAM_REPORT_XLSX_H

#include "allocate.h"
#include "cbam_error.h"
#include "diag.h"
#include "ledger.h"

#include <stdbool.h>
#include <time.h>

typedef struct report_xlsx_opts {
    bool zh;        /* Chinese labels (--lang zh) */
    time_t created; /* document creation time: fixed for reproducible files */
    const struct scenario_result *scenario; /* `scenario -o`: adds the Scenario sheet; NULL: none */
} report_xlsx_opts;

/* Writes the workbook of enterprise ae to path (a temporary name: the
 * caller renames it). The parts are staged in CBAMCALC_TMPDIR, else in
 * /dev/shm, else in path's directory, whichever has room; the written file
 * is read back (xlsxzip_verify) before it counts as written.
 * CBAM_ERR_CANTCREAT when there is no room or the file is not complete;
 * problems are reported in errs. */
enum cbam_err report_xlsx_write(const char *path, const ledger *l, const alloc_enterprise *ae,
                                const diag_list *dl, const report_xlsx_opts *o, diag_list *errs);

/* The creation time: SOURCE_DATE_EPOCH when set (and a valid number; 0 is
 * 1970-01-01), else now. What a workbook was made from is its inputs' hash
 * (Summary, every page's footer), which reruns on the same files share. */
time_t report_xlsx_created(void);

#endif
