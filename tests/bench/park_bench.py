"""make bench, the park-sized runs: 500 enterprises x 12 months x 20 meters.

1. One folder per client, turned into 500 workbooks by `cbamcalc batch
   --scan` and by the pandas + XlsxWriter peer (pandas_peer.py), once each.
2. One park export (the same data in one file, as park platforms export it)
   turned into 500 workbooks + 500 JSONs by `cbamcalc report --split -j
   CORES`, by the peer (pandas_peer.py --one-file) and by bare_xlsx, the
   libxlsxwriter floor: workbooks of the same shape from constant data, with
   and without a constant JSON of our JSON's size beside each, in as many
   processes. Best of PARK_RUNS (default 3) runs, alternated, each into a
   fresh directory; the ranges show how noisy the machine is. Also what
   making 1,000 empty files costs on this file system (a floor no writer of
   1,000 files avoids).
Usage: park_bench.py CBAMCALC DATA_DIR [BARE_XLSX]"""
import os
import shutil
import subprocess
import sys
import time

cbamcalc, data = sys.argv[1], sys.argv[2]
bare = sys.argv[3] if len(sys.argv) > 3 else None
runs = max(1, int(os.environ.get("PARK_RUNS", "3")))
cores = len(os.sched_getaffinity(0))
here = os.path.dirname(os.path.abspath(__file__))
SOURCES = ["grid"] * 14 + ["green_direct"] * 3 + ["onsite"] * 2 + ["green_trade"]


def electricity_rows(f, e):
    for m in range(1, 13):
        for k in range(20):
            f.write("ENT%03d,2025-%02d,%019d,%s,%d.%d\n" % (
                e, m, 4230000100000000000 + e * 100 + k, SOURCES[k], 20000 + (e * 37 + m * 11 + k * 7) % 9000,
                (e + k) % 10))


def production_rows(f, e):
    for m in range(1, 13):
        for p in range(3):
            f.write("ENT%03d,2025-%02d,P%d,%d,t\n" % (e, m, p, 100 + (e + m * p) % 50))


EL_HEAD = "enterprise_id,period,meter_id,source,kwh\n"
PR_HEAD = "enterprise_id,period,product_id,quantity,unit\n"
clients = os.path.join(data, "park-clients")
if not os.path.isdir(clients):
    for e in range(500):
        d = os.path.join(clients, "ent-%03d" % e)
        os.makedirs(d)
        with open(os.path.join(d, "electricity.csv"), "w") as f:
            f.write(EL_HEAD)
            electricity_rows(f, e)
        with open(os.path.join(d, "production.csv"), "w") as f:
            f.write(PR_HEAD)
            production_rows(f, e)
        with open(os.path.join(d, "enterprises.csv"), "w") as f:
            f.write("enterprise_id,name,province\nENT%03d,Park enterprise %d,Shanxi\n" % (e, e))
export = os.path.join(data, "park-export")
if not os.path.isdir(export):
    os.makedirs(export)
    with open(os.path.join(export, "electricity.csv"), "w") as f:
        f.write(EL_HEAD)
        for e in range(500):
            electricity_rows(f, e)
    with open(os.path.join(export, "production.csv"), "w") as f:
        f.write(PR_HEAD)
        for e in range(500):
            production_rows(f, e)
    with open(os.path.join(export, "enterprises.csv"), "w") as f:
        f.write("enterprise_id,name,province\n")
        for e in range(500):
            f.write("ENT%03d,Park enterprise %d,Shanxi\n" % (e, e))


