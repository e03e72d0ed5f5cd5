/* report_text.c - human-readable summary (see report_text.h). */
#include "config.h"
#include "report_text.h"
#include "numfmt.h"
#include "utf8.h"
#include "parse.h"

#include <math.h>
#include <string.h>

char *report_text_number(char *buf, size_t size, double v, int decimals)
{
    return numfmt_fixed(buf, size, v, decimals);
}

static void factor_line(FILE *f, const char *label, double t, double kwh, const factor *fa, const char *code)
{
    char a[48], b[48];
    fprintf(f, "  %-16s %16s t  %8s kg/kWh", label, report_text_number(a, sizeof a, t, 3),
            kwh > 0 ? report_text_number(b, sizeof b, t * 1000.0 / kwh, 4) : "-");
    if (fa != NULL)
        fprintf(f, "   factor %s = %.4f%s", fa->id, fa->value, fa->replaced ? " (REPLACED by your --factors file)" : "");
    else
        fputs("   factor differs by month", f);
    if (code != NULL)
        fprintf(f, ", code %s", code);
    fputc('\n', f);
}

/* The hour-by-hour matching: the 24/7 share and the surplus per source. */
static void hourly_lines(FILE *f, const alloc_enterprise *ae)
{
    const hourly_ent *h = ae->hourly;
    char a[48], b[48], c[48];
    if (h == NULL)
        return;
    if (h->nmatched == 0) {
        fprintf(f, "  Hourly matching: none of the %zu month%s with interval rows could be matched:\n", h->nmonths,
                h->nmonths == 1 ? "" : "s");
        for (size_t i = 0; i < h->nmonths && i < 3; i++) {
            char per[8];
            period_format(h->months[i].ord, per, sizeof per);
            fprintf(f, "    %s: %s\n", per, h->months[i].reason);
        }
        if (h->nmonths > 3)
            fputs("    (the other months: see the JSON's hourly.months)\n", f);
        return;
    }
    fprintf(f, "  Hourly matching (%zu month%s, %u hours, %u-minute data)\n", h->nmatched, h->nmatched == 1 ? "" : "s",
            h->hours, h->interval_minutes);
    fprintf(f, "    %-14s %18s   matched share %s %%  (volumetric %s %%)\n", "load",
            report_text_number(a, sizeof a, h->load_kwh, 0),
            h->has_share ? report_text_number(b, sizeof b, h->matched_share * 100, 1) : "-",
            h->has_share ? report_text_number(c, sizeof c, h->volumetric_share * 100, 1) : "-");
    for (int g = 0; g < HOURLY__GREEN; g++) {
        if (h->supply_kwh[g] == 0)
            continue;
        fprintf(f, "    %-14s %18s   matched %s, surplus %s\n", supply_name(hourly_green_source((enum hourly_green)g)),
                report_text_number(a, sizeof a, h->supply_kwh[g], 0), report_text_number(b, sizeof b, h->matched_kwh[g], 0),
                report_text_number(c, sizeof c, h->surplus_kwh[g], 0));
    }
    if (h->nmatched < h->nmonths)
        fprintf(f, "    (%zu month%s with interval rows not matched: see the JSON's hourly.months)\n",
                h->nmonths - h->nmatched, h->nmonths - h->nmatched == 1 ? "" : "s");
}

void report_text_write(FILE *f, const alloc_result *r)
{
    char a[48], b[48], c[48], d[48], e1[48], e2[48];
    if (r->n == 0)
        fputs("No enterprise has data in the selected period.\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const alloc_enterprise *ae = &r->ents[i];
        const ledger_enterprise *e = ae->e;
        char from[8], to[8];
        period_format(ae->from_ord, from, sizeof from);
        period_format(ae->to_ord, to, sizeof to);
        fprintf(f, "%sEnterprise %s%s%s  (%s%s%s)  %s .. %s\n", i ? "\n" : "", e->id, e->name ? "  " : "",
                e->name ? e->name : "", e->country, e->province ? " / " : "", e->province ? e->province : "",
                from, to);
        fputs("  Electricity (kWh)\n", f);
        for (int s = 0; s < SUPPLY__COUNT; s++) {
            if (s == SUPPLY_CERTIFICATE || ae->kwh.source[s] == 0)
                continue;
            fprintf(f, "    %-14s %18s\n", supply_name((enum supply_source)s),
                    report_text_number(a, sizeof a, ae->kwh.source[s], 0));
        }
        fprintf(f, "    %-14s %18s", "consumption", report_text_number(a, sizeof a, ae->kwh.consumption, 0));
        if (ae->has_green_share)
            fprintf(f, "   green share %s %%", report_text_number(b, sizeof b, ae->green_share * 100, 1));
        fputc('\n', f);
        if (ae->kwh.source[SUPPLY_CERTIFICATE] > 0)
            fprintf(f, "    %-14s %18s   (a claim, not consumption; used %s)\n", "certificates",
                    report_text_number(a, sizeof a, ae->kwh.source[SUPPLY_CERTIFICATE], 0),
                    report_text_number(b, sizeof b, ae->kwh.certificates_used, 0));
        if (ae->kwh.unallocated > 0)
            fprintf(f, "    %-14s %18s   (not attributed to a product)\n", "unallocated",
                    report_text_number(a, sizeof a, ae->kwh.unallocated, 0));
        hourly_lines(f, ae);
        fputs("  Emissions\n", f);
        factor_line(f, "location-based", ae->em.location, ae->kwh.consumption, ae->f.location, NULL);
        factor_line(f, "market-based", ae->em.market, ae->kwh.consumption, ae->f.residual, NULL);
        for (size_t k = 0; k < e->nsuppliers; k++)
            fprintf(f, "  %-16s %16s    %8s           + supplier factor %s = %.4f for the supplier kWh\n", "", "",
                    "", e->suppliers[k]->id, e->suppliers[k]->value);
        factor_line(f, "CBAM indirect", ae->em.cbam, ae->kwh.consumption, ae->f.cbam, ae->cbam_code);
        if (e->nsuppliers > 0)
            fputs("  (a supplier's factor counts for the market-based figure only: CBAM accepts an actual factor\n"
                  "   only for a direct technical link or a PPA, IR 2025/2547 Annex II D.4.3; the supplier kWh\n"
                  "   carry the CBAM grid factor)\n",
                  f);
        if (ae->nproducts == 0)
            continue;
        fprintf(f, "  Products %29s %14s %9s   SEE indirect tCO2/t: location / market / CBAM\n", "t", "kWh",
                "MWh/t");
        for (size_t k = 0; k < ae->nproducts; k++) {
            const alloc_product *ap = &ae->products[ae->product_order[k]];
            /* Ids are cut to 20 bytes on a character boundary, then padded. */
            size_t idn = utf8_cut(ap->p->id, strlen(ap->p->id), 20);
            fprintf(f, "    %.*s%*s %14s %14s %9s   %s / %s / %s\n", (int)idn, ap->p->id, (int)(20 - idn), "",
                    report_text_number(a, sizeof a, ap->quantity_t, 1),
                    report_text_number(b, sizeof b, ap->kwh, 0),
                    ap->has_see ? report_text_number(c, sizeof c, ap->mwh_per_t, 3) : "-",
                    ap->has_see ? report_text_number(d, sizeof d, ap->see.location, 4) : "-",
                    ap->has_see ? report_text_number(e1, sizeof e1, ap->see.market, 4) : "-",
                    ap->has_see ? report_text_number(e2, sizeof e2, ap->see.cbam, 4) : "-");
        }
    }
}
