/* main.c - the cbamcalc program: everything else is in libcbam (src/cli.c). */
#include "config.h"
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
