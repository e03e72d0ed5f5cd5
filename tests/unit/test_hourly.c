/* test_hourly.c - the hour store, the matching order, interval labels fed in
 * every chunk size, offsets, and which months are matched (hourly.h). */
#include "config.h"
#include "allocate.h"
#include "hourly.h"
#include "ingest.h"
#include "tests.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static factors_db *db;
static ledger *l;
static diag_list dl;
static alloc_result res;

static void setup(void)
{
    diag_list_init(&dl);
    db = factors_new();
    factors_load_builtin(db, &dl);
    l = ledger_new();
    memset(&res, 0, sizeof res);
}

static void teardown(void)
{
    alloc_result_free(&res);
    ledger_free(l);
    factors_free(db);
    diag_list_free(&dl);
}

static enum cbam_err feed_ex(enum ingest_kind kind, const char *text, enum ingest_label label, size_t chunk)
{
    ingest_opts o = {.label = label, .chunk_size = chunk};
    return ingest_mem(l, db, kind, "t.csv", text, strlen(text), &o, &dl);
}

static void feed(enum ingest_kind kind, const char *text)
{
    enum cbam_err err = feed_ex(kind, text, INGEST_LABEL_DETECT, 0);
    ck_assert_msg(err == CBAM_OK, "ingest: %s", dl.count ? dl.items[dl.count - 1].message : "?");
}

static const alloc_enterprise *run(void)
{
    alloc_opts none = {0};
    ck_assert_int_eq(ingest_finish(l, &dl), CBAM_OK);
    ck_assert_int_eq(alloc_run(l, db, &none, &res, &dl), CBAM_OK);
    ck_assert_uint_ge(res.n, 1);
    return &res.ents[0];
}

static bool said(const char *what)
{
    for (size_t i = 0; i < dl.count; i++)
        if (strstr(dl.items[i].message, what) != NULL)
            return true;
    return false;
}

static const char PROD[] = "enterprise_id,period,product_id,cn_code,quantity,unit\nE1,2025-03,P1,7318 15 88,10,t\n";

START_TEST(store)
{
    hourly_store *hs = NULL;
    hourly_book(&hs, period_ord(2025, 5), 3, SUPPLY_LOAD, 10);
    hourly_book(&hs, period_ord(2025, 3), 743, SUPPLY_GRID, 1);
    hourly_book(&hs, period_ord(2025, 4), 0, SUPPLY_GREEN_DIRECT, 2);
    hourly_book(&hs, period_ord(2025, 5), 3, SUPPLY_LOAD, 5);
    hourly_book(&hs, period_ord(2025, 5), 744, SUPPLY_LOAD, 99);         /* past the month: ignored */
    hourly_book(&hs, period_ord(2025, 5), 1, SUPPLY_CERTIFICATE, 99);    /* claims: never in an hour */
    ck_assert_uint_eq(hs->n, 3);
    ck_assert_int_eq(hs->blocks[0].ord, period_ord(2025, 3)); /* sorted whatever the order of rows */
    ck_assert_int_eq(hs->blocks[2].ord, period_ord(2025, 5));
    const hourly_block *b = hourly_block_find(hs, period_ord(2025, 5));
    ck_assert_ptr_nonnull(b);
    ck_assert(hourly_at(b, SUPPLY_LOAD, 3) == 15 && hourly_at(b, SUPPLY_LOAD, 4) == 0);
    ck_assert_ptr_null(b->kwh[SUPPLY_LOAD][1]); /* only the days with rows have hours */
    ck_assert_ptr_null(b->kwh[SUPPLY_GRID]); /* a role without rows has no hours */
    ck_assert_ptr_null(b->kwh[SUPPLY_CERTIFICATE]);
    ck_assert_ptr_null(hourly_block_find(hs, period_ord(2025, 6)));
    hourly_store_free(hs);
}
END_TEST

/* One hour, load 100: onsite 30 fills first, then the direct line 50, the
 * PPA the 20 left of its 40, the trade nothing of its 20. */
