/* sheetxml.c - cells, shared strings and unlocked styles of SpreadsheetML
 * parts, read with expat; edits spliced in by byte offset (see sheetxml.h). */
#include "config.h"
#include "sheetxml.h"
#include "utf8.h"
#include "xalloc.h"

#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX (1u << 20) /* a cell's text: Excel's own limit is 32,767 characters */
#define CELLS_MAX 1000000    /* cells of one sheet: the template's largest has about 30,000 */

bool sheetxml_ref(const char *ref, uint32_t *row, uint32_t *col)
{
    uint64_t c = 0, r = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z' && c <= 16384)
        c = c * 26 + (uint64_t)(*p++ - 'A' + 1);
    if (p == ref || c > 16384)
        return false;
    const char *d = p;
    while (*p >= '0' && *p <= '9' && r <= 1048576)
        r = r * 10 + (uint64_t)(*p++ - '0');
    if (p == d || *p != '\0' || r == 0 || r > 1048576 || *d == '0')
        return false;
    *row = (uint32_t)r;
    *col = (uint32_t)c;
    return true;
}

void sheetxml_ref_name(uint32_t row, uint32_t col, char *buf, size_t size)
{
    char letters[8];
    int n = 0;
    for (uint32_t c = col; c > 0 && n < 7; c = (c - 1) / 26)
        letters[n++] = (char)('A' + (c - 1) % 26);
    char out[8];
    for (int i = 0; i < n; i++)
        out[i] = letters[n - 1 - i];
    out[n] = '\0';
    snprintf(buf, size, "%s%u", out, (unsigned)row);
}

/* ---- text collected across expat's character-data callbacks ---- */

struct text {
    char *p;
    size_t len, cap;
    bool too_long;
};

static void text_add(struct text *t, const char *s, int n)
{
    if (n <= 0)
        return;
    if (t->len + (size_t)n > VALUE_MAX) {
        t->too_long = true;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->p = xrealloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, s, (size_t)n);
    t->len += (size_t)n;
    t->p[t->len] = '\0';
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i] != NULL; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* ---- worksheet cells ---- */

struct cells_ctx {
    XML_Parser p;
    sheetxml *out;
    size_t cap;
    bool keep;
    int in_c;       /* inside a <c> (depth guard) */
    int collecting; /* inside <v> or <is>...<t> of the current cell */
    bool in_is;
    size_t start_end; /* end of the current <c ...> start tag */
    struct text t;
    bool bad;
    char why[200];
};

static void cell_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct cells_ctx *c = ud;
    if (c->bad)
        return;
    if (strcmp(name, "c") == 0) {
        if (c->in_c) {
            c->bad = true;
            snprintf(c->why, sizeof c->why, "a cell inside a cell");
            return;
        }
        const char *r = attr(atts, "r");
        sheetxml_cell cell = {0};
        if (r == NULL || !sheetxml_ref(r, &cell.row, &cell.col)) {
            c->bad = true;
            snprintf(c->why, sizeof c->why, "a cell without a reference (r=\"A1\")");
            return;
        }
        const char *s = attr(atts, "s");
        if (s != NULL) {
            char *end;
            cell.style = strtol(s, &end, 10);
            if (*end != '\0' || cell.style < 0)
                cell.style = -1;
        }
        const char *t = attr(atts, "t");
        if (t != NULL)
            snprintf(cell.type, sizeof cell.type, "%s", t);
        cell.start = (size_t)XML_GetCurrentByteIndex(c->p);
        c->start_end = cell.start + (size_t)XML_GetCurrentByteCount(c->p);
        if (c->out->n == CELLS_MAX) {
            c->bad = true;
            snprintf(c->why, sizeof c->why, "more than %d cells in one sheet", CELLS_MAX);
            return;
        }
        if (c->out->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 1024;
            c->out->cells = xreallocarray(c->out->cells, c->cap, sizeof *c->out->cells);
        }
        c->out->cells[c->out->n++] = cell;
        c->in_c = 1;
        c->t.len = 0;
        c->t.too_long = false;
        return;
    }
    if (!c->in_c)
        return;
    sheetxml_cell *cell = &c->out->cells[c->out->n - 1];
    if (strcmp(name, "f") == 0)
        cell->formula = true;
    else if (strcmp(name, "is") == 0)
        c->in_is = true;
    else if (strcmp(name, "v") == 0 || (c->in_is && strcmp(name, "t") == 0))
        c->collecting++;
}

