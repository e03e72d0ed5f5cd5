/* test_msgzh.c - the Chinese message catalogue: every Chinese format reads
 * the arguments its English one reads, the table is sorted with no key
 * twice, and diagnostics carry (and free) their Chinese text. */
#include "config.h"
#include "csvin.h"
#include "diag.h"
#include "ingest.h"
#include "msgzh.h"
#include "tests.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The next conversion specification of s from *pos, whole ("%-08.3lf",
 * "%%"), into spec; false at the end. A '%' that does not start a
 * specification this parser knows fails the test: the catalogue uses no
 * positional ("%1$s") or other exotic forms. */
static bool next_spec(const char *s, size_t *pos, char *spec, size_t size)
{
    const char *p = strchr(s + *pos, '%');
    if (p == NULL)
        return false;
    const char *q = p + 1;
    q += strspn(q, "-+ #0'");
    if (*q == '*')
        q++;
    else
        q += strspn(q, "0123456789");
    if (*q == '.') {
        q++;
        if (*q == '*')
            q++;
        else
            q += strspn(q, "0123456789");
    }
    static const char *const lengths[] = {"hh", "ll", "h", "l", "j", "z", "t", "L"};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
        if (strncmp(q, lengths[i], strlen(lengths[i])) == 0) {
            q += strlen(lengths[i]);
            break;
        }
    ck_assert_msg(*q != '\0' && strchr("diouxXeEfFgGaAcsp%", *q) != NULL,
                  "unknown conversion at \"%.12s\" in \"%s\"", p, s);
    ck_assert_msg(*q != '%' || q == p + 1, "\"%.8s\" in \"%s\": %%%% with flags", p, s);
    size_t n = (size_t)(q + 1 - p);
    ck_assert_uint_lt(n, size);
    memcpy(spec, p, n);
    spec[n] = '\0';
    *pos = (size_t)(q + 1 - s);
    return true;
}

/* True when the two formats have the same specifications in the same
 * order, each identical but for "%.0s" standing for "%s" in zh (it reads
 * the same char * and prints nothing: English-only grammar). */
static bool same_conversions(const char *en, const char *zh, char *why, size_t why_size)
{
    size_t pe = 0, pz = 0;
    char se[32], sz[32];
    for (int k = 1;; k++) {
        bool he = next_spec(en, &pe, se, sizeof se), hz = next_spec(zh, &pz, sz, sizeof sz);
        if (!he && !hz)
            return true;
        if (he != hz)
            return utf8_fail(why, why_size, "conversion %d: %s in English, %s in Chinese", k, he ? se : "none",
                             hz ? sz : "none");
        if (strcmp(se, sz) != 0 && !(strcmp(se, "%s") == 0 && strcmp(sz, "%.0s") == 0))
            return utf8_fail(why, why_size, "conversion %d: %s in English, %s in Chinese", k, se, sz);
    }
}

START_TEST(the_spec_check_is_strict)
{
    char why[128];
    ck_assert(same_conversions("a %s b %zu %%", "甲 %s 乙 %zu %%", why, sizeof why));
    ck_assert(same_conversions("%zu row%s", "%zu 行%.0s", why, sizeof why));
    ck_assert(!same_conversions("%s %d", "%d %s", why, sizeof why));     /* order */
    ck_assert(!same_conversions("%zu", "%u", why, sizeof why));         /* length */
    ck_assert(!same_conversions("%.1f", "%.2f", why, sizeof why));      /* precision */
    ck_assert(!same_conversions("%04X", "%4X", why, sizeof why));       /* flags */
    ck_assert(!same_conversions("%5s", "%s", why, sizeof why));         /* width */
    ck_assert(!same_conversions("%.1f %%", "%.1f", why, sizeof why));   /* %% counts */
    ck_assert(!same_conversions("%s", "", why, sizeof why));            /* one missing */
    ck_assert(!same_conversions("%d", "%.0s", why, sizeof why));        /* %.0s only for %s */
    ck_assert(!same_conversions("%.0s", "%s", why, sizeof why));        /* and only in Chinese */
    ck_assert_ptr_nonnull(strstr(why, "conversion 1"));
}
END_TEST

START_TEST(every_pair_reads_the_same_arguments)
{
    size_t n;
    const msgzh_pair *t = msgzh_table(&n);
    ck_assert_uint_gt(n, 150);
    for (size_t i = 0; i < n; i++) {
        char why[160];
        ck_assert_msg(same_conversions(t[i].en, t[i].zh, why, sizeof why), "\"%s\": %s", t[i].en, why);
    }
}
END_TEST

