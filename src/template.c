/* template.c - the Commission's CBAM communication template: recognising
 * version 2.1.1, deciding what goes into its input cells, and patching them
 * in (see template.h). Everything this file knows about the template's
 * layout is in the table `v211` below. */
#include "config.h"
#include "template.h"
#include "cbamgoods.h"
#include "columns.h"
#include "csvin.h"
#include "outfile.h"
#include "parse.h"
#include "sheetxml.h"
#include "strmap.h"
#include "utf8.h"
#include "xalloc.h"
#include "xlsxpatch.h"
#include "xlsxzip.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TPL_PROCESSES  10 /* A_InstData P1..P10 */
#define TPL_CATEGORIES 10
#define TPL_INCLUDED   6                   /* A_InstData F..K: categories a process covers */
#define TPL_GOODS      100                 /* Summary_Products rows 10..109 */
#define TPL_FILE_MAX   (64L * 1024 * 1024) /* the template is 1.3 MB */
#define TPL_NAME_MAX   200 /* characters of a process name: the template's MATCH and COUNTIF take 255 */
#define TPL_PROC_BUILD 64  /* processes while planning (those without a CBAM good are dropped later) */

/* Where the installation's facts go (A_InstData section 2, column I). */
enum site_field { SITE_NAME = LEDGER_SITE__COUNT, SITE_NAME_EN, SITE_ADDRESS, SITE_COUNTRY };
struct site_cell {
    const char *ref;
    int field; /* enum ledger_site or enum site_field */
    const char *what;
};

/* The cell map of version 2.1.1, as data. Rows of repeated blocks are given
 * as first row and stride. */
static const struct tpl_map {
    const char *version, *version_date; /* what is supported, for messages */
    /* recognition */
    const char *type_text;   /* VersionDocumentation!B2 */
    double date_serial;      /* VersionDocumentation!B3: 2024-12-13 */
    uint32_t versions_first; /* 0_Versions: column E from this row lists the versions */
    const char *sheets[19];  /* every sheet the template has */
    /* sheet names */
    const char *s_versions, *s_verdoc, *s_inst, *s_em, *s_proc, *s_prod, *s_const, *s_codes, *s_cn;
    /* A_InstData */
    const char *period_start, *period_end;
    struct site_cell site[13];
    uint32_t goods_row;                  /* (a) aggregated goods categories: E62..E71 */
    const char *goods_col, *only_direct; /* S61: the template's "only direct production" text */
    uint32_t proc_row;                   /* (b) processes: E83..E92, F..K included, L name */
    const char *proc_cat_col, *proc_name_col;
    const char *proc_incl_cols[TPL_INCLUDED]; /* the categories a process covers */
    /* D_Processes, block of process p at first_row + stride * p */
    uint32_t d_first, d_stride;
    uint32_t d_production, d_market, d_mwh, d_ef, d_code, d_direct; /* row offsets in a block */
    const char *d_col;
    /* Summary_Products */
    uint32_t sp_row;
    const char *sp_proc_col, *sp_cn_col, *sp_name_col;
    /* C_Emissions&Energy */
    const char *em_indirect;
    /* code lists */
    uint32_t goods_list_first, goods_list_last; /* Parameters_Constants A89:A106, route flag in E */
    const char *goods_list_col, *goods_route_col;
    uint32_t elec_row; /* Parameters_Constants B15:H15 */
    const char *elec_first_col;
    uint32_t elec_n;
    uint32_t country_first, country_last; /* c_CodeLists F11:G277 */
    const char *country_code_col, *country_name_col;
    uint32_t cn_first, cn_last; /* Parameters_CNCodes D4:D572, category in E */
    const char *cn_key_col, *cn_cat_col;
} v211 = {
    .version = "2.1.1",
    .version_date = "2024-12-13",
    .type_text = "CBAM communication SEE Version 2",
    .date_serial = 45639,
    .versions_first = 9,
    .sheets = {"0_Versions", "a_Contents", "b_Guidelines&Conditions", "c_CodeLists", "A_InstData", "B_EmInst",
               "C_Emissions&Energy", "D_Processes", "E_PurchPrec", "F_Tools", "G_FurtherGuidance",
               "Summary_Processes", "Summary_Products", "Summary_Communication", "InputOutput",
               "Parameters_Constants", "Parameters_CNCodes", "Translations", "VersionDocumentation"},
    .s_versions = "0_Versions",
    .s_verdoc = "VersionDocumentation",
    .s_inst = "A_InstData",
    .s_em = "C_Emissions&Energy",
    .s_proc = "D_Processes",
    .s_prod = "Summary_Products",
    .s_const = "Parameters_Constants",
    .s_codes = "c_CodeLists",
    .s_cn = "Parameters_CNCodes",
    .period_start = "I9",
    .period_end = "L9",
    .site = {{"I19", SITE_NAME, "name of the installation"},
             {"I20", SITE_NAME_EN,
              "name of the installation in English (column name_en of the enterprises file)"},
             {"I21", SITE_ADDRESS, "street and number (column address of the enterprises file)"},
             {"I22", LEDGER_SITE_ECONOMIC_ACTIVITY,
              "economic activity (column economic_activity of the enterprises file)"},
             {"I23", LEDGER_SITE_POSTCODE, "post code (column postcode of the enterprises file)"},
             {"I25", LEDGER_SITE_CITY, "city (column city of the enterprises file)"},
             {"I26", SITE_COUNTRY, "country"},
             {"I27", LEDGER_SITE_UNLOCODE, "UN/LOCODE (column unlocode of the enterprises file)"},
             {"I28", LEDGER_SITE_LATITUDE,
              "latitude of the main emission source (column latitude of the enterprises file)"},
             {"I29", LEDGER_SITE_LONGITUDE,
              "longitude of the main emission source (column longitude of the enterprises file)"},
             {"I30", LEDGER_SITE_REPRESENTATIVE,
              "name of the authorised representative (column representative of the enterprises file)"},
             {"I31", LEDGER_SITE_EMAIL, "the representative's email (column email of the enterprises file)"},
             {"I32", LEDGER_SITE_PHONE,
              "the representative's telephone (column phone of the enterprises file)"}},
    .goods_row = 62,
    .goods_col = "E",
    .only_direct = "S61",
    .proc_row = 83,
    .proc_cat_col = "E",
    .proc_incl_cols = {"F", "G", "H", "I", "J", "K"},
    .proc_name_col = "L",
    .d_first = 11,
    .d_stride = 65,
    .d_production = 5,
    .d_market = 16,
    .d_direct = 43,
    .d_mwh = 54,
    .d_ef = 55,
    .d_code = 56,
    .d_col = "L",
    .sp_row = 10,
    .sp_proc_col = "D",
    .sp_cn_col = "F",
    .sp_name_col = "H",
    .em_indirect = "M26",
    .goods_list_first = 89,
    .goods_list_last = 106,
    .goods_list_col = "A",
    .goods_route_col = "E",
    .elec_row = 15,
    .elec_first_col = "B",
    .elec_n = 7,
    .country_first = 11,
    .country_last = 277,
    .country_code_col = "F",
    .country_name_col = "G",
    .cn_first = 4,
    .cn_last = 572,
    .cn_key_col = "D",
    .cn_cat_col = "E",
};

/* The sheets cbamcalc edits, in the order of template_doc.edit[]. */
enum { ED_INST, ED_EM, ED_PROC, ED_PROD, ED__N };
static const char *const edited_sheets[ED__N] = {"A_InstData", "C_Emissions&Energy", "D_Processes",
                                                 "Summary_Products"};

