"""Prints the demo's workbooks as a consultant would (LibreOffice to PDF, pages
to pixels) and checks by machine what issue 13 asks of them: every page renders,
every page has its header (sheet, enterprise, period) and footer (page x of y,
tool and version, the inputs' short hash), page setup, page counts, no page cut
at the right edge, no ###, no clipped header, charts placed, sized and drawn as
asked, Factors and Data_Quality laid out as asked, the Chinese workbook Chinese
with a CJK font, and "Created (UTC)" the time of the run.

Workbooks: `demo` (YC-AP01, YC-FD02 and the exports' one, with an Hourly sheet)
and `report --lang zh` of YC-AP01 and of the exports. One LibreOffice run
converts them all. Prints PASS/FAIL per named check.

  --keep DIR   write everything (workbooks, PDFs, page PNGs) to DIR and leave it
               there for a human to look at (tests/e2e/render_pages.sh).

The expectations that depend on the layout are constants just below."""
import csv
import glob
import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run  # noqa: E402

# ---- expectations (adjust here when the layout changes on purpose) ----
EPOCH = 1750000000                       # SOURCE_DATE_EPOCH of the runs (2025-06-15 15:06:40 UTC)
DPI = 20                                 # pages to pixels: enough to tell a blank page
BLANK_MIN_DARK_PIXELS = 20               # fewer pixels darker than 80 % grey: a blank page
LANDSCAPE = {"Electricity", "Products", "Hourly", "Data_Quality", "Factors"}   # others: any, but set
# Print_Titles; Hourly holds several tables one above another, with no one header row to repeat
TABULAR = {"Electricity", "Products", "CBAM_Communication", "Factors", "Data_Quality"}
SCALED = {"Method"}                      # may print at a scale instead of fit to width
A4 = "9"
# CBAM_Communication: the template's 53 columns, readable only over several pages side by side
# Electricity (19 columns) and Products (22): two pages side by side print at about 9 pt, one at 6
PAGES_WIDE = {"CBAM_Communication": 4, "Electricity": 2, "Products": 2}   # fit to this many pages wide; others 1
MAX_PAGES = {"Summary": 2, "Electricity": 2, "Factors": 1, "Method": 3, "CBAM_Communication": 4}
MAX_PAGES_BOOKS = ("en-YC-AP01", "en-YC-FD02", "zh-YC-AP01")   # the demo's own workbooks
RIGHT_SLACK_PT = 14                      # no word ends within 14 pt (0.2 in) of the right edge or beyond
BAND_PT = 20                             # the header: words within 20 pt of the page's top-most word
HEADER_SLACK = 1.10                      # a header text fits in 110 % of its column width
LINE_PT = 15.0                           # one line of a wrapped 11 pt cell
GRID_MAX_COL = 3                         # the completeness grid's Meter column is A..C, its columns follow
GRID_MAX_COL_WIDTH = 40                  # without gaps, none wider than this (not beside the messages)
GRID_FIRST_PAGE_BOOKS = ("en-YC-AP01", "en-YC-FD02", "zh-YC-AP01")  # ...and on the sheet's first page
ZH_MIN_CJK_MESSAGES = 0.8                # share of Data_Quality messages with Chinese text (zh)
ZERO_SERIES_MAY_STAY_IF_LEGEND_DELETED = False  # the brief: a zero-only series is not in the chart at all
CJK_STYLE_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "SimSun", "宋体", "等线", "DengXian",
                   "Microsoft YaHei", "微软雅黑")
PDF_CJK_FONT = re.compile(r"CJK|SourceHan|WenQuanYi|WQY|DroidSansFallback|SimSun|DengXian|YaHei", re.I)
PAGE_XML = [r"Page\s*&P\s*of\s*&N", r"第\s*&P\s*页.*共\s*&N\s*页"]
PAGE_PDF = [r"Page\s*(\d+)\s*of\s*(\d+)", r"第\s*(\d+)\s*页.*?共\s*(\d+)\s*页"]
ZH_EXEMPT_SHEETS = {"CBAM_Communication"}  # stays English, as the Commission's template
ZH_EXEMPT_FACTOR_FIELDS = ("id", "source", "url", "unit", "kind", "status")   # bibliographic, codes
ZH_EXEMPT_STRINGS = {"Mix"}               # CBAM source code
ZH_EXEMPT_STRINGS |= {"grid", "green_trade", "green_ppa", "green_direct", "onsite", "supplier", "certificate",
                      "certificates", "load"}   # the input format's source codes (Data_Quality's grid)
# Messages a lead may want to see in full: at most this many lines per check.
SHOW = int(os.environ.get("XLSX_PRINT_SHOW", "12"))

TOOLS = {"soffice": shutil.which("soffice") or shutil.which("libreoffice"), "pdftotext": shutil.which("pdftotext"),
         "pdftoppm": shutil.which("pdftoppm"), "pdffonts": shutil.which("pdffonts")}
for tool, path in TOOLS.items():
    if path is None:
        print("SKIP: %s is not installed (apt-get install libreoffice-calc-nogui poppler-utils fonts-noto-cjk)" % tool)
        sys.exit(77)

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
R_ID = "{%s}id" % NS["r"]


class Report:
    """Named checks, each with its problems; PASS/FAIL per check at the end."""

    def __init__(self):
        self.order, self.problems, self.notes = [], {}, {}

    def check(self, name):
        if name not in self.problems:
            self.order.append(name)
            self.problems[name] = []
        return name

    def fail(self, name, msg):
        self.check(name)
        self.problems[name].append(msg)

    def ok(self, name, cond, msg):
        self.check(name)
        if not cond:
            self.problems[name].append(msg)

    def note(self, name, msg):
        self.check(name)
        self.notes.setdefault(name, []).append(msg)

    def finish(self):
        failed = 0
        for name in sorted(self.order):
            probs = self.problems[name]
            print("%s %s%s" % ("FAIL" if probs else "PASS", name, " (%d problems)" % len(probs) if probs else ""))
            for msg in probs[:SHOW]:
                print("    - " + msg)
            if len(probs) > SHOW:
                print("    ... and %d more" % (len(probs) - SHOW))
            for msg in self.notes.get(name, []):
                print("    note: " + msg)
            failed += bool(probs)
        print("%d checks passed, %d failed" % (len(self.order) - failed, failed))
        sys.exit(1 if failed else 0)


R = Report()


# ---- text helpers ----

def is_cjk(ch):
    return unicodedata.east_asian_width(ch) in ("W", "F")


def has_cjk(text):
    return any(is_cjk(ch) for ch in text)


def text_units(text):
    """Approximate width in column-width units: CJK 2, others 1."""
    return sum(2 if is_cjk(ch) else 1 for ch in text)


def squash(text):
    return re.sub(r"\s+", "", text or "")


