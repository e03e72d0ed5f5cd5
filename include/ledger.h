/* ledger.h - what the input files say, aggregated as they stream in.
 *
 * For each enterprise and month: kWh by supply source, split into the pool
 * (not sub-metered) and per-product sub-metered kWh, plus production per
 * product. Memory grows with enterprises x months x products (and, for the
 * duplicate check, with meters x months), never with the number of rows.
 *
 * Ownership: the ledger owns everything reachable from it; ledger_free()
 * releases it all. Factor pointers stored in it belong to the factors_db.
 */
#ifndef CBAM_LEDGER_H
#define CBAM_LEDGER_H

#include "diag.h"
#include "factors.h"
#include "parse.h"
#include "strmap.h"
#include "supply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rows of one meter series in one month that are finer than a month, as a
 * run: slots slot0, slot0 + slot_step, ... on lines line0, line0 + line_step,
 * ... of one file. An export in time order (one meter after the other, or
 * meters interleaved per timestamp) makes one run per meter-month, so lines
 * cost almost nothing; a shuffled file costs one run per row. */
typedef struct ledger_run {
    uint32_t slot0, slot_step, n;
    int file;
    long line0, line_step;
} ledger_run;

/* Where rows for one key (a meter series in one month, or one product's
 * production in one month) were seen, to find duplicates in any order. */
typedef struct ledger_mark {
    int ord; /* month ordinal (series marks only) */
    unsigned char granularity; /* of the first row */
    int file;                  /* of the first row (index into ledger.inputs) */
    long first_line;
    /* Daily and interval rows: a bitmap of the month's slots of res seconds
     * (a day, an hour, 15, 5 or 1 minute: refined when a finer row comes),
     * and the runs that say on which line each slot was given. */
    uint32_t res;
    uint64_t *seen;
    double kwh; /* booked under this mark (series marks): to find subtotal rows */
    uint32_t days; /* days of the month with rows (bit d - 1 for day d); daily, interval rows and bills */
    bool end_label; /* interval rows named by their end (00:15..24:00): slot k is the interval ending at k */
    unsigned char labels; /* 1: rows named by interval start seen, 2: by end (from a decided file) */
    signed char offset_kind; /* interval rows: 0 none yet, 1 without a UTC offset, 2 with offset_s */
    int offset_s, offset_file;
    long offset_line;
    int label_file;       /* the first of them */
    long label_line;
    ledger_run *runs;
    uint32_t nruns, runs_cap;
    /* Time-of-use rows (a tier column): the month's total and the sum of its
     * tiers wait here until every file is read (ledger_settle_tou). */
    bool tou;
    unsigned tou_seen; /* bit per tier seen; bit 0: the total */
    double tou_total_kwh, tou_tier_kwh;
    const struct factor *tou_supplier;
} ledger_mark;

enum ledger_dup {
    LEDGER_DUP_NONE,
    LEDGER_DUP_SAME,  /* the same period given twice */
    LEDGER_DUP_MIXED, /* a monthly total and finer rows for the same month, or daily and interval rows */
};

/* Records a row of period p at file:line under mark m (of month ord). On a
 * duplicate, returns its kind and sets *other_file, *other_line to the
 * earlier row, whatever the order of the rows and files. With end_label the
 * row's time names the end of its interval (ord is the interval's month). */
enum ledger_dup ledger_mark_row(ledger_mark *m, int ord, const parse_period *p, bool end_label, int file,
                                long line, int *other_file, long *other_line);

/* The slots of month ord that mark m has rows for, as a bitmap of
 * ledger_mark_words(m) words at m->res seconds a slot (label-based: with
 * end_label slot k is the interval ending k slots into the month). */
size_t ledger_mark_words(const ledger_mark *m);
void ledger_mark_slots(const ledger_mark *m, uint64_t *bits);

/* Records a bill covering days lo..hi (1-based) of month ord at file:line:
 * a day already covered by another bill or row of the mark is a duplicate. */
enum ledger_dup ledger_mark_days(ledger_mark *m, int ord, int lo, int hi, int file, long line, int *other_file,
                                 long *other_line);

/* Frees what a mark holds (not the mark itself). */
void ledger_mark_free(ledger_mark *m);

