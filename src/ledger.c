/* ledger.c - the aggregated input model (see ledger.h). */
#include "config.h"
#include "ledger.h"
#include "hash.h"
#include "hourly.h"
#include "numfmt.h"
#include "utf8.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Slot sizes for daily and interval rows, coarsest first; each divides the
 * one before it. Rows closer than a minute share a slot. */
static const uint32_t slot_res[] = {86400, 3600, 900, 300, 60};
#define MONTH_SLOTS_MAX (31u * 86400u / 60u)

static uint32_t slot_res_for(int64_t offset)
{
    for (size_t k = 0; k < sizeof slot_res / sizeof slot_res[0]; k++)
        if (offset % slot_res[k] == 0)
            return slot_res[k];
    return 60;
}

/* One slot more than the month's: an end-labelled month's last slot is
 * the interval ending at 24:00 of day 31. */
static size_t bitmap_words(uint32_t res)
{
    return (31u * 86400u / res + 1 + 63) / 64;
}

/* A mark keeps its runs only, and finds a repeated slot among them, until
 * it has this many; then a bitmap of the month's slots takes over. A meter
 * whose rows come in order has one run a month and never needs the bitmap. */
#define LAZY_RUNS 8

static bool find_run(const ledger_mark *m, uint32_t slot, int *file, long *line);

static void ensure_bitmap(ledger_mark *m)
{
    if (m->seen != NULL)
        return;
    m->seen = xcalloc(bitmap_words(m->res), sizeof *m->seen);
    for (uint32_t r = 0; r < m->nruns; r++)
        for (uint32_t k = 0; k < m->runs[r].n; k++) {
            uint32_t slot = m->runs[r].slot0 + k * m->runs[r].slot_step;
            m->seen[slot / 64] |= (uint64_t)1 << (slot % 64);
        }
}

/* Makes the slots finer (res divides m->res): every slot and run is scaled. */
static void refine(ledger_mark *m, uint32_t res)
{
    uint32_t f = m->res / res;
    if (m->seen == NULL) {
        for (uint32_t r = 0; r < m->nruns; r++) {
            m->runs[r].slot0 *= f;
            m->runs[r].slot_step *= f;
        }
        m->res = res;
        return;
    }
    size_t words = bitmap_words(res);
    uint64_t *bits = xcalloc(words, sizeof *bits);
    for (uint32_t i = 0; i <= 31u * 86400u / m->res; i++)
        if (m->seen[i / 64] >> (i % 64) & 1u) {
            uint32_t j = i * f;
            bits[j / 64] |= (uint64_t)1 << (j % 64);
        }
    free(m->seen);
    m->seen = bits;
    for (uint32_t r = 0; r < m->nruns; r++) {
        m->runs[r].slot0 *= f;
        m->runs[r].slot_step *= f;
    }
    m->res = res;
}

/* Remembers that slot came from file:line, extending the last run when it
 * continues it. */
static void note_run(ledger_mark *m, uint32_t slot, int file, long line)
{
    if (m->nruns > 0) {
        ledger_run *r = &m->runs[m->nruns - 1];
        if (r->file == file && r->n == 1 && slot > r->slot0 && line > r->line0) {
            r->slot_step = slot - r->slot0;
            r->line_step = line - r->line0;
            r->n = 2;
            return;
        }
        if (r->file == file && r->n > 1 && slot == r->slot0 + r->n * r->slot_step &&
            line == r->line0 + (long)r->n * r->line_step) {
            r->n++;
            return;
        }
    }
    if (m->nruns == m->runs_cap) {
        m->runs_cap = m->runs_cap ? m->runs_cap * 2 : 2;
        m->runs = xreallocarray(m->runs, m->runs_cap, sizeof *m->runs);
    }
    m->runs[m->nruns++] = (ledger_run){slot, 0, 1, file, line, 0};
}

static bool find_run(const ledger_mark *m, uint32_t slot, int *file, long *line)
{
    for (uint32_t i = 0; i < m->nruns; i++) {
        const ledger_run *r = &m->runs[i];
        if (slot < r->slot0)
            continue;
        uint32_t k = r->n == 1 ? 0 : (slot - r->slot0) / (r->slot_step ? r->slot_step : 1);
        if (k < r->n && r->slot0 + k * r->slot_step == slot) {
            *file = r->file;
            *line = r->line0 + (long)k * r->line_step;
            return true;
        }
    }
    return false;
}

