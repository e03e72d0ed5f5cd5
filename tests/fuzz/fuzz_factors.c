/* fuzz_factors.c - libFuzzer harness for the factor-file loader (a user's
 * --factors file): factors_load_mem() on the input, into an empty database or,
 * when the input's length is odd, over the shipped tables (ids replaced). Every
 * factor loaded must then be found by its id and by a lookup of its kind,
 * country, region and year, and have a finite value; the first line of the
 * input is also given to factors_resolve_arg() as a --grid-factor argument. */
#include "config.h"
#include "fuzz_common.h"

#include <math.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool over_shipped = size % 2 == 1;
    factors_db *db = factors_new();
    diag_list dl;
    diag_list_init(&dl);
    if (over_shipped && factors_load_builtin(db, &dl) != CBAM_OK)
        fuzz_fail("the shipped factor tables do not load");
    factors_load_mem(db, "f.csv", data, size, over_shipped, &dl);
    for (size_t i = 0; i < factors_count(db); i++) {
        const factor *f = factors_at(db, i);
        if (f == NULL || f->id == NULL || factors_find(db, f->id) == NULL)
            fuzz_fail("a loaded factor is not found by its id");
        if (!isfinite(f->value))
            fuzz_fail("a loaded factor's value is not finite");
        if (f->kind != FACTOR_USER && factors_lookup(db, f->kind, f->country, f->region, f->year) == NULL)
            fuzz_fail("a loaded factor is not found by its kind, country, region and year");
        (void)factors_kind_name(f->kind);
    }
    char arg[64];
    size_t n = 0;
    while (n < size && n + 1 < sizeof arg && data[n] != '\n' && data[n] != '\0')
        n++;
    memcpy(arg, data, n);
    arg[n] = '\0';
    const factor *out = NULL;
    if (factors_resolve_arg(db, arg, "--grid-factor", &out, &dl) == CBAM_OK &&
        (out == NULL || !isfinite(out->value)))
        fuzz_fail("factors_resolve_arg accepted an argument without a finite factor");
    factors_free(db);
    diag_list_free(&dl);
    return 0;
}