def wrapped_lines(text, width):
    """Lines a wrapping cell of width units needs for text (greedy, CJK breaks anywhere)."""
    lines = 0
    for para in str(text).split("\n"):
        tokens = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+|[\u2e80-\u9fff\uff00-\uffef]", para) or [""]
        lines += 1
        used = 0
        for t in tokens:
            w = text_units(t)
            sep = 0 if used == 0 or is_cjk(t[0]) else 1
            if used and used + sep + w > width:
                lines += 1
                used = w
            else:
                used += sep + w
    return lines


def period_in(text, frm, to):
    """The period in a header: 2025-01 .. 2025-12 (any separator), or 2025年1月 forms."""
    def forms(p):
        y, m = p.split("-")
        return [p, "%s年%d月" % (y, int(m)), "%s年%s月" % (y, m)]
    return any(f in text for f in forms(frm)) and any(f in text for f in forms(to))


# ---- the workbook's parts ----

class Book:
    """One workbook: its sheets (name, part, XML root, openpyxl sheets), defined names, charts."""

    def __init__(self, key, path, lang, report_json, ent):
        self.key, self.path, self.lang, self.ent = key, path, lang, ent
        self.hash12 = report_json["inputs_sha256"][:12]
        self.id, self.frm, self.to = ent["enterprise_id"], ent["period_from"], ent["period_to"]
        self.zip = zipfile.ZipFile(path)
        wb = self.xml("xl/workbook.xml")
        rels = self.rels("xl/workbook.xml")
        self.sheets = []   # (name, part)
        for s in wb.find("m:sheets", NS):
            self.sheets.append((s.get("name"), rels[s.get(R_ID)]))
        self.names = [s[0] for s in self.sheets]
        self.defined = [(d.get("name"), d.get("localSheetId"), d.text or "")
                        for d in wb.iter("{%s}definedName" % NS["m"])]
        self.sheet_xml = {name: self.xml(part) for name, part in self.sheets}
        self.wb = openpyxl.load_workbook(path, data_only=True)
        self.charts = []   # dicts: sheet, rect, xml (chart root), part
        for name, part in self.sheets:
            srels = self.rels(part)
            for d in self.sheet_xml[name].iter("{%s}drawing" % NS["m"]):
                dpart = srels[d.get(R_ID)]
                drels = self.rels(dpart)
                for anchor in list(self.xml(dpart)):
                    tag = anchor.tag.split("}")[1]
                    fr, to = anchor.find("xdr:from", NS), anchor.find("xdr:to", NS)
                    ch = anchor.find(".//c:chart", NS)
                    if ch is None:
                        continue
                    if fr is None or to is None:
                        R.fail("charts-no-overlap", "%s %s: a chart anchored by %s, not by cells" % (key, name, tag))
                        continue
                    pos = [tuple(int(e.find("xdr:" + k, NS).text) for k in ("col", "colOff", "row", "rowOff"))
                           for e in (fr, to)]
                    cpart = drels[ch.get(R_ID)]
                    self.charts.append({"sheet": name, "from": pos[0], "to": pos[1], "xml": self.xml(cpart),
                                        "part": cpart})

    def xml(self, part):
        return ET.fromstring(self.zip.read(part))

    def rels(self, part):
        d, b = posixpath.split(part)
        rp = posixpath.join(d, "_rels", b + ".rels")
        if rp not in self.zip.namelist():
            return {}
        return {r.get("Id"): posixpath.normpath(posixpath.join(d, r.get("Target")))
                for r in self.xml(rp).findall("p:Relationship", NS)}

    def local_names(self, name, sheet):
        idx = str(self.names.index(sheet))
        return [t for n, i, t in self.defined if n == name and i == idx]

    def col_widths(self, sheet):
        w = {}
        cols = self.sheet_xml[sheet].find("m:cols", NS)
        for col in (cols if cols is not None else []):
            for c in range(int(col.get("min")), int(col.get("max")) + 1):
                w[c] = float(col.get("width", "8.43"))
        return w

    def row_heights(self, sheet):
        return {int(r.get("r")): float(r.get("ht")) for r in self.sheet_xml[sheet].iter("{%s}row" % NS["m"])
                if r.get("ht")}

    def title_rows(self, sheet):
        """1-based rows of the sheet's Print_Titles."""
        rows = set()
        for t in self.local_names("_xlnm.Print_Titles", sheet):
            for part in t.split(","):
                m = re.search(r"\$(\d+):\$(\d+)$", part)
                if m:
                    rows.update(range(int(m.group(1)), int(m.group(2)) + 1))
        return rows

    def header_rows(self, sheet):
        """Print_Titles rows, and rows of two or more cells, all bold text: the heads of the tables."""
        ws = self.wb[sheet]
        rows = set(self.title_rows(sheet))
        for row in ws.iter_rows():
            cells = [c for c in row if c.value is not None and c.value != ""]
            if len(cells) >= 2 and all(isinstance(c.value, str) and c.font is not None and c.font.b for c in cells):
                rows.add(cells[0].row)
        return sorted(rows)

    def range_values(self, ref):
        """Values of a chart reference such as Electricity!$B$2:$B$13 (row by row)."""
        m = re.match(r"^'?(.*?)'?!(.*)$", ref)
        if not m or m.group(1).replace("''", "'") not in self.wb.sheetnames:
            return None
        ws = self.wb[m.group(1).replace("''", "'")]
        c1, r1, c2, r2 = range_boundaries(m.group(2).replace("$", ""))
        return [ws.cell(r, c).value for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def chart_text(el):
    return "".join(t.text or "" for t in el.iter("{%s}t" % NS["a"])) if el is not None else ""


def resolve_tx(book, tx):
    """A series name or title: rich text, a literal, or a cell reference."""
    if tx is None:
        return ""
    f = tx.find(".//c:strRef/c:f", NS)
    if f is not None:
        vals = book.range_values(f.text) or []
        return " ".join(str(v) for v in vals if v is not None)
    v = tx.find(".//c:v", NS)
    if v is not None:
        return v.text or ""
    return chart_text(tx)


# ---- PDF ----

class Pdf:
    """Pages of a PDF: width, height, words (xMin, yMin, xMax, yMax, text), layout text, dark pixels."""

    def __init__(self, path, pgm_prefix):
        self.path = path
        out = subprocess.run([TOOLS["pdftotext"], "-bbox-layout", path, "-"], capture_output=True, text=True,
                             timeout=120).stdout
        self.pages = []
        for m in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
            words = [(float(w[0]), float(w[1]), float(w[2]), float(w[3]), html.unescape(w[4]))
                     for w in re.findall(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                                         r'yMax="([\d.-]+)">(.*?)</word>', m.group(3))]
            self.pages.append({"w": float(m.group(1)), "h": float(m.group(2)), "words": words})
        text = subprocess.run([TOOLS["pdftotext"], "-layout", path, "-"], capture_output=True, text=True,
                              timeout=120).stdout.split("\f")
        for i, p in enumerate(self.pages):
            p["text"] = text[i] if i < len(text) else ""
            ws = sorted(p["words"], key=lambda w: w[1])
            top = ws[0][1] if ws else 0
            bottom = max((w[3] for w in ws), default=0)
            p["head"] = " ".join(w[4] for w in ws if w[1] <= top + BAND_PT)
            p["foot"] = " ".join(w[4] for w in ws if w[3] >= bottom - BAND_PT)
        subprocess.run([TOOLS["pdftoppm"], "-gray", "-r", str(DPI), path, pgm_prefix], capture_output=True,
                       timeout=300)
        pgms = sorted(glob.glob(pgm_prefix + "-*.pgm"), key=lambda f: int(re.search(r"-(\d+)\.pgm$", f).group(1)))
        self.dark = [dark_pixels(f) for f in pgms]


def dark_pixels(path):
    """Pixels darker than 80 % of white in a binary PGM (P5)."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    if fields[0] != b"P5":
        return 0
    w, h, maxval = int(fields[1]), int(fields[2]), int(fields[3])
    pix = data[pos + 1:pos + 1 + w * h * (2 if maxval > 255 else 1)]
    limit = 0.8 * maxval
    if maxval > 255:
        return sum(1 for i in range(0, len(pix), 2) if (pix[i] << 8 | pix[i + 1]) < limit)
    return sum(1 for b in pix if b < limit)


def soffice_pdf(tmp, books, outdir):
    """All workbooks to PDF in one LibreOffice run; the missing ones once more (LibreOffice is flaky)."""
    cmd = [TOOLS["soffice"], "--headless", "-env:UserInstallation=file://" + os.path.join(tmp, "lo-profile"),
           "--convert-to", "pdf", "--outdir", outdir]
    err = ""
    for attempt in range(2):
        todo = [b.path for b in books if not os.path.exists(pdf_of(b, outdir))]
        if not todo:
            break
        try:
            p = subprocess.run(cmd + todo, capture_output=True, text=True, timeout=600)
            err = p.stderr
        except subprocess.TimeoutExpired:
            err = "timed out"
    return err


def pdf_of(book, outdir):
    return os.path.join(outdir, os.path.splitext(os.path.basename(book.path))[0] + ".pdf")


# ---- making the workbooks ----

def make_books(work):
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH)
    p = run(["demo", "-o", "d", "-q"], work)
    if p.returncode != 0:
        print("FAIL: cbamcalc demo: exit %d: %s" % (p.returncode, p.stderr))
        sys.exit(1)
    d, ex = os.path.join(work, "d"), os.path.join(work, "d", "exports")
    rep, rep_ex = (json.load(open(os.path.join(x, "report.json"), encoding="utf-8")) for x in (d, ex))
    ex_ent = rep_ex["enterprises"][0]
    books_dir = os.path.join(work, "books")
    os.makedirs(books_dir, exist_ok=True)
    specs = []
    for ent in rep["enterprises"]:
        specs.append(("en-" + ent["enterprise_id"], os.path.join(d, ent["enterprise_id"] + ".xlsx"), "en", rep, ent))
    specs.append(("en-EXPORTS", os.path.join(ex, ex_ent["enterprise_id"] + ".xlsx"), "en", rep_ex, ex_ent))
    # --lang zh: YC-AP01 from the demo's inputs, and the exports as the demo reads them (README).
    zh = [("zh-YC-AP01", d, ["-e", "electricity.csv", "-p", "production.csv", "-i", "enterprises.csv", "--year",
                             "2025", "--enterprise", "YC-AP01"]),
          ("zh-EXPORTS", ex, ["-e", "state-grid-bill-gbk.csv", "--source", "grid", "-e", "park-platform-15min.csv",
                              "-e", "green-trade-statement.csv", "--source", "green_trade", "-p", "production.csv",
                              "-i", "enterprises.csv", "--year", "2025"])]
    for key, cwd, args in zh:
        out = os.path.join(books_dir, key + ".xlsx")
        js = os.path.join(books_dir, key + ".json")
        p = run(["report"] + args + ["--lang", "zh", "-o", out, "--json", js, "-q"], cwd)
        if p.returncode != 0:
            print("FAIL: %s: cbamcalc report exit %d: %s" % (key, p.returncode, p.stderr))
            sys.exit(1)
        rj = json.load(open(js, encoding="utf-8"))
        specs.append((key, out, "zh", rj, rj["enterprises"][0]))
    books = []
    for key, path, lang, rj, ent in specs:
        dest = os.path.join(books_dir, key + ".xlsx")
        if path != dest:
            shutil.copyfile(path, dest)
        books.append(Book(key, dest, lang, rj, ent))
    return books, d, ex


def input_strings(*dirs):
    """Every field of the demo's input CSVs (data, not labels: may stay as given in any language)."""
    out = set()
    for dr in dirs:
        for f in glob.glob(os.path.join(dr, "*.csv")):
            raw = open(f, "rb").read()
            for enc in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
            for row in csv.reader(text.splitlines()):
                out.update(x.strip() for x in row if x.strip())
    return out


# ---- page -> sheet ----

def token_in(name, text):
    return re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(name), text) is not None