START_TEST(order)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,L,load,100\n"
                             "E1,2025-03-01 10:00,T,green_trade,20\n"
                             "E1,2025-03-01 10:00,P,green_ppa,40\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-03-01 10:00,O,onsite,30\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    const hourly_ent *h = ae->hourly;
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->nmatched, 1);
    ck_assert(h->matched_kwh[HOURLY_ONSITE] == 30 && h->matched_kwh[HOURLY_DIRECT] == 50);
    ck_assert(h->matched_kwh[HOURLY_PPA] == 20 && h->matched_kwh[HOURLY_TRADE] == 0);
    ck_assert(h->surplus_kwh[HOURLY_PPA] == 20 && h->surplus_kwh[HOURLY_TRADE] == 20);
    ck_assert(h->unmatched_kwh == 0 && h->load_kwh == 100);
    ck_assert(h->matched_share == 1.0 && h->volumetric_share == 1.0);
    ck_assert(ae->kwh.consumption == 100 && ae->kwh.source[SUPPLY_GRID] == 0);
    ck_assert(ae->kwh.source[SUPPLY_GREEN_PPA] == 20 && ae->kwh.source[SUPPLY_GREEN_TRADE] == 0);
    ck_assert(ae->em.cbam == 0); /* no grid, no trade kWh left */
    ck_assert(ae->months[0].hourly);
    ck_assert(!said("not demonstrated"));
}
END_TEST

/* 15-minute rows labelled by their end: 13:00 closes 12:45-13:00 (hour 12),
 * 13:15 closes 13:00-13:15 (hour 13). Read by the end, the direct line's two
 * 100 kWh fall into two hours of 100 kWh load and are all used; read by the
 * start they would share hour 13 and 100 would be surplus. Every chunk size
 * gives the same hours (the labelling is decided at 24:00, after the rows on
 * the hour that waited). */
static char *end_labelled(void)
{
    size_t cap = 16384, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    len += (size_t)snprintf(s + len, cap - len, "enterprise_id,period,meter_id,source,kwh\n");
    for (int q = 1; q <= 96; q++) {
        int h = q * 15 / 60, m = q * 15 % 60;
        bool sun = (h == 13 && m == 0) || (h == 13 && m == 15);
        len += (size_t)snprintf(s + len, cap - len, "E1,2025-03-01 %02d:%02d,L,load,25\nE1,2025-03-01 %02d:%02d,D,green_direct,%d\n",
                                h, m, h, m, sun ? 100 : 0);
        ck_assert_uint_lt(len, cap);
    }
    return s;
}

START_TEST(end_labels_every_chunk)
{
    char *csv = end_labelled();
    for (size_t chunk = 1; chunk <= 97; chunk += chunk < 8 ? 1 : 13) {
        teardown();
        setup();
        ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY, csv, INGEST_LABEL_DETECT, chunk), CBAM_OK);
        feed(INGEST_PRODUCTION, PROD);
        const alloc_enterprise *ae = run();
        ck_assert_ptr_nonnull(ae->hourly);
        ck_assert_msg(ae->hourly->matched_kwh[HOURLY_DIRECT] == 200, "chunk %zu: %g", chunk,
                      ae->hourly->matched_kwh[HOURLY_DIRECT]);
        ck_assert(ae->hourly->interval_minutes == 15);
        ck_assert(!said("lack")); /* 00:15..24:00 is a whole day */
    }
    /* Told they are starts, 24:00 is refused. */
    teardown();
    setup();
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY, csv, INGEST_LABEL_START, 0), CBAM_ERR_DATA);
    ck_assert(said("--interval-label start"));
    free(csv);
}
END_TEST

START_TEST(mixed_labels)
{
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY,
                             "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 00:00,L,load,1\n"
                             "E1,2025-03-01 24:00,L,load,1\n",
                             INGEST_LABEL_DETECT, 0),
                     CBAM_ERR_DATA);
    ck_assert(said("both ways"));
}
END_TEST

