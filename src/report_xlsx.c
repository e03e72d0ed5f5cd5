/* report_xlsx.c - the workbook, written with libxlsxwriter (see report_xlsx.h).
 *
 * Layout in short: Electricity holds one row per month with the kWh by
 * source as values and every derived figure as a formula over them and over
 * the factor values on Factors; Products holds each product's month lines
 * (its kWh by source as values, its tCO2 by the same formulas with the
 * factor cells of that month's Electricity row) and period lines that add
 * them up; CBAM_Communication and Summary refer to those. Hourly, only for
 * an enterprise with interval rows, shows the hour-by-hour matching and its
 * evidence (totals that refer to its month table, the average day and a
 * heatmap of the matched share). Every lxw_error is
 * kept, the first one decides, workbook_close() has the next word, and the
 * file read back has the last.
 */
#include "config.h"
#include "report_xlsx.h"
#include "cbamcost.h"
#include "cbamgoods.h"
#include "hash.h"
#include "labels.h"
#include "numfmt.h"
#include "parse.h"
#include "scenario.h"
#include "utf8.h"
#include "xalloc.h"
#include "xlsxpatch.h"
#include "xlsxzip.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define FORMULA_MAX 512

struct xw {
    lxw_workbook *wb;
    bool zh;
    lxw_error err;   /* the first libxlsxwriter error */
    bool bad_number; /* a figure was not finite: a bug, nothing is written */
    lxw_format *title, *head, *text, *bold, *kwh, *kwh_bold, *t3, *t3_bold, *ef, *share, *see, *wrap, *ok,
        *missing, *warn, *warn_wrap, *na;
    lxw_format *plain; /* cells without a format of their own: top-aligned, in Chinese the CJK font */
    /* Every printed page's header and footer (page_frame). */
    char page_header[LXW_HEADER_FOOTER_MAX + 1], page_footer[LXW_HEADER_FOOTER_MAX + 1];
    int ncharts; /* inserted so far: the parts the written file must have */
    bool scenario_drawing; /* the Scenario sheet has its chart: one more drawing part */
    /* Formats of the CBAM cost and Scenario parts, made when first used
     * (extra_formats): a workbook without them keeps its styles. */
    lxw_format *bold_wrap, *eur2, *surplus;
};

/* The font of a Chinese workbook: Excel's and WPS's own default for
 * Chinese (Office 2016 on). libxlsxwriter 1.1.4 writes no font charset, so
 * the East Asian font is this name; LibreOffice, which lacks it, falls back
 * through fontconfig to an installed CJK font (fonts-noto-cjk). */
#define CJK_FONT "等线"

static void ck(struct xw *x, lxw_error e)
{
    if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
        x->err = e;
}

static const char *L(struct xw *x, enum label l)
{
    return label(l, x->zh);
}

/* Excel's limit for the text of a cell is 32767 characters; a longer text
 * is cut in bytes (never more characters than bytes) on a UTF-8 boundary. */
#define CELL_TEXT_MAX 32767

static void str(struct xw *x, lxw_worksheet *ws, int r, int c, const char *s, lxw_format *f)
{
    if (f == NULL)
        f = x->plain;
    if (f == x->title) /* 14 pt: Chinese glyphs overrun a 15 pt row into the next */
        ck(x, worksheet_set_row(ws, (lxw_row_t)r, 21, NULL));
    if (s == NULL || *s == '\0') {
        ck(x, worksheet_write_blank(ws, (lxw_row_t)r, (lxw_col_t)c, f));
        return;
    }
    size_t len = strlen(s);
    if (len <= CELL_TEXT_MAX) {
        ck(x, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, s, f));
        return;
    }
    char *cut = xstrndup(s, utf8_cut(s, len, CELL_TEXT_MAX));
    ck(x, worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cut, f));
    free(cut);
}

static void num(struct xw *x, lxw_worksheet *ws, int r, int c, double v, lxw_format *f)
{
    if (!isfinite(v)) {
        x->bad_number = true;
        return;
    }
    ck(x, worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, v == 0 ? 0.0 : v, f ? f : x->plain));
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
       worksheet_write_formula_num(ws, (lxw_row_t)r, (lxw_col_t)c, formula, f ? f : x->plain, cached == 0 ? 0.0 : cached));
}

/* Points a wrapped line takes: Chinese glyphs (Noto Sans CJK, DengXian)
 * stand taller than Calibri's 15 pt line. */
static double line_pt(const struct xw *x)
{
    return x->zh ? 17.0 : 15.0;
}

/* Lines that text needs in a wrapped column of the given width (in
 * characters; a CJK character takes two), breaking between words as a
 * spreadsheet does (and anywhere between CJK characters). */
static int wrapped_lines(const char *text, double width)
{
    if (text == NULL || width < 1)
        return 1;
    int lines = 1;
    double used = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        double word = 0;
        const unsigned char *q = p;
        if (*q >= 0xE0) { /* a CJK character is a word of its own */
            word = 2;
            q++;
            while ((*q & 0xC0) == 0x80)
                q++;
        } else {
            while (*q != '\0' && *q != ' ' && *q < 0xE0) {
                word += (*q & 0xC0) != 0x80;
                q++;
            }
        }
        double sep = used > 0 && *p < 0xE0 ? 1 : 0;
        if (used > 0 && used + sep + word > width) {
            lines++;
            used = word;
        } else {
            used += sep + word;
        }
        while (*q == ' ')
            q++;
        p = q;
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
        ck(x, worksheet_set_row(ws, (lxw_row_t)r, line_pt(x) * lines, NULL));
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
    if (x->zh)
        format_set_font_name(f, CJK_FONT);
    /* a row made tall by a wrapped text reads from its top in every column */
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
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
    x->warn_wrap = format(x, NULL, true);
    format_set_font_color(x->warn_wrap, 0xC00000);
    format_set_text_wrap(x->warn_wrap);
    format_set_align(x->warn_wrap, LXW_ALIGN_VERTICAL_TOP);
    x->na = format(x, NULL, false);
    format_set_font_color(x->na, 0x7F7F7F);
    format_set_align(x->na, LXW_ALIGN_RIGHT);
    x->plain = format(x, NULL, false);
}

static void extra_formats(struct xw *x)
{
    if (x->bold_wrap != NULL)
        return;
    x->bold_wrap = format(x, NULL, true);
    format_set_text_wrap(x->bold_wrap);
    x->eur2 = format(x, "#,##0.00", false);
    x->surplus = format(x, NULL, false);
    format_set_bg_color(x->surplus, 0xFCE4D6);
    format_set_font_color(x->surplus, 0xC00000);
}

/* Appends text to a header or footer, "&" doubled (it starts a code there)
 * and control characters as spaces, cut on a character boundary so that
 * buf stays within room bytes. */
static void hf_append(char *buf, const char *text, size_t room)
{
    size_t len = strlen(buf);
    const unsigned char *p = (const unsigned char *)text;
    while (p != NULL && *p != '\0') {
        size_t clen = 1;
        while ((p[clen] & 0xC0) == 0x80)
            clen++;
        /* '&' is written '&&'; before G or [ libxlsxwriter would still read
         * "&G" or "&[Picture]" as an image's place and refuse the header:
         * there the full-width ampersand stands in */
        bool image = *p == '&' && (p[1] == 'G' || p[1] == '[');
        size_t need = image ? 3 : *p == '&' ? 2 : clen;
        if (len + need > room)
            break;
        if (image) {
            memcpy(buf + len, "\xEF\xBC\x86", 3); /* U+FF06 */
            len += 3;
            p++;
            continue;
        }
        if (*p == '&')
            buf[len++] = '&';
        if (*p < 0x20 || *p == 0x7F)
            buf[len++] = ' ';
        else
            memcpy(buf + len, p, clen), len += clen;
        p += clen;
    }
    buf[len] = '\0';
}

/* The header and footer of every printed page: who and when at the top
 * (enterprise, sheet, period), where from at the bottom (page x of y, the
 * tool, the inputs' hash that names the files behind every figure). */
static void page_texts(struct xw *x, const ledger_enterprise *e, int from_ord, int to_ord, const char *digest)
{
    char from[8], to[8];
    period_format(from_ord, from, sizeof from);
    period_format(to_ord, to, sizeof to);
    /* room for the codes and the period after the name */
    const size_t room = LXW_HEADER_FOOTER_MAX - 32;
    snprintf(x->page_header, sizeof x->page_header, "&L");
    hf_append(x->page_header, e->id, 64);
    const char *name = e->name ? e->name : e->name_en;
    if (name != NULL) {
        /* about 40 characters: a longer name would run into the sheet's name */
        size_t before = strlen(x->page_header), cap = before + 2 + 72 < room ? before + 2 + 72 : room;
        hf_append(x->page_header, "  ", cap);
        hf_append(x->page_header, name, cap);
        if (strlen(x->page_header) - before - 2 < strlen(name) && strlen(x->page_header) + 3 <= room)
            hf_append(x->page_header, "…", room);
    }
    size_t n = strlen(x->page_header);
    snprintf(x->page_header + n, sizeof x->page_header - n, "&C&A&R%s .. %s", from, to);
    snprintf(x->page_footer, sizeof x->page_footer, "&L%s %s&C%s&R%s %.12s", PACKAGE_NAME, PACKAGE_VERSION,
             x->zh ? "第 &P 页，共 &N 页" : "Page &P of &N", x->zh ? "输入文件哈希" : "inputs", digest);
}

/* Header, footer and margins that leave them room. */
static void page_frame(struct xw *x, lxw_worksheet *ws)
{
    ck(x, worksheet_set_header(ws, x->page_header));
    ck(x, worksheet_set_footer(ws, x->page_footer));
    worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
    worksheet_set_paper(ws, 9); /* A4 */
}

/* Landscape, pages_wide pages wide (a table of many columns needs more than
 * one to stay readable), header rows repeated: a printable table. */
static lxw_worksheet *sheet_wide(struct xw *x, const char *name, int header_row, int pages_wide)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (ws == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    worksheet_set_landscape(ws);
    page_frame(x, ws);
    worksheet_fit_to_pages(ws, (uint16_t)pages_wide, 0);
    if (header_row >= 0) {
        ck(x, worksheet_repeat_rows(ws, (lxw_row_t)header_row, (lxw_row_t)header_row));
        worksheet_freeze_panes(ws, (lxw_row_t)header_row + 1, 0);
    }
    return ws;
}

static lxw_worksheet *sheet(struct xw *x, const char *name, int header_row)
{
    return sheet_wide(x, name, header_row, 1);
}

static void widths(struct xw *x, lxw_worksheet *ws, const double *w, int n)
{
    for (int c = 0; c < n; c++)
        ck(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w[c], NULL));
}

/* A header row whose labels wrap in their columns; returns its height in points. */
static double wrapped_header(struct xw *x, lxw_worksheet *ws, int r, const char *const *labels, int n,
                             const double *col_widths)
{
    int lines = 1;
    for (int c = 0; c < n; c++) {
        str(x, ws, r, c, labels[c], x->head);
        /* words wrap, characters do not: a little less than the width fits */
        int l = wrapped_lines(labels[c], col_widths[c] * 0.8);
        if (l > lines)
            lines = l;
    }
    double height = lines > 1 ? line_pt(x) * lines : 15.0;
    ck(x, worksheet_set_row(ws, (lxw_row_t)r, height, NULL));
    return height;
}

/* A chart whose texts are in the workbook's font. */
static lxw_chart *new_chart(struct xw *x, uint8_t type)
{
    lxw_chart *ch = workbook_add_chart(x->wb, type);
    if (ch == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    if (x->zh) {
        lxw_chart_font bold = {.name = CJK_FONT, .bold = 1, .size = 14}, font = {.name = CJK_FONT};
        chart_title_set_name_font(ch, &bold);
        chart_legend_set_font(ch, &font);
        chart_axis_set_name_font(ch->x_axis, &font);
        chart_axis_set_name_font(ch->y_axis, &font);
        chart_axis_set_num_font(ch->x_axis, &font);
        chart_axis_set_num_font(ch->y_axis, &font);
    }
    return ch;
}

/* A new series of ch; NULL (the error kept) when out of memory. */
static lxw_chart_series *add_series(struct xw *x, lxw_chart *ch)
{
    lxw_chart_series *cs = chart_add_series(ch, NULL, NULL);
    if (cs == NULL)
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return cs;
}

/* Inserts ch with its top left corner x_px, y_px pixels right of and below
 * the top left of cell (r, c), w_px by h_px pixels (a chart is 480 by 288
 * unscaled). */
static void place_chart(struct xw *x, lxw_worksheet *ws, int r, int c, double x_px, double y_px, double w_px,
                        double h_px, lxw_chart *ch)
{
    lxw_chart_options o = {.x_offset = (int32_t)x_px, .y_offset = (int32_t)y_px, .x_scale = w_px / 480,
                           .y_scale = h_px / 288, .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    ck(x, worksheet_insert_chart_opt(ws, (lxw_row_t)r, (lxw_col_t)c, ch, &o));
    x->ncharts++;
}

/* ---- the factors of this enterprise, each with its row on Factors ---- */

struct used_factor {
    const factor *f;
    char used_for[64];
};

struct factor_rows {
    struct used_factor *v;
    size_t n;
    /* The CBAM cost's inputs (ae->cost): below the factor table, under a
     * title row, in the same columns. */
    const cbamcost_phase *phase[2];
    size_t nphase;
    const cbamcost_benchmark **bm;
    size_t nbm;
    const cbamcost_direct **dir;
    size_t ndir;
    int cost_title; /* the title row; 0 when there are no cost rows */
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

/* The CBAM factors, benchmarks and direct emissions the cost of ae's goods
 * used, each once, for their rows on Factors. */
static void collect_cost_inputs(const alloc_enterprise *ae, struct factor_rows *fr)
{
    const cbamcost_ent *c = ae->cost;
    if (c == NULL)
        return;
    if (c->phase_lo != NULL)
        fr->phase[fr->nphase++] = c->phase_lo;
    if (c->phase_hi != NULL && c->phase_hi != c->phase_lo)
        fr->phase[fr->nphase++] = c->phase_hi;
    size_t n = c->nproducts < ae->nproducts ? c->nproducts : ae->nproducts;
    fr->bm = xcalloc(n ? n : 1, sizeof *fr->bm);
    fr->dir = xcalloc(n ? n : 1, sizeof *fr->dir);
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t pi = ae->product_order[k];
        if (pi >= n || c->products[pi].status == CBAMCOST_NOT_CBAM)
            continue;
        const cbamcost_product *cp = &c->products[pi];
        bool seen = cp->benchmark == NULL;
        for (size_t i = 0; i < fr->nbm && !seen; i++)
            seen = fr->bm[i] == cp->benchmark;
        if (!seen)
            fr->bm[fr->nbm++] = cp->benchmark;
        seen = !cp->has_direct || cp->direct == NULL;
        for (size_t i = 0; i < fr->ndir && !seen; i++)
            seen = fr->dir[i] == cp->direct;
        if (!seen)
            fr->dir[fr->ndir++] = cp->direct;
    }
    if (fr->nphase + fr->nbm + fr->ndir > 0)
        fr->cost_title = (int)fr->n + 2; /* a blank row after the factor table */
}

/* Factors rows of the cost's inputs; -1 when not listed. */
static int phase_row(const struct factor_rows *fr, const cbamcost_phase *p)
{
    for (size_t i = 0; p != NULL && fr->cost_title > 0 && i < fr->nphase; i++)
        if (fr->phase[i] == p)
            return fr->cost_title + 1 + (int)i;
    return -1;
}

static int benchmark_row(const struct factor_rows *fr, const cbamcost_benchmark *b)
{
    for (size_t i = 0; b != NULL && fr->cost_title > 0 && i < fr->nbm; i++)
        if (fr->bm[i] == b)
            return fr->cost_title + 1 + (int)(fr->nphase + i);
    return -1;
}

static int direct_row(const struct factor_rows *fr, const cbamcost_direct *d)
{
    for (size_t i = 0; d != NULL && fr->cost_title > 0 && i < fr->ndir; i++)
        if (fr->dir[i] == d)
            return fr->cost_title + 1 + (int)(fr->nphase + fr->nbm + i);
    return -1;
}

static void collect_factors(struct xw *x, const alloc_enterprise *ae, struct factor_rows *fr)
{
    for (size_t i = 0; i < ae->nmonths; i++) {
        use_factor(fr, ae->months[i].f.location, L(x, L_USED_LOCATION));
        use_factor(fr, ae->months[i].f.residual, L(x, L_USED_RESIDUAL));
        use_factor(fr, ae->months[i].f.cbam, L(x, L_USED_CBAM));
    }
    for (size_t i = 0; i < ae->e->nsuppliers; i++)
        use_factor(fr, ae->e->suppliers[i], L(x, L_USED_SUPPLIER));
    collect_cost_inputs(ae, fr);
}

/* An input's role ("electricity") in the workbook's language. */
static const char *role_text(struct xw *x, const char *role)
{
    static const struct {
        const char *role;
        enum label l;
    } roles[] = {{"electricity", L_ROLE_ELECTRICITY},
                 {"production", L_ROLE_PRODUCTION},
                 {"enterprises", L_ROLE_ENTERPRISES},
                 {"factors", L_ROLE_FACTORS}};
    for (size_t i = 0; role != NULL && i < sizeof roles / sizeof *roles; i++)
        if (strcmp(role, roles[i].role) == 0)
            return L(x, roles[i].l);
    return role;
}

/* "FILE line N" of a user's row (benchmark or direct emissions). */
static void file_line(struct xw *x, char *buf, size_t size, const char *what, const char *file, long line)
{
    if (x->zh)
        utf8_format(buf, size, "%s%s%s 第 %ld 行", what ? what : "", what ? "；" : "", file ? file : "?", line);
    else
        utf8_format(buf, size, "%s%s%s line %ld", what ? what : "", what ? "; " : "", file ? file : "?", line);
}

/* The CBAM cost's inputs on Factors, in the factor table's columns (ID,
 * value, unit, year, kind, source, URL, status, note, used for) under a
 * title row: the CBAM factor of each year used, the benchmarks and the
 * direct emissions. Summary's Cost section refers to their values.
 * Returns the row after them. */
static int write_cost_inputs(struct xw *x, lxw_worksheet *ws, const struct factor_rows *fr, const double *w)
{
    int r = fr->cost_title;
    str(x, ws, r++, 0, L(x, L_COST_INPUTS), x->bold);
    const char *used = L(x, L_USED_COST);
    char id[64], note[1200];
    for (size_t i = 0; i < fr->nphase; i++, r++) {
        const cbamcost_phase *p = fr->phase[i];
        snprintf(id, sizeof id, "cbam_factor_%d", p->year);
        str(x, ws, r, 0, id, x->text);
        num(x, ws, r, 1, p->factor, x->share);
        str(x, ws, r, 2, L(x, L_UNIT_CBAM_FACTOR), NULL);
        num(x, ws, r, 3, p->year, NULL);
        str(x, ws, r, 4, "cbam_factor", NULL);
        str(x, ws, r, 5, p->source, x->wrap);
        str(x, ws, r, 6, p->url, NULL);
        str(x, ws, r, 7, p->status, NULL);
        const char *pn = x->zh && p->note_zh && *p->note_zh ? p->note_zh : p->note;
        str(x, ws, r, 8, pn, x->wrap);
        str(x, ws, r, 9, used, NULL);
        const char *texts[] = {p->source, pn};
        const double tw[] = {w[5], w[8]};
        fit_row(x, ws, r, 2, texts, tw);
    }
    for (size_t i = 0; i < fr->nbm; i++, r++) {
        const cbamcost_benchmark *b = fr->bm[i];
        snprintf(id, sizeof id, "benchmark_%s", b->cn);
        str(x, ws, r, 0, id, x->text);
        num(x, ws, r, 1, b->value, x->ef);
        str(x, ws, r, 2, "tCO2/t", NULL);
        str(x, ws, r, 4, "cbam_benchmark", NULL);
        str(x, ws, r, 5, b->source, x->wrap);
        str(x, ws, r, 7, "user", x->warn);
        char col[32] = "";
        if (b->column)
            snprintf(col, sizeof col, x->zh ? "%c 列" : "column %c", b->column);
        file_line(x, note, sizeof note, b->column ? col : NULL, b->file, b->line);
        str(x, ws, r, 8, note, x->wrap);
        str(x, ws, r, 9, used, NULL);
        const char *texts[] = {b->source, note};
        const double tw[] = {w[5], w[8]};
        fit_row(x, ws, r, 2, texts, tw);
    }
    for (size_t i = 0; i < fr->ndir; i++, r++) {
        const cbamcost_direct *d = fr->dir[i];
        str(x, ws, r, 0, d->product, x->text);
        num(x, ws, r, 1, d->t_per_t, x->ef);
        str(x, ws, r, 2, "tCO2/t", NULL);
        str(x, ws, r, 4, "direct_emissions", NULL);
        str(x, ws, r, 5, d->source, x->wrap);
        str(x, ws, r, 7, "user", x->warn);
        file_line(x, note, sizeof note, d->enterprise && *d->enterprise ? d->enterprise : NULL, d->file, d->line);
        str(x, ws, r, 8, note, x->wrap);
        str(x, ws, r, 9, used, NULL);
        const char *texts[] = {d->source, note};
        const double tw[] = {w[5], w[8]};
        fit_row(x, ws, r, 2, texts, tw);
    }
    return r;
}

static void write_factors(struct xw *x, const struct factor_rows *fr)
{
    lxw_worksheet *ws = sheet(x, "Factors", 0);
    if (ws == NULL)
        return;
    const char *h[] = {L(x, L_ID),     L(x, L_VALUE), L(x, L_UNIT),   L(x, L_YEAR), L(x, L_KIND),
                       L(x, L_SOURCE), L(x, L_URL),   L(x, L_STATUS), L(x, L_NOTE), L(x, L_USED_FOR)};
    static const double w[] = {26, 12, 12, 7, 14, 60, 26, 11, 60, 20};
    wrapped_header(x, ws, 0, h, 10, w);
    widths(x, ws, w, 10);
    size_t nreplaced = 0;
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
        str(x, ws, r, 7, f->status,
            f->replaced != NULL || (f->status && strcmp(f->status, "user") == 0) ? x->warn : NULL);
        const char *note = factor_note(f, x->zh);
        str(x, ws, r, 8, note, x->wrap);
        str(x, ws, r, 9, fr->v[i].used_for, NULL);
        const char *texts[] = {f->source, note};
        const double tw[] = {w[5], w[8]};
        fit_row(x, ws, r, 2, texts, tw);
        nreplaced += f->replaced != NULL;
    }
    ck(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)fr->n, 9));
    int r = (int)fr->n + 2;
    if (fr->cost_title > 0)
        r = write_cost_inputs(x, ws, fr, w) + 1;
    /* Below the table: the values a user's file put in place of shipped ones. */
    for (size_t i = 0; nreplaced > 0 && i < fr->n; i++) {
        const factor *f = fr->v[i].f;
        if (f->replaced == NULL)
            continue;
        char line[1024];
        utf8_format(line, sizeof line,
                x->zh ? "注意：因子 %s（%s 第 %ld 行，%.4f kgCO2/kWh）替换了程序自带的同名因子（%s）；"
                        "本工作簿的数字均使用替换值，请确认这是有意的。"
                      : "WARNING: factor %s (%s line %ld, %.4f kgCO2/kWh) replaces the shipped factor of the "
                        "same id (%s); every figure here uses the replacement: check that this is intended.",
                f->id, f->file ? f->file : "?", f->line, f->value, f->replaced);
        str(x, ws, r++, 0, line, x->warn);
    }
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
    /* 19 columns: two pages wide (about 9 pt print, not 6), the month on both */
    lxw_worksheet *ws = sheet_wide(x, "Electricity", 0, 2);
    if (ws == NULL)
        return 0;
    ck(x, worksheet_repeat_columns(ws, E_MONTH, E_MONTH));
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
    wrapped_header(x, ws, 0, h, E__N, w);
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
        else if (am->hourly)
            str(x, ws, r, E_NOTE, L(x, L_HOUR_MATCHED), NULL);
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