enum ledger_dup ledger_mark_row(ledger_mark *m, int ord, const parse_period *p, bool end_label, int file,
                                long line, int *other_file, long *other_line)
{
    if (end_label)
        m->end_label = true;
    if (m->first_line == 0) {
        m->granularity = (unsigned char)p->granularity;
        m->file = file;
        m->first_line = line;
    } else {
        *other_file = m->file;
        *other_line = m->first_line;
        if (p->granularity == PERIOD_MONTH || m->granularity == PERIOD_MONTH)
            return (p->granularity == PERIOD_MONTH && m->granularity == PERIOD_MONTH) ? LEDGER_DUP_SAME
                                                                                      : LEDGER_DUP_MIXED;
        if (p->granularity != m->granularity)
            return LEDGER_DUP_MIXED; /* a daily total beside interval rows of the same month */
    }
    if (p->granularity == PERIOD_MONTH)
        return LEDGER_DUP_NONE;

    /* Daily or interval rows: which slot of the month, in any order. */
    int64_t offset = p->stamp - period_first_day(ord) * 86400;
    if (end_label ? (offset <= 0 || offset > 31 * 86400) : (offset < 0 || offset >= 31 * 86400))
        offset = 0; /* not inside the month (a bill keyed by an earlier day): its first slot */
    uint32_t res = slot_res_for(offset);
    if (m->res == 0)
        m->res = res;
    else if (res < m->res)
        refine(m, res);
    uint32_t slot = (uint32_t)(offset / m->res);
    bool repeated = m->seen != NULL ? (m->seen[slot / 64] >> (slot % 64) & 1u) != 0
                                    : find_run(m, slot, other_file, other_line);
    if (repeated) {
        if (m->seen != NULL && !find_run(m, slot, other_file, other_line)) {
            *other_file = m->file;
            *other_line = m->first_line;
        }
        return LEDGER_DUP_SAME;
    }
    if (m->seen != NULL)
        m->seen[slot / 64] |= (uint64_t)1 << (slot % 64);
    m->days |= (uint32_t)1 << ((offset - (end_label && offset > 0)) / 86400);
    note_run(m, slot, file, line);
    if (m->seen == NULL && m->nruns > LAZY_RUNS)
        ensure_bitmap(m);
    return LEDGER_DUP_NONE;
}

enum ledger_dup ledger_mark_days(ledger_mark *m, int ord, int lo, int hi, int file, long line, int *other_file,
                                 long *other_line)
{
    (void)ord;
    if (m->first_line == 0) {
        m->granularity = PERIOD_DAY;
        m->file = file;
        m->first_line = line;
    } else if (m->granularity != PERIOD_DAY) {
        *other_file = m->file;
        *other_line = m->first_line;
        return LEDGER_DUP_MIXED;
    }
    if (m->res == 0)
        m->res = 86400;
    ensure_bitmap(m);
    uint32_t f = 86400 / m->res;
    for (int d = lo; d <= hi; d++) {
        uint32_t slot = (uint32_t)(d - 1) * f;
        if (m->seen[slot / 64] >> (slot % 64) & 1u) {
            if (!find_run(m, slot, other_file, other_line)) {
                *other_file = m->file;
                *other_line = m->first_line;
            }
            return LEDGER_DUP_SAME; /* bills (or a bill and a day) that overlap */
        }
    }
    for (int d = lo; d <= hi; d++) {
        uint32_t slot = (uint32_t)(d - 1) * f;
        m->seen[slot / 64] |= (uint64_t)1 << (slot % 64);
        m->days |= (uint32_t)1 << (d - 1);
    }
    if (m->nruns == m->runs_cap) {
        m->runs_cap = m->runs_cap ? m->runs_cap * 2 : 2;
        m->runs = xreallocarray(m->runs, m->runs_cap, sizeof *m->runs);
    }
    m->runs[m->nruns++] = (ledger_run){(uint32_t)(lo - 1) * f, f, (uint32_t)(hi - lo + 1), file, line, 0};
    return LEDGER_DUP_NONE;
}

size_t ledger_mark_words(const ledger_mark *m)
{
    return bitmap_words(m->res ? m->res : 86400);
}

