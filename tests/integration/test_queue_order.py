"""The queue's default page read in two index-ordered parts equals one ORDER BY ... DESC NULLS LAST."""

from __future__ import annotations

import datetime as dt

from benchmarks.seed_scale import seed
from portal.extensions import db
from portal.models import Filing
from portal.services import review

TODAY = dt.date(2025, 6, 1)
SCOPE = "3"  # both provinces (36 Jiangxi, 32 Jiangsu), as one region prefix


def test_newest_first_pages_equal_the_single_sorted_query(db_session) -> None:  # type: ignore[no-untyped-def]
    result = seed(260, rng_seed=3)  # drafts (never submitted) are about a fifth: the boundary falls inside a page
    assert result.by_status["draft"] > 0
    boundaries = 0
    for filters in (review.QueueFilters(), review.QueueFilters(kind="ghg_annual_report"),
                    review.QueueFilters(region="32", year=2023), review.QueueFilters(region="36", status="draft")):
        expected = [r.id for r in db.session.execute(review.queue_statement(SCOPE, filters, TODAY)).all()]
        total = db.session.scalar(review.queue_count_statement(SCOPE, filters, TODAY))
        submitted = db.session.scalar(review.queue_count_statement(SCOPE, filters, TODAY,
                                                                   Filing.last_submitted_at.is_not(None)))
        assert total == len(expected) and 0 <= submitted <= total
        got: list[int] = []
        for page in range(1, (total + review.PAGE_SIZE - 1) // review.PAGE_SIZE + 2):  # one page past the end
            rows = review.queue(SCOPE, review.QueueFilters(**{**filters.__dict__, "page": page}), TODAY).rows
            assert len(rows) <= review.PAGE_SIZE
            got += [r.filing_id for r in rows]
        assert got == expected
        # the boundary page holds submitted filings first, then drafts
        boundary = review.queue(SCOPE, review.QueueFilters(**{**filters.__dict__,
                                                           "page": submitted // review.PAGE_SIZE + 1}), TODAY).rows
        times = [r.submitted_at for r in boundary]
        boundaries += None in times and any(times)
        assert times[-1] is None or submitted % review.PAGE_SIZE == 0
        assert times == sorted([t for t in times if t], reverse=True) + [t for t in times if t is None]
    assert boundaries >= 2  # at least two of the cases had a page holding both submitted filings and drafts
