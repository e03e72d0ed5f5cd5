/* region.h - Chinese provinces: the names users write, mapped to the names
 * the factor tables use ("山西省", "Shanxi", "shanxi" -> "Shanxi"). */
#ifndef CBAM_REGION_H
#define CBAM_REGION_H

#include <stddef.h>

/* The canonical English name of a province (as in factors/), or NULL when
 * the text names no province that has MEE factors. Accepts English names
 * (ASCII case ignored) and Chinese names with or without 省/市/自治区. */
const char *region_province(const char *s, size_t len);

#endif
