/* ledger.c - the aggregated input model (see ledger.h). */
#include "config.h"
#include "ledger.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Key separator for series keys: a control character no CSV field of ours keeps. */
#define KEY_SEP        '\x1f'
#define SERIES_KEY_MAX 2048

enum ledger_dup ledger_mark_row(ledger_mark *m, const parse_period *p, int file, long line, int *other_file,
                                long *other_line)
{
    if (m->first_line == 0) {
        m->granularity = (unsigned char)p->granularity;
        m->file = file;
        m->first_line = m->last_line = line;
        m->last_stamp = p->stamp;
        return LEDGER_DUP_NONE;
    }
    *other_file = m->file;
    if (p->granularity == PERIOD_MONTH || m->granularity == PERIOD_MONTH) {
        *other_line = m->first_line;
        return (p->granularity == PERIOD_MONTH && m->granularity == PERIOD_MONTH) ? LEDGER_DUP_SAME
                                                                                  : LEDGER_DUP_MIXED;
    }
    /* Daily or interval rows: the same timestamp as the row before is a
     * repeated row (exports are in time order; out-of-order repeats are not
     * caught here). */
    if (p->stamp == m->last_stamp) {
        *other_line = m->last_line;
        return LEDGER_DUP_SAME;
    }
    m->file = file;
    m->last_line = line;
    m->last_stamp = p->stamp;
    return LEDGER_DUP_NONE;
}

ledger *ledger_new(void)
{
    ledger *l = xcalloc(1, sizeof *l);
    l->ent_index = strmap_new();
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
    for (size_t i = 0; i < e->nproducts; i++) {
        free(e->products[i].id);
        free(e->products[i].name);
        free(e->products[i].cn_code);
    }
    free(e->products);
    strmap_free(e->product_index);
    for (size_t i = 0; i < e->nmonths; i++)
        free(e->months[i].cells);
    free(e->months);
    free(e->suppliers);
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
    for (size_t i = 0; i < l->nseries; i++) {
        ledger_series *s = l->series[i];
        free(s->meter);
        free(s->product);
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
    if (l->nents == l->ents_cap) {
        l->ents_cap = l->ents_cap ? l->ents_cap * 2 : 16;
        l->ents = xreallocarray(l->ents, l->ents_cap, sizeof *l->ents);
    }
    l->ents[l->nents++] = e;
    strmap_put(l->ent_index, id, len, e);
    return e;
}

ledger_month *ledger_month_get(ledger_enterprise *e, int ord)
{
    if (e->nmonths == 0) {
        e->month_lo = ord;
        e->months = xcalloc(1, sizeof *e->months);
        e->nmonths = 1;
    } else if (ord < e->month_lo) {
        size_t add = (size_t)(e->month_lo - ord);
        e->months = xreallocarray(e->months, e->nmonths + add, sizeof *e->months);
        memmove(e->months + add, e->months, e->nmonths * sizeof *e->months);
        memset(e->months, 0, add * sizeof *e->months);
        e->nmonths += add;
        e->month_lo = ord;
    } else if ((size_t)(ord - e->month_lo) >= e->nmonths) {
        size_t n = (size_t)(ord - e->month_lo) + 1;
        e->months = xreallocarray(e->months, n, sizeof *e->months);
        memset(e->months + e->nmonths, 0, (n - e->nmonths) * sizeof *e->months);
        e->nmonths = n;
    }
    return &e->months[ord - e->month_lo];
}

const ledger_month *ledger_month_find(const ledger_enterprise *e, int ord)
{
    if (e->nmonths == 0 || ord < e->month_lo || (size_t)(ord - e->month_lo) >= e->nmonths)
        return NULL;
    return &e->months[ord - e->month_lo];
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

/* Appends at most SERIES_PART_MAX bytes of part and a separator. */
#define SERIES_PART_MAX (SERIES_KEY_MAX / 3 - 2)
static size_t key_part(char *key, size_t k, const char *part, size_t len)
{
    if (len > SERIES_PART_MAX)
        len = SERIES_PART_MAX; /* csvin caps fields far below; a key must never overflow */
    memcpy(key + k, part, len);
    key[k + len] = KEY_SEP;
    return k + len + 1;
}

ledger_series *ledger_series_of(ledger *l, const ledger_series_key *sk)
{
    char key[SERIES_KEY_MAX];
    size_t k = key_part(key, 0, sk->enterprise->id, sk->enterprise->id_len);
    k = key_part(key, k, sk->meter, sk->meter_len);
    k = key_part(key, k, sk->product, sk->product_len);
    key[k++] = (char)('A' + sk->source);

    ledger_series *s = strmap_get(l->series_index, key, k);
    if (s == NULL) {
        s = xcalloc(1, sizeof *s);
        s->enterprise = sk->enterprise;
        s->meter = xstrndup(sk->meter, sk->meter_len);
        s->product = xstrndup(sk->product, sk->product_len);
        s->source = sk->source;
        strmap_put(l->series_index, key, k, s);
        if (l->nseries == l->series_cap) {
            l->series_cap = l->series_cap ? l->series_cap * 2 : 64;
            l->series = xreallocarray(l->series, l->series_cap, sizeof *l->series);
        }
        l->series[l->nseries++] = s;
    }
    return s;
}

static ledger_mark *series_month(ledger_series *s, int ord)
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

ledger_mark *ledger_series_mark(ledger *l, const ledger_series_key *sk, int ord)
{
    return series_month(ledger_series_of(l, sk), ord);
}

void ledger_book(ledger_enterprise *e, int ord, const char *product, size_t product_len, int file,
                 long line, enum supply_source src, double kwh, const factor *supplier)
{
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

void ledger_settle_tou(ledger *l, diag_list *dl)
{
    for (size_t i = 0; i < l->ntou; i++) {
        ledger_series *s = l->tou[i].series;
        ledger_mark *m = series_month(s, l->tou[i].ord);
        if (!m->tou)
            continue; /* already settled */
        m->tou = false;
        bool has_total = m->tou_seen & 1u, has_tiers = m->tou_seen & ~1u;
        double kwh = has_total ? m->tou_total_kwh : m->tou_tier_kwh;
        char per[8];
        period_format(m->ord, per, sizeof per);
        if (has_total && has_tiers && m->tou_total_kwh > 0 &&
            fabs(m->tou_tier_kwh - m->tou_total_kwh) > 0.005 * m->tou_total_kwh)
            diag_add(dl, DIAG_WARNING, l->inputs[m->file].path, m->first_line, 0,
                     "meter %s, %s: the time-of-use tiers add up to %.17g kWh, the total is %.17g kWh "
                     "(%.1f %% apart); the total is used",
                     s->meter[0] ? s->meter : "(no id)", per, m->tou_tier_kwh, m->tou_total_kwh,
                     100.0 * fabs(m->tou_tier_kwh - m->tou_total_kwh) / m->tou_total_kwh);
        ledger_book(s->enterprise, m->ord, s->product, strlen(s->product), m->file,
                    m->first_line, s->source, kwh, m->tou_supplier);
    }
    l->ntou = 0;
}

void ledger_note_supplier(ledger_enterprise *e, const factor *f)
{
    for (size_t i = 0; i < e->nsuppliers; i++)
        if (e->suppliers[i] == f)
            return;
    e->suppliers = xreallocarray(e->suppliers, e->nsuppliers + 1, sizeof *e->suppliers);
    e->suppliers[e->nsuppliers++] = f;
}
