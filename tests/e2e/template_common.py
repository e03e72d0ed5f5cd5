"""Helpers for the tests of `cbamcalc template` (template_fill.py, template_lo.py):
where the Commission's template is, which parts and cells the command may edit,
and a reader for the raw zip members and the cells of a worksheet's XML.
The template is not shipped; the tests skip (77) when ../shared/reference lacks it."""
import datetime
import os
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

TEMPLATE = os.path.join(os.environ.get("CBAM_SHARED_REFERENCE", ""), "cbam-communication-template-v2.1.1.xlsx")
EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "yuncheng")

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEETS = {"A_InstData": "xl/worksheets/sheet5.xml", "C_Emissions&Energy": "xl/worksheets/sheet7.xml",
          "D_Processes": "xl/worksheets/sheet8.xml", "Summary_Products": "xl/worksheets/sheet13.xml"}
EDITED = {"xl/workbook.xml"} | set(SHEETS.values())
MAX_PROCESSES = 10   # A_InstData P1..P10, ten blocks on D_Processes
MAX_GOODS = 100      # Summary_Products rows 10..109
SOURCE_CODES = {"D.4(a)", "D.4(b)", "D.4.1", "D.4.2", "D.4.3.1", "D.4.3.2", "Mix"}


def require_template():
    if not os.path.exists(TEMPLATE):
        print("SKIP: the CBAM communication template is not at %s" % TEMPLATE)
        sys.exit(77)


def block(p):
    """First row of process p's block on D_Processes (p from 1)."""
    return 11 + 65 * (p - 1)


def input_cells():
    """{sheet: set of cell refs} the command may write: the input cells it fills (reporting period,
    installation I19..I32 but I24 (P.O. box), goods categories (a), processes (b) with their included
    categories, and per process production, produced for the market, MWh, factor, source code, and
    the directly attributable emissions when the --processes file gives them)."""
    cells = {"A_InstData": {"I9", "L9"} | {"I%d" % r for r in range(19, 33) if r != 24},
             "C_Emissions&Energy": {"M26"}, "D_Processes": set(), "Summary_Products": set()}
    for p in range(1, MAX_PROCESSES + 1):
        cells["A_InstData"] |= {"E%d" % (61 + p), "E%d" % (82 + p), "L%d" % (82 + p)}
        cells["A_InstData"] |= {"%s%d" % (col, 82 + p) for col in "FGHIJK"}
        b = block(p)
        cells["D_Processes"] |= {"L%d" % (b + off) for off in (5, 16, 43, 54, 55, 56)}
    for k in range(1, MAX_GOODS + 1):
        cells["Summary_Products"] |= {"D%d" % (9 + k), "F%d" % (9 + k), "H%d" % (9 + k)}
    return cells


def excel_serial(day):
    return (day - datetime.date(1899, 12, 30)).days


def raw_member(path, info):
    """The compressed bytes of a zip member as stored, found through its local header."""
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        head = f.read(30)
        sig, _, _, _, _, _, _, _, _, nlen, xlen = struct.unpack("<IHHHHHIIIHH", head)
        if sig != 0x04034B50:
            raise AssertionError("%s: no local header for %s" % (path, info.filename))
        f.seek(info.header_offset + 30 + nlen + xlen)
        return f.read(info.compress_size)


def shared_strings(z):
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(NS + "t")) for si in root.iter(NS + "si")]


def cells(xml):
    """{ref: (attrib, formula, value element text, inline text)} of a worksheet's sheetData;
    formula is (text, attrib) or None."""
    out = {}
    root = ET.fromstring(xml)
    for c in root.find(NS + "sheetData").iter(NS + "c"):
        f = c.find(NS + "f")
        v = c.find(NS + "v")
        inline = c.find(NS + "is")
        out[c.get("r")] = (dict(c.attrib), (f.text, dict(f.attrib)) if f is not None else None,
                           v.text if v is not None else None,
                           "".join(t.text or "" for t in inline.iter(NS + "t")) if inline is not None else None)
    return out


def value(cell, strings):
    """The value a cell holds as written (not a formula's result): str, float, bool or None."""
    if cell is None:
        return None
    attrib, _, v, inline = cell
    t = attrib.get("t", "n")
    if t == "inlineStr":
        return inline
    if v is None:
        return None
    if t == "s":
        return strings[int(v)]
    if t in ("str", "e"):
        return v
    if t == "b":
        return v == "1"
    return float(v)


def unlocked_styles(z):
    """For each cellXfs index, True when its protection says locked="0"."""
    root = ET.fromstring(z.read("xl/styles.xml"))
    out = []
    for xf in root.find(NS + "cellXfs").findall(NS + "xf"):
        prot = xf.find(NS + "protection")
        out.append(prot is not None and prot.get("locked") in ("0", "false"))
    return out


def json_enterprise(report, ent_id):
    for ent in report.get("enterprises", []):
        if ent.get("enterprise_id") == ent_id:
            return ent
    return None


def enterprise_ids():
    import csv
    with open(os.path.join(EXAMPLE, "enterprises.csv"), newline="", encoding="utf-8") as f:
        return [row["enterprise_id"] for row in csv.DictReader(f)]


def fill_args(template, out, json_out, ent_id, example=EXAMPLE):
    extra = ["--processes", os.path.join(example, "processes.csv")] \
        if os.path.exists(os.path.join(example, "processes.csv")) else []
    return ["template"] + extra + ["--template", template, "-e", os.path.join(example, "electricity.csv"),
            "-p", os.path.join(example, "production.csv"), "-i", os.path.join(example, "enterprises.csv"),
            "--enterprise", ent_id, "-o", out, "--json", json_out]


def zip_ok(path):
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    except zipfile.BadZipFile:
        return False


def two_goods_example(tmp):
    """Two steel goods, one of them sub-metered, and an aluminium good (two processes by --processes,
    one with two goods), and a good that is not a CBAM good (left out); city and post code given."""
    d = os.path.join(tmp, "two")
    os.makedirs(d)
    with open(os.path.join(d, "electricity.csv"), "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh,product_id,factor_id\n")
        for m in range(1, 13):
            f.write("TW1,2025-%02d,G,grid,%d,,\n" % (m, 400000 + 1000 * m))
            f.write("TW1,2025-%02d,W,green_direct,%d,,\n" % (m, 150000))
            f.write("TW1,2025-%02d,S,grid,%d,BOLT,\n" % (m, 30000 + 500 * m))
    with open(os.path.join(d, "production.csv"), "w") as f:
        f.write("enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n")
        for m in range(1, 13):
            f.write("TW1,2025-%02d,BOLT,Steel bolt,7318 15 88,%d,t\n" % (m, 100 + m))
            f.write("TW1,2025-%02d,FIT,Pipe fitting,7307 19 10,%d,t\n" % (m, 200 - m))
            f.write("TW1,2025-%02d,ALU,Aluminium structure,7610 90 90,%d,t\n" % (m, 50))
            f.write("TW1,2025-%02d,LINER,Cylinder liner,8409 91 00,%d,t\n" % (m, 30))
    with open(os.path.join(d, "enterprises.csv"), "w") as f:
        f.write("enterprise_id,name,name_en,country,province,address,city,postcode\n"
                "TW1,Two goods,Two Goods Works (fictional),CN,Shanxi,1 Yuncheng Road,Yuncheng,044000\n")
    with open(os.path.join(d, "processes.csv"), "w") as f:
        f.write("product_id,process,direct_emissions_t_co2\nBOLT,Steel forming,120.5\nFIT,Steel forming,120.5\n"
                "ALU,Aluminium extrusion,\nLINER,Machining,\n")
    return d
