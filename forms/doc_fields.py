"""Build the filer's WTForms forms from the kind's field tree, and document parts back from form data.

The field tree (``portal.domain.schema``) is the one field spec: labels, units, help texts, which inputs
are required, which values a select offers, the bounds a number must lie in. Nothing here repeats a
field's label, unit or range. Node kind → input:

=====================  ========================================================================
``number``             :class:`NumberField` (text input, ``inputmode=decimal``; "请输入数字")
``integer``            :class:`IntField`
``boolean``            ``BooleanField``
``date``               :class:`DateInputField` (``YYYY-MM-DD``; also ``2024/1/5`` and ``2024年1月5日``)
``choice``             :class:`ChoiceField` named from the label catalogue's value set
list of choices        :class:`MultiCheckboxField`
``code`` (reference)   :class:`ChoiceField` whose choices come from the reference data (:func:`bind_choices`)
``text``               ``StringField`` (trimmed; blank → ``None`` when the field is optional)
``object``             ``FormField`` of the object's form
list of objects        ``FieldList(FormField(...))`` — repeatable rows
=====================  ========================================================================

Each number and text input applies :func:`portal.domain.schema.check_value` — the decoder's own check —
so a value out of bounds is refused with the same words in the form, the workbook and the API. Regulatory
checks stay in the rules engine. Field names follow the document paths: ``fuels[2].ncv`` is the input
``fuels-2-ncv`` (:func:`path_to_id`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, FieldList, Form, FormField, StringField
from wtforms.fields import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput, html_params

from portal.domain.labels import ValueSet
from portal.domain.schema import (
    MISSING,
    Field,
    Section,
    check_value,
    lines_message,
    normalise_text,
    schema_of,
)

from .base import PortalForm, RevisionField
from .labels import Bilingual, english

__all__ = [
    "Bilingual",
    "ChoiceField",
    "ChoiceList",
    "DateInputField",
    "FormSection",
    "IntField",
    "MultiCheckboxField",
    "NumberField",
    "SchemaCheck",
    "apply_section",
    "bind_choices",
    "build_object_form",
    "build_section_form",
    "fill_rows",
    "form_sections",
    "form_values",
    "initial_data",
    "line_cap_error",
    "number_rows",
    "object_from_form",
    "path_to_id",
    "renumber_rows",
    "section_data",
    "section_form_class",
]


_english = english


# ------------------------------------------------------------------------------------------ fields


def _normalise_number(raw: str) -> str:
    """Return typed text ready for Decimal: full-width digits folded, spaces and 1,234 grouping removed."""
    text = unicodedata.normalize("NFKC", raw).strip().replace("\u2212", "-").replace(" ", "")
    if "," in text and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    return text


class NumberField(StringField):
    """Accept a decimal number typed as text; keep what was typed when it is not one ("请输入数字").

    A text input (``inputmode=decimal``), not ``type=number``: a browser empties a number input holding
    text, and the filer would lose what was typed. Exponents, NaN and infinities are refused.
    """

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = _normalise_number(str(valuelist[0]))
        if text == "":
            self.data = None
            return
        self.data = None
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValueError(_("请输入数字"))
        try:
            self.data = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(_("请输入数字")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        text = format(Decimal(self.data).normalize(), "f")
        return "0" if text in ("-0", "0") else text


class IntField(StringField):
    """Accept a whole number typed as text ("请输入整数")."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = value

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = _normalise_number(str(valuelist[0]))
        self.data = None
        if text == "":
            return
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(_("请输入整数"))
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class DateInputField(DateField):
    """Accept a date as YYYY-MM-DD (the browser's date input), or 2024/1/5, or 2024年1月5日."""

    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format=list(self.FORMATS), **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = unicodedata.normalize("NFKC", str(valuelist[0])).strip()
        self.data = None
        if not text:
            return
        for fmt in self.FORMATS:
            try:
                self.data = dt.datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        raise ValueError(_("请输入有效日期（格式 YYYY-MM-DD）"))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""


