/* utf8.h - UTF-8 validation (input fields must be valid UTF-8 to reach a report). */
#ifndef CBAM_UTF8_H
#define CBAM_UTF8_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 when the bytes
 * there are not valid UTF-8 (overlong forms, surrogates and values above
 * U+10FFFF are invalid). len is the number of bytes available. */
size_t utf8_seq_len(const unsigned char *s, size_t len);

/* True when s[0..len) is valid UTF-8; otherwise *bad (if not NULL) is set to
 * the offset of the first invalid byte. */
bool utf8_valid(const char *s, size_t len, size_t *bad);

/* The longest prefix of s[0..len) of at most max bytes that does not end
 * inside a multi-byte UTF-8 sequence: for cutting text to fit a buffer
 * without leaving half a character. (Bytes that are not valid UTF-8 are
 * single units; cutting between them splits nothing.) */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* An id folded for comparison: ASCII letters in lower case, full-width
 * forms (Ｍ１, U+FF01-U+FF5E) as ASCII, U+3000 as a space, an id of digits
 * only without its leading zeros (Excel drops them). Two ids that fold
 * alike but differ are one id written two ways. Writes at most size - 1
 * bytes and a NUL; returns the folded length. */
size_t utf8_fold_id(const char *s, size_t len, char *out, size_t size);

/* s with its capital letters in lower case, for comparing names the way
 * Excel's MATCH and COUNTIF do (they ignore letter case): ASCII, Latin-1,
 * Latin Extended-A, Greek, Cyrillic and full-width Latin capitals. Other
 * characters, and bytes that are not UTF-8, are kept. Returns a new string
 * (the caller frees it). */
char *utf8_fold_case(const char *s);

/* snprintf into buf, cut on a UTF-8 boundary when the text does not fit
 * (never half a character in a message or a cell); returns buf. */
const char *utf8_format(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *utf8_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* For functions that fail with a reason: utf8_format into why (when why is
 * not NULL and why_size > 0), then false. */
bool utf8_fail(char *why, size_t why_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