/* ---- Hourly: the hour-by-hour matching and its evidence ---- */

static const enum label green_label[HOURLY__GREEN] = {L_SRC_ONSITE, L_SRC_DIRECT, L_SRC_PPA, L_SRC_TRADE};

/* hourly.c's reason in the workbook's language; a reason without a
 * translation stays as it is. */
static const char *reason_text(struct xw *x, const char *reason)
{
    static const enum label known[] = {L_REASON_TAINTED,   L_REASON_COARSE_LOAD, L_REASON_NO_LOAD,
                                       L_REASON_NO_GREEN,  L_REASON_LOAD_DAYS,   L_REASON_LOAD_ZERO,
                                       L_REASON_GREEN_TAINTED};
    if (reason == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(reason, label(known[i], false)) == 0)
            return L(x, known[i]);
    return reason;
}

/* Display width of text in characters (a CJK character takes two). */
static double text_width(const char *text)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)text; p != NULL && *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE0 ? 2.0 : 1.0;
    return w;
}

/* Characters that "#,##0" shows for v. */
static double kwh_chars(double v)
{
    if (!isfinite(v))
        return 1;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%.0f", fabs(v));
    if (n < 1)
        n = 1;
    return n + (n - 1) / 3 + (v < 0);
}

/* A wrapped paragraph merged over columns 0..last of row r. */
static void paragraph(struct xw *x, lxw_worksheet *ws, int r, int last, const double *col_widths,
                      const char *text, lxw_format *f)
{
    double width = 0;
    for (int c = 0; c <= last; c++)
        width += col_widths[c];
    ck(x, worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, (lxw_col_t)last, "", f));
    str(x, ws, r, 0, text, f);
    /* a little less than the width fits: words wrap */
    width *= 0.85;
    fit_row(x, ws, r, 1, &text, &width);
}

/* "Supply, on-site (kWh)": a measure of one green source. */
static void source_head(struct xw *x, char *buf, size_t size, enum label what, int g)
{
    utf8_format(buf, size, "%s%s%s", L(x, what), L(x, green_label[g]), L(x, L_KWH_SUFFIX));
}

/* Hourly's columns: A labels and days; then columns of one width, for the
 * kWh of the tables and the 24 hours and the whole day of the heatmap. */
#define HOURLY_COLS 26

static void write_hourly(struct xw *x, const ledger *l, const alloc_enterprise *ae)
{
    const hourly_ent *h = ae->hourly;
    lxw_worksheet *ws = sheet(x, "Hourly", -1);
    if (ws == NULL)
        return;
    /* Formats of this sheet only, made here: a workbook without it keeps its styles. */
    lxw_format *share_bold = format(x, "0.0%", true), *pct = format(x, "0%", false),
               *pct_bold = format(x, "0%", true), *center = format(x, NULL, false),
               *head_center = format(x, NULL, true);
    format_set_align(center, LXW_ALIGN_CENTER);
    format_set_bg_color(head_center, 0xDDEBF7);
    format_set_align(head_center, LXW_ALIGN_CENTER);
    format_set_align(head_center, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(head_center, LXW_BORDER_THIN);

    /* The green sources shown: those with hourly data in a matched month. */
    int src[HOURLY__GREEN], n = 0;
    for (int g = 0; g < HOURLY__GREEN; g++) {
        bool has = h->supply_kwh[g] != 0;
        for (size_t i = 0; i < h->nmonths && !has; i++)
            has = h->months[i].matched && h->months[i].has_supply[g];
        if (has)
            src[n++] = g;
    }

    /* Widths: column A for the labels, the others for the largest kWh. */
    static const enum label a_labels[] = {L_INTERVAL_MINUTES, L_MONTHS_INTERVAL,  L_MONTHS_MATCHED,
                                          L_HOURS_MATCHED,    L_LOAD_KWH,         L_UNMATCHED_KWH,
                                          L_MATCHED_SHARE,    L_VOLUMETRIC_SHARE, L_MATCHED_MONTHS_TOTAL};
    double wa = 12;
    for (size_t i = 0; i < sizeof a_labels / sizeof *a_labels; i++)
        wa = fmax(wa, text_width(L(x, a_labels[i])) + 2);
    double chars = kwh_chars(h->load_kwh);
    for (int g = 0; g < HOURLY__GREEN; g++)
        chars = fmax(chars, kwh_chars(h->supply_kwh[g]));
    for (size_t i = 0; i < h->nmonths; i++) {
        chars = fmax(chars, kwh_chars(h->months[i].load_kwh));
        for (int g = 0; g < HOURLY__GREEN; g++)
            chars = fmax(chars, kwh_chars(h->months[i].supply_kwh[g]));
    }
    double w[HOURLY_COLS + HOURLY__GREEN * 3];
    int ncols = HOURLY_COLS > 7 + 3 * n ? HOURLY_COLS : 7 + 3 * n;
    w[0] = fmin(wa, 44);
    for (int c = 1; c < ncols; c++)
        w[c] = fmin(fmax(chars + 2, 9), 15);
    widths(x, ws, w, ncols);
    int wide = ncols < 14 ? ncols - 1 : 13; /* the paragraphs' last column */

    /* Monthly table's columns. */
    int m_load = 2, m_sup = 3, m_mat = 3 + n, m_sur = 3 + 2 * n, m_unm = 3 + 3 * n, m_ms = m_unm + 1,
        m_vs = m_unm + 2, m_note = m_unm + 3;

    /* The rows, worked out first: the totals at the top refer to the table below. */
    int r_kv = 4;                                     /* interval, months, hours, load, unmatched, shares */
    int r_src = r_kv + 9;                             /* supply, matched and surplus by source */
    int r_mtitle = n > 0 ? r_src + 1 + n + 2 : r_src; /* by month */
    int r_mhead = r_mtitle + 1;
    int r_mtot = r_mhead + 1 + (int)h->nmonths;

    str(x, ws, 0, 0, L(x, L_HOURLY_TITLE), x->title);
    paragraph(x, ws, 1, wide, w, L(x, L_HOURLY_RULE), x->wrap);
    paragraph(x, ws, 2, wide, w, L(x, L_HOURLY_SHARES), x->wrap);

    char ref[24], a[24], b[24], c_[24];
    int r = r_kv;
    str(x, ws, r, 0, L(x, L_INTERVAL_MINUTES), x->bold);
    num(x, ws, r++, 1, h->interval_minutes, NULL);
    str(x, ws, r, 0, L(x, L_MONTHS_INTERVAL), x->bold);
    num(x, ws, r++, 1, (double)h->nmonths, NULL);
    str(x, ws, r, 0, L(x, L_MONTHS_MATCHED), x->bold);
    num(x, ws, r++, 1, (double)h->nmatched, NULL);
    str(x, ws, r, 0, L(x, L_HOURS_MATCHED), x->bold);
    fnum(x, ws, r++, 1, x->kwh, h->hours, "=%s", cell(ref, r_mtot, 1, false));
    str(x, ws, r, 0, L(x, L_LOAD_KWH), x->bold);
    fnum(x, ws, r++, 1, x->kwh_bold, h->load_kwh, "=%s", cell(ref, r_mtot, m_load, false));
    str(x, ws, r, 0, L(x, L_UNMATCHED_KWH), x->bold);
    fnum(x, ws, r++, 1, x->kwh, h->unmatched_kwh, "=%s", cell(ref, r_mtot, m_unm, false));
    str(x, ws, r, 0, L(x, L_MATCHED_SHARE), x->bold);
    if (h->has_share)
        fnum(x, ws, r, 1, share_bold, h->matched_share, "=%s", cell(ref, r_mtot, m_ms, false));
    r++;
    str(x, ws, r, 0, L(x, L_VOLUMETRIC_SHARE), x->bold);
    if (h->has_share)
        fnum(x, ws, r, 1, x->share, h->volumetric_share, "=%s", cell(ref, r_mtot, m_vs, false));
    r++;

    /* By source, over the matched months. */
    if (n > 0) {
        r = r_src;
        const char *sh[] = {L(x, L_SUPPLY), L(x, L_SUPPLY_KWH), L(x, L_MATCHED_KWH), L(x, L_SURPLUS_KWH)};
        wrapped_header(x, ws, r++, sh, 4, w);
        for (int i = 0; i < n; i++, r++) {
            int g = src[i];
            char name[64];
            utf8_format(name, sizeof name, "%s", L(x, green_label[g]));
            if (!x->zh && name[0] >= 'a' && name[0] <= 'z')
                name[0] = (char)(name[0] - 'a' + 'A');
            str(x, ws, r, 0, name, NULL);
            fnum(x, ws, r, 1, x->kwh, h->supply_kwh[g], "=%s", cell(ref, r_mtot, m_sup + i, false));
            fnum(x, ws, r, 2, x->kwh, h->matched_kwh[g], "=%s", cell(ref, r_mtot, m_mat + i, false));
            fnum(x, ws, r, 3, x->kwh, h->surplus_kwh[g], "=%s", cell(ref, r_mtot, m_sur + i, false));
        }
        str(x, ws, r, 0, L(x, L_GREEN_TOTAL), x->bold);
        double tot[3] = {0, 0, 0};
        for (int i = 0; i < n; i++) {
            tot[0] += h->supply_kwh[src[i]];
            tot[1] += h->matched_kwh[src[i]];
            tot[2] += h->surplus_kwh[src[i]];
        }
        for (int c = 1; c <= 3; c++)
            fnum(x, ws, r, c, x->kwh_bold, tot[c - 1], "=SUM(%s:%s)", cell(a, r_src + 1, c, false),
                 cell(b, r - 1, c, false));
    }

    /* By month: every month with interval rows; a month not matched says why. */
    str(x, ws, r_mtitle, 0, L(x, L_HOURLY_MONTHS), x->title);
    char hb[3 * HOURLY__GREEN][96];
    const char *mh[7 + 3 * HOURLY__GREEN];
    mh[0] = L(x, L_MONTH);
    mh[1] = L(x, L_HOURS);
    mh[m_load] = L(x, L_LOAD_KWH);
    for (int i = 0; i < n; i++) {
        source_head(x, hb[i], sizeof hb[i], L_SUPPLY_OF, src[i]);
        source_head(x, hb[n + i], sizeof hb[n + i], L_MATCHED_OF, src[i]);
        source_head(x, hb[2 * n + i], sizeof hb[2 * n + i], L_SURPLUS_OF, src[i]);
        mh[m_sup + i] = hb[i];
        mh[m_mat + i] = hb[n + i];
        mh[m_sur + i] = hb[2 * n + i];
    }
    mh[m_unm] = L(x, L_UNMATCHED_KWH);
    mh[m_ms] = L(x, L_MATCHED_SHARE);
    mh[m_vs] = L(x, L_VOLUMETRIC_SHARE);
    mh[m_note] = L(x, L_NOTE);
    wrapped_header(x, ws, r_mhead, mh, m_note + 1, w);
    r = r_mhead + 1;
    for (size_t i = 0; i < h->nmonths; i++, r++) {
        const hourly_month *hm = &h->months[i];
        char per[8];
        period_format(hm->ord, per, sizeof per);
        str(x, ws, r, 0, per, x->text);
        if (!hm->matched) {
            /* the reason runs over the empty cells of the row */
            str(x, ws, r, 1, reason_text(x, hm->reason), x->warn);
            continue;
        }
        num(x, ws, r, 1, hm->hours, x->kwh);
        num(x, ws, r, m_load, hm->load_kwh, x->kwh);
        for (int k = 0; k < n; k++) {
            int g = src[k];
            if (!hm->has_supply[g])
                continue; /* no hourly rows of this source this month */
            num(x, ws, r, m_sup + k, hm->supply_kwh[g], x->kwh);
            num(x, ws, r, m_mat + k, hm->matched_kwh[g], x->kwh);
            num(x, ws, r, m_sur + k, hm->surplus_kwh[g], x->kwh);
        }
        num(x, ws, r, m_unm, hm->unmatched_kwh, x->kwh);
        cell(c_, r, m_load, false);
        if (hm->has_share) {
            fnum(x, ws, r, m_ms, x->share, hm->matched_share, "=SUM(%s:%s)/%s", cell(a, r, m_mat, false),
                 cell(b, r, m_mat + n - 1, false), c_);
            fnum(x, ws, r, m_vs, x->share, hm->volumetric_share, "=MIN(1,SUM(%s:%s)/%s)",
                 cell(a, r, m_sup, false), cell(b, r, m_sup + n - 1, false), c_);
        }
        if (hm->monthly_direct_ppa)
            str(x, ws, r, m_note, L(x, L_HOURLY_MONTHLY_ROWS), x->warn);
    }
    /* The matched months together (the rows of the others are empty). */
    str(x, ws, r, 0, L(x, L_MATCHED_MONTHS_TOTAL), x->bold);
    int first = r_mhead + 1, last = r - 1;
    struct col_sum {
        int col;
        double v;
    } sums[3 + 3 * HOURLY__GREEN];
    int ns = 0;
    sums[ns++] = (struct col_sum){1, h->hours};
    sums[ns++] = (struct col_sum){m_load, h->load_kwh};
    for (int k = 0; k < n; k++) {
        sums[ns++] = (struct col_sum){m_sup + k, h->supply_kwh[src[k]]};
        sums[ns++] = (struct col_sum){m_mat + k, h->matched_kwh[src[k]]};
        sums[ns++] = (struct col_sum){m_sur + k, h->surplus_kwh[src[k]]};
    }
    sums[ns++] = (struct col_sum){m_unm, h->unmatched_kwh};
    for (int k = 0; k < ns; k++)
        fnum(x, ws, r, sums[k].col, x->kwh_bold, sums[k].v, "=SUM(%s:%s)", cell(a, first, sums[k].col, false),
             cell(b, last, sums[k].col, false));
    if (h->has_share && n > 0) {
        cell(c_, r, m_load, false);
        fnum(x, ws, r, m_ms, share_bold, h->matched_share, "=SUM(%s:%s)/%s", cell(a, r, m_mat, false),
             cell(b, r, m_mat + n - 1, false), c_);
        fnum(x, ws, r, m_vs, share_bold, h->volumetric_share, "=MIN(1,SUM(%s:%s)/%s)",
             cell(a, r, m_sup, false), cell(b, r, m_sup + n - 1, false), c_);
    }
    r += 2;

    if (h->nmatched == 0) {
        str(x, ws, r, 0, L(x, L_HOURLY_NONE), x->warn);
        r += 2;
    } else {
        /* The average day, and beside it its chart. */
        str(x, ws, r++, 0, L(x, L_HOURLY_PROFILE), x->title);
        const char *ph[2 + HOURLY__GREEN + 1];
        ph[0] = L(x, L_HOUR_OF_DAY);
        ph[1] = L(x, L_LOAD_KWH);
        for (int k = 0; k < n; k++)
            ph[2 + k] = hb[k]; /* "Supply, ... (kWh)" */
        ph[2 + n] = L(x, L_MATCHED_ALL_KWH);
        int pcols = 3 + n, p_head = r;
        double head_pt = wrapped_header(x, ws, r++, ph, pcols, w);
        for (int k = 0; k < 24; k++, r++) {
            num(x, ws, r, 0, k, center);
            num(x, ws, r, 1, h->day_load[k], x->kwh);
            for (int i = 0; i < n; i++)
                num(x, ws, r, 2 + i, h->day_supply[src[i]][k], x->kwh);
            num(x, ws, r, 2 + n, h->day_matched[k], x->kwh);
        }
        lxw_chart *ch = new_chart(x, LXW_CHART_LINE);
        if (ch == NULL)
            return;
        static const lxw_color_t colours[HOURLY__GREEN] = {0xED7D31, 0x70AD47, 0x4472C4, 0x00A3A3};
        for (int s = 1; s < pcols; s++) {
            lxw_chart_series *cs = add_series(x, ch);
            if (cs == NULL)
                return;
            chart_series_set_categories(cs, "Hourly", (lxw_row_t)p_head + 1, 0, (lxw_row_t)p_head + 24, 0);
            chart_series_set_values(cs, "Hourly", (lxw_row_t)p_head + 1, (lxw_col_t)s, (lxw_row_t)p_head + 24,
                                    (lxw_col_t)s);
            chart_series_set_name_range(cs, "Hourly", (lxw_row_t)p_head, (lxw_col_t)s);
            lxw_chart_line line = {.color = 0x404040, .width = 2.25};
            if (s > 1 && s < pcols - 1)
                line.color = colours[src[s - 2]];
            else if (s == pcols - 1)
                line =
                    (lxw_chart_line){.color = 0x7F7F7F, .width = 1.5, .dash_type = LXW_CHART_LINE_DASH_DASH};
            chart_series_set_line(cs, &line);
            chart_series_set_marker_type(cs, LXW_CHART_MARKER_NONE);
        }
        chart_title_set_name(ch, L(x, L_CHART_PROFILE));
        chart_axis_set_name(ch->x_axis, L(x, L_HOUR_OF_DAY));
        chart_axis_set_name(ch->y_axis, L(x, L_KWH_PER_HOUR));
        chart_axis_set_num_format(ch->y_axis, "#,##0");
        chart_axis_set_min(ch->y_axis, 0);
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        /* Right of the table and no taller than its rows (15 pt each, 4/3
         * pixels a point), so that it covers no cell with content. */
        double height_px = (head_pt + 24 * 15.0) * 4.0 / 3.0 - 4;
        lxw_chart_options co = {
            .x_offset = 0, .y_offset = 2, .x_scale = 640.0 / 480, .y_scale = height_px / 288};
        ck(x, worksheet_insert_chart_opt(ws, (lxw_row_t)p_head, (lxw_col_t)(pcols + 1), ch, &co));
        x->ncharts++;
        r++;
    }

    /* Evidence: the files the figures come from. */
    str(x, ws, r++, 0, L(x, L_HOURLY_EVIDENCE), x->title);
    paragraph(x, ws, r++, wide, w, L(x, L_HOURLY_EVIDENCE_NOTE), x->wrap);
    const char *ih[] = {L(x, L_PATH), L(x, L_ROLE), L(x, L_ROWS), L(x, L_SHA256)};
    wrapped_header(x, ws, r++, ih, 4, w);
    for (size_t i = 0; i < l->ninputs; i++, r++) {
        str(x, ws, r, 0, l->inputs[i].path, x->wrap);
        fit_row(x, ws, r, 1, (const char *const[]){l->inputs[i].path}, &w[0]);
        str(x, ws, r, 1, role_text(x, l->inputs[i].role), NULL);
        num(x, ws, r, 2, (double)l->inputs[i].rows, x->kwh);
        str(x, ws, r, 3, l->inputs[i].sha256, x->text); /* runs over the empty cells to its right */
    }
    if (h->nmatched == 0)
        return;

    /* The heatmap, on a page of its own: one row per day of the matched
     * months, one column per hour; empty where the hour has no load. */
    r++;
    lxw_row_t breaks[] = {(lxw_row_t)r, 0};
    ck(x, worksheet_set_h_pagebreaks(ws, breaks));
    str(x, ws, r++, 0, L(x, L_HOURLY_HEATMAP), x->title);
    char hours[24][4];
    const char *hh[HOURLY_COLS];
    hh[0] = L(x, L_DAY);
    for (int k = 0; k < 24; k++) {
        snprintf(hours[k], sizeof hours[k], "%d", k);
        hh[1 + k] = hours[k];
    }
    hh[25] = L(x, L_WHOLE_DAY);
    wrapped_header(x, ws, r, hh, HOURLY_COLS, w);
    for (int k = 0; k < 24; k++)
        str(x, ws, r, 1 + k, hours[k], head_center);
    r++;
    int h_first = r;
    for (size_t i = 0; i < h->nmonths; i++) {
        const hourly_month *hm = &h->months[i];
        if (!hm->matched || hm->load_h == NULL) /* alloc_opts.drop_hour_detail */
            continue;
        char per[8];
        period_format(hm->ord, per, sizeof per);
        for (uint32_t d = 0; d < hm->hours / 24; d++, r++) {
            char day[32];
            snprintf(day, sizeof day, "%s-%02u", per, (unsigned)d + 1);
            str(x, ws, r, 0, day, x->text);
            double load = 0, matched = 0;
            for (uint32_t k = 0; k < 24; k++) {
                double lh = hm->load_h[d * 24 + k], mh_ = hm->matched_h[d * 24 + k];
                load += lh;
                matched += mh_;
                if (lh > 0)
                    num(x, ws, r, 1 + (int)k, mh_ / lh, pct);
            }
            if (load > 0)
                num(x, ws, r, 25, matched / load, pct_bold);
        }
    }
    if (r > h_first) {
        /* Red 0 %, yellow 50 %, green 100 %: fixed points, not the data's own range. */
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                     .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .min_value = 0,
                                     .min_color = 0xF8696B,
                                     .mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .mid_value = 0.5,
                                     .mid_color = 0xFFEB84,
                                     .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                     .max_value = 1,
                                     .max_color = 0x63BE7B};
        ck(x, worksheet_conditional_format_range(ws, (lxw_row_t)h_first, 1, (lxw_row_t)(r - 1),
                                                 HOURLY_COLS - 1, &cf));
    }
}

