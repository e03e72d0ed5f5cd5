/* scenario.c - baseline and scenario of one enterprise (scenario.h). */
#include "config.h"
#include "scenario.h"

#include <string.h>

enum cbam_err scenario_run(ledger *l, ledger_enterprise *e, const factors_db *db, const alloc_opts *ao,
                           const cbamcost_db *db_cost, const scenario_opts *o, scenario_result *out,
                           diag_list *dl)
{
    (void)l, (void)e, (void)db, (void)ao, (void)db_cost, (void)o, (void)dl;
    memset(out, 0, sizeof *out);
    return CBAM_ERR_INTERNAL;
}

void scenario_result_free(scenario_result *r)
{
    memset(r, 0, sizeof *r);
}

const char *scenario_profile_name(enum scenario_profile p)
{
    static const char *const names[] = {"auto", "source", "consumption", "solar", "flat"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

bool scenario_profile_parse(const char *s, enum scenario_profile *out)
{
    for (int p = SCENARIO_PROFILE_SOURCE; p <= SCENARIO_PROFILE_FLAT; p++)
        if (strcmp(s, scenario_profile_name((enum scenario_profile)p)) == 0) {
            *out = (enum scenario_profile)p;
            return true;
        }
    return false;
}
