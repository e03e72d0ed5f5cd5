/* cbamcost.h - what a CBAM good's embedded emissions cost the importer:
 * certificates to surrender and their price (Reg. (EU) 2023/956 Art. 22
 * and 31; README "CBAM cost").
 *
 * Per product of an enterprise, over the reporting period:
 *   liability t   = direct t (when given, --direct) + CBAM indirect t when the
 *                   good's category counts indirect emissions (cbamgoods.h)
 *   adjustment t  = benchmark (tCO2/t, --benchmarks) x CBAM factor of the
 *                   month's year (factors/cbam-phase-in.csv, Directive
 *                   2003/87/EC Art. 10a(1a)) x tonnes, summed over the months,
 *                   x the cross-sectoral correction factor (--cscf, else 1);
 *                   0 without a benchmark (the figure is then an upper bound)
 *                   and not made when direct emissions are not given (the
 *                   adjustment is against the good's whole embedded
 *                   emissions: the figure is then the electricity's part only)
 *   certificates  = max(0, liability - adjustment)
 *   cost EUR      = certificates x price (EUR per tCO2, --cbam-price)
 * No carbon price paid in China is deducted: China's ETS prices direct
 * emissions only, so nothing paid there reduces the indirect part.
 *
 * Ownership: a cbamcost_db owns its schedule, benchmarks and direct
 * emissions (pointers into it live until cbamcost_db_free); a cbamcost_ent
 * owns its products array and is freed with cbamcost_ent_free (an
 * alloc_enterprise frees the one it holds).
 */
#ifndef CBAM_CBAMCOST_H
#define CBAM_CBAMCOST_H

#include "cbam_error.h"
#include "csvin.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

struct alloc_enterprise;

/* The CBAM definitive period starts in 2026: no certificates before. */
#define CBAMCOST_FIRST_YEAR 2026
/* The highest --cbam-price taken (EUR per tCO2; allowances have traded below 110):
 * beyond it the price is a slip (7536 for 75.36). */
#define CBAMCOST_PRICE_MAX 1000.0

/* One year's CBAM factor: the share of the EU ETS free allocation still
 * given to CBAM sectors, which the adjustment gives back to an importer. */
typedef struct cbamcost_phase {
    int year;
    double factor; /* 0..1 (0.975 = 97.5 %) */
    const char *source, *url, *status, *note, *note_zh;
} cbamcost_phase;

/* A benchmark of a CN code (8 digits, or a 4- or 6-digit heading that
 * covers every code under it) from the user's --benchmarks file. */
typedef struct cbamcost_benchmark {
    char cn[9];         /* digits only */
    double value;       /* tCO2 per t of good */
    char column;        /* 'A' or 'B' (the Commission's two columns), or 0 when the file has none */
    const char *source; /* as written in the file */
    const char *file;
    long line;
} cbamcost_benchmark;

/* A product's direct emissions from the user's --direct file. */
typedef struct cbamcost_direct {
    const char *enterprise; /* "" when the file has no enterprise column: every enterprise's product */
    const char *product;
    double t_per_t; /* tCO2 per t of product (specific direct emissions) */
    const char *source;
    const char *file;
    long line;
} cbamcost_direct;

typedef struct cbamcost_db cbamcost_db;

cbamcost_db *cbamcost_db_new(void);
void cbamcost_db_free(cbamcost_db *db);

/* Loads the compiled-in schedule (factors/cbam-phase-in.csv). */
enum cbam_err cbamcost_load_builtin(cbamcost_db *db, diag_list *dl);
/* Loads --benchmarks FILE: cn_code, value (tCO2/t), column (A or B, may be
 * absent), source. column_choice 'A' or 'B' keeps only that column's rows;
 * 0 refuses a code given in both columns (the user must choose). */
enum cbam_err cbamcost_load_benchmarks(cbamcost_db *db, const char *path, char column_choice, diag_list *dl,
                                       csvin_stats *stats);
/* Loads --direct FILE: [enterprise_id,] product_id, direct_t_co2_per_t, source. */
enum cbam_err cbamcost_load_direct(cbamcost_db *db, const char *path, diag_list *dl, csvin_stats *stats);

/* The factor of a year: NULL before CBAMCOST_FIRST_YEAR; the last year's
 * (0 %) after the end of the table. */
const cbamcost_phase *cbamcost_phase_of(const cbamcost_db *db, int year);
size_t cbamcost_phase_count(const cbamcost_db *db);
const cbamcost_phase *cbamcost_phase_at(const cbamcost_db *db, size_t i);

