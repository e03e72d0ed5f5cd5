/* test_parse.c - strict numbers, periods and units. */
#include "config.h"
#include "parse.h"
#include "tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum parse_status num(const char *s, double *v) { return parse_number(s, strlen(s), v); }

START_TEST(numbers_accepted)
{
    static const struct { const char *text; double value; } ok[] = {
        {"0", 0}, {"12", 12}, {" 12.5 ", 12.5}, {"\t7\t", 7}, {"-3.25", -3.25}, {"+4", 4},
        {"1,234,567.8", 1234567.8}, {"1,000", 1000}, {"999,999", 999999}, {".5", 0.5}, {"5.", 5},
        {"1e3", 1000}, {"2.5E-2", 0.025}, {"0.3503", 0.3503}, {"-0", 0}, {"0000012", 12},
        {"123456789012345", 123456789012345.0}, {"1234567890123456789", 1234567890123456789.0},
        {"0.1", 0.1}, {"100000000000000000000000", 1e23}, {"1e-300", 1e-300},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double v = -1;
        ck_assert_msg(num(ok[i].text, &v) == PARSE_OK, "'%s' rejected", ok[i].text);
        ck_assert_msg(v == ok[i].value, "'%s' -> %.17g, want %.17g", ok[i].text, v, ok[i].value);
        ck_assert(!signbit(v) || v != 0);
    }
}
END_TEST

START_TEST(numbers_rejected)
{
    static const char *const syntax[] = {
        "12,5x", "12,5", "1,23", "1,2345", "1234,567", ",123", "1,,234", "abc", "1.2.3", "0x10",
        "nan", "NaN", "inf", "-inf", "infinity", "1e", "1e+", "--1", "+-1", "1 2", "12 kWh", "1_000",
        ".", "-", "+", "e5", "1.5e3.2", "１２", "12\xC2\xA0", "1,234.5.6",
    };
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++) {
        double v = 42;
        ck_assert_msg(num(syntax[i], &v) == PARSE_SYNTAX, "'%s' accepted", syntax[i]);
        ck_assert(v == 42);
    }
    double v;
    ck_assert_int_eq(num("1e400", &v), PARSE_RANGE);
    ck_assert_int_eq(num("-1e400", &v), PARSE_RANGE);
    ck_assert_int_eq(num("1e-400", &v), PARSE_RANGE);
    ck_assert_int_eq(num("", &v), PARSE_EMPTY);
    ck_assert_int_eq(num("   ", &v), PARSE_EMPTY);
    char big[200];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(num(big, &v), PARSE_SYNTAX);
    /* Never reads past len. */
    ck_assert_int_eq(parse_number("12x", 2, &v), PARSE_OK);
    ck_assert(v == 12);
}
END_TEST

START_TEST(number_fast_path_matches_strtod)
{
    /* The exact fast path must give the correctly rounded double, as strtod does. */
    unsigned long long x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        char buf[64];
        int frac = (int)(x % 8);
        unsigned long long mant = (x >> 8) % 1000000000000000ULL;
        snprintf(buf, sizeof buf, "%llu", mant);
        size_t n = strlen(buf);
        if (frac > 0 && (size_t)frac < n) {
            memmove(buf + n - frac + 1, buf + n - frac, (size_t)frac + 1);
            buf[n - frac] = '.';
        }
        double a, b = strtod(buf, NULL);
        ck_assert_int_eq(num(buf, &a), PARSE_OK);
        ck_assert_msg(a == b, "%s: %.17g vs strtod %.17g", buf, a, b);
    }
    /* Around the short form read at once (up to 15 digits, 16 characters). */
    static const char *const edge[] = {"-0.000", "0", "-0", "00012.5", "-12.5", "1.", "-1.", "999999999999999",
                                       "9999999999999999", "99999999999999.9", "9999999999999.99",
                                       "0.000000000000001", "123456789012345.", "-123456789012345",
                                       "1234567890123456", "0.1", "-0.1"};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        double a, b = strtod(edge[i], NULL);
        ck_assert_int_eq(num(edge[i], &a), PARSE_OK);
        ck_assert_msg(a == b && (a != 0 || !signbit(a)), "%s: %.17g vs strtod %.17g", edge[i], a, b);
    }
}
END_TEST

