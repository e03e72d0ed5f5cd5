/* test_xlsx.c - the workbook's read-back check (xlsxzip): a good workbook
 * passes; the same file cut at any length, a flipped byte, or a well-formed
 * zip whose XML part was cut short (what a full staging directory gives) is
 * refused; a replaced part reads back; a staging directory that cannot be
 * used refuses before anything is written; an enterprise with interval rows
 * gets the Hourly sheet after Electricity, with its colour scale and chart,
 * read back as the eighth sheet and the fourth chart. */
#include "config.h"
#include "allocate.h"
#include "ingest.h"
#include "report_xlsx.h"
#include "tests.h"
#include "xlsxpatch.h"
#include "xlsxzip.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char *const parts[] = {
    "[Content_Types].xml",      "_rels/.rels",         "docProps/core.xml",    "docProps/app.xml",
    "xl/workbook.xml",          "xl/styles.xml",       "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet7.xml", "xl/charts/chart3.xml"};
#define NPARTS (sizeof parts / sizeof *parts)

static char dir[64];
static char good[128];
static unsigned char *good_data;
static size_t good_len;

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    unsigned char *d = malloc((size_t)n);
    ck_assert_uint_eq(fread(d, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return d;
}

/* One real workbook, made by report_xlsx_write from a small ledger. */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cbam-xlsx-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(good, sizeof good, "%s/good.xlsx", dir);
    diag_list dl;
    diag_list_init(&dl);
    factors_db *db = factors_new();
    factors_load_builtin(db, &dl);
    ledger *l = ledger_new();
    ingest_opts io = {0};
    static const char e[] = "enterprise_id,period,source,kwh,factor_id\n"
                            "E1,2023-05,grid,1000,\n"
                            "E1,2023-05,supplier,600,yuncheng-etdz-2025\n"
                            "E1,2023-06,grid,900,\n";
    static const char p[] = "enterprise_id,period,product_id,quantity,unit\n"
                            "E1,2023-05,A,10,t\nE1,2023-05,B,5,t\nE1,2023-06,A,8,t\n";
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "e.csv", e, strlen(e), &io, &dl), CBAM_OK);
    ck_assert_int_eq(ingest_mem(l, db, INGEST_PRODUCTION, "p.csv", p, strlen(p), &io, &dl), CBAM_OK);
    alloc_opts ao = {0};
    alloc_result res;
    ck_assert_int_eq(alloc_run(l, db, &ao, &res, &dl), CBAM_OK);
    report_xlsx_opts xo = {.created = 1700000000};
    unsetenv("CBAMCALC_TMPDIR");
    ck_assert_int_eq(report_xlsx_write(good, l, &res.ents[0], &dl, &xo, &dl), CBAM_OK);
    alloc_result_free(&res);
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
    good_data = read_file(good, &good_len);
}

