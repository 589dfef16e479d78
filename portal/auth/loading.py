"""Load the logged-in user for Flask-Login from the session token."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import User


def load_user(session_token: str) -> User | None:
    """Return the active user whose session token is in the cookie, or None."""
    user = db.session.scalar(select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None
