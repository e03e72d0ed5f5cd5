/* cbamcost.c - CBAM certificates and their cost per good (cbamcost.h): the
 * compiled-in CBAM factor schedule, the user's benchmarks and direct
 * emissions, and the price of each good of an enterprise. */
#include "config.h"
#include "cbamcost.h"
#include "allocate.h"
#include "cbamgoods.h"
#include "columns.h"
#include "embedded.h"
#include "parse.h"
#include "strmap.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PHASE_FILE "factors/cbam-phase-in.csv"
#define PHASE_MAX  64
/* A specific emission above this is a unit slip (kg for t): the highest
 * CBAM goods' benchmarks and defaults are a few tCO2 per tonne. */
#define CBAMCOST_T_PER_T_MAX 50.0

struct cbamcost_db {
    cbamcost_phase phases[PHASE_MAX]; /* by year, consecutive */
    size_t nphases;
    bool builtin_loaded;
    cbamcost_benchmark *bm;
    size_t nbm, capbm;
    strmap *bm_index; /* digits -> index + 1 */
    cbamcost_direct *direct;
    size_t ndirect, capdirect;
    strmap *direct_index; /* enterprise "\x1f" product -> index + 1 */
};

cbamcost_db *cbamcost_db_new(void)
{
    cbamcost_db *db = xcalloc(1, sizeof *db);
    db->bm_index = strmap_new();
    db->direct_index = strmap_new();
    return db;
}

void cbamcost_db_free(cbamcost_db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->nphases; i++) {
        cbamcost_phase *p = &db->phases[i];
        free((char *)p->source);
        free((char *)p->url);
        free((char *)p->status);
        free((char *)p->note);
        free((char *)p->note_zh);
    }
    for (size_t i = 0; i < db->nbm; i++) {
        free((char *)db->bm[i].source);
        free((char *)db->bm[i].file);
    }
    free(db->bm);
    for (size_t i = 0; i < db->ndirect; i++) {
        free((char *)db->direct[i].enterprise);
        free((char *)db->direct[i].product);
        free((char *)db->direct[i].source);
        free((char *)db->direct[i].file);
    }
    free(db->direct);
    strmap_free(db->bm_index);
    strmap_free(db->direct_index);
    free(db);
}

static char *field_dup(const csvin_row *row, int i)
{
    size_t len;
    const char *s = columns_field(row, i, &len);
    parse_trim(&s, &len);
    return xstrndup(s, len);
}

/* ---- the schedule (factors/cbam-phase-in.csv) ---- */

enum { PH_YEAR, PH_FACTOR, PH_SOURCE, PH_URL, PH_STATUS, PH_NOTE, PH_NOTE_ZH, PH__N };
static const columns_spec phase_columns[PH__N] = {
    [PH_YEAR] = {"year", true},     [PH_FACTOR] = {"cbam_factor", true}, [PH_SOURCE] = {"source", true},
    [PH_URL] = {"url", false},      [PH_STATUS] = {"status", true},      [PH_NOTE] = {"note", false},
    [PH_NOTE_ZH] = {"note_zh", false},
};

struct phase_ctx {
    cbamcost_db *db;
    diag_list *dl;
    bool have_header;
    columns_result cols;
    bool bad;
};

static int on_phase_row(void *vc, const csvin_row *row)
{
    struct phase_ctx *c = vc;
    if (!c->have_header) {
        c->have_header = true;
        if (columns_map(phase_columns, PH__N, NULL, 0, row, PHASE_FILE, c->dl, &c->cols) != CBAM_OK) {
            c->bad = true;
            return 1;
        }
        return 0;
    }
    size_t ly, lf;
    const char *y = columns_field(row, c->cols.idx[PH_YEAR], &ly);
    const char *f = columns_field(row, c->cols.idx[PH_FACTOR], &lf);
    long year;
    double fval;
    bool ok = parse_int(y, ly, CBAMCOST_FIRST_YEAR, PERIOD_YEAR_MAX, &year) == PARSE_OK &&
              parse_number(f, lf, &fval) == PARSE_OK && fval >= 0 && fval <= 1 && c->db->nphases < PHASE_MAX;
    /* Consecutive years from 2026: cbamcost_phase_of indexes by year. */
    if (ok)
        ok = year == CBAMCOST_FIRST_YEAR + (long)c->db->nphases;
    /* Free allocation only falls: a rising factor is a typing error. */
    if (ok && c->db->nphases > 0)
        ok = fval <= c->db->phases[c->db->nphases - 1].factor;
    if (!ok) {
        diag_add(c->dl, DIAG_ERROR, PHASE_FILE, row->line, 0,
                 "expected consecutive years from %d with a falling cbam_factor between 0 and 1",
                 CBAMCOST_FIRST_YEAR);
        c->bad = true;
        return 1;
    }
    c->db->phases[c->db->nphases++] = (cbamcost_phase){
        (int)year,
        fval,
        field_dup(row, c->cols.idx[PH_SOURCE]),
        field_dup(row, c->cols.idx[PH_URL]),
        field_dup(row, c->cols.idx[PH_STATUS]),
        field_dup(row, c->cols.idx[PH_NOTE]),
        field_dup(row, c->cols.idx[PH_NOTE_ZH]),
    };
    return 0;
}

