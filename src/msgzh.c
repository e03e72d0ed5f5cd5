/* msgzh.c - the Chinese message catalogue (see msgzh.h).
 *
 * Sorted by the English format in strcmp (byte) order; a new entry goes in
 * its place (the unit tests name the first pair out of order). Terms are
 * the ones Chinese energy managers use: 电网购电 (grid purchase), 绿电交易
 * (green trade), 绿证 (certificates), 直连 (direct line), 自发自用 (on-site),
 * 计量点/电表 (meter), 总表/分表 (load/sub-meter), 排放因子, 产量, 报告期.
 * Arguments that are input text, ids, numbers and file names appear as
 * given; a few that are English words (a source id, a file kind) too.
 */
#include "config.h"
#include "msgzh.h"

#include <string.h>

static const msgzh_pair table[] = {
    {"%d errors in this file; stopped reading it",
     "本文件已有 %d 处错误，停止读取"},
    {"%s \"%s\" %s; expected the id as text: in Excel format the column as Text (or open the original "
     "export) and save again",
     "%s“%s”%s；编号应为文本：请在 Excel 中将该列设为“文本”格式（或打开原始导出文件）后重新保存"},
    {"%s \"%s\" differs from %s \"%s\" only in letter case, full-width characters or leading zeros; "
     "expected one spelling of each id in every file",
     "%s“%s”与%s“%s”仅在大小写、全角字符或前导零上不同；同一编号在所有文件中应写法一致"},
    {"%s \"%s\" has %zu digits and ends in zeros after the 15th: Excel keeps only 15 digits of a number, "
     "so if this file went through Excel the id's last digits are lost (format the column as Text and "
     "export again)",
     "%s“%s”有 %zu 位数字，且第 15 位之后全为 0：Excel 的数字只保留 15 位有效数字，若此文件经 Excel "
     "保存过，编号的末几位已经丢失（请将该列设为“文本”格式后重新导出）"},
    {"%s \"%s\" is a time range; expected one time per row: the interval's start (2025-03-01 06:00) or "
     "its end with --interval-label end",
     "%s“%s”是一个时间段；每行应只有一个时刻：时段的起点（2025-03-01 06:00），或用 --interval-label end "
     "表示终点"},
    {"%s \"%s\" is negative; expected an amount of at least 0 (net refunds into the period's row)",
     "%s“%s”为负数；应为不小于 0 的数量（退补电量请并入该期间的行）"},
    {"%s \"%s\" is not a coordinate; expected decimal degrees between %g and %g",
     "%s“%s”不是坐标；应为 %g 到 %g 之间的十进制度数"},
    {"%s \"%s\" is not a number; expected digits with an optional decimal %s, such as %s",
     "%s“%s”不是数字；应为数字，可带小数%s，如 %s"},
    {"%s \"%s\" is not a period; expected YYYY-MM such as 2025-03 (or a date such as 2025-03-01)",
     "%s“%s”不是有效期间；应为 YYYY-MM，如 2025-03（或日期，如 2025-03-01）"},
    {"%s \"%s\" is out of range; expected a finite number",
     "%s“%s”超出范围；应为有限数值"},
    {"%s \"%s\" is out of range; expected a real date (month 1-12, a day of that month, year %d-%d)",
     "%s“%s”超出范围；应为实际存在的日期（月 1-12，该月内的日，年份 %d-%d）"},
    {"%s \"%s\" is read as %s: a ';'-separated file has decimal commas and '.' between thousands; if its "
     "dots are decimal points, save it with ',' separators",
     "%s“%s”读作 %s：以“;”分隔的文件使用小数逗号，“.”为千位分隔符；如果其中的点是小数点，"
     "请改用“,”分隔保存文件"},
    {"%s \"%s\": %s",
     "%s“%s”：%s"},
    {"%s %s: outside 0 to 2; expected kgCO2/kWh (for example 0.6634)",
     "%s %s：超出 0 到 2 的范围；应以 kgCO2/kWh 为单位（例如 0.6634）"},
    {"%s '%s' is neither a number (kgCO2/kWh) nor a factor id; see 'cbamcalc factors list'",
     "%s“%s”既不是数值（kgCO2/kWh）也不是排放因子编号；见“cbamcalc factors list”"},
    {"%s has a UTC offset, but enterprise %s is in %s: cbamcalc knows China's time (UTC+8) only; expected "
     "local times without an offset",
     "%s 带有 UTC 时差，但企业 %s 位于 %s：cbamcalc 只支持中国时间（UTC+8）；应为不带时差的当地时间"},
    {"%s is a table cbamcalc ships beside the factors, not a factor table: left out",
     "%s 是 cbamcalc 随排放因子附带的表，不是排放因子表：未读取"},
    {"%s is empty: the row is left out (an empty cell is not read as zero; write 0 if nothing was "
     "measured)",
     "%s 为空：该行未计入（空单元格不按 0 处理；若确实无计量值，请填写 0）"},
    {"%s is empty; expected a month such as 2025-03",
     "%s 为空；应为月份，如 2025-03"},
    {"%s is midnight in China, and the file has not yet shown whether its times name the start or the end "
     "of an interval (a row at 00:00 or 24:00 as written); say which with --interval-label start|end",
     "%s 是中国时间零点，而文件尚未表明其时刻表示时段起点还是终点（原文为 00:00 或 24:00 的行）；请用 "
     "--interval-label start|end 说明"},
    {"%s kWh of the added power exceed the grid kWh they replace in %zu month%s: exported or curtailed, not "
     "counted as consumed (the grid never goes below 0)",
     "新增电量中有 %s kWh 在 %zu 个月%.0s超出其替代的电网电量：作为余电外送或弃电，"
     "不计入用电量（电网电量不低于 0）"},
    {"%s, %s: a %s row without a meter id (%s kWh) beside %zu metered row%s of the same month (%s kWh): a "
     "subtotal would count them twice; expected a meter id on every row, or no subtotal rows",
     "%s，%s：一条没有计量点编号的 %s 行（%s kWh）与同月 %zu 条有计量点的行%.0s（%s kWh）并存："
     "若为小计会被重复计算；每行都应有计量点编号，或不要小计行"},
    {"%s, %s: meter \"%s\" holds %s kWh, the sum of the other %s meters of the month: a subtotal row "
     "would count them twice; expected it left out",
     "%s，%s：计量点“%s”为 %s kWh，等于本月其他 %s 计量点之和：小计行会造成重复计算；应删去该行"},
    {"%s: no solar profile for %s; the national profile spreads the added %s kWh",
     "企业 %s：没有 %s 的光伏曲线；新增的 %s 电量按全国光伏曲线分摊"},
    {"%s: the baseline is matched hour by hour, as in 'cbamcalc report'; the scenario changes the matched "
     "months' totals month by month (its added kWh are not matched to the load hour by hour)",
     "企业 %s：现状与“cbamcalc report”一样逐小时匹配；情景按月调整已匹配月份的汇总电量"
     "（新增电量不与负荷逐小时匹配）"},
    {"%zu CBAM good%s (first: product %s) %s no benchmark in the --benchmarks file: no free allocation "
     "adjustment is made for %s",
     "%zu 种 CBAM 货物%.0s（第一个：产品 %s）%.0s在 --benchmarks 文件中没有基准值：未对其%.0s作免费配额调整"},
    {"%zu benchmark%s without a source (first at this line): a benchmark needs a citation (the implementing "
     "act and its annex) that an importer can check",
     "%zu 个基准值%.0s没有来源（第一个即本行）：基准值须注明进口商可以核查的出处（实施法案及其附件）"},
    {"%zu billing period%s across months split by days (each month gets its share of the days)",
     "%zu 个跨月抄表周期%.0s已按天数拆分（各月按所占天数分摊）"},
    {"%zu fields, but the header has %zu; expected one field per column",
     "本行有 %zu 个字段，表头有 %zu 列；每列应对应一个字段"},
    {"%zu more row%s with an id that Excel changed (as above)",
     "另有 %zu 行%.0s的编号被 Excel 改动（同上）"},
    {"%zu more rows with the same warning as above were not listed",
     "另有 %zu 行的警告与上文相同，未逐一列出"},
    {"%zu reactive-energy row%s (无功) left out: never consumption",
     "%zu 行无功电量%.0s（无功）未计入：不属于用电量"},
    {"%zu row%s of column %c left out (first at this line): --benchmark-column %c",
     "%zu 行%.0s属于 %c 列，未计入（第一行即本行）：--benchmark-column %c"},
    {"%zu rows of other enterprises were left out",
     "其他企业的 %zu 行未计入"},
    {"%zu rows outside the reporting period were left out",
     "报告期以外的 %zu 行未计入"},
    {"%zu totals row%s (合计/Total) left out",
     "%zu 行合计行%.0s（合计/Total）未计入"},
    {"%zu unknown column%s ignored: %s",
     "已忽略 %zu 个未知列%.0s：%s"},
    {"--%s %s: the %s profile has no kWh to go by in the period (%s); choose another with --profile "
     "%s=consumption, flat or solar",
     "--%s %s：%s 曲线在该期间内没有可依据的电量%.0s；请用 --profile %s=consumption、flat 或 solar 另选曲线"},
    {"--add %s replacing %s: the added kWh would replace themselves",
     "--add %s 替代 %s：新增电量将替代其自身"},
    {"--add %s: %s has no %s kWh in the period for the added kWh to replace%s",
     "--add %s：企业 %s 在该期间内没有可供新增电量替代的 %s 电量%.0s"},
    {"--add supplier: %s has no supplier kWh whose factor the added kWh could take; give the supply as its "
     "own source (green_direct, green_ppa, green_trade) or add supplier rows",
     "--add supplier：企业 %s 没有供电商（supplier）电量，新增电量无从沿用其排放因子；"
     "请将这部分电力作为独立来源给出（green_direct、green_ppa、green_trade），或补充 supplier 行"},
    {"--benchmark-column %c: expected A or B",
     "--benchmark-column %c：应为 A 或 B"},
    {"--remove %s: %s has no %s kWh in the period to take away",
     "--remove %s：企业 %s 在该期间内没有可扣减的 %s 电量"},
    {"00:00 names the start of an interval, but line %ld names an end (24:00): the file labels intervals "
     "both ways; say which with --interval-label start|end (a batch manifest: its interval_label column)",
     "00:00 表示时段起点，但第 %ld 行以终点（24:00）标注：文件中两种标注方式并存；请用 --interval-label "
     "start|end 说明（批量清单：其 interval_label 列）"},
    {"24:00 names the end of an interval, but %d rows on the hour came before any 00:00 or 24:00 and were "
     "read as interval starts; say which end the times name with --interval-label start|end (a batch "
     "manifest: its interval_label column)",
     "24:00 表示时段终点，但在出现 00:00 或 24:00 之前已有 %d 行整点数据按时段起点读取；请用 "
     "--interval-label start|end 说明时刻表示时段的哪一端（批量清单：其 interval_label 列）"},
    {"24:00 names the end of an interval, but --interval-label start was given; expected times "
     "00:00..23:45 (or --interval-label end)",
     "24:00 表示时段终点，但指定了 --interval-label start；时刻应为 00:00..23:45（或改用 --interval-label "
     "end）"},
    {"24:00 names the end of an interval, but line %ld names a start (00:00): the file labels intervals "
     "both ways; say which with --interval-label start|end (a batch manifest: its interval_label column)",
     "24:00 表示时段终点，但第 %ld 行以起点（00:00）标注：文件中两种标注方式并存；请用 --interval-label "
     "start|end 说明（批量清单：其 interval_label 列）"},
    {"CBAM cost of enterprise %s: %s",
     "企业 %s 的 CBAM 成本无法计算：%.0sCBAM 系数表未加载，或价格不是数值"},
    {"CBAM cost of enterprise %s: a figure is not a finite number",
     "企业 %s 的 CBAM 成本：某个数值不是有限数值"},
    {"CN code %s has a benchmark in %s (%s:%ld) and in %s (here); choose one column with --benchmark-column "
     "A or B",
     "CN 编码 %s 在 %s（%s:%ld）和 %s（此处）中都有基准值；请用 --benchmark-column A 或 B 选择其中一列"},
    {"CN code %s is given twice in %s, at %s:%ld and here; expected each code once per column",
     "CN 编码 %s 在 %s 中出现两次（%s:%ld 及此处）；每列中每个编码应只出现一次"},
    {"CN code %s is given with %s at %s:%ld and with %s here; expected one benchmark per code",
     "CN 编码 %s 已以 %s 在 %s:%ld 给出，此处又以 %s 给出；每个编码应只有一个基准值"},
    {"a NUL byte: this is binary data, not a CSV text file",
     "含有 NUL 字节：这是二进制数据，不是 CSV 文本文件"},
    {"a billing period needs dates; expected a day such as 2025-01-26",
     "抄表周期需要日期；应为某一天，如 2025-01-26"},
    {"a byte sequence (byte 0x%02x) is not valid %s text; save the file as UTF-8, or give --encoding",
     "有字节序列（字节 0x%02x）不是有效的 %s 文本；请将文件另存为 UTF-8，或指定 --encoding"},
    {"a computed figure is not a finite number or does not match its formula; this is a bug, please "
     "report it",
     "某个计算结果不是有限数值，或与其公式不符；这是程序缺陷，请报告"},
    {"a field longer than %d bytes",
     "字段长度超过 %d 字节"},
    {"a field of %zu characters; expected at most 32,767 (the most an Excel cell holds)",
     "字段长 %zu 个字符；最多 32,767 个（Excel 单元格的上限）"},
    {"a header but no data rows; expected %s rows",
     "只有表头，没有数据行；应有 %s 数据行"},
    {"a line break (U+%04X, %s) inside a quoted field; expected every record on one line (a cell with "
     "several lines cannot be read as a row)",
     "带引号的字段内有换行符（U+%04X，%s）；每条记录应在一行之内（含多行文字的单元格无法作为一行读取）"},
    {"a load meter (总表) measures the whole installation; expected no product_id on load rows (a "
     "product's sub-meter is given with the source of its power)",
     "总表计量整个设施；总表行不应有 product_id（产品分表应按其电力来源填写）"},
    {"a monthly total and daily or interval rows for the same meter and month (see %s:%ld); expected one "
     "or the other",
     "同一计量点同一月份既有月度合计又有日或时段数据（见 %s:%ld）；二者只应有其一"},
    {"a monthly total and daily rows for the same product and month (see %s:%ld); expected one or the "
     "other",
     "同一产品同一月份既有月度合计又有日数据（见 %s:%ld）；二者只应有其一"},
    {"a quoted field is not closed before the end of the file; expected a closing \"",
     "带引号的字段直到文件末尾仍未闭合；缺少闭合的 \""},
    {"both 'kwh' and 'energy' columns; expected one of them",
     "同时有“kwh”和“energy”列；二者只应有其一"},
    {"cannot open: %s",
     "无法打开：%s"},
    {"cannot read the factors directory: %s",
     "无法读取排放因子目录：%s"},
    {"cannot start the workbook",
     "无法创建工作簿"},
    {"cn_code \"%s\" is not a CN code; expected 8 digits (spaces allowed), such as 7318 15 88",
     "cn_code“%s”不是 CN 编码；应为 8 位数字（可含空格），如 7318 15 88"},
    {"cn_code %s differs from %s given for product %s earlier; expected one CN code per product",
     "CN 编码 %s 与之前填写的 %s（产品 %s）不同；每个产品应只有一个 CN 编码"},
    {"column \"%s\" is not read; if it holds the %s, add --map %s=%s",
     "列“%s”未读取；如果它是 %s，请加 --map %s=%s"},
    {"column '%s' appears twice (also column %d); expected each column once",
     "列“%s”出现两次（另见第 %d 列）；每列应只出现一次"},
    {"country \"%s\" is not a country code; expected ISO 3166 alpha-2 such as CN",
     "国家“%s”不是国家代码；应为 ISO 3166 两位字母代码，如 CN"},
    {"current reading %s is below the previous %s; a meter rollover or replacement must be stated: give "
     "the energy instead",
     "本期示数 %s 小于上期示数 %s；电表翻转或换表须另行说明：请改为直接填写电量"},
    {"direct emissions of product '%s' of enterprise '%s': no enterprise in the inputs has that id%s; the "
     "row is not used",
     "产品“%s”（企业“%s”）的直接排放：输入文件中没有该编号的企业%.0s；该行未使用"},
    {"direct emissions of product '%s'%s%s: no such product in the period's production; the row is not used "
     "(check the id as the production file writes it)",
     "产品“%s”%.0s%.0s的直接排放：报告期的产量数据中没有该产品；该行未使用（请按产量文件中的写法核对编号）"},
    {"duplicate of %s:%ld (same enterprise, period and product); expected each product once per period",
     "与 %s:%ld 重复（企业、期间和产品均相同）；每个产品每期应只出现一次"},
    {"duplicate of %s:%ld (same enterprise, period, meter, product and source); expected each meter once "
     "per period",
     "与 %s:%ld 重复（企业、期间、计量点、产品和来源均相同）；每个计量点每期应只出现一次"},
    {"duplicate of %s:%ld (same enterprise, year and product); expected each product once per year",
     "与 %s:%ld 重复（企业、年份和产品均相同）；每个产品每年应只出现一次"},
    {"empty file; expected a header line and %s rows",
     "文件为空；应有表头行和 %s 数据行"},
    {"empty file; expected a header line and factors",
     "文件为空；应有表头行和排放因子"},
    {"energy %s kWh is negative; expected an amount of at least 0 (net a refund into that meter's month)",
     "电量 %s kWh 为负数；应为不小于 0 的数量（退补电量请并入该计量点当月）"},
    {"energy = (current - previous reading) x multiplier, in kWh (no unit was given)",
     "电量 =（本期示数 - 上期示数）× 倍率，单位 kWh（未给出单位）"},
    {"energy is out of range once converted to kWh; expected at most %g kWh in one row (more than the "
     "world uses in a year: check the unit)",
     "换算为 kWh 后电量超出范围；每行最多 %g kWh（已超过全球一年的用电量：请检查单位）"},
    {"enterprise %s has no electricity in the selected period",
     "企业 %s 在所选期间内没有用电量"},
    {"enterprise %s has rows from %s to %s (%d months); a report covers at most %d years unless --from "
     "and --to say otherwise: check the dates (a typo in a year?) or choose the period with --from/--to "
     "or --year",
     "企业 %s 的数据从 %s 到 %s（%d 个月）；除非用 --from 和 --to 指定，一份报告最多覆盖 %d 年："
     "请检查日期（年份是否写错？），或用 --from/--to 或 --year 选择报告期"},
    {"enterprise %s is already listed at %s:%ld; expected each enterprise once",
     "企业 %s 已在 %s:%ld 列出；每个企业应只出现一次"},
    {"enterprise %s is not in the enterprises file: country CN and no province assumed",
     "企业 %s 不在企业信息文件中：按国家 CN、无省份处理"},
    {"enterprise %s, %s: certificates for %s kWh exceed the grid purchase of %s kWh; %s kWh of "
     "certificates are not used",
     "企业 %s，%s：绿证 %s kWh 超过电网购电 %s kWh；%s kWh 绿证未使用"},
    {"enterprise %s, %s: load meter %s has no rows for %d of the %d days the other meters cover, so the "
     "month is not matched hour by hour (its monthly figures stand); a meter added or removed during the "
     "period? report those months apart with --from/--to",
     "企业 %s，%s：总表 %s 缺少 %d 天的数据（其他电表覆盖 %d 天），因此该月未逐小时匹配（沿用月度数据）；"
     "期间内是否增减了电表？请用 --from/--to 将这些月份单独报告"},
    {"enterprise %s, %s: no production this month; %s kWh stay unallocated",
     "企业 %s，%s：本月没有产量；%s kWh 未分摊"},
    {"enterprise %s, %s: the %s rows not matched by the hour give %s kWh, but only %s kWh of the load are "
     "left after the hourly green supply and the sources before it; only those are counted: check the "
     "load meter and the %s rows",
     "企业 %s，%s：未逐小时匹配的 %s 数据为 %s kWh，但扣除逐小时绿电及排在其前的来源后，总表只剩 %s kWh；"
     "只计入这部分：请检查总表和 %s 数据"},
    {"enterprise %s, %s: the grid meter differs from the load less the matched green supply by %s kWh "
     "summed over the hours (more than 0.5 %% of the month's load of %s kWh); the largest differences: "
     "%s; the load meter's figure is used: check the meters' clocks and that every meter is in the files",
     "企业 %s，%s：电网购电电表与总表减去已匹配绿电之差逐小时累计 %s kWh（超过当月负荷的 0.5 %%，当月负荷 "
     "%s kWh）；差异最大的时段：%s；采用总表数据：请检查各电表的时钟，以及所有电表是否都在文件中"},
    {"enterprise %s, %s: the grid meters give %s kWh, the load less the green supply leaves %s kWh for "
     "the grid (%s kWh apart, more than 0.5 %% of the month's load); the load meter's figure is used: "
     "check that every meter of the installation is in the files",
     "企业 %s，%s：电网购电电表计量 %s kWh，总表减去绿电后电网购电应为 %s kWh（相差 %s kWh，"
     "超过当月负荷的 0.5 %%）；采用总表数据：请检查设施的所有电表是否都在文件中"},
    {"enterprise %s, %s: the load meter gives %s kWh, the supply meters %s kWh (more than 0.5 %% apart); "
     "the figures use the supply meters, as this month is not matched hour by hour: %s",
     "企业 %s，%s：总表为 %s kWh，各供电电表合计 %s kWh（相差超过 0.5 %%）；由于本月未逐小时匹配，"
     "采用供电电表数据：%s"},
    {"enterprise %s, %s: the products' sub-meters give %s kWh of %s, but the hour-by-hour matching leaves "
     "%s kWh of it for the whole installation; expected the sub-meters to be part of the load meter%s",
     "企业 %s，%s：各产品分表计量 %s kWh 的 %s 电量，但逐小时匹配后整个设施只剩 %s kWh；"
     "分表应包含在总表计量范围之内%s"},
    {"enterprise %s, product %s (%s): %s MWh/t is outside the plausible range %s to %s MWh/t for its CBAM "
     "goods category (%s); check the units: production in t (not kg), electricity in kWh (not MWh)",
     "企业 %s，产品 %s（%s）：%s MWh/t 超出其 CBAM 货物类别的合理范围 %s 至 %s MWh/t（%s）；请检查单位："
     "产量应为吨（而非 kg），电量应为 kWh（而非 MWh）"},
    {"enterprise %s, product %s: no production in the period; its specific emissions are undefined",
     "企业 %s，产品 %s：报告期内没有产量；其单位产品排放无定义"},
    {"enterprise %s, product %s: production but no electricity in any of its months; its specific "
     "emissions are undefined (null), not 0",
     "企业 %s，产品 %s：有产量，但其所有月份均无用电量；其单位产品排放无定义（null），而不是 0"},
    {"enterprise %s: %s lack%s %zu interval%s on %zu day%s: %s; those intervals are missing from the "
     "hours and months they belong to%s",
     "企业 %s：%s%.0s缺少 %zu 个时段%.0s的数据，分布在 %zu 天%.0s：%s；这些时段不计入其所属的小时和月份%s"},
    {"enterprise %s: %s; the location-based figure uses the national average %s",
     "企业 %s：%s；基于位置的排放量采用全国平均排放因子 %s"},
    {"enterprise %s: %zu hour-matched month%s (%s) also %s direct-line or PPA kWh from monthly rows: for "
     "those kWh the one-hour match (IR 2025/2547 Annex II D.4.3) is not demonstrated; give those meters' "
     "interval rows",
     "企业 %s：%zu 个逐小时匹配的月份%.0s（%s）还有%.0s来自月度数据的直连或购电协议电量："
     "这部分电量未能证明逐小时匹配（IR 2025/2547 附件 II D.4.3）；请提供这些计量点的分时数据"},
    {"enterprise %s: meter %s (%s) covers only part of %zu month%s: %s; the missing days are missing "
     "from those months' electricity",
     "企业 %s：电表 %s（%s）只覆盖了 %zu 个月%.0s的部分天数：%s；缺少的天数不计入这些月份的用电量"},
    {"enterprise %s: meter %s (%s) has no rows for %zu month%s inside the period: %s; that electricity "
     "is missing from those months unless it is really 0 (then give a row with 0)",
     "企业 %s：电表 %s（%s）在报告期内有 %zu 个月%.0s没有数据：%s；除非这些月份确实为 "
     "0（此时请填写一行 0），否则这部分用电量缺失"},
    {"enterprise %s: monthly totals in %zu month%s (%s): the one-hour match required for direct-link/PPA "
     "evidence (IR 2025/2547 Annex II D.4.3) is not demonstrated for their monthly direct-line/PPA rows; "
     "the other months are matched hour by hour",
     "企业 %s：%zu 个月%.0s（%s）为月度合计：这些月份的直连/购电协议月度数据未能证明所需的逐小时匹配（IR "
     "2025/2547 附件 II D.4.3）；其他月份已逐小时匹配"},
    {"enterprise %s: monthly totals: the one-hour match required for direct-link/PPA evidence (IR "
     "2025/2547 Annex II D.4.3) is not demonstrated; keep the hourly meter data as evidence, or give it "
     "(interval rows and a load meter) to match hour by hour",
     "企业 %s：仅有月度合计：未能证明直连/购电协议证据所需的逐小时匹配（IR 2025/2547 附件 II D.4.3）；"
     "请保留逐小时电表数据作为证据，或提供这些数据（分时数据和总表）以逐小时匹配"},
    {"enterprise %s: no %d %s factor is published; using %d (%s), the latest before it",
     "企业 %s：未发布 %d 年的 %s 排放因子；采用此前最近的 %d 年因子（%s）"},
    {"enterprise %s: no CBAM default factor for country %s; using %s (other countries and territories)",
     "企业 %s：国家 %s 没有 CBAM 默认排放因子；采用 %s（其他国家和地区）"},
    {"enterprise %s: no CBAM grid factor; give one with --cbam-grid-factor",
     "企业 %s：没有 CBAM 电网排放因子；请用 --cbam-grid-factor 指定"},
    {"enterprise %s: no electricity rows for %zu month%s inside the period: %s",
     "企业 %s：报告期内有 %zu 个月%.0s没有用电数据：%s"},
    {"enterprise %s: no location-based grid factor for country %s in %d or earlier; give one with "
     "--grid-factor ID|VALUE",
     "企业 %s：国家 %s 在 %d 年及以前没有基于位置的电网排放因子；请用 --grid-factor ID|VALUE 指定"},
    {"enterprise %s: no production data; no kWh are attributed to products",
     "企业 %s：没有产量数据；用电量未分摊到产品"},
    {"enterprise %s: no residual-mix factor for country %s; the market-based figure uses the location "
     "factor %s (GHG Protocol fallback)",
     "企业 %s：国家 %s 没有剩余组合排放因子；基于市场的排放量采用基于位置的排放因子 "
     "%s（温室气体核算体系的替代规则）"},
    {"enterprise %s: production but no electricity in %zu month%s: %s; these %s t are left out of the "
     "specific emissions (SEE uses only months with both electricity and production); give the "
     "electricity of those months or report a shorter period (--from/--to)",
     "企业 %s：有 %zu 个月%.0s有产量但没有用电量：%s；这 %s 吨不计入单位产品排放（SEE "
     "只用同时有用电量和产量的月份）；请补充这些月份的用电量，或缩短报告期（--from/--to）"},
    {"enterprise %s: production for %d is annual: SEE is over the whole year; the months' shared kWh are "
     "split by the year's tonnes, and no tonnes are shown per month",
     "企业 %s：%d 年产量为全年数：单位产品排放按全年计算；各月共用电量按全年产量分摊，各月不显示产量"},
    {"enterprise %s: production for %d is given both for the whole year and for months; expected one or "
     "the other",
     "企业 %s：%d 年的产量既按全年又按月给出；二者只应有其一"},
    {"enterprise %s: production for the whole year %d cannot be used for the period %s..%s: a year's "
     "tonnes cannot be split into months; report the whole year (--year %d) or give monthly production",
     "企业 %s：%d 全年产量不能用于期间 %s..%s：年产量不能拆分到各月；请按全年报告（--year %d）"
     "或提供月度产量"},
    {"enterprise %s: production is given for the whole year %d, but the electricity does not cover that "
     "year: no electricity for %zu month%s (%s); give every month's electricity or monthly production (a "
     "year's tonnes are never split into months)",
     "企业 %s：产量按 %d 全年给出，但用电量未覆盖全年：%zu 个月%.0s没有用电量（%s）；"
     "请提供每个月的用电量或月度产量（年产量不会拆分到各月）"},
    {"enterprise %s: the %s rows of this file cover only part of %zu month%s: %s; the missing days "
     "are missing from those months' electricity",
     "企业 %s：本文件的 %s 数据只覆盖了 %zu 个月%.0s的部分天数：%s；缺少的天数不计入这些月份的用电量"},
    {"enterprise %s: the period spans data years with different factors; each month names its own, and a "
     "period-level factor that differs is left empty",
     "企业 %s：报告期跨越排放因子不同的数据年份；各月分别注明所用因子，期间层面不一致的因子留空"},
    {"enterprise %s: the shared kWh are split by production mass across different CBAM sectors (from %s: "
     "%s %s, %s %s): mass is no fair key between unrelated processes; give each product's sub-meter rows "
     "(a product_id column) or --product PRODUCT_ID after -e FILE for a sub-meter's export",
     "企业 %s：共用电量按产量（质量）在不同 CBAM 行业之间分摊（自 %s 起：%s %s，%s %s）："
     "不相关的工艺之间按质量分摊并不合理；请提供各产品的分表数据（product_id 列），或在分表导出文件的 -e "
     "FILE 之后加 --product PRODUCT_ID"},
    {"enterprise %s: the supplier factor %s counts for the market-based figure only; the CBAM figure uses "
     "the grid factor for those kWh: CBAM accepts an actual factor only for a direct technical link or a "
     "PPA (IR 2025/2547 Annex II D.4.3), and a park's blended factor is neither unless the supply is from "
     "a generator on a direct technical link or under a PPA with physical delivery",
     "企业 %s：供应商排放因子 %s 只用于基于市场的排放量；CBAM 排放量对这部分电量采用电网排放因子：CBAM "
     "只对直接技术连接或购电协议接受实际排放因子（IR 2025/2547 附件 II D.4.3），"
     "园区的综合排放因子二者都不是，除非电力来自直接技术连接的发电设施，或来自实物交付的购电协议"},
    {"enterprise %s: this file has no %s rows for %zu month%s inside the period: %s; that electricity "
     "is missing from those months unless it is really 0 (then give a row with 0)",
     "企业 %s：本文件没有 %s 数据的月份（报告期内共 %zu 个月%.0s）：%s；除非这些月份确实为 "
     "0（此时请填写一行 0），否则这部分用电量缺失"},
    {"enterprise_id is empty; expected the enterprise's id",
     "enterprise_id（企业编号）为空；应填写企业编号"},
    {"expected consecutive years from %d with a falling cbam_factor between 0 and 1",
     "应为自 %d 年起的连续年份，cbam_factor 逐年下降且在 0 到 1 之间"},
    {"expected years ending with a cbam_factor of 0",
     "各年份中最后一年的 cbam_factor 应为 0"},
    {"factor '%s' REPLACES the shipped %s (%s kgCO2/kWh, status %s) with %s kgCO2/kWh from this file: "
     "every figure that uses it follows your value, marked status user%s",
     "排放因子“%s”替换了内置的 %s（%s kgCO2/kWh，状态 %s），改用本文件的 %s kgCO2/kWh："
     "所有用到它的数字都随您的数值变化，状态标为 user%s"},
    {"factor '%s' is a second %s factor for %s%s%s %d beside '%s' (%s:%ld), which is the one used; give "
     "one factor per kind, place and year, or choose one with --grid-factor, --residual-factor or "
     "--cbam-grid-factor",
     "排放因子“%s”是第二个 %s 类因子，适用于 %s%s%s %d 年，与“%s”（%s:%ld）重复，实际采用的是后者；"
     "每种类型、地区和年份只应有一个因子，或用 --grid-factor、--residual-factor 或 --cbam-grid-factor "
     "选择其一"},
    {"factor id '%s' is already defined at %s:%ld; expected each id once",
     "排放因子编号“%s”已在 %s:%ld 定义；每个编号应只定义一次"},
    {"factor_id \"%s\" is a %s factor; expected a supplier factor",
     "factor_id“%s”是 %s 类排放因子；应为供应商排放因子"},
    {"factor_id \"%s\" is not a known factor; expected an id from 'cbamcalc factors list' or a file given "
     "with --factors",
     "factor_id“%s”不是已知的排放因子；应为“cbamcalc factors list”列出的编号，或 --factors "
     "所给文件中的编号"},
    {"factor_id is ignored for source %s (only supplier rows carry their own factor)",
     "来源为 %s 时忽略 factor_id（只有供应商行带有自己的排放因子）"},
    {"field contains U+%04X, an invisible mark (it makes an id look like another); expected printable text",
     "字段含有 U+%04X，这是不可见标记（会使一个编号看起来像另一个）；应为可打印文本"},
    {"field contains U+%04X, which is not a character (a workbook cannot hold it); expected printable text",
     "字段含有 U+%04X，它不是字符（工作簿无法保存）；应为可打印文本"},
    {"field contains the control character U+%04X (%s); expected printable text",
     "字段含有控制字符 U+%04X（%s）；应为可打印文本"},
    {"fields separated by ';': numbers are read with a decimal comma (1.234,5)",
     "字段以“;”分隔：数字按小数逗号读取（1.234,5）"},
    {"fields separated by tabs",
     "字段以制表符分隔"},
    {"invalid UTF-8 (byte 0x%02x at offset %zu of the field); save the file as UTF-8, or give --encoding "
     "gb18030 for a GBK file",
     "无效的 UTF-8（字节 0x%02x，位于字段第 %zu 字节处）；请将文件另存为 UTF-8，GBK 文件请加 --encoding "
     "gb18030"},
    {"is a directory; expected a CSV file",
     "这是一个目录；应为 CSV 文件"},
    {"is empty; expected a header cn_code,value,column,source and benchmarks",
     "为空；应有表头 cn_code,value,column,source 及基准值数据"},
    {"is empty; expected a header product_id,direct_t_co2_per_t,source",
     "为空；应有表头 product_id,direct_t_co2_per_t,source"},
    {"is not compiled in (a build error)",
     "未编译进程序（构建错误）"},
    {"its data of %d are before CBAM certificates (2026): the cost is priced as if the goods were imported "
     "in %d (CBAM factor %g); choose the year of import with --cbam-year",
     "其数据年份 %d 早于 CBAM 证书开始的年份（2026）：成本按货物于 %d 年进口计算（CBAM 系数 %g）；"
     "请用 --cbam-year 选择进口年份"},
    {"malformed quoting (the quoted field began on line %ld): a quote inside an unquoted field, or text "
     "after a closing quote; expected \"...\" around the whole field with inner quotes doubled",
     "引号格式错误（带引号的字段始于第 %ld 行）：未加引号的字段中有引号，或闭合引号之后还有文字；"
     "整个字段应以 \"...\" 括起，内部的引号须写两遍"},
    {"malformed quoting: a quote inside an unquoted field, or text after a closing quote; expected "
     "\"...\" around the whole field with inner quotes doubled",
     "引号格式错误：未加引号的字段中有引号，或闭合引号之后还有文字；整个字段应以 \"...\" 括起，"
     "内部的引号须写两遍"},
    {"meter %s, %s: the time-of-use tiers add up to %s kWh, the total is %s kWh (%.1f %% apart); the "
     "total is used",
     "计量点 %s，%s：各分时段电量合计 %s kWh，总电量为 %s kWh（相差 %.1f %%）；采用总电量"},
    {"meter %s, %s: the total is 0 kWh but the time-of-use tiers add up to %s kWh; expected the total of "
     "the tiers (or 0 in every tier)",
     "计量点 %s，%s：总电量为 0 kWh，但各分时段电量合计 %s kWh；总电量应等于各时段之和（或各时段均为 0）"},
    {"meter_id \"%s\" differs from meter \"%s\" (%s:%ld) only in letter case, full-width characters or "
     "leading zeros; expected one spelling of each id",
     "计量点编号“%s”与计量点“%s”（%s:%ld）仅在大小写、全角字符或前导零上不同；同一编号应写法一致"},
    {"more than %d fields or %d bytes in one record",
     "一条记录超过 %d 个字段或 %d 字节"},
    {"multiplier is %s; expected a number above 0",
     "倍率为 %s；应为大于 0 的数"},
    {"name is empty; expected the enterprise's name",
     "name（名称）为空；应填写企业名称"},
    {"no *.csv factor files in this directory",
     "该目录中没有 *.csv 排放因子文件"},
    {"no energy column; expected 'kwh', or 'energy' with 'unit', time-of-use columns or meter readings",
     "没有电量列；应有“kwh”，或“energy”加“unit”，或分时段列，或电表示数"},
    {"no enterprise column: every row is read as enterprise %s's (--enterprise)",
     "没有企业列：所有行均视为企业 %s 的数据（--enterprise）"},
    {"no header with the %s columns in the first %zu rows; line %ld was taken as the header (see above "
     "for what it lacks), its headers are: %s; expected the canonical names or their Chinese forms "
     "(README, Input files), or --map COLUMN=HEADER%s",
     "没有找到含 %s 各列的表头（已查看前 %zu 行）；第 %ld 行被当作表头（缺少的列见上文），其列名为：%s；"
     "应使用标准列名或其中文名称（见 README 的 Input files），或 --map COLUMN=HEADER%s"},
    {"no unit for column '%s'; expected a 'unit' column or one in the header, such as 电量(kWh)",
     "“%s”列没有单位；应有“unit”列，或在表头注明，如 电量(kWh)"},
    {"no unit for the quantity; expected a 'unit' column (t or kg) or one in the header, such as 产量(吨)",
     "产量没有单位；应有“unit”列（t 或 kg），或在表头注明，如 产量(吨)"},
    {"none of its %zu rows is for enterprise %s (the first is for %s): the file adds nothing; check that "
     "every file uses the same id",
     "文件的 %zu 行中没有一行属于企业 %s（第一行属于 %s）：该文件未提供任何数据；"
     "请检查各文件是否使用相同的企业编号"},
    {"not the header: read as a title row and skipped",
     "不是表头：视为标题行并跳过"},
    {"period_end is before period_start",
     "period_end（结束日期）早于 period_start（开始日期）"},
    {"product %s%s%s is already given direct emissions at %s:%ld; expected each product once",
     "产品 %s%.0s%.0s 的直接排放已在 %s:%ld 给出；每个产品应只出现一次"},
    {"product_id \"%s\" differs from --product %s given for this file; expected one of them",
     "product_id“%s”与为此文件指定的 --product %s 不同；二者只应有其一"},
    {"product_id is empty; expected the product the direct emissions belong to",
     "product_id（产品编号）为空；应填写该直接排放所属的产品"},
    {"product_id is empty; expected the product's id",
     "product_id（产品编号）为空；应填写产品编号"},
    {"product_id is ignored on certificate rows: certificates cover the enterprise's grid purchase as a "
     "whole",
     "绿证行忽略 product_id：绿证针对企业电网购电整体"},
    {"product_name \"%s\" differs from \"%s\" given for product %s earlier; expected one name per product",
     "产品名称“%s”与之前填写的“%s”（产品 %s）不同；每个产品应只有一个名称"},
    {"production is given for enterprise %s, which has no electricity at all: its products' specific "
     "emissions are undefined (null); check that every file uses the same id",
     "企业 %s 有产量但完全没有用电量：其产品的单位产品排放无定义（null）；"
     "请检查各文件是否使用相同的企业编号"},
    {"production is given for enterprise %s, which has no electricity at all; did you mean %s "
     "(electricity but no production)? Use one id for the enterprise in every file",
     "企业 %s 有产量但完全没有用电量；是否应为 %s（有用电量但没有产量）"
     "？同一企业在所有文件中应使用同一编号"},
    {"province \"%s\" is not a province with MEE factors; %s will get the national average factor",
     "省份“%s”没有生态环境部发布的排放因子；%s 将采用全国平均排放因子"},
    {"quantity is %s t; expected at most %s t in one row (check the unit)",
     "产量为 %s 吨；每行最多 %s 吨（请检查单位）"},
    {"reactive energy (kvarh) is never added to consumption",
     "无功电量（kvarh）不计入用电量"},
    {"read as %s text: it is not valid UTF-8 (give --encoding to choose another)",
     "按 %s 文本读取：文件不是有效的 UTF-8（可用 --encoding 另选编码）"},
    {"read as %s text: its byte-order mark (give --encoding to choose another)",
     "按 %s 文本读取：依据其字节顺序标记（可用 --encoding 另选编码）"},
    {"read failed: %s",
     "读取失败：%s"},
    {"required column '%s' is missing from the header",
     "表头缺少必需列“%s”"},
    {"required column 'enterprise_id' is missing from the header",
     "表头缺少必需列“enterprise_id”（企业编号）"},
    {"required column 'period' (or 'period_start' and 'period_end') is missing from the header",
     "表头缺少必需列“period”（期间；或“period_start”和“period_end”）"},
    {"required column 'source' is missing from the header; for a file of one source give --source SRC "
     "after -e FILE",
     "表头缺少必需列“source”（来源）；若文件只有一种来源，可在 -e FILE 之后加 --source SRC"},
    {"source \"%s\" is unknown; expected one of %s",
     "无法识别来源“%s”；应为以下之一：%s"},
    {"source supplier needs a factor_id naming the supplier's factor",
     "来源 supplier（供应商）需要 factor_id 指明供应商的排放因子"},
    {"the direct emissions column's unit \"%s\" is not tCO2 per tonne; expected tCO2/t (or no unit)",
     "直接排放列的单位“%s”不是吨CO2/吨；应为 tCO2/t（或不带单位）"},
    {"the file ends inside a character (byte 0x%02x) is not valid %s text; save the file as UTF-8, or "
     "give --encoding",
     "文件在一个字符中间结束（字节 0x%02x），不是有效的 %s 文本；请将文件另存为 UTF-8，或指定 --encoding"},
    {"the file has a source column, and --source was given for it; expected one of them",
     "文件有来源列，同时又为它指定了 --source；二者只应有其一"},
    {"the header is on line %ld; %zu title row%s above it %s skipped",
     "表头在第 %ld 行；其上方 %zu 行标题%.0s已跳过%.0s"},
    {"the solar profile table is unusable (a bug; please report it)",
     "光伏曲线表无法使用（这是程序缺陷，请报告）"},
    {"the time-of-use tiers add up to %s kWh, the total is %s kWh (%.1f %% apart); the total is used",
     "各分时段电量合计 %s kWh，总电量为 %s kWh（相差 %.1f %%）；采用总电量"},
    {"the total is 0 kWh but the time-of-use tiers add up to %s kWh; expected the total of the tiers (or "
     "0 in every tier)",
     "总电量为 0 kWh，但各分时段电量合计 %s kWh；总电量应等于各时段之和（或各时段均为 0）"},
    {"the unit \"%s\" in the header of '%s' is %s; expected kWh, MWh, 万kWh ...",
     "表头中的单位“%s”（“%s”列）为 %s；应为 kWh、MWh、万kWh 等"},
    {"the unit \"%s\" in the header of 'quantity' is not a unit cbamcalc reads; expected t (吨) or kg: "
     "convert the column to tonnes (1 万吨 = 10,000 t) and name the unit in the header, such as 产量(吨)",
     "“quantity”（产量）表头中的单位“%s”不是 cbamcalc 可读取的单位；应为 t（吨）或 kg："
     "请将该列换算为吨（1 万吨 = 10,000 t）并在表头注明单位，如 产量(吨)"},
    {"the value column's unit \"%s\" is not tCO2 per tonne; expected tCO2/t (or no unit)",
     "value（基准值）列的单位“%s”不是吨CO2/吨；应为 tCO2/t（或不带单位）"},
    {"the workbook could not be written completely (%s; staging directory %s had %.1f MB free); nothing "
     "was written",
     "工作簿未能完整写入（%s；暂存目录 %s 剩余 %.1f MB）；未写入任何内容"},
    {"the workbook could not be written completely: %s; nothing was written",
     "工作簿未能完整写入：%s；未写入任何内容"},
    {"this meter's month has rows named by the interval's %s here and by its %s at %s:%ld: one interval "
     "could be counted twice; expected one labelling (say it with --interval-label start|end after each "
     "-e FILE)",
     "该计量点本月的数据此处以时段的 %s 标注，另一处以时段的 %s 标注（%s:%ld）：同一时段可能被计算两次；"
     "应使用同一种标注（在每个 -e FILE 之后用 --interval-label start|end 说明）"},
    {"this meter's rows of the month are written with %s here and with %s at %s:%ld; expected one clock "
     "for a meter (is a time range such as 11:00-12:00 read as a UTC offset? give one time per row)",
     "该计量点本月的数据此处为 %s，另一处为 %s（%s:%ld）；同一计量点应使用同一时钟（是否把 11:00-12:00 "
     "这样的时间段读成了 UTC 时差？每行只写一个时刻）"},
    {"this system's iconv cannot convert the file's encoding",
     "本系统的 iconv 无法转换该文件的编码"},
    {"tier \"%s\" given twice for this meter and month (see %s:%ld)",
     "时段“%s”在该计量点本月出现两次（见 %s:%ld）"},
    {"tier \"%s\" is unknown; expected 总/有功总 (total), 尖峰, 峰, 平, 谷, 深谷 or 无功",
     "无法识别时段“%s”；应为 总/有功总（合计）、尖峰、峰、平、谷、深谷 或 无功"},
    {"unit \"%s\" counts certificates, but the source is %s; expected an energy unit",
     "单位“%s”用于计数绿证，但来源为 %s；应为电量单位"},
    {"unit \"%s\" differs from the unit in the header of 'quantity' (%s); expected one unit: drop one of "
     "them",
     "单位“%s”与“quantity”（产量）表头中的单位（%s）不同；单位应唯一：请删去其一"},
    {"unit \"%s\" differs from the unit of column '%s' (%s); expected one unit: drop the unit column, or "
     "name the energy column 'energy' without a unit in its header",
     "单位“%s”与“%s”列的单位（%s）不同；单位应唯一：删除单位列，或将电量列命名为“energy”且表头不带单位"},
    {"unit \"%s\" is not a mass unit cbamcalc reads; expected t (吨) or kg (convert other units, such as "
     "万吨, to t)",
     "单位“%s”不是 cbamcalc 可读取的质量单位；应为 t（吨）或 kg（其他单位如万吨请换算为吨）"},
    {"unit \"%s\" is power, not energy; expected an energy unit such as kWh or MWh",
     "单位“%s”是功率而不是电量；应为电量单位，如 kWh 或 MWh"},
    {"unit \"%s\" is unknown; expected kWh, 度, MWh, GWh, 万kWh or 亿kWh",
     "无法识别单位“%s”；应为 kWh、度、MWh、GWh、万kWh 或 亿kWh"},
    {"unit is empty; expected kWh, MWh, 万kWh ...",
     "单位为空；应为 kWh、MWh、万kWh 等"},
    {"unlocode \"%s\" is a place in %.2s, but the enterprise's country is %s",
     "unlocode“%s”是 %.2s 的地点，但企业所在国家为 %s"},
    {"unlocode \"%s\" is not a UN/LOCODE; expected the country and three letters, such as CN TYN",
     "unlocode“%s”不是 UN/LOCODE；应为国家代码加三个字母，如 CN TYN"},
    {"writing the workbook failed: %s (%s; staging directory %s)",
     "写入工作簿失败：%s（%s；暂存目录 %s）"},
    {"writing the workbook failed: %s (staging directory %s)",
     "写入工作簿失败：%s（暂存目录 %s）"},
};

const msgzh_pair *msgzh_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

const char *msgzh_lookup(const char *en)
{
    size_t lo = 0, hi = sizeof table / sizeof table[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(en, table[mid].en);
        if (c == 0)
            return table[mid].zh;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
