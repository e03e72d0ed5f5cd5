/* cmd_report.c - `cbamcalc report` and `cbamcalc validate`: options, the run
 * from input files to outputs, and progress on a terminal. */
#include "config.h"
#include "allocate.h"
#include "cbamcost.h"
#include "cli.h"
#include "factors.h"
#include "ingest.h"
#include "outfile.h"
#include "outname.h"
#include "outputs.h"
#include "report_json.h"
#include "report_text.h"
#include "report_xlsx.h"
#include "scenario.h"
#include "supply.h"
#include "utf8.h"
#include "workers.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char report_help[] =
    "Usage: cbamcalc report -e ELECTRICITY.csv [-p PRODUCTION.csv] [-i ENTERPRISES.csv]\n"
    "                       [--json OUT.json] [OPTIONS]\n"
    "       cbamcalc validate -e ELECTRICITY.csv [-p PRODUCTION.csv] [-i ENTERPRISES.csv] [OPTIONS]\n"
    "\n"
    "report computes, per enterprise, month and product, the kWh by supply source and the\n"
    "location-based, market-based and CBAM indirect emissions. validate reads the same\n"
    "inputs, prints every problem it finds, and writes nothing.\n"
    "\n"
    "Inputs (each may be given several times; '-' reads standard input):\n"
    "  -e, --electricity FILE   meter rows: enterprise_id, period, meter_id, source, kwh\n"
    "                           (or energy + unit), product_id, factor_id\n"
    "  -p, --production FILE    production: enterprise_id, period, product_id,\n"
    "                           product_name, cn_code, quantity, unit (t or kg)\n"
    "  -i, --enterprises FILE   enterprise_id, name, name_en, country, province, address\n"
    "      --source SRC         every row of the -e file just before is of source SRC\n"
    "                           (for a file without a source column: a PV inverter export,\n"
    "                           a green-power trade statement)\n"
    "      --product ID         the -e file just before is the sub-meter of product ID: all\n"
    "                           its kWh belong to that product\n"
    "      --encoding ENC       auto (default: byte-order mark, else UTF-8 if valid, else\n"
    "                           GB18030), utf-8, gb18030 (gbk), utf-16le, utf-16be\n"
    "      --map COLUMN=HEADER  read the column headed HEADER as COLUMN (repeatable), e.g.\n"
    "                           --map meter_id=计量点号\n"
    "      --interval-label start|end  what the times of interval rows name: the start of\n"
    "                           the interval (00:00..23:45) or its end (00:15..24:00).\n"
    "                           After -e FILE: that file's; before any -e: every file's.\n"
    "                           Default per file: end when a row says 24:00, else start\n"    "\n"
    "Outputs (report only; without one, a summary is printed):\n"
    "  -o, --output FILE.xlsx   the Excel workbook of one enterprise (with several in\n"
    "                           the inputs, choose one with --enterprise ID)\n"
    "      --lang en|zh         workbook labels in English (default) or Chinese; the\n"
    "                           CBAM_Communication sheet is always in English\n"
    "      --json FILE          the full report as JSON ('-' for standard output)\n"
    "      --split --out-dir DIR  one workbook and one JSON per enterprise: DIR/ID.xlsx and\n"
    "                           DIR/ID.json (the id made safe as a file name)\n"
    "  -j, --jobs N             with --split: processes writing the files at once, 1 to\n"
    "                           256 (default: the number of cores); the files are the\n"
    "                           same whatever N\n"
    "      --summary            also print the summary when writing a file\n"
    "      --template OFFICIAL.xlsx  with --split: also fill the Commission's communication\n"
    "                           template for each enterprise: DIR/ID.template.xlsx (see\n"
    "                           'cbamcalc template --help')\n"
    "      --processes FILE     with --template: products grouped into production processes\n"
    "\n"
    "Factors (VALUE in kgCO2/kWh, or an ID from 'cbamcalc factors list'):\n"
    "      --factors DIR           add the factor CSV files in DIR (same id replaces)\n"
    "      --grid-factor ID|VALUE  location-based factor (default: the province's MEE\n"
    "                              factor of the data year, else the latest earlier year,\n"
    "                              else the national average)\n"
    "      --residual-factor ID|VALUE  market-based residual factor (default: MEE national\n"
    "                              factor excluding market-traded non-fossil power)\n"
    "      --cbam-grid-factor ID|VALUE  CBAM grid factor (default: the EU default for the\n"
    "                              country, code D.4(a); another factor is code D.4(b))\n"
    "\n"
    "CBAM cost (per CBAM good: certificates = embedded emissions in the liability less\n"
    "the free allocation adjustment; cost = certificates x price; README \"CBAM cost\"):\n"
    "      --cbam-price EUR     price of a CBAM certificate, EUR per tCO2; turns the cost on\n"
    "      --cbam-year YYYY     the year of import whose CBAM factor applies (default: each\n"
    "                           month's own; months before 2026 are priced as 2026)\n"
    "      --benchmarks FILE    cn_code, value (tCO2/t), column (A/B), source: free allocation\n"
    "                           benchmarks (without them the cost is an upper bound)\n"
    "      --benchmark-column A|B  the column to use when the file gives both (A: for\n"
    "                           actual emissions, B: for default values)\n"
    "      --cscf VALUE         cross-sectoral correction factor the adjustment is also\n"
    "                           multiplied by (default 1, said)\n"
    "      --direct FILE        [enterprise_id,] product_id, direct_t_co2_per_t, source: the\n"
    "                           goods' direct emissions (without them the figure is the\n"
    "                           electricity's part, before any adjustment)\n"
    "\n"
    "Selection:\n"
    "      --year YYYY          report the months of one year\n"
    "      --from YYYY-MM       first month of the period\n"
    "      --to YYYY-MM         last month of the period\n"
    "      --enterprise ID      report only this enterprise (a file without an enterprise\n"
    "                           column is read as this enterprise's)\n"
    "\n"
    "  -q, --quiet              print only errors on standard error\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit status: 0 ok, 64 usage error, 65 data error, 66 input missing or unreadable,\n"
    "73 output not writable. Warnings do not change the exit status.\n";

static const char template_help[] =
    "Usage: cbamcalc template --template OFFICIAL.xlsx -e ELECTRICITY.csv [-p PRODUCTION.csv]\n"
    "                         [-i ENTERPRISES.csv] [--enterprise ID] -o FILLED.xlsx\n"
    "                         [--processes PROCESSES.csv] [--json OUT.json] [OPTIONS]\n"
    "\n"
    "template fills the European Commission's \"CBAM Communication template for\n"
    "installations\" (version 2.1.1; download it from the Commission's CBAM page) with\n"
    "one enterprise's figures: the reporting period, the installation, its goods\n"
    "categories and production processes, each process's production and electricity\n"
    "(MWh, emission factor and its source code) and the goods. Only the template's input\n"
    "cells are written; every formula, protection and validation stays as the Commission\n"
    "made it. Direct emissions and what cbamcalc cannot know stay empty and are listed\n"
    "(\"to complete by hand\") in the JSON and on stderr with --summary.\n"
    "\n"
    "      --template FILE      the official template (recognised by its content; another\n"
    "                           version is refused, exit 65)\n"
    "  -o, --output FILE.xlsx   the filled template (never the template itself)\n"
    "      --processes FILE     product_id,process[,enterprise_id][,direct_emissions_t_co2]:\n"
    "                           products grouped into named production processes (at most\n"
    "                           10 per installation; default: one process per CBAM good). A\n"
    "                           process's goods get its average specific emissions; its\n"
    "                           direct emissions (tCO2e) are filled only when given.\n"
    "      --json FILE          the report as JSON, with a \"template\" object per enterprise\n"
    "\n"
    "Inputs, factors and selection are those of 'cbamcalc report' (see its --help).\n"
    "\n"
    "Exit status: 0 ok, 64 usage error, 65 data error or not the supported template,\n"
    "66 input or template missing or unreadable, 73 output not writable.\n";

