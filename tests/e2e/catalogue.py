"""The catalogue of input files (tests/data): every bad file exits 65 with
FILE:LINE and the expected message, writes nothing and leaves an earlier
report untouched; every odd but valid file passes, with the figures derived
by hand below."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

DATA = os.environ.get("CBAM_TEST_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
FLAG = {"e": "-e", "p": "-p", "i": "-i"}
VALID_E = "enterprise_id,period,meter_id,source,kwh\nE1,2025-01,M1,grid,100\n"
VALID_P = "enterprise_id,period,product_id,quantity,unit\nE1,2025-01,P1,5,t\n"

# Consumption (kWh) per month that the odd-but-valid files must give.
GOOD_FIGURES = {
    "01-meter-id-19-digits.csv": {"2025-01": 100},
    "03-all-zero-readings.csv": {"2025-01": 0, "2025-02": 0},
    "05-title-rows-and-totals.csv": {"2025-01": 100, "2025-02": 200},   # the 合计 row is left out
    "06-chinese-headers-units.csv": {"2025-03": 15000},                 # 1.5 万kWh
    "07-european-semicolon.csv": {"2025-03": 1234.5},                  # 1.234,5
    "08-full-width-digits.csv": {"2025-01": 123.5},                    # １２３．５
    "09-tou-columns.csv": {"2025-03": 1000},                            # the total; tiers add up to it
    "10-tou-rows.csv": {"2025-03": 500},                                # 总 500 (峰 300 + 谷 200); 无功 never
    "11-billing-period-split.csv": {"2025-01": 600, "2025-02": 2500},   # 6 and 25 of 31 days of 3,100
    "12-meter-readings.csv": {"2025-03": 24000},                        # (1500.5 - 1200.5) x 80
    "13-tou-columns-mismatch.csv": {"2025-03": 1000},                   # tiers 1,100 (10 % off): the total
    "14-tou-rows-mismatch.csv": {"2025-03": 1000},
}


def table(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            yield line.rstrip("\n").split("\t")


c = Checks()
with tempfile.TemporaryDirectory() as tmp:
    for f, text in (("valid-e.csv", VALID_E), ("valid-p.csv", VALID_P)):
        with open(os.path.join(tmp, f), "w") as out:
            out.write(text)
    # A 10 MB field is made here rather than kept in the repository.
    with open(os.path.join(tmp, "10mb-field.csv"), "w") as out:
        out.write("enterprise_id,period,meter_id,source,kwh\nE1,2025-01," + "x" * (10 << 20) + ",grid,1\n")
    bad = list(table(os.path.join(DATA, "bad", "EXPECTED.tsv")))
    bad.append(["10mb-field.csv", "e", "65", "2", "a field longer than 65536 bytes"])
    c.ok(len(bad) >= 40, "%d bad files in the catalogue" % len(bad))
    for name, kind, code, line, needle in bad:
        src = os.path.join(DATA, "bad", name)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(tmp, name))
        args = [FLAG[kind], name]
        if kind != "e":
            args += ["-e", "valid-e.csv"]
        p = run(["validate"] + args, tmp)
        c.ok(p.returncode == int(code), "%s: exit %d, expected %s\n%s" % (name, p.returncode, code, p.stderr))
        where = "%s:%s:" % (name, line) if line != "0" else "%s: error:" % name
        c.ok(where in p.stderr, "%s: no '%s' in\n%s" % (name, where, p.stderr))
        c.ok(needle in p.stderr, "%s: no '%s' in\n%s" % (name, needle, p.stderr))
        # report: nothing written, the earlier report left as it was.
        with open(os.path.join(tmp, "r.json"), "w") as out:
            out.write("GOOD")
        p = run(["report"] + args + ["--json", "r.json", "-o", "r.xlsx", "-q"], tmp)
        c.ok(p.returncode == int(code), "%s: report exit %d" % (name, p.returncode))
        with open(os.path.join(tmp, "r.json")) as f:
            c.ok(f.read() == "GOOD", "%s: the earlier report was changed" % name)
        c.ok(not os.path.exists(os.path.join(tmp, "r.xlsx")), "%s: a workbook was written" % name)
        c.ok(not [f for f in os.listdir(tmp) if f.startswith(".")], "%s: temporary files left" % name)

    for name, kind, extra, warning in table(os.path.join(DATA, "good", "EXPECTED.tsv")):
        shutil.copy(os.path.join(DATA, "good", name), os.path.join(tmp, name))
        args = [FLAG[kind], name] + (extra.split() if extra else [])
        p = run(["report"] + args + ["--json", "g.json", "-q"], tmp)
        c.ok(p.returncode == 0, "%s: exit %d\n%s" % (name, p.returncode, p.stderr))
        if warning:
            p2 = run(["validate"] + args, tmp)
            c.ok(warning in p2.stderr, "%s: no warning '%s' in\n%s" % (name, warning, p2.stderr))
        if p.returncode != 0 or name not in GOOD_FIGURES:
            continue
        with open(os.path.join(tmp, "g.json")) as f:
            ent = json.load(f)["enterprises"][0]
        got = {m["period"]: m["electricity_kwh"]["consumption"] for m in ent["months"]}
        for month, kwh in GOOD_FIGURES[name].items():
            c.close(got.get(month), float(kwh), "%s %s consumption" % (name, month), rel=1e-12)
    # A 19-digit meter id stays text.
    p = run(["report", "-e", "01-meter-id-19-digits.csv", "-o", "m.xlsx", "-q"], tmp)
    c.ok(p.returncode == 0, "19-digit meter workbook")
c.finish()
