"""What every API request goes through: the body cap, the per-token rate limit, Idempotency-Key, problems.

- The body cap runs before any other hook of the app (it is put first), so no hook parses a body the API
  refuses (:func:`.limits.refuse_large_body`).
- The rate limit counts per token (Flask-Limiter, ``API_RATE_LIMIT``); every answer tells the client where it
  stands with ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset`` and ``RateLimit-Policy``
  (draft-ietf-httpapi-ratelimit-headers).
- A POST with ``Idempotency-Key`` is answered once: its successful answer is stored with the SHA-256 of the
  request; the same key with the same request gets the stored answer again (``Idempotent-Replayed: true``),
  with another request a 422 problem (draft-ietf-httpapi-idempotency-key-header).
"""

from __future__ import annotations

import hashlib
import time
from typing import cast

from flask import Flask, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..models import IdempotentRequest
from . import bp
from .auth import caller, rate_limit_key
from .limits import refuse_large_body
from .problems import ApiProblem

IDEMPOTENCY_KEY_MAX = 200
_PENDING = "portal.api_idempotency"

limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(bp)


@bp.record_once
def _install(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    app.before_request_funcs.setdefault(None, []).insert(0, _cap_body)

    @app.errorhandler(ApiProblem)
    def _problem(error: ApiProblem) -> Response:
        return error.response()


def _cap_body() -> None:
    if request.path.startswith(bp.url_prefix or "/api/v1"):
        refuse_large_body()


def _request_sha256() -> str:
    """Return the SHA-256 of what makes a request the same: method, path, query and body (or uploaded files)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n".encode())
    if request.mimetype == "multipart/form-data":
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            digest.update(f"{name}:{upload.filename}\n".encode())
            stream = upload.stream
            while chunk := stream.read(1 << 16):
                digest.update(chunk)
            stream.seek(0)
    else:
        digest.update(request.get_data(cache=True))
    return digest.hexdigest()


@bp.before_request
def _replay_idempotent() -> Response | None:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or key is None:
        return None
    key = key.strip().strip('"')
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ApiProblem("bad-request", f"Idempotency-Key 应为 1 至 {IDEMPOTENCY_KEY_MAX} 个可打印字符",
                         f"the Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX} printable characters",
                         limit=("idempotency_key_length", IDEMPOTENCY_KEY_MAX))
    user = caller("write")
    sha = _request_sha256()
    stored = db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.user_id == user.id,
                                                               IdempotentRequest.key == key))
    if stored is None:
        request.environ[_PENDING] = (user.id, key, sha)
        return None
    if stored.request_sha256 != sha:
        raise ApiProblem("idempotency-key-reused", status=422,
                         detail_zh="此 Idempotency-Key 已用于另一个请求（方法、地址或请求体不同）；请换一个键",
                         detail_en="this Idempotency-Key was used for a different request (method, path or body); "
                                   "use a new key")
    response = Response(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.after_request
def _finish(response: Response) -> Response:
    pending = request.environ.pop(_PENDING, None)
    if pending is not None and response.status_code < 400 and not response.direct_passthrough:
        user_id, key, sha = pending
        try:
            with db.session.begin_nested():  # committed with the request's own changes (portal.web.transaction)
                db.session.add(IdempotentRequest(
                    user_id=user_id, key=key, request_sha256=sha, status=response.status_code,
                    content_type=response.content_type or "application/json",
                    location=response.headers.get("Location"), body=response.get_data()))
        except IntegrityError:
            # The same key was stored meanwhile by a request sent at the same time: answering 409 rolls this
            # one back, so the action happens once; the client sends it again and gets the stored answer.
            response = ApiProblem("conflict", "同一 Idempotency-Key 的另一请求刚刚完成，请重发以取得其结果",
                                  "another request with this Idempotency-Key has just been answered; send it "
                                  "again to get that answer").response()
    response.headers.setdefault("Cache-Control", "no-store")
    _rate_limit_headers(response)
    return response


def _rate_limit_headers(response: Response) -> None:
    current = limiter.current_limit
    if current is None:
        return
    amount = current.limit.amount
    window = current.limit.get_expiry()
    response.headers["RateLimit-Limit"] = str(amount)
    response.headers["RateLimit-Remaining"] = str(max(current.remaining, 0))
    response.headers["RateLimit-Reset"] = str(max(int(current.reset_at - time.time()), 0))
    response.headers["RateLimit-Policy"] = f"{amount};w={window}"
