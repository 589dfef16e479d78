"""Notices: filing events (submitted, returned, accepted), deadlines (overdue, approaching) and reminders.

Each notice is written in both languages in the transaction of the event that caused it; when SMTP is
configured an outbox row is written beside it and sent after the commit (:func:`deliver_outbox`), so a
notice is never lost when the mail server is down — it stays in the outbox and is retried.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from .. import mail
from ..domain.labels import VALUE_SETS, kind_name
from ..extensions import db
from ..models import Enterprise, Filing, Membership, Notification, OutboxMail, User
from . import audit
from .access import require_reviewer
from .deadlines import extended_due_date, ghg_due_date
from .errors import NotFound

GHG = "ghg_annual_report"
SITE_ZH, SITE_EN = "减污降碳协同申报平台", "Pollution & Carbon Synergy Reporting Portal"
# a notice's e-mail has the name of the notice's kind for its subject (domain/data/labels.toml)
_SUBJECTS = {notice.value: (notice.zh, notice.en) for notice in VALUE_SETS["notice"]}
_KINDS_IN_SENTENCE = VALUE_SETS["kind_in_sentence"]


def kind_words(kind: str) -> tuple[str, str]:
    """Return how a notice names a filing kind in its Chinese and inside its English sentence."""
    return kind_name(kind), _KINDS_IN_SENTENCE.label(kind, "en") or kind_name(kind, "en")


def outbox_mail(recipient: str, subject: tuple[str, str], body: tuple[str, str], *,
                notification_id: int | None = None) -> OutboxMail:
    """Return the outbox row of an e-mail in both languages, the site named in its subject and signature."""
    return OutboxMail(notification_id=notification_id, recipient=recipient, attempts=0,
                      subject=f"【{SITE_ZH}】{subject[0]} / {subject[1]}",
                      body=f"{body[0]}\n\n{body[1]}\n\n— {SITE_ZH} / {SITE_EN}\n")


def notify(user: User, kind: str, message_zh: str, message_en: str, *, filing: Filing | None = None,
           enterprise: Enterprise | None = None, dedupe_key: str | None = None) -> Notification | None:
    """Write one notice (and its e-mail when SMTP is configured); None when ``dedupe_key`` was sent before."""
    if dedupe_key is not None and db.session.scalar(select(Notification.id).where(
            Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)) is not None:
        return None
    notice = Notification(user_id=user.id, kind=kind, filing_id=filing.id if filing else None,
                          enterprise_id=enterprise.id if enterprise else None,
                          message_zh=message_zh, message_en=message_en, dedupe_key=dedupe_key)
    db.session.add(notice)
    db.session.flush()
    if mail.smtp_configured(current_app.config) and user.email and user.active:
        db.session.add(outbox_mail(user.email, _SUBJECTS[kind], (message_zh, message_en), notification_id=notice.id))
    return notice


def _reviewers_of(region_code: str) -> list[User]:
    """Return active reviewers whose region-code prefix covers the region (province, city or county)."""
    prefixes = {region_code[:2], region_code[:4], region_code[:6]}
    return list(db.session.scalars(select(User).where(User.reviewer_scope.in_(prefixes), User.active)
                                   .order_by(User.id)))


def members_of(enterprise_id: int) -> list[User]:
    """Return the active filers and signatories of an enterprise, who receive its notices."""
    return _members_of(enterprise_id)


def _members_of(enterprise_id: int) -> list[User]:
    """Return the active filers and signatories of an enterprise (each once)."""
    return list(db.session.scalars(
        select(User).where(User.active, User.id.in_(
            select(Membership.user_id).where(Membership.enterprise_id == enterprise_id))).order_by(User.id)))


def _what(filing: Filing) -> tuple[str, str]:
    name = filing.enterprise.name
    kind_zh, kind_en = kind_words(filing.kind)
    return f"{name} {filing.year} 年度{kind_zh}", f"the {filing.year} {kind_en} of {name}"


def filing_event(filing: Filing, event: str) -> int:
    """Notify who must act on a filing event: reviewers in scope of a submission, members of a decision.

    Called by services.filings in the same transaction as the change; returns how many notices.
    """
    zh, en = _what(filing)
    if event == "submitted":
        version = filing.current_version
        recipients = _reviewers_of(filing.enterprise.region_code)
        message = (f"{zh}已提交（第 {version} 版），请审核。", f"{en[0].upper()}{en[1:]} was submitted (version {version}) "
                   "and awaits your review.")
    elif event == "returned":
        recipients = _members_of(filing.enterprise_id)
        message = (f"{zh}已被审核人退回，请按意见修改后重新提交。",
                   f"{en[0].upper()}{en[1:]} was returned by the reviewer: correct it and submit again.")
    elif event == "accepted":
        recipients = _members_of(filing.enterprise_id)
        message = (f"{zh}已审核通过。", f"{en[0].upper()}{en[1:]} was accepted.")
    else:
        raise ValueError(f"unknown filing event {event!r}")
    notices = [notify(user, event, *message, filing=filing, enterprise=filing.enterprise) for user in recipients]
    return sum(1 for n in notices if n is not None)


def ready_for_signature(filing: Filing, preparer: User, note: str = "") -> int:
    """Notify the enterprise's active signatories (not the preparer) that the draft awaits their signature."""
    zh, en = _what(filing)
    signatories = db.session.scalars(select(User).where(User.active, User.id != preparer.id, User.id.in_(
        select(Membership.user_id).where(Membership.enterprise_id == filing.enterprise_id,
                                         Membership.role == "signatory"))).order_by(User.id))
    said_zh = f"说明：{note}" if note else ""
    said_en = f" Note: {note}" if note else ""
    message = (f"{preparer.name} 已将{zh}草稿提交您签署，请审阅、承诺并提交。{said_zh}",
               f"{preparer.name} handed {en} to you for signature: review, certify and submit it.{said_en}")
    notices = [notify(user, "ready_for_signature", *message, filing=filing, enterprise=filing.enterprise)
               for user in signatories]
    return sum(1 for n in notices if n is not None)


