"""Resolve the basis of each rule from ``citations.toml``: documents and clauses, the plans' words quoted.

The texts are data (``citations.toml``, beside this module): a text may name others as ``{NAME}``, so each
document's title and each quoted clause is written once. A basis that draws on both provinces' plans is a
table with one text per province (``JX``, ``JS``): a finding cites only its own province's plan plus
national documents (rules-catalogue.md, amended 2026-12).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

JX = "JX"
JS = "JS"
PROVINCE_KEYS = frozenset({JX, JS})
#: a basis naming one whole entry of citations.toml, e.g. "{XCK_BASIS}" (possibly a per-province table)
_WHOLE_ENTRY = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")

Basis = str | Mapping[str, str]


@cache
def texts() -> dict[str, str | dict[str, str]]:
    """Return the entries of citations.toml as written (templates not yet resolved)."""
    with Path(__file__).with_name("citations.toml").open("rb") as handle:
        loaded = tomllib.load(handle)
    entries: dict[str, str | dict[str, str]] = {}
    for name, value in loaded.items():
        if isinstance(value, str):
            entries[name] = value
        elif isinstance(value, dict) and set(value) <= PROVINCE_KEYS and all(isinstance(v, str) for v in value.values()):
            entries[name] = {key: str(text) for key, text in value.items()}
        else:
            raise ValueError(f"citations.toml: {name} is neither a text nor a table of JX/JS texts")
    return entries


class _Resolved(dict[str, str]):
    """Look up ``{NAME}`` in citations.toml for ``str.format_map``, resolving the named text in turn."""

    def __missing__(self, name: str) -> str:
        value = texts().get(name)
        if not isinstance(value, str):
            raise KeyError(f"citations.toml has no text named {name}")
        return resolve(value)


@cache
def resolve(template: str) -> str:
    """Return ``template`` with every ``{NAME}`` replaced by that citation's resolved text."""
    return template.format_map(_Resolved())


def resolve_basis(basis: Basis) -> dict[str, str]:
    """Return a rule's citation by province key: ``{"all": text}`` or ``{"JX": text, "JS": text}``.

    ``basis`` is one template, a template naming a per-province entry of citations.toml as a whole
    (``"{XCK_BASIS}"``), or a table of templates by province.
    """
    if isinstance(basis, str):
        whole = _WHOLE_ENTRY.fullmatch(basis)
        named = texts().get(whole.group(1)) if whole else None
        if not isinstance(named, dict):
            return {"all": resolve(basis)}
        basis = named
    if not basis or not set(basis) <= PROVINCE_KEYS:
        raise ValueError(f"a basis by province has the keys JX and JS, not {sorted(basis)}")
    return {province: resolve(text) for province, text in basis.items()}