def token_pos(name, text):
    m = re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(name), text)
    return m.start() if m else len(text)


def map_pages(book, pdf):
    """Each page's sheet, from the page header (sheet name and enterprise id at the top); None for a page
    without. Second result: the same by content (the first text of each sheet starts its first page), for
    the page checks when the headers are missing."""
    by_head = []
    prev = 0
    for p in pdf.pages:
        found = [i for i, n in enumerate(book.names) if token_in(n, p["head"])] if book.id in p["head"] else []
        later = [i for i in found if i >= prev]
        # the page header's sheet name comes before a table's header words that fall into the band
        # (a column "Electricity (kWh)" on a sheet printed small)
        i = min(later or found, key=lambda k: token_pos(book.names[k], p["head"])) if found else None
        by_head.append(None if i is None else book.names[i])
        prev = i if i is not None else prev
    sig = {}
    for name in book.names:
        ws = book.wb[name]
        for row in ws.iter_rows():
            v = next((c.value for c in row if isinstance(c.value, str) and c.value.strip()), None)
            if v:
                sig[name] = squash(v)[:20]
                break
    by_content, cur = [], 0
    for p in pdf.pages:
        body = squash(p["text"])
        for j in range(cur + 1, len(book.names)):
            s = sig.get(book.names[j])
            if s and body.startswith(s) or (s and body[len(squash(p["head"])):].startswith(s)):
                cur = j
                break
        by_content.append(book.names[cur])
    return by_head, by_content


# ---- the checks ----

