/* cli.c - subcommand dispatch, top-level help and version. */
#include "config.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Every command, once: the dispatch, the help and the messages all read this
 * list, so a new command cannot be left out of one of them. */
static const struct command {
    const char *name, *what;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"report", "compute the figures from meter and production CSV files", cli_cmd_report_main},
    {"validate", "check the input files and print every problem; writes nothing", cli_cmd_validate_main},
    {"template", "fill the Commission's CBAM communication template (v2.1.1) for one enterprise",
     cli_cmd_template},
    {"factors", "list or show the emission factors (factors list | factors show ID)", cli_cmd_factors},
    {"scenario", "compare an enterprise's figures and costs with more green power (--add SRC=KWH)",
     cli_cmd_scenario},
    {"batch", "run report for many clients (a manifest or a folder per client), unattended", cli_cmd_batch},
    {"demo", "run report on the bundled example (Yuncheng green-power park)", cli_cmd_demo},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

int cli_cmd_report_main(int argc, char **argv)
{
    return cli_cmd_report(argc, argv, false);
}

int cli_cmd_validate_main(int argc, char **argv)
{
    return cli_cmd_report(argc, argv, true);
}

void cli_ignore_sigpipe(void)
{
    /* A closed pipe (cbamcalc ... 2>&1 | head -1) is a failed write, told
     * by the exit code, not a death by SIGPIPE halfway through the outputs,
     * a batch run or the last message. */
    signal(SIGPIPE, SIG_IGN);
}

static void print_help(FILE *to)
{
    fputs("Usage: cbamcalc COMMAND [OPTIONS]\n"
          "\n"
          "Electricity emissions of exporting manufacturers: location-based and market-based\n"
          "(GHG Protocol Scope 2) and EU CBAM indirect, per enterprise, month and product.\n"
          "\n"
          "Commands:\n",
          to);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(to, "  %-9s %s\n", commands[i].name, commands[i].what);
    fputs("\n"
          "Options:\n"
          "  -h, --help     show this help (COMMAND --help for a command's options)\n"
          "  -V, --version  show the version\n"
          "\n"
          "Exit status: 0 ok, 64 usage error, 65 data error, 66 input missing or unreadable,\n"
          "73 output not writable; batch also 1 some clients failed, 75 output directory in use,\n"
          "130/143 stopped by SIGINT/SIGTERM. See cbamcalc(1).\n",
          to);
}

/* "report, validate, ..., batch or demo". */
static void command_list(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NCOMMANDS && len < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == NCOMMANDS ? " or " : ", ";
        int w = snprintf(buf + len, size - len, "%s%s", sep, commands[i].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

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

static int stdout_errno;    /* the first failed write's */
static bool stdout_was_closed; /* descriptor 1 was closed when we started */

void cli_note_stdout_error(int err)
{
    if (stdout_errno == 0)
        stdout_errno = err;
}

/* What was printed must have arrived: `factors list > /dev/full` or a
 * summary into a full disk is an unwritable output (73), not a success. */
static int check_stdout(int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    cli_note_stdout_error(errno);
    int e = stdout_errno ? stdout_errno : EIO;
    if (rc != 0)
        return rc; /* already failed, and said why */
    if (stdout_was_closed)
        fprintf(stderr, "cbamcalc: writing to standard output failed: it is closed (>&-)\n");
    else
        fprintf(stderr, "cbamcalc: writing to standard output failed: %s\n", strerror(e));
    return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
}

/* Started with descriptor 0, 1 or 2 closed (>&-, a supervisor): the next
 * file opened (the batch lock, an output) would become standard output and
 * take the log. Each closed one is opened on a device instead: standard
 * output on /dev/full, so that whatever is printed fails as a closed output
 * does (73), and nothing lands in a file (without /dev/full: /dev/null). */
static void reopen_closed_std_fds(void)
{
    static const char *const dev[3] = {"/dev/null", "/dev/full", "/dev/null"};
    static const int mode[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int got = open(dev[fd], mode[fd] | O_NOCTTY);
        if (got < 0 && fd == 1)
            got = open("/dev/null", O_WRONLY | O_NOCTTY);
        if (got >= 0 && got != fd) {
            /* The lower ones are open, so this cannot be: keep nothing on the wrong number. */
            close(got);
            continue;
        }
        if (fd == 1)
            stdout_was_closed = true;
    }
}

static int dispatch(int argc, char **argv);

int cli_main(int argc, char **argv)
{
    reopen_closed_std_fds();
    return check_stdout(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    char list[256];
    command_list(list, sizeof list);
    if (argc < 2) {
        /* Someone trying the tool, or a script that lost its arguments: say what there is. */
        fprintf(stderr, "cbamcalc: a command is required (%s)\n\n", list);
        print_help(stderr);
        return cbam_err_exit_code(CBAM_ERR_USAGE);
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        print_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("cbamcalc %s\n", PACKAGE_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return cli_usage_error(NULL, "unknown command '%s'; expected %s", cmd, list);
}
