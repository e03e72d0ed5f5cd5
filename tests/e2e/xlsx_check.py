"""Reads cbamcalc's workbooks back with openpyxl and checks them against the
JSON of the same run: sheet names, every figure, text-vs-number types, formulas,
text that looks like a formula, print setup, and byte-identical reruns."""
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, command, run  # noqa: E402

SHEETS = ["Summary", "Electricity", "Products", "CBAM_Communication", "Factors",
          "Data_Quality", "Method"]
SOURCES = ["grid", "green_trade", "green_ppa", "green_direct", "onsite", "supplier"]
# Products columns (1-based)
(P_QTY, P_QTY_SEE, P_KWH, P_LOC, P_MKT, P_CBAM, P_SEE_LOC, P_SEE_MKT, P_SEE_CBAM,
 P_MWH_T) = (5, 6, 10, 16, 17, 18, 19, 20, 21, 22)
L = openpyxl.utils.get_column_letter
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "factors", "cn-names.csv"),
          newline="", encoding="utf-8") as f:
    CN_NAMES = {row[0]: row[1] for row in csv.reader(f)}
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
    # Two pages wide (issue 13: 19 columns on one page print at 6 pt), the month repeated on each;
    # 0 pages high means "as many as needed".
    c.ok(ws.page_setup.fitToWidth in (2, "2") and ws.page_setup.fitToHeight in (0, "0") and
         ws.sheet_properties.pageSetUpPr.fitToPage, "Electricity fits two pages wide")
    c.ok(ws.print_title_cols in ("A:A", "$A:$A"), "Electricity repeats the month column (%r)" % ws.print_title_cols)

    # Products: the period line of each product equals the JSON.
    ws, wf = wb_v["Products"], wb_f["Products"]
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
        c.close(ws.cell(r, P_QTY).value, p["quantity_t"], "%s t" % p["product_id"])
        c.close(ws.cell(r, P_QTY_SEE).value, p["quantity_in_see_t"], "%s t in SEE" % p["product_id"])
        c.close(ws.cell(r, P_KWH).value, p["electricity_kwh"], "%s kWh" % p["product_id"], rel=1e-14)
        for col, meth in ((P_LOC, "location"), (P_MKT, "market"), (P_CBAM, "cbam")):
            c.close(ws.cell(r, col).value, p["emissions_t_co2"][meth], "%s %s t" % (p["product_id"], meth))
            c.ok(str(wf.cell(r, col).value).startswith("=SUM("), "%s %s t adds up its months" % (p["product_id"], meth))
        if p["see_indirect_t_co2_per_t"] is not None:
            for col, meth in ((P_SEE_LOC, "location"), (P_SEE_MKT, "market"), (P_SEE_CBAM, "cbam")):
                c.close(ws.cell(r, col).value, p["see_indirect_t_co2_per_t"][meth],
                        "%s SEE %s" % (p["product_id"], meth))
                c.ok(wf.cell(r, col).value == "=%s%d/%s%d" % (L(col - 3), r, L(P_QTY_SEE), r),
                     "%s SEE %s = tCO2 / t in SEE (%s)" % (p["product_id"], meth, wf.cell(r, col).value))
            c.close(ws.cell(r, P_MWH_T).value, p["electricity_mwh_per_t"], "%s MWh/t" % p["product_id"], rel=1e-14)
        else:
            for col in (P_SEE_LOC, P_SEE_MKT, P_SEE_CBAM, P_MWH_T):
                c.ok(ws.cell(r, col).value in (None, "n/a", "不适用"),
                     "%s has no SEE: %r, never 0" % (p["product_id"], ws.cell(r, col).value))
        if p["cn_code"]:
            cn = ws.cell(r, 3).value
            c.ok(cn == "%s %s %s" % (p["cn_code"][:4], p["cn_code"][4:6], p["cn_code"][6:]),
                 "CN code %r as text" % cn)
    # Month lines: tCO2 by the Electricity formulas with that month's factor cells.
    erow = {ws_e: r for r, ws_e in ((r, wb_v["Electricity"].cell(r, 1).value)
                                   for r in range(2, wb_v["Electricity"].max_row + 1))}
    month_lines = 0
    for r in range(2, ws.max_row + 1):
        month = ws.cell(r, 4).value
        if month in (None, period_label) or month not in erow:
            continue
        month_lines += 1
        e = erow[month]
        c.ok(wf.cell(r, P_LOC).value == "=(K%d+L%d+M%d+N%d)*Electricity!$K$%d/1000" % (r, r, r, r, e),
             "Products!P%d location formula %s" % (r, wf.cell(r, P_LOC).value))
        c.ok(str(wf.cell(r, P_MKT).value).startswith("=((K%d-O%d)*Electricity!$L$%d" % (r, r, e)) or
             wf.cell(r, P_MKT).value == "=(K%d-O%d)*Electricity!$L$%d/1000" % (r, r, e),
             "Products!Q%d market formula %s" % (r, wf.cell(r, P_MKT).value))
        c.ok(wf.cell(r, P_CBAM).value == "=(K%d+L%d+N%d)*Electricity!$N$%d/1000" % (r, r, r, e),
             "Products!R%d CBAM formula %s" % (r, wf.cell(r, P_CBAM).value))
    c.ok(month_lines > 0, "Products has month lines")
    # Products total (period lines + unallocated) equals the Electricity totals.
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == label_total:
            c.close(ws.cell(r, P_KWH).value, ent["electricity_kwh"]["consumption"], "Products total kWh", rel=1e-14)
            c.close(ws.cell(r, P_CBAM).value, ent["emissions_t_co2"]["cbam"], "Products total CBAM t", rel=1e-14)

    # CBAM_Communication: header in English (the template's words, columns D to BA as in its
    # Summary_Communication), one row per good, figures from Products, unknowns empty.
    ws, wf = wb_v["CBAM_Communication"], wb_f["CBAM_Communication"]
    for col, text in ((1, "Product (cbamcalc)"), (4, "Production process from which the products arise"),
                      (5, "Type of aggregated good or precursor"), (6, "CN Codes"), (7, "CN Name"),
                      (9, "SEE (direct)"), (10, "SEE (indirect)"), (11, "SEE (total)"), (12, "Unit"),
                      (13, "Share of emissions by default value"), (14, "Source for electricity EF"),
                      (15, "Embedded electricity (MWh/t)"), (16, "Electricity EF (tCO2/MWh)"),
                      (38, "% N in other (organic) forms"), (39, "Type of instrument (carbon pricing)"),
                      (52, "Result: Effective CP due (per produced t or MWh)"), (54, "Quantity (t)"),
                      (55, "Quantity in SEE (t)")):
        c.ok(ws.cell(5, col).value == text, "CBAM header %s: %r" % (L(col), ws.cell(5, col).value))
    c.ok(ws.cell(5, 8).value.startswith("Product name"), "CBAM header H: %r" % ws.cell(5, 8).value)
    byid = {ws.cell(r, 1).value: r for r in range(6, ws.max_row + 1)}
    for p in ent["products"]:
        r = byid.get(p["product_id"])
        c.ok(r is not None, "CBAM_Communication has %s" % p["product_id"])
        if r is None:
            continue
        c.close(ws.cell(r, 54).value, p["quantity_t"], "CBAM quantity")
        c.close(ws.cell(r, 55).value, p["quantity_in_see_t"], "CBAM quantity in SEE")
        # What cbamcalc cannot know: production process, SEE direct, share by default values,
        # the precursor and carbon price columns (Q to BA): empty, never 0.
        for col in [4, 9, 13] + list(range(17, 54)):
            c.ok(ws.cell(r, col).value is None, "CBAM %s of %s left empty: %r" %
                 (L(col), p["product_id"], ws.cell(r, col).value))
        c.ok(ws.cell(r, 12).value == "tCO2e/t", "CBAM unit")
        cn = p.get("cn_code")
        if cn:
            c.ok(ws.cell(r, 6).value == cn and " " not in cn, "CBAM CN code %r, 8 digits without spaces" %
                 ws.cell(r, 6).value)
        c.ok(ws.cell(r, 7).value == CN_NAMES.get(cn), "CBAM CN name of %s: %r" % (cn, ws.cell(r, 7).value))
        c.ok(ws.cell(r, 8).value == (p["product_name"] or p["product_id"]),
             "CBAM product name %r" % ws.cell(r, 8).value)
        if p["see_indirect_t_co2_per_t"] is None:
            c.ok(ws.cell(r, 10).value == "n/a" and ws.cell(r, 15).value == "n/a",
                 "CBAM SEE of %s is n/a, never 0" % p["product_id"])
            continue
        c.close(ws.cell(r, 10).value, p["see_indirect_t_co2_per_t"]["cbam"], "CBAM SEE indirect")
        c.close(ws.cell(r, 15).value, p["electricity_mwh_per_t"], "CBAM MWh/t")
        c.close(ws.cell(r, 16).value, p["cbam_ef_t_co2_per_mwh"], "CBAM EF")
        c.ok(ws.cell(r, 14).value == p["cbam_ef_source_code"], "CBAM source code")
        c.ok(wf.cell(r, 11).value == "=IF(AND(ISNUMBER(I%d),ISNUMBER(J%d)),I%d+J%d,\"\")" % (r, r, r, r),
             "CBAM SEE (total) adds SEE (direct) once entered: %s" % wf.cell(r, 11).value)
        for col in (10, 15, 16, 54, 55):
            c.ok(str(wf.cell(r, col).value).startswith("=Products!"),
                 "CBAM_Communication %s col %d refers to Products (%s)" % (p["product_id"], col, wf.cell(r, col).value))

    # Factors: every factor of the JSON with its value.
    ws = wb_v["Factors"]
    fac = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    for kind in ("location", "residual", "cbam"):
        f = ent["factors"][kind]
        if f is not None:
            c.close(fac.get(f["id"]), f["kg_co2_per_kwh"], "factor %s" % f["id"])
    for f in ent["factors"]["supplier"]:
        c.close(fac.get(f["id"]), f["kg_co2_per_kwh"], "supplier factor %s" % f["id"])

    # Summary figures are the JSON's; factor values refer to Factors.
    ws, wf = wb_v["Summary"], wb_f["Summary"]
    found = 0
    for r in range(1, 40):
        label = ws.cell(r, 1).value
        for name, meth in (("Location-based (Scope 2)", "location"), ("Market-based (Scope 2)", "market"),
                           ("CBAM indirect", "cbam")):
            if label == name:
                c.close(ws.cell(r, 2).value, ent["emissions_t_co2"][meth], "Summary %s" % meth)
                v = wf.cell(r, 5).value
                c.ok(v is None or str(v).startswith("=Factors!"), "Summary %s factor value refers to Factors (%r)" % (meth, v))
                found += 1
                if meth == "market":
                    used = ws.cell(r, 4).value or ""
                    for f in ent["factors"]["supplier"]:
                        c.ok(f["id"] in used, "Summary market line names supplier factor %s (%r)" % (f["id"], used))
    c.ok(found == 3 or label_total != "Total", "Summary lists the three methods (%d)" % found)
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for p in ent["products"]:
        r = rows.get(p["product_id"])
        c.ok(r is not None, "Summary lists %s" % p["product_id"])
        if r is None:
            continue
        c.close(ws.cell(r, 3).value, p["quantity_t"], "Summary %s t" % p["product_id"])
        c.close(ws.cell(r, 4).value, p["quantity_in_see_t"], "Summary %s t in SEE" % p["product_id"])
        if p["see_indirect_t_co2_per_t"] is None:
            c.ok(all(ws.cell(r, col).value in ("n/a", "不适用") for col in (6, 7, 8, 9)),
                 "Summary SEE of %s is n/a, never 0" % p["product_id"])
        else:
            c.close(ws.cell(r, 8).value, p["see_indirect_t_co2_per_t"]["cbam"], "Summary %s SEE CBAM" % p["product_id"])
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
    cats = {ws.cell(r, 1).value: (ws.cell(r, 5).value, ws.cell(r, 3).value) for r in range(6, ws.max_row + 1)}
    c.ok(cats.get("00123") == ("Iron or steel products", "no (direct emissions only)"), "bolt category %r" % (cats.get("00123"),))
    c.ok(cats.get("+SUM") == ("Cement", "yes"), "cement category %r" % (cats.get("+SUM"),))

    # 3. Byte-identical reruns under one SOURCE_DATE_EPOCH, which sets the
    #    creation time; without it, the time the run made the file (issue 13:
    #    "Created (UTC)" is not a date the run did not happen on), and the
    #    inputs' hash says what it was made from.
    sde = {"SOURCE_DATE_EPOCH": "1767225600"}
    run(args + ["--enterprise", "X1", "-o", "y.xlsx"], h, env=sde)
    run(args + ["--enterprise", "X1", "-o", "z.xlsx"], h, env=sde)
    c.ok(open(os.path.join(h, "y.xlsx"), "rb").read() == open(os.path.join(h, "z.xlsx"), "rb").read(),
         "two runs with one SOURCE_DATE_EPOCH give byte-identical workbooks")
    with zipfile.ZipFile(os.path.join(h, "z.xlsx")) as z:
        core = z.read("docProps/core.xml").decode()
    c.ok("2026-01-01T00:00:00Z" in core, "SOURCE_DATE_EPOCH is the creation time")
    env_now = dict(os.environ)
    env_now.pop("SOURCE_DATE_EPOCH", None)
    t0 = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    p = subprocess.run(command(args + ["--enterprise", "X1", "-o", "now.xlsx", "--json", "now.json"]), cwd=h,
                       capture_output=True, text=True, env=env_now)
    t1 = datetime.datetime.now(datetime.timezone.utc)
    with zipfile.ZipFile(os.path.join(h, "now.xlsx")) as z:
        core = z.read("docProps/core.xml").decode()
    stamp = core.split("<dcterms:created", 1)[1].split(">", 1)[1].split("<", 1)[0] if "<dcterms:created" in core else ""
    try:
        made = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        made = None
    c.ok(p.returncode == 0 and made is not None and t0 <= made <= t1,
         "without it, the creation time is the run's: %r not in [%s, %s]" % (stamp, t0, t1))
    summary = openpyxl.load_workbook(os.path.join(h, "now.xlsx"))["Summary"]
    kv = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, 20)}
    with open(os.path.join(h, "now.json")) as f:
        digest = json.load(f)["inputs_sha256"]
    c.ok(kv.get("Created (UTC)") == made.strftime("%Y-%m-%d %H:%M:%S") if made else False,
         "Summary's Created (UTC) is the run's time: %r" % kv.get("Created (UTC)"))
    c.ok(kv.get("Inputs' hash (SHA-256)") == digest and len(digest) == 64,
         "Summary names the inputs' hash, the JSON's: %r" % kv.get("Inputs' hash (SHA-256)"))

    # 3b. An output's name must say what it is: a workbook under .csv is
    #     opened as text and a JSON under .xlsx not at all (issue 13).
    for opts, what in ((["-o", "r.csv"], "-o r.csv"), (["-o", "r"], "-o r"), (["--json", "r.xlsx"], "--json r.xlsx"),
                       (["-o", "r.xlsx", "--json", "r.txt"], "--json r.txt"), (["-o", ".xlsx"], "-o .xlsx")):
        p = run(args + ["--enterprise", "X1"] + opts, h)
        c.ok(p.returncode == 64 and ("is written as" in p.stderr) and
             not any(os.path.exists(os.path.join(h, n)) for n in ("r.csv", "r", "r.xlsx", "r.txt", ".xlsx")),
             "%s is refused (64), nothing written: %d %s" % (what, p.returncode, p.stderr.strip()[-160:]))
    p = run(args + ["--enterprise", "X1", "-o", "UPPER.XLSX", "--json", "UPPER.Json"], h)
    c.ok(p.returncode == 0 and os.path.exists(os.path.join(h, "UPPER.XLSX")),
         ".XLSX and .Json in capitals are accepted: %d %s" % (p.returncode, p.stderr[-160:]))

    # 4. Chinese labels, English CBAM sheet.
    p = run(args + ["--enterprise", "X1", "-o", "zh.xlsx", "--lang", "zh"], h)
    wb = openpyxl.load_workbook(os.path.join(h, "zh.xlsx"))
    c.ok(wb["Summary"].cell(1, 1).value.startswith("电力碳排放报告"), "Chinese title")
    c.ok(wb["Electricity"].cell(1, 2).value == "电网（kWh）", "Chinese header")
    c.ok(wb["CBAM_Communication"].cell(5, 10).value == "SEE (indirect)" and
         wb["CBAM_Communication"].cell(5, 7).value == "CN Name", "CBAM sheet stays English")

    # 5. Bad input: exit 65, no workbook, an existing one untouched.
    open(os.path.join(h, "bad.csv"), "w").write("enterprise_id,period,source,kwh\nX1,2024-01,grid,1e400\n")
    before = open(os.path.join(h, "x.xlsx"), "rb").read()
    p = run(["report", "-e", "bad.csv", "-o", "x.xlsx", "-q"], h)
    c.ok(p.returncode == 65, "bad input exit %d" % p.returncode)
    c.ok(open(os.path.join(h, "x.xlsx"), "rb").read() == before, "the good workbook is untouched")
    p = run(args + ["--enterprise", "X1", "-o", "/nonexistent-dir/x.xlsx"], h)
    c.ok(p.returncode == 73, "unwritable output exit %d" % p.returncode)
    c.ok(sorted(f for f in os.listdir(h) if f.startswith(".")) == [], "no temporary files left")

    # 6. SEE uses only the months with both electricity and production; n/a, never 0, without them.
    s = os.path.join(tmp, "s")
    os.mkdir(s)
    open(os.path.join(s, "p.csv"), "w").write(
        "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n"
        "N1,2024-01,P1,Bolt,7318 15 88,10,t\n"
        "N1,2024-02,P1,Bolt,7318 15 88,5,t\n"
        "N1,2024-02,P2,Clinker,2523 10 00,7,t\n")
    sargs = ["report", "-e", "e.csv", "-p", "p.csv", "-q"]
    # Supplier rows name their factor: the park's blended one.
    open(os.path.join(s, "e.csv"), "w").write(
        "enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n"
        "N1,2024-01,M,grid,1000,,\n"
        "N1,2024-01,S,supplier,500,,yuncheng-etdz-2025\n")
    p = run(sargs + ["-o", "n.xlsx", "--json", "n.json"], s)
    c.ok(p.returncode == 0, "SEE case: exit %d %s" % (p.returncode, p.stderr))
    ent = json.load(open(os.path.join(s, "n.json")))["enterprises"][0]
    prods = {q["product_id"]: q for q in ent["products"]}
    c.close(prods["P1"]["quantity_in_see_t"], 10.0, "JSON: P1 has 10 t in SEE")
    c.ok(prods["P2"]["see_indirect_t_co2_per_t"] is None, "JSON: P2 has no SEE")
    check_workbook(os.path.join(s, "n.xlsx"), ent)
    wb = openpyxl.load_workbook(os.path.join(s, "n.xlsx"), data_only=True)
    ws = wb["Products"]
    lines = {(ws.cell(r, 1).value, ws.cell(r, 4).value): r for r in range(2, ws.max_row + 1)}
    r = lines.get(("P1", "period"))
    c.ok(r is not None and ws.cell(r, P_QTY).value == 15 and ws.cell(r, P_QTY_SEE).value == 10,
         "Products shows P1's 15 t and its 10 t in SEE")
    r = lines.get(("P1", "2024-02"))
    c.ok(r is not None and ws.cell(r, P_SEE_CBAM).value == "n/a", "P1 2024-02 (no electricity): SEE n/a")
    # Summary names the market-based factors: the residual and the supplier's.
    ws = wb["Summary"]
    mrow = [r for r in range(1, 40) if ws.cell(r, 1).value == "Market-based (Scope 2)"]
    used = ws.cell(mrow[0], 4).value if mrow else ""
    c.ok("cn-mee-residual" in used and "yuncheng-etdz-2025" in used, "Summary market factors %r" % used)
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    c.ok(any("not for CBAM" in t and "D.4.3" in t for t in texts), "Summary: supplier factors are not for CBAM")
    texts = [v for row in wb["Method"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    for words in ("both electricity and production", "whole year", "--product PRODUCT_ID", "Plausibility",
                  "direct technical link"):
        c.ok(any(words in t for t in texts), "Method explains %r" % words)
    p = run(sargs + ["-o", "nz.xlsx", "--lang", "zh"], s)
    texts = [v for row in openpyxl.load_workbook(os.path.join(s, "nz.xlsx"))["Method"].iter_rows(values_only=True)
             for v in row if isinstance(v, str)]
    for words in ("既有用电又有产量", "整年", "--product PRODUCT_ID", "合理性", "直接技术连接"):
        c.ok(any(words in t for t in texts), "Chinese Method explains %r" % words)

    # 7. A user's factor file that replaces a shipped id: status user, and a warning on Factors.
    os.mkdir(os.path.join(s, "f"))
    open(os.path.join(s, "f", "mine.csv"), "w").write(
        "id,kind,country,region,year,value,unit,source,url,status,note\n"
        "cbam-default-cn,cbam_default,CN,,2026,0.7,tCO2e/MWh,my own copy,,user,test\n")
    p = run(sargs + ["--factors", "f", "-o", "f.xlsx"], s)
    c.ok(p.returncode == 0, "user factors: exit %d %s" % (p.returncode, p.stderr))
    ws = openpyxl.load_workbook(os.path.join(s, "f.xlsx"))["Factors"]
    st = {ws.cell(r, 1).value: ws.cell(r, 8).value for r in range(2, ws.max_row + 1)}
    c.ok(st.get("cbam-default-cn") == "user", "Factors: status %r" % st.get("cbam-default-cn"))
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    c.ok(any("cbam-default-cn" in t and "replaces the shipped factor" in t for t in texts),
         "Factors warns that cbam-default-cn replaced the shipped one")
    ws = openpyxl.load_workbook(os.path.join(s, "n.xlsx"))["Factors"]
    texts = [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    c.ok(not any("replaces the shipped" in t for t in texts), "no warning without a user's file")

    # 8. Long Chinese ids and names: cut on a character boundary, the workbook stays readable.
    for n in (50, 200):
        ident = ("运城示例企业编号" * 30)[:n]
        name = ("运城经济技术开发区示例铸造有限公司" * 20)[:n]
        d = os.path.join(tmp, "cn%d" % n)
        os.mkdir(d)
        open(os.path.join(d, "e.csv"), "w").write(
            "enterprise_id,period,meter_id,source,kwh,product_id\n%s,2024-01,M1,grid,1000,\n" % ident)
        open(os.path.join(d, "p.csv"), "w").write(
            "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n"
            "%s,2024-01,%s,%s,7318 15 88,10,t\n" % (ident, ("产品" * 100)[:n], name))
        open(os.path.join(d, "i.csv"), "w").write("enterprise_id,name,country,province\n%s,%s,CN,Hebei\n" % (ident, name))
        p = run(["report", "-e", "e.csv", "-p", "p.csv", "-i", "i.csv", "-o", "x.xlsx", "-q"], d)
        c.ok(p.returncode == 0, "%d-character Chinese id: exit %d %s" % (n, p.returncode, p.stderr))
        book = os.path.join(d, "x.xlsx")
        try:
            with zipfile.ZipFile(book) as z:
                for part in ("docProps/core.xml", "docProps/app.xml"):
                    ET.fromstring(z.read(part))  # raises on invalid UTF-8 or XML
            wb = openpyxl.load_workbook(book)
            title = wb.properties.title or ""
            c.ok(title.startswith("Electricity emissions report 运城") and len(title.encode()) < 256,
                 "%d-char id: title %r" % (n, title[:40]))
            c.ok(wb["Summary"].cell(3, 2).value == ident, "%d-char id whole on Summary" % n)
        except Exception as ex:  # noqa: BLE001 - any failure to read is the bug
            c.ok(False, "%d-character Chinese id: workbook unreadable: %s" % (n, ex))

    # 9. SOURCE_DATE_EPOCH=0 is 1970-01-01, not "unset" and not "now".
    zs = []
    for i in range(2):
        p = run(sargs + ["-o", "z%d.xlsx" % i], s, env={"SOURCE_DATE_EPOCH": "0"})
        c.ok(p.returncode == 0, "SOURCE_DATE_EPOCH=0: exit %d %s" % (p.returncode, p.stderr))
        zs.append(open(os.path.join(s, "z%d.xlsx" % i), "rb").read())
    with zipfile.ZipFile(os.path.join(s, "z0.xlsx")) as z:
        core = z.read("docProps/core.xml").decode()
    c.ok(core.count("1970-01-01T00:00:00Z") == 2, "SOURCE_DATE_EPOCH=0: created and modified 1970-01-01")
    c.ok(zs[0] == zs[1], "SOURCE_DATE_EPOCH=0: byte-identical reruns")
    ws = openpyxl.load_workbook(os.path.join(s, "z0.xlsx"))["Summary"]
    c.ok(ws.cell(12, 2).value == "1970-01-01 00:00:00", "Summary created %r" % ws.cell(12, 2).value)

    # 10. A staging directory without room: exit 73, nothing written, nothing left behind.
    ex = os.path.join(os.environ.get("CBAM_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data")),
                      "..", "..", "examples", "yuncheng")
    unshare = shutil.which("unshare")
    w = os.path.join(tmp, "w")
    small = os.path.join(tmp, "small")
    os.mkdir(w)
    os.mkdir(small)
    probe = subprocess.run([unshare, "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs %s" % small],
                           capture_output=True) if unshare else None
    if probe is None or probe.returncode != 0:
        print("SKIP: staging tests need `unshare -m` and mount (root): %s" %
              (probe.stderr.decode().strip() if probe else "no unshare"))
    else:
        base = command(["report", "-e", os.path.join(ex, "electricity.csv"), "-p", os.path.join(ex, "production.csv"),
                        "-i", os.path.join(ex, "enterprises.csv"), "--enterprise", "YC-FD02", "-q"])

        def in_namespace(script, out, env):
            full = dict(os.environ)
            full.update(env)
            return subprocess.run([unshare, "-m", "sh", "-c", script, "sh", out] + base, cwd=w,
                                  capture_output=True, text=True, env=full)
        # CBAMCALC_TMPDIR on a 1 MB tmpfs: refused before anything is staged.
        p = in_namespace('mount -t tmpfs -o size=1m tmpfs "%s" || exit 99; out=$1; shift; "$@" -o "$out"; rc=$?; '
                         'echo "left:$(ls -A "%s" | tr "\\n" " ")"; exit $rc' % (small, small),
                         "out.xlsx", {"CBAMCALC_TMPDIR": small})
        c.ok(p.returncode == 73, "1 MB staging directory: exit %d (%s)" % (p.returncode, p.stderr.strip()))
        c.ok("could not be written completely" in p.stderr and small in p.stderr and "MB free" in p.stderr,
             "the message names the staging directory and its free space: %s" % p.stderr.strip())
        c.ok(p.stdout.strip() == "left:", "nothing left in the staging directory: %r" % p.stdout)
        c.ok(os.listdir(w) == [], "no out.xlsx and no temporary file: %s" % os.listdir(w))
        # /dev/shm full (1 MB): the output's directory stages instead.
        p = in_namespace('mount -t tmpfs -o size=1m tmpfs /dev/shm || exit 99; out=$1; shift; "$@" -o "$out"',
                         "ok.xlsx", {})
        c.ok(p.returncode == 0 and os.path.exists(os.path.join(w, "ok.xlsx")),
             "a full /dev/shm falls back to the output's directory: exit %d %s" % (p.returncode, p.stderr))
        c.ok(sorted(os.listdir(w)) == ["ok.xlsx"], "only the workbook is left: %s" % os.listdir(w))
        if os.path.exists(os.path.join(w, "ok.xlsx")):
            os.unlink(os.path.join(w, "ok.xlsx"))
        # Neither /dev/shm nor the output's directory has room: 73.
        # (cd again after the mount: the working directory is the one under it)
        p = in_namespace('mount -t tmpfs -o size=1m tmpfs /dev/shm && mount -t tmpfs -o size=2m tmpfs "%s" && '
                         'cd "%s" || exit 99; out=$1; shift; "$@" -o "$out"; rc=$?; '
                         'echo "left:$(ls -A | tr "\\n" " ")"; exit $rc' % (w, w), "out.xlsx", {})
        c.ok(p.returncode == 73 and "no staging directory has room" in p.stderr,
             "no room anywhere: exit %d %s" % (p.returncode, p.stderr.strip()))
        c.ok(p.stdout.strip() == "left:", "nothing left in the output directory: %r" % p.stdout)

c.finish()
