"""report --split -j N: the workbooks, JSONs and diagnostics are the same
whatever N; a worker that fails leaves no file and the same message and exit
code as -j 1; bad -j values are usage errors; a low open-file limit and a
SIGTERM mid-write keep the all-or-nothing contract."""
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CBAMCALC, Checks, command, run  # noqa: E402

c = Checks()
VALGRIND = os.environ.get("CBAM_VALGRIND")
# Files are compared byte for byte across runs: the creation time is fixed
# (without SOURCE_DATE_EPOCH a workbook records when it was made).
os.environ["SOURCE_DATE_EPOCH"] = "1767225600"


def write_inputs(d, n, big=None, meters=2):
    """n enterprises x 12 months; enterprise `big` has 400 meters. Two ids
    that make the same safe file name get a numbered one (and a note)."""
    with open(os.path.join(d, "el.csv"), "w") as f:
        f.write("enterprise_id,period,meter_id,source,kwh,product_id\n")
        for e in range(n):
            eid = "X/1" if e == 1 else "X_1" if e == 2 else "E%03d" % e
            for m in range(1, 13):
                for k in range(400 if e == big else meters):
                    src = ("grid", "green_trade", "onsite")[k % 3]
                    f.write("%s,2025-%02d,M%03d,%s,%d.%d,\n" % (eid, m, k, src, 1000 + e * 7 + m * 3 + k, k % 10))
    with open(os.path.join(d, "pr.csv"), "w") as f:
        f.write("enterprise_id,period,product_id,quantity,unit\n")
        for e in range(0, n, 2):
            eid = "X/1" if e == 1 else "X_1" if e == 2 else "E%03d" % e
            for m in range(1, 13):
                for p in range(2):
                    f.write("%s,2025-%02d,P%d,%d,t\n" % (eid, m, p, 50 + e + m * p))


def files(d):
    out = {}
    for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, name), "rb") as f:
            out[name] = f.read()
    return out


def hidden(d):
    return sorted(n for n in os.listdir(d) if n.startswith(".")) if os.path.isdir(d) else []


def split(cwd, jobs, env=None, preexec=None, inputs=("-e", "el.csv", "-p", "pr.csv")):
    """Runs report --split into cwd/out (the same relative name every time,
    so messages can be compared byte for byte)."""
    args = ["report"] + list(inputs) + ["--split", "--out-dir", "out"] + (["-j", str(jobs)] if jobs is not None else [])
    if preexec is None:
        return run(args, cwd, env)
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run(command(args), cwd=cwd, capture_output=True, text=True, env=full, preexec_fn=preexec)


