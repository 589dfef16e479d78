"""Check the identification codes a filing carries: USCC, permit number, region and industry codes.

Pure functions, standard library only. The code tables are dated CSV files under ``data/`` (see the
``.md`` file beside each for its edition and source); they are read once, on first use.

* USCC — 统一社会信用代码, GB 32100-2015 (18 characters, mod-31 check character).
* Permit number — 排污许可证编号, HJ 608-2017 (USCC + 3-digit sequence + 1 letter).
* Region — 行政区划代码, GB/T 2260, Jiangxi (36) and Jiangsu (32) only, retired codes kept.
* Industry — 国民经济行业分类, GB/T 4754-2017, 4-digit classes.

Problem functions return a ``(message_zh, message_en)`` pair, or ``None`` when the code is fine, so a
rule can put the reason straight into a finding.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, TypeGuard

# ------------------------------------------------------------------------------------------- USCC

#: The 31 characters of GB 32100-2015, in value order (I, O, S, V and Z are never used).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}

Problem = tuple[str, str]


def uscc_check_character(first17: str) -> str | None:
    """Return the check character for the first 17 characters of a USCC, or None if they cannot have one."""
    if len(first17) != USCC_LENGTH - 1 or any(c not in _USCC_VALUE for c in first17):
        return None
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    # 31 − (Σ mod 31), where a result of 31 is written as 0
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _show(char: str) -> str:
    # Make blanks and control characters visible in a message ("第3位 ' '" says nothing to a filer).
    return repr(char)[1:-1] if not char.isprintable() or char.isspace() else char


def _unfiled_or_not_text(value: object, zh: str, en: str) -> Problem | None:
    """Return the problem of a code that is not filed or not text (named in Chinese and English), or None."""
    if value is None or value == "":
        return (f"未填写{zh}", f"the {en} is missing")
    if not isinstance(value, str):
        return (f"{zh}应为文本", f"the {en} must be text")
    return None


def uscc_problem(code: str | None) -> Problem | None:
    """Return why ``code`` is not a valid USCC (Chinese, English), or None when it is valid.

    Checks, in order: present, 18 characters, every character from the GB 32100 alphabet (the first
    offending position is named, 1-based), and the check character. Nothing is normalised: a code with
    lower-case letters or blanks is reported, because the filed value must be the printed one.
    """
    problem = _unfiled_or_not_text(code, "统一社会信用代码", "unified social credit code")
    if problem is not None or not isinstance(code, str):  # the isinstance narrows the type for mypy
        return problem
    if len(code) != USCC_LENGTH:
        return (
            f"统一社会信用代码应为18位，实为{len(code)}位",
            f"a unified social credit code has 18 characters, this one has {len(code)}",
        )
    for position, char in enumerate(code, start=1):
        if char in _USCC_VALUE:
            continue
        shown = _show(char)
        if char.upper() in _USCC_VALUE:
            return (
                f"第{position}位字符“{shown}”应为大写字母",
                f"character {position} '{shown}' must be an upper-case letter",
            )
        return (
            f"第{position}位字符“{shown}”不是统一社会信用代码允许的字符（只用数字和除I、O、S、V、Z以外的大写字母）",
            f"character {position} '{shown}' is not allowed in a unified social credit code "
            "(digits and upper-case letters except I, O, S, V, Z)",
        )
    expected = uscc_check_character(code[:17])
    if expected != code[17]:
        return (
            f"校验码错误：第18位应为“{expected}”，实为“{code[17]}”",
            f"wrong check character: character 18 should be '{expected}', not '{code[17]}'",
        )
    return None


def uscc_is_valid(code: str | None) -> bool:
    """Return whether ``code`` is a valid USCC (GB 32100-2015), check character included."""
    return uscc_problem(code) is None


# ---------------------------------------------------------------------------------- permit number

PERMIT_LENGTH = 22


def permit_problem(permit: str | None, uscc: str | None) -> Problem | None:
    """Return why ``permit`` is not a valid permit number for ``uscc`` (Chinese, English), or None.

    HJ 608-2017: the holder's 18-character USCC, a 3-digit sequence number and one upper-case letter.
    With ``uscc`` given, the first 18 characters must equal it (its own validity is a separate check);
    without one, they must themselves be a valid USCC.
    """
    problem = _unfiled_or_not_text(permit, "排污许可证编号", "pollutant permit number")
    if problem is not None or not isinstance(permit, str):
        return problem
    if len(permit) != PERMIT_LENGTH:
        return (
            f"排污许可证编号应为22位（统一社会信用代码18位+顺序码3位+字母1位），实为{len(permit)}位",
            "a pollutant permit number has 22 characters (18-character USCC + 3-digit sequence + 1 letter), "
            f"this one has {len(permit)}",
        )
    prefix, sequence, letter = permit[:18], permit[18:21], permit[21]
    if uscc:
        if prefix != uscc:
            return (
                f"排污许可证编号前18位“{prefix}”与统一社会信用代码“{uscc}”不一致",
                f"the first 18 characters of the permit number '{prefix}' differ from the USCC '{uscc}'",
            )
    else:
        problem = uscc_problem(prefix)
        if problem is not None:
            return (
                f"排污许可证编号前18位不是有效的统一社会信用代码：{problem[0]}",
                f"the first 18 characters of the permit number are not a valid USCC: {problem[1]}",
            )
    if not (sequence.isascii() and sequence.isdigit()):
        return (
            f"排污许可证编号第19–21位应为3位数字顺序码，实为“{sequence}”",
            f"characters 19–21 of the permit number must be a 3-digit sequence, not '{sequence}'",
        )
    if not ("A" <= letter <= "Z"):
        return (
            f"排污许可证编号第22位应为大写字母，实为“{_show(letter)}”",
            f"character 22 of the permit number must be an upper-case letter, not '{_show(letter)}'",
        )
    return None


def permit_number_is_valid(permit: str | None, uscc: str | None) -> bool:
    """Return whether ``permit`` is a valid HJ 608-2017 permit number (of ``uscc`` when given)."""
    return permit_problem(permit, uscc) is None


# ------------------------------------------------------------------------------------ data tables

_DATA = "data"
REGIONS_FILE = "regions-gbt2260-2023.csv"
INDUSTRIES_FILE = "industries-gbt4754-2017.csv"


def _read_table(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(_DATA).joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _six_digits(code: object) -> TypeGuard[str]:
    return isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()


# ----------------------------------------------------------------------------------------- regions

Province = Literal["JX", "JS"]
RegionLevel = Literal["province", "prefecture", "county"]
_PROVINCES: dict[str, Province] = {"36": "JX", "32": "JS"}


@dataclass(frozen=True, slots=True)
class Region:
    """Describe one GB/T 2260 code of Jiangxi or Jiangsu; years are calendar years (None = open)."""

    code: str
    name: str
    level: RegionLevel
    valid_from: int | None  # None: in force before the table's coverage starts (2009)
    valid_to: int | None  # None: in force today
    successor: str | None  # for a retired code, the code that took over its area

    @property
    def province(self) -> Province:
        """Return the province the code belongs to."""
        return _PROVINCES[self.code[:2]]

    @property
    def current(self) -> bool:
        """Return whether the code is in force (not retired)."""
        return self.valid_to is None

    def valid_in(self, year: int) -> bool:
        """Return whether the code was in force at some time during ``year``."""
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


def _year(text: str) -> int | None:
    return int(text) if text else None


_REGION_LEVELS: dict[str, RegionLevel] = {"province": "province", "prefecture": "prefecture", "county": "county"}


def _region_level(text: str) -> RegionLevel:
    """Return a region table's level column as one of its three values (the data tests check the file)."""
    try:
        return _REGION_LEVELS[text]
    except KeyError:
        raise ValueError(f"{REGIONS_FILE}: unknown region level {text!r}") from None