enum cbam_err cbamcost_load_builtin(cbamcost_db *db, diag_list *dl)
{
    if (db->builtin_loaded)
        return CBAM_OK;
    const struct embedded_file *ef = embedded_find(PHASE_FILE);
    if (ef == NULL) {
        diag_add(dl, DIAG_ERROR, PHASE_FILE, 0, 0, "is not compiled in (a build error)");
        return CBAM_ERR_INTERNAL;
    }
    struct phase_ctx c = {.db = db, .dl = dl};
    enum cbam_err err = csvin_read_mem(PHASE_FILE, ef->data, ef->size, NULL, on_phase_row, &c, dl, NULL);
    /* The last year must be the end of free allocation: years after it use it. */
    if (err != CBAM_OK || c.bad || db->nphases == 0 || db->phases[db->nphases - 1].factor != 0) {
        if (err == CBAM_OK && !c.bad)
            diag_add(dl, DIAG_ERROR, PHASE_FILE, 0, 0, "expected years ending with a cbam_factor of 0");
        return CBAM_ERR_INTERNAL; /* the shipped table is the program's own */
    }
    db->builtin_loaded = true;
    return CBAM_OK;
}

const cbamcost_phase *cbamcost_phase_of(const cbamcost_db *db, int year)
{
    if (year < CBAMCOST_FIRST_YEAR || db->nphases == 0)
        return NULL;
    size_t i = (size_t)(year - CBAMCOST_FIRST_YEAR);
    return &db->phases[i < db->nphases ? i : db->nphases - 1];
}

size_t cbamcost_phase_count(const cbamcost_db *db)
{
    return db->nphases;
}

const cbamcost_phase *cbamcost_phase_at(const cbamcost_db *db, size_t i)
{
    return i < db->nphases ? &db->phases[i] : NULL;
}

/* ---- --benchmarks ---- */

enum { BM_CN, BM_VALUE, BM_COLUMN, BM_SOURCE, BM__N };
static const char *const bm_cn_aliases[] = {"cn", "CN code", "cn_code_8", "CN编码", "商品编码", NULL};
static const char *const bm_value_aliases[] = {"benchmark", "benchmark_t_co2_per_t", "基准值", NULL};
static const char *const bm_column_aliases[] = {"benchmark_column", "列", NULL};
static const char *const bm_source_aliases[] = {"来源", "citation", NULL};
static const columns_spec bm_columns[BM__N] = {
    [BM_CN] = {"cn_code", true, bm_cn_aliases},
    [BM_VALUE] = {"value", true, bm_value_aliases},
    [BM_COLUMN] = {"column", false, bm_column_aliases},
    [BM_SOURCE] = {"source", false, bm_source_aliases},
};

/* Units accepted in a header for tCO2 per tonne of good. */
static bool t_per_t_unit(const char *u)
{
    static const char *const ok[] = {"tCO2/t", "tCO2e/t", "t CO2/t", "t CO2e/t", "tCO2/t good", "tCO2e/t good"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (parse_eq_ci(u, strlen(u), ok[i]))
            return true;
    return false;
}

struct bm_ctx {
    cbamcost_db *db;
    const char *path;
    char choice;
    diag_list *dl;
    bool have_header;
    int titles; /* rows above the header skipped (a title, a unit line) */
    columns_result cols;
    bool bad;
    size_t skipped;        /* rows of the other column */
    long skipped_line;     /* the first of them */
    size_t unsourced;      /* rows without a source */
    long unsourced_line;   /* the first of them */
};

static void cell_error(diag_list *dl, const char *path, const csvin_row *row, int col, const char *name,
                       const char *what)
{
    size_t len;
    const char *s = columns_field(row, col, &len);
    char q[200];
    diag_add(dl, DIAG_ERROR, path, row->line, col + 1, "%s \"%s\": %s", name, diag_quote(q, sizeof q, s, len), what);
}

/* Digits of a CN code written "2523 29 00", "25232900" or "2523.29.00":
 * 4, 6 or 8 of them. */
static bool cn_digits(const char *s, size_t len, char out[9])
{
    size_t n = 0;
    parse_trim(&s, &len);
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (n == 8)
                return false;
            out[n++] = ch;
        } else if (ch != ' ' && ch != '.') {
            return false;
        }
    }
    out[n] = '\0';
    return n == 4 || n == 6 || n == 8;
}

