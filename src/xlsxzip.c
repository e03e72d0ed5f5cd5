/* xlsxzip.c - checks and patches a written workbook's zip (see xlsxzip.h).
 *
 * Only what libxlsxwriter writes needs to be understood: one disk, no ZIP64,
 * no encryption, parts stored or deflated. Anything else is a doubt, and a
 * doubt fails the check: a workbook that is refused can be written again,
 * one that is unreadable has already been handed over.
 */
#include "config.h"
#include "xlsxzip.h"
#include "utf8.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define SIG_LOCAL   0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END     0x06054b50u
#define END_LEN     22
#define CENTRAL_LEN 46
#define LOCAL_LEN   30
/* A part larger than this is not something cbamcalc writes: a doubt. */
#define PART_MAX ((size_t)1 << 30)

struct zentry {
    size_t cd;     /* offset of its central-directory record */
    size_t cd_len; /* length of that record */
    const char *name;
    size_t name_len;
    unsigned flags, method;
    uint32_t crc, csize, usize;
    size_t local, data; /* offsets of the local header and of the data */
};

struct zfile {
    unsigned char *buf;
    size_t size;
    size_t cd_off, cd_size, end; /* central directory; end record */
    struct zentry *e;
    size_t n;
};

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)(v >> 8 & 0xFF);
}

static void wr32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i) & 0xFF);
}

static void zfile_free(struct zfile *z)
{
    free(z->buf);
    free(z->e);
    memset(z, 0, sizeof *z);
}

static bool read_all(const char *path, struct zfile *z, char *why, size_t why_size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return utf8_fail(why, why_size, "cannot read it back: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uintmax_t)st.st_size > UINT32_MAX) {
        fclose(f);
        return utf8_fail(why, why_size, "its size cannot be read or is beyond a zip's 4 GiB");
    }
    z->size = (size_t)st.st_size;
    z->buf = xmalloc(z->size ? z->size : 1);
    size_t got = fread(z->buf, 1, z->size, f);
    bool err = ferror(f) != 0;
    fclose(f);
    if (err || got != z->size)
        return utf8_fail(why, why_size, "cannot read it back (%zu of %zu bytes)", got, z->size);
    return true;
}

