"""The workbook's Hourly sheet (README, Workbook; issue 11): a small case computed by hand (a load meter
of 100 kWh every hour, on-site PV of 20 kWh 08:00-18:00, a direct line of 50 kWh 00:00-06:00 and of
150 kWh 11:00-14:00, so that noon has surplus), checked figure by figure and against the JSON; a month
that cannot be matched shows its reason (in Chinese with --lang zh); no cell holds NaN or infinity;
the heatmap carries its colour scale; the profile chart covers no cell with content; an enterprise
without interval rows has no Hourly sheet; the direct-line note on CBAM_Communication is shown only
for direct-line kWh that are not hour-matched."""
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src")
NS = {"xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "r": "http://schemas.openxmlformats.org/package/2006/relationships"}
SEVEN = ["Summary", "Electricity", "Products", "CBAM_Communication", "Factors", "Data_Quality", "Method"]
EIGHT = SEVEN[:2] + ["Hourly"] + SEVEN[2:]
c = Checks()


def onsite(h):
    return 20 if 8 <= h <= 17 else 0


def direct(h):
    return 150 if 11 <= h <= 13 else 50 if h <= 5 else 0


def march(ent="E1"):
    rows = []
    for d in range(1, 32):
        for h in range(24):
            t = "2025-03-%02d %02d:00" % (d, h)
            rows += ["%s,%s,M-LOAD,load,100" % (ent, t), "%s,%s,PV,onsite,%d" % (ent, t, onsite(h)),
                     "%s,%s,DL,green_direct,%d" % (ent, t, direct(h))]
    return rows


# By hand, per day: hours 0-5 the direct line fills 50 of 100; 6-7 nothing; 8-10 and 14-17 the PV fills 20;
# 11-13 the PV fills 20 and the direct line 80 of its 150 (70 surplus); 18-23 nothing.
DAY_LOAD, DAY_ONSITE, DAY_DIRECT, DAY_DIRECT_MATCHED = 2400, 200, 750, 540
LOAD, ONSITE, DIRECT, DIRECT_MATCHED = 31 * DAY_LOAD, 31 * DAY_ONSITE, 31 * DAY_DIRECT, 31 * DAY_DIRECT_MATCHED
SURPLUS = DIRECT - DIRECT_MATCHED
MATCHED = ONSITE + DIRECT_MATCHED
UNMATCHED = LOAD - MATCHED
assert (LOAD, ONSITE, DIRECT, DIRECT_MATCHED, SURPLUS, UNMATCHED) == (74400, 6200, 23250, 16740, 6510, 51460)


def by_label(ws):
    """First row of each text in column A -> row number."""
    out = {}
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, str):
            out.setdefault(v, r)
    return out


