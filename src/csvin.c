/* csvin.c - streaming CSV reader: libcsv + BOM, lines, limits, UTF-8, SHA-256,
 * records handed over in batches (to a consumer thread for files). */
#include "config.h"
#include "csvin.h"
#include "utf8.h"
#include "xalloc.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A batch is handed over when it holds this many records or bytes. */
#define BATCH_RECORDS 4096
#define BATCH_BYTES   (256 * 1024)
/* Batches in flight between the reader thread and the consumer. */
#define QUEUE_DEPTH 4

/* One record of a batch: a row, or a structural error that ends the input. */
struct rec {
    long line;
    size_t first;   /* index of its first field in the batch's field arrays */
    size_t nfields; /* for an error: the column */
    bool error;     /* the message is field `first` */
};

/* A chunk of the input as read, travelling with a batch to be hashed by the
 * consumer: that keeps SHA-256 off the reader thread, the busier of the two. */
struct raw {
    unsigned char *data;
    size_t len;
    struct raw *next;
};

struct batch {
    struct raw *raw, **raw_tail; /* chunks read up to this batch, in order */
    char *text;                  /* field bytes, each NUL-terminated */
    size_t text_len, text_cap;
    size_t *foff, *flen;
    size_t nf, nf_cap;
    struct rec *recs;
    size_t nrecs, recs_cap;
    bool last; /* the end of the input */
    struct batch *next;
};

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    struct batch *head, *tail, *free;
    struct raw *free_raw;
    size_t n;
};

struct csvin {
    const char *name;
    struct csv_parser parser;
    csvin_row_fn fn;
    void *ctx;
    csvin_progress_fn progress;
    diag_list *dl;

    /* Producer side: bytes in, batches out. */
    struct sha256_ctx sha;
    size_t bytes;
    unsigned char head[3]; /* first bytes, held until the BOM question is settled */
    size_t head_len;
    bool head_done;
    struct batch *cur;
    size_t rec_text, rec_nf; /* where the record being assembled starts in cur */
    size_t nfields;
    bool record_too_big, record_needs_check;
    long next_line;   /* physical line on which the next record starts */
    long embedded_nl; /* line breaks inside quoted fields of this record */
    int prev_term;    /* terminator of the previous record */
    bool failed;      /* a structural error: nothing more is parsed */
    int read_errno;

    /* Consumer side. */
    const char **fptr; /* field pointers of the row being delivered */
    size_t records;
    atomic_bool stop; /* the callback asked to stop */

    struct queue *q; /* NULL: batches are consumed at once, on this thread */
};

/* ---- batches ---- */

static struct batch *batch_new(void)
{
    struct batch *b = xcalloc(1, sizeof *b);
    b->raw_tail = &b->raw;
    return b;
}

static void batch_reset(struct batch *b)
{
    b->raw = NULL;
    b->raw_tail = &b->raw;
    b->text_len = b->nf = b->nrecs = 0;
    b->last = false;
    b->next = NULL;
}

static void raw_free_list(struct raw *c);

static void batch_free(struct batch *b)
{
    if (b == NULL)
        return;
    raw_free_list(b->raw);
    free(b->text);
    free(b->foff);
    free(b->flen);
    free(b->recs);
    free(b);
}

static void batch_add_field(struct batch *b, const char *s, size_t len)
{
    if (b->nf == b->nf_cap) {
        b->nf_cap = b->nf_cap ? b->nf_cap * 2 : 1024;
        b->foff = xreallocarray(b->foff, b->nf_cap, sizeof *b->foff);
        b->flen = xreallocarray(b->flen, b->nf_cap, sizeof *b->flen);
    }
    if (b->text_len + len + 1 > b->text_cap) {
        while (b->text_len + len + 1 > b->text_cap)
            b->text_cap = b->text_cap ? b->text_cap * 2 : 64 * 1024;
        b->text = xrealloc(b->text, b->text_cap);
    }
    memcpy(b->text + b->text_len, s, len);
    b->text[b->text_len + len] = '\0';
    b->foff[b->nf] = b->text_len;
    b->flen[b->nf] = len;
    b->nf++;
    b->text_len += len + 1;
}

