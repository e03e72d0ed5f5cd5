/* cmd_batch.c - `cbamcalc batch`: many clients, unattended, in parallel
 * processes; a lock per output directory, clean stops on SIGINT/SIGTERM,
 * skipping of unchanged clients, shards for several machines, a summary. */
#include "config.h"
#include "batch.h"
#include "cli.h"
#include "factors.h"
#include "outfile.h"
#include "template.h"
#include "strmap.h"
#include "parse.h"
#include "workers.h"
#include "utf8.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exit status when some clients failed (the others' outputs are written). */
#define EXIT_SOME_FAILED 1
/* Exit status when another run holds the output directory (EX_TEMPFAIL). */
#define EXIT_LOCKED 75
/* A client past its time limit gets SIGTERM (it removes its temporaries),
 * then SIGKILL this many seconds later. */
#define KILL_GRACE_S 5.0

static const char batch_help[] =
    "Usage: cbamcalc batch MANIFEST.csv --out-dir DIR [OPTIONS]\n"
    "       cbamcalc batch --scan CLIENTS_DIR --out-dir DIR [OPTIONS]\n"
    "       cbamcalc batch --merge --out-dir DIR SHARD_DIR...\n"
    "\n"
    "Runs 'report' for many clients: one workbook and one JSON per client in DIR, and\n"
    "DIR/batch-summary.xlsx and DIR/batch-summary.json with every client's status, error,\n"
    "totals per method and green share. One client's bad data fails that client only.\n"
    "\n"
    "The manifest has one row per client with the columns client, electricity, production,\n"
    "enterprises, output (the workbook's name in DIR; empty: CLIENT.xlsx), and optionally\n"
    "enterprise (one enterprise of a multi-enterprise export), lang, grid_factor,\n"
    "residual_factor, cbam_grid_factor, interval_label (start or end: see report's\n"
    "--interval-label), and for raw exports, per electricity file, source,\n"
    "map, encoding and product (what report takes after -e FILE: --source, --map, --encoding,\n"
    "--product), and with --template, template_output. Several files of one kind are\n"
    "separated by ';'; the per-file columns have one\n"
    "';' part per electricity file (empty for none), a map part COLUMN=HEADER pairs separated\n"
    "by '|' (kwh=电量|meter_id=计量点号). Relative paths are relative to the manifest. Another\n"
    "column, a client listed twice, or two clients writing one file (letter case ignored, as on\n"
    "Windows) is a bad manifest: nothing runs. --scan takes every sub-folder of CLIENTS_DIR\n"
    "holding electricity.csv (and production.csv, enterprises.csv).\n"
    "\n"
    "  -o, --out-dir DIR   where the outputs go (created if missing)\n"
    "  -j, --jobs N        clients run at once (default: the number of cores)\n"
    "      --client-timeout SECONDS\n"
    "                      stop a client that runs longer and fail it alone (default 3600;\n"
    "                      0: no limit)\n"
    "      --force         redo clients whose inputs, options, factors and tool are unchanged\n"
    "                      since their last good output (skipped otherwise)\n"
    "      --shard K/N     run only this machine's share: the clients whose id hashes to K of N\n"
    "                      (the same split on every machine: a Slurm array or Kubernetes job)\n"
    "      --merge         combine the summaries of the shards' output directories (each\n"
    "                      client in one shard only; all N shards, each finished; 75 while\n"
    "                      one is running; 1 when clients failed or did not run)\n"
    "      --factors DIR   add the factor CSV files in DIR, as in report\n"
    "      --template OFFICIAL.xlsx  also fill the Commission's communication template for\n"
    "                      every client (read once; see 'cbamcalc template --help'): the\n"
    "                      manifest's template_output, else the workbook's name with\n"
    "                      .template.xlsx\n"
    "      --processes FILE  with --template: products grouped into production processes\n"
    "                      (product_id,process,enterprise_id)\n"
    "  -q, --quiet         no progress line on a terminal\n"
    "  -h, --help          show this help\n"
    "\n"
    "Each client's inputs are read (and hashed) in its own process: an input that is not a\n"
    "regular file (a FIFO, a device, a directory) fails that client only, and so does one that\n"
    "takes longer than --client-timeout.\n"
    "A client that fails keeps its last good workbook; the summary says so (output_from\n"
    "earlier_run, with that output's date and inputs hash) instead of showing it as this run's.\n"
    "The summary also gives each client's period and warnings. --merge copies each client's\n"
    "files from its shard into DIR.\n"
    "On a terminal a progress line shows clients done, failures, elapsed time and ETA, and the\n"
    "last line names the failed clients and why; else one line per client with a timestamp,\n"
    "then a totals line. A closed standard output (| head -1) does not stop the run.\n"
    "A second run (or --merge) at the same time on the same DIR exits 75. SIGINT/SIGTERM stop\n"
    "the run: running clients stop without partial files, the summary lists who did not run.\n"
    "\n"
    "Exit status: 0 all clients ok or skipped, 1 some clients failed (see the summary),\n"
    "64 usage, 65 a bad manifest or folder names, 66 unreadable manifest or folder,\n"
    "73 DIR, the summary or standard output not writable, 75 DIR in use by another run,\n"
    "130/143 stopped by SIGINT/SIGTERM.\n";

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* SIGCHLD only has to end pselect() in the pool. */
static void on_child(int sig)
{
    (void)sig;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes the temporaries a killed run left (".NAME.XXXXXX") of the files
 * this run writes, and only those: another program's hidden files in the
 * directory are not ours. We hold the lock. */
static void remove_stale_temporaries(const char *dir, const batch_plan *plan)
{
    strmap *ours = strmap_new();
    static const char *const own[] = {BATCH_SUMMARY_XLSX, BATCH_SUMMARY_JSON, BATCH_STATE_FILE};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        strmap_put(ours, own[i], strlen(own[i]), (void *)1);
    for (size_t i = 0; plan != NULL && i < plan->n; i++) {
        strmap_put(ours, plan->jobs[i].output, strlen(plan->jobs[i].output), (void *)1);
        strmap_put(ours, plan->jobs[i].json, strlen(plan->jobs[i].json), (void *)1);
        if (plan->jobs[i].template_output != NULL)
            strmap_put(ours, plan->jobs[i].template_output, strlen(plan->jobs[i].template_output), (void *)1);
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        strmap_free(ours);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 9 || de->d_name[0] != '.' || de->d_name[n - 7] != '.')
            continue;
        if (strmap_get(ours, de->d_name + 1, n - 8) == NULL)
            continue; /* not the temporary of a file of this run */
        char path[4400];
        int w = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (w > 0 && (size_t)w < sizeof path)
            unlink(path);
    }
    closedir(d);
    strmap_free(ours);
}

