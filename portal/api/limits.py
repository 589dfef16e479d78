"""The API's limits, declared once: request body size, lines per list, page sizes (issue 19 item 5).

The line cap is the document model's (``domain/common.py`` ``MAX_LINES``, each list's ``max_items`` in
``documents.py``): the web form, the workbook import, the editor and the API refuse the same count. The body
caps are settings (``API_MAX_BODY_BYTES``, 5 MB; an uploaded workbook may be as large as a web upload,
``MAX_CONTENT_LENGTH``). Each refusal is a problem naming the limit and its value.
"""

from __future__ import annotations

from flask import current_app, request

from ..domain.common import MAX_LINES
from .problems import ApiProblem

#: page sizes of the lists (``?limit=``): the default and the largest admitted
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: endpoints whose body is an uploaded workbook (multipart), capped like a web upload
UPLOAD_ENDPOINTS = frozenset({"api.create_import"})

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_LINES", "MAX_PAGE_SIZE", "body_cap", "read_body", "refuse_large_body"]


def body_cap(endpoint: str | None) -> int:
    """Return the largest body (bytes) the endpoint reads."""
    if endpoint in UPLOAD_ENDPOINTS:
        return int(current_app.config["MAX_CONTENT_LENGTH"])
    return int(current_app.config["API_MAX_BODY_BYTES"])


def too_large(cap: int) -> ApiProblem:
    """Return the problem of a body above ``cap`` bytes."""
    mb = cap / (1024 * 1024)
    return ApiProblem("body-too-large", f"请求体超过上限 {mb:g} MB（{cap:,} 字节）",
                      f"the request body exceeds the limit of {mb:g} MB ({cap:,} bytes)",
                      limit=("body_bytes", cap))


def refuse_large_body() -> None:
    """Refuse a body above the endpoint's cap before anything reads it; bound a body of unknown length.

    A declared ``Content-Length`` above the cap is refused at once (nothing is read); a chunked body is
    read at most up to the cap (``request.max_content_length``: Werkzeug raises 413 past it), so a client
    cannot make the server hold more than the cap whatever it sends.
    """
    cap = body_cap(request.endpoint)
    if request.content_length is not None and request.content_length > cap:
        raise too_large(cap)
    # Werkzeug stops reading a body of unknown length at the limit without saying so: read one byte more,
    # so that read_body() can tell a body at the cap from one cut off at it.
    request.max_content_length = cap + 1 if request.content_length is None else cap


def read_body() -> bytes:
    """Return the request body, refusing one past the cap (a chunked body is read at most to the cap + 1 byte)."""
    data = request.get_data(cache=False)
    cap = body_cap(request.endpoint)
    if len(data) > cap:
        raise too_large(cap)
    return data


def page_size() -> int:
    """Return the ``limit`` query parameter, refusing one above :data:`MAX_PAGE_SIZE` with the limit named."""
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 1:
        raise ApiProblem("invalid-document", f"limit 应为 1 至 {MAX_PAGE_SIZE} 的整数",
                         f"limit must be an integer from 1 to {MAX_PAGE_SIZE}", limit=("page_size", MAX_PAGE_SIZE))
    if value > MAX_PAGE_SIZE:
        raise ApiProblem("page-size", f"每页最多 {MAX_PAGE_SIZE} 条（请求了 {value} 条）",
                         f"a page holds at most {MAX_PAGE_SIZE} items (asked for {value})",
                         limit=("page_size", MAX_PAGE_SIZE))
    return value
