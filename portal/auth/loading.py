"""Load the logged-in user for Flask-Login from the session token, enforcing the session's lifetime.

The cookie carries the user's ``session_token``: logout, a password change, deactivation and "sign out
everywhere" rotate it, so every copy of every cookie of that user stops working at once (issue 16 item 3).
The cookie also carries when the user signed in and when the session was last used; a session idle for
``SESSION_IDLE_MINUTES`` or older than ``SESSION_ABSOLUTE_HOURS`` is over (the user signs in again).
"""

from __future__ import annotations

import time
from typing import cast

from flask import current_app, session
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import User


def current_account() -> User:
    """Return the signed-in user's own model (the views that ask are behind ``login_required``).

    ``current_user`` is an untyped werkzeug proxy; this is the one place that says what stands behind it.
    """
    return cast(User, current_user._get_current_object())


SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN_AT = "_seen_at"
_SEEN_RESOLUTION = 60  # seconds: the cookie is rewritten at most once a minute, not on every request


def session_expired(signed_in_at: float | None, seen_at: float | None, now: float, *, idle_seconds: float,
                    absolute_seconds: float) -> bool:
    """Return whether a session signed in at ``signed_in_at`` and last used at ``seen_at`` is over at ``now``.

    A session without the times (made before they were kept, or forged without the key — impossible) is over.
    """
    if signed_in_at is None or seen_at is None:
        return True
    return now - seen_at > idle_seconds or now - signed_in_at > absolute_seconds


def start_session(now: float | None = None) -> None:
    """Stamp a fresh sign-in on the session (call right after ``login_user``)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def load_user(session_token: str) -> User | None:
    """Return the active user whose session token is in the cookie, while the session is alive; else None."""
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    if user is None or not user.active:
        return None
    now = time.time()
    config = current_app.config
    if session_expired(session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT), now,
                       idle_seconds=float(config["SESSION_IDLE_MINUTES"]) * 60,
                       absolute_seconds=float(config["SESSION_ABSOLUTE_HOURS"]) * 3600):
        session.clear()
        return None
    if now - session[LAST_SEEN_AT] >= _SEEN_RESOLUTION:
        session[LAST_SEEN_AT] = now
    return user
