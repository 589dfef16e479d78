"""Every main page usable on a 390 px phone and a 1280 px laptop (issue 20 item 12).

At each width, for each page of each role: the page never scrolls sideways; a table wider than its container
scrolls inside a scrolling container (``.table-responsive``) or reflows; and axe-core still finds no serious or
critical violation. Screenshots of the filing page and a filing form at both widths go to tests/e2e/screenshots/
(CI artefacts), beside those of the review diff and the queue (test_daily_use_review_e2e.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import (
    OVERFLOWING_TABLES,
    WIDTHS,
    axe_violations,
    login,
    page_overflow,
    screenshot,
    serve_portal,
    submit_second_version,
)

pytestmark = pytest.mark.e2e

STATE: dict[str, int] = {}

# (who, path, screenshot name or None); {draft} is 江西赣峰水泥's GHG draft, {audit} its audit, {diff} a
# filing with two versions.
PAGES = [
    (None, "/login", None),
    (None, "/rules", None),
    ("filer@demo.cn", "/my", None),
    ("filer@demo.cn", "/filings/{draft}", "filing"),
    ("filer@demo.cn", "/filings/{draft}/edit/fuels", "filing-form-fuels"),
    ("filer@demo.cn", "/filings/{draft}/edit/products", None),
    ("filer@demo.cn", "/filings/{draft}/edit/generating-units", None),
    ("filer@demo.cn", "/filings/{audit}/edit/options", "filing-form-audit-options"),
    ("filer@demo.cn", "/filings/{draft}/json", None),
    ("filer@demo.cn", "/uploads/", None),
    ("filer@demo.cn", "/jobs/", None),
    ("filer@demo.cn", "/account/", None),
    ("signatory@demo.cn", "/filings/{draft}/submit", "submit"),
    ("reviewer-jx@demo.cn", "/review/", None),
    ("reviewer-jx@demo.cn", "/review/filings/{diff}", None),
    ("reviewer-jx@demo.cn", "/filings/{diff}/versions/2", None),
    ("reviewer-jx@demo.cn", "/dashboard/", None),
    ("reviewer-jx@demo.cn", "/notifications/", None),
    ("reviewer-jx@demo.cn", "/verify", None),
    ("security@demo.cn", "/admin/users", None),
    ("admin@demo.cn", "/admin/", None),
]


def _prepare(app) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Enterprise, Filing

    STATE["diff"] = submit_second_version(app)
    ganfeng = db.session.scalars(select(Enterprise).where(Enterprise.uscc == "91360700MA38P2K51K")).one()
    for filing in db.session.scalars(select(Filing).where(Filing.enterprise_id == ganfeng.id, Filing.status == "draft")):
        STATE["draft" if filing.kind == "ghg_annual_report" and filing.year == 2024 else "audit"] = filing.id


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_portal(tmp_path_factory.mktemp("layouts"), prepare=_prepare) as url:
        yield url


@pytest.fixture(scope="module")
def sessions(browser, server: str) -> Iterator[dict[tuple[str | None, int], object]]:  # type: ignore[no-untyped-def]
    """One logged-in browser context per (user, width), reused by the pages (logging in costs seconds)."""
    opened: dict[tuple[str | None, int], object] = {}

    def get(email: str | None, width: int):  # type: ignore[no-untyped-def]
        key = (email, width)
        if key not in opened:
            # Our CSP forbids inline scripts, which is how axe is injected: bypass it for the audit only.
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, bypass_csp=True)
            page = context.new_page()
            if email:
                login(page, server, email)
            opened[key] = page
        return opened[key]

    yield get  # type: ignore[misc]
    for page in opened.values():
        page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("email", "path", "shot"), PAGES)
def test_the_page_fits_the_width_and_passes_axe(sessions, server: str, email: str | None, path: str,  # type: ignore[no-untyped-def]
                                                shot: str | None, width: int) -> None:
    page = sessions(email, width)
    response = page.goto(server + path.format(**STATE))
    assert response is not None and response.status == 200, path
    assert page_overflow(page) == 0, f"{path} at {width} px scrolls sideways by {page_overflow(page)} px"
    assert page.evaluate(OVERFLOWING_TABLES) == [], path
    bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{path} at {width} px: {bad}"
    if shot:
        screenshot(page, f"{shot}-{width}")