static void cell_end(void *ud, const XML_Char *name)
{
    struct cells_ctx *c = ud;
    if (c->bad || !c->in_c)
        return;
    if (strcmp(name, "c") == 0) {
        sheetxml_cell *cell = &c->out->cells[c->out->n - 1];
        int count = XML_GetCurrentByteCount(c->p);
        /* An empty element <c r="A1" s="3"/> ends where its start tag ends. */
        cell->end = count == 0 ? c->start_end : (size_t)XML_GetCurrentByteIndex(c->p) + (size_t)count;
        if (c->keep && c->t.p != NULL && (c->t.len > 0 || cell->type[0] != '\0'))
            cell->value = xstrndup(c->t.p, c->t.len);
        if (c->t.too_long) {
            c->bad = true;
            snprintf(c->why, sizeof c->why, "a cell's text is longer than %u bytes", VALUE_MAX);
        }
        c->in_c = 0;
        c->in_is = false;
        c->collecting = 0;
    } else if (strcmp(name, "is") == 0) {
        c->in_is = false;
    } else if ((strcmp(name, "v") == 0 || strcmp(name, "t") == 0) && c->collecting > 0) {
        c->collecting--;
    }
}

static void cell_chars(void *ud, const XML_Char *s, int len)
{
    struct cells_ctx *c = ud;
    if (!c->bad && c->in_c && c->collecting > 0 && c->keep)
        text_add(&c->t, s, len);
}

static int cell_cmp(const void *a, const void *b)
{
    const sheetxml_cell *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

/* Runs expat over the whole buffer (byte offsets are then offsets into it).
 * A document type declaration is refused before parsing: workbook parts
 * have none, and its entities would expand to text that is not where its
 * bytes are (two cells at one offset) or to gigabytes ("billion laughs"). */
static bool run_parser(XML_Parser p, const char *xml, size_t len, char *why, size_t why_size)
{
    if (len > (size_t)INT32_MAX)
        return utf8_fail(why, why_size, "the part is too large");
    if (memmem(xml, len, "<!DOCTYPE", 9) != NULL || memmem(xml, len, "<!ENTITY", 8) != NULL)
        return utf8_fail(why, why_size, "it declares a document type (<!DOCTYPE); workbook parts have none");
    if (XML_Parse(p, xml, (int)len, 1) == XML_STATUS_ERROR)
        return utf8_fail(why, why_size, "not well-formed XML at line %lu: %s",
                         (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
    return true;
}

bool sheetxml_well_formed(const char *xml, size_t len, char *why, size_t why_size)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        xalloc_die();
    bool ok = run_parser(p, xml, len, why, why_size);
    XML_ParserFree(p);
    return ok;
}

bool sheetxml_index(const char *xml, size_t len, bool keep_values, sheetxml *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        xalloc_die();
    struct cells_ctx c = {.p = p, .out = out, .keep = keep_values};
    XML_SetUserData(p, &c);
    XML_SetElementHandler(p, cell_start, cell_end);
    XML_SetCharacterDataHandler(p, cell_chars);
    bool ok = run_parser(p, xml, len, why, why_size);
    if (ok && c.bad)
        ok = utf8_fail(why, why_size, "%s", c.why);
    XML_ParserFree(p);
    free(c.t.p);
    if (!ok) {
        sheetxml_free(out);
        return false;
    }
    if (out->n > 1) /* no cells: no array (qsort's pointer must not be NULL) */
        qsort(out->cells, out->n, sizeof *out->cells, cell_cmp);
    for (size_t i = 1; i < out->n; i++)
        if (cell_cmp(&out->cells[i - 1], &out->cells[i]) == 0) {
            char ref[16];
            sheetxml_ref_name(out->cells[i].row, out->cells[i].col, ref, sizeof ref);
            sheetxml_free(out);
            return utf8_fail(why, why_size, "cell %s is written twice", ref);
        }
    return true;
}

void sheetxml_free(sheetxml *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->cells[i].value);
    free(s->cells);
    s->cells = NULL;
    s->n = 0;
}

const sheetxml_cell *sheetxml_find(const sheetxml *s, uint32_t row, uint32_t col)
{
    sheetxml_cell key = {.row = row, .col = col};
    if (s->n == 0)
        return NULL;
    return bsearch(&key, s->cells, s->n, sizeof *s->cells, cell_cmp);
}

/* ---- shared strings ---- */

struct sst_ctx {
    sheetxml_strtab *out;
    size_t cap;
    int in_si, in_t, in_rph;
    struct text t;
};

static void sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct sst_ctx *c = ud;
    if (strcmp(name, "si") == 0) {
        c->in_si = 1;
        c->t.len = 0;
        text_add(&c->t, "", 0);
    } else if (strcmp(name, "rPh") == 0) {
        c->in_rph++; /* phonetic hints are not part of the text */
    } else if (strcmp(name, "t") == 0 && c->in_si && !c->in_rph) {
        c->in_t = 1;
    }
}

