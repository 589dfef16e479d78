"""Passwords: change, reset by e-mail link, invitations instead of typed passwords (issue 16 item 1).

An administrator never types a user's password: a new account gets an **invitation**, a one-time link mailed
to the user to set their own; a user who forgot theirs asks for a **reset** link. Both are
:class:`~portal.models.AccountLink` rows holding only the SHA-256 of the link's secret, used once, expiring
(``INVITATION_DAYS``, ``PASSWORD_RESET_MINUTES``); a newer link of the same kind, or a password set any other
way, ends the older ones. Asking for a reset answers the same whether the e-mail is known or not (the page
never tells who has an account), and mails at most one link a minute per account.

A password set by anyone but its owner (the system, an administrator through ``accounts.update_user``) is
flagged ``must_change_password``: the web sends the user to the change page until they pick their own. Any
new password ends every session and revokes the API tokens (:func:`accounts.set_password`). All of it is audited.

Mail goes through the outbox (``mail_outbox``), sent after the request commits (portal/web/transaction.py):
the account mail is written even while SMTP is off, so that it goes out once SMTP is configured.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select, update

from ..auth.passwords import password_problem
from ..db import rows_changed
from ..domain.codec import sha256_text
from ..extensions import db
from ..models import AccountLink, User
from . import accounts, audit
from .access import require_security_admin
from .errors import ServiceError
from .notifications import SITE_EN, SITE_ZH, outbox_mail

RESET_INTERVAL = dt.timedelta(minutes=1)  # at most one reset mail a minute per account: no mail bombing

#: Builds the absolute URL of a link page from the link's secret (the web layer knows its routes and host).
LinkUrl = Callable[[str], str]


def _lifetime(purpose: str) -> dt.timedelta:
    config = current_app.config
    if purpose == "invitation":
        return dt.timedelta(days=float(config.get("INVITATION_DAYS", 7)))
    return dt.timedelta(minutes=float(config.get("PASSWORD_RESET_MINUTES", 60)))


def _new_link(actor: User | None, user: User, purpose: str, now: dt.datetime) -> tuple[str, AccountLink]:
    accounts.end_links(user, now, purpose)
    secret = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user.id, purpose=purpose, token_hash=sha256_text(secret),
                       created_by=actor.id if actor else None, created_at=now, expires_at=now + _lifetime(purpose))
    db.session.add(link)
    db.session.flush()
    return secret, link


#: The mail of each kind of link: subject and body in Chinese and English, filled in by :func:`_mail_link`.
_LINK_MAILS = {
    "invitation": (("账户邀请", "Your account"), (
        "{name}，您好：\n管理员为您在{site_zh}开设了账户（{email}）。请在 {until} 前打开下面的链接设置您的密码"
        "（链接仅能使用一次）：\n{url}",
        "Hello {name},\nan administrator opened an account for you ({email}) on the {site_en}. Open this "
        "link before {until} to set your password (it works once):\n{url}")),
    "reset": (("重置密码", "Reset your password"), (
        "{name}，您好：\n有人（希望是您本人）请求重置您在{site_zh}的密码。请在 {until} 前打开下面的链接设置新密码"
        "（链接仅能使用一次）：\n{url}\n如果不是您本人的请求，请忽略本邮件，您的密码不会改变。",
        "Hello {name},\nsomeone (we hope you) asked to reset your password on the {site_en}. Open this link "
        "before {until} to choose a new one (it works once):\n{url}\nIf it was not you, ignore this "
        "message: your password stays as it is.")),
}


def _mail_link(actor: User | None, user: User, purpose: str, link_url: LinkUrl, now: dt.datetime) -> None:
    """Mail the user a new link of ``purpose`` (ending any earlier one), audited as sent by ``actor`` or the user."""
    secret, link = _new_link(actor, user, purpose, now)
    subject, body = _LINK_MAILS[purpose]
    words = {"name": user.name, "email": user.email, "site_zh": SITE_ZH, "site_en": SITE_EN,
             "until": link.expires_at.strftime("%Y-%m-%d %H:%M UTC"), "url": link_url(secret)}
    db.session.add(outbox_mail(user.email, subject, (body[0].format(**words), body[1].format(**words))))
    audit.record(actor or user, f"account.{purpose}_sent", "user", user.id,
                 after={"expires_at": link.expires_at.isoformat()})


# ------------------------------------------------------------------------------------------- invitations

def invite(actor: User | None, *, email: str, name: str, link_url: LinkUrl,
           now: dt.datetime | None = None) -> User:
    """Create an account without a password and mail its owner an invitation to set one."""
    user = accounts.create_user(actor, email=email, name=name)
    send_invitation(actor, user, link_url, now=now)
    return user


def _require_mailable(actor: User | None, user: User) -> None:
    """Refuse a link mailed at an administrator's request unless a security administrator asks for an active user."""
    require_security_admin(actor)
    if not user.active:
        raise ServiceError("该账户已停用", "the account is deactivated", field="user")


