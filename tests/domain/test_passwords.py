"""Password hashing with argon2id (the suite's conftest makes it cheap)."""

from __future__ import annotations

import pytest
from chalicelib.domain.passwords import dummy_hash, hash_password, verify_password

pytestmark = pytest.mark.unit


def test_hash_password_is_salted_argon2id_that_verifies_only_the_password():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")

    assert first.startswith("$argon2id$") and first != second
    assert [verify_password(first, "correct horse battery"), verify_password(first, "wrong horse battery")] == [True, False]


def test_verify_password_against_a_damaged_hash_is_false_not_an_error():
    assert [verify_password(h, "anything") for h in ("", "not-a-hash", "$argon2id$v=19$broken")] == [False, False, False]


def test_dummy_hash_is_one_real_hash_no_password_of_a_user_matches():
    assert dummy_hash() is dummy_hash()
    assert dummy_hash().startswith("$argon2id$")
    assert verify_password(dummy_hash(), "correct horse battery") is False
