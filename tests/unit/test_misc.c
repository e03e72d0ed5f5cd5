/* test_misc.c - the small modules: strmap, utf8, region, diag, outfile, number display. */
#include "config.h"
#include "cbamgoods.h"
#include "csvin.h"
#include "diag.h"
#include "embedded.h"
#include "intensity.h"
#include "labels.h"
#include "ledger.h"
#include "outfile.h"
#include "region.h"
#include "report_text.h"
#include "strmap.h"
#include "tests.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

START_TEST(strmap_many_keys)
{
    strmap *m = strmap_new();
    char key[32];
    for (uintptr_t i = 1; i <= 5000; i++) {
        int n = snprintf(key, sizeof key, "k%lu", (unsigned long)i);
        ck_assert_ptr_null(strmap_put(m, key, (size_t)n, (void *)i));
    }
    ck_assert_uint_eq(strmap_count(m), 5000);
    for (uintptr_t i = 1; i <= 5000; i++) {
        int n = snprintf(key, sizeof key, "k%lu", (unsigned long)i);
        ck_assert((uintptr_t)strmap_get(m, key, (size_t)n) == i);
    }
    ck_assert_ptr_null(strmap_get(m, "k0", 2));
    ck_assert((uintptr_t)strmap_put(m, "k7", 2, (void *)1) == 7);
    /* Keys are bytes: embedded separators and prefixes are distinct. */
    strmap_put(m, "a\x1f" "b", 3, (void *)11);
    ck_assert_ptr_null(strmap_get(m, "a", 1));
    strmap_free(m);
}
END_TEST

START_TEST(utf8_rules)
{
    size_t bad;
    ck_assert(utf8_valid("plain", 5, NULL));
    ck_assert(utf8_valid("山西省 €", strlen("山西省 €"), NULL));
    ck_assert(!utf8_valid("caf\xE9", 4, &bad));
    ck_assert_uint_eq(bad, 3);
    ck_assert(!utf8_valid("\xC0\xAF", 2, NULL));         /* overlong */
    ck_assert(!utf8_valid("\xED\xA0\x80", 3, NULL));     /* surrogate */
    ck_assert(!utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* above U+10FFFF */
    ck_assert(!utf8_valid("\xE5\xB1", 2, NULL));         /* cut short */
    ck_assert(utf8_valid("\xF0\x9F\x98\x80", 4, NULL));  /* emoji */
}
END_TEST

/* utf8_cut: the longest prefix within max bytes that ends between characters. */
START_TEST(utf8_cut_on_boundaries)
{
    ck_assert_uint_eq(utf8_cut("abcdef", 6, 0), 0);
    ck_assert_uint_eq(utf8_cut("abcdef", 6, 3), 3);
    ck_assert_uint_eq(utf8_cut("abcdef", 6, 6), 6);
    ck_assert_uint_eq(utf8_cut("abcdef", 6, 100), 6);
    ck_assert_uint_eq(utf8_cut("", 0, 5), 0);
    /* "a" + a 2-, 3- and 4-byte character + "z": boundaries at 0 1 3 6 10 11. */
    static const char s[] = "a\xC3\xA9\xE5\xB1\xB1\xF0\x9F\x98\x80z";
    static const size_t want[] = {0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11, 11};
    for (size_t max = 0; max < sizeof want / sizeof want[0]; max++)
        ck_assert_msg(utf8_cut(s, 11, max) == want[max], "max %zu: %zu", max, utf8_cut(s, 11, max));
    /* A character that would not fit is left out whole, even at the start. */
    ck_assert_uint_eq(utf8_cut("\xE5\xB1\xB1", 3, 2), 0);
    ck_assert_uint_eq(utf8_cut("\xF0\x9F\x98\x80", 4, 3), 0);
    /* Invalid bytes are units of their own: a cut beside them splits nothing. */
    ck_assert_uint_eq(utf8_cut("ab\x80\x80\x80\x80\x80", 7, 5), 5);
    ck_assert_uint_eq(utf8_cut("\xE5\xB1x", 3, 1), 1); /* a sequence cut short in the input */
}
END_TEST

/* An ESC sequence in a message or a file name must not reach a terminal. */
START_TEST(diag_print_escapes_controls)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *mem = open_memstream(&out, &outlen);
    ck_assert_ptr_nonnull(mem);
    diag d = {DIAG_ERROR, (char *)"evil\x1b]0;x\x07.csv", 3, 2, NULL,
              (char *)"bad value \x1b[2J\x9b\xc2\x9b tab\there \xe2\x80\xae \xE5\xB1\xB1", NULL};
    diag_print(mem, &d);
    fclose(mem);
    ck_assert_str_eq(out, "evil\\x1b]0;x\\x07.csv:3:2: error: bad value \\x1b[2J\\x9b\\u{009b} tab\\x09here "
                          "\\u{202e} \xE5\xB1\xB1\n");
    for (size_t i = 0; i + 1 < outlen; i++)
        ck_assert_msg((unsigned char)out[i] >= 0x20 && out[i] != 0x7f, "raw control at %zu", i);
    free(out);

    /* The echo of diag_add goes the same way. */
    out = NULL;
    mem = open_memstream(&out, &outlen);
    diag_list dl;
    diag_list_init(&dl);
    dl.echo = mem;
    diag_add(&dl, DIAG_WARNING, "x\x1b[2J.csv", 0, 0, "%s", "\x1b[2J");
    fclose(mem);
    ck_assert_str_eq(out, "x\\x1b[2J.csv: warning: \\x1b[2J\n");
    free(out);
    diag_list_free(&dl);
}
END_TEST