def check_render(book, pdf, err):
    name = R.check("1 render: every sheet converts to PDF, every page renders and is not blank")
    if pdf is None:
        R.fail(name, "%s: no PDF from LibreOffice (%s)" % (book.key, err.strip()[-300:]))
        return
    R.ok(name, len(pdf.pages) >= len(book.names), "%s: %d pages for %d sheets" % (book.key, len(pdf.pages),
                                                                                len(book.names)))
    R.ok(name, len(pdf.dark) == len(pdf.pages), "%s: %d page images for %d pages" % (book.key, len(pdf.dark),
                                                                                   len(pdf.pages)))
    for i, dark in enumerate(pdf.dark):
        R.ok(name, dark >= BLANK_MIN_DARK_PIXELS, "%s page %d is blank (%d dark pixels at %d dpi)" %
             (book.key, i + 1, dark, DPI))


def check_header_footer_xml(book, version):
    name = R.check("2a header/footer in the sheet XML: &A, enterprise, period; page x of y, cbamcalc version, hash")
    for sheet in book.names:
        hf = book.sheet_xml[sheet].find("m:headerFooter", NS)
        head = hf.findtext("m:oddHeader", "", NS) if hf is not None else ""
        foot = hf.findtext("m:oddFooter", "", NS) if hf is not None else ""
        where = "%s %s" % (book.key, sheet)
        if not head and not foot:
            R.fail(name, "%s: no header or footer" % where)
            continue
        R.ok(name, "&A" in head, "%s: header %r has no sheet name (&A)" % (where, head))
        R.ok(name, book.id in head, "%s: header %r has no enterprise id %s" % (where, head, book.id))
        R.ok(name, period_in(head, book.frm, book.to), "%s: header %r has no period %s..%s" %
             (where, head, book.frm, book.to))
        R.ok(name, any(re.search(p, foot) for p in PAGE_XML), "%s: footer %r has no 'Page &P of &N'" % (where, foot))
        R.ok(name, "cbamcalc" in foot and version in foot, "%s: footer %r has no 'cbamcalc %s'" %
             (where, foot, version))
        R.ok(name, book.hash12.lower() in foot.lower(), "%s: footer %r has no inputs hash %s" %
             (where, foot, book.hash12))
        for other in ("differentFirst", "differentOddEven"):
            if hf.get(other) in ("1", "true"):
                R.fail(name, "%s: %s set: the first/even pages' headers are not checked here" % (where, other))


def check_header_footer_pdf(book, pdf, by_head, version):
    name = R.check("2b header/footer on every printed page; pages map to sheets by the header")
    for i, p in enumerate(pdf.pages):
        where = "%s page %d" % (book.key, i + 1)
        if by_head[i] is None:
            R.fail(name, "%s: no header naming a sheet and %s (top of page: %r)" % (where, book.id, p["head"][:80]))
            continue
        R.ok(name, period_in(p["head"], book.frm, book.to), "%s: header %r has no period" % (where, p["head"]))
        foot = p["foot"]
        m = None
        for pat in PAGE_PDF:
            m = m or re.search(pat, foot if "Page" in pat else squash(foot))
        R.ok(name, m is not None and 1 <= int(m.group(1)) <= int(m.group(2)),
             "%s: footer %r has no 'Page x of y'" % (where, foot[:100]))
        R.ok(name, "cbamcalc" in foot and version in foot and book.hash12.lower() in foot.lower(),
             "%s: footer %r lacks cbamcalc %s or hash %s" % (where, foot[:100], version, book.hash12))


def check_page_setup(book):
    name = R.check("3a page setup in the XML: orientation set (landscape for wide sheets), A4, fit to width")
    for sheet in book.names:
        x = book.sheet_xml[sheet]
        ps = x.find("m:pageSetup", NS)
        where = "%s %s" % (book.key, sheet)
        if ps is None:
            R.fail(name, "%s: no pageSetup" % where)
            continue
        R.ok(name, ps.get("orientation") in ("landscape", "portrait"), "%s: orientation not set" % where)
        if sheet in LANDSCAPE:
            R.ok(name, ps.get("orientation") == "landscape", "%s: not landscape" % where)
        R.ok(name, ps.get("paperSize") == A4, "%s: paper %s, not A4 (9)" % (where, ps.get("paperSize")))
        pr = x.find("m:sheetPr/m:pageSetUpPr", NS)
        fit = pr is not None and pr.get("fitToPage") in ("1", "true")
        if fit:
            wide = str(PAGES_WIDE.get(sheet, 1))
            R.ok(name, ps.get("fitToWidth", "1") == wide and ps.get("fitToHeight") == "0",
                 "%s: fit to %s wide by %s tall, not %s by 0" % (where, ps.get("fitToWidth", "1"),
                                                                 ps.get("fitToHeight", "1"), wide))
        elif sheet in SCALED:
            R.ok(name, ps.get("scale") is not None, "%s: neither fit to width nor a scale" % where)
        else:
            R.fail(name, "%s: not fit to page width" % where)
    name = R.check("3b repeated header rows (Print_Titles) on the tabular sheets")
    for sheet in book.names:
        if sheet not in TABULAR:
            continue
        rows = book.title_rows(sheet)
        R.ok(name, bool(rows), "%s %s: no Print_Titles" % (book.key, sheet))
        ws = book.wb[sheet]
        for r in rows:
            R.ok(name, any(c.value not in (None, "") for c in ws[r]), "%s %s: title row %d is empty" %
                 (book.key, sheet, r))
    name = R.check("3c print area (where set) holds every cell with content (optional)")
    for sheet in book.names:
        areas = book.local_names("_xlnm.Print_Area", sheet)
        if not areas:
            continue
        ws = book.wb[sheet]
        boxes = [range_boundaries(a.split("!")[-1].replace("$", "")) for a in ",".join(areas).split(",")]
        for row in ws.iter_rows():
            for c in row:
                if c.value not in (None, "") and not any(b[0] <= c.column <= b[2] and b[1] <= c.row <= b[3]
                                                         for b in boxes):
                    R.fail(name, "%s %s: %s outside the print area %s" % (book.key, sheet, c.coordinate, areas))
    if not any(book.local_names("_xlnm.Print_Area", s) for s in book.names):
        R.note(name, "%s: no print area set (allowed)" % book.key)


