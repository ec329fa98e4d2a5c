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
    single = format is not Format.jsonl and _one_article(paths)
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


if __name__ == "__main__":  # pragma: no cover
    app()
