/* test_allocate.c - each formula, the allocation to products, and conservation
 * (products + unallocated = enterprise) as a property over generated inputs. */
#include "config.h"
#include "allocate.h"
#include "ingest.h"
#include "tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static factors_db *db;
static ledger *l;
static diag_list dl;
static alloc_result res;

static void setup(void)
{
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    l = ledger_new();
    memset(&res, 0, sizeof res);
}

static void teardown(void)
{
    alloc_result_free(&res);
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
}

static void feed(enum ingest_kind kind, const char *text)
{
    ingest_opts o = {0};
    enum cbam_err err = ingest_mem(l, db, kind, "t.csv", text, strlen(text), &o, &dl);
    ck_assert_msg(err == CBAM_OK, "ingest: %s", dl.count ? dl.items[dl.count - 1].message : "?");
}

static const alloc_enterprise *run(const alloc_opts *o)
{
    alloc_opts none = {0};
    ck_assert_int_eq(alloc_run(l, db, o ? o : &none, &res, &dl), CBAM_OK);
    ck_assert_uint_ge(res.n, 1);
    return &res.ents[0];
}

static const alloc_product *product(const alloc_enterprise *ae, const char *id)
{
    for (size_t i = 0; i < ae->nproducts; i++)
        if (strcmp(ae->products[i].p->id, id) == 0)
            return &ae->products[i];
    ck_abort_msg("no product %s", id);
    return NULL;
}

static const char REG[] = "enterprise_id,name,province\nE1,E one,Shanxi\n";

/* Shanxi 2023: location 0.6634, residual (national) 0.6096, CBAM CN 0.605. */
START_TEST(each_formula)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh,factor_id\n"
                             "E1,2023-05,grid,1000,\n"
                             "E1,2023-05,green_trade,200,\n"
                             "E1,2023-05,green_ppa,300,\n"
                             "E1,2023-05,green_direct,400,\n"
                             "E1,2023-05,onsite,500,\n"
                             "E1,2023-05,supplier,600,yuncheng-etdz-2025\n"
                             "E1,2023-05,certificate,250,\n");
    const alloc_enterprise *ae = run(NULL);
    /* consumption = 1000 + 200 + 300 + 400 + 500 + 600 = 3000 kWh; certificates add nothing */
    ck_assert(ae->kwh.consumption == 3000);
    ck_assert(ae->kwh.certificates_used == 250);
    /* location = 0.6634 x (1000 + 200 + 300 + 600) / 1000 = 0.6634 x 2.1 = 1.39314 t */
    ck_assert_double_eq_tol(ae->em.location, 1.39314, 1e-12);
    /* market = (0.6096 x (1000 - 250) + 0.3503 x 600) / 1000 = (457.2 + 210.18) / 1000 = 0.66738 t */
    ck_assert_double_eq_tol(ae->em.market, 0.66738, 1e-12);
    /* CBAM = 0.605 x (1000 + 200 + 600) / 1000 = 1.089 t; PPA, direct, on-site count 0 */
    ck_assert_double_eq_tol(ae->em.cbam, 1.089, 1e-12);
    /* The MWh-weighted CBAM factor: 1.089 t / 3 MWh = 0.363; several sources -> "Mix". */
    ck_assert_double_eq_tol(ae->cbam_ef, 0.363, 1e-12);
    ck_assert_str_eq(ae->cbam_code, "Mix");
    /* green = trade + PPA + direct + on-site = 1400 of 3000 */
    ck_assert_double_eq_tol(ae->green_share, 1400.0 / 3000.0, 1e-15);
    ck_assert_str_eq(ae->f.location->id, "cn-mee-shanxi-2023");
    ck_assert_str_eq(ae->f.residual->id, "cn-mee-residual-2023");
    ck_assert_str_eq(ae->f.cbam->id, "cbam-default-cn");
    /* no production: everything unallocated, warned */
    ck_assert(ae->kwh.unallocated == 3000);
    ck_assert_double_eq_tol(ae->unallocated_em.cbam, 1.089, 1e-12);
}
END_TEST

START_TEST(certificates_are_capped_at_grid)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\n"
                             "E1,2023-05,grid,1000\n"
                             "E1,2023-05,certificate,1500\n"
                             "E1,2023-06,certificate,100\n"
                             "E1,2023-06,onsite,100\n");
    const alloc_enterprise *ae = run(NULL);
    ck_assert(ae->kwh.certificates_used == 1000);
    ck_assert(ae->kwh.source[SUPPLY_CERTIFICATE] == 1600);
    ck_assert(ae->em.market == 0);
    /* CBAM ignores certificates: 0.605 x 1000 / 1000 */
    ck_assert_double_eq_tol(ae->em.cbam, 0.605, 1e-15);
    size_t warned = 0;
    for (size_t i = 0; i < dl.count; i++)
        warned += strstr(dl.items[i].message, "exceed the grid purchase") != NULL;
    ck_assert_uint_eq(warned, 2); /* May (500 over) and June (no grid at all) */
}
END_TEST

