/* report_json.c - the JSON report, written with jansson (see report_json.h).
 *
 * The report is streamed: the top-level object's members are written here,
 * and the arrays one element at a time (one enterprise's object is built,
 * dumped and freed before the next), so memory grows with the largest
 * enterprise, not with the report. The bytes are those json_dumpf gives for
 * the whole tree with the same flags: each element is dumped on its own and
 * its lines indented to its depth (jansson writes a newline only between
 * tokens; one inside a string is escaped). */
#include "config.h"
#include "report_json.h"
#include "cbamcost.h"
#include "parse.h"
#include "scenario.h"
#include "xalloc.h"

#include <jansson.h>
#include <errno.h>
#include <math.h>
#include <string.h>

struct jw {
    bool bad_number;
};

static json_t *checked(json_t *v)
{
    if (v == NULL)
        xalloc_die();
    return v;
}

static void put(json_t *obj, const char *key, json_t *v)
{
    if (json_object_set_new(obj, key, checked(v)) != 0)
        xalloc_die();
}

static void push(json_t *arr, json_t *v)
{
    if (json_array_append_new(arr, checked(v)) != 0)
        xalloc_die();
}

static json_t *num(struct jw *w, double v)
{
    if (!isfinite(v)) {
        w->bad_number = true;
        return checked(json_null());
    }
    return checked(json_real(v == 0 ? 0.0 : v)); /* no "-0.0" */
}

static json_t *str(const char *s)
{
    if (s == NULL)
        return checked(json_null());
    json_t *v = json_string(s);
    if (v == NULL) { /* not UTF-8 (a file name): show it escaped */
        char q[256];
        v = json_string(diag_quote(q, sizeof q, s, strlen(s)));
    }
    return checked(v);
}

static json_t *kwh_object(struct jw *w, const alloc_kwh *k)
{
    json_t *o = checked(json_object());
    for (int s = 0; s < SUPPLY__COUNT; s++) {
        if (s == SUPPLY_CERTIFICATE)
            continue;
        put(o, supply_name((enum supply_source)s), num(w, k->source[s]));
    }
    put(o, "certificates", num(w, k->source[SUPPLY_CERTIFICATE]));
    put(o, "certificates_used", num(w, k->certificates_used));
    put(o, "consumption", num(w, k->consumption));
    put(o, "unallocated", num(w, k->unallocated));
    return o;
}

static json_t *em_object(struct jw *w, const alloc_em *e)
{
    json_t *o = checked(json_object());
    put(o, "location", num(w, e->location));
    put(o, "market", num(w, e->market));
    put(o, "cbam", num(w, e->cbam));
    return o;
}

static json_t *factor_object(struct jw *w, const factor *f, const char *source_code)
{
    if (f == NULL)
        return checked(json_null());
    json_t *o = checked(json_object());
    put(o, "id", str(f->id));
    put(o, "kg_co2_per_kwh", num(w, f->value));
    put(o, "year", f->year ? checked(json_integer(f->year)) : checked(json_null()));
    put(o, "source", str(f->source));
    if (source_code != NULL)
        put(o, "source_code", str(source_code));
    put(o, "kind", str(factors_kind_name(f->kind)));
    put(o, "unit", str(f->unit));
    put(o, "status", str(f->status));
    put(o, "url", str(f->url));
    put(o, "note", str(f->note));
    /* A user's --factors file replaced a shipped id: what the shipped one was. */
    put(o, "replaces_shipped", str(f->replaced));
    return o;
}

static json_t *period_str(int ord)
{
    char buf[8];
    period_format(ord, buf, sizeof buf);
    return str(buf);
}

/* {"onsite": kWh, "green_direct": ..., ...} in matching order. */
static json_t *green_object(struct jw *w, const double v[HOURLY__GREEN])
{
    json_t *o = checked(json_object());
    for (int g = 0; g < HOURLY__GREEN; g++)
        put(o, supply_name(hourly_green_source((enum hourly_green)g)), num(w, v[g]));
    return o;
}

static json_t *share(struct jw *w, bool has, double v)
{
    return has ? num(w, v) : checked(json_null());
}

