"""Checks cbamcalc's CN-code table against the Commission's communication
template (v2.1.1, sheet Parameters_CNCodes): every CBAM good of the template
gets the template's aggregated goods category on CBAM_Communication. The
template is not shipped; this runs when ../shared/reference holds it."""
import os
import re
import sys
import tempfile
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

TEMPLATE = os.path.join(os.environ.get("CBAM_SHARED_REFERENCE", ""), "cbam-communication-template-v2.1.1.xlsx")
if not os.path.exists(TEMPLATE):
    print("SKIP: the CBAM communication template is not at %s" % TEMPLATE)
    sys.exit(77)


def template_codes(path):
    """(CN code, category) from Parameters_CNCodes, columns D and E, read as XML
    (openpyxl is slow on this 1.3 MB workbook and needs none of its styles)."""
    z = zipfile.ZipFile(path)
    strings = [re.sub(r"<[^>]+>", "", m) for m in
               re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
    wb = z.read("xl/workbook.xml").decode()
    rid = re.search(r'<sheet [^>]*?name="Parameters_CNCodes"[^>]*?r:id="([^"]+)"', wb).group(1)
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = [re.search(r'Target="([^"]+)"', m).group(1) for m in re.findall(r"<Relationship ([^>]*)/>", rels)
              if 'Id="%s"' % rid in m][0]
    sheet = z.read("xl/" + target.replace("/xl/", "").lstrip("/")).decode()
    rows = {}
    for col, row, attrs, inner in re.findall(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet, re.S):
        v = re.search(r"<v>(.*?)</v>", inner or "")
        if v and col in ("D", "E"):
            val = strings[int(v.group(1))] if 't="s"' in attrs else v.group(1)
            rows.setdefault(int(row), {})[col] = val
    return [(r["D"], r["E"]) for n, r in sorted(rows.items()) if n >= 4 and r.get("D") and r.get("E")]


c = Checks()
codes = template_codes(TEMPLATE)
c.ok(len(codes) > 500, "%d CN codes in the template" % len(codes))
with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "e.csv"), "w") as f:
        f.write("enterprise_id,period,source,kwh\nT,2024-01,grid,1000\n")
    with open(os.path.join(tmp, "p.csv"), "w") as f:
        f.write("enterprise_id,period,product_id,cn_code,quantity,unit\n")
        for i, (code, _) in enumerate(codes):
            f.write("T,2024-01,P%04d,%s,1,t\n" % (i, code))
    p = run(["report", "-e", "e.csv", "-p", "p.csv", "-o", "t.xlsx", "-q"], tmp)
    c.ok(p.returncode == 0, "report: %s" % p.stderr)
    ws = openpyxl.load_workbook(os.path.join(tmp, "t.xlsx"), read_only=True)["CBAM_Communication"]
    got = {row[0]: row[1] for row in ws.iter_rows(min_row=6, values_only=True) if row[0]}
    for i, (code, category) in enumerate(codes):
        c.ok(got.get("P%04d" % i) == category, "CN %s: %r, template %r" % (code, got.get("P%04d" % i), category))
c.finish()
