/* allocate.c - emissions per enterprise, month and product (see allocate.h). */
#include "config.h"
#include "allocate.h"
#include "cbamcost.h"
#include "cbamgoods.h"
#include "intensity.h"
#include "numfmt.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

alloc_em alloc_emissions(const double kwh[SUPPLY__COUNT], double supplier_kg, double coverage,
                         const alloc_factors *f)
{
    double loc_kwh = 0, cbam_kwh = 0;
    for (int s = 0; s < SUPPLY__COUNT; s++) {
        if (supply_location_counts((enum supply_source)s))
            loc_kwh += kwh[s];
        if (supply_cbam_grid((enum supply_source)s))
            cbam_kwh += kwh[s];
    }
    alloc_em em;
    em.location = f->location->value * loc_kwh / 1000.0;
    em.market = (f->residual->value * kwh[SUPPLY_GRID] * (1.0 - coverage) + supplier_kg) / 1000.0;
    em.cbam = f->cbam->value * cbam_kwh / 1000.0;
    return em;
}

const char *alloc_cbam_code(const double kwh[SUPPLY__COUNT], const char *grid_code)
{
    const char *code = NULL;
    for (int s = 0; s < SUPPLY__COUNT; s++) {
        enum supply_source src = (enum supply_source)s;
        if (!supply_is_consumption(src) || !(kwh[s] > 0))
            continue;
        const char *c = supply_cbam_grid(src) ? grid_code : supply_cbam_code(src);
        if (code == NULL)
            code = c;
        else if (strcmp(code, c) != 0)
            return "Mix";
    }
    return code;
}

static void em_add(alloc_em *a, alloc_em b)
{
    a->location += b.location;
    a->market += b.market;
    a->cbam += b.cbam;
}

/* ---- factor choice, once per enterprise and data year ---- */

struct year_factors {
    int year;
    alloc_factors f;
};

struct resolver {
    const factors_db *db;
    const alloc_opts *o;
    diag_list *dl;
    const ledger_enterprise *e;
    struct year_factors *years;
    size_t nyears;
    bool failed;
};

static const factor *pick(struct resolver *r, enum factor_kind kind, const char *region, int year,
                          const char *what)
{
    const factor *f = factors_lookup(r->db, kind, r->e->country, region, year);
    if (f != NULL && f->year != year)
        diag_add_ent(r->dl, DIAG_WARNING, r->e->id,
                     "enterprise %s: no %d %s factor is published; using %d (%s), the latest before it",
                     r->e->id, year, what, f->year, f->id);
    return f;
}

static bool resolve_year(struct resolver *r, int year, alloc_factors *out)
{
    for (size_t i = 0; i < r->nyears; i++) {
        if (r->years[i].year == year) {
            *out = r->years[i].f;
            return out->location != NULL;
        }
    }
    const ledger_enterprise *e = r->e;
    alloc_factors f = {0};

    if (r->o->grid_override != NULL) {
        f.location = r->o->grid_override;
    } else {
        if (e->province != NULL)
            f.location = pick(r, FACTOR_GRID_AVERAGE, e->province, year, e->province);
        if (f.location == NULL) {
            f.location = pick(r, FACTOR_GRID_AVERAGE, NULL, year, "national average");
            if (f.location != NULL && r->nyears == 0)
                diag_add_ent(r->dl, DIAG_WARNING, e->id,
                             "enterprise %s: %s; the location-based figure uses the national average %s",
                             e->id,
                             e->province_text ? "its province has no factor table"
                                              : "no province is known (give it in the enterprises file)",
                             f.location->id);
        }
        if (f.location == NULL) {
            diag_add_ent(r->dl, DIAG_ERROR, e->id,
                         "enterprise %s: no location-based grid factor for country %s in %d or "
                         "earlier; give one with --grid-factor ID|VALUE",
                         e->id, e->country, year);
            r->failed = true;
        }
    }

    if (r->o->residual_override != NULL) {
        f.residual = r->o->residual_override;
    } else {
        f.residual = pick(r, FACTOR_GRID_RESIDUAL, NULL, year, "residual-mix");
        if (f.residual == NULL && f.location != NULL) {
            f.residual = f.location;
            if (r->nyears == 0)
                diag_add_ent(r->dl, DIAG_WARNING, e->id,
                             "enterprise %s: no residual-mix factor for country %s; the market-based "
                             "figure uses the location factor %s (GHG Protocol fallback)",
                             e->id, e->country, f.location->id);
        }
    }

    if (r->o->cbam_override != NULL) {
        f.cbam = r->o->cbam_override;
        f.cbam_grid_code = f.cbam->kind == FACTOR_CBAM_DEFAULT ? "D.4(a)" : "D.4(b)";
    } else {
        /* The Commission's defaults are not per data year: take the newest. */
        f.cbam = factors_lookup(r->db, FACTOR_CBAM_DEFAULT, e->country, NULL, PERIOD_YEAR_MAX);
        if (f.cbam == NULL) {
            f.cbam = factors_lookup(r->db, FACTOR_CBAM_DEFAULT, "*", NULL, PERIOD_YEAR_MAX);
            if (f.cbam != NULL && r->nyears == 0)
                diag_add_ent(r->dl, DIAG_WARNING, e->id,
                             "enterprise %s: no CBAM default factor for country %s; using %s (other "
                             "countries and territories)",
                             e->id, e->country, f.cbam->id);
        }
        f.cbam_grid_code = "D.4(a)";
        if (f.cbam == NULL) {
            diag_add_ent(r->dl, DIAG_ERROR, e->id,
                         "enterprise %s: no CBAM grid factor; give one with --cbam-grid-factor", e->id);
            r->failed = true;
        }
    }
    if (f.location == NULL || f.residual == NULL || f.cbam == NULL)
        f.location = f.residual = f.cbam = NULL;

    r->years = xreallocarray(r->years, r->nyears + 1, sizeof *r->years);
    r->years[r->nyears].year = year;
    r->years[r->nyears].f = f;
    r->nyears++;
    *out = f;
    return f.location != NULL;
}

