/* test_error.c - the error enum, its string table and exit codes stay in step. */
#include "config.h"
#include "cbam_error.h"
#include "tests.h"

#include <string.h>

START_TEST(every_error_has_a_message_and_code)
{
    for (int e = 0; e < CBAM_ERR__COUNT; e++) {
        const char *m = cbam_err_str((enum cbam_err)e);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_ne(m, "unknown error");
        ck_assert_int_ge(cbam_err_exit_code((enum cbam_err)e), 0);
        for (int f = 0; f < e; f++)
            ck_assert_str_ne(m, cbam_err_str((enum cbam_err)f));
    }
    ck_assert_str_eq(cbam_err_str(CBAM_ERR__COUNT), "unknown error");
    ck_assert_str_eq(cbam_err_str((enum cbam_err)-1), "unknown error");
}
END_TEST

START_TEST(exit_codes_are_the_documented_ones)
{
    ck_assert_int_eq(cbam_err_exit_code(CBAM_OK), 0);
    ck_assert_int_eq(cbam_err_exit_code(CBAM_ERR_USAGE), 64);
    ck_assert_int_eq(cbam_err_exit_code(CBAM_ERR_DATA), 65);
    ck_assert_int_eq(cbam_err_exit_code(CBAM_ERR_NOINPUT), 66);
    ck_assert_int_eq(cbam_err_exit_code(CBAM_ERR_CANTCREAT), 73);
    ck_assert_int_eq(cbam_err_exit_code(CBAM_ERR__COUNT), 70);
}
END_TEST

Suite *suite_error(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, every_error_has_a_message_and_code);
    tcase_add_test(tc, exit_codes_are_the_documented_ones);
    suite_add_tcase(s, tc);
    return s;
}
