/* csvin.c - streaming CSV reader: libcsv + BOM, lines, limits, UTF-8, SHA-256. */
#include "config.h"
#include "csvin.h"
#include "utf8.h"
#include "xalloc.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct csvin {
    const char *name;
    struct csv_parser parser;
    csvin_row_fn fn;
    void *ctx;
    csvin_progress_fn progress;
    diag_list *dl;
    struct sha256_ctx sha;
    size_t bytes;

    unsigned char head[3]; /* first bytes, held until the BOM question is settled */
    size_t head_len;
    bool head_done;

    /* The record being assembled: fields packed into buf, located by off/len. */
    char *buf;
    size_t buf_len, buf_cap;
    size_t *off, *flen;
    const char **fptr;
    size_t nfields, fields_cap;
    bool record_too_big;
    bool record_needs_check; /* a field holds bytes outside printable ASCII */

    long next_line;      /* physical line on which the next record starts */
    long embedded_nl;    /* line breaks inside quoted fields of this record */
    int prev_term;       /* terminator of the previous record */
    size_t records;
    bool failed, stopped;
};

/* libcsv grows its field buffer through this; refusing past the cap makes
 * csv_parse() stop with CSV_ENOMEM instead of buffering a 10 MB field. */
static void *capped_realloc(void *p, size_t n)
{
    if (n > CSVIN_FIELD_MAX + 1)
        return NULL;
    return realloc(p, n);
}

static void fail(csvin *r, long line, int column, const char *msg)
{
    if (!r->failed)
        diag_add(r->dl, DIAG_ERROR, r->name, line, column, "%s", msg);
    r->failed = true;
}

static long count_breaks(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

/* True when every byte is printable ASCII (0x20-0x7f): then the field has no
 * line break, no NUL and is valid UTF-8, and needs no closer look. Checks
 * eight bytes at a time, since this runs on every field of every row. */
static bool plain_ascii(const char *s, size_t len)
{
    const uint64_t high = 0x8080808080808080ULL, low = 0x2020202020202020ULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (((w - low) | w) & high) /* a byte < 0x20 or >= 0x80 */
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static void on_field(void *data, size_t len, void *vr)
{
    csvin *r = vr;
    const char *s = data;
    if (r->failed || r->stopped)
        return;
    if (!plain_ascii(s, len)) {
        r->record_needs_check = true;
        r->embedded_nl += count_breaks(s, len);
    }
    if (r->nfields == CSVIN_FIELDS_MAX || r->buf_len + len + 1 > CSVIN_RECORD_MAX) {
        r->record_too_big = true;
        return;
    }
    if (r->nfields == r->fields_cap) {
        r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 32;
        r->off = xreallocarray(r->off, r->fields_cap, sizeof *r->off);
        r->flen = xreallocarray(r->flen, r->fields_cap, sizeof *r->flen);
        r->fptr = xreallocarray(r->fptr, r->fields_cap, sizeof *r->fptr);
    }
    if (r->buf_len + len + 1 > r->buf_cap) {
        while (r->buf_len + len + 1 > r->buf_cap)
            r->buf_cap = r->buf_cap ? r->buf_cap * 2 : 4096;
        r->buf = xrealloc(r->buf, r->buf_cap);
    }
    memcpy(r->buf + r->buf_len, s, len);
    r->buf[r->buf_len + len] = '\0';
    r->off[r->nfields] = r->buf_len;
    r->flen[r->nfields] = len;
    r->nfields++;
    r->buf_len += len + 1;
}

static bool check_field_text(csvin *r, size_t n, long line)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = r->fptr[i];
        size_t len = r->flen[i], bad;
        if (memchr(s, '\0', len) != NULL) {
            fail(r, line, (int)i + 1, "a NUL byte: this is binary data, not a CSV text file");
            return false;
        }
        if (!utf8_valid(s, len, &bad)) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "invalid UTF-8 (byte 0x%02x at offset %zu of the field); save the file as UTF-8",
                     (unsigned char)s[bad], bad);
            fail(r, line, (int)i + 1, msg);
            return false;
        }
    }
    return true;
}

