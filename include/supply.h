/* supply.h - the kinds of electricity supply and how each method counts them.
 *
 * The accounting rules (shared/reference/accounting-rules.md, table in section 1)
 * live here as data, so the engine has one place that says which kWh carry
 * which factor under location-based, market-based and CBAM accounting.
 */
#ifndef CBAM_SUPPLY_H
#define CBAM_SUPPLY_H

#include <stdbool.h>
#include <stddef.h>

enum supply_source {
    SUPPLY_GRID,         /* public-grid purchase */
    SUPPLY_GREEN_TRADE,  /* green-power trade through the grid, bundled certificates */
    SUPPLY_GREEN_PPA,    /* PPA with physical delivery from a named generator */
    SUPPLY_GREEN_DIRECT, /* direct line from a wind or solar plant */
    SUPPLY_ONSITE,       /* own generation consumed behind the meter */
    SUPPLY_SUPPLIER,     /* supply with a supplier-specific factor */
    SUPPLY_CERTIFICATE,  /* unbundled certificates: a claim in kWh, not consumption */
    SUPPLY__COUNT,
    /* The installation's main consumption meter (总表): a meter role, not a
     * supply. It sits past the kWh vectors (never an index into one) and is
     * read only by hourly matching (hourly.h). */
    SUPPLY_LOAD = SUPPLY__COUNT,
    SUPPLY__ROLES
};

/* Canonical name as written in input files and JSON keys ("green_trade"). */
const char *supply_name(enum supply_source s);

/* Parses a canonical name (ASCII case ignored); false when unknown. */
bool supply_parse(const char *s, size_t len, enum supply_source *out);

/* The accepted names joined by ", " (for "expected one of ..." messages). */
const char *supply_names_list(void);

/* True for sources that are consumption (all but certificates). */
bool supply_is_consumption(enum supply_source s);

/* Location-based: these kWh carry the grid average factor (else 0). */
bool supply_location_counts(enum supply_source s);

/* CBAM: these kWh carry the grid factor (else their generator's, 0). */
bool supply_cbam_grid(enum supply_source s);

/* CBAM source-of-factor code for a zero-carbon source ("D.4.3.1" etc.),
 * NULL for sources that take the grid factor's own code. */
const char *supply_cbam_code(enum supply_source s);

/* Green for the green share: trade, PPA, direct line, on-site. */
bool supply_is_green(enum supply_source s);

#endif
