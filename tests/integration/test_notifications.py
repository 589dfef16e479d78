"""Notices for filing events and deadlines, and their e-mail through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification, OutboxMail
from portal.services import filings as filing_service
from portal.services import notifications
from portal.services import review as decisions
from tests.helpers import PASSWORD


def _recipients(kind: str) -> set[str]:
    return {n.user.email for n in db.session.scalars(select(Notification).where(Notification.kind == kind))}


def test_submit_return_accept_notify_the_right_people(world) -> None:  # type: ignore[no-untyped-def]
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    # reviewers whose prefix covers 360700: 36 and 3607, not 3601 nor 32
    assert _recipients("submitted") == {"reviewer_jx@test.cn", "reviewer_ganzhou@test.cn"}
    decisions.return_filing(world.users["reviewer_ganzhou"], world.filing_a, note="请核对 / please check")
    assert _recipients("returned") == {"filer_a@test.cn", "signatory_a@test.cn"}
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    decisions.accept_filing(world.users["reviewer_jx"], world.filing_a)
    assert _recipients("accepted") == {"filer_a@test.cn", "signatory_a@test.cn"}
    notice = db.session.scalar(select(Notification).where(Notification.kind == "accepted"))
    assert notice.message_zh == "江西赣峰水泥有限公司 2024 年度温室气体排放年度报告已审核通过。"
    assert notice.message_en == "The 2024 GHG annual report of 江西赣峰水泥有限公司 was accepted."
    assert notifications.unread_count(world.users["reviewer_jx"]) == 2  # submitted twice
    assert notifications.mark_read(world.users["reviewer_jx"]) == 2
    assert notifications.unread_count(world.users["reviewer_jx"]) == 0


def test_deadline_notices_are_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    # 2024 reports are due 2025-03-31; on 2025-03-10 that is 21 days away (within 30)
    assert notifications.notify_deadlines(dt.date(2025, 3, 10), 30) == 4  # A and B drafts, two members each
    assert notifications.notify_deadlines(dt.date(2025, 3, 11), 30) == 0
    assert notifications.notify_deadlines(dt.date(2025, 2, 1), 30) == 0  # 58 days away: nothing yet
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    # after the due date only B is still a draft: its two members get an overdue notice, once
    assert notifications.notify_deadlines(dt.date(2025, 4, 1), 30) == 2
    assert notifications.notify_deadlines(dt.date(2025, 4, 2), 30) == 0
    assert _recipients("overdue") == {"filer_b@test.cn", "signatory_b@test.cn"}
    notice = db.session.scalar(select(Notification).where(Notification.kind == "due_soon"))
    assert "还有 21 天" in notice.message_zh and "(21 days left)" in notice.message_en


def test_reviewer_reminds_overdue_enterprises_in_scope_only(world) -> None:  # type: ignore[no-untyped-def]
    # on 2025-04-05 the 2024 reports are past due: A's is a draft → reminded; B is in Jiangsu
    assert notifications.remind_overdue(world.users["reviewer_jx"], dt.date(2025, 4, 5)) == 1
    assert _recipients("reminder") == {"filer_a@test.cn", "signatory_a@test.cn"}
    assert notifications.remind_overdue(world.users["reviewer_jx"], dt.date(2025, 4, 5)) == 0  # once a day
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    assert notifications.remind_overdue(world.users["reviewer_jx"], dt.date(2025, 4, 6)) == 0  # A has submitted
    # on 2025-03-30 the 2024 reports are not yet due; the newest past-due year is 2023, which A never filed
    assert notifications.last_due_year(dt.date(2025, 3, 30)) == 2023
    assert notifications.remind_overdue(world.users["reviewer_jx"], dt.date(2025, 3, 30)) == 1


class Sink:
    """Collect the messages a real SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def smtp_app(app: Flask) -> Iterator[tuple[Flask, int]]:
    port = _free_port()
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_SENDER")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SENDER="noreply@portal.test")
    yield app, port
    app.config.update(saved)


def test_mail_waits_in_the_outbox_while_smtp_is_down_then_arrives(world, smtp_app) -> None:  # type: ignore[no-untyped-def]
    app, port = smtp_app
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)
    assert db.session.query(OutboxMail).count() == 2
    # nothing listens on the port yet: the mail stays queued with its error, the notices are there
    assert notifications.deliver_outbox(app.config) == (0, 1)
    queued = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
    assert all(m.sent_at is None for m in queued) and queued[0].last_error and queued[0].attempts == 1
    assert db.session.query(Notification).count() == 2

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert notifications.deliver_outbox(app.config) == (2, 0)
    finally:
        controller.stop()
    assert sorted(r for rcpts, _ in sink.messages for r in rcpts) == ["reviewer_ganzhou@test.cn", "reviewer_jx@test.cn"]
    message = message_from_bytes(sink.messages[0][1])
    assert str(make_header(decode_header(message["Subject"]))) == "【减污降碳协同申报平台】申报已提交待审核 / Filing submitted for review"
    assert message["From"] == "noreply@portal.test"
    body = message.get_payload(decode=True).decode("utf-8")
    assert "已提交（第 1 版），请审核" in body and "awaits your review" in body
    assert notifications.deliver_outbox(app.config) == (0, 0)  # sent once only
