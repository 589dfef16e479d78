"""Forms to open a filing and to edit a draft as canonical JSON."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileSize
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.domain.documents import WEB_KINDS
from portal.domain.labels import KINDS

from .base import PortalForm, RevisionField
from .labels import value_choices

#: the kinds a filer can open on the web (domain.documents.WEB_KINDS)
KIND_CHOICES = [c for c in value_choices(KINDS) if c.value in WEB_KINDS]


class NewFilingForm(PortalForm):
    """Open the filing of one kind and year for an enterprise."""

    kind = SelectField(_l("申报类型"), choices=KIND_CHOICES)
    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(min=2019, max=2100)],
                        default=lambda: dt.date.today().year - 1)


class JsonDraftForm(PortalForm):
    """Replace the draft with a canonical JSON document, typed or uploaded."""

    document = TextAreaField(_l("JSON 文书"), validators=[Optional(), Length(max=5 * 1024 * 1024)],
                             render_kw={"rows": 24, "spellcheck": "false"})
    upload = FileField(_l("或上传 JSON 文件"), validators=[FileSize(max_size=5 * 1024 * 1024)])
    revision = RevisionField()


class ExplanationsForm(PortalForm):
    """Carry the revision the explanations were written against (fields are added per finding)."""

    revision = RevisionField()
