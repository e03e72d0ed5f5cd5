/* report_text.c - human-readable summary (see report_text.h).
 *
 * One layout for both languages: the words come from labels.c (whose
 * English is what the summary always printed), sentences are written per
 * language, and labels are padded by display width (a CJK character takes
 * two columns), so the numbers line up in Chinese as in English. */
#include "config.h"
#include "report_text.h"
#include "cbamcost.h"
#include "scenario.h"
#include "labels.h"
#include "numfmt.h"
#include "utf8.h"
#include "parse.h"

#include <math.h>
#include <string.h>

char *report_text_number(char *buf, size_t size, double v, int decimals)
{
    return numfmt_fixed(buf, size, v, decimals);
}

/* True for the code points a terminal shows two columns wide: East Asian
 * Wide and Fullwidth (Hangul Jamo, CJK, kana, Hangul, compatibility and
 * full-width forms, the supplementary ideographs). */
static bool wide(unsigned long cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t report_text_width(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len = strlen(s), cols = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq_len(u + i, len - i);
        if (n <= 1) {
            cols++;
            i++;
            continue;
        }
        unsigned long cp = u[i] & (0xFFu >> (n + 1));
        for (size_t k = 1; k < n; k++)
            cp = cp << 6 | (u[i + k] & 0x3Fu);
        cols += wide(cp) ? 2 : 1;
        i += n;
    }
    return cols;
}

/* Writes s left-aligned in `width` columns, as "%-*s" does for ASCII. */
static void put_left(FILE *f, const char *s, size_t width)
{
    size_t w = report_text_width(s);
    fputs(s, f);
    for (; w < width; w++)
        fputc(' ', f);
}

/* A source as the summary names it: its input-file id in English (grid,
 * green_trade, ...), the Chinese term in Chinese. */
static const char *source_text(int s, bool zh)
{
    static const enum label zh_name[SUPPLY__COUNT] = {
        [SUPPLY_GRID] = L_SUM_GRID,           [SUPPLY_GREEN_TRADE] = L_SRC_TRADE, [SUPPLY_GREEN_PPA] = L_SRC_PPA,
        [SUPPLY_GREEN_DIRECT] = L_SRC_DIRECT, [SUPPLY_ONSITE] = L_SRC_ONSITE,     [SUPPLY_SUPPLIER] = L_SUM_SUPPLIER,
        [SUPPLY_CERTIFICATE] = L_SUM_CERTIFICATES,
    };
    return zh && s >= 0 && s < SUPPLY__COUNT ? label(zh_name[s], true) : supply_name((enum supply_source)s);
}

static void factor_line(FILE *f, bool zh, enum label what, double t, double kwh, const factor *fa, const char *code)
{
    char a[48], b[48];
    fputs("  ", f);
    put_left(f, label(what, zh), 16);
    fprintf(f, " %16s t  %8s kg/kWh", report_text_number(a, sizeof a, t, 3),
            kwh > 0 ? report_text_number(b, sizeof b, t * 1000.0 / kwh, 4) : "-");
    if (fa != NULL && zh)
        fprintf(f, "   排放因子 %s = %.4f%s", fa->id, fa->value, fa->replaced ? "（已被您的 --factors 文件替换）" : "");
    else if (fa != NULL)
        fprintf(f, "   factor %s = %.4f%s", fa->id, fa->value, fa->replaced ? " (REPLACED by your --factors file)" : "");
    else
        fputs(zh ? "   排放因子逐月不同" : "   factor differs by month", f);
    if (code != NULL)
        fprintf(f, zh ? "，代码 %s" : ", code %s", code);
    fputc('\n', f);
}

/* hourly.c's reason in Chinese where labels.c has it; else as it is. */
static const char *reason_text(const char *reason, bool zh)
{
    for (int l = L_REASON_TAINTED; zh && l <= L_REASON_GREEN_TAINTED; l++)
        if (strcmp(label((enum label)l, false), reason) == 0)
            return label((enum label)l, true);
    return reason;
}

