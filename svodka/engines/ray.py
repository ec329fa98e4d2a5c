"""The Ray engine: Ray Data `map_batches` over an actor pool, each actor one `Pipeline`.

The same command runs on a laptop (a local Ray started for the run, one CPU per actor) and on
a cluster (`RAY_ADDRESS=ray://head:10001 svodka ingest … --engine ray --workers 64`). The
actors' output comes back as Arrow batches; the driver writes each as a Parquet shard (whole
or absent: see `svodka.engines.shards`) and the store loads it — the one writer. For runs
too large to stream through the driver, `write_shards` has the cluster write the shards
(`Dataset.write_parquet`) for `Store.load_shards` to load later.

Needs the `ray` extra: `pip install 'svodka[ray]'`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pyarrow as pa

from svodka.engines import shards
from svodka.engines.worker import DOC_TIMEOUT, Analyser
from svodka.errors import UsageError
from svodka.ingest.document import RawDocument

BATCH = 8  # documents per actor call: small, so that work spreads evenly over the actors
_DOC_FIELDS = tuple(f.name for f in fields(RawDocument))


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError("the ray engine needs Ray: pip install 'svodka[ray]'") from None
    return ray


class PipelineActor:
    """A Ray actor: loads the pipeline once, analyses batches of documents into shard rows."""

    def __init__(self, timeout: float | None = DOC_TIMEOUT) -> None:
        self.analyse = Analyser(timeout)

    def __call__(self, batch: pa.Table) -> pa.Table:
        docs = [RawDocument(**{k: row.get(k) for k in _DOC_FIELDS}) for row in batch.to_pylist()]
        return shards.to_table(self.analyse(doc) for doc in docs)


def start(workers: int) -> bool:
    """Connect to the cluster at RAY_ADDRESS, or start a local Ray with `workers` CPUs;
    True when this call started Ray (and so should shut it down)."""
    # Ray's notices would break up svodka's progress bar; its errors still surface as
    # exceptions. Ray Data reads its level from the environment when it configures logging;
    # the C++ core logs an error-level note about every Ray Data actor pool (constructor
    # arguments in the object store, see ray-project/ray#53727).
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    ray = _ray()
    if ray.is_initialized():
        return False
    quiet = {"include_dashboard": False, "logging_level": logging.ERROR, "log_to_driver": False}
    address = os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, **quiet)
    else:
        ray.init(num_cpus=workers, **quiet)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # svodka draws its own
    context.print_on_execution_start = False
    return True


def _dataset(docs: Sequence[RawDocument], workers: int, timeout: float | None) -> Any:
    ray = _ray()
    rows = [asdict(d) for d in docs]
    # Enough blocks for every actor to have work, not so many that each is a handful.
    blocks = min(len(rows), max(workers, min(-(-len(rows) // BATCH), 4 * workers)))
    ds = ray.data.from_items(rows, override_num_blocks=blocks)
    return ds.map_batches(
        PipelineActor,
        batch_size=BATCH,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
        fn_constructor_kwargs={"timeout": timeout},
    )


def run(
    docs: Sequence[RawDocument],
    workers: int,
    shard_dir: Path,
    timeout: float | None = DOC_TIMEOUT,
) -> Iterator[Path]:
    """Analyse documents on a pool of `workers` actors; yield each Parquet shard once written."""
    if not docs:
        return
    ds = _dataset(docs, workers, timeout)
    for n, batch in enumerate(ds.iter_batches(batch_size=4 * BATCH, batch_format="pyarrow")):
        yield shards.write_shard(batch, shard_dir / f"shard-{os.getpid()}-{n:06d}.parquet")


def write_shards(
    docs: Sequence[RawDocument],
    workers: int,
    shard_dir: Path,
    timeout: float | None = DOC_TIMEOUT,
) -> None:
    """Have the cluster write the shards itself (`shard_dir` on storage it shares)."""
    if docs:
        _dataset(docs, workers, timeout).write_parquet(str(shard_dir))


def stop() -> None:
    _ray().shutdown()
