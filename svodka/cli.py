"""The `svodka` command line: a thin shell over the Python API."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from svodka.errors import InputError, SvodkaError
from svodka.ingest.document import RawDocument
from svodka.ingest.sources import MAX_SIZE_MB
from svodka.records import Article

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="svodka: who did what to whom, and who said what, from Russian news articles.",
)


class Format(StrEnum):
    json = "json"
    jsonl = "jsonl"


@app.callback()
def main() -> None:
    """svodka: who did what to whom, and who said what, from Russian news articles."""


_MAX_SIZE = typer.Option(
    "--max-size",
    min=0,
    help="Largest document to analyse, in MB; bigger ones are refused (0: no limit)",
)


def _error(message: str) -> None:
    typer.echo(f"svodka: error: {message}", err=True)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Text/HTML files, folders, .jsonl, or -")],
    format: Annotated[
        Format | None, typer.Option("--format", "-f", help="json (pretty) or jsonl")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date (ISO) when the input has none")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Source URL of the article")] = None,
    max_size: Annotated[float, _MAX_SIZE] = MAX_SIZE_MB,
) -> None:
    """Print the svodka/article@1 record of each input: pretty JSON for one, JSON Lines for many."""
    from svodka.ingest.sources import read_inputs

    failures = 0
    pipeline = None
    single = format is not Format.jsonl and _one_article(paths)
    for item in read_inputs(paths, published=published, url=url, max_size=max_size or None):
        if isinstance(item, InputError):
            _error(str(item))
            failures += 1
            continue
        if pipeline is None:
            pipeline = _pipeline()
        article = _run(pipeline, _with_overrides(item, published, url))
        if article is None:
            failures += 1
            continue
        _print(article, Format.json if single else Format.jsonl)
    raise typer.Exit(1 if failures else 0)


def _one_article(paths: list[str]) -> bool:
    """One input (not a folder, not JSON Lines) prints pretty JSON; anything more, JSON Lines."""
    if len(paths) != 1 or paths[0] == "-":
        return len(paths) == 1
    path = Path(paths[0])
    return not path.is_dir() and path.suffix.lower() != ".jsonl"


def _with_overrides(doc: RawDocument, published: str | None, url: str | None) -> RawDocument:
    from dataclasses import replace

    return replace(doc, published=doc.published or published, url=doc.url or url)


def _pipeline():  # type: ignore[no-untyped-def]
    from svodka.pipeline import Pipeline

    return Pipeline()


def _run(pipeline, doc: RawDocument) -> Article | None:  # type: ignore[no-untyped-def]
    where = doc.path or "<stdin>"
    try:
        return pipeline(doc)
    except SvodkaError as exc:
        _error(f"{where}: {exc}")
    except Exception as exc:  # a bug must not cost the rest of the batch
        if os.environ.get("SVODKA_DEBUG"):
            raise
        _error(f"{where}: internal error ({type(exc).__name__}: {exc})")
    return None


def _print(article: Article, fmt: Format) -> None:
    sys.stdout.write(article.to_json(indent=2 if fmt is Format.json else None) + "\n")
    sys.stdout.flush()


@app.command("eval")
def eval_(
    gold_dir: Annotated[
        str, typer.Argument(metavar="GOLD_DIR", help="Folder of svodka/gold@1 .json files")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Score the pipeline against gold articles: precision, recall and F1 per layer."""
    import json

    from svodka.errors import UsageError
    from svodka.evaluate import load_gold_dir, run_gold

    try:
        # Gold is read before the models load, so a bad folder fails fast.
        report = run_gold(load_gold_dir(gold_dir), _pipeline())
    except UsageError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    except SvodkaError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    except Exception as exc:
        if os.environ.get("SVODKA_DEBUG"):
            raise
        _error(f"internal error ({type(exc).__name__}: {exc})")
        raise typer.Exit(1) from None
    if json_out:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report.format_table())


class DigestFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"


