/* cli.h - the cbamcalc command line: subcommands, options, help, exit codes.
 *
 * main() only calls cli_main(); everything else lives in the library so the
 * tests can drive the same code.
 */
#ifndef CBAM_CLI_H
#define CBAM_CLI_H

#include "cbam_error.h"
#include "columns.h"

#include <stdbool.h>
#include <stddef.h>

/* Runs the command line; returns the process exit code. */
int cli_main(int argc, char **argv);

#define CLI_MAX_INPUTS 64
#define CLI_MAX_FILE_MAP 8 /* COLUMN=HEADER mappings for one input file */

/* What `report`, `validate` and `demo` run on. */
typedef struct cli_report_args {
    const char *electricity[CLI_MAX_INPUTS];
    int electricity_source[CLI_MAX_INPUTS]; /* --source after the file: enum supply_source + 1; 0 = none */
    /* Per electricity file (a batch manifest gives them per file; the command
     * line has --product after -e FILE): NULL / 0 = not given for that file. */
    const char *electricity_product[CLI_MAX_INPUTS];  /* the whole file is this product's sub-meter */
    const char *electricity_encoding[CLI_MAX_INPUTS]; /* overrides the run's encoding for that file */
    int electricity_label[CLI_MAX_INPUTS]; /* enum ingest_label for that file; 0: the run's */
    columns_user_map electricity_map[CLI_MAX_INPUTS][CLI_MAX_FILE_MAP]; /* added to the run's --map */
    size_t nelectricity_map[CLI_MAX_INPUTS];
    size_t nelectricity;
    const char *production[CLI_MAX_INPUTS];
    size_t nproduction;
    const char *enterprises[CLI_MAX_INPUTS];
    size_t nenterprises;
    const char *json_out;    /* NULL: no JSON */
    const char *xlsx_out;    /* NULL: no workbook; else the workbook of the one enterprise */
    const char *xlsx_dir;    /* NULL, or a directory for one workbook per enterprise */
    const char *json_dir;    /* NULL, or a directory for one JSON per enterprise (--split) */
    const char *template_in;  /* --template: the Commission's template to fill; NULL: none */
    const char *template_out; /* `template -o`: the filled template of the one enterprise */
    const char *template_dir; /* NULL, or a directory for DIR/ID.template.xlsx (--split --template) */
    const char *processes;    /* --processes FILE: products grouped into production processes */
    const struct template_doc *template_doc; /* the template already read (batch: once per run); NULL: read it */
    bool zh;                 /* Chinese labels in the workbook */
    const char *encoding;    /* --encoding; NULL = detect */
    columns_user_map map[CLI_MAX_INPUTS]; /* --map canonical=header */
    size_t nmap;
    const char *factors_dir; /* NULL: shipped factors only */
    const char *grid_factor, *residual_factor, *cbam_grid_factor;
    const char *enterprise;
    int from_ord, to_ord; /* 0 = open */
    int interval_label;   /* enum ingest_label for every file without its own (0: detect per file) */
    bool validate_only;   /* `validate`: read and check, write nothing */
    bool summary;         /* print the summary on stdout */
    bool quiet;           /* errors only on stderr */
    bool silent;          /* nothing on stderr (batch jobs report through the outcome) */
    int jobs;             /* --split: processes writing the files (-j); 0 or 1: this one alone */
    /* CBAM cost (cbamcost.h): priced when has_cbam_price */
    bool has_cbam_price;
    double cbam_price;        /* --cbam-price EUR per tCO2 */
    int cbam_year;            /* --cbam-year; 0: each month's own */
    double cscf;              /* --cscf; 0: not given (taken as 1) */
    const char *benchmarks;   /* --benchmarks FILE; NULL: none (upper bound) */
    char benchmark_column;    /* --benchmark-column A|B; 0: not chosen */
    const char *direct;       /* --direct FILE; NULL: direct emissions not given */
    struct scenario_opts *scenario; /* `scenario`: the changes; NULL for report */
    const struct scenario_result *scenario_result; /* set by the run for the outputs; NULL for report */
} cli_report_args;

/* What a report run gives back (batch mode keeps it in its summary). */
typedef struct cli_report_outcome {
    int exit_code;
    char error[512]; /* the first error, as printed ("file:line:col: message"); "" when none */
    size_t enterprises;
    double kwh, location_t, market_t, cbam_t; /* summed over the enterprises */
    bool has_green_share;
    double green_share;
} cli_report_outcome;

/* Runs a report; returns the exit code. */
int cli_run_report(const cli_report_args *a);
/* The same, filling *out (may be NULL). */
int cli_run_report_ex(const cli_report_args *a, cli_report_outcome *out);

/* Subcommands (argv[0] is the subcommand's name). */
int cli_cmd_report(int argc, char **argv, bool validate_only);
int cli_cmd_template(int argc, char **argv);
int cli_cmd_factors(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
int cli_cmd_batch(int argc, char **argv);
int cli_cmd_scenario(int argc, char **argv);
/* report and validate with the signature of the others (cli.c's list of commands). */
int cli_cmd_report_main(int argc, char **argv);
int cli_cmd_validate_main(int argc, char **argv);

/* cmd_scenario.c: one of scenario's own options (opt is its long name
 * without "--": add, remove, profile, tariff, fx) into so; 0, or the usage
 * exit code after saying what was expected. */
int cli_scenario_option(struct scenario_opts *so, const char *opt, const char *arg);
/* After every option: what must be there (a change); 0 or 64. */
int cli_scenario_check(const struct scenario_opts *so);
/* `scenario --help`. */
extern const char cli_scenario_help[];

/* Makes a write to a closed pipe an error (EPIPE) instead of a death by
 * SIGPIPE: report and batch then finish their files and say so. */
void cli_ignore_sigpipe(void);

/* Records why a write to standard output failed (the first errno), so that
 * the last check names it: stdio keeps an error flag, not its errno. */
void cli_note_stdout_error(int err);

/* Prints "cbamcalc: message" and a hint to see --help; returns 64. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