/* ---- one enterprise ---- */

static int cmp_ent(const void *a, const void *b)
{
    const ledger_enterprise *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

static const ledger_enterprise *sort_products_of;
static int cmp_product(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return strcmp(sort_products_of->products[x].id, sort_products_of->products[y].id);
}

/* Months with data: [lo, hi] over electricity and production. */
static bool data_range(const ledger_enterprise *e, int *lo, int *hi)
{
    bool any = false;
    for (size_t i = 0; i < e->nmonths; i++) {
        const ledger_month *m = &e->months[i];
        bool prod = false;
        for (size_t p = 0; p < m->ncells; p++)
            prod |= m->cells[p].has_production;
        if (!m->has_electricity && !prod)
            continue;
        int ord = m->ord;
        if (!any || ord < *lo)
            *lo = ord;
        if (!any || ord > *hi)
            *hi = ord;
        any = true;
    }
    return any;
}

/* Annual production of product p in year (tonnes), or -1 when none was given. */
static double annual_of(const ledger_enterprise *e, size_t p, int year)
{
    for (size_t i = 0; i < e->nannual; i++)
        if (e->annual[i].product == p && e->annual[i].year == year)
            return e->annual[i].quantity_t;
    return -1;
}

static bool has_annual(const ledger_enterprise *e, int year)
{
    for (size_t i = 0; i < e->nannual; i++)
        if (e->annual[i].year == year)
            return true;
    return false;
}

/* A matched month (hourly.h): its kWh vector replaces the monthly totals;
 * sub-metered products keep theirs and the shared pool is the rest. False
 * (reported) when the sub-meters claim more of a source than the month has. */
static bool hourly_pool(const alloc_enterprise *ae, const alloc_month *am, const ledger_month *m,
                        const hourly_month *hm, double pool[SUPPLY__COUNT], double *pool_kg, diag_list *dl)
{
    for (int s = 0; s < SUPPLY__COUNT; s++) {
        double sub = 0;
        for (size_t p = 0; p < m->ncells && p < ae->e->nproducts; p++)
            sub += m->cells[p].sub_kwh[s];
        double rest = hm->kwh[s] - sub;
        if (rest < 0 && rest > -1e-9 * (hm->kwh[s] > 1 ? hm->kwh[s] : 1))
            rest = 0; /* the same kWh summed in another order */
        if (rest < 0) {
            char per[8], a[64], b[64];
            period_format(am->ord, per, sizeof per);
            diag_add_ent(dl, DIAG_ERROR, ae->e->id,
                         "enterprise %s, %s: the products' sub-meters give %s kWh of %s, but the hour-by-hour "
                         "matching leaves %s kWh of it for the whole installation; expected the sub-meters to "
                         "be part of the load meter%s",
                         ae->e->id, per, numfmt_human(a, sizeof a, sub), supply_name((enum supply_source)s),
                         numfmt_human(b, sizeof b, hm->kwh[s]),
                         supply_is_green((enum supply_source)s)
                             ? " (give green supply at enterprise level, without a product_id, when part of it "
                               "was exported)"
                             : " (check that the load meter measures the whole installation)");
            return false;
        }
        pool[s] = rest;
    }
    /* Supplier kWh cut to what the load leaves: their kg alike. */
    double given = m->pool_kwh[SUPPLY_SUPPLIER];
    *pool_kg = given > 0 ? m->pool_supplier_kg * pool[SUPPLY_SUPPLIER] / given : m->pool_supplier_kg;
    return true;
}

static bool compute_month(alloc_enterprise *ae, alloc_month *am, const ledger_month *m, diag_list *dl)
{
    const ledger_enterprise *e = ae->e;
    size_t np = e->nproducts;
    char per[8];
    period_format(am->ord, per, sizeof per);
    am->products = xcalloc(np ? np : 1, sizeof *am->products);
    if (m == NULL)
        return true;
    am->has_electricity = m->has_electricity;

    const hourly_month *hm = hourly_matched_month(ae->hourly, am->ord);
    double pool_kwh[SUPPLY__COUNT];
    double pool_kg = m->pool_supplier_kg;
    memcpy(pool_kwh, m->pool_kwh, sizeof pool_kwh);
    if (hm != NULL) {
        if (!hourly_pool(ae, am, m, hm, pool_kwh, &pool_kg, dl))
            return false;
        am->hourly = true;
    }

    double total[SUPPLY__COUNT] = {0};
    double supplier_kg = pool_kg;
    double mass = 0;
    for (int s = 0; s < SUPPLY__COUNT; s++)
        total[s] = pool_kwh[s];
    for (size_t p = 0; p < m->ncells && p < np; p++) {
        const ledger_cell *c = &m->cells[p];
        for (int s = 0; s < SUPPLY__COUNT; s++)
            total[s] += c->sub_kwh[s];
        supplier_kg += c->sub_supplier_kg;
        if (c->has_production) {
            am->has_production = true;
            mass += c->quantity_t;
        }
    }
    if (hm != NULL) /* the vector itself, not the sum of its parts again */
        memcpy(total, hm->kwh, sizeof total);
    /* A year given as annual production: the month's shared kWh are split by
     * the year's tonnes (the same shares every month; no tonnes are put in
     * any month). alloc_annual_check() made sure the year is whole. */
    int year = period_ord_year(am->ord);
    bool annual = !am->has_production && has_annual(e, year);
    double annual_mass = 0;
    if (annual) {
        for (size_t p = 0; p < np; p++) {
            double t = annual_of(e, p, year);
            annual_mass += t > 0 ? t : 0;
        }
        annual = annual_mass > 0;
        am->has_production = annual;
    }
    double grid = total[SUPPLY_GRID], certs = total[SUPPLY_CERTIFICATE];
    double used = certs < grid ? certs : grid;
    double coverage = grid > 0 ? used / grid : 0.0;
    if (certs > grid) {
        char a[64], b[64], c[64];
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s, %s: certificates for %s kWh exceed the grid purchase of %s kWh; %s kWh of "
                     "certificates are not used",
                     e->id, per, numfmt_human(a, sizeof a, certs), numfmt_human(b, sizeof b, grid),
                     numfmt_human(c, sizeof c, certs - grid));
    }

    memcpy(am->kwh.source, total, sizeof total);
    am->kwh.certificates_used = used;
    for (int s = 0; s < SUPPLY__COUNT; s++)
        if (supply_is_consumption((enum supply_source)s))
            am->kwh.consumption += total[s];
    am->supplier_kg = supplier_kg;
    am->em = alloc_emissions(total, supplier_kg, coverage, &am->f);

    /* Shared kWh: by production mass, or unallocated when nothing was produced. */
    const double *pool = pool_kwh;
    for (size_t p = 0; p < np; p++) {
        const ledger_cell *c = p < m->ncells ? &m->cells[p] : NULL;
        alloc_product_month *pm = &am->products[p];
        double share = (c != NULL && c->has_production && mass > 0) ? c->quantity_t / mass : 0.0;
        if (annual) {
            double t = annual_of(e, p, year);
            share = t > 0 ? t / annual_mass : 0.0;
        }
        double k[SUPPLY__COUNT] = {0};
        double kg = 0;
        pm->share = share;
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (!supply_is_consumption((enum supply_source)s))
                continue;
            double sub = c ? c->sub_kwh[s] : 0.0;
            double alloc = pool[s] * share;
            k[s] = sub + alloc;
            pm->kwh_sub += sub;
            pm->kwh_alloc += alloc;
        }
        kg = (c ? c->sub_supplier_kg : 0.0) + pool_kg * share;
        pm->quantity_t = c && c->has_production ? c->quantity_t : 0.0;
        pm->in_see = c && c->has_production && m->has_electricity;
        memcpy(pm->kwh, k, sizeof k);
        pm->supplier_kg = kg;
        pm->em = alloc_emissions(k, kg, coverage, &am->f);

        alloc_product *ap = &ae->products[p];
        ap->quantity_t += pm->quantity_t;
        if (pm->in_see)
            ap->quantity_see_t += pm->quantity_t;
        else if (c && c->has_production)
            ap->months_without_electricity++;
        ap->kwh_sub += pm->kwh_sub;
        ap->kwh_alloc += pm->kwh_alloc;
        for (int s = 0; s < SUPPLY__COUNT; s++)
            ap->kwh_source[s] += k[s];
        em_add(&ap->em, pm->em);
    }
    if (!(mass > 0) && !annual) {
        double k[SUPPLY__COUNT] = {0};
        double pool_consumption = 0;
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (supply_is_consumption((enum supply_source)s)) {
                k[s] = pool[s];
                pool_consumption += pool[s];
            }
        }
        am->kwh.unallocated = pool_consumption;
        memcpy(am->unallocated_kwh, k, sizeof k);
        am->unallocated_supplier_kg = pool_kg;
        am->unallocated_em = alloc_emissions(k, pool_kg, coverage, &am->f);
        char a[64];
        if (pool_consumption > 0 && np > 0)
            diag_add_ent(dl, DIAG_WARNING, e->id, "enterprise %s, %s: no production this month; %s kWh stay unallocated",
                         e->id, per, numfmt_human(a, sizeof a, pool_consumption));
    }
    return true;
}

