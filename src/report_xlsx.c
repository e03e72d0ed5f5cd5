/* report_xlsx.c - the workbook, written with libxlsxwriter (see report_xlsx.h).
 *
 * Layout in short: Electricity holds one row per month with the kWh by
 * source as values and every derived figure as a formula over them and over
 * the factor values on Factors; Products holds the attribution per product
 * and month; Summary refers to both. Every lxw_error is kept, the first one
 * decides, and workbook_close() has the last word.
 */
#include "config.h"
#include "report_xlsx.h"
#include "cbamgoods.h"
#include "labels.h"
#include "parse.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define FORMULA_MAX 512

struct xw {
    lxw_workbook *wb;
    bool zh;
    lxw_error err;   /* the first libxlsxwriter error */
    bool bad_number; /* a figure was not finite: a bug, nothing is written */
    lxw_format *title, *head, *text, *bold, *kwh, *kwh_bold, *t3, *t3_bold, *ef, *share, *see, *wrap, *ok,
        *missing, *warn;
};

static void ck(struct xw *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
        x->err = e;
}

static const char *L(struct xw *x, enum label l)
{
    return label(l, x->zh);
}

static void str(struct xw *x, lxw_worksheet *ws, int r, int c, const char *s, lxw_format *f)
{
    if (s == NULL || *s == '\0')
        ck(x, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, f));
    else
        ck(x, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, f));
}

static void num(struct xw *x, lxw_worksheet *ws, int r, int c, double v, lxw_format *f)
{
    if (!isfinite(v)) {
        x->bad_number = true;
        return;
    }
    ck(x, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, v == 0 ? 0.0 : v, f));
}

/* A formula with its cached result (the engine's own number). */
__attribute__((format(printf, 7, 8))) static void fnum(struct xw *x, lxw_worksheet *ws, int r, int c,
                                                       lxw_format *f, double cached, const char *fmt, ...)
{
    char formula[FORMULA_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(formula, sizeof formula, fmt, ap);
    va_end(ap);
    if (!isfinite(cached) || n < 0 || (size_t)n >= sizeof formula) {
        x->bad_number = true;
        return;
    }
    ck(x,
       worksheet_write_formula_num(ws, (lxw_row_t)r, (lxw_col_t)c, formula, f, cached == 0 ? 0.0 : cached));
}

/* Lines that text needs in a wrapped column of the given width (in
 * characters; a CJK character takes two). */
static int wrapped_lines(const char *text, double width)
{
    if (text == NULL || width < 1)
        return 1;
    double used = 0;
    int lines = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue; /* continuation byte */
        used += *p >= 0xE0 ? 2.0 : 1.0;
        if (used > width) {
            lines++;
            used = *p >= 0xE0 ? 2.0 : 1.0;
        }
    }
    return lines;
}

/* Row r tall enough for each (text, width) pair: libxlsxwriter does not size
 * rows with wrapped text, and not every spreadsheet program does on opening. */
static void fit_row(struct xw *x, lxw_worksheet *ws, int r, int n, const char *const *texts,
                    const double *col_widths)
{
    int lines = 1;
    for (int i = 0; i < n; i++) {
        int l = wrapped_lines(texts[i], col_widths[i] * 1.1);
        if (l > lines)
            lines = l;
    }
    if (lines > 1)
        ck(x, worksheet_set_row(ws, (lxw_row_t)r, 15.0 * lines, NULL));
}

/* "B7" for row 6, column 1 (0-based), optionally absolute ("$B$7"). */
static const char *cell(char *buf, int r, int c, bool absolute)
{
    char name[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(name, (lxw_row_t)r, (lxw_col_t)c);
    if (!absolute) {
        snprintf(buf, LXW_MAX_CELL_NAME_LENGTH + 4, "%s", name);
        return buf;
    }
    size_t i = 0;
    while (name[i] >= 'A' && name[i] <= 'Z')
        i++;
    snprintf(buf, LXW_MAX_CELL_NAME_LENGTH + 4, "$%.*s$%s", (int)i, name, name + i);
    return buf;
}

static lxw_format *format(struct xw *x, const char *num_format, bool bold)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (f == NULL)
        xalloc_die();
    if (num_format)
        format_set_num_format(f, num_format);
    if (bold)
        format_set_bold(f);
    return f;
}

static void make_formats(struct xw *x)
{
    x->title = format(x, NULL, true);
    format_set_font_size(x->title, 14);
    x->head = format(x, NULL, true);
    format_set_bg_color(x->head, 0xDDEBF7);
    format_set_text_wrap(x->head);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(x->head, LXW_BORDER_THIN);
    x->text = format(x, "@", false);
    x->bold = format(x, NULL, true);
    x->kwh = format(x, "#,##0", false);
    x->kwh_bold = format(x, "#,##0", true);
    x->t3 = format(x, "#,##0.000", false);
    x->t3_bold = format(x, "#,##0.000", true);
    x->ef = format(x, "0.0000", false);
    x->share = format(x, "0.0%", false);
    x->see = format(x, "0.0000", false);
    x->wrap = format(x, NULL, false);
    format_set_text_wrap(x->wrap);
    format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
    x->ok = format(x, NULL, false);
    format_set_font_color(x->ok, 0x548235);
    format_set_align(x->ok, LXW_ALIGN_CENTER);
    x->missing = format(x, NULL, true);
    format_set_font_color(x->missing, 0xC00000);
    format_set_bg_color(x->missing, 0xFCE4D6);
    format_set_align(x->missing, LXW_ALIGN_CENTER);
    x->warn = format(x, NULL, true);
    format_set_font_color(x->warn, 0xC00000);
}

/* Landscape, one page wide, header rows repeated: a printable table. */
static lxw_worksheet *sheet(struct xw *x, const char *name, int header_row)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (ws == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    if (header_row >= 0) {
        ck(x, worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row));
        worksheet_freeze_panes(ws, (lxw_row_t)header_row + 1, 0);
    }
    return ws;
}

static void widths(struct xw *x, lxw_worksheet *ws, const double *w, int n)
{
    for (int c = 0; c < n; c++)
        ck(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c], NULL));
}

static void header(struct xw *x, lxw_worksheet *ws, int r, const char *const *labels, int n)
{
    double height = 15;
    for (int c = 0; c < n; c++) {
        str(x, ws, r, c, labels[c], x->head);
        size_t len = strlen(labels[c]);
        if (len > 26)
            height = 46; /* three lines of a wrapped header */
        else if (len > 14 && height < 32)
            height = 32;
    }
    ck(x, worksheet_set_row(ws, (lxw_row_t)r, height, NULL));
}

