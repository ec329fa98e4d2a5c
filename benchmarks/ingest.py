"""`svodka ingest` throughput and memory: local engine on 1 and 2 workers and Ray on 2 CPUs,
beside Natasha's own pipeline (segment + morph + syntax + NER) on the same articles, in one run.

Each svodka run is the real command (`python -m svodka.cli ingest … --db TMP`) in a fresh
process; a sampler thread reads the RSS of its whole process tree (psutil) every 0.2 s and
keeps each process's peak, sorted into the writer (the command itself), workers (pool
processes, Ray actors) and Ray's own services. Two rates are reported: end to end (wall clock
of the command: reading, starting workers, loading models, analysis, writing, the cross-article
rebuild) and steady (documents analysed per second once the first result came back, which is
what Natasha's figure measures: `throughput.py` starts its clock after loading). The ratio is
svodka's steady rate over Natasha's on the same number of processes.

    python benchmarks/ingest.py [--corpus PATH] [--limit 300] [--runs local1,local2,ray2]
                                [--no-natasha] [--json PATH]
    python benchmarks/ingest.py --full [--workers 2] [--json PATH]

`--full` ingests the whole corpus once (time, peak RSS), again (must add nothing), then a third
time into a new store, killed with SIGKILL once 200 articles (`--kill-after`) have landed, and
restarted (must end with every article exactly once).

On a shared machine other work slows the wall clock; the CPU seconds each run's workers spent
per article (psutil) do not depend on it, so the table shows them too, and a ratio by CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "newsru-rucoco.jsonl"
SUMMARY = re.compile(
    r"landed (\d+), skipped (\d+) \(already stored\), failed (\d+) in ([\d.]+) s "
    r"\(([\d.]+) articles/s; ([\d.]+)/s once the workers were up after ([\d.]+) s\); "
    r"cross-article tables rebuilt in ([\d.]+) s"
)
RUNS = {"local1": ("local", 1), "local2": ("local", 2), "ray2": ("ray", 2)}


class Sampler(threading.Thread):
    """Peak RSS (MB) of every process in a tree, sampled until stopped."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.every = every
        self.peaks: dict[int, tuple[str, float]] = {}
        self.cpu: dict[int, tuple[str, float]] = {}  # last seen user + system CPU seconds
        self.peak_total = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0.0
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                    kind = self._kind(p)
                    times = p.cpu_times()
                except psutil.Error:
                    continue
                self.cpu[p.pid] = (kind, times.user + times.system)
                total += rss
                if rss > self.peaks.get(p.pid, ("", 0.0))[1]:
                    self.peaks[p.pid] = (kind, rss)
            self.peak_total = max(self.peak_total, total)
            time.sleep(self.every)

    def _kind(self, p: psutil.Process) -> str:
        if p.pid == self.root.pid:
            return "writer"
        cmd = " ".join(p.cmdline())
        if "multiprocessing" in cmd or p.name().startswith("ray::") or "ray::" in cmd:
            return "worker"
        return "ray-service"

    def summary(self) -> dict[str, Any]:
        by_kind: dict[str, list[float]] = {}
        for kind, rss in self.peaks.values():
            by_kind.setdefault(kind, []).append(rss)
        return {
            "writer_mb": round(max(by_kind.get("writer", [0.0])), 1),
            "worker_max_mb": round(max(by_kind.get("worker", [0.0])), 1),
            "workers_seen": len(by_kind.get("worker", [])),
            "ray_services_mb": round(sum(by_kind.get("ray-service", [])), 1),
            "tree_peak_mb": round(self.peak_total, 1),
            "writer_cpu_s": round(sum(c for k, c in self.cpu.values() if k == "writer"), 1),
            "workers_cpu_s": round(sum(c for k, c in self.cpu.values() if k == "worker"), 1),
        }


def ingest(
    corpus: Path, db: Path, engine: str, workers: int, kill_after: int | None = None
) -> dict[str, Any]:
    """Run `svodka ingest` once; its summary, exit code and peak RSS."""
    cmd = [sys.executable, "-m", "svodka.cli", "ingest", str(corpus), "--db", str(db)]
    cmd += ["--engine", engine, "--workers", str(workers), "--no-progress"]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    sampler = Sampler(proc.pid)
    sampler.start()
    killed = False
    if kill_after is not None:
        killed = _kill_when(proc, db, kill_after)
    _, err = proc.communicate()
    wall = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    out: dict[str, Any] = {
        "engine": engine,
        "workers": workers,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 1),
        "killed": killed,
        **sampler.summary(),
    }
    m = SUMMARY.search(err)
    if m:
        landed, skipped, failed, secs, rate, steady, warm, rebuild = m.groups()
        out.update(
            landed=int(landed),
            skipped=int(skipped),
            failed=int(failed),
            run_s=float(secs),
            articles_per_s=float(rate),
            steady_articles_per_s=float(steady),
            warmup_s=float(warm),
            rebuild_s=float(rebuild),
        )
    elif not killed:
        out["stderr_tail"] = err[-2000:]
    return out


def _count(db: Path) -> int:
    from svodka.store import Store, StoreError

    try:
        with Store(db, read_only=True, timeout=5) as store:
            return store.count()
    except StoreError:
        return 0


