/* factors.c - loading, validating and looking up emission factors (see factors.h). */
#include "config.h"
#include "factors.h"
#include "columns.h"
#include "embedded.h"
#include "parse.h"
#include "strmap.h"
#include "numfmt.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The factors of one kind, country and region (any year): lookups go
 * through these, so choosing factors costs the same for 10 or 200,000 rows. */
struct place {
    const factor **f;
    size_t n, cap;
};

struct factors_db {
    factor **items;
    size_t count, cap;
    strmap *by_id;
    strmap *by_place; /* place_key -> struct place */
    struct place **places;
    size_t nplaces;
};

/* kind, country and the region folded to ASCII lower case, into buf
 * (heap-allocated when it does not fit; the caller frees *heap). */
static size_t place_key(enum factor_kind kind, const char *country, const char *region, char *buf,
                        size_t size, char **heap)
{
    size_t rl = strlen(region), cl = strlen(country);
    size_t need = 2 + cl + 1 + rl;
    char *k = need <= size ? buf : (*heap = xmalloc(need));
    k[0] = (char)('A' + kind);
    memcpy(k + 1, country, cl);
    k[1 + cl] = '|';
    for (size_t i = 0; i < rl; i++) {
        char ch = region[i];
        k[2 + cl + i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
    }
    return 2 + cl + rl;
}

static struct place *place_of(const factors_db *db, const factor *f, bool create)
{
    char buf[256], *heap = NULL;
    size_t len = place_key(f->kind, f->country, f->region ? f->region : "", buf, sizeof buf, &heap);
    char *k = heap ? heap : buf;
    struct place *pl = strmap_get(db->by_place, k, len);
    if (pl == NULL && create) {
        factors_db *m = (factors_db *)db;
        pl = xcalloc(1, sizeof *pl);
        strmap_put(m->by_place, k, len, pl);
        m->places = xreallocarray(m->places, m->nplaces + 1, sizeof *m->places);
        m->places[m->nplaces++] = pl;
    }
    free(heap);
    return pl;
}

static void place_add(factors_db *db, const factor *f)
{
    struct place *pl = place_of(db, f, true);
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 4;
        pl->f = xreallocarray(pl->f, pl->cap, sizeof *pl->f);
    }
    pl->f[pl->n++] = f;
}

static void place_remove(factors_db *db, const factor *f)
{
    struct place *pl = place_of(db, f, false);
    for (size_t i = 0; pl != NULL && i < pl->n; i++)
        if (pl->f[i] == f) { /* keep the order: the first of a year wins, as in the files */
            memmove(pl->f + i, pl->f + i + 1, (pl->n - i - 1) * sizeof *pl->f);
            pl->n--;
            return;
        }
}

static const char *const kind_names[FACTOR_KIND__COUNT] = {
    [FACTOR_GRID_AVERAGE] = "grid_average",
    [FACTOR_GRID_RESIDUAL] = "grid_residual",
    [FACTOR_GRID_FOSSIL] = "grid_fossil",
    [FACTOR_CBAM_DEFAULT] = "cbam_default",
    [FACTOR_SUPPLIER] = "supplier",
    [FACTOR_LCA] = "lca",
    [FACTOR_ETS] = "ets",
    [FACTOR_USER] = "user",
};

const char *factors_kind_name(enum factor_kind k)
{
    return (int)k >= 0 && k < FACTOR_KIND__COUNT ? kind_names[k] : "?";
}

const char *factor_note(const factor *f, bool zh)
{
    if (zh && f->note_zh != NULL && f->note_zh[0] != '\0')
        return f->note_zh;
    return f->note != NULL ? f->note : "";
}

static const char *const statuses[] = {"confirmed", "secondary", "user"};

/* Units accepted in factor files, with the multiplier to kgCO2/kWh. */
static const struct {
    const char *name;
    double to_kg_per_kwh;
} factor_units[] = {
    {"kgCO2/kWh", 1},   {"kgCO2e/kWh", 1},   {"tCO2/MWh", 1},     {"tCO2e/MWh", 1},
    {"gCO2/kWh", 1e-3}, {"gCO2e/kWh", 1e-3}, {"kgCO2/MWh", 1e-3}, {"kgCO2e/MWh", 1e-3},
};

