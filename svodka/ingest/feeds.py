"""RSS and Atom feeds (feedparser): one document per entry.

An entry's text is its headline line, a blank line, then its full content (`content:encoded`,
Atom `content`) or else its summary, with the markup removed — the shape of a plain-text
article, so the header parser finds the headline. Feed fragments are not whole pages, which
is why they do not go through trafilatura.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from typing import Any

from svodka.errors import InputError
from svodka.ingest.document import RawDocument

_ROOT = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
    rb"<(?:rss|feed|rdf:RDF)\b",
    re.DOTALL,
)
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def is_feed(data: bytes) -> bool:
    """Whether the bytes are an RSS, RDF or Atom document (judged by the root element)."""
    return bool(_ROOT.match(data[:4096]))


def read(data: bytes, name: str) -> Iterator[RawDocument | InputError]:
    """The entries of a feed, in feed order; a bad entry or feed yields an InputError."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception") if parsed.get("bozo") else None
        yield InputError(
            f"{name}: " + (f"malformed feed ({reason})" if reason else "feed has no entries")
        )
        return
    outlet = (parsed.feed.get("title") or "").strip() or None
    for n, entry in enumerate(parsed.entries, 1):
        title = " ".join((entry.get("title") or "").split())
        body = html_to_text(_body(entry))
        if not body.strip():
            yield InputError(
                f"{name}: entry {n} ({entry.get('link') or title or 'untitled'}) has no text"
            )
            continue
        text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
        yield RawDocument(
            text=text,
            url=entry.get("link") or None,
            path=name,
            headline=title or None,
            published=_published(entry),
            outlet=outlet,
            id=None,
        )


def _body(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content", ()) if c.get("value")]
    return max(contents, key=len) if contents else entry.get("summary") or ""


def _published(entry: Any) -> str | None:
    """ISO 8601 with the feed's own UTC offset (feedparser's parsed times are UTC)."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()  # RSS: RFC 822
        except (TypeError, ValueError):
            pass
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()  # Atom
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.UTC).isoformat()
    return None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """An HTML fragment's text, one paragraph a block, runs of spaces collapsed."""
    if "<" not in fragment:
        return unescape(fragment).strip()
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
