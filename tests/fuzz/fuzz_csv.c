/* fuzz_csv.c - libFuzzer harness for the CSV reader's fast splitter: any
 * bytes must give the records and diagnostics libcsv gives (csv_diff.h). */
#include "config.h"
#include "../unit/csv_diff.h"
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *diff = csv_diff(data, size);
    if (diff != NULL) {
        fputs(diff, stderr);
        fuzz_fail("the fast splitter and libcsv disagree");
    }
    return 0;
}
