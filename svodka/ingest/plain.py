"""The header of a plain-text news article: headline, timestamps, photo caption and credit,
lead and agency dateline, as sites and agencies print them. Patterns live in `data/*.tsv`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from svodka.records import Dateline, Media

_MAX_HEADLINE = 250
_HEADER_LINES = 8  # how far into the text a dateline or timestamp line is looked for


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Header:
    headline: str | None = None
    published: str | None = None
    updated: str | None = None
    dateline: Dateline | None = None
    media: list[Media] = field(default_factory=list)
    lead: str | None = None
    # Offsets of the timestamps found in the header (start, end, ISO value).
    stamps: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Patterns:
    time: tuple[re.Pattern[str], ...]
    date: tuple[re.Pattern[str], ...]
    updated: re.Pattern[str]
    published: re.Pattern[str]
    credit: tuple[re.Pattern[str], ...]
    dateline: tuple[re.Pattern[str], ...]
    agencies: tuple[tuple[str, re.Pattern[str]], ...]
    months: dict[str, int]


def _rows(name: str) -> list[list[str]]:
    text = resources.files("svodka.ingest").joinpath("data", name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@cache
def patterns() -> _Patterns:
    """Compile the header pattern tables once per process."""
    by_kind: dict[str, list[re.Pattern[str]]] = {}
    for kind, _name, regex in _rows("header_patterns.tsv"):
        flags = 0 if kind.endswith("_cs") else re.IGNORECASE
        by_kind.setdefault(kind.removesuffix("_cs"), []).append(re.compile(regex, flags))
    return _Patterns(
        time=tuple(by_kind["time"]),
        date=tuple(by_kind["date"]),
        updated=by_kind["updated"][0],
        published=by_kind["published"][0],
        credit=tuple(by_kind["credit"]),
        dateline=tuple(by_kind["dateline"]),
        agencies=tuple((name, re.compile(rx, re.IGNORECASE)) for name, rx in _rows("agencies.tsv")),
        months={prefix: int(num) for prefix, num in _rows("months.tsv")},
    )


def month_number(word: str) -> int | None:
    """`сентября`, `сен.`, `Sept` → 9."""
    return patterns().months.get(word.lower().strip(".")[:3])


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their offsets, whitespace trimmed."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            start = m.start() + (len(raw) - len(raw.lstrip()))
            out.append(Line(start, start + len(stripped), stripped))
    return out


def parse_header(text: str, reference: dt.date | None = None) -> Header:
    """Read the header of an article; `reference` dates a dateline when the text has no year."""
    lines = split_lines(text)
    header = Header()
    if not lines:
        return header
    first = 0
    if len(lines) > 1 and _is_headline(lines[0].text):
        header.headline = lines[0].text
        first = 1
    leftovers: list[Line] = []
    for index in range(first, min(len(lines), first + _HEADER_LINES)):
        line = lines[index]
        stamps = _timestamp_line(line)
        if stamps is not None:
            _take_stamps(header, stamps)
            continue
        credit = _credit(line.text)
        if credit is not None:
            caption = leftovers.pop().text if leftovers else None
            header.media.append(Media(caption=caption, credit=credit))
            continue
        dateline = _dateline(line, reference or date_of(header.published))
        if dateline is not None:
            header.dateline, body = dateline
            header.lead = leftovers[-1].text if leftovers else _first_sentence(body)
            return header
        if len(line.text) > _MAX_HEADLINE * 2:
            break
        leftovers.append(line)
    if header.lead is None:
        body = leftovers[0].text if leftovers else (lines[first].text if first < len(lines) else "")
        header.lead = _first_sentence(body) or None
    return header


def _is_headline(line: str) -> bool:
    if len(line) > _MAX_HEADLINE or line.endswith((".", ":", ";", ",")):
        return False
    return _credit(line) is None and not any(p.match(line) for p in patterns().dateline)


def _first_sentence(text: str) -> str:
    m = re.match(r".+?[.!?…](?=\s+[«\"A-ZА-ЯЁ]|\s*$)", text)
    return (m.group() if m else text).strip()


# --- timestamps -------------------------------------------------------------


def find_datetimes(line: str) -> list[tuple[int, int, str]]:
    """Every date (with its adjacent time, if any) in a line, as (start, end, ISO value)."""
    pats = patterns()
    dates: list[tuple[int, int, str, bool]] = []
    for pattern in pats.date:
        for m in pattern.finditer(line):
            if any(s < m.end() and m.start() < e for s, e, _, _ in dates):
                continue
            value = _date_value(m)
            if value is not None:
                has_time = m.groupdict().get("h") is not None
                dates.append((m.start(), m.end(), value, has_time))
    times = [m for p in pats.time for m in p.finditer(line)]
    out = []
    for start, end, value, has_time in sorted(dates):
        if not has_time:
            for t in times:
                if any(s <= t.start() < e for s, e, _, _ in dates):
                    continue
                gap = line[end : t.start()] if t.start() >= end else line[t.end() : start]
                if re.fullmatch(r"[\s,|—–-]*(?:в\s*)?", gap):
                    value += "T{:02d}:{}".format(int(t["h"]), t["m"])
                    start, end = min(start, t.start()), max(end, t.end())
                    break
        out.append((start, end, value))
    return out


def _date_value(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    month = int(groups["mo"]) if groups.get("mo") else month_number(groups.get("mon") or "")
    year = int(groups["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        date = dt.date(year, month or 0, int(groups["d"]))
    except ValueError:
        return None
    value = date.isoformat()
    if groups.get("h"):
        value += "T{:02d}:{}".format(int(groups["h"]), groups["m"])
        if groups.get("s"):
            value += ":" + groups["s"]
        if groups.get("tz"):
            value += groups["tz"]
    return value


def _timestamp_line(line: Line) -> list[tuple[int, int, str, bool]] | None:
    """The line's datetimes as (start, end, value, is_update) if the line is only timestamps."""
    found = find_datetimes(line.text)
    if not found:
        return None
    rest = line.text
    for start, end, _ in reversed(found):
        rest = rest[:start] + " " * (end - start) + rest[end:]
    pats = patterns()
    labels = [(m.start(), "u") for m in pats.updated.finditer(rest)]
    rest = pats.updated.sub(" ", rest)
    rest = pats.published.sub(" ", rest)
    if re.sub(r"[\s,.:;()\[\]|/—–-]", "", rest):
        return None
    out = []
    for start, end, value in found:
        is_update = any(pos < start for pos, _ in labels) and not (out == [] and len(found) > 1)
        out.append((line.start + start, line.start + end, value, is_update))
    return out


