/* ingest.c - canonical electricity, production and enterprise files -> ledger. */
#include "config.h"
#include "ingest.h"
#include "columns.h"
#include "parse.h"
#include "region.h"
#include "supply.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* Repeated warnings of one kind are listed this often per file, then counted. */
#define REPEAT_LIMIT   10
#define CACHE_TEXT_MAX 64

enum { E_ENTERPRISE, E_PERIOD, E_METER, E_SOURCE, E_KWH, E_ENERGY, E_UNIT, E_PRODUCT, E_FACTOR, E__N };
static const columns_spec electricity_columns[E__N] = {
    [E_ENTERPRISE] = {"enterprise_id", true},
    [E_PERIOD] = {"period", true},
    [E_METER] = {"meter_id", false},
    [E_SOURCE] = {"source", true},
    [E_KWH] = {"kwh", false},
    [E_ENERGY] = {"energy", false},
    [E_UNIT] = {"unit", false},
    [E_PRODUCT] = {"product_id", false},
    [E_FACTOR] = {"factor_id", false},
};

enum { P_ENTERPRISE, P_PERIOD, P_PRODUCT, P_NAME, P_CN, P_QUANTITY, P_UNIT, P__N };
static const columns_spec production_columns[P__N] = {
    [P_ENTERPRISE] = {"enterprise_id", true},
    [P_PERIOD] = {"period", true},
    [P_PRODUCT] = {"product_id", true},
    [P_NAME] = {"product_name", false},
    [P_CN] = {"cn_code", false},
    [P_QUANTITY] = {"quantity", true},
    [P_UNIT] = {"unit", true},
};

enum { N_ENTERPRISE, N_NAME, N_NAME_EN, N_COUNTRY, N_PROVINCE, N_ADDRESS, N__N };
static const columns_spec enterprise_columns[N__N] = {
    [N_ENTERPRISE] = {"enterprise_id", true}, [N_NAME] = {"name", true},
    [N_NAME_EN] = {"name_en", false},         [N_COUNTRY] = {"country", false},
    [N_PROVINCE] = {"province", false},       [N_ADDRESS] = {"address", false},
};

#define MAX_COLUMNS E__N

enum repeat { R_EMPTY_VALUE, R_FACTOR_IGNORED, R_CERT_PRODUCT, R__N };

struct ctx {
    ledger *l;
    const factors_db *db;
    const ingest_opts *o;
    diag_list *dl;
    enum ingest_kind kind;
    const char *name;
    int file;
    const columns_spec *spec;
    size_t nspec;
    int idx[MAX_COLUMNS];
    size_t header_fields;
    bool have_header;
    size_t errors, rows, outside, other_enterprise;
    size_t repeats[R__N];
    enum cbam_err err;

    /* Hot-path caches: consecutive rows usually share these. */
    ledger_enterprise *last_ent;
    char last_source_text[CACHE_TEXT_MAX];
    size_t last_source_len;
    enum supply_source last_source;
    bool have_last_source;
    char last_unit[CACHE_TEXT_MAX];
    size_t last_unit_len;
    double last_unit_kwh;
    bool last_unit_cert, have_last_unit;
    ledger_mark *last_mark;
    const ledger_enterprise *mark_ent;
    char mark_meter[CACHE_TEXT_MAX], mark_product[CACHE_TEXT_MAX];
    size_t mark_meter_len, mark_product_len;
    enum supply_source mark_src;
    int mark_ord;
};

const char *ingest_kind_name(enum ingest_kind kind)
{
    switch (kind) {
    case INGEST_ELECTRICITY: return "electricity";
    case INGEST_PRODUCTION: return "production";
    case INGEST_ENTERPRISES: return "enterprises";
    }
    return "?";
}