def check_pages(book, pdf, pages_of, how):
    name = R.check("3d page counts per sheet (demo workbooks) and no page cut at the right edge")
    counts = {}
    for s in pages_of:
        if s is not None:
            counts[s] = counts.get(s, 0) + 1
    if book.key in MAX_PAGES_BOOKS:
        for sheet, most in MAX_PAGES.items():
            if sheet in book.names:
                R.ok(name, counts.get(sheet, 0) <= most, "%s %s: %d pages, at most %d (pages mapped %s)" %
                     (book.key, sheet, counts.get(sheet, 0), most, how))
    for i, p in enumerate(pdf.pages):
        right = max((w[2] for w in p["words"]), default=0)
        R.ok(name, right <= p["w"] - RIGHT_SLACK_PT, "%s page %d (%s): text runs to x=%.0f of %.0f pt: cut at the "
             "right edge" % (book.key, i + 1, pages_of[i], right, p["w"]))
    # A sheet split across pages side by side: its first page lacks some of the table's header words.
    for sheet in book.names:
        first = next((i for i, s in enumerate(pages_of) if s == sheet), None)
        rows = sorted(book.title_rows(sheet))
        if first is None or not rows or PAGES_WIDE.get(sheet, 1) > 1:
            continue
        # words as printed: a wrapped header breaks after a hyphen ("Supplier-" / "specific")
        words = set(t for w in pdf.pages[first]["words"] for t in re.split(r"(?<=-)", w[4]) if t)
        heads = [c.value for c in book.wb[sheet][rows[0]] if isinstance(c.value, str)]
        # Chinese headers wrap anywhere, not at spaces: their first three characters must be printed
        body = squash(pdf.pages[first]["text"])
        missing = [h for h in heads if not (squash(h)[:3] in body if re.search(r"[\u3000-\u9fff\uff00-\uffef]", h)
                                            else all(t in words for t in re.split(r"\s+|(?<=-)", h) if t))]
        R.ok(name, not missing, "%s %s: the first page lacks the columns %s: the sheet is cut at the right edge" %
             (book.key, sheet, missing[:4]))


def check_text(book, pdf):
    name = R.check("4a no ### in the PDF's text")
    for i, p in enumerate(pdf.pages):
        R.ok(name, "###" not in p["text"], "%s page %d shows ###: %r" %
             (book.key, i + 1, [ln.strip()[:60] for ln in p["text"].splitlines() if "###" in ln][:2]))


def check_headers_fit(book):
    name = R.check("4b header cells fit their column (or wrap in a row tall enough)")
    for sheet in book.names:
        ws = book.wb[sheet]
        widths, heights = book.col_widths(sheet), book.row_heights(sheet)
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = sum(widths.get(c, 8.43) for c in range(rng.min_col, rng.max_col + 1))
        for r in book.header_rows(sheet):
            for c in ws[r]:
                if not isinstance(c.value, str) or not c.value:
                    continue
                width = merged.get((r, c.column), widths.get(c.column, 8.43))
                need = text_units(c.value)
                if need <= width * HEADER_SLACK:
                    continue
                if c.alignment is not None and c.alignment.wrap_text:
                    lines = wrapped_lines(c.value, width * HEADER_SLACK)
                    have = int((heights.get(r, 15.0) + 2) / LINE_PT)
                    R.ok(name, lines <= have, "%s %s!%s %r: %d lines in width %.1f, row of %.0f pt holds %d" %
                         (book.key, sheet, c.coordinate, c.value[:40], lines, width, heights.get(r, 15.0), have))
                    continue
                # text spills into empty cells to its right
                spill, col = width, c.column + 1
                while ws.cell(r, col).value in (None, "") and col < c.column + 20 and spill * HEADER_SLACK < need:
                    spill += widths.get(col, 8.43)
                    col += 1
                R.ok(name, need <= spill * HEADER_SLACK, "%s %s!%s %r: %d characters in width %.1f, not wrapped" %
                     (book.key, sheet, c.coordinate, c.value[:40], need, width))


def rect(ch):
    """(col, off) and (row, off) bounds, comparable as tuples; the to-cell's 0 offset ends before it."""
    return ((ch["from"][0], ch["from"][1]), (ch["to"][0], ch["to"][1]),
            (ch["from"][2], ch["from"][3]), (ch["to"][2], ch["to"][3]))


def last_index(pos):
    """The last 0-based col/row a bound (index, offset) reaches into."""
    return pos[0] - 1 if pos[1] == 0 else pos[0]


def chart_title(book, ch):
    t = ch["xml"].find("c:chart/c:title", NS)
    return resolve_tx(book, t.find("c:tx", NS)) if t is not None else ""


def check_charts(book, pdf, pages_of):
    n_ov = R.check("5a charts: no two overlap")
    n_cell = R.check("5b charts: none covers a cell with content")
    n_page = R.check("5c charts: each within one printed page (row breaks; title and legend on one PDF page)")
    n_kwh = R.check("5d charts: the kWh axis has thousands separators (#,##0) and a kWh title")
    n_min = R.check("5e charts: the line chart's value axis starts at 0")
    n_zero = R.check("5f charts: no series (pie: no slice in the legend) whose values are all zero")
    n_pie = R.check("5g charts: the pie shows percentages")
    for sheet in book.names:
        charts = [ch for ch in book.charts if ch["sheet"] == sheet]
        for a in range(len(charts)):
            for b in range(a + 1, len(charts)):
                A, B = rect(charts[a]), rect(charts[b])
                if A[0] < B[1] and B[0] < A[1] and A[2] < B[3] and B[2] < A[3]:
                    R.fail(n_ov, "%s %s: charts %r and %r overlap" % (book.key, sheet, chart_title(book, charts[a]),
                                                                     chart_title(book, charts[b])))
        ws = book.wb[sheet]
        breaks = [int(b.get("id")) for b in book.sheet_xml[sheet].findall("m:rowBreaks/m:brk", NS)]
        for ch in charts:
            c0, c1 = ch["from"][0], last_index((ch["to"][0], ch["to"][1]))
            r0, r1 = ch["from"][2], last_index((ch["to"][2], ch["to"][3]))
            title = chart_title(book, ch)
            covered = [ws.cell(r + 1, c + 1).coordinate for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                       if ws.cell(r + 1, c + 1).value not in (None, "")]
            R.ok(n_cell, not covered, "%s %s: chart %r (%s%d:%s%d) covers %s" %
                 (book.key, sheet, title, get_column_letter(c0 + 1), r0 + 1, get_column_letter(c1 + 1), r1 + 1,
                  covered[:5]))
            cut = [b for b in breaks if r0 < b <= r1]
            R.ok(n_page, not cut, "%s %s: chart %r (rows %d..%d) is cut by the row break before row %s" %
                 (book.key, sheet, title, r0 + 1, r1 + 1, cut[:1]))
            check_chart_pdf(book, pdf, pages_of, ch, n_page)
            check_chart_xml(book, ch, n_kwh, n_min, n_zero, n_pie)


def occurrences(page, text):
    """(yMin, yMax) of each run of consecutive words on the page that spells text (spaces aside)."""
    want, words, out = squash(text), page["words"], []
    for i in range(len(words)):
        acc, j = "", i
        while j < len(words) and len(acc) < len(want):
            acc += squash(words[j][4])
            j += 1
            if acc == want:
                out.append((min(w[1] for w in words[i:j]), max(w[3] for w in words[i:j])))
                break
            if not want.startswith(acc):
                break
    return out


