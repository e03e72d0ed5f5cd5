"""`report --lang zh` prints the terminal summary in Chinese: Chinese
headings, the same numbers in the same order as the English summary, and
the same columns (a CJK character counted two wide). Standard error stays
English."""
import os
import re
import shutil
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def number_columns(line):
    """(number, display column where it ends) of each number on a line."""
    return [(m.group(0), width(line[:m.end()])) for m in NUMBER.finditer(line)]


def table_lines(text):
    return [ln for ln in text.splitlines() if not re.match(r"  [(（]| {3}\S| +\+ ", ln)]


def compare(t, what, en, zh):
    t.ok(en.splitlines()[0].startswith("Enterprise "), "%s: English summary: %r" % (what, en[:80]))
    for heading in ("企业 ", "  电量（kWh）", "  排放量", "  基于位置", "  基于市场", "  CBAM间接排放", "总用电量"):
        t.ok(heading in zh, "%s: %r in the Chinese summary" % (what, heading))
    for english in ("Enterprise", "Electricity", "Emissions", "location-based", "consumption", "factor "):
        t.ok(english not in zh, "%s: %r left in the Chinese summary" % (what, english))
    t.ok(NUMBER.findall(en) == NUMBER.findall(zh), "%s: the same numbers" % what)
    # Line by line, leaving out the supplier paragraph (its lines break
    # differently): the first figure of each table row ends in the same
    # column in both languages.
    en_lines, zh_lines = table_lines(en), table_lines(zh)
    t.ok(len(en_lines) == len(zh_lines), "%s: %d lines in English, %d in Chinese" % (what, len(en_lines), len(zh_lines)))
    for e, z in zip(en_lines, zh_lines):
        if re.match(r" {4}\S|  (location|market|CBAM)", e):
            t.ok(number_columns(e)[:1] == number_columns(z)[:1], "%s: columns differ:\n  %s\n  %s" % (what, e, z))


def main():
    t = Checks()
    tmp = tempfile.mkdtemp(prefix="cbam-zh-")
    try:
        demo = os.path.join(tmp, "demo")
        p = run(["demo", "-o", demo, "-q"], cwd=tmp)
        t.ok(p.returncode == 0, "demo: %s" % p.stderr)
        base = ["report", "-e", "electricity.csv", "-p", "production.csv", "-i", "enterprises.csv", "--year", "2025"]
        en = run(base, cwd=demo)
        zh = run(base + ["--lang", "zh"], cwd=demo)
        t.ok(en.returncode == 0 and zh.returncode == 0, "report: %s %s" % (en.stderr, zh.stderr))
        compare(t, "demo", en.stdout, zh.stdout)
        t.ok("供应商排放因子 yuncheng-etdz-2025" in zh.stdout and "绿证" in zh.stdout, "sources and certificates")

        # The exports: hour-by-hour matching, time-of-use bill, a green-trade statement.
        ex = os.path.join(demo, "exports")
        base = ["report", "-e", "state-grid-bill-gbk.csv", "--source", "grid", "-e", "park-platform-15min.csv",
                "-e", "green-trade-statement.csv", "--source", "green_trade", "-p", "production.csv",
                "-i", "enterprises.csv", "--year", "2025"]
        en = run(base, cwd=ex)
        zh = run(base + ["--lang", "zh"], cwd=ex)
        t.ok(en.returncode == 0 and zh.returncode == 0, "exports: %s %s" % (en.stderr, zh.stderr))
        compare(t, "exports", en.stdout, zh.stdout)
        t.ok("  逐小时匹配（" in zh.stdout and "逐小时匹配率" in zh.stdout, "hourly matching in Chinese")
        t.ok(en.stderr == zh.stderr, "standard error is the same (English) in both")

        # A Chinese product id keeps the columns.
        d = os.path.join(tmp, "cjk")
        os.mkdir(d)
        with open(os.path.join(d, "e.csv"), "w", encoding="utf-8") as f:
            f.write("enterprise_id,period,meter_id,source,kwh,product_id\n"
                    "E1,2025-01,M1,grid,1000,螺栓M12\nE1,2025-01,M2,grid,500,B2\n")
        with open(os.path.join(d, "p.csv"), "w", encoding="utf-8") as f:
            f.write("enterprise_id,period,product_id,quantity,unit\nE1,2025-01,螺栓M12,2,t\nE1,2025-01,B2,1,t\n")
        zh = run(["report", "-e", "e.csv", "-p", "p.csv", "--lang", "zh"], cwd=d)
        t.ok(zh.returncode == 0, "cjk: %s" % zh.stderr)
        rows = [ln for ln in zh.stdout.splitlines() if ln.startswith("    螺栓M12") or ln.startswith("    B2")]
        ends = [[c for _, c in number_columns(r)][-6:] for r in rows]
        t.ok(len(rows) == 2 and len(ends[0]) == 6 and ends[0] == ends[1],
             "a Chinese product id keeps the columns: %r" % rows)
    finally:
        shutil.rmtree(tmp)
    t.finish()


main()
