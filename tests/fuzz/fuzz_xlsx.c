/* fuzz_xlsx.c - libFuzzer harness for the workbook writer: the input is read
 * and calculated as by fuzz_ingest (fuzz_common.h), then each enterprise's
 * workbook (at most two) is written to a temporary file with
 * report_xlsx_write(), in English or Chinese (bit 0x40 of the first byte).
 * Writing must succeed (the inputs were accepted), and the file must be a
 * zip whose end-of-central-directory record points at a central directory;
 * every part must inflate to its size and CRC, and every XML part must be
 * valid UTF-8 (Excel refuses a workbook whose XML is not). */
#include "config.h"
#include "fuzz_common.h"
#include "report_xlsx.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* Inflates (or copies) one part and checks its size, CRC and, for XML, UTF-8. */
static void check_part(const unsigned char *buf, size_t len, const unsigned char *cd)
{
    uint32_t method = le16(cd + 10), crc = le32(cd + 16), csize = le32(cd + 20), usize = le32(cd + 24);
    uint32_t nlen = le16(cd + 28), off = le32(cd + 42);
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(nlen < 255 ? nlen : 255), (const char *)cd + 46);
    if ((uint64_t)off + 30 > len || memcmp(buf + off, "PK\x03\x04", 4) != 0)
        fuzz_fail("a central-directory entry does not point at a local file header");
    uint64_t data = (uint64_t)off + 30 + le16(buf + off + 26) + le16(buf + off + 28);
    if (data + csize > len)
        fuzz_fail("a part runs past the end of the workbook");
    unsigned char *out = malloc(usize ? usize : 1);
    if (out == NULL)
        fuzz_fail("out of memory inflating a part");
    if (method == 0) {
        if (csize != usize)
            fuzz_fail("a stored part's sizes differ");
        memcpy(out, buf + data, usize);
    } else if (method == 8) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
            fuzz_fail("inflateInit2 failed");
        z.next_in = (unsigned char *)buf + data;
        z.avail_in = csize;
        z.next_out = out;
        z.avail_out = usize;
        int zr = inflate(&z, Z_FINISH);
        if (zr != Z_STREAM_END || z.total_out != usize) {
            fprintf(stderr, "part %s\n", name);
            fuzz_fail("a part of the workbook does not inflate to its size");
        }
        inflateEnd(&z);
    } else {
        fuzz_fail("a part of the workbook has an unknown compression method");
    }
    if (crc32(0L, out, usize) != crc) {
        fprintf(stderr, "part %s\n", name);
        fuzz_fail("a part of the workbook does not match its CRC");
    }
    size_t bad;
    if ((strstr(name, ".xml") != NULL || strstr(name, ".rels") != NULL) &&
        !utf8_valid((const char *)out, usize, &bad)) {
        fprintf(stderr, "part %s: byte 0x%02x at offset %zu: ...%.*s\n", name, out[bad], bad,
                (int)(bad < 60 ? bad : 60), (const char *)out + bad - (bad < 60 ? bad : 60));
        fuzz_fail("an XML part of the workbook is not valid UTF-8");
    }
    free(out);
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
    if ((uint64_t)cd_off + cd_size > (uint64_t)eocd || cd_size < 46 ||
        memcmp(buf + cd_off, "PK\x01\x02", 4) != 0)
        fuzz_fail("the workbook's end-of-central-directory record does not point at a central directory");
    if (len < 4 || memcmp(buf, "PK\x03\x04", 4) != 0)
        fuzz_fail("the workbook does not start with a zip local file header");
    const unsigned char *cd = buf + cd_off, *cd_end = buf + cd_off + cd_size;
    for (uint32_t k = 0; k < le16(buf + eocd + 10); k++) {
        if (cd + 46 > cd_end || memcmp(cd, "PK\x01\x02", 4) != 0)
            fuzz_fail("the central directory holds fewer entries than its end record says");
        check_part(buf, len, cd);
        cd += 46 + le16(cd + 28) + le16(cd + 30) + le16(cd + 32);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_run fr;
    fuzz_run_input(&fr, data, size);
    for (size_t i = 0; fr.calculated && i < fr.res.n && i < 2; i++) {
        const alloc_enterprise *ae = &fr.res.ents[i];
        const char *path = fuzz_temp_path(".xlsx");
        /* a fixed creation time: the same input makes the same bytes */
        report_xlsx_opts xo = {.zh = size > 0 && (data[0] & 0x40) != 0, .created = 1767225600};
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
