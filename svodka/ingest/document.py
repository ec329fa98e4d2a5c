"""An article as it arrives, before any analysis: text or HTML plus what the source told us."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RawDocument:
    text: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    path: str | None = None
    headline: str | None = None
    published: str | None = None
    outlet: str | None = None