factors_db *factors_new(void)
{
    factors_db *db = xcalloc(1, sizeof *db);
    db->by_id = strmap_new();
    db->by_place = strmap_new();
    return db;
}

static void factor_free(factor *f)
{
    if (f == NULL)
        return;
    free(f->id);
    free(f->region);
    free(f->unit);
    free(f->source);
    free(f->url);
    free(f->status);
    free(f->replaced);
    free(f->note);
    free(f->note_zh);
    free(f->file);
    free(f);
}

void factors_free(factors_db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->count; i++)
        factor_free(db->items[i]);
    free(db->items);
    strmap_free(db->by_id);
    for (size_t i = 0; i < db->nplaces; i++) {
        free(db->places[i]->f);
        free(db->places[i]);
    }
    free(db->places);
    strmap_free(db->by_place);
    free(db);
}

size_t factors_count(const factors_db *db)
{
    return db->count;
}
const factor *factors_at(const factors_db *db, size_t i)
{
    return i < db->count ? db->items[i] : NULL;
}

const factor *factors_find(const factors_db *db, const char *id)
{
    return strmap_get(db->by_id, id, strlen(id));
}

static void append(factors_db *db, factor *f)
{
    if (db->count == db->cap) {
        db->cap = db->cap ? db->cap * 2 : 64;
        db->items = xreallocarray(db->items, db->cap, sizeof *db->items);
    }
    db->items[db->count++] = f;
    place_add(db, f);
}

enum col {
    C_ID,
    C_KIND,
    C_COUNTRY,
    C_REGION,
    C_YEAR,
    C_VALUE,
    C_UNIT,
    C_SOURCE,
    C_URL,
    C_STATUS,
    C_NOTE,
    C_NOTE_ZH,
    C__N
};

static const columns_spec factor_columns[C__N] = {
    [C_ID] = {"id", true},         [C_KIND] = {"kind", true},     [C_COUNTRY] = {"country", true},
    [C_REGION] = {"region", true}, [C_YEAR] = {"year", true},     [C_VALUE] = {"value", true},
    [C_UNIT] = {"unit", true},     [C_SOURCE] = {"source", true}, [C_URL] = {"url", false},
    [C_STATUS] = {"status", true}, [C_NOTE] = {"note", false},     [C_NOTE_ZH] = {"note_zh", false},
};

struct load_ctx {
    factors_db *db;
    const char *name;
    int replace;
    diag_list *dl;
    columns_result cols;
    bool have_header;
    enum cbam_err err;
};

static char *field_dup(const csvin_row *row, int i)
{
    size_t len;
    const char *s = columns_field(row, i, &len);
    parse_trim(&s, &len);
    return xstrndup(s, len);
}

static int bad(struct load_ctx *c, const csvin_row *row, enum col col, const char *what)
{
    size_t len;
    const char *s = columns_field(row, c->cols.idx[col], &len);
    char q[200];
    diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[col] + 1, "%s \"%s\": %s",
             factor_columns[col].name, diag_quote(q, sizeof q, s, len), what);
    c->err = CBAM_ERR_DATA;
    return 0;
}

