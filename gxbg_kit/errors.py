"""Errors that carry a status reason code from ``schema.REASONS``."""
from __future__ import annotations


class ReadError(Exception):
    """A file could not be read or parsed.

    ``reason`` is a code of ``gxbg_kit.schema.REASONS`` (e.g. ``"encrypted"``),
    ``message`` a specific explanation for the user.
    """

    def __init__(self, reason: str, message: str):
        from .schema import REASONS

        if reason not in REASONS:
            raise ValueError(f"unknown reason code {reason!r}")
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
