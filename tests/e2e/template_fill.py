"""Acceptance of `cbamcalc template`: it fills the Commission's CBAM communication
template v2.1.1 by patching the zip in place.

- Every part but xl/workbook.xml and the sheets A_InstData, C_Emissions&Energy,
  D_Processes and Summary_Products is copied raw (method, CRC, compressed bytes),
  in the template's order; the edited parts are well-formed and keep the sheet
  protection, data validations, defined names, conditional formats, x14
  extensions and array formulas; workbook.xml differs only in calcPr.
- Only documented input cells change, each unlocked in the template and without
  a formula; every other cell keeps its style and formula.
- The values agree with the JSON (reporting period, name, country, processes,
  production, MWh, factor, source code, goods, total indirect emissions); the
  direct emissions stay empty.
- A missing template exits 66; a file that is not the template, or another
  version of it, exits 65 naming what was found; a refusal writes nothing.
No LibreOffice needed (template_lo.py recalculates)."""
import calendar
import csv
import datetime
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402
import template_common as tc  # noqa: E402

tc.require_template()
c = Checks()
TPL = zipfile.ZipFile(tc.TEMPLATE)
STRINGS = tc.shared_strings(TPL)
UNLOCKED = tc.unlocked_styles(TPL)
TPL_CELLS = {name: tc.cells(TPL.read(part)) for name, part in tc.SHEETS.items()}
INPUTS = tc.input_cells()


def cn_categories():
    """CN code -> aggregated goods category, from the template's Parameters_CNCodes (columns D, E)."""
    sheet = tc.cells(TPL.read("xl/worksheets/sheet17.xml"))
    out = {}
    for ref, cell in sheet.items():
        m = re.fullmatch(r"D(\d+)", ref)
        if m and int(m.group(1)) >= 4:
            code, cat = tc.value(cell, STRINGS), tc.value(sheet.get("E" + m.group(1)), STRINGS)
            if isinstance(code, str) and isinstance(cat, str) and code and cat:
                out[code] = cat
    return out


CATEGORIES = cn_categories()
ONLY_DIRECT = tc.value(TPL_CELLS["A_InstData"]["S61"], STRINGS)  # "Only direct production"


def count(pattern, xml):
    return len(re.findall(pattern, xml))


def outside_sheet_data(xml):
    """A worksheet's XML without its sheetData: views, protection, validations, formats, extensions."""
    a, b = xml.index(b"<sheetData"), xml.index(b"</sheetData>") + len(b"</sheetData>")
    return xml[:a] + xml[b:]


def check_parts(out, label):
    """The zip: raw copies of the parts not edited, the edited ones well-formed and keeping their structure."""
    c.ok(tc.zip_ok(out), "%s: %s is a sound zip" % (label, out))
    z = zipfile.ZipFile(out)
    t_infos, o_infos = TPL.infolist(), z.infolist()
    c.ok([i.filename for i in o_infos] == [i.filename for i in t_infos],
         "%s: the same parts in the same order as the template" % label)
    by_name = {i.filename: i for i in o_infos}
    for ti in t_infos:
        oi = by_name.get(ti.filename)
        if oi is None or ti.filename in tc.EDITED:
            continue
        same = (oi.compress_type, oi.CRC, oi.compress_size, oi.file_size) == \
            (ti.compress_type, ti.CRC, ti.compress_size, ti.file_size)
        c.ok(same, "%s: %s method/CRC/sizes %s, template %s" % (
            label, ti.filename, (oi.compress_type, oi.CRC, oi.compress_size, oi.file_size),
            (ti.compress_type, ti.CRC, ti.compress_size, ti.file_size)))
        c.ok(same and tc.raw_member(out, oi) == tc.raw_member(tc.TEMPLATE, ti),
             "%s: %s copied raw (same compressed bytes)" % (label, ti.filename))
    for part in sorted(tc.EDITED):
        if part not in by_name:
            c.ok(False, "%s: %s present" % (label, part))
            continue
        try:
            ET.fromstring(z.read(part))
        except ET.ParseError as e:
            c.ok(False, "%s: %s is not well-formed XML: %s" % (label, part, e))
    c.ok(z.read("[Content_Types].xml") == TPL.read("[Content_Types].xml"), "%s: [Content_Types].xml unchanged" % label)
    for part in ("xl/comments1.xml", "xl/drawings/vmlDrawing1.vml", "xl/calcChain.xml", "xl/sharedStrings.xml"):
        c.ok(part in by_name, "%s: %s still there" % (label, part))

    # Every worksheet: protection, validations, conditional formats (and their x14 extensions), arrays.
    totals = {"sheetProtection": 0, "dataValidation": 0}
    for ti in t_infos:
        name = ti.filename
        if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name) or name not in by_name:
            continue
        t, o = TPL.read(name), z.read(name)
        totals["sheetProtection"] += count(rb"<sheetProtection[ />]", o)
        totals["dataValidation"] += count(rb"<dataValidation[ >]", o)
        if name not in tc.EDITED:
            continue
        for what, pat in (("sheetProtection", rb"<sheetProtection[^>]*>"),
                          ("dataValidations", rb"<dataValidations.*?</dataValidations>"),
                          ("conditionalFormatting", rb"<conditionalFormatting[ >].*?</conditionalFormatting>"),
                          ("extLst (x14 extensions)", rb"<extLst>.*?</extLst>"),
                          ("legacyDrawing", rb"<legacyDrawing[^>]*>")):
            tl, ol = re.findall(pat, t, re.S), re.findall(pat, o, re.S)
            c.ok(tl == ol, "%s: %s keeps its %d %s (now %d, or changed)" % (label, name, len(tl), what, len(ol)))
        c.ok(count(rb't="array"', o) == count(rb't="array"', t), "%s: %s keeps its array formulas" % (label, name))
        c.ok(outside_sheet_data(o) == outside_sheet_data(t), "%s: %s unchanged outside sheetData" % (label, name))
    c.ok(totals["sheetProtection"] == 19, "%s: %d sheetProtection, want 19" % (label, totals["sheetProtection"]))
    c.ok(totals["dataValidation"] == 43, "%s: %d dataValidation, want 43" % (label, totals["dataValidation"]))

    # workbook.xml: calcPr asks for a full recalculation on load; nothing else changes.
    t, o = TPL.read("xl/workbook.xml").decode(), z.read("xl/workbook.xml").decode()
    calc = re.findall(r"<calcPr\b[^>]*/>", o)
    c.ok(len(calc) == 1 and re.search(r'\bfullCalcOnLoad="(1|true)"', calc[0]) is not None,
         "%s: workbook.xml calcPr with fullCalcOnLoad=\"1\": %s" % (label, calc))
    c.ok(len(calc) == 1 and re.search(r'\bcalcId="162913"', calc[0]) is not None,
         "%s: calcPr keeps calcId=\"162913\": %s" % (label, calc))
    strip = lambda s: re.sub(r"<calcPr\b[^>]*/>", "", s)  # noqa: E731
    c.ok(strip(o) == strip(t), "%s: workbook.xml differs from the template only in calcPr" % label)
    c.ok(o.count("<definedName ") == 106, "%s: %d definedName, want 106" % (label, o.count("<definedName ")))
    return z