/* --interval-label end: 2025-04-01 00:00 closes March's last interval. */
START_TEST(end_label_month_boundary)
{
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY,
                             "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-31 23:45,L,load,7\n"
                             "E1,2025-03-31 23:45,D,green_direct,0\n"
                             "E1,2025-04-01 00:00,L,load,5\n"
                             "E1,2025-04-01 00:00,D,green_direct,3\n",
                             INGEST_LABEL_END, 0),
                     CBAM_OK);
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_uint_eq(ae->nmonths, 1);
    ck_assert(ae->hourly->load_kwh == 12);
    const hourly_month *hm = hourly_matched_month(ae->hourly, period_ord(2025, 3));
    ck_assert_ptr_nonnull(hm);
    ck_assert(hm->load_h[743] == 12 && hm->matched_h[743] == 3);
}
END_TEST

/* Offsets are converted to China's UTC+8: 16:15Z on 28 February is 00:15 on
 * 1 March; a row outside China with an offset is refused. */
START_TEST(offsets)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-02-28T16:15:00Z,L,load,10\n"
                             "E1,2025-03-01T00:15:00+08:00,D,green_direct,4\n"
                             "E1,2025-02-28 17:15-0700,D2,green_direct,9\n"
                             "E1,2025-02-28 17:30-0700,D2,green_direct,0\n"
                             "E1,2025-03-01T00:30+08:00,D,green_direct,0\n"); /* 15 minutes apart: interval data */
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    const hourly_month *hm = hourly_matched_month(ae->hourly, period_ord(2025, 3));
    ck_assert_ptr_nonnull(hm);
    ck_assert(hm->load_h[0] == 10);
    ck_assert(hm->matched_h[0] == 4 && hourly_at(hm->block, SUPPLY_GREEN_DIRECT, 8) == 9); /* 17:15-07:00 = 08:15 in China */
    teardown();
    setup();
    feed(INGEST_ENTERPRISES, "enterprise_id,name,country\nE1,E one,DE\n");
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY,
                             "enterprise_id,period,meter_id,source,kwh\nE1,2025-03-01T00:15:00+01:00,L,load,1\n",
                             INGEST_LABEL_DETECT, 0),
                     CBAM_ERR_DATA);
    ck_assert(said("China's time"));
    /* One meter keeps one clock: 11:00-12:00 is no time with UTC-12:00. */
    teardown();
    setup();
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY,
                             "enterprise_id,period,meter_id,source,kwh\nE1,2025-03-01T10:00-11:00,L,load,1\n"
                             "E1,2025-03-01T11:00-12:00,L,load,1\n",
                             INGEST_LABEL_DETECT, 0),
                     CBAM_ERR_DATA);
    ck_assert(said("one clock for a meter"));
}
END_TEST

/* A month is matched only when its load side is hourly; otherwise the
 * monthly method stands and the month says why. */
START_TEST(not_matched)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-03,G,grid,1000\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_ptr_nonnull(ae->hourly);
    ck_assert_uint_eq(ae->hourly->nmatched, 0);
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[0].reason, "no load meter"));
    ck_assert(ae->kwh.source[SUPPLY_GREEN_DIRECT] == 50 && ae->kwh.consumption == 1050);
    ck_assert(!ae->months[0].hourly);
    ck_assert(said("not demonstrated"));
}
END_TEST

/* Daily values written at midnight are no hours: the load is not hourly. */
START_TEST(midnight_only)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 00:00,L,load,100\n"
                             "E1,2025-03-02 00:00,L,load,100\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_uint_eq(ae->hourly->nmatched, 0);
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[0].reason, "more than an hour apart"));
}
END_TEST

/* The interval is the rows' common step: 10-minute data are 10-minute data
 * (no gaps), rows two hours apart are not hourly at all. */
static char *every(int minutes, const char *src, int kwh)
{
    size_t cap = 65536, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    s[0] = '\0';
    for (int t = 0; t < 1440; t += minutes) {
        len += (size_t)snprintf(s + len, cap - len, "E1,2025-03-01 %02d:%02d,%s,%s,%d\n", t / 60, t % 60, src, src, kwh);
        ck_assert_uint_lt(len, cap);
    }
    return s;
}