/* The end record, the central directory and every local header. */
static bool parse(struct zfile *z, char *why, size_t why_size)
{
    const unsigned char *b = z->buf;
    if (z->size < END_LEN)
        return utf8_fail(why, why_size, "%zu bytes are too few for a zip", z->size);
    size_t lo = z->size - END_LEN > 0xFFFF ? z->size - END_LEN - 0xFFFF : 0;
    bool found = false;
    for (size_t pos = z->size - END_LEN + 1; pos-- > lo;) {
        if (rd32(b + pos) == SIG_END && pos + END_LEN + rd16(b + pos + 20) == z->size) {
            z->end = pos;
            found = true;
            break;
        }
    }
    if (!found)
        return utf8_fail(why, why_size,
                         "no end-of-central-directory record at its end: the file is cut short");
    const unsigned char *e = b + z->end;
    unsigned n = rd16(e + 10);
    z->cd_size = rd32(e + 12);
    z->cd_off = rd32(e + 16);
    if (rd16(e + 4) != 0 || rd16(e + 6) != 0 || rd16(e + 8) != n)
        return utf8_fail(why, why_size, "a zip over several disks");
    if (z->cd_off > z->end || z->end - z->cd_off != z->cd_size)
        return utf8_fail(why, why_size, "the central directory does not end where the end record begins");
    if (n == 0)
        return utf8_fail(why, why_size, "the zip holds no parts");
    z->e = xcalloc(n, sizeof *z->e);
    size_t p = z->cd_off;
    for (unsigned i = 0; i < n; i++) {
        struct zentry *ze = &z->e[i];
        if (z->end - p < CENTRAL_LEN || rd32(b + p) != SIG_CENTRAL)
            return utf8_fail(why, why_size, "central-directory entry %u is missing or damaged", i + 1);
        ze->cd = p;
        ze->flags = rd16(b + p + 8);
        ze->method = rd16(b + p + 10);
        ze->crc = rd32(b + p + 16);
        ze->csize = rd32(b + p + 20);
        ze->usize = rd32(b + p + 24);
        ze->name_len = rd16(b + p + 28);
        size_t extra = rd16(b + p + 30), comment = rd16(b + p + 32);
        ze->local = rd32(b + p + 42);
        ze->cd_len = CENTRAL_LEN + ze->name_len + extra + comment;
        if (z->end - p < ze->cd_len)
            return utf8_fail(why, why_size, "central-directory entry %u runs past the directory", i + 1);
        ze->name = (const char *)b + p + CENTRAL_LEN;
        p += ze->cd_len;
        z->n++;
        if (ze->flags & 1)
            return utf8_fail(why, why_size, "part %.*s is encrypted", (int)ze->name_len, ze->name);
        if (ze->method != 0 && ze->method != 8)
            return utf8_fail(why, why_size, "part %.*s uses compression method %u", (int)ze->name_len,
                             ze->name, ze->method);
        if (ze->csize == UINT32_MAX || ze->usize == UINT32_MAX || ze->local == UINT32_MAX)
            return utf8_fail(why, why_size, "part %.*s needs ZIP64", (int)ze->name_len, ze->name);
        if (ze->local > z->cd_off || z->cd_off - ze->local < LOCAL_LEN || rd32(b + ze->local) != SIG_LOCAL)
            return utf8_fail(why, why_size, "the local header of part %.*s is missing", (int)ze->name_len,
                             ze->name);
        size_t lname = rd16(b + ze->local + 26), lextra = rd16(b + ze->local + 28);
        ze->data = ze->local + LOCAL_LEN + lname + lextra;
        if (lname != ze->name_len || memcmp(b + ze->local + LOCAL_LEN, ze->name, lname) != 0)
            return utf8_fail(why, why_size, "the local header of part %.*s names another part",
                             (int)ze->name_len, ze->name);
        if (ze->data > z->cd_off || z->cd_off - ze->data < ze->csize)
            return utf8_fail(why, why_size, "the data of part %.*s runs past the central directory",
                             (int)ze->name_len, ze->name);
    }
    if (p != z->end)
        return utf8_fail(why, why_size, "the central directory has bytes after its %u entries", n);
    return true;
}

static bool load(const char *path, struct zfile *z, char *why, size_t why_size)
{
    memset(z, 0, sizeof *z);
    if (!read_all(path, z, why, why_size) || !parse(z, why, why_size)) {
        zfile_free(z);
        return false;
    }
    return true;
}

static const struct zentry *find(const struct zfile *z, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < z->n; i++)
        if (z->e[i].name_len == len && memcmp(z->e[i].name, name, len) == 0)
            return &z->e[i];
    return NULL;
}