static int on_factor_row(void *vc, const csvin_row *row)
{
    struct load_ctx *c = vc;
    if (!c->have_header) {
        c->have_header = true;
        if (columns_map(factor_columns, C__N, NULL, 0, row, c->name, c->dl, &c->cols) != CBAM_OK) {
            c->err = CBAM_ERR_DATA;
            return 1;
        }
        return 0;
    }
    size_t len;
    const char *s;

    s = columns_field(row, c->cols.idx[C_ID], &len);
    parse_trim(&s, &len);
    if (len == 0)
        return bad(c, row, C_ID, "an id is required");

    s = columns_field(row, c->cols.idx[C_KIND], &len);
    parse_trim(&s, &len);
    int kind = -1;
    for (int k = 0; k < FACTOR_KIND__COUNT; k++)
        if (k != FACTOR_USER && parse_eq_ci(s, len, kind_names[k]))
            kind = k;
    if (kind < 0)
        return bad(c, row, C_KIND,
                   "unknown kind; expected grid_average, grid_residual, grid_fossil, "
                   "cbam_default, supplier, lca or ets");

    s = columns_field(row, c->cols.idx[C_COUNTRY], &len);
    parse_trim(&s, &len);
    char country[3] = "";
    if (len == 1 && s[0] == '*') {
        country[0] = '*';
    } else if (len == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z') {
        country[0] = s[0];
        country[1] = s[1];
    } else {
        return bad(c, row, C_COUNTRY, "expected an ISO 3166 alpha-2 code such as CN, or * for all others");
    }

    long year;
    s = columns_field(row, c->cols.idx[C_YEAR], &len);
    if (parse_int(s, len, PERIOD_YEAR_MIN, PERIOD_YEAR_MAX, &year) != PARSE_OK)
        return bad(c, row, C_YEAR, "expected a year such as 2023");

    s = columns_field(row, c->cols.idx[C_UNIT], &len);
    parse_trim(&s, &len);
    double mult = 0;
    for (size_t k = 0; k < sizeof factor_units / sizeof factor_units[0]; k++)
        if (parse_eq_ci(s, len, factor_units[k].name))
            mult = factor_units[k].to_kg_per_kwh;
    if (mult == 0)
        return bad(c, row, C_UNIT,
                   "unknown unit; expected kgCO2/kWh, tCO2/MWh, gCO2/kWh (or the CO2e forms)");

    double value;
    s = columns_field(row, c->cols.idx[C_VALUE], &len);
    enum parse_status ps = parse_number(s, len, &value);
    if (ps != PARSE_OK)
        return bad(c, row, C_VALUE, "is not a finite number");
    value *= mult;
    if (!(value >= 0 && value <= FACTOR_VALUE_MAX))
        return bad(c, row, C_VALUE, "outside 0 to 2 kgCO2/kWh: check the unit");

    s = columns_field(row, c->cols.idx[C_SOURCE], &len);
    parse_trim(&s, &len);
    if (len == 0)
        return bad(c, row, C_SOURCE, "a source (publication) is required");

    s = columns_field(row, c->cols.idx[C_STATUS], &len);
    parse_trim(&s, &len);
    bool status_ok = false;
    for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++)
        status_ok |= parse_eq_ci(s, len, statuses[k]);
    if (!status_ok)
        return bad(c, row, C_STATUS, "expected confirmed, secondary or user");

    factor *f = xcalloc(1, sizeof *f);
    f->id = field_dup(row, c->cols.idx[C_ID]);
    f->kind = (enum factor_kind)kind;
    memcpy(f->country, country, sizeof country);
    f->region = field_dup(row, c->cols.idx[C_REGION]);
    f->year = (int)year;
    f->value = value;
    f->unit = field_dup(row, c->cols.idx[C_UNIT]);
    f->source = field_dup(row, c->cols.idx[C_SOURCE]);
    f->url = field_dup(row, c->cols.idx[C_URL]);
    f->status = field_dup(row, c->cols.idx[C_STATUS]);
    for (char *p = f->status; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    f->note = field_dup(row, c->cols.idx[C_NOTE]);
    f->note_zh = field_dup(row, c->cols.idx[C_NOTE_ZH]);
    if (c->replace && strcmp(f->status, "user") != 0) {
        /* A user's file vouches for its own values: never shown as the
         * shipped tables' "confirmed" or "secondary". */
        size_t n = strlen(f->note) + strlen(f->status) + 64;
        char *note = xmalloc(n);
        snprintf(note, n, "%s%s(the file says status %s)", f->note, f->note[0] ? " " : "", f->status);
        free(f->note);
        f->note = note;
        if (f->note_zh[0] != '\0') {
            n = strlen(f->note_zh) + strlen(f->status) + 64;
            note = xmalloc(n);
            snprintf(note, n, "%s（文件标注的状态为 %s）", f->note_zh, f->status);
            free(f->note_zh);
            f->note_zh = note;
        }
        free(f->status);
        f->status = xstrdup("user");
    }
    f->file = xstrdup(c->name);
    f->line = row->line;

    factor *old = strmap_get(c->db->by_id, f->id, strlen(f->id));
    if (old != NULL) {
        if (!c->replace || strcmp(old->file, c->name) == 0) {
            diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[C_ID] + 1,
                     "factor id '%s' is already defined at %s:%ld; expected each id once", f->id, old->file,
                     old->line);
            c->err = CBAM_ERR_DATA;
            factor_free(f);
            return 0;
        }
        char was[64], now[64];
        numfmt_human(was, sizeof was, old->value);
        numfmt_human(now, sizeof now, f->value);
        size_t n = strlen(old->file) + strlen(old->status) + 128;
        f->replaced = xmalloc(n);
        snprintf(f->replaced, n, "%s kgCO2/kWh, status %s, from %s:%ld", was, old->status, old->file, old->line);
        diag_add(c->dl, DIAG_WARNING, c->name, row->line, c->cols.idx[C_ID] + 1,
                 "factor '%s' REPLACES the shipped %s (%s kgCO2/kWh, status %s) with %s kgCO2/kWh from this "
                 "file: every figure that uses it follows your value, marked status user%s",
                 f->id, old->id, was, old->status, now,
                 old->kind == FACTOR_CBAM_DEFAULT ? "; an importer may not accept a changed EU default" : "");
        for (size_t i = 0; i < c->db->count; i++)
            if (c->db->items[i] == old)
                c->db->items[i] = f;
        struct place *pl = place_of(c->db, old, false);
        bool same_place = pl != NULL && pl == place_of(c->db, f, false);
        for (size_t i = 0; same_place && i < pl->n; i++)
            if (pl->f[i] == old)
                pl->f[i] = f; /* where the shipped one was, as in items */
        if (!same_place) {
            place_remove(c->db, old);
            place_add(c->db, f);
        }
        factor_free(old);
    } else {
        append(c->db, f);
        /* Two factors for one kind, place and year: the first is the one
         * used, silently, unless this says so. */
        bool looked_up = f->kind == FACTOR_GRID_AVERAGE || f->kind == FACTOR_GRID_RESIDUAL ||
                         f->kind == FACTOR_CBAM_DEFAULT; /* supplier factors are named by id */
        const struct place *pl = looked_up ? place_of(c->db, f, false) : NULL;
        for (size_t i = 0; pl != NULL && i + 1 < pl->n; i++)
            if (pl->f[i]->year == f->year) {
                diag_add(c->dl, DIAG_WARNING, c->name, row->line, c->cols.idx[C_ID] + 1,
                         "factor '%s' is a second %s factor for %s%s%s %d beside '%s' (%s:%ld), which is the one "
                         "used; give one factor per kind, place and year, or choose one with --grid-factor, "
                         "--residual-factor or --cbam-grid-factor",
                         f->id, factors_kind_name(f->kind), f->country, f->region[0] ? " " : "", f->region,
                         f->year, pl->f[i]->id, pl->f[i]->file, pl->f[i]->line);
                break;
            }
    }
    strmap_put(c->db->by_id, f->id, strlen(f->id), f);
    return 0;
}

