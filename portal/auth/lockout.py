"""Account lockout with back-off, computed from the account's sign-in events (pure: no DB, no Flask).

Issue 16 item 2: count failures only, per account; every :attr:`LockoutPolicy.threshold` consecutive
failures lock the account, for :attr:`~LockoutPolicy.base` the first time and twice as long each further
time (15 min, 30 min, 1 h, … capped at :attr:`~LockoutPolicy.cap`), until a success resets the count. An
attempt while locked is refused without looking at the password and does not count (it cannot extend the
lock, so an attacker cannot keep a user out for longer than the schedule says).

The events are the audit log's (services/accounts.py reads them): failures (wrong password, wrong second
factor, wrong signing password) and resets (a completed sign-in, a correct signing password, an unlock,
a new password).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LockoutPolicy:
    """Hold the lockout schedule (settings LOCKOUT_THRESHOLD, LOCKOUT_BASE_MINUTES, LOCKOUT_MAX_MINUTES)."""

    threshold: int = 5
    base: dt.timedelta = dt.timedelta(minutes=15)
    cap: dt.timedelta = dt.timedelta(hours=24)

    def duration(self, level: int) -> dt.timedelta:
        """Return how long the ``level``-th lock (1, 2, …) lasts: base × 2^(level − 1), at most the cap."""
        if level >= 40:  # 2**39 × 15 min is past any cap; avoid building huge timedeltas
            return self.cap
        factor: float = 2 ** (level - 1)  # int ** int is typed Any: a negative power is a float
        return min(self.base * factor, self.cap)


@dataclass(frozen=True)
class SignInEvent:
    """Hold one counted event: a failure, or a reset (success, unlock, new password)."""

    at: dt.datetime
    failure: bool


@dataclass(frozen=True)
class LockState:
    """Hold where an account stands: failures since the last lock or reset, lock level, lock end."""

    failures: int = 0
    level: int = 0
    locked_until: dt.datetime | None = None

    def locked(self, now: dt.datetime) -> bool:
        """Return whether the account is locked at ``now``."""
        return self.locked_until is not None and now < self.locked_until


def lock_state(events: Iterable[SignInEvent], policy: LockoutPolicy) -> LockState:
    """Return the state after ``events`` (oldest first)."""
    failures, level, until = 0, 0, None
    for event in events:
        if not event.failure:
            failures, level, until = 0, 0, None
            continue
        if until is not None and event.at < until:
            continue  # recorded while locked (not counted by the service either): never extends a lock
        failures += 1
        if failures == policy.threshold:
            level += 1
            until = event.at + policy.duration(level)
            failures = 0
    return LockState(failures=failures, level=level, locked_until=until)
