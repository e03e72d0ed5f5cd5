/* columns.c - header matching (see columns.h). */
#include "config.h"
#include "columns.h"
#include "parse.h"

#include <string.h>

enum cbam_err columns_map(const columns_spec *spec, size_t nspec, const csvin_row *header, const char *file,
                          diag_list *dl, int *idx)
{
    enum cbam_err err = CBAM_OK;
    char ignored[512] = "";
    size_t ignored_len = 0, nignored = 0;

    for (size_t k = 0; k < nspec; k++)
        idx[k] = -1;
    for (size_t f = 0; f < header->nfields; f++) {
        const char *s = header->field[f];
        size_t len = header->len[f];
        parse_trim(&s, &len);
        bool known = false;
        for (size_t k = 0; k < nspec; k++) {
            if (!parse_eq_ci(s, len, spec[k].name))
                continue;
            known = true;
            if (idx[k] >= 0) {
                diag_add(dl, DIAG_ERROR, file, header->line, (int)f + 1,
                         "column '%s' appears twice (also column %d); expected each column once",
                         spec[k].name, idx[k] + 1);
                err = CBAM_ERR_DATA;
            } else {
                idx[k] = (int)f;
            }
        }
        if (!known && len > 0) {
            char q[200];
            diag_quote(q, sizeof q, s, len);
            size_t ql = strlen(q);
            if (ignored_len + ql + 3 < sizeof ignored) {
                if (ignored_len > 0) {
                    memcpy(ignored + ignored_len, ", ", 2);
                    ignored_len += 2;
                }
                memcpy(ignored + ignored_len, q, ql + 1);
                ignored_len += ql;
            }
            nignored++;
        }
    }
    for (size_t k = 0; k < nspec; k++) {
        if (spec[k].required && idx[k] < 0) {
            diag_add(dl, DIAG_ERROR, file, header->line, 0, "required column '%s' is missing from the header",
                     spec[k].name);
            err = CBAM_ERR_DATA;
        }
    }
    if (nignored > 0)
        diag_add(dl, DIAG_NOTE, file, header->line, 0, "%zu unknown column%s ignored: %s", nignored,
                 nignored == 1 ? "" : "s", ignored);
    return err;
}
