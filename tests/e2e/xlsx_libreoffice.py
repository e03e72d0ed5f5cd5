"""Opens cbamcalc's workbooks in LibreOffice (headless): they convert to PDF,
after a forced recalculation every formula gives its cached value (the Hourly
sheet's too, for a workbook with interval data), and after
a factor is edited on Factors every sheet follows it (Electricity, Products,
every SEE, CBAM_Communication, Summary), as computed here from the kWh.

LibreOffice keeps the cached results of an xlsx unless OOXMLRecalcMode says
"always" (0); a throwaway profile sets it. A control copy whose cached value
was tampered with shows that the recalculation really happens."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    print("SKIP: LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    sys.exit(77)

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# Comma, double quote, UTF-8, raw values (not as shown), every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
# CBAM_Communication columns (0-based): J and P, as in the template's Summary_Communication.
CBAM_SEE, CBAM_EF = 9, 15
c = Checks()


def soffice(tmp, target, path, outdir):
    p = subprocess.run([SOFFICE, "--headless", "-env:UserInstallation=file://" + os.path.join(tmp, "profile"),
                        "--convert-to", target, "--outdir", outdir, path],
                       capture_output=True, text=True, timeout=300)
    return p


def sheet_csv(outdir, path, sheet):
    base = os.path.splitext(os.path.basename(path))[0]
    with open(os.path.join(outdir, "%s-%s.csv" % (base, sheet)), newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def as_number(text):
    """A CSV cell as a number; LibreOffice keeps "%" on percentage cells."""
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100.0
        return float(text)
    except ValueError:
        return None



# ---- a factor edited on Factors: every figure follows ----

# New values for the factors the demo uses (location, residual, CBAM, the park's supplier factor).
NEW = {"cn-mee-shanxi-2023": 0.7, "cn-mee-residual-2023": 0.4, "cbam-default-cn": 0.9, "yuncheng-etdz-2025": 0.2}


def edit_factors(book, dest):
    """A copy of book with the NEW values typed into Factors (as a user would)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Factors"]
    edited = {}
    for r in range(2, ws.max_row + 1):
        fid = ws.cell(r, 1).value
        if fid in NEW:
            ws.cell(r, 2).value = NEW[fid]
            edited[fid] = NEW[fid]
    wb.save(dest)
    return edited


def columns(header, *names):
    """0-based indexes of the named header cells (None when absent)."""
    return [header.index(n) if n in header else None for n in names]


