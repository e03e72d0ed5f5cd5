"""Fills the Commission's CBAM communication template (v2.1.1) with `cbamcalc
template` for each enterprise of the bundled example and for a case with two
goods in one process, then lets LibreOffice (headless, through python3-uno)
recalculate it: the template's own formulas must give, for each good, the
SEE (indirect) on Summary_Products column J that cbamcalc's JSON states, and
D_Processes must hold each process's MWh. Skips (77) without LibreOffice, uno
or the template."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402
import template_common as tc  # noqa: E402

tc.require_template()
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    print("SKIP: LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    sys.exit(77)
try:
    import uno  # noqa: E402
    from com.sun.star.beans import PropertyValue  # noqa: E402
    from com.sun.star.connection import NoConnectException  # noqa: E402
except ImportError:
    print("SKIP: python3-uno is missing for %s (apt-get install python3-uno)" % sys.executable)
    sys.exit(77)

START_TIMEOUT = 90  # seconds for soffice to answer on its pipe
SESSION_TIMEOUT = 600  # seconds for the whole LibreOffice session; then soffice is ended (a hung load)
c = Checks()


class Office:
    """One soffice of our own: a private profile, a pipe named after this process,
    its own process group so that it and its children are ended with it."""

    def __init__(self, tmp):
        self.pipe = "cbamtest_%d" % os.getpid()
        profile = "file://" + os.path.join(tmp, "lo-profile")
        self.log = open(os.path.join(tmp, "soffice.log"), "w")
        self.proc = subprocess.Popen(
            [SOFFICE, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
             "-env:UserInstallation=" + profile, "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.desktop = None
        self.watchdog = threading.Timer(SESSION_TIMEOUT, self.kill)
        self.watchdog.daemon = True
        self.watchdog.start()

    def kill(self):
        try:  # soffice.bin may outlive its launcher: end the process group started here
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def connect(self):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % self.pipe)
                break
            except NoConnectException:
                if self.proc.poll() is not None:
                    raise RuntimeError("soffice exited with %s before answering" % self.proc.returncode)
                if time.monotonic() > deadline:
                    raise RuntimeError("soffice did not answer on its pipe within %d s" % START_TIMEOUT)
                time.sleep(0.5)
        self.desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def load(self, path):
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        return self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                                 (hidden,))

    def close(self):
        if self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception:  # the bridge goes away while terminate() returns
                pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        self.watchdog.cancel()
        self.kill()
        self.proc.wait()
        self.log.close()


def number(cell):
    """A cell's numeric result, or None when it is text, empty or an error."""
    from com.sun.star.table.CellContentType import VALUE, FORMULA
    if cell.getError() != 0:
        return None
    kind = cell.getType()
    if kind == VALUE:
        return cell.getValue()
    if kind == FORMULA and cell.getString() != "":
        try:
            float(cell.getString().replace(",", ""))
        except ValueError:
            return None
        return cell.getValue()
    return None


