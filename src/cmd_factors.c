/* cmd_factors.c - `cbamcalc factors list` and `cbamcalc factors show ID`. */
#include "config.h"
#include "cli.h"
#include "factors.h"
#include "parse.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char factors_help[] =
    "Usage: cbamcalc factors list [--country CC] [--year YYYY] [--kind KIND] [--factors DIR]\n"
    "       cbamcalc factors show ID [--factors DIR]\n"
    "\n"
    "list prints one factor per line: id, kind, country, region, year, value in kgCO2/kWh\n"
    "(= tCO2/MWh) and status. show prints everything known about one factor: its source,\n"
    "url, status and note. --factors DIR adds the factor CSV files in DIR, as in report.\n"
    "\n"
    "Kinds: grid_average, grid_residual, grid_fossil, cbam_default, supplier, lca, ets.\n"
    "Status: confirmed (two or more independent copies), secondary (one secondary copy:\n"
    "check it against the official text), user (given by the user).\n";

static const struct option factors_options[] = {
    {"country", required_argument, NULL, 'c'}, {"year", required_argument, NULL, 'y'},
    {"kind", required_argument, NULL, 'k'},    {"factors", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
};

static void show(const factor *f)
{
    printf("id:       %s\nkind:     %s\ncountry:  %s\nregion:   %s\nyear:     %d\n"
           "value:    %.15g kgCO2/kWh (written as %s)\nsource:   %s\nurl:      %s\n"
           "status:   %s\nnote:     %s\n",
           f->id, factors_kind_name(f->kind), f->country, f->region[0] ? f->region : "(national)", f->year,
           f->value, f->unit, f->source, f->url[0] ? f->url : "-", f->status, f->note[0] ? f->note : "-");
    if (f->note_zh != NULL && f->note_zh[0] != '\0')
        printf("note_zh:  %s\n", f->note_zh);
    printf("defined:  %s:%ld\n", f->file, f->line);
    if (f->replaced != NULL)
        printf("replaces: the shipped factor of this id (%s)\n", f->replaced);
}

int cli_cmd_factors(int argc, char **argv)
{
    const char *country = NULL, *kind = NULL, *dir = NULL;
    long year = 0;
    int c;
    optind = 0;
    opterr = 0;
    /* Permuting getopt: options may stand before or after "list" / "show ID". */
    while ((c = getopt_long(argc, argv, ":h", factors_options, NULL)) != -1) {
        switch (c) {
        case 'c': country = optarg; break;
        case 'k': kind = optarg; break;
        case 'f': dir = optarg; break;
        case 'y':
            if (parse_int(optarg, strlen(optarg), PERIOD_YEAR_MIN, PERIOD_YEAR_MAX, &year) != PARSE_OK)
                return cli_usage_error("factors", "--year %s: expected a year such as 2023", optarg);
            break;
        case 'h': fputs(factors_help, stdout); return 0;
        case ':': return cli_usage_error("factors", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("factors", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("factors", "expected 'list' or 'show ID'");
    const char *sub = argv[optind++];
    const char *id = NULL;
    if (strcmp(sub, "show") == 0) {
        if (optind >= argc)
            return cli_usage_error("factors", "'factors show' needs a factor id");
        id = argv[optind++];
    } else if (strcmp(sub, "list") != 0) {
        return cli_usage_error("factors", "unknown '%s'; expected 'list' or 'show ID'", sub);
    }
    if (optind < argc)
        return cli_usage_error("factors", "unexpected argument '%s'", argv[optind]);

    diag_list dl;
    diag_list_init(&dl);
    dl.echo = stderr;
    factors_db *db = factors_new();
    enum cbam_err err = factors_load_builtin(db, &dl);
    if (err == CBAM_OK && dir != NULL) {
        char **paths;
        size_t n;
        err = factors_list_dir(dir, &paths, &n, &dl);
        for (size_t i = 0; i < n; i++) {
            enum cbam_err e = factors_load_file(db, paths[i], &dl, NULL);
            if (err == CBAM_OK)
                err = e;
            free(paths[i]);
        }
        free(paths);
    }
    if (err == CBAM_OK && id != NULL) {
        const factor *f = factors_find(db, id);
        if (f == NULL) {
            fprintf(stderr, "cbamcalc: no factor with id '%s'; see 'cbamcalc factors list'\n", id);
            err = CBAM_ERR_DATA;
        } else {
            show(f);
        }
    } else if (err == CBAM_OK) {
        printf("%-26s %-14s %-3s %-22s %4s %8s  %s\n", "id", "kind", "cc", "region", "year", "kgCO2/kWh",
               "status");
        for (size_t i = 0; i < factors_count(db); i++) {
            const factor *f = factors_at(db, i);
            if (country && strcmp(f->country, country) != 0)
                continue;
            if (year && f->year != year)
                continue;
            if (kind && strcmp(factors_kind_name(f->kind), kind) != 0)
                continue;
            printf("%-26s %-14s %-3s %-22s %4d %9.4f  %s\n", f->id, factors_kind_name(f->kind), f->country,
                   f->region[0] ? f->region : "-", f->year, f->value, f->status);
        }
    }
    factors_free(db);
    diag_list_free(&dl);
    return cbam_err_exit_code(err);
}
