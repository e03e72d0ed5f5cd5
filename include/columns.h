/* columns.h - matching a CSV header to the columns a file kind needs.
 *
 * Each file kind (electricity, production, enterprises, factors) declares its
 * columns once as a columns_spec table; columns_map() finds them in a header
 * row, case and surrounding spaces ignored, and names what is missing.
 */
#ifndef CBAM_COLUMNS_H
#define CBAM_COLUMNS_H

#include "cbam_error.h"
#include "csvin.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct columns_spec {
    const char *name; /* canonical name */
    bool required;
} columns_spec;

/* Fills idx[k] with the field index of spec[k] in header, or -1 when absent.
 * Adds an error for each missing required column and each column named
 * twice, and one note listing the columns that are ignored.
 * Returns CBAM_ERR_DATA when the header cannot be used. */
enum cbam_err columns_map(const columns_spec *spec, size_t nspec, const csvin_row *header, const char *file,
                          diag_list *dl, int *idx);

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
