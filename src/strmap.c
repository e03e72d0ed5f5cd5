/* strmap.c - open-addressing hash map with linear probing (see strmap.h). */
#include "config.h"
#include "strmap.h"
#include "xalloc.h"

#include <stdint.h>
#include <string.h>

struct slot {
    char *key; /* NULL for an empty slot */
    size_t len;
    uint64_t hash;
    void *value;
};

struct strmap {
    struct slot *slots;
    size_t cap; /* a power of two */
    size_t count;
};

/* Eight bytes a step (a byte-at-a-time hash was a fifth of the time of
 * reading an interleaved park export), then a final mix so that the low
 * bits, which pick the slot, depend on every byte. */
uint64_t strmap_hash(uint64_t h, const char *s, size_t len)
{
    uint64_t w = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    if (i < len) {
        if (len >= 8) {
            memcpy(&w, s + len - 8, 8); /* the last eight, overlapping */
        } else {
            for (size_t k = 0; k < len; k++) /* not memcpy: a call for a variable length */
                w |= (uint64_t)(unsigned char)s[k] << (8 * k);
        }
        h = (h ^ w ^ len) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ h >> 33;
}

strmap *strmap_new(void)
{
    strmap *m = xcalloc(1, sizeof *m);
    m->cap = 16;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    return m;
}

void strmap_free(strmap *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

size_t strmap_count(const strmap *m)
{
    return m->count;
}

static struct slot *find(const strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct slot *sl = &m->slots[i];
        if (sl->key == NULL)
            return sl;
        if (sl->hash == h && sl->len == len && memcmp(sl->key, key, len) == 0)
            return sl;
    }
}

static void grow(strmap *m)
{
    struct slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key == NULL)
            continue;
        *find(m, old[i].key, old[i].len, old[i].hash) = old[i];
    }
    free(old);
}

void *strmap_get(const strmap *m, const char *key, size_t len)
{
    struct slot *sl = find(m, key, len, strmap_hash(0, key, len));
    return sl->key ? sl->value : NULL;
}

void *strmap_put(strmap *m, const char *key, size_t len, void *value)
{
    if ((m->count + 1) * 10 > m->cap * 7)
        grow(m);
    uint64_t h = strmap_hash(0, key, len);
    struct slot *sl = find(m, key, len, h);
    if (sl->key != NULL) {
        void *prev = sl->value;
        sl->value = value;
        return prev;
    }
    sl->key = xstrndup(key, len);
    sl->len = len;
    sl->hash = h;
    sl->value = value;
    m->count++;
    return NULL;
}
