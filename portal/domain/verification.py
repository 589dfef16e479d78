"""The verification checklist (核查技术指南) and the targets evidence and 不符合项 can point at — pure.

The checklist follows what the national verification guideline (《企业温室气体排放报告核查指南（试行）》,
环办气候函〔2021〕130号) asks a verifier to check of an annual report: the boundary and emission sources,
activity data against their evidence, measured parameters against lab reports and their frequency,
production data, and a cross-check with the pollutant discharge permit's execution report. The targets
(the filing, a section, a line) are derived from the document model's field tree, so their labels are the
same as the forms' and the PDF's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .diff import leaves
from .labels import Text
from .schema import schema_of


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """Hold one item of the verification checklist: its key, title and what the verifier checks."""

    key: str
    title: Text
    guidance: Text


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("boundary", Text("核算边界与排放源", "Boundary and emission sources"),
                  Text("核对法人边界、设施边界和排放源是否完整，与现场、许可证一致",
                       "check that the legal and facility boundaries and the emission sources are complete and "
                       "match the site and the permit")),
    ChecklistItem("activity_data", Text("活动数据与证据", "Activity data against evidence"),
                  Text("燃料、原料、电力、热力消耗量与购销发票、计量台账、仪表读数核对",
                       "fuel, raw material, electricity and heat quantities against invoices, metering ledgers "
                       "and meter readings")),
    ChecklistItem("parameters", Text("实测参数与检测报告、频次", "Measured parameters against lab reports and frequency"),
                  Text("低位发热量、含碳量等实测参数与检测报告核对，检测频次与方法符合要求",
                       "net calorific values, carbon contents and other measured parameters against lab reports; "
                       "sampling frequency and methods as required")),
    ChecklistItem("production", Text("生产数据", "Production data"),
                  Text("产品产量与生产报表、统计报表核对", "product output against production and statistical reports")),
    ChecklistItem("permit_report", Text("与排污许可执行报告交叉核对", "Cross-check with the permit execution report"),
                  Text("燃料用量、产量、排放口与排污许可证执行报告一致",
                       "fuel use, output and outlets agree with the pollutant discharge permit's execution report")),
)
CHECKLIST_KEYS = tuple(item.key for item in CHECKLIST)

#: the verifier's verdict on a checklist item
CHECK_RESULTS: dict[str, Text] = {
    "": Text("未核查", "not checked"),
    "conform": Text("符合", "conforms"),
    "nonconform": Text("不符合", "does not conform"),
    "na": Text("不适用", "not applicable"),
}


def checklist_item(key: str) -> ChecklistItem | None:
    """Return the checklist item ``key``, or None."""
    return next((item for item in CHECKLIST if item.key == key), None)


@dataclass(frozen=True, slots=True)
class Target:
    """Hold something evidence can be attached to or a finding be about: its kind, path and label."""

    type: str  # filing, section, line, field
    path: str
    label: Text


FILING_TARGET = Target("filing", "", Text("整份申报", "The whole filing"))


def section_targets(kind: str) -> list[Target]:
    """Return the sections of a filing kind as targets (key → section title)."""
    return [Target("section", s.key, s.title) for s in schema_of(kind).sections]


def line_targets(document: Any) -> list[Target]:
    """Return the lines (rows of the document's tables) as targets: ``fuels[0]`` → "化石燃料燃烧 · 第1行"."""
    seen: dict[str, Target] = {}
    for leaf in leaves(document):
        if "[" not in leaf.path or leaf.path.startswith("explanations"):
            continue
        path = leaf.path[: leaf.path.index("]") + 1]
        if path in seen:
            continue
        depth = path.count(".") + 2  # the section word(s) and the row word
        zh = " · ".join(leaf.label.zh.split(" · ")[:depth])
        en = " · ".join(leaf.label.en.split(" · ")[:depth])
        seen[path] = Target("line", path, Text(zh, en))
    return list(seen.values())


def field_targets(document: Any) -> list[Target]:
    """Return every filled field of the document as a target of a 不符合项 (labels from the field tree)."""
    return [Target("field", leaf.path, leaf.label) for leaf in leaves(document)
            if not leaf.path.startswith("explanations")]


def target_label(document: Any, target_type: str, path: str) -> Text:
    """Return the label of a target of the document; an unknown path is shown as it is."""
    if target_type == "filing":
        return FILING_TARGET.label
    candidates = (section_targets(document.kind) if target_type == "section"
                  else line_targets(document) if target_type == "line" else field_targets(document))
    for target in candidates:
        if target.path == path:
            return target.label
    return Text(path, path)
