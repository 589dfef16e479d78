"""The JSON API (``/api/v1``): thin views over the same services and permission predicates as the web pages.

Authentication is a bearer token (``Authorization: Bearer <token>``) issued on ``/account/tokens`` or by
``portal token create`` (``services/tokens.py``: named, ``read`` or ``write`` scope, expiring, revoked by a
password change; only its SHA-256 is stored; every use and refusal is audited). A browser session may
*read*, never write: writes need a token of write scope, so the API is exempt from CSRF without being open
to it. Every record outside the caller's scope is a 404, as on the web pages.

Every error is an RFC 9457 problem (:mod:`.problems`); every operation is declared once with
:func:`.spec.operation`, which registers the URL rule and describes it in the OpenAPI 3.1 document served at
``/api/v1/openapi.json`` (:mod:`.openapi`), its document schemas derived from the document model
(``domain/schema.py``). The limits (body size, lines per list, page size) are in :mod:`.limits`.
"""

from __future__ import annotations

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated; a session cookie is never accepted for writes (see auth.caller)

from . import hooks, views  # noqa: E402,F401 - the views register their rules on bp
