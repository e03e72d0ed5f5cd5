/* test_golden.c - whole-pipeline cases whose expected values are derived by
 * hand below, from shared/reference/seed-facts.md and emission-factors.md. */
#include "config.h"
#include "allocate.h"
#include "ingest.h"
#include "tests.h"

#include <math.h>
#include <string.h>

struct run {
    factors_db *db;
    ledger *l;
    diag_list dl;
    alloc_result res;
};

static void start(struct run *r)
{
    diag_list_init(&r->dl);
    r->db = factors_new();
    factors_load_builtin(r->db, &r->dl);
    r->l = ledger_new();
    memset(&r->res, 0, sizeof r->res);
}

static void feed(struct run *r, enum ingest_kind kind, const char *text)
{
    ingest_opts o = {.chunk_size = 5};
    ck_assert_int_eq(ingest_mem(r->l, r->db, kind, "golden.csv", text, strlen(text), &o, &r->dl), CBAM_OK);
}

static void finish(struct run *r)
{
    alloc_result_free(&r->res);
    ledger_free(r->l);
    factors_free(r->db);
    diag_list_free(&r->dl);
}

/*
 * Yuncheng ETDZ green-power park when complete (seed-facts.md): 12.08亿kWh a
 * year, of which 5.65亿kWh self-generated green power delivered by direct
 * supply and 0.994亿kWh bought through green-power trading; the grid supplies
 * the rest, 12.08 - 5.65 - 0.994 = 5.436亿kWh. Data year 2025, Shanxi.
 *
 *   green share = (5.65 + 0.994) / 12.08 = 6.644 / 12.08 = 0.55
 *   location    = 0.6634 (Shanxi 2023, latest before 2025) x (5.436 + 0.994)e8 kWh / 1000
 *               = 0.6634 x 643,000 MWh = 426,566.2 t
 *   market      = 0.6096 (national residual 2023) x 543,600 MWh = 331,378.56 t
 *                 (the green trade's bundled certificates and the direct line count 0)
 *   CBAM        = 0.605 (EU default CN, D.4(a)) x 643,000 MWh = 389,015 t
 *                 (green trade carries the grid factor under CBAM; the direct line 0, D.4.3.1)
 *   CBAM factor = 389,015 t / 1,208,000 MWh = 0.322032... t/MWh, code "Mix"
 *
 * The park's own stated factor, 0.3503 kgCO2/kWh, on the same 12.08亿kWh as
 * a supplier factor gives 0.3503 x 1,208,000 MWh = 423,162.4 t market-based;
 * the published MEE factors above give 331,378.56 t: the two sit side by side.
 */
START_TEST(yuncheng_park_mix)
{
    struct run r;
    /* A yearly total is entered as one month (a bare "2025" is not a period). */
    start(&r);
    feed(&r, INGEST_ENTERPRISES, "enterprise_id,name,province\nYC-PARK,运城经开区绿电园区,山西省\n");
    feed(&r, INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,energy,unit\n"
                                 "YC-PARK,2025-12,direct,green_direct,5.65,亿kWh\n"
                                 "YC-PARK,2025-12,trade,green_trade,0.994,亿kWh\n"
                                 "YC-PARK,2025-12,grid,grid,5.436,亿kWh\n");
    alloc_opts o = {0};
    ck_assert_int_eq(alloc_run(r.l, r.db, &o, &r.res, &r.dl), CBAM_OK);
    const alloc_enterprise *ae = &r.res.ents[0];
    ck_assert_double_eq_tol(ae->kwh.consumption, 1.208e9, 1e-3);
    ck_assert_double_eq_tol(ae->green_share, 0.55, 1e-12);
    ck_assert_double_eq_tol(ae->em.location, 426566.2, 1e-6);
    ck_assert_double_eq_tol(ae->em.market, 331378.56, 1e-6);
    ck_assert_double_eq_tol(ae->em.cbam, 389015.0, 1e-6);
    ck_assert_double_eq_tol(ae->cbam_ef, 389015.0 / 1208000.0, 1e-12);
    ck_assert_str_eq(ae->cbam_code, "Mix");
    ck_assert_str_eq(ae->f.location->id, "cn-mee-shanxi-2023");
    finish(&r);

    start(&r);
    feed(&r, INGEST_ENTERPRISES, "enterprise_id,name,province\nYC-PARK,运城经开区绿电园区,山西省\n");
    feed(&r, INGEST_ELECTRICITY, "enterprise_id,period,source,energy,unit,factor_id\n"
                                 "YC-PARK,2025-12,supplier,12.08,亿kWh,yuncheng-etdz-2025\n");
    ck_assert_int_eq(alloc_run(r.l, r.db, &o, &r.res, &r.dl), CBAM_OK);
    ae = &r.res.ents[0];
    ck_assert_double_eq_tol(ae->em.market, 423162.4, 1e-6);
    /* Location and CBAM do not take a supplier's factor: 0.6634 and 0.605 x 1,208,000 MWh. */
    ck_assert_double_eq_tol(ae->em.location, 801387.2, 1e-6);
    ck_assert_double_eq_tol(ae->em.cbam, 730840.0, 1e-6);
    ck_assert_str_eq(ae->cbam_code, "D.4(a)");
    finish(&r);
}
END_TEST

