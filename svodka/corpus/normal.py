"""Text and name normalisation shared by the store and the cross-article layer."""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case- and ё-insensitive form of a name or query: `Лукашенко`, `ЛУКАШЕНКО` → `лукашенко`."""
    return " ".join(text.lower().replace("ё", "е").split())


def words(text: str) -> list[str]:
    """Folded word tokens with punctuation and quotation marks dropped (underscores too)."""
    return [w for w in _NON_WORD.sub(" ", fold(text).replace("_", " ")).split() if w]


def actor_key(type_: str, name: str, kb: str | None) -> str:
    """A cross-article actor key: the Wikidata QID when known, else type + folded name.

    Entity ids (`e1`…) only hold within one article; this key is what joins them across
    articles. `svodka.corpus.actors` later maps name keys onto QIDs and surnames onto full
    names, so this is only the key an entity gets on its own.
    """
    if kb:
        return kb
    return f"{type_}:{' '.join(words(name))}"
