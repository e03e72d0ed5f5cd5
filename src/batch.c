/* batch.c - the plan of a batch run, its state record and its summary (see batch.h). */
#include "config.h"
#include "batch.h"
#include "ingest.h"
#include "columns.h"
#include "csvin.h"
#include "outfile.h"
#include "outname.h"
#include "parse.h"
#include "strmap.h"
#include "supply.h"
#include "utf8.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define STATE_FILE BATCH_STATE_FILE
#define SUMMARY_JSON BATCH_SUMMARY_JSON
#define SUMMARY_XLSX BATCH_SUMMARY_XLSX

const char *batch_status_name(enum batch_status s)
{
    switch (s) {
    case BATCH_PENDING: return "pending";
    case BATCH_OK: return "ok";
    case BATCH_FAILED: return "failed";
    case BATCH_SKIPPED: return "skipped";
    case BATCH_NOT_RUN: return "not run";
    }
    return "?";
}

const char *batch_output_from_name(enum batch_output_from f)
{
    switch (f) {
    case BATCH_FROM_NONE: return "none";
    case BATCH_FROM_THIS_RUN: return "this_run";
    case BATCH_FROM_UNCHANGED: return "unchanged";
    case BATCH_FROM_EARLIER: return "earlier_run";
    }
    return "none";
}

void batch_output_from_text(const batch_job *j, char *buf, size_t size)
{
    switch (j->from) {
    case BATCH_FROM_THIS_RUN: snprintf(buf, size, "this run"); return;
    case BATCH_FROM_UNCHANGED: snprintf(buf, size, "an earlier run (inputs unchanged)"); return;
    case BATCH_FROM_EARLIER:
        snprintf(buf, size, "an earlier run, kept (written %s, inputs %.12s)",
                 j->earlier.written[0] ? j->earlier.written : "at an unknown date",
                 j->earlier.inputs_sha256[0] ? j->earlier.inputs_sha256 : "unknown");
        return;
    case BATCH_FROM_NONE: break;
    }
    snprintf(buf, size, "none (no earlier output)");
}

static void job_free(batch_job *j)
{
    free(j->client);
    for (size_t i = 0; i < j->ne; i++)
        free(j->electricity[i]);
    for (size_t i = 0; i < j->np; i++)
        free(j->production[i]);
    for (size_t i = 0; i < j->ni; i++)
        free(j->enterprises[i]);
    free(j->output);
    free(j->json);
    free(j->template_output);
    free(j->lang);
    free(j->grid_factor);
    free(j->residual_factor);
    free(j->interval_label);
    free(j->cbam_grid_factor);
    free(j->enterprise);
    for (size_t i = 0; j->eopts != NULL && i < j->ne; i++) {
        free(j->eopts[i].product);
        free(j->eopts[i].encoding);
        free(j->eopts[i].map_buf);
    }
    free(j->eopts);
}

void batch_plan_free(batch_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        job_free(&p->jobs[i]);
    free(p->jobs);
    bool templates = p->templates;
    memset(p, 0, sizeof *p);
    p->templates = templates;
}

static batch_job *new_job(batch_plan *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->jobs = xreallocarray(p->jobs, p->cap, sizeof *p->jobs);
    }
    batch_job *j = &p->jobs[p->n++];
    memset(j, 0, sizeof *j);
    return j;
}

/* "dir/name", or name itself when it is absolute or dir is empty. */
static char *join(const char *dir, const char *name, size_t name_len)
{
    if (name_len > 0 && name[0] == '/')
        return xstrndup(name, name_len);
    size_t dl = strlen(dir);
    char *p = xmalloc(dl + name_len + 2);
    memcpy(p, dir, dl);
    size_t o = dl;
    if (dl > 0 && dir[dl - 1] != '/')
        p[o++] = '/';
    memcpy(p + o, name, name_len);
    p[o + name_len] = '\0';
    return p;
}

static char *join_name(const char *dir, const char *name)
{
    return join(dir, name, strlen(name));
}

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

/* An ordinary name that stays in the output directory: not empty, no '/'
 * or '\\', no leading '.', no line break or other control character. */
static bool plain_name(const char *s, size_t len)
{
    return len > 0 && memchr(s, '/', len) == NULL && memchr(s, '\\', len) == NULL && s[0] != '.' &&
           !has_control(s, len);
}

static bool safe_name(const char *s)
{
    return plain_name(s, strlen(s));
}

/* The output's name, and the JSON's beside it (the stem with .json). An
 * explicit name must be a plain_name(). */
static bool set_outputs(batch_job *j, const char *output, size_t len)
{
    char name[OUTNAME_MAX + 60];
    if (len == 0) {
        outname_safe(j->client, name, sizeof name - 8);
        memcpy(name + strlen(name), ".xlsx", 6);
    } else {
        if (len >= sizeof name - 8 || !plain_name(output, len))
            return false;
        memcpy(name, output, len);
        name[len] = '\0';
    }
    j->output = xstrdup(name);
    if (outname_has_ext(name, ".xlsx"))
        name[strlen(name) - 5] = '\0'; /* C.XLSX has the JSON C.json, as report's */
    memcpy(name + strlen(name), ".json", 6);
    j->json = xstrdup(name);
    return true;
}

/* The official template's name: given (the same rules as output), else the
 * workbook's stem + ".template.xlsx". */
static bool set_template_output(batch_job *j, const char *given, size_t len)
{
    char name[OUTNAME_MAX + 80];
    free(j->template_output);
    j->template_output = NULL;
    if (len > 0) {
        if (len >= sizeof name || !plain_name(given, len))
            return false;
        j->template_output = xstrndup(given, len);
        return true;
    }
    snprintf(name, sizeof name, "%s", j->output);
    char *dot = strrchr(name, '.');
    if (dot != NULL && strcmp(dot, ".xlsx") == 0)
        *dot = '\0';
    size_t n = strlen(name);
    snprintf(name + n, sizeof name - n, ".template.xlsx");
    j->template_output = xstrdup(name);
    return true;
}

enum { M_CLIENT, M_ELECTRICITY, M_PRODUCTION, M_ENTERPRISES, M_OUTPUT, M_LANG, M_GRID, M_RESIDUAL, M_CBAM,
       M_ENTERPRISE, M_SOURCE, M_MAP, M_ENCODING, M_PRODUCT, M_TEMPLATE, M_LABEL, M__N };
static const columns_spec manifest_columns[M__N] = {
    [M_CLIENT] = {"client", true, NULL},          [M_ELECTRICITY] = {"electricity", true, NULL},
    [M_PRODUCTION] = {"production", true, NULL},  [M_ENTERPRISES] = {"enterprises", true, NULL},
    [M_OUTPUT] = {"output", true, NULL},          [M_LANG] = {"lang", false, NULL},
    [M_GRID] = {"grid_factor", false, NULL},      [M_RESIDUAL] = {"residual_factor", false, NULL},
    [M_CBAM] = {"cbam_grid_factor", false, NULL}, [M_ENTERPRISE] = {"enterprise", false, NULL},
    [M_SOURCE] = {"source", false, NULL},         [M_MAP] = {"map", false, NULL},
    [M_ENCODING] = {"encoding", false, NULL},     [M_PRODUCT] = {"product", false, NULL},
    [M_TEMPLATE] = {"template_output", false, NULL}, [M_LABEL] = {"interval_label", false, NULL},
};

const char *batch_manifest_columns(void)
{
    return "client, electricity, production, enterprises, output, enterprise, lang, grid_factor, "
           "residual_factor, cbam_grid_factor, source, map, encoding, product, template_output, interval_label";
}

struct manifest_ctx {
    batch_plan *p;
    const char *name, *dir;
    diag_list *dl;
    columns_result cols;
    bool have_header;
    strmap *seen; /* client id -> job index + 1 */
    enum cbam_err err;
};

static const char *mfield(const struct manifest_ctx *c, const csvin_row *row, int k, size_t *len)
{
    const char *s = columns_field(row, c->cols.idx[k], len);
    parse_trim(&s, len);
    return s;
}

/* The manifest's column number of column k (1-based; 0 when absent). */
static int mcol(const struct manifest_ctx *c, int k)
{
    return c->cols.idx[k] + 1;
}

#define MAX_PARTS CLI_MAX_INPUTS

struct part {
    const char *s;
    size_t len;
};

/* Splits s at sep into trimmed parts; the count, or MAX_PARTS + 1 when there
 * are more. An empty field has no parts. */
