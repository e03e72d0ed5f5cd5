/* hash.c - SHA-256 helpers over nettle (see hash.h). */
#include "config.h"
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <unistd.h>

void hash_hex(const uint8_t digest[32], char out[HASH_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

void hash_bytes(const void *data, size_t len, char out[HASH_HEX_SIZE])
{
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof d, d);
    hash_hex(d, out);
}

bool hash_file(const char *path, char out[HASH_HEX_SIZE])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct sha256_ctx c;
    sha256_init(&c);
    static __thread uint8_t buf[1 << 16];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return false;
        }
        sha256_update(&c, (size_t)n, buf);
    }
    close(fd);
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(&c, sizeof d, d);
    hash_hex(d, out);
    return true;
}
