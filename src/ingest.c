/* ingest.c - electricity, production and enterprise files -> ledger.
 *
 * Reads what utilities and park platforms export (meter-exports.md): headers
 * in Chinese or English with units in them, title rows above the header and
 * totals rows below the data, time-of-use tiers as columns or as rows, meter
 * readings instead of energy, billing periods across months, decimal commas in
 * ';' files and full-width digits. Whatever is read is said (notes); whatever
 * cannot be read is an error naming file, line, column and what was expected.
 */
#include "config.h"
#include "ingest.h"
#include "hourly.h"
#include "numfmt.h"
#include "parse.h"
#include "region.h"
#include "strmap.h"
#include "supply.h"
#include "utf8.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>

/* Repeated warnings of one kind are listed this often per file, then counted. */
#define REPEAT_LIMIT 10
#define CACHE_TEXT_MAX 64
#define SERIES_CACHE 4096 /* slots, a power of two */
#define ENT_CACHE    1024 /* slots, a power of two */
#define SOURCE_CACHE 8
/* The header is looked for in this many records from the top. */
#define HEADER_SEARCH 10

#define A(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const enterprise_aliases[] = {"enterprise", "企业",   "企业编号", "户号",     "用户编号",
                                                 "客户编号",   "用户号", "客户号",   "用电户号", "户号/用户编号",
                                                 NULL};
static const char *const period_aliases[] = {"month", "date", "timestamp", "月份", "期间", "日期", "抄表日期",
                                             "抄表月份", "结算月份", "统计月份", "年月", "时间", "账期",
                                             "电费年月", "结算年月", "电费月份", "账务年月", "抄表年月",
                                             "计费月份", "用电年月", "数据时间", "采集时间", NULL};
static const char *const unit_aliases[] = {"单位", "计量单位", NULL};

enum {
    E_ENTERPRISE, E_PERIOD, E_START, E_END, E_METER, E_SOURCE, E_KWH, E_ENERGY, E_UNIT, E_PRODUCT,
    E_FACTOR, E_TIER, E_T_CRIT, E_T_PEAK, E_T_FLAT, E_T_VALLEY, E_T_DEEP, E_REACTIVE, E_PREV, E_CURR,
    E_MULT, E__N
};
#define E_FIRST_TIER E_T_CRIT
#define E_LAST_TIER E_T_DEEP

static const columns_spec electricity_columns[E__N] = {
    [E_ENTERPRISE] = {"enterprise_id", false, enterprise_aliases},
    [E_PERIOD] = {"period", false, period_aliases},
    [E_START] = {"period_start", false, A("起始日期", "开始日期", "起始时间", "start")},
    [E_END] = {"period_end", false, A("截止日期", "结束日期", "截止时间", "end")},
    [E_METER] = {"meter_id", false, A("meter", "计量点", "计量点编号", "计量点号", "表号", "电表", "电表编号", "电能表编号",
                                     "表计编号")},
    [E_SOURCE] = {"source", false, A("电源", "来源", "类型", "电源类型")},
    [E_KWH] = {"kwh", false, NULL},
    [E_ENERGY] = {"energy", false,
                  A("电量", "用电量", "有功电量", "合计电量", "结算电量", "有功总", "总电量", "计费电量",
                    "抄见电量", "active energy")},
    [E_UNIT] = {"unit", false, unit_aliases},
    [E_PRODUCT] = {"product_id", false, A("product", "产品", "产品编号", "产品代码", "对应产品")},
    [E_FACTOR] = {"factor_id", false, A("factor", "因子编号")},
    [E_TIER] = {"tier", false, A("示数类型", "时段", "费率", "tou")},
    [E_T_CRIT] = {"critical_peak", false, A("尖峰", "尖", "尖峰电量", "critical peak")},
    [E_T_PEAK] = {"peak", false, A("峰", "高峰", "峰电量", "高峰电量")},
    [E_T_FLAT] = {"flat", false, A("平", "平段", "平电量", "平段电量", "shoulder")},
    [E_T_VALLEY] = {"valley", false, A("谷", "低谷", "谷电量", "低谷电量", "off-peak", "offpeak")},
    [E_T_DEEP] = {"deep_valley", false, A("深谷", "深谷电量", "deep valley")},
    [E_REACTIVE] = {"reactive", false, A("无功", "无功电量", "无功总", "reactive energy", "kvarh")},
    [E_PREV] = {"previous_reading", false, A("上次示数", "起码", "previous reading", "prev_reading")},
    [E_CURR] = {"current_reading", false, A("本次示数", "止码", "current reading", "curr_reading")},
    [E_MULT] = {"multiplier", false, A("倍率", "ct ratio")},
};

enum { P_ENTERPRISE, P_PERIOD, P_PRODUCT, P_NAME, P_CN, P_QUANTITY, P_UNIT, P__N };
static const columns_spec production_columns[P__N] = {
    [P_ENTERPRISE] = {"enterprise_id", true, enterprise_aliases},
    [P_PERIOD] = {"period", true, period_aliases},
    [P_PRODUCT] = {"product_id", true, A("product", "产品", "产品编号", "产品代码")},
    [P_NAME] = {"product_name", false, A("产品名称", "品名")},
    [P_CN] = {"cn_code", false, A("cn", "cn code", "CN编码", "海关编码", "商品编码", "hs code")},
    [P_QUANTITY] = {"quantity", true, A("产量", "数量", "production")},
    [P_UNIT] = {"unit", false, unit_aliases},
};

enum {
    N_ENTERPRISE,
    N_NAME,
    N_NAME_EN,
    N_COUNTRY,
    N_PROVINCE,
    N_ADDRESS,
    N_SITE, /* N_SITE + enum ledger_site: the site's columns, in that order */
    N__N = N_SITE + LEDGER_SITE__COUNT
};
static const columns_spec enterprise_columns[N__N] = {
    [N_ENTERPRISE] = {"enterprise_id", true, enterprise_aliases},
    [N_NAME] = {"name", true, A("企业名称", "名称", "单位名称", "户名", "用户名称", "客户名称")},
    [N_NAME_EN] = {"name_en", false, A("英文名称", "english name")},
    [N_COUNTRY] = {"country", false, A("国家", "国家代码")},
    [N_PROVINCE] = {"province", false, A("省份", "省", "省份/地区", "所在省份", "所在省", "地区", "所在地区", "省市")},
    [N_ADDRESS] = {"address", false, A("地址", "用电地址", "street")},
    [N_SITE + LEDGER_SITE_CITY] = {"city", false, A("城市", "所在城市")},
    [N_SITE + LEDGER_SITE_POSTCODE] = {"postcode", false, A("邮编", "邮政编码", "post code", "zip")},
    [N_SITE + LEDGER_SITE_UNLOCODE] = {"unlocode", false, A("UN/LOCODE", "locode", "UN LOCODE")},
    [N_SITE + LEDGER_SITE_LATITUDE] = {"latitude", false, A("纬度", "lat")},
    [N_SITE + LEDGER_SITE_LONGITUDE] = {"longitude", false, A("经度", "lon", "lng")},
    [N_SITE + LEDGER_SITE_ECONOMIC_ACTIVITY] = {"economic_activity", false, A("经济活动", "主营业务", "行业")},
    [N_SITE + LEDGER_SITE_REPRESENTATIVE] = {"representative", false, A("授权代表", "联系人", "representative name")},
    [N_SITE + LEDGER_SITE_EMAIL] = {"email", false, A("邮箱", "电子邮箱", "电子邮件", "e-mail")},
    [N_SITE + LEDGER_SITE_PHONE] = {"phone", false, A("电话", "联系电话", "telephone")},
};

/* Words that mark a totals row (合计 below the data): left out with a note. */
static const char *const totals_words[] = {"合计", "总计", "小计", "总合计", "Total", "Totals", "Sum", "Grand total", NULL};

/* Values of a tier column: the active total, a time-of-use tier, or reactive energy. */
static const struct {
    const char *name;
    int tier; /* 0: total, 1-5: tiers, -1: reactive */
} tier_values[] = {
    {"总", 0},      {"有功总", 0},   {"合计", 0},  {"total", 0},  {"active total", 0},
    {"尖峰", 1},    {"尖", 1},       {"critical peak", 1},
    {"峰", 2},      {"高峰", 2},     {"peak", 2},
    {"平", 3},      {"平段", 3},     {"flat", 3},  {"shoulder", 3},
    {"谷", 4},      {"低谷", 4},     {"valley", 4}, {"off-peak", 4},
    {"深谷", 5},    {"deep valley", 5},
    {"无功", -1},   {"无功总", -1},  {"reactive", -1},
};

enum repeat { R_EMPTY_VALUE, R_FACTOR_IGNORED, R_CERT_PRODUCT, R_TIER_MISMATCH, R_ROUNDED_ID, R__N };

struct ctx {
    ledger *l;
    const factors_db *db;
    const ingest_opts *o;
    diag_list *dl;
    enum ingest_kind kind;
    const char *name;
    int file;
    const columns_spec *spec;
    size_t nspec;
    columns_result cols;
    size_t header_fields;
    bool have_header;
    diag_list header_diags; /* what the first record lacked, while looking for the header */
    size_t records_before_header;
    size_t errors, rows, outside, other_enterprise, totals_rows, reactive_rows, split_rows;
    size_t repeats[R__N];
    enum cbam_err err;
    bool decimal_comma;

    double col_kwh[COLUMNS_MAX];   /* kWh per unit given in a column's header; 0 = none */
    bool readings_kwh_noted;

    /* Hot-path caches: consecutive rows usually share these. */
    ledger_enterprise *last_ent;
    struct {
        char text[CACHE_TEXT_MAX];
        size_t len;
        enum supply_source src;
    } sources[SOURCE_CACHE]; /* source texts already read (interleaved meters alternate them) */
    size_t nsources;
    char last_unit[CACHE_TEXT_MAX];
    size_t last_unit_len;
    double last_unit_kwh;
    bool last_unit_cert, have_last_unit;
    ledger_mark *last_mark;
    const ledger_enterprise *mark_ent;
    char mark_meter[CACHE_TEXT_MAX], mark_product[CACHE_TEXT_MAX];
    size_t mark_meter_len, mark_product_len;
    enum supply_source mark_src;
    int mark_ord;
    /* Series by ids: a park export interleaves hundreds of meters per
     * timestamp, where the one-entry cache above misses on every row. */
    ledger_series **series_cache; /* SERIES_CACHE slots, by a hash of the ids */
    /* The period and kWh of electricity rows are parsed on csvin's reader
     * thread (prepare_fields) once the header has said which columns they
     * are in: on a park export they were a fifth of the booking thread. */
    struct prep_spec {
        atomic_bool ready; /* the fields below are set (release/acquire) */
        int period_col, kwh_col; /* -1: none */
        bool decimal_comma;
    } prep;
    ledger_enterprise *ent_cache[ENT_CACHE];
    long cur_line; /* line of the row being read */
    const ledger_series *lookalike; /* set by series_mark when it refuses a series */
    bool dot_group_warned;          /* a '.' read as a thousands separator was said */

    /* While looking for the header: the record that names the most known
     * columns, what it lacks and what it holds (for the message). */
    size_t best_known;
    long best_line;
    char best_headers[600];
    char best_hint[300];
    char other_id[80]; /* the first id of another enterprise (--enterprise), for the message */
    char mangled_last[80]; /* the last id Excel changed: its repeats are counted, not listed */
    size_t mangled_repeats;

    /* Interval rows: which end of the interval this file's times name
     * (INGEST_LABEL_*), decided by --interval-label or by the first row at
     * 00:00 (start) or 24:00 (end). Until then, rows on the hour wait in
     * pending: 01:00 is hour 1 when labels are starts, hour 0 when ends. */
    enum ingest_label label;
    long label_line; /* the row that decided it (0: the option, or still open; -1: assumed) */
    struct pending_hour {
        ledger_enterprise *e;
        int ord;
        uint32_t hour; /* the hour that starts at the row's time */
        enum supply_source src;
        double kwh;
    } *pending;
    size_t npending, pending_cap;
    /* Rows at midnight in China but not as written (16:00Z) while the
     * labelling is open: as a start they are the 1st's, as an end the day
     * before's (maybe another month), so the whole row waits. */
    bool hold_row; /* set by local_time for the row being read */
    struct held_row {
        ledger_enterprise *e;
        char *meter, *product;
        size_t meter_len, product_len;
        enum supply_source src;
        parse_period p;
        double kwh;
        const factor *sf;
        long line;
    } *held;
    size_t nheld, held_cap;
};

/* Rows on the hour held while a file's labelling is open: a day's worth for
 * a park's meters; beyond it, start labels are assumed. */
#define PENDING_MAX 262144

