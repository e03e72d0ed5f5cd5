/* parse.c - strict number, period and unit parsing (see parse.h). */
#include "config.h"
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest number text we parse; longer is not a meter reading. */
#define NUMBER_TEXT_MAX 100

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool parse_eq_ci(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(s[i]) != ascii_lower(lit[i]))
            return false;
    return true;
}

/* Powers of ten that are exact in a double. */
static const double exact_pow10[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* The digits of a number as they are read: the exact value while it fits
 * (15 significant digits), and the text without separators for strtod. */
struct mantissa {
    uint64_t value;
    int sig, digits;
    bool exact;
    char clean[NUMBER_TEXT_MAX + 1];
    size_t len;
};

static void add_digit(struct mantissa *m, char ch)
{
    int d = ch - '0';
    if (m->value != 0 || d != 0) {
        if (++m->sig > 15)
            m->exact = false;
        if (m->exact)
            m->value = m->value * 10 + (uint64_t)d;
    }
    m->clean[m->len++] = ch;
    m->digits++;
}

enum parse_status parse_number(const char *s, size_t len, double *out)
{
    parse_trim(&s, &len);
    if (len == 0)
        return PARSE_EMPTY;
    if (len > NUMBER_TEXT_MAX)
        return PARSE_SYNTAX;

    /* The common form, 1234.567 with at most 15 digits, read at once: the
     * same exact operands and one rounding as below. */
    if (len <= 16) {
        size_t i = s[0] == '-', int_digits = 0, frac = 0;
        uint64_t v = 0;
        while (i < len && is_digit(s[i]))
            v = v * 10 + (uint64_t)(s[i++] - '0'), int_digits++;
        if (int_digits > 0 && i < len && s[i] == '.')
            for (i++; i < len && is_digit(s[i]); i++)
                v = v * 10 + (uint64_t)(s[i] - '0'), frac++;
        if (i == len && int_digits > 0 && (frac > 0 || s[len - 1] != '.') && int_digits + frac <= 15) {
            double d = v == 0 ? 0.0 : (double)v / exact_pow10[frac];
            *out = s[0] == '-' && v != 0 ? -d : d;
            return PARSE_OK;
        }
    }

    struct mantissa m = {.exact = true};
    size_t i = 0;
    bool neg = false;
    if (s[i] == '+' || s[i] == '-') {
        neg = s[i] == '-';
        m.clean[m.len++] = s[i++];
    }
    size_t group_start = i;
    while (i < len && is_digit(s[i]))
        add_digit(&m, s[i++]);
    if (i < len && s[i] == ',') {
        /* Thousands separators: 1-3 leading digits, then groups of three. */
        if (i - group_start == 0 || i - group_start > 3)
            return PARSE_SYNTAX;
        if (s[group_start] == '0') /* "0,123", "00,123": a decimal with the wrong mark, never a thousand */
            return PARSE_SYNTAX;
        while (i < len && s[i] == ',') {
            if (len - i < 4 || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 3]))
                return PARSE_SYNTAX;
            if (len - i > 4 && is_digit(s[i + 4]))
                return PARSE_SYNTAX;
            for (size_t k = 1; k <= 3; k++)
                add_digit(&m, s[i + k]);
            i += 4;
        }
    }
    int frac_digits = 0;
    if (i < len && s[i] == '.') {
        m.clean[m.len++] = s[i++];
        for (; i < len && is_digit(s[i]); i++, frac_digits++)
            add_digit(&m, s[i]);
    }
    if (m.digits == 0)
        return PARSE_SYNTAX;

    long exp10 = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        m.clean[m.len++] = s[i++];
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            m.clean[m.len++] = s[i++];
        }
        size_t estart = i;
        while (i < len && is_digit(s[i])) {
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (s[i] - '0');
            m.clean[m.len++] = s[i++];
        }
        if (i == estart)
            return PARSE_SYNTAX;
        if (eneg)
            exp10 = -exp10;
    }
    if (i != len)
        return PARSE_SYNTAX;
    m.clean[m.len] = '\0';

    double v;
    if (m.value == 0) {
        v = 0.0; /* also "-0": no negative zero in reports */
    } else if (m.exact && exp10 - frac_digits >= -22 && exp10 - frac_digits <= 22) {
        /* Both operands exact, one rounding: the correctly rounded result. */
        long e = exp10 - frac_digits;
        v = (double)m.value;
        v = e >= 0 ? v * exact_pow10[e] : v / exact_pow10[-e];
        if (neg)
            v = -v;
    } else {
        errno = 0;
        char *end;
        v = strtod(m.clean, &end);
        if (*end != '\0')
            return PARSE_SYNTAX;
        if (errno == ERANGE)
            return PARSE_RANGE;
    }
    if (!isfinite(v))
        return PARSE_RANGE;
    *out = v;
    return PARSE_OK;
}

