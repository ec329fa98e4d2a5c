"""Parquet shards of analysed articles: what parallel engines write and the store loads.

One row per input document: `input`, `id`, and either its rows of every store table or
`error`. A shard is written under a temporary name and renamed,
so a shard that exists is whole; the store deletes it once its rows are committed, so shards
left by a crash are loaded by the next run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from svodka.engines.worker import Outcome
from svodka.store.rows import SCHEMAS, Prepared

# One binary column per store table: that article's rows as an Arrow IPC stream, built by
# the worker, so loading a shard is concatenating and inserting, never re-analysing a record.
SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("id", pa.string()),
        *((f"rows_{name}", pa.binary()) for name in SCHEMAS),
        ("error", pa.string()),
    ]
)


def to_table(outcomes: Iterable[Outcome]) -> pa.Table:
    rows = []
    for o in outcomes:
        p = o.prepared
        row: dict[str, object] = {"input": o.input, "id": p.id if p else None, "error": o.error}
        for name in SCHEMAS:
            row[f"rows_{name}"] = p.tables[name] if p else None
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def from_table(table: pa.Table) -> list[Outcome]:
    out = []
    for row in table.to_pylist():
        if row["id"] is not None and row["error"] is None:
            tables = {name: row[f"rows_{name}"] for name in SCHEMAS}
            out.append(Outcome(row["input"], Prepared(row["id"], tables)))
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