typedef struct ledger_cell {       /* one product in one enterprise-month */
    double sub_kwh[SUPPLY__COUNT]; /* sub-metered to this product */
    double sub_supplier_kg;        /* market-based kg of those supplier kWh */
    double quantity_t;
    bool has_production;
    ledger_mark prod_mark;
} ledger_cell;

typedef struct ledger_month {
    int ord;                        /* month ordinal */
    double pool_kwh[SUPPLY__COUNT]; /* kWh not sub-metered, and all certificates */
    double pool_supplier_kg;        /* market-based kg of the pool's supplier kWh */
    bool has_electricity;
    ledger_cell *cells; /* by product index; may be shorter than nproducts */
    size_t ncells;
} ledger_month;

typedef struct ledger_product {
    char *id, *name, *cn_code; /* name and cn_code may be NULL */
    int file;                  /* first mention */
    long line;
} ledger_product;

/* Production given for a whole year (period "2025"): used only when the
 * electricity covers that whole year; never split into months. */
typedef struct ledger_annual {
    size_t product;
    int year;
    double quantity_t;
    int file;
    long line;
} ledger_annual;

/* Optional facts about the site from the enterprises file, for the
 * official template's A_InstData (NULL when not given). */
enum ledger_site {
    LEDGER_SITE_CITY,
    LEDGER_SITE_POSTCODE,
    LEDGER_SITE_UNLOCODE, /* checked: "CN TYN" or "CNTYN" */
    LEDGER_SITE_LATITUDE, /* checked: a number in -90..90 */
    LEDGER_SITE_LONGITUDE,
    LEDGER_SITE_ECONOMIC_ACTIVITY,
    LEDGER_SITE_REPRESENTATIVE,
    LEDGER_SITE_EMAIL,
    LEDGER_SITE_PHONE,
    LEDGER_SITE__COUNT
};

typedef struct ledger_enterprise {
    char *id, *name, *name_en, *province_text, *address; /* NULL when not given */
    char *site[LEDGER_SITE__COUNT];
    size_t id_len;
    const char *province; /* canonical province name, NULL when unknown */
    char country[3];
    bool registered; /* listed in the enterprises file */
    int reg_file;
    long reg_line;
    ledger_product *products;
    size_t nproducts, products_cap;
    strmap *product_index; /* id -> index + 1 */
    strmap *product_fold;  /* utf8_fold_id(id) -> index + 1: ids written two ways */
    ledger_month *months; /* months with rows, sorted by ord (sparse: memory follows the data) */
    size_t nmonths, months_cap;
    size_t last_month;    /* index of the month used last (rows come in runs of one month) */
    const factor **suppliers; /* supplier factors its rows used */
    size_t nsuppliers;
    ledger_annual *annual;    /* production per product and whole year */
    size_t nannual;
    struct ledger_series **series; /* its meter series, in order of first row (owned by the ledger) */
    size_t nseries, series_cap;
    struct hourly_store *hourly; /* interval rows by clock hour; NULL without interval rows (hourly.h) */
} ledger_enterprise;

typedef struct ledger_input {
    char *path; /* as named in messages ("<stdin>" for -) */
    char *role; /* "electricity", "production", "enterprises", "factors" */
    char sha256[65];
    size_t rows; /* data rows (header and blank lines not counted) */
} ledger_input;

/* The rows of one meter (of one enterprise, product and source), by month:
 * for the duplicate check and the report's completeness grid. */
typedef struct ledger_series {
    struct ledger_enterprise *enterprise;
    char *meter, *product; /* "" when the column is empty or absent */
    size_t meter_len, product_len;
    enum supply_source source;
    int key_file;           /* >= 0: a file without a meter column, keyed by file */
    const struct ledger_series *lookalike; /* a series whose meter id differs only in case/width */
    int file;               /* where its first row is */
    long line;
    ledger_mark *marks; /* one per month with rows */
    size_t n, cap;
} ledger_series;