/* Months with production but no electricity: left out of SEE, said once with
 * their tonnes, so a bill for part of the year cannot dilute SEE silently. */
static void list_months_without_electricity(const alloc_enterprise *ae, diag_list *dl)
{
    char list[600] = "";
    size_t len = 0, n = 0;
    double tonnes = 0;
    for (size_t i = 0; i < ae->nmonths; i++) {
        const alloc_month *am = &ae->months[i];
        if (!am->has_production || am->has_electricity)
            continue;
        double t = 0;
        for (size_t p = 0; p < ae->nproducts; p++)
            t += am->products[p].quantity_t;
        tonnes += t;
        n++;
        char per[8], num[64];
        period_format(am->ord, per, sizeof per);
        numfmt_human(num, sizeof num, t);
        if (len + 80 < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s (%s t)", len ? ", " : "", per, num);
        else if (len + 6 < sizeof list && list[len - 1] != '.')
            len += (size_t)snprintf(list + len, sizeof list - len, ", ...");
    }
    if (n == 0)
        return;
    char num[64];
    numfmt_human(num, sizeof num, tonnes);
    diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                 "enterprise %s: production but no electricity in %zu month%s: %s; these %s t are left out of "
                 "the specific emissions (SEE uses only months with both electricity and production); give "
                 "the electricity of those months or report a shorter period (--from/--to)",
                 ae->e->id, n, n == 1 ? "" : "s", list, num);
}