static void sst_end(void *ud, const XML_Char *name)
{
    struct sst_ctx *c = ud;
    if (strcmp(name, "si") == 0) {
        if (c->out->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 1024;
            c->out->s = xreallocarray(c->out->s, c->cap, sizeof *c->out->s);
        }
        c->out->s[c->out->n++] = xstrndup(c->t.p ? c->t.p : "", c->t.len);
        c->in_si = 0;
    } else if (strcmp(name, "rPh") == 0 && c->in_rph > 0) {
        c->in_rph--;
    } else if (strcmp(name, "t") == 0) {
        c->in_t = 0;
    }
}

static void sst_chars(void *ud, const XML_Char *s, int len)
{
    struct sst_ctx *c = ud;
    if (c->in_t)
        text_add(&c->t, s, len);
}

bool sheetxml_strings(const char *xml, size_t len, sheetxml_strtab *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        xalloc_die();
    struct sst_ctx c = {.out = out};
    XML_SetUserData(p, &c);
    XML_SetElementHandler(p, sst_start, sst_end);
    XML_SetCharacterDataHandler(p, sst_chars);
    bool ok = run_parser(p, xml, len, why, why_size);
    XML_ParserFree(p);
    free(c.t.p);
    if (!ok)
        sheetxml_strtab_free(out);
    return ok;
}

void sheetxml_strtab_free(sheetxml_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    t->s = NULL;
    t->n = 0;
}

const char *sheetxml_text(const sheetxml_cell *c, const sheetxml_strtab *t)
{
    if (c == NULL || c->value == NULL)
        return NULL;
    if (strcmp(c->type, "s") == 0) {
        char *end;
        unsigned long i = strtoul(c->value, &end, 10);
        if (end == c->value || *end != '\0' || t == NULL || i >= t->n)
            return NULL;
        return t->s[i];
    }
    return c->value;
}

/* ---- unlocked styles ---- */

struct xf_ctx {
    bool *unlocked;
    size_t n, cap;
    int in_cellxfs, in_xf;
};

