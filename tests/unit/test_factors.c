/* test_factors.c - the shipped factor tables, loading rules and look-up. */
#include "config.h"
#include "embedded.h"
#include "factors.h"
#include "tests.h"
#include "utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static factors_db *builtin(void)
{
    diag_list dl;
    diag_list_init(&dl);
    factors_db *db = factors_new();
    ck_assert_int_eq(factors_load_builtin(db, &dl), CBAM_OK);
    ck_assert_uint_eq(dl.count, 0); /* the shipped tables load without a single remark */
    diag_list_free(&dl);
    return db;
}

START_TEST(shipped_values_match_the_reference)
{
    factors_db *db = builtin();
    /* emission-factors.md: 3 national x 3 years, 7 regions x 3, 30 provinces x 3,
     * 14 CBAM defaults, 2 ETS, 2 LCA, 1 park = 9 + 21 + 90 + 14 + 5 = 139. */
    ck_assert_uint_eq(factors_count(db), 139);
    static const struct { const char *id; double v; int year; } spot[] = {
        {"cn-mee-shanxi-2023", 0.6634, 2023},   {"cn-mee-shanxi-2021", 0.7222, 2021},
        {"cn-mee-shaanxi-2022", 0.6558, 2022},  {"cn-mee-avg-2023", 0.5306, 2023},
        {"cn-mee-residual-2023", 0.6096, 2023}, {"cn-mee-residual-2021", 0.5942, 2021},
        {"cn-mee-fossil-2022", 0.8325, 2022},   {"cn-mee-north-2023", 0.6361, 2023},
        {"cn-mee-southwest-2022", 0.2268, 2022}, {"cn-mee-yunnan-2022", 0.1073, 2022},
        {"cn-mee-inner-mongolia-2023", 0.6479, 2023}, {"cbam-default-cn", 0.605, 2026},
        {"cbam-default-other", 0.465, 2026},    {"cbam-default-gb", 0.193, 2026},
        {"yuncheng-etdz-2025", 0.3503, 2025},   {"cn-ets-grid-2022", 0.5703, 2022},
        {"cn-lca-2024", 0.5777, 2024},
    };
    for (size_t i = 0; i < sizeof spot / sizeof spot[0]; i++) {
        const factor *f = factors_find(db, spot[i].id);
        ck_assert_msg(f != NULL, "%s missing", spot[i].id);
        ck_assert_msg(f->value == spot[i].v, "%s = %.17g", spot[i].id, f->value);
        ck_assert_int_eq(f->year, spot[i].year);
        ck_assert(f->source[0] != '\0' && f->status[0] != '\0' && f->unit[0] != '\0');
    }
    /* Every secondary factor says so in its note. */
    for (size_t i = 0; i < factors_count(db); i++) {
        const factor *f = factors_at(db, i);
        if (strcmp(f->status, "secondary") == 0)
            ck_assert_msg(strstr(f->note, "secondary") != NULL, "%s", f->id);
    }
    ck_assert_str_eq(factors_find(db, "yuncheng-etdz-2025")->status, "secondary");
    factors_free(db);
}
END_TEST