struct template_doc {
    char *path;
    const struct tpl_map *map;
    char *xml[ED__N]; /* the edited sheets as they are in the template */
    size_t xml_len[ED__N];
    char *part[ED__N];
    sheetxml idx[ED__N];
    char *workbook; /* xl/workbook.xml with fullCalcOnLoad set */
    size_t workbook_len;
    /* code lists, read from the template itself */
    char *goods[32];
    bool goods_route[32];
    size_t ngoods;
    char *elec[8];
    size_t nelec;
    strmap *countries; /* ISO code -> its name in country_names */
    char **country_names;
    size_t ncountries;
    strmap *cn; /* CN key -> its category in cn_cat */
    char **cn_cat;
    size_t ncn;
    char *only_direct;
};

const char *template_version(const template_doc *t)
{
    return t->map->version;
}

static uint32_t col_of(const char *letters)
{
    uint32_t r, c;
    char ref[16];
    snprintf(ref, sizeof ref, "%s1", letters);
    return sheetxml_ref(ref, &r, &c) ? c : 0;
}

static const char *text_at(const sheetxml *s, const sheetxml_strtab *st, uint32_t row, const char *col)
{
    return sheetxml_text(sheetxml_find(s, row, col_of(col)), st);
}

static const char *text_ref(const sheetxml *s, const sheetxml_strtab *st, const char *ref)
{
    uint32_t r, c;
    return sheetxml_ref(ref, &r, &c) ? sheetxml_text(sheetxml_find(s, r, c), st) : NULL;
}

/* ---- opening and recognising ---- */

struct opening {
    const char *path;
    sheetxml_sheet *sheets;
    size_t nsheets;
    sheetxml_strtab st;
    diag_list *dl;
};

static const char *part_of(const struct opening *o, const char *sheet)
{
    for (size_t i = 0; i < o->nsheets; i++)
        if (strcmp(o->sheets[i].name, sheet) == 0)
            return o->sheets[i].part;
    return NULL;
}

/* Reads and indexes one sheet; false (reported as "not the template") on failure. */
static bool load_sheet(struct opening *o, const char *sheet, bool keep, sheetxml *idx, char **xml,
                       size_t *len)
{
    char why[300];
    char *data;
    size_t n;
    const char *part = part_of(o, sheet);
    if (part == NULL || !xlsxpatch_read(o->path, part, &data, &n, NULL, why, sizeof why)) {
        diag_add(o->dl, DIAG_ERROR, o->path, 0, 0, "sheet %s cannot be read: %s", sheet,
                 part ? why : "no part");
        return false;
    }
    if (!sheetxml_index(data, n, keep, idx, why, sizeof why)) {
        diag_add(o->dl, DIAG_ERROR, o->path, 0, 0, "sheet %s is damaged: %s", sheet, why);
        free(data);
        return false;
    }
    if (xml != NULL) {
        *xml = data;
        *len = n;
    } else {
        free(data);
    }
    return true;
}

static bool unsupported(struct opening *o, const char *found)
{
    diag_add(o->dl, DIAG_ERROR, o->path, 0, 0,
             "is %s; cbamcalc fills the CBAM communication template for installations version %s of %s only "
             "(download it from the Commission's CBAM page, or use the cbamcalc release that supports your "
             "version)",
             found, v211.version, v211.version_date);
    return false;
}

static bool check_version(struct opening *o)
{
    const struct tpl_map *m = &v211;
    sheetxml doc, ver;
    if (!load_sheet(o, m->s_verdoc, true, &doc, NULL, NULL))
        return false;
    if (!load_sheet(o, m->s_versions, true, &ver, NULL, NULL)) {
        sheetxml_free(&doc);
        return false;
    }
    const char *type = text_ref(&doc, &o->st, "B2");
    const char *date = text_ref(&doc, &o->st, "B3");
    /* The last version 0_Versions lists is the file's own. */
    const char *last = NULL;
    for (size_t i = 0; i < ver.n; i++)
        if (ver.cells[i].col == 5 && ver.cells[i].row >= m->versions_first) {
            const char *v = sheetxml_text(&ver.cells[i], &o->st);
            if (v != NULL && v[0] != '\0')
                last = v;
        }
    char found[300];
    double serial = 0;
    bool date_ok =
        date != NULL && parse_number(date, strlen(date), &serial) == PARSE_OK && serial == m->date_serial;
    bool ok = type != NULL && strcmp(type, m->type_text) == 0 && date_ok && last != NULL &&
              strcmp(last, m->version) == 0;
    if (!ok) {
        char when[80] = "no date";
        if (date != NULL && parse_number(date, strlen(date), &serial) == PARSE_OK && serial > 0 &&
            serial < 2958466) {
            int64_t days = (int64_t)serial - 25569; /* Excel's day 25569 is 1970-01-01 */
            int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
            int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
            int64_t d = doy - (153 * mp + 2) / 5 + 1, mo = mp < 10 ? mp + 3 : mp - 9,
                    y = yoe + era * 400 + (mo <= 2);
            snprintf(when, sizeof when, "%04lld-%02lld-%02lld", (long long)y, (long long)mo, (long long)d);
        }
        snprintf(found, sizeof found, "\"%.80s\" version %.20s of %s", type ? type : "(no template type)",
                 last ? last : "(none listed)", when);
        unsupported(o, found);
    }
    sheetxml_free(&doc);
    sheetxml_free(&ver);
    return ok;
}

/* Every cell cbamcalc writes must be an input cell: there, unlocked, no formula. */
static bool check_inputs(struct opening *o, template_doc *t, const bool *unlocked, size_t nstyles)
{
    const struct tpl_map *m = t->map;
    struct {
        int sheet;
        uint32_t row, col;
    } cells[600];
    size_t n = 0;
    uint32_t r, c;
#define ADD(s, rr, cc) (cells[n].sheet = (s), cells[n].row = (rr), cells[n].col = col_of(cc), n++)
#define ADD_REF(s, ref)                                                                                      \
    (sheetxml_ref((ref), &r, &c), cells[n].sheet = (s), cells[n].row = r, cells[n].col = c, n++)
    for (size_t i = 0; i < sizeof m->site / sizeof m->site[0]; i++)
        ADD_REF(ED_INST, m->site[i].ref);
    ADD_REF(ED_INST, m->period_start);
    ADD_REF(ED_INST, m->period_end);
    for (uint32_t k = 0; k < TPL_CATEGORIES; k++)
        ADD(ED_INST, m->goods_row + k, m->goods_col);
    for (uint32_t p = 0; p < TPL_PROCESSES; p++) {
        ADD(ED_INST, m->proc_row + p, m->proc_cat_col);
        ADD(ED_INST, m->proc_row + p, m->proc_name_col);
        for (uint32_t k = 0; k < TPL_INCLUDED; k++)
            ADD(ED_INST, m->proc_row + p, m->proc_incl_cols[k]);
        uint32_t b = m->d_first + m->d_stride * p;
        const uint32_t offsets[] = {m->d_production, m->d_market, m->d_mwh, m->d_ef, m->d_code, m->d_direct};
        for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++)
            ADD(ED_PROC, b + offsets[k], m->d_col);
    }
    for (uint32_t g = 0; g < TPL_GOODS; g++) {
        ADD(ED_PROD, m->sp_row + g, m->sp_proc_col);
        ADD(ED_PROD, m->sp_row + g, m->sp_cn_col);
        ADD(ED_PROD, m->sp_row + g, m->sp_name_col);
    }
    ADD_REF(ED_EM, m->em_indirect);
#undef ADD
#undef ADD_REF
    for (size_t i = 0; i < n; i++) {
        const sheetxml_cell *cell = sheetxml_find(&t->idx[cells[i].sheet], cells[i].row, cells[i].col);
        bool ok = cell != NULL && !cell->formula && cell->style >= 0 && (size_t)cell->style < nstyles &&
                  unlocked[cell->style];
        if (!ok) {
            char ref[16], found[200];
            sheetxml_ref_name(cells[i].row, cells[i].col, ref, sizeof ref);
            snprintf(found, sizeof found,
                     "a changed template: its cell %s!%s is not an input cell as in version %s",
                     edited_sheets[cells[i].sheet], ref, v211.version);
            return unsupported(o, found);
        }
    }
    return true;
}

