/* test_csvin.c - the streaming CSV reader, fed in every chunk size. */
#include "config.h"
#include "csvin.h"
#include "tests.h"
#include "csv_diff.h"

#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a run delivered: the records flattened as "line|f1|f2|...\n". */
struct capture {
    char text[8192];
    size_t len;
    int stop_after; /* stop after this many records (0 = never) */
    int seen;
    const char *encoding; /* as the rows report it */
    char delim;
};

static int capture_row(void *vc, const csvin_row *row)
{
    struct capture *c = vc;
    c->encoding = row->format->encoding;
    c->delim = row->format->delim;
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%ld", row->line);
    for (size_t i = 0; i < row->nfields; i++) {
        ck_assert_uint_eq(strlen(row->field[i]), row->len[i]);
        c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "|%s", row->field[i]);
    }
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "\n");
    return ++c->seen == c->stop_after;
}

static enum cbam_err run(const char *data, size_t len, size_t chunk, struct capture *c,
                         diag_list *dl, csvin_stats *st)
{
    memset(c, 0, sizeof *c);
    csvin_opts o = {.chunk_size = chunk};
    return csvin_read_mem("t.csv", data, len, &o, capture_row, c, dl, st);
}

/* BOM, CRLF, quoted fields, a blank line, a lone CR line end, a tab and
 * spaces around fields, and no newline at the end. (A line break inside
 * quotes is an error: control_characters_are_errors.) */
static const char tricky[] =
    "\xEF\xBB\xBF" "a,b,c\r\n"
    "1,\"two, with comma\",3\r\n"
    "\r\n"
    "4,\"multi\tpart\",\"quote \"\"x\"\"\"\n"
    "\n"
    "  7 , 8 ,9\r"
    "10,11,12";

static const char tricky_expected[] =
    "1|a|b|c\n"
    "2|1|two, with comma|3\n"
    "4|4|multi\tpart|quote \"x\"\n"
    "6|7|8|9\n"
    "7|10|11|12\n";

START_TEST(every_chunk_size_gives_the_same_records)
{
    size_t len = sizeof tricky - 1;
    for (size_t chunk = 1; chunk <= len; chunk++) {
        struct capture c;
        diag_list dl;
        diag_list_init(&dl);
        csvin_stats st;
        ck_assert_int_eq(run(tricky, len, chunk, &c, &dl, &st), CBAM_OK);
        ck_assert_msg(strcmp(c.text, tricky_expected) == 0, "chunk %zu:\n%s", chunk, c.text);
        ck_assert_uint_eq(dl.count, 0);
        ck_assert_uint_eq(st.records, 5);
        ck_assert_uint_eq(st.bytes, len);
        ck_assert_int_eq(st.lines, 7);
        diag_list_free(&dl);
    }
}
END_TEST

START_TEST(sha256_of_the_raw_bytes)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    csvin_stats st;
    /* printf 'a,b\n1,2\n' | sha256sum */
    ck_assert_int_eq(run("a,b\n1,2\n", 8, 3, &c, &dl, &st), CBAM_OK);
    ck_assert_str_eq(st.sha256, "492d5ea496056f1a6a6592241032fab764c321596317930b4fa0e1e8bc3b7470");
    diag_list_free(&dl);
}
END_TEST

/* A malformed input must give exactly one error at the right line and column,
 * whatever the chunk size. */
static void expect_error(const char *data, size_t len, long line, int column, const char *needle)
{
    for (size_t chunk = 1; chunk <= len + 1; chunk += (chunk < 16 ? 1 : 97)) {
        struct capture c;
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(run(data, len, chunk, &c, &dl, NULL), CBAM_ERR_DATA);
        ck_assert_uint_eq(dl.errors, 1);
        const diag *d = &dl.items[dl.count - 1]; /* notes about the file may come first */
        ck_assert_int_eq(d->severity, DIAG_ERROR);
        ck_assert_int_eq(d->line, line);
        ck_assert_int_eq(d->column, column);
        ck_assert_msg(strstr(d->message, needle) != NULL, "'%s' lacks '%s'", d->message, needle);
        diag_list_free(&dl);
    }
}