def check_chart_pdf(book, pdf, pages_of, ch, name):
    """LibreOffice draws a chart cut by a page break on both pages, each clipped to the page's body: the
    part that does not print lies in the page's margins. So: the title prints on exactly one page, the
    legend prints on that page too, and no text of the chart lies in a margin of any page of its sheet."""
    if pdf is None:
        return
    x = ch["xml"]
    title = chart_title(book, ch)
    legend = []
    deleted = set(int(le.find("c:idx", NS).get("val")) for le in x.findall("c:chart/c:legend/c:legendEntry", NS)
                  if le.find("c:delete", NS) is not None and le.find("c:delete", NS).get("val") in ("1", "true"))
    if x.find("c:chart/c:legend", NS) is not None:
        for ser in x.iter("{%s}ser" % NS["c"]):
            if x.find(".//c:pieChart", NS) is not None:
                f = ser.find("c:cat//c:f", NS)
                cats = (book.range_values(f.text) if f is not None else None) or []
                legend += [str(v) for j, v in enumerate(cats) if v and j not in deleted]
            else:
                legend.append(resolve_tx(book, ser.find("c:tx", NS)))
    axes = [chart_text(ax.find("c:title", NS)) for ax in x.findall(".//c:catAx", NS) + x.findall(".//c:valAx", NS)
            + x.findall(".//c:dateAx", NS)]
    legend = [t for t in legend if squash(t)]
    texts = [t for t in [title] + legend + axes if squash(t)]
    mg = book.sheet_xml[ch["sheet"]].find("m:pageMargins", NS)
    top = float(mg.get("top", "0.75")) * 72 if mg is not None else 54.0
    bottom = float(mg.get("bottom", "0.75")) * 72 if mg is not None else 54.0
    where = "%s %s: chart %r" % (book.key, ch["sheet"], title)
    title_pages, legend_on = [], {}
    for i, p in enumerate(pdf.pages):
        if pages_of[i] not in (ch["sheet"], None):
            continue
        outside = []
        for t in texts:
            for y0, y1 in occurrences(p, t):
                inside = y0 >= top - 1 and y1 <= p["h"] - bottom + 1
                if not inside:
                    outside.append("%r at y %.0f..%.0f" % (t, y0, y1))
                elif t == title:
                    title_pages.append(i)
                elif t in legend:
                    legend_on.setdefault(i, set()).add(t)
        R.ok(name, not outside, "%s: its text (or another chart's same text) lies in the margin of page %d "
             "(height %.0f, margins %.0f/%.0f): cut across pages: %s" % (where, i + 1, p["h"], top, bottom,
                                                                        ", ".join(outside[:3])))
    title_pages = sorted(set(title_pages))
    if len(title_pages) != 1:
        R.fail(name, "%s: title printed on %d pages %s" % (where, len(title_pages), [i + 1 for i in title_pages]))
        return
    missing = [t for t in legend if t not in legend_on.get(title_pages[0], set())]
    R.ok(name, not missing, "%s: page %d has the title but not the legend entries %s" %
         (where, title_pages[0] + 1, missing[:4]))


def check_chart_xml(book, ch, n_kwh, n_min, n_zero, n_pie):
    x = ch["xml"]
    where = "%s %s: chart %r" % (book.key, ch["sheet"], chart_title(book, ch))
    plot = x.find("c:chart/c:plotArea", NS)
    series_names = [resolve_tx(book, s.find("c:tx", NS)) for s in x.iter("{%s}ser" % NS["c"])]
    val_axes = plot.findall("c:valAx", NS) if plot is not None else []
    kinds = [el.tag.split("}")[1] for el in (plot if plot is not None else []) if el.tag.endswith("Chart")]
    if any(k in ("barChart", "lineChart", "areaChart") for k in kinds):
        ax_titles = [chart_text(ax.find("c:title", NS)) for ax in val_axes]
        if any("kWh" in t for t in [chart_title(book, ch)] + ax_titles + series_names):
            ok = any("#,##0" in (ax.find("c:numFmt", NS).get("formatCode", "") if ax.find("c:numFmt", NS) is not None
                                 else "") and "kWh" in chart_text(ax.find("c:title", NS)) for ax in val_axes)
            R.ok(n_kwh, ok, "%s: no value axis with a #,##0 number format and a kWh title (%s)" %
                 (where, [(chart_text(ax.find("c:title", NS)), ax.find("c:numFmt", NS).get("formatCode")
                           if ax.find("c:numFmt", NS) is not None else None) for ax in val_axes]))
    if "lineChart" in kinds:
        for ax in val_axes:
            m = ax.find("c:scaling/c:min", NS)
            R.ok(n_min, m is not None and float(m.get("val")) == 0.0, "%s: value axis %r has min %s, not 0" %
                 (where, chart_text(ax.find("c:title", NS)), None if m is None else m.get("val")))
    deleted = set()
    for le in x.findall("c:chart/c:legend/c:legendEntry", NS):
        d = le.find("c:delete", NS)
        if d is not None and d.get("val") in ("1", "true"):
            deleted.add(int(le.find("c:idx", NS).get("val")))
    pie = any(k in ("pieChart", "pie3DChart", "doughnutChart") for k in kinds)
    for i, ser in enumerate(x.iter("{%s}ser" % NS["c"])):
        f = ser.find("c:val/c:numRef/c:f", NS)
        vals = book.range_values(f.text) if f is not None else None
        if vals is None:
            R.fail(n_zero, "%s: series %d values %s do not resolve" % (where, i, None if f is None else f.text))
            continue
        nums = [v if isinstance(v, (int, float)) else 0 for v in vals]
        if pie:
            cats = book.range_values(ser.find("c:cat//c:f", NS).text) if ser.find("c:cat//c:f", NS) is not None \
                else [str(j) for j in range(len(nums))]
            shown = [cats[j] for j, v in enumerate(nums) if v == 0 and j not in deleted]
            R.ok(n_zero, not shown, "%s: slices of 0 in the legend: %s" % (where, shown))
        elif all(v == 0 for v in nums):
            idx = int(ser.find("c:idx", NS).get("val"))
            R.ok(n_zero, ZERO_SERIES_MAY_STAY_IF_LEGEND_DELETED and idx in deleted,
                 "%s: series %r is all zero (%s)" % (where, series_names[i] if i < len(series_names) else i, f.text))
    if pie:
        sp = [e.get("val") for e in x.iter("{%s}showPercent" % NS["c"])]
        R.ok(n_pie, "1" in sp or "true" in sp, "%s: pie without percentages (showPercent %s)" % (where, sp))