static size_t split_parts(const char *s, size_t len, char sep, struct part *parts)
{
    size_t n = 0;
    if (len == 0)
        return 0;
    for (;;) {
        const char *end = memchr(s, sep, len);
        size_t pl = end ? (size_t)(end - s) : len;
        if (n == MAX_PARTS)
            return MAX_PARTS + 1;
        const char *t = s;
        size_t tl = pl;
        parse_trim(&t, &tl);
        parts[n++] = (struct part){t, tl};
        if (end == NULL)
            return n;
        s += pl + 1;
        len -= pl + 1;
    }
}

/* A ';'-separated list of paths into files[] (empty parts left out); false
 * when there are too many. part_file[i], when not NULL, is the file index of
 * part i, -1 for an empty part. */
static bool split_paths(const struct manifest_ctx *c, const char *s, size_t len, char **files, size_t *n,
                        size_t *nparts, int *part_file)
{
    struct part parts[MAX_PARTS];
    size_t np = split_parts(s, len, ';', parts);
    *n = 0;
    if (nparts != NULL)
        *nparts = np;
    if (np > MAX_PARTS)
        return false;
    for (size_t i = 0; i < np; i++) {
        if (part_file != NULL)
            part_file[i] = -1;
        if (parts[i].len == 0)
            continue;
        if (*n == BATCH_MAX_FILES)
            return false;
        if (part_file != NULL)
            part_file[i] = (int)*n;
        files[(*n)++] = join(c->dir, parts[i].s, parts[i].len);
    }
    return true;
}

static char *opt_dup(const struct manifest_ctx *c, const csvin_row *row, int k)
{
    size_t len;
    const char *s = mfield(c, row, k, &len);
    return len > 0 ? xstrndup(s, len) : NULL;
}

