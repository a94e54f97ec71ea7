"""Encryption of Slack tokens at rest (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

Keys come from the environment (``TOKEN_ENCRYPTION_KEYS``, comma-separated): the first key
encrypts, every key decrypts, so a new key is put first, `podbrief tokens rotate-key`
re-encrypts every stored token with it, and then the old key is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import TableClause, column, select, table, update
from sqlalchemy.orm import Session

#: Marks a stored value as encrypted; anything without it is a plain value from before encryption.
PREFIX = "fernet:"
#: The token columns of slack_sdk's installation tables (migration 0005).
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                            "incoming_webhook_url"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


class TokenKeyError(ValueError):
    """A key is malformed, or no key can decrypt a stored token."""


def generate_key() -> str:
    """A new random key, in the form TOKEN_ENCRYPTION_KEYS expects."""
    return Fernet.generate_key().decode()


class TokenCipher:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise TokenKeyError("at least one key is needed")
        try:
            fernets = [Fernet(key.encode()) for key in keys]
            self._primary, self._fernet = fernets[0], MultiFernet(fernets)
        except (ValueError, TypeError) as error:
            raise TokenKeyError("each key must be 32 url-safe base64-encoded bytes "
                                "(make one with `podbrief tokens new-key`)") from error

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode()).decode()
        except InvalidToken as error:
            raise TokenKeyError("no key in TOKEN_ENCRYPTION_KEYS can decrypt a stored token; "
                                "was the key that encrypted it removed?") from error

    def rotate(self, value: str | None) -> str | None:
        """The same secret encrypted with the first key (plain values get encrypted; already current ones
        are returned as they are)."""
        if value is None:
            return None
        if not value.startswith(PREFIX):
            return self.encrypt(value)
        try:
            self._primary.decrypt(value[len(PREFIX):].encode())
            return value
        except InvalidToken:
            pass
        try:
            return PREFIX + self._fernet.rotate(value[len(PREFIX):].encode()).decode()
        except InvalidToken as error:
            raise TokenKeyError("no key in TOKEN_ENCRYPTION_KEYS can decrypt a stored token") from error


def reencrypt_all(session: Session, cipher: TokenCipher) -> int:
    """Re-encrypt every stored token with the cipher's first key; returns the rows rewritten."""
    rewritten = 0
    for name, secret_names in SECRET_COLUMNS.items():
        secrets = table(name, column("id"), *(column(c) for c in secret_names))
        for row in session.execute(select(secrets)).mappings().all():
            values = {c: cipher.rotate(row[c]) for c in secret_names}
            if any(values[c] != row[c] for c in secret_names):
                session.execute(update(secrets).where(secrets.c.id == row["id"]).values(**values))
                rewritten += 1
    return rewritten


def secret_tables() -> list[TableClause]:
    """The installation tables as lightweight Core tables (for tests and checks)."""
    return [table(name, column("id"), *(column(c) for c in cols)) for name, cols in SECRET_COLUMNS.items()]