/* The hour-by-hour matching (README "Hourly matching"); null without interval rows. */
static json_t *hourly_object(struct jw *w, const hourly_ent *h)
{
    if (h == NULL)
        return checked(json_null());
    json_t *o = checked(json_object());
    put(o, "interval_minutes", checked(json_integer(h->interval_minutes)));
    put(o, "hours", checked(json_integer(h->hours)));
    put(o, "matched_months", checked(json_integer((json_int_t)h->nmatched)));
    put(o, "load_kwh", num(w, h->load_kwh));
    put(o, "supply_kwh", green_object(w, h->supply_kwh));
    put(o, "matched_kwh", green_object(w, h->matched_kwh));
    put(o, "surplus_kwh", green_object(w, h->surplus_kwh));
    put(o, "unmatched_load_kwh", num(w, h->unmatched_kwh));
    put(o, "matched_share", share(w, h->has_share, h->matched_share));
    put(o, "volumetric_share", share(w, h->has_share, h->volumetric_share));
    json_t *months = checked(json_array());
    for (size_t i = 0; i < h->nmonths; i++) {
        const hourly_month *hm = &h->months[i];
        json_t *m = checked(json_object());
        put(m, "period", period_str(hm->ord));
        put(m, "matched", checked(json_boolean(hm->matched)));
        if (!hm->matched) {
            put(m, "reason", str(hm->reason));
            push(months, m);
            continue;
        }
        put(m, "hours", checked(json_integer(hm->hours)));
        put(m, "load_kwh", num(w, hm->load_kwh));
        put(m, "supply_kwh", green_object(w, hm->supply_kwh));
        put(m, "matched_kwh", green_object(w, hm->matched_kwh));
        put(m, "surplus_kwh", green_object(w, hm->surplus_kwh));
        put(m, "unmatched_load_kwh", num(w, hm->unmatched_kwh));
        put(m, "matched_share", share(w, hm->has_share, hm->matched_share));
        put(m, "volumetric_share", share(w, hm->has_share, hm->volumetric_share));
        push(months, m);
    }
    put(o, "months", months);
    return o;
}

static json_t *num_or_null(struct jw *w, bool has, double v)
{
    return has ? num(w, v) : checked(json_null());
}

static json_t *int_or_null(bool has, long v)
{
    return has ? checked(json_integer(v)) : checked(json_null());
}

/* A product's CBAM cost (cbamcost.h): its inputs, each term and the result. */
static json_t *cost_object(struct jw *w, const cbamcost_product *c, double price)
{
    json_t *o = checked(json_object());
    put(o, "status", str(cbamcost_status_name(c->status)));
    put(o, "category", str(c->category));
    put(o, "indirect_in_liability", checked(json_boolean(c->indirect_in_liability)));
    put(o, "quantity_t", num(w, c->quantity_t));
    put(o, "direct_t_co2_per_t", c->direct ? num(w, c->direct->t_per_t) : checked(json_null()));
    put(o, "direct_source", str(c->direct ? c->direct->source : NULL));
    put(o, "direct_t_co2", num(w, c->direct_t));
    put(o, "indirect_t_co2", num(w, c->indirect_t));
    put(o, "indirect_in_liability_t_co2", num(w, c->indirect_liable_t));
    put(o, "liability_t_co2", num(w, c->liability_t));
    if (c->benchmark != NULL) {
        const cbamcost_benchmark *b = c->benchmark;
        json_t *bo = checked(json_object());
        char col[2] = {b->column, '\0'};
        put(bo, "cn_code", str(b->cn));
        put(bo, "value_t_co2_per_t", num(w, b->value));
        put(bo, "column", str(b->column ? col : NULL));
        put(bo, "source", str(b->source));
        put(bo, "file", str(b->file));
        put(bo, "line", checked(json_integer(b->line)));
        put(o, "benchmark", bo);
    } else {
        put(o, "benchmark", checked(json_null()));
    }
    bool has_years = c->year_from != 0;
    put(o, "cbam_factor", has_years ? num(w, c->phase_factor) : checked(json_null()));
    json_t *years = checked(json_array());
    if (has_years) {
        push(years, checked(json_integer(c->year_from)));
        push(years, checked(json_integer(c->year_to)));
    }
    put(o, "years", years);
    put(o, "priced_as_later_year", checked(json_boolean(c->priced_as_later)));
    put(o, "cross_sectoral_correction_factor", c->status == CBAMCOST_NOT_CBAM ? checked(json_null()) : num(w, c->cscf));
    put(o, "adjustment_made", checked(json_boolean(c->adjustment_made)));
    put(o, "adjustment_t_co2", num(w, c->adjustment_t));
    /* a good not priced: its certificates are unknown, never 0 */
    put(o, "certificates", num_or_null(w, !c->unpriced, c->certificates_t));
    put(o, "floored", checked(json_boolean(c->floored)));
    put(o, "price_eur_per_t_co2", num(w, price));
    put(o, "cost_eur", num_or_null(w, !c->unpriced, c->cost_eur));
    put(o, "cost_eur_per_t", c->has_cost_per_t ? num(w, c->cost_eur_per_t) : checked(json_null()));
    put(o, "priced", checked(json_boolean(!c->unpriced)));
    put(o, "electricity_cost_eur", c->status == CBAMCOST_NOT_CBAM ? num(w, 0) : num(w, c->electricity_cost_eur));
    /* China's national ETS prices direct emissions only: nothing paid there
     * is deducted from the indirect part (Reg. 2023/956 Art. 9). */
    put(o, "china_carbon_price_deducted_eur", num(w, 0));
    put(o, "reason", str(c->reason));
    return o;
}

