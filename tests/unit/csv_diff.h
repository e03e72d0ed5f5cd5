/* csv_diff.h - the CSV reader's fast splitter against libcsv: both read the
 * same bytes in several chunk sizes and must deliver the same records and
 * diagnostics (used by the unit tests and by fuzz_csv). */
#ifndef CBAM_CSV_DIFF_H
#define CBAM_CSV_DIFF_H

#include <stddef.h>

/* NULL when every run agrees; else a description of the first difference,
 * which the caller frees. */
char *csv_diff(const void *data, size_t len);

#endif
