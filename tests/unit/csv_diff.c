/* csv_diff.c - see csv_diff.h. */
#include "config.h"
#include "csv_diff.h"
#include "csvin.h"
#include "diag.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run's records and diagnostics, flattened into one text. */
struct flat {
    char *buf;
    size_t len;
    FILE *f;
};

static int flat_row(void *vf, const csvin_row *row)
{
    struct flat *fl = vf;
    fprintf(fl->f, "%ld:%zu", row->line, row->nfields);
    for (size_t i = 0; i < row->nfields; i++) {
        fprintf(fl->f, "|%zu:", row->len[i]);
        fwrite(row->field[i], 1, row->len[i], fl->f);
    }
    fputc('\n', fl->f);
    return 0;
}

static char *flatten(const void *data, size_t len, size_t chunk, bool libcsv_only)
{
    struct flat fl = {NULL, 0, NULL};
    fl.f = open_memstream(&fl.buf, &fl.len);
    if (fl.f == NULL)
        abort();
    diag_list dl;
    diag_list_init(&dl);
    csvin_opts o = {.chunk_size = chunk, .libcsv_only = libcsv_only};
    csvin_stats st;
    enum cbam_err err = csvin_read_mem("t.csv", data, len, &o, flat_row, &fl, &dl, &st);
    fprintf(fl.f, "err %d, %zu records, %zu bytes, sha %s\n", (int)err, st.records, st.bytes, st.sha256);
    for (size_t i = 0; i < dl.count; i++)
        fprintf(fl.f, "diag %d %ld:%d %s\n", (int)dl.items[i].severity, dl.items[i].line, dl.items[i].column,
                dl.items[i].message);
    diag_list_free(&dl);
    if (fclose(fl.f) != 0)
        abort();
    return fl.buf;
}

char *csv_diff(const void *data, size_t len)
{
    /* The same chunk size both ways: how far a failed file is read (so its
     * byte count and hash) depends on it. */
    static const size_t chunks[] = {1, 2, 3, 7, 64, 4096, 0};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        size_t chunk = chunks[k] ? chunks[k] : len + 1;
        char *want = flatten(data, len, chunk, true);
        char *got = flatten(data, len, chunk, false);
        bool same = strcmp(got, want) == 0;
        char *msg = NULL;
        if (!same) {
            size_t n = strlen(got) + strlen(want) + 200;
            msg = malloc(n);
            if (msg == NULL)
                abort();
            snprintf(msg, n, "chunk %zu: the fast splitter gave\n%s\nlibcsv gave\n%s", chunk, got, want);
        }
        free(got);
        free(want);
        if (!same)
            return msg;
    }
    return NULL;
}