/* Reports a wrong field; returns nonzero (stop reading) past the error limit. */
__attribute__((format(printf, 4, 5))) static int row_error(struct ctx *c, const csvin_row *row, int col,
                                                           const char *fmt, ...)
{
    char msg[DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->err = CBAM_ERR_DATA;
    diag_add(c->dl, DIAG_ERROR, c->name, row->line, col >= 0 ? col + 1 : 0, "%s", msg);
    if (++c->errors >= INGEST_MAX_ERRORS) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0, "%d errors in this file; stopped reading it",
                 INGEST_MAX_ERRORS);
        return 1;
    }
    return 0;
}

/* A warning that may repeat on every row: listed REPEAT_LIMIT times, then counted. */
__attribute__((format(printf, 5, 6))) static void
row_warning(struct ctx *c, enum repeat kind, const csvin_row *row, int col, const char *fmt, ...)
{
    if (++c->repeats[kind] > REPEAT_LIMIT)
        return;
    char msg[DIAG_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(c->dl, DIAG_WARNING, c->name, row->line, col >= 0 ? col + 1 : 0, "%s", msg);
}

static const char *field(const struct ctx *c, const csvin_row *row, int k, size_t *len)
{
    const char *s = columns_field(row, c->idx[k], len);
    parse_trim(&s, len);
    return s;
}

static const char *quoted(char *buf, size_t size, const char *s, size_t len)
{
    return diag_quote(buf, size, s, len);
}

/* Reads the period column; returns false (after reporting) when it is wrong. */
static bool read_period(struct ctx *c, const csvin_row *row, int k, parse_period *p, int *stop)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    char q[200];
    switch (parse_period_text(s, len, p)) {
    case PARSE_OK: return true;
    case PARSE_EMPTY:
        *stop = row_error(c, row, c->idx[k], "period is empty; expected a month such as 2025-03");
        return false;
    case PARSE_RANGE:
        *stop = row_error(c, row, c->idx[k],
                          "period \"%s\" is out of range; expected a real date (month 1-12, "
                          "a day of that month, year %d-%d)",
                          quoted(q, sizeof q, s, len), PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
        return false;
    default:
        *stop = row_error(c, row, c->idx[k],
                          "period \"%s\" is not a period; expected YYYY-MM such as 2025-03 (or a "
                          "date such as 2025-03-01)",
                          quoted(q, sizeof q, s, len));
        return false;
    }
}

/* Reads a non-negative quantity; *skip is set for an empty cell (warned). */
static bool read_amount(struct ctx *c, const csvin_row *row, int k, double *v, bool *skip, int *stop)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    const char *col = c->spec[k].name;
    char q[200];
    *skip = false;
    switch (parse_number(s, len, v)) {
    case PARSE_OK: break;
    case PARSE_EMPTY:
        row_warning(c, R_EMPTY_VALUE, row, c->idx[k],
                    "%s is empty: the row is left out (an empty cell is not read as zero; write 0 "
                    "if nothing was measured)",
                    col);
        *skip = true;
        return false;
    case PARSE_RANGE:
        *stop = row_error(c, row, c->idx[k], "%s \"%s\" is out of range; expected a finite number", col,
                          quoted(q, sizeof q, s, len));
        return false;
    default:
        *stop = row_error(c, row, c->idx[k],
                          "%s \"%s\" is not a number; expected digits with an optional decimal "
                          "point, such as 1234.5",
                          col, quoted(q, sizeof q, s, len));
        return false;
    }
    if (*v < 0) {
        *stop = row_error(c, row, c->idx[k],
                          "%s \"%s\" is negative; expected an amount of at least 0 (net refunds "
                          "into the period's row)",
                          col, quoted(q, sizeof q, s, len));
        return false;
    }
    return true;
}

static bool ragged(struct ctx *c, const csvin_row *row, int *stop)
{
    if (row->nfields == c->header_fields)
        return false;
    *stop = row_error(c, row, -1, "%zu fields, but the header has %zu; expected one field per column",
                      row->nfields, c->header_fields);
    return true;
}

/* The enterprise of a row, or NULL when the row is for another enterprise
 * (--enterprise) or the id is empty (reported). */
