/* sheetxml.h - reading and splicing SpreadsheetML parts of a workbook
 * someone else wrote: the cells of a worksheet with their byte spans, the
 * shared strings, which cell styles are unlocked.
 *
 * Parsing is expat's (it gives the byte offset of every tag); editing is
 * splicing: the bytes of a <c> element are replaced by a new element with
 * the same reference and style, everything else of the part is copied as
 * it was. Strings are written inline (t="inlineStr"), so the shared string
 * table is never touched.
 *
 * Ownership: a sheetxml owns its cells and their values; it does not keep
 * the XML it was built from. Strings from sheetxml_strings belong to the
 * sheetxml_strtab.
 */
#ifndef CBAM_SHEETXML_H
#define CBAM_SHEETXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sheetxml_cell {
    uint32_t row;  /* 1-based */
    uint32_t col;  /* 1-based: A = 1 */
    size_t start;  /* byte offset of "<c" */
    size_t end;    /* byte offset just after the element */
    long style;    /* s attribute; 0 when absent (the default style) */
    bool formula;  /* has an <f> child */
    char type[12]; /* t attribute ("s", "str", "inlineStr", "b", "e", "n"); "" when absent */
    char *value;   /* the text of <v>, or of <is><t> for inline strings; NULL when none or not kept */
} sheetxml_cell;

typedef struct sheetxml {
    sheetxml_cell *cells; /* sorted by row, then column */
    size_t n;
} sheetxml;

/* Indexes every cell of a worksheet part; with keep_values their values too.
 * False with the reason in why when the part is not well-formed XML. */
bool sheetxml_index(const char *xml, size_t len, bool keep_values, sheetxml *out, char *why, size_t why_size);
void sheetxml_free(sheetxml *s);

/* Whether a part is well-formed XML (without a document type declaration,
 * which no part of a workbook has): for the parts cbamcalc spliced, before
 * they are written. */
bool sheetxml_well_formed(const char *xml, size_t len, char *why, size_t why_size);

/* "AB12" -> row 12, column 28. False for anything else. */
bool sheetxml_ref(const char *ref, uint32_t *row, uint32_t *col);
/* Writes the reference of (row, col) into buf (at least 16 bytes). */
void sheetxml_ref_name(uint32_t row, uint32_t col, char *buf, size_t size);

/* The cell at (row, col), NULL when the part has no element for it. */
const sheetxml_cell *sheetxml_find(const sheetxml *s, uint32_t row, uint32_t col);

/* The shared string table (xl/sharedStrings.xml). */
typedef struct sheetxml_strtab {
    char **s;
    size_t n;
} sheetxml_strtab;
bool sheetxml_strings(const char *xml, size_t len, sheetxml_strtab *out, char *why, size_t why_size);
void sheetxml_strtab_free(sheetxml_strtab *t);

/* The text a cell shows as a string (a shared string resolved, an inline or
 * formula string), or its number as written; NULL when it has no value. */
const char *sheetxml_text(const sheetxml_cell *c, const sheetxml_strtab *t);

/* For each cell style (cellXfs of xl/styles.xml, by index), whether it is
 * unlocked (protection locked="0"): the cells a protected sheet lets a user
 * fill. *unlocked is the caller's to free(). */
bool sheetxml_unlocked_styles(const char *xml, size_t len, bool **unlocked, size_t *n, char *why,
                              size_t why_size);

/* The worksheets of a workbook in tab order: each name with its part
 * ("xl/worksheets/sheet5.xml"), from xl/workbook.xml and its relationships. */
typedef struct sheetxml_sheet {
    char *name, *part;
} sheetxml_sheet;
bool sheetxml_sheets(const char *wb, size_t wb_len, const char *rels, size_t rels_len, sheetxml_sheet **out,
                     size_t *n, char *why, size_t why_size);
void sheetxml_sheets_free(sheetxml_sheet *s, size_t n);

/* A new value for one existing cell. */
enum sheetxml_kind { SHEETXML_NUMBER, SHEETXML_TEXT };
typedef struct sheetxml_edit {
    uint32_t row, col;
    enum sheetxml_kind kind;
    double number;    /* finite */
    const char *text; /* UTF-8, no control characters but tab and newline */
} sheetxml_edit;

/* The part with the edited cells replaced (each keeps its reference and
 * style, loses its old value). Every edited cell must be in idx (built from
 * this xml) and edited once; a number must be finite. Returns a malloc'd
 * buffer (NUL-terminated) and its length, or NULL with the reason in why. */
char *sheetxml_splice(const char *xml, size_t len, const sheetxml *idx, const sheetxml_edit *edits, size_t n,
                      size_t *outlen, char *why, size_t why_size);

#endif
