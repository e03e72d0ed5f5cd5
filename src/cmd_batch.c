/* cmd_batch.c - `cbamcalc batch`: many clients, unattended, in parallel
 * processes; a lock per output directory, clean stops on SIGINT/SIGTERM,
 * skipping of unchanged clients, shards for several machines, a summary. */
#include "config.h"
#include "batch.h"
#include "cli.h"
#include "factors.h"
#include "outfile.h"
#include "parse.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Exit status when some clients failed (the others' outputs are written). */
#define EXIT_SOME_FAILED 1
/* Exit status when another run holds the output directory (EX_TEMPFAIL). */
#define EXIT_LOCKED 75

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
    "residual_factor, cbam_grid_factor. Several files of one kind are\n"
    "separated by ';'; relative paths are relative to the manifest. --scan takes every\n"
    "sub-folder of CLIENTS_DIR holding electricity.csv (and production.csv, enterprises.csv).\n"
    "\n"
    "  -o, --out-dir DIR   where the outputs go (created if missing)\n"
    "  -j, --jobs N        clients run at once (default: the number of cores)\n"
    "      --force         redo clients whose inputs, options, factors and tool are unchanged\n"
    "                      since their last good output (skipped otherwise)\n"
    "      --shard K/N     run only this machine's share: the clients whose id hashes to K of N\n"
    "                      (the same split on every machine: a Slurm array or Kubernetes job)\n"
    "      --merge         combine the summaries of the shards' output directories\n"
    "      --factors DIR   add the factor CSV files in DIR, as in report\n"
    "  -q, --quiet         no progress line on a terminal\n"
    "  -h, --help          show this help\n"
    "\n"
    "On a terminal a progress line shows clients done, failures, elapsed time and ETA; else\n"
    "one line per client with a timestamp. A second run at the same time on the same DIR\n"
    "exits 75. SIGINT/SIGTERM stop the run: running clients stop without partial files,\n"
    "the summary lists who did not run.\n"
    "\n"
    "Exit status: 0 all clients ok or skipped, 1 some clients failed (see the summary),\n"
    "64 usage, 65 a bad manifest, 66 unreadable manifest or folder, 73 DIR not writable,\n"
    "75 DIR in use by another run, 130/143 stopped by SIGINT/SIGTERM.\n";

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Removes temporaries that a killed run left (".NAME.XXXXXX"); we hold the lock. */
static void remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 9 || de->d_name[0] != '.' || de->d_name[n - 7] != '.')
            continue;
        const char *ext = strstr(de->d_name, ".xlsx.");
        if (ext == NULL)
            ext = strstr(de->d_name, ".json.");
        if (ext == NULL || ext + 12 != de->d_name + n)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    closedir(d);
}

/* The child: one client's report, its outcome through the pipe. */
static void run_child(const batch_job *j, const char *out_dir, const char *factors_dir, int fd)
{
    outfile_cleanup_on_signals();
    static char xlsx[4400], json[4400];
    snprintf(xlsx, sizeof xlsx, "%s/%s", out_dir, j->output);
    snprintf(json, sizeof json, "%s/%s", out_dir, j->json);
    cli_report_args a = {.nelectricity = j->ne, .nproduction = j->np, .nenterprises = j->ni,
                         .xlsx_out = xlsx, .json_out = json, .factors_dir = factors_dir,
                         .grid_factor = j->grid_factor, .residual_factor = j->residual_factor,
                         .cbam_grid_factor = j->cbam_grid_factor, .enterprise = j->enterprise,
                         .zh = j->lang != NULL && strcmp(j->lang, "zh") == 0, .silent = true};
    for (size_t i = 0; i < j->ne; i++)
        a.electricity[i] = j->electricity[i];
    for (size_t i = 0; i < j->np; i++)
        a.production[i] = j->production[i];
    for (size_t i = 0; i < j->ni; i++)
        a.enterprises[i] = j->enterprises[i];
    cli_report_outcome out;
    int code = cli_run_report_ex(&a, &out);
    /* One write, smaller than PIPE_BUF: it arrives whole. */
    if (write(fd, &out, sizeof out) != (ssize_t)sizeof out)
        code = 70;
    _exit(code);
}

struct slot {
    pid_t pid;
    int fd;
    size_t job;
    double start;
};

static void fmt_time(double s, char *buf, size_t size)
{
    int t = s > 0 && s < 3600.0 * 24 * 365 ? (int)(s + 0.5) : 0;
    snprintf(buf, size, "%02d:%02d", (t / 60) % 100000, t % 60);
}

