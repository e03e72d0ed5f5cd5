/* fuzz_manifest.c - libFuzzer harness for the batch manifest reader: the
 * input is written to a temporary manifest.csv (batch_read_manifest() reads a
 * path), read into a plan and sharded (1 or 2 of 2, from the first byte).
 * Every job must have a client and output names. Inputs are never opened:
 * batch_job_key() would read whatever paths the manifest names. */
#include "config.h"
#include "batch.h"
#include "fuzz_common.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[256], path[300];
    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "%s", fuzz_temp_path("-manifest"));
        snprintf(path, sizeof path, "%s/manifest.csv", dir);
        if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0)
            fuzz_fail("cannot make the temporary directory");
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write the temporary manifest");
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    if (batch_read_manifest(path, &p, &dl) == CBAM_OK) {
        for (size_t i = 0; i < p.n; i++)
            if (p.jobs[i].client == NULL || p.jobs[i].output == NULL || p.jobs[i].json == NULL)
                fuzz_fail("a job of the manifest has no client or output");
        batch_plan_shard(&p, size > 0 && (data[0] & 1) ? 2 : 1, 2);
    }
    batch_plan_free(&p);
    diag_list_free(&dl);
    unlink(path);
    return 0;
}