/* The hour-by-hour matching: the 24/7 share and the surplus per source. */
static void hourly_lines(FILE *f, const alloc_enterprise *ae, bool zh)
{
    const hourly_ent *h = ae->hourly;
    char a[48], b[48], c[48];
    if (h == NULL)
        return;
    if (h->nmatched == 0) {
        if (zh)
            fprintf(f, "  逐小时匹配：%zu 个有分时数据的月份均未能匹配：\n", h->nmonths);
        else
            fprintf(f, "  Hourly matching: none of the %zu month%s with interval rows could be matched:\n",
                    h->nmonths, h->nmonths == 1 ? "" : "s");
        for (size_t i = 0; i < h->nmonths && i < 3; i++) {
            char per[8];
            period_format(h->months[i].ord, per, sizeof per);
            fprintf(f, zh ? "    %s：%s\n" : "    %s: %s\n", per, reason_text(h->months[i].reason, zh));
        }
        if (h->nmonths > 3)
            fputs(zh ? "    （其他月份：见 JSON 的 hourly.months）\n" : "    (the other months: see the JSON's hourly.months)\n",
                  f);
        return;
    }
    if (zh)
        fprintf(f, "  逐小时匹配（%zu 个月，%u 小时，%u 分钟数据）\n", h->nmatched, h->hours, h->interval_minutes);
    else
        fprintf(f, "  Hourly matching (%zu month%s, %u hours, %u-minute data)\n", h->nmatched,
                h->nmatched == 1 ? "" : "s", h->hours, h->interval_minutes);
    fputs("    ", f);
    put_left(f, label(L_SUM_LOAD, zh), 14);
    fprintf(f, zh ? " %18s   逐小时匹配率 %s %%（电量占比 %s %%）\n" : " %18s   matched share %s %%  (volumetric %s %%)\n",
            report_text_number(a, sizeof a, h->load_kwh, 0),
            h->has_share ? report_text_number(b, sizeof b, h->matched_share * 100, 1) : "-",
            h->has_share ? report_text_number(c, sizeof c, h->volumetric_share * 100, 1) : "-");
    for (int g = 0; g < HOURLY__GREEN; g++) {
        if (h->supply_kwh[g] == 0)
            continue;
        fputs("    ", f);
        put_left(f, source_text(hourly_green_source((enum hourly_green)g), zh), 14);
        fprintf(f, zh ? " %18s   匹配 %s，余电 %s\n" : " %18s   matched %s, surplus %s\n",
                report_text_number(a, sizeof a, h->supply_kwh[g], 0), report_text_number(b, sizeof b, h->matched_kwh[g], 0),
                report_text_number(c, sizeof c, h->surplus_kwh[g], 0));
    }
    size_t left = h->nmonths - h->nmatched;
    if (left > 0 && zh)
        fprintf(f, "    （%zu 个有分时数据的月份未匹配：见 JSON 的 hourly.months）\n", left);
    else if (left > 0)
        fprintf(f, "    (%zu month%s with interval rows not matched: see the JSON's hourly.months)\n", left,
                left == 1 ? "" : "s");
}

/* One "    NAME   NUMBER" line of the electricity block, without its end. */
static void kwh_line(FILE *f, const char *name, double kwh)
{
    char a[48];
    fputs("    ", f);
    put_left(f, name, 14);
    fprintf(f, " %18s", report_text_number(a, sizeof a, kwh, 0));
}

