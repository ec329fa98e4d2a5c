"""Errors a user can act on. Everything svodka raises on purpose derives from `SvodkaError`."""

from __future__ import annotations


class SvodkaError(Exception):
    """Base class: the message is meant for the user, one line, no traceback needed."""


class InputError(SvodkaError):
    """An input cannot be read: missing, empty, binary, undecodable or malformed."""


class UsageError(SvodkaError):
    """The command was called with arguments that do not fit together."""