static void row_error(struct manifest_ctx *c, const csvin_row *row, int k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void row_error(struct manifest_ctx *c, const csvin_row *row, int k, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(c->dl, DIAG_ERROR, c->name, row->line, k >= 0 ? mcol(c, k) : 0, "%s", msg);
    c->err = CBAM_ERR_DATA;
}

static bool column_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* One file's map part: COLUMN=HEADER pairs separated by '|'. */
static bool parse_map(struct manifest_ctx *c, const csvin_row *row, batch_job *j, batch_file_opts *o,
                      const struct part *pt, size_t file)
{
    char q[200];
    o->map_buf = xstrndup(pt->s, pt->len);
    char *s = o->map_buf;
    for (;;) {
        char *bar = strchr(s, '|');
        if (bar != NULL)
            *bar = '\0';
        char *eq = strchr(s, '=');
        const char *col = s, *head = eq ? eq + 1 : "";
        size_t cl = eq ? (size_t)(eq - s) : strlen(s), hl = strlen(head);
        parse_trim(&col, &cl);
        parse_trim(&head, &hl);
        bool good = eq != NULL && cl > 0 && hl > 0;
        for (size_t i = 0; good && i < cl; i++)
            good = column_name_char(col[i]);
        if (!good) {
            row_error(c, row, M_MAP,
                      "map \"%s\" for electricity file %zu of client %s is not COLUMN=HEADER; expected "
                      "pairs such as meter_id=计量点号|kwh=电量, separated by '|'",
                      diag_quote(q, sizeof q, pt->s, pt->len), file + 1, j->client);
            return false;
        }
        if (o->nmap == CLI_MAX_FILE_MAP) {
            row_error(c, row, M_MAP, "more than %d COLUMN=HEADER pairs for electricity file %zu of client %s",
                      CLI_MAX_FILE_MAP, file + 1, j->client);
            return false;
        }
        /* Terminate both in place: col and head are inside map_buf. */
        ((char *)col)[cl] = '\0';
        ((char *)head)[hl] = '\0';
        o->map[o->nmap++] = (columns_user_map){col, head};
        if (bar == NULL)
            return true;
        s = bar + 1;
    }
}

/* The per-file columns (source, map, encoding, product): one ';' part per
 * electricity part, in step with it. */
static void per_file_columns(struct manifest_ctx *c, const csvin_row *row, batch_job *j, size_t e_parts,
                             const int *part_file)
{
    static const int ks[] = {M_SOURCE, M_MAP, M_ENCODING, M_PRODUCT};
    char q[200];
    for (size_t kk = 0; kk < sizeof ks / sizeof ks[0]; kk++) {
        int k = ks[kk];
        size_t len;
        const char *s = mfield(c, row, k, &len);
        struct part parts[MAX_PARTS];
        size_t np = split_parts(s, len, ';', parts);
        if (np == 0)
            continue;
        const char *col = manifest_columns[k].name;
        if (np != e_parts) {
            row_error(c, row, k,
                      "%s has %zu part%s but electricity has %zu for client %s; expected one part per "
                      "electricity file, separated by ';' (an empty part for a file without one), or none",
                      col, np > MAX_PARTS ? (size_t)MAX_PARTS : np, np == 1 ? "" : "s", e_parts, j->client);
            continue;
        }
        for (size_t i = 0; i < np; i++) {
            if (parts[i].len == 0)
                continue;
            int f = part_file[i];
            if (f < 0) {
                row_error(c, row, k, "%s part %zu of client %s is for an empty electricity part; expected a "
                                     "file in electricity part %zu",
                          col, i + 1, j->client, i + 1);
                continue;
            }
            if (j->eopts == NULL)
                j->eopts = xcalloc(BATCH_MAX_FILES, sizeof *j->eopts);
            batch_file_opts *o = &j->eopts[f];
            if (k == M_SOURCE) {
                enum supply_source src;
                if (!supply_parse(parts[i].s, parts[i].len, &src))
                    row_error(c, row, k, "source \"%s\" for electricity file %d of client %s is not a supply "
                                         "source; expected one of %s",
                              diag_quote(q, sizeof q, parts[i].s, parts[i].len), f + 1, j->client,
                              supply_names_list());
                else
                    o->source = (int)src + 1;
            } else if (k == M_ENCODING) {
                char *enc = xstrndup(parts[i].s, parts[i].len);
                if (!csvin_encoding_known(enc)) {
                    row_error(c, row, k, "encoding \"%s\" for electricity file %d of client %s is not known; "
                                         "expected auto, utf-8, gb18030, gbk, utf-16le or utf-16be",
                              diag_quote(q, sizeof q, parts[i].s, parts[i].len), f + 1, j->client);
                    free(enc);
                } else {
                    o->encoding = enc;
                }
            } else if (k == M_PRODUCT) {
                o->product = xstrndup(parts[i].s, parts[i].len);
            } else {
                parse_map(c, row, j, o, &parts[i], (size_t)f);
            }
        }
    }
}

/* Refuses a header column the manifest does not know: a misspelt
 * "sources" or "encodeing" would otherwise be dropped without a word. */
static void unknown_columns(struct manifest_ctx *c, const csvin_row *row)
{
    for (size_t f = 0; f < row->nfields; f++) {
        const char *s = row->field[f];
        size_t len = row->len[f];
        parse_trim(&s, &len);
        if (len == 0)
            continue; /* a spreadsheet's trailing empty column */
        bool known = false;
        for (int k = 0; k < M__N && !known; k++)
            known = c->cols.idx[k] == (int)f;
        if (!known) {
            char q[200];
            diag_add(c->dl, DIAG_ERROR, c->name, row->line, (int)f + 1,
                     "unknown column '%s' in the manifest; expected only these columns: %s",
                     diag_quote(q, sizeof q, s, len), batch_manifest_columns());
            c->err = CBAM_ERR_DATA;
        }
    }
}

/* A plain output name given in the manifest that does not end in .xlsx: as
 * report -o, a workbook named .csv or .json would be taken for another kind
 * of file (and gamma.json would get the JSON gamma.json.json). */
static bool not_xlsx(const char *s, size_t len)
{
    char name[OUTNAME_MAX + 80];
    if (len == 0 || len >= sizeof name || !plain_name(s, len))
        return false; /* empty: the default name; not plain: reported as such */
    memcpy(name, s, len);
    name[len] = '\0';
    return !outname_has_ext(name, ".xlsx");
}

static int on_manifest_row(void *vc, const csvin_row *row)
{
    struct manifest_ctx *c = vc;
    if (!c->have_header) {
        c->have_header = true;
        if (columns_map(manifest_columns, M__N, NULL, 0, row, c->name, c->dl, &c->cols) != CBAM_OK) {
            c->err = CBAM_ERR_DATA;
            return 1;
        }
        unknown_columns(c, row);
        return c->err != CBAM_OK;
    }
    size_t len;
    char q[200];
    const char *client = mfield(c, row, M_CLIENT, &len);
    if (len == 0) {
        row_error(c, row, M_CLIENT, "client is empty; expected the client's id");
        return 0;
    }
    if (has_control(client, len)) {
        row_error(c, row, M_CLIENT, "client \"%s\" has a line break or another control character; expected a "
                                    "printable id",
                  diag_quote(q, sizeof q, client, len));
        return 0;
    }
    uintptr_t seen = (uintptr_t)strmap_get(c->seen, client, len);
    if (seen != 0) {
        row_error(c, row, M_CLIENT, "client %.*s is already listed on line %ld; expected each client once",
                  (int)len, client, c->p->jobs[seen - 1].line);
        return 0;
    }
    batch_job *j = new_job(c->p);
    strmap_put(c->seen, client, len, (void *)(uintptr_t)c->p->n);
    j->client = xstrndup(client, len);
    j->line = row->line;
    const char *s;
    bool ok = true;
    size_t e_parts;
    int part_file[MAX_PARTS];
    s = mfield(c, row, M_ELECTRICITY, &len);
    ok &= split_paths(c, s, len, j->electricity, &j->ne, &e_parts, part_file);
    s = mfield(c, row, M_PRODUCTION, &len);
    ok &= split_paths(c, s, len, j->production, &j->np, NULL, NULL);
    s = mfield(c, row, M_ENTERPRISES, &len);
    ok &= split_paths(c, s, len, j->enterprises, &j->ni, NULL, NULL);
    if (!ok)
        row_error(c, row, -1, "more than %d files of one kind for client %s", BATCH_MAX_FILES, j->client);
    if (j->ne == 0)
        row_error(c, row, M_ELECTRICITY, "electricity is empty for client %s; expected the client's meter file",
                  j->client);
    if (ok)
        per_file_columns(c, row, j, e_parts, part_file);
    s = mfield(c, row, M_OUTPUT, &len);
    if (not_xlsx(s, len)) {
        row_error(c, row, M_OUTPUT,
                  "output \"%s\" is the workbook's name but does not end in .xlsx; expected a name such as "
                  "client-a.xlsx (its JSON is then client-a.json)",
                  diag_quote(q, sizeof q, s, len));
        set_outputs(j, "", 0);
    } else if (!set_outputs(j, s, len)) {
        row_error(c, row, M_OUTPUT,
                  "output \"%s\" is not a file name; expected a name inside the output directory, such as "
                  "client-a.xlsx (no '/', '\\', leading '.', line break or other control character)",
                  diag_quote(q, sizeof q, s, len));
        set_outputs(j, "", 0);
    }
    s = mfield(c, row, M_TEMPLATE, &len);
    if (len > 0 && !c->p->templates) {
        row_error(c, row, M_TEMPLATE,
                  "template_output is given for client %s, but the run has no --template OFFICIAL.xlsx; expected "
                  "--template (or an empty column)",
                  j->client);
    } else if (c->p->templates && not_xlsx(s, len)) {
        row_error(c, row, M_TEMPLATE,
                  "template_output \"%s\" is a workbook's name but does not end in .xlsx; expected a name such "
                  "as client-a.template.xlsx",
                  diag_quote(q, sizeof q, s, len));
        set_template_output(j, "", 0);
    } else if (c->p->templates && !set_template_output(j, s, len)) {
        row_error(c, row, M_TEMPLATE,
                  "template_output \"%s\" is not a file name; expected a name inside the output directory, such "
                  "as client-a.template.xlsx",
                  diag_quote(q, sizeof q, s, len));
        set_template_output(j, "", 0);
    }
    j->lang = opt_dup(c, row, M_LANG);
    if (j->lang != NULL && strcmp(j->lang, "en") != 0 && strcmp(j->lang, "zh") != 0)
        row_error(c, row, M_LANG, "lang \"%s\" is not en or zh", j->lang);
    j->grid_factor = opt_dup(c, row, M_GRID);
    j->residual_factor = opt_dup(c, row, M_RESIDUAL);
    j->cbam_grid_factor = opt_dup(c, row, M_CBAM);
    j->enterprise = opt_dup(c, row, M_ENTERPRISE);
    j->interval_label = opt_dup(c, row, M_LABEL);
    if (j->interval_label != NULL && strcmp(j->interval_label, "start") != 0 && strcmp(j->interval_label, "end") != 0)
        row_error(c, row, M_LABEL, "interval_label \"%s\" is not start or end (what the times of interval rows name)",
                  j->interval_label);
    return 0;
}

/* Every client's workbook and JSON, and the run's own files, must be
 * different files, also where letter case is ignored (Windows shares,
 * macOS): else one client's report silently replaces another's. file is
 * the manifest (jobs name their line) or the --scan folder. */
static enum cbam_err check_output_names(const batch_plan *p, const char *file, int col, bool scan,
                                        diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    outname_set *set = outname_set_new();
    static const char *const own[] = {SUMMARY_XLSX, SUMMARY_JSON, STATE_FILE, BATCH_LOCK_FILE};
    char owner[1024];
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        snprintf(owner, sizeof owner, "the batch run itself writes %s", own[i]);
        outname_set_add(set, own[i], owner);
    }
    for (size_t i = 0; i < p->n; i++) {
        const batch_job *j = &p->jobs[i];
        const char *names[3] = {j->output, j->json, j->template_output};
        for (int k = 0; k < 3 && names[k] != NULL; k++) {
            if (scan)
                snprintf(owner, sizeof owner, "client folder '%s' writes %s", j->client, names[k]);
            else
                snprintf(owner, sizeof owner, "client %s (line %ld) writes %s", j->client, j->line, names[k]);
            const char *prev = outname_set_add(set, names[k], owner);
            if (prev == NULL)
                continue;
            size_t pl = strlen(prev), nl = strlen(names[k]);
            bool case_only = pl >= nl && strcmp(prev + pl - nl, names[k]) != 0;
            if (scan) {
                char *where = join_name(file, j->client);
                diag_add(dl, DIAG_ERROR, where, 0, 0,
                         "client folder '%s' writes %s, but %s%s; expected folder names that give "
                         "different file names: rename one of the folders",
                         j->client, names[k], prev,
                         case_only ? " (letter case is ignored: Windows and macOS see one file)" : "");
                free(where);
            } else {
                diag_add(dl, DIAG_ERROR, file, j->line, col,
                         "client %s writes %s, but %s%s; expected a file of its own for each client: set "
                         "a different output for one of them",
                         j->client, names[k], prev,
                         case_only ? " (letter case is ignored: Windows and macOS see one file)" : "");
            }
            err = CBAM_ERR_DATA;
            break; /* its JSON collides with the same owner's: once is enough */
        }
    }
    outname_set_free(set);
    return err;
}

enum cbam_err batch_read_manifest(const char *path, batch_plan *p, diag_list *dl)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    struct manifest_ctx c = {.p = p, .name = path, .dir = dir, .dl = dl, .seen = strmap_new()};
    enum cbam_err err = csvin_read_file(path, path, NULL, on_manifest_row, &c, dl, NULL);
    free(dir);
    strmap_free(c.seen);
    if (err == CBAM_OK && !c.have_header) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "empty manifest; expected a header and one row per client");
        err = CBAM_ERR_DATA;
    }
    if (err == CBAM_OK && c.err == CBAM_OK)
        err = check_output_names(p, path, mcol(&c, M_OUTPUT), false, dl);
    return err != CBAM_OK ? err : c.err;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

