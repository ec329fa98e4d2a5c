"""Throughput and peak memory: Natasha's segment+morph+syntax+NER vs svodka's `Pipeline`.

Both systems read the same articles in one run, each in fresh child processes of its own, so
that neither inherits the other's models, caches or heap, and peak RSS (`ru_maxrss` of the
child, from the standard library's `resource`) is that system's alone.

A child loads its models, runs them once on a short warm-up text, reads its share of the
corpus and then reports ready; the parent starts all of one system's children at once and the
clock runs from the first child's start to the last child's end. Model loading (with the
warm-up) is reported apart and is not in the rate. With `--workers W` each system runs W
children over interleaved shares of the articles; the peak RSS shown is then the sum of the
children's peaks (what the machine must hold) and the largest one. `--threads N` sets the
BLAS/OpenMP thread count of every child (numpy's matrix products in Natasha's models); by
default the children inherit the environment. Several workers each with a thread per CPU
oversubscribe the machine, so give `--threads` with `--workers`. `--repeat R` runs the two
systems R times, alternating, and keeps each system's fastest run (as `timeit` does): on a
shared machine other work only ever slows a run down.

    python benchmarks/throughput.py [--corpus ../shared/corpus/newsru-rucoco.jsonl]
                                    [--limit 300] [--workers 1] [--threads N] [--repeat R]
                                    [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout, svodka not installed
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "newsru-rucoco.jsonl"
SYSTEMS = ("natasha", "svodka")
WARMUP = (
    "МОСКВА, 3 сентября. Президент России Владимир Путин провёл в Кремле переговоры "
    "с председателем КНР Си Цзиньпином. «Мы договорились», — сказал Путин журналистам."
)
READY, RESULT = "READY ", "RESULT "
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True, slots=True)
class WorkerResult:
    articles: int
    characters: int
    items: int  # NER spans (natasha) or entity mentions (svodka): proof the work was done
    load_s: float
    start: float  # time.monotonic(), one clock for all processes on the machine
    end: float
    cpu_s: float  # user + system CPU time of the run, all threads of the process
    maxrss_load_mb: float
    maxrss_mb: float


def _maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def read_corpus(path: Path, limit: int) -> list[dict[str, Any]]:
    """The first `limit` articles (all when 0) of a JSON Lines corpus with `text`."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            out.append(json.loads(line))
            if limit and len(out) >= limit:
                break
    return out


# --- child ----------------------------------------------------------------------------------


def _natasha() -> Callable[[str, str | None], int]:
    from natasha import (
        Doc,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        NewsSyntaxParser,
        Segmenter,
    )

    emb = NewsEmbedding()
    segmenter = Segmenter()
    morph = NewsMorphTagger(emb)
    syntax = NewsSyntaxParser(emb)
    ner = NewsNERTagger(emb)

    def run(text: str, published: str | None) -> int:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.parse_syntax(syntax)
        doc.tag_ner(ner)
        return len(doc.spans)

    return run


def _svodka() -> Callable[[str, str | None], int]:
    from svodka.pipeline import Pipeline

    nlp = Pipeline()

    def run(text: str, published: str | None) -> int:
        article = nlp(text, published=published)
        return sum(len(e.mentions) for e in article.entities)

    return run


def child(system: str, corpus: Path, limit: int, shard: int, shards: int) -> None:
    """Load, warm up, report ready, wait for the go line, run the shard, report the result."""
    t0 = time.perf_counter()
    run = _natasha() if system == "natasha" else _svodka()
    run(WARMUP, "2025-09-03")
    load_s = time.perf_counter() - t0
    articles = read_corpus(corpus, limit)[shard::shards]
    maxrss_load = _maxrss_mb()
    print(READY + json.dumps({"load_s": load_s}), flush=True)
    sys.stdin.readline()

    start, cpu = time.monotonic(), _cpu_s()
    items = 0
    for a in articles:
        items += run(a["text"], a.get("published"))
    end, cpu = time.monotonic(), _cpu_s() - cpu
    result = WorkerResult(
        articles=len(articles),
        characters=sum(len(a["text"]) for a in articles),
        items=items,
        load_s=load_s,
        start=start,
        end=end,
        cpu_s=cpu,
        maxrss_load_mb=maxrss_load,
        maxrss_mb=_maxrss_mb(),
    )
    print(RESULT + json.dumps(asdict(result)), flush=True)


# --- parent ---------------------------------------------------------------------------------


def _expect(proc: subprocess.Popen[str], prefix: str, system: str) -> dict[str, Any]:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(prefix):
            return dict(json.loads(line[len(prefix) :]))
    proc.wait()
    raise RuntimeError(f"{system} worker exited ({proc.returncode}) before {prefix.strip()}")


