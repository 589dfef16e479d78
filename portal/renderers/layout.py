"""Lay a table out for an A4 page before WeasyPrint sees it: column widths, orientation, column splits.

Two reasons to decide this here rather than leave it to WeasyPrint's automatic table layout:

* **Speed.** The automatic layout measures the min-content width of every cell; for CJK text it re-lays
  the rest of the cell out once per character (``split_first_line``), which is quadratic in the length
  of a cell — 19,990 Pango calls for 5,000 characters of explanation, 220 s for 10,000. With
  ``table-layout: fixed`` and the widths given on ``<col>`` elements WeasyPrint never measures a cell,
  and rendering time is linear in the text (benchmarks/bench_pdf.py).
* **Fit.** A table whose columns cannot fit A4 portrait (the 14-column 化石燃料燃烧计算参数) runs off the
  page under the automatic layout. Here such a table is printed on an A4 landscape page, and a table too
  wide even for that is split into column groups that repeat its identifying columns.

Widths are estimated from character counts with the metrics of Noto Sans CJK (an ideograph is 1 em, a
Latin letter or digit about 0.6 em) of the text each cell prints (the view's columns already carry their
decimals, one format per column): cheap, linear, and conservative, so that a number never overflows its
cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .view import Column, Table

PT_MM = 25.4 / 72
#: width of the text area: A4 (210 × 297 mm) less 15 mm margins left and right
PORTRAIT_MM = 210 - 30
LANDSCAPE_MM = 297 - 30
CELL_PADDING_MM = 2 * 1.5 + 0.5  # left and right padding, and a border
#: a column never gets more than this share of the preferred width budget
MAX_COLUMN_MM = 70.0

# Font sizes (pt) the v2 stylesheet gives tables: keep in step with report_templates/pdf/*/v2/report.css
DATA_PT = 8.5
WIDE_PT = 7.5
WIDE_COLUMNS = 9  # tables with more visible columns than this print in WIDE_PT
HEADER_UNIT_SCALE = 0.9


def _char_em(ch: str) -> float:
    code = ord(ch)
    if code >= 0x2E80 or 0xFF00 <= code <= 0xFFEF:  # CJK, full-width forms
        return 1.0
    if ch == " ":
        return 0.3
    return 0.62  # Latin, digits and punctuation of Noto Sans: 0.5–0.6 em; rounded up on purpose


def text_em(text: str) -> float:
    """Return the width of ``text`` on one line, in em."""
    return sum(_char_em(ch) for ch in text)


def longest_unbreakable_em(text: str) -> float:
    """Return the width of the longest run that cannot be broken across lines (CJK breaks anywhere)."""
    best = run = 0.0
    for ch in text:
        if ch == " " or ord(ch) >= 0x2E80:
            best = max(best, run, _char_em(ch) if ch != " " else 0.0)
            run = 0.0
        else:
            run += _char_em(ch)
    return max(best, run)


@dataclass(frozen=True, slots=True)
class TableLayout:
    """Hold how one table prints: font, orientation, column groups and their widths."""

    font_pt: float
    landscape: bool
    #: column groups, as indexes into the table's visible columns; one group unless the table is split
    parts: tuple[tuple[int, ...], ...]
    #: width of each visible column in % of its group's table width, per group
    widths: tuple[tuple[float, ...], ...]

    @property
    def split(self) -> bool:
        """Return whether the table is printed in several column groups."""
        return len(self.parts) > 1


def _header_ems(column: Column) -> tuple[float, float]:
    """Return (min, preferred) em widths of a header cell: label (short ones unbroken) and its unit."""
    label = text_em(column.zh)
    unit = text_em(f"（{column.unit}）") * HEADER_UNIT_SCALE if column.unit else 0.0  # the unit never wraps
    short = len(column.zh) <= 4  # printed unbroken (html._header)
    low = max(label if short else 2.0, unit)
    return low, max(label, unit)


def layout_table(table: Table, text: Callable[[Column, Any], str]) -> TableLayout:
    """Return the layout of a list table (``text`` gives the printed text of a value)."""
    visible = table.visible()
    font_pt = WIDE_PT if len(visible) > WIDE_COLUMNS else DATA_PT
    em_mm = font_pt * PT_MM
    lines = [*table.rows, *([table.footer] if table.footer else [])]
    low: list[float] = []
    high: list[float] = []
    for i, column in visible:
        head_low, head_high = _header_ems(column)
        cell_low = cell_high = 0.0
        for row in lines:
            shown = text(column, row[i])
            width = text_em(shown)
            # Numbers and short values print unbroken (td.num, .nw in the template); the rest wraps.
            unbroken = column.numeric or isinstance(row[i], Decimal | int) or len(shown) <= 6
            cell_low = max(cell_low, width if unbroken else longest_unbreakable_em(shown))
            cell_high = max(cell_high, width)
        low.append(max(head_low, cell_low) * em_mm + CELL_PADDING_MM)
        high.append(min(max(head_high, cell_high) * em_mm + CELL_PADDING_MM, MAX_COLUMN_MM))
    positions = tuple(range(len(visible)))
    if sum(low) <= PORTRAIT_MM:
        return TableLayout(font_pt, False, (positions,), (_percentages(low, high, PORTRAIT_MM),))
    if sum(low) <= LANDSCAPE_MM:
        return TableLayout(font_pt, True, (positions,), (_percentages(low, high, LANDSCAPE_MM),))
    parts = _split(low, visible)
    widths = tuple(_percentages([low[p] for p in part], [high[p] for p in part], LANDSCAPE_MM) for part in parts)
    return TableLayout(font_pt, True, parts, widths)


def _split(low: Sequence[float], visible: Sequence[tuple[int, Column]]) -> tuple[tuple[int, ...], ...]:
    """Split columns into groups that fit a landscape page, each repeating the identifying columns."""
    keys = [p for p, (_, c) in enumerate(visible) if c.key in ("#", "id", "name", "source")][:2] or [0]
    key_mm = sum(low[p] for p in keys)
    parts: list[tuple[int, ...]] = []
    current: list[int] = []
    used = key_mm
    for p in range(len(visible)):
        if p in keys:
            continue
        if current and used + low[p] > LANDSCAPE_MM:
            parts.append(tuple(sorted([*keys, *current])))
            current, used = [], key_mm
        current.append(p)
        used += low[p]
    if current or not parts:
        parts.append(tuple(sorted([*keys, *current])))
    return tuple(parts)


def _percentages(low: Sequence[float], high: Sequence[float], available: float) -> tuple[float, ...]:
    """Share ``available`` among columns: each gets its minimum, the rest goes where text wants room.

    This is the distribution CSS 2.1 describes for automatic layout (§17.5.2.2), computed once from the
    estimates instead of by measuring every line box.
    """
    total_low, total_high = sum(low), sum(high)
    if total_high <= available:
        # Everything fits on one line: stretch preferred widths to the full width.
        widths = [h * available / total_high for h in high] if total_high else [available / len(high)] * len(high)
    elif total_low >= available:
        widths = list(low)
    else:
        spare = available - total_low
        wants = [max(h - lo, 0.0) for lo, h in zip(low, high, strict=True)]
        total_wants = sum(wants) or 1.0
        widths = [lo + spare * w / total_wants for lo, w in zip(low, wants, strict=True)]
    scale = sum(widths) or 1.0
    return tuple(round(100 * w / scale, 2) for w in widths)
