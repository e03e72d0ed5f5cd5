"""The demo's real-world exports (examples/exports) give the figures computed
here independently: the GBK bill's active totals (not the 合计 row, not the
reactive column), the park's 15-minute rows matched to its load meter hour by
hour, the trade in MWh, for
March 2025 (the month the park's 15-minute sample covers: the demo reports
that month only, so no meter is missing a month)."""
import csv
import io
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

c = Checks()
with tempfile.TemporaryDirectory() as tmp:
    p = run(["demo", "-o", "d", "-q"], tmp)
    c.ok(p.returncode == 0, "demo: %s" % p.stderr)
    x = os.path.join(tmp, "d", "exports")
    with open(os.path.join(x, "state-grid-bill-gbk.csv"), "rb") as f:
        bill = list(csv.reader(io.StringIO(f.read().decode("gbk"))))
    head = next(i for i, r in enumerate(bill) if r and r[0] == "户号")
    grid = sum(float(r[8]) for r in bill[head + 1:] if r and r[0] != "合计" and r[3] == "2025年3月")
    with open(os.path.join(x, "park-platform-15min.csv"), encoding="utf-8-sig") as f:
        park = list(csv.reader(f))[1:]
    # Hour by hour (README "Hourly matching"): the load meter (总表) is filled
    # by the PV first, then the direct line; what is left of an hour's supply
    # is exported and counts nowhere.
    hours = {}
    for r in park:
        h = hours.setdefault(r[1][:13], {"总表": 0.0, "屋顶光伏": 0.0, "绿电直连": 0.0})
        h[r[3]] += float(r[4])
    load = sum(h["总表"] for h in hours.values())
    onsite = sum(min(h["屋顶光伏"], h["总表"]) for h in hours.values())
    direct = sum(min(h["绿电直连"], h["总表"] - min(h["屋顶光伏"], h["总表"])) for h in hours.values())
    direct_supplied = sum(h["绿电直连"] for h in hours.values())
    c.ok(direct < direct_supplied, "the sample's noon break exports part of the direct line")
    with open(os.path.join(x, "green-trade-statement.csv"), encoding="utf-8") as f:
        trade = sum(float(r[2]) * 1000 for r in list(csv.reader(f))[2:] if r[1] == "2025-03")
    with open(os.path.join(x, "report.json")) as f:
        ent = json.load(f)["enterprises"][0]
    k = ent["electricity_kwh"]
    c.ok(ent["enterprise_id"] == "1410000100027673777", "enterprise id kept as text")
    c.ok(ent["province"] == "Shanxi", "山西省 is Shanxi")
    c.close(k["grid"], grid, "grid from the bill's 有功总", rel=1e-12)
    c.close(k["green_direct"], direct, "direct line from the 15-minute rows", rel=1e-12)
    c.close(k["onsite"], onsite, "rooftop PV from the 15-minute rows", rel=1e-12)
    c.close(k["green_trade"], trade, "green trade from MWh", rel=1e-12)
    c.close(k["consumption"], load, "consumption is the load meter", rel=1e-12)
    c.close(load - onsite - direct - trade, grid, "the load less the matched supply and the trade is the bill",
            rel=1e-12)
    hr = ent["hourly"]
    c.ok(hr is not None and hr["interval_minutes"] == 15, "hourly object with 15-minute data: %s" % hr)
    c.close(hr["load_kwh"], load, "hourly load", rel=1e-12)
    c.close(hr["surplus_kwh"]["green_direct"], direct_supplied - direct, "direct-line surplus", rel=1e-9)
    c.close(hr["matched_share"], (onsite + direct) / load, "matched share", rel=1e-12)
    c.ok(ent["months"][0]["hour_matched"], "March is hour-matched")
    c.ok(not [d for d in json.load(open(os.path.join(x, "report.json")))["diagnostics"]
              if "not demonstrated" in d["message"]], "no 'not demonstrated' warning for a matched month")
    em = ent["emissions_t_co2"]
    c.close(em["location"], 0.6634 * (grid + trade) / 1000, "location-based", rel=1e-12)
    c.close(em["market"], 0.6096 * grid / 1000, "market-based", rel=1e-12)
    c.close(em["cbam"], 0.605 * (grid + trade) / 1000, "CBAM indirect", rel=1e-12)
    c.ok(os.path.exists(os.path.join(x, "1410000100027673777.xlsx")), "workbook of the exports")
    c.ok(grid > 0 and direct > 0 and onsite > 0 and trade > 0, "March has every source")
    warned = [d["message"] for d in json.load(open(os.path.join(x, "report.json")))["diagnostics"]
              if d["severity"] == "warning" and "no rows for" in d["message"]]
    c.ok(not warned, "no meter misses a month of the demo's period: %s" % warned)
    p = run(["validate", "-e", "state-grid-bill-gbk.csv", "--source", "grid"], x)
    for note in ("read as GB18030", "title rows above it were skipped", "totals row", "reactive energy"):
        c.ok(note in p.stderr, "the bill's note '%s' is given:\n%s" % (note, p.stderr))
c.finish()
