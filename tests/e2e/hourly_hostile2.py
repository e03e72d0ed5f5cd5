"""Hostile inputs for hourly matching, second review (after d1bde46): several
load meters of which one is short, UTC end-labelled files that start on a
month's last day, time ranges written with a T, files labelled both ways read
with --enterprise; and guards for end labels across a year end, months of 28,
29 and 30 days, and the Hourly sheet against the JSON. Each case asserts what
README "Hourly matching" and "Interval rows" ask for: the right figure, or an
error, never a wrong figure with exit 0.

Cases that fail on the current code are listed in EXPECTED_FAILURES: they are
run and reported, and make check stays green while they fail. A case in that
list that passes is an error (XPASS): take it out of the list."""
import calendar
import datetime
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run  # noqa: E402

# Known defects (second review of issue 11); each name is a case below.
EXPECTED_FAILURES = set()  # the review's five defects are fixed: every case is a guard now

from hostile_cases import HEAD, Cases, day, ent, flat, month_kwh, near, pv, report, write  # noqa: E402

cases = Cases(EXPECTED_FAILURES)
case = cases.case


# ---- known defects ----

@case
def second_load_meter_short_of_days(d):
    # Two feeders, two load meters: L2's export stops after day 10. The union
    # of the load meters' days covers the month, so it is matched and the
    # grid (what the short load leaves) is 328,000 kWh against a bill of
    # 496,000, exit 0. README: the load must cover every day the other meters
    # cover; a short load makes the grid too low. Expected: not matched, the
    # supply meters count (hourly.c:159 ORs the load meters' days).
    t = HEAD
    for dd in range(1, 32):
        date = "2025-03-%02d" % dd
        t += day(date, "L1", "load", flat(100))
        if dd <= 10:
            t += day(date, "L2", "load", flat(100))
        t += day(date, "PV", "onsite", pv)
    write(d, "two.csv", t + "E1,2025-03,G1,grid,496000\n")
    p, j = report(d, ["-e", "two.csv", "-q"])
    if j is None:
        return [(p.returncode == 65, "an error is fine too: exit %d" % p.returncode)]
    e = ent(j)
    return [(e["hourly"]["matched_months"] == 0, "not matched: %s" % e["hourly"]["months"]),
            (near(e["electricity_kwh"]["grid"], 496000), "the grid bill counts: %s" % e["electricity_kwh"]["grid"])]


@case
def second_load_meter_missing_month(d):
    # L2 has February and no row in March: March is matched on L1 alone and
    # the grid halves (248,000 against the bill's 496,000), exit 0. README:
    # matched when "every load meter has hourly rows that month".
    t = HEAD
    for mo, nd in ((2, 28), (3, 31)):
        for dd in range(1, nd + 1):
            date = "2025-%02d-%02d" % (mo, dd)
            t += day(date, "L1", "load", flat(100))
            if mo == 2:
                t += day(date, "L2", "load", flat(100))
            t += day(date, "PV", "onsite", pv)
    write(d, "gone.csv", t + "E1,2025-02,G1,grid,448000\nE1,2025-03,G1,grid,496000\n")
    p, j = report(d, ["-e", "gone.csv", "-q"])
    if j is None:
        return [(p.returncode == 65, "an error is fine too: exit %d" % p.returncode)]
    mar = next(m for m in ent(j)["hourly"]["months"] if m["period"] == "2025-03")
    return [(not mar["matched"], "March not matched: %s" % mar),
            (near(month_kwh(j, "2025-03", "grid"), 496000), "March's grid: %s" % month_kwh(j, "2025-03", "grid"))]


