/* outfile.h - writing an output file so that it is either complete or absent.
 *
 * Output goes to a temporary file in the target's directory, which is
 * renamed over the target only once everything was written and flushed.
 * A failure (or a data error found late) leaves any earlier report intact
 * and no temporary file behind.
 *
 * Ownership: an outfile owns its paths and stream until commit or abort.
 */
#ifndef CBAM_OUTFILE_H
#define CBAM_OUTFILE_H

#include "cbam_error.h"
#include "diag.h"

#include <stdio.h>

typedef struct outfile {
    char *path;     /* the final name */
    char *tmp_path; /* where the content is written */
    FILE *fp;       /* open on tmp_path (NULL for writers that open it by name) */
    int is_stdout;
} outfile;

/* Creates the temporary file next to path ("-" means standard output).
 * CBAM_ERR_CANTCREAT (reported) when the directory is not writable. */
enum cbam_err outfile_open(outfile *of, const char *path, diag_list *dl);

/* Flushes, syncs and renames onto the final name. */
enum cbam_err outfile_commit(outfile *of, diag_list *dl);

/* Removes the temporary file; the final name is left as it was. */
void outfile_abort(outfile *of);

/* Makes SIGINT and SIGTERM remove the temporary files of the outfiles still
 * open, then end the process (for batch jobs: no partial files behind). */
void outfile_cleanup_on_signals(void);

/* A file name made from an id (an enterprise id from the data): letters,
 * digits, '.', '_' and '-' kept, anything else '_', never starting with '.',
 * at most 100 bytes; so it cannot leave the directory it is put in. */
void outfile_safe_name(const char *id, char *buf, size_t size);

#endif
