/* outname.c - safe output names and their collisions (see outname.h). */
#include "config.h"
#include "outname.h"
#include "strmap.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The code point of a valid sequence of n bytes. */
static uint32_t decode(const unsigned char *s, size_t n)
{
    if (n == 2)
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if (n == 3)
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
           (s[3] & 0x3F);
}

/* Characters that do not show, or that reorder or break a line: in a file
 * name they make two names look alike or a listing lie. */
static bool hidden(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) ||     /* C1 controls */
           (cp >= 0x200B && cp <= 0x200F) || /* zero-width space/joiners, LRM, RLM */
           (cp >= 0x2028 && cp <= 0x202E) || /* line/paragraph separators, bidi embeddings */
           (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, bidi isolates */
           cp == 0xFEFF;                     /* byte-order mark */
}

static bool ascii_kept(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the first len bytes of s are word (ASCII case ignored). */
static bool eq_ci(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (fold(s[i]) != fold(word[i]))
            return false;
    return true;
}

/* A Windows device name: the part before the first '.' is CON, PRN, AUX,
 * NUL, or COM/LPT with a digit or a superscript 1, 2 or 3. */
static bool reserved(const char *s, size_t len)
{
    const char *dot = memchr(s, '.', len);
    size_t n = dot ? (size_t)(dot - s) : len;
    if (eq_ci(s, n, "con") || eq_ci(s, n, "prn") || eq_ci(s, n, "aux") || eq_ci(s, n, "nul"))
        return true;
    if (n < 4 || !(eq_ci(s, 3, "com") || eq_ci(s, 3, "lpt")))
        return false;
    if (n == 4 && s[3] >= '0' && s[3] <= '9')
        return true;
    return n == 5 && (unsigned char)s[3] == 0xC2 &&
           ((unsigned char)s[4] == 0xB9 || (unsigned char)s[4] == 0xB2 || (unsigned char)s[4] == 0xB3);
}

/* The longest prefix of s[0..len) of at most limit bytes that ends on a
 * character boundary. */

void outname_safe(const char *id, char *buf, size_t size)
{
    if (size == 0)
        return;
    size_t max = size - 1 < OUTNAME_MAX ? size - 1 : OUTNAME_MAX, o = 0;
    const unsigned char *p = (const unsigned char *)id;
    size_t left = strlen(id);
    while (left > 0) {
        size_t n = p[0] < 0x80 ? 1 : utf8_seq_len(p, left);
        if (n <= 1) {
            /* One byte out: ASCII as the rules say, an invalid byte as '_'. */
            if (o + 1 > max)
                break;
            buf[o] = n == 1 && ascii_kept(p[0]) && !(p[0] == '.' && o == 0) ? (char)p[0] : '_';
            o++;
            p++;
            left--;
            continue;
        }
        if (hidden(decode(p, n))) {
            if (o + 1 > max)
                break;
            buf[o++] = '_';
        } else {
            if (o + n > max)
                break; /* never half a character */
            memcpy(buf + o, p, n);
            o += n;
        }
        p += n;
        left -= n;
    }
    if (o == 0 && max > 0)
        buf[o++] = '_';
    if (o > 0 && reserved(buf, o)) {
        if (o + 1 > max)
            o = utf8_cut(buf, o, max - 1);
        memmove(buf + 1, buf, o);
        buf[0] = '_';
        o++;
    }
    buf[o] = '\0';
}

struct outname_set {
    strmap *map;   /* folded name -> owner index + 1 */
    char **owners; /* each recorded name's owner, as given */
    size_t n, cap;
};

outname_set *outname_set_new(void)
{
    outname_set *s = xcalloc(1, sizeof *s);
    s->map = strmap_new();
    return s;
}

void outname_set_free(outname_set *s)
{
    if (s == NULL)
        return;
    strmap_free(s->map);
    for (size_t i = 0; i < s->n; i++)
        free(s->owners[i]);
    free(s->owners);
    free(s);
}

size_t outname_set_count(const outname_set *s)
{
    return s->n;
}

/* The comparison key: ASCII letters folded to lower case, other bytes as they are. */
/* The key two names share when they are one file on a file system that
 * ignores letter case (NTFS, SMB shares, APFS): beyond ASCII too (ÖKO and
 * öko, full-width ＡＢＣ and ａｂｃ). */
static char *folded(const char *name, size_t *len)
{
    char *k = utf8_fold_case(name);
    *len = strlen(k);
    return k;
}

const char *outname_set_owner(const outname_set *s, const char *name)
{
    size_t len;
    char *k = folded(name, &len);
    uintptr_t v = (uintptr_t)strmap_get(s->map, k, len);
    free(k);
    return v ? s->owners[v - 1] : NULL;
}

const char *outname_set_add(outname_set *s, const char *name, const char *owner)
{
    size_t len;
    char *k = folded(name, &len);
    uintptr_t v = (uintptr_t)strmap_get(s->map, k, len);
    if (v != 0) {
        free(k);
        return s->owners[v - 1];
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->owners = xreallocarray(s->owners, s->cap, sizeof *s->owners);
    }
    s->owners[s->n++] = xstrdup(owner);
    strmap_put(s->map, k, len, (void *)(uintptr_t)s->n);
    free(k);
    return NULL;
}

unsigned outname_unique(outname_set *s, const char *stem, const char *owner, char *buf, size_t size)
{
    if (size == 0)
        return 0;
    size_t max = size - 1 < OUTNAME_MAX ? size - 1 : OUTNAME_MAX, len = strlen(stem);
    size_t keep = utf8_cut(stem, len, max);
    memcpy(buf, stem, keep);
    buf[keep] = '\0';
    if (outname_set_add(s, buf, owner) == NULL)
        return 0;
    for (unsigned k = 2;; k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "~%u", k);
        if (sl < 0 || (size_t)sl > max)
            return 0; /* cannot happen with size >= 16: the loop ends long before */
        keep = utf8_cut(stem, len, max - (size_t)sl);
        memcpy(buf, stem, keep);
        memcpy(buf + keep, suffix, (size_t)sl + 1);
        if (outname_set_add(s, buf, owner) == NULL)
            return k;
    }
}

bool outname_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    if (n <= e || path[n - e - 1] == '/')
        return false; /* ".xlsx" alone or "dir/.xlsx" is a hidden file, not a workbook's name */
    for (size_t i = 0; i < e; i++) {
        unsigned char a = (unsigned char)path[n - e + i], b = (unsigned char)ext[i];
        if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != (b >= 'A' && b <= 'Z' ? b + 32 : b))
            return false;
    }
    return true;
}