with tempfile.TemporaryDirectory() as tmp:
    n = 8 if VALGRIND else 40

    # 1. The same files and the same messages with 1, 2, 3 and the default
    #    number of processes (and more processes than enterprises).
    runs = {}
    for jobs in (1, 2, 3, None, 64):
        d = os.path.join(tmp, "same-%s" % jobs)
        os.makedirs(d)
        write_inputs(d, n)
        p = split(d, jobs)
        runs[jobs] = (p.returncode, p.stderr, files(os.path.join(d, "out")), hidden(os.path.join(d, "out")))
    base = runs[1]
    c.ok(base[0] == 0 and len(base[2]) == 2 * n, "-j 1: exit %d, %d files %s" % (base[0], len(base[2]), base[1][-300:]))
    c.ok("X_1~2.json" in base[2], "-j 1: a numbered name for the id whose safe name is taken: %s" % sorted(base[2])[:4])
    for jobs in (2, 3, None, 64):
        r = runs[jobs]
        c.ok(r[0] == base[0], "-j %s: exit %d, as -j 1" % (jobs, r[0]))
        c.ok(r[1] == base[1], "-j %s: stderr as -j 1:\n%s\n---\n%s" % (jobs, r[1][-500:], base[1][-500:]))
        c.ok(sorted(r[2]) == sorted(base[2]), "-j %s: the same file names" % jobs)
        c.ok(all(r[2].get(k) == v for k, v in base[2].items()), "-j %s: byte-identical files" % jobs)
        c.ok(not r[3], "-j %s: no temporaries left: %s" % (jobs, r[3]))

    # 1b. Each enterprise's JSON lists the diagnostics about no enterprise and
    #     its own, in the run's order (each report reads an index of them):
    #     those of the whole report (--json) that concern it.
    d = os.path.join(tmp, "same-1")
    p = run(["report", "-e", "el.csv", "-p", "pr.csv", "--json", "all.json", "-q"], d)
    with open(os.path.join(d, "all.json")) as f:
        whole = json.load(f)
    key = lambda x: (x["severity"], x["file"], x["line"], x["column"], x["enterprise_id"], x["message"])  # noqa: E731
    checked = 0
    for name, body in sorted(base[2].items()):
        if not name.endswith(".json"):
            continue
        one = json.loads(body)
        eid = one["enterprises"][0]["enterprise_id"]
        own = [key(x) for x in one["diagnostics"] if "is written as" not in x["message"]]
        want = [key(x) for x in whole["diagnostics"] if x["enterprise_id"] in (None, eid)]
        c.ok(own == want, "%s: the diagnostics of its enterprise, in order (%d, expected %d)" % (name, len(own), len(want)))
        checked += 1
    c.ok(checked == n and len(whole["diagnostics"]) > n, "diagnostics compared for %d enterprises" % checked)

    # 1c. With --template the filled templates are written by the workers
    #     too: the same bytes with -j 1 and -j 3.
    template = os.path.join(os.environ.get("CBAM_SHARED_REFERENCE", ""), "cbam-communication-template-v2.1.1.xlsx")
    if not os.path.isfile(template):
        print("SKIP template: the CBAM communication template is not at %s" % template)
    else:
        got = {}
        for jobs in (1, 3):
            d = os.path.join(tmp, "tpl-%d" % jobs)
            os.makedirs(d)
            write_inputs(d, 6)
            with open(os.path.join(d, "prcn.csv"), "w") as f:  # every enterprise makes a CBAM good
                f.write("enterprise_id,period,product_id,cn_code,quantity,unit\n")
                for e in range(6):
                    eid = "X/1" if e == 1 else "X_1" if e == 2 else "E%03d" % e
                    for m in range(1, 13):
                        f.write("%s,2025-%02d,P1,72081000,%d,t\n" % (eid, m, 40 + e + m))
            p = split(d, jobs, inputs=("-e", "el.csv", "-p", "prcn.csv", "--template", template))
            got[jobs] = (p.returncode, p.stderr, files(os.path.join(d, "out")))
        c.ok(got[1][0] == 0 and sum(k.endswith(".template.xlsx") for k in got[1][2]) == 6,
             "--template -j 1: exit %d, %s %s" % (got[1][0], sorted(got[1][2])[:3], got[1][1][-300:]))
        c.ok(got[3] == got[1], "--template: -j 3 gives the files and messages of -j 1")

    # 2. A worker fails in the middle (enterprise 17's workbook is larger than
    #    the file size limit): exit 73, the same message as -j 1, no file;
    #    an earlier report in the directory stays as it was.
    if VALGRIND:
        print("SKIP fsize: valgrind writes files of its own")
    else:
        def fsize():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (200000, 200000))
        got = {}
        for jobs in (1, 2, 3):
            d = os.path.join(tmp, "fail-%d" % jobs)
            os.makedirs(os.path.join(d, "out"))
            write_inputs(d, 30, big=17)
            with open(os.path.join(d, "out", "E005.json"), "w") as f:
                f.write("old\n")
            p = split(d, jobs, preexec=fsize)
            # the staging directory's free space is told, and changes from run to run
            got[jobs] = (p.returncode, re.sub(r"had [0-9.]+ MB free", "had N MB free", p.stderr),
                         sorted(os.listdir(os.path.join(d, "out"))))
            with open(os.path.join(d, "out", "E005.json")) as f:
                c.ok(f.read() == "old\n", "-j %d: the earlier report is untouched" % jobs)
        c.ok(got[1][0] == 73 and "out/E017.xlsx: error:" in got[1][1],
             "-j 1: the failing workbook is named, exit 73: %d %s" % (got[1][0], got[1][1][-400:]))
        for jobs in (1, 2, 3):
            c.ok(got[jobs][2] == ["E005.json"], "-j %d: no file written, no temporary: %s" % (jobs, got[jobs][2][:5]))
            c.ok(got[jobs][:2] == got[1][:2], "-j %d: exit and stderr as -j 1:\n%s" % (jobs, got[jobs][1][-400:]))

    # 3. Every worker fails (no staging directory): only the first failure is
    #    told, as with -j 1.
    got = {}
    for jobs in (1, 3):
        d = os.path.join(tmp, "nostage-%d" % jobs)
        os.makedirs(d)
        write_inputs(d, 6)
        p = split(d, jobs, env={"CBAMCALC_TMPDIR": os.path.join(d, "missing")})
        got[jobs] = (p.returncode, p.stderr.replace(d, "D"), files(os.path.join(d, "out")), hidden(os.path.join(d, "out")))
    c.ok(got[1][0] == 73 and got[1][1].count("error:") == 1, "no staging: exit 73, one error: %s" % got[1][1][-300:])
    c.ok(got[3][:2] == got[1][:2], "no staging, -j 3: as -j 1:\n%s" % got[3][1][-300:])
    c.ok(not got[1][2] and not got[3][2] and not got[1][3] and not got[3][3], "no staging: nothing written")

    # 4. -j takes a whole number from 1 to 256.
    d = os.path.join(tmp, "usage")
    os.makedirs(d)
    write_inputs(d, 2)
    for bad in ("0", "-1", "abc", "2x", "", "257", "99999999999999999999", "1.5"):
        p = split(d, bad)
        c.ok(p.returncode == 64 and "-j" in p.stderr, "-j %r: exit 64: %d %s" % (bad, p.returncode, p.stderr))
    c.ok(not os.path.exists(os.path.join(d, "out")), "a usage error writes nothing")
    p = run(["report", "--help"], d)
    c.ok("--jobs N" in p.stdout, "--help tells -j, --jobs")

    # 5. ulimit -n 64 and 1,100 enterprises: every file is closed once written.
    if VALGRIND:
        print("SKIP ulimit: valgrind needs file descriptors of its own")
    else:
        def low():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        for jobs in (1, 2):
            d = os.path.join(tmp, "ulimit-%d" % jobs)
            os.makedirs(d)
            with open(os.path.join(d, "el.csv"), "w") as f:
                f.write("enterprise_id,period,source,kwh\n")
                for e in range(1100):
                    f.write("E%04d,2025-01,grid,%d\n" % (e, 100 + e))
            p = split(d, jobs, preexec=low, inputs=("-e", "el.csv", "-q"))
            names = os.listdir(os.path.join(d, "out")) if os.path.isdir(os.path.join(d, "out")) else []
            c.ok(p.returncode == 0 and len(names) == 2200 and not hidden(os.path.join(d, "out")),
                 "ulimit -n 64, -j %d: exit %d, %d files %s" % (jobs, p.returncode, len(names), p.stderr[-300:]))

    # 6. SIGTERM to the parent while its workers write: exit 143, the workers
    #    stop first, no temporary is left or made again afterwards. Then
    #    SIGINT to the whole process group (Ctrl-C): exit 130, the same.
    if VALGRIND:
        print("SKIP sigterm: too slow under valgrind to catch mid-write")
    else:
        d = os.path.join(tmp, "sig")
        os.makedirs(d)
        write_inputs(d, 300)
        out = os.path.join(d, "out")
        for attempt in range(4):
            ctrl_c = attempt == 3
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.Popen([CBAMCALC, "report", "-e", "el.csv", "--split", "--out-dir", "out", "-q", "-j", "2"],
                                    cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=ctrl_c)
            deadline = time.monotonic() + 60
            seen = False
            while time.monotonic() < deadline and proc.poll() is None:
                hs = hidden(out)
                # planned temporaries are empty; a non-empty one is being written
                if any(os.path.exists(os.path.join(out, h)) and os.path.getsize(os.path.join(out, h)) > 0
                       for h in hs[:50] + hs[-50:]):
                    seen = True
                    break
                time.sleep(0.002 * (attempt + 1))
            if ctrl_c:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                proc.send_signal(signal.SIGTERM)
            proc.communicate()
            left_now = hidden(out)
            time.sleep(0.3)
            names = os.listdir(out) if os.path.isdir(out) else []
            what = "SIGINT to the group" if ctrl_c else "SIGTERM"
            if seen:
                c.ok(proc.returncode == (130 if ctrl_c else 143), "%s: exit %d" % (what, proc.returncode))
            c.ok(not left_now and not hidden(out), "%s: no temporaries: %s %s" % (what, left_now[:3], hidden(out)[:3]))
            c.ok(len(names) in (0, 600), "%s: all outputs or none: %d" % (what, len(names)))

c.finish()