static void xf_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct xf_ctx *c = ud;
    if (strcmp(name, "cellXfs") == 0) {
        c->in_cellxfs = 1;
    } else if (c->in_cellxfs && strcmp(name, "xf") == 0) {
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 256;
            c->unlocked = xreallocarray(c->unlocked, c->cap, sizeof *c->unlocked);
        }
        c->unlocked[c->n++] = false; /* cells are locked unless their style says otherwise */
        c->in_xf = 1;
    } else if (c->in_xf && strcmp(name, "protection") == 0) {
        const char *l = attr(atts, "locked");
        if (l != NULL && (strcmp(l, "0") == 0 || strcmp(l, "false") == 0))
            c->unlocked[c->n - 1] = true;
    }
}

static void xf_end(void *ud, const XML_Char *name)
{
    struct xf_ctx *c = ud;
    if (strcmp(name, "cellXfs") == 0)
        c->in_cellxfs = 0;
    else if (strcmp(name, "xf") == 0)
        c->in_xf = 0;
}

bool sheetxml_unlocked_styles(const char *xml, size_t len, bool **unlocked, size_t *n, char *why,
                              size_t why_size)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        xalloc_die();
    struct xf_ctx c = {0};
    XML_SetUserData(p, &c);
    XML_SetElementHandler(p, xf_start, xf_end);
    bool ok = run_parser(p, xml, len, why, why_size);
    XML_ParserFree(p);
    if (!ok) {
        free(c.unlocked);
        return false;
    }
    *unlocked = c.unlocked;
    *n = c.n;
    return true;
}

/* ---- the sheets of a workbook ---- */

struct named {
    char **a, **b; /* sheet: name, r:id; relationship: Id, Target */
    size_t n, cap;
    const char *elem, *ka, *kb;
};

static void named_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct named *c = ud;
    if (strcmp(name, c->elem) != 0)
        return;
    const char *a = attr(atts, c->ka), *b = attr(atts, c->kb);
    if (a == NULL || b == NULL)
        return;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->a = xreallocarray(c->a, c->cap, sizeof *c->a);
        c->b = xreallocarray(c->b, c->cap, sizeof *c->b);
    }
    c->a[c->n] = xstrdup(a);
    c->b[c->n++] = xstrdup(b);
}

static bool collect(const char *xml, size_t len, struct named *c, char *why, size_t why_size)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (p == NULL)
        xalloc_die();
    XML_SetUserData(p, c);
    XML_SetElementHandler(p, named_start, NULL);
    bool ok = run_parser(p, xml, len, why, why_size);
    XML_ParserFree(p);
    return ok;
}

static void named_free(struct named *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->a[i]);
        free(c->b[i]);
    }
    free(c->a);
    free(c->b);
}

bool sheetxml_sheets(const char *wb, size_t wb_len, const char *rels, size_t rels_len, sheetxml_sheet **out,
                     size_t *n, char *why, size_t why_size)
{
    struct named sh = {.elem = "sheet", .ka = "name", .kb = "r:id"};
    struct named rl = {.elem = "Relationship", .ka = "Id", .kb = "Target"};
    *out = NULL;
    *n = 0;
    bool ok = collect(wb, wb_len, &sh, why, why_size) && collect(rels, rels_len, &rl, why, why_size);
    if (ok) {
        *out = xcalloc(sh.n ? sh.n : 1, sizeof **out);
        for (size_t i = 0; i < sh.n; i++) {
            const char *target = NULL;
            for (size_t k = 0; k < rl.n && target == NULL; k++)
                if (strcmp(rl.a[k], sh.b[i]) == 0)
                    target = rl.b[k];
            if (target == NULL) {
                ok = utf8_fail(why, why_size, "sheet %s has no part", sh.a[i]);
                break;
            }
            /* Targets are relative to xl/, or absolute from the package root. */
            char part[1024];
            int w = target[0] == '/' ? snprintf(part, sizeof part, "%s", target + 1)
                                     : snprintf(part, sizeof part, "xl/%s", target);
            if (w < 0 || (size_t)w >= sizeof part) {
                ok = utf8_fail(why, why_size, "sheet %s has an overlong part name", sh.a[i]);
                break;
            }
            (*out)[i].name = xstrdup(sh.a[i]);
            (*out)[i].part = xstrdup(part);
            (*n)++;
        }
    }
    named_free(&sh);
    named_free(&rl);
    if (!ok) {
        sheetxml_sheets_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return ok;
}

void sheetxml_sheets_free(sheetxml_sheet *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].part);
    }
    free(s);
}