void ledger_mark_slots(const ledger_mark *m, uint64_t *bits)
{
    size_t words = ledger_mark_words(m);
    if (m->seen != NULL) {
        memcpy(bits, m->seen, words * sizeof *bits);
        return;
    }
    memset(bits, 0, words * sizeof *bits);
    for (uint32_t r = 0; r < m->nruns; r++)
        for (uint32_t k = 0; k < m->runs[r].n; k++) {
            uint32_t slot = m->runs[r].slot0 + k * m->runs[r].slot_step;
            bits[slot / 64] |= (uint64_t)1 << (slot % 64);
        }
}

void ledger_mark_free(ledger_mark *m)
{
    free(m->seen);
    free(m->runs);
    m->seen = NULL;
    m->runs = NULL;
}

ledger *ledger_new(void)
{
    ledger *l = xcalloc(1, sizeof *l);
    l->ent_index = strmap_new();
    l->ent_fold = strmap_new();
    l->series_fold = strmap_new();
    l->series_index = strmap_new();
    return l;
}

static void enterprise_free(ledger_enterprise *e)
{
    free(e->id);
    free(e->name);
    free(e->name_en);
    free(e->province_text);
    free(e->address);
    for (int k = 0; k < LEDGER_SITE__COUNT; k++)
        free(e->site[k]);
    for (size_t i = 0; i < e->nproducts; i++) {
        free(e->products[i].id);
        free(e->products[i].name);
        free(e->products[i].cn_code);
    }
    free(e->products);
    strmap_free(e->product_index);
    strmap_free(e->product_fold);
    for (size_t i = 0; i < e->nmonths; i++) {
        for (size_t c = 0; c < e->months[i].ncells; c++)
            ledger_mark_free(&e->months[i].cells[c].prod_mark);
        free(e->months[i].cells);
    }
    free(e->months);
    free(e->suppliers);
    free(e->annual);
    free(e->series);
    hourly_store_free(e->hourly);
    free(e);
}

void ledger_free(ledger *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->nents; i++)
        enterprise_free(l->ents[i]);
    free(l->ents);
    strmap_free(l->ent_index);
    strmap_free(l->ent_fold);
    strmap_free(l->series_fold);
    for (size_t i = 0; i < l->nseries; i++) {
        ledger_series *s = l->series[i];
        /* meter and product live in s's own allocation */
        for (size_t k = 0; k < s->n; k++)
            ledger_mark_free(&s->marks[k]);
        free(s->marks);
        free(s);
    }
    free(l->series);
    strmap_free(l->series_index);
    for (size_t i = 0; i < l->ninputs; i++) {
        free(l->inputs[i].path);
        free(l->inputs[i].role);
    }
    free(l->inputs);
    free(l->tou);
    for (size_t i = 0; i < l->nsettings; i++)
        free(l->settings[i]);
    free(l->settings);
    free(l);
}

