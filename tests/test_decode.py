"""Bytes in every encoding Russian news arrives in decode to the same text; junk is refused."""

from __future__ import annotations

import pytest

from svodka.errors import InputError
from svodka.ingest.decode import decode

TEXT = (
    "Президент России Владимир Путин провел переговоры с лидером КНДР.\nВстреча длилась 2,5 часа."
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_cyrillic_encodings(encoding: str) -> None:
    assert decode(TEXT.encode(encoding)) == TEXT


def test_line_endings_normalised() -> None:
    assert decode(b"a\r\nb\rc") == "a\nb\nc"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (bytes(range(256)) * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\xff" * 100, "binary"),
    ],
)
def test_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode(data, "x")
