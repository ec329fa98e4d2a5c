"""The HTTP API against a real server over a real store: reads, limits, the write token."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from svodka.pipeline import content_id
from tests.conftest import SAMPLE
from tests.live import Live

SEED_ID = content_id(SAMPLE.read_text("utf-8"))


@pytest.fixture(scope="module")
def client(live: Live) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=120) as c:
        yield c


def test_articles_lists_the_store(client: httpx.Client) -> None:
    page = client.get("/api/articles").json()
    ids = {a["id"] for a in page["items"]}
    assert {SEED_ID, "hostile-xss", "newsru-2002-world-vizit-009"} <= ids
    assert len(ids) == 6
    seed = next(a for a in page["items"] if a["id"] == SEED_ID)
    assert seed["headline"].startswith("Путин встретился с Ким Чен Ыном")
    assert seed["n_quotes"] >= 8


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Тиллерсон", {"newsru-2017-world-lavrov-tillerson-001"}), ("ДЯОЮЙТАЙ", {SEED_ID})],
)
def test_articles_search(client: httpx.Client, query: str, expected: set[str]) -> None:
    found = {a["id"] for a in client.get("/api/articles", params={"q": query}).json()["items"]}
    assert found == expected


def test_article_is_the_full_record(client: httpx.Client) -> None:
    record = client.get(f"/api/articles/{SEED_ID}").json()
    assert record["schema"] == "svodka/article@1"
    assert record["text"] == SAMPLE.read_text("utf-8")
    for quote in record["quotes"]:
        assert record["text"][quote["start"] : quote["end"]] == quote["text"]
    assert client.get("/api/articles/no-such-article").status_code == 404


def test_entities_by_any_name_form(client: httpx.Client) -> None:
    for form in ("Путин", "Путина", "президент РФ"):
        rows = client.get("/api/entities", params={"q": form}).json()["items"]
        assert rows and rows[0]["name"] == "Владимир Путин", form
    key = client.get("/api/entities", params={"q": "Ким Чен Ын"}).json()["items"][0]["key"]
    kim = client.get(f"/api/entities/{key}").json()
    assert kim["name"] == "Ким Чен Ын"
    assert any("братским долгом" in q["text"] for q in kim["quotes"])
    assert {"names", "roles", "quotes", "events", "timeline"} <= kim.keys()
    assert client.get("/api/entities/Q0").status_code == 404


def test_quotes_with_occurrences(client: httpx.Client) -> None:
    rows = client.get("/api/quotes", params={"q": "братским долгом"}).json()["items"]
    assert len(rows) == 1
    assert rows[0]["speaker_name"] == "Ким Чен Ын"
    assert [o["article_id"] for o in rows[0]["occurrences"]] == [SEED_ID]
    by_speaker = client.get("/api/quotes", params={"speaker": "Путин"}).json()["items"]
    assert by_speaker and all(q["speaker_name"] == "Владимир Путин" for q in by_speaker)


def test_events_filters(client: httpx.Client) -> None:
    everything = client.get("/api/events").json()["items"]
    for event in everything:
        assert event["sources"], event
    consult = client.get("/api/events", params={"type": "CONSULT"}).json()["items"]
    assert all(e["type"] == "CONSULT" for e in consult)
    window = client.get(
        "/api/events", params={"date_from": "2025-09-01", "date_to": "2025-09-30"}
    ).json()["items"]
    assert all(e["date"] is None or e["date"][:7] in ("2025-09",) for e in window)


def test_dyads(client: httpx.Client) -> None:
    body = client.get("/api/dyads", params={"a": "Россия", "b": "КНДР"}).json()
    assert body["a"] == "Россия"
    for row in body["rows"]:
        assert {"month", "type", "count"} <= row.keys()
    assert client.get("/api/dyads", params={"a": "Россия"}).status_code == 422


def test_digest_endpoint(client: httpx.Client) -> None:
    text = client.get("/api/digest", params={"article": SEED_ID, "format": "text"})
    assert text.headers["content-type"].startswith("text/plain")
    assert "Заявления Путина:" in text.text and "Заявления Ким Чен Ына:" in text.text
    data = client.get("/api/digest", params={"article": SEED_ID}).json()
    lines = [line for s in data["sections"] for line in s["lines"]]
    assert lines and all(line["quotes"] or line["events"] for line in lines)
    html = client.get("/api/digest", params={"article": "hostile-xss", "format": "html"}).text
    assert "<script" not in html and "&lt;script&gt;" in html
    actor = client.get("/api/digest", params={"actor": "Ким Чен Ын", "format": "markdown"})
    assert "**Заявления Ким Чен Ына:**" in actor.text
    assert client.get("/api/digest", params={"article": "nope"}).status_code == 404
    both = client.get("/api/digest", params={"article": SEED_ID, "day": "2025-09-03"})
    assert both.status_code == 422


def test_list_sizes_are_capped(client: httpx.Client) -> None:
    assert client.get("/api/articles", params={"limit": 501}).status_code == 422
    assert client.get("/api/quotes", params={"limit": 0}).status_code == 422
    assert len(client.get("/api/articles", params={"limit": 2}).json()["items"]) == 2


def test_openapi_documents_the_api(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/entities",
        "/api/entities/{key}",
        "/api/quotes",
        "/api/events",
        "/api/dyads",
        "/api/digest",
        "/api/extract",
    ):
        assert path in paths
    assert not [p for p in paths if not p.startswith("/api/")]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/articles" in docs.text
    assert "cdn" not in docs.text.lower()


def test_pages_carry_security_headers(client: httpx.Client) -> None:
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


POST = {
    "text": "Президент России Владимир Путин встретился в Москве с председателем КНР Си Цзиньпином.",
    "published": "2025-05-08",
}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"X-Svodka-Token": "wrong"},
        {"Authorization": "Basic x"},
    ],
)
def test_extract_needs_the_token(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.post("/api/extract", json=POST, headers=headers)
    assert response.status_code in (401, 403)


def test_extract_with_the_token(client: httpx.Client, live: Live) -> None:
    response = client.post(
        "/api/extract", json=POST, headers={"Authorization": f"Bearer {live.token}"}
    )
    assert response.status_code == 200, response.text
    record = response.json()
    assert record["schema"] == "svodka/article@1"
    names = {e["name"] for e in record["entities"]}
    assert "Си Цзиньпин" in names and any("Путин" in n for n in names)
    # Nothing is written: the store is read-only.
    assert record["id"] not in {a["id"] for a in client.get("/api/articles").json()["items"]}
    bad = client.post("/api/extract", json={"url": "x"}, headers={"X-Svodka-Token": live.token})
    assert bad.status_code == 422


def test_body_size_limit(client: httpx.Client, live: Live) -> None:
    auth = {"Authorization": f"Bearer {live.token}"}
    big = {"text": "Путин. " * 200_000}
    assert client.post("/api/extract", json=big, headers=auth).status_code == 413

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the limit must hold for a streamed body too.
        yield b'{"text": "'
        for _ in range(2_000):
            yield b"x" * 1_000
        yield b'"}'

    streamed = client.post(
        "/api/extract", content=chunks(), headers={**auth, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "svodka.cli", "serve", "--db", str(tmp_path / "none.duckdb")],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert b"svodka ingest" in result.stderr


def test_cli_digest_from_the_store(web_store: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "svodka.cli",
            "digest",
            "--article",
            SEED_ID,
            "--db",
            str(web_store),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "Заявления Путина:" in out and "Заявления Ким Чен Ына:" in out
    assert "в последнее время взаимодействие между странами" in out
    from svodka.store import Store

    with Store(web_store, read_only=True) as store:
        record = store.article(SEED_ID)
    assert record is not None
    if any(e.type == "CONSULT" and not e.intent for e in record.events):
        # The meeting leads, in one line, with the ids it rests on.
        summary = out.splitlines()[2]
        assert summary.startswith(("Встреча Владимира Путина и Ким Чен Ына", "Переговоры"))
        assert summary.endswith("]")
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "svodka.cli",
            "digest",
            "--actor",
            "Нектоев",
            "--db",
            str(web_store),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 1


def test_ingest_can_write_while_the_server_runs(tmp_path: Path) -> None:
    # DuckDB admits a writer only while no reader holds the file: the server lets go between requests.
    from dataclasses import replace

    from svodka.store import Store
    from tests.live import start_server
    from tests.test_digest import STORED as RECORD

    db = tmp_path / "svodka.duckdb"
    with Store(db) as store:
        store.add(RECORD)
        store.rebuild_clusters()
    server = start_server(db, "t", tmp_path / "log")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            assert len(c.get("/api/articles").json()["items"]) == 1
            with Store(db, timeout=10) as store:
                store.add(replace(RECORD, id="second", published="2025-09-04"))
                store.rebuild_clusters()
            assert [a["id"] for a in c.get("/api/articles").json()["items"]] == [
                "second",
                "seed-excerpt",
            ]
    finally:
        server.stop()