static void on_record(int c, void *vr)
{
    csvin *r = vr;
    /* With CSV_REPALL_NL the LF of a CRLF arrives as an empty record. */
    if (r->nfields == 0 && c == '\n' && r->prev_term == '\r') {
        r->prev_term = 0;
        return;
    }
    long line = r->next_line;
    r->next_line += 1 + r->embedded_nl;
    r->embedded_nl = 0;
    r->prev_term = c;
    /* Take the record's state and reset it for the next one. */
    size_t n = r->nfields;
    bool needs_check = r->record_needs_check, too_big = r->record_too_big;
    r->nfields = 0;
    r->buf_len = 0;
    r->record_needs_check = r->record_too_big = false;
    if (r->failed || r->stopped)
        return;
    if (too_big) {
        char lim[96];
        snprintf(lim, sizeof lim, "more than %d fields or %d bytes in one record", CSVIN_FIELDS_MAX,
                 CSVIN_RECORD_MAX);
        fail(r, line, 0, lim);
        return;
    }
    if (n == 0)
        return; /* blank line */
    for (size_t i = 0; i < n; i++)
        r->fptr[i] = r->buf + r->off[i];
    if (needs_check && !check_field_text(r, n, line))
        return;
    csvin_row row = {line, n, r->fptr, r->flen};
    r->records++;
    if (r->fn(r->ctx, &row) != 0)
        r->stopped = true;
}

csvin *csvin_new(const char *name, const csvin_opts *opts, csvin_row_fn fn, void *ctx, diag_list *dl)
{
    csvin *r = xcalloc(1, sizeof *r);
    r->name = name;
    r->fn = fn;
    r->ctx = ctx;
    r->dl = dl;
    r->progress = opts ? opts->progress : NULL;
    r->next_line = 1;
    sha256_init(&r->sha);
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_realloc_func(&r->parser, capped_realloc);
    csv_set_delim(&r->parser, opts && opts->delim ? opts->delim : ',');
    return r;
}

void csvin_free(csvin *r)
{
    if (r == NULL)
        return;
    csv_free(&r->parser);
    free(r->buf);
    free(r->off);
    free(r->flen);
    free(r->fptr);
    free(r);
}

int csvin_stopped(const csvin *r) { return r->stopped || r->failed; }

/* Reports why csv_parse() stopped early. Read before csv_fini(), which resets the status. */
static void parse_failure(csvin *r)
{
    int st = csv_error(&r->parser);
    long line = r->next_line + r->embedded_nl +
                count_breaks((const char *)r->parser.entry_buf, r->parser.entry_pos);
    int column = (int)r->nfields + 1;
    if (st == CSV_ENOMEM || st == CSV_ETOOBIG) {
        char msg[64];
        snprintf(msg, sizeof msg, "a field longer than %d bytes", CSVIN_FIELD_MAX);
        fail(r, line, column, msg);
    } else {
        fail(r, line, column, "malformed quoting: a quote inside an unquoted field, or text after a closing "
             "quote; expected \"...\" around the whole field with inner quotes doubled");
    }
}

static void parse_bytes(csvin *r, const unsigned char *p, size_t len)
{
    if (r->failed || r->stopped || len == 0)
        return;
    size_t done = csv_parse(&r->parser, p, len, on_field, on_record, r);
    if (done < len && !r->stopped)
        parse_failure(r);
}

static void settle_head(csvin *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    r->head_done = true;
    if (r->head_len >= 2 && ((r->head[0] == 0xFF && r->head[1] == 0xFE) ||
                             (r->head[0] == 0xFE && r->head[1] == 0xFF))) {
        fail(r, 1, 0, "UTF-16 text (Excel \"Unicode text\"); save the file as CSV UTF-8");
        return;
    }
    if (r->head_len == 3 && memcmp(r->head, bom, 3) == 0)
        return;
    parse_bytes(r, r->head, r->head_len);
}

