"""The forms' common base: every field bounded, and bad input refused with 400 naming the field (issue 16 item 8).

A browser cannot send what these refuse — inputs carry ``maxlength`` from their ``Length`` validator — so a
value past its bound, a NUL or other control character, or an integer beyond the database's 32-bit columns is
a crafted or broken request: it is answered 400 with a bilingual message naming the field, before any
validator or service sees it (so never a 500 from the database). Ordinary mistakes (a missing field, a
number outside its allowed range) stay field errors drawn beside the input.

Fields without a ``Length`` validator get a default bound: :data:`DEFAULT_MAX_CHARS`, or
:data:`DEFAULT_TEXTAREA_CHARS` for a text area. The same check runs on every request's form and query values
(:func:`request_problem`, called by ``portal.web`` before any view), for the values views read outside a form.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import Field, FieldList, FormField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import Length

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # PostgreSQL integer columns
DEFAULT_MAX_CHARS = 1000
DEFAULT_TEXTAREA_CHARS = 20_000
#: No single form or query value of any request may be longer (a document typed as JSON says otherwise).
REQUEST_VALUE_MAX_CHARS = 65_536
_ALLOWED_CONTROLS = frozenset("\t\n\r")


class BadInput(BadRequest):
    """Answer 400 with a bilingual message naming the field (rendered by the error page, JSON under /api/)."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        self.field = field
        self.message_zh = f"字段「{field}」{message_zh}"
        self.message_en = f"field “{field}”: {message_en}"
        super().__init__(f"{self.message_zh} / {self.message_en}")


def control_character(text: str) -> bool:
    """Return whether ``text`` holds a NUL or another control character other than tab and line breaks."""
    return any((ord(ch) < 32 and ch not in _ALLOWED_CONTROLS) or ord(ch) == 127 for ch in text)


def text_problem(name: str, value: str, limit: int) -> BadInput | None:
    """Return the refusal of a text value: a control character, or longer than ``limit``; None when fine."""
    if control_character(value):
        return BadInput(name, "含有不允许的控制字符（如 NUL）", "holds a control character such as NUL")
    if len(value) > limit:
        return BadInput(name, f"过长（最多 {limit:,} 个字符）", f"is too long (at most {limit:,} characters)")
    return None


def request_problem(values: Iterable[tuple[str, str]], limits: Mapping[str, int] | None = None) -> BadInput | None:
    """Return the refusal of the first bad (name, value) of a request's form or query, or None."""
    limits = limits or {}
    for name, value in values:
        if name is None:  # a multipart part whose name could not be read (found by the API's contract test)
            return BadInput("?", "名称无效", "has an invalid name")
        if control_character(name) or len(name) > 200:
            return BadInput(name[:40].encode("unicode_escape").decode("ascii"), "名称无效", "has an invalid name")
        problem = text_problem(name, value, limits.get(name, REQUEST_VALUE_MAX_CHARS))
        if problem is not None:
            return problem
    return None


def _limit(field: Field) -> int:
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max is not None and validator.max >= 0:
            return int(validator.max)
    return DEFAULT_TEXTAREA_CHARS if isinstance(field, TextAreaField) else DEFAULT_MAX_CHARS


def _leaves(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaves(field.form)
        elif isinstance(field, FieldList):
            yield from _leaves(field.entries)
        else:
            yield field


def _label(field: Field) -> str:
    text = str(field.label.text) if field.label is not None else ""
    return f"{text}（{field.name}）" if text and text != field.name else field.name


def check_bounds(form: Any) -> None:
    """Raise :class:`BadInput` for the first field of ``form`` holding an out-of-bounds value."""
    for field in _leaves(form):
        raw = [value for value in (field.raw_data or ()) if isinstance(value, str)]
        limit = _limit(field)
        for value in raw:
            problem = text_problem(_label(field), value, limit)
            if problem is not None:
                raise problem
        number = field.data if isinstance(field, IntegerField) else None
        if isinstance(field, RevisionField):
            texts = [value for value in raw if value.strip()]
            number = _integer_text(texts[0]) if texts else None
            if texts and number is None:
                raise BadInput(_label(field), "应为整数", "must be an integer")
        if isinstance(number, int) and not INT_MIN <= number <= INT_MAX:
            raise BadInput(_label(field), f"超出范围（{INT_MIN} 至 {INT_MAX}）", f"is out of range ({INT_MIN} to {INT_MAX})")


class RevisionField(HiddenField):
    """Carry the draft revision a form was drawn from (optimistic locking): an integer, bounded like one."""

    @property
    def number(self) -> int | None:
        """Return the revision posted, or None when none was (or not a number)."""
        try:
            return int(self.data) if self.data else None
        except ValueError:
            return None


def _integer_text(value: str) -> int | None:
    text = value.strip()
    return int(text) if text.lstrip("+-").isdigit() and len(text) < 50 else None


class PortalForm(FlaskForm):
    """Refuse out-of-bounds input with 400 before validating (see the module docstring)."""

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Check every field's bounds (400 on a violation), then validate as usual."""
        check_bounds(self)
        valid: bool = super().validate(extra_validators)
        return valid