/* Rows above the header that a spreadsheet export puts there (a title, a
 * date, each in one cell): up to CBAMCOST_TITLE_ROWS are skipped, with a
 * note; a row of several cells is the header, refused when it is not one. */
#define CBAMCOST_TITLE_ROWS 5
static bool title_row(const columns_spec *spec, size_t n, const csvin_row *row, const char *path, int *titles,
                      diag_list *dl)
{
    columns_result probe;
    size_t filled = 0;
    for (size_t i = 0; i < row->nfields; i++) {
        const char *f = row->field[i];
        size_t len = row->len[i];
        parse_trim(&f, &len);
        filled += len > 0;
    }
    /* a title is one cell naming no column; a row of several, or one that
     * names a column, is the header, right or wrong */
    if (filled > 1 || *titles >= CBAMCOST_TITLE_ROWS ||
        columns_map(spec, n, NULL, 0, row, path, NULL, &probe) == CBAM_OK)
        return false;
    for (size_t k = 0; k < n; k++)
        if (probe.idx[k] >= 0)
            return false;
    if ((*titles)++ == 0)
        diag_add(dl, DIAG_NOTE, path, row->line, 0, "not the header: read as a title row and skipped");
    return true;
}

static const char *column_name(char column)
{
    return column == 'A' ? "column A" : column == 'B' ? "column B" : "no column";
}

static int on_bm_row(void *vc, const csvin_row *row)
{
    struct bm_ctx *c = vc;
    if (!c->have_header) {
        if (title_row(bm_columns, BM__N, row, c->path, &c->titles, c->dl))
            return 0;
        c->have_header = true;
        if (columns_map(bm_columns, BM__N, NULL, 0, row, c->path, c->dl, &c->cols) != CBAM_OK) {
            c->bad = true;
            return 1;
        }
        const char *unit = c->cols.unit[BM_VALUE];
        if (unit[0] != '\0' && !t_per_t_unit(unit)) {
            diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[BM_VALUE] + 1,
                     "the value column's unit \"%s\" is not tCO2 per tonne; expected tCO2/t (or no unit)", unit);
            c->bad = true;
            return 1;
        }
        return 0;
    }
    size_t lc, lv, lk;
    const char *cn = columns_field(row, c->cols.idx[BM_CN], &lc);
    const char *v = columns_field(row, c->cols.idx[BM_VALUE], &lv);
    const char *k = columns_field(row, c->cols.idx[BM_COLUMN], &lk);
    parse_trim(&cn, &lc);
    parse_trim(&v, &lv);
    parse_trim(&k, &lk);
    if (lc == 0 && lv == 0 && lk == 0)
        return 0;
    cbamcost_benchmark b = {.line = row->line};
    if (!cn_digits(cn, lc, b.cn)) {
        cell_error(c->dl, c->path, row, c->cols.idx[BM_CN], "cn_code",
                   "expected a CN code of 4, 6 or 8 digits, such as 2523 29 00 (spaces and dots allowed)");
        c->bad = true;
        return 0;
    }
    if (parse_number_ex(v, lv, row->format->decimal_comma, &b.value) != PARSE_OK || !isfinite(b.value) ||
        b.value < 0 || b.value > CBAMCOST_T_PER_T_MAX) {
        char what[160];
        snprintf(what, sizeof what, "expected the benchmark in tCO2 per tonne of good, a number from 0 to %g",
                 CBAMCOST_T_PER_T_MAX);
        cell_error(c->dl, c->path, row, c->cols.idx[BM_VALUE], "value", what);
        c->bad = true;
        return 0;
    }
    if (lk == 1 && (k[0] == 'A' || k[0] == 'a' || k[0] == 'B' || k[0] == 'b')) {
        b.column = (char)(k[0] == 'a' || k[0] == 'A' ? 'A' : 'B');
    } else if (lk != 0) {
        cell_error(c->dl, c->path, row, c->cols.idx[BM_COLUMN], "column",
                   "expected A or B (the Commission's two benchmark columns), or an empty cell");
        c->bad = true;
        return 0;
    }
    if (c->choice != 0 && b.column != 0 && b.column != c->choice) {
        if (c->skipped++ == 0)
            c->skipped_line = row->line;
        return 0;
    }
    size_t ls;
    const char *src = columns_field(row, c->cols.idx[BM_SOURCE], &ls);
    parse_trim(&src, &ls);
    if (ls == 0 && c->unsourced++ == 0)
        c->unsourced_line = row->line;

    size_t klen = strlen(b.cn);
    uintptr_t seen = (uintptr_t)strmap_get(c->db->bm_index, b.cn, klen);
    if (seen != 0) {
        const cbamcost_benchmark *o = &c->db->bm[seen - 1];
        if (o->column == b.column)
            diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[BM_CN] + 1,
                     "CN code %s is given twice in %s, at %s:%ld and here; expected each code once per column",
                     b.cn, column_name(b.column), o->file, o->line);
        else if (o->column != 0 && b.column != 0)
            diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[BM_CN] + 1,
                     "CN code %s has a benchmark in %s (%s:%ld) and in %s (here); choose one column with "
                     "--benchmark-column A or B",
                     b.cn, column_name(o->column), o->file, o->line, column_name(b.column));
        else
            diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[BM_CN] + 1,
                     "CN code %s is given with %s at %s:%ld and with %s here; expected one benchmark per code",
                     b.cn, column_name(o->column), o->file, o->line, column_name(b.column));
        c->bad = true;
        return 0;
    }
    b.source = xstrndup(src, ls);
    b.file = xstrdup(c->path);
    if (c->db->nbm == c->db->capbm) {
        c->db->capbm = c->db->capbm ? c->db->capbm * 2 : 32;
        c->db->bm = xreallocarray(c->db->bm, c->db->capbm, sizeof *c->db->bm);
    }
    c->db->bm[c->db->nbm++] = b;
    strmap_put(c->db->bm_index, b.cn, klen, (void *)(uintptr_t)c->db->nbm);
    return 0;
}