/* ---- Products: attribution per product and month ---- */

/* Columns. The kWh of each product-month are split by the sources that
 * carry a factor (direct line and on-site count 0 in every method: they are
 * the rest of the Electricity column), so that its tCO2 is the Electricity
 * sheet's formula over them with the factors of that month's row there. */
enum {
    P_ID,
    P_NAME,
    P_CN,
    P_MONTH,
    P_QTY,
    P_QTY_SEE,
    P_SUB,
    P_ALLOC,
    P_KEY,
    P_KWH,
    P_GRID,
    P_TRADE,
    P_PPA,
    P_SUP,
    P_CERT_USED,
    P_LOC,
    P_MKT,
    P_CBAM,
    P_SEE_LOC,
    P_SEE_MKT,
    P_SEE_CBAM,
    P_MWH_T,
    P__N
};

static const enum supply_source p_sources[4] = {SUPPLY_GRID, SUPPLY_GREEN_TRADE, SUPPLY_GREEN_PPA,
                                                SUPPLY_SUPPLIER};

struct prow {
    double qty, qty_see, sub, alloc, kwh;
    bool has_key;
    double key;
    double src[4];    /* by p_sources */
    double cert_used; /* certificates covering its grid kWh, in the month's share */
    double kg;        /* supplier kgCO2 (market-based) */
    alloc_em em;
    bool has_see, na; /* SEE defined; else "n/a" when na (blank otherwise) */
    alloc_em see;
    double mwh_t;
    bool annual_t;   /* period rows: tonnes given for a whole year, not the sum of month rows */
    int erow;        /* month rows: the month's row on Electricity */
    int first, last; /* period rows: the month rows they add up (none when first > last) */
};

/* A product-month's kWh by source and supplier kg, as the engine attributed
 * them; unallocated (p == SIZE_MAX): the shared kWh of a month without
 * production. */
static void month_kwh(const alloc_month *am, size_t p, double k[SUPPLY__COUNT], double *kg)
{
    if (p == SIZE_MAX) {
        memcpy(k, am->unallocated_kwh, SUPPLY__COUNT * sizeof *k);
        *kg = am->unallocated_supplier_kg;
    } else {
        memcpy(k, am->products[p].kwh, SUPPLY__COUNT * sizeof *k);
        *kg = am->products[p].supplier_kg;
    }
}

static double month_coverage(const alloc_month *am)
{
    double grid = am->kwh.source[SUPPLY_GRID];
    return grid > 0 ? am->kwh.certificates_used / grid : 0.0;
}

static bool same(double a, double b)
{
    double m = fmax(fabs(a), fabs(b));
    return fabs(a - b) <= 1e-12 * (m > 1e-300 ? m : 1e-300);
}

/* The month row of a product (or of the unallocated kWh) from the engine's
 * figures; the kWh it rebuilds must give the engine's tCO2, else the
 * formulas would contradict their cached values: a bug, nothing is written. */
static struct prow month_prow(struct xw *x, const alloc_enterprise *ae, size_t mi, size_t p)
{
    const alloc_month *am = &ae->months[mi];
    struct prow r = {.erow = 1 + (int)mi, .first = 1, .last = 0};
    double k[SUPPLY__COUNT], kg, cov = month_coverage(am);
    month_kwh(am, p, k, &kg);
    if (p == SIZE_MAX) {
        r.alloc = r.kwh = am->kwh.unallocated;
        r.em = am->unallocated_em;
    } else {
        const alloc_product_month *pm = &am->products[p];
        r.qty = pm->quantity_t;
        r.qty_see = pm->in_see ? pm->quantity_t : 0.0;
        r.sub = pm->kwh_sub;
        r.alloc = pm->kwh_alloc;
        r.kwh = pm->kwh_sub + pm->kwh_alloc;
        r.has_key = true;
        r.key = pm->share;
        r.em = pm->em;
        r.has_see = pm->in_see && pm->quantity_t > 0;
        r.na = !r.has_see && pm->quantity_t > 0;
        if (r.has_see) {
            r.see.location = pm->em.location / pm->quantity_t;
            r.see.market = pm->em.market / pm->quantity_t;
            r.see.cbam = pm->em.cbam / pm->quantity_t;
            r.mwh_t = r.kwh / 1000.0 / pm->quantity_t;
        }
    }
    for (int i = 0; i < 4; i++)
        r.src[i] = k[p_sources[i]];
    r.cert_used = k[SUPPLY_GRID] * cov;
    r.kg = kg;
    if (am->f.location != NULL) {
        alloc_em check = alloc_emissions(k, kg, cov, &am->f);
        if (!same(check.location, r.em.location) || !same(check.market, r.em.market) ||
            !same(check.cbam, r.em.cbam))
            x->bad_number = true;
    }
    return r;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v: 735.27,
 * not 735.26999999999998, in a formula an auditor reads. */
static const char *shortest(char *buf, size_t size, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

static void product_row(struct xw *x, lxw_worksheet *ws, int r, const char *id, const char *name,
                        const char *cn, const char *month, const struct prow *p, size_t nsuppliers)
{
    bool period = p->erow < 0;
    lxw_format *kf = period ? x->kwh_bold : x->kwh, *tf = period ? x->t3_bold : x->t3;
    char a[16], b[16], ea[16], eb[16], ec[16], ed[16], kgs[32];
    char c_qty_see[16], c_kwh[16], c_grid[16], c_trade[16], c_ppa[16], c_sup[16], c_cert[16];
    str(x, ws, r, P_ID, id, period ? x->bold : x->text);
    str(x, ws, r, P_NAME, name, NULL);
    str(x, ws, r, P_CN, cn, x->text);
    str(x, ws, r, P_MONTH, month, period ? x->bold : x->text);
    cell(c_qty_see, r, P_QTY_SEE, false);
    cell(c_kwh, r, P_KWH, false);
    cell(c_grid, r, P_GRID, false);
    cell(c_trade, r, P_TRADE, false);
    cell(c_ppa, r, P_PPA, false);
    cell(c_sup, r, P_SUP, false);
    cell(c_cert, r, P_CERT_USED, false);

    struct {
        int col;
        double v;
        lxw_format *f;
    } add[] = {
        {P_QTY, p->qty, tf},         {P_QTY_SEE, p->qty_see, tf}, {P_SUB, p->sub, kf},
        {P_ALLOC, p->alloc, kf},     {P_GRID, p->src[0], kf},     {P_TRADE, p->src[1], kf},
        {P_PPA, p->src[2], kf},      {P_SUP, p->src[3], kf},      {P_CERT_USED, p->cert_used, kf},
        {P_LOC, p->em.location, tf}, {P_MKT, p->em.market, tf},   {P_CBAM, p->em.cbam, tf},
    };
    size_t nadd = sizeof add / sizeof add[0];
    if (period && p->first <= p->last) {
        /* A period line adds up its month lines. */
        for (size_t i = 0; i < nadd; i++) {
            if (p->annual_t && (add[i].col == P_QTY || add[i].col == P_QTY_SEE))
                num(x, ws, r, add[i].col, add[i].v, add[i].f);
            else
                fnum(x, ws, r, add[i].col, add[i].f, add[i].v, "=SUM(%s:%s)",
                     cell(a, p->first, add[i].col, false), cell(b, p->last, add[i].col, false));
        }
    } else if (period) {
        for (size_t i = 0; i < nadd; i++)
            num(x, ws, r, add[i].col, add[i].v, add[i].f);
    } else {
        /* A month line: kWh as given; tCO2 by the Electricity formulas with that month's factors. */
        for (size_t i = 0; i < 8; i++)
            num(x, ws, r, add[i].col, add[i].v, add[i].f);
        cell(ea, p->erow, E_GRID, true);
        cell(eb, p->erow, E_CERT_USED, true);
        fnum(x, ws, r, P_CERT_USED, kf, p->cert_used,
             "=IF(Electricity!%s>0,%s*Electricity!%s/Electricity!%s,0)", ea, c_grid, eb, ea);
        fnum(x, ws, r, P_LOC, tf, p->em.location, "=(%s+%s+%s+%s)*Electricity!%s/1000", c_grid, c_trade,
             c_ppa, c_sup, cell(ec, p->erow, E_EF_LOC, true));
        cell(ec, p->erow, E_EF_RES, true);
        cell(ed, p->erow, E_EF_SUP, true);
        if (nsuppliers == 1) /* the month's supplier factor cell refers to Factors */
            fnum(x, ws, r, P_MKT, tf, p->em.market, "=((%s-%s)*Electricity!%s+%s*Electricity!%s)/1000",
                 c_grid, c_cert, ec, c_sup, ed);
        else if (p->kg != 0) /* several supplier factors: their kg, as the month's data give them */
            fnum(x, ws, r, P_MKT, tf, p->em.market, "=((%s-%s)*Electricity!%s+%s)/1000", c_grid, c_cert, ec,
                 shortest(kgs, sizeof kgs, p->kg));
        else
            fnum(x, ws, r, P_MKT, tf, p->em.market, "=(%s-%s)*Electricity!%s/1000", c_grid, c_cert, ec);
        fnum(x, ws, r, P_CBAM, tf, p->em.cbam, "=(%s+%s+%s)*Electricity!%s/1000", c_grid, c_trade, c_sup,
             cell(ec, p->erow, E_EF_CBAM, true));
    }
    if (p->has_key)
        num(x, ws, r, P_KEY, p->key, x->share);
    fnum(x, ws, r, P_KWH, kf, p->kwh, "=%s+%s", cell(a, r, P_SUB, false), cell(b, r, P_ALLOC, false));
    if (p->has_see) {
        fnum(x, ws, r, P_SEE_LOC, x->see, p->see.location, "=%s/%s", cell(a, r, P_LOC, false), c_qty_see);
        fnum(x, ws, r, P_SEE_MKT, x->see, p->see.market, "=%s/%s", cell(a, r, P_MKT, false), c_qty_see);
        fnum(x, ws, r, P_SEE_CBAM, x->see, p->see.cbam, "=%s/%s", cell(a, r, P_CBAM, false), c_qty_see);
        fnum(x, ws, r, P_MWH_T, x->see, p->mwh_t, "=%s/1000/%s", c_kwh, c_qty_see);
    } else if (p->na) {
        for (int c = P_SEE_LOC; c <= P_MWH_T; c++)
            str(x, ws, r, c, L(x, L_NA), x->na);
    }
}

/* Returns the row of each product's period line through period_rows (by
 * ledger index), for the Summary and CBAM_Communication to refer to. */
static void write_products(struct xw *x, const alloc_enterprise *ae, int *period_rows)
{
    /* 22 columns: two pages wide, the product and month columns on both */
    lxw_worksheet *ws = sheet_wide(x, "Products", 0, 2);
    if (ws == NULL)
        return;
    ck(x, worksheet_repeat_columns(ws, P_ID, P_MONTH));
    const char *h[P__N] = {L(x, L_PRODUCT),         L(x, L_PRODUCT_NAME), L(x, L_CN_CODE),
                           L(x, L_MONTH),           L(x, L_QUANTITY_T),   L(x, L_QUANTITY_SEE_T),
                           L(x, L_KWH_SUB),         L(x, L_KWH_ALLOC),    L(x, L_KEY),
                           L(x, L_ELECTRICITY_KWH), L(x, L_GRID),         L(x, L_GREEN_TRADE),
                           L(x, L_GREEN_PPA),       L(x, L_SUPPLIER),     L(x, L_CERTIFICATES_USED),
                           L(x, L_LOCATION_T),      L(x, L_MARKET_T),     L(x, L_CBAM_T),
                           L(x, L_SEE_LOCATION),    L(x, L_SEE_MARKET),   L(x, L_SEE_CBAM),
                           L(x, L_MWH_PER_T)};
    static const double w[P__N] = {14, 22, 11, 9,  11, 11, 13, 13, 11, 14, 13,
                                   12, 11, 12, 12, 12, 12, 12, 12, 12, 12, 11};
    wrapped_header(x, ws, 0, h, P__N, w);
    widths(x, ws, w, P__N);
    const char *period_label = L(x, L_PERIOD_TOTAL);
    size_t nsup = ae->e->nsuppliers;
    int r = 1;
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t pi = ae->product_order[k];
        const alloc_product *ap = &ae->products[pi];
        char cn[16];
        cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn);
        int pr = r++;
        period_rows[pi] = pr;
        struct prow total = {.qty = ap->quantity_t,
                             .qty_see = ap->quantity_see_t,
                             .sub = ap->kwh_sub,
                             .alloc = ap->kwh_alloc,
                             .kwh = ap->kwh,
                             .em = ap->em,
                             .has_see = ap->has_see,
                             .na = !ap->has_see,
                             .see = ap->see,
                             .mwh_t = ap->mwh_per_t,
                             .erow = -1,
                             .first = pr + 1};
        for (int i = 0; i < 4; i++)
            total.src[i] = ap->kwh_source[p_sources[i]];
        double month_t = 0, month_see_t = 0;
        for (size_t mi = 0; mi < ae->nmonths; mi++) {
            const alloc_month *am = &ae->months[mi];
            const alloc_product_month *pm = &am->products[pi];
            if (pm->quantity_t == 0 && pm->kwh_sub == 0 && pm->kwh_alloc == 0)
                continue;
            char per[8];
            period_format(am->ord, per, sizeof per);
            struct prow mr = month_prow(x, ae, mi, pi);
            total.cert_used += mr.cert_used;
            month_t += mr.qty;
            month_see_t += mr.qty_see;
            product_row(x, ws, r++, ap->p->id, ap->p->name, cn, per, &mr, nsup);
        }
        total.last = r - 1;
        /* Annual production (a year's tonnes, in no month): the period line
         * holds the tonnes as given rather than a sum of month lines. */
        total.annual_t = !same(month_t, ap->quantity_t) || !same(month_see_t, ap->quantity_see_t);
        product_row(x, ws, pr, ap->p->id, ap->p->name, cn, period_label, &total, nsup);
    }
    /* Unallocated kWh, so that the columns add up to the Electricity sheet. */
    const char *un_label = L(x, L_UNALLOCATED);
    int ur = r++;
    struct prow un = {.alloc = ae->kwh.unallocated,
                      .kwh = ae->kwh.unallocated,
                      .em = ae->unallocated_em,
                      .erow = -1,
                      .first = ur + 1};
    for (size_t mi = 0; mi < ae->nmonths; mi++) {
        const alloc_month *am = &ae->months[mi];
        if (am->kwh.unallocated == 0)
            continue;
        char per[8];
        period_format(am->ord, per, sizeof per);
        struct prow mr = month_prow(x, ae, mi, SIZE_MAX);
        for (int i = 0; i < 4; i++)
            un.src[i] += mr.src[i];
        un.cert_used += mr.cert_used;
        product_row(x, ws, r++, un_label, NULL, NULL, per, &mr, nsup);
    }
    un.last = r - 1;
    product_row(x, ws, ur, un_label, NULL, NULL, period_label, &un, nsup);
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
        {P_QTY_SEE, 0, x->t3_bold},
        {P_KWH, ae->kwh.consumption, x->kwh_bold},
        {P_GRID, ae->kwh.source[SUPPLY_GRID], x->kwh_bold},
        {P_TRADE, ae->kwh.source[SUPPLY_GREEN_TRADE], x->kwh_bold},
        {P_PPA, ae->kwh.source[SUPPLY_GREEN_PPA], x->kwh_bold},
        {P_SUP, ae->kwh.source[SUPPLY_SUPPLIER], x->kwh_bold},
        {P_CERT_USED, ae->kwh.certificates_used, x->kwh_bold},
        {P_LOC, ae->em.location, x->t3_bold},
        {P_MKT, ae->em.market, x->t3_bold},
        {P_CBAM, ae->em.cbam, x->t3_bold},
    };
    for (size_t k = 0; k < ae->nproducts; k++) {
        tot[0].v += ae->products[k].quantity_t;
        tot[1].v += ae->products[k].quantity_see_t;
    }
    for (size_t t = 0; t < sizeof tot / sizeof tot[0]; t++)
        fnum(x, ws, r, tot[t].col, tot[t].f, tot[t].v, "=SUMIF(%s:%s,\"%s\",%s:%s)", mfrom, mto, period_label,
             cell(col_from, 1, tot[t].col, false), cell(col_to, last, tot[t].col, false));
    ck(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)last, P__N - 1));
}