def find_label(ws, labels):
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.strip() in labels and c.font is not None and c.font.b:
                return c
    return None


def column_below(ws, cell):
    out, r = [], cell.row + 1
    while r <= ws.max_row and ws.cell(r, cell.column).value not in (None, ""):
        out.append(ws.cell(r, cell.column))
        r += 1
    return out


def check_sheets(book, pdf, pages_of):
    zh = book.lang == "zh"
    name = R.check("6a Factors: value and unit in separate columns ('Value', 'Unit' / 数值, 单位)")
    ws = book.wb["Factors"] if "Factors" in book.names else None
    if ws is not None:
        head = {c.column: str(c.value) for c in ws[1] if c.value}
        vcol = [c for c, t in head.items() if (t.startswith("数值") if zh else t.startswith("Value"))]
        ucol = [c for c, t in head.items() if ("单位" in t if zh else t.startswith("Unit"))]
        R.ok(name, len(vcol) == 1 and len(ucol) == 1 and vcol != ucol, "%s Factors: header %s: no single Value and "
             "Unit column" % (book.key, list(head.values())))
        if len(vcol) == 1 and len(ucol) == 1:
            for r in range(2, ws.max_row + 1):
                v, u = ws.cell(r, vcol[0]).value, ws.cell(r, ucol[0]).value
                if v is None and u is None:
                    continue
                R.ok(name, isinstance(v, (int, float)), "%s Factors!%s%d: value %r is not a number" %
                     (book.key, get_column_letter(vcol[0]), r, v))
                R.ok(name, isinstance(u, str) and re.search(r"CO2", u or "") is not None,
                     "%s Factors!%s%d: unit %r" % (book.key, get_column_letter(ucol[0]), r, u))
    name = R.check("6b Data_Quality: whole meter ids; the completeness grid from column A..%s without gaps, on the "
                   "first page" % get_column_letter(GRID_MAX_COL))
    if "Data_Quality" not in book.names:
        return
    ws = book.wb["Data_Quality"]
    meter = find_label(ws, {"电表"} if zh else {"Meter"})
    if meter is None:
        R.fail(name, "%s Data_Quality: no Meter header" % book.key)
        return
    width = book.col_widths("Data_Quality").get(meter.column, 8.43)
    ids = [str(c.value) for c in column_below(ws, meter)]
    longest = max(ids, key=text_units, default="")
    R.ok(name, text_units(longest) <= width + 0.5, "%s Data_Quality: meter id %r (%d characters) in a column %.1f "
         "wide" % (book.key, longest, text_units(longest), width))
    R.ok(name, meter.column <= GRID_MAX_COL, "%s Data_Quality: the completeness grid starts at %s, right of %s" %
         (book.key, meter.coordinate, get_column_letter(GRID_MAX_COL)))
    row = [c for c in ws[meter.row] if c.column >= meter.column]
    last = max((c.column for c in row if c.value not in (None, "")), default=meter.column)
    gaps = [c.coordinate for c in row if c.column <= last and c.value in (None, "")]
    wide = [get_column_letter(c) for c in range(meter.column, last + 1)
            if book.col_widths("Data_Quality").get(c, 8.43) > GRID_MAX_COL_WIDTH]
    R.ok(name, not gaps and not wide, "%s Data_Quality: the grid's header row %d has empty cells %s and columns "
         "wider than %d %s between Meter and the months" % (book.key, meter.row, gaps[:4], GRID_MAX_COL_WIDTH, wide))
    if pdf is not None and book.key in GRID_FIRST_PAGE_BOOKS:
        first = next((i for i, s in enumerate(pages_of) if s == "Data_Quality"), None)
        heads = [str(c.value) for c in ws[meter.row] if c.value not in (None, "")]
        words = set(w[4] for w in pdf.pages[first]["words"]) if first is not None else set()
        R.ok(name, first is not None and all(all(t in words for t in h.split()) for h in heads if not has_cjk(h))
             and (not zh or squash(meter.value) in squash(pdf.pages[first]["text"])),
             "%s Data_Quality: the grid's header row (%s) is not all on the sheet's first page" %
             (book.key, heads[:4]))


ENGLISH = re.compile(r"[A-Za-z]{2,}")
EXEMPT_RE = [re.compile(p) for p in (
    r"^[A-Z0-9 ._()/%-]+$",                       # acronyms and codes: CBAM, SHA-256, D.4(a), CN
    r"^[a-z0-9]+(_[a-z0-9]+)+$",                  # snake-case codes: grid_average, green_trade
    r"\.(csv|xlsx|json|txt)$", r"^https?://",    # file names, URLs
    r"^cbamcalc \S+$",                            # the tool and version
    r"^[0-9a-f]{64}$",                            # hashes
    r"^[\s\d.,:%()/+-]*(k?g?t?CO2e?|kWh|MWh|t|kg|h)([\s\d./()%-]*(k?g?t?CO2e?|kWh|MWh|t|kg|h))*[\s\d.,:%()/-]*$",
)]


