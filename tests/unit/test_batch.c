/* test_batch.c - the batch plan: manifests (per-file columns, unknown
 * columns, clients and output names once), 100,000 clients, shard merging. */
#include "config.h"
#include "tests.h"
#include "batch.h"
#include "supply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/cbam-batch-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Writes text as dir/name; returns the path (static storage). */
static const char *put_file(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

/* Whether some error names file:line:col and holds text. */
static bool has_error(const diag_list *dl, long line, int col, const char *text)
{
    for (size_t i = 0; i < dl->count; i++) {
        const diag *d = &dl->items[i];
        if (d->severity == DIAG_ERROR && d->line == line && d->column == col && strstr(d->message, text))
            return true;
    }
    return false;
}

static void dump(const diag_list *dl)
{
    for (size_t i = 0; i < dl->count; i++)
        diag_print(stderr, &dl->items[i]);
}

/* Reads text as a manifest. */
static enum cbam_err read_text(const char *text, batch_plan *p, diag_list *dl)
{
    return batch_read_manifest(put_file("m.csv", text), p, dl);
}

START_TEST(per_file_columns)
{
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    enum cbam_err err = read_text(
        "client,electricity,production,enterprises,output,source,map,encoding,product\n"
        "a,bill.csv;pv.csv;park.csv,,,,grid;onsite;,kwh=电量(kWh)|meter_id=计量点号;;,gbk;;UTF-8,;;P-1\n"
        "b,e.csv,,,,,,,\n",
        &p, &dl);
    dump(&dl);
    ck_assert_int_eq(err, CBAM_OK);
    ck_assert_uint_eq(p.n, 2);
    const batch_job *a = &p.jobs[0];
    ck_assert_uint_eq(a->ne, 3);
    ck_assert_ptr_nonnull(a->eopts);
    ck_assert_int_eq(a->eopts[0].source, SUPPLY_GRID + 1);
    ck_assert_int_eq(a->eopts[1].source, SUPPLY_ONSITE + 1);
    ck_assert_int_eq(a->eopts[2].source, 0);
    ck_assert_uint_eq(a->eopts[0].nmap, 2);
    ck_assert_str_eq(a->eopts[0].map[0].canonical, "kwh");
    ck_assert_str_eq(a->eopts[0].map[0].header, "电量(kWh)");
    ck_assert_str_eq(a->eopts[0].map[1].canonical, "meter_id");
    ck_assert_str_eq(a->eopts[0].map[1].header, "计量点号");
    ck_assert_uint_eq(a->eopts[1].nmap, 0);
    ck_assert_str_eq(a->eopts[0].encoding, "gbk");
    ck_assert_ptr_null(a->eopts[1].encoding);
    ck_assert_str_eq(a->eopts[2].encoding, "UTF-8");
    ck_assert_ptr_null(a->eopts[0].product);
    ck_assert_str_eq(a->eopts[2].product, "P-1");
    ck_assert_ptr_null(p.jobs[1].eopts);

    /* The report gets them per file. */
    static cli_report_args args;
    memset(&args, 0, sizeof args);
    batch_job_report_args(a, &args);
    ck_assert_uint_eq(args.nelectricity, 3);
    ck_assert_int_eq(args.electricity_source[1], SUPPLY_ONSITE + 1);
    ck_assert_str_eq(args.electricity_encoding[0], "gbk");
    ck_assert_str_eq(args.electricity_product[2], "P-1");
    ck_assert_uint_eq(args.nelectricity_map[0], 2);
    ck_assert_str_eq(args.electricity_map[0][1].header, "计量点号");
    ck_assert_ptr_nonnull(strstr(args.electricity[1], "pv.csv"));

    /* And the key depends on them: another map is another output. */
    batch_job_key(&p.jobs[0], NULL, 0);
    char k1[HASH_HEX_SIZE];
    memcpy(k1, p.jobs[0].key, sizeof k1);
    batch_plan_free(&p);
    diag_list_free(&dl);
    diag_list_init(&dl);
    err = read_text("client,electricity,production,enterprises,output,source,map,encoding,product\n"
                    "a,bill.csv;pv.csv;park.csv,,,,grid;onsite;,kwh=电量(kWh);;,gbk;;UTF-8,;;P-1\n",
                    &p, &dl);
    ck_assert_int_eq(err, CBAM_OK);
    batch_job_key(&p.jobs[0], NULL, 0);
    ck_assert_str_ne(k1, p.jobs[0].key);
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

START_TEST(per_file_columns_refused)
{
    static const struct {
        const char *row;
        int col;
        const char *text;
    } bad[] = {
        {"a,x.csv;y.csv,,,,grid,,,", 6, "source has 1 part but electricity has 2"},
        {"a,x.csv;y.csv,,,,,,gbk;gbk;gbk,", 8, "encoding has 3 parts but electricity has 2"},
        {"a,x.csv,,,,wind,,,", 6, "source \"wind\" for electricity file 1 of client a is not a supply source"},
        {"a,x.csv,,,,,,latin-9,", 8, "encoding \"latin-9\" for electricity file 1"},
        {"a,x.csv,,,,,kwh,,", 7, "is not COLUMN=HEADER"},
        {"a,x.csv,,,,,kwh=电量|,,", 7, "is not COLUMN=HEADER"},
        {"a,x.csv,,,,,电量=kwh,,", 7, "is not COLUMN=HEADER"},
        {"a,x.csv,,,,,a=1|b=2|c=3|d=4|e=5|f=6|g=7|h=8|i=9,,", 7, "more than 8 COLUMN=HEADER pairs"},
        {"a,x.csv;;y.csv,,,,grid;onsite;grid,,,", 6, "source part 2 of client a is for an empty electricity part"},
        {"a,x.csv,,,\"bad\nname.xlsx\",,,,", 5, "a line break (U+000A, LF) inside a quoted field"}, /* csvin */
        {"a,x.csv,,,sub\\a.xlsx,,,,", 5, "is not a file name"},
        {"a\tb,x.csv,,,,,,,", 1, "control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "client,electricity,production,enterprises,output,source,map,encoding,product\n%s\n", bad[i].row);
        batch_plan p = {0};
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(read_text(text, &p, &dl), CBAM_ERR_DATA);
        if (!has_error(&dl, 2, bad[i].col, bad[i].text)) {
            dump(&dl);
            ck_abort_msg("row %zu: no error at 2:%d with \"%s\"", i, bad[i].col, bad[i].text);
        }
        batch_plan_free(&p);
        diag_list_free(&dl);
    }
}
END_TEST

START_TEST(unknown_column)
{
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(read_text("client,electricity,production,enterprises,output,sources\na,x.csv,,,,grid\n",
                               &p, &dl),
                     CBAM_ERR_DATA);
    ck_assert(has_error(&dl, 1, 6, "unknown column 'sources' in the manifest; expected only these columns: "
                                   "client, electricity"));
    ck_assert_uint_eq(p.n, 0); /* nothing read past the header */
    batch_plan_free(&p);
    diag_list_free(&dl);
    /* A spreadsheet's empty trailing column is fine. */
    diag_list_init(&dl);
    ck_assert_int_eq(read_text("client,electricity,production,enterprises,output,\na,x.csv,,,,\n", &p, &dl),
                     CBAM_OK);
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

START_TEST(output_collisions)
{
    static const struct {
        const char *rows;
        const char *text;
    } bad[] = {
        /* x would write x.json as x.xlsx does: a workbook's name must end in .xlsx (as report -o) */
        {"a,e.csv,,,x.xlsx\nb,e.csv,,,x\n", "output \"x\" is the workbook's name but does not end in .xlsx"},
        /* letter case: one file on Windows */
        {"ACME,e.csv,,,\nacme,e.csv,,,\n", "client acme writes acme.xlsx, but client ACME (line 2) writes ACME.xlsx"
                                           " (letter case is ignored"},
        /* two ids whose safe names meet */
        {"a/b,e.csv,,,\na:b,e.csv,,,\n", "client a:b writes a_b.xlsx, but client a/b (line 2) writes a_b.xlsx"},
        /* the run's own files */
        {"batch-summary,e.csv,,,\n", "but the batch run itself writes batch-summary.xlsx"},
        /* no client writes a .json of its choosing (the run's own batch-summary.json) */
        {"a,e.csv,,,Batch-Summary.json\n", "output \"Batch-Summary.json\" is the workbook's name but does not end"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "client,electricity,production,enterprises,output\n%s", bad[i].rows);
        batch_plan p = {0};
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(read_text(text, &p, &dl), CBAM_ERR_DATA);
        long line = strchr(strchr(bad[i].rows, '\n') + 1, '\n') ? 3 : 2;
        if (!has_error(&dl, line, 5, bad[i].text)) {
            dump(&dl);
            ck_abort_msg("case %zu: no error at %ld:5 with \"%s\"", i, line, bad[i].text);
        }
        batch_plan_free(&p);
        diag_list_free(&dl);
    }
    /* Chinese ids keep their names: no collision. */
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(read_text("client,electricity,production,enterprises,output\n运城一厂,e.csv,,,\n"
                               "运城二厂,e.csv,,,\n",
                               &p, &dl),
                     CBAM_OK);
    ck_assert_str_eq(p.jobs[0].output, "运城一厂.xlsx");
    ck_assert_str_eq(p.jobs[1].json, "运城二厂.json");
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

/* 100,000 clients: the duplicate and collision checks must be hashed (a
 * quadratic check took minutes). No time is asserted; the test's time limit
 * only keeps a quadratic version from passing by waiting. */
START_TEST(manifest_100k)
{
    char path[160];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("client,electricity,production,enterprises,output\n", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, "client-%06d,e.csv,,,\n", i);
    ck_assert_int_eq(fclose(f), 0);

    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(batch_read_manifest(path, &p, &dl), CBAM_OK);
    ck_assert_uint_eq(p.n, 100000);
    ck_assert_str_eq(p.jobs[99999].output, "client-099999.xlsx");
    batch_plan_free(&p);
    diag_list_free(&dl);

    /* The same client again at the end. */
    f = fopen(path, "a");
    fputs("client-000007,e.csv,,,\n", f);
    fclose(f);
    diag_list_init(&dl);
    ck_assert_int_eq(batch_read_manifest(path, &p, &dl), CBAM_ERR_DATA);
    ck_assert(has_error(&dl, 100002, 1, "client client-000007 is already listed on line 9"));
    batch_plan_free(&p);
    diag_list_free(&dl);

    /* Replace that row: another id, the same file where case is ignored. */
    f = fopen(path, "r+");
    fseek(f, -(long)strlen("client-000007,e.csv,,,\n"), SEEK_END);
    fputs("CLIENT-000007,e.csv,,,\n", f);
    fclose(f);
    diag_list_init(&dl);
    ck_assert_int_eq(batch_read_manifest(path, &p, &dl), CBAM_ERR_DATA);
    ck_assert(has_error(&dl, 100002, 5, "client CLIENT-000007 writes CLIENT-000007.xlsx, but client client-000007 "
                                        "(line 9) writes client-000007.xlsx"));
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

/* Makes dir/name/batch-summary.json with these clients. */
static void shard(const char *name, const char *const *clients, size_t n, int k, int of)
{
    char sub[160], text[1024];
    snprintf(text, sizeof text, "{\"run\":{\"id\":\"%s\",\"state\":\"finished\",\"shard\":{\"k\":%d,\"n\":%d}},"
                                "\"jobs\":[", name, k, of);
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    for (size_t i = 0; i < n; i++) {
        char one[128];
        snprintf(one, sizeof one, "%s{\"client\":\"%s\",\"status\":\"ok\",\"output\":\"%s.xlsx\",\"json\":\"%s.json\"}",
                 i ? "," : "", clients[i], clients[i], clients[i]);
        strcat(text, one);
    }
    strcat(text, "]}");
    char file[200];
    snprintf(file, sizeof file, "%s/batch-summary.json", name);
    put_file(file, text);
}

START_TEST(merge_refuses_a_client_twice)
{
    static const char *const s1[] = {"a", "b"}, *const s2[] = {"c"}, *const s3[] = {"d", "b"};
    shard("s1", s1, 2, 1, 2);
    shard("s2", s2, 1, 2, 2);
    shard("s3", s3, 2, 2, 2);
    char d1[160], d2[160], d3[160];
    snprintf(d1, sizeof d1, "%s/s1", dir);
    snprintf(d2, sizeof d2, "%s/s2", dir);
    snprintf(d3, sizeof d3, "%s/s3", dir);
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    const char *good[] = {d1, d2};
    ck_assert_int_eq(batch_merge(good, 2, dir, &p, &dl), CBAM_OK);
    ck_assert_uint_eq(p.n, 3);
    batch_plan_free(&p);
    const char *twice[] = {d1, d2, d1};
    ck_assert_int_eq(batch_merge(twice, 3, dir, &p, &dl), CBAM_ERR_DATA);
    char want[400];
    snprintf(want, sizeof want, "client a is in shard %s and in shard %s (and 1 more clients)", d1, d1);
    ck_assert(has_error(&dl, 0, 0, want));
    batch_plan_free(&p);
    const char *overlap[] = {d1, d3};
    ck_assert_int_eq(batch_merge(overlap, 2, dir, &p, &dl), CBAM_ERR_DATA);
    snprintf(want, sizeof want, "client b is in shard %s and in shard %s;", d1, d3);
    ck_assert(has_error(&dl, 0, 0, want));
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

/* What a kept output is: the workbook's date, and its JSON's inputs hash,
 * periods (the earliest and latest enterprise's) and warnings. */
START_TEST(output_read)
{
    batch_job j = {.output = "c.xlsx", .json = "c.json", .status = BATCH_FAILED};
    batch_output_info info;
    ck_assert(!batch_output_read(dir, &j, &info)); /* no workbook: nothing kept */
    batch_note_earlier(&j, dir);
    ck_assert_int_eq(j.from, BATCH_FROM_NONE);
    put_file("c.xlsx", "PK");
    ck_assert(batch_output_read(dir, &j, &info)); /* a workbook without its JSON */
    ck_assert_str_eq(info.inputs_sha256, "");
    ck_assert_int_eq(info.warnings, -1);
    ck_assert_uint_eq(strlen(info.written), 20);
    put_file("c.json", "{\"inputs_sha256\":\"ab12\",\"enterprises\":["
                       "{\"period_from\":\"2025-03\",\"period_to\":\"2025-06\"},"
                       "{\"period_from\":\"2025-01\",\"period_to\":\"2025-04\"}],"
                       "\"diagnostics\":[{\"severity\":\"warning\"},{\"severity\":\"note\"},"
                       "{\"severity\":\"warning\"}]}");
    batch_note_earlier(&j, dir);
    ck_assert_int_eq(j.from, BATCH_FROM_EARLIER);
    ck_assert_str_eq(j.earlier.inputs_sha256, "ab12");
    ck_assert_str_eq(j.earlier.period_from, "2025-01");
    ck_assert_str_eq(j.earlier.period_to, "2025-06");
    ck_assert_int_eq(j.earlier.warnings, 2);
    char text[200];
    batch_output_from_text(&j, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "an earlier run, kept (written 20"));
    ck_assert_ptr_nonnull(strstr(text, "inputs ab12)"));
    j.status = BATCH_OK; /* its own outputs: left alone */
    j.from = BATCH_FROM_THIS_RUN;
    batch_note_earlier(&j, dir);
    ck_assert_int_eq(j.from, BATCH_FROM_THIS_RUN);
}
END_TEST

/* --merge copies a shard's files into the merged directory, and lists no file that is not there. */
START_TEST(merge_copies_outputs)
{
    static const char *const s1[] = {"a", "b"};
    shard("s1", s1, 2, 1, 1);
    put_file("s1/a.xlsx", "workbook a");
    put_file("s1/a.json", "{}");
    char d1[160], out[160];
    snprintf(d1, sizeof d1, "%s/s1", dir);
    snprintf(out, sizeof out, "%s/all", dir);
    ck_assert_int_eq(mkdir(out, 0777), 0);
    batch_plan p = {0};
    diag_list dl;
    diag_list_init(&dl);
    const char *dirs[] = {d1};
    ck_assert_int_eq(batch_merge(dirs, 1, out, &p, &dl), CBAM_OK);
    ck_assert_uint_eq(p.n, 2);
    ck_assert_int_eq(p.jobs[0].from, BATCH_FROM_THIS_RUN);
    ck_assert_int_eq(p.jobs[1].from, BATCH_FROM_NONE); /* b's files are in no shard */
    ck_assert_int_eq(p.jobs[1].status, BATCH_FAILED);  /* so it is not ok, whatever its shard says */
    char path[200];
    snprintf(path, sizeof path, "%s/a.xlsx", out);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[32] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "workbook a");
    snprintf(path, sizeof path, "%s/b.xlsx", out);
    ck_assert_int_ne(access(path, F_OK), 0);
    batch_plan_free(&p);
    diag_list_free(&dl);
}
END_TEST

Suite *suite_batch(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("plan");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, per_file_columns);
    tcase_add_test(tc, per_file_columns_refused);
    tcase_add_test(tc, unknown_column);
    tcase_add_test(tc, output_collisions);
    tcase_add_test(tc, manifest_100k);
    tcase_add_test(tc, merge_refuses_a_client_twice);
    tcase_add_test(tc, output_read);
    tcase_add_test(tc, merge_copies_outputs);
    suite_add_tcase(s, tc);
    return s;
}