static void batch_add_rec(struct batch *b, struct rec r)
{
    if (b->nrecs == b->recs_cap) {
        b->recs_cap = b->recs_cap ? b->recs_cap * 2 : 256;
        b->recs = xreallocarray(b->recs, b->recs_cap, sizeof *b->recs);
    }
    b->recs[b->nrecs++] = r;
}

/* ---- the consumer: runs the callback, adds the diagnostics ---- */

static void consume(csvin *r, const struct batch *b)
{
    for (const struct raw *c = b->raw; c != NULL; c = c->next)
        sha256_update(&r->sha, c->len, c->data);
    for (size_t i = 0; i < b->nrecs && !atomic_load(&r->stop); i++) {
        const struct rec *rc = &b->recs[i];
        if (rc->error) {
            diag_add(r->dl, DIAG_ERROR, r->name, rc->line, (int)rc->nfields, "%s",
                     b->text + b->foff[rc->first]);
            continue;
        }
        for (size_t f = 0; f < rc->nfields; f++)
            r->fptr[f] = b->text + b->foff[rc->first + f];
        csvin_row row = {rc->line, rc->nfields, r->fptr, b->flen + rc->first};
        r->records++;
        if (r->fn(r->ctx, &row) != 0)
            atomic_store(&r->stop, true);
    }
}

static void queue_push(struct queue *q, struct batch *b)
{
    pthread_mutex_lock(&q->mu);
    while (q->n >= QUEUE_DEPTH)
        pthread_cond_wait(&q->changed, &q->mu);
    b->next = NULL;
    if (q->tail)
        q->tail->next = b;
    else
        q->head = b;
    q->tail = b;
    q->n++;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

static struct batch *queue_pop(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == 0)
        pthread_cond_wait(&q->changed, &q->mu);
    struct batch *b = q->head;
    q->head = b->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->n--;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
    return b;
}

static void queue_recycle(struct queue *q, struct batch *b)
{
    pthread_mutex_lock(&q->mu);
    while (b->raw != NULL) {
        struct raw *c = b->raw;
        b->raw = c->next;
        c->next = q->free_raw;
        q->free_raw = c;
    }
    batch_reset(b);
    b->next = q->free;
    q->free = b;
    pthread_mutex_unlock(&q->mu);
}

static struct raw *queue_take_raw(struct queue *q, size_t size)
{
    pthread_mutex_lock(&q->mu);
    struct raw *c = q->free_raw;
    if (c)
        q->free_raw = c->next;
    pthread_mutex_unlock(&q->mu);
    if (c == NULL) {
        c = xcalloc(1, sizeof *c);
        c->data = xmalloc(size);
    }
    c->next = NULL;
    c->len = 0;
    return c;
}

static void raw_free_list(struct raw *c)
{
    while (c != NULL) {
        struct raw *next = c->next;
        free(c->data);
        free(c);
        c = next;
    }
}

static struct batch *queue_take_free(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    struct batch *b = q->free;
    if (b)
        q->free = b->next;
    pthread_mutex_unlock(&q->mu);
    return b ? b : batch_new();
}

/* Hands the current batch over: to the queue, or straight to the consumer. */
static void deliver(csvin *r, bool last)
{
    r->cur->last = last;
    if (r->q != NULL) {
        queue_push(r->q, r->cur);
        r->cur = last ? NULL : queue_take_free(r->q);
    } else {
        consume(r, r->cur);
        batch_reset(r->cur);
    }
    r->rec_text = r->rec_nf = 0;
}

/* ---- the producer: libcsv callbacks ---- */

/* libcsv grows its field buffer through this; refusing past the cap makes
 * csv_parse() stop with CSV_ENOMEM instead of buffering a 10 MB field. */
static void *capped_realloc(void *p, size_t n)
{
    if (n > CSVIN_FIELD_MAX + 1)
        return NULL;
    return realloc(p, n);
}

/* A structural error: drops the record being assembled, queues the message
 * in its place, and ends the input. */
static void fail(csvin *r, long line, int column, const char *msg)
{
    if (r->failed)
        return;
    r->failed = true;
    struct batch *b = r->cur;
    b->text_len = r->rec_text;
    b->nf = r->rec_nf;
    batch_add_field(b, msg, strlen(msg));
    batch_add_rec(b, (struct rec){line, r->rec_nf, (size_t)column, true});
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
    if (r->failed)
        return;
    if (!plain_ascii(s, len)) {
        r->record_needs_check = true;
        r->embedded_nl += count_breaks(s, len);
    }
    if (r->nfields == CSVIN_FIELDS_MAX || r->cur->text_len - r->rec_text + len + 1 > CSVIN_RECORD_MAX) {
        r->record_too_big = true;
        return;
    }
    batch_add_field(r->cur, s, len);
    r->nfields++;
}

