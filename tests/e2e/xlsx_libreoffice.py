"""Opens cbamcalc's workbooks in LibreOffice (headless): they convert to PDF,
and after a forced recalculation every formula gives its cached value.

LibreOffice keeps the cached results of an xlsx unless OOXMLRecalcMode says
"always" (0); a throwaway profile sets it. A control copy whose cached value
was tampered with shows that the recalculation really happens."""
import csv
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


with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "profile", "user"))
    with open(os.path.join(tmp, "profile", "user", "registrymodifications.xcu"), "w") as f:
        f.write(PROFILE)
    p = run(["demo", "-o", "d", "-q"], tmp)
    c.ok(p.returncode == 0, "demo: %s" % p.stderr)
    books = sorted(os.path.join(tmp, "d", f) for f in os.listdir(os.path.join(tmp, "d")) if f.endswith(".xlsx"))
    c.ok(len(books) == 2, "two workbooks")

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
        compared = 0
        for sheet in ("Summary", "Electricity", "Products", "CBAM_Communication"):
            rows = sheet_csv(out, book, sheet)
            ws, wf = cached[sheet], formulas[sheet]
            for r, row in enumerate(rows, start=1):
                for col, text in enumerate(row, start=1):
                    f = wf.cell(r, col).value
                    v = ws.cell(r, col).value
                    if not (isinstance(f, str) and f.startswith("=")) or not isinstance(v, (int, float)):
                        continue
                    compared += 1
                    c.close(as_number(text), v, "%s %s!%s%d recalculated" % (os.path.basename(book), sheet,
                            openpyxl.utils.get_column_letter(col), r), rel=1e-9)
        c.ok(compared > 50, "%d formula cells compared in %s" % (compared, book))

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

c.finish()