START_TEST(lookup_falls_back_to_the_latest_earlier_year)
{
    factors_db *db = builtin();
    const factor *f = factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", "Shanxi", 2025);
    ck_assert_str_eq(f->id, "cn-mee-shanxi-2023");
    f = factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", "Shanxi", 2022);
    ck_assert_str_eq(f->id, "cn-mee-shanxi-2022");
    f = factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", "shanxi", 2022); /* case-insensitive */
    ck_assert_str_eq(f->id, "cn-mee-shanxi-2022");
    ck_assert_ptr_null(factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", "Shanxi", 2020));
    ck_assert_ptr_null(factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", "Tibet", 2023));
    f = factors_lookup(db, FACTOR_GRID_AVERAGE, "CN", NULL, 2024);
    ck_assert_str_eq(f->id, "cn-mee-avg-2023");
    f = factors_lookup(db, FACTOR_GRID_RESIDUAL, "CN", "", 2023);
    ck_assert_str_eq(f->id, "cn-mee-residual-2023");
    ck_assert_ptr_null(factors_lookup(db, FACTOR_GRID_RESIDUAL, "IN", NULL, 2023));
    factors_free(db);
}
END_TEST

static const char header[] = "id,kind,country,region,year,value,unit,source,url,status,note\n";

static enum cbam_err load(factors_db *db, const char *rows, int replace, diag_list *dl)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", header, rows);
    return factors_load_mem(db, "user.csv", buf, strlen(buf), replace, dl);
}

START_TEST(bad_factor_files)
{
    static const struct { const char *row; const char *needle; } bad[] = {
        {"x,grid_average,CN,,2023,nan,kgCO2/kWh,s,,confirmed,\n", "finite"},
        {"x,grid_average,CN,,2023,inf,kgCO2/kWh,s,,confirmed,\n", "finite"},
        {"x,grid_average,CN,,2023,1e400,kgCO2/kWh,s,,confirmed,\n", "finite"},
        {"x,grid_average,CN,,2023,605,kgCO2/kWh,s,,confirmed,\n", "check the unit"},
        {"x,grid_average,CN,,2023,-0.1,kgCO2/kWh,s,,confirmed,\n", "check the unit"},
        {"x,grid_average,CN,,2023,0.5,kgCO2/kW,s,,confirmed,\n", "unknown unit"},
        {"x,grid_avg,CN,,2023,0.5,kgCO2/kWh,s,,confirmed,\n", "unknown kind"},
        {"x,grid_average,China,,2023,0.5,kgCO2/kWh,s,,confirmed,\n", "ISO 3166"},
        {"x,grid_average,CN,,23,0.5,kgCO2/kWh,s,,confirmed,\n", "year"},
        {"x,grid_average,CN,,2023,0.5,kgCO2/kWh,,,confirmed,\n", "source"},
        {"x,grid_average,CN,,2023,0.5,kgCO2/kWh,s,,maybe,\n", "confirmed, secondary or user"},
        {",grid_average,CN,,2023,0.5,kgCO2/kWh,s,,confirmed,\n", "id is required"},
        {"x,grid_average,CN,,2023,0.5,kgCO2/kWh,s,,confirmed,\n"
         "x,grid_average,CN,,2023,0.6,kgCO2/kWh,s,,confirmed,\n", "already defined at user.csv:2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        factors_db *db = factors_new();
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(load(db, bad[i].row, 1, &dl), CBAM_ERR_DATA);
        ck_assert_uint_eq(dl.errors, 1);
        ck_assert_msg(strstr(dl.items[0].message, bad[i].needle) != NULL, "'%s' lacks '%s'",
                      dl.items[0].message, bad[i].needle);
        ck_assert_str_eq(dl.items[0].file, "user.csv");
        ck_assert_int_ge(dl.items[0].line, 2);
        diag_list_free(&dl);
        factors_free(db);
    }
    factors_db *db = factors_new();
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(factors_load_mem(db, "h.csv", "id,kind\n", 8, 1, &dl), CBAM_ERR_DATA);
    ck_assert_uint_ge(dl.errors, 1);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "required column"));
    diag_list_free(&dl);
    factors_free(db);
}
END_TEST

START_TEST(user_file_replaces_shipped_id_and_converts_units)
{
    factors_db *db = builtin();
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(load(db, "cn-mee-shanxi-2023,grid_average,CN,Shanxi,2023,663.4,gCO2/kWh,my copy,,user,\n"
                              "park-x,supplier,CN,Shanxi,2025,0.2,tCO2/MWh,park,,user,\n", 1, &dl),
                     CBAM_OK);
    ck_assert_uint_eq(dl.errors, 0);
    /* Replacing a shipped id is a warning (issue 8 item 7), kept on the factor. */
    ck_assert_uint_eq(dl.warnings, 1);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "REPLACES the shipped cn-mee-shanxi-2023"));
    const factor *f = factors_find(db, "cn-mee-shanxi-2023");
    ck_assert_double_eq_tol(f->value, 0.6634, 1e-15);
    ck_assert_str_eq(f->source, "my copy");
    ck_assert_str_eq(f->status, "user");
    ck_assert_ptr_nonnull(f->replaced);
    ck_assert_ptr_nonnull(strstr(f->replaced, "factors/cn-mee-grid.csv"));
    ck_assert_uint_eq(factors_count(db), 140);
    diag_list_free(&dl);
    factors_free(db);
}
END_TEST

