/* columns.c - header matching with aliases and header units (see columns.h). */
#include "config.h"
#include "columns.h"
#include "parse.h"

#include <string.h>

static const char FW_OPEN[] = "\xEF\xBC\x88";  /* （ */
static const char FW_CLOSE[] = "\xEF\xBC\x89"; /* ） */

/* Splits "name(unit)", "name（unit）" or "name [unit]" into name and unit. */
static void columns_split_unit(const char *s, size_t len, size_t *name_len, const char **unit, size_t *unit_len)
{
    *name_len = len;
    *unit = NULL;
    *unit_len = 0;
    static const struct {
        const char *open, *close;
    } pairs[] = {{"(", ")"}, {FW_OPEN, FW_CLOSE}, {"[", "]"}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        size_t cl = strlen(pairs[k].close), ol = strlen(pairs[k].open);
        if (len < cl + ol + 2 || memcmp(s + len - cl, pairs[k].close, cl) != 0)
            continue;
        for (size_t i = len - cl; i-- > 0;) {
            if (i + ol <= len - cl && memcmp(s + i, pairs[k].open, ol) == 0) {
                const char *u = s + i + ol;
                size_t ul = len - cl - (i + ol);
                size_t nl = i;
                parse_trim(&u, &ul);
                const char *n = s;
                parse_trim(&n, &nl);
                if (ul == 0 || nl == 0)
                    return;
                *name_len = nl;
                *unit = u;
                *unit_len = ul;
                return;
            }
        }
    }
}

static bool names(const columns_spec *sp, const char *s, size_t len)
{
    if (parse_eq_ci(s, len, sp->name))
        return true;
    for (const char *const *a = sp->aliases; a && *a; a++)
        if (parse_eq_ci(s, len, *a))
            return true;
    return false;
}

enum cbam_err columns_map(const columns_spec *spec, size_t nspec, const columns_user_map *map,
                          size_t nmap, const csvin_row *header, const char *file, diag_list *dl,
                          columns_result *res)
{
    enum cbam_err err = CBAM_OK;
    char ignored[512] = "";
    size_t ignored_len = 0, nignored = 0;

    for (size_t k = 0; k < nspec && k < COLUMNS_MAX; k++) {
        res->idx[k] = -1;
        res->unit[k][0] = '\0';
    }
    for (size_t f = 0; f < header->nfields; f++) {
        const char *s = header->field[f];
        size_t len = header->len[f];
        parse_trim(&s, &len);
        size_t name_len;
        const char *unit;
        size_t unit_len;
        columns_split_unit(s, len, &name_len, &unit, &unit_len);
        int found = -1;
        bool with_unit = false;
        /* The user's names first, then the canonical names and aliases, without
         * and then with the parenthesis (a header may be just "kWh"). */
        for (size_t m = 0; m < nmap && found < 0; m++)
            if (parse_eq_ci(s, len, map[m].header))
                for (size_t k = 0; k < nspec; k++)
                    if (strcmp(spec[k].name, map[m].canonical) == 0)
                        found = (int)k;
        for (size_t k = 0; k < nspec && found < 0; k++)
            if (unit != NULL && names(&spec[k], s, name_len))
                found = (int)k, with_unit = true;
        for (size_t k = 0; k < nspec && found < 0; k++)
            if (names(&spec[k], s, len))
                found = (int)k;
        if (found < 0) {
            if (len > 0 && dl != NULL) {
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
            continue;
        }
        if (res->idx[found] >= 0) {
            if (dl != NULL)
                diag_add(dl, DIAG_ERROR, file, header->line, (int)f + 1,
                         "column '%s' appears twice (also column %d); expected each column once",
                         spec[found].name, res->idx[found] + 1);
            err = CBAM_ERR_DATA;
            continue;
        }
        res->idx[found] = (int)f;
        if (with_unit && unit_len < COLUMNS_UNIT_MAX) {
            memcpy(res->unit[found], unit, unit_len);
            res->unit[found][unit_len] = '\0';
        }
    }
    for (size_t k = 0; k < nspec; k++) {
        if (spec[k].required && res->idx[k] < 0) {
            if (dl != NULL)
                diag_add(dl, DIAG_ERROR, file, header->line, 0,
                         "required column '%s' is missing from the header", spec[k].name);
            err = CBAM_ERR_DATA;
        }
    }
    if (nignored > 0)
        diag_add(dl, DIAG_NOTE, file, header->line, 0, "%zu unknown column%s ignored: %s", nignored,
                 nignored == 1 ? "" : "s", ignored);
    return err;
}
