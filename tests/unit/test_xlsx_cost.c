/* test_xlsx_cost.c - the workbook's CBAM cost and Scenario parts (issue 14),
 * from figures made by hand (the engine's cost and scenario are other
 * modules): Summary's Cost section shows each good's arithmetic as formulas
 * whose cached values are the given figures, with the price in one cell;
 * Factors lists the CBAM factor, benchmark and direct emissions rows the
 * formulas refer to; Method explains the rule only when there is a cost;
 * the Scenario sheet comes after Summary with its chart, change formulas,
 * highlighted surplus and the surplus note.
 *
 * With CBAM_TEST_KEEP_DIR set the workbooks are written there and kept,
 * for a person to render and look at. */
#include "config.h"
#include "allocate.h"
#include "cbamcost.h"
#include "cbamgoods.h"
#include "ingest.h"
#include "report_xlsx.h"
#include "scenario.h"
#include "tests.h"
#include "xlsxpatch.h"
#include "xlsxzip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];
static bool keep;
static diag_list dl;
static factors_db *db;
static ledger *l;

static const char ELEC[] = "enterprise_id,period,source,kwh\n"
                           "E1,2026-01,grid,10000\n"
                           "E1,2026-02,grid,10000\n";
static const char PROD[] = "enterprise_id,period,product_id,quantity,unit,cn_code\n"
                           "E1,2026-01,C1,10,t,25232900\n"
                           "E1,2026-01,S1,5,t,73181588\n"
                           "E1,2026-01,N1,2,t,84099900\n"
                           "E1,2026-02,C1,8,t,25232900\n"
                           "E1,2026-02,S1,4,t,73181588\n";

static const cbamcost_phase phase2026 = {2026, 0.975, "Directive 2003/87/EC Art. 10a(1a)", "https://eur-lex.europa.eu/",
                                         "official", "CBAM factor", "CBAM 系数"};
static const cbamcost_benchmark bench_c1 = {"25232900", 0.693, 'A', "user benchmark file", "bm.csv", 2};
static const cbamcost_direct direct_c1 = {"", "C1", 0.6, "plant report", "direct.csv", 2};
static const cbamcost_direct direct_s1 = {"", "S1", 1.9, "plant report", "direct.csv", 3};

static void setup(void)
{
    const char *k = getenv("CBAM_TEST_KEEP_DIR");
    keep = k != NULL && *k != '\0';
    if (keep) {
        snprintf(dir, sizeof dir, "%s", k);
    } else {
        snprintf(dir, sizeof dir, "/tmp/cbam-xlsx-cost-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
    }
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    l = ledger_new();
    ingest_opts io = {0};
    ck_assert_int_eq(ingest_mem(l, db, INGEST_ELECTRICITY, "e.csv", ELEC, strlen(ELEC), &io, &dl), CBAM_OK);
    ck_assert_int_eq(ingest_mem(l, db, INGEST_PRODUCTION, "p.csv", PROD, strlen(PROD), &io, &dl), CBAM_OK);
}

static void teardown(void)
{
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
    if (!keep) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        ck_assert_int_eq(system(cmd), 0);
    }
}

/* The cost of ae's goods as cbamcost.h's rule makes it, by hand: C1 cement
 * (direct given, benchmark: complete), S1 steel (direct given, no
 * benchmark: upper bound), N1 not a CBAM good. */