START_TEST(user_file_never_claims_confirmed)
{
    factors_db *db = builtin();
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(load(db, "cbam-default-cn,cbam_default,CN,,2026,0,tCO2/MWh,mine,,confirmed,\n", 1, &dl),
                     CBAM_OK);
    const factor *f = factors_find(db, "cbam-default-cn");
    ck_assert_str_eq(f->status, "user");
    ck_assert_ptr_nonnull(strstr(f->note, "the file says status confirmed"));
    ck_assert_uint_eq(dl.warnings, 1);
    ck_assert_ptr_nonnull(strstr(dl.items[0].message, "an importer may not accept a changed EU default"));
    diag_list_free(&dl);
    factors_free(db);
}
END_TEST

START_TEST(command_line_values)
{
    factors_db *db = builtin();
    diag_list dl;
    diag_list_init(&dl);
    const factor *f = NULL;
    ck_assert_int_eq(factors_resolve_arg(db, "0.3503", "--grid-factor", &f, &dl), CBAM_OK);
    ck_assert(f->value == 0.3503 && f->kind == FACTOR_USER);
    ck_assert_str_eq(f->id, "user:grid-factor");
    ck_assert_int_eq(factors_resolve_arg(db, "cn-mee-hebei-2022", "--grid-factor", &f, &dl), CBAM_OK);
    ck_assert(f->value == 0.7252);
    ck_assert_int_eq(factors_resolve_arg(db, "350.3", "--grid-factor", &f, &dl), CBAM_ERR_USAGE);
    ck_assert_int_eq(factors_resolve_arg(db, "nope", "--grid-factor", &f, &dl), CBAM_ERR_USAGE);
    ck_assert_int_eq(factors_resolve_arg(db, "nan", "--grid-factor", &f, &dl), CBAM_ERR_USAGE);
    diag_list_free(&dl);
    factors_free(db);
}
END_TEST

/* A copy of the shipped factors folder given to --factors: the tables
 * beside the factors (intensity ranges, CN names) are not read as factors. */
START_TEST(factors_dir_leaves_out_shipped_non_factor_tables)
{
    char dir[] = "/tmp/cbam-fdir-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *names[] = {"cn-names.csv", "intensity-ranges.csv", "mine.csv"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        ck_assert_ptr_nonnull(f);
        fputs("cn_code,cn_name\n", f);
        fclose(f);
    }
    diag_list dl;
    diag_list_init(&dl);
    char **paths;
    size_t n;
    ck_assert_int_eq(factors_list_dir(dir, &paths, &n, &dl), CBAM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(strstr(paths[0], "mine.csv"));
    ck_assert_uint_eq(dl.notes, 2);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    diag_list_free(&dl);
}
END_TEST

/* Fields per record of a shipped table: each row as many as its header. */
struct widths {
    size_t header, bad_line, rows;
};

static int count_fields(void *vw, const csvin_row *row)
{
    struct widths *w = vw;
    if (w->rows++ == 0)
        w->header = row->nfields;
    else if (row->nfields != w->header && w->bad_line == 0)
        w->bad_line = (size_t)row->line;
    return 0;
}