/* ---- the factors of this enterprise, each with its row on Factors ---- */

struct used_factor {
    const factor *f;
    char used_for[64];
};

struct factor_rows {
    struct used_factor *v;
    size_t n;
};

static int factor_row(const struct factor_rows *fr, const factor *f)
{
    for (size_t i = 0; i < fr->n; i++)
        if (fr->v[i].f == f)
            return (int)i + 1; /* row 0 is the header */
    return -1;
}

static void use_factor(struct factor_rows *fr, const factor *f, const char *what)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < fr->n; i++) {
        if (fr->v[i].f != f)
            continue;
        struct used_factor *u = &fr->v[i];
        if (strstr(u->used_for, what) == NULL) {
            size_t len = strlen(u->used_for);
            snprintf(u->used_for + len, sizeof u->used_for - len, ", %s", what);
        }
        return;
    }
    fr->v = xreallocarray(fr->v, fr->n + 1, sizeof *fr->v);
    fr->v[fr->n].f = f;
    snprintf(fr->v[fr->n].used_for, sizeof fr->v[fr->n].used_for, "%s", what);
    fr->n++;
}

static void collect_factors(const alloc_enterprise *ae, struct factor_rows *fr)
{
    for (size_t i = 0; i < ae->nmonths; i++) {
        use_factor(fr, ae->months[i].f.location, "location");
        use_factor(fr, ae->months[i].f.residual, "residual (market)");
        use_factor(fr, ae->months[i].f.cbam, "CBAM");
    }
    for (size_t i = 0; i < ae->e->nsuppliers; i++)
        use_factor(fr, ae->e->suppliers[i], "supplier (market)");
}

static void write_factors(struct xw *x, const struct factor_rows *fr)
{
    lxw_worksheet *ws = sheet(x, "Factors", 0);
    if (ws == NULL)
        return;
    const char *h[] = {L(x, L_ID),     L(x, L_VALUE), L(x, L_UNIT),   L(x, L_YEAR), L(x, L_KIND),
                       L(x, L_SOURCE), L(x, L_URL),   L(x, L_STATUS), L(x, L_NOTE), L(x, L_USED_FOR)};
    static const double w[] = {26, 12, 12, 7, 14, 60, 26, 11, 60, 20};
    header(x, ws, 0, h, 10);
    widths(x, ws, w, 10);
    for (size_t i = 0; i < fr->n; i++) {
        const factor *f = fr->v[i].f;
        int r = (int)i + 1;
        str(x, ws, r, 0, f->id, x->text);
        num(x, ws, r, 1, f->value, x->ef);
        str(x, ws, r, 2, f->unit, NULL);
        if (f->year)
            num(x, ws, r, 3, f->year, NULL);
        str(x, ws, r, 4, factors_kind_name(f->kind), NULL);
        str(x, ws, r, 5, f->source, x->wrap);
        str(x, ws, r, 6, f->url, NULL);
        str(x, ws, r, 7, f->status, NULL);
        str(x, ws, r, 8, f->note, x->wrap);
        str(x, ws, r, 9, fr->v[i].used_for, NULL);
        const char *texts[] = {f->source, f->note};
        const double tw[] = {w[5], w[8]};
        fit_row(x, ws, r, 2, texts, tw);
    }
    ck(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)fr->n, 9));
}

/* "=Factors!$B$5", or NULL when the factor has no row. */
static const char *factor_ref(char *buf, size_t size, const struct factor_rows *fr, const factor *f)
{
    int row = factor_row(fr, f);
    if (row < 0)
        return NULL;
    char c[LXW_MAX_CELL_NAME_LENGTH + 4];
    snprintf(buf, size, "Factors!%s", cell(c, row, 1, true));
    return buf;
}

/* ---- Electricity: one row per month, formulas over values ---- */

enum {
    E_MONTH,
    E_GRID,
    E_TRADE,
    E_PPA,
    E_DIRECT,
    E_ONSITE,
    E_SUPPLIER,
    E_CONS,
    E_CERT,
    E_CERT_USED,
    E_EF_LOC,
    E_EF_RES,
    E_EF_SUP,
    E_EF_CBAM,
    E_LOC_T,
    E_MKT_T,
    E_CBAM_T,
    E_UNALLOC,
    E_NOTE,
    E__N
};

static const enum supply_source e_sources[6] = {SUPPLY_GRID,         SUPPLY_GREEN_TRADE, SUPPLY_GREEN_PPA,
                                                SUPPLY_GREEN_DIRECT, SUPPLY_ONSITE,      SUPPLY_SUPPLIER};

/* Writes the factor cell of a month: a reference to Factors, cached value. */
static void ef_cell(struct xw *x, lxw_worksheet *ws, int r, int c, const struct factor_rows *fr,
                    const factor *f)
{
    char ref[64];
    if (f != NULL && factor_ref(ref, sizeof ref, fr, f) != NULL)
        fnum(x, ws, r, c, x->ef, f->value, "=%s", ref);
}

