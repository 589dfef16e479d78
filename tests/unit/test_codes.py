"""Tests for portal.domain.codes: USCC, permit numbers, GB/T 2260 regions and GB/T 4754 classes."""

from __future__ import annotations

import csv
from collections import Counter
from importlib import resources

import pytest

from portal.domain import codes
from portal.domain.codes import (
    industries,
    industry,
    industry_known,
    industry_name,
    permit_number_is_valid,
    permit_problem,
    region,
    region_full_name,
    region_known,
    region_name,
    region_province,
    region_retired,
    region_successor,
    regions,
    uscc_check_character,
    uscc_is_valid,
    uscc_problem,
)

# ------------------------------------------------------------------------------------------- USCC

VALID_USCC = [
    "91110000600037341L",  # ECOSYSTEM.md
    "91350100M000100Y43",  # ECOSYSTEM.md: a letter inside the organisation code
    "91130200699229617X",  # ECOSYSTEM.md
    "91360700MA38P2K51K",  # worked example: the enterprise
    "91360100MA35K7Q2WY",  # worked example: the consultancy
    # A letter in the first 8 positions (python-stdnum rejects these; GB 32100 allows Y = "other" registrar):
    # values Y=30,1,3,6,0,7,0,0,M=21,A=10,0… × weights 1,3,9,27,19,26,16,17,20,29 →
    # 30+3+27+162+0+182+0+0+420+290 = 1114; 1114 mod 31 = 29; 31 − 29 = 2 → check "2".
    "Y1360700MA00000002",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_uscc(code):
    assert uscc_is_valid(code)
    assert uscc_problem(code) is None


def test_check_character_worked_by_hand():
    # 9 1 1 1 0 0 0 0 6 0 0 0 3 7 3 4 1 × 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
    # = 9+3+9+27+0+0+0+0+120+0+0+0+24+168+30+120+28 = 538; 538 mod 31 = 11; 31 − 11 = 20 → "L" (index 20)
    assert uscc_check_character("91110000600037341") == "L"


def test_check_value_31_is_written_0():
    # Seventeen zeros: Σ = 0, 31 − (0 mod 31) = 31, which GB 32100 writes as "0".
    assert uscc_check_character("00000000000000000") == "0"
    assert uscc_is_valid("000000000000000000")


def test_check_character_of_bad_input_is_none():
    assert uscc_check_character("9111000060003734") is None  # 16 characters
    assert uscc_check_character("9111000060003734I") is None  # I is not in the alphabet


@pytest.mark.parametrize("code", [None, ""])
def test_missing_uscc(code):
    problem = uscc_problem(code)
    assert problem is not None
    assert "未填写" in problem[0] and "missing" in problem[1]
    assert not uscc_is_valid(code)


@pytest.mark.parametrize(
    ("code", "length"),
    [("91110000600037341", 17), ("91110000600037341LL", 19), (" 91110000600037341L", 19)],
)
def test_uscc_wrong_length(code, length):
    zh, en = uscc_problem(code)
    assert f"{length}位" in zh and f"has {length}" in en


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("I1110000600037341L", 1, "I"),
        ("91O10000600037341L", 3, "O"),
        ("9111000060003734SL", 17, "S"),
        ("91110000600037341V", 18, "V"),
        ("9111000060003Z341L", 14, "Z"),
        ("91110000-00037341L", 9, "-"),
        ("9111000060003734１L", 17, "１"),  # full-width digit one
    ],
)
def test_uscc_bad_character_names_position(code, position, char):
    zh, en = uscc_problem(code)
    assert f"第{position}位" in zh and f"“{char}”" in zh
    assert f"character {position} '{char}'" in en and "I, O, S, V, Z" in en


def test_uscc_lower_case_is_reported_as_such():
    zh, en = uscc_problem("91350100m000100Y43")
    assert "第9位" in zh and "大写" in zh
    assert "character 9 'm'" in en and "upper-case" in en


def test_uscc_blank_inside_is_shown():
    zh, en = uscc_problem("9111000060003\t341L")
    assert "\\t" in zh and "character 14" in en


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("91110000600037341X", "L"),
        ("91360700MA38P2K51Y", "K"),
        ("91360100MA35K7Q2W0", "Y"),
        ("91350100M000100Y44", "3"),
        ("91360700MA38P2K5IK", None),  # I in position 17 is a character problem, not a check problem
    ],
)
def test_uscc_wrong_check_character(code, expected):
    zh, en = uscc_problem(code)
    if expected is None:
        assert "第17位" in zh
    else:
        assert f"第18位应为“{expected}”" in zh and f"should be '{expected}', not '{code[17]}'" in en


def test_uscc_transposition_is_caught():
    # Swapping two different characters changes Σ because their weights differ.
    assert not uscc_is_valid("91110000600073341L")


def test_uscc_not_text():
    assert not uscc_is_valid(91110000600037341)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- permit number

