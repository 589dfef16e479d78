"""End-to-end fixtures: the portal served by waitress on a free port, driven by Debian's headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: screenshots of the main pages at a phone's and a laptop's width (issue 20), kept by CI as artefacts
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTHS = (1280, 390)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_portal(folder: Path, *, prepare: Callable[[object], None] | None = None, **settings: object) -> Iterator[str]:
    """Serve a freshly migrated portal with the demo data from ``folder``; yield its base URL.

    ``prepare(app)`` runs inside the app context after the demo is seeded (and is committed with it).
    """
    from flask_migrate import upgrade
    from waitress.server import create_server

    from portal import create_app
    from portal.demo import seed_demo
    from portal.extensions import db
    from portal.jobs import get_queue

    # The server runs in threads of its own, outside the tests' rolled-back transactions, so it gets a database
    # of its own (a SQLite file) whatever DATABASE_URL the suite runs on; its job queue file is beside it.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "e2e.sqlite3"), "SECRET_KEY": "e2e",
                      "LOGIN_RATE_LIMIT": "1000/minute", "JOB_QUEUE_FILE": str(folder / "jobs.sqlite3"), **settings})
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        if prepare is not None:
            prepare(app)
            db.session.commit()
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    get_queue(app).stop_embedded_worker()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a freshly migrated portal with the demo data; yield its base URL."""
    with serve_portal(tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Launch Debian's Chromium headless (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run scripts/install-system-packages test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, request):  # type: ignore[no-untyped-def]
    """Open a new page; save a screenshot as a test artifact at the end."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


#: The authenticator "app" of the tests: each server's users' TOTP secrets, and the last step each used.
_SECRETS: dict[tuple[str, str], str] = {}
_LAST_STEP: dict[tuple[str, str], int] = {}


def next_code(base: str, email: str) -> str:
    """Return a code the portal has not accepted yet for this user (waiting for the next 30 s step if needed)."""
    import datetime as dt
    import time

    import pyotp

    key = (base, email)
    totp = pyotp.TOTP(_SECRETS[key])
    while True:
        current = totp.timecode(dt.datetime.now(dt.UTC))
        last = _LAST_STEP.get(key)
        for step in (current, current + 1):
            if last is None or step > last:
                _LAST_STEP[key] = step
                return totp.generate_otp(step)
        time.sleep(1)


def enrol_second_factor(page, base: str, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Set up the second factor on the enrolment page as a person would; return the recovery codes shown."""
    if page.get_by_test_id("totp-secret").count() == 0:  # not started yet (a reload shows the pending one)
        page.get_by_role("button", name="生成密钥和二维码").click()
        page.wait_for_load_state("networkidle")
    _SECRETS[(base, email)] = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("身份验证器显示的 6 位验证码").fill(next_code(base, email))
    page.get_by_role("button", name="验证并启用").click()
    page.wait_for_load_state("networkidle")
    codes = page.get_by_test_id("recovery-codes").inner_text().split()
    page.get_by_role("link", name="我已保存恢复码，继续").click()
    page.wait_for_load_state("networkidle")
    return codes


def click_and_wait_for(page, button, text: str | re.Pattern[str], timeout: float = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Click a form's submit button and wait until the page it leads to shows ``text`` (a message, say).

    ``wait_for_load_state("networkidle")`` right after a click may return before the navigation has even
    begun (the old page is then read), and waiting for the new page's "load" waits for its PDF previews,
    which a busy CI machine took more than 30 s to draw: wait for what the test means to see instead.
    """
    page.wait_for_load_state("load", timeout=timeout)  # the page's previews drawn: nothing moves under the click
    button.click()
    page.get_by_text(text).first.wait_for(timeout=timeout)


def logout(page) -> None:  # type: ignore[no-untyped-def]
    """Sign out with the menu's button, as a person would."""
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")


def login(page, base: str, email: str, password: str = "portal-demo-2024") -> None:  # type: ignore[no-untyped-def]
    """Log in through the login form as a person would: with the authenticator's code when the account has a
    second factor, and setting one up first when a reviewer or administrator has none yet."""
    page.goto(base + "/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    if page.url.endswith("/login/code"):
        page.get_by_label("验证码（或恢复码）").fill(next_code(base, email))
        page.get_by_role("button", name="验证并登录").click()
        page.wait_for_load_state("networkidle")
    if page.url.endswith("/account/two-factor"):
        enrol_second_factor(page, base, email)


AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """Run axe-core on the page (its context needs bypass_csp=True) and return the violations found."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160))}));
    }""")


def submit_second_version(app) -> int:  # type: ignore[no-untyped-def]
    """Give the demo's submitted steel-works report (江西洪都特钢 2024) a second version; return its filing id.

    The reviewer returns version 1, the filer raises the first fuel line by 10 %, adds a line and declares an energy
    total, explains the warnings that raises, and the signatory submits: the review page then has a diff of several
    sections and of computed figures (issue 20 item 11).
    """
    from sqlalchemy import select

    from portal.domain.codec import document_from_json
    from portal.extensions import db
    from portal.models import Enterprise, Filing, User
    from portal.services import filings, review

    def user(email: str) -> User:
        return db.session.scalars(select(User).where(User.email == email)).one()

    enterprise = db.session.scalars(select(Enterprise).where(Enterprise.uscc == "91360100705512345U")).one()
    filing = db.session.scalars(select(Filing).where(Filing.enterprise_id == enterprise.id,
                                                     Filing.kind == "ghg_annual_report")).one()
    review.return_filing(user("reviewer-jx@demo.cn"), filing, "请核实燃料消耗量")
    data = json.loads(filing.draft_json)
    data["fuels"][0]["consumption"] = round(data["fuels"][0]["consumption"] * 1.1, 2)
    data["fuels"].append(dict(data["fuels"][0]))
    data["energy_total_tce"] = 700000
    filings.save_draft(user("filer@demo.cn"), filing, document_from_json(json.dumps(data)), None)
    explain_warnings(filing, "filer@demo.cn")
    filings.submit(user("signatory-more@demo.cn"), filing, password="portal-demo-2024", certified=True)
    return filing.id


def explain_warnings(filing, email: str) -> None:  # type: ignore[no-untyped-def]
    """Explain every warning of the filing's draft (as a filer would), so that it can be submitted."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User
    from portal.services import checking, filings

    outcome = checking.run(filings.draft_document(filing), filing=filing, submitted=True)
    texts = {f.key: "按实际情况填报" for f in outcome.findings if f.severity == "warning" and not f.explained}
    if texts:
        filings.save_explanations(db.session.scalars(select(User).where(User.email == email)).one(), filing, texts, None)


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under tests/e2e/screenshots/ (a CI artefact, not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


#: JavaScript: the tables wider than their container that no scrolling container holds (they overflow the page)
OVERFLOWING_TABLES = """() => {
  const bad = [];
  for (const t of document.querySelectorAll('table')) {
    if (!t.offsetParent) continue;
    if (t.scrollWidth <= t.parentElement.clientWidth + 1) continue;
    let el = t.parentElement, scrolls = false;
    while (el && el !== document.body) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) { scrolls = true; break; }
      el = el.parentElement;
    }
    if (!scrolls) bad.push((t.dataset.testid || t.className || 'table') + ' ' + t.scrollWidth + ' > ' + t.parentElement.clientWidth);
  }
  return bad;
}"""


def page_overflow(page) -> int:  # type: ignore[no-untyped-def]
    """Return by how many pixels the page is wider than the window (0: nothing scrolls sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))
