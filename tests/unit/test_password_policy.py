"""The password policy (portal/auth/passwords.py): NIST SP 800-63B length and the breached-password list."""

from __future__ import annotations

import hashlib

from portal.auth.passwords import BREACHED_LIST, breached_passwords, password_problem, password_stem


def test_the_shipped_list_is_the_documented_one() -> None:
    listed = breached_passwords()
    assert len(listed) == 97_851  # data/breached-passwords-ncsc-100k.md
    assert sum(len(p) >= 10 for p in listed) == 9_286
    assert hashlib.sha256(BREACHED_LIST.read_bytes()).hexdigest() == (
        "102a6903bd5ffb266a93c726a250c18ac14f60c402844c3d3e0f668387eecafc")
    assert {"password", "qwertyuiop", "1q2w3e4r5t", "iloveyou1"} <= listed


def test_length_from_ten_to_256_and_no_composition_rules() -> None:
    assert password_problem("abcdefg-h")[1].startswith("the password needs at least 10")  # 9 characters
    assert password_problem("tulip-granite") is None  # lower case only: fine, nothing to compose
    assert password_problem("草原上的一匹白马和小鹿") is None  # any script
    assert password_problem("x" * 100 + " river otter " + "y" * 143) is None  # 256 characters
    assert password_problem("z" * 257) is not None
    assert password_problem("tab\tinside-it") is not None  # control characters


def test_breached_passwords_are_refused_whole_case_insensitively_and_by_stem() -> None:
    assert password_problem("qwertyuiop") is not None  # on the list
    assert password_problem("QwertyUIOP") is not None  # case does not save it
    assert password_stem("Summer2024!!") == "summer"
    assert password_problem("Summer2024!!") is not None  # its stem "summer" is on the list
    assert password_problem("Password123456") is not None
    assert password_stem("7#Lp9x!2qW") == "lp9x!2qw"
    assert password_problem("7#Lp9x!2qW") is None


def test_the_email_is_not_a_password() -> None:
    assert password_problem("zhang.wei.gz@example.cn", email="Zhang.Wei.GZ@example.cn") is not None
    assert password_problem("zhang.wei.gz", email="zhang.wei.gz@example.cn") is not None
    assert password_problem("zhang.wei.gz2026", email="zhang.wei.gz@example.cn") is not None  # its stem
    assert password_problem("zhang.wei.gz", email="li.na@example.cn") is None
