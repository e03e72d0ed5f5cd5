/* xalloc.c - allocation wrappers that exit 71 on exhaustion (see xalloc.h). */
#include "config.h"
#include "xalloc.h"
#include "cbam_error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*die_hook)(void);

void xalloc_set_die_hook(void (*hook)(void))
{
    die_hook = hook;
}

void xalloc_die(void)
{
    if (die_hook != NULL)
        die_hook();
    fputs("cbamcalc: out of memory\n", stderr);
    exit(cbam_err_exit_code(CBAM_ERR_NOMEM));
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        xalloc_die();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        xalloc_die();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (q == NULL)
        xalloc_die();
    return q;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        xalloc_die();
    return xrealloc(p, n * size);
}

char *xstrndup(const char *s, size_t len)
{
    char *d = xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}