enum cbam_err cbamcost_load_benchmarks(cbamcost_db *db, const char *path, char column_choice, diag_list *dl,
                                       csvin_stats *stats)
{
    if (column_choice == 'a' || column_choice == 'b')
        column_choice = (char)(column_choice - 'a' + 'A');
    if (column_choice != 0 && column_choice != 'A' && column_choice != 'B') {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "--benchmark-column %c: expected A or B", column_choice);
        return CBAM_ERR_USAGE;
    }
    struct bm_ctx c = {.db = db, .path = path, .choice = column_choice, .dl = dl};
    enum cbam_err err = csvin_read_file(path, path, NULL, on_bm_row, &c, dl, stats);
    if (err != CBAM_OK)
        return err;
    if (!c.have_header) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is empty; expected a header cn_code,value,column,source and benchmarks");
        return CBAM_ERR_DATA;
    }
    if (c.bad)
        return CBAM_ERR_DATA;
    if (c.skipped > 0)
        diag_add(dl, DIAG_NOTE, path, c.skipped_line, c.cols.idx[BM_COLUMN] + 1,
                 "%zu row%s of column %c left out (first at this line): --benchmark-column %c", c.skipped,
                 c.skipped == 1 ? "" : "s", column_choice == 'A' ? 'B' : 'A', column_choice);
    if (c.unsourced > 0)
        diag_add(dl, DIAG_WARNING, path, c.unsourced_line, c.cols.idx[BM_SOURCE] + 1,
                 "%zu benchmark%s without a source (first at this line): a benchmark needs a citation (the "
                 "implementing act and its annex) that an importer can check",
                 c.unsourced, c.unsourced == 1 ? "" : "s");
    return CBAM_OK;
}

const cbamcost_benchmark *cbamcost_benchmark_for(const cbamcost_db *db, const char *cn8)
{
    if (cn8 == NULL || strlen(cn8) != 8)
        return NULL;
    static const size_t lengths[] = {8, 6, 4};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        uintptr_t i = (uintptr_t)strmap_get(db->bm_index, cn8, lengths[k]);
        if (i != 0)
            return &db->bm[i - 1];
    }
    return NULL;
}

bool cbamcost_has_benchmarks(const cbamcost_db *db)
{
    return db->nbm > 0;
}

/* ---- --direct ---- */

