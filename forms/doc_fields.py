"""Build WTForms forms from the canonical document dataclasses, and document parts back from form data.

The field declarations in ``portal/domain/documents.py`` (type hints plus ``info(zh, en, unit, codes=...)``
metadata) are the one field spec: labels, units, help texts, which inputs are required, which values a
select offers. Nothing here repeats a field's label or unit. Type → field:

=====================  ========================================================================
``Decimal``            :class:`NumberField` (text input, ``inputmode=decimal``; "请输入数字")
``int``                :class:`IntField`
``bool``               ``BooleanField``
``date``               :class:`DateInputField` (``YYYY-MM-DD``; also ``2024/1/5`` and ``2024年1月5日``)
``Literal[...]``       :class:`ChoiceField` with Chinese labels (:data:`CHOICE_LABELS`)
``list[Literal]``      :class:`MultiCheckboxField`
``str`` + ``codes``    :class:`ChoiceField` whose choices come from the reference data (:func:`bind_choices`)
``str``                ``StringField`` (blank → ``None`` when the field is optional)
dataclass              ``FormField`` of the dataclass's form
``list[dataclass]``    ``FieldList(FormField(...))`` — repeatable rows
=====================  ========================================================================

Only well-formedness is checked here (type, required, range); regulatory checks stay in the rules engine.
Field names follow the document paths: ``fuels[2].ncv`` is the input ``fuels-2-ncv`` (:func:`path_to_id`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal, get_args, get_origin

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.fields import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput, html_params

from portal.domain.fields import field_info

__all__ = [
    "CHOICE_LABELS",
    "Bilingual",
    "ChoiceField",
    "ChoiceList",
    "DateInputField",
    "IntField",
    "MultiCheckboxField",
    "NumberField",
    "NumberRange",
    "bind_choices",
    "build_object_form",
    "build_section_form",
    "form_values",
    "initial_data",
    "object_from_form",
    "section_data",
    "path_to_id",
    "renumber_rows",
]


def _english() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


class Bilingual:
    """Hold a label (and its unit) in Chinese and English; render the one of the current language.

    WTForms renders labels with ``escape(text)``, which calls :meth:`__html__`, so the language is chosen
    when the page is drawn, not when the form class is built.
    """

    __slots__ = ("en", "unit_en", "unit_zh", "zh")

    def __init__(self, zh: str, en: str, unit: str | None = None, unit_en: str | None = None) -> None:
        self.zh = zh
        self.en = en
        self.unit_zh = unit
        self.unit_en = unit_en if unit_en is not None else unit

    @property
    def name(self) -> str:
        """Return the label without its unit."""
        return self.en if _english() else self.zh

    @property
    def unit(self) -> str | None:
        """Return the unit in the current language (None when the field has none)."""
        return self.unit_en if _english() else self.unit_zh

    def __str__(self) -> str:
        unit = self.unit
        if not unit:
            return self.name
        return f"{self.name} ({unit})" if _english() else f"{self.name}（{unit}）"

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"Bilingual({self.zh!r}, {self.en!r}, {self.unit_zh!r})"


#: Labels of the values of the documents' ``Literal`` types (documents.py declares the values only).
CHOICE_LABELS: dict[str, Any] = {
    # generating units and boilers
    "coal": _l("燃煤"),
    "gas": _l("燃气"),
    "oil": _l("燃油"),
    "biomass": _l("生物质"),
    "electric": _l("电"),
    "other": _l("其他"),
    # toxic categories and online monitoring
    "hazardous_waste": _l("危险废物"),
    "highly_toxic_chemicals": _l("剧毒化学品"),
    "heavy_metals": _l("重金属"),
    "pops": _l("持久性有机污染物"),
    "vocs": _l("挥发性有机物"),
    "tp": _l("总磷"),
    "tn": _l("总氮"),
    # clean-production audit
    "mandatory": _l("强制性"),
    "voluntary": _l("自愿性"),
    "individual": _l("单个企业"),
    "industry_whole": _l("行业整体"),
    "park_whole": _l("园区整体"),
    "pilot": _l("创新试点"),
    "double_exceed": _l("双超"),
    "high_energy": _l("高耗能"),
    "double_toxic": _l("双有"),
    "no_low": _l("无/低费"),
    "medium_high": _l("中/高费"),
    "raw_material_energy": _l("原辅材料和能源替代"),
    "process": _l("技术工艺改造"),
    "equipment": _l("设备维护和更新"),
    "process_control": _l("过程优化控制"),
    "product": _l("产品更换或改进"),
    "waste_recycling": _l("废弃物回收利用和循环使用"),
    "management": _l("加强管理"),
    "staff": _l("员工素质提高及积极性激励"),
    "proposed": _l("已提出"),
    "feasible": _l("可行"),
    "implemented": _l("已实施"),
    "dropped": _l("已放弃"),
    "not_applied": _l("未申请"),
    "applied": _l("已申请"),
    "passed": _l("已通过"),
    "failed": _l("未通过"),
    "near": _l("近期"),
    "mid": _l("中期"),
    "I": _l("一级"),
    "II": _l("二级"),
    "III": _l("三级"),
    "unit_energy": _l("单位产品综合能耗"),
    "unit_water": _l("单位产品取水量"),
    "unit_co2": _l("单位产品二氧化碳排放"),
    "so2_t": _l("二氧化硫排放量"),
    "nox_t": _l("氮氧化物排放量"),
    "pm_t": _l("颗粒物排放量"),
    "vocs_t": _l("挥发性有机物排放量"),
    "cod_t": _l("化学需氧量排放量"),
    "nh3n_t": _l("氨氮排放量"),
    "hazardous_waste_t": _l("危险废物产生量"),
    "solid_waste_reuse_rate": _l("固体废物综合利用率"),
}


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


class ChoiceList(list):  # type: ignore[type-arg]
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


class NumberRange:
    """Check that a number lies in a range, each end open or closed, with one message for the filer."""

    def __init__(self, min: Decimal | None = None, max: Decimal | None = None, *,  # noqa: A002
                 min_inclusive: bool = True, max_inclusive: bool = True, message: Any = None) -> None:
        self.min = min
        self.max = max
        self.min_inclusive = min_inclusive
        self.max_inclusive = max_inclusive
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value is None:
            return
        low_ok = self.min is None or (value >= self.min if self.min_inclusive else value > self.min)
        high_ok = self.max is None or (value <= self.max if self.max_inclusive else value < self.max)
        if not (low_ok and high_ok):
            raise StopValidation(str(self.message) if self.message else self.describe())

    def describe(self) -> str:
        """Return the default message naming the range."""
        if self.max is None:
            return _("应大于或等于 %(min)s", min=self.min) if self.min_inclusive else _("应大于 %(min)s", min=self.min)
        return _("应在 %(min)s 到 %(max)s 之间", min=self.min, max=self.max)


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


@dataclasses.dataclass(frozen=True)
class FieldRule:
    """Hold what the form adds to a field beyond its type: a range, or the rule to leave it unbounded."""

    range: NumberRange | None = None
    readonly: bool = False


Rules = Mapping[tuple[type, str], FieldRule]


def _optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) != len(get_args(tp)) and len(args) == 1:
            return True, args[0]
    return False, tp


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _literal_choices(values: Iterable[Any]) -> ChoiceList:
    return ChoiceList(SelectChoice(value=str(v), label=CHOICE_LABELS.get(str(v), str(v))) for v in values)


def _scalar_field(owner: type, f: dataclasses.Field[Any], tp: Any, rules: Rules, default_min: Decimal | None):  # type: ignore[no-untyped-def]
    meta = field_info(f)
    optional, inner = _optional(tp)
    label = Bilingual(meta.zh, meta.en, meta.unit, meta.unit_en)
    description = Bilingual(meta.help_zh, meta.help_en or meta.help_zh) if meta.help_zh else ""
    rule = rules.get((owner, f.name), FieldRule())
    required = not optional and not _has_default(f)
    render_kw: dict[str, Any] = {"readonly": True} if rule.readonly else {}
    presence = [_Required()] if required else [Optional()]
    if inner is bool:
        return BooleanField(label, description=description, render_kw=render_kw or None)
    if inner is Decimal:
        if rule.range is not None:
            bound = [rule.range]
        elif default_min is not None:
            bound = [NumberRange(min=default_min, message=_l("不能为负数"))]
        else:
            bound = []
        if not required and not optional and f.default is not dataclasses.MISSING:
            render_kw["placeholder"] = format(f.default, "f")
        return NumberField(label, presence + bound, description=description, render_kw=render_kw)
    if inner is int:
        return IntField(label, presence + ([rule.range] if rule.range else []), description=description,
                        render_kw=render_kw)
    if inner is dt.date:
        return DateInputField(label, presence, description=description, render_kw=render_kw or None)
    if get_origin(inner) is Literal:
        return ChoiceField(label, presence, choices=_literal_choices(get_args(inner)), description=description,
                           render_kw=render_kw or None)
    if get_origin(inner) is list and get_origin(get_args(inner)[0]) is Literal:
        return MultiCheckboxField(label, choices=_literal_choices(get_args(get_args(inner)[0])),
                                  description=description)
    if inner is str and meta.codes in ("fuel", "process", "product"):
        # The choices depend on the reference data in force: bind_choices() sets them per request.
        return ChoiceField(label, presence, choices=[], code_list=meta.codes, description=description,
                           render_kw=render_kw or None)
    if inner is str:
        return StringField(label, presence + [Length(max=500, message=_l("不能超过 %(max)d 个字符"))], description=description,
                           filters=[_strip], render_kw=render_kw or None)
    raise TypeError(f"no form field for {owner.__name__}.{f.name}: {tp!r}")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _unbound(owner: type, f: dataclasses.Field[Any], tp: Any, rules: Rules, default_min: Decimal | None):  # type: ignore[no-untyped-def]
    meta = field_info(f)
    label = Bilingual(meta.zh, meta.en, meta.unit, meta.unit_en)
    optional, inner = _optional(tp)
    if _is_dataclass_type(inner):
        return FormField(build_object_form(inner, rules=rules, default_min=default_min), label=label)
    if get_origin(inner) is list and _is_dataclass_type(get_args(inner)[0]):
        row = build_object_form(get_args(inner)[0], rules=rules, default_min=default_min)
        return FieldList(FormField(row), label=label, min_entries=0)
    return _scalar_field(owner, f, tp, rules, default_min)


_FORM_CACHE: dict[tuple[Any, ...], type[Form]] = {}

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


def build_object_form(cls: type, *, rules: Rules | None = None, default_min: Decimal | None = Decimal(0),
                      exclude: Sequence[str] = ()) -> type[Form]:
    """Return a WTForms form class with one field per field of the dataclass ``cls`` (cached)."""
    rules = rules or {}
    key = (cls, id(rules), default_min, tuple(exclude))
    found = _FORM_CACHE.get(key)
    if found is not None:
        return found
    hints = _hints(cls)
    attrs: dict[str, Any] = {"document_class": cls}
    for f in dataclasses.fields(cls):
        if f.name in exclude:
            continue
        attrs[attr_name(f.name)] = _named(_unbound(cls, f, hints[f.name], rules, default_min), f.name)
    form = type(f"{cls.__name__}Form", (Form,), attrs)
    _FORM_CACHE[key] = form
    return form


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build_section_form(doc_cls: type, attrs: Sequence[str], *, rules: Rules | None = None,
                       default_min: Decimal | None = Decimal(0), name: str = "Section") -> type[FlaskForm]:
    """Return a FlaskForm class holding the document fields ``attrs`` and the draft revision (hidden)."""
    rules = rules or {}
    hints = _hints(doc_cls)
    by_name = {f.name: f for f in dataclasses.fields(doc_cls)}
    fields: dict[str, Any] = {
        "revision": HiddenField(),
        "document_class": doc_cls,
        "section_attrs": tuple(attrs),
    }
    for attr in attrs:
        fields[attr_name(attr)] = _named(_unbound(doc_cls, by_name[attr], hints[attr], rules, default_min), attr)
    return type(f"{name}Form", (FlaskForm,), fields)


# ------------------------------------------------------------------------------- form → document


def _value_of(field: Any, f: dataclasses.Field[Any], tp: Any) -> Any:
    optional, inner = _optional(tp)
    if isinstance(field, FormField):
        return object_from_form(field.form, inner)
    if isinstance(field, FieldList):
        (row_type,) = get_args(inner)
        return [object_from_form(entry.form, row_type) for entry in field.entries]
    data = field.data
    if isinstance(field, MultiCheckboxField):
        chosen = set(data or ())
        return [c.value for c in field.choices or () if c.value in chosen]
    if isinstance(field, BooleanField):
        return bool(data)
    if data is None or data == "":
        if optional:
            return None
        if f.default is not dataclasses.MISSING:
            return f.default
        if f.default_factory is not dataclasses.MISSING:
            return f.default_factory()
        return None  # a required field left blank: the form's validation has already refused it
    return data


def object_from_form(form: Form, cls: type) -> Any:
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        field = form._fields.get(attr_name(f.name))
        if field is not None:
            kwargs[f.name] = _value_of(field, f, hints[f.name])
    return cls(**kwargs)


def form_values(form: FlaskForm) -> dict[str, Any]:
    """Return the document attributes a validated section form holds (attribute → value)."""
    doc_cls = form.document_class
    hints = _hints(doc_cls)
    by_name = {f.name: f for f in dataclasses.fields(doc_cls)}
    return {attr: _value_of(form[attr_name(attr)], by_name[attr], hints[attr]) for attr in form.section_attrs}


def initial_data(value: Any) -> Any:
    """Return a document part as form data: dataclasses as dicts keyed by form attribute, lists of them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {attr_name(f.name): initial_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [initial_data(item) for item in value]
    return value


def section_data(form_class: type[FlaskForm], document: Any) -> dict[str, Any]:
    """Return the initial data of a section form from a document."""
    return {attr_name(attr): initial_data(getattr(document, attr)) for attr in form_class.section_attrs}


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


def renumber_rows(formdata: Any, list_name: str, *, drop: int | None = None, add: bool = False) -> Any:
    """Return form data with the rows of ``list_name`` numbered 0, 1, 2… (one dropped, or one added).

    This is the server-side half of adding and removing rows without JavaScript: the page is drawn again
    from the renumbered data, so every typed value stays where it was.
    """
    from werkzeug.datastructures import MultiDict

    pattern = re.compile(rf"^{re.escape(list_name)}-(\d+)-(.*)$")
    rows: dict[int, list[tuple[str, str]]] = {}
    out = MultiDict()
    for key, value in formdata.items(multi=True):
        match = pattern.match(key)
        if match is None:
            out.add(key, value)
        else:
            rows.setdefault(int(match.group(1)), []).append((match.group(2), value))
    kept = [index for index in sorted(rows) if index != drop]
    for new, old in enumerate(kept):
        for rest, value in rows[old]:
            out.add(f"{list_name}-{new}-{rest}", value)
    if add:
        # A placeholder key makes FieldList see the new, empty row.
        out.add(f"{list_name}-{len(kept)}-__row__", "")
    return out


def describe_errors(form: Any) -> list[tuple[str, str, str]]:
    """Return (input id, label, message) for every error in the form, in page order."""
    out: list[tuple[str, str, str]] = []
    for field in iter_fields(form):
        if isinstance(field, (FormField, FieldList)):
            continue
        for message in field.errors:
            out.append((field.id, str(field.label.text), str(message)))
    return out
