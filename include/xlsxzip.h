/* xlsxzip.h - reading back a written workbook (a zip) before it may replace
 * anything, and replacing one of its parts.
 *
 * libxlsxwriter 1.1.4 stages every part in a temporary file and does not
 * check those writes: a full staging directory gives a zip whose parts are
 * cut short, and a failed write of the zip itself a file without its
 * central directory. xlsxzip_verify reads the file with plain stdio and zlib
 * (which libxlsxwriter links anyway): the end-of-central-directory record at
 * the very end, every central-directory entry and its local header, every
 * part inflated to its stated size and CRC-32, every XML part ending with the
 * end tag of its root element, and the parts the caller requires.
 *
 * Reading a part is xlsxpatch_read's (minizip): one zip reader for parts.
 *
 * Ownership: nothing is kept between calls.
 */
#ifndef CBAM_XLSXZIP_H
#define CBAM_XLSXZIP_H

#include <stdbool.h>
#include <stddef.h>

/* True when the zip at path passes every check and holds each of the
 * nrequired part names; otherwise false, with the first problem in why. */
bool xlsxzip_verify(const char *path, const char *const *required, size_t nrequired, char *why,
                    size_t why_size);

/* The same with a limit on each part's inflated size (a file from outside,
 * such as the official template, where a "zip bomb" must not cost memory). */
bool xlsxzip_verify_max(const char *path, const char *const *required, size_t nrequired, size_t part_max,
                        char *why, size_t why_size);

/* Rewrites the zip at path with part name's content replaced by data
 * (stored, not compressed); every other part is copied byte for byte. */
bool xlsxzip_replace(const char *path, const char *name, const void *data, size_t len, char *why,
                     size_t why_size);

#endif