enum cbam_err batch_scan(const char *dir, batch_plan *p, diag_list *dl)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        diag_add(dl, DIAG_ERROR, dir, 0, 0, "cannot read the clients directory: %s", strerror(errno));
        return CBAM_ERR_NOINPUT;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        names = xreallocarray(names, n + 1, sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name); /* the same order on every machine */
    enum cbam_err err = CBAM_OK;
    for (size_t i = 0; i < n; i++) {
        char *sub = join(dir, names[i], strlen(names[i]));
        char *e = join(sub, "electricity.csv", 15);
        struct stat st;
        bool is_dir = stat(sub, &st) == 0 && S_ISDIR(st.st_mode);
        size_t nl = strlen(names[i]);
        if (is_dir && access(e, F_OK) == 0 && (has_control(names[i], nl) || !utf8_valid(names[i], nl, NULL))) {
            /* The id goes to the summary, the log and the state file (JSON: UTF-8 only). */
            char q[200];
            diag_add(dl, DIAG_ERROR, dir, 0, 0, /* the folder's own name would garble the message */
                     "the folder name \"%s\" %s; expected a client id of printable UTF-8: rename the folder",
                     diag_quote(q, sizeof q, names[i], nl),
                     has_control(names[i], nl) ? "has a line break or another control character"
                                               : "is not UTF-8 (GBK from a Windows archive?)");
            err = CBAM_ERR_DATA;
        } else if (is_dir && access(e, F_OK) == 0) {
            batch_job *j = new_job(p);
            j->client = xstrdup(names[i]);
            j->electricity[j->ne++] = e;
            e = NULL;
            char *pf = join(sub, "production.csv", 14), *ef = join(sub, "enterprises.csv", 15);
            if (access(pf, F_OK) == 0)
                j->production[j->np++] = pf;
            else
                free(pf);
            if (access(ef, F_OK) == 0)
                j->enterprises[j->ni++] = ef;
            else
                free(ef);
            set_outputs(j, "", 0);
            if (p->templates)
                set_template_output(j, "", 0);
        } else if (is_dir) {
            diag_add(dl, DIAG_NOTE, sub, 0, 0, "no electricity.csv: not a client folder, left out");
        }
        free(e);
        free(sub);
        free(names[i]);
    }
    free(names);
    if (err == CBAM_OK && p->n == 0) {
        diag_add(dl, DIAG_ERROR, dir, 0, 0, "no client folders (a folder with electricity.csv) here");
        return CBAM_ERR_DATA;
    }
    if (err == CBAM_OK)
        err = check_output_names(p, dir, 0, true, dl);
    return err;
}

void batch_job_report_args(const batch_job *j, cli_report_args *a)
{
    a->nelectricity = j->ne;
    a->nproduction = j->np;
    a->nenterprises = j->ni;
    for (size_t i = 0; i < j->ne; i++) {
        a->electricity[i] = j->electricity[i];
        if (j->eopts == NULL)
            continue;
        const batch_file_opts *o = &j->eopts[i];
        a->electricity_source[i] = o->source;
        a->electricity_product[i] = o->product;
        a->electricity_encoding[i] = o->encoding;
        for (size_t k = 0; k < o->nmap; k++)
            a->electricity_map[i][k] = o->map[k];
        a->nelectricity_map[i] = o->nmap;
    }
    for (size_t i = 0; i < j->np; i++)
        a->production[i] = j->production[i];
    for (size_t i = 0; i < j->ni; i++)
        a->enterprises[i] = j->enterprises[i];
    a->grid_factor = j->grid_factor;
    a->residual_factor = j->residual_factor;
    a->cbam_grid_factor = j->cbam_grid_factor;
    a->enterprise = j->enterprise;
    a->zh = j->lang != NULL && strcmp(j->lang, "zh") == 0;
    a->interval_label = j->interval_label == NULL                  ? INGEST_LABEL_DETECT
                        : strcmp(j->interval_label, "end") == 0 ? INGEST_LABEL_END
                                                                 : INGEST_LABEL_START;
}

static uint64_t batch_client_hash(const char *client)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)client; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

bool batch_in_shard(const char *client, int k, int n)
{
    return n <= 1 || (int)(batch_client_hash(client) % (uint64_t)n) == k - 1;
}

void batch_plan_shard(batch_plan *p, int k, int n)
{
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (batch_in_shard(p->jobs[i].client, k, n))
            p->jobs[kept++] = p->jobs[i];
        else
            job_free(&p->jobs[i]);
    }
    p->n = kept;
}

/* Whether path is a regular file (or missing: the report says so); else why
 * not, into why. A FIFO or device would block or never end the client. */
static bool regular_or_missing(const char *path, char *why, size_t size)
{
    diag_list dl;
    diag_list_init(&dl);
    bool ok = outfile_check_input(path, &dl) == CBAM_OK;
    if (!ok && dl.count > 0) {
        size_t n = utf8_cut(path, strlen(path), size / 2);
        snprintf(why, size, "%.*s: %s", (int)n, path, dl.items[0].message);
        why[utf8_cut(why, strlen(why), size - 1)] = '\0';
    }
    diag_list_free(&dl);
    return ok;
}

enum cbam_err batch_job_key(batch_job *job, const char *const *factor_files, size_t nfactor_files)
{
    struct {
        const char *role;
        char *const *files;
        size_t n;
    } sets[] = {{"electricity", job->electricity, job->ne},
                {"production", job->production, job->np},
                {"enterprises", job->enterprises, job->ni},
                {"factors", (char *const *)factor_files, nfactor_files}};
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < sets[s].n; i++)
            if (!regular_or_missing(sets[s].files[i], job->error, sizeof job->error))
                return CBAM_ERR_NOINPUT;

    /* The key text: every thing that changes an output, one per line. */
    size_t cap = 4096, len = 0;
    char *text = xmalloc(cap);
#define ADD(...)                                                                                          \
    do {                                                                                                  \
        int n_ = snprintf(text + len, cap - len, __VA_ARGS__);                                            \
        while (n_ >= 0 && (size_t)n_ >= cap - len) {                                                      \
            cap *= 2;                                                                                     \
            text = xrealloc(text, cap);                                                                   \
            n_ = snprintf(text + len, cap - len, __VA_ARGS__);                                            \
        }                                                                                                 \
        len += n_ > 0 ? (size_t)n_ : 0;                                                                   \
    } while (0)
    ADD("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
    ADD("output %s %s lang %s\n", job->output, job->json, job->lang ? job->lang : "en");
    ADD("enterprise %s\n", job->enterprise ? job->enterprise : "-");
    ADD("interval_label %s\n", job->interval_label ? job->interval_label : "-");
    ADD("template_output %s\n", job->template_output ? job->template_output : "-");
    ADD("factors %s %s %s\n", job->grid_factor ? job->grid_factor : "-",
        job->residual_factor ? job->residual_factor : "-", job->cbam_grid_factor ? job->cbam_grid_factor : "-");
    for (size_t i = 0; job->eopts != NULL && i < job->ne; i++) {
        const batch_file_opts *o = &job->eopts[i];
        ADD("electricity %zu source %s product %s encoding %s map", i + 1,
            o->source > 0 ? supply_name((enum supply_source)(o->source - 1)) : "-", o->product ? o->product : "-",
            o->encoding ? o->encoding : "-");
        for (size_t k = 0; k < o->nmap; k++)
            ADD(" %s=%s", o->map[k].canonical, o->map[k].header);
        ADD("\n");
    }
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < sets[s].n; i++) {
            char h[HASH_HEX_SIZE];
            if (!hash_file(sets[s].files[i], h))
                snprintf(h, sizeof h, "unreadable");
            ADD("%s %s %s\n", sets[s].role, sets[s].files[i], h);
        }
    }
#undef ADD
    hash_bytes(text, len, job->key);
    free(text);
    return CBAM_OK;
}

static bool exists_in(const char *dir, const char *name)
{
    char *p = join_name(dir, name);
    bool there = access(p, F_OK) == 0;
    free(p);
    return there;
}

static json_t *load_json(const char *path)
{
    json_error_t e;
    return json_load_file(path, 0, &e);
}

static void totals_from(batch_job *j, json_t *o)
{
    json_t *em = json_object_get(o, "emissions_t_co2");
    if (!json_is_object(em))
        return;
    j->has_totals = true;
    j->kwh = json_number_value(json_object_get(o, "electricity_kwh"));
    j->location_t = json_number_value(json_object_get(em, "location"));
    j->market_t = json_number_value(json_object_get(em, "market"));
    j->cbam_t = json_number_value(json_object_get(em, "cbam"));
    json_t *g = json_object_get(o, "green_share");
    j->has_green_share = json_is_number(g);
    j->green_share = json_number_value(g);
}

static void info_clear(batch_output_info *info)
{
    memset(info, 0, sizeof *info);
    info->warnings = -1;
}

/* A string of the JSON object o into buf when it fits (else buf stays ""). */
static void str_into(json_t *o, const char *key, char *buf, size_t size)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v != NULL && strlen(v) < size && !has_control(v, strlen(v)))
        memcpy(buf, v, strlen(v) + 1);
}