/* What the parent hands every child. */
struct run_ctx {
    const char *out_dir, *factors_dir;
    const char *template_path, *processes;
    const template_doc *tpl; /* read once by the parent; the children inherit it */
    const char *const *factor_files;
    size_t nfactor_files;
    bool force;
    long client_timeout; /* seconds; 0 = none */
    sigset_t child_mask; /* the signal mask a child starts from */
};

/* A child's answer: one write, smaller than PIPE_BUF, so it arrives whole. */
struct child_msg {
    cli_report_outcome out;
    int skipped; /* unchanged since its last good outputs: nothing done */
    char key[HASH_HEX_SIZE];
    batch_output_info info; /* what its new outputs say (period, warnings, inputs hash) */
};
_Static_assert(sizeof(struct child_msg) <= PIPE_BUF, "a child's answer must be one atomic write");

/* The child: one client's key (its inputs hashed here, where a slow or odd
 * input holds up this client only), then its report unless unchanged. */
static void run_child(batch_job *j, const struct run_ctx *rc, int fd)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, NULL);
    outfile_cleanup_on_signals();
    sigprocmask(SIG_SETMASK, &rc->child_mask, NULL);

    struct child_msg m;
    memset(&m, 0, sizeof m);
    int code;
    if (batch_job_key(j, rc->factor_files, rc->nfactor_files) != CBAM_OK) {
        code = cbam_err_exit_code(CBAM_ERR_NOINPUT);
        m.out.exit_code = code;
        snprintf(m.out.error, sizeof m.out.error, "%s", j->error);
    } else if (!rc->force && batch_job_unchanged(j, rc->out_dir)) {
        m.skipped = 1;
        code = 0;
    } else {
        static char xlsx[4400], json[4400];
        snprintf(xlsx, sizeof xlsx, "%s/%s", rc->out_dir, j->output);
        snprintf(json, sizeof json, "%s/%s", rc->out_dir, j->json);
        static cli_report_args a; /* large: not on the stack */
        memset(&a, 0, sizeof a);
        batch_job_report_args(j, &a);
        a.xlsx_out = xlsx;
        a.json_out = json;
        a.factors_dir = rc->factors_dir;
        static char tpl[4400];
        if (j->template_output != NULL && rc->tpl != NULL) {
            snprintf(tpl, sizeof tpl, "%s/%s", rc->out_dir, j->template_output);
            a.template_in = rc->template_path;
            a.template_doc = rc->tpl;
            a.template_out = tpl;
            a.processes = rc->processes;
        }
        a.silent = true;
        code = cli_run_report_ex(&a, &m.out);
        memcpy(m.key, j->key, sizeof m.key);
        if (code == 0)
            batch_output_read(rc->out_dir, j, &m.info); /* read here: in parallel, not in the parent */
    }
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
        code = 70;
    _exit(code);
}

struct slot {
    pid_t pid; /* 0: free */
    int fd;
    size_t job;
    double start;
    double deadline; /* when to act next on the time limit; 0 = never */
    bool timed_out;  /* SIGTERM sent for the time limit */
};

