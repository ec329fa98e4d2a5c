"""Lemmas and inflection from pymorphy (through Natasha's `MorphVocab`, which runs on 3.11;
its dictionaries are read by the compiled `dawg` module of the dawg2 package when installed)."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from typing import Any

from natasha import MorphVocab
from razdel import tokenize


class _SafeVocab(MorphVocab):
    """pymorphy2 raises ValueError on characters Unicode has no name for (`𗀀`): such
    characters are dropped before analysis; any text must go through."""

    def parse(self, word: str) -> Any:
        try:
            return super().parse(word)
        except ValueError:
            clean = "".join(ch for ch in word if unicodedata.name(ch, ""))
            return super().parse(clean or "?")


@cache
def vocab() -> MorphVocab:
    """One morphological dictionary per process (loading it takes about a second)."""
    return _SafeVocab()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Most likely lemma of a word form, lower case, `ё` folded to `е`."""
    low = word.lower().replace("ё", "е")
    if not any(ch.isalpha() for ch in low):
        return low
    return vocab().parse(low)[0].normal_form.replace("ё", "е")


def lemma_key(phrase: str) -> tuple[str, ...]:
    """Lemma sequence a name form is matched by: `Южной Кореи` → (южный, корея)."""
    return tuple(lemma(t.text) for t in tokenize(phrase) if t.text not in {"«", "»", '"'})


# Case endings a name part may take: `Грефа`~`Греф`, `Ыном`~`Ын`, `Батуриной`~`Батурина`.
_ENDINGS = frozenset(
    [
        *("а", "я", "у", "ю", "е", "и", "ы", "о", "ь", "й", "ом", "ем", "ым", "им", "ой"),
        *("ей", "ую", "юю", "ого", "его", "ому", "ему", "ах", "ях", "ам", "ям", "ами", "ями"),
        *("ов", "ев", "ых", "их"),
    ]
)


def same_name_part(a: str, b: str) -> bool:
    """Whether two name tokens are forms of one name part (`Грефа`~`Греф`, `Ыном`~`Ын`),
    but not two names sharing a stem (`Путин`/`Путилин`, `Кан`/`Как`)."""
    a, b = a.lower().replace("ё", "е"), b.lower().replace("ё", "е")
    if a == b:
        return True
    pairs = zip(a, b, strict=False)
    common = next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(a), len(b)))
    if common < 2:
        return False
    rest_a, rest_b = a[common:], b[common:]
    # Foreign names pymorphy does not know inflect by plain case endings.
    if (rest_a in _ENDINGS or not rest_a) and (rest_b in _ENDINGS or not rest_b):
        return True
    return lemma(a) == lemma(b) and len(a) > 3
