/* diag.c - collecting and printing diagnostics (see diag.h). */
#include "config.h"
#include "diag.h"
#include "msgzh.h"
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
        free(dl->items[i].message_zh);
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

const char *diag_severity_text(enum diag_severity sev, bool zh)
{
    if (!zh)
        return diag_severity_name(sev);
    switch (sev) {
    case DIAG_NOTE: return "提示";
    case DIAG_WARNING: return "警告";
    case DIAG_ERROR: return "错误";
    }
    return "错误";
}

const char *diag_text(const diag *d, bool zh)
{
    return zh && d->message_zh != NULL ? d->message_zh : d->message;
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

/* vsnprintf into msg (DIAG_MESSAGE_MAX bytes); what does not fit is cut on
 * a character boundary, so the message stays valid UTF-8, and ends in "...". */
static void format_cut(char *msg, const char *fmt, va_list ap)
{
    int n = vsnprintf(msg, DIAG_MESSAGE_MAX, fmt, ap);
    if (n < 0)
        msg[0] = '\0';
    else if ((size_t)n >= DIAG_MESSAGE_MAX) {
        size_t cut = utf8_cut(msg, DIAG_MESSAGE_MAX - 1, DIAG_MESSAGE_MAX - 4);
        memcpy(msg + cut, "...", 4);
    }
}

void diag_vformat2(char en[DIAG_MESSAGE_MAX], char zh[DIAG_MESSAGE_MAX], const char *fmt, va_list ap)
{
    /* The catalogue's tests hold each Chinese format to the English one's
     * conversions, so it reads the same arguments. */
    const char *zfmt = msgzh_lookup(fmt);
    va_list ap2;
    va_copy(ap2, ap);
    format_cut(en, fmt, ap);
    if (zfmt != NULL)
        format_cut(zh, zfmt, ap2);
    else
        zh[0] = '\0';
    va_end(ap2);
}

/* Stores d (its strings owned by dl from here on), counted and echoed. */
static void store(diag_list *dl, diag d)
{
    switch (d.severity) {
    case DIAG_ERROR: dl->errors++; break;
    case DIAG_WARNING: dl->warnings++; break;
    case DIAG_NOTE: dl->notes++; break;
    }
    if (dl->echo != NULL && d.severity >= dl->echo_min)
        diag_print(dl->echo, &d);
    /* Errors are always kept (ingest stops a file after INGEST_MAX_ERRORS):
     * the first error is what a batch summary shows, whatever came before. */
    if (dl->count >= DIAG_MAX_STORED && d.severity != DIAG_ERROR) {
        dl->dropped++;
        free(d.file);
        free(d.enterprise);
        free(d.message);
        free(d.message_zh);
        return;
    }
    if (dl->count == dl->cap) {
        dl->cap = dl->cap ? dl->cap * 2 : 16;
        dl->items = xreallocarray(dl->items, dl->cap, sizeof *dl->items);
    }
    dl->items[dl->count++] = d;
}

void diag_add_text(diag_list *dl, enum diag_severity sev, const char *file, long line, int column,
                   const char *enterprise, const char *message, const char *message_zh)
{
    diag d = {sev,
              file ? xstrdup(file) : NULL,
              line,
              column,
              enterprise ? xstrdup(enterprise) : NULL,
              xstrdup(message),
              message_zh != NULL && message_zh[0] != '\0' ? xstrdup(message_zh) : NULL};
    store(dl, d);
}

void diag_add_copy(diag_list *dl, const diag *d)
{
    diag_add_text(dl, d->severity, d->file, d->line, d->column, d->enterprise, d->message, d->message_zh);
}

void diag_addv(diag_list *dl, enum diag_severity sev, const char *file, long line, int column, const char *enterprise,
               const char *fmt, va_list ap)
{
    char msg[DIAG_MESSAGE_MAX], zh[DIAG_MESSAGE_MAX];
    if (sev != DIAG_ERROR && dl->count >= DIAG_MAX_STORED) {
        /* past the cap it is only counted and echoed: no Chinese text to make */
        format_cut(msg, fmt, ap);
        zh[0] = '\0';
    } else {
        diag_vformat2(msg, zh, fmt, ap);
    }
    diag_add_text(dl, sev, file, line, column, enterprise, msg, zh);
}

void diag_add(diag_list *dl, enum diag_severity sev, const char *file, long line, int column, const char *fmt,
              ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(dl, sev, file, line, column, NULL, fmt, ap);
    va_end(ap);
}

void diag_add_ent(diag_list *dl, enum diag_severity sev, const char *enterprise, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(dl, sev, NULL, 0, 0, enterprise, fmt, ap);
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
    diag_addv(dl, sev, file, line, column, enterprise, fmt, ap);
    va_end(ap);
}
