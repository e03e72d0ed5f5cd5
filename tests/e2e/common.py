"""Helpers for the Python end-to-end tests: run cbamcalc, count checks."""
import os
import subprocess
import sys

CBAMCALC = os.environ.get("CBAMCALC")
if not CBAMCALC:
    sys.exit("CBAMCALC is not set (run through make check)")
with open(CBAMCALC, "rb") as _f:
    # An AddressSanitizer build: its allocator keeps freed memory in
    # quarantine, so peak memory says nothing about cbamcalc's.
    ASAN = b"__asan_init" in _f.read()


def run(args, cwd, env=None):
    """Runs cbamcalc (under valgrind when the build asks for it)."""
    vg = os.environ.get("CBAM_VALGRIND")
    cmd = ([vg, "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect"] if vg else []) + [CBAMCALC] + args
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=full_env)
    if p.returncode == 99:
        raise AssertionError("valgrind found errors:\n" + p.stderr)
    return p


class Checks:
    """Counts checks and failures; prints one line per failure."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)

    def close(self, a, b, what, rel=1e-15):
        good = isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
        self.ok(good, "%s: %r != %r" % (what, a, b))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def command(args):
    """The command line run() uses, for tests that start cbamcalc themselves (in a namespace)."""
    vg = os.environ.get("CBAM_VALGRIND")
    return ([vg, "--quiet", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite,indirect"] if vg else []) + [CBAMCALC] + args