/* Annual production is used only when the electricity covers that whole
 * year, inside the period, and no month of the year has monthly production:
 * otherwise SEE would mix a year's tonnes with part of its electricity. */
static bool annual_check(const ledger_enterprise *e, int from, int to, bool period_given, diag_list *dl)
{
    bool ok = true;
    for (size_t i = 0; i < e->nannual; i++) {
        const ledger_annual *a = &e->annual[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = e->annual[j].year == a->year;
        if (seen)
            continue;
        int y0 = period_ord(a->year, 1), y1 = period_ord(a->year, 12);
        char missing[200] = "";
        size_t len = 0, nmissing = 0;
        bool monthly = false;
        for (int ord = y0; ord <= y1; ord++) {
            const ledger_month *m = ledger_month_find(e, ord);
            for (size_t p = 0; m != NULL && p < m->ncells; p++)
                monthly |= m->cells[p].has_production;
            if (m == NULL || !m->has_electricity) {
                char per[8];
                period_format(ord, per, sizeof per);
                if (len + 10 < sizeof missing)
                    len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s", len ? ", " : "", per);
                nmissing++;
            }
        }
        if (monthly) {
            diag_add_ent(dl, DIAG_ERROR, e->id,
                         "enterprise %s: production for %d is given both for the whole year and for months; "
                         "expected one or the other",
                         e->id, a->year);
            ok = false;
        } else if ((y0 < from || y1 > to) && (period_given || nmissing == 0)) {
            char f[8], t[8];
            period_format(from, f, sizeof f);
            period_format(to, t, sizeof t);
            diag_add_ent(dl, DIAG_ERROR, e->id,
                         "enterprise %s: production for the whole year %d cannot be used for the period %s..%s: "
                         "a year's tonnes cannot be split into months; report the whole year (--year %d) or "
                         "give monthly production",
                         e->id, a->year, f, t, a->year);
            ok = false;
        } else if (nmissing > 0) {
            diag_add_ent(dl, DIAG_ERROR, e->id,
                         "enterprise %s: production is given for the whole year %d, but the electricity does not "
                         "cover that year: no electricity for %zu month%s (%s); give every month's electricity "
                         "or monthly production (a year's tonnes are never split into months)",
                         e->id, a->year, nmissing, nmissing == 1 ? "" : "s", missing);
            ok = false;
        } else {
            diag_add_ent(dl, DIAG_NOTE, e->id,
                         "enterprise %s: production for %d is annual: SEE is over the whole year; the months' "
                         "shared kWh are split by the year's tonnes, and no tonnes are shown per month",
                         e->id, a->year);
        }
    }
    return ok;
}

/* Keeps a period-level factor only while every month agrees. */
static void merge_factor(const factor **acc, const factor *f, bool *first)
{
    if (*first)
        *acc = f;
    else if (*acc != f)
        *acc = NULL;
}

static void list_missing_months(const alloc_enterprise *ae, diag_list *dl)
{
    char list[512] = "";
    size_t len = 0, n = 0;
    for (size_t i = 0; i < ae->nmonths; i++) {
        if (ae->months[i].has_electricity)
            continue;
        n++;
        char per[8];
        period_format(ae->months[i].ord, per, sizeof per);
        if (len + 12 < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", per);
        }
    }
    if (n > 0)
        diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                     "enterprise %s: no electricity rows for %zu month%s inside the period: %s", ae->e->id, n,
                     n == 1 ? "" : "s", list);
}

