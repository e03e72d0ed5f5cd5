/* batch.h - many clients in one unattended run: the plan of jobs (from a
 * manifest or a folder of client folders), which of them a shard owns, what
 * each output depends on (to skip unchanged clients), and the summary.
 *
 * Running the jobs (processes, lock, signals, progress) is cmd_batch.c.
 *
 * Ownership: a batch_plan owns its jobs and every string in them;
 * batch_plan_free() releases them.
 */
#ifndef CBAM_BATCH_H
#define CBAM_BATCH_H

#include "cbam_error.h"
#include "cli.h"
#include "columns.h"
#include "diag.h"
#include "hash.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_MAX_FILES 16 /* input files of one kind for one client */

/* The files of the run itself in the output directory (no client may write them). */
#define BATCH_SUMMARY_JSON "batch-summary.json"
#define BATCH_SUMMARY_XLSX "batch-summary.xlsx"
#define BATCH_STATE_FILE ".cbamcalc-state.json"
#define BATCH_LOCK_FILE ".cbamcalc-batch.lock"

enum batch_status { BATCH_PENDING, BATCH_OK, BATCH_FAILED, BATCH_SKIPPED, BATCH_NOT_RUN };

/* Which run made the workbook that is in the output directory for a client:
 * a failed client keeps its last good workbook, and the summary must not
 * pass that off as this run's. */
enum batch_output_from { BATCH_FROM_NONE, BATCH_FROM_THIS_RUN, BATCH_FROM_UNCHANGED, BATCH_FROM_EARLIER };

/* What a client's output says about itself, read back from its report JSON
 * (inputs_sha256, the enterprises' period_from/period_to, the diagnostics)
 * and the workbook's modification time. */
typedef struct batch_output_info {
    char inputs_sha256[HASH_HEX_SIZE]; /* "" when unknown */
    char period_from[16], period_to[16]; /* the earliest and the latest enterprise's; "" when unknown */
    long warnings;    /* the warnings in its JSON's diagnostics; -1 when unknown */
    char written[24]; /* when the workbook was written: its mtime, UTC, 2026-01-02T03:04:05Z; "" unknown */
} batch_output_info;

/* What the manifest says about one electricity file (columns source, map,
 * encoding, product): what `report` takes after -e FILE. */
typedef struct batch_file_opts {
    int source;               /* enum supply_source + 1; 0 = not given */
    char *product, *encoding; /* NULL = not given */
    columns_user_map map[CLI_MAX_FILE_MAP]; /* COLUMN=HEADER, pointing into map_buf */
    size_t nmap;
    char *map_buf;
} batch_file_opts;

/* A file as this batch left it: what tells that another run (another
 * manifest sharing the directory, a report by hand) replaced it since. */
typedef struct batch_stamp {
    long long size, mtime_ns; /* -1: no such file */
} batch_stamp;

typedef struct batch_job {
    char *client;
    long line; /* in the manifest; 0 for --scan */
    char *electricity[BATCH_MAX_FILES], *production[BATCH_MAX_FILES], *enterprises[BATCH_MAX_FILES];
    size_t ne, np, ni;
    char *output;      /* the workbook's file name in the output directory */
    char *json;        /* the JSON's file name beside it */
    char *template_output; /* the filled official template's name in the output directory; NULL: none */
    char *lang, *grid_factor, *residual_factor, *cbam_grid_factor; /* NULL when not given */
    char *enterprise;  /* the one enterprise of a multi-enterprise export; NULL: the only one */
    char *interval_label; /* "start" or "end" (--interval-label); NULL: detected per file */
    batch_file_opts *eopts; /* NULL, or one per electricity file */
    char key[HASH_HEX_SIZE];      /* SHA-256 of everything the outputs depend on ("" until known) */
    char prev_key[HASH_HEX_SIZE]; /* the key of its last good outputs (the state file); "" when none */
    /* The workbook, JSON and template as the run that wrote them left them
     * (the state file): outputs that differ are not that run's. */
    batch_stamp stamp[3];
    bool has_stamp;

    /* The result. */
    enum batch_status status;
    int exit_code;
    char error[512];
    double seconds;
    double kwh, location_t, market_t, cbam_t, green_share;
    bool has_green_share, has_totals;
    enum batch_output_from from;
    batch_output_info info;    /* of this run's output (ok) or the recorded one (skipped) */
    batch_output_info earlier; /* from == BATCH_FROM_EARLIER: the kept workbook of an earlier run */
} batch_job;

/* Which run a summary is of: so that a summary left by a killed run, or a
 * shard's summary of another run, is not taken for the current one. */
typedef struct batch_run {
    char id[48];          /* unique per run: start time, host's process id, random */
    char started[24], finished[24]; /* UTC, 2026-01-02T03:04:05Z; finished "" while running */
    bool running;         /* the summary written when a run starts: nothing in it is current */
    int shard_k, shard_n; /* --shard K/N; 1/1 unsharded; 0/0 a merge */
} batch_run;

typedef struct batch_plan {
    batch_job *jobs;
    size_t n, cap;
    batch_run run; /* the run that writes (or wrote, when read back) the summary */
    /* Set before reading: the run fills the official template (--template),
     * so every client gets a template_output (the manifest's column, else
     * the workbook's stem + ".template.xlsx"). Without it the column is an
     * error: a client would silently get no template. */
    bool templates;
} batch_plan;

void batch_plan_free(batch_plan *p);

