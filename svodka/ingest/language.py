"""Which language an article is in: the script most of its letters are written in, refined by
letters and common words of its own (`data/languages.tsv`). Cheap, and honest about what the
Russian pipeline was given: `ru` for Russian, an ISO 639-1 code, or `und` (undetermined)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SAMPLE = 10_000  # characters looked at: the language shows long before the end
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Rule:
    base: str  # the language a `letters` or `words` rule refines ("" for `script` rules)
    language: str
    marks: frozenset[str]  # scripts, letters or words
    share: float


@cache
def _rules() -> dict[str, tuple[_Rule, ...]]:
    text = resources.files("svodka.ingest").joinpath("data", "languages.tsv").read_text("utf-8")
    rules: dict[str, list[_Rule]] = {"script": [], "letters": [], "words": []}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, *cols = line.split("\t")
        if kind == "script":
            language, scripts, share = cols
            rules[kind].append(_Rule("", language, frozenset(scripts.split()), float(share)))
        else:
            base, language, marks, share = cols
            items = marks.split() if kind == "words" else list(marks)
            rules[kind].append(_Rule(base, language, frozenset(items), float(share)))
    return {kind: tuple(rows) for kind, rows in rules.items()}


@cache
def _script(ch: str) -> str:
    if "а" <= ch <= "я" or "А" <= ch <= "Я" or ch in "ёЁ":
        return "CYRILLIC"
    return unicodedata.name(ch, "").split(" ", 1)[0]


def detect_language(text: str) -> str:
    """`ru` for Russian; another ISO 639-1 code, or `und` when the text does not tell."""
    sample = text[:_SAMPLE]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return "und"
    rules = _rules()
    scripts = Counter(_script(ch) for ch in letters)
    language = "und"
    for rule in rules["script"]:
        if sum(scripts[s] for s in rule.marks) >= rule.share * len(letters):
            language = rule.language
            break
    else:
        return language
    for rule in rules["letters"]:
        if rule.base == language and sum(ch in rule.marks for ch in letters) >= rule.share * len(
            letters
        ):
            return rule.language
    words = [w.lower() for w in _WORD.findall(sample)]
    best, best_share = language, 0.0
    for rule in rules["words"]:
        if rule.base != language or not words:
            continue
        share = sum(w in rule.marks for w in words) / len(words)
        if share >= rule.share and share > best_share:
            best, best_share = rule.language, share
    return best