/* Every month of the period in which a meter has no rows: the usual cause
 * is a missing export or a feeder left out, which would make the month's
 * electricity too low without a word. Certificates are claims, not meters. */
static void list_meter_gaps(const ledger *l, const alloc_enterprise *ae, diag_list *dl)
{
    for (size_t si = 0; si < ae->e->nseries; si++) {
        const ledger_series *s = ae->e->series[si];
        if (s->source == SUPPLY_CERTIFICATE)
            continue;
        char list[400] = "";
        size_t len = 0, n = 0;
        for (int ord = ae->from_ord; ord <= ae->to_ord; ord++) {
            bool present = false;
            for (size_t k = 0; k < s->n && !present; k++)
                present = s->marks[k].ord == ord;
            if (present)
                continue;
            char per[8];
            period_format(ord, per, sizeof per);
            if (len + 12 < sizeof list)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", per);
            else if (list[len - 1] != '.')
                len += (size_t)snprintf(list + len, sizeof list - len, ", ...");
            n++;
        }
        /* Daily, interval and billed months that do not cover every day: an
         * export that stops on the 20th makes the month too low. */
        char partial[400] = "";
        size_t plen = 0, npartial = 0;
        for (size_t k = 0; k < s->n; k++) {
            const ledger_mark *m = &s->marks[k];
            if (m->ord < ae->from_ord || m->ord > ae->to_ord || m->granularity == PERIOD_MONTH || m->tou)
                continue;
            int dim = (int)(period_first_day(m->ord + 1) - period_first_day(m->ord));
            int covered = __builtin_popcount(m->days);
            if (covered >= dim)
                continue;
            char per[8];
            period_format(m->ord, per, sizeof per);
            if (plen + 40 < sizeof partial)
                plen += (size_t)snprintf(partial + plen, sizeof partial - plen, "%s%s (%d of %d days)",
                                         plen ? ", " : "", per, covered, dim);
            npartial++;
        }
        /* One format per case, so that each has its own Chinese text (msgzh.c). */
        const char *src = supply_name(s->source);
        const char *pl_part = npartial == 1 ? "" : "s", *pl_n = n == 1 ? "" : "s";
        const char *path = l->inputs[s->file].path;
        if (npartial > 0 && s->meter[0] != '\0')
            diag_add_at(dl, DIAG_WARNING, path, 0, 0, ae->e->id,
                        "enterprise %s: meter %s (%s) covers only part of %zu month%s: %s; the missing days are "
                        "missing from those months' electricity",
                        ae->e->id, s->meter, src, npartial, pl_part, partial);
        else if (npartial > 0)
            diag_add_at(dl, DIAG_WARNING, path, 0, 0, ae->e->id,
                        "enterprise %s: the %s rows of this file cover only part of %zu month%s: %s; the missing "
                        "days are missing from those months' electricity",
                        ae->e->id, src, npartial, pl_part, partial);
        if (n == 0)
            continue;
        if (s->meter[0] != '\0')
            diag_add_at(dl, DIAG_WARNING, path, 0, 0, ae->e->id,
                        "enterprise %s: meter %s (%s) has no rows for %zu month%s inside the period: %s; that "
                        "electricity is missing from those months unless it is really 0 (then give a row with 0)",
                        ae->e->id, s->meter, src, n, pl_n, list);
        else
            diag_add_at(dl, DIAG_WARNING, path, 0, 0, ae->e->id,
                        "enterprise %s: this file has no %s rows for %zu month%s inside the period: %s; that "
                        "electricity is missing from those months unless it is really 0 (then give a row with 0)",
                        ae->e->id, src, n, pl_n, list);
    }
}

/* Mass is a fair key between products of one process; between sectors
 * (cement and fertilisers, say) it is not. Said once per enterprise. */
static void check_sector_mix(alloc_enterprise *ae, diag_list *dl)
{
    const ledger_enterprise *e = ae->e;
    for (size_t i = 0; i < ae->nmonths; i++) {
        const alloc_month *am = &ae->months[i];
        const char *first = NULL, *first_id = NULL, *other = NULL, *other_id = NULL;
        for (size_t p = 0; p < ae->nproducts && other == NULL; p++) {
            if (!(am->products[p].share > 0) || !(am->products[p].kwh_alloc > 0))
                continue;
            cbamgoods_info g = cbamgoods_lookup(e->products[p].cn_code);
            if (g.sector == NULL)
                continue;
            if (first == NULL)
                first = g.sector, first_id = e->products[p].id;
            else if (strcmp(first, g.sector) != 0)
                other = g.sector, other_id = e->products[p].id;
        }
        if (other == NULL)
            continue;
        char per[8];
        period_format(am->ord, per, sizeof per);
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s: the shared kWh are split by production mass across different CBAM sectors "
                     "(from %s: %s %s, %s %s): mass is no fair key between unrelated processes; give each "
                     "product's sub-meter rows (a product_id column) or --product PRODUCT_ID after -e FILE for "
                     "a sub-meter's export",
                     e->id, per, first, first_id, other, other_id);
        return;
    }
}