START_TEST(interval_step)
{
    char *load = every(10, "load", 10), *pv = every(120, "onsite", 30);
    char *csv = malloc(strlen(load) + strlen(pv) + 64);
    ck_assert_ptr_nonnull(csv);
    snprintf(csv, strlen(load) + strlen(pv) + 64, "enterprise_id,period,meter_id,source,kwh\n%s%s", load, pv);
    feed(INGEST_ELECTRICITY, csv);
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_ptr_nonnull(ae->hourly);
    ck_assert_uint_eq(ae->hourly->nmatched, 0); /* the PV's rows are two hours apart: no green hours */
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[0].reason, "green sources' rows this month are more than an hour"));
    ck_assert(!said("lack")); /* a whole day of 10-minute rows, nothing missing */
    free(load);
    free(pv);
    free(csv);
}
END_TEST

/* With a load meter, a monthly trade statement and a monthly grid bill are
 * parts of the unmatched load; the bill is checked against what is left.
 * Every hour of March: load 100; the direct line 150 at 10:00, 20 at 11:00. */
static char *march(const char *extra)
{
    size_t cap = 200000, len = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    len += (size_t)snprintf(s, cap, "enterprise_id,period,meter_id,source,kwh\n%s", extra);
    for (int d = 1; d <= 31; d++)
        for (int h = 0; h < 24; h++) {
            len += (size_t)snprintf(s + len, cap - len, "E1,2025-03-%02d %02d:00,L,load,100\nE1,2025-03-%02d %02d:00,D,green_direct,%d\n",
                                    d, h, d, h, h == 10 ? 150 : h == 11 ? 20 : 0);
            ck_assert_uint_lt(len, cap);
        }
    return s;
}

START_TEST(monthly_parts)
{
    char *csv = march("E1,2025-03,T,green_trade,30000\nE1,2025-03,G,grid,60000\n");
    feed(INGEST_ELECTRICITY, csv);
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    /* matched 31 x (100 + 20) = 3,720; unmatched 74,400 - 3,720 = 70,680 = trade 30,000 + grid 40,680;
     * the bill says 60,000. */
    ck_assert(ae->kwh.source[SUPPLY_GREEN_DIRECT] == 3720);
    ck_assert(ae->kwh.source[SUPPLY_GREEN_TRADE] == 30000);
    ck_assert(ae->kwh.source[SUPPLY_GRID] == 40680);
    ck_assert(ae->kwh.consumption == 74400);
    ck_assert(ae->hourly->surplus_kwh[HOURLY_DIRECT] == 31 * 50);
    ck_assert(said("the grid meters give 60,000 kWh"));
    free(csv);
}
END_TEST

/* A load meter that lacks days the other meters cover, or reads 0, cannot
 * say what the grid gave: the month is not matched (monthly method). */
START_TEST(load_short_or_zero)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,L,load,100\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-03,G,grid,9000\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_uint_eq(ae->hourly->nmatched, 0);
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[0].reason, "no rows for days the other meters cover"));
    ck_assert(ae->kwh.source[SUPPLY_GRID] == 9000 && ae->kwh.consumption == 9050);
    teardown();
    setup();
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,L,load,0\n"
                             "E1,2025-03-01 11:00,L,load,0\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-03-01 11:00,G,grid,70\n");
    feed(INGEST_PRODUCTION, PROD);
    ae = run();
    ck_assert_uint_eq(ae->hourly->nmatched, 0);
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[0].reason, "reads 0 kWh"));
    ck_assert(ae->kwh.consumption == 120);
}
END_TEST

/* A month that is not matched still checks its load meter against the
 * supply meters: a missing feeder shows. */
