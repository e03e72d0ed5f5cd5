/* cbamgoods.c - CN code prefixes of CBAM goods (Annex I of Reg. 2023/956),
 * longest prefix first. tests/unit/test_misc.c checks every code of the
 * official communication template against this table when it is at hand. */
#include "config.h"
#include "cbamgoods.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *prefix, *category, *sector;
    bool indirect;
} rules[] = {
    {"25070080", "Calcined clay", "Cement", true},
    {"25231000", "Cement clinker", "Cement", true},
    {"25233000", "Aluminous cement", "Cement", true},
    {"2523", "Cement", "Cement", true},
    {"26011200", "Sintered Ore", "Iron and steel", true},
    {"28041000", "Hydrogen", "Hydrogen", false},
    {"28080000", "Nitric acid", "Fertilisers", true},
    {"2814", "Ammonia", "Fertilisers", true},
    {"28342100", "Mixed fertilisers", "Fertilisers", true},
    {"310210", "Urea", "Fertilisers", true},
    {"3102", "Mixed fertilisers", "Fertilisers", true},
    {"3105", "Mixed fertilisers", "Fertilisers", true},
    {"27160000", "Electricity (export to EU)", "Electricity", false},
    {"7201", "Pig iron", "Iron and steel", false},
    {"720211", "Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    {"720219", "Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    {"720241", "Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    {"720249", "Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    {"720260", "Alloys (FeMn, FeCr, FeNi)", "Iron and steel", false},
    {"7203", "Direct reduced iron", "Iron and steel", false},
    {"7206", "Crude steel", "Iron and steel", false},
    {"7207", "Crude steel", "Iron and steel", false},
    {"7218", "Crude steel", "Iron and steel", false},
    {"7224", "Crude steel", "Iron and steel", false},
    {"7601", "Unwrought aluminium", "Aluminium", false},
};

/* Headings of iron or steel products and aluminium products. */
static const char *const steel_products[] = {
    "7205", "7208", "7209", "7210", "7211", "7212", "7213", "7214", "7215", "7216", "7217", "7219",
    "7220", "7221", "7222", "7223", "7225", "7226", "7227", "7228", "7229", "7301", "7302", "7303",
    "7304", "7305", "7306", "7307", "7308", "7309", "7310", "7311", "7318", "7326",
};

cbamgoods_info cbamgoods_lookup(const char *cn8)
{
    cbamgoods_info none = {NULL, NULL, false};
    if (cn8 == NULL || strlen(cn8) != 8)
        return none;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strncmp(cn8, rules[i].prefix, strlen(rules[i].prefix)) == 0)
            return (cbamgoods_info){rules[i].category, rules[i].sector, rules[i].indirect};
    for (size_t i = 0; i < sizeof steel_products / sizeof steel_products[0]; i++)
        if (strncmp(cn8, steel_products[i], 4) == 0)
            return (cbamgoods_info){"Iron or steel products", "Iron and steel", false};
    if (strncmp(cn8, "76", 2) == 0 && cn8[2] == '0' && cn8[3] >= '3') /* 7603-7609 */
        return (cbamgoods_info){"Aluminium products", "Aluminium", false};
    if (strncmp(cn8, "761", 3) == 0 && cn8[3] <= '6') /* 7610-7616 */
        return (cbamgoods_info){"Aluminium products", "Aluminium", false};
    return none;
}

char *cbamgoods_format_cn(const char *cn8, char *buf, unsigned size)
{
    if (cn8 != NULL && strlen(cn8) == 8)
        snprintf(buf, size, "%.4s %.2s %.2s", cn8, cn8 + 4, cn8 + 6);
    else
        snprintf(buf, size, "%s", cn8 ? cn8 : "");
    return buf;
}
