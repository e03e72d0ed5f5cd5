/* cmd_scenario.c - `cbamcalc scenario`: its own options (--add, --remove,
 * --profile, --tariff, --fx) and its help. The inputs, factors, selection
 * and outputs are report's (cmd_report.c), which runs it. */
#include "config.h"
#include "cli.h"
#include "parse.h"
#include "scenario.h"
#include "supply.h"

#include <string.h>

const char cli_scenario_help[] =
    "Usage: cbamcalc scenario -e ELECTRICITY.csv [-p PRODUCTION.csv] [-i ENTERPRISES.csv]\n"
    "                         --add SRC=KWH [--add ...] [--remove SRC=KWH] [OPTIONS]\n"
    "\n"
    "scenario computes one enterprise's figures twice, as they are and with more green\n"
    "power (or less of a source), and shows them side by side per product: kWh by\n"
    "source, the three tCO2 figures, SEE, CBAM certificates and cost, electricity cost,\n"
    "and the change. Whether CBAM pays anything back depends on the good: from 2026\n"
    "indirect emissions count in the CBAM liability only for cement and fertilisers.\n"
    "\n"
    "Changes (KWH is a yearly amount; the period gets months/12 of it):\n"
    "      --add SRC=KWH        kWh of SRC (green_trade, green_ppa, green_direct, onsite,\n"
    "                           supplier) replacing grid kWh month by month; what exceeds a\n"
    "                           month's grid is a surplus (exported or curtailed), reported\n"
    "      --remove SRC=KWH     kWh of SRC taken away (never below 0)\n"
    "      --replace grid|supplier  what added kWh replace (default grid; supplier for a\n"
    "                           park's blended supply)\n"
    "      --profile SRC=P      how SRC's yearly kWh is spread over the months: source (its\n"
    "                           own monthly kWh; the default when the enterprise has it),\n"
    "                           consumption (the default for a new source), solar (the\n"
    "                           province's monthly PV profile; the default for onsite), flat\n"
    "Money:\n"
    "      --tariff SRC=YUAN    price of a kWh of SRC, yuan (repeatable), e.g. grid=0.60\n"
    "      --fx YUAN            yuan per EUR, for the all-in cost per kWh\n"
    "      --cbam-price EUR     price of a CBAM certificate, EUR per tCO2 (and --cbam-year,\n"
    "                           --benchmarks, --benchmark-column, --direct as for report)\n"
    "Outputs (without one, the comparison is printed):\n"
    "  -o, --output FILE.xlsx   the baseline's workbook with a Scenario sheet\n"
    "      --json FILE          the comparison as JSON ('-' for standard output)\n"
    "      --enterprise ID      the enterprise (required when the inputs hold several)\n"
    "\n"
    "Inputs, factors and selection are those of 'cbamcalc report' (see its --help).\n"
    "The baseline is report's, hour matching included; the scenario changes the matched\n"
    "months' totals month by month: added kWh are not matched hour by hour (said).\n"
    "\n"
    "Exit status: 0 ok, 64 usage error, 65 data error, 66 input missing or unreadable,\n"
    "73 output not writable.\n";

/* "SRC=NUMBER": the source and the number; false with *why set. */
static bool src_value(const char *arg, enum supply_source *src, const char **value)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg)
        return false;
    /* "load" parses as a meter role, not a supply: no kWh vector holds it */
    if (!supply_parse(arg, (size_t)(eq - arg), src) || *src >= SUPPLY__COUNT)
        return false;
    *value = eq + 1;
    return true;
}

