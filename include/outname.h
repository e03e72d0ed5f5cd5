/* outname.h - output file names made from ids (client and enterprise ids,
 * folder names), and the names that would land on one file.
 *
 * outname_safe() keeps Chinese (any valid UTF-8 letter) so that 运城一厂 and
 * 运城二厂 get different files. An outname_set records every name a run will
 * write with its owner, and finds two owners of one file: equal names, or
 * names that differ only in letter case, ASCII or not, or in full-width
 * forms (one file on Windows and macOS file systems and on the shares they
 * mount; utf8_fold_case).
 *
 * Ownership: an outname_set copies every name and owner it is given;
 * outname_set_free() releases them. Owner strings it returns stay valid until then.
 */
#ifndef CBAM_OUTNAME_H
#define CBAM_OUTNAME_H

#include <stdbool.h>
#include <stddef.h>

#define OUTNAME_MAX 100 /* bytes of a safe name (without the extension the caller adds) */

/* A file name made from id, into buf (size >= 2): valid UTF-8 sequences of
 * two or more bytes are kept as they are (but C1 controls, bidirectional
 * and line-separator marks and U+FEFF become '_'); ASCII letters, digits and
 * '.', '_', '-' are kept; anything else (invalid bytes, controls, space,
 * / \ : * ? " < > | and other punctuation, '~' included) becomes '_'.
 * Never starts with '.', is never empty, is never a Windows device name
 * (CON, PRN, AUX, NUL, COM0-9, LPT0-9, alone or before a '.'; those get a
 * '_' in front), and is cut at a character boundary to at most OUTNAME_MAX
 * bytes (and size - 1). It cannot leave the directory it is put in. */
void outname_safe(const char *id, char *buf, size_t size);

/* Whether path's file name ends in ext (".xlsx"), ASCII letter case
 * ignored: a workbook named .csv is opened as text, a JSON named .xlsx not
 * at all, so outputs are refused under a wrong extension. */
bool outname_has_ext(const char *path, const char *ext);

typedef struct outname_set outname_set;

outname_set *outname_set_new(void);
void outname_set_free(outname_set *s);

/* Records name as owner's ("client A (line 3)"): NULL when it is new; else
 * the earlier owner of a name equal to it after case folding
 * (utf8_fold_case), and nothing is recorded. Hashed: O(1). */
const char *outname_set_add(outname_set *s, const char *name, const char *owner);

/* The owner of name (compared the same way), or NULL. */
const char *outname_set_owner(const outname_set *s, const char *name);

size_t outname_set_count(const outname_set *s);

/* For report --split: a stem for owner's outputs (stem.xlsx, stem.json) that
 * no stem recorded in s takes. stem is an outname_safe() name; when it is
 * free it is used as it is, else stem~2, stem~3, ... the first free one
 * (stem cut at a character boundary so that the whole is at most
 * OUTNAME_MAX bytes and fits buf). '~' never occurs in an outname_safe()
 * name, so these cannot take another id's own name. The result, written to
 * buf (size >= 16), is recorded for owner. Returns 0 when stem was used as
 * it is, else the number appended (the caller notes the renaming). */
unsigned outname_unique(outname_set *s, const char *stem, const char *owner, char *buf, size_t size);

#endif
