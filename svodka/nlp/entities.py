"""Entities: Natasha's NER spans and the KB's names, typed to PER/ORG/GPE/LOC/FAC/EVT,
normalised to the nominative and grouped so that each actor is one entity however named."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from svodka.kb import KBEntry, KnowledgeBase, load_government_nouns
from svodka.nlp.analysis import Analysis, NerSpan, Token
from svodka.nlp.gazetteer import Gazetteer, Match
from svodka.nlp.morph import lemma, lemma_key, same_name_part, vocab
from svodka.records import Dateline, Entity, Mention

_QUOTES_OPEN = "«\"„“'"
_QUOTES_CLOSE = "»\"“”'"
# Tokens that may stand between a country and the name it qualifies (`президент РФ Путин`).
_ROLE_POS = frozenset({"NOUN", "ADJ", "PROPN", "ADP", "CCONJ", "X"})


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    type: str
    kind: str
    entry: KBEntry | None = None
    normal: str = ""
    parts: tuple[str, ...] = ()  # name parts of a person, as written
    country: str | None = None
    fixed: bool = False  # its place in the text settles what it is (a dateline's city)


@dataclass(eq=False, slots=True)
class Group:
    """One actor while the article is being read: its mentions so far and what is known of it."""

    members: list[Candidate] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # role phrases seen in apposition
    offices: set[tuple[str, str | None]] = field(default_factory=set)  # (office, country)
    role_heads: set[str] = field(default_factory=set)  # lemmas of role nouns seen with it
    affiliations: list[Group] = field(default_factory=list)  # organisations its roles named
    name: str | None = None  # set when the name comes from elsewhere than its mentions
    type: str | None = None
    country: str | None = None
    qid: str | None = None
    id: str = ""

    @property
    def first(self) -> int:
        return min(c.start for c in self.members)

    @property
    def entry(self) -> KBEntry | None:
        return next((c.entry for c in self.members if c.entry is not None), None)

    @property
    def kind_type(self) -> str:
        entry = self.entry
        return self.type or (entry.type if entry is not None else self.members[0].type)

    @property
    def nationality(self) -> str | None:
        entry = self.entry
        if entry is not None:
            return entry.country
        if self.country:
            return self.country
        found = Counter(c.country for c in self.members if c.country).most_common(1)
        return found[0][0] if found else None


class EntityFinder:
    """Turns an `Analysis` into the record's entities; holds the KB index, built once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.gazetteer = Gazetteer(kb)
        self.countries = kb.countries()
        self.government_nouns = load_government_nouns()

    def __call__(self, analysis: Analysis, dateline: Dateline | None = None) -> list[Group]:
        people = [(s.start, s.end) for s in analysis.ner if s.type == "PER"]
        candidates = [
            self._from_match(m)
            for m in self.gazetteer.find(analysis)
            # `Владимир` in `Владимир Путин` is a first name, not the city.
            if not any(s <= m.start and m.end <= e for s, e in people)
        ]
        if dateline is not None and dateline.start is not None and dateline.end is not None:
            candidates = [c for c in candidates if not _overlaps(c, dateline.start, dateline.end)]
            candidates.append(self._dateline_place(analysis, dateline))
        candidates = [c for c in candidates if not _inside_longer_name(c, analysis)]
        for span in analysis.ner:
            candidate = self._from_ner(span, analysis, candidates)
            if candidate is not None:
                candidates.append(candidate)
        candidates.extend(_propagate_surnames(analysis, candidates))
        candidates.extend(self._governments(analysis, candidates))
        candidates.sort(key=lambda c: (c.start, -c.end))
        for c in candidates:
            if c.type == "PER" and c.country is None:
                c.country = self._apposition_country(c, analysis, candidates)
        return self._group(candidates)

    # --- candidates ---------------------------------------------------------

    def _from_match(self, m: Match) -> Candidate:
        return Candidate(m.start, m.end, m.entry.type, m.kind, m.entry, m.entry.name)

    def _dateline_place(self, analysis: Analysis, dateline: Dateline) -> Candidate:
        assert dateline.start is not None and dateline.end is not None
        place = dateline.place or analysis.text[dateline.start : dateline.end]
        entry = self.gazetteer.names.get(lemma_key(place))
        # An agency dateline names a city even when a country shares the name.
        kind_type = "LOC" if entry is None or entry.type == "GPE" else entry.type
        if entry is not None and entry.type == "GPE":
            entry = None
        return Candidate(dateline.start, dateline.end, kind_type, "name", entry, place, fixed=True)

    def _from_ner(
        self, span: NerSpan, analysis: Analysis, known: list[Candidate]
    ) -> Candidate | None:
        if any(c.start <= span.start and span.end <= c.end for c in known):
            return None  # the KB (or the dateline) already knows this stretch
        tokens = [analysis.tokens[i] for i in analysis.token_range(span.start, span.end)]
        if not tokens:
            return None
        if span.type == "ORG" and _extend_known_org(span, tokens, known):
            return None
        start, end, normal = span.start, span.end, span.normal or span.text
        if span.type == "ORG" and (entry := _short_form_of(span.text, known)) is not None:
            return Candidate(start, end, "ORG", "name", entry, entry.name)
        if span.type == "PER":
            if len(tokens) == 1 and not _nominal(tokens[0]):
                return None  # a capitalised gerund or adjective opening a sentence
            parts = tuple(t.text for t in tokens if any(ch.isalpha() for ch in t.text))
            if len(tokens) > 1 and tokens[0].feats.get("Gender") == "Fem":
                normal = _feminine_surname(normal)
            return Candidate(start, end, "PER", "name", None, normal, parts)
        type_ = "ORG" if span.type == "ORG" else "LOC"
        if {lemma(tokens[0].text), lemma(tokens[-1].text)} & self.kb.facility_words:
            type_ = "FAC"
        elif type_ == "LOC":
            prev = _previous_word(analysis, tokens[0])
            if prev is not None and lemma(prev.text) in self.kb.facility_words:
                type_ = "FAC"
                if not _quoted(analysis.text, start, end):
                    # `площади Тяньаньмэнь`: the common noun is part of the name.
                    noun = _nominative(prev.text)
                    start, normal = prev.start, f"{noun} {span.text}"
        return Candidate(start, end, type_, "name", None, normal)

    def _governments(self, analysis: Analysis, candidates: list[Candidate]) -> list[Candidate]:
        """`правительство Киргизии`, `британские власти`: a country's government is an actor
        of its own; a bare `правительство` is the one the article spoke of last, or that of
        the country it names most."""
        tokens = analysis.tokens
        countries: dict[int, KBEntry] = {}
        for c in candidates:
            if c.entry is not None and c.type == "GPE":
                for k in analysis.token_range(c.start, c.end):
                    countries[k] = c.entry
        out: list[Candidate] = []
        for tok in tokens:
            plural_only = self.government_nouns.get((lemma(tok.text),))
            if plural_only is None or tok.pos != "NOUN":
                continue
            if plural_only and tok.feats.get("Number") != "Plur":
                continue
            if any(c.start <= tok.start < c.end for c in candidates):
                continue
            first, last, country = tok.index, tok.index, None
            nxt, prev = tok.index + 1, tok.index - 1
            if nxt < len(tokens) and nxt in countries and tokens[nxt].feats.get("Case") == "Gen":
                last, country = nxt, countries[nxt]
            elif prev >= 0 and prev in countries and tokens[prev].pos == "ADJ":
                first, country = prev, countries[prev]
            if (
                country is None
                and tok.text[:1].isupper()
                and tok.index != analysis.sentences[tok.sent][0]
            ):
                continue  # `Правительство` capitalised mid-sentence names something else
            out.append(
                Candidate(
                    tokens[first].start,
                    tokens[last].end,
                    "ORG",
                    "name",
                    None,
                    _government_name(country) if country else "",
                    country=country.country if country else None,
                )
            )
        return out

    def _apposition_country(
        self, person: Candidate, analysis: Analysis, candidates: list[Candidate]
    ) -> str | None:
        """The country of a role standing before a name: `президент РФ Владимир Путин`."""
        first = analysis.token_range(person.start, person.end)
        if not first:
            return None
        i = first[0] - 1
        sent = analysis.tokens[first[0]].sent
        steps = 0
        while i >= 0 and steps < 7:
            tok = analysis.tokens[i]
            if tok.sent != sent or tok.pos not in _ROLE_POS:
                return None
            for c in candidates:
                if c.start <= tok.start < c.end and c.entry is not None and c.type == "GPE":
                    return c.entry.country
                if c.start <= tok.start < c.end and c.type == "PER":
                    return None
            i -= 1
            steps += 1
        return None

    # --- grouping -----------------------------------------------------------

    def _group(self, candidates: list[Candidate]) -> list[Group]:
        by_key: dict[str, Group] = {}
        people: list[Group] = []
        for c in candidates:
            if c.entry is not None:
                by_key.setdefault(c.entry.key, Group()).members.append(c)
            elif c.type == "PER":
                _join_person(people, c)
            else:
                key = f"{c.type}:{c.normal.lower().replace('ё', 'е')}"
                by_key.setdefault(key, Group()).members.append(c)
        _attach_bare_governments(by_key, candidates)
        groups = list(by_key.values()) + people
        groups.sort(key=lambda g: g.first)
        return groups


