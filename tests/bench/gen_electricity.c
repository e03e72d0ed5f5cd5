/* gen_electricity.c - writes N rows of hourly meter data in the canonical
 * electricity format, shaped like a park platform's export: enterprises of
 * ten meters each, one row per meter and hour of 2025. Deterministic. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;
    static const char *const src[10] = {"grid", "grid", "grid", "grid", "grid", "grid",
                                        "green_direct", "onsite", "green_trade", "grid"};
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned long long x = 88172645463325252ULL;
    puts("enterprise_id,period,meter_id,source,kwh");
    for (long i = 0; i < n; i++) {
        long meter = i / 8760, hour = i % 8760;
        int day_of_year = (int)(hour / 24), month = 0;
        while (day_of_year >= mdays[month])
            day_of_year -= mdays[month++];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        printf("PK%04ld,2025-%02d-%02d %02ld:00,%019llu,%s,%llu.%03llu\n", meter / 10, month + 1,
               day_of_year + 1, hour % 24, 4230000100000000000ULL + (unsigned long long)meter,
               src[meter % 10], (x >> 20) % 2000, x % 1000);
    }
    return 0;
}