/* Every field is text: a control character (C0 but tab, DEL, C1) is an error
 * naming it, at the line it is on, after decoding; a line break inside quotes
 * too. */
START_TEST(control_characters_are_errors)
{
    static const char esc[] = "a,b\n1,\x1b[2Jx\n";
    expect_error(esc, sizeof esc - 1, 2, 2, "control character U+001B (ESC); expected printable text");
    static const char bel_header[] = "a,b\x07\n1,2\n";
    expect_error(bel_header, sizeof bel_header - 1, 1, 2, "U+0007 (BEL)");
    static const char del[] = "a,b\r\n\r\n\r\n1,2\r\n3,x\x7f\r\n";
    expect_error(del, sizeof del - 1, 5, 2, "U+007F (DEL)");
    static const char c1[] = "a,b\n1,2\n\n3,\xC2\x9B" "31m\n";
    expect_error(c1, sizeof c1 - 1, 4, 2, "U+009B (CSI)");
    static const char quoted_lf[] = "a,b\n1,2\n3,\"x\ny\"\n4,5\n";
    expect_error(quoted_lf, sizeof quoted_lf - 1, 3, 2, "line break (U+000A, LF) inside a quoted field");
    static const char quoted_crlf[] = "a,b,c\r\n1,\"x\r\ny\",3\r\n";
    expect_error(quoted_crlf, sizeof quoted_crlf - 1, 2, 2, "line break (U+000D, CR)");
    static const char ff_third[] = "a,b,c\n\n1,\"x\",\"p q\x0c\"\n";
    expect_error(ff_third, sizeof ff_third - 1, 3, 3, "U+000C (FF)");
    static const char vt[] = "a,b\n1,\"\x0b\"\n";
    expect_error(vt, sizeof vt - 1, 2, 2, "U+000B (VT)");
    /* GB18030 and UTF-16: checked after decoding. */
    static const char gb[] = "\xB5\xE7,b\n\xB5\xE7,\x1b]0;t\x07\n";
    expect_error(gb, sizeof gb - 1, 2, 2, "U+001B (ESC)");
    static const char u16[] = "\xFF\xFE" "a\0,\0b\0\n\0" "1\0,\0\x1b\0\n\0";
    expect_error(u16, sizeof u16 - 1, 2, 2, "U+001B (ESC)");
    /* A tab inside a field is text. */
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(run("a,b\n1,x\ty\n", 10, 3, &c, &dl, NULL), CBAM_OK);
    ck_assert_str_eq(c.text, "1|a|b\n2|1|x\ty\n");
    diag_list_free(&dl);
}
END_TEST

START_TEST(malformed_inputs)
{
    static const char unterminated[] = "a,b\n1,\"open\n2,3\n";
    expect_error(unterminated, sizeof unterminated - 1, 2, 2, "not closed"); /* where it opened */
    static const char stray[] = "a,b\n1,2\n3,x\"y\n";
    expect_error(stray, sizeof stray - 1, 3, 2, "malformed quoting");
    static const char after[] = "a,b\n\"x\"y,2\n";
    expect_error(after, sizeof after - 1, 2, 1, "malformed quoting");
    static const char nul[] = "a,b\n1,2\x00z\n";
    expect_error(nul, sizeof nul - 1, 2, 2, "NUL byte");
    /* A byte-order mark says UTF-8: a stray Latin-1 byte is then an error. */
    static const char bad_utf8[] = "\xEF\xBB\xBF" "a,b\n1,caf\xE9\n";
    expect_error(bad_utf8, sizeof bad_utf8 - 1, 2, 2, "invalid UTF-8");
    /* Not UTF-8, so GB18030: 0xFF is not a GB18030 byte. */
    static const char bad_gb[] = "a,b\n1,\xB5\xE7\n2,\xFF\n";
    expect_error(bad_gb, sizeof bad_gb - 1, 3, 0, "not valid GB18030");
}
END_TEST