static void fmt_time(double s, char *buf, size_t size)
{
    int t = s > 0 && s < 3600.0 * 24 * 365 ? (int)(s + 0.5) : 0;
    snprintf(buf, size, "%02d:%02d", (t / 60) % 100000, t % 60);
}

static void timestamp(char *when, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One line per client when not on a terminal (cron mails it, a log keeps it). */
static void log_line(const batch_job *j)
{
    char when[32], from[200], warn[48] = "";
    timestamp(when, sizeof when);
    if (j->status == BATCH_FAILED || j->status == BATCH_NOT_RUN) {
        batch_output_from_text(j, from, sizeof from);
        printf("%s %s %s (exit %d, %.2f s): %s; output: %s\n", when, j->client, batch_status_name(j->status),
               j->exit_code, j->seconds, j->error, from);
    } else {
        if (j->info.warnings > 0)
            snprintf(warn, sizeof warn, ", %ld warning%s", j->info.warnings, j->info.warnings == 1 ? "" : "s");
        printf("%s %s %s%s%.2f s%s\n", when, j->client, batch_status_name(j->status),
               j->status == BATCH_SKIPPED ? " (unchanged) " : " ", j->seconds, warn);
    }
    if (fflush(stdout) != 0) /* a closed pipe (| head -1) fails here, without ending the run */
        cli_note_stdout_error(errno);
}

/* Reads a finished child's answer into its job. */
static void collect(batch_plan *p, struct slot *s, int status, const struct run_ctx *rc, bool stopping)
{
    batch_job *j = &p->jobs[s->job];
    struct child_msg m;
    ssize_t n = read(s->fd, &m, sizeof m);
    close(s->fd);
    j->seconds = now_s() - s->start;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (n != (ssize_t)sizeof m) {
        j->has_totals = false;
        j->exit_code = code;
        if (stopping) {
            j->status = BATCH_NOT_RUN; /* stopped, not failed */
            snprintf(j->error, sizeof j->error, "stopped by signal %d", (int)stop_signal);
        } else if (s->timed_out) {
            j->status = BATCH_FAILED;
            snprintf(j->error, sizeof j->error,
                     "stopped after %ld s, the time limit for one client (--client-timeout %ld); its inputs "
                     "may be very large or on a file system that does not answer",
                     rc->client_timeout, rc->client_timeout);
        } else {
            j->status = BATCH_FAILED;
            snprintf(j->error, sizeof j->error, "the job ended without a result (%s %d)",
                     WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : code);
        }
        batch_note_earlier(j, rc->out_dir);
        return;
    }
    if (m.skipped) {
        j->status = BATCH_SKIPPED; /* its totals and info are the recorded ones */
        j->from = BATCH_FROM_UNCHANGED;
        return;
    }
    j->exit_code = m.out.exit_code;
    if (m.out.exit_code != 0) {
        j->status = BATCH_FAILED;
        j->has_totals = false;
        snprintf(j->error, sizeof j->error, "%s", m.out.error);
        batch_note_earlier(j, rc->out_dir); /* its last good workbook stays: say whose it is */
        return;
    }
    j->status = BATCH_OK;
    j->from = BATCH_FROM_THIS_RUN;
    j->info = m.info;
    memcpy(j->key, m.key, sizeof j->key); /* recorded in the state file */
    j->has_totals = true;
    j->kwh = m.out.kwh;
    j->location_t = m.out.location_t;
    j->market_t = m.out.market_t;
    j->cbam_t = m.out.cbam_t;
    j->has_green_share = m.out.has_green_share;
    j->green_share = m.out.green_share;
}

static void progress(size_t done, size_t total, size_t failed, double start)
{
    char el[24], eta[24];
    double spent = now_s() - start;
    fmt_time(spent, el, sizeof el);
    if (done > 0)
        fmt_time(spent / (double)done * (double)(total - done), eta, sizeof eta);
    else
        snprintf(eta, sizeof eta, "--:--");
    fprintf(stderr, "\r\033[K[%zu/%zu] %zu failed, %s elapsed, ETA %s", done, total, failed, el, eta);
    fflush(stderr);
}

static void start_job(batch_plan *p, size_t k, struct slot *slots, int nslots, const struct run_ctx *rc,
                      int *running)
{
    batch_job *j = &p->jobs[k];
    int fds[2];
    if (pipe(fds) != 0) {
        j->status = BATCH_FAILED;
        snprintf(j->error, sizeof j->error, "cannot start the job: %s", strerror(errno));
        return;
    }
    /* A parent killed with -9 must not leave a client running unwatched
     * (no time limit, the lock held): the client goes with it. */
    pid_t pid = workers_fork(SIGKILL);
    if (pid == 0) {
        close(fds[0]);
        run_child(j, rc, fds[1]);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        j->status = BATCH_FAILED;
        snprintf(j->error, sizeof j->error, "cannot start the job: %s", strerror(errno));
        return;
    }
    double now = now_s();
    for (int s = 0; s < nslots; s++) {
        if (slots[s].pid == 0) {
            slots[s] = (struct slot){pid, fds[0], k, now, rc->client_timeout > 0 ? now + (double)rc->client_timeout : 0,
                                     false};
            break;
        }
    }
    (*running)++;
}

/* Runs the pending jobs, at most jobs_at_once at a time. SIGCHLD, SIGINT and
 * SIGTERM are blocked but while waiting in pselect(): no wake-up is lost
 * between looking at the children and going to sleep. */
static void run_pool(batch_plan *p, struct run_ctx *rc, int jobs_at_once, bool tty, bool log)
{
    struct slot *slots = xcalloc((size_t)jobs_at_once, sizeof *slots);
    size_t next = 0, done = 0, failed = 0, total = p->n;
    int running = 0;
    bool stopping = false;
    double start = now_s();

    sigset_t block, waiting;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &rc->child_mask);
    waiting = rc->child_mask;
    sigdelset(&waiting, SIGCHLD);
    sigdelset(&waiting, SIGINT);
    sigdelset(&waiting, SIGTERM);
    struct sigaction sa, old_chld;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, &old_chld);

    for (;;) {
        while (!stop_signal && running < jobs_at_once && next < p->n) {
            if (p->jobs[next].status == BATCH_PENDING)
                start_job(p, next, slots, jobs_at_once, rc, &running);
            next++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid;
        bool reaped = false;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int k = 0; k < jobs_at_once; k++) {
                if (slots[k].pid != pid)
                    continue;
                collect(p, &slots[k], status, rc, stopping);
                batch_job *j = &p->jobs[slots[k].job];
                failed += j->status == BATCH_FAILED;
                done++;
                if (tty)
                    progress(done, total, failed, start);
                if (log)
                    log_line(j);
                slots[k].pid = 0;
                running--;
                reaped = true;
                break;
            }
        }
        if (reaped)
            continue;
        if (stop_signal && !stopping) {
            /* Stop: the running clients remove their temporaries and end. */
            stopping = true;
            for (int k = 0; k < jobs_at_once; k++) {
                if (slots[k].pid > 0) {
                    kill(slots[k].pid, SIGTERM);
                    kill(slots[k].pid, SIGCONT);
                }
            }
        }
        double now = now_s(), wait = -1;
        for (int k = 0; k < jobs_at_once; k++) {
            struct slot *sl = &slots[k];
            if (sl->pid <= 0 || sl->deadline <= 0)
                continue;
            if (now >= sl->deadline) {
                if (!sl->timed_out) {
                    sl->timed_out = true;
                    kill(sl->pid, SIGTERM);
                    kill(sl->pid, SIGCONT); /* a stopped child handles SIGTERM too */
                    sl->deadline = now + KILL_GRACE_S;
                } else {
                    kill(sl->pid, SIGKILL);
                    sl->deadline = 0;
                    continue;
                }
            }
            double left = sl->deadline - now;
            if (wait < 0 || left < wait)
                wait = left;
        }
        struct timespec ts, *tsp = NULL;
        if (wait >= 0) {
            ts.tv_sec = (time_t)wait;
            ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
            tsp = &ts;
        }
        pselect(0, NULL, NULL, NULL, tsp, &waiting); /* until a child ends, a signal or a deadline */
    }
    sigaction(SIGCHLD, &old_chld, NULL);
    sigprocmask(SIG_SETMASK, &rc->child_mask, NULL);

    for (size_t i = 0; i < p->n; i++) {
        batch_job *j = &p->jobs[i];
        if (j->status == BATCH_PENDING) {
            j->status = BATCH_NOT_RUN;
            snprintf(j->error, sizeof j->error, "stopped by signal %d before it ran", (int)stop_signal);
        }
        batch_note_earlier(j, rc->out_dir); /* also those that could not be started */
        if (j->status != BATCH_OK && j->status != BATCH_SKIPPED)
            j->has_totals = false; /* not the recorded totals of an earlier run */
    }
    if (tty)
        fputs("\r\033[K", stderr);
    free(slots);
}

