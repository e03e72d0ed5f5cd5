/* cmd_demo.c - `cbamcalc demo`: writes the bundled examples (compiled in) to a
 * directory and runs `report` on them, then `scenario` on the park's anchor
 * tenant, so a new user sees a real result at once. */
#include "config.h"
#include "cli.h"
#include "embedded.h"
#include "outfile.h"
#include "parse.h"
#include "supply.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char demo_help[] =
    "Usage: cbamcalc demo [-o DIR]\n"
    "\n"
    "Writes the bundled example of the Yuncheng ETDZ green-power park (two fictional\n"
    "enterprises, 2025) to DIR (default: cbamcalc-demo) as electricity.csv,\n"
    "production.csv and enterprises.csv, runs 'cbamcalc report' on it for 2025, writes\n"
    "one workbook per enterprise (DIR/YC-AP01.xlsx, DIR/YC-FD02.xlsx) and DIR/report.json,\n"
    "and prints the summary. Then it does the same in DIR/exports with exports as they\n"
    "come: a GBK State Grid bill with time-of-use tiers, a park platform's 15-minute\n"
    "data and a green-power trade statement (see README, Input files).\n"
    "\n"
    "Last, DIR/asimco: a fictional auto-parts maker modelled on the park's anchor\n"
    "tenant (40 GWh of grid power in 2026, brake discs and steel bolts), and what\n"
    "37 MW of rooftop PV on a direct line (39 GWh a year, by Shanxi's solar profile)\n"
    "would change: 'cbamcalc scenario --add green_direct=39000000 --profile\n"
    "green_direct=solar --tariff grid=0.60 --tariff green_direct=0.4053 --cbam-price\n"
    "75.36 --fx 7.8', written to DIR/asimco/scenario.xlsx and scenario.json, and its\n"
    "summary printed. Its goods are not ones whose indirect emissions CBAM charges:\n"
    "the PV lowers the power bill and the reported emissions, not the certificates.\n"
    "\n"
    "  -o, --output DIR   where to write (created if missing)\n"
    "  -q, --quiet        print only errors on standard error\n"
    "  -h, --help         show this help\n";

static const char *const demo_files[] = {"electricity.csv", "production.csv", "enterprises.csv"};
static const char *const export_files[] = {"state-grid-bill-gbk.csv", "park-platform-15min.csv",
                                           "green-trade-statement.csv", "production.csv", "enterprises.csv"};
#define DEMO_DIR_MAX 4096

static int write_file(const char *path, const struct embedded_file *ef)
{
    diag_list dl;
    diag_list_init(&dl);
    dl.echo = stderr;
    outfile of;
    enum cbam_err err = outfile_open(&of, path, &dl);
    if (err == CBAM_OK) {
        if (fwrite(ef->data, 1, ef->size, of.fp) != ef->size) {
            diag_add(&dl, DIAG_ERROR, path, 0, 0, "writing failed: %s", strerror(errno));
            outfile_abort(&of);
            err = CBAM_ERR_CANTCREAT;
        } else {
            err = outfile_commit(&of, &dl);
        }
    }
    diag_list_free(&dl);
    return cbam_err_exit_code(err);
}

/* Writes the compiled-in example prefix+name to dir/name; path receives it. */
static int write_example(const char *prefix, const char *name, const char *dir, char *path, size_t size)
{
    char key[128];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    const struct embedded_file *ef = embedded_find(key);
    if (ef == NULL) {
        fprintf(stderr, "cbamcalc: the bundled example %s is missing from this build\n", key);
        return cbam_err_exit_code(CBAM_ERR_INTERNAL);
    }
    snprintf(path, size, "%s/%s", dir, name);
    return write_file(path, ef);
}

/* Makes dir/sub (into subdir, DEMO_DIR_MAX bytes) and writes the bundled
 * examples/sub/NAME files there (their paths into paths). */