START_TEST(load_checks_monthly)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03,L,总表,1000\n"
                             "E1,2025-03,G,grid,700\n"
                             "E1,2025-04,L,load,1000\n"
                             "E1,2025-04,G,grid,998\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_ptr_null(ae->hourly);
    ck_assert(ae->kwh.consumption == 1698); /* the load adds nothing by itself */
    ck_assert(said("2025-03: the load meter gives 1,000 kWh, the supply meters 700 kWh"));
    ck_assert(!said("2025-04: the load meter"));
}
END_TEST

/* A load meter exchanged mid-period (the old one stops, the new one starts)
 * leaves every month matched; a second feeder that stops does not. */
START_TEST(load_meter_exchange)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,OLD,load,100\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-04-01 10:00,NEW,load,100\n"
                             "E1,2025-04-01 10:00,D,green_direct,50\n");
    feed(INGEST_PRODUCTION, PROD);
    const alloc_enterprise *ae = run();
    ck_assert_uint_eq(ae->hourly->nmatched, 2);
    teardown();
    setup();
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\n"
                             "E1,2025-03-01 10:00,L1,load,100\n"
                             "E1,2025-03-01 10:00,L2,load,100\n"
                             "E1,2025-03-01 10:00,D,green_direct,50\n"
                             "E1,2025-04-01 10:00,L1,load,100\n"
                             "E1,2025-04-01 10:00,D,green_direct,50\n");
    feed(INGEST_PRODUCTION, PROD);
    ae = run();
    ck_assert_uint_eq(ae->hourly->nmatched, 1); /* April lacks L2 */
    ck_assert_ptr_nonnull(strstr(ae->hourly->months[1].reason, "no rows for days"));
}
END_TEST

START_TEST(submeters_exceed)
{
    feed(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh,product_id\n"
                             "E1,2025-03-01 10:00,L,load,100,\n"
                             "E1,2025-03-01 10:00,D,green_direct,150,P1\n");
    feed(INGEST_PRODUCTION, PROD);
    alloc_opts none = {0};
    ck_assert_int_eq(ingest_finish(l, &dl), CBAM_OK);
    ck_assert_int_eq(alloc_run(l, db, &none, &res, &dl), CBAM_ERR_DATA);
    ck_assert(said("sub-meters give 150 kWh of green_direct"));
}
END_TEST

/* The range check reads around a '-' in a period: one at the third byte
 * ("su-5o") must not read before the field (found by the fuzzer). */
START_TEST(period_dash_early)
{
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY, "enterprise_id,period,meter_id,source,kwh\nE1,su-5o0r021,M1,grid,1\n"
                             "E1,6:00-6:15,M1,grid,1\n", INGEST_LABEL_DETECT, 0),
                     CBAM_ERR_DATA);
    ck_assert(said("is a time range"));
}
END_TEST

START_TEST(load_with_product)
{
    ck_assert_int_eq(feed_ex(INGEST_ELECTRICITY,
                             "enterprise_id,period,meter_id,source,kwh,product_id\nE1,2025-03-01 10:00,L,总加,1,P1\n",
                             INGEST_LABEL_DETECT, 0),
                     CBAM_ERR_DATA);
    ck_assert(said("whole installation"));
}
END_TEST

Suite *suite_hourly(void)
{
    Suite *s = suite_create("hourly");
    TCase *tc = tcase_create("all");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, store);
    tcase_add_test(tc, order);
    tcase_add_test(tc, end_labels_every_chunk);
    tcase_add_test(tc, mixed_labels);
    tcase_add_test(tc, end_label_month_boundary);
    tcase_add_test(tc, offsets);
    tcase_add_test(tc, not_matched);
    tcase_add_test(tc, midnight_only);
    tcase_add_test(tc, monthly_parts);
    tcase_add_test(tc, interval_step);
    tcase_add_test(tc, load_short_or_zero);
    tcase_add_test(tc, load_checks_monthly);
    tcase_add_test(tc, load_meter_exchange);
    tcase_add_test(tc, submeters_exceed);
    tcase_add_test(tc, load_with_product);
    tcase_add_test(tc, period_dash_early);
    suite_add_tcase(s, tc);
    return s;
}
