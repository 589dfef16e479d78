"""A large upload in a real browser: the embedded worker thread imports it while the page shows progress.

The server is the embedded mode as `./scripts/run-portal` starts it (SQLite, in-process worker), with a
lower upload threshold; a workbook of 380 documents (every demo enterprise, 2025–2100, each with thirty times
the example's fuel lines) takes a few
seconds, long enough to watch its bars move.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, axe_violations, login, serve_portal

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
# The five demo enterprises: an administrator may import for any of them.
USCCS = ("91360700MA38P2K51K", "91360100705512345U", "91360400MA3AB1234U", "913201001345678904", "91320500MA1XY23459")


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_portal(tmp_path_factory.mktemp("e2e-jobs"), UPLOAD_JOB_THRESHOLD=32 * 1024,
                      JOB_HEARTBEAT_SECONDS=0.5) as url:
        yield url


def _workbook(path: Path) -> int:
    from portal.domain.codec import document_from_json
    from portal.reference import default_reference
    from portal.renderers.upload_workbook import code_lists_from_reference, render_upload_workbook

    example = document_from_json((ROOT / "portal" / "demo_data" / "ghg-jx-cement-2024.json").read_text("utf-8"))
    documents = [
        # Thirty times the example's fuel lines: enough work that the bars are seen moving even on a fast machine.
        dataclasses.replace(example, reporting_year=year, fuels=example.fuels * 30,
                            enterprise=dataclasses.replace(example.enterprise, uscc=uscc))
        for uscc in USCCS for year in range(2025, 2101)  # after the demo's (some accepted) filings
    ]
    path.write_bytes(render_upload_workbook(example.kind, documents,
                                            code_lists=code_lists_from_reference(default_reference())))
    return len(documents)


def test_large_upload_shows_progress_survives_a_reload_and_ends_on_its_result(page, jobs_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    count = _workbook(tmp_path / "many.xlsx")
    assert count == 380 and (tmp_path / "many.xlsx").stat().st_size > 32 * 1024
    login(page, jobs_server, "admin@demo.cn")
    page.goto(jobs_server + "/uploads/")
    page.get_by_label("填好的上传工作簿（.xlsx）").set_input_files(str(tmp_path / "many.xlsx"))
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+$"))
    job_url = page.url
    assert page.get_by_role("progressbar").count() == 3
    assert page.get_by_role("status").count() >= 1  # the status line is announced politely

    # A marker that only this page load carries: a changed bar seen while it is there was changed in place
    # by job-progress.js, not by a reload. Watched from the first moment: the whole import takes seconds.
    page.evaluate("window.drawnByServer = true")
    script = """() => window.drawnByServer === true && [...document.querySelectorAll('[role=progressbar]')]
                     .map(b => b.getAttribute('aria-valuenow')).join(',')
                     + document.querySelector('[data-job-field=status]').textContent"""
    first = page.evaluate(script)
    moved_in_place = reloaded_while_running = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not page.locator('[data-final="true"]').count():  # ended: any outcome
        try:
            now = page.evaluate(script)
        except Exception:  # the page is reloading onto the result
            now = False
        if bool(now) and now != first and not moved_in_place:
            moved_in_place = True
            page.reload()  # the same job, drawn again from the server, mid-run
            reloaded_while_running = not page.locator('[data-final="true"]').count()
            assert page.url == job_url and page.get_by_role("progressbar").count() == 3
            if reloaded_while_running:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "job-progress-running.png"), full_page=True)
        time.sleep(0.05)
    page.get_by_role("heading", name="导入结果").wait_for(timeout=5000)
    page.screenshot(path=str(ARTIFACTS / "job-progress-done.png"))
    # The bars moved in place (job-progress.js) before the page turned into the result, and a reload in the
    # middle showed the same running job.
    assert moved_in_place and reloaded_while_running, first
    content = page.content()
    # The demo data already holds some of these drafts (updated); the rest are created.
    assert "已导入 380 份文书" in content and "已完成" in content
    created = int(re.search(r"新建的申报（(\d+)）", content).group(1))
    updated = int(re.search(r"更新的申报（(\d+)）", content).group(1))
    unchanged = int(re.search(r"未变的申报（(\d+)）", content).group(1))
    assert created + updated + unchanged == 380 and created > 300
    stored = page.get_by_role("progressbar", name="已保存文书")
    assert stored.get_attribute("aria-valuenow") == "380" and stored.get_attribute("aria-valuemax") == "380"
    page.goto(jobs_server + "/jobs/")
    assert page.get_by_role("link", name=re.compile(r"#\d+")).count() == 1


def test_axe_finds_no_serious_violations_on_a_job_page(browser, jobs_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Audit a finished job's page (progress bars, status line, result tables) with axe-core."""
    _workbook(tmp_path / "many.xlsx")  # on the same server as the test above, this is a duplicate: done either way
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        login(page, jobs_server, "admin@demo.cn")
        page.goto(jobs_server + "/uploads/")
        page.get_by_label("填好的上传工作簿（.xlsx）").set_input_files(str(tmp_path / "many.xlsx"))
        page.get_by_role("button", name="上传并导入").click()
        page.wait_for_url(re.compile(r".*/jobs/\d+$"))
        page.locator('[data-final="true"]').wait_for(timeout=120_000)
        assert "已完成" in page.content()
        bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
    finally:
        context.close()
