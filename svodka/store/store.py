"""`Store`: one DuckDB file holding every article record and the cross-article tables."""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from svodka.corpus import actors as actors_mod
from svodka.corpus.clusters import (
    EventRow,
    QuoteRow,
    cluster_events,
    cluster_quotes,
    date_span,
)
from svodka.corpus.dedup import Signed, find_duplicates
from svodka.corpus.normal import fold, words
from svodka.corpus.timelines import dyad_rows, timeline_rows
from svodka.errors import SvodkaError
from svodka.records import Article
from svodka.store import schema
from svodka.store.rows import SCHEMAS, Prepared, arrow_tables, prepare

DEFAULT_PATH = "svodka.duckdb"
_LOCK_WORDS = ("could not set lock", "conflicting lock")


class StoreError(SvodkaError):
    """The store cannot be opened or used: missing, from a newer svodka, or not a store."""


class StoreBusy(StoreError):
    """Another process holds the store's file lock (a writer, or readers while we write)."""


LOCK_TIMEOUT_VAR = "SVODKA_LOCK_TIMEOUT"
LOCK_TIMEOUT = 30.0  # seconds an open waits for another process's lock; see `Store`


def lock_timeout() -> float:
    """How long an open waits for a lock: `SVODKA_LOCK_TIMEOUT` seconds, else 30."""
    raw = os.environ.get(LOCK_TIMEOUT_VAR, "").strip()
    if not raw:
        return LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also NaN
        raise StoreError(f"{LOCK_TIMEOUT_VAR} must be a number of seconds, not {raw!r}")
    return seconds


_S, _I, _B = pa.string(), pa.int32(), pa.bool_()
_LIST = pa.list_(pa.string())
DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "actor_keys": pa.schema([("article_id", _S), ("entity_id", _S), ("key", _S)]),
    "actors": pa.schema(
        [
            ("key", _S),
            ("name", _S),
            ("type", _S),
            ("country", _S),
            ("kb", _S),
            ("roles", _LIST),
            ("n_articles", _I),
            ("n_quotes", _I),
            ("n_events", _I),
        ]
    ),
    "actor_names": pa.schema([("key", _S), ("name", _S), ("folded", _S)]),
    "duplicates": pa.schema(
        [("article_id", _S), ("original_id", _S), ("similarity", pa.float64())]
    ),
    "quote_clusters": pa.schema(
        [
            ("id", _S),
            ("text", _S),
            ("speaker_key", _S),
            ("speaker_name", _S),
            ("first_seen", _S),
            ("n_occurrences", _I),
        ]
    ),
    "quote_occurrences": pa.schema(
        [
            ("cluster_id", _S),
            ("article_id", _S),
            ("idx", _I),
            ("start", _I),
            ("end", _I),
            ("text", _S),
        ]
    ),
    "event_clusters": pa.schema(
        [
            ("id", _S),
            ("type", _S),
            ("cameo", _S),
            ("mode", _S),
            ("date", _S),
            ("date_start", pa.date32()),
            ("date_end", pa.date32()),
            ("source_keys", _LIST),
            ("target_keys", _LIST),
            ("location_key", _S),
            ("location", _S),
            ("intent", _B),
            ("negated", _B),
            ("first_seen", _S),
            ("n_sources", _I),
        ]
    ),
    "event_sources": pa.schema(
        [
            ("cluster_id", _S),
            ("article_id", _S),
            ("idx", _I),
            ("trigger", _S),
            ("trigger_start", _I),
            ("trigger_end", _I),
        ]
    ),
    "timelines": pa.schema(
        [
            ("actor_key", _S),
            ("date", _S),
            ("kind", _S),
            ("item_id", _S),
            ("type", _S),
            ("role", _S),
            ("text", _S),
        ]
    ),
    "dyads": pa.schema(
        [
            ("source_key", _S),
            ("target_key", _S),
            ("month", _S),
            ("type", _S),
            ("mutual", _B),
            ("count", _I),
        ]
    ),
}


def _name_form(text: str) -> str:
    """How names are compared: folded words, punctuation and quotation marks dropped."""
    return " ".join(words(text))