@cache
def _regions() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for row in _read_table(REGIONS_FILE):
        region = Region(
            code=row["code"],
            name=row["name"],
            level=_region_level(row["level"]),
            valid_from=_year(row["valid_from"]),
            valid_to=_year(row["valid_to"]),
            successor=row["successor"] or None,
        )
        table[region.code] = region
    return table


def region(code: str | None) -> Region | None:
    """Return the table entry for ``code`` (retired codes included), or None."""
    return _regions().get(code) if _six_digits(code) else None


def region_known(code: str | None, year: int | None = None) -> bool:
    """Return whether ``code`` is a Jiangxi or Jiangsu division code in force.

    Province (360000), prefecture (360700) and county-level codes count. Without ``year`` the code must
    be in force today; with it, in force at some time during that year — so a report for a past year
    may carry a code retired since. Retired codes are otherwise not known (see :func:`region_retired`).
    """
    found = region(code)
    if found is None:
        return False
    return found.current if year is None else found.valid_in(year)


def region_retired(code: str | None) -> bool:
    """Return whether ``code`` is a Jiangxi or Jiangsu code that has been retired."""
    found = region(code)
    return found is not None and not found.current


def region_successor(code: str | None) -> str | None:
    """Return the code in force that replaced a retired ``code`` (following chains), or None."""
    found = region(code)
    seen: set[str] = set()
    while found is not None and not found.current and found.successor and found.code not in seen:
        seen.add(found.code)
        found = region(found.successor)
    return found.code if found is not None and found.current and found.code != code else None


