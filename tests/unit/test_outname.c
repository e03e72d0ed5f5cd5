/* test_outname.c - safe output names and their collisions (outname.h). */
#include "config.h"
#include "tests.h"
#include "outname.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

START_TEST(keeps_chinese)
{
    char a[128], b[128];
    outname_safe("运城一厂", a, sizeof a);
    outname_safe("运城二厂", b, sizeof b);
    ck_assert_str_eq(a, "运城一厂");
    ck_assert_str_eq(b, "运城二厂");
    ck_assert_str_ne(a, b);
    outname_safe("YC-AP01", a, sizeof a);
    ck_assert_str_eq(a, "YC-AP01");
    outname_safe("山西·运城 (一期)", a, sizeof a);
    ck_assert_str_eq(a, "山西·运城__一期_");
}
END_TEST

START_TEST(replaces_what_a_file_system_refuses)
{
    char b[128];
    outname_safe("../../etc/passwd", b, sizeof b);
    ck_assert_str_eq(b, "_._.._etc_passwd");
    outname_safe(".hidden", b, sizeof b);
    ck_assert_str_eq(b, "_hidden");
    outname_safe("a\\b:c*d?e\"f<g>h|i", b, sizeof b);
    ck_assert_str_eq(b, "a_b_c_d_e_f_g_h_i");
    outname_safe("line\none\ttab\x7f", b, sizeof b);
    ck_assert_str_eq(b, "line_one_tab_");
    outname_safe("x~2 y#z%", b, sizeof b);
    ck_assert_str_eq(b, "x_2_y_z_");
    outname_safe("", b, sizeof b);
    ck_assert_str_eq(b, "_");
    /* Invalid UTF-8 (a lone GBK byte pair, an overlong '/', a cut sequence). */
    outname_safe("\xd4\xcb\xb3\xc7", b, sizeof b);
    ck_assert(utf8_valid(b, strlen(b), NULL));
    ck_assert_ptr_null(strchr(b, '/'));
    outname_safe("a\xc0\xafz", b, sizeof b);
    ck_assert_str_eq(b, "a__z");
    outname_safe("ab\xe8\xbf", b, sizeof b);
    ck_assert_str_eq(b, "ab__");
    /* Marks that hide or reorder: a right-to-left override, a C1 control, a BOM. */
    outname_safe("gpj\xe2\x80\xae" "exe", b, sizeof b);
    ck_assert_str_eq(b, "gpj_exe");
    outname_safe("a\xc2\x85" "b\xef\xbb\xbf", b, sizeof b);
    ck_assert_str_eq(b, "a_b_");
}
END_TEST

START_TEST(windows_device_names)
{
    char b[128];
    static const char *const dev[] = {"CON", "con", "Nul", "aux", "PRN", "COM1", "lpt9", "COM0", "CON.tar",
                                      "nul.xlsx", "COM\xc2\xb9"};
    for (size_t i = 0; i < sizeof dev / sizeof dev[0]; i++) {
        outname_safe(dev[i], b, sizeof b);
        ck_assert_msg(b[0] == '_' && strcmp(b + 1, dev[i]) == 0, "%s -> %s", dev[i], b);
    }
    static const char *const fine[] = {"CONSOLE", "COM10", "LPT", "NULL.x", "con-1", "COMA"};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        outname_safe(fine[i], b, sizeof b);
        ck_assert_str_eq(b, fine[i]);
    }
    /* A device name cut from a longer id is caught too. */
    char small[4];
    outname_safe("CONTRACT", small, sizeof small);
    ck_assert_str_eq(small, "_CO");
}
END_TEST

START_TEST(cut_on_a_character_boundary)
{
    /* 40 Chinese characters: 120 bytes; at most OUTNAME_MAX, never half a character. */
    char id[256] = "";
    for (int i = 0; i < 40; i++)
        strcat(id, "厂");
    char b[256];
    outname_safe(id, b, sizeof b);
    ck_assert_uint_le(strlen(b), OUTNAME_MAX);
    ck_assert_uint_eq(strlen(b), 99); /* 33 characters */
    ck_assert(utf8_valid(b, strlen(b), NULL));
    /* One ASCII byte first: 1 + 33 * 3 = 100. */
    char id2[256] = "a";
    strcat(id2, id);
    outname_safe(id2, b, sizeof b);
    ck_assert_uint_eq(strlen(b), 100);
    ck_assert(utf8_valid(b, strlen(b), NULL));
    /* And by the buffer's size. */
    char s8[8];
    outname_safe(id, s8, sizeof s8);
    ck_assert_str_eq(s8, "厂厂");
    char a200[201];
    memset(a200, 'x', 200);
    a200[200] = '\0';
    outname_safe(a200, b, sizeof b);
    ck_assert_uint_eq(strlen(b), OUTNAME_MAX);
}
END_TEST

