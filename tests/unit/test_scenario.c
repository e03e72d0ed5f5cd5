/* test_scenario.c - the scenario engine's promises as properties over
 * generated enterprises: each month the added kWh are used or surplus, the
 * replaced source never goes below 0, no product's or month's consumption
 * changes, the CBAM figure falls by exactly 0.605 t per MWh of grid
 * replaced by a direct line; and the refusals (nothing to replace, nothing
 * to remove, a profile with nothing to go by). */
#include "config.h"
#include "allocate.h"
#include "ingest.h"
#include "scenario.h"
#include "tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static factors_db *db;
static ledger *l;
static diag_list dl;

static void setup(void)
{
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    l = ledger_new();
}

static void teardown(void)
{
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

static unsigned rnd_state;
static unsigned rnd(unsigned n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* An enterprise of 12 months (some without grid) with two products, one
 * sub-metered for part of its grid, and some green supply. */
static void generate(unsigned seed)
{
    rnd_state = seed;
    char el[8192], pr[4096];
    size_t n = (size_t)snprintf(el, sizeof el, "enterprise_id,period,meter_id,source,kwh,product_id\n");
    size_t m = (size_t)snprintf(pr, sizeof pr, "enterprise_id,period,product_id,cn_code,quantity,unit\n");
    for (int mon = 1; mon <= 12; mon++) {
        unsigned grid = rnd(4) == 0 ? 0 : 1000 + rnd(90000);
        n += (size_t)snprintf(el + n, sizeof el - n, "E1,2026-%02d,G1,grid,%u,\n", mon, grid);
        n += (size_t)snprintf(el + n, sizeof el - n, "E1,2026-%02d,G2,grid,%u,P1\n", mon, rnd(20000));
        n += (size_t)snprintf(el + n, sizeof el - n, "E1,2026-%02d,D1,green_direct,%u,\n", mon, rnd(30000));
        n += (size_t)snprintf(el + n, sizeof el - n, "E1,2026-%02d,T1,green_trade,%u,\n", mon, rnd(5000));
        m += (size_t)snprintf(pr + m, sizeof pr - m, "E1,2026-%02d,P1,2523 29 00,%u,t\n", mon, 1 + rnd(500));
        m += (size_t)snprintf(pr + m, sizeof pr - m, "E1,2026-%02d,P2,7318 15 88,%u,t\n", mon, 1 + rnd(500));
    }
    feed(INGEST_ENTERPRISES, "enterprise_id,name,province\nE1,E one,Shanxi\n");
    feed(INGEST_ELECTRICITY, el);
    feed(INGEST_PRODUCTION, pr);
}

START_TEST(promises_hold)
{
    generate(0x5eed0000u + (unsigned)_i);
    scenario_opts o = {0};
    static const enum scenario_profile profs[] = {SCENARIO_PROFILE_AUTO, SCENARIO_PROFILE_CONSUMPTION,
                                                  SCENARIO_PROFILE_SOLAR, SCENARIO_PROFILE_FLAT};
    o.changes[o.nchanges++] = (scenario_change){.source = SUPPLY_GREEN_DIRECT,
                                                .kwh_per_year = 100000.0 * (1 + rnd(30)),
                                                .profile = profs[rnd(4)]};
    if (rnd(2))
        o.changes[o.nchanges++] =
            (scenario_change){.source = SUPPLY_ONSITE, .kwh_per_year = 50000.0 * (1 + rnd(10))};
    alloc_opts ao = {0};
    scenario_result r;
    enum cbam_err err = scenario_run(l, l->ents[0], db, &ao, NULL, &o, &r, &dl);
    ck_assert_msg(err == CBAM_OK, "%s", dl.count ? dl.items[dl.count - 1].message : "?");
    const alloc_enterprise *b = &r.base.res.ents[0], *s = &r.scen.res.ents[0];
    ck_assert_uint_eq(b->nmonths, s->nmonths);
    double surplus = 0, used_direct = 0, planned_total = 0;
    for (size_t i = 0; i < r.nmonths; i++) {
        const scenario_month *sm = &r.months[i];
        double planned = 0, used = 0;
        for (int k = 0; k < SUPPLY__COUNT; k++) {
            planned += sm->planned_kwh[k];
            used += sm->used_kwh[k];
        }
        planned_total += planned;
        ck_assert_close(used + sm->surplus_kwh, planned, 1e-12);
        ck_assert(sm->grid_after_kwh >= 0);
        ck_assert(sm->surplus_kwh >= 0);
        /* surplus only where the grid ran out */
        if (sm->surplus_kwh > 1e-6)
            ck_assert_double_eq_tol(sm->grid_after_kwh, 0, 1e-6);
        ck_assert_close(sm->grid_before_kwh - sm->grid_after_kwh, used, 1e-9);
        ck_assert_close(b->months[i].kwh.consumption, s->months[i].kwh.consumption, 1e-12);
        surplus += sm->surplus_kwh;
        used_direct += sm->used_kwh[SUPPLY_GREEN_DIRECT];
    }
    ck_assert_close(surplus, r.surplus_kwh, 1e-12);
    ck_assert_close(used_direct, r.added_kwh[SUPPLY_GREEN_DIRECT], 1e-12);
    /* a whole year: the yearly amounts are planned in full (every month has electricity) */
    double yearly = 0;
    for (size_t k = 0; k < o.nchanges; k++)
        yearly += o.changes[k].kwh_per_year;
    ck_assert_close(planned_total, yearly, 1e-9);
    for (size_t p = 0; p < b->nproducts; p++) {
        ck_assert_close(b->products[p].kwh, s->products[p].kwh, 1e-9);
        ck_assert(s->products[p].kwh_source[SUPPLY_GRID] >= 0);
    }
    /* grid replaced by zero-carbon kWh: CBAM t fall by 0.605 t per MWh used */
    double used_all = r.added_kwh[SUPPLY_GREEN_DIRECT] + r.added_kwh[SUPPLY_ONSITE];
    ck_assert_close(b->em.cbam - s->em.cbam, 0.605 * used_all / 1000, 1e-9);
    scenario_result_free(&r);
}
END_TEST

START_TEST(refusals)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh,factor_id\n"
                             "E1,2026-01,supplier,1000,yuncheng-etdz-2025\n"
                             "E1,2026-02,supplier,1000,yuncheng-etdz-2025\n");
    alloc_opts ao = {0};
    scenario_result r;
    scenario_opts o = {.nchanges = 1, .changes = {{.source = SUPPLY_GREEN_DIRECT, .kwh_per_year = 1200}}};
    /* no grid to replace: everything would be a surplus */
    ck_assert_int_eq(scenario_run(l, l->ents[0], db, &ao, NULL, &o, &r, &dl), CBAM_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dl.items[dl.count - 1].message, "--replace supplier"));
    scenario_result_free(&r);
    /* with --replace supplier: 1200 kWh a year = 100 a month, at the supplier's own factor */
    o.replace = SUPPLY_SUPPLIER;
    ck_assert_int_eq(scenario_run(l, l->ents[0], db, &ao, NULL, &o, &r, &dl), CBAM_OK);
    ck_assert_double_eq_tol(r.scen.res.ents[0].kwh.source[SUPPLY_SUPPLIER], 1800, 1e-9);
    /* market: 0.3503 kg x 1800 kWh = 0.63054 t */
    ck_assert_double_eq_tol(r.scen.res.ents[0].em.market, 0.63054, 1e-12);
    scenario_result_free(&r);
    /* removing what is not there */
    scenario_opts rm = {.nchanges = 1, .changes = {{.source = SUPPLY_ONSITE, .kwh_per_year = 5, .remove = true}}};
    ck_assert_int_eq(scenario_run(l, l->ents[0], db, &ao, NULL, &rm, &r, &dl), CBAM_ERR_USAGE);
    scenario_result_free(&r);
    /* the source profile of a source it does not have */
    scenario_opts sp = {.replace = SUPPLY_SUPPLIER,
                        .nchanges = 1,
                        .changes = {{.source = SUPPLY_ONSITE, .kwh_per_year = 5, .profile = SCENARIO_PROFILE_SOURCE}}};
    ck_assert_int_eq(scenario_run(l, l->ents[0], db, &ao, NULL, &sp, &r, &dl), CBAM_ERR_USAGE);
    scenario_result_free(&r);
}
END_TEST

Suite *suite_scenario(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("scenario");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, promises_hold, 0, 40);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    return s;
}