/* ---- splicing ---- */

struct out {
    char *p;
    size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->p = xrealloc(o->p, o->cap);
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_escaped(struct out *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': puts_(o, "&amp;"); break;
        case '<': puts_(o, "&lt;"); break;
        case '>': puts_(o, "&gt;"); break;
        case '"': puts_(o, "&quot;"); break;
        default: put(o, s, 1);
        }
    }
}

struct order {
    const sheetxml_cell *cell;
    const sheetxml_edit *edit;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    return x->cell->start < y->cell->start ? -1 : x->cell->start > y->cell->start;
}

char *sheetxml_splice(const char *xml, size_t len, const sheetxml *idx, const sheetxml_edit *edits, size_t n,
                      size_t *outlen, char *why, size_t why_size)
{
    struct order *ord = xcalloc(n ? n : 1, sizeof *ord);
    for (size_t i = 0; i < n; i++) {
        char ref[16];
        sheetxml_ref_name(edits[i].row, edits[i].col, ref, sizeof ref);
        ord[i].cell = sheetxml_find(idx, edits[i].row, edits[i].col);
        ord[i].edit = &edits[i];
        if (ord[i].cell == NULL || ord[i].cell->end > len || ord[i].cell->start >= ord[i].cell->end) {
            free(ord);
            utf8_fail(why, why_size, "cell %s is not in the sheet", ref);
            return NULL;
        }
        if (edits[i].kind == SHEETXML_NUMBER && !isfinite(edits[i].number)) {
            free(ord);
            utf8_fail(why, why_size, "cell %s: the value is not a finite number", ref);
            return NULL;
        }
        if (edits[i].kind == SHEETXML_TEXT &&
            (edits[i].text == NULL || !utf8_valid(edits[i].text, strlen(edits[i].text), NULL))) {
            free(ord);
            utf8_fail(why, why_size, "cell %s: no text, or text that is not UTF-8", ref);
            return NULL;
        }
    }
    if (n > 1)
        qsort(ord, n, sizeof *ord, order_cmp);
    for (size_t i = 1; i < n; i++)
        if (ord[i].cell == ord[i - 1].cell || ord[i].cell->start < ord[i - 1].cell->end) {
            char ref[16];
            sheetxml_ref_name(ord[i].cell->row, ord[i].cell->col, ref, sizeof ref);
            free(ord);
            utf8_fail(why, why_size, "cell %s is edited twice, or overlaps another cell", ref);
            return NULL;
        }
    struct out o = {0};
    put(&o, "", 0);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const sheetxml_cell *c = ord[i].cell;
        const sheetxml_edit *e = ord[i].edit;
        put(&o, xml + at, c->start - at);
        char head[80], ref[16];
        sheetxml_ref_name(c->row, c->col, ref, sizeof ref);
        snprintf(head, sizeof head, "<c r=\"%s\"", ref);
        puts_(&o, head);
        if (c->style > 0) {
            snprintf(head, sizeof head, " s=\"%ld\"", c->style);
            puts_(&o, head);
        }
        if (e->kind == SHEETXML_NUMBER) {
            char num[40];
            snprintf(num, sizeof num, "><v>%.17g</v></c>", e->number);
            puts_(&o, num);
        } else {
            puts_(&o, " t=\"inlineStr\"><is><t xml:space=\"preserve\">");
            put_escaped(&o, e->text);
            puts_(&o, "</t></is></c>");
        }
        at = c->end;
    }
    put(&o, xml + at, len - at);
    free(ord);
    *outlen = o.len;
    return o.p;
}
