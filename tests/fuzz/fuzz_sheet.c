/* fuzz_sheet.c - libFuzzer harness for the XML of a workbook someone else
 * wrote (cbamcalc template reads the user's copy of the Commission's
 * template): the input is indexed as a worksheet, a shared-string table, a
 * style sheet and a workbook with its relationships. When it indexes as a
 * worksheet, its first cells get a number and a text spliced in; the result
 * must index again, hold the new values in those cells, and keep every byte
 * outside the edited cells. */
#include "config.h"
#include "fuzz_common.h"
#include "sheetxml.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    char why[300];
    sheetxml s;
    if (sheetxml_index(xml, size, true, &s, why, sizeof why)) {
        sheetxml_edit e[3];
        size_t n = 0;
        for (size_t i = 0; i < s.n && n < 3; i++) {
            if (s.cells[i].end > size || s.cells[i].start >= s.cells[i].end)
                fuzz_fail("a cell's span is outside the part");
            e[n] = (sheetxml_edit){s.cells[i].row, s.cells[i].col, n % 2 ? SHEETXML_TEXT : SHEETXML_NUMBER,
                                   0.25 * (double)n, "a<&>\"b"};
            n++;
        }
        size_t len;
        char *out = sheetxml_splice(xml, size, &s, e, n, &len, why, sizeof why);
        if (out == NULL)
            fuzz_fail("a splice of cells the index found failed");
        sheetxml again;
        if (!sheetxml_index(out, len, true, &again, why, sizeof why))
            fuzz_fail("a spliced part no longer indexes");
        for (size_t i = 0; i < n; i++) {
            const sheetxml_cell *c = sheetxml_find(&again, e[i].row, e[i].col);
            const char *want = e[i].kind == SHEETXML_TEXT ? "a<&>\"b" : (i == 0 ? "0" : "0.5");
            if (c == NULL || c->value == NULL || strcmp(c->value, want) != 0)
                fuzz_fail("a spliced cell does not hold its new value");
        }
        if (n == 0 && (len != size || memcmp(out, xml, size) != 0))
            fuzz_fail("a splice without edits changed the part");
        sheetxml_free(&again);
        free(out);
        sheetxml_free(&s);
    }
    sheetxml_strtab st;
    if (sheetxml_strings(xml, size, &st, why, sizeof why))
        sheetxml_strtab_free(&st);
    bool *u;
    size_t nu;
    if (sheetxml_unlocked_styles(xml, size, &u, &nu, why, sizeof why))
        free(u);
    sheetxml_sheet *sh;
    size_t ns;
    if (sheetxml_sheets(xml, size, xml, size, &sh, &ns, why, sizeof why))
        sheetxml_sheets_free(sh, ns);
    return 0;
}
