/* csvin.c - streaming CSV reader: libcsv + BOM, lines, limits, UTF-8, SHA-256,
 * records handed over in batches (to a consumer thread for files). */
#include "config.h"
#include "csvin.h"
#include "hash.h"
#include "utf8.h"
#include "xalloc.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A batch is handed over when it holds this many records or bytes. */
#define BATCH_RECORDS 2048
#define BATCH_BYTES   (128 * 1024)
/* Batches in flight between the reader thread and the consumer. */
#define QUEUE_DEPTH 6
/* Encoding and delimiter are decided on this much of the start of a file. */
#define SNIFF_BYTES (64 * 1024)
/* Input converted (from GB18030 or UTF-16) in slices of at most this much. */
#define CONV_SLICE (64 * 1024)
/* Longer lines go to libcsv, which enforces the field size cap. */
#define FAST_LINE_MAX 16384

enum rec_kind { REC_ROW, REC_ERROR, REC_NOTE };

/* One record of a batch: a row, a note about the file, or a structural error
 * that ends the input (for notes and errors the message is field `first`). */
struct rec {
    long line;
    size_t first;   /* index of its first field in the batch's field arrays */
    size_t nfields; /* for an error: the column */
    enum rec_kind kind;
    bool prepared; /* the batch's prep holds this record's */
};

struct batch {
    char *text; /* field bytes, each NUL-terminated */
    size_t text_len, text_cap;
    size_t *foff, *flen;
    size_t nf, nf_cap;
    struct rec *recs;
    size_t nrecs, recs_cap;
    unsigned char *prep; /* CSVIN_PREP_MAX bytes a record (csvin_opts.prepare) */
    bool last; /* the end of the input */
    struct batch *next;
};

/* The reader waits when QUEUE_DEPTH batches wait and is woken when half
 * are taken; the consumer waits when none waits: a wake-up (a few
 * microseconds in a virtual machine) every few batches, not two a batch. */
struct queue {
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    bool reader_waits, consumer_waits;
    struct batch *head, *tail, *free;
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
    /* The first SNIFF_BYTES are held until encoding and delimiter are settled. */
    const char *want_encoding; /* NULL: detect */
    unsigned char want_delim;  /* 0: detect */
    unsigned char *sniff;
    size_t sniff_len;
    bool decided;
    csvin_format format;
    iconv_t cd;                /* to UTF-8; (iconv_t)-1 for UTF-8 input */
    unsigned char *stage;      /* input not converted yet (a split character) */
    size_t stage_len, stage_cap;
    char *conv;                /* converted text */
    size_t conv_cap;
    long conv_lines;           /* line breaks converted so far, for messages */
    struct batch *cur;
    size_t rec_text, rec_nf; /* where the record being assembled starts in cur */
    size_t nfields;
    bool record_needs_check;
    long next_line;   /* physical line on which the next record starts */
    long embedded_nl; /* line breaks inside quoted fields of this record */
    int prev_term;    /* terminator of the previous record */
    bool in_csv;      /* libcsv holds part of a record (parse_bytes) */
    bool libcsv_only; /* csvin_opts.libcsv_only */
    csvin_prepare_fn prepare;
    void *prepare_ctx;
    bool prep_here; /* run prepare for the batch being filled (deliver) */
    unsigned csv_quotes; /* parity of the quotes libcsv was given in it */
    bool failed;      /* a structural error: nothing more is parsed */
    int read_errno;

    struct queue *q; /* NULL: batches are consumed at once, on this thread */

    /* Consumer side, a cache line of its own: written on every row, it
     * would otherwise bounce between the two cores with the reader's. */
    _Alignas(64) const char **fptr; /* field pointers of the row being delivered */
    size_t records;
    _Alignas(64) atomic_bool stop; /* the callback asked to stop */
};

/* ---- batches ---- */

static struct batch *batch_new(void)
{
    return xcalloc(1, sizeof(struct batch));
}

static void batch_reset(struct batch *b)
{
    b->text_len = b->nf = b->nrecs = 0;
    b->last = false;
    b->next = NULL;
}

