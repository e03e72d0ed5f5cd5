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

#include <jansson.h>
#include <stdio.h>

/* What every cost output says about a carbon price paid in China. */
#define REPORT_JSON_COST_CHINA_NOTE                                                                          \
    "no carbon price paid in China is deducted for indirect emissions: China's national ETS covers direct "  \
    "emissions only (Reg. (EU) 2023/956 Art. 9)"

/* A member added to each enterprise's object by another module (the
 * official template's plan): fn returns a new reference, or NULL to add
 * nothing for that enterprise. */
typedef struct report_json_extra {
    const char *key;
    json_t *(*fn)(const alloc_enterprise *ae, void *ctx);
    void *ctx;
} report_json_extra;

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

/* The same with an extra member per enterprise (x may be NULL). */
enum cbam_err report_json_write_ex(FILE *f, const ledger *l, const alloc_result *r, const diag_list *dl,
                                   const report_json_extra *x);
enum cbam_err report_json_write_one_ex(FILE *f, const ledger *l, const alloc_enterprise *only, const diag_list *dl,
                                       const report_json_extra *x);

struct scenario_result;
/* The comparison of `cbamcalc scenario` (README "Scenarios"): baseline,
 * scenario and change, per enterprise, product and month. */
enum cbam_err report_json_write_scenario(FILE *f, const ledger *l, const struct scenario_result *r,
                                         const diag_list *dl);

#endif
