/* test_cbamcost.c - CBAM certificates and cost per good (cbamcost.h), by
 * hand-derived cases on small ledgers; the loaders' errors; the shipped
 * CBAM factor schedule and the solar profile (solar.h). */
#include "config.h"
#include "allocate.h"
#include "cbamcost.h"
#include "ingest.h"
#include "region.h"
#include "solar.h"
#include "tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static factors_db *db;
static cbamcost_db *cdb;
static ledger *l;
static diag_list dl;
static alloc_result res;
static cbamcost_ent ce;
static char paths[4][32];
static size_t npaths;

static void setup(void)
{
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    cdb = cbamcost_db_new();
    ck_assert_int_eq(cbamcost_load_builtin(cdb, &dl), CBAM_OK);
    l = ledger_new();
    memset(&res, 0, sizeof res);
    memset(&ce, 0, sizeof ce);
    npaths = 0;
}

static void teardown(void)
{
    cbamcost_ent_free(&ce);
    alloc_result_free(&res);
    ledger_free(l);
    cbamcost_db_free(cdb);
    factors_free(db);
    diag_list_free(&dl);
    for (size_t i = 0; i < npaths; i++)
        unlink(paths[i]);
}

/* A temporary file holding text; removed by teardown. */
static const char *file_of(const char *text)
{
    ck_assert_uint_lt(npaths, sizeof paths / sizeof paths[0]);
    char *path = paths[npaths++];
    snprintf(path, sizeof paths[0], "/tmp/cbam-cost-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t n = strlen(text);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void feed(enum ingest_kind kind, const char *text)
{
    ingest_opts o = {0};
    enum cbam_err err = ingest_mem(l, db, kind, "t.csv", text, strlen(text), &o, &dl);
    ck_assert_msg(err == CBAM_OK, "ingest: %s", dl.count ? dl.items[dl.count - 1].message : "?");
}

static void benchmarks(const char *text, char choice)
{
    ck_assert_int_eq(cbamcost_load_benchmarks(cdb, file_of(text), choice, &dl, NULL), CBAM_OK);
}

static void direct(const char *text)
{
    ck_assert_int_eq(cbamcost_load_direct(cdb, file_of(text), &dl, NULL), CBAM_OK);
}

/* Runs the allocation and prices enterprise E1 at EUR 80 per tCO2 (again
 * from scratch when called again). */
static const alloc_enterprise *price(int year)
{
    alloc_opts none = {0};
    cbamcost_ent_free(&ce);
    alloc_result_free(&res);
    ck_assert_int_eq(alloc_run(l, db, &none, &res, &dl), CBAM_OK);
    ck_assert_uint_ge(res.n, 1);
    cbamcost_opts o = {.price_eur_per_t = 80, .year = year};
    ck_assert_int_eq(cbamcost_compute(cdb, &o, &res.ents[0], &ce, &dl), CBAM_OK);
    ck_assert_uint_eq(ce.nproducts, res.ents[0].nproducts);
    return &res.ents[0];
}

static const cbamcost_product *good(const alloc_enterprise *ae, const char *id)
{
    for (size_t i = 0; i < ae->nproducts; i++)
        if (strcmp(ae->products[i].p->id, id) == 0)
            return &ce.products[i];
    ck_abort_msg("no product %s", id);
    return NULL;
}

static size_t count_messages(const char *part)
{
    size_t n = 0;
    for (size_t i = 0; i < dl.count; i++)
        n += strstr(dl.items[i].message, part) != NULL;
    return n;
}

static const char REG[] = "enterprise_id,name,province\nE1,E one,Shanxi\n";

/* One month of 2026: 400,000 kWh of grid, four goods of 100 t each, so
 * each gets 100,000 kWh: CBAM indirect = 0.605 x 100,000 / 1000 = 60.5 t. */
static void four_goods(void)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2026-03,grid,400000\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,cn_code,quantity,unit\n"
                            "E1,2026-03,CEM,2523 29 00,100,t\n"
                            "E1,2026-03,STEEL,7318 15 88,100,t\n"
                            "E1,2026-03,CAR,8708 30 10,100,t\n"
                            "E1,2026-03,UREA,3102 10 10,100,t\n");
}

