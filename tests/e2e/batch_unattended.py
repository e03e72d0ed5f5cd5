"""Batch mode left alone (cron, systemd, Slurm, Kubernetes): the shipped
examples are checked and run; a failed client's kept workbook is named as an
earlier run's in every form of the summary; --merge lists only files that are
in the merged directory; a closed log pipe does not end the run; the last
lines name who failed; the command list and the exit codes are documented."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CBAMCALC, Checks, run  # noqa: E402

c = Checks()
SRC = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(SRC, "examples", "batch")
ENV = {"SOURCE_DATE_EPOCH": "1767225600"}
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


class J(dict):
    """A JSON object whose missing keys read as None (a summary of an older version)."""
    def __missing__(self, key):
        return None


def summary(d):
    import json
    return json.loads(read(os.path.join(d, "batch-summary.json")), object_hook=J)


def jobs_of(d):
    return {j["client"]: j for j in summary(d)["jobs"]}


def client_file(root, name, kwh):
    """One client's meter file: three months, or a bad number when kwh is None."""
    rows = ["enterprise_id,period,source,kwh"]
    for m in (1, 2, 3):
        rows.append("%s,2025-%02d,grid,%s" % (name.upper(), m, "12x" if kwh is None else kwh + m))
    write(os.path.join(root, "in", name + ".csv"), "\n".join(rows) + "\n")


def manifest(root, names, name="clients.csv"):
    write(os.path.join(root, name), "client,electricity,production,enterprises,output\n" +
          "".join("%s,in/%s.csv,,,\n" % (n, n) for n in names))


def xlsx_strings(path):
    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""


def sh(cmd, cwd, env=None, timeout=300):
    return subprocess.run(["/bin/sh", "-c", cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))


