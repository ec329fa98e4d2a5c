"""The `svodka` command line: a thin shell over the Python API."""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Annotated

import typer

from svodka.errors import InputError, SvodkaError
from svodka.ingest.document import RawDocument
from svodka.records import Article

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="svodka: who did what to whom, and who said what, from Russian news articles.",
)


class Format(str, Enum):
    json = "json"
    jsonl = "jsonl"


@app.callback()
def main() -> None:
    """svodka: who did what to whom, and who said what, from Russian news articles."""


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
) -> None:
    """Print the svodka/article@1 record of each input: pretty JSON for one, JSON Lines for many."""
    from svodka.ingest.sources import read_inputs

    failures = 0
    pipeline = None
    pending: Article | None = None
    printed = 0
    for item in read_inputs(paths, published=published, url=url):
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
        if pending is not None:
            _print(pending, Format.jsonl)
            printed += 1
        pending = article
    if pending is not None:
        single = printed == 0 and format is not Format.jsonl
        _print(pending, Format.json if single else Format.jsonl)
    raise typer.Exit(1 if failures else 0)


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


if __name__ == "__main__":  # pragma: no cover
    app()