static int write_electricity(struct xw *x, const alloc_enterprise *ae, const struct factor_rows *fr)
{
    lxw_worksheet *ws = sheet(x, "Electricity", 0);
    if (ws == NULL)
        return 0;
    const char *h[E__N] = {L(x, L_MONTH),        L(x, L_GRID),
                           L(x, L_GREEN_TRADE),  L(x, L_GREEN_PPA),
                           L(x, L_GREEN_DIRECT), L(x, L_ONSITE),
                           L(x, L_SUPPLIER),     L(x, L_CONSUMPTION),
                           L(x, L_CERTIFICATES), L(x, L_CERTIFICATES_USED),
                           L(x, L_EF_LOCATION),  L(x, L_EF_RESIDUAL),
                           L(x, L_EF_SUPPLIER),  L(x, L_EF_CBAM),
                           L(x, L_LOCATION_T),   L(x, L_MARKET_T),
                           L(x, L_CBAM_T),       L(x, L_UNALLOCATED_KWH),
                           L(x, L_NOTE)};
    static const double w[E__N] = {9, 14, 14, 12, 14, 13, 14, 15, 14, 14, 12, 12, 12, 12, 14, 14, 14, 14, 24};
    header(x, ws, 0, h, E__N);
    widths(x, ws, w, E__N);

    char a[16], b[16], c[16], d[16], g[16], i_[16], j[16], k[16], l_[16], m[16], n_[16];
    int r = 1;
    for (size_t mi = 0; mi < ae->nmonths; mi++, r++) {
        const alloc_month *am = &ae->months[mi];
        char per[8];
        period_format(am->ord, per, sizeof per);
        str(x, ws, r, E_MONTH, per, x->text);
        for (int s = 0; s < 6; s++)
            num(x, ws, r, E_GRID + s, am->kwh.source[e_sources[s]], x->kwh);
        cell(b, r, E_GRID, false);
        cell(c, r, E_TRADE, false);
        cell(d, r, E_PPA, false);
        cell(g, r, E_SUPPLIER, false);
        cell(i_, r, E_CERT, false);
        cell(j, r, E_CERT_USED, false);
        cell(k, r, E_EF_LOC, false);
        cell(l_, r, E_EF_RES, false);
        cell(m, r, E_EF_SUP, false);
        cell(n_, r, E_EF_CBAM, false);
        fnum(x, ws, r, E_CONS, x->kwh, am->kwh.consumption, "=SUM(%s:%s)", b, cell(a, r, E_SUPPLIER, false));
        num(x, ws, r, E_CERT, am->kwh.source[SUPPLY_CERTIFICATE], x->kwh);
        fnum(x, ws, r, E_CERT_USED, x->kwh, am->kwh.certificates_used, "=MIN(%s,%s)", i_, b);
        ef_cell(x, ws, r, E_EF_LOC, fr, am->f.location);
        ef_cell(x, ws, r, E_EF_RES, fr, am->f.residual);
        ef_cell(x, ws, r, E_EF_CBAM, fr, am->f.cbam);
        double sup_kwh = am->kwh.source[SUPPLY_SUPPLIER];
        if (sup_kwh > 0) {
            /* One supplier factor: a reference; several: their kWh-weighted mean. */
            if (ae->e->nsuppliers == 1)
                ef_cell(x, ws, r, E_EF_SUP, fr, ae->e->suppliers[0]);
            else
                num(x, ws, r, E_EF_SUP, am->supplier_kg / sup_kwh, x->ef);
        }
        fnum(x, ws, r, E_LOC_T, x->t3, am->em.location, "=(%s+%s+%s+%s)*%s/1000", b, c, d, g, k);
        fnum(x, ws, r, E_MKT_T, x->t3, am->em.market, "=((%s-%s)*%s+%s*%s)/1000", b, j, l_, g, m);
        fnum(x, ws, r, E_CBAM_T, x->t3, am->em.cbam, "=(%s+%s+%s)*%s/1000", b, c, g, n_);
        num(x, ws, r, E_UNALLOC, am->kwh.unallocated, x->kwh);
        if (!am->has_electricity)
            str(x, ws, r, E_NOTE, x->zh ? "无用电记录" : "no electricity rows", x->missing);
    }
    /* Totals */
    int last = r - 1;
    str(x, ws, r, E_MONTH, L(x, L_TOTAL), x->bold);
    struct {
        int col;
        double v;
        lxw_format *f;
    } tot[] = {
        {E_GRID, ae->kwh.source[SUPPLY_GRID], x->kwh_bold},
        {E_TRADE, ae->kwh.source[SUPPLY_GREEN_TRADE], x->kwh_bold},
        {E_PPA, ae->kwh.source[SUPPLY_GREEN_PPA], x->kwh_bold},
        {E_DIRECT, ae->kwh.source[SUPPLY_GREEN_DIRECT], x->kwh_bold},
        {E_ONSITE, ae->kwh.source[SUPPLY_ONSITE], x->kwh_bold},
        {E_SUPPLIER, ae->kwh.source[SUPPLY_SUPPLIER], x->kwh_bold},
        {E_CONS, ae->kwh.consumption, x->kwh_bold},
        {E_CERT, ae->kwh.source[SUPPLY_CERTIFICATE], x->kwh_bold},
        {E_CERT_USED, ae->kwh.certificates_used, x->kwh_bold},
        {E_LOC_T, ae->em.location, x->t3_bold},
        {E_MKT_T, ae->em.market, x->t3_bold},
        {E_CBAM_T, ae->em.cbam, x->t3_bold},
        {E_UNALLOC, ae->kwh.unallocated, x->kwh_bold},
    };
    for (size_t t = 0; t < sizeof tot / sizeof tot[0]; t++)
        fnum(x, ws, r, tot[t].col, tot[t].f, tot[t].v, "=SUM(%s:%s)", cell(a, 1, tot[t].col, false),
             cell(b, last, tot[t].col, false));
    ck(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)last, E__N - 1));
    return r; /* the totals row */
}

/* ---- Products: attribution per product and month ---- */

enum {
    P_ID,
    P_NAME,
    P_CN,
    P_MONTH,
    P_QTY,
    P_SUB,
    P_ALLOC,
    P_KEY,
    P_KWH,
    P_LOC,
    P_MKT,
    P_CBAM,
    P_SEE_LOC,
    P_SEE_MKT,
    P_SEE_CBAM,
    P_MWH_T,
    P__N
};

struct prow {
    double qty, sub, alloc, key;
    bool has_key;
    alloc_em em;
};

static void product_row(struct xw *x, lxw_worksheet *ws, int r, const char *id, const char *name,
                        const char *cn, const char *month, const struct prow *p, bool period)
{
    char e[16], f[16], g[16], j[16], k[16], l_[16], i_[16];
    lxw_format *kf = period ? x->kwh_bold : x->kwh, *tf = period ? x->t3_bold : x->t3;
    str(x, ws, r, P_ID, id, period ? x->bold : x->text);
    str(x, ws, r, P_NAME, name, NULL);
    str(x, ws, r, P_CN, cn, x->text);
    str(x, ws, r, P_MONTH, month, period ? x->bold : x->text);
    num(x, ws, r, P_QTY, p->qty, tf);
    num(x, ws, r, P_SUB, p->sub, kf);
    num(x, ws, r, P_ALLOC, p->alloc, kf);
    if (p->has_key)
        num(x, ws, r, P_KEY, p->key, x->share);
    cell(e, r, P_QTY, false);
    cell(f, r, P_SUB, false);
    cell(g, r, P_ALLOC, false);
    double kwh = p->sub + p->alloc;
    fnum(x, ws, r, P_KWH, kf, kwh, "=%s+%s", f, g);
    num(x, ws, r, P_LOC, p->em.location, tf);
    num(x, ws, r, P_MKT, p->em.market, tf);
    num(x, ws, r, P_CBAM, p->em.cbam, tf);
    if (p->qty > 0) {
        cell(i_, r, P_KWH, false);
        cell(j, r, P_LOC, false);
        cell(k, r, P_MKT, false);
        cell(l_, r, P_CBAM, false);
        fnum(x, ws, r, P_SEE_LOC, x->see, p->em.location / p->qty, "=%s/%s", j, e);
        fnum(x, ws, r, P_SEE_MKT, x->see, p->em.market / p->qty, "=%s/%s", k, e);
        fnum(x, ws, r, P_SEE_CBAM, x->see, p->em.cbam / p->qty, "=%s/%s", l_, e);
        fnum(x, ws, r, P_MWH_T, x->see, kwh / 1000.0 / p->qty, "=%s/1000/%s", i_, e);
    }
}