/* ---- CBAM_Communication: the template's Summary_Communication columns ---- */

/* Columns D to BA are those of the template's Summary_Communication (v2.1.1,
 * header row 25), in its order and words, so that a row's D:BA pastes
 * across letter for letter; A to C and the columns after BA are cbamcalc's
 * own. What cbamcalc cannot know stays empty, never 0. */
enum {
    CC_PRODUCT,            /* A: cbamcalc's product id */
    CC_SECTOR,             /* B */
    CC_LIABLE,             /* C */
    CC_PROCESS,            /* D: the template's first column */
    CC_CATEGORY,           /* E */
    CC_CN,                 /* F: 8 digits, no spaces, as the template writes it */
    CC_CN_NAME,            /* G: the official CN name */
    CC_NAME,               /* H: the user's product name */
    CC_SEE_DIRECT,         /* I */
    CC_SEE_INDIRECT,       /* J */
    CC_SEE_TOTAL,          /* K */
    CC_UNIT,               /* L */
    CC_SHARE_DEFAULT,      /* M */
    CC_EF_SOURCE,          /* N */
    CC_MWH_T,              /* O */
    CC_EF,                 /* P */
    CC_TEMPLATE_LAST = 52, /* BA: the template's last column */
    CC_QTY,                /* BB */
    CC_QTY_SEE,            /* BC */
    CC__N
};
_Static_assert(CC_EF == 15 && CC_QTY == 53,
               "CBAM_Communication: P is the template's 16th column, BB follows BA");

static const char *const cbam_head[CC__N] = {
    [CC_PRODUCT] = "Product (cbamcalc)",
    [CC_SECTOR] = "CBAM sector",
    [CC_LIABLE] = "Indirect emissions in the CBAM liability from 2026",
    /* The template's words (Summary_Communication!D25:BA25). */
    [CC_PROCESS] = "Production process from which the products arise",
    [CC_CATEGORY] = "Type of aggregated good or precursor",
    [CC_CN] = "CN Codes",
    [CC_CN_NAME] = "CN Name",
    [CC_NAME] = "Product name \n(used for communication with reporting declarant, e.g. on invoices)",
    [CC_SEE_DIRECT] = "SEE (direct)",
    [CC_SEE_INDIRECT] = "SEE (indirect)",
    [CC_SEE_TOTAL] = "SEE (total)",
    [CC_UNIT] = "Unit",
    [CC_SHARE_DEFAULT] = "Share of emissions by default value",
    [CC_EF_SOURCE] = "Source for electricity EF",
    [CC_MWH_T] = "Embedded electricity (MWh/t)",
    [CC_EF] = "Electricity EF (tCO2/MWh)",
    [16] = "The main reducing agent of the precursor, if known", /* Q */
    [17] = "Steel mill identification number",
    [18] = "% Mn",
    [19] = "% Cr",
    [20] = "% Ni",
    [21] = "% other alloys",
    [22] = "% carbon",
    [23] = "t scrap per t steel",
    [24] = "% other materials",
    [25] = "% pre-consumer scrap",
    [26] = "t scrap per t aluminium",
    [27] = "% non-aluminium elements",
    [28] = "Clinker factor",
    [29] = "Calcined or not",
    [30] = "Concentration, if hydrous solution",
    [31] = "% nitric acid",
    [32] = "% urea",
    [33] = "% N contained",
    [34] = "% N as ammonium (NH4+)",
    [35] = "% N as nitrate (NO3–)",
    [36] = "% N as Urea",
    [37] = "% N in other (organic) forms", /* AL */
    [38] = "Type of instrument (carbon pricing)",
    [39] = "Share of total embedded emissions covered by the carbon price",
    [40] = "Embedded emissions covered by the carbon price", /* AO:AP */
    [42] = "Currency",
    [43] = "Carbon price (CP) due (per produced t or MWh)", /* AR:AS */
    [45] = "Type of rebate",
    [46] = "Share of embedded emissions covered by the rebate",
    [47] = "Embedded emissions covered by rebate",             /* AV:AW */
    [49] = "Amount of rebate (per produced t or MWh)",         /* AX:AY */
    [51] = "Result: Effective CP due (per produced t or MWh)", /* AZ:BA */
    [CC_QTY] = "Quantity (t)",
    [CC_QTY_SEE] = "Quantity in SEE (t)",
};

/* Header cells the template merges with the next one (a figure and its unit). */
static const int cbam_merged[] = {40, 43, 47, 49, 51};

/* Direct-line or PPA kWh of a month that is not hour-matched, or that come
 * from monthly rows inside a matched month: their one-hour match is not
 * demonstrated (IR 2025/2547 Annex II D.4.3). */
static bool direct_ppa_not_demonstrated(const alloc_enterprise *ae)
{
    for (size_t i = 0; i < ae->nmonths; i++) {
        const alloc_month *am = &ae->months[i];
        if (!(am->kwh.source[SUPPLY_GREEN_DIRECT] > 0 || am->kwh.source[SUPPLY_GREEN_PPA] > 0))
            continue;
        const hourly_month *hm = am->hourly ? hourly_matched_month(ae->hourly, am->ord) : NULL;
        if (hm == NULL || hm->monthly_direct_ppa)
            return true;
    }
    return false;
}

static void write_cbam(struct xw *x, const alloc_enterprise *ae, const int *period_rows)
{
    static const int H = 4; /* header row */
    /* The template's 53 columns: four pages wide, the product id on each. */
    lxw_worksheet *ws = sheet_wide(x, "CBAM_Communication", H, 4);
    if (ws == NULL)
        return;
    ck(x, worksheet_repeat_columns(ws, 0, 0));
    /* The texts above the table start in B: A is printed on every page. */
    str(x, ws, 0, 1,
        "Summary of products (layout of the CBAM communication template v2.1.1, sheet Summary_Communication)",
        x->title);
    static const char intro[] =
        "Columns D to BA are the template's columns D to BA, in its order and words: a row's D:BA pastes "
        "across. Electricity only: production process, SEE (direct), share of emissions by default value, "
        "the precursor and carbon price columns are left empty for the operator; SEE (total) adds SEE "
        "(direct) once entered. SEE (indirect) is the CBAM method: grid, green trade and supplier kWh at "
        "the grid factor, direct line, on-site and PPA at 0. Every figure refers to Products.";
    if (direct_ppa_not_demonstrated(ae))
        str(x, ws, 2, 1, label(L_HOURLY_NOTE, false), x->warn);
    const char *h[CC__N];
    double w[CC__N];
    for (int c = 0; c < CC__N; c++) {
        h[c] = cbam_head[c] ? cbam_head[c] : "";
        w[c] = 11;
    }
    w[CC_PRODUCT] = 14;
    w[CC_SECTOR] = 13;
    w[CC_LIABLE] = 16;
    w[CC_PROCESS] = 18;
    w[CC_CATEGORY] = 20;
    w[CC_CN_NAME] = 44;
    w[CC_NAME] = 24;
    w[CC_EF_SOURCE] = 12;
    w[CC_MWH_T] = 14;
    w[CC_EF] = 14;
    wrapped_header(x, ws, H, h, CC__N, w);
    widths(x, ws, w, CC__N);
    ck(x, worksheet_merge_range(ws, 1, 1, 1, CC_NAME, "", x->wrap));
    str(x, ws, 1, 1, intro, x->wrap);
    double intro_w = 0;
    for (int c = 1; c <= CC_NAME; c++)
        intro_w += w[c];
    intro_w *= 0.85;
    fit_row(x, ws, 1, 1, (const char *const[]){intro}, &intro_w);
    for (size_t i = 0; i < sizeof cbam_merged / sizeof cbam_merged[0]; i++) {
        int c = cbam_merged[i];
        ck(x, worksheet_merge_range(ws, (lxw_row_t)H, (lxw_col_t)c, (lxw_row_t)H, (lxw_col_t)(c + 1),
                                    cbam_head[c], x->head));
    }
    int r = H + 1;
    for (size_t k = 0; k < ae->nproducts; k++, r++) {
        size_t pi = ae->product_order[k];
        const alloc_product *ap = &ae->products[pi];
        int pr = period_rows[pi];
        const char *cn = ap->p->cn_code;
        cbamgoods_info gi = cbamgoods_lookup(cn);
        const char *cn_name = cbamgoods_cn_name(cn);
        const char *name = ap->p->name && *ap->p->name ? ap->p->name : ap->p->id;
        char e[16], f[16], p1[16], p2[16];
        str(x, ws, r, CC_PRODUCT, ap->p->id, x->text);
        str(x, ws, r, CC_SECTOR, gi.sector, NULL);
        str(x, ws, r, CC_LIABLE,
            gi.category ? (gi.indirect_in_liability ? "yes" : "no (direct emissions only)") : "not a CBAM good",
            NULL);
        str(x, ws, r, CC_CATEGORY, gi.category ? gi.category : (cn ? "(not a CBAM good)" : "(no CN code given)"),
            NULL);
        str(x, ws, r, CC_CN, cn, x->text);
        str(x, ws, r, CC_CN_NAME, cn_name, x->wrap);
        str(x, ws, r, CC_NAME, name, x->wrap);
        fit_row(x, ws, r, 2, (const char *const[]){cn_name, name}, &w[CC_CN_NAME]);
        str(x, ws, r, CC_SEE_DIRECT, NULL, x->see);
        if (ap->has_see) {
            fnum(x, ws, r, CC_SEE_INDIRECT, x->see, ap->see.cbam, "=Products!%s", cell(p1, pr, P_SEE_CBAM, true));
            fnum(x, ws, r, CC_MWH_T, x->see, ap->mwh_per_t, "=Products!%s", cell(p1, pr, P_MWH_T, true));
        } else {
            str(x, ws, r, CC_SEE_INDIRECT, "n/a", x->na);
            str(x, ws, r, CC_MWH_T, "n/a", x->na);
        }
        cell(e, r, CC_SEE_DIRECT, false);
        cell(f, r, CC_SEE_INDIRECT, false);
        char formula[128];
        snprintf(formula, sizeof formula, "=IF(AND(ISNUMBER(%s),ISNUMBER(%s)),%s+%s,\"\")", e, f, e, f);
        ck(x, worksheet_write_formula_str(ws, (lxw_row_t)r, CC_SEE_TOTAL, formula, x->see, ""));
        str(x, ws, r, CC_UNIT, "tCO2e/t", NULL);
        str(x, ws, r, CC_EF_SOURCE, ap->cbam_code, NULL);
        if (ap->has_cbam_ef)
            fnum(x, ws, r, CC_EF, x->ef, ap->cbam_ef, "=Products!%s/(Products!%s/1000)", cell(p1, pr, P_CBAM, true),
                 cell(p2, pr, P_KWH, true));
        fnum(x, ws, r, CC_QTY, x->t3, ap->quantity_t, "=Products!%s", cell(p1, pr, P_QTY, true));
        fnum(x, ws, r, CC_QTY_SEE, x->t3, ap->quantity_see_t, "=Products!%s", cell(p1, pr, P_QTY_SEE, true));
    }
    if (ae->nproducts > 0)
        ck(x, worksheet_autofilter(ws, (lxw_row_t)H, 0, (lxw_row_t)(r - 1), (lxw_col_t)(CC__N - 1)));
}

/* ---- Data_Quality: diagnostics and the completeness grid ---- */

/* Width in characters of the widest of texts, two for a CJK character, a
 * margin of 2, and kept between lo and hi. */
static double fit_width(double w, const char *text, double lo, double hi)
{
    double t = text != NULL ? text_width(text) + 2 : 0;
    return fmin(fmax(fmax(w, t), lo), hi);
}

/* Diagnostics above, the completeness grid below, sharing columns: A holds
 * the severity and the meter, B the file and the source, C the line and the
 * product, D the column; from E a message spans as many month columns as it
 * takes to be about 100 characters wide, and the grid's months start there,
 * so that both tables read from the left edge of the page. */
static void write_quality(struct xw *x, const alloc_enterprise *ae, const diag_list *dl)
{
    lxw_worksheet *ws = sheet(x, "Data_Quality", 1);
    if (ws == NULL)
        return;
    enum { MONTH_W = 9, MSG_COLS_MIN = 11, MSG_COLS_MAX = 12 };
    int nmonths = (int)ae->nmonths, k = nmonths < MSG_COLS_MIN ? MSG_COLS_MIN : nmonths;
    if (k > MSG_COLS_MAX)
        k = MSG_COLS_MAX;
    double w[5] = {10, 12, 8, 8, (double)k * MONTH_W};
    const char *h[] = {L(x, L_SEVERITY), L(x, L_FILE), L(x, L_LINE), L(x, L_COLUMN), L(x, L_MESSAGE)};
    for (int c = 0; c < 4; c++)
        w[c] = fit_width(w[c], h[c], w[c], 40);
    w[0] = fit_width(w[0], L(x, L_METER), 10, 40);
    w[1] = fit_width(w[1], L(x, L_SUPPLY), 12, 40);
    w[2] = fit_width(w[2], L(x, L_PRODUCT), 8, 30);
    for (size_t i = 0; i < dl->count; i++) {
        const diag *d = &dl->items[i];
        if (d->enterprise != NULL && strcmp(d->enterprise, ae->e->id) != 0)
            continue;
        w[0] = fit_width(w[0], diag_severity_text(d->severity, x->zh), 10, 40);
        w[1] = fit_width(w[1], d->file, 12, 40);
    }
    for (size_t si = 0; si < ae->e->nseries; si++) {
        const ledger_series *sr = ae->e->series[si];
        w[0] = fit_width(w[0], sr->meter, 10, 40);
        w[1] = fit_width(w[1], supply_name(sr->source), 12, 40);
        w[2] = fit_width(w[2], sr->product, 8, 30);
    }
    widths(x, ws, w, 4);
    int ncols = 4 + (nmonths > k ? nmonths : k);
    ck(x, worksheet_set_column(ws, 4, (lxw_col_t)(ncols - 1), MONTH_W, NULL));

    str(x, ws, 0, 0, L(x, L_DIAGNOSTICS), x->title);
    wrapped_header(x, ws, 1, h, 4, w);
    ck(x, worksheet_merge_range(ws, 1, 4, 1, (lxw_col_t)(4 + k - 1), "", x->head));
    str(x, ws, 1, 4, h[4], x->head);
    int r = 2;
    size_t listed = 0;
    for (size_t i = 0; i < dl->count; i++) {
        const diag *d = &dl->items[i];
        if (d->enterprise != NULL && strcmp(d->enterprise, ae->e->id) != 0)
            continue; /* about another enterprise of the same inputs */
        listed++;
        str(x, ws, r, 0, diag_severity_text(d->severity, x->zh), d->severity == DIAG_ERROR ? x->missing : NULL);
        str(x, ws, r, 1, d->file, x->wrap);
        if (d->line > 0)
            num(x, ws, r, 2, (double)d->line, NULL);
        if (d->column > 0)
            num(x, ws, r, 3, d->column, NULL);
        ck(x, worksheet_merge_range(ws, (lxw_row_t)r, 4, (lxw_row_t)r, (lxw_col_t)(4 + k - 1), "", x->wrap));
        const char *message = diag_text(d, x->zh);
        str(x, ws, r, 4, message, x->wrap);
        const char *texts[] = {d->file, message};
        const double tw[] = {w[1], w[4] * 0.9};
        fit_row(x, ws, r, 2, texts, tw);
        r++;
    }
    if (listed == 0)
        str(x, ws, r++, 0, L(x, L_NO_DIAGNOSTICS), NULL);
    else
        ck(x, worksheet_autofilter(ws, 1, 0, (lxw_row_t)(r - 1), 3));
    if (dl->dropped > 0) {
        char msg[96];
        snprintf(msg, sizeof msg, x->zh ? "另有 %zu 条诊断信息已计数但未列出" : "%zu further diagnostics were counted but not listed",
                 dl->dropped);
        str(x, ws, r++, 4, msg, NULL);
    }

    /* Completeness: one row per meter series, one column per month. */
    r += 2;
    str(x, ws, r++, 0, L(x, L_COMPLETENESS), x->title);
    const char *gh[] = {L(x, L_METER), L(x, L_SUPPLY), L(x, L_PRODUCT), L(x, L_MONTHS_WITH_ROWS)};
    wrapped_header(x, ws, r, gh, 4, w);
    for (int mi = 0; mi < nmonths; mi++) {
        char per[8];
        period_format(ae->months[mi].ord, per, sizeof per);
        str(x, ws, r, 4 + mi, per, x->head);
    }
    r++;
    for (size_t si = 0; si < ae->e->nseries; si++) { /* its own, in the order of their first rows */
        const ledger_series *sr = ae->e->series[si];
        str(x, ws, r, 0, sr->meter[0] ? sr->meter : "-", x->wrap);
        str(x, ws, r, 1, supply_name(sr->source), NULL);
        str(x, ws, r, 2, sr->product, x->wrap);
        const char *texts[] = {sr->meter, sr->product};
        const double tw[] = {w[0], w[2]};
        fit_row(x, ws, r, 2, texts, tw);
        int npresent = 0;
        for (int mi = 0; mi < nmonths; mi++) {
            bool present = false;
            for (size_t m = 0; m < sr->n && !present; m++)
                present = sr->marks[m].ord == ae->months[mi].ord;
            npresent += present;
            str(x, ws, r, 4 + mi, present ? L(x, L_PRESENT) : L(x, L_MISSING), present ? x->ok : x->missing);
        }
        char count[32];
        snprintf(count, sizeof count, "%d / %d", npresent, nmonths);
        str(x, ws, r, 3, count, npresent < nmonths ? x->warn : NULL);
        r++;
    }
}

/* ---- Method ---- */

/* The evidence line; a workbook with interval data has the hourly lines
 * in its place. */
#define METHOD_EVIDENCE_EN \
    "Evidence: monthly totals do not show the one-hour match of generation and consumption that IR " \
    "2025/2547 Annex II D.4.3 asks for direct lines and PPAs; keep the hourly meter data."
#define METHOD_EVIDENCE_ZH \
    "证据：月度数据不能证明直连与购电协议所需的逐小时发用电匹配（IR 2025/2547 附件二 D.4.3），请保存小时" \
    "级电表数据。"

static const char *const method_hourly_en[] = {
    "Evidence: IR 2025/2547 Annex II D.4.3 asks, for direct lines and PPAs, for the one-hour match of "
    "generation and consumption. The months matched hour by hour show it on Hourly, with the input files' "
    "SHA-256; for the other months the monthly totals do not show it: keep the hourly meter data.",
    "Hourly matching (Hourly): rows whose period has a time of day are summed into clock hours of local "
    "time (a UTC offset is converted to China Standard Time). In each hour the green supply fills the load "
    "in the order on-site, direct line, PPA, green trade; supply beyond the hour's load is surplus, counted "
    "in no figure and never carried to another hour. A month is matched when its load (the load meter, or "
    "without one every consumption meter) and at least one green source have hourly data. A matched month "
    "uses the load as consumption, each green source at its matched kWh and the rest of the load as grid "
    "(monthly rows of other sources are parts of that rest); without a load meter everything delivered is "
    "matched and the figures are the monthly method's. Electricity marks the matched months. Matched share "
    "(24/7, CFE score) = matched kWh / load; volumetric share = MIN(1, green supply / load).",
};

