/* cmd_scenario.c - `cbamcalc scenario`: its options beyond report's, and its outputs. */
#include "config.h"
#include "cli.h"
#include "scenario.h"