/* Returns the row of each product's period line through period_rows (by
 * ledger index), for the Summary to refer to. */
static void write_products(struct xw *x, const alloc_enterprise *ae, int *period_rows)
{
    lxw_worksheet *ws = sheet(x, "Products", 0);
    if (ws == NULL)
        return;
    const char *h[P__N] = {
        L(x, L_PRODUCT),         L(x, L_PRODUCT_NAME), L(x, L_CN_CODE),   L(x, L_MONTH),
        L(x, L_QUANTITY_T),      L(x, L_KWH_SUB),      L(x, L_KWH_ALLOC), L(x, L_KEY),
        L(x, L_ELECTRICITY_KWH), L(x, L_LOCATION_T),   L(x, L_MARKET_T),  L(x, L_CBAM_T),
        L(x, L_SEE_LOCATION),    L(x, L_SEE_MARKET),   L(x, L_SEE_CBAM),  L(x, L_MWH_PER_T)};
    static const double w[P__N] = {16, 28, 12, 9, 12, 14, 14, 12, 15, 13, 13, 13, 12, 12, 12, 11};
    header(x, ws, 0, h, P__N);
    widths(x, ws, w, P__N);
    const char *period_label = L(x, L_PERIOD_TOTAL);
    int r = 1;
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t pi = ae->product_order[k];
        const alloc_product *ap = &ae->products[pi];
        char cn[16];
        cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn);
        struct prow pr = {ap->quantity_t, ap->kwh_sub, ap->kwh_alloc, 0, false, ap->em};
        period_rows[pi] = r;
        product_row(x, ws, r++, ap->p->id, ap->p->name, cn, period_label, &pr, true);
        for (size_t mi = 0; mi < ae->nmonths; mi++) {
            const alloc_month *am = &ae->months[mi];
            const alloc_product_month *pm = &am->products[pi];
            if (pm->quantity_t == 0 && pm->kwh_sub == 0 && pm->kwh_alloc == 0)
                continue;
            char per[8];
            period_format(am->ord, per, sizeof per);
            struct prow mr = {pm->quantity_t, pm->kwh_sub, pm->kwh_alloc, pm->share, true, pm->em};
            product_row(x, ws, r++, ap->p->id, ap->p->name, cn, per, &mr, false);
        }
    }
    /* Unallocated kWh, so that the columns add up to the Electricity sheet. */
    struct prow un = {0, 0, ae->kwh.unallocated, 0, false, ae->unallocated_em};
    const char *un_label = L(x, L_UNALLOCATED);
    product_row(x, ws, r++, un_label, NULL, NULL, period_label, &un, true);
    for (size_t mi = 0; mi < ae->nmonths; mi++) {
        const alloc_month *am = &ae->months[mi];
        if (am->kwh.unallocated == 0)
            continue;
        char per[8];
        period_format(am->ord, per, sizeof per);
        struct prow mr = {0, 0, am->kwh.unallocated, 0, false, am->unallocated_em};
        product_row(x, ws, r++, un_label, NULL, NULL, per, &mr, false);
    }
    int last = r - 1;
    /* Total of the period lines = the Electricity sheet's totals. */
    str(x, ws, r, P_ID, L(x, L_TOTAL), x->bold);
    char col_from[16], col_to[16], mfrom[16], mto[16];
    cell(mfrom, 1, P_MONTH, true);
    cell(mto, last, P_MONTH, true);
    struct {
        int col;
        double v;
        lxw_format *f;
    } tot[] = {
        {P_QTY, 0, x->t3_bold},
        {P_KWH, ae->kwh.consumption, x->kwh_bold},
        {P_LOC, ae->em.location, x->t3_bold},
        {P_MKT, ae->em.market, x->t3_bold},
        {P_CBAM, ae->em.cbam, x->t3_bold},
    };
    for (size_t k = 0; k < ae->nproducts; k++)
        tot[0].v += ae->products[k].quantity_t;
    for (size_t t = 0; t < sizeof tot / sizeof tot[0]; t++)
        fnum(x, ws, r, tot[t].col, tot[t].f, tot[t].v, "=SUMIF(%s:%s,\"%s\",%s:%s)", mfrom, mto, period_label,
             cell(col_from, 1, tot[t].col, false), cell(col_to, last, tot[t].col, false));
    ck(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)last, P__N - 1));
}

/* ---- CBAM_Communication: the template's Summary_Communication columns ---- */

