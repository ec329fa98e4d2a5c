"""The store on real DuckDB files: migrations, idempotent writes, reads, DuckDB's locking
between processes, Parquet shards and the exports."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from svodka.engines import shards
from svodka.engines.worker import Outcome
from svodka.records import Article, Entity, Event, Mention, Quote, Range, Span
from svodka.store import SCHEMA_VERSION, Store, StoreBusy, StoreError
from svodka.store import schema as store_schema
from svodka.store.export import (
    GDELT_COLUMNS,
    actor_code,
    export_gdelt,
    export_jsonl,
    export_parquet,
)
from svodka.store.rows import SCHEMAS, prepare
from svodka.store.store import DERIVED_SCHEMAS

TEXT = (
    "Путин встретился с Ким Чен Ыном в Пекине. «Мы никогда не забудем вашу помощь», — сказал Путин."
)


def article(article_id: str = "a1", text: str = TEXT, **fields: object) -> Article:
    """A small record by hand, every span checked against its text."""

    def span(word: str, nth: int = 0) -> tuple[int, int]:
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return start, start + len(word)

    s1, s2 = span("Путин"), span("Путин", 1)
    k, p = span("Ким Чен Ыном"), span("Пекине")
    q = span("Мы никогда не забудем вашу помощь")
    t = span("встретился")
    record = Article(
        id=article_id,
        text=text,
        outlet="Sputnik",
        headline="Путин встретился с Ким Чен Ыном",
        published="2025-09-03T17:47:00+03:00",
        entities=(
            Entity("e1", "PER", "Владимир Путин", "Q7747", "RUS", ("президент России",),
                   (Mention(*s1, "Путин"), Mention(*s2, "Путин"))),
            Entity("e2", "PER", "Ким Чен Ын", None, "PRK", ("лидер КНДР",), (Mention(*k, "Ким Чен Ыном"),)),
            Entity("e3", "LOC", "Пекин", "Q956", "CHN", (), (Mention(*p, "Пекине"),)),
        ),
        quotes=(Quote("e1", "direct", text[q[0] : q[1]], *q, "сказать"),),
        events=(
            Event("CONSULT", "043", None, ("e1",), ("e2",), "e3", "2025-09-03", "PT2H30M",
                  False, False, Span(*t, "встретился"), Range(0, text.index(".") + 1)),
        ),
    )  # fmt: skip
    for start, end, claimed in record.spans():
        assert text[start:end] == claimed
    return dataclasses.replace(record, **fields)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "svodka.duckdb") as s:
        yield s


# --- schema --------------------------------------------------------------------------------


def test_new_store_has_every_table_at_the_latest_version(store: Store) -> None:
    assert store.version == SCHEMA_VERSION
    tables = {
        r[0]
        for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert set(store_schema.TABLES) <= tables
    for name in ("articles", "entities", "mentions", "quotes", "events", "timexes", "errors"):
        assert name in tables  # the ones SPEC.md names


@pytest.mark.parametrize("name", [*SCHEMAS, *DERIVED_SCHEMAS])
def test_arrow_schemas_match_the_tables(store: Store, name: str) -> None:
    columns = [r[0] for r in store.con.execute(f"DESCRIBE {name}").fetchall()]
    arrow = (SCHEMAS | DERIVED_SCHEMAS)[name].names
    assert [c for c in columns if c in arrow] == list(arrow)  # same names, same order
    assert set(columns) - set(arrow) <= {"ingested_at"}  # the rest have defaults


def test_an_old_store_is_migrated_by_a_writer_only(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    for statement in store_schema.MIGRATIONS[1]:
        con.execute(statement)
    con.execute("INSERT INTO schema_version (version) VALUES (1)")
    con.close()
    with pytest.raises(StoreError, match="needs migrating"):
        Store(path, read_only=True)
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        versions = [
            r[0] for r in s.con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
        assert versions == sorted(store_schema.MIGRATIONS)
    with Store(path) as s:  # nothing applied twice
        assert s.con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_svodka_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1])
    con.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


# --- writing and reading -------------------------------------------------------------------


def test_add_is_idempotent_by_id(store: Store) -> None:
    assert store.add(article("a1")) is True
    assert store.add(article("a1")) is False
    assert store.add_many([article("a2"), article("a2"), article("a1")]) == ["a2"]
    assert store.has("a2") and not store.has("a3")
    assert store.count() == 2
    assert store.count("mentions") == 2 * 4  # no rows twice


def test_article_round_trip(store: Store, seed: Article) -> None:
    store.add(seed)
    assert store.article(seed.id) == seed
    assert store.article("nope") is None
    assert [a.id for a in store.iter_articles()] == [seed.id]


def test_articles_listing_and_search(store: Store) -> None:
    store.add_many(
        [
            article("a1"),
            article("a2", text=TEXT.replace("Пекине", "Пекине и Пхеньяне"), published="2025-09-04"),
        ]
    )
    rows = store.articles()
    assert [r["id"] for r in rows] == ["a2", "a1"]  # newest first
    assert rows[0] == {
        "id": "a2", "url": None, "outlet": "Sputnik", "headline": "Путин встретился с Ким Чен Ыном",
        "published": "2025-09-04", "n_quotes": 1, "n_events": 1, "n_entities": 3, "duplicate_of": None,
    }  # fmt: skip
    assert [r["id"] for r in store.articles(q="ПХЕНЬЯН")] == ["a2"]
    assert [r["id"] for r in store.articles(q="НЕ ЗАБУДЁМ")] == ["a1", "a2"][::-1]  # ё = е
    assert [r["id"] for r in store.articles(limit=1, offset=1)] == ["a1"]


@pytest.mark.parametrize("hostile", ["'; DROP TABLE articles; --", "%", "_", "\\", '"', "?"])
def test_user_values_are_parameters(store: Store, hostile: str) -> None:
    store.add(article("a1"))
    store.rebuild_clusters()
    assert store.articles(q=hostile) == []
    assert store.entities(q=hostile) == []
    assert store.quotes(speaker=hostile) == store.quotes(q=hostile) == []
    assert (
        store.events(actor=hostile)
        == store.events(place=hostile)
        == store.events(type=hostile)
        == []
    )
    assert store.dyads(hostile, "Путин") == []
    assert store.entity(hostile) is None
    assert store.count() == 1


def test_events_reject_a_malformed_date(store: Store) -> None:
    with pytest.raises(ValueError, match="not an ISO date"):
        store.events(date_from="вчера")


def test_errors_are_recorded_once(store: Store) -> None:
    store.add_error("bad.bin", "binary file, not text")
    store.add_error("bad.bin", "binary file, not text")
    store.add_error("x.jsonl:2", "malformed JSON")
    assert [(e["input"], e["reason"]) for e in store.errors()] == [
        ("bad.bin", "binary file, not text"),
        ("x.jsonl:2", "malformed JSON"),
    ]


def test_cross_article_reads(store: Store) -> None:
    store.add_many([article("a1"), article("a2", outlet="ТАСС")])
    assert store.clusters_stale()
    store.rebuild_clusters()
    assert not store.clusters_stale()
    (putin,) = store.entities(q="путин")
    assert putin == {
        "key": "Q7747", "name": "Владимир Путин", "type": "PER", "country": "RUS", "kb": "Q7747",
        "n_articles": 2, "n_quotes": 2, "n_events": 1,
    }  # fmt: skip
    detail = store.entity("Q7747")
    assert detail["roles"] == ["президент России"]
    assert [q["article_id"] for q in detail["quotes"]] == ["a1", "a2"]
    assert [e["type"] for e in detail["events"]] == ["CONSULT"]
    assert [t["kind"] for t in detail["timeline"]] == ["event", "quote"]
    (quote,) = store.quotes(speaker="Путин")
    assert quote["speaker_key"] == "Q7747" and quote["first_seen"] == "2025-09-03T17:47:00+03:00"
    assert [(o["article_id"], o["outlet"]) for o in quote["occurrences"]] == [
        ("a1", "Sputnik"),
        ("a2", "ТАСС"),
    ]
    (event,) = store.events(
        type="consult", actor="Ким Чен Ын", date_from="2025-09-03", date_to="2025-09"
    )
    assert event["location"] == "Пекин" and event["cameo"] == "043"
    assert [s["article_id"] for s in event["sources"]] == ["a1", "a2"]
    assert store.events(date_from="2025-09-04") == []
    assert store.dyads("Q7747", "Ким Чен Ын") == [
        {"month": "2025-09", "type": "CONSULT", "count": 1}
    ]
    assert store.dyads("Ким Чен Ын", "Q7747", directed=True) == []


# --- DuckDB's locks between processes ------------------------------------------------------

HOLD = textwrap.dedent(
    """
    import sys, time
    from svodka.store import Store
    s = Store(sys.argv[1], read_only=sys.argv[2] == "ro")
    s.count()
    print("held", flush=True)
    sys.stdin.readline()
    s.release()
    print("released", flush=True)
    sys.stdin.readline()
    """
)


def hold(path: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def step(proc: subprocess.Popen[str], expect: str | None = None) -> None:
    """Move the holding process on a step; without `expect`, to its end."""
    assert proc.stdin is not None and proc.stdout is not None
    if expect is None:
        proc.communicate("\n\n", timeout=30)  # closes the pipes too
        return
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == expect


def test_reader_waits_for_a_writer_that_releases(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.add(article("a1"))
    writer = hold(path, "rw")
    try:
        with pytest.raises(StoreBusy, match="locked by another process"):
            Store(path, read_only=True, timeout=0.3)
        step(writer, "released")  # what ingest does between batches
        with Store(path, read_only=True, timeout=5) as reader:
            assert reader.count() == 1
            with pytest.raises(StoreError, match="read-only"):
                reader.add(article("a2"))
    finally:
        step(writer)


def test_readers_share_and_block_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store(path).close()
    reader = hold(path, "ro")
    try:
        with Store(path, read_only=True, timeout=5) as other:  # readers share
            assert other.count() == 0
        with pytest.raises(StoreBusy):
            Store(path, timeout=0.3)
    finally:
        step(reader)
    with Store(path, timeout=5) as writer:
        writer.add(article("a1"))
        writer.release()
        assert writer.count() == 1  # reopened on use


# --- shards and exports --------------------------------------------------------------------


def test_shards_round_trip_and_load(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "shards"
    outcomes = [
        Outcome("feed.jsonl [a1]", prepare(article("a1"))),
        Outcome("feed.jsonl [a2]", prepare(article("a2"))),
        Outcome("broken.html", None, "HTML page has no article text"),
    ]
    shards.write_shard(shards.to_table(outcomes[:2]), folder / "part-0.parquet")
    shards.write_shard(shards.to_table(outcomes[1:]), folder / "part-1.parquet")
    loaded = shards.from_table(pq.read_table(folder / "part-0.parquet"))
    assert [(o.prepared.id, o.prepared.tables) for o in loaded if o.prepared] == [
        (o.prepared.id, o.prepared.tables) for o in outcomes[:2] if o.prepared
    ]
    assert store.load_shards(folder) == (2, 1, 1)
    assert store.article("a2") == article("a2")  # the record survives the trip whole
    assert list(folder.iterdir()) == []  # each shard deleted once committed
    assert store.errors()[0]["reason"] == "HTML page has no article text"


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_many([article("a1", url="https://example.org/a1"), article("a2", outlet="ТАСС")])
    store.rebuild_clusters()
    return store


def test_export_jsonl(filled: Store) -> None:
    out = io.StringIO()
    assert export_jsonl(filled, out) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [Article.from_dict(r) for r in records] == [filled.article("a1"), filled.article("a2")]
    assert records[0]["schema"] == "svodka/article@1"


def test_export_parquet_one_file_per_table(filled: Store, tmp_path: Path) -> None:
    counts = export_parquet(filled, tmp_path / "pq")
    assert set(counts) == {"schema_version", *store_schema.TABLES}
    assert pq.read_table(tmp_path / "pq" / "articles.parquet").num_rows == 2
    assert pq.read_table(tmp_path / "pq" / "event_sources.parquet").num_rows == 2
    assert counts["quote_occurrences"] == 2


def test_export_gdelt(filled: Store) -> None:
    out = io.StringIO()
    assert export_gdelt(filled, out) == 1
    (row,) = list(csv.reader(io.StringIO(out.getvalue()), delimiter="\t"))
    assert len(row) == len(GDELT_COLUMNS) == 61
    got = dict(zip(GDELT_COLUMNS, row, strict=True))
    assert got["SQLDATE"] == "20250903" and got["MonthYear"] == "202509" and got["Year"] == "2025"
    assert got["Actor1Code"] == "RUSGOV" and got["Actor1Name"] == "ВЛАДИМИР ПУТИН"
    assert got["Actor1CountryCode"] == "RUS" and got["Actor1Type1Code"] == "GOV"
    assert got["Actor2Code"] == "PRK" and got["Actor2Name"] == "КИМ ЧЕН ЫН"  # лидер: no CAMEO role
    assert (got["EventCode"], got["EventBaseCode"], got["EventRootCode"]) == ("043", "043", "04")
    assert got["QuadClass"] == "1" and got["GoldsteinScale"] == "2.8"
    assert (got["NumMentions"], got["NumSources"], got["NumArticles"]) == ("2", "2", "2")
    assert got["ActionGeo_FullName"] == "Пекин" and got["ActionGeo_Type"] == "4"
    assert got["DATEADDED"] == "20250903144700"  # UTC
    assert got["SOURCEURL"] == "https://example.org/a1"
    assert got["IsRootEvent"] == "1"


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ({"type": "GPE", "name": "Россия", "country": "RUS", "roles": []}, "RUS"),
        (
            {"type": "PER", "name": "Сергей Шойгу", "country": "RUS", "roles": ["министр обороны"]},
            "RUSMIL",
        ),
        ({"type": "ORG", "name": "Госдума", "country": "RUS", "roles": []}, "RUSLEG"),
        ({"type": "ORG", "name": "ООН", "country": None, "roles": []}, "IGOUNO"),
        ({"type": "ORG", "name": 'ОАО "Газпром"', "country": "RUS", "roles": []}, "RUSBUS"),
        ({"type": "PER", "name": "Иван Петров", "country": None, "roles": []}, ""),
    ],
)
def test_cameo_actor_codes(actor: dict, code: str) -> None:
    assert actor_code(actor)["code"] == code