bool batch_output_read(const char *dir, const batch_job *job, batch_output_info *info)
{
    info_clear(info);
    char *xlsx = join_name(dir, job->output);
    struct stat st;
    bool there = stat(xlsx, &st) == 0 && S_ISREG(st.st_mode);
    free(xlsx);
    if (!there)
        return false;
    struct tm tm;
    if (gmtime_r(&st.st_mtime, &tm) != NULL)
        strftime(info->written, sizeof info->written, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *jpath = join_name(dir, job->json);
    json_t *root = load_json(jpath);
    free(jpath);
    if (!json_is_object(root)) {
        json_decref(root);
        return true; /* the workbook is there; what it holds is unknown */
    }
    str_into(root, "inputs_sha256", info->inputs_sha256, sizeof info->inputs_sha256);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(root, "enterprises"), i, o) {
        char from[sizeof info->period_from] = "", to[sizeof info->period_to] = "";
        str_into(o, "period_from", from, sizeof from);
        str_into(o, "period_to", to, sizeof to);
        if (from[0] && (!info->period_from[0] || strcmp(from, info->period_from) < 0))
            memcpy(info->period_from, from, sizeof from);
        if (to[0] && strcmp(to, info->period_to) > 0)
            memcpy(info->period_to, to, sizeof to);
    }
    json_t *diags = json_object_get(root, "diagnostics");
    if (json_is_array(diags)) {
        info->warnings = 0;
        json_array_foreach(diags, i, o) {
            const char *sev = json_string_value(json_object_get(o, "severity"));
            info->warnings += sev != NULL && strcmp(sev, "warning") == 0;
        }
    }
    json_decref(root);
    return true;
}

static void stamp_of(const char *dir, const char *name, batch_stamp *st)
{
    struct stat sb;
    char *path = name != NULL ? join_name(dir, name) : NULL;
    if (path != NULL && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        st->size = (long long)sb.st_size;
        st->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    } else {
        st->size = st->mtime_ns = -1;
    }
    free(path);
}

/* Whether the job's files k (0 workbook, 1 JSON, 2 template) are as recorded. */
static bool stamps_match(const batch_job *job, const char *out_dir, int from, int to)
{
    if (!job->has_stamp)
        return false;
    const char *names[3] = {job->output, job->json, job->template_output};
    for (int k = from; k <= to; k++) {
        batch_stamp now;
        stamp_of(out_dir, names[k], &now);
        if (now.size != job->stamp[k].size || now.mtime_ns != job->stamp[k].mtime_ns)
            return false;
    }
    return true;
}

/* Whether the JSON beside the workbook describes it: both as the recorded
 * run left them, or with no record, written within a few seconds of each
 * other (report writes both at once). A workbook re-made by hand without
 * --json keeps an older JSON that does not describe it. */
static bool json_describes_workbook(const batch_job *j, const char *out_dir)
{
    if (j->has_stamp)
        return stamps_match(j, out_dir, 0, 1);
    batch_stamp x, js;
    stamp_of(out_dir, j->output, &x);
    stamp_of(out_dir, j->json, &js);
    long long d = x.mtime_ns - js.mtime_ns;
    return js.size >= 0 && d < 5000000000LL && d > -5000000000LL;
}

void batch_note_earlier(batch_job *j, const char *out_dir)
{
    if (j->status != BATCH_FAILED && j->status != BATCH_NOT_RUN)
        return;
    j->from = batch_output_read(out_dir, j, &j->earlier) ? BATCH_FROM_EARLIER : BATCH_FROM_NONE;
    if (j->from == BATCH_FROM_EARLIER && !json_describes_workbook(j, out_dir)) {
        char written[sizeof j->earlier.written];
        memcpy(written, j->earlier.written, sizeof written);
        info_clear(&j->earlier); /* its inputs and period are unknown; its date is its own */
        memcpy(j->earlier.written, written, sizeof written);
    }
}

/* The info's known fields into o (the date only when asked: this run's own
 * outputs carry none, so reruns stay byte-identical). */
static void info_to_json(const batch_output_info *info, json_t *o, bool with_date);

/* Back from a state record or a summary. */
static void info_from_json(json_t *o, batch_output_info *info)
{
    info_clear(info);
    if (!json_is_object(o))
        return;
    str_into(o, "inputs_sha256", info->inputs_sha256, sizeof info->inputs_sha256);
    str_into(o, "period_from", info->period_from, sizeof info->period_from);
    str_into(o, "period_to", info->period_to, sizeof info->period_to);
    str_into(o, "written_utc", info->written, sizeof info->written);
    json_t *w = json_object_get(o, "warnings");
    if (json_is_integer(w) && json_integer_value(w) >= 0)
        info->warnings = (long)json_integer_value(w);
}

bool batch_job_unchanged(const batch_job *job, const char *out_dir)
{
    if (job->prev_key[0] == '\0' || job->key[0] == '\0' || strcmp(job->prev_key, job->key) != 0 ||
        !exists_in(out_dir, job->output) || !exists_in(out_dir, job->json) ||
        (job->template_output != NULL && !exists_in(out_dir, job->template_output)))
        return false; /* build them again */
    /* Another run (a second manifest on this directory, a report by hand)
     * may have replaced them since: then they are not what the record says. */
    if (!stamps_match(job, out_dir, 0, job->template_output != NULL ? 2 : 1) || !job->info.inputs_sha256[0])
        return false;
    char *jpath = join_name(out_dir, job->json);
    json_t *root = load_json(jpath);
    free(jpath);
    const char *h = json_string_value(json_object_get(root, "inputs_sha256"));
    bool same = h != NULL && strcmp(h, job->info.inputs_sha256) == 0;
    json_decref(root);
    return same;
}

void batch_load_state(batch_plan *p, const char *out_dir)
{
    char *path = join_name(out_dir, STATE_FILE);
    json_t *state = load_json(path);
    free(path);
    json_t *clients = json_object_get(state, "clients");
    for (size_t i = 0; i < p->n && json_is_object(clients); i++) {
        batch_job *j = &p->jobs[i];
        json_t *rec = json_object_get(clients, j->client);
        json_t *stamps = json_object_get(rec, "files");
        if (json_is_array(stamps) && json_array_size(stamps) == 3) {
            j->has_stamp = true;
            for (size_t k = 0; k < 3; k++) {
                json_t *f = json_array_get(stamps, k);
                json_t *sz = json_object_get(f, "size"), *mt = json_object_get(f, "mtime_ns");
                j->has_stamp &= json_is_integer(sz) && json_is_integer(mt);
                j->stamp[k].size = (long long)json_integer_value(sz);
                j->stamp[k].mtime_ns = (long long)json_integer_value(mt);
            }
        }
        const char *key = json_string_value(json_object_get(rec, "key"));
        if (key == NULL || strlen(key) != HASH_HEX_SIZE - 1)
            continue;
        memcpy(j->prev_key, key, HASH_HEX_SIZE);
        totals_from(j, rec); /* the summary's figures when it is skipped */
        info_from_json(rec, &j->info);
    }
    json_decref(state);
}

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static void put(json_t *o, const char *k, json_t *v)
{
    if (v == NULL || json_object_set_new(o, k, v) != 0)
        xalloc_die();
}

static json_t *str_or_null(const char *s) { return s[0] ? json_string(s) : json_null(); }

static void info_to_json(const batch_output_info *info, json_t *o, bool with_date)
{
    if (with_date)
        put(o, "written_utc", str_or_null(info->written));
    put(o, "inputs_sha256", str_or_null(info->inputs_sha256));
    put(o, "period_from", str_or_null(info->period_from));
    put(o, "period_to", str_or_null(info->period_to));
    put(o, "warnings", info->warnings >= 0 ? json_integer(info->warnings) : json_null());
}

static json_t *totals_object(const batch_job *j, json_t *o)
{
    if (!j->has_totals)
        return o;
    put(o, "electricity_kwh", num(j->kwh));
    json_t *em = json_object();
    put(em, "location", num(j->location_t));
    put(em, "market", num(j->market_t));
    put(em, "cbam", num(j->cbam_t));
    put(o, "emissions_t_co2", em);
    put(o, "green_share", j->has_green_share ? num(j->green_share) : json_null());
    return o;
}

