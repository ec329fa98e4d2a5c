"""The public record (`svodka/article@1`) as frozen dataclasses, with its one JSON mapping.

Field names and order follow SPEC.md; offsets are Python string indices into `Article.text`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "svodka/article@1"

ENTITY_TYPES = ("PER", "ORG", "GPE", "LOC", "FAC", "EVT")
MENTION_KINDS = ("name", "role", "pronoun", "adjective", "metonym")
QUOTE_KINDS = ("direct", "indirect", "list")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Range:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str
    kind: str = "name"


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    type: str
    name: str
    kb: str | None = None
    country: str | None = None
    roles: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    kind: str
    text: str
    start: int
    end: int
    cue: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    cameo: str | None
    mode: str | None
    source: tuple[str, ...]
    target: tuple[str, ...]
    location: str | None
    date: str | None
    duration: str | None
    intent: bool
    negated: bool
    trigger: Span
    sentence: Range


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    value: str


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str | None
    date: str | None
    agency: str | None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Media:
    caption: str | None
    credit: str | None


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    url: str | None = None
    path: str | None = None
    outlet: str | None = None
    language: str = "ru"
    headline: str | None = None
    published: str | None = None
    updated: str | None = None
    dateline: Dateline | None = None
    media: tuple[Media, ...] = ()
    lead: str | None = None
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    timexes: tuple[Timex, ...] = ()
    schema: str = field(default=SCHEMA)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object, keys in SPEC.md order."""
        raw = dataclasses.asdict(self)
        order = (
            "schema", "id", "url", "path", "outlet", "language", "headline", "published",
            "updated", "dateline", "media", "lead", "text", "entities", "quotes", "events",
            "timexes",
        )  # fmt: skip
        return {key: raw[key] for key in order}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild a record from `to_dict` output (unknown keys are ignored)."""
        dl = data.get("dateline")
        return cls(
            id=data["id"],
            text=data["text"],
            url=data.get("url"),
            path=data.get("path"),
            outlet=data.get("outlet"),
            language=data.get("language", "ru"),
            headline=data.get("headline"),
            published=data.get("published"),
            updated=data.get("updated"),
            dateline=_build(Dateline, dl) if dl else None,
            media=tuple(_build(Media, m) for m in data.get("media", ())),
            lead=data.get("lead"),
            entities=tuple(
                _build(Entity, e, mentions=tuple(_build(Mention, m) for m in e["mentions"]))
                for e in data.get("entities", ())
            ),
            quotes=tuple(_build(Quote, q) for q in data.get("quotes", ())),
            events=tuple(
                _build(
                    Event,
                    e,
                    trigger=_build(Span, e["trigger"]),
                    sentence=_build(Range, e["sentence"]),
                )
                for e in data.get("events", ())
            ),
            timexes=tuple(_build(Timex, t) for t in data.get("timexes", ())),
            schema=data.get("schema", SCHEMA),
        )

    def spans(self) -> list[tuple[int, int, str]]:
        """Every (start, end, text) claim in the record, for checking `text[start:end]`."""
        out: list[tuple[int, int, str]] = []
        for entity in self.entities:
            out.extend((m.start, m.end, m.text) for m in entity.mentions)
        out.extend((q.start, q.end, q.text) for q in self.quotes)
        out.extend((e.trigger.start, e.trigger.end, e.trigger.text) for e in self.events)
        out.extend((t.start, t.end, t.text) for t in self.timexes)
        return out


def _build(cls: type, data: dict[str, Any], **override: Any) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    for key, value in kwargs.items():
        if isinstance(value, list):
            kwargs[key] = tuple(value)
    kwargs.update(override)
    return cls(**kwargs)
