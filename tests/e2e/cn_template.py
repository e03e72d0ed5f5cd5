"""Checks cbamcalc against the Commission's communication template (v2.1.1):
every CBAM good of Parameters_CNCodes gets, on CBAM_Communication, the
template's aggregated goods category (spelt as in the template, trailing
space and all), its CN code as the template writes it (8 digits, no spaces)
and its official CN name; factors/cn-names.csv holds exactly the template's
codes, names and categories; CBAM_Communication's columns D to BA carry the
headers of Summary_Communication D25:BA25; and the liability flags agree with
the template's Parameters_Constants C89:C106 except where cbamcalc follows
the Regulation (Ammonia: README "Method"). The template is not shipped; this
runs when $CBAM_SHARED_REFERENCE holds it.

The workbook is read as XML with ElementTree, so every form a cell takes is
read: shared strings (t="s", plain or rich text), formula results (t="str"),
inline strings (t="inlineStr"), booleans, and <v>/<t> with attributes such as
xml:space="preserve" (which an earlier regex skipped, so that "Calcined
clays " was never compared)."""
import csv
import os
import posixpath
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

TEMPLATE = os.path.join(os.environ.get("CBAM_SHARED_REFERENCE", ""), "cbam-communication-template-v2.1.1.xlsx")
if not os.path.exists(TEMPLATE):
    print("SKIP: the CBAM communication template is not at %s" % TEMPLATE)
    sys.exit(77)
CN_NAMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "factors", "cn-names.csv")

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PNS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def text_of(el):
    """The text of an <si> or <is>: its <t>, or the <t> of each rich-text run
    (<r>), never the phonetic runs (<rPh>)."""
    t = el.find(NS + "t")
    if t is not None:
        return t.text or ""
    return "".join(r.findtext(NS + "t") or "" for r in el.findall(NS + "r"))


class Workbook:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.strings = []
        if "xl/sharedStrings.xml" in self.z.namelist():
            root = ET.fromstring(self.z.read("xl/sharedStrings.xml"))
            self.strings = [text_of(si) for si in root.findall(NS + "si")]
        wb = ET.fromstring(self.z.read("xl/workbook.xml"))
        rels = ET.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.findall(PNS + "Relationship")}
        self.sheets = {}
        for s in wb.find(NS + "sheets").findall(NS + "sheet"):
            t = target[s.get(RNS + "id")]
            self.sheets[s.get("name")] = t.lstrip("/") if t.startswith("/") else posixpath.join("xl", t)

    def cells(self, sheet):
        """{(column letters, row): value} of every cell that has a value."""
        out = {}
        root = ET.fromstring(self.z.read(self.sheets[sheet]))
        for c in root.iter(NS + "c"):
            col, row = re.match(r"([A-Z]+)(\d+)$", c.get("r")).groups()
            t = c.get("t", "n")
            v = c.find(NS + "v")
            if t == "inlineStr":
                isel = c.find(NS + "is")
                val = text_of(isel) if isel is not None else None
            elif v is None:
                continue
            elif t == "s":
                val = self.strings[int(v.text)]
            elif t == "b":
                val = v.text == "1"
            elif t in ("str", "e"):
                val = v.text or ""
            else:
                val = float(v.text) if v.text else None
            out[(col, int(row))] = val
        return out


c = Checks()
tpl = Workbook(TEMPLATE)
cn = tpl.cells("Parameters_CNCodes")
# D: code without spaces, E: aggregated goods category, H: the English CN name
# (what Summary_Communication's CN Name column shows; C is the name in the
# template's chosen language, the same text but for no-break spaces and one
# shortened name).
codes = [(cn[("D", r)], cn[("E", r)], cn.get(("H", r))) for r in range(4, 10000) if ("D", r) in cn]
c.ok(len(codes) > 500, "%d CN codes in the template" % len(codes))
c.ok(any(cat == "Calcined clays " for _, cat, _ in codes), "the template's \"Calcined clays \" is read")
const = tpl.cells("Parameters_Constants")
categories = {const[("A", r)]: const[("C", r)] for r in range(89, 107)}
c.ok(len(categories) == 18 and set(categories) == {cat for _, cat, _ in codes},
     "Parameters_Constants A89:A106 are the categories of Parameters_CNCodes: %r" % sorted(categories))

# factors/cn-names.csv: the template's codes, names and categories, in its order.
with open(CN_NAMES, newline="", encoding="utf-8") as f:
    shipped = list(csv.reader(f))
c.ok(shipped[0] == ["cn_code", "cn_name", "category", "source"], "cn-names.csv header %r" % shipped[0])
c.ok([(r[0], r[2], r[1]) for r in shipped[1:]] == codes, "cn-names.csv holds the template's codes, names, categories")
c.ok(all(r[3].startswith("Combined Nomenclature, Council Regulation (EEC) No 2658/87") for r in shipped[1:]),
     "cn-names.csv cites its source on every row")

with tempfile.TemporaryDirectory() as tmp:
    with open(os.path.join(tmp, "e.csv"), "w") as f:
        f.write("enterprise_id,period,source,kwh\nT,2024-01,grid,1000\n")
    with open(os.path.join(tmp, "p.csv"), "w") as f:
        f.write("enterprise_id,period,product_id,cn_code,quantity,unit\n")
        for i, (code, _, _) in enumerate(codes):
            f.write("T,2024-01,P%04d,%s,1,t\n" % (i, code))
    p = run(["report", "-e", "e.csv", "-p", "p.csv", "-o", "t.xlsx", "-q"], tmp)
    c.ok(p.returncode == 0, "report: %s" % p.stderr)
    ours = Workbook(os.path.join(tmp, "t.xlsx")).cells("CBAM_Communication")

got = {ours[("A", r)]: r for (col, r) in ours if col == "A" and r >= 6}
for i, (code, category, name) in enumerate(codes):
    r = got.get("P%04d" % i)
    c.ok(r is not None, "CN %s: a row on CBAM_Communication" % code)
    if r is None:
        continue
    c.ok(ours.get(("E", r)) == category, "CN %s: category %r, template %r" % (code, ours.get(("E", r)), category))
    c.ok(ours.get(("F", r)) == code, "CN %s: CN code written %r" % (code, ours.get(("F", r))))
    c.ok(ours.get(("G", r)) == name, "CN %s: CN name %r, template %r" % (code, ours.get(("G", r)), name))
    want = "yes" if categories.get(category) else "no (direct emissions only)"
    if category == "Ammonia":  # the template says False; 2814 is not in Annex II of Reg. 2023/956
        c.ok(categories.get(category) is False and ours.get(("C", r)) == "yes",
             "CN %s: Ammonia counts indirect emissions (Regulation over the template's helper column)" % code)
    else:
        c.ok(ours.get(("C", r)) == want, "CN %s (%s): liability %r, template %r" %
             (code, category, ours.get(("C", r)), categories.get(category)))

# Headers: our D5:BA5 are the template's Summary_Communication D25:BA25.
summary = tpl.cells("Summary_Communication")
L = openpyxl.utils.get_column_letter
for col in range(4, 54):
    theirs, mine = summary.get((L(col), 25)), ours.get((L(col), 5))
    c.ok((theirs or None) == (mine or None), "header %s: ours %r, template %r" % (L(col), mine, theirs))
c.finish()