static void batch_free(struct batch *b)
{
    if (b == NULL)
        return;
    free(b->text);
    free(b->foff);
    free(b->flen);
    free(b->recs);
    free(b->prep);
    free(b);
}

/* Room for n more fields and len more bytes of text. */
static void batch_room_fields(struct batch *b, size_t n, size_t len)
{
    if (b->nf + n > b->nf_cap) {
        while (b->nf + n > b->nf_cap)
            b->nf_cap = b->nf_cap ? b->nf_cap * 2 : 1024;
        b->foff = xreallocarray(b->foff, b->nf_cap, sizeof *b->foff);
        b->flen = xreallocarray(b->flen, b->nf_cap, sizeof *b->flen);
    }
    if (b->text_len + len > b->text_cap) {
        while (b->text_len + len > b->text_cap)
            b->text_cap = b->text_cap ? b->text_cap * 2 : 64 * 1024;
        b->text = xrealloc(b->text, b->text_cap);
    }
}

static void batch_add_field(struct batch *b, const char *s, size_t len)
{
    batch_room_fields(b, 1, len + 1);
    memcpy(b->text + b->text_len, s, len);
    b->text[b->text_len + len] = '\0';
    b->foff[b->nf] = b->text_len;
    b->flen[b->nf] = len;
    b->nf++;
    b->text_len += len + 1;
}

/* Room for one more record (and its prepared bytes, with_prep). */
static void batch_room(struct batch *b, bool with_prep)
{
    if (b->nrecs == b->recs_cap) {
        b->recs_cap = b->recs_cap ? b->recs_cap * 2 : 256;
        b->recs = xreallocarray(b->recs, b->recs_cap, sizeof *b->recs);
        if (b->prep != NULL)
            b->prep = xreallocarray(b->prep, b->recs_cap, CSVIN_PREP_MAX);
    }
    if (with_prep && b->prep == NULL)
        b->prep = xreallocarray(NULL, b->recs_cap, CSVIN_PREP_MAX);
}

static void batch_add_rec(struct batch *b, struct rec r)
{
    batch_room(b, false);
    b->recs[b->nrecs++] = r;
}

/* Where the next record's prepared bytes go. */
static void *batch_prep_slot(struct batch *b)
{
    batch_room(b, true);
    return b->prep + b->nrecs * CSVIN_PREP_MAX;
}

/* ---- the consumer: runs the callback, adds the diagnostics ---- */

static void consume(csvin *r, const struct batch *b)
{
    for (size_t i = 0; i < b->nrecs && !atomic_load(&r->stop); i++) {
        const struct rec *rc = &b->recs[i];
        if (rc->kind != REC_ROW) {
            /* The message in English, then in Chinese ("" when none): see fail(). */
            diag_add_text(r->dl, rc->kind == REC_ERROR ? DIAG_ERROR : DIAG_NOTE, r->name, rc->line,
                          (int)rc->nfields, NULL, b->text + b->foff[rc->first], b->text + b->foff[rc->first + 1]);
            continue;
        }
        for (size_t f = 0; f < rc->nfields; f++)
            r->fptr[f] = b->text + b->foff[rc->first + f];
        csvin_row row = {rc->line, rc->nfields, r->fptr, b->flen + rc->first, &r->format,
                         rc->prepared ? b->prep + i * CSVIN_PREP_MAX : NULL};
        r->records++;
        if (r->fn(r->ctx, &row) != 0)
            atomic_store(&r->stop, true);
    }
}

/* Returns the number of batches now waiting. */
static size_t queue_push(struct queue *q, struct batch *b)
{
    pthread_mutex_lock(&q->mu);
    while (q->n >= QUEUE_DEPTH) {
        q->reader_waits = true;
        pthread_cond_wait(&q->not_full, &q->mu);
    }
    b->next = NULL;
    if (q->tail)
        q->tail->next = b;
    else
        q->head = b;
    q->tail = b;
    size_t n = ++q->n;
    if (q->consumer_waits) {
        q->consumer_waits = false;
        pthread_cond_signal(&q->not_empty);
    }
    pthread_mutex_unlock(&q->mu);
    return n;
}

