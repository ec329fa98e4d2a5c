"""svodka: who did what to whom, and who said what, from Russian news articles."""

from __future__ import annotations

from functools import cache
from typing import Any

from svodka.errors import InputError, SvodkaError, UsageError
from svodka.ingest.document import RawDocument
from svodka.pipeline import Pipeline
from svodka.records import Article, Dateline, Entity, Event, Media, Mention, Quote, Span, Timex

__all__ = [
    "Article",
    "Dateline",
    "Entity",
    "Event",
    "InputError",
    "Media",
    "Mention",
    "Pipeline",
    "Quote",
    "RawDocument",
    "Span",
    "SvodkaError",
    "Timex",
    "UsageError",
    "extract",
]


@cache
def _default_pipeline() -> Pipeline:
    return Pipeline()


def extract(text_or_html: str, **metadata: Any) -> Article:
    """The `svodka/article@1` record of one article (text or HTML); metadata as in RawDocument."""
    return _default_pipeline()(text_or_html, **metadata)