def check_zh(book, en, exempt, pdf, pdffonts):
    name = R.check("7a zh: every label, heading and text a person reads is Chinese (but CBAM_Communication, ids, "
                   "units, file names, input data)")
    for sheet in book.names:
        if sheet in ZH_EXEMPT_SHEETS:
            continue
        for row in book.wb[sheet].iter_rows():
            for c in row:
                v = c.value
                if not isinstance(v, str) or has_cjk(v) or not ENGLISH.search(v):
                    continue
                s = v.strip()
                if s in exempt or s in book.names or any(p.search(s) for p in EXEMPT_RE):
                    continue
                R.fail(name, "%s %s!%s: %r" % (book.key, sheet, c.coordinate, s[:70]))
    for ch in book.charts:
        for t in [chart_title(book, ch)] + [chart_text(ax.find("c:title", NS)) for ax in
                                            ch["xml"].findall(".//c:valAx", NS) + ch["xml"].findall(".//c:catAx", NS)]:
            if t and not has_cjk(t) and ENGLISH.search(t) and not any(p.search(t) for p in EXEMPT_RE):
                R.fail(name, "%s %s chart: title %r" % (book.key, ch["sheet"], t))
    if en is not None and "Factors" in book.names and "Factors" in en.names:
        # a factor note with a Chinese text shows it (not the English note with the Chinese in brackets)
        zws, ews = book.wb["Factors"], en.wb["Factors"]
        zn, enote = find_label(zws, {"备注"}), find_label(ews, {"Note"})
        for ec in column_below(ews, enote) if enote is not None else []:
            if has_cjk(str(ec.value)) and ENGLISH.search(str(ec.value)):
                zc = zws.cell(ec.row, zn.column).value if zn is not None else None
                R.ok(name, zc is not None and zc != ec.value and has_cjk(str(zc)),
                     "%s Factors row %d: note %r as in English" % (book.key, ec.row, str(zc)[:60]))
    if en is not None:
        R.ok(name, en.names == book.names, "%s: sheets %s, English %s" % (book.key, book.names, en.names))
    name = R.check("7b zh: Data_Quality messages and severities in Chinese")
    if "Data_Quality" in book.names:
        ws = book.wb["Data_Quality"]
        msg, sev = find_label(ws, {"说明"}), find_label(ws, {"级别"})
        msgs = [str(c.value) for c in column_below(ws, msg)] if msg else []
        cjk = sum(1 for m in msgs if has_cjk(m))
        R.ok(name, msg is not None and (not msgs or cjk >= ZH_MIN_CJK_MESSAGES * len(msgs)),
             "%s Data_Quality: %d of %d messages in Chinese, e.g. %r" %
             (book.key, cjk, len(msgs), next((m[:70] for m in msgs if not has_cjk(m)), None)))
        sevs = [str(c.value) for c in column_below(ws, sev)] if sev else []
        R.ok(name, sev is not None and all(has_cjk(s) for s in sevs), "%s Data_Quality: severities %s" %
             (book.key, sorted(set(sevs))))
    name = R.check("7c zh: the PDF uses a CJK font and shows the Chinese name as written (no tofu)")
    if pdf is not None:
        R.ok(name, PDF_CJK_FONT.search(pdffonts) is not None, "%s: pdffonts lists no CJK font:\n%s" %
             (book.key, pdffonts))
        cname = book.ent.get("name") or ""
        R.ok(name, bool(cname) and any(cname in squash(p["text"]) for p in pdf.pages),
             "%s: the name %r is not in the PDF's text" % (book.key, cname))
    name = R.check("7d zh: styles.xml names a font for East Asian text")
    styles = book.xml("xl/styles.xml")
    fonts = [f.get("val") for f in styles.iter("{%s}name" % NS["m"])]
    charsets = [f.get("val") for f in styles.iter("{%s}charset" % NS["m"])]
    R.ok(name, any(f in CJK_STYLE_FONTS for f in fonts) or "134" in charsets,
         "%s: fonts %s, charsets %s: none for Chinese" % (book.key, sorted(set(fonts)), charsets))


def created_cell(path):
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    for row in ws.iter_rows():
        for c in row:
            if c.value in ("Created (UTC)", "生成时间（UTC）"):
                return ws.cell(c.row, c.column + 1).value
    return None


def as_epoch(v):
    if isinstance(v, datetime):
        return v.replace(tzinfo=timezone.utc).timestamp()
    if isinstance(v, str):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M"):
            try:
                return datetime.strptime(v.strip(), fmt).replace(tzinfo=timezone.utc).timestamp()
            except ValueError:
                pass
    return None


def check_created(work, demo_dir, books):
    name = R.check("8 Summary 'Created (UTC)': the run's time, or SOURCE_DATE_EPOCH when set")
    for b in books:
        got = as_epoch(created_cell(b.path))
        R.ok(name, got == EPOCH, "%s: Created %r with SOURCE_DATE_EPOCH=%d" % (b.key, created_cell(b.path), EPOCH))
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        out = os.path.join(work, "now.xlsx")
        t0 = time.time()
        p = run(["report", "-e", "electricity.csv", "-p", "production.csv", "-i", "enterprises.csv", "--year", "2025",
                 "--enterprise", "YC-FD02", "-o", out, "-q"], demo_dir)
        t1 = time.time()
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    R.ok(name, p.returncode == 0, "report without SOURCE_DATE_EPOCH: exit %d %s" % (p.returncode, p.stderr))
    if p.returncode == 0:
        v = created_cell(out)
        got = as_epoch(v)
        R.ok(name, got is not None and t0 - 60 <= got <= t1 + 60, "without SOURCE_DATE_EPOCH: Created %r, the run "
             "was at %s" % (v, datetime.fromtimestamp(t0, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")))


def main():
    keep = None
    if len(sys.argv) == 3 and sys.argv[1] == "--keep":
        keep = os.path.abspath(sys.argv[2])
    elif len(sys.argv) != 1:
        sys.exit("usage: xlsx_print.py [--keep DIR]")
    if keep:
        if os.path.exists(keep):
            shutil.rmtree(keep)
        os.makedirs(keep)
        work = keep
        tmpobj = None
    else:
        tmpobj = tempfile.TemporaryDirectory()
        work = tmpobj.name
    try:
        body(work, keep)
    finally:
        if tmpobj is not None:
            tmpobj.cleanup()
    R.finish()


def body(work, keep):
    version = run(["--version"], work).stdout.split()[-1]
    books, demo_dir, ex_dir = make_books(work)
    pdfdir = os.path.join(work, "pdf")
    os.makedirs(pdfdir, exist_ok=True)
    err = soffice_pdf(work, books, pdfdir)
    exempt = input_strings(demo_dir, ex_dir) | ZH_EXEMPT_STRINGS
    for b in books:
        ent = b.ent
        for f in [ent["factors"].get(k) for k in ("location", "residual", "cbam")] + list(ent["factors"]["supplier"]):
            if f:
                exempt.update(str(f[k]) for k in ZH_EXEMPT_FACTOR_FIELDS if f.get(k))
                if f.get("note") and not has_cjk(f["note"]):
                    exempt.add(f["note"])
    by_key = {b.key: b for b in books}
    for b in books:
        path = pdf_of(b, pdfdir)
        pdf = Pdf(path, os.path.join(pdfdir, b.key)) if os.path.exists(path) else None
        if keep and pdf is not None:
            subprocess.run([TOOLS["pdftoppm"], "-png", "-r", "60", path, os.path.join(pdfdir, b.key)],
                           capture_output=True, timeout=300)
        check_render(b, pdf, err)
        check_header_footer_xml(b, version)
        check_page_setup(b)
        check_headers_fit(b)
        if pdf is None:
            check_charts(b, None, [])
            check_sheets(b, None, [])
            continue
        by_head, by_content = map_pages(b, pdf)
        check_header_footer_pdf(b, pdf, by_head, version)
        mapped = all(s is not None for s in by_head)
        pages_of, how = (by_head, "by page header") if mapped else (by_content, "by content: no page headers")
        check_pages(b, pdf, pages_of, how)
        check_text(b, pdf)
        check_charts(b, pdf, pages_of)
        check_sheets(b, pdf, pages_of)
        if b.lang == "zh":
            fonts = subprocess.run([TOOLS["pdffonts"], path], capture_output=True, text=True, timeout=60).stdout
            check_zh(b, by_key.get("en-" + b.key[3:]), exempt, pdf, fonts)
    check_created(work, demo_dir, [b for b in books])
    if keep:
        print("kept in %s: books/*.xlsx, pdf/*.pdf, pdf/*.png" % keep)


if __name__ == "__main__":
    main()
