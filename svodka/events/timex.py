"""Time expressions in Russian news: TIMEX3-style spans with ISO 8601 values.

`find_timexes(text, reference)` follows the gold conventions (SPEC.md, shared/gold): dates and
partial dates resolved against the reference (publication) date, ISO weeks for weeks, `PnX`
durations (`X` when the amount is vague), `PAST_REF` / `PRESENT_REF` / `FUTURE_REF` for vague time
and `a/b` for intervals. Every word form lives in data/timex_lexicon.tsv; this module is only the
grammar that combines them, so a new form never needs a code change.

Steps: every pattern proposes candidates; the longest non-overlapping ones win; yearless dates get
their year (from an explicit date earlier in the same paragraph, else from the reference); then
neighbours merge (`вечером` + `в понедельник`, `17:47` + `03.09.2025`, `с января` + `по март`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from svodka.records import Timex

__all__ = ["find_timexes"]

# A yearless date more than ~2 months after the reference is last year's: news reports the past.
_FUTURE_SLACK = dt.timedelta(days=61)
_NEAR_DAYS = 62  # a yearless date this close to the reference is about now, whatever came before
_B = r"(?<![\w-])"  # word start; a hyphen before is not one (`80-летия`, `24-летнего`)
_E = r"(?!\w)"
_DIGITS = r"(?<![\d.,:])\d{1,3}(?:[.,]\d+)?(?!\d)"
_YEAR = r"(?<![\d.,:])(?:1\d|20)\d\d(?!\d)"  # 1000-2099: wider ranges are counts, not years
_DASH = r"\s*[-–—]\s*"
_DASH_RE = re.compile(_DASH)
_BAD = -1.0  # `_number` result for word sequences that are not one number
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# Fractions of a duration unit carry into the next smaller one (2,5 часа -> PT2H30M).
_CARRY = {"Y": ("M", 12), "M": ("D", 30), "D": ("TH", 24), "TH": ("TM", 60), "TM": ("TS", 60)}
_DATE_UNITS = ("Y", "M", "W", "D")
_WORD = re.compile(r"\w+")
_ROMAN = re.compile(r"[IVXL]+")
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\"«»]\s")
_TIME_UNITS = ("TH", "TM", "TS")


def _norm(s: str) -> str:
    """Lookup key: lower case, `ё` folded, whitespace squeezed, `с. г.` == `с.г.`."""
    return " ".join(s.lower().replace("ё", "е").split()).replace(". ", ".")


def _alt(forms: Iterable[str], *, cap: bool = False) -> str:
    """Longest-first alternation of lexicon forms; `cap` also accepts a capitalised first letter
    (sentence start) while the rest stays case-sensitive, so `Марта` the name is no month."""
    out = []
    for form in sorted(set(forms), key=lambda f: (-len(f), f)):
        parts = []
        for i, ch in enumerate(form):
            if ch == " ":
                parts.append(r"\s*" if i and form[i - 1] == "." else r"\s+")
            elif ch == "е":
                parts.append("[ЕЁеё]" if cap and i == 0 else "[её]")
            elif cap and i == 0 and ch.islower():
                parts.append(f"[{ch.upper()}{ch}]")
            else:
                parts.append(re.escape(ch))
        out.append("".join(parts))
    return "(?:" + "|".join(out) + ")"


@dataclass(frozen=True, slots=True)
class _Entry:
    value: str
    tag: str


class _Lexicon:
    """data/timex_lexicon.tsv: category -> normalised form -> (value, tag)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.cats: dict[str, dict[str, _Entry]] = {}
        self.raw: dict[str, list[tuple[str, _Entry]]] = {}
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            cat, form, value, tag = [*line.rstrip("\n").split("\t"), "", ""][:4]
            entry = _Entry(value, tag)
            self.cats.setdefault(cat, {})[_norm(form)] = entry
            self.raw.setdefault(cat, []).append((form, entry))

    def get(self, cat: str, form: str) -> _Entry:
        return self.cats[cat][_norm(form)]

    def has(self, cat: str, form: str) -> bool:
        return _norm(form) in self.cats.get(cat, {})

    def alt(self, cat: str, *tags: str, cap: bool = False, values: Iterable[str] = ()) -> str:
        """Alternation of a category's forms, optionally only those with a tag or value."""
        wanted = set(values)
        forms = [
            form
            for form, e in self.raw[cat]
            if (not tags or e.tag in tags) and (not wanted or e.value in wanted)
        ]
        return _alt(forms, cap=cap)


@dataclass(slots=True)
class _Atom:
    """A candidate timex; `kind` decides how it may merge with its neighbours."""

    start: int
    end: int
    kind: str  # day | time | pod | month | other
    value: str | None = None
    prio: int = 0
    soft: bool = False  # day named relatively (weekday, `вчера`): an explicit date overrides it
    has_time: bool = False
    alone: bool = True  # a part of day that may stand on its own
    pending: tuple[int, int] | None = None  # (month, day) still waiting for its year
    make: Callable[[int | None], str] | None = None  # value from the year once it is known
    anchor: dt.date | None = None  # explicit date with its year: later yearless dates may inherit
    year_only: bool = False  # the anchor is a bare year: good only for `того же года`
    same_year: bool = False  # `в июле того же года`: the year last named
    wraps: bool = False  # a range over New Year: `pending` is its start, the value's year its end