START_TEST(indirect_only_without_direct)
{
    four_goods();
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert_int_eq(c->status, CBAMCOST_INDIRECT_ONLY);
    ck_assert_str_eq(c->category, "Cement");
    ck_assert(c->indirect_in_liability);
    ck_assert_double_eq_tol(c->quantity_t, 100, 1e-12);
    ck_assert_double_eq_tol(c->indirect_t, 60.5, 1e-9);
    ck_assert_double_eq_tol(c->liability_t, 60.5, 1e-9);
    ck_assert(!c->adjustment_made);
    ck_assert(c->adjustment_t == 0);
    ck_assert_double_eq_tol(c->phase_factor, 0.975, 1e-15);
    ck_assert_int_eq(c->year_from, 2026);
    ck_assert_int_eq(c->year_to, 2026);
    /* certificates = 60.5 t; cost = 60.5 x 80 = EUR 4840, per tonne 48.4 */
    ck_assert_double_eq_tol(c->certificates_t, 60.5, 1e-9);
    ck_assert_double_eq_tol(c->cost_eur, 4840, 1e-9);
    ck_assert(c->has_cost_per_t);
    ck_assert_double_eq_tol(c->cost_eur_per_t, 48.4, 1e-9);
    ck_assert_ptr_nonnull(strstr(c->reason, "direct emissions are not given"));

    /* Steel: indirect reported, not liable: no certificates without direct. */
    const cbamcost_product *s = good(ae, "STEEL");
    ck_assert_int_eq(s->status, CBAMCOST_INDIRECT_ONLY);
    ck_assert(!s->indirect_in_liability);
    ck_assert_double_eq_tol(s->indirect_t, 60.5, 1e-9);
    ck_assert(s->indirect_liable_t == 0);
    ck_assert(s->certificates_t == 0 && s->cost_eur == 0);
    ck_assert_ptr_nonnull(strstr(s->reason, "indirect emissions of iron and steel goods are reported but not paid "
                                            "for under CBAM from 2026 (Reg. 2023/956 Annex II); electricity "
                                            "changes nothing in its certificates"));

    /* A car part is not a CBAM good. */
    const cbamcost_product *n = good(ae, "CAR");
    ck_assert_int_eq(n->status, CBAMCOST_NOT_CBAM);
    ck_assert_ptr_null(n->category);
    ck_assert(n->certificates_t == 0 && n->cost_eur == 0);
    ck_assert_str_eq(cbamcost_status_name(n->status), "not_cbam_good");

    /* Totals over the three CBAM goods: cement 60.5 + steel 0 + urea 60.5. */
    ck_assert_uint_eq(ce.ngoods, 3);
    ck_assert_double_eq_tol(ce.certificates_t, 121, 1e-9);
    ck_assert_double_eq_tol(ce.cost_eur, 9680, 1e-9);
    ck_assert_int_eq(ce.phase_lo->year, 2026);
    ck_assert_int_eq(ce.phase_hi->year, 2026);
    /* No benchmarks loaded: no warning about missing ones. */
    ck_assert_uint_eq(count_messages("benchmark"), 0);
}
END_TEST

