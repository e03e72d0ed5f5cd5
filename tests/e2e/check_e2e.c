/* check_e2e.c - end-to-end tests: run the cbamcalc binary as a user would and
 * check exit codes, messages, files written (or not), and the JSON figures. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[64];
static char out_path[128], err_path[128];
static char *out_text, *err_text;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static void put_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *path_in(const char *name)
{
    static char buf[8][256];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

/* Runs cbamcalc with the NULL-terminated arguments; stdin from stdin_file
 * (or /dev/null). Returns the exit code; output in out_text / err_text. */
static int run_in(const char *stdin_file, ...)
{
    const char *argv[64];
    int n = 0;
    const char *vg = getenv("CBAM_VALGRIND");
    if (vg != NULL && *vg) {
        argv[n++] = vg;
        argv[n++] = "--quiet";
        argv[n++] = "--error-exitcode=99";
        argv[n++] = "--leak-check=full";
        argv[n++] = "--errors-for-leak-kinds=definite,indirect";
    }
    const char *bin = getenv("CBAMCALC");
    ck_assert_msg(bin != NULL, "CBAMCALC is not set (run through make check)");
    argv[n++] = bin;
    va_list ap;
    va_start(ap, stdin_file);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 62)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;

    free(out_text);
    free(err_text);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int in = open(stdin_file ? stdin_file : "/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0 || chdir(tmp) != 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    out_text = slurp(out_path);
    err_text = slurp(err_path);
    ck_assert_msg(WIFEXITED(status), "cbamcalc died: %s", err_text);
    int code = WEXITSTATUS(status);
    ck_assert_msg(code != 99, "valgrind found errors:\n%s", err_text);
    return code;
}
#define run(...) run_in(NULL, __VA_ARGS__, (const char *)NULL)

static void setup(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/cbam-e2e-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    snprintf(out_path, sizeof out_path, "%s.out", tmp);
    snprintf(err_path, sizeof err_path, "%s.err", tmp);
    out_text = err_text = NULL;
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s'", tmp, out_path, err_path);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmp);
    free(out_text);
    free(err_text);
    out_text = err_text = NULL;
}

#define ck_contains(hay, needle) \
    ck_assert_msg((hay) != NULL && strstr((hay), (needle)) != NULL, "expected '%s' in:\n%s", (needle), (hay))

static json_t *load_json(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    ck_assert_msg(j != NULL, "%s: %s (line %d)", path, e.text, e.line);
    return j;
}

static double jnum(json_t *o, const char *path)
{
    json_t *v = json_object_get(o, path);
    ck_assert_msg(json_is_number(v), "%s is not a number", path);
    return json_number_value(v);
}

static json_t *enterprise(json_t *root, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(root, "enterprises"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "enterprise_id")), id) == 0)
            return e;
    ck_abort_msg("no enterprise %s", id);
    return NULL;
}

START_TEST(help_and_version)
{
    ck_assert_int_eq(run("--version"), 0);
    ck_contains(out_text, "cbamcalc " PACKAGE_VERSION);
    ck_assert_int_eq(run("--help"), 0);
    ck_contains(out_text, "Commands:");
    static const char *const cmds[] = {"report", "validate", "factors", "demo", "batch"};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(run(cmds[i], "--help"), 0);
        ck_contains(out_text, "Usage: cbamcalc");
    }
}
END_TEST