def build_entities(groups: list[Group], text: str) -> list[Entity]:
    """The record's entities, numbered in order of first mention; sets each group's id."""
    live = sorted((g for g in groups if g.members), key=lambda g: g.first)
    out = []
    for n, group in enumerate(live, 1):
        group.id = f"e{n}"
        members = sorted(group.members, key=lambda c: (c.start, c.end))
        entry = group.entry
        if group.name is not None:
            name = group.name
        elif entry is not None:
            name = entry.name
        else:
            name = _best_name([c for c in members if c.kind == "name"] or members)
        qid = group.qid or (entry.qid if entry is not None else None)
        mentions, seen = [], set()
        for c in members:
            if (c.start, c.end) not in seen:
                seen.add((c.start, c.end))
                mentions.append(Mention(c.start, c.end, text[c.start : c.end], c.kind))
        out.append(
            Entity(
                group.id,
                group.kind_type,
                name,
                qid,
                group.nationality,
                tuple(dict.fromkeys(group.roles)),
                tuple(mentions),
            )
        )
    return out


def _propagate_surnames(analysis: Analysis, candidates: list[Candidate]) -> list[Candidate]:
    """Surnames NER missed elsewhere in the text (a headline's `Путин`): a name the
    article uses once for a person means that person wherever it recurs."""
    surnames = {c.parts[-1] for c in candidates if c.type == "PER" and len(c.parts) >= 2}
    if not surnames:
        return []
    by_initial: dict[str, list[str]] = {}
    for surname in surnames:
        by_initial.setdefault(surname[:2].lower(), []).append(surname)
    taken = sorted((c.start, c.end) for c in candidates)
    out = []
    for tok in analysis.tokens:
        if not tok.text[:1].isupper() or len(tok.text) < 3 or tok.pos in {"ADJ", "VERB"}:
            continue
        if any(s < tok.end and tok.start < e for s, e in taken):
            continue
        found = by_initial.get(tok.text[:2].lower(), ())
        if found and _name_like(tok) and any(same_name_part(tok.text, s) for s in found):
            out.append(Candidate(tok.start, tok.end, "PER", "name", None, tok.text, (tok.text,)))
    return out