static struct batch *queue_pop(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == 0) {
        q->consumer_waits = true;
        pthread_cond_wait(&q->not_empty, &q->mu);
    }
    struct batch *b = q->head;
    q->head = b->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->n--;
    if (q->reader_waits && q->n <= QUEUE_DEPTH / 2) {
        q->reader_waits = false;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

static void queue_recycle(struct queue *q, struct batch *b)
{
    pthread_mutex_lock(&q->mu);
    batch_reset(b);
    b->next = q->free;
    q->free = b;
    pthread_mutex_unlock(&q->mu);
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
        /* Batches waiting: the consumer is the slower, so the reader does
         * the prepare work for the next batch; else the consumer does it. */
        r->prep_here = queue_push(r->q, r->cur) >= 2;
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

/* Queues a message as two fields, English and Chinese (diag_vformat2()):
 * it is made on the reader's thread, and becomes a diagnostic on the
 * consumer's. */
static void add_message(struct batch *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void add_message(struct batch *b, const char *fmt, va_list ap)
{
    char en[DIAG_MESSAGE_MAX], zh[DIAG_MESSAGE_MAX];
    diag_vformat2(en, zh, fmt, ap);
    batch_add_field(b, en, strlen(en));
    batch_add_field(b, zh, strlen(zh));
}

/* A structural error: drops the record being assembled, queues the message
 * in its place, and ends the input. */
static void fail(csvin *r, long line, int column, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(csvin *r, long line, int column, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    struct batch *b = r->cur;
    b->text_len = r->rec_text;
    b->nf = r->rec_nf;
    va_list ap;
    va_start(ap, fmt);
    add_message(b, fmt, ap);
    va_end(ap);
    batch_add_rec(b, (struct rec){line, r->rec_nf, (size_t)column, REC_ERROR, false});
}

/* A note about the whole file, delivered before its rows. */
static void note(csvin *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(csvin *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_message(r->cur, fmt, ap);
    va_end(ap);
    batch_add_rec(r->cur, (struct rec){0, r->rec_nf, 0, REC_NOTE, false});
    r->rec_text = r->cur->text_len;
    r->rec_nf = r->cur->nf;
}

static long count_breaks(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

/* True when every byte is printable ASCII (0x20-0x7e), and no quote if
 * no_quote: then the text has no control character, no NUL and is valid
 * UTF-8, and needs no closer look (and, without quotes, no field of a line
 * is quoted). Eight bytes at a time, since this runs on every field or line. */
static bool printable_ascii(const char *s, size_t len, bool no_quote)
{
    const uint64_t high = 0x8080808080808080ULL, low = 0x2020202020202020ULL, ones = 0x0101010101010101ULL;
    const uint64_t quote = no_quote ? 0x2222222222222222ULL : 0x7f7f7f7f7f7f7f7fULL; /* 0x7f: already out */
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t del = w ^ 0x7f7f7f7f7f7f7f7fULL, quo = w ^ quote; /* a zero byte where w has 0x7f, '"' */
        if ((((w - low) | w) & high) || ((del - ones) & ~del & high) || ((quo - ones) & ~quo & high))
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || (no_quote && s[i] == '"'))
            return false;
    return true;
}

static void on_field(void *data, size_t len, void *vr)
{
    csvin *r = vr;
    const char *s = data;
    if (r->failed)
        return;
    if (!printable_ascii(s, len, false)) {
        r->record_needs_check = true;
        r->embedded_nl += count_breaks(s, len);
    }
    if (r->nfields == CSVIN_FIELDS_MAX || r->cur->text_len - r->rec_text + len + 1 > CSVIN_RECORD_MAX) {
        /* Said at once: reading on to the end of a 20 MB line gains nothing. */
        fail(r, r->next_line, 0, "more than %d fields or %d bytes in one record", CSVIN_FIELDS_MAX, CSVIN_RECORD_MAX);
        return;
    }
    batch_add_field(r->cur, s, len);
    r->nfields++;
}

/* The names of the C0 and C1 control characters, for messages. */
static const char *const c0_names[32] = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
    "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
    "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
};
static const char *const c1_names[32] = {
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA",
    "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
    "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA",
    "SOS", "SGCI", "SCI", "CSI", "ST", "OSC", "PM", "APC",
};

/* The first control character of a valid UTF-8 field, 0 when there is none:
 * C0 but tab (NUL is reported before), DEL, and C1 (U+0080-U+009F, which
 * terminals also obey). */
static unsigned find_control(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
            return u[i];
        if (u[i] == 0xC2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
            return u[i + 1];
        /* Invisible or not characters at all: zero-width and direction marks
         * (an id that looks like another), U+2028/2029, U+FEFF inside text,
         * and U+FFFE/U+FFFF, which XML (so a workbook) cannot hold. */
        if ((u[i] == 0xE2 || u[i] == 0xEF) && i + 2 < len) {
            unsigned cp = ((u[i] & 0x0Fu) << 12) | ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu);
            if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
                cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
                return cp;
        }
    }
    return 0;
}

/* Reports control character cp in field i of a record that starts on
 * `line`. It is on that line: a line break before it, in this field or an
 * earlier one, would have been reported first. */
static void control_error(csvin *r, long line, size_t i, unsigned cp)
{
    const char *name = cp == 0x7f ? "DEL" : cp < 0x20 ? c0_names[cp] : cp < 0xA0 ? c1_names[cp - 0x80] : NULL;
    int col = (int)i + 1;
    if (name == NULL && cp >= 0xFFFE)
        fail(r, line, col,
             "field contains U+%04X, which is not a character (a workbook cannot hold it); expected printable text",
             cp);
    else if (name == NULL)
        fail(r, line, col,
             "field contains U+%04X, an invisible mark (it makes an id look like another); expected printable text",
             cp);
    else if (cp == '\n' || cp == '\r')
        fail(r, line, col,
             "a line break (U+%04X, %s) inside a quoted field; expected every record on one line "
             "(a cell with several lines cannot be read as a row)",
             cp, name);
    else
        fail(r, line, col, "field contains the control character U+%04X (%s); expected printable text", cp, name);
}

/* NUL bytes, invalid UTF-8 and control characters in the record's fields;
 * false after reporting. */
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
            fail(r, line, (int)i + 1,
                 "invalid UTF-8 (byte 0x%02x at offset %zu of the field); save the file as "
                 "UTF-8, or give --encoding gb18030 for a GBK file",
                 (unsigned char)s[bad], bad);
            return false;
        }
        unsigned cp = find_control(s, len);
        if (cp != 0) {
            control_error(r, line, i, cp);
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
    bool needs_check = r->record_needs_check;
    r->nfields = 0;
    r->record_needs_check = false;
    if (r->failed)
        return;
    if (n == 0)
        return; /* blank line */
    r->nfields = n;
    bool ok = !needs_check || check_field_text(r, line);
    r->nfields = 0;
    if (!ok)
        return;
    struct batch *b = r->cur;
    bool prepared = r->prepare != NULL && r->prep_here &&
                    r->prepare(r->prepare_ctx, b->text, b->foff + r->rec_nf, b->flen + r->rec_nf, n, batch_prep_slot(b));
    batch_add_rec(b, (struct rec){line, r->rec_nf, n, REC_ROW, prepared});
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
    if (st == CSV_ENOMEM || st == CSV_ETOOBIG)
        fail(r, line, column, "a field longer than %d bytes", CSVIN_FIELD_MAX);
    else if (line != start) /* a stray quote swallows lines up to the next quote: say where it opened */
        fail(r, line, column,
             "malformed quoting (the quoted field began on line %ld): a quote inside an unquoted field, or text "
             "after a closing quote; expected \"...\" around the whole field with inner quotes doubled",
             start);
    else
        fail(r, line, column,
             "malformed quoting: a quote inside an unquoted field, or text after a closing "
             "quote; expected \"...\" around the whole field with inner quotes doubled");
}

static void csv_bytes(csvin *r, const unsigned char *p, size_t len)
{
    size_t done = csv_parse(&r->parser, p, len, on_field, on_record, r);
    if (done < len && !r->failed)
        parse_failure(r);
}


/* Adds t[from..to) of the line being split, spaces around it dropped, as
 * the next field (NUL-terminated in place). */
static void plain_field(csvin *r, struct batch *b, char *t, size_t from, size_t to)
{
    while (from < to && t[from] == ' ')
        from++;
    while (to > from && t[to - 1] == ' ')
        to--;
    t[to] = '\0';
    b->foff[b->nf] = b->text_len + from;
    b->flen[b->nf] = to - from;
    b->nf++;
    r->nfields++;
}

/* A plain line (printable_ascii without quotes, fewer bytes than
 * CSVIN_FIELDS_MAX, so it has fewer fields): copied once and split in place, its delimiters found eight
 * bytes a step (a memchr call per field cost more than the search), each
 * field NUL-terminated where on_field would have stored it field by field. */
static void split_plain(csvin *r, const unsigned char *p, size_t n)
{
    struct batch *b = r->cur;
    batch_room_fields(b, n + 1, n + 8); /* the last word read may reach 7 bytes past the line */
    char *t = b->text + b->text_len;
    memcpy(t, p, n);
    memset(t + n, 0, 8); /* never a delimiter */
    const uint64_t ones = 0x0101010101010101ULL, low7 = 0x7f7f7f7f7f7f7f7fULL;
    const uint64_t dm = ones * (unsigned char)r->format.delim;
    size_t from = 0;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w;
        memcpy(&w, t + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w); /* byte k of the line in bits 8k..8k+7 */
#endif
        uint64_t x = w ^ dm;
        uint64_t z = ~(((x & low7) + low7) | x | low7); /* the high bit of each delimiter byte */
        for (; z != 0; z &= z - 1) {
            size_t at = i + (size_t)(__builtin_ctzll(z) >> 3);
            plain_field(r, b, t, from, at);
            from = at + 1;
        }
    }
    size_t a = from, e = n;
    while (a < e && t[a] == ' ')
        a++;
    if (a == e && r->nfields == 0)
        return; /* a blank line (spaces only): libcsv reports no field, and it keeps no text */
    plain_field(r, b, t, from, n);
    b->text_len += n + 1;
}

/* The fields of a line without a quote or CR, each through on_field (which
 * checks and copies it). */
static void split_fields(csvin *r, const unsigned char *p, size_t n)
{
    const unsigned char delim = (unsigned char)r->format.delim, *end = p + n;
    for (;;) {
        const unsigned char *d = memchr(p, delim, (size_t)(end - p));
        const unsigned char *a = p, *b = d ? d : end;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (d == NULL && a == b && r->nfields == 0)
            break; /* a blank line: libcsv reports no field */
        on_field((void *)a, (size_t)(b - a), r);
        if (d == NULL)
            break;
        p = d + 1;
    }
}

/* Splits one line (without its LF) that has no quote and no CR but maybe a
 * final one, as libcsv would: spaces and tabs around a field are not part
 * of it, a line of nothing else is a record of no fields, and CRLF ends a
 * record twice (on_record drops the second). False when the line needs
 * libcsv. */
static bool fast_line(csvin *r, const unsigned char *p, size_t n)
{
    if (n > FAST_LINE_MAX)
        return false;
    int term = '\n';
    if (n > 0 && p[n - 1] == '\r') {
        term = '\r';
        n--;
    }
    if (n == 0) {
        /* a blank line: no field */
    } else if (n < CSVIN_FIELDS_MAX && printable_ascii((const char *)p, n, true)) {
        split_plain(r, p, n);
    } else if (memchr(p, '"', n) != NULL || memchr(p, '\r', n) != NULL) {
        return false;
    } else {
        split_fields(r, p, n);
    }
    on_record(term, r);
    if (term == '\r')
        on_record('\n', r);
    return true;
}

/* Most lines of an export are plain: they are split by fast_line; the
 * others go to libcsv, a line at a time, until the quotes it was given
 * since its record began are even at a line's end (a quoted field can hold
 * line breaks), and so does a line the input cuts off. libcsv's state
 * machine costs more than everything else the reader does. */
static void parse_bytes(csvin *r, const unsigned char *p, size_t len)
{
    if (r->failed || atomic_load(&r->stop) || len == 0)
        return;
    const unsigned char *end = p + len, *slow = NULL;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!r->in_csv && nl != NULL && !r->libcsv_only) {
            if (slow != NULL) {
                csv_bytes(r, slow, (size_t)(p - slow));
                slow = NULL;
            }
            if (r->failed)
                return;
            if (fast_line(r, p, (size_t)(nl - p))) {
                p = nl + 1;
                if (r->failed)
                    return;
                continue;
            }
        }
        const unsigned char *next = nl ? nl + 1 : end;
        if (slow == NULL)
            slow = p;
        for (const unsigned char *q = p; (q = memchr(q, '"', (size_t)(next - q))) != NULL; q++)
            r->csv_quotes ^= 1;
        r->in_csv = nl == NULL || r->csv_quotes;
        p = next;
    }
    if (slow != NULL)
        csv_bytes(r, slow, (size_t)(end - slow));
}

