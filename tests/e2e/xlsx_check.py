"""Reads cbamcalc's workbooks back with openpyxl and checks them against the
JSON of the same run: sheet names, every figure, text-vs-number types, formulas,
text that looks like a formula, print setup, and byte-identical reruns."""
import json
import os
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

SHEETS = ["Summary", "Electricity", "Products", "CBAM_Communication", "Factors",
          "Data_Quality", "Method"]
SOURCES = ["grid", "green_trade", "green_ppa", "green_direct", "onsite", "supplier"]
c = Checks()


def rows_by_first(ws, first_col=1, start=2):
    out = {}
    for row in ws.iter_rows(min_row=start, values_only=True):
        if row[first_col - 1] is not None:
            out.setdefault(row[first_col - 1], []).append(row)
    return out


def check_workbook(path, ent, label_total="Total", period_label="period"):
    wb_v = openpyxl.load_workbook(path, data_only=True)   # cached values
    wb_f = openpyxl.load_workbook(path, data_only=False)  # formulas
    c.ok(wb_v.sheetnames == SHEETS, "%s: sheets %s" % (path, wb_v.sheetnames))

    # Electricity: one row per month, then Total.
    ws, wf = wb_v["Electricity"], wb_f["Electricity"]
    months = {m["period"]: m for m in ent["months"]}
    seen = 0
    for r in range(2, ws.max_row + 1):
        key = ws.cell(r, 1).value
        if key in months:
            m = months[key]
            seen += 1
            c.ok(isinstance(key, str), "month %r is text" % key)
            for i, s in enumerate(SOURCES):
                c.close(ws.cell(r, 2 + i).value, m["electricity_kwh"][s], "%s %s kWh" % (key, s))
            c.close(ws.cell(r, 8).value, m["electricity_kwh"]["consumption"], "%s consumption" % key)
            c.ok(str(wf.cell(r, 8).value).startswith("=SUM("), "%s consumption is a formula" % key)
            c.close(ws.cell(r, 10).value, m["electricity_kwh"]["certificates_used"], "%s certs used" % key)
            for col, meth in ((15, "location"), (16, "market"), (17, "cbam")):
                c.close(ws.cell(r, col).value, m["emissions_t_co2"][meth], "%s %s t" % (key, meth))
                c.ok(str(wf.cell(r, col).value).startswith("="), "%s %s is a formula" % (key, meth))
            c.ok(str(wf.cell(r, 11).value).startswith("=Factors!"), "%s EF refers to Factors" % key)
        elif key == label_total:
            for col, meth in ((15, "location"), (16, "market"), (17, "cbam")):
                c.close(ws.cell(r, col).value, ent["emissions_t_co2"][meth], "total %s" % meth)
            c.close(ws.cell(r, 8).value, ent["electricity_kwh"]["consumption"], "total kWh")
            c.close(ws.cell(r, 18).value, ent["electricity_kwh"]["unallocated"], "total unallocated")
    c.ok(seen == len(months), "Electricity has %d of %d months" % (seen, len(months)))
    c.ok(ws.freeze_panes == "A2", "Electricity header frozen (%s)" % ws.freeze_panes)
    c.ok(ws.auto_filter.ref is not None, "Electricity has an autofilter")
    c.ok(ws.page_setup.orientation == "landscape", "Electricity prints landscape")
    # fitToWidth 1 is the default and so absent from the XML; 0 pages high means "as many as needed".
    c.ok(ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (0, "0") and
         ws.sheet_properties.pageSetUpPr.fitToPage, "Electricity fits one page wide")

    # Products: the period line of each product equals the JSON.
    ws = wb_v["Products"]
    period_rows = {}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 4).value == period_label:
            period_rows[ws.cell(r, 1).value] = r
    for p in ent["products"]:
        r = period_rows.get(p["product_id"])
        c.ok(r is not None, "Products has %s" % p["product_id"])
        if r is None:
            continue
        c.ok(isinstance(ws.cell(r, 1).value, str), "product id is text")
        c.close(ws.cell(r, 5).value, p["quantity_t"], "%s t" % p["product_id"])
        c.close(ws.cell(r, 9).value, p["electricity_kwh"], "%s kWh" % p["product_id"], rel=1e-14)
        for col, meth in ((10, "location"), (11, "market"), (12, "cbam")):
            c.close(ws.cell(r, col).value, p["emissions_t_co2"][meth], "%s %s t" % (p["product_id"], meth))
        if p["see_indirect_t_co2_per_t"] is not None:
            for col, meth in ((13, "location"), (14, "market"), (15, "cbam")):
                c.close(ws.cell(r, col).value, p["see_indirect_t_co2_per_t"][meth],
                        "%s SEE %s" % (p["product_id"], meth))
            c.close(ws.cell(r, 16).value, p["electricity_mwh_per_t"], "%s MWh/t" % p["product_id"], rel=1e-14)
        if p["cn_code"]:
            cn = ws.cell(r, 3).value
            c.ok(cn == "%s %s %s" % (p["cn_code"][:4], p["cn_code"][4:6], p["cn_code"][6:]),
                 "CN code %r as text" % cn)
    # Products total (period lines + unallocated) equals the Electricity totals.
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == label_total:
            c.close(ws.cell(r, 9).value, ent["electricity_kwh"]["consumption"], "Products total kWh", rel=1e-14)
            c.close(ws.cell(r, 12).value, ent["emissions_t_co2"]["cbam"], "Products total CBAM t", rel=1e-14)

    # CBAM_Communication: header in English, one row per good.
    ws = wb_v["CBAM_Communication"]
    c.ok(ws.cell(5, 6).value == "SEE (indirect)", "CBAM header %r" % ws.cell(5, 6).value)
    byid = {ws.cell(r, 1).value: r for r in range(6, ws.max_row + 1)}
    for p in ent["products"]:
        r = byid.get(p["product_id"])
        c.ok(r is not None, "CBAM_Communication has %s" % p["product_id"])
        if r is None or p["see_indirect_t_co2_per_t"] is None:
            continue
        c.close(ws.cell(r, 6).value, p["see_indirect_t_co2_per_t"]["cbam"], "CBAM SEE indirect")
        c.ok(ws.cell(r, 5).value is None, "SEE direct left empty")
        c.close(ws.cell(r, 10).value, p["electricity_mwh_per_t"], "CBAM MWh/t")
        c.close(ws.cell(r, 11).value, p["cbam_ef_t_co2_per_mwh"], "CBAM EF")
        c.ok(ws.cell(r, 9).value == p["cbam_ef_source_code"], "CBAM source code")

    # Factors: every factor of the JSON with its value.
    ws = wb_v["Factors"]
    fac = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    for kind in ("location", "residual", "cbam"):
        f = ent["factors"][kind]
        if f is not None:
            c.close(fac.get(f["id"]), f["kg_co2_per_kwh"], "factor %s" % f["id"])
    for f in ent["factors"]["supplier"]:
        c.close(fac.get(f["id"]), f["kg_co2_per_kwh"], "supplier factor %s" % f["id"])

    # Summary figures are the JSON's.
    ws = wb_v["Summary"]
    found = 0
    for r in range(1, 40):
        label = ws.cell(r, 1).value
        for name, meth in (("Location-based (Scope 2)", "location"), ("Market-based (Scope 2)", "market"),
                           ("CBAM indirect", "cbam")):
            if label == name:
                c.close(ws.cell(r, 2).value, ent["emissions_t_co2"][meth], "Summary %s" % meth)
                found += 1
    c.ok(found == 3 or label_total != "Total", "Summary lists the three methods (%d)" % found)
    return wb_v


