/* test_template.c - the parts under `cbamcalc template`: cell references,
 * indexing and splicing worksheet XML (sheetxml), shared strings and
 * unlocked styles, copying a zip raw with some parts replaced (xlsxpatch),
 * and refusing what is not the template. The filled official template
 * itself is checked end to end by tests/e2e/template_*.py. */
#include "config.h"
#include "sheetxml.h"
#include "template.h"
#include "tests.h"
#include "utf8.h"
#include "xlsxpatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unzip.h>
#include <zip.h>
#include <zlib.h>

START_TEST(refs)
{
    uint32_t r, c;
    char buf[16];
    ck_assert(sheetxml_ref("A1", &r, &c) && r == 1 && c == 1);
    ck_assert(sheetxml_ref("AB12", &r, &c) && r == 12 && c == 28);
    ck_assert(sheetxml_ref("XFD1048576", &r, &c) && r == 1048576 && c == 16384);
    const char *bad[] = {"", "A", "1", "a1", "A0", "A01", "XFE1", "A1048577", "A1 ", "$A$1", "A-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!sheetxml_ref(bad[i], &r, &c), "%s accepted", bad[i]);
    sheetxml_ref_name(12, 28, buf, sizeof buf);
    ck_assert_str_eq(buf, "AB12");
    sheetxml_ref_name(9, 702, buf, sizeof buf);
    ck_assert_str_eq(buf, "ZZ9");
    sheetxml_ref_name(9, 703, buf, sizeof buf);
    ck_assert_str_eq(buf, "AAA9");
}
END_TEST

static const char sheet[] =
    "<?xml version=\"1.0\"?><worksheet xmlns=\"x\"><sheetData>"
    "<row r=\"2\"><c r=\"B2\" s=\"7\"/><c r=\"C2\" s=\"8\" t=\"s\"><v>1</v></c>"
    "<c r=\"D2\" s=\"9\"><f>B2*2</f><v>0</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>a&amp;b</t></is></c><c r=\"B3\" s=\"7\"></c></row>"
    "</sheetData></worksheet>";

START_TEST(index_and_splice)
{
    sheetxml s;
    char why[200];
    ck_assert_msg(sheetxml_index(sheet, strlen(sheet), true, &s, why, sizeof why), "%s", why);
    ck_assert_uint_eq(s.n, 5);
    const sheetxml_cell *b2 = sheetxml_find(&s, 2, 2), *d2 = sheetxml_find(&s, 2, 4),
                        *a3 = sheetxml_find(&s, 3, 1);
    ck_assert_ptr_nonnull(b2);
    ck_assert_int_eq(b2->style, 7);
    /* An empty element's span is its start tag. */
    ck_assert_int_eq(strncmp(sheet + b2->start, "<c r=\"B2\" s=\"7\"/>", b2->end - b2->start), 0);
    ck_assert_uint_eq(b2->end - b2->start, strlen("<c r=\"B2\" s=\"7\"/>"));
    ck_assert(d2->formula);
    ck_assert_str_eq(a3->value, "a&b");
    ck_assert_ptr_null(sheetxml_find(&s, 9, 9));
    sheetxml_strtab st = {0};
    const char *sst =
        "<sst><si><t>zero</t></si><si><r><t>o</t></r><r><t>ne</t></r><rPh><t>x</t></rPh></si></sst>";
    ck_assert(sheetxml_strings(sst, strlen(sst), &st, why, sizeof why));
    ck_assert_str_eq(sheetxml_text(sheetxml_find(&s, 2, 3), &st), "one");

    sheetxml_edit e[] = {
        {3, 2, SHEETXML_TEXT, 0, "<x> & \"y\""},
        {2, 2, SHEETXML_NUMBER, 0.1, NULL},
    };
    size_t n;
    char *out = sheetxml_splice(sheet, strlen(sheet), &s, e, 2, &n, why, sizeof why);
    ck_assert_msg(out != NULL, "%s", why);
    ck_assert_uint_eq(strlen(out), n);
    ck_assert_ptr_nonnull(strstr(out, "<c r=\"B2\" s=\"7\"><v>0.10000000000000001</v></c><c r=\"C2\""));
    ck_assert_ptr_nonnull(
        strstr(out, "<c r=\"B3\" s=\"7\" t=\"inlineStr\"><is><t xml:space=\"preserve\">&lt;x&gt; &amp; "
                    "&quot;y&quot;</t></is></c></row>"));
    /* The rest is byte for byte what it was, and still well-formed. */
    ck_assert_ptr_nonnull(strstr(out, "<c r=\"D2\" s=\"9\"><f>B2*2</f><v>0</v></c>"));
    sheetxml again;
    ck_assert(sheetxml_index(out, n, true, &again, why, sizeof why));
    ck_assert_str_eq(sheetxml_find(&again, 3, 2)->value, "<x> & \"y\"");
    sheetxml_free(&again);
    free(out);

    /* A cell that is not there, one edited twice, a number that is not one. */
    sheetxml_edit missing = {5, 5, SHEETXML_NUMBER, 1, NULL};
    ck_assert_ptr_null(sheetxml_splice(sheet, strlen(sheet), &s, &missing, 1, &n, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "E5"));
    sheetxml_edit twice[] = {{2, 2, SHEETXML_NUMBER, 1, NULL}, {2, 2, SHEETXML_NUMBER, 2, NULL}};
    ck_assert_ptr_null(sheetxml_splice(sheet, strlen(sheet), &s, twice, 2, &n, why, sizeof why));
    sheetxml_edit nan_ = {2, 2, SHEETXML_NUMBER, NAN, NULL};
    ck_assert_ptr_null(sheetxml_splice(sheet, strlen(sheet), &s, &nan_, 1, &n, why, sizeof why));
    /* Half a character (a name cut in the middle of one) is never written. */
    sheetxml_edit half = {2, 2, SHEETXML_TEXT, 0, "\xe9\x92"};
    ck_assert_ptr_null(sheetxml_splice(sheet, strlen(sheet), &s, &half, 1, &n, why, sizeof why));
    ck_assert(sheetxml_well_formed(sheet, strlen(sheet), why, sizeof why));
    ck_assert(!sheetxml_well_formed("<a><b></a>", 10, why, sizeof why));
    sheetxml_strtab_free(&st);
    sheetxml_free(&s);
}
END_TEST

START_TEST(bad_xml)
{
    sheetxml s;
    char why[200];
    const char *bad[] = {"<worksheet><c r=\"A1\"></worksheet>", "<worksheet><c><v>1</v></c></worksheet>",
                         "<worksheet><c r=\"A1\"/><c r=\"A1\"/></worksheet>", "not xml",
                         /* an entity would put two cells at one byte offset (found by a review) */
                         "<!DOCTYPE w [<!ENTITY e \"<c r='A1'/><c r='B1'/>\">]><worksheet>&e;</worksheet>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!sheetxml_index(bad[i], strlen(bad[i]), true, &s, why, sizeof why), "%s accepted",
                      bad[i]);
}
END_TEST

START_TEST(styles_and_sheets)
{
    char why[200];
    const char *styles = "<styleSheet><cellStyleXfs><xf><protection locked=\"0\"/></xf></cellStyleXfs>"
                         "<cellXfs count=\"3\"><xf/><xf><protection locked=\"0\"/></xf><xf><protection "
                         "hidden=\"1\"/></xf></cellXfs></styleSheet>";
    bool *u;
    size_t n;
    ck_assert(sheetxml_unlocked_styles(styles, strlen(styles), &u, &n, why, sizeof why));
    ck_assert_uint_eq(n, 3);
    ck_assert(!u[0] && u[1] && !u[2]);
    free(u);
    const char *wb = "<workbook><sheets><sheet name=\"A&amp;B\" sheetId=\"1\" r:id=\"rId2\"/>"
                     "<sheet name=\"C\" sheetId=\"2\" r:id=\"rId1\"/></sheets></workbook>";
    const char *rels = "<Relationships><Relationship Id=\"rId1\" Target=\"/xl/worksheets/s1.xml\"/>"
                       "<Relationship Id=\"rId2\" Target=\"worksheets/s2.xml\"/></Relationships>";
    sheetxml_sheet *sh;
    ck_assert(sheetxml_sheets(wb, strlen(wb), rels, strlen(rels), &sh, &n, why, sizeof why));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(sh[0].name, "A&B");
    ck_assert_str_eq(sh[0].part, "xl/worksheets/s2.xml");
    ck_assert_str_eq(sh[1].part, "xl/worksheets/s1.xml");
    sheetxml_sheets_free(sh, n);
}
END_TEST

/* A zip with a deflated and a stored part, written with minizip. */
static void make_zip(const char *path)
{
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    ck_assert_ptr_nonnull(z);
    const char *a = "<a>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</a>", *b = "<b/>";
    zip_fileinfo zi = {0};
    zi.tmz_date.tm_year = 2024;
    zi.tmz_date.tm_mday = 13;
    zi.tmz_date.tm_mon = 11;
    ck_assert_int_eq(zipOpenNewFileInZip(z, "a.xml", &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9), ZIP_OK);
    ck_assert_int_eq(zipWriteInFileInZip(z, a, (unsigned)strlen(a)), ZIP_OK);
    ck_assert_int_eq(zipCloseFileInZip(z), ZIP_OK);
    ck_assert_int_eq(zipOpenNewFileInZip(z, "b.xml", &zi, NULL, 0, NULL, 0, NULL, 0, 0), ZIP_OK);
    ck_assert_int_eq(zipWriteInFileInZip(z, b, (unsigned)strlen(b)), ZIP_OK);
    ck_assert_int_eq(zipCloseFileInZip(z), ZIP_OK);
    ck_assert_int_eq(zipClose(z, NULL), ZIP_OK);
}

/* The raw (compressed) bytes of a part, its method and CRC. */
static char *raw_part(const char *path, const char *name, size_t *len, int *method, unsigned long *crc)
{
    unzFile u = unzOpen(path);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(unzLocateFile(u, name, 1), UNZ_OK);
    unz_file_info info;
    ck_assert_int_eq(unzGetCurrentFileInfo(u, &info, NULL, 0, NULL, 0, NULL, 0), UNZ_OK);
    int level;
    ck_assert_int_eq(unzOpenCurrentFile2(u, method, &level, 1), UNZ_OK);
    char *buf = malloc(info.compressed_size + 1);
    int n = unzReadCurrentFile(u, buf, (unsigned)info.compressed_size + 1);
    ck_assert_int_eq(n, (int)info.compressed_size);
    unzCloseCurrentFile(u);
    unzClose(u);
    *len = (size_t)n;
    *crc = info.crc;
    return buf;
}

START_TEST(patch_copies_raw)
{
    char dir[] = "/tmp/cbam-tpl-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char src[64], out[64];
    snprintf(src, sizeof src, "%s/src.xlsx", dir);
    snprintf(out, sizeof out, "%s/out.xlsx", dir);
    make_zip(src);
    xlsxpatch_part rep = {"b.xml", "<b>new</b>", 10};
    char why[200];
    ck_assert_msg(xlsxpatch_write(src, out, &rep, 1, why, sizeof why), "%s", why);
    size_t la, lb;
    int ma, mb;
    unsigned long ca, cb;
    char *ra = raw_part(src, "a.xml", &la, &ma, &ca), *rb = raw_part(out, "a.xml", &lb, &mb, &cb);
    ck_assert_uint_eq(la, lb);
    ck_assert_int_eq(ma, Z_DEFLATED);
    ck_assert_int_eq(ma, mb);
    ck_assert_uint_eq(ca, cb);
    ck_assert_int_eq(memcmp(ra, rb, la), 0);
    free(ra);
    free(rb);
    char *data;
    size_t len;
    ck_assert(xlsxpatch_read(out, "b.xml", &data, &len, NULL, why, sizeof why));
    ck_assert_str_eq(data, "<b>new</b>");
    free(data);
    ck_assert(xlsxpatch_read(out, "a.xml", &data, &len, NULL, why, sizeof why));
    ck_assert_uint_eq(len, strlen("<a>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</a>"));
    free(data);
    bool missing = false;
    ck_assert(!xlsxpatch_read(out, "c.xml", &data, &len, &missing, why, sizeof why));
    ck_assert(missing);
    /* A replacement for a part the zip does not have is refused. */
    xlsxpatch_part none = {"c.xml", "x", 1};
    ck_assert(!xlsxpatch_write(src, out, &none, 1, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "c.xml"));

    /* Neither a zip of other parts nor a text file is the template. */
    diag_list dl;
    diag_list_init(&dl);
    template_doc *t = NULL;
    ck_assert_int_eq(template_open(src, &t, &dl), CBAM_ERR_DATA);
    ck_assert_ptr_null(t);
    FILE *f = fopen(out, "w");
    fputs("client,electricity\n", f);
    fclose(f);
    ck_assert_int_eq(template_open(out, &t, &dl), CBAM_ERR_DATA);
    snprintf(out, sizeof out, "%s/none.xlsx", dir);
    ck_assert_int_eq(template_open(out, &t, &dl), CBAM_ERR_NOINPUT);
    ck_assert_uint_eq(dl.errors, 3);
    diag_list_free(&dl);
    snprintf(out, sizeof out, "%s/out.xlsx", dir);
    unlink(src);
    unlink(out);
    rmdir(dir);
}
END_TEST

/* Names the template's MATCH reads as one, folded alike (a review: É/é). */
START_TEST(fold_case)
{
    const char *pairs[][2] = {{"Steel", "STEEL"},
                              {"Étape", "éTAPE"},
                              {"ŁÓDŹ", "łódź"},
                              {"ΑΛΦΑ", "αλφα"},
                              {"СТАЛЬ", "сталь"},
                              {"ЁЖ", "ёж"},
                              {"ＳＴＥＥＬ", "ｓｔｅｅｌ"},
                              {"Ÿ", "ÿ"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char *a = utf8_fold_case(pairs[i][0]), *b = utf8_fold_case(pairs[i][1]);
        ck_assert_msg(strcmp(a, b) == 0, "%s / %s", pairs[i][0], pairs[i][1]);
        ck_assert_uint_eq(strlen(a), strlen(pairs[i][0]));
        free(a);
        free(b);
    }
    const char *apart[][2] = {{"钢", "铁"}, {"×", "÷"}, {"Steel", "Steal"}, {"ＳＴＥＥＬ", "steel"}};
    for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
        char *a = utf8_fold_case(apart[i][0]), *b = utf8_fold_case(apart[i][1]);
        ck_assert_msg(strcmp(a, b) != 0, "%s / %s", apart[i][0], apart[i][1]);
        free(a);
        free(b);
    }
    char *bad = utf8_fold_case("A\xff\xc3"
                               "B");
    ck_assert_str_eq(bad, "a\xff\xc3"
                          "b");
    free(bad);
}
END_TEST

Suite *suite_template(void)
{
    Suite *s = suite_create("template");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, refs);
    tcase_add_test(tc, index_and_splice);
    tcase_add_test(tc, bad_xml);
    tcase_add_test(tc, styles_and_sheets);
    tcase_add_test(tc, patch_copies_raw);
    tcase_add_test(tc, fold_case);
    suite_add_tcase(s, tc);
    return s;
}