const char *ingest_kind_name(enum ingest_kind kind)
{
    switch (kind) {
    case INGEST_ELECTRICITY: return "electricity";
    case INGEST_PRODUCTION: return "production";
    case INGEST_ENTERPRISES: return "enterprises";
    }
    return "?";
}

/* Reports a wrong field; returns nonzero (stop reading) past the error limit. */
__attribute__((format(printf, 4, 5))) static int row_error(struct ctx *c, const csvin_row *row, int col,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_addv(c->dl, DIAG_ERROR, c->name, row->line, col >= 0 ? col + 1 : 0, NULL, fmt, ap);
    va_end(ap);
    c->err = CBAM_ERR_DATA;
    if (++c->errors >= INGEST_MAX_ERRORS) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0, "%d errors in this file; stopped reading it",
                 INGEST_MAX_ERRORS);
        return 1;
    }
    return 0;
}

/* A warning that may repeat on every row: listed REPEAT_LIMIT times, then counted. */
__attribute__((format(printf, 5, 6))) static void row_warning(struct ctx *c, enum repeat kind,
                                                              const csvin_row *row, int col,
                                                              const char *fmt, ...)
{
    if (++c->repeats[kind] > REPEAT_LIMIT)
        return;
    va_list ap;
    va_start(ap, fmt);
    diag_addv(c->dl, DIAG_WARNING, c->name, row->line, col >= 0 ? col + 1 : 0, NULL, fmt, ap);
    va_end(ap);
}

static bool has(const struct ctx *c, int k) { return c->cols.idx[k] >= 0; }

static void rounded_warning(struct ctx *c, const csvin_row *row, int k, const char *s, size_t len)
{
    char q[200];
    row_warning(c, R_ROUNDED_ID, row, c->cols.idx[k],
                "%s \"%s\" has %zu digits and ends in zeros after the 15th: Excel keeps only 15 digits of a "
                "number, so if this file went through Excel the id's last digits are lost (format the column as "
                "Text and export again)",
                c->spec[k].name, diag_quote(q, sizeof q, s, len), len);
}

static inline const char *field(const struct ctx *c, const csvin_row *row, int k, size_t *len)
{
    const char *s = columns_field(row, c->cols.idx[k], len);
    parse_trim(&s, len);
    return s;
}

static const char *quoted(char *buf, size_t size, const char *s, size_t len)
{
    return diag_quote(buf, size, s, len);
}

/* Reads the period column k; returns false (after reporting) when it is wrong. */
/* "H:MM-H:MM", "HH:MM ~ HH:MM", "HH:MM–HH:MM" (en dash), "HH:MM～HH:MM" or
 * "HH:MM至HH:MM" somewhere: an interval written as a range. */
static bool is_time_range(const char *s, size_t len)
{
    static const char *const dashes[] = {"-", "~", "\xE2\x80\x93", "\xEF\xBD\x9E", "\xE8\x87\xB3"};
    for (size_t i = 3; i < len; i++) {
        if (s[i - 3] != ':' || s[i - 2] < '0' || s[i - 2] > '9' || s[i - 1] < '0' || s[i - 1] > '9')
            continue; /* "MM" of a time ends before i */
        size_t j = i;
        while (j < len && s[j] == ' ')
            j++;
        for (size_t d = 0; d < sizeof dashes / sizeof dashes[0]; d++) {
            size_t n = strlen(dashes[d]);
            if (len - j <= n || memcmp(s + j, dashes[d], n) != 0)
                continue;
            size_t k = j + n;
            while (k < len && s[k] == ' ')
                k++;
            if (k + 2 < len && s[k] >= '0' && s[k] <= '9' && (s[k + 1] == ':' || s[k + 2] == ':'))
                return true;
        }
    }
    return false;
}

/* What prepare_fields found in one record. */
struct prepared {
    parse_period period;
    double kwh;
    enum parse_status period_st, kwh_st;
    bool has_period, has_kwh; /* the record has the column */
};
_Static_assert(sizeof(struct prepared) <= CSVIN_PREP_MAX, "a prepared record fits csvin's room");

static void prepare_field(const char *text, const size_t *off, const size_t *len, int col, const char **s,
                          size_t *n)
{
    *s = text + off[col];
    *n = len[col];
    parse_trim(s, n); /* as field() */
}

/* csvin's prepare hook (reader thread): the same calls read_period and
 * read_number make, on the same text, ahead of them. */
static bool prepare_fields(void *vspec, const char *text, const size_t *off, const size_t *len, size_t nfields,
                           void *out)
{
    const struct prep_spec *ps = vspec;
    if (!atomic_load_explicit(&ps->ready, memory_order_acquire))
        return false;
    struct prepared *pr = out;
    const char *s;
    size_t n;
    pr->has_period = ps->period_col >= 0 && (size_t)ps->period_col < nfields;
    if (pr->has_period) {
        prepare_field(text, off, len, ps->period_col, &s, &n);
        pr->period = (parse_period){0};
        pr->period_st = parse_period_text(s, n, &pr->period);
    }
    pr->has_kwh = ps->kwh_col >= 0 && (size_t)ps->kwh_col < nfields;
    if (pr->has_kwh) {
        prepare_field(text, off, len, ps->kwh_col, &s, &n);
        pr->kwh_st = parse_number_ex(s, n, ps->decimal_comma, &pr->kwh);
    }
    return true;
}

/* Says which columns prepare_fields reads, once the header is known. */
static void publish_prep(struct ctx *c)
{
    if (c->kind != INGEST_ELECTRICITY)
        return;
    int total_k = has(c, E_KWH) ? E_KWH : has(c, E_ENERGY) ? E_ENERGY : -1;
    c->prep.period_col = has(c, E_PERIOD) ? c->cols.idx[E_PERIOD] : -1;
    c->prep.kwh_col = total_k >= 0 ? c->cols.idx[total_k] : -1;
    c->prep.decimal_comma = c->decimal_comma;
    atomic_store_explicit(&c->prep.ready, true, memory_order_release);
}

static bool read_period(struct ctx *c, const csvin_row *row, int k, parse_period *p, int *stop)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    char q[200];
    const struct prepared *pr = row->prep;
    enum parse_status st;
    if (pr != NULL && pr->has_period && c->cols.idx[k] == c->prep.period_col) {
        st = pr->period_st;
        *p = pr->period;
    } else {
        st = parse_period_text(s, len, p);
    }
    if (st != PARSE_OK && st != PARSE_EMPTY && is_time_range(s, len)) {
        *stop = row_error(c, row, c->cols.idx[k],
                          "%s \"%s\" is a time range; expected one time per row: the interval's start "
                          "(2025-03-01 06:00) or its end with --interval-label end",
                          c->spec[k].name, quoted(q, sizeof q, s, len));
        return false;
    }
    switch (st) {
    case PARSE_OK: return true;
    case PARSE_EMPTY:
        *stop = row_error(c, row, c->cols.idx[k], "%s is empty; expected a month such as 2025-03",
                          c->spec[k].name);
        return false;
    case PARSE_RANGE:
        *stop = row_error(c, row, c->cols.idx[k],
                          "%s \"%s\" is out of range; expected a real date (month 1-12, a day of that month, "
                          "year %d-%d)",
                          c->spec[k].name, quoted(q, sizeof q, s, len), PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
        return false;
    default:
        *stop = row_error(c, row, c->cols.idx[k],
                          "%s \"%s\" is not a period; expected YYYY-MM such as 2025-03 (or a date such as "
                          "2025-03-01)",
                          c->spec[k].name, quoted(q, sizeof q, s, len));
        return false;
    }
}

/* A number in column k. *empty is set (nothing reported) for an empty cell. */
static bool read_number(struct ctx *c, const csvin_row *row, int k, double *v, bool *empty, int *stop)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    const char *col = c->spec[k].name;
    char q[200];
    *empty = false;
    const struct prepared *pr = row->prep;
    enum parse_status st;
    if (pr != NULL && pr->has_kwh && c->cols.idx[k] == c->prep.kwh_col) {
        st = pr->kwh_st;
        if (st == PARSE_OK)
            *v = pr->kwh;
    } else {
        st = parse_number_ex(s, len, c->decimal_comma, v);
    }
    switch (st) {
    case PARSE_OK:
        if (c->decimal_comma && !c->dot_group_warned && memchr(s, '.', len) != NULL && memchr(s, ',', len) == NULL) {
            /* 122.500 in a ';' file is 122500; from a tool that writes decimal
             * points with ';' it would be 122.5: 1000x, so it is said. */
            char n[64];
            c->dot_group_warned = true;
            diag_add(c->dl, DIAG_WARNING, c->name, row->line, c->cols.idx[k] + 1,
                     "%s \"%s\" is read as %s: a ';'-separated file has decimal commas and '.' between "
                     "thousands; if its dots are decimal points, save it with ',' separators",
                     col, quoted(q, sizeof q, s, len), numfmt_human(n, sizeof n, *v));
        }
        return true;
    case PARSE_EMPTY: *empty = true; return false;
    case PARSE_RANGE:
        *stop = row_error(c, row, c->cols.idx[k], "%s \"%s\" is out of range; expected a finite number", col,
                          quoted(q, sizeof q, s, len));
        return false;
    default:
        *stop = row_error(c, row, c->cols.idx[k],
                          "%s \"%s\" is not a number; expected digits with an optional decimal %s, such as %s",
                          col, quoted(q, sizeof q, s, len), c->decimal_comma ? "comma" : "point",
                          c->decimal_comma ? "1.234,5" : "1234.5");
        return false;
    }
}

/* A non-negative amount in column k; an empty cell is warned about and left out. */
static bool read_amount(struct ctx *c, const csvin_row *row, int k, double *v, bool *skip, int *stop)
{
    bool empty;
    *skip = false;
    if (!read_number(c, row, k, v, &empty, stop)) {
        if (empty) {
            row_warning(c, R_EMPTY_VALUE, row, c->cols.idx[k],
                        "%s is empty: the row is left out (an empty cell is not read as zero; write 0 if "
                        "nothing was measured)",
                        c->spec[k].name);
            *skip = true;
        }
        return false;
    }
    if (*v < 0) {
        size_t len;
        const char *s = field(c, row, k, &len);
        char q[200];
        *stop = row_error(c, row, c->cols.idx[k],
                          "%s \"%s\" is negative; expected an amount of at least 0 (net refunds into the "
                          "period's row)",
                          c->spec[k].name, quoted(q, sizeof q, s, len));
        return false;
    }
    return true;
}

static bool ragged(struct ctx *c, const csvin_row *row, int *stop)
{
    if (row->nfields == c->header_fields)
        return false;
    *stop = row_error(c, row, -1, "%zu fields, but the header has %zu; expected one field per column",
                      row->nfields, c->header_fields);
    return true;
}

static bool is_totals_word(const char *s, size_t len)
{
    for (const char *const *w = totals_words; *w; w++)
        if (parse_eq_ci(s, len, *w))
            return true;
    return false;
}

/* Whether column k of the row is empty or a totals word (or absent). */
static bool empty_or_totals(const struct ctx *c, const csvin_row *row, int k)
{
    if (k < 0 || !has(c, k))
        return true;
    size_t len;
    const char *s = field(c, row, k, &len);
    return len == 0 || is_totals_word(s, len);
}

/* A totals row ("合计" in one of its first fields, and neither an enterprise
 * nor a period: those make it data, so a meter called Total is never
 * dropped): left out, counted. */
static bool totals_row(struct ctx *c, const csvin_row *row, int ent_k, int period_k)
{
    for (size_t f = 0; f < row->nfields && f < 3; f++) {
        const char *s = row->field[f];
        size_t len = row->len[f];
        parse_trim(&s, &len);
        /* Every word starts with 合, 总, 小 (bytes E5/E6) or T, S, G: most
         * fields are out at the first byte; this runs on every row. */
        unsigned char b = len > 0 ? (unsigned char)(s[0] | 0x20) : 0;
        if (b != 0xE5 && b != 0xE6 && b != 't' && b != 's' && b != 'g')
            continue;
        if (is_totals_word(s, len)) {
            if (!empty_or_totals(c, row, ent_k) || !empty_or_totals(c, row, period_k))
                return false;
            c->totals_rows++;
            return true;
        }
    }
    return false;
}

/* The same for an id already read (s, len): a row that waited (flush_held). */
static int id_text_lookalike_error(struct ctx *c, const csvin_row *row, int k, const char *what, const char *s,
                                   size_t len, const char *other)
{
    char q[200], q2[200];
    return row_error(c, row, c->cols.idx[k],
                     "%s \"%s\" differs from %s \"%s\" only in letter case, full-width characters or leading "
                     "zeros; expected one spelling of each id in every file",
                     c->spec[k].name, quoted(q2, sizeof q2, s, len), what, quoted(q, sizeof q, other, strlen(other)));
}