static void teardown(void)
{
    free(good_data);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static bool verify(const char *path, char *why, size_t size)
{
    return xlsxzip_verify(path, parts, NPARTS, why, size);
}

START_TEST(good_workbook_passes)
{
    char why[256] = "";
    ck_assert_msg(verify(good, why, sizeof why), "%s", why);
    const char *more[] = {"xl/worksheets/sheet8.xml"};
    ck_assert(!xlsxzip_verify(good, more, 1, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "sheet8.xml is missing"));
}
END_TEST

/* Every cut is refused: the end record is at the very end of a zip. */
START_TEST(every_cut_is_refused)
{
    char path[160], why[256];
    snprintf(path, sizeof path, "%s/cut.xlsx", dir);
    size_t tested = 0;
    for (size_t len = 0; len < good_len; len += len < 64 || len > good_len - 64 ? 1 : 61) {
        write_file(path, good_data, len);
        why[0] = '\0';
        ck_assert_msg(!verify(path, why, sizeof why), "a cut at %zu of %zu bytes passed", len, good_len);
        ck_assert(why[0] != '\0');
        tested++;
    }
    ck_assert_uint_gt(tested, 100);
}
END_TEST

START_TEST(flipped_byte_is_refused)
{
    char path[160], why[256];
    snprintf(path, sizeof path, "%s/flip.xlsx", dir);
    for (size_t at = 40; at < good_len / 2; at += good_len / 7) {
        unsigned char *d = malloc(good_len);
        memcpy(d, good_data, good_len);
        d[at] ^= 0x5A;
        write_file(path, d, good_len);
        free(d);
        ck_assert_msg(!verify(path, why, sizeof why), "a flipped byte at %zu passed", at);
    }
}
END_TEST

/* A minimal zip of stored parts, as a failing staging write leaves it: every
 * record right, the content short. */
static void put16(unsigned char **p, unsigned v)
{
    *(*p)++ = (unsigned char)(v & 0xFF);
    *(*p)++ = (unsigned char)(v >> 8);
}

static void put32(unsigned char **p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *(*p)++ = (unsigned char)(v >> (8 * i));
}

static void stored_zip(const char *path, const char *const *names, const char *const *texts, size_t n)
{
    unsigned char buf[8192], *p = buf;
    uint32_t off[16];
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), tl = strlen(texts[i]);
        uint32_t crc = (uint32_t)crc32(0, (const Bytef *)texts[i], (uInt)tl);
        off[i] = (uint32_t)(p - buf);
        put32(&p, 0x04034b50);
        put16(&p, 20), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0x21);
        put32(&p, crc), put32(&p, (uint32_t)tl), put32(&p, (uint32_t)tl);
        put16(&p, (unsigned)nl), put16(&p, 0);
        memcpy(p, names[i], nl), p += nl;
        memcpy(p, texts[i], tl), p += tl;
    }
    unsigned char *cd = p;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), tl = strlen(texts[i]);
        uint32_t crc = (uint32_t)crc32(0, (const Bytef *)texts[i], (uInt)tl);
        put32(&p, 0x02014b50);
        put16(&p, 20), put16(&p, 20), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0x21);
        put32(&p, crc), put32(&p, (uint32_t)tl), put32(&p, (uint32_t)tl);
        put16(&p, (unsigned)nl), put16(&p, 0), put16(&p, 0), put16(&p, 0), put16(&p, 0);
        put32(&p, 0), put32(&p, off[i]);
        memcpy(p, names[i], nl), p += nl;
    }
    uint32_t cd_size = (uint32_t)(p - cd), cd_off = (uint32_t)(cd - buf);
    put32(&p, 0x06054b50);
    put16(&p, 0), put16(&p, 0), put16(&p, (unsigned)n), put16(&p, (unsigned)n);
    put32(&p, cd_size), put32(&p, cd_off), put16(&p, 0);
    write_file(path, buf, (size_t)(p - buf));
}

START_TEST(part_cut_short_is_refused)
{
    char path[160], why[256];
    snprintf(path, sizeof path, "%s/short.xlsx", dir);
    const char *names[] = {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"};
    const char *whole[] = {
        "<?xml version=\"1.0\"?>\n<Types a=\"1\"></Types>", "<workbook/>",
        "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\"/></sheetData></worksheet>\n"};
    const char *cut[] = {whole[0], whole[1],
                         "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\"/></sheetDa"};
    const char *cut2[] = {whole[0], whole[1], "<?xml version=\"1.0\"?><worksheet><sheetData></sheetData>"};
    stored_zip(path, names, whole, 3);
    ck_assert_msg(xlsxzip_verify(path, names, 3, why, sizeof why), "%s", why);
    stored_zip(path, names, cut, 3);
    ck_assert(!xlsxzip_verify(path, names, 3, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "sheet1.xml is cut short"));
    stored_zip(path, names, cut2, 3);
    ck_assert(!xlsxzip_verify(path, names, 3, why, sizeof why));
}
END_TEST

START_TEST(replaced_part_reads_back)
{
    char why[256];
    static const char core[] = "<?xml version=\"1.0\"?><cp:coreProperties>x</cp:coreProperties>";
    ck_assert_msg(xlsxzip_replace(good, "docProps/core.xml", core, strlen(core), why, sizeof why), "%s", why);
    ck_assert_msg(verify(good, why, sizeof why), "%s", why);
    char *d;
    size_t len;
    ck_assert(xlsxpatch_read(good, "docProps/core.xml", &d, &len, NULL, why, sizeof why));
    ck_assert_uint_eq(len, strlen(core));
    ck_assert_str_eq(d, core);
    free(d);
    /* the others are untouched */
    ck_assert(xlsxpatch_read(good, "xl/workbook.xml", &d, &len, NULL, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(d, "<sheet name=\"Method\""));
    free(d);
}
END_TEST

START_TEST(unusable_staging_refuses_first)
{
    char path[160];
    snprintf(path, sizeof path, "%s/none.xlsx", dir);
    diag_list dl;
    diag_list_init(&dl);
    factors_db *db = factors_new();
    factors_load_builtin(db, &dl);
    ledger *l = ledger_new();
    ingest_opts io = {0};
    static const char e[] = "enterprise_id,period,source,kwh\nE1,2023-05,grid,1000\n";
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "e.csv", e, strlen(e), &io, &dl), CBAM_OK);
    alloc_opts ao = {0};
    alloc_result res;
    ck_assert_int_eq(alloc_run(l, db, &ao, &res, &dl), CBAM_OK);
    report_xlsx_opts xo = {.created = 1700000000};
    setenv("CBAMCALC_TMPDIR", "/nonexistent-cbam-staging", 1);
    ck_assert_int_eq(report_xlsx_write(path, l, &res.ents[0], &dl, &xo, &dl), CBAM_ERR_CANTCREAT);
    unsetenv("CBAMCALC_TMPDIR");
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_ptr_nonnull(strstr(dl.items[dl.count - 1].message, "CBAMCALC_TMPDIR"));
    alloc_result_free(&res);
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
}
END_TEST