START_TEST(usage_errors_exit_64)
{
    put_file("e.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,1\n");
    ck_assert_int_eq(run("report"), 64);
    ck_contains(err_text, "-e FILE");
    ck_assert_int_eq(run("frobnicate"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--bogus"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--year", "25"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--year", "2025", "--from", "2025-01"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--from", "2025-06", "--to", "2025-01"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--grid-factor", "no-such-id"), 64);
    ck_contains(err_text, "neither a number");
    ck_assert_int_eq(run("report", "-e", "e.csv", "--grid-factor", "663.4"), 64);
    ck_assert_int_eq(run("report", "-e", "-", "-p", "-"), 64);
    ck_assert_int_eq(run("validate", "-e", "e.csv", "--json", "x.json"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "-o", "-"), 64);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--lang", "fr"), 64);
    ck_assert_int_eq(run("validate", "-e", "e.csv", "-o", "r.xlsx"), 64);
    /* A workbook is for one enterprise: with two, an instruction and nothing written. */
    put_file("two.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,1\nE2,2025-01,grid,1\n");
    ck_assert_int_eq(run("report", "-e", "two.csv", "-o", "r.xlsx"), 64);
    ck_contains(err_text, "2 enterprises (E1, E2); a workbook covers one: add --enterprise ID");
    ck_assert_int_ne(access(path_in("r.xlsx"), F_OK), 0);
    ck_assert_int_eq(run("report", "-e", "two.csv", "-o", "r.xlsx", "--enterprise", "E2", "-q"), 0);
    ck_assert_int_eq(access(path_in("r.xlsx"), F_OK), 0);
}
END_TEST

START_TEST(demo_writes_the_example_and_its_report)
{
    ck_assert_int_eq(run("demo", "-o", "d", "-q"), 0);
    ck_contains(out_text, "Enterprise YC-AP01");
    ck_assert_int_eq(access(path_in("d/YC-AP01.xlsx"), F_OK), 0);
    ck_assert_int_eq(access(path_in("d/YC-FD02.xlsx"), F_OK), 0);
    json_t *root = load_json(path_in("d/report.json"));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "tool"), "version")), PACKAGE_VERSION);
    json_t *inputs = json_object_get(root, "inputs");
    ck_assert_uint_eq(json_array_size(inputs), 3);
    size_t i;
    json_t *in;
    json_array_foreach(inputs, i, in) {
        ck_assert_uint_eq(strlen(json_string_value(json_object_get(in, "sha256"))), 64);
        ck_assert_int_gt(json_integer_value(json_object_get(in, "rows")), 0);
    }
    /* Hand check (README "Worked example"): grid 17,955,000 + trade 7,200,000 kWh
     * location 0.6634 x 25,155 MWh = 16,687.827 t; market 0.6096 x (17,955 - 1,200)
     * = 10,213.848 t; CBAM 0.605 x 25,155 = 15,218.775 t. */
    json_t *e = enterprise(root, "YC-AP01");
    json_t *em = json_object_get(e, "emissions_t_co2");
    ck_assert_double_eq_tol(jnum(em, "location"), 16687.827, 1e-6);
    ck_assert_double_eq_tol(jnum(em, "market"), 10213.848, 1e-6);
    ck_assert_double_eq_tol(jnum(em, "cbam"), 15218.775, 1e-6);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(e, "factors"), "cbam"),
                                                       "source_code")), "Mix");
    json_t *kwh = json_object_get(e, "electricity_kwh");
    ck_assert(jnum(kwh, "consumption") == 39600000);
    ck_assert(jnum(kwh, "certificates_used") == 1200000);
    ck_assert_uint_eq(json_array_size(json_object_get(e, "months")), 12);
    /* Conservation in the file itself. */
    double sum = jnum(kwh, "unallocated"), cb = jnum(json_object_get(e, "unallocated_t_co2"), "cbam");
    json_t *p;
    json_array_foreach(json_object_get(e, "products"), i, p) {
        sum += jnum(p, "electricity_kwh");
        cb += jnum(json_object_get(p, "emissions_t_co2"), "cbam");
    }
    ck_assert_double_eq_tol(sum, 39600000, 1e-6);
    ck_assert_double_eq_tol(cb, 15218.775, 1e-9);
    /* The park's supplier factor: 0.3503 x 6,690 MWh = 2,343.507 t market-based. */
    ck_assert_double_eq_tol(jnum(json_object_get(enterprise(root, "YC-FD02"), "emissions_t_co2"), "market"),
                            2343.507, 1e-9);
    char *text = json_dumps(json_object_get(root, "diagnostics"), 0);
    ck_contains(text, "one-hour match");
    free(text);
    json_decref(root);
}
END_TEST

START_TEST(data_error_names_file_line_column_and_writes_nothing)
{
    put_file("bad.csv", "enterprise_id,period,meter_id,source,kwh\n"
                        "E1,2025-01,M1,grid,100\n"
                        "E1,2025-02,M1,grid,\"12,5x\"\n"
                        "E1,2025-13,M1,grid,5\n");
    put_file("old.json", "GOOD");
    ck_assert_int_eq(run("report", "-e", "bad.csv", "--json", "new.json"), 65);
    ck_contains(err_text, "bad.csv:3:5: error: kwh \"12,5x\" is not a number");
    ck_contains(err_text, "bad.csv:4:2: error: period \"2025-13\" is out of range");
    ck_contains(err_text, "no report was written");
    ck_assert_int_ne(access(path_in("new.json"), F_OK), 0);
    ck_assert_int_eq(run("report", "-e", "bad.csv", "--json", "old.json"), 65);
    char *old = slurp(path_in("old.json"));
    ck_assert_str_eq(old, "GOOD");
    free(old);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 2", tmp); /* no temporary left */
    ck_assert_int_eq(system(cmd), 0);
    /* validate lists every problem and exits 65 too */
    ck_assert_int_eq(run("validate", "-e", "bad.csv"), 65);
    ck_contains(err_text, "bad.csv:3:5");
    ck_contains(err_text, "bad.csv:4:2");
}
END_TEST

START_TEST(missing_input_exits_66_unwritable_output_73)
{
    ck_assert_int_eq(run("report", "-e", "nope.csv"), 66);
    ck_contains(err_text, "nope.csv: error: cannot open");
    put_file("e.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,1\n");
    ck_assert_int_eq(run("report", "-e", "e.csv", "--json", "/nonexistent-dir/r.json"), 73);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--json", "e.csv/r.json"), 73);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--factors", "no-dir"), 66);
}
END_TEST

