/* msgzh.h - the Chinese message catalogue: for each diagnostic's English
 * printf format, the Chinese format a report written with --lang zh shows.
 *
 * A Chinese format has the same conversion specifications, in the same
 * order, as its English one (tests/unit/test_msgzh.c holds every pair to
 * it), so both read the same arguments. The one difference allowed is
 * "%.0s" for "%s": it reads the argument and prints nothing, for arguments
 * that are English grammar only (a plural "s", "was"/"were").
 *
 * The table is constant and sorted by the English format (strcmp order,
 * which the tests check), so a lookup is a binary search with no state:
 * safe on any thread. Ownership: every string is static.
 */
#ifndef CBAM_MSGZH_H
#define CBAM_MSGZH_H

#include <stddef.h>

typedef struct msgzh_pair {
    const char *en, *zh;
} msgzh_pair;

/* The Chinese format for the English format en; NULL when there is none. */
const char *msgzh_lookup(const char *en);

/* The catalogue, for its tests: *n pairs, sorted by en. */
const msgzh_pair *msgzh_table(size_t *n);

#endif
