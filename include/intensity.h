/* intensity.h - plausible electricity intensities (MWh per tonne) per CBAM
 * goods category, from factors/intensity-ranges.csv (cited like the factor
 * tables). A product outside its range is warned about: the usual cause is a
 * unit slip (kg given as t, MWh as kWh), which makes a figure 1000x off.
 *
 * Ownership: the table is compiled in and loaded once; pointers returned
 * point into it and stay valid for the life of the process.
 */
#ifndef CBAM_INTENSITY_H
#define CBAM_INTENSITY_H

#include <stdbool.h>

typedef struct intensity_range {
    const char *category; /* as cbamgoods names it, e.g. "Cement clinker" */
    double min_mwh_per_t, max_mwh_per_t;
    const char *source, *url, *status;
} intensity_range;

/* The range of a CBAM goods category, or NULL when the table has none. */
const intensity_range *intensity_find(const char *category);

/* Whether mwh_per_t lies inside r (inclusive). */
bool intensity_plausible(const intensity_range *r, double mwh_per_t);

#endif