static int id_lookalike_error(struct ctx *c, const csvin_row *row, int k, const char *what, const char *other)
{
    size_t len;
    const char *s = field(c, row, k, &len);
    if (!has(c, k))
        s = "", len = 0;
    return id_text_lookalike_error(c, row, k, what, s, len, other);
}

/* What Excel did to an id that was a long digit string, or NULL: 1.42E+15
 * (scientific notation, the digits past 15 lost) or 1420000300018845.0. */
static const char *excel_mangled(const char *s, size_t len)
{
    if (len < 2 || s[0] < '0' || s[0] > '9')
        return NULL;
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i < len && (s[i] == '.' || s[i] == ',')) { /* ',' where Excel writes decimal commas */
        size_t frac = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == len) {
            for (size_t k = frac; k < len; k++)
                if (s[k] != '0')
                    return NULL;
            return len > frac ? "ends in .0 (Excel saved it as a number)" : NULL;
        }
    }
    if (i < len && (s[i] == 'E' || s[i] == 'e')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == len && i > exp)
            return "is in scientific notation (Excel turned a long number into this, and the digits past the "
                   "15th are lost)";
    }
    return NULL;
}

/* An id of more than 15 digits whose digits past the 15th are all 0: what
 * Excel leaves of a long number (it keeps 15 significant digits). Real ids
 * can end so, hence a warning, not an error. */
static bool excel_rounded(const char *s, size_t len)
{
    if (len < 16 || s[len - 1] != '0')
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9' || (i >= 15 && s[i] != '0'))
            return false;
    return true;
}

static void rounded_warning(struct ctx *c, const csvin_row *row, int k, const char *s, size_t len);

static int mangled_error(struct ctx *c, const csvin_row *row, int k, const char *s, size_t len, const char *what)
{
    char q[200];
    if (len < sizeof c->mangled_last && strlen(c->mangled_last) == len && memcmp(c->mangled_last, s, len) == 0) {
        c->err = CBAM_ERR_DATA; /* the same id again: one message for all its rows */
        c->mangled_repeats++;
        return 0;
    }
    if (len < sizeof c->mangled_last) {
        memcpy(c->mangled_last, s, len);
        c->mangled_last[len] = '\0';
    }
    return row_error(c, row, c->cols.idx[k],
                     "%s \"%s\" %s; expected the id as text: in Excel format the column as Text (or open the "
                     "original export) and save again",
                     c->spec[k].name, quoted(q, sizeof q, s, len), what);
}

/* memcmp() == 0 for the short ids the caches below compare on every row,
 * without a call. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (; n > 0; a++, b++, n--)
        if (*a != *b)
            return false;
    return true;
}


/* The enterprise of a row, or NULL when the row is for another enterprise
 * (--enterprise) or the id is empty (reported). */
static ledger_enterprise *row_enterprise(struct ctx *c, const csvin_row *row, int k, int *stop)
{
    size_t len;
    const char *s;
    if (!has(c, k)) { /* a file without an enterprise column: the one --enterprise names */
        if (c->last_ent == NULL)
            c->last_ent = ledger_enterprise_get(c->l, c->o->only_enterprise, strlen(c->o->only_enterprise), true);
        return c->last_ent;
    }
    s = field(c, row, k, &len);
    if (len == 0) {
        *stop = row_error(c, row, c->cols.idx[k], "enterprise_id is empty; expected the enterprise's id");
        return NULL;
    }
    if (c->last_ent != NULL && c->last_ent->id_len == len && same_bytes(c->last_ent->id, s, len))
        return c->last_ent;
    /* Ids this file has already given, which passed the checks below. */
    ledger_enterprise **slot = &c->ent_cache[strmap_hash(0, s, len) & (ENT_CACHE - 1)];
    if (*slot != NULL && (*slot)->id_len == len && same_bytes((*slot)->id, s, len))
        return c->last_ent = *slot;
    if (c->o->only_enterprise != NULL &&
        !(strlen(c->o->only_enterprise) == len && memcmp(c->o->only_enterprise, s, len) == 0)) {
        if (c->other_enterprise++ == 0) {
            size_t n = utf8_cut(s, len, sizeof c->other_id - 1);
            memcpy(c->other_id, s, n);
            c->other_id[n] = '\0';
        }
        return NULL;
    }
    const char *mangled = excel_mangled(s, len);
    if (mangled != NULL) {
        *stop = mangled_error(c, row, k, s, len, mangled);
        return NULL;
    }
    if (ledger_enterprise_get(c->l, s, len, false) == NULL) {
        if (excel_rounded(s, len))
            rounded_warning(c, row, k, s, len);
        const ledger_enterprise *other = ledger_enterprise_lookalike(c->l, s, len);
        if (other != NULL) {
            *stop = id_lookalike_error(c, row, k, "enterprise", other->id);
            return NULL;
        }
    }
    c->last_ent = *slot = ledger_enterprise_get(c->l, s, len, true);
    return c->last_ent;
}

/* Excel's limit for a cell is 32,767 characters (UTF-16 units): longer text
 * is a data error here rather than a workbook that cannot be written. */
#define CELL_TEXT_MAX 32767
static bool text_fits(struct ctx *c, const csvin_row *row, int *stop)
{
    for (size_t f = 0; f < row->nfields; f++) {
        if (row->len[f] <= CELL_TEXT_MAX)
            continue;
        size_t units = 0;
        for (size_t i = 0; i < row->len[f]; i++) {
            unsigned char b = (unsigned char)row->field[f][i];
            units += (b & 0xC0) != 0x80;
            units += b >= 0xF0; /* outside the BMP: two UTF-16 units */
        }
        if (units > CELL_TEXT_MAX) {
            *stop = row_error(c, row, (int)f,
                              "a field of %zu characters; expected at most 32,767 (the most an Excel cell holds)",
                              units);
            return false;
        }
    }
    return true;
}

static bool in_range(const struct ctx *c, int ord)
{
    return !((c->o->from_ord && ord < c->o->from_ord) || (c->o->to_ord && ord > c->o->to_ord));
}

/* An end-labelled time: the interval ends at the time written, so its day,
 * month and hour are those of the second before; the stamp stays the label
 * (duplicate slots are kept by label). */
static void read_as_end(parse_period *p)
{
    int64_t label = p->stamp;
    period_move(p, label - 1);
    p->stamp = label;
}

/* Books the rows on the hour that waited for the file's labelling. */
static void flush_pending(struct ctx *c)
{
    bool end = c->label == INGEST_LABEL_END;
    for (size_t i = 0; i < c->npending; i++) {
        /* Never a midnight (that decides the labelling, or is refused
         * before), so an end-labelled row's hour is the one before, same day. */
        const struct pending_hour *ph = &c->pending[i];
        hourly_book(&ph->e->hourly, ph->ord, ph->hour - (end ? 1 : 0), ph->src, ph->kwh);
    }
    c->npending = 0;
}

static void flush_held(struct ctx *c);

/* Sets the file's labelling (detected at this row). */
static void decide_label(struct ctx *c, enum ingest_label label, long line)
{
    c->label = label;
    c->label_line = line;
    flush_pending(c);
    flush_held(c);
}

/* The file's labelling, read from a row's time as written (eod: 24:00;
 * midnight: 00:00): decided by the first 00:00 or 24:00, and a row that
 * contradicts it is an error. */
static bool label_row(struct ctx *c, const csvin_row *row, int k, bool eod, bool midnight, int *stop)
{
    if (eod && c->label != INGEST_LABEL_END) {
        if (c->label == INGEST_LABEL_START) {
            if (c->label_line < 0)
                *stop = row_error(c, row, c->cols.idx[k],
                                  "24:00 names the end of an interval, but %d rows on the hour came before any "
                                  "00:00 or 24:00 and were read as interval starts; say which end the times name "
                                  "with --interval-label start|end (a batch manifest: its interval_label column)",
                                  PENDING_MAX);
            else if (c->label_line == 0)
                *stop = row_error(c, row, c->cols.idx[k],
                                  "24:00 names the end of an interval, but --interval-label start was given; "
                                  "expected times 00:00..23:45 (or --interval-label end)");
            else
                *stop = row_error(c, row, c->cols.idx[k],
                                  "24:00 names the end of an interval, but line %ld names a start (00:00): "
                                  "the file labels intervals both ways; say which with --interval-label "
                                  "start|end (a batch manifest: its interval_label column)",
                                  c->label_line);
            return false;
        }
        decide_label(c, INGEST_LABEL_END, row->line);
    } else if (midnight && c->label == INGEST_LABEL_DETECT) {
        decide_label(c, INGEST_LABEL_START, row->line);
    } else if (midnight && c->label == INGEST_LABEL_END && c->label_line != 0) {
        *stop = row_error(c, row, c->cols.idx[k],
                          "00:00 names the start of an interval, but line %ld names an end (24:00): the file "
                          "labels intervals both ways; say which with --interval-label start|end (a batch "
                          "manifest: its interval_label column)",
                          c->label_line);
        return false;
    }
    return true;
}

/* A row of another enterprise (--enterprise) still tells how the file
 * labels its intervals, and may contradict it: the file's times mean one
 * thing for every row, whichever enterprise the run reports. */
static void peek_label(struct ctx *c, const csvin_row *row, int k, int *stop)
{
    if (c->kind != INGEST_ELECTRICITY)
        return;
    size_t len;
    const char *s = field(c, row, k, &len);
    parse_period p;
    if (parse_period_text(s, len, &p) != PARSE_OK || p.granularity != PERIOD_TIME)
        return;
    label_row(c, row, k, p.end_of_day, !p.end_of_day && p.stamp % 86400 == 0, stop);
}

/* A time of day: converted to China's local time when written with an
 * offset, and read by the start of its interval. False (an error) when the
 * file names intervals both ways or an offset is on a row outside China. */
static bool local_time(struct ctx *c, const csvin_row *row, int k, const ledger_enterprise *e, parse_period *p,
                       int *stop)
{
    /* The labelling is the file's, read from the times as written. */
    bool eod = p->end_of_day, midnight = !eod && p->stamp % 86400 == 0;
    if (p->has_offset) {
        if (strcmp(e->country, "CN") != 0) {
            *stop = row_error(c, row, c->cols.idx[k],
                              "%s has a UTC offset, but enterprise %s is in %s: cbamcalc knows China's time "
                              "(UTC+8) only; expected local times without an offset",
                              c->spec[k].name, e->id, e->country);
            return false;
        }
        /* China Standard Time: UTC+8 all year, no daylight saving. */
        period_move(p, p->stamp - p->offset_s + 8 * 3600);
    }
    if (c->kind != INGEST_ELECTRICITY)
        return true;
    if (!label_row(c, row, k, eod, midnight, stop))
        return false;
    if (c->label == INGEST_LABEL_DETECT && p->stamp % 86400 == 0) {
        /* Midnight in China but not as written (16:00Z): as a start it is the
         * day's first interval, as an end the last of the day before, maybe
         * of another month; the file has not said which yet: the row waits. */
        if (has(c, E_TIER)) {
            *stop = row_error(c, row, c->cols.idx[k],
                              "%s is midnight in China, and the file has not yet shown whether its times name the "
                              "start or the end of an interval (a row at 00:00 or 24:00 as written); say which "
                              "with --interval-label start|end",
                              c->spec[k].name);
            return false;
        }
        c->hold_row = true;
    }
    if (c->label == INGEST_LABEL_END)
        read_as_end(p);
    return true;
}

/* What every dated row starts with: one field per column, not a totals row,
 * the enterprise and the period inside the reporting period. False when the
 * row ends here; *ret is then what the row callback returns. */
static bool row_start(struct ctx *c, const csvin_row *row, int ent_k, int period_k, ledger_enterprise **e,
                      parse_period *p, int *ord, int *ret)
{
    *ret = 0;
    if (totals_row(c, row, ent_k, period_k) || ragged(c, row, ret))
        return false;
    if (!text_fits(c, row, ret))
        return false;
    *e = row_enterprise(c, row, ent_k, ret);
    if (*e == NULL) {
        if (*ret == 0 && period_k >= 0)
            peek_label(c, row, period_k, ret);
        return false;
    }
    if (period_k < 0) {
        *ord = 0;
        return true;
    }
    if (!read_period(c, row, period_k, p, ret))
        return false;
    c->hold_row = false;
    if (p->granularity == PERIOD_TIME && !local_time(c, row, period_k, *e, p, ret))
        return false;
    *ord = period_ord(p->year, p->month);
    if (!c->hold_row && !in_range(c, *ord)) { /* a held row's month is known when it is booked */
        c->outside++;
        return false;
    }
    return true;
}

