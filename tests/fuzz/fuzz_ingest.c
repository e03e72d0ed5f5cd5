/* fuzz_ingest.c - libFuzzer harness over the whole ingest path: encoding and
 * delimiter detection, CSV, header matching, number/period/unit parsing, time-
 * of-use settling and the calculation. The input is split at the first two
 * 0x1E bytes into an electricity, a production and an enterprises file; each
 * is read in chunks of a size taken from the first byte (fuzz_common.h).
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include "config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run fr;
    fuzz_run_input(&fr, data, size);
    fuzz_run_free(&fr);
    return 0;
}
