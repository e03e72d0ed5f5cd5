"""The peer for the park-sized bench: what a consultant would otherwise write.
For every client folder (electricity.csv, production.csv, enterprises.csv),
or with --one-file for every enterprise of one park export (the same three
files holding all enterprises, as `report --split` reads it): monthly kWh by
source, the three figures with fixed factors, allocation to products by
mass, and a workbook with Summary, Electricity and Products sheets
(XlsxWriter, number formats, formulas for the emissions); with --one-file
also a JSON per enterprise (as `report --split` writes). Usage:
pandas_peer.py CLIENTS_DIR OUT_DIR
pandas_peer.py --one-file EXPORT_DIR OUT_DIR"""
import json
import os
import sys

import pandas as pd

EF_LOC, EF_RES, EF_CBAM = 0.6634, 0.6096, 0.605


def report(name, el, pr, out, with_json):
    month = el.pivot_table(index="period", columns="source", values="kwh", aggfunc="sum", fill_value=0)
    for s in ("grid", "green_trade", "green_direct", "onsite"):
        if s not in month:
            month[s] = 0.0
    month["consumption"] = month[["grid", "green_trade", "green_direct", "onsite"]].sum(axis=1)
    month["location_t"] = EF_LOC * (month["grid"] + month["green_trade"]) / 1000
    month["market_t"] = EF_RES * month["grid"] / 1000
    month["cbam_t"] = EF_CBAM * (month["grid"] + month["green_trade"]) / 1000
    share = pr.pivot_table(index="period", columns="product_id", values="quantity", aggfunc="sum", fill_value=0)
    share = share.div(share.sum(axis=1), axis=0)
    products = []
    for p in share.columns:
        kwh = (month["consumption"] * share[p]).sum()
        t = {m: (month[m + "_t"] * share[p]).sum() for m in ("location", "market", "cbam")}
        q = pr[pr.product_id == p].quantity.sum()
        products.append([p, q, kwh, t["location"], t["market"], t["cbam"], t["cbam"] / q])
    with pd.ExcelWriter(os.path.join(out, name + ".xlsx"), engine="xlsxwriter") as xw:
        book = xw.book
        num = book.add_format({"num_format": "#,##0.000"})
        month.reset_index().to_excel(xw, sheet_name="Electricity", index=False)
        ws = xw.sheets["Electricity"]
        cols = list(month.reset_index().columns)
        g, tr, loc = cols.index("grid"), cols.index("green_trade"), cols.index("location_t")
        for r in range(len(month)):
            ws.write_formula(r + 1, loc, "=(%s+%s)*%s/1000" % (
                chr(65 + g) + str(r + 2), chr(65 + tr) + str(r + 2), EF_LOC), num, month["location_t"].iloc[r])
        ws.set_column(0, len(cols), 14)
        ws.freeze_panes(1, 0)
        pd.DataFrame(products, columns=["product", "t", "kWh", "location t", "market t", "CBAM t", "SEE CBAM"]) \
            .to_excel(xw, sheet_name="Products", index=False)
        pd.DataFrame({"method": ["location", "market", "CBAM"],
                      "tCO2": [month.location_t.sum(), month.market_t.sum(), month.cbam_t.sum()]}) \
            .to_excel(xw, sheet_name="Summary", index=False)
    if with_json:
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump({"enterprise_id": name,
                       "months": month.reset_index().to_dict(orient="records"),
                       "products": [dict(zip(["product", "t", "kwh", "location_t", "market_t", "cbam_t", "see_cbam"],
                                             [str(v) if i == 0 else float(v) for i, v in enumerate(p)]))
                                    for p in products]}, f, indent=2)


if sys.argv[1] == "--one-file":
    src, out = sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    el_all = pd.read_csv(os.path.join(src, "electricity.csv"), dtype={"meter_id": str})
    pr_all = pd.read_csv(os.path.join(src, "production.csv"))
    prs = dict(tuple(pr_all.groupby("enterprise_id")))
    for name, el in el_all.groupby("enterprise_id"):
        report(name, el, prs[name], out, True)
else:
    clients, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(clients)):
        d = os.path.join(clients, name)
        report(name, pd.read_csv(os.path.join(d, "electricity.csv"), dtype={"meter_id": str}),
               pd.read_csv(os.path.join(d, "production.csv")), out, False)
