"""Password hashing (Argon2id) and the password rules (NIST SP 800-63B style)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256

# Argon2id with OWASP's minimum profile or stronger: 19 MiB memory, 2 iterations.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class PasswordRejected(ValueError):
    pass


def check_rules(password: str, *, username: str | None = None) -> None:
    """Raise PasswordRejected with a message a person can act on."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Use at most {MAX_LENGTH} characters.")
    from zoelife.security.common_passwords import is_common

    if is_common(password):
        raise PasswordRejected("That password is too common; choose another.")
    if username and password.casefold() == username.casefold():
        raise PasswordRejected("The password must not be the user name.")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check so a missing account is not revealed by timing.
        try:
            HASHER.verify(_DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


_DUMMY_HASH = HASHER.hash("zoelife-dummy-password-for-timing")
