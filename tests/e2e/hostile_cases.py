"""Shared by the hourly-matching review tests (hourly_hostile*.py): small
input builders, the report runner, and the case runner that keeps a list
of known failures honest (a listed case that passes is an error)."""
import json
import os
import tempfile

from common import Checks, run

HEAD = "enterprise_id,period,meter_id,source,kwh\n"


class Cases:
    """A list of cases: decorate each with @cases.case, then cases.run()."""

    def __init__(self, expected_failures):
        self.expected_failures = set(expected_failures)
        self.cases = []

    def case(self, fn):
        self.cases.append(fn)
        return fn

    def run(self):
        c = Checks()
        xfail = 0
        for fn in self.cases:
            with tempfile.TemporaryDirectory() as d:
                try:
                    results = fn(d)
                except Exception as ex:  # a crash of the test is a failure of the case
                    results = [(False, "%s: %r" % (type(ex).__name__, ex))]
            if results is None:
                print("SKIP %s" % fn.__name__)
                continue
            good = all(cond for cond, _ in results)
            if fn.__name__ in self.expected_failures:
                if good:
                    c.ok(False, "XPASS %s: it passes now; take it out of EXPECTED_FAILURES" % fn.__name__)
                else:
                    xfail += 1
                    why = "; ".join(m for cond, m in results if not cond).replace("\n", " | ")
                    print("XFAIL %s: %s" % (fn.__name__, why[:300]))
            else:
                for cond, what in results:
                    c.ok(cond, "%s: %s" % (fn.__name__, what))
        unknown = self.expected_failures - {fn.__name__ for fn in self.cases}
        c.ok(not unknown, "EXPECTED_FAILURES names no case: %s" % sorted(unknown))
        print("%d expected failures" % xfail)
        c.finish()


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)
    return name


def day(date, meter, src, f, ent="E1", step=15, end=False):
    """One day of interval rows: f(hour) kWh each; times are starts, or ends with end."""
    rows = []
    for k in range(24 * 60 // step):
        t = k * step + (step if end else 0)
        rows.append("%s,%s %02d:%02d,%s,%s,%s\n" % (ent, date, t // 60, t % 60, meter, src, f(k * step // 60)))
    return "".join(rows)


def flat(v):
    return lambda h: v


def pv(h):
    return 200 if 10 <= h < 14 else 0


def report(d, args):
    """Runs report with --json; returns (process, json or None)."""
    p = run(["report"] + args + ["--json", "r.json"], d)
    j = None
    if p.returncode == 0:
        with open(os.path.join(d, "r.json")) as f:
            j = json.load(f)
    return p, j


def ent(j, eid="E1"):
    return next(e for e in j["enterprises"] if e["enterprise_id"] == eid)


def month_kwh(j, period, key="consumption"):
    return next(m for m in ent(j)["months"] if m["period"] == period)["electricity_kwh"][key]


def diags(j, severity=None):
    return [x["message"] for x in j["diagnostics"] if severity is None or x["severity"] == severity]


def near(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)
