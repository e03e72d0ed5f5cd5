/* solar.c - monthly PV profiles by province (solar.h).
 * STUB: the lead's skeleton; the table lands from branch cost14. */
#include "config.h"
#include "solar.h"

bool solar_profile(const char *province, double share[12], const char **source, bool *is_national)
{
    (void)province;
    for (int m = 0; m < 12; m++)
        share[m] = 1.0 / 12;
    *source = "STUB";
    *is_national = true;
    return true;
}