/* GBK from Chinese-locale Excel, UTF-16 from Excel's "Unicode text", and
 * European ';' files: read in every chunk size, converted to UTF-8. */
START_TEST(encodings_and_delimiters)
{
    static const struct {
        const char *data;
        size_t len;
        const char *want, *encoding;
        char delim;
    } cases[] = {
#define BYTES(lit) lit, sizeof lit - 1
        {BYTES("\xC6\xF3\xD2\xB5\xB1\xE0\xBA\xC5\x2C\xC6\xDA\xBC\xE4\x2C\xB5\xE7\xC1\xBF\x28\x6B\x57\x68\x29"
               "\x0D\x0A\xBB\xA7\x31\x2C\x32\x30\x32\x35\x2D\x30\x33\x2C\x22\x31\x2C\x32\x33\x34\x22\x0D\x0A"),
         "1|企业编号|期间|电量(kWh)\n2|户1|2025-03|1,234\n", "GB18030", ','},
        {BYTES("\xFF\xFE\x61\x00\x3B\x00\x62\x00\x0A\x00\x31\x00\x3B\x00\x32\x00\x0A\x00"), "1|a|b\n2|1|2\n",
         "UTF-16LE", ';'},
        {BYTES("\xFE\xFF\x00\x61\x00\x09\x00\x62\x00\x0A\x00\x31\x00\x09\x00\x32"), "1|a|b\n2|1|2\n",
         "UTF-16BE", '\t'},
        {BYTES("Datum;Energie\n2025-03;1.234,5\n"), "1|Datum|Energie\n2|2025-03|1.234,5\n", "UTF-8", ';'},
        {BYTES("a,\"x;y;z\"\n1,2\n"), "1|a|x;y;z\n2|1|2\n", "UTF-8", ','},
#undef BYTES
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        for (size_t chunk = 1; chunk <= cases[k].len; chunk++) {
            struct capture c;
            diag_list dl;
            diag_list_init(&dl);
            ck_assert_int_eq(run(cases[k].data, cases[k].len, chunk, &c, &dl, NULL), CBAM_OK);
            ck_assert_msg(strcmp(c.text, cases[k].want) == 0, "case %zu chunk %zu:\n%s", k, chunk, c.text);
            ck_assert_str_eq(c.encoding, cases[k].encoding);
            ck_assert_int_eq(c.delim, cases[k].delim);
            ck_assert_uint_eq(dl.errors, 0);
            diag_list_free(&dl);
        }
    }
}
END_TEST

START_TEST(field_size_is_capped)
{
    size_t n = 10u << 20; /* a 10 MB field */
    char *big = malloc(n + 16);
    memcpy(big, "a,b\n1,", 6);
    memset(big + 6, 'x', n);
    memcpy(big + 6 + n, "\n", 2);
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(run(big, n + 7, 65536, &c, &dl, NULL), CBAM_ERR_DATA);
    ck_assert_uint_eq(dl.errors, 1);
    ck_assert_int_eq(dl.items[0].line, 2);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "longer than"));
    diag_list_free(&dl);
    free(big);
}
END_TEST

START_TEST(callback_can_stop)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    csvin_opts o = {.chunk_size = 1};
    ck_assert_int_eq(csvin_read_mem("t.csv", "a\n1\n2\n3\n", 8, &o, capture_row, &c, &dl, NULL), CBAM_OK);
    ck_assert_int_eq(c.seen, 2);
    diag_list_free(&dl);
}
END_TEST