def send_invitation(actor: User | None, user: User, link_url: LinkUrl, *, now: dt.datetime | None = None) -> None:
    """Mail the user a (new) invitation link; any earlier one stops working."""
    _require_mailable(actor, user)
    _mail_link(actor, user, "invitation", link_url, now or dt.datetime.now(dt.UTC))


# ------------------------------------------------------------------------------------------------ resets

def request_reset(email: str, link_url: LinkUrl, *, now: dt.datetime | None = None) -> None:
    """Mail a reset link to the account of ``email`` if there is an active one; do the same visible work anyway.

    The caller answers the same in every case, so that the page tells nobody which e-mails have accounts.
    """
    now = now or dt.datetime.now(dt.UTC)
    typed = (email or "").strip().lower()[:254]
    user = db.session.scalar(select(User).where(func.lower(User.email) == typed)) if typed else None
    if user is None or not user.active:
        audit.record(None, "account.reset_refused", "user", user.id if user else None,
                     after={"email": typed, "reason": "inactive" if user else "unknown"}, result="failure")
        return
    last = db.session.scalar(select(func.max(AccountLink.created_at)).where(
        AccountLink.user_id == user.id, AccountLink.purpose == "reset"))
    if last is not None and now - _aware(last) < RESET_INTERVAL:
        audit.record(user, "account.reset_refused", "user", user.id, after={"reason": "too_soon"}, result="failure")
        return
    _mail_link(None, user, "reset", link_url, now)


def send_reset(actor: User | None, user: User, link_url: LinkUrl, *, now: dt.datetime | None = None) -> None:
    """Mail the user a reset link at a security administrator's request (the user forgot their password)."""
    _require_mailable(actor, user)
    _mail_link(actor, user, "reset", link_url, now or dt.datetime.now(dt.UTC))


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


# ------------------------------------------------------------------------------------------- using links

def valid_link(secret: str, purpose: str, *, now: dt.datetime | None = None) -> AccountLink | None:
    """Return the unused, unexpired link of ``purpose`` whose secret is ``secret``, for an active user; else None."""
    now = now or dt.datetime.now(dt.UTC)
    if not secret or len(secret) > 100:
        return None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == sha256_text(secret),
                                                       AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.active:
        return None
    return link


LINK_REFUSED = ("此链接无效、已使用或已过期。请重新申请重置密码，或请管理员重新发送邀请。",
                "This link is not valid, was used already or has expired. Ask for a new reset link, or ask an "
                "administrator to send the invitation again.")


def use_link(secret: str, purpose: str, password: str, *, now: dt.datetime | None = None) -> User:
    """Set the user's password through a link (once): the invitation's first password or a reset."""
    now = now or dt.datetime.now(dt.UTC)
    link = valid_link(secret, purpose, now=now)
    if link is None:
        audit.record(None, "account.link_refused", "account_link", None, after={"purpose": purpose},
                     result="failure", durable=True)
        raise ServiceError(*LINK_REFUSED)
    user = link.user
    _check_new_password(password, user)
    # A conditional UPDATE: of two requests racing with the same link, one sets the password.
    claimed = rows_changed(db.session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False)))
    if not claimed:
        raise ServiceError(*LINK_REFUSED)
    accounts.set_password(user, user, password, now=now, reason=purpose)
    return user


# ------------------------------------------------------------------------------------------- changing

def _check_new_password(password: str, user: User, field: str = "password") -> None:
    problem = password_problem(password, email=user.email)
    if problem is not None:
        raise ServiceError(*problem, field=field)


def change_password(user: User, current: str, new: str, *, now: dt.datetime | None = None) -> None:
    """Change the user's own password after checking the current one (wrong ones count towards the lockout)."""
    error = accounts.check_signing_password(user, current, now=now)
    if error is not None:
        raise ServiceError(error.message_zh, error.message_en, field="current_password")
    if new == current:
        raise ServiceError("新密码不能与当前密码相同", "the new password must differ from the present one",
                           field="new_password")
    _check_new_password(new, user, "new_password")
    accounts.set_password(user, user, new, now=now or dt.datetime.now(dt.UTC), reason="change")
