/* xalloc.h - allocation that never returns NULL.
 *
 * cbamcalc is a command-line tool: when memory runs out there is nothing
 * sensible to continue with, so these print "out of memory" and exit 71
 * (like tmux's xmalloc). That keeps every other error path about data.
 *
 * Ownership: the caller frees what these return, with free().
 */
#ifndef CBAM_XALLOC_H
#define CBAM_XALLOC_H

#include <stddef.h>
#include <stdlib.h> /* free() goes with these */

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Array growth with overflow check: returns p resized to n * size bytes. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
/* Copies len bytes of s and appends a NUL. */
char *xstrndup(const char *s, size_t len);
/* Prints "out of memory" and exits 71: for libraries that return NULL (jansson). */
void xalloc_die(void) __attribute__((noreturn));
/* A function xalloc_die calls before exiting (it must not allocate): the
 * output module removes its temporary files, so running out of memory never
 * leaves half-written files behind. */
void xalloc_set_die_hook(void (*hook)(void));

#endif