int ledger_add_input(ledger *l, const char *path, const char *role)
{
    if (l->ninputs == l->inputs_cap) {
        l->inputs_cap = l->inputs_cap ? l->inputs_cap * 2 : 8;
        l->inputs = xreallocarray(l->inputs, l->inputs_cap, sizeof *l->inputs);
    }
    ledger_input *in = &l->inputs[l->ninputs];
    memset(in, 0, sizeof *in);
    in->path = xstrdup(path);
    in->role = xstrdup(role);
    return (int)l->ninputs++;
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ledger_add_setting(ledger *l, const char *line)
{
    l->settings = xreallocarray(l->settings, l->nsettings + 1, sizeof *l->settings);
    l->settings[l->nsettings++] = xstrdup(line);
}

void ledger_inputs_digest(const ledger *l, char out[65])
{
    size_t nl = l->ninputs + l->nsettings;
    char **lines = xreallocarray(NULL, nl + 1, sizeof *lines);
    size_t total = 0;
    for (size_t i = 0; i < nl; i++) {
        const char *a = i < l->ninputs ? l->inputs[i].sha256 : "setting";
        const char *b = i < l->ninputs ? l->inputs[i].role : l->settings[i - l->ninputs];
        size_t n = strlen(a) + 1 + strlen(b) + 2;
        lines[i] = xmalloc(n);
        snprintf(lines[i], n, "%s %s\n", a, b);
        total += strlen(lines[i]);
    }
    qsort(lines, nl, sizeof *lines, cmp_line);
    char *text = xmalloc(total + 1), *p = text;
    for (size_t i = 0; i < nl; i++) {
        size_t n = strlen(lines[i]);
        memcpy(p, lines[i], n);
        p += n;
        free(lines[i]);
    }
    hash_bytes(text, total, out);
    free(text);
    free(lines);
}

const ledger_enterprise *ledger_enterprise_lookalike(const ledger *l, const char *id, size_t len)
{
    char *fold = xmalloc(len + 1);
    size_t fl = utf8_fold_id(id, len, fold, len + 1);
    const ledger_enterprise *e = strmap_get(l->ent_fold, fold, fl);
    free(fold);
    return e != NULL && !(e->id_len == len && memcmp(e->id, id, len) == 0) ? e : NULL;
}

const ledger_product *ledger_product_lookalike(const ledger_enterprise *e, const char *id, size_t len)
{
    if (strmap_get(e->product_index, id, len) != NULL)
        return NULL; /* known as written: the common case, on every sub-metered row */
    char *fold = xmalloc(len + 1);
    size_t fl = utf8_fold_id(id, len, fold, len + 1);
    uintptr_t v = (uintptr_t)strmap_get(e->product_fold, fold, fl);
    free(fold);
    if (v == 0)
        return NULL;
    const ledger_product *p = &e->products[v - 1];
    return strlen(p->id) == len && memcmp(p->id, id, len) == 0 ? NULL : p;
}


ledger_enterprise *ledger_enterprise_get(ledger *l, const char *id, size_t len, bool create)
{
    ledger_enterprise *e = strmap_get(l->ent_index, id, len);
    if (e != NULL || !create)
        return e;
    e = xcalloc(1, sizeof *e);
    e->id = xstrndup(id, len);
    e->id_len = len;
    memcpy(e->country, "CN", 3);
    e->product_index = strmap_new();
    e->product_fold = strmap_new();
    if (l->nents == l->ents_cap) {
        l->ents_cap = l->ents_cap ? l->ents_cap * 2 : 16;
        l->ents = xreallocarray(l->ents, l->ents_cap, sizeof *l->ents);
    }
    l->ents[l->nents++] = e;
    strmap_put(l->ent_index, id, len, e);
    char *fold = xmalloc(len + 1);
    size_t fl = utf8_fold_id(id, len, fold, len + 1);
    if (strmap_get(l->ent_fold, fold, fl) == NULL)
        strmap_put(l->ent_fold, fold, fl, e);
    free(fold);
    return e;
}

/* Index of month ord in e->months, or where it would go (*found false). */
static size_t month_index(const ledger_enterprise *e, int ord, bool *found)
{
    if (e->last_month < e->nmonths && e->months[e->last_month].ord == ord) {
        *found = true;
        return e->last_month;
    }
    size_t lo = 0, hi = e->nmonths;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->months[mid].ord < ord)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < e->nmonths && e->months[lo].ord == ord;
    return lo;
}

ledger_month *ledger_month_get(ledger_enterprise *e, int ord)
{
    bool found;
    size_t i = month_index(e, ord, &found);
    if (!found) {
        if (e->nmonths == e->months_cap) {
            e->months_cap = e->months_cap ? e->months_cap * 2 : 16;
            e->months = xreallocarray(e->months, e->months_cap, sizeof *e->months);
        }
        memmove(e->months + i + 1, e->months + i, (e->nmonths - i) * sizeof *e->months);
        memset(&e->months[i], 0, sizeof *e->months);
        e->months[i].ord = ord;
        e->nmonths++;
    }
    e->last_month = i;
    return &e->months[i];
}

const ledger_month *ledger_month_find(const ledger_enterprise *e, int ord)
{
    bool found;
    size_t i = month_index(e, ord, &found);
    return found ? &e->months[i] : NULL;
}

size_t ledger_product_get(ledger_enterprise *e, const char *id, size_t len, int file, long line,
                          bool *created)
{
    uintptr_t v = (uintptr_t)strmap_get(e->product_index, id, len);
    *created = v == 0;
    if (v != 0)
        return (size_t)(v - 1);
    if (e->nproducts == e->products_cap) {
        e->products_cap = e->products_cap ? e->products_cap * 2 : 8;
        e->products = xreallocarray(e->products, e->products_cap, sizeof *e->products);
    }
    ledger_product *p = &e->products[e->nproducts];
    memset(p, 0, sizeof *p);
    p->id = xstrndup(id, len);
    p->file = file;
    p->line = line;
    strmap_put(e->product_index, id, len, (void *)(uintptr_t)(e->nproducts + 1));
    char *fold = xmalloc(len + 1);
    size_t fl = utf8_fold_id(id, len, fold, len + 1);
    if (strmap_get(e->product_fold, fold, fl) == NULL)
        strmap_put(e->product_fold, fold, fl, (void *)(uintptr_t)(e->nproducts + 1));
    free(fold);
    return e->nproducts++;
}

