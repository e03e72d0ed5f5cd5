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
};

const char *label(enum label l, bool zh)
{
    if ((int)l < 0 || l >= L__COUNT || table[l][0] == NULL)
        return "?";
    return table[l][zh ? 1 : 0];
}
