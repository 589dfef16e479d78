"""Every user-facing string has an English translation (Chinese is the source language)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[2] / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_english_catalog_is_complete() -> None:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == [], f"add English for: {missing[:10]}"
