/* bare_xlsx.c - the floor for `report --split` (make bench): a bare
 * libxlsxwriter program writing N workbooks of the same shape as cbamcalc's
 * (seven sheets of about the same cells, strings, formulas and formats,
 * three charts on the first sheet, document properties), from constant
 * data, with no cbamcalc logic: no inputs, no temporary names, no renames,
 * no sync, no read-back. With JSON_BYTES > 0 each workbook also gets a
 * constant JSON file of that size beside it (as `--split` writes one).
 * The workbooks are shared by PROCS processes, as with `report -j PROCS`;
 * the parts are staged in CBAMCALC_TMPDIR, else /dev/shm;
 * BARE_CONSTANT_MEMORY=1 turns on libxlsxwriter's constant_memory mode.
 *
 * Usage: bare_xlsx OUT_DIR N PROCS [JSON_BYTES] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Cells of one sheet, as in a workbook of the park bench (12 months, 20
 * meters, 3 products): rows x cols, of which strings and formulas. */
struct shape {
    const char *name;
    int rows, cols, strings, formulas;
    double width;
};

static const struct shape shapes[] = {
    {"Summary", 28, 4, 62, 32, 18},     {"Electricity", 14, 17, 32, 109, 12},
    {"Products", 42, 21, 103, 387, 12}, {"CBAM_Communication", 7, 15, 71, 18, 14},
    {"Factors", 4, 10, 34, 0, 16},      {"Data_Quality", 38, 10, 341, 0, 30},
    {"Method", 17, 1, 16, 0, 110},
};

static int failed;

static void ck(lxw_error e)
{
    if (e != LXW_NO_ERROR)
        failed = 1;
}

/* About 231 different strings of about 58 bytes, as the workbook's. */
static void text(char *buf, size_t size, int i)
{
    snprintf(buf, size, "Label %d of the report: a constant text of usual length %d", i % 231, i % 7);
}

static void fill(lxw_worksheet *ws, const struct shape *s, lxw_format **fmt)
{
    char buf[128], f[64];
    int cell = 0;
    ck(worksheet_set_column(ws, 0, (lxw_col_t)(s->cols - 1), s->width, NULL));
    for (int r = 0; r < s->rows; r++) {
        for (int c = 0; c < s->cols; c++, cell++) {
            lxw_format *x = fmt[cell % 15];
            if (cell < s->strings) {
                text(buf, sizeof buf, cell);
                ck(worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, buf, x));
            } else if (cell < s->strings + s->formulas) {
                snprintf(f, sizeof f, "=B%d*0.5812+C%d/1000", r + 1, r + 1);
                ck(worksheet_write_formula_num(ws, (lxw_row_t)r, (lxw_col_t)c, f, x, 12345.678 + cell));
            } else {
                ck(worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, 20000.5 + cell * 37.25, x));
            }
        }
    }
    worksheet_freeze_panes(ws, 1, 1);
    ck(worksheet_autofilter(ws, 0, 0, (lxw_row_t)(s->rows - 1), (lxw_col_t)(s->cols - 1)));
}

static void charts(lxw_workbook *wb, lxw_worksheet *summary)
{
    static const char *const cols = "BCDEFG";
    lxw_chart *bar = workbook_add_chart(wb, LXW_CHART_COLUMN_STACKED);
    for (int s = 0; s < 6; s++) {
        char vals[64], name[64];
        snprintf(vals, sizeof vals, "=Electricity!$%c$2:$%c$13", cols[s], cols[s]);
        snprintf(name, sizeof name, "=Electricity!$%c$1", cols[s]);
        lxw_chart_series *ser = chart_add_series(bar, "=Electricity!$A$2:$A$13", vals);
        chart_series_set_name(ser, name);
    }
    chart_title_set_name(bar, "Monthly electricity by source (kWh)");
    lxw_chart *line = workbook_add_chart(wb, LXW_CHART_LINE);
    chart_add_series(line, "=Electricity!$A$2:$A$13", "=Electricity!$H$2:$H$13");
    chart_title_set_name(line, "Emissions by month (tCO2)");
    lxw_chart *pie = workbook_add_chart(wb, LXW_CHART_PIE);
    chart_add_series(pie, "=Electricity!$B$1:$E$1", "=Electricity!$B$14:$E$14");
    chart_title_set_name(pie, "Supply mix");
    ck(worksheet_insert_chart(summary, 2, 6, bar));
    ck(worksheet_insert_chart(summary, 20, 6, line));
    ck(worksheet_insert_chart(summary, 38, 6, pie));
}