# ------------------------------------------------------------------------------------- deadlines


def open_ghg_year(today: dt.date) -> int:
    """Return the reporting year whose GHG report falls due next, or fell due last (31 March of N+1)."""
    return today.year - 1


def last_due_year(today: dt.date) -> int:
    """Return the newest reporting year whose GHG report is already past its due date on ``today``."""
    year = today.year - 1
    return year if today > ghg_due_date(year) else year - 1


def unfiled_enterprises(year: int, scope_prefix: str | None = None) -> list[Enterprise]:
    """Return enterprises owing the GHG report of ``year``: key emitters or holders of a draft, not submitted.

    A filing in any status but draft has been submitted on time or late, so only drafts and missing
    filings count (services.deadlines.is_overdue).
    """
    submitted = select(Filing.enterprise_id).where(Filing.kind == GHG, Filing.year == year, Filing.status != "draft")
    has_draft = select(Filing.enterprise_id).where(Filing.kind == GHG, Filing.year == year, Filing.status == "draft")
    stmt = select(Enterprise).where(or_(Enterprise.is_key_emitter, Enterprise.id.in_(has_draft)),
                                    Enterprise.id.not_in(submitted))
    if scope_prefix:
        stmt = stmt.where(Enterprise.in_region_scope(scope_prefix))
    return list(db.session.scalars(stmt.order_by(Enterprise.region_code, Enterprise.id)))


def _filing_of(enterprise: Enterprise, year: int) -> Filing | None:
    return db.session.scalar(select(Filing).where(Filing.enterprise_id == enterprise.id, Filing.kind == GHG,
                                                  Filing.year == year))


