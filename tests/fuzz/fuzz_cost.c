/* fuzz_cost.c - libFuzzer harness for the CBAM cost's user files and the
 * scenario engine. The input is a --benchmarks file, then (after a 0x1E
 * byte) a --direct file; its length picks --benchmark-column (none, A, B).
 * They price a fixed enterprise (cement, fertiliser, steel and a good
 * outside CBAM; a sub-meter; months across 2025-2026; annual production),
 * and its bytes drive a scenario on it. What must hold whatever the files:
 * every figure finite; certificates = max(0, liability - adjustment) >= 0;
 * cost = certificates x price; the enterprise's sums are its goods'; each
 * month of the scenario uses what it plans or leaves a surplus, never takes
 * the grid below 0, and keeps the month's consumption. */
#include "config.h"
#include "cbamcost.h"
#include "fuzz_common.h"
#include "ingest.h"
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char ELECTRICITY[] = "enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n"
                                  "E1,2025-12,G1,grid,100000,,\n"
                                  "E1,2026-01,G1,grid,120000,,\n"
                                  "E1,2026-01,G2,grid,30000,CEM,\n"
                                  "E1,2026-01,D1,green_direct,20000,,\n"
                                  "E1,2026-02,G1,grid,90000,,\n"
                                  "E1,2026-02,S1,supplier,10000,,yuncheng-etdz-2025\n";
static const char PRODUCTION[] = "enterprise_id,period,product_id,cn_code,quantity,unit\n"
                                 "E1,2025-12,CEM,2523 29 00,500,t\n"
                                 "E1,2026-01,CEM,2523 29 00,600,t\n"
                                 "E1,2026-01,UREA,3102 10 10,200,t\n"
                                 "E1,2026-02,BOLT,7318 15 88,80,t\n"
                                 "E1,2026-02,CAR,8708 30 10,40,t\n";

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        fuzz_fail("cannot write the temporary file");
}

static void check_cost(const alloc_enterprise *ae, const cbamcost_ent *c, double price)
{
    double liab = 0, adj = 0, cert = 0, cost = 0;
    for (size_t p = 0; p < ae->nproducts; p++) {
        const cbamcost_product *cp = &c->products[p];
        const double v[] = {cp->liability_t, cp->adjustment_t, cp->certificates_t, cp->cost_eur, cp->direct_t,
                            cp->indirect_t, cp->phase_factor};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            if (!isfinite(v[k]))
                fuzz_fail("a cost figure is not finite");
        if (cp->certificates_t < 0 || cp->adjustment_t < 0)
            fuzz_fail("negative certificates or adjustment");
        if (!near(cp->certificates_t, fmax(0.0, cp->liability_t - cp->adjustment_t)))
            fuzz_fail("certificates are not max(0, liability - adjustment)");
        if (!near(cp->cost_eur, cp->certificates_t * price))
            fuzz_fail("cost is not certificates x price");
        if (cp->adjustment_made != (cp->status == CBAMCOST_COMPLETE))
            fuzz_fail("an adjustment made outside the complete status, or not made in it");
        if (cp->status == CBAMCOST_NOT_CBAM && (cp->certificates_t != 0 || cp->cost_eur != 0))
            fuzz_fail("a good outside CBAM has certificates");
        if (cp->reason == NULL)
            fuzz_fail("a product without a reason");
        liab += cp->liability_t;
        adj += cp->adjustment_t;
        cert += cp->certificates_t;
        cost += cp->cost_eur;
    }
    if (!near(liab, c->liability_t) || !near(adj, c->adjustment_t) || !near(cert, c->certificates_t) ||
        !near(cost, c->cost_eur))
        fuzz_fail("the enterprise's sums are not its goods'");
}