START_TEST(the_table_is_sorted_without_duplicates)
{
    size_t n;
    const msgzh_pair *t = msgzh_table(&n);
    for (size_t i = 1; i < n; i++)
        ck_assert_msg(strcmp(t[i - 1].en, t[i].en) < 0, "out of order or twice: \"%s\" before \"%s\"", t[i - 1].en,
                      t[i].en);
    /* So the binary search finds every entry, and nothing else. */
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_eq(msgzh_lookup(t[i].en), t[i].zh);
    ck_assert_ptr_null(msgzh_lookup(""));
    ck_assert_ptr_null(msgzh_lookup("no such message %s"));
    ck_assert_ptr_null(msgzh_lookup("\xff"));
}
END_TEST

START_TEST(every_chinese_text_is_chinese)
{
    size_t n;
    const msgzh_pair *t = msgzh_table(&n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(utf8_valid(t[i].zh, strlen(t[i].zh), NULL), "not UTF-8: \"%s\"", t[i].en);
        /* Chinese words or at least Chinese punctuation: not the English left as is. */
        bool wide = false;
        for (const unsigned char *p = (const unsigned char *)t[i].zh; *p; p++)
            wide |= *p >= 0xE2;
        ck_assert_msg(wide, "nothing Chinese in the Chinese of \"%s\"", t[i].en);
    }
}
END_TEST

START_TEST(a_diagnostic_keeps_its_chinese)
{
    diag_list dl;
    diag_list_init(&dl);
    diag_add(&dl, DIAG_NOTE, "e.csv", 3, 0, "%zu totals row%s (合计/Total) left out", (size_t)2, "s");
    diag_add_ent(&dl, DIAG_WARNING, "E1", "not in the catalogue: %d", 7);
    diag_add_at(&dl, DIAG_ERROR, "e.csv", 4, 2, "E1", "cn_code %s differs from %s given for product %s earlier; "
                "expected one CN code per product", "72142000", "72149910", "P1");
    ck_assert_uint_eq(dl.count, 3);
    ck_assert_str_eq(dl.items[0].message, "2 totals rows (合计/Total) left out");
    ck_assert_str_eq(dl.items[0].message_zh, "2 行合计行（合计/Total）未计入");
    ck_assert_ptr_null(dl.items[1].message_zh);
    ck_assert_str_eq(diag_text(&dl.items[1], true), "not in the catalogue: 7");
    ck_assert_str_eq(diag_text(&dl.items[0], false), dl.items[0].message);
    ck_assert_str_eq(diag_text(&dl.items[0], true), dl.items[0].message_zh);
    ck_assert_str_eq(dl.items[2].message_zh, "CN 编码 72142000 与之前填写的 72149910（产品 P1）不同；"
                                             "每个产品应只有一个 CN 编码");

    /* A copy keeps both languages; the English one prints as before. */
    diag_list to;
    diag_list_init(&to);
    diag_add_copy(&to, &dl.items[2]);
    ck_assert_str_eq(to.items[0].message, dl.items[2].message);
    ck_assert_str_eq(to.items[0].message_zh, dl.items[2].message_zh);
    ck_assert_str_eq(to.items[0].enterprise, "E1");
    ck_assert_uint_eq(to.errors, 1);
    char buf[512];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    ck_assert_ptr_nonnull(f);
    diag_print(f, &to.items[0]);
    fclose(f);
    ck_assert_ptr_null(strstr(buf, "编码"));
    diag_list_free(&to);

    ck_assert_str_eq(diag_severity_text(DIAG_ERROR, false), "error");
    ck_assert_str_eq(diag_severity_text(DIAG_WARNING, false), "warning");
    ck_assert_str_eq(diag_severity_text(DIAG_NOTE, false), "note");
    ck_assert_str_eq(diag_severity_text(DIAG_ERROR, true), "错误");
    ck_assert_str_eq(diag_severity_text(DIAG_WARNING, true), "警告");
    ck_assert_str_eq(diag_severity_text(DIAG_NOTE, true), "提示");
    diag_list_free(&dl);
}
END_TEST

/* Past DIAG_MAX_STORED the dropped ones' Chinese is freed too (the
 * sanitizers and valgrind say so), and a long Chinese message is cut on a
 * character boundary. */
