"""Inputs that hold documents in another format: RSS/Atom feeds, WARC archives and gzip
(`x.jsonl.gz`, `x.html.gz`, `feed.xml.gz` …: the name without `.gz` says what is inside).
`sources.read_inputs` hands a file here when `handles` says so."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from svodka.errors import InputError
from svodka.ingest import feeds, warc
from svodka.ingest.document import RawDocument

_GZIP = b"\x1f\x8b"


def handles(path: Path, data: bytes) -> bool:
    gz = data[:2] == _GZIP or path.suffix.lower() == ".gz"  # a .gz that is not gzip: an error
    return gz or warc.is_warc(path.name, data) or feeds.is_feed(data)


def read(path: Path, data: bytes, name: str | None = None) -> Iterator[RawDocument | InputError]:
    """Documents inside a container; `name` is what errors and records call the input."""
    from svodka.ingest import sources

    name = name or str(path)
    if warc.is_warc(path.name, data):  # warcio reads gzipped records itself
        yield from warc.read(data, name)
        return
    if data[:2] == _GZIP:
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            yield InputError(f"{name}: corrupt gzip ({exc})")
            return
        inner_path = path.with_suffix("") if path.suffix.lower() == ".gz" else path
        if handles(inner_path, inner):
            yield from read(inner_path, inner, name)
        elif inner_path.suffix.lower() == ".jsonl":
            yield from sources._jsonl(inner, name)
        else:
            yield from sources._guard(
                lambda: [sources._document(inner, name, inner_path.suffix.lower())]
            )
        return
    if path.suffix.lower() == ".gz":
        yield InputError(f"{name}: not a gzip file (no gzip header)")
        return
    yield from feeds.read(data, name)
