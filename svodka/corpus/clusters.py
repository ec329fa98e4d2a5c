"""Across articles: one quotation with many occurrences, one event with many sources.

Quotes: two quotes are one when their folded words are equal, or when the shorter one's word
3-grams are (nearly) all in the longer one — a truncated or trimmed reprint — and their
speakers do not disagree.

Events: two reports are one event when they have the same PLOVER type, share participants
(source with source and target with target; either way round for the symmetric CONSULT,
AGREE and COOPERATE), fall within a day of each other (a partial date such as `2024-07`
covers its month), and their places, modes and negation do not disagree. A cluster never
holds two events of one article: an article already reports one happening once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from calendar import monthrange
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from svodka.corpus.normal import words

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
DATE_WINDOW = dt.timedelta(days=1)
CONTAINMENT = 0.8  # share of the shorter quote's 3-grams found in the longer one
MIN_FUZZY_WORDS = 5  # shorter quotes only join by equal text: short phrases recur by chance
_COMMON_GRAM = 500  # 3-grams in more quotes than this are not used to find candidates
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def cluster_id(prefix: str, article_id: str, idx: int) -> str:
    """A cluster's id, from its earliest member: stable while that member stays first."""
    return prefix + hashlib.sha1(f"{article_id}\t{idx}".encode()).hexdigest()[:12]


def date_span(value: str | None) -> tuple[dt.date, dt.date] | None:
    """First and last day an ISO date or partial date (`2024`, `2024-07`) covers."""
    m = _DATE.match(value or "")
    if not m:
        return None
    try:
        year = int(m.group(1))
        if m.group(3):
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            month = int(m.group(2))
            return dt.date(year, month, 1), dt.date(year, month, monthrange(year, month)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


# --- quotes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteRow:
    article_id: str
    idx: int
    text: str
    start: int
    end: int
    speaker_key: str | None
    published: str | None
    kind: str | None = None  # direct | indirect | list


@dataclass(slots=True)
class QuoteCluster:
    id: str
    text: str
    speaker_key: str | None
    first_seen: str | None
    occurrences: list[QuoteRow]


def _order(published: str | None, article_id: str, idx: int) -> tuple[str, str, int]:
    return (published or "~", article_id, idx)  # "~" sorts after digits: undated last


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x


def cluster_quotes(rows: Iterable[QuoteRow]) -> list[QuoteCluster]:
    """Group quote occurrences into quotations; every occurrence lands in one cluster."""
    rows = list(rows)
    # Nodes: one per (folded text, speaker); a node's occurrences are certainly one quote.
    # A short fragment nobody is known to have said (`эту информацию`) recurs by chance:
    # it is a node of its own article only.
    nodes: dict[tuple[str, str | None, str], list[QuoteRow]] = defaultdict(list)
    for r in rows:
        folded = " ".join(words(r.text)) or f"\x00{r.article_id}\x00{r.idx}"
        short = len(folded.split()) < MIN_FUZZY_WORDS
        scope = r.article_id if short and not r.speaker_key else ""
        nodes[(folded, r.speaker_key, scope)].append(r)
    keys = list(nodes)
    uf = _Union(len(keys))
    speakers: list[set[str]] = [{k[1]} if k[1] else set() for k in keys]
    articles: list[set[str]] = [{r.article_id for r in nodes[k]} for k in keys]

    def join(a: int, b: int, fuzzy: bool = False) -> None:
        ra, rb = uf.root(a), uf.root(b)
        if ra == rb or len(speakers[ra] | speakers[rb]) > 1:
            return  # two named speakers: not one quotation
        if fuzzy and articles[ra] & articles[rb]:
            return  # one article's nested quotes (a direct one inside an indirect one)
        uf.parent[rb] = ra
        speakers[ra] |= speakers[rb]
        articles[ra] |= articles[rb]

    by_text: dict[str, list[int]] = defaultdict(list)
    for i, (folded, _, scope) in enumerate(keys):
        if not scope:
            by_text[folded].append(i)
    for same in by_text.values():
        named = [i for i in same if keys[i][1]]
        for i in same:
            if not keys[i][1] and len(named) == 1:
                join(named[0], i)  # an unattributed copy of an attributed quote
    # Truncated reprints: containment of word 3-grams, candidates from an inverted index.
    grams = {i: _grams(k[0]) for i, k in enumerate(keys) if len(k[0].split()) >= MIN_FUZZY_WORDS}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, gs in grams.items():
        for g in gs:
            postings[g].append(i)
    for i in sorted(grams, key=lambda n: len(grams[n])):
        mine = grams[i]
        hits: Counter[int] = Counter()
        for g in mine:
            plist = postings[g]
            if len(plist) <= _COMMON_GRAM:
                hits.update(plist)
        for j, _ in hits.most_common():
            if j == i or len(grams[j]) < len(mine):
                continue
            if len(mine & grams[j]) >= CONTAINMENT * len(mine):
                join(j, i, fuzzy=True)
    members: dict[int, list[QuoteRow]] = defaultdict(list)
    for i, k in enumerate(keys):
        members[uf.root(i)].extend(nodes[k])
    clusters = []
    for root, occ in members.items():
        occ.sort(key=lambda r: _order(r.published, r.article_id, r.idx))
        first = occ[0]
        clusters.append(
            QuoteCluster(
                id=cluster_id("q", first.article_id, first.idx),
                text=max(occ, key=lambda r: len(r.text)).text,  # the fullest version
                speaker_key=next(iter(speakers[root]), None),
                first_seen=first.published,
                occurrences=occ,
            )
        )
    return sorted(clusters, key=lambda c: c.id)


def _grams(folded: str) -> frozenset[str]:
    tokens = folded.split()
    return frozenset(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2))


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventRow:
    article_id: str
    idx: int
    type: str
    cameo: str | None
    mode: str | None
    sources: tuple[str, ...]  # actor keys
    targets: tuple[str, ...]
    location_key: str | None
    location: str | None  # the place's name
    date: str | None  # the event's own date
    published: str | None  # its article's: the date of an undated event
    intent: bool
    negated: bool
    trigger: str
    trigger_start: int
    trigger_end: int

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        return date_span(self.date) or date_span((self.published or "")[:10])

    @property
    def participants(self) -> frozenset[str]:
        return frozenset(self.sources) | frozenset(self.targets)


