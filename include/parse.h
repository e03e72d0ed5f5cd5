/* parse.h - strict parsing of the values found in meter and production files.
 *
 * Numbers, periods and units arrive as text. Each parser accepts exactly the
 * documented forms and rejects anything else (trailing garbage, hex, NaN,
 * infinity, overflow): a wrong number must stop a report, not slip into it.
 * All functions take (s, len) and never read past len.
 */
#ifndef CBAM_PARSE_H
#define CBAM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum parse_status {
    PARSE_OK,
    PARSE_EMPTY,      /* only spaces */
    PARSE_SYNTAX,     /* not of an accepted form */
    PARSE_RANGE,      /* well-formed but out of range (1e400, month 13, ...) */
    PARSE_NOT_ENERGY, /* a unit of power (kW, kVA) or reactive energy (kvarh) */
};

/* Decimal number: optional sign, digits with an optional fraction and
 * exponent; thousands separators are accepted only in groups of three
 * ("1,234,567.8"). Surrounding spaces are ignored. The result is finite. */
enum parse_status parse_number(const char *s, size_t len, double *out);

/* parse_number for exports: full-width digits and marks (０-９ ． ， －) are
 * read as ASCII, and with decimal_comma the roles of '.' and ',' swap
 * ("1.234,5" = 1234.5), as European tools write in ';'-separated files. */
enum parse_status parse_number_ex(const char *s, size_t len, bool decimal_comma, double *out);

/* A whole number in [min, max]. */
enum parse_status parse_int(const char *s, size_t len, long min, long max, long *out);

enum period_granularity { PERIOD_MONTH, PERIOD_DAY, PERIOD_TIME };

typedef struct parse_period {
    int year, month; /* month 1-12 */
    int day;         /* 0 for PERIOD_MONTH */
    enum period_granularity granularity;
    int64_t stamp; /* seconds since 1970-01-01 of the time as written (wall clock) */
    bool end_of_day; /* written as 24:00: stamp is the next day's 00:00, the date is the day it ends */
    bool has_offset; /* a UTC offset was written (Z, +08:00, +0800, +08) */
    int offset_s;    /* that offset in seconds east of UTC */
} parse_period;

/* Years accepted in periods: anything else is a typing error. */
#define PERIOD_YEAR_MIN 1990
#define PERIOD_YEAR_MAX 2100

/* Periods: 2025-03, 2025/3, 202503, 2025年3月, 2025-03-01, 2025/3/1,
 * 2025年3月1日, 20250301, each optionally followed by a time of day H:MM or
 * H:MM:SS (separated by a space or 'T'), and after a time optionally a UTC
 * offset: Z, +08:00, +0800 or +08. 24:00 (and 24:00:00) is the end of the
 * day, as interval-end exports write it. Dates and times belong to their month. */
enum parse_status parse_period_text(const char *s, size_t len, parse_period *out);

/* Moves a PERIOD_TIME period to stamp (wall-clock seconds), recomputing its
 * date; end_of_day is cleared. Used to convert an offset or to read an
 * interval by its start. */
void period_move(parse_period *p, int64_t stamp);

/* Month ordinal: year * 12 + (month - 1); consecutive months differ by one. */
static inline int period_ord(int year, int month)
{
    return year * 12 + (month - 1);
}
static inline int period_ord_year(int ord)
{
    return ord / 12;
}
static inline int period_ord_month(int ord)
{
    return ord % 12 + 1;
}
/* Days since 1970-01-01 of the first day of month ordinal ord. */
int64_t period_first_day(int ord);

/* Writes "YYYY-MM" into buf (at least 8 bytes). */
void period_format(int ord, char *buf, size_t size);

/* Energy units: kWh, 度, 千瓦时, Wh, MWh, 兆瓦时, GWh, 万kWh, 万千瓦时, 万度,
 * 亿kWh, 亿千瓦时, 亿度 (case-insensitive in the Latin letters). *kwh is the
 * number of kWh in one unit. Certificates (certificate, certificates, cert,
 * GEC, 张, 个) are 1 MWh each and set *is_certificate_count. */
enum parse_status parse_energy_unit(const char *s, size_t len, double *kwh, bool *is_certificate_count);

/* Mass units: t, tonne, tonnes, 吨, kg, 千克, 公斤. *t is tonnes in one unit. */
enum parse_status parse_mass_unit(const char *s, size_t len, double *t);

/* Trims ASCII spaces and tabs from both ends of (s, len) in place. Inline:
 * it runs on every field of every row, often more than once. */
static inline void parse_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

/* True when (s, len) equals lit ignoring ASCII case. */
bool parse_eq_ci(const char *s, size_t len, const char *lit);

#endif
