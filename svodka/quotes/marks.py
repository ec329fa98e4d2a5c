"""Quotation marks: pair «…», „…“, “…” and straight "…" into spans, nesting respected."""

from __future__ import annotations

_PAIRS = {"«": "»", "„": "“", "“": "”"}
_STRAIGHT = '"'
_OPEN_BEFORE = " \t\n([{—–-/:«„“"
QUOTE_MARKS = frozenset({*_PAIRS, *_PAIRS.values(), _STRAIGHT})  # every mark, as a token


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Top-level quoted stretches as (inner start, inner end); an unclosed mark is dropped
    at the end of its paragraph."""
    out: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []  # (closing mark expected, position of the opening)
    for i, ch in enumerate(text):
        if ch == "\n" and stack:
            stack.clear()
            continue
        if ch == _STRAIGHT:
            prev = text[i - 1] if i else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            opening = prev in _OPEN_BEFORE and not nxt.isspace()
            if stack and stack[-1][0] == _STRAIGHT and not opening:
                _close(stack, out, i)
            elif opening:
                stack.append((_STRAIGHT, i))
            elif stack and stack[-1][0] == _STRAIGHT:
                _close(stack, out, i)
            continue
        if stack and ch == stack[-1][0]:
            _close(stack, out, i)
        elif ch in _PAIRS and not (ch == "“" and stack and stack[-1][0] == "“"):
            stack.append((_PAIRS[ch], i))
    return out


def _close(stack: list[tuple[str, int]], out: list[tuple[int, int]], i: int) -> None:
    _, opened = stack.pop()
    if not stack:
        out.append((opened + 1, i))