/* The enterprise's CBAM cost: the price, the sums and what the figure is. */
static json_t *cost_summary(struct jw *w, const cbamcost_ent *c)
{
    json_t *o = checked(json_object());
    bool upper = false, indirect_only = false, later = false;
    for (size_t p = 0; p < c->nproducts; p++) {
        upper = upper || c->products[p].status == CBAMCOST_UPPER_BOUND;
        indirect_only = indirect_only || c->products[p].status == CBAMCOST_INDIRECT_ONLY;
        later = later || c->products[p].priced_as_later;
    }
    put(o, "price_eur_per_t_co2", num(w, c->opts.price_eur_per_t));
    put(o, "year", int_or_null(c->opts.year != 0, c->opts.year));
    put(o, "cross_sectoral_correction_factor", num_or_null(w, c->opts.cscf > 0, c->opts.cscf));
    put(o, "goods", checked(json_integer((json_int_t)c->ngoods)));
    put(o, "liability_t_co2", num(w, c->liability_t));
    put(o, "adjustment_t_co2", num(w, c->adjustment_t));
    /* with a good not priced the enterprise's cost is unknown: the priced goods' sum is given apart */
    put(o, "certificates", num_or_null(w, c->nunpriced == 0, c->certificates_t));
    put(o, "cost_eur", num_or_null(w, c->nunpriced == 0, c->cost_eur));
    put(o, "cost_eur_of_priced_goods", num(w, c->cost_eur));
    put(o, "goods_not_priced", checked(json_integer((json_int_t)c->nunpriced)));
    put(o, "electricity_cost_eur", num(w, c->electricity_cost_eur));
    put(o, "upper_bound", checked(json_boolean(upper)));
    json_t *notes = checked(json_array());
    push(notes, str(REPORT_JSON_COST_CHINA_NOTE));
    if (upper)
        push(notes, str("no benchmark was given for some goods (--benchmarks): their free allocation "
                        "adjustment is 0 and their cost an upper bound"));
    if (indirect_only)
        push(notes, str("direct emissions were not given for some goods (--direct): their figure is the "
                        "certificates for the electricity's emissions in the liability alone, before the free "
                        "allocation adjustment, which is made against a good's whole embedded emissions"));
    if (c->nunpriced > 0)
        push(notes, str("goods whose indirect emissions are not in the liability (iron and steel, aluminium, "
                        "hydrogen) and whose direct emissions were not given (--direct) are not priced: their "
                        "certificates, and so the enterprise's cost, are unknown; electricity_cost_eur, what the "
                        "electricity adds, is 0 for them"));
    if (c->opts.cscf == 0 && c->adjustment_t > 0)
        push(notes, str("the cross-sectoral correction factor is taken as 1 (give the Commission's value for the "
                        "year with --cscf): with a value below 1 the adjustment is smaller and the cost higher"));
    if (later)
        push(notes, str("months before 2026 are priced with the CBAM factor of 2026, as if the goods were "
                        "imported in 2026 (the CBAM definitive period); choose the year with --cbam-year"));
    put(o, "notes", notes);
    return o;
}