START_TEST(allocation_by_mass_and_submeters)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh,product_id\n"
                             "E1,2023-05,grid,900,\n"
                             "E1,2023-05,green_direct,300,\n"
                             "E1,2023-05,grid,100,A\n"
                             "E1,2023-05,certificate,500,\n"
                             "E1,2023-06,grid,400,\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,quantity,unit\n"
                            "E1,2023-05,A,1,t\n"
                            "E1,2023-05,B,3000,kg\n");
    const alloc_enterprise *ae = run(NULL);
    const alloc_product *a = product(ae, "A"), *b = product(ae, "B");
    /* May: shared 900 grid + 300 direct, mass A 1 t : B 3 t -> A 1/4, B 3/4.
     * A = 100 (sub-metered) + 225 + 75 = 400 kWh; B = 675 + 225 = 900 kWh. */
    ck_assert_double_eq_tol(a->kwh, 400, 1e-9);
    ck_assert_double_eq_tol(a->kwh_sub, 100, 1e-12);
    ck_assert_double_eq_tol(b->kwh, 900, 1e-9);
    /* Certificates 500 of grid 1000 -> coverage 1/2 wherever grid lands.
     * A grid = 100 + 225 = 325 -> market 0.6096 x 162.5 / 1000 = 0.09906 t. */
    ck_assert_double_eq_tol(a->em.market, 0.09906, 1e-12);
    /* A CBAM = 0.605 x 325 / 1000; SEE = that / 1 t */
    ck_assert_double_eq_tol(a->see.cbam, 0.196625, 1e-12);
    ck_assert_double_eq_tol(a->mwh_per_t, 0.4, 1e-12);
    ck_assert_str_eq(a->cbam_code, "Mix");
    /* June: 400 kWh, no production -> unallocated */
    ck_assert_double_eq_tol(ae->kwh.unallocated, 400, 1e-12);
    ck_assert(ae->months[1].kwh.unallocated == 400);
    ck_assert(ae->months[0].products[0].share == 0.25);
    /* kWh and every method add up */
    ck_assert_double_eq_tol(a->kwh + b->kwh + ae->kwh.unallocated, ae->kwh.consumption, 1e-9);
    ck_assert_double_eq_tol(a->em.cbam + b->em.cbam + ae->unallocated_em.cbam, ae->em.cbam, 1e-12);
}
END_TEST

START_TEST(factor_choice_and_overrides)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2025-01,grid,1000\nE1,2025-02,green_direct,10\n");
    alloc_opts o = {0};
    const alloc_enterprise *ae = run(&o);
    /* No enterprises file: CN, province unknown -> national average, latest year (2023). */
    ck_assert_str_eq(ae->f.location->id, "cn-mee-avg-2023");
    ck_assert_double_eq_tol(ae->em.location, 0.5306, 1e-15);
    ck_assert_str_eq(ae->cbam_code, "Mix");
    size_t hourly = 0;
    for (size_t i = 0; i < dl.count; i++)
        hourly += strstr(dl.items[i].message, "one-hour match") != NULL;
    ck_assert_uint_eq(hourly, 1);
    alloc_result_free(&res);

    diag_list_free(&dl);
    diag_list_init(&dl);
    ck_assert_int_eq(factors_resolve_arg(db, "0.3503", "--grid-factor", &o.grid_override, &dl), CBAM_OK);
    ck_assert_int_eq(factors_resolve_arg(db, "cn-mee-shanxi-2023", "--cbam-grid-factor", &o.cbam_override, &dl), CBAM_OK);
    ae = run(&o);
    ck_assert_double_eq_tol(ae->em.location, 0.3503, 1e-15);
    ck_assert_double_eq_tol(ae->em.cbam, 0.6634, 1e-15);
    ck_assert_str_eq(ae->f.cbam_grid_code, "D.4(b)");
}
END_TEST

START_TEST(missing_months_and_period_range)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2023-01,grid,1\nE1,2023-04,grid,1\n");
    alloc_opts o = {.from_ord = period_ord(2023, 1), .to_ord = period_ord(2023, 12)};
    const alloc_enterprise *ae = run(&o);
    ck_assert_uint_eq(ae->nmonths, 12);
    bool found = false;
    for (size_t i = 0; i < dl.count; i++)
        found |= strstr(dl.items[i].message, "no electricity rows for 10 months inside the period: "
                                             "2023-02, 2023-03, 2023-05") != NULL;
    ck_assert(found);
}
END_TEST

