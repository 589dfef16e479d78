"""The API reference page renders in a real browser from the vendored Redoc, under the page's own CSP."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_the_api_reference_renders_with_no_outside_request(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(live_server + "/api/v1/docs")
    assert response is not None and response.status == 200
    page.locator("h2", has_text="Replace the draft").first.wait_for(timeout=30_000)  # an operation, drawn
    assert page.get_by_text("Download the signed PDF").count() >= 1
    assert all(url.startswith(live_server) or url.startswith(("blob:", "data:")) for url in requested), requested
    assert not [e for e in errors if "Content Security Policy" in e], errors