static bool parse_shard(const char *s, int *k, int *n)
{
    const char *slash = strchr(s, '/');
    long a, b;
    if (slash == NULL || parse_int(s, (size_t)(slash - s), 1, 100000, &a) != PARSE_OK ||
        parse_int(slash + 1, strlen(slash + 1), 1, 100000, &b) != PARSE_OK || a > b)
        return false;
    *k = (int)a;
    *n = (int)b;
    return true;
}

/* Why a client failed, short: the message of its error without the
 * FILE:LINE:COL part, cut at a character boundary. */
static void short_reason(const char *error, char *buf, size_t size)
{
    const char *msg = strstr(error, "error: ");
    msg = msg != NULL ? msg + 7 : error;
    size_t max = 70, len = strlen(msg);
    size_t n = utf8_cut(msg, len, max < size - 4 ? max : size - 4);
    snprintf(buf, size, "%.*s%s", (int)n, msg, n < len ? "..." : "");
}

/* "; failed: a (why; earlier output kept), b (...) and 3 more" into buf
 * (label "failed", the clients of that status); "" when there are none.
 * With why, at most 3 are named (one line on a terminal). */
static void failed_clients(const batch_plan *p, enum batch_status status, const char *label, bool why, char *buf,
                           size_t size)
{
    size_t named = 0, more = 0, len = 0, max = why ? 3 : 10;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        const batch_job *j = &p->jobs[i];
        if (j->status != status)
            continue;
        if (named == max) {
            more++;
            continue;
        }
        char reason[120] = "", part[400];
        if (why) {
            short_reason(j->error, reason, sizeof reason);
            snprintf(part, sizeof part, "%s (%s; %s)", j->client, reason,
                     j->from == BATCH_FROM_EARLIER ? "its earlier output kept" : "no earlier output");
        } else {
            snprintf(part, sizeof part, "%s", j->client);
        }
        int w = snprintf(buf + len, size - len, "%s%s%s", named ? ", " : "; ", named ? "" : label, part);
        if (w < 0 || (size_t)w >= size - len) {
            buf[len] = '\0'; /* no room: counted instead */
            more++;
            max = named;
            continue;
        }
        len += (size_t)w;
        named++;
    }
    if (more > 0 && len < size)
        snprintf(buf + len, size - len, " and %zu more", more);
}

