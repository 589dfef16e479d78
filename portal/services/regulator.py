"""The regulator's tools (issue 18 item 3): assignment, deadline extensions, reopening, bulk actions.

Every action is a reviewer's within their region scope (``require_review``: anything else is NotFound) and
is audited. Assignment goes to a reviewer whose own scope covers the filing; an extension replaces the
reference deadline for one enterprise's (kind, year) only — GHG-014 reads it through ``services.checking``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from ..auth.permissions import in_scope
from ..extensions import db
from ..models import FILING_KINDS, DeadlineExtension, Enterprise, Filing, ReviewComment, User
from . import audit, notifications
from .access import require_review, require_reviewer
from .deadlines import due_date, ghg_due_date
from .errors import IllegalTransition, NotFound, ServiceError
from .workflow import transition

MAX_REASON = 2000
MAX_BULK = 200  # one queue page is 50 rows; a bulk action names at most a few pages


def _reason(text: str | None, *, field: str = "reason") -> str:
    reason = (text or "").strip()
    if not reason:
        raise ServiceError("请填写理由", "give the reason", field=field)
    if len(reason) > MAX_REASON:
        raise ServiceError(f"理由不能超过 {MAX_REASON} 字", f"the reason is longer than {MAX_REASON} characters",
                           field=field)
    return reason


# ------------------------------------------------------------------------------------------ assignment


def assignable_reviewers(actor: User) -> list[User]:
    """Return the active reviewers the actor may assign work to: those whose scope lies within the actor's."""
    require_reviewer(actor)
    scope = actor.reviewer_scope or ""
    reviewers = db.session.scalars(select(User).where(User.reviewer_scope.is_not(None), User.active)
                                   .order_by(User.reviewer_scope, User.name)).all()
    return [u for u in reviewers if in_scope(scope, u.reviewer_scope)]


def _may_take(actor: User, assignee: User, filing: Filing) -> bool:
    """Return whether ``assignee`` is an active reviewer within the actor's scope who covers the filing."""
    return (assignee.active and assignee.reviewer_scope is not None
            and in_scope(actor.reviewer_scope, assignee.reviewer_scope)
            and in_scope(assignee.reviewer_scope, filing.enterprise.region_code))


def assign(actor: User, filing: Filing, assignee: User | None) -> None:
    """Assign the filing to a reviewer whose scope covers it (None: unassign); audited."""
    require_review(actor, filing)
    if assignee is not None and not _may_take(actor, assignee, filing):
        raise ServiceError("只能分派给审核范围覆盖该企业的审核人员",
                           "assign only to a reviewer whose scope covers the enterprise", field="assignee")
    before = filing.assigned_to_id
    filing.assigned_to_id = assignee.id if assignee is not None else None
    db.session.flush()
    audit.record(actor, "review.assign", "filing", filing.id, before={"assigned_to": before},
                 after={"assigned_to": filing.assigned_to_id})


def _filings_in_scope(actor: User, filing_ids: Iterable[int]) -> list[Filing]:
    """Return the named filings, refusing the whole request when one is missing or outside the scope."""
    ids = sorted({int(i) for i in filing_ids})
    if not ids:
        raise ServiceError("请先勾选申报", "select at least one filing", field="filing_ids")
    if len(ids) > MAX_BULK:
        raise ServiceError(f"一次最多处理 {MAX_BULK} 份申报", f"at most {MAX_BULK} filings at a time",
                           field="filing_ids")
    filings = list(db.session.scalars(select(Filing).where(Filing.id.in_(ids)).order_by(Filing.id)))
    if len(filings) != len(ids):
        raise NotFound()
    for filing in filings:
        require_review(actor, filing)
    return filings


def bulk_assign(actor: User, filing_ids: Iterable[int], assignee: User | None) -> int:
    """Assign every selected filing to one reviewer (all or none); return how many."""
    filings = _filings_in_scope(actor, filing_ids)
    for filing in filings:
        assign(actor, filing, assignee)
    return len(filings)


def bulk_remind(actor: User, filing_ids: Iterable[int], today: dt.date) -> int:
    """Send the reviewer's reminder notice to the enterprises of the selected unsubmitted filings.

    The same notice as the queue's "remind overdue" (kind ``reminder``, one per enterprise, filing and day);
    filings already submitted are skipped. Return how many filings were reminded.
    """
    filings = _filings_in_scope(actor, filing_ids)
    reminded = []
    for filing in filings:
        if filing.status not in ("draft", "returned"):
            continue
        what_zh, what_en = notifications.kind_words(filing.kind)
        due = due_date(filing.enterprise_id, filing.kind, filing.year)
        due_zh = f"（截止日期 {due:%Y-%m-%d}）" if due else ""
        due_en = f" (due {due:%Y-%m-%d})" if due else ""
        message = (f"审核人提醒：{filing.enterprise.name} {filing.year} 年度{what_zh}尚未提交{due_zh}，请尽快提交。",
                   f"Reminder from your reviewer: the {filing.year} {what_en} of {filing.enterprise.name} is not "
                   f"submitted yet{due_en}; submit it as soon as possible.")
        sent = [notifications.notify(user, "reminder", *message, filing=filing, enterprise=filing.enterprise,
                                     dedupe_key=f"reminder:filing:{filing.id}:{today.isoformat()}")
                for user in notifications.members_of(filing.enterprise_id)]
        if any(n is not None for n in sent):
            reminded.append(filing.id)
    audit.record(actor, "notification.remind_selected", "filing", None, after={"filings": reminded})
    return len(reminded)


