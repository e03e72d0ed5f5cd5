/* embedded.h - data files compiled into the program: the shipped factor
 * tables (factors/ (CSV)) and the bundled example (examples/yuncheng/),
 * so that the binary works, and agrees with itself, wherever it is run.
 * The table is generated at build time by build-aux/embed.sh. */
#ifndef CBAM_EMBEDDED_H
#define CBAM_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* path relative to the source tree, e.g. "factors/parks.csv" */
    const unsigned char *data;
    size_t size;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_files_count;

/* The file of that name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