START_TEST(provinces)
{
    ck_assert_str_eq(region_province("Shanxi", 6), "Shanxi");
    ck_assert_str_eq(region_province("山西", strlen("山西")), "Shanxi");
    ck_assert_str_eq(region_province("山西省", strlen("山西省")), "Shanxi");
    ck_assert_str_eq(region_province("陕西省", strlen("陕西省")), "Shaanxi");
    ck_assert_str_eq(region_province("SHAANXI", 7), "Shaanxi");
    ck_assert_str_eq(region_province("内蒙古自治区", strlen("内蒙古自治区")), "Inner Mongolia");
    ck_assert_str_eq(region_province("新疆维吾尔自治区", strlen("新疆维吾尔自治区")), "Xinjiang");
    ck_assert_str_eq(region_province("广西壮族自治区", strlen("广西壮族自治区")), "Guangxi");
    ck_assert_str_eq(region_province("上海市", strlen("上海市")), "Shanghai");
    ck_assert_str_eq(region_province(" Shanxi Province ", 17), "Shanxi");
    ck_assert_ptr_null(region_province("Tibet", 5));
    ck_assert_ptr_null(region_province("省", strlen("省")));
    ck_assert_ptr_null(region_province("", 0));
}
END_TEST

START_TEST(diag_quoting_keeps_utf8)
{
    char buf[200];
    ck_assert_str_eq(diag_quote(buf, sizeof buf, "a\tb", 3), "a\\x09b");
    ck_assert_str_eq(diag_quote(buf, sizeof buf, "caf\xE9", 4), "caf\\xe9");
    diag_quote(buf, sizeof buf, "山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西",
               strlen("山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西山西"));
    ck_assert(utf8_valid(buf, strlen(buf), NULL));
    ck_assert_ptr_nonnull(strstr(buf, "..."));
    diag_list dl;
    diag_list_init(&dl);
    char big[3000];
    memset(big, 0, sizeof big);
    for (size_t i = 0; i + 3 < sizeof big; i += 3)
        memcpy(big + i, "山", 3);
    diag_add(&dl, DIAG_WARNING, "f.csv", 3, 2, "%s", big);
    ck_assert(utf8_valid(dl.items[0].message, strlen(dl.items[0].message), NULL));
    ck_assert_uint_lt(strlen(dl.items[0].message), DIAG_MESSAGE_MAX);
    ck_assert_str_eq(dl.items[0].message + strlen(dl.items[0].message) - 3, "...");
    diag_list_free(&dl);
    /* A buffer too small for the value: whole characters, then "...". */
    static const char shanxi[] = "山西山西";
    for (size_t size = 1; size <= sizeof shanxi + 1; size++) {
        char small[sizeof shanxi + 1];
        diag_quote(small, size, shanxi, strlen(shanxi));
        size_t n = strlen(small);
        ck_assert_uint_lt(n, size);
        ck_assert_msg(utf8_valid(small, n, NULL), "size %zu: %s", size, small);
        ck_assert_ptr_null(strstr(small, "\\x"));
        if (size > sizeof shanxi - 1)
            ck_assert_str_eq(small, shanxi);
        else if (size >= 4)
            ck_assert_msg(n >= 3 && strcmp(small + n - 3, "...") == 0, "size %zu: %s", size, small);
    }
}
END_TEST

