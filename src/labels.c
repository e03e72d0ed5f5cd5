/* labels.c - the label table (see labels.h); tests check every entry is set. */
#include "config.h"
#include "labels.h"

#include <stddef.h>

static const char *const table[L__COUNT][2] = {
    [L_TITLE] = {"Electricity emissions report (GHG Protocol Scope 2 and EU CBAM indirect)",
                 "电力碳排放报告（温室气体核算体系范围二与欧盟CBAM间接排放）"},
    [L_SUM_NO_DATA] = {"No enterprise has data in the selected period.", "所选期间内没有企业的数据。"},
    [L_SUM_ENTERPRISE] = {"Enterprise", "企业"},
    [L_SUM_CONSUMPTION] = {"consumption", "总用电量"},
    [L_SUM_GREEN_SHARE] = {"green share", "绿电占比"},
    [L_SUM_CERTIFICATES] = {"certificates", "绿证"},
    [L_SUM_UNALLOCATED] = {"unallocated", "未分摊"},
    [L_SUM_EMISSIONS] = {"Emissions", "排放量"},
    [L_SUM_LOCATION] = {"location-based", "基于位置"},
    [L_SUM_MARKET] = {"market-based", "基于市场"},
    [L_SUM_PRODUCTS] = {"Products", "产品"},
    [L_SUM_GRID] = {"grid", "电网购电"},
    [L_SUM_SUPPLIER] = {"supplier", "供应商特定"},
    [L_SUM_LOAD] = {"load", "总表"},
    [L_ENTERPRISE] = {"Enterprise ID", "企业编号"},
    [L_NAME] = {"Name", "名称"},
    [L_NAME_EN] = {"Name (English)", "英文名称"},
    [L_COUNTRY] = {"Country", "国家"},
    [L_PROVINCE] = {"Province", "省份"},
    [L_ADDRESS] = {"Address", "地址"},
    [L_INSTALLATION] = {"Installation", "设施"},
    [L_PERIOD] = {"Period", "期间"},
    [L_TOOL] = {"Tool", "工具"},
    [L_CREATED] = {"Created (UTC)", "生成时间（UTC）"},
    [L_INPUTS] = {"Input files", "输入文件"},
    [L_PATH] = {"File", "文件"},
    [L_ROLE] = {"Role", "类型"},
    [L_SHA256] = {"SHA-256", "SHA-256"},
    [L_ROWS] = {"Rows", "行数"},
    [L_RESULTS] = {"Emissions by method", "各方法排放量"},
    [L_METHOD] = {"Method", "方法"},
    [L_T_CO2] = {"tCO2", "吨CO2"},
    [L_KG_PER_KWH] = {"kgCO2/kWh", "kgCO2/kWh"},
    [L_FACTOR] = {"Factor", "排放因子"},
    [L_FACTOR_VALUE] = {"Factor value (kgCO2/kWh)", "因子值（kgCO2/kWh）"},
    [L_SOURCE_CODE] = {"CBAM source code", "CBAM来源代码"},
    [L_LOCATION] = {"Location-based (Scope 2)", "基于位置（范围二）"},
    [L_MARKET] = {"Market-based (Scope 2)", "基于市场（范围二）"},
    [L_CBAM] = {"CBAM indirect", "CBAM间接排放"},
    [L_GREEN_SHARE] = {"Green share of consumption", "绿电占比"},
    [L_CONSUMPTION_KWH] = {"Consumption (kWh)", "用电量（kWh）"},
    [L_PRODUCTS] = {"Products", "产品"},
    [L_PRODUCT] = {"Product ID", "产品编号"},
    [L_PRODUCT_NAME] = {"Product name", "产品名称"},
    [L_CN_CODE] = {"CN code", "CN编码"},
    [L_QUANTITY_T] = {"Quantity (t)", "产量（吨）"},
    [L_ELECTRICITY_KWH] = {"Electricity (kWh)", "电量（kWh）"},
    [L_SEE_LOCATION] = {"SEE location (tCO2/t)", "单位产品排放-位置（tCO2/t）"},
    [L_SEE_MARKET] = {"SEE market (tCO2/t)", "单位产品排放-市场（tCO2/t）"},
    [L_SEE_CBAM] = {"SEE CBAM indirect (tCO2/t)", "单位产品排放-CBAM（tCO2/t）"},
    [L_MWH_PER_T] = {"Electricity (MWh/t)", "单位电耗（MWh/t）"},
    [L_CHART_MONTHLY] = {"Monthly electricity by source (kWh)", "按来源的月度用电量（kWh）"},
    [L_CHART_CBAM] = {"Monthly CBAM indirect emissions (tCO2)", "月度CBAM间接排放（吨CO2）"},
    [L_CHART_MIX] = {"Supply mix over the period (kWh)", "期间供电结构（kWh）"},
    [L_MONTH] = {"Month", "月份"},
    [L_GRID] = {"Grid (kWh)", "电网（kWh）"},
    [L_GREEN_TRADE] = {"Green trade (kWh)", "绿电交易（kWh）"},
    [L_GREEN_PPA] = {"PPA (kWh)", "购电协议（kWh）"},
    [L_GREEN_DIRECT] = {"Direct line (kWh)", "绿电直连（kWh）"},
    [L_ONSITE] = {"On-site (kWh)", "自发自用（kWh）"},
    [L_SUPPLIER] = {"Supplier-specific (kWh)", "供应商特定（kWh）"},
    [L_CONSUMPTION] = {"Consumption (kWh)", "总用电量（kWh）"},
    [L_CERTIFICATES] = {"Certificates (kWh, claim)", "绿证（kWh，声明）"},
    [L_CERTIFICATES_USED] = {"Certificates used (kWh)", "有效绿证（kWh）"},
    [L_EF_LOCATION] = {"EF location (kgCO2/kWh)", "位置因子（kgCO2/kWh）"},
    [L_EF_RESIDUAL] = {"EF residual (kgCO2/kWh)", "剩余组合因子（kgCO2/kWh）"},
    [L_EF_SUPPLIER] = {"EF supplier (kgCO2/kWh)", "供应商因子（kgCO2/kWh）"},
    [L_EF_CBAM] = {"EF CBAM (kgCO2/kWh)", "CBAM因子（kgCO2/kWh）"},
    [L_LOCATION_T] = {"Location-based (tCO2)", "基于位置（吨CO2）"},
    [L_MARKET_T] = {"Market-based (tCO2)", "基于市场（吨CO2）"},
    [L_CBAM_T] = {"CBAM indirect (tCO2)", "CBAM间接（吨CO2）"},
    [L_UNALLOCATED_KWH] = {"Unallocated (kWh)", "未分配（kWh）"},
    [L_TOTAL] = {"Total", "合计"},
    [L_KWH_SUB] = {"Sub-metered (kWh)", "分表计量（kWh）"},
    [L_KWH_ALLOC] = {"Allocated (kWh)", "分摊（kWh）"},
    [L_KEY] = {"Allocation key (mass share)", "分摊系数（产量占比）"},
    [L_UNALLOCATED] = {"(unallocated)", "（未分配）"},
    [L_PERIOD_TOTAL] = {"period", "全期"},
    [L_ID] = {"ID", "编号"},
    [L_VALUE] = {"Value (kgCO2/kWh)", "数值（kgCO2/kWh）"},
    [L_UNIT] = {"Unit as published", "发布单位"},
    [L_YEAR] = {"Year", "年份"},
    [L_KIND] = {"Kind", "类别"},
    [L_SOURCE] = {"Source", "来源"},
    [L_URL] = {"URL", "网址"},
    [L_STATUS] = {"Status", "状态"},
    [L_NOTE] = {"Note", "备注"},
    [L_USED_FOR] = {"Used for", "用途"},
    [L_SEVERITY] = {"Severity", "级别"},
    [L_FILE] = {"File", "文件"},
    [L_LINE] = {"Line", "行"},
    [L_COLUMN] = {"Column", "列"},
    [L_MESSAGE] = {"Message", "说明"},
    [L_DIAGNOSTICS] = {"Diagnostics", "数据问题"},
    [L_COMPLETENESS] = {"Completeness: meters x months", "完整性：电表 x 月份"},
    [L_METER] = {"Meter", "电表"},
    [L_SUPPLY] = {"Source", "电源类型"},
    [L_PRESENT] = {"ok", "有"},
    [L_MISSING] = {"MISSING", "缺失"},
    [L_NO_DIAGNOSTICS] = {"No diagnostics.", "无数据问题。"},
    [L_HOURLY_NOTE] =
        {"Monthly totals: the one-hour match required for direct-link/PPA evidence is not demonstrated.",
         "月度汇总：未证明直连/购电协议所需的逐小时匹配。"},
    [L_QUANTITY_SEE_T] = {"Quantity in SEE (t)", "计入SEE的产量（吨）"},
    [L_NA] = {"n/a", "不适用"},
    [L_SUPPLIER_NOT_CBAM] =
        {"Supplier factors count in the market-based figure, not for CBAM: CBAM accepts actual factors only "
         "for a direct technical link or a PPA (IR 2025/2547 Annex II D.4.3); a park's blended factor is "
         "neither unless the park is the generator on a direct technical link or the supply is under a PPA "
         "with physical delivery.",
         "供应商因子计入基于市场的数字，但不用于 CBAM：CBAM 仅在直接技术连接或购电协议情况下接受实际因子（IR "
         "2025/2547 附件二 D.4.3）；园区混合因子两者皆非，"
         "除非园区本身是直接技术连接的发电方，或供电依据实物交付的购电协议。"},
    [L_HOURLY_TITLE] = {"Hourly matching: green supply matched to the load hour by hour (24/7)",
                        "逐小时匹配：绿电供应与用电负荷按小时匹配（24/7）"},
    [L_HOURLY_RULE] =
        {"Rule: in each clock hour of local time, the green supply fills the load in the order on-site, direct "
         "line, PPA, green trade; what a source delivers beyond the load still open in that hour is surplus, "
         "counted in no figure and never carried to another hour (CBAM: IR 2025/2547 Annex II D.4.3, generation "
         "and consumption in the same hour). A month is matched when its load (the load meter, or without one "
         "every consumption meter) and at least one green source have hourly data; on Electricity a matched "
         "month uses the load as consumption, each green source at its matched kWh and the rest of the load as "
         "grid. Other months use the monthly totals.",
         "规则：在当地时间的每个整点小时内，绿电按自发自用、绿电直连、购电协议、绿电交易的顺序填补用电负荷；"
         "某来源超出该小时剩余负荷的电量为余电，不计入任何数字，也不结转到其他小时（CBAM：IR 2025/2547 附件二 "
         "D.4.3，发电与用电在同一小时内）。当月的用电负荷（总表；无总表时为所有用电电表）和至少一个绿电来源都有"
         "小时数据时，该月逐小时匹配；在 Electricity 表中，匹配月份以负荷为用电量，各绿电来源按匹配电量计，其余"
         "负荷计为电网。其他月份按月度汇总计算。"},
    [L_HOURLY_SHARES] = {"Matched share (24/7 or CFE score) = matched green kWh / load kWh, hour by hour; "
                         "volumetric share = MIN(1, green supply / load), what monthly or annual matching would "
                         "claim.",
                         "逐小时匹配率（24/7 或 CFE 得分）= 逐小时匹配的绿电 kWh / 负荷 kWh；电量占比 = MIN(1, "
                         "绿电供应量 / 负荷)，即按月或按年匹配时可声明的比例。"},
    [L_HOURLY_NONE] = {"No month could be matched hour by hour (reasons in the table above): every figure uses "
                       "the monthly totals.",
                       "没有可逐小时匹配的月份（原因见上表）：所有数字均按月度汇总计算。"},
    [L_INTERVAL_MINUTES] = {"Interval of the meter data (minutes)", "电表数据间隔（分钟）"},
    [L_MONTHS_INTERVAL] = {"Months with interval rows", "有分时数据的月份数"},
    [L_MONTHS_MATCHED] = {"Months matched hour by hour", "逐小时匹配的月份数"},
    [L_HOURS_MATCHED] = {"Hours in the matched months", "匹配月份的小时数"},
    [L_LOAD_KWH] = {"Load (kWh)", "用电负荷（kWh）"},
    [L_UNMATCHED_KWH] = {"Unmatched load (kWh)", "未匹配负荷（kWh）"},
    [L_MATCHED_SHARE] = {"Matched share (24/7, CFE score)", "逐小时匹配率（24/7、CFE 得分）"},
    [L_VOLUMETRIC_SHARE] = {"Volumetric share", "电量占比"},
    [L_SUPPLY_KWH] = {"Supply (kWh)", "供电量（kWh）"},
    [L_MATCHED_KWH] = {"Matched (kWh)", "匹配电量（kWh）"},
    [L_SURPLUS_KWH] = {"Surplus (kWh)", "余电（kWh）"},
    [L_SUPPLY_OF] = {"Supply, ", "供电量："},
    [L_MATCHED_OF] = {"Matched, ", "匹配电量："},
    [L_SURPLUS_OF] = {"Surplus, ", "余电："},
    [L_KWH_SUFFIX] = {" (kWh)", "（kWh）"},
    [L_SRC_ONSITE] = {"on-site", "自发自用"},
    [L_SRC_DIRECT] = {"direct line", "绿电直连"},
    [L_SRC_PPA] = {"PPA", "购电协议"},
    [L_SRC_TRADE] = {"green trade", "绿电交易"},
    [L_GREEN_TOTAL] = {"Green sources", "绿电合计"},
    [L_HOURS] = {"Hours", "小时数"},
    [L_MATCHED_MONTHS_TOTAL] = {"Matched months", "已匹配月份合计"},
    [L_HOURLY_MONTHS] = {"By month", "各月"},
    [L_HOURLY_MONTHLY_ROWS] = {"direct-line or PPA kWh from monthly rows remain in this month: their one-hour "
                               "match is not demonstrated",
                               "本月仍有来自月度数据的直连或购电协议电量：未证明其逐小时匹配"},
    [L_HOURLY_PROFILE] = {"Average day of the matched months (kWh in each hour of the day)",
                          "匹配月份的平均日（每小时 kWh）"},
    [L_HOUR_OF_DAY] = {"Hour of day", "时段（时）"},
    [L_MATCHED_ALL_KWH] = {"Matched, all green sources (kWh)", "匹配电量：全部绿电（kWh）"},
    [L_CHART_PROFILE] = {"Average day: load and green supply by source", "平均日：用电负荷与各来源绿电供应"},
    [L_KWH_PER_HOUR] = {"kWh per hour", "每小时 kWh"},
    [L_HOURLY_HEATMAP] = {"Matched share by day and hour (matched green kWh / load kWh of the hour; empty: no load "
                          "in that hour)",
                          "按日和小时的匹配率（该小时匹配绿电 kWh / 负荷 kWh；空白：该小时无负荷）"},
    [L_DAY] = {"Day", "日期"},
    [L_WHOLE_DAY] = {"Whole day", "全天"},
    [L_HOURLY_EVIDENCE] = {"Evidence: the input files with their SHA-256 (as on Summary)",
                           "证据：输入文件及其 SHA-256（与 Summary 表相同）"},
    [L_HOURLY_EVIDENCE_NOTE] = {"Keep these files unchanged: the interval meter data are the evidence of the "
                                "hourly match a verifier asks for; the SHA-256 shows that a file is the one this "
                                "workbook was made from.",
                                "请原样保存这些文件：分时电表数据是核查方要求的逐小时匹配证据；SHA-256 可证明文件"
                                "即为生成本工作簿所用的文件。"},
    [L_HOUR_MATCHED] = {"hour-matched (see Hourly)", "逐小时匹配（见 Hourly 表）"},
    /* hourly.c's reasons, word for word in English (the workbook shows the
     * Chinese one with --lang zh; tests/e2e/hourly_xlsx.py keeps them in step) */
    [L_REASON_TAINTED] = {"the load meter's times this month are more than an hour apart: no hours to match",
                          "本月总表数据的时间间隔超过一小时：没有可匹配的小时"},
    [L_REASON_COARSE_LOAD] = {"the load meter has monthly or daily rows this month", "本月总表为月度或日度数据"},
    [L_REASON_NO_LOAD] = {"no load meter, and not every meter has hourly rows this month",
                          "没有总表，且本月并非每块电表都有小时数据"},
    [L_REASON_NO_GREEN] = {"no green source has hourly rows this month", "本月没有绿电来源的小时数据"},
    [L_REASON_LOAD_DAYS] = {"the load meter has no rows for days the other meters cover this month",
                            "本月总表缺少其他电表有数据的日期"},
    [L_REASON_LOAD_ZERO] = {"the load meter reads 0 kWh this month while the supply meters have kWh",
                            "本月总表读数为0，而供电电表有电量"},
    [L_REASON_GREEN_TAINTED] = {"the green sources' rows this month are more than an hour apart (daily values "
                                "written with a time?)",
                                "本月绿电来源数据的时间间隔超过一小时（是否为带时间的日数据？）"},
    [L_INPUTS_DIGEST] = {"Inputs' hash (SHA-256)", "输入文件哈希（SHA-256）"},
    [L_MONTHS_WITH_ROWS] = {"Months with rows", "有数据的月数"},
    [L_USED_LOCATION] = {"location", "基于位置"},
    [L_USED_RESIDUAL] = {"residual (market)", "剩余组合（基于市场）"},
    [L_USED_CBAM] = {"CBAM", "CBAM"},
    [L_USED_SUPPLIER] = {"supplier (market)", "供应商（基于市场）"},
    [L_ROLE_ELECTRICITY] = {"electricity", "用电"},
    [L_ROLE_PRODUCTION] = {"production", "产量"},
    [L_ROLE_ENTERPRISES] = {"enterprises", "企业"},
    [L_ROLE_FACTORS] = {"factors", "排放因子"},
    [L_COST_TITLE] = {"CBAM cost (EUR)", "CBAM 成本（欧元）"},
    [L_COST_PRICE] = {"Certificate price (EUR/tCO2)", "CBAM 证书价格（欧元/吨CO2）"},
    [L_COST_CATEGORY] = {"CBAM goods category", "CBAM 货物类别"},
    [L_COST_INDIRECT_LIABLE] = {"Indirect counted in liability", "间接排放是否计入应缴排放"},
    [L_YES] = {"yes", "是"},
    [L_NO] = {"no", "否"},
    [L_COST_DIRECT_RATE] = {"Direct emissions (tCO2/t)", "直接排放（吨CO2/吨）"},
    [L_COST_DIRECT] = {"Direct emissions (tCO2)", "直接排放（吨CO2）"},
    [L_NOT_GIVEN] = {"not given", "未提供"},
    [L_COST_INDIRECT_LIABLE_T] = {"Indirect in the liability (tCO2)", "计入应缴的间接排放（吨CO2）"},
    [L_COST_LIABILITY] = {"Embedded emissions in the liability (tCO2)", "应缴的隐含排放（吨CO2）"},
    [L_COST_BENCHMARK] = {"Benchmark (tCO2/t)", "基准值（吨CO2/吨）"},
    [L_NONE] = {"none", "无"},
    [L_COST_FACTOR] = {"CBAM factor", "CBAM 系数"},
    [L_COST_ADJUSTMENT] = {"Free allocation adjustment (tCO2)", "免费配额调整（吨CO2）"},
    [L_COST_CERTIFICATES] = {"CBAM certificates (tCO2)", "CBAM 证书（吨CO2）"},
    [L_COST_EUR] = {"Cost (EUR)", "成本（欧元）"},
    [L_COST_EUR_PER_T] = {"Cost per t of product (EUR/t)", "每吨产品成本（欧元/吨）"},
    [L_CST_NOT_CBAM] = {"not a CBAM good", "非 CBAM 货物"},
    [L_CST_COMPLETE] = {"complete", "完整"},
    [L_CST_UPPER_BOUND] = {"upper bound (no benchmark)", "上限（无基准值）"},
    [L_CST_INDIRECT_ONLY] = {"electricity's part only", "仅电力部分"},
    [L_CST_NO_PRODUCTION] = {"nothing to price", "无可计价产量"},
    [L_CREASON_COMPLETE] = {"direct emissions and a benchmark are given: the adjustment is made.",
                            "已提供直接排放与基准值：已作免费配额调整。"},
    [L_CREASON_UPPER_BOUND] = {"no benchmark for its CN code (--benchmarks): the adjustment is 0 and the cost an "
                               "upper bound.",
                               "其 CN 编码无基准值（--benchmarks）：免费配额调整为 0，成本为上限。"},
    [L_CREASON_INDIRECT_ONLY] = {"direct emissions not given (--direct): the figure is the electricity's part only, "
                                 "before any adjustment.",
                                 "未提供直接排放（--direct）：数字仅为电力部分，未作免费配额调整。"},
    [L_CREASON_NO_PRODUCTION] = {"no tonnes in the months with electricity: nothing to price.",
                                 "有用电的月份没有产量：无可计价数量。"},
    [L_COST_FLOORED] = {" The adjustment exceeds the liability: 0 certificates, never fewer.",
                        "免费配额调整超过应缴排放：证书为 0，不为负。"},
    [L_COST_NOT_CBAM_GOODS] = {"Not CBAM goods (no certificates): ", "非 CBAM 货物（无需证书）："},
    [L_COST_NO_GOODS] = {"No product of this enterprise is a CBAM good: no certificates.",
                         "本企业没有属于 CBAM 货物的产品：无需证书。"},
    [L_COST_NOTE_UPPER] = {"Without a benchmark for a good's CN code (--benchmarks) its free allocation adjustment "
                           "is 0: its certificates and cost are an upper bound.",
                           "某货物的 CN 编码无基准值（--benchmarks）时，其免费配额调整为 0：证书数量与成本为上限。"},
    [L_COST_NOTE_CHINA] = {"No carbon price paid in China is deducted for indirect emissions: China's national ETS "
                           "covers direct emissions only.",
                           "间接排放不扣减在中国支付的碳价：全国碳排放权交易市场只覆盖直接排放。"},
    [L_COST_NOTE_FACTOR] = {"CBAM factor (share of the benchmark given back, Directive 2003/87/EC Art. 10a(1a)): ",
                            "CBAM 系数（按基准值返还的比例，指令 2003/87/EC 第 10a(1a) 条）："},
    [L_COST_WEIGHTED] = {"tonne-weighted over the years ", "按产量加权，年份 "},
    [L_COST_PRICED_AS_2026] = {"months before 2026 priced with 2026's factor",
                               "2026 年之前的月份按 2026 年系数计价"},
    [L_COST_TOTAL_GOODS] = {"CBAM goods together", "CBAM 货物合计"},
    [L_USED_COST] = {"CBAM cost", "CBAM 成本"},
    [L_COST_INPUTS] = {"CBAM cost inputs (each value in the unit of its Unit cell)",
                       "CBAM 成本输入（数值单位见各行“发布单位”）"},
    [L_UNIT_CBAM_FACTOR] = {"share of the benchmark (tCO2/t)", "基准值（tCO2/t）的比例"},
    [L_METHOD_COST] =
        {"CBAM cost (Summary, CBAM cost; Regulation (EU) 2023/956 Art. 7, 22 and 31): the embedded emissions in the "
         "liability of a CBAM good are its direct emissions (when given, --direct: tCO2/t x tonnes) plus its indirect "
         "(CBAM) emissions only when its goods category counts them (Annex II lists the goods whose liability counts "
         "direct emissions only: iron and steel, aluminium, hydrogen; cement and fertilisers count both). Free "
         "allocation adjustment (Art. 31) = benchmark (tCO2/t) x CBAM factor of the year of import (Directive "
         "2003/87/EC Art. 10a(1a): 97.5 % in 2026 down to 0 from 2034; on Factors) x tonnes. The benchmarks are the "
         "user's (--benchmarks, each row with its file and line on Factors) since the Commission's values are "
         "provisional; without one the adjustment is 0 and the cost an upper bound; without direct emissions no "
         "adjustment is made (the figure is then the electricity's part only). Certificates = MAX(0, liability - "
         "adjustment); cost (EUR) = certificates x price (--cbam-price, EUR per tCO2). No carbon price paid in China "
         "is deducted (Art. 9): China's national ETS covers direct emissions only.",
         "CBAM 成本（Summary 表“CBAM 成本”；欧盟法规 2023/956 第 7、22、31 条）：CBAM 货物应缴的隐含排放 = 直接排放（"
         "提供时，--direct：吨CO2/吨 × 产量）+ 间接（CBAM）排放（仅当其货物类别计入间接排放；附件二列出只计直接排放"
         "的货物：钢铁、铝、氢；水泥与化肥两者均计）。免费配额调整（第 31 条）= 基准值（吨CO2/吨）× 进口年份的 CBAM "
         "系数（指令 2003/87/EC 第 10a(1a) 条：2026 年 97.5 %，至 2034 年起为 0；见 Factors 表）× 产量。基准值由用户"
         "提供（--benchmarks，每行在 Factors 表注明文件与行号），因欧盟委员会的数值尚为暂定；无基准值时调整为 0，成"
         "本为上限；未提供直接排放时不作调整（数字仅为电力部分）。证书 = MAX(0, 应缴排放 − 调整)；成本（欧元）= 证"
         "书 × 价格（--cbam-price，欧元/吨CO2）。不扣减在中国支付的碳价（第 9 条）：全国碳市场只覆盖直接排放。"},
    [L_METHOD_SCENARIO] =
        {"Scenario (sheet Scenario, cbamcalc scenario): a change is a yearly amount of kWh of one source, spread over "
         "the period's months (months/12 of it, or the solar profile's shares) in proportion to its profile. Added "
         "kWh replace grid kWh of the same month, in the same proportions between the shared pool and each "
         "sub-meter, so that no product's consumption changes; kWh beyond a month's grid are a surplus (exported or "
         "curtailed), reported and never consumed; the grid never goes below 0. A removal takes kWh away from its "
         "source. Baseline and scenario are computed by the same engine; the baseline is matched hour by hour "
         "where interval rows allow, and the scenario changes the months' totals (its added kWh are not matched "
         "hour by hour); their change is a formula, scenario - baseline.",
         "情景（Scenario 表，cbamcalc scenario）：每项变更为某来源的年电量，按其月度曲线分配到期间各月（期间月数/12，"
         "或光伏曲线的各月占比）。新增电量替代同月电网电量，在共用电量与各分表间按相同比例替代，因此各产品用电量不"
         "变；超出当月电网电量的部分为余电（外送或弃电），单独列出，不计入用电量；电网电量不低于 0。减少某来源时从"
         "该来源扣减电量。现状与情景由同一计算引擎计算；现状在有分时数据时按小时匹配，情景按月调整各月汇总（新增电量不按小时匹配）；变化为公式：情景 − 现状。"},
    [L_SCN_TITLE] = {"Scenario: the enterprise's figures with the changes below, beside its figures as they are",
                     "情景：按下列变更后的企业数字，与现状对比"},
    [L_SCN_RULE] =
        {"Added kWh replace grid kWh of the same month (the grid never goes below 0; kWh beyond it are a surplus, "
         "exported or curtailed, never consumed); no product's consumption changes. Baseline and scenario come from "
         "the same engine; the change is a formula (scenario - baseline). Method: see the Method sheet.",
         "新增电量替代同月电网电量（电网电量不低于 0；超出部分为余电，外送或弃电，不计入用电量）；各产品用电量不变。"
         "现状与情景由同一计算引擎得出；变化为公式（情景 − 现状）。方法见 Method 表。"},
    [L_SCN_CHANGES] = {"Changes", "变更"},
    [L_SCN_CHANGE] = {"Change", "变更方式"},
    [L_SCN_ADD] = {"add", "增加"},
    [L_SCN_REMOVE] = {"remove", "减少"},
    [L_SCN_KWH_YEAR] = {"kWh per year", "每年电量（kWh）"},
    [L_SCN_PROFILE] = {"Spread over the months", "月度分配方式"},
    [L_SCN_TARIFF] = {"Tariff (yuan/kWh)", "电价（元/kWh）"},
    [L_SCN_SOLAR_SOURCE] = {"Solar profile: ", "光伏月度曲线来源："},
    [L_SCN_FX] = {"Exchange rate (yuan per EUR, --fx)", "汇率（元/欧元，--fx）"},
    [L_SCN_COMPARE] = {"Enterprise: baseline and scenario", "企业：现状与情景"},
    [L_SCN_BASELINE] = {"Baseline", "现状"},
    [L_SCN_SCENARIO] = {"Scenario", "情景"},
    [L_SCN_DIFF] = {"Change (scenario - baseline)", "变化（情景 − 现状）"},
    [L_SCN_ELEC_YUAN] = {"Electricity cost (yuan)", "电费（元）"},
    [L_SCN_ELEC_PER_KWH] = {"Electricity cost (yuan/kWh)", "度电成本（元/kWh）"},
    [L_SCN_ALL_IN] = {"All-in cost (yuan/kWh: electricity and CBAM)", "综合成本（元/kWh：电费与 CBAM）"},
    [L_SCN_TARIFF_MISSING] = {"tariff missing for ", "缺少电价："},
    [L_SCN_PRODUCTS] = {"Products: baseline and scenario", "产品：现状与情景"},
    [L_SCN_R_FLOORED] = {"CBAM cost falls by less than the emissions avoided would give: the free allocation "
                         "adjustment already covers the scenario's emissions, and certificates cannot go below 0. "
                         "Saving (EUR): ",
                         "CBAM 成本下降幅度小于减排量对应的金额：免费配额调整已覆盖情景下的排放，证书数量不能低于 0。"
                         "节省（欧元）："},
    [L_SCN_R_UPPER] = {"CBAM cost falls, at most by the amount shown: its indirect emissions count in the liability, "
                       "but its direct emissions are not given (--direct); with them the free allocation adjustment "
                       "may leave fewer certificates to save (an upper bound). Saving (EUR): ",
                       "CBAM 成本下降，最多为所示金额：其间接排放计入应缴义务，但未提供直接排放（--direct）；"
                       "若提供，免费配额调整可能使可节省的证书更少（上限值）。节省（欧元）："},
    [L_SCN_CBAM_ELEC] = {"  of it, the electricity's (EUR)", "  其中由电力产生（欧元）"},
    [L_COST_CSCF] = {"Cross-sectoral correction factor", "跨行业修正系数"},
    [L_COST_NOT_PRICED] = {"not priced", "未计价"},
    [L_SCN_NOTE_VALUES] = {"The figures on this sheet are the engine's values for both sides: they do not follow an "
                           "edit on Factors (the other sheets' formulas do). Run the scenario again after changing a "
                           "factor.",
                           "本表数字为计算引擎对现状与情景两侧的计算值：不随 Factors 表的修改而变化（其他表的公式会随之"
                           "变化）。修改排放因子后请重新运行情景。"},
    [L_SCN_R_NOT_PRICED] = {"Not priced: its direct emissions are not given (--direct), and they are what its "
                            "certificates are for; its indirect emissions do not count in the CBAM liability of its "
                            "goods category (Reg. (EU) 2023/956 Annex II), so green power changes its reported "
                            "emissions, not its CBAM cost.",
                            "未计价：未提供其直接排放（--direct），而其 CBAM 证书正是针对直接排放；其商品类别的间接排放"
                            "不计入 CBAM 应缴义务（(EU) 2023/956 号条例附件二），因此绿电只改变其报告的排放，不改变其 "
                            "CBAM 成本。"},
    [L_SCN_R_UNCHANGED] = {"CBAM cost unchanged: indirect emissions do not count in the CBAM liability of its goods "
                           "category (Reg. (EU) 2023/956 Annex II); they are still reported, and fall with the "
                           "green power.",
                           "CBAM 成本不变：其货物类别的 CBAM 应缴排放不计间接排放（欧盟法规 2023/956 附件二）；间接"
                           "排放仍需报告，并随绿电减少。"},
    [L_SCN_R_SAVING] = {"CBAM cost falls: indirect emissions count in the CBAM liability of its goods category, so "
                        "each grid kWh replaced saves certificates. Saving (EUR): ",
                        "CBAM 成本下降：其货物类别的 CBAM 应缴排放计入间接排放，每替代 1 kWh 电网电量即减少证书。"
                        "节省（欧元）："},
    [L_SCN_R_RISES] = {"CBAM cost rises (EUR): ", "CBAM 成本上升（欧元）："},
    [L_SCN_R_SAME] = {"CBAM cost unchanged: the change does not alter its certificates.",
                      "CBAM 成本不变：此变更不改变其证书数量。"},
    [L_SCN_R_NOT_CBAM] = {"Not a CBAM good: no certificates on either side.", "非 CBAM 货物：两种情况下均无需证书。"},
    [L_SCN_R_NO_PRICE] = {"No --cbam-price given: the CBAM cost is not computed.",
                          "未提供 --cbam-price：未计算 CBAM 成本。"},
    [L_SCN_PLANNED_OF] = {"Planned, ", "计划："},
    [L_SCN_USED_OF] = {"Used, ", "实际使用："},
    [L_SCN_GRID_BEFORE] = {"Grid before (kWh)", "变更前电网（kWh）"},
    [L_SCN_GRID_AFTER] = {"Grid after (kWh)", "变更后电网（kWh）"},
    [L_SCN_SURPLUS_A] = {"Surplus: ", "余电：新增电量中有 "},
    [L_SCN_SURPLUS_B] = {" kWh of the added power exceed the grid kWh they replace in ",
                         " kWh 超过其在 "},
    [L_SCN_SURPLUS_C] = {" of the period's months: exported or curtailed, not counted as consumed.",
                         " 个月份中替代的电网电量：外送或弃电，不计入用电量。"},
    [L_SCN_MONTHLY_ONLY] = {"The baseline is matched hour by hour, as in the report; the scenario changes the matched "
                            "months' totals month by month: its added kWh are not matched to the load hour by hour.",
                            "现状按小时匹配，与报告一致；情景按月调整已匹配月份的汇总电量：新增电量未按小时与负荷匹配。"},
    [L_SCN_CHART] = {"Grid before and after the change, and the added power used, by month (kWh)",
                     "各月变更前后的电网电量与新增电量使用（kWh）"},
    [L_PROF_AUTO] = {"its own monthly kWh, else on-site PV by the solar profile, else consumption",
                     "按该来源现有月度电量；新增的自发自用按光伏曲线；否则按用电量"},
    [L_PROF_SOURCE] = {"in proportion to the source's own monthly kWh", "按该来源现有月度电量比例"},
    [L_PROF_CONSUMPTION] = {"in proportion to monthly consumption", "按月度用电量比例"},
    [L_PROF_SOLAR] = {"by the province's monthly solar profile", "按本省月度光伏曲线"},
    [L_PROF_FLAT] = {"the same kWh every month", "每月相同电量"},
};

const char *label(enum label l, bool zh)
{
    if ((int)l < 0 || l >= L__COUNT || table[l][0] == NULL)
        return "?";
    return table[l][zh ? 1 : 0];
}