enum parse_status parse_number_ex(const char *s, size_t len, bool decimal_comma, double *out)
{
    if (!decimal_comma && memchr(s, 0xEF, len) == NULL)
        return parse_number(s, len, out);
    char buf[NUMBER_TEXT_MAX + 1];
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        /* Full-width forms are EF BC 90-99 (digits), EF BC 8E (．), EF BC 8C (，), EF BC 8D (－). */
        if ((unsigned char)ch == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBC) {
            unsigned char t = (unsigned char)s[i + 2];
            if (t >= 0x90 && t <= 0x99)
                ch = (char)('0' + (t - 0x90));
            else if (t == 0x8E)
                ch = '.';
            else if (t == 0x8C)
                ch = ',';
            else if (t == 0x8D)
                ch = '-';
            else
                return PARSE_SYNTAX;
            i += 2;
        }
        if (decimal_comma && (ch == '.' || ch == ','))
            ch = ch == '.' ? ',' : '.';
        if (o == sizeof buf - 1)
            return PARSE_SYNTAX;
        buf[o++] = ch;
    }
    return parse_number(buf, o, out);
}

enum parse_status parse_int(const char *s, size_t len, long min, long max, long *out)
{
    parse_trim(&s, &len);
    if (len == 0)
        return PARSE_EMPTY;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i++;
    }
    if (i == len)
        return PARSE_SYNTAX;
    long v = 0;
    bool big = false;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return PARSE_SYNTAX;
        if (v > 100000000000L)
            big = true;
        else
            v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (big || v < min || v > max)
        return PARSE_RANGE;
    *out = v;
    return PARSE_OK;
}

/* ---- periods ---- */

static const char U8_NIAN[] = "\xE5\xB9\xB4"; /* 年 */
static const char U8_YUE[] = "\xE6\x9C\x88";  /* 月 */
static const char U8_RI[] = "\xE6\x97\xA5";   /* 日 */

static bool at_lit(const char *s, size_t len, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return len - i >= n && memcmp(s + i, lit, n) == 0;
}

