/* strmap.h - a hash map from byte strings to pointers.
 *
 * Used for enterprise, product, series and factor look-ups on the ingest hot
 * path. Ownership: the map copies each key; values stay the caller's (the map
 * never frees them).
 */
#ifndef CBAM_STRMAP_H
#define CBAM_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap strmap;

strmap *strmap_new(void);
void strmap_free(strmap *m);

/* The value stored under key, or NULL. */
void *strmap_get(const strmap *m, const char *key, size_t len);

/* Stores value under key, replacing any earlier value, which is returned (or NULL). */
void *strmap_put(strmap *m, const char *key, size_t len, void *value);

size_t strmap_count(const strmap *m);

/* The map's hash of len bytes at s, continuing from h (0 to start; a
 * previous result to hash several parts as one key). For caches that pick
 * a slot by it and check what they find there. */
uint64_t strmap_hash(uint64_t h, const char *s, size_t len);

#endif
