/* batch.c - the plan of a batch run, its state record and its summary (see batch.h). */
#include "config.h"
#include "batch.h"
#include "columns.h"
#include "csvin.h"
#include "outfile.h"
#include "parse.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define STATE_FILE ".cbamcalc-state.json"
#define SUMMARY_JSON "batch-summary.json"
#define SUMMARY_XLSX "batch-summary.xlsx"

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
    free(j->lang);
    free(j->grid_factor);
    free(j->residual_factor);
    free(j->cbam_grid_factor);
    free(j->enterprise);
}

void batch_plan_free(batch_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        job_free(&p->jobs[i]);
    free(p->jobs);
    memset(p, 0, sizeof *p);
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

/* The output's name, and the JSON's beside it (the stem with .json). */
static bool set_outputs(batch_job *j, const char *output, size_t len)
{
    char name[160];
    if (len == 0) {
        outfile_safe_name(j->client, name, sizeof name - 8);
        strcat(name, ".xlsx");
    } else {
        if (len >= sizeof name - 8 || memchr(output, '/', len) != NULL || output[0] == '.')
            return false;
        memcpy(name, output, len);
        name[len] = '\0';
    }
    j->output = xstrdup(name);
    char *dot = strrchr(name, '.');
    if (dot != NULL && strcmp(dot, ".xlsx") == 0)
        *dot = '\0';
    strcat(name, ".json");
    j->json = xstrdup(name);
    return true;
}

enum { M_CLIENT, M_ELECTRICITY, M_PRODUCTION, M_ENTERPRISES, M_OUTPUT, M_LANG, M_GRID, M_RESIDUAL, M_CBAM,
       M_ENTERPRISE, M__N };
static const columns_spec manifest_columns[M__N] = {
    [M_CLIENT] = {"client", true, NULL},          [M_ELECTRICITY] = {"electricity", true, NULL},
    [M_PRODUCTION] = {"production", true, NULL},  [M_ENTERPRISES] = {"enterprises", true, NULL},
    [M_OUTPUT] = {"output", true, NULL},          [M_LANG] = {"lang", false, NULL},
    [M_GRID] = {"grid_factor", false, NULL},      [M_RESIDUAL] = {"residual_factor", false, NULL},
    [M_CBAM] = {"cbam_grid_factor", false, NULL},
    [M_ENTERPRISE] = {"enterprise", false, NULL},
};

struct manifest_ctx {
    batch_plan *p;
    const char *name, *dir;
    diag_list *dl;
    columns_result cols;
    bool have_header;
    enum cbam_err err;
};

static const char *mfield(const struct manifest_ctx *c, const csvin_row *row, int k, size_t *len)
{
    const char *s = columns_field(row, c->cols.idx[k], len);
    parse_trim(&s, len);
    return s;
}

/* Splits a ';'-separated list of paths into files[]; false when there are too many. */
static bool split_paths(const struct manifest_ctx *c, const char *s, size_t len, char **files, size_t *n)
{
    *n = 0;
    while (len > 0) {
        const char *semi = memchr(s, ';', len);
        size_t part = semi ? (size_t)(semi - s) : len;
        const char *t = s;
        size_t tl = part;
        parse_trim(&t, &tl);
        if (tl > 0) {
            if (*n == BATCH_MAX_FILES)
                return false;
            files[(*n)++] = join(c->dir, t, tl);
        }
        if (semi == NULL)
            break;
        s += part + 1;
        len -= part + 1;
    }
    return true;
}

static char *opt_dup(const struct manifest_ctx *c, const csvin_row *row, int k)
{
    size_t len;
    const char *s = mfield(c, row, k, &len);
    return len > 0 ? xstrndup(s, len) : NULL;
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
        return 0;
    }
    size_t len;
    const char *client = mfield(c, row, M_CLIENT, &len);
    if (len == 0) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[M_CLIENT] + 1,
                 "client is empty; expected the client's id");
        c->err = CBAM_ERR_DATA;
        return 0;
    }
    for (size_t i = 0; i < c->p->n; i++) {
        if (strlen(c->p->jobs[i].client) == len && memcmp(c->p->jobs[i].client, client, len) == 0) {
            diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[M_CLIENT] + 1,
                     "client %.*s is already listed on line %ld; expected each client once", (int)len, client,
                     c->p->jobs[i].line);
            c->err = CBAM_ERR_DATA;
            return 0;
        }
    }
    batch_job *j = new_job(c->p);
    j->client = xstrndup(client, len);
    j->line = row->line;
    const char *s;
    bool ok = true;
    s = mfield(c, row, M_ELECTRICITY, &len);
    ok &= split_paths(c, s, len, j->electricity, &j->ne);
    s = mfield(c, row, M_PRODUCTION, &len);
    ok &= split_paths(c, s, len, j->production, &j->np);
    s = mfield(c, row, M_ENTERPRISES, &len);
    ok &= split_paths(c, s, len, j->enterprises, &j->ni);
    if (!ok) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0, "more than %d files of one kind for client %s",
                 BATCH_MAX_FILES, j->client);
        c->err = CBAM_ERR_DATA;
    }
    if (j->ne == 0) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[M_ELECTRICITY] + 1,
                 "electricity is empty for client %s; expected the client's meter file", j->client);
        c->err = CBAM_ERR_DATA;
    }
    s = mfield(c, row, M_OUTPUT, &len);
    if (!set_outputs(j, s, len)) {
        char q[200];
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[M_OUTPUT] + 1,
                 "output \"%s\" is not a file name; expected a name inside the output directory, such as "
                 "client-a.xlsx",
                 diag_quote(q, sizeof q, s, len));
        c->err = CBAM_ERR_DATA;
        set_outputs(j, "", 0);
    }
    j->lang = opt_dup(c, row, M_LANG);
    if (j->lang != NULL && strcmp(j->lang, "en") != 0 && strcmp(j->lang, "zh") != 0) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[M_LANG] + 1,
                 "lang \"%s\" is not en or zh", j->lang);
        c->err = CBAM_ERR_DATA;
    }
    j->grid_factor = opt_dup(c, row, M_GRID);
    j->residual_factor = opt_dup(c, row, M_RESIDUAL);
    j->cbam_grid_factor = opt_dup(c, row, M_CBAM);
    j->enterprise = opt_dup(c, row, M_ENTERPRISE);
    return 0;
}