START_TEST(complete_with_direct_and_benchmark)
{
    four_goods();
    benchmarks("cn_code,value,source\n2523 29 00,0.7,Reg. 2025/2620 Annex\n31021010,0.9,Reg. 2025/2620 Annex\n", 0);
    direct("product_id,direct_t_co2_per_t,source\nCEM,0.8,verified report\nSTEEL,1.9,verified report\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert_int_eq(c->status, CBAMCOST_COMPLETE);
    ck_assert_ptr_nonnull(c->direct);
    ck_assert_ptr_nonnull(c->benchmark);
    /* direct 0.8 x 100 = 80 t; liability 80 + 60.5 = 140.5 t;
     * adjustment 0.7 x 0.975 x 100 = 68.25 t; certificates 72.25 t; x 80 = EUR 5780 */
    ck_assert_double_eq_tol(c->direct_t, 80, 1e-9);
    ck_assert_double_eq_tol(c->liability_t, 140.5, 1e-9);
    ck_assert(c->adjustment_made);
    ck_assert_double_eq_tol(c->adjustment_t, 68.25, 1e-9);
    ck_assert_double_eq_tol(c->certificates_t, 72.25, 1e-9);
    ck_assert(!c->floored);
    ck_assert_double_eq_tol(c->cost_eur, 5780, 1e-9);
    ck_assert_double_eq_tol(c->cost_eur_per_t, 57.8, 1e-9);

    /* Steel with direct, no benchmark: an upper bound of its direct emissions. */
    const cbamcost_product *s = good(ae, "STEEL");
    ck_assert_int_eq(s->status, CBAMCOST_UPPER_BOUND);
    ck_assert_double_eq_tol(s->liability_t, 190, 1e-9);
    ck_assert_double_eq_tol(s->certificates_t, 190, 1e-9);

    /* Urea with a benchmark but no direct: the adjustment is not made. */
    const cbamcost_product *u = good(ae, "UREA");
    ck_assert_str_eq(u->category, "Urea");
    ck_assert_int_eq(u->status, CBAMCOST_INDIRECT_ONLY);
    ck_assert_ptr_nonnull(u->benchmark);
    ck_assert(!u->adjustment_made && u->adjustment_t == 0);
    ck_assert_double_eq_tol(u->certificates_t, 60.5, 1e-9);
    ck_assert_ptr_nonnull(strstr(u->reason, "adjustment is not made"));

    /* Steel is a CBAM good without a benchmark while benchmarks were given: said once. */
    ck_assert_uint_eq(count_messages("no benchmark in the --benchmarks file"), 1);
    ck_assert_double_eq_tol(ce.certificates_t, 72.25 + 190 + 60.5, 1e-9);
    ck_assert_double_eq_tol(ce.adjustment_t, 68.25, 1e-9);
}
END_TEST

/* The cross-sectoral correction factor multiplies the adjustment:
 * 0.7 x 0.975 x 0.9 x 100 = 61.425 t; certificates 140.5 - 61.425 = 79.075 t. */
START_TEST(cscf_multiplies_the_adjustment)
{
    four_goods();
    benchmarks("cn_code,value,source\n2523 29 00,0.7,Reg. 2025/2620 Annex\n", 0);
    direct("product_id,direct_t_co2_per_t,source\nCEM,0.8,verified report\n");
    const alloc_enterprise *ae = price(0);
    cbamcost_ent_free(&ce);
    cbamcost_opts o = {.price_eur_per_t = 80, .cscf = 0.9};
    ck_assert_int_eq(cbamcost_compute(cdb, &o, ae, &ce, &dl), CBAM_OK);
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert(c->cscf == 0.9);
    ck_assert_double_eq_tol(c->adjustment_t, 61.425, 1e-9);
    ck_assert_double_eq_tol(c->certificates_t, 79.075, 1e-9);
    ck_assert_double_eq_tol(c->cost_eur, 6326, 1e-9);
}
END_TEST

/* A spreadsheet's title above the header (one cell) is skipped with a note;
 * a wrong header of several cells is still refused at line 1. */
START_TEST(title_rows_above_the_header)
{
    benchmarks("2026 CBAM benchmarks (provisional),,,\n\"as of 2026-01\"\ncn_code,value,column,source\n"
               "2523 29 00,0.7,A,annex\n", 0);
    ck_assert_ptr_nonnull(cbamcost_benchmark_for(cdb, "25232900"));
    ck_assert_uint_eq(count_messages("read as a title row"), 1);
    direct("Direct emissions 2026\nproduct_id,direct_t_co2_per_t,source\nCEM,0.8,report\n");
    ck_assert_ptr_nonnull(cbamcost_direct_for(cdb, "E1", "CEM"));
    ck_assert_int_eq(cbamcost_load_benchmarks(cdb, file_of("cn,valu,column\n2523 29 00,0.7,A\n"), 0, &dl, NULL),
                     CBAM_ERR_DATA);
    ck_assert_int_eq(dl.items[dl.count - 1].line, 1);
}
END_TEST

START_TEST(fertiliser_complete)
{
    four_goods();
    benchmarks("cn_code,value,source\n310210,0.9,Reg. 2025/2620 Annex\n", 0);
    direct("enterprise_id,product_id,direct_t_co2_per_t\nE1,UREA,0.5\n,UREA,9\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *u = good(ae, "UREA");
    ck_assert_int_eq(u->status, CBAMCOST_COMPLETE);
    /* The enterprise's own row wins over the row for every enterprise. */
    ck_assert_double_eq_tol(u->direct->t_per_t, 0.5, 1e-15);
    ck_assert_str_eq(u->benchmark->cn, "310210");
    /* 50 + 60.5 = 110.5; adjustment 0.9 x 0.975 x 100 = 87.75; certificates 22.75 */
    ck_assert_double_eq_tol(u->adjustment_t, 87.75, 1e-9);
    ck_assert_double_eq_tol(u->certificates_t, 22.75, 1e-9);
    ck_assert_double_eq_tol(u->cost_eur, 1820, 1e-9);
    /* cement: no direct row for it */
    ck_assert_int_eq(good(ae, "CEM")->status, CBAMCOST_INDIRECT_ONLY);
}
END_TEST

START_TEST(benchmark_above_liability_floors_at_zero)
{
    four_goods();
    benchmarks("cn_code,value,source\n2523,2.0,Reg. 2025/2620 Annex\n", 0);
    direct("product_id,direct_t_co2_per_t\nCEM,0.8\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *c = good(ae, "CEM");
    /* adjustment 2.0 x 0.975 x 100 = 195 t > liability 140.5 t: 0, not -54.5 */
    ck_assert_int_eq(c->status, CBAMCOST_COMPLETE);
    ck_assert_str_eq(c->benchmark->cn, "2523");
    ck_assert_double_eq_tol(c->adjustment_t, 195, 1e-9);
    ck_assert(c->floored);
    ck_assert(c->certificates_t == 0 && c->cost_eur == 0 && c->cost_eur_per_t == 0);
    ck_assert_ptr_nonnull(strstr(c->reason, "no certificates are due"));
}
END_TEST

START_TEST(year_of_import)
{
    four_goods();
    benchmarks("cn_code,value,source\n25232900,0.7,Reg. 2025/2620 Annex\n", 0);
    direct("product_id,direct_t_co2_per_t\nCEM,0.8\n");
    const alloc_enterprise *ae = price(2030);
    /* 0.7 x 0.515 x 100 = 36.05; 140.5 - 36.05 = 104.45 */
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert_double_eq_tol(c->phase_factor, 0.515, 1e-15);
    ck_assert_double_eq_tol(c->adjustment_t, 36.05, 1e-9);
    ck_assert_double_eq_tol(c->certificates_t, 104.45, 1e-9);
    ck_assert_int_eq(c->year_from, 2030);

    ae = price(2034);
    c = good(ae, "CEM");
    ck_assert(c->phase_factor == 0 && c->adjustment_t == 0);
    ck_assert_double_eq_tol(c->certificates_t, 140.5, 1e-9);

    /* After the table's end: the last year's (no free allocation). */
    ae = price(2040);
    ck_assert(good(ae, "CEM")->phase_factor == 0);
    ck_assert_int_eq(ce.phase_hi->year, 2034);
}
END_TEST

/* The factor is weighted by each month's tonnes: 100 t in December 2026
 * (97.5 %) and 300 t in January 2027 (95 %): (97.5 + 285) / 400 = 0.95625. */
START_TEST(factor_weighted_by_tonnes)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2026-12,grid,1000\nE1,2027-01,grid,3000\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,cn_code,quantity,unit\n"
                            "E1,2026-12,CEM,25232900,100,t\nE1,2027-01,CEM,25232900,300,t\n");
    benchmarks("cn_code,value,source\n25232900,1,x\n", 0);
    direct("product_id,direct_t_co2_per_t\nCEM,1\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert_double_eq_tol(c->phase_factor, 0.95625, 1e-15);
    ck_assert_double_eq_tol(c->adjustment_t, 382.5, 1e-9);
    ck_assert_int_eq(c->year_from, 2026);
    ck_assert_int_eq(c->year_to, 2027);
    ck_assert_int_eq(ce.phase_lo->year, 2026);
    ck_assert_int_eq(ce.phase_hi->year, 2027);
}
END_TEST

START_TEST(data_before_2026_priced_as_2026)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2025-06,grid,100000\nE1,2025-07,grid,1\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,cn_code,quantity,unit\n"
                            "E1,2025-06,CEM,25232900,100,t\nE1,2025-07,CEM,25232900,1,t\n"
                            "E1,2025-06,AL,7601 10 00,1,t\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *c = good(ae, "CEM");
    ck_assert(c->priced_as_later);
    ck_assert_double_eq_tol(c->phase_factor, 0.975, 1e-15);
    ck_assert_int_eq(c->year_from, 2026);
    ck_assert(good(ae, "AL")->priced_as_later);
    /* one warning for the enterprise, naming the year and the way out */
    ck_assert_uint_eq(count_messages("priced as if the goods were imported in 2026"), 1);
    ck_assert_uint_eq(count_messages("its data of 2025"), 1);
    ck_assert_uint_eq(count_messages("--cbam-year"), 1);

    /* --cbam-year says the year: no warning. */
    size_t before = dl.count;
    ae = price(2027);
    ck_assert(!good(ae, "CEM")->priced_as_later);
    ck_assert_double_eq_tol(good(ae, "CEM")->phase_factor, 0.95, 1e-15);
    for (size_t i = before; i < dl.count; i++)
        ck_assert_ptr_null(strstr(dl.items[i].message, "priced as if"));
}
END_TEST

START_TEST(no_production_in_months_with_electricity)
{
    feed(INGEST_ENTERPRISES, REG);
    feed(INGEST_ELECTRICITY, "enterprise_id,period,source,kwh\nE1,2026-03,grid,1000\n");
    feed(INGEST_PRODUCTION, "enterprise_id,period,product_id,cn_code,quantity,unit\n"
                            "E1,2026-03,A,25232900,1,t\nE1,2026-04,B,25232900,5,t\n");
    const alloc_enterprise *ae = price(0);
    const cbamcost_product *b = good(ae, "B");
    ck_assert_int_eq(b->status, CBAMCOST_NO_PRODUCTION);
    ck_assert(b->quantity_t == 0 && b->certificates_t == 0 && !b->has_cost_per_t);
    ck_assert_str_eq(cbamcost_status_name(b->status), "no_production");
    ck_assert_ptr_nonnull(strstr(b->reason, "nothing to price"));
    ck_assert_double_eq_tol(good(ae, "A")->certificates_t, 0.605, 1e-12);
}
END_TEST

/* ---- loaders ---- */

/* Loads text as a benchmarks file (choice > 0: with that column; -1: as a
 * direct file) expecting a data error at line:col whose message holds part. */
static void load_error(const char *text, int choice, long line, int col, const char *part)
{
    diag_list_free(&dl);
    diag_list_init(&dl);
    const char *path = file_of(text);
    enum cbam_err err = choice < 0 ? cbamcost_load_direct(cdb, path, &dl, NULL)
                                   : cbamcost_load_benchmarks(cdb, path, (char)choice, &dl, NULL);
    ck_assert_int_eq(err, CBAM_ERR_DATA);
    bool found = false;
    for (size_t i = 0; i < dl.count; i++)
        if (dl.items[i].severity == DIAG_ERROR && strstr(dl.items[i].message, part) != NULL) {
            ck_assert_str_eq(dl.items[i].file, path);
            ck_assert_int_eq(dl.items[i].line, line);
            ck_assert_int_eq(dl.items[i].column, col);
            found = true;
        }
    ck_assert_msg(found, "no error \"%s\" (%zu diagnostics: %s)", part, dl.count,
                  dl.count ? dl.items[0].message : "");
    cbamcost_db_free(cdb);
    cdb = cbamcost_db_new();
    npaths--;
    unlink(paths[npaths]);
}

static void bm_error(const char *text, char choice, long line, int col, const char *part)
{
    load_error(text, choice, line, col, part);
}

START_TEST(benchmark_loader_errors)
{
    bm_error("cn_code,value,source\n25232900,abc,x\n", 0, 2, 2, "value \"abc\"");
    bm_error("cn_code,value,source\n25232900,1.2x,x\n", 0, 2, 2, "value \"1.2x\"");
    bm_error("cn_code,value,source\n25232900,1,x\n25232900,60,x\n", 0, 3, 2, "a number from 0 to 50");
    bm_error("cn_code,value,source\n25232900,-1,x\n", 0, 2, 2, "a number from 0 to 50");
    bm_error("source,cn_code,value\nx,252,1\n", 0, 2, 2, "cn_code \"252\"");
    bm_error("cn_code,value\n2523 29 00 1,1\n", 0, 2, 1, "4, 6 or 8 digits");
    bm_error("cn_code,value\n2523-29-00,1\n", 0, 2, 1, "4, 6 or 8 digits");
    bm_error("cn_code,value,column,source\n2523,1,A,x\n\n2523,1.1,B,x\n", 0, 4, 1,
             "--benchmark-column A or B");
    bm_error("cn_code,value,column,source\n2523 29 00,1,a,x\n2523.29.00,1.1,A,x\n", 0, 3, 1, "given twice in column A");
    bm_error("cn_code,value,source\n25232900,1,x\n25232900,1,x\n", 'A', 3, 1, "given twice");
    bm_error("cn_code,value,column\n25232900,1,C\n", 0, 2, 3, "column \"C\"");
    bm_error("cn_code,value (kgCO2/t)\n25232900,1\n", 0, 1, 2, "not tCO2 per tonne");
    bm_error("value\n1\n", 0, 1, 0, "cn_code");

    /* The duplicate names both lines. */
    diag_list_free(&dl);
    diag_list_init(&dl);
    const char *path = file_of("cn_code,value,source\n25232900,1,x\n2523 29 00,1,x\n");
    ck_assert_int_eq(cbamcost_load_benchmarks(cdb, path, 0, &dl, NULL), CBAM_ERR_DATA);
    char want[96];
    snprintf(want, sizeof want, "at %s:2 and here", path);
    ck_assert_uint_eq(count_messages(want), 1);
}
END_TEST

START_TEST(benchmark_loader_columns_and_lookup)
{
    /* With a column chosen, the other column's rows are left out (one note). */
    benchmarks("CN编码,基准值,column,来源\n2523,1,A,a\n2523,1.1,B,b\n25232900,1.2,b,c\n7208 10,0.5,B,d\n", 'B');
    ck_assert_uint_eq(count_messages("1 row of column A left out"), 1);
    const cbamcost_benchmark *b = cbamcost_benchmark_for(cdb, "25232100");
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(b->cn, "2523");
    ck_assert(b->value == 1.1 && b->column == 'B');
    ck_assert_str_eq(b->source, "b");
    ck_assert_int_eq(b->line, 3);
    /* The longest code wins. */
    ck_assert(cbamcost_benchmark_for(cdb, "25232900")->value == 1.2);
    ck_assert_ptr_null(cbamcost_benchmark_for(cdb, "76011000"));
    ck_assert(cbamcost_benchmark_for(cdb, "72081000")->value == 0.5);
    ck_assert_ptr_null(cbamcost_benchmark_for(cdb, "7208"));
    ck_assert(cbamcost_has_benchmarks(cdb));
    ck_assert(!cbamcost_has_direct(cdb));
    /* a row without a source is warned about, once */
    benchmarks("cn_code,value,source\n7601,1.5,\n7208,1.3,\n", 0);
    ck_assert_uint_eq(count_messages("2 benchmarks without a source"), 1);
    ck_assert(cbamcost_benchmark_for(cdb, "76011000")->value == 1.5);
}
END_TEST

static void di_error(const char *text, long line, int col, const char *part)
{
    load_error(text, -1, line, col, part);
}

START_TEST(direct_loader)
{
    di_error("product_id,direct_t_co2_per_t\nP1,1.2x\n", 2, 2, "direct_t_co2_per_t \"1.2x\"");
    di_error("product_id,direct_t_co2_per_t\nP1,nan\n", 2, 2, "direct_t_co2_per_t \"nan\"");
    di_error("product_id,direct_t_co2_per_t\nP1,51\n", 2, 2, "from 0 to 50");
    di_error("enterprise_id,product_id,direct_see\nE1,P1,1\nE2,P1,1\nE1,P1,2\n", 4, 2,
             "already given direct emissions at");
    di_error("enterprise_id,product_id,direct_see\nE1,,1\n", 2, 2, "product_id is empty");
    di_error("product_id\nP1\n", 1, 0, "direct_t_co2_per_t");

    direct("企业编号,产品编号,直接排放,source\nE1,P1,1.25,report\n,P1,2,\n,P2,0,\n");
    ck_assert(cbamcost_has_direct(cdb));
    ck_assert(cbamcost_direct_for(cdb, "E1", "P1")->t_per_t == 1.25);
    ck_assert(cbamcost_direct_for(cdb, "E2", "P1")->t_per_t == 2);
    ck_assert_str_eq(cbamcost_direct_for(cdb, "E1", "P1")->source, "report");
    ck_assert(cbamcost_direct_for(cdb, "E9", "P2")->t_per_t == 0);
    ck_assert_ptr_null(cbamcost_direct_for(cdb, "E1", "P3"));
}
END_TEST

/* ---- the shipped tables ---- */

START_TEST(phase_in_schedule)
{
    static const double want[] = {0.975, 0.95, 0.90, 0.775, 0.515, 0.39, 0.265, 0.14, 0.0};
    ck_assert_uint_eq(cbamcost_phase_count(cdb), 9);
    for (size_t i = 0; i < 9; i++) {
        const cbamcost_phase *p = cbamcost_phase_at(cdb, i);
        ck_assert_int_eq(p->year, 2026 + (int)i);
        ck_assert(p->factor == want[i]);
        ck_assert_ptr_nonnull(strstr(p->source, "10a(1a)"));
        ck_assert_ptr_nonnull(strstr(p->url, "eur-lex.europa.eu"));
        ck_assert_str_eq(p->status, "secondary");
        ck_assert(p->note[0] != '\0' && p->note_zh[0] != '\0');
        ck_assert_ptr_eq(cbamcost_phase_of(cdb, 2026 + (int)i), p);
    }
    ck_assert_ptr_null(cbamcost_phase_at(cdb, 9));
    ck_assert_ptr_null(cbamcost_phase_of(cdb, 2025));
    ck_assert_int_eq(cbamcost_phase_of(cdb, 2099)->year, 2034);
    /* Loading twice loads once. */
    ck_assert_int_eq(cbamcost_load_builtin(cdb, &dl), CBAM_OK);
    ck_assert_uint_eq(cbamcost_phase_count(cdb), 9);
}
END_TEST

START_TEST(solar_profiles)
{
    static const char *const provinces[] = {
        "Beijing",  "Tianjin",  "Hebei",     "Shanxi",  "Inner Mongolia", "Liaoning", "Jilin",   "Heilongjiang",
        "Shanghai", "Jiangsu",  "Zhejiang",  "Anhui",   "Fujian",         "Jiangxi",  "Shandong", "Henan",
        "Hubei",    "Hunan",    "Guangdong", "Guangxi", "Hainan",         "Chongqing", "Sichuan", "Guizhou",
        "Yunnan",   "Shaanxi",  "Gansu",     "Qinghai", "Ningxia",        "Xinjiang"};
    double share[12];
    const char *source;
    bool national;
    for (size_t k = 0; k < sizeof provinces / sizeof provinces[0]; k++) {
        ck_assert_str_eq(region_province(provinces[k], strlen(provinces[k])), provinces[k]);
        ck_assert(solar_profile(provinces[k], share, &source, &national));
        ck_assert_msg(!national, "%s has no row of its own", provinces[k]);
        double sum = 0;
        for (int m = 0; m < 12; m++) {
            ck_assert_msg(share[m] > 0, "%s month %d", provinces[k], m + 1);
            sum += share[m];
        }
        ck_assert_double_eq_tol(sum, 1, 1e-12);
        ck_assert_ptr_nonnull(strstr(source, "Duffie & Beckman"));
    }
    /* A northern province: the summer months bring the most, winter the least. */
    ck_assert(solar_profile("Heilongjiang", share, &source, &national));
    int peak = 0, low = 0;
    for (int m = 1; m < 12; m++) {
        if (share[m] > share[peak])
            peak = m;
        if (share[m] < share[low])
            low = m;
    }
    ck_assert_msg(peak >= 4 && peak <= 7, "peak in month %d", peak + 1);
    ck_assert_int_eq(low, 11);
    ck_assert(share[5] > 2 * share[11]);
    /* The further north, the steeper: Heilongjiang's June over Hainan's. */
    double south[12];
    ck_assert(solar_profile("Hainan", south, &source, &national));
    ck_assert(share[5] > south[5] && share[11] < south[11]);
    /* Unknown or no province: the national row. */
    ck_assert(solar_profile(NULL, share, &source, &national));
    ck_assert(national);
    double sum = 0;
    for (int m = 0; m < 12; m++)
        sum += share[m];
    ck_assert_double_eq_tol(sum, 1, 1e-12);
    ck_assert(solar_profile("Taiwan", share, &source, &national) && national);
}
END_TEST

Suite *suite_cbamcost(void)
{
    Suite *s = suite_create("cbamcost");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, indirect_only_without_direct);
    tcase_add_test(tc, complete_with_direct_and_benchmark);
    tcase_add_test(tc, cscf_multiplies_the_adjustment);
    tcase_add_test(tc, title_rows_above_the_header);
    tcase_add_test(tc, fertiliser_complete);
    tcase_add_test(tc, benchmark_above_liability_floors_at_zero);
    tcase_add_test(tc, year_of_import);
    tcase_add_test(tc, factor_weighted_by_tonnes);
    tcase_add_test(tc, data_before_2026_priced_as_2026);
    tcase_add_test(tc, no_production_in_months_with_electricity);
    tcase_add_test(tc, benchmark_loader_errors);
    tcase_add_test(tc, benchmark_loader_columns_and_lookup);
    tcase_add_test(tc, direct_loader);
    tcase_add_test(tc, phase_in_schedule);
    tcase_add_test(tc, solar_profiles);
    suite_add_tcase(s, tc);
    return s;
}