static enum cbam_err write_json_file(const char *path, json_t *root, diag_list *dl)
{
    outfile of;
    enum cbam_err err = outfile_open(&of, path, dl);
    if (err != CBAM_OK)
        return err;
    if (json_dumpf(root, of.fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) != 0 || fputc('\n', of.fp) == EOF) {
        outfile_abort(&of);
        diag_add(dl, DIAG_ERROR, path, 0, 0, "writing failed");
        return CBAM_ERR_CANTCREAT;
    }
    return outfile_commit(&of, dl);
}

enum cbam_err batch_save_state(const batch_plan *p, const char *out_dir, diag_list *dl)
{
    char *path = join_name(out_dir, STATE_FILE);
    json_t *state = load_json(path);
    if (!json_is_object(state)) {
        json_decref(state);
        state = json_object();
    }
    json_t *clients = json_object_get(state, "clients");
    if (!json_is_object(clients)) {
        clients = json_object();
        put(state, "clients", clients);
    }
    put(state, "tool", json_string(PACKAGE_NAME " " PACKAGE_VERSION));
    for (size_t i = 0; i < p->n; i++) {
        const batch_job *j = &p->jobs[i];
        if (j->status == BATCH_OK) {
            json_t *rec = json_object();
            put(rec, "key", json_string(j->key));
            put(rec, "output", json_string(j->output));
            put(rec, "json", json_string(j->json));
            info_to_json(&j->info, rec, false);
            /* The files as this run left them: the next run skips the
             * client only if nobody has replaced them since. */
            const char *names[3] = {j->output, j->json, j->template_output};
            json_t *files = json_array();
            for (int k = 0; k < 3; k++) {
                batch_stamp st;
                stamp_of(out_dir, names[k], &st);
                json_t *f = json_object();
                put(f, "size", json_integer(st.size));
                put(f, "mtime_ns", json_integer(st.mtime_ns));
                if (json_array_append_new(files, f) != 0)
                    xalloc_die();
            }
            put(rec, "files", files);
            put(clients, j->client, totals_object(j, rec));
        } else if (j->status == BATCH_FAILED) {
            /* Its outputs are no longer current (no key: never skipped),
             * but the record still tells whether the kept ones are that run's. */
            json_object_del(json_object_get(clients, j->client), "key");
        }
    }
    enum cbam_err err = write_json_file(path, state, dl);
    json_decref(state);
    free(path);
    return err;
}

void batch_run_start(batch_run *r, int shard_k, int shard_n)
{
    memset(r, 0, sizeof *r);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    if (gmtime_r(&ts.tv_sec, &tm) != NULL)
        strftime(r->started, sizeof r->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* Unique enough for runs on many machines at once: the time to the
     * nanosecond, the process id and a few random bytes when there are. */
    unsigned int rnd = (unsigned int)ts.tv_nsec;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        unsigned int x;
        if (read(fd, &x, sizeof x) == (ssize_t)sizeof x)
            rnd ^= x;
        close(fd);
    }
    snprintf(r->id, sizeof r->id, "%lld.%09ld-%ld-%08x", (long long)ts.tv_sec, ts.tv_nsec, (long)getpid(), rnd);
    r->running = true;
    r->shard_k = shard_k;
    r->shard_n = shard_n;
}

static json_t *run_to_json(const batch_run *r)
{
    json_t *o = json_object();
    put(o, "id", json_string(r->id));
    put(o, "state", json_string(r->running ? "running" : "finished"));
    put(o, "started_utc", str_or_null(r->started));
    put(o, "finished_utc", r->running ? json_null() : str_or_null(r->finished));
    if (r->shard_n > 0) {
        json_t *sh = json_object();
        put(sh, "k", json_integer(r->shard_k));
        put(sh, "n", json_integer(r->shard_n));
        put(o, "shard", sh);
    } else {
        put(o, "shard", json_null());
    }
    return o;
}

/* false when the summary has no run (an older version's, or not a summary). */
static bool run_from_json(json_t *o, batch_run *r)
{
    memset(r, 0, sizeof *r);
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *state = json_string_value(json_object_get(o, "state"));
    if (id == NULL || state == NULL || strlen(id) >= sizeof r->id)
        return false;
    memcpy(r->id, id, strlen(id) + 1);
    r->running = strcmp(state, "finished") != 0;
    str_into(o, "started_utc", r->started, sizeof r->started);
    str_into(o, "finished_utc", r->finished, sizeof r->finished);
    json_t *sh = json_object_get(o, "shard");
    json_t *k = json_object_get(sh, "k"), *n = json_object_get(sh, "n");
    if (json_is_integer(k) && json_is_integer(n) && json_integer_value(n) >= 1 && json_integer_value(n) <= 100000 &&
        json_integer_value(k) >= 1 && json_integer_value(k) <= json_integer_value(n)) {
        r->shard_k = (int)json_integer_value(k);
        r->shard_n = (int)json_integer_value(n);
    }
    return true;
}

static int cmp_job(const void *a, const void *b)
{
    return strcmp(((const batch_job *)a)->client, ((const batch_job *)b)->client);
}

enum cbam_err batch_write_summary(const batch_plan *p, const char *out_dir, diag_list *dl)
{
    /* By client id: the same summary whatever the order of the manifest or shards. */
    batch_job *sorted = xcalloc(p->n ? p->n : 1, sizeof *sorted);
    memcpy(sorted, p->jobs, p->n * sizeof *sorted);
    qsort(sorted, p->n, sizeof *sorted, cmp_job);

    json_t *root = json_object();
    json_t *tool = json_object();
    put(tool, "name", json_string(PACKAGE_NAME));
    put(tool, "version", json_string(PACKAGE_VERSION));
    put(root, "tool", tool);
    put(root, "run", run_to_json(&p->run));
    json_t *jobs = json_array();
    size_t counts[5] = {0}, kept = 0, warnings = 0;
    for (size_t i = 0; i < p->n; i++) {
        batch_job pending;
        if (p->run.running) {
            /* Written when the run starts: nothing of an earlier run's is
             * presented as this one's while it runs, or after it was killed. */
            pending = sorted[i];
            pending.status = BATCH_PENDING;
            pending.from = BATCH_FROM_NONE;
            pending.has_totals = false;
            pending.error[0] = '\0';
            pending.exit_code = 0;
            sorted[i] = pending;
        }
        const batch_job *j = &sorted[i];
        counts[j->status]++;
        json_t *o = json_object();
        put(o, "client", json_string(j->client));
        put(o, "status", json_string(batch_status_name(j->status)));
        put(o, "error", j->error[0] ? json_string(j->error) : json_null());
        put(o, "exit_code", json_integer(j->exit_code));
        put(o, "output", json_string(j->output));
        put(o, "json", json_string(j->json));
        put(o, "template_output", j->template_output ? json_string(j->template_output) : json_null());
        put(o, "output_from", json_string(batch_output_from_name(j->from)));
        batch_output_info none;
        info_clear(&none);
        bool current = j->status == BATCH_OK || j->status == BATCH_SKIPPED;
        info_to_json(current ? &j->info : &none, o, false);
        if (j->from == BATCH_FROM_EARLIER) {
            json_t *e = json_object();
            info_to_json(&j->earlier, e, true);
            put(o, "earlier_output", e);
        } else {
            put(o, "earlier_output", json_null());
        }
        kept += j->from == BATCH_FROM_EARLIER;
        warnings += current && j->info.warnings > 0 ? (size_t)j->info.warnings : 0;
        if (json_array_append_new(jobs, totals_object(j, o)) != 0)
            xalloc_die();
    }
    put(root, "jobs", jobs);
    json_t *c = json_object();
    put(c, "ok", json_integer((json_int_t)counts[BATCH_OK]));
    put(c, "failed", json_integer((json_int_t)counts[BATCH_FAILED]));
    put(c, "skipped", json_integer((json_int_t)counts[BATCH_SKIPPED]));
    put(c, "not_run", json_integer((json_int_t)counts[BATCH_NOT_RUN]));
    put(c, "pending", json_integer((json_int_t)counts[BATCH_PENDING]));
    put(c, "kept_earlier_output", json_integer((json_int_t)kept));
    put(c, "warnings", json_integer((json_int_t)warnings));
    put(root, "counts", c);
    char *jpath = join_name(out_dir, SUMMARY_JSON);
    enum cbam_err err = write_json_file(jpath, root, dl);
    free(jpath);
    json_decref(root);

