"""Compare two canonical documents field by field: what a reviewer needs to see changed between versions.

Both documents are flattened into their leaves (``fuels[0].consumption`` → value) by walking the kind's
field tree (``schema.py``), so the diff speaks the same names and units as the forms and the PDF, and
each leaf keeps its node for formatting (code names, choices, places). A leaf missing on one side counts
as ``None``: a row added in the new version shows its filled values as added, a removed row its old values
as removed. Paths are those of the findings (0-based rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from . import documents
from . import formatting as fmt
from .formatting import CodeNames
from .labels import EMPTY, UNITS, VALUE_SETS, Language, Text, Unit, row_text
from .schema import Field, describe_path, schema_of

ChangeKind = Literal["changed", "added", "removed"]


class _Labelled:
    """Give a leaf or a change its labels and unit from its node and its label in words."""

    __slots__ = ()
    node: Field
    label: Text

    @property
    def label_zh(self) -> str:
        """Return the Chinese label."""
        return self.label.zh

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return self.label.en

    @property
    def unit(self) -> Unit | None:
        """Return the field's unit."""
        return self.node.unit


@dataclass(frozen=True, slots=True)
class Leaf(_Labelled):
    """Hold one leaf of a document: its path, node, label in words (with rows) and value."""

    path: str
    node: Field
    label: Text  # "化石燃料燃烧 · 第1行 · 消耗量"
    value: Any


@dataclass(frozen=True, slots=True)
class Change(_Labelled):
    """Hold one changed leaf: old → new (``None`` when absent on that side)."""

    path: str
    kind: ChangeKind
    node: Field
    label: Text
    old: Any
    new: Any

    @property
    def section(self) -> str | None:
        """Return the key of the section the field belongs to (for grouping the diff)."""
        return self.node.section


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def leaves(document: Any, skip: frozenset[str] = frozenset()) -> list[Leaf]:
    """Return the leaves of a document in field order, labelled from its kind's field tree.

    ``skip``: paths of rows (``fuels[12]``) to leave out.
    """
    out: list[Leaf] = []
    root = schema_of(document.kind).root
    for child in root.children:
        _walk(child, getattr(document, child.name), child.name, (child.label.zh,), (child.label.en,), out, root,
              skip)
    return out


def _walk(node: Field, value: Any, path: str, zh: tuple[str, ...], en: tuple[str, ...], out: list[Leaf],
          root: Field, skip: frozenset[str] = frozenset()) -> None:
    if node.kind == "object":
        if value is None:
            out.append(Leaf(path, node, Text(" · ".join(zh), " · ".join(en)), None))
            return
        for child in node.children:
            _walk(child, getattr(value, child.name), f"{path}.{child.name}", (*zh, child.label.zh),
                  (*en, child.label.en), out, root)
    elif node.kind == "list" and not node.is_scalar_list:
        for index, row in enumerate(value or ()):
            row_path = f"{path}[{index}]"
            if row_path in skip:
                continue
            words = row_text(index)
            _walk(node.children[0], row, row_path, (*zh, words.zh), (*en, words.en), out, root)
    elif node.kind == "map":
        # The explanations: finding key → text. The key (``XCK-004@fuels[0].ncv``) is the rule and the path it
        # fired at: the label names the rule and the field in words, never the raw path (issue 20 item 11).
        for key in sorted(value or {}):
            words = _finding_key_text(root, key)
            out.append(Leaf(f"{path}[{key}]", node.children[0], Text(" · ".join((*zh, words.zh)),
                                                                      " · ".join((*en, words.en))), value[key]))
    else:
        out.append(Leaf(path, node, Text(" · ".join(zh), " · ".join(en)), value))


def _finding_key_text(root: Field, key: str) -> Text:
    """Return a finding key in words: ``XCK-004@energy_total_tce`` → "XCK-004 · 综合能源消费量（企业申报）"."""
    rule, _, where = key.partition("@")
    if not where:
        return Text(rule, rule)
    described = describe_path(root, where)
    return Text(f"{rule} · {described.zh}", f"{rule} · {described.en}")


def diff_documents(old: Any, new: Any) -> list[Change]:
    """Return the leaves whose value differs between ``old`` and ``new``, in the new document's order.

    Leaves only in ``old`` (removed rows) follow, in the old document's order. ``old`` may be ``None``
    (no earlier version): then nothing is reported, since everything would be "added".
    """
    if old is None:
        return []
    if type(old) is not type(new):
        raise ValueError(f"cannot compare a {type(old).__name__} with a {type(new).__name__}")
    same = _same_rows(old, new)
    before = {leaf.path: leaf for leaf in leaves(old, same)}
    after = {leaf.path: leaf for leaf in leaves(new, same)}
    changes: list[Change] = []
    for path, leaf in after.items():
        was = before[path].value if path in before else None
        if _differs(was, leaf.value):
            changes.append(_change(leaf, was, leaf.value))
    for path, leaf in before.items():
        if path not in after and not _empty(leaf.value):
            changes.append(_change(leaf, leaf.value, None))
    return changes