def _take_stamps(header: Header, stamps: list[tuple[int, int, str, bool]]) -> None:
    for start, end, value, is_update in stamps:
        header.stamps.append((start, end, value))
        if is_update and header.published is not None:
            header.updated = header.updated or _seconds(value)
        elif header.published is None:
            header.published = _seconds(value)


def _seconds(value: str) -> str:
    return value + ":00" if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", value) else value


def date_of(value: str | None) -> dt.date | None:
    """The calendar date an ISO date or datetime string starts with, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- credits and datelines --------------------------------------------------


def _credit(line: str) -> str | None:
    for pattern in patterns().credit:
        m = pattern.match(line)
        if m and len(line) < 200:
            return re.sub(r"\s*/\s*", " / ", m["credit"]).strip(" /")
    return None


def agency_name(raw: str) -> str:
    """Canonical agency name for a dateline's agency text (`РИА Новости`, `/Корр. ТАСС/`)."""
    for name, pattern in patterns().agencies:
        if pattern.search(raw):
            return name
    return raw.strip()


def _dateline(line: Line, reference: dt.date | None) -> tuple[Dateline, str] | None:
    for pattern in patterns().dateline:
        m = pattern.match(line.text)
        if m is None:
            continue
        month = month_number(m["month"])
        if month is None:
            continue
        place = m["place"].strip(" .")
        date = _dateline_date(int(m["day"]), month, m.groupdict().get("year"), reference)
        if date is None:
            continue
        start = line.start + m.start("place")
        dateline = Dateline(
            place=normalise_place(place),
            date=date,
            agency=agency_name(m["agency"]),
            start=start,
            end=start + len(place),
        )
        return dateline, line.text[m.end() :]
    return None


def _dateline_date(day: int, month: int, year: str | None, ref: dt.date | None) -> str | None:
    if year:
        candidates = [int(year)]
    elif ref is not None:
        # A dateline printed just after New Year still belongs to the old year.
        candidates = [ref.year, ref.year - 1]
    else:
        return f"--{month:02d}-{day:02d}" if 1 <= day <= 31 else None
    for y in candidates:
        try:
            date = dt.date(y, month, day)
        except ValueError:
            continue
        if ref is None or year or date <= ref + dt.timedelta(days=2):
            return date.isoformat()
    return None


_LOWER_PARTS = {"на", "де", "ла", "ле", "дель", "дю", "фон", "над", "под", "у", "эль", "аль"}


def normalise_place(place: str) -> str:
    """`НЬЮ-ЙОРК` → `Нью-Йорк`, `РОСТОВ-НА-ДОНУ` → `Ростов-на-Дону`; mixed case is kept."""
    if not place.isupper():
        return place
    parts = re.split(r"([\s-]+)", place.lower())
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1 or (i > 0 and part in _LOWER_PARTS):
            out.append(part)
        else:
            out.append(part[:1].upper() + part[1:])
    return "".join(out)