enum cbam_err batch_read_manifest(const char *path, batch_plan *p, diag_list *dl)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    struct manifest_ctx c = {.p = p, .name = path, .dir = dir, .dl = dl};
    enum cbam_err err = csvin_read_file(path, path, NULL, on_manifest_row, &c, dl, NULL);
    free(dir);
    if (err == CBAM_OK && !c.have_header) {
        diag_add(dl, DIAG_ERROR, path, 0, 0, "empty manifest; expected a header and one row per client");
        err = CBAM_ERR_DATA;
    }
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
    for (size_t i = 0; i < n; i++) {
        char *sub = join(dir, names[i], strlen(names[i]));
        char *e = join(sub, "electricity.csv", 15);
        struct stat st;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && access(e, F_OK) == 0) {
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
        } else if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            diag_add(dl, DIAG_NOTE, sub, 0, 0, "no electricity.csv: not a client folder, left out");
        }
        free(e);
        free(sub);
        free(names[i]);
    }
    free(names);
    if (p->n == 0) {
        diag_add(dl, DIAG_ERROR, dir, 0, 0, "no client folders (a folder with electricity.csv) here");
        return CBAM_ERR_DATA;
    }
    return CBAM_OK;
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

bool batch_job_key(batch_job *job, const char *const *factor_files, size_t nfactor_files)
{
    /* The key text: every thing that changes an output, one per line. */
    size_t cap = 4096, len = 0;
    char *text = xmalloc(cap);
    bool ok = true;
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
    ADD("factors %s %s %s\n", job->grid_factor ? job->grid_factor : "-",
        job->residual_factor ? job->residual_factor : "-", job->cbam_grid_factor ? job->cbam_grid_factor : "-");
    struct {
        const char *role;
        char *const *files;
        size_t n;
    } sets[] = {{"electricity", job->electricity, job->ne},
                {"production", job->production, job->np},
                {"enterprises", job->enterprises, job->ni}};
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < sets[s].n; i++) {
            char h[HASH_HEX_SIZE];
            if (!hash_file(sets[s].files[i], h)) {
                ok = false;
                snprintf(h, sizeof h, "unreadable");
            }
            ADD("%s %s %s\n", sets[s].role, sets[s].files[i], h);
        }
    }
    for (size_t i = 0; i < nfactor_files; i++) {
        char h[HASH_HEX_SIZE];
        if (!hash_file(factor_files[i], h))
            snprintf(h, sizeof h, "unreadable");
        ADD("factors %s %s\n", factor_files[i], h);
    }
#undef ADD
    hash_bytes(text, len, job->key);
    free(text);
    return ok;
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

