"""The web portal's reference data (files plus administrators' corrections) keeps the working-day calendars."""

from __future__ import annotations

import datetime as dt

from portal.calc.disclosure import WorkingDays
from portal.services.reference import current_reference, reference_as_of
from tests.conftest import login


def test_the_calendars_survive_a_correction(client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "admin@test.cn")
    response = client.post("/admin/reference", data={
        "target": "param", "code": "grid_factor", "scope": "2025", "field": "value",
        "value": "0.5366", "status": "C", "reason": "测试：日历不受影响"})
    assert response.status_code == 302
    ref = current_reference()
    assert str(ref.value("grid_factor", 2025)) == "0.5366"
    calendar = ref.calendar(2025)
    assert calendar is not None and calendar.notice_number == "国办发明电〔2024〕12号"
    # received 2025-09-30: 10-09, 10-10, Saturday 10-11 (调休), 10-13, 10-14 → the 5th working day
    assert WorkingDays(ref).nth_after(dt.date(2025, 9, 30), 5) == dt.date(2025, 10, 14)
    as_of = reference_as_of(dt.datetime.now(dt.UTC))
    assert as_of.calendar(2026) is not None and as_of.calendar(2026).notice_number_status == "U"  # type: ignore[union-attr]