def measure(
    system: str, corpus: Path, limit: int, workers: int, threads: int | None = None
) -> dict[str, Any]:
    """Run one system in `workers` fresh processes over the corpus; aggregate their reports."""
    env = dict(os.environ)
    if threads:
        env.update(dict.fromkeys(THREAD_VARS, str(threads)))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                system,
                "--corpus",
                str(corpus),
                "--limit",
                str(limit),
                "--shard",
                str(i),
                "--workers",
                str(workers),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env,
        )
        for i in range(workers)
    ]
    try:
        for p in procs:
            _expect(p, READY, system)
        for p in procs:  # all loaded: start them together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = [WorkerResult(**_expect(p, RESULT, system)) for p in procs]
        for p in procs:
            p.wait()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    wall = max(r.end for r in results) - min(r.start for r in results)
    articles = sum(r.articles for r in results)
    characters = sum(r.characters for r in results)
    return {
        "workers": workers,
        "articles": articles,
        "characters": characters,
        "items": sum(r.items for r in results),
        "seconds": wall,
        "articles_per_s": articles / wall if wall else 0.0,
        "chars_per_s": characters / wall if wall else 0.0,
        "cpu_s": sum(r.cpu_s for r in results),
        "load_s": max(r.load_s for r in results),
        "peak_rss_mb": sum(r.maxrss_mb for r in results),
        "peak_rss_mb_max_worker": max(r.maxrss_mb for r in results),
        "rss_after_load_mb": max(r.maxrss_load_mb for r in results),
        "per_worker": [asdict(r) for r in results],
    }


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of a system's runs, with every run's rate and the largest peak RSS."""
    out = dict(max(runs, key=lambda r: r["articles_per_s"]))
    out["runs_articles_per_s"] = [r["articles_per_s"] for r in runs]
    for key in ("peak_rss_mb", "peak_rss_mb_max_worker", "rss_after_load_mb"):
        out[key] = max(r[key] for r in runs)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON Lines corpus")
    parser.add_argument("--limit", type=int, default=300, help="first N articles (0: all)")
    parser.add_argument("--workers", type=int, default=1, help="processes per system")
    parser.add_argument("--threads", type=int, help="BLAS/OpenMP threads per process")
    parser.add_argument("--repeat", type=int, default=1, help="runs per system; best is kept")
    parser.add_argument("--json", type=Path, help="write the results to this JSON file")
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--shard", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if args.child:
        child(args.child, corpus, args.limit, args.shard, args.workers)
        return 0
    if not corpus.is_file():
        parser.error(f"no such file: {args.corpus}")
    if args.workers < 1 or args.repeat < 1:
        parser.error("--workers and --repeat must be at least 1")

    threads = str(args.threads) if args.threads else os.environ.get("OMP_NUM_THREADS", "default")
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in SYSTEMS}
    for _ in range(args.repeat):
        for s in SYSTEMS:
            runs[s].append(measure(s, corpus, args.limit, args.workers, args.threads))
    results = {s: best(r) for s, r in runs.items()}
    nat, svo = results["natasha"], results["svodka"]
    ratio = svo["articles_per_s"] / nat["articles_per_s"] if nat["articles_per_s"] else 0.0
    print(
        f"{nat['articles']} articles, {nat['characters']:,} characters from {args.corpus}; "
        f"{args.workers} worker process(es) per system, BLAS threads {threads}, "
        f"best of {args.repeat} run(s); "
        f"{os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}\n"
    )
    print(
        f"{'':10}{'articles/s':>11}{'chars/s':>10}{'run s':>8}{'CPU s':>8}{'load s':>8}"
        f"{'peak RSS MB':>13}"
    )
    for name, r in results.items():
        print(
            f"{name:10}{r['articles_per_s']:11.2f}{r['chars_per_s']:10,.0f}{r['seconds']:8.1f}"
            f"{r['cpu_s']:8.1f}{r['load_s']:8.1f}{r['peak_rss_mb']:13.0f}"
        )
    print(f"\nsvodka/natasha articles/s: {ratio:.2f}")
    print(
        f"peak RSS after load (MB): natasha {nat['rss_after_load_mb']:.0f}, "
        f"svodka {svo['rss_after_load_mb']:.0f}"
    )

    if args.json:
        out = {
            "benchmark": "throughput",
            "corpus": str(args.corpus),
            "limit": args.limit,
            "workers": args.workers,
            "repeat": args.repeat,
            "threads": threads,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ratio_svodka_natasha": ratio,
            "systems": results,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