ledger_cell *ledger_cell_get(ledger_month *m, size_t p)
{
    if (p >= m->ncells) {
        size_t n = m->ncells ? m->ncells : 4;
        while (n <= p)
            n *= 2;
        m->cells = xreallocarray(m->cells, n, sizeof *m->cells);
        memset(m->cells + m->ncells, 0, (n - m->ncells) * sizeof *m->cells);
        m->ncells = n;
    }
    return &m->cells[p];
}

/* Appends a length-prefixed part: distinct ids never make the same key,
 * whatever bytes they hold and however long they are. */
static size_t key_part(char *key, size_t k, const void *part, size_t len)
{
    uint64_t n = len;
    memcpy(key + k, &n, sizeof n);
    memcpy(key + k + sizeof n, part, len);
    return k + sizeof n + len;
}

/* The first series whose meter id folds (utf8_fold_id) like this new one's,
 * for the same enterprise, product, source and file key, when its id differs:
 * one meter written two ways. Hashed, so a park of 200,000 meters costs one
 * lookup a meter. */
static const ledger_series *series_lookalike(ledger *l, const ledger_series_key *sk, const ledger_series *s)
{
    if (sk->meter_len == 0)
        return NULL;
    size_t need = sizeof(void *) + 3 * sizeof(uint64_t) + sk->meter_len + 1 + sk->product_len + 2 * sizeof(int);
    char *key = xmalloc(need), *fold = xmalloc(sk->meter_len + 1);
    size_t fl = utf8_fold_id(sk->meter, sk->meter_len, fold, sk->meter_len + 1);
    memcpy(key, &sk->enterprise, sizeof(void *));
    size_t k = key_part(key, sizeof(void *), fold, fl);
    k = key_part(key, k, sk->product, sk->product_len);
    int tail[2] = {(int)sk->source, sk->key_file};
    k = key_part(key, k, tail, sizeof tail);
    const ledger_series *first = strmap_get(l->series_fold, key, k);
    if (first == NULL)
        strmap_put(l->series_fold, key, k, (void *)s);
    free(key);
    free(fold);
    return first != NULL && strcmp(first->meter, s->meter) != 0 ? first : NULL;
}

ledger_series *ledger_series_of(ledger *l, const ledger_series_key *sk)
{
    char small[512];
    size_t need = 5 * sizeof(uint64_t) + sk->enterprise->id_len + sk->meter_len + sk->product_len + 2 * sizeof(int);
    char *key = need <= sizeof small ? small : xmalloc(need);
    size_t k = key_part(key, 0, sk->enterprise->id, sk->enterprise->id_len);
    k = key_part(key, k, sk->meter, sk->meter_len);
    k = key_part(key, k, sk->product, sk->product_len);
    int tail[2] = {(int)sk->source, sk->key_file};
    k = key_part(key, k, tail, sizeof tail);

    ledger_series *s = strmap_get(l->series_index, key, k);
    if (s == NULL) {
        /* The ids in the same allocation: the lookup in ingest compares
         * them on every row of an interleaved export. */
        s = xcalloc(1, sizeof *s + sk->meter_len + 1 + sk->product_len + 1);
        char *text = (char *)(s + 1);
        s->enterprise = sk->enterprise;
        s->meter = memcpy(text, sk->meter, sk->meter_len);
        s->product = memcpy(text + sk->meter_len + 1, sk->product, sk->product_len);
        s->meter_len = sk->meter_len;
        s->product_len = sk->product_len;
        s->source = sk->source;
        s->key_file = sk->key_file;
        s->lookalike = series_lookalike(l, sk, s);
        s->file = sk->file;
        s->line = sk->line;
        strmap_put(l->series_index, key, k, s);
        if (l->nseries == l->series_cap) {
            l->series_cap = l->series_cap ? l->series_cap * 2 : 64;
            l->series = xreallocarray(l->series, l->series_cap, sizeof *l->series);
        }
        l->series[l->nseries++] = s;
        ledger_enterprise *e = sk->enterprise;
        if (e->nseries == e->series_cap) {
            e->series_cap = e->series_cap ? e->series_cap * 2 : 8;
            e->series = xreallocarray(e->series, e->series_cap, sizeof *e->series);
        }
        e->series[e->nseries++] = s;
    }
    if (key != small)
        free(key);
    return s;
}