class ChoiceList(list[Any]):
    """Hold select choices shared by many fields, with their rendered options cached per language.

    A fuels page draws the same two dozen options in each of hundreds of rows; escaping them once per
    page instead of once per row keeps a 200-row section fast to draw.
    """

    def rendered(self) -> list[tuple[str, str, str]]:
        """Return (value, option HTML, selected option HTML) for each choice, in the current language."""
        language = "en" if _english() else "zh"
        cache: dict[str, list[tuple[str, str, str]]] = self.__dict__.setdefault("_rendered", {})
        if language not in cache:
            cache[language] = [_render_option(c.value, c.label) for c in self]
        return cache[language]


def _render_option(value: str, label: Any) -> tuple[str, str, str]:
    text = escape(str(label if label is not None else value))
    attr = escape(value)
    return value, f'<option value="{attr}">{text}</option>', f'<option selected value="{attr}">{text}</option>'


class _ChoiceSelect:
    """Render a :class:`ChoiceField` as a ``<select>``, with a blank first option and cached options."""

    validation_attrs = ("required", "disabled")

    def __call__(self, field: ChoiceField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        for flag in self.validation_attrs:
            if flag not in kwargs and getattr(field.flags, flag, False):
                kwargs[flag] = True
        choices = field.choices or []
        rendered = choices.rendered() if isinstance(choices, ChoiceList) else [
            _render_option(c.value, c.label) for c in choices]
        data = field.data
        blank = escape(_("— 请选择 —"))
        parts = [f"<select {html_params(name=field.name, **kwargs)}>",
                 f'<option selected value="">{blank}</option>' if data is None else f'<option value="">{blank}</option>']
        known = False
        for value, plain, selected in rendered:
            if value == data:
                parts.append(selected)
                known = True
            else:
                parts.append(plain)
        if data is not None and not known:
            parts.append(_render_option(data, _("%(code)s（未知代码，请重新选择）", code=data))[2])
        parts.append("</select>")
        return Markup("".join(parts))


class ChoiceField(SelectField):
    """Offer a fixed list of values (a ``Literal`` or a reference code list) with translated labels.

    A stored value that is no longer offered (an unknown code written through the JSON API) is shown as
    its own option, so the page never silently shows another value — but it is refused on save.
    """

    widget = _ChoiceSelect()

    def __init__(self, label: Any = None, validators: Any = None, *, code_list: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.code_list = code_list

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self.data = str(valuelist[0]).strip() or None

    def process_data(self, value: Any) -> None:
        self.data = None if value is None or value == "" else str(value)

    def pre_validate(self, form: Any) -> None:
        if self.data is None:
            return  # required-ness is the validators' business (InputRequired / Optional)
        if not any(choice.value == self.data for choice in self.choices or ()):
            raise ValidationError(_("“%(value)s”不是可选的值，请从列表中选择", value=self.data))


class MultiCheckboxField(SelectMultipleField):
    """Offer a list of values as check boxes (``list[Literal]``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = [str(v) for v in valuelist]

    def pre_validate(self, form: Any) -> None:
        allowed = {choice.value for choice in self.choices or ()}
        for value in self.data or ():
            if value not in allowed:
                raise ValidationError(_("“%(value)s”不是可选的值", value=value))


class TextListField(StringField):
    """Accept a list of short texts typed on one line, separated by commas (``facilities[].outlets``)."""

    def process_data(self, value: Any) -> None:
        self.data = list(value or [])

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        # one input separated by commas, or (a client posting the list) one value per code
        text = ",".join(unicodedata.normalize("NFKC", str(v)) for v in valuelist)
        self.data = [part.strip() for part in re.split(r"[,;、，；]", text) if part.strip()]

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return ", ".join(self.data or [])
class LineCap:
    """Refuse more rows than the list holds (its ``max_items``: ``common.MAX_LINES``), as every channel does."""

    def __init__(self, node: Field) -> None:
        self.node = node
        self.max_items = node.max_items  # the editor reads it to stop adding rows at the cap

    def message(self, count: int) -> str | None:
        """Return the refusal of a list that would hold ``count`` rows (None within the cap)."""
        if self.max_items is None or count <= self.max_items:
            return None
        message = lines_message(self.node, count)
        return message.en if _english() else message.zh

    def __call__(self, form: Any, field: Any) -> None:
        message = self.message(len(field.entries))
        if message is not None:
            raise StopValidation(message)


def line_cap_error(field: Any, count: int) -> str | None:
    """Return the cap's message when the list ``field`` would hold ``count`` rows in all, else None.

    A paged editor posts one page of a long list; the cap applies to the list the page is merged into.
    """
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, LineCap):
            return validator.message(count)
    return None


class SchemaCheck:
    """Refuse a value its schema field does not admit, with the message every input channel gives.

    The check is :func:`portal.domain.schema.check_value`: the decoder applies it to uploaded and posted
    documents, so a number out of bounds reads the same in the form, the workbook and the API.
    """

    def __init__(self, node: Field) -> None:
        self.node = node

    def __call__(self, form: Any, field: Any) -> None:
        problem = check_value(self.node, field.data)
        if problem is not None:
            raise StopValidation(problem.en if _english() else problem.zh)


class _Required(InputRequired):
    """Require a value, with a message naming the field ("请填写消耗量")."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.raw_data and str(field.raw_data[0]).strip():
            return
        label = field.label.text
        name = label.name if isinstance(label, Bilingual) else str(label)
        field.errors[:] = []
        verb = _("请选择%(name)s", name=name) if isinstance(field, ChoiceField) else _("请填写%(name)s", name=name)
        raise StopValidation(verb)


# ------------------------------------------------------------------------------------- the builder


def label_of(node: Field) -> Bilingual:
    """Return a field's label with its unit, in the language of the page."""
    unit = node.unit
    return Bilingual(node.label.zh, node.label.en, unit.zh if unit else None, unit.en if unit else None)


def _choices(values: ValueSet) -> ChoiceList:
    return ChoiceList(SelectChoice(value=c.value, label=Bilingual(c.zh, c.en)) for c in values)


def _scalar_field(node: Field, optional_parent: bool = False) -> Any:  # an unbound WTForms field
    """Return the input of a leaf node (or a list of choices): its kind, label, unit, help and checks.

    In an optional object (``optional_parent``) a required field is asked for only when the object is
    filled at all (:func:`_optional_object_validate`): a blank object is no object.
    """
    label = label_of(node)
    description = Bilingual(node.help.zh, node.help.en) if node.help else ""
    render_kw: dict[str, Any] = {"readonly": True} if node.fixed else {}
    presence = [_Required()] if node.required and not node.nullable and not optional_parent else [Optional()]
    check = [SchemaCheck(node)]
    if node.kind == "boolean":
        return BooleanField(label, description=description, render_kw=render_kw or None)
    if node.kind == "number":
        default = node.default
        if not node.nullable and default is not MISSING and not callable(default):
            render_kw["placeholder"] = format(default, "f")
        return NumberField(label, presence + check, description=description, render_kw=render_kw)
    if node.kind == "integer":
        return IntField(label, presence + check, description=description, render_kw=render_kw)
    if node.kind == "date":
        return DateInputField(label, presence, description=description, render_kw=render_kw or None)
    if node.kind == "choice" and node.values is not None:
        return ChoiceField(label, presence, choices=_choices(node.values), description=description,
                           render_kw=render_kw or None)
    if node.is_scalar_list and node.children[0].values is not None:
        return MultiCheckboxField(label, choices=_choices(node.children[0].values), description=description)
    if node.is_scalar_list:
        return TextListField(label, [Optional()], description=description, render_kw=render_kw or None)
    if node.kind == "code" and node.codes in ("fuel", "process", "product", "variant"):
        # The choices depend on the reference data in force: bind_choices() sets them per request.
        return ChoiceField(label, presence, choices=[], code_list=node.codes, description=description,
                           render_kw=render_kw or None)
    if node.kind in ("text", "code"):
        return StringField(label, presence + check, description=description, filters=[_normalise],
                           render_kw=render_kw or None)
    raise TypeError(f"no form field for {node.path} ({node.kind})")  # a programming error


def _normalise(value: Any) -> Any:
    return normalise_text(value) if isinstance(value, str) else value


def _unbound(node: Field, optional_parent: bool = False) -> Any:
    if node.kind == "object":
        return FormField(build_object_form(node), label=label_of(node))
    if node.kind == "list" and not node.is_scalar_list:
        return FieldList(FormField(build_object_form(node.item, in_row=True)), label=label_of(node), min_entries=0,
                         validators=[LineCap(node)])
    return _scalar_field(node, optional_parent)


def _filled(field: Any) -> bool:
    if isinstance(field, (FormField, FieldList)):
        return any(_filled(f) for f in iter_fields(field) if f is not field)
    data = field.data
    return data not in (None, "", [], False)


def _optional_object_validate(self: Form, extra_validators: Any = None) -> bool:
    """Validate an optional object's form: blank is fine (no object); filled, its required fields are asked for."""
    ok = bool(Form.validate(self, extra_validators))
    if not any(_filled(f) for f in self):
        return ok
    for child in self.schema_node.children:
        field = self._fields.get(attr_name(child.name))
        if field is None or not child.required or child.nullable or child.kind in ("object", "list"):
            continue
        if not _filled(field) and not field.errors:
            name = field.label.text.name if isinstance(field.label.text, Bilingual) else str(field.label.text)
            field.errors = [_("请选择%(name)s", name=name) if isinstance(field, ChoiceField)
                            else _("请填写%(name)s", name=name)]
            ok = False
    return ok


def is_object_list(node: Field) -> bool:
    """Return whether a node is a list of objects (drawn as a table of rows)."""
    return node.kind == "list" and not node.is_scalar_list


#: Form attributes a field must not shadow (``ProcessLine.process``): such a field is stored under
#: ``<name>_`` and keeps its document name as its HTML name.
_RESERVED = frozenset({"Meta", "meta", "data", "errors", "populate_obj", "post_process", "process", "validate"})


def attr_name(name: str) -> str:
    """Return the form attribute holding the document field ``name``."""
    return f"{name}_" if name in _RESERVED else name


def _named(unbound: Any, name: str) -> Any:
    if attr_name(name) != name:
        unbound.name = name
    return unbound


@cache
def build_object_form(node: Field, in_row: bool = False) -> type[Form]:
    """Return a WTForms form class with one field per child of the object node (built once per node).

    A row of a table (``in_row``) holds no table of its own: a list of objects inside a row (a hazardous
    waste's receivers) is edited in the JSON editor or the workbook, and kept as it was when the row is
    saved (:func:`keep_row_lists`).
    """
    attrs: dict[str, Any] = {"schema_node": node}
    optional = node.nullable and not in_row
    if optional:
        attrs["validate"] = _optional_object_validate
    for child in node.children:
        if in_row and is_object_list(child):
            continue
        attrs[attr_name(child.name)] = _named(_unbound(child, optional), child.name)
    return type(f"{node.python_type.__name__}Form", (Form,), attrs)


def build_section_form(section: Section, name: str = "Section") -> type[FlaskForm]:
    """Return a FlaskForm class holding a section's fields and the draft revision (hidden)."""
    fields: dict[str, Any] = {
        "revision": RevisionField(),
        "section_nodes": section.fields,
        "section_attrs": tuple(n.name for n in section.fields if not n.fixed),
    }
    for node in section.fields:
        if not node.fixed:  # the reporting year keys the filing: shown on the page, never edited
            fields[attr_name(node.name)] = _named(_unbound(node), node.name)
    return type(f"{name}Form", (PortalForm,), fields)


# ------------------------------------------------------------------------------- form → document


def _value_of(field: Any, node: Field) -> Any:
    if isinstance(field, FormField):
        return object_from_form(field.form, node)
    if isinstance(field, FieldList):
        return [object_from_form(entry.form, node.item) for entry in field.entries]
    data = field.data
    if isinstance(field, MultiCheckboxField):
        chosen = set(data or ())
        return [c.value for c in field.choices or () if c.value in chosen]
    if isinstance(field, BooleanField):
        # A check box of a field added by an amendment (``bool | None``): unticked is "not stated", None, so
        # that saving a section leaves a document without the field as it was (its canonical bytes unchanged).
        return True if data else (None if node.nullable else False)
    if data is None or data == "":
        if node.nullable:
            return None
        # a required field left blank has been refused by the form's validation already
        return node.default_value()
    return data


def object_from_form(form: Form, node: Field) -> Any:
    """Return the document object an object node's (valid) form holds."""
    kwargs = {}
    for child in node.children:
        field = form._fields.get(attr_name(child.name))
        if field is not None:
            kwargs[child.name] = _value_of(field, child)
    return node.python_type(**kwargs)


def keep_row_lists(old: Any, new: Any) -> Any:
    """Return ``new`` with the lists of objects inside its table rows taken from ``old`` (row by row).

    The forms do not draw a table inside a row (:func:`build_object_form`); saving a section must not
    empty what the JSON editor or the workbook put there. Rows are matched by position.
    """
    if dataclasses.is_dataclass(new) and not isinstance(new, type) and dataclasses.is_dataclass(old):
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(new):
            value = getattr(new, f.name)
            before = getattr(old, f.name, None)
            if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
                before_rows = before if isinstance(before, list) else []
                rows = []
                for index, row in enumerate(value):
                    prior = before_rows[index] if index < len(before_rows) else None
                    rows.append(_keep_in_row(prior, row) if prior is not None else row)
                changes[f.name] = rows
            elif dataclasses.is_dataclass(value) and before is not None:
                changes[f.name] = keep_row_lists(before, value)
        return dataclasses.replace(new, **changes) if changes else new
    return new


def _keep_in_row(old: Any, row: Any) -> Any:
    changes = {}
    for f in dataclasses.fields(row):
        value = getattr(row, f.name)
        before = getattr(old, f.name, None)
        if isinstance(before, list) and before and dataclasses.is_dataclass(before[0]) and value == []:
            changes[f.name] = before
    return dataclasses.replace(row, **changes) if changes else row


def form_values(form: FlaskForm) -> dict[str, Any]:
    """Return the document attributes a validated section form holds (attribute → value)."""
    return {node.name: _value_of(form[attr_name(node.name)], node) for node in form.section_nodes if not node.fixed}


def initial_data(value: Any) -> Any:
    """Return a document part as form data: dataclasses as dicts keyed by form attribute, lists of them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {attr_name(f.name): initial_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [initial_data(item) for item in value]
    return value


def section_data(form_class: type[FlaskForm], document: Any, *, leave_out: str | None = None) -> dict[str, Any]:
    """Return the initial data of a section form from a document (``leave_out``: a list drawn by :func:`fill_rows`)."""
    return {attr_name(attr): [] if attr == leave_out else initial_data(getattr(document, attr))
            for attr in form_class.section_attrs}


def number_rows(field_list: FieldList, start: int) -> None:
    """Number a posted table's rows from ``start`` again: one page of a long list keeps the list's indices.

    WTForms (3.3) renumbers the rows of posted data 0, 1, 2…; a page drawn again (a refused save, a row added
    without JavaScript) must name its inputs as the page did (``fuels-200-ncv``), so that its error messages,
    findings and the browser's copy of the input point at the same rows.
    """
    for position, entry in enumerate(field_list.entries):
        field_list._rename_entry(entry, start + position)
    field_list.last_index = start + len(field_list.entries) - 1


def fill_rows(field_list: FieldList, rows: Iterable[Any], start: int) -> None:
    """Draw document rows into an empty table numbered from ``start`` (``fuels-200-…``): one page of a long list.

    The inputs keep the row's index in the whole list, so a finding's path (``fuels[250].ncv``) names its
    input on whatever page it is drawn, and a saved page is merged back by index.
    """
    field_list.last_index = start - 1
    for row in rows:
        field_list.append_entry(initial_data(row))


@dataclasses.dataclass(frozen=True)
class FormSection:
    """Describe one page of the filer's forms: the schema section, its URL slug, title and rows."""

    slug: str
    title: Bilingual
    attrs: tuple[str, ...]  # the document attributes it edits
    lists: tuple[str, ...]  # those edited as repeatable rows
    section: Section


@cache
def form_sections(kind: str) -> tuple[FormSection, ...]:
    """Return the form pages of a kind: the schema's sections, in order."""
    out = []
    for s in schema_of(kind).sections:
        editable = tuple(n for n in s.fields if not n.fixed)
        out.append(FormSection(
            s.slug, Bilingual(s.title.zh, s.title.en), tuple(n.name for n in editable),
            tuple(n.name for n in editable if n.kind == "list" and not n.is_scalar_list), s,
        ))
    return tuple(out)


@cache
def section_form_class(kind: str, slug: str) -> type[FlaskForm]:
    """Return the form class of a section page (built once from the schema)."""
    section = next(s for s in form_sections(kind) if s.slug == slug)
    prefix = "".join(part.title() for part in kind.split("_")[:2])
    return build_section_form(section.section, name=prefix + slug.title().replace("-", ""))


def apply_section(document: Any, form: FlaskForm) -> Any:
    """Return the document with the section's attributes replaced by what the (valid) form holds.

    An optional object left entirely blank (a consultancy with no name and no code) is no object
    (``null`` in the document), not an empty one.
    """
    values = form_values(form)
    for node in form.section_nodes:
        if node.kind == "object" and node.nullable and values.get(node.name) == node.python_type():
            values[node.name] = None
    return dataclasses.replace(document, **values)


# ---------------------------------------------------------------------------------------- helpers


def iter_fields(field_or_form: Any) -> Iterable[Any]:
    """Yield every field under a form or field, depth first (enclosures before their parts)."""
    fields = field_or_form if isinstance(field_or_form, Form) else [field_or_form]
    for field in fields:
        yield field
        if isinstance(field, FormField):
            yield from iter_fields(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from iter_fields(entry)


def bind_choices(form_or_field: Any, choices: Mapping[str, list[SelectChoice]]) -> None:
    """Give every code select (fuel, process, product) under ``form_or_field`` its reference choices."""
    for field in iter_fields(form_or_field):
        if isinstance(field, ChoiceField) and field.code_list is not None:
            field.choices = choices.get(field.code_list, [])


def path_to_id(path: str) -> str:
    """Return the input id of a document path: ``fuels[2].ncv`` → ``fuels-2-ncv``."""
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "-")


def renumber_rows(formdata: Any, list_name: str, *, drop: int | None = None, add: bool = False,
                  start: int = 0) -> Any:
    """Return form data with the rows of ``list_name`` numbered start, start + 1… (one dropped, or one added).

    This is the server-side half of adding and removing rows without JavaScript: the page is drawn again
    from the renumbered data, so every typed value stays where it was. ``start``: the list's index of the
    first row drawn (a later page of a long table numbers its rows from there).
    """
    from werkzeug.datastructures import MultiDict

    pattern = re.compile(rf"^{re.escape(list_name)}-(\d+)-(.*)$")
    rows: dict[int, list[tuple[str, str]]] = {}
    out: MultiDict[str, Any] = MultiDict()
    for key, value in formdata.items(multi=True):
        match = pattern.match(key)
        if match is None:
            out.add(key, value)
        else:
            rows.setdefault(int(match.group(1)), []).append((match.group(2), value))
    kept = [index for index in sorted(rows) if index != drop]
    for new, old in enumerate(kept, start):
        for rest, value in rows[old]:
            out.add(f"{list_name}-{new}-{rest}", value)
    if add:
        # A placeholder key makes FieldList see the new, empty row.
        out.add(f"{list_name}-{start + len(kept)}-__row__", "")
    return out


def describe_errors(form: Any) -> list[tuple[str, str, str]]:
    """Return (input id, label, message) for every error in the form, in page order."""
    out: list[tuple[str, str, str]] = []
    for field in iter_fields(form):
        if isinstance(field, FieldList):  # the list's own errors (its line cap), not its rows' (listed below)
            out.extend((field.id, str(field.label.text), m) for m in field.errors if isinstance(m, str))
            continue
        if isinstance(field, FormField):
            continue
        for message in field.errors:
            out.append((field.id, str(field.label.text), str(message)))
    return out