/*
 * A Changzhi-style battery-materials plant, Shanxi, 2024-03, with a
 * green-power dedicated line and rooftop PV (seed-facts.md, Changzhi):
 *   rooftop PV 50,000 kWh a day x 31 days = 1,550,000 kWh on-site
 *   direct line (绿电专线) 3,000 MWh; grid 2,500 MWh; certificates 1,000 MWh
 *   production: cathode 400 t (sub-meter: 1,000 MWh grid of the 2,500), precursor 600 t
 * Shared: grid 1,500 MWh + direct 3,000 MWh + on-site 1,550 MWh, split 40/60 by mass.
 *   cathode kWh   = 1,000,000 + 0.4 x 6,050,000 = 3,420,000
 *   precursor kWh = 0.6 x 6,050,000 = 3,630,000
 * Grid of cathode = 1,000 + 600 = 1,600 MWh; of precursor 900 MWh.
 * Coverage = 1,000 / 2,500 = 0.4 of every grid kWh.
 *   cathode location = 0.6634 x 1,600 = 1,061.44 t; SEE 1,061.44 / 400 = 2.6536 t/t
 *   cathode market   = 0.6096 x 1,600 x 0.6 = 585.216 t
 *   cathode CBAM     = 0.605 x 1,600 = 968 t; SEE 2.42 t/t; 3,420 MWh -> 8.55 MWh/t
 *   precursor CBAM   = 0.605 x 900 = 544.5 t; SEE 0.9075 t/t
 *   enterprise CBAM  = 0.605 x 2,500 = 1,512.5 t = 968 + 544.5
 */
START_TEST(changzhi_plant_with_submeter)
{
    struct run r;
    start(&r);
    feed(&r, INGEST_ENTERPRISES, "enterprise_id,name,province\nCZ-01,长治示例电池材料,Shanxi\n");
    feed(&r, INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,energy,unit,product_id\n"
                                 "CZ-01,2024-03,G1,grid,1500,MWh,\n"
                                 "CZ-01,2024-03,G2,grid,1000,MWh,CATHODE\n"
                                 "CZ-01,2024-03,DL,green_direct,3000,MWh,\n"
                                 "CZ-01,2024-03,PV,onsite,155,万kWh,\n"
                                 "CZ-01,2024-03,GEC,certificate,1000,certificates,\n");
    feed(&r, INGEST_PRODUCTION, "enterprise_id,period,product_id,quantity,unit\n"
                                "CZ-01,2024-03,CATHODE,400,t\nCZ-01,2024-03,PRECURSOR,600,t\n");
    alloc_opts o = {0};
    ck_assert_int_eq(alloc_run(r.l, r.db, &o, &r.res, &r.dl), CBAM_OK);
    const alloc_enterprise *ae = &r.res.ents[0];
    const alloc_product *c = &ae->products[ae->product_order[0]], *p = &ae->products[ae->product_order[1]];
    ck_assert_str_eq(c->p->id, "CATHODE");
    ck_assert_double_eq_tol(c->kwh, 3420000, 1e-6);
    ck_assert_double_eq_tol(p->kwh, 3630000, 1e-6);
    ck_assert_double_eq_tol(c->em.location, 1061.44, 1e-9);
    ck_assert_double_eq_tol(c->see.location, 2.6536, 1e-12);
    ck_assert_double_eq_tol(c->em.market, 585.216, 1e-9);
    ck_assert_double_eq_tol(c->em.cbam, 968, 1e-9);
    ck_assert_double_eq_tol(c->see.cbam, 2.42, 1e-12);
    ck_assert_double_eq_tol(c->mwh_per_t, 8.55, 1e-12);
    ck_assert_double_eq_tol(p->see.cbam, 0.9075, 1e-12);
    ck_assert_double_eq_tol(ae->em.cbam, 1512.5, 1e-9);
    ck_assert(ae->kwh.unallocated == 0);
    finish(&r);
}
END_TEST

Suite *suite_golden(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, yuncheng_park_mix);
    tcase_add_test(tc, changzhi_plant_with_submeter);
    suite_add_tcase(s, tc);
    return s;
}