enum { DI_ENTERPRISE, DI_PRODUCT, DI_VALUE, DI_SOURCE, DI__N };
static const char *const di_ent_aliases[] = {"企业编号", "企业", "enterprise", NULL};
static const char *const di_prod_aliases[] = {"产品编号", "product", NULL};
static const char *const di_value_aliases[] = {"direct_see", "SEE direct", "直接排放", "直接排放强度", NULL};
static const char *const di_source_aliases[] = {"来源", "citation", NULL};
static const columns_spec di_columns[DI__N] = {
    [DI_ENTERPRISE] = {"enterprise_id", false, di_ent_aliases},
    [DI_PRODUCT] = {"product_id", true, di_prod_aliases},
    [DI_VALUE] = {"direct_t_co2_per_t", true, di_value_aliases},
    [DI_SOURCE] = {"source", false, di_source_aliases},
};

/* The key of a direct row: its enterprise ("" when none) and product, apart. */
static char *direct_key(const char *ent, size_t le, const char *product, size_t lp, size_t *len)
{
    char *k = xmalloc(le + lp + 2);
    memcpy(k, ent, le);
    k[le] = '\x1f'; /* a control character: never in a field */
    memcpy(k + le + 1, product, lp);
    k[le + 1 + lp] = '\0';
    *len = le + 1 + lp;
    return k;
}

struct di_ctx {
    cbamcost_db *db;
    const char *path;
    diag_list *dl;
    bool have_header;
    int titles;
    columns_result cols;
    bool bad;
};

static int on_di_row(void *vc, const csvin_row *row)
{
    struct di_ctx *c = vc;
    if (!c->have_header) {
        if (title_row(di_columns, DI__N, row, c->path, &c->titles, c->dl))
            return 0;
        c->have_header = true;
        if (columns_map(di_columns, DI__N, NULL, 0, row, c->path, c->dl, &c->cols) != CBAM_OK) {
            c->bad = true;
            return 1;
        }
        const char *unit = c->cols.unit[DI_VALUE];
        if (unit[0] != '\0' && !t_per_t_unit(unit)) {
            diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[DI_VALUE] + 1,
                     "the direct emissions column's unit \"%s\" is not tCO2 per tonne; expected tCO2/t (or no "
                     "unit)",
                     unit);
            c->bad = true;
            return 1;
        }
        return 0;
    }
    size_t le, lp, lv;
    const char *e = columns_field(row, c->cols.idx[DI_ENTERPRISE], &le);
    const char *p = columns_field(row, c->cols.idx[DI_PRODUCT], &lp);
    const char *v = columns_field(row, c->cols.idx[DI_VALUE], &lv);
    parse_trim(&e, &le);
    parse_trim(&p, &lp);
    parse_trim(&v, &lv);
    if (le == 0 && lp == 0 && lv == 0)
        return 0;
    if (lp == 0) {
        diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[DI_PRODUCT] + 1,
                 "product_id is empty; expected the product the direct emissions belong to");
        c->bad = true;
        return 0;
    }
    double t_per_t;
    if (parse_number_ex(v, lv, row->format->decimal_comma, &t_per_t) != PARSE_OK || !isfinite(t_per_t) ||
        t_per_t < 0 || t_per_t > CBAMCOST_T_PER_T_MAX) {
        char what[200];
        snprintf(what, sizeof what,
                 "expected the product's specific direct emissions in tCO2 per tonne, a number from 0 to %g",
                 CBAMCOST_T_PER_T_MAX);
        cell_error(c->dl, c->path, row, c->cols.idx[DI_VALUE], "direct_t_co2_per_t", what);
        c->bad = true;
        return 0;
    }
    size_t klen;
    char *key = direct_key(e, le, p, lp, &klen);
    uintptr_t seen = (uintptr_t)strmap_get(c->db->direct_index, key, klen);
    if (seen != 0) {
        const cbamcost_direct *o = &c->db->direct[seen - 1];
        char q[200];
        diag_add(c->dl, DIAG_ERROR, c->path, row->line, c->cols.idx[DI_PRODUCT] + 1,
                 "product %s%s%s is already given direct emissions at %s:%ld; expected each product once",
                 diag_quote(q, sizeof q, p, lp), le ? " of enterprise " : "", le ? o->enterprise : "", o->file,
                 o->line);
        free(key);
        c->bad = true;
        return 0;
    }
    if (c->db->ndirect == c->db->capdirect) {
        c->db->capdirect = c->db->capdirect ? c->db->capdirect * 2 : 32;
        c->db->direct = xreallocarray(c->db->direct, c->db->capdirect, sizeof *c->db->direct);
    }
    c->db->direct[c->db->ndirect++] = (cbamcost_direct){
        xstrndup(e, le), xstrndup(p, lp), t_per_t, field_dup(row, c->cols.idx[DI_SOURCE]), xstrdup(c->path),
        row->line};
    strmap_put(c->db->direct_index, key, klen, (void *)(uintptr_t)c->db->ndirect);
    free(key);
    return 0;
}

