"""Choose the language (Chinese first, English second) and the time zone."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str:
    """Return the user's chosen language, else the session's, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if request and request.args.get("lang") in languages:
        return str(request.args["lang"])
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def select_timezone() -> str:
    """Return the portal's time zone: both provinces are on China Standard Time."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])
