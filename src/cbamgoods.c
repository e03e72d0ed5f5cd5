/* cbamgoods.c - CN code prefixes of CBAM goods (Annex I of Reg. 2023/956),
 * longest prefix first, and the official CN names of the codes that the
 * Commission's communication template lists (factors/cn-names.csv, compiled
 * in). tests/unit/test_misc.c checks every row of that file against the
 * prefix table; tests/e2e/cn_template.py checks both against the template
 * itself when it is at hand. */
#include "config.h"
#include "cbamgoods.h"
#include "csvin.h"
#include "embedded.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The aggregated goods categories, spelt exactly as the template's
 * Parameters_Constants!A89:A106 (including the trailing space of "Calcined
 * clays "): the template matches them as keys, so a tidier spelling would not
 * be found there.
 *
 * indirect: whether the category's indirect emissions are in the CBAM
 * liability from 2026. Reg. (EU) 2023/956 Art. 7(1) and Annex II decide:
 * Annex II lists the goods for which only direct emissions count (chapter 72
 * and 7301-7311, 7318, 7326 of iron and steel; 7601 and 7603-7616 of
 * aluminium; 2804 10 00 hydrogen); every other good counts both. Electricity
 * as a good carries the emissions of its generation only. The template's
 * helper column Parameters_Constants!C89:C106 ("Indir.em relevant?
 * (definitive)") agrees except for Ammonia, which it marks False; 2814 is not
 * in Annex II, so the Regulation wins and Ammonia counts its indirect
 * emissions, with the other fertilisers (accounting-rules.md section 2).
 * Sintered ore (2601 12 00, chapter 26) is not in Annex II either: true, as
 * in the template. tests/unit/test_misc.c pins every flag. */
enum {
    CEMENT,
    CLINKER,
    CLAYS,
    ALUMINOUS,
    STEEL_PRODUCTS,
    CRUDE_STEEL,
    DRI,
    PIG_IRON,
    ALLOYS,
    SINTER,
    HYDROGEN,
    AMMONIA,
    NITRIC_ACID,
    UREA,
    MIXED_FERTILISERS,
    AL_PRODUCTS,
    AL_UNWROUGHT,
    ELECTRICITY,
};

static const struct {
    const char *name, *sector;
    bool indirect;
} categories[] = {
    [CEMENT] = {"Cement", "Cement", true},
    [CLINKER] = {"Cement clinker", "Cement", true},
    [CLAYS] = {"Calcined clays ", "Cement", true},
    [ALUMINOUS] = {"Aluminous cement", "Cement", true},
    [STEEL_PRODUCTS] = {"Iron or steel products", "Iron and steel", false},
    [CRUDE_STEEL] = {"Crude steel", "Iron and steel", false},
    [DRI] = {"Direct reduced iron", "Iron and steel", false},
    [PIG_IRON] = {"Pig iron", "Iron and steel", false},
    [ALLOYS] = {"Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    [SINTER] = {"Sintered Ore", "Iron and steel", true},
    [HYDROGEN] = {"Hydrogen", "Hydrogen", false},
    [AMMONIA] = {"Ammonia", "Fertilisers", true}, /* the template says False: see above */
    [NITRIC_ACID] = {"Nitric acid", "Fertilisers", true},
    [UREA] = {"Urea", "Fertilisers", true},
    [MIXED_FERTILISERS] = {"Mixed fertilisers", "Fertilisers", true},
    [AL_PRODUCTS] = {"Aluminium products", "Aluminium", false},
    [AL_UNWROUGHT] = {"Unwrought aluminium", "Aluminium", false},
    [ELECTRICITY] = {"Electricity (export to EU)", "Electricity", false},
};

static const struct {
    const char *prefix;
    int category;
} rules[] = {
    {"25070080", CLAYS},
    {"25231000", CLINKER},
    {"25233000", ALUMINOUS},
    {"2523", CEMENT},
    {"26011200", SINTER},
    {"28041000", HYDROGEN},
    {"28080000", NITRIC_ACID},
    {"2814", AMMONIA},
    {"28342100", MIXED_FERTILISERS},
    {"310210", UREA},
    {"3102", MIXED_FERTILISERS},
    {"3105", MIXED_FERTILISERS},
    {"27160000", ELECTRICITY},
    {"7201", PIG_IRON},
    {"720211", ALLOYS},
    {"720219", ALLOYS},
    {"720241", ALLOYS},
    {"720249", ALLOYS},
    {"720260", ALLOYS},
    {"7203", DRI},
    {"7206", CRUDE_STEEL},
    {"7207", CRUDE_STEEL},
    {"7218", CRUDE_STEEL},
    {"7224", CRUDE_STEEL},
    {"7601", AL_UNWROUGHT},
};

/* Headings of iron or steel products and aluminium products. */
static const char *const steel_products[] = {
    "7205", "7208", "7209", "7210", "7211", "7212", "7213", "7214", "7215", "7216", "7217", "7219",
    "7220", "7221", "7222", "7223", "7225", "7226", "7227", "7228", "7229", "7301", "7302", "7303",
    "7304", "7305", "7306", "7307", "7308", "7309", "7310", "7311", "7318", "7326",
};

static cbamgoods_info info(int c)
{
    return (cbamgoods_info){categories[c].name, categories[c].sector, categories[c].indirect};
}

cbamgoods_info cbamgoods_lookup(const char *cn8)
{
    cbamgoods_info none = {NULL, NULL, false};
    if (cn8 == NULL || strlen(cn8) != 8)
        return none;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strncmp(cn8, rules[i].prefix, strlen(rules[i].prefix)) == 0)
            return info(rules[i].category);
    for (size_t i = 0; i < sizeof steel_products / sizeof steel_products[0]; i++)
        if (strncmp(cn8, steel_products[i], 4) == 0)
            return info(STEEL_PRODUCTS);
    if (strncmp(cn8, "76", 2) == 0 && cn8[2] == '0' && cn8[3] >= '3') /* 7603-7609 */
        return info(AL_PRODUCTS);
    if (strncmp(cn8, "761", 3) == 0 && cn8[3] <= '6') /* 7610-7616 */
        return info(AL_PRODUCTS);
    return none;
}

const char *cbamgoods_category_at(size_t i, bool *indirect)
{
    if (i >= sizeof categories / sizeof categories[0])
        return NULL;
    if (indirect != NULL)
        *indirect = categories[i].indirect;
    return categories[i].name;
}

char *cbamgoods_format_cn(const char *cn8, char *buf, unsigned size)
{
    if (cn8 != NULL && strlen(cn8) == 8)
        snprintf(buf, size, "%.4s %.2s %.2s", cn8, cn8 + 4, cn8 + 6);
    else
        snprintf(buf, size, "%s", cn8 ? cn8 : "");
    return buf;
}

/* ---- official CN names (factors/cn-names.csv) ---- */

#define CN_NAMES_FILE "factors/cn-names.csv"

struct cn_name {
    char code[9];
    const char *name;
};

static struct cn_name *names; /* sorted by code; kept for the life of the process */
static size_t nnames;
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static int on_name_row(void *ctx, const csvin_row *row)
{
    size_t *cap = ctx;
    /* The header, and any row that is not an 8-digit code with a name (the
     * shipped file's rows are checked by the tests). */
    if (row->nfields < 2 || row->len[0] != 8 || strspn(row->field[0], "0123456789") != 8 || row->len[1] == 0)
        return 0;
    if (nnames == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        names = xreallocarray(names, *cap, sizeof *names);
    }
    memcpy(names[nnames].code, row->field[0], 9);
    names[nnames++].name = xstrdup(row->field[1]);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct cn_name *)a)->code, ((const struct cn_name *)b)->code);
}

static void load_names(void)
{
    const struct embedded_file *f = embedded_find(CN_NAMES_FILE);
    size_t cap = 0;
    diag_list dl;
    diag_list_init(&dl);
    if (f != NULL)
        csvin_read_mem(CN_NAMES_FILE, f->data, f->size, NULL, on_name_row, &cap, &dl, NULL);
    diag_list_free(&dl);
    if (nnames > 1)
        qsort(names, nnames, sizeof *names, cmp_name);
}

const char *cbamgoods_cn_name(const char *cn8)
{
    if (cn8 == NULL || strlen(cn8) != 8)
        return NULL;
    pthread_once(&names_once, load_names);
    struct cn_name key;
    memcpy(key.code, cn8, 9);
    const struct cn_name *hit = nnames ? bsearch(&key, names, nnames, sizeof *names, cmp_name) : NULL;
    return hit ? hit->name : NULL;
}