/* The benchmark for an 8-digit CN code: the longest matching code; NULL when none. */
const cbamcost_benchmark *cbamcost_benchmark_for(const cbamcost_db *db, const char *cn8);
/* The direct emissions of a product of an enterprise; NULL when not given. */
const cbamcost_direct *cbamcost_direct_for(const cbamcost_db *db, const char *enterprise, const char *product);
/* Whether any benchmark / direct row was loaded (the report says which inputs it had). */
bool cbamcost_has_benchmarks(const cbamcost_db *db);
bool cbamcost_has_direct(const cbamcost_db *db);
/* The direct rows in file order (to say which matched no product). */
size_t cbamcost_direct_count(const cbamcost_db *db);
const cbamcost_direct *cbamcost_direct_at(const cbamcost_db *db, size_t i);

typedef struct cbamcost_opts {
    double price_eur_per_t; /* --cbam-price: EUR per tCO2 (an EU allowance's price) */
    int year;               /* --cbam-year: the year of import the factor is taken for; 0: each month's own,
                               a month before 2026 priced as 2026 (said) */
    double cscf;            /* --cscf: the cross-sectoral correction factor (0..1] the adjustment is also
                               multiplied by; 0: not given, taken as 1 (said: the adjustment is then at
                               its largest and the cost at its lowest) */
} cbamcost_opts;

enum cbamcost_status {
    CBAMCOST_NOT_CBAM,      /* not a CBAM good: no certificates */
    CBAMCOST_COMPLETE,      /* direct emissions and a benchmark given */
    CBAMCOST_UPPER_BOUND,   /* direct emissions given, no benchmark: adjustment 0 */
    CBAMCOST_INDIRECT_ONLY, /* no direct emissions: the electricity's part, before any adjustment */
    CBAMCOST_NO_PRODUCTION, /* no tonnes in months with electricity: nothing to price */
};

typedef struct cbamcost_product {
    enum cbamcost_status status;
    const char *category;       /* CBAM goods category, NULL when not a CBAM good */
    bool indirect_in_liability; /* the category's flag */
    double quantity_t;          /* tonnes the emissions belong to (the SEE denominator) */
    bool has_direct;
    const cbamcost_direct *direct; /* NULL when not given */
    double direct_t;               /* direct t_per_t x quantity_t; 0 when not given */
    double indirect_t;             /* CBAM indirect tCO2 of the product */
    double indirect_liable_t;      /* indirect_t when counted, else 0 */
    double liability_t;            /* direct_t + indirect_liable_t */
    const cbamcost_benchmark *benchmark; /* NULL when none given for its CN code */
    double phase_factor;                 /* tonne-weighted CBAM factor of its months */
    int year_from, year_to;              /* the years whose factor was used */
    bool priced_as_later;                /* months before 2026 priced with 2026's factor */
    double cscf;                         /* the correction factor applied (1 when not given) */
    double adjustment_t;                 /* free allocation adjustment (0 when not made) */
    bool adjustment_made;
    double certificates_t; /* max(0, liability - adjustment) */
    bool floored;          /* the adjustment exceeded the liability: 0, not negative */
    double cost_eur;
    bool has_cost_per_t;
    double cost_eur_per_t; /* cost per tonne of product */
    /* Not priced: a good whose certificates are for direct emissions alone
     * (its indirect emissions are not in the liability) and whose direct
     * emissions were not given. Its certificates and cost (0 here) are
     * unknown, never shown as 0. */
    bool unpriced;
    /* What its electricity adds to the cost: certificates with the indirect
     * emissions in the liability less those without them, x price (0 where
     * indirect emissions do not count). */
    double electricity_cost_eur;
    const char *reason;    /* one sentence a reader can act on: why this status, what is missing */
} cbamcost_product;

typedef struct cbamcost_ent {
    cbamcost_opts opts;
    cbamcost_product *products; /* by ledger product index: [nproducts] */
    size_t nproducts;
    double liability_t, adjustment_t, certificates_t, cost_eur; /* summed over the CBAM goods */
    size_t ngoods;                 /* CBAM goods */
    size_t nunpriced;              /* of them not priced (cbamcost_product.unpriced): the sums leave them out */
    double electricity_cost_eur;   /* summed over the goods */
    const cbamcost_phase *phase_lo, *phase_hi; /* the first and last factor used; NULL when no month */
} cbamcost_ent;

/* Prices every product of ae. Warnings (a month before 2026, a CBAM good
 * without a benchmark) go to dl once per enterprise. The result is put in
 * *out (the caller frees it with cbamcost_ent_free). */
enum cbam_err cbamcost_compute(const cbamcost_db *db, const cbamcost_opts *o, const struct alloc_enterprise *ae,
                               cbamcost_ent *out, diag_list *dl);
void cbamcost_ent_free(cbamcost_ent *c);

/* The status as a JSON word: "not_cbam_good", "complete", "upper_bound",
 * "indirect_only", "no_production". */
const char *cbamcost_status_name(enum cbamcost_status s);

#endif
