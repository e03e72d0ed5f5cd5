/* hourly.h - interval data by clock hour, and green supply matched to load hour by hour.
 *
 * CBAM accepts a direct line's or a PPA's factor only with meter data that
 * show generation and delivery in the same hour (IR 2025/2547 Annex II
 * D.4.3). While files are read, interval rows are summed into clock hours of
 * local time, per enterprise, month and meter role (load, grid, green
 * sources, supplier): a store exists only for enterprises with interval rows
 * and grows with months x roles, never with rows. hourly_match() then decides
 * which enterprise-months are matched and fills each clock hour's load in the
 * order onsite, green_direct, green_ppa, green_trade (README "Hourly
 * matching"); the calculation uses a matched month's kWh vector instead of
 * the monthly totals.
 *
 * Ownership: a store belongs to its ledger_enterprise (ledger_free frees
 * it). An hourly_ent owns its months and their per-hour arrays; it points
 * into the ledger's store, which must outlive it.
 */
#ifndef CBAM_HOURLY_H
#define CBAM_HOURLY_H

#include "diag.h"
#include "supply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ledger;
struct ledger_enterprise;

#define HOURLY_MONTH_HOURS 744 /* 31 days */

/* The green sources in matching order. */
enum hourly_green { HOURLY_ONSITE, HOURLY_DIRECT, HOURLY_PPA, HOURLY_TRADE, HOURLY__GREEN };

/* The supply source of a green source in matching order. */
enum supply_source hourly_green_source(enum hourly_green g);

/* One month of one enterprise: kWh per clock hour (hour 0 = 00:00-01:00 of
 * the 1st, local time) per role, kept by day: kwh[role] is NULL for a role
 * without interval rows, else 31 day pointers, each NULL or 24 hours. A
 * sparse file costs a day's hours per row at most, not a month's. */
typedef struct hourly_block {
    int ord;
    double **kwh[SUPPLY__ROLES];
} hourly_block;

/* kWh of role in hour `hour` of block b (0 where nothing was booked). */
static inline double hourly_at(const hourly_block *b, enum supply_source role, uint32_t hour)
{
    double **days = b->kwh[role];
    return days != NULL && days[hour / 24] != NULL ? days[hour / 24][hour % 24] : 0.0;
}

typedef struct hourly_store {
    hourly_block *blocks; /* sorted by ord */
    size_t n, cap, last;
} hourly_store;

/* Adds kwh of role to clock hour `hour` (0..743) of month ord; creates the
 * store, the month and the role's hours on first use. */
void hourly_book(struct hourly_store **hs, int ord, uint32_t hour, enum supply_source role, double kwh);
/* The month ord of a store, or NULL. */
const hourly_block *hourly_block_find(const struct hourly_store *hs, int ord);
void hourly_store_free(struct hourly_store *hs);

typedef struct hourly_month {
    int ord;
    bool matched;
    const char *reason; /* why not matched (static English), NULL when matched */
    uint32_t hours;     /* clock hours of the month */
    double load_kwh;
    double supply_kwh[HOURLY__GREEN];  /* hourly green supply as metered */
    double matched_kwh[HOURLY__GREEN]; /* of it, used in the hour it was produced */
    double surplus_kwh[HOURLY__GREEN]; /* exported or curtailed: in no figure */
    double unmatched_kwh;              /* load not covered by hourly green supply */
    bool has_share;                    /* load > 0 */
    double matched_share, volumetric_share;
    /* Matched months: the kWh vector every figure uses (load as consumption,
     * green sources at their matched kWh, the rest of the load as grid). */
    double kwh[SUPPLY__COUNT];
    double supplier_scale; /* supplier kWh used / given (their kg scale alike) */
    /* Per hour, [hours] long (matched months): load, and matched green kWh. */
    double *load_h, *matched_h;
    bool has_supply[HOURLY__GREEN]; /* the source takes part (hourly rows this month) */
    const hourly_block *block;      /* the store's month (hourly_at): every role's hours */
    bool monthly_direct_ppa; /* direct/PPA kWh from monthly rows remain (not demonstrated) */
} hourly_month;

typedef struct hourly_ent {
    unsigned interval_minutes; /* the finest interval of the rows (60, 15, 5, 1) */
    uint32_t hours;            /* clock hours of the matched months */
    size_t nmatched;
    double load_kwh, unmatched_kwh;
    double supply_kwh[HOURLY__GREEN], matched_kwh[HOURLY__GREEN], surplus_kwh[HOURLY__GREEN];
    bool has_share;
    double matched_share, volumetric_share;
    /* The average day of the matched months, by hour of day (kWh). */
    double day_load[24], day_supply[HOURLY__GREEN][24], day_matched[24];
    hourly_month *months; /* every month of the period with interval rows, in order */
    size_t nmonths;
} hourly_ent;

/* Matches e's months from..to. NULL when it has no interval rows in them.
 * What the data leave in doubt (gaps, a grid meter that disagrees, monthly
 * rows capped) is reported in dl as warnings. */
hourly_ent *hourly_match(const struct ledger *l, const struct ledger_enterprise *e, int from, int to,
                         diag_list *dl);

/* Months from..to that are not matched but have load-meter rows: the load
 * against the supply meters (more than 0.5 % apart is a warning). h may be NULL. */
void hourly_check_load(const struct ledger_enterprise *e, const hourly_ent *h, int from, int to, diag_list *dl);

/* The matched month ord of h, or NULL (h may be NULL). */
const hourly_month *hourly_matched_month(const hourly_ent *h, int ord);

/* Frees every month's load_h and matched_h (NULL after), which only the
 * workbook's heatmap reads: a park's run without workbooks keeps none. */
void hourly_ent_drop_hours(hourly_ent *h);

void hourly_ent_free(hourly_ent *h);

#endif