static const char *const method_hourly_zh[] = {
    "证据：IR 2025/2547 附件二 D.4.3 要求直连与购电协议证明发电与用电在同一小时内匹配。逐小时匹配的月份在 "
    "Hourly 表中给出该证明及输入文件的 SHA-256；其他月份的月度数据不能证明，请保存小时级电表数据。",
    "逐小时匹配（Hourly 表）：期间带有时刻的数据行按当地时间汇总到整点小时（带 UTC 偏移的时间换算为北京时间"
    "）。每个小时内，绿电按自发自用、绿电直连、购电协议、绿电交易的顺序填补用电负荷；超出该小时负荷的部分"
    "为余电，不计入任何数字，也不结转到其他小时。当月的用电负荷（总表；无总表时为所有用电电表）和至少一个"
    "绿电来源都有小时数据时，该月逐小时匹配。匹配月份以负荷为用电量，各绿电来源按匹配电量计，其余负荷计为"
    "电网（其他来源的月度数据计入该部分）；无总表时全部供电均已匹配，数字与月度方法相同。Electricity 表标"
    "注匹配月份。逐小时匹配率（24/7、CFE 得分）= 匹配电量 / 负荷；电量占比 = MIN(1, 绿电供应量 / 负荷)。",
};

static const char *const method_en[] = {
    "How every figure in this workbook is made",
    "",
    "Sources. grid: public-grid purchase; green_trade: green-power trade delivered through the grid "
    "(bundled certificates); green_ppa: PPA with physical delivery; green_direct: direct line from a "
    "wind or solar plant; onsite: own generation behind the meter; supplier: supply with a "
    "supplier-specific factor; certificates: unbundled certificates retired for this consumption, a "
    "claim and never consumption.",
    "Consumption = grid + green_trade + green_ppa + green_direct + onsite + supplier (Electricity, "
    "column H).",
    "Certificates used = MIN(certificates, grid) per month; the excess is reported on Data_Quality. "
    "Certificates never change the CBAM figure.",
    "Location-based (GHG Protocol Scope 2) tCO2 = (grid + green_trade + green_ppa + supplier) x EF "
    "location / 1000. EF location: the province's MEE average factor of the data year, else the latest "
    "earlier year, else the national average.",
    "Market-based (GHG Protocol Scope 2) tCO2 = ((grid - certificates used) x EF residual + supplier x "
    "EF supplier) / 1000; green trade, PPA, direct line and on-site count 0. EF residual: MEE national "
    "factor excluding market-traded non-fossil power.",
    "CBAM indirect tCO2 = (grid + green_trade + supplier) x EF CBAM / 1000 (Reg. 2023/956 Annex IV; IR "
    "2025/2547). EF CBAM: the EU default for the country (source code D.4(a)) or another published grid "
    "factor (D.4(b)); direct line (D.4.3.1), on-site (D.4.1) and PPA (D.4.3.2) count 0 when their "
    "evidence holds. Several sources: the MWh-weighted mean, code Mix (IR 2025/2547 Art. 9).",
    "Supplier factors (for example a park's blended 0.3503 kgCO2/kWh) count in the market-based figure "
    "but not for CBAM: CBAM accepts actual factors only for a direct technical link or a PPA (IR "
    "2025/2547 Annex II D.4.3); a park's blended factor is neither unless the park is the generator on a "
    "direct technical link or the supply is under a PPA with physical delivery. Summary names the "
    "factors the market-based figure used.",
    METHOD_EVIDENCE_EN,
    "Products. kWh of a sub-meter belong to its product; the rest of a month is split across the "
    "products made that month by production mass (Products, allocation key); every source is split the "
    "same way; certificates cover each grid kWh in the same share. A month without production keeps its "
    "kWh unallocated (shown on Products). On Products each month line shows the product's grid, green "
    "trade, PPA and supplier kWh (direct line and on-site are the rest of its kWh and count 0) and its "
    "tCO2 by the same formulas as Electricity, with the factors of that month's Electricity row; a "
    "period line adds up its month lines.",
    "Mixed goods: when the shared kWh are split by mass across products of different CBAM goods "
    "categories (cement, fertilisers, iron and steel, aluminium, hydrogen...), a warning asks for "
    "sub-metering (product_id on the electricity rows) or for --product PRODUCT_ID after -e FILE when a "
    "file belongs to one product.",
    "Specific embedded emissions SEE = tCO2 / t of product, per method; MWh/t = kWh / 1000 / t. The SEE "
    "of a period uses only the months that have both electricity and production: months with production "
    "but no electricity are left out (Products, quantity in SEE) and listed on Data_Quality. A product "
    "without such months has no SEE (n/a), never 0.",
    "Annual production (a period of a whole year, e.g. 2025) is accepted when the electricity covers the "
    "same whole year: SEE is computed over the year, never from a monthly split.",
    "Plausibility: the MWh/t of each product is compared with the range usual for its CBAM goods "
    "category; an implausible intensity (often a unit or allocation mistake) is warned on Data_Quality.",
    "Factors: every factor used is listed on Factors with its source and status (user: from a --factors "
    "file or the command line; a shipped id replaced by a user's file is warned there). Every derived "
    "figure on every sheet refers back to the factor values on Factors (through Electricity and "
    "Products), so changing a value there recalculates the whole workbook. With several supplier factors "
    "in one enterprise the supplier kgCO2 of a month is written as a number.",
    "References: GHG Protocol Scope 2 Guidance (2015); Regulation (EU) 2023/956; Implementing "
    "Regulations (EU) 2023/1773, 2025/2547 and 2025/2621; MEE/NBS electricity CO2 emission factors "
    "2021-2023.",
};

static const char *const method_zh[] = {
    "本工作簿中每个数字的计算方法",
    "",
    "来源：grid 电网购电；green_trade 经电网交付的绿电交易（含绿证）；green_ppa 实物交付的购电协议；green"
    "_direct 风电或光伏直连；onsite 表后自发自用；supplier 采用供应商特定因子的供电；certificates "
    "为本用电注销的非捆绑绿证，仅为声明，不计入用电量。",
    "用电量 = 电网 + 绿电交易 + 购电协议 + 绿电直连 + 自发自用 + 供应商（Electricity 表 H 列）。",
    "有效绿证 = 每月 MIN(绿证, 电网购电)；超出部分列于 Data_Quality。绿证不影响 CBAM 数值。",
    "基于位置（范围二）吨CO2 = (电网 + 绿电交易 + 购电协议 + 供应商) × 位置因子 / 1000。位置因子：数据年"
    "份的省级 MEE 平均因子；未发布时取之前最近年份；省份未知时取全国平均。",
    "基于市场（范围二）吨CO2 = ((电网 − 有效绿证) × 剩余组合因子 + 供应商 × 供应商因子) / "
    "1000；绿电交易、购电协议、直连与自发自用计为 0。",
    "CBAM 间接排放吨CO2 = (电网 + 绿电交易 + 供应商) × CBAM 因子 / 1000。CBAM 因子：国家默认值（D.4(a)）"
    "或其他公开电网因子（D.4(b)）；直连（D.4.3.1）、自发自用（D.4.1）、购电协议（D.4.3.2）在证据成立时计"
    "为 0；多来源时为按 MWh 加权平均，代码 Mix。",
    "供应商因子（例如园区混合供电因子 0.3503 kgCO2/kWh）计入基于市场的数字，但不用于 CBAM：CBAM "
    "仅在直接技术连接或购电协议情况下接受实际因子（IR 2025/2547 附件二 D.4.3）；园区混合因子两者皆非，除"
    "非园区本身是直接技术连接的发电方，或供电依据实物交付的购电协议。Summary 表列出基于市场的数字所用的因"
    "子。",
    METHOD_EVIDENCE_ZH,
    "产品：分表电量归属其产品；其余月度电量按当月产量（质量）分摊至各产品；各来源同比例分摊；绿证按相同比"
    "例覆盖电网电量。无产量月份的电量列为未分配。Products 表每个月度行列出该产品的电网、绿电交易、购电协"
    "议与供应商电量（直连与自发自用为其余电量，计为 0），并按 Electricity 表相同公式、以该月因子计算吨CO2"
    "；全期行为各月度行之和。",
    "混合产品：共用电量按质量分摊到不同 CBAM 货物类别（水泥、化肥、钢铁、铝、氢等）的产品时，会提示加装分"
    "表（电量行填写 product_id），或当一个文件只属于一个产品时在 -e FILE 后使用 --product PRODUCT_ID。",
    "单位产品隐含排放 SEE = 吨CO2 / 吨产品（各方法分别计算）；单位电耗 MWh/t = kWh / 1000 / "
    "吨。一个期间的 SEE 只使用既有用电又有产量的月份：有产量但无用电记录的月份不计入（Products 表“计入 "
    "SEE 的产量”），并列于 Data_Quality。没有此类月份的产品无 SEE（不适用），绝不为 0。",
    "年度产量（整年期间，如 2025）仅在用电数据覆盖同一整年时接受：SEE 按全年计算，绝不按月拆分。",
    "合理性检查：各产品的 MWh/t 与其 CBAM 货物类别的常见范围比较；不合理的电耗强度（多为单位或分摊错误）"
    "在 Data_Quality 中提示。",
    "排放因子：所用因子均列于 Factors 表并注明来源与状态（user：来自 --factors 文件或命令行；用户文件替换"
    "程序自带的同名因子时在该表提示）。各表所有计算数字都（经 Electricity 与 Products 表）引用 Factors "
    "表中的因子值，修改即可重算整个工作簿。同一企业使用多个供应商因子时，某月的供应商 kgCO2 以数值写入。",
    "参考：温室气体核算体系范围二指南（2015）；欧盟法规 2023/956；实施条例 2023/1773、2025/2547、2025/262"
    "1；生态环境部/国家统计局 2021-2023 年电力二氧化碳排放因子。",
};

_Static_assert(sizeof method_hourly_en == sizeof method_hourly_zh,
               "Method: the hourly lines in both languages");

static void write_method(struct xw *x, const alloc_enterprise *ae, bool scenario)
{
    /* Printed at a fixed scale: LibreOffice does not fit a sheet of one
     * wrapped column to the page width and would cut its lines. */
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Method");
    if (ws == NULL) {
        ck(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    worksheet_set_landscape(ws);
    page_frame(x, ws);
    worksheet_set_print_scale(ws, 80);
    const char *const *lines = x->zh ? method_zh : method_en;
    size_t n = x->zh ? sizeof method_zh / sizeof *method_zh : sizeof method_en / sizeof *method_en;
    const char *const *hourly = x->zh ? method_hourly_zh : method_hourly_en;
    size_t nhourly = ae->hourly == NULL ? 0 : sizeof method_hourly_en / sizeof *method_hourly_en;
    const char *evidence = x->zh ? METHOD_EVIDENCE_ZH : METHOD_EVIDENCE_EN;
    static const double width = 140;
    ck(x, worksheet_set_column(ws, 0, 0, width, NULL));
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == n - 1) {
            /* the CBAM cost and the scenario, when the workbook has them, before the references */
            const char *more[2];
            size_t nmore = 0;
            if (ae->cost != NULL)
                more[nmore++] = L(x, L_METHOD_COST);
            if (scenario)
                more[nmore++] = L(x, L_METHOD_SCENARIO);
            for (size_t k = 0; k < nmore; k++, r++) {
                str(x, ws, r, 0, more[k], x->wrap);
                fit_row(x, ws, r, 1, &more[k], &width);
            }
        }
        bool replaced = nhourly > 0 && strcmp(lines[i], evidence) == 0;
        for (size_t k = 0; k < (replaced ? nhourly : 1); k++, r++) {
            const char *line = replaced ? hourly[k] : lines[i];
            str(x, ws, r, 0, line, r == 0 ? x->title : x->wrap);
            if (r > 0)
                fit_row(x, ws, r, 1, &line, &width);
        }
    }
}

/* ---- Summary ---- */

static void kv(struct xw *x, lxw_worksheet *ws, int r, enum label l, const char *v)
{
    str(x, ws, r, 0, L(x, l), x->bold);
    str(x, ws, r, 1, v, x->text);
}

/* ---- Summary: the CBAM cost of the enterprise's goods ---- */

/* Equal within rounding: a formula over cells gives the engine's figure. */
static bool close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static const char *cost_status_text(struct xw *x, enum cbamcost_status st)
{
    switch (st) {
    case CBAMCOST_NOT_CBAM:
        return L(x, L_CST_NOT_CBAM);
    case CBAMCOST_COMPLETE:
        return L(x, L_CST_COMPLETE);
    case CBAMCOST_UPPER_BOUND:
        return L(x, L_CST_UPPER_BOUND);
    case CBAMCOST_INDIRECT_ONLY:
        return L(x, L_CST_INDIRECT_ONLY);
    case CBAMCOST_NO_PRODUCTION:
        return L(x, L_CST_NO_PRODUCTION);
    }
    return "?";
}

/* Why a good has its status: the engine's sentence in English; in Chinese
 * the same facts from the status (the engine writes English only). */
static void cost_reason(struct xw *x, const cbamcost_product *cp, char *buf, size_t size)
{
    enum label l = cp->status == CBAMCOST_COMPLETE         ? L_CREASON_COMPLETE
                   : cp->status == CBAMCOST_UPPER_BOUND    ? L_CREASON_UPPER_BOUND
                   : cp->status == CBAMCOST_INDIRECT_ONLY  ? L_CREASON_INDIRECT_ONLY
                   : cp->status == CBAMCOST_NO_PRODUCTION  ? L_CREASON_NO_PRODUCTION
                                                           : L_CST_NOT_CBAM;
    const char *why = !x->zh && cp->reason && *cp->reason ? cp->reason : L(x, l);
    utf8_format(buf, size, "%s%s", why, cp->floored && (x->zh || cp->reason == NULL) ? L(x, L_COST_FLOORED) : "");
}

/* Column A's label of a row of the cost table, wrapped when long. */
static void cost_label(struct xw *x, lxw_worksheet *ws, int r, enum label l, const double *w)
{
    const char *t = L(x, l);
    str(x, ws, r, 0, t, x->bold_wrap);
    fit_row(x, ws, r, 1, &t, w);
}

enum { COST_COLS = 7 }; /* goods per block: B..H, the total in I */

/* Rows of a block of the cost table, after its header row. */
enum {
    CR_CN,
    CR_CAT,
    CR_IND,
    CR_QTY,
    CR_DRATE,
    CR_DIRECT,
    CR_INDIRECT,
    CR_IND_LIAB,
    CR_LIAB,
    CR_BENCH,
    CR_FACTOR,
    CR_CSCF,
    CR_ADJ,
    CR_CERT,
    CR_COST,
    CR_PER_T,
    CR_STATUS,
    CR__N
};

static const enum label cost_row_label[CR__N] = {
    L_CN_CODE,        L_COST_CATEGORY,     L_COST_INDIRECT_LIABLE, L_QUANTITY_SEE_T,
    L_COST_DIRECT_RATE, L_COST_DIRECT,     L_CBAM_T,               L_COST_INDIRECT_LIABLE_T,
    L_COST_LIABILITY, L_COST_BENCHMARK,    L_COST_FACTOR,          L_COST_CSCF,            L_COST_ADJUSTMENT,
    L_COST_CERTIFICATES, L_COST_EUR,       L_COST_EUR_PER_T,       L_STATUS};

/* One good's column of the cost table: inputs as references to Products
 * and Factors, each derived figure as a formula over the cells above it
 * with the engine's number cached; a figure the engine made otherwise than
 * the formula says is written as that number, never as a formula that
 * contradicts it. */
static void cost_column(struct xw *x, lxw_worksheet *ws, int top, int c, const alloc_product *ap,
                        const cbamcost_product *cp, const struct factor_rows *fr, int pr, const char *price)
{
    char ref[64];
    char cell_of[CR__N][24];
    for (int k = 0; k < CR__N; k++)
        cell(cell_of[k], top + k, c, false);
    char cn[16];
    str(x, ws, top + CR_CN, c, cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn), x->text);
    str(x, ws, top + CR_CAT, c, cp->category, x->wrap);
    str(x, ws, top + CR_IND, c, L(x, cp->indirect_in_liability ? L_YES : L_NO), NULL);
    /* tonnes: the SEE denominator on Products */
    if (close_to(ap->quantity_see_t, cp->quantity_t))
        fnum(x, ws, top + CR_QTY, c, x->t3, cp->quantity_t, "=Products!%s", cell(ref, pr, P_QTY_SEE, true));
    else
        num(x, ws, top + CR_QTY, c, cp->quantity_t, x->t3);
    const char *qty = cell_of[CR_QTY];
    /* direct emissions */
    bool direct = cp->has_direct;
    if (direct && cp->direct != NULL && direct_row(fr, cp->direct) > 0) {
        fnum(x, ws, top + CR_DRATE, c, x->see, cp->direct->t_per_t, "=Factors!%s",
             cell(ref, direct_row(fr, cp->direct), 1, true));
        if (close_to(cp->direct->t_per_t * cp->quantity_t, cp->direct_t))
            fnum(x, ws, top + CR_DIRECT, c, x->t3, cp->direct_t, "=%s*%s", cell_of[CR_DRATE], qty);
        else
            num(x, ws, top + CR_DIRECT, c, cp->direct_t, x->t3);
    } else if (direct) {
        num(x, ws, top + CR_DIRECT, c, cp->direct_t, x->t3);
    } else {
        str(x, ws, top + CR_DRATE, c, L(x, L_NOT_GIVEN), x->na);
        str(x, ws, top + CR_DIRECT, c, L(x, L_NOT_GIVEN), x->na);
    }
    /* indirect: the CBAM figure of its period line on Products */
    if (close_to(ap->em.cbam, cp->indirect_t))
        fnum(x, ws, top + CR_INDIRECT, c, x->t3, cp->indirect_t, "=Products!%s", cell(ref, pr, P_CBAM, true));
    else
        num(x, ws, top + CR_INDIRECT, c, cp->indirect_t, x->t3);
    if (cp->indirect_in_liability && close_to(cp->indirect_liable_t, cp->indirect_t))
        fnum(x, ws, top + CR_IND_LIAB, c, x->t3, cp->indirect_liable_t, "=%s", cell_of[CR_INDIRECT]);
    else
        num(x, ws, top + CR_IND_LIAB, c, cp->indirect_liable_t, x->t3);
    if (direct && close_to(cp->direct_t + cp->indirect_liable_t, cp->liability_t))
        fnum(x, ws, top + CR_LIAB, c, x->t3, cp->liability_t, "=%s+%s", cell_of[CR_DIRECT], cell_of[CR_IND_LIAB]);
    else if (!direct && close_to(cp->indirect_liable_t, cp->liability_t))
        fnum(x, ws, top + CR_LIAB, c, x->t3, cp->liability_t, "=%s", cell_of[CR_IND_LIAB]);
    else
        num(x, ws, top + CR_LIAB, c, cp->liability_t, x->t3);
    /* the adjustment: benchmark x CBAM factor x tonnes */
    int brow = benchmark_row(fr, cp->benchmark);
    if (brow > 0)
        fnum(x, ws, top + CR_BENCH, c, x->see, cp->benchmark->value, "=Factors!%s", cell(ref, brow, 1, true));
    else
        str(x, ws, top + CR_BENCH, c, L(x, L_NONE), x->na);
    int frow = -1;
    for (size_t i = 0; i < fr->nphase && frow < 0; i++)
        if (cp->year_from == cp->year_to && fr->phase[i]->year == cp->year_from &&
            close_to(fr->phase[i]->factor, cp->phase_factor))
            frow = phase_row(fr, fr->phase[i]);
    if (cp->year_from == 0)
        str(x, ws, top + CR_FACTOR, c, L(x, L_NA), x->na);
    else if (frow > 0)
        fnum(x, ws, top + CR_FACTOR, c, x->share, cp->phase_factor, "=Factors!%s", cell(ref, frow, 1, true));
    else /* months of several years: the tonne-weighted factor (the note below names the years) */
        num(x, ws, top + CR_FACTOR, c, cp->phase_factor, x->share);
    /* the cross-sectoral correction factor (--cscf; 1 when not given) */
    if (cp->year_from == 0)
        str(x, ws, top + CR_CSCF, c, L(x, L_NA), x->na);
    else
        num(x, ws, top + CR_CSCF, c, cp->cscf, x->see);
    if (cp->adjustment_made && brow > 0 && cp->year_from != 0 &&
        close_to(cp->benchmark->value * cp->phase_factor * cp->cscf * cp->quantity_t, cp->adjustment_t))
        fnum(x, ws, top + CR_ADJ, c, x->t3, cp->adjustment_t, "=%s*%s*%s*%s", cell_of[CR_BENCH], cell_of[CR_FACTOR],
             cell_of[CR_CSCF], qty);
    else
        num(x, ws, top + CR_ADJ, c, cp->adjustment_made ? cp->adjustment_t : 0.0, x->t3);
    /* certificates and their cost */
    double adj = cp->adjustment_made ? cp->adjustment_t : 0.0;
    if (close_to(fmax(0.0, cp->liability_t - adj), cp->certificates_t))
        fnum(x, ws, top + CR_CERT, c, x->t3, cp->certificates_t, "=MAX(0,%s-%s)", cell_of[CR_LIAB], cell_of[CR_ADJ]);
    else
        num(x, ws, top + CR_CERT, c, cp->certificates_t, x->t3);
    if (cp->unpriced) {
        /* certificates for direct emissions not given: unknown, never 0 */
        str(x, ws, top + CR_CERT, c, L(x, L_COST_NOT_PRICED), x->warn_wrap);
        str(x, ws, top + CR_COST, c, L(x, L_COST_NOT_PRICED), x->warn_wrap);
        str(x, ws, top + CR_PER_T, c, L(x, L_COST_NOT_PRICED), x->warn_wrap);
        str(x, ws, top + CR_STATUS, c, cost_status_text(x, cp->status), x->warn_wrap);
        return;
    }
    fnum(x, ws, top + CR_COST, c, x->kwh, cp->cost_eur, "=%s*%s", cell_of[CR_CERT], price);
    if (cp->has_cost_per_t && cp->quantity_t > 0)
        fnum(x, ws, top + CR_PER_T, c, x->eur2, cp->cost_eur_per_t, "=%s/%s", cell_of[CR_COST], qty);
    else
        str(x, ws, top + CR_PER_T, c, L(x, L_NA), x->na);
    str(x, ws, top + CR_STATUS, c, cost_status_text(x, cp->status),
        cp->status == CBAMCOST_COMPLETE ? x->wrap : x->warn_wrap);
}