def _same_rows(old: Any, new: Any) -> frozenset[str]:
    """Return the paths of the rows of the top-level lists that are equal, at the same index, in both documents.

    Their leaves are the same on both sides, so they are not walked: a save of one page of a 5,000-line table
    compares 100 rows leaf by leaf, not 5,000 (issue 19 item 5). Rows equal as objects have equal leaves.
    """
    out: list[str] = []
    for child in schema_of(new.kind).root.children:
        if child.kind != "list" or child.is_scalar_list:
            continue
        was, now = getattr(old, child.name, None) or (), getattr(new, child.name, None) or ()
        out.extend(f"{child.name}[{index}]" for index, (a, b) in enumerate(zip(was, now, strict=False)) if a == b)
    return frozenset(out)


def _differs(old: Any, new: Any) -> bool:
    if _empty(old) and _empty(new):
        return False
    return bool(old != new)


def _change(leaf: Leaf, old: Any, new: Any) -> Change:
    kind: ChangeKind = "added" if _empty(old) else "removed" if _empty(new) else "changed"
    return Change(leaf.path, kind, leaf.node, leaf.label, old, new)


# ------------------------------------------------------------------------------ grouped by section (issue 20)


@dataclass(frozen=True, slots=True)
class SectionChanges:
    """Hold the changes of one section of the kind, under the section's title."""

    key: str
    title: Text
    changes: tuple[Change, ...]


def by_section(kind: str, changes: list[Change]) -> list[SectionChanges]:
    """Return the changes grouped by the kind's sections, in section order (issue 20 item 11).

    A change outside every section (the explanations, the kind itself) goes under its top-level field's label,
    after the sections.
    """
    schema = schema_of(kind)
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.section or _top(change.path), []).append(change)
    out = [SectionChanges(s.key, s.title, tuple(groups.pop(s.key))) for s in schema.sections if s.key in groups]
    for key, rest in groups.items():
        node = schema.find(key)
        out.append(SectionChanges(key, node.label if node is not None else Text(key, key), tuple(rest)))
    return out


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


# ------------------------------------------------------------------------------------- computed figures


@dataclass(frozen=True, slots=True)
class ComputedChange:
    """Hold one computed figure that differs between two versions: its label in words, unit, old → new.

    ``path`` (``fuels[0].tco2``) is for tests and anchors only; pages print the label (issue 20 item 11: no raw
    keys, no dict text).
    """

    path: str
    label: Text
    unit: Unit | None
    places: int | None
    old: Any
    new: Any

    def old_text(self, language: Language = "zh") -> str:
        """Return the old value as printed."""
        return _figure(self.old, self.unit, self.places, language)

    def new_text(self, language: Language = "zh") -> str:
        """Return the new value as printed."""
        return _figure(self.new, self.unit, self.places, language)


_Figure = tuple[Text, Unit | None, int | None, Any]


def _figure(value: Any, unit: Unit | None, places: int | None, language: Language) -> str:
    if fmt.is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return fmt.value_of_bool(value, language)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if unit is not None and unit.code == "percent":
            return fmt.percent(number, places)
        return fmt.number(number, places)
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(_figure(v, None, None, language) for v in value)
    if isinstance(value, Text):
        return value.get(language)
    return str(value)


def _join(*parts: Text) -> Text:
    return Text(" · ".join(p.zh for p in parts), " · ".join(p.en for p in parts))


def _code(names: CodeNames | None, codes: str, value: Any) -> Text:
    found = fmt.code_name(codes, value, names)
    return Text(str(value), str(value)) if found is None else found