START_TEST(hourly_sheet_written)
{
    char path[160], why[256];
    snprintf(path, sizeof path, "%s/hourly.xlsx", dir);
    diag_list dl;
    diag_list_init(&dl);
    factors_db *db = factors_new();
    factors_load_builtin(db, &dl);
    ledger *l = ledger_new();
    ingest_opts io = {0};
    /* One day of hourly rows in March: the other days have no load (empty heatmap cells, never NaN). */
    size_t cap = 64 + 24 * 2 * 48, len = 0;
    char *e = malloc(cap);
    len += (size_t)snprintf(e + len, cap - len, "enterprise_id,period,meter_id,source,kwh\n");
    for (int h = 0; h < 24; h++) {
        len += (size_t)snprintf(e + len, cap - len, "E1,2025-03-01 %02d:00,L,load,100\n", h);
        len += (size_t)snprintf(e + len, cap - len, "E1,2025-03-01 %02d:00,D,green_direct,%d\n", h,
                                h >= 11 && h <= 13 ? 150 : 0);
    }
    ck_assert_uint_lt(len, cap);
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "e.csv", e, len, &io, &dl), CBAM_OK);
    free(e);
    alloc_opts ao = {0};
    alloc_result res;
    ck_assert_int_eq(alloc_run(l, db, &ao, &res, &dl), CBAM_OK);
    ck_assert_ptr_nonnull(res.ents[0].hourly);
    ck_assert_uint_eq(res.ents[0].hourly->nmatched, 1);
    report_xlsx_opts xo = {.created = 1700000000};
    ck_assert_int_eq(report_xlsx_write(path, l, &res.ents[0], &dl, &xo, &dl), CBAM_OK);
    const char *more[NPARTS + 3];
    memcpy(more, parts, sizeof parts);
    more[NPARTS] = "xl/worksheets/sheet8.xml";
    more[NPARTS + 1] = "xl/charts/chart4.xml";
    more[NPARTS + 2] = "xl/drawings/drawing2.xml";
    ck_assert_msg(xlsxzip_verify(path, more, NPARTS + 3, why, sizeof why), "%s", why);
    char *d;
    size_t n;
    ck_assert(xlsxpatch_read(path, "xl/workbook.xml", &d, &n, NULL, why, sizeof why));
    const char *el = strstr(d, "<sheet name=\"Electricity\""), *ho = strstr(d, "<sheet name=\"Hourly\""),
               *pr = strstr(d, "<sheet name=\"Products\"");
    ck_assert(el != NULL && ho != NULL && pr != NULL && el < ho && ho < pr);
    free(d);
    ck_assert(xlsxpatch_read(path, "xl/worksheets/sheet3.xml", &d, &n, NULL, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(d, "<colorScale>"));
    ck_assert_ptr_nonnull(strstr(d, "<drawing "));
    /* libxlsxwriter writes numbers with %.16G: NAN or INF, were one to slip through */
    static const char *const nonfinite[] = {"<v>nan", "<v>-nan", "<v>inf", "<v>-inf",
                                            "<v>NAN", "<v>-NAN", "<v>INF", "<v>-INF"};
    for (size_t i = 0; i < sizeof nonfinite / sizeof *nonfinite; i++)
        ck_assert_ptr_null(strstr(d, nonfinite[i]));
    free(d);
    alloc_result_free(&res);
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
}
END_TEST

Suite *suite_xlsx(void)
{
    Suite *s = suite_create("xlsx");
    TCase *tc = tcase_create("readback");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, good_workbook_passes);
    tcase_add_test(tc, every_cut_is_refused);
    tcase_add_test(tc, flipped_byte_is_refused);
    tcase_add_test(tc, part_cut_short_is_refused);
    tcase_add_test(tc, replaced_part_reads_back);
    tcase_add_test(tc, unusable_staging_refuses_first);
    tcase_add_test(tc, hourly_sheet_written);
    suite_add_tcase(s, tc);
    return s;
}