@case
def utc_end_file_starting_on_month_end(d):
    # One UTC day of end labels (T00:15Z..T24:00Z), 2025-02-28. T16:00Z is
    # 2025-03-01 00:00 in China and, end-labelled, February's last interval.
    # It comes before the file's first T24:00Z, waits while the labelling is
    # open, and is then booked in March (ledger) and dropped from the hours:
    # February 63 kWh, March 1032 (ingest.c book_hour/flush_pending: the
    # month of a waiting row is taken as a start's).
    rows = []
    for k in range(1, 97):
        t = k * 15
        rows.append("E1,2025-02-28T%02d:%02dZ,G1,grid,%d\n" % (t // 60, t % 60, 1000 if t == 960 else 1))
    write(d, "utc.csv", HEAD + "".join(rows))
    p, j = report(d, ["-e", "utc.csv", "--from", "2025-02", "--to", "2025-03", "-q"])
    if j is None:
        return [(False, "exit %d %s" % (p.returncode, p.stderr[:200]))]
    return [(month_kwh(j, "2025-02") == 1063, "February: %s" % month_kwh(j, "2025-02")),
            (month_kwh(j, "2025-03") == 32, "March: %s" % month_kwh(j, "2025-03"))]


@case
def time_range_with_t_read_as_offset(d):
    # README: a time range (06:00-06:15) is refused. Written with a T it is
    # read as 06:00 at UTC-06:15, i.e. 20:15 in China (parse.c strip_offset
    # refuses the range only without a T).
    write(d, "rt.csv", HEAD + "E1,2025-03-01T06:00-06:15,G1,grid,10\n")
    p = run(["validate", "-e", "rt.csv"], d)
    return [(p.returncode == 65 and "rt.csv:2:2:" in p.stderr, "refused: exit %d %s" % (p.returncode, p.stderr[:200]))]


@case
def enterprise_filter_hides_two_labellings(d):
    # E1's 24:00 then E2's 00:00: the file labels intervals both ways, an
    # error for the whole run and for --enterprise E2, but --enterprise E1
    # passes (peek_label never checks a left-out row against the labelling).
    write(d, "pk.csv", HEAD + "E1,2025-03-01 23:45,G1,grid,5\nE1,2025-03-01 24:00,G1,grid,5\n"
          "E2,2025-03-02 00:00,G1,grid,5\n")
    codes = [run(["validate", "-e", "pk.csv", "-q"] + x, d).returncode
             for x in ([], ["--enterprise", "E1"], ["--enterprise", "E2"])]
    return [(codes == [65, 65, 65], "exit codes all / E1 / E2: %s" % codes)]


# ---- guards ----

@case
def end_labels_across_year_end(d):
    # 00:15 of Dec 1 .. 24:00 of Jan 31, end labels, load, PV, grid.
    t = HEAD
    d0 = datetime.date(2024, 12, 1)
    for i in range(62):
        date = (d0 + datetime.timedelta(i)).isoformat()
        t += day(date, "L1", "load", lambda h: 100 + h, end=True)
        t += day(date, "PV", "onsite", pv, end=True)
    write(d, "ye.csv", t)
    p, j = report(d, ["-e", "ye.csv", "--from", "2024-12", "--to", "2025-01", "-q"])
    if j is None:
        return [(False, "exit %d %s" % (p.returncode, p.stderr[:200]))]
    load = 31 * sum(4 * (100 + h) for h in range(24))
    matched = 31 * sum(4 * min(200, 100 + h) for h in range(10, 14))
    ok = []
    for per in ("2024-12", "2025-01"):
        ok += [(near(month_kwh(j, per), load), "%s consumption %s" % (per, month_kwh(j, per))),
               (near(month_kwh(j, per, "onsite"), matched), "%s onsite %s" % (per, month_kwh(j, per, "onsite")))]
    ok.append((not [x for x in j["diagnostics"] if " lack" in x["message"]], "no gaps"))
    return ok


@case
def short_and_leap_months(d):
    ok = []
    for y, mo in ((2024, 2), (2025, 2), (2025, 4)):
        for end in (False, True):
            nd = calendar.monthrange(y, mo)[1]
            t = HEAD
            for dd in range(1, nd + 1):
                date = "%d-%02d-%02d" % (y, mo, dd)
                t += day(date, "L1", "load", flat(100), end=end) + day(date, "PV", "onsite", pv, end=end)
            per = "%d-%02d" % (y, mo)
            write(d, "m.csv", t + "E1,%s,G1,grid,%d\n" % (per, nd * 8000))
            p, j = report(d, ["-e", "m.csv", "--from", per, "--to", per, "-q"])
            good = j is not None and ent(j)["hourly"]["matched_months"] == 1 and \
                near(month_kwh(j, per, "grid"), nd * 8000) and \
                not [x for x in j["diagnostics"] if "grid meter" in x["message"] or " lack" in x["message"]]
            ok.append((good, "%s end=%s: exit %d %s" % (per, end, p.returncode, p.stderr[:200])))
    return ok


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def sheet_cells(path, name):
    """A sheet's cached values by reference (A1), read without openpyxl."""
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    rid = next(s.get("{%s}id" % NS["r"]) for s in wb.find("m:sheets", NS) if s.get("name") == name)
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    x = ET.fromstring(z.read("xl/" + re.sub(r"^/?(xl/)?", "", target)))
    cells = {}
    for c in x.iter("{%s}c" % NS["m"]):
        v = c.find("m:v", NS)
        if v is not None:
            cells[c.get("r")] = shared[int(v.text)] if c.get("t") == "s" else \
                v.text if c.get("t") == "str" else float(v.text)
    return cells


@case
def hourly_sheet_matches_json(d):
    # Three months: PV every month, a direct line in February only, green
    # trade on four days of March; each month's row against the JSON.
    t = HEAD
    for mo, nd in ((1, 31), (2, 28), (3, 31)):
        for dd in range(1, nd + 1):
            date = "2025-%02d-%02d" % (mo, dd)
            t += day(date, "L1", "load", flat(100), step=60) + day(date, "PV", "onsite", pv, step=60)
            if mo == 2:
                t += day(date, "D1", "green_direct", lambda h: 50 if h < 6 else 0, step=60)
            if mo == 3 and dd < 5:
                t += day(date, "T1", "green_trade", flat(30), step=60)
    write(d, "x.csv", t)
    p = run(["report", "-e", "x.csv", "-o", "x.xlsx", "--json", "x.json", "-q"], d)
    if p.returncode != 0:
        return [(False, "exit %d %s" % (p.returncode, p.stderr[:200]))]
    with open(os.path.join(d, "x.json")) as f:
        h = ent(json.load(f))["hourly"]
    cells = sheet_cells(os.path.join(d, "x.xlsx"), "Hourly")
    hrow = next(re.search(r"\d+", k).group(0) for k, v in cells.items() if v == "Month")
    head = {v: re.match(r"[A-Z]+", k).group(0) for k, v in cells.items()
            if isinstance(v, str) and re.search(r"\d+", k).group(0) == hrow}
    rows = {v: re.search(r"\d+", k).group(0) for k, v in cells.items() if isinstance(v, str) and re.match(r"\d{4}-\d\d$", v)}
    ok = []
    for m in h["months"]:
        r = rows.get(m["period"])
        if r is None:
            ok.append((False, "no row for %s" % m["period"]))
            continue
        want = {"Load (kWh)": m["load_kwh"], "Unmatched load (kWh)": m["unmatched_load_kwh"],
                "Matched share (24/7, CFE score)": m["matched_share"], "Volumetric share": m["volumetric_share"]}
        for src, label in (("onsite", "on-site"), ("green_direct", "direct line"), ("green_trade", "green trade")):
            if m["supply_kwh"][src]:
                want["Supply, %s (kWh)" % label] = m["supply_kwh"][src]
                want["Matched, %s (kWh)" % label] = m["matched_kwh"][src]
                want["Surplus, %s (kWh)" % label] = m["surplus_kwh"][src]
        for label, v in want.items():
            col = head.get(label)
            got = cells.get("%s%s" % (col, r)) if col else None
            ok.append((isinstance(got, float) and near(got, v, 1e-12), "%s %s: sheet %r, JSON %r" % (m["period"], label, got, v)))
    return ok


cases.run()
