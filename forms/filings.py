"""Forms to open a filing and to edit a draft as canonical JSON."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileSize
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.domain.documents import WEB_KINDS
from portal.domain.labels import KINDS, VALUE_SETS

from .base import PortalForm, RevisionField
from .labels import value_choices

#: the kinds a filer can open on the web (domain.documents.WEB_KINDS)
KIND_CHOICES = [c for c in value_choices(KINDS) if c.value in WEB_KINDS]


class NewFilingForm(PortalForm):
    """Open the filing of one kind and year for an enterprise."""

    kind = SelectField(_l("申报类型"), choices=KIND_CHOICES)
    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(min=2019, max=2100)],
                        default=lambda: dt.date.today().year - 1)


class AdhocForm(PortalForm):
    """Open an ad-hoc disclosure against the legal document that makes it due (办法第十七条)."""

    trigger = SelectField(_l("披露事项"), choices=value_choices(VALUE_SETS["adhoc_trigger"]))
    number = StringField(_l("文号"), validators=[InputRequired(_l("请填写文号（许可事项填写许可证编号）")),
                                                 Length(max=100)],
                         description=_l("许可事项填写许可证编号"))
    doc_type = StringField(_l("文书类型"), validators=[Optional(), Length(max=100)],
                           description=_l("如 行政处罚决定书"))
    issuer = StringField(_l("作出机关"), validators=[Optional(), Length(max=200)])
    date = DateField(_l("文书日期"), validators=[Optional()])
    received_on = DateField(_l("收到日期"), validators=[InputRequired(_l("请填写收到法律文书的日期"))],
                            description=_l("披露期限为收到之日起第 5 个工作日（当日不计）"))


class JsonDraftForm(PortalForm):
    """Replace the draft with a canonical JSON document, typed or uploaded."""

    document = TextAreaField(_l("JSON 文书"), validators=[Optional(), Length(max=5 * 1024 * 1024)],
                             render_kw={"rows": 24, "spellcheck": "false"})
    upload = FileField(_l("或上传 JSON 文件"), validators=[FileSize(max_size=5 * 1024 * 1024)])
    revision = RevisionField()


class ExplanationsForm(PortalForm):
    """Carry the revision the explanations were written against (fields are added per finding)."""

    revision = RevisionField()