/* kWh in one unit of the row's unit column (cached). */
static bool row_unit(struct ctx *c, const csvin_row *row, double *mult, bool *cert, int *stop)
{
    size_t len;
    const char *s = field(c, row, E_UNIT, &len);
    char q[200];
    if (c->have_last_unit && len == c->last_unit_len && memcmp(s, c->last_unit, len) == 0) {
        *mult = c->last_unit_kwh;
        *cert = c->last_unit_cert;
        return true;
    }
    switch (parse_energy_unit(s, len, mult, cert)) {
    case PARSE_OK:
        if (len < CACHE_TEXT_MAX) {
            memcpy(c->last_unit, s, len);
            c->last_unit_len = len;
            c->last_unit_kwh = *mult;
            c->last_unit_cert = *cert;
            c->have_last_unit = true;
        }
        return true;
    case PARSE_EMPTY:
        *stop = row_error(c, row, c->cols.idx[E_UNIT], "unit is empty; expected kWh, MWh, 万kWh ...");
        return false;
    case PARSE_NOT_ENERGY:
        *stop = row_error(c, row, c->cols.idx[E_UNIT],
                          "unit \"%s\" is power, not energy; expected an energy unit such as kWh or MWh",
                          quoted(q, sizeof q, s, len));
        return false;
    default:
        *stop = row_error(c, row, c->cols.idx[E_UNIT],
                          "unit \"%s\" is unknown; expected kWh, 度, MWh, GWh, 万kWh or 亿kWh",
                          quoted(q, sizeof q, s, len));
        return false;
    }
}

/* kWh per unit of an energy column: its header's unit, else the unit column,
 * else kWh for the kwh column and for meter readings. */
static bool column_kwh(struct ctx *c, const csvin_row *row, int k, enum supply_source src, double *mult, int *stop)
{
    bool cert = false;
    if (c->col_kwh[k] > 0) {
        *mult = c->col_kwh[k];
        /* A unit column beside a column whose unit is fixed (kwh, or a unit in
         * its header) must agree with it: which one is right is not ours to guess. */
        size_t len;
        const char *s = field(c, row, E_UNIT, &len);
        if (has(c, E_UNIT) && len > 0) {
            double m2;
            if (!row_unit(c, row, &m2, &cert, stop))
                return false;
            if (fabs(m2 - *mult) > 1e-12 * *mult) {
                char q[200];
                *stop = row_error(c, row, c->cols.idx[E_UNIT],
                                  "unit \"%s\" differs from the unit of column '%s' (%s); expected one unit: drop "
                                  "the unit column, or name the energy column 'energy' without a unit in its "
                                  "header",
                                  quoted(q, sizeof q, s, len), c->spec[k].name,
                                  c->cols.unit[k][0] ? c->cols.unit[k] : "kWh, by its name");
                return false;
            }
        }
        return true;
    }
    if (has(c, E_UNIT)) {
        if (!row_unit(c, row, mult, &cert, stop))
            return false;
    } else {
        *mult = 1.0; /* the kwh column, or readings (said in a note at the header) */
    }
    if (cert && src != SUPPLY_CERTIFICATE) {
        size_t len;
        const char *s = field(c, row, E_UNIT, &len);
        char q[200];
        *stop = row_error(c, row, c->cols.idx[E_UNIT],
                          "unit \"%s\" counts certificates, but the source is %s; expected an energy unit",
                          quoted(q, sizeof q, s, len), supply_name(src));
        return false;
    }
    return true;
}

/* The row's energy in kWh: the total (kwh or energy), else the sum of the
 * time-of-use columns, else meter readings. *skip for an empty row (warned). */
static bool row_energy(struct ctx *c, const csvin_row *row, enum supply_source src, double *kwh, bool *skip,
                       int *stop)
{
    int total_k = has(c, E_KWH) ? E_KWH : has(c, E_ENERGY) ? E_ENERGY : -1;
    double v, mult;
    char q[64];
    bool empty = true;
    *skip = false;
    if (total_k >= 0 && !read_number(c, row, total_k, &v, &empty, stop) && !empty)
        return false;
    bool have_total = total_k >= 0 && !empty;
    if (have_total && !column_kwh(c, row, total_k, src, &mult, stop))
        return false;
    double total = have_total ? v * mult : 0;

    double tiers = 0;
    bool have_tiers = false;
    for (int k = E_FIRST_TIER; k <= E_LAST_TIER; k++) {
        if (!has(c, k))
            continue;
        if (!read_number(c, row, k, &v, &empty, stop)) {
            if (empty)
                continue;
            return false;
        }
        if (!column_kwh(c, row, k, src, &mult, stop))
            return false;
        tiers += v * mult;
        have_tiers = true;
    }

    if (!have_total && !have_tiers && has(c, E_PREV) && has(c, E_CURR)) {
        double prev, curr, m = 1;
        bool e1, e2;
        if (!read_number(c, row, E_PREV, &prev, &e1, stop) && !e1)
            return false;
        if (!read_number(c, row, E_CURR, &curr, &e2, stop) && !e2)
            return false;
        if (!e1 && !e2) {
            if (has(c, E_MULT)) {
                bool em;
                if (!read_number(c, row, E_MULT, &m, &em, stop) && !em)
                    return false;
                if (em || !(m > 0)) {
                    *stop = row_error(c, row, c->cols.idx[E_MULT], "multiplier is %s; expected a number above 0",
                                      em ? "empty" : "not above 0");
                    return false;
                }
            }
            if (curr < prev) {
                char a[64], b[64];
                *stop = row_error(c, row, c->cols.idx[E_CURR],
                                  "current reading %s is below the previous %s; a meter rollover or "
                                  "replacement must be stated: give the energy instead",
                                  numfmt_human(a, sizeof a, curr), numfmt_human(b, sizeof b, prev));
                return false;
            }
            if (!column_kwh(c, row, E_CURR, src, &mult, stop))
                return false;
            *kwh = (curr - prev) * m * mult;
            return true;
        }
    }
    if (!have_total && !have_tiers) {
        int k = total_k >= 0 ? total_k : has(c, E_CURR) ? E_CURR : E_FIRST_TIER;
        for (int t = E_FIRST_TIER; total_k < 0 && t <= E_LAST_TIER; t++)
            if (has(c, t)) {
                k = t;
                break;
            }
        row_warning(c, R_EMPTY_VALUE, row, c->cols.idx[k],
                    "%s is empty: the row is left out (an empty cell is not read as zero; write 0 if nothing "
                    "was measured)",
                    c->spec[k].name);
        *skip = true;
        return false;
    }
    if (have_total && have_tiers && total == 0 && tiers > 0) {
        *stop = row_error(c, row, c->cols.idx[total_k],
                          "the total is 0 kWh but the time-of-use tiers add up to %s kWh; expected the total of "
                          "the tiers (or 0 in every tier)",
                          numfmt_human(q, sizeof q, tiers));
        return false;
    }
    if (have_total && have_tiers && total > 0 && fabs(tiers - total) > 0.005 * total)
    {
        char a[64], b[64];
        row_warning(c, R_TIER_MISMATCH, row, c->cols.idx[total_k],
                    "the time-of-use tiers add up to %s kWh, the total is %s kWh (%.1f %% apart); the "
                    "total is used",
                    numfmt_human(a, sizeof a, tiers), numfmt_human(b, sizeof b, total),
                    100.0 * fabs(tiers - total) / total);
    }
    *kwh = have_total ? total : tiers;
    if (!(*kwh >= 0)) {
        *stop = row_error(c, row, c->cols.idx[total_k >= 0 ? total_k : E_FIRST_TIER],
                          "energy %s kWh is negative; expected an amount of at least 0 (net a refund into "
                          "that meter's month)",
                          numfmt_human(q, sizeof q, *kwh));
        return false;
    }
    if (!isfinite(*kwh) || *kwh > INGEST_KWH_MAX) {
        *stop = row_error(c, row, c->cols.idx[total_k >= 0 ? total_k : E_FIRST_TIER],
                          "energy is out of range once converted to kWh; expected at most %g kWh in one row "
                          "(more than the world uses in a year: check the unit)",
                          INGEST_KWH_MAX);
        return false;
    }
    return true;
}

/* Which tier a tier-column value names: 0 total, 1-5 tiers, -1 reactive, -2 unknown. */
static int tier_of(const char *s, size_t len)
{
    for (size_t k = 0; k < sizeof tier_values / sizeof tier_values[0]; k++)
        if (parse_eq_ci(s, len, tier_values[k].name))
            return tier_values[k].tier;
    return -2;
}

/* The two cache slots where the series with these ids would be: each holds
 * it, another series (the caller checks with series_is) or NULL. Series
 * never move or go while files are read; the file key is the same for every
 * row of a file. */
