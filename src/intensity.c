/* intensity.c - the plausibility table of electricity intensities (see intensity.h). */
#include "config.h"
#include "intensity.h"
#include "csvin.h"
#include "embedded.h"
#include "parse.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define INTENSITY_FILE "factors/intensity-ranges.csv"
#define INTENSITY_MAX 64

static intensity_range table[INTENSITY_MAX];
static size_t ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int on_row(void *ctx, const csvin_row *row)
{
    bool *header = ctx;
    if (*header) { /* the shipped file's columns are fixed; the tests check them */
        *header = false;
        return 0;
    }
    double lo, hi;
    if (row->nfields < 6 || ntable == INTENSITY_MAX ||
        parse_number(row->field[1], row->len[1], &lo) != PARSE_OK ||
        parse_number(row->field[2], row->len[2], &hi) != PARSE_OK)
        return 1;
    table[ntable++] = (intensity_range){xstrdup(row->field[0]), lo, hi, xstrdup(row->field[3]),
                                        xstrdup(row->field[4]), xstrdup(row->field[5])};
    return 0;
}

static void load(void)
{
    const struct embedded_file *f = embedded_find(INTENSITY_FILE);
    bool header = true;
    diag_list dl;
    diag_list_init(&dl);
    if (f != NULL)
        csvin_read_mem(INTENSITY_FILE, f->data, f->size, NULL, on_row, &header, &dl, NULL);
    diag_list_free(&dl);
}

const intensity_range *intensity_find(const char *category)
{
    pthread_once(&once, load);
    if (category == NULL)
        return NULL;
    for (size_t i = 0; i < ntable; i++)
        if (strcmp(table[i].category, category) == 0)
            return &table[i];
    return NULL;
}

bool intensity_plausible(const intensity_range *r, double mwh_per_t)
{
    return mwh_per_t >= r->min_mwh_per_t && mwh_per_t <= r->max_mwh_per_t;
}
