/* hourly.c - interval data by clock hour and hour-by-hour matching (see hourly.h). */
#include "config.h"
#include "hourly.h"
#include "ledger.h"
#include "numfmt.h"
#include "parse.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const enum supply_source green_order[HOURLY__GREEN] = {SUPPLY_ONSITE, SUPPLY_GREEN_DIRECT,
                                                              SUPPLY_GREEN_PPA, SUPPLY_GREEN_TRADE};

enum supply_source hourly_green_source(enum hourly_green g)
{
    return green_order[g];
}

/* ---- the store ---- */

static hourly_block *block_of(hourly_store *hs, int ord)
{
    if (hs->n > 0 && hs->blocks[hs->last].ord == ord)
        return &hs->blocks[hs->last]; /* rows come in runs of one month */
    size_t lo = 0, hi = hs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (hs->blocks[mid].ord < ord)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == hs->n || hs->blocks[lo].ord != ord) {
        if (hs->n == hs->cap) {
            hs->cap = hs->cap ? hs->cap * 2 : 4;
            hs->blocks = xreallocarray(hs->blocks, hs->cap, sizeof *hs->blocks);
        }
        memmove(&hs->blocks[lo + 1], &hs->blocks[lo], (hs->n - lo) * sizeof *hs->blocks);
        memset(&hs->blocks[lo], 0, sizeof *hs->blocks);
        hs->blocks[lo].ord = ord;
        hs->n++;
    }
    hs->last = lo;
    return &hs->blocks[lo];
}

void hourly_book(hourly_store **hs, int ord, uint32_t hour, enum supply_source role, double kwh)
{
    if (hour >= HOURLY_MONTH_HOURS || role >= SUPPLY__ROLES || role == SUPPLY_CERTIFICATE)
        return; /* certificates are claims, never in an hour */
    if (*hs == NULL)
        *hs = xcalloc(1, sizeof **hs);
    hourly_block *b = block_of(*hs, ord);
    if (b->kwh[role] == NULL)
        b->kwh[role] = xcalloc(HOURLY_MONTH_HOURS / 24, sizeof *b->kwh[role]);
    double **day = &b->kwh[role][hour / 24];
    if (*day == NULL)
        *day = xcalloc(24, sizeof **day);
    (*day)[hour % 24] += kwh;
}

const hourly_block *hourly_block_find(const hourly_store *hs, int ord)
{
    if (hs == NULL)
        return NULL;
    for (size_t i = 0; i < hs->n; i++)
        if (hs->blocks[i].ord == ord)
            return &hs->blocks[i];
    return NULL;
}

void hourly_store_free(hourly_store *hs)
{
    if (hs == NULL)
        return;
    for (size_t i = 0; i < hs->n; i++)
        for (int r = 0; r < SUPPLY__ROLES; r++) {
            for (int d = 0; hs->blocks[i].kwh[r] != NULL && d < HOURLY_MONTH_HOURS / 24; d++)
                free(hs->blocks[i].kwh[r][d]);
            free(hs->blocks[i].kwh[r]);
        }
    free(hs->blocks);
    free(hs);
}

/* ---- what a month's rows are ---- */

/* kWh of source src booked in a ledger month: shared and sub-metered. */
static double month_kwh(const ledger_month *lm, int src)
{
    if (lm == NULL)
        return 0;
    double t = lm->pool_kwh[src];
    for (size_t p = 0; p < lm->ncells; p++)
        t += lm->cells[p].sub_kwh[src];
    return t;
}

/* Per role in one enterprise-month: kWh of its hourly series-months, whether
 * any of its series-months is not hourly (monthly, daily, bills,
 * time-of-use, times more than an hour apart), and any with such times
 * (then the store's hours for the role are not hours at all). */
struct role_month {
    double hourly_kwh, total_kwh, coarse_kwh;
    size_t nhourly, ncoarse;
    bool tainted;
    uint32_t res; /* finest interval of its hourly rows, seconds */
    uint32_t days; /* days of the month its rows cover (bit d - 1 for day d) */
};

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The interval of a meter-month's rows in seconds: the greatest common step
 * of the slots it has (and of a day), so 30-, 20- and 10-minute data are
 * what they are, and rows two hours apart are not hourly. bits: its slots. */
