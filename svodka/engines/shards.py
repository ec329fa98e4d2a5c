"""Parquet shards of analysed articles: what parallel engines write and the store loads.

One row per input document: `input`, `id`, and either `record` (the full `svodka/article@1`
JSON) with its `minhash`, or `error`. A shard is written under a temporary name and renamed,
so a shard that exists is whole; the store deletes it once its rows are committed, so shards
left by a crash are loaded by the next run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from svodka.engines.worker import Outcome
from svodka.records import Article
from svodka.store.rows import Prepared

SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("id", pa.string()),
        ("record", pa.string()),
        ("minhash", pa.list_(pa.uint32())),
        ("error", pa.string()),
    ]
)


def to_table(outcomes: Iterable[Outcome]) -> pa.Table:
    rows = []
    for o in outcomes:
        p = o.prepared
        rows.append(
            {
                "input": o.input,
                "id": p.article.id if p else None,
                "record": p.article.to_json() if p else None,
                "minhash": list(p.minhash) if p else None,
                "error": o.error,
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def from_table(table: pa.Table) -> list[Outcome]:
    out = []
    for row in table.to_pylist():
        if row["record"] is not None:
            article = Article.from_dict(json.loads(row["record"]))
            out.append(Outcome(row["input"], Prepared(article, tuple(row["minhash"] or ()))))
        else:
            out.append(Outcome(row["input"], None, row["error"] or "unknown error"))
    return out


def write_shard(table: pa.Table, path: Path) -> Path:
    """Write a shard atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
    return path


def read_shard(path: Path) -> tuple[list[Prepared], list[tuple[str, str]]]:
    """A shard's prepared articles and its (input, reason) errors."""
    outcomes = from_table(pq.read_table(path))
    prepared = [o.prepared for o in outcomes if o.prepared is not None]
    errors = [(o.input, o.error or "unknown error") for o in outcomes if o.prepared is None]
    return prepared, errors