# --------------------------------------------------------------------------------------- deadlines


def standard_due_date(kind: str, year: int) -> dt.date | None:
    """Return the reference deadline of an obligation (none is kept for the clean-production audit)."""
    return ghg_due_date(year) if kind == "ghg_annual_report" else None


def extend_deadline(actor: User | None, enterprise: Enterprise, kind: str, year: int, due_on: dt.date | None,
                    reason: str) -> DeadlineExtension:
    """Extend one enterprise's due date of (kind, year) with a reason; audited (before and after)."""
    if actor is not None and not (actor.reviewer_scope and in_scope(actor.reviewer_scope, enterprise.region_code)):
        raise NotFound()
    if kind not in FILING_KINDS:
        raise ServiceError("申报类型无效", "unknown filing kind", field="kind")
    if not 2000 <= year <= 2100:
        raise ServiceError("年度应在 2000–2100 之间", "the year must be between 2000 and 2100", field="year")
    if due_on is None:
        raise ServiceError("请填写延期后的截止日期", "give the extended due date", field="due_on")
    reason = _reason(reason)
    standard = standard_due_date(kind, year)
    if standard is not None and due_on <= standard:
        raise ServiceError(f"延期后的截止日期应晚于规定的截止日期 {standard:%Y-%m-%d}",
                           f"the extended due date must be after the standard due date {standard:%Y-%m-%d}",
                           field="due_on")
    row = db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.enterprise_id == enterprise.id, DeadlineExtension.kind == kind,
        DeadlineExtension.year == year))
    before = {"due_on": row.due_on.isoformat(), "reason": row.reason} if row is not None else None
    if row is None:
        row = DeadlineExtension(enterprise_id=enterprise.id, kind=kind, year=year, due_on=due_on, reason=reason,
                                granted_by_id=actor.id if actor else None)
        db.session.add(row)
    else:
        row.due_on, row.reason = due_on, reason
        row.granted_by_id = actor.id if actor else None
        row.granted_at = dt.datetime.now(dt.UTC)
    db.session.flush()
    audit.record(actor, "deadline.extend", "enterprise", enterprise.id, before=before,
                 after={"kind": kind, "year": year, "due_on": due_on.isoformat(),
                        "standard": standard.isoformat() if standard else None, "reason": reason})
    return row


def extensions_of(enterprise_id: int) -> list[DeadlineExtension]:
    """Return the deadlines extended for an enterprise, newest year first."""
    return list(db.session.scalars(select(DeadlineExtension).where(DeadlineExtension.enterprise_id == enterprise_id)
                                   .order_by(DeadlineExtension.year.desc(), DeadlineExtension.kind)))


def extensions_in_scope(scope: str | None, limit: int = 500) -> list[DeadlineExtension]:
    """Return the extensions of enterprises in a region scope (None: all), newest first."""
    stmt = select(DeadlineExtension).join(Enterprise, Enterprise.id == DeadlineExtension.enterprise_id)
    if scope:
        stmt = stmt.where(Enterprise.in_region_scope(scope))
    return list(db.session.scalars(stmt.order_by(DeadlineExtension.id.desc()).limit(limit)))


# ------------------------------------------------------------------------------------------- reopen


def reopen(actor: User, filing: Filing, reason: str) -> None:
    """Reopen an accepted filing for correction: it goes back to the enterprise as returned.

    The accepted version stays as it was (versions are immutable); the enterprise corrects the draft and
    resubmits it as the next version. The reason becomes a comment the enterprise sees and must answer.
    """
    require_review(actor, filing)
    if filing.status != "accepted":
        raise IllegalTransition("只有已通过的申报可以重新打开", "only an accepted filing can be reopened")
    reason = _reason(reason)
    accepted_version = filing.current_version
    accepted_at = filing.accepted_at
    transition(actor, filing, "returned", "reopen")
    filing.accepted_at = None
    comment = ReviewComment(filing_id=filing.id, version_number=accepted_version, author_id=actor.id,
                            target_type="filing", target="", visibility="filer",
                            body=f"重新打开更正 / reopened for correction: {reason}")
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "filing.reopen_reason", "filing", filing.id,
                 before={"accepted_version": accepted_version,
                         "accepted_at": accepted_at.isoformat() if accepted_at else None},
                 after={"reason": reason, "comment_id": comment.id})
    notifications.filing_event(filing, "returned")
