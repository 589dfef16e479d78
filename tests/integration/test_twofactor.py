"""TOTP second factor (services/twofactor.py): enrol, verify within the window, each code once, recovery codes
once, failures towards the lockout; sign-in answers "second factor" once it is on."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry
from portal.services import accounts, twofactor
from portal.services.errors import ServiceError
from tests.conftest import PASSWORD

T = dt.datetime(2026, 12, 1, 8, 0, 10, tzinfo=dt.UTC)  # 10 s into a 30-second step


def _enrolled(user):  # type: ignore[no-untyped-def]
    enrolment = twofactor.begin_enrolment(user)
    codes = twofactor.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(T), now=T)
    db.session.commit()
    return enrolment.secret, codes


def test_enrolment_needs_a_code_from_the_secret_then_returns_ten_recovery_codes(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["reviewer_jx"]
    assert twofactor.required_for(user) and twofactor.required_for(world.users["admin"])
    assert not twofactor.required_for(world.users["filer_a"])
    enrolment = twofactor.begin_enrolment(user)
    assert len(enrolment.secret) == 32 and enrolment.uri.startswith("otpauth://totp/")
    assert "reviewer_jx%40test.cn" in enrolment.uri and not user.totp_enabled
    with pytest.raises(ServiceError):
        twofactor.confirm_enrolment(user, "000000" if pyotp.TOTP(enrolment.secret).at(T) != "000000" else "111111",
                                    now=T)
    codes = twofactor.confirm_enrolment(user, pyotp.TOTP(enrolment.secret).at(T), now=T)
    assert user.totp_enabled and len(codes) == 10 and len(set(codes)) == 10
    assert all(len(c) == 14 and c[4] == c[9] == "-" for c in codes)
    assert twofactor.unused_recovery_codes(user) == 10
    assert all(c.replace("-", "") not in h for c in codes for h in twofactor.recovery_code_hashes(user))


def test_a_code_is_accepted_within_one_step_of_drift_and_only_once(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["reviewer_jx"]
    secret, _ = _enrolled(user)
    totp = pyotp.TOTP(secret)
    later = T + dt.timedelta(minutes=5)
    assert twofactor.verify_second_factor(user, totp.at(later - dt.timedelta(seconds=30)), now=later)  # one step old
    # the same code again (a replay), and a code two steps old: refused
    assert not twofactor.verify_second_factor(user, totp.at(later - dt.timedelta(seconds=30)), now=later)
    assert not twofactor.verify_second_factor(user, totp.at(later - dt.timedelta(seconds=60)),
                                              now=later + dt.timedelta(seconds=1))
    assert twofactor.verify_second_factor(user, totp.at(later), now=later)  # the current one: fine
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity_id == user.id, AuditEntry.entity_type == "user").order_by(AuditEntry.id)).all()
    assert actions[-4:] == ["auth.login", "auth.totp_failed", "auth.totp_failed", "auth.login"]


def test_a_recovery_code_works_once(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["admin"]
    _, codes = _enrolled(user)
    assert twofactor.verify_second_factor(user, codes[3].lower(), now=T)  # typed in lower case: fine
    assert twofactor.unused_recovery_codes(user) == 9
    assert not twofactor.verify_second_factor(user, codes[3], now=T)
    fresh = twofactor.regenerate_recovery_codes(user)
    assert not twofactor.verify_second_factor(user, codes[4], now=T)  # the old set is gone
    assert twofactor.verify_second_factor(user, fresh[0], now=T)


def test_five_wrong_codes_lock_the_account(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["reviewer_js"]
    secret, _ = _enrolled(user)
    now = dt.datetime.now(dt.UTC)
    wrong = "123456" if pyotp.TOTP(secret).at(now) != "123456" else "654321"
    for _ in range(5):
        assert not twofactor.verify_second_factor(user, wrong, now=now)
    assert accounts.account_lock(user).locked(now)
    assert not twofactor.verify_second_factor(user, pyotp.TOTP(secret).at(now), now=now)  # even the right one


def test_sign_in_with_totp_on_asks_for_the_second_factor(world) -> None:  # type: ignore[no-untyped-def]
    user = world.users["reviewer_jx"]
    _enrolled(user)
    result = accounts.authenticate("reviewer_jx@test.cn", PASSWORD)
    assert result.outcome == "second_factor" and result.user is user
    twofactor.disable(world.users["admin"], user)
    assert accounts.authenticate("reviewer_jx@test.cn", PASSWORD).outcome == "ok"
    assert twofactor.unused_recovery_codes(user) == 0
