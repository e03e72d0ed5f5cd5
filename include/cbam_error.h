/* cbam_error.h - the one error enum of cbamcalc, its messages and its exit codes.
 *
 * Every function that can fail returns an enum cbam_err. Details (file, line,
 * what was expected) travel separately as diagnostics (diag.h); the enum says
 * only which class of failure it was, and so which exit code the user sees.
 */
#ifndef CBAM_ERROR_H
#define CBAM_ERROR_H

enum cbam_err {
    CBAM_OK = 0,
    CBAM_ERR_USAGE,     /* bad command line */
    CBAM_ERR_DATA,      /* input read, but its content is wrong */
    CBAM_ERR_NOINPUT,   /* input missing or unreadable */
    CBAM_ERR_CANTCREAT, /* output cannot be written */
    CBAM_ERR_IO,        /* read or write failed half-way */
    CBAM_ERR_NOMEM,     /* out of memory */
    CBAM_ERR_INTERNAL,  /* a bug: an invariant did not hold */
    CBAM_ERR__COUNT
};

/* A short English description; never NULL, also for out-of-range values. */
const char *cbam_err_str(enum cbam_err err);

/* The process exit code for err (sysexits.h values: 0, 64, 65, 66, 73, 74, 71, 70). */
int cbam_err_exit_code(enum cbam_err err);

#endif