/* Each CBAM good's certificates and cost (--cbam-price). */
static void cost_block(FILE *f, const alloc_enterprise *ae, bool zh)
{
    const cbamcost_ent *c = ae->cost;
    char a[48], b[48], d[48];
    fprintf(f, "  %s %s EUR/tCO2\n", zh ? "CBAM 费用，证书价格" : "CBAM cost at",
            report_text_number(a, sizeof a, c->opts.price_eur_per_t, 2));
    for (size_t k = 0; k < ae->nproducts; k++) {
        size_t p = ae->product_order[k];
        const cbamcost_product *cp = &c->products[p];
        size_t idn = utf8_cut(ae->products[p].p->id, strlen(ae->products[p].p->id), 20);
        fprintf(f, "    %.*s%*s ", (int)idn, ae->products[p].p->id, (int)(20 - idn), "");
        if (cp->status == CBAMCOST_NOT_CBAM) {
            fprintf(f, "%s\n", zh ? "非 CBAM 商品" : "not a CBAM good");
            continue;
        }
        if (cp->status == CBAMCOST_INDIRECT_ONLY && !cp->indirect_in_liability) {
            fprintf(f, "%s\n", zh ? "未计价：未提供直接排放（--direct），其间接排放不计入 CBAM 应缴义务"
                                   : "not priced: direct emissions not given (--direct); its indirect emissions "
                                     "are not in the CBAM liability");
            continue;
        }
        fprintf(f, "%14s %s %14s EUR  (%s)\n", report_text_number(a, sizeof a, cp->certificates_t, 2),
                zh ? "份证书" : "certificates", report_text_number(b, sizeof b, cp->cost_eur, 0),
                cbamcost_status_name(cp->status));
    }
    if (c->nunpriced > 0)
        fprintf(f, "    %s\n", zh ? "合计：未知（有商品未计价）" : "total: unknown (goods not priced)");
    else
        fprintf(f, "    %-20s %14s %s %14s EUR\n", zh ? "合计" : "total",
                report_text_number(a, sizeof a, c->certificates_t, 2), zh ? "份证书" : "certificates",
                report_text_number(d, sizeof d, c->cost_eur, 0));
}

static void products(FILE *f, const alloc_enterprise *ae, bool zh)
{
    char a[48], b[48], c[48], d[48], e1[48], e2[48];
    fputs("  ", f);
    put_left(f, label(L_SUM_PRODUCTS, zh), 8);
    fprintf(f, " %29s %14s %9s   %s\n", "t", "kWh", "MWh/t",
            zh ? "单位产品间接排放 tCO2/t：基于位置 / 基于市场 / CBAM"
               : "SEE indirect tCO2/t: location / market / CBAM");
    for (size_t k = 0; k < ae->nproducts; k++) {
        const alloc_product *ap = &ae->products[ae->product_order[k]];
        /* Ids are cut to 20 bytes on a character boundary, then padded (in
         * Chinese by display width, so a Chinese id keeps the columns). */
        size_t idn = utf8_cut(ap->p->id, strlen(ap->p->id), 20);
        char id[24];
        memcpy(id, ap->p->id, idn);
        id[idn] = '\0';
        fputs("    ", f);
        if (zh)
            put_left(f, id, 20);
        else
            fprintf(f, "%s%*s", id, (int)(20 - idn), "");
        fprintf(f, " %14s %14s %9s   %s / %s / %s\n", report_text_number(a, sizeof a, ap->quantity_t, 1),
                report_text_number(b, sizeof b, ap->kwh, 0),
                ap->has_see ? report_text_number(c, sizeof c, ap->mwh_per_t, 3) : "-",
                ap->has_see ? report_text_number(d, sizeof d, ap->see.location, 4) : "-",
                ap->has_see ? report_text_number(e1, sizeof e1, ap->see.market, 4) : "-",
                ap->has_see ? report_text_number(e2, sizeof e2, ap->see.cbam, 4) : "-");
    }
    if (ae->cost != NULL)
        cost_block(f, ae, zh);
}

void report_text_write(FILE *f, const alloc_result *r)
{
    report_text_write_lang(f, r, false);
}