typedef struct ledger {
    ledger_enterprise **ents;
    size_t nents, ents_cap;
    strmap *ent_index;
    strmap *ent_fold;    /* utf8_fold_id(id) -> enterprise: ids written two ways */
    strmap *series_fold; /* enterprise, folded meter, product, source, file key -> first series */
    strmap *series_index;   /* enterprise/meter/product/source -> ledger_series */
    ledger_series **series; /* in order of first row */
    size_t nseries, series_cap;
    ledger_input *inputs;
    size_t ninputs, inputs_cap;
    struct ledger_tou_ref {
        ledger_series *series;
        int ord;
    } *tou;                         /* marks holding time-of-use rows */
    size_t ntou, tou_cap;
    char **settings; /* what the command line changed about reading and factors (ledger_add_setting) */
    size_t nsettings;
} ledger;

ledger *ledger_new(void);
void ledger_free(ledger *l);

/* Adds an input; returns its index (used as `file` in marks and products). */
int ledger_add_input(ledger *l, const char *path, const char *role);

/* Records a setting that changes the figures of the same files (a factor
 * given on the command line, a period, a column map, a file's source):
 * one line of text, copied, which goes into the inputs' hash. */
void ledger_add_setting(ledger *l, const char *line);

/* The inputs' hash: SHA-256 over the lines "SHA256 ROLE\n" of every input
 * and "setting LINE\n" of every setting, sorted, so the same files and
 * settings give the same hash in any order on the command line; without
 * settings it is the files' alone. Workbook footers print its first 12
 * digits; JSON and the batch summary carry it whole. out gets 64 hex
 * digits and a NUL. */
void ledger_inputs_digest(const ledger *l, char out[65]);

/* An enterprise whose id folds (utf8_fold_id) like id but differs from it:
 * the same id in another letter case or full-width; NULL when none. */
const ledger_enterprise *ledger_enterprise_lookalike(const ledger *l, const char *id, size_t len);
/* The same for a product of e. */
const ledger_product *ledger_product_lookalike(const ledger_enterprise *e, const char *id, size_t len);

/* The enterprise with that id, created when create is set (else NULL if absent). */
ledger_enterprise *ledger_enterprise_get(ledger *l, const char *id, size_t len, bool create);

/* The month of ordinal ord, created (zeroed) on first use. */
ledger_month *ledger_month_get(ledger_enterprise *e, int ord);
/* The month of ordinal ord, or NULL when the enterprise has no such month. */
const ledger_month *ledger_month_find(const ledger_enterprise *e, int ord);

/* Index of the product with that id, created on first use (*created set). */
size_t ledger_product_get(ledger_enterprise *e, const char *id, size_t len, int file, long line,
                          bool *created);

/* The cell of product p in month m, created (zeroed) on first use. */
ledger_cell *ledger_cell_get(ledger_month *m, size_t p);

/* A meter series: rows of one enterprise, meter, product (for a sub-meter) and source. */
typedef struct ledger_series_key {
    ledger_enterprise *enterprise;
    const char *meter, *product;
    size_t meter_len, product_len;
    enum supply_source source;
    int key_file; /* -1, or the file index for a file without a meter column */
    int file;     /* where the row is (recorded on the series' first row) */
    long line;
} ledger_series_key;


/* The series of a key (created on first use). Series stay where they are
 * until the ledger is freed. */
ledger_series *ledger_series_of(ledger *l, const ledger_series_key *key);
/* The duplicate-check mark of series s in month ord (created on first use;
 * a mark may move when a later month is added). */
ledger_mark *ledger_series_month(ledger_series *s, int ord);

/* Books kwh of a meter series in month ord: to the product the series is
 * sub-metered to, else to the month's shared kWh (certificates always). */
void ledger_book(ledger_enterprise *e, int ord, const char *product, size_t product_len, int file,
                 long line, enum supply_source src, double kwh, const factor *supplier);

/* Remembers that the mark of series s in month ord holds time-of-use rows. */
void ledger_note_tou(ledger *l, ledger_series *s, int ord);

/* Books every month of time-of-use rows: the total where one was given
 * (warning when the tiers differ from it by more than 0.5 %; an error when
 * the total is 0 and hides the tiers' energy), else the sum of the tiers. Call once, after the last electricity file. */
bool ledger_settle_tou(ledger *l, diag_list *dl); /* false: an error was reported */

/* Notes that e's rows used supplier factor f (kept once). */
void ledger_note_supplier(ledger_enterprise *e, const factor *f);

#endif
