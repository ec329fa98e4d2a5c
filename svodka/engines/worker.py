"""What one worker process (a pool process or a Ray actor) does: load the pipeline once, then
turn documents into prepared articles or error reasons — never raise for one bad document."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from svodka.errors import SvodkaError
from svodka.ingest.document import RawDocument
from svodka.store.rows import Prepared, prepare

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True, slots=True)
class Outcome:
    input: str  # where the document came from, for the errors table
    prepared: Prepared | None
    error: str | None = None


def where(doc: RawDocument) -> str:
    """A document's place in the inputs: its file (or URL), and its id when it has one."""
    place = doc.path or doc.url or "<stdin>"
    if doc.path and doc.url:  # an entry of a feed or an archive
        place = f"{doc.path} <{doc.url}>"
    return f"{place} [{doc.id}]" if doc.id else place


DOC_TIMEOUT = 60.0  # CPU seconds one document may take; the longest in 3,075 takes ~3


class DocumentTimeout(SvodkaError):
    """Analysis of one document ran past its time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the block once the process has spent `seconds` of CPU time
    in it (SIGPROF: main thread, POSIX only; elsewhere no limit). CPU time, not wall time,
    so that a busy machine does not fail slow documents. A pipeline bug that loops forever
    on one odd sentence must cost that document, not the run."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"analysis stopped after {seconds:g} s of CPU time")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


class Analyser:
    """The pipeline, loaded once, applied to one document at a time."""

    def __init__(self, timeout: float | None = DOC_TIMEOUT) -> None:
        from svodka.pipeline import Pipeline

        self.nlp = Pipeline()
        self.timeout = timeout

    def __call__(self, doc: RawDocument) -> Outcome:
        try:
            with time_limit(self.timeout):
                article = self.nlp(doc)
            return Outcome(where(doc), prepare(article))
        except SvodkaError as exc:
            return Outcome(where(doc), None, str(exc))
        except Exception as exc:  # a bug on one article must not cost the batch
            if os.environ.get("SVODKA_DEBUG"):
                raise
            return Outcome(where(doc), None, f"internal error ({type(exc).__name__}: {exc})")