static ledger_series **series_slot(struct ctx *c, const ledger_enterprise *e, const char *meter, size_t meter_len,
                                   const char *product, size_t product_len, enum supply_source src)
{
    if (c->series_cache == NULL)
        c->series_cache = xcalloc(SERIES_CACHE, sizeof *c->series_cache);
    uint64_t h = strmap_hash((uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ULL ^ (uint64_t)src, meter, meter_len);
    if (product_len > 0)
        h = strmap_hash(h, product, product_len);
    return &c->series_cache[h & (SERIES_CACHE - 2)];
}

static bool series_is(const ledger_series *s, const ledger_enterprise *e, const char *meter, size_t meter_len,
                      const char *product, size_t product_len, enum supply_source src)
{
    return s != NULL && s->enterprise == e && s->source == src && s->meter_len == meter_len &&
           s->product_len == product_len && same_bytes(s->meter, meter, meter_len) &&
           same_bytes(s->product, product, product_len);
}

/* The mark of the row's meter series in month ord; consecutive rows of one
 * series (interval data) reuse the last one. */
static ledger_mark *series_mark(struct ctx *c, ledger_enterprise *e, const char *meter, size_t meter_len,
                                const char *product, size_t product_len, enum supply_source src, int ord,
                                ledger_series **series)
{
    if (series == NULL && c->last_mark != NULL && c->mark_ent == e && c->mark_src == src &&
        c->mark_ord == ord && c->mark_meter_len == meter_len && same_bytes(c->mark_meter, meter, meter_len) &&
        c->mark_product_len == product_len && same_bytes(c->mark_product, product, product_len))
        return c->last_mark;
    ledger_series **pair = series_slot(c, e, meter, meter_len, product, product_len, src), *s;
    if (series_is(pair[0], e, meter, meter_len, product, product_len, src)) {
        s = pair[0];
    } else if (series_is(pair[1], e, meter, meter_len, product, product_len, src)) {
        s = pair[1];
    } else {
        /* A file without a meter column (a statement, an inverter export) is
         * its own series: two such files for one month are not duplicates. */
        ledger_series_key key = {e, meter, product, meter_len, product_len, src,
                                 has(c, E_METER) ? -1 : c->file, c->file, c->cur_line};
        s = ledger_series_of(c->l, &key);
        pair[1] = pair[0];
        pair[0] = s;
    }
    if (s->lookalike != NULL) { /* M1 and m1, or Ｍ１: one meter written two ways */
        c->lookalike = s;
        return NULL;
    }
    ledger_mark *mark = ledger_series_month(s, ord);
    if (series != NULL)
        *series = s;
    c->last_mark = NULL;
    if (meter_len < CACHE_TEXT_MAX && product_len < CACHE_TEXT_MAX) {
        c->last_mark = mark;
        c->mark_ent = e;
        c->mark_src = src;
        c->mark_ord = ord;
        memcpy(c->mark_meter, meter, meter_len);
        c->mark_meter_len = meter_len;
        memcpy(c->mark_product, product, product_len);
        c->mark_product_len = product_len;
    }
    return mark;
}

/* One id written two ways (M1 and m1, E1 and Ｅ1): the rows would be counted
 * as two meters (or enterprises, or products), and a month given twice would
 * not be caught. */
static int lookalike_error(struct ctx *c, const csvin_row *row)
{
    const ledger_series *s = c->lookalike;
    char q[200];
    char q2[200];
    return row_error(c, row, c->cols.idx[E_METER],
                     "meter_id \"%s\" differs from meter \"%s\" (%s:%ld) only in letter case, full-width "
                     "characters or leading zeros; expected one spelling of each id",
                     quoted(q2, sizeof q2, s->meter, strlen(s->meter)),
                     quoted(q, sizeof q, s->lookalike->meter, strlen(s->lookalike->meter)),
                     c->l->inputs[s->lookalike->file].path, s->lookalike->line);
}


static int duplicate_error(struct ctx *c, const csvin_row *row, enum ledger_dup dup, int other_file,
                           long other_line)
{
    int col = c->cols.idx[has(c, E_PERIOD) ? E_PERIOD : E_START];
    if (dup == LEDGER_DUP_SAME)
        return row_error(c, row, col,
                         "duplicate of %s:%ld (same enterprise, period, meter, product and source); "
                         "expected each meter once per period",
                         c->l->inputs[other_file].path, other_line);
    return row_error(c, row, col,
                     "a monthly total and daily or interval rows for the same meter and month (see %s:%ld); "
                     "expected one or the other",
                     c->l->inputs[other_file].path, other_line);
}

/* An interval row's kWh into its clock hour (hourly.h). */
static void book_hour(struct ctx *c, ledger_enterprise *e, int ord, const parse_period *p, bool end,
                      enum supply_source src, double kwh)
{
    int64_t off = p->stamp - (end ? 1 : 0) - period_first_day(ord) * 86400;
    if (off < 0 || off >= (int64_t)HOURLY_MONTH_HOURS * 3600)
        return;
    if (c->label != INGEST_LABEL_DETECT || p->stamp % 3600 != 0) {
        hourly_book(&e->hourly, ord, (uint32_t)(off / 3600), src, kwh);
        return;
    }
    if (c->npending == c->pending_cap) {
        c->pending_cap = c->pending_cap ? c->pending_cap * 2 : 256;
        c->pending = xreallocarray(c->pending, c->pending_cap, sizeof *c->pending);
    }
    c->pending[c->npending++] = (struct pending_hour){e, ord, (uint32_t)(off / 3600), src, kwh};
    if (c->npending == PENDING_MAX)
        decide_label(c, INGEST_LABEL_START, -1); /* no midnight in a day of rows: starts, as documented */
}

/* Marks the row's meter-month (a repeat is an error) and books its kWh. */
static int book_row(struct ctx *c, const csvin_row *row, ledger_enterprise *e, const char *meter,
                    size_t meter_len, const char *product, size_t product_len, enum supply_source src, int ord,
                    const parse_period *p, double kwh, const factor *sf)
{
    ledger_mark *mark = series_mark(c, e, meter, meter_len, product, product_len, src, ord, NULL);
    if (mark == NULL)
        return lookalike_error(c, row);
    int other_file;
    long other_line;
    bool end = p->granularity == PERIOD_TIME && c->label == INGEST_LABEL_END;
    if (p->granularity == PERIOD_TIME) {
        /* One meter keeps one clock: rows whose offsets differ are mostly time
         * ranges (11:00-12:00 read as UTC-12:00), or two clocks mixed. */
        int kind = p->has_offset ? 2 : 1;
        if (mark->offset_kind == 0) {
            mark->offset_kind = (signed char)kind;
            mark->offset_s = p->offset_s;
            mark->offset_file = c->file;
            mark->offset_line = row->line;
        } else if (mark->offset_kind != kind || (kind == 2 && mark->offset_s != p->offset_s)) {
            return row_error(c, row, c->cols.idx[has(c, E_PERIOD) ? E_PERIOD : E_START],
                             "this meter's rows of the month are written with %s here and with %s at %s:%ld; "
                             "expected one clock for a meter (is a time range such as 11:00-12:00 read as a UTC "
                             "offset? give one time per row)",
                             kind == 2 ? "a UTC offset" : "no offset",
                             mark->offset_kind == 2 ? (kind == 2 ? "another offset" : "a UTC offset") : "no offset",
                             c->l->inputs[mark->offset_file].path, mark->offset_line);
        }
    }
    if (p->granularity == PERIOD_TIME && c->label != INGEST_LABEL_DETECT) {
        /* Slots are kept by label: one month of a meter read both ways could
         * hold one interval twice (00:00 start-labelled, 00:15 end-labelled). */
        unsigned char bit = end ? 2 : 1;
        if (mark->labels == 0) {
            mark->label_file = c->file;
            mark->label_line = row->line;
        }
        if (mark->labels & (3 & ~bit))
            return row_error(c, row, c->cols.idx[has(c, E_PERIOD) ? E_PERIOD : E_START],
                             "this meter's month has rows named by the interval's %s here and by its %s at "
                             "%s:%ld: one interval could be counted twice; expected one labelling (say it with "
                             "--interval-label start|end after each -e FILE)",
                             end ? "end" : "start", end ? "start" : "end", c->l->inputs[mark->label_file].path,
                             mark->label_line);
        mark->labels |= bit;
    }
    enum ledger_dup dup = ledger_mark_row(mark, ord, p, end, c->file, row->line, &other_file, &other_line);
    if (dup != LEDGER_DUP_NONE)
        return duplicate_error(c, row, dup, other_file, other_line);
    mark->kwh += kwh;
    ledger_book(e, ord, product, product_len, c->file, row->line, src, kwh, sf);
    if (p->granularity == PERIOD_TIME && src != SUPPLY_CERTIFICATE)
        book_hour(c, e, ord, p, end, src, kwh);
    return 0;
}

/* A billing period from start to end (inclusive), split over calendar
 * months by days; the last month takes the remainder so the parts add up. */
static int book_billing(struct ctx *c, const csvin_row *row, ledger_enterprise *e, const char *meter,
                        size_t meter_len, const char *product, size_t product_len, enum supply_source src,
                        double kwh, const factor *sf)
{
    parse_period a, b;
    int stop = 0;
    if (!read_period(c, row, E_START, &a, &stop) || !read_period(c, row, E_END, &b, &stop))
        return stop;
    if (a.granularity == PERIOD_MONTH || b.granularity == PERIOD_MONTH)
        return row_error(c, row, c->cols.idx[a.granularity == PERIOD_MONTH ? E_START : E_END],
                         "a billing period needs dates; expected a day such as 2025-01-26");
    int64_t d0 = a.stamp / 86400, d1 = b.stamp / 86400;
    if (d1 < d0)
        return row_error(c, row, c->cols.idx[E_END], "period_end is before period_start");
    double days = (double)(d1 - d0 + 1), booked = 0;
    int first = period_ord(a.year, a.month), last = period_ord(b.year, b.month);
    for (int ord = first; ord <= last; ord++) {
        /* Days of [d0, d1] inside this month. */
        int64_t m0 = period_first_day(ord), m1 = period_first_day(ord + 1) - 1;
        int64_t lo = m0 > d0 ? m0 : d0, hi = m1 < d1 ? m1 : d1;
        double part = ord == last ? kwh - booked : kwh * (double)(hi - lo + 1) / days;
        booked += part;
        if (!in_range(c, ord)) {
            c->outside++;
            continue;
        }
        /* The days of this month the bill covers: a day covered twice (two
         * bills that overlap, a bill and a daily row) is a duplicate. */
        ledger_mark *mark = series_mark(c, e, meter, meter_len, product, product_len, src, ord, NULL);
        if (mark == NULL)
            return lookalike_error(c, row);
        int other_file;
        long other_line;
        enum ledger_dup dup = ledger_mark_days(mark, ord, (int)(lo - m0 + 1), (int)(hi - m0 + 1), c->file,
                                               row->line, &other_file, &other_line);
        if (dup != LEDGER_DUP_NONE)
            return duplicate_error(c, row, dup, other_file, other_line);
        mark->kwh += part;
        ledger_book(e, ord, product, product_len, c->file, row->line, src, part, sf);
    }
    if (last > first)
        c->split_rows++;
    return 0;
}

static int electricity_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    bool skip;
    char q[200];
    size_t len;
    const char *s;
    ledger_enterprise *e;
    parse_period p = {0};
    int ord;
    size_t start_len;
    columns_field(row, c->cols.idx[E_START], &start_len);
    bool billing = has(c, E_START) && has(c, E_END) && start_len > 0;
    if (!row_start(c, row, E_ENTERPRISE, billing ? -1 : E_PERIOD, &e, &p, &ord, &stop))
        return stop;

    enum supply_source src;
    if (!has(c, E_SOURCE)) {
        src = c->o->source;
    } else {
        s = field(c, row, E_SOURCE, &len);
        size_t i = 0;
        while (i < c->nsources && !(len == c->sources[i].len && same_bytes(s, c->sources[i].text, len)))
            i++;
        if (i < c->nsources) {
            src = c->sources[i].src;
        } else if (supply_parse(s, len, &src)) {
            if (len < CACHE_TEXT_MAX && c->nsources < SOURCE_CACHE) { /* the file's first spellings */
                i = c->nsources++;
                memcpy(c->sources[i].text, s, len);
                c->sources[i].len = len;
                c->sources[i].src = src;
            }
        } else {
            return row_error(c, row, c->cols.idx[E_SOURCE], "source \"%s\" is unknown; expected one of %s",
                             quoted(q, sizeof q, s, len), supply_names_list());
        }
    }

    /* Time-of-use rows: which tier this row is. */
    int tier = 0;
    if (has(c, E_TIER)) {
        s = field(c, row, E_TIER, &len);
        tier = len == 0 ? 0 : tier_of(s, len);
        if (tier == -1) {
            c->reactive_rows++;
            return 0;
        }
        if (tier == -2)
            return row_error(c, row, c->cols.idx[E_TIER],
                             "tier \"%s\" is unknown; expected 总/有功总 (total), 尖峰, 峰, 平, 谷, 深谷 or 无功",
                             quoted(q, sizeof q, s, len));
    }

    double kwh;
    if (!row_energy(c, row, src, &kwh, &skip, &stop))
        return stop;

    /* Supplier rows carry their own factor. */
    const factor *sf = NULL;
    s = field(c, row, E_FACTOR, &len);
    if (src == SUPPLY_SUPPLIER) {
        if (len == 0)
            return row_error(c, row, has(c, E_FACTOR) ? c->cols.idx[E_FACTOR] : -1,
                             "source supplier needs a factor_id naming the supplier's factor");
        char id[256];
        if (len >= sizeof id || (memcpy(id, s, len), id[len] = '\0', sf = factors_find(c->db, id)) == NULL)
            return row_error(c, row, c->cols.idx[E_FACTOR],
                             "factor_id \"%s\" is not a known factor; expected an id from 'cbamcalc factors "
                             "list' or a file given with --factors",
                             quoted(q, sizeof q, s, len));
        if (sf->kind != FACTOR_SUPPLIER)
            return row_error(c, row, c->cols.idx[E_FACTOR], "factor_id \"%s\" is a %s factor; expected a supplier factor",
                             quoted(q, sizeof q, s, len), factors_kind_name(sf->kind));
    } else if (len > 0) {
        row_warning(c, R_FACTOR_IGNORED, row, c->cols.idx[E_FACTOR],
                    "factor_id is ignored for source %s (only supplier rows carry their own factor)",
                    supply_name(src));
    }

    size_t meter_len, product_len;
    const char *meter = field(c, row, E_METER, &meter_len);
    const char *product = field(c, row, E_PRODUCT, &product_len);
    if (meter_len > 15 && excel_rounded(meter, meter_len))
        rounded_warning(c, row, E_METER, meter, meter_len);
    if (meter_len > 0 && meter[0] >= '0' && meter[0] <= '9') {
        const char *mangled = excel_mangled(meter, meter_len);
        if (mangled != NULL)
            return mangled_error(c, row, E_METER, meter, meter_len, mangled);
    }
    if (product_len > 0 && product[0] >= '0' && product[0] <= '9') {
        const char *mangled = excel_mangled(product, product_len);
        if (mangled != NULL)
            return mangled_error(c, row, E_PRODUCT, product, product_len, mangled);
    }
    if (c->o->product != NULL) { /* --product: the whole file is this product's sub-meter */
        size_t want = strlen(c->o->product);
        if (product_len > 0 && !(product_len == want && memcmp(product, c->o->product, want) == 0))
            return row_error(c, row, c->cols.idx[E_PRODUCT],
                             "product_id \"%s\" differs from --product %s given for this file; expected one of them",
                             quoted(q, sizeof q, product, product_len), c->o->product);
        product = c->o->product;
        product_len = want;
    }
    if (product_len > 0 && src != SUPPLY_CERTIFICATE) {
        const ledger_product *twin = ledger_product_lookalike(e, product, product_len);
        if (twin != NULL)
            return id_lookalike_error(c, row, E_PRODUCT, "product", twin->id);
    }
    if (src == SUPPLY_LOAD && product_len > 0)
        return row_error(c, row, c->cols.idx[has(c, E_PRODUCT) ? E_PRODUCT : E_SOURCE],
                         "a load meter (总表) measures the whole installation; expected no product_id on load "
                         "rows (a product's sub-meter is given with the source of its power)");
    if (src == SUPPLY_CERTIFICATE && product_len > 0) {
        row_warning(c, R_CERT_PRODUCT, row, c->cols.idx[E_PRODUCT],
                    "product_id is ignored on certificate rows: certificates cover the enterprise's grid "
                    "purchase as a whole");
        product_len = 0;
    }
    c->rows++;

    if (billing)
        return book_billing(c, row, e, meter, meter_len, product, product_len, src, kwh, sf);

    if (has(c, E_TIER)) {
        /* Held on the meter-month mark until every file is read. */
        ledger_series *series;
        ledger_mark *mark = series_mark(c, e, meter, meter_len, product, product_len, src, ord, &series);
        if (mark == NULL)
            return lookalike_error(c, row);
        unsigned bit = 1u << tier;
        if (mark->tou_seen & bit) {
            s = field(c, row, E_TIER, &len);
            return row_error(c, row, c->cols.idx[E_TIER],
                             "tier \"%s\" given twice for this meter and month (see %s:%ld)",
                             quoted(q, sizeof q, s, len), c->l->inputs[mark->file].path, mark->first_line);
        }
        if (mark->first_line == 0) {
            mark->file = c->file;
            mark->first_line = row->line;
            mark->granularity = PERIOD_MONTH;
        }
        if (!mark->tou)
            ledger_note_tou(c->l, series, ord);
        mark->tou = true;
        mark->tou_seen |= bit;
        if (tier == 0)
            mark->tou_total_kwh += kwh;
        else
            mark->tou_tier_kwh += kwh;
        mark->tou_supplier = sf;
        return 0;
    }

    if (c->hold_row) {
        if (c->nheld == c->held_cap) {
            c->held_cap = c->held_cap ? c->held_cap * 2 : 64;
            c->held = xreallocarray(c->held, c->held_cap, sizeof *c->held);
        }
        c->held[c->nheld++] = (struct held_row){e,           xstrndup(meter, meter_len), xstrndup(product, product_len),
                                                meter_len,   product_len, src, p, kwh, sf, row->line};
        if (c->nheld == PENDING_MAX)
            decide_label(c, INGEST_LABEL_START, -1); /* no 00:00 or 24:00 in a day of rows: starts */
        return 0;
    }
    return book_row(c, row, e, meter, meter_len, product, product_len, src, ord, &p, kwh, sf);
}