static void fill_cost(const alloc_enterprise *ae, cbamcost_ent *c, double price)
{
    memset(c, 0, sizeof *c);
    c->opts.price_eur_per_t = price;
    c->nproducts = ae->nproducts;
    c->products = calloc(ae->nproducts, sizeof *c->products);
    ck_assert_ptr_nonnull(c->products);
    for (size_t i = 0; i < ae->nproducts; i++) {
        const alloc_product *ap = &ae->products[i];
        cbamcost_product *cp = &c->products[i];
        cbamgoods_info gi = cbamgoods_lookup(ap->p->cn_code);
        if (gi.category == NULL) {
            cp->status = CBAMCOST_NOT_CBAM;
            cp->reason = "not a CBAM good";
            continue;
        }
        bool cement = strcmp(ap->p->id, "C1") == 0;
        cp->category = gi.category;
        cp->indirect_in_liability = gi.indirect_in_liability;
        cp->quantity_t = ap->quantity_see_t;
        cp->has_direct = true;
        cp->direct = cement ? &direct_c1 : &direct_s1;
        cp->direct_t = cp->direct->t_per_t * cp->quantity_t;
        cp->indirect_t = ap->em.cbam;
        cp->indirect_liable_t = gi.indirect_in_liability ? ap->em.cbam : 0;
        cp->liability_t = cp->direct_t + cp->indirect_liable_t;
        cp->phase_factor = 0.975;
        cp->year_from = cp->year_to = 2026;
        if (cement) {
            cp->status = CBAMCOST_COMPLETE;
            cp->benchmark = &bench_c1;
            cp->adjustment_made = true;
            cp->adjustment_t = bench_c1.value * 0.975 * cp->quantity_t;
            cp->reason = "direct emissions and a benchmark given";
        } else {
            cp->status = CBAMCOST_UPPER_BOUND;
            cp->reason = "no benchmark for CN 73181588 in --benchmarks: the adjustment is 0, an upper bound";
        }
        cp->certificates_t = fmax(0, cp->liability_t - cp->adjustment_t);
        cp->floored = cp->liability_t < cp->adjustment_t;
        cp->cost_eur = cp->certificates_t * price;
        cp->has_cost_per_t = cp->quantity_t > 0;
        cp->cost_eur_per_t = cp->quantity_t > 0 ? cp->cost_eur / cp->quantity_t : 0;
        c->liability_t += cp->liability_t;
        c->adjustment_t += cp->adjustment_t;
        c->certificates_t += cp->certificates_t;
        c->cost_eur += cp->cost_eur;
        c->ngoods++;
    }
    c->phase_lo = c->phase_hi = &phase2026;
}

static size_t index_of(const alloc_enterprise *ae, const char *id)
{
    for (size_t i = 0; i < ae->nproducts; i++)
        if (strcmp(ae->products[i].p->id, id) == 0)
            return i;
    ck_abort_msg("no product %s", id);
    return 0;
}

static char *part(const char *path, const char *name)
{
    char *d, why[256];
    size_t n;
    ck_assert_msg(xlsxpatch_read(path, name, &d, &n, NULL, why, sizeof why), "%s: %s", name, why);
    return d;
}

/* The sheet part of the sheet named name (sheets are numbered in order). */
static char *sheet_part(const char *path, const char *name)
{
    char *wb = part(path, "xl/workbook.xml");
    int k = 0;
    const char *p = wb;
    char want[128];
    snprintf(want, sizeof want, "<sheet name=\"%s\"", name);
    for (int i = 1; (p = strstr(p, "<sheet name=")) != NULL; i++, p++)
        if (strncmp(p, want, strlen(want)) == 0)
            k = i;
    free(wb);
    ck_assert_int_gt(k, 0);
    char pn[64];
    snprintf(pn, sizeof pn, "xl/worksheets/sheet%d.xml", k);
    return part(path, pn);
}

/* The cached value of the first formula that starts with prefix. */
static double cached(const char *xml, const char *prefix)
{
    char want[128];
    snprintf(want, sizeof want, "<f>%s", prefix);
    const char *f = strstr(xml, want);
    ck_assert_msg(f != NULL, "no formula %s", prefix);
    const char *v = strstr(f, "<v>");
    ck_assert_ptr_nonnull(v);
    return strtod(v + 3, NULL);
}