static uint32_t mark_step(const ledger_mark *m, const uint64_t *bits)
{
    uint32_t per_day = 86400 / m->res, g = 0, prev = 0;
    bool any = false;
    size_t words = ledger_mark_words(m);
    for (size_t w = 0; w < words && g != 1; w++)
        for (uint64_t b = bits[w]; b != 0 && g != 1; b &= b - 1) {
            uint32_t slot = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
            if (any)
                g = gcd(g, slot - prev);
            prev = slot;
            any = true;
        }
    /* One row alone says nothing of a step: its alignment does. */
    return gcd(g == 0 ? 1 : g, per_day) * m->res;
}

/* The interval of a meter-month's interval rows (0 when it has none). */
static uint32_t mark_interval(const ledger_mark *m)
{
    if (m->granularity != PERIOD_TIME || m->tou || m->res == 0)
        return 0;
    if (m->res >= 86400)
        return 86400;
    uint64_t *bits = xcalloc(ledger_mark_words(m), sizeof *bits);
    ledger_mark_slots(m, bits);
    uint32_t step = mark_step(m, bits);
    free(bits);
    return step;
}

/* Days of month ord that series s has rows for (a monthly total or a
 * time-of-use month covers every day). */
static uint32_t series_days(const ledger_series *s, int ord)
{
    uint32_t days = 0;
    for (size_t k = 0; k < s->n; k++) {
        const ledger_mark *m = &s->marks[k];
        if (m->ord == ord && m->first_line != 0)
            days |= m->granularity == PERIOD_MONTH || m->tou ? UINT32_MAX : m->days;
    }
    return days;
}

/* The first and last month in from..to that series s has rows for; false
 * when none. */
static bool series_span(const ledger_series *s, int from, int to, int *first, int *last)
{
    bool any = false;
    for (size_t k = 0; k < s->n; k++) {
        int ord = s->marks[k].ord;
        if (ord < from || ord > to || s->marks[k].first_line == 0)
            continue;
        if (!any || ord < *first)
            *first = ord;
        if (!any || ord > *last)
            *last = ord;
        any = true;
    }
    return any;
}

/* Whether load meter s is expected to have rows in month ord: always when it
 * ran beside another load meter in some month (a second feeder), else only
 * inside its own months (a meter exchanged for another mid-year). */
static bool load_expected(const ledger_enterprise *e, const ledger_series *s, int ord, int from, int to)
{
    int f, l;
    if (!series_span(s, from, to, &f, &l))
        return false;
    for (size_t i = 0; i < e->nseries; i++) {
        const ledger_series *t = e->series[i];
        int tf, tl;
        if (t != s && t->source == SUPPLY_LOAD && series_span(t, from, to, &tf, &tl) && tf <= l && f <= tl)
            return true;
    }
    return f <= ord && ord <= l;
}

static void classify(const ledger_enterprise *e, int ord, int from, int to, struct role_month rm[SUPPLY__ROLES])
{
    memset(rm, 0, SUPPLY__ROLES * sizeof *rm);
    /* The load's days are those every load meter expected this month covers:
     * a second meter short of days (or absent this month) leaves the load short. */
    rm[SUPPLY_LOAD].days = UINT32_MAX;
    for (size_t si = 0; si < e->nseries; si++) {
        const ledger_series *s = e->series[si];
        if (s->source == SUPPLY_LOAD && load_expected(e, s, ord, from, to))
            rm[SUPPLY_LOAD].days &= series_days(s, ord);
    }
    for (size_t si = 0; si < e->nseries; si++) {
        const ledger_series *s = e->series[si];
        if (s->source == SUPPLY_CERTIFICATE)
            continue;
        struct role_month *r = &rm[s->source];
        if (s->source != SUPPLY_LOAD)
            r->days |= series_days(s, ord);
        for (size_t k = 0; k < s->n; k++) {
            const ledger_mark *m = &s->marks[k];
            if (m->ord != ord || m->first_line == 0)
                continue;
            uint32_t step = mark_interval(m);
            if (step > 0 && step <= 3600) {
                r->nhourly++;
                r->hourly_kwh += m->kwh;
                if (r->res == 0 || step < r->res)
                    r->res = step;
            } else {
                r->ncoarse++;
                if (m->granularity == PERIOD_TIME && !m->tou)
                    r->tainted = true;
            }
        }
    }
    /* Totals as booked (the ledger's month; a load meter only in marks). */
    const ledger_month *lm = ledger_month_find(e, ord);
    for (int s = 0; s < SUPPLY__COUNT; s++)
        rm[s].total_kwh = month_kwh(lm, s);
    rm[SUPPLY_LOAD].total_kwh = rm[SUPPLY_LOAD].hourly_kwh;
    for (int s = 0; s < SUPPLY__ROLES; s++) {
        struct role_month *r = &rm[s];
        if (r->tainted) { /* its hours are not hours: the whole role is monthly this month */
            r->nhourly = 0;
            r->hourly_kwh = 0;
        }
        double c = r->total_kwh - r->hourly_kwh;
        /* The same rows summed in two orders: a difference of rounding is no kWh. */
        r->coarse_kwh = (r->ncoarse == 0 || c < 1e-9 * (r->total_kwh > 1 ? r->total_kwh : 1)) ? 0 : c;
    }
}