static int write_examples(const char *dir, const char *sub, const char *const *names, size_t n, char *subdir,
                          char (*paths)[DEMO_DIR_MAX + 64])
{
    char prefix[64];
    snprintf(subdir, DEMO_DIR_MAX, "%s/%s", dir, sub);
    snprintf(prefix, sizeof prefix, "examples/%s/", sub);
    if (mkdir(subdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cbamcalc: %s: cannot create the directory: %s\n", subdir, strerror(errno));
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }
    for (size_t i = 0; i < n; i++) {
        int rc = write_example(prefix, names[i], subdir, paths[i], sizeof paths[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cli_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = "cbamcalc-demo";
    bool quiet = false;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'q': quiet = true; break;
        case 'h': fputs(demo_help, stdout); return 0;
        case ':': return cli_usage_error("demo", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("demo", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
    if (strlen(dir) > DEMO_DIR_MAX - 32)
        return cli_usage_error("demo", "the directory name is too long");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cbamcalc: %s: cannot create the directory: %s\n", dir, strerror(errno));
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }

    static char paths[3][DEMO_DIR_MAX];
    for (size_t i = 0; i < 3; i++) {
        int rc = write_example("examples/yuncheng/", demo_files[i], dir, paths[i], sizeof paths[i]);
        if (rc != 0)
            return rc;
    }
    static char json[DEMO_DIR_MAX];
    snprintf(json, sizeof json, "%s/report.json", dir);

    cli_report_args a = {
        .electricity = {paths[0]}, .nelectricity = 1,
        .production = {paths[1]}, .nproduction = 1,
        .enterprises = {paths[2]}, .nenterprises = 1,
        .json_out = json, .xlsx_dir = dir, .summary = true, .quiet = quiet,
        .from_ord = period_ord(2025, 1), .to_ord = period_ord(2025, 12),
    };
    int rc = cli_run_report(&a);
    if (rc != 0)
        return rc;

    /* The same job on exports as they come from the utility, the park
     * platform and the trading centre (examples/exports). */
    static char xdir[DEMO_DIR_MAX], xpaths[5][DEMO_DIR_MAX + 64], xjson[DEMO_DIR_MAX + 64];
    rc = write_examples(dir, "exports", export_files, 5, xdir, xpaths);
    if (rc != 0)
        return rc;
    snprintf(xjson, sizeof xjson, "%s/report.json", xdir);
    cli_report_args x = {
        .electricity = {xpaths[0], xpaths[1], xpaths[2]},
        .electricity_source = {SUPPLY_GRID + 1, 0, SUPPLY_GREEN_TRADE + 1},
        .nelectricity = 3,
        .production = {xpaths[3]}, .nproduction = 1,
        .enterprises = {xpaths[4]}, .nenterprises = 1,
        .json_out = xjson, .xlsx_dir = xdir, .summary = true, .quiet = quiet,
        /* The park platform's 15-minute sample covers March only: a year
         * would miss eleven months of the direct line and the PV. */
        .from_ord = period_ord(2025, 3), .to_ord = period_ord(2025, 3),
    };
    if (!quiet)
        printf("\nThe same job on real-world exports (a GBK State Grid bill with time-of-use tiers, a park\n"
               "platform's 15-minute data, a green-power trade statement in MWh), for March 2025, the\n"
               "month the 15-minute sample covers. Its load meter (总表) lets cbamcalc match the direct\n"
               "line and the PV to the load hour by hour, as CBAM asks: the power exported at the noon\n"
               "break counts nowhere, and the matched share is the hourly (24/7) score:\n\n");
    rc = cli_run_report(&x);
    if (rc != 0)
        return rc;

    /* The seed's anchor tenant (shared/reference/seed-facts.md): 37 MW of
     * rooftop PV on a direct line, 0.39亿kWh a year, 0.4053 yuan/kWh against
     * the grid's 0.60, and the first published certificate price. */
    static char adir[DEMO_DIR_MAX], apaths[3][DEMO_DIR_MAX + 64], axlsx[DEMO_DIR_MAX + 64], ajson[DEMO_DIR_MAX + 64];
    rc = write_examples(dir, "asimco", demo_files, 3, adir, apaths);
    if (rc != 0)
        return rc;
    snprintf(axlsx, sizeof axlsx, "%s/scenario.xlsx", adir);
    snprintf(ajson, sizeof ajson, "%s/scenario.json", adir);
    /* getopt permutes the pointers of argv, never the strings: the literals
     * are only read. */
    char *av[] = {
        (char *)"scenario", (char *)"-e", apaths[0], (char *)"-p", apaths[1], (char *)"-i", apaths[2],
        (char *)"--year", (char *)"2026",
        (char *)"--add", (char *)"green_direct=39000000", (char *)"--profile", (char *)"green_direct=solar",
        (char *)"--tariff", (char *)"grid=0.60", (char *)"--tariff", (char *)"green_direct=0.4053",
        (char *)"--cbam-price", (char *)"75.36", (char *)"--fx", (char *)"7.8",
        (char *)"-o", axlsx, (char *)"--json", ajson, (char *)"--summary",
        quiet ? (char *)"-q" : NULL, NULL,
    };
    /* The comparison is printed as the reports' summaries are; -q quiets stderr only. */
    int ac = (int)(sizeof av / sizeof av[0]) - (quiet ? 1 : 2);
    if (!quiet)
        printf("\nAnd a scenario: a fictional auto-parts maker modelled on the park's anchor tenant (40 GWh\n"
               "of grid power in 2026) gets 37 MW of rooftop PV on a direct line, 39 GWh a year by Shanxi's\n"
               "solar profile. Brake discs are not CBAM goods, and steel bolts count only direct emissions\n"
               "from 2026: the PV lowers the power bill and the reported emissions, not the certificates.\n"
               "What the PV brings beyond a month's grid purchase is a surplus, never consumed:\n\n");
    fflush(stdout);
    rc = cli_cmd_scenario(ac, av);
    fflush(stdout); /* its comparison before the closing words on stderr */
    if (rc == 0 && !quiet)
        fprintf(stderr,
                "\ncbamcalc: wrote %s and a workbook per enterprise in %s, the same for the exports in %s,\n"
                "and the scenario in %s; the inputs are beside them. Run 'cbamcalc report --help' or\n"
                "'cbamcalc scenario --help' to use your own files.\n",
                json, dir, xdir, adir);
    return rc;
}
