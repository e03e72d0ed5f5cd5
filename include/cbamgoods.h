/* cbamgoods.h - which CBAM goods a CN code is (Reg. (EU) 2023/956 Annex I),
 * its aggregated goods category as the Commission's communication template
 * names it, and whether its indirect emissions count in the CBAM liability
 * from 2026 (accounting-rules.md section 2). */
#ifndef CBAM_CBAMGOODS_H
#define CBAM_CBAMGOODS_H

#include <stdbool.h>

typedef struct cbamgoods_info {
    const char *category;       /* "Iron or steel products", ...; NULL: not a CBAM good */
    const char *sector;         /* "Iron and steel", "Aluminium", "Cement", ... */
    bool indirect_in_liability; /* indirect emissions are paid for from 2026 */
} cbamgoods_info;

/* Looks up an 8-digit CN code (digits only, as stored by ingest). */
cbamgoods_info cbamgoods_lookup(const char *cn8);

/* Writes "7318 15 88" into buf (at least 11 bytes); returns buf. */
char *cbamgoods_format_cn(const char *cn8, char *buf, unsigned size);

#endif
