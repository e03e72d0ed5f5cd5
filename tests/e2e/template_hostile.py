"""Hostile templates and users' mistakes for `cbamcalc template`, `report --split
--template` and `batch --template`.

- Damaged or doctored templates (rewritten from the real one with zipfile): cut
  short, a wrong CRC, a zip bomb, duplicate entries, entry names with ../ or an
  absolute path, a DOCTYPE with entities, a namespace prefix, an input cell with
  a formula, locked or removed, sheets renamed, calcPr missing or twice,
  sharedStrings missing, an .xls or .ods: refused with 65 (66: missing),
  naming the template, before anything is written: an existing output stays
  byte for byte and no temporary file is left. A template in good order that
  Python, LibreOffice or a zip64 writer saved is filled (0).
- Users' mistakes: -o over the template (also by a link), an output directory
  that does not exist (73), the same -o from runs at once, Chinese names and
  spaces, more than 10 processes or 100 goods, products sharing a name, names
  with & < > " ', 10,000-character names, Excel's CN codes, a GBK enterprises
  file with Chinese headers and the template columns, bad coordinates, a
  UN/LOCODE of another country, --processes files with mistakes.
- SIGTERM during batch --template: exit 143, every client's files all or none,
  no temporary file (in the output directory or the staging directory).
Each run is under an address-space limit (not with ASan) and a time limit, and
its stderr may hold no sanitizer report.
Needs the Commission's template (CBAM_SHARED_REFERENCE); skips (77) without it."""
import csv
import glob
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ASAN, CBAMCALC, Checks, command  # noqa: E402
import template_common as tc  # noqa: E402

tc.require_template()
warnings.simplefilter("ignore")  # zipfile warns about the duplicate names made on purpose
c = Checks()
VALGRIND = bool(os.environ.get("CBAM_VALGRIND"))
TPL = zipfile.ZipFile(tc.TEMPLATE)
EX = tc.EXAMPLE
ENT = "YC-AP01"
KEEP = b"an existing output that a refusal must leave as it was\n"
SHEET5 = tc.SHEETS["A_InstData"]


def limits(cpu):
    def apply():
        os.setsid()
        if cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        if not ASAN and not VALGRIND:
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    return apply