enum {
    OPT_JSON = 256,
    OPT_TEMPLATE,
    OPT_PROCESSES,
    OPT_FACTORS,
    OPT_GRID,
    OPT_RESIDUAL,
    OPT_CBAM,
    OPT_YEAR,
    OPT_FROM,
    OPT_TO,
    OPT_ENTERPRISE,
    OPT_SUMMARY,
    OPT_LANG,
    OPT_SOURCE,
    OPT_ENCODING,
    OPT_MAP,
    OPT_SPLIT,
    OPT_OUT_DIR,
    OPT_PRODUCT,
    OPT_INTERVAL_LABEL,
    OPT_CBAM_PRICE,
    OPT_CBAM_YEAR,
    OPT_BENCHMARKS,
    OPT_BENCHMARK_COLUMN,
    OPT_DIRECT,
    OPT_CSCF,
    OPT_ADD, /* scenario's own: cmd_scenario.c */
    OPT_REMOVE,
    OPT_PROFILE,
    OPT_TARIFF,
    OPT_FX,
    OPT_REPLACE,
};

static const struct option report_options[] = {
    {"electricity", required_argument, NULL, 'e'},
    {"production", required_argument, NULL, 'p'},
    {"enterprises", required_argument, NULL, 'i'},
    {"output", required_argument, NULL, 'o'},
    {"json", required_argument, NULL, OPT_JSON},
    {"factors", required_argument, NULL, OPT_FACTORS},
    {"grid-factor", required_argument, NULL, OPT_GRID},
    {"residual-factor", required_argument, NULL, OPT_RESIDUAL},
    {"cbam-grid-factor", required_argument, NULL, OPT_CBAM},
    {"year", required_argument, NULL, OPT_YEAR},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"enterprise", required_argument, NULL, OPT_ENTERPRISE},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"lang", required_argument, NULL, OPT_LANG},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"product", required_argument, NULL, OPT_PRODUCT},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"map", required_argument, NULL, OPT_MAP},
    {"interval-label", required_argument, NULL, OPT_INTERVAL_LABEL},
    {"split", no_argument, NULL, OPT_SPLIT},
    {"template", required_argument, NULL, OPT_TEMPLATE},
    {"processes", required_argument, NULL, OPT_PROCESSES},
    {"out-dir", required_argument, NULL, OPT_OUT_DIR},
    {"cbam-price", required_argument, NULL, OPT_CBAM_PRICE},
    {"cbam-year", required_argument, NULL, OPT_CBAM_YEAR},
    {"benchmarks", required_argument, NULL, OPT_BENCHMARKS},
    {"benchmark-column", required_argument, NULL, OPT_BENCHMARK_COLUMN},
    {"direct", required_argument, NULL, OPT_DIRECT},
    {"cscf", required_argument, NULL, OPT_CSCF},
    {"add", required_argument, NULL, OPT_ADD},
    {"remove", required_argument, NULL, OPT_REMOVE},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"tariff", required_argument, NULL, OPT_TARIFF},
    {"fx", required_argument, NULL, OPT_FX},
    {"replace", required_argument, NULL, OPT_REPLACE},
    {"jobs", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A month given on the command line: YYYY-MM only. */
static bool month_arg(const char *s, int *ord)
{
    parse_period p;
    if (parse_period_text(s, strlen(s), &p) != PARSE_OK || p.granularity != PERIOD_MONTH)
        return false;
    *ord = period_ord(p.year, p.month);
    return true;
}

static bool add_input(const char **list, size_t *n, const char *path)
{
    if (*n == CLI_MAX_INPUTS)
        return false;
    list[(*n)++] = path;
    return true;
}

enum mode { MODE_REPORT, MODE_VALIDATE, MODE_TEMPLATE, MODE_SCENARIO };

/* An output that names an input or the template, or an existing thing
 * that is not a file (a device, a pipe, a directory): it is refused when
 * opened, with its own reason and exit code (73 for a device). */
static bool refused_later(const cli_report_args *a, const char *out)
{
    struct stat st;
    return outputs_input_named(a, out) != NULL || (stat(out, &st) == 0 && !S_ISREG(st.st_mode));
}

static int report_main(int argc, char **argv, enum mode mode)
{
    bool validate_only = mode == MODE_VALIDATE;
    const char *cmd = mode == MODE_TEMPLATE   ? "template"
                      : mode == MODE_SCENARIO ? "scenario"
                      : validate_only         ? "validate"
                                              : "report";
    cli_report_args a = {.validate_only = validate_only, .jobs = (int)workers_default()};
    scenario_opts so = {0};
    if (mode == MODE_SCENARIO)
        a.scenario = &so;
    const char *cost_opt = NULL; /* a cost option that needs --cbam-price */
    long year = 0;
    bool split = false;
    const char *out_dir = NULL;
    char out_dir_buf[4096];
    int c;
    optind = 0; /* fresh getopt state for every call (tests call this repeatedly) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:e:p:i:o:j:qh", report_options, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'e': ok = add_input(a.electricity, &a.nelectricity, optarg); break;
        case 'p': ok = add_input(a.production, &a.nproduction, optarg); break;
        case 'i': ok = add_input(a.enterprises, &a.nenterprises, optarg); break;
        case 'o': a.xlsx_out = optarg; break;
        case OPT_SPLIT: split = true; break;
        case OPT_TEMPLATE: a.template_in = optarg; break;
        case OPT_PROCESSES: a.processes = optarg; break;
        case OPT_OUT_DIR: out_dir = optarg; break;
        case OPT_SOURCE: {
            enum supply_source src;
            if (a.nelectricity == 0)
                return cli_usage_error(cmd, "--source %s: give it after the -e FILE it is for", optarg);
            if (!supply_parse(optarg, strlen(optarg), &src))
                return cli_usage_error(cmd, "--source %s: expected one of %s", optarg, supply_names_list());
            if (a.electricity_source[a.nelectricity - 1] != 0)
                return cli_usage_error(cmd, "--source given twice for -e %s; expected one source per file",
                                       a.electricity[a.nelectricity - 1]);
            a.electricity_source[a.nelectricity - 1] = (int)src + 1;
            break;
        }
        case OPT_PRODUCT:
            if (a.nelectricity == 0)
                return cli_usage_error(cmd, "--product %s: give it after the -e FILE it is for", optarg);
            if (a.electricity_product[a.nelectricity - 1] != NULL)
                return cli_usage_error(cmd, "--product given twice for -e %s; expected one product per file",
                                       a.electricity[a.nelectricity - 1]);
            if (optarg[0] == '\0')
                return cli_usage_error(cmd, "--product needs a product id");
            a.electricity_product[a.nelectricity - 1] = optarg;
            break;
        case OPT_ENCODING:
            if (!csvin_encoding_known(optarg))
                return cli_usage_error(cmd, "--encoding %s: expected auto, utf-8, gb18030, gbk, utf-16le or utf-16be",
                                       optarg);
            a.encoding = optarg;
            break;
        case OPT_MAP: {
            const char *eq = strchr(optarg, '=');
            if (eq == NULL || eq == optarg || eq[1] == '\0')
                return cli_usage_error(cmd, "--map %s: expected COLUMN=HEADER, e.g. meter_id=计量点号", optarg);
            if (a.nmap == CLI_MAX_INPUTS)
                return cli_usage_error(cmd, "more than %d --map options", CLI_MAX_INPUTS);
            /* Split in place: argv strings are ours to change. */
            *(char *)eq = '\0';
            if (!ingest_column_known(optarg)) {
                char names[1024];
                ingest_column_names(names, sizeof names);
                return cli_usage_error(cmd, "--map %s=%s: '%s' is not a column cbamcalc reads; expected one of: %s",
                                       optarg, eq + 1, optarg, names);
            }
            a.map[a.nmap].canonical = optarg;
            a.map[a.nmap].header = eq + 1;
            a.nmap++;
            break;
        }
        case OPT_INTERVAL_LABEL: {
            int label;
            if (strcmp(optarg, "start") == 0)
                label = INGEST_LABEL_START;
            else if (strcmp(optarg, "end") == 0)
                label = INGEST_LABEL_END;
            else
                return cli_usage_error(cmd, "--interval-label %s: expected start (times 00:00..23:45 name the "
                                       "interval that begins there) or end (00:15..24:00)", optarg);
            /* After -e FILE: that file's; before any -e: every file's. */
            int *slot = a.nelectricity > 0 ? &a.electricity_label[a.nelectricity - 1] : &a.interval_label;
            if (*slot != INGEST_LABEL_DETECT)
                return cli_usage_error(cmd, "--interval-label given twice for %s%s; expected it once",
                                       a.nelectricity > 0 ? "-e " : "the run",
                                       a.nelectricity > 0 ? a.electricity[a.nelectricity - 1] : "");
            *slot = label;
            break;
        }
        case OPT_LANG:
            if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
                return cli_usage_error(cmd, "--lang %s: expected en or zh", optarg);
            a.zh = strcmp(optarg, "zh") == 0;
            break;
        case OPT_JSON: a.json_out = optarg; break;
        case OPT_FACTORS: a.factors_dir = optarg; break;
        case OPT_GRID: a.grid_factor = optarg; break;
        case OPT_RESIDUAL: a.residual_factor = optarg; break;
        case OPT_CBAM: a.cbam_grid_factor = optarg; break;
        case OPT_ENTERPRISE: a.enterprise = optarg; break;
        case OPT_SUMMARY: a.summary = true; break;
        case 'q': a.quiet = true; break;
        case 'j': {
            long jobs;
            if (!workers_parse(optarg, &jobs))
                return cli_usage_error(cmd, "-j %s: expected a number of processes from 1 to %d", optarg,
                                       WORKERS_MAX);
            a.jobs = (int)jobs;
            break;
        }
        case OPT_YEAR:
            if (parse_int(optarg, strlen(optarg), PERIOD_YEAR_MIN, PERIOD_YEAR_MAX, &year) != PARSE_OK)
                return cli_usage_error(cmd, "--year %s: expected a year such as 2025", optarg);
            break;
        case OPT_FROM:
            if (!month_arg(optarg, &a.from_ord))
                return cli_usage_error(cmd, "--from %s: expected a month such as 2025-01", optarg);
            break;
        case OPT_TO:
            if (!month_arg(optarg, &a.to_ord))
                return cli_usage_error(cmd, "--to %s: expected a month such as 2025-12", optarg);
            break;
        case OPT_CBAM_PRICE: {
            double v;
            if (parse_number(optarg, strlen(optarg), &v) != PARSE_OK || v < 0 || v > CBAMCOST_PRICE_MAX)
                return cli_usage_error(cmd, "--cbam-price %s: expected the price of a CBAM certificate in EUR per "
                                       "tCO2, 0 to %g, a number such as 75.36", optarg, CBAMCOST_PRICE_MAX);
            a.has_cbam_price = true;
            a.cbam_price = v;
            break;
        }
        case OPT_CBAM_YEAR: {
            long y;
            if (parse_int(optarg, strlen(optarg), CBAMCOST_FIRST_YEAR, 2100, &y) != PARSE_OK)
                return cli_usage_error(cmd, "--cbam-year %s: expected the year of import, %d or later (CBAM "
                                       "certificates are due from %d)", optarg, CBAMCOST_FIRST_YEAR,
                                       CBAMCOST_FIRST_YEAR);
            a.cbam_year = (int)y;
            cost_opt = "--cbam-year";
            break;
        }
        case OPT_BENCHMARKS: a.benchmarks = optarg; cost_opt = "--benchmarks"; break;
        case OPT_CSCF: {
            double v;
            if (parse_number(optarg, strlen(optarg), &v) != PARSE_OK || !(v > 0) || v > 1)
                return cli_usage_error(cmd, "--cscf %s: expected the cross-sectoral correction factor, a number "
                                       "above 0 and at most 1", optarg);
            a.cscf = v;
            cost_opt = "--cscf";
            break;
        }
        case OPT_DIRECT: a.direct = optarg; cost_opt = "--direct"; break;
        case OPT_BENCHMARK_COLUMN:
            if (strcmp(optarg, "A") != 0 && strcmp(optarg, "B") != 0 && strcmp(optarg, "a") != 0 &&
                strcmp(optarg, "b") != 0)
                return cli_usage_error(cmd, "--benchmark-column %s: expected A or B (the Commission's two "
                                       "columns of benchmarks)", optarg);
            a.benchmark_column = (char)(optarg[0] & ~0x20);
            cost_opt = "--benchmark-column";
            break;
        case OPT_ADD:
        case OPT_REMOVE:
        case OPT_PROFILE:
        case OPT_TARIFF:
        case OPT_FX:
        case OPT_REPLACE: {
            static const char *const opt_names[] = {"add", "remove", "profile", "tariff", "fx", "replace"};
            if (mode != MODE_SCENARIO)
                return cli_usage_error(cmd, "--%s goes with 'cbamcalc scenario'", opt_names[c - OPT_ADD]);
            int rc = cli_scenario_option(&so, opt_names[c - OPT_ADD], optarg);
            if (rc != 0)
                return rc;
            break;
        }
        case 'h':
            fputs(mode == MODE_TEMPLATE ? template_help : mode == MODE_SCENARIO ? cli_scenario_help : report_help,
                  stdout);
            return 0;
        case ':': return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
        if (!ok)
            return cli_usage_error(cmd, "more than %d input files of one kind", CLI_MAX_INPUTS);
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'; input files follow -e, -p or -i",
                               argv[optind]);
    if (a.nelectricity == 0)
        return cli_usage_error(cmd, "an electricity file is required (-e FILE)");
    if (cost_opt != NULL && !a.has_cbam_price)
        return cli_usage_error(cmd, "%s goes with --cbam-price EUR (the price of a certificate, EUR per tCO2)",
                               cost_opt);
    if (a.has_cbam_price && (mode == MODE_VALIDATE || mode == MODE_TEMPLATE))
        return cli_usage_error(cmd, "--cbam-price goes with 'cbamcalc report' or 'cbamcalc scenario'");
    if (mode == MODE_SCENARIO) {
        int rc = cli_scenario_check(&so);
        if (rc != 0)
            return rc;
        if (split)
            return cli_usage_error(cmd, "--split: a scenario is of one enterprise (choose it with --enterprise ID)");
        if (a.template_in != NULL)
            return cli_usage_error(cmd, "--template goes with 'cbamcalc report --split' or 'cbamcalc template'");
        so.has_price = a.has_cbam_price;
        so.cost.price_eur_per_t = a.cbam_price;
        so.cost.year = a.cbam_year;
        so.cost.cscf = a.cscf;
    }
    if (year != 0 && (a.from_ord || a.to_ord))
        return cli_usage_error(cmd, "--year and --from/--to exclude each other");
    if (year != 0) {
        a.from_ord = period_ord((int)year, 1);
        a.to_ord = period_ord((int)year, 12);
    }
    if (a.from_ord && a.to_ord && a.from_ord > a.to_ord)
        return cli_usage_error(cmd, "--from is after --to");
    if (mode == MODE_TEMPLATE) {
        if (a.template_in == NULL)
            return cli_usage_error(cmd, "--template OFFICIAL.xlsx is required: the Commission's template to fill");
        if (a.xlsx_out == NULL)
            return cli_usage_error(cmd, "-o FILLED.xlsx is required: where the filled template goes");
        if (split)
            return cli_usage_error(cmd, "--split: use 'cbamcalc report --split --out-dir DIR --template FILE'");
        a.template_out = a.xlsx_out;
        a.xlsx_out = NULL;
    } else if (a.template_in != NULL && (validate_only || !split)) {
        return cli_usage_error(cmd, "--template goes with --split (or use 'cbamcalc template -o FILLED.xlsx')");
    }
    if (a.processes != NULL && a.template_in == NULL)
        return cli_usage_error(cmd, "--processes goes with --template");
    if (split != (out_dir != NULL))
        return cli_usage_error(cmd, "--split and --out-dir DIR go together");
    if (out_dir != NULL && out_dir[0] == '\0')
        return cli_usage_error(cmd, "--out-dir needs a directory name (. for this one)");
    /* out/ as out: messages name out/E1.xlsx, not out//E1.xlsx */
    size_t dlen = out_dir != NULL ? strlen(out_dir) : 0;
    while (dlen > 1 && out_dir[dlen - 1] == '/')
        dlen--;
    if (out_dir != NULL && dlen < strlen(out_dir)) {
        if (dlen >= sizeof out_dir_buf)
            return cli_usage_error(cmd, "--out-dir: the name is too long");
        memcpy(out_dir_buf, out_dir, dlen);
        out_dir_buf[dlen] = '\0';
        out_dir = out_dir_buf;
    }
    if (split && (a.xlsx_out != NULL || a.json_out != NULL))
        return cli_usage_error(cmd, "--split writes DIR/ID.xlsx and DIR/ID.json; -o and --json do not go with it");
    if (split && !validate_only)
        a.xlsx_dir = a.json_dir = out_dir; /* created when there is something to write (outputs.c) */
    if (split && a.template_in != NULL)
        a.template_dir = out_dir;
    const char *outs[] = {a.json_out, a.xlsx_out, out_dir, a.template_out};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
        if (outs[i] != NULL && outfile_check_name(outs[i], NULL) != CBAM_OK)
            return cli_usage_error(cmd, "output name '%s' holds a control character (a newline or a tab?)", outs[i]);
    if (a.json_out != NULL && a.xlsx_out != NULL && outfile_same_target(a.json_out, a.xlsx_out))
        return cli_usage_error(cmd, "--json and -o name the same file (%s)", a.json_out);
    if (a.json_out != NULL && a.template_out != NULL && outfile_same_target(a.json_out, a.template_out))
        return cli_usage_error(cmd, "--json and -o name the same file (%s)", a.json_out);
    if (a.template_out != NULL && strcmp(a.template_out, "-") == 0)
        return cli_usage_error(cmd, "-o needs a file name; a workbook is not written to standard output");
    if (validate_only && (a.json_out != NULL || a.xlsx_out != NULL))
        return cli_usage_error(cmd, "validate writes nothing; use 'cbamcalc report'");
    if (a.xlsx_out != NULL && strcmp(a.xlsx_out, "-") == 0)
        return cli_usage_error(cmd, "-o needs a file name; a workbook is not written to standard output");
    /* A wrong extension; an output that names an input, or a device or a
     * pipe, is refused later with that reason, the graver one. */
    const char *book = a.xlsx_out != NULL ? a.xlsx_out : a.template_out;
    if (book != NULL && !outname_has_ext(book, ".xlsx") && !refused_later(&a, book))
        return cli_usage_error(cmd, "-o %s: a workbook is written as .xlsx; name it so (e.g. -o report.xlsx), or use "
                               "--json for JSON", book);
    if (a.json_out != NULL && strcmp(a.json_out, "-") != 0 && !outname_has_ext(a.json_out, ".json") &&
        !refused_later(&a, a.json_out))
        return cli_usage_error(cmd, "--json %s: the JSON report is written as .json; name it so (e.g. --json "
                               "report.json)", a.json_out);
    size_t stdin_uses = 0;
    for (size_t i = 0; i < a.nelectricity; i++)
        stdin_uses += strcmp(a.electricity[i], "-") == 0;
    for (size_t i = 0; i < a.nproduction; i++)
        stdin_uses += strcmp(a.production[i], "-") == 0;
    for (size_t i = 0; i < a.nenterprises; i++)
        stdin_uses += strcmp(a.enterprises[i], "-") == 0;
    if (stdin_uses > 1)
        return cli_usage_error(cmd, "standard input ('-') can be read only once");
    if (a.summary && a.json_out != NULL && strcmp(a.json_out, "-") == 0)
        return cli_usage_error(cmd, "--summary and --json - both write to standard output; choose one");
    a.summary = a.summary || (!validate_only && a.json_out == NULL && a.xlsx_out == NULL && a.template_out == NULL &&
                              !split);
    return cli_run_report(&a);
}

