"""HTML → main text and metadata with trafilatura."""

from __future__ import annotations

import trafilatura

from svodka.errors import InputError


def from_html(html: str, url: str | None = None) -> tuple[str, dict[str, str | None]]:
    """The article's text (headline line first) and what the page says of itself."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )
    if doc is None or not (doc.text or "").strip():
        raise InputError("HTML page has no article text")
    title = (doc.title or "").strip()
    body = doc.text.strip()
    text = f"{title}\n{body}" if title and not body.startswith(title) else body
    meta = {
        "headline": title or None,
        "published": doc.date or None,
        "outlet": doc.sitename or None,
        "url": doc.url or url,
    }
    return text, meta


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)
