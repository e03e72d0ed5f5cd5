/* bare_csv.c - the baseline for `make bench`: one libcsv pass over a file with
 * the options and chunk size cbamcalc uses, doing nothing with the fields. */
#include "config.h"
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static size_t fields, rows;
static void on_field(void *s, size_t len, void *data) { (void)s; (void)len; (void)data; fields++; }
static void on_row(int c, void *data) { (void)c; (void)data; rows++; }

int main(int argc, char **argv)
{
    if (argc != 2)
        return 64;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        return 66;
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL);
    static char buf[256 * 1024];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (csv_parse(&p, buf, (size_t)n, on_field, on_row, NULL) != (size_t)n)
            return 65;
    csv_fini(&p, on_field, on_row, NULL);
    csv_free(&p);
    close(fd);
    printf("%zu rows, %zu fields\n", rows, fields);
    return 0;
}
