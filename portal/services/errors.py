"""Errors services raise for the views to turn into messages (never 500s)."""

from __future__ import annotations


class ServiceError(Exception):
    """Report a refused action, in Chinese and English, optionally naming a field."""

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        super().__init__(message_en)


def required_text(text: str | None, *, field: str, limit: int, empty: tuple[str, str], name: tuple[str, str]) -> str:
    """Return ``text`` trimmed; refuse it empty (the ``empty`` message) or longer than ``limit`` characters.

    ``name`` is what the text is, in Chinese and English, for "…不能超过 N 字" / "the … is longer than N characters".
    """
    value = (text or "").strip()
    if not value:
        raise ServiceError(*empty, field=field)
    if len(value) > limit:
        raise ServiceError(f"{name[0]}不能超过 {limit} 字", f"the {name[1]} is longer than {limit} characters",
                           field=field)
    return value


class NotFound(ServiceError):
    """Report a record the actor may not see — answered with 404, the same as a missing one."""

    def __init__(self) -> None:
        super().__init__("未找到", "not found")


class StaleDraft(ServiceError):
    """Report that someone else saved the draft since it was loaded (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(
            "此草稿已被他人修改并保存。您的输入未丢失，请刷新后合并修改再保存。",
            "Someone else saved this draft after you opened it. Your input is kept; reload, merge and save again.",
        )


class IllegalTransition(ServiceError):
    """Report a status change the filing state machine does not allow."""


class Conflict(ServiceError):
    """Report an action refused because of the record's state (answered 409 Conflict by web and API).

    A submitted draft that is read-only until the reviewer returns it; a submission whose draft no longer
    matches what the signatory certified.
    """
