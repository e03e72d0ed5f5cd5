"""Hostile inputs for hourly matching, third review (after 8e60f68): rows
held at midnight in China while a file's labelling is open, load meters that
stop and start within the reporting period, and UTC offsets that are the end
of a time range. Each case asserts what README "Hourly matching" and
"Interval rows" ask for (or, where marked, what the review proposes).

Cases that fail on the current code are listed in EXPECTED_FAILURES: they are
run and reported, and make check stays green while they fail. A case in that
list that passes is an error (XPASS): take it out of the list."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import run  # noqa: E402

# Known defects (third review); each name is a case below.
EXPECTED_FAILURES = set()  # the third review's defects are fixed: every case is a guard now

from hostile_cases import HEAD, Cases, day, ent, flat, month_kwh, pv, report, write  # noqa: E402

cases = Cases(EXPECTED_FAILURES)
case = cases.case


# ---- known defects ----

@case
def held_row_skips_product_lookalike(d):
    # Line 2 (16:00Z, midnight in China) waits for the labelling; line 3's
    # product p1 is booked meanwhile, then line 2's P1 is booked without the
    # lookalike check (ingest.c: ledger_product_lookalike runs in
    # electricity_row before the hold; flush_held -> book_row never checks).
    # Exit 0 with two products; written with local times it is an error.
    write(d, "pa.csv", "enterprise_id,period,meter_id,source,kwh,product_id\n"
          "E1,2025-02-28T16:00Z,M1,grid,1000,P1\nE1,2025-02-28T16:15Z,M1,grid,10,p1\n"
          "E1,2025-03-01T00:00Z,M1,grid,10,P1\n")
    p = run(["validate", "-e", "pa.csv", "-q"], d)
    # Refused (65): the waiting row (line 2) is checked when it is booked, after
    # line 3's p1, so the error may name either of the two lines.
    return [(p.returncode == 65 and ("pa.csv:3:" in p.stderr or "pa.csv:2:" in p.stderr) and
             "only in letter case" in p.stderr,
             "P1/p1 refused: exit %d %s" % (p.returncode, p.stderr[:300]))]


@case
def time_range_with_t_ending_on_an_offset(d):
    # README: a time range is refused. With a T, a range whose end is an
    # offset in use (-07:00, -09:30, -12:00) is read as that offset:
    # T11:00-12:00 on March 31 becomes 2025-04-01 07:00 in China, exit 0
    # (parse.c strip_offset: offset_in_use accepts it).
    write(d, "rt.csv", HEAD + "E1,2025-03-31T06:45-07:00,G1,grid,1\nE1,2025-03-31T09:00-09:30,G1,grid,1\n"
          "E1,2025-03-31T11:00-12:00,G1,grid,1\n")
    p = run(["validate", "-e", "rt.csv", "-q"], d)
    # Refused as a whole: one meter's rows with three different "offsets" are
    # no clock; the message names a time range as the likely cause.
    return [(p.returncode == 65 and "time range" in p.stderr,
             "ranges refused: exit %d %s" % (p.returncode, p.stderr[:300]))]


def two_month_load(d, name_of, files):
    """Load (100 kWh an hour) Jan and Feb named by name_of(month); PV in pv.csv."""
    pvt = HEAD
    loads = {}
    for mo, nd in ((1, 31), (2, 28)):
        for dd in range(1, nd + 1):
            date = "2025-%02d-%02d" % (mo, dd)
            pvt += day(date, "PV", "onsite", pv, step=60)
            loads.setdefault(mo, []).append(day(date, name_of(mo), "load", flat(100), step=60))
    write(d, "pv.csv", pvt)
    return files(loads)


def matched_months(d, args):
    p, j = report(d, args + ["--from", "2025-01", "--to", "2025-02", "-q"])
    if j is None:
        return None, p
    return [m["matched"] for m in ent(j)["hourly"]["months"]], p


@case
def load_meter_exchange(d):
    # The load meter is exchanged on Feb 1 (LA, then LB: a new meter number).
    # Every month is unmatched ("the load meter has no rows for days the
    # other meters cover"), though each day has its whole load; with
    # --to 2025-01 January is matched, so January's figures depend on the
    # period asked for (hourly.c classify: every load meter with rows in
    # from..to must cover each month). Proposed: a load meter is required on
    # the days of its own span, and a handover (one stops, one starts) is no gap.
    def files(loads):
        write(d, "l.csv", HEAD + "".join(loads[1]).replace(",L,", ",LA,") + "".join(loads[2]).replace(",L,", ",LB,"))
        return ["-e", "l.csv", "-e", "pv.csv"]
    args = two_month_load(d, lambda mo: "L", files)
    got, p = matched_months(d, args)
    return [(got == [True, True], "both months matched: %s exit %d %s" % (got, p.returncode, p.stderr[:200]))]


@case
def load_files_per_month_without_meter_column(d):
    # One export per month of the load meter, without a meter column
    # (--source load): each file is its own series (README: two files
    # without a meter column are two series), so every month lacks the other
    # file's "meter" and none is matched: hourly matching is lost for the
    # commonest way platforms export.
    def files(loads):
        args = []
        for mo in (1, 2):
            text = "enterprise_id,period,kwh\n" + "".join(
                r.replace(",L,load,", ",") for r in loads[mo])
            write(d, "load-%d.csv" % mo, text)
            args += ["-e", "load-%d.csv" % mo, "--source", "load"]
        return args + ["-e", "pv.csv"]
    args = two_month_load(d, lambda mo: "L", files)
    got, p = matched_months(d, args)
    return [(got == [True, True], "both months matched: %s exit %d %s" % (got, p.returncode, p.stderr[:200]))]


@case
def range_messages(d):
    # Ranges the review tried: each should get the time-range message, not
    # "out of range; expected a real date" or "expected YYYY-MM".
    rows = ["2025-03-01T00:00-24:00", "2025-03-03 06:00 - 06:15", "2025-03-03 06:00\u201306:15",
            "2025-03-03 06:00\uff5e06:15"]
    write(d, "rm.csv", HEAD + "".join("E1,%s,G1,grid,1\n" % r for r in rows))
    p = run(["validate", "-e", "rm.csv"], d)
    return [(p.returncode == 65 and p.stderr.count("is a time range") == len(rows),
             "exit %d %s" % (p.returncode, p.stderr[:400]))]


# ---- guards ----

@case
def held_rows_with_period_bounds(d):
    # One UTC end-labelled day; T16:00Z (1000 kWh) is February's last interval.
    rows = ["E1,2025-02-28T%02d:%02dZ,G1,grid,%d\n" % (k * 15 // 60, k * 15 % 60, 1000 if k == 64 else 1)
            for k in range(1, 97)]
    write(d, "utc.csv", HEAD + "".join(rows))
    ok = []
    for per, want in (("2025-02", 1063), ("2025-03", 32)):
        p, j = report(d, ["-e", "utc.csv", "--from", per, "--to", per, "-q"])
        ok.append((j is not None and month_kwh(j, per) == want and
                   [m["period"] for m in ent(j)["months"]] == [per],
                   "%s: exit %d %s" % (per, p.returncode, j and month_kwh(j, per))))
    return ok


@case
def held_rows_supplier_and_certificates(d):
    # Held supplier, certificate and grid rows are booked once, in February
    # (ends), the supplier keeping its factor.
    write(d, "s.csv", "enterprise_id,period,meter_id,source,energy,factor_id,unit\n"
          "E1,2025-02-28T16:00Z,S1,supplier,100,yuncheng-etdz-2025,kWh\n"
          "E1,2025-02-28T16:00Z,C1,certificate,2,,MWh\n"
          "E1,2025-02-28T16:00Z,G1,grid,5000,,kWh\nE1,2025-02-28T24:00Z,G1,grid,7,,kWh\n")
    p, j = report(d, ["-e", "s.csv", "--from", "2025-02", "--to", "2025-03", "-q"])
    if j is None:
        return [(False, "exit %d %s" % (p.returncode, p.stderr[:200]))]
    return [(month_kwh(j, "2025-02", "supplier") == 100, "supplier %s" % month_kwh(j, "2025-02", "supplier")),
            (month_kwh(j, "2025-02", "certificates") == 2000, "certificates %s" % month_kwh(j, "2025-02", "certificates")),
            (month_kwh(j, "2025-02", "grid") == 5000 and month_kwh(j, "2025-03", "grid") == 7, "grid")]


@case
def held_row_duplicates_and_lookalikes(d):
    write(d, "b.csv", HEAD + "E1,2025-02-28T16:00Z,M1,grid,10\nE1,2025-02-28 24:00,M1,grid,10\n")
    write(d, "c.csv", HEAD + "E1,2025-02-28T16:00Z,M1,grid,10\nE1,2025-02-28T16:15Z,m1,grid,10\n"
          "E1,2025-03-01T00:00Z,M1,grid,10\n")
    pb = run(["validate", "-e", "b.csv", "-q"], d)
    pc = run(["validate", "-e", "c.csv", "-q"], d)
    # b.csv: the same interval as 16:00Z and as 24:00 without an offset: refused,
    # as a duplicate or as one meter written with two clocks, naming line 2.
    return [(pb.returncode == 65 and ("b.csv:3:2: error: duplicate of b.csv:2" in pb.stderr or
                                      ("b.csv:3:2:" in pb.stderr and "one clock" in pb.stderr and "b.csv:2" in pb.stderr)),
             pb.stderr[:200]),
            (pc.returncode == 65 and "c.csv:2:3:" in pc.stderr and "(c.csv:3)" in pc.stderr, pc.stderr[:200])]


cases.run()