enum cbam_err cbamcost_load_direct(cbamcost_db *db, const char *path, diag_list *dl, csvin_stats *stats)
{
    struct di_ctx c = {.db = db, .path = path, .dl = dl};
    enum cbam_err err = csvin_read_file(path, path, NULL, on_di_row, &c, dl, stats);
    if (err != CBAM_OK)
        return err;
    if (!c.have_header) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "is empty; expected a header product_id,direct_t_co2_per_t,source");
        return CBAM_ERR_DATA;
    }
    return c.bad ? CBAM_ERR_DATA : CBAM_OK;
}

const cbamcost_direct *cbamcost_direct_for(const cbamcost_db *db, const char *enterprise, const char *product)
{
    if (product == NULL)
        return NULL;
    size_t lp = strlen(product);
    const char *ents[2] = {enterprise ? enterprise : "", ""};
    for (size_t k = 0; k < 2; k++) {
        if (k == 1 && ents[0][0] == '\0')
            break;
        size_t klen;
        char *key = direct_key(ents[k], strlen(ents[k]), product, lp, &klen);
        uintptr_t i = (uintptr_t)strmap_get(db->direct_index, key, klen);
        free(key);
        if (i != 0)
            return &db->direct[i - 1];
    }
    return NULL;
}

bool cbamcost_has_direct(const cbamcost_db *db)
{
    return db->ndirect > 0;
}

size_t cbamcost_direct_count(const cbamcost_db *db)
{
    return db->ndirect;
}

const cbamcost_direct *cbamcost_direct_at(const cbamcost_db *db, size_t i)
{
    return i < db->ndirect ? &db->direct[i] : NULL;
}

/* ---- pricing ---- */

/* Why a good whose indirect emissions are not in the liability costs what
 * it costs, by sector (Reg. 2023/956 Annex II). */
struct not_liable_reasons {
    const char *sector, *indirect_only, *upper_bound, *complete;
};
#define NOT_LIABLE(sector, goods)                                                                            \
    {sector,                                                                                                 \
     "indirect emissions of " goods " are reported but not paid for under CBAM from 2026 (Reg. 2023/956 "    \
     "Annex II); electricity changes nothing in its certificates, and without direct emissions (--direct) "   \
     "none are priced",                                                                                      \
     "indirect emissions of " goods " are reported but not paid for under CBAM from 2026 (Reg. 2023/956 "    \
     "Annex II); electricity changes nothing in its certificates, which are for its direct emissions, with "  \
     "no free allocation adjustment (no benchmark given): an upper bound",                                  \
     "indirect emissions of " goods " are reported but not paid for under CBAM from 2026 (Reg. 2023/956 "    \
     "Annex II); electricity changes nothing in its certificates, which are its direct emissions less the "  \
     "free allocation adjustment"}
static const struct not_liable_reasons not_liable[] = {
    NOT_LIABLE("Iron and steel", "iron and steel goods"),
    NOT_LIABLE("Aluminium", "aluminium goods"),
    NOT_LIABLE("Hydrogen", "hydrogen"),
    NOT_LIABLE("Electricity", "electricity imported as a good"),
    NOT_LIABLE(NULL, "this good"),
};
#undef NOT_LIABLE

static const struct not_liable_reasons *not_liable_of(const char *sector)
{
    size_t i = 0;
    while (not_liable[i].sector != NULL && (sector == NULL || strcmp(not_liable[i].sector, sector) != 0))
        i++;
    return &not_liable[i];
}

/* The CBAM factor of tonnes t produced in year (--cbam-year's instead when
 * given; a year before 2026 priced as 2026, said once) times t; the years
 * and factors used are noted in cp and out. */
static double weigh(const cbamcost_db *db, const cbamcost_opts *o, int year, double t, cbamcost_product *cp,
                    cbamcost_ent *out, int *early_year)
{
    if (o->year != 0)
        year = o->year;
    if (year < CBAMCOST_FIRST_YEAR) {
        if (*early_year == 0)
            *early_year = year;
        cp->priced_as_later = true;
        year = CBAMCOST_FIRST_YEAR;
    }
    const cbamcost_phase *ph = cbamcost_phase_of(db, year);
    if (cp->year_from == 0 || year < cp->year_from)
        cp->year_from = year;
    if (year > cp->year_to)
        cp->year_to = year;
    if (out->phase_lo == NULL || ph->year < out->phase_lo->year)
        out->phase_lo = ph;
    if (out->phase_hi == NULL || ph->year > out->phase_hi->year)
        out->phase_hi = ph;
    return ph->factor * t;
}