void batch_apply_state(batch_plan *p, const char *out_dir, bool force)
{
    char *path = join_name(out_dir, STATE_FILE);
    json_t *state = load_json(path);
    free(path);
    json_t *clients = json_object_get(state, "clients");
    for (size_t i = 0; i < p->n && !force && json_is_object(clients); i++) {
        batch_job *j = &p->jobs[i];
        json_t *rec = json_object_get(clients, j->client);
        const char *key = json_string_value(json_object_get(rec, "key"));
        if (key == NULL || strcmp(key, j->key) != 0)
            continue;
        if (!exists_in(out_dir, j->output) || !exists_in(out_dir, j->json))
            continue; /* an output was removed: build it again */
        j->status = BATCH_SKIPPED;
        totals_from(j, rec);
    }
    json_decref(state);
}

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static void put(json_t *o, const char *k, json_t *v)
{
    if (v == NULL || json_object_set_new(o, k, v) != 0)
        xalloc_die();
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
            put(clients, j->client, totals_object(j, rec));
        } else if (j->status == BATCH_FAILED) {
            json_object_del(clients, j->client); /* its outputs are no longer current */
        }
    }
    enum cbam_err err = write_json_file(path, state, dl);
    json_decref(state);
    free(path);
    return err;
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
    json_t *jobs = json_array();
    size_t counts[5] = {0};
    for (size_t i = 0; i < p->n; i++) {
        const batch_job *j = &sorted[i];
        counts[j->status]++;
        json_t *o = json_object();
        put(o, "client", json_string(j->client));
        put(o, "status", json_string(batch_status_name(j->status)));
        put(o, "error", j->error[0] ? json_string(j->error) : json_null());
        put(o, "exit_code", json_integer(j->exit_code));
        put(o, "output", json_string(j->output));
        put(o, "json", json_string(j->json));
        if (json_array_append_new(jobs, totals_object(j, o)) != 0)
            xalloc_die();
    }
    put(root, "jobs", jobs);
    json_t *c = json_object();
    put(c, "ok", json_integer((json_int_t)counts[BATCH_OK]));
    put(c, "failed", json_integer((json_int_t)counts[BATCH_FAILED]));
    put(c, "skipped", json_integer((json_int_t)counts[BATCH_SKIPPED]));
    put(c, "not_run", json_integer((json_int_t)counts[BATCH_NOT_RUN]));
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
            static const char *const h[] = {"Client", "Status", "Output", "Consumption (kWh)",
                                            "Location-based (tCO2)", "Market-based (tCO2)",
                                            "CBAM indirect (tCO2)", "Green share", "Error"};
            static const double w[] = {18, 9, 24, 16, 16, 16, 16, 10, 90};
#define CK(expr)                                                                                          \
    do {                                                                                                  \
        lxw_error e_ = (expr);                                                                            \
        if (le == LXW_NO_ERROR)                                                                           \
            le = e_;                                                                                      \
    } while (0)
            for (int k = 0; k < 9; k++) {
                CK(worksheet_write_string(ws, 0, (lxw_col_t)k, h[k], head));
                CK(worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, w[k], NULL));
            }
            for (size_t i = 0; i < p->n && le == LXW_NO_ERROR; i++) {
                const batch_job *j = &sorted[i];
                lxw_row_t r = (lxw_row_t)i + 1;
                CK(worksheet_write_string(ws, r, 0, j->client, NULL));
                CK(worksheet_write_string(ws, r, 1, batch_status_name(j->status), NULL));
                CK(worksheet_write_string(ws, r, 2, j->output, NULL));
                if (j->has_totals && isfinite(j->kwh) && isfinite(j->location_t) && isfinite(j->market_t) &&
                    isfinite(j->cbam_t)) {
                    CK(worksheet_write_number(ws, r, 3, j->kwh, kwh));
                    CK(worksheet_write_number(ws, r, 4, j->location_t, t3));
                    CK(worksheet_write_number(ws, r, 5, j->market_t, t3));
                    CK(worksheet_write_number(ws, r, 6, j->cbam_t, t3));
                    if (j->has_green_share && isfinite(j->green_share))
                        CK(worksheet_write_number(ws, r, 7, j->green_share, pct));
                }
                if (j->error[0])
                    CK(worksheet_write_string(ws, r, 8, j->error, NULL));
            }
            worksheet_freeze_panes(ws, 1, 0);
            if (p->n > 0)
                CK(worksheet_autofilter(ws, 0, 0, (lxw_row_t)p->n, 8));
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

enum cbam_err batch_read_summary(const char *dir, batch_plan *p, diag_list *dl)
{
    char *path = join_name(dir, SUMMARY_JSON);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    if (root == NULL) {
        diag_add(dl, DIAG_ERROR, path, e.line > 0 ? e.line : 0, e.column > 0 ? e.column : 0,
                 "cannot read this batch summary: %s", e.text);
        free(path);
        return CBAM_ERR_NOINPUT;
    }
    size_t i;
    json_t *o;
    enum cbam_err err = CBAM_OK;
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
        for (int s = BATCH_PENDING; s <= BATCH_NOT_RUN; s++)
            if (strcmp(status, batch_status_name((enum batch_status)s)) == 0)
                j->status = (enum batch_status)s;
        const char *error = json_string_value(json_object_get(o, "error"));
        snprintf(j->error, sizeof j->error, "%s", error ? error : "");
        j->exit_code = (int)json_integer_value(json_object_get(o, "exit_code"));
        totals_from(j, o);
    }
    json_decref(root);
    free(path);
    return err;
}