def notify_deadlines(today: dt.date, due_soon_days: int) -> int:
    """Send overdue and approaching-deadline notices for the open GHG year; idempotent (one per kind)."""
    year = open_ghg_year(today)
    due = ghg_due_date(year)
    days = (due - today).days
    if today > due:
        kind = "overdue"
    elif days <= due_soon_days:
        kind = "due_soon"
    else:
        return 0
    sent = 0
    for enterprise in unfiled_enterprises(year):
        if extended_due_date(enterprise.id, GHG, year) is not None:
            continue  # its own due date was extended (services/regulator.py): not this notice's date
        if kind == "overdue":
            message = (f"{enterprise.name} {year} 年度温室气体排放年度报告已逾期（截止日期 {due:%Y-%m-%d}），请尽快提交。",
                       f"The {year} GHG annual report of {enterprise.name} is overdue (due {due:%Y-%m-%d}): "
                       "submit it as soon as possible.")
        else:
            message = (f"{enterprise.name} {year} 年度温室气体排放年度报告将于 {due:%Y-%m-%d} 截止（还有 {days} 天）。",
                       f"The {year} GHG annual report of {enterprise.name} is due on {due:%Y-%m-%d} "
                       f"({days} days left).")
        filing = _filing_of(enterprise, year)
        for user in _members_of(enterprise.id):
            if notify(user, kind, *message, filing=filing, enterprise=enterprise,
                      dedupe_key=f"{kind}:{GHG}:{enterprise.id}:{year}") is not None:
                sent += 1
    return sent


def remind_overdue(actor: User, today: dt.date) -> int:
    """Remind every enterprise in the reviewer's scope whose open GHG report is overdue; return how many.

    One reminder per enterprise and day, however often the button is pressed; audited.
    """
    require_reviewer(actor)
    year = last_due_year(today)
    due = ghg_due_date(year)
    reminded = []
    for enterprise in unfiled_enterprises(year, actor.reviewer_scope):
        extended = extended_due_date(enterprise.id, GHG, year)
        if extended is not None and extended >= today:
            continue  # not overdue: the deadline was extended for this enterprise
        filing = _filing_of(enterprise, year)
        message = (f"审核人提醒：{enterprise.name} {year} 年度温室气体排放年度报告已逾期（截止日期 {due:%Y-%m-%d}），请尽快提交。",
                   f"Reminder from your reviewer: the {year} GHG annual report of {enterprise.name} is overdue "
                   f"(due {due:%Y-%m-%d}); submit it as soon as possible.")
        notices = [notify(user, "reminder", *message, filing=filing, enterprise=enterprise,
                          dedupe_key=f"reminder:{GHG}:{enterprise.id}:{year}:{today.isoformat()}")
                   for user in _members_of(enterprise.id)]
        if any(n is not None for n in notices):
            reminded.append(enterprise.id)
    audit.record(actor, "notification.remind_overdue", "enterprise", None,
                 after={"year": year, "enterprises": reminded})
    return len(reminded)


# ------------------------------------------------------------------------------------ reading


def unread_count(user: User) -> int:
    """Return how many of the user's notices are unread."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 100) -> list[Notification]:
    """Return the user's newest notices."""
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User, notice: Notification | None = None, now: dt.datetime | None = None) -> int:
    """Mark one notice of the user (or all of them) read; return how many changed."""
    if notice is not None and notice.user_id != user.id:
        raise NotFound()  # another user's notice: as if it did not exist
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notice is not None:
        stmt = stmt.where(Notification.id == notice.id)
    result = db.session.execute(stmt.values(read_at=now or dt.datetime.now(dt.UTC)),
                                execution_options={"synchronize_session": "fetch"})
    return int(getattr(result, "rowcount", 0) or 0)


# --------------------------------------------------------------------------------------- mail


def deliver_outbox(config: dict[str, Any], limit: int = 50, now: dt.datetime | None = None) -> tuple[int, int]:
    """Send unsent outbox mail; record each failure and keep the row for the next try. Return (sent, failed)."""
    if not mail.smtp_configured(config):
        return 0, 0
    pending = db.session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))
                                 .order_by(OutboxMail.id).limit(limit)).all()
    sent = failed = 0
    for item in pending:
        item.attempts = (item.attempts or 0) + 1
        try:
            mail.send(config, item.recipient, item.subject, item.body)
        except smtplib.SMTPException as exc:  # this message was refused: try the others
            item.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            failed += 1
            continue
        except OSError as exc:  # the server is unreachable: the rest would fail the same way
            item.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            failed += 1
            break
        item.sent_at = now or dt.datetime.now(dt.UTC)
        item.last_error = None
        sent += 1
    db.session.flush()
    return sent, failed