/* Books the rows held at midnight now that the file's labelling is known:
 * as ends they close the day before. */
static void flush_held(struct ctx *c)
{
    long cur = c->cur_line;
    for (size_t i = 0; i < c->nheld; i++) {
        struct held_row *h = &c->held[i];
        parse_period p = h->p;
        if (c->label == INGEST_LABEL_END)
            read_as_end(&p);
        int ord = period_ord(p.year, p.month);
        csvin_row row = {.line = h->line};
        const ledger_product *twin;
        if (!in_range(c, ord)) {
            c->outside++;
            c->rows--; /* counted when read; outside rows are not data rows */
        } else if (h->product_len > 0 && h->src != SUPPLY_CERTIFICATE &&
                   (twin = ledger_product_lookalike(h->e, h->product, h->product_len)) != NULL) {
            /* A product booked while this row waited, written another way. */
            id_text_lookalike_error(c, &row, E_PRODUCT, "product", h->product, h->product_len, twin->id);
        } else {
            c->cur_line = h->line;
            book_row(c, &row, h->e, h->meter, h->meter_len, h->product, h->product_len, h->src, ord, &p, h->kwh,
                     h->sf);
        }
        free(h->meter);
        free(h->product);
    }
    c->nheld = 0;
    c->cur_line = cur;
}

/* CN code: 8 digits, spaces allowed ("7318 15 88"); stored without spaces. */
static bool normalise_cn(const char *s, size_t len, char out[9])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (s[i] < '0' || s[i] > '9' || n == 8)
            return false;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return n == 8;
}

/* Sets *slot to the value, or checks that it agrees with what was given before. */
static bool same_or_set(char **slot, const char *s, size_t len)
{
    if (len == 0)
        return true;
    if (*slot == NULL) {
        *slot = xstrndup(s, len);
        return true;
    }
    return strlen(*slot) == len && memcmp(*slot, s, len) == 0;
}

static int production_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    bool skip;
    char q[200];
    size_t len;
    const char *s;
    ledger_enterprise *e;
    parse_period p;
    int ord;
    /* A whole year ("2025", "2025年"): annual production, kept apart. */
    size_t plen;
    const char *ptext = field(c, row, P_PERIOD, &plen);
    int year = 0;
    if ((plen == 4 || (plen == 7 && memcmp(ptext + 4, "年", 3) == 0)) && ptext[0] >= '1' && ptext[0] <= '2') {
        long y;
        if (parse_int(ptext, 4, PERIOD_YEAR_MIN, PERIOD_YEAR_MAX, &y) == PARSE_OK)
            year = (int)y;
    }
    if (!row_start(c, row, P_ENTERPRISE, year ? -1 : P_PERIOD, &e, &p, &ord, &stop))
        return stop;
    if (year && ((c->o->from_ord && period_ord(year, 12) < c->o->from_ord) ||
                 (c->o->to_ord && period_ord(year, 1) > c->o->to_ord))) {
        c->outside++;
        return 0;
    }
    size_t id_len;
    const char *id = field(c, row, P_PRODUCT, &id_len);
    if (id_len == 0)
        return row_error(c, row, c->cols.idx[P_PRODUCT], "product_id is empty; expected the product's id");
    const char *mangled = excel_mangled(id, id_len);
    if (mangled != NULL)
        return mangled_error(c, row, P_PRODUCT, id, id_len, mangled);
    const ledger_product *twin = ledger_product_lookalike(e, id, id_len);
    if (twin != NULL)
        return id_lookalike_error(c, row, P_PRODUCT, "product", twin->id);

    double t_per_unit, header_t = 0;
    bool header_unit = c->cols.unit[P_QUANTITY][0] != '\0';
    if (header_unit)
        parse_mass_unit(c->cols.unit[P_QUANTITY], strlen(c->cols.unit[P_QUANTITY]), &header_t);
    s = field(c, row, P_UNIT, &len);
    if (header_unit && (!has(c, P_UNIT) || len == 0)) {
        t_per_unit = header_t;
    } else {
        if (parse_mass_unit(s, len, &t_per_unit) != PARSE_OK)
            return row_error(c, row, c->cols.idx[P_UNIT],
                             "unit \"%s\" is not a mass unit cbamcalc reads; expected t (吨) or kg (convert other "
                             "units, such as 万吨, to t)",
                             quoted(q, sizeof q, s, len));
        if (header_unit && fabs(t_per_unit - header_t) > 1e-12 * header_t)
            return row_error(c, row, c->cols.idx[P_UNIT],
                             "unit \"%s\" differs from the unit in the header of 'quantity' (%s); expected one "
                             "unit: drop one of them",
                             quoted(q, sizeof q, s, len), c->cols.unit[P_QUANTITY]);
    }
    double quantity;
    if (!read_amount(c, row, P_QUANTITY, &quantity, &skip, &stop))
        return stop;
    if (quantity * t_per_unit > INGEST_TONNES_MAX)
        return row_error(c, row, c->cols.idx[P_QUANTITY],
                         "quantity is %s t; expected at most %s t in one row (check the unit)",
                         numfmt_human(q, sizeof q, quantity * t_per_unit), "1,000,000,000");

    char cn[9] = "";
    size_t cn_len;
    const char *cn_text = field(c, row, P_CN, &cn_len);
    if (cn_len > 0 && !normalise_cn(cn_text, cn_len, cn))
        return row_error(c, row, c->cols.idx[P_CN],
                         "cn_code \"%s\" is not a CN code; expected 8 digits (spaces allowed), such as 7318 15 88",
                         quoted(q, sizeof q, cn_text, cn_len));
    size_t name_len;
    const char *name = field(c, row, P_NAME, &name_len);

    bool created;
    size_t pi = ledger_product_get(e, id, id_len, c->file, row->line, &created);
    ledger_product *prod = &e->products[pi];
    if (!same_or_set(&prod->cn_code, cn, strlen(cn)))
        return row_error(c, row, c->cols.idx[P_CN],
                         "cn_code %s differs from %s given for product %s earlier; expected one CN code per product",
                         cn, prod->cn_code, prod->id);
    if (!same_or_set(&prod->name, name, name_len))
        return row_error(c, row, c->cols.idx[P_NAME],
                         "product_name \"%s\" differs from \"%s\" given for product %s earlier; expected one "
                         "name per product",
                         quoted(q, sizeof q, name, name_len), prod->name, prod->id);

    if (year) {
        for (size_t i = 0; i < e->nannual; i++)
            if (e->annual[i].product == pi && e->annual[i].year == year)
                return row_error(c, row, c->cols.idx[P_PERIOD],
                                 "duplicate of %s:%ld (same enterprise, year and product); expected each "
                                 "product once per year",
                                 c->l->inputs[e->annual[i].file].path, e->annual[i].line);
        e->annual = xreallocarray(e->annual, e->nannual + 1, sizeof *e->annual);
        e->annual[e->nannual++] = (ledger_annual){pi, year, quantity * t_per_unit, c->file, row->line};
        c->rows++;
        return 0;
    }
    ledger_month *m = ledger_month_get(e, ord);
    ledger_cell *cell = ledger_cell_get(m, pi);
    int other_file;
    long other_line;
    switch (ledger_mark_row(&cell->prod_mark, ord, &p, false, c->file, row->line, &other_file, &other_line)) {
    case LEDGER_DUP_NONE: break;
    case LEDGER_DUP_SAME:
        return row_error(c, row, c->cols.idx[P_PERIOD],
                         "duplicate of %s:%ld (same enterprise, period and product); expected each product "
                         "once per period",
                         c->l->inputs[other_file].path, other_line);
    case LEDGER_DUP_MIXED:
        return row_error(c, row, c->cols.idx[P_PERIOD],
                         "a monthly total and daily rows for the same product and month (see %s:%ld); "
                         "expected one or the other",
                         c->l->inputs[other_file].path, other_line);
    }
    cell->quantity_t += quantity * t_per_unit;
    cell->has_production = true;
    c->rows++;
    return 0;
}

/* Coordinates and UN/LOCODE go into the official template as they are: a
 * slip there (a swapped latitude, a code of another country) is refused. */
static bool site_check(struct ctx *c, const csvin_row *row, int k, const char *s, size_t len,
                       const char *country, int *stop)
{
    char q[200];
    int col = c->cols.idx[N_SITE + k];
    if (k == LEDGER_SITE_LATITUDE || k == LEDGER_SITE_LONGITUDE) {
        double v;
        double lim = k == LEDGER_SITE_LATITUDE ? 90 : 180;
        if (parse_number(s, len, &v) != PARSE_OK || v < -lim || v > lim) {
            *stop = row_error(
                c, row, col, "%s \"%s\" is not a coordinate; expected decimal degrees between %g and %g",
                k == LEDGER_SITE_LATITUDE ? "latitude" : "longitude", quoted(q, sizeof q, s, len), -lim, lim);
            return false;
        }
    } else if (k == LEDGER_SITE_UNLOCODE) {
        /* Two letters of the country, then three letters or digits 2-9. */
        size_t i = 0, n = 0;
        char cc[2] = {0, 0};
        bool ok = len == 5 || (len == 6 && s[2] == ' ');
        for (; ok && i < len; i++) {
            char ch = (char)(s[i] & ~0x20);
            if (i == 2 && len == 6)
                continue;
            bool letter = ch >= 'A' && ch <= 'Z', digit = s[i] >= '2' && s[i] <= '9';
            if (n < 2) {
                ok = letter;
                cc[n] = ch;
            } else {
                ok = letter || digit;
            }
            n++;
        }
        if (!ok) {
            *stop = row_error(c, row, col,
                              "unlocode \"%s\" is not a UN/LOCODE; expected the country and three "
                              "letters, such as CN TYN",
                              quoted(q, sizeof q, s, len));
            return false;
        }
        if (cc[0] != country[0] || cc[1] != country[1]) {
            *stop = row_error(c, row, col,
                              "unlocode \"%s\" is a place in %.2s, but the enterprise's country is %s",
                              quoted(q, sizeof q, s, len), cc, country);
            return false;
        }
    }
    return true;
}