/* Reads 1..max digits at s[*i]; returns the count read. */
static int read_digits(const char *s, size_t len, size_t *i, int max, int *value)
{
    int n = 0, v = 0;
    while (*i < len && n < max && is_digit(s[*i])) {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    *value = v;
    return n;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* A period's parts as read, before validation. */
struct period_fields {
    int year, month, day, hour, minute, second;
    bool has_day, has_time;
};

/* Two digits at s, or -1. */
static int two_digits(const char *s)
{
    if (!is_digit(s[0]) || !is_digit(s[1]))
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The fixed-width forms interval exports use, YYYY-MM, YYYY-MM-DD and
 * YYYY-MM-DD HH:MM[:SS], read without the general scanner: this runs on
 * every row of a 35,040-row meter-year. Returns false to fall back. */
static bool fixed_width_period(const char *s, size_t len, struct period_fields *f)
{
    if (!(len == 7 || len == 10 || len == 16 || len == 19) || s[4] != '-')
        return false;
    int y1 = two_digits(s), y2 = two_digits(s + 2);
    memset(f, 0, sizeof *f);
    f->month = two_digits(s + 5);
    if (y1 < 0 || y2 < 0 || f->month < 0)
        return false;
    f->year = y1 * 100 + y2;
    f->has_day = len >= 10;
    f->has_time = len >= 16;
    if (f->has_day && (s[7] != '-' || (f->day = two_digits(s + 8)) < 0))
        return false;
    if (f->has_time && ((s[10] != ' ' && s[10] != 'T') || s[13] != ':' || (f->hour = two_digits(s + 11)) < 0 ||
                        (f->minute = two_digits(s + 14)) < 0))
        return false;
    if (len == 19 && (s[16] != ':' || (f->second = two_digits(s + 17)) < 0))
        return false;
    return true;
}

/* The general scanner for every accepted form (see parse.h). */
static enum parse_status scan_period(const char *s, size_t len, struct period_fields *f)
{
    size_t i = 0;
    int year, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    bool has_day = false, has_time = false;
    if (read_digits(s, len, &i, 4, &year) != 4)
        return PARSE_SYNTAX;
    if (i < len && is_digit(s[i])) {
        /* Compact: YYYYMM or YYYYMMDD. */
        if (read_digits(s, len, &i, 2, &month) != 2)
            return PARSE_SYNTAX;
        if (i < len && is_digit(s[i])) {
            if (read_digits(s, len, &i, 2, &day) != 2)
                return PARSE_SYNTAX;
            has_day = true;
        }
    } else {
        char sep = 0;
        bool chinese = false;
        if (i < len && (s[i] == '-' || s[i] == '/' || s[i] == '.')) {
            sep = s[i++];
        } else if (at_lit(s, len, i, U8_NIAN)) {
            chinese = true;
            i += 3;
        } else {
            return PARSE_SYNTAX;
        }
        if (read_digits(s, len, &i, 2, &month) == 0)
            return PARSE_SYNTAX;
        if (chinese) {
            if (!at_lit(s, len, i, U8_YUE))
                return PARSE_SYNTAX;
            i += 3;
            if (i < len && is_digit(s[i])) {
                if (read_digits(s, len, &i, 2, &day) == 0 || !at_lit(s, len, i, U8_RI))
                    return PARSE_SYNTAX;
                i += 3;
                has_day = true;
            }
        } else if (i < len && s[i] == sep) {
            i++;
            if (read_digits(s, len, &i, 2, &day) == 0)
                return PARSE_SYNTAX;
            has_day = true;
        }
    }
    if (has_day && i < len && (s[i] == ' ' || s[i] == 'T')) {
        while (i < len && (s[i] == ' ' || s[i] == 'T'))
            i++;
        if (read_digits(s, len, &i, 2, &hour) == 0 || i >= len || s[i] != ':')
            return PARSE_SYNTAX;
        i++;
        if (read_digits(s, len, &i, 2, &minute) != 2)
            return PARSE_SYNTAX;
        if (i < len && s[i] == ':') {
            i++;
            if (read_digits(s, len, &i, 2, &second) != 2)
                return PARSE_SYNTAX;
        }
        has_time = true;
    }
    if (i != len)
        return PARSE_SYNTAX;
    *f = (struct period_fields){year, month, day, hour, minute, second, has_day, has_time};
    return PARSE_OK;
}

/* Offsets (minutes east of UTC) that some place keeps: whole hours from
 * -12 to +14, and the half and three-quarter hours in use. Anything else
 * after a time is not an offset (a range such as 06:00-06:15). */
static bool offset_in_use(int minutes)
{
    static const int odd[] = {-570, -210, -150, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825};
    if (minutes % 60 == 0)
        return minutes >= -720 && minutes <= 840;
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        if (odd[i] == minutes)
            return true;
    return false;
}

/* A UTC offset at the end of a time (Z, +08:00, +0800, +08): removed from
 * len, stored in *offset_s. Only after a time: a date's own '-' is no sign. */
static enum parse_status strip_offset(const char *s, size_t *len, bool *has, int *offset_s)
{
    size_t n = *len;
    *has = false;
    if (n < 12 || memchr(s, ':', n) == NULL)
        return PARSE_OK;
    if (s[n - 1] == 'Z' || s[n - 1] == 'z') {
        *has = true;
        *offset_s = 0;
        *len = n - 1;
        return PARSE_OK;
    }
    size_t sign = 0, digits = 0;
    if (n >= 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':')
        sign = n - 6, digits = 4;
    else if (n >= 5 && (s[n - 5] == '+' || s[n - 5] == '-'))
        sign = n - 5, digits = 4;
    else if (n >= 3 && (s[n - 3] == '+' || s[n - 3] == '-'))
        sign = n - 3, digits = 2;
    else
        return PARSE_OK;
    if (memchr(s, ':', sign) == NULL)
        return PARSE_OK; /* 2025-03-01-08 is no time with an offset */
    if (s[sign] == '-' && digits == 4 && s[n - 3] == ':' && memchr(s, 'T', sign) == NULL)
        return PARSE_SYNTAX; /* 2025-03-01 06:00-06:15 is a time range, not UTC-06:15 */
    int hh = two_digits(s + sign + 1), mm = 0;
    if (digits == 4)
        mm = two_digits(s + n - 2);
    if (hh < 0 || mm < 0)
        return PARSE_SYNTAX;
    if (hh > 14 || mm > 59)
        return PARSE_RANGE;
    if (!offset_in_use(s[sign] == '-' ? -(hh * 60 + mm) : hh * 60 + mm))
        return PARSE_SYNTAX; /* T06:00-06:15 is a time range: no place keeps UTC-06:15 */
    *has = true;
    *offset_s = (s[sign] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    *len = sign;
    return PARSE_OK;
}

/* Date of a day number (days since 1970-01-01), the inverse of days_from_civil. */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void period_move(parse_period *p, int64_t stamp)
{
    int64_t day = stamp >= 0 ? stamp / 86400 : -((-stamp + 86399) / 86400);
    civil_from_days(day, &p->year, &p->month, &p->day);
    p->stamp = stamp;
    p->end_of_day = false;
}

enum parse_status parse_period_text(const char *s, size_t len, parse_period *out)
{
    parse_trim(&s, &len);
    if (len == 0)
        return PARSE_EMPTY;
    bool has_offset;
    int offset_s = 0;
    enum parse_status ost = strip_offset(s, &len, &has_offset, &offset_s);
    if (ost != PARSE_OK)
        return ost;
    struct period_fields f;
    if (!fixed_width_period(s, len, &f)) {
        enum parse_status st = scan_period(s, len, &f);
        if (st != PARSE_OK)
            return st;
    }
    int year = f.year, month = f.month, day = f.day, hour = f.hour, minute = f.minute, second = f.second;
    bool has_day = f.has_day, has_time = f.has_time;
    if (year < PERIOD_YEAR_MIN || year > PERIOD_YEAR_MAX || month < 1 || month > 12)
        return PARSE_RANGE;
    if (has_day && (day < 1 || day > days_in_month(year, month)))
        return PARSE_RANGE;
    bool end_of_day = has_time && hour == 24 && minute == 0 && second == 0;
    if ((hour > 23 && !end_of_day) || minute > 59 || second > 59)
        return PARSE_RANGE;

    out->year = year;
    out->month = month;
    out->day = has_day ? day : 0;
    out->granularity = has_time ? PERIOD_TIME : has_day ? PERIOD_DAY : PERIOD_MONTH;
    out->stamp = days_from_civil(year, month, has_day ? day : 1) * 86400 + hour * 3600 + minute * 60 + second;
    out->end_of_day = end_of_day;
    out->has_offset = has_offset;
    out->offset_s = offset_s;
    return PARSE_OK;
}

int64_t period_first_day(int ord)
{
    /* Asked on every interval row, mostly for the month of the row before. */
    static _Thread_local int last_ord;
    static _Thread_local int64_t last_day;
    static _Thread_local bool have_last;
    if (!have_last || ord != last_ord) {
        last_day = days_from_civil(period_ord_year(ord), period_ord_month(ord), 1);
        last_ord = ord;
        have_last = true;
    }
    return last_day;
}

void period_format(int ord, char *buf, size_t size)
{
    snprintf(buf, size, "%04d-%02d", period_ord_year(ord), period_ord_month(ord));
}

/* ---- units ---- */

struct unit_entry {
    const char *name;
    double factor;
};

static const struct unit_entry energy_units[] = {
    {"kWh", 1},
    {"kW\xC2\xB7h", 1},
    {"kW.h", 1},
    {"\xE5\xBA\xA6", 1} /* 度 */,
    {"\xE5\x8D\x83\xE7\x93\xA6\xE6\x97\xB6", 1} /* 千瓦时 */,
    {"Wh", 1e-3},
    {"MWh", 1e3},
    {"\xE5\x85\x86\xE7\x93\xA6\xE6\x97\xB6", 1e3} /* 兆瓦时 */,
    {"GWh", 1e6},
    {"\xE4\xB8\x87kWh", 1e4} /* 万kWh */,
    {"\xE4\xB8\x87\xE5\x8D\x83\xE7\x93\xA6\xE6\x97\xB6", 1e4},
    {"\xE4\xB8\x87\xE5\xBA\xA6", 1e4},
    {"\xE4\xBA\xBFkWh", 1e8} /* 亿kWh */,
    {"\xE4\xBA\xBF\xE5\x8D\x83\xE7\x93\xA6\xE6\x97\xB6", 1e8},
    {"\xE4\xBA\xBF\xE5\xBA\xA6", 1e8},
};

static const char *const certificate_units[] = {
    "certificate", "certificates", "cert", "GEC", "\xE5\xBC\xA0" /* 张 */, "\xE4\xB8\xAA" /* 个 */,
};

/* Units of power or reactive energy: the classic kW-for-kWh mistake. */
static const char *const power_units[] = {
    "W",
    "kW",
    "MW",
    "GW",
    "kVA",
    "MVA",
    "VA",
    "kvar",
    "kvarh",
    "Mvarh",
    "varh",
    "\xE5\x8D\x83\xE7\x93\xA6" /* 千瓦 */,
    "\xE5\x85\x86\xE7\x93\xA6" /* 兆瓦 */,
    "\xE5\x8D\x83\xE4\xB9\x8F\xE6\x97\xB6" /* 千乏时 */,
};

enum parse_status parse_energy_unit(const char *s, size_t len, double *kwh, bool *is_certificate_count)
{
    parse_trim(&s, &len);
    if (len == 0)
        return PARSE_EMPTY;
    *is_certificate_count = false;
    for (size_t k = 0; k < sizeof energy_units / sizeof energy_units[0]; k++) {
        if (parse_eq_ci(s, len, energy_units[k].name)) {
            *kwh = energy_units[k].factor;
            return PARSE_OK;
        }
    }
    for (size_t k = 0; k < sizeof certificate_units / sizeof certificate_units[0]; k++) {
        if (parse_eq_ci(s, len, certificate_units[k])) {
            *kwh = 1000.0;
            *is_certificate_count = true;
            return PARSE_OK;
        }
    }
    for (size_t k = 0; k < sizeof power_units / sizeof power_units[0]; k++)
        if (parse_eq_ci(s, len, power_units[k]))
            return PARSE_NOT_ENERGY;
    return PARSE_SYNTAX;
}

static const struct unit_entry mass_units[] = {
    {"t", 1},
    {"tonne", 1},
    {"tonnes", 1},
    {"\xE5\x90\xA8", 1} /* 吨 */,
    {"kg", 1e-3},
    {"\xE5\x8D\x83\xE5\x85\x8B", 1e-3} /* 千克 */,
    {"\xE5\x85\xAC\xE6\x96\xA4", 1e-3} /* 公斤 */,
};

enum parse_status parse_mass_unit(const char *s, size_t len, double *t)
{
    parse_trim(&s, &len);
    if (len == 0)
        return PARSE_EMPTY;
    for (size_t k = 0; k < sizeof mass_units / sizeof mass_units[0]; k++) {
        if (parse_eq_ci(s, len, mass_units[k].name)) {
            *t = mass_units[k].factor;
            return PARSE_OK;
        }
    }
    return PARSE_SYNTAX;
}