def run(args, cwd, cpu=30, env=None):
    """cbamcalc under 1 GB of address space and a CPU limit; a run killed by a limit returns its signal."""
    full = dict(os.environ)
    full.update(env or {})
    p = subprocess.Popen(command(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=full, preexec_fn=limits(None if VALGRIND else cpu))
    try:
        out, err = p.communicate(timeout=600 if VALGRIND else 120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        err += "\n(killed: still running after the time limit)"
    c.ok("Sanitizer" not in err and "runtime error:" not in err, "no sanitizer report: %s %s" % (args[:4], err[-2000:]))
    c.ok(p.returncode != 99, "valgrind: %s" % err[-2000:])
    p.stdout, p.stderr = out, err
    return p


def args_for(template, out, js, data=EX, ent=ENT, extra=()):
    a = ["template", "-q", "--template", template, "-e", os.path.join(data, "electricity.csv"),
         "-p", os.path.join(data, "production.csv"), "-i", os.path.join(data, "enterprises.csv"), "-o", out]
    if js:
        a += ["--json", js]
    if ent:
        a += ["--enterprise", ent]
    return a + list(extra)


def rewrite(dest, change=None, drop=(), add=(), method=None):
    """The template rewritten with zipfile: change {part: bytes or function}, parts dropped, (name, bytes) added."""
    change = change or {}
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for info in TPL.infolist():
            if info.filename in drop:
                continue
            data = TPL.read(info.filename)
            if info.filename in change:
                ch = change[info.filename]
                new = ch(data) if callable(ch) else ch
                c.ok(new != data, "%s: the rewrite of %s changed it" % (os.path.basename(dest), info.filename))
                data = new
            z.writestr(info.filename, data, compress_type=(method or {}).get(info.filename, zipfile.ZIP_DEFLATED))
        for name, data in add:
            z.writestr(name, data)
    return dest


def sub(pattern, repl):
    def f(b):
        new, n = re.subn(pattern.encode(), repl.encode(), b, count=1)
        c.ok(n == 1, "the pattern %r is in the template" % pattern)
        return new
    return f


def patch_header(path, name, field, value):
    """Sets a field of one entry in its local header and the central directory: 'crc' or 'size'."""
    b = bytearray(open(path, "rb").read())
    off = zipfile.ZipFile(path).getinfo(name).header_offset
    loc, cen = {"crc": (14, 16), "size": (22, 24)}[field]
    b[off + loc:off + loc + 4] = struct.pack("<I", value)
    pos = b.find(b"PK\x01\x02")
    while pos >= 0:
        if struct.unpack("<I", b[pos + 42:pos + 46])[0] == off:
            b[pos + cen:pos + cen + 4] = struct.pack("<I", value)
        pos = b.find(b"PK\x01\x02", pos + 4)
    with open(path, "wb") as f:
        f.write(b)
    return path


def bomb(dest, part, size):
    """The template with part replaced by XML of size bytes (mostly spaces: it deflates a thousand to one)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for info in TPL.infolist():
            if info.filename != part:
                z.writestr(info.filename, TPL.read(info.filename))
                continue
            with z.open(zipfile.ZipInfo(part, info.date_time), "w", force_zip64=size >= 1 << 31) as w:
                w.write(b'<?xml version="1.0"?><a>')
                chunk = b" " * (1 << 20)
                for _ in range(size >> 20):
                    w.write(chunk)
                w.write(b"</a>")
    return dest


def leftovers(d):
    return [n for n in os.listdir(d) if n.startswith(".") and not n.startswith(".cbamcalc-")]


def refused(tmp, template, want, what, must_say=(), extra=(), data=EX, ent=ENT):
    """template over an existing -o and --json: exit want, a message naming must_say (each an alternative
    tuple) and never a temporary file's name, nothing written, the existing files byte for byte."""
    d = tempfile.mkdtemp(prefix="r-", dir=tmp)
    out, js = os.path.join(d, "filled.xlsx"), os.path.join(d, "filled.json")
    for f in (out, js):
        with open(f, "wb") as h:
            h.write(KEEP)
    p = run(args_for(template, out, js, data, ent, extra), d)
    c.ok(p.returncode == want, "%s: exit %d, want %d: %s" % (what, p.returncode, want, p.stderr.strip()[-600:]))
    for options in must_say:
        c.ok(any(s in p.stderr for s in options), "%s: the message names %r: %s" % (what, options,
                                                                                   p.stderr.strip()[-600:]))
    c.ok(".filled.xlsx." not in p.stderr, "%s: the message names a temporary file, not the template: %s" % (
        what, p.stderr.strip()[-300:]))
    c.ok(sorted(os.listdir(d)) == ["filled.json", "filled.xlsx"], "%s: nothing else written (%s)" % (
        what, sorted(os.listdir(d))))
    c.ok(open(out, "rb").read() == KEEP and open(js, "rb").read() == KEEP, "%s: -o and --json untouched" % what)
    return p


def filled(tmp, template, what, data=EX, ent=ENT, extra=()):
    """template is filled: exit 0, a sound zip whose edited sheets are well-formed XML; returns the path."""
    d = tempfile.mkdtemp(prefix="f-", dir=tmp)
    out, js = os.path.join(d, "filled.xlsx"), os.path.join(d, "filled.json")
    p = run(args_for(template, out, js, data, ent, extra), d)
    c.ok(p.returncode == 0, "%s: exit %d, want 0: %s" % (what, p.returncode, p.stderr.strip()[-600:]))
    if p.returncode != 0:
        return None
    c.ok(tc.zip_ok(out), "%s: a sound zip" % what)
    c.ok(leftovers(d) == [], "%s: no temporary left (%s)" % (what, leftovers(d)))
    with zipfile.ZipFile(out) as z:
        for part in sorted(tc.EDITED):
            try:
                ET.fromstring(z.read(part))
            except (KeyError, ET.ParseError) as e:
                c.ok(False, "%s: %s well-formed: %s" % (what, part, e))
    return out


def cell_text(out, sheet, ref):
    with zipfile.ZipFile(out) as z:
        return tc.value(tc.cells(z.read(tc.SHEETS[sheet])).get(ref), tc.shared_strings(z))


# ---- damaged and doctored templates ----

def doctored(tmp):
    t = lambda name: os.path.join(tmp, name)  # noqa: E731
    data = open(tc.TEMPLATE, "rb").read()

    # Control: the template rewritten by Python's zipfile is still the template.
    filled(tmp, rewrite(t("same.xlsx")), "the template rewritten by zipfile")

    # Cut short, empty.
    for name, cut in (("cut-half.xlsx", len(data) // 2), ("cut-100.xlsx", 100), ("cut-end.xlsx", len(data) - 10),
                      ("empty.xlsx", 0)):
        with open(t(name), "wb") as f:
            f.write(data[:cut])
        refused(tmp, t(name), 65, "a template cut to %d bytes" % cut, [(name,)])

    # A wrong CRC: in a sheet cbamcalc reads, and in parts it copies raw (damage found only when the
    # copy is checked: today exit 73 naming the temporary output instead of 65 naming the template).
    for part in (SHEET5, "xl/theme/theme1.xml", "xl/calcChain.xml"):
        name = "crc-" + os.path.basename(part)
        shutil.copy(tc.TEMPLATE, t(name))
        patch_header(t(name), part, "crc", TPL.getinfo(part).CRC ^ 0x5A5A5A5A)
        refused(tmp, t(name), 65, "a wrong CRC in %s" % part, [(name,), ("damaged", "CRC")])

    # Zip bombs: a sheet cbamcalc reads that inflates to 256 MB, one that claims its size but inflates to
    # more, and parts copied raw that inflate to 1 GiB or claim 3.5 GB.
    if not VALGRIND:
        b17 = bomb(t("bomb-sheet17.xlsx"), "xl/worksheets/sheet17.xml", 256 << 20)
        refused(tmp, b17, 65, "a 256 MB sheet", [("bomb-sheet17.xlsx",), ("larger than",)])
        shutil.copy(b17, t("bomb-lying.xlsx"))
        patch_header(t("bomb-lying.xlsx"), "xl/worksheets/sheet17.xml", "size",
                     TPL.getinfo("xl/worksheets/sheet17.xml").file_size)
        refused(tmp, t("bomb-lying.xlsx"), 65, "a sheet inflating past its stated size", [("bomb-lying.xlsx",)])
        # B_EmInst (sheet6) is copied raw: 1 GiB of it, deflated to 1 MB.
        bomb(t("bomb-raw.xlsx"), "xl/worksheets/sheet6.xml", 1 << 30)
        refused(tmp, t("bomb-raw.xlsx"), 65, "a sheet copied raw inflating to 1 GiB (under 1 GiB of address space)",
                [("bomb-raw.xlsx",)])
    shutil.copy(tc.TEMPLATE, t("claims-3g.xlsx"))
    patch_header(t("claims-3g.xlsx"), "xl/calcChain.xml", "size", 0xE0000000)
    refused(tmp, t("claims-3g.xlsx"), 65, "a part copied raw claiming 3.5 GB", [("claims-3g.xlsx",)])

    # Duplicate entries: a second theme, sheet or workbook.xml (which one would Excel read?).
    for part, extra in (("xl/theme/theme1.xml", TPL.read("xl/theme/theme1.xml")),
                        (SHEET5, b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                                 b'spreadsheetml/2006/main"><sheetData/></worksheet>'),
                        ("xl/workbook.xml", TPL.read("xl/workbook.xml"))):
        name = "dup-" + os.path.basename(part)
        refused(tmp, rewrite(t(name), add=[(part, extra)]), 65, "%s twice in the zip" % part,
                [(name,), ("twice", "duplicate")])

    # Entry names that climb out of a folder, or are absolute: the filled file would carry them to
    # whoever unzips it.
    for name, entry in (("dotdot.xlsx", "../../evil.txt"), ("absolute.xlsx", "/tmp/evil.txt"),
                        ("dotdot-inside.xlsx", "xl/worksheets/../../../evil.xml"),
                        ("backslash.xlsx", "..\\..\\evil.txt")):
        refused(tmp, rewrite(t(name), add=[(entry, b"<a/>")]), 65, "an entry named %s" % entry, [(name,)])
    refused(tmp, rewrite(t("longname.xlsx"), add=[("x/" + "a" * 2000 + ".xml", b"<a/>")]), 65,
            "an entry name of 2,002 bytes", [("longname.xlsx",)])
    refused(tmp, rewrite(t("bzip2-raw.xlsx"), method={"xl/theme/theme1.xml": zipfile.ZIP_BZIP2}), 65,
            "a part copied raw compressed with bzip2", [("bzip2-raw.xlsx",)])
    refused(tmp, rewrite(t("bzip2-sheet.xlsx"), method={SHEET5: zipfile.ZIP_BZIP2}), 65,
            "a sheet compressed with bzip2", [("bzip2-sheet.xlsx",)])

    # DOCTYPEs: billion laughs used in a cell (expat's amplification limit) or only declared; an external
    # entity. OPC parts may not have a DTD; the declared-only ones are refused today only when written.
    laughs = '<!DOCTYPE %s [<!ENTITY a0 "ha">' + "".join(
        '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 10)) + "]>"
    decl = r'(<\?xml[^>]*\?>)'
    i19 = r'<c r="I19" s="1240"/>'
    refused(tmp, rewrite(t("laughs-used.xlsx"), change={SHEET5: lambda b: sub(i19, '<c r="I19" s="1240" t="inline'
            'Str"><is><t>&a9;</t></is></c>')(sub(decl, r"\1" + laughs % "worksheet")(b))}), 65,
            "billion laughs in A_InstData!I19", [("laughs-used.xlsx",)])
    refused(tmp, rewrite(t("laughs-sst.xlsx"), change={"xl/sharedStrings.xml": lambda b: sub(
            "<si><t>Total</t>", "<si><t>&a9;</t>")(sub(decl, r"\1" + laughs % "sst")(b))}), 65,
            "billion laughs in sharedStrings", [("laughs-sst.xlsx",)])
    refused(tmp, rewrite(t("dtd-sheet.xlsx"), change={SHEET5: sub(decl, r"\1" + laughs % "worksheet")}), 65,
            "a DOCTYPE declaring entities in A_InstData", [("dtd-sheet.xlsx",)])
    refused(tmp, rewrite(t("dtd-workbook.xlsx"), change={"xl/workbook.xml": sub(decl, r"\1" + laughs % "workbook")}),
            65, "a DOCTYPE declaring entities in workbook.xml", [("dtd-workbook.xlsx",)])
    p = refused(tmp, rewrite(t("xxe.xlsx"), change={SHEET5: lambda b: sub(i19, '<c r="I19" s="1240" t="inlineStr">'
                '<is><t>&x;</t></is></c>')(sub(decl, r'\1<!DOCTYPE worksheet [<!ENTITY x SYSTEM '
                                                     r'"file:///etc/passwd">]>')(b))}), 65,
                "an external entity in A_InstData!I19", [("xxe.xlsx",)])
    c.ok("root:" not in p.stderr, "the external entity is not read")

    # A sheet whose elements carry a prefix (<x:c>): valid XML, but not the template as made.
    def prefixed(b):
        s = b.decode().replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                               'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"', 1)
        return re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s/>])", r"<\1x:\2", s).encode()
    refused(tmp, rewrite(t("prefixed.xlsx"), change={SHEET5: prefixed}), 65, "a sheet with <x:c>",
            [("prefixed.xlsx",)])

    # Input cells: a formula, locked (style 0), removed, its row removed, a cell without r.
    for name, change, cell in (
            ("formula.xlsx", sub(i19, '<c r="I19" s="1240"><f>1+1</f><v>2</v></c>'), "A_InstData!I19"),
            ("locked.xlsx", sub(i19, '<c r="I19" s="0"/>'), "A_InstData!I19"),
            ("locked-l83.xlsx", sub('<c r="L83" s="1226"/>', '<c r="L83" s="0"/>'), "A_InstData!L83"),
            ("removed.xlsx", sub(i19, ""), "A_InstData!I19"),
            ("removed-row.xlsx", sub(r'<row r="19"[^>]*>.*?</row>', ""), "A_InstData!I19"),
            ("no-ref.xlsx", sub(i19, '<c s="1240"/>'), "A_InstData")):
        refused(tmp, rewrite(t(name), change={SHEET5: change}), 65, name, [(name,), (cell,)])
    # An input cell that already holds a value (a template someone began): filled over it.
    out = filled(tmp, rewrite(t("begun.xlsx"), change={SHEET5: sub(i19, '<c r="I19" s="1240" t="inlineStr"><is>'
                                                                         '<t>begun by hand</t></is></c>')}),
                 "an input cell holding a value")
    if out:
        c.ok(cell_text(out, "A_InstData", "I19") == "运城示例汽车零部件有限公司",
             "the begun I19 holds the name: %r" % cell_text(out, "A_InstData", "I19"))

    # Sheets renamed, swapped, reordered; calcPr missing, twice, hidden in a comment, already full.
    wb = "xl/workbook.xml"
    refused(tmp, rewrite(t("renamed.xlsx"), change={wb: sub('name="A_InstData"', 'name="A_InstData (2)"')}), 65,
            "A_InstData renamed", [("renamed.xlsx",), ("A_InstData",)])
    swap = lambda b: b.replace(b'name="A_InstData"', b'name="@"').replace(  # noqa: E731
        b'name="B_EmInst"', b'name="A_InstData"').replace(b'name="@"', b'name="B_EmInst"')
    refused(tmp, rewrite(t("swapped.xlsx"), change={wb: swap}), 65, "A_InstData and B_EmInst swapped",
            [("swapped.xlsx",)])

    def reorder(b):
        s = b.decode()
        sheets = re.findall(r"<sheet [^>]*/>", s)
        return s.replace("".join(sheets), "".join(reversed(sheets))).encode()
    filled(tmp, rewrite(t("reordered.xlsx"), change={wb: reorder}), "the sheets in reverse order")
    filled(tmp, rewrite(t("full-calc.xlsx"), change={wb: sub("<calcPr ", '<calcPr fullCalcOnLoad="1" ')}),
           "calcPr already asking for a full calculation")
    for name, change in (("calcpr-missing.xlsx", sub(r"<calcPr[^>]*/>", "")),
                         ("calcpr-twice.xlsx", sub(r"(<calcPr[^>]*/>)", r"\1\1")),
                         ("calcpr-comment.xlsx", sub(r"(<calcPr[^>]*/>)", r"<!-- <calcPr/> -->\1"))):
        refused(tmp, rewrite(t(name), change={wb: change}), 65, name, [(name,), ("calcPr",)])
    for part in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels", SHEET5):
        name = "no-" + os.path.basename(part)
        refused(tmp, rewrite(t(name), drop={part}), 65, "%s missing" % part, [(name,), (part,)])

    # Zips in good order made other ways: stored, zip64. A stub before the zip (a self-extracting
    # archive) is not the file as the Commission publishes it: refused, by the check of every part.
    with zipfile.ZipFile(t("stored.xlsx"), "w", zipfile.ZIP_STORED) as z:
        for info in TPL.infolist():
            z.writestr(info.filename, TPL.read(info.filename))
    filled(tmp, t("stored.xlsx"), "a stored (uncompressed) template")
    with zipfile.ZipFile(t("zip64.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        for info in TPL.infolist():
            with z.open(zipfile.ZipInfo(info.filename, info.date_time), "w", force_zip64=True) as w:
                w.write(TPL.read(info.filename))
    filled(tmp, t("zip64.xlsx"), "a zip64 template")
    with open(t("stub.xlsx"), "wb") as f:
        f.write(b"MZ" + b"\0" * 5000 + data)
    refused(tmp, t("stub.xlsx"), 65, "a template after a 5 KB stub", [("stub.xlsx",)])

    # Other formats: an .xls (OLE2) and an .ods (a zip without xl/).
    with open(t("template.xls"), "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    refused(tmp, t("template.xls"), 65, "an .xls", [("template.xls",), (".xlsx",)])
    with zipfile.ZipFile(t("template.ods"), "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
                                  'tc:opendocument:xmlns:office:1.0"/>')
    refused(tmp, t("template.ods"), 65, "an .ods", [("template.ods",), (".xlsx",)])
    refused(tmp, t("no-such.xlsx"), 66, "a missing template", [("no-such.xlsx",)])
    os.makedirs(t("dir.xlsx"))
    refused(tmp, t("dir.xlsx"), 66, "a directory as the template", [("dir.xlsx",)])

    # Batch: a template whose damage shows only when a part is copied stops the run before any client.
    d = tempfile.mkdtemp(prefix="b-", dir=tmp)
    man = os.path.join(d, "m.csv")
    with open(man, "w") as f:
        f.write("client,electricity,production,enterprises,output,enterprise\n"
                "a,%s,%s,%s,,%s\n" % (os.path.join(EX, "electricity.csv"), os.path.join(EX, "production.csv"),
                                      os.path.join(EX, "enterprises.csv"), ENT))
    p = run(["batch", man, "--out-dir", os.path.join(d, "out"), "-q", "--template", t("crc-theme1.xml")], d)
    c.ok(p.returncode == 65 and "crc-theme1.xml" in p.stderr,
         "batch with a template damaged in a part copied raw: exit %d, want 65 before any client: %s" % (
             p.returncode, p.stderr.strip()[-400:]))


def libreoffice(tmp):
    """The template saved by LibreOffice is still 2.1.1: filled, the values in place."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or VALGRIND:
        print("note: LibreOffice not found (or under valgrind): a template it saved is not tried")
        return
    d = os.path.join(tmp, "lo")
    os.makedirs(d)
    shutil.copy(tc.TEMPLATE, os.path.join(d, "official.xlsx"))
    try:
        subprocess.run([soffice, "-env:UserInstallation=file://" + os.path.join(d, "profile"), "--headless",
                        "--convert-to", "xlsx", "--outdir", os.path.join(d, "conv"), os.path.join(d, "official.xlsx")],
                       capture_output=True, timeout=180, start_new_session=True)
    except subprocess.TimeoutExpired:
        print("note: LibreOffice did not convert within 180 s: a template it saved is not tried")
        return
    saved = os.path.join(d, "conv", "official.xlsx")
    if not os.path.exists(saved):
        print("note: LibreOffice wrote nothing: a template it saved is not tried")
        return
    out = filled(tmp, saved, "the template saved by LibreOffice")
    if out:
        c.ok(cell_text(out, "A_InstData", "I19") == "运城示例汽车零部件有限公司", "LibreOffice's template: I19")


# ---- users' mistakes ----

def outputs(tmp):
    d = os.path.join(tmp, "out")
    os.makedirs(d)
    mine = os.path.join(d, "official.xlsx")
    shutil.copy(tc.TEMPLATE, mine)
    original = open(mine, "rb").read()
    os.symlink("official.xlsx", os.path.join(d, "link.xlsx"))
    os.link(mine, os.path.join(d, "hard.xlsx"))
    os.makedirs(os.path.join(d, "sub.xlsx"))
    for what, o, js, tpl in (("-o the template", "official.xlsx", "t.json", mine),
                             ("-o ./the template", "./official.xlsx", "t.json", mine),
                             ("-o the template by sub.xlsx/..", "sub.xlsx/../official.xlsx", "t.json", mine),
                             ("-o a symbolic link to the template", "link.xlsx", "t.json", mine),
                             ("-o a hard link to the template", "hard.xlsx", "t.json", mine),
                             ("--template a link, -o the file", "official.xlsx", "t.json", "link.xlsx"),
                             ("--json the template", "t.xlsx", "official.xlsx", mine)):
        p = run(args_for(tpl, o, js), d)
        c.ok(p.returncode == 64 and "template" in p.stderr, "%s: exit %d, want 64: %s" % (what, p.returncode,
                                                                                          p.stderr.strip()))
        c.ok(open(mine, "rb").read() == original, "%s: the template untouched" % what)
        c.ok(sorted(os.listdir(d)) == ["hard.xlsx", "link.xlsx", "official.xlsx", "sub.xlsx"], "%s: nothing written: %s"
             % (what, sorted(os.listdir(d))))
    # Outputs that cannot be written: 73, naming the output.
    for what, o in (("a directory that does not exist", "nodir/filled.xlsx"),
                    ("a file as a directory", "official.xlsx/filled.xlsx"),
                    ("a directory as the output", "sub.xlsx"), ("under /proc", "/proc/filled.xlsx")):
        p = run(args_for(mine, o, None), d)
        c.ok(p.returncode == 73 and o in p.stderr, "-o %s: exit %d, want 73 naming it: %s" % (
            what, p.returncode, p.stderr.strip()))
    p = run(args_for(mine, "-", None), d)
    c.ok(p.returncode == 64, "-o -: exit %d, want 64" % p.returncode)
    # The same -o from three runs at once: one whole file, no temporary.
    procs = [subprocess.Popen(command(args_for(mine, "same.xlsx", None)), cwd=d, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(3)]
    codes = [q.wait() for q in procs]
    for q in procs:
        q.stdout.close()
        q.stderr.close()
    c.ok(codes == [0, 0, 0] and tc.zip_ok(os.path.join(d, "same.xlsx")) and leftovers(d) == [],
         "the same -o three times at once: %s, left %s" % (codes, leftovers(d)))
    # Chinese names and spaces in the template's and the output's paths.
    zh = os.path.join(tmp, "模板 目录")
    os.makedirs(os.path.join(zh, "输出 目录"))
    shutil.copy(tc.TEMPLATE, os.path.join(zh, "欧盟 CBAM 模板 v2.1.1.xlsx"))
    p = run(args_for("欧盟 CBAM 模板 v2.1.1.xlsx", "输出 目录/运城 填好的.xlsx", "输出 目录/运城.json"), zh)
    c.ok(p.returncode == 0 and tc.zip_ok(os.path.join(zh, "输出 目录", "运城 填好的.xlsx")),
         "Chinese names with spaces: exit %d %s" % (p.returncode, p.stderr.strip()))


def steel_codes():
    """Eight-digit CN codes of iron or steel products from the template's Parameters_CNCodes."""
    strings = tc.shared_strings(TPL)
    sheet = tc.cells(TPL.read("xl/worksheets/sheet17.xml"))
    out = []
    for ref, cell in sorted(sheet.items()):
        m = re.fullmatch(r"D(\d+)", ref)
        if m and int(m.group(1)) >= 4 and tc.value(sheet.get("E" + m.group(1)), strings) == "Iron or steel products":
            code = tc.value(cell, strings)
            if isinstance(code, str) and re.fullmatch(r"\d{8}", code):
                out.append(code)
    return out


STEEL = None


def goods(tmp, name, n, names=None, cns=None, ent_head=None, ent_row=None, encoding="utf-8", processes=None):
    """An enterprise E1 with n goods G000..., twelve months; returns its folder."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(d, "electricity.csv"), "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh\n")
        f.write("".join("E1,2025-%02d,M1,grid,%d\n" % (m, 400000 + n * 1000) for m in range(1, 13)))
    with open(os.path.join(d, "production.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "period", "product_id", "product_name", "cn_code", "quantity", "unit"])
        for m in range(1, 13):
            for g in range(n):
                w.writerow(["E1", "2025-%02d" % m, "G%03d" % g, names[g] if names else "Good %d" % g,
                            cns[g] if cns else STEEL[g % len(STEEL)], 100 + g, "t"])
    with open(os.path.join(d, "enterprises.csv"), "w", encoding=encoding) as f:
        f.write(ent_head or "enterprise_id,name,name_en,country,province,address\n")
        f.write(ent_row or "E1,测试厂,Test Works (fictional),CN,Shanxi,1 Road\n")
    if processes is not None:
        with open(os.path.join(d, "processes.csv"), "w") as f:
            f.write("product_id,process\n" + "".join("G%03d,%s\n" % (g, processes(g)) for g in range(n)))
    return d


def mistakes(tmp):
    global STEEL
    STEEL = steel_codes()
    c.ok(len(STEEL) > 100, "iron or steel CN codes in the template: %d" % len(STEEL))
    tpl = tc.TEMPLATE
    procs = lambda d: ["--processes", os.path.join(d, "processes.csv")]  # noqa: E731

    d = goods(tmp, "eleven", 11, processes=lambda g: "Rolling %d" % (g % 2))
    refused(tmp, tpl, 65, "11 CBAM goods, no --processes", [("10",), ("--processes",)], data=d, ent="E1")
    filled(tmp, tpl, "11 goods in 2 processes", data=d, ent="E1", extra=procs(d))
    with open(os.path.join(d, "eleven.csv"), "w") as f:
        f.write("product_id,process\n" + "".join("G%03d,P%d\n" % (g, g) for g in range(11)))
    refused(tmp, tpl, 65, "a --processes file giving 11 processes", [("eleven.csv",), ("10",)], data=d, ent="E1",
            extra=["--processes", os.path.join(d, "eleven.csv")])
    d = goods(tmp, "hundred", 100, processes=lambda g: "Rolling %d" % (g % 2))
    filled(tmp, tpl, "100 goods", data=d, ent="E1", extra=procs(d))
    d = goods(tmp, "hundred-one", 101, processes=lambda g: "Rolling %d" % (g % 2))
    refused(tmp, tpl, 65, "101 goods", [("100 goods",)], data=d, ent="E1", extra=procs(d))

    d = goods(tmp, "same-name", 2, names=["Bolt", "Bolt"])
    out = filled(tmp, tpl, "two products named Bolt", data=d, ent="E1")
    if out:
        got = [cell_text(out, "Summary_Products", "D%d" % r) for r in (10, 11)]
        c.ok(len(set(got)) == 2 and all(g and "Bolt" in g for g in got), "two Bolts: two processes %r" % got)

    odd = ["A & B <c> \"q\" 's'", "]]> <![CDATA[ x", "&amp; &#x41; <f>1+1</f>", "=HYPERLINK(\"http://x\")"]
    d = goods(tmp, "xml-chars", 4, names=odd)
    out = filled(tmp, tpl, "names with XML's special characters", data=d, ent="E1")
    if out:
        got = [cell_text(out, "Summary_Products", "H%d" % r) for r in range(10, 14)]
        c.ok(got == odd, "names with & < > \" ' kept as text: %r" % got)
        with zipfile.ZipFile(out) as z:
            c.ok(b"<f>1+1</f>" not in z.read(tc.SHEETS["Summary_Products"]), "a name is never a formula")

    long_names = ["长" * 10000, "L" * 10000]
    d = goods(tmp, "long", 2, names=long_names)
    out = filled(tmp, tpl, "names of 10,000 characters", data=d, ent="E1")
    if out:
        got = [cell_text(out, "Summary_Products", "H%d" % r) for r in (10, 11)]
        c.ok(got == long_names, "10,000-character names kept whole: %r" % [len(g or "") for g in got])
    d = goods(tmp, "too-long", 1, names=["L" * 40000])
    refused(tmp, tpl, 65, "a name of 40,000 characters", [("production.csv:2:",), ("32,767", "32767")], data=d,
            ent="E1")

    for i, cn in enumerate(("7.31816E+07", "73181588.0", "7318158", "7318.15.88", "'73181588", "７３１８１５８８")):
        d = goods(tmp, "cn%d" % i, 1, cns=[cn])
        refused(tmp, tpl, 65, "CN code %r" % cn, [("production.csv:2:5",), ("8 digits",)], data=d, ent="E1")

    # Enterprises in GBK with Chinese headers and every template column.
    head = "企业编号,企业名称,英文名称,国家,省份,地址,城市,邮编,UN/LOCODE,纬度,经度,经济活动,授权代表,邮箱,电话\n"
    row = ("E1,运城测试铸造有限公司,Yuncheng Test Foundry,CN,山西省,运城市盐湖区解放路1号,运城,044000,CN YCU,"
           "35.0264,111.0070,铸造 (C3391),张三,zhang@example.cn,+86 359 1234567\n")
    d = goods(tmp, "gbk", 2, ent_head=head, ent_row=row, encoding="gbk")
    out = filled(tmp, tpl, "a GBK enterprises file with Chinese headers", data=d, ent="E1")
    if out:
        want = {"I19": "运城测试铸造有限公司", "I20": "Yuncheng Test Foundry", "I21": "运城市盐湖区解放路1号",
                "I22": "铸造 (C3391)", "I23": "044000", "I25": "运城", "I26": "China", "I27": "CN YCU",
                "I28": 35.0264, "I29": 111.007, "I30": "张三", "I31": "zhang@example.cn", "I32": "+86 359 1234567"}
        got = {k: cell_text(out, "A_InstData", k) for k in want}
        c.ok(got == want, "GBK enterprises: A_InstData I19..I32 %r" % got)
    for what, old, new, col in (("latitude 95", "35.0264", "95", 10), ("latitude abc", "35.0264", "abc", 10),
                                ("latitude 35,0264", "35.0264", '"35,0264"', 10), ("latitude nan", "35.0264", "nan", 10),
                                ("longitude 181", "111.0070", "181", 11),
                                ("UN/LOCODE of Hamburg", "CN YCU", "DE HAM", 9), ("UN/LOCODE CN", "CN YCU", "CN", 9)):
        d = goods(tmp, "ent-" + re.sub(r"\W", "_", what), 2, ent_head=head, ent_row=row.replace(old, new, 1),
                  encoding="gbk")
        refused(tmp, tpl, 65, what, [("enterprises.csv:2:%d" % col,)], data=d, ent="E1")

    # --processes files with mistakes.
    d = goods(tmp, "pf", 3, processes=lambda g: "Rolling")
    pf = lambda name, text, enc="utf-8": (open(os.path.join(d, name), "w", encoding=enc).write(text),  # noqa: E731
                                          ["--processes", os.path.join(d, name)])[1]
    rows = "".join("G%03d,Rolling\n" % g for g in range(3))
    a = args_for(tpl, os.path.join(d, "o.xlsx"), None, d, "E1",
                 pf("unknown.csv", "product_id,process\n" + rows + "NOPE,Rolling\n"))
    a.remove("-q")
    p = run(a, d)
    c.ok(p.returncode == 0 and "unknown.csv:5" in p.stderr and "NOPE" in p.stderr,
         "--processes naming an unknown product: a warning at its line: %d %s" % (p.returncode, p.stderr[-400:]))
    refused(tmp, tpl, 65, "--processes with a product twice", [("twice.csv:5:",), ("G001",)], data=d, ent="E1",
            extra=pf("twice.csv", "product_id,process\n" + rows + "G001,Other\n"))
    refused(tmp, tpl, 65, "--processes with an empty process", [("empty-proc.csv:3:2",)], data=d, ent="E1",
            extra=pf("empty-proc.csv", "product_id,process\nG000,Rolling\nG001,  \nG002,Rolling\n"))
    refused(tmp, tpl, 65, "--processes leaving a good out", [("G002",), ("leaves.csv",)], data=d, ent="E1",
            extra=pf("leaves.csv", "product_id,process\nG000,Rolling\nG001,Rolling\n"))
    p = refused(tmp, tpl, 65, "--processes without a header", [("no-header.csv:1",)], data=d, ent="E1",
                extra=pf("no-header.csv", rows))
    c.ok("is empty" not in p.stderr, "a --processes file without its header is not called empty: %s" % p.stderr[-400:])
    refused(tmp, tpl, 66, "--processes missing", [("nope.csv",)], data=d, ent="E1",
            extra=["--processes", os.path.join(d, "nope.csv")])
    filled(tmp, tpl, "--processes with a BOM", data=d, ent="E1",
           extra=pf("bom.csv", "\ufeffproduct_id,process\n" + rows))
    zh_rows = "".join("G%03d,轧制\n" % g for g in range(3))
    filled(tmp, tpl, "--processes in GBK with Chinese headers", data=d, ent="E1",
           extra=pf("gbk.csv", "产品编号,工序\n" + zh_rows, "gbk"))
    # A long --processes file (150,000 rows) is read in about linear time, not compared row by row.
    if not VALGRIND:
        with open(os.path.join(d, "long.csv"), "w") as f:
            f.write("product_id,process\n" + rows + "".join("X%06d,Rolling\n" % i for i in range(150000)))
        p = run(args_for(tpl, os.path.join(d, "long.xlsx"), None, d, "E1",
                         ["--processes", os.path.join(d, "long.csv")]), d, cpu=15)
        c.ok(p.returncode == 0, "--processes of 150,000 rows within 15 s of CPU: exit %d%s %s" % (
            p.returncode, " (killed by the CPU limit)" if p.returncode < 0 else "", p.stderr[-300:]))


def manifest_mistakes(tmp):
    d = os.path.join(tmp, "manifest")
    os.makedirs(d)
    files = ",".join(os.path.join(EX, f) for f in ("electricity.csv", "production.csv", "enterprises.csv"))
    head = "client,electricity,production,enterprises,output,enterprise,template_output\n"
    for what, rows, opts, say in (
            ("template_output without --template", "a,%s,,YC-AP01,x.xlsx\n", [], "--template"),
            ("template_output with ../", "a,%s,,YC-AP01,../x.xlsx\n", ["--template", tc.TEMPLATE], "../x.xlsx"),
            ("template_output = the workbook", "a,%s,a.xlsx,YC-AP01,a.xlsx\n", ["--template", tc.TEMPLATE], "a.xlsx"),
            ("template_output = another's workbook, other case",
             "a,%s,a.xlsx,YC-AP01,B.xlsx\nb,%s,b.xlsx,YC-FD02,\n", ["--template", tc.TEMPLATE], "b.xlsx"),
            ("template_output = batch-summary.xlsx", "a,%s,,YC-AP01,batch-summary.xlsx\n", ["--template", tc.TEMPLATE],
             "batch-summary"),
            ("a default template name taken", "a,%s,a.xlsx,YC-AP01,\nb,%s,b.xlsx,YC-FD02,a.template.xlsx\n",
             ["--template", tc.TEMPLATE], "a.template.xlsx")):
        man = os.path.join(d, "m.csv")
        with open(man, "w") as f:
            f.write(head + rows.replace("%s", files))
        out = os.path.join(d, "out-" + re.sub(r"\W", "_", what))
        p = run(["batch", man, "--out-dir", out, "-q"] + opts, d)
        c.ok(p.returncode == 65 and "m.csv:" in p.stderr and say in p.stderr,
             "batch, %s: exit %d, want 65 naming m.csv and %s: %s" % (what, p.returncode, say, p.stderr.strip()[-300:]))
        c.ok(not os.path.exists(out) or [n for n in os.listdir(out) if not n.startswith(".cbamcalc-")] == [],
             "batch, %s: nothing run" % what)
    # The template inside the output directory and a client's template_output naming it.
    out = os.path.join(d, "self")
    os.makedirs(out)
    shutil.copy(tc.TEMPLATE, os.path.join(out, "official.xlsx"))
    with open(os.path.join(d, "m.csv"), "w") as f:
        f.write(head + "a,%s,,YC-AP01,official.xlsx\n" % files)
    p = run(["batch", os.path.join(d, "m.csv"), "--out-dir", out, "-q", "--template", os.path.join(out, "official.xlsx")],
            d)
    c.ok(open(os.path.join(out, "official.xlsx"), "rb").read() == open(tc.TEMPLATE, "rb").read(),
         "batch: a template_output naming the template leaves it as it was (exit %d)" % p.returncode)


def report_split(tmp):
    d = os.path.join(tmp, "split")
    os.makedirs(d)
    base = ["report", "-q", "-e", os.path.join(EX, "electricity.csv"), "-p", os.path.join(EX, "production.csv"),
            "-i", os.path.join(EX, "enterprises.csv"), "--split"]
    p = run(base + ["--out-dir", "ok", "--template", tc.TEMPLATE], d)
    names = sorted(os.listdir(os.path.join(d, "ok"))) if os.path.isdir(os.path.join(d, "ok")) else []
    c.ok(p.returncode == 0 and "YC-AP01.template.xlsx" in names and "YC-FD02.template.xlsx" in names,
         "report --split --template: %d %s" % (p.returncode, names))
    p = run(base + ["--out-dir", "missing", "--template", os.path.join(d, "nope.xlsx")], d)
    c.ok(p.returncode == 66 and "nope.xlsx" in p.stderr and not os.path.exists(os.path.join(d, "missing")),
         "report --split with a missing template: exit %d, nothing written" % p.returncode)
    crc = os.path.join(d, "crc.xlsx")
    shutil.copy(tc.TEMPLATE, crc)
    patch_header(crc, "xl/theme/theme1.xml", "crc", TPL.getinfo("xl/theme/theme1.xml").CRC ^ 1)
    p = run(base + ["--out-dir", "crc", "--template", crc], d)
    c.ok(p.returncode == 65 and "crc.xlsx" in p.stderr, "report --split, a template damaged in a part copied "
         "raw: exit %d, want 65 naming it: %s" % (p.returncode, p.stderr.strip()[-300:]))
    c.ok(not os.path.isdir(os.path.join(d, "crc")) or os.listdir(os.path.join(d, "crc")) == [],
         "report --split with a damaged template: nothing written")


def sigterm(tmp):
    """SIGTERM during a batch --template of 60 clients: 143, no temporary (in the output directory or
    libxlsxwriter's staging directory), each client all or nothing."""
    d = os.path.join(tmp, "term")
    os.makedirs(os.path.join(d, "stage"))
    man = os.path.join(d, "m.csv")
    files = ",".join(os.path.join(EX, f) for f in ("electricity.csv", "production.csv", "enterprises.csv"))
    with open(man, "w") as f:
        f.write("client,electricity,production,enterprises,output,enterprise\n")
        f.write("".join("c%02d,%s,,YC-AP01\n" % (i, files) for i in range(60)))
    env = dict(os.environ, CBAMCALC_TMPDIR=os.path.join(d, "stage"))
    for delay in (0.1, 0.2, 0.3, 0.5, 1.0):
        out = os.path.join(d, "out%.1f" % delay)
        p = subprocess.Popen(command(["batch", man, "--out-dir", out, "-j", "2", "-q", "--template", tc.TEMPLATE]),
                             cwd=d, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay * (20 if VALGRIND else 1))
        p.send_signal(signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        c.ok(p.returncode in (143, 0), "SIGTERM after %.1f s: exit %d, want 143: %s" % (delay, p.returncode, err[-300:]))
        c.ok("Sanitizer" not in err and "runtime error:" not in err, "SIGTERM: no sanitizer report: %s" % err[-600:])
        names = os.listdir(out) if os.path.isdir(out) else []
        tmpfiles = [n for n in names if n.startswith(".") and not n.startswith(".cbamcalc-")]
        c.ok(tmpfiles == [], "SIGTERM after %.1f s: no temporary in the output directory: %s" % (delay, tmpfiles))
        stage = os.listdir(os.path.join(d, "stage"))
        c.ok(stage == [], "SIGTERM after %.1f s: the staging directory (CBAMCALC_TMPDIR) is empty: %s" % (delay, stage))
        for n in stage:
            os.unlink(os.path.join(d, "stage", n))
        for i in range(60):
            have = [os.path.exists(os.path.join(out, "c%02d%s" % (i, ext))) for ext in (".xlsx", ".json",
                                                                                     ".template.xlsx")]
            c.ok(all(have) or not any(have), "SIGTERM: client c%02d has all its files or none: %s" % (i, have))
        bad = [f for f in glob.glob(os.path.join(out, "*.xlsx")) if not tc.zip_ok(f)]
        c.ok(bad == [], "SIGTERM: every workbook left is whole: %s" % bad)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        doctored(tmp)
        outputs(tmp)
        mistakes(tmp)
        manifest_mistakes(tmp)
        report_split(tmp)
        sigterm(tmp)
        libreoffice(tmp)
    c.finish()


if __name__ == "__main__":
    main()