/* ---- encoding and delimiter ---- */

static const struct {
    const char *name, *iconv_name;
} encodings[] = {
    {"utf-8", "UTF-8"},       {"utf8", "UTF-8"},         {"gb18030", "GB18030"},
    {"gbk", "GB18030"},       {"cp936", "GB18030"},      {"gb2312", "GB18030"},
    {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"},
};

static const char *encoding_name(const char *want)
{
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        if (strcasecmp(want, encodings[i].name) == 0)
            return encodings[i].iconv_name;
    return NULL;
}

bool csvin_encoding_known(const char *name)
{
    return strcasecmp(name, "auto") == 0 || encoding_name(name) != NULL;
}

/* Converts len bytes (at most CONV_SLICE) to UTF-8 and parses them; at_end:
 * no more input follows. */
static void convert_slice(csvin *r, const unsigned char *p, size_t len, bool at_end)
{
    /* A character split between two chunks waits in stage for its rest. */
    if (r->stage_len + len > r->stage_cap) {
        r->stage_cap = r->stage_len + len + 64;
        r->stage = xrealloc(r->stage, r->stage_cap);
    }
    if (len > 0) /* stage is NULL until the first bytes (a file of just a byte-order mark) */
        memcpy(r->stage + r->stage_len, p, len);
    r->stage_len += len;
    char *in = (char *)r->stage;
    size_t in_left = r->stage_len;
    while (in_left > 0 && !r->failed) {
        if (r->conv_cap < in_left * 4 + 16) {
            r->conv_cap = in_left * 4 + 16;
            r->conv = xrealloc(r->conv, r->conv_cap);
        }
        char *out = r->conv;
        size_t out_left = r->conv_cap;
        size_t rc = iconv(r->cd, &in, &in_left, &out, &out_left);
        int e = errno;
        size_t produced = r->conv_cap - out_left;
        for (char *q = r->conv; (q = memchr(q, '\n', (size_t)(r->conv + produced - q))) != NULL; q++)
            r->conv_lines++;
        parse_bytes(r, (const unsigned char *)r->conv, produced);
        if (rc != (size_t)-1 || e == E2BIG)
            continue;
        if (e == EINVAL && !at_end)
            break; /* the rest of a character comes with the next chunk */
        if (e == EINVAL)
            fail(r, r->conv_lines + 1, 0,
                 "the file ends inside a character (byte 0x%02x) is not valid %s text; save the file as UTF-8, "
                 "or give --encoding",
                 (unsigned char)*in, r->format.encoding);
        else
            fail(r, r->conv_lines + 1, 0,
                 "a byte sequence (byte 0x%02x) is not valid %s text; save the file as UTF-8, or give --encoding",
                 (unsigned char)*in, r->format.encoding);
        in_left = 0;
    }
    if (in_left > 0)
        memmove(r->stage, in, in_left);
    r->stage_len = in_left;
}

/* Converts len bytes to UTF-8 and parses them; at_end: no more input follows.
 * In slices, so the buffers stay small whatever chunk the caller feeds. */
static void convert_and_parse(csvin *r, const unsigned char *p, size_t len, bool at_end)
{
    if (r->cd == (iconv_t)-1) {
        parse_bytes(r, p, len);
        return;
    }
    do {
        size_t n = len < CONV_SLICE ? len : CONV_SLICE;
        convert_slice(r, p, n, at_end && n == len);
        p += n;
        len -= n;
    } while (len > 0 && !r->failed);
}

/* The first line's most frequent separator among ',', ';' and tab (quotes skipped). */
static char detect_delim(const char *s, size_t len)
{
    size_t n[3] = {0, 0, 0}, i = 0;
    while (i < len && (s[i] == '\r' || s[i] == '\n'))
        i++;
    bool quoted = false;
    for (; i < len && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted)
            n[0] += s[i] == ',', n[1] += s[i] == ';', n[2] += s[i] == '\t';
    }
    if (n[1] > n[0] && n[1] >= n[2])
        return ';';
    if (n[2] > n[0] && n[2] > n[1])
        return '\t';
    return ',';
}

