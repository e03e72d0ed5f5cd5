#!/usr/bin/env python3
"""solar-profile.py - writes factors/solar-profile.csv: the share of a
year's photovoltaic generation that each month brings, by province.

Not run at build time: the CSV is committed, and this script is how it was
made (python3 build-aux/solar-profile.py > factors/solar-profile.csv).

There is no measured monthly PV table to copy, so the shape is computed
from astronomy alone, with the textbook formulas (Duffie & Beckman, Solar
Engineering of Thermal Processes, chapter 1):
  declination        d  = 23.45 deg x sin(360 x (284 + n) / 365)   (Cooper)
  sunset hour angle  ws = arccos(-tan(lat) x tan(d))
  daily extraterrestrial irradiation on a horizontal surface
                     H0 = (24 x 3600 x Gsc / pi) x (1 + 0.033 cos(360 n / 365))
                          x (cos lat cos d sin ws + (pi ws / 180) sin lat sin d)
for every day n of a 365-day year at the latitude of the provincial
capital; each month's share is the sum over its days divided by the
year's. The national row CN is the mean of the 30 provincial rows.

A horizontal surface, not one tilted at the latitude: a south-facing
panel tilted at the latitude receives its most extraterrestrial
irradiation around the equinoxes, while real PV output in China is
highest from spring to summer; the horizontal sum is the simpler and
closer shape. Weather (monsoon clouds, winter haze, snow) is ignored: the
result is an estimate; a plant's own meter data give its real shape.

Shares are rounded to 6 decimals, the rounding remainder added to the
largest month so that each row sums to exactly 1.
"""
import csv
import math
import sys

GSC = 1367.0  # W/m2; only the shape matters
MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

# Canonical province names (src/region.c) and the latitude of the capital, deg N.
CAPITALS = [
    ("Beijing", 39.90), ("Tianjin", 39.08), ("Hebei", 38.04), ("Shanxi", 37.87),
    ("Inner Mongolia", 40.84), ("Liaoning", 41.80), ("Jilin", 43.88), ("Heilongjiang", 45.80),
    ("Shanghai", 31.23), ("Jiangsu", 32.06), ("Zhejiang", 30.27), ("Anhui", 31.82),
    ("Fujian", 26.07), ("Jiangxi", 28.68), ("Shandong", 36.65), ("Henan", 34.75),
    ("Hubei", 30.59), ("Hunan", 28.23), ("Guangdong", 23.13), ("Guangxi", 22.82),
    ("Hainan", 20.04), ("Chongqing", 29.56), ("Sichuan", 30.66), ("Guizhou", 26.65),
    ("Yunnan", 25.04), ("Shaanxi", 34.34), ("Gansu", 36.06), ("Qinghai", 36.62),
    ("Ningxia", 38.49), ("Xinjiang", 43.83),
]

SOURCE = ("computed by build-aux/solar-profile.py: monthly sum of daily extraterrestrial irradiation on a "
          "horizontal surface at the latitude of the provincial capital (Duffie & Beckman, Solar Engineering "
          "of Thermal Processes, ch. 1)")
NOTE = ("astronomy only: weather (monsoon clouds, winter haze, snow) is ignored, so summer is overstated in "
        "the south and east; use the plant's own meter data for its real monthly shape")
NOTE_ZH = ("仅按天文公式计算：未考虑天气（季风云量、冬季雾霾、积雪），南方和东部的夏季份额偏高；"
           "如有电站自身的电表数据，请以其实际月度分布为准")
NOTE_CN = "mean of the 30 provincial rows; " + NOTE
NOTE_CN_ZH = "30个省级行的平均值；" + NOTE_ZH


def daily_h0(lat_deg, n):
    lat = math.radians(lat_deg)
    d = math.radians(23.45 * math.sin(math.radians(360.0 * (284 + n) / 365.0)))
    x = max(-1.0, min(1.0, -math.tan(lat) * math.tan(d)))
    ws = math.acos(x)
    return (24 * 3600 * GSC / math.pi) * (1 + 0.033 * math.cos(math.radians(360.0 * n / 365.0))) * (
        math.cos(lat) * math.cos(d) * math.sin(ws) + ws * math.sin(lat) * math.sin(d))


def shares(lat):
    sums, n = [], 1
    for days in MONTH_DAYS:
        s = 0.0
        for _ in range(days):
            s += daily_h0(lat, n)
            n += 1
        sums.append(s)
    total = sum(sums)
    return [v / total for v in sums]


def rounded(row):
    r = [round(v, 6) for v in row]
    rest = round(1.0 - sum(r), 6)
    r[r.index(max(r))] = round(r[r.index(max(r))] + rest, 6)
    return r


def main():
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["province", "latitude"] + ["m%02d" % m for m in range(1, 13)] + ["source", "status", "note", "note_zh"])
    rows = [(name, lat, shares(lat)) for name, lat in CAPITALS]
    mean = [sum(r[2][m] for r in rows) / len(rows) for m in range(12)]
    mean_lat = sum(r[1] for r in rows) / len(rows)
    w.writerow(["CN", "%.2f" % mean_lat] + ["%.6f" % v for v in rounded(mean)] + [SOURCE, "estimate", NOTE_CN, NOTE_CN_ZH])
    for name, lat, s in rows:
        w.writerow([name, "%.2f" % lat] + ["%.6f" % v for v in rounded(s)] + [SOURCE, "estimate", NOTE, NOTE_ZH])


if __name__ == "__main__":
    main()
