"""What `svodka ingest` and `svodka export` show a person: a Rich progress bar with
articles/s, one line per failed input, a summary; and exit codes (0 ok, 1 some input or the
store failed, 2 usage)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from svodka.errors import SvodkaError, UsageError
from svodka.ingest.sources import MAX_SIZE_MB


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:5.1f} articles/s", style="progress.data.speed")


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def ingest_command(
    paths: list[str],
    db: str,
    engine: str,
    workers: int,
    progress: bool,
    timeout: float | None,
    max_size: float | None = MAX_SIZE_MB,
) -> int:
    """Run `svodka ingest`; the exit code."""
    from svodka.engines.driver import ingest
    from svodka.store import Store

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        disable=not progress,
    )
    task = bar.add_task("ingest", total=None)

    def on_error(where: str, reason: str) -> None:
        bar.console.print(
            f"svodka: error: {where}: {reason}", markup=False, highlight=False, soft_wrap=True
        )

    try:
        with Store(db) as store, bar:
            report = ingest(
                paths,
                store,
                engine=engine,
                workers=workers,
                on_total=lambda n: bar.update(task, total=n),
                on_progress=lambda n: bar.update(task, completed=n),
                on_error=on_error,
                timeout=timeout,
                max_size=max_size,
            )
            totals = {
                name: store.count(name) for name in ("articles", "quote_clusters", "event_clusters")
            }
    except UsageError as exc:
        _say(f"svodka: error: {exc}")
        return 2
    except KeyboardInterrupt:
        _say("svodka: interrupted; run the same command again to resume")
        return 130
    except SvodkaError as exc:
        _say(f"svodka: error: {exc}")
        return 1
    except Exception as exc:
        if os.environ.get("SVODKA_DEBUG"):
            raise
        _say(f"svodka: error: internal error ({type(exc).__name__}: {exc})")
        return 1
    _say(
        f"landed {report.landed}, skipped {report.skipped} (already stored), "
        f"failed {report.failed} in {report.seconds:.1f} s ({report.rate:.2f} articles/s; "
        f"{report.steady_rate:.2f}/s once the workers were up after "
        f"{report.first_result or 0:.1f} s); cross-article tables rebuilt in "
        f"{report.rebuild_seconds:.1f} s"
    )
    _say(
        f"{db}: {totals['articles']} articles, {totals['quote_clusters']} quotations, "
        f"{totals['event_clusters']} events"
    )
    return 1 if report.failed else 0


def export_command(db: str, format: str, output: str) -> int:
    """Run `svodka export`; the exit code."""
    from svodka.store import Store
    from svodka.store.export import export_gdelt, export_jsonl, export_parquet

    started = time.monotonic()
    try:
        with Store(db, read_only=True) as store:
            if format == "parquet":
                if output == "-":
                    raise UsageError("--format parquet writes a folder: give -o FOLDER")
                counts = export_parquet(store, Path(output))
                what = f"{len(counts)} tables ({counts.get('articles', 0)} articles)"
            else:
                write = export_jsonl if format == "jsonl" else export_gdelt
                if output == "-":
                    n = write(store, sys.stdout)
                    sys.stdout.flush()
                else:
                    with open(output, "w", encoding="utf-8", newline="\n") as out:
                        n = write(store, out)
                what = f"{n} {'articles' if format == 'jsonl' else 'events'}"
    except UsageError as exc:
        _say(f"svodka: error: {exc}")
        return 2
    except (SvodkaError, OSError) as exc:
        _say(f"svodka: error: {exc}")
        return 1
    if output != "-":
        _say(f"exported {what} to {output} in {time.monotonic() - started:.1f} s")
    return 0
