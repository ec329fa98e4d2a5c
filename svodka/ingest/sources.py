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


def read_inputs(
    paths: list[str], *, published: str | None = None, url: str | None = None
) -> Iterator[RawDocument | InputError]:
    """Documents in input order; a bad input (or JSONL line) yields an error, not an exception."""
    for raw in paths:
        if raw == "-":
            yield from _guard(lambda: [_document(sys.stdin.buffer.read(), "<stdin>", None)])
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            if not files:
                yield InputError(f"{raw}: folder holds no files")
            for file in files:
                yield from _file(file)
        else:
            yield from _file(path)
    return


def _file(path: Path) -> Iterator[RawDocument | InputError]:
    if not path.exists():
        yield InputError(f"{path}: no such file")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(f"{path}: cannot read ({exc.strerror or exc})")
        return
    from svodka.ingest import containers  # RSS/Atom, WARC, .gz

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