/* Settles encoding and delimiter on the sniffed start, then parses it. */
static void decide(csvin *r, bool at_end)
{
    const unsigned char *p = r->sniff;
    size_t n = r->sniff_len, skip = 0;
    const char *enc = NULL;
    bool bom = false, not_utf8 = false; /* what the encoding was told by */
    r->decided = true;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        enc = "UTF-8", skip = 3;
    else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        enc = "UTF-16LE", skip = 2, bom = true;
    else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        enc = "UTF-16BE", skip = 2, bom = true;
    if (r->want_encoding != NULL) {
        enc = r->want_encoding;
        bom = false;
        if (strcmp(enc, "UTF-8") != 0 && skip == 3)
            skip = 0; /* a UTF-8 mark in a file said to be otherwise: let it show */
    } else if (enc == NULL) {
        /* Valid UTF-8 means UTF-8 (a character cut at the window's end aside). */
        size_t cut = n;
        if (!at_end) {
            size_t k = 0;
            while (k < 3 && cut > 0 && (p[cut - 1] & 0xC0) == 0x80)
                cut--, k++;
            if (cut > 0 && p[cut - 1] >= 0xC0)
                cut--;
            else
                cut = n;
        }
        enc = utf8_valid((const char *)p, cut, NULL) ? "UTF-8" : "GB18030";
        not_utf8 = strcmp(enc, "GB18030") == 0;
    }
    r->format.encoding = enc;
    if (strcmp(enc, "UTF-8") != 0) {
        r->cd = iconv_open("UTF-8", enc);
        if (r->cd == (iconv_t)-1) {
            fail(r, 0, 0, "this system's iconv cannot convert the file's encoding");
            return;
        }
    }
    if (bom)
        note(r, "read as %s text: its byte-order mark (give --encoding to choose another)", enc);
    else if (not_utf8)
        note(r, "read as %s text: it is not valid UTF-8 (give --encoding to choose another)", enc);

    /* The delimiter, from the first line of the converted text. */
    const unsigned char *text = p + skip;
    size_t text_len = n - skip;
    char *first = NULL;
    size_t first_len = text_len;
    if (r->cd != (iconv_t)-1 && r->want_delim == 0) {
        iconv_t probe = iconv_open("UTF-8", enc);
        if (probe != (iconv_t)-1) {
            first = xmalloc(text_len * 4 + 16);
            char *in = (char *)text, *out = first;
            size_t il = text_len, ol = text_len * 4 + 16;
            iconv(probe, &in, &il, &out, &ol);
            first_len = (size_t)(out - first);
            iconv_close(probe);
        }
    }
    char delim = r->want_delim ? (char)r->want_delim
                               : detect_delim(first ? first : (const char *)text, first ? first_len : text_len);
    free(first);
    r->format.delim = delim;
    r->format.decimal_comma = delim == ';';
    csv_set_delim(&r->parser, (unsigned char)delim);
    if (r->want_delim == 0 && delim == ';')
        note(r, "fields separated by ';': numbers are read with a decimal comma (1.234,5)");
    else if (r->want_delim == 0 && delim == '\t')
        note(r, "fields separated by tabs");
    convert_and_parse(r, text, text_len, at_end);
}

