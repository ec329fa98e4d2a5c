"""An article's text as HTML with its layers marked up: quotes, entity mentions, event triggers.

Spans from different layers may nest (`Президент РФ` holds `РФ`) or cross (a trigger inside a
mention that runs past a quote's end); crossing spans are split so the HTML always nests. Every
piece of article text goes through `escape`, so the text can never become markup.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from svodka.records import Article

# Outer layers open first when spans start together: a quote holds mentions, mentions hold triggers.
QUOTE, MENTION, TRIGGER = 0, 1, 2


@dataclass(frozen=True, slots=True, order=True)
class Piece:
    """A span to wrap: sorted by start, then longest first, then layer."""

    start: int
    neg_end: int
    rank: int
    open: str
    close: str
    first: bool = True
    head: str = ""  # extra markup after the opening tag, on the span's first piece only


def mark_up(article: Article, names: Mapping[str, str] | None = None) -> Markup:
    """The article text with `<span>`s for quotes (with a speaker chip), mentions and triggers."""
    names = names if names is not None else {e.id: e.name for e in article.entities}
    pieces: list[Piece] = []
    for index, quote in enumerate(article.quotes):
        if quote.end <= quote.start:
            continue
        speaker = quote.speaker or ""
        chip = ""
        if speaker:
            chip = str(
                Markup('<span class="chip" data-entity="{}" aria-hidden="true">{}</span>').format(
                    speaker, names.get(speaker, speaker)
                )
            )
        pieces.append(
            Piece(
                quote.start,
                -quote.end,
                QUOTE,
                str(
                    Markup(
                        '<span class="quote quote-{}" id="q{}" data-quote="{}" data-speaker="{}">'
                    ).format(quote.kind, index + 1, index + 1, speaker)
                ),
                "</span>",
                head=chip,
            )
        )
    for entity in article.entities:
        for mention in entity.mentions:
            if mention.end <= mention.start:
                continue
            pieces.append(
                Piece(
                    mention.start,
                    -mention.end,
                    MENTION,
                    str(
                        Markup('<span class="ent ent-{} m-{}" data-entity="{}">').format(
                            entity.type, mention.kind, entity.id
                        )
                    ),
                    "</span>",
                )
            )
    for index, event in enumerate(article.events):
        trigger = event.trigger
        if trigger is None or trigger.end <= trigger.start:
            continue
        pieces.append(
            Piece(
                trigger.start,
                -trigger.end,
                TRIGGER,
                str(
                    Markup(
                        '<mark class="trigger t-{}" id="v{}" data-event="{}" title="{} {}">'
                    ).format(event.type, index + 1, index + 1, event.type, event.cameo or "")
                ),
                "</mark>",
            )
        )
    return _nest(article.text, pieces)


def _nest(text: str, pieces: list[Piece]) -> Markup:
    heap = [p for p in pieces if 0 <= p.start < -p.neg_end <= len(text)]
    heapq.heapify(heap)
    out: list[str] = []
    stack: list[Piece] = []
    pos = 0

    def close_until(limit: int) -> None:
        nonlocal pos
        while stack and -stack[-1].neg_end <= limit:
            top = stack.pop()
            end = -top.neg_end
            out.append(str(escape(text[pos:end])))
            out.append(top.close)
            pos = end

    while heap:
        piece = heapq.heappop(heap)
        close_until(piece.start)
        end = -piece.neg_end
        if stack and end > -stack[-1].neg_end:
            # Crossing the enclosing span's end: wrap up to it, and the rest after it closes.
            limit = -stack[-1].neg_end
            heapq.heappush(
                heap,
                Piece(limit, piece.neg_end, piece.rank, piece.open, piece.close, first=False),
            )
            piece = Piece(
                piece.start, -limit, piece.rank, piece.open, piece.close, piece.first, piece.head
            )
            if piece.start >= limit:
                continue
        out.append(str(escape(text[pos : piece.start])))
        pos = piece.start
        out.append(piece.open if piece.first else _continued(piece.open))
        if piece.first:
            out.append(piece.head)
        stack.append(piece)
    close_until(len(text))
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _continued(open_tag: str) -> str:
    # A split span's later pieces must not repeat its `id`.
    head, sep, rest = open_tag.partition(' id="')
    if not sep:
        return open_tag
    return head + rest[rest.index('"') + 1 :]
