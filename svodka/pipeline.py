"""`Pipeline`: loads every model and table once; `nlp(doc)` and `nlp.pipe(docs)` give Articles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from svodka import kb
from svodka.events.finder import EventFinder, to_records
from svodka.events.timex import find_timexes
from svodka.ingest.document import RawDocument
from svodka.ingest.html import from_html, looks_like_html
from svodka.ingest.language import detect_language
from svodka.ingest.plain import date_of, parse_header
from svodka.nlp.analysis import Analyzer
from svodka.nlp.coref import Coreference
from svodka.nlp.entities import EntityFinder, build_entities
from svodka.quotes.finder import QuoteFinder
from svodka.quotes.marks import quoted_spans
from svodka.records import Article, Quote


def content_id(text: str) -> str:
    """Stable id of an article's text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class Pipeline:
    """All of svodka's analysis, with its models loaded once per process."""

    def __init__(self) -> None:
        self.analyzer = Analyzer()
        knowledge = kb.load()
        self.entities = EntityFinder(knowledge)
        self.coref = Coreference(knowledge)
        self.quotes = QuoteFinder()
        self.events = EventFinder()

    def __call__(self, doc: RawDocument | str, **metadata: Any) -> Article:
        if isinstance(doc, str):
            doc = RawDocument(text=doc, **metadata)
        elif metadata:
            raise TypeError("metadata keywords go with a text, not with a RawDocument")
        return self._run(doc)

    def pipe(self, docs: Iterable[RawDocument | str]) -> Iterator[Article]:
        """Articles for many inputs, in order."""
        for doc in docs:
            yield self(doc)

    def _run(self, doc: RawDocument) -> Article:
        text, meta = _prepare(doc)
        reference = date_of(meta["published"])
        header = parse_header(text, reference)
        published = meta["published"] or header.published
        if reference is None:
            reference = date_of(published)
            if reference is not None and header.dateline is not None:
                header = parse_header(text, reference)
        analysis = self.analyzer(text)
        groups = self.entities(analysis, header.dateline)
        date = reference.isoformat() if reference else None
        self.coref(analysis, groups, date, quoted_spans(text))
        drafts = self.quotes(analysis, groups)
        timexes = find_timexes(text, reference)
        events = self.events(
            analysis,
            groups,
            timexes,
            date,
            header.dateline.date if header.dateline else None,
            drafts,
        )
        entities = build_entities(groups, text)
        event_records = to_records(events, text)
        quotes = [
            Quote(
                speaker=q.speaker.id if q.speaker is not None and q.speaker.id else None,
                kind=q.kind,
                text=text[q.start : q.end],
                start=q.start,
                end=q.end,
                cue=q.cue,
            )
            for q in drafts
        ]
        outlet = meta["outlet"] or (header.dateline.agency if header.dateline else None)
        return Article(
            id=doc.id or content_id(text),
            text=text,
            url=meta["url"],
            path=doc.path,
            outlet=outlet,
            language=detect_language(text),
            headline=doc.headline or header.headline or meta["headline"],
            published=published,
            updated=header.updated,
            dateline=header.dateline,
            media=tuple(header.media),
            lead=header.lead,
            entities=tuple(entities),
            quotes=tuple(quotes),
            events=tuple(event_records),
            timexes=tuple(timexes),
        )


def _prepare(doc: RawDocument) -> tuple[str, dict[str, str | None]]:
    meta: dict[str, str | None] = {
        "url": doc.url,
        "published": doc.published,
        "outlet": doc.outlet,
        "headline": None,
    }
    html = doc.html
    text = doc.text or ""
    if html is None and looks_like_html(text):
        html = text
    if html is not None:
        text, page = from_html(html, doc.url)
        meta = {k: meta.get(k) or page.get(k) for k in meta}
    return text.replace("\r\n", "\n").replace("\r", "\n"), meta