def check_book(office, book, ent, label):
    """Recalculates book in LibreOffice and compares the template's results with ent (cbamcalc's JSON)."""
    tpl = ent.get("template")
    c.ok(isinstance(tpl, dict) and isinstance(tpl.get("processes"), list), "%s: JSON has template.processes" % label)
    if not isinstance(tpl, dict) or not isinstance(tpl.get("processes"), list):
        return
    doc = office.load(book)
    c.ok(doc is not None, "%s: LibreOffice opened %s" % (label, book))
    if doc is None:
        return
    try:
        doc.calculateAll()
        sheets = doc.getSheets()
        dp, sp = sheets.getByName("D_Processes"), sheets.getByName("Summary_Products")
        sc = sheets.getByName("Summary_Communication")
        comm = {}  # product name -> Summary_Communication row (the output sheet, rows 26..)
        for r in range(26, 26 + tc.MAX_GOODS):
            name = sc.getCellRangeByName("H%d" % r).getString()
            if name:
                comm.setdefault((name, sc.getCellRangeByName("F%d" % r).getString()), r)
        products = {p["product_id"]: p for p in ent["products"]}
        rows = {}  # (product name, CN) -> Summary_Products row
        for r in range(10, 10 + tc.MAX_GOODS):
            name = sp.getCellRangeByName("H%d" % r).getString()
            if name:
                rows.setdefault((name, sp.getCellRangeByName("F%d" % r).getString()), r)
        goods = 0
        for p, proc in enumerate(tpl["processes"], start=1):
            b = tc.block(p)
            mwh = number(dp.getCellRangeByName("L%d" % (b + 54)))
            c.close(mwh, proc.get("electricity_mwh"), "%s D_Processes!L%d (MWh of %s)" % (label, b + 54, proc.get("name")),
                    rel=1e-9)
            want_mwh = sum(products[pid]["electricity_kwh"] for pid in proc["products"] if pid in products) / 1000
            c.close(mwh, want_mwh, "%s D_Processes!L%d = kWh of %s / 1000" % (label, b + 54, proc["products"]),
                    rel=1e-9)
            # The template's SEE of every good of a process: its indirect emissions over its production.
            qty = sum(products[pid]["quantity_in_see_t"] for pid in proc["products"] if pid in products)
            em = sum(products[pid]["emissions_t_co2"]["cbam"] for pid in proc["products"] if pid in products)
            for pid in proc["products"]:
                prod = products.get(pid)
                c.ok(prod is not None, "%s: process product %s is in the JSON products" % (label, pid))
                if prod is None:
                    continue
                r = rows.get((prod.get("product_name") or pid, prod["cn_code"]))
                c.ok(r is not None, "%s: Summary_Products has a row for %s (%s, %s)" %
                     (label, pid, prod.get("product_name"), prod["cn_code"]))
                if r is None:
                    continue
                goods += 1
                got = number(sp.getCellRangeByName("J%d" % r))
                if len(proc["products"]) == 1:
                    c.close(got, prod["see_indirect_t_co2_per_t"]["cbam"],
                            "%s Summary_Products!J%d (SEE indirect of %s) vs JSON see_indirect_t_co2_per_t.cbam"
                            % (label, r, pid), rel=1e-9)
                c.close(got, em / qty if qty else None,
                        "%s Summary_Products!J%d (SEE indirect of %s) vs the process's CBAM t / t in SEE" %
                        (label, r, pid), rel=1e-9)
                c.close(got, proc["electricity_mwh"] * proc["ef_t_co2_per_mwh"] / proc["production_t"],
                        "%s Summary_Products!J%d vs JSON process MWh x EF / t" % (label, r), rel=1e-9)
                # Summary_Communication, what goes to the customer: SEE indirect (J), MWh/t (O), EF (P).
                rc = comm.get((prod.get("product_name") or pid, prod["cn_code"]))
                c.ok(rc is not None, "%s: Summary_Communication has a row for %s" % (label, pid))
                if rc is None:
                    continue
                c.close(number(sc.getCellRangeByName("J%d" % rc)), got,
                        "%s Summary_Communication!J%d (SEE indirect of %s)" % (label, rc, pid), rel=1e-12)
                c.close(number(sc.getCellRangeByName("O%d" % rc)), proc["electricity_mwh"] / proc["production_t"],
                        "%s Summary_Communication!O%d (MWh/t of %s) vs the process's MWh / t" % (label, rc, pid),
                        rel=1e-9)
                if len(proc["products"]) == 1:
                    c.close(number(sc.getCellRangeByName("O%d" % rc)), prod["electricity_mwh_per_t"],
                            "%s Summary_Communication!O%d vs JSON electricity_mwh_per_t of %s" % (label, rc, pid),
                            rel=1e-9)
                c.close(number(sc.getCellRangeByName("P%d" % rc)), proc["ef_t_co2_per_mwh"],
                        "%s Summary_Communication!P%d (EF of %s)" % (label, rc, pid), rel=1e-9)
        c.ok(goods > 0, "%s: %d goods compared" % (label, goods))
    finally:
        doc.close(True)


def fill(tmp, ent_id, example=tc.EXAMPLE):
    out, js = os.path.join(tmp, ent_id + ".xlsx"), os.path.join(tmp, ent_id + ".json")
    p = run(tc.fill_args(tc.TEMPLATE, out, js, ent_id, example), tmp)
    c.ok(p.returncode == 0, "template --enterprise %s: exit %d %s" % (ent_id, p.returncode, p.stderr))
    if p.returncode != 0:
        return None, None
    with open(js, encoding="utf-8") as f:
        return out, tc.json_enterprise(json.load(f), ent_id)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        books = []
        for ent_id in tc.enterprise_ids():
            books.append((ent_id,) + fill(tmp, ent_id))
        books.append(("TW1",) + fill(tmp, "TW1", tc.two_goods_example(tmp)))
        office = Office(tmp)
        try:
            office.connect()
            # make check may end this test with SIGTERM: leave through finally, which ends soffice
            # (set after connecting: the UNO runtime installs its own handlers as it starts).
            signal.signal(signal.SIGTERM, lambda *_: sys.exit("SIGTERM"))
            for ent_id, book, ent in books:
                if book is not None and ent is not None:
                    check_book(office, book, ent, ent_id)
        except Exception as e:  # noqa: BLE001 -- uno's exceptions too: a failure, not a crash
            c.ok(False, "LibreOffice: %s: %s" % (type(e).__name__, e))
        finally:
            office.close()
    c.finish()


if __name__ == "__main__":
    main()