static json_t *enterprise_object(struct jw *w, const alloc_enterprise *ae)
{
    const ledger_enterprise *e = ae->e;
    json_t *o = checked(json_object());
    put(o, "enterprise_id", str(e->id));
    put(o, "name", str(e->name));
    put(o, "country", str(e->country));
    put(o, "province", str(e->province ? e->province : e->province_text));
    put(o, "period_from", period_str(ae->from_ord));
    put(o, "period_to", period_str(ae->to_ord));
    put(o, "electricity_kwh", kwh_object(w, &ae->kwh));

    json_t *f = checked(json_object());
    put(f, "location", factor_object(w, ae->f.location, NULL));
    put(f, "residual", factor_object(w, ae->f.residual, NULL));
    json_t *cbam = factor_object(w, ae->f.cbam, ae->cbam_code ? ae->cbam_code : ae->f.cbam_grid_code);
    if (json_is_object(cbam))
        put(cbam, "effective_t_co2_per_mwh", ae->has_cbam_ef ? num(w, ae->cbam_ef) : checked(json_null()));
    put(f, "cbam", cbam);
    json_t *sup = checked(json_array());
    for (size_t i = 0; i < e->nsuppliers; i++)
        push(sup, factor_object(w, e->suppliers[i], NULL));
    put(f, "supplier", sup);
    put(o, "factors", f);

    put(o, "emissions_t_co2", em_object(w, &ae->em));
    put(o, "unallocated_t_co2", em_object(w, &ae->unallocated_em));
    put(o, "green_share", ae->has_green_share ? num(w, ae->green_share) : checked(json_null()));
    put(o, "hourly", hourly_object(w, ae->hourly));

    json_t *prods = checked(json_array());
    for (size_t k = 0; k < ae->nproducts; k++) {
        const alloc_product *ap = &ae->products[ae->product_order[k]];
        json_t *p = checked(json_object());
        put(p, "product_id", str(ap->p->id));
        put(p, "product_name", str(ap->p->name));
        put(p, "cn_code", str(ap->p->cn_code));
        put(p, "quantity_t", num(w, ap->quantity_t));
        /* SEE's denominator: tonnes of the months with both electricity and production. */
        put(p, "quantity_in_see_t", num(w, ap->quantity_see_t));
        put(p, "months_left_out_of_see", checked(json_integer((json_int_t)ap->months_without_electricity)));
        put(p, "electricity_kwh", num(w, ap->kwh));
        put(p, "electricity_kwh_submetered", num(w, ap->kwh_sub));
        put(p, "electricity_kwh_allocated", num(w, ap->kwh_alloc));
        put(p, "emissions_t_co2", em_object(w, &ap->em));
        put(p, "see_indirect_t_co2_per_t", ap->has_see ? em_object(w, &ap->see) : checked(json_null()));
        put(p, "electricity_mwh_per_t", ap->has_see ? num(w, ap->mwh_per_t) : checked(json_null()));
        put(p, "cbam_ef_t_co2_per_mwh", ap->has_cbam_ef ? num(w, ap->cbam_ef) : checked(json_null()));
        put(p, "cbam_ef_source_code", str(ap->cbam_code));
        if (ae->cost != NULL)
            put(p, "cbam_cost", cost_object(w, &ae->cost->products[ae->product_order[k]], ae->cost->opts.price_eur_per_t));
        push(prods, p);
    }
    put(o, "products", prods);
    if (ae->cost != NULL)
        put(o, "cbam_cost", cost_summary(w, ae->cost));

    json_t *months = checked(json_array());
    for (size_t i = 0; i < ae->nmonths; i++) {
        const alloc_month *am = &ae->months[i];
        json_t *m = checked(json_object());
        put(m, "period", period_str(am->ord));
        put(m, "electricity_kwh", kwh_object(w, &am->kwh));
        put(m, "emissions_t_co2", em_object(w, &am->em));
        put(m, "has_electricity", checked(json_boolean(am->has_electricity)));
        put(m, "has_production", checked(json_boolean(am->has_production)));
        put(m, "hour_matched", checked(json_boolean(am->hourly)));
        json_t *mf = checked(json_object());
        put(mf, "location", str(am->f.location ? am->f.location->id : NULL));
        put(mf, "residual", str(am->f.residual ? am->f.residual->id : NULL));
        put(mf, "cbam", str(am->f.cbam ? am->f.cbam->id : NULL));
        put(m, "factors", mf);
        push(months, m);
    }
    put(o, "months", months);
    return o;
}

/* ---- streaming ---- */

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY)

struct sink {
    FILE *f;
    const char *indent; /* put after each newline of the value being dumped */
    int err;            /* errno of the first failed write; 0 while all went well */
};

