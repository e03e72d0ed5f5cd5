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
#include "diag.h"
#include "hash.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_MAX_FILES 16 /* input files of one kind for one client */

enum batch_status { BATCH_PENDING, BATCH_OK, BATCH_FAILED, BATCH_SKIPPED, BATCH_NOT_RUN };

typedef struct batch_job {
    char *client;
    long line; /* in the manifest; 0 for --scan */
    char *electricity[BATCH_MAX_FILES], *production[BATCH_MAX_FILES], *enterprises[BATCH_MAX_FILES];
    size_t ne, np, ni;
    char *output;      /* the workbook's file name in the output directory */
    char *json;        /* the JSON's file name beside it */
    char *lang, *grid_factor, *residual_factor, *cbam_grid_factor; /* NULL when not given */
    char *enterprise;  /* the one enterprise of a multi-enterprise export; NULL: the only one */
    char key[HASH_HEX_SIZE]; /* SHA-256 of everything the outputs depend on */

    /* The result. */
    enum batch_status status;
    int exit_code;
    char error[512];
    double seconds;
    double kwh, location_t, market_t, cbam_t, green_share;
    bool has_green_share, has_totals;
} batch_job;

typedef struct batch_plan {
    batch_job *jobs;
    size_t n, cap;
} batch_plan;

void batch_plan_free(batch_plan *p);

/* Reads a manifest: columns client, electricity, production, enterprises,
 * output and optionally enterprise, lang, grid_factor, residual_factor, cbam_grid_factor.
 * Several files of one kind are separated by ';'; relative paths are relative
 * to the manifest. CBAM_ERR_DATA (reported) for a bad manifest. */
enum cbam_err batch_read_manifest(const char *path, batch_plan *p, diag_list *dl);

/* One job per sub-folder of dir that holds electricity.csv (and optionally
 * production.csv and enterprises.csv); the client is the folder's name. */
enum cbam_err batch_scan(const char *dir, batch_plan *p, diag_list *dl);

/* Whether shard k of n (1-based) runs this client: by a stable hash of the
 * id (FNV-1a), the same on every machine. */
bool batch_in_shard(const char *client, int k, int n);

/* Keeps only the jobs of shard k of n. */
void batch_plan_shard(batch_plan *p, int k, int n);

/* Computes job->key from the tool version, the job's options, the contents
 * of its inputs and of factor_files (the --factors directory's files).
 * false (reported) when an input cannot be read: the job then runs and fails
 * with the report's own message. */
bool batch_job_key(batch_job *job, const char *const *factor_files, size_t nfactor_files);

/* The record of earlier runs in an output directory (.cbamcalc-state.json):
 * marks jobs skipped whose key is unchanged and whose outputs are there. */
void batch_apply_state(batch_plan *p, const char *out_dir, bool force);
/* Records the jobs that succeeded (and keeps earlier records of others). */
enum cbam_err batch_save_state(const batch_plan *p, const char *out_dir, diag_list *dl);

/* batch-summary.json and batch-summary.xlsx in out_dir. */
enum cbam_err batch_write_summary(const batch_plan *p, const char *out_dir, diag_list *dl);

/* Reads the batch-summary.json of a shard's output directory into p (for --merge). */
enum cbam_err batch_read_summary(const char *dir, batch_plan *p, diag_list *dl);

const char *batch_status_name(enum batch_status s);

#endif