def _inside_longer_name(c: Candidate, analysis: Analysis) -> bool:
    """A KB name that is only part of a longer name (`Курилами` in `Южными Курилами`,
    `Конгресса` in `Конгресса профсоюзов`) is not a mention; a country inside an
    organisation's name is (`МИД Латвии`)."""
    if c.entry is None or c.kind != "name":
        return False
    for span in analysis.ner:
        longer = (
            span.start <= c.start and c.end <= span.end and span.end - span.start > c.end - c.start
        )
        if longer and (span.type == "LOC" or (span.type == "ORG" and c.type != "GPE")):
            return True
    return False


def _name_like(tok: Token) -> bool:
    """A word that can be a surname here: tagged a proper noun, or known to pymorphy as one."""
    if tok.pos == "PROPN":
        return True
    tags = vocab().parse(tok.text)[0].tag
    return "Surn" in tags or "Name" in tags


def _join_person(people: list[Group], c: Candidate) -> None:
    """Add a person mention to the group whose fullest name contains its name parts."""
    best: Group | None = None
    for group in people:
        full = max(group.members, key=lambda m: len(m.parts)).parts
        # Of several namesakes, the most recently named one.
        if _parts_compatible(c.parts, full) and (
            best is None or group.members[-1].start > best.members[-1].start
        ):
            best = group
    if best is None:
        people.append(Group([c]))
    else:
        best.members.append(c)


def _parts_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    short, long_ = sorted((a, b), key=len)
    if not short:
        return False
    used: set[int] = set()
    for part in short:
        hit = next(
            (i for i, p in enumerate(long_) if i not in used and same_name_part(part, p)), None
        )
        if hit is None:
            return False
        used.add(hit)
    # Two full names agree on their last part (the surname).
    return len(short) < len(long_) or same_name_part(short[-1], long_[-1])


def _best_name(members: list[Candidate]) -> str:
    counts = Counter(c.normal for c in members)
    most_parts = max(len(c.parts) for c in members)
    pool = [c for c in members if len(c.parts) == most_parts] or members
    # Prefer a normal form the text itself writes (a nominative mention), then the commonest.
    return max(pool, key=lambda c: (counts[c.normal], -c.start)).normal


