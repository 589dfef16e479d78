"""Hash and verify passwords with argon2id (argon2-cffi defaults: RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cache

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


@cache
def dummy_hash() -> str:
    """Return a fixed hash to verify against when the e-mail is unknown, so a login takes as long either way.

    Made on first use, not at import: a full-strength argon2 hash takes 64 MiB and tens of milliseconds, which
    every process importing this module (the command line, each worker) paid for nothing.
    """
    return _hasher.hash("not-a-real-password-ever")