/* The formula of cell ref ("C12"), or NULL. */
static char *formula_of(const char *xml, const char *ref, char *buf, size_t size)
{
    char want[32];
    snprintf(want, sizeof want, "<c r=\"%s\"", ref);
    const char *c = strstr(xml, want);
    if (c == NULL)
        return NULL;
    const char *end = strstr(c, "</c>"), *f = strstr(c, "<f>");
    if (f == NULL || end == NULL || f > end)
        return NULL;
    const char *fe = strstr(f, "</f>");
    snprintf(buf, size, "%.*s", (int)(fe - f - 3), f + 3);
    return buf;
}

START_TEST(cost_section_formulas)
{
    char path[4200], why[256];
    snprintf(path, sizeof path, "%s/cost%s.xlsx", dir, _i ? "-zh" : "");
    alloc_opts ao = {0};
    alloc_result res;
    ck_assert_int_eq(alloc_run(l, db, &ao, &res, &dl), CBAM_OK);
    alloc_enterprise *ae = &res.ents[0];
    ae->cost = calloc(1, sizeof *ae->cost);
    fill_cost(ae, ae->cost, 75.36);
    report_xlsx_opts xo = {.created = 1700000000, .zh = _i == 1};
    ck_assert_int_eq(report_xlsx_write(path, l, ae, &dl, &xo, &dl), CBAM_OK);
    const cbamcost_product *c1 = &ae->cost->products[index_of(ae, "C1")];
    const cbamcost_product *s1 = &ae->cost->products[index_of(ae, "S1")];

    char *ss = part(path, "xl/sharedStrings.xml");
    if (_i == 0) {
        ck_assert_ptr_nonnull(strstr(ss, "CBAM cost (EUR)"));
        ck_assert_ptr_nonnull(strstr(ss, "CBAM certificates (tCO2)"));
        ck_assert_ptr_nonnull(strstr(ss, "Free allocation adjustment (tCO2)"));
        ck_assert_ptr_nonnull(strstr(ss, "Not CBAM goods (no certificates): N1"));
        ck_assert_ptr_nonnull(strstr(ss, "China's national ETS covers direct emissions only"));
        ck_assert_ptr_nonnull(strstr(ss, "upper bound"));
        ck_assert_ptr_nonnull(strstr(ss, "no benchmark for CN 73181588")); /* the engine's reason */
        /* Method: the rule and its sources */
        ck_assert_ptr_nonnull(strstr(ss, "Regulation (EU) 2023/956 Art. 7, 22 and 31"));
        ck_assert_ptr_nonnull(strstr(ss, "Directive 2003/87/EC Art. 10a(1a)"));
    } else {
        ck_assert_ptr_nonnull(strstr(ss, "CBAM 成本（欧元）"));
        ck_assert_ptr_nonnull(strstr(ss, "非 CBAM 货物（无需证书）：N1"));
        ck_assert_ptr_nonnull(strstr(ss, "全国碳排放权交易市场只覆盖直接排放"));
        ck_assert_ptr_null(strstr(ss, "no benchmark for CN 73181588")); /* the engine's English reason */
    }
    /* Factors: the rows the formulas refer to */
    ck_assert_ptr_nonnull(strstr(ss, "cbam_factor_2026"));
    ck_assert_ptr_nonnull(strstr(ss, "benchmark_25232900"));
    ck_assert_ptr_nonnull(strstr(ss, "direct_emissions"));
    free(ss);

    char *sum = sheet_part(path, "Summary");
    /* certificates = MAX(0, liability - adjustment), cached: the given figures, C1 first (product order) */
    ck_assert_ptr_nonnull(strstr(sum, "<f>MAX(0,"));
    ck_assert_close(cached(sum, "MAX(0,"), c1->certificates_t, 1e-12);
    /* cost = certificates x the one price cell */
    const char *f = strstr(sum, "<f>MAX(0,");
    const char *cost = strstr(f, "*$B$");
    ck_assert_ptr_nonnull(cost);
    const char *v = strstr(cost, "<v>");
    ck_assert_close(strtod(v + 3, NULL), c1->cost_eur, 1e-12);
    /* S1's: no benchmark, the adjustment a plain 0, certificates = the liability */
    const char *f2 = strstr(f + 1, "<f>MAX(0,");
    ck_assert_ptr_nonnull(f2);
    ck_assert_close(strtod(strstr(f2, "<v>") + 3, NULL), s1->certificates_t, 1e-12);
    ck_assert_close(s1->certificates_t, s1->liability_t, 1e-12);
    /* the inputs reach back: Products for tonnes and tCO2, Factors for benchmark, factor, direct */
    ck_assert_ptr_nonnull(strstr(sum, "<f>Products!$F$"));
    ck_assert_ptr_nonnull(strstr(sum, "<f>Products!$R$"));
    ck_assert_ptr_nonnull(strstr(sum, "<f>Factors!$B$"));
    /* the adjustment = benchmark x factor x tonnes, cached the given figure */
    char want[64];
    snprintf(want, sizeof want, "<v>%.16G</v>", c1->adjustment_t);
    ck_assert_msg(strstr(sum, want) != NULL, "no cached adjustment %s", want);
    /* the goods together: the first sum is the direct emissions' */
    ck_assert_close(cached(sum, "SUM(B"), c1->direct_t + s1->direct_t, 1e-12);
    free(sum);
    ck_assert_msg(xlsxzip_verify(path, (const char *const[]){"xl/worksheets/sheet7.xml"}, 1, why, sizeof why), "%s",
                  why);
    alloc_result_free(&res); /* frees ae->cost */
}
END_TEST

