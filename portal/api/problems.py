"""One error format for the JSON API: RFC 9457 problem details (``application/problem+json``).

Every error under ``/api/v1`` — refused by a view, by a service, by Flask (404, 405, 413), by the rate
limiter (429) or unexpected (500) — is answered by :func:`problem`: ``type`` (a URI naming the kind of
problem, listed at ``/api/v1/problems``), ``title`` (that kind in words), ``status``, ``detail`` (this
occurrence), ``instance`` (the request's path). Title and detail are in the language the client asks for
with ``Accept-Language`` (Chinese unless English is preferred); a validation error also lists every
refused field as ``errors``: ``[{"path", "message_zh", "message_en"}]``, and a refusal for a limit names
it in ``limit``: ``{"name", "value"}`` (body bytes, lines of a list, page size).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, request

MIMETYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"


@dataclass(frozen=True)
class ProblemType:
    """Describe one kind of problem: its slug (the end of its ``type`` URI), status and title in both languages."""

    slug: str
    status: int
    title_zh: str
    title_en: str


_TYPES: tuple[ProblemType, ...] = (
    ProblemType("bad-request", 400, "请求无效", "Bad request"),
    ProblemType("unauthorized", 401, "需要有效的 API 令牌", "A valid API token is required"),
    ProblemType("forbidden", 403, "令牌权限不足", "The token's scope does not allow this"),
    ProblemType("not-found", 404, "未找到", "Not found"),
    ProblemType("method-not-allowed", 405, "不支持该请求方式", "Method not allowed"),
    ProblemType("not-acceptable", 406, "无法提供所要求的格式", "Not acceptable"),
    ProblemType("conflict", 409, "与记录的当前状态冲突", "Conflict with the record's current state"),
    ProblemType("idempotency-key-reused", 409, "幂等键已用于另一请求", "Idempotency key used for another request"),
    ProblemType("precondition-failed", 412, "版本条件不成立", "Precondition failed"),
    ProblemType("weak-etag", 412, "If-Match 不接受弱 ETag", "A weak ETag is not accepted in If-Match"),
    ProblemType("body-too-large", 413, "请求体过大", "Request body too large"),
    ProblemType("unsupported-media-type", 415, "不支持的请求体格式", "Unsupported media type"),
    ProblemType("invalid-document", 422, "文书或参数不符合要求", "Validation failed"),
    ProblemType("too-many-lines", 422, "列表行数超过上限", "Too many lines in a list"),
    ProblemType("page-size", 422, "每页条数超过上限", "Page size above the limit"),
    ProblemType("precondition-required", 428, "需要 If-Match 版本条件", "Precondition required"),
    ProblemType("rate-limited", 429, "请求过于频繁", "Too many requests"),
    ProblemType("server-error", 500, "系统错误", "Internal server error"),
    ProblemType("unavailable", 503, "暂时无法提供", "Service unavailable"),
)
TYPES: Mapping[str, ProblemType] = {t.slug: t for t in _TYPES}
_BY_STATUS: dict[int, ProblemType] = {}
for _t in _TYPES:
    _BY_STATUS.setdefault(_t.status, _t)


def english() -> bool:
    """Return whether the client prefers English (``Accept-Language``); Chinese is the default."""
    best = request.accept_languages.best_match(["zh", "zh-CN", "en", "en-US", "en-GB"])
    return best is not None and best.lower().startswith("en")


@dataclass(frozen=True)
class FieldError:
    """Hold one refused field: its path in the document or request and why, in Chinese and English."""

    path: str
    message_zh: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        """Return the JSON form."""
        return {"path": self.path, "message_zh": self.message_zh, "message_en": self.message_en}


class ApiProblem(Exception):
    """Raise to answer the request with a problem (caught by the API's error handler)."""

    def __init__(self, slug: str, detail_zh: str, detail_en: str, *, status: int | None = None,
                 errors: Iterable[FieldError] = (), limit: tuple[str, int] | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        self.slug = slug
        self.status = status or TYPES[slug].status
        self.detail_zh = detail_zh
        self.detail_en = detail_en
        self.errors = list(errors)
        self.limit = limit
        self.headers = dict(headers or {})
        self.extra = extra
        super().__init__(f"{self.status} {slug}: {detail_en}")

    def response(self) -> Response:
        """Return the problem+json response."""
        return problem(self.slug, self.detail_zh, self.detail_en, status=self.status, errors=self.errors,
                       limit=self.limit, headers=self.headers, **self.extra)


def problem(slug: str, detail_zh: str, detail_en: str, *, status: int | None = None,
            errors: Iterable[FieldError] = (), limit: tuple[str, int] | None = None,
            headers: Mapping[str, str] | None = None, **extra: Any) -> Response:
    """Return an RFC 9457 problem response of kind ``slug`` in the client's language."""
    kind = TYPES[slug]
    status = status or kind.status
    en = english()
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": kind.title_en if en else kind.title_zh,
        "status": status,
        "detail": detail_en if en else detail_zh,
        "instance": request.path,
        "detail_zh": detail_zh,
        "detail_en": detail_en,
    }
    listed = [e.as_dict() for e in errors]
    if listed:
        body["errors"] = listed
    if limit is not None:
        body["limit"] = {"name": limit[0], "value": limit[1]}
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=MIMETYPE)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = "en" if en else "zh-CN"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="portal"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def for_status(status: int, detail_zh: str | None = None, detail_en: str | None = None,
               headers: Mapping[str, str] | None = None) -> Response:
    """Return the problem of an HTTP error raised outside the API's views (routing, Flask, the limiter)."""
    kind = _BY_STATUS.get(status) or (TYPES["bad-request"] if status < 500 else TYPES["server-error"])
    zh, en = _DEFAULT_DETAILS.get(status, (kind.title_zh, kind.title_en))
    return problem(kind.slug, detail_zh or zh, detail_en or en, status=status, headers=headers)


_DEFAULT_DETAILS: dict[int, tuple[str, str]] = {
    404: ("所请求的资源不存在，或您无权查看", "the resource does not exist, or you may not see it"),
    405: ("此地址不支持该请求方式，见 Allow 头", "this address does not support the method; see the Allow header"),
    413: ("请求体超过上限", "the request body exceeds the limit"),
    429: ("此令牌的请求过于频繁，请按 RateLimit-Reset 所示稍后再试",
          "too many requests for this token; retry after RateLimit-Reset seconds"),
    500: ("服务器处理请求时出错，已记录此问题；数据未被保存", "the server failed to handle the request; it was logged and "
          "nothing was saved"),
}


def catalogue() -> list[dict[str, Any]]:
    """Return every problem type (the page ``/api/v1/problems`` lists them)."""
    return [{"type": TYPE_BASE + t.slug, "status": t.status, "title_zh": t.title_zh, "title_en": t.title_en}
            for t in _TYPES]
