/* numfmt.h - numbers written for people: thousands separators, no binary
 * noise ("498,306.895", never "498306.89500000002"). Machine outputs (JSON,
 * workbook cells) keep full precision and never use these.
 *
 * Ownership: callers own the buffers; every function writes at most size
 * bytes, always NUL-terminated, and returns buf.
 */
#ifndef CBAM_NUMFMT_H
#define CBAM_NUMFMT_H

#include <stddef.h>

/* v with exactly `decimals` decimals and thousands separators ("-" when not finite). */
char *numfmt_fixed(char *buf, size_t size, double v, int decimals);

/* v as a person would write it: up to 3 decimals, trailing zeros dropped,
 * thousands separators; values below 1 keep 4 significant digits. */
char *numfmt_human(char *buf, size_t size, double v);

#endif