START_TEST(set_finds_collisions_ignoring_case)
{
    outname_set *s = outname_set_new();
    ck_assert_ptr_null(outname_set_add(s, "Client-A.xlsx", "client A (line 2)"));
    ck_assert_ptr_null(outname_set_add(s, "运城一厂.xlsx", "client 运城一厂 (line 3)"));
    ck_assert_ptr_null(outname_set_add(s, "运城二厂.xlsx", "client 运城二厂 (line 4)"));
    ck_assert_str_eq(outname_set_add(s, "client-a.XLSX", "client a (line 5)"), "client A (line 2)");
    ck_assert_str_eq(outname_set_add(s, "运城一厂.xlsx", "client x (line 6)"), "client 运城一厂 (line 3)");
    ck_assert_str_eq(outname_set_owner(s, "CLIENT-A.xlsx"), "client A (line 2)");
    ck_assert_ptr_null(outname_set_owner(s, "client-b.xlsx"));
    ck_assert_uint_eq(outname_set_count(s), 3);
    /* Letter case beyond ASCII, and full-width forms, are folded too: NTFS,
     * SMB shares and APFS take Ä and ä for one file (review of issue 13; this
     * test had said that bytes beyond ASCII are compared as they are). */
    ck_assert_ptr_null(outname_set_add(s, "Ä.xlsx", "x"));
    ck_assert_str_eq(outname_set_add(s, "ä.xlsx", "y"), "x");
    ck_assert_ptr_null(outname_set_add(s, "ＡＢＣ电子.xlsx", "z"));
    ck_assert_str_eq(outname_set_add(s, "ａｂｃ电子.xlsx", "w"), "z");
    outname_set_free(s);
}
END_TEST

START_TEST(set_is_hashed)
{
    /* 200,000 names: quadratic would not finish in the test's time limit. */
    outname_set *s = outname_set_new();
    char name[32], owner[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(name, sizeof name, "client-%06d.xlsx", i);
        snprintf(owner, sizeof owner, "client %d", i);
        ck_assert_ptr_null(outname_set_add(s, name, owner));
    }
    ck_assert_str_eq(outname_set_add(s, "CLIENT-123456.xlsx", "z"), "client 123456");
    ck_assert_uint_eq(outname_set_count(s), 200000);
    outname_set_free(s);
}
END_TEST

START_TEST(unique_for_split)
{
    outname_set *s = outname_set_new();
    char a[128], b[128], c[128], d[128];
    outname_safe("ACME/1", a, sizeof a);
    ck_assert_uint_eq(outname_unique(s, a, "ACME/1", b, sizeof b), 0);
    ck_assert_str_eq(b, "ACME_1");
    outname_safe("ACME:1", a, sizeof a);
    ck_assert_uint_eq(outname_unique(s, a, "ACME:1", c, sizeof c), 2);
    ck_assert_str_eq(c, "ACME_1~2");
    outname_safe("acme 1", a, sizeof a);
    ck_assert_uint_eq(outname_unique(s, a, "acme 1", d, sizeof d), 3);
    ck_assert_str_eq(d, "acme_1~3");
    /* A long stem is cut at a character boundary to make room. */
    char id[256] = "";
    for (int i = 0; i < 40; i++)
        strcat(id, "厂");
    outname_safe(id, a, sizeof a);
    ck_assert_uint_eq(outname_unique(s, a, "first", b, sizeof b), 0);
    ck_assert_uint_eq(outname_unique(s, a, "second", c, sizeof c), 2);
    ck_assert_uint_le(strlen(c), OUTNAME_MAX);
    ck_assert(utf8_valid(c, strlen(c), NULL));
    ck_assert_str_eq(c + strlen(c) - 2, "~2");
    ck_assert_str_eq(outname_set_owner(s, c), "second");
    outname_set_free(s);
}
END_TEST

Suite *suite_outname(void)
{
    Suite *s = suite_create("outname");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, keeps_chinese);
    tcase_add_test(tc, replaces_what_a_file_system_refuses);
    tcase_add_test(tc, windows_device_names);
    tcase_add_test(tc, cut_on_a_character_boundary);
    tcase_add_test(tc, set_finds_collisions_ignoring_case);
    tcase_add_test(tc, set_is_hashed);
    tcase_add_test(tc, unique_for_split);
    suite_add_tcase(s, tc);
    return s;
}
