"""Account lockout with back-off (portal/auth/lockout.py), worked by hand."""

from __future__ import annotations

import datetime as dt

from portal.auth.lockout import LockoutPolicy, SignInEvent, lock_state

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy(threshold=5, base=dt.timedelta(minutes=15), cap=dt.timedelta(hours=24))


def fail(minutes: float) -> SignInEvent:
    return SignInEvent(T0 + dt.timedelta(minutes=minutes), failure=True)


def ok(minutes: float) -> SignInEvent:
    return SignInEvent(T0 + dt.timedelta(minutes=minutes), failure=False)


def test_four_failures_do_not_lock_the_fifth_locks_for_fifteen_minutes() -> None:
    four = lock_state([fail(m) for m in range(4)], POLICY)
    assert (four.failures, four.level, four.locked_until) == (4, 0, None)
    five = lock_state([fail(m) for m in range(5)], POLICY)
    # the fifth failure at 08:04 locks until 08:19
    assert five.level == 1 and five.locked_until == T0 + dt.timedelta(minutes=19)
    assert five.locked(T0 + dt.timedelta(minutes=18, seconds=59))
    assert not five.locked(T0 + dt.timedelta(minutes=19))


def test_each_further_lock_doubles_up_to_the_cap() -> None:
    # five failures at 08:00–08:04 (lock until 08:19), five more at 08:20–08:24 → 30 min, until 08:54
    events = [fail(m) for m in range(5)] + [fail(20 + m) for m in range(5)]
    state = lock_state(events, POLICY)
    assert state.level == 2 and state.locked_until == T0 + dt.timedelta(minutes=54)
    # durations 15, 30, 60, 120, 240, 480, 960, then the 24 h cap (1,920 min would exceed it)
    assert [POLICY.duration(k) for k in range(1, 9)] == [dt.timedelta(minutes=m) for m in
                                                        (15, 30, 60, 120, 240, 480, 960, 1440)]
    assert POLICY.duration(100) == dt.timedelta(hours=24)


def test_a_success_resets_the_count_and_never_counts() -> None:
    events = [fail(0), fail(1), fail(2), fail(3), ok(4), fail(5), fail(6), ok(7), ok(8)]
    state = lock_state(events, POLICY)
    assert (state.failures, state.level, state.locked_until) == (0, 0, None)
    assert lock_state([*events, fail(9)], POLICY).failures == 1


def test_failures_while_locked_never_extend_the_lock() -> None:
    events = [fail(m) for m in range(5)] + [fail(10), fail(11), fail(12), fail(13), fail(14), fail(15)]
    state = lock_state(events, POLICY)
    assert state.level == 1 and state.locked_until == T0 + dt.timedelta(minutes=19) and state.failures == 0
