/* xlsxpatch.c - copying a zip entry by entry, raw except for the parts edited
 * (see xlsxpatch.h). minizip is Debian's libminizip, the zip code zlib ships. */
#include "config.h"
#include "xlsxpatch.h"
#include "utf8.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unzip.h>
#include <zip.h>
#include <zlib.h>

#define NAME_MAX_LEN 1024
#define EXTRA_MAX    65535
#define COPY_BUF     (1u << 16)

bool xlsxpatch_read(const char *path, const char *name, char **data, size_t *len, bool *missing, char *why,
                    size_t why_size)
{
    *data = NULL;
    *len = 0;
    if (missing != NULL)
        *missing = false;
    unzFile uf = unzOpen64(path);
    if (uf == NULL)
        return utf8_fail(why, why_size, "not a zip file (an .xlsx is one)");
    bool ok = false;
    unz_file_info64 info;
    if (unzLocateFile(uf, name, 1) != UNZ_OK) {
        if (missing != NULL)
            *missing = true;
        utf8_fail(why, why_size, "has no part %s", name);
        goto out;
    }
    if (unzGetCurrentFileInfo64(uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK) {
        utf8_fail(why, why_size, "part %s cannot be read", name);
        goto out;
    }
    if (info.uncompressed_size > XLSXPATCH_PART_MAX) {
        utf8_fail(why, why_size, "part %s is larger than %u MB", name, XLSXPATCH_PART_MAX >> 20);
        goto out;
    }
    if (unzOpenCurrentFile(uf) != UNZ_OK) {
        utf8_fail(why, why_size, "part %s cannot be opened (encrypted or an unknown compression)", name);
        goto out;
    }
    size_t want = (size_t)info.uncompressed_size;
    char *buf = xmalloc(want + 1);
    size_t got = 0;
    for (;;) {
        /* One byte more than stated: a part longer than its header says is damaged. */
        char extra;
        void *dst = got < want ? buf + got : &extra;
        unsigned room = got < want ? (unsigned)(want - got > (1u << 20) ? (1u << 20) : want - got) : 1;
        int n = unzReadCurrentFile(uf, dst, room);
        if (n < 0) {
            free(buf);
            unzCloseCurrentFile(uf);
            utf8_fail(why, why_size, "part %s is damaged (it does not inflate)", name);
            goto out;
        }
        if (n == 0)
            break;
        if (got >= want) {
            free(buf);
            unzCloseCurrentFile(uf);
            utf8_fail(why, why_size, "part %s is longer than its header says", name);
            goto out;
        }
        got += (size_t)n;
    }
    if (unzCloseCurrentFile(uf) != UNZ_OK || got != want) {
        free(buf);
        utf8_fail(why, why_size, "part %s is damaged (CRC or length)", name);
        goto out;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    ok = true;
out:
    unzClose(uf);
    return ok;
}

static void copy_date(zip_fileinfo *zi, const unz_file_info64 *info)
{
    memset(zi, 0, sizeof *zi);
    zi->tmz_date.tm_sec = info->tmu_date.tm_sec;
    zi->tmz_date.tm_min = info->tmu_date.tm_min;
    zi->tmz_date.tm_hour = info->tmu_date.tm_hour;
    zi->tmz_date.tm_mday = info->tmu_date.tm_mday;
    zi->tmz_date.tm_mon = info->tmu_date.tm_mon;
    zi->tmz_date.tm_year = info->tmu_date.tm_year;
    zi->dosDate = 0; /* minizip then encodes tmz_date, the same date */
    zi->internal_fa = info->internal_fa;
    zi->external_fa = info->external_fa;
}

/* Copies the current entry of uf into zf without inflating it. */
static bool copy_raw(unzFile uf, zipFile zf, const char *name, const unz_file_info64 *info,
                     const char *gextra, char *buf, size_t bufsize, char *why, size_t why_size)
{
    int method = 0, level = 0;
    if (info->size_file_extra > EXTRA_MAX)
        return utf8_fail(why, why_size, "part %s has an oversized extra field", name);
    if (unzOpenCurrentFile2(uf, &method, &level, 1) != UNZ_OK)
        return utf8_fail(why, why_size, "part %s cannot be opened", name);
    char lextra[1024];
    int nl = unzGetLocalExtrafield(uf, lextra, sizeof lextra);
    if (nl < 0 || (size_t)nl >= sizeof lextra) {
        unzCloseCurrentFile(uf);
        return utf8_fail(why, why_size, "part %s has an unexpected local extra field", name);
    }
    zip_fileinfo zi;
    copy_date(&zi, info);
    if (zipOpenNewFileInZip2(zf, name, &zi, nl ? lextra : NULL, (uInt)nl,
                             info->size_file_extra ? gextra : NULL, (uInt)info->size_file_extra, NULL, method,
                             level, 1) != ZIP_OK) {
        unzCloseCurrentFile(uf);
        return utf8_fail(why, why_size, "writing part %s failed", name);
    }
    ZPOS64_T total = 0;
    int n;
    while ((n = unzReadCurrentFile(uf, buf, (unsigned)bufsize)) > 0) {
        total += (ZPOS64_T)n;
        if (zipWriteInFileInZip(zf, buf, (unsigned)n) != ZIP_OK) {
            unzCloseCurrentFile(uf);
            return utf8_fail(why, why_size, "writing part %s failed", name);
        }
    }
    unzCloseCurrentFile(uf);
    if (n < 0 || total != info->compressed_size)
        return utf8_fail(why, why_size, "part %s is damaged (cut short)", name);
    if (zipCloseFileInZipRaw64(zf, info->uncompressed_size, info->crc) != ZIP_OK)
        return utf8_fail(why, why_size, "writing part %s failed", name);
    return true;
}

/* Edited parts are deflated at zlib's fastest level: a park's 500 templates
 * spent a third of their time deflating at the default level, for files
 * 4 % smaller. */
static bool write_new(zipFile zf, const char *name, const unz_file_info64 *info, const xlsxpatch_part *p,
                      char *why, size_t why_size)
{
    zip_fileinfo zi;
    copy_date(&zi, info);
    if (zipOpenNewFileInZip2(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, Z_BEST_SPEED, 0) != ZIP_OK)
        return utf8_fail(why, why_size, "writing part %s failed", name);
    for (size_t off = 0; off < p->len;) {
        unsigned n = p->len - off > (1u << 20) ? (1u << 20) : (unsigned)(p->len - off);
        if (zipWriteInFileInZip(zf, p->data + off, n) != ZIP_OK)
            return utf8_fail(why, why_size, "writing part %s failed", name);
        off += n;
    }
    if (zipCloseFileInZip(zf) != ZIP_OK)
        return utf8_fail(why, why_size, "writing part %s failed", name);
    return true;
}

bool xlsxpatch_write(const char *src, const char *out, const xlsxpatch_part *repl, size_t nrepl, char *why,
                     size_t why_size)
{
    unzFile uf = unzOpen64(src);
    if (uf == NULL)
        return utf8_fail(why, why_size, "%s is not a zip file", src);
    zipFile zf = zipOpen64(out, APPEND_STATUS_CREATE);
    if (zf == NULL) {
        unzClose(uf);
        return utf8_fail(why, why_size, "cannot create %s", out);
    }
    bool *used = xcalloc(nrepl ? nrepl : 1, sizeof *used);
    char *gextra = xmalloc(EXTRA_MAX + 1);
    char *buf = xmalloc(COPY_BUF);
    bool ok = true;
    int r = unzGoToFirstFile(uf);
    if (r != UNZ_OK)
        ok = utf8_fail(why, why_size, "%s holds no parts", src);
    while (ok && r == UNZ_OK) {
        char name[NAME_MAX_LEN];
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(uf, &info, name, sizeof name, gextra, EXTRA_MAX, NULL, 0) != UNZ_OK ||
            info.size_filename >= sizeof name) {
            ok = utf8_fail(why, why_size, "%s has a damaged directory entry", src);
            break;
        }
        const xlsxpatch_part *p = NULL;
        for (size_t i = 0; i < nrepl; i++)
            if (strcmp(repl[i].name, name) == 0) {
                p = &repl[i];
                used[i] = true;
            }
        ok = p ? write_new(zf, name, &info, p, why, why_size)
               : copy_raw(uf, zf, name, &info, gextra, buf, COPY_BUF, why, why_size);
        if (ok)
            r = unzGoToNextFile(uf);
    }
    if (ok && r != UNZ_END_OF_LIST_OF_FILE)
        ok = utf8_fail(why, why_size, "%s has a damaged directory", src);
    for (size_t i = 0; ok && i < nrepl; i++)
        if (!used[i])
            ok = utf8_fail(why, why_size, "%s has no part %s", src, repl[i].name);
    if (zipClose(zf, NULL) != ZIP_OK && ok)
        ok = utf8_fail(why, why_size, "writing %s failed", out);
    unzClose(uf);
    free(used);
    free(gextra);
    free(buf);
    return ok;
}

/* A part name as the Open Packaging Conventions allow it: relative, with
 * '/' between segments, none of them empty, "." or "..". */
static bool part_name_ok(const char *n)
{
    if (n[0] == '\0' || n[0] == '/' || strchr(n, '\\') != NULL)
        return false;
    for (const char *p = n; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    for (const char *seg = n; seg != NULL;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        seg = end ? end + 1 : NULL;
    }
    return true;
}

bool xlsxpatch_check_names(const char *path, char *why, size_t why_size)
{
    unzFile uf = unzOpen64(path);
    if (uf == NULL)
        return utf8_fail(why, why_size, "not a zip file (an .xlsx is one)");
    bool ok = true;
    int r = unzGoToFirstFile(uf);
    while (ok && r == UNZ_OK) {
        char name[NAME_MAX_LEN];
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(uf, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK ||
            info.size_filename >= sizeof name)
            ok = utf8_fail(why, why_size, "a part name is longer than %d bytes", NAME_MAX_LEN - 1);
        else if (!part_name_ok(name))
            ok = utf8_fail(why, why_size, "part \"%.200s\" is not a name a workbook's part has (a path that leaves "
                                          "the package, or a control character)",
                           name);
        else
            r = unzGoToNextFile(uf);
    }
    if (ok && r != UNZ_END_OF_LIST_OF_FILE)
        ok = utf8_fail(why, why_size, "its directory is damaged");
    unzClose(uf);
    return ok;
}