enum cbam_err csvin_feed(csvin *r, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    sha256_update(&r->sha, len, p);
    r->bytes += len;
    while (!r->head_done && len > 0) {
        r->head[r->head_len++] = *p++;
        len--;
        if (r->head_len == 3)
            settle_head(r);
    }
    parse_bytes(r, p, len);
    return r->failed ? CBAM_ERR_DATA : CBAM_OK;
}

enum cbam_err csvin_finish(csvin *r, csvin_stats *stats)
{
    if (!r->head_done)
        settle_head(r);
    if (!r->failed && !r->stopped) {
        if (csv_fini(&r->parser, on_field, on_record, r) != 0) {
            fail(r, r->next_line, (int)r->nfields + 1, "a quoted field is not closed before the end of the file; expected a closing \"");
        }
    }
    if (stats != NULL) {
        unsigned char d[SHA256_DIGEST_SIZE];
        static const char hex[] = "0123456789abcdef";
        sha256_digest(&r->sha, sizeof d, d);
        for (size_t i = 0; i < sizeof d; i++) {
            stats->sha256[2 * i] = hex[d[i] >> 4];
            stats->sha256[2 * i + 1] = hex[d[i] & 15];
        }
        stats->sha256[64] = '\0';
        stats->bytes = r->bytes;
        stats->lines = r->next_line - 1;
        stats->records = r->records;
    }
    return r->failed ? CBAM_ERR_DATA : CBAM_OK;
}

enum cbam_err csvin_read_mem(const char *name, const void *buf, size_t len, const csvin_opts *opts,
                             csvin_row_fn fn, void *ctx, diag_list *dl, csvin_stats *stats)
{
    csvin *r = csvin_new(name, opts, fn, ctx, dl);
    if (r == NULL)
        return CBAM_ERR_NOMEM;
    size_t chunk = opts && opts->chunk_size ? opts->chunk_size : CSVIN_CHUNK_DEFAULT;
    const unsigned char *p = buf;
    for (size_t off = 0; off < len && !csvin_stopped(r); off += chunk)
        csvin_feed(r, p + off, len - off < chunk ? len - off : chunk);
    enum cbam_err err = csvin_finish(r, stats);
    csvin_free(r);
    return err;
}

enum cbam_err csvin_read_file(const char *path, const char *name, const csvin_opts *opts,
                              csvin_row_fn fn, void *ctx, diag_list *dl, csvin_stats *stats)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_add(dl, DIAG_ERROR, name, 0, 0, "cannot open: %s", strerror(errno));
        return CBAM_ERR_NOINPUT;
    }
    struct stat st;
    size_t total = 0;
    if (fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            diag_add(dl, DIAG_ERROR, name, 0, 0, "is a directory; expected a CSV file");
            if (!is_stdin)
                close(fd);
            return CBAM_ERR_NOINPUT;
        }
        if (S_ISREG(st.st_mode))
            total = (size_t)st.st_size;
    }
    csvin *r = csvin_new(name, opts, fn, ctx, dl);
    if (r == NULL) {
        if (!is_stdin)
            close(fd);
        return CBAM_ERR_NOMEM;
    }
    size_t chunk = opts && opts->chunk_size ? opts->chunk_size : CSVIN_CHUNK_DEFAULT;
    unsigned char *buf = xmalloc(chunk);
    enum cbam_err err = CBAM_OK;
    while (!csvin_stopped(r)) {
        ssize_t n = read(fd, buf, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            diag_add(dl, DIAG_ERROR, name, 0, 0, "read failed: %s", strerror(errno));
            err = CBAM_ERR_NOINPUT;
            break;
        }
        if (n == 0)
            break;
        csvin_feed(r, buf, (size_t)n);
        if (r->progress)
            r->progress(r->ctx, r->bytes, total);
    }
    free(buf);
    enum cbam_err ferr = csvin_finish(r, stats);
    if (err == CBAM_OK)
        err = ferr;
    csvin_free(r);
    if (!is_stdin)
        close(fd);
    return err;
}
