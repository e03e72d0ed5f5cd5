/* check_main.c - runs every unit-test suite (Check). */
#include "config.h"
#include "tests.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(suite_error());
    srunner_add_suite(sr, suite_parse());
    srunner_add_suite(sr, suite_csvin());
    srunner_add_suite(sr, suite_factors());
    srunner_add_suite(sr, suite_ingest());
    srunner_add_suite(sr, suite_allocate());
    srunner_add_suite(sr, suite_golden());
    srunner_add_suite(sr, suite_misc());
    srunner_add_suite(sr, suite_outname());
    srunner_add_suite(sr, suite_batch());
    srunner_add_suite(sr, suite_xlsx());
    srunner_add_suite(sr, suite_template());
    srunner_add_suite(sr, suite_hourly());
    srunner_add_suite(sr, suite_msgzh());
    srunner_add_suite(sr, suite_scenario());
    srunner_add_suite(sr, suite_cbamcost());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
