"""`svodka ingest` and `svodka export` as a user runs them: feeds, WARC and gzip inputs, real
subprocesses, a real store, a run killed with SIGKILL and resumed, and the Ray engine."""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import importlib.util
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from svodka.engines.driver import expected_id
from svodka.errors import InputError
from svodka.ingest.document import RawDocument
from svodka.ingest.sources import read_inputs
from svodka.pipeline import Pipeline
from svodka.store import Store, StoreError
from tests.conftest import SHARED

DATA = Path(__file__).parent / "data" / "ingest"
CORPUS = SHARED / "corpus" / "newsru-rucoco.jsonl"
SVODKA = [sys.executable, "-m", "svodka.cli"]
IDS = [json.loads(line)["id"] for line in (DATA / "articles.jsonl").read_text("utf-8").splitlines()]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SVODKA_DEBUG"}
    return subprocess.run(
        [*SVODKA, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def docs(*paths: Path) -> list[RawDocument | InputError]:
    return list(read_inputs([str(p) for p in paths]))


# --- containers: feeds, WARC, gzip ---------------------------------------------------------


def test_rss_entries_become_documents() -> None:
    first, second, empty = docs(DATA / "feed.rss")
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.headline == "Израиль согласился на возобновление переговоров с палестинцами"
    assert first.text.startswith(first.headline + "\n\nИзраиль согласился сегодня")
    assert "\n\nОб этом стало известно" in first.text  # paragraphs kept, markup gone
    assert '"кабинета мира"' in first.text and "<p>" not in first.text
    assert first.url == "https://www.newsru.com/world/20Jan2001/agr.html"
    assert first.published == "2001-01-20T18:30:00+03:00"  # the feed's own offset
    assert first.outlet == "NEWSru.com"
    assert second.published == "2002-08-22T12:05:00+04:00"
    assert isinstance(empty, InputError)
    assert "entry 3 (https://www.newsru.com/empty.html) has no text" in str(empty)


def test_atom_full_content_wins_over_summary() -> None:
    (entry,) = docs(DATA / "feed.atom")
    assert isinstance(entry, RawDocument)
    assert entry.published == "2001-06-20T09:15:00+04:00"
    assert "Союзного Государства" in entry.text  # the content, not the one-line summary
    assert entry.text.startswith(
        "Президент Белоруссии прибывает в Москву с двухдневным визитом\n\n"
    )


def warc_bytes(pages: list[tuple[str, str, str]], gz: bool = True) -> bytes:
    """A WARC of HTTP responses (url, content type, body), written by warcio itself."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for url, ctype, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        payload = body.encode("cp1251" if "1251" in ctype else "utf-8")
        # With its length given, warcio needs no temporary file (it would leave it open).
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=http
        )
        writer.write_record(record)
    return out.getvalue()


def html_page(article: dict) -> str:
    head, body = article["text"].split("\n\n", 1)
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f"<html><head><title>{head}</title></head><body><article><h1>{head}</h1>"
        f"{paragraphs}</article></body></html>"
    )


@pytest.fixture(scope="module")
def corpus_articles() -> list[dict]:
    return [json.loads(line) for line in (DATA / "articles.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_become_documents(
    tmp_path: Path, corpus_articles: list[dict], gz: bool
) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(
        warc_bytes(
            [
                (
                    "https://www.newsru.com/a.html",
                    "text/html; charset=windows-1251",
                    html_page(corpus_articles[1]),
                ),
                ("https://www.newsru.com/logo.png", "image/png", "not a page"),
                ("https://www.newsru.com/b.html", "text/html", html_page(corpus_articles[2])),
            ],
            gz=gz,
        )
    )
    found = docs(path)
    assert [d.url for d in found] == [
        "https://www.newsru.com/a.html",
        "https://www.newsru.com/b.html",
    ]
    assert all(isinstance(d, RawDocument) and d.path == str(path) for d in found)
    assert "Лукашенко" in found[0].html  # cp1251 decoded by the declared charset


def test_broken_warc_and_gzip_are_input_errors(tmp_path: Path) -> None:
    bad_warc = tmp_path / "bad.warc"
    bad_warc.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\n\r\ngarbage")
    bad_gz = tmp_path / "bad.jsonl.gz"
    bad_gz.write_bytes(gzip.compress(b'{"id": "x", "text": "a"}\n')[:20])
    errors = docs(bad_warc, bad_gz)
    assert all(isinstance(e, InputError) for e in errors)
    assert "bad.warc" in str(errors[0])
    assert "bad.jsonl.gz: corrupt gzip" in str(errors[-1])


def test_gzip_holds_any_input(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress((DATA / "articles.jsonl").read_bytes()))
    (tmp_path / "feed.rss.gz").write_bytes(gzip.compress((DATA / "feed.rss").read_bytes()))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<html><body><p>x</p></body></html>"))
    found = docs(tmp_path)  # a folder: sorted, recursive
    ids = [d.id for d in found if isinstance(d, RawDocument)]
    assert ids[:4] == IDS
    assert (
        sum(isinstance(d, RawDocument) and d.headline is not None for d in found) == 2
    )  # the feed
    assert isinstance(found[-1], RawDocument) and found[-1].html is not None


def test_expected_id_is_the_pipelines(nlp: Pipeline) -> None:
    text = "Путин прибыл в Пекин.\r\nВизит продлится два дня."
    assert expected_id(RawDocument(text=text)) == nlp(RawDocument(text=text)).id
    assert expected_id(RawDocument(text=text, id="given")) == "given"
    assert expected_id(RawDocument(html="<html><body>x</body></html>")) is None


# --- the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, corpus_articles: list[dict]) -> Path:
    """Good and broken inputs side by side, as a folder of a real crawl might hold them."""
    folder = tmp_path_factory.mktemp("inputs")
    story = corpus_articles[0]
    agency = [
        {**story, "id": "tass-genuya", "outlet": "ИТАР-ТАСС"},
        {**story, "id": "interfax-genuya", "outlet": "Интерфакс", "published": "2001-07-08",
         "text": "Путин и Буш договорились о встрече в Генуе\n\n" + story["text"].split("\n\n", 1)[1]},
    ]  # fmt: skip
    lines = [json.dumps(a, ensure_ascii=False) for a in (*agency, corpus_articles[1])]
    lines.insert(1, "{not json")
    (folder / "agency.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "feed.rss").write_bytes((DATA / "feed.rss").read_bytes())
    return folder


@pytest.fixture(scope="module")
def ingested(
    inputs: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    db = tmp_path_factory.mktemp("store") / "svodka.duckdb"
    return db, run("ingest", str(inputs), "--db", str(db), "--workers", "1", "--no-progress")


def test_broken_inputs_are_recorded_and_the_rest_land(
    ingested: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    db, result = ingested
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "landed 5, skipped 0 (already stored), failed 3" in result.stderr
    with Store(db, read_only=True) as store:
        assert store.count() == 5
        reasons = {(Path(e["input"]).name, e["reason"]) for e in store.errors()}
    assert reasons == {
        (
            "agency.jsonl:2",
            "malformed JSON (Expecting property name enclosed in double quotes, column 2)",
        ),
        ("binary.bin", "binary file, not text"),
        ("feed.rss", "entry 3 (https://www.newsru.com/empty.html) has no text"),
    }
    for line in ("agency.jsonl:2: malformed JSON", "binary.bin: binary file", "feed.rss: entry 3"):
        assert line in result.stderr


def test_same_story_from_two_outlets(
    ingested: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    db, _ = ingested
    with Store(db, read_only=True) as store:
        rows = {a["id"]: a for a in store.articles()}
        assert rows["interfax-genuya"]["duplicate_of"] == "tass-genuya"
        quote = store.quotes(q="стратегической стабильности")[0]
        assert sorted(o["outlet"] for o in quote["occurrences"]) == ["ИТАР-ТАСС", "Интерфакс"]
        # Whatever events the pipeline finds in the story, each is one event with two sources.
        story = {"interfax-genuya", "tass-genuya"}
        for e in store.events(limit=1000):
            reports = {s["article_id"] for s in e["sources"]}
            assert not reports & story or reports == story, e
            assert not set(e["source_keys"]) & set(e["target_keys"]), e


def test_second_run_adds_nothing(
    ingested: tuple[Path, subprocess.CompletedProcess[str]], inputs: Path
) -> None:
    db, _ = ingested
    with Store(db, read_only=True) as store:
        before = {
            t: store.count(t) for t in ("articles", "entities", "mentions", "quotes", "errors")
        }
    result = run("ingest", str(inputs), "--db", str(db), "--workers", "1", "--no-progress")
    assert result.returncode == 1  # the broken inputs are still broken
    assert "landed 0, skipped 5 (already stored), failed 3" in result.stderr
    with Store(db, read_only=True) as store:
        assert {t: store.count(t) for t in before} == before


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "gdelt"])
def test_export(
    ingested: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path, fmt: str
) -> None:
    db, _ = ingested
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--db", str(db), "--format", fmt, "-o", str(out))
    assert result.returncode == 0, result.stderr
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert len(records) == 5 and all(r["schema"] == "svodka/article@1" for r in records)
    elif fmt == "parquet":
        assert {"articles.parquet", "quote_clusters.parquet", "errors.parquet"} <= {
            p.name for p in out.iterdir()
        }
    else:
        assert all(len(line.split("\t")) == 61 for line in out.read_text("utf-8").splitlines())


def test_export_of_a_missing_store_and_usage_errors(tmp_path: Path) -> None:
    result = run("export", "--db", str(tmp_path / "none.duckdb"), "--format", "jsonl", "-o", "-")
    assert result.returncode == 1 and "no such store" in result.stderr
    assert run("export", "--format", "xml", "-o", "-").returncode == 2
    assert run("ingest", str(tmp_path), "--workers", "0").returncode == 2


def small_corpus(path: Path, n: int) -> Path:
    """The first `n` short articles of the shared corpus (CC BY-NC: read, never copied in)."""
    if not CORPUS.is_file():
        pytest.skip(f"needs the shared corpus at {CORPUS}")
    lines = []
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            if len(json.loads(line)["text"]) < 1500:
                lines.append(line)
            if len(lines) == n:
                break
    path.write_text("".join(lines), "utf-8")
    return path


def store_state(db: Path) -> tuple[int, int, int, int]:
    """(articles, distinct ids, repeated entity rows, repeated or orphan quote occurrences) of a
    store no process holds; zeros for one a killed run left before it had tables."""
    if not db.exists():
        return 0, 0, 0, 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "articles" not in tables:
            return 0, 0, 0, 0
        total, distinct = con.execute(
            "SELECT count(*), count(DISTINCT id) FROM articles"
        ).fetchone()
        dup_entities = con.execute(
            "SELECT count(*) - count(DISTINCT (article_id, id)) FROM entities"
        ).fetchone()[0]
        bad_occurrences = con.execute(
            "SELECT (SELECT count(*) - count(DISTINCT (article_id, idx)) FROM quote_occurrences)"
            " + (SELECT count(*) FROM quote_occurrences o"
            "    WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = o.article_id))"
        ).fetchone()[0]
    finally:
        con.close()
    return total, distinct, dup_entities, bad_occurrences


def landed_so_far(db: Path) -> int:
    """Articles a running ingest has committed; 0 while it holds the file or creates it."""
    if not db.exists():
        return 0
    try:
        with Store(db, read_only=True, timeout=1) as store:
            return store.count()
    except StoreError:
        return 0  # the writer holds the lock or is migrating: look again


def test_killed_runs_resume_with_every_article_once(tmp_path: Path) -> None:
    """`kill -9` at random points of an ingest, three times, then the same command once more:
    every article stored exactly once. The first kill comes blind (models loading, the store
    being created), the others at a random moment after that run's first commit."""
    articles = 100  # enough that a run outlasts its kill window on a fast, quiet machine
    corpus = small_corpus(tmp_path / "corpus.jsonl", articles)
    db = tmp_path / "svodka.duckdb"
    args = [*SVODKA, "ingest", str(corpus), "--db", str(db), "--workers", "2", "--no-progress"]
    # Release the lock after every commit, so that this test sees the articles land.
    env = {**os.environ, "SVODKA_RELEASE_SECONDS": "0"}
    rng = random.Random(8)
    stored, killed_mid_run = 0, 0
    for kill in range(3):
        proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
        try:
            if kill == 0:
                time.sleep(rng.uniform(0.5, 4.0))
            else:
                deadline = time.monotonic() + 240
                while proc.poll() is None and time.monotonic() < deadline:
                    if landed_so_far(db) > stored:
                        break
                    time.sleep(0.3)
                # Within 1 s of the first commit; the rest take several seconds more.
                time.sleep(rng.uniform(0.0, 1.0))
        finally:
            with contextlib.suppress(ProcessLookupError):  # unless it finished first
                os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers
            proc.wait()
        total, distinct, dup_entities, bad_occurrences = store_state(db)
        assert total == distinct and dup_entities == 0 and bad_occurrences == 0
        assert total >= stored  # a commit survives kill -9
        killed_mid_run += proc.returncode == -signal.SIGKILL and stored < total < articles
        stored = total
    assert killed_mid_run >= 1, "no kill came while articles were landing"
    result = run("ingest", str(corpus), "--db", str(db), "--workers", "2", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert (
        f"landed {articles - stored}, skipped {stored} (already stored), failed 0" in result.stderr
    )
    total, distinct, dup_entities, bad_occurrences = store_state(db)
    assert total == distinct == articles
    assert dup_entities == 0 and bad_occurrences == 0


@pytest.mark.ray
def test_ray_engine_lands_the_same_records(
    ingested: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    if importlib.util.find_spec("ray") is None:  # not imported here: the command runs Ray
        pytest.skip("the ray extra is not installed")
    db = tmp_path / "ray.duckdb"
    result = run(
        "ingest",
        str(DATA / "articles.jsonl"),
        "--db",
        str(db),
        "--engine",
        "ray",
        "--workers",
        "2",
        "--no-progress",
        timeout=400,
    )
    assert result.returncode == 0, result.stderr
    assert "landed 4, skipped 0 (already stored), failed 0" in result.stderr
    assert not Path(f"{db}.shards").exists()  # every shard loaded and removed
    local_db, _ = ingested
    with Store(db, read_only=True) as ray_store, Store(local_db, read_only=True) as local_store:
        assert ray_store.count() == 4
        luka = "newsru-2001-russia-alexluka"
        from_ray, from_local = ray_store.article(luka), local_store.article(luka)
        assert from_ray is not None and from_local is not None
        assert dataclasses.replace(from_ray, path=None) == dataclasses.replace(
            from_local, path=None
        )


def test_a_runaway_document_costs_only_itself() -> None:
    """A pipeline bug that loops forever on one document must not hang the run."""
    from svodka.engines.worker import Analyser, DocumentTimeout, time_limit

    with pytest.raises(DocumentTimeout), time_limit(0.2):
        while True:
            pass
    analyser = Analyser.__new__(Analyser)  # a stand-in pipeline, no models needed
    analyser.timeout = 0.2

    def loop_forever(doc: RawDocument) -> None:
        while True:
            pass

    analyser.nlp = loop_forever
    outcome = analyser(RawDocument(text="x", id="stuck", path="feed.jsonl"))
    assert outcome.prepared is None
    assert (outcome.input, outcome.error) == (
        "feed.jsonl [stuck]",
        "analysis stopped after 0.2 s of CPU time",
    )
