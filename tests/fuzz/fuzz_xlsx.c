/* fuzz_xlsx.c - libFuzzer harness for the workbook writer: the input is read
 * and calculated as by fuzz_ingest (fuzz_common.h), then each enterprise's
 * workbook (at most two) is written to a temporary file with
 * report_xlsx_write(), in English or Chinese (bit 0x40 of the first byte).
 * The file must be a zip whose end-of-central-directory record is there and
 * points at a central directory; a figure that is not finite is a finding. */
#include "config.h"
#include "fuzz_common.h"
#include "report_xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The zip's end-of-central-directory record: within the last 64 KiB + 22
 * bytes (the comment may be up to 65535 bytes), pointing inside the file at
 * a central-directory header. */
static void check_zip(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fuzz_fail("the workbook was not written");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 65536 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = realloc(buf, cap);
            if (buf == NULL)
                fuzz_fail("out of memory reading the workbook");
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    long eocd = -1;
    for (size_t i = len >= 22 ? len - 22 + 1 : 0; i-- > 0 && len - i <= 22 + 65535;) {
        if (memcmp(buf + i, "PK\x05\x06", 4) == 0) {
            eocd = (long)i;
            break;
        }
    }
    if (eocd < 0)
        fuzz_fail("the workbook has no zip end-of-central-directory record");
    uint32_t cd_size = le32(buf + eocd + 12), cd_off = le32(buf + eocd + 16);
    if ((uint64_t)cd_off + cd_size > (uint64_t)eocd || cd_size < 46 || memcmp(buf + cd_off, "PK\x01\x02", 4) != 0)
        fuzz_fail("the workbook's end-of-central-directory record does not point at a central directory");
    if (len < 4 || memcmp(buf, "PK\x03\x04", 4) != 0)
        fuzz_fail("the workbook does not start with a zip local file header");
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run fr;
    fuzz_run_input(&fr, data, size);
    for (size_t i = 0; fr.calculated && i < fr.res.n && i < 2; i++) {
        const alloc_enterprise *ae = &fr.res.ents[i];
        const char *path = fuzz_temp_path(".xlsx");
        report_xlsx_opts xo = {.zh = size > 0 && (data[0] & 0x40) != 0,
                               .created = report_xlsx_created(ae->to_ord)};
        diag_list errs;
        diag_list_init(&errs);
        enum cbam_err err = report_xlsx_write(path, fr.l, ae, &fr.dl, &xo, &errs);
        if (err == CBAM_OK)
            check_zip(path);
        unlink(path);
        if (err != CBAM_OK) {
            for (size_t k = 0; k < errs.count; k++)
                diag_print(stderr, &errs.items[k]);
            fuzz_fail("report_xlsx_write failed on a calculated report");
        }
        diag_list_free(&errs);
    }
    fuzz_run_free(&fr);
    return 0;
}