def check_cells(z, label):
    """Cell maps of the edited sheets against the template's; returns {sheet: cells} of the output."""
    out = {}
    for name, part in tc.SHEETS.items():
        try:
            o = tc.cells(z.read(part))
        except (KeyError, ET.ParseError):
            continue
        out[name] = o
        t = TPL_CELLS[name]
        missing = sorted(set(t) - set(o))
        c.ok(not missing, "%s: %s lost cells %s" % (label, name, missing[:10]))
        added = sorted(set(o) - set(t))
        c.ok(not added, "%s: %s has cells the template has not: %s" % (label, name, added[:10]))
        restyled = [r for r in t if r in o and t[r][0].get("s") != o[r][0].get("s")]
        c.ok(not restyled, "%s: %s cells with another style: %s" % (label, name, restyled[:10]))
        reformulated = [r for r in t if r in o and t[r][1] != o[r][1]]
        c.ok(not reformulated, "%s: %s cells whose formula changed: %s" % (label, name, reformulated[:10]))
        changed = [r for r in o if r not in t or (t[r][0].get("t"), t[r][2], t[r][3]) != (o[r][0].get("t"), o[r][2],
                                                                                          o[r][3])]
        outside = [r for r in changed if r not in INPUTS[name]]
        c.ok(not outside, "%s: %s cells changed outside the input cells: %s" % (label, name, outside[:10]))
        for r in changed:
            tcell = t.get(r)
            s = int(tcell[0].get("s", "0")) if tcell else 0
            c.ok(tcell is not None and s < len(UNLOCKED) and UNLOCKED[s],
                 "%s: %s!%s written, but locked in the template (style %s)" % (label, name, r, s))
            c.ok(tcell is None or tcell[1] is None, "%s: %s!%s written over a formula" % (label, name, r))
            c.ok(o[r][1] is None, "%s: %s!%s written as a formula" % (label, name, r))
    return out


def enterprise_rows(example=tc.EXAMPLE):
    with open(os.path.join(example, "enterprises.csv"), newline="", encoding="utf-8") as f:
        return {row["enterprise_id"]: row for row in csv.DictReader(f)}


def month_bounds(ym):
    y, m = (int(x) for x in ym.split("-"))
    return datetime.date(y, m, 1), datetime.date(y, m, calendar.monthrange(y, m)[1])