static int finish(batch_plan *p, const char *out_dir, diag_list *dl, bool save_state, bool tty, bool log)
{
    enum cbam_err err = CBAM_OK;
    timestamp(p->run.finished, sizeof p->run.finished);
    p->run.running = false;
    if (save_state)
        err = batch_save_state(p, out_dir, dl);
    if (err == CBAM_OK)
        err = batch_write_summary(p, out_dir, dl);
    size_t counts[5] = {0}, kept = 0, warnings = 0;
    for (size_t i = 0; i < p->n; i++) {
        const batch_job *j = &p->jobs[i];
        counts[j->status]++;
        kept += j->from == BATCH_FROM_EARLIER; /* failed or not run: as the summary's counts */
        if ((j->status == BATCH_OK || j->status == BATCH_SKIPPED) && j->info.warnings > 0)
            warnings += (size_t)j->info.warnings;
    }
    char failed[2048], not_run[1024];
    char totals[256];
    snprintf(totals, sizeof totals, "%zu ok, %zu skipped (unchanged), %zu failed, %zu not run (%zu kept an "
                                    "earlier output), %zu warning%s",
             counts[BATCH_OK], counts[BATCH_SKIPPED], counts[BATCH_FAILED], counts[BATCH_NOT_RUN], kept, warnings,
             warnings == 1 ? "" : "s");
    failed_clients(p, BATCH_NOT_RUN, "not run: ", false, not_run, sizeof not_run);
    if (tty) {
        /* The last line on a terminal: who failed and why, in short. */
        failed_clients(p, BATCH_FAILED, "failed: ", true, failed, sizeof failed);
        fprintf(stderr, "cbamcalc: %s%s%s; summary in %s/%s\n", totals, failed, not_run, out_dir,
                BATCH_SUMMARY_XLSX);
    }
    if (log) {
        /* Cron, systemd, a log file: the per-client lines end with the totals. */
        char when[32];
        timestamp(when, sizeof when);
        failed_clients(p, BATCH_FAILED, "failed: ", false, failed, sizeof failed);
        printf("%s totals: %s%s%s; summary in %s/%s\n", when, totals, failed, not_run, out_dir, BATCH_SUMMARY_JSON);
        if (fflush(stdout) != 0)
            cli_note_stdout_error(errno);
    }
    if (err != CBAM_OK)
        return cbam_err_exit_code(err);
    if (stop_signal)
        return 128 + stop_signal;
    /* A merge of a stopped shard lists clients not run: no current output. */
    return counts[BATCH_FAILED] + counts[BATCH_NOT_RUN] + counts[BATCH_PENDING] > 0 ? EXIT_SOME_FAILED : 0;
}

/* mkdir -p: a cron job or a shard's reports/shard-3 may name a directory
 * whose parents do not exist yet. false with errno set. */
static bool make_dirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = len ? ENAMETOOLONG : ENOENT;
        return false;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        bool ok = mkdir(buf, 0777) == 0 || errno == EEXIST;
        buf[i] = saved;
        if (!ok)
            return false;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return false;
    }
    return true;
}

/* Takes the lock of out_dir: one run (or merge) per output directory at a
 * time. 0 with *fd set, else the exit code (reported). */
static int take_lock(const char *out_dir, int *fd)
{
    char lock_path[4400];
    snprintf(lock_path, sizeof lock_path, "%s/%s", out_dir, BATCH_LOCK_FILE);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock < 0) {
        fprintf(stderr, "cbamcalc: %s: cannot create the lock: %s\n", lock_path, strerror(errno));
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "cbamcalc: %s is in use by another batch run (%s is locked); nothing was done\n",
                out_dir, lock_path);
        close(lock);
        return EXIT_LOCKED;
    }
    *fd = lock;
    return 0;
}