/* The part inflated, checked against its size and CRC-32 (NUL appended). */
static bool part_data(const struct zfile *z, const struct zentry *ze, size_t part_max, unsigned char **out,
                      char *why, size_t why_size)
{
    *out = NULL;
    if (ze->usize > part_max)
        return utf8_fail(why, why_size, "part %.*s claims %lu bytes", (int)ze->name_len, ze->name,
                         (unsigned long)ze->usize);
    unsigned char *d = xmalloc((size_t)ze->usize + 1);
    const unsigned char *src = z->buf + ze->data;
    if (ze->method == 0) {
        if (ze->csize != ze->usize) {
            free(d);
            return utf8_fail(why, why_size, "stored part %.*s has two sizes", (int)ze->name_len, ze->name);
        }
        memcpy(d, src, ze->usize);
    } else {
        z_stream s;
        memset(&s, 0, sizeof s);
        if (inflateInit2(&s, -MAX_WBITS) != Z_OK) {
            free(d);
            return utf8_fail(why, why_size, "zlib cannot start");
        }
        s.next_in = (Bytef *)(uintptr_t)src;
        s.avail_in = ze->csize;
        s.next_out = d;
        s.avail_out = ze->usize + 1; /* one more: a longer stream shows */
        int rc = inflate(&s, Z_FINISH);
        uLong total = s.total_out;
        inflateEnd(&s);
        if (rc != Z_STREAM_END || total != ze->usize) {
            free(d);
            return utf8_fail(why, why_size, "part %.*s does not inflate to its %lu bytes", (int)ze->name_len,
                             ze->name, (unsigned long)ze->usize);
        }
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, d, ze->usize);
    if ((uint32_t)crc != ze->crc) {
        free(d);
        return utf8_fail(why, why_size, "part %.*s fails its CRC-32", (int)ze->name_len, ze->name);
    }
    d[ze->usize] = '\0';
    *out = d;
    return true;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* True when an XML document ends with its root element's end: a part cut
 * short loses its last bytes, and so its root's end tag. */
static bool xml_complete(const unsigned char *d, size_t len)
{
    size_t i = 0;
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
        i = 3;
    for (;;) { /* the declaration, comments and a doctype before the root */
        while (i < len && is_space(d[i]))
            i++;
        if (len - i < 2 || d[i] != '<')
            return false;
        const char *close = d[i + 1] == '?' ? "?>" : d[i + 1] == '!' ? ">" : NULL;
        if (close == NULL)
            break;
        const unsigned char *end = memmem(d + i, len - i, close, strlen(close));
        if (end == NULL)
            return false;
        i = (size_t)(end - d) + strlen(close);
    }
    size_t name = ++i;
    while (i < len && !is_space(d[i]) && d[i] != '>' && d[i] != '/')
        i++;
    size_t name_len = i - name;
    if (name_len == 0 || i == len)
        return false;
    size_t end = len;
    while (end > i && is_space(d[end - 1]))
        end--;
    const unsigned char *gt = memchr(d + i, '>', end - i);
    if (gt == NULL)
        return false;
    if (gt[-1] == '/') /* <root .../> */
        return (size_t)(gt - d) + 1 == end;
    return end - i >= name_len + 3 && d[end - 1] == '>' &&
           memcmp(d + end - 1 - name_len, d + name, name_len) == 0 && d[end - name_len - 3] == '<' &&
           d[end - name_len - 2] == '/';
}

static bool is_xml_name(const struct zentry *ze)
{
    return (ze->name_len >= 4 && memcmp(ze->name + ze->name_len - 4, ".xml", 4) == 0) ||
           (ze->name_len >= 5 && memcmp(ze->name + ze->name_len - 5, ".rels", 5) == 0);
}

bool xlsxzip_verify(const char *path, const char *const *required, size_t nrequired, char *why,
                    size_t why_size)
{
    return xlsxzip_verify_max(path, required, nrequired, PART_MAX, why, why_size);
}

bool xlsxzip_verify_max(const char *path, const char *const *required, size_t nrequired, size_t part_max,
                        char *why, size_t why_size)
{
    struct zfile z;
    if (!load(path, &z, why, why_size))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < nrequired; i++)
        if (find(&z, required[i]) == NULL)
            ok = utf8_fail(why, why_size, "part %s is missing", required[i]);
    for (size_t i = 0; ok && i < z.n; i++) {
        const struct zentry *ze = &z.e[i];
        for (size_t j = 0; ok && j < i; j++)
            if (z.e[j].name_len == ze->name_len && memcmp(z.e[j].name, ze->name, ze->name_len) == 0)
                ok = utf8_fail(why, why_size, "part %.*s is listed twice", (int)ze->name_len, ze->name);
        unsigned char *d = NULL;
        if (ok && !part_data(&z, ze, part_max, &d, why, why_size))
            ok = false;
        if (ok && is_xml_name(ze) && !xml_complete(d, ze->usize))
            ok = utf8_fail(why, why_size, "part %.*s is cut short (its XML does not end)", (int)ze->name_len,
                           ze->name);
        free(d);
    }
    zfile_free(&z);
    return ok;
}

