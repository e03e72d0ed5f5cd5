/* region.c - province name table (see region.h). Shanxi 山西 and Shaanxi 陕西
 * are two provinces with different factors: both spellings are kept apart. */
#include "config.h"
#include "region.h"
#include "parse.h"

#include <string.h>

static const struct {
    const char *en, *zh, *alt;
} provinces[] = {
    {"Beijing", "北京", NULL},
    {"Tianjin", "天津", NULL},
    {"Hebei", "河北", NULL},
    {"Shanxi", "山西", NULL},
    {"Inner Mongolia", "内蒙古", "Nei Mongol"},
    {"Liaoning", "辽宁", NULL},
    {"Jilin", "吉林", NULL},
    {"Heilongjiang", "黑龙江", NULL},
    {"Shanghai", "上海", NULL},
    {"Jiangsu", "江苏", NULL},
    {"Zhejiang", "浙江", NULL},
    {"Anhui", "安徽", NULL},
    {"Fujian", "福建", NULL},
    {"Jiangxi", "江西", NULL},
    {"Shandong", "山东", NULL},
    {"Henan", "河南", NULL},
    {"Hubei", "湖北", NULL},
    {"Hunan", "湖南", NULL},
    {"Guangdong", "广东", NULL},
    {"Guangxi", "广西", NULL},
    {"Hainan", "海南", NULL},
    {"Chongqing", "重庆", NULL},
    {"Sichuan", "四川", NULL},
    {"Guizhou", "贵州", NULL},
    {"Yunnan", "云南", NULL},
    {"Shaanxi", "陕西", NULL},
    {"Gansu", "甘肃", NULL},
    {"Qinghai", "青海", NULL},
    {"Ningxia", "宁夏", NULL},
    {"Xinjiang", "新疆", NULL},
};

/* Suffixes of official Chinese names, longest first. */
static const char *const zh_suffixes[] = {
    "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市",
};

static bool ends_with(const char *s, size_t len, const char *suffix, size_t *stem)
{
    size_t n = strlen(suffix);
    if (len < n || memcmp(s + len - n, suffix, n) != 0)
        return false;
    *stem = len - n;
    return true;
}

const char *region_province(const char *s, size_t len)
{
    parse_trim(&s, &len);
    size_t n = sizeof provinces / sizeof provinces[0];
    for (size_t i = 0; i < n; i++) {
        if (parse_eq_ci(s, len, provinces[i].en) ||
            (provinces[i].alt && parse_eq_ci(s, len, provinces[i].alt)))
            return provinces[i].en;
        /* "Shanxi Province" */
        size_t en_len = strlen(provinces[i].en);
        if (len > en_len + 1 && parse_eq_ci(s, en_len, provinces[i].en) &&
            parse_eq_ci(s + en_len, len - en_len, " Province"))
            return provinces[i].en;
    }
    size_t stem = len;
    for (size_t k = 0; k < sizeof zh_suffixes / sizeof zh_suffixes[0]; k++)
        if (ends_with(s, len, zh_suffixes[k], &stem))
            break;
    for (size_t i = 0; i < n; i++) {
        size_t zl = strlen(provinces[i].zh);
        if ((stem == zl && memcmp(s, provinces[i].zh, zl) == 0) ||
            (len == zl && memcmp(s, provinces[i].zh, zl) == 0))
            return provinces[i].en;
    }
    return NULL;
}
