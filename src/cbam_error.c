/* cbam_error.c - message and exit-code tables for enum cbam_err. */
#include "config.h"
#include "cbam_error.h"

#include <stddef.h>

/* Kept in step with the enum by tests/unit/test_error.c. */
static const struct {
    const char *message;
    int exit_code;
} err_table[CBAM_ERR__COUNT] = {
    [CBAM_OK] = {"success", 0},
    [CBAM_ERR_USAGE] = {"usage error", 64},
    [CBAM_ERR_DATA] = {"data error", 65},
    [CBAM_ERR_NOINPUT] = {"input missing or unreadable", 66},
    [CBAM_ERR_CANTCREAT] = {"output cannot be written", 73},
    [CBAM_ERR_IO] = {"input/output error", 74},
    [CBAM_ERR_NOMEM] = {"out of memory", 71},
    [CBAM_ERR_INTERNAL] = {"internal error", 70},
};

const char *cbam_err_str(enum cbam_err err)
{
    if ((int)err < 0 || err >= CBAM_ERR__COUNT || err_table[err].message == NULL)
        return "unknown error";
    return err_table[err].message;
}

int cbam_err_exit_code(enum cbam_err err)
{
    if ((int)err < 0 || err >= CBAM_ERR__COUNT || err_table[err].message == NULL)
        return 70;
    return err_table[err].exit_code;
}