/* The Cost section of Summary (ae->cost set): a table with a column per
 * CBAM good (the Summary's nine columns could not hold a row of sixteen
 * figures), the goods together, why each good has its status, and the
 * notes that say what the figure leaves out. Returns the next free row. */
static int write_cost_summary(struct xw *x, lxw_worksheet *ws, int r, const alloc_enterprise *ae,
                              const struct factor_rows *fr, const int *period_rows, const double *w)
{
    const cbamcost_ent *ce = ae->cost;
    extra_formats(x);
    str(x, ws, r++, 0, L(x, L_COST_TITLE), x->title);
    cost_label(x, ws, r, L_COST_PRICE, w);
    num(x, ws, r, 1, ce->opts.price_eur_per_t, x->eur2);
    char price[24];
    cell(price, r, 1, true);
    r++;

    size_t n = ce->nproducts < ae->nproducts ? ce->nproducts : ae->nproducts;
    size_t *goods = xcalloc(n ? n : 1, sizeof *goods), ngoods = 0;
    char others[1024] = "";
    bool upper = false, weighted = false, as_later = false;
    int wy0 = 0, wy1 = 0;
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t pi = ae->product_order[k];
        if (pi >= n)
            continue;
        const cbamcost_product *cp = &ce->products[pi];
        if (cp->status == CBAMCOST_NOT_CBAM) {
            size_t len = strlen(others);
            utf8_format(others + len, sizeof others - len, "%s%s", len ? ", " : "", ae->products[pi].p->id);
            continue;
        }
        goods[ngoods++] = pi;
        upper |= cp->status == CBAMCOST_UPPER_BOUND;
        as_later |= cp->priced_as_later;
        if (cp->year_from != 0 && cp->year_from != cp->year_to) {
            weighted = true;
            wy0 = wy0 == 0 || cp->year_from < wy0 ? cp->year_from : wy0;
            wy1 = cp->year_to > wy1 ? cp->year_to : wy1;
        }
    }
    if (ngoods == 0) {
        str(x, ws, r++, 0, L(x, L_COST_NO_GOODS), NULL);
    }
    /* Blocks of COST_COLS goods; the goods together beside a single block,
     * or after several in a block of their own. */
    int sum_rows[] = {CR_DIRECT, CR_INDIRECT, CR_IND_LIAB, CR_LIAB, CR_ADJ, CR_CERT, CR_COST};
    int block_top[64], block_n[64], nblocks = 0;
    for (size_t b0 = 0; b0 < ngoods; b0 += COST_COLS) {
        size_t nb = ngoods - b0 < COST_COLS ? ngoods - b0 : COST_COLS;
        bool total = ngoods > 1 && ngoods <= COST_COLS;
        const char *h[COST_COLS + 2];
        double hw[COST_COLS + 2];
        h[0] = L(x, L_PRODUCT);
        for (size_t i = 0; i < nb; i++)
            h[1 + i] = ae->products[goods[b0 + i]].p->id;
        if (total)
            h[1 + nb] = L(x, L_COST_TOTAL_GOODS);
        int ncol = 1 + (int)nb + (total ? 1 : 0);
        for (int c = 0; c < ncol; c++)
            hw[c] = w[c];
        wrapped_header(x, ws, r, h, ncol, hw);
        int top = r + 1;
        if (nblocks < 64) {
            block_top[nblocks] = top;
            block_n[nblocks++] = (int)nb;
        }
        for (int k = 0; k < CR__N; k++)
            cost_label(x, ws, top + k, cost_row_label[k], w);
        for (size_t i = 0; i < nb; i++) {
            size_t pi = goods[b0 + i];
            cost_column(x, ws, top, 1 + (int)i, &ae->products[pi], &ce->products[pi], fr, period_rows[pi], price);
        }
        if (total) {
            int tc = 1 + (int)nb;
            for (size_t k = 0; k < sizeof sum_rows / sizeof *sum_rows; k++) {
                int row = top + sum_rows[k];
                double v = 0;
                bool any = false;
                for (size_t i = 0; i < nb; i++) {
                    const cbamcost_product *cp = &ce->products[goods[i]];
                    double t = sum_rows[k] == CR_DIRECT     ? cp->direct_t
                               : sum_rows[k] == CR_INDIRECT ? cp->indirect_t
                               : sum_rows[k] == CR_IND_LIAB ? cp->indirect_liable_t
                               : sum_rows[k] == CR_LIAB     ? cp->liability_t
                               : sum_rows[k] == CR_ADJ      ? (cp->adjustment_made ? cp->adjustment_t : 0.0)
                               : sum_rows[k] == CR_CERT     ? cp->certificates_t
                                                            : cp->cost_eur;
                    v += t;
                    any |= sum_rows[k] != CR_DIRECT || cp->has_direct;
                }
                if (!any)
                    continue;
                if ((sum_rows[k] == CR_CERT || sum_rows[k] == CR_COST) && ce->nunpriced > 0) {
                    str(x, ws, row, tc, L(x, L_COST_NOT_PRICED), x->warn_wrap); /* a good's is unknown */
                    continue;
                }
                char a[24], b[24];
                /* the engine's own sums where it has them */
                if (sum_rows[k] == CR_LIAB)
                    v = ce->liability_t;
                else if (sum_rows[k] == CR_ADJ)
                    v = ce->adjustment_t;
                else if (sum_rows[k] == CR_CERT)
                    v = ce->certificates_t;
                else if (sum_rows[k] == CR_COST)
                    v = ce->cost_eur;
                fnum(x, ws, row, tc, sum_rows[k] == CR_COST ? x->kwh_bold : x->t3_bold, v, "=SUM(%s:%s)",
                     cell(a, row, 1, false), cell(b, row, tc - 1, false));
            }
        }
        /* rows whose texts wrap: tall enough for the longest */
        for (int k = 0; k < CR__N; k++) {
            if (k != CR_CAT && k != CR_STATUS)
                continue;
            const char *texts[COST_COLS + 1];
            double tw[COST_COLS + 1];
            int nt = 0;
            texts[nt] = L(x, cost_row_label[k]);
            tw[nt++] = w[0];
            for (size_t i = 0; i < nb; i++) {
                const cbamcost_product *cp = &ce->products[goods[b0 + i]];
                texts[nt] = k == CR_CAT ? cp->category : cost_status_text(x, cp->status);
                tw[nt++] = w[1 + i];
            }
            fit_row(x, ws, top + k, nt, texts, tw);
        }
        r = top + CR__N + 1;
    }
    if (ngoods > COST_COLS && nblocks < 64) {
        const char *h[2] = {L(x, L_PRODUCT), L(x, L_COST_TOTAL_GOODS)};
        wrapped_header(x, ws, r, h, 2, w);
        r++;
        const double totals[] = {0, 0, 0, ce->liability_t, ce->adjustment_t, ce->certificates_t, ce->cost_eur};
        for (size_t k = 0; k < sizeof sum_rows / sizeof *sum_rows; k++) {
            cost_label(x, ws, r, cost_row_label[sum_rows[k]], w);
            double v = totals[k];
            if (k < 3)
                for (size_t i = 0; i < ngoods; i++) {
                    const cbamcost_product *cp = &ce->products[goods[i]];
                    v += k == 0 ? cp->direct_t : k == 1 ? cp->indirect_t : cp->indirect_liable_t;
                }
            if ((sum_rows[k] == CR_CERT || sum_rows[k] == CR_COST) && ce->nunpriced > 0) {
                str(x, ws, r++, 1, L(x, L_COST_NOT_PRICED), x->warn_wrap);
                continue;
            }
            char f[64 * 40] = "=SUM(";
            size_t len = strlen(f);
            for (int bi = 0; bi < nblocks && len + 40 < sizeof f; bi++) {
                char a[24], b[24];
                int row = block_top[bi] + sum_rows[k];
                len += (size_t)snprintf(f + len, sizeof f - len, "%s%s:%s", bi ? "," : "", cell(a, row, 1, false),
                                        cell(b, row, block_n[bi], false));
            }
            snprintf(f + len, sizeof f - len, ")");
            fnum(x, ws, r++, 1, sum_rows[k] == CR_COST ? x->kwh_bold : x->t3_bold, v, "%s", f);
        }
        r++;
    }
    /* Why each good has its status, and what the figures leave out. */
    char line[2048];
    for (size_t i = 0; i < ngoods; i++) {
        const cbamcost_product *cp = &ce->products[goods[i]];
        char why[1400];
        cost_reason(x, cp, why, sizeof why);
        utf8_format(line, sizeof line, x->zh ? "%s（%s）：%s" : "%s (%s): %s", ae->products[goods[i]].p->id,
                    cost_status_text(x, cp->status), why);
        paragraph(x, ws, r++, 8, w, line, cp->status == CBAMCOST_COMPLETE ? x->wrap : x->warn_wrap);
    }
    if (others[0] != '\0') {
        utf8_format(line, sizeof line, "%s%s", L(x, L_COST_NOT_CBAM_GOODS), others);
        paragraph(x, ws, r++, 8, w, line, x->wrap);
    }
    if (upper)
        paragraph(x, ws, r++, 8, w, L(x, L_COST_NOTE_UPPER), x->warn_wrap);
    paragraph(x, ws, r++, 8, w, L(x, L_COST_NOTE_CHINA), x->wrap);
    utf8_format(line, sizeof line, "%s", L(x, L_COST_NOTE_FACTOR));
    size_t len;
    const cbamcost_phase *ph[2] = {ce->phase_lo, ce->phase_hi != ce->phase_lo ? ce->phase_hi : NULL};
    for (int i = 0; i < 2; i++) {
        if (ph[i] == NULL)
            continue;
        len = strlen(line);
        utf8_format(line + len, sizeof line - len, "%s%d %.1f %% (%s%s%s%s%s)", i > 0 ? "; " : "", ph[i]->year,
                    ph[i]->factor * 100.0, ph[i]->source ? ph[i]->source : "", ph[i]->url ? ", " : "",
                    ph[i]->url ? ph[i]->url : "", ph[i]->status ? ", " : "", ph[i]->status ? ph[i]->status : "");
    }
    if (weighted) {
        len = strlen(line);
        utf8_format(line + len, sizeof line - len, "%s%s%d-%d", x->zh ? "；" : "; ", L(x, L_COST_WEIGHTED), wy0, wy1);
    }
    if (as_later) {
        len = strlen(line);
        utf8_format(line + len, sizeof line - len, "%s%s", x->zh ? "；" : "; ", L(x, L_COST_PRICED_AS_2026));
    }
    if (ce->phase_lo != NULL || weighted || as_later)
        paragraph(x, ws, r++, 8, w, line, x->wrap);
    free(goods);
    return r + 1;
}

static void write_summary(struct xw *x, lxw_worksheet *ws, const ledger *l, const alloc_enterprise *ae,
                          const struct factor_rows *fr, int etot, const int *period_rows, time_t created,
                          const char *digest)
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
    kv(x, ws, r++, L_INPUTS_DIGEST, digest);

    /* Emissions by method: references to the Electricity totals. */
    r++;
    str(x, ws, r++, 0, L(x, L_RESULTS), x->title);
    const char *h[] = {L(x, L_METHOD), L(x, L_T_CO2),        L(x, L_KG_PER_KWH),
                       L(x, L_FACTOR), L(x, L_FACTOR_VALUE), L(x, L_SOURCE_CODE)};
    wrapped_header(x, ws, r++, h, 6, w);
    char ref[64], cons[16], tc[16];
    cell(cons, etot, E_CONS, true);

    /* The market-based figure's factors: the residual factor of every month
     * with grid kWh, and every supplier factor. */
    const factor *mkt_used[16];
    size_t nmkt = 0;
    char mkt_ids[512] = "";
    for (size_t i = 0; i < ae->nmonths + e->nsuppliers; i++) {
        const factor *f = NULL;
        if (i < ae->nmonths)
            f = ae->months[i].kwh.source[SUPPLY_GRID] > 0 ? ae->months[i].f.residual : NULL;
        else
            f = e->suppliers[i - ae->nmonths];
        bool seen = f == NULL;
        for (size_t k = 0; k < nmkt && !seen; k++)
            seen = mkt_used[k] == f;
        if (seen || nmkt == sizeof mkt_used / sizeof *mkt_used)
            continue;
        mkt_used[nmkt++] = f;
        size_t len = strlen(mkt_ids);
        utf8_format(mkt_ids + len, sizeof mkt_ids - len, "%s%s%s", len ? ", " : "", f->id,
                f->kind == FACTOR_SUPPLIER ? (x->zh ? "（供应商）" : " (supplier)") : "");
    }
    struct {
        enum label l;
        int col;
        double t;
        const factor *f;
        const char *ids;
        const char *code;
    } m[] = {
        {L_LOCATION, E_LOC_T, ae->em.location, ae->f.location, NULL, NULL},
        /* no residual or supplier kWh at all: the period's residual factor, as for the others */
        {L_MARKET, E_MKT_T, ae->em.market,
         nmkt == 1   ? mkt_used[0]
         : nmkt == 0 ? ae->f.residual
                     : NULL,
         mkt_ids, NULL},
        {L_CBAM, E_CBAM_T, ae->em.cbam, ae->f.cbam, NULL, ae->cbam_code},
    };
    for (size_t i = 0; i < 3; i++, r++) {
        str(x, ws, r, 0, L(x, m[i].l), x->bold);
        fnum(x, ws, r, 1, x->t3, m[i].t, "=Electricity!%s", cell(ref, etot, m[i].col, true));
        if (ae->kwh.consumption > 0)
            fnum(x, ws, r, 2, x->ef, m[i].t * 1000.0 / ae->kwh.consumption,
                 "=IF(Electricity!%s>0,%s*1000/Electricity!%s,0)", cons, cell(tc, r, 1, false), cons);
        const char *ids = m[i].ids && *m[i].ids ? m[i].ids : m[i].f ? m[i].f->id : NULL;
        str(x, ws, r, 3, ids ? ids : (x->zh ? "各月不同" : "differs by month"), x->text);
        if (m[i].f != NULL && factor_ref(ref, sizeof ref, fr, m[i].f) != NULL)
            fnum(x, ws, r, 4, x->ef, m[i].f->value, "=%s", ref);
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
    r++;
    if (ae->hourly != NULL && ae->hourly->has_share) {
        /* The hour-by-hour score beside the volumetric share (Hourly explains it). */
        str(x, ws, r, 0, L(x, L_MATCHED_SHARE), x->bold);
        num(x, ws, r, 1, ae->hourly->matched_share, x->share);
        str(x, ws, r++, 2, x->zh ? "见 Hourly 表" : "see Hourly", NULL);
    }
    if (ae->kwh.source[SUPPLY_SUPPLIER] > 0) {
        /* Supplier factors: in the market-based figure, not in CBAM's. */
        char note[2048];
        utf8_format(note, sizeof note, "%s %s%s %s",
                x->zh ? "基于市场的数字所用因子：" : "Market-based figure uses:", mkt_ids, x->zh ? "。" : ".",
                L(x, L_SUPPLIER_NOT_CBAM));
        ck(x, worksheet_merge_range(ws, (lxw_row_t)r, 0, (lxw_row_t)r, 8, "", x->warn_wrap));
        str(x, ws, r, 0, note, x->warn_wrap);
        double width = 0;
        for (int c = 0; c < 9; c++)
            width += w[c];
        fit_row(x, ws, r, 1, (const char *const[]){note}, &width);
        r++;
    }
    r++;

    /* Products: references to their period lines on Products. */
    str(x, ws, r++, 0, L(x, L_PRODUCTS), x->title);
    const char *ph[] = {L(x, L_PRODUCT),        L(x, L_CN_CODE),         L(x, L_QUANTITY_T),
                        L(x, L_QUANTITY_SEE_T), L(x, L_ELECTRICITY_KWH), L(x, L_SEE_LOCATION),
                        L(x, L_SEE_MARKET),     L(x, L_SEE_CBAM),        L(x, L_MWH_PER_T)};
    wrapped_header(x, ws, r++, ph, 9, w);
    for (size_t k = 0; k < ae->nproducts; k++, r++) {
        size_t pi = ae->product_order[k];
        const alloc_product *ap = &ae->products[pi];
        int pr = period_rows[pi];
        char cn[16];
        str(x, ws, r, 0, ap->p->id, x->text);
        str(x, ws, r, 1, cbamgoods_format_cn(ap->p->cn_code, cn, sizeof cn), x->text);
        fnum(x, ws, r, 2, x->t3, ap->quantity_t, "=Products!%s", cell(ref, pr, P_QTY, true));
        fnum(x, ws, r, 3, x->t3, ap->quantity_see_t, "=Products!%s", cell(ref, pr, P_QTY_SEE, true));
        fnum(x, ws, r, 4, x->kwh, ap->kwh, "=Products!%s", cell(ref, pr, P_KWH, true));
        if (ap->has_see) {
            fnum(x, ws, r, 5, x->see, ap->see.location, "=Products!%s", cell(ref, pr, P_SEE_LOC, true));
            fnum(x, ws, r, 6, x->see, ap->see.market, "=Products!%s", cell(ref, pr, P_SEE_MKT, true));
            fnum(x, ws, r, 7, x->see, ap->see.cbam, "=Products!%s", cell(ref, pr, P_SEE_CBAM, true));
            fnum(x, ws, r, 8, x->see, ap->mwh_per_t, "=Products!%s", cell(ref, pr, P_MWH_T, true));
        } else {
            for (int c = 5; c <= 8; c++)
                str(x, ws, r, c, L(x, L_NA), x->na);
        }
    }
    r += 1;
    /* The Cost section on a page of its own: its table is not cut in two. */
    int cost_row = ae->cost != NULL ? r : -1;
    if (ae->cost != NULL)
        r = write_cost_summary(x, ws, r, ae, fr, period_rows, w);

    /* Inputs with their SHA-256. */
    str(x, ws, r++, 0, L(x, L_INPUTS), x->title);
    const char *ih[] = {L(x, L_PATH), L(x, L_ROLE), L(x, L_ROWS), L(x, L_SHA256)};
    wrapped_header(x, ws, r++, ih, 4, w);
    for (size_t i = 0; i < l->ninputs; i++, r++) {
        str(x, ws, r, 0, l->inputs[i].path, x->text);
        str(x, ws, r, 1, role_text(x, l->inputs[i].role), NULL);
        num(x, ws, r, 2, (double)l->inputs[i].rows, x->kwh);
        str(x, ws, r, 3, l->inputs[i].sha256, x->text);
    }

    /* Charts: on a page of their own below the tables, placed in pixels
     * from the page's first row so that none covers another or a cell. The
     * sizes fit one landscape A4 page at the scale that fits the tables'
     * width (their nine columns are about 1,235 pixels wide). */
    r += 1;
    lxw_row_t breaks[] = {cost_row > 0 ? (lxw_row_t)cost_row : (lxw_row_t)r, (lxw_row_t)r, 0};
    if (cost_row <= 0)
        breaks[1] = 0;
    ck(x, worksheet_set_h_pagebreaks(ws, breaks));
    int n = (int)ae->nmonths;
    /* Only sources with kWh: a series of zeros is noise in a legend. */
    int shown[6], nshown = 0;
    for (int s = 0; s < 6; s++)
        if (ae->kwh.source[e_sources[s]] != 0)
            shown[nshown++] = s;
    static const double full_w = 1180, top_h = 380, half_w = 585, low_h = 390, gap = 10;
    if (nshown > 0) {
        lxw_chart *col = new_chart(x, LXW_CHART_COLUMN_STACKED);
        if (col == NULL)
            return;
        for (int k = 0; k < nshown; k++) {
            lxw_chart_series *cs = add_series(x, col);
            if (cs == NULL)
                return;
            int c = E_GRID + shown[k];
            chart_series_set_categories(cs, "Electricity", 1, E_MONTH, (lxw_row_t)n, E_MONTH);
            chart_series_set_values(cs, "Electricity", 1, (lxw_col_t)c, (lxw_row_t)n, (lxw_col_t)c);
            chart_series_set_name_range(cs, "Electricity", 0, (lxw_col_t)c);
        }
        chart_title_set_name(col, L(x, L_CHART_MONTHLY));
        chart_axis_set_name(col->y_axis, "kWh");
        chart_axis_set_num_format(col->y_axis, "#,##0");
        chart_axis_set_min(col->y_axis, 0);
        chart_legend_set_position(col, LXW_CHART_LEGEND_BOTTOM);
        place_chart(x, ws, r, 0, 0, 4, full_w, top_h, col);
    }
    lxw_chart *line = new_chart(x, LXW_CHART_LINE);
    if (line == NULL)
        return;
    lxw_chart_series *ls = add_series(x, line);
    if (ls == NULL)
        return;
    chart_series_set_categories(ls, "Electricity", 1, E_MONTH, (lxw_row_t)n, E_MONTH);
    chart_series_set_values(ls, "Electricity", 1, E_CBAM_T, (lxw_row_t)n, E_CBAM_T);
    chart_series_set_name_range(ls, "Electricity", 0, E_CBAM_T);
    chart_title_set_name(line, L(x, L_CHART_CBAM));
    chart_axis_set_name(line->y_axis, "tCO2");
    /* whole tonnes with separators; a small enterprise's tenths would all read 0 or 1 */
    double max_t = 0;
    for (size_t i = 0; i < ae->nmonths; i++)
        max_t = fmax(max_t, ae->months[i].em.cbam);
    chart_axis_set_num_format(line->y_axis, max_t >= 20 ? "#,##0" : "#,##0.00");
    chart_axis_set_min(line->y_axis, 0);
    chart_legend_set_position(line, LXW_CHART_LEGEND_NONE);
    double low_y = nshown > 0 ? 4 + top_h + gap : 4;
    place_chart(x, ws, r, 0, 0, low_y, half_w, low_h, line);
    if (nshown > 0) {
        lxw_chart *pie = new_chart(x, LXW_CHART_PIE);
        if (pie == NULL)
            return;
        lxw_chart_series *ps = add_series(x, pie);
        if (ps == NULL)
            return;
        chart_series_set_categories(ps, "Electricity", 0, E_GRID, 0, E_SUPPLIER);
        chart_series_set_values(ps, "Electricity", (lxw_row_t)etot, E_GRID, (lxw_row_t)etot, E_SUPPLIER);
        /* Percentages on the slices; a source without kWh has neither a
         * label nor a legend entry. */
        lxw_chart_data_label hidden = {.hide = 1}, plain_label = {0};
        lxw_chart_data_label *labels[7];
        int16_t deleted[7];
        int nd = 0;
        for (int s = 0; s < 6; s++) {
            bool zero = ae->kwh.source[e_sources[s]] == 0;
            labels[s] = zero ? &hidden : &plain_label;
            if (zero)
                deleted[nd++] = (int16_t)s;
        }
        labels[6] = NULL;
        deleted[nd] = -1;
        /* in this order: custom labels turn the value on, the options
         * turn it off again (libxlsxwriter 1.1.4) */
        ck(x, chart_series_set_labels_custom(ps, labels));
        chart_series_set_labels_options(ps, LXW_FALSE, LXW_FALSE, LXW_FALSE);
        chart_series_set_labels_percentage(ps);
        chart_series_set_labels_num_format(ps, "0.0%");
        if (nd > 0)
            ck(x, chart_legend_delete_series(pie, deleted));
        chart_legend_set_position(pie, LXW_CHART_LEGEND_RIGHT);
        chart_title_set_name(pie, L(x, L_CHART_MIX));
        place_chart(x, ws, r, 0, half_w + gap, low_y, half_w, low_h, pie);
    }
}

