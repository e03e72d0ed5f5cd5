/* diag.c - collecting and printing diagnostics (see diag.h). */
#include "config.h"
#include "diag.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdarg.h>
#include <string.h>

void diag_list_init(diag_list *dl)
{
    memset(dl, 0, sizeof *dl);
    dl->echo_min = DIAG_NOTE;
}

void diag_list_free(diag_list *dl)
{
    for (size_t i = 0; i < dl->count; i++) {
        free(dl->items[i].file);
        free(dl->items[i].enterprise);
        free(dl->items[i].message);
    }
    free(dl->items);
    memset(dl, 0, sizeof *dl);
}

const char *diag_severity_name(enum diag_severity sev)
{
    switch (sev) {
    case DIAG_NOTE: return "note";
    case DIAG_WARNING: return "warning";
    case DIAG_ERROR: return "error";
    }
    return "error";
}

/* True for a code point that would act on a terminal instead of showing:
 * C1 controls, and the line separators and bidirectional overrides that can
 * make a line read as something it is not. */
static bool invisible(unsigned long cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF;
}

static unsigned long code_point(const unsigned char *u, size_t n)
{
    static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    unsigned long cp = u[0] & lead_mask[n];
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (u[i] & 0x3F);
    return cp;
}

/* Writes s with everything a terminal would act on escaped: C0 controls, DEL
 * and bytes that are not UTF-8 as \xNN, C1 and format controls as \u{NNNN}.
 * Input text (file names, quoted fields) reaches messages, and an ESC in it
 * must not reach the user's terminal or a log as a command. */
void diag_put_escaped(FILE *f, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && u[run] >= 0x20 && u[run] < 0x7F)
            run++;
        fwrite(u + i, 1, run - i, f);
        i = run;
        if (i == len)
            break;
        size_t n = u[i] >= 0x80 ? utf8_seq_len(u + i, len - i) : 0;
        if (n > 1 && !invisible(code_point(u + i, n))) {
            fwrite(u + i, 1, n, f);
            i += n;
        } else if (n > 1) {
            fprintf(f, "\\u{%04lx}", code_point(u + i, n));
            i += n;
        } else {
            fprintf(f, "\\x%02x", u[i]);
            i++;
        }
    }
}

void diag_print(FILE *f, const diag *d)
{
    if (d->file != NULL) {
        diag_put_escaped(f, d->file);
        if (d->line > 0) {
            fprintf(f, ":%ld", d->line);
            if (d->column > 0)
                fprintf(f, ":%d", d->column);
        }
        fputs(": ", f);
    } else {
        fputs("cbamcalc: ", f);
    }
    fprintf(f, "%s: ", diag_severity_name(d->severity));
    diag_put_escaped(f, d->message);
    fputc('\n', f);
}

void diag_print_dropped(FILE *f, const diag_list *dl)
{
    if (dl->dropped > 0)
        fprintf(f, "cbamcalc: note: %zu further diagnostics were counted but not listed\n", dl->dropped);
}

static void add(diag_list *dl, enum diag_severity sev, const char *file, long line, int column,
                const char *enterprise, const char *fmt, va_list ap)
{
    char msg[DIAG_MESSAGE_MAX];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    if (n < 0)
        msg[0] = '\0';
    else if ((size_t)n >= sizeof msg) {
        /* Cut on a character boundary so the message stays valid UTF-8. */
        size_t cut = utf8_cut(msg, sizeof msg - 1, sizeof msg - 4);
        memcpy(msg + cut, "...", 4);
    }

    switch (sev) {
    case DIAG_ERROR: dl->errors++; break;
    case DIAG_WARNING: dl->warnings++; break;
    case DIAG_NOTE: dl->notes++; break;
    }

    diag d = {sev,         file ? xstrdup(file) : NULL, line, column, enterprise ? xstrdup(enterprise) : NULL,
              xstrdup(msg)};
    if (dl->echo != NULL && sev >= dl->echo_min)
        diag_print(dl->echo, &d);
    /* Errors are always kept (ingest stops a file after INGEST_MAX_ERRORS):
     * the first error is what a batch summary shows, whatever came before. */
    if (dl->count >= DIAG_MAX_STORED && sev != DIAG_ERROR) {
        dl->dropped++;
        free(d.file);
        free(d.enterprise);
        free(d.message);
        return;
    }
    if (dl->count == dl->cap) {
        dl->cap = dl->cap ? dl->cap * 2 : 16;
        dl->items = xreallocarray(dl->items, dl->cap, sizeof *dl->items);
    }
    dl->items[dl->count++] = d;
}

void diag_add(diag_list *dl, enum diag_severity sev, const char *file, long line, int column, const char *fmt,
              ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(dl, sev, file, line, column, NULL, fmt, ap);
    va_end(ap);
}

void diag_add_ent(diag_list *dl, enum diag_severity sev, const char *enterprise, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(dl, sev, NULL, 0, 0, enterprise, fmt, ap);
    va_end(ap);
}

char *diag_quote(char *buf, size_t size, const char *s, size_t len)
{
    static const size_t max_chars = 40;
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, chars = 0, i = 0;
    if (size == 0)
        return buf;
    /* Whole UTF-8 sequences are copied; anything else is escaped, so the
     * message stays valid UTF-8 whatever the input held. What does not fit
     * ends with "..." (room for it is kept); a unit is never cut. */
    while (i < len) {
        size_t n = utf8_seq_len(u + i, len - i);
        bool raw = (n == 1 && u[i] >= 0x20 && u[i] != 0x7f) || n > 1;
        size_t need = raw ? n : 4;
        size_t more = i + (raw ? n : 1) < len ? 3 : 0; /* "..." if anything follows */
        if (chars == max_chars || o + need + more + 1 > size) {
            if (o + 4 <= size) {
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (raw) {
            memcpy(buf + o, u + i, n);
            o += n;
        } else {
            n = 1;
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[u[i] >> 4];
            buf[o++] = hex[u[i] & 15];
        }
        i += n;
        chars++;
    }
    buf[o] = '\0';
    return buf;
}

void diag_add_at(diag_list *dl, enum diag_severity sev, const char *file, long line, int column,
                 const char *enterprise, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(dl, sev, file, line, column, enterprise, fmt, ap);
    va_end(ap);
}