/* ---- gaps inside days ---- */

static void list_gaps(const ledger *l, const ledger_enterprise *e, int from, int to, diag_list *dl)
{
    for (size_t si = 0; si < e->nseries; si++) {
        const ledger_series *s = e->series[si];
        if (s->source == SUPPLY_CERTIFICATE)
            continue;
        size_t ndays = 0, nslots = 0;
        bool lone_first = false; /* a day short of its 00:00 interval only */
        char list[400] = "";
        size_t len = 0;
        for (size_t k = 0; k < s->n; k++) {
            const ledger_mark *m = &s->marks[k];
            if (m->ord < from || m->ord > to || m->granularity != PERIOD_TIME || m->tou || m->res == 0 ||
                m->res >= 86400)
                continue;
            size_t words = ledger_mark_words(m);
            uint64_t *bits = xcalloc(words, sizeof *bits);
            ledger_mark_slots(m, bits);
            uint32_t step = mark_step(m, bits) / m->res; /* in slots */
            if (step * m->res > 3600) {
                free(bits);
                continue; /* not interval data: its month is monthly data */
            }
            /* Where the rows sit in their interval: stamps one second early
             * (00:14:59) are every interval all the same. */
            uint32_t phase = 0;
            for (size_t w = 0; w < words; w++)
                if (bits[w] != 0) {
                    phase = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits[w])) % step;
                    break;
                }
            uint32_t per_day = 86400 / m->res, base = m->end_label && phase == 0 ? step : phase;
            int dim = (int)(period_first_day(m->ord + 1) - period_first_day(m->ord));
            for (int d = 0; d < dim; d++) {
                if (!(m->days >> d & 1u))
                    continue; /* a whole day missing: said with the month's coverage */
                uint32_t missing = 0, first = 0;
                for (uint32_t j = 0; j < per_day; j += step) {
                    uint32_t slot = (uint32_t)d * per_day + j + base;
                    if (!(bits[slot / 64] >> (slot % 64) & 1u)) {
                        if (missing == 0)
                            first = j;
                        missing++;
                    }
                }
                if (missing == 0)
                    continue;
                lone_first |= missing == 1 && first == 0 && base == 0 && !m->end_label;
                ndays++;
                nslots += missing;
                if (len + 60 < sizeof list) {
                    uint32_t t = (first + base) * m->res;
                    len += (size_t)snprintf(list + len, sizeof list - len,
                                            "%s%04d-%02d-%02d (%u missing, the first at %02u:%02u)",
                                            len ? ", " : "", period_ord_year(m->ord), period_ord_month(m->ord),
                                            d + 1, missing, t / 3600, t % 3600 / 60);
                } else if (list[len - 1] != '.') {
                    len += (size_t)snprintf(list + len, sizeof list - len, ", ...");
                }
            }
            free(bits);
        }
        if (ndays == 0)
            continue;
        char who[200];
        if (s->meter[0] != '\0')
            snprintf(who, sizeof who, "meter %s (%s)", s->meter, supply_name(s->source));
        else
            snprintf(who, sizeof who, "the %s rows of this file", supply_name(s->source));
        diag_add_at(dl, DIAG_WARNING, l->inputs[s->file].path, 0, 0, e->id,
                    "enterprise %s: %s lack%s %zu interval%s on %zu day%s: %s; those intervals are missing from "
                    "the hours and months they belong to%s",
                    e->id, who, s->meter[0] ? "s" : "", nslots, nslots == 1 ? "" : "s", ndays,
                    ndays == 1 ? "" : "s", list,
                    lone_first ? " (only 00:00 missing on a day: is the export labelled by interval end, "
                                 "00:15..24:00 with 00:00 for the day's last interval? Then give "
                                 "--interval-label end)"
                               : "");
    }
}