int cli_scenario_option(struct scenario_opts *so, const char *opt, const char *arg)
{
    const char *value;
    enum supply_source src;
    double v;
    if (strcmp(opt, "replace") == 0) {
        if (!supply_parse(arg, strlen(arg), &src) || (src != SUPPLY_GRID && src != SUPPLY_SUPPLIER))
            return cli_usage_error("scenario", "--replace %s: expected grid or supplier (what the added kWh "
                                   "replace)", arg);
        so->replace = src;
        return 0;
    }
    if (strcmp(opt, "fx") == 0) {
        if (parse_number(arg, strlen(arg), &v) != PARSE_OK || v < SCENARIO_FX_MIN || v > SCENARIO_FX_MAX)
            return cli_usage_error("scenario", "--fx %s: expected yuan per euro, %g to %g, such as 7.8 (not euro "
                                   "per yuan)", arg, SCENARIO_FX_MIN, SCENARIO_FX_MAX);
        so->has_fx = true;
        so->fx_yuan_per_eur = v;
        return 0;
    }
    if (!src_value(arg, &src, &value))
        return cli_usage_error("scenario", "--%s %s: expected SOURCE=%s with SOURCE one of grid, green_trade, "
                               "green_ppa, green_direct, onsite, supplier, certificate", opt, arg,
                               strcmp(opt, "profile") == 0 ? "PROFILE" : strcmp(opt, "tariff") == 0 ? "YUAN" : "KWH");
    if (strcmp(opt, "tariff") == 0) {
        if (parse_number(value, strlen(value), &v) != PARSE_OK || v < 0 || v > SCENARIO_TARIFF_MAX)
            return cli_usage_error("scenario", "--tariff %s: expected the price of a kWh in yuan, 0 to %g, e.g. "
                                   "grid=0.60 (not fen, not yuan per MWh)", arg, SCENARIO_TARIFF_MAX);
        if (so->has_tariff[src])
            return cli_usage_error("scenario", "--tariff %s given twice; expected one price per source",
                                   supply_name(src));
        so->has_tariff[src] = true;
        so->tariff_yuan_per_kwh[src] = v;
        return 0;
    }
    if (strcmp(opt, "profile") == 0) {
        enum scenario_profile p;
        if (!scenario_profile_parse(value, &p))
            return cli_usage_error("scenario", "--profile %s: expected source, consumption, solar or flat", arg);
        for (size_t i = 0; i < so->nchanges; i++)
            if (so->changes[i].source == src) {
                so->changes[i].profile = p;
                return 0;
            }
        return cli_usage_error("scenario", "--profile %s: give it after the --add or --remove of %s", arg,
                               supply_name(src));
    }
    bool remove = strcmp(opt, "remove") == 0;
    if (parse_number(value, strlen(value), &v) != PARSE_OK || v <= 0 || v > SCENARIO_KWH_MAX)
        return cli_usage_error("scenario", "--%s %s: expected a yearly amount of kWh above 0 and at most %g, e.g. "
                               "%s=39000000", opt, arg, SCENARIO_KWH_MAX, supply_name(src));
    if (!remove && (src == SUPPLY_GRID || src == SUPPLY_CERTIFICATE))
        return cli_usage_error("scenario",
                               "--add %s: added kWh replace grid kWh; expected a green or supplier source (%s)",
                               supply_name(src), "green_trade, green_ppa, green_direct, onsite, supplier");
    for (size_t i = 0; i < so->nchanges; i++)
        if (so->changes[i].source == src)
            return cli_usage_error("scenario", "%s is changed twice; expected one --add or --remove per source",
                                   supply_name(src));
    if (so->nchanges == SCENARIO_MAX_CHANGES)
        return cli_usage_error("scenario", "more than %d changes", SCENARIO_MAX_CHANGES);
    so->changes[so->nchanges++] = (scenario_change){.source = src, .kwh_per_year = v, .remove = remove};
    return 0;
}

int cli_scenario_check(const struct scenario_opts *so)
{
    if (so->nchanges == 0)
        return cli_usage_error("scenario", "nothing to compare: give a change such as --add green_direct=39000000");
    for (size_t i = 0; i < so->nchanges; i++)
        if (!so->changes[i].remove && so->changes[i].source == so->replace)
            return cli_usage_error("scenario", "--add %s with --replace %s: the added kWh would replace themselves; "
                                   "add another source", supply_name(so->replace), supply_name(so->replace));
    return 0;
}