bool xlsxzip_replace(const char *path, const char *name, const void *data, size_t len, char *why,
                     size_t why_size)
{
    struct zfile z;
    if (!load(path, &z, why, why_size))
        return false;
    const struct zentry *target = find(&z, name);
    if (target == NULL || len > PART_MAX) {
        zfile_free(&z);
        return utf8_fail(why, why_size, "part %s is missing", name);
    }
    /* The parts in file order: each is copied up to the next one's header. */
    size_t *order = xcalloc(z.n, sizeof *order);
    for (size_t i = 0; i < z.n; i++)
        order[i] = i;
    for (size_t i = 1; i < z.n; i++) /* insertion sort: a workbook has a few dozen parts */
        for (size_t j = i; j > 0 && z.e[order[j - 1]].local > z.e[order[j]].local; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    size_t cap = z.size + len + LOCAL_LEN + target->name_len;
    unsigned char *out = xmalloc(cap);
    size_t *new_local = xcalloc(z.n, sizeof *new_local);
    size_t o = 0;
    if (z.e[order[0]].local != 0) { /* anything before the first part */
        memcpy(out, z.buf, z.e[order[0]].local);
        o = z.e[order[0]].local;
    }
    uLong crc = crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
    for (size_t k = 0; k < z.n; k++) {
        const struct zentry *ze = &z.e[order[k]];
        size_t next = k + 1 < z.n ? z.e[order[k + 1]].local : z.cd_off;
        new_local[order[k]] = o;
        if (ze != target) {
            memcpy(out + o, z.buf + ze->local, next - ze->local);
            o += next - ze->local;
            continue;
        }
        const unsigned char *old = z.buf + ze->local;
        unsigned char *h = out + o;
        wr32(h, SIG_LOCAL);
        wr16(h + 4, 20);                       /* version needed: 2.0 */
        wr16(h + 6, rd16(old + 6) & ~0x0008u); /* sizes are in this header */
        wr16(h + 8, 0);                        /* stored */
        wr16(h + 10, rd16(old + 10));          /* time and date as they were */
        wr16(h + 12, rd16(old + 12));
        wr32(h + 14, (uint32_t)crc);
        wr32(h + 18, (uint32_t)len);
        wr32(h + 22, (uint32_t)len);
        wr16(h + 26, (unsigned)ze->name_len);
        wr16(h + 28, 0);
        memcpy(h + LOCAL_LEN, ze->name, ze->name_len);
        o += LOCAL_LEN + ze->name_len;
        memcpy(out + o, data, len);
        o += len;
    }
    size_t cd_off = o;
    for (size_t i = 0; i < z.n; i++) {
        const struct zentry *ze = &z.e[i];
        unsigned char *c = out + o;
        memcpy(c, z.buf + ze->cd, ze->cd_len);
        wr32(c + 42, (uint32_t)new_local[i]);
        if (ze == target) {
            wr16(c + 6, 20);
            wr16(c + 8, rd16(c + 8) & ~0x0008u);
            wr16(c + 10, 0);
            wr32(c + 16, (uint32_t)crc);
            wr32(c + 20, (uint32_t)len);
            wr32(c + 24, (uint32_t)len);
        }
        o += ze->cd_len;
    }
    size_t cd_size = o - cd_off;
    memcpy(out + o, z.buf + z.end, z.size - z.end);
    wr32(out + o + 12, (uint32_t)cd_size);
    wr32(out + o + 16, (uint32_t)cd_off);
    o += z.size - z.end;
    free(order);
    free(new_local);
    zfile_free(&z);

    bool ok = o <= UINT32_MAX;
    FILE *f = ok ? fopen(path, "wb") : NULL;
    if (f == NULL) {
        free(out);
        return utf8_fail(why, why_size, "cannot rewrite it: %s", ok ? strerror(errno) : "beyond 4 GiB");
    }
    size_t put = fwrite(out, 1, o, f);
    ok = put == o && fflush(f) == 0 && ferror(f) == 0;
    int saved = errno;
    if (fclose(f) != 0)
        ok = false;
    free(out);
    if (!ok)
        return utf8_fail(why, why_size, "cannot rewrite it: %s", strerror(saved ? saved : errno));
    return true;
}
