"""Error pages in the user's language (Chinese by default); RFC 9457 problems for the API (portal/api/problems.py)."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from forms.base import BadInput

from .templating import bilingual


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求无效"), _("请求的内容不完整或格式不正确。")),
        403: (_("无权访问"), _("您没有执行此操作的权限。")),
        404: (_("页面不存在"), _("您访问的页面不存在，或您无权查看。")),
        405: (_("不允许的操作"), _("此页面不支持该请求方式。")),
        409: (_("数据冲突"), _("数据已被他人修改，请刷新后重试。")),
        413: (_("文件过大"), _("上传的文件超过大小限制。")),
        429: (_("请求过于频繁"), _("请稍后再试。")),
        500: (_("系统错误"), _("服务器处理请求时出错，我们已记录此问题。您输入的数据未被保存，请稍后重试。")),
    }


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error as a page in the user's language, never a stack trace."""

    def render(code: int, detail: str | None = None, error: HTTPException | None = None) -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            return _api_problem(code, error)
        title, text = _messages().get(code, (str(code), ""))
        return render_template("error.html", code=code, title=title, text=detail or text), code

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        return render(400, _("页面已过期或表单校验失败（CSRF）。请返回上一页刷新后重新提交，您填写的内容仍在原页面中。"))

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError) -> ResponseReturnValue:
        # Someone saved the same record between our read and our write (optimistic locking): a conflict, not a
        # crash. The change is rolled back; the page says to reload.
        from ..extensions import db

        db.session.rollback()
        return render(409)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        detail = None
        if isinstance(error, BadInput):  # bad input names the field (forms/base.py)
            detail = bilingual(error.message_zh, error.message_en)
        return render(error.code or 500, detail, error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        from ..extensions import db

        db.session.rollback()
        return render(500)


def _api_problem(code: int, error: HTTPException | None) -> Response:
    """Answer an error under /api/ raised outside the API's views (routing, 413, the limiter, a crash) as a problem."""
    from ..api import limits, problems

    if code == 413:  # past request.max_content_length while a body of unknown length was read
        return limits.too_large(limits.body_cap(request.endpoint)).response()
    headers = {}
    if error is not None and code == 405:
        allowed = error.get_headers().__iter__()
        headers = {name: value for name, value in allowed if name == "Allow"}
    if code == 400 and isinstance(error, BadInput):
        return problems.problem("bad-request", error.message_zh, error.message_en)
    return problems.for_status(code, headers=headers)