def sheet_part(z, name):
    """The worksheet part of the sheet called name."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.findall("r:Relationship", NS)}
    for s in wb.find("m:sheets", NS):
        if s.get("name") == name:
            rid = s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            return "xl/" + target[rid]
    return None


def finite_everywhere(path):
    """No cell of any sheet holds NaN or infinity (as a number or as text)."""
    bad = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for v in re.findall(rb"<v>([^<]*)</v>", z.read(name)):
                    try:
                        if not math.isfinite(float(v)):
                            bad.append((name, v))
                    except ValueError:
                        pass
    wb = openpyxl.load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, float) and not math.isfinite(v):
                    bad.append((ws.title, v))
                if isinstance(v, str) and v.strip().lower() in ("nan", "inf", "-inf", "#num!", "#div/0!"):
                    bad.append((ws.title, v))
    return bad


def chart_anchors(path, sheet):
    """(from_col, from_row, to_col, to_row), 0-based, of each chart on sheet."""
    with zipfile.ZipFile(path) as z:
        part = sheet_part(z, sheet)
        rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rels_name not in z.namelist():
            return [], None
        rels = ET.fromstring(z.read(rels_name))
        drawings = [r.get("Target") for r in rels.findall("r:Relationship", NS) if r.get("Type").endswith("/drawing")]
        out, chart = [], None
        for d in drawings:
            dpath = os.path.normpath(os.path.join("xl/worksheets", d))
            root = ET.fromstring(z.read(dpath))
            for a in root.findall("xdr:twoCellAnchor", NS):
                f, t = a.find("xdr:from", NS), a.find("xdr:to", NS)
                out.append(tuple(int(e.find("xdr:" + k, NS).text) for e in (f, t) for k in ("col", "row")))
            drels = ET.fromstring(z.read(dpath.replace("drawings/", "drawings/_rels/") + ".rels"))
            for r in drels.findall("r:Relationship", NS):
                chart = z.read(os.path.normpath(os.path.join("xl/drawings", r.get("Target")))).decode()
        return out, chart


def check_hourly(path, ent, zh=False):
    wb = openpyxl.load_workbook(path, data_only=True)
    wf = openpyxl.load_workbook(path)
    c.ok(wb.sheetnames == EIGHT, "%s: Hourly follows Electricity (%s)" % (path, wb.sheetnames))
    if "Hourly" not in wb.sheetnames:
        return None
    ws, fs = wb["Hourly"], wf["Hourly"]
    rows = by_label(ws)
    h = ent["hourly"]
    c.ok(ws.cell(1, 1).value.startswith("逐小时匹配" if zh else "Hourly matching"), "title %r" % ws.cell(1, 1).value)
    rule = ws.cell(2, 1).value or ""
    c.ok(("D.4.3" in rule) and (("自发自用、绿电直连、购电协议、绿电交易" in rule) if zh else
                                ("on-site, direct line, PPA, green trade" in rule and "never carried" in rule)),
         "the rule is explained: %r" % rule[:80])
    if zh:
        return ws
    # Summary shows the hourly score beside the green share (issue 13).
    sm = by_label(wb["Summary"])
    r = sm.get("Matched share (24/7, CFE score)")
    c.ok(r is not None and h["matched_share"] is not None and
         abs(wb["Summary"].cell(r, 2).value - h["matched_share"]) < 1e-12,
         "Summary shows the matched share %r" % (h["matched_share"],))
    kv = {"Interval of the meter data (minutes)": 60, "Months with interval rows": len(h["months"]),
          "Months matched hour by hour": h["matched_months"], "Hours in the matched months": h["hours"],
          "Load (kWh)": h["load_kwh"], "Unmatched load (kWh)": h["unmatched_load_kwh"],
          "Matched share (24/7, CFE score)": h["matched_share"], "Volumetric share": h["volumetric_share"]}
    for k, want in kv.items():
        r = rows.get(k)
        c.ok(r is not None, "Hourly shows %s" % k)
        if r is not None:
            c.close(ws.cell(r, 2).value, want, "Hourly %s" % k, rel=1e-12)
    for r in (rows.get("Load (kWh)"), rows.get("Matched share (24/7, CFE score)")):
        c.ok(r is not None and str(fs.cell(r, 2).value).startswith("="), "the totals refer to the table below")
    for name, key in (("On-site", "onsite"), ("Direct line", "green_direct")):
        r = rows.get(name)
        c.ok(r is not None, "Hourly has a line for %s" % name)
        if r is not None:
            for col, what in ((2, "supply_kwh"), (3, "matched_kwh"), (4, "surplus_kwh")):
                c.close(ws.cell(r, col).value, h[what][key], "Hourly %s %s" % (name, what), rel=1e-12)
    c.ok("PPA" not in rows and "Green trade" not in rows, "sources without supply are left out")
    return ws


with tempfile.TemporaryDirectory() as tmp:
    prod = "enterprise_id,period,product_id,cn_code,quantity,unit\nE1,2025-03,P1,7318 15 88,100,t\n" \
           "E1,2025-04,P1,7318 15 88,100,t\nE2,2025-03,P2,7318 15 88,5,t\n"
    open(os.path.join(tmp, "p.csv"), "w").write(prod)
    head = "enterprise_id,period,meter_id,source,kwh\n"
    open(os.path.join(tmp, "e.csv"), "w").write(head + "\n".join(march()) + "\n")

    # 1. March, matched: every figure by hand and as the JSON says.
    p = run(["report", "-q", "-e", "e.csv", "-p", "p.csv", "--enterprise", "E1", "--to", "2025-03", "-o", "h.xlsx",
             "--json", "h.json"], tmp)
    c.ok(p.returncode == 0, "hourly report: %s" % p.stderr)
    ent = json.load(open(os.path.join(tmp, "h.json")))["enterprises"][0]
    hj = ent["hourly"]
    c.ok(hj["load_kwh"] == LOAD and hj["matched_kwh"]["green_direct"] == DIRECT_MATCHED and
         hj["surplus_kwh"]["green_direct"] == SURPLUS and hj["unmatched_load_kwh"] == UNMATCHED,
         "the engine agrees with the hand computation: %r" % hj)
    book = os.path.join(tmp, "h.xlsx")
    ws = check_hourly(book, ent)
    if ws is not None:
        rows = by_label(ws)
        c.close(ws.cell(rows["Load (kWh)"], 2).value, LOAD, "load by hand")
        c.close(ws.cell(rows["Unmatched load (kWh)"], 2).value, UNMATCHED, "unmatched by hand")
        c.close(ws.cell(rows["Matched share (24/7, CFE score)"], 2).value, MATCHED / LOAD, "matched share by hand")
        c.close(ws.cell(rows["Volumetric share"], 2).value, (ONSITE + DIRECT) / LOAD, "volumetric share by hand")
        # By month: the header names its columns; 2025-03's row and the total of the matched months.
        hr = rows.get("Month")
        heads = [ws.cell(hr, col).value for col in range(1, 30)] if hr else []
        want = {"Hours": 744, "Load (kWh)": LOAD, "Supply, on-site (kWh)": ONSITE,
                "Supply, direct line (kWh)": DIRECT, "Matched, on-site (kWh)": ONSITE,
                "Matched, direct line (kWh)": DIRECT_MATCHED, "Surplus, on-site (kWh)": 0,
                "Surplus, direct line (kWh)": SURPLUS, "Unmatched load (kWh)": UNMATCHED,
                "Matched share (24/7, CFE score)": MATCHED / LOAD, "Volumetric share": (ONSITE + DIRECT) / LOAD}
        for label in ("2025-03", "Matched months"):
            r = rows.get(label)
            c.ok(r is not None, "By month has %s" % label)
            for k, v in want.items():
                col = heads.index(k) + 1 if k in heads else None
                c.ok(col is not None, "By month has the column %s" % k)
                if r is not None and col is not None:
                    c.close(ws.cell(r, col).value, v, "By month %s %s" % (label, k), rel=1e-12)
        c.ok(ws.cell(rows["2025-03"], heads.index("Volumetric share") + 1).number_format == "0.0%",
             "shares in percent")
        # The average day.
        pr = rows.get("Hour of day")
        ph = [ws.cell(pr, col).value for col in range(1, 6)] if pr else []
        c.ok(ph == ["Hour of day", "Load (kWh)", "Supply, on-site (kWh)", "Supply, direct line (kWh)",
                    "Matched, all green sources (kWh)"], "profile header %r" % ph)
        for hour in range(24) if pr else []:
            got = [ws.cell(pr + 1 + hour, col).value for col in range(1, 6)]
            m = min(100, onsite(hour) + direct(hour))
            c.ok(got == [hour, 100, onsite(hour), direct(hour), m], "average day %d: %r" % (hour, got))
        # The heatmap: 31 days x 24 hours of matched / load.
        dr = rows.get("Day")
        c.ok(dr is not None and [ws.cell(dr, 1 + k + 1).value for k in range(24)] == [str(k) for k in range(24)],
             "heatmap header: the hours")
        days = [r for r in range(1, ws.max_row + 1) if re.fullmatch(r"2025-03-\d\d", str(ws.cell(r, 1).value))]
        c.ok(len(days) == 31 and ws.cell(days[0], 1).value == "2025-03-01", "a row per day of March (%d)" % len(days))
        for r in days:
            got = [ws.cell(r, 2 + k).value for k in range(24)]
            want = [min(100, onsite(k) + direct(k)) / 100 for k in range(24)]
            if got != want:
                c.ok(False, "heatmap %s: %r" % (ws.cell(r, 1).value, got))
                break
        if days:
            c.close(ws.cell(days[0], 26).value, (DAY_ONSITE + DAY_DIRECT_MATCHED) / DAY_LOAD, "whole day share")
            c.ok(ws.cell(days[0], 2).number_format == "0%", "heatmap cells in 0%")
        # Evidence: the input files with their SHA-256, repeated here.
        texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        for name in ("e.csv", "p.csv"):
            digest = hashlib.sha256(open(os.path.join(tmp, name), "rb").read()).hexdigest()
            c.ok(digest in texts and name in texts, "Hourly lists %s with its SHA-256" % name)

    # No NaN or infinity anywhere; the colour scale; the chart beside the table, over no content.
    c.ok(finite_everywhere(book) == [], "no NaN or infinity: %r" % finite_everywhere(book)[:3])
    with zipfile.ZipFile(book) as z:
        xml = z.read(sheet_part(z, "Hourly")).decode()
    cf = re.search(r'<conditionalFormatting sqref="([A-Z]+\d+):([A-Z]+\d+)">(.*?)</conditionalFormatting>', xml, re.S)
    c.ok(cf is not None and "<colorScale>" in cf.group(3) and cf.group(3).count("<cfvo") == 3
         and cf.group(3).count("<color rgb=") == 3, "a 3-colour scale on the heatmap")
    if cf is not None and ws is not None:
        first = by_label(ws).get("2025-03-01")
        c.ok((cf.group(1), cf.group(2)) == ("B%d" % first, "Z%d" % (first + 30)), "the scale covers the heatmap: %s:%s"
             % (cf.group(1), cf.group(2)))
        c.ok('type="num" val="0"' in cf.group(3) and 'type="num" val="1"' in cf.group(3), "fixed 0 % and 100 %")
    anchors, chart = chart_anchors(book, "Hourly")
    c.ok(len(anchors) == 1, "one chart on Hourly (%r)" % anchors)
    if anchors and ws is not None:
        c0, r0, c1, r1 = anchors[0]
        covered = [(r, col, ws.cell(r + 1, col + 1).value) for r in range(r0, r1 + 1) for col in range(c0, c1 + 1)
                   if ws.cell(r + 1, col + 1).value is not None]
        c.ok(covered == [], "the chart covers no cell with content: %r" % covered[:3])
        pr = by_label(ws).get("Hour of day")
        c.ok(pr is not None and r0 == pr - 1 and r1 <= pr + 23, "the chart is beside the average day (%r)" %
             (anchors[0],))
    c.ok(chart is not None and 'formatCode="#,##0"' in chart and '<c:min val="0"/>' in chart and
         "kWh per hour" in chart and "Average day" in chart, "profile chart: kWh axis from 0 with separators")

    # Electricity marks the month; Method explains; no direct-line note when every direct kWh is matched.
    wb = openpyxl.load_workbook(book)
    el = wb["Electricity"]
    c.ok(any(el.cell(r, 1).value == "2025-03" and el.cell(r, 19).value == "hour-matched (see Hourly)"
             for r in range(2, el.max_row + 1)), "Electricity marks the hour-matched month")
    method = [v for (v,) in wb["Method"].iter_rows(max_col=1, values_only=True) if v]
    c.ok(any(v.startswith("Hourly matching (Hourly)") and "rest of the load as grid" in v for v in method),
         "Method explains hourly matching")
    c.ok(not any(v.startswith("Evidence: monthly totals do not show") for v in method),
         "Method's evidence line speaks of the hourly months")
    c.ok(wb["CBAM_Communication"]["B3"].value is None, "no direct-line note: every direct kWh is hour-matched")

    # 2. Chinese.
    p = run(["report", "-q", "-e", "e.csv", "-p", "p.csv", "--enterprise", "E1", "--to", "2025-03", "-o", "zh.xlsx",
             "--lang", "zh"], tmp)
    c.ok(p.returncode == 0, "zh: %s" % p.stderr)
    zws = check_hourly(os.path.join(tmp, "zh.xlsx"), ent, zh=True)
    if zws is not None:
        labels = set(by_label(zws))
        for want in ("用电负荷（kWh）", "未匹配负荷（kWh）", "逐小时匹配率（24/7、CFE 得分）", "电量占比", "各月", "时段（时）",
                     "日期", "自发自用", "绿电直连"):
            c.ok(want in labels, "zh label %s" % want)
        texts = [v for row in zws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
        c.ok("供电量：绿电直连（kWh）" in texts and "匹配电量：自发自用（kWh）" in texts, "zh column heads")
        c.ok(not any(t in texts for t in ("Load (kWh)", "Day", "Hourly matching")), "no English label left")
        _, chart = chart_anchors(os.path.join(tmp, "zh.xlsx"), "Hourly")
        c.ok(chart is not None and "每小时 kWh" in chart, "zh chart axis")

    # 3. April's direct line has interval rows but the load meter a monthly row: not matched, the reason
    #    shown, the direct-line note back on CBAM_Communication. E2 has no interval rows: no Hourly.
    april = ["E1,2025-04,M-LOAD,load,72000"] + ["E1,2025-04-%02d %02d:00,DL,green_direct,10" % (d, h)
                                                for d in range(1, 31) for h in range(24)]
    open(os.path.join(tmp, "e2.csv"), "w").write(head + "\n".join(march() + april + ["E2,2025-03,G,grid,5000"]) + "\n")
    for lang, reason in (("en", "the load meter has monthly or daily rows this month"), ("zh", "本月总表为月度或日度数据")):
        out = "a-%s.xlsx" % lang
        p = run(["report", "-q", "-e", "e2.csv", "-p", "p.csv", "--enterprise", "E1", "-o", out, "--json", "a.json",
                 "--lang", lang], tmp)
        c.ok(p.returncode == 0, "April: %s" % p.stderr)
        ent2 = json.load(open(os.path.join(tmp, "a.json")))["enterprises"][0]
        c.ok([m["matched"] for m in ent2["hourly"]["months"]] == [True, False], "April is not matched")
        wb = openpyxl.load_workbook(os.path.join(tmp, out), data_only=True)
        hws = wb["Hourly"]
        r = by_label(hws).get("2025-04")
        c.ok(r is not None and hws.cell(r, 2).value == reason and
             all(hws.cell(r, col).value is None for col in range(3, 15)), "%s: April's row gives the reason" % lang)
        c.ok(wb["CBAM_Communication"]["B3"].value ==
             "Monthly totals: the one-hour match required for direct-link/PPA evidence is not demonstrated.",
             "%s: the direct-line note for April's monthly kWh" % lang)
        c.ok(finite_everywhere(os.path.join(tmp, out)) == [], "%s: no NaN or infinity" % lang)
    if ent2["hourly"]:
        check_hourly(os.path.join(tmp, "a-en.xlsx"), ent2)
    p = run(["report", "-q", "-e", "e2.csv", "-p", "p.csv", "--enterprise", "E2", "-o", "e2.xlsx"], tmp)
    c.ok(p.returncode == 0, "E2: %s" % p.stderr)
    wb = openpyxl.load_workbook(os.path.join(tmp, "e2.xlsx"))
    c.ok(wb.sheetnames == SEVEN, "no interval rows, no Hourly sheet: %s" % wb.sheetnames)
    method = [v for (v,) in wb["Method"].iter_rows(max_col=1, values_only=True) if v]
    c.ok(any(v.startswith("Evidence: monthly totals do not show") for v in method) and
         not any(v.startswith("Hourly matching") for v in method), "Method as before without interval rows")
    with zipfile.ZipFile(os.path.join(tmp, "e2.xlsx")) as z:
        c.ok("xl/worksheets/sheet8.xml" not in z.namelist() and "xl/charts/chart4.xml" not in z.namelist(),
             "no eighth sheet, no fourth chart")

    # 4. Nothing matched (no load meter, the grid monthly): the months with their reason, no heatmap, no chart.
    rows = ["N1,2025-03-%02d %02d:00,DL,green_direct,%d" % (d, h, direct(h)) for d in range(1, 32) for h in range(24)]
    open(os.path.join(tmp, "n.csv"), "w").write(head + "\n".join(rows + ["N1,2025-03,G,grid,50000"]) + "\n")
    p = run(["report", "-q", "-e", "n.csv", "-o", "n.xlsx", "--json", "n.json"], tmp)
    c.ok(p.returncode == 0, "nothing matched: %s" % p.stderr)
    entn = json.load(open(os.path.join(tmp, "n.json")))["enterprises"][0]
    c.ok(entn["hourly"] is not None and entn["hourly"]["matched_months"] == 0, "no month matched")
    wb = openpyxl.load_workbook(os.path.join(tmp, "n.xlsx"), data_only=True)
    c.ok(wb.sheetnames == EIGHT, "an Hourly sheet all the same: %s" % wb.sheetnames)
    nws = wb["Hourly"]
    rows = by_label(nws)
    r = rows.get("2025-03")
    c.ok(r is not None and nws.cell(r, 2).value == "no load meter, and not every meter has hourly rows this month",
         "the month's reason")
    c.ok(any(k.startswith("No month could be matched") for k in rows), "says that nothing was matched")
    c.ok("Day" not in rows and chart_anchors(os.path.join(tmp, "n.xlsx"), "Hourly")[0] == [], "no heatmap, no chart")
    c.ok(nws.cell(rows["Matched share (24/7, CFE score)"], 2).value is None, "no share without load")
    c.ok(finite_everywhere(os.path.join(tmp, "n.xlsx")) == [], "no NaN or infinity")
    c.ok(wb["CBAM_Communication"]["B3"].value is not None, "the direct-line note: nothing was matched")

# hourly.c's reasons have their Chinese in labels.c, word for word.
hourly_c = open(os.path.join(SRC, "hourly.c"), encoding="utf-8").read()
labels_c = open(os.path.join(SRC, "labels.c"), encoding="utf-8").read()
reasons = re.findall(r'hm->reason = "([^"]*)"', hourly_c)
c.ok(len(reasons) >= 4, "hourly.c's reasons found (%d)" % len(reasons))
for reason in reasons:
    c.ok('{"%s",' % reason in labels_c, "labels.c translates %r" % reason)

c.finish()