static int one(const char *dir, int i, const char *tmpdir, const char *json, size_t json_len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ENT%04d.xlsx", dir, i);
    /* BARE_CONSTANT_MEMORY=1: what libxlsxwriter's constant_memory mode
     * (rows flushed as written, strings inline) would change. */
    const char *cm = getenv("BARE_CONSTANT_MEMORY");
    lxw_workbook_options wo = {.constant_memory = cm != NULL && strcmp(cm, "1") == 0 ? LXW_TRUE : LXW_FALSE,
                               .tmpdir = (char *)tmpdir};
    lxw_workbook *wb = workbook_new_opt(path, &wo);
    if (wb == NULL)
        return 1;
    lxw_format *fmt[15];
    static const char *const nf[] = {"#,##0", "#,##0.000", "0.0%", "0.000000", "@"};
    for (int k = 0; k < 15; k++) {
        fmt[k] = workbook_add_format(wb);
        format_set_num_format(fmt[k], nf[k % 5]);
        if (k % 3 == 0)
            format_set_bold(fmt[k]);
        if (k % 4 == 1)
            format_set_text_wrap(fmt[k]);
        if (k % 5 == 2)
            format_set_bg_color(fmt[k], 0xDDEBF7);
    }
    lxw_doc_properties props = {.title = "Electricity emissions report",
                                .author = "bare_xlsx",
                                .company = "Park enterprise",
                                .created = 1735689600};
    ck(workbook_set_properties(wb, &props));
    lxw_worksheet *ws[7];
    for (int s = 0; s < 7; s++)
        ws[s] = workbook_add_worksheet(wb, shapes[s].name);
    for (int s = 0; s < 7; s++)
        fill(ws[s], &shapes[s], fmt);
    charts(wb, ws[0]);
    worksheet_activate(ws[0]);
    if (workbook_close(wb) != LXW_NO_ERROR || failed)
        return 1;
    if (json_len > 0) {
        snprintf(path, sizeof path, "%s/ENT%04d.json", dir, i);
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(json, 1, json_len, f) != json_len || fclose(f) != 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: bare_xlsx OUT_DIR N PROCS [JSON_BYTES]\n");
        return 64;
    }
    const char *dir = argv[1];
    int n = atoi(argv[2]), procs = atoi(argv[3]);
    size_t json_len = argc == 5 ? (size_t)atol(argv[4]) : 0;
    if (n < 1 || procs < 1) {
        fprintf(stderr, "bare_xlsx: N and PROCS are at least 1\n");
        return 64;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        perror(dir);
        return 73;
    }
    const char *tmpdir = getenv("CBAMCALC_TMPDIR");
    if (tmpdir == NULL || *tmpdir == '\0')
        tmpdir = "/dev/shm";
    char *json = malloc(json_len + 1);
    if (json == NULL)
        return 70;
    for (size_t k = 0; k < json_len; k++)
        json[k] = k % 64 == 63 ? '\n' : ' ';
    for (int p = 0; p < procs; p++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 71;
        }
        if (pid == 0) {
            for (int i = p; i < n; i += procs)
                if (one(dir, i, tmpdir, json, json_len) != 0) {
                    fprintf(stderr, "bare_xlsx: workbook %d failed\n", i);
                    _exit(1);
                }
            _exit(0);
        }
    }
    int bad = 0, status;
    while (wait(&status) > 0)
        bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    free(json);
    return bad ? 1 : 0;
}