USCC = "91360700MA38P2K51K"


def test_permit_of_the_worked_example():
    assert permit_number_is_valid("91360700MA38P2K51K001P", USCC)
    assert permit_problem("91360700MA38P2K51K001P", USCC) is None


def test_permit_without_uscc_checks_its_prefix_as_a_uscc():
    assert permit_number_is_valid("91360700MA38P2K51K002W", None)
    zh, en = permit_problem("91360700MA38P2K51X001P", None)
    assert "不是有效的统一社会信用代码" in zh and "check character" in en


@pytest.mark.parametrize("permit", [None, ""])
def test_permit_missing(permit):
    zh, en = permit_problem(permit, USCC)
    assert "未填写" in zh and "missing" in en


@pytest.mark.parametrize("permit", ["91360700MA38P2K51K001", "91360700MA38P2K51K0001P", USCC])
def test_permit_wrong_length(permit):
    zh, en = permit_problem(permit, USCC)
    assert f"实为{len(permit)}位" in zh and f"has {len(permit)}" in en


def test_permit_of_another_enterprise():
    zh, en = permit_problem("91110000600037341L001P", USCC)
    assert "不一致" in zh and "differ from the USCC" in en
    assert not permit_number_is_valid("91110000600037341L001P", USCC)


@pytest.mark.parametrize(
    "permit", ["91360700MA38P2K51K0A1P", "91360700MA38P2K51K01 P", "91360700MA38P2K51K０01P"]
)
def test_permit_sequence_must_be_three_digits(permit):
    zh, en = permit_problem(permit, USCC)
    assert "顺序码" in zh and "3-digit sequence" in en


@pytest.mark.parametrize(
    "permit", ["91360700MA38P2K51K0011", "91360700MA38P2K51K001p", "91360700MA38P2K51K001-"]
)
def test_permit_must_end_with_an_upper_case_letter(permit):
    zh, en = permit_problem(permit, USCC)
    assert "第22位" in zh and "character 22" in en


# ----------------------------------------------------------------------------------------- regions


@pytest.mark.parametrize(
    "code", ["360000", "320000", "360700", "321300", "360702", "360113", "320613", "320614"]
)
def test_region_known(code):
    assert region_known(code)


@pytest.mark.parametrize(
    "code",
    [
        "110101",  # Beijing: outside Jiangxi and Jiangsu
        "330102",  # Zhejiang
        "360799",  # Ganzhou has no such county
        "369900",
        "36070",  # 5 digits
        "3607020",
        "3607O2",  # letter O
        "３６０７０２",  # full-width digits
        "",
        None,
    ],
)
def test_region_unknown(code):
    assert not region_known(code)
    assert region_name(code) is None


def test_region_not_text():
    assert not region_known(360702)  # type: ignore[arg-type]
    assert region_province(360702) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "year"),
    [
        ("360122", "360112", 2015),  # 新建县 → 新建区
        ("361121", "361104", 2019),  # 上饶县 → 广信区
        ("360727", "360783", 2020),  # 龙南县 → 龙南市
        ("320602", "320613", 2020),  # old 崇川区 → new 崇川区
        ("320611", "320613", 2020),  # 港闸区 merged into the new 崇川区
        ("320684", "320614", 2020),  # 海门市 → 海门区
    ],
)
def test_retired_region(old, new, year):
    assert not region_known(old)
    assert region_retired(old)
    assert region_successor(old) == new
    assert region_name(old) is not None  # old filings still show a name
    # The transition year accepts both codes; the year after only the new one.
    assert region_known(old, year) and region_known(new, year)
    assert not region_known(old, year + 1)
    assert region_known(old, year - 1) and not region_known(new, year - 1)


def test_region_absorbed_into_an_existing_district():
    # 白下区 was merged into 秦淮区 in 2013; 秦淮区 kept its code, so it is valid before and after.
    assert region_retired("320103") and region_successor("320103") == "320104"
    assert region_known("320104", 2012) and region_known("320104")
    assert region_known("320103", 2013) and not region_known("320103", 2014)


def test_region_split_has_no_successor():
    assert region_retired("320304")  # 徐州 九里区, divided among neighbours in 2010
    assert region_successor("320304") is None


def test_current_region_is_not_retired():
    assert not region_retired("360702")
    assert region_successor("360702") is None
    assert region_known("360702", 2005)  # in force before the table's coverage


def test_region_names():
    assert region_name("360700") == "赣州市"
    assert region_name("360702") == "章贡区"
    assert region_name("320613") == "崇川区"
    assert region_full_name("360702") == "江西省赣州市章贡区"
    assert region_full_name("360700") == "江西省赣州市"
    assert region_full_name("320000") == "江苏省"
    assert region_full_name("440000") is None


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("360702", "JX"),
        ("360000", "JX"),
        ("369999", "JX"),
        ("320613", "JS"),
        ("110101", None),
        ("36", None),
        (None, None),
    ],
)
def test_region_province(code, province):
    assert region_province(code) == province


