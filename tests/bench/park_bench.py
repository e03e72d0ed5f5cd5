"""make bench, the park-sized run: 500 enterprises x 12 months x 20 meters,
one folder per client, turned into 500 workbooks by `cbamcalc batch --scan`
and by the pandas + XlsxWriter peer (pandas_peer.py) on the same machine.
Usage: park_bench.py CBAMCALC DATA_DIR"""
import os
import resource
import shutil
import subprocess
import sys
import time

cbamcalc, data = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))
clients = os.path.join(data, "park-clients")
if not os.path.isdir(clients):
    sources = ["grid"] * 14 + ["green_direct"] * 3 + ["onsite"] * 2 + ["green_trade"]
    for e in range(500):
        d = os.path.join(clients, "ent-%03d" % e)
        os.makedirs(d)
        with open(os.path.join(d, "electricity.csv"), "w") as f:
            f.write("enterprise_id,period,meter_id,source,kwh\n")
            for m in range(1, 13):
                for k in range(20):
                    f.write("ENT%03d,2025-%02d,%019d,%s,%d.%d\n" % (
                        e, m, 4230000100000000000 + e * 100 + k, sources[k], 20000 + (e * 37 + m * 11 + k * 7) % 9000,
                        (e + k) % 10))
        with open(os.path.join(d, "production.csv"), "w") as f:
            f.write("enterprise_id,period,product_id,quantity,unit\n")
            for m in range(1, 13):
                for p in range(3):
                    f.write("ENT%03d,2025-%02d,P%d,%d,t\n" % (e, m, p, 100 + (e + m * p) % 50))
        with open(os.path.join(d, "enterprises.csv"), "w") as f:
            f.write("enterprise_id,name,province\nENT%03d,Park enterprise %d,Shanxi\n" % (e, e))


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    spent = time.monotonic() - t
    if p.returncode != 0:
        sys.exit("bench: %s failed: %s" % (cmd[0], p.stderr[-2000:]))
    return spent, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024.0


for out in ("park-out-cbamcalc", "park-out-pandas"):
    shutil.rmtree(os.path.join(data, out), ignore_errors=True)
ours, ours_mem = timed([cbamcalc, "batch", "--scan", clients, "--out-dir", os.path.join(data, "park-out-cbamcalc"), "-q"])
peer, peer_mem = timed([sys.executable, os.path.join(here, "pandas_peer.py"), clients, os.path.join(data, "park-out-pandas")])
n = len([f for f in os.listdir(os.path.join(data, "park-out-cbamcalc")) if f.startswith("ent-") and f.endswith(".xlsx")])
print("park: 500 enterprises x 12 months x 20 meters (120,000 meter rows), %d workbooks" % n)
print("%-40s %8.2f s  peak %6.1f MB (largest process)" % ("cbamcalc batch --scan (all cores)", ours, ours_mem))
print("%-40s %8.2f s  peak %6.1f MB" % ("pandas + XlsxWriter peer (one process)", peer, peer_mem))
print("cbamcalc is %.1fx faster (target >= 5x)" % (peer / ours))