@dataclass(slots=True)
class EventCluster:
    id: str
    type: str
    cameo: str | None
    mode: str | None
    date: str | None
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    location_key: str | None
    location: str | None
    intent: bool
    negated: bool
    first_seen: str | None
    members: list[EventRow] = field(default_factory=list)

    @property
    def span(self) -> tuple[dt.date, dt.date] | None:
        return date_span(self.date)


def same_event(a: EventRow, b: EventRow, copies: bool = False) -> bool:
    """Whether two reports (of two articles) are of one event; `copies`: the two articles
    are syndicated copies of one story, where a matching trigger may stand in for actors."""
    if a.article_id == b.article_id or a.type != b.type or a.negated != b.negated:
        return False
    if a.mode and b.mode and a.mode != b.mode:
        return False
    if a.location_key and b.location_key and a.location_key != b.location_key:
        return False
    sa, sb = a.span, b.span
    if sa is None or sb is None:
        if not (copies and sa is None and sb is None):
            return False
    elif sa[0] - DATE_WINDOW > sb[1] or sb[0] - DATE_WINDOW > sa[1]:
        return False
    if not a.participants and not b.participants:
        return copies and " ".join(words(a.trigger)) == " ".join(words(b.trigger))
    return _participants_match(a, b)


def _participants_match(a: EventRow, b: EventRow) -> bool:
    if a.type in SYMMETRIC:
        pa, pb = a.participants, b.participants
        return len(pa & pb) >= min(2, len(pa), len(pb)) > 0
    for x, y in ((a.sources, b.sources), (a.targets, b.targets)):
        if x and y and not set(x) & set(y):
            return False
    return bool(a.participants & b.participants)


def cluster_events(
    rows: Iterable[EventRow], copies: dict[str, str] | None = None
) -> list[EventCluster]:
    """Group event reports into events. `copies` maps an article to the original it copies."""
    copies = copies or {}

    def story(article_id: str) -> str:
        return copies.get(article_id, article_id)

    rows = sorted(
        rows,
        key=lambda r: (
            r.span[0] if r.span else dt.date.max,
            *_order(r.published, r.article_id, r.idx),
        ),
    )
    clusters: list[list[EventRow]] = []
    # Candidate clusters by (type, participant) and, for actorless events, by (type, story).
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        probes = [(row.type, p) for p in row.participants] or [
            (row.type, "\x00" + story(row.article_id))
        ]
        seen: set[int] = set()
        chosen = None
        for probe in probes:
            for c in index.get(probe, ()):
                if c in seen:
                    continue
                seen.add(c)
                if all(
                    same_event(row, m, copies=story(row.article_id) == story(m.article_id))
                    for m in clusters[c]
                ):
                    chosen = c
                    break
            if chosen is not None:
                break
        if chosen is None:
            chosen = len(clusters)
            clusters.append([])
        clusters[chosen].append(row)
        for probe in probes:
            if chosen not in index[probe]:
                index[probe].append(chosen)
    return [_summarise(members) for members in clusters]


def _summarise(members: Sequence[EventRow]) -> EventCluster:
    first = min(members, key=lambda r: _order(r.published, r.article_id, r.idx))
    dated = Counter(m.date for m in members if date_span(m.date))
    if dated:
        # The most reported date; among equals the most precise (`2024-07-15` over `2024-07`).
        date = max(dated, key=lambda d: (dated[d], len(d or ""), d or ""))
    else:
        fallback = Counter((m.published or "")[:10] for m in members if date_span(m.published))
        date = fallback.most_common(1)[0][0] if fallback else None
    # Symmetric types match either way round: turn each report to the first one's
    # orientation, so that one actor is not both a source and a target.
    oriented = [
        (m.targets, m.sources)
        if first.type in SYMMETRIC
        and set(m.sources) & set(first.targets)
        and not set(m.sources) & set(first.sources)
        else (m.sources, m.targets)
        for m in members
    ]
    places = Counter((m.location_key, m.location) for m in members if m.location_key)
    location_key, location = places.most_common(1)[0][0] if places else (None, None)
    return EventCluster(
        id=cluster_id("ev", first.article_id, first.idx),
        type=first.type,
        cameo=Counter(m.cameo for m in members if m.cameo).most_common(1)[0][0]
        if any(m.cameo for m in members)
        else None,
        mode=Counter(m.mode for m in members if m.mode).most_common(1)[0][0]
        if any(m.mode for m in members)
        else None,
        date=date,
        sources=_ranked(k for m in oriented for k in m[0]),
        targets=_ranked(k for m in oriented for k in m[1]),
        location_key=location_key,
        location=location,
        # An event reported as done by any source has happened, whatever others announced.
        intent=all(m.intent for m in members),
        negated=all(m.negated for m in members),
        first_seen=first.published,
        members=sorted(members, key=lambda r: _order(r.published, r.article_id, r.idx)),
    )


def _ranked(keys: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(keys)
    return tuple(sorted(counts, key=lambda k: (-counts[k], k)))
