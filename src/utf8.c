/* utf8.c - strict UTF-8 validation (RFC 3629). */
#include "config.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

bool utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq_len(u + i, len - i);
        if (n == 0) {
            if (bad != NULL)
                *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (max >= len)
        return len;
    const unsigned char *u = (const unsigned char *)s;
    /* A cut at max splits a character only when a sequence that starts at
     * most 3 bytes before max runs past it. */
    size_t k = max;
    while (k > 0 && max - k < 3 && (u[k] & 0xC0) == 0x80)
        k--;
    if (k < max && utf8_seq_len(u + k, len - k) > max - k)
        return k;
    return max;
}

size_t utf8_fold_id(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len && o + 1 < size;) {
        unsigned char b = u[i];
        /* U+FF01..U+FF5E: EF BC 81..EF BC BF, EF BD 80..EF BD 9E; U+3000: E3 80 80 */
        if (b == 0xEF && i + 2 < len && (u[i + 1] == 0xBC || u[i + 1] == 0xBD)) {
            unsigned cp = 0xFF00u + ((u[i + 1] & 0x03u) << 6) + (u[i + 2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                char ch = (char)(cp - 0xFF01 + 0x21);
                out[o++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
                i += 3;
                continue;
            }
        }
        if (b == 0xE3 && i + 2 < len && u[i + 1] == 0x80 && u[i + 2] == 0x80) {
            out[o++] = ' ';
            i += 3;
            continue;
        }
        out[o++] = b >= 'A' && b <= 'Z' ? (char)(b - 'A' + 'a') : (char)b;
        i++;
    }
    out[o] = '\0';
    /* An id of digits only: Excel drops leading zeros (0042 becomes 42). */
    size_t z = 0;
    while (z + 1 < o && out[z] == '0')
        z++;
    bool digits = o > 0;
    for (size_t k = 0; k < o && digits; k++)
        digits = out[k] >= '0' && out[k] <= '9';
    if (digits && z > 0) {
        memmove(out, out + z, o - z + 1);
        o -= z;
    }
    return o;
}

const char *utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    if (size == 0)
        return buf;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        buf[0] = '\0';
        return buf;
    }
    char *full = xmalloc((size_t)n + 1);
    vsnprintf(full, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    size_t keep = utf8_cut(full, (size_t)n, size - 1);
    memcpy(buf, full, keep);
    buf[keep] = '\0';
    free(full);
    return buf;
}

const char *utf8_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

bool utf8_fail(char *why, size_t why_size, const char *fmt, ...)
{
    if (why != NULL && why_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        utf8_vformat(why, why_size, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* The lower-case letter of capital c, or c. */
static uint32_t lower_of(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) /* Latin-1: À-Þ but × */
        return c + 0x20;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) /* Latin Extended-A pairs */
        return c % 2 == 0 ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return c % 2 == 1 ? c + 1 : c;
    if (c == 0x178) /* Ÿ */
        return 0xFF;
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) /* Greek */
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F) /* Cyrillic Ѐ-Џ */
        return c + 0x50;
    if (c >= 0x410 && c <= 0x42F) /* Cyrillic А-Я */
        return c + 0x20;
    if (c >= 0xFF21 && c <= 0xFF3A) /* full-width Ａ-Ｚ */
        return c + 0x20;
    return c;
}

char *utf8_fold_case(const char *s)
{
    size_t len = strlen(s);
    char *out = xmalloc(len + 1); /* every lower-case letter here is as long as its capital */
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq_len(p + i, len - i);
        if (n == 0) {
            out[o++] = (char)p[i++];
            continue;
        }
        uint32_t c = n == 1   ? p[i]
                     : n == 2 ? ((uint32_t)(p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F)
                     : n == 3 ? ((uint32_t)(p[i] & 0x0F) << 12) | ((uint32_t)(p[i + 1] & 0x3F) << 6) |
                                    (p[i + 2] & 0x3F)
                              : ((uint32_t)(p[i] & 0x07) << 18) | ((uint32_t)(p[i + 1] & 0x3F) << 12) |
                                    ((uint32_t)(p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
        uint32_t l = lower_of(c);
        if (l == c) {
            memcpy(out + o, p + i, n);
            o += n;
        } else if (l < 0x80) {
            out[o++] = (char)l;
        } else if (l < 0x800) {
            out[o++] = (char)(0xC0 | (l >> 6));
            out[o++] = (char)(0x80 | (l & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | (l >> 12));
            out[o++] = (char)(0x80 | ((l >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (l & 0x3F));
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}