/* MWh/t outside the literature's range for the product's CBAM category:
 * usually a unit slip (kg given as t, MWh as kWh). */
static void check_intensity(const alloc_enterprise *ae, diag_list *dl)
{
    for (size_t k = 0; k < ae->nproducts; k++) {
        const alloc_product *ap = &ae->products[ae->product_order[k]];
        if (!ap->has_see)
            continue;
        cbamgoods_info g = cbamgoods_lookup(ap->p->cn_code);
        const intensity_range *r = intensity_find(g.category);
        if (r == NULL || intensity_plausible(r, ap->mwh_per_t))
            continue;
        char v[64], lo[64], hi[64];
        numfmt_human(v, sizeof v, ap->mwh_per_t);
        numfmt_human(lo, sizeof lo, r->min_mwh_per_t);
        numfmt_human(hi, sizeof hi, r->max_mwh_per_t);
        diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                     "enterprise %s, product %s (%s): %s MWh/t is outside the plausible range %s to %s MWh/t "
                     "for its CBAM goods category (%s); check the units: production in t (not kg), electricity "
                     "in kWh (not MWh)",
                     ae->e->id, ap->p->id, r->category, v, lo, hi, r->source);
    }
}

/* Direct-line and PPA kWh that only monthly rows show: CBAM asks for the
 * one-hour match (IR 2025/2547 Annex II D.4.3). Hour-matched months are
 * demonstrated; the others are named. */
static void not_demonstrated(const alloc_enterprise *ae, diag_list *dl)
{
    char list[300] = "";
    size_t len = 0, n = 0, nhourly = 0, npartial = 0;
    for (size_t i = 0; i < ae->nmonths; i++) {
        const alloc_month *am = &ae->months[i];
        if (!(am->kwh.source[SUPPLY_GREEN_DIRECT] > 0 || am->kwh.source[SUPPLY_GREEN_PPA] > 0))
            continue;
        const hourly_month *hm = hourly_matched_month(ae->hourly, am->ord);
        if (hm != NULL && !hm->monthly_direct_ppa) {
            nhourly++;
            continue;
        }
        npartial += hm != NULL;
        char per[8];
        period_format(am->ord, per, sizeof per);
        if (len + 12 < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", per);
        n++;
    }
    if (n == 0)
        return;
    if (npartial == n)
        diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                     "enterprise %s: %zu hour-matched month%s (%s) also %s direct-line or PPA kWh from monthly "
                     "rows: for those kWh the one-hour match (IR 2025/2547 Annex II D.4.3) is not demonstrated; "
                     "give those meters' interval rows",
                     ae->e->id, n, n == 1 ? "" : "s", list, n == 1 ? "has" : "have");
    else if (nhourly == 0)
        diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                     "enterprise %s: monthly totals: the one-hour match required for direct-link/PPA "
                     "evidence (IR 2025/2547 Annex II D.4.3) is not demonstrated; keep the hourly "
                     "meter data as evidence, or give it (interval rows and a load meter) to match hour by hour",
                     ae->e->id);
    else
        diag_add_ent(dl, DIAG_WARNING, ae->e->id,
                     "enterprise %s: monthly totals in %zu month%s (%s): the one-hour match required for "
                     "direct-link/PPA evidence (IR 2025/2547 Annex II D.4.3) is not demonstrated for their "
                     "monthly direct-line/PPA rows; the other months are matched hour by hour",
                     ae->e->id, n, n == 1 ? "" : "s", list);
}