START_TEST(shipped_notes_in_chinese)
{
    static const char *const tables[] = {"factors/cbam-defaults.csv", "factors/cn-mee-grid.csv",
                                         "factors/cn-other.csv", "factors/parks.csv"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        const struct embedded_file *ef = embedded_find(tables[i]);
        ck_assert_ptr_nonnull(ef);
        static const char hdr[] = "id,kind,country,region,year,value,unit,source,url,status,note,note_zh\n";
        ck_assert_msg(ef->size > sizeof hdr && memcmp(ef->data, hdr, sizeof hdr - 1) == 0, "%s: header", tables[i]);
        struct widths w = {0};
        diag_list dl;
        diag_list_init(&dl);
        ck_assert_int_eq(csvin_read_mem(tables[i], ef->data, ef->size, NULL, count_fields, &w, &dl, NULL), CBAM_OK);
        diag_list_free(&dl);
        ck_assert_uint_eq(w.header, 12);
        ck_assert_msg(w.bad_line == 0, "%s:%zu: not 12 fields", tables[i], w.bad_line);
    }
    factors_db *db = builtin();
    for (size_t i = 0; i < factors_count(db); i++) {
        const factor *f = factors_at(db, i);
        ck_assert_msg(f->note_zh != NULL && f->note_zh[0] != '\0', "%s: no note_zh", f->id);
        ck_assert(utf8_valid(f->note_zh, strlen(f->note_zh), NULL));
        ck_assert_str_eq(factor_note(f, true), f->note_zh);
        ck_assert_str_eq(factor_note(f, false), f->note);
        /* A secondary factor says so in Chinese too. */
        if (strcmp(f->status, "secondary") == 0)
            ck_assert_msg(strstr(f->note_zh, "二手") != NULL, "%s", f->id);
    }
    factors_free(db);
}
END_TEST

/* A user's factor file loads with or without the note_zh column; without
 * it, the Chinese reader sees the English note. */
START_TEST(user_files_with_and_without_note_zh)
{
    factors_db *db = factors_new();
    diag_list dl;
    diag_list_init(&dl);
    static const char without[] = "id,kind,country,region,year,value,unit,source,url,status,note\n"
                                  "a,supplier,CN,,2025,0.3,kgCO2/kWh,s,,user,my note\n";
    static const char with[] = "id,kind,country,region,year,value,unit,source,note_zh,status\n"
                               "b,supplier,CN,,2025,0.3,kgCO2/kWh,s,我的说明,secondary\n";
    ck_assert_int_eq(factors_load_mem(db, "a.csv", without, sizeof without - 1, 1, &dl), CBAM_OK);
    ck_assert_int_eq(factors_load_mem(db, "b.csv", with, sizeof with - 1, 1, &dl), CBAM_OK);
    ck_assert_uint_eq(dl.count, 0);
    const factor *a = factors_find(db, "a"), *b = factors_find(db, "b");
    ck_assert_str_eq(a->note_zh, "");
    ck_assert_str_eq(factor_note(a, true), "my note");
    ck_assert_str_eq(factor_note(a, false), "my note");
    /* A user's file never claims a shipped status, in either language. */
    ck_assert_str_eq(b->status, "user");
    ck_assert_str_eq(b->note, "(the file says status secondary)");
    ck_assert_str_eq(factor_note(b, true), "我的说明（文件标注的状态为 secondary）");
    const factor *cl = NULL;
    ck_assert_int_eq(factors_resolve_arg(db, "0.5", "--grid-factor", &cl, &dl), CBAM_OK);
    ck_assert_ptr_nonnull(strstr(factor_note(cl, true), "用户"));
    diag_list_free(&dl);
    factors_free(db);
}
END_TEST

Suite *suite_factors(void)
{
    Suite *s = suite_create("factors");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, shipped_values_match_the_reference);
    tcase_add_test(tc, shipped_notes_in_chinese);
    tcase_add_test(tc, user_files_with_and_without_note_zh);
    tcase_add_test(tc, lookup_falls_back_to_the_latest_earlier_year);
    tcase_add_test(tc, bad_factor_files);
    tcase_add_test(tc, user_file_replaces_shipped_id_and_converts_units);
    tcase_add_test(tc, user_file_never_claims_confirmed);
    tcase_add_test(tc, command_line_values);
    tcase_add_test(tc, factors_dir_leaves_out_shipped_non_factor_tables);
    suite_add_tcase(s, tc);
    return s;
}