START_TEST(empty_and_missing_files)
{
    struct capture c;
    diag_list dl;
    diag_list_init(&dl);
    csvin_stats st;
    ck_assert_int_eq(run("", 0, 1, &c, &dl, &st), CBAM_OK);
    ck_assert_uint_eq(st.records, 0);
    ck_assert_int_eq(run("\xEF\xBB\xBF", 3, 1, &c, &dl, &st), CBAM_OK);
    ck_assert_uint_eq(st.records, 0);
    /* Just a UTF-16 byte-order mark: nothing to convert (was a NULL + 0 in the conversion, fuzz_manifest). */
    for (size_t chunk = 1; chunk <= 3; chunk++) {
        ck_assert_int_eq(run("\xFE\xFF", 2, chunk, &c, &dl, &st), CBAM_OK);
        ck_assert_uint_eq(st.records, 0);
        ck_assert_int_eq(run("\xFF\xFE", 2, chunk, &c, &dl, &st), CBAM_OK);
        ck_assert_uint_eq(st.records, 0);
    }
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(csvin_read_file("/nonexistent/x.csv", "x.csv", NULL, capture_row, &c, &dl, NULL),
                     CBAM_ERR_NOINPUT);
    ck_assert_int_eq(csvin_read_file("/", "/", NULL, capture_row, &c, &dl, NULL), CBAM_ERR_NOINPUT);
    diag_list_free(&dl);
}
END_TEST

/* A digest of everything delivered: line numbers, field counts and bytes. */
struct digest {
    unsigned long long h;
    size_t rows;
    int stop_at;
};

static int digest_row(void *vd, const csvin_row *row)
{
    struct digest *d = vd;
    d->h = d->h * 1099511628211ULL ^ (unsigned long long)row->line;
    d->h = d->h * 1099511628211ULL ^ row->nfields;
    for (size_t i = 0; i < row->nfields; i++)
        for (size_t k = 0; k < row->len[i]; k++)
            d->h = (d->h ^ (unsigned char)row->field[i][k]) * 1099511628211ULL;
    return ++d->rows == (size_t)d->stop_at;
}

/* The file path parses on a reader thread and hands batches over: it must
 * deliver exactly what the in-memory path delivers, for any read size. */
START_TEST(reader_thread_matches_memory_path)
{
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    n += (size_t)snprintf(text + n, cap - n, "\xEF\xBB\xBF" "id,name,kwh\r\n");
    for (int i = 0; i < 10000; i++) {
        if (i % 997 == 0)
            n += (size_t)snprintf(text + n, cap - n, "%d,\"multi, line %d\",%d.5\r\n\r\n", i, i, i);
        else
            n += (size_t)snprintf(text + n, cap - n, "%d,meter-%d,%d\n", i, i, i * 7);
    }
    char path[] = "/tmp/cbam-csvin-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);

    diag_list dl;
    diag_list_init(&dl);
    struct digest want = {0, 0, 0};
    csvin_stats mem_st, file_st;
    csvin_opts mo = {.chunk_size = 4096};
    ck_assert_int_eq(csvin_read_mem("t.csv", text, n, &mo, digest_row, &want, &dl, &mem_st), CBAM_OK);
    ck_assert_uint_eq(want.rows, 10001);
    static const size_t chunks[] = {1, 7, 4096, 1 << 20};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        struct digest got = {0, 0, 0};
        csvin_opts fo = {.chunk_size = chunks[k]};
        ck_assert_int_eq(csvin_read_file(path, "t.csv", &fo, digest_row, &got, &dl, &file_st), CBAM_OK);
        ck_assert_uint_eq(got.rows, want.rows);
        ck_assert_msg(got.h == want.h, "chunk %zu: different records", chunks[k]);
        ck_assert_str_eq(file_st.sha256, mem_st.sha256);
        ck_assert_int_eq(file_st.lines, mem_st.lines);
        ck_assert_uint_eq(file_st.bytes, n);
    }
    ck_assert_uint_eq(dl.count, 0);

    /* A stop asked for in the middle ends the read, with nothing reported. */
    struct digest stop = {0, 0, 5000};
    csvin_opts fo = {.chunk_size = 512};
    ck_assert_int_eq(csvin_read_file(path, "t.csv", &fo, digest_row, &stop, &dl, NULL), CBAM_OK);
    ck_assert_uint_eq(stop.rows, 5000);
    ck_assert_uint_eq(dl.count, 0);

    /* A structural error late in the file arrives after every earlier row, at its line. */
    char *bad = strstr(text, "\n9000,meter-9000");
    ck_assert_ptr_nonnull(bad);
    bad[1] = '"';
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
    close(fd);
    struct digest part = {0, 0, 0};
    ck_assert_int_eq(csvin_read_file(path, "t.csv", &fo, digest_row, &part, &dl, NULL), CBAM_ERR_DATA);
    ck_assert_uint_eq(dl.errors, 1);
    /* The quote opened on row 9000's line (header + 9000 rows + 10 rows with a blank line
     * after each = 9012); it runs to the next quote, at row 9970, where the error shows. */
    ck_assert_int_eq(dl.items[0].line, 9982);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "began on line 9012"));
    ck_assert_uint_eq(part.rows, 9001);
    unlink(path);
    free(text);
    diag_list_free(&dl);
}
END_TEST

