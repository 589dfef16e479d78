"""The JSON API (``/api/v1``) over the same services and permission predicates as the web pages.

Authentication is a bearer token (``Authorization: Bearer <token>``) issued on ``/account/api-token``
(``services/tokens.py``: named, ``read`` or ``write`` scope, expiring, revoked by a password change; only
its SHA-256 is stored; every use and refusal is audited). A browser session may *read* a draft, but never
write one: writes need a token of write scope, so the API is exempt from CSRF without being open to it.
Every denial of a record outside the caller's scope is a 404, as on the web pages.

Optimistic locking is HTTP's: ``GET`` answers the draft with ``ETag: "<revision>"``; ``PUT`` needs
``If-Match: "<revision>"`` (428 without it, 412 when someone saved in between).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask_login import current_user

from ..auth import permissions
from ..auth.loading import current_account
from ..domain.codec import DocumentError, document_from_input, dumps, to_data
from ..extensions import csrf, db
from ..models import Filing, User
from ..services import checking, tokens
from ..services import filings as filing_service
from ..services.errors import NotFound, ServiceError, StaleDraft

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated; a session cookie is never accepted for writes (see _caller)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _error(status: int, message_zh: str, message_en: str, **extra: Any) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="portal"'} if status == 401 else None
    return _json({"error": {"code": status, "message_zh": message_zh, "message_en": message_en, **extra}},
                 status, headers)


def _token_user(*, write: bool) -> User | None | bool:
    """Return the user of the bearer token; False when a token was sent but is not good for this; None when none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return False
    check = tokens.verify(token, scope="write" if write else "read")
    return check.token.user if check.token is not None else False


def _caller(*, write: bool) -> User | None:
    """Return who is calling: the token's user, or for reads only the logged-in session's user."""
    found = _token_user(write=write)
    if found is False:
        return None
    if isinstance(found, User):
        return found
    if not write and current_user.is_authenticated:
        return current_account()
    return None


def _etag(filing: Filing) -> str:
    return f'"{filing.revision}"'


def _if_match() -> list[str] | None:
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    return [part.strip().removeprefix("W/").strip('"') for part in raw.split(",") if part.strip()]


def _draft_body(filing: Filing) -> Response:
    document = filing_service.draft_document(filing)
    outcome = checking.run(document, filing=filing)
    body = {
        "document": to_data(document),
        "computed": outcome.computed.check_block(),
        "findings": [f.as_dict() for f in outcome.findings],
        "revision": filing.revision,
    }
    return _json(body, headers={"ETag": _etag(filing)})


@bp.route("/filings/<int:filing_id>/draft", methods=["GET", "PUT"])
def draft(filing_id: int) -> Response:
    """Read (GET) or replace (PUT) a filing's draft as its canonical JSON document."""
    write = request.method == "PUT"
    user = _caller(write=write)
    if user is None:
        if write and current_user.is_authenticated and request.headers.get("Authorization") is None:
            return _error(401, "写入草稿需要 API 令牌（Authorization: Bearer），不接受登录会话",
                          "writing a draft needs an API token (Authorization: Bearer); a session is not accepted")
        return _error(401, "需要有效的 API 令牌", "a valid API token is required")
    filing = db.session.get(Filing, filing_id)
    enterprise = filing.enterprise if filing is not None else None
    if filing is None or enterprise is None:
        return _error(404, "未找到", "not found")
    # A draft is the enterprise's own until submitted: reviewers and administrators read versions, never this
    # (issue 16 item 6).
    if not permissions.can_view_draft(user, enterprise.id):
        return _error(404, "未找到", "not found")
    if not write:
        return _draft_body(filing)  # the token's use is audited durably (services/tokens.py)

    if not permissions.can_edit_filing(user, enterprise.id):
        return _error(404, "未找到", "not found")
    lock = filing_service.draft_lock(filing)  # accepted, or submitted and under review (issue 15)
    if lock is not None:
        return _error(409, lock.message_zh, lock.message_en)
    wanted = _if_match()
    if wanted is None or "*" in wanted:
        return _error(428, "请在 If-Match 中给出所编辑草稿的版本号（GET 返回的 ETag）",
                      "send the revision you edited in If-Match (the ETag returned by GET)")
    if str(filing.revision) not in wanted:
        return _error(412, "此草稿已被他人修改并保存，请重新获取后再提交",
                      "the draft was saved by someone else since that revision; GET it again",
                      revision=filing.revision)
    if request.mimetype != "application/json":
        return _error(415, "请求体应为 application/json", "the body must be application/json")
    try:
        document = document_from_input(request.get_data())
    except DocumentError as exc:
        errors = [{"path": v.path, "message_zh": v.message.zh, "message_en": v.message.en}
                  for v in getattr(exc, "violations", ())]
        return _json({"error": {"path": exc.path, "message_zh": exc.message_zh, "message_en": exc.message_en,
                                "errors": errors}}, 422)
    # A refusal is answered with an error status, so the request's transaction is rolled back
    # (portal.web.transaction); a success is committed after this returns.
    try:
        filing_service.save_draft(user, filing, document, filing.revision)
    except StaleDraft as exc:
        return _error(412, exc.message_zh, exc.message_en)
    except NotFound:
        return _error(404, "未找到", "not found")
    except ServiceError as exc:
        return _json({"error": {"path": exc.field or "", "message_zh": exc.message_zh,
                                "message_en": exc.message_en}}, 422)
    return _draft_body(filing)
