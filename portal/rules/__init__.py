"""The rules engine: the catalogue v1 rules (rules-catalogue.md) over the canonical documents.

Pure: no Flask, no database. ``check_document`` is what ``portal check``, the web services and the bulk
importer call; ``evaluate`` runs the rules over results computed elsewhere. Every threshold, date and
code list a rule uses is a year-versioned reference parameter (``parameters_for``).
"""

from __future__ import annotations

from .engine import (
    RULES_VERSION,
    CheckOutcome,
    check_document,
    evaluate,
    get_rule,
    parameters_for,
    rule_catalogue,
    rules,
)
from .indicators import TriggerReason, TriggerStatus, mandatory_audit_indicators
from .params import ParameterMissing
from .registry import AuditRecord, PreviousReport, Rule, RuleContext, province_of

__all__ = [
    "RULES_VERSION",
    "AuditRecord",
    "CheckOutcome",
    "ParameterMissing",
    "PreviousReport",
    "Rule",
    "RuleContext",
    "TriggerReason",
    "TriggerStatus",
    "check_document",
    "evaluate",
    "get_rule",
    "mandatory_audit_indicators",
    "parameters_for",
    "province_of",
    "rule_catalogue",
    "rules",
]