/* ---- memory stays bounded whatever the line structure ---- */

enum big_kind { BIG_BLANK, BIG_FIELDS, BIG_SPACES };
#define BIG_PIECE        65535 /* a multiple of 3, of the "\r\n\n" of BIG_BLANK */
#define BIG_BLANK_PIECES 800   /* 50 MB of blank lines: 34,952,000 of them */
#define BIG_LINE_PIECES  320   /* a 20 MB line */

/* The input, produced in pieces through out(): a header, then 50 MB of blank
 * lines (CRLF and LF), or one 20 MB line of short fields, or of spaces; then
 * one row. Never held whole, so only the reader's memory is measured. */
static void big_input(enum big_kind kind, void (*out)(void *, const char *, size_t), void *ctx)
{
    static char piece[BIG_PIECE];
    for (size_t i = 0; i < sizeof piece; i++)
        piece[i] = kind == BIG_BLANK ? "\r\n\n"[i % 3] : kind == BIG_FIELDS ? "1234567,"[i % 8] : ' ';
    out(ctx, "a,b\n", 4);
    for (int k = 0; k < (kind == BIG_BLANK ? BIG_BLANK_PIECES : BIG_LINE_PIECES); k++)
        out(ctx, piece, sizeof piece);
    out(ctx, "\n1,2\n", 5);
}

static void out_fd(void *ctx, const char *p, size_t len)
{
    int fd = *(int *)ctx;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            _exit(0); /* the reader stopped: the rest is not wanted */
        p += n;
        len -= (size_t)n;
    }
}

struct membuf {
    char *p;
    size_t len;
};

static void out_mem(void *ctx, const char *p, size_t len)
{
    struct membuf *m = ctx;
    memcpy(m->p + m->len, p, len);
    m->len += len;
}

struct big_result {
    long growth_kb; /* of the peak resident size, while reading */
    int err;
    size_t rows, errors;
    long last_line, err_line;
    char msg[200];
};