class Store:
    """The svodka store: one DuckDB file, one writer.

    Tables: the per-article ones SPEC.md names (`articles`, `entities`, `mentions`, `quotes`,
    `events`, `timexes`, `errors`) and the cross-article ones `rebuild_clusters` recomputes
    (`actor_keys`, `actors`, `actor_names`, `duplicates`, `quote_clusters`,
    `quote_occurrences`, `event_clusters`, `event_sources`, `timelines`, `dyads`); see
    `svodka.store.schema`. An article is stored with all its rows in one transaction, so a
    crash (even `kill -9`) leaves every article either wholly stored or absent, and adding an
    article whose id is stored is a no-op: ingest is idempotent and resumable.

    Concurrency (DuckDB's model, https://duckdb.org/docs/current/connect/concurrency): one
    process may open the file read-write, or any number of processes read-only — never both
    at once. The file lock is held for as long as a connection is open: while a writer holds
    it, a read-only open fails ("Could not set lock on file"), and while any reader holds it
    the writer cannot open. Within one process, threads may share a connection (`cursor()`),
    but the file cannot be opened twice with different `read_only` settings. So:

    - opening waits up to `timeout` seconds (default: `SVODKA_LOCK_TIMEOUT`, else 30) for a
      conflicting lock to go, then raises `StoreBusy`;
    - the ingest writer commits a batch every 3 s and calls `release()` every 10 s
      (`SVODKA_RELEASE_SECONDS`), which closes the file; its next call reopens it, waiting
      for readers to finish;
    - a server must not hold a read-only Store open for its lifetime (that would stall
      ingest): open one per request, or call `release()` when a request ends, and expect an
      open to wait up to ~10 s while ingest runs (hence the 30 s default `timeout`). A
      read-only Store sees the state as of its (re)opening: committed batches, never half an
      article;
    - one Store is one connection: not for queries from several threads at once (a server's
      worker threads each open their own, which DuckDB allows within a process).

    All SQL takes user values as parameters.
    """

    def __init__(
        self, path: str | Path = DEFAULT_PATH, read_only: bool = False, timeout: float | None = None
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.timeout = lock_timeout() if timeout is None else timeout
        self._con: duckdb.DuckDBPyConnection | None = None
        if read_only and not self.path.is_file():
            raise StoreError(f"{self.path}: no such store")
        self._open()

    # --- connection -------------------------------------------------------------------------

    def _open(self) -> duckdb.DuckDBPyConnection:
        delay, deadline = 0.02, time.monotonic() + self.timeout
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=self.read_only)
                break
            except duckdb.IOException as exc:
                message = str(exc).lower()
                if not any(w in message for w in _LOCK_WORDS):
                    raise StoreError(f"{self.path}: cannot open store ({exc})") from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{self.path}: store is locked by another process (DuckDB allows one "
                        f"writer or several readers at a time); waited {self.timeout:g} s: let "
                        "that process finish or stop it, then run the command again "
                        f"({LOCK_TIMEOUT_VAR}=SECONDS waits longer)"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open store ({exc})") from None
        try:
            found = schema.version(con)
            if found > schema.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema v{found} is newer than this svodka's "
                    f"v{schema.SCHEMA_VERSION}; upgrade svodka"
                )
            if self.read_only and found < schema.SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema v{found} needs migrating to "
                    f"v{schema.SCHEMA_VERSION}: open it for writing once (svodka ingest)"
                )
            if not self.read_only:
                schema.migrate(con)
        except BaseException:
            con.close()
            raise
        self._con = con
        return con

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The open connection; reopened (waiting for the lock) after `release()`."""
        return self._con if self._con is not None else self._open()

    def release(self) -> None:
        """Close the file so that other processes may open it; the next call reopens it."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        self.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def version(self) -> int:
        return schema.version(self.con)

    # --- writing ----------------------------------------------------------------------------

    def has(self, article_id: str) -> bool:
        # fetchall, not fetchone: DuckDB 2 refuses other work while a result is unfinished.
        return bool(
            self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchall()
        )

    def stored(self, ids: Iterable[str]) -> set[str]:
        """Which of these article ids are stored."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
        ).fetchall()
        return {r[0] for r in rows}

    def add(self, article: Article | Prepared) -> bool:
        """Store one article; False if its id is already stored."""
        return bool(self.add_many([article]))

    def add_many(self, items: Iterable[Article | Prepared]) -> list[str]:
        """Store many articles in one transaction; the ids that were new (first of equal ids)."""
        self._writable()
        batch: dict[str, Prepared] = {}
        for item in items:
            prepared = item if isinstance(item, Prepared) else prepare(item)
            batch.setdefault(prepared.id, prepared)
        if not batch:
            return []
        con = self.con
        con.begin()
        try:
            known = self.stored(batch)
            new = [p for i, p in batch.items() if i not in known]
            for name, table in arrow_tables(new).items():
                self._insert(name, table)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return [p.id for p in new]

    def add_error(self, input: str, reason: str) -> None:
        """Record an input that failed (once per input and reason, however often it fails)."""
        self._writable()
        self.con.execute(
            "INSERT INTO errors (input, reason) SELECT ?, ? WHERE NOT EXISTS "
            "(SELECT 1 FROM errors WHERE input = ? AND reason = ?)",
            [input, reason, input, reason],
        )

    def _insert(self, name: str, table: pa.Table) -> None:
        if not table.num_rows:
            return
        # Table and column names come from this module's schemas, never from input.
        cols = ", ".join(f'"{c}"' for c in table.column_names)
        self.con.register("_svodka_rows", table)
        try:
            self.con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _svodka_rows")
        finally:
            self.con.unregister("_svodka_rows")

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: store is open read-only")

    def load_shards(self, folder: str | Path) -> tuple[int, int, int]:
        """Load Parquet shards of analysed articles (`svodka.engines.shards`, as
        `svodka.engines.ray.write_shards` writes them) and delete each once committed;
        (landed, already stored, failed). Call `rebuild_clusters` after."""
        from svodka.engines.shards import read_shard

        landed = skipped = failed = 0
        for shard in sorted(Path(folder).glob("*.parquet")):
            prepared, errors = read_shard(shard)
            new = self.add_many(prepared)
            for where, reason in errors:
                self.add_error(where, reason)
            landed += len(new)
            skipped += len(prepared) - len(new)
            failed += len(errors)
            shard.unlink()
        return landed, skipped, failed

    # --- reading: articles ------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        rows = self.con.execute(
            "SELECT record, text FROM articles WHERE id = ?", [article_id]
        ).fetchall()
        if not rows:
            return None
        row = rows[0]
        data = json.loads(row[0])
        data["text"] = row[1]
        return Article.from_dict(data)

    def iter_articles(self, batch: int = 256) -> Iterator[Article]:
        """Every stored article, in id order."""
        last = ""
        while True:
            rows = self.con.execute(
                "SELECT id, record, text FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                return
            for article_id, record, text in rows:
                data = json.loads(record)
                data["text"] = text
                yield Article.from_dict(data)
                last = article_id

    def count(self, table: str = "articles") -> int:
        if table not in schema.TABLES:
            raise ValueError(f"no such table: {table}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    def articles(self, q: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
        """Articles, newest first; `q` matches headline or text (case-insensitive, ё = е)."""
        needle = fold(q) if q and q.strip() else None
        rows = self.con.execute(
            """SELECT a.id, a.url, a.outlet, a.headline, a.published, a.n_quotes, a.n_events,
                      a.n_entities, d.original_id
               FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
               WHERE ?::VARCHAR IS NULL
                  OR contains(
                      replace(lower(coalesce(a.headline, '') || ' ' || a.text), 'ё', 'е'), ?)
               ORDER BY a.published DESC NULLS LAST, a.id
               LIMIT ? OFFSET ?""",
            [needle, needle, limit, offset],
        ).fetchall()
        keys = (
            "id",
            "url",
            "outlet",
            "headline",
            "published",
            "n_quotes",
            "n_events",
            "n_entities",
            "duplicate_of",
        )
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def errors(self) -> list[dict]:
        rows = self.con.execute(
            "SELECT input, reason, recorded_at FROM errors ORDER BY recorded_at, input"
        ).fetchall()
        return [
            {"input": i, "reason": r, "recorded_at": at.isoformat() if at else None}
            for i, r, at in rows
        ]

    # --- reading: across articles -----------------------------------------------------------

    def actor_keys(self, who: str) -> list[str]:
        """The actor keys `who` names: a key itself, or any name form of an actor."""
        rows = self.con.execute(
            "SELECT key FROM actors WHERE key = ? "
            "UNION SELECT key FROM actor_names WHERE folded = ?",
            [who, _name_form(who)],
        ).fetchall()
        return sorted(r[0] for r in rows)

    def entities(self, q: str | None = None, limit: int = 50) -> list[dict]:
        """Cross-article actors, most written-about first; `q` matches any of their name forms
        (a substring, case-insensitive, ё = е) or a key."""
        needle = _name_form(q) if q and q.strip() else None
        if q and q.strip() and not needle:
            needle = "\x00"  # no words (only punctuation): matches no name, only a key
        rows = self.con.execute(
            """SELECT key, name, type, country, kb, n_articles, n_quotes, n_events FROM actors
               WHERE ?::VARCHAR IS NULL OR key = ?
                  OR key IN (SELECT key FROM actor_names WHERE contains(folded, ?))
               ORDER BY n_articles DESC, n_quotes + n_events DESC, key
               LIMIT ?""",
            [needle, q, needle, limit],
        ).fetchall()
        cols = ("key", "name", "type", "country", "kb", "n_articles", "n_quotes", "n_events")
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def entity(self, key: str) -> dict | None:
        """One actor with all its names, roles, quotations, events and its timeline."""
        found = self.entities_by_key([key])
        if not found:
            return None
        out = found[0]
        out["names"] = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT name FROM actor_names WHERE key = ? ORDER BY name", [key]
            ).fetchall()
        ]
        rows = self.con.execute(
            """SELECT q.article_id, a.published, a.outlet, q.idx, q.kind, q.text, q.start, q."end",
                      o.cluster_id
               FROM quotes q
               JOIN actor_keys k ON k.article_id = q.article_id AND k.entity_id = q.speaker
               JOIN articles a ON a.id = q.article_id
               LEFT JOIN quote_occurrences o ON o.article_id = q.article_id AND o.idx = q.idx
               WHERE k.key = ?
               ORDER BY a.published NULLS LAST, q.article_id, q.idx""",
            [key],
        ).fetchall()
        cols = (
            "article_id",
            "published",
            "outlet",
            "idx",
            "kind",
            "text",
            "start",
            "end",
            "cluster_id",
        )
        out["quotes"] = [dict(zip(cols, r, strict=True)) for r in rows]
        out["events"] = self._event_clusters(
            "list_has_any(list_concat(source_keys, target_keys), ?::VARCHAR[])", [[key]], 1000
        )
        rows = self.con.execute(
            """SELECT date, kind, item_id, type, role, text FROM timelines WHERE actor_key = ?
               ORDER BY date NULLS LAST, kind, item_id""",
            [key],
        ).fetchall()
        cols = ("date", "kind", "id", "type", "role", "text")
        out["timeline"] = [dict(zip(cols, r, strict=True)) for r in rows]
        return out

    def entities_by_key(self, keys: Sequence[str]) -> list[dict]:
        rows = self.con.execute(
            """SELECT key, name, type, country, kb, roles, n_articles, n_quotes, n_events
               FROM actors WHERE key IN (SELECT unnest(?::VARCHAR[])) ORDER BY key""",
            [list(keys)],
        ).fetchall()
        cols = (
            "key",
            "name",
            "type",
            "country",
            "kb",
            "roles",
            "n_articles",
            "n_quotes",
            "n_events",
        )
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def quotes(
        self, speaker: str | None = None, q: str | None = None, limit: int = 50
    ) -> list[dict]:
        """Quotations across articles, most repeated first, each with its occurrences.
        `speaker`: an actor key or name form; `q`: words in the text (ё = е)."""
        keys: list[str] | None = None
        if speaker:
            keys = self.actor_keys(speaker)
            if not keys:
                return []
        needle = fold(q) if q and q.strip() else None
        rows = self.con.execute(
            """SELECT id, text, speaker_key, speaker_name, first_seen, n_occurrences
               FROM quote_clusters
               WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], speaker_key))
                 AND (?::VARCHAR IS NULL OR contains(replace(lower(text), 'ё', 'е'), ?))
               ORDER BY n_occurrences DESC, first_seen DESC NULLS LAST, id
               LIMIT ?""",
            [keys, keys, needle, needle, limit],
        ).fetchall()
        cols = ("id", "text", "speaker_key", "speaker_name", "first_seen", "n_occurrences")
        out = [dict(zip(cols, r, strict=True)) for r in rows]
        occurrences: dict[str, list[dict]] = defaultdict(list)
        for row in self.con.execute(
            """SELECT o.cluster_id, o.article_id, a.outlet, a.published, a.url, o.idx, o.start,
                      o."end"
               FROM quote_occurrences o JOIN articles a ON a.id = o.article_id
               WHERE o.cluster_id IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY a.published NULLS LAST, o.article_id, o.idx""",
            [[c["id"] for c in out]],
        ).fetchall():
            cid, *rest = row
            occurrences[cid].append(
                dict(
                    zip(
                        ("article_id", "outlet", "published", "url", "idx", "start", "end"),
                        rest,
                        strict=True,
                    )
                )
            )
        for c in out:
            c["occurrences"] = occurrences[c["id"]]
        return out

    def events(
        self,
        type: str | None = None,
        actor: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        place: str | None = None,
        limit: int = 50,
    ) -> list[dict]:
        """Events across articles, latest first, each with its sources. `actor`: a key or name
        form (as source or target); dates: ISO or partial (`2024-07`), inclusive; `place`:
        a location key or part of its name. Raises ValueError for a malformed date."""
        where, params = ["TRUE"], []
        if type:
            where.append("type = ?")
            params.append(type.upper())
        if actor:
            keys = self.actor_keys(actor)
            if not keys:
                return []
            where.append("list_has_any(list_concat(source_keys, target_keys), ?::VARCHAR[])")
            params.append(keys)
        if date_from:
            where.append("date_end >= ?")
            params.append(_span(date_from)[0])
        if date_to:
            where.append("date_start <= ?")
            params.append(_span(date_to)[1])
        if place:
            where.append("(location_key = ? OR contains(replace(lower(location), 'ё', 'е'), ?))")
            params.extend([place, fold(place)])
        # The clauses are this method's own text; every value goes in as a parameter.
        return self._event_clusters(" AND ".join(where), params, limit)

    def _event_clusters(self, where: str, params: list[Any], limit: int) -> list[dict]:
        rows = self.con.execute(
            f"""SELECT id, type, cameo, mode, date, source_keys, target_keys, location_key,
                       location, intent, negated, first_seen, n_sources
                FROM event_clusters WHERE {where}
                ORDER BY date_start DESC NULLS LAST, n_sources DESC, id
                LIMIT ?""",
            [*params, limit],
        ).fetchall()
        cols = (
            "id", "type", "cameo", "mode", "date", "source_keys", "target_keys", "location_key",
            "location", "intent", "negated", "first_seen", "n_sources",
        )  # fmt: skip
        out = [dict(zip(cols, r, strict=True)) for r in rows]
        names = {
            r[0]: r[1]
            for r in self.con.execute(
                "SELECT key, name FROM actors WHERE key IN (SELECT unnest(?::VARCHAR[]))",
                [sorted({k for e in out for k in (*e["source_keys"], *e["target_keys"])})],
            ).fetchall()
        }
        sources: dict[str, list[dict]] = defaultdict(list)
        for row in self.con.execute(
            """SELECT s.cluster_id, s.article_id, a.outlet, a.published, a.url, s.idx, s.trigger,
                      s.trigger_start, s.trigger_end
               FROM event_sources s JOIN articles a ON a.id = s.article_id
               WHERE s.cluster_id IN (SELECT unnest(?::VARCHAR[]))
               ORDER BY a.published NULLS LAST, s.article_id, s.idx""",
            [[e["id"] for e in out]],
        ).fetchall():
            cid, *rest = row
            cols = (
                "article_id",
                "outlet",
                "published",
                "url",
                "idx",
                "trigger",
                "trigger_start",
                "trigger_end",
            )
            sources[cid].append(dict(zip(cols, rest, strict=True)))
        for e in out:
            e["source_names"] = [names.get(k, k) for k in e["source_keys"]]
            e["target_names"] = [names.get(k, k) for k in e["target_keys"]]
            e["sources"] = sources[e["id"]]
        return out

    def dyads(self, a: str, b: str, directed: bool = False) -> list[dict]:
        """Events between two actors (keys or name forms) by month and PLOVER type: a → b, and
        b → a too unless `directed` (a mutual event counts either way)."""
        ka, kb = self.actor_keys(a), self.actor_keys(b)
        if not ka or not kb:
            return []
        rows = self.con.execute(
            """SELECT month, type, sum(count)::INTEGER FROM dyads
               WHERE (list_contains(?::VARCHAR[], source_key)
                      AND list_contains(?::VARCHAR[], target_key))
                  OR ((NOT ? OR mutual)
                      AND list_contains(?::VARCHAR[], source_key)
                      AND list_contains(?::VARCHAR[], target_key))
               GROUP BY month, type ORDER BY month, type""",
            [ka, kb, directed, kb, ka],
        ).fetchall()
        return [{"month": m, "type": t, "count": n} for m, t, n in rows]

    # --- cross-article rebuild --------------------------------------------------------------

    def clusters_stale(self) -> bool:
        """Whether articles were added since the cross-article tables were last rebuilt."""
        rows = self.con.execute(
            "SELECT value FROM meta WHERE key = 'clustered_articles'"
        ).fetchall()
        return not rows or int(rows[0][0]) != self.count()

    def rebuild_clusters(self) -> dict[str, int]:
        """Recompute every cross-article table from the per-article ones, atomically; the
        row count of each."""
        self._writable()
        con = self.con
        entity_rows = [
            actors_mod.EntityRow(a, e, t, n or "", kb, c, tuple(roles or ()), k)
            for a, e, t, n, kb, c, roles, k in con.execute(
                "SELECT article_id, id, type, name, kb, country, roles, own_key FROM entities"
            ).fetchall()
        ]
        keys = actors_mod.resolve_keys(entity_rows)
        actors = actors_mod.summarise(entity_rows, keys)
        entity_name = {(r.article_id, r.entity_id): r.name for r in entity_rows}

        names: dict[str, set[str]] = defaultdict(set)
        for r in entity_rows:
            names[keys[(r.article_id, r.entity_id)]].add(r.name)
        for article_id, entity_id, text in con.execute(
            "SELECT DISTINCT article_id, entity_id, text FROM mentions "
            "WHERE kind IN ('name', 'role')"
        ).fetchall():
            key = keys.get((article_id, entity_id))
            if key:
                names[key].add(" ".join(text.split()))

        published: dict[str, str | None] = {}
        signed = []
        for article_id, pub, minhash in con.execute(
            "SELECT id, published, minhash FROM articles"
        ).fetchall():
            published[article_id] = pub
            signed.append(Signed(article_id, (pub or "~", article_id), minhash))
        duplicates = find_duplicates(signed)
        copies = {copy: original for copy, original, _ in duplicates}

        quote_rows = [
            QuoteRow(
                a, i, text or "", s, e, keys.get((a, sp)) if sp else None, published.get(a), kind
            )
            for a, i, text, s, e, sp, kind in con.execute(
                'SELECT article_id, idx, text, start, "end", speaker, kind FROM quotes'
            ).fetchall()
        ]
        quote_clusters = cluster_quotes(quote_rows)

        def key_of(article_id: str, entity_id: str) -> str:
            # An id the record does not define stays apart from every actor.
            return keys.get((article_id, entity_id), f"{article_id}#{entity_id}")

        event_rows = []
        for (
            a,
            i,
            type_,
            cameo,
            mode,
            src,
            tgt,
            loc,
            date,
            intent,
            negated,
            trig,
            ts,
            te,
        ) in con.execute(
            """SELECT article_id, idx, type, cameo, mode, source, target, location, date, intent,
                      negated, trigger_text, trigger_start, trigger_end FROM events"""
        ).fetchall():
            event_rows.append(
                EventRow(
                    article_id=a,
                    idx=i,
                    type=type_,
                    cameo=cameo,
                    mode=mode,
                    sources=tuple(dict.fromkeys(key_of(a, x) for x in src or ())),
                    targets=tuple(dict.fromkeys(key_of(a, x) for x in tgt or ())),
                    location_key=key_of(a, loc) if loc else None,
                    location=entity_name.get((a, loc)) if loc else None,
                    date=date,
                    published=published.get(a),
                    intent=bool(intent),
                    negated=bool(negated),
                    trigger=trig or "",
                    trigger_start=ts,
                    trigger_end=te,
                )
            )
        event_clusters = cluster_events(event_rows, copies)

        n_quotes: dict[str, int] = defaultdict(int)
        for qr in quote_rows:
            if qr.speaker_key:
                n_quotes[qr.speaker_key] += 1
        n_events: dict[str, int] = defaultdict(int)
        for ec in event_clusters:
            for k in {*ec.sources, *ec.targets}:
                n_events[k] += 1

        tables: dict[str, list[dict[str, Any]]] = {
            "actor_keys": [
                {"article_id": a, "entity_id": e, "key": k} for (a, e), k in sorted(keys.items())
            ],
            "actors": [
                {
                    "key": x.key,
                    "name": x.name,
                    "type": x.type,
                    "country": x.country,
                    "kb": x.kb,
                    "roles": list(x.roles),
                    "n_articles": len(x.articles),
                    "n_quotes": n_quotes.get(x.key, 0),
                    "n_events": n_events.get(x.key, 0),
                }
                for x in actors.values()
            ],
            "actor_names": [
                {"key": k, "name": n, "folded": _name_form(n)}
                for k, ns in names.items()
                for n in sorted(ns)
                if _name_form(n)
            ],
            "duplicates": [
                {"article_id": c, "original_id": o, "similarity": s} for c, o, s in duplicates
            ],
            "quote_clusters": [
                {
                    "id": qc.id,
                    "text": qc.text,
                    "speaker_key": qc.speaker_key,
                    "speaker_name": actors[qc.speaker_key].name
                    if qc.speaker_key in actors
                    else None,
                    "first_seen": qc.first_seen,
                    "n_occurrences": len(qc.occurrences),
                }
                for qc in quote_clusters
            ],
            "quote_occurrences": [
                {
                    "cluster_id": qc.id,
                    "article_id": o.article_id,
                    "idx": o.idx,
                    "start": o.start,
                    "end": o.end,
                    "text": o.text,
                }
                for qc in quote_clusters
                for o in qc.occurrences
            ],
            "event_clusters": [
                {
                    "id": ec.id,
                    "type": ec.type,
                    "cameo": ec.cameo,
                    "mode": ec.mode,
                    "date": ec.date,
                    "date_start": ec.span[0] if ec.span else None,
                    "date_end": ec.span[1] if ec.span else None,
                    "source_keys": list(ec.sources),
                    "target_keys": list(ec.targets),
                    "location_key": ec.location_key,
                    "location": ec.location,
                    "intent": ec.intent,
                    "negated": ec.negated,
                    "first_seen": ec.first_seen,
                    "n_sources": len(ec.members),
                }
                for ec in event_clusters
            ],
            "event_sources": [
                {
                    "cluster_id": ec.id,
                    "article_id": m.article_id,
                    "idx": m.idx,
                    "trigger": m.trigger,
                    "trigger_start": m.trigger_start,
                    "trigger_end": m.trigger_end,
                }
                for ec in event_clusters
                for m in ec.members
            ],
            "timelines": timeline_rows(quote_clusters, event_clusters),
            "dyads": dyad_rows(event_clusters),
        }
        con.begin()
        try:
            for name in schema.DERIVED_TABLES:
                con.execute(f"DELETE FROM {name}")
                self._insert(name, pa.Table.from_pylist(tables[name], schema=DERIVED_SCHEMAS[name]))
            con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('clustered_articles', ?)",
                [str(len(published))],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return {name: len(rows) for name, rows in tables.items()}


def _span(value: str) -> tuple[Any, Any]:
    span = date_span(value)
    if span is None or not value[:4].isdigit():
        raise ValueError(f"not an ISO date: {value!r}")
    return span


__all__ = ["DEFAULT_PATH", "SCHEMAS", "Store", "StoreBusy", "StoreError"]
