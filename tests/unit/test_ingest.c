/* test_ingest.c - canonical input files into the ledger; every bad row named. */
#include "config.h"
#include "ingest.h"
#include "tests.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static factors_db *db;

static void setup(void)
{
    diag_list dl;
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    diag_list_free(&dl);
}

static void teardown(void) { factors_free(db); }

static enum cbam_err ingest(ledger *l, enum ingest_kind kind, const char *text, diag_list *dl)
{
    ingest_opts o = {.chunk_size = 7};
    return ingest_mem(l, db, kind, "in.csv", text, strlen(text), &o, dl);
}

static const char E_HDR[] = "enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n";

START_TEST(electricity_is_summed_per_month_source_and_product)
{
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    char text[1024];
    snprintf(text, sizeof text,
             "%s"
             "E1,2025-03,4230000100027673777,grid,\"1,000.5\",,\n"
             "E1,2025-03,M2,grid,200,P1,\n"
             "E1,2025-03-15 00:15,M3,green_direct,30,,\n"
             "E1,2025-03-15 00:30,M3,green_direct,20,,\n"
             "E1,2025-04,M1,certificate,50,,\n"
             "E1,2025-04,M9,supplier,1000,,yuncheng-etdz-2025\n",
             E_HDR);
    ck_assert_int_eq(ingest(l, INGEST_ELECTRICITY, text, &dl), CBAM_OK);
    ck_assert_uint_eq(dl.errors + dl.warnings, 0);
    ledger_enterprise *e = ledger_enterprise_get(l, "E1", 2, false);
    ck_assert_ptr_nonnull(e);
    const ledger_month *m = ledger_month_find(e, period_ord(2025, 3));
    ck_assert(m->pool_kwh[SUPPLY_GRID] == 1000.5);
    ck_assert(m->pool_kwh[SUPPLY_GREEN_DIRECT] == 50);
    ck_assert_uint_eq(e->nproducts, 1);
    ck_assert(m->cells[0].sub_kwh[SUPPLY_GRID] == 200);
    m = ledger_month_find(e, period_ord(2025, 4));
    ck_assert(m->pool_kwh[SUPPLY_CERTIFICATE] == 50);
    ck_assert(m->pool_kwh[SUPPLY_SUPPLIER] == 1000);
    ck_assert_double_eq_tol(m->pool_supplier_kg, 350.3, 1e-9);
    ck_assert_uint_eq(e->nsuppliers, 1);
    ck_assert_uint_eq(l->inputs[0].rows, 6);
    diag_list_free(&dl);
    ledger_free(l);
}
END_TEST

START_TEST(energy_with_units)
{
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    const char *text = "enterprise_id,period,source,energy,unit\n"
                       "E1,2025-01,grid,1.5,万kWh\n"
                       "E1,2025-02,grid,2,MWh\n"
                       "E1,2025-03,grid,0.01,亿kWh\n"
                       "E1,2025-04,grid,7,度\n"
                       "E1,2025-04,certificate,3,certificates\n";
    ck_assert_int_eq(ingest(l, INGEST_ELECTRICITY, text, &dl), CBAM_OK);
    ledger_enterprise *e = ledger_enterprise_get(l, "E1", 2, false);
    ck_assert(ledger_month_find(e, period_ord(2025, 1))->pool_kwh[SUPPLY_GRID] == 15000);
    ck_assert(ledger_month_find(e, period_ord(2025, 2))->pool_kwh[SUPPLY_GRID] == 2000);
    ck_assert(ledger_month_find(e, period_ord(2025, 3))->pool_kwh[SUPPLY_GRID] == 1000000);
    ck_assert(ledger_month_find(e, period_ord(2025, 4))->pool_kwh[SUPPLY_GRID] == 7);
    ck_assert(ledger_month_find(e, period_ord(2025, 4))->pool_kwh[SUPPLY_CERTIFICATE] == 3000);
    diag_list_free(&dl);
    ledger_free(l);
}
END_TEST