static ledger_enterprise *row_enterprise(struct ctx *c, const csvin_row *row, int k, bool *skip, int *stop)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    *skip = false;
    if (len == 0) {
        *stop = row_error(c, row, c->idx[k], "enterprise_id is empty; expected the enterprise's id");
        return NULL;
    }
    if (c->last_ent != NULL && c->last_ent->id_len == len && memcmp(c->last_ent->id, s, len) == 0)
        return c->last_ent;
    if (c->o->only_enterprise != NULL &&
        !(strlen(c->o->only_enterprise) == len && memcmp(c->o->only_enterprise, s, len) == 0)) {
        c->other_enterprise++;
        *skip = true;
        return NULL;
    }
    c->last_ent = ledger_enterprise_get(c->l, s, len, true);
    return c->last_ent;
}

static bool in_range(const struct ctx *c, int ord)
{
    return !((c->o->from_ord && ord < c->o->from_ord) || (c->o->to_ord && ord > c->o->to_ord));
}

/* What every dated row starts with: one field per column, the enterprise
 * and the period, inside the reporting period. False when the row ends
 * here (reported, left out, or for another enterprise); *ret is then what
 * the row callback returns. */
static bool row_start(struct ctx *c, const csvin_row *row, int ent_k, int period_k, ledger_enterprise **e,
                      parse_period *p, int *ord, int *ret)
{
    bool skip;
    *ret = 0;
    if (ragged(c, row, ret))
        return false;
    *e = row_enterprise(c, row, ent_k, &skip, ret);
    if (*e == NULL || !read_period(c, row, period_k, p, ret))
        return false;
    *ord = period_ord(p->year, p->month);
    if (!in_range(c, *ord)) {
        c->outside++;
        return false;
    }
    return true;
}