static bool read_lists(struct opening *o, template_doc *t)
{
    const struct tpl_map *m = t->map;
    sheetxml pc, cl, cn, *inst = &t->idx[ED_INST];
    if (!load_sheet(o, m->s_const, true, &pc, NULL, NULL))
        return false;
    bool ok = false;
    if (!load_sheet(o, m->s_codes, true, &cl, NULL, NULL)) {
        sheetxml_free(&pc);
        return false;
    }
    if (!load_sheet(o, m->s_cn, true, &cn, NULL, NULL)) {
        sheetxml_free(&pc);
        sheetxml_free(&cl);
        return false;
    }
    for (uint32_t r = m->goods_list_first; r <= m->goods_list_last && t->ngoods < 32; r++) {
        const char *g = text_at(&pc, &o->st, r, m->goods_list_col);
        const char *route = text_at(&pc, &o->st, r, m->goods_route_col);
        if (g == NULL)
            goto out;
        t->goods_route[t->ngoods] = route != NULL && strcmp(route, "1") == 0;
        t->goods[t->ngoods++] = xstrdup(g);
    }
    for (uint32_t k = 0; k < m->elec_n; k++) {
        const char *e =
            text_at(&pc, &o->st, m->elec_row, (char[]){(char)(m->elec_first_col[0] + (char)k), 0});
        if (e == NULL)
            goto out;
        t->elec[t->nelec++] = xstrdup(e);
    }
    t->countries = strmap_new();
    t->country_names = xcalloc(m->country_last - m->country_first + 1, sizeof *t->country_names);
    for (uint32_t r = m->country_first; r <= m->country_last; r++) {
        const char *code = text_at(&cl, &o->st, r, m->country_code_col);
        const char *name = text_at(&cl, &o->st, r, m->country_name_col);
        if (code == NULL || name == NULL)
            continue;
        t->country_names[t->ncountries] = xstrdup(name);
        strmap_put(t->countries, code, strlen(code), t->country_names[t->ncountries]);
        t->ncountries++;
    }
    t->cn = strmap_new();
    t->cn_cat = xcalloc(m->cn_last - m->cn_first + 1, sizeof *t->cn_cat);
    for (uint32_t r = m->cn_first; r <= m->cn_last; r++) {
        const char *key = text_at(&cn, &o->st, r, m->cn_key_col);
        const char *cat = text_at(&cn, &o->st, r, m->cn_cat_col);
        if (key == NULL || cat == NULL)
            continue;
        t->cn_cat[t->ncn] = xstrdup(cat);
        strmap_put(t->cn, key, strlen(key), t->cn_cat[t->ncn]);
        t->ncn++;
    }
    const char *od = text_ref(inst, &o->st, m->only_direct);
    if (od == NULL || od[0] == '\0')
        goto out;
    t->only_direct = xstrdup(od);
    ok = t->ngoods == m->goods_list_last - m->goods_list_first + 1 && t->nelec == m->elec_n &&
         t->ncountries > 200 && t->ncn > 500;
out:
    if (!ok)
        unsupported(
            o, "a changed template: its code lists (goods categories, electricity sources, countries, CN "
               "codes) are not those of version 2.1.1");
    sheetxml_free(&pc);
    sheetxml_free(&cl);
    sheetxml_free(&cn);
    return ok;
}

/* workbook.xml with calcPr fullCalcOnLoad="1": Excel recalculates every
 * formula from the values cbamcalc wrote when the file is opened. */
static bool set_full_calc(struct opening *o, template_doc *t, char *wb, size_t len)
{
    char *at = strstr(wb, "<calcPr");
    if (at == NULL || (at[7] != ' ' && at[7] != '/' && at[7] != '>') || strstr(at + 7, "<calcPr") != NULL)
        return unsupported(o, "a changed template: its workbook.xml has no single calcPr element");
    char *close = strchr(at, '>');
    char *old = strstr(at, "fullCalcOnLoad=");
    size_t pos = (size_t)(at + 7 - wb);
    if (close == NULL)
        return unsupported(o, "a changed template: its workbook.xml is damaged");
    if (old != NULL && old < close) {
        /* Already there: "1" (or "true") stays as it is; anything else is refused,
         * not guessed at (the template as published has none). */
        const char *v = old + strlen("fullCalcOnLoad=");
        if (strncmp(v, "\"1\"", 3) == 0 || strncmp(v, "\"true\"", 6) == 0) {
            t->workbook = xstrndup(wb, len);
            t->workbook_len = len;
            return true;
        }
        return unsupported(o, "a changed template: its workbook.xml turns recalculation on load off");
    }
    static const char attr[] = " fullCalcOnLoad=\"1\"";
    t->workbook_len = len + sizeof attr - 1;
    t->workbook = xmalloc(t->workbook_len + 1);
    memcpy(t->workbook, wb, pos);
    memcpy(t->workbook + pos, attr, sizeof attr - 1);
    memcpy(t->workbook + pos + sizeof attr - 1, wb + pos, len - pos);
    t->workbook[t->workbook_len] = '\0';
    return true;
}

enum cbam_err template_open(const char *path, template_doc **out, diag_list *dl)
{
    *out = NULL;
    /* A directory, FIFO or device is not a file to read (66, as for inputs). */
    if (outfile_check_input(path, dl) != CBAM_OK)
        return CBAM_ERR_NOINPUT;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "cannot open the template: %s", strerror(errno));
        return CBAM_ERR_NOINPUT;
    }
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    fclose(f);
    if (size < 0 || size > TPL_FILE_MAX) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is not the CBAM communication template: %s; expected the Commission's .xlsx file of about "
                 "1.3 MB",
                 size < 0 ? "its size cannot be read" : "it is larger than 64 MB");
        return CBAM_ERR_DATA;
    }
    /* Every part is checked (size, CRC) before any is read: the parts copied
     * raw into the output are the template's, and a damaged one would only
     * show when the output is read back. Parts are capped: no zip bomb. */
    char vwhy[300];
    if (!xlsxzip_verify_max(path, NULL, 0, XLSXPATCH_PART_MAX, vwhy, sizeof vwhy) ||
        !xlsxpatch_check_names(path, vwhy, sizeof vwhy)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is not a usable CBAM communication template: %s; expected the Commission's .xlsx file, as "
                 "downloaded",
                 vwhy);
        return CBAM_ERR_DATA;
    }
    struct opening o = {.path = path, .dl = dl};
    template_doc *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->map = &v211;
    char why[300];
    char *wb = NULL, *rels = NULL, *sst = NULL, *styles = NULL;
    size_t wb_len = 0, rels_len = 0, sst_len = 0, styles_len = 0;
    bool *unlocked = NULL;
    size_t nstyles = 0;
    bool missing = false;
    bool ok = false;
    if (!xlsxpatch_read(path, "xl/workbook.xml", &wb, &wb_len, &missing, why, sizeof why)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "is not the CBAM communication template: %s; expected the Commission's .xlsx file", why);
        goto done;
    }
    if (!xlsxpatch_read(path, "xl/_rels/workbook.xml.rels", &rels, &rels_len, NULL, why, sizeof why) ||
        !sheetxml_sheets(wb, wb_len, rels, rels_len, &o.sheets, &o.nsheets, why, sizeof why)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is not the CBAM communication template: %s", why);
        goto done;
    }
    for (size_t i = 0; i < sizeof v211.sheets / sizeof v211.sheets[0]; i++)
        if (part_of(&o, v211.sheets[i]) == NULL) {
            diag_add(
                dl, DIAG_ERROR, path, 0, 0,
                "is not the CBAM communication template for installations: it has no sheet %s (a workbook "
                "cbamcalc wrote is not the template; expected the Commission's file, version %s)",
                v211.sheets[i], v211.version);
            goto done;
        }
    if (!xlsxpatch_read(path, "xl/sharedStrings.xml", &sst, &sst_len, NULL, why, sizeof why) ||
        !sheetxml_strings(sst, sst_len, &o.st, why, sizeof why) ||
        !xlsxpatch_read(path, "xl/styles.xml", &styles, &styles_len, NULL, why, sizeof why) ||
        !sheetxml_unlocked_styles(styles, styles_len, &unlocked, &nstyles, why, sizeof why)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is not a readable CBAM communication template: %s", why);
        goto done;
    }
    if (!check_version(&o))
        goto done;
    for (int k = 0; k < ED__N; k++) {
        if (!load_sheet(&o, edited_sheets[k], k == ED_INST, &t->idx[k], &t->xml[k], &t->xml_len[k]))
            goto done;
        t->part[k] = xstrdup(part_of(&o, edited_sheets[k]));
    }
    ok = read_lists(&o, t) && check_inputs(&o, t, unlocked, nstyles) && set_full_calc(&o, t, wb, wb_len);