/* ---- Scenario: baseline beside scenario (`cbamcalc scenario -o`) ---- */

/* A source in words ("direct line"); its kWh header ("Direct line (kWh)"). */
static const char *source_word(struct xw *x, enum supply_source s)
{
    static const enum label words[6] = {L_SUM_GRID,   L_SRC_TRADE,  L_SRC_PPA,
                                        L_SRC_DIRECT, L_SRC_ONSITE, L_SUM_SUPPLIER};
    return (unsigned)s < 6 ? L(x, words[s]) : supply_name(s);
}

static const enum label source_kwh_label[6] = {L_GRID,         L_GREEN_TRADE, L_GREEN_PPA,
                                               L_GREEN_DIRECT, L_ONSITE,      L_SUPPLIER};

/* The change column: scenario - baseline, when both sides have a number. */
static void diff_cell(struct xw *x, lxw_worksheet *ws, int r, lxw_format *f, bool hb, double b, bool hs, double s)
{
    char cb[24], cs[24];
    if (hb && hs)
        fnum(x, ws, r, 3, f, s - b, "=%s-%s", cell(cs, r, 2, false), cell(cb, r, 1, false));
}

/* A row of the comparison: label, baseline, scenario (numbers, or empty
 * when a side has none) and their change. */
static void cmp_row(struct xw *x, lxw_worksheet *ws, int r, const char *label_text, lxw_format *f, bool hb, double b,
                    bool hs, double s)
{
    str(x, ws, r, 0, label_text, x->bold);
    if (hb)
        num(x, ws, r, 1, b, f);
    if (hs)
        num(x, ws, r, 2, s, f);
    diff_cell(x, ws, r, f, hb, b, hs, s);
}

/* How a change was spread over the months: the engine's words in English,
 * the profile's in Chinese. */
static const char *profile_words(struct xw *x, const scenario_result *r, const scenario_change *c)
{
    if (!x->zh && (unsigned)c->source < SUPPLY__COUNT && r->profile_text[c->source] != NULL)
        return r->profile_text[c->source];
    enum scenario_profile used = (unsigned)c->source < SUPPLY__COUNT ? r->profile_used[c->source] : c->profile;
    switch (used) {
    case SCENARIO_PROFILE_SOURCE:
        return L(x, L_PROF_SOURCE);
    case SCENARIO_PROFILE_CONSUMPTION:
        return L(x, L_PROF_CONSUMPTION);
    case SCENARIO_PROFILE_SOLAR:
        return L(x, L_PROF_SOLAR);
    case SCENARIO_PROFILE_FLAT:
        return L(x, L_PROF_FLAT);
    case SCENARIO_PROFILE_AUTO:
        break;
    }
    return L(x, L_PROF_AUTO);
}

#define SCN_MAX_COLS (1 + 2 * SCENARIO_MAX_CHANGES + 3)

static void write_scenario(struct xw *x, const scenario_result *r)
{
    if (r->base.res.n < 1 || r->scen.res.n < 1)
        return;
    const alloc_enterprise *be = &r->base.res.ents[0], *se = &r->scen.res.ents[0];
    lxw_worksheet *ws = sheet(x, "Scenario", -1);
    if (ws == NULL)
        return;
    extra_formats(x);

    /* The changed sources, each once, in the order given. */
    enum supply_source src[SCENARIO_MAX_CHANGES];
    bool removed[SCENARIO_MAX_CHANGES];
    int nsrc = 0;
    for (size_t i = 0; i < r->opts.nchanges && i < SCENARIO_MAX_CHANGES; i++) {
        bool seen = false;
        for (int k = 0; k < nsrc && !seen; k++)
            seen = src[k] == r->opts.changes[i].source;
        if (!seen) {
            removed[nsrc] = r->opts.changes[i].remove;
            src[nsrc++] = r->opts.changes[i].source;
        }
    }
    int m_used = 1 + nsrc, m_sur = 1 + 2 * nsrc, m_before = m_sur + 1, m_after = m_sur + 2;
    int ncols = m_after + 1 > 6 ? m_after + 1 : 6, last = ncols - 1;
    double w[SCN_MAX_COLS];
    w[0] = 34;
    for (int c = 1; c < ncols; c++)
        w[c] = 16;
    widths(x, ws, w, ncols);

    str(x, ws, 0, 0, L(x, L_SCN_TITLE), x->title);
    int row = 1;
    paragraph(x, ws, row++, last, w, L(x, L_SCN_RULE), x->wrap);
    paragraph(x, ws, row++, last, w, L(x, L_SCN_NOTE_VALUES), x->warn_wrap);
    if (r->monthly_only)
        paragraph(x, ws, row++, last, w, L(x, L_SCN_MONTHLY_ONLY), x->warn_wrap);
    row++;

    /* The changes. */
    const char *ch[] = {L(x, L_SUPPLY), L(x, L_SCN_CHANGE), L(x, L_SCN_KWH_YEAR), L(x, L_SCN_PROFILE)};
    double chw[4] = {w[0], w[1], w[2], 0};
    for (int c = 3; c < ncols; c++)
        chw[3] += w[c];
    wrapped_header(x, ws, row, ch, 4, chw);
    if (last > 3)
        ck(x, worksheet_merge_range(ws, (lxw_row_t)row, 3, (lxw_row_t)row, (lxw_col_t)last, ch[3], x->head));
    row++;
    for (size_t i = 0; i < r->opts.nchanges && i < SCENARIO_MAX_CHANGES; i++, row++) {
        const scenario_change *c = &r->opts.changes[i];
        char name[96];
        utf8_format(name, sizeof name, x->zh ? "%s（%s）" : "%s (%s)", source_word(x, c->source),
                    supply_name(c->source));
        str(x, ws, row, 0, name, NULL);
        str(x, ws, row, 1, L(x, c->remove ? L_SCN_REMOVE : L_SCN_ADD), NULL);
        num(x, ws, row, 2, c->kwh_per_year, x->kwh);
        const char *how = profile_words(x, r, c);
        if (last > 3)
            ck(x, worksheet_merge_range(ws, (lxw_row_t)row, 3, (lxw_row_t)row, (lxw_col_t)last, "", x->wrap));
        str(x, ws, row, 3, how, x->wrap);
        fit_row(x, ws, row, 1, &how, &chw[3]);
    }
    if (r->solar_source != NULL) {
        char line[1024];
        utf8_format(line, sizeof line, "%s%s", L(x, L_SCN_SOLAR_SOURCE), r->solar_source);
        paragraph(x, ws, row++, last, w, line, x->wrap);
    }
    char fx[24] = "";
    if (r->opts.has_fx) {
        str(x, ws, row, 0, L(x, L_SCN_FX), x->bold);
        num(x, ws, row, 1, r->opts.fx_yuan_per_eur, x->eur2);
        cell(fx, row++, 1, true);
    }
    if (r->opts.has_price) {
        str(x, ws, row, 0, L(x, L_COST_PRICE), x->bold_wrap);
        num(x, ws, row, 1, r->opts.cost.price_eur_per_t, x->eur2);
        const char *t = L(x, L_COST_PRICE);
        fit_row(x, ws, row++, 1, &t, &w[0]);
    }
    row++;

    /* The enterprise, baseline beside scenario. */
    const char *cmp[] = {L(x, L_SCN_COMPARE), L(x, L_SCN_BASELINE), L(x, L_SCN_SCENARIO), L(x, L_SCN_DIFF),
                         L(x, L_SCN_TARIFF)};
    wrapped_header(x, ws, row++, cmp, 5, w);
    int first_src = row, src_row[6];
    for (int s = 0; s < 6; s++) {
        src_row[s] = -1;
        double kb = be->kwh.source[e_sources[s]], ks = se->kwh.source[e_sources[s]];
        if (kb == 0 && ks == 0)
            continue;
        src_row[s] = row;
        cmp_row(x, ws, row, L(x, source_kwh_label[s]), x->kwh, true, kb, true, ks);
        if (r->opts.has_tariff[e_sources[s]])
            num(x, ws, row, 4, r->opts.tariff_yuan_per_kwh[e_sources[s]], x->see);
        row++;
    }
    char a[24], b[24], t_[24], formula[FORMULA_MAX];
    int cons_row = row;
    str(x, ws, row, 0, L(x, L_CONSUMPTION), x->bold);
    for (int side = 0; side < 2; side++) {
        const alloc_enterprise *ae = side ? se : be;
        if (row > first_src)
            fnum(x, ws, row, 1 + side, x->kwh_bold, ae->kwh.consumption, "=SUM(%s:%s)",
                 cell(a, first_src, 1 + side, false), cell(b, row - 1, 1 + side, false));
        else
            num(x, ws, row, 1 + side, ae->kwh.consumption, x->kwh_bold);
    }
    diff_cell(x, ws, row++, x->kwh_bold, true, be->kwh.consumption, true, se->kwh.consumption);
    cmp_row(x, ws, row++, L(x, L_LOCATION_T), x->t3, true, be->em.location, true, se->em.location);
    cmp_row(x, ws, row++, L(x, L_MARKET_T), x->t3, true, be->em.market, true, se->em.market);
    cmp_row(x, ws, row++, L(x, L_CBAM_T), x->t3, true, be->em.cbam, true, se->em.cbam);
    cmp_row(x, ws, row++, L(x, L_GREEN_SHARE), x->share, be->has_green_share, be->green_share, se->has_green_share,
            se->green_share);
    /* Electricity cost: kWh x tariff over the sources above. */
    const scenario_money *mb = &r->base.money, *ms = &r->scen.money;
    int cost_row = row;
    str(x, ws, row, 0, L(x, L_SCN_ELEC_YUAN), x->bold);
    for (int side = 0; side < 2; side++) {
        const scenario_money *m = side ? ms : mb;
        const alloc_enterprise *ae = side ? se : be;
        if (m->has_electricity) {
            size_t len = 0;
            bool fits = true;
            formula[0] = '\0';
            for (int s = 0; s < 6 && fits; s++) {
                if (src_row[s] < 0 || ae->kwh.source[e_sources[s]] == 0 || !r->opts.has_tariff[e_sources[s]])
                    continue;
                int n = snprintf(formula + len, sizeof formula - len, "%s%s*%s", len ? "+" : "",
                                 cell(a, src_row[s], 1 + side, false), cell(b, src_row[s], 4, true));
                fits = n > 0 && (size_t)n < sizeof formula - len;
                len += fits ? (size_t)n : 0;
            }
            if (fits && len > 0)
                fnum(x, ws, row, 1 + side, x->kwh, m->electricity_yuan, "=%s", formula);
            else
                num(x, ws, row, 1 + side, m->electricity_yuan, x->kwh);
        } else if (m->missing != NULL) {
            char miss[96];
            utf8_format(miss, sizeof miss, "%s%s", L(x, L_SCN_TARIFF_MISSING), m->missing);
            str(x, ws, row, 1 + side, miss, x->warn_wrap);
        }
    }
    diff_cell(x, ws, row++, x->kwh, mb->has_electricity, mb->electricity_yuan, ms->has_electricity,
              ms->electricity_yuan);
    str(x, ws, row, 0, L(x, L_SCN_ELEC_PER_KWH), x->bold);
    for (int side = 0; side < 2; side++) {
        const scenario_money *m = side ? ms : mb;
        if (m->has_per_kwh && m->has_electricity)
            fnum(x, ws, row, 1 + side, x->see, m->electricity_yuan_per_kwh, "=IF(%s>0,%s/%s,0)",
                 cell(a, cons_row, 1 + side, false), cell(b, cost_row, 1 + side, false),
                 cell(t_, cons_row, 1 + side, false));
        else if (m->has_per_kwh)
            num(x, ws, row, 1 + side, m->electricity_yuan_per_kwh, x->see);
    }
    diff_cell(x, ws, row++, x->see, mb->has_per_kwh, mb->electricity_yuan_per_kwh, ms->has_per_kwh,
              ms->electricity_yuan_per_kwh);
    cmp_row(x, ws, row++, L(x, L_COST_TITLE), x->kwh, mb->has_cbam, mb->cbam_eur, ms->has_cbam, ms->cbam_eur);
    /* the all-in cost per kWh counts what the electricity adds to CBAM, not
     * the certificates for direct (process) emissions */
    int cbam_row = row;
    cmp_row(x, ws, row++, L(x, L_SCN_CBAM_ELEC), x->kwh, r->base.has_cost, mb->cbam_electricity_eur, r->scen.has_cost,
            ms->cbam_electricity_eur);
    str(x, ws, row, 0, L(x, L_SCN_ALL_IN), x->bold_wrap);
    {
        const char *t = L(x, L_SCN_ALL_IN);
        fit_row(x, ws, row, 1, &t, &w[0]);
    }
    for (int side = 0; side < 2; side++) {
        const scenario_money *m = side ? ms : mb;
        if (!m->has_all_in)
            continue;
        char c1[24];
        if (m->has_electricity && fx[0] != '\0')
            fnum(x, ws, row, 1 + side, x->see, m->all_in_yuan_per_kwh, "=IF(%s>0,(%s+%s*%s)/%s,0)",
                 cell(a, cons_row, 1 + side, false), cell(b, cost_row, 1 + side, false),
                 cell(t_, cbam_row, 1 + side, false), fx, cell(c1, cons_row, 1 + side, false));
        else
            num(x, ws, row, 1 + side, m->all_in_yuan_per_kwh, x->see);
    }
    diff_cell(x, ws, row++, x->see, mb->has_all_in, mb->all_in_yuan_per_kwh, ms->has_all_in, ms->all_in_yuan_per_kwh);
    row++;

    /* Each product, baseline beside scenario, and what the change does to its CBAM cost. */
    const char *ph[] = {L(x, L_SCN_PRODUCTS), L(x, L_SCN_BASELINE), L(x, L_SCN_SCENARIO), L(x, L_SCN_DIFF)};
    wrapped_header(x, ws, row++, ph, 4, w);
    for (size_t k = 0; k < be->nproducts; k++) {
        size_t pi = be->product_order[k];
        if (pi >= se->nproducts)
            continue;
        const alloc_product *pb = &be->products[pi], *ps = &se->products[pi];
        char head[512], cn[16];
        cbamgoods_info gi = cbamgoods_lookup(pb->p->cn_code);
        utf8_format(head, sizeof head, "%s%s%s (%s%s%s)", pb->p->id, pb->p->name ? "  " : "",
                    pb->p->name ? pb->p->name : "", cbamgoods_format_cn(pb->p->cn_code, cn, sizeof cn),
                    pb->p->cn_code ? ", " : "", gi.category ? gi.category : L(x, L_CST_NOT_CBAM));
        str(x, ws, row++, 0, head, x->bold);
        cmp_row(x, ws, row++, L(x, L_ELECTRICITY_KWH), x->kwh, true, pb->kwh, true, ps->kwh);
        cmp_row(x, ws, row++, L(x, L_CBAM_T), x->t3, true, pb->em.cbam, true, ps->em.cbam);
        cmp_row(x, ws, row++, L(x, L_SEE_LOCATION), x->see, pb->has_see, pb->see.location, ps->has_see,
                ps->see.location);
        cmp_row(x, ws, row++, L(x, L_SEE_MARKET), x->see, pb->has_see, pb->see.market, ps->has_see, ps->see.market);
        cmp_row(x, ws, row++, L(x, L_SEE_CBAM), x->see, pb->has_see, pb->see.cbam, ps->has_see, ps->see.cbam);
        const cbamcost_product *cb = r->base.has_cost && pi < r->base.cost.nproducts ? &r->base.cost.products[pi]
                                                                                     : NULL;
        const cbamcost_product *cs = r->scen.has_cost && pi < r->scen.cost.nproducts ? &r->scen.cost.products[pi]
                                                                                     : NULL;
        /* A good whose certificates are for its direct emissions alone, not
         * given: no figure (0 would read as "pays nothing"). */
        bool hb = cb != NULL && cb->status != CBAMCOST_NOT_CBAM &&
                  !(cb->status == CBAMCOST_INDIRECT_ONLY && !cb->indirect_in_liability),
             hs = cs != NULL && cs->status != CBAMCOST_NOT_CBAM &&
                  !(cs->status == CBAMCOST_INDIRECT_ONLY && !cs->indirect_in_liability);
        cmp_row(x, ws, row++, L(x, L_COST_CERTIFICATES), x->t3, hb, hb ? cb->certificates_t : 0, hs,
                hs ? cs->certificates_t : 0);
        cmp_row(x, ws, row++, L(x, L_COST_EUR), x->kwh, hb, hb ? cb->cost_eur : 0, hs, hs ? cs->cost_eur : 0);
        const scenario_product_money *eb = r->base.products ? &r->base.products[pi] : NULL,
                                     *es = r->scen.products ? &r->scen.products[pi] : NULL;
        cmp_row(x, ws, row++, L(x, L_SCN_ELEC_YUAN), x->kwh, eb && eb->has_electricity,
                eb ? eb->electricity_yuan : 0, es && es->has_electricity, es ? es->electricity_yuan : 0);
        char why[1024];
        scenario_product_reason_words(r, pi, x->zh, why, sizeof why);
        paragraph(x, ws, row++, 3, w, why, hb && cb->indirect_in_liability ? x->wrap : x->warn_wrap);
    }
    row++;

    /* By month: what was planned, what the load used, the surplus, the grid
     * (the header row is the table's title: a title alone at the foot of a
     * page would leave its table to the next). */
    char hb_[2 * SCENARIO_MAX_CHANGES][128];
    const char *mh[SCN_MAX_COLS];
    mh[0] = L(x, L_MONTH);
    for (int i = 0; i < nsrc; i++) {
        utf8_format(hb_[i], sizeof hb_[i], "%s%s%s", L(x, L_SCN_PLANNED_OF), source_word(x, src[i]),
                    L(x, L_KWH_SUFFIX));
        utf8_format(hb_[nsrc + i], sizeof hb_[nsrc + i], "%s%s%s", L(x, L_SCN_USED_OF), source_word(x, src[i]),
                    L(x, L_KWH_SUFFIX));
        mh[1 + i] = hb_[i];
        mh[m_used + i] = hb_[nsrc + i];
    }
    mh[m_sur] = L(x, L_SURPLUS_KWH);
    mh[m_before] = L(x, L_SCN_GRID_BEFORE);
    mh[m_after] = L(x, L_SCN_GRID_AFTER);
    int m_head = row;
    wrapped_header(x, ws, row++, mh, m_after + 1, w);
    int m_first = row;
    size_t nsurplus = 0;
    for (size_t i = 0; i < r->nmonths; i++, row++) {
        const scenario_month *sm = &r->months[i];
        char per[8];
        period_format(sm->ord, per, sizeof per);
        str(x, ws, row, 0, per, x->text);
        for (int k = 0; k < nsrc; k++) {
            num(x, ws, row, 1 + k, sm->planned_kwh[src[k]], x->kwh);
            num(x, ws, row, m_used + k, sm->used_kwh[src[k]], x->kwh);
        }
        num(x, ws, row, m_sur, sm->surplus_kwh, x->kwh);
        num(x, ws, row, m_before, sm->grid_before_kwh, x->kwh);
        num(x, ws, row, m_after, sm->grid_after_kwh, x->kwh);
        nsurplus += sm->surplus_kwh > 0;
    }
    int m_last = row - 1;
    if (r->nmonths > 0) {
        str(x, ws, row, 0, L(x, L_TOTAL), x->bold);
        for (int c = 1; c <= m_after; c++) {
            double v = 0;
            for (size_t i = 0; i < r->nmonths; i++) {
                const scenario_month *sm = &r->months[i];
                int k = c <= nsrc ? c - 1 : c - m_used;
                v += c == m_sur      ? sm->surplus_kwh
                     : c == m_before ? sm->grid_before_kwh
                     : c == m_after  ? sm->grid_after_kwh
                     : c <= nsrc     ? sm->planned_kwh[src[k]]
                                     : sm->used_kwh[src[k]];
            }
            fnum(x, ws, row, c, x->kwh_bold, v, "=SUM(%s:%s)", cell(a, m_first, c, false), cell(b, m_last, c, false));
        }
        /* a month with a surplus stands out, also after an edit */
        lxw_conditional_format cf = {.type = LXW_CONDITIONAL_TYPE_CELL,
                                     .criteria = LXW_CONDITIONAL_CRITERIA_GREATER_THAN,
                                     .value = 0,
                                     .format = x->surplus};
        ck(x, worksheet_conditional_format_range(ws, (lxw_row_t)m_first, (lxw_col_t)m_sur, (lxw_row_t)m_last,
                                                 (lxw_col_t)m_sur, &cf));
        row++;
    }
    if (r->surplus_kwh > 0) {
        char line[512], kwh[40], months[24];
        snprintf(months, sizeof months, "%zu", nsurplus);
        utf8_format(line, sizeof line, "%s%s%s%s%s", L(x, L_SCN_SURPLUS_A), numfmt_fixed(kwh, sizeof kwh, r->surplus_kwh, 0),
                    L(x, L_SCN_SURPLUS_B), months, L(x, L_SCN_SURPLUS_C));
        paragraph(x, ws, row++, last, w, line, x->warn_wrap);
    }

    /* The chart, on a page of its own: kWh, because what the added power
     * does month by month (and where it exceeds the grid) is a matter of
     * kWh; the tCO2 follow from the grid kWh. Series of zeros are left out. */
    if (r->nmonths == 0)
        return;
    int cols[2 + SCENARIO_MAX_CHANGES], nser = 0;
    int cand[2 + SCENARIO_MAX_CHANGES], ncand = 0;
    cand[ncand++] = m_before;
    cand[ncand++] = m_after;
    for (int k = 0; k < nsrc; k++)
        if (!removed[k])
            cand[ncand++] = m_used + k;
    bool negative = false;
    for (int i = 0; i < ncand; i++) {
        bool nonzero = false;
        for (size_t mi = 0; mi < r->nmonths; mi++) {
            const scenario_month *sm = &r->months[mi];
            int c = cand[i];
            double v = c == m_before ? sm->grid_before_kwh
                       : c == m_after ? sm->grid_after_kwh
                                      : sm->used_kwh[src[c - m_used]];
            nonzero |= v != 0;
            negative |= v < 0;
        }
        if (nonzero)
            cols[nser++] = cand[i];
    }
    if (nser == 0)
        return;
    lxw_chart *chart = new_chart(x, LXW_CHART_COLUMN);
    if (chart == NULL)
        return;
    for (int i = 0; i < nser; i++) {
        lxw_chart_series *cs = add_series(x, chart);
        if (cs == NULL)
            return;
        chart_series_set_categories(cs, "Scenario", (lxw_row_t)m_first, 0, (lxw_row_t)m_last, 0);
        chart_series_set_values(cs, "Scenario", (lxw_row_t)m_first, (lxw_col_t)cols[i], (lxw_row_t)m_last,
                                (lxw_col_t)cols[i]);
        chart_series_set_name_range(cs, "Scenario", (lxw_row_t)m_head, (lxw_col_t)cols[i]);
    }
    chart_title_set_name(chart, L(x, L_SCN_CHART));
    chart_axis_set_name(chart->y_axis, "kWh");
    chart_axis_set_num_format(chart->y_axis, "#,##0");
    if (!negative)
        chart_axis_set_min(chart->y_axis, 0);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    row++;
    lxw_row_t breaks[] = {(lxw_row_t)row, 0};
    ck(x, worksheet_set_h_pagebreaks(ws, breaks));
    /* as wide as the columns (7 pixels a character and 5 of padding), at most a landscape page */
    double width_px = 0;
    for (int c = 0; c < ncols; c++)
        width_px += w[c] * 7 + 5;
    place_chart(x, ws, row, 0, 0, 4, fmin(width_px, 1180), 440, chart);
    x->scenario_drawing = true;
}