static void check_scenario(const scenario_result *r)
{
    const alloc_enterprise *b = &r->base.res.ents[0], *s = &r->scen.res.ents[0];
    for (size_t i = 0; i < r->nmonths; i++) {
        const scenario_month *m = &r->months[i];
        double planned = 0, used = 0;
        for (int k = 0; k < SUPPLY__COUNT; k++)
            if (m->planned_kwh[k] > 0) {
                planned += m->planned_kwh[k];
                used += m->used_kwh[k];
            }
        if (m->grid_after_kwh < 0 || m->surplus_kwh < -1e-6 || !near(used + m->surplus_kwh, planned))
            fuzz_fail("a month's added kWh are neither used nor surplus, or the grid went below 0");
        if (!near(b->months[i].kwh.consumption, s->months[i].kwh.consumption))
            fuzz_fail("an added source changed a month's consumption");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = memchr(data, 0x1E, size);
    size_t nb = sep ? (size_t)(sep - data) : size;
    const char *bm = fuzz_temp_path(".bm.csv"), *di = fuzz_temp_path(".di.csv");
    write_file(bm, data, nb);
    write_file(di, sep ? sep + 1 : data, sep ? size - nb - 1 : 0);

    diag_list dl;
    diag_list_init(&dl);
    cbamcost_db *cdb = cbamcost_db_new();
    if (cbamcost_load_builtin(cdb, &dl) != CBAM_OK)
        fuzz_fail("the shipped CBAM factor table does not load");
    static const char choices[] = {0, 'A', 'B'};
    bool ok = cbamcost_load_benchmarks(cdb, bm, choices[size % 3], &dl, NULL) == CBAM_OK;
    ok = (sep == NULL || cbamcost_load_direct(cdb, di, &dl, NULL) == CBAM_OK) && ok;

    ledger *l = ledger_new();
    ingest_opts io = {0};
    factors_db *db = fuzz_db();
    if (ingest_mem(l, db, INGEST_ELECTRICITY, "e.csv", ELECTRICITY, sizeof ELECTRICITY - 1, &io, &dl) != CBAM_OK ||
        ingest_finish(l, &dl) != CBAM_OK ||
        ingest_mem(l, db, INGEST_PRODUCTION, "p.csv", PRODUCTION, sizeof PRODUCTION - 1, &io, &dl) != CBAM_OK)
        fuzz_fail("the fixed enterprise does not read");
    double price = size > 0 ? 1.0 + data[0] : 80;
    if (ok) {
        cbamcost_opts co = {.price_eur_per_t = price, .year = size > 1 && data[1] % 4 == 0 ? 2030 : 0,
                            .cscf = size > 2 && data[2] % 2 ? 0.9 : 0};
        alloc_opts ao = {0};
        alloc_result res = {0};
        if (alloc_run(l, db, &ao, &res, &dl) != CBAM_OK || res.n != 1)
            fuzz_fail("the fixed enterprise does not calculate");
        cbamcost_ent c;
        if (cbamcost_compute(cdb, &co, &res.ents[0], &c, &dl) != CBAM_OK)
            fuzz_fail("cbamcost_compute refused files its loaders accepted");
        check_cost(&res.ents[0], &c, price);
        cbamcost_ent_free(&c);
        alloc_result_free(&res);

        /* a scenario driven by the input's last bytes */
        scenario_opts so = {.has_price = true, .cost = co};
        uint8_t b0 = size > 3 ? data[size - 1] : 7, b1 = size > 4 ? data[size - 2] : 1;
        static const enum supply_source adds[] = {SUPPLY_GREEN_DIRECT, SUPPLY_ONSITE, SUPPLY_GREEN_PPA,
                                                  SUPPLY_GREEN_TRADE};
        so.changes[0] = (scenario_change){.source = adds[b0 % 4],
                                          .kwh_per_year = 1000.0 * (1 + b1) * (1 + b0 % 50),
                                          .profile = (enum scenario_profile)(b1 % 5)};
        so.nchanges = 1;
        scenario_result r;
        if (scenario_run(l, l->ents[0], db, &ao, cdb, &so, &r, &dl) == CBAM_OK) {
            check_scenario(&r);
            check_cost(&r.scen.res.ents[0], &r.scen.cost, price);
        }
        scenario_result_free(&r);
    }
    ledger_free(l);
    cbamcost_db_free(cdb);
    diag_list_free(&dl);
    remove(bm);
    remove(di);
    return 0;
}
