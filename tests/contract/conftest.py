"""Report what the contract test exercised: operations and generated cases (issue 19 item 7)."""

from __future__ import annotations

from collections import Counter
from typing import Any

#: operation ("GET /filings") → generated cases sent, filled by test_openapi_contract.py
CASES: Counter[str] = Counter()
#: response status → count
STATUSES: Counter[int] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the number of operations and generated cases of the contract test, when it ran."""
    if not CASES:
        return
    terminalreporter.write_line(
        f"schemathesis contract: {len(CASES)} operations, {sum(CASES.values())} generated cases; responses by "
        f"status: {dict(sorted(STATUSES.items()))}")