static void emit(struct sink *s, const char *p, size_t n)
{
    if (s->err == 0 && n > 0 && fwrite(p, 1, n, s->f) != n)
        s->err = errno ? errno : EIO;
}

static void emits(struct sink *s, const char *p)
{
    emit(s, p, strlen(p));
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    struct sink *s = data;
    const char *end = buf + size;
    while (buf < end) {
        const char *nl = memchr(buf, '\n', (size_t)(end - buf));
        if (nl == NULL) {
            emit(s, buf, (size_t)(end - buf));
            break;
        }
        emit(s, buf, (size_t)(nl - buf) + 1);
        emits(s, s->indent);
        buf = nl + 1;
    }
    return s->err ? -1 : 0;
}

/* Writes v as json_dumpf would at the depth whose indentation is indent; frees v. */
static void dump(struct sink *s, json_t *v, const char *indent)
{
    s->indent = indent;
    errno = 0;
    if (json_dump_callback(v, dump_cb, s, DUMP_FLAGS) != 0 && s->err == 0)
        s->err = errno ? errno : EIO;
    json_decref(v);
}

/* A member array of the top-level object, written element by element. */
struct stream_array {
    bool any;
};

static void array_push(struct sink *s, struct stream_array *a, json_t *v)
{
    emits(s, a->any ? ",\n    " : "[\n    ");
    a->any = true;
    dump(s, v, "    ");
}

static void array_end(struct sink *s, struct stream_array *a)
{
    emits(s, a->any ? "\n  ]" : "[]");
}

/* How writing went: CBAM_ERR_CANTCREAT with errno when a write failed. */
static enum cbam_err sink_end(struct sink *s)
{
    if (s->err == 0 && ferror(s->f))
        s->err = EIO;
    if (s->err != 0) {
        errno = s->err;
        return CBAM_ERR_CANTCREAT;
    }
    return CBAM_OK;
}

static json_t *input_object(const ledger_input *in)
{
    json_t *o = checked(json_object());
    put(o, "path", str(in->path));
    put(o, "sha256", str(in->sha256));
    put(o, "rows", checked(json_integer((json_int_t)in->rows)));
    put(o, "role", str(in->role));
    return o;
}

static json_t *diag_object(const diag *d)
{
    json_t *o = checked(json_object());
    put(o, "severity", str(diag_severity_name(d->severity)));
    put(o, "file", str(d->file));
    put(o, "line", checked(json_integer(d->line)));
    put(o, "column", checked(json_integer(d->column)));
    put(o, "enterprise_id", str(d->enterprise));
    put(o, "message", str(d->message));
    return o;
}

static enum cbam_err write_report(FILE *out, const ledger *l, const alloc_enterprise *ents, size_t nents,
                                  const char *only, const diag_list *dl, const report_json_extra *x)
{
    struct sink s = {.f = out};
    struct jw w = {false};

    json_t *tool = checked(json_object());
    put(tool, "name", str(PACKAGE_NAME));
    put(tool, "version", str(PACKAGE_VERSION));
    emits(&s, "{\n  \"tool\": ");
    dump(&s, tool, "  ");

    /* The rules a reader of the figures needs, in words (README, Method). */
    json_t *method = checked(json_object());
    put(method, "see", str("SEE = tCO2 / tonnes of the months that have both electricity and production "
                           "(quantity_in_see_t); months with production but no electricity are left out and "
                           "listed in the diagnostics; SEE is null when no month has both"));
    put(method, "allocation", str("sub-metered kWh belong to their product; a month's other kWh are split by "
                                  "production mass (annual production: by the year's tonnes)"));
    put(method, "supplier_factor", str("a supplier's factor counts for the market-based figure only; CBAM "
                                       "accepts an actual factor only for a direct technical link or a PPA "
                                       "(IR 2025/2547 Annex II D.4.3)"));
    emits(&s, ",\n  \"method\": ");
    dump(&s, method, "  ");

    emits(&s, ",\n  \"inputs\": ");
    struct stream_array arr = {false};
    for (size_t i = 0; i < l->ninputs && s.err == 0; i++)
        array_push(&s, &arr, input_object(&l->inputs[i]));
    array_end(&s, &arr);
    char digest[65];
    ledger_inputs_digest(l, digest);
    emits(&s, ",\n  \"inputs_sha256\": ");
    dump(&s, str(digest), "  ");

    emits(&s, ",\n  \"enterprises\": ");
    arr.any = false;
    for (size_t i = 0; i < nents && s.err == 0; i++) {
        json_t *e = enterprise_object(&w, &ents[i]);
        if (x != NULL && x->fn != NULL) {
            json_t *v = x->fn(&ents[i], x->ctx);
            if (v != NULL)
                put(e, x->key, v);
        }
        if (w.bad_number) { /* a bug: stop before writing a figure that is not one */
            json_decref(e);
            return CBAM_ERR_INTERNAL;
        }
        array_push(&s, &arr, e);
    }
    array_end(&s, &arr);

    emits(&s, ",\n  \"diagnostics\": ");
    arr.any = false;
    for (size_t i = 0; i < dl->count && s.err == 0; i++) {
        const diag *d = &dl->items[i];
        if (only != NULL && d->enterprise != NULL && strcmp(d->enterprise, only) != 0)
            continue; /* about another enterprise of the same inputs */
        array_push(&s, &arr, diag_object(d));
    }
    array_end(&s, &arr);
    if (dl->dropped > 0) {
        char buf[64];
        snprintf(buf, sizeof buf, ",\n  \"diagnostics_not_listed\": %zu", dl->dropped);
        emits(&s, buf);
    }
    emits(&s, "\n}\n");
    return sink_end(&s);
}