done:
    free(wb);
    free(rels);
    free(sst);
    free(styles);
    free(unlocked);
    sheetxml_sheets_free(o.sheets, o.nsheets);
    sheetxml_strtab_free(&o.st);
    if (!ok) {
        template_close(t);
        return CBAM_ERR_DATA;
    }
    *out = t;
    return CBAM_OK;
}

void template_close(template_doc *t)
{
    if (t == NULL)
        return;
    for (int k = 0; k < ED__N; k++) {
        free(t->xml[k]);
        free(t->part[k]);
        sheetxml_free(&t->idx[k]);
    }
    for (size_t i = 0; i < t->ngoods; i++)
        free(t->goods[i]);
    for (size_t i = 0; i < t->nelec; i++)
        free(t->elec[i]);
    for (size_t i = 0; i < t->ncountries; i++)
        free(t->country_names[i]);
    free(t->country_names);
    for (size_t i = 0; i < t->ncn; i++)
        free(t->cn_cat[i]);
    free(t->cn_cat);
    if (t->countries)
        strmap_free(t->countries);
    if (t->cn)
        strmap_free(t->cn);
    free(t->only_direct);
    free(t->workbook);
    free(t->path);
    free(t);
}

/* ---- --processes ---- */

struct proc_row {
    char *enterprise; /* NULL: every enterprise */
    char *product, *process;
    long line;
    bool has_direct;
    double direct_t; /* the process's directly attributable emissions, tCO2e, when given */
};

struct template_processes {
    char *path;
    struct proc_row *rows;
    size_t n, cap;
    strmap *index;       /* enterprise "\x1f" product -> row index + 1 (enterprise "" for every one) */
    strmap *enterprises; /* enterprises the file names */
    bool any_enterprise; /* a row without an enterprise: the file is about every enterprise */
    bool has_enterprise_column;
};

/* The key of a row: its enterprise ("" when none) and product, apart. */
static char *row_key(const char *ent, size_t le, const char *product, size_t lp, size_t *len)
{
    char *k = xmalloc(le + lp + 2);
    memcpy(k, ent, le);
    k[le] = '\x1f'; /* a control character: never in a field */
    memcpy(k + le + 1, product, lp);
    k[le + 1 + lp] = '\0';
    *len = le + 1 + lp;
    return k;
}

enum { PR_ENTERPRISE, PR_PRODUCT, PR_PROCESS, PR_DIRECT, PR__N };
static const char *const pr_ent_aliases[] = {"企业编号", "企业", "enterprise", NULL};
static const char *const pr_prod_aliases[] = {"产品编号", "product", NULL};
static const char *const pr_proc_aliases[] = {"工序", "生产工序", "production process", "process_name", NULL};
static const char *const pr_direct_aliases[] = {"direct_t_co2", "DirEm", "直接排放", NULL};
static const columns_spec pr_columns[PR__N] = {
    [PR_DIRECT] = {"direct_emissions_t_co2", false, pr_direct_aliases},
    [PR_ENTERPRISE] = {"enterprise_id", false, pr_ent_aliases},
    [PR_PRODUCT] = {"product_id", true, pr_prod_aliases},
    [PR_PROCESS] = {"process", true, pr_proc_aliases},
};

struct pr_ctx {
    template_processes *p;
    diag_list *dl;
    bool header_done;
    columns_result cols;
    bool bad;
};

static int pr_row(void *ud, const csvin_row *row)
{
    struct pr_ctx *c = ud;
    if (!c->header_done) {
        if (columns_map(pr_columns, PR__N, NULL, 0, row, c->p->path, c->dl, &c->cols) != CBAM_OK) {
            c->bad = true;
            c->header_done = true; /* a header, only not a usable one (reported) */
            return 1;
        }
        c->header_done = true;
        c->p->has_enterprise_column = c->cols.idx[PR_ENTERPRISE] >= 0;
        return 0;
    }
    size_t le, lp, lq;
    const char *e = columns_field(row, c->cols.idx[PR_ENTERPRISE], &le);
    const char *p = columns_field(row, c->cols.idx[PR_PRODUCT], &lp);
    const char *q = columns_field(row, c->cols.idx[PR_PROCESS], &lq);
    if (lp == 0 && lq == 0 && le == 0)
        return 0;
    if (lp == 0 || lq == 0) {
        diag_add(c->dl, DIAG_ERROR, c->p->path, row->line,
                 (lp == 0 ? c->cols.idx[PR_PRODUCT] : c->cols.idx[PR_PROCESS]) + 1,
                 "%s is empty; expected a product id and the name of its production process",
                 lp == 0 ? "product_id" : "process");
        c->bad = true;
        return 0;
    }
    size_t ld;
    const char *d = columns_field(row, c->cols.idx[PR_DIRECT], &ld);
    double direct = 0;
    if (ld > 0 && (parse_number(d, ld, &direct) != PARSE_OK || !(direct >= 0) || direct > 1e12)) {
        diag_add(c->dl, DIAG_ERROR, c->p->path, row->line, c->cols.idx[PR_DIRECT] + 1,
                 "direct_emissions_t_co2 \"%.*s\" is not a number of tonnes; expected the process's directly "
                 "attributable emissions in tCO2e (0 or more), or an empty cell when not known",
                 (int)utf8_cut(d, ld, 100), d);
        c->bad = true;
        return 0;
    }
    size_t klen;
    char *key = row_key(e, le, p, lp, &klen);
    uintptr_t seen = (uintptr_t)strmap_get(c->p->index, key, klen);
    if (seen != 0) {
        diag_add(c->dl, DIAG_ERROR, c->p->path, row->line, c->cols.idx[PR_PRODUCT] + 1,
                 "product %s is already given a process at line %ld; expected each product once", p,
                 c->p->rows[seen - 1].line);
        free(key);
        c->bad = true;
        return 0;
    }
    if (c->p->n == c->p->cap) {
        c->p->cap = c->p->cap ? c->p->cap * 2 : 64;
        c->p->rows = xreallocarray(c->p->rows, c->p->cap, sizeof *c->p->rows);
    }
    c->p->rows[c->p->n++] = (struct proc_row){
        le ? xstrndup(e, le) : NULL, xstrndup(p, lp), xstrndup(q, lq), row->line, ld > 0, direct};
    strmap_put(c->p->index, key, klen, (void *)(uintptr_t)c->p->n);
    free(key);
    if (le > 0)
        strmap_put(c->p->enterprises, e, le, (void *)1);
    else
        c->p->any_enterprise = true;
    return 0;
}

