"""A real store and a real server for the API and browser tests: `svodka ingest` builds the
store from real articles, `svodka serve` runs it on a free loopback port in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WEB_DATA = ROOT / "tests" / "data" / "web"
SEED = ROOT / "svodka" / "sample" / "putin-kim-beijing.txt"
INPUTS = (SEED, WEB_DATA / "newsru.jsonl", WEB_DATA / "hostile.jsonl")
SVODKA = [sys.executable, "-m", "svodka.cli"]


def build_store(db: Path) -> Path:
    """A store made the way users make one."""
    result = subprocess.run(
        [*SVODKA, "ingest", *map(str, INPUTS), "--db", str(db), "--no-progress"],
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A running `svodka serve`."""

    url: str
    token: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def start_server(db: Path, token: str, log: Path) -> Live:
    port = free_port()
    env = {**os.environ, "SVODKA_TOKEN": token}
    env.pop("SVODKA_DEBUG", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*SVODKA, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    live = Live(f"http://127.0.0.1:{port}", token, db, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"svodka serve exited: {log.read_text('utf-8', 'replace')}")
        try:
            if httpx.get(f"{live.url}/api/health", timeout=2).status_code == 200:
                return live
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    live.stop()
    raise RuntimeError(f"svodka serve did not answer: {log.read_text('utf-8', 'replace')}")