def timed(cmd):
    """Seconds, peak memory (MB, the largest process of the run's tree) and
    CPU seconds (user + system, the whole tree: steadier than the time on a
    shared machine)."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    spent = time.monotonic() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit("bench: %s failed: %s" % (" ".join(cmd[:3]), err[-2000:]))
    return spent, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime


def spread(xs):
    return "%.2f s (%.2f-%.2f)" % (min(xs), min(xs), max(xs)) if len(xs) > 1 else "%.2f s" % xs[0]


# ---- 1. one folder per client: batch --scan ----
for out in ("park-out-cbamcalc", "park-out-pandas"):
    shutil.rmtree(os.path.join(data, out), ignore_errors=True)
ours, ours_mem, _ = timed([cbamcalc, "batch", "--scan", clients, "--out-dir", os.path.join(data, "park-out-cbamcalc"), "-q"])
peer, peer_mem, _ = timed([sys.executable, os.path.join(here, "pandas_peer.py"), clients, os.path.join(data, "park-out-pandas")])
n = len([f for f in os.listdir(os.path.join(data, "park-out-cbamcalc")) if f.startswith("ent-") and f.endswith(".xlsx")])
print("park, one folder per client: 500 enterprises x 12 months x 20 meters (120,000 meter rows), %d workbooks" % n)
print("%-48s %8.2f s  peak %6.1f MB (largest process)" % ("cbamcalc batch --scan (all cores)", ours, ours_mem))
print("%-48s %8.2f s  peak %6.1f MB" % ("pandas + XlsxWriter peer (one process)", peer, peer_mem))
print("cbamcalc is %.1fx faster" % (peer / ours))

# ---- 2. one park export: report --split -j ----
work = os.path.join(data, "park-runs")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

# What the file system charges for making files: 1,000 empty files in a
# fresh directory, then 1,000 more right after deleting those (ext4 without
# a journal skips inodes deleted in the last seconds, one by one).
def make_files(d):
    os.makedirs(d)
    t = time.monotonic()
    for i in range(1000):
        os.close(os.open(os.path.join(d, "f%04d" % i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    return time.monotonic() - t


fresh = make_files(os.path.join(work, "files-1"))
shutil.rmtree(os.path.join(work, "files-1"))
after_delete = make_files(os.path.join(work, "files-2"))
shutil.rmtree(os.path.join(work, "files-2"))

inputs = ["-e", os.path.join(export, "electricity.csv"), "-p", os.path.join(export, "production.csv"),
          "-i", os.path.join(export, "enterprises.csv")]
results = {}
json_bytes = 0
for r in range(runs):
    out = os.path.join(work, "ours-%d" % r)
    results.setdefault("ours", []).append(
        timed([cbamcalc, "report"] + inputs + ["--split", "--out-dir", out, "-j", str(cores), "-q"]))
    if json_bytes == 0:
        sizes = [os.path.getsize(os.path.join(out, f)) for f in os.listdir(out) if f.endswith(".json")]
        json_bytes = sum(sizes) // max(1, len(sizes))
    if bare:
        results.setdefault("bare", []).append(timed([bare, os.path.join(work, "bare-%d" % r), "500", str(cores)]))
        results.setdefault("bare+json", []).append(
            timed([bare, os.path.join(work, "barej-%d" % r), "500", str(cores), str(json_bytes)]))
    results.setdefault("pandas", []).append(
        timed([sys.executable, os.path.join(here, "pandas_peer.py"), "--one-file", export,
               os.path.join(work, "pandas-%d" % r)]))
shutil.rmtree(work, ignore_errors=True)

label = {
    "ours": "cbamcalc report --split -j %d" % cores,
    "bare": "bare libxlsxwriter floor (%d processes)" % cores,
    "bare+json": "bare floor + a %d-byte JSON each" % json_bytes,
    "pandas": "pandas + XlsxWriter peer, --one-file",
}
print()
print("park, one export file: 500 enterprises to 500 workbooks + 500 JSONs, %d core%s, best of %d (range)" %
      (cores, "" if cores == 1 else "s", runs))
for k in ("ours", "bare", "bare+json", "pandas"):
    if k in results:
        t = [x[0] for x in results[k]]
        cpu = [x[2] for x in results[k]]
        print("%-44s %-22s cpu %5.2f-%5.2f s  peak %6.1f MB" % (label[k], spread(t), min(cpu), max(cpu),
                                                           max(x[1] for x in results[k])))
print("%-48s %.2f s fresh, %.2f s right after deleting 1,000" % ("making 1,000 empty files here", fresh, after_delete))
best = {k: min(x[0] for x in v) for k, v in results.items()}
pairs = lambda a, b: [x[0] / y[0] for x, y in zip(results[a], results[b])]  # noqa: E731
pr = pairs("pandas", "ours")
print("pandas / cbamcalc: %.1fx (runs %.1f-%.1fx; goal >= 10x)" % (best["pandas"] / best["ours"], min(pr), max(pr)))
if bare:
    cpu = {k: min(x[2] for x in v) for k, v in results.items()}
    for k in ("bare", "bare+json"):
        q = pairs("ours", k)
        print("cbamcalc / %s: %.2fx (runs %.2f-%.2fx; CPU %.2fx; goal <= 1.1x)" %
              (k, best["ours"] / best[k], min(q), max(q), cpu["ours"] / cpu[k]))
