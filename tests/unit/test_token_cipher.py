"""Tokens at rest: encrypted with the first key, readable with any, rotatable."""

from __future__ import annotations

import pytest

from storage.token_cipher import PREFIX, TokenCipher, TokenKeyError, generate_key

TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"


def test_an_encrypted_token_hides_the_token_and_decrypts_to_it() -> None:
    cipher = TokenCipher([generate_key()])
    stored = cipher.encrypt(TOKEN)
    assert stored is not None and stored.startswith(PREFIX) and TOKEN not in stored
    assert cipher.decrypt(stored) == TOKEN


def test_the_same_token_encrypts_differently_each_time() -> None:
    cipher = TokenCipher([generate_key()])
    assert cipher.encrypt(TOKEN) != cipher.encrypt(TOKEN)


def test_none_and_values_stored_before_encryption_pass_through() -> None:
    cipher = TokenCipher([generate_key()])
    assert cipher.encrypt(None) is None and cipher.decrypt(None) is None
    assert cipher.decrypt(TOKEN) == TOKEN


def test_a_wrong_key_is_a_clear_error_not_garbage() -> None:
    stored = TokenCipher([generate_key()]).encrypt(TOKEN)
    with pytest.raises(TokenKeyError, match="TOKEN_ENCRYPTION_KEYS"):
        TokenCipher([generate_key()]).decrypt(stored)


def test_rotation_moves_tokens_to_the_new_key_so_the_old_one_can_go() -> None:
    old, new = generate_key(), generate_key()
    stored = TokenCipher([old]).encrypt(TOKEN)
    rotated = TokenCipher([new, old]).rotate(stored)
    assert TokenCipher([new]).decrypt(rotated) == TOKEN
    with pytest.raises(TokenKeyError):
        TokenCipher([old]).decrypt(rotated)


def test_rotation_encrypts_a_plain_value() -> None:
    key = generate_key()
    rotated = TokenCipher([key]).rotate(TOKEN)
    assert rotated is not None and rotated.startswith(PREFIX)
    assert TokenCipher([key]).decrypt(rotated) == TOKEN


@pytest.mark.parametrize("keys", [[], ["not-a-key"], ["A" * 44]])
def test_malformed_keys_are_refused(keys: list[str]) -> None:
    with pytest.raises(TokenKeyError):
        TokenCipher(keys)


def test_rotating_again_leaves_tokens_already_under_the_new_key_alone() -> None:
    old, new = generate_key(), generate_key()
    rotated = TokenCipher([new, old]).rotate(TokenCipher([old]).encrypt(TOKEN))
    assert TokenCipher([new, old]).rotate(rotated) == rotated
