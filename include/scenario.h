/* scenario.h - "what if": one enterprise's figures with more green power
 * (or less of a source), beside its figures as they are (`cbamcalc
 * scenario`; README "Scenarios").
 *
 * A change is a yearly amount of kWh of one source. It is spread over the
 * period's months with electricity in proportion to a profile: the source's
 * own kWh when the enterprise already has that source, else (a new source)
 * its consumption; on-site PV, or a source given --profile SRC=solar, by the
 * monthly solar profile of its province (factors/solar-profile.csv). The
 * period gets months/12 of the yearly amount (the solar profile: each
 * month's share of a year). Added kWh replace grid kWh of the same month,
 * in the same proportions between the shared pool and each sub-meter, so
 * that no product's consumption changes; what exceeds the month's grid is
 * a surplus (exported or curtailed), reported, never consumed, and the grid
 * never goes below 0. A removal takes kWh away from the source (never below
 * 0) and nothing replaces it.
 *
 * Both sides are computed by the same engine (alloc_run). The baseline is
 * report's, hour matching included; a matched month's kWh then become its
 * monthly totals, which the scenario changes month by month: added kWh are
 * not matched to the load hour by hour (said in every output).
 *
 * Ownership: a scenario_result owns both alloc_results, the months and the
 * costs; scenario_result_free releases them. Pointers into the ledger and
 * factor database (products, factors) need those to outlive it.
 */
#ifndef CBAM_SCENARIO_H
#define CBAM_SCENARIO_H

#include "allocate.h"
#include "cbam_error.h"
#include "cbamcost.h"
#include "diag.h"
#include "factors.h"
#include "ledger.h"
#include "supply.h"

#include <stdbool.h>
#include <stddef.h>

#define SCENARIO_MAX_CHANGES 16
/* Bounds of the command line's numbers: beyond them a figure would overflow
 * or mean a typing slip (a year of 1,000 TWh is over a tenth of China's). */
#define SCENARIO_KWH_MAX    1e12
#define SCENARIO_TARIFF_MAX 10.0  /* yuan per kWh: 60 is fen, 600 yuan per MWh */
#define SCENARIO_FX_MIN     1.0   /* yuan per euro: 0.128 is euro per yuan */
#define SCENARIO_FX_MAX     50.0

enum scenario_profile {
    SCENARIO_PROFILE_AUTO,        /* the source's own if present, else solar for onsite, else consumption */
    SCENARIO_PROFILE_SOURCE,      /* the source's own monthly kWh */
    SCENARIO_PROFILE_CONSUMPTION, /* the enterprise's monthly consumption */
    SCENARIO_PROFILE_SOLAR,       /* the province's monthly solar profile */
    SCENARIO_PROFILE_FLAT,        /* the same kWh every month */
};

typedef struct scenario_change {
    enum supply_source source;
    double kwh_per_year;
    bool remove; /* --remove: take away; else --add */
    enum scenario_profile profile;
} scenario_change;

typedef struct scenario_opts {
    scenario_change changes[SCENARIO_MAX_CHANGES];
    size_t nchanges;
    bool has_tariff[SUPPLY__COUNT];
    double tariff_yuan_per_kwh[SUPPLY__COUNT]; /* --tariff SRC=YUAN */
    bool has_fx;
    double fx_yuan_per_eur; /* --fx */
    bool has_price;
    cbamcost_opts cost;           /* --cbam-price, --cbam-year */
    enum supply_source replace;   /* what added kWh replace: grid (0, the default) or supplier (--replace) */
} scenario_opts;

typedef struct scenario_month {
    int ord;
    double planned_kwh[SUPPLY__COUNT]; /* the yearly amounts' share for this month (removals negative) */
    double used_kwh[SUPPLY__COUNT];    /* what reaches the load: planned, less the surplus */
    double surplus_kwh;                /* added kWh beyond the month's grid: not consumed */
    double grid_before_kwh, grid_after_kwh; /* of the replaced source: grid, or supplier with --replace */
} scenario_month;

/* Electricity cost of one side: kWh by source x tariff (yuan). */
typedef struct scenario_money {
    bool has_electricity;        /* every source with kWh has a tariff */
    double electricity_yuan;
    bool has_per_kwh;
    double electricity_yuan_per_kwh; /* over consumption */
    const char *missing;             /* the first source with kWh and no tariff, else NULL */
    bool has_cbam;                   /* --cbam-price given, and every CBAM good priced */
    double cbam_eur;                 /* certificates of its CBAM goods x price */
    double cbam_electricity_eur;     /* what the electricity adds to it (cbamcost_ent.electricity_cost_eur) */
    bool has_all_in;                 /* electricity and CBAM, with --fx */
    double all_in_yuan_per_kwh;      /* (electricity yuan + the electricity's CBAM EUR x fx) / consumption */
} scenario_money;

typedef struct scenario_product_money {
    bool has_electricity;
    double electricity_yuan;
    bool has_per_t;
    double electricity_yuan_per_t; /* per tonne of the months with electricity */
    bool has_per_kwh;
    double electricity_yuan_per_kwh;
} scenario_product_money;

typedef struct scenario_side {
    alloc_result res;          /* the one enterprise: res.ents[0] */
    cbamcost_ent cost;         /* valid when has_cost */
    bool has_cost;
    scenario_money money;
    scenario_product_money *products; /* by ledger product index */
} scenario_side;

typedef struct scenario_result {
    scenario_opts opts;
    const ledger_enterprise *e;
    scenario_side base, scen;
    scenario_month *months; /* the period's months, from..to */
    size_t nmonths;
    double surplus_kwh;                      /* summed over the months */
    double added_kwh[SUPPLY__COUNT];         /* consumed, summed (removals negative) */
    const char *profile_text[SUPPLY__COUNT]; /* how each changed source was spread, for the reader */
    enum scenario_profile profile_used[SUPPLY__COUNT]; /* the profile each changed source was spread by */
    const char *solar_source;                /* the solar profile's citation, when used */
    bool monthly_only;                       /* hour-matched baseline months: the scenario changes their totals */
} scenario_result;

/* Computes the baseline (as the ledger is), changes the ledger's kWh of
 * enterprise e as o says, and computes the scenario. l is changed: it then
 * holds the scenario's kWh. CBAM_ERR_USAGE for a change that cannot be made
 * (removing a source the enterprise does not have), CBAM_ERR_DATA for what
 * alloc_run refuses. With db_cost NULL no cost is computed. */
enum cbam_err scenario_run(ledger *l, ledger_enterprise *e, const factors_db *db, const alloc_opts *ao,
                           const cbamcost_db *db_cost, const scenario_opts *o, scenario_result *out,
                           diag_list *dl);
void scenario_result_free(scenario_result *r);

/* Why product p's CBAM cost changes or not, in one sentence (into buf). */
void scenario_product_reason(const scenario_result *r, size_t p, char *buf, size_t size);
/* The same in the words of the workbook and the summary, in Chinese when zh. */
void scenario_product_reason_words(const scenario_result *r, size_t p, bool zh, char *buf, size_t size);

/* "source", "consumption", "solar", "flat"; parse accepts the same words. */
const char *scenario_profile_name(enum scenario_profile p);
bool scenario_profile_parse(const char *s, enum scenario_profile *out);

#endif
