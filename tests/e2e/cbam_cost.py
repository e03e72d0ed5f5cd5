"""Issue 14 acceptance: golden cases for the CBAM cost of `report`
(--cbam-price, --cbam-year, --benchmarks, --benchmark-column, --direct;
the contract is spec14.md and include/cbamcost.h).

Every expected figure below was worked out by hand from the rule, with the
arithmetic in the comment above it:

  indirect t    = 0.605 tCO2/MWh (factors/cbam-defaults.csv, cbam-default-cn)
                  x (grid + green_trade + supplier) MWh allocated to the product
  in liability  = indirect t for cement and fertilisers, 0 for iron and steel
  liability t   = direct t/t x t (when --direct gives it) + in liability
  adjustment t  = benchmark t/t x CBAM factor of the year x t
                  (0.975 in 2026, 0.515 in 2030, 0 from 2034: Directive
                  2003/87/EC Art. 10a(1a)); made only with direct emissions
  certificates  = max(0, liability - adjustment)
  cost EUR      = certificates x price

The inputs are literals and so are the expected numbers: nothing is computed
from the program's output. Figures are compared to 1e-9 relative.

A case the program gets wrong (against the spec, after re-deriving it) is
listed in EXPECTED_TO_FAIL with the reason: its failures are printed as
XFAIL and do not fail make check; a listed case that passes is XPASS and
fails, so that the marker goes with the fix."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run, run_cases, run_json  # noqa: E402

# Cases known to disagree with the spec: name -> why. Empty when the program is right.
EXPECTED_TO_FAIL = {
}

REL = 1e-9
M2026 = ["2026-%02d" % m for m in range(1, 13)]
M2025 = ["2025-%02d" % m for m in range(1, 13)]
ENTS = ("enterprise_id,name,name_en,country,province,address\n"
        "CEM,示例水泥有限公司,Example Cement Co. (fictional),CN,山西省,运城经济技术开发区\n"
        "FER,示例化肥有限公司,Example Fertiliser Co. (fictional),CN,山西省,运城经济技术开发区\n"
        "ASP,示例汽车零部件有限公司,Example Auto Parts Co. (fictional),CN,山西省,运城经济技术开发区\n")



CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def write(d, name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return name


def cement_files(d, months=M2026):
    """CEM: 1,000,000 kWh of grid and 10,000 t of Portland cement (2523 29 00)
    every month: 0.1 MWh/t, inside the plausible 0.04-0.2."""
    write(d, "cem-e.csv", "enterprise_id,period,meter_id,source,kwh\n" +
          "".join("CEM,%s,G1,grid,1000000\n" % m for m in months))
    write(d, "cem-p.csv", "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n" +
          "".join("CEM,%s,PC,Portland cement,2523 29 00,10000,t\n" % m for m in months))
    write(d, "ents.csv", ENTS)
    return ["-e", "cem-e.csv", "-p", "cem-p.csv", "-i", "ents.csv"]


def urea_files(d, months):
    """FER: 1,500,000 kWh of grid and 10,000 t of urea (3102 10 10) every
    month: 0.15 MWh/t, inside the plausible 0.05-0.5."""
    write(d, "fer-e.csv", "enterprise_id,period,meter_id,source,kwh\n" +
          "".join("FER,%s,G1,grid,1500000\n" % m for m in months))
    write(d, "fer-p.csv", "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n" +
          "".join("FER,%s,UREA,Urea,3102 10 10,10000,t\n" % m for m in months))
    write(d, "ents.csv", ENTS)
    # Both of the Commission's columns for urea; the file has an enterprise column.
    write(d, "fer-bm.csv", "cn_code,value,column,source\n"
          "3102 10 10,0.90,A,test value A (not the Commission's)\n"
          "3102 10 10,0.70,B,test value B (not the Commission's)\n")
    write(d, "fer-direct.csv", "enterprise_id,product_id,direct_t_co2_per_t,source\n"
          "FER,UREA,0.8,plant monitoring plan 2026 (test)\n")
    return ["-e", "fer-e.csv", "-p", "fer-p.csv", "-i", "ents.csv"]


def parts_files(d):
    """ASP: 3,000,000 kWh of grid a month; 400 t of bolts (7318 15 88, iron
    or steel products) and 1,600 t of brake discs (8708 30 10, not a CBAM
    good) a month."""
    write(d, "asp-e.csv", "enterprise_id,period,meter_id,source,kwh\n" +
          "".join("ASP,%s,G1,grid,3000000\n" % m for m in M2026))
    write(d, "asp-p.csv", "enterprise_id,period,product_id,product_name,cn_code,quantity,unit\n" +
          "".join("ASP,%s,BOLT,Hexagon bolt M12,7318 15 88,400,t\nASP,%s,DISC,Brake disc,8708 30 10,1600,t\n"
                  % (m, m) for m in M2026))
    write(d, "ents.csv", ENTS)
    return ["-e", "asp-e.csv", "-p", "asp-p.csv", "-i", "ents.csv"]


def report(d, args, env=None):
    """report ARGS --json out.json; returns (process, json or None)."""
    return run_json("report", args, d, env)


def product(j, eid, pid):
    e = next(e for e in j["enterprises"] if e["enterprise_id"] == eid)
    return next(p for p in e["products"] if p["product_id"] == pid)


def enterprise(j, eid):
    return next(e for e in j["enterprises"] if e["enterprise_id"] == eid)


def warnings(j):
    return [x["message"] for x in j["diagnostics"] if x["severity"] == "warning"]


# ---------------------------------------------------------------------------
@case
def cement_grid_only(c, d):
    # 12 months x 1,000 MWh = 12,000 MWh of grid; 12 x 10,000 t = 120,000 t.
    # indirect = 0.605 x 12,000 = 7,260 t; cement counts it: liability 7,260 t.
    # No --direct: status indirect_only, no adjustment: certificates 7,260.
    # cost = 7,260 x 80 = 580,800 EUR; per t = 580,800 / 120,000 = 4.84 EUR/t.
    args = cement_files(d)
    p, j = report(d, args)
    c.exit(p, 0, "without --cbam-price")
    c.ok(j is not None and "cbam_cost" not in product(j, "CEM", "PC"), "no cbam_cost without --cbam-price")
    p, j = report(d, args + ["--cbam-price", "80"])
    c.exit(p, 0, "--cbam-price 80")
    cc = product(j, "CEM", "PC")["cbam_cost"]
    c.ok(cc["status"] == "indirect_only", "status %r" % cc["status"])
    c.ok(cc["category"] == "Cement", "category %r" % cc["category"])
    c.ok(cc["indirect_in_liability"] is True, "cement counts indirect emissions")
    c.close(cc["quantity_t"], 120000.0, "quantity_t")
    c.ok(cc["direct_t_co2_per_t"] is None and cc["direct_source"] is None, "no direct given")
    c.ok(cc["direct_t_co2"] == 0, "direct_t_co2 is 0 when not given: %r" % cc["direct_t_co2"])
    c.close(cc["indirect_t_co2"], 7260.0, "indirect = 0.605 x 12,000 MWh")
    c.close(cc["indirect_in_liability_t_co2"], 7260.0, "all of it in the liability")
    c.close(cc["liability_t_co2"], 7260.0, "liability")
    c.ok(cc["benchmark"] is None, "no benchmark")
    c.ok(cc["adjustment_made"] is False, "no adjustment without direct emissions")
    c.ok(cc["adjustment_t_co2"] == 0, "adjustment 0")
    c.close(cc["cbam_factor"], 0.975, "2026 CBAM factor")
    c.ok(cc["years"] == [2026, 2026], "years %r" % cc["years"])
    c.ok(cc["priced_as_later_year"] is False, "2026 data are not priced as a later year")
    c.close(cc["certificates"], 7260.0, "certificates = 0.605 x MWh")
    c.ok(cc["floored"] is False, "not floored")
    c.close(cc["price_eur_per_t_co2"], 80.0, "price")
    c.close(cc["cost_eur"], 580800.0, "cost = 7,260 x 80")
    c.close(cc["cost_eur_per_t"], 4.84, "cost per t = 580,800 / 120,000")
    c.ok(cc["china_carbon_price_deducted_eur"] == 0, "nothing deducted for China's carbon price")
    c.ok(isinstance(cc["reason"], str) and cc["reason"], "a reason")
    ec = enterprise(j, "CEM")["cbam_cost"]
    c.close(ec["price_eur_per_t_co2"], 80.0, "enterprise: price")
    c.ok(ec["year"] is None, "enterprise: year null without --cbam-year")
    c.close(ec["liability_t_co2"], 7260.0, "enterprise: liability")
    c.close(ec["certificates"], 7260.0, "enterprise: certificates")
    c.close(ec["cost_eur"], 580800.0, "enterprise: cost")
    c.ok(ec["goods"] == 1, "enterprise: one CBAM good")
    c.ok(ec["upper_bound"] is False, "indirect_only is not an upper bound of a complete figure")
    c.ok(isinstance(ec["notes"], list), "enterprise: notes")


@case
def cement_direct_and_benchmark(c, d):
    # --direct 0.75 t/t: direct = 0.75 x 120,000 = 90,000 t.
    # liability = 90,000 + 7,260 = 97,260 t.
    # benchmark 0.82 t/t (a test value): adjustment = 0.82 x 0.975 x 120,000 = 95,940 t.
    # certificates = 97,260 - 95,940 = 1,320; cost = 1,320 x 80 = 105,600 EUR (0.88 EUR/t).
    args = cement_files(d)
    write(d, "cem-direct.csv", "product_id,direct_t_co2_per_t,source\nPC,0.75,kiln monitoring 2026 (test)\n")
    write(d, "cem-bm.csv", "cn_code,value,source\n25232900,0.82,test value (not the Commission's)\n")
    p, j = report(d, args + ["--cbam-price", "80", "--direct", "cem-direct.csv", "--benchmarks", "cem-bm.csv"])
    c.exit(p, 0, "cement with direct and benchmark")
    cc = product(j, "CEM", "PC")["cbam_cost"]
    c.ok(cc["status"] == "complete", "status %r" % cc["status"])
    c.close(cc["direct_t_co2_per_t"], 0.75, "direct t/t")
    c.ok(cc["direct_source"] == "kiln monitoring 2026 (test)", "direct source %r" % cc["direct_source"])
    c.close(cc["direct_t_co2"], 90000.0, "direct = 0.75 x 120,000")
    c.close(cc["liability_t_co2"], 97260.0, "liability = 90,000 + 7,260")
    bm = cc["benchmark"] or {}
    c.ok(bm.get("cn_code") == "25232900", "benchmark cn_code %r" % bm.get("cn_code"))
    c.close(bm.get("value_t_co2_per_t"), 0.82, "benchmark value")
    c.ok(bm.get("column") is None, "the file has no column: null")
    c.ok(bm.get("file") == "cem-bm.csv" and bm.get("line") == 2, "benchmark file:line %r" % bm)
    c.ok(bm.get("source") == "test value (not the Commission's)", "benchmark source")
    c.ok(cc["adjustment_made"] is True, "adjustment made")
    c.close(cc["adjustment_t_co2"], 95940.0, "adjustment = 0.82 x 0.975 x 120,000")
    c.close(cc["certificates"], 1320.0, "certificates = 97,260 - 95,940")
    c.ok(cc["floored"] is False, "not floored")
    c.close(cc["cost_eur"], 105600.0, "cost = 1,320 x 80")
    c.close(cc["cost_eur_per_t"], 0.88, "cost per t = 105,600 / 120,000")
    roles = sorted(i["role"] for i in j["inputs"])
    c.ok("benchmarks" in roles and "direct" in roles, "inputs list the files by role: %r" % roles)
    # The inputs' hash covers the benchmark file: another value, another hash.
    h1 = j["inputs_sha256"]
    write(d, "cem-bm.csv", "cn_code,value,source\n25232900,0.81,test value (not the Commission's)\n")
    p, j = report(d, args + ["--cbam-price", "80", "--direct", "cem-direct.csv", "--benchmarks", "cem-bm.csv"])
    c.ok(j is not None and j["inputs_sha256"] != h1, "the benchmark file is in the inputs' hash")


@case
def steel_and_not_cbam(c, d):
    # BOLT: 400 of 2,000 t a month, so 20 % of 3,000 MWh = 600 MWh a month,
    # 7,200 MWh a year: indirect = 0.605 x 7,200 = 4,356 t, reported but not
    # in the liability (iron and steel): in liability 0.
    # Without --direct: liability 0, certificates 0, cost 0.
    # With --direct 2.0 t/t: direct = 2.0 x 4,800 t = 9,600 t; no benchmark:
    # upper_bound, certificates 9,600, cost 9,600 x 80 = 768,000 EUR.
    # DISC (8708 30 10): not a CBAM good.
    args = parts_files(d)
    p, j = report(d, args + ["--cbam-price", "80"])
    c.exit(p, 0, "auto parts")
    b = product(j, "ASP", "BOLT")["cbam_cost"]
    c.ok(b["category"] == "Iron or steel products", "category %r" % b["category"])
    c.ok(b["indirect_in_liability"] is False, "iron and steel: indirect not in the liability")
    c.close(b["indirect_t_co2"], 4356.0, "indirect still reported: 0.605 x 7,200")
    c.ok(b["indirect_in_liability_t_co2"] == 0, "in liability 0")
    # No direct emissions given: its liability from electricity is 0, and its
    # certificates (for direct emissions) are unknown: null, never 0 (review14b).
    c.ok(b["liability_t_co2"] == 0 and b["certificates"] is None and b["cost_eur"] is None and
         b["priced"] is False and b["electricity_cost_eur"] == 0, "no direct, not priced: %r" % b)
    c.ok(b["status"] == "indirect_only", "status without direct %r" % b["status"])
    r = (b["reason"] or "").lower()
    c.ok("indirect" in r and ("iron and steel" in r or "iron or steel" in r),
         "the reason says indirect emissions do not count for iron and steel: %r" % b["reason"])
    disc = product(j, "ASP", "DISC")["cbam_cost"]
    c.ok(disc["status"] == "not_cbam_good", "brake disc status %r" % disc["status"])
    c.ok(disc["category"] is None, "brake disc category null")
    c.ok(disc["certificates"] == 0 and disc["cost_eur"] == 0, "brake disc: nothing to pay")
    c.ok(enterprise(j, "ASP")["cbam_cost"]["goods"] == 1, "one CBAM good (the bolts)")
    write(d, "asp-direct.csv", "product_id,direct_t_co2_per_t,source\nBOLT,2.0,supplier's wire rod (test)\n")
    p, j = report(d, args + ["--cbam-price", "80", "--direct", "asp-direct.csv"])
    c.exit(p, 0, "auto parts with direct")
    b = product(j, "ASP", "BOLT")["cbam_cost"]
    c.ok(b["status"] == "upper_bound", "no benchmark: upper bound, %r" % b["status"])
    c.close(b["liability_t_co2"], 9600.0, "liability = direct only: 2.0 x 4,800")
    c.close(b["certificates"], 9600.0, "certificates")
    c.close(b["cost_eur"], 768000.0, "cost = 9,600 x 80")
    c.close(b["cost_eur_per_t"], 160.0, "cost per t = 768,000 / 4,800")
    c.ok(enterprise(j, "ASP")["cbam_cost"]["upper_bound"] is True, "enterprise: an upper bound")
    c.ok(any("benchmark" in w for w in warnings(j) + enterprise(j, "ASP")["cbam_cost"]["notes"]),
         "the report says a CBAM good has no benchmark")
    # A benchmark file without the bolts' code: a warning names the product.
    write(d, "bm-cement.csv", "cn_code,value,source\n2523,0.82,test\n")
    p, j = report(d, args + ["--cbam-price", "80", "--direct", "asp-direct.csv", "--benchmarks", "bm-cement.csv"])
    c.exit(p, 0, "a benchmark file without the bolts")
    c.ok(any("benchmark" in w and "BOLT" in w for w in warnings(j)), "warned: %r" % warnings(j))
    c.ok(product(j, "ASP", "BOLT")["cbam_cost"]["status"] == "upper_bound", "still an upper bound")


@case
def fertiliser_benchmark_columns(c, d):
    # 12 x 1,500 MWh = 18,000 MWh; 120,000 t of urea.
    # indirect = 0.605 x 18,000 = 10,890 t (fertilisers count it).
    # direct = 0.8 x 120,000 = 96,000 t; liability = 106,890 t.
    # Column B: adjustment = 0.70 x 0.975 x 120,000 = 81,900 t.
    # certificates = 106,890 - 81,900 = 24,990; cost = 24,990 x 80 = 1,999,200 EUR;
    # per t = 1,999,200 / 120,000 = 16.66 EUR/t.
    args = urea_files(d, M2026) + ["--cbam-price", "80", "--direct", "fer-direct.csv", "--benchmarks", "fer-bm.csv"]
    p, j = report(d, args)
    c.exit(p, 65, "both columns without --benchmark-column")
    c.ok("fer-bm.csv" in p.stderr and "--benchmark-column" in p.stderr,
         "the message names the file and the option: %s" % p.stderr)
    p, j = report(d, args + ["--benchmark-column", "B"])
    c.exit(p, 0, "--benchmark-column B")
    u = product(j, "FER", "UREA")["cbam_cost"]
    c.ok(u["status"] == "complete", "status %r" % u["status"])
    c.ok(u["category"] == "Urea" and u["indirect_in_liability"] is True, "urea counts indirect")
    c.close(u["indirect_t_co2"], 10890.0, "indirect = 0.605 x 18,000")
    c.close(u["direct_t_co2"], 96000.0, "direct = 0.8 x 120,000")
    c.close(u["liability_t_co2"], 106890.0, "liability")
    bm = u["benchmark"] or {}
    c.close(bm.get("value_t_co2_per_t"), 0.70, "column B's value")
    c.ok(bm.get("column") == "B" and bm.get("cn_code") == "31021010" and bm.get("line") == 3,
         "benchmark B, 31021010, line 3: %r" % bm)
    c.close(u["adjustment_t_co2"], 81900.0, "adjustment = 0.70 x 0.975 x 120,000")
    c.close(u["certificates"], 24990.0, "certificates")
    c.close(u["cost_eur"], 1999200.0, "cost")
    c.close(u["cost_eur_per_t"], 16.66, "cost per t")
    # Column A: adjustment = 0.90 x 0.975 x 120,000 = 105,300; certificates 1,590; cost 127,200.
    p, j = report(d, args + ["--benchmark-column", "A"])
    u = product(j, "FER", "UREA")["cbam_cost"] if j else {}
    c.close(u.get("adjustment_t_co2"), 105300.0, "column A: adjustment = 0.90 x 0.975 x 120,000")
    c.close(u.get("certificates"), 1590.0, "column A: certificates = 106,890 - 105,300")
    c.close(u.get("cost_eur"), 127200.0, "column A: cost = 1,590 x 80")
    p, j = report(d, args + ["--benchmark-column", "C"])
    c.exit(p, 64, "--benchmark-column C")


@case
def years_and_phase_in(c, d):
    # The urea case on 2025 data (column B, direct 0.8): without --cbam-year
    # each month is priced as 2026 (0.975), with a warning; figures as in 2026:
    # adjustment 81,900, certificates 24,990, cost 1,999,200.
    args = urea_files(d, M2025) + ["--cbam-price", "80", "--direct", "fer-direct.csv",
                                   "--benchmarks", "fer-bm.csv", "--benchmark-column", "B"]
    p, j = report(d, args)
    c.exit(p, 0, "2025 data")
    u = product(j, "FER", "UREA")["cbam_cost"]
    c.ok(u["priced_as_later_year"] is True, "2025 priced as a later year")
    c.close(u["cbam_factor"], 0.975, "2026's factor")
    c.ok(u["years"] == [2026, 2026], "years %r" % u["years"])
    c.close(u["indirect_t_co2"], 10890.0, "indirect = 0.605 x 18,000")
    c.close(u["adjustment_t_co2"], 81900.0, "adjustment")
    c.close(u["certificates"], 24990.0, "certificates")
    c.close(u["cost_eur"], 1999200.0, "cost")
    stderr_w = [l for l in p.stderr.splitlines() if "warning" in l and "2026" in l and "2025" in l]
    c.ok(stderr_w, "stderr warns that 2025 is priced with 2026's factor: %s" % p.stderr)
    c.ok(any("2026" in w and "2025" in w for w in warnings(j)), "and so do the JSON diagnostics")
    # --cbam-year 2030: factor 0.515; adjustment = 0.70 x 0.515 x 120,000 = 43,260;
    # certificates = 106,890 - 43,260 = 63,630; cost = 63,630 x 80 = 5,090,400.
    p, j = report(d, args + ["--cbam-year", "2030"])
    c.exit(p, 0, "--cbam-year 2030")
    u = product(j, "FER", "UREA")["cbam_cost"]
    c.close(u["cbam_factor"], 0.515, "2030 factor")
    c.ok(u["years"] == [2030, 2030], "years %r" % u["years"])
    c.close(u["adjustment_t_co2"], 43260.0, "2030 adjustment")
    c.close(u["certificates"], 63630.0, "2030 certificates")
    c.close(u["cost_eur"], 5090400.0, "2030 cost")
    c.ok(enterprise(j, "FER")["cbam_cost"]["year"] == 2030, "enterprise: year 2030")
    # --cbam-year 2034: factor 0, adjustment 0: certificates = liability 106,890,
    # cost = 106,890 x 80 = 8,551,200.
    p, j = report(d, args + ["--cbam-year", "2034"])
    c.exit(p, 0, "--cbam-year 2034")
    u = product(j, "FER", "UREA")["cbam_cost"]
    c.ok(u["cbam_factor"] == 0, "2034 factor 0: %r" % u["cbam_factor"])
    c.ok(u["adjustment_t_co2"] == 0, "2034 adjustment 0: %r" % u["adjustment_t_co2"])
    c.close(u["certificates"], 106890.0, "2034 certificates = liability")
    c.close(u["cost_eur"], 8551200.0, "2034 cost")
    for bad in ("2025", "2101", "20x0", ""):
        p, _ = report(d, args + ["--cbam-year", bad])
        c.exit(p, 64, "--cbam-year %r" % bad)


@case
def usage_and_data_errors(c, d):
    args = cement_files(d)
    write(d, "cem-bm.csv", "cn_code,value,source\n25232900,0.82,test\n")
    write(d, "cem-direct.csv", "product_id,direct_t_co2_per_t,source\nPC,0.75,test\n")
    for extra in (["--cbam-year", "2026"], ["--benchmarks", "cem-bm.csv"], ["--benchmark-column", "A"],
                  ["--direct", "cem-direct.csv"]):
        p, _ = report(d, args + extra)
        c.exit(p, 64, "%s without --cbam-price" % extra[0])
        c.ok("--cbam-price" in p.stderr, "%s: the message names --cbam-price: %s" % (extra[0], p.stderr))
    for bad in ("abc", "-5", "inf", "nan", "75x", ""):
        p, _ = report(d, args + ["--cbam-price", bad])
        c.exit(p, 64, "--cbam-price %r" % bad)
    p, j = report(d, args + ["--cbam-price", "0"])
    c.exit(p, 0, "--cbam-price 0 is a price")
    if j:
        c.ok(product(j, "CEM", "PC")["cbam_cost"]["cost_eur"] == 0, "price 0: cost 0")
    # A value that is not a number: 65 at FILE:LINE:COL (line 3, column 2).
    write(d, "bm-bad.csv", "cn_code,value,source\n25232100,0.8,test\n25232900,1.2x,test\n")
    p, _ = report(d, args + ["--cbam-price", "80", "--benchmarks", "bm-bad.csv"])
    c.exit(p, 65, "benchmark 1.2x")
    c.ok("bm-bad.csv:3:2:" in p.stderr, "FILE:LINE:COL of 1.2x: %s" % p.stderr)
    write(d, "dir-bad.csv", "product_id,direct_t_co2_per_t,source\nPC,-0.1,test\n")
    p, _ = report(d, args + ["--cbam-price", "80", "--direct", "dir-bad.csv"])
    c.exit(p, 65, "a negative direct emission")
    c.ok("dir-bad.csv:2:2:" in p.stderr, "FILE:LINE:COL of -0.1: %s" % p.stderr)
    p, _ = report(d, args + ["--cbam-price", "80", "--benchmarks", "no-such-file.csv"])
    c.exit(p, 66, "a missing benchmark file")
    c.ok(not os.path.exists(os.path.join(d, "out.json")), "nothing written on an error")


@case
def rerun_is_byte_identical(c, d):
    args = urea_files(d, M2026) + ["--cbam-price", "80", "--direct", "fer-direct.csv",
                                   "--benchmarks", "fer-bm.csv", "--benchmark-column", "B"]
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    outs = []
    for _ in range(2):
        p = run(["report"] + args + ["--json", "same.json"], d, env)
        c.exit(p, 0, "rerun")
        with open(os.path.join(d, "same.json"), "rb") as f:
            outs.append(f.read())
        os.remove(os.path.join(d, "same.json"))
    c.ok(outs[0] == outs[1] and outs[0], "the same inputs give the same bytes")


# ---------------------------------------------------------------------------
run_cases(CASES, EXPECTED_TO_FAIL)