def check_edited(tmp, book, ent):
    base = os.path.basename(book)[:-5]
    dest = os.path.join(tmp, "edited", base + ".xlsx")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    edited = edit_factors(book, dest)
    c.ok(len(edited) >= 3, "%s: factors edited %s" % (base, sorted(edited)))
    out = os.path.join(tmp, "edited-csv")
    p = soffice(tmp, CSV_FILTER, dest, out)
    c.ok(p.returncode == 0, "CSV of the edited %s: %s" % (base, p.stderr))

    def value(fid):
        old = {f["id"]: f["kg_co2_per_kwh"] for f in [ent["factors"][k] for k in ("location", "residual", "cbam")]
               + ent["factors"]["supplier"] if f is not None}
        return NEW.get(fid, old.get(fid))
    sup = [value(f["id"]) for f in ent["factors"]["supplier"]]
    months = {}
    for m in ent["months"]:
        k, f = m["electricity_kwh"], m["factors"]
        loc_f, res_f, cbam_f = value(f["location"]), value(f["residual"]), value(f["cbam"])
        sup_f = sup[0] if len(sup) == 1 else 0.0
        cov = k["certificates_used"] / k["grid"] if k["grid"] > 0 else 0.0
        months[m["period"]] = dict(k=k, loc=loc_f, res=res_f, cbam=cbam_f, sup=sup_f, cov=cov)

    def em(grid, trade, ppa, supplier, mo):
        return ((grid + trade + ppa + supplier) * mo["loc"] / 1000,
                (grid * (1 - mo["cov"]) * mo["res"] + supplier * mo["sup"]) / 1000,
                (grid + trade + supplier) * mo["cbam"] / 1000)

    # Electricity: each month and the total.
    rows = sheet_csv(out, dest, "Electricity")
    tot = [0.0, 0.0, 0.0]
    for row in rows[1:]:
        mo = months.get(row[0])
        if mo is None:
            continue
        k = mo["k"]
        want = em(k["grid"], k["green_trade"], k["green_ppa"], k["supplier"], mo)
        for i, col in enumerate((14, 15, 16)):
            c.close(as_number(row[col]), want[i], "edited %s Electricity %s col %d" % (base, row[0], col + 1), rel=1e-9)
            tot[i] += want[i]
    total_row = [row for row in rows if row and row[0] == "Total"]
    for i, col in enumerate((14, 15, 16)):
        c.close(as_number(total_row[0][col]) if total_row else None, tot[i], "edited %s Electricity total" % base,
                rel=1e-9)

    # With one factor per method over the period, location and CBAM figures scale with their factor:
    # a check straight from the JSON, whatever the layout.
    old_f = {k: ent["factors"][k]["kg_co2_per_kwh"] for k in ("location", "cbam")}
    new_f = {k: value(ent["factors"][k]["id"]) for k in ("location", "cbam")}
    ratio = {k: new_f[k] / old_f[k] for k in old_f}
    rows = sheet_csv(out, dest, "Products")
    h = rows[0]
    period = {row[0]: row for row in rows[1:] if len(row) > 3 and row[3] == "period"}
    loc, cbam, see_cbam = columns(h, "Location-based (tCO2)", "CBAM indirect (tCO2)", "SEE CBAM indirect (tCO2/t)")
    cbam_rows = {row[0]: row for row in sheet_csv(out, dest, "CBAM_Communication")[5:] if row}
    summary_rows = {row[0]: row for row in sheet_csv(out, dest, "Summary") if row}
    for prod in ent["products"]:
        pid, row = prod["product_id"], period.get(prod["product_id"])
        if row is None or None in (loc, cbam, see_cbam):
            c.ok(False, "edited %s: Products period line of %s" % (base, pid))
            continue
        c.close(as_number(row[loc]), prod["emissions_t_co2"]["location"] * ratio["location"],
                "edited %s Products %s location t follows its factor" % (base, pid), rel=1e-9)
        c.close(as_number(row[cbam]), prod["emissions_t_co2"]["cbam"] * ratio["cbam"],
                "edited %s Products %s CBAM t follows its factor" % (base, pid), rel=1e-9)
        if prod["see_indirect_t_co2_per_t"] is None:
            continue
        want = prod["see_indirect_t_co2_per_t"]["cbam"] * ratio["cbam"]
        c.close(as_number(row[see_cbam]), want, "edited %s Products %s SEE CBAM follows its factor" % (base, pid),
                rel=1e-9)
        got = cbam_rows.get(pid)
        c.close(as_number(got[CBAM_SEE]) if got else None, want,
                "edited %s CBAM_Communication %s SEE follows" % (base, pid), rel=1e-9)
        got = summary_rows.get(pid)
        c.close(as_number(got[7]) if got else None, want, "edited %s Summary %s SEE CBAM follows" % (base, pid),
                rel=1e-9)

    # Products: each month line from its kWh by source, each period line their sum, SEE over the tonnes in SEE.
    (qty_see, kwh, grid, trade, ppa, supc, loc, mkt, cbam, see_loc, see_mkt, see_cbam) = columns(
        h, "Quantity in SEE (t)", "Electricity (kWh)", "Grid (kWh)", "Green trade (kWh)", "PPA (kWh)",
        "Supplier-specific (kWh)", "Location-based (tCO2)", "Market-based (tCO2)", "CBAM indirect (tCO2)",
        "SEE location (tCO2/t)", "SEE market (tCO2/t)", "SEE CBAM indirect (tCO2/t)")
    c.ok(None not in (qty_see, grid, trade, ppa, supc, loc, mkt, cbam),
         "edited %s: Products shows the kWh by source and the tonnes in SEE (%s)" % (base, h))
    if None in (qty_see, grid, trade, ppa, supc, loc, mkt, cbam):
        return
    sums, grid_by_month = {}, {}
    for row in rows[1:]:
        pid, month = row[0], row[3]
        mo = months.get(month)
        if mo is None:
            continue
        g, t, pp, su = (as_number(row[i]) for i in (grid, trade, ppa, supc))
        grid_by_month[month] = grid_by_month.get(month, 0.0) + g
        want = em(g, t, pp, su, mo)
        for i, col in enumerate((loc, mkt, cbam)):
            c.close(as_number(row[col]), want[i], "edited %s Products %s %s col %d" % (base, pid, month, col + 1),
                    rel=1e-9)
        acc = sums.setdefault(pid, [0.0, 0.0, 0.0])
        for i in range(3):
            acc[i] += want[i]
    for month, mo in months.items():  # the kWh columns hold the whole month
        c.close(grid_by_month.get(month, 0.0), mo["k"]["grid"], "%s %s grid kWh over the products" % (base, month),
                rel=1e-12)
    new_products = {}
    for prod in ent["products"]:
        pid = prod["product_id"]
        row = period.get(pid)
        want = sums.get(pid, [0.0, 0.0, 0.0])
        c.ok(row is not None, "edited %s: period line of %s" % (base, pid))
        if row is None:
            continue
        for i, col in enumerate((loc, mkt, cbam)):
            c.close(as_number(row[col]), want[i], "edited %s Products %s period col %d" % (base, pid, col + 1),
                    rel=1e-9)
        # One factor per method over the period: location and CBAM scale with it.
        c.close(want[0], prod["emissions_t_co2"]["location"] * new_f["location"] / old_f["location"],
                "%s %s location scales with its factor" % (base, pid), rel=1e-9)
        c.close(want[2], prod["emissions_t_co2"]["cbam"] * new_f["cbam"] / old_f["cbam"],
                "%s %s CBAM scales with its factor" % (base, pid), rel=1e-9)
        new_products[pid] = want
        if prod["see_indirect_t_co2_per_t"] is not None:
            q = prod["quantity_in_see_t"]
            c.close(as_number(row[qty_see]), q, "%s %s tonnes in SEE" % (base, pid))
            for i, col in enumerate((see_loc, see_mkt, see_cbam)):
                c.close(as_number(row[col]), want[i] / q, "edited %s Products %s SEE col %d" % (base, pid, col + 1),
                        rel=1e-9)

    # CBAM_Communication: SEE indirect and the product's CBAM factor.
    rows = sheet_csv(out, dest, "CBAM_Communication")
    byid = {row[0]: row for row in rows[5:] if row}
    for prod in ent["products"]:
        row, want = byid.get(prod["product_id"]), new_products.get(prod["product_id"])
        if row is None or want is None or prod["see_indirect_t_co2_per_t"] is None:
            c.ok(False, "edited %s: CBAM_Communication row of %s" % (base, prod["product_id"]))
            continue
        c.close(as_number(row[CBAM_SEE]), want[2] / prod["quantity_in_see_t"], "edited %s CBAM SEE %s" %
                (base, prod["product_id"]), rel=1e-9)
        c.close(as_number(row[CBAM_EF]), want[2] / (prod["electricity_kwh"] / 1000), "edited %s CBAM EF %s" %
                (base, prod["product_id"]), rel=1e-9)

    # Summary: totals, kg/kWh and factor values per method; each product's SEE.
    rows = sheet_csv(out, dest, "Summary")
    labels = {row[0]: row for row in rows if row}
    cons = ent["electricity_kwh"]["consumption"]
    for i, (name, kind) in enumerate((("Location-based (Scope 2)", "location"), ("Market-based (Scope 2)", "residual"),
                                      ("CBAM indirect", "cbam"))):
        row = labels.get(name)
        c.ok(row is not None, "edited %s: Summary %s" % (base, name))
        if row is None:
            continue
        c.close(as_number(row[1]), tot[i], "edited %s Summary %s t" % (base, name), rel=1e-9)
        c.close(as_number(row[2]), tot[i] * 1000 / cons, "edited %s Summary %s kg/kWh" % (base, name), rel=1e-9)
        if kind != "residual":
            c.close(as_number(row[4]), value(ent["factors"][kind]["id"]), "edited %s Summary %s factor" % (base, name),
                    rel=1e-12)
        elif row[4]:
            c.close(as_number(row[4]), value(row[3].split(" ")[0]), "edited %s Summary market factor" % base, rel=1e-12)
    for prod in ent["products"]:
        row, want = labels.get(prod["product_id"]), new_products.get(prod["product_id"])
        if row is None or want is None or prod["see_indirect_t_co2_per_t"] is None:
            c.ok(False, "edited %s: Summary row of %s" % (base, prod["product_id"]))
            continue
        q = prod["quantity_in_see_t"]
        for i, col in enumerate((5, 6, 7)):
            c.close(as_number(row[col]), want[i] / q, "edited %s Summary %s SEE col %d" % (base, prod["product_id"],
                    col + 1), rel=1e-9)

