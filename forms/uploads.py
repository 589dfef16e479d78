"""The form that uploads a bulk workbook (the file's content is checked by ``portal.importers``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from .base import PortalForm


class UploadForm(PortalForm):
    """Upload one filled upload workbook (.xlsx)."""

    workbook = FileField(_l("填好的上传工作簿（.xlsx）"), validators=[FileRequired(_l("请选择要上传的工作簿"))],
                         render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