time_t report_xlsx_created(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long v;
    if (sde != NULL && parse_int(sde, strlen(sde), 0, 4102444800L, &v) == PARSE_OK)
        return (time_t)v;
    time_t now = time(NULL);
    return now == (time_t)-1 || now == 0 ? 1 : now;
}

/* ---- staging: where libxlsxwriter keeps the parts before zipping them ---- */

/* Bytes the staged parts may take: a generous guess from the rows written
 * (a cell costs well under 120 bytes of XML; Data_Quality holds the
 * messages), times 8, and never under 16 MB. */
static double staging_need(const ledger *l, const alloc_enterprise *ae, const diag_list *dl)
{
    double rows = 64.0 + 2.0 * (double)ae->nmonths + (double)ae->nproducts * ((double)ae->nmonths + 2) +
                  (double)l->ninputs + (double)dl->count;
    double bytes =
        512.0 * 1024 + rows * P__N * 120.0 + (double)ae->e->nseries * ((double)ae->nmonths + 4) * 120.0;
    for (size_t i = 0; i < dl->count; i++)
        bytes += 2.0 * (double)strlen(dl->items[i].message);
    if (ae->cost != NULL) /* the Cost section (Scenario's few hundred cells fit in the margin) */
        bytes += (20.0 + (double)ae->nproducts * 20.0) * 10 * 120.0;
    if (ae->hourly != NULL) /* the heatmap: a cell per matched hour */
        bytes += (double)ae->hourly->hours * 120.0 + (double)ae->hourly->nmonths * 30 * 120.0;
    double need = 8 * bytes;
    return need < 16.0 * 1024 * 1024 ? 16.0 * 1024 * 1024 : need;
}

/* Free bytes in dir for an unprivileged writer, or -1 when dir is not a
 * writable directory. */
static double free_bytes(const char *dir)
{
    struct statvfs sv;
    if (access(dir, W_OK | X_OK) != 0 || statvfs(dir, &sv) != 0)
        return -1;
    return (double)sv.f_bavail * (double)sv.f_frsize;
}

/* The output's final name, from the temporary ".NAME.XXXXXX" next to it
 * (src/outfile.c), for messages; else the path itself. */
static void target_name(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base);
    if (base[0] == '.' && len > 8 && base[len - 7] == '.')
        utf8_format(buf, size, "%.*s%.*s", (int)(base - path), path, (int)(len - 8), base + 1);
    else
        utf8_format(buf, size, "%s", path);
}

struct staging {
    char dir[4200];
    double free, need;
};

/* CBAMCALC_TMPDIR when set; else memory-backed /dev/shm (a third of a batch
 * run faster than disk) when it has room; else the output's own directory.
 * libxlsxwriter does not check its staging writes, so a directory without
 * room for the guess is never used. */
static bool choose_staging(const char *path, struct staging *st, char *why, size_t why_size)
{
    const char *forced = getenv("CBAMCALC_TMPDIR");
    if (forced != NULL && *forced != '\0') {
        utf8_format(st->dir, sizeof st->dir, "%s", forced);
        st->free = free_bytes(st->dir);
        if (st->free < 0) {
            utf8_format(why, why_size, "CBAMCALC_TMPDIR=%s is not a writable directory", forced);
            return false;
        }
        if (st->free < st->need) {
            utf8_format(why, why_size,
                    "the staging directory %s (CBAMCALC_TMPDIR) has %.1f MB free, %.1f MB needed", st->dir,
                    st->free / 1048576.0, st->need / 1048576.0);
            return false;
        }
        return true;
    }
    double shm = free_bytes("/dev/shm");
    if (shm >= st->need) {
        snprintf(st->dir, sizeof st->dir, "/dev/shm");
        st->free = shm;
        return true;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(st->dir, sizeof st->dir, ".");
    else if (slash == path)
        snprintf(st->dir, sizeof st->dir, "/");
    else
        utf8_format(st->dir, sizeof st->dir, "%.*s", (int)(slash - path), path);
    st->free = free_bytes(st->dir);
    if (st->free >= st->need)
        return true;
    utf8_format(why, why_size,
            "no staging directory has room: %.1f MB needed, /dev/shm has %.1f MB free, %s has %.1f MB free",
            st->need / 1048576.0, shm < 0 ? 0.0 : shm / 1048576.0, st->dir,
            st->free < 0 ? 0.0 : st->free / 1048576.0);
    return false;
}

/* The parts every workbook of ours holds. */
static const char *const required_parts[] = {
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/app.xml",
    "docProps/core.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/worksheets/sheet5.xml",
    "xl/worksheets/sheet6.xml",
    "xl/worksheets/sheet7.xml",
    "xl/drawings/drawing1.xml", /* Summary's */
};

/* libxlsxwriter writes a creation time of 0 as "now"; the workbook is made
 * with 1 s and the two dates are set back to 0 s in docProps/core.xml. */
static bool set_epoch_zero(const char *path, char *why, size_t why_size)
{
    /* the end tag makes it the date element's text: '<' in other text is escaped */
    static const char one[] = "1970-01-01T00:00:01Z</dcterms:";
    char *core;
    size_t len;
    if (!xlsxpatch_read(path, "docProps/core.xml", &core, &len, NULL, why, why_size))
        return false;
    size_t n = 0;
    for (char *p = strstr(core, one); p != NULL; p = strstr(p + 1, one)) {
        p[strlen("1970-01-01T00:00:0")] = '0';
        n++;
    }
    bool ok =
        n == 2 ? xlsxzip_replace(path, "docProps/core.xml", core, len, why, why_size)
               : (utf8_format(why, why_size, "docProps/core.xml has %zu creation dates, expected 2", n), false);
    free(core);
    return ok;
}

enum cbam_err report_xlsx_write(const char *path, const ledger *l, const alloc_enterprise *ae,
                                const diag_list *dl, const report_xlsx_opts *o, diag_list *errs)
{
    struct xw x = {.zh = o->zh};
    char target[4200], why[4400];
    target_name(path, target, sizeof target);
    struct staging st = {.need = staging_need(l, ae, dl)};
    if (!choose_staging(path, &st, why, sizeof why)) {
        diag_add(errs, DIAG_ERROR, target, 0, 0,
                 "the workbook could not be written completely: %s; nothing was written", why);
        return CBAM_ERR_CANTCREAT;
    }
    lxw_workbook_options wo = {.constant_memory = LXW_FALSE, .tmpdir = st.dir};
    x.wb = workbook_new_opt(path, &wo);
    if (x.wb == NULL) {
        diag_add(errs, DIAG_ERROR, target, 0, 0, "cannot start the workbook");
        return CBAM_ERR_CANTCREAT;
    }
    make_formats(&x);
    char digest[HASH_HEX_SIZE];
    ledger_inputs_digest(l, digest);
    page_texts(&x, ae->e, ae->from_ord, ae->to_ord, digest);

    /* Document properties: ids and names cut on a character boundary. */
    char title[256], subject[256], keywords[256], company[256];
    char from[8], to[8];
    period_format(ae->from_ord, from, sizeof from);
    period_format(ae->to_ord, to, sizeof to);
    utf8_format(title, sizeof title, "Electricity emissions report %s", ae->e->id);
    utf8_format(subject, sizeof subject, "Scope 2 (location, market) and CBAM indirect emissions, %s to %s", from,
            to);
    utf8_format(keywords, sizeof keywords, "CBAM, Scope 2, electricity, %s", ae->e->id);
    utf8_format(company, sizeof company, "%s", ae->e->name ? ae->e->name : ae->e->id);
    lxw_doc_properties props = {
        .title = title,
        .subject = subject,
        .author = PACKAGE_NAME " " PACKAGE_VERSION,
        .company = company,
        .keywords = keywords,
        .comments = "Generated by cbamcalc; every figure is explained on the Method sheet.",
        .created = o->created != 0 ? o->created : 1,
    };
    ck(&x, workbook_set_properties(x.wb, &props));

    struct factor_rows fr = {0};
    collect_factors(&x, ae, &fr);
    int *period_rows = xcalloc(ae->nproducts ? ae->nproducts : 1, sizeof *period_rows);

    /* Sheets in reading order; Summary refers to the others, so it is filled last. */
    lxw_worksheet *summary = sheet(&x, "Summary", -1);
    if (o->scenario != NULL)
        write_scenario(&x, o->scenario);
    int etot = write_electricity(&x, ae, &fr);
    if (ae->hourly != NULL)
        write_hourly(&x, l, ae);
    write_products(&x, ae, period_rows);
    write_cbam(&x, ae, period_rows);
    write_factors(&x, &fr);
    write_quality(&x, ae, dl);
    write_method(&x, ae, o->scenario != NULL);
    if (summary != NULL) {
        write_summary(&x, summary, l, ae, &fr, etot, period_rows, o->created, digest);
        worksheet_activate(summary);
    }
    free(period_rows);
    free(fr.v);
    free(fr.bm);
    free(fr.dir);

    /* libxlsxwriter prints its own [ERROR] lines, naming the hidden
     * temporary, even with -q (and from every worker with -j): its reason
     * goes into our message instead. */
    fflush(stderr);
    int saved_err = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_err >= 0 && devnull >= 0)
        dup2(devnull, STDERR_FILENO);
    errno = 0;
    lxw_error close_err = workbook_close(x.wb);
    int close_errno = errno;
    if (saved_err >= 0) {
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
    }
    if (devnull >= 0)
        close(devnull);
    if (x.bad_number) {
        diag_add(
            errs, DIAG_ERROR, NULL, 0, 0,
            "a computed figure is not a finite number or does not match its formula; this is a bug, please "
            "report it");
        return CBAM_ERR_INTERNAL;
    }
    if (x.err == LXW_NO_ERROR)
        x.err = close_err;
    if (x.err != LXW_NO_ERROR) {
        if (close_err != LXW_NO_ERROR && close_errno != 0)
            diag_add(errs, DIAG_ERROR, target, 0, 0, "writing the workbook failed: %s (%s; staging directory %s)",
                     strerror(close_errno), lxw_strerror(x.err), st.dir);
        else
            diag_add(errs, DIAG_ERROR, target, 0, 0, "writing the workbook failed: %s (staging directory %s)",
                     lxw_strerror(x.err), st.dir);
        return CBAM_ERR_CANTCREAT;
    }
    /* Read it back: libxlsxwriter does not check its staging writes. With
     * Hourly or Scenario the sheets are eight or nine; the drawings are
     * numbered in sheet order, Summary's first. */
    enum { MAX_CHARTS = 8 };
    static const char *const chart_parts[MAX_CHARTS] = {
        "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml", "xl/charts/chart4.xml",
        "xl/charts/chart5.xml", "xl/charts/chart6.xml", "xl/charts/chart7.xml", "xl/charts/chart8.xml"};
    static const char *const more_sheets[] = {"xl/worksheets/sheet8.xml", "xl/worksheets/sheet9.xml"};
    static const char *const more_drawings[] = {"xl/drawings/drawing2.xml", "xl/drawings/drawing3.xml"};
    size_t nreq = sizeof required_parts / sizeof *required_parts;
    const char *parts[sizeof required_parts / sizeof *required_parts + 4 + MAX_CHARTS];
    memcpy(parts, required_parts, sizeof required_parts);
    int nsheets = (ae->hourly != NULL) + (o->scenario != NULL);
    int ndrawings = (ae->hourly != NULL && ae->hourly->nmatched > 0) + x.scenario_drawing;
    for (int i = 0; i < nsheets; i++)
        parts[nreq++] = more_sheets[i];
    for (int i = 0; i < ndrawings; i++)
        parts[nreq++] = more_drawings[i];
    for (int i = 0; i < x.ncharts && i < MAX_CHARTS; i++)
        parts[nreq++] = chart_parts[i];
    if ((o->created == 0 && !set_epoch_zero(path, why, sizeof why)) ||
        !xlsxzip_verify(path, parts, nreq, why, sizeof why)) {
        diag_add(errs, DIAG_ERROR, target, 0, 0,
                 "the workbook could not be written completely (%s; staging directory %s had %.1f MB free); "
                 "nothing was written",
                 why, st.dir, st.free / 1048576.0);
        return CBAM_ERR_CANTCREAT;
    }
    return CBAM_OK;
}
