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

void diag_print(FILE *f, const diag *d)
{
    if (d->file != NULL) {
        fputs(d->file, f);
        if (d->line > 0) {
            fprintf(f, ":%ld", d->line);
            if (d->column > 0)
                fprintf(f, ":%d", d->column);
        }
        fputs(": ", f);
    } else {
        fputs("cbamcalc: ", f);
    }
    fprintf(f, "%s: %s\n", diag_severity_name(d->severity), d->message);
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
        size_t cut = sizeof msg - 4;
        while (cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80)
            cut--;
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
    if (dl->count >= DIAG_MAX_STORED) {
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
     * message stays valid UTF-8 whatever the input held. */
    while (i < len && o + 5 < size) {
        if (chars == max_chars) {
            if (o + 4 < size) {
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        size_t n = utf8_seq_len(u + i, len - i);
        if (n == 1 && u[i] >= 0x20 && u[i] != 0x7f) {
            buf[o++] = (char)u[i];
        } else if (n > 1 && o + n < size) {
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