int cli_cmd_report(int argc, char **argv, bool validate_only)
{
    cli_ignore_sigpipe();
    return report_main(argc, argv, validate_only ? MODE_VALIDATE : MODE_REPORT);
}

int cli_cmd_template(int argc, char **argv)
{
    return report_main(argc, argv, MODE_TEMPLATE);
}

int cli_cmd_scenario(int argc, char **argv)
{
    cli_ignore_sigpipe();
    return report_main(argc, argv, MODE_SCENARIO);
}

/* ---- progress on a terminal ---- */

struct progress {
    bool on;
    double start, last;
    bool shown;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(void *vp, const char *name, size_t done, size_t total)
{
    struct progress *p = vp;
    double t = now_s();
    if (p->start == 0)
        p->start = t;
    /* Only runs long enough to wait for get a line, refreshed five times a second. */
    if (t - p->start < 0.5 || t - p->last < 0.2)
        return;
    p->last = t;
    p->shown = true;
    if (total > 0)
        fprintf(stderr, "\rreading %s: %3.0f %% of %.1f MB", name, 100.0 * (double)done / (double)total,
                (double)total / 1e6);
    else
        fprintf(stderr, "\rreading %s: %.1f MB", name, (double)done / 1e6);
    fflush(stderr);
}

static void end_progress(struct progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
    p->start = p->last = 0;
}

/* Keeps the worse of two outcomes: unreadable input outranks bad data. */
static enum cbam_err worse(enum cbam_err a, enum cbam_err b)
{
    if (a == CBAM_OK)
        return b;
    if (b == CBAM_ERR_NOINPUT || b == CBAM_ERR_INTERNAL)
        return b;
    return a;
}

/* Appends " KEY=VALUE" to a setting line when value is given. */
static void setting_part(char *buf, size_t size, const char *key, const char *value)
{
    size_t len = strlen(buf);
    if (value != NULL && len < size)
        snprintf(buf + len, size - len, " %s=%s", key, value);
}

/* What this run was told about an electricity file beyond its bytes (its
 * source, product, encoding, interval label, header map): a setting of the
 * inputs' hash, keyed by the file's SHA-256. Nothing when nothing was told. */
static void file_setting(ledger *l, size_t in, const cli_report_args *a, size_t i)
{
    char line[2048] = "", num[16];
    if (a->electricity_source[i] > 0)
        setting_part(line, sizeof line, "source", supply_name((enum supply_source)(a->electricity_source[i] - 1)));
    setting_part(line, sizeof line, "product", a->electricity_product[i]);
    setting_part(line, sizeof line, "encoding", a->electricity_encoding[i]);
    snprintf(num, sizeof num, "%d", a->electricity_label[i]);
    setting_part(line, sizeof line, "label", a->electricity_label[i] != 0 ? num : NULL);
    for (size_t k = 0; k < a->nelectricity_map[i] && k < CLI_MAX_FILE_MAP; k++) {
        setting_part(line, sizeof line, "map", a->electricity_map[i][k].canonical);
        setting_part(line, sizeof line, "as", a->electricity_map[i][k].header);
    }
    if (line[0] == '\0' || in >= l->ninputs)
        return;
    char full[2200];
    snprintf(full, sizeof full, "%s%s", l->inputs[in].sha256, line);
    ledger_add_setting(l, full);
}

/* The run's own settings that change figures: the period, the factors
 * given on the command line (by id and value), the encoding, interval
 * label and header map for every file. */
static void run_settings(ledger *l, const cli_report_args *a, const alloc_opts *ao)
{
    char line[2048] = "", buf[64];
    if (a->from_ord || a->to_ord) {
        char from[8] = "", to[8] = "";
        if (a->from_ord)
            period_format(a->from_ord, from, sizeof from);
        if (a->to_ord)
            period_format(a->to_ord, to, sizeof to);
        snprintf(buf, sizeof buf, "%s..%s", from, to);
        setting_part(line, sizeof line, "period", buf);
    }
    const factor *ov[] = {ao->grid_override, ao->residual_override, ao->cbam_override};
    static const char *const names[] = {"grid-factor", "residual-factor", "cbam-grid-factor"};
    for (size_t i = 0; i < 3; i++) {
        if (ov[i] == NULL)
            continue;
        snprintf(buf, sizeof buf, "%.17g", ov[i]->value);
        setting_part(line, sizeof line, names[i], ov[i]->id);
        setting_part(line, sizeof line, "value", buf);
    }
    setting_part(line, sizeof line, "encoding", a->encoding);
    if (a->has_cbam_price) { /* the cost's settings change its figures, not the emissions' */
        snprintf(buf, sizeof buf, "%.17g", a->cbam_price);
        setting_part(line, sizeof line, "cbam-price", buf);
        snprintf(buf, sizeof buf, "%d", a->cbam_year);
        setting_part(line, sizeof line, "cbam-year", a->cbam_year ? buf : NULL);
        snprintf(buf, sizeof buf, "%.17g", a->cscf);
        setting_part(line, sizeof line, "cscf", a->cscf > 0 ? buf : NULL);
        char col[2] = {a->benchmark_column, '\0'};
        setting_part(line, sizeof line, "benchmark-column", a->benchmark_column ? col : NULL);
    }
    snprintf(buf, sizeof buf, "%d", a->interval_label);
    setting_part(line, sizeof line, "label", a->interval_label != 0 ? buf : NULL);
    const scenario_opts *so = a->scenario;
    for (size_t k = 0; so != NULL && k < so->nchanges; k++) {
        const scenario_change *c = &so->changes[k];
        snprintf(buf, sizeof buf, "%s=%.17g", supply_name(c->source), c->kwh_per_year);
        setting_part(line, sizeof line, c->remove ? "remove" : "add", buf);
        setting_part(line, sizeof line, "profile", scenario_profile_name(c->profile));
    }
    for (int k = 0; so != NULL && k < SUPPLY__COUNT; k++)
        if (so->has_tariff[k]) {
            snprintf(buf, sizeof buf, "%s=%.17g", supply_name((enum supply_source)k), so->tariff_yuan_per_kwh[k]);
            setting_part(line, sizeof line, "tariff", buf);
        }
    setting_part(line, sizeof line, "replace", so != NULL && so->replace != SUPPLY_GRID ? supply_name(so->replace) : NULL);
    if (so != NULL && so->has_fx) {
        snprintf(buf, sizeof buf, "%.17g", so->fx_yuan_per_eur);
        setting_part(line, sizeof line, "fx", buf);
    }
    for (size_t k = 0; k < a->nmap; k++) {
        setting_part(line, sizeof line, "map", a->map[k].canonical);
        setting_part(line, sizeof line, "as", a->map[k].header);
    }
    if (line[0] != '\0')
        ledger_add_setting(l, line + 1);
}

static enum cbam_err ingest_all(ledger *l, const factors_db *db, enum ingest_kind kind, const cli_report_args *a,
                                const ingest_opts *io, struct progress *pr, diag_list *dl)
{
    const char *const *paths = kind == INGEST_ELECTRICITY ? a->electricity
                               : kind == INGEST_PRODUCTION ? a->production
                                                           : a->enterprises;
    size_t n = kind == INGEST_ELECTRICITY ? a->nelectricity : kind == INGEST_PRODUCTION ? a->nproduction : a->nenterprises;
    enum cbam_err err = CBAM_OK;
    for (size_t i = 0; i < n; i++) {
        ingest_opts fo = *io;
        columns_user_map map[CLI_MAX_INPUTS + CLI_MAX_FILE_MAP];
        if (kind == INGEST_ELECTRICITY) {
            /* What was given for this file: --source, --product, and from a
             * batch manifest its encoding and header map. */
            fo.has_source = a->electricity_source[i] > 0;
            fo.source = fo.has_source ? (enum supply_source)(a->electricity_source[i] - 1) : SUPPLY_GRID;
            fo.product = a->electricity_product[i];
            if (a->electricity_label[i] != INGEST_LABEL_DETECT)
                fo.label = (enum ingest_label)a->electricity_label[i];
            if (a->electricity_encoding[i] != NULL)
                fo.encoding = a->electricity_encoding[i];
            if (a->nelectricity_map[i] > 0) {
                size_t m = 0;
                for (size_t k = 0; k < io->nmap; k++)
                    map[m++] = io->map[k];
                for (size_t k = 0; k < a->nelectricity_map[i] && k < CLI_MAX_FILE_MAP; k++)
                    map[m++] = a->electricity_map[i][k];
                fo.map = map;
                fo.nmap = m;
            }
        }
        /* A FIFO or a device would block or never end: refused before reading. */
        enum cbam_err ck = outfile_check_input(paths[i], dl);
        size_t in = l->ninputs;
        err = worse(err, ck != CBAM_OK ? ck : ingest_file(l, db, kind, paths[i], &fo, dl));
        if (kind == INGEST_ELECTRICITY && l->ninputs > in)
            file_setting(l, in, a, i);
        end_progress(pr);
    }
    return err;
}

/* The same file named twice (-e f -e f, or as -e and -p) would be read twice:
 * a usage error before anything is read. */
static bool same_file_twice(const cli_report_args *a)
{
    const char *all[3 * CLI_MAX_INPUTS];
    const char *opt[3 * CLI_MAX_INPUTS];
    struct stat st[3 * CLI_MAX_INPUTS];
    bool ok[3 * CLI_MAX_INPUTS];
    size_t n = 0;
    for (size_t i = 0; i < a->nelectricity; i++)
        opt[n] = "-e", all[n++] = a->electricity[i];
    for (size_t i = 0; i < a->nproduction; i++)
        opt[n] = "-p", all[n++] = a->production[i];
    for (size_t i = 0; i < a->nenterprises; i++)
        opt[n] = "-i", all[n++] = a->enterprises[i];
    for (size_t i = 0; i < n; i++)
        ok[i] = strcmp(all[i], "-") != 0 && stat(all[i], &st[i]) == 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (ok[i] && ok[j] && st[i].st_dev == st[j].st_dev && st[i].st_ino == st[j].st_ino) {
                if (!a->silent)
                    fprintf(stderr,
                            "cbamcalc: %s %s and %s %s are the same file; each input is given once (its rows "
                            "would be counted twice)\n",
                            opt[i], all[i], opt[j], all[j]);
                return true;
            }
    return false;
}

/* Two inputs with the same bytes (a copy under another name) would count
 * the same rows twice: an error naming both. */
static bool same_content_twice(const ledger *l, diag_list *dl)
{
    bool found = false;
    for (size_t i = 0; i < l->ninputs; i++)
        for (size_t j = i + 1; j < l->ninputs; j++)
            if (l->inputs[i].sha256[0] != '\0' && strcmp(l->inputs[i].sha256, l->inputs[j].sha256) == 0 &&
                strcmp(l->inputs[i].role, "factors") != 0) {
                diag_add(dl, DIAG_ERROR, l->inputs[j].path, 0, 0,
                         "has the same content (SHA-256 %.12s...) as %s; each input is given once (its rows "
                         "would be counted twice)",
                         l->inputs[j].sha256, l->inputs[i].path);
                found = true;
            }
    return found;
}

static void warn_kind(diag_list *dl, const factor *f, const char *opt, enum factor_kind want)
{
    if (f->kind != want && f->kind != FACTOR_USER)
        diag_add(dl, DIAG_WARNING, NULL, 0, 0, "%s %s is a %s factor, not %s", opt, f->id,
                 factors_kind_name(f->kind), factors_kind_name(want));
}

/* A table the run reads beside the meter files: a --factors file, the
 * --benchmarks or --direct file (one of the three set). */
struct table {
    factors_db *factors; /* a --factors file, else into cost: */
    cbamcost_db *cost;
    bool benchmarks;       /* the --benchmarks file, else the --direct file */
    char benchmark_column; /* --benchmark-column */
};

/* Reads a table as an input of the run: listed with its role, hashed into
 * the inputs' hash; a FIFO or a device is refused before reading. */
static enum cbam_err table_input(ledger *l, const char *path, const char *role, const struct table *t,
                                 diag_list *dl)
{
    csvin_stats st = {0};
    int in = ledger_add_input(l, path, role);
    enum cbam_err err = outfile_check_input(path, dl);
    if (err == CBAM_OK)
        err = t->factors ? factors_load_file(t->factors, path, dl, &st)
              : t->benchmarks ? cbamcost_load_benchmarks(t->cost, path, t->benchmark_column, dl, &st)
                              : cbamcost_load_direct(t->cost, path, dl, &st);
    memcpy(l->inputs[in].sha256, st.sha256, sizeof st.sha256);
    l->inputs[in].rows = st.records > 0 ? st.records - 1 : 0;
    return err;
}

/* The CBAM cost's tables: the shipped CBAM factors, and the user's
 * benchmarks and direct emissions, which are inputs (listed, hashed). */
static enum cbam_err load_cost(cbamcost_db **out, ledger *l, const cli_report_args *a, diag_list *dl)
{
    cbamcost_db *cdb = *out = cbamcost_db_new();
    if (cbamcost_load_builtin(cdb, dl) != CBAM_OK)
        return CBAM_ERR_INTERNAL; /* the shipped table is checked by the tests */
    enum cbam_err err = CBAM_OK;
    if (a->benchmarks != NULL)
        err = worse(err, table_input(l, a->benchmarks, "benchmarks",
                                     &(struct table){.cost = cdb, .benchmarks = true,
                                                     .benchmark_column = a->benchmark_column},
                                     dl));
    if (a->direct != NULL)
        err = worse(err, table_input(l, a->direct, "direct", &(struct table){.cost = cdb}, dl));
    return err;
}

/* A --direct row whose product (of its enterprise, or of any when the file
 * has no enterprise column) is in none of the computed enterprises would
 * leave a good priced as if no direct emissions were given: a warning at
 * the row (an id typed another way, a product of another period). Rows of
 * enterprises not computed (--enterprise chose another) are not in question. */
static void direct_unused(const cbamcost_db *cdb, const ledger *l, const alloc_enterprise *ents, size_t n,
                          bool one_chosen, diag_list *dl)
{
    for (size_t i = 0; i < cbamcost_direct_count(cdb); i++) {
        const cbamcost_direct *d = cbamcost_direct_at(cdb, i);
        bool ent_seen = d->enterprise[0] == '\0', used = false;
        for (size_t k = 0; k < n && !used; k++) {
            const alloc_enterprise *ae = &ents[k];
            if (d->enterprise[0] != '\0' && strcmp(d->enterprise, ae->e->id) != 0)
                continue;
            ent_seen = true;
            for (size_t p = 0; p < ae->nproducts && !used; p++)
                used = ae->cost != NULL && ae->cost->products[p].direct == d;
        }
        if (used)
            continue;
        if (ent_seen) {
            diag_add(dl, DIAG_WARNING, d->file, d->line, 0,
                     "direct emissions of product '%s'%s%s: no such product in the period's production; the row "
                     "is not used (check the id as the production file writes it)",
                     d->product, d->enterprise[0] ? " of enterprise " : "", d->enterprise);
            continue;
        }
        bool other_way = ledger_enterprise_lookalike(l, d->enterprise, strlen(d->enterprise)) != NULL;
        if (!one_chosen || other_way)
            diag_add(dl, DIAG_WARNING, d->file, d->line, 0,
                     "direct emissions of product '%s' of enterprise '%s': no enterprise in the inputs has that id%s; "
                     "the row is not used",
                     d->product, d->enterprise,
                     other_way ? " (it is written another way there: letter case or full-width characters)" : "");
    }
}

/* Appends ", id" (cut on a character boundary) to the list in ids while it
 * has room; *full says a later id did not fit (the message then ends ", ..."). */
static void ids_append(char *ids, size_t size, size_t *len, bool *full, const char *id)
{
    if (*len + 40 >= size) {
        *full = true;
        return;
    }
    size_t n = utf8_cut(id, strlen(id), size - *len - 8); /* never half a character */
    *len += (size_t)snprintf(ids + *len, size - *len, "%s%.*s", *len ? ", " : "", (int)n, id);
}

/* The one enterprise a scenario is of: --enterprise, or the only one. */
static ledger_enterprise *scenario_enterprise(ledger *l, const cli_report_args *a, diag_list *dl)
{
    if (a->enterprise != NULL)
        return ledger_enterprise_get(l, a->enterprise, strlen(a->enterprise), false);
    /* Only enterprises with rows count (the enterprises file may list others). */
    size_t with_rows = 0;
    ledger_enterprise *one = NULL;
    for (size_t i = 0; i < l->nents; i++)
        if (l->ents[i]->nmonths > 0 || l->ents[i]->nannual > 0) {
            with_rows++;
            one = l->ents[i];
        }
    if (with_rows == 1)
        return one;
    if (with_rows == 0) {
        diag_add(dl, DIAG_ERROR, NULL, 0, 0, "no enterprise has data in the selected period");
        return NULL;
    }
    char ids[256] = "";
    size_t len = 0;
    bool full = false;
    for (size_t i = 0; i < l->nents; i++)
        if (l->ents[i]->nmonths > 0 || l->ents[i]->nannual > 0)
            ids_append(ids, sizeof ids, &len, &full, l->ents[i]->id);
    diag_add(dl, DIAG_ERROR, NULL, 0, 0,
             "the inputs hold %zu enterprises (%s%s); a scenario is of one: add --enterprise ID", with_rows, ids,
             full ? ", ..." : "");
    return NULL;
}

int cli_run_report(const cli_report_args *a)
{
    return cli_run_report_ex(a, NULL);
}

int cli_run_report_ex(const cli_report_args *a, cli_report_outcome *out)
{
    diag_list dl;
    diag_list_init(&dl);
    dl.echo = a->silent ? NULL : stderr;
    dl.echo_min = a->quiet ? DIAG_ERROR : a->validate_only ? DIAG_NOTE : DIAG_WARNING;
    if (same_file_twice(a))
        return cbam_err_exit_code(CBAM_ERR_USAGE);
    struct progress pr = {.on = !a->quiet && isatty(STDERR_FILENO)};

    factors_db *db = factors_new();
    ledger *l = ledger_new();
    alloc_result res = {0};
    enum cbam_err err = factors_load_builtin(db, &dl);
    if (err != CBAM_OK)
        err = CBAM_ERR_INTERNAL; /* the shipped tables are checked by the tests */

    if (err == CBAM_OK && a->factors_dir != NULL) {
        char **paths;
        size_t n;
        err = factors_list_dir(a->factors_dir, &paths, &n, &dl);
        for (size_t i = 0; i < n; i++) {
            err = worse(err, table_input(l, paths[i], "factors", &(struct table){.factors = db}, &dl));
            free(paths[i]);
        }
        free(paths);
    }

    cbamcost_db *cdb = NULL;
    if (err == CBAM_OK && a->has_cbam_price)
        err = load_cost(&cdb, l, a, &dl);

    alloc_opts ao = {.from_ord = a->from_ord, .to_ord = a->to_ord,
                     .drop_hour_detail = a->xlsx_out == NULL && a->xlsx_dir == NULL};
    if (err == CBAM_OK) {
        struct {
            const char *arg, *opt;
            const factor **out;
            enum factor_kind want;
        } ov[] = {
            {a->grid_factor, "--grid-factor", &ao.grid_override, FACTOR_GRID_AVERAGE},
            {a->residual_factor, "--residual-factor", &ao.residual_override, FACTOR_GRID_RESIDUAL},
            {a->cbam_grid_factor, "--cbam-grid-factor", &ao.cbam_override, FACTOR_CBAM_DEFAULT},
        };
        for (size_t i = 0; i < sizeof ov / sizeof ov[0] && err == CBAM_OK; i++) {
            if (ov[i].arg == NULL)
                continue;
            err = factors_resolve_arg(db, ov[i].arg, ov[i].opt, ov[i].out, &dl);
            if (err == CBAM_OK && ov[i].want != FACTOR_CBAM_DEFAULT)
                warn_kind(&dl, *ov[i].out, ov[i].opt, ov[i].want);
        }
    }

    if (err == CBAM_OK || err == CBAM_ERR_DATA) {
        ingest_opts io = {.label = (enum ingest_label)a->interval_label,
                          .from_ord = a->from_ord,
                          .to_ord = a->to_ord,
                          .only_enterprise = a->enterprise,
                          .encoding = a->encoding,
                          .map = a->map,
                          .nmap = a->nmap,
                          .progress = pr.on ? show_progress : NULL,
                          .progress_ctx = &pr};
        err = worse(err, ingest_all(l, db, INGEST_ENTERPRISES, a, &io, &pr, &dl));
        err = worse(err, ingest_all(l, db, INGEST_ELECTRICITY, a, &io, &pr, &dl));
        err = worse(err, ingest_finish(l, &dl)); /* time-of-use rows wait for every electricity file */
        err = worse(err, ingest_all(l, db, INGEST_PRODUCTION, a, &io, &pr, &dl));
        if (same_content_twice(l, &dl))
            err = worse(err, CBAM_ERR_DATA);
        if (a->enterprise != NULL &&
            ledger_enterprise_get(l, a->enterprise, strlen(a->enterprise), false) == NULL) {
            diag_add(&dl, DIAG_ERROR, NULL, 0, 0, "enterprise '%s' has no rows in the input files",
                     a->enterprise);
            err = worse(err, CBAM_ERR_DATA);
        }
    }
    scenario_result sr = {0};
    bool have_scenario = false;
    if (err == CBAM_OK && a->scenario != NULL) {
        run_settings(l, a, &ao);
        ledger_enterprise *e = scenario_enterprise(l, a, &dl);
        err = e == NULL ? CBAM_ERR_USAGE : scenario_run(l, e, db, &ao, cdb, a->scenario, &sr, &dl);
        have_scenario = err == CBAM_OK;
        if (have_scenario && cdb != NULL)
            direct_unused(cdb, l, sr.base.res.ents, 1, true, &dl);
        if (have_scenario)
            res = sr.base.res; /* the workbook and the outcome read the baseline; sr keeps owning it */
    } else if (err == CBAM_OK) {
        run_settings(l, a, &ao);
        err = alloc_run(l, db, &ao, &res, &dl);
        for (size_t i = 0; err == CBAM_OK && cdb != NULL && i < res.n; i++) {
            res.ents[i].cost = xcalloc(1, sizeof *res.ents[i].cost);
            cbamcost_opts co = {.price_eur_per_t = a->cbam_price, .year = a->cbam_year, .cscf = a->cscf};
            err = cbamcost_compute(cdb, &co, &res.ents[i], res.ents[i].cost, &dl);
        }
        if (err == CBAM_OK && cdb != NULL)
            direct_unused(cdb, l, res.ents, res.n, a->enterprise != NULL, &dl);
        if (err == CBAM_OK && res.n == 0 && !a->validate_only) {
            diag_add(&dl, DIAG_ERROR, NULL, 0, 0, "no enterprise has data in the selected period");
            err = CBAM_ERR_DATA;
        }
    }

    if (err == CBAM_OK && (a->xlsx_out != NULL || a->template_out != NULL) && res.n > 1) {
        char ids[256] = "";
        size_t len = 0;
        bool full = false;
        for (size_t i = 0; i < res.n; i++)
            ids_append(ids, sizeof ids, &len, &full, res.ents[i].e->id);
        diag_add(&dl, DIAG_ERROR, NULL, 0, 0,
                 "the inputs hold %zu enterprises (%s%s); a %s covers one: add --enterprise ID", res.n,
                 ids, full ? ", ..." : "", a->template_out ? "template" : "workbook");
        err = CBAM_ERR_USAGE;
    }
    if (err == CBAM_OK && !a->validate_only) {
        cli_report_args sa = *a;
        sa.scenario_result = have_scenario ? &sr : NULL;
        err = outputs_write(&sa, l, &res, &dl);
    }
    if (err == CBAM_OK && a->summary) {
        if (have_scenario)
            report_text_scenario(stdout, &sr, a->zh);
        else
            report_text_write_lang(stdout, &res, a->zh);
    }

    if (out != NULL) {
        memset(out, 0, sizeof *out);
        out->exit_code = cbam_err_exit_code(err);
        for (size_t i = 0; i < dl.count && out->error[0] == '\0'; i++) {
            if (dl.items[i].severity != DIAG_ERROR)
                continue;
            FILE *mem = fmemopen(out->error, sizeof out->error - 1, "w");
            if (mem != NULL) {
                diag_print(mem, &dl.items[i]);
                fclose(mem);
            }
            out->error[strcspn(out->error, "\n")] = '\0';
            /* The buffer may have cut the line inside a character: end before it. */
            size_t bad;
            if (!utf8_valid(out->error, strlen(out->error), &bad))
                out->error[bad] = '\0';
        }
        if (out->error[0] == '\0' && err != CBAM_OK)
            snprintf(out->error, sizeof out->error, "%s", cbam_err_str(err));
        double green = 0;
        for (size_t i = 0; err == CBAM_OK && i < res.n; i++) {
            out->enterprises++;
            out->kwh += res.ents[i].kwh.consumption;
            out->location_t += res.ents[i].em.location;
            out->market_t += res.ents[i].em.market;
            out->cbam_t += res.ents[i].em.cbam;
            green += res.ents[i].green_share * res.ents[i].kwh.consumption;
        }
        out->has_green_share = out->kwh > 0;
        out->green_share = out->kwh > 0 ? green / out->kwh : 0;
    }
    if (a->silent) {
        /* nothing on stderr */
    } else if (err != CBAM_OK) {
        diag_print_dropped(stderr, &dl);
        fprintf(stderr, "cbamcalc: %zu error%s, %zu warning%s; %s\n", dl.errors, dl.errors == 1 ? "" : "s",
                dl.warnings, dl.warnings == 1 ? "" : "s",
                a->validate_only ? "the inputs are not valid" : "no report was written");
    } else if (a->validate_only) {
        if (!a->quiet)
            fprintf(stderr, "cbamcalc: inputs valid: %zu warning%s, %zu note%s\n", dl.warnings,
                    dl.warnings == 1 ? "" : "s", dl.notes, dl.notes == 1 ? "" : "s");
    } else if (!a->quiet) {
        /* The last line says what was written, and how many warnings to read. */
        char warn[64] = "";
        if (dl.warnings > 0)
            snprintf(warn, sizeof warn, " (%zu warning%s above)", dl.warnings, dl.warnings == 1 ? "" : "s");
        if (a->xlsx_out != NULL)
            fprintf(stderr, "cbamcalc: wrote %s%s\n", a->xlsx_out, a->json_out == NULL ? warn : "");
        if (a->template_out != NULL) {
            /* What the user still has to enter, where the user looks: here. */
            static const char mark[] = "official template, to complete by hand: ";
            fprintf(stderr, "cbamcalc: wrote %s, the official template filled in%s; to complete by hand:\n",
                    a->template_out, a->json_out == NULL ? warn : "");
            for (size_t i = 0; i < dl.count; i++)
                if (strncmp(dl.items[i].message, mark, sizeof mark - 1) == 0) {
                    fputs("  - ", stderr);
                    diag_put_escaped(stderr, dl.items[i].message + sizeof mark - 1);
                    fputc('\n', stderr);
                }
            if (dl.dropped > 0) /* the stored diagnostics are capped; the plan's list is whole */
                fputs("  (the list may go on: see template.to_complete in --json)\n", stderr);
        }
        if (a->json_out != NULL && strcmp(a->json_out, "-") != 0)
            fprintf(stderr, "cbamcalc: wrote %s%s\n", a->json_out, warn);
        if (a->xlsx_dir != NULL)
            fprintf(stderr, "cbamcalc: wrote %zu workbook%s and JSON file%s%s to %s%s\n", res.n, res.n == 1 ? "" : "s",
                    res.n == 1 ? "" : "s", a->template_dir ? " and filled templates" : "", a->xlsx_dir, warn);
    }
    if (a->scenario != NULL)
        scenario_result_free(&sr); /* res, when set, is its baseline */
    if (!have_scenario)
        alloc_result_free(&res);
    ledger_free(l);
    cbamcost_db_free(cdb);
    factors_free(db);
    diag_list_free(&dl);
    return cbam_err_exit_code(err);
}
