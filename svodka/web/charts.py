"""Small SVG charts computed on the server: stacked bars of counts per month, no JS library."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 36, 28, 8
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])")
MAX_MONTHS = 240  # beyond this, months with nothing are skipped instead of drawn empty


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    month: str
    count: int


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    y_ticks: tuple[tuple[float, int], ...]
    series: tuple[str, ...]
    baseline: float
    left: int


def stacked_months(rows: Iterable[tuple[str, str, int]]) -> Chart | None:
    """Stacked bars from (month `YYYY-MM`, series, count) rows; None when there is nothing."""
    counts: dict[str, dict[str, int]] = {}
    for month, series, count in rows:
        if count <= 0 or not _MONTH.match(month or ""):
            continue  # a year alone or an unresolved date has no month to stand in
        per = counts.setdefault(month[:7], {})
        per[series] = per.get(series, 0) + count
    if not counts:
        return None
    months = _months(min(counts), max(counts))
    if len(months) > MAX_MONTHS:
        months = sorted(counts)
    series = tuple(sorted({s for per in counts.values() for s in per}))
    peak = max(sum(per.values()) for per in counts.values())
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / len(months)
    bar_w = max(1.0, min(step * 0.8, 48.0))
    baseline = float(HEIGHT - BOTTOM)
    bars: list[Bar] = []
    for i, month in enumerate(months):
        x = LEFT + i * step + (step - bar_w) / 2
        y = baseline
        for name in series:
            count = counts.get(month, {}).get(name, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            bars.append(
                Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(h, 1), name, month, count)
            )
    every = max(1, len(months) // 8)
    ticks = tuple(
        Tick(round(LEFT + i * step + step / 2, 1), m)
        for i, m in enumerate(months)
        if i % every == 0
    )
    y_ticks = tuple(
        (round(baseline - plot_h * v / peak, 1), v) for v in sorted({0, peak, peak // 2})
    )
    return Chart(WIDTH, HEIGHT, tuple(bars), ticks, y_ticks, series, baseline, LEFT)


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last and len(out) <= MAX_MONTHS:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out