/* ---- matching ---- */

static const char *fmt_kwh(char *buf, size_t size, double v)
{
    return numfmt_human(buf, size, v);
}

/* The grid meter against the load the green supply left (with a load meter). */
static void check_grid(const ledger_enterprise *e, hourly_month *hm, const hourly_block *b,
                       const struct role_month rm[SUPPLY__ROLES], double grid_used, bool carved, diag_list *dl)
{
    const struct role_month *g = &rm[SUPPLY_GRID];
    if (g->nhourly + g->ncoarse == 0 || !(hm->load_kwh > 0))
        return;
    char per[8], a[64], bb[64], c[64];
    period_format(hm->ord, per, sizeof per);
    double limit = 0.005 * hm->load_kwh;
    bool hourly = g->ncoarse == 0 && b->kwh[SUPPLY_GRID] != NULL && !carved && rm[SUPPLY_SUPPLIER].ncoarse == 0;
    if (!hourly) {
        double diff = fabs(g->total_kwh - grid_used);
        if (diff > limit)
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, %s: the grid meters give %s kWh, the load less the green supply leaves "
                         "%s kWh for the grid (%s kWh apart, more than 0.5 %% of the month's load); the load "
                         "meter's figure is used: check that every meter of the installation is in the files",
                         e->id, per, fmt_kwh(a, sizeof a, g->total_kwh), fmt_kwh(bb, sizeof bb, grid_used),
                         fmt_kwh(c, sizeof c, diff));
        return;
    }
    double sum = 0;
    struct {
        uint32_t h;
        double d;
    } worst[3] = {{0, 0}, {0, 0}, {0, 0}};
    for (uint32_t h = 0; h < hm->hours; h++) {
        double expect = hm->load_h[h] - hm->matched_h[h] - hourly_at(b, SUPPLY_SUPPLIER, h);
        double d = hourly_at(b, SUPPLY_GRID, h) - expect;
        sum += fabs(d);
        for (int k = 0; k < 3; k++)
            if (fabs(d) > fabs(worst[k].d)) {
                memmove(&worst[k + 1], &worst[k], (size_t)(2 - k) * sizeof worst[0]);
                worst[k].h = h;
                worst[k].d = d;
                break;
            }
    }
    if (!(sum > limit))
        return;
    char hours[200] = "";
    size_t len = 0;
    for (int k = 0; k < 3 && worst[k].d != 0; k++) {
        char v[64];
        uint32_t h = worst[k].h;
        len += (size_t)snprintf(hours + len, sizeof hours - len, "%s%s-%02u %02u:00 (%s%s kWh)", k ? ", " : "",
                                per, h / 24 + 1, h % 24, worst[k].d > 0 ? "+" : "",
                                fmt_kwh(v, sizeof v, worst[k].d));
    }
    diag_add_ent(dl, DIAG_WARNING, e->id,
                 "enterprise %s, %s: the grid meter differs from the load less the matched green supply by %s kWh "
                 "summed over the hours (more than 0.5 %% of the month's load of %s kWh); the largest "
                 "differences: %s; the load meter's figure is used: check the meters' clocks and that "
                 "every meter is in the files",
                 e->id, per, fmt_kwh(a, sizeof a, sum), fmt_kwh(bb, sizeof bb, hm->load_kwh), hours);
}

