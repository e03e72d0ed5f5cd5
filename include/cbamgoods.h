/* cbamgoods.h - which CBAM goods a CN code is (Reg. (EU) 2023/956 Annex I),
 * its aggregated goods category as the Commission's communication template
 * spells it, whether its indirect emissions count in the CBAM liability from
 * 2026 (Annex II; see the table in cbamgoods.c), and its official CN name.
 *
 * Ownership: every string returned is static (or loaded once from the
 * compiled-in factors/cn-names.csv) and valid for the life of the process;
 * the caller never frees it. */
#ifndef CBAM_CBAMGOODS_H
#define CBAM_CBAMGOODS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cbamgoods_info {
    const char *category;       /* "Iron or steel products", ...; NULL: not a CBAM good */
    const char *sector;         /* "Iron and steel", "Aluminium", "Cement", ... */
    bool indirect_in_liability; /* indirect emissions are paid for from 2026 */
} cbamgoods_info;

/* Looks up an 8-digit CN code (digits only, as stored by ingest). */
cbamgoods_info cbamgoods_lookup(const char *cn8);

/* The official CN name of an 8-digit CN code (digits only) as the
 * communication template lists it, or NULL when the template lists no such
 * code (not a CBAM good, or not a valid code). Thread-safe. */
const char *cbamgoods_cn_name(const char *cn8);

/* The i-th aggregated goods category in the template's order (0-based), with
 * its liability flag in *indirect when indirect is not NULL; NULL past the
 * last one. */
const char *cbamgoods_category_at(size_t i, bool *indirect);

/* Writes "7318 15 88" into buf (at least 11 bytes); returns buf. */
char *cbamgoods_format_cn(const char *cn8, char *buf, unsigned size);

#endif
