/* supply.c - the supply-source table (see supply.h). */
#include "config.h"
#include "supply.h"
#include "parse.h"

static const struct {
    const char *name;
    bool consumption, location, cbam_grid, green;
    const char *cbam_code;
} table[SUPPLY__ROLES] = {
    /*                       consumption location cbam_grid green  cbam code */
    [SUPPLY_GRID] = {"grid", true, true, true, false, NULL},
    [SUPPLY_GREEN_TRADE] = {"green_trade", true, true, true, true, NULL},
    [SUPPLY_GREEN_PPA] = {"green_ppa", true, true, false, true, "D.4.3.2"},
    [SUPPLY_GREEN_DIRECT] = {"green_direct", true, false, false, true, "D.4.3.1"},
    [SUPPLY_ONSITE] = {"onsite", true, false, false, true, "D.4.1"},
    [SUPPLY_SUPPLIER] = {"supplier", true, true, true, false, NULL},
    [SUPPLY_CERTIFICATE] = {"certificate", false, false, false, false, NULL},
    [SUPPLY_LOAD] = {"load", false, false, false, false, NULL},
};

const char *supply_name(enum supply_source s)
{
    return table[s].name;
}
bool supply_is_consumption(enum supply_source s)
{
    return table[s].consumption;
}
bool supply_location_counts(enum supply_source s)
{
    return table[s].location;
}
bool supply_cbam_grid(enum supply_source s)
{
    return table[s].cbam_grid;
}
const char *supply_cbam_code(enum supply_source s)
{
    return table[s].cbam_code;
}
bool supply_is_green(enum supply_source s)
{
    return table[s].green;
}

/* The names Chinese bills and statements use (meter-exports.md). */
static const struct {
    const char *name;
    enum supply_source source;
} aliases[] = {
    {"电网", SUPPLY_GRID},          {"网电", SUPPLY_GRID},           {"下网电量", SUPPLY_GRID},
    {"电网购电", SUPPLY_GRID},      {"绿电交易", SUPPLY_GREEN_TRADE}, {"绿电直连", SUPPLY_GREEN_DIRECT},
    {"直供绿电", SUPPLY_GREEN_DIRECT}, {"绿电直供", SUPPLY_GREEN_DIRECT}, {"自发自用", SUPPLY_ONSITE},
    {"自发电", SUPPLY_ONSITE},      {"屋顶光伏", SUPPLY_ONSITE},     {"光伏", SUPPLY_ONSITE},
    {"绿证", SUPPLY_CERTIFICATE},   {"购电协议", SUPPLY_GREEN_PPA},  {"PPA", SUPPLY_GREEN_PPA},
    {"总表", SUPPLY_LOAD},          {"总用电", SUPPLY_LOAD},         {"用电总表", SUPPLY_LOAD},
    {"总加", SUPPLY_LOAD},
};

bool supply_parse(const char *s, size_t len, enum supply_source *out)
{
    parse_trim(&s, &len);
    for (int k = 0; k < SUPPLY__ROLES; k++) {
        if (parse_eq_ci(s, len, table[k].name)) {
            *out = (enum supply_source)k;
            return true;
        }
    }
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++) {
        if (parse_eq_ci(s, len, aliases[k].name)) {
            *out = aliases[k].source;
            return true;
        }
    }
    return false;
}

const char *supply_names_list(void)
{
    return "grid, green_trade, green_ppa, green_direct, onsite, supplier, certificate, load (or 电网, 绿电交易, "
           "绿电直连, 自发自用, 绿证, 购电协议, 总表)";
}