START_TEST(dropped_and_long_messages)
{
    diag_list dl;
    diag_list_init(&dl);
    for (int i = 0; i < DIAG_MAX_STORED + 5; i++)
        diag_add(&dl, DIAG_NOTE, "e.csv", 0, 0, "%zu rows of other enterprises were left out", (size_t)i);
    ck_assert_uint_eq(dl.count, DIAG_MAX_STORED);
    ck_assert_uint_eq(dl.dropped, 5);
    ck_assert_str_eq(dl.items[1].message_zh, "其他企业的 1 行未计入");
    char big[DIAG_MESSAGE_MAX * 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    diag_add(&dl, DIAG_ERROR, "e.csv", 0, 0, "read failed: %s", big);
    const diag *d = &dl.items[dl.count - 1];
    ck_assert_uint_eq(strlen(d->message), DIAG_MESSAGE_MAX - 1);
    ck_assert(utf8_valid(d->message_zh, strlen(d->message_zh), NULL));
    ck_assert_uint_le(strlen(d->message_zh), DIAG_MESSAGE_MAX - 1);
    ck_assert_ptr_nonnull(strstr(d->message_zh, "读取失败："));
    ck_assert_str_eq(d->message_zh + strlen(d->message_zh) - 3, "...");
    diag_list_free(&dl);
}
END_TEST

static int ignore_row(void *ctx, const csvin_row *row)
{
    (void)ctx;
    (void)row;
    return 0;
}

/* The CSV reader makes its messages on the reader's thread: both
 * languages reach the list, from memory and from a file. */
START_TEST(csv_reader_messages_in_both_languages)
{
    static const char text[] = "a;b\n1;2\n3;\"x\"y\n";
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(csvin_read_mem("m.csv", text, sizeof text - 1, NULL, ignore_row, NULL, &dl, NULL),
                     CBAM_ERR_DATA);
    ck_assert_uint_eq(dl.count, 2);
    ck_assert_str_eq(dl.items[0].message_zh, "字段以“;”分隔：数字按小数逗号读取（1.234,5）");
    ck_assert_ptr_nonnull(strstr(dl.items[1].message, "malformed quoting"));
    ck_assert_ptr_nonnull(strstr(dl.items[1].message_zh, "引号格式错误"));
    diag_list_free(&dl);

    char path[] = "/tmp/cbam-msgzh-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static const char nul[] = "a,b\n1,2\x00x\n";
    ck_assert_int_eq(write(fd, nul, sizeof nul - 1), (ssize_t)(sizeof nul - 1));
    close(fd);
    diag_list_init(&dl);
    ck_assert_int_eq(csvin_read_file(path, "f.csv", NULL, ignore_row, NULL, &dl, NULL), CBAM_ERR_DATA);
    unlink(path);
    ck_assert_uint_eq(dl.count, 1);
    ck_assert_uint_eq(dl.items[0].line, 2);
    ck_assert_str_eq(dl.items[0].message, "a NUL byte: this is binary data, not a CSV text file");
    ck_assert_str_eq(dl.items[0].message_zh, "含有 NUL 字节：这是二进制数据，不是 CSV 文本文件");
    diag_list_free(&dl);
}
END_TEST

/* ingest's own wrappers (one message per bad field) and the header's
 * diagnostics, copied from a list of their own, keep the Chinese. */
START_TEST(ingest_messages_in_both_languages)
{
    factors_db *db = factors_new();
    diag_list dl;
    diag_list_init(&dl);
    factors_load_builtin(db, &dl);
    diag_list_free(&dl);
    diag_list_init(&dl);
    ledger *l = ledger_new();
    static const char text[] = "enterprise_id,period,meter_id,source,energy,unit\nE1,2025-01,M1,grid,5,\n";
    ingest_opts o = {.chunk_size = 7};
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "in.csv", text, sizeof text - 1, &o, &dl),
                     CBAM_ERR_DATA);
    bool found = false;
    for (size_t i = 0; i < dl.count; i++)
        if (strcmp(dl.items[i].message, "unit is empty; expected kWh, MWh, 万kWh ...") == 0) {
            ck_assert_str_eq(dl.items[i].message_zh, "单位为空；应为 kWh、MWh、万kWh 等");
            found = true;
        }
    ck_assert(found);
    diag_list_free(&dl);

    diag_list_init(&dl);
    static const char nohdr[] = "x,y\n1,2\n";
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "h.csv", nohdr, sizeof nohdr - 1, &o, &dl), CBAM_ERR_DATA);
    found = false;
    for (size_t i = 0; i < dl.count; i++)
        if (strstr(dl.items[i].message, "required column 'enterprise_id'") != NULL) {
            ck_assert_str_eq(dl.items[i].message_zh, "表头缺少必需列“enterprise_id”（企业编号）");
            found = true;
        }
    ck_assert(found);
    diag_list_free(&dl);
    ledger_free(l);
    factors_free(db);
}
END_TEST

Suite *suite_msgzh(void)
{
    Suite *s = suite_create("msgzh");
    TCase *tc = tcase_create("catalogue");
    tcase_add_test(tc, the_spec_check_is_strict);
    tcase_add_test(tc, every_pair_reads_the_same_arguments);
    tcase_add_test(tc, the_table_is_sorted_without_duplicates);
    tcase_add_test(tc, every_chinese_text_is_chinese);
    suite_add_tcase(s, tc);
    tc = tcase_create("diagnostics");
    tcase_add_test(tc, a_diagnostic_keeps_its_chinese);
    tcase_add_test(tc, dropped_and_long_messages);
    tcase_add_test(tc, csv_reader_messages_in_both_languages);
    tcase_add_test(tc, ingest_messages_in_both_languages);
    suite_add_tcase(s, tc);
    return s;
}
