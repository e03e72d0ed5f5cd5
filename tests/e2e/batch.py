"""Batch mode as a park platform or a consultant runs it from cron: isolation
of bad clients, skipping of unchanged ones, identical files whatever -j, the
lock, clean stops, kill -9, shards that add up to the whole, --scan, --split;
raw exports through the manifest's per-file columns, output names that must
not collide (Chinese ids, letter case), inputs that would hang the run (a
FIFO, a device, a huge file past --client-timeout), merging shards safely."""
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
    # One line per client, then the totals line (issue 13: cron's output ends with the totals).
    log = p.stdout.strip().splitlines()
    c.ok(len(log) == N + 1 and " totals: " in log[-1], "one log line per client, then the totals, when not on a terminal")
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
    # The summary's "run" (its id and times) is each run's own; all else is identical.
    d1, d4 = digests(os.path.join(tmp, "j1")), digests(os.path.join(tmp, "j4"))
    s1, s4 = summary(os.path.join(tmp, "j1")), summary(os.path.join(tmp, "j4"))
    c.ok(d1.pop("batch-summary.json") and d4.pop("batch-summary.json") and d1 == d4 and
         s1.pop("run")["id"] != s4.pop("run")["id"] and s1 == s4, "-j 1 and -j 4 identical")

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

    # 10. Raw exports: per-file source (a PV export has no source column), in step with electricity.
    os.makedirs(os.path.join(tmp, "raw"))
    with open(os.path.join(tmp, "raw", "bill.csv"), "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh\nR1,2025-01,M1,grid,1000\n")
    with open(os.path.join(tmp, "raw", "pv.csv"), "w") as f:
        f.write("enterprise_id,period,kwh\nR1,2025-01,250\n")
    with open(os.path.join(tmp, "raw", "m.csv"), "w") as f:
        f.write("client,electricity,production,enterprises,output,source,encoding\n"
                "r1,bill.csv;pv.csv,,,,;onsite,;utf-8\n")
    p = run(["batch", "raw/m.csv", "--out-dir", "rawout"], tmp, env)
    c.ok(p.returncode == 0, "raw export through the manifest's source column: %d %s" % (p.returncode, p.stderr))
    if p.returncode == 0:
        with open(os.path.join(tmp, "rawout", "r1.json")) as f:
            ent = json.load(f)["enterprises"][0]
        c.ok("onsite" in json.dumps(ent) and "250" in json.dumps(ent), "the PV file counted as onsite")
    # The per-file columns are part of the key: another source redoes the client.
    with open(os.path.join(tmp, "raw", "m.csv"), "w") as f:
        f.write("client,electricity,production,enterprises,output,source,encoding\n"
                "r1,bill.csv;pv.csv,,,,;green_direct,;utf-8\n")
    p = run(["batch", "raw/m.csv", "--out-dir", "rawout"], tmp, env)
    c.ok(summary(os.path.join(tmp, "rawout"))["counts"]["ok"] == 1, "a changed source column redoes the client")
    # Parts out of step, a bad source or encoding: 65, FILE:LINE:COL, nothing run.
    for row, col, text in (("r1,bill.csv;pv.csv,,,,onsite,", 6, "source has 1 part but electricity has 2"),
                           ("r1,bill.csv;pv.csv,,,,;sun,", 6, 'source "sun" for electricity file 2'),
                           ("r1,bill.csv;pv.csv,,,,,latin1;", 7, 'encoding "latin1" for electricity file 1')):
        with open(os.path.join(tmp, "raw", "bad.csv"), "w") as f:
            f.write("client,electricity,production,enterprises,output,source,encoding\n" + row + "\n")
        p = run(["batch", "raw/bad.csv", "--out-dir", "rawbad"], tmp, env)
        c.ok(p.returncode == 65 and ("raw/bad.csv:2:%d: error: " % col) in p.stderr and text in p.stderr
             and not os.path.exists(os.path.join(tmp, "rawbad", "batch-summary.json")),
             "per-file column refused: %d %s" % (p.returncode, p.stderr))
    # An unknown column is refused, not ignored.
    with open(os.path.join(tmp, "raw", "typo.csv"), "w") as f:
        f.write("client,electricity,production,enterprises,output,sources\nr1,pv.csv,,,,onsite\n")
    p = run(["batch", "raw/typo.csv", "--out-dir", "rawbad"], tmp, env)
    c.ok(p.returncode == 65 and "raw/typo.csv:1:6: error: unknown column 'sources'" in p.stderr
         and "client, electricity, production, enterprises, output" in p.stderr and "source, map, encoding, product"
         in p.stderr, "unknown column: %d %s" % (p.returncode, p.stderr))

    # 11. Chinese client ids: one file each, named as the client is.
    os.makedirs(os.path.join(tmp, "cn"))
    rows = ["client,electricity,production,enterprises,output"]
    for i, name in enumerate(("运城一厂", "运城二厂")):
        with open(os.path.join(tmp, "cn", "e%d.csv" % i), "w") as f:
            f.write("enterprise_id,period,source,kwh\nYC%d,2025-01,grid,%d\n" % (i, 1000 * (i + 1)))
        rows.append("%s,e%d.csv,,," % (name, i))
    with open(os.path.join(tmp, "cn", "m.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    p = run(["batch", "cn/m.csv", "--out-dir", "cnout"], tmp, env)
    files = sorted(f for f in os.listdir(os.path.join(tmp, "cnout")) if not f.startswith("."))
    c.ok(p.returncode == 0 and files == sorted(["batch-summary.json", "batch-summary.xlsx", "运城一厂.json",
                                                "运城一厂.xlsx", "运城二厂.json", "运城二厂.xlsx"]),
         "Chinese ids: %d %s %s" % (p.returncode, files, p.stderr))
    if p.returncode == 0 and "运城一厂.json" in files:
        for i, name in enumerate(("运城一厂", "运城二厂")):
            with open(os.path.join(tmp, "cnout", name + ".json")) as f:
                c.ok(json.load(f)["enterprises"][0]["enterprise_id"] == "YC%d" % i, "%s.json is its own" % name)

    # 12. Two clients, one file (letter case, x and x.xlsx, the summary's name): 65, both named, nothing run.
    for rows, text in ((["ACME,cn/e0.csv,,,", "acme,cn/e1.csv,,,"],
                        "m.csv:3:5: error: client acme writes acme.xlsx, but client ACME (line 2) writes ACME.xlsx"),
                       (["a,cn/e0.csv,,,x.xlsx", "b,cn/e1.csv,,,X.XLSX"],
                        "m.csv:3:5: error: client b writes X.XLSX, but client a (line 2) writes x.xlsx"),
                       # x would give x.json, as x.xlsx does: a workbook's name ends in .xlsx (as report -o).
                       (["a,cn/e0.csv,,,x", "b,cn/e1.csv,,,x.xlsx"],
                        "m.csv:2:5: error: output \"x\" is the workbook's name but does not end in .xlsx"),
                       (["a,cn/e0.csv,,,batch-summary.xlsx"], "but the batch run itself writes batch-summary.xlsx"),
                       (['a,cn/e0.csv,,,"two\nlines.xlsx"'], "m.csv:2:5: error: a line break (U+000A, LF) inside")):
        with open(os.path.join(tmp, "m.csv"), "w") as f:
            f.write("client,electricity,production,enterprises,output\n" + "\n".join(rows) + "\n")
        p = run(["batch", "m.csv", "--out-dir", "coll"], tmp, env)
        c.ok(p.returncode == 65 and text in p.stderr and not [
            f for f in os.listdir(os.path.join(tmp, "coll")) if not f.startswith(".")],
            "collision refused: %d %s" % (p.returncode, p.stderr))
    # --scan: two folders whose names give one file.
    for name in ("Beta Co", "beta_co"):
        os.makedirs(os.path.join(tmp, "clients2", name))
        with open(os.path.join(tmp, "clients2", name, "electricity.csv"), "w") as f:
            f.write("enterprise_id,period,source,kwh\nB,2025-01,grid,100\n")
    p = run(["batch", "--scan", "clients2", "--out-dir", "coll2"], tmp, env)
    c.ok(p.returncode == 65 and "client folder 'beta_co' writes beta_co.xlsx, but client folder 'Beta Co' writes "
         "Beta_Co.xlsx" in p.stderr, "--scan collision: %d %s" % (p.returncode, p.stderr))

    # 13. Inputs that would hang the run: a FIFO, a device, a directory fail their client only.
    def run_limited(args, timeout=180):
        """Runs cbamcalc with a limit: a hung run is a failure, not a hung test."""
        vg = os.environ.get("CBAM_VALGRIND")
        cmd = ([vg, "--quiet", "--error-exitcode=99"] if vg else []) + [CBAMCALC] + args
        proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, **env), start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            return proc.returncode, out, err
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return None, "", "hung"
    os.mkfifo(os.path.join(tmp, "in", "fifo.csv"))
    with open(os.path.join(tmp, "odd.csv"), "w") as f:
        f.write("client,electricity,production,enterprises,output\n"
                "good-1,in/e00.csv,,,\nfifo,in/fifo.csv,,,\nzero,/dev/zero,,,\ndir,in,,,\ngood-2,in/e01.csv,,,\n")
    rc, out, err = run_limited(["batch", "odd.csv", "--out-dir", "odd", "-j", "2"])
    c.ok(rc == 1, "odd inputs: the run ends, some failed: %s %s" % (rc, err))
    if rc == 1:
        jobs = {j["client"]: j for j in summary(os.path.join(tmp, "odd"))["jobs"]}
        c.ok(jobs["good-1"]["status"] == "ok" and jobs["good-2"]["status"] == "ok", "the others ran")
        for client, what in (("fifo", "is a named pipe (FIFO), not a file"),
                             ("zero", "is a character device; expected a CSV file"),
                             ("dir", "is a directory; expected a CSV file")):
            c.ok(jobs[client]["status"] == "failed" and what in jobs[client]["error"],
                 "%s: %s" % (client, jobs[client]))
    # A manifest that is a FIFO: refused at once.
    os.mkfifo(os.path.join(tmp, "fifo-manifest.csv"))
    rc, out, err = run_limited(["batch", "fifo-manifest.csv", "--out-dir", "odd2"], timeout=60)
    c.ok(rc == 66 and "not a regular file" in err, "FIFO manifest: %s %s" % (rc, err))

    # 14. --client-timeout: a huge input (a sparse file) fails its client alone, with the limit named.
    big = os.path.join(tmp, "in", "huge.csv")
    with open(big, "w") as f:
        f.truncate(64 << 30)
    if os.stat(big).st_blocks > 1024:
        print("SKIP: no sparse files here; --client-timeout not tested")
    else:
        with open(os.path.join(tmp, "slow.csv"), "w") as f:
            f.write("client,electricity,production,enterprises,output\n"
                    "huge,in/huge.csv,,,\ngood-1,in/e00.csv,,,\ngood-2,in/e01.csv,,,\n")
        # The limit leaves the small clients ample time (valgrind slows them 50x); hashing 64 GiB takes longer.
        limit = "60" if VALGRIND else "3"
        rc, out, err = run_limited(["batch", "slow.csv", "--out-dir", "slow", "-j", "2", "--client-timeout", limit])
        c.ok(rc == 1, "timeout: the run ends, one failed: %s %s" % (rc, err))
        if rc == 1:
            jobs = {j["client"]: j for j in summary(os.path.join(tmp, "slow"))["jobs"]}
            c.ok(jobs["huge"]["status"] == "failed" and ("--client-timeout %s" % limit) in jobs["huge"]["error"]
                 and "time limit" in jobs["huge"]["error"], "huge: %s" % jobs["huge"])
            c.ok(jobs["good-1"]["status"] == "ok" and jobs["good-2"]["status"] == "ok",
                 "the others ran: %s %s" % (jobs["good-1"], jobs["good-2"]))
        # The signals are handled from the start: SIGTERM (or SIGINT) while a client reads a huge
        # input stops the run cleanly (143 or 130, the exit codes the man page lists; a summary
        # naming who did not run).
        for sig, code, out in ((signal.SIGTERM, 143, "slow2"), (signal.SIGINT, 130, "slow3")):
            proc = subprocess.Popen([CBAMCALC, "batch", "slow.csv", "--out-dir", out, "-j", "1"], cwd=tmp,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            time.sleep(1.0)
            proc.send_signal(sig)
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
            c.ok(proc.returncode == code, "signal %d during a long input: exit %s" % (sig, proc.returncode))
            s2 = os.path.join(tmp, out, "batch-summary.json")
            c.ok(os.path.exists(s2) and summary(os.path.join(tmp, out))["counts"]["not_run"] == 3,
                 "summary after signal %d lists who did not run" % sig)
        os.unlink(big)
    p = run(["batch", "--help"], tmp, env)
    c.ok("--client-timeout SECONDS" in p.stdout, "--client-timeout in --help")
    p = run(["batch", "manifest.csv", "--out-dir", "x", "--client-timeout", "-1"], tmp, env)
    c.ok(p.returncode == 64, "bad --client-timeout: %d" % p.returncode)

    # 15. --merge: the same shard twice is refused (it would count its clients twice); the lock is taken.
    p = run(["batch", "--merge", "--out-dir", "merged2", "s1", "s2", "s1"], tmp, env)
    c.ok(p.returncode == 65 and "is in shard s1 and in shard s1" in p.stderr
         and not os.path.exists(os.path.join(tmp, "merged2", "batch-summary.json")),
         "shard twice: %d %s" % (p.returncode, p.stderr))
    lock = os.open(os.path.join(tmp, "merged", ".cbamcalc-batch.lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    before = digests(os.path.join(tmp, "merged"))
    p = run(["batch", "--merge", "--out-dir", "merged", "s1", "s2", "s3"], tmp, env)
    c.ok(p.returncode == 75 and digests(os.path.join(tmp, "merged")) == before,
         "merge into a directory in use: %d %s" % (p.returncode, p.stderr))
    os.close(lock)

    # Only this run's own temporaries are cleared: another program's hidden files stay.
    cl = os.path.join(tmp, "cl")
    os.makedirs(cl)
    with open(os.path.join(tmp, "m-cl.csv"), "w") as f:
        f.write("client,electricity,production,enterprises,output\nc1,cn/e0.csv,,,\n")
    for name in (".notes.xlsx.Abc123", ".c1.xlsx.Zzz999"):
        open(os.path.join(cl, name), "w").close()
    p = run(["batch", "m-cl.csv", "--out-dir", "cl"], tmp, env)
    left = sorted(f for f in os.listdir(cl) if f.startswith(".") and f.endswith(("123", "999")))
    c.ok(left == [".notes.xlsx.Abc123"], "stale temporaries of this run only: %s %s" % (left, p.stderr[-200:]))
c.finish()