static void match_month(const ledger_enterprise *e, hourly_month *hm, const hourly_block *b,
                        const struct role_month rm[SUPPLY__ROLES], int from, int to, diag_list *dl)
{
    char per[8];
    period_format(hm->ord, per, sizeof per);
    bool have_load = rm[SUPPLY_LOAD].nhourly + rm[SUPPLY_LOAD].ncoarse > 0;
    int dim = (int)(hm->hours / 24);
    uint32_t month_days = dim >= 32 ? UINT32_MAX : ((uint32_t)1 << dim) - 1, others = 0;
    double supplied = 0;
    for (int s = 0; s < SUPPLY__ROLES; s++) {
        if (s == SUPPLY_LOAD || s == SUPPLY_CERTIFICATE)
            continue;
        others |= rm[s].days;
        if (s < SUPPLY__COUNT && supply_is_consumption((enum supply_source)s))
            supplied += rm[s].total_kwh;
    }
    others &= month_days;
    if ((have_load || rm[SUPPLY_LOAD].days != UINT32_MAX) && (others & ~rm[SUPPLY_LOAD].days) != 0) {
        /* The load would be too low for the days it lacks, and the grid
         * (what the load leaves) with it. Said per meter. */
        hm->reason = "the load meter has no rows for days the other meters cover this month";
        for (size_t si = 0; si < e->nseries; si++) {
            const ledger_series *s = e->series[si];
            if (s->source != SUPPLY_LOAD || !load_expected(e, s, hm->ord, from, to))
                continue;
            int lacking = __builtin_popcount(others & ~series_days(s, hm->ord));
            if (lacking == 0)
                continue;
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, %s: load meter %s has no rows for %d of the %d days the other meters "
                         "cover, so the month is not matched hour by hour (its monthly figures stand); a meter "
                         "added or removed during the period? report those months apart with --from/--to",
                         e->id, per, s->meter[0] ? s->meter : "(no id)", lacking, __builtin_popcount(others));
        }
        return;
    }
    if (have_load) {
        if (rm[SUPPLY_LOAD].tainted) {
            hm->reason = "the load meter's times this month are more than an hour apart: no hours to match";
            return;
        }
        if (rm[SUPPLY_LOAD].ncoarse > 0) {
            hm->reason = "the load meter has monthly or daily rows this month";
            return;
        }
        if (!(rm[SUPPLY_LOAD].hourly_kwh > 0) && supplied > 0) {
            hm->reason = "the load meter reads 0 kWh this month while the supply meters have kWh";
            return;
        }
    } else {
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (!supply_is_consumption((enum supply_source)s) || rm[s].ncoarse == 0)
                continue;
            hm->reason = "no load meter, and not every meter has hourly rows this month";
            return;
        }
    }
    bool any_green = false;
    for (int g = 0; g < HOURLY__GREEN; g++)
        any_green |= rm[green_order[g]].nhourly > 0 && b->kwh[green_order[g]] != NULL;
    if (!any_green) {
        bool tainted = false;
        for (int g = 0; g < HOURLY__GREEN; g++)
            tainted |= rm[green_order[g]].tainted;
        hm->reason = tainted ? "the green sources' rows this month are more than an hour apart (daily values "
                               "written with a time?)"
                             : "no green source has hourly rows this month";
        return;
    }

    hm->matched = true;
    hm->load_h = xcalloc(hm->hours, sizeof *hm->load_h);
    hm->matched_h = xcalloc(hm->hours, sizeof *hm->matched_h);
    hm->block = b;
    for (int g = 0; g < HOURLY__GREEN; g++) {
        enum supply_source src = green_order[g];
        hm->has_supply[g] = rm[src].nhourly > 0 && b->kwh[src] != NULL;
    }
    for (uint32_t h = 0; h < hm->hours; h++) {
        double load = 0;
        if (have_load) {
            load = hourly_at(b, SUPPLY_LOAD, h);
        } else {
            for (int s = 0; s < SUPPLY__COUNT; s++)
                if (supply_is_consumption((enum supply_source)s))
                    load += hourly_at(b, (enum supply_source)s, h);
        }
        double filled = 0;
        for (int g = 0; g < HOURLY__GREEN; g++) {
            if (!hm->has_supply[g])
                continue;
            double sup = hourly_at(b, green_order[g], h);
            double room = load - filled;
            double m = sup < room ? sup : room;
            if (m < 0)
                m = 0; /* a negative reading (export on a bidirectional meter) fills nothing */
            hm->supply_kwh[g] += sup;
            hm->matched_kwh[g] += m;
            hm->surplus_kwh[g] += sup - m;
            filled += m;
        }
        hm->load_h[h] = load;
        hm->matched_h[h] = filled;
        hm->load_kwh += load;
        hm->unmatched_kwh += load - filled;
    }
    double supply = 0, matched = 0;
    for (int g = 0; g < HOURLY__GREEN; g++) {
        supply += hm->supply_kwh[g];
        matched += hm->matched_kwh[g];
    }
    if (hm->load_kwh > 0) {
        hm->has_share = true;
        hm->matched_share = matched / hm->load_kwh;
        hm->volumetric_share = supply >= hm->load_kwh ? 1.0 : supply / hm->load_kwh;
    }

    /* The month's kWh vector. */
    hm->supplier_scale = 1.0;
    hm->kwh[SUPPLY_CERTIFICATE] = rm[SUPPLY_CERTIFICATE].total_kwh;
    if (!have_load) {
        /* Everything delivered was metered by the hour: all of it is matched,
         * and the month's figures are the monthly method's. */
        for (int s = 0; s < SUPPLY__COUNT; s++)
            hm->kwh[s] = rm[s].total_kwh;
        return;
    }
    for (int g = 0; g < HOURLY__GREEN; g++)
        hm->kwh[green_order[g]] = hm->has_supply[g] ? hm->matched_kwh[g] : 0;
    /* Monthly rows of other consumption sources are parts of the unmatched
     * load; what is left is grid. */
    /* The green sources in matching order (so carve[i] is green_order[i]), then supplier. */
    static const enum supply_source carve[HOURLY__GREEN + 1] = {SUPPLY_ONSITE, SUPPLY_GREEN_DIRECT,
                                                                SUPPLY_GREEN_PPA, SUPPLY_GREEN_TRADE, SUPPLY_SUPPLIER};
    double left = hm->unmatched_kwh;
    bool carved = false;
    for (size_t i = 0; i < sizeof carve / sizeof carve[0]; i++) {
        enum supply_source s = carve[i];
        double want = rm[s].coarse_kwh;
        if (s == SUPPLY_SUPPLIER || !hm->has_supply[i])
            want = rm[s].total_kwh; /* not in the matching, or no hourly rows this month */
        if (!(want > 0))
            continue;
        carved |= s != SUPPLY_SUPPLIER;
        if (s == SUPPLY_GREEN_DIRECT || s == SUPPLY_GREEN_PPA)
            hm->monthly_direct_ppa = true;
        double take = want < left ? want : left;
        if (take < want - 1e-6 * want) {
            char a[64], c[64];
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, %s: the %s rows not matched by the hour give %s kWh, but only %s kWh of the load are left "
                         "after the hourly green supply and the sources before it; only those are counted: check "
                         "the load meter and the %s rows",
                         e->id, per, supply_name(s), fmt_kwh(a, sizeof a, want), fmt_kwh(c, sizeof c, left),
                         supply_name(s));
        }
        hm->kwh[s] += take;
        left -= take;
        if (s == SUPPLY_SUPPLIER && rm[s].total_kwh > 0)
            hm->supplier_scale = take / rm[s].total_kwh;
    }
    hm->kwh[SUPPLY_GRID] = left > 0 ? left : 0;
    check_grid(e, hm, b, rm, hm->kwh[SUPPLY_GRID], carved, dl);
}

