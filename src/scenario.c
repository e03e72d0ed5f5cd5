/* scenario.c - baseline and scenario of one enterprise (scenario.h): the
 * yearly kWh of each change spread over the months, booked into the ledger
 * in place of grid kWh, and both sides computed by alloc_run. */
#include "config.h"
#include "scenario.h"
#include "labels.h"
#include "numfmt.h"
#include "solar.h"
#include "utf8.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *scenario_profile_name(enum scenario_profile p)
{
    static const char *const names[] = {"auto", "source", "consumption", "solar", "flat"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

bool scenario_profile_parse(const char *s, enum scenario_profile *out)
{
    for (int p = SCENARIO_PROFILE_SOURCE; p <= SCENARIO_PROFILE_FLAT; p++)
        if (strcmp(s, scenario_profile_name((enum scenario_profile)p)) == 0) {
            *out = (enum scenario_profile)p;
            return true;
        }
    return false;
}

/* The enterprise's figures in res (alloc_run computes every enterprise of
 * the ledger; a scenario's inputs hold one with rows, or were cut to one). */
static alloc_enterprise *find_ent(alloc_result *res, const ledger_enterprise *e)
{
    for (size_t i = 0; i < res->n; i++)
        if (res->ents[i].e == e)
            return &res->ents[i];
    return NULL;
}

/* The ledger's month of ord, to change (the ledger is the scenario's to change). */
static ledger_month *month_of(ledger_enterprise *e, int ord)
{
    return (ledger_month *)ledger_month_find(e, ord);
}

/* kWh of source src in month m: the pool and every sub-meter. */
static double month_source(const ledger_month *m, enum supply_source src)
{
    double k = m->pool_kwh[src];
    for (size_t p = 0; p < m->ncells; p++)
        k += m->cells[p].sub_kwh[src];
    return k;
}

/* Moves kWh within month m: takes `take` kWh of source from (never more than
 * it has) and, when to is a source, books the same kWh to it, in the same
 * proportions between the pool and each sub-meter, so that no product's
 * consumption changes. Supplier kWh carry their kg: taken away with theirs,
 * added at the month's own supplier factor (scenario_run refuses to add
 * supplier kWh to an enterprise without any). Returns the kWh taken. */
static double shift(ledger_month *m, enum supply_source from, int to, double take)
{
    double have = month_source(m, from);
    if (have <= 0 || take <= 0)
        return 0;
    if (take > have)
        take = have;
    double f = take / have, kg_per_kwh = 0;
    if (to == SUPPLY_SUPPLIER) {
        double sk = month_source(m, SUPPLY_SUPPLIER), kg = m->pool_supplier_kg;
        for (size_t p = 0; p < m->ncells; p++)
            kg += m->cells[p].sub_supplier_kg;
        kg_per_kwh = sk > 0 ? kg / sk : 0;
    }
    double moved = m->pool_kwh[from] * f;
    if (from == SUPPLY_SUPPLIER)
        m->pool_supplier_kg -= m->pool_supplier_kg * f;
    m->pool_kwh[from] -= moved;
    if (to >= 0)
        m->pool_kwh[to] += moved;
    if (to == SUPPLY_SUPPLIER)
        m->pool_supplier_kg += moved * kg_per_kwh;
    for (size_t p = 0; p < m->ncells; p++) {
        ledger_cell *c = &m->cells[p];
        double mv = c->sub_kwh[from] * f;
        if (from == SUPPLY_SUPPLIER)
            c->sub_supplier_kg -= c->sub_supplier_kg * f;
        c->sub_kwh[from] -= mv;
        if (to >= 0)
            c->sub_kwh[to] += mv;
        if (to == SUPPLY_SUPPLIER)
            c->sub_supplier_kg += mv * kg_per_kwh;
    }
    if (m->pool_kwh[from] < 0) /* rounding must never leave a negative meter */
        m->pool_kwh[from] = 0;
    return take;
}

static const char *profile_words(enum scenario_profile p, bool is_new)
{
    switch (p) {
    case SCENARIO_PROFILE_SOURCE: return "in proportion to its own monthly kWh";
    case SCENARIO_PROFILE_CONSUMPTION:
        return is_new ? "in proportion to monthly consumption (a source the enterprise does not have yet)"
                      : "in proportion to monthly consumption";
    case SCENARIO_PROFILE_SOLAR: return "by the monthly solar profile of its province (factors/solar-profile.csv)";
    case SCENARIO_PROFILE_FLAT: return "the same kWh in every month with electricity";
    default: return "?";
    }
}

/* kWh by source x tariff (yuan) into *yuan; false, with the first source
 * that has kWh and no tariff in *missing, when the cost cannot be known
 * (certificates count only when given a price). */
static bool electricity_cost(const scenario_opts *o, const double kwh[SUPPLY__COUNT], double *yuan,
                             const char **missing)
{
    *yuan = 0;
    for (int k = 0; k < SUPPLY__COUNT; k++) {
        if (o->has_tariff[k]) {
            *yuan += kwh[k] * o->tariff_yuan_per_kwh[k];
        } else if (kwh[k] > 0 && k != SUPPLY_CERTIFICATE) {
            *missing = supply_name((enum supply_source)k);
            *yuan = 0;
            return false;
        }
    }
    return true;
}

static void money(const scenario_opts *o, const alloc_enterprise *ae, scenario_side *s, size_t nproducts)
{
    scenario_money *m = &s->money;
    m->has_electricity = electricity_cost(o, ae->kwh.source, &m->electricity_yuan, &m->missing);
    m->has_per_kwh = m->has_electricity && ae->kwh.consumption > 0;
    m->electricity_yuan_per_kwh = m->has_per_kwh ? m->electricity_yuan / ae->kwh.consumption : 0;
    /* a good not priced leaves the CBAM cost unknown; what the electricity
     * adds is known for every good (0 where indirect emissions do not count) */
    m->has_cbam = s->has_cost && s->cost.nunpriced == 0;
    m->cbam_eur = m->has_cbam ? s->cost.cost_eur : 0;
    m->cbam_electricity_eur = s->has_cost ? s->cost.electricity_cost_eur : 0;
    m->has_all_in = m->has_per_kwh && s->has_cost && o->has_fx;
    m->all_in_yuan_per_kwh =
        m->has_all_in ? (m->electricity_yuan + m->cbam_electricity_eur * o->fx_yuan_per_eur) / ae->kwh.consumption
                      : 0;
    s->products = xcalloc(nproducts ? nproducts : 1, sizeof *s->products);
    for (size_t p = 0; p < nproducts; p++) {
        const alloc_product *ap = &ae->products[p];
        scenario_product_money *pm = &s->products[p];
        const char *missing = NULL;
        pm->has_electricity = electricity_cost(o, ap->kwh_source, &pm->electricity_yuan, &missing);
        /* per tonne of the months with electricity, as SEE and MWh/t */
        pm->has_per_t = pm->has_electricity && ap->quantity_see_t > 0;
        pm->electricity_yuan_per_t = pm->has_per_t ? pm->electricity_yuan / ap->quantity_see_t : 0;
        pm->has_per_kwh = pm->has_electricity && ap->kwh > 0;
        pm->electricity_yuan_per_kwh = pm->has_per_kwh ? pm->electricity_yuan / ap->kwh : 0;
    }
}

/* One side's figures: alloc_run on the ledger as it is now, and the cost. */
static enum cbam_err compute_side(const ledger *l, const ledger_enterprise *e, const factors_db *db,
                                  const alloc_opts *ao, const cbamcost_db *cdb, const scenario_opts *o,
                                  scenario_side *s, diag_list *dl)
{
    enum cbam_err err = alloc_run(l, db, ao, &s->res, dl);
    if (err != CBAM_OK)
        return err;
    alloc_enterprise *ae = find_ent(&s->res, e);
    if (ae == NULL) {
        diag_add_ent(dl, DIAG_ERROR, e->id, "enterprise %s has no electricity in the selected period", e->id);
        return CBAM_ERR_DATA;
    }
    /* The workbook's and JSON's one enterprise is the first. */
    if (ae != &s->res.ents[0]) {
        alloc_enterprise t = s->res.ents[0];
        s->res.ents[0] = *ae;
        *ae = t;
        ae = &s->res.ents[0];
    }
    if (cdb != NULL && o->has_price) {
        err = cbamcost_compute(cdb, &o->cost, ae, &s->cost, dl);
        if (err != CBAM_OK)
            return err;
        s->has_cost = true;
        ae->cost = &s->cost; /* lent: scenario_result_free takes it back before freeing res */
    }
    money(o, ae, s, ae->nproducts);
    return CBAM_OK;
}

/* The weights of the months (index into ae->months) for a change, and the
 * kWh planned in the period; false (with a message) when the profile has
 * nothing to go by. */
static bool plan_change(const alloc_enterprise *ae, const scenario_change *c, enum scenario_profile prof,
                        const double solar[12], double *planned, diag_list *dl)
{
    size_t n = ae->nmonths, nelec = 0;
    double *w = xcalloc(n ? n : 1, sizeof *w);
    double sum = 0, solar_sum = 0;
    for (size_t i = 0; i < n; i++) {
        const alloc_month *am = &ae->months[i];
        if (!am->has_electricity)
            continue;
        nelec++;
        switch (prof) {
        case SCENARIO_PROFILE_SOURCE: w[i] = am->kwh.source[c->source]; break;
        case SCENARIO_PROFILE_CONSUMPTION: w[i] = am->kwh.consumption; break;
        case SCENARIO_PROFILE_SOLAR:
            w[i] = solar[period_ord_month(am->ord) - 1];
            solar_sum += w[i];
            break;
        default: w[i] = 1; break;
        }
        sum += w[i];
    }
    if (sum <= 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                 "--%s %s: the %s profile has no kWh to go by in the period (%s); choose another with "
                 "--profile %s=consumption, flat or solar",
                 c->remove ? "remove" : "add", supply_name(c->source), scenario_profile_name(prof),
                 prof == SCENARIO_PROFILE_SOURCE ? "the enterprise has none of it" : "no consumption",
                 supply_name(c->source));
        free(w);
        return false;
    }
    /* The period's part of the yearly amount: months/12, or the solar
     * profile's shares of the months there are. */
    double total = prof == SCENARIO_PROFILE_SOLAR ? c->kwh_per_year * solar_sum
                                                  : c->kwh_per_year * (double)nelec / 12.0;
    for (size_t i = 0; i < n; i++)
        planned[i] = total * w[i] / sum;
    free(w);
    return true;
}

enum cbam_err scenario_run(ledger *l, ledger_enterprise *e, const factors_db *db, const alloc_opts *ao,
                           const cbamcost_db *db_cost, const scenario_opts *o, scenario_result *out,
                           diag_list *dl)
{
    memset(out, 0, sizeof *out);
    out->opts = *o;
    out->e = e;
    /* The baseline is report's, hour matching included. */
    alloc_opts bo = *ao;
    enum cbam_err err = compute_side(l, e, db, &bo, db_cost, o, &out->base, dl);
    if (err != CBAM_OK)
        return err;
    const alloc_enterprise *ae = &out->base.res.ents[0];
    /* Hour matching reads the interval rows, which a scenario does not
     * change: a matched month's kWh (the grid a load meter implies, the
     * green kWh the load could use) become its monthly totals, and the
     * scenario changes those, month by month (said in every output). */
    struct hourly_store *hs = e->hourly;
    for (size_t i = 0; i < ae->nmonths; i++) {
        ledger_month *m = ae->months[i].hourly ? month_of(e, ae->months[i].ord) : NULL;
        if (m == NULL)
            continue;
        out->monthly_only = true;
        double given = m->pool_kwh[SUPPLY_SUPPLIER];
        for (int k = 0; k < SUPPLY__COUNT; k++) {
            double pool = ae->months[i].kwh.source[k];
            for (size_t p = 0; p < m->ncells; p++)
                pool -= m->cells[p].sub_kwh[k];
            m->pool_kwh[k] = pool > 0 ? pool : 0;
        }
        if (given > 0)
            m->pool_supplier_kg *= m->pool_kwh[SUPPLY_SUPPLIER] / given;
    }
    e->hourly = NULL;
    bo.drop_hour_detail = true;
    if (out->monthly_only)
        diag_add_ent(dl, DIAG_WARNING, e->id,
                     "%s: the baseline is matched hour by hour, as in 'cbamcalc report'; the scenario changes the "
                     "matched months' totals month by month (its added kWh are not matched to the load hour by "
                     "hour)",
                     e->id);
    out->nmonths = ae->nmonths;
    out->months = xcalloc(ae->nmonths ? ae->nmonths : 1, sizeof *out->months);
    for (size_t i = 0; i < ae->nmonths; i++) {
        out->months[i].ord = ae->months[i].ord;
        out->months[i].grid_before_kwh = ae->months[i].kwh.source[o->replace];
    }
    double solar[12];
    const char *solar_src = NULL;
    bool solar_national = false;
    double *planned = xcalloc(ae->nmonths ? ae->nmonths : 1, sizeof *planned);
    /* the baseline's kWh of each source over the period */
    double have_kwh[SUPPLY__COUNT] = {0};
    for (size_t i = 0; i < ae->nmonths; i++)
        for (int k = 0; k < SUPPLY__COUNT; k++)
            have_kwh[k] += ae->months[i].kwh.source[k];
    for (size_t k = 0; k < o->nchanges && err == CBAM_OK; k++) {
        const scenario_change *c = &o->changes[k];
        double have = have_kwh[c->source];
        enum scenario_profile prof = c->profile;
        if (prof == SCENARIO_PROFILE_AUTO)
            prof = have > 0                     ? SCENARIO_PROFILE_SOURCE
                   : c->source == SUPPLY_ONSITE ? SCENARIO_PROFILE_SOLAR
                                                : SCENARIO_PROFILE_CONSUMPTION;
        if (!c->remove && c->source == o->replace) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0, "--add %s replacing %s: the added kWh would replace themselves",
                     supply_name(c->source), supply_name(o->replace));
            err = CBAM_ERR_USAGE;
            break;
        }
        if (c->remove && have <= 0) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "--remove %s: %s has no %s kWh in the period to take away", supply_name(c->source), e->id,
                     supply_name(c->source));
            err = CBAM_ERR_USAGE;
            break;
        }
        if (!c->remove && c->source == SUPPLY_SUPPLIER && have <= 0) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "--add supplier: %s has no supplier kWh whose factor the added kWh could take; give the "
                     "supply as its own source (green_direct, green_ppa, green_trade) or add supplier rows",
                     e->id);
            err = CBAM_ERR_USAGE;
            break;
        }
        if (!c->remove && have_kwh[o->replace] <= 0) {
            /* Everything would be a surplus: a result nobody meant. */
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "--add %s: %s has no %s kWh in the period for the added kWh to replace%s",
                     supply_name(c->source), e->id, supply_name(o->replace),
                     o->replace == SUPPLY_GRID && have_kwh[SUPPLY_SUPPLIER] > 0
                         ? "; its power comes from a supplier (a park's blended supply): give --replace supplier"
                         : "");
            err = CBAM_ERR_USAGE;
            break;
        }
        if (prof == SCENARIO_PROFILE_SOLAR && solar_src == NULL &&
            !solar_profile(e->province, solar, &solar_src, &solar_national)) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0, "the solar profile table is unusable (a bug; please report it)");
            err = CBAM_ERR_INTERNAL;
            break;
        }
        if (!plan_change(ae, c, prof, solar, planned, dl)) {
            err = CBAM_ERR_USAGE;
            break;
        }
        out->profile_text[c->source] = profile_words(prof, have <= 0);
        out->profile_used[c->source] = prof;
        if (prof == SCENARIO_PROFILE_SOLAR) {
            out->solar_source = solar_src;
            if (solar_national)
                diag_add_ent(dl, DIAG_WARNING, e->id,
                             "%s: no solar profile for %s; the national profile spreads the added %s kWh",
                             e->id, e->province ? e->province : "an unknown province", supply_name(c->source));
        }
        for (size_t i = 0; i < ae->nmonths; i++) {
            scenario_month *sm = &out->months[i];
            ledger_month *m = month_of(e, sm->ord);
            if (m == NULL || planned[i] <= 0)
                continue;
            if (c->remove) {
                double took = shift(m, c->source, -1, planned[i]);
                sm->planned_kwh[c->source] -= planned[i];
                sm->used_kwh[c->source] -= took;
                out->added_kwh[c->source] -= took;
                continue;
            }
            double used = shift(m, o->replace, (int)c->source, planned[i]);
            sm->planned_kwh[c->source] += planned[i];
            sm->used_kwh[c->source] += used;
            sm->surplus_kwh += planned[i] - used;
            out->added_kwh[c->source] += used;
        }
    }
    free(planned);
    if (err == CBAM_OK) {
        for (size_t i = 0; i < out->nmonths; i++) {
            ledger_month *m = month_of(e, out->months[i].ord);
            out->months[i].grid_after_kwh = m ? month_source(m, o->replace) : 0;
            out->surplus_kwh += out->months[i].surplus_kwh;
        }
        /* The scenario's own run repeats the baseline's warnings: only its
         * errors are kept. */
        diag_list sdl;
        diag_list_init(&sdl);
        err = compute_side(l, e, db, &bo, db_cost, o, &out->scen, &sdl);
        for (size_t i = 0; i < sdl.count; i++)
            if (sdl.items[i].severity == DIAG_ERROR)
                diag_add_copy(dl, &sdl.items[i]);
        diag_list_free(&sdl);
    }
    if (err == CBAM_OK && out->surplus_kwh > 0) {
        size_t nsur = 0;
        for (size_t i = 0; i < out->nmonths; i++)
            nsur += out->months[i].surplus_kwh > 0;
        char kwh[32];
        numfmt_fixed(kwh, sizeof kwh, out->surplus_kwh, 0);
        diag_add_ent(dl, DIAG_NOTE, e->id,
                     "%s kWh of the added power exceed the grid kWh they replace in %zu month%s: exported or "
                     "curtailed, not counted as consumed (the grid never goes below 0)",
                     kwh, nsur, nsur == 1 ? "" : "s");
    }
    e->hourly = hs;
    return err;
}

