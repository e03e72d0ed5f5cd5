/* ingest.h - reading the canonical input files into a ledger.
 *
 * Three kinds of file (see README "Input files"): electricity (meter rows),
 * production (tonnes per product and month) and enterprises (names,
 * country, province). Every bad field is reported with file, line, column
 * and what was expected; a file keeps being read after a bad row so that
 * `validate` can list every problem (up to INGEST_MAX_ERRORS per file).
 */
#ifndef CBAM_INGEST_H
#define CBAM_INGEST_H

#include "cbam_error.h"
#include "csvin.h"
#include "diag.h"
#include "columns.h"
#include "factors.h"
#include "ledger.h"
#include "supply.h"

#include <stdbool.h>

#define INGEST_MAX_ERRORS 100
/* One row above this many kWh (100 TWh) or tonnes is a unit slip, not data:
 * refused, which also keeps every sum finite. */
#define INGEST_KWH_MAX 1e11
#define INGEST_TONNES_MAX 1e9

enum ingest_kind { INGEST_ELECTRICITY, INGEST_PRODUCTION, INGEST_ENTERPRISES };

typedef void (*ingest_progress_fn)(void *ctx, const char *name, size_t done, size_t total);

/* Which end of its interval a time names (--interval-label). */
enum ingest_label {
    INGEST_LABEL_DETECT, /* per file: 24:00 makes it end-labelled, 00:00 start-labelled; neither: start */
    INGEST_LABEL_START,  /* 00:00..23:45 */
    INGEST_LABEL_END,    /* 00:15..24:00 (00:00 is the previous day's last interval) */
};

typedef struct ingest_opts {
    int from_ord, to_ord;        /* keep rows in [from, to]; 0 = no limit */
    const char *encoding;        /* NULL: detect (see csvin_opts) */
    const columns_user_map *map; /* --map canonical=header */
    size_t nmap;
    bool has_source;             /* --source: the source of every row of a file */
    enum supply_source source;   /* without a source column (else it needs one) */
    const char *only_enterprise; /* keep only this enterprise; NULL = all (a file without an
                                    enterprise column is read as this one's) */
    const char *product;         /* --product: every row of the file is this product's sub-meter */
    enum ingest_label label;     /* interval rows: what their times name */
    size_t chunk_size;           /* 0 = default */
    ingest_progress_fn progress; /* may be NULL */
    void *progress_ctx;
} ingest_opts;

const char *ingest_kind_name(enum ingest_kind kind);

/* Reads path ("-" = standard input) into l. Supplier factor ids are looked
 * up in db. Returns CBAM_ERR_DATA when any row was wrong, CBAM_ERR_NOINPUT
 * when the file cannot be read. */
enum cbam_err ingest_file(ledger *l, const factors_db *db, enum ingest_kind kind, const char *path,
                          const ingest_opts *o, diag_list *dl);

/* Books the time-of-use rows held back (ledger_settle_tou): call after the
 * last electricity file, before the calculation. CBAM_ERR_DATA when a month's
 * total hides the energy of its tiers. */
enum cbam_err ingest_finish(ledger *l, diag_list *dl);

/* Whether name is a canonical column of any input file kind (for --map). */
bool ingest_column_known(const char *name);
/* The canonical column names, comma-separated, into buf. */
void ingest_column_names(char *buf, size_t size);

/* The same from memory; name is used in messages. */
enum cbam_err ingest_mem(ledger *l, const factors_db *db, enum ingest_kind kind, const char *name,
                         const void *buf, size_t len, const ingest_opts *o, diag_list *dl);

#endif
