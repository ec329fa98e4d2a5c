"""`ingest`: inputs → engine → the one writer → cross-article rebuild.

The driver reads the inputs, skips documents whose id is stored already (resume), hands the
rest to an engine and writes what comes back in batches, one transaction each (every 3 s or 64
articles), and releases the store's file lock every 10 s so that read-only users (the server)
get in. Any failure of
one input — unreadable, malformed, or an error in analysis — is recorded in `errors` and the
run goes on.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from svodka.engines.worker import DOC_TIMEOUT, Outcome
from svodka.errors import InputError, UsageError
from svodka.ingest.document import RawDocument
from svodka.ingest.sources import MAX_SIZE_MB
from svodka.store import Store

ENGINES = ("local", "ray")
FLUSH_ARTICLES = 64  # commit at least this often …
FLUSH_SECONDS = 3.0  # … or after this long, whichever comes first
# Closing the file (so that readers get in) costs a checkpoint, ~0.3 CPU-s on a store of a
# few thousand articles: do it at most this often, not at every commit. SVODKA_RELEASE_SECONDS
# overrides it (0: after every commit) where readers need fresher data.
RELEASE_SECONDS = 10.0


@dataclass(slots=True)
class Report:
    landed: int = 0
    skipped: int = 0  # already stored (or repeated in the inputs)
    failed: int = 0
    seconds: float = 0.0
    first_result: float | None = None  # seconds from the start to the first analysed document
    rebuild_seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)

    analysed: int = 0

    @property
    def rate(self) -> float:
        """Articles landed per second, start to end (reading inputs and loading models too)."""
        return self.landed / self.seconds if self.seconds else 0.0

    @property
    def steady_rate(self) -> float:
        """Documents analysed per second once the workers were up (after the first result)."""
        if self.first_result is None or self.analysed < 2:
            return 0.0
        span = self.seconds - self.first_result
        return (self.analysed - 1) / span if span > 0 else 0.0


def expected_id(doc: RawDocument) -> str | None:
    """The id the pipeline will give a document, when it can be known before analysis."""
    from svodka.ingest.html import looks_like_html
    from svodka.pipeline import content_id

    if doc.id:
        return doc.id
    if doc.html is None and doc.text is not None and not looks_like_html(doc.text):
        return content_id(doc.text.replace("\r\n", "\n").replace("\r", "\n"))
    return None  # HTML: its text (and so its id) is known only after extraction


def split_error(error: InputError) -> tuple[str, str]:
    """`path: reason` → (path, reason)."""
    where, sep, reason = str(error).partition(": ")
    return (where, reason) if sep else ("<input>", str(error))


class _Writer:
    """Buffers outcomes and commits them in batches."""

    def __init__(self, store: Store, report: Report, on_error: Callable[[str, str], None]) -> None:
        self.store, self.report, self.on_error = store, report, on_error
        self.buffer: list[Outcome] = []
        self.started = self.last = self.released = time.monotonic()
        self.release_every = float(os.environ.get("SVODKA_RELEASE_SECONDS", RELEASE_SECONDS))

    def add(self, outcome: Outcome) -> None:
        self.report.analysed += 1
        if self.report.first_result is None:
            self.report.first_result = time.monotonic() - self.started
        self.buffer.append(outcome)
        if len(self.buffer) >= FLUSH_ARTICLES or time.monotonic() - self.last >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        prepared = [o.prepared for o in self.buffer if o.prepared is not None]
        new = self.store.add_many(prepared)
        self.report.landed += len(new)
        self.report.skipped += len(prepared) - len(new)
        for o in self.buffer:
            if o.prepared is None:
                self.error(o.input, o.error or "unknown error")
        self.buffer.clear()
        self.last = time.monotonic()
        if self.last - self.released >= self.release_every:
            self.store.release()  # let readers in between batches
            self.released = self.last

    def error(self, where: str, reason: str) -> None:
        self.store.add_error(where, reason)
        self.report.failed += 1
        self.report.errors.append((where, reason))
        self.on_error(where, reason)


def ingest(
    paths: list[str],
    store: Store,
    engine: str = "local",
    workers: int = 1,
    on_total: Callable[[int], None] = lambda n: None,
    on_progress: Callable[[int], None] = lambda n: None,
    on_error: Callable[[str, str], None] = lambda where, reason: None,
    rebuild: bool = True,
    timeout: float | None = DOC_TIMEOUT,
    max_size: float | None = MAX_SIZE_MB,
) -> Report:
    """Ingest files, folders, JSON Lines, feeds, WARC and .gz into the store; a document over
    `max_size` MB is refused, one whose analysis takes over `timeout` CPU-s is stopped."""
    from svodka.ingest.sources import read_inputs

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    report = Report()
    writer = _Writer(store, report, on_error)
    started = time.monotonic()

    docs: list[RawDocument] = []
    for item in read_inputs(paths, max_size=max_size):
        if isinstance(item, InputError):
            writer.error(*split_error(item))
        else:
            docs.append(item)
    ids = [expected_id(d) for d in docs]
    stored = store.stored(i for i in ids if i)
    seen: set[str] = set()
    todo = []
    for doc, doc_id in zip(docs, ids, strict=True):
        if doc_id and (doc_id in stored or doc_id in seen):
            report.skipped += 1
            continue
        if doc_id:
            seen.add(doc_id)
        todo.append(doc)
    on_total(len(todo))
    store.release()

    if engine == "local":
        from svodka.engines import local

        for n, outcome in enumerate(local.run(todo, workers, timeout), 1):
            writer.add(outcome)
            on_progress(n)
    else:
        _run_ray(todo, workers, store, writer, on_progress, timeout)
    writer.flush()
    report.seconds = time.monotonic() - started

    if rebuild and (report.landed or store.clusters_stale()):
        t0 = time.monotonic()
        store.rebuild_clusters()
        report.rebuild_seconds = time.monotonic() - t0
    store.release()
    return report


def _run_ray(
    todo: list[RawDocument],
    workers: int,
    store: Store,
    writer: _Writer,
    on_progress: Callable[[int], None],
    timeout: float | None,
) -> None:
    from svodka.engines import ray as ray_engine

    shard_dir = Path(f"{store.path}.shards")
    for shard in sorted(shard_dir.glob("*.parquet")):  # shards a killed run wrote, not loaded
        _load(shard, writer)
    if not todo:
        return
    started = ray_engine.start(workers)
    try:
        done = 0
        for shard in ray_engine.run(todo, workers, shard_dir, timeout):
            done += _load(shard, writer)
            on_progress(done)
    finally:
        if started:
            ray_engine.stop()
    shutil.rmtree(shard_dir, ignore_errors=True)


def _load(shard: Path, writer: _Writer) -> int:
    """Commit one shard's articles and errors, then delete it; its row count."""
    import pyarrow.parquet as pq

    from svodka.engines.shards import from_table

    outcomes = from_table(pq.read_table(shard))
    for outcome in outcomes:
        writer.add(outcome)
    writer.flush()
    shard.unlink()
    return len(outcomes)
