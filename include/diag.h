/* diag.h - diagnostics: what the user is told about the input, and where.
 *
 * Every error, warning and note names a file and, where there is one, a line
 * and column. A diag_list collects them for the reports (JSON, workbook) and
 * can echo each to a stream as it arrives (stderr on the command line).
 *
 * Each message is kept in English and, when the catalogue (msgzh.h) has the
 * format, also in Chinese (message_zh) for a report written with --lang zh.
 * Terminal output and JSON stay English.
 *
 * Ownership: a diag_list owns copies of every string passed to diag_add();
 * diag_list_free() releases them. Callers keep their own strings.
 */
#ifndef CBAM_DIAG_H
#define CBAM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

typedef struct diag {
    enum diag_severity severity;
    char *file;       /* NULL when not about a file */
    long line;        /* 1-based; 0 when not about a line */
    int column;       /* 1-based field number; 0 when not about a field */
    char *enterprise; /* the enterprise it is about, NULL when about a file or the run */
    char *message;
    char *message_zh; /* the message in Chinese; NULL when the catalogue has no entry */
} diag;

typedef struct diag_list {
    diag *items;
    size_t count, cap;
    size_t errors, warnings, notes; /* counted even when not stored */
    size_t dropped;                 /* diagnostics past DIAG_MAX_STORED */
    FILE *echo;                     /* when set, each diagnostic is printed here */
    enum diag_severity echo_min;    /* lowest severity echoed */
} diag_list;

/* Reports keep at most this many notes and warnings; the rest are only
 * counted. Errors are always kept. */
#define DIAG_MAX_STORED 10000
/* Longest message kept; longer ones are cut with "...". */
#define DIAG_MESSAGE_MAX 1024

void diag_list_init(diag_list *dl);
void diag_list_free(diag_list *dl);

void diag_add(diag_list *dl, enum diag_severity sev, const char *file, long line, int column, const char *fmt,
              ...) __attribute__((format(printf, 6, 7)));

/* A diagnostic about one enterprise's figures (not about a file). */
void diag_add_ent(diag_list *dl, enum diag_severity sev, const char *enterprise, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A diagnostic about one enterprise that also names where in a file (either may be NULL/0). */
void diag_add_at(diag_list *dl, enum diag_severity sev, const char *file, long line, int column,
                 const char *enterprise, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* diag_add_at() for wrappers that take their own format and arguments. */
void diag_addv(diag_list *dl, enum diag_severity sev, const char *file, long line, int column, const char *enterprise,
               const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));

/* A message formatted beforehand in both languages (message_zh NULL or ""
 * when there is no Chinese): for text made where no diag_list is at hand. */
void diag_add_text(diag_list *dl, enum diag_severity sev, const char *file, long line, int column,
                   const char *enterprise, const char *message, const char *message_zh);

/* Adds a copy of d (both languages) to dl, counted and echoed as diag_add() does. */
void diag_add_copy(diag_list *dl, const diag *d);

/* Formats fmt as diag_add() does, cut to DIAG_MESSAGE_MAX on a character
 * boundary, and the Chinese form into zh when the catalogue has one (else
 * zh is ""). Both buffers are DIAG_MESSAGE_MAX bytes. */
void diag_vformat2(char en[DIAG_MESSAGE_MAX], char zh[DIAG_MESSAGE_MAX], const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

const char *diag_severity_name(enum diag_severity sev);

/* The message a reader of language zh sees: message_zh when zh and there is
 * one, else message. */
const char *diag_text(const diag *d, bool zh);
/* The severity as a reader sees it: "error"/"warning"/"note", or 错误/警告/提示. */
const char *diag_severity_text(enum diag_severity sev, bool zh);

/* Writes "file:line:col: severity: message\n" (parts that are unknown left out). */
void diag_print(FILE *f, const diag *d);

/* Writes s with everything a terminal would act on escaped (as diag_print
 * writes messages). */
void diag_put_escaped(FILE *f, const char *s);

/* Prints the "N further diagnostics were not stored" line, if any were dropped. */
void diag_print_dropped(FILE *f, const diag_list *dl);

/* Quotes an input value for a message: at most 40 characters, control
 * characters escaped, always NUL-terminated within size. Returns buf. */
char *diag_quote(char *buf, size_t size, const char *s, size_t len);

#endif
