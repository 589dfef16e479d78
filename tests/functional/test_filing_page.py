"""The filing page shows what was certified while the draft is unchanged since the last submission."""

from __future__ import annotations

import datetime as dt

from portal.services import filings as filing_service
from tests.conftest import login
from tests.helpers import PASSWORD


def test_a_filing_submitted_on_time_is_not_shown_as_late_later(client, world) -> None:  # type: ignore[no-untyped-def]
    on_time = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # before the 2025-03-31 deadline of 2024 reports
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True, now=on_time)
    login(client, "signatory_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert "计算结果（已提交版本 1）" in page
    assert "GHG-014" not in page  # recomputing today would call it 600 days late


def test_a_draft_shows_its_own_results(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    page = client.get(f"/filings/{world.filing_a.id}").get_data(as_text=True)
    assert "计算结果（草稿）" in page and "1,067,866" in page


def test_a_draft_never_submitted_is_never_said_to_be_submitted(client, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 8: GHG-014 on a late draft says "尚未提交", on every page that shows the draft's findings."""
    import re

    login(client, "signatory_a@test.cn")
    for url in (f"/filings/{world.filing_a.id}", f"/filings/{world.filing_a.id}/submit"):
        page = client.get(url).get_data(as_text=True)
        assert "GHG-014" in page, url  # the 2024 report was due on 2025-03-31
        assert "2024 年度报告的截止日期为 2025-03-31，尚未提交" in page, url
        assert not re.search(r"于 \d{4}-\d{2}-\d{2} 提交", page), url