START_TEST(no_cost_no_cost_parts)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/plain.xlsx", dir);
    alloc_opts ao = {0};
    alloc_result res;
    ck_assert_int_eq(alloc_run(l, db, &ao, &res, &dl), CBAM_OK);
    report_xlsx_opts xo = {.created = 1700000000};
    ck_assert_int_eq(report_xlsx_write(path, l, &res.ents[0], &dl, &xo, &dl), CBAM_OK);
    char *ss = part(path, "xl/sharedStrings.xml");
    ck_assert_ptr_null(strstr(ss, "CBAM cost (EUR)"));
    ck_assert_ptr_null(strstr(ss, "Regulation (EU) 2023/956 Art. 7, 22 and 31"));
    ck_assert_ptr_null(strstr(ss, "cbam_factor_"));
    free(ss);
    char *wb = part(path, "xl/workbook.xml");
    ck_assert_ptr_null(strstr(wb, "<sheet name=\"Scenario\""));
    free(wb);
    alloc_result_free(&res);
}
END_TEST

START_TEST(scenario_sheet)
{
    char path[4200], why[256];
    snprintf(path, sizeof path, "%s/scenario%s.xlsx", dir, _i ? "-zh" : "");
    scenario_result r;
    memset(&r, 0, sizeof r);
    alloc_opts ao = {0};
    ck_assert_int_eq(alloc_run(l, db, &ao, &r.base.res, &dl), CBAM_OK);
    /* The scenario: 72,000 kWh a year of direct line, 6,000 kWh a month by
     * plan; February's 10,000 kWh of grid take only 10,000 of 12,000. */
    ledger_enterprise *e = ledger_enterprise_get(l, "E1", 2, false);
    ck_assert_ptr_nonnull(e);
    ledger_month *jan = (ledger_month *)ledger_month_find(e, period_ord(2026, 1));
    ledger_month *feb = (ledger_month *)ledger_month_find(e, period_ord(2026, 2));
    jan->pool_kwh[SUPPLY_GRID] = 4000;
    jan->pool_kwh[SUPPLY_GREEN_DIRECT] = 6000;
    feb->pool_kwh[SUPPLY_GRID] = 0;
    feb->pool_kwh[SUPPLY_GREEN_DIRECT] = 10000;
    ck_assert_int_eq(alloc_run(l, db, &ao, &r.scen.res, &dl), CBAM_OK);
    r.e = e;
    r.opts.nchanges = 1;
    r.opts.changes[0] = (scenario_change){SUPPLY_GREEN_DIRECT, 72000, false, SCENARIO_PROFILE_FLAT};
    r.opts.has_tariff[SUPPLY_GRID] = r.opts.has_tariff[SUPPLY_GREEN_DIRECT] = true;
    r.opts.tariff_yuan_per_kwh[SUPPLY_GRID] = 0.60;
    r.opts.tariff_yuan_per_kwh[SUPPLY_GREEN_DIRECT] = 0.4053;
    r.opts.has_fx = true;
    r.opts.fx_yuan_per_eur = 7.8;
    r.opts.has_price = true;
    r.opts.cost.price_eur_per_t = 75.36;
    scenario_side *sides[2] = {&r.base, &r.scen};
    for (int i = 0; i < 2; i++) {
        scenario_side *s = sides[i];
        const alloc_enterprise *ae = &s->res.ents[0];
        fill_cost(ae, &s->cost, 75.36);
        s->has_cost = true;
        double yuan = ae->kwh.source[SUPPLY_GRID] * 0.60 + ae->kwh.source[SUPPLY_GREEN_DIRECT] * 0.4053;
        s->money = (scenario_money){.has_electricity = true,
                                    .electricity_yuan = yuan,
                                    .has_per_kwh = true,
                                    .electricity_yuan_per_kwh = yuan / ae->kwh.consumption,
                                    .has_cbam = true,
                                    .cbam_eur = s->cost.cost_eur,
                                    .cbam_electricity_eur = s->cost.cost_eur, /* the goods' cost is all electricity's */
                                    .has_all_in = true,
                                    .all_in_yuan_per_kwh = (yuan + s->cost.cost_eur * 7.8) / ae->kwh.consumption};
        s->products = calloc(ae->nproducts, sizeof *s->products);
        for (size_t k = 0; k < ae->nproducts; k++) {
            const alloc_product *ap = &ae->products[k];
            double py = ap->kwh_source[SUPPLY_GRID] * 0.60 + ap->kwh_source[SUPPLY_GREEN_DIRECT] * 0.4053;
            s->products[k] = (scenario_product_money){true, py, ap->quantity_t > 0, py / ap->quantity_t,
                                                      ap->kwh > 0, ap->kwh > 0 ? py / ap->kwh : 0};
        }
    }
    r.nmonths = 2;
    r.months = calloc(2, sizeof *r.months);
    r.months[0] = (scenario_month){.ord = period_ord(2026, 1), .surplus_kwh = 0, .grid_before_kwh = 10000,
                                   .grid_after_kwh = 4000};
    r.months[0].planned_kwh[SUPPLY_GREEN_DIRECT] = 6000;
    r.months[0].used_kwh[SUPPLY_GREEN_DIRECT] = 6000;
    r.months[1] = (scenario_month){.ord = period_ord(2026, 2), .surplus_kwh = 2000, .grid_before_kwh = 10000,
                                   .grid_after_kwh = 0};
    r.months[1].planned_kwh[SUPPLY_GREEN_DIRECT] = 12000;
    r.months[1].used_kwh[SUPPLY_GREEN_DIRECT] = 10000;
    r.surplus_kwh = 2000;
    r.added_kwh[SUPPLY_GREEN_DIRECT] = 16000;
    r.profile_text[SUPPLY_GREEN_DIRECT] = "the same kWh every month (flat)";
    r.profile_used[SUPPLY_GREEN_DIRECT] = SCENARIO_PROFILE_FLAT; /* as scenario_run records it */
    r.monthly_only = true;

    report_xlsx_opts xo = {.created = 1700000000, .zh = _i == 1, .scenario = &r};
    ck_assert_int_eq(report_xlsx_write(path, l, &r.scen.res.ents[0], &dl, &xo, &dl), CBAM_OK);

    /* after Summary, before Electricity; the ninth sheet part, its chart the fourth */
    char *wb = part(path, "xl/workbook.xml");
    const char *su = strstr(wb, "<sheet name=\"Summary\""), *sc = strstr(wb, "<sheet name=\"Scenario\""),
               *el = strstr(wb, "<sheet name=\"Electricity\"");
    ck_assert(su != NULL && sc != NULL && el != NULL && su < sc && sc < el);
    free(wb);
    const char *more[] = {"xl/worksheets/sheet8.xml", "xl/drawings/drawing2.xml", "xl/charts/chart4.xml"};
    ck_assert_msg(xlsxzip_verify(path, more, 3, why, sizeof why), "%s", why);
    char *sc_xml = part(path, "xl/worksheets/sheet2.xml");
    ck_assert_ptr_nonnull(strstr(sc_xml, "<drawing "));
    ck_assert_ptr_nonnull(strstr(sc_xml, "<conditionalFormatting"));
    ck_assert_ptr_nonnull(strstr(sc_xml, "<rowBreaks"));
    /* the change column: scenario - baseline, cached; the grid row first (C - B) */
    char buf[128];
    const alloc_enterprise *be = &r.base.res.ents[0], *se = &r.scen.res.ents[0];
    bool found = false;
    for (int row = 1; row < 40 && !found; row++) {
        char ref[16];
        snprintf(ref, sizeof ref, "D%d", row);
        if (formula_of(sc_xml, ref, buf, sizeof buf) != NULL) {
            char expect[32];
            snprintf(expect, sizeof expect, "C%d-B%d", row, row);
            ck_assert_str_eq(buf, expect);
            found = true;
        }
    }
    ck_assert(found);
    ck_assert_close(cached(sc_xml, "C"), se->kwh.source[SUPPLY_GRID] - be->kwh.source[SUPPLY_GRID], 1e-12);
    free(sc_xml);
    char *chart = part(path, "xl/charts/chart4.xml");
    ck_assert_ptr_nonnull(strstr(chart, "<c:barChart>"));
    ck_assert_ptr_nonnull(strstr(chart, "Scenario!$"));
    free(chart);
    char *ss = part(path, "xl/sharedStrings.xml");
    if (_i == 0) {
        ck_assert_ptr_nonnull(strstr(ss, "Surplus: 2,000 kWh of the added power exceed the grid kWh they replace "
                                         "in 1 of the period's months"));
        ck_assert_ptr_nonnull(strstr(ss, "its added kWh are not matched to the load hour by hour"));
        ck_assert_ptr_nonnull(strstr(ss, "CBAM cost unchanged: indirect emissions do not count")); /* S1 steel */
        ck_assert_ptr_nonnull(strstr(ss, "CBAM cost falls")); /* C1 cement */
        ck_assert_ptr_nonnull(strstr(ss, "the same kWh every month (flat)"));
        /* Method: the scenario, and no cost rule (ae->cost is NULL) */
        ck_assert_ptr_nonnull(strstr(ss, "Scenario (sheet Scenario"));
        ck_assert_ptr_null(strstr(ss, "Regulation (EU) 2023/956 Art. 7, 22 and 31"));
    } else {
        ck_assert_ptr_nonnull(strstr(ss, "余电：新增电量中有 2,000 kWh"));
        ck_assert_ptr_nonnull(strstr(ss, "每月相同电量"));
    }
    free(ss);

    for (int i = 0; i < 2; i++) {
        cbamcost_ent_free(&sides[i]->cost);
        free(sides[i]->products);
        alloc_result_free(&sides[i]->res);
    }
    free(r.months);
}
END_TEST

Suite *suite_xlsx_cost(void)
{
    Suite *s = suite_create("xlsx_cost");
    TCase *tc = tcase_create("cost_scenario");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, cost_section_formulas, 0, 2);
    tcase_add_test(tc, no_cost_no_cost_parts);
    tcase_add_loop_test(tc, scenario_sheet, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}