static const char *reason_of(const cbamcost_product *cp, const char *cn, const char *sector)
{
    switch (cp->status) {
    case CBAMCOST_NOT_CBAM:
        return cn == NULL ? "no CN code is given for this product, so it is not priced as a CBAM good; give its "
                            "cn_code in the production file if it is one"
                          : "its CN code is not a CBAM good (Reg. 2023/956 Annex I): no certificates are due";
    case CBAMCOST_NO_PRODUCTION:
        return "no tonnes were produced in months with electricity data, so there is nothing to price";
    case CBAMCOST_INDIRECT_ONLY:
        if (!cp->indirect_in_liability)
            return not_liable_of(sector)->indirect_only;
        return cp->benchmark != NULL
                   ? "direct emissions are not given (--direct), so only the electricity's emissions are priced "
                     "and the free allocation adjustment is not made: the benchmark is for the good's whole "
                     "embedded emissions, not for its electricity alone"
                   : "direct emissions are not given (--direct): the figure is the electricity's part only, "
                     "before any free allocation adjustment";
    case CBAMCOST_UPPER_BOUND:
        if (!cp->indirect_in_liability)
            return not_liable_of(sector)->upper_bound;
        return "no benchmark is given for its CN code (--benchmarks), so no free allocation adjustment is made: "
               "the figure is an upper bound";
    case CBAMCOST_COMPLETE:
        if (!cp->indirect_in_liability)
            return not_liable_of(sector)->complete;
        return cp->floored ? "the free allocation adjustment exceeds its embedded emissions, so no certificates "
                             "are due (never fewer than 0)"
                           : "direct emissions and a benchmark are given: certificates are its embedded emissions "
                             "less the free allocation adjustment";
    }
    return "";
}

