/* report_text.h - the summary printed on the terminal: per enterprise the
 * kWh by source, the three emission figures with their factors, and the
 * products. Numbers are rounded here for reading only. */
#ifndef CBAM_REPORT_TEXT_H
#define CBAM_REPORT_TEXT_H

#include "allocate.h"

#include <stdio.h>

void report_text_write(FILE *f, const alloc_result *r);

/* Formats v with `decimals` decimals and thousands separators ("1,234.5").
 * Returns buf; "-" for a non-finite value. */
char *report_text_number(char *buf, size_t size, double v, int decimals);

#endif