    /* The same as a workbook, for the people who read it. */
    char *xpath = join_name(out_dir, SUMMARY_XLSX);
    outfile of;
    if (err == CBAM_OK && (err = outfile_open(&of, xpath, dl)) == CBAM_OK) {
        fclose(of.fp);
        of.fp = NULL;
        lxw_workbook *wb = workbook_new(of.tmp_path);
        lxw_error le = wb ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
        if (wb != NULL) {
            /* Reproducible: SOURCE_DATE_EPOCH, else a fixed date; never the clock (0 would be "now"). */
            const char *sde = getenv("SOURCE_DATE_EPOCH");
            long epoch = 946684800; /* 2000-01-01 */
            if (sde != NULL && parse_int(sde, strlen(sde), 1, 4102444800L, &epoch) != PARSE_OK)
                epoch = 946684800;
            lxw_doc_properties props = {.title = "cbamcalc batch summary", .created = (time_t)epoch};
            le = workbook_set_properties(wb, &props);
            lxw_worksheet *ws = workbook_add_worksheet(wb, "Summary");
            lxw_format *head = workbook_add_format(wb), *kwh = workbook_add_format(wb),
                       *t3 = workbook_add_format(wb), *pct = workbook_add_format(wb);
            format_set_bold(head);
            format_set_bg_color(head, 0xDDEBF7);
            format_set_num_format(kwh, "#,##0");
            format_set_num_format(t3, "#,##0.000");
            format_set_num_format(pct, "0.0%");
            static const char *const h[] = {"Client", "Status", "Output", "Output from", "Period", "Warnings",
                                            "Consumption (kWh)", "Location-based (tCO2)", "Market-based (tCO2)",
                                            "CBAM indirect (tCO2)", "Green share", "Inputs SHA-256", "Error"};
            static const double w[] = {18, 9, 24, 40, 17, 9, 16, 16, 16, 16, 10, 16, 90};
            enum { NCOLS = sizeof h / sizeof h[0] };
#define CK(expr)                                                                                          \
    do {                                                                                                  \
        lxw_error e_ = (expr);                                                                            \
        if (le == LXW_NO_ERROR)                                                                           \
            le = e_;                                                                                      \
    } while (0)
            for (int k = 0; k < NCOLS; k++) {
                CK(worksheet_write_string(ws, 0, (lxw_col_t)k, h[k], head));
                CK(worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, w[k], NULL));
            }
            for (size_t i = 0; i < p->n && le == LXW_NO_ERROR; i++) {
                const batch_job *j = &sorted[i];
                lxw_row_t r = (lxw_row_t)i + 1;
                bool current = j->status == BATCH_OK || j->status == BATCH_SKIPPED;
                char from[200], period[40];
                batch_output_from_text(j, from, sizeof from);
                CK(worksheet_write_string(ws, r, 0, j->client, NULL));
                CK(worksheet_write_string(ws, r, 1, batch_status_name(j->status), NULL));
                if (j->from != BATCH_FROM_NONE) /* only a file that is there */
                    CK(worksheet_write_string(ws, r, 2, j->output, NULL));
                CK(worksheet_write_string(ws, r, 3, from, NULL));
                if (current && j->info.period_from[0]) {
                    snprintf(period, sizeof period, "%s..%s", j->info.period_from, j->info.period_to);
                    CK(worksheet_write_string(ws, r, 4, period, NULL));
                }
                if (current && j->info.warnings >= 0)
                    CK(worksheet_write_number(ws, r, 5, (double)j->info.warnings, NULL));
                if (j->has_totals && isfinite(j->kwh) && isfinite(j->location_t) && isfinite(j->market_t) &&
                    isfinite(j->cbam_t)) {
                    CK(worksheet_write_number(ws, r, 6, j->kwh, kwh));
                    CK(worksheet_write_number(ws, r, 7, j->location_t, t3));
                    CK(worksheet_write_number(ws, r, 8, j->market_t, t3));
                    CK(worksheet_write_number(ws, r, 9, j->cbam_t, t3));
                    if (j->has_green_share && isfinite(j->green_share))
                        CK(worksheet_write_number(ws, r, 10, j->green_share, pct));
                }
                if (current && j->info.inputs_sha256[0])
                    CK(worksheet_write_string(ws, r, 11, j->info.inputs_sha256, NULL));
                if (j->error[0])
                    CK(worksheet_write_string(ws, r, 12, j->error, NULL));
            }
            worksheet_freeze_panes(ws, 1, 0);
            if (p->n > 0)
                CK(worksheet_autofilter(ws, 0, 0, (lxw_row_t)p->n, NCOLS - 1));
#undef CK
            lxw_error ce = workbook_close(wb);
            if (le == LXW_NO_ERROR)
                le = ce;
        }
        if (le != LXW_NO_ERROR) {
            diag_add(dl, DIAG_ERROR, xpath, 0, 0, "writing the summary failed: %s", lxw_strerror(le));
            outfile_abort(&of);
            err = CBAM_ERR_CANTCREAT;
        } else {
            err = outfile_commit(&of, dl);
        }
    }
    free(xpath);
    free(sorted);
    return err;
}

enum cbam_err batch_read_summary(const char *dir, batch_plan *p, batch_run *run, diag_list *dl)
{
    char *path = join_name(dir, SUMMARY_JSON);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    memset(run, 0, sizeof *run);
    if (root == NULL) {
        diag_add(dl, DIAG_ERROR, path, e.line > 0 ? e.line : 0, e.column > 0 ? e.column : 0,
                 "cannot read this batch summary: %s", e.text);
        free(path);
        return CBAM_ERR_NOINPUT;
    }
    size_t i;
    json_t *o;
    enum cbam_err err = CBAM_OK;
    if (!run_from_json(json_object_get(root, "run"), run)) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "this batch summary does not say which run wrote it (no \"run\": an older cbamcalc's?); "
                 "expected a shard's summary of this version: run the shard again");
        err = CBAM_ERR_DATA;
    } else if (run->running) {
        diag_add(dl, DIAG_ERROR, path, 0, 0,
                 "the run that wrote this summary (started %s) did not finish: it was stopped (kill -9, out of "
                 "memory, a lost node) and its files are partly of that run, partly earlier; expected a finished "
                 "run: run the shard again",
                 run->started[0] ? run->started : "at an unknown time");
        err = CBAM_ERR_DATA;
    }
    json_array_foreach(json_object_get(root, "jobs"), i, o) {
        const char *client = json_string_value(json_object_get(o, "client"));
        const char *status = json_string_value(json_object_get(o, "status"));
        if (client == NULL || status == NULL) {
            diag_add(dl, DIAG_ERROR, path, 0, 0, "job %zu has no client or status", i + 1);
            err = CBAM_ERR_DATA;
            continue;
        }
        batch_job *j = new_job(p);
        j->client = xstrdup(client);
        j->output = xstrdup(json_string_value(json_object_get(o, "output")) ? json_string_value(json_object_get(o, "output")) : "");
        j->json = xstrdup(json_string_value(json_object_get(o, "json")) ? json_string_value(json_object_get(o, "json")) : "");
        const char *tpl_out = json_string_value(json_object_get(o, "template_output"));
        j->template_output = tpl_out ? xstrdup(tpl_out) : NULL;
        for (int s = BATCH_PENDING; s <= BATCH_NOT_RUN; s++)
            if (strcmp(status, batch_status_name((enum batch_status)s)) == 0)
                j->status = (enum batch_status)s;
        const char *error = json_string_value(json_object_get(o, "error"));
        /* From a shard's summary: cut to fit, never inside a character. */
        size_t n = error ? utf8_cut(error, strlen(error), sizeof j->error - 1) : 0;
        memcpy(j->error, error ? error : "", n);
        j->error[n] = '\0';
        j->exit_code = (int)json_integer_value(json_object_get(o, "exit_code"));
        totals_from(j, o);
        info_from_json(o, &j->info);
        info_from_json(json_object_get(o, "earlier_output"), &j->earlier);
        /* A summary of an older version has no output_from: its status tells. */
        j->from = j->status == BATCH_OK ? BATCH_FROM_THIS_RUN
                  : j->status == BATCH_SKIPPED ? BATCH_FROM_UNCHANGED : BATCH_FROM_NONE;
        const char *from = json_string_value(json_object_get(o, "output_from"));
        for (int f = BATCH_FROM_NONE; from != NULL && f <= BATCH_FROM_EARLIER; f++)
            if (strcmp(from, batch_output_from_name((enum batch_output_from)f)) == 0)
                j->from = (enum batch_output_from)f;
    }
    json_decref(root);
    free(path);
    return err;
}