enum cbam_err report_json_write(FILE *out, const ledger *l, const alloc_result *r, const diag_list *dl)
{
    return write_report(out, l, r->ents, r->n, NULL, dl, NULL);
}

enum cbam_err report_json_write_ex(FILE *out, const ledger *l, const alloc_result *r, const diag_list *dl,
                                   const report_json_extra *x)
{
    return write_report(out, l, r->ents, r->n, NULL, dl, x);
}

enum cbam_err report_json_write_one_ex(FILE *out, const ledger *l, const alloc_enterprise *only, const diag_list *dl,
                                       const report_json_extra *x)
{
    return write_report(out, l, only, 1, only->e->id, dl, x);
}

enum cbam_err report_json_write_one(FILE *out, const ledger *l, const alloc_enterprise *only,
                                    const diag_list *dl)
{
    return write_report(out, l, only, 1, only->e->id, dl, NULL);
}

/* ---- scenario ---- */


static json_t *source_kwh(struct jw *w, const double k[SUPPLY__COUNT])
{
    json_t *o = checked(json_object());
    for (int s = 0; s < SUPPLY__COUNT; s++)
        put(o, s == SUPPLY_CERTIFICATE ? "certificates" : supply_name((enum supply_source)s), num(w, k[s]));
    return o;
}

/* The enterprise's side: kWh, tCO2, green share, money. */
static json_t *side_object(struct jw *w, const scenario_side *s)
{
    const alloc_enterprise *ae = &s->res.ents[0];
    const scenario_money *m = &s->money;
    json_t *o = checked(json_object());
    json_t *k = source_kwh(w, ae->kwh.source);
    put(k, "consumption", num(w, ae->kwh.consumption));
    put(o, "kwh", k);
    put(o, "t_co2", em_object(w, &ae->em));
    put(o, "green_share", num_or_null(w, ae->has_green_share, ae->green_share));
    put(o, "electricity_cost_yuan", num_or_null(w, m->has_electricity, m->electricity_yuan));
    put(o, "electricity_yuan_per_kwh", num_or_null(w, m->has_per_kwh, m->electricity_yuan_per_kwh));
    put(o, "cbam_cost_eur", num_or_null(w, m->has_cbam, m->cbam_eur));
    put(o, "cbam_cost_of_electricity_eur", num_or_null(w, s->has_cost, m->cbam_electricity_eur));
    put(o, "all_in_yuan_per_kwh", num_or_null(w, m->has_all_in, m->all_in_yuan_per_kwh));
    return o;
}

