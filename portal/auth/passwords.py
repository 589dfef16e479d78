"""Hash and verify passwords with argon2id (argon2-cffi defaults: RFC 9106 low-memory profile)."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Return an argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether ``password`` matches ``password_hash``; never raise for a wrong password."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def dummy_hash() -> str:
    """Return a fixed hash to verify against when the e-mail is unknown, so a login takes as long either way.

    Made on first use, not at import: a full-strength argon2 hash takes 64 MiB and tens of milliseconds, which
    every process importing this module (the command line, each worker) paid for nothing.
    """
    return _hasher.hash("not-a-real-password-ever")
# ------------------------------------------------------------------------------------ password policy
# NIST SP 800-63B §5.1.1.2: at least 8 characters (10 here, issue 16), at least 64 accepted, every printable
# character and space allowed, no composition rules, no periodic change, and a check against values known to be
# commonly used or compromised. The list ships with the portal (data/breached-passwords-ncsc-100k.md: source
# and licence); it is read once, on the first password set.

MAX_PASSWORD_LENGTH = 256  # well past NIST's 64; the bound keeps argon2's input and the form field finite
BREACHED_LIST = Path(__file__).resolve().parent / "data" / "breached-passwords-ncsc-100k.txt"
_STEM_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_MIN_STEM = 3  # shorter stems ("a", "x1") would refuse random passwords that merely start with a letter


@functools.cache
def breached_passwords() -> frozenset[str]:
    """Return the shipped list of breached passwords, lower-cased."""
    return frozenset(BREACHED_LIST.read_text("utf-8").split("\n")) - {""}


def password_stem(password: str) -> str:
    """Return the password lower-cased without its leading and trailing digits and symbols."""
    return _STEM_EDGES.sub("", password.lower())


def password_problem(password: str, *, email: str | None = None) -> tuple[str, str] | None:
    """Return why a new password is not acceptable (Chinese, English), or None when it is.

    Refused: shorter than 10 or longer than 256 characters; containing a control character; found in the
    breached-password list, as a whole or by its stem; or the account's e-mail or the part before the @.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符", f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        return (f"密码最多 {MAX_PASSWORD_LENGTH} 个字符", f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    if any(unicodedata.category(c) == "Cc" for c in password):
        return ("密码不能包含控制字符", "the password must not contain control characters")
    lowered = password.lower()
    stem = password_stem(password)
    listed = breached_passwords()
    if lowered in listed or (len(stem) >= _MIN_STEM and stem in listed):
        return ("这个密码（或其主体部分）出现在已泄露密码名单中，请换一个",
                "this password (or its core) is on the list of breached passwords; choose another")
    if email:
        address = email.strip().lower()
        local = address.split("@", 1)[0]
        if lowered in (address, local) or (len(local) >= _MIN_STEM and stem == local):
            return ("密码不能与邮箱相同", "the password must not be the e-mail address")
    return None