static int electricity_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    bool skip;
    char q[200];
    size_t len;
    const char *s;
    ledger_enterprise *e;
    parse_period p;
    int ord;
    if (!row_start(c, row, E_ENTERPRISE, E_PERIOD, &e, &p, &ord, &stop))
        return stop;

    enum supply_source src;
    s = field(c, row, E_SOURCE, &len);
    if (c->have_last_source && len == c->last_source_len && memcmp(s, c->last_source_text, len) == 0) {
        src = c->last_source;
    } else if (supply_parse(s, len, &src)) {
        if (len < CACHE_TEXT_MAX) {
            memcpy(c->last_source_text, s, len);
            c->last_source_len = len;
            c->last_source = src;
            c->have_last_source = true;
        }
    } else {
        return row_error(c, row, c->idx[E_SOURCE], "source \"%s\" is unknown; expected one of %s",
                         quoted(q, sizeof q, s, len), supply_names_list());
    }

    /* Energy: a kwh column, or energy with a unit. */
    double mult = 1.0;
    bool cert_unit = false;
    int value_col = E_KWH;
    if (c->idx[E_KWH] < 0) {
        value_col = E_ENERGY;
        s = field(c, row, E_UNIT, &len);
        if (c->have_last_unit && len == c->last_unit_len && memcmp(s, c->last_unit, len) == 0) {
            mult = c->last_unit_kwh;
            cert_unit = c->last_unit_cert;
        } else {
            switch (parse_energy_unit(s, len, &mult, &cert_unit)) {
            case PARSE_OK:
                if (len < CACHE_TEXT_MAX) {
                    memcpy(c->last_unit, s, len);
                    c->last_unit_len = len;
                    c->last_unit_kwh = mult;
                    c->last_unit_cert = cert_unit;
                    c->have_last_unit = true;
                }
                break;
            case PARSE_EMPTY:
                return row_error(c, row, c->idx[E_UNIT], "unit is empty; expected kWh, MWh, 万kWh ...");
            case PARSE_NOT_ENERGY:
                return row_error(c, row, c->idx[E_UNIT],
                                 "unit \"%s\" is power, not energy; expected an energy unit "
                                 "such as kWh or MWh",
                                 quoted(q, sizeof q, s, len));
            default:
                return row_error(c, row, c->idx[E_UNIT],
                                 "unit \"%s\" is unknown; expected kWh, 度, MWh, GWh, 万kWh or 亿kWh",
                                 quoted(q, sizeof q, s, len));
            }
        }
        if (cert_unit && src != SUPPLY_CERTIFICATE)
            return row_error(c, row, c->idx[E_UNIT],
                             "unit \"%s\" counts certificates, but the source is %s; expected an "
                             "energy unit",
                             quoted(q, sizeof q, s, len), supply_name(src));
    }
    double value;
    if (!read_amount(c, row, value_col, &value, &skip, &stop))
        return stop;
    double kwh = value * mult;
    if (!isfinite(kwh))
        return row_error(c, row, c->idx[value_col], "%s is out of range once converted to kWh",
                         c->spec[value_col].name);

    /* Supplier rows carry their own factor. */
    const factor *sf = NULL;
    s = field(c, row, E_FACTOR, &len);
    if (src == SUPPLY_SUPPLIER) {
        if (len == 0)
            return row_error(c, row, c->idx[E_FACTOR] >= 0 ? c->idx[E_FACTOR] : -1,
                             "source supplier needs a factor_id naming the supplier's factor");
        char id[256];
        if (len >= sizeof id || (memcpy(id, s, len), id[len] = '\0', sf = factors_find(c->db, id)) == NULL)
            return row_error(c, row, c->idx[E_FACTOR],
                             "factor_id \"%s\" is not a known factor; expected an id from "
                             "'cbamcalc factors list' or a file given with --factors",
                             quoted(q, sizeof q, s, len));
        if (sf->kind != FACTOR_SUPPLIER)
            return row_error(c, row, c->idx[E_FACTOR],
                             "factor_id \"%s\" is a %s factor; expected a supplier factor",
                             quoted(q, sizeof q, s, len), factors_kind_name(sf->kind));
    } else if (len > 0) {
        row_warning(c, R_FACTOR_IGNORED, row, c->idx[E_FACTOR],
                    "factor_id is ignored for source %s (only supplier rows carry their own factor)",
                    supply_name(src));
    }

    size_t meter_len, product_len;
    const char *meter = field(c, row, E_METER, &meter_len);
    const char *product = field(c, row, E_PRODUCT, &product_len);
    if (src == SUPPLY_CERTIFICATE && product_len > 0) {
        row_warning(c, R_CERT_PRODUCT, row, c->idx[E_PRODUCT],
                    "product_id is ignored on certificate rows: certificates cover the "
                    "enterprise's grid purchase as a whole");
        product_len = 0;
    }

    /* Duplicate check, per meter series and month; consecutive rows of one
     * series (interval data) reuse the last mark. */
    ledger_mark *mark;
    if (c->last_mark != NULL && c->mark_ent == e && c->mark_src == src && c->mark_ord == ord &&
        c->mark_meter_len == meter_len && memcmp(c->mark_meter, meter, meter_len) == 0 &&
        c->mark_product_len == product_len && memcmp(c->mark_product, product, product_len) == 0) {
        mark = c->last_mark;
    } else {
        ledger_series_key key = {e, meter, product, meter_len, product_len, src};
        mark = ledger_series_mark(c->l, &key, ord);
        c->last_mark = NULL;
        if (meter_len < CACHE_TEXT_MAX && product_len < CACHE_TEXT_MAX) {
            c->last_mark = mark;
            c->mark_ent = e;
            c->mark_src = src;
            c->mark_ord = ord;
            memcpy(c->mark_meter, meter, meter_len);
            c->mark_meter_len = meter_len;
            memcpy(c->mark_product, product, product_len);
            c->mark_product_len = product_len;
        }
    }
    int other_file;
    long other_line;
    switch (ledger_mark_row(mark, &p, c->file, row->line, &other_file, &other_line)) {
    case LEDGER_DUP_NONE: break;
    case LEDGER_DUP_SAME:
        return row_error(c, row, c->idx[E_PERIOD],
                         "duplicate of %s:%ld (same enterprise, period, meter, product and "
                         "source); expected each meter once per period",
                         c->l->inputs[other_file].path, other_line);
    case LEDGER_DUP_MIXED:
        return row_error(c, row, c->idx[E_PERIOD],
                         "a monthly total and daily or interval rows for the same meter and month "
                         "(see %s:%ld); expected one or the other",
                         c->l->inputs[other_file].path, other_line);
    }

    ledger_month *m = ledger_month_get(e, ord);
    m->has_electricity = true;
    double supplier_kg = sf != NULL ? kwh * sf->value : 0.0;
    if (product_len > 0) {
        bool created;
        size_t pi = ledger_product_get(e, product, product_len, c->file, row->line, &created);
        ledger_cell *cell = ledger_cell_get(m, pi);
        cell->sub_kwh[src] += kwh;
        cell->sub_supplier_kg += supplier_kg;
    } else {
        m->pool_kwh[src] += kwh;
        m->pool_supplier_kg += supplier_kg;
    }
    if (sf != NULL)
        ledger_note_supplier(e, sf);
    c->rows++;
    return 0;
}

