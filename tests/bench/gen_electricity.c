/* gen_electricity.c - writes N rows of meter data in the canonical
 * electricity format, shaped like a park platform's export. Deterministic.
 *   gen_electricity N [sorted] enterprises of ten meters each, one row per
 *                              meter and hour of 2025, meter after meter
 *   gen_electricity N interleaved  the same rows, hour after hour: every
 *                              meter's row for a timestamp together, as park
 *                              platforms export
 *   gen_electricity N quarter  15-minute rows of 2025 for enterprises with a
 *                              load meter, a direct line and a grid meter,
 *                              the three interleaved per timestamp (for hourly
 *                              matching: README "Speed") */
#include "config.h"
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int quarter(long n)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const long per_ent = 3L * 35040;
    unsigned long long x = 88172645463325252ULL;
    puts("enterprise_id,period,meter_id,source,kwh");
    for (long i = 0; i < n; i++) {
        long ent = i / per_ent, k = i % per_ent, q = k / 3, role = k % 3;
        int day_of_year = (int)(q / 96), month = 0, minute = (int)(q % 96) * 15;
        while (day_of_year >= mdays[month])
            day_of_year -= mdays[month++];
        if (role == 0) { /* one draw per timestamp: the three meters agree */
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        /* Load around 250 kWh a quarter; a solar direct line from 06:00 to
         * 18:00 peaking at noon (more than the load then); grid the rest. */
        double load = 200 + (double)((x >> 20) % 100000) / 1000.0;
        int h = minute / 60;
        double sun = h >= 6 && h < 18 ? 400.0 * (1.0 - (h - 12) * (h - 12) / 36.0) : 0.0;
        double grid = load > sun ? load - sun : 0.0;
        static const char *const src[3] = {"load", "green_direct", "grid"};
        double v = role == 0 ? load : role == 1 ? sun : grid;
        printf("PQ%04ld,2025-%02d-%02d %02d:%02d,M%04ld-%ld,%s,%.3f\n", ent, month + 1, day_of_year + 1,
               minute / 60, minute % 60, ent, role, src[role], v);
    }
    return 0;
}

/* The kWh of one meter-hour, from its index alone, so both orders hold the
 * same rows (splitmix64). */
static unsigned long long mix(unsigned long long z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void meter_hour(long meter, long hour)
{
    static const char *const src[10] = {"grid", "grid", "grid", "grid", "grid", "grid",
                                        "green_direct", "onsite", "green_trade", "grid"};
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day_of_year = (int)(hour / 24), month = 0;
    while (day_of_year >= mdays[month])
        day_of_year -= mdays[month++];
    unsigned long long x = mix((unsigned long long)(meter * 8760 + hour));
    printf("PK%04ld,2025-%02d-%02d %02ld:00,%019llu,%s,%llu.%03llu\n", meter / 10, month + 1, day_of_year + 1,
           hour % 24, 4230000100000000000ULL + (unsigned long long)meter, src[meter % 10], (x >> 20) % 2000,
           x % 1000);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 5000000;
    if (argc > 2 && strcmp(argv[2], "quarter") == 0)
        return quarter(n);
    bool interleaved = argc > 2 && strcmp(argv[2], "interleaved") == 0;
    long meters = (n + 8759) / 8760;
    puts("enterprise_id,period,meter_id,source,kwh");
    if (!interleaved) {
        for (long i = 0; i < n; i++)
            meter_hour(i / 8760, i % 8760);
        return 0;
    }
    for (long hour = 0; hour < 8760; hour++)
        for (long meter = 0; meter < meters; meter++)
            if (meter * 8760 + hour < n)
                meter_hour(meter, hour);
    return 0;
}