static void side_free(scenario_side *s)
{
    for (size_t i = 0; i < s->res.n; i++)
        if (s->has_cost && s->res.ents[i].cost == &s->cost)
            s->res.ents[i].cost = NULL; /* lent, not owned */
    alloc_result_free(&s->res);
    if (s->has_cost)
        cbamcost_ent_free(&s->cost);
    free(s->products);
}

void scenario_result_free(scenario_result *r)
{
    side_free(&r->base);
    side_free(&r->scen);
    free(r->months);
    memset(r, 0, sizeof *r);
}

/* What a change does to a product's CBAM cost: one decision, told in the
 * engine's English (JSON) or in the words of labels.c (workbook, summary). */
enum reason_kind {
    REASON_NO_PRICE,   /* no --cbam-price */
    REASON_NOT_CBAM,   /* not a CBAM good */
    REASON_NOT_PRICED, /* indirect not in the liability, direct emissions not given */
    REASON_UNCHANGED,  /* indirect not in the liability */
    REASON_FLOORED,    /* falls, by less than the emissions avoided: certificates floored at 0 */
    REASON_UPPER,      /* falls, at most this much: direct emissions not given */
    REASON_SAVING,
    REASON_RISES,
    REASON_SAME,
};

static enum reason_kind reason_of(const scenario_result *r, size_t p, double *saving)
{
    *saving = 0;
    const scenario_side *b = &r->base, *s = &r->scen;
    if (!b->has_cost || !s->has_cost || p >= b->cost.nproducts || p >= s->cost.nproducts)
        return REASON_NO_PRICE;
    const cbamcost_product *pb = &b->cost.products[p], *ps = &s->cost.products[p];
    if (pb->status == CBAMCOST_NOT_CBAM)
        return REASON_NOT_CBAM;
    if (pb->status == CBAMCOST_INDIRECT_ONLY && !pb->indirect_in_liability)
        return REASON_NOT_PRICED;
    double d = pb->cost_eur - ps->cost_eur;
    *saving = d;
    if (!pb->indirect_in_liability && fabs(d) < 0.005)
        return REASON_UNCHANGED;
    if (d >= 0.005 && ps->floored && d < (pb->liability_t - ps->liability_t) * r->opts.cost.price_eur_per_t - 1e-9)
        return REASON_FLOORED;
    if (d >= 0.005)
        return pb->status == CBAMCOST_INDIRECT_ONLY ? REASON_UPPER : REASON_SAVING;
    return d <= -0.005 ? REASON_RISES : REASON_SAME;
}