/* CN code: 8 digits, spaces allowed ("7318 15 88"); stored without spaces. */
static bool normalise_cn(const char *s, size_t len, char out[9])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (s[i] < '0' || s[i] > '9' || n == 8)
            return false;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return n == 8;
}

/* Sets *slot to the value, or checks that it agrees with what was given before. */
static bool same_or_set(char **slot, const char *s, size_t len)
{
    if (len == 0)
        return true;
    if (*slot == NULL) {
        *slot = xstrndup(s, len);
        return true;
    }
    return strlen(*slot) == len && memcmp(*slot, s, len) == 0;
}

static int production_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    bool skip;
    char q[200];
    size_t len;
    const char *s;
    ledger_enterprise *e;
    parse_period p;
    int ord;
    if (!row_start(c, row, P_ENTERPRISE, P_PERIOD, &e, &p, &ord, &stop))
        return stop;
    size_t id_len;
    const char *id = field(c, row, P_PRODUCT, &id_len);
    if (id_len == 0)
        return row_error(c, row, c->idx[P_PRODUCT], "product_id is empty; expected the product's id");

    double t_per_unit;
    s = field(c, row, P_UNIT, &len);
    enum parse_status us = parse_mass_unit(s, len, &t_per_unit);
    if (us != PARSE_OK)
        return row_error(c, row, c->idx[P_UNIT], "unit \"%s\" is not a mass; expected t or kg",
                         quoted(q, sizeof q, s, len));
    double quantity;
    if (!read_amount(c, row, P_QUANTITY, &quantity, &skip, &stop))
        return stop;

    char cn[9] = "";
    size_t cn_len;
    const char *cn_text = field(c, row, P_CN, &cn_len);
    if (cn_len > 0 && !normalise_cn(cn_text, cn_len, cn))
        return row_error(c, row, c->idx[P_CN],
                         "cn_code \"%s\" is not a CN code; expected 8 digits (spaces allowed), "
                         "such as 7318 15 88",
                         quoted(q, sizeof q, cn_text, cn_len));
    size_t name_len;
    const char *name = field(c, row, P_NAME, &name_len);

    bool created;
    size_t pi = ledger_product_get(e, id, id_len, c->file, row->line, &created);
    ledger_product *prod = &e->products[pi];
    if (!same_or_set(&prod->cn_code, cn, strlen(cn)))
        return row_error(c, row, c->idx[P_CN],
                         "cn_code %s differs from %s given for product %s earlier; expected one "
                         "CN code per product",
                         cn, prod->cn_code, prod->id);
    if (!same_or_set(&prod->name, name, name_len))
        return row_error(c, row, c->idx[P_NAME],
                         "product_name \"%s\" differs from \"%s\" given for product %s earlier; "
                         "expected one name per product",
                         quoted(q, sizeof q, name, name_len), prod->name, prod->id);

    ledger_month *m = ledger_month_get(e, ord);
    ledger_cell *cell = ledger_cell_get(m, pi);
    int other_file;
    long other_line;
    switch (ledger_mark_row(&cell->prod_mark, &p, c->file, row->line, &other_file, &other_line)) {
    case LEDGER_DUP_NONE: break;
    case LEDGER_DUP_SAME:
        return row_error(c, row, c->idx[P_PERIOD],
                         "duplicate of %s:%ld (same enterprise, period and product); expected "
                         "each product once per period",
                         c->l->inputs[other_file].path, other_line);
    case LEDGER_DUP_MIXED:
        return row_error(c, row, c->idx[P_PERIOD],
                         "a monthly total and daily rows for the same product and month (see "
                         "%s:%ld); expected one or the other",
                         c->l->inputs[other_file].path, other_line);
    }
    cell->quantity_t += quantity * t_per_unit;
    cell->has_production = true;
    c->rows++;
    return 0;
}