static void log_line(const batch_job *j)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (j->status == BATCH_FAILED)
        printf("%s %s failed (exit %d, %.2f s): %s\n", when, j->client, j->exit_code, j->seconds, j->error);
    else
        printf("%s %s %s%s%.2f s\n", when, j->client, batch_status_name(j->status),
               j->status == BATCH_SKIPPED ? " (unchanged) " : " ", j->seconds);
    fflush(stdout);
}

/* Reads a finished child's outcome into its job. */
static void collect(batch_plan *p, struct slot *s, int status)
{
    batch_job *j = &p->jobs[s->job];
    cli_report_outcome out;
    ssize_t n = read(s->fd, &out, sizeof out);
    close(s->fd);
    j->seconds = now_s() - s->start;
    if (n != (ssize_t)sizeof out) {
        j->status = BATCH_FAILED;
        j->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        snprintf(j->error, sizeof j->error, "the job ended without a result (%s %d)",
                 WIFSIGNALED(status) ? "signal" : "exit", WIFSIGNALED(status) ? WTERMSIG(status) : j->exit_code);
        return;
    }
    j->exit_code = out.exit_code;
    if (out.exit_code != 0) {
        j->status = BATCH_FAILED;
        snprintf(j->error, sizeof j->error, "%s", out.error);
        return;
    }
    j->status = BATCH_OK;
    j->has_totals = true;
    j->kwh = out.kwh;
    j->location_t = out.location_t;
    j->market_t = out.market_t;
    j->cbam_t = out.cbam_t;
    j->has_green_share = out.has_green_share;
    j->green_share = out.green_share;
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

/* Runs the pending jobs, at most jobs_at_once at a time. */
static void run_pool(batch_plan *p, const char *out_dir, const char *factors_dir, int jobs_at_once, bool tty)
{
    struct slot *slots = xcalloc((size_t)jobs_at_once, sizeof *slots);
    size_t next = 0, done = 0, failed = 0, total = p->n;
    int running = 0;
    double start = now_s();
    for (size_t i = 0; i < p->n; i++) {
        if (p->jobs[i].status == BATCH_SKIPPED) {
            done++;
            if (!tty)
                log_line(&p->jobs[i]);
        }
    }
    for (;;) {
        while (!stop_signal && running < jobs_at_once && next < p->n) {
            if (p->jobs[next].status != BATCH_PENDING) {
                next++;
                continue;
            }
            int fds[2];
            if (pipe(fds) != 0) {
                batch_job *j = &p->jobs[next++];
                j->status = BATCH_FAILED;
                snprintf(j->error, sizeof j->error, "cannot start the job: %s", strerror(errno));
                continue;
            }
            fflush(stdout);
            fflush(stderr);
            pid_t pid = fork();
            if (pid == 0) {
                close(fds[0]);
                run_child(&p->jobs[next], out_dir, factors_dir, fds[1]);
            }
            close(fds[1]);
            if (pid < 0) {
                close(fds[0]);
                batch_job *j = &p->jobs[next++];
                j->status = BATCH_FAILED;
                snprintf(j->error, sizeof j->error, "cannot start the job: %s", strerror(errno));
                continue;
            }
            for (int k = 0; k < jobs_at_once; k++) {
                if (slots[k].pid == 0) {
                    slots[k] = (struct slot){pid, fds[0], next, now_s()};
                    break;
                }
            }
            running++;
            next++;
        }
        if (running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) {
                /* Stop: the running clients remove their temporaries and end. */
                for (int k = 0; k < jobs_at_once; k++)
                    if (slots[k].pid > 0)
                        kill(slots[k].pid, SIGTERM);
                continue;
            }
            break;
        }
        for (int k = 0; k < jobs_at_once; k++) {
            if (slots[k].pid != pid)
                continue;
            collect(p, &slots[k], status);
            batch_job *j = &p->jobs[slots[k].job];
            if (stop_signal && j->status == BATCH_FAILED) {
                j->status = BATCH_NOT_RUN; /* stopped, not failed */
                snprintf(j->error, sizeof j->error, "stopped by signal %d", (int)stop_signal);
            }
            failed += j->status == BATCH_FAILED;
            done++;
            if (tty)
                progress(done, total, failed, start);
            else
                log_line(j);
            slots[k].pid = 0;
            running--;
            break;
        }
    }
    for (size_t i = 0; i < p->n; i++) {
        if (p->jobs[i].status == BATCH_PENDING) {
            p->jobs[i].status = BATCH_NOT_RUN;
            snprintf(p->jobs[i].error, sizeof p->jobs[i].error, "stopped by signal %d before it ran",
                     (int)stop_signal);
        }
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

static int finish(batch_plan *p, const char *out_dir, diag_list *dl, bool save_state, bool tty)
{
    enum cbam_err err = CBAM_OK;
    if (save_state)
        err = batch_save_state(p, out_dir, dl);
    if (err == CBAM_OK)
        err = batch_write_summary(p, out_dir, dl);
    size_t counts[5] = {0};
    for (size_t i = 0; i < p->n; i++)
        counts[p->jobs[i].status]++;
    if (tty)
        fprintf(stderr, "cbamcalc: %zu ok, %zu skipped (unchanged), %zu failed, %zu not run; summary in "
                        "%s/batch-summary.xlsx\n",
                counts[BATCH_OK], counts[BATCH_SKIPPED], counts[BATCH_FAILED], counts[BATCH_NOT_RUN], out_dir);
    if (err != CBAM_OK)
        return cbam_err_exit_code(err);
    if (stop_signal)
        return 128 + stop_signal;
    return counts[BATCH_FAILED] > 0 ? EXIT_SOME_FAILED : 0;
}

int cli_cmd_batch(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out-dir", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
        {"scan", required_argument, NULL, 's'},    {"force", no_argument, NULL, 'F'},
        {"shard", required_argument, NULL, 'S'},   {"merge", no_argument, NULL, 'M'},
        {"factors", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *out_dir = NULL, *scan = NULL, *factors_dir = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    bool force = false, merge = false, quiet = false;
    int shard_k = 1, shard_n = 1, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 's': scan = optarg; break;
        case 'f': factors_dir = optarg; break;
        case 'F': force = true; break;
        case 'M': merge = true; break;
        case 'q': quiet = true; break;
        case 'j':
            if (parse_int(optarg, strlen(optarg), 1, 256, &jobs) != PARSE_OK)
                return cli_usage_error("batch", "-j %s: expected a number of jobs from 1 to 256", optarg);
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
    if (jobs < 1)
        jobs = 1;
    bool tty = !quiet && isatty(STDERR_FILENO);
    diag_list dl;
    diag_list_init(&dl);
    dl.echo = stderr;
    dl.echo_min = DIAG_WARNING;
    batch_plan plan = {0};

    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "cbamcalc: %s: cannot create the directory: %s\n", out_dir, strerror(errno));
        return cbam_err_exit_code(CBAM_ERR_CANTCREAT);
    }

    if (merge) {
        if (optind >= argc || scan != NULL)
            return cli_usage_error("batch", "--merge takes the shards' output directories (and no --scan)");
        enum cbam_err err = CBAM_OK;
        for (int i = optind; i < argc; i++) {
            enum cbam_err e = batch_read_summary(argv[i], &plan, &dl);
            if (err == CBAM_OK)
                err = e;
        }
        int rc = err != CBAM_OK ? cbam_err_exit_code(err) : finish(&plan, out_dir, &dl, false, tty);
        batch_plan_free(&plan);
        diag_list_free(&dl);
        return rc;
    }

    if ((scan == NULL) == (optind >= argc))
        return cli_usage_error("batch", "give a MANIFEST.csv or --scan CLIENTS_DIR (one of them)");
    if (optind + 1 < argc)
        return cli_usage_error("batch", "unexpected argument '%s'", argv[optind + 1]);

    /* One run per output directory at a time. */
    char lock_path[4400];
    snprintf(lock_path, sizeof lock_path, "%s/.cbamcalc-batch.lock", out_dir);
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
    remove_stale_temporaries(out_dir);

    enum cbam_err err = scan ? batch_scan(scan, &plan, &dl) : batch_read_manifest(argv[optind], &plan, &dl);
    if (err != CBAM_OK) {
        fprintf(stderr, "cbamcalc: the %s cannot be used; nothing was run\n", scan ? "clients folder" : "manifest");
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return cbam_err_exit_code(err);
    }
    batch_plan_shard(&plan, shard_k, shard_n); /* this machine's share */

    char **factor_files = NULL;
    size_t nfactor_files = 0;
    if (factors_dir != NULL && factors_list_dir(factors_dir, &factor_files, &nfactor_files, &dl) != CBAM_OK) {
        batch_plan_free(&plan);
        diag_list_free(&dl);
        close(lock);
        return cbam_err_exit_code(CBAM_ERR_NOINPUT);
    }
    for (size_t i = 0; i < plan.n; i++)
        batch_job_key(&plan.jobs[i], (const char *const *)factor_files, nfactor_files);
    batch_apply_state(&plan, out_dir, force);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    run_pool(&plan, out_dir, factors_dir, (int)jobs, tty);
    int rc = finish(&plan, out_dir, &dl, true, tty);

    for (size_t i = 0; i < nfactor_files; i++)
        free(factor_files[i]);
    free(factor_files);
    batch_plan_free(&plan);
    diag_list_free(&dl);
    close(lock);
    return rc;
}
