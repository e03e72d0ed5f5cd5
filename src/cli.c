/* cli.c - subcommand dispatch, top-level help and version. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char top_help[] =
    "Usage: cbamcalc COMMAND [OPTIONS]\n"
    "\n"
    "Electricity emissions of exporting manufacturers: location-based and market-based\n"
    "(GHG Protocol Scope 2) and EU CBAM indirect, per enterprise, month and product.\n"
    "\n"
    "Commands:\n"
    "  report    compute the figures from meter and production CSV files\n"
    "  validate  check the input files and print every problem; writes nothing\n"
    "  template  fill the Commission's CBAM communication template (v2.1.1) for one enterprise\n"
    "  factors   list or show the emission factors (factors list | factors show ID)\n"
    "  batch     run report for many clients (a manifest or a folder per client)\n"
    "  demo      run report on the bundled example (Yuncheng green-power park)\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help (COMMAND --help for a command's options)\n"
    "  -V, --version  show the version\n"
    "\n"
    "Exit status: 0 ok, 64 usage error, 65 data error, 66 input missing or unreadable,\n"
    "73 output not writable. See cbamcalc(1).\n";

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("cbamcalc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'cbamcalc %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return cbam_err_exit_code(CBAM_ERR_USAGE);
}

/* What was printed must have arrived: `factors list > /dev/full` or a
 * summary into a full disk is an unwritable output (73), not a success. */
static int check_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    int e = errno ? errno : EIO;
    if (rc != 0)
        return rc; /* already failed, and said why */
    fprintf(stderr, "cbamcalc: writing to standard output failed: %s\n", strerror(e));
    return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
}

static int dispatch(int argc, char **argv);

int cli_main(int argc, char **argv)
{
    return check_stdout(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "a command is required (report, validate, factors, demo)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(top_help, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cbamcalc %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "report") == 0)
        return cli_cmd_report(argc - 1, argv + 1, false);
    if (strcmp(cmd, "validate") == 0)
        return cli_cmd_report(argc - 1, argv + 1, true);
    if (strcmp(cmd, "template") == 0)
        return cli_cmd_template(argc - 1, argv + 1);
    if (strcmp(cmd, "factors") == 0)
        return cli_cmd_factors(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cli_cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "batch") == 0)
        return cli_cmd_batch(argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'; expected report, validate, template, factors, batch or demo", cmd);
}