static json_t *product_side(struct jw *w, const scenario_side *s, size_t p, double price)
{
    const alloc_product *ap = &s->res.ents[0].products[p];
    const scenario_product_money *pm = &s->products[p];
    json_t *o = checked(json_object());
    json_t *k = source_kwh(w, ap->kwh_source);
    put(k, "total", num(w, ap->kwh));
    put(o, "kwh", k);
    put(o, "t_co2", em_object(w, &ap->em));
    put(o, "see_t_co2_per_t", ap->has_see ? em_object(w, &ap->see) : checked(json_null()));
    put(o, "cbam_cost", s->has_cost ? cost_object(w, &s->cost.products[p], price) : checked(json_null()));
    put(o, "electricity_cost_yuan", num_or_null(w, pm->has_electricity, pm->electricity_yuan));
    put(o, "electricity_yuan_per_kwh", num_or_null(w, pm->has_per_kwh, pm->electricity_yuan_per_kwh));
    put(o, "electricity_yuan_per_t", num_or_null(w, pm->has_per_t, pm->electricity_yuan_per_t));
    return o;
}

/* scenario - baseline for every number both have; null where either is
 * null; objects member by member; text (a status, a reason) left out. */
static json_t *difference(struct jw *w, json_t *b, json_t *s)
{
    if (json_is_number(b) && json_is_number(s))
        return num(w, json_number_value(s) - json_number_value(b));
    if (json_is_object(b) && json_is_object(s)) {
        json_t *o = checked(json_object());
        const char *key;
        json_t *bv;
        json_object_foreach(b, key, bv)
        {
            json_t *sv = json_object_get(s, key);
            if (sv == NULL || json_is_string(bv) || json_is_boolean(bv) || json_is_array(bv))
                continue;
            if (json_is_object(bv) && json_object_get(bv, "file") != NULL)
                continue; /* a benchmark row: an input, not a figure */
            put(o, key, difference(w, bv, sv));
        }
        return o;
    }
    return checked(json_null());
}

enum cbam_err report_json_write_scenario(FILE *out, const ledger *l, const scenario_result *r, const diag_list *dl)
{
    struct sink s = {.f = out};
    struct jw w = {false};
    const ledger_enterprise *e = r->e;
    const alloc_enterprise *ae = &r->base.res.ents[0];
    double price = r->opts.cost.price_eur_per_t;
    json_t *o = checked(json_object());
    json_t *tool = checked(json_object());
    put(tool, "name", str(PACKAGE_NAME));
    put(tool, "version", str(PACKAGE_VERSION));
    put(o, "tool", tool);
    put(o, "kind", str("scenario"));
    char digest[65];
    ledger_inputs_digest(l, digest);
    put(o, "inputs_sha256", str(digest));
    json_t *inputs = checked(json_array());
    for (size_t i = 0; i < l->ninputs; i++)
        push(inputs, input_object(&l->inputs[i]));
    put(o, "inputs", inputs);
    json_t *eo = checked(json_object());
    put(eo, "id", str(e->id));
    put(eo, "name", str(e->name));
    put(eo, "province", str(e->province ? e->province : e->province_text));
    put(o, "enterprise", eo);
    json_t *per = checked(json_object());
    put(per, "from", period_str(ae->from_ord));
    put(per, "to", period_str(ae->to_ord));
    put(o, "period", per);
    put(o, "monthly_only", checked(json_boolean(r->monthly_only)));

    json_t *changes = checked(json_array());
    for (size_t k = 0; k < r->opts.nchanges; k++) {
        const scenario_change *c = &r->opts.changes[k];
        double planned = 0, used = 0, surplus = 0;
        for (size_t i = 0; i < r->nmonths; i++) {
            planned += r->months[i].planned_kwh[c->source];
            used += r->months[i].used_kwh[c->source];
        }
        if (!c->remove)
            surplus = planned - used;
        json_t *co = checked(json_object());
        put(co, "source", str(supply_name(c->source)));
        put(co, "action", str(c->remove ? "remove" : "add"));
        put(co, "kwh_per_year", num(&w, c->kwh_per_year));
        put(co, "profile", str(scenario_profile_name(r->profile_used[c->source])));
        put(co, "profile_text", str(r->profile_text[c->source]));
        put(co, "kwh_planned", num(&w, c->remove ? -planned : planned));
        put(co, "kwh_used", num(&w, c->remove ? -used : used));
        put(co, "surplus_kwh", num(&w, surplus));
        push(changes, co);
    }
    put(o, "changes", changes);
    put(o, "solar_profile_source", str(r->solar_source));
    /* months' grid_before_kwh / grid_after_kwh are this source's kWh */
    put(o, "replaces", str(supply_name(r->opts.replace)));
    json_t *tar = checked(json_object());
    for (int k = 0; k < SUPPLY__COUNT; k++)
        if (r->opts.has_tariff[k])
            put(tar, supply_name((enum supply_source)k), num(&w, r->opts.tariff_yuan_per_kwh[k]));
    put(o, "tariffs_yuan_per_kwh", tar);
    put(o, "fx_yuan_per_eur", num_or_null(&w, r->opts.has_fx, r->opts.fx_yuan_per_eur));
    put(o, "cbam_price_eur_per_t_co2", num_or_null(&w, r->opts.has_price, price));

