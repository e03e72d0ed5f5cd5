/* allocate.c - emissions per enterprise, month and product (see allocate.h). */
#include "config.h"
#include "allocate.h"
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
            static const char other[3] = "*";
            for (size_t i = 0; i < factors_count(r->db); i++) {
                const factor *c = factors_at(r->db, i);
                if (c->kind == FACTOR_CBAM_DEFAULT && strcmp(c->country, other) == 0 &&
                    (f.cbam == NULL || c->year > f.cbam->year))
                    f.cbam = c;
            }
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

static void compute_month(alloc_enterprise *ae, alloc_month *am, const ledger_month *m, diag_list *dl)
{
    const ledger_enterprise *e = ae->e;
    size_t np = e->nproducts;
    char per[8];
    period_format(am->ord, per, sizeof per);
    am->products = xcalloc(np ? np : 1, sizeof *am->products);
    if (m == NULL)
        return;
    am->has_electricity = m->has_electricity;

    double total[SUPPLY__COUNT] = {0};
    double supplier_kg = m->pool_supplier_kg;
    double mass = 0;
    for (int s = 0; s < SUPPLY__COUNT; s++)
        total[s] = m->pool_kwh[s];
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
    double grid = total[SUPPLY_GRID], certs = total[SUPPLY_CERTIFICATE];
    double used = certs < grid ? certs : grid;
    double coverage = grid > 0 ? used / grid : 0.0;
    if (certs > grid)
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s, %s: certificates for %.17g kWh exceed the grid purchase of %.17g "
                     "kWh; %.17g kWh of certificates are not used",
                     e->id, per, certs, grid, certs - grid);

    memcpy(am->kwh.source, total, sizeof total);
    am->kwh.certificates_used = used;
    for (int s = 0; s < SUPPLY__COUNT; s++)
        if (supply_is_consumption((enum supply_source)s))
            am->kwh.consumption += total[s];
    am->supplier_kg = supplier_kg;
    am->em = alloc_emissions(total, supplier_kg, coverage, &am->f);

    /* Shared kWh: by production mass, or unallocated when nothing was produced. */
    const double *pool = m->pool_kwh;
    for (size_t p = 0; p < np; p++) {
        const ledger_cell *c = p < m->ncells ? &m->cells[p] : NULL;
        alloc_product_month *pm = &am->products[p];
        double share = (c != NULL && c->has_production && mass > 0) ? c->quantity_t / mass : 0.0;
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
        kg = (c ? c->sub_supplier_kg : 0.0) + m->pool_supplier_kg * share;
        pm->quantity_t = c && c->has_production ? c->quantity_t : 0.0;
        pm->in_see = c && c->has_production && m->has_electricity;
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
    if (!(mass > 0)) {
        double k[SUPPLY__COUNT] = {0};
        double pool_consumption = 0;
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (supply_is_consumption((enum supply_source)s)) {
                k[s] = pool[s];
                pool_consumption += pool[s];
            }
        }
        am->kwh.unallocated = pool_consumption;
        am->unallocated_em = alloc_emissions(k, m->pool_supplier_kg, coverage, &am->f);
        if (pool_consumption > 0 && np > 0)
            diag_add_ent(dl, DIAG_WARNING, e->id,
                         "enterprise %s, %s: no production this month; %.17g kWh stay unallocated", e->id,
                         per, pool_consumption);
    }
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

static bool compute_enterprise(alloc_enterprise *ae, const ledger_enterprise *e, int from, int to,
                               struct resolver *r, bool have_registry, diag_list *dl)
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
    r->e = e;
    r->nyears = 0;
    bool ok = true, first = true;
    for (size_t i = 0; i < ae->nmonths; i++) {
        alloc_month *am = &ae->months[i];
        am->ord = from + (int)i;
        if (!resolve_year(r, period_ord_year(am->ord), &am->f)) {
            ok = false;
            am->products = xcalloc(np ? np : 1, sizeof *am->products);
            continue;
        }
        compute_month(ae, am, ledger_month_find(e, am->ord), dl);
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
    list_months_without_electricity(ae, dl);
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
    if (ae->kwh.source[SUPPLY_GREEN_DIRECT] > 0 || ae->kwh.source[SUPPLY_GREEN_PPA] > 0)
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "enterprise %s: monthly totals: the one-hour match required for direct-link/PPA "
                     "evidence (IR 2025/2547 Annex II D.4.3) is not demonstrated; keep the hourly "
                     "meter data as evidence",
                     e->id);
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
    return true;
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
    enum cbam_err err = CBAM_OK;
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
        if (!compute_enterprise(&out->ents[out->n++], ents[i], lo, hi, &r, have_registry, dl))
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
    }
    free(r->ents);
    memset(r, 0, sizeof *r);
}