def _government_name(country: KBEntry) -> str:
    """`Правительство Великобритании`: the country's name in the genitive."""
    words = country.name.split()
    parsed = [vocab().parse(w)[0] for w in words]
    genitive = [p.inflect({"Gen"}) for p in parsed]
    if any(g is None for g in genitive) or country.name.isupper():
        return f"Правительство {country.name}"
    return "Правительство " + " ".join(
        w if w.isupper() else g.word.capitalize() if w[:1].isupper() else g.word
        for w, g in zip(words, genitive, strict=True)
    )


def _attach_bare_governments(by_key: dict[str, Group], candidates: list[Candidate]) -> None:
    bare = by_key.pop("ORG:", None)
    if bare is None:
        return
    counts = Counter(
        c.entry.key
        for c in candidates
        if c.entry is not None and c.type == "GPE" and c.kind == "name"
    )
    for member in bare.members:
        governments = [
            g
            for key, g in by_key.items()
            if key.startswith("ORG:правительство ") and g.first < member.start
        ]
        if governments:
            target = max(
                governments, key=lambda g: max(c.start for c in g.members if c.start < member.start)
            )
            target.members.append(member)
            continue
        if not counts:
            continue
        country = next(
            c.entry
            for c in candidates
            if c.entry is not None and c.entry.key == counts.most_common(1)[0][0]
        )
        member.normal, member.country = _government_name(country), country.country
        by_key.setdefault(f"ORG:{member.normal.lower()}", Group()).members.append(member)


def _extend_known_org(span: NerSpan, tokens: list[Token], known: list[Candidate]) -> bool:
    """`Минобороны России`: a KB organisation plus its country's name is that organisation;
    the KB mention grows to the whole span (the country keeps its nested mention)."""
    inside = [c for c in known if span.start <= c.start and c.end <= span.end]
    orgs = [c for c in inside if c.type in {"ORG", "FAC"} and c.kind == "name"]
    if len(orgs) != 1:
        return False
    org = orgs[0]
    countries = set()
    for tok in tokens:
        if org.start <= tok.start < org.end or not any(ch.isalnum() for ch in tok.text):
            continue
        gpe = next((c for c in inside if c.type == "GPE" and c.start <= tok.start < c.end), None)
        if gpe is None or gpe.entry is None:
            return False
        countries.add(gpe.entry.country)
    org.start, org.end = span.start, span.end
    if org.entry is not None and countries and org.entry.country not in countries:
        # `МИД Латвии` is not the KB's bare `МИД` (of Russia): the same kind of body abroad.
        org.entry, org.normal, org.country = None, span.normal or span.text, countries.pop()
    return True


# A woman's surname in an oblique case, as the normaliser leaves it when it reads the surname
# as a man's (`Марию Зимину` → `Мария Зимину`): the ending of her nominative.
_FEMININE_ENDINGS = re.compile(r"(ов|ев|ёв|ин|ын)(у|ой)$|(ск|цк)(ую|ой)$")


def _feminine_surname(normal: str) -> str:
    words = normal.split()
    if len(words) < 2:
        return normal
    m = _FEMININE_ENDINGS.search(words[-1])
    if m is None:
        return normal
    stem = m.group(1) or m.group(3)
    words[-1] = words[-1][: m.start()] + stem + ("а" if m.group(1) else "ая")
    return " ".join(words)


def _short_form_of(text: str, known: list[Candidate]) -> KBEntry | None:
    """`Министерство обороны` after `Минобороны РФ`: a known organisation of this article
    named without its country (one or two words short of one of its names)."""
    key = lemma_key(text)
    if not key:
        return None
    for c in known:
        entry = c.entry
        if entry is None or entry.type != "ORG":
            continue
        for name in entry.names:
            full = lemma_key(name)
            if len(key) < len(full) <= len(key) + 2 and full[: len(key)] == key:
                return entry
    return None


def _nominal(token: Token) -> bool:
    if token.pos not in {"PROPN", "NOUN", "X"}:
        return False
    return vocab().parse(token.text)[0].tag.POS not in {"GRND", "VERB", "INFN", "PRTF", "ADVB"}


def _overlaps(c: Candidate, start: int, end: int) -> bool:
    return c.start < end and start < c.end


def _previous_word(analysis: Analysis, token: Token) -> Token | None:
    i = token.index - 1
    while i >= 0 and analysis.tokens[i].text in _QUOTES_OPEN:
        i -= 1
    if i < 0 or analysis.tokens[i].sent != token.sent:
        return None
    prev = analysis.tokens[i]
    return prev if prev.text[:1].islower() else None


def _quoted(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 1) : start]
    after = text[end : end + 1]
    return bool(before) and before in _QUOTES_OPEN and bool(after) and after in _QUOTES_CLOSE


def _nominative(word: str) -> str:
    return lemma(word)