static void write_cbam(struct xw *x, const alloc_enterprise *ae)
{
    static const int H = 4; /* header row */
    lxw_worksheet *ws = sheet(x, "CBAM_Communication", H);
    if (ws == NULL)
        return;
    str(x, ws, 0, 0,
        "Summary of products (layout of the CBAM communication template v2.1.1, sheet Summary_Communication)",
        x->title);
    str(x, ws, 1, 0,
        "Electricity only: SEE (direct) is left empty for the operator's direct emissions; SEE (total) "
        "adds it once entered. SEE (indirect) is the CBAM method: grid, green trade and supplier kWh at "
        "the grid factor, direct line, on-site and PPA at 0.",
        NULL);
    if (ae->kwh.source[SUPPLY_GREEN_DIRECT] > 0 || ae->kwh.source[SUPPLY_GREEN_PPA] > 0)
        str(x, ws, 2, 0, label(L_HOURLY_NOTE, false), x->warn);
    static const char *const h[] = {"Production process from which the products arise",
                                    "Type of aggregated good or precursor",
                                    "CN Codes",
                                    "CN Name",
                                    "SEE (direct)",
                                    "SEE (indirect)",
                                    "SEE (total)",
                                    "Unit",
                                    "Source for electricity EF",
                                    "Embedded electricity (MWh/t)",
                                    "Electricity EF (tCO2/MWh)",
                                    "Indirect emissions in the CBAM liability from 2026",
                                    "CBAM sector",
                                    "Quantity (t)"};
    static const double w[] = {22, 24, 12, 30, 10, 12, 10, 9, 12, 14, 14, 18, 14, 12};
    int n = (int)(sizeof h / sizeof h[0]);
    header(x, ws, H, h, n);
    widths(x, ws, w, n);
    int r = H + 1;
    for (size_t k = 0; k < ae->nproducts; k++, r++) {
        const alloc_product *ap = &ae->products[ae->product_order[k]];
        cbamgoods_info gi = cbamgoods_lookup(ap->p->cn_code);
        char cn[16], e[16], f[16];
        str(x, ws, r, 0, ap->p->id, x->text);
        str(x, ws, r, 1,
            gi.category ? gi.category : (ap->p->cn_code ? "(not a CBAM good)" : "(no CN code given)"), NULL);
        str(x, ws, r, 2, cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn), x->text);
        str(x, ws, r, 3, ap->p->name, NULL);
        if (ap->has_see) {
            num(x, ws, r, 5, ap->see.cbam, x->see);
            char formula[96];
            snprintf(formula, sizeof formula, "=IF(ISNUMBER(%s),%s+%s,\"\")", cell(e, r, 4, false), e,
                     cell(f, r, 5, false));
            ck(x, worksheet_write_formula_str(ws, (lxw_row_t)r, 6, formula, x->see, ""));
            num(x, ws, r, 9, ap->mwh_per_t, x->see);
        }
        str(x, ws, r, 7, "tCO2e/t", NULL);
        str(x, ws, r, 8, ap->cbam_code, NULL);
        if (ap->has_cbam_ef)
            num(x, ws, r, 10, ap->cbam_ef, x->ef);
        str(x, ws, r, 11,
            gi.category ? (gi.indirect_in_liability ? "yes" : "no (direct emissions only)")
                        : "not a CBAM good",
            NULL);
        str(x, ws, r, 12, gi.sector, NULL);
        num(x, ws, r, 13, ap->quantity_t, x->t3);
    }
    if (ae->nproducts > 0)
        ck(x, worksheet_autofilter(ws, (lxw_row_t)H, 0, (lxw_row_t)(r - 1), (lxw_col_t)(n - 1)));
}

/* ---- Data_Quality: diagnostics and the completeness grid ---- */

static void write_quality(struct xw *x, const ledger *l, const alloc_enterprise *ae, const diag_list *dl)
{
    lxw_worksheet *ws = sheet(x, "Data_Quality", 1);
    if (ws == NULL)
        return;
    str(x, ws, 0, 0, L(x, L_DIAGNOSTICS), x->title);
    const char *h[] = {L(x, L_SEVERITY), L(x, L_FILE), L(x, L_LINE), L(x, L_COLUMN), L(x, L_MESSAGE)};
    static const double w[] = {10, 34, 8, 8, 110};
    header(x, ws, 1, h, 5);
    widths(x, ws, w, 5);
    int r = 2;
    size_t listed = 0;
    for (size_t i = 0; i < dl->count; i++) {
        const diag *d = &dl->items[i];
        if (d->enterprise != NULL && strcmp(d->enterprise, ae->e->id) != 0)
            continue; /* about another enterprise of the same inputs */
        listed++;
        str(x, ws, r, 0, diag_severity_name(d->severity), d->severity == DIAG_ERROR ? x->missing : NULL);
        str(x, ws, r, 1, d->file, x->text);
        if (d->line > 0)
            num(x, ws, r, 2, (double)d->line, NULL);
        if (d->column > 0)
            num(x, ws, r, 3, d->column, NULL);
        str(x, ws, r, 4, d->message, x->wrap);
        fit_row(x, ws, r, 1, (const char *const[]){d->message}, &w[4]);
        r++;
    }
    if (listed == 0)
        str(x, ws, r++, 0, L(x, L_NO_DIAGNOSTICS), NULL);
    else
        ck(x, worksheet_autofilter(ws, 1, 0, (lxw_row_t)(r - 1), 4));
    if (dl->dropped > 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "%zu further diagnostics were counted but not listed", dl->dropped);
        str(x, ws, r++, 4, msg, NULL);
    }

    /* Completeness: one row per meter series, one column per month. */
    r += 2;
    str(x, ws, r++, 0, L(x, L_COMPLETENESS), x->title);
    str(x, ws, r, 0, L(x, L_METER), x->head);
    str(x, ws, r, 1, L(x, L_SUPPLY), x->head);
    str(x, ws, r, 2, L(x, L_PRODUCT), x->head);
    for (size_t mi = 0; mi < ae->nmonths; mi++) {
        char per[8];
        period_format(ae->months[mi].ord, per, sizeof per);
        str(x, ws, r, 5 + (int)mi, per, x->head);
    }
    ck(x, worksheet_set_column(ws, 5, (lxw_col_t)(5 + (ae->nmonths ? ae->nmonths - 1 : 0)), 9, NULL));
    r++;
    for (size_t si = 0; si < l->nseries; si++) {
        const ledger_series *s = l->series[si];
        if (s->enterprise != ae->e)
            continue;
        str(x, ws, r, 0, s->meter[0] ? s->meter : "-", x->text);
        str(x, ws, r, 1, supply_name(s->source), NULL);
        str(x, ws, r, 2, s->product, x->text);
        for (size_t mi = 0; mi < ae->nmonths; mi++) {
            bool present = false;
            for (size_t k = 0; k < s->n && !present; k++)
                present = s->marks[k].ord == ae->months[mi].ord;
            str(x, ws, r, 5 + (int)mi, present ? L(x, L_PRESENT) : L(x, L_MISSING),
                present ? x->ok : x->missing);
        }
        r++;
    }
}

/* ---- Method ---- */

