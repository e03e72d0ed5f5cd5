/* report_json.h - the JSON report: the machine interface of cbamcalc.
 *
 * Keys are fixed (README "JSON output"); numbers are written in full
 * precision (%.17g), never rounded; a figure that is undefined (specific
 * emissions of a product with no production) is null.
 */
#ifndef CBAM_REPORT_JSON_H
#define CBAM_REPORT_JSON_H

#include "allocate.h"
#include "cbam_error.h"
#include "diag.h"
#include "ledger.h"

#include <stdio.h>

/* Writes the report to f, streamed: one enterprise's tree in memory at a
 * time. CBAM_ERR_INTERNAL when a number is not finite (a bug; writing stops
 * before that enterprise), CBAM_ERR_CANTCREAT when writing fails, with errno
 * saying why (e.g. ENOSPC). f may hold a partial report after a failure: the
 * caller writes to a temporary file (outfile.h). */
enum cbam_err report_json_write(FILE *f, const ledger *l, const alloc_result *r, const diag_list *dl);

/* The report of one enterprise: its figures, and the diagnostics about it or
 * about the files (not those about other enterprises). */
enum cbam_err report_json_write_one(FILE *f, const ledger *l, const alloc_enterprise *only,
                                    const diag_list *dl);

#endif
