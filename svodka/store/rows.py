"""An Article as rows of the store's per-article tables (Arrow tables, inserted in bulk).

Rows are built where the article was analysed (a pool worker, a Ray actor) so that the one
writer only concatenates and inserts: `prepare` flattens the record and its MinHash signature
(`article_rows`) into one Arrow IPC stream per table, which pickles and goes into Parquet
shards as plain bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from svodka.corpus.dedup import signature
from svodka.corpus.normal import actor_key
from svodka.ingest.plain import date_of
from svodka.records import Article

_S, _I, _B = pa.string(), pa.int32(), pa.bool_()
_LIST = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("id", _S),
            ("url", _S),
            ("path", _S),
            ("outlet", _S),
            ("language", _S),
            ("headline", _S),
            ("published", _S),
            ("published_date", pa.date32()),
            ("updated", _S),
            ("dateline_place", _S),
            ("dateline_date", _S),
            ("dateline_agency", _S),
            ("lead", _S),
            ("text", _S),
            ("record", _S),
            ("n_entities", _I),
            ("n_quotes", _I),
            ("n_events", _I),
            ("n_timexes", _I),
            ("minhash", pa.list_(pa.uint32())),
        ]
    ),
    "entities": pa.schema(
        [
            ("article_id", _S),
            ("id", _S),
            ("type", _S),
            ("name", _S),
            ("kb", _S),
            ("country", _S),
            ("roles", _LIST),
            ("n_mentions", _I),
            ("own_key", _S),
        ]
    ),
    "mentions": pa.schema(
        [
            ("article_id", _S),
            ("entity_id", _S),
            ("start", _I),
            ("end", _I),
            ("text", _S),
            ("kind", _S),
        ]
    ),
    "quotes": pa.schema(
        [
            ("article_id", _S),
            ("idx", _I),
            ("speaker", _S),
            ("kind", _S),
            ("text", _S),
            ("start", _I),
            ("end", _I),
            ("cue", _S),
        ]
    ),
    "events": pa.schema(
        [
            ("article_id", _S),
            ("idx", _I),
            ("type", _S),
            ("cameo", _S),
            ("mode", _S),
            ("source", _LIST),
            ("target", _LIST),
            ("location", _S),
            ("date", _S),
            ("duration", _S),
            ("intent", _B),
            ("negated", _B),
            ("trigger_start", _I),
            ("trigger_end", _I),
            ("trigger_text", _S),
            ("sentence_start", _I),
            ("sentence_end", _I),
        ]
    ),
    "timexes": pa.schema(
        [("article_id", _S), ("start", _I), ("end", _I), ("text", _S), ("value", _S)]
    ),
}


@dataclass(frozen=True, slots=True)
class Prepared:
    """An analysed article as the writer takes it: its id and its rows of every per-article
    table (with the MinHash signature), built where it was analysed so the writer only
    concatenates and inserts."""

    id: str
    tables: dict[str, bytes]  # store table → this article's rows as an Arrow IPC stream


def prepare(article: Article) -> Prepared:
    # IPC bytes, not Arrow tables: pickling a small pa.Table costs ~30× more.
    rows = article_rows(article, tuple(signature(article.text)))
    return Prepared(
        article.id,
        {name: to_ipc(pa.Table.from_pylist(rows[name], schema=SCHEMAS[name])) for name in SCHEMAS},
    )


def article_rows(a: Article, minhash: Sequence[int]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every per-article table for one article."""
    record = a.to_dict()
    del record["text"]
    dl = a.dateline
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    rows["articles"].append(
        {
            "id": a.id,
            "url": a.url,
            "path": a.path,
            "outlet": a.outlet,
            "language": a.language,
            "headline": a.headline,
            "published": a.published,
            "published_date": date_of(a.published),
            "updated": a.updated,
            "dateline_place": dl.place if dl else None,
            "dateline_date": dl.date if dl else None,
            "dateline_agency": dl.agency if dl else None,
            "lead": a.lead,
            "text": a.text,
            "record": json.dumps(record, ensure_ascii=False),
            "n_entities": len(a.entities),
            "n_quotes": len(a.quotes),
            "n_events": len(a.events),
            "n_timexes": len(a.timexes),
            "minhash": list(minhash),
        }
    )
    for e in a.entities:
        rows["entities"].append(
            {
                "article_id": a.id,
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "kb": e.kb,
                "country": e.country,
                "roles": list(e.roles),
                "n_mentions": len(e.mentions),
                "own_key": actor_key(e.type, e.name, e.kb),
            }
        )
        rows["mentions"].extend(
            {
                "article_id": a.id,
                "entity_id": e.id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "kind": m.kind,
            }
            for m in e.mentions
        )
    for i, q in enumerate(a.quotes):
        rows["quotes"].append(
            {
                "article_id": a.id,
                "idx": i,
                "speaker": q.speaker,
                "kind": q.kind,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "cue": q.cue,
            }
        )
    for i, ev in enumerate(a.events):
        rows["events"].append(
            {
                "article_id": a.id,
                "idx": i,
                "type": ev.type,
                "cameo": ev.cameo,
                "mode": ev.mode,
                "source": list(ev.source),
                "target": list(ev.target),
                "location": ev.location,
                "date": ev.date,
                "duration": ev.duration,
                "intent": ev.intent,
                "negated": ev.negated,
                "trigger_start": ev.trigger.start,
                "trigger_end": ev.trigger.end,
                "trigger_text": ev.trigger.text,
                "sentence_start": ev.sentence.start,
                "sentence_end": ev.sentence.end,
            }
        )
    rows["timexes"].extend(
        {"article_id": a.id, "start": t.start, "end": t.end, "text": t.text, "value": t.value}
        for t in a.timexes
    )
    return rows


def arrow_tables(items: Iterable[Prepared]) -> dict[str, pa.Table]:
    """All rows of many articles, one Arrow table per store table."""
    items = list(items)
    return {
        # One chunk per table: DuckDB scans a table of many tiny chunks slowly.
        name: pa.concat_tables([from_ipc(p.tables[name]) for p in items]).combine_chunks()
        if items
        else schema.empty_table()
        for name, schema in SCHEMAS.items()
    }


def to_ipc(table: pa.Table) -> bytes:
    """An Arrow table as IPC stream bytes (how shards carry an article's rows)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()