static int enterprise_row(struct ctx *c, const csvin_row *row)
{
    int stop = 0;
    char q[200];
    size_t len;
    const char *s;
    ledger_enterprise *e;
    int ord;
    if (!row_start(c, row, N_ENTERPRISE, -1, &e, NULL, &ord, &stop))
        return stop;
    if (e->registered)
        return row_error(c, row, c->cols.idx[N_ENTERPRISE],
                         "enterprise %s is already listed at %s:%ld; expected each enterprise once", e->id,
                         c->l->inputs[e->reg_file].path, e->reg_line);
    s = field(c, row, N_NAME, &len);
    if (len == 0)
        return row_error(c, row, c->cols.idx[N_NAME], "name is empty; expected the enterprise's name");
    char country[3] = "CN";
    size_t clen;
    const char *cs = field(c, row, N_COUNTRY, &clen);
    if (clen > 0) {
        char a = clen == 2 ? (char)(cs[0] & ~0x20) : 0, b = clen == 2 ? (char)(cs[1] & ~0x20) : 0;
        if (!(a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z'))
            return row_error(c, row, c->cols.idx[N_COUNTRY],
                             "country \"%s\" is not a country code; expected ISO 3166 alpha-2 such as CN",
                             quoted(q, sizeof q, cs, clen));
        country[0] = a;
        country[1] = b;
    }
    e->registered = true;
    e->reg_file = c->file;
    e->reg_line = row->line;
    memcpy(e->country, country, 3);
    e->name = xstrndup(s, len);
    s = field(c, row, N_NAME_EN, &len);
    if (len > 0)
        e->name_en = xstrndup(s, len);
    s = field(c, row, N_ADDRESS, &len);
    if (len > 0)
        e->address = xstrndup(s, len);
    for (int k = 0; k < LEDGER_SITE__COUNT; k++) {
        s = field(c, row, N_SITE + k, &len);
        if (len == 0)
            continue;
        if (!site_check(c, row, k, s, len, country, &stop))
            return stop;
        e->site[k] = xstrndup(s, len);
        if (k == LEDGER_SITE_UNLOCODE)
            for (char *p = e->site[k]; *p; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
    }
    s = field(c, row, N_PROVINCE, &len);
    if (len > 0) {
        e->province_text = xstrndup(s, len);
        e->province = region_province(s, len);
        if (e->province == NULL && strcmp(country, "CN") == 0)
            diag_add(c->dl, DIAG_WARNING, c->name, row->line, c->cols.idx[N_PROVINCE] + 1,
                     "province \"%s\" is not a province with MEE factors; %s will get the national average "
                     "factor",
                     quoted(q, sizeof q, s, len), e->id);
    }
    c->rows++;
    return 0;
}

/* Whether the mapped columns make a usable header for this kind of file. */
static bool header_complete(const struct ctx *c)
{
    switch (c->kind) {
    case INGEST_ELECTRICITY: {
        bool dated = has(c, E_PERIOD) || (has(c, E_START) && has(c, E_END));
        bool energy = has(c, E_KWH) || has(c, E_ENERGY) || (has(c, E_PREV) && has(c, E_CURR));
        for (int k = E_FIRST_TIER; k <= E_LAST_TIER; k++)
            energy |= has(c, k);
        return (has(c, E_ENTERPRISE) || c->o->only_enterprise != NULL) && dated && energy &&
               (has(c, E_SOURCE) || c->o->has_source);
    }
    case INGEST_PRODUCTION:
        return (has(c, P_ENTERPRISE) || c->o->only_enterprise != NULL) && has(c, P_PERIOD) &&
               has(c, P_PRODUCT) && has(c, P_QUANTITY);
    case INGEST_ENTERPRISES: return has(c, N_ENTERPRISE) && has(c, N_NAME);
    }
    return false;
}

/* What an electricity header lacks, said plainly. */
static void explain_missing(struct ctx *c, const csvin_row *row, diag_list *dl)
{
    if (c->kind != INGEST_ELECTRICITY) {
        columns_map(c->spec, c->nspec, c->o->map, c->o->nmap, row, c->name, dl, &c->cols);
        return;
    }
    columns_map(c->spec, c->nspec, c->o->map, c->o->nmap, row, c->name, NULL, &c->cols);
    if (!has(c, E_ENTERPRISE))
        diag_add(dl, DIAG_ERROR, c->name, row->line, 0, "required column 'enterprise_id' is missing from the header");
    if (!has(c, E_PERIOD) && !(has(c, E_START) && has(c, E_END)))
        diag_add(dl, DIAG_ERROR, c->name, row->line, 0,
                 "required column 'period' (or 'period_start' and 'period_end') is missing from the header");
    if (!has(c, E_SOURCE) && !c->o->has_source)
        diag_add(dl, DIAG_ERROR, c->name, row->line, 0,
                 "required column 'source' is missing from the header; for a file of one source give "
                 "--source SRC after -e FILE");
    bool energy = has(c, E_KWH) || has(c, E_ENERGY) || (has(c, E_PREV) && has(c, E_CURR));
    for (int k = E_FIRST_TIER; k <= E_LAST_TIER; k++)
        energy |= has(c, k);
    if (!energy)
        diag_add(dl, DIAG_ERROR, c->name, row->line, 0,
                 "no energy column; expected 'kwh', or 'energy' with 'unit', time-of-use columns or meter readings");
}

/* Words that betray what an unknown header holds, for a --map suggestion. */
static const struct {
    const char *column;
    const char *words[10];
} header_hints[] = {
    {"period", {"年月", "月份", "日期", "时间", "月", "期", "month", "date", "period", "time"}},
    {"enterprise_id", {"户号", "企业", "用户", "客户", "户", "enterprise", "account", "customer", "company"}},
    {"energy", {"电量", "kwh", "度", "energy", "用电", "consumption"}},
    {"source", {"电源", "来源", "类型", "source", "type"}},
    {"meter_id", {"计量", "表", "meter"}},
    {"product_id", {"产品", "品", "product", "item"}},
    {"quantity", {"产量", "数量", "重量", "quantity", "output", "tonnes", "weight"}},
    {"name", {"名称", "名", "name"}},
    {"province", {"省", "province", "地区"}},
};

static bool contains_ci(const char *s, size_t len, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= len; i++)
        if (parse_eq_ci(s + i, wl, w))
            return true;
    return false;
}

/* Whether field f of the header row is read as one of the file's columns. */
static bool field_mapped(const struct ctx *c, size_t f)
{
    for (size_t k = 0; k < c->nspec; k++)
        if (c->cols.idx[k] == (int)f)
            return true;
    return false;
}

/* Whether a header text holds one of hint h's words. */
static bool hint_matches(size_t h, const char *s, size_t len)
{
    for (size_t w = 0; w < 10 && header_hints[h].words[w]; w++)
        if (contains_ci(s, len, header_hints[h].words[w]))
            return true;
    return false;
}

/* The header of the record the columns were mapped on, that is not mapped
 * to anything, and that looks like column want; NULL when none does. */
static const char *guess_header(const struct ctx *c, const csvin_row *row, const char *want, size_t *len)
{
    for (size_t h = 0; h < sizeof header_hints / sizeof header_hints[0]; h++) {
        if (strcmp(header_hints[h].column, want) != 0)
            continue;
        for (size_t f = 0; f < row->nfields; f++)
            if (!field_mapped(c, f) && row->len[f] > 0 && hint_matches(h, row->field[f], row->len[f])) {
                *len = row->len[f];
                return row->field[f];
            }
    }
    return NULL;
}

/* A record below which no header was found yet: if it names more known
 * columns than any before, it is the one the message will be about. */
static void note_header_candidate(struct ctx *c, const csvin_row *row)
{
    size_t known = 0;
    for (size_t k = 0; k < c->nspec; k++)
        known += c->cols.idx[k] >= 0;
    if (c->records_before_header > 0 && known <= c->best_known)
        return;
    c->best_known = known;
    c->best_line = row->line;
    diag_list_free(&c->header_diags);
    diag_list_init(&c->header_diags);
    explain_missing(c, row, &c->header_diags);
    columns_map(c->spec, c->nspec, c->o->map, c->o->nmap, row, c->name, NULL, &c->cols);
    size_t o = 0;
    c->best_headers[0] = '\0';
    for (size_t f = 0; f < row->nfields && o + 8 < sizeof c->best_headers; f++) {
        size_t n = utf8_cut(row->field[f], row->len[f], sizeof c->best_headers - o - 8);
        o += (size_t)snprintf(c->best_headers + o, sizeof c->best_headers - o, "%s\"%.*s\"", f ? ", " : "",
                              (int)n, row->field[f]);
    }
    /* A --map suggestion for the first required column that is missing. */
    c->best_hint[0] = '\0';
    for (size_t k = 0; k < c->nspec; k++) {
        bool needed = c->spec[k].required;
        if (c->kind == INGEST_ELECTRICITY)
            needed = k == E_ENTERPRISE || k == E_PERIOD || k == E_ENERGY;
        if (!needed || c->cols.idx[k] >= 0)
            continue;
        if (c->kind == INGEST_ELECTRICITY && k == E_ENERGY && (has(c, E_KWH) || has(c, E_PREV)))
            continue;
        if (c->kind == INGEST_ELECTRICITY && k == E_PERIOD && has(c, E_START) && has(c, E_END))
            continue;
        size_t len;
        const char *h = guess_header(c, row, c->spec[k].name, &len);
        if (h != NULL) {
            size_t n = utf8_cut(h, len, 120);
            snprintf(c->best_hint, sizeof c->best_hint, "; did you mean --map %s=%.*s ?", c->spec[k].name, (int)n, h);
            break;
        }
    }
}

/* Headers that are read as nothing but look like a column this kind of file
 * takes and lacks (所在省份 for the province): said as a warning with the
 * --map that would read them, since an ignored province or product column
 * changes the figures. */
static void warn_ignored_headers(struct ctx *c, const csvin_row *row)
{
    for (size_t f = 0; f < row->nfields; f++) {
        if (field_mapped(c, f) || row->len[f] == 0)
            continue;
        for (size_t h = 0; h < sizeof header_hints / sizeof header_hints[0]; h++) {
            int want = -1;
            for (size_t k = 0; k < c->nspec; k++)
                if (strcmp(c->spec[k].name, header_hints[h].column) == 0)
                    want = (int)k;
            if (want < 0 || has(c, want))
                continue;
            if (!hint_matches(h, row->field[f], row->len[f]))
                continue;
            char q[200];
            diag_add(c->dl, DIAG_WARNING, c->name, row->line, (int)f + 1,
                     "column \"%s\" is not read; if it holds the %s, add --map %s=%s",
                     quoted(q, sizeof q, row->field[f], row->len[f]), header_hints[h].column,
                     header_hints[h].column, row->field[f]);
            break;
        }
    }
}

/* Checks the found header further; false (after errors) when it cannot be used. */
static bool accept_header(struct ctx *c, const csvin_row *row)
{
    if (columns_map(c->spec, c->nspec, c->o->map, c->o->nmap, row, c->name, c->dl, &c->cols) != CBAM_OK)
        return false;
    warn_ignored_headers(c, row);
    int ent_k = c->kind == INGEST_ELECTRICITY ? E_ENTERPRISE : c->kind == INGEST_PRODUCTION ? P_ENTERPRISE : N_ENTERPRISE;
    if (!has(c, ent_k))
        diag_add(c->dl, DIAG_NOTE, c->name, row->line, 0,
                 "no enterprise column: every row is read as enterprise %s's (--enterprise)",
                 c->o->only_enterprise);
    if (c->records_before_header > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, row->line, 0,
                 "the header is on line %ld; %zu title row%s above it %s skipped", row->line,
                 c->records_before_header, c->records_before_header == 1 ? "" : "s",
                 c->records_before_header == 1 ? "was" : "were");
    if (c->kind != INGEST_ELECTRICITY) {
        if (c->kind == INGEST_PRODUCTION && !has(c, P_UNIT)) {
            double t;
            const char *u = c->cols.unit[P_QUANTITY];
            if (u[0] != '\0' && parse_mass_unit(u, strlen(u), &t) != PARSE_OK) {
                diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[P_QUANTITY] + 1,
                         "the unit \"%s\" in the header of 'quantity' is not a unit cbamcalc reads; expected t "
                         "(吨) or kg: convert the column to tonnes (1 万吨 = 10,000 t) and name the unit in the "
                         "header, such as 产量(吨)",
                         u);
                return false;
            }
            if (u[0] == '\0') {
                diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0,
                         "no unit for the quantity; expected a 'unit' column (t or kg) or one in the header, "
                         "such as 产量(吨)");
                return false;
            }
        }
        return true;
    }
    bool ok = true;
    if (has(c, E_KWH) && has(c, E_ENERGY)) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, 0, "both 'kwh' and 'energy' columns; expected one of them");
        ok = false;
    }
    if (has(c, E_SOURCE) && c->o->has_source) {
        diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[E_SOURCE] + 1,
                 "the file has a source column, and --source was given for it; expected one of them");
        ok = false;
    }
    /* Units written in the header: each applies to its column. */
    static const int energy_cols[] = {E_KWH, E_ENERGY, E_T_CRIT, E_T_PEAK, E_T_FLAT, E_T_VALLEY, E_T_DEEP, E_PREV, E_CURR};
    for (size_t i = 0; i < sizeof energy_cols / sizeof energy_cols[0]; i++) {
        int k = energy_cols[i];
        c->col_kwh[k] = 0;
        if (!has(c, k))
            continue;
        const char *u = c->cols.unit[k];
        if (u[0] != '\0') {
            bool cert;
            enum parse_status st = parse_energy_unit(u, strlen(u), &c->col_kwh[k], &cert);
            if (st != PARSE_OK) {
                diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[k] + 1,
                         "the unit \"%s\" in the header of '%s' is %s; expected kWh, MWh, 万kWh ...", u,
                         c->spec[k].name, st == PARSE_NOT_ENERGY ? "power, not energy" : "unknown");
                ok = false;
            }
        } else if (k == E_KWH) {
            c->col_kwh[k] = 1.0;
        } else if (!has(c, E_UNIT) && k != E_PREV && k != E_CURR) {
            diag_add(c->dl, DIAG_ERROR, c->name, row->line, c->cols.idx[k] + 1,
                     "no unit for column '%s'; expected a 'unit' column or one in the header, such as 电量(kWh)",
                     c->spec[k].name);
            ok = false;
        }
    }
    if (has(c, E_PREV) && has(c, E_CURR) && c->col_kwh[E_CURR] == 0 && !has(c, E_UNIT))
        diag_add(c->dl, DIAG_NOTE, c->name, row->line, 0,
                 "energy = (current - previous reading) x multiplier, in kWh (no unit was given)");
    if (has(c, E_REACTIVE))
        diag_add(c->dl, DIAG_NOTE, c->name, row->line, c->cols.idx[E_REACTIVE] + 1,
                 "reactive energy (kvarh) is never added to consumption");
    return ok;
}