enum cbam_err template_processes_load(const char *path, template_processes **out, diag_list *dl)
{
    template_processes *p = xcalloc(1, sizeof *p);
    p->path = xstrdup(path);
    p->index = strmap_new();
    p->enterprises = strmap_new();
    struct pr_ctx c = {.p = p, .dl = dl};
    enum cbam_err err = csvin_read_file(path, path, NULL, pr_row, &c, dl, NULL);
    if (err == CBAM_OK && (c.bad || !c.header_done)) {
        if (!c.header_done)
            diag_add(dl, DIAG_ERROR, path, 0, 0, "is empty; expected a header product_id,process");
        err = CBAM_ERR_DATA;
    }
    if (err != CBAM_OK) {
        template_processes_free(p);
        *out = NULL;
        return err;
    }
    *out = p;
    return CBAM_OK;
}

void template_processes_free(template_processes *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].enterprise);
        free(p->rows[i].product);
        free(p->rows[i].process);
    }
    free(p->rows);
    free(p->path);
    strmap_free(p->index);
    strmap_free(p->enterprises);
    free(p);
}

/* ---- the plan for one enterprise ---- */

struct plan_process {
    char *name;
    size_t *members; /* product indexes (CBAM goods or not) */
    size_t nmembers, members_cap;
    const char *cats[TPL_INCLUDED + 1]; /* [0] the process's category, then the others it covers */
    size_t ncats;
    double t, mwh, t_co2;
    const char *code; /* NULL when it has no electricity */
    bool route;       /* a category whose production the template splits by route */
    bool has_direct;  /* directly attributable emissions given in the --processes file */
    double direct_t;
    long direct_line;
};

struct plan_good {
    size_t product, process;
};

struct template_plan {
    const template_doc *t;
    const alloc_enterprise *ae;
    struct plan_process
        proc[TPL_PROC_BUILD]; /* the template's 10 count once those without a good are dropped */
    size_t nproc;
    struct plan_good goods[TPL_GOODS];
    size_t ngoods;
    const char *cats[TPL_CATEGORIES];
    size_t ncats;
    const char *site[LEDGER_SITE__COUNT + 4];
    char **left_out; /* product ids */
    char **left_why; /* and why each is left out */
    size_t nleft;
    char **todo;
    size_t ntodo;
};

static void push_str(char ***list, size_t *n, const char *s)
{
    *list = xreallocarray(*list, *n + 1, sizeof **list);
    (*list)[(*n)++] = xstrdup(s);
}

static void leave_out(template_plan *p, const char *id, const char *why)
{
    size_t n = p->nleft;
    push_str(&p->left_why, &n, why);
    push_str(&p->left_out, &p->nleft, id);
}