static bool compute_enterprise(alloc_enterprise *ae, const ledger *l, const ledger_enterprise *e, int from,
                               int to, struct resolver *r, bool have_registry, diag_list *dl)
{
    ae->e = e;
    ae->from_ord = from;
    ae->to_ord = to;
    if (have_registry && !e->registered)
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s is not in the enterprises file: country CN and no province assumed",
                     e->id);

    size_t np = e->nproducts;
    ae->nproducts = np;
    ae->products = xcalloc(np ? np : 1, sizeof *ae->products);
    ae->product_order = xcalloc(np ? np : 1, sizeof *ae->product_order);
    for (size_t i = 0; i < np; i++)
        ae->product_order[i] = i;
    sort_products_of = e;
    qsort(ae->product_order, np, sizeof *ae->product_order, cmp_product);
    for (size_t i = 0; i < np; i++)
        ae->products[i].p = &e->products[i];

    ae->nmonths = (size_t)(to - from + 1);
    ae->months = xcalloc(ae->nmonths, sizeof *ae->months);
    if (!annual_check(e, from, to, r->o->from_ord != 0 && r->o->to_ord != 0, dl)) {
        for (size_t i = 0; i < ae->nmonths; i++)
            ae->months[i].products = xcalloc(np ? np : 1, sizeof *ae->months[i].products);
        return false;
    }
    for (size_t i = 0; i < e->nannual; i++) {
        ae->products[e->annual[i].product].quantity_t += e->annual[i].quantity_t;
        ae->products[e->annual[i].product].quantity_see_t += e->annual[i].quantity_t;
    }
    r->e = e;
    r->nyears = 0;
    bool ok = true, first = true;
    ae->hourly = hourly_match(l, e, from, to, dl);
    hourly_check_load(e, ae->hourly, from, to, dl);
    if (r->o->drop_hour_detail)
        hourly_ent_drop_hours(ae->hourly);
    for (size_t i = 0; i < ae->nmonths; i++) {
        alloc_month *am = &ae->months[i];
        am->ord = from + (int)i;
        if (!resolve_year(r, period_ord_year(am->ord), &am->f)) {
            ok = false;
            am->products = xcalloc(np ? np : 1, sizeof *am->products);
            continue;
        }
        if (!compute_month(ae, am, ledger_month_find(e, am->ord), dl))
            ok = false;
        merge_factor(&ae->f.location, am->f.location, &first);
        merge_factor(&ae->f.residual, am->f.residual, &first);
        merge_factor(&ae->f.cbam, am->f.cbam, &first);
        ae->f.cbam_grid_code = am->f.cbam_grid_code;
        first = false;
        for (int s = 0; s < SUPPLY__COUNT; s++)
            ae->kwh.source[s] += am->kwh.source[s];
        ae->kwh.certificates_used += am->kwh.certificates_used;
        ae->kwh.consumption += am->kwh.consumption;
        ae->kwh.unallocated += am->kwh.unallocated;
        em_add(&ae->em, am->em);
        em_add(&ae->unallocated_em, am->unallocated_em);
    }
    bool several_years = r->nyears > 1;
    free(r->years);
    r->years = NULL;
    r->nyears = 0;
    if (!ok)
        return false;
    if (several_years && (ae->f.location == NULL || ae->f.residual == NULL || ae->f.cbam == NULL))
        diag_add_ent(dl, DIAG_NOTE, e->id,
                     "enterprise %s: the period spans data years with different factors; each month "
                     "names its own, and a period-level factor that differs is left empty",
                     e->id);

    list_missing_months(ae, dl);
    list_meter_gaps(l, ae, dl);
    list_months_without_electricity(ae, dl);
    check_sector_mix(ae, dl);
    if (e->nsuppliers > 0) {
        char ids[200] = "";
        size_t len = 0;
        for (size_t i = 0; i < e->nsuppliers && len + 40 < sizeof ids; i++)
            len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%s", i ? ", " : "", e->suppliers[i]->id);
        diag_add_ent(dl, DIAG_NOTE, e->id,
                     "enterprise %s: the supplier factor %s counts for the market-based figure only; the CBAM "
                     "figure uses the grid factor for those kWh: CBAM accepts an actual factor only for a "
                     "direct technical link or a PPA (IR 2025/2547 Annex II D.4.3), and a park's blended factor "
                     "is neither unless the supply is from a generator on a direct technical link or under a "
                     "PPA with physical delivery",
                     e->id, ids);
    }
    if (ae->kwh.consumption > 0) {
        double green = 0;
        for (int s = 0; s < SUPPLY__COUNT; s++)
            if (supply_is_green((enum supply_source)s))
                green += ae->kwh.source[s];
        ae->has_green_share = true;
        ae->green_share = green / ae->kwh.consumption;
        ae->has_cbam_ef = true;
        ae->cbam_ef = ae->em.cbam / (ae->kwh.consumption / 1000.0);
    }
    ae->cbam_code = alloc_cbam_code(ae->kwh.source, ae->f.cbam_grid_code ? ae->f.cbam_grid_code : "D.4(a)");
    not_demonstrated(ae, dl);
    if (np == 0 && ae->kwh.consumption > 0)
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s: no production data; no kWh are attributed to products", e->id);

    for (size_t i = 0; i < np; i++) {
        alloc_product *ap = &ae->products[i];
        ap->kwh = ap->kwh_sub + ap->kwh_alloc;
        if (ap->quantity_see_t > 0) {
            ap->has_see = true;
            ap->see.location = ap->em.location / ap->quantity_see_t;
            ap->see.market = ap->em.market / ap->quantity_see_t;
            ap->see.cbam = ap->em.cbam / ap->quantity_see_t;
            ap->mwh_per_t = ap->kwh / 1000.0 / ap->quantity_see_t;
        } else if (ap->quantity_t > 0) {
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, product %s: production but no electricity in any of its months; "
                         "its specific emissions are undefined (null), not 0",
                         e->id, ap->p->id);
        } else {
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, product %s: no production in the period; its specific "
                         "emissions are undefined",
                         e->id, ap->p->id);
        }
        if (ap->kwh > 0) {
            ap->has_cbam_ef = true;
            ap->cbam_ef = ap->em.cbam / (ap->kwh / 1000.0);
        }
        ap->cbam_code =
            alloc_cbam_code(ap->kwh_source, ae->f.cbam_grid_code ? ae->f.cbam_grid_code : "D.4(a)");
    }
    check_intensity(ae, dl);
    return true;
}

