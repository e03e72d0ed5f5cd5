/* fuzz_common.h - what the libFuzzer harnesses share (tests/fuzz, `make fuzz`).
 *
 * An input of the report targets is up to three CSV files, split at the
 * first two 0x1E bytes: electricity, production, enterprises. They are read
 * the way `cbamcalc report` reads them (enterprises, electricity, the time-of-
 * use rows settled, production), in chunks of a size taken from the first
 * byte, and calculated when nothing was wrong. A last byte 0x1F (not part of
 * the files) reads the electricity file with --source grid.
 *
 * Ownership: a fuzz_run owns its ledger, diagnostics and result;
 * fuzz_run_free() releases them. fuzz_db() is built once and kept.
 */
#ifndef CBAM_FUZZ_COMMON_H
#define CBAM_FUZZ_COMMON_H

#include "allocate.h"
#include "diag.h"
#include "factors.h"
#include "ledger.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_run {
    ledger *l;
    diag_list dl;
    bool calculated; /* res holds a result with at least one enterprise */
    alloc_result res;
} fuzz_run;

/* The shipped factor tables, loaded on the first call. */
factors_db *fuzz_db(void);

/* Reads and calculates data as described above. */
void fuzz_run_input(fuzz_run *fr, const uint8_t *data, size_t size);
void fuzz_run_free(fuzz_run *fr);

/* A path for a temporary file of this process, unique per suffix. */
const char *fuzz_temp_path(const char *suffix);

/* Stops the run as a crash (libFuzzer keeps the input) with a message. */
void fuzz_fail(const char *what) __attribute__((noreturn));

#endif