with tempfile.TemporaryDirectory() as tmp:
    # 1. The demo: one workbook per enterprise, the same figures as report.json.
    p = run(["demo", "-o", "d", "-q"], tmp)
    c.ok(p.returncode == 0, "demo exit %d: %s" % (p.returncode, p.stderr))
    report = json.load(open(os.path.join(tmp, "d", "report.json")))
    for ent in report["enterprises"]:
        wb = check_workbook(os.path.join(tmp, "d", ent["enterprise_id"] + ".xlsx"), ent)
        props = wb.properties
        c.ok(ent["enterprise_id"] in (props.title or ""), "title %r" % props.title)
        c.ok("CBAM" in (props.keywords or ""), "keywords %r" % props.keywords)
        with zipfile.ZipFile(os.path.join(tmp, "d", ent["enterprise_id"] + ".xlsx")) as z:
            app = z.read("docProps/app.xml").decode()
            c.ok("<Company>" in app, "company set")
        # Data_Quality lists this enterprise's diagnostics, not the other's.
        others = [e["enterprise_id"] for e in report["enterprises"] if e is not ent]
        texts = [v for row in wb["Data_Quality"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
        c.ok(not any(o in t for o in others for t in texts), "Data_Quality of %s is its own" % ent["enterprise_id"])
        c.ok(any("one-hour match" in t for t in texts) == (ent["electricity_kwh"]["green_direct"] > 0),
             "hourly-match warning where a direct line is used")

    # 2. Hostile and awkward text stays text.
    os.mkdir(os.path.join(tmp, "h"))
    h = os.path.join(tmp, "h")
    open(os.path.join(h, "e.csv"), "w").write(
        "enterprise_id,period,meter_id,source,kwh,product_id\n"
        "X1,2024-01,4230000100027673777,grid,1000,\n"
        "X1,2024-01,4230000100027673778,grid,500,00123\n"
        "X2,2024-01,M,grid,1,\n")
    open(os.path.join(h, "p.csv"), "w").write(
        "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n"
        'X1,2024-01,00123,"=HYPERLINK(""http://example.invalid"",""click"")",7318 15 88,10,t\n'
        "X1,2024-01,+SUM,@cmd,2523 29 00,5,t\n")
    open(os.path.join(h, "i.csv"), "w").write(
        "enterprise_id,name,country,province\nX1,=1+1,CN,Hebei\nX2,Two,CN,Hebei\n")
    args = ["report", "-e", "e.csv", "-p", "p.csv", "-i", "i.csv", "-q"]
    p = run(args + ["-o", "x.xlsx"], h)
    c.ok(p.returncode == 64 and "add --enterprise ID" in p.stderr, "two enterprises need --enterprise: %s" % p.stderr)
    c.ok(not os.path.exists(os.path.join(h, "x.xlsx")), "nothing written for two enterprises")
    p = run(args + ["--enterprise", "X1", "-o", "x.xlsx", "--json", "x.json"], h)
    c.ok(p.returncode == 0, "hostile text: exit %d %s" % (p.returncode, p.stderr))
    ent = json.load(open(os.path.join(h, "x.json")))["enterprises"][0]
    check_workbook(os.path.join(h, "x.xlsx"), ent)
    wb = openpyxl.load_workbook(os.path.join(h, "x.xlsx"))
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells.setdefault(cell.value, cell)
    for text in ('=HYPERLINK("http://example.invalid","click")', "+SUM", "@cmd", "=1+1", "00123",
                 "4230000100027673777", "4230000100027673778"):
        cell = cells.get(text)
        c.ok(cell is not None and cell.data_type == "s", "%r is written as text (%s)" %
             (text, cell.data_type if cell is not None else "missing"))
    ws = wb["CBAM_Communication"]
    cats = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 12).value) for r in range(6, ws.max_row + 1)}
    c.ok(cats.get("00123") == ("Iron or steel products", "no (direct emissions only)"), "bolt category %r" % (cats.get("00123"),))
    c.ok(cats.get("+SUM") == ("Cement", "yes"), "cement category %r" % (cats.get("+SUM"),))

    # 3. Byte-identical reruns; SOURCE_DATE_EPOCH sets the creation time.
    run(args + ["--enterprise", "X1", "-o", "y.xlsx"], h)
    c.ok(open(os.path.join(h, "x.xlsx"), "rb").read() == open(os.path.join(h, "y.xlsx"), "rb").read(),
         "two runs give byte-identical workbooks")
    run(args + ["--enterprise", "X1", "-o", "z.xlsx"], h, env={"SOURCE_DATE_EPOCH": "1767225600"})
    with zipfile.ZipFile(os.path.join(h, "z.xlsx")) as z:
        core = z.read("docProps/core.xml").decode()
    c.ok("2026-01-01T00:00:00Z" in core, "SOURCE_DATE_EPOCH is the creation time")
    with zipfile.ZipFile(os.path.join(h, "x.xlsx")) as z:
        core = z.read("docProps/core.xml").decode()
    c.ok("2024-02-01T00:00:00Z" in core, "without it, the day after the period")

    # 4. Chinese labels, English CBAM sheet.
    p = run(args + ["--enterprise", "X1", "-o", "zh.xlsx", "--lang", "zh"], h)
    wb = openpyxl.load_workbook(os.path.join(h, "zh.xlsx"))
    c.ok(wb["Summary"].cell(1, 1).value.startswith("电力碳排放报告"), "Chinese title")
    c.ok(wb["Electricity"].cell(1, 2).value == "电网（kWh）", "Chinese header")
    c.ok(wb["CBAM_Communication"].cell(5, 6).value == "SEE (indirect)", "CBAM sheet stays English")

    # 5. Bad input: exit 65, no workbook, an existing one untouched.
    open(os.path.join(h, "bad.csv"), "w").write("enterprise_id,period,source,kwh\nX1,2024-01,grid,1e400\n")
    before = open(os.path.join(h, "x.xlsx"), "rb").read()
    p = run(["report", "-e", "bad.csv", "-o", "x.xlsx", "-q"], h)
    c.ok(p.returncode == 65, "bad input exit %d" % p.returncode)
    c.ok(open(os.path.join(h, "x.xlsx"), "rb").read() == before, "the good workbook is untouched")
    p = run(args + ["--enterprise", "X1", "-o", "/nonexistent-dir/x.xlsx"], h)
    c.ok(p.returncode == 73, "unwritable output exit %d" % p.returncode)
    c.ok(sorted(f for f in os.listdir(h) if f.startswith(".")) == [], "no temporary files left")

c.finish()