static bool has_electricity(const ledger_enterprise *e)
{
    for (size_t i = 0; i < e->nmonths; i++)
        if (e->months[i].has_electricity)
            return true;
    return false;
}

static bool has_production(const ledger_enterprise *e)
{
    if (e->nannual > 0)
        return true;
    for (size_t i = 0; i < e->nmonths; i++)
        for (size_t p = 0; p < e->months[i].ncells; p++)
            if (e->months[i].cells[p].has_production)
                return true;
    return false;
}

/* Production under an id that has no electricity at all is most often the
 * same enterprise under another id (a name in one file, the 户号 in the
 * other): with exactly one enterprise that has electricity and no
 * production, that is an error that names it; otherwise a warning. */
static bool check_orphan_production(const ledger *l, diag_list *dl)
{
    const ledger_enterprise *candidate = NULL;
    size_t ncandidates = 0;
    for (size_t i = 0; i < l->nents; i++)
        if (has_electricity(l->ents[i]) && !has_production(l->ents[i])) {
            candidate = l->ents[i];
            ncandidates++;
        }
    bool ok = true;
    for (size_t i = 0; i < l->nents; i++) {
        const ledger_enterprise *e = l->ents[i];
        if (has_electricity(e) || !has_production(e))
            continue;
        if (ncandidates == 1) {
            diag_add_ent(dl, DIAG_ERROR, e->id,
                         "production is given for enterprise %s, which has no electricity at all; did you mean "
                         "%s (electricity but no production)? Use one id for the enterprise in every file",
                         e->id, candidate->id);
            ok = false;
        } else {
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "production is given for enterprise %s, which has no electricity at all: its products' "
                         "specific emissions are undefined (null); check that every file uses the same id",
                         e->id);
        }
    }
    return ok;
}

enum cbam_err alloc_run(const ledger *l, const factors_db *db, const alloc_opts *o, alloc_result *out,
                        diag_list *dl)
{
    memset(out, 0, sizeof *out);
    const ledger_enterprise **ents = xcalloc(l->nents ? l->nents : 1, sizeof *ents);
    size_t n = 0;
    bool have_registry = false;
    for (size_t i = 0; i < l->ninputs; i++)
        have_registry |= strcmp(l->inputs[i].role, "enterprises") == 0;
    for (size_t i = 0; i < l->nents; i++) {
        int lo, hi;
        if (data_range(l->ents[i], &lo, &hi))
            ents[n++] = l->ents[i];
    }
    qsort(ents, n, sizeof *ents, cmp_ent);

    out->ents = xcalloc(n ? n : 1, sizeof *out->ents);
    struct resolver r = {.db = db, .o = o, .dl = dl};
    enum cbam_err err = check_orphan_production(l, dl) ? CBAM_OK : CBAM_ERR_DATA;
    for (size_t i = 0; i < n; i++) {
        int lo = o->from_ord, hi = o->to_ord;
        if (lo == 0 || hi == 0) {
            int dlo, dhi;
            data_range(ents[i], &dlo, &dhi);
            if (lo == 0)
                lo = dlo;
            if (hi == 0)
                hi = dhi;
        }
        if (hi - lo + 1 > ALLOC_SPAN_MAX_MONTHS && (o->from_ord == 0 || o->to_ord == 0)) {
            char a[8], b[8];
            period_format(lo, a, sizeof a);
            period_format(hi, b, sizeof b);
            diag_add_ent(dl, DIAG_ERROR, ents[i]->id,
                         "enterprise %s has rows from %s to %s (%d months); a report covers at most %d years "
                         "unless --from and --to say otherwise: check the dates (a typo in a year?) or choose "
                         "the period with --from/--to or --year",
                         ents[i]->id, a, b, hi - lo + 1, ALLOC_SPAN_MAX_MONTHS / 12);
            err = CBAM_ERR_DATA;
            continue;
        }
        if (!compute_enterprise(&out->ents[out->n++], l, ents[i], lo, hi, &r, have_registry, dl))
            err = CBAM_ERR_DATA;
    }
    free(ents);
    return err;
}

void alloc_result_free(alloc_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        alloc_enterprise *ae = &r->ents[i];
        for (size_t m = 0; m < ae->nmonths; m++)
            free(ae->months[m].products);
        free(ae->months);
        free(ae->products);
        free(ae->product_order);
        hourly_ent_free(ae->hourly);
        if (ae->cost != NULL) {
            cbamcost_ent_free(ae->cost);
            free(ae->cost);
        }
    }
    free(r->ents);
    memset(r, 0, sizeof *r);
}