static bool all_finite(const cbamcost_product *cp)
{
    const double v[] = {cp->quantity_t,   cp->direct_t,     cp->indirect_t,     cp->indirect_liable_t,
                        cp->liability_t,  cp->phase_factor, cp->adjustment_t,   cp->certificates_t,
                        cp->cost_eur,     cp->cost_eur_per_t};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

enum cbam_err cbamcost_compute(const cbamcost_db *db, const cbamcost_opts *o, const struct alloc_enterprise *ae,
                               cbamcost_ent *out, diag_list *dl)
{
    memset(out, 0, sizeof *out);
    out->opts = *o;
    out->nproducts = ae->nproducts;
    out->products = xcalloc(ae->nproducts ? ae->nproducts : 1, sizeof *out->products);
    const char *ent_id = ae->e != NULL ? ae->e->id : "";
    if (db->nphases == 0 || !isfinite(o->price_eur_per_t) || o->price_eur_per_t < 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "CBAM cost of enterprise %s: %s", ent_id,
                 db->nphases == 0 ? "the CBAM factor schedule is not loaded" : "the price is not a number");
        return CBAM_ERR_INTERNAL;
    }
    int early_year = 0;      /* a year before 2026 priced as 2026 (the first seen) */
    size_t no_benchmark = 0; /* CBAM goods without a benchmark when some were loaded */
    const char *no_benchmark_first = NULL;
    for (size_t p = 0; p < ae->nproducts; p++) {
        cbamcost_product *cp = &out->products[p];
        const alloc_product *ap = &ae->products[p];
        const char *cn = ap->p != NULL ? ap->p->cn_code : NULL;
        cbamgoods_info info = cn != NULL ? cbamgoods_lookup(cn) : (cbamgoods_info){NULL, NULL, false};
        cp->category = info.category;
        cp->indirect_in_liability = info.indirect_in_liability;
        cp->quantity_t = ap->quantity_see_t;
        cp->indirect_t = ap->em.cbam;
        if (info.category == NULL) {
            cp->status = CBAMCOST_NOT_CBAM;
            cp->reason = reason_of(cp, cn, NULL);
            if (!all_finite(cp))
                goto not_finite;
            continue;
        }
        cp->direct = cbamcost_direct_for(db, ent_id, ap->p->id);
        cp->has_direct = cp->direct != NULL;
        cp->benchmark = cbamcost_benchmark_for(db, cn);
        if (cp->benchmark == NULL && cbamcost_has_benchmarks(db) && no_benchmark++ == 0)
            no_benchmark_first = ap->p->id;

        /* The tonne-weighted CBAM factor of the months that count in SEE,
         * and of production given for a whole year (in SEE as well). */
        double weighted = 0;
        for (size_t m = 0; m < ae->nmonths; m++) {
            const alloc_product_month *pm = &ae->months[m].products[p];
            if (pm->in_see && pm->quantity_t > 0)
                weighted += weigh(db, o, period_ord_year(ae->months[m].ord), pm->quantity_t, cp, out, &early_year);
        }
        for (size_t k = 0; k < ae->e->nannual; k++) {
            const ledger_annual *an = &ae->e->annual[k];
            if (an->product == p && an->quantity_t > 0)
                weighted += weigh(db, o, an->year, an->quantity_t, cp, out, &early_year);
        }
        cp->phase_factor = cp->quantity_t > 0 ? weighted / cp->quantity_t : 0;
        cp->cscf = o->cscf > 0 ? o->cscf : 1;

        if (!(cp->quantity_t > 0)) {
            cp->status = CBAMCOST_NO_PRODUCTION;
        } else {
            cp->direct_t = cp->has_direct ? cp->direct->t_per_t * cp->quantity_t : 0;
            cp->indirect_liable_t = cp->indirect_in_liability ? cp->indirect_t : 0;
            cp->liability_t = cp->direct_t + cp->indirect_liable_t;
            if (cp->has_direct && cp->benchmark != NULL) {
                cp->status = CBAMCOST_COMPLETE;
                cp->adjustment_made = true;
                /* sum over months of benchmark x factor x tonnes */
                cp->adjustment_t = cp->benchmark->value * weighted * cp->cscf;
            } else {
                cp->status = cp->has_direct ? CBAMCOST_UPPER_BOUND : CBAMCOST_INDIRECT_ONLY;
            }
            double net = cp->liability_t - cp->adjustment_t;
            cp->floored = net < 0;
            cp->certificates_t = cp->floored ? 0 : net;
            cp->cost_eur = cp->certificates_t * o->price_eur_per_t;
            cp->has_cost_per_t = true;
            cp->cost_eur_per_t = cp->cost_eur / cp->quantity_t;
            cp->unpriced = cp->status == CBAMCOST_INDIRECT_ONLY && !cp->indirect_in_liability;
            double without = fmax(0.0, cp->liability_t - cp->indirect_liable_t - cp->adjustment_t);
            cp->electricity_cost_eur = (cp->certificates_t - without) * o->price_eur_per_t;
            if (cp->unpriced)
                cp->has_cost_per_t = false;
        }
        cp->reason = reason_of(cp, cn, info.sector);
        if (!all_finite(cp))
            goto not_finite;
        out->ngoods++;
        out->nunpriced += cp->unpriced;
        out->electricity_cost_eur += cp->electricity_cost_eur;
        out->liability_t += cp->liability_t;
        out->adjustment_t += cp->adjustment_t;
        out->certificates_t += cp->certificates_t;
        out->cost_eur += cp->cost_eur;
    }
    if (!isfinite(out->liability_t) || !isfinite(out->adjustment_t) || !isfinite(out->certificates_t) ||
        !isfinite(out->cost_eur))
        goto not_finite;
    if (early_year != 0)
        diag_add_ent(dl, DIAG_WARNING, ent_id,
                     "its data of %d are before CBAM certificates (2026): the cost is priced as if the goods were "
                     "imported in %d (CBAM factor %g); choose the year of import with --cbam-year",
                     early_year, CBAMCOST_FIRST_YEAR, cbamcost_phase_of(db, CBAMCOST_FIRST_YEAR)->factor);
    if (no_benchmark > 0)
        diag_add_ent(dl, DIAG_WARNING, ent_id,
                     "%zu CBAM good%s (first: product %s) %s no benchmark in the --benchmarks file: no free "
                     "allocation adjustment is made for %s",
                     no_benchmark, no_benchmark == 1 ? "" : "s", no_benchmark_first, no_benchmark == 1 ? "has" : "have",
                     no_benchmark == 1 ? "it" : "them");
    return CBAM_OK;

not_finite:
    diag_add(dl, DIAG_ERROR, NULL, 0, 0, "CBAM cost of enterprise %s: a figure is not a finite number", ent_id);
    return CBAM_ERR_INTERNAL;
}

void cbamcost_ent_free(cbamcost_ent *c)
{
    if (c == NULL)
        return;
    free(c->products);
    memset(c, 0, sizeof *c);
}

const char *cbamcost_status_name(enum cbamcost_status s)
{
    static const char *const names[] = {"not_cbam_good", "complete", "upper_bound", "indirect_only", "no_production"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