with tempfile.TemporaryDirectory() as tmp:
    # ---- 1. A failed client keeps its workbook; the summary says it is an earlier run's ----
    w = os.path.join(tmp, "w")
    for n in ("alpha", "beta"):
        client_file(w, n, 100)
    client_file(w, "gamma", None)  # never good
    manifest(w, ["alpha", "beta", "gamma"])
    p = run(["batch", "clients.csv", "--out-dir", "out", "-j", "2"], w, ENV)
    c.ok(p.returncode == 1, "first run: gamma fails: %d %s" % (p.returncode, p.stderr))
    first = jobs_of(os.path.join(w, "out"))
    beta_json = read(os.path.join(w, "out", "beta.json"))
    beta_xlsx = read(os.path.join(w, "out", "beta.xlsx"), "rb")
    import json
    beta_hash = json.loads(beta_json)["inputs_sha256"]
    a = first["alpha"]
    c.ok(a["output_from"] == "this_run" and a["period_from"] == "2025-01" and a["period_to"] == "2025-03"
         and isinstance(a["warnings"], int) and a["inputs_sha256"] == json.loads(
             read(os.path.join(w, "out", "alpha.json")))["inputs_sha256"],
         "an ok client: this run's output, its period, warnings and inputs hash: %s" % a)
    g = first["gamma"]
    c.ok(g["output_from"] == "none" and g["earlier_output"] is None and g["warnings"] is None
         and not os.path.exists(os.path.join(w, "out", "gamma.xlsx")),
         "a client failed from the start says it has no output: %s" % g)
    c.ok("gamma failed" in p.stdout and "none (no earlier output)" in p.stdout, "its log line says so: " + p.stdout)

    client_file(w, "beta", None)  # beta breaks
    p = run(["batch", "clients.csv", "--out-dir", "out", "-j", "2"], w, ENV)
    c.ok(p.returncode == 1, "second run: exit %d" % p.returncode)
    s = summary(os.path.join(w, "out"))
    b = {j["client"]: j for j in s["jobs"]}["beta"]
    e = b.get("earlier_output") or {}
    c.ok(b["status"] == "failed" and b["output_from"] == "earlier_run" and "electricity_kwh" not in b
         and b["inputs_sha256"] is None and b["period_from"] is None,
         "the failed client's figures are not shown as this run's: %s" % b)
    c.ok(e.get("inputs_sha256") == beta_hash and UTC.match(e.get("written_utc") or "")
         and e.get("period_from") == "2025-01" and e.get("period_to") == "2025-03",
         "its kept output's date, inputs hash and period: %s" % e)
    c.ok(read(os.path.join(w, "out", "beta.xlsx"), "rb") == beta_xlsx, "the earlier workbook is kept as it was")
    c.ok(s["counts"]["kept_earlier_output"] == 1 and isinstance(s["counts"].get("warnings"), int),
         "counts: %s" % s["counts"])
    strings = xlsx_strings(os.path.join(w, "out", "batch-summary.xlsx"))
    c.ok("Output from" in strings and "an earlier run, kept (written " in strings and beta_hash[:12] in strings
         and "none (no earlier output)" in strings and "2025-01..2025-03" in strings and "Warnings" in strings,
         "the summary workbook says whose output it is, the period and warnings")
    lines = p.stdout.strip().splitlines()
    c.ok(any("beta failed" in ln and "an earlier run, kept (written" in ln and beta_hash[:12] in ln for ln in lines),
         "the log line of the failed client names the kept output: %s" % p.stdout)
    # ---- 2. Not on a terminal (cron): the log ends with a totals line ----
    last = lines[-1] if lines else ""
    c.ok(UTC.match(last.split(" ")[0]) is not None and " totals: " in last and "2 failed, 0 not run (1 kept an earlier output)"
         in last and "failed: beta, gamma" in last and "warning" in last and "batch-summary.json" in last,
         "totals line: %r" % last)

    # ---- 3. On a terminal: the last line names the failed clients and why ----
    master, slave = pty.openpty()
    proc = subprocess.Popen([CBAMCALC, "batch", "clients.csv", "--out-dir", "out", "--force"], cwd=w,
                            stdout=subprocess.DEVNULL, stderr=slave, env=dict(os.environ, **ENV))
    os.close(slave)
    out = b""
    while True:
        try:
            r, _, _ = select.select([master], [], [], 120)
            chunk = os.read(master, 65536) if r else b""
        except OSError:  # EIO: the other side closed
            chunk = b""
        if not chunk:
            break
        out += chunk
    proc.wait()
    os.close(master)
    final = out.decode("utf-8", "replace").replace("\r", "\n").strip().splitlines()[-1:]
    final = final[0] if final else ""
    c.ok(proc.returncode == 1 and "failed: beta (kwh \"12x\" is not a number" in final
         and "its earlier output kept" in final and "gamma (kwh \"12x\"" in final and "no earlier output" in final
         and "batch-summary.xlsx" in final,
         "terminal's last line: %r" % final)

    # ---- 4. --merge lists only outputs that are in the merged directory ----
    m = os.path.join(tmp, "m")
    names = ["c%02d" % i for i in range(9)]
    for n in names:
        client_file(m, n, 10)
    client_file(m, "c03", None)
    manifest(m, names)
    for k in (1, 2, 3):
        run(["batch", "clients.csv", "--out-dir", "s%d" % k, "--shard", "%d/3" % k], m, ENV)
    p = run(["batch", "--merge", "--out-dir", "all", "s1", "s2", "s3"], m, ENV)
    c.ok(p.returncode == 1, "merge: exit %d %s" % (p.returncode, p.stderr))
    merged = jobs_of(os.path.join(m, "all"))
    listed = [j for j in merged.values() if j["output_from"] != "none"]
    c.ok(len(listed) == 8 and all(os.path.exists(os.path.join(m, "all", j["output"])) and
                                  os.path.exists(os.path.join(m, "all", j["json"])) for j in listed),
         "every output the merged summary lists is in the merged directory: %s" % sorted(os.listdir(os.path.join(m, "all"))))
    c.ok(merged["c03"]["output_from"] == "none" and not os.path.exists(os.path.join(m, "all", "c03.xlsx")),
         "the failed client without output: %s" % merged["c03"])
    shard_of_c00 = next(d for d in ("s1", "s2", "s3") if os.path.exists(os.path.join(m, d, "c00.xlsx")))
    c.ok(os.path.exists(os.path.join(m, "all", "c00.xlsx")) and read(os.path.join(m, "all", "c00.xlsx"), "rb") ==
         read(os.path.join(m, shard_of_c00, "c00.xlsx"), "rb"), "the copy is the shard's file")
    # c00 breaks and its shard runs again: the merge keeps (and names) the earlier copy.
    client_file(m, "c00", None)
    k = int(shard_of_c00[1])
    run(["batch", "clients.csv", "--out-dir", shard_of_c00, "--shard", "%d/3" % k], m, ENV)
    run(["batch", "--merge", "--out-dir", "all", "s1", "s2", "s3"], m, ENV)
    c00 = jobs_of(os.path.join(m, "all"))["c00"]
    c.ok(c00["status"] == "failed" and c00["output_from"] == "earlier_run" and
         (c00.get("earlier_output") or {}).get("inputs_sha256"), "merged: c00's earlier output: %s" % c00)

    # ---- 5. A closed log pipe does not end the run (batch ... | head -1) ----
    pp = os.path.join(tmp, "pipe")
    for n in names:
        client_file(pp, n, 10)
    manifest(pp, names)
    r_end, w_end = os.pipe()
    os.close(r_end)  # nobody reads: the first log line meets a closed pipe
    proc = subprocess.Popen([CBAMCALC, "batch", "clients.csv", "--out-dir", "out", "-j", "1"], cwd=pp,
                            stdout=w_end, stderr=subprocess.PIPE, env=dict(os.environ, **ENV))
    os.close(w_end)
    _, err = proc.communicate(timeout=300)
    c.ok(proc.returncode not in (-signal.SIGPIPE, 128 + signal.SIGPIPE), "not killed by SIGPIPE: %d" % proc.returncode)
    s_ok = os.path.exists(os.path.join(pp, "out", "batch-summary.json"))
    c.ok(s_ok and all(j["status"] == "ok" and os.path.exists(os.path.join(pp, "out", j["output"]))
                      for j in summary(os.path.join(pp, "out"))["jobs"]) and len(summary(os.path.join(pp, "out"))["jobs"]) == 9,
         "the run finished: every client in the summary, every workbook there")
    c.ok(proc.returncode == 73 and b"writing to standard output failed" in err,
         "the lost log is said, exit 73: %d %s" % (proc.returncode, err[-300:]))
    p = sh("'%s' batch clients.csv --out-dir out2 -j 1 | head -1" % CBAMCALC, pp, ENV)
    c.ok(len(p.stdout.splitlines()) == 1 and os.path.exists(os.path.join(pp, "out2", "batch-summary.json")) and
         len(summary(os.path.join(pp, "out2"))["jobs"]) == 9 and
         len([f for f in os.listdir(os.path.join(pp, "out2")) if f.endswith(".xlsx")]) == 10,
         "| head -1: one line shown, the run complete")

    # ---- 6. The command list and the exit codes ----
    p = run([], tmp)
    commands = ("report", "validate", "template", "factors", "scenario", "batch", "demo")
    c.ok(p.returncode == 64 and all(re.search(r"^  %s " % k, p.stderr, re.M) for k in commands),
         "no command: every command listed: %s" % p.stderr)
    p = run(["--help"], tmp)
    c.ok(p.returncode == 0 and all(re.search(r"^  %s " % k, p.stdout, re.M) for k in commands), "--help lists them")
    p = run(["nonsense"], tmp)
    c.ok(p.returncode == 64 and "template, factors, scenario, batch or demo" in p.stderr, "unknown command: " + p.stderr)
    man = read(os.path.join(SRC, "doc", "cbamcalc.1"))
    status = man[man.index(".SH EXIT STATUS"):man.index(".SH FILES")]
    c.ok(all(re.search(r"^\.B %s\b" % code, status, re.M) for code in ("1", "75", "130", "143")),
         "the man page's EXIT STATUS has batch's 1, 75, 130 and 143")
    readme = read(os.path.join(SRC, "README.md"))
    c.ok(all(s in readme for s in ("`1` (some clients failed", "`75`", "`130`", "`143`")), "README has them too")
    # The code returns them: 1 above, 75 with the lock held.
    import fcntl
    lock = os.open(os.path.join(w, "out", ".cbamcalc-batch.lock"), os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)
    p = run(["batch", "clients.csv", "--out-dir", "out"], w, ENV)
    c.ok(p.returncode == 75, "locked: %d" % p.returncode)
    os.close(lock)
    # 130 and 143 (SIGINT, SIGTERM): batch.py, while a client reads a huge input.

    # ---- 7. The examples: checked, and run where they can be ----
    ex = os.path.join(tmp, "ex")
    shutil.copytree(EXAMPLES, os.path.join(ex, "examples", "batch"))
    shutil.copytree(os.path.join(SRC, "examples", "yuncheng"), os.path.join(ex, "examples", "yuncheng"))
    # The shipped manifest, through batch.
    p = run(["batch", os.path.join(ex, "examples", "batch", "manifest.csv"), "--out-dir", "mf"], ex, ENV)
    c.ok(p.returncode == 0 and sorted(jobs_of(os.path.join(ex, "mf"))) == ["yuncheng-ap01", "yuncheng-fd02"]
         and all(j["status"] == "ok" for j in jobs_of(os.path.join(ex, "mf")).values()),
         "examples/batch/manifest.csv runs: %d %s" % (p.returncode, p.stderr))

    # A park as the examples expect it: /srv/park/clients.csv (a stand-in directory here), one client broken.
    park = os.path.join(tmp, "park")
    for n in ("north", "south"):
        client_file(park, n, 50)
    manifest(park, ["north", "south"])
    logdir = os.path.join(tmp, "log")
    os.makedirs(logdir)

    def localise(text):
        return (text.replace("/usr/local/bin/cbamcalc", CBAMCALC).replace("/srv/park", park)
                .replace("/var/log/cbamcalc", logdir))

    # crontab: environment lines or 5 time fields and a command; the binary by full path or PATH set.
    tab = read(os.path.join(EXAMPLES, "crontab"))
    env_lines, jobs = {}, []
    for ln in tab.splitlines():
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        mm = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$", ln)
        if mm:
            env_lines[mm.group(1)] = mm.group(2)
            continue
        fields = ln.split(None, 5)
        c.ok(len(fields) == 6 and all(re.match(r"^[0-9*,/\-]+$", f) for f in fields[:5]),
             "crontab line has 5 time fields and a command: %r" % ln)
        jobs.append(fields[5])
    c.ok(len(jobs) == 1 and "%" not in jobs[0], "one job, no '%' (cron would cut the line there)")
    calls = re.findall(r"(\S*cbamcalc) batch", jobs[0]) if jobs else []
    c.ok(calls and all(x.startswith("/") for x in calls) or "PATH" in env_lines,
         "cron finds the binary: %s %s" % (calls, env_lines))
    mentions_mail = "mail" in tab.lower()
    c.ok(not mentions_mail or "MAILTO" in env_lines, "it says it mails: MAILTO is set")
    if jobs:
        cmd = localise(jobs[0])
        cron_env = {k: v for k, v in env_lines.items() if k not in ("MAILTO", "SHELL")}
        cron_env["PATH"] = env_lines.get("PATH", "/usr/bin:/bin")
        p = sh(cmd, "/", cron_env)
        c.ok(p.returncode == 0 and p.stdout == "" and p.stderr == "",
             "all ok: cron has nothing to mail: %r %r" % (p.stdout, p.stderr))
        log = read(os.path.join(logdir, "batch.log"))
        c.ok(" totals: 2 ok" in log, "the log file ends with the totals: %r" % log[-300:])
        client_file(park, "south", None)
        p = sh(cmd, "/", cron_env)
        c.ok("totals: " in p.stdout and "failed: south" in p.stdout and "exit 1" in p.stdout,
             "a failed client: cron mails the end of the log: %r" % p.stdout)
        client_file(park, "south", 50)

    # systemd: exit 1 must fail the unit, the failure alerts, the units verify.
    svc = read(os.path.join(EXAMPLES, "cbamcalc-batch.service"))
    keys = [ln.split("=", 1) for ln in svc.splitlines() if "=" in ln and not ln.lstrip().startswith("#")]
    succ = " ".join(v for k, v in keys if k.strip() == "SuccessExitStatus").split()
    c.ok("1" not in succ, "exit 1 is not a success: SuccessExitStatus=%s" % succ)
    on_failure = [v.strip() for k, v in keys if k.strip() == "OnFailure"]
    c.ok(len(on_failure) == 1, "OnFailure= is set: %s" % on_failure)
    if on_failure:
        unit = re.sub(r"@[^.]*\.", "@.", on_failure[0])
        c.ok(os.path.exists(os.path.join(EXAMPLES, unit)), "the OnFailure unit %s is shipped" % unit)
        if os.path.exists(os.path.join(EXAMPLES, unit)):
            alert = read(os.path.join(EXAMPLES, unit))
            c.ok("mail" in alert or "logger" in alert, "the alert mails or logs")
    execs = [v for k, v in keys if k.strip() == "ExecStart"]
    c.ok(len(execs) == 1 and execs[0].startswith("/"), "ExecStart by full path: %s" % execs)
    wd = [v for k, v in keys if k.strip() == "WorkingDirectory"]
    if execs and wd:
        client_file(park, "south", None)
        p = sh(localise(execs[0]), localise(wd[0]))
        c.ok(p.returncode == 1 and str(p.returncode) not in succ, "the service's command with a broken client: "
             "exit %d, which fails the unit" % p.returncode)
        client_file(park, "south", 50)
    if shutil.which("systemd-analyze") is None:
        print("SKIP: systemd-analyze is not installed; the units are not verified")
    else:
        units = os.path.join(tmp, "units")
        os.makedirs(units)
        files = [f for f in os.listdir(EXAMPLES) if f.endswith((".service", ".timer"))]
        for f in files:
            write(os.path.join(units, f), localise(read(os.path.join(EXAMPLES, f))))
        p = subprocess.run(["systemd-analyze", "verify", "--man=no"] + ["./" + f for f in sorted(files)], cwd=units,
                           capture_output=True, text=True)
        if p.returncode != 0 and ("Failed to " in p.stderr and "verify" not in p.stderr.lower()
                                  and ".service" not in p.stderr and ".timer" not in p.stderr):
            print("SKIP: systemd-analyze verify cannot run here: " + p.stderr.strip()[:300])
        else:
            c.ok(p.returncode == 0 and p.stderr.strip() == "", "systemd-analyze verify: %s" % p.stderr)

    # Slurm: shellcheck, then each array task runs its shard, and the merge adds them up.
    slurm = os.path.join(EXAMPLES, "slurm-array.sh")
    if shutil.which("shellcheck") is None:
        print("SKIP: shellcheck is not installed")
    else:
        p = subprocess.run(["shellcheck", slurm], capture_output=True, text=True)
        c.ok(p.returncode == 0, "shellcheck slurm-array.sh: %s" % p.stdout)
    client_file(park, "south", None)
    codes = {}
    for k in range(1, 9):
        p = subprocess.run(["/bin/bash", slurm], cwd=park, capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, CBAMCALC=CBAMCALC, SLURM_ARRAY_TASK_ID=str(k),
                                    SLURM_CPUS_PER_TASK="2"))
        codes[k] = p.returncode
    c.ok(sorted(codes.values()).count(1) == 1 and set(codes.values()) <= {0, 1},
         "one array task (south's) fails with exit 1, so Slurm counts it FAILED: %s" % codes)
    shards = sorted(os.path.join("reports", d) for d in os.listdir(os.path.join(park, "reports"))
                    if d.startswith("shard-"))
    p = run(["batch", "--merge", "--out-dir", "reports-all"] + shards, park, ENV)
    c.ok(len(shards) == 8 and p.returncode == 1 and sorted(jobs_of(os.path.join(park, "reports-all"))) ==
         ["north", "south"] and os.path.exists(os.path.join(park, "reports-all", "north.xlsx")),
         "the Slurm merge: %d %s" % (p.returncode, p.stderr))
    client_file(park, "south", 50)

    # Kubernetes: a ReadWriteMany claim for the pods' one volume; exit 1 fails its index.
    k8s = os.path.join(EXAMPLES, "k8s-indexed-job.yaml")
    try:
        import yaml
    except ImportError:
        yaml = None
        print("SKIP: python3-yaml is not installed; the manifest is checked as text only")
        text = read(k8s)
        c.ok("kind: PersistentVolumeClaim" in text and "ReadWriteMany" in text, "a ReadWriteMany claim")
    if yaml is not None:
        docs = [d for d in yaml.safe_load_all(read(k8s)) if d]
        pvc = [d for d in docs if d.get("kind") == "PersistentVolumeClaim"]
        job = [d for d in docs if d.get("kind") == "Job"]
        c.ok(len(pvc) == 1 and "ReadWriteMany" in pvc[0]["spec"]["accessModes"], "a ReadWriteMany claim")
        c.ok(len(job) == 1, "one Job")
        if pvc and job:
            spec = job[0]["spec"]
            pod = spec["template"]["spec"]
            claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
            c.ok(claims == [pvc[0]["metadata"]["name"]], "the Job mounts that claim: %s" % claims)
            rules = spec.get("podFailurePolicy", {}).get("rules", [])
            c.ok(any(r.get("action") in ("FailIndex", "FailJob") and 1 in r.get("onExitCodes", {}).get("values", [])
                     for r in rules), "exit 1 fails (is not retried into a success): %s" % rules)
            ctr = pod["containers"][0]
            script = ctr["args"][0]
            data = os.path.join(tmp, "k8s-data")
            shutil.copytree(park, data, ignore=shutil.ignore_patterns("reports*"))
            client_file(data, "south", None)
            kcodes = []
            for idx in range(spec["completions"]):
                p = subprocess.run(ctr["command"] + [localise(script)], cwd=data, capture_output=True, text=True,
                                   timeout=300, env=dict(os.environ, JOB_COMPLETION_INDEX=str(idx)))
                kcodes.append(p.returncode)
            c.ok(kcodes.count(1) == 1 and set(kcodes) <= {0, 1}, "the pods' exit codes: %s" % kcodes)
    if shutil.which("kubectl") is None:
        print("SKIP: kubectl is not installed")
    else:
        kz = os.path.join(tmp, "kz")
        os.makedirs(kz)
        shutil.copy(k8s, kz)
        write(os.path.join(kz, "kustomization.yaml"), "resources:\n- k8s-indexed-job.yaml\n")
        p = subprocess.run(["kubectl", "kustomize", kz], capture_output=True, text=True, timeout=120)
        c.ok(p.returncode == 0 and "ReadWriteMany" in p.stdout, "kubectl reads the manifest: %s" % p.stderr[-300:])
c.finish()
