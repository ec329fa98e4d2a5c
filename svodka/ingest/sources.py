"""Inputs → RawDocuments: files, folders, stdin and JSON Lines, each failure a clear InputError."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from svodka.errors import InputError
from svodka.ingest.decode import decode
from svodka.ingest.document import RawDocument

_FIELDS = ("id", "url", "headline", "published", "outlet")
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
# The most one document (a text or HTML file, a JSONL line, a feed entry, a WARC page) may
# weigh, in MB (10^6 bytes: a file's size, or its text's UTF-8 size). The longest of the
# 3,075 real articles in the shared corpus is 55 KB; analysis runs at ~15 KB/s, so 1 MB is
# about what the 60 s per-article time limit allows. Bigger ones are refused before analysis
# (a plain file before it is even read): a clear error instead of a minute of CPU per
# document and memory that grows with it. `--max-size` changes it (0: no limit).
MAX_SIZE_MB = 1.0


def read_inputs(
    paths: list[str],
    *,
    published: str | None = None,
    url: str | None = None,
    max_size: float | None = MAX_SIZE_MB,
) -> Iterator[RawDocument | InputError]:
    """Documents in input order; a bad input (or JSONL line) yields an error, not an exception.
    A document over `max_size` MB yields an error (None or 0: no limit)."""
    limit = int(max_size * 1_000_000) if max_size else None
    for item in _read(paths, limit):
        yield _bounded(item, limit)


def _read(paths: list[str], limit: int | None) -> Iterator[RawDocument | InputError]:
    for raw in paths:
        if raw == "-":
            yield from _stdin(limit)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            if not files:
                yield InputError(f"{raw}: folder holds no files")
            for file in files:
                yield from _file(file, limit)
        else:
            yield from _file(path, limit)


def _stdin(limit: int | None) -> Iterator[RawDocument | InputError]:
    stream = sys.stdin.buffer
    data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:
        size = len(data) + sum(len(chunk) for chunk in iter(lambda: stream.read(1 << 20), b""))
        yield _too_large("<stdin>", size, limit)  # counted, not kept
        return
    yield from _guard(lambda: [_document(data, "<stdin>", None)])


def _too_large(where: str, size: int, limit: int) -> InputError:
    return InputError(
        f"{where}: too large: {size / 1e6:.1f} MB > limit {limit / 1e6:g} MB (--max-size)"
    )


def _bounded(item: RawDocument | InputError, limit: int | None) -> RawDocument | InputError:
    """The document, or an error if its text or HTML is over the limit."""
    if limit is None or isinstance(item, InputError):
        return item
    body = item.text if item.text is not None else item.html or ""
    size = len(body)  # characters: at most 4 UTF-8 bytes each, so count bytes only near it
    if size * 4 > limit:
        size = len(body.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return item
    where = item.path or item.url or "<stdin>"
    if item.path and item.url:
        where = f"{item.path} <{item.url}>"
    return _too_large(f"{where} [{item.id}]" if item.id else where, size, limit)


def _file(path: Path, limit: int | None = None) -> Iterator[RawDocument | InputError]:
    if not path.exists():
        yield InputError(f"{path}: no such file")
        return
    from svodka.ingest import containers  # RSS/Atom, WARC, .gz

    try:
        size = path.stat().st_size
        if limit is not None and size > limit and path.suffix.lower() != ".jsonl":
            # One document, too big: refused on its first bytes, never read whole. A container
            # (a feed, WARC or .gz, known by its name or first bytes) holds many, each checked.
            with path.open("rb") as f:
                head = f.read(4096)
            if not containers.handles(path, head):
                yield _too_large(str(path), size, limit)
                return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})")
        return

    if containers.handles(path, data):
        yield from containers.read(path, data)
        return
    if path.suffix.lower() == ".jsonl":
        yield from _jsonl(data, str(path))
    else:
        yield from _guard(lambda: [_document(data, str(path), path.suffix.lower())])


def _guard(make: Any) -> Iterator[RawDocument | InputError]:
    try:
        yield from make()
    except InputError as exc:
        yield exc


def _document(data: bytes, name: str, suffix: str | None) -> RawDocument:
    text = decode(data, name)
    path = None if name == "<stdin>" else name
    if suffix in _HTML_SUFFIXES:
        return RawDocument(html=text, path=path)
    return RawDocument(text=text, path=path)


def _jsonl(data: bytes, name: str) -> Iterator[RawDocument | InputError]:
    try:
        text = decode(data, name)
    except InputError as exc:
        yield exc
        return
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"{where}: malformed JSON ({exc.msg}, column {exc.colno})")
            continue
        try:
            yield document_from_json(obj, where, path=name)
        except InputError as exc:
            yield exc


def document_from_json(obj: Any, where: str, path: str | None = None) -> RawDocument:
    """A RawDocument from one JSON article object (`text` or `html`, plus metadata)."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    body = {k: obj.get(k) for k in ("text", "html")}
    for key, value in body.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: field '{key}' must be a string")
    if not any(isinstance(v, str) and v.strip() for v in body.values()):
        raise InputError(f"{where}: article has no 'text' or 'html'")
    meta = {}
    for key in _FIELDS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str | int):
            raise InputError(f"{where}: field '{key}' must be a string")
        meta[key] = str(value) if value is not None else None
    text = body["text"] if isinstance(body["text"], str) else None
    html = body["html"] if isinstance(body["html"], str) else None
    if text is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawDocument(text=text, html=html, path=path, **meta)