def _kill_when(proc: subprocess.Popen[str], db: Path, landed: int) -> bool:
    """SIGKILL the whole command (writer and workers) once `landed` articles are stored."""
    while proc.poll() is None:
        time.sleep(1.0)
        if db.exists() and _count(db) >= landed:
            os.killpg(proc.pid, signal.SIGKILL)
            return True
    return False


def duplicates(db: Path) -> tuple[int, int]:
    """(articles, distinct ids) in a store."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchall()[0]
    finally:
        con.close()


def subset(corpus: Path, limit: int, folder: Path) -> Path:
    path = folder / f"corpus-{limit}.jsonl"
    with corpus.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if limit and n >= limit:
                break
            dst.write(line)
    return path


def natasha(corpus: Path, limit: int, workers: int) -> dict[str, Any]:
    from throughput import measure

    r = measure("natasha", corpus, limit, workers, 1)  # one BLAS thread, as svodka's workers
    return {
        "workers": workers,
        "articles": r["articles"],
        "articles_per_s": round(r["articles_per_s"], 2),
        "cpu_s_per_article": round(r["cpu_s"] / r["articles"], 4) if r["articles"] else 0.0,
        "peak_rss_mb_max_worker": round(r["peak_rss_mb_max_worker"], 1),
    }


def bench(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"runs": {}, "natasha": {}}
    with tempfile.TemporaryDirectory(prefix="svodka-bench-") as tmp:
        corpus = subset(args.corpus, args.limit, Path(tmp))
        for name in args.runs.split(","):
            engine, workers = RUNS[name]
            db = Path(tmp) / f"{name}.duckdb"
            results["runs"][name] = ingest(corpus, db, engine, workers)
            print(name, json.dumps(results["runs"][name]), flush=True)
        if args.natasha:
            for workers in sorted({RUNS[n][1] for n in args.runs.split(",")}):
                results["natasha"][workers] = natasha(args.corpus, args.limit, workers)
                print(f"natasha{workers}", json.dumps(results["natasha"][workers]), flush=True)
    for r in results["runs"].values():
        if r.get("landed"):
            # Includes loading the models (a few CPU s per worker); Natasha's excludes it.
            r["cpu_s_per_article"] = round(r["workers_cpu_s"] / r["landed"], 4)
        nat = results["natasha"].get(r["workers"])
        if nat and r.get("steady_articles_per_s"):
            r["ratio_steady_vs_natasha"] = round(
                r["steady_articles_per_s"] / nat["articles_per_s"], 3
            )
        if nat and r.get("cpu_s_per_article"):
            # Articles per CPU second, svodka's over Natasha's (>1: svodka is cheaper).
            r["ratio_cpu_vs_natasha"] = round(nat["cpu_s_per_article"] / r["cpu_s_per_article"], 3)
    return results


def full(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="svodka-full-") as tmp:
        db = Path(tmp) / "full.duckdb"
        out["first"] = ingest(args.corpus, db, "local", args.workers)
        print("first", json.dumps(out["first"]), flush=True)
        out["second"] = ingest(args.corpus, db, "local", args.workers)
        print("second", json.dumps(out["second"]), flush=True)
        out["stored"] = duplicates(db)
        killed_db = Path(tmp) / "killed.duckdb"
        out["killed"] = ingest(args.corpus, killed_db, "local", args.workers, args.kill_after)
        out["killed"]["stored_at_kill"] = duplicates(killed_db)
        print("killed", json.dumps(out["killed"]), flush=True)
        out["resumed"] = ingest(args.corpus, killed_db, "local", args.workers)
        out["resumed"]["stored"] = duplicates(killed_db)
        print("resumed", json.dumps(out["resumed"]), flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=300, help="first N articles (0: all)")
    parser.add_argument("--runs", default="local1,local2,ray2", help=f"of {','.join(RUNS)}")
    parser.add_argument("--no-natasha", dest="natasha", action="store_false")
    parser.add_argument("--full", action="store_true", help="whole corpus, rerun, kill -9")
    parser.add_argument("--workers", type=int, default=2, help="workers for --full")
    parser.add_argument("--kill-after", type=int, default=200, help="--full: SIGKILL at N landed")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    meta = {
        "corpus": str(args.corpus),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if args.full:
        results = {"benchmark": "ingest-full", **meta, **full(args)}
    else:
        results = {"benchmark": "ingest", "limit": args.limit, **meta, **bench(args)}
        print(f"\n{args.limit} articles, {meta['cpus']} CPUs, Python {meta['python']}")
        print(
            f"{'run':9}{'end-to-end/s':>13}{'steady/s':>9}{'vs natasha':>11}"
            f"{'CPU s/art':>10}{'vs natasha':>11}{'worker MB':>10}{'writer MB':>10}"
        )
        for name, r in results["runs"].items():
            print(
                f"{name:9}{r.get('articles_per_s', 0):13.2f}"
                f"{r.get('steady_articles_per_s', 0):9.2f}"
                f"{r.get('ratio_steady_vs_natasha', 0):11.2f}"
                f"{r.get('cpu_s_per_article', 0):10.3f}{r.get('ratio_cpu_vs_natasha', 0):11.2f}"
                f"{r['worker_max_mb']:10.0f}{r['writer_mb']:10.0f}"
            )
        for workers, r in results["natasha"].items():
            print(
                f"{'natasha' + str(workers):9}{'':13}{r['articles_per_s']:9.2f}{'':11}"
                f"{r['cpu_s_per_article']:10.3f}{'':11}{r['peak_rss_mb_max_worker']:10.0f}"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
