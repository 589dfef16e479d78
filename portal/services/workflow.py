"""The filing's state machine: which status may follow which, by which action; the one place that moves it.

Every status change goes through :func:`transition` (submit, return, accept, reopen); the database CHECK
constraints back it up. The filing, review, verification and regulator services use it; it imports none of
them, so that none of them has to import another for it (they used to, in a circle through
``services.filings``).
"""

from __future__ import annotations

from ..models import Filing, User
from . import audit
from .errors import IllegalTransition

# (from, to) → the action that makes the change. A filing under review (submitted, resubmitted) is not
# submitted again: its draft is read-only until the reviewer returns it, so there is nothing new to submit.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submitted"): "submit",
    ("returned", "resubmitted"): "submit",
    ("submitted", "returned"): "return",
    ("resubmitted", "returned"): "return",
    ("submitted", "accepted"): "accept",
    ("resubmitted", "accepted"): "accept",
    # issue 18 item 3: a reviewer reopens an accepted filing for correction (services/regulator.py); the
    # accepted version stays, the corrected draft becomes the next version
    ("accepted", "returned"): "reopen",
}
#: issue 20 item 6: withdrawn before review starts, a filing goes back to the status it had before the submit
WITHDRAWN_TO = {"submitted": "draft", "resubmitted": "returned"}
#: statuses awaiting the reviewer's decision
UNDER_REVIEW = ("submitted", "resubmitted")
#: statuses whose draft the enterprise may change (and certify, and submit)
EDITABLE_STATUSES = ("draft", "returned")


def transition(actor: User, filing: Filing, to: str, action: str) -> None:
    """Move the filing to status ``to`` by ``action`` (submit, return, accept), audited; refuse any other move."""
    if TRANSITIONS.get((filing.status, to)) != action:
        raise IllegalTransition(
            f"状态为“{filing.status}”的申报不能执行此操作", f"a filing in status {filing.status!r} cannot be {action}ed"
        )
    before = filing.status
    filing.status = to
    audit.record(actor, f"filing.{action}", "filing", filing.id, before={"status": before}, after={"status": to})