/* NUL bytes and invalid UTF-8 in the record's fields; false after reporting. */
static bool check_field_text(csvin *r, long line)
{
    const struct batch *b = r->cur;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = b->text + b->foff[r->rec_nf + i];
        size_t len = b->flen[r->rec_nf + i], bad;
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
    size_t n = r->nfields;
    bool needs_check = r->record_needs_check, too_big = r->record_too_big;
    r->nfields = 0;
    r->record_needs_check = r->record_too_big = false;
    if (r->failed)
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
    r->nfields = n;
    bool ok = !needs_check || check_field_text(r, line);
    r->nfields = 0;
    if (!ok)
        return;
    batch_add_rec(r->cur, (struct rec){line, r->rec_nf, n, false});
    r->rec_text = r->cur->text_len;
    r->rec_nf = r->cur->nf;
    if (r->cur->nrecs >= BATCH_RECORDS || r->cur->text_len >= BATCH_BYTES)
        deliver(r, false);
}

/* Reports why csv_parse() stopped early. Read before csv_fini(), which resets the status. */
static void parse_failure(csvin *r)
{
    int st = csv_error(&r->parser);
    long start = r->next_line;
    long line = start + r->embedded_nl + count_breaks((const char *)r->parser.entry_buf, r->parser.entry_pos);
    int column = (int)r->nfields + 1;
    char msg[320];
    if (st == CSV_ENOMEM || st == CSV_ETOOBIG) {
        snprintf(msg, sizeof msg, "a field longer than %d bytes", CSVIN_FIELD_MAX);
    } else {
        /* A stray quote swallows lines up to the next quote: say where it opened. */
        char opened[80] = "";
        if (line != start)
            snprintf(opened, sizeof opened, " (the quoted field began on line %ld)", start);
        snprintf(msg, sizeof msg,
                 "malformed quoting%s: a quote inside an unquoted field, or text after a closing "
                 "quote; expected \"...\" around the whole field with inner quotes doubled",
                 opened);
    }
    fail(r, line, column, msg);
}

static void parse_bytes(csvin *r, const unsigned char *p, size_t len)
{
    if (r->failed || atomic_load(&r->stop) || len == 0)
        return;
    size_t done = csv_parse(&r->parser, p, len, on_field, on_record, r);
    if (done < len && !r->failed)
        parse_failure(r);
}

static void settle_head(csvin *r)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    r->head_done = true;
    if (r->head_len >= 2 &&
        ((r->head[0] == 0xFF && r->head[1] == 0xFE) || (r->head[0] == 0xFE && r->head[1] == 0xFF))) {
        fail(r, 1, 0, "UTF-16 text (Excel \"Unicode text\"); save the file as CSV UTF-8");
        return;
    }
    if (r->head_len == 3 && memcmp(r->head, bom, 3) == 0)
        return;
    parse_bytes(r, r->head, r->head_len);
}

static void feed_bytes(csvin *r, const unsigned char *p, size_t len)
{
    if (r->q == NULL) /* with a reader thread the consumer hashes (struct raw) */
        sha256_update(&r->sha, len, p);
    r->bytes += len;
    while (!r->head_done && len > 0) {
        r->head[r->head_len++] = *p++;
        len--;
        if (r->head_len == 3)
            settle_head(r);
    }
    parse_bytes(r, p, len);
}

/* Ends the input: the last record may lack a newline. */
static void end_input(csvin *r)
{
    if (!r->head_done)
        settle_head(r);
    if (!r->failed && !atomic_load(&r->stop)) {
        if (csv_fini(&r->parser, on_field, on_record, r) != 0)
            fail(r, r->next_line, (int)r->nfields + 1,
                 "a quoted field is not closed before the end of the file; expected a closing \"");
    }
    deliver(r, true);
}