/* Copies a merged client's files from its shard directory into out_dir, and
 * says which run made the workbook that is then in out_dir. */
static enum cbam_err merge_outputs(batch_job *j, const char *shard, const char *out_dir, diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    const char *names[] = {j->output, j->json, j->template_output};
    bool copied = !outfile_same_target(shard, out_dir); /* a shard merged into itself: nothing to copy */
    bool in_shard = exists_in(shard, j->output);
    if (j->status == BATCH_OK || j->status == BATCH_SKIPPED) {
        for (size_t k = 0; k < 3; k++) {
            if (names[k] == NULL || names[k][0] == '\0' || exists_in(shard, names[k]))
                continue;
            /* Its shard says ok, but this run's figures are in no file: failed. */
            char *where = join_name(shard, names[k]);
            snprintf(j->error, sizeof j->error,
                     "its shard's summary says %s, but %s is not there (moved or removed since); expected the "
                     "shard's outputs: run the shard again",
                     batch_status_name(j->status), where);
            j->error[utf8_cut(j->error, strlen(j->error), sizeof j->error - 1)] = '\0';
            free(where);
            j->status = BATCH_FAILED;
            j->has_totals = false;
            j->from = BATCH_FROM_NONE;
            j->exit_code = cbam_err_exit_code(CBAM_ERR_NOINPUT);
            in_shard = false;
            break;
        }
    }
    for (size_t k = 0; copied && k < 3; k++) {
        if (names[k] == NULL || names[k][0] == '\0' || !exists_in(shard, names[k]))
            continue;
        char *src = join_name(shard, names[k]), *dst = join_name(out_dir, names[k]);
        enum cbam_err e = outfile_copy(src, dst, dl);
        if (e != CBAM_OK) {
            err = CBAM_ERR_CANTCREAT;
            in_shard = false; /* not copied: what is in out_dir decides */
        }
        free(src);
        free(dst);
    }
    if (in_shard && j->from != BATCH_FROM_NONE)
        return err; /* as the shard's summary says */
    if (j->status == BATCH_FAILED || j->status == BATCH_NOT_RUN) {
        batch_note_earlier(j, out_dir);
        return err;
    }
    /* The shard has no workbook for it (or it was not copied): a workbook
     * left in out_dir by an earlier merge is an earlier run's. */
    j->from = batch_output_read(out_dir, j, &j->earlier) ? BATCH_FROM_EARLIER : BATCH_FROM_NONE;
    if (j->status == BATCH_OK || j->status == BATCH_SKIPPED) {
        /* The shard says ok but its files are gone: not this run's output. */
        j->has_totals = j->has_totals && j->from != BATCH_FROM_NONE;
    }
    return err;
}

enum cbam_err batch_merge(const char *const *dirs, size_t n, const char *out_dir, batch_plan *p, diag_list *dl)
{
    enum cbam_err err = CBAM_OK;
    strmap *seen = strmap_new(); /* client -> index of its shard directory + 1 */
    size_t *shard_of = NULL; /* per job: the index of its shard directory */
    int shard_n = 0;
    unsigned char *have = NULL; /* have[k - 1]: the index of shard k's directory + 1 */
    for (size_t d = 0; d < n; d++) {
        size_t first = p->n;
        batch_run run;
        enum cbam_err e = batch_read_summary(dirs[d], p, &run, dl);
        if (err == CBAM_OK)
            err = e;
        if (e == CBAM_OK) {
            char *path = join_name(dirs[d], SUMMARY_JSON);
            if (run.shard_n < 1) {
                diag_add(dl, DIAG_ERROR, path, 0, 0, "is not a shard's summary (a merged one?); expected the "
                                                     "summary of a batch run");
                err = CBAM_ERR_DATA;
            } else if (shard_n != 0 && run.shard_n != shard_n) {
                diag_add(dl, DIAG_ERROR, path, 0, 0, "is shard %d of %d, the others are of %d; expected the "
                                                     "shards of one split", run.shard_k, run.shard_n, shard_n);
                err = CBAM_ERR_DATA;
            } else {
                if (shard_n == 0) {
                    shard_n = run.shard_n;
                    have = xcalloc((size_t)shard_n, sizeof *have);
                }
                have[run.shard_k - 1] = 1;
            }
            free(path);
        }
        shard_of = xreallocarray(shard_of, p->n ? p->n : 1, sizeof *shard_of);
        size_t kept = first, dups = 0;
        char first_dup[600] = "";
        for (size_t i = first; i < p->n; i++) {
            const char *client = p->jobs[i].client;
            uintptr_t in = (uintptr_t)strmap_get(seen, client, strlen(client));
            if (in != 0) {
                if (dups++ == 0)
                    snprintf(first_dup, sizeof first_dup, "client %s is in shard %s and in shard %s", client,
                             dirs[in - 1], dirs[d]);
                job_free(&p->jobs[i]);
                continue;
            }
            strmap_put(seen, client, strlen(client), (void *)(uintptr_t)(d + 1));
            shard_of[kept] = d;
            p->jobs[kept++] = p->jobs[i];
        }
        if (dups > 0) {
            /* One message per shard: the same directory twice would name every client. */
            char *path = join_name(dirs[d], SUMMARY_JSON);
            char more[64] = "";
            if (dups > 1)
                snprintf(more, sizeof more, " (and %zu more clients)", dups - 1);
            diag_add(dl, DIAG_ERROR, path, 0, 0,
                     "%s%s; expected each client in one shard: a shard directory given twice, or shards of "
                     "different runs, would count clients twice",
                     first_dup, more);
            free(path);
            err = CBAM_ERR_DATA;
        }
        p->n = kept;
    }
    strmap_free(seen);
    /* Every shard of the split, or clients would be missing without a word. */
    for (int k = 0; err == CBAM_OK && k < shard_n; k++) {
        if (have[k])
            continue;
        diag_add(dl, DIAG_ERROR, NULL, 0, 0,
                 "shard %d of %d is missing (its clients would be in no summary); expected the output "
                 "directories of all %d shards",
                 k + 1, shard_n, shard_n);
        err = CBAM_ERR_DATA;
    }
    free(have);
    /* Two shards' clients writing one file (shards of two manifests): one
     * copy would replace the other under both names. */
    outname_set *names = outname_set_new();
    for (size_t i = 0; err == CBAM_OK && i < p->n; i++) {
        const batch_job *j = &p->jobs[i];
        const char *outs[3] = {j->output, j->json, j->template_output};
        for (int k = 0; k < 3 && err == CBAM_OK; k++) {
            if (outs[k] == NULL || outs[k][0] == '\0')
                continue;
            char owner[1024];
            snprintf(owner, sizeof owner, "client %s of %s writes %s", j->client, dirs[shard_of[i]], outs[k]);
            const char *prev = outname_set_add(names, outs[k], owner);
            if (prev == NULL)
                continue;
            char *path = join_name(dirs[shard_of[i]], SUMMARY_JSON);
            diag_add(dl, DIAG_ERROR, path, 0, 0,
                     "client %s writes %s, but %s; expected a file of its own for each client (shards of two "
                     "manifests?)", j->client, outs[k], prev);
            free(path);
            err = CBAM_ERR_DATA;
        }
    }
    outname_set_free(names);
    /* Only a good merge writes anything. */
    for (size_t i = 0; err == CBAM_OK && i < p->n; i++) {
        /* Names from a shard's summary must stay inside out_dir, as a manifest's do. */
        batch_job *j = &p->jobs[i];
        if (!safe_name(j->output) || !safe_name(j->json) ||
            (j->template_output != NULL && !safe_name(j->template_output))) {
            char *path = join_name(dirs[shard_of[i]], SUMMARY_JSON);
            diag_add(dl, DIAG_ERROR, path, 0, 0, "client %s has an output name that is not a plain file name",
                     j->client);
            free(path);
            err = CBAM_ERR_DATA;
        }
    }
    enum cbam_err copy_err = CBAM_OK;
    for (size_t i = 0; err == CBAM_OK && i < p->n; i++) {
        enum cbam_err e = merge_outputs(&p->jobs[i], dirs[shard_of[i]], out_dir, dl);
        if (copy_err == CBAM_OK)
            copy_err = e;
    }
    free(shard_of);
    return err != CBAM_OK ? err : copy_err;
}
