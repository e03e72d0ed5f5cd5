"""Helpers for the Python end-to-end tests: run cbamcalc, count checks."""
import os
import subprocess
import sys
import tempfile

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


def run_json(command, args, cwd, env=None):
    """cbamcalc COMMAND ARGS --json out.json in cwd; returns (process, the JSON
    or None when the run failed or wrote none)."""
    import json
    out = os.path.join(cwd, "out.json")
    if os.path.exists(out):
        os.remove(out)
    p = run([command] + args + ["--json", "out.json"], cwd, env)
    j = None
    if p.returncode == 0 and os.path.exists(out):
        with open(out) as f:
            j = json.load(f)
    return p, j


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


class Case:
    """The checks of one case (a function of the test); failures are kept
    and reported under the case's name by run_cases()."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failures.append(what)

    def close(self, a, b, what, rel=1e-9):
        good = isinstance(a, (int, float)) and not isinstance(a, bool) and \
            abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
        self.ok(good, "%s: got %r, expected %r" % (what, a, b))

    def zero(self, a, what):
        self.ok(isinstance(a, (int, float)) and not isinstance(a, bool) and a == 0, "%s: got %r, expected 0" % (what, a))

    def exit(self, p, code, what):
        self.ok(p.returncode == code, "%s: exit %d, expected %d; stderr: %s" % (what, p.returncode, code,
                                                                               p.stderr.strip()[-600:]))


def run_cases(cases, expected_to_fail):
    """Runs each case fn(case, tmpdir) in a directory of its own and exits
    with the count. A case in expected_to_fail (name: reason) that fails is
    printed as XFAIL and does not fail the test; one that passes is XPASS,
    a failure (take it out of the list)."""
    total = Checks()
    for fn in cases:
        c = Case(fn.__name__)
        with tempfile.TemporaryDirectory() as d:
            try:
                fn(c, d)
            except Exception as ex:  # a crash of the test (a missing key, no JSON) fails the case
                c.failures.append("exception: %r" % ex)
        if fn.__name__ in expected_to_fail:
            if c.failures:
                print("XFAIL %s (%s): %d check(s) fail as known:" % (fn.__name__, expected_to_fail[fn.__name__],
                                                                      len(c.failures)))
                for f in c.failures:
                    print("    ", f)
                total.ok(True, fn.__name__)
            else:
                total.ok(False, "XPASS %s: it passes now; remove it from EXPECTED_TO_FAIL" % fn.__name__)
            continue
        for f in c.failures:
            total.ok(False, "%s: %s" % (fn.__name__, f))
        total.passed += c.passed
    total.finish()