static void fill_stats(csvin *r, csvin_stats *stats)
{
    if (stats == NULL)
        return;
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

/* ---- public ---- */

csvin *csvin_new(const char *name, const csvin_opts *opts, csvin_row_fn fn, void *ctx, diag_list *dl)
{
    csvin *r = xcalloc(1, sizeof *r);
    r->name = name;
    r->fn = fn;
    r->ctx = ctx;
    r->dl = dl;
    r->progress = opts ? opts->progress : NULL;
    r->next_line = 1;
    atomic_init(&r->stop, false);
    sha256_init(&r->sha);
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_realloc_func(&r->parser, capped_realloc);
    csv_set_delim(&r->parser, opts && opts->delim ? opts->delim : ',');
    r->cur = batch_new();
    r->fptr = xcalloc(CSVIN_FIELDS_MAX, sizeof *r->fptr);
    return r;
}

void csvin_free(csvin *r)
{
    if (r == NULL)
        return;
    csv_free(&r->parser);
    batch_free(r->cur);
    free(r->fptr);
    free(r);
}

int csvin_stopped(const csvin *r)
{
    return r->failed || atomic_load(&r->stop);
}

enum cbam_err csvin_feed(csvin *r, const void *buf, size_t len)
{
    feed_bytes(r, buf, len);
    return r->failed ? CBAM_ERR_DATA : CBAM_OK;
}

enum cbam_err csvin_finish(csvin *r, csvin_stats *stats)
{
    end_input(r);
    fill_stats(r, stats);
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

struct reader {
    csvin *r;
    int fd;
    size_t chunk, total;
    unsigned char *buf; /* for a run without a thread */
};

/* The reader thread: read, hash, parse; batches go to the queue. */
static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    csvin *r = rd->r;
    while (!csvin_stopped(r)) {
        struct raw *c = r->q ? queue_take_raw(r->q, rd->chunk) : NULL;
        unsigned char *buf = c ? c->data : rd->buf;
        ssize_t n = read(rd->fd, buf, rd->chunk);
        if (n < 0 && errno == EINTR) {
            raw_free_list(c);
            continue;
        }
        if (n <= 0) {
            if (n < 0)
                r->read_errno = errno;
            raw_free_list(c);
            break;
        }
        feed_bytes(r, buf, (size_t)n);
        if (c != NULL) {
            /* Parsed; the consumer hashes it with the batch now being filled,
             * which it takes after every batch holding earlier bytes. */
            c->len = (size_t)n;
            *r->cur->raw_tail = c;
            r->cur->raw_tail = &c->next;
        }
        if (r->progress)
            r->progress(r->ctx, r->bytes, rd->total);
    }
    end_input(r);
    return NULL;
}

enum cbam_err csvin_read_file(const char *path, const char *name, const csvin_opts *opts, csvin_row_fn fn,
                              void *ctx, diag_list *dl, csvin_stats *stats)
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
    struct queue q = {.head = NULL};
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.changed, NULL);
    r->q = &q;
    struct reader rd = {r, fd, opts && opts->chunk_size ? opts->chunk_size : CSVIN_CHUNK_DEFAULT, total,
                        NULL};
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, reader_main, &rd) == 0;
    if (!threaded) {
        r->q = NULL; /* no thread to be had: do it all here */
        rd.buf = xmalloc(rd.chunk);
        reader_main(&rd);
        free(rd.buf);
    } else {
        /* Consume every batch, also after a stop, so the reader is never left waiting. */
        for (;;) {
            struct batch *b = queue_pop(&q);
            bool last = b->last;
            consume(r, b);
            queue_recycle(&q, b);
            if (last)
                break;
        }
        pthread_join(thread, NULL);
    }
    while (q.free != NULL) {
        struct batch *b = q.free;
        q.free = b->next;
        batch_free(b);
    }
    raw_free_list(q.free_raw);
    pthread_cond_destroy(&q.changed);
    pthread_mutex_destroy(&q.mu);
    r->q = NULL;

    enum cbam_err err = r->failed ? CBAM_ERR_DATA : CBAM_OK;
    if (r->read_errno != 0) {
        diag_add(dl, DIAG_ERROR, name, 0, 0, "read failed: %s", strerror(r->read_errno));
        err = CBAM_ERR_NOINPUT;
    }
    fill_stats(r, stats);
    csvin_free(r);
    if (!is_stdin)
        close(fd);
    return err;
}
