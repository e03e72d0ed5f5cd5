"""Batch mode as a park platform or a consultant runs it from cron: isolation
of bad clients, skipping of unchanged ones, identical files whatever -j, the
lock, clean stops, kill -9, shards that add up to the whole, --scan, --split."""
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CBAMCALC, Checks, run  # noqa: E402

c = Checks()
VALGRIND = bool(os.environ.get("CBAM_VALGRIND"))
N = 15 if VALGRIND else 50          # clients (fewer under valgrind: each runs 50x slower)
BROKEN = {4, 17 % N, 33 % N}        # their electricity files are wrong


def make_clients(root):
    os.makedirs(os.path.join(root, "in"))
    rows = ["client,electricity,production,enterprises,output"]
    for i in range(N):
        e = os.path.join(root, "in", "e%02d.csv" % i)
        with open(e, "w") as f:
            f.write("enterprise_id,period,meter_id,source,kwh\n")
            for m in range(1, 13):
                kwh = "12,5x" if i in BROKEN and m == 7 else str(1000 * (i + 1) + m)
                f.write('C%02d,2025-%02d,M1,grid,"%s"\n' % (i, m, kwh))
        with open(os.path.join(root, "in", "p%02d.csv" % i), "w") as f:
            f.write("enterprise_id,period,product_id,quantity,unit\n")
            for m in range(1, 13):
                f.write("C%02d,2025-%02d,P,%d,t\n" % (i, m, 10 + i))
        rows.append("client-%02d,in/e%02d.csv,in/p%02d.csv,,%s" % (i, i, i, "" if i % 2 else "client-%02d.xlsx" % i))
    with open(os.path.join(root, "manifest.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


def digests(d):
    out = {}
    for name in sorted(os.listdir(d)):
        if name.endswith((".xlsx", ".json")) and not name.startswith("."):
            with open(os.path.join(d, name), "rb") as f:
                out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def summary(d):
    with open(os.path.join(d, "batch-summary.json")) as f:
        return json.load(f)


def complete_outputs(d):
    """Every workbook opens as a zip, every JSON parses; temporaries are hidden."""
    good = True
    for name in os.listdir(d):
        path = os.path.join(d, name)
        if name.startswith("."):
            continue
        if name.endswith(".xlsx"):
            try:
                with zipfile.ZipFile(path) as z:
                    good &= z.testzip() is None
            except zipfile.BadZipFile:
                good = False
        elif name.endswith(".json"):
            try:
                with open(path) as f:
                    json.load(f)
            except ValueError:
                good = False
    return good


with tempfile.TemporaryDirectory() as tmp:
    make_clients(tmp)
    env = {"SOURCE_DATE_EPOCH": "1767225600"}

    # 1. N clients, 3 broken: N-3 reports, the 3 named, exit 1.
    p = run(["batch", "manifest.csv", "--out-dir", "a", "-j", "4"], tmp, env)
    c.ok(p.returncode == 1, "some failed: exit %d\n%s" % (p.returncode, p.stderr))
    s = summary(os.path.join(tmp, "a"))
    failed = sorted(j["client"] for j in s["jobs"] if j["status"] == "failed")
    c.ok(failed == sorted("client-%02d" % i for i in BROKEN), "failed clients %s" % failed)
    c.ok(s["counts"]["ok"] == N - 3, "ok: %s" % s["counts"])
    c.ok(all(':8:5: error: kwh "12,5x" is not a number' in j["error"] for j in s["jobs"] if j["status"] == "failed"),
         "the error names file, line (month 7 is line 8) and column")
    xlsx = [f for f in os.listdir(os.path.join(tmp, "a")) if f.endswith(".xlsx") and f != "batch-summary.xlsx"]
    c.ok(len(xlsx) == N - 3, "%d workbooks" % len(xlsx))
    ok = [j for j in s["jobs"] if j["status"] == "ok"]
    # client-00: 1001..1012 kWh a month = 12,078 kWh; national average 2023, 0.5306.
    j0 = next(j for j in ok if j["client"] == "client-00")
    c.close(j0["electricity_kwh"], 12078.0, "client-00 kWh")
    c.close(j0["emissions_t_co2"]["location"], 0.5306 * 12078 / 1000, "client-00 location t", rel=1e-12)
    c.ok(len(p.stdout.strip().splitlines()) == N, "one log line per client when not on a terminal")
    c.ok(all(line[:4] == "2026" or line[:2] == "20" for line in p.stdout.splitlines()), "timestamped lines")

    # 2. A second run redoes nothing.
    before = digests(os.path.join(tmp, "a"))
    mtimes = {f: os.path.getmtime(os.path.join(tmp, "a", f)) for f in before if f.startswith("client")}
    p = run(["batch", "manifest.csv", "--out-dir", "a", "-j", "4"], tmp, env)
    s = summary(os.path.join(tmp, "a"))
    c.ok(s["counts"]["skipped"] == N - 3 and s["counts"]["ok"] == 0, "second run skips: %s" % s["counts"])
    c.ok(all(os.path.getmtime(os.path.join(tmp, "a", f)) == t for f, t in mtimes.items()), "no output rewritten")
    after = {k: v for k, v in digests(os.path.join(tmp, "a")).items() if not k.startswith("batch-summary")}
    c.ok(after == {k: v for k, v in before.items() if not k.startswith("batch-summary")}, "second run: same files")
    c.ok(next(j for j in s["jobs"] if j["client"] == "client-00")["emissions_t_co2"] == j0["emissions_t_co2"],
         "skipped clients keep their totals in the summary")
    # A changed input is redone; --force redoes all.
    with open(os.path.join(tmp, "in", "e01.csv"), "a") as f:
        f.write("C01,2025-12,M2,onsite,5\n")
    run(["batch", "manifest.csv", "--out-dir", "a", "-j", "4"], tmp, env)
    s = summary(os.path.join(tmp, "a"))
    c.ok([j["client"] for j in s["jobs"] if j["status"] == "ok"] == ["client-01"], "only the changed client redone")

    # 3. -j 1 and -j 4 give identical files.
    run(["batch", "manifest.csv", "--out-dir", "j1", "-j", "1"], tmp, env)
    run(["batch", "manifest.csv", "--out-dir", "j4", "-j", "4"], tmp, env)
    c.ok(digests(os.path.join(tmp, "j1")) == digests(os.path.join(tmp, "j4")), "-j 1 and -j 4 identical")

    # 4. A second run on a directory in use exits 75 and changes nothing.
    lock = os.open(os.path.join(tmp, "j1", ".cbamcalc-batch.lock"), os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)
    before = digests(os.path.join(tmp, "j1"))
    p = run(["batch", "manifest.csv", "--out-dir", "j1", "--force"], tmp, env)
    c.ok(p.returncode == 75 and "in use by another batch run" in p.stderr, "locked: exit %d %s" % (p.returncode, p.stderr))
    c.ok(digests(os.path.join(tmp, "j1")) == before, "nothing changed while locked")
    os.close(lock)

    # 5. SIGTERM stops cleanly; kill -9 leaves only complete outputs.
    if not VALGRIND:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            out = os.path.join(tmp, "sig%d" % sig)
            proc = subprocess.Popen([CBAMCALC, "batch", "manifest.csv", "--out-dir", out, "-j", "2", "--force"],
                                    cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            time.sleep(0.15)
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
            proc.communicate()
            c.ok(complete_outputs(out), "after signal %d only complete outputs" % sig)
            if sig == signal.SIGTERM:
                c.ok(proc.returncode in (143, 0, 1), "SIGTERM exit %d" % proc.returncode)
                c.ok(not [f for f in os.listdir(out) if f.startswith(".") and f.endswith(tuple("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")) and ".xlsx." in f],
                     "no temporaries after SIGTERM")
                c.ok(os.path.exists(os.path.join(out, "batch-summary.json")), "summary after SIGTERM")
            # The next run completes the job (and clears what a kill left).
            p = run(["batch", "manifest.csv", "--out-dir", out, "-j", "2"], tmp, env)
            c.ok(summary(out)["counts"]["failed"] == 3 and complete_outputs(out), "the next run completes")
            c.ok(not [f for f in os.listdir(out) if ".xlsx." in f or ".json." in f], "stale temporaries removed")

    # 6. Shards 1/3, 2/3, 3/3 together are the unsharded run.
    whole = digests(os.path.join(tmp, "j1"))
    parts = {}
    for k in (1, 2, 3):
        run(["batch", "manifest.csv", "--out-dir", "s%d" % k, "--shard", "%d/3" % k], tmp, env)
        d = digests(os.path.join(tmp, "s%d" % k))
        d.pop("batch-summary.json")
        d.pop("batch-summary.xlsx")
        c.ok(not set(d) & set(parts), "shards do not overlap")
        parts.update(d)
    whole_outputs = {k: v for k, v in whole.items() if not k.startswith("batch-summary")}
    c.ok(parts == whole_outputs, "the shards' outputs are the whole run's")
    p = run(["batch", "--merge", "--out-dir", "merged", "s1", "s2", "s3"], tmp, env)
    c.ok(p.returncode == 1, "merge exit %d (some failed)" % p.returncode)
    m, w = summary(os.path.join(tmp, "merged")), summary(os.path.join(tmp, "j1"))
    c.ok(m["jobs"] == w["jobs"], "merged summary = unsharded summary")

    # 7. --scan: one folder per client with the standard names.
    for name in ("alpha", "beta"):
        os.makedirs(os.path.join(tmp, "clients", name))
        with open(os.path.join(tmp, "clients", name, "electricity.csv"), "w") as f:
            f.write("enterprise_id,period,source,kwh\n%s,2025-01,grid,100\n" % name.upper())
    os.makedirs(os.path.join(tmp, "clients", "not-a-client"))
    p = run(["batch", "--scan", "clients", "--out-dir", "sc"], tmp, env)
    c.ok(p.returncode == 0 and sorted(os.listdir(os.path.join(tmp, "sc"))) ==
         sorted([".cbamcalc-batch.lock", ".cbamcalc-state.json", "alpha.json", "alpha.xlsx", "batch-summary.json",
                 "batch-summary.xlsx", "beta.json", "beta.xlsx"]), "--scan: %s %s" % (p.stderr, os.listdir(os.path.join(tmp, "sc"))))

    # 8. report --split: one workbook and one JSON per enterprise; ids cannot leave the directory.
    with open(os.path.join(tmp, "two.csv"), "w") as f:
        f.write("enterprise_id,period,source,kwh\nE1,2025-01,grid,1\n../E2,2025-01,grid,2\n")
    p = run(["report", "-e", "two.csv", "--split", "--out-dir", "split", "-q"], tmp, env)
    c.ok(p.returncode == 0 and sorted(os.listdir(os.path.join(tmp, "split"))) ==
         ["E1.json", "E1.xlsx", "_._E2.json", "_._E2.xlsx"], "--split: %s" % os.listdir(os.path.join(tmp, "split")))
    with open(os.path.join(tmp, "split", "E1.json")) as f:
        c.ok([e["enterprise_id"] for e in json.load(f)["enterprises"]] == ["E1"], "split JSON holds its enterprise")

    # 9. Usage: a bad manifest runs nothing.
    with open(os.path.join(tmp, "bad.csv"), "w") as f:
        f.write("client,electricity\nx,in/e00.csv\n")
    p = run(["batch", "bad.csv", "--out-dir", "bad"], tmp, env)
    c.ok(p.returncode == 65 and "required column 'output'" in p.stderr, "bad manifest: %d %s" % (p.returncode, p.stderr))
    p = run(["batch", "manifest.csv", "--out-dir", "x", "--shard", "4/3"], tmp, env)
    c.ok(p.returncode == 64, "bad shard")
c.finish()