static enum cbam_err finish_load(struct load_ctx *c, enum cbam_err err)
{
    if (err == CBAM_OK && !c->have_header) {
        diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "empty file; expected a header line and factors");
        err = CBAM_ERR_DATA;
    }
    return err != CBAM_OK ? err : c->err;
}

enum cbam_err factors_load_mem(factors_db *db, const char *name, const void *buf, size_t len, int replace,
                               diag_list *dl)
{
    struct load_ctx c = {.db = db, .name = name, .replace = replace, .dl = dl};
    enum cbam_err err = csvin_read_mem(name, buf, len, NULL, on_factor_row, &c, dl, NULL);
    return finish_load(&c, err);
}

enum cbam_err factors_load_file(factors_db *db, const char *path, diag_list *dl, csvin_stats *stats)
{
    struct load_ctx c = {.db = db, .name = path, .replace = 1, .dl = dl};
    enum cbam_err err = csvin_read_file(path, path, NULL, on_factor_row, &c, dl, stats);
    return finish_load(&c, err);
}

/* The shipped tables beside the factor tables that are not factor tables:
 * intensity ranges (intensity.c), CN names (cbamgoods.c), the CBAM factor
 * schedule (cbamcost.c) and the solar profile (solar.c). A copy of the
 * shipped folder given to --factors holds them too. */
static bool not_factor_table(const char *file)
{
    return strcmp(file, "intensity-ranges.csv") == 0 || strcmp(file, "cn-names.csv") == 0 ||
           strcmp(file, "cbam-phase-in.csv") == 0 || strcmp(file, "solar-profile.csv") == 0;
}

