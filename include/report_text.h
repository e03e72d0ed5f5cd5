/* report_text.h - the summary printed on the terminal: per enterprise the
 * kWh by source, the three emission figures with their factors, and the
 * products, in English or Chinese (--lang zh). Numbers are rounded here for
 * reading only, and the same in both languages. */
#ifndef CBAM_REPORT_TEXT_H
#define CBAM_REPORT_TEXT_H

#include "allocate.h"

#include <stdbool.h>
#include <stdio.h>

/* The summary in English. */
void report_text_write(FILE *f, const alloc_result *r);
/* The summary in Chinese when zh, else in English (as report_text_write()). */
void report_text_write_lang(FILE *f, const alloc_result *r, bool zh);

struct scenario_result;
/* The comparison of `cbamcalc scenario`: baseline, scenario and change. */
void report_text_scenario(FILE *f, const struct scenario_result *r, bool zh);

/* Columns s takes on a terminal: two for a CJK (East Asian wide or
 * full-width) character, one for any other character or invalid byte. */
size_t report_text_width(const char *s);

/* Formats v with `decimals` decimals and thousands separators ("1,234.5").
 * Returns buf; "-" for a non-finite value. */
char *report_text_number(char *buf, size_t size, double v, int decimals);

#endif