static int enterprise_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    bool skip;
    char q[200];
    size_t len;
    const char *s;

    if (ragged(c, row, &stop))
        return stop;
    ledger_enterprise *e = row_enterprise(c, row, N_ENTERPRISE, &skip, &stop);
    if (e == NULL)
        return stop;
    if (e->registered)
        return row_error(c, row, c->idx[N_ENTERPRISE],
                         "enterprise %s is already listed at %s:%ld; expected each enterprise once", e->id,
                         c->l->inputs[e->reg_file].path, e->reg_line);
    s = field(c, row, N_NAME, &len);
    if (len == 0)
        return row_error(c, row, c->idx[N_NAME], "name is empty; expected the enterprise's name");
    char country[3] = "CN";
    size_t clen;
    const char *cs = field(c, row, N_COUNTRY, &clen);
    if (clen > 0) {
        char a = clen == 2 ? (char)(cs[0] & ~0x20) : 0, b = clen == 2 ? (char)(cs[1] & ~0x20) : 0;
        if (!(a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z'))
            return row_error(c, row, c->idx[N_COUNTRY],
                             "country \"%s\" is not a country code; expected ISO 3166 alpha-2 "
                             "such as CN",
                             quoted(q, sizeof q, cs, clen));
        country[0] = a;
        country[1] = b;
    }
    e->registered = true;
    e->reg_file = c->file;
    e->reg_line = row->line;
    memcpy(e->country, country, 3);
    e->name = xstrndup(s, len);
    s = field(c, row, N_NAME_EN, &len);
    if (len > 0)
        e->name_en = xstrndup(s, len);
    s = field(c, row, N_ADDRESS, &len);
    if (len > 0)
        e->address = xstrndup(s, len);
    s = field(c, row, N_PROVINCE, &len);
    if (len > 0) {
        e->province_text = xstrndup(s, len);
        e->province = region_province(s, len);
        if (e->province == NULL && strcmp(country, "CN") == 0)
            diag_add(c->dl, DIAG_WARNING, c->name, row->line, c->idx[N_PROVINCE] + 1,
                     "province \"%s\" is not a province with MEE factors; %s will get the national "
                     "average factor",
                     quoted(q, sizeof q, s, len), e->id);
    }
    c->rows++;
    return 0;
}

static int on_row(void *vc, const csvin_row *row)
{
    struct ctx *c = vc;
    if (!c->have_header) {
        c->have_header = true;
        c->header_fields = row->nfields;
        if (columns_map(c->spec, c->nspec, row, c->name, c->dl, c->idx) != CBAM_OK) {
            c->err = CBAM_ERR_DATA;
            return 1;
        }
        if (c->kind == INGEST_ELECTRICITY) {
            bool has_kwh = c->idx[E_KWH] >= 0, has_energy = c->idx[E_ENERGY] >= 0;
            if (has_kwh == has_energy) {
                diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0,
                         has_kwh ? "both 'kwh' and 'energy' columns; expected one of them"
                                 : "no energy column; expected 'kwh', or 'energy' with 'unit'");
                c->err = CBAM_ERR_DATA;
                return 1;
            }
            if (has_energy && c->idx[E_UNIT] < 0) {
                diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0,
                         "column 'energy' needs a 'unit' column (kWh, MWh, 万kWh ...)");
                c->err = CBAM_ERR_DATA;
                return 1;
            }
        }
        return 0;
    }
    switch (c->kind) {
    case INGEST_ELECTRICITY: return electricity_row(c, row);
    case INGEST_PRODUCTION: return production_row(c, row);
    case INGEST_ENTERPRISES: return enterprise_row(c, row);
    }
    return 1;
}

