"""`svodka serve` under load on loopback: concurrent clients, a realistic mix of reads.

Starts the real server (`python -m svodka.cli serve`) on a free loopback port over a store,
then sends a fixed number of requests from concurrent clients (asyncio + httpx): article
search, article records (JSON) and article pages (HTML), actors (JSON and pages), actor
search, quotations and events listings, the UI's search page. Ids and words are sampled from
the store with a fixed seed, so two runs send the same requests. A sampler reads the server's
RSS (psutil) every 0.1 s.

    python benchmarks/serve_load.py [STORE] [--requests 5000] [--clients 50] [--seed 8]
                                    [--json [PATH]]

Without STORE, or when it does not exist, the store is built first by
`svodka ingest CORPUS --db STORE --workers 2` (the bundled NEWSru corpus into
/tmp/svodka-full.duckdb), and the ingest's summary line is printed. The client runs on the
same machine as the server: on a small machine it takes CPU from it, so requests/s is a floor.
An error is a 5xx or a request that got no answer; the exit code is 1 when there was any.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "newsru-rucoco.jsonl"
DEFAULT_STORE = Path("/tmp/svodka-full.duckdb")
SVODKA = [sys.executable, "-m", "svodka.cli"]
WORD = re.compile(r"[А-Яа-яЁё]{5,}")
# What a browsing analyst and an API client do, by weight.
MIX = {
    "api search": 20,
    "api article": 12,
    "page article": 12,
    "api actor": 8,
    "page actor": 8,
    "api actors q": 8,
    "api quotes": 10,
    "api events": 10,
    "page search": 7,
    "page events": 5,
}


class Sampler(threading.Thread):
    """Peak RSS (bytes) of a process and its children, sampled until stopped."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            self.halt.wait(self.every)

    def stop(self) -> int:
        self.halt.set()
        self.join()
        return self.peak


def build_store(store: Path, corpus: Path, workers: int) -> dict[str, Any]:
    """`svodka ingest` the corpus into `store`; its summary line and wall time."""
    print(f"building {store} from {corpus} (svodka ingest --workers {workers}) …", file=sys.stderr)
    started = time.monotonic()
    command = [*SVODKA, "ingest", str(corpus), "--db", str(store), "--workers", str(workers)]
    result = subprocess.run(
        [*command, "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    summary = next(
        (line for line in (result.stderr + result.stdout).splitlines() if "landed" in line),
        result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "",
    )
    print(f"ingest: {summary} (exit {result.returncode}, {wall:.0f} s)", file=sys.stderr)
    if not store.is_file():
        raise SystemExit(f"ingest made no store: {result.stderr[-2000:]}")
    return {"summary": summary, "exit": result.returncode, "wall_s": round(wall, 1)}


def sample(store: Path, n: int, seed: int) -> list[tuple[str, str]]:
    """`n` requests (kind, path), drawn with `seed` from the store's own ids and words."""
    from svodka.store import Store

    rng = random.Random(seed)
    with Store(store, read_only=True) as db:
        articles = db.articles(limit=100_000)
        actors = db.entities(limit=400)
    ids = [a["id"] for a in articles]
    words = sorted({w.lower() for a in articles for w in WORD.findall(a["headline"] or "")})
    keys = [a["key"] for a in actors]
    names = [a["name"] for a in actors if a["name"]]
    if not (ids and words and keys):
        raise SystemExit(f"{store}: too little in the store to sample from")
    types = ["CONSULT", "STATEMENT", "ACCUSE", "AID", "COOPERATE", "ASSAULT"]

    def path(kind: str) -> str:
        word = quote(rng.choice(words))
        if kind == "api search":
            return f"/api/articles?q={word}&limit=20"
        if kind == "api article":
            return f"/api/articles/{quote(rng.choice(ids), safe='')}"
        if kind == "page article":
            return f"/articles/{quote(rng.choice(ids), safe='')}"
        if kind == "api actor":
            return f"/api/entities/{quote(rng.choice(keys), safe='')}"
        if kind == "page actor":
            return f"/actors/{quote(rng.choice(keys), safe='')}"
        if kind == "api actors q":
            return f"/api/entities?q={quote(rng.choice(names).split()[-1])}"
        if kind == "api quotes":
            if rng.random() < 0.5:
                return f"/api/quotes?speaker={quote(rng.choice(keys), safe='')}"
            return f"/api/quotes?q={word}"
        if kind == "api events":
            if rng.random() < 0.5:
                return f"/api/events?actor={quote(rng.choice(keys), safe='')}"
            return f"/api/events?type={rng.choice(types)}&limit=100"
        if kind == "page search":
            return f"/search?q={word}"
        return f"/events?actor={quote(rng.choice(names))}"

    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=n)
    return [(kind, path(kind)) for kind in kinds]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SVODKA_TOKEN", "SVODKA_DEBUG")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*SVODKA, "serve", "--db", str(store), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"svodka serve exited: {log.read_text('utf-8', 'replace')}")
        try:
            if httpx.get(f"{url}/api/health", timeout=5).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("svodka serve did not answer in 120 s")


