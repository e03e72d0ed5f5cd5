/* xlsxpatch.h - editing a workbook someone else wrote, without re-serialising it.
 *
 * An xlsx is a zip of XML parts. To fill a few cells of the Commission's
 * template and keep everything else exactly as the Commission made it
 * (protections, validations, names, conditional formats, printer settings,
 * parts no spreadsheet library understands), the zip is copied entry by
 * entry with minizip: parts that are not edited are copied raw (the same
 * compressed bytes, method and CRC), and only the edited parts are deflated
 * anew. Entry order, names, dates and extra fields are kept.
 *
 * Ownership: nothing is kept between calls; *data from xlsxpatch_read is the
 * caller's to free(). The replacement buffers stay the caller's.
 */
#ifndef CBAM_XLSXPATCH_H
#define CBAM_XLSXPATCH_H

#include <stdbool.h>
#include <stddef.h>

/* Largest part read into memory: the template's largest is 1.1 MB. */
#define XLSXPATCH_PART_MAX (32u * 1024u * 1024u)

typedef struct xlsxpatch_part {
    const char *name; /* "xl/worksheets/sheet5.xml" */
    const char *data;
    size_t len;
} xlsxpatch_part;

/* The inflated content of part name of the zip at path (NUL-terminated; len
 * without the NUL). False with the reason in why when the file is not a zip,
 * the part is missing or larger than XLSXPATCH_PART_MAX, or it is damaged
 * (CRC). *missing (may be NULL) is set when only the part was not there. */
bool xlsxpatch_read(const char *path, const char *name, char **data, size_t *len, bool *missing, char *why,
                    size_t why_size);

/* Whether every part name of the zip at path is one a workbook's part may
 * have: relative, no "." or ".." segment, no backslash or control
 * character, shorter than 1024 bytes (a name like ../../x would travel into
 * the filled file). False with the reason in why. */
bool xlsxpatch_check_names(const char *path, char *why, size_t why_size);

/* Writes out: every entry of src in order, raw-copied, except the parts in
 * repl, whose content is replaced (deflated). Every name in repl must be an
 * entry of src. False with the reason in why; out may then hold a partial
 * file (the caller writes to a temporary, see outfile.h). */
bool xlsxpatch_write(const char *src, const char *out, const xlsxpatch_part *repl, size_t nrepl, char *why,
                     size_t why_size);

#endif
