/* fuzz_ingest.c - libFuzzer harness over the whole ingest path: encoding and
 * delimiter detection, CSV, header matching, number/period/unit parsing, time-
 * of-use settling and the calculation. The input is split at the first two
 * 0x1E bytes into an electricity, a production and an enterprises file; each
 * is read in chunks of a size taken from the first byte. Built by `make fuzz`
 * with clang -fsanitize=fuzzer,address,undefined. */
#include "config.h"
#include "allocate.h"
#include "factors.h"
#include "ingest.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static factors_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (db == NULL) {
        diag_list dl;
        diag_list_init(&dl);
        db = factors_new();
        factors_load_builtin(db, &dl);
        diag_list_free(&dl);
    }
    size_t chunk = size > 0 ? (size_t)data[0] % 64 + 1 : 1;
    const uint8_t *part[3] = {data, NULL, NULL};
    size_t len[3] = {size, 0, 0};
    for (int k = 1; k < 3; k++) {
        const uint8_t *sep = memchr(part[k - 1], 0x1E, len[k - 1]);
        if (sep == NULL)
            break;
        part[k] = sep + 1;
        len[k] = len[k - 1] - (size_t)(part[k] - part[k - 1]);
        len[k - 1] = (size_t)(sep - part[k - 1]);
    }
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    ingest_opts o = {.chunk_size = chunk};
    static const enum ingest_kind kinds[3] = {INGEST_ELECTRICITY, INGEST_PRODUCTION, INGEST_ENTERPRISES};
    static const char *const names[3] = {"e.csv", "p.csv", "i.csv"};
    for (int k = 0; k < 3; k++)
        if (part[k] != NULL)
            ingest_mem(l, db, kinds[k], names[k], part[k], len[k], &o, &dl);
    ingest_finish(l, &dl);
    if (dl.errors == 0) {
        alloc_opts ao = {0};
        alloc_result res;
        alloc_run(l, db, &ao, &res, &dl);
        alloc_result_free(&res);
    }
    ledger_free(l);
    diag_list_free(&dl);
    return 0;
}