START_TEST(ints)
{
    long v;
    ck_assert_int_eq(parse_int("2025", 4, 1990, 2100, &v), PARSE_OK);
    ck_assert_int_eq(v, 2025);
    ck_assert_int_eq(parse_int("1989", 4, 1990, 2100, &v), PARSE_RANGE);
    ck_assert_int_eq(parse_int("20x5", 4, 1990, 2100, &v), PARSE_SYNTAX);
    ck_assert_int_eq(parse_int("99999999999999999999", 20, 0, 10, &v), PARSE_RANGE);
    ck_assert_int_eq(parse_int("", 0, 0, 10, &v), PARSE_EMPTY);
}
END_TEST

static parse_period per(const char *s, enum parse_status want)
{
    parse_period p;
    memset(&p, 0, sizeof p);
    enum parse_status st = parse_period_text(s, strlen(s), &p);
    ck_assert_msg(st == want, "'%s': status %d, want %d", s, st, want);
    return p;
}

START_TEST(periods)
{
    static const char *const march[] = {
        "2025-03", "2025/3", "2025/03", "202503", "2025年3月", "2025-03-01", "2025/3/1",
        "2025年3月15日", "20250331", "2025-03-01 00:15", "2025/3/1 0:15", "2025-03-31T23:45:00",
        " 2025-03 ", "2025.03",
    };
    for (size_t i = 0; i < sizeof march / sizeof march[0]; i++) {
        parse_period p = per(march[i], PARSE_OK);
        ck_assert_msg(p.year == 2025 && p.month == 3, "%s -> %d-%d", march[i], p.year, p.month);
    }
    ck_assert_int_eq(per("2025-03", PARSE_OK).granularity, PERIOD_MONTH);
    ck_assert_int_eq(per("2025-03-02", PARSE_OK).granularity, PERIOD_DAY);
    ck_assert_int_eq(per("2025-03-02 10:00", PARSE_OK).granularity, PERIOD_TIME);
    /* 2025-03-01 00:15 is 15 minutes after 2025-03-01. */
    ck_assert_int_eq(per("2025-03-01 00:15", PARSE_OK).stamp - per("2025-03-01", PARSE_OK).stamp, 900);
    ck_assert_int_eq(per("2000-01-01", PARSE_OK).stamp, 946684800); /* date -d 2000-01-01Z +%s */

    static const char *const range[] = {"2025-13", "2025-00", "2025-02-29", "2024-02-30",
                                        "2025-04-31", "1989-12", "2101-01", "2025-03-01 24:15",
                                        "2025-03-01 24:00:01", "2025-03-01 25:00",
                                        "2025-03-01 10:60", "202513", "2025-03-01 00:00+15:00",
                                        "2025-03-01 00:00+08:60"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
        per(range[i], PARSE_RANGE);
    per("2024-02-29", PARSE_OK);
    static const char *const syntax[] = {"2025", "25-03", "2025-3x", "2025-03-", "March 2025",
                                         "2025-03 10:00", "2025年3", "2025-03/01", "2025-03-01 1",
                                         "2025-03-01 10:5", "2025/3/1/2"};
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++)
        per(syntax[i], PARSE_SYNTAX);
    per("", PARSE_EMPTY);
    /* 24:00 is the end of the day it names: the next day's 00:00, in its own month. */
    parse_period eod = per("2025-03-31 24:00", PARSE_OK);
    ck_assert(eod.end_of_day && eod.year == 2025 && eod.month == 3 && eod.day == 31);
    ck_assert_int_eq(eod.stamp, per("2025-04-01 00:00", PARSE_OK).stamp);
    ck_assert(per("2025-03-31 24:00:00", PARSE_OK).end_of_day);
    ck_assert(!per("2025-03-31 23:00", PARSE_OK).end_of_day);
    /* UTC offsets after a time: kept apart from the wall-clock stamp. */
    static const struct { const char *s; int offset_s; } offs[] = {
        {"2025-03-01T00:15:00+08:00", 28800}, {"2025-03-01 00:15+0800", 28800}, {"2025-03-01 00:15+08", 28800},
        {"2025-03-01T00:15:00Z", 0}, {"2025-02-28T16:15:00-09:30", -34200}, {"2025-03-01T06:00-05:00", -18000},
        {"2025-03-01T06:00+05:45", 20700}, {"2025/3/1 0:15+08:00", 28800},
    };
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        parse_period p = per(offs[i].s, PARSE_OK);
        ck_assert_msg(p.has_offset && p.offset_s == offs[i].offset_s, "%s: %d", offs[i].s, p.offset_s);
    }
    ck_assert_int_eq(per("2025-03-01T00:15:00Z", PARSE_OK).stamp, per("2025-03-01 00:15", PARSE_OK).stamp);
    ck_assert(!per("2025-03-01 00:15", PARSE_OK).has_offset);
    ck_assert(!per("2025-03-01", PARSE_OK).has_offset);
    static const char *const bad_offsets[] = {"2025-03-01 00:15+8", "2025-03-01 00:15+08:0", "2025-03-01Z",
                                              "2025-03-01 00:15 +08:00", "2025-03-01 00:15+0x:00",
                                              "2025-03-01 06:00-06:15", "2025-03-01 14:45-15:00",
                                              "2025-03-01T06:00-06:15", "2025-03-01T06:00+06:15"};
    for (size_t i = 0; i < sizeof bad_offsets / sizeof bad_offsets[0]; i++)
        per(bad_offsets[i], PARSE_SYNTAX);
    /* period_move: a stamp back to its date, across a month and a leap day. */
    parse_period mv = per("2024-03-01 00:00", PARSE_OK);
    period_move(&mv, mv.stamp - 1);
    ck_assert(mv.year == 2024 && mv.month == 2 && mv.day == 29 && mv.stamp % 86400 == 86399);
    mv = per("2025-01-01 07:00", PARSE_OK);
    period_move(&mv, mv.stamp - 8 * 3600);
    ck_assert(mv.year == 2024 && mv.month == 12 && mv.day == 31);

    char buf[8];
    period_format(period_ord(2025, 12), buf, sizeof buf);
    ck_assert_str_eq(buf, "2025-12");
    ck_assert_int_eq(period_ord(2026, 1) - period_ord(2025, 12), 1);
}
END_TEST