    json_t *months = checked(json_array());
    for (size_t i = 0; i < r->nmonths; i++) {
        const scenario_month *sm = &r->months[i];
        json_t *mo = checked(json_object());
        put(mo, "period", period_str(sm->ord));
        json_t *pl = checked(json_object()), *us = checked(json_object());
        for (size_t k = 0; k < r->opts.nchanges; k++) {
            enum supply_source src = r->opts.changes[k].source;
            put(pl, supply_name(src), num(&w, sm->planned_kwh[src]));
            put(us, supply_name(src), num(&w, sm->used_kwh[src]));
        }
        put(mo, "planned_kwh", pl);
        put(mo, "used_kwh", us);
        put(mo, "surplus_kwh", num(&w, sm->surplus_kwh));
        put(mo, "grid_before_kwh", num(&w, sm->grid_before_kwh));
        put(mo, "grid_after_kwh", num(&w, sm->grid_after_kwh));
        push(months, mo);
    }
    put(o, "months", months);
    put(o, "surplus_kwh", num(&w, r->surplus_kwh));

    json_t *b = side_object(&w, &r->base), *sc = side_object(&w, &r->scen);
    put(o, "baseline", b);
    put(o, "scenario", sc);
    put(o, "change", difference(&w, b, sc));

    json_t *prods = checked(json_array());
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t p = ae->product_order[k];
        const alloc_product *ap = &ae->products[p];
        json_t *po = checked(json_object());
        put(po, "product_id", str(ap->p->id));
        put(po, "product_name", str(ap->p->name));
        put(po, "cn_code", str(ap->p->cn_code));
        put(po, "cbam_category", str(r->base.has_cost ? r->base.cost.products[p].category : NULL));
        json_t *pb = product_side(&w, &r->base, p, price), *ps = product_side(&w, &r->scen, p, price);
        put(po, "baseline", pb);
        put(po, "scenario", ps);
        put(po, "change", difference(&w, pb, ps));
        bool has = r->base.has_cost && r->scen.has_cost;
        put(po, "cbam_saving_eur",
            num_or_null(&w, has, has ? r->base.cost.products[p].cost_eur - r->scen.cost.products[p].cost_eur : 0));
        char why[512];
        scenario_product_reason(r, p, why, sizeof why);
        put(po, "reason", str(why));
        push(prods, po);
    }
    put(o, "products", prods);
    json_t *notes = checked(json_array());
    if (r->opts.has_price)
        push(notes, str(REPORT_JSON_COST_CHINA_NOTE));
    if (r->monthly_only)
        push(notes, str("the baseline is matched hour by hour, as in 'cbamcalc report'; the scenario changes the "
                        "matched months' totals month by month: its added kWh are not matched to the load hour by "
                        "hour"));
    if (r->surplus_kwh > 0)
        push(notes, str("added kWh beyond a month's grid kWh are a surplus (exported or curtailed): not "
                        "consumed, not counted; the grid never goes below 0"));
    const char *missing = r->base.money.missing ? r->base.money.missing : r->scen.money.missing;
    if (missing != NULL) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "electricity cost not computed: %s has kWh but no price (give --tariff %s=YUAN_PER_KWH)", missing,
                 missing);
        push(notes, str(buf));
    }
    push(notes, str("a yearly amount is spread over the period's months with electricity: months/12 of it "
                    "(the solar profile: those months' shares of a year)"));
    put(o, "notes", notes);
    json_t *diags = checked(json_array());
    for (size_t i = 0; i < dl->count; i++) {
        const diag *d = &dl->items[i];
        if (d->enterprise != NULL && strcmp(d->enterprise, e->id) != 0)
            continue;
        push(diags, diag_object(d));
    }
    put(o, "diagnostics", diags);
    if (w.bad_number) {
        json_decref(o);
        return CBAM_ERR_INTERNAL;
    }
    dump(&s, o, "");
    emits(&s, "\n");
    return sink_end(&s);
}