with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "profile", "user"))
    with open(os.path.join(tmp, "profile", "user", "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE)
    p = run(["demo", "-o", "d", "-q"], tmp)
    c.ok(p.returncode == 0, "demo: %s" % p.stderr)
    books = sorted(os.path.join(tmp, "d", f) for f in os.listdir(os.path.join(tmp, "d")) if f.endswith(".xlsx"))
    c.ok(len(books) == 2, "two workbooks")
    # A third: two supplier factors (one sub-metered to a product), certificates, a month without
    # production (unallocated) and one without electricity (left out of SEE).
    m = os.path.join(tmp, "m")
    os.makedirs(os.path.join(m, "f"))
    open(os.path.join(m, "f", "sup.csv"), "w").write(
        "id,kind,country,region,year,value,unit,source,url,status,note\n"
        "my-supplier,supplier,CN,Shanxi,2025,0.21,kgCO2/kWh,test,,user,test\n")
    open(os.path.join(m, "e.csv"), "w").write(
        "enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n"
        "M1,2025-01,G,grid,10000,,\n"
        "M1,2025-01,C,certificate,2500,,\n"
        "M1,2025-01,T,green_trade,1500,,\n"
        "M1,2025-01,S,supplier,3000,,yuncheng-etdz-2025\n"
        "M1,2025-01,SA,supplier,2000,A,my-supplier\n"
        "M1,2025-01,GA,grid,700,A,\n"
        "M1,2025-02,G,grid,9000,,\n"
        "M1,2025-02,S,supplier,1000,,yuncheng-etdz-2025\n")
    open(os.path.join(m, "p.csv"), "w").write(
        "enterprise_id,period,product_id,quantity,unit\n"
        "M1,2025-01,A,30,t\nM1,2025-01,B,70,t\nM1,2025-03,A,20,t\n")
    p = run(["report", "-e", "e.csv", "-p", "p.csv", "--factors", "f", "-o", "M1.xlsx", "-q"], m)
    c.ok(p.returncode == 0, "two supplier factors: %s" % p.stderr)
    books.append(os.path.join(m, "M1.xlsx"))
    # A fourth: annual production (a year's tonnes, in no month) and a --product sub-meter file:
    # the period lines hold the tonnes as given, every formula still gives its cached value.
    open(os.path.join(m, "ey.csv"), "w").write(
        "enterprise_id,period,source,kwh\n" + "".join("Y1,2025-%02d,grid,%d\n" % (i, 1000 + i) for i in range(1, 13)))
    open(os.path.join(m, "sub.csv"), "w").write("period,kwh\n2025-03,400\n")
    open(os.path.join(m, "py.csv"), "w").write(
        "enterprise_id,period,product_id,cn_code,quantity,unit\nY1,2025,A,7318 15 88,60,t\nY1,2025,B,7318 16 00,40,t\n")
    p = run(["report", "-e", "ey.csv", "-e", "sub.csv", "--source", "grid", "--product", "B", "--enterprise", "Y1",
             "-p", "py.csv", "-o", "Y1.xlsx", "-q"], m)
    c.ok(p.returncode == 0, "annual production workbook: %s" % p.stderr)
    books.append(os.path.join(m, "Y1.xlsx"))
    # A fifth: hour-by-hour matching (a load meter, on-site PV, a direct line with noon surplus) in March and
    # a month that cannot be matched: the Hourly sheet's totals, shares and sums recalculate to their values.
    rows = ["enterprise_id,period,meter_id,source,kwh"]
    for d in range(1, 32):
        for hr in range(24):
            t = "2025-03-%02d %02d:00" % (d, hr)
            rows += ["H1,%s,L,load,%d" % (t, 100 + hr), "H1,%s,PV,onsite,%d" % (t, 20 if 8 <= hr <= 17 else 0),
                     "H1,%s,DL,green_direct,%d" % (t, 150 if 11 <= hr <= 13 else 50 if hr <= 5 else 0)]
    rows += ["H1,2025-04,L,load,70000"] + ["H1,2025-04-%02d %02d:00,DL,green_direct,9" % (d, hr)
                                          for d in range(1, 31) for hr in range(24)]
    open(os.path.join(m, "eh.csv"), "w").write("\n".join(rows) + "\n")
    open(os.path.join(m, "ph.csv"), "w").write("enterprise_id,period,product_id,cn_code,quantity,unit\n"
                                               "H1,2025-03,A,7318 15 88,100,t\nH1,2025-04,A,7318 15 88,90,t\n")
    p = run(["report", "-e", "eh.csv", "-p", "ph.csv", "-o", "H1.xlsx", "-q"], m)
    c.ok(p.returncode == 0, "hourly workbook: %s" % p.stderr)
    books.append(os.path.join(m, "H1.xlsx"))

    for book in books:
        # PDF: converts without error, and is a PDF.
        out = os.path.join(tmp, "pdf")
        p = soffice(tmp, "pdf", book, out)
        pdf = os.path.join(out, os.path.basename(book)[:-5] + ".pdf")
        c.ok(p.returncode == 0 and os.path.exists(pdf), "PDF of %s: %s" % (book, p.stderr))
        if os.path.exists(pdf):
            with open(pdf, "rb") as f:
                c.ok(f.read(5) == b"%PDF-" and os.path.getsize(pdf) > 10000, "%s is a PDF" % pdf)

        # Recalculated CSV against the cached values, sheet by sheet.
        out = os.path.join(tmp, "csv")
        p = soffice(tmp, CSV_FILTER, book, out)
        c.ok(p.returncode == 0, "CSV of %s: %s" % (book, p.stderr))
        cached = openpyxl.load_workbook(book, data_only=True)
        formulas = openpyxl.load_workbook(book, data_only=False)
        compared, hourly = 0, 0
        for sheet in [s for s in ("Summary", "Electricity", "Hourly", "Products", "CBAM_Communication")
                      if s in cached.sheetnames]:
            rows = sheet_csv(out, book, sheet)
            ws, wf = cached[sheet], formulas[sheet]
            for r, row in enumerate(rows, start=1):
                for col, text in enumerate(row, start=1):
                    f = wf.cell(r, col).value
                    v = ws.cell(r, col).value
                    if not (isinstance(f, str) and f.startswith("=")) or not isinstance(v, (int, float)):
                        continue
                    compared += 1
                    hourly += sheet == "Hourly"
                    c.close(as_number(text), v, "%s %s!%s%d recalculated" % (os.path.basename(book), sheet,
                            openpyxl.utils.get_column_letter(col), r), rel=1e-9)
        c.ok(compared > 50, "%d formula cells compared in %s" % (compared, book))
        c.ok(("Hourly" in cached.sheetnames) == book.endswith("H1.xlsx") and
             (hourly > 20 or not book.endswith("H1.xlsx")), "%d Hourly formula cells compared in %s" % (hourly, book))

    # Control: a tampered cached value is replaced by the recalculated one.
    book = books[0]
    tampered = os.path.join(tmp, "tampered.xlsx")
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":  # Electricity
                data, n = re.subn(rb'(<c r="O2"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)', rb"\g<1>999999\g<2>", data)
                c.ok(n == 1, "tampered with Electricity!O2")
            zout.writestr(item, data)
    out = os.path.join(tmp, "control")
    soffice(tmp, CSV_FILTER, tampered, out)
    want = openpyxl.load_workbook(book, data_only=True)["Electricity"].cell(2, 15).value
    got = as_number(sheet_csv(out, tampered, "Electricity")[1][14])
    c.ok(got is not None and got != 999999, "LibreOffice recalculated (got %r)" % got)
    c.close(got, want, "recalculated Electricity!O2", rel=1e-9)

    # Factors edited in a copy of each workbook: every sheet follows.
    report = json.load(open(os.path.join(tmp, "d", "report.json")))
    for ent in report["enterprises"]:
        book = os.path.join(tmp, "d", ent["enterprise_id"] + ".xlsx")
        if os.path.exists(book):
            check_edited(tmp, book, ent)

c.finish()
