"""Send e-mail with smtplib from the outbox; configured by PORTAL_SMTP_* settings (off when no host)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("portal.mail")


def smtp_configured(config: dict[str, Any]) -> bool:
    """Return whether mail goes out: an SMTP host is configured (PORTAL_SMTP_HOST), or the demo's MAIL_TO_LOG."""
    return bool(config.get("SMTP_HOST")) or bool(config.get("MAIL_TO_LOG"))


def send(config: dict[str, Any], recipient: str, subject: str, body: str) -> None:
    """Send one plain-text UTF-8 message; raise OSError or smtplib.SMTPException when it cannot."""
    if not config.get("SMTP_HOST"):  # MAIL_TO_LOG: the demo prints what it would have sent
        log.warning("mail to %s: %s\n%s", recipient, subject, body)
        return
    message = EmailMessage()
    message["From"] = config.get("SMTP_SENDER") or "portal@localhost"
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                      timeout=float(config.get("SMTP_TIMEOUT") or 10)) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