static const char *const method_en[] = {
    "How every figure in this workbook is made",
    "",
    "Sources. grid: public-grid purchase; green_trade: green-power trade delivered through the grid (bundled "
    "certificates); "
    "green_ppa: PPA with physical delivery; green_direct: direct line from a wind or solar plant; onsite: "
    "own generation "
    "behind the meter; supplier: supply with a supplier-specific factor; certificates: unbundled "
    "certificates retired "
    "for this consumption, a claim and never consumption.",
    "Consumption = grid + green_trade + green_ppa + green_direct + onsite + supplier (Electricity, column "
    "H).",
    "Certificates used = MIN(certificates, grid) per month; the excess is reported on Data_Quality. "
    "Certificates never "
    "change the CBAM figure.",
    "Location-based (GHG Protocol Scope 2) tCO2 = (grid + green_trade + green_ppa + supplier) x EF location "
    "/ 1000. "
    "EF location: the province's MEE average factor of the data year, else the latest earlier year, else the "
    "national average.",
    "Market-based (GHG Protocol Scope 2) tCO2 = ((grid - certificates used) x EF residual + supplier x EF "
    "supplier) / 1000; "
    "green trade, PPA, direct line and on-site count 0. EF residual: MEE national factor excluding "
    "market-traded "
    "non-fossil power.",
    "CBAM indirect tCO2 = (grid + green_trade + supplier) x EF CBAM / 1000 (Reg. 2023/956 Annex IV; IR "
    "2025/2547). "
    "EF CBAM: the EU default for the country (source code D.4(a)) or another published grid factor (D.4(b)); "
    "direct line (D.4.3.1), on-site (D.4.1) and PPA (D.4.3.2) count 0 when their evidence holds. Several "
    "sources: "
    "the MWh-weighted mean, code Mix (IR 2025/2547 Art. 9).",
    "Evidence: monthly totals do not show the one-hour match of generation and consumption that IR 2025/2547 "
    "Annex II "
    "D.4.3 asks for direct lines and PPAs; keep the hourly meter data.",
    "Products. kWh of a sub-meter belong to its product; the rest of a month is split across the products "
    "made that "
    "month by production mass (Products, allocation key); every source is split the same way; certificates "
    "cover "
    "each grid kWh in the same share. A month without production keeps its kWh unallocated (shown on "
    "Products).",
    "Specific embedded emissions SEE = tCO2 / t of product, per method; MWh/t = kWh / 1000 / t.",
    "Factors: every factor used is listed on Factors with its source and status; the factor cells on "
    "Electricity refer "
    "to it, so changing a value there recalculates the workbook.",
    "References: GHG Protocol Scope 2 Guidance (2015); Regulation (EU) 2023/956; Implementing Regulations "
    "(EU) "
    "2023/1773, 2025/2547 and 2025/2621; MEE/NBS electricity CO2 emission factors 2021-2023.",
};

static const char *const method_zh[] = {
    "本工作簿中每个数字的计算方法",
    "",
    "来源：grid 电网购电；green_trade 经电网交付的绿电交易（含绿证）；green_ppa "
    "实物交付的购电协议；green_direct "
    "风电或光伏直连；onsite 表后自发自用；supplier 采用供应商特定因子的供电；certificates "
    "为本用电注销的非捆绑绿证，仅为声明，不计入用电量。",
    "用电量 = 电网 + 绿电交易 + 购电协议 + 绿电直连 + 自发自用 + 供应商（Electricity 表 H 列）。",
    "有效绿证 = 每月 MIN(绿证, 电网购电)；超出部分列于 Data_Quality。绿证不影响 CBAM 数值。",
    "基于位置（范围二）吨CO2 = (电网 + 绿电交易 + 购电协议 + 供应商) × 位置因子 / "
    "1000。位置因子：数据年份的省级 MEE "
    "平均因子；未发布时取之前最近年份；省份未知时取全国平均。",
    "基于市场（范围二）吨CO2 = ((电网 − 有效绿证) × 剩余组合因子 + 供应商 × 供应商因子) / "
    "1000；绿电交易、购电协议、直连与自发自用计为 0。",
    "CBAM 间接排放吨CO2 = (电网 + 绿电交易 + 供应商) × CBAM 因子 / 1000。CBAM "
    "因子：国家默认值（D.4(a)）或其他公开电网因子"
    "（D.4(b)）；直连（D.4.3.1）、自发自用（D.4.1）、购电协议（D.4.3.2）在证据成立时计为 0；多来源时为按 MWh "
    "加权平均，代码 Mix。",
    "证据：月度数据不能证明直连与购电协议所需的逐小时发用电匹配（IR 2025/2547 附件二 "
    "D.4.3），请保存小时级电表数据。",
    "产品：分表电量归属其产品；其余月度电量按当月产量（质量）分摊至各产品；各来源同比例分摊；绿证按相同比例覆"
    "盖电网电量。无产量月份的电量列为未分配。",
    "单位产品隐含排放 SEE = 吨CO2 / 吨产品（各方法分别计算）；单位电耗 MWh/t = kWh / 1000 / 吨。",
    "排放因子：所用因子均列于 Factors 表并注明来源与状态；Electricity 表的因子单元格引用该表，修改即可重算。",
    "参考：温室气体核算体系范围二指南（2015）；欧盟法规 2023/956；实施条例 "
    "2023/1773、2025/2547、2025/2621；生态环境部/国家统计局 2021-2023 年电力二氧化碳排放因子。",
};

static void write_method(struct xw *x)
{
    lxw_worksheet *ws = sheet(x, "Method", -1);
    if (ws == NULL)
        return;
    const char *const *lines = x->zh ? method_zh : method_en;
    size_t n = x->zh ? sizeof method_zh / sizeof *method_zh : sizeof method_en / sizeof *method_en;
    static const double width = 140;
    ck(x, worksheet_set_column(ws, 0, 0, width, NULL));
    for (size_t i = 0; i < n; i++) {
        str(x, ws, (int)i, 0, lines[i], i == 0 ? x->title : x->wrap);
        if (i > 0)
            fit_row(x, ws, (int)i, 1, &lines[i], &width);
    }
}

/* ---- Summary ---- */

static void kv(struct xw *x, lxw_worksheet *ws, int r, enum label l, const char *v)
{
    str(x, ws, r, 0, L(x, l), x->bold);
    str(x, ws, r, 1, v, x->text);
}