/* One bad row each: the error names line 2, the column, and what was expected. */
START_TEST(bad_electricity_rows)
{
    static const struct { const char *row; int column; const char *needle; } bad[] = {
        {"E1,2025-03,M1,grid,\"12,5x\",,\n", 5, "kwh \"12,5x\" is not a number"},
        {"E1,2025-03,M1,grid,NaN,,\n", 5, "is not a number"},
        {"E1,2025-03,M1,grid,inf,,\n", 5, "is not a number"},
        {"E1,2025-03,M1,grid,1e400,,\n", 5, "out of range"},
        {"E1,2025-03,M1,grid,-5,,\n", 5, "is negative"},
        {"E1,2025-13,M1,grid,5,,\n", 2, "out of range"},
        {"E1,March,M1,grid,5,,\n", 2, "is not a period"},
        {"E1,,M1,grid,5,,\n", 2, "period is empty"},
        {",2025-03,M1,grid,5,,\n", 1, "enterprise_id is empty"},
        {"E1,2025-03,M1,wind,5,,\n", 4, "source \"wind\" is unknown"},
        {"E1,2025-03,M1,supplier,5,,\n", 7, "needs a factor_id"},
        {"E1,2025-03,M1,supplier,5,,no-such-factor\n", 7, "not a known factor"},
        {"E1,2025-03,M1,supplier,5,,cn-mee-shanxi-2023\n", 7, "expected a supplier factor"},
        {"E1,2025-03,M1,grid,5,,\nE1,2025-03,M1,grid,6,,\n", 2, "duplicate of in.csv:2"},
        {"E1,2025-03,M1,grid,5\n", 0, "5 fields, but the header has 7"},
        {"E1,2025-03,M1,grid,5,,,\n", 0, "8 fields"},
        {"E1,2025-03,M1,grid,5,,\nE1,2025-03-02,M1,grid,6,,\n", 2, "a monthly total and daily"},
        {"E1,2025-03-02 00:15,M1,grid,5,,\nE1,2025-03-02 00:15,M1,grid,6,,\n", 2, "duplicate of in.csv:2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ledger *l = ledger_new();
        diag_list dl;
        diag_list_init(&dl);
        char text[512];
        snprintf(text, sizeof text, "%s%s", E_HDR, bad[i].row);
        ck_assert_int_eq(ingest(l, INGEST_ELECTRICITY, text, &dl), CBAM_ERR_DATA);
        ck_assert_uint_eq(dl.errors, 1);
        const diag *d = &dl.items[0];
        ck_assert_str_eq(d->file, "in.csv");
        long want_line = strchr(bad[i].row, '\n')[1] ? 3 : 2;
        ck_assert_msg(d->line == want_line, "%s: line %ld", bad[i].row, d->line);
        ck_assert_msg(d->column == bad[i].column, "%s: column %d", bad[i].row, d->column);
        ck_assert_msg(strstr(d->message, bad[i].needle) != NULL, "'%s' lacks '%s'", d->message, bad[i].needle);
        diag_list_free(&dl);
        ledger_free(l);
    }
}
END_TEST

START_TEST(bad_units_and_headers)
{
    static const struct { const char *text; const char *needle; } bad[] = {
        {"enterprise_id,period,source,energy,unit\nE1,2025-03,grid,5,kW\n", "is power, not energy"},
        {"enterprise_id,period,source,energy,unit\nE1,2025-03,grid,5,kVA\n", "is power, not energy"},
        {"enterprise_id,period,source,energy,unit\nE1,2025-03,grid,5,bananas\n", "unknown"},
        {"enterprise_id,period,source,energy,unit\nE1,2025-03,grid,5,certificates\n", "counts certificates"},
        {"enterprise_id,period,source,energy\nE1,2025-03,grid,5\n", "no unit for column 'energy'"},
        {"enterprise_id,period,source\nE1,2025-03,grid\n", "no energy column"},
        {"enterprise_id,period,source,kwh,energy,unit\nE1,2025-03,grid,5,5,kWh\n", "both 'kwh' and 'energy'"},
        {"enterprise_id,period,kwh\nE1,2025-03,5\n", "required column 'source'"},
        {"enterprise_id,period,source,kwh,kwh\nE1,2025-03,grid,5,5\n", "appears twice"},
        {"enterprise_id,period,source,kwh\n", "no data rows"},
        {"", "empty file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ledger *l = ledger_new();
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(ingest(l, INGEST_ELECTRICITY, bad[i].text, &dl), CBAM_ERR_DATA);
        ck_assert_uint_ge(dl.errors, 1);
        bool found = false;
        for (size_t k = 0; k < dl.count; k++)
            found |= strstr(dl.items[k].message, bad[i].needle) != NULL;
        ck_assert_msg(found, "case %zu: no message with '%s' (first: %s)", i, bad[i].needle,
                      dl.count ? dl.items[0].message : "none");
        diag_list_free(&dl);
        ledger_free(l);
    }
}
END_TEST

START_TEST(warnings_and_filters)
{
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    char text[1024];
    snprintf(text, sizeof text,
             "%s"
             "E1,2025-03,M1,grid,,,\n"                /* empty: warned, not zero */
             "E1,2025-03,M2,grid,5,,x\n"              /* factor_id ignored: warned */
             "E1,2024-12,M1,grid,5,,\n"               /* outside the period: noted */
             "E2,2025-03,M1,grid,5,,\n"               /* other enterprise: noted */
             "E1,2025-04,M1,certificate,5,P1,\n",     /* product on a certificate: warned */
             E_HDR);
    ingest_opts o = {.from_ord = period_ord(2025, 1), .to_ord = period_ord(2025, 12), .only_enterprise = "E1"};
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "in.csv", text, strlen(text), &o, &dl), CBAM_OK);
    ck_assert_uint_eq(dl.errors, 0);
    ck_assert_uint_eq(dl.warnings, 3);
    ck_assert_uint_eq(dl.notes, 2);
    ck_assert_ptr_null(ledger_enterprise_get(l, "E2", 2, false));
    ledger_enterprise *e = ledger_enterprise_get(l, "E1", 2, false);
    ck_assert(ledger_month_find(e, period_ord(2025, 3))->pool_kwh[SUPPLY_GRID] == 5);
    ck_assert_uint_eq(e->nproducts, 0);
    diag_list_free(&dl);
    ledger_free(l);
}
END_TEST