def region_name(code: str | None) -> str | None:
    """Return the name under ``code`` (also for retired codes), or None when not in the table."""
    found = region(code)
    return found.name if found is not None else None


def region_full_name(code: str | None) -> str | None:
    """Return province, prefecture and county names joined (江西省赣州市章贡区), or None."""
    found = region(code)
    if found is None:
        return None
    parts = [found.code[:2] + "0000", found.code[:4] + "00", found.code]
    names: list[str] = []
    for part in dict.fromkeys(parts):  # dedupe, keep order (a province code is its own prefecture part)
        entry = region(part)
        if entry is not None:
            names.append(entry.name)
    return "".join(names)


def region_province(code: str | None) -> Province | None:
    """Return "JX" or "JS" from the first two digits of a 6-digit code, else None.

    The code need not be in the table, so a mistyped county still selects its province's rules.
    """
    return _PROVINCES.get(code[:2]) if _six_digits(code) else None


def regions(include_retired: bool = False) -> list[Region]:
    """Return the division codes in code order (for drop-downs): those in force, or all."""
    return [r for r in _regions().values() if include_retired or r.current]


# -------------------------------------------------------------------------------------- industries


@dataclass(frozen=True, slots=True)
class Industry:
    """Describe one GB/T 4754-2017 class (小类)."""

    code: str  # 4 digits
    name: str
    section: str  # 门类 letter A–T

    @property
    def division(self) -> str:
        """Return the 2-digit division (大类) code."""
        return self.code[:2]


@cache
def _industries() -> dict[str, Industry]:
    return {
        row["code"]: Industry(code=row["code"], name=row["name"], section=row["section"])
        for row in _read_table(INDUSTRIES_FILE)
    }


def industry(code: str | None) -> Industry | None:
    """Return the class entry for a 4-digit ``code``, or None."""
    if not (isinstance(code, str) and len(code) == 4 and code.isascii() and code.isdigit()):
        return None
    return _industries().get(code)


def industry_known(code: str | None) -> bool:
    """Return whether ``code`` is a 4-digit GB/T 4754-2017 class."""
    return industry(code) is not None


def industry_name(code: str | None) -> str | None:
    """Return the class name of ``code``, or None when it is not a class."""
    found = industry(code)
    return found.name if found is not None else None


def industries() -> list[Industry]:
    """Return all classes in code order (for drop-downs)."""
    return list(_industries().values())
