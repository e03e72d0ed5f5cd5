/* factors.h - the emission-factor database: every factor with its citation.
 *
 * The shipped tables (factors/ (CSV)) are compiled into the program; a user's
 * --factors DIR adds CSV files of the same form, and an id found there
 * replaces the shipped one. Every value is held in kgCO2/kWh (= tCO2/MWh)
 * together with the id, unit, year, source, url, status and note that the
 * reports print beside it, and the note in Chinese where a file gives one
 * (an optional note_zh column).
 *
 * Ownership: the database owns every factor and string in it; pointers from
 * factors_find() and factors_lookup() live until factors_free().
 */
#ifndef CBAM_FACTORS_H
#define CBAM_FACTORS_H

#include "cbam_error.h"
#include "csvin.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

enum factor_kind {
    FACTOR_GRID_AVERAGE,  /* location-based: national, regional or provincial average */
    FACTOR_GRID_RESIDUAL, /* market-based residual mix */
    FACTOR_GRID_FOSSIL,   /* fossil-only generation */
    FACTOR_CBAM_DEFAULT,  /* EU CBAM country default (D.4(a)) */
    FACTOR_SUPPLIER,      /* a supplier's or park's published factor */
    FACTOR_LCA,           /* life-cycle (product footprint) factor, not Scope 2 */
    FACTOR_ETS,           /* national-ETS reporting value */
    FACTOR_USER,          /* a value given on the command line */
    FACTOR_KIND__COUNT
};

/* Plausible range for an electricity factor in kgCO2/kWh: a value outside
 * it is a unit mistake (gCO2/kWh written as kg), not a grid. */
#define FACTOR_VALUE_MAX 2.0

typedef struct factor {
    char *id;
    enum factor_kind kind;
    char country[3]; /* ISO 3166 alpha-2, or "*" for "all other countries" */
    char *region;    /* province or grid region; "" for national */
    int year;        /* data year; 0 for a command-line value */
    double value;    /* kgCO2/kWh */
    char *unit;      /* as written in the source file */
    char *source, *url, *status, *note;
    char *note_zh; /* the note in Chinese; "" when the file has none */
    char *file; /* where it was defined, for messages */
    long line;
    char *replaced; /* a user file's factor that replaced a shipped id: what the shipped one was; else NULL */
} factor;

typedef struct factors_db factors_db;

factors_db *factors_new(void);
void factors_free(factors_db *db);

/* Loads the compiled-in tables. */
enum cbam_err factors_load_builtin(factors_db *db, diag_list *dl);
/* Loads one CSV text; name is used in messages. Ids already present are
 * replaced (with a note) when replace is set, an error otherwise. */
enum cbam_err factors_load_mem(factors_db *db, const char *name, const void *buf, size_t len, int replace,
                               diag_list *dl);
/* Loads one CSV file (replacing shipped ids) and reports its hash in stats. */
enum cbam_err factors_load_file(factors_db *db, const char *path, diag_list *dl, csvin_stats *stats);
/* Lists the *.csv files of dir in name order: a malloc'd array of malloc'd
 * paths, which the caller frees. CBAM_ERR_NOINPUT when dir cannot be read. */
enum cbam_err factors_list_dir(const char *dir, char ***paths, size_t *npaths, diag_list *dl);

const factor *factors_find(const factors_db *db, const char *id);

/* The factor of kind for (country, region) whose year is the latest not after
 * year; region NULL or "" means national. NULL when there is none. */
const factor *factors_lookup(const factors_db *db, enum factor_kind kind, const char *country,
                             const char *region, int year);

/* Resolves a command-line argument "ID" or "VALUE" (kgCO2/kWh). A VALUE
 * becomes a FACTOR_USER factor owned by db, described by `what` (e.g.
 * "--grid-factor"). Errors name the option and are CBAM_ERR_USAGE. */
enum cbam_err factors_resolve_arg(factors_db *db, const char *arg, const char *what, const factor **out,
                                  diag_list *dl);

size_t factors_count(const factors_db *db);
const factor *factors_at(const factors_db *db, size_t i); /* in load order */

const char *factors_kind_name(enum factor_kind k);

/* The note a reader of language zh sees: note_zh when zh and there is one,
 * else note (never NULL). */
const char *factor_note(const factor *f, bool zh);

#endif
