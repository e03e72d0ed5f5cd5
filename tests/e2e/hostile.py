"""Issue 9, the input side: rows repeated in any order or file, ids that
differ only after hundreds of bytes, a meter called Total, a zero total that
hides its tiers, sums that would overflow, spans of a century and text longer
than a cell: each is refused with FILE:LINE or counted right, never a wrong
figure with exit 0."""
import json
import os
import random
import resource
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

c = Checks()
HEAD = "enterprise_id,period,meter_id,source,kwh\n"


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)
    return name


def kwh(d, args, key="consumption"):
    p = run(["report"] + args + ["--json", "k.json"], d)
    if p.returncode != 0:
        return p, None
    with open(os.path.join(d, "k.json")) as f:
        j = json.load(f)
    return p, j["enterprises"][0]["electricity_kwh"][key]


with tempfile.TemporaryDirectory() as d:
    days = ["2025-01-%02d" % i for i in range(1, 32)]
    # 2. A month of daily rows given twice, one copy after the other.
    write(d, "twice.csv", HEAD + "".join("E1,%s,M1,grid,10\n" % x for x in days * 2))
    p = run(["validate", "-e", "twice.csv"], d)
    c.ok(p.returncode == 65, "daily rows given twice: exit %d" % p.returncode)
    c.ok("twice.csv:33:2: error: duplicate of twice.csv:2 " in p.stderr, "both lines named: %s" % p.stderr[:300])
    # Overlapping exports: days 1-20 and 10-31, in two files.
    write(d, "a.csv", HEAD + "".join("E1,%s,M1,grid,10\n" % x for x in days[:20]))
    write(d, "b.csv", HEAD + "".join("E1,%s,M1,grid,10\n" % x for x in days[9:]))
    p = run(["validate", "-e", "a.csv", "-e", "b.csv"], d)
    c.ok(p.returncode == 65 and "b.csv:2:2: error: duplicate of a.csv:11 " in p.stderr,
         "overlapping exports: %s" % p.stderr[:300])
    # 15-minute rows of 3 meters interleaved and shuffled, one repeated.
    rows = ["E1,2025-03-%02d %02d:%02d,M%d,grid,1" % (day, h, q * 15, m)
            for day in (1, 2) for h in range(24) for q in range(4) for m in range(3)]
    random.Random(7).shuffle(rows)
    rows.append(rows[100])
    write(d, "shuffled.csv", HEAD + "\n".join(rows) + "\n")
    p = run(["validate", "-e", "shuffled.csv"], d)
    c.ok(p.returncode == 65 and "shuffled.csv:%d:2: error: duplicate of shuffled.csv:102 " % (len(rows) + 1)
         in p.stderr, "a shuffled repeat names both lines: %s" % p.stderr[:300])
    write(d, "shuffled-ok.csv", HEAD + "\n".join(rows[:-1]) + "\n")
    p, k = kwh(d, ["-e", "shuffled-ok.csv"])
    c.ok(p.returncode == 0 and k == len(rows) - 1, "the same rows without the repeat: %s %s" % (k, p.stderr[:200]))
    # A daily total beside 15-minute rows of the same meter and month.
    write(d, "mixed.csv", HEAD + "E1,2025-03-01,M1,grid,96\nE1,2025-03-02 00:15,M1,grid,1\n")
    p = run(["validate", "-e", "mixed.csv"], d)
    c.ok(p.returncode == 65, "daily and interval rows of one meter-month: %s" % p.stderr[:200])
    # The same file twice, and a copy of it.
    p = run(["validate", "-e", "a.csv", "-e", "a.csv"], d)
    c.ok(p.returncode == 64 and "-e a.csv and -e a.csv are the same file" in p.stderr, "-e f -e f: %s" % p.stderr)
    shutil.copy(os.path.join(d, "a.csv"), os.path.join(d, "a-copy.csv"))
    p = run(["validate", "-e", "a.csv", "-e", "a-copy.csv"], d)
    c.ok(p.returncode == 65 and "has the same content" in p.stderr and "a.csv" in p.stderr,
         "a copy under another name: %s" % p.stderr[-400:])

    # 1. --split: ids whose file names would collide get a numbered name and a note.
    ids = ["运城一厂", "运城二厂", "a/b", "a_b", "Plant", "P" * 150 + "1", "P" * 150 + "2"]
    write(d, "split.csv", HEAD + "".join("%s,2025-01,M1,grid,%d\n" % (e, 10 + i) for i, e in enumerate(ids)))
    p = run(["report", "-e", "split.csv", "--split", "--out-dir", "split", "-q"], d)
    names = sorted(os.listdir(os.path.join(d, "split")))
    c.ok(p.returncode == 0 and len(names) == 2 * len(ids), "--split: one pair of files per id: %s" % names)
    c.ok("运城一厂.xlsx" in names and "运城二厂.xlsx" in names, "Chinese ids keep their letters: %s" % names)
    seen = {}
    for n in names:
        if n.endswith(".json"):
            with open(os.path.join(d, "split", n)) as f:
                seen[json.load(f)["enterprises"][0]["enterprise_id"]] = n
    c.ok(sorted(seen) == sorted(ids), "every enterprise in its own file: %s" % seen)
    with open(os.path.join(d, "split", seen["a_b"])) as f:
        notes = [x["message"] for x in json.load(f)["diagnostics"] if "is written as" in x["message"]]
    c.ok(seen["a_b"] == "a_b~2.json" and notes and "taken by enterprise a/b" in notes[0],
         "a note says which id got another name: %s %s" % (seen["a_b"], notes))

    # One id written two ways (case, full width) is refused, for enterprises, meters and products.
    write(d, "twoways.csv", HEAD + "Plant,2025-01,M1,grid,1\nPLANT,2025-01,M1,grid,1\n"
          "E1,2025-01,M1,grid,1\nE1,2025-02,Ｍ１,grid,1\n")
    p = run(["validate", "-e", "twoways.csv"], d)
    c.ok(p.returncode == 65 and 'twoways.csv:3:1: error: enterprise_id "PLANT" differs from enterprise "Plant"' in
         p.stderr and 'twoways.csv:5:3: error: meter_id "Ｍ１" differs from meter "M1"' in p.stderr,
         "ids written two ways: %s" % p.stderr)

    # Found by an outside hunt: outputs over inputs, characters a workbook cannot hold, bills that
    # overlap, subtotal rows.
    shutil.copy(os.path.join(d, "e1.csv") if os.path.exists(os.path.join(d, "e1.csv")) else
                os.path.join(d, "a.csv"), os.path.join(d, "in.csv"))
    before_in = open(os.path.join(d, "in.csv")).read()
    for opt in ("-o", "--json"):
        p = run(["report", "-e", "in.csv", opt, "in.csv"], d)
        c.ok(p.returncode == 64 and "would be written over the input in.csv" in p.stderr,
             "%s over its own input: %d %s" % (opt, p.returncode, p.stderr[-200:]))
    c.ok(open(os.path.join(d, "in.csv")).read() == before_in, "the input is untouched")
    with open(os.path.join(d, "ffff.csv"), "wb") as f:
        f.write(b"enterprise_id,name\nE1,Acme\xef\xbf\xbeCo\n")
    p = run(["validate", "-e", "a.csv", "-i", "ffff.csv"], d)
    c.ok(p.returncode == 65 and "ffff.csv:2:2:" in p.stderr and "U+FFFE" in p.stderr, "U+FFFE: %s" % p.stderr)
    with open(os.path.join(d, "zwsp.csv"), "wb") as f:
        f.write(b"enterprise_id,period,source,kwh\nE1\xe2\x80\x8b,2025-01,grid,5\n")
    p = run(["validate", "-e", "zwsp.csv"], d)
    c.ok(p.returncode == 65 and "zwsp.csv:2:1:" in p.stderr and "U+200B" in p.stderr, "zero-width space: %s" % p.stderr)
    write(d, "bills.csv", "enterprise_id,period_start,period_end,meter_id,source,kwh\n"
          "E1,2025-01-01,2025-01-31,M1,grid,3100\nE1,2025-01-15,2025-02-14,M1,grid,3100\n")
    p = run(["validate", "-e", "bills.csv"], d)
    c.ok(p.returncode == 65 and "bills.csv:3:2: error: duplicate of bills.csv:2" in p.stderr,
         "overlapping bills: %s" % p.stderr)
    write(d, "bill-day.csv", "enterprise_id,period_start,period_end,meter_id,source,kwh\n"
          "E1,2025-01-01,2025-01-31,M1,grid,3100\n")
    write(d, "day.csv", HEAD + "E1,2025-01-10,M1,grid,100\n")
    p = run(["validate", "-e", "bill-day.csv", "-e", "day.csv"], d)
    c.ok(p.returncode == 65 and "day.csv:2:2: error: duplicate of bill-day.csv:2" in p.stderr,
         "a day inside a bill: %s" % p.stderr)
    write(d, "subtotal.csv", HEAD + "E1,2025-01,0001,grid,1000\nE1,2025-01,0002,grid,500\nE1,2025-01,,grid,1500\n"
          "E1,2025-02,0001,grid,1000\nE1,2025-02,0002,grid,500\nE1,2025-02,小计,grid,1500\n")
    p = run(["validate", "-e", "subtotal.csv"], d)
    c.ok(p.returncode == 65 and "subtotal.csv:4: error: E1, 2025-01: a grid row without a meter id" in p.stderr
         and 'subtotal.csv:7: error: E1, 2025-02: meter "小计" holds 1,500 kWh, the sum' in p.stderr,
         "subtotal rows: %s" % p.stderr)

    # 9. A meter called Total in the middle of the data is data; a real totals row is not.
    write(d, "total-meter.csv", HEAD + "E1,2025-01,M1,grid,100\nE1,2025-01,Total,grid,50\nE1,2025-01,M2,grid,25\n"
          "合计,,,,175\n")
    p, k = kwh(d, ["-e", "total-meter.csv"])
    c.ok(k == 175, "meter Total counted, the 合计 row left out: %s %s" % (k, p.stderr[:300]))

    # 10. A zero total that hides its tiers.
    write(d, "tou-zero.csv", "enterprise_id,period,meter_id,source,tier,kwh\n"
          "E1,2025-01,M1,grid,总,0\nE1,2025-01,M1,grid,峰,300\nE1,2025-01,M1,grid,谷,500\n")
    p = run(["validate", "-e", "tou-zero.csv"], d)
    c.ok(p.returncode == 65 and "the total is 0 kWh but the time-of-use tiers add up to 800 kWh" in p.stderr,
         "tier rows with a zero total: %s" % p.stderr)
    write(d, "tou-zero-cols.csv", "enterprise_id,period,meter_id,source,有功总(kWh),峰(kWh),谷(kWh)\n"
          "E1,2025-01,M1,grid,0,300,500\n")
    p = run(["validate", "-e", "tou-zero-cols.csv"], d)
    c.ok(p.returncode == 65 and "tou-zero-cols.csv:2:5:" in p.stderr, "tier columns with a zero total: %s" % p.stderr)

    # 11. Ids that share their first 700 bytes are different meters and enterprises.
    long_a, long_b = "M" * 700 + "A", "M" * 700 + "B"
    write(d, "long.csv", HEAD + "E1,2025-01,%s,grid,100\nE1,2025-01,%s,grid,7\n" % (long_a, long_b))
    p, k = kwh(d, ["-e", "long.csv"])
    c.ok(p.returncode == 0 and k == 107, "long ids stay apart: %s %s" % (k, p.stderr[:200]))
    ent_a, ent_b = "企" * 300 + "A", "企" * 300 + "B"
    write(d, "long-ent.csv", HEAD + "%s,2025-01,M1,grid,100\n%s,2025-01,M1,grid,7\n" % (ent_a, ent_b))
    p = run(["report", "-e", "long-ent.csv", "--json", "le.json"], d)
    with open(os.path.join(d, "le.json")) as f:
        ents = json.load(f)["enterprises"]
    c.ok(len(ents) == 2 and sorted(e["electricity_kwh"]["grid"] for e in ents) == [7, 100],
         "long enterprise ids stay apart")

    # 12. Sums that would overflow, and implausible single rows.
    write(d, "huge.csv", HEAD + "E1,2025-01,M1,grid,1e308\nE1,2025-01,M2,grid,1e308\n")
    p = run(["validate", "-e", "huge.csv"], d)
    c.ok(p.returncode == 65 and "huge.csv:2:5:" in p.stderr, "1e308 kWh refused at its row: %s" % p.stderr)
    write(d, "huge-t.csv", "enterprise_id,period,product_id,quantity,unit\nE1,2025-01,P1,1e308,t\n"
          "E1,2025-02,P1,1e308,t\n")
    write(d, "e1.csv", HEAD + "E1,2025-01,M1,grid,1\nE1,2025-02,M1,grid,1\n")
    p = run(["validate", "-e", "e1.csv", "-p", "huge-t.csv"], d)
    c.ok(p.returncode == 65 and "huge-t.csv:2:4:" in p.stderr, "1e308 t refused at its row: %s" % p.stderr)

    # 7. A century of months: refused, in memory that follows the data.
    with open(os.path.join(d, "span.csv"), "w") as f:
        f.write(HEAD)
        for i in range(10000):
            f.write("E%d,1990-01,M1,grid,1\nE%d,2100-12,M1,grid,1\n" % (i, i))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = run(["report", "-e", "span.csv", "--json", "span.json", "-q"], d)
    c.ok(p.returncode == 65 and "1990-01 to 2100-12 (1332 months)" in p.stderr and "--from" in p.stderr,
         "a span of 1332 months refused: %s" % p.stderr[:300])
    if not os.environ.get("CBAM_VALGRIND"):
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        c.ok(peak < 400 * 1024 or peak == before, "memory follows the data, not the span: %d KB" % peak)
    p = run(["validate", "-e", "span.csv", "--from", "1990-01", "--to", "2100-12", "--enterprise", "E7",
             "--grid-factor", "0.6", "--residual-factor", "0.6"], d)
    c.ok(p.returncode == 0, "--from/--to may ask for a long period: %s" % p.stderr[:300])

    # 17. Text longer than an Excel cell is a data error at its field.
    write(d, "long-name.csv", "enterprise_id,name\nE1,%s\n" % ("N" * 33000))
    p = run(["report", "-i", "long-name.csv", "-e", "e1.csv", "-o", "n.xlsx"], d)
    c.ok(p.returncode == 65 and "long-name.csv:2:2:" in p.stderr and "32,767" in p.stderr,
         "a 33,000-character name: %s" % p.stderr[:300])
    c.ok(not os.path.exists(os.path.join(d, "n.xlsx")), "no workbook")
c.finish()