START_TEST(stdin_and_json_to_stdout_and_determinism)
{
    put_file("e.csv", "\xEF\xBB\xBF" "enterprise_id,period,source,kwh,extra\r\nE1,2023-01,grid,1000,x\r\n");
    ck_assert_int_eq(run_in(path_in("e.csv"), "report", "-e", "-", "--json", "-", (const char *)NULL), 0);
    json_error_t je;
    json_t *root = json_loads(out_text, 0, &je);
    ck_assert_ptr_nonnull(root);
    json_t *in = json_array_get(json_object_get(root, "inputs"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(in, "path")), "<stdin>");
    /* No enterprises file: national average 2023, 0.5306 x 1 MWh. */
    ck_assert_double_eq_tol(jnum(json_object_get(enterprise(root, "E1"), "emissions_t_co2"), "location"),
                            0.5306, 1e-12);
    json_decref(root);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--json", "a.json", "-q"), 0);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--json", "b.json", "-q"), 0);
    char *a = slurp(path_in("a.json")), *b = slurp(path_in("b.json"));
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
}
END_TEST

START_TEST(validate_reports_notes_and_passes)
{
    put_file("e.csv", "enterprise_id,period,source,kwh,colour\nE1,2023-01,grid,1000,red\nE1,2023-02,grid,,red\n");
    ck_assert_int_eq(run("validate", "-e", "e.csv"), 0);
    ck_contains(err_text, "e.csv:1: note: 1 unknown column ignored: colour");
    ck_contains(err_text, "e.csv:3:4: warning: kwh is empty");
    ck_contains(err_text, "inputs valid");
    ck_assert_str_eq(out_text, "");
}
END_TEST

START_TEST(factors_command)
{
    ck_assert_int_eq(run("factors", "list", "--country", "CN", "--year", "2023"), 0);
    ck_contains(out_text, "cn-mee-shanxi-2023");
    ck_assert_ptr_null(strstr(out_text, "cn-mee-shanxi-2022"));
    ck_assert_int_eq(run("factors", "show", "yuncheng-etdz-2025"), 0);
    ck_contains(out_text, "0.3503");
    ck_contains(out_text, "secondary");
    ck_assert_int_eq(run("factors", "show", "nope"), 65);
    ck_assert_int_eq(run("factors"), 64);
    mkdir(path_in("f"), 0755);
    put_file("f/park.csv", "id,kind,country,region,year,value,unit,source,url,status,note\n"
                           "my-park,supplier,CN,Shanxi,2025,0.2,kgCO2/kWh,park statement 2025,,user,\n");
    ck_assert_int_eq(run("factors", "--factors", "f", "show", "my-park"), 0);
    ck_contains(out_text, "park statement 2025");
}
END_TEST

START_TEST(selection_and_overrides)
{
    mkdir(path_in("f"), 0755);
    put_file("f/park.csv", "id,kind,country,region,year,value,unit,source,url,status,note\n"
                           "my-park,supplier,CN,Shanxi,2025,200,gCO2/kWh,park statement 2025,,user,\n");
    put_file("e.csv", "enterprise_id,period,source,kwh,factor_id\n"
                      "A,2023-01,grid,1000,\n"
                      "B,2023-01,supplier,1000,my-park\n");
    ck_assert_int_eq(run("report", "-e", "e.csv", "--factors", "f", "--enterprise", "B", "--grid-factor", "0.5",
                         "--json", "r.json", "-q"),
                     0);
    json_t *root = load_json(path_in("r.json"));
    ck_assert_uint_eq(json_array_size(json_object_get(root, "enterprises")), 1);
    json_t *em = json_object_get(enterprise(root, "B"), "emissions_t_co2");
    ck_assert_double_eq_tol(jnum(em, "market"), 0.2, 1e-12);   /* 0.2 kg/kWh x 1 MWh */
    ck_assert_double_eq_tol(jnum(em, "location"), 0.5, 1e-12); /* --grid-factor 0.5 */
    json_t *in = json_array_get(json_object_get(root, "inputs"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(in, "role")), "factors");
    json_decref(root);
    ck_assert_int_eq(run("report", "-e", "e.csv", "--factors", "f", "--enterprise", "Z"), 65);
    ck_contains(err_text, "enterprise 'Z' has no rows");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("e2e");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 300); /* valgrind runs are slow */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, help_and_version);
    tcase_add_test(tc, usage_errors_exit_64);
    tcase_add_test(tc, demo_writes_the_example_and_its_report);
    tcase_add_test(tc, data_error_names_file_line_column_and_writes_nothing);
    tcase_add_test(tc, missing_input_exits_66_unwritable_output_73);
    tcase_add_test(tc, stdin_and_json_to_stdout_and_determinism);
    tcase_add_test(tc, validate_reports_notes_and_passes);
    tcase_add_test(tc, factors_command);
    tcase_add_test(tc, selection_and_overrides);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