def check_values(cells, ent, label, site):
    """The input cells against the JSON of the same run."""
    v = lambda sheet, ref: tc.value(cells.get(sheet, {}).get(ref), STRINGS)  # noqa: E731
    tpl = ent.get("template")
    c.ok(isinstance(tpl, dict), "%s: JSON has a template object" % label)
    if not isinstance(tpl, dict):
        return
    c.ok(tpl.get("version") == "2.1.1", "%s: template.version %r" % (label, tpl.get("version")))
    todo = tpl.get("to_complete")
    c.ok(isinstance(todo, list) and todo and all(isinstance(s, str) and s for s in todo),
         "%s: template.to_complete is a list of strings: %r" % (label, todo))
    procs = tpl.get("processes")
    c.ok(isinstance(procs, list) and 0 < len(procs) <= tc.MAX_PROCESSES, "%s: 1..10 processes: %r" % (label, procs))
    if not isinstance(procs, list):
        return
    products = {p["product_id"]: p for p in ent["products"]}
    for p in ent["products"]:
        for key in ("quantity_in_see_t", "electricity_kwh", "see_indirect_t_co2_per_t", "cbam_ef_t_co2_per_mwh",
                    "cbam_ef_source_code"):
            c.ok(key in p, "%s: product %s keeps %s" % (label, p["product_id"], key))

    # A_InstData: reporting period, name, country.
    first, last = month_bounds(ent["period_from"])[0], month_bounds(ent["period_to"])[1]
    c.ok(v("A_InstData", "I9") == tc.excel_serial(first), "%s: A_InstData!I9 %r, want %d (%s)" %
         (label, v("A_InstData", "I9"), tc.excel_serial(first), first))
    c.ok(v("A_InstData", "L9") == tc.excel_serial(last), "%s: A_InstData!L9 %r, want %d (%s)" %
         (label, v("A_InstData", "L9"), tc.excel_serial(last), last))
    for ref, col in (("I19", "name"), ("I20", "name_en"), ("I21", "address"), ("I23", "postcode"), ("I25", "city")):
        want = site.get(col) or None
        c.ok(v("A_InstData", ref) == want, "%s: A_InstData!%s %r, want %r (enterprises.csv %s)" %
             (label, ref, v("A_InstData", ref), want, col))
        listed = any(s.startswith("A_InstData %s:" % ref) for s in todo or [])
        c.ok(listed == (want is None), "%s: A_InstData!%s listed in to_complete: %s" % (label, ref, listed))
    c.ok(v("A_InstData", "I26") == "China", "%s: A_InstData!I26 %r, want 'China'" % (label, v("A_InstData", "I26")))
    c.ok(v("A_InstData", "I24") is None, "%s: A_InstData!I24 (P.O. box) empty" % label)
    cats = []
    for proc in procs:
        if proc.get("category") not in cats:
            cats.append(proc.get("category"))
    for g in range(1, tc.MAX_PROCESSES + 1):
        want = cats[g - 1] if g <= len(cats) else None
        c.ok(v("A_InstData", "E%d" % (61 + g)) == want, "%s: A_InstData!E%d (goods category %d) %r, want %r" %
             (label, 61 + g, g, v("A_InstData", "E%d" % (61 + g)), want))

    # Processes: A_InstData rows 83.., D_Processes blocks.
    in_procs = []
    total_em = 0.0
    for p, proc in enumerate(procs, start=1):
        r, b = 82 + p, tc.block(p)
        c.ok(v("A_InstData", "L%d" % r) == proc.get("name") and proc.get("name"),
             "%s: A_InstData!L%d %r, want %r" % (label, r, v("A_InstData", "L%d" % r), proc.get("name")))
        c.ok(v("A_InstData", "E%d" % r) == proc.get("category"),
             "%s: A_InstData!E%d %r, want %r" % (label, r, v("A_InstData", "E%d" % r), proc.get("category")))
        c.ok(v("A_InstData", "F%d" % r) == ONLY_DIRECT, "%s: A_InstData!F%d %r, want %r (the template's S61)" %
             (label, r, v("A_InstData", "F%d" % r), ONLY_DIRECT))
        c.ok(proc.get("category") in set(CATEGORIES.values()),
             "%s: process %d category %r is one of the template's" % (label, p, proc.get("category")))
        pids = proc.get("products") or []
        c.ok(pids and all(pid in products for pid in pids), "%s: process %d products %r" % (label, p, pids))
        pids = [pid for pid in pids if pid in products]
        in_procs += pids
        for pid in pids:
            want = CATEGORIES.get(products[pid]["cn_code"])
            c.ok(want == proc.get("category"), "%s: %s (CN %s) is %r in the template, in a %r process" %
                 (label, pid, products[pid]["cn_code"], want, proc.get("category")))
        qty = sum(products[pid]["quantity_in_see_t"] for pid in pids)
        mwh = sum(products[pid]["electricity_kwh"] for pid in pids) / 1000
        em = sum(products[pid]["emissions_t_co2"]["cbam"] for pid in pids)
        total_em += em
        c.close(proc.get("production_t"), qty, "%s: process %d production_t = its goods' t in SEE" % (label, p), 1e-12)
        c.close(proc.get("electricity_mwh"), mwh, "%s: process %d electricity_mwh = its goods' kWh/1000" % (label, p),
                1e-12)
        if isinstance(proc.get("ef_t_co2_per_mwh"), float) and mwh > 0:
            c.close(proc["ef_t_co2_per_mwh"] * mwh, em, "%s: process %d EF x MWh = its goods' CBAM t" % (label, p), 1e-9)
        if len(pids) == 1:
            c.close(proc.get("ef_t_co2_per_mwh"), products[pids[0]]["cbam_ef_t_co2_per_mwh"],
                    "%s: process %d EF = its good's cbam_ef_t_co2_per_mwh" % (label, p), 1e-12)
            c.ok(proc.get("ef_source_code") == products[pids[0]]["cbam_ef_source_code"],
                 "%s: process %d source %r = its good's %r" % (label, p, proc.get("ef_source_code"),
                                                               products[pids[0]]["cbam_ef_source_code"]))
        for off, key in ((5, "production_t"), (16, "production_t"), (54, "electricity_mwh"), (55, "ef_t_co2_per_mwh")):
            got = v("D_Processes", "L%d" % (b + off))
            c.close(got, proc.get(key), "%s: D_Processes!L%d (%s of process %d)" % (label, b + off, key, p), 1e-15)
        got = v("D_Processes", "L%d" % (b + 56))
        c.ok(got == proc.get("ef_source_code") and got in tc.SOURCE_CODES,
             "%s: D_Processes!L%d %r, want %r (one of %s)" % (label, b + 56, got, proc.get("ef_source_code"),
                                                             sorted(tc.SOURCE_CODES)))
        direct = proc.get("direct_emissions_t_co2")
        c.ok("direct_emissions_t_co2" in proc, "%s: process %s has direct_emissions_t_co2" % (label, proc.get("name")))
        c.ok(v("D_Processes", "L%d" % (b + 43)) == direct,
             "%s: D_Processes!L%d (direct emissions) %r: given, or else left empty, never 0 (want %r)" %
             (label, b + 43, v("D_Processes", "L%d" % (b + 43)), direct))
        c.ok(direct is not None or any(proc.get("name", "") in t and "(g)" in t for t in todo),
             "%s: process %s without direct emissions is listed to complete by hand" % (label, proc.get("name")))
    for p in range(len(procs) + 1, tc.MAX_PROCESSES + 1):
        b = tc.block(p)
        for sheet, ref in (("A_InstData", "E%d" % (82 + p)), ("A_InstData", "L%d" % (82 + p)),
                           ("A_InstData", "F%d" % (82 + p)), ("D_Processes", "L%d" % (b + 16)),
                           ("D_Processes", "L%d" % (b + 5)), ("D_Processes", "L%d" % (b + 54)),
                           ("D_Processes", "L%d" % (b + 55)), ("D_Processes", "L%d" % (b + 56))):
            c.ok(v(sheet, ref) is None, "%s: %s!%s of unused process %d empty: %r" % (label, sheet, ref, p, v(sheet, ref)))
    c.ok(len(set(in_procs)) == len(in_procs), "%s: a good in one process only: %r" % (label, in_procs))
    c.ok(len({p.get("name") for p in procs}) == len(procs), "%s: process names differ" % label)

    # Goods left out: every product that is in no process, and only those.
    # Each entry is {"product_id", "reason"}, for programs to read.
    entries = tpl.get("goods_left_out", [])
    c.ok(all(isinstance(g, dict) and set(g) == {"product_id", "reason"} and g["reason"] for g in entries),
         "%s: goods_left_out entries are {product_id, reason}: %r" % (label, entries))
    left = [g.get("product_id") if isinstance(g, dict) else None for g in entries]
    c.ok(sorted(left) == sorted(set(products) - set(in_procs)),
         "%s: goods_left_out %r, want %r" % (label, left, sorted(set(products) - set(in_procs))))
    for pid in left:
        if pid in products:
            c.ok(CATEGORIES.get(products[pid]["cn_code"]) is None or products[pid]["quantity_in_see_t"] == 0,
                 "%s: %s (CN %s, %r) left out" % (label, pid, products[pid]["cn_code"],
                                                   CATEGORIES.get(products[pid]["cn_code"])))

    # Summary_Products: one row per good, in the order of the processes.
    k = 0
    for proc in procs:
        for pid in proc.get("products") or []:
            k += 1
            r, prod = 9 + k, products.get(pid)
            if prod is None:
                continue
            cell_f = cells.get("Summary_Products", {}).get("F%d" % r)
            c.ok(v("Summary_Products", "D%d" % r) == proc.get("name"),
                 "%s: Summary_Products!D%d %r, want %r" % (label, r, v("Summary_Products", "D%d" % r), proc.get("name")))
            c.ok(v("Summary_Products", "F%d" % r) == prod["cn_code"] and re.fullmatch(r"\d{8}", prod["cn_code"]),
                 "%s: Summary_Products!F%d %r, want %r as 8 digits" % (label, r, v("Summary_Products", "F%d" % r),
                                                                      prod["cn_code"]))
            c.ok(cell_f is not None and cell_f[0].get("t") in ("s", "inlineStr"),
                 "%s: Summary_Products!F%d is text (t=%r)" % (label, r, cell_f[0].get("t") if cell_f else None))
            c.ok(v("Summary_Products", "H%d" % r) == (prod.get("product_name") or pid),
                 "%s: Summary_Products!H%d %r, want %r" % (label, r, v("Summary_Products", "H%d" % r),
                                                           prod.get("product_name") or pid))
    for r in range(10 + k, 10 + tc.MAX_GOODS):
        for col in "DFH":
            c.ok(v("Summary_Products", "%s%d" % (col, r)) is None, "%s: Summary_Products!%s%d empty: %r" %
                 (label, col, r, v("Summary_Products", "%s%d" % (col, r))))

    # C_Emissions&Energy: the installation's indirect emissions (all its electricity, CBAM method).
    c.close(v("C_Emissions&Energy", "M26"), ent["emissions_t_co2"]["cbam"],
            "%s: C_Emissions&Energy!M26 = the enterprise's CBAM indirect t" % label, 1e-12)
    c.ok(total_em <= ent["emissions_t_co2"]["cbam"] * (1 + 1e-12), "%s: processes within the total" % label)


