/* fuzz_common.c - reading a fuzz input into a calculated report (fuzz_common.h). */
#include "config.h"
#include "fuzz_common.h"
#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

factors_db *fuzz_db(void)
{
    static factors_db *db;
    if (db == NULL) {
        diag_list dl;
        diag_list_init(&dl);
        db = factors_new();
        if (factors_load_builtin(db, &dl) != CBAM_OK)
            fuzz_fail("the shipped factor tables do not load");
        diag_list_free(&dl);
    }
    return db;
}

void fuzz_run_input(fuzz_run *fr, const uint8_t *data, size_t size)
{
    memset(fr, 0, sizeof *fr);
    diag_list_init(&fr->dl);
    fr->l = ledger_new();
    size_t chunk = size > 0 ? (size_t)data[0] % 64 + 1 : 1;
    /* A last byte 0x1F: --source grid for the electricity file (a bill without a source column). */
    bool grid_source = size > 0 && data[size - 1] == 0x1F;
    if (grid_source)
        size--;
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
    ingest_opts o = {.chunk_size = chunk};
    enum cbam_err err = CBAM_OK, e;
    if (part[2] != NULL && (e = ingest_mem(fr->l, fuzz_db(), INGEST_ENTERPRISES, "i.csv", part[2], len[2], &o,
                                           &fr->dl)) != CBAM_OK)
        err = e;
    ingest_opts eo = o;
    eo.has_source = grid_source;
    eo.source = SUPPLY_GRID;
    if ((e = ingest_mem(fr->l, fuzz_db(), INGEST_ELECTRICITY, "e.csv", part[0], len[0], &eo, &fr->dl)) !=
        CBAM_OK)
        err = e;
    ingest_finish(fr->l, &fr->dl);
    if (part[1] != NULL && (e = ingest_mem(fr->l, fuzz_db(), INGEST_PRODUCTION, "p.csv", part[1], len[1], &o,
                                           &fr->dl)) != CBAM_OK)
        err = e;
    if (err != CBAM_OK || fr->dl.errors > 0)
        return;
    alloc_opts ao = {0};
    fr->calculated = alloc_run(fr->l, fuzz_db(), &ao, &fr->res, &fr->dl) == CBAM_OK && fr->res.n > 0;
}

void fuzz_run_free(fuzz_run *fr)
{
    alloc_result_free(&fr->res);
    ledger_free(fr->l);
    diag_list_free(&fr->dl);
}

const char *fuzz_temp_path(const char *suffix)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/cbam-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
    return path;
}

void fuzz_fail(const char *what)
{
    fprintf(stderr, "cbamcalc fuzz: %s\n", what);
    abort();
}