static void on_progress(void *vc, size_t done, size_t total)
{
    struct ctx *c = vc;
    c->o->progress(c->o->progress_ctx, c->name, done, total);
}

static void ctx_init(struct ctx *c, ledger *l, const factors_db *db, enum ingest_kind kind, const char *name,
                     const ingest_opts *o, diag_list *dl)
{
    memset(c, 0, sizeof *c);
    c->l = l;
    c->db = db;
    c->o = o;
    c->dl = dl;
    c->kind = kind;
    c->file = ledger_add_input(l, name, ingest_kind_name(kind));
    c->name = l->inputs[c->file].path;
    switch (kind) {
    case INGEST_ELECTRICITY:
        c->spec = electricity_columns;
        c->nspec = E__N;
        break;
    case INGEST_PRODUCTION:
        c->spec = production_columns;
        c->nspec = P__N;
        break;
    case INGEST_ENTERPRISES:
        c->spec = enterprise_columns;
        c->nspec = N__N;
        break;
    }
}

static enum cbam_err ctx_finish(struct ctx *c, enum cbam_err err, const csvin_stats *st)
{
    ledger_input *in = &c->l->inputs[c->file];
    memcpy(in->sha256, st->sha256, sizeof in->sha256);
    in->rows = c->rows;
    if (err == CBAM_ERR_NOINPUT)
        return err;
    if (!c->have_header) {
        if (err == CBAM_OK)
            diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "empty file; expected a header line and %s rows",
                     ingest_kind_name(c->kind));
        return CBAM_ERR_DATA;
    }
    if (c->err == CBAM_OK && err == CBAM_OK && c->rows == 0 && c->outside == 0 && c->other_enterprise == 0 &&
        c->repeats[R_EMPTY_VALUE] == 0) {
        diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "a header but no data rows; expected %s rows",
                 ingest_kind_name(c->kind));
        return CBAM_ERR_DATA;
    }
    for (int r = 0; r < R__N; r++)
        if (c->repeats[r] > REPEAT_LIMIT)
            diag_add(c->dl, DIAG_WARNING, c->name, 0, 0,
                     "%zu more rows with the same warning as above were not listed",
                     c->repeats[r] - REPEAT_LIMIT);
    if (c->outside > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu rows outside the reporting period were left out",
                 c->outside);
    if (c->other_enterprise > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu rows of other enterprises were left out",
                 c->other_enterprise);
    return err != CBAM_OK ? err : c->err;
}

enum cbam_err ingest_file(ledger *l, const factors_db *db, enum ingest_kind kind, const char *path,
                          const ingest_opts *o, diag_list *dl)
{
    struct ctx c;
    ctx_init(&c, l, db, kind, strcmp(path, "-") == 0 ? "<stdin>" : path, o, dl);
    csvin_opts co = {.chunk_size = o->chunk_size, .progress = o->progress ? on_progress : NULL};
    csvin_stats st = {0};
    enum cbam_err err = csvin_read_file(path, c.name, &co, on_row, &c, dl, &st);
    return ctx_finish(&c, err, &st);
}

enum cbam_err ingest_mem(ledger *l, const factors_db *db, enum ingest_kind kind, const char *name,
                         const void *buf, size_t len, const ingest_opts *o, diag_list *dl)
{
    struct ctx c;
    ctx_init(&c, l, db, kind, name, o, dl);
    csvin_opts co = {.chunk_size = o->chunk_size};
    csvin_stats st = {0};
    enum cbam_err err = csvin_read_mem(c.name, buf, len, &co, on_row, &c, dl, &st);
    return ctx_finish(&c, err, &st);
}