def fill(tmp, ent_id, example=tc.EXAMPLE):
    out, js = os.path.join(tmp, ent_id + ".xlsx"), os.path.join(tmp, ent_id + ".json")
    p = run(tc.fill_args(tc.TEMPLATE, out, js, ent_id, example), tmp)
    c.ok(p.returncode == 0, "template --enterprise %s: exit %d %s" % (ent_id, p.returncode, p.stderr))
    if p.returncode != 0 or not os.path.exists(js):
        return None, None
    with open(js, encoding="utf-8") as f:
        return out, tc.json_enterprise(json.load(f), ent_id)


def check_fill(tmp, ent_id, example=tc.EXAMPLE):
    out, ent = fill(tmp, ent_id, example)
    c.ok(ent is not None, "%s: enterprise in the JSON" % ent_id)
    if out is None or ent is None:
        return
    z = check_parts(out, ent_id)
    cells = check_cells(z, ent_id)
    check_values(cells, ent, ent_id, enterprise_rows(example)[ent_id])


# ---- refusals ----

def rewrite(src, dest, part, change):
    """A copy of the zip src with one part's bytes passed through change (a test may do this)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        done = False
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                new = change(data)
                c.ok(new != data, "rewrite of %s changed it" % part)
                data, done = new, True
            zout.writestr(info, data)
        c.ok(done, "%s in %s" % (part, src))


def refused(tmp, template, want_code, what, must_say=()):
    """Runs template with a bad --template over existing -o and --json files: exit want_code,
    the message says must_say (any one of each tuple), nothing written, the files untouched."""
    d = os.path.join(tmp, "refuse-" + re.sub(r"\W", "_", what))
    os.makedirs(d)
    out, js = os.path.join(d, "keep.xlsx"), os.path.join(d, "keep.json")
    with open(out, "wb") as f:
        f.write(b"an existing workbook the refusal must not touch\n")
    with open(js, "wb") as f:
        f.write(b'{"kept": true}\n')
    before = sorted(os.listdir(d))
    p = run(tc.fill_args(template, out, js, tc.enterprise_ids()[0]), tmp)
    c.ok(p.returncode == want_code, "%s: exit %d, want %d (%s)" % (what, p.returncode, want_code, p.stderr.strip()))
    c.ok(p.stderr.strip() != "", "%s: a message" % what)
    for options in must_say:
        c.ok(any(s in p.stderr for s in options), "%s: the message names one of %r: %s" % (what, options,
                                                                                        p.stderr.strip()))
    c.ok(sorted(os.listdir(d)) == before, "%s: nothing written beside (%s)" % (what, sorted(os.listdir(d))))
    c.ok(open(out, "rb").read() == b"an existing workbook the refusal must not touch\n", "%s: -o untouched" % what)
    c.ok(open(js, "rb").read() == b'{"kept": true}\n', "%s: --json untouched" % what)


def check_refusals(tmp):
    refused(tmp, os.path.join(tmp, "no-such-template.xlsx"), 66, "missing template", [("no-such-template.xlsx",)])
    os.makedirs(os.path.join(tmp, "a-directory.xlsx"))
    refused(tmp, os.path.join(tmp, "a-directory.xlsx"), 66, "a directory as the template")

    # -o naming the template itself: refused as an output over an input (64); the template untouched.
    d = os.path.join(tmp, "over")
    os.makedirs(d)
    mine = os.path.join(d, "template.xlsx")
    with open(tc.TEMPLATE, "rb") as f:
        original = f.read()
    with open(mine, "wb") as f:
        f.write(original)
    p = run(tc.fill_args(mine, mine, os.path.join(d, "t.json"), tc.enterprise_ids()[0]), d)
    c.ok(p.returncode == 64, "-o over the template: exit %d, want 64 (%s)" % (p.returncode, p.stderr.strip()))
    c.ok(open(mine, "rb").read() == original, "-o over the template: the template untouched")
    c.ok(sorted(os.listdir(d)) == ["template.xlsx"], "-o over the template: nothing written (%s)" % os.listdir(d))

    # A workbook cbamcalc wrote itself.
    own = os.path.join(tmp, "own.xlsx")
    ex = tc.EXAMPLE
    p = run(["report", "-q", "-e", os.path.join(ex, "electricity.csv"), "-p", os.path.join(ex, "production.csv"),
             "--enterprise", tc.enterprise_ids()[0], "-o", own], tmp)
    c.ok(p.returncode == 0, "report for the own-workbook case: %s" % p.stderr)
    refused(tmp, own, 65, "cbamcalc's own workbook")

    # The template with its sheets renamed.
    renamed = os.path.join(tmp, "renamed.xlsx")
    rewrite(tc.TEMPLATE, renamed, "xl/workbook.xml",
            lambda b: b.replace(b'name="A_InstData"', b'name="A_Installation"')
                       .replace(b'name="D_Processes"', b'name="D_Process"'))
    refused(tmp, renamed, 65, "sheets renamed")

    # A text file, and an empty one.
    text = os.path.join(tmp, "template.xlsx.txt")
    with open(text, "w") as f:
        f.write("enterprise_id,period\nYC-AP01,2025-01\n")
    refused(tmp, text, 65, "a text file")
    empty = os.path.join(tmp, "empty.xlsx")
    open(empty, "wb").close()
    refused(tmp, empty, 65, "an empty file")

    # Another version: VersionDocumentation!B3 (the date, 45639 = 2024-12-13) or 0_Versions!E38 ("2.1.1").
    dated = os.path.join(tmp, "dated.xlsx")
    rewrite(tc.TEMPLATE, dated, "xl/worksheets/sheet19.xml",
            lambda b: b.replace(b'<c r="B3" s="49"><v>45639</v></c>', b'<c r="B3" s="49"><v>45800</v></c>'))
    refused(tmp, dated, 65, "B3 dated 2025-05-23", [("2025-05-23", "45800", "23/05/2025", "23.05.2025"), ("2.1.1",)])
    versioned = os.path.join(tmp, "versioned.xlsx")
    rewrite(tc.TEMPLATE, versioned, "xl/sharedStrings.xml",
            lambda b: b.replace(b"<si><t>2.1.1</t></si>", b"<si><t>2.2.0</t></si>"))
    refused(tmp, versioned, 65, "E38 says 2.2.0", [("2.2.0",), ("2.1.1",)])


def check_review_findings(tmp):
    """What an outside review found: each gave a broken or wrong template with exit 0, or worse."""
    # A template whose worksheet declares an entity that expands to two input cells: refused (65).
    entity = os.path.join(tmp, "entity.xlsx")
    rewrite(tc.TEMPLATE, entity, "xl/worksheets/sheet5.xml",
            lambda b: b.replace(b"<worksheet ", b'<!DOCTYPE worksheet [<!ENTITY e "">]><worksheet ', 1))
    refused(tmp, entity, 65, "a DOCTYPE in a sheet", [("DOCTYPE", "sheet5.xml")])
    # A damaged part the command never reads itself (docProps/app.xml): 65 naming the template.
    damaged = os.path.join(tmp, "damaged.xlsx")
    with zipfile.ZipFile(tc.TEMPLATE) as zin, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
    data = bytearray(open(damaged, "rb").read())
    with zipfile.ZipFile(damaged) as z:
        info = z.getinfo("docProps/app.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10] ^= 0x55  # the compressed bytes no longer give the stated CRC
    open(damaged, "wb").write(bytes(data))
    refused(tmp, damaged, 65, "a damaged part", [("damaged.xlsx",), ("docProps/app.xml",)])

    os.makedirs(os.path.join(tmp, "review"))
    ex = tc.two_goods_example(os.path.join(tmp, "review"))
    prod = os.path.join(ex, "production.csv")
    with open(prod, encoding="utf-8") as f:
        rows = f.read()
    try:
        # Names that differ only in letter case: one process to the template's formulas.
        with open(prod, "w", encoding="utf-8") as f:
            f.write(rows.replace("Pipe fitting", "STEEL BOLT").replace("Steel bolt", "Steel bolt"))
        os.remove(os.path.join(ex, "processes.csv"))
        out, ent = fill(tmp, "TW1", ex)
        names = [q["name"] for q in (ent or {}).get("template", {}).get("processes", [])]
        folded = [n.lower() for n in names]
        c.ok(len(set(folded)) == len(folded), "default process names differ beyond letter case: %r" % names)
        with open(os.path.join(ex, "processes.csv"), "w") as f:
            f.write("product_id,process\nBOLT,Forming\nFIT,FORMING\nALU,Extrusion\n")
        o2 = os.path.join(tmp, "case.xlsx")
        p = run(tc.fill_args(tc.TEMPLATE, o2, os.path.join(tmp, "case.json"), "TW1", ex), tmp)
        c.ok(p.returncode == 65 and "letter case" in p.stderr and not os.path.exists(o2),
             "--processes names differing only in case: 65 (exit %d) %s" % (p.returncode, p.stderr))
        with open(os.path.join(ex, "processes.csv"), "w") as f:
            f.write("product_id,process\nBOLT,Forming*\nFIT,Forming*\nALU,Extrusion\n")
        p = run(tc.fill_args(tc.TEMPLATE, o2, os.path.join(tmp, "case.json"), "TW1", ex), tmp)
        c.ok(p.returncode == 65 and "wildcard" in p.stderr and not os.path.exists(o2),
             "a wildcard in a process name: 65 (exit %d) %s" % (p.returncode, p.stderr))
        os.remove(os.path.join(ex, "processes.csv"))
        # A long name of Chinese characters, its byte count odd: never cut inside a character.
        long_name = "A" + "钢" * 150 + "螺栓"
        with open(prod, "w", encoding="utf-8") as f:
            f.write(rows.replace("Steel bolt", long_name).replace("Pipe fitting", long_name + "x"))
        out, ent = fill(tmp, "TW1", ex)
        names = [q.get("name") for q in (ent or {}).get("template", {}).get("processes", [])]
        c.ok(long_name in names and long_name + "x" in names, "long names whole in the JSON: %r" %
             [n[:8] + "..." if n else n for n in names])
        if out:
            with zipfile.ZipFile(out) as z:
                for part in ("xl/worksheets/sheet5.xml", "xl/worksheets/sheet13.xml"):
                    try:
                        ET.fromstring(z.read(part))
                        ok = True
                    except ET.ParseError:
                        ok = False
                    c.ok(ok, "long names: %s well-formed" % part)
    finally:
        with open(prod, "w", encoding="utf-8") as f:
            f.write(rows)

    # report --split with the template inside the output directory under an output's name.
    d = os.path.join(tmp, "split-over")
    os.makedirs(d)
    ent_id = tc.enterprise_ids()[0]
    inside = os.path.join(d, ent_id + ".template.xlsx")
    with open(tc.TEMPLATE, "rb") as f:
        original = f.read()
    with open(inside, "wb") as f:
        f.write(original)
    ex = tc.EXAMPLE
    p = run(["report", "-q", "-e", os.path.join(ex, "electricity.csv"), "-p", os.path.join(ex, "production.csv"),
             "-i", os.path.join(ex, "enterprises.csv"), "--split", "--out-dir", d, "--template", inside], tmp)
    c.ok(p.returncode == 64, "report --split over the template: exit %d, want 64 (%s)" % (p.returncode, p.stderr))
    c.ok(open(inside, "rb").read() == original, "report --split over the template: the template untouched")
    c.ok(sorted(os.listdir(d)) == [ent_id + ".template.xlsx"], "nothing written (%s)" % os.listdir(d))


def check_batch(tmp):
    """batch --template: the manifest's template_output (else the workbook's stem), the same bytes as
    `cbamcalc template` gives; a template_output without --template is a bad manifest."""
    ex = os.path.abspath(tc.EXAMPLE)
    ids = tc.enterprise_ids()
    d = os.path.join(tmp, "batch")
    os.makedirs(d)
    man = os.path.join(d, "manifest.csv")
    with open(man, "w") as f:
        f.write("client,electricity,production,enterprises,output,enterprise,template_output\n")
        for k, ent_id in enumerate(ids):
            f.write("c%d,%s,%s,%s,,%s,%s\n" % (k, os.path.join(ex, "electricity.csv"), os.path.join(ex, "production.csv"),
                                              os.path.join(ex, "enterprises.csv"), ent_id,
                                              "filled-%d.xlsx" % k if k == 0 else ""))
    out = os.path.join(d, "out")
    p = run(["batch", man, "--out-dir", out, "--template", tc.TEMPLATE, "-q"], d)
    c.ok(p.returncode == 0, "batch --template: exit %d %s" % (p.returncode, p.stderr))
    names = ["filled-0.xlsx"] + ["c%d.template.xlsx" % k for k in range(1, len(ids))]
    for k, name in enumerate(names):
        path = os.path.join(out, name)
        c.ok(os.path.exists(path), "batch wrote %s (%s)" % (name, sorted(os.listdir(out)) if os.path.isdir(out) else "-"))
        mine = os.path.join(d, "single-%d.xlsx" % k)
        q = run(tc.fill_args(tc.TEMPLATE, mine, os.path.join(d, "single-%d.json" % k), ids[k]), d)
        c.ok(q.returncode == 0 and os.path.exists(path) and open(path, "rb").read() == open(mine, "rb").read(),
             "batch's %s is byte for byte what `template` writes" % name)
    p = run(["batch", man, "--out-dir", out, "--template", tc.TEMPLATE], d)
    # one line per client, then the totals line unattended runs end with (issue 13)
    lines = p.stdout.splitlines()
    c.ok(p.returncode == 0 and sum(" skipped (unchanged) " in ln and " totals: " not in ln for ln in lines) == len(ids)
         and " totals: 0 ok, %d skipped" % len(ids) in lines[-1], "a second run skips every client: %s" % p.stdout)
    with open(os.path.join(out, "batch-summary.json")) as f:
        jobs = {j["client"]: j for j in json.load(f)["jobs"]}
    c.ok([jobs.get("c%d" % k, {}).get("template_output") for k in range(len(ids))] == names,
         "batch-summary.json lists each client's template_output: %r" % jobs)
    merged = os.path.join(d, "merged")
    p = run(["batch", "--merge", "--out-dir", merged, out], d)
    with open(os.path.join(merged, "batch-summary.json")) as f:
        mjobs = {j["client"]: j for j in json.load(f)["jobs"]}
    c.ok(p.returncode == 0 and [mjobs.get("c%d" % k, {}).get("template_output") for k in range(len(ids))] == names,
         "--merge keeps template_output (exit %d) %s" % (p.returncode, p.stderr))
    p = run(["batch", man, "--out-dir", os.path.join(d, "out2")], d)
    c.ok(p.returncode == 65 and "template_output" in p.stderr and "--template" in p.stderr,
         "template_output without --template: 65 (exit %d) %s" % (p.returncode, p.stderr))
    p = run(["batch", man, "--out-dir", os.path.join(d, "out3"), "--template", os.path.join(d, "none.xlsx")], d)
    c.ok(p.returncode == 66 and not os.path.exists(os.path.join(d, "out3", "c1.xlsx")),
         "batch with a missing template: 66, nothing run (exit %d) %s" % (p.returncode, p.stderr))


def small_example(tmp, name, goods, processes=None):
    """An enterprise E1 with goods [(id, name, cn)] over twelve months; returns its folder."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(d, "electricity.csv"), "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh\n")
        f.write("".join("E1,2025-%02d,M1,grid,%d\n" % (m, 500000) for m in range(1, 13)))
    with open(os.path.join(d, "production.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "period", "product_id", "product_name", "cn_code", "quantity", "unit"])
        for m in range(1, 13):
            for k, (gid, gname, cn) in enumerate(goods):
                w.writerow(["E1", "2025-%02d" % m, gid, gname, cn, 100 + 50 * k, "t"])
    with open(os.path.join(d, "enterprises.csv"), "w") as f:
        f.write("enterprise_id,name,name_en,country,province\nE1,测试厂,Test Works (fictional),CN,Shanxi\n")
    if processes is not None:
        with open(os.path.join(d, "processes.csv"), "w", encoding="utf-8") as f:
            f.write(processes)
    return d


def check_second_review(tmp):
    """What a second review found in the fixes."""
    # Nine goods categories in one process: 65 naming the process (it printed a freed name).
    cats = ["25070080", "25231000", "25232100", "25233000", "28041000", "28080000", "28141000", "28342100",
            "31021010"]
    goods = [("G%d" % k, "Good %d" % k, cn) for k, cn in enumerate(cats)]
    d = small_example(tmp, "nine-cats", goods, "product_id,process\n" + "".join("G%d,Bubble\n" % k
                                                                                for k in range(len(cats))))
    out = os.path.join(d, "o.xlsx")
    p = run(tc.fill_args(tc.TEMPLATE, out, os.path.join(d, "o.json"), "E1", d), d)
    c.ok(p.returncode == 65 and "Bubble" in p.stderr and "categories" in p.stderr and not os.path.exists(out),
         "nine categories in one process: 65 naming it (exit %d) %s" % (p.returncode, p.stderr[-300:]))

    # Default names that read alike: "Steel", "Steel" and a product called "Steel (P1)": three processes.
    d = small_example(tmp, "alike", [("P1", "Steel", "72071111"), ("P2", "Steel", "72061000"),
                                     ("P3", "Steel (P1)", "72071111"), ("P4", "B*", "72071111"),
                                     ("P5", "B?", "72071111"), ("P6", "=SUM(A1)", "72071111")])
    out, ent = fill(tmp, "E1", d)
    procs = (ent or {}).get("template", {}).get("processes", [])
    names = [q["name"] for q in procs]
    c.ok(len(procs) == 6 and all(len(q["products"]) == 1 for q in procs),
         "six goods alike in name: six processes of one good each: %r" % [(q["name"], q["products"]) for q in procs])
    c.ok(len({n.lower() for n in names}) == len(names) and not any(set("*?~") & set(n) for n in names)
         and not any(n[:1] in "=<>" for n in names), "process names unique to the template: %r" % names)

    # Letter case beyond ASCII: Excel's MATCH reads "Étape" and "éTAPE" as one name too.
    d = small_example(tmp, "accents", [("P1", "Étape", "72071111"), ("P2", "éTAPE", "72061000")])
    out, ent = fill(tmp, "E1", d)
    procs = (ent or {}).get("template", {}).get("processes", [])
    c.ok(len(procs) == 2 and len({q["name"] for q in procs}) == 2 and all("(P" in q["name"] for q in procs),
         "default names alike beyond ASCII get their ids: %r" % [q["name"] for q in procs])
    d = small_example(tmp, "accents-file", [("P1", "A", "72071111"), ("P2", "B", "72061000")],
                      "product_id,process\nP1,Étape\nP2,éTAPE\n")
    out = os.path.join(d, "o.xlsx")
    p = run(tc.fill_args(tc.TEMPLATE, out, os.path.join(d, "o.json"), "E1", d), d)
    c.ok(p.returncode == 65 and "letter case" in p.stderr and not os.path.exists(out),
         "--processes names alike beyond ASCII: 65 (exit %d) %s" % (p.returncode, p.stderr[-200:]))

    # --json (or -o) over the --processes file: refused (64), the file kept.
    d = small_example(tmp, "over-processes", [("P1", "Steel", "72071111")], "product_id,process\nP1,Rolling\n")
    procs_file = os.path.join(d, "processes.csv")
    p = run(tc.fill_args(tc.TEMPLATE, os.path.join(d, "o.xlsx"), procs_file, "E1", d), d)
    c.ok(p.returncode == 64 and open(procs_file).read() == "product_id,process\nP1,Rolling\n",
         "--json over the --processes file: 64, the file kept (exit %d) %s" % (p.returncode, p.stderr[-200:]))

    # Ten processes with a good each, and an eleventh holding only a product outside CBAM: filled.
    goods = [("G%d" % k, "Good %d" % k, "72071111") for k in range(10)] + [("L", "Liner", "84099100")]
    d = small_example(tmp, "ten-plus", goods, "product_id,process\n" +
                      "".join("G%d,Line %d\n" % (k, k) for k in range(10)) + "L,Machining\n")
    out, ent = fill(tmp, "E1", d)
    c.ok(ent is not None and len(ent.get("template", {}).get("processes", [])) == 10,
         "ten processes and one without a CBAM good: filled with ten")

    # Names the template's formulas cannot take: from a --processes file refused, by default avoided.
    for bad, say in (("=Rolling", "comparison"), ("R" * 201, "200 characters")):
        d = small_example(tmp, "bad-name-%d" % len(bad), [("P1", "Steel", "72071111")],
                          "product_id,process\nP1,%s\n" % bad)
        out = os.path.join(d, "o.xlsx")
        p = run(tc.fill_args(tc.TEMPLATE, out, os.path.join(d, "o.json"), "E1", d), d)
        c.ok(p.returncode == 65 and say in p.stderr and not os.path.exists(out),
             "process name %r: 65 (exit %d) %s" % (bad[:12], p.returncode, p.stderr[-200:]))
    d = small_example(tmp, "long-default", [("P1", "钢" * 250, "72071111")])
    out, ent = fill(tmp, "E1", d)
    names = [q["name"] for q in (ent or {}).get("template", {}).get("processes", [])]
    c.ok(names == ["P1"], "a product name over 200 characters: the process is named by the id: %r" %
         [n[:10] for n in names])


def check_terminal(tmp):
    """Without --json the user reads what is left to do on the terminal, under the line that says
    what was written; -q keeps it quiet."""
    out = os.path.join(tmp, "terminal.xlsx")
    args = [a for a in tc.fill_args(tc.TEMPLATE, out, "x", tc.enterprise_ids()[0]) if a not in ("--json", "x")]
    p = run(args, tmp)
    tail = p.stderr.split("the official template filled in", 1)[-1]
    c.ok(p.returncode == 0 and "to complete by hand:" in tail and "\n  - D_Processes (f)" in tail
         and "\n  - A_InstData I22" in tail, "the list to complete by hand on the terminal: %s" % p.stderr)
    p = run(args + ["-q"], tmp)
    c.ok(p.returncode == 0 and p.stderr == "", "-q: nothing on the terminal (%r)" % p.stderr)


def check_processes_file(tmp, example):
    """A --processes file must place every CBAM good (a missing one is an
    error naming it, nothing written); a product outside CBAM may be left out."""
    procs = os.path.join(example, "processes.csv")
    with open(procs) as f:
        full = f.read()
    try:
        with open(procs, "w") as f:
            f.write("product_id,process\nBOLT,Steel forming\nFIT,Steel forming\nALU,Aluminium extrusion\n")
        out, ent = fill(tmp, "TW1", example)
        left = [g["product_id"] for g in (ent or {}).get("template", {}).get("goods_left_out", [])]
        c.ok(left == ["LINER"], "no process for the good outside CBAM: left out, %r" % left)
        with open(procs, "w") as f:
            f.write("product_id,process\nBOLT,Steel forming\nALU,Aluminium extrusion\n")
        out2 = os.path.join(tmp, "missing-fit.xlsx")
        p = run(tc.fill_args(tc.TEMPLATE, out2, os.path.join(tmp, "missing-fit.json"), "TW1", example), tmp)
        c.ok(p.returncode == 65 and "FIT" in p.stderr and not os.path.exists(out2),
             "a CBAM good in no process: 65 naming it, nothing written (exit %d) %s" % (p.returncode, p.stderr))
        for bad, say in (("BOLT,Steel forming,120.5\nFIT,Steel forming,99\n", "120.5"),
                         ("BOLT,Steel forming,-3\nFIT,Steel forming,\n", "-3"),
                         ("BOLT,Steel forming,12t\nFIT,Steel forming,\n", "12t")):
            with open(procs, "w") as f:
                f.write("product_id,process,direct_emissions_t_co2\n" + bad + "ALU,Aluminium extrusion,\n")
            p = run(tc.fill_args(tc.TEMPLATE, out2, os.path.join(tmp, "missing-fit.json"), "TW1", example), tmp)
            c.ok(p.returncode == 65 and say in p.stderr and "direct" in p.stderr and not os.path.exists(out2),
                 "direct emissions %r refused with 65 naming it (exit %d) %s" % (bad, p.returncode, p.stderr))
    finally:
        with open(procs, "w") as f:
            f.write(full)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for ent_id in tc.enterprise_ids():
            check_fill(tmp, ent_id)
        two = tc.two_goods_example(tmp)
        check_fill(tmp, "TW1", two)
        check_processes_file(tmp, two)
        check_refusals(tmp)
        check_review_findings(tmp)
        check_batch(tmp)
        check_terminal(tmp)
        check_second_review(tmp)
    c.finish()


if __name__ == "__main__":
    main()