void report_text_write_lang(FILE *f, const alloc_result *r, bool zh)
{
    char b[48];
    if (r->n == 0)
        fprintf(f, "%s\n", label(L_SUM_NO_DATA, zh));
    for (size_t i = 0; i < r->n; i++) {
        const alloc_enterprise *ae = &r->ents[i];
        const ledger_enterprise *e = ae->e;
        char from[8], to[8];
        period_format(ae->from_ord, from, sizeof from);
        period_format(ae->to_ord, to, sizeof to);
        fprintf(f, zh ? "%s%s %s%s%s（%s%s%s）  %s .. %s\n" : "%s%s %s%s%s  (%s%s%s)  %s .. %s\n", i ? "\n" : "",
                label(L_SUM_ENTERPRISE, zh), e->id, e->name ? "  " : "", e->name ? e->name : "", e->country,
                e->province ? " / " : "", e->province ? e->province : "", from, to);
        fprintf(f, "  %s\n", label(L_ELECTRICITY_KWH, zh));
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (s == SUPPLY_CERTIFICATE || ae->kwh.source[s] == 0)
                continue;
            kwh_line(f, source_text(s, zh), ae->kwh.source[s]);
            fputc('\n', f);
        }
        kwh_line(f, label(L_SUM_CONSUMPTION, zh), ae->kwh.consumption);
        if (ae->has_green_share)
            fprintf(f, "   %s %s %%", label(L_SUM_GREEN_SHARE, zh),
                    report_text_number(b, sizeof b, ae->green_share * 100, 1));
        fputc('\n', f);
        if (ae->kwh.source[SUPPLY_CERTIFICATE] > 0) {
            kwh_line(f, label(L_SUM_CERTIFICATES, zh), ae->kwh.source[SUPPLY_CERTIFICATE]);
            fprintf(f, zh ? "   （声明，不是用电量；有效 %s）\n" : "   (a claim, not consumption; used %s)\n",
                    report_text_number(b, sizeof b, ae->kwh.certificates_used, 0));
        }
        if (ae->kwh.unallocated > 0) {
            kwh_line(f, label(L_SUM_UNALLOCATED, zh), ae->kwh.unallocated);
            fputs(zh ? "   （未分摊到产品）\n" : "   (not attributed to a product)\n", f);
        }
        hourly_lines(f, ae, zh);
        fprintf(f, "  %s\n", label(L_SUM_EMISSIONS, zh));
        factor_line(f, zh, L_SUM_LOCATION, ae->em.location, ae->kwh.consumption, ae->f.location, NULL);
        factor_line(f, zh, L_SUM_MARKET, ae->em.market, ae->kwh.consumption, ae->f.residual, NULL);
        for (size_t k = 0; k < e->nsuppliers; k++)
            fprintf(f, zh ? "  %-16s %16s    %8s           + 供应商排放因子 %s = %.4f，用于供应商电量\n"
                          : "  %-16s %16s    %8s           + supplier factor %s = %.4f for the supplier kWh\n",
                    "", "", "", e->suppliers[k]->id, e->suppliers[k]->value);
        factor_line(f, zh, L_CBAM, ae->em.cbam, ae->kwh.consumption, ae->f.cbam, ae->cbam_code);
        if (e->nsuppliers > 0)
            fputs(zh ? "  （供应商排放因子只用于基于市场的排放量：CBAM 只对直接技术连接或购电协议接受实际排放因子，\n"
                       "   IR 2025/2547 附件 II D.4.3；供应商电量按 CBAM 电网排放因子计算）\n"
                     : "  (a supplier's factor counts for the market-based figure only: CBAM accepts an actual factor\n"
                       "   only for a direct technical link or a PPA, IR 2025/2547 Annex II D.4.3; the supplier kWh\n"
                       "   carry the CBAM grid factor)\n",
                  f);
        if (ae->nproducts > 0)
            products(f, ae, zh);
    }
}

/* ---- scenario ---- */

