/* outputs.h - writing a report run's outputs: all of them or none.
 *
 * Ownership: nothing is kept; the ledger and result belong to the caller.
 */
#ifndef CBAM_OUTPUTS_H
#define CBAM_OUTPUTS_H

#include "allocate.h"
#include "cbam_error.h"
#include "cli.h"
#include "diag.h"
#include "ledger.h"

/* Writes the outputs a asks for (--json, -o, --split) from res: every file
 * goes to a temporary first (closed once written: one open file at a time),
 * and they are renamed only when all were written; a failed rename puts the
 * outputs already replaced back (outfile_commit_all). While it runs, SIGINT
 * and SIGTERM remove the temporaries and end the process (128 + signal). */
/* The input (or the official template) that out names, NULL when none:
 * such an output is refused when it is opened, with its own message. */
const char *outputs_input_named(const cli_report_args *a, const char *out);

enum cbam_err outputs_write(const cli_report_args *a, const ledger *l, const alloc_result *res, diag_list *dl);

#endif
