/* hash.h - SHA-256 (nettle) as the reports print it: lower-case hex. */
#ifndef CBAM_HASH_H
#define CBAM_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_HEX_SIZE 65 /* 64 hex digits and a NUL */

/* Writes the 32-byte digest as hex into out. */
void hash_hex(const uint8_t digest[32], char out[HASH_HEX_SIZE]);

/* The SHA-256 of a whole file; false (errno set) when it cannot be read. */
bool hash_file(const char *path, char out[HASH_HEX_SIZE]);

/* The SHA-256 of a byte string. */
void hash_bytes(const void *data, size_t len, char out[HASH_HEX_SIZE]);

#endif