static void write_summary(struct xw *x, lxw_worksheet *ws, const ledger *l, const alloc_enterprise *ae,
                          int etot, const int *period_rows, time_t created)
{
    const ledger_enterprise *e = ae->e;
    static const double w[] = {30, 18, 16, 24, 24, 16, 14, 14, 14};
    widths(x, ws, w, 9);
    str(x, ws, 0, 0, L(x, L_TITLE), x->title);
    char from[8], to[8], period[24], tool[64], when[32];
    period_format(ae->from_ord, from, sizeof from);
    period_format(ae->to_ord, to, sizeof to);
    snprintf(period, sizeof period, "%s .. %s", from, to);
    snprintf(tool, sizeof tool, "%s %s", PACKAGE_NAME, PACKAGE_VERSION);
    struct tm tm;
    gmtime_r(&created, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    int r = 2;
    kv(x, ws, r++, L_ENTERPRISE, e->id);
    kv(x, ws, r++, L_NAME, e->name);
    kv(x, ws, r++, L_NAME_EN, e->name_en);
    kv(x, ws, r++, L_COUNTRY, e->country);
    kv(x, ws, r++, L_PROVINCE, e->province ? e->province : e->province_text);
    kv(x, ws, r++, L_ADDRESS, e->address);
    kv(x, ws, r++, L_INSTALLATION, e->name_en ? e->name_en : e->name ? e->name : e->id);
    kv(x, ws, r++, L_PERIOD, period);
    kv(x, ws, r++, L_TOOL, tool);
    kv(x, ws, r++, L_CREATED, when);

    /* Emissions by method: references to the Electricity totals. */
    r++;
    str(x, ws, r++, 0, L(x, L_RESULTS), x->title);
    const char *h[] = {L(x, L_METHOD), L(x, L_T_CO2),        L(x, L_KG_PER_KWH),
                       L(x, L_FACTOR), L(x, L_FACTOR_VALUE), L(x, L_SOURCE_CODE)};
    header(x, ws, r++, h, 6);
    char ref[16], cons[16], tc[16];
    cell(cons, etot, E_CONS, true);
    struct {
        enum label l;
        int col;
        double t;
        const factor *f;
        const char *code;
    } m[] = {
        {L_LOCATION, E_LOC_T, ae->em.location, ae->f.location, NULL},
        {L_MARKET, E_MKT_T, ae->em.market, ae->f.residual, NULL},
        {L_CBAM, E_CBAM_T, ae->em.cbam, ae->f.cbam, ae->cbam_code},
    };
    for (size_t i = 0; i < 3; i++, r++) {
        str(x, ws, r, 0, L(x, m[i].l), x->bold);
        fnum(x, ws, r, 1, x->t3, m[i].t, "=Electricity!%s", cell(ref, etot, m[i].col, true));
        if (ae->kwh.consumption > 0)
            fnum(x, ws, r, 2, x->ef, m[i].t * 1000.0 / ae->kwh.consumption,
                 "=IF(Electricity!%s>0,%s*1000/Electricity!%s,0)", cons, cell(tc, r, 1, false), cons);
        str(x, ws, r, 3, m[i].f ? m[i].f->id : (x->zh ? "各月不同" : "differs by month"), x->text);
        if (m[i].f)
            num(x, ws, r, 4, m[i].f->value, x->ef);
        str(x, ws, r, 5, m[i].code, NULL);
    }
    str(x, ws, r, 0, L(x, L_CONSUMPTION_KWH), x->bold);
    fnum(x, ws, r++, 1, x->kwh, ae->kwh.consumption, "=Electricity!%s", cons);
    str(x, ws, r, 0, L(x, L_GREEN_SHARE), x->bold);
    if (ae->has_green_share) {
        char d[16], eg[16], f[16], c[16];
        fnum(x, ws, r, 1, x->share, ae->green_share,
             "=IF(Electricity!%s>0,(Electricity!%s+Electricity!%s+Electricity!%s+Electricity!%s)/"
             "Electricity!%s,0)",
             cons, cell(c, etot, E_TRADE, true), cell(d, etot, E_PPA, true), cell(eg, etot, E_DIRECT, true),
             cell(f, etot, E_ONSITE, true), cons);
    }
    r += 2;

    /* Products: references to their period lines on Products. */
    str(x, ws, r++, 0, L(x, L_PRODUCTS), x->title);
    const char *ph[] = {L(x, L_PRODUCT),      L(x, L_CN_CODE),    L(x, L_QUANTITY_T), L(x, L_ELECTRICITY_KWH),
                        L(x, L_SEE_LOCATION), L(x, L_SEE_MARKET), L(x, L_SEE_CBAM),   L(x, L_MWH_PER_T)};
    header(x, ws, r++, ph, 8);
    for (size_t k = 0; k < ae->nproducts; k++, r++) {
        size_t pi = ae->product_order[k];
        const alloc_product *ap = &ae->products[pi];
        int pr = period_rows[pi];
        char cn[16];
        str(x, ws, r, 0, ap->p->id, x->text);
        str(x, ws, r, 1, cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn), x->text);
        fnum(x, ws, r, 2, x->t3, ap->quantity_t, "=Products!%s", cell(ref, pr, P_QTY, true));
        fnum(x, ws, r, 3, x->kwh, ap->kwh, "=Products!%s", cell(ref, pr, P_KWH, true));
        if (ap->has_see) {
            fnum(x, ws, r, 4, x->see, ap->see.location, "=Products!%s", cell(ref, pr, P_SEE_LOC, true));
            fnum(x, ws, r, 5, x->see, ap->see.market, "=Products!%s", cell(ref, pr, P_SEE_MKT, true));
            fnum(x, ws, r, 6, x->see, ap->see.cbam, "=Products!%s", cell(ref, pr, P_SEE_CBAM, true));
            fnum(x, ws, r, 7, x->see, ap->mwh_per_t, "=Products!%s", cell(ref, pr, P_MWH_T, true));
        }
    }
    r += 1;

    /* Inputs with their SHA-256. */
    str(x, ws, r++, 0, L(x, L_INPUTS), x->title);
    const char *ih[] = {L(x, L_PATH), L(x, L_ROLE), L(x, L_ROWS), L(x, L_SHA256)};
    header(x, ws, r++, ih, 4);
    for (size_t i = 0; i < l->ninputs; i++, r++) {
        str(x, ws, r, 0, l->inputs[i].path, x->text);
        str(x, ws, r, 1, l->inputs[i].role, NULL);
        num(x, ws, r, 2, (double)l->inputs[i].rows, x->kwh);
        str(x, ws, r, 3, l->inputs[i].sha256, x->text);
    }

    /* Charts, to the right of the tables. */
    int n = (int)ae->nmonths;
    lxw_chart *col = workbook_add_chart(x->wb, LXW_CHART_COLUMN_STACKED);
    lxw_chart *line = workbook_add_chart(x->wb, LXW_CHART_LINE);
    lxw_chart *pie = workbook_add_chart(x->wb, LXW_CHART_PIE);
    if (col == NULL || line == NULL || pie == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    for (int s = 0; s < 6; s++) {
        lxw_chart_series *cs = chart_add_series(col, NULL, NULL);
        if (cs == NULL) {
            ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        chart_series_set_categories(cs, "Electricity", 1, E_MONTH, (lxw_row_t)n, E_MONTH);
        chart_series_set_values(cs, "Electricity", 1, (lxw_col_t)(E_GRID + s), (lxw_row_t)n,
                                (lxw_col_t)(E_GRID + s));
        chart_series_set_name_range(cs, "Electricity", 0, (lxw_col_t)(E_GRID + s));
    }
    chart_title_set_name(col, L(x, L_CHART_MONTHLY));
    chart_axis_set_name(col->y_axis, "kWh");
    chart_legend_set_position(col, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_series *ls = chart_add_series(line, NULL, NULL);
    if (ls == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(ls, "Electricity", 1, E_MONTH, (lxw_row_t)n, E_MONTH);
    chart_series_set_values(ls, "Electricity", 1, E_CBAM_T, (lxw_row_t)n, E_CBAM_T);
    chart_series_set_name_range(ls, "Electricity", 0, E_CBAM_T);
    chart_title_set_name(line, L(x, L_CHART_CBAM));
    chart_axis_set_name(line->y_axis, "tCO2");
    chart_legend_set_position(line, LXW_CHART_LEGEND_NONE);
    lxw_chart_series *ps = chart_add_series(pie, NULL, NULL);
    if (ps == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    chart_series_set_categories(ps, "Electricity", 0, E_GRID, 0, E_SUPPLIER);
    chart_series_set_values(ps, "Electricity", (lxw_row_t)etot, E_GRID, (lxw_row_t)etot, E_SUPPLIER);
    chart_title_set_name(pie, L(x, L_CHART_MIX));
    /* Below the tables, so that a printed page stays one table wide. */
    r += 2;
    lxw_chart_options wide = {.x_scale = 1.55, .y_scale = 1.2};
    lxw_chart_options half = {.x_scale = 1.2, .y_scale = 1.2};
    ck(x, worksheet_insert_chart_opt(ws, (lxw_row_t)r, 0, col, &wide));
    ck(x, worksheet_insert_chart_opt(ws, (lxw_row_t)r + 20, 0, line, &half));
    ck(x, worksheet_insert_chart_opt(ws, (lxw_row_t)r + 20, 3, pie, &half));
}

time_t report_xlsx_created(int to_ord)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long v;
    if (sde != NULL && parse_int(sde, strlen(sde), 0, 4102444800L, &v) == PARSE_OK)
        return (time_t)v;
    /* The first second after the reporting period: a function of the inputs. */
    int next = to_ord + 1;
    struct tm tm = {0};
    tm.tm_year = period_ord_year(next) - 1900;
    tm.tm_mon = period_ord_month(next) - 1;
    tm.tm_mday = 1;
    return timegm(&tm);
}

enum cbam_err report_xlsx_write(const char *path, const ledger *l, const alloc_enterprise *ae,
                                const diag_list *dl, const report_xlsx_opts *o, diag_list *errs)
{
    struct xw x = {.zh = o->zh};
    /* libxlsxwriter stages every part in a temporary file: in memory-backed
     * /dev/shm they cost a third of a batch run less than on disk. */
    lxw_workbook_options wo = {.constant_memory = LXW_FALSE,
                               .tmpdir = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : NULL};
    x.wb = workbook_new_opt(path, &wo);
    if (x.wb == NULL) {
        diag_add(errs, DIAG_ERROR, path, 0, 0, "cannot start the workbook");
        return CBAM_ERR_CANTCREAT;
    }
    make_formats(&x);

    char title[160], subject[200], keywords[200];
    char from[8], to[8];
    period_format(ae->from_ord, from, sizeof from);
    period_format(ae->to_ord, to, sizeof to);
    snprintf(title, sizeof title, "Electricity emissions report %s", ae->e->id);
    snprintf(subject, sizeof subject, "Scope 2 (location, market) and CBAM indirect emissions, %s to %s",
             from, to);
    snprintf(keywords, sizeof keywords, "CBAM, Scope 2, electricity, %s", ae->e->id);
    lxw_doc_properties props = {
        .title = title,
        .subject = subject,
        .author = PACKAGE_NAME " " PACKAGE_VERSION,
        .company = ae->e->name ? ae->e->name : ae->e->id,
        .keywords = keywords,
        .comments = "Generated by cbamcalc; every figure is explained on the Method sheet.",
        .created = o->created,
    };
    ck(&x, workbook_set_properties(x.wb, &props));

    struct factor_rows fr = {NULL, 0};
    collect_factors(ae, &fr);
    int *period_rows = xcalloc(ae->nproducts ? ae->nproducts : 1, sizeof *period_rows);

    /* Sheets in reading order; Summary refers to the others, so it is filled last. */
    lxw_worksheet *summary = sheet(&x, "Summary", -1);
    int etot = write_electricity(&x, ae, &fr);
    write_products(&x, ae, period_rows);
    write_cbam(&x, ae);
    write_factors(&x, &fr);
    write_quality(&x, l, ae, dl);
    write_method(&x);
    if (summary != NULL) {
        write_summary(&x, summary, l, ae, etot, period_rows, o->created);
        worksheet_activate(summary);
    }
    free(period_rows);
    free(fr.v);

    lxw_error close_err = workbook_close(x.wb);
    if (x.bad_number) {
        diag_add(errs, DIAG_ERROR, NULL, 0, 0,
                 "a computed figure is not a finite number; this is a bug, please report it");
        return CBAM_ERR_INTERNAL;
    }
    if (x.err == LXW_NO_ERROR)
        x.err = close_err;
    if (x.err != LXW_NO_ERROR) {
        diag_add(errs, DIAG_ERROR, path, 0, 0, "writing the workbook failed: %s", lxw_strerror(x.err));
        return CBAM_ERR_CANTCREAT;
    }
    return CBAM_OK;
}