void scenario_product_reason(const scenario_result *r, size_t p, char *buf, size_t size)
{
    double saving;
    enum reason_kind k = reason_of(r, p, &saving);
    const cbamcost_product *b = k == REASON_NO_PRICE ? NULL : &r->base.cost.products[p];
    char eur[32];
    numfmt_fixed(eur, sizeof eur, fabs(saving), 0);
    switch (k) {
    case REASON_NO_PRICE:
        snprintf(buf, size, "no CBAM price given (--cbam-price): the cost is not computed");
        break;
    case REASON_NOT_CBAM: snprintf(buf, size, "not a CBAM good: no certificates, whatever its electricity"); break;
    case REASON_NOT_PRICED:
    case REASON_UNCHANGED:
        snprintf(buf, size,
                 "CBAM cost unchanged: for its category (%s) indirect emissions are reported but not in the CBAM "
                 "liability from 2026 (Reg. (EU) 2023/956 Annex II), so green power changes its reported "
                 "emissions, not its certificates%s",
                 b->category ? b->category : "?",
                 k == REASON_NOT_PRICED ? " (which are for its direct emissions: not given here, --direct)" : "");
        break;
    case REASON_FLOORED:
        snprintf(buf, size,
                 "CBAM cost falls by %s EUR, less than the emissions avoided would give: the free allocation "
                 "adjustment already covers the scenario's emissions (certificates cannot go below 0)",
                 eur);
        break;
    case REASON_UPPER:
        snprintf(buf, size,
                 "CBAM cost falls by %s EUR at most: its indirect emissions count in the liability, but its direct "
                 "emissions are not given (--direct); with them the free allocation adjustment may leave fewer "
                 "certificates to save (an upper bound)",
                 eur);
        break;
    case REASON_SAVING:
        snprintf(buf, size, "CBAM cost falls by %s EUR: its indirect emissions count in the liability", eur);
        break;
    case REASON_RISES: snprintf(buf, size, "CBAM cost rises by %s EUR: its CBAM indirect emissions grow", eur); break;
    case REASON_SAME:
        snprintf(buf, size, "CBAM cost unchanged: the change does not reduce its CBAM indirect emissions");
        break;
    }
}

/* The workbook's and the summary's words (labels.c), in either language. */
void scenario_product_reason_words(const scenario_result *r, size_t p, bool zh, char *buf, size_t size)
{
    static const enum label words[] = {
        [REASON_NO_PRICE] = L_SCN_R_NO_PRICE,   [REASON_NOT_CBAM] = L_SCN_R_NOT_CBAM,
        [REASON_NOT_PRICED] = L_SCN_R_NOT_PRICED, [REASON_UNCHANGED] = L_SCN_R_UNCHANGED,
        [REASON_FLOORED] = L_SCN_R_FLOORED,     [REASON_UPPER] = L_SCN_R_UPPER,
        [REASON_SAVING] = L_SCN_R_SAVING,       [REASON_RISES] = L_SCN_R_RISES,
        [REASON_SAME] = L_SCN_R_SAME,
    };
    double saving;
    enum reason_kind k = reason_of(r, p, &saving);
    if (k >= REASON_FLOORED && k <= REASON_RISES) /* these labels end where the amount follows */
        utf8_format(buf, size, "%s%.2f", label(words[k], zh), fabs(saving));
    else
        utf8_format(buf, size, "%s", label(words[k], zh));
}
