/* cbamcost.c - CBAM certificates and their cost per good (cbamcost.h).
 * STUB: the lead's skeleton; the implementation lands from branch cost14. */
#include "config.h"
#include "cbamcost.h"
#include "allocate.h"

#include <stdlib.h>
#include <string.h>

struct cbamcost_db {
    int unused;
};

cbamcost_db *cbamcost_db_new(void) { return calloc(1, sizeof(cbamcost_db)); }
void cbamcost_db_free(cbamcost_db *db) { free(db); }
enum cbam_err cbamcost_load_builtin(cbamcost_db *db, diag_list *dl) { (void)db; (void)dl; return CBAM_OK; }
enum cbam_err cbamcost_load_benchmarks(cbamcost_db *db, const char *path, char column_choice, diag_list *dl,
                                       csvin_stats *stats)
{
    (void)db, (void)path, (void)column_choice, (void)dl, (void)stats;
    return CBAM_ERR_INTERNAL;
}
enum cbam_err cbamcost_load_direct(cbamcost_db *db, const char *path, diag_list *dl, csvin_stats *stats)
{
    (void)db, (void)path, (void)dl, (void)stats;
    return CBAM_ERR_INTERNAL;
}
const cbamcost_phase *cbamcost_phase_of(const cbamcost_db *db, int year) { (void)db, (void)year; return NULL; }
size_t cbamcost_phase_count(const cbamcost_db *db) { (void)db; return 0; }
const cbamcost_phase *cbamcost_phase_at(const cbamcost_db *db, size_t i) { (void)db, (void)i; return NULL; }
const cbamcost_benchmark *cbamcost_benchmark_for(const cbamcost_db *db, const char *cn8) { (void)db, (void)cn8; return NULL; }
const cbamcost_direct *cbamcost_direct_for(const cbamcost_db *db, const char *enterprise, const char *product)
{
    (void)db, (void)enterprise, (void)product;
    return NULL;
}
bool cbamcost_has_benchmarks(const cbamcost_db *db) { (void)db; return false; }
bool cbamcost_has_direct(const cbamcost_db *db) { (void)db; return false; }
enum cbam_err cbamcost_compute(const cbamcost_db *db, const cbamcost_opts *o, const struct alloc_enterprise *ae,
                               cbamcost_ent *out, diag_list *dl)
{
    (void)db, (void)dl;
    memset(out, 0, sizeof *out);
    out->opts = *o;
    out->nproducts = ae->nproducts;
    out->products = calloc(ae->nproducts ? ae->nproducts : 1, sizeof *out->products);
    return out->products ? CBAM_OK : CBAM_ERR_INTERNAL;
}
void cbamcost_ent_free(cbamcost_ent *c)
{
    free(c->products);
    memset(c, 0, sizeof *c);
}
const char *cbamcost_status_name(enum cbamcost_status s)
{
    static const char *const names[] = {"not_cbam_good", "complete", "upper_bound", "indirect_only", "no_production"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
