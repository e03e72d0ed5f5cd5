/* utf8.h - UTF-8 validation (input fields must be valid UTF-8 to reach a report). */
#ifndef CBAM_UTF8_H
#define CBAM_UTF8_H

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

#endif