static char *landing_dir(const char *path);

/* The file an output named path lands on: symbolic links followed (the
 * file itself when it exists, else its directory's real path and its name). */
static char *landing(const char *given)
{
    char *real = realpath(given, NULL);
    if (real != NULL)
        return real;
    /* A link to a file not there yet (alpha.json -> beta.json before beta's
     * first run): follow the links by hand. */
    char *path = xstrdup(given);
    for (int depth = 0; depth < 16; depth++) {
        struct stat st;
        char link[4096];
        ssize_t n;
        if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode) || (n = readlink(path, link, sizeof link - 1)) <= 0)
            break;
        link[n] = '\0';
        const char *slash = strrchr(path, '/');
        size_t dl = link[0] == '/' || slash == NULL ? 0 : (size_t)(slash - path) + 1;
        char *next = xmalloc(dl + (size_t)n + 1);
        memcpy(next, path, dl);
        memcpy(next + dl, link, (size_t)n + 1);
        free(path);
        path = next;
    }
    char *out = landing_dir(path);
    free(path);
    return out;
}

static char *landing_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    char *rdir = realpath(dir, NULL);
    free(dir);
    if (rdir == NULL)
        return xstrdup(path);
    size_t n = strlen(rdir) + strlen(slash ? slash + 1 : path) + 2;
    char *out = xmalloc(n);
    snprintf(out, n, "%s/%s", rdir, slash ? slash + 1 : path);
    free(rdir);
    return out;
}

/* Each client is its own report process, so report's check that two
 * outputs do not land on one file never sees two clients: here, before
 * anything runs, over every client's workbook, JSON and template and the
 * run's own files in out_dir (alpha.json a symbolic link to beta.json would
 * leave beta's report under alpha's name). CBAM_ERR_CANTCREAT (reported,
 * as report's own check) when two meet. where names the manifest or
 * the shard summary. */
static enum cbam_err check_landings(const batch_plan *p, const char *out_dir, const char *where, diag_list *dl)
{
    strmap *seen = strmap_new();
    size_t cap = 3 * p->n + 4, n = 0;
    char **owners = xcalloc(cap, sizeof *owners);
    enum cbam_err err = CBAM_OK;
    static const char *const own[] = {BATCH_SUMMARY_XLSX, BATCH_SUMMARY_JSON, BATCH_STATE_FILE};
    for (size_t i = 0; i < p->n + 1 && err == CBAM_OK; i++) {
        const batch_job *j = i < p->n ? &p->jobs[i] : NULL;
        const char *names[3] = {j ? j->output : own[0], j ? j->json : own[1], j ? j->template_output : own[2]};
        for (size_t k = 0; k < 3 && err == CBAM_OK; k++) {
            if (names[k] == NULL || names[k][0] == '\0')
                continue;
            char path[4400], owner[4600];
            snprintf(path, sizeof path, "%s/%s", out_dir, names[k]);
            if (j != NULL)
                snprintf(owner, sizeof owner, "client %s's %s", j->client, path);
            else
                snprintf(owner, sizeof owner, "the run's own %s", path);
            char *real = landing(path);
            uintptr_t prev = (uintptr_t)strmap_get(seen, real, strlen(real));
            if (prev != 0) {
                diag_add(dl, DIAG_ERROR, where, j ? j->line : 0, 0,
                         "%s is the same file as %s (a symbolic link, or two names for one file); expected a "
                         "file of its own for each output: nothing was run",
                         owner, owners[prev - 1]);
                err = CBAM_ERR_CANTCREAT;
            } else {
                owners[n] = xstrdup(owner);
                strmap_put(seen, real, strlen(real), (void *)(uintptr_t)++n);
            }
            free(real);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(owners[i]);
    free(owners);
    strmap_free(seen);
    return err;
}

/* A shard whose run is still going (it holds its lock) would be read half
 * done: its lock is taken shared for the whole merge (a run takes it
 * exclusively). 0, or 75 (reported). fds gets the locks to close. */
static int lock_shards(char *const *dirs, size_t n, const char *out_dir, int *fds)
{
    for (size_t i = 0; i < n; i++) {
        fds[i] = -1;
        if (outfile_same_target(dirs[i], out_dir))
            continue; /* merged into itself: its lock is ours already */
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dirs[i], BATCH_LOCK_FILE);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            continue; /* never run here: its summary (missing) says so */
        if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
            fprintf(stderr, "cbamcalc: shard %s is in use by a batch run (%s is locked): its summary and files "
                            "are not final yet; nothing was merged\n", dirs[i], path);
            close(fd);
            return EXIT_LOCKED;
        }
        fds[i] = fd;
    }
    return 0;
}