/* Reads a manifest: columns client, electricity, production, enterprises,
 * output and optionally enterprise, lang, grid_factor, residual_factor,
 * cbam_grid_factor, interval_label, and per electricity file source, map, encoding, product.
 * Several files of one kind are separated by ';'; relative paths are relative
 * to the manifest. The per-file columns have one ';' part per electricity
 * file (a part may be empty) or are empty; map parts hold COLUMN=HEADER
 * pairs separated by '|'. CBAM_ERR_DATA (reported) for a bad manifest: an
 * unknown column, a client listed twice, a bad value, or two clients (or a
 * client and the summary) writing one file, letter case ignored. Hashed:
 * linear in the number of clients. */
enum cbam_err batch_read_manifest(const char *path, batch_plan *p, diag_list *dl);

/* The columns a manifest may have, joined by ", " (for messages and help). */
const char *batch_manifest_columns(void);

/* One job per sub-folder of dir that holds electricity.csv (and optionally
 * production.csv and enterprises.csv); the client is the folder's name.
 * CBAM_ERR_DATA (reported) when two folders give one file name, letter
 * case ignored, or a folder's name has a control character or is not UTF-8. */
enum cbam_err batch_scan(const char *dir, batch_plan *p, diag_list *dl);

/* Fills a's inputs and per-job options (files, per-file options, factors,
 * enterprise, language) from job; pointers into job. Outputs, factors_dir
 * and the quiet flags stay the caller's. */
void batch_job_report_args(const batch_job *job, cli_report_args *a);

/* Whether shard k of n (1-based) runs this client: by a stable hash of the
 * id (FNV-1a), the same on every machine. */
bool batch_in_shard(const char *client, int k, int n);

/* Keeps only the jobs of shard k of n. */
void batch_plan_shard(batch_plan *p, int k, int n);

/* Computes job->key from the tool version, the job's options, the contents
 * of its inputs and of factor_files (the --factors directory's files).
 * Runs in the job's own process: reading an input may take long.
 * CBAM_ERR_NOINPUT, with job->error set, when an input is not a regular
 * file (a FIFO, a device, a directory): reading it could block for ever.
 * An input that cannot be opened is CBAM_OK here: the report then fails
 * with its own message. */
enum cbam_err batch_job_key(batch_job *job, const char *const *factor_files, size_t nfactor_files);

/* Whether job->key equals the key of its last good outputs and those are
 * still in out_dir as that run left them (their size and modification time
 * as recorded, the JSON's inputs_sha256 as recorded): the job can be skipped. */
bool batch_job_unchanged(const batch_job *job, const char *out_dir);

/* The record of earlier runs in an output directory (.cbamcalc-state.json):
 * sets each job's prev_key and its recorded totals. */
void batch_load_state(batch_plan *p, const char *out_dir);
/* Records the jobs that succeeded (and keeps earlier records of others). */
enum cbam_err batch_save_state(const batch_plan *p, const char *out_dir, diag_list *dl);

/* Reads dir/job->json and the date of dir/job->output into *info (fields it
 * cannot read stay unknown). false when the workbook is not in dir. */
bool batch_output_read(const char *dir, const batch_job *job, batch_output_info *info);

/* For a job that did not write its outputs in this run (failed, not run):
 * sets from (BATCH_FROM_EARLIER when its workbook of an earlier run is still
 * in out_dir, else BATCH_FROM_NONE) and earlier. The JSON beside it
 * describes it only when both are as a recorded run left them (or, with no
 * record, were written within seconds of each other); else its inputs and
 * period are unknown. Other jobs are left alone. */
void batch_note_earlier(batch_job *j, const char *out_dir);

/* For people: "this run", "an earlier run, kept (written DATE, inputs
 * HASH12)", "none (no earlier output)"... */
void batch_output_from_text(const batch_job *j, char *buf, size_t size);

/* "this_run", "unchanged", "earlier_run" or "none" (the summary's output_from). */
const char *batch_output_from_name(enum batch_output_from f);

/* Starts p->run: a new id, the start time, running. */
void batch_run_start(batch_run *r, int shard_k, int shard_n);

/* batch-summary.json and batch-summary.xlsx in out_dir; the JSON's "run"
 * says which run (p->run) and whether it is still running (then every
 * client is "pending"). */
enum cbam_err batch_write_summary(const batch_plan *p, const char *out_dir, diag_list *dl);

/* Reads the batch-summary.json of a shard's output directory into p (for
 * --merge), its run into *run. */
enum cbam_err batch_read_summary(const char *dir, batch_plan *p, batch_run *run, diag_list *dl);

/* Reads the summaries of n shard directories into p (--merge). CBAM_ERR_DATA
 * (reported, naming the client and both directories) when a client is in
 * two of them: the same shard given twice would count it twice. Then copies
 * each client's files that are in its shard into out_dir, so the merged
 * summary lists only files that are there (a client whose workbook is in
 * neither is BATCH_FROM_NONE; one left in out_dir by an earlier merge is
 * BATCH_FROM_EARLIER). CBAM_ERR_DATA (reported) also for a summary of a
 * run that did not finish (killed: it says running), a missing shard (each
 * summary says it is shard K of N: all N must be there, each once), or two
 * clients writing one file (letter case ignored). A client its shard lists
 * ok or skipped whose workbook, JSON or template is not in the shard is
 * failed. CBAM_ERR_CANTCREAT (reported) when a copy failed. */
enum cbam_err batch_merge(const char *const *dirs, size_t n, const char *out_dir, batch_plan *p, diag_list *dl);

const char *batch_status_name(enum batch_status s);

#endif