def test_region_dropdown_lists():
    current = regions()
    assert [r.code for r in current] == sorted(r.code for r in current)
    assert all(r.current for r in current)
    counts = Counter((r.province, r.level) for r in current)
    # Jiangxi: 11 prefecture-level cities, 100 county-level divisions; Jiangsu: 13 and 95.
    assert counts == {
        ("JX", "province"): 1,
        ("JX", "prefecture"): 11,
        ("JX", "county"): 100,
        ("JS", "province"): 1,
        ("JS", "prefecture"): 13,
        ("JS", "county"): 95,
    }
    everything = regions(include_retired=True)
    assert len(everything) > len(current)
    assert {r.code for r in everything} - {r.code for r in current} >= {"360122", "320602"}


def test_region_table_is_consistent():
    table = {r.code: r for r in regions(include_retired=True)}
    for r in table.values():
        assert r.code[:2] in ("32", "36")
        assert r.level in ("province", "prefecture", "county")
        if r.level == "county":
            assert r.code[:4] + "00" in table, r
        if r.successor is not None:
            assert not r.current and table[r.successor].current, r
        if r.valid_from is not None and r.valid_to is not None:
            assert r.valid_from <= r.valid_to
    # A county-level division has exactly one current code per name within its prefecture.
    names = Counter((r.code[:4], r.name) for r in table.values() if r.current)
    assert max(names.values()) == 1


def test_region_lookup_returns_entry():
    entry = region("360112")
    assert entry is not None and entry.name == "新建区" and entry.valid_from == 2015 and entry.current


# -------------------------------------------------------------------------------------- industries

SAMPLE_CLASSES = {
    "3011": "水泥制造",
    "3012": "石灰和石膏制造",
    "3041": "平板玻璃制造",
    "3110": "炼铁",
    "3120": "炼钢",
    "3130": "钢压延加工",
    "2521": "炼焦",
    "3216": "铝冶炼",
    "2511": "原油加工及石油制品制造",
    "2614": "有机化学原料制造",
    "2621": "氮肥制造",
    "2619": "其他基础化学原料制造",
    "2612": "无机碱制造",
    "3071": "建筑陶瓷制品制造",
    "3072": "卫生陶瓷制品制造",
    "4411": "火力发电",
    "4412": "热电联产",
    "4417": "生物质能发电",
    "3843": "铅蓄电池制造",
    "2221": "机制纸及纸板制造",
    "1713": "棉印染精加工",
    "2710": "化学药品原料药制造",
    "3360": "金属表面处理及热处理加工",
    "0610": "烟煤和无烟煤开采洗选",
    "0722": "海洋天然气及可燃冰开采",
    "4620": "污水处理及其再生利用",
    "9700": "国际组织",
}


@pytest.mark.parametrize(("code", "name"), sorted(SAMPLE_CLASSES.items()))
def test_industry_class(code, name):
    assert industry_known(code)
    assert industry_name(code) == name


@pytest.mark.parametrize(
    "code",
    [
        "301",  # a group (中类), not a class
        "30",  # a division
        "3010",  # no such class: 301 has 3011 and 3012 only
        "3119",
        "9999",
        "C3011",  # section letter prefixed
        "３０１１",  # full-width digits
        "",
        None,
    ],
)
def test_industry_unknown(code):
    assert not industry_known(code)
    assert industry_name(code) is None


def test_industry_counts_per_section():
    # GB/T 4754-2017: 1381 classes; manufacturing 609, mining 39, utilities 18.
    table = industries()
    assert len(table) == 1381
    counts = Counter(i.section for i in table)
    assert counts["B"] == 39
    assert counts["C"] == 609
    assert counts["D"] == 18
    assert len({i.division for i in table}) == 97
    assert [i.code for i in table] == sorted(i.code for i in table)


def test_industry_entry():
    entry = industry("3011")
    assert entry is not None and entry.section == "C" and entry.division == "30"


def test_industry_names_are_clean():
    for i in industries():
        assert i.name == i.name.strip() and "?" not in i.name and "(" not in i.name and ")" not in i.name


# --------------------------------------------------------------------------------------- data files


@pytest.mark.parametrize("name", [codes.REGIONS_FILE, codes.INDUSTRIES_FILE])
def test_data_files_ship_with_a_sidecar_and_a_header(name):
    data = resources.files("portal.domain").joinpath("data")
    text = data.joinpath(name).read_text(encoding="utf-8")
    assert text.startswith("#")  # the dated comment line naming the edition
    assert data.joinpath(name.replace(".csv", ".md")).is_file()
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    assert len({tuple(r[:1]) for r in rows[1:]}) == len(rows) - 1  # codes are unique
