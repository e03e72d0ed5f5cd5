/* diag.h - diagnostics: what the user is told about the input, and where.
 *
 * Every error, warning and note names a file and, where there is one, a line
 * and column. A diag_list collects them for the reports (JSON, workbook) and
 * can echo each to a stream as it arrives (stderr on the command line).
 *
 * Ownership: a diag_list owns copies of every string passed to diag_add();
 * diag_list_free() releases them. Callers keep their own strings.
 */
#ifndef CBAM_DIAG_H
#define CBAM_DIAG_H

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

const char *diag_severity_name(enum diag_severity sev);

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
