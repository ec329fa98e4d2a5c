"""The local engine: a pool of processes, each loading the pipeline once.

Processes are spawned, not forked: the parent holds a DuckDB connection and threads that a
fork would copy in an unknown state. At most `4 × workers` documents are in flight, so memory
stays flat however many inputs there are; results come back as they finish (unordered).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from svodka.engines.worker import DOC_TIMEOUT, THREAD_VARS, Analyser, Outcome, where
from svodka.errors import SvodkaError
from svodka.ingest.document import RawDocument

_analyser: Analyser | None = None


def _init(timeout: float | None) -> None:
    global _analyser
    # Ctrl-C reaches the whole process group: the driver handles it, and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _analyser = Analyser(timeout)


def _analyse(doc: RawDocument) -> Outcome:
    assert _analyser is not None, "worker not initialised"
    return _analyser(doc)


@contextmanager
def _one_thread_per_worker() -> Iterator[None]:
    """One BLAS/OpenMP thread per worker (numpy in Natasha's models) unless the user set one.
    The models' matrices are small, and OpenBLAS threads spin while they wait: on a 2-core
    machine with other work, one worker with 2 threads spent 0.68 CPU-s per article against
    0.16 with 1 (300 NEWSru articles). Spawned children copy the environment when they start."""
    share = "1"
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    for k in THREAD_VARS:
        os.environ.setdefault(k, share)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(
    docs: Iterable[RawDocument], workers: int = 1, timeout: float | None = DOC_TIMEOUT
) -> Iterator[Outcome]:
    """Analyse documents on `workers` processes; one Outcome per document, as each finishes.
    A document whose analysis takes more than `timeout` CPU seconds is an error outcome."""
    context = multiprocessing.get_context("spawn")
    with (
        _one_thread_per_worker(),
        ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init, initargs=(timeout,)
        ) as pool,
    ):
        pending: dict[Future[Outcome], RawDocument] = {}
        source = iter(docs)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 4 * workers:
                doc = next(source, None)
                if doc is None:
                    exhausted = True
                    break
                pending[pool.submit(_analyse, doc)] = doc
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                doc = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    raise SvodkaError(
                        f"a worker process died (out of memory?) while analysing {where(doc)}; "
                        "run the same command again to resume"
                    ) from None
