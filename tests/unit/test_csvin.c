/* test_csvin.c - the streaming CSV reader, fed in every chunk size. */
#include "config.h"
#include "csvin.h"
#include "tests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a run delivered: the records flattened as "line|f1|f2|...\n". */
struct capture {
    char text[8192];
    size_t len;
    int stop_after; /* stop after this many records (0 = never) */
    int seen;
};

static int capture_row(void *vc, const csvin_row *row)
{
    struct capture *c = vc;
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%ld", row->line);
    for (size_t i = 0; i < row->nfields; i++) {
        ck_assert_uint_eq(strlen(row->field[i]), row->len[i]);
        c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "|%s", row->field[i]);
    }
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "\n");
    return ++c->seen == c->stop_after;
}

static enum cbam_err run(const char *data, size_t len, size_t chunk, struct capture *c,
                         diag_list *dl, csvin_stats *st)
{
    memset(c, 0, sizeof *c);
    csvin_opts o = {.chunk_size = chunk};
    return csvin_read_mem("t.csv", data, len, &o, capture_row, c, dl, st);
}

/* BOM, CRLF, a quoted field with a line break, a blank line, a lone CR line
 * end, spaces around fields, and no newline at the end. */
static const char tricky[] =
    "\xEF\xBB\xBF" "a,b,c\r\n"
    "1,\"two, with comma\",3\r\n"
    "\r\n"
    "4,\"multi\nline\",\"quote \"\"x\"\"\"\n"
    "\n"
    "  7 , 8 ,9\r"
    "10,11,12";

static const char tricky_expected[] =
    "1|a|b|c\n"
    "2|1|two, with comma|3\n"
    "4|4|multi\nline|quote \"x\"\n"
    "7|7|8|9\n"
    "8|10|11|12\n";

START_TEST(every_chunk_size_gives_the_same_records)
{
    size_t len = sizeof tricky - 1;
    for (size_t chunk = 1; chunk <= len; chunk++) {
        struct capture c;
        diag_list dl;
        diag_list_init(&dl);
        csvin_stats st;
        ck_assert_int_eq(run(tricky, len, chunk, &c, &dl, &st), CBAM_OK);
        ck_assert_msg(strcmp(c.text, tricky_expected) == 0, "chunk %zu:\n%s", chunk, c.text);
        ck_assert_uint_eq(dl.count, 0);
        ck_assert_uint_eq(st.records, 5);
        ck_assert_uint_eq(st.bytes, len);
        ck_assert_int_eq(st.lines, 8);
        diag_list_free(&dl);
    }
}
END_TEST

START_TEST(sha256_of_the_raw_bytes)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    csvin_stats st;
    /* printf 'a,b\n1,2\n' | sha256sum */
    ck_assert_int_eq(run("a,b\n1,2\n", 8, 3, &c, &dl, &st), CBAM_OK);
    ck_assert_str_eq(st.sha256, "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470");
    diag_list_free(&dl);
}
END_TEST

/* A malformed input must give exactly one error at the right line and column,
 * whatever the chunk size. */
static void expect_error(const char *data, size_t len, long line, int column, const char *needle)
{
    for (size_t chunk = 1; chunk <= len + 1; chunk += (chunk < 16 ? 1 : 97)) {
        struct capture c;
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(run(data, len, chunk, &c, &dl, NULL), CBAM_ERR_DATA);
        ck_assert_uint_eq(dl.errors, 1);
        ck_assert_int_eq(dl.items[0].line, line);
        ck_assert_int_eq(dl.items[0].column, column);
        ck_assert_msg(strstr(dl.items[0].message, needle) != NULL, "'%s' lacks '%s'",
                      dl.items[0].message, needle);
        diag_list_free(&dl);
    }
}

START_TEST(malformed_inputs)
{
    static const char unterminated[] = "a,b\n1,\"open\n2,3\n";
    expect_error(unterminated, sizeof unterminated - 1, 2, 2, "not closed"); /* where it opened */
    static const char stray[] = "a,b\n1,2\n3,x\"y\n";
    expect_error(stray, sizeof stray - 1, 3, 2, "malformed quoting");
    static const char after[] = "a,b\n\"x\"y,2\n";
    expect_error(after, sizeof after - 1, 2, 1, "malformed quoting");
    static const char nul[] = "a,b\n1,2\x00z\n";
    expect_error(nul, sizeof nul - 1, 2, 2, "NUL byte");
    static const char bad_utf8[] = "a,b\n1,caf\xE9\n";
    expect_error(bad_utf8, sizeof bad_utf8 - 1, 2, 2, "invalid UTF-8");
    static const char utf16[] = "\xFF\xFE" "a\0,\0b\0";
    expect_error(utf16, sizeof utf16 - 1, 1, 0, "UTF-16");
}
END_TEST

START_TEST(field_size_is_capped)
{
    size_t n = 10u << 20; /* a 10 MB field */
    char *big = malloc(n + 16);
    memcpy(big, "a,b\n1,", 6);
    memset(big + 6, 'x', n);
    memcpy(big + 6 + n, "\n", 2);
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(run(big, n + 7, 65536, &c, &dl, NULL), CBAM_ERR_DATA);
    ck_assert_uint_eq(dl.errors, 1);
    ck_assert_int_eq(dl.items[0].line, 2);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "longer than"));
    diag_list_free(&dl);
    free(big);
}
END_TEST

START_TEST(callback_can_stop)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    csvin_opts o = {.chunk_size = 1};
    ck_assert_int_eq(csvin_read_mem("t.csv", "a\n1\n2\n3\n", 8, &o, capture_row, &c, &dl, NULL), CBAM_OK);
    ck_assert_int_eq(c.seen, 2);
    diag_list_free(&dl);
}
END_TEST

START_TEST(empty_and_missing_files)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    csvin_stats st;
    ck_assert_int_eq(run("", 0, 1, &c, &dl, &st), CBAM_OK);
    ck_assert_uint_eq(st.records, 0);
    ck_assert_int_eq(run("\xEF\xBB\xBF", 3, 1, &c, &dl, &st), CBAM_OK);
    ck_assert_uint_eq(st.records, 0);
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(csvin_read_file("/nonexistent/x.csv", "x.csv", NULL, capture_row, &c, &dl, NULL),
                     CBAM_ERR_NOINPUT);
    ck_assert_int_eq(csvin_read_file("/", "/", NULL, capture_row, &c, &dl, NULL), CBAM_ERR_NOINPUT);
    diag_list_free(&dl);
}
END_TEST

Suite *suite_csvin(void)
{
    Suite *s = suite_create("csvin");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_chunk_size_gives_the_same_records);
    tcase_add_test(tc, sha256_of_the_raw_bytes);
    tcase_add_test(tc, malformed_inputs);
    tcase_add_test(tc, field_size_is_capped);
    tcase_add_test(tc, callback_can_stop);
    tcase_add_test(tc, empty_and_missing_files);
    suite_add_tcase(s, tc);
    return s;
}