hourly_ent *hourly_match(const ledger *l, const ledger_enterprise *e, int from, int to, diag_list *dl)
{
    const hourly_store *hs = e->hourly;
    if (hs == NULL)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < hs->n; i++)
        n += hs->blocks[i].ord >= from && hs->blocks[i].ord <= to;
    if (n == 0)
        return NULL;
    list_gaps(l, e, from, to, dl);
    hourly_ent *h = xcalloc(1, sizeof *h);
    h->months = xcalloc(n, sizeof *h->months);
    uint32_t res = 0;
    double days = 0;
    for (size_t i = 0; i < hs->n; i++) {
        const hourly_block *b = &hs->blocks[i];
        if (b->ord < from || b->ord > to)
            continue;
        hourly_month *hm = &h->months[h->nmonths++];
        hm->ord = b->ord;
        hm->hours = (uint32_t)(period_first_day(b->ord + 1) - period_first_day(b->ord)) * 24;
        struct role_month rm[SUPPLY__ROLES];
        classify(e, b->ord, from, to, rm);
        for (int s = 0; s < SUPPLY__ROLES; s++)
            if (rm[s].nhourly > 0 && (res == 0 || rm[s].res < res))
                res = rm[s].res;
        match_month(e, hm, b, rm, from, to, dl);
        if (!hm->matched)
            continue;
        h->nmatched++;
        h->hours += hm->hours;
        h->load_kwh += hm->load_kwh;
        h->unmatched_kwh += hm->unmatched_kwh;
        for (int g = 0; g < HOURLY__GREEN; g++) {
            h->supply_kwh[g] += hm->supply_kwh[g];
            h->matched_kwh[g] += hm->matched_kwh[g];
            h->surplus_kwh[g] += hm->surplus_kwh[g];
        }
        days += hm->hours / 24;
        for (uint32_t k = 0; k < hm->hours; k++) {
            h->day_load[k % 24] += hm->load_h[k];
            h->day_matched[k % 24] += hm->matched_h[k];
            for (int g = 0; g < HOURLY__GREEN; g++)
                if (hm->has_supply[g])
                    h->day_supply[g][k % 24] += hourly_at(b, green_order[g], k);
        }
    }
    h->interval_minutes = res ? res / 60 : 60;
    if (days > 0)
        for (int k = 0; k < 24; k++) {
            h->day_load[k] /= days;
            h->day_matched[k] /= days;
            for (int g = 0; g < HOURLY__GREEN; g++)
                h->day_supply[g][k] /= days;
        }
    if (h->load_kwh > 0) {
        double supply = 0, matched = 0;
        for (int g = 0; g < HOURLY__GREEN; g++) {
            supply += h->supply_kwh[g];
            matched += h->matched_kwh[g];
        }
        h->has_share = true;
        h->matched_share = matched / h->load_kwh;
        h->volumetric_share = supply >= h->load_kwh ? 1.0 : supply / h->load_kwh;
    }
    return h;
}

