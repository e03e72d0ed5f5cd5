/* csvin.h - streaming CSV input on top of libcsv.
 *
 * Bytes go in (in chunks of any size, from a file, stdin or memory); records
 * come out through a callback, one at a time, each with the physical line on
 * which it starts. The reader settles the encoding (byte-order mark, UTF-8,
 * else GB18030, converted with iconv) and the delimiter (',', ';' or tab, from
 * the first line) on the first 64 KiB, and says so in a note; hashes every byte
 * (SHA-256, for the report's list of inputs); caps field and record size; and
 * rejects malformed quoting, invalid text and binary data with a diagnostic
 * naming file, line and column. Blank lines are skipped.
 *
 * Records travel in batches. csvin_read_file() parses on a reader thread
 * (read, SHA-256, splitting: plain lines by hand, lines with quotes by
 * libcsv) while the calling thread runs the callback on the
 * batches, so a large export uses both cores; the callback, and every
 * diagnostic, stay on the calling thread, in file order. csvin_feed() and
 * csvin_read_mem() do the same work on one thread.
 *
 * Ownership: a csvin_row and its fields are valid only during the callback.
 * The name passed to csvin_new() must outlive the reader.
 */
#ifndef CBAM_CSVIN_H
#define CBAM_CSVIN_H

#include "cbam_error.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

#define CSVIN_FIELD_MAX     65536     /* bytes in one field */
#define CSVIN_RECORD_MAX    (1 << 20) /* bytes in one record */
#define CSVIN_FIELDS_MAX    512       /* fields in one record */
#define CSVIN_CHUNK_DEFAULT (256 * 1024)

/* What the reader found out about a file before parsing it. */
typedef struct csvin_format {
    char delim;           /* ',', ';' or '\t' */
    bool decimal_comma;   /* ';'-separated: numbers are written 1.234,5 */
    const char *encoding; /* "UTF-8", "GB18030", "UTF-16LE", "UTF-16BE" */
} csvin_format;

typedef struct csvin_row {
    long line; /* physical line on which the record starts */
    size_t nfields;
    const char *const *field; /* each NUL-terminated, UTF-8 */
    const size_t *len;
    const csvin_format *format;
    const void *prep; /* what csvin_opts.prepare wrote for this record, or NULL */
} csvin_row;

/* Returns 0 to go on, anything else to stop reading. */
typedef int (*csvin_row_fn)(void *ctx, const csvin_row *row);
/* Work on a record's fields done ahead of the callback, on the reader
 * thread: field i of nfields is the NUL-terminated text + off[i], len[i]
 * bytes. Writes at most CSVIN_PREP_MAX bytes to out and returns true, or
 * returns false (the row then has no prep). It must depend only on the fields
 * and on what the callback published to ctx before (release/acquire): the
 * reader runs ahead of the callback. The reader thread calls it only while
 * batches wait for the callback (the callback is the slower): the callback
 * must give the same result with or without a prep. */
#define CSVIN_PREP_MAX 64
typedef bool (*csvin_prepare_fn)(void *ctx, const char *text, const size_t *off, const size_t *len, size_t nfields,
                                 void *out);
/* Called after each chunk: bytes read so far, total (0 when unknown). */
typedef void (*csvin_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct csvin_opts {
    size_t chunk_size;          /* read size for csvin_read_file; 0 = default */
    unsigned char delim;        /* 0 = detect from the first line (',', ';' or tab) */
    const char *encoding;       /* NULL or "auto": a byte-order mark, else UTF-8 when the start of
                                   the file is valid UTF-8, else GB18030; or "utf-8", "gb18030"
                                   (also "gbk"), "utf-16le", "utf-16be" */
    csvin_progress_fn progress; /* may be NULL */
    bool libcsv_only;           /* every line through libcsv: the reference the fast
                                   splitter is tested against */
    csvin_prepare_fn prepare;   /* may be NULL */
    void *prepare_ctx;
} csvin_opts;

/* True when name is an encoding csvin_opts.encoding accepts. */
bool csvin_encoding_known(const char *name);

typedef struct csvin_stats {
    char sha256[65]; /* hex digest of every byte read */
    size_t bytes;
    long lines;     /* physical lines seen */
    size_t records; /* non-blank records delivered (header included) */
} csvin_stats;

typedef struct csvin csvin;

csvin *csvin_new(const char *name, const csvin_opts *opts, csvin_row_fn fn, void *ctx, diag_list *dl);
/* Feeds len bytes. Returns CBAM_ERR_DATA after a malformed record (a
 * diagnostic was added); the reader then ignores further input. */
enum cbam_err csvin_feed(csvin *r, const void *buf, size_t len);
/* Ends the input (the last record may lack a newline) and fills stats. */
enum cbam_err csvin_finish(csvin *r, csvin_stats *stats);
/* True once the callback asked to stop or a structural error was found. */
int csvin_stopped(const csvin *r);
void csvin_free(csvin *r);

/* Reads a whole file ("-" is standard input). Diagnostics name the file
 * `name`. CBAM_ERR_NOINPUT when it cannot be opened or read. */
enum cbam_err csvin_read_file(const char *path, const char *name, const csvin_opts *opts, csvin_row_fn fn,
                              void *ctx, diag_list *dl, csvin_stats *stats);

/* Reads a buffer, in chunks of opts->chunk_size (tests use every size). */
enum cbam_err csvin_read_mem(const char *name, const void *buf, size_t len, const csvin_opts *opts,
                             csvin_row_fn fn, void *ctx, diag_list *dl, csvin_stats *stats);

#endif
