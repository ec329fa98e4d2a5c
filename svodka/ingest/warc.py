"""WARC archives (warcio), plain or gzipped: one document per HTML response."""

from __future__ import annotations

import io
from collections.abc import Iterator

from svodka.errors import InputError
from svodka.ingest.decode import decode
from svodka.ingest.document import RawDocument

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(name: str, data: bytes) -> bool:
    lower = name.lower()
    return lower.endswith((".warc", ".warc.gz")) or data[:5] == b"WARC/"


def read(data: bytes, name: str) -> Iterator[RawDocument | InputError]:
    """The HTML pages of successful HTTP responses in an archive, in archive order."""
    from warcio.archiveiterator import ArchiveIterator

    found = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode() or ""
            ctype = (record.http_headers.get_header("Content-Type") or "").lower()
            if not status.startswith("2") or not ctype.startswith(_HTML_TYPES):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            payload = record.content_stream().read()
            found += 1
            # warcio reads a record cut short by the end of the archive as if it were whole
            # (the rest of a page, or the next record, silently gone): its Content-Length says.
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:
                yield InputError(
                    f"{name} <{url}>: truncated WARC record ({missing} bytes missing at the end)"
                )
                continue
            try:
                html = _decode(payload, ctype, f"{name} <{url}>")
            except InputError as exc:
                yield exc
                continue
            yield RawDocument(html=html, url=url, path=name)
    except Exception as exc:  # warcio fails on damaged archives in many ways, not only its own
        detail = " ".join(str(exc).split()) or type(exc).__name__
        yield InputError(f"{name}: malformed WARC after {found} page(s) ({detail})")
        return
    if not found:
        yield InputError(f"{name}: WARC holds no HTML responses")


def _decode(payload: bytes, ctype: str, where: str) -> str:
    """The page's declared charset when it decodes cleanly, else detection."""
    _, _, charset = ctype.partition("charset=")
    charset = charset.split(";")[0].strip().strip("\"'")
    if charset:
        try:
            text = payload.decode(charset)
            if text.strip():
                return text.replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(payload, where)
