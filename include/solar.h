/* solar.h - the monthly profile of photovoltaic generation by province
 * (factors/solar-profile.csv): what share of a year's PV kWh each month
 * brings, for a scenario that adds PV where no meter data show its shape.
 *
 * Ownership: the table is compiled in and loaded once; the strings returned
 * are static for the life of the process.
 */
#ifndef CBAM_SOLAR_H
#define CBAM_SOLAR_H

#include <stdbool.h>

/* The 12 monthly shares (January first, summing to 1) for a province
 * (its canonical name, region.h), and the citation of the row used. A
 * province without a row of its own gets the national row ("CN"):
 * *is_national says so. False only when the table is unusable (a bug). */
bool solar_profile(const char *province, double share[12], const char **source, bool *is_national);

#endif
