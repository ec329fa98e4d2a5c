"""Faults from outside: a store another process holds. Each command says so in one line that
names the file and what to do, exits non-zero, and shows no traceback; the server answers 503
and recovers by itself. (A run killed with SIGKILL: tests/test_ingest.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from svodka.store import Store
from tests.conftest import SAMPLE
from tests.live import start_server
from tests.test_ingest import SVODKA

# Another process with a DuckDB connection of its own, not svodka's: a writer (`rw`) or a
# reader (`ro`, as a long export would be).
HOLD = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    con.execute("SELECT count(*) FROM articles").fetchall()
    print("held", flush=True)
    sys.stdin.readline()
    """
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "svodka.duckdb"
    Store(path).close()
    return path


def hold(db: Path, mode: str) -> subprocess.Popen[str]:
    """A process holding the store until a line comes on its stdin."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def holder(db: Path, request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[str]]:
    proc = hold(db, request.param)
    yield proc
    if proc.poll() is None:
        proc.communicate("\n", timeout=30)


def svodka(*args: str, wait: str = "1") -> tuple[subprocess.CompletedProcess[str], float]:
    env = {k: v for k, v in os.environ.items() if k != "SVODKA_DEBUG"}
    env["SVODKA_LOCK_TIMEOUT"] = wait
    started = time.monotonic()
    result = subprocess.run(
        [*SVODKA, *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )
    return result, time.monotonic() - started


COMMANDS = {
    "ingest": ["ingest", str(SAMPLE), "--workers", "1", "--no-progress"],
    "export": ["export", "--format", "jsonl", "-o", "-"],
    "digest": ["digest", "--day", "2025-09-03"],
}


@pytest.mark.parametrize(
    ("holder", "command"),
    [("rw", "ingest"), ("rw", "export"), ("rw", "digest"), ("ro", "ingest")],
    indirect=["holder"],
)
def test_a_locked_store_is_one_clear_line(
    db: Path, holder: subprocess.Popen[str], command: str
) -> None:
    result, seconds = svodka(*COMMANDS[command], "--db", str(db))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"svodka: error: {db}: store is locked by another process (DuckDB allows one writer or "
        "several readers at a time); waited 1 s: let that process finish or stop it, then run "
        "the command again (SVODKA_LOCK_TIMEOUT=SECONDS waits longer)"
    )
    assert seconds < 60  # it waited 1 s, as told, not the default 30


@pytest.mark.parametrize("holder", ["rw"], indirect=True)
def test_the_same_command_works_once_the_lock_is_gone(
    db: Path, holder: subprocess.Popen[str]
) -> None:
    holder.communicate("\n", timeout=30)  # the other process finished
    result, _ = svodka(*COMMANDS["export"], "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # an empty store exports no records


def test_a_bad_lock_timeout_is_a_clear_error(db: Path) -> None:
    result, _ = svodka(*COMMANDS["export"], "--db", str(db), wait="soon")
    assert result.returncode == 1
    assert result.stderr == (
        "svodka: error: SVODKA_LOCK_TIMEOUT must be a number of seconds, not 'soon'\n"
    )


def test_the_server_answers_503_while_the_store_is_held(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SVODKA_LOCK_TIMEOUT", "0.5")
    # The server starts first (it checks the store on start), then a writer takes the file.
    live = start_server(db, "t" * 32, tmp_path / "serve.log")
    holder = None
    try:
        holder = hold(db, "rw")
        with httpx.Client(base_url=live.url, timeout=30) as client:
            api = client.get("/api/articles")
            assert api.status_code == 503
            assert api.headers["retry-after"] == "10"
            assert api.json() == {
                "detail": "the store is busy (an ingest is writing to it); try again in a few "
                "seconds"
            }
            page = client.get("/")
            assert page.status_code == 503 and "store is busy" in page.text
            holder.communicate("\n", timeout=30)
            assert client.get("/api/articles").status_code == 200  # back by itself
        assert "Traceback" not in live.log.read_text("utf-8", "replace")
    finally:
        live.stop()
        if holder is not None and holder.poll() is None:
            holder.communicate("\n", timeout=30)