@app.command()
def digest(
    article: Annotated[
        str | None, typer.Option(help="Article id in the store, or a text/HTML file to analyse")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Actor key or any of its names")] = None,
    event: Annotated[str | None, typer.Option(help="Event id in the store")] = None,
    day: Annotated[str | None, typer.Option(help="Day (YYYY-MM-DD)")] = None,
    db: Annotated[str, typer.Option(help="Store file")] = "svodka.duckdb",
    format: Annotated[DigestFormat, typer.Option("--format", "-f")] = DigestFormat.text,
) -> None:
    """Print a digest in the seed's shape: main event, `Заявления X:` per speaker, other events."""
    from svodka.digest import digest_article, digest_from_store, render
    from svodka.errors import UsageError

    if sum(bool(v) for v in (article, actor, event, day)) != 1:
        _error("give exactly one of --article, --actor, --event, --day")
        raise typer.Exit(2)
    try:
        if article and Path(article).is_file():
            from svodka.ingest.sources import read_inputs

            doc = next(iter(read_inputs([article])))
            if isinstance(doc, InputError):
                raise doc
            result = digest_article(_pipeline()(doc))
        else:
            from svodka.store import Store

            if not Path(db).is_file():
                raise UsageError(f"no store at {db}: build one with `svodka ingest PATH --db {db}`")
            with Store(db, read_only=True) as store:
                result = digest_from_store(
                    store, article=article, actor=actor, event=event, day=day
                )
    except UsageError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    except SvodkaError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    if result is None:
        what = article or actor or event or day
        _error(f"nothing to digest for {what!r} in {db}")
        raise typer.Exit(1)
    sys.stdout.write(render(result, format.value))


@app.command()
def serve(
    db: Annotated[str, typer.Option(help="Store file (opened read-only)")] = "svodka.duckdb",
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="SVODKA_TOKEN", show_envvar=True, help="Token for POST /api/extract"),
    ] = None,
    allow_fetch: Annotated[
        bool,
        typer.Option(
            "--allow-fetch",
            help='Let POST /api/extract download {"fetch": URL} (token still required): '
            "http(s) only, never to loopback, private, link-local or other non-public addresses",
        ),
    ] = False,
) -> None:
    """Serve the HTTP API under /api/ (reference at /docs) and the web UI at /."""
    import uvicorn

    from svodka.api import create_app

    try:
        application = create_app(db, token=token, allow_fetch=allow_fetch)
    except SvodkaError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    writes = "enabled with the token" if token else "disabled (no --token)"
    if token and allow_fetch:
        writes += ", fetching public http(s) URLs allowed"
    typer.echo(f"svodka: serving {db} read-only at http://{host}:{port}/ ; POST {writes}", err=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


class Engine(StrEnum):
    local = "local"
    ray = "ray"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"
    gdelt = "gdelt"


@app.command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(help="Files, folders, .jsonl, .html, RSS/Atom, WARC, .gz")
    ],
    db: Annotated[str, typer.Option(help="The store (a DuckDB file)")] = "svodka.duckdb",
    engine: Annotated[Engine, typer.Option(help="local (process pool) or ray")] = Engine.local,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: one per CPU)")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    timeout: Annotated[
        float, typer.Option(min=0, help="CPU seconds one article may take (0: no limit)")
    ] = 60.0,
    max_size: Annotated[float, _MAX_SIZE] = MAX_SIZE_MB,
) -> None:
    """Analyse inputs into the store; idempotent and resumable (stored articles are skipped)."""
    from svodka.engines.console import ingest_command

    workers = workers or os.cpu_count() or 1
    code = ingest_command(
        paths, db, engine.value, workers, progress, timeout or None, max_size=max_size or None
    )
    raise typer.Exit(code)


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, parquet, gdelt")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="File (- for stdout); a folder for parquet")
    ],
    db: Annotated[str, typer.Option(help="The store (a DuckDB file)")] = "svodka.duckdb",
) -> None:
    """Export the store: article records (jsonl), every table (parquet), events (gdelt TSV)."""
    from svodka.engines.console import export_command

    raise typer.Exit(export_command(db, format.value, output))


if __name__ == "__main__":  # pragma: no cover
    app()
