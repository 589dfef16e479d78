"""Dashboard and notification pages over HTTP: roles, scope, CSV export, unread count, reminders."""

from __future__ import annotations

import csv
import io
import json
import re

from portal.services import filings as filing_service
from tests.conftest import login
from tests.helpers import PASSWORD


def _submit(world) -> None:  # type: ignore[no-untyped-def]
    filing_service.submit(world.users["signatory_a"], world.filing_a, password=PASSWORD, certified=True)


def test_dashboard_for_each_role_and_404_without_one(client, world) -> None:  # type: ignore[no-untyped-def]
    _submit(world)
    for role in ("admin", "reviewer_jx", "filer_a"):
        login(client, f"{role}@test.cn")
        page = client.get("/dashboard/").get_data(as_text=True)
        charts = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', page, re.S).group(1))
        emissions = next(c for c in charts if c["id"] == "emissions")
        assert [r[2:] for r in emissions["rows"]] == [[1, 0, 1067866, 1067866]], role  # submitted, not accepted
        assert 'data-chart="emissions"' in page and "<details" in page and "<table" in page
        client.post("/logout")
    for role in ("reviewer_js", "filer_b"):  # the Jiangxi submission is not theirs to count
        login(client, f"{role}@test.cn")
        page = client.get("/dashboard/").get_data(as_text=True)
        assert "1,067,866" not in page and "1067866" not in page
        client.post("/logout")
    login(client, "nobody@test.cn")
    assert client.get("/dashboard/").status_code == 404


def test_csv_export_and_accepted_only_filter(client, world) -> None:  # type: ignore[no-untyped-def]
    _submit(world)
    login(client, "reviewer_ganzhou@test.cn")
    response = client.get("/dashboard/export/emissions.csv?year=2024")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["地区", "行业", "申报数", "已通过（tCO2e）", "已提交待审（tCO2e）", "合计（tCO2e）"]
    assert rows[1][1:] == ["水泥制造（3011）", "1", "0", "1067866", "1067866"]
    accepted_only = client.get("/dashboard/export/emissions.csv?basis=accepted").get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(accepted_only)))) == 1  # header only
    assert client.get("/dashboard/export/nonsense.csv").status_code == 404


def test_unread_count_and_mark_read(client, world) -> None:  # type: ignore[no-untyped-def]
    _submit(world)
    login(client, "reviewer_jx@test.cn")
    page = client.get("/notifications/").get_data(as_text=True)
    assert re.search(r'data-testid="unread-count">1<', page)
    assert "江西赣峰水泥有限公司 2024 年度温室气体排放年度报告已提交（第 1 版），请审核。" in page
    notice_id = int(re.search(r"/notifications/(\d+)/read", page).group(1))
    response = client.post(f"/notifications/{notice_id}/read", data={"open": "1"})
    assert response.headers["Location"].endswith(f"/filings/{world.filing_a.id}")
    assert 'data-testid="unread-count"' not in client.get("/notifications/").get_data(as_text=True)
    client.post("/logout")
    login(client, "reviewer_ganzhou@test.cn")  # someone else's notice does not exist for them
    assert client.post(f"/notifications/{notice_id}/read").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302


def test_remind_overdue_is_for_reviewers_only(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "filer_a@test.cn")
    assert client.post("/notifications/remind-overdue").status_code == 404
    client.post("/logout")
    login(client, "reviewer_jx@test.cn")
    response = client.post("/notifications/remind-overdue", follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    # whatever today is, A (a key emitter) has not filed the newest past-due year's report
    assert "已向 1 家逾期企业发送催报提醒。" in text


def test_the_dashboard_opens_on_the_latest_complete_year(client, world) -> None:  # type: ignore[no-untyped-def]
    """Issue 20 item 10: not the sum of all years; the year still being filed (2026) is not the default."""
    import datetime as dt

    from portal.services import filings
    from portal.web.dashboard import default_year

    _submit(world)
    filings.open_draft(world.users["filer_a"], world.a, "ghg_annual_report", 2026)  # due 2027-03-31
    filings.open_draft(world.users["filer_a"], world.a, "ghg_annual_report", 2023)
    login(client, "filer_a@test.cn")
    page = client.get("/dashboard/").get_data(as_text=True)
    assert re.search(r'<option value="2024" selected>2024</option>', page)
    assert re.search(r'<option value="all" >全部年度（合计）</option>', page)
    assert "/dashboard/export/emissions.csv?year=2024" in page
    everything = client.get("/dashboard/?year=all").get_data(as_text=True)
    assert re.search(r'<option value="all" selected>', everything)
    # the rule itself: the newest year whose reports were due before today, else the newest year
    assert default_year([2026, 2025, 2024], dt.date(2026, 4, 1)) == 2025
    assert default_year([2026, 2025, 2024], dt.date(2026, 3, 31)) == 2024  # 2025 reports due that day
    assert default_year([2026], dt.date(2026, 12, 7)) == 2026 and default_year([], dt.date(2026, 1, 1)) is None