static int on_row(void *vc, const csvin_row *row)
{
    struct ctx *c = vc;
    c->cur_line = row->line;
    c->decimal_comma = row->format->decimal_comma;
    if (!c->have_header) {
        columns_map(c->spec, c->nspec, c->o->map, c->o->nmap, row, c->name, NULL, &c->cols);
        if (header_complete(c)) {
            c->have_header = true;
            c->header_fields = row->nfields;
            if (!accept_header(c, row)) {
                c->err = CBAM_ERR_DATA;
                return 1;
            }
            publish_prep(c);
            return 0;
        }
        /* A title row, or a header that lacks something: say what the most
         * header-like record lacked. */
        note_header_candidate(c, row);
        if (++c->records_before_header >= HEADER_SEARCH)
            return 1;
        return 0;
    }
    switch (c->kind) {
    case INGEST_ELECTRICITY: return electricity_row(c, row);
    case INGEST_PRODUCTION: return production_row(c, row);
    case INGEST_ENTERPRISES: return enterprise_row(c, row);
    }
    return 1;
}

static void on_progress(void *vc, size_t done, size_t total)
{
    struct ctx *c = vc;
    c->o->progress(c->o->progress_ctx, c->name, done, total);
}

static void ctx_init(struct ctx *c, ledger *l, const factors_db *db, enum ingest_kind kind, const char *name,
                     const ingest_opts *o, diag_list *dl)
{
    memset(c, 0, sizeof *c);
    atomic_init(&c->prep.ready, false);
    c->l = l;
    c->db = db;
    c->o = o;
    c->dl = dl;
    c->kind = kind;
    c->label = o->label;
    diag_list_init(&c->header_diags);
    c->file = ledger_add_input(l, name, ingest_kind_name(kind));
    c->name = l->inputs[c->file].path;
    switch (kind) {
    case INGEST_ELECTRICITY: c->spec = electricity_columns, c->nspec = E__N; break;
    case INGEST_PRODUCTION: c->spec = production_columns, c->nspec = P__N; break;
    case INGEST_ENTERPRISES: c->spec = enterprise_columns, c->nspec = N__N; break;
    }
}

static enum cbam_err ctx_finish(struct ctx *c, enum cbam_err err, const csvin_stats *st)
{
    if (c->label == INGEST_LABEL_DETECT)
        c->label = INGEST_LABEL_START; /* neither 00:00 nor 24:00: starts, as documented */
    flush_pending(c);
    flush_held(c);
    free(c->pending);
    free(c->series_cache);
    c->pending = NULL;
    free(c->held);
    c->held = NULL;
    ledger_input *in = &c->l->inputs[c->file];
    memcpy(in->sha256, st->sha256, sizeof in->sha256);
    in->rows = c->rows;
    if (err == CBAM_ERR_NOINPUT) {
        diag_list_free(&c->header_diags);
        return err;
    }
    if (!c->have_header) {
        if (err == CBAM_OK && c->records_before_header == 0)
            diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "empty file; expected a header line and %s rows",
                     ingest_kind_name(c->kind));
        for (size_t i = 0; i < c->header_diags.count; i++)
            diag_add_copy(c->dl, &c->header_diags.items[i]);
        if (c->records_before_header >= HEADER_SEARCH || (err == CBAM_OK && c->records_before_header > 0))
            diag_add(c->dl, DIAG_ERROR, c->name, c->best_line, 0,
                     "no header with the %s columns in the first %zu rows; line %ld was taken as the header "
                     "(see above for what it lacks), its headers are: %s; expected the canonical names or "
                     "their Chinese forms (README, Input files), or --map COLUMN=HEADER%s",
                     ingest_kind_name(c->kind), c->records_before_header, c->best_line, c->best_headers,
                     c->best_hint);
        diag_list_free(&c->header_diags);
        return CBAM_ERR_DATA;
    }
    diag_list_free(&c->header_diags);
    if (c->err == CBAM_OK && err == CBAM_OK && c->rows == 0 && c->outside == 0 && c->other_enterprise == 0 &&
        c->repeats[R_EMPTY_VALUE] == 0 && c->totals_rows == 0 && c->reactive_rows == 0) {
        diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "a header but no data rows; expected %s rows",
                 ingest_kind_name(c->kind));
        return CBAM_ERR_DATA;
    }
    if (c->mangled_repeats > 0)
        diag_add(c->dl, DIAG_ERROR, c->name, 0, 0, "%zu more row%s with an id that Excel changed (as above)",
                 c->mangled_repeats, c->mangled_repeats == 1 ? "" : "s");
    for (int r = 0; r < R__N; r++)
        if (c->repeats[r] > REPEAT_LIMIT)
            diag_add(c->dl, DIAG_WARNING, c->name, 0, 0, "%zu more rows with the same warning as above were not listed",
                     c->repeats[r] - REPEAT_LIMIT);
    if (c->totals_rows > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu totals row%s (合计/Total) left out", c->totals_rows,
                 c->totals_rows == 1 ? "" : "s");
    if (c->reactive_rows > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu reactive-energy row%s (无功) left out: never consumption",
                 c->reactive_rows, c->reactive_rows == 1 ? "" : "s");
    if (c->split_rows > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0,
                 "%zu billing period%s across months split by days (each month gets its share of the days)",
                 c->split_rows, c->split_rows == 1 ? "" : "s");
    if (c->outside > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu rows outside the reporting period were left out", c->outside);
    if (c->other_enterprise > 0 && c->rows == 0 && c->kind != INGEST_ENTERPRISES)
        diag_add(c->dl, DIAG_WARNING, c->name, 0, 0,
                 "none of its %zu rows is for enterprise %s (the first is for %s): the file adds nothing; "
                 "check that every file uses the same id",
                 c->other_enterprise, c->o->only_enterprise, c->other_id);
    else if (c->other_enterprise > 0)
        diag_add(c->dl, DIAG_NOTE, c->name, 0, 0, "%zu rows of other enterprises were left out", c->other_enterprise);
    return err != CBAM_OK ? err : c->err;
}

enum cbam_err ingest_file(ledger *l, const factors_db *db, enum ingest_kind kind, const char *path,
                          const ingest_opts *o, diag_list *dl)
{
    struct ctx c;
    ctx_init(&c, l, db, kind, strcmp(path, "-") == 0 ? "<stdin>" : path, o, dl);
    csvin_opts co = {.chunk_size = o->chunk_size, .encoding = o->encoding,
                     .progress = o->progress ? on_progress : NULL, .prepare = prepare_fields,
                     .prepare_ctx = &c.prep};
    csvin_stats st = {0};
    enum cbam_err err = csvin_read_file(path, c.name, &co, on_row, &c, dl, &st);
    return ctx_finish(&c, err, &st);
}

enum cbam_err ingest_mem(ledger *l, const factors_db *db, enum ingest_kind kind, const char *name, const void *buf,
                         size_t len, const ingest_opts *o, diag_list *dl)
{
    struct ctx c;
    ctx_init(&c, l, db, kind, name, o, dl);
    csvin_opts co = {.chunk_size = o->chunk_size, .encoding = o->encoding, .prepare = prepare_fields,
                     .prepare_ctx = &c.prep};
    csvin_stats st = {0};
    enum cbam_err err = csvin_read_mem(c.name, buf, len, &co, on_row, &c, dl, &st);
    return ctx_finish(&c, err, &st);
}

/* A row without a meter id, or with a meter called 合计/Total that holds the
 * sum of the others, beside metered rows of the same enterprise, source,
 * month and file, is a subtotal: booked, it would count those kWh twice. */
static bool check_subtotals(const ledger *l, diag_list *dl)
{
    bool ok = true;
    for (size_t ei = 0; ei < l->nents; ei++) {
        const ledger_enterprise *e = l->ents[ei];
        for (size_t si = 0; si < e->nseries; si++) {
            const ledger_series *s = e->series[si];
            bool blank = s->meter[0] == '\0', total = !blank && is_totals_word(s->meter, strlen(s->meter));
            if ((!blank && !total) || s->key_file >= 0 || s->source == SUPPLY_CERTIFICATE)
                continue;
            for (size_t mi = 0; mi < s->n; mi++) {
                const ledger_mark *m = &s->marks[mi];
                double others = 0;
                size_t nothers = 0;
                for (size_t ti = 0; ti < e->nseries; ti++) {
                    const ledger_series *t = e->series[ti];
                    if (t == s || t->source != s->source || t->key_file >= 0 || t->meter[0] == '\0' ||
                        is_totals_word(t->meter, strlen(t->meter)))
                        continue;
                    for (size_t k = 0; k < t->n; k++)
                        if (t->marks[k].ord == m->ord && t->marks[k].file == m->file) {
                            others += t->marks[k].kwh;
                            nothers++;
                        }
                }
                if (nothers == 0 || (total && !(fabs(m->kwh - others) <= 0.005 * others)))
                    continue;
                char per[8], a[64], b[64];
                period_format(m->ord, per, sizeof per);
                if (blank)
                    diag_add(dl, DIAG_ERROR, l->inputs[m->file].path, m->first_line, 0,
                             "%s, %s: a %s row without a meter id (%s kWh) beside %zu metered row%s of the same "
                             "month (%s kWh): a subtotal would count them twice; expected a meter id on every row, "
                             "or no subtotal rows",
                             e->id, per, supply_name(s->source), numfmt_human(a, sizeof a, m->kwh), nothers,
                             nothers == 1 ? "" : "s", numfmt_human(b, sizeof b, others));
                else
                    diag_add(dl, DIAG_ERROR, l->inputs[m->file].path, m->first_line, 0,
                             "%s, %s: meter \"%s\" holds %s kWh, the sum of the other %s meters of the month: a "
                             "subtotal row would count them twice; expected it left out",
                             e->id, per, s->meter, numfmt_human(a, sizeof a, m->kwh), supply_name(s->source));
                ok = false;
            }
        }
    }
    return ok;
}

enum cbam_err ingest_finish(ledger *l, diag_list *dl)
{
    bool ok = ledger_settle_tou(l, dl);
    ok &= check_subtotals(l, dl);
    return ok ? CBAM_OK : CBAM_ERR_DATA;
}

static const columns_spec *const all_specs[] = {electricity_columns, production_columns, enterprise_columns};
static const size_t all_nspec[] = {E__N, P__N, N__N};

bool ingest_column_known(const char *name)
{
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < all_nspec[k]; i++)
            if (strcmp(all_specs[k][i].name, name) == 0)
                return true;
    return false;
}

void ingest_column_names(char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < all_nspec[k]; i++) {
            const char *n = all_specs[k][i].name;
            bool seen = false; /* enterprise_id, period ... are in several kinds */
            for (size_t k2 = 0; k2 <= k && !seen; k2++)
                for (size_t i2 = 0; i2 < (k2 == k ? i : all_nspec[k2]) && !seen; i2++)
                    seen = strcmp(all_specs[k2][i2].name, n) == 0;
            if (seen)
                continue;
            int w = snprintf(buf + o, size - o, "%s%s", o ? ", " : "", n);
            if (w < 0 || (size_t)w >= size - o)
                return;
            o += (size_t)w;
        }
}