void hourly_check_load(const ledger_enterprise *e, const hourly_ent *h, int from, int to, diag_list *dl)
{
    for (int ord = from; ord <= to; ord++) {
        if (hourly_matched_month(h, ord) != NULL)
            continue;
        double load = 0;
        bool any = false;
        for (size_t si = 0; si < e->nseries; si++) {
            const ledger_series *s = e->series[si];
            if (s->source != SUPPLY_LOAD)
                continue;
            for (size_t k = 0; k < s->n; k++)
                if (s->marks[k].ord == ord && s->marks[k].first_line != 0) {
                    load += s->marks[k].kwh;
                    any = true;
                }
        }
        if (!any)
            continue;
        double supply = 0;
        const ledger_month *lm = ledger_month_find(e, ord);
        for (int src = 0; src < SUPPLY__COUNT; src++)
            if (supply_is_consumption((enum supply_source)src))
                supply += month_kwh(lm, src);
        double big = load > supply ? load : supply;
        if (!(fabs(load - supply) > 0.005 * big))
            continue;
        char per[8], a[64], b[64];
        period_format(ord, per, sizeof per);
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s, %s: the load meter gives %s kWh, the supply meters %s kWh (more than 0.5 %% "
                     "apart); the figures use the supply meters, as this month is not matched hour by hour: %s",
                     e->id, per, fmt_kwh(a, sizeof a, load), fmt_kwh(b, sizeof b, supply),
                     load > supply ? "a supply meter may be missing from the files"
                                   : "a direct line or PV may have exported part of its power (hourly rows of "
                                     "the load and the green supply would show how much), or a supply meter "
                                     "is counted twice");
    }
}

const hourly_month *hourly_matched_month(const hourly_ent *h, int ord)
{
    if (h == NULL)
        return NULL;
    for (size_t i = 0; i < h->nmonths; i++)
        if (h->months[i].ord == ord)
            return h->months[i].matched ? &h->months[i] : NULL;
    return NULL;
}

void hourly_ent_drop_hours(hourly_ent *h)
{
    for (size_t i = 0; h != NULL && i < h->nmonths; i++) {
        free(h->months[i].load_h);
        free(h->months[i].matched_h);
        h->months[i].load_h = h->months[i].matched_h = NULL;
    }
}

void hourly_ent_free(hourly_ent *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->nmonths; i++) {
        free(h->months[i].load_h);
        free(h->months[i].matched_h);
    }
    free(h->months);
    free(h);
}