@dataclass(frozen=True, slots=True)
class _Ctx:
    text: str
    ref: dt.date | None


_Handler = Callable[[re.Match[str], _Ctx], "_Atom | None"]


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _valid_day(month: int, day: int, year: int | None) -> bool:
    if not (1 <= month <= 12 and day >= 1):
        return False
    return day <= calendar.monthrange(year if year is not None else 2000, month)[1]


def _default_year(month: int, day: int, ref: dt.date) -> int:
    year = ref.year
    if _safe_date(year, month, day) > ref + _FUTURE_SLACK:
        year -= 1
    return year


def _add_months(ref: dt.date, months: int) -> tuple[int, int]:
    total = ref.year * 12 + ref.month - 1 + months
    return total // 12, total % 12 + 1


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _duration(parts: list[tuple[float | None, str]]) -> str:
    """ISO 8601 duration from (amount, unit) parts; None is TIMEX3's unknown amount `X`."""
    if any(n is None for n, _ in parts):
        unit = parts[0][1]
        return f"PTX{unit[1]}" if unit in _TIME_UNITS else f"PX{unit}"
    amounts: dict[str, float] = {}
    for n, unit in parts:
        amounts[unit] = amounts.get(unit, 0.0) + float(n or 0)
    weeks = amounts.get("W", 0.0)
    if weeks and (weeks != int(weeks) or len(amounts) > 1):
        # ISO weeks do not mix with other units: fold them into days
        amounts["D"] = amounts.get("D", 0.0) + 7 * amounts.pop("W")
    for unit, (low, factor) in _CARRY.items():
        value = amounts.get(unit, 0.0)
        if value != int(value):
            amounts[unit] = float(int(value))
            amounts[low] = amounts.get(low, 0.0) + (value - int(value)) * factor
    date = "".join(f"{_fmt(amounts[u])}{u}" for u in _DATE_UNITS if amounts.get(u))
    time = "".join(f"{_fmt(amounts[u])}{u[1]}" for u in _TIME_UNITS if amounts.get(u))
    return "P" + date + ("T" + time if time else "") if date or time else "PT0S"