START_TEST(energy_units)
{
    static const struct { const char *u; double kwh; } ok[] = {
        {"kWh", 1}, {"KWH", 1}, {"kwh", 1}, {"度", 1}, {"千瓦时", 1}, {"MWh", 1000}, {"mwh", 1000},
        {"GWh", 1e6}, {"万kWh", 1e4}, {"万千瓦时", 1e4}, {"亿kWh", 1e8}, {"亿千瓦时", 1e8}, {"Wh", 1e-3},
        {" kWh ", 1},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double k;
        bool cert;
        ck_assert_msg(parse_energy_unit(ok[i].u, strlen(ok[i].u), &k, &cert) == PARSE_OK, "%s", ok[i].u);
        ck_assert(k == ok[i].kwh);
        ck_assert(!cert);
    }
    static const char *const power[] = {"kW", "KW", "MW", "kVA", "kvarh", "千瓦", "千乏时"};
    for (size_t i = 0; i < sizeof power / sizeof power[0]; i++) {
        double k;
        bool cert;
        ck_assert_int_eq(parse_energy_unit(power[i], strlen(power[i]), &k, &cert), PARSE_NOT_ENERGY);
    }
    double k;
    bool cert;
    ck_assert_int_eq(parse_energy_unit("kWhh", 4, &k, &cert), PARSE_SYNTAX);
    ck_assert_int_eq(parse_energy_unit("t", 1, &k, &cert), PARSE_SYNTAX);
    ck_assert_int_eq(parse_energy_unit("", 0, &k, &cert), PARSE_EMPTY);
    ck_assert_int_eq(parse_energy_unit("张", strlen("张"), &k, &cert), PARSE_OK);
    ck_assert(cert && k == 1000);
}
END_TEST

START_TEST(mass_units)
{
    double t;
    ck_assert_int_eq(parse_mass_unit("t", 1, &t), PARSE_OK);
    ck_assert(t == 1);
    ck_assert_int_eq(parse_mass_unit("kg", 2, &t), PARSE_OK);
    ck_assert(t == 1e-3);
    ck_assert_int_eq(parse_mass_unit("吨", strlen("吨"), &t), PARSE_OK);
    ck_assert_int_eq(parse_mass_unit("pcs", 3, &t), PARSE_SYNTAX);
}
END_TEST

Suite *suite_parse(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, numbers_accepted);
    tcase_add_test(tc, numbers_rejected);
    tcase_add_test(tc, number_fast_path_matches_strtod);
    tcase_add_test(tc, ints);
    tcase_add_test(tc, periods);
    tcase_add_test(tc, energy_units);
    tcase_add_test(tc, mass_units);
    suite_add_tcase(s, tc);
    return s;
}