/* The manifest must be a file: a FIFO or a device would hold the run before
 * it starts. 0, or the exit code (reported). */
static int manifest_is_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0; /* reading it says why */
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (ok)
        return 0;
    fprintf(stderr, "cbamcalc: %s: the manifest is not a regular file (a FIFO, a device or a directory); "
                    "expected a CSV file\n", path);
    return cbam_err_exit_code(CBAM_ERR_NOINPUT);
}

int cli_cmd_batch(int argc, char **argv)
{
    enum { OPT_TIMEOUT = 256, OPT_TEMPLATE, OPT_PROCESSES };
    static const struct option opts[] = {
        {"out-dir", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
        {"scan", required_argument, NULL, 's'},    {"force", no_argument, NULL, 'F'},
        {"shard", required_argument, NULL, 'S'},   {"merge", no_argument, NULL, 'M'},
        {"factors", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'},
        {"client-timeout", required_argument, NULL, OPT_TIMEOUT},
        {"template", required_argument, NULL, OPT_TEMPLATE}, {"processes", required_argument, NULL, OPT_PROCESSES},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *out_dir = NULL, *scan = NULL, *factors_dir = NULL, *template_path = NULL, *processes = NULL;
    long jobs = workers_default(), client_timeout = 3600;
    bool force = false, merge = false, quiet = false;
    int shard_k = 1, shard_n = 1, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 's': scan = optarg; break;
        case 'f': factors_dir = optarg; break;
        case OPT_TEMPLATE: template_path = optarg; break;
        case OPT_PROCESSES: processes = optarg; break;
        case 'F': force = true; break;
        case 'M': merge = true; break;
        case 'q': quiet = true; break;
        case 'j':
            if (!workers_parse(optarg, &jobs))
                return cli_usage_error("batch", "-j %s: expected a number of jobs from 1 to %d", optarg,
                                       WORKERS_MAX);
            break;
        case OPT_TIMEOUT:
            if (parse_int(optarg, strlen(optarg), 0, 31 * 24 * 3600L, &client_timeout) != PARSE_OK)
                return cli_usage_error("batch", "--client-timeout %s: expected seconds from 0 (no limit) to %ld",
                                       optarg, 31 * 24 * 3600L);
            break;
        case 'S':
            if (!parse_shard(optarg, &shard_k, &shard_n))
                return cli_usage_error("batch", "--shard %s: expected K/N with 1 <= K <= N, such as 2/4", optarg);
            break;
        case 'h': fputs(batch_help, stdout); return 0;
        case ':': return cli_usage_error("batch", "option '%s' needs a value", argv[optind - 1]);
        default: return cli_usage_error("batch", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (out_dir == NULL)
        return cli_usage_error("batch", "--out-dir DIR is required");
    if (merge && (optind >= argc || scan != NULL))
        return cli_usage_error("batch", "--merge takes the shards' output directories (and no --scan)");
    if (!merge && (scan == NULL) == (optind >= argc))
        return cli_usage_error("batch", "give a MANIFEST.csv or --scan CLIENTS_DIR (one of them)");
    if (!merge && optind + 1 < argc)
        return cli_usage_error("batch", "unexpected argument '%s'", argv[optind + 1]);
    if (jobs < 1)
        jobs = 1;
    if (processes != NULL && template_path == NULL)
        return cli_usage_error("batch", "--processes goes with --template");
    if (merge && template_path != NULL)
        return cli_usage_error("batch", "--merge combines summaries; --template does not go with it");

    /* `batch ... | head -1`: the log may go, the run finishes and its summary agrees with the files. */
    cli_ignore_sigpipe();
    /* First the signals: from here on SIGINT/SIGTERM end the run cleanly,
     * whatever it is waiting for. No SA_RESTART: a blocked read returns. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* A progress line on a terminal's standard error; the log (a line per
     * client, a totals line) on standard output unless that is the same
     * terminal: `batch ... > batch.log` typed at a terminal keeps its log. */
    bool tty = !quiet && isatty(STDERR_FILENO);
    bool log = !tty || !isatty(STDOUT_FILENO);
    if (!make_dirs(out_dir)) {
        fprintf(stderr, "cbamcalc: %s: cannot create the directory: %s\n", out_dir, strerror(errno));
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }
    int lock = -1, rc = take_lock(out_dir, &lock);
    if (rc != 0)
        return rc;
    diag_list dl;
    diag_list_init(&dl);
    dl.echo = stderr;
    dl.echo_min = DIAG_WARNING;
    batch_plan plan = {.templates = template_path != NULL};

    if (merge) {
        size_t nshards = (size_t)(argc - optind);
        int *shard_locks = xcalloc(nshards, sizeof *shard_locks);
        rc = lock_shards(argv + optind, nshards, out_dir, shard_locks);
        enum cbam_err err = CBAM_OK;
        batch_run_start(&plan.run, 0, 0);
        if (rc == 0)
            err = batch_merge((const char *const *)argv + optind, nshards, out_dir, &plan, &dl);
        if (rc != 0) {
            /* reported */
        } else if (err != CBAM_OK && err != CBAM_ERR_CANTCREAT) {
            fprintf(stderr, "cbamcalc: the shards cannot be merged; nothing was written\n");
            rc = cbam_err_exit_code(err);
        } else {
            /* A copy that failed is named above; the summary says what is there. */
            rc = finish(&plan, out_dir, &dl, false, tty, log);
            if (err != CBAM_OK)
                rc = cbam_err_exit_code(err);
        }
        for (size_t i = 0; i < nshards; i++)
            if (shard_locks[i] >= 0)
                close(shard_locks[i]);
        free(shard_locks);
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return rc;
    }

    enum cbam_err err = CBAM_OK;
    if (scan == NULL && (rc = manifest_is_file(argv[optind])) != 0) {
        diag_list_free(&dl);
        close(lock);
        return rc;
    }
    err = scan ? batch_scan(scan, &plan, &dl) : batch_read_manifest(argv[optind], &plan, &dl);
    /* No client may write over the manifest (the next run could not read it). */
    for (size_t i = 0; err == CBAM_OK && scan == NULL && i < plan.n; i++) {
        const batch_job *j = &plan.jobs[i];
        const char *outs[] = {j->output, j->json, j->template_output};
        for (size_t k = 0; k < 3 && outs[k] != NULL; k++) {
            char path[4200];
            int w = snprintf(path, sizeof path, "%s/%s", out_dir, outs[k]);
            if (w > 0 && (size_t)w < sizeof path && outfile_same_target(path, argv[optind])) {
                diag_add(&dl, DIAG_ERROR, argv[optind], j->line, 0,
                         "client %s would write %s over this manifest; expected another output name", j->client,
                         outs[k]);
                err = CBAM_ERR_DATA;
            }
        }
    }
    if (err == CBAM_OK)
        err = check_landings(&plan, out_dir, scan ? scan : argv[optind], &dl);
    if (stop_signal) {
        fprintf(stderr, "cbamcalc: stopped by signal %d before any client ran\n", (int)stop_signal);
        rc = 128 + stop_signal;
    } else if (err != CBAM_OK) {
        fprintf(stderr, "cbamcalc: the %s cannot be used; nothing was run\n", scan ? "clients folder" : "manifest");
        rc = cbam_err_exit_code(err);
    }
    if (rc != 0) {
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return rc;
    }
    remove_stale_temporaries(out_dir, &plan);
    batch_plan_shard(&plan, shard_k, shard_n); /* this machine's share */
    /* The previous summary goes at once: a run killed from here on leaves
     * a summary that says it is running (every client pending), never one
     * of an earlier run that presents itself as this one's. */
    batch_run_start(&plan.run, shard_k, shard_n);
    if (batch_write_summary(&plan, out_dir, &dl) != CBAM_OK) {
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }

    char **factor_files = NULL;
    size_t nfactor_files = 0;
    if (factors_dir != NULL && factors_list_dir(factors_dir, &factor_files, &nfactor_files, &dl) != CBAM_OK) {
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return cbam_err_exit_code(CBAM_ERR_NOINPUT);
    }
    /* The official template is read and recognised once, before any client
     * runs: a wrong or unknown template stops the run (nothing is written).
     * It and the --processes file count in every client's key. */
    template_doc *tpl = NULL;
    if (template_path != NULL) {
        enum cbam_err te = template_open(template_path, &tpl, &dl);
        if (te == CBAM_OK && processes != NULL) {
            template_processes *pr = NULL;
            te = template_processes_load(processes, &pr, &dl);
            template_processes_free(pr);
        }
        if (te != CBAM_OK) {
            fprintf(stderr, "cbamcalc: the template cannot be used; nothing was run\n");
            rc = cbam_err_exit_code(te);
        } else {
            factor_files = xreallocarray(factor_files, nfactor_files + 2, sizeof *factor_files);
            factor_files[nfactor_files++] = xstrdup(template_path);
            if (processes != NULL)
                factor_files[nfactor_files++] = xstrdup(processes);
        }
    }
    if (rc == 0) {
        /* Keys are computed by each client's process; here only the record of the last run. */
        batch_load_state(&plan, out_dir);
        struct run_ctx ctx = {.out_dir = out_dir, .factors_dir = factors_dir,
                              .template_path = template_path, .processes = processes, .tpl = tpl,
                              .factor_files = (const char *const *)factor_files, .nfactor_files = nfactor_files,
                              .force = force, .client_timeout = client_timeout};
        run_pool(&plan, &ctx, (int)jobs, tty, log);
        rc = finish(&plan, out_dir, &dl, true, tty, log);
    }
    template_close(tpl);

    for (size_t i = 0; i < nfactor_files; i++)
        free(factor_files[i]);
    free(factor_files);
    batch_plan_free(&plan);
    diag_list_free(&dl);
    close(lock);
    return rc;
}
