/* fuzz_json.c - libFuzzer harness for the JSON writer: the input is read and
 * calculated as by fuzz_ingest (fuzz_common.h), then the report and each
 * enterprise's report (at most two) are written with report_json_write() and
 * report_json_write_one() into memory. jansson must parse every one back; a
 * figure that is not finite is a finding. */
#include "config.h"
#include "fuzz_common.h"
#include "report_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* Writes one report with write(f) and parses it back. */
static void check(enum cbam_err (*write)(FILE *, const fuzz_run *, size_t), const fuzz_run *fr, size_t i)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        fuzz_fail("open_memstream failed");
    enum cbam_err err = write(f, fr, i);
    if (fclose(f) != 0)
        fuzz_fail("writing to memory failed");
    if (err != CBAM_OK)
        fuzz_fail(err == CBAM_ERR_INTERNAL ? "a figure of a calculated report is not finite"
                                           : "report_json_write failed on a calculated report");
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (root == NULL) {
        fprintf(stderr, "line %d column %d: %s\n", je.line, je.column, je.text);
        fuzz_fail("the JSON report does not parse");
    }
    if (!json_is_object(root))
        fuzz_fail("the JSON report is not an object");
    json_decref(root);
    free(buf);
}

static enum cbam_err write_all(FILE *f, const fuzz_run *fr, size_t i)
{
    (void)i;
    return report_json_write(f, fr->l, &fr->res, &fr->dl);
}

static enum cbam_err write_one(FILE *f, const fuzz_run *fr, size_t i)
{
    return report_json_write_one(f, fr->l, &fr->res.ents[i], &fr->dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run fr;
    fuzz_run_input(&fr, data, size);
    if (fr.calculated) {
        check(write_all, &fr, 0);
        for (size_t i = 0; i < fr.res.n && i < 2; i++)
            check(write_one, &fr, i);
    }
    fuzz_run_free(&fr);
    return 0;
}