START_TEST(too_many_errors_stop_the_file)
{
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    size_t cap = 200 * 32 + 128;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "%s", E_HDR);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(text + n, cap - n, "E1,2025-03,M%d,grid,x,,\n", i);
    ck_assert_int_eq(ingest(l, INGEST_ELECTRICITY, text, &dl), CBAM_ERR_DATA);
    ck_assert_uint_eq(dl.errors, INGEST_MAX_ERRORS + 1);
    free(text);
    diag_list_free(&dl);
    ledger_free(l);
}
END_TEST

START_TEST(production_and_enterprises)
{
    ledger *l = ledger_new();
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(ingest(l, INGEST_PRODUCTION,
                            "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n"
                            "E1,2025-03,P1,Bolt,7318 15 88,1500,kg\n"
                            "E1,2025-03,P2,,,2,t\n",
                            &dl),
                     CBAM_OK);
    ck_assert_int_eq(ingest(l, INGEST_ENTERPRISES,
                            "enterprise_id,name,country,province\n"
                            "E1,某公司,cn,山西省\n"
                            "E2,Other,CN,Atlantis\n",
                            &dl),
                     CBAM_OK);
    ck_assert_uint_eq(dl.warnings, 1); /* Atlantis */
    ledger_enterprise *e = ledger_enterprise_get(l, "E1", 2, false);
    ck_assert_str_eq(e->products[0].cn_code, "73181588");
    ck_assert_str_eq(e->products[0].name, "Bolt");
    ck_assert_ptr_null(e->products[1].cn_code);
    ck_assert(ledger_month_find(e, period_ord(2025, 3))->cells[0].quantity_t == 1.5);
    ck_assert_str_eq(e->country, "CN");
    ck_assert_str_eq(e->province, "Shanxi");
    ck_assert(e->registered);
    diag_list_free(&dl);
    ledger_free(l);

    static const struct { const char *text; const char *needle; } bad[] = {
        {"E1,2025-03,P1,,7318,5,t\n", "expected 8 digits"},
        {"E1,2025-03,P1,,,5,pcs\n", "is not a mass"},
        {"E1,2025-03,P1,,,-5,t\n", "is negative"},
        {"E1,2025-03,P1,,,5,t\nE1,2025-03,P1,,,6,t\n", "duplicate of in.csv:2"},
        {"E1,2025-03,P1,,73181588,5,t\nE1,2025-04,P1,,73181500,6,t\n", "differs from 73181588"},
        {"E1,2025-03,,,,5,t\n", "product_id is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        l = ledger_new();
        diag_list_init(&dl);
        char text[512];
        snprintf(text, sizeof text, "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n%s",
                 bad[i].text);
        ck_assert_int_eq(ingest(l, INGEST_PRODUCTION, text, &dl), CBAM_ERR_DATA);
        ck_assert_uint_eq(dl.errors, 1);
        ck_assert_msg(strstr(dl.items[0].message, bad[i].needle) != NULL, "'%s' lacks '%s'",
                      dl.items[0].message, bad[i].needle);
        diag_list_free(&dl);
        ledger_free(l);
    }
    l = ledger_new();
    diag_list_init(&dl);
    ck_assert_int_eq(ingest(l, INGEST_ENTERPRISES, "enterprise_id,name,country\nE1,A,CN\nE1,B,CN\n", &dl),
                     CBAM_ERR_DATA);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "already listed at in.csv:2"));
    diag_list_free(&dl);
    ledger_free(l);
    l = ledger_new();
    diag_list_init(&dl);
    ck_assert_int_eq(ingest(l, INGEST_ENTERPRISES, "enterprise_id,name,country\nE1,A,China\n", &dl),
                     CBAM_ERR_DATA);
    diag_list_free(&dl);
    ledger_free(l);
}
END_TEST

Suite *suite_ingest(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("all");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, electricity_is_summed_per_month_source_and_product);
    tcase_add_test(tc, energy_with_units);
    tcase_add_test(tc, bad_electricity_rows);
    tcase_add_test(tc, bad_units_and_headers);
    tcase_add_test(tc, warnings_and_filters);
    tcase_add_test(tc, too_many_errors_stop_the_file);
    tcase_add_test(tc, production_and_enterprises);
    suite_add_tcase(s, tc);
    return s;
}
