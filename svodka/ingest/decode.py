"""Bytes → text: detect binary input and legacy Cyrillic encodings, normalise line endings."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from svodka.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy encodings Russian text really arrives in; tried in this order when UTF-8 fails.
_CYRILLIC = ("cp1251", "koi8_r", "utf_16", "mac_cyrillic", "cp866", "iso8859_5")


def decode(data: bytes, name: str = "input") -> str:
    """Decode article bytes to text with `\\n` line endings, or raise `InputError`."""
    if not data.strip():
        raise InputError(f"{name}: empty input")
    text = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: empty input")
    return text


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    utf16 = _utf16_order(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = ""
        if _plausible(text):
            return text
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(_CYRILLIC)).best()
    if best is None or not _plausible(str(best)):
        raise InputError(f"{name}: cannot decode (not UTF-8 nor a known Cyrillic encoding)")
    return str(best)


def _utf16_order(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16, judged by its high bytes, else None."""
    sample = data[: 4000 - 4000 % 2]
    if len(sample) < 4:
        return None
    half = len(sample) / 2
    # The high byte of ASCII in UTF-16 is 0x00 and of Cyrillic 0x04: one of the two
    # byte columns is almost all of them.
    for column, order in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        if column.count(0) + column.count(4) > half * 0.8:
            return order
    return None


def _plausible(text: str) -> bool:
    """Mostly ASCII, Cyrillic and typographic punctuation: what a guessed encoding of a
    Russian article must decode to."""
    sample = text[:5000]
    if not sample or "\x00" in sample:
        return False
    good = sum(1 for ch in sample if _russian_char(ch))
    return good / len(sample) > 0.9


def _russian_char(ch: str) -> bool:
    code = ord(ch)
    return (
        (32 <= code < 127)
        or ch in "\n\t\r«»©°№"
        or 0x0400 <= code <= 0x04FF
        or 0x2000 <= code <= 0x206F
    )