START_TEST(number_display)
{
    char b[64];
    ck_assert_str_eq(report_text_number(b, sizeof b, 1234567.891, 2), "1,234,567.89");
    ck_assert_str_eq(report_text_number(b, sizeof b, -1234.5, 1), "-1,234.5");
    ck_assert_str_eq(report_text_number(b, sizeof b, 999, 0), "999");
    ck_assert_str_eq(report_text_number(b, sizeof b, 1000, 0), "1,000");
    ck_assert_str_eq(report_text_number(b, sizeof b, 0.0, 3), "0.000");
    ck_assert_str_eq(report_text_number(b, sizeof b, 1.0 / 0.0, 3), "-");
}
END_TEST

START_TEST(outfile_is_atomic)
{
    char dir[] = "/tmp/cbam-outfile-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/report.json", dir);
    diag_list dl;
    diag_list_init(&dl);
    outfile of;
    ck_assert_int_eq(outfile_open(&of, path, &dl), CBAM_OK);
    fputs("good", of.fp);
    ck_assert_int_eq(outfile_commit(&of, &dl), CBAM_OK);
    /* A second run that fails half-way leaves the good file and no temporary. */
    ck_assert_int_eq(outfile_open(&of, path, &dl), CBAM_OK);
    fputs("half", of.fp);
    outfile_abort(&of);
    FILE *f = fopen(path, "r");
    char buf[16] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "good");
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    ck_assert_int_eq(system(cmd), 0);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(outfile_open(&of, "/nonexistent-dir/x.json", &dl), CBAM_ERR_CANTCREAT);
    ck_assert_int_eq(outfile_open(&of, "/tmp/", &dl), CBAM_ERR_CANTCREAT);
    diag_list_free(&dl);
}
END_TEST

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void file_is(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, text);
}

static int entries(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "exit $(ls -A %s | wc -l)", dir);
    int st = system(cmd);
    return st >= 0 ? WEXITSTATUS(st) : -1;
}

/* Three outputs of one run; the third's rename fails (its target became a
 * directory after it was checked): the first gets its old bytes back, the
 * second (new) is removed again, no temporary or backup stays. */
START_TEST(outfile_commit_all_or_none)
{
    char dir[] = "/tmp/cbam-outfile-XXXXXX", a[256], b[256], c[256], inside[300];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.xlsx", dir);
    snprintf(c, sizeof c, "%s/c.json", dir);
    put_file(a, "old-a");
    diag_list dl;
    diag_list_init(&dl);
    outfile ofs[3];
    const char *paths[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(outfile_open(&ofs[i], paths[i], &dl), CBAM_OK);
        fputs("new", ofs[i].fp);
    }
    ck_assert_int_eq(outfile_close(&ofs[1], &dl), CBAM_OK); /* closed early, as --split does */
    ck_assert_int_eq(mkdir(c, 0755), 0);
    snprintf(inside, sizeof inside, "%s/x", c);
    put_file(inside, "x");
    ck_assert_int_eq(outfile_commit_all(ofs, 3, &dl), CBAM_ERR_CANTCREAT);
    file_is(a, "old-a");
    ck_assert_int_ne(access(b, F_OK), 0);
    ck_assert_int_eq(entries(dir), 2); /* a.json and the directory c.json */
    ck_assert_ptr_null(ofs[0].path);

    /* Once the way is clear, all are replaced and no backup stays. */
    unlink(inside);
    rmdir(c);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(outfile_open(&ofs[i], paths[i], &dl), CBAM_OK);
        fputs("new", ofs[i].fp);
    }
    ck_assert_int_eq(outfile_commit_all(ofs, 3, &dl), CBAM_OK);
    for (int i = 0; i < 3; i++) {
        file_is(paths[i], "new");
        unlink(paths[i]);
    }
    ck_assert_int_eq(entries(dir), 0);
    rmdir(dir);
    diag_list_free(&dl);
}
END_TEST