enum cbam_err factors_load_builtin(factors_db *db, diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    for (size_t i = 0; i < embedded_files_count; i++) {
        const struct embedded_file *ef = &embedded_files[i];
        if (strncmp(ef->name, "factors/", 8) != 0 || not_factor_table(ef->name + 8))
            continue;
        enum cbam_err e = factors_load_mem(db, ef->name, ef->data, ef->size, 0, dl);
        if (err == CBAM_OK)
            err = e;
    }
    return err;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum cbam_err factors_list_dir(const char *dir, char ***paths, size_t *npaths, diag_list *dl)
{
    *paths = NULL;
    *npaths = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        diag_add(dl, DIAG_ERROR, dir, 0, 0, "cannot read the factors directory: %s", strerror(errno));
        return CBAM_ERR_NOINPUT;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || de->d_name[0] == '.' || strcmp(de->d_name + n - 4, ".csv") != 0)
            continue;
        if (not_factor_table(de->d_name)) {
            diag_add(dl, DIAG_NOTE, dir, 0, 0, "%s is a table cbamcalc ships beside the factors, not a factor "
                                               "table: left out",
                     de->d_name);
            continue;
        }
        if (*npaths == cap) {
            cap = cap ? cap * 2 : 8;
            *paths = xreallocarray(*paths, cap, sizeof **paths);
        }
        size_t dl_len = strlen(dir);
        char *p = xmalloc(dl_len + n + 2);
        memcpy(p, dir, dl_len);
        p[dl_len] = '/';
        memcpy(p + dl_len + 1, de->d_name, n + 1);
        (*paths)[(*npaths)++] = p;
    }
    closedir(d);
    if (*npaths > 1)
        qsort(*paths, *npaths, sizeof **paths, cmp_str);
    if (*npaths == 0)
        diag_add(dl, DIAG_WARNING, dir, 0, 0, "no *.csv factor files in this directory");
    return CBAM_OK;
}

const factor *factors_lookup(const factors_db *db, enum factor_kind kind, const char *country,
                             const char *region, int year)
{
    const factor *best = NULL;
    if (region == NULL)
        region = "";
    char buf[256], *heap = NULL;
    size_t len = place_key(kind, country, region, buf, sizeof buf, &heap);
    const struct place *pl = strmap_get(db->by_place, heap ? heap : buf, len);
    free(heap);
    for (size_t i = 0; pl != NULL && i < pl->n; i++) {
        const factor *f = pl->f[i];
        if (f->year <= year && (best == NULL || f->year > best->year))
            best = f;
    }
    return best;
}

enum cbam_err factors_resolve_arg(factors_db *db, const char *arg, const char *what, const factor **out,
                                  diag_list *dl)
{
    double v;
    enum parse_status ps = parse_number(arg, strlen(arg), &v);
    if (ps == PARSE_OK) {
        if (!(v >= 0 && v <= FACTOR_VALUE_MAX)) {
            diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                     "%s %s: outside 0 to 2; expected kgCO2/kWh (for example 0.6634)", what, arg);
            return CBAM_ERR_USAGE;
        }
        factor *f = xcalloc(1, sizeof *f);
        char id[64];
        snprintf(id, sizeof id, "user:%s", what + strspn(what, "-")); /* "user:grid-factor" */
        f->id = xstrdup(id);
        f->kind = FACTOR_USER;
        memcpy(f->country, "*", 2);
        f->region = xstrdup("");
        f->value = v;
        f->unit = xstrdup("kgCO2/kWh");
        char src[128];
        snprintf(src, sizeof src, "entered on the command line (%s %s)", what, arg);
        f->source = xstrdup(src);
        f->url = xstrdup("");
        f->status = xstrdup("user");
        f->note = xstrdup("value given by the user; its evidence is the user's to keep");
        f->note_zh = xstrdup("用户输入的数值；其依据由用户自行留存");
        f->file = xstrdup("command line");
        append(db, f);
        *out = f;
        return CBAM_OK;
    }
    const factor *f = factors_find(db, arg);
    if (f == NULL) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                 "%s '%s' is neither a number (kgCO2/kWh) nor a factor id; see 'cbamcalc factors list'", what,
                 arg);
        return CBAM_ERR_USAGE;
    }
    *out = f;
    return CBAM_OK;
}