ledger_mark *ledger_series_month(ledger_series *s, int ord)
{
    for (size_t i = s->n; i-- > 0;) /* newest first: exports run in time order */
        if (s->marks[i].ord == ord)
            return &s->marks[i];
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->marks = xreallocarray(s->marks, s->cap, sizeof *s->marks);
    }
    ledger_mark *m = &s->marks[s->n++];
    memset(m, 0, sizeof *m);
    m->ord = ord;
    return m;
}

void ledger_book(ledger_enterprise *e, int ord, const char *product, size_t product_len, int file,
                 long line, enum supply_source src, double kwh, const factor *supplier)
{
    if (src >= SUPPLY__COUNT)
        return; /* a load meter is no supply: only hourly matching reads it */
    ledger_month *m = ledger_month_get(e, ord);
    m->has_electricity = true;
    double supplier_kg = supplier != NULL ? kwh * supplier->value : 0.0;
    if (product_len > 0 && src != SUPPLY_CERTIFICATE) {
        bool created;
        size_t pi = ledger_product_get(e, product, product_len, file, line, &created);
        ledger_cell *cell = ledger_cell_get(m, pi);
        cell->sub_kwh[src] += kwh;
        cell->sub_supplier_kg += supplier_kg;
    } else {
        m->pool_kwh[src] += kwh;
        m->pool_supplier_kg += supplier_kg;
    }
    if (supplier != NULL)
        ledger_note_supplier(e, supplier);
}

void ledger_note_tou(ledger *l, ledger_series *s, int ord)
{
    if (l->ntou == l->tou_cap) {
        l->tou_cap = l->tou_cap ? l->tou_cap * 2 : 16;
        l->tou = xreallocarray(l->tou, l->tou_cap, sizeof *l->tou);
    }
    l->tou[l->ntou].series = s;
    l->tou[l->ntou].ord = ord;
    l->ntou++;
}

bool ledger_settle_tou(ledger *l, diag_list *dl)
{
    bool ok = true;
    for (size_t i = 0; i < l->ntou; i++) {
        ledger_series *s = l->tou[i].series;
        ledger_mark *m = ledger_series_month(s, l->tou[i].ord);
        if (!m->tou)
            continue; /* already settled */
        m->tou = false;
        bool has_total = m->tou_seen & 1u, has_tiers = m->tou_seen & ~1u;
        double kwh = has_total ? m->tou_total_kwh : m->tou_tier_kwh;
        char per[8], a[64], b[64];
        period_format(m->ord, per, sizeof per);
        numfmt_human(a, sizeof a, m->tou_tier_kwh);
        numfmt_human(b, sizeof b, m->tou_total_kwh);
        if (has_total && has_tiers && m->tou_total_kwh == 0 && m->tou_tier_kwh > 0) {
            diag_add(dl, DIAG_ERROR, l->inputs[m->file].path, m->first_line, 0,
                     "meter %s, %s: the total is 0 kWh but the time-of-use tiers add up to %s kWh; expected "
                     "the total of the tiers (or 0 in every tier)",
                     s->meter[0] ? s->meter : "(no id)", per, a);
            ok = false;
            continue;
        }
        if (has_total && has_tiers && m->tou_total_kwh > 0 &&
            fabs(m->tou_tier_kwh - m->tou_total_kwh) > 0.005 * m->tou_total_kwh)
            diag_add(dl, DIAG_WARNING, l->inputs[m->file].path, m->first_line, 0,
                     "meter %s, %s: the time-of-use tiers add up to %s kWh, the total is %s kWh "
                     "(%.1f %% apart); the total is used",
                     s->meter[0] ? s->meter : "(no id)", per, a, b,
                     100.0 * fabs(m->tou_tier_kwh - m->tou_total_kwh) / m->tou_total_kwh);
        m->kwh = kwh;
        ledger_book(s->enterprise, m->ord, s->product, strlen(s->product), m->file,
                    m->first_line, s->source, kwh, m->tou_supplier);
    }
    l->ntou = 0;
    return ok;
}

void ledger_note_supplier(ledger_enterprise *e, const factor *f)
{
    for (size_t i = 0; i < e->nsuppliers; i++)
        if (e->suppliers[i] == f)
            return;
    e->suppliers = xreallocarray(e->suppliers, e->nsuppliers + 1, sizeof *e->suppliers);
    e->suppliers[e->nsuppliers++] = f;
}
