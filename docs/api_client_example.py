"""File a report end to end through the portal's JSON API: create, put, check, submit, download the PDF.

Standard library only (urllib). Usage::

    python docs/api_client_example.py https://portal.example.gov.cn ptk_… ENTERPRISE_ID report.json \\
        --password '…' --out filing.pdf

The token must be of write scope and belong to a signatory of the enterprise (``portal token create EMAIL
--name NAME --scope write``); the signatory's password is asked for again when submitting, as on the web.
Every error is an RFC 9457 problem (``application/problem+json``): :class:`Problem` carries it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: (method, url, headers, body) → (status, headers, body): urllib by default; a test passes its own client
Transport = Callable[[str, str, Mapping[str, str], bytes | None], tuple[int, Mapping[str, str], bytes]]


def urllib_transport(method: str, url: str, headers: Mapping[str, str], body: bytes | None
                     ) -> tuple[int, Mapping[str, str], bytes]:
    """Send one request with urllib and return its status, headers and body (errors included)."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - the portal's own address
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Problem(Exception):
    """Hold an error answer of the API (RFC 9457): status, type, detail and the refused fields."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        self.status = status
        self.type = str(body.get("type", ""))
        self.detail = str(body.get("detail", ""))
        self.errors = list(body.get("errors", []))
        self.limit = body.get("limit")
        super().__init__(f"{status} {self.type}: {self.detail}")


@dataclass
class PortalClient:
    """Talk to ``/api/v1`` with a bearer token."""

    base_url: str
    token: str
    transport: Transport = urllib_transport
    language: str = "en"

    def request(self, method: str, path: str, *, body: Any = None, headers: Mapping[str, str] | None = None,
                raw: bool = False) -> tuple[int, Mapping[str, str], Any]:
        """Send a request; return (status, headers, parsed JSON or bytes); raise :class:`Problem` on an error."""
        sent = {"Authorization": f"Bearer {self.token}", "Accept-Language": self.language, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        if method == "POST":
            sent.setdefault("Idempotency-Key", str(uuid.uuid4()))  # a retried POST is answered once
        status, answer_headers, content = self.transport(method, self.base_url.rstrip("/") + "/api/v1" + path,
                                                          sent, data)
        lowered = {k.lower(): v for k, v in answer_headers.items()}
        if status >= 400:
            raise Problem(status, json.loads(content or b"{}"))
        if raw:
            return status, lowered, content
        return status, lowered, json.loads(content) if content else None

    def open_filing(self, enterprise_id: int, kind: str, year: int) -> dict[str, Any]:
        """Open (or find) the filing of (enterprise, kind, year)."""
        return self.request("POST", "/filings", body={"enterprise_id": enterprise_id, "kind": kind, "year": year})[2]

    def put_draft(self, filing_id: int, document: Mapping[str, Any]) -> str:
        """Replace the draft, locking on its current ETag; return the new ETag."""
        _, headers, _ = self.request("GET", f"/filings/{filing_id}/draft")
        _, headers, _ = self.request("PUT", f"/filings/{filing_id}/draft", body=document,
                                     headers={"If-Match": headers["etag"]})
        return str(headers["etag"])

    def check(self, filing_id: int) -> dict[str, Any]:
        """Return what ``portal check`` says of the stored draft (nothing is saved)."""
        return self.request("POST", f"/filings/{filing_id}/check")[2]

    def explain(self, filing_id: int, etag: str, explanations: Mapping[str, str]) -> str:
        """Store explanations of warnings (finding key → text); return the new ETag."""
        _, headers, _ = self.request("PATCH", f"/filings/{filing_id}/explanations", body=dict(explanations),
                                     headers={"If-Match": etag})
        return str(headers["etag"])

    def submit(self, filing_id: int, etag: str, password: str) -> dict[str, Any]:
        """Certify the revision ``etag`` with the signatory's password and submit it; return the version."""
        return self.request("POST", f"/filings/{filing_id}/submit", body={"password": password, "certified": True},
                            headers={"If-Match": etag})[2]

    def download(self, url_path: str, *, wait_seconds: float = 120) -> bytes:
        """Download a version's file, waiting while it is rendered (202 with Retry-After)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            status, headers, content = self.request("GET", url_path.removeprefix("/api/v1"), raw=True)
            if status == 200:
                return bytes(content)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url_path} was not rendered within {wait_seconds} s")
            time.sleep(float(headers.get("retry-after", "5")))


def file_report(client: PortalClient, enterprise_id: int, document: Mapping[str, Any], password: str,
                explanation: str = "") -> tuple[dict[str, Any], bytes]:
    """File ``document`` for the enterprise end to end; return the version and its signed PDF."""
    year = int(document.get("reporting_year") or document.get("baseline_year") or 0)
    filing = client.open_filing(enterprise_id, str(document["kind"]), year)
    etag = client.put_draft(filing["id"], document)
    result = client.check(filing["id"])
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    if errors:
        raise SystemExit("the report has errors:\n" + "\n".join(f"{f['path']}: {f['message_en']}" for f in errors))
    warnings = [f for f in result["findings"] if f["severity"] == "warning"]
    if warnings:
        if not explanation:
            raise SystemExit("the report has warnings to explain:\n"
                             + "\n".join(f"{f['key']}: {f['message_en']}" for f in warnings))
        etag = client.explain(filing["id"], etag, {f["key"]: explanation for f in warnings})
    version = client.submit(filing["id"], etag, password)
    return version, client.download(version["files"]["pdf"])


def main(argv: list[str] | None = None) -> int:
    """Run from the command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("enterprise_id", type=int)
    parser.add_argument("document")
    parser.add_argument("--password", required=True)
    parser.add_argument("--explanation", default="")
    parser.add_argument("--out", default="filing.pdf")
    args = parser.parse_args(argv)
    with open(args.document, encoding="utf-8") as handle:
        document = json.load(handle)
    client = PortalClient(args.base_url, args.token)
    try:
        version, pdf = file_report(client, args.enterprise_id, document, args.password, args.explanation)
    except Problem as problem:
        print(problem, *(f"  {e['path']}: {e['message_en']}" for e in problem.errors), sep="\n", file=sys.stderr)
        return 1
    with open(args.out, "wb") as handle:
        handle.write(pdf)
    print(f"version {version['number']} sha256 {version['sha256']} → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