/* A row: what (padded by display width), baseline, scenario, change. */
static void row3(FILE *f, const char *what, bool has_b, double b, bool has_s, double s, int dec)
{
    char x[48], y[48], z[48];
    fputs("  ", f);
    put_left(f, what, 34);
    fprintf(f, " %16s %16s %16s\n", has_b ? report_text_number(x, sizeof x, b, dec) : "-",
            has_s ? report_text_number(y, sizeof y, s, dec) : "-",
            has_b && has_s ? report_text_number(z, sizeof z, s - b, dec) : "-");
}

#define W(en, cn) (zh ? (cn) : (en))

void report_text_scenario(FILE *f, const scenario_result *r, bool zh)
{
    const alloc_enterprise *b = &r->base.res.ents[0], *s = &r->scen.res.ents[0];
    char from[8], to[8], x[48];
    period_format(b->from_ord, from, sizeof from);
    period_format(b->to_ord, to, sizeof to);
    fprintf(f, W("Scenario for %s%s%s, %s to %s\n", "情景：%s%s%s，%s 至 %s\n"), r->e->id, r->e->name ? " " : "",
            r->e->name ? r->e->name : "", from, to);
    for (size_t k = 0; k < r->opts.nchanges; k++) {
        const scenario_change *c = &r->opts.changes[k];
        fprintf(f, W("  %s %s kWh/year of %s, %s\n", "  %s %s 千瓦时/年 %s，%s\n"),
                c->remove ? W("remove", "减少") : W("add", "新增"),
                report_text_number(x, sizeof x, c->kwh_per_year, 0), supply_name(c->source),
                zh ? scenario_profile_name(r->profile_used[c->source]) : r->profile_text[c->source] ? r->profile_text[c->source] : "");
    }
    if (r->surplus_kwh > 0)
        fprintf(f, W("  surplus: %s kWh exceed the grid kWh they would replace (exported or curtailed)\n",
                     "  余电：%s 千瓦时超出其替代的电网电量（外送或弃电，不计入用电量）\n"),
                report_text_number(x, sizeof x, r->surplus_kwh, 0));
    if (r->monthly_only)
        fputs(W("  note: the baseline is hour-matched (as report); the added kWh are spread by month, not matched "
                "hour by hour\n",
                "  注：现状按小时匹配（与报告一致）；新增电量按月分配，未按小时匹配\n"),
              f);
    fputs("  ", f);
    put_left(f, "", 34);
    const char *heads[] = {W("baseline", "现状"), W("scenario", "情景"), W("change", "变化")};
    for (size_t k = 0; k < 3; k++) /* right-aligned by display width */
        fprintf(f, " %*s%s", (int)(16 - report_text_width(heads[k])), "", heads[k]);
    fputc('\n', f);
    for (int k = 0; k < SUPPLY__COUNT; k++)
        if (b->kwh.source[k] != 0 || s->kwh.source[k] != 0) {
            char what[64];
            snprintf(what, sizeof what, "%s kWh", supply_name((enum supply_source)k));
            row3(f, what, true, b->kwh.source[k], true, s->kwh.source[k], 0);
        }
    row3(f, W("consumption kWh", "用电量 kWh"), true, b->kwh.consumption, true, s->kwh.consumption, 0);
    row3(f, W("location-based tCO2", "基于位置 tCO2"), true, b->em.location, true, s->em.location, 2);
    row3(f, W("market-based tCO2", "基于市场 tCO2"), true, b->em.market, true, s->em.market, 2);
    row3(f, W("CBAM indirect tCO2", "CBAM 间接排放 tCO2"), true, b->em.cbam, true, s->em.cbam, 2);
    const scenario_money *mb = &r->base.money, *ms = &r->scen.money;
    row3(f, W("electricity cost yuan", "电费 元"), mb->has_electricity, mb->electricity_yuan, ms->has_electricity,
         ms->electricity_yuan, 0);
    row3(f, W("electricity yuan/kWh", "电价 元/kWh"), mb->has_per_kwh, mb->electricity_yuan_per_kwh,
         ms->has_per_kwh, ms->electricity_yuan_per_kwh, 4);
    row3(f, W("CBAM cost EUR", "CBAM 成本 欧元"), mb->has_cbam, mb->cbam_eur, ms->has_cbam, ms->cbam_eur, 0);
    row3(f, W("  of it, the electricity's EUR", "  其中由电力产生 欧元"), r->base.has_cost, mb->cbam_electricity_eur,
         r->scen.has_cost, ms->cbam_electricity_eur, 0);
    row3(f, W("all-in yuan/kWh", "综合成本 元/kWh"), mb->has_all_in, mb->all_in_yuan_per_kwh, ms->has_all_in,
         ms->all_in_yuan_per_kwh, 4);
    if (r->base.has_cost && r->base.cost.nunpriced > 0)
        fprintf(f, W("  (CBAM cost unknown: %zu good%s not priced, direct emissions not given: --direct)\n",
                     "  （CBAM 成本未知：%zu 种商品%.0s未计价，未提供直接排放：--direct）\n"),
                r->base.cost.nunpriced, r->base.cost.nunpriced == 1 ? "" : "s");
    if (mb->missing != NULL || ms->missing != NULL)
        fprintf(f, W("  (electricity cost: no --tariff for %s)\n", "  （电费：%s 未给出 --tariff）\n"),
                mb->missing ? mb->missing : ms->missing);
    for (size_t k = 0; k < b->nproducts; k++) {
        size_t p = b->product_order[k];
        const alloc_product *pb = &b->products[p], *ps = &s->products[p];
        fprintf(f, W("  product %s%s%s\n", "  产品 %s%s%s\n"), pb->p->id, pb->p->cn_code ? " CN " : "",
                pb->p->cn_code ? pb->p->cn_code : "");
        row3(f, W("  CBAM indirect tCO2", "  CBAM 间接排放 tCO2"), true, pb->em.cbam, true, ps->em.cbam, 2);
        row3(f, W("  SEE CBAM tCO2/t", "  单位产品排放 CBAM tCO2/t"), pb->has_see, pb->see.cbam, ps->has_see,
             ps->see.cbam, 4);
        if (r->base.has_cost && r->scen.has_cost) {
            const cbamcost_product *cb = &r->base.cost.products[p], *cs = &r->scen.cost.products[p];
            if (cb->status == CBAMCOST_INDIRECT_ONLY && !cb->indirect_in_liability) {
                /* 0 here would read as "pays nothing": its direct emissions are what it pays for */
                fputs(W("    CBAM certificates and cost: not priced (direct emissions not given: --direct)\n",
                        "    CBAM 证书与成本：未计价（未提供直接排放：--direct）\n"),
                      f);
            } else if (cb->status != CBAMCOST_NOT_CBAM) {
                row3(f, W("  CBAM certificates", "  CBAM 证书"), true, cb->certificates_t, true, cs->certificates_t,
                     2);
                row3(f, W("  CBAM cost EUR", "  CBAM 成本 欧元"), true, cb->cost_eur, true, cs->cost_eur, 0);
            }
        }
        const scenario_product_money *mb_p = &r->base.products[p], *ms_p = &r->scen.products[p];
        row3(f, W("  electricity cost yuan", "  电费 元"), mb_p->has_electricity, mb_p->electricity_yuan,
             ms_p->has_electricity, ms_p->electricity_yuan, 0);
        row3(f, W("  electricity yuan/kWh", "  电价 元/kWh"), mb_p->has_per_kwh, mb_p->electricity_yuan_per_kwh,
             ms_p->has_per_kwh, ms_p->electricity_yuan_per_kwh, 4);
        char why[1024];
        if (zh)
            scenario_product_reason_words(r, p, true, why, sizeof why);
        else
            scenario_product_reason(r, p, why, sizeof why);
        fprintf(f, "    %s\n", why);
    }
}
