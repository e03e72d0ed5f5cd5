/* tests.h - the unit-test suites of check_unit and shared test helpers. */
#ifndef CBAM_TESTS_H
#define CBAM_TESTS_H

#include <check.h>
#include <stddef.h>

Suite *suite_error(void);
Suite *suite_parse(void);
Suite *suite_csvin(void);
Suite *suite_factors(void);
Suite *suite_ingest(void);
Suite *suite_allocate(void);
Suite *suite_golden(void);
Suite *suite_misc(void);
Suite *suite_outname(void);
Suite *suite_batch(void);
Suite *suite_xlsx(void);
Suite *suite_template(void);
Suite *suite_hourly(void);
Suite *suite_msgzh(void);
Suite *suite_scenario(void);
Suite *suite_cbamcost(void);

/* |a - b| within rel * max(|a|, |b|, 1e-300): for sums whose order differs. */
#define ck_assert_close(a, b, rel)                                                                \
    do {                                                                                          \
        double ck_a_ = (a), ck_b_ = (b);                                                          \
        double ck_m_ = fabs(ck_a_) > fabs(ck_b_) ? fabs(ck_a_) : fabs(ck_b_);                     \
        ck_assert_msg(fabs(ck_a_ - ck_b_) <= (rel) * (ck_m_ > 1e-300 ? ck_m_ : 1e-300),           \
                      "%s = %.17g, %s = %.17g", #a, ck_a_, #b, ck_b_);                            \
    } while (0)

#endif
