/* columns.h - matching a CSV header to the columns a file kind needs.
 *
 * Each file kind (electricity, production, enterprises, factors) declares its
 * columns once as a columns_spec table: a canonical name and the other names
 * real exports use (Chinese and English). A unit written in the header,
 * "电量(万kWh)", "Energy [MWh]", is split off and kept for the column. The
 * user can name any other header with --map canonical=header.
 */
#ifndef CBAM_COLUMNS_H
#define CBAM_COLUMNS_H

#include "cbam_error.h"
#include "csvin.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

#define COLUMNS_MAX 32
#define COLUMNS_UNIT_MAX 32

typedef struct columns_spec {
    const char *name; /* canonical name */
    bool required;
    const char *const *aliases; /* NULL-terminated; NULL for none */
} columns_spec;

/* --map canonical=header */
typedef struct columns_user_map {
    const char *canonical, *header;
} columns_user_map;

typedef struct columns_result {
    int idx[COLUMNS_MAX];                    /* field index of spec[k], or -1 */
    char unit[COLUMNS_MAX][COLUMNS_UNIT_MAX]; /* unit from the header, "" when none */
} columns_result;

/* Finds spec's columns in header. With dl NULL it only answers whether every
 * required column is there (to find the header below title rows); with dl it
 * also adds an error for each missing required column and each column named
 * twice, and one note listing the columns that are ignored.
 * Returns CBAM_ERR_DATA when the header cannot be used. */
enum cbam_err columns_map(const columns_spec *spec, size_t nspec, const columns_user_map *map,
                          size_t nmap, const csvin_row *header, const char *file, diag_list *dl,
                          columns_result *res);

/* The field for column index i of row (empty when absent or beyond the row). */
static inline const char *columns_field(const csvin_row *row, int i, size_t *len)
{
    if (i < 0 || (size_t)i >= row->nfields) {
        *len = 0;
        return "";
    }
    *len = row->len[i];
    return row->field[i];
}

#endif
