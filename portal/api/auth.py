"""Who is calling the API: the bearer token's user (scoped, expiring), or for reads a signed-in session."""

from __future__ import annotations

import hashlib
from typing import cast

from flask import request
from flask_login import current_user

from ..models import User
from ..services import tokens
from .problems import ApiProblem

_CACHE = "portal.api_caller"
_REFUSALS = {
    "unknown": ("令牌无效", "the token is not valid"),
    "revoked": ("令牌已被撤销", "the token has been revoked"),
    "expired": ("令牌已过期", "the token has expired"),
    "inactive": ("令牌所属账户已停用", "the token's account is deactivated"),
}


def bearer() -> str | None:
    """Return the bearer token of the request, None when none is sent; refuse a malformed header (401)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise ApiProblem("unauthorized", "Authorization 头应为 Bearer <令牌>",
                         "the Authorization header must be Bearer <token>")
    return token


def caller(scope: str) -> User:
    """Return the calling user for ``scope`` ("read" or "write"), or raise the problem (401 or 403).

    A token of read scope sent for a write is 403 (RFC 6750 ``insufficient_scope``); a session without a
    token may read, never write (401).
    """
    cached = request.environ.get(_CACHE)  # one verification (and one audited use) per request
    if cached is not None and cached[1] in (scope, "write"):
        return cast(User, cached[0])
    token = bearer()
    if token is None:
        if scope == "read" and current_user.is_authenticated:
            user: User = current_user._get_current_object()
            request.environ[_CACHE] = (user, "read")
            return user
        if current_user.is_authenticated:
            raise ApiProblem("unauthorized", "写入需要 API 令牌（Authorization: Bearer），不接受登录会话",
                             "writing needs an API token (Authorization: Bearer); a session is not accepted")
        raise ApiProblem("unauthorized", "需要有效的 API 令牌（Authorization: Bearer）",
                         "a valid API token is required (Authorization: Bearer)")
    check = tokens.verify(token, scope=scope)
    if check.token is None:
        if check.problem == "scope":
            raise ApiProblem("forbidden", "此操作需要读写（write）权限的令牌", "this needs a token of write scope",
                             headers={"WWW-Authenticate": 'Bearer realm="portal", error="insufficient_scope", '
                                                          'scope="write"'})
        zh, en = _REFUSALS.get(check.problem or "unknown", _REFUSALS["unknown"])
        raise ApiProblem("unauthorized", zh, en)
    request.environ[_CACHE] = (check.token.user, check.token.scope)
    return check.token.user


def rate_limit_key() -> str:
    """Return what the rate limit counts by: the token (by a hash of it), else the client's address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "api-token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return "api-addr:" + (request.remote_addr or "?")
