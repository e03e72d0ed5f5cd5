/* numfmt.c - numbers for messages and the summary (see numfmt.h). */
#include "config.h"
#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

char *numfmt_fixed(char *buf, size_t size, double v, int decimals)
{
    char raw[400];
    if (size == 0)
        return buf;
    if (!isfinite(v) || size < 2) {
        snprintf(buf, size, "-");
        return buf;
    }
    if (v == 0)
        v = 0; /* no "-0" */
    int n = snprintf(raw, sizeof raw, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= sizeof raw) {
        snprintf(buf, size, "%.6g", v);
        return buf;
    }
    const char *digits = raw + (raw[0] == '-');
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (raw[0] == '-' && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < int_len && o + 1 < size; i++) {
        if (i > 0 && (int_len - i) % 3 == 0 && o + 2 < size)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    for (const char *p = dot; p && *p && o + 1 < size; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}

char *numfmt_human(char *buf, size_t size, double v)
{
    int decimals = 3;
    double a = fabs(v);
    if (a > 0 && a < 1) /* 4 significant digits: 0.0001234 keeps its 1234 */
        decimals = 3 - (int)floor(log10(a));
    if (decimals > 12)
        decimals = 12;
    numfmt_fixed(buf, size, v, decimals);
    char *dot = strchr(buf, '.');
    if (dot != NULL) {
        char *end = dot + strlen(dot);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
    return buf;
}