static void feed_bytes(csvin *r, const unsigned char *p, size_t len)
{
    sha256_update(&r->sha, len, p);
    r->bytes += len;
    if (!r->decided) {
        size_t take = SNIFF_BYTES - r->sniff_len < len ? SNIFF_BYTES - r->sniff_len : len;
        memcpy(r->sniff + r->sniff_len, p, take);
        r->sniff_len += take;
        p += take;
        len -= take;
        if (r->sniff_len < SNIFF_BYTES)
            return;
        decide(r, false);
    }
    convert_and_parse(r, p, len, false);
}

/* Ends the input: the last record may lack a newline. */
static void end_input(csvin *r)
{
    if (!r->decided)
        decide(r, true);
    else if (!r->failed)
        convert_and_parse(r, (const unsigned char *)"", 0, true);
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
    sha256_digest(&r->sha, sizeof d, d);
    hash_hex(d, stats->sha256);
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
    r->libcsv_only = opts && opts->libcsv_only;
    r->prepare = opts ? opts->prepare : NULL;
    r->prepare_ctx = opts ? opts->prepare_ctx : NULL;
    r->prep_here = true; /* without a thread it runs either way */
    r->next_line = 1;
    atomic_init(&r->stop, false);
    sha256_init(&r->sha);
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
        free(r);
        return NULL;
    }
    csv_set_realloc_func(&r->parser, capped_realloc);
    r->want_delim = opts ? opts->delim : 0;
    r->want_encoding = opts && opts->encoding && strcasecmp(opts->encoding, "auto") != 0
                           ? encoding_name(opts->encoding)
                           : NULL;
    if (opts && opts->encoding && strcasecmp(opts->encoding, "auto") != 0 && r->want_encoding == NULL) {
        csv_free(&r->parser);
        free(r);
        return NULL;
    }
    r->cd = (iconv_t)-1;
    r->format = (csvin_format){',', false, "UTF-8"};
    r->sniff = xmalloc(SNIFF_BYTES);
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
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->sniff);
    free(r->stage);
    free(r->conv);
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
    unsigned char *buf; /* read buffer */
};

/* The reader thread: read, hash, parse; batches go to the queue. */
static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    csvin *r = rd->r;
    while (!csvin_stopped(r)) {
        ssize_t n = read(rd->fd, rd->buf, rd->chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                r->read_errno = errno;
            break;
        }
        feed_bytes(r, rd->buf, (size_t)n);
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
    pthread_cond_init(&q.not_full, NULL);
    pthread_cond_init(&q.not_empty, NULL);
    r->q = &q;
    struct reader rd = {r, fd, opts && opts->chunk_size ? opts->chunk_size : CSVIN_CHUNK_DEFAULT, total,
                        NULL};
    rd.buf = xmalloc(rd.chunk);
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, reader_main, &rd) == 0;
    if (!threaded) {
        r->q = NULL; /* no thread to be had: do it all here */
        reader_main(&rd);
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
    free(rd.buf);
    while (q.free != NULL) {
        struct batch *b = q.free;
        q.free = b->next;
        batch_free(b);
    }
    pthread_cond_destroy(&q.not_full);
    pthread_cond_destroy(&q.not_empty);
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
