"""The only URL fetcher WeasyPrint is given: the project's own assets, nothing else.

WeasyPrint resolves every ``src``, ``href``, ``@import`` and ``url()`` through its URL fetcher; its default
one reads any local file and any http(s)/ftp URL. A filing is rendered on the server from data typed by
enterprises, so the fetcher here serves exactly two things:

* ``data:`` URIs (inline images and fonts written into our own templates), and
* regular files under the ``report_templates`` package (stylesheets, vendored fonts), after resolving
  symbolic links and ``..`` — so ``file:///etc/passwd`` or ``report.css/../../../secret`` are refused.

Everything else — http, https, ftp, file outside the package, any other scheme — is refused with
:class:`AssetRefused`. Rendering then stops (``fail_on_errors``, and ``html_to_pdf`` checks the refusals
afterwards, since WeasyPrint swallows every error inside SVG images): a copy of record must never be
printed with a silently missing or substituted resource. Requested and refused URLs are recorded, so tests can
show that a hostile value never reached the fetcher at all.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .html import TEMPLATES_ROOT


class AssetRefused(ValueError):
    """Raise when a template or stylesheet asks for anything but the project's own assets."""


class AssetURLFetcher(URLFetcher):
    """Serve ``data:`` URIs and files under the allowed roots (default: ``report_templates``); refuse the rest."""

    def __init__(self, roots: Iterable[Path] = (TEMPLATES_ROOT,)) -> None:
        # No network handler is ever reached: fetch() below never calls the urllib opener.
        super().__init__(
            timeout=1, allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True
        )
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Return the asset at ``url``; raise :class:`AssetRefused` for anything else."""
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme == "file":
            path = self._allowed_path(url)
            if path is not None:
                mime, _ = mimetypes.guess_type(path.name)
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url)
        raise AssetRefused(
            f"refused to fetch {url[:200]!r}: only data: URIs and files under report_templates/"
        )

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None  # file://host/share: a network path on some systems
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_file():
            return None
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path

    def _data(self, url: str) -> URLFetcherResponse:
        header, sep, payload = url[5:].partition(",")
        if not sep:
            self.refused.append(url)
            raise AssetRefused("malformed data: URI")
        params = header.split(";")
        is_base64 = params[-1].lower() == "base64"
        if is_base64:
            params = params[:-1]
        mime = params[0] or "text/plain"
        try:
            body = (
                base64.b64decode(unquote_to_bytes(payload), validate=False)
                if is_base64
                else unquote_to_bytes(payload)
            )
        except ValueError as exc:
            self.refused.append(url)
            raise AssetRefused(f"malformed data: URI ({exc})") from None
        content_type = ";".join([mime, *params[1:]])
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
