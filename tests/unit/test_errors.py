"""errors: ReadError carries a reason code of REASONS (the same dict as schema.REASONS and
the ``reason`` column's codes) and a message for a person."""
import pytest

from gxbg_kit import schema
from gxbg_kit.errors import REASONS, ReadError


def test_read_error_keeps_its_reason_and_message():
    err = ReadError("encrypted", "the PDF asks for a password")
    assert (err.reason, err.message) == ("encrypted", "the PDF asks for a password")
    assert str(err) == "encrypted: the PDF asks for a password"


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError, match="unknown reason code 'encryptd'"):
        ReadError("encryptd", "typo")


def test_the_reasons_are_the_schemas():
    assert schema.REASONS == REASONS
    assert all(isinstance(v, str) and v for v in REASONS.values())