static int big_row(void *vr, const csvin_row *row)
{
    struct big_result *br = vr;
    br->rows++;
    br->last_line = row->line;
    return 0;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Reads the input in a child process (a file: through a pipe from a
 * grandchild that writes it; or from memory) and reports how far the
 * child's peak resident size rose while reading. */
static struct big_result big_run(enum big_kind kind, bool via_file, size_t chunk)
{
    int res[2];
    ck_assert_int_eq(pipe(res), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(res[0]);
        struct big_result br;
        memset(&br, 0, sizeof br);
        diag_list dl;
        diag_list_init(&dl);
        csvin_opts o = {.chunk_size = chunk};
        if (via_file) {
            int data[2];
            if (pipe(data) != 0)
                _exit(1);
            pid_t writer = fork();
            if (writer == 0) {
                close(data[0]);
                big_input(kind, out_fd, &data[1]);
                _exit(0);
            }
            close(data[1]);
            char path[32];
            snprintf(path, sizeof path, "/dev/fd/%d", data[0]);
            long before = peak_rss_kb();
            br.err = csvin_read_file(path, "big.csv", &o, big_row, &br, &dl, NULL);
            br.growth_kb = peak_rss_kb() - before;
            close(data[0]);
            waitpid(writer, NULL, 0);
        } else {
            struct membuf m = {malloc((size_t)BIG_BLANK_PIECES * BIG_PIECE + 16), 0};
            if (m.p == NULL)
                _exit(1);
            big_input(kind, out_mem, &m); /* touches every page before the baseline */
            long before = peak_rss_kb();
            br.err = csvin_read_mem("big.csv", m.p, m.len, &o, big_row, &br, &dl, NULL);
            br.growth_kb = peak_rss_kb() - before;
            free(m.p);
        }
        br.errors = dl.errors;
        if (dl.count > 0) {
            br.err_line = dl.items[dl.count - 1].line;
            snprintf(br.msg, sizeof br.msg, "%s", dl.items[dl.count - 1].message);
        }
        diag_list_free(&dl);
        _exit(write(res[1], &br, sizeof br) == (ssize_t)sizeof br ? 0 : 1);
    }
    close(res[1]);
    struct big_result br;
    memset(&br, 0, sizeof br);
    size_t got = 0;
    while (got < sizeof br) {
        ssize_t n = read(res[0], (char *)&br + got, sizeof br - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(res[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == sizeof br,
                  "the reading child failed");
    return br;
}

/* 50 MB of blank lines and a 20 MB line, in many chunk sizes, through the
 * file reader (its thread) and from memory: the reader's peak memory must
 * not grow with them. Raw chunks used to wait for a record to complete. */
START_TEST(memory_stays_bounded)
{
    static const struct {
        bool via_file;
        size_t chunk;
    } runs[] = {{true, 997}, {true, 4096}, {true, 65537}, {true, 1 << 20}, {true, 0},
                {false, 4093}, {false, 1 << 20}, {false, 64u << 20}};
    const long limit_kb = 24 * 1024;
    for (int kind = BIG_BLANK; kind <= BIG_SPACES; kind++) {
        for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
            bool via_file = runs[k].via_file;
            size_t chunk = runs[k].chunk;
            struct big_result br = big_run((enum big_kind)kind, via_file, chunk);
            ck_assert_msg(br.growth_kb < limit_kb, "kind %d, %s, chunk %zu: the peak rose by %ld KiB", kind,
                          via_file ? "file" : "memory", chunk, br.growth_kb);
            if (kind == BIG_FIELDS) {
                /* Said at the line, as soon as the record is too big. */
                ck_assert_int_eq(br.err, CBAM_ERR_DATA);
                ck_assert_uint_eq(br.errors, 1);
                ck_assert_int_eq(br.err_line, 2);
                ck_assert_msg(strstr(br.msg, "more than 512 fields") != NULL, "%s", br.msg);
                ck_assert_uint_eq(br.rows, 1);
            } else {
                ck_assert_msg(br.err == CBAM_OK, "kind %d chunk %zu: %s", kind, chunk, br.msg);
                ck_assert_uint_eq(br.rows, 2);
                long blank_lines = kind == BIG_BLANK ? (long)BIG_BLANK_PIECES * (BIG_PIECE / 3 * 2) : 0;
                ck_assert_int_eq(br.last_line, 3 + blank_lines);
            }
        }
    }
}
END_TEST

/* Plain lines are split by csvin itself, the rest by libcsv: the two must
 * agree to the byte on every kind of line, and where they meet (a quoted
 * field over several lines, a line cut by the chunk size). */
START_TEST(fast_splitter_matches_libcsv)
{
    static const struct {
        const char *data;
        size_t len; /* 0: strlen */
    } cases[] = {
        {tricky, sizeof tricky - 1},
        {"a,b\n1,2\n", 0},
        {"a,b\r\n1,2\r\n", 0},
        {"a,b\r1,2\r", 0},                         /* CR alone ends lines */
        {"a,b\n1,2\r3,4\n5,6", 0},                 /* CR inside a line of LFs */
        {"a,b\n  \n\t\n \t , \n,\n,,\n", 0},     /* blank, spaces, empty fields */
        {"a,b\n 1 , 2 \n\t1\t,\t2\t\n", 0},       /* trimmed around fields */
        {"a,b,\n1,2,\n", 0},                        /* a trailing delimiter */
        {"a,b\n1,\"x\ny\",2\n3,4\n", 0},            /* a line break inside quotes */
        {"a,b\n1,\"x\"\"\n\"\"y\",2\n3,4\n", 0},    /* doubled quotes over lines */
        {"a,b\n1,x\"y\n3,4\n", 0},                  /* a quote inside an unquoted field */
        {"a,b\n1,\"x\"y,2\n", 0},                   /* text after a closing quote */
        {"a,b\n1,\"open\n2,3\n", 0},                /* never closed */
        {"a,b\n\"q\" , 2\n", 0},                    /* spaces after a closing quote */
        {"a;b\n1,5;2\n\"3;4\";5\n", 0},             /* ';' */
        {"a\tb\n 1 \t 2 \n\t\n", 0},               /* tabs: spaces trimmed, tabs split */
        {"a,b\n1,\0\n", 8},                          /* NUL */
        {"a,b\n1,\x01x\n", 0},                      /* a control character */
        {"a,b\n1,\xff\n", 0},                       /* not UTF-8 (read as GB18030) */
        {"\xEF\xBB\xBF" "a,b\r\n1,2\r\n", 0},          /* BOM */
        {"\xFF\xFE" "a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0", 18}, /* UTF-16LE */
        {"a,b\n1,2", 0},
        {"a,b\n1,2\r", 0},
        {"\n\n\r\n", 0},
        {"", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        size_t len = cases[k].len ? cases[k].len : strlen(cases[k].data);
        char *diff = csv_diff(cases[k].data, len);
        ck_assert_msg(diff == NULL, "case %zu: %s", k, diff);
    }
    /* Long lines and fields: around the splitter's line limit (16 KiB) and
     * the field cap, and more fields than a record may hold. */
    static const size_t sizes[] = {16383, 16384, 16385, 65535, 65536, 65537, 70000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        char *buf = malloc(n + 32);
        ck_assert_ptr_nonnull(buf);
        memcpy(buf, "a,b\n1,", 6);
        memset(buf + 6, 'x', n);
        memcpy(buf + 6 + n, "\n2,3\n", 5);
        char *diff = csv_diff(buf, n + 11);
        ck_assert_msg(diff == NULL, "field of %zu bytes: %.300s", n, diff);
        free(buf);
    }
    char many[4000];
    size_t m = 0;
    m += (size_t)snprintf(many + m, sizeof many - m, "a,b\n");
    for (int i = 0; i < CSVIN_FIELDS_MAX + 5; i++)
        m += (size_t)snprintf(many + m, sizeof many - m, "%s", i ? ",1" : "1");
    m += (size_t)snprintf(many + m, sizeof many - m, "\n");
    char *diff = csv_diff(many, m);
    ck_assert_msg(diff == NULL, "many fields: %.300s", diff);
}
END_TEST

Suite *suite_csvin(void)
{
    Suite *s = suite_create("csvin");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_chunk_size_gives_the_same_records);
    tcase_add_test(tc, sha256_of_the_raw_bytes);
    tcase_add_test(tc, malformed_inputs);
    tcase_add_test(tc, control_characters_are_errors);
    tcase_add_test(tc, encodings_and_delimiters);
    tcase_add_test(tc, field_size_is_capped);
    tcase_add_test(tc, callback_can_stop);
    tcase_add_test(tc, empty_and_missing_files);
    tcase_add_test(tc, reader_thread_matches_memory_path);
    tcase_add_test(tc, memory_stays_bounded);
    tcase_add_test(tc, fast_splitter_matches_libcsv);
    suite_add_tcase(s, tc);
    return s;
}