START_TEST(period_across_factor_years)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2022-12,grid,1000\nE1,2023-01,grid,1000\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,quantity,unit\nE1,2023-02,A,5,t\n");
    const alloc_enterprise *ae = run(NULL);
    /* Shanxi 2022 0.7096 for December, 2023 0.6634 for January: 0.7096 + 0.6634 = 1.373 t */
    ck_assert_double_eq_tol(ae->em.location, 1.373, 1e-12);
    ck_assert_ptr_null(ae->f.location);            /* differs by month */
    ck_assert_ptr_nonnull(ae->f.cbam);             /* the CBAM default does not */
    ck_assert_str_eq(ae->months[0].f.location->id, "cn-mee-shanxi-2022");
    ck_assert_str_eq(ae->months[1].f.location->id, "cn-mee-shanxi-2023");
    size_t noted = 0, prod_only = 0;
    for (size_t i = 0; i < dl.count; i++) {
        noted += strstr(dl.items[i].message, "spans data years") != NULL;
        prod_only += strstr(dl.items[i].message, "production but no electricity in 1 month: 2023-02 (5 t)") != NULL;
    }
    ck_assert_uint_eq(noted, 1);
    ck_assert_uint_eq(prod_only, 1);
    /* February: production, no electricity: left out of SEE, so A's SEE is
     * undefined (null), never 0 (issue 8 items 2 and 3). */
    ck_assert_uint_eq(ae->nmonths, 3);
    ck_assert(ae->months[2].has_production && !ae->months[2].has_electricity);
    ck_assert(!ae->products[0].has_see);
    ck_assert_double_eq(ae->products[0].quantity_see_t, 0);
    ck_assert_uint_eq(ae->products[0].months_without_electricity, 1);
}
END_TEST

START_TEST(factor_years_before_any_publication_fail)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2019-05,grid,1\n");
    alloc_opts o = {0};
    ck_assert_int_eq(alloc_run(l, db, &o, &res, &dl), CBAM_ERR_DATA);
    ck_assert_uint_ge(dl.errors, 1);
}
END_TEST

static unsigned long long xorshift(unsigned long long *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Conservation as a property: for random ledgers, products + unallocated
 * equal the enterprise figure, for kWh and each method, every month. */
START_TEST(conservation_property)
{
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
#define RND() xorshift(&x)
    static const char *const sources[] = {"grid", "green_trade", "green_ppa", "green_direct",
                                          "onsite", "supplier", "certificate"};
    for (int round = 0; round < 200; round++) {
        ledger_free(l);
        alloc_result_free(&res);
        l = ledger_new();
        size_t cap = 1 << 16, n = 0;
        char *el = malloc(cap), *pr = malloc(cap);
        n += (size_t)snprintf(el + n, cap - n, "enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n");
        int nrows = 1 + (int)(RND() % 40), nprod = (int)(RND() % 5);
        for (int r = 0; r < nrows; r++) {
            int src = (int)(RND() % 7);
            char prod[8] = "";
            if (nprod > 0 && RND() % 3 == 0 && src != 6)
                snprintf(prod, sizeof prod, "P%d", (int)(RND() % (unsigned)nprod));
            n += (size_t)snprintf(el + n, cap - n, "E1,2024-%02d,M%d,%s,%.3f,%s,%s\n", 1 + (int)(RND() % 12), r,
                                  sources[src], (double)(RND() % 100000000) / 1000.0, prod,
                                  src == 5 ? "yuncheng-etdz-2025" : "");
        }
        size_t m = (size_t)snprintf(pr, cap, "enterprise_id,period,product_id,quantity,unit\n");
        for (int p = 0; p < nprod; p++)
            for (int mo = 1; mo <= 12; mo++)
                if (RND() % 4 != 0)
                    m += (size_t)snprintf(pr + m, cap - m, "E1,2024-%02d,P%d,%.4f,t\n", mo, p,
                                          (double)(RND() % 10000000) / 10000.0);
        feed(INGEST_ELECTRICITY, el);
        if (nprod > 0 && m > 60)
            feed(INGEST_PRODUCTION, pr);
        free(el);
        free(pr);
        const alloc_enterprise *ae = run(NULL);
        double kwh = ae->kwh.unallocated;
        alloc_em em = ae->unallocated_em;
        for (size_t i = 0; i < ae->nproducts; i++) {
            kwh += ae->products[i].kwh;
            em.location += ae->products[i].em.location;
            em.market += ae->products[i].em.market;
            em.cbam += ae->products[i].em.cbam;
        }
        ck_assert_close(kwh, ae->kwh.consumption, 1e-12);
        ck_assert_close(em.location, ae->em.location, 1e-12);
        ck_assert_close(em.market, ae->em.market, 1e-12);
        ck_assert_close(em.cbam, ae->em.cbam, 1e-12);
        for (size_t mo = 0; mo < ae->nmonths; mo++) {
            const alloc_month *am = &ae->months[mo];
            double k = am->kwh.unallocated;
            for (size_t i = 0; i < ae->nproducts; i++)
                k += am->products[i].kwh_sub + am->products[i].kwh_alloc;
            ck_assert_close(k, am->kwh.consumption, 1e-12);
        }
    }
#undef RND
}
END_TEST

Suite *suite_allocate(void)
{
    Suite *s = suite_create("allocate");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, each_formula);
    tcase_add_test(tc, certificates_are_capped_at_grid);
    tcase_add_test(tc, allocation_by_mass_and_submeters);
    tcase_add_test(tc, factor_choice_and_overrides);
    tcase_add_test(tc, missing_months_and_period_range);
    tcase_add_test(tc, period_across_factor_years);
    tcase_add_test(tc, factor_years_before_any_publication_fail);
    tcase_add_test(tc, conservation_property);
    suite_add_tcase(s, tc);
    return s;
}
