"""Issue 8: the ordinary slips of real users are either right or refused,
never a wrong figure with exit 0. Each case writes the files a user would
have (a missing month, an id Excel mangled, a bill for part of the year ...)
and checks the exit code, the message and the figures."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checks, run  # noqa: E402

c = Checks()
MONTHS = ["2025-%02d" % m for m in range(1, 13)]
HEAD_Q = "enterprise_id,period,meter_id,source,kwh\n"


def write(d, name, text, encoding="utf-8"):
    with open(os.path.join(d, name), "w", encoding=encoding) as f:
        f.write(text)
    return name


def report(d, args):
    """report with --json; returns (process, json or None)."""
    p = run(["report"] + args + ["--json", "r.json"], d)
    out = None
    if p.returncode == 0:
        with open(os.path.join(d, "r.json")) as f:
            out = json.load(f)
        os.remove(os.path.join(d, "r.json"))
    return p, out


def product(ent, pid):
    return next(p for p in ent["products"] if p["product_id"] == pid)


def diag_messages(j, severity):
    return [d["message"] for d in j["diagnostics"] if d["severity"] == severity]


with tempfile.TemporaryDirectory() as d:
    # 1. A meter's month is missing: one of two grid feeders has no July row.
    rows = ["enterprise_id,period,meter_id,source,kwh"]
    for m in MONTHS:
        rows.append("E1,%s,F1,grid,1000" % m)
        if m != "2025-07":
            rows.append("E1,%s,F2,grid,500" % m)
        rows.append("E1,%s,,certificate,100" % m if m < "2025-06" else "")
    write(d, "feeders.csv", "\n".join(r for r in rows if r) + "\n")
    write(d, "prod.csv", "enterprise_id,period,product_id,quantity,unit\n" +
          "".join("E1,%s,P1,10,t\n" % m for m in MONTHS))
    p = run(["validate", "-e", "feeders.csv", "-p", "prod.csv"], d)
    c.ok(p.returncode == 0, "missing month: still valid (a warning): %s" % p.stderr)
    c.ok("meter F2 (grid) has no rows for 1 month inside the period: 2025-07" in p.stderr,
         "missing month named with its meter: %s" % p.stderr)
    c.ok("feeders.csv" in [l.split(":")[0] for l in p.stderr.splitlines() if "meter F2" in l],
         "missing month names the file")
    c.ok("certificate" not in " ".join(l for l in p.stderr.splitlines() if "no rows for" in l),
         "certificates are not a meter series")
    # Per source of a file without meters: a trade statement without October.
    write(d, "trade.csv", "结算月份,结算电量(MWh)\n" + "".join("%s,1\n" % m for m in MONTHS if m != "2025-10"))
    p = run(["validate", "-e", "feeders.csv", "-e", "trade.csv", "--source", "green_trade", "--enterprise", "E1"], d)
    c.ok("trade.csv: warning: enterprise E1: this file has no green_trade rows for 1 month inside the period: "
         "2025-10" in p.stderr, "a statement's missing month: %s" % p.stderr)
    write(d, "p-prod-excel.csv", "enterprise_id,period,product_id,quantity,unit\nE1,2025-01,2.0250301E+7,10,t\n")
    p = run(["validate", "-e", "feeders.csv", "-p", "p-prod-excel.csv"], d)
    c.ok(p.returncode == 65 and "p-prod-excel.csv:2:3:" in p.stderr, "a product id Excel changed: %s" % p.stderr)
    p, j = report(d, ["-e", "feeders.csv", "-p", "prod.csv"])
    c.ok(any("meter F2" in m and "2025-07" in m for m in diag_messages(j, "warning")),
         "missing month in the JSON diagnostics")
    c.ok(any(x["file"] == "feeders.csv" for x in j["diagnostics"] if "meter F2" in x["message"]),
         "JSON diagnostic names the file")

    # 2. The enterprise id differs between files.
    write(d, "e-huhao.csv", "enterprise_id,period,source,kwh\n" +
          "".join("1420000300018845,%s,grid,1000\n" % m for m in MONTHS[:3]))
    write(d, "p-name.csv", "enterprise_id,period,product_id,quantity,unit\n" +
          "".join("JINNAN,%s,P1,10,t\n" % m for m in MONTHS[:3]))
    p = run(["report", "-e", "e-huhao.csv", "-p", "p-name.csv", "--json", "x.json"], d)
    c.ok(p.returncode == 65, "production under another id: exit %d" % p.returncode)
    c.ok("did you mean 1420000300018845" in p.stderr and "JINNAN" in p.stderr, "did you mean: %s" % p.stderr)
    c.ok(not os.path.exists(os.path.join(d, "x.json")), "nothing written")
    p = run(["validate", "-e", "e-huhao.csv", "-p", "p-name.csv", "--enterprise", "1420000300018845"], d)
    c.ok("none of its 3 rows is for enterprise 1420000300018845 (the first is for JINNAN)" in p.stderr,
         "--enterprise with production under another id: %s" % p.stderr)
    for bad, what in (("1.42E+15", "scientific notation"), ("1.42000030001884E+15", "scientific notation"),
                      ("1420000300018845.0", "ends in .0")):
        write(d, "p-excel.csv", "enterprise_id,period,product_id,quantity,unit\n%s,2025-01,P1,10,t\n" % bad)
        p = run(["validate", "-e", "e-huhao.csv", "-p", "p-excel.csv"], d)
        c.ok(p.returncode == 65, "%s: exit %d" % (bad, p.returncode))
        c.ok("p-excel.csv:2:1:" in p.stderr and what in p.stderr and "Excel" in p.stderr,
             "%s: FILE:LINE:COL and Excel named: %s" % (bad, p.stderr))
    write(d, "e-meter-excel.csv", "enterprise_id,period,meter_id,source,kwh\nE1,2025-01,4.23E+18,grid,5\n")
    p = run(["validate", "-e", "e-meter-excel.csv"], d)
    c.ok(p.returncode == 65 and "e-meter-excel.csv:2:3:" in p.stderr, "a meter id mangled by Excel: %s" % p.stderr)
    # Two enterprises with electricity and no production: a warning, and SEE null (never 0).
    write(d, "e-two.csv", "enterprise_id,period,source,kwh\nA,2025-01,grid,100\nB,2025-01,grid,100\n")
    write(d, "p-orphan.csv", "enterprise_id,period,product_id,quantity,unit\nC,2025-01,P1,10,t\n")
    p, j = report(d, ["-e", "e-two.csv", "-p", "p-orphan.csv"])
    c.ok(p.returncode == 0, "orphan production with two candidates: a warning: %s" % p.stderr)
    ent_c = [e for e in j["enterprises"] if e["enterprise_id"] == "C"]
    c.ok(len(ent_c) == 1 and product(ent_c[0], "P1")["see_indirect_t_co2_per_t"] is None,
         "a product with production but no electricity has SEE null, never 0")
    c.ok(any("which has no electricity at all" in m for m in diag_messages(j, "warning")), "orphan warned")

    # 3. Electricity for January-August, production for the whole year.
    write(d, "bill-8.csv", "enterprise_id,period,source,kwh\n" +
          "".join("E1,%s,grid,1000\n" % m for m in MONTHS[:8]))
    p, j = report(d, ["-e", "bill-8.csv", "-p", "prod.csv", "--cbam-grid-factor", "0.5"])
    c.ok(p.returncode == 0, "part-year bill: %s" % p.stderr)
    pr = product(j["enterprises"][0], "P1")
    c.close(pr["quantity_in_see_t"], 80.0, "SEE counts the tonnes of Jan-Aug only")
    c.close(pr["see_indirect_t_co2_per_t"]["cbam"], 0.5 * 8000 / 1000 / 80, "SEE of Jan-Aug (not diluted)")
    c.close(pr["quantity_t"], 120.0, "all production still reported")
    c.ok(pr["months_left_out_of_see"] == 4, "four months left out")
    c.ok("production but no electricity in 4 months: 2025-09 (10 t), 2025-10 (10 t), 2025-11 (10 t), "
         "2025-12 (10 t); these 40 t are left out" in p.stderr, "months and tonnes named: %s" % p.stderr)

    # 4. Unrelated sectors share the pool by mass; --product gives a sub-meter file.
    write(d, "two-sectors.csv", "enterprise_id,period,product_id,cn_code,quantity,unit\n"
          "E1,2025-01,CLK,2523 10 00,1000,t\nE1,2025-01,UREA,3102 10 10,1000,t\n")
    write(d, "pool.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,200000\n")
    p = run(["validate", "-e", "pool.csv", "-p", "two-sectors.csv"], d)
    c.ok("different CBAM sectors" in p.stderr and "--product PRODUCT_ID" in p.stderr,
         "sector mix warned with the way out: %s" % p.stderr)
    write(d, "urea-sub.csv", "period,kwh\n2025-01,150000\n")
    write(d, "clk-rest.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,50000\n")
    p, j = report(d, ["-e", "clk-rest.csv", "-e", "urea-sub.csv", "--source", "grid", "--product", "UREA",
                      "--enterprise", "E1", "-p", "two-sectors.csv"])
    c.ok(p.returncode == 0, "--product with a file without an enterprise column: %s" % p.stderr)
    if j:
        u = product(j["enterprises"][0], "UREA")
        c.close(u["electricity_kwh_submetered"], 150000.0, "--product: the file is UREA's sub-meter")
        c.close(u["electricity_kwh"], 150000.0 + 25000.0, "UREA: sub-meter + half the shared kWh")
    p = run(["validate", "-e", "pool.csv", "--product", "A", "--product", "B"], d)
    c.ok(p.returncode == 64, "--product twice for one file: %d" % p.returncode)

    # 5. Implausible intensities; unknown units in a header.
    write(d, "clk-kg.csv", "enterprise_id,period,product_id,cn_code,quantity,unit\n"
          "E1,2025-01,CLK,2523 10 00,1000000,t\n")
    write(d, "clk-e.csv", "enterprise_id,period,source,kwh\nE1,2025-01,grid,100000\n")
    p = run(["validate", "-e", "clk-e.csv", "-p", "clk-kg.csv"], d)
    c.ok("product CLK (Cement clinker): 0.0001 MWh/t is outside the plausible range 0.02 to 0.15 MWh/t" in p.stderr,
         "implausible intensity named with its range: %s" % p.stderr)
    write(d, "wan-t.csv", "enterprise_id,period,product_id,产量(万吨)\nE1,2025-01,CLK,1.5\n")
    p = run(["validate", "-e", "clk-e.csv", "-p", "wan-t.csv"], d)
    c.ok(p.returncode == 65 and "\"万吨\"" in p.stderr and "wan-t.csv:1:4:" in p.stderr,
         "产量(万吨): the unit named: %s" % p.stderr)

    # Found by an outside hunt: a unit column that disagrees with the energy column's unit.
    write(d, "unit-kwh.csv", "enterprise_id,period,meter_id,source,kwh,unit\nE1,2025-01,GT,green_trade,200,MWh\n")
    p = run(["validate", "-e", "unit-kwh.csv"], d)
    c.ok(p.returncode == 65 and "unit-kwh.csv:2:6:" in p.stderr and "differs from the unit of column 'kwh'" in p.stderr,
         "a MWh unit beside the kwh column: %s" % p.stderr)
    write(d, "unit-hdr.csv", "enterprise_id,period,meter_id,source,电量(kWh),单位\nE1,2025-01,M1,grid,1,万kWh\n")
    p = run(["validate", "-e", "unit-hdr.csv"], d)
    c.ok(p.returncode == 65 and "unit-hdr.csv:2:6:" in p.stderr, "万kWh beside 电量(kWh): %s" % p.stderr)
    write(d, "t-kg.csv", "enterprise_id,period,product_id,产量(吨),unit\nE1,2025-01,P1,1000,kg\n")
    p = run(["validate", "-e", "clk-e.csv", "-p", "t-kg.csv"], d)
    c.ok(p.returncode == 65 and "t-kg.csv:2:5:" in p.stderr and "differs from the unit in the header" in p.stderr,
         "kg beside 产量(吨): %s" % p.stderr)
    # An interval export that stops on the 20th: the month is warned about.
    write(d, "q15.csv", HEAD_Q + "".join("E1,2025-02-%02d %02d:%02d,M1,grid,10\n" % (day, h, q)
                                        for day in range(1, 21) for h in range(24) for q in (0, 15, 30, 45)))
    p = run(["validate", "-e", "q15.csv"], d)
    c.ok("meter M1 (grid) covers only part of 1 month: 2025-02 (20 of 28 days)" in p.stderr,
         "a month partly covered: %s" % p.stderr)

    # 7. A --factors file that redefines a shipped id.
    os.mkdir(os.path.join(d, "myf"))
    write(d, "myf/f.csv", "id,kind,country,region,year,value,unit,source,url,status,note\n"
          "cbam-default-cn,cbam_default,CN,,2026,0,tCO2/MWh,my own,,confirmed,\n")
    p, j = report(d, ["-e", "clk-e.csv", "--factors", "myf"])
    c.ok(p.returncode == 0, "user factor: %s" % p.stderr)
    c.ok("REPLACES the shipped cbam-default-cn" in p.stderr, "warned on stderr: %s" % p.stderr)
    c.ok(any("REPLACES the shipped cbam-default-cn" in m for m in diag_messages(j, "warning")), "warned in JSON")
    cb = j["enterprises"][0]["factors"]["cbam"]
    c.ok(cb["status"] == "user" and cb["replaces_shipped"] and "0.605" in cb["replaces_shipped"],
         "status user, and what it replaced: %s" % cb)
    p = run(["report", "-e", "clk-e.csv", "--factors", "myf"], d)
    c.ok("REPLACED by your --factors file" in p.stdout, "the summary says so: %s" % p.stdout)

    # 8. Files without an enterprise column; two statements without a meter column.
    write(d, "stmt-a.csv", "结算月份,结算电量(MWh)\n2025-01,100\n")
    write(d, "stmt-b.csv", "结算月份,结算电量(MWh)\n2025-01,50\n")
    p, j = report(d, ["-e", "stmt-a.csv", "--source", "green_trade", "-e", "stmt-b.csv", "--source", "green_trade",
                      "--enterprise", "E9"])
    c.ok(p.returncode == 0, "statements without enterprise or meter column: %s" % p.stderr)
    if j:
        c.close(j["enterprises"][0]["electricity_kwh"]["green_trade"], 150000.0, "two files, one month: both")
    p = run(["validate", "-e", "stmt-a.csv", "--source", "green_trade"], d)
    c.ok(p.returncode == 65 and "enterprise_id" in p.stderr, "without --enterprise it is still required")

    # 9. --source twice, --map with an unknown column.
    p = run(["validate", "-e", "stmt-a.csv", "--source", "grid", "--source", "onsite"], d)
    c.ok(p.returncode == 64 and "--source given twice" in p.stderr, "--source twice: %s" % p.stderr)
    p = run(["validate", "-e", "stmt-a.csv", "--map", "perod=结算月份"], d)
    c.ok(p.returncode == 64 and "'perod' is not a column" in p.stderr and "period" in p.stderr,
         "--map unknown column: %s" % p.stderr)

    # 10. No header recognised: the line taken, the headers, a --map suggestion.
    write(d, "odd-header.csv", "国网山西省电力公司\n\n户号,所属期,电量(kWh)\n1420000300018845,2025-01,100\n",
          encoding="gb18030")
    p = run(["validate", "-e", "odd-header.csv", "--source", "grid"], d)
    c.ok(p.returncode == 65, "odd header: %d" % p.returncode)
    c.ok("line 3 was taken as the header" in p.stderr and "\"所属期\"" in p.stderr and
         "did you mean --map period=所属期" in p.stderr, "header help: %s" % p.stderr)
    write(d, "sg-header.csv", "户号,电费年月,结算电量(kWh)\n1420000300018845,2025-01,100\n", encoding="gb18030")
    p = run(["validate", "-e", "sg-header.csv", "--source", "grid"], d)
    c.ok(p.returncode == 0, "State Grid's 电费年月 is a period: %s" % p.stderr)

    # 12. Annual production.
    write(d, "year-e.csv", "enterprise_id,period,source,kwh\n" + "".join("E1,%s,grid,1000\n" % m for m in MONTHS))
    write(d, "year-p.csv", "enterprise_id,period,product_id,quantity,unit\nE1,2025,P1,60,t\nE1,2025,P2,40,t\n")
    p, j = report(d, ["-e", "year-e.csv", "-p", "year-p.csv", "--cbam-grid-factor", "0.5"])
    c.ok(p.returncode == 0, "annual production over a whole year: %s" % p.stderr)
    if j:
        p1 = product(j["enterprises"][0], "P1")
        c.close(p1["quantity_t"], 60.0, "annual tonnes")
        c.close(p1["electricity_kwh"], 12000 * 0.6, "the year's kWh by the year's tonnes")
        c.close(p1["see_indirect_t_co2_per_t"]["cbam"], 0.5 * 12000 / 1000 / 100, "SEE over the year")
        c.ok(any("is annual: SEE is over the whole year" in m for m in diag_messages(j, "note")), "a note says so")
    p = run(["report", "-e", "bill-8.csv", "-p", "year-p.csv", "--json", "y.json"], d)
    c.ok(p.returncode == 65 and "does not cover that year" in p.stderr and "2025-09" in p.stderr,
         "annual production with 8 months of electricity is refused: %s" % p.stderr)
    p = run(["report", "-e", "year-e.csv", "-p", "year-p.csv", "--from", "2025-03", "--to", "2025-12"], d)
    c.ok(p.returncode == 65 and "cannot be split into months" in p.stderr, "annual for part of a year: %s" % p.stderr)

    # Explanations: the supplier factor; numbers for people; wrote FILE; validate -q.
    write(d, "supplier.csv", "enterprise_id,period,source,kwh,factor_id\nE1,2025-01,supplier,498306.895,"
          "yuncheng-etdz-2025\n")
    p = run(["report", "-e", "supplier.csv"], d)
    c.ok("counts for the market-based figure only" in p.stdout and "supplier factor yuncheng-etdz-2025" in p.stdout,
         "the summary explains the supplier factor: %s" % p.stdout)
    p = run(["validate", "-e", "supplier.csv"], d)
    c.ok("IR 2025/2547 Annex II D.4.3" in p.stderr, "a note explains it too")
    c.ok("498306.89500000002" not in p.stderr + p.stdout, "no binary noise in messages")
    p = run(["report", "-e", "supplier.csv", "-o", "s.xlsx"], d)
    c.ok(p.returncode == 0 and p.stderr.strip().splitlines()[-1].startswith("cbamcalc: wrote s.xlsx"),
         "report -o ends with 'wrote FILE': %s" % p.stderr)
    p = run(["validate", "-q", "-e", "feeders.csv", "-p", "prod.csv"], d)
    c.ok(p.returncode == 0 and p.stderr == "", "validate -q keeps only errors: %r" % p.stderr)
c.finish()
