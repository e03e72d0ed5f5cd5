/* allocate.h - the calculation: kWh and tCO2 per enterprise, month and product.
 *
 * For each enterprise and month (accounting-rules.md; README "Method"):
 *   consumption = grid + green_trade + green_ppa + green_direct + onsite + supplier
 *   certificates used = min(certificates, grid); coverage r = used / grid
 *   location t = EF_location x (grid + green_trade + green_ppa + supplier) / 1000
 *   market t   = (EF_residual x grid x (1 - r) + sum EF_supplier x supplier) / 1000
 *   CBAM t     = EF_cbam x (grid + green_trade + supplier) / 1000
 *   SEE = t / tonnes of the months with both electricity and production
 * Sub-metered kWh belong to their product; the rest of the month is split
 * across the month's products by production mass; a month without
 * production keeps its kWh unallocated. Sums of the parts equal the whole.
 *
 * Ownership: an alloc_result owns its arrays; it points into the ledger and
 * the factors_db, which must outlive it.
 */
#ifndef CBAM_ALLOCATE_H
#define CBAM_ALLOCATE_H

#include "cbam_error.h"
#include "diag.h"
#include "factors.h"
#include "hourly.h"
#include "ledger.h"

typedef struct alloc_em {
    double location, market, cbam; /* t CO2 */
} alloc_em;

typedef struct alloc_kwh {
    double source[SUPPLY__COUNT]; /* certificates: the claim as given */
    double certificates_used;
    double consumption;
    double unallocated; /* consumption not attributed to a product */
} alloc_kwh;

typedef struct alloc_factors {
    const factor *location, *residual, *cbam;
    const char *cbam_grid_code; /* "D.4(a)" for a CBAM default, else "D.4(b)" */
} alloc_factors;

typedef struct alloc_product_month {
    double quantity_t;
    double kwh_sub, kwh_alloc; /* sub-metered; allocated from the shared kWh */
    double share;              /* allocation key: share of the month's production mass */
    bool in_see;               /* production in a month with electricity: counts in SEE */
    double kwh[SUPPLY__COUNT]; /* its kWh by source (sub-metered + its share); certificates 0 */
    double supplier_kg;        /* market-based kg of its supplier kWh */
    alloc_em em;
} alloc_product_month;

typedef struct alloc_month {
    int ord;
    bool has_electricity, has_production;
    alloc_kwh kwh;
    double supplier_kg; /* market-based kg of the supplier kWh (sum of kWh x EF) */
    alloc_em em, unallocated_em;
    double unallocated_kwh[SUPPLY__COUNT]; /* by source, when the month had no production */
    double unallocated_supplier_kg;
    alloc_factors f;
    bool hourly; /* the kWh are hour-matched (hourly.h), not the monthly totals */
    alloc_product_month *products; /* [nproducts of the enterprise] */
} alloc_month;

typedef struct alloc_product {
    const ledger_product *p;
    double quantity_t, kwh, kwh_sub, kwh_alloc;
    /* Tonnes of the months that have both electricity and production: the
     * SEE denominator. Months with production but no electricity are left
     * out of SEE (warned), never read as zero electricity. */
    double quantity_see_t;
    size_t months_without_electricity;
    double kwh_source[SUPPLY__COUNT];
    alloc_em em;
    bool has_see; /* false when quantity_see_t is 0: SEE is null, never 0 */
    alloc_em see; /* tCO2 per t: em / quantity_see_t */
    double mwh_per_t;
    bool has_cbam_ef;      /* false when kWh is 0 */
    double cbam_ef;        /* tCO2/MWh, the MWh-weighted average */
    const char *cbam_code; /* source of the CBAM factor, "Mix" when several */
} alloc_product;

typedef struct alloc_enterprise {
    const ledger_enterprise *e;
    int from_ord, to_ord;
    alloc_kwh kwh;
    alloc_em em, unallocated_em;
    alloc_factors f; /* a member is NULL when months used different factors */
    bool has_cbam_ef;
    double cbam_ef; /* tCO2/MWh over the period */
    const char *cbam_code;
    bool has_green_share;
    double green_share;  /* (trade + PPA + direct + on-site) / consumption */
    alloc_month *months; /* every month from_ord..to_ord */
    size_t nmonths;
    hourly_ent *hourly; /* hour-by-hour matching; NULL without interval rows (owned) */
    alloc_product *products; /* by ledger product index */
    size_t nproducts;
    size_t *product_order; /* product indexes sorted by product id: the output order */
    struct cbamcost_ent *cost; /* CBAM cost of its goods (--cbam-price); NULL when not asked (owned) */
} alloc_enterprise;

/* Without --from and --to, one enterprise's rows may span at most this many
 * months: a longer span is almost always a wrong year, and would cost memory
 * by the span rather than by the data. */
#define ALLOC_SPAN_MAX_MONTHS 120

typedef struct alloc_opts {
    int from_ord, to_ord; /* the reporting period; 0 = each enterprise's own data */
    const factor *grid_override, *residual_override, *cbam_override;
    bool drop_hour_detail; /* free each matched hour's load and matched kWh once summed
                              (only the workbook's heatmap reads them) */
} alloc_opts;

typedef struct alloc_result {
    alloc_enterprise *ents; /* sorted by enterprise id */
    size_t n;
} alloc_result;

/* Computes every figure. CBAM_ERR_DATA when a factor is missing (reported). */
enum cbam_err alloc_run(const ledger *l, const factors_db *db, const alloc_opts *o, alloc_result *out,
                        diag_list *dl);
void alloc_result_free(alloc_result *r);

/* The emissions of a kWh vector (tCO2): the one formula every figure uses. */
alloc_em alloc_emissions(const double kwh[SUPPLY__COUNT], double supplier_kg, double coverage,
                         const alloc_factors *f);

/* The CBAM source code of a kWh vector: the single code of the sources
 * present, "Mix" when several, NULL when there are no kWh. */
const char *alloc_cbam_code(const double kwh[SUPPLY__COUNT], const char *grid_code);

#endif
