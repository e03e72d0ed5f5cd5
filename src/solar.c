/* solar.c - monthly PV profiles by province (solar.h), from the compiled-in
 * factors/solar-profile.csv (made by build-aux/solar-profile.py). Loaded
 * once, on first use; rows that are unusable make the table unusable (the
 * shipped file is the program's own: tests/unit/test_cbamcost.c checks it). */
#include "config.h"
#include "solar.h"
#include "columns.h"
#include "csvin.h"
#include "embedded.h"
#include "parse.h"
#include "region.h"
#include "xalloc.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define SOLAR_FILE "factors/solar-profile.csv"
#define SOLAR_ROWS 40
#define NATIONAL   "CN"

struct solar_row {
    const char *province; /* canonical name (region.h), or "CN" */
    double share[12];
    const char *source;
};

static struct solar_row rows[SOLAR_ROWS];
static size_t nrows;
static bool usable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

enum { S_PROVINCE, S_M01, S_SOURCE = S_M01 + 12, S__N };
static const char *const month_names[12] = {"m01", "m02", "m03", "m04", "m05", "m06",
                                            "m07", "m08", "m09", "m10", "m11", "m12"};

struct load_ctx {
    columns_spec spec[S__N];
    columns_result cols;
    bool have_header, bad;
};

static int on_row(void *vc, const csvin_row *row)
{
    struct load_ctx *c = vc;
    if (!c->have_header) {
        c->have_header = true;
        diag_list dl;
        diag_list_init(&dl);
        c->bad = columns_map(c->spec, S__N, NULL, 0, row, SOLAR_FILE, &dl, &c->cols) != CBAM_OK;
        diag_list_free(&dl);
        return c->bad;
    }
    if (nrows == SOLAR_ROWS) {
        c->bad = true;
        return 1;
    }
    size_t len;
    const char *s = columns_field(row, c->cols.idx[S_PROVINCE], &len);
    parse_trim(&s, &len);
    const char *province = parse_eq_ci(s, len, NATIONAL) ? NATIONAL : region_province(s, len);
    struct solar_row *r = &rows[nrows];
    double sum = 0;
    for (int m = 0; m < 12 && province != NULL; m++) {
        const char *v = columns_field(row, c->cols.idx[S_M01 + m], &len);
        if (parse_number(v, len, &r->share[m]) != PARSE_OK || !(r->share[m] > 0) || r->share[m] > 1)
            province = NULL;
        else
            sum += r->share[m];
    }
    /* The file's shares are rounded: they sum to 1 within a rounding. */
    if (province == NULL || !(fabs(sum - 1) < 1e-4)) {
        c->bad = true;
        return 1;
    }
    for (int m = 0; m < 12; m++)
        r->share[m] /= sum;
    r->province = province;
    s = columns_field(row, c->cols.idx[S_SOURCE], &len);
    parse_trim(&s, &len);
    r->source = xstrndup(s, len); /* kept for the life of the process */
    nrows++;
    return 0;
}

static void load(void)
{
    struct load_ctx c = {0};
    c.spec[S_PROVINCE] = (columns_spec){"province", true, NULL};
    for (int m = 0; m < 12; m++)
        c.spec[S_M01 + m] = (columns_spec){month_names[m], true, NULL};
    c.spec[S_SOURCE] = (columns_spec){"source", true, NULL};
    const struct embedded_file *f = embedded_find(SOLAR_FILE);
    if (f == NULL)
        return;
    diag_list dl;
    diag_list_init(&dl);
    enum cbam_err err = csvin_read_mem(SOLAR_FILE, f->data, f->size, NULL, on_row, &c, &dl, NULL);
    diag_list_free(&dl);
    bool national = false;
    for (size_t i = 0; i < nrows; i++)
        national |= strcmp(rows[i].province, NATIONAL) == 0;
    usable = err == CBAM_OK && c.have_header && !c.bad && national;
}

bool solar_profile(const char *province, double share[12], const char **source, bool *is_national)
{
    pthread_once(&once, load);
    if (!usable)
        return false;
    const struct solar_row *national = NULL, *own = NULL;
    for (size_t i = 0; i < nrows; i++) {
        if (strcmp(rows[i].province, NATIONAL) == 0)
            national = &rows[i];
        else if (province != NULL && strcmp(rows[i].province, province) == 0)
            own = &rows[i];
    }
    const struct solar_row *r = own != NULL ? own : national;
    if (r == NULL)
        return false;
    for (int m = 0; m < 12; m++)
        share[m] = r->share[m];
    *source = r->source;
    *is_national = own == NULL;
    return true;
}