def computed_figures(kind: str, block: Mapping[str, Any], names: CodeNames | None = None) -> dict[str, _Figure]:
    """Return the leaves of a version's computed block, labelled from the figures' declarations.

    Per-line figures are named by their section, row and code name ("化石燃料燃烧 · 第1行（烟煤） · 排放量"),
    per-product, per-option and per-indicator ones by the product, option or indicator. Keys declared nowhere
    (working notes such as ``calendar_missing``) are left out: the page's full computed block shows the rest.
    """
    schema = schema_of(kind)
    top = {d.key: d for d in schema.computed}
    out: dict[str, _Figure] = {}

    def section_title(key: str) -> Text:
        try:
            return schema.section(key).title
        except KeyError:
            return Text(key, key)

    for key, value in block.items():
        if key in ("fuels", "processes"):
            codes = "fuel" if key == "fuels" else "process"
            d = _FUEL_EMISSION
            for row in value or ():
                row_words = row_text(int(row["index"]))
                name = _code(names, codes, row.get(codes))
                where = Text(f"{row_words.zh}（{name.zh}）", f"{row_words.en} ({name.en})")
                out[f"{key}[{row['index']}].tco2"] = (_join(section_title(key), where, d.label), d.unit, d.places,
                                                      row.get("tco2"))
        elif key == "products" and isinstance(value, dict):
            for code, figures in value.items():
                name = _code(names, "product", code)
                level_unit = figures.get("level_unit")
                # the level's unit is the product's own (kgce/t, kgce/重量箱), printed as the reference data has it
                unit = (UNITS.get(str(level_unit)) or Unit("level", str(level_unit), str(level_unit))) if level_unit else None
                for figure in _PRODUCT:
                    if figure.key in figures:
                        shown = figures[figure.key]
                        if figure.key == "level" and isinstance(shown, str):
                            shown = _name_in_sets(shown)
                        out[f"products[{code}].{figure.key}"] = (
                            _join(section_title("products"), name, figure.label),
                            unit if figure.key == "unit_energy" else figure.unit, figure.places, shown)
        elif key == "generating_units" and isinstance(value, dict):
            for unit_id, figures in value.items():
                for figure in documents.GENERATING_UNIT_COMPUTED:
                    if figure.key in figures:
                        out[f"generating_units[{unit_id}].{figure.key}"] = (
                            _join(section_title("generating_units"), Text(str(unit_id), str(unit_id)), figure.label),
                            figure.unit, figure.places, figures[figure.key])
        elif key == "savings_total" and isinstance(value, dict):
            savings = schema.field("options[].savings")
            for name, amount in value.items():
                node = savings.child(name)
                out[f"savings_total.{name}"] = (_join(_SAVINGS_TOTAL, node.label), node.unit, node.places, amount)
        elif key == "options" and isinstance(value, dict):
            for option_id, figures in value.items():
                for figure in documents.OPTION_COMPUTED:
                    out[f"options[{option_id}].{figure.key}"] = (
                        _join(section_title("options"), Text(str(option_id), str(option_id)), figure.label),
                        figure.unit, figure.places, figures.get(figure.key))
        elif key == "indicators":
            for row in value or ():
                name = _indicator(row.get("indicator"))
                for figure in documents.INDICATOR_COMPUTED:
                    shown = row.get(figure.key)
                    if figure.key == "achievement_pct" and isinstance(shown, (int, float)):
                        shown = Decimal(str(shown)) / 100  # stored as a percentage, printed as every percent is
                    out[f"indicators[{row.get('indicator')}].{figure.key}"] = (
                        _join(section_title("targets"), name, figure.label), figure.unit, figure.places, shown)
        elif key == "deadlines" and isinstance(value, dict):
            for figure in documents.DEADLINES_COMPUTED:
                out[f"deadlines.{figure.key}"] = (figure.label, figure.unit, figure.places, value.get(figure.key))
        elif key == "required_sections" and key in top:
            d = top[key]
            out[key] = (d.label, d.unit, d.places, [section_title(s) for s in value or ()])
        elif key in top and not isinstance(value, (dict, list)):
            d = top[key]
            out[key] = (d.label, d.unit, d.places, value)
    return out


def diff_computed(kind: str, old: Mapping[str, Any], new: Mapping[str, Any],
                  names: CodeNames | None = None) -> list[ComputedChange]:
    """Return the computed figures that differ between two versions' blocks, labelled, in the new block's order."""
    before = computed_figures(kind, old, names)
    after = computed_figures(kind, new, names)
    out: list[ComputedChange] = []
    for path, (label, unit, places, value) in after.items():
        was = before[path][3] if path in before else None
        if _differs(was, value):
            out.append(ComputedChange(path, label, unit, places, was, value))
    for path, (label, unit, places, value) in before.items():
        if path not in after and not _empty(value):
            out.append(ComputedChange(path, label, unit, places, value, None))
    return out


def _name_in_sets(value: str) -> Text | str:
    for values in VALUE_SETS.values():
        choice = values.get(value)
        if choice is not None:
            return choice.text
    return value


def _indicator(code: Any) -> Text:
    choice = VALUE_SETS["indicator"].get(code)
    return choice.text if choice is not None else Text(str(code), str(code))


_FUEL_EMISSION = next(d for d in documents.FUEL_LINE_COMPUTED if d.key == "emission_tco2")
_PRODUCT = tuple(d for d in documents.PRODUCT_COMPUTED if d.key in ("unit_energy", "level"))
_SAVINGS_TOTAL = Text("减污降碳协同效益合计", "Co-benefits, total")