static void todo(template_plan *p, diag_list *dl, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void todo(template_plan *p, diag_list *dl, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(buf, n > 0 ? (size_t)n + 1 : 1, fmt, ap2);
    va_end(ap2);
    push_str(&p->todo, &p->ntodo, buf);
    diag_add_ent(dl, DIAG_NOTE, p->ae->e->id, "official template, to complete by hand: %s", buf);
    free(buf);
}

static const char *template_category(const template_doc *t, const char *cn8, bool *route)
{
    *route = false;
    if (cn8 == NULL)
        return NULL;
    const char *cat = strmap_get(t->cn, cn8, strlen(cn8));
    if (cat == NULL)
        return NULL;
    for (size_t g = 0; g < t->ngoods; g++)
        if (strcmp(t->goods[g], cat) == 0) {
            *route = t->goods_route[g];
            return t->goods[g];
        }
    return NULL;
}

static const char *product_label(const ledger_product *p)
{
    return p->name != NULL && p->name[0] != '\0' ? p->name : p->id;
}

/* The process a product belongs to under the --processes file: NULL when
 * the file says nothing about this enterprise's products. */
static const struct proc_row *mapped(const template_processes *pr, const char *ent, const char *product)
{
    if (pr == NULL)
        return NULL;
    const char *ents[2] = {ent, ""}; /* this enterprise's row first, then one for every enterprise */
    for (int k = 0; k < 2; k++) {
        size_t klen;
        char *key = row_key(ents[k], strlen(ents[k]), product, strlen(product), &klen);
        uintptr_t i = (uintptr_t)strmap_get(pr->index, key, klen);
        free(key);
        if (i != 0)
            return &pr->rows[i - 1];
    }
    return NULL;
}

static bool file_names_enterprise(const template_processes *pr, const char *ent)
{
    return pr != NULL && (pr->any_enterprise || strmap_get(pr->enterprises, ent, strlen(ent)) != NULL);
}

/* The template finds a process by its name with MATCH and COUNTIF, which
 * ignore letter case and read * ? ~ as wildcards: names that differ only in
 * case are one process there, and a wildcard matches another's name. */
static bool has_wildcard(const char *s)
{
    return strpbrk(s, "*?~") != NULL;
}

/* A product's text as a process name: the wildcards, and a leading
 * comparison sign, replaced by '_'. */
static char *without_wildcards(const char *s)
{
    char *c = xstrdup(s);
    for (char *q = c; (q = strpbrk(q, "*?~")) != NULL; q++)
        *q = '_';
    if (c[0] == '=' || c[0] == '<' || c[0] == '>')
        c[0] = '_';
    return c;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Whether two names are one to the template's MATCH and COUNTIF, which
 * ignore letter case (not only ASCII's: É and é are one letter there). */
static bool same_to_excel(const char *a, const char *b)
{
    if (strcasecmp(a, b) == 0)
        return true;
    char *fa = utf8_fold_case(a), *fb = utf8_fold_case(b);
    bool same = strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

/* Whether a process of p is called name, letter case aside. */
static bool name_taken(const template_plan *p, const char *name)
{
    for (size_t i = 0; i < p->nproc; i++)
        if (same_to_excel(p->proc[i].name, name))
            return true;
    return false;
}

static void too_many_processes(const template_plan *p, const template_processes *pr, diag_list *dl)
{
    if (file_names_enterprise(pr, p->ae->e->id))
        diag_add(dl, DIAG_ERROR, pr->path, 0, 0,
                 "gives enterprise %s more than the %d production processes the official template holds; "
                 "expected at most %d process names for its goods",
                 p->ae->e->id, TPL_PROCESSES, TPL_PROCESSES);
    else
        diag_add_ent(dl, DIAG_ERROR, p->ae->e->id,
                     "enterprise %s: the official template holds %d production processes, and its goods "
                     "need more; group them with --processes FILE (columns product_id, process)",
                     p->ae->e->id, TPL_PROCESSES);
}

/* Why a name from a --processes file cannot be a process name of the
 * template, or NULL when it can. */
static const char *name_problem(const char *name)
{
    if (has_wildcard(name))
        return "holds * ? or ~, which the template's formulas read as wildcards (one process's name would "
               "match another's)";
    if (name[0] == '=' || name[0] == '<' || name[0] == '>')
        return "starts with = < or >, which the template's COUNTIF reads as a comparison";
    if (utf8_chars(name) > TPL_NAME_MAX)
        return "is longer than 200 characters (the template's MATCH takes at most 255)";
    return NULL;
}

static struct plan_process *process_named(template_plan *p, const template_processes *pr, const char *name,
                                          diag_list *dl, bool *full)
{
    for (size_t i = 0; i < p->nproc; i++) {
        if (strcmp(p->proc[i].name, name) == 0)
            return &p->proc[i];
        if (same_to_excel(p->proc[i].name, name)) {
            diag_add_ent(
                dl, DIAG_ERROR, p->ae->e->id,
                "enterprise %s: processes \"%s\" and \"%s\" differ only in letter case; the template's "
                "formulas would read them as one process: expected one spelling",
                p->ae->e->id, p->proc[i].name, name);
            return NULL;
        }
    }
    if (p->nproc == TPL_PROC_BUILD) {
        if (!*full)
            too_many_processes(p, pr, dl);
        *full = true;
        return NULL;
    }
    struct plan_process *q = &p->proc[p->nproc++];
    memset(q, 0, sizeof *q);
    q->name = xstrdup(name);
    return q;
}

/* The process name of product i when no --processes file groups them: its
 * name (its id when the name is too long), with its id when another
 * product's name reads the same to the template, and a number when even
 * that is taken (a product may be called like another's "name (id)").
 * NULL when no name fits the template's 200 characters. */
static char *default_name(const template_plan *p, size_t i)
{
    const alloc_enterprise *ae = p->ae;
    const ledger_product *lp = ae->products[i].p;
    char *label = without_wildcards(product_label(lp));
    char *id = without_wildcards(lp->id);
    if (utf8_chars(label) > TPL_NAME_MAX) {
        free(label);
        label = xstrdup(id);
    }
    bool shared = false;
    for (size_t j = 0; j < ae->nproducts && !shared; j++) {
        if (j == i)
            continue;
        char *other = without_wildcards(product_label(ae->products[j].p));
        shared = same_to_excel(other, label);
        free(other);
    }
    size_t n = strlen(label) + strlen(id) + 32;
    char *name = xmalloc(n);
    if (shared && !same_to_excel(label, id))
        snprintf(name, n, "%s (%s)", label, id);
    else
        snprintf(name, n, "%s", label);
    for (unsigned k = 2; name_taken(p, name); k++) {
        if (shared && !same_to_excel(label, id))
            snprintf(name, n, "%s (%s) #%u", label, id, k);
        else
            snprintf(name, n, "%s #%u", label, k);
    }
    free(label);
    free(id);
    if (utf8_chars(name) > TPL_NAME_MAX) {
        free(name);
        return NULL;
    }
    return name;
}

enum cbam_err template_plan_make(const template_doc *t, const template_processes *pr,
                                 const alloc_enterprise *ae, template_plan **out, diag_list *dl)
{
    template_plan *p = xcalloc(1, sizeof *p);
    p->t = t;
    p->ae = ae;
    *out = NULL;
    const char *ent = ae->e->id;
    bool by_file = file_names_enterprise(pr, ent);
    bool full = false;
    enum cbam_err err = CBAM_OK;

    /* Default process names: the product's name, with its id when two
     * products share a name (the template wants the names unique). */
    for (size_t k = 0; k < ae->nproducts && err == CBAM_OK; k++) {
        size_t i = ae->product_order[k];
        const alloc_product *ap = &ae->products[i];
        const ledger_product *lp = ap->p;
        bool route = false;
        const char *cat = template_category(t, lp->cn_code, &route);
        char *name = NULL;
        const struct proc_row *row = NULL;
        const char *no_cbam =
            lp->cn_code == NULL ? "no CN code" : "its CN code is not a CBAM good of the template";
        if (by_file) {
            const struct proc_row *r = mapped(pr, ent, lp->id);
            if (r == NULL && cat == NULL) {
                leave_out(p, lp->id, no_cbam); /* not a CBAM good, and in no process: nothing to write */
                continue;
            }
            if (r == NULL) {
                if (pr->has_enterprise_column)
                    diag_add_ent(
                        dl, DIAG_ERROR, ent,
                        "enterprise %s: product %s is in no production process of %s; expected a row "
                        "for it (enterprise_id %s, product_id %s, process)",
                        ent, lp->id, pr->path, ent, lp->id);
                else
                    diag_add_ent(
                        dl, DIAG_ERROR, ent,
                        "enterprise %s: product %s is in no production process of %s; expected a row "
                        "%s,PROCESS NAME",
                        ent, lp->id, pr->path, lp->id);
                err = CBAM_ERR_DATA;
                break;
            }
            name = xstrdup(r->process);
            row = r;
        } else {
            if (cat == NULL) {
                leave_out(p, lp->id, no_cbam);
                continue;
            }
            name = default_name(p, i);
            if (name == NULL) {
                diag_add_ent(
                    dl, DIAG_ERROR, ent,
                    "enterprise %s: product %s has a name and an id too long for a process name of the "
                    "template (200 characters); expected a shorter id, or a --processes file",
                    ent, lp->id);
                err = CBAM_ERR_DATA;
                break;
            }
        }
        const char *problem = by_file ? name_problem(name) : NULL;
        if (problem != NULL) {
            diag_add(dl, DIAG_ERROR, pr->path, row->line, 0, "process \"%.*s\" %s; expected another name",
                     (int)utf8_cut(name, strlen(name), 300), name, problem);
            free(name);
            err = CBAM_ERR_DATA;
            break;
        }
        struct plan_process *q = process_named(p, pr, name, dl, &full);
        free(name); /* q->name from here on */
        if (q == NULL) {
            err = CBAM_ERR_DATA;
            break;
        }
        if (row != NULL && row->has_direct) {
            if (q->has_direct && q->direct_t != row->direct_t) {
                diag_add(dl, DIAG_ERROR, pr->path, row->line, 0,
                         "process %s of enterprise %s is given direct emissions of %.17g t here and %.17g t "
                         "at line "
                         "%ld; expected the process's value once (or the same on each of its rows)",
                         q->name, ent, row->direct_t, q->direct_t, q->direct_line);
                err = CBAM_ERR_DATA;
                break;
            }
            q->has_direct = true;
            q->direct_t = row->direct_t;
            q->direct_line = row->line;
        }
        if (q->nmembers == q->members_cap) {
            q->members_cap = q->members_cap ? q->members_cap * 2 : 4;
            q->members = xreallocarray(q->members, q->members_cap, sizeof *q->members);
        }
        q->members[q->nmembers++] = i;
        q->t += ap->quantity_see_t;
        q->mwh += ap->kwh / 1000.0;
        q->t_co2 += ap->em.cbam;
        if (ap->kwh > 0)
            q->code = q->code == NULL || strcmp(q->code, ap->cbam_code) == 0 ? ap->cbam_code : "Mix";
        if (cat == NULL) {
            if (by_file) {
                char why[800];
                snprintf(why, sizeof why, "%s; its electricity and production stay in process %.*s", no_cbam,
                         (int)utf8_cut(q->name, strlen(q->name), 600), q->name);
                leave_out(p, lp->id, why);
            }
            continue;
        }
        bool have = false;
        for (size_t c = 0; c < q->ncats; c++)
            have = have || q->cats[c] == cat;
        if (!have) {
            if (q->ncats == TPL_INCLUDED + 1) {
                diag_add_ent(dl, DIAG_ERROR, ent,
                             "enterprise %s: process %s covers more than %d goods categories", ent, q->name,
                             TPL_INCLUDED + 1);
                err = CBAM_ERR_DATA;
                break;
            }
            q->cats[q->ncats++] = cat;
        }
        q->route = q->route || route;
        if (p->ngoods == TPL_GOODS) {
            size_t goods = 0;
            for (size_t j = 0; j < ae->nproducts; j++) {
                bool r;
                goods += template_category(t, ae->products[j].p->cn_code, &r) != NULL;
            }
            diag_add_ent(
                dl, DIAG_ERROR, ent,
                "enterprise %s: the official template holds %d goods; this enterprise has %zu CBAM goods",
                ent, TPL_GOODS, goods);
            err = CBAM_ERR_DATA;
            break;
        }
        p->goods[p->ngoods++] = (struct plan_good){i, (size_t)(q - p->proc)};
        have = false;
        for (size_t c = 0; c < p->ncats; c++)
            have = have || p->cats[c] == cat;
        if (!have) {
            if (p->ncats == TPL_CATEGORIES) {
                diag_add_ent(dl, DIAG_ERROR, ent,
                             "enterprise %s: the official template holds %d goods categories", ent,
                             TPL_CATEGORIES);
                err = CBAM_ERR_DATA;
                break;
            }
            p->cats[p->ncats++] = cat;
        }
    }
    if (err == CBAM_OK && pr != NULL && by_file)
        for (size_t i = 0; i < pr->n; i++) {
            const struct proc_row *r = &pr->rows[i];
            if ((r->enterprise == NULL || strcmp(r->enterprise, ent) == 0) &&
                strmap_get(ae->e->product_index, r->product, strlen(r->product)) == NULL)
                diag_add(dl, DIAG_WARNING, pr->path, r->line, 0,
                         "product %s has no production of enterprise %s in the period; the row is not used",
                         r->product, ent);
        }
    /* Processes that hold no CBAM good have no category the template knows. */
    for (size_t i = 0; err == CBAM_OK && i < p->nproc; i++)
        if (p->proc[i].ncats == 0) {
            diag_add_ent(
                dl, DIAG_WARNING, ent,
                "enterprise %s: process %s holds no CBAM good; it is not written to the official template",
                ent, p->proc[i].name);
            /* Its products' reasons no longer hold: the process is not written. */
            for (size_t k = 0; k < p->proc[i].nmembers; k++) {
                const char *id = ae->products[p->proc[i].members[k]].p->id;
                for (size_t g = 0; g < p->nleft; g++)
                    if (strcmp(p->left_out[g], id) == 0) {
                        const ledger_product *mp = ae->products[p->proc[i].members[k]].p;
                        char why[800];
                        snprintf(why, sizeof why, "%s, nor is any product of its process %.*s",
                                 mp->cn_code == NULL ? "it has no CN code"
                                                     : "its CN code is not a CBAM good of the template",
                                 (int)utf8_cut(p->proc[i].name, strlen(p->proc[i].name), 600),
                                 p->proc[i].name);
                        free(p->left_why[g]);
                        p->left_why[g] = xstrdup(why);
                    }
            }
            free(p->proc[i].name);
            free(p->proc[i].members);
            memmove(&p->proc[i], &p->proc[i + 1], (p->nproc - i - 1) * sizeof p->proc[0]);
            for (size_t g = 0; g < p->ngoods; g++)
                if (p->goods[g].process > i)
                    p->goods[g].process--;
            p->nproc--;
            i--;
        }
    if (err == CBAM_OK && p->nproc > TPL_PROCESSES) {
        too_many_processes(p, pr, dl);
        err = CBAM_ERR_DATA;
    }
    if (err == CBAM_OK && p->nproc == 0) {
        diag_add_ent(
            dl, DIAG_ERROR, ent,
            "enterprise %s has no CBAM good with a CN code the official template lists; there is nothing "
            "to fill in (give each product its 8-digit CN code in the production file)",
            ent);
        err = CBAM_ERR_DATA;
    }
    if (err != CBAM_OK) {
        template_plan_free(p);
        return err;
    }
    for (size_t i = 0; i < p->nleft; i++)
        diag_add_ent(dl, DIAG_NOTE, ent, "official template: product %s is left out of its goods list (%s)",
                     p->left_out[i], p->left_why[i]);
    for (size_t i = 0; i < p->nproc; i++) {
        struct plan_process *q = &p->proc[i];
        size_t outside = 0;
        for (size_t k = 0; k < q->nmembers; k++) {
            bool r;
            outside += template_category(t, ae->products[q->members[k]].p->cn_code, &r) == NULL;
        }
        if (outside > 0)
            diag_add_ent(
                dl, DIAG_WARNING, ent,
                "official template: process %s holds %zu product%s outside CBAM; their tonnes and "
                "electricity count in the process, so the template's specific emissions of its goods are "
                "the average over all its products and differ from each good's own in this report",
                q->name, outside, outside == 1 ? "" : "s");
        else if (q->nmembers > 1)
            diag_add_ent(
                dl, DIAG_NOTE, ent,
                "official template: process %s holds %zu products; the template gives each of its goods "
                "the process's average specific emissions",
                q->name, q->nmembers);
        bool known = q->code == NULL;
        for (size_t k = 0; k < t->nelec && !known; k++)
            known = strcmp(t->elec[k], q->code) == 0;
        if (!known) {
            diag_add_ent(
                dl, DIAG_ERROR, ent,
                "official template: process %s has the electricity source code %s, which the template's "
                "list does not hold; this is a bug, please report it",
                q->name, q->code);
            template_plan_free(p);
            return CBAM_ERR_INTERNAL;
        }
        if (q->route)
            diag_add_ent(
                dl, DIAG_WARNING, ent,
                "official template: process %s makes %s, whose production the template splits by "
                "production route; its production level is left empty for you to enter per route (%.17g t "
                "in all)",
                q->name, q->cats[0], q->t);
        else if (!(q->t > 0))
            diag_add_ent(dl, DIAG_WARNING, ent,
                         "official template: process %s has no production in months with electricity; its "
                         "production level is left empty",
                         q->name);
        if (q->code == NULL)
            diag_add_ent(dl, DIAG_WARNING, ent,
                         "official template: process %s has no electricity; its electricity is left empty",
                         q->name);
    }
    /* What cbamcalc cannot know stays empty, and is named. */
    const ledger_enterprise *e = ae->e;
    for (size_t i = 0; i < sizeof v211.site / sizeof v211.site[0]; i++) {
        const struct site_cell *sc = &v211.site[i];
        const char *v = NULL;
        if (sc->field == SITE_NAME)
            v = e->name;
        else if (sc->field == SITE_NAME_EN)
            v = e->name_en;
        else if (sc->field == SITE_ADDRESS)
            v = e->address;
        else if (sc->field == SITE_COUNTRY) {
            v = strmap_get(t->countries, e->country, strlen(e->country));
        } else
            v = e->site[sc->field];
        p->site[i] = v;
        if (v == NULL && sc->field != SITE_NAME)
            todo(p, dl, "A_InstData %s: %s", sc->ref, sc->what);
    }
    todo(p, dl, "D_Processes (f) of every process: whether measurable heat and waste gases apply");
    for (size_t i = 0; i < p->nproc; i++)
        if (!p->proc[i].has_direct)
            todo(p, dl,
                 "D_Processes (g) of process %s: its directly attributable emissions (cbamcalc computes "
                 "electricity only and never enters them as 0; give them in the --processes file's "
                 "direct_emissions_t_co2 column)",
                 p->proc[i].name);
    todo(p, dl,
         "D_Processes (b) of every process: 'produced for the market' is entered as the whole production; "
         "lower it if part is consumed in another process of the installation");
    todo(p, dl,
         "B_EmInst and C_Emissions&Energy: fuels, source streams and direct emissions of the installation, "
         "fuel balance and data quality");
    todo(p, dl,
         "Summary_Products: qualifying parameters and carbon price due, where they apply; E_PurchPrec: "
         "purchased precursors, if any");
    *out = p;
    return CBAM_OK;
}

void template_plan_free(template_plan *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nproc; i++) {
        free(p->proc[i].name);
        free(p->proc[i].members);
    }
    for (size_t i = 0; i < p->nleft; i++) {
        free(p->left_out[i]);
        free(p->left_why[i]);
    }
    free(p->left_out);
    free(p->left_why);
    for (size_t i = 0; i < p->ntodo; i++)
        free(p->todo[i]);
    free(p->todo);
    free(p);
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *template_plan_json(const template_plan *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "version", json_string(p->t->map->version));
    json_t *procs = json_array();
    for (size_t i = 0; i < p->nproc; i++) {
        const struct plan_process *q = &p->proc[i];
        json_t *j = json_object();
        json_object_set_new(j, "name", json_string(q->name));
        json_object_set_new(j, "category", json_string(q->cats[0]));
        json_t *members = json_array();
        for (size_t k = 0; k < q->nmembers; k++)
            json_array_append_new(members, json_string(p->ae->products[q->members[k]].p->id));
        json_object_set_new(j, "products", members);
        json_object_set_new(j, "production_t", q->route || !(q->t > 0) ? json_null() : jnum(q->t));
        json_object_set_new(j, "electricity_mwh", q->code ? jnum(q->mwh) : json_null());
        json_object_set_new(j, "ef_t_co2_per_mwh",
                            q->code && q->mwh > 0 ? jnum(q->t_co2 / q->mwh) : json_null());
        json_object_set_new(j, "ef_source_code", q->code ? json_string(q->code) : json_null());
        json_object_set_new(j, "direct_emissions_t_co2", q->has_direct ? jnum(q->direct_t) : json_null());
        json_array_append_new(procs, j);
    }
    json_object_set_new(o, "processes", procs);
    json_t *left = json_array();
    for (size_t i = 0; i < p->nleft; i++) {
        json_t *g = json_object();
        json_object_set_new(g, "product_id", json_string(p->left_out[i]));
        json_object_set_new(g, "reason", json_string(p->left_why[i]));
        json_array_append_new(left, g);
    }
    json_object_set_new(o, "goods_left_out", left);
    json_t *todo_a = json_array();
    for (size_t i = 0; i < p->ntodo; i++)
        json_array_append_new(todo_a, json_string(p->todo[i]));
    json_object_set_new(o, "to_complete", todo_a);
    return o;
}

/* ---- filling ---- */

struct edits {
    sheetxml_edit *e;
    size_t n, cap;
};

static void edit(struct edits *x, uint32_t row, const char *col, enum sheetxml_kind kind, double number,
                 const char *text)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->e = xreallocarray(x->e, x->cap, sizeof *x->e);
    }
    x->e[x->n++] = (sheetxml_edit){row, col_of(col), kind, number, text};
}

static void edit_ref(struct edits *x, const char *ref, enum sheetxml_kind kind, double number,
                     const char *text)
{
    uint32_t r, c;
    if (sheetxml_ref(ref, &r, &c)) {
        char letters[8] = {0};
        size_t n = 0;
        while (ref[n] >= 'A' && ref[n] <= 'Z' && n < sizeof letters - 1) {
            letters[n] = ref[n];
            n++;
        }
        edit(x, r, letters, kind, number, text);
    }
}

static double excel_day(int64_t days_since_1970)
{
    return (double)(days_since_1970 + 25569);
}

enum cbam_err template_fill(const template_doc *t, const template_plan *p, const char *path, diag_list *dl)
{
    const struct tpl_map *m = t->map;
    const alloc_enterprise *ae = p->ae;
    struct edits x[ED__N] = {{0}};
    /* A_InstData: period, installation, goods categories, processes. */
    edit_ref(&x[ED_INST], m->period_start, SHEETXML_NUMBER, excel_day(period_first_day(ae->from_ord)), NULL);
    edit_ref(&x[ED_INST], m->period_end, SHEETXML_NUMBER, excel_day(period_first_day(ae->to_ord + 1) - 1),
             NULL);
    for (size_t i = 0; i < sizeof m->site / sizeof m->site[0]; i++) {
        const char *v = p->site[i];
        if (v == NULL)
            continue;
        double d;
        /* Coordinates are numbers in the template (checked when read). */
        if ((m->site[i].field == LEDGER_SITE_LATITUDE || m->site[i].field == LEDGER_SITE_LONGITUDE) &&
            parse_number(v, strlen(v), &d) == PARSE_OK) {
            edit_ref(&x[ED_INST], m->site[i].ref, SHEETXML_NUMBER, d, NULL);
            continue;
        }
        edit_ref(&x[ED_INST], m->site[i].ref, SHEETXML_TEXT, 0, v);
    }
    for (size_t c = 0; c < p->ncats; c++)
        edit(&x[ED_INST], m->goods_row + (uint32_t)c, m->goods_col, SHEETXML_TEXT, 0, p->cats[c]);
    for (size_t i = 0; i < p->nproc; i++) {
        const struct plan_process *q = &p->proc[i];
        uint32_t row = m->proc_row + (uint32_t)i;
        edit(&x[ED_INST], row, m->proc_cat_col, SHEETXML_TEXT, 0, q->cats[0]);
        edit(&x[ED_INST], row, m->proc_name_col, SHEETXML_TEXT, 0, q->name);
        if (q->ncats == 1)
            edit(&x[ED_INST], row, m->proc_incl_cols[0], SHEETXML_TEXT, 0, t->only_direct);
        for (size_t c = 1; c < q->ncats; c++)
            edit(&x[ED_INST], row, m->proc_incl_cols[c - 1], SHEETXML_TEXT, 0, q->cats[c]);
        /* D_Processes: production, market, electricity. */
        uint32_t b = m->d_first + m->d_stride * (uint32_t)i;
        if (!q->route && q->t > 0) {
            edit(&x[ED_PROC], b + m->d_production, m->d_col, SHEETXML_NUMBER, q->t, NULL);
            edit(&x[ED_PROC], b + m->d_market, m->d_col, SHEETXML_NUMBER, q->t, NULL);
        }
        if (q->has_direct)
            edit(&x[ED_PROC], b + m->d_direct, m->d_col, SHEETXML_NUMBER, q->direct_t, NULL);
        if (q->code != NULL && q->mwh > 0) {
            edit(&x[ED_PROC], b + m->d_mwh, m->d_col, SHEETXML_NUMBER, q->mwh, NULL);
            edit(&x[ED_PROC], b + m->d_ef, m->d_col, SHEETXML_NUMBER, q->t_co2 / q->mwh, NULL);
            edit(&x[ED_PROC], b + m->d_code, m->d_col, SHEETXML_TEXT, 0, q->code);
        }
    }
    /* Summary_Products: one row per good. */
    for (size_t g = 0; g < p->ngoods; g++) {
        const ledger_product *lp = ae->products[p->goods[g].product].p;
        uint32_t row = m->sp_row + (uint32_t)g;
        edit(&x[ED_PROD], row, m->sp_proc_col, SHEETXML_TEXT, 0, p->proc[p->goods[g].process].name);
        edit(&x[ED_PROD], row, m->sp_cn_col, SHEETXML_TEXT, 0, lp->cn_code);
        edit(&x[ED_PROD], row, m->sp_name_col, SHEETXML_TEXT, 0, product_label(lp));
    }
    /* C_Emissions&Energy: the installation's indirect emissions. */
    edit_ref(&x[ED_EM], m->em_indirect, SHEETXML_NUMBER, ae->em.cbam, NULL);

    enum cbam_err err = CBAM_OK;
    char *out[ED__N] = {0};
    size_t out_len[ED__N] = {0};
    char why[300];
    for (int k = 0; k < ED__N && err == CBAM_OK; k++) {
        out[k] = sheetxml_splice(t->xml[k], t->xml_len[k], &t->idx[k], x[k].e, x[k].n, &out_len[k], why,
                                 sizeof why);
        /* What Excel will parse is parsed first: a part that is not
         * well-formed is never written. */
        if (out[k] != NULL && !sheetxml_well_formed(out[k], out_len[k], why, sizeof why)) {
            free(out[k]);
            out[k] = NULL;
        }
        if (out[k] == NULL) {
            diag_add_ent(dl, DIAG_ERROR, ae->e->id, "enterprise %s: filling the template failed: %s",
                         ae->e->id, why);
            err = CBAM_ERR_INTERNAL;
        }
    }
    if (err == CBAM_OK) {
        xlsxpatch_part parts[ED__N + 1];
        for (int k = 0; k < ED__N; k++)
            parts[k] = (xlsxpatch_part){t->part[k], out[k], out_len[k]};
        parts[ED__N] = (xlsxpatch_part){"xl/workbook.xml", t->workbook, t->workbook_len};
        const char *required[ED__N + 1];
        for (int k = 0; k <= ED__N; k++)
            required[k] = parts[k].name;
        if (!xlsxpatch_write(t->path, path, parts, ED__N + 1, why, sizeof why) ||
            !xlsxzip_verify(path, required, ED__N + 1, why, sizeof why)) {
            diag_add(dl, DIAG_ERROR, path, 0, 0, "writing the filled template failed: %s", why);
            err = CBAM_ERR_CANTCREAT;
        }
    }
    for (int k = 0; k < ED__N; k++) {
        free(out[k]);
        free(x[k].e);
    }
    return err;
}
