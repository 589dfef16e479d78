"""What the rule registry must hold beyond, or not yet hold of, the rows of rules-catalogue.md (amended 2026-12).

Shared by the unit test of the registry and the functional test of the public catalogue page.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT.parent / "shared" / "spec" / "rules-catalogue.md"

#: The rules for the clauses listed under the PLN table ("New in 2026-12"): the catalogue lists the clauses,
#: not rows, so their ids, severities and scopes are the registry's own — exactly these, no others.
NEW_PLN_RULES = {
    "PLN-014": ("warning", "JS"),  # JS 第（五）条: new capacity below 一级能效; obsolete equipment
    "PLN-015": ("warning", "JS"),  # JS 第（六）条: coal unit ≥ 300 MW without heat-supply retrofit
    "PLN-016": ("warning", "JS"),  # JS 第（六）条: small coal CHP inside a large unit's supply radius
    "PLN-017": ("notice", "all"),  # VOCs 源头替代
    "PLN-018": ("warning", "all"),  # VOCs total control
    "PLN-019": ("warning", "JX"),  # biomass boilers (JX 十四五规划第五章第二节; Jiangsu's plan has no clause)
    "PLN-020": ("warning", "JX"),  # new or rebuilt kiln not on clean low-carbon energy (JX 方案第（六）条)
    "PLN-021": ("notice", "JX"),  # existing coal or oil kiln: substitution (JX 十四五规划第三章第三节)
    "PLN-022": ("warning", "all"),  # kiln 深度治理 (JX: ceramics, bricks, non-ferrous; JS: every kiln)
    "PLN-023": ("warning", "JX"),  # heavy metals: 减量置换 / 等量替换 (JX 十四五规划第七章第三节)
}

#: Rules added by issue 20 item 9 (clean-production audits), not yet rows of rules-catalogue.md: the lead adds
#: them to the spec; until then the registry holds exactly these beyond its rows.
NEW_CPA_RULES = {
    "CPA-013": ("error", "all"),  # an empty audit: required content missing, blocks certification and submission
    "CPA-014": ("warning", "all"),  # an option marked feasible with NPV < 0 or a payback beyond its lifetime
}

#: Rows of the catalogue whose rule functions are not registered yet (may be missing from the registry; when
#: registered, they must match their row). Empty since GHG-015/016 came with issue 14.
PENDING_IN_REGISTRY: frozenset[str] = frozenset()


def catalogue_rows() -> dict[str, tuple[str, str]]:
    """Return ``{id: (severity, scope)}`` of every rule row of the catalogue (none when it is not beside us)."""
    rows = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*([A-Z]{3}-\d{3})\s*\|\s*(error|warning|notice)\s*\|\s*(all|JX|JS)\s*\|", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def expected_rules(registered: set[str]) -> dict[str, tuple[str, str]]:
    """Return the ids, severities and scopes the registry must hold: the catalogue's rows and the new PLN rules.

    A pending row is expected only once it is registered (then with the catalogue's severity and scope).
    """
    expected = {**NEW_CPA_RULES, **catalogue_rows(), **NEW_PLN_RULES}
    return {rule_id: row for rule_id, row in expected.items()
            if rule_id not in PENDING_IN_REGISTRY or rule_id in registered}