START_TEST(outfile_targets_and_inputs)
{
    char dir[] = "/tmp/cbam-outfile-XXXXXX", f[256], g[256], fifo[256], link[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(f, sizeof f, "%s/f.json", dir);
    snprintf(g, sizeof g, "%s/./f.json", dir);
    snprintf(fifo, sizeof fifo, "%s/p", dir);
    snprintf(link, sizeof link, "%s/l.json", dir);
    diag_list dl;
    diag_list_init(&dl);
    /* Same target: by name before the file exists, by inode after, through links. */
    ck_assert(outfile_same_target(f, g));
    ck_assert(!outfile_same_target(f, fifo));
    ck_assert(outfile_same_target("-", "-"));
    ck_assert(!outfile_same_target("-", f));
    put_file(f, "x");
    ck_assert_int_eq(symlink("f.json", link), 0);
    ck_assert(outfile_same_target(link, g));
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    outfile of;
    ck_assert_int_eq(outfile_open(&of, fifo, &dl), CBAM_ERR_CANTCREAT);
    ck_assert_int_eq(outfile_open(&of, dir, &dl), CBAM_ERR_CANTCREAT);
    ck_assert_int_eq(outfile_open(&of, "a\nb.json", &dl), CBAM_ERR_USAGE);
    ck_assert_int_eq(outfile_check_name("tab\there", NULL), CBAM_ERR_USAGE);
    ck_assert_int_eq(outfile_check_name("运城 report.json", NULL), CBAM_OK);
    /* Inputs: a FIFO or a directory is refused before anything waits on it. */
    ck_assert_int_eq(outfile_check_input(fifo, &dl), CBAM_ERR_NOINPUT);
    ck_assert_int_eq(outfile_check_input(dir, &dl), CBAM_ERR_NOINPUT);
    ck_assert_int_eq(outfile_check_input(f, &dl), CBAM_OK);
    ck_assert_int_eq(outfile_check_input("-", &dl), CBAM_OK);
    ck_assert_int_eq(outfile_check_input("/dev/fd/0", &dl), CBAM_OK);
    ck_assert_int_eq(outfile_check_input("/nonexistent/x.csv", &dl), CBAM_OK);
    unlink(link);
    unlink(f);
    unlink(fifo);
    rmdir(dir);
    diag_list_free(&dl);
}
END_TEST

START_TEST(every_label_in_both_languages)
{
    for (int l = 0; l < L__COUNT; l++) {
        ck_assert_str_ne(label((enum label)l, false), "?");
        ck_assert_str_ne(label((enum label)l, true), "?");
        ck_assert(utf8_valid(label((enum label)l, true), strlen(label((enum label)l, true)), NULL));
    }
    ck_assert_str_eq(label(L__COUNT, false), "?");
}
END_TEST

START_TEST(cbam_goods)
{
    /* Annex I of Reg. 2023/956; tests/e2e/cn_template.py checks all codes of the template. */
    ck_assert_str_eq(cbamgoods_lookup("73181588").category, "Iron or steel products");
    ck_assert(!cbamgoods_lookup("73181588").indirect_in_liability);
    ck_assert_str_eq(cbamgoods_lookup("72071114").category, "Crude steel");
    ck_assert_str_eq(cbamgoods_lookup("25232900").category, "Cement");
    ck_assert(cbamgoods_lookup("25232900").indirect_in_liability);
    ck_assert_str_eq(cbamgoods_lookup("31021010").category, "Urea");
    ck_assert_str_eq(cbamgoods_lookup("31022100").category, "Mixed fertilisers");
    ck_assert_str_eq(cbamgoods_lookup("76061100").category, "Aluminium products");
    ck_assert_str_eq(cbamgoods_lookup("76011010").category, "Unwrought aluminium");
    ck_assert_ptr_null(cbamgoods_lookup("76020000").category); /* aluminium scrap */
    ck_assert_ptr_null(cbamgoods_lookup("72041000").category); /* steel scrap */
    ck_assert_ptr_null(cbamgoods_lookup("87083010").category); /* brake parts */
    ck_assert_ptr_null(cbamgoods_lookup("7318").category);
    ck_assert_ptr_null(cbamgoods_lookup(NULL).category);
    /* The template's spelling, trailing space and all (Parameters_Constants!A91). */
    ck_assert_str_eq(cbamgoods_lookup("25070080").category, "Calcined clays ");
    ck_assert_str_eq(cbamgoods_lookup("26011200").category, "Sintered Ore");
    ck_assert_str_eq(cbamgoods_lookup("72024910").category, "Alloys (FeMn, FeCr, FeNi)");
    ck_assert_str_eq(cbamgoods_lookup("27160000").category, "Electricity (export to EU)");
    char b[16];
    ck_assert_str_eq(cbamgoods_format_cn("73181588", b, sizeof b), "7318 15 88");
    ck_assert_str_eq(cbamgoods_cn_name("25231000"), "Cement clinkers");
    ck_assert_str_eq(cbamgoods_cn_name("27160000"), "Electrical energy");
    ck_assert_ptr_nonnull(strstr(cbamgoods_cn_name("73181588"), "screws and bolts"));
    ck_assert_ptr_null(cbamgoods_cn_name("87083010")); /* not a CBAM good */
    ck_assert_ptr_null(cbamgoods_cn_name("7318"));
    ck_assert_ptr_null(cbamgoods_cn_name("7318 15 88"));
    ck_assert_ptr_null(cbamgoods_cn_name(""));
    ck_assert_ptr_null(cbamgoods_cn_name(NULL));
}
END_TEST

/* Whether each category's indirect emissions are in the CBAM liability from
 * 2026: Reg. 2023/956 Annex II (see cbamgoods.c). Every category, in the
 * template's order (Parameters_Constants!A89:A106), with a code of it. */
START_TEST(cbam_liability_flags)
{
    static const struct {
        const char *category, *cn8;
        bool indirect;
    } want[] = {
        {"Cement", "25232900", true},
        {"Cement clinker", "25231000", true},
        {"Calcined clays ", "25070080", true},
        {"Aluminous cement", "25233000", true},
        {"Iron or steel products", "73181588", false},
        {"Crude steel", "72071114", false},
        {"Direct reduced iron", "72031000", false},
        {"Pig iron", "72011011", false},
        {"Alloys (FeMn, FeCr, FeNi)", "72021120", false},
        {"Sintered Ore", "26011200", true},
        {"Hydrogen", "28041000", false},
        {"Ammonia", "28141000", true}, /* not in Annex II, whatever the template's helper column says */
        {"Nitric acid", "28080000", true},
        {"Urea", "31021010", true},
        {"Mixed fertilisers", "31023010", true},
        {"Aluminium products", "76061130", false},
        {"Unwrought aluminium", "76011010", false},
        {"Electricity (export to EU)", "27160000", false},
    };
    size_t n = sizeof want / sizeof want[0];
    for (size_t i = 0; i < n; i++) {
        bool indirect = !want[i].indirect;
        ck_assert_str_eq(cbamgoods_category_at(i, &indirect), want[i].category);
        ck_assert_msg(indirect == want[i].indirect, "flag of %s", want[i].category);
        cbamgoods_info g = cbamgoods_lookup(want[i].cn8);
        ck_assert_str_eq(g.category, want[i].category);
        ck_assert_msg(g.indirect_in_liability == want[i].indirect, "flag of %s via %s", want[i].category,
                      want[i].cn8);
        /* Every category of goods has its plausible intensity, under the same spelling. */
        if (strcmp(want[i].category, "Electricity (export to EU)") != 0)
            ck_assert_msg(intensity_find(want[i].category) != NULL, "intensity range of \"%s\"", want[i].category);
    }
    ck_assert_ptr_null(cbamgoods_category_at(n, NULL));
}
END_TEST

struct cn_rows {
    size_t n;
    bool header;
};

static int check_cn_row(void *ctx, const csvin_row *row)
{
    struct cn_rows *c = ctx;
    ck_assert_uint_eq(row->nfields, 4);
    if (c->header) {
        c->header = false;
        ck_assert_str_eq(row->field[0], "cn_code");
        ck_assert_str_eq(row->field[1], "cn_name");
        ck_assert_str_eq(row->field[2], "category");
        ck_assert_str_eq(row->field[3], "source");
        return 0;
    }
    c->n++;
    const char *code = row->field[0];
    ck_assert_msg(row->len[0] == 8 && strspn(code, "0123456789") == 8, "line %ld: code %s", row->line, code);
    cbamgoods_info g = cbamgoods_lookup(code);
    ck_assert_msg(g.category != NULL && strcmp(g.category, row->field[2]) == 0,
                  "line %ld: %s is \"%s\" in cn-names.csv, \"%s\" in cbamgoods.c", row->line, code, row->field[2],
                  g.category ? g.category : "(none)");
    ck_assert_str_eq(cbamgoods_cn_name(code), row->field[1]);
    ck_assert_ptr_nonnull(strstr(row->field[3], "Council Regulation (EEC) No 2658/87"));
    return 0;
}

/* factors/cn-names.csv (the template's CBAM codes with their CN names) and
 * the prefix table of cbamgoods.c agree on every code. */
START_TEST(cn_names_in_step)
{
    const struct embedded_file *f = embedded_find("factors/cn-names.csv");
    ck_assert_ptr_nonnull(f);
    struct cn_rows c = {0, true};
    diag_list dl;
    diag_list_init(&dl);
    ck_assert_int_eq(csvin_read_mem("factors/cn-names.csv", f->data, f->size, NULL, check_cn_row, &c, &dl, NULL),
                     CBAM_OK);
    ck_assert_uint_eq(dl.count, 0);
    diag_list_free(&dl);
    ck_assert_uint_eq(c.n, 569); /* the template v2.1.1 lists 569 codes */
}
END_TEST

static void add_hashed(ledger *l, const char *path, const char *role, const char *hex)
{
    int i = ledger_add_input(l, path, role);
    memcpy(l->inputs[i].sha256, hex, 65);
}

/* The inputs' hash is one per set of files: the order on the command line
 * does not change it, another file or role does. */
START_TEST(inputs_digest_is_a_set)
{
    static const char *const hex[] = {
        "1111111111111111111111111111111111111111111111111111111111111111",
        "2222222222222222222222222222222222222222222222222222222222222222",
    };
    char a[65], b[65], c[65], d[65];
    ledger *l1 = ledger_new(), *l2 = ledger_new(), *l3 = ledger_new();
    add_hashed(l1, "x.csv", "electricity", hex[0]);
    add_hashed(l1, "y.csv", "production", hex[1]);
    add_hashed(l2, "b.csv", "production", hex[1]);
    add_hashed(l2, "a.csv", "electricity", hex[0]);
    add_hashed(l3, "x.csv", "electricity", hex[0]);
    add_hashed(l3, "y.csv", "electricity", hex[1]);
    ledger_inputs_digest(l1, a);
    ledger_inputs_digest(l2, b);
    ledger_inputs_digest(l3, c);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_uint_eq(strlen(a), 64);
    /* A setting (a factor given on the command line, a map) makes another
     * hash of the same files; two settings in either order make one. */
    char s1[65], s2[65];
    ledger_add_setting(l1, "grid-factor=cn-mee-avg-2022 value=0.5366");
    ledger_inputs_digest(l1, s1);
    ck_assert_str_ne(s1, a);
    ledger_add_setting(l1, "map=kwh as=电量");
    ledger_add_setting(l2, "map=kwh as=电量");
    ledger_add_setting(l2, "grid-factor=cn-mee-avg-2022 value=0.5366");
    ledger_inputs_digest(l1, s1);
    ledger_inputs_digest(l2, s2);
    ck_assert_str_eq(s1, s2);
    ledger *l0 = ledger_new();
    ledger_inputs_digest(l0, d);
    /* no inputs: the SHA-256 of nothing */
    ck_assert_str_eq(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ledger_free(l0);
    ledger_free(l1);
    ledger_free(l2);
    ledger_free(l3);
}
END_TEST

Suite *suite_misc(void)
{
    Suite *s = suite_create("misc");
    TCase *tc = tcase_create("all");
    tcase_add_test(tc, strmap_many_keys);
    tcase_add_test(tc, utf8_rules);
    tcase_add_test(tc, utf8_cut_on_boundaries);
    tcase_add_test(tc, diag_print_escapes_controls);
    tcase_add_test(tc, provinces);
    tcase_add_test(tc, diag_quoting_keeps_utf8);
    tcase_add_test(tc, number_display);
    tcase_add_test(tc, outfile_is_atomic);
    tcase_add_test(tc, outfile_commit_all_or_none);
    tcase_add_test(tc, outfile_targets_and_inputs);
    tcase_add_test(tc, every_label_in_both_languages);
    tcase_add_test(tc, cbam_goods);
    tcase_add_test(tc, cbam_liability_flags);
    tcase_add_test(tc, cn_names_in_step);
    tcase_add_test(tc, inputs_digest_is_a_set);
    suite_add_tcase(s, tc);
    return s;
}