def _roman(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for i, ch in enumerate(s):
        v = values[ch]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total


class _Grammar:
    """The compiled patterns and their handlers; built once (`_grammar`)."""

    def __init__(self, lex: _Lexicon) -> None:
        self.lex = lex
        L = lex
        month, month_gen = L.alt("month"), L.alt("month", "gen")
        relmod, yw, yref = L.alt("relmod", cap=True), L.alt("yearword"), L.alt("yearref")
        prep, phase = L.alt("prep", cap=True), L.alt("phase", cap=True)
        numw = L.alt("number", cap=True)
        num = rf"(?:{_DIGITS}|(?<!\w){numw}(?:\s+{numw})?{_E})"  # `полтора-два`
        unit = L.alt("unit")
        rfrom, rto = L.alt("range_from", cap=True), L.alt("range_to")
        self.num_re = re.compile(numw)
        self.durmod_re = re.compile(L.alt("durmod", cap=True))
        self.after_re = re.compile(rf"\s+{L.alt('after')}{_E}")
        self.daypart_re = re.compile(rf"\s+{L.alt('daypart')}{_E}")
        self.range_from_re = re.compile(rf"{_B}{rfrom}\s+$")
        # a year (number, `прошлого года`, `с. г.`) after a month or a day and month
        same = L.alt("sameyear")
        year_part = (
            rf"(?:\s+(?:(?P<y>{_YEAR})(?:\s*{yw})?|(?P<rel>{relmod})\s+{yw}"
            rf"|(?P<cur>{yref})|(?P<same>{same})){_E})?"
        )
        head = rf"(?:(?P<phase>{phase})\s+|(?P<prep>{prep})\s+)?"
        ymw_sg = L.alt("unit", "sg", values=("Y", "M", "W"))
        ymw_any = L.alt("unit", "sg", "loc", values=("Y", "M", "W"))
        weekday = L.alt("weekday", "acc", "gen", "dat", "ins")
        night = L.alt("night", cap=True)
        night_to = L.alt("night_to")
        ordinal, subyear = L.alt("ordinal"), L.alt("subyear")
        hour_word, minute_word = L.alt("unit", values=("TH",)), L.alt("unit", values=("TM",))
        daypart = L.alt("daypart")
        hour = rf"(?:\d{{1,2}}|{numw})"
        dsuf, ysuf = L.alt("daysuffix"), L.alt("yearsuffix")
        decsuf, csuf = L.alt("decadesuffix"), L.alt("centurysuffix")
        not_after = "".join(
            rf"(?<!{re.escape(f)}\s)(?<!{re.escape(f.capitalize())}\s)"
            for f, _ in L.raw["negation"]
        )
        # (pattern, handler, where it may start: lexicon categories, "#d" digits, "#r" Roman)
        specs: list[tuple[str, _Handler, tuple[str, ...]]] = [
            (
                rf"{_B}(?:(?P<night>{night}\s+{rfrom}\s+\d{{1,2}}(?:\s+{month_gen})?\s+{night_to}\s+)"
                rf"|(?P<rng>(?P<from>{rfrom}\s+)?(?P<d0>\d{{1,2}})(?:-?{dsuf})?(?:\s+(?P<m0>{month_gen})"
                rf"(?:\s+(?P<y0>{_YEAR})(?:\s*{yw})?)?)?(?:{_DASH}|\s+{rto}\s+)))?"
                rf"(?<![\d.,:])(?P<d>\d{{1,2}})(?:-?{dsuf})?\s+(?P<m>{month_gen}){year_part}{_E}",
                self._day_month,
                ("#d", "night", "range_from"),
            ),
            (
                rf"(?<![\w.,:])(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}|\d{{2}})"
                rf"(?:\s*{yw})?(?!\w|\.\d)",
                self._numeric_date,
                ("#d",),
            ),
            (
                r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
                r"(?:[T ](?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::\d\d)?)?(?![\w-])",
                self._iso_date,
                ("#d",),
            ),
            (
                rf"{_B}{head}(?P<m1>{month})(?:{_DASH}(?P<m2>{month}))?{year_part}{_E}",
                self._month,
                ("phase", "prep", "month"),
            ),
            (
                rf"{_B}{head}(?P<y1>{_YEAR})(?:(?:{_DASH}|\s+{rto}\s+)(?P<y2>{_YEAR}))?"
                rf"(?P<suf>-{ysuf})?(?:\s*(?P<yw>{yw}))?{_E}",
                self._year,
                ("phase", "prep", "#d"),
            ),
            (
                rf"{_B}{head}(?:(?P<d4>(?:1\d|20)\d0)|(?P<d2>\d0))"
                rf"-{decsuf}(?:\s+(?P<yw>{yw}))?{_E}",
                self._decade,
                ("phase", "prep", "#d"),
            ),
            (
                rf"{_B}(?:(?P<prep>{prep})\s+)?(?P<c>[IVXL]{{1,6}}|\d{{1,2}})(?:-?{csuf})?"
                rf"\s+{L.alt('centuryword')}{_E}",
                self._century,
                ("prep", "#d", "#r"),
            ),
            (
                rf"{_B}(?:(?P<prep>{prep})\s+)?(?P<o>{ordinal})\s+(?P<q>{subyear}){year_part}{_E}",
                self._quarter,
                ("prep", "ordinal"),
            ),
            (
                rf"{_B}{head}(?:(?P<rel0>{relmod})\s+)?(?P<s>{L.alt('season')}){year_part}{_E}",
                self._season,
                ("phase", "prep", "relmod", "season"),
            ),
            (
                rf"{_B}{head}(?P<rel>{relmod})\s+(?P<u>{ymw_any}){_E}",
                self._rel_period,
                ("phase", "prep", "relmod"),
            ),
            (rf"{_B}(?P<phase>{phase})\s+(?P<u>{ymw_sg}){_E}", self._phase_unit, ("phase",)),
            (
                rf"{_B}(?P<prep>{prep})\s+(?:(?P<rel>{relmod})\s+)?(?P<wd>{weekday}){_E}",
                self._weekday,
                ("prep",),
            ),
            (
                rf"{_B}{night}\s+(?:{rfrom}\s+{weekday}\s+)?{night_to}\s+(?P<wd>{weekday}){_E}",
                self._night_weekday,
                ("night",),
            ),
            (
                rf"{_B}(?P<prep>{prep})\s+(?:(?P<rel>{relmod})\s+)?(?P<we>{L.alt('weekend')}){_E}",
                self._weekend,
                ("prep",),
            ),
            (rf"{_B}(?P<w>{L.alt('relday', cap=True)}){_E}", self._rel_day, ("relday",)),
            (
                rf"(?:{_B}(?P<prep>{prep})\s+)?(?<![\w.,:])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)"
                rf"(?::[0-5]\d)?(?![\d:])",
                self._clock_time,
                ("prep", "#d"),
            ),
            (
                # `в 16.00`: a dot is a decimal point too, so only after a preposition
                rf"{_B}(?P<prep>{prep})\s+(?P<h>[01]?\d|2[0-3])\.(?P<mi>[0-5]\d)(?![\d.,])",
                self._clock_time,
                ("prep", "#d"),
            ),
            (
                rf"{_B}(?:(?P<prep>{prep})\s+)?(?:(?P<h>{hour})\s+)?(?P<hw>{hour_word})"
                rf"(?:\s+(?P<mi>{hour})\s+{minute_word})?(?:\s+(?P<dp>{daypart}))?{_E}",
                self._hour_time,
                ("prep", "#d", "number", "unit"),
            ),
            (
                rf"{_B}(?P<prep>{prep})\s+(?P<h>{hour})\s+(?P<dp>{daypart}){_E}",
                self._hour_time,
                ("prep",),
            ),
            (
                rf"{_B}(?:(?P<prep>{prep})\s+)?(?P<c>{L.alt('clock')}){_E}",
                self._clock_word,
                ("prep", "clock"),
            ),
            (rf"{_B}(?P<p>{L.alt('pod', cap=True)}){_E}", self._part_of_day, ("pod",)),
            (
                rf"{not_after}{_B}(?P<f>{L.alt('fixed', cap=True)}){_E}(?!\s+{L.alt('than')})",
                self._fixed,
                ("fixed",),
            ),
            (rf"{_B}(?P<r>{L.alt('rate', cap=True)}){_E}", self._rate, ("rate",)),
            (
                rf"{_B}(?P<mods>(?:{L.alt('durmod', cap=True)}\s+){{0,3}})"
                rf"(?:(?P<fused>{L.alt('fused', cap=True)})"
                rf"|(?P<n1>{num})(?:(?:{_DASH}|\s+{rto}\s+)(?P<n2>{num}))?\s+(?P<u1>{unit})"
                rf"(?:\s+(?P<n3>{num})\s+(?P<u2>{unit}))?"
                rf"|(?P<bare>{unit})){_E}(?:\s+(?P<post>{L.alt('postmod')}){_E})?",
                self._duration,
                ("durmod", "number", "fused", "unit", "#d"),
            ),
        ]
        # Patterns run only where a word that can start them stands: one scan of the words
        # and a dict lookup instead of twenty full-text regex scans (about 10x faster).
        self.by_first: dict[str, list[tuple[re.Pattern[str], _Handler]]] = {}
        for pattern, handler, starts in specs:
            compiled = re.compile(pattern)
            for key in self._first_keys(starts):
                self.by_first.setdefault(key, []).append((compiled, handler))
        self.block_re = re.compile(rf"{_B}{L.alt('block', cap=True)}{_E}")
        self.block_first = self._first_keys(("block",))
        conj = L.alt("conj")
        self.gap_pod = re.compile(rf"\s*,\s*|\s+{conj}\s+")
        self.gap_space = re.compile(r"\s+")
        self.gap_comma = re.compile(r"\s*,\s*|\s+")
        self.gap_range = re.compile(rf"{_DASH}|\s+{rto}\s+")
        self.word_re = re.compile(r"\s*([^\W\d_]+)")

    # --- helpers -------------------------------------------------------------------------

    def _first_keys(self, starts: Iterable[str]) -> set[str]:
        keys: set[str] = set()
        for start in starts:
            if start.startswith("#"):
                keys.add(start)
                continue
            for form, _ in self.lex.raw[start]:
                first = _WORD.match(_norm(form))
                if first:
                    keys.add(first[0])
        return keys

    def _number(self, s: str) -> float | None:
        """A number from digits or words; None is `несколько` (X), `_BAD` no single number."""
        s = s.strip()
        if s[0].isdigit():
            return float(s.replace(",", "."))
        values = [self.lex.get("number", w).value for w in self.num_re.findall(s)]
        if len(values) == 1:
            return None if values[0] == "X" else float(values[0])
        if "X" in values:
            return _BAD
        tens, ones = (float(v) for v in values)
        # compound numerals are tens then units (`двадцать пять`); anything else is two numbers
        return tens + ones if 20 <= tens < 100 and tens % 10 == 0 and 1 <= ones <= 9 else _BAD

    def _prep_start(self, m: re.Match[str], body: str) -> int:
        """Start of the span: the preposition stays in it only where gold keeps it (`в июле`)."""
        if m.groupdict().get("phase"):
            return m.start("phase")
        p = m.groupdict().get("prep")
        if p and "span" in self.lex.get("prep", p).tag.split():
            return m.start("prep")
        return m.start(body)

    def _year_of(self, m: re.Match[str], ctx: _Ctx) -> int | bool | None:
        """The year named after a date (`2024 года`, `прошлого года`, `с. г.`); False if none."""
        if m["y"]:
            return int(m["y"])
        if m["rel"]:
            off = int(self.lex.get("relmod", m["rel"]).value)
            return ctx.ref.year + off if ctx.ref else None
        if m["cur"]:
            off = int(self.lex.get("yearref", m["cur"]).value)
            return ctx.ref.year + off if ctx.ref else None
        return False

    # --- handlers: each turns one match into an atom, or rejects it ------------------------

    def _day_month(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        day, month = int(m["d"]), int(self.lex.get("month", m["m"]).value)
        year = self._year_of(m, ctx)
        if year is None:
            return None
        y_known = year if year is not False else None
        if not _valid_day(month, day, y_known):
            return None
        start = m.start() if m["night"] or m["from"] else m.start("d")
        if m["rng"]:
            d0 = int(m["d0"])
            m0 = int(self.lex.get("month", m["m0"]).value) if m["m0"] else month
            y0 = int(m["y0"]) if m["y0"] else None
            if not _valid_day(m0, d0, y0) or (m["m0"] is None and d0 >= day):
                return None
            start = m.start()

            def make(y: int | None) -> str:
                if y is None:
                    return f"XXXX-{m0:02d}-{d0:02d}/XXXX-{month:02d}-{day:02d}"
                first = y0 if y0 is not None else (y - 1 if (m0, d0) > (month, day) else y)
                return f"{_safe_date(first, m0, d0)}/{_safe_date(y, month, day)}"

            kind = "other"
        else:

            def make(y: int | None) -> str:
                return f"XXXX-{month:02d}-{day:02d}" if y is None else str(dt.date(y, month, day))

            kind = "day"
        atom = _Atom(start, m.end(), kind)
        if y_known is not None:
            atom.value = make(y_known)
            atom.anchor = dt.date(y_known, month, day)
        else:
            # a range takes its year from its start: announced periods may begin just ahead
            first = (m0, d0) if m["rng"] else (month, day)
            atom.pending, atom.make, atom.same_year = first, make, bool(m["same"])
            atom.wraps = first > (month, day)
        return atom

    def _numeric_date(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
        if len(m["y"]) == 2:
            year += 2000 if year < 50 else 1900
        if not _valid_day(month, day, year):
            return None
        date = dt.date(year, month, day)
        return _Atom(m.start(), m.end(), "day", str(date), anchor=date)

    def _iso_date(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if not _valid_day(month, day, year):
            return None
        date = dt.date(year, month, day)
        value = f"{date}T{m['hh']}:{m['mi']}" if m["hh"] else str(date)
        return _Atom(m.start(), m.end(), "day", value, has_time=bool(m["hh"]), anchor=date)

    def _month(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        m1 = self.lex.get("month", m["m1"])
        year = self._year_of(m, ctx)
        # a bare genitive (`сентября`) without a day is a name or a fragment, not a month
        if not (m["phase"] or m["prep"] or year is not False or m1.tag == "loc"):
            return None
        if year is None:
            return None
        a, b = int(m1.value), int(self.lex.get("month", m["m2"]).value) if m["m2"] else 0

        def make(y: int | None) -> str:
            ys = "XXXX" if y is None else f"{y:04d}"
            if not b:
                return f"{ys}-{a:02d}"
            first = "XXXX" if y is None else f"{y - 1 if a > b else y:04d}"
            return f"{first}-{a:02d}/{ys}-{b:02d}"

        atom = _Atom(self._prep_start(m, "m1"), m.end(), "month", prio=1)
        if year is not False:
            atom.value, atom.anchor = make(year), dt.date(year, b or a, 1)
        else:
            atom.pending, atom.make, atom.same_year = (a, 1), make, bool(m["same"])
            atom.wraps = bool(b) and a > b
        return atom

    def _year(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        if not (m["yw"] or (m["suf"] and m["prep"])):
            return None  # a bare four-digit number is a count, not a year
        value = m["y1"] + (f"/{m['y2']}" if m["y2"] else "")
        if m["y2"] and int(m["y2"]) <= int(m["y1"]):
            return None
        start = self._prep_start(m, "y1")
        if m["y2"] and m["prep"] and self.lex.has("range_from", m["prep"]):
            start = m.start("prep")  # `с 2010 по 2015 год` is one interval
        atom = _Atom(start, m.end(), "other", value, prio=2)
        if not m["y2"]:
            atom.anchor, atom.year_only = dt.date(int(m["y1"]), 1, 1), True
        return atom

    def _decade(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        if m["d4"]:
            value = m["d4"][:3]
        elif m["yw"] or m["prep"] or m["phase"]:
            # `90-е`: the century nearest before the reference that has that decade
            now = ctx.ref.year if ctx.ref else 2000
            century = now // 100 if int(m["d2"]) <= now % 100 else now // 100 - 1
            value = f"{century:02d}{m['d2'][0]}"
        else:
            return None
        return _Atom(self._prep_start(m, "d4" if m["d4"] else "d2"), m.end(), "other", value)

    def _century(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        c = m["c"]
        n = int(c) if c.isdigit() else _roman(c)
        if not 1 <= n <= 22:
            return None
        return _Atom(self._prep_start(m, "c"), m.end(), "other", f"{n - 1:02d}")

    def _quarter(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        n = int(self.lex.get("ordinal", m["o"]).value)
        code = self.lex.get("subyear", m["q"]).value
        if n > (4 if code == "Q" else 2):
            return None
        year = self._year_of(m, ctx)
        if year is None:
            return None
        start_month = (n - 1) * (3 if code == "Q" else 6) + 1

        def make(y: int | None) -> str:
            return f"{'XXXX' if y is None else f'{y:04d}'}-{code}{n}"

        atom = _Atom(self._prep_start(m, "o"), m.end(), "other")
        if year is not False:
            atom.value = make(year)
        else:
            atom.pending, atom.make, atom.same_year = (start_month, 1), make, bool(m["same"])
        return atom

    def _season(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        entry = self.lex.get("season", m["s"])
        year = self._year_of(m, ctx)
        if not (entry.tag == "ins" or m["phase"] or m["prep"] or m["rel0"] or year is not False):
            return None
        if m["rel0"]:
            if ctx.ref is None:
                return None
            year = ctx.ref.year + int(self.lex.get("relmod", m["rel0"]).value)
        if year is None:
            return None
        code = entry.value

        def make(y: int | None) -> str:
            return f"{'XXXX' if y is None else f'{y:04d}'}-{code}"

        start = self._prep_start(m, "rel0" if m["rel0"] else "s")
        atom = _Atom(start, m.end(), "other")
        if year is not False:
            atom.value = make(year)
        else:
            atom.pending, atom.make, atom.same_year = (
                (_SEASON_START[code], 1),
                make,
                bool(m["same"]),
            )
        return atom

    def _rel_period(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        if ctx.ref is None:
            return None
        off = int(self.lex.get("relmod", m["rel"]).value)
        value = self._period(self.lex.get("unit", m["u"]).value, off, ctx.ref)
        return _Atom(self._prep_start(m, "rel"), m.end(), "other", value, prio=1)

    def _phase_unit(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        if ctx.ref is None:
            return None
        value = self._period(self.lex.get("unit", m["u"]).value, 0, ctx.ref)
        return _Atom(m.start(), m.end(), "other", value)

    @staticmethod
    def _period(unit: str, off: int, ref: dt.date) -> str:
        if unit == "Y":
            return f"{ref.year + off:04d}"
        if unit == "M":
            y, mo = _add_months(ref, off)
            return f"{y:04d}-{mo:02d}"
        return _iso_week(ref + dt.timedelta(weeks=off))

    def _weekday_value(self, wd_form: str, rel: str | None, ref: dt.date | None) -> str:
        wd = int(self.lex.get("weekday", wd_form).value) - 1
        if ref is None:
            return f"XXXX-WXX-{wd + 1}"
        off = int(self.lex.get("relmod", rel).value) if rel else None
        if off is not None and off > 0:  # `в следующий понедельник`: strictly ahead
            ahead = (wd - ref.weekday()) % 7 or 7
            return str(ref + dt.timedelta(days=ahead))
        if off == 0:  # `в эту пятницу`: the one in the reference's week
            return str(ref + dt.timedelta(days=wd - ref.weekday()))
        # past-tense news: the closest such day on or before the reference (strictly before
        # with `прошлый`)
        back = (ref.weekday() - wd) % 7
        if off is not None and back == 0:
            back = 7
        return str(ref - dt.timedelta(days=back))

    def _weekday(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        value = self._weekday_value(m["wd"], m["rel"], ctx.ref)
        start = self._prep_start(m, "rel" if m["rel"] else "wd")
        return _Atom(start, m.end(), "day", value, soft=True)

    def _weekend(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        if ctx.ref is None:
            return None
        off = int(self.lex.get("relmod", m["rel"]).value) if m["rel"] else None
        saturday = ctx.ref + dt.timedelta(days=5 - ctx.ref.weekday())
        weekend_now = ctx.ref.weekday() >= 5
        if (off is not None and off < 0) or (off is None and not weekend_now):
            saturday -= dt.timedelta(weeks=1)  # bare: the last one begun (past-tense news)
        elif off is not None and off > 0 and weekend_now:
            saturday += dt.timedelta(weeks=1)
        value = f"{_iso_week(saturday)}-{self.lex.get('weekend', m['we']).value}"
        start = self._prep_start(m, "rel" if m["rel"] else "we")
        return _Atom(start, m.end(), "other", value)

    def _night_weekday(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        # `в ночь с пятницы на субботу` is dated by the morning it ends in
        value = self._weekday_value(m["wd"], None, ctx.ref)
        return _Atom(m.start(), m.end(), "day", value, soft=True, prio=-1)

    def _rel_day(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        entry = self.lex.get("relday", m["w"])
        if entry.tag == "eve" and not self._eve_ok(ctx.text, m.end()):
            return None
        if ctx.ref is None:
            return None
        value = str(ctx.ref + dt.timedelta(days=int(entry.value)))
        return _Atom(m.start(), m.end(), "day", value, soft=True)

    def _eve_ok(self, text: str, end: int) -> bool:
        """`накануне` alone means the day before; `накануне выборов` is the eve of an event."""
        w = self.word_re.match(text, end)
        if w is None or w[1][0].isupper():  # punctuation or a name follows
            return True
        word = w[1].lower()
        if self.lex.has("eve_next", word):
            return True
        return any(word.endswith(s) for s in self.lex.cats.get("eve_suffix", {}))

    def _clock_time(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        start = self._prep_start(m, "h")
        return _Atom(start, m.end(), "time", f"{int(m['h']):02d}:{m['mi']}")

    def _hour_time(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        groups = m.groupdict()
        prep_ok = bool(m["prep"]) and "time" in self.lex.get("prep", m["prep"]).tag.split()
        if not (m["dp"] or prep_ok):
            return None  # `2 часа` without `в` or `утра` is a duration
        if m["h"]:
            h = self._number(m["h"])
        elif groups.get("hw") and self.lex.get("unit", m["hw"]).tag == "sg" and m["dp"]:
            h = 1.0  # `в час ночи`
        else:
            return None
        mi = self._number(m["mi"]) if groups.get("mi") else 0.0
        if h is None or mi is None or h != int(h) or not (0 <= h <= 24 and 0 <= mi < 60):
            return None
        hour = int(h)
        if m["dp"]:
            part = self.lex.get("daypart", m["dp"]).value
            if hour > 12:
                return None
            if part == "pm" and hour < 12:
                hour += 12
            elif part == "night":
                hour = 0 if hour == 12 else hour + 12 if hour >= 9 else hour
            elif part == "am" and hour == 12:
                hour = 0
        if hour == 24:
            hour = 0
        start = self._prep_start(m, "h" if m["h"] else "hw")
        return _Atom(start, m.end(), "time", f"{hour:02d}:{int(mi):02d}")

    def _clock_word(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        value = self.lex.get("clock", m["c"]).value
        return _Atom(self._prep_start(m, "c"), m.end(), "time", value)

    def _part_of_day(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        alone = self.lex.get("pod", m["p"]).tag == "alone"
        return _Atom(m.start(), m.end(), "pod", alone=alone, prio=1)

    def _fixed(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        return _Atom(m.start(), m.end(), "other", self.lex.get("fixed", m["f"]).value)

    def _rate(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        """`в год` is a rate only right after a quantity in the same clause (`6 миллионов евро в
        год`); otherwise it heads a noun (`в день выборов`, `в год 80-летия`)."""
        clause = _CLAUSE_BREAK.split(ctx.text[max(0, m.start() - 80) : m.start()])[-1]
        words = clause.split()[-5:]
        if not any(w[0].isdigit() or self.lex.has("number", w) for w in words):
            return None
        return _Atom(m.start(), m.end(), "other", self.lex.get("rate", m["r"]).value)

    def _duration(self, m: re.Match[str], ctx: _Ctx) -> _Atom | None:
        mods = {self.lex.get("durmod", x).tag for x in self.durmod_re.findall(m["mods"])}
        post = self.lex.get("postmod", m["post"]).tag if m["post"] else ""
        parts: list[tuple[float | None, str]]
        if m["fused"]:
            amount, unit = self.lex.get("fused", m["fused"]).value.split()
            parts = [(float(amount), unit)]
        elif m["n1"]:
            n = self._number(m["n2"] or m["n1"])  # a range counts as its upper bound (gold)
            low = self._number(m["n1"]) if m["n2"] else n
            if n == _BAD or low == _BAD:
                return None
            if n is not None and low is not None and low > n:
                return None  # `с 9 до 7 лет` is a change, not a range; `7 лет` still matches
            parts = [(n, self.lex.get("unit", m["u1"]).value)]
            if m["n3"]:
                n3 = self._number(m["n3"])
                if n3 is None or n3 == _BAD:
                    return None
                parts.append((n3, self.lex.get("unit", m["u2"]).value))
        else:
            entry = self.lex.get("unit", m["bare"])
            if entry.tag == "sg" and (mods & {"any", "many", "shift"} or post == "ago"):
                parts = [(1.0, entry.value)]  # `за год`, `через неделю`, `год назад`
            elif entry.tag == "pl" and "many" in mods:
                parts = [(None, entry.value)]  # `на месяцы`
            else:
                return None
        if "num" in mods and not m["n1"]:
            return None
        n, unit = parts[0]
        if parts[-1][1] in _TIME_UNITS and self.daypart_re.match(ctx.text, m.end()):
            return None  # `около 10 часов утра` is a clock time
        ahead = "shift" in mods and not self.after_re.match(ctx.text, m.end())
        value: str | None = None
        if ahead or post == "ago":
            if ctx.ref is not None:
                value = self._shift(n, unit, 1 if ahead and post != "ago" else -1, ctx.ref)
            elif n is not None and unit in _DATE_UNITS:
                return None  # a date that far from an unknown day is unknown
        return _Atom(m.start(), m.end(), "other", value or _duration(parts))

    @staticmethod
    def _shift(n: float | None, unit: str, sign: int, ref: dt.date) -> str | None:
        """The date `n` units away (`через шесть месяцев`, `пять дней назад`), at that unit's
        granularity; time units and vague amounts keep their duration (None)."""
        if n is None:
            return "PAST_REF" if sign < 0 else None
        if unit in _TIME_UNITS:
            return str(ref) if sign < 0 else None
        if unit == "Y" and n == int(n):
            return f"{ref.year + sign * int(n):04d}"
        if unit in ("Y", "M"):
            y, mo = _add_months(ref, sign * round(n * (12 if unit == "Y" else 1)))
            return f"{y:04d}-{mo:02d}"
        if unit == "W":
            return _iso_week(ref + dt.timedelta(days=sign * round(7 * n)))
        return str(ref + dt.timedelta(days=sign * round(n)))

    # --- the whole pass ------------------------------------------------------------------

    def find(self, text: str, ref: dt.date | None) -> list[Timex]:
        ctx = _Ctx(text, ref)
        cands: list[_Atom] = []
        blocked: list[tuple[int, int]] = []
        by_first, no_patterns = self.by_first, ()
        for word in _WORD.finditer(text):
            w, pos = word[0], word.start()
            key = "#d" if w[0].isdigit() else w.lower().replace("ё", "е")
            todo = by_first.get(key, no_patterns)
            if _ROMAN.fullmatch(w):
                todo = [*todo, *by_first.get("#r", ())]
            for pattern, handler in todo:
                m = pattern.match(text, pos)
                if m is not None:
                    atom = handler(m, ctx)
                    if atom is not None and atom.end > atom.start:
                        cands.append(atom)
            if key in self.block_first and (b := self.block_re.match(text, pos)):
                blocked.append((b.start(), b.end()))
        # longest first, then earliest: `в июле прошлого года` beats `прошлого года`
        cands.sort(key=lambda a: (a.start - a.end, a.start, -a.prio))
        chosen: list[_Atom] = []
        for a in cands:
            if any(a.start < e and s < a.end for s, e in blocked):
                continue
            if all(a.end <= c.start or c.end <= a.start for c in chosen):
                chosen.append(a)
        chosen.sort(key=lambda a: a.start)
        self._resolve_years(chosen, ctx)
        atoms = self._merge(chosen, text)
        out: list[Timex] = []
        for a in atoms:
            value = a.value
            if a.kind == "time" and not a.has_time:
                value = f"{ref or 'XXXX-XX-XX'}T{a.value}"
            elif a.kind == "pod":
                value = str(ref) if a.alone and ref is not None else None
            if value:
                out.append(Timex(a.start, a.end, text[a.start : a.end], value))
        return out

    def _resolve_years(self, atoms: list[_Atom], ctx: _Ctx) -> None:
        """Give yearless dates (a range: its start) a year: the next date's when they open a
        range or a list with it; the year last named for `того же года`; a past year's explicit
        date earlier in the paragraph when the story goes forward from it (`13 апреля 2010 года
        … 29 апреля`), unless the date is within ~2 months of the reference (news is mostly
        about now); else the reference year unless that is more than ~2 months ahead."""
        text, ref = ctx.text, ctx.ref
        anchor: tuple[int, dt.date] | None = None
        last_year: int | None = None
        for i, a in enumerate(atoms):
            if a.anchor is not None:
                last_year = a.anchor.year
                if not a.year_only:
                    anchor = (a.start, a.anchor)
                continue
            if a.pending is None or a.make is None:
                continue
            month, day = a.pending
            year: int | None = None
            default = _default_year(month, day, ref) if ref is not None else None
            near = (
                ref is not None
                and default is not None
                and abs((_safe_date(default, month, day) - ref).days) <= _NEAR_DAYS
            )
            nxt = atoms[i + 1] if i + 1 < len(atoms) else None
            if a.same_year:
                year = last_year
            elif (
                nxt
                and nxt.anchor
                and not nxt.year_only
                and (
                    self.gap_range.fullmatch(text, a.end, nxt.start)
                    or self.gap_pod.fullmatch(text, a.end, nxt.start)
                )
            ):
                # `с 28 декабря по 3 января 2025 года`, `в июле и декабре 2014-го`
                year = nxt.anchor.year - ((month, day) > (nxt.anchor.month, nxt.anchor.day))
            elif (
                anchor
                and not near
                and "\n" not in text[anchor[0] : a.start]
                and (ref is None or anchor[1].year < ref.year)
                and _safe_date(anchor[1].year, month, day) >= anchor[1]
            ):
                year = anchor[1].year
            if year is None:
                year = default
            while year is not None and not _valid_day(month, day, year):
                year -= 1  # `29 февраля` in a common year: the last leap year's
            a.value = a.make(None if year is None else year + a.wraps)

    def _merge(self, atoms: list[_Atom], text: str) -> list[_Atom]:
        out = list(atoms)
        i = 0
        while i + 1 < len(out):
            merged = self._merge_pair(out[i], out[i + 1], text)
            if merged is None:
                i += 1
            else:
                out[i : i + 2] = [merged]
        return out

    def _merge_pair(self, a: _Atom, b: _Atom, text: str) -> _Atom | None:
        """One rule per line of the gold conventions; the merged span keeps the day's value."""

        def gap(rx: re.Pattern[str]) -> bool:
            return rx.fullmatch(text, a.end, b.start) is not None

        def joined(src: _Atom, **kw: object) -> _Atom:
            atom = _Atom(a.start, b.end, src.kind, src.value, soft=src.soft)
            atom.has_time, atom.alone = src.has_time, src.alone
            for k, v in kw.items():
                setattr(atom, k, v)
            return atom

        if a.kind == "pod" and b.kind == "pod" and gap(self.gap_pod):
            return joined(a, alone=a.alone or b.alone)  # `ночью и утром`
        if a.kind == "pod" and b.kind == "day" and gap(self.gap_space):
            return joined(b)  # `вечером в понедельник`, `в ночь на 3 сентября`
        if a.kind == "day" and b.kind == "pod" and gap(self.gap_space):
            return joined(a)  # `вчера вечером`
        if a.kind == "day" and b.kind == "day" and gap(self.gap_comma):
            if a.soft and not b.soft:
                return joined(b)  # `в воскресенье 13 июня`
            if b.soft and not a.soft:
                return joined(a)  # `6 марта, в понедельник`
        if a.value and b.value and gap(self.gap_comma):
            if a.kind == "time" and b.kind == "day" and not b.has_time and len(b.value) == 10:
                return joined(b, value=f"{b.value}T{a.value}", has_time=True)  # `17:47 03.09.2025`
            if a.kind == "day" and b.kind == "time" and not a.has_time and len(a.value) == 10:
                return joined(a, value=f"{a.value}T{b.value}", has_time=True)
        if (
            a.kind == b.kind
            and a.kind in ("day", "month")
            and not (a.soft or b.soft)
            and a.value
            and b.value
            and gap(self.gap_range)
        ):
            opener = self.range_from_re.search(text, max(0, a.start - 4), a.start)
            dashed = _DASH_RE.fullmatch(text, a.end, b.start) is not None
            if opener or dashed:
                start = opener.start() if opener else a.start
                return _Atom(start, b.end, "other", f"{a.value}/{b.value}")
        return None


@functools.cache
def _grammar() -> _Grammar:
    data = resources.files("svodka.events") / "data" / "timex_lexicon.tsv"
    return _Grammar(_Lexicon(data.read_text("utf-8").splitlines()))


def find_timexes(text: str, reference: dt.date | None) -> list[Timex]:
    """Time expressions in `text`, in order, with ISO values resolved against `reference` (the
    article's date; None leaves relative ones out and yearless ones as `XXXX-09-03`)."""
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    return _grammar().find(text, reference)