async def load(url: str, requests: list[tuple[str, str]], clients: int) -> list[dict[str, Any]]:
    """Send every request from `clients` concurrent workers; one result per request."""
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    results: list[dict[str, Any]] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def worker(client: httpx.AsyncClient) -> None:
        while True:
            try:
                kind, path = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                response = await client.get(path)
                await response.aread()
                status: int | str = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            results.append({"kind": kind, "path": path, "status": status, "s": elapsed})

    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return results


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def is_error(status: int | str) -> bool:
    return isinstance(status, str) or status >= 500


def report(results: list[dict[str, Any]], wall: float, peak_rss: int) -> dict[str, Any]:
    def stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
        ms = [r["s"] * 1000 for r in rows]
        return {
            "n": len(rows),
            "errors": sum(is_error(r["status"]) for r in rows),
            "p50_ms": round(percentile(ms, 50), 1),
            "p90_ms": round(percentile(ms, 90), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "mean_ms": round(statistics.fmean(ms), 1) if ms else None,
        }

    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r)
    return {
        "requests": len(results),
        "errors": sum(is_error(r["status"]) for r in results),
        "status": dict(sorted(Counter(str(r["status"]) for r in results).items())),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(results) / wall, 1) if wall else None,
        "server_peak_rss_mb": round(peak_rss / 2**20, 1),
        "all": stats(results),
        "kinds": {k: stats(v) for k, v in sorted(by_kind.items())},
        "error_samples": [r for r in results if is_error(r["status"])][:10],
    }


def print_table(out: dict[str, Any]) -> None:
    print(
        f"{out['requests']} requests from {out['clients']} clients in {out['wall_s']} s: "
        f"{out['requests_per_s']} req/s; errors {out['errors']}; status {out['status']}; "
        f"server peak RSS {out['server_peak_rss_mb']} MB"
    )
    print(f"{'kind':<14} {'n':>5} {'err':>4} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for kind, s in [*out["kinds"].items(), ("all", out["all"])]:
        print(
            f"{kind:<14} {s['n']:>5} {s['errors']:>4} {s['p50_ms']:>8} {s['p90_ms']:>8} "
            f"{s['p99_ms']:>8}"
        )
    for r in out["error_samples"]:
        print(f"error: {r['status']} {r['path']}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", nargs="?", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--ingest-workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", nargs="?", const="-", help="write the figures as JSON (- stdout)")
    args = parser.parse_args()

    ingest = None
    if not args.store.is_file():
        ingest = build_store(args.store, args.corpus, args.ingest_workers)
    requests = sample(args.store, args.requests, args.seed)
    log = args.store.with_suffix(".serve.log")
    process, url = start_server(args.store, log)
    sampler = Sampler(process.pid)
    sampler.start()
    try:
        started = time.perf_counter()
        results = asyncio.run(load(url, requests, args.clients))
        wall = time.perf_counter() - started
    finally:
        peak = sampler.stop()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    out = report(results, wall, peak)
    out.update(
        clients=args.clients,
        seed=args.seed,
        store=str(args.store),
        machine=f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs",
        date=time.strftime("%Y-%m-%d"),
        ingest=ingest,
    )
    server_log = log.read_text("utf-8", "replace")
    out["server_tracebacks"] = server_log.count("Traceback")
    print_table(out)
    if out["server_tracebacks"]:
        print(f"server log ({log}) has {out['server_tracebacks']} tracebacks", file=sys.stderr)
    if args.json == "-":
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=2), "utf-8")
    return 1 if out["errors"] or out["server_tracebacks"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
