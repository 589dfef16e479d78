"""Implement ``portal rules [--json]``: the rule catalogue in force, as the reviewer's catalogue page shows it.

Each rule: id, severity, the kinds and provinces it applies to, what it checks (Chinese and English), its
citation per province and the documents it cites. Pure: reads the rule registry, no app, no database.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .domain.labels import kind_name, severity_name

#: a document is cited by its title in 《…》 (a plan, a regulation), its number (发改产业〔2021〕1609号, or
#: 〔2023〕723号 after another of the same issuer) or a national standard (GB 32100-2015, GB/T 4754-2017)
_DOCUMENT = re.compile(r"《[^》]+》|[\u4e00-\u9fff]*〔\d{4}〕\d+号|GB(?:/T)? \d+(?:\.\d+)?-\d{4}")


def documents_cited(text: str) -> list[str]:
    """Return the documents a citation names, in order, each once."""
    return list(dict.fromkeys(_DOCUMENT.findall(text)))


def catalogue() -> list[dict[str, Any]]:
    """Return every rule in catalogue order, with its citation per province and the documents it names."""
    from .rules import RULES_VERSION
    from .rules.engine import rules

    out = []
    for rule in rules():
        provinces = sorted(rule.provinces)
        citations = {p: rule.citation(p) for p in provinces}
        out.append({
            "id": rule.id,
            "severity": rule.severity,
            "kinds": sorted(rule.kinds),
            "scope": rule.scope,
            "provinces": provinces,
            "title_zh": rule.title_zh,
            "title_en": rule.title_en,
            "check_zh": rule.checks_zh,
            "check_en": rule.checks_en,
            "citation": rule.basis_text(),
            "citation_by_province": citations,
            "documents": documents_cited(" ".join(citations.values())),
            "parameters": list(rule.params),
            "rules_version": RULES_VERSION,
        })
    return out


def run_rules(as_json: bool) -> int:
    """Print the catalogue (a JSON array with ``--json``, else one block per rule); return the exit status."""
    entries = catalogue()
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        kinds = "、".join(kind_name(k) for k in e["kinds"])
        print(f"{e['id']}  {severity_name(e['severity'])} / {e['severity']}  [{e['scope']}]  {kinds}")
        print(f"  {e['title_zh']} / {e['title_en']}")
        print(f"  检查：{e['check_zh']}")
        print(f"  check: {e['check_en']}")
        for province, citation in e["citation_by_province"].items():
            print(f"  依据（{province}）：{citation}")
        print()
    print(f"{len(entries)} 条规则 / rules, {entries[0]['rules_version'] if entries else ''}")
    return 0
