"""Digests in the seed's own shape: the main event in one line, `Заявления X:` per speaker, then the
other events.

Every line is assembled from record fields (names, quote texts, event types, dates, trigger words,
the article's own phrases) and carries the ids of the quotes and events it rests on; nothing is
said that the records do not hold. The core is pure: records in, a `Digest` out, then renderers.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from svodka.records import Article, Entity, Event, Quote

__all__ = [
    "Actor",
    "Digest",
    "Happening",
    "Line",
    "Section",
    "Statement",
    "build_digest",
    "digest_actor",
    "digest_article",
    "digest_day",
    "digest_event",
    "digest_from_store",
    "event_id",
    "genitive",
    "quote_id",
    "render",
    "render_html",
    "render_markdown",
    "render_text",
    "short_name",
]

FORMATS = ("text", "markdown", "html")

# PLOVER types in Russian: a noun phrase each, so no verb has to agree with anyone.
TYPE_LABELS: Mapping[str, str] = {
    "AGREE": "согласие",
    "CONSULT": "встреча",
    "SUPPORT": "поддержка",
    "CONCEDE": "уступка",
    "COOPERATE": "сотрудничество",
    "AID": "помощь",
    "RETREAT": "отступление",
    "REQUEST": "просьба или требование",
    "ACCUSE": "обвинение",
    "REJECT": "отказ",
    "THREATEN": "угроза",
    "PROTEST": "протест",
    "SANCTION": "санкции",
    "MOBILIZE": "мобилизация",
    "COERCE": "принуждение",
    "ASSAULT": "нападение",
}
# What is promised or offered is not what happened: PLOVER's `intent`.
INTENT_LABELS: Mapping[str, str] = {
    "AGREE": "обещание или предложение",
    "CONSULT": "намерение встретиться",
    "SUPPORT": "обещание поддержки",
    "COOPERATE": "намерение сотрудничать",
    "AID": "обещание помощи",
}
MODE_LABELS: Mapping[str, str] = {
    "phone": "телефонный разговор",
    "visit": "визит",
    "multilateral": "многосторонняя встреча",
    "third-party": "посредничество",
}
CAMEO_LABELS: Mapping[str, str] = {"042": "визит", "043": "приём визита", "046": "переговоры"}

MONTHS_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_NOM = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip

# Names that lead with the family name decline in the last word only: `Ким Чен Ына`, `Си Цзиньпина`.
_LAST_WORD_ONLY = frozenset({"PRK", "KOR", "CHN", "TWN", "VNM", "MNG", "MMR", "KHM", "LAO"})
_PARTICLES = frozenset({"бен", "бин", "ибн", "аль", "фон", "де", "ди", "дель", "да", "ван", "ле"})
_CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")
# `в Пекине`, `в резиденции "Дяоюйтай"`: a preposition, at most one place noun, an opening quote.
_PREPOSITION = re.compile(
    r"(?:^|[\s(«\"])((?:в|во|на)\s+)(?:([А-Яа-яЁё-]+)\s+)?([«\"]?)$", re.IGNORECASE
)
_CLOSING = {"«": "»", '"': '"'}


# --- records the digest is built from -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Actor:
    """Who speaks or acts: a store key (or an article's entity id), its name and known forms."""

    key: str
    name: str
    type: str = "PER"
    country: str | None = None
    forms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One quote, as the digest needs it."""

    id: str
    speaker: Actor | None
    text: str
    kind: str
    date: str | None = None
    articles: tuple[str, ...] = ()
    where: str | None = None  # `<article>:q<n>`: where a store's quotation is written


@dataclass(frozen=True, slots=True)
class Happening:
    """One event, as the digest needs it; `places` are phrases taken from the article if it can."""

    id: str
    type: str
    cameo: str | None
    mode: str | None
    source: tuple[Actor, ...]
    target: tuple[Actor, ...]
    places: tuple[str, ...] = ()
    date: str | None = None
    duration: str | None = None
    intent: bool = False
    negated: bool = False
    trigger: str | None = None
    articles: tuple[str, ...] = ()
    where: str | None = None  # `<article>:v<n>`: where a store's event is first reported


@dataclass(frozen=True, slots=True)
class Line:
    """A line of a digest, the quote and event ids it rests on, and where those are written
    (`where`: `<article>:q<n>` / `<article>:v<n>`, one per id, events first)."""

    text: str
    quotes: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    date: str | None = None
    where: tuple[str, ...] = ()

    def refs(self) -> list[tuple[str, str, str]]:
        """(kind, id, where) for each id: `event` ids first, then `quote` ids."""
        ids = [("event", i) for i in self.events] + [("quote", i) for i in self.quotes]
        places = list(self.where) + [i for _, i in ids[len(self.where) :]]
        return [(kind, ident, place) for (kind, ident), place in zip(ids, places, strict=False)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "quotes": list(self.quotes),
            "events": list(self.events),
            "articles": list(self.articles),
            "date": self.date,
            "where": list(self.where),
        }


@dataclass(frozen=True, slots=True)
class Section:
    """`Заявления Путина:` and its statements, or the other events."""

    title: str
    lines: tuple[Line, ...]
    speaker: str | None = None
    kind: str = "statements"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "kind": self.kind,
            "speaker": self.speaker,
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass(frozen=True, slots=True)
class Digest:
    """A digest: a title, the main event's line, then sections."""

    title: str
    summary: Line | None
    sections: tuple[Section, ...] = ()
    articles: tuple[str, ...] = ()

    def lines(self) -> list[Line]:
        """Every line, summary first."""
        out = [self.summary] if self.summary else []
        for section in self.sections:
            out.extend(section.lines)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": self.summary.to_dict() if self.summary else None,
            "sections": [s.to_dict() for s in self.sections],
            "articles": list(self.articles),
        }


# --- ids ------------------------------------------------------------------------------------------


def quote_id(article_id: str, index: int) -> str:
    """Id of an article's `index`-th quote (0-based): `<article>:q1`."""
    return f"{article_id}:q{index + 1}"


def event_id(article_id: str, index: int) -> str:
    """Id of an article's `index`-th event (0-based): `<article>:v1`."""
    return f"{article_id}:v{index + 1}"


# --- names in the genitive ------------------------------------------------------------------------


def genitive(
    name: str, type: str = "PER", country: str | None = None, forms: Iterable[str] = ()
) -> str:
    """`Путин` → `Путина`, `Ким Чен Ын` → `Ким Чен Ына`; a name that is unsafe to inflect stays.

    `forms` are the name's forms seen in text: a candidate found among them wins, because the
    article is better evidence than any rule.
    """
    words = name.split()
    if not words or not all(_CYRILLIC_WORD.match(w) for w in words):
        return name  # Latin, quotes, digits: organisations and brands keep their name
    if type != "PER":
        return _genitive_phrase(words) or name
    gender = _gender(words)
    # A lone word is a surname (`Путин`); in a longer name the first word is the given name.
    full = " ".join(
        _genitive_person_word(w, gender, surname=i > 0 or len(words) == 1)
        for i, w in enumerate(words)
    )
    last_only = " ".join([*words[:-1], _genitive_person_word(words[-1], gender, surname=True)])
    seen = {f.lower().replace("ё", "е") for f in forms}
    for candidate in (full, last_only):
        if candidate.lower().replace("ё", "е") in seen:
            return candidate
    return last_only if _given_name_first(words, country) else full


def short_name(actor: Actor) -> str:
    """What a heading calls a person: the surname (`Путин`), or the whole East Asian name."""
    words = actor.name.split()
    if actor.type != "PER" or len(words) < 2 or _given_name_first(words, actor.country):
        return actor.name
    if not _is_given_name(words[0]):
        return actor.name
    rest = [w for w in words[1:] if not any("Patr" in p.tag for p in _morph().parse(w))]
    return " ".join(rest) or actor.name


def _given_name_first(words: Sequence[str], country: str | None) -> bool:
    if len(words) < 2:
        return False
    if country in _LAST_WORD_ONLY:
        return True
    # `Ким Чен Ын`, `Мун Чжэ Ин`: several short syllables before the last one.
    return len(words) >= 3 and all(len(w) <= 3 for w in words[:-1])


def _morph() -> Any:
    from svodka.nlp.morph import vocab

    return vocab()


def _is_given_name(word: str) -> bool:
    return any("Name" in p.tag and "nomn" in p.tag and p.score >= 0.3 for p in _morph().parse(word))


def _gender(words: Sequence[str]) -> str | None:
    for word in words:
        for parse in _morph().parse(word):
            if (
                "Name" in parse.tag
                and "nomn" in parse.tag
                and parse.score >= 0.3
                and parse.tag.gender in ("masc", "femn")
            ):
                return str(parse.tag.gender)
    if len(words) >= 2 and words[0].lower().endswith(("а", "я")):
        return "femn"  # an unknown given name in -а/-я: `Кая Каллас`
    last = words[-1].lower()
    if re.search(r"(ова|ева|ёва|ина|ына|ская|цкая|ая)$", last):
        return "femn"
    if re.search(r"(ов|ев|ёв|ин|ын|ский|цкий|ой|ый|ий)$", last) or re.search(
        r"[бвгджзклмнпрстфхцчшщ]$", last
    ):
        return "masc"
    return None


def _genitive_person_word(word: str, gender: str | None, surname: bool) -> str:
    if word.lower() in _PARTICLES:
        return word
    # A surname read as a given name declines wrongly (`Скабеева` → `Скабеевы`).
    kinds = {"Surn", "Patr"} if surname else {"Name"}
    for parse in _morph().parse(word):
        tag = parse.tag
        if not (kinds & set(tag.grammemes)) or "nomn" not in tag or "sing" not in tag:
            continue
        if gender and "ms-f" not in tag and tag.gender != gender:
            continue
        form = parse.inflect({"Gen"})
        if form is not None:
            return _same_case(word, form.word)
    return _genitive_by_ending(word, gender, surname)


def _genitive_by_ending(word: str, gender: str | None, surname: bool = True) -> str:
    """Case endings for names the dictionary does not know (`Ын`, `Цзиньпин`)."""
    low = word.lower()
    if gender == "femn":
        if re.search(r"(ов|ев|ёв|ин|ын)а$", low):
            return word[:-1] + "ой"
        if surname and low.endswith("ая"):
            return word[:-2] + "ой"
    if low.endswith("а"):
        return word[:-1] + ("и" if low[-2:-1] in set("гкхжшщч") else "ы")
    if low.endswith("я"):
        return word[:-1] + "и"
    if gender == "femn":
        return word  # `Ангела Меркель` → `Ангелы Меркель`
    if low.endswith(("й", "ь")):
        return word[:-1] + "я"
    if re.search(r"[бвгджзклмнпрстфхцчшщ]$", low):
        return word + "а"
    return word  # vowel-final foreign names do not decline: `Шойгу`, `Нетаньяху`


def _genitive_phrase(words: Sequence[str]) -> str | None:
    """`Курская область` → `Курской области`: agreeing adjectives, the head noun, the rest as is."""
    morph = _morph()
    adjectives: list[tuple[str, Any]] = []
    for index, word in enumerate(words):
        if word.isupper():
            return None  # abbreviations (`КНДР`, `МИД`) do not decline in writing
        parses = morph.parse(word)
        noun = next(
            (p for p in parses if p.tag.POS == "NOUN" and "nomn" in p.tag and p.is_known), None
        )
        if noun is not None and (not adjectives or _agrees(adjectives, noun)):
            head = noun.inflect({"Gen"})
            if head is None:
                return None
            out = [_same_case(w, _inflect_adjective(p, noun)) for w, p in adjectives]
            return " ".join([*out, _same_case(word, head.word), *words[index + 1 :]])
        adjective = next((p for p in parses if p.tag.POS == "ADJF" and "nomn" in p.tag), None)
        if adjective is None:
            return None
        adjectives.append((word, adjective))
    return None


def _agrees(adjectives: Sequence[tuple[str, Any]], noun: Any) -> bool:
    for _, adj in adjectives:
        if adj.tag.number != noun.tag.number:
            return False
        if noun.tag.number == "sing" and adj.tag.gender != noun.tag.gender:
            return False
    return True


def _inflect_adjective(adjective: Any, noun: Any) -> str:
    grams = {"Gen", "Sing" if noun.tag.number == "sing" else "Plur"}
    form = adjective.inflect(grams)
    return form.word if form is not None else adjective.word


def _same_case(original: str, form: str) -> str:
    if "ё" in form and "ё" not in original.lower():
        form = form.replace("ё", "е")  # the dictionary's `ё` where the name was written with `е`
    if original.isupper():
        return form.upper()
    parts = form.split("-")
    source = original.split("-")
    if len(parts) == len(source):
        return "-".join(
            p.capitalize() if s[:1].isupper() else p for p, s in zip(parts, source, strict=True)
        )
    return form.capitalize() if original[:1].isupper() else form


# --- dates and durations --------------------------------------------------------------------------


def format_date(value: str | None) -> str | None:
    """`2025-09-03` → `3 сентября 2025 г.`, `2024-07` → `июль 2024 г.`; anything else as is."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value[:10])
    if m is None:
        return value
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12:
        return value
    if day:
        return f"{int(day)} {MONTHS_GEN[int(month) - 1]} {year} г."
    if month:
        return f"{MONTHS_NOM[int(month) - 1]} {year} г."
    return f"{year} г."


def format_duration(value: str | None) -> str | None:
    """`PT2H30M` → `2 ч 30 мин`, `P3D` → `3 дн.`; anything else as is."""
    if not value:
        return None
    m = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", value)
    if m is None or not any(m.groups()):
        return value
    units = zip(m.groups(), ("дн.", "ч", "мин"), strict=True)
    return " ".join(f"{n} {unit}" for n, unit in units if n)


# --- an article → statements and happenings -------------------------------------------------------


def article_actors(article: Article) -> dict[str, Actor]:
    """The article's entities as Actors, by entity id."""
    return {e.id: _actor(e) for e in article.entities}


def _actor(entity: Entity) -> Actor:
    forms = tuple(dict.fromkeys(m.text for m in entity.mentions if m.kind == "name"))
    return Actor(entity.id, entity.name, entity.type, entity.country, forms)


def article_statements(
    article: Article, actors: Mapping[str, Actor] | None = None
) -> list[Statement]:
    """The article's quotes, in text order, with their ids."""
    actors = actors if actors is not None else article_actors(article)
    date = _article_date(article)
    indexed = sorted(enumerate(article.quotes), key=lambda iq: (iq[1].start, iq[0]))
    return [_statement(article, i, q, actors, date) for i, q in indexed]


def _statement(
    article: Article, index: int, quote: Quote, actors: Mapping[str, Actor], date: str | None
) -> Statement:
    speaker = actors.get(quote.speaker) if quote.speaker else None
    return Statement(
        quote_id(article.id, index), speaker, quote.text, quote.kind, date, (article.id,)
    )


def article_happenings(
    article: Article, actors: Mapping[str, Actor] | None = None
) -> list[Happening]:
    """The article's events, in text order, with their ids and place phrases from the text."""
    actors = actors if actors is not None else article_actors(article)
    entities = {e.id: e for e in article.entities}
    durations = {t.value: t.text for t in article.timexes}
    indexed = sorted(enumerate(article.events), key=lambda ie: (ie[1].trigger.start, ie[0]))
    return [_happening(article, i, e, actors, entities, durations) for i, e in indexed]


def _happening(
    article: Article,
    index: int,
    event: Event,
    actors: Mapping[str, Actor],
    entities: Mapping[str, Entity],
    durations: Mapping[str, str],
) -> Happening:
    def pick(ids: Iterable[str]) -> tuple[Actor, ...]:
        return tuple(actors[i] for i in ids if i in actors)

    places = _place_phrases(
        article.text, [entities[i] for i in _ids(event.location) if i in entities]
    )
    duration = durations.get(event.duration or "") or format_duration(event.duration)
    return Happening(
        id=event_id(article.id, index),
        type=event.type,
        cameo=event.cameo,
        mode=event.mode,
        source=pick(_ids(event.source)),
        target=pick(_ids(event.target)),
        places=places,
        date=event.date,
        duration=duration,
        intent=event.intent,
        negated=event.negated,
        trigger=event.trigger.text if event.trigger else None,
        articles=(article.id,),
    )


def _ids(value: str | Sequence[str] | None) -> tuple[str, ...]:
    # The contract has `location` as one id; gold and some producers give a list.
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


# The most specific place first, as Russian writes it: `в резиденции "Дяоюйтай" в Пекине`.
_PLACE_ORDER = {"FAC": 0, "LOC": 1, "GPE": 2}


def _place_phrases(text: str, places: Sequence[Entity]) -> tuple[str, ...]:
    """`в Пекине` as the article writes it; a place it never writes with `в`/`на` keeps its name."""
    out: list[str] = []
    for entity in sorted(places, key=lambda e: _PLACE_ORDER.get(e.type, 3)):
        phrase = None
        for mention in entity.mentions:
            if mention.kind != "name":
                continue
            m = _PREPOSITION.search(text[max(0, mention.start - 40) : mention.start])
            if m is None:
                continue
            noun, quote = m.group(2), m.group(3)
            if noun and _lemma(noun) not in _place_nouns():
                continue  # `в освобождении Курской области` is no place phrase
            close = _CLOSING.get(quote, "")
            if close and not text.startswith(close, mention.end):
                continue
            prep = m.group(1).lower()
            phrase = f"{prep}{noun + ' ' if noun else ''}{quote}{mention.text}{close}"
            break
        out.append(phrase or entity.name)
    return tuple(out)


@cache
def _place_nouns() -> frozenset[str]:
    """Nouns that head a place phrase (`резиденция`, `столица`), from the event layer's data."""
    from importlib.resources import files

    path = files("svodka.events") / "data" / "place_nouns.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text("utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _lemma(word: str) -> str:
    from svodka.nlp.morph import lemma

    return lemma(word)


def _article_date(article: Article) -> str | None:
    if article.dateline and article.dateline.date:
        return article.dateline.date
    return article.published[:10] if article.published else None


# --- the digest -----------------------------------------------------------------------------------


def digest_article(article: Article) -> Digest:
    """The digest of one article: its main event, what each speaker said, its other events."""
    actors = article_actors(article)
    return build_digest(
        article.headline or article.id,
        article_statements(article, actors),
        article_happenings(article, actors),
        articles=(article.id,),
    )


def build_digest(
    title: str,
    statements: Sequence[Statement],
    happenings: Sequence[Happening],
    *,
    main: Happening | None = None,
    articles: Sequence[str] = (),
    speakers: Sequence[str] | None = None,
) -> Digest:
    """Assemble a digest; `speakers` (actor keys) limits the statement sections to those actors."""
    main = main if main is not None else main_event(happenings)
    summary = summary_line(main) if main is not None else None
    by_speaker: dict[str, list[Statement]] = {}
    who: dict[str, Actor] = {}
    for statement in statements:
        if statement.speaker is None:
            continue
        if speakers is not None and statement.speaker.key not in speakers:
            continue
        by_speaker.setdefault(statement.speaker.key, []).append(statement)
        who[statement.speaker.key] = statement.speaker
    headings = _headings(list(who.values()))
    sections: list[Section] = []
    for key, items in by_speaker.items():
        # A statement said twice (the lead repeats the body, two outlets print it) is one line
        # that carries every id it rests on.
        same: dict[str, list[Statement]] = {}
        for s in items:
            same.setdefault(_norm(s.text), []).append(s)
        lines = tuple(
            Line(
                statement_text(group[0]),
                quotes=tuple(dict.fromkeys(s.id for s in group)),
                articles=tuple(dict.fromkeys(a for s in group for a in s.articles)),
                date=group[0].date,
                where=tuple(dict.fromkeys(s.where or s.id for s in group)),
            )
            for group in same.values()
        )
        sections.append(Section(f"Заявления {headings[key]}:", lines, speaker=key))
    # One line per happening: reports of it in several articles share the line and its ids.
    groups: dict[str, list[Happening]] = {}
    for h in happenings:
        if main is None or h.id != main.id:
            groups.setdefault(event_text(h), []).append(h)
    if groups:
        lines = [
            Line(
                text,
                events=tuple(h.id for h in same),
                articles=tuple(dict.fromkeys(a for h in same for a in h.articles)),
                date=same[0].date,
                where=tuple(h.where or h.id for h in same),
            )
            for text, same in groups.items()
        ]
        sections.append(Section("Другие события:", tuple(lines), kind="events"))
    return Digest(title, summary, tuple(sections), tuple(articles))


def _headings(actors: Sequence[Actor]) -> dict[str, str]:
    """Genitive headings; two speakers who share a surname are called by their full names."""
    short = {a.key: short_name(a) for a in actors}
    counts: dict[str, int] = {}
    for name in short.values():
        counts[name] = counts.get(name, 0) + 1
    out: dict[str, str] = {}
    for actor in actors:
        full = genitive(actor.name, actor.type, actor.country, actor.forms)
        if counts[short[actor.key]] > 1 or short[actor.key] == actor.name:
            out[actor.key] = full
            continue
        # Names inflect word by word, so the surname's genitive is the full name's last words;
        # inflecting the surname alone would lose the gender (`фон дер Ляйен`).
        words = len(short[actor.key].split())
        out[actor.key] = " ".join(full.split()[-words:])
    return out


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def main_event(happenings: Sequence[Happening]) -> Happening | None:
    """The event a summary leads with: the most reported meeting that happened (the first on a
    tie), else the first event that happened; promises and denials never lead."""
    real = [h for h in happenings if not h.intent and not h.negated]
    meetings = [h for h in real if h.type == "CONSULT" and (h.source or h.target)]
    if meetings:
        return max(meetings, key=lambda h: (len(h.articles), -happenings.index(h)))
    return real[0] if real else None


def label(h: Happening) -> str:
    """The Russian name of what happened: `встреча`, `телефонный разговор`, `обещание помощи`."""
    if h.intent and h.type in INTENT_LABELS:
        return INTENT_LABELS[h.type]
    text = TYPE_LABELS.get(h.type, h.type)
    if h.type == "CONSULT":
        text = MODE_LABELS.get(h.mode or "") or CAMEO_LABELS.get(h.cameo or "") or text
    if h.intent:
        text = f"намерение: {text}"
    return text


def summary_line(h: Happening) -> Line:
    """`Встреча Владимира Путина и Ким Чен Ына в Пекине (Дяоюйтай), 3 сентября 2025 г.; …`."""
    parts: list[str] = []
    people = _unique([*h.source, *h.target])
    if h.type == "CONSULT" and people:
        names = [genitive(a.name, a.type, a.country, a.forms) for a in people]
        parts.append(f"{_capital(label(h))} {_join(names)}")
    else:
        parts.append(f"{_capital(label(h))}: {_participants(h)}" if people else _capital(label(h)))
    parts[0] += _places(h.places)
    when = format_date(h.date)
    text = parts[0] + (f", {when}" if when else "")
    if h.duration:
        text += f"; продолжительность — {h.duration}"
    if h.negated:
        text += " (не состоялось)"
    return Line(
        text + ".", events=(h.id,), articles=h.articles, date=h.date, where=(h.where or h.id,)
    )


def event_text(h: Happening) -> str:
    """One line for an event: `Поддержка: Россия → КНДР, июль 2024 г. — «подписания»`."""
    text = _capital(label(h))
    if h.source or h.target:
        text += f": {_participants(h)}"
    text += _places(h.places)
    when = format_date(h.date)
    if when:
        text += f", {when}"
    if h.duration:
        text += f", {h.duration}"
    if h.negated:
        text += " (не состоялось)"
    if h.trigger:
        text += f" — «{h.trigger}»"
    return text


def _places(places: Sequence[str]) -> str:
    """` в резиденции "Дяоюйтай" в Пекине`; names never written with a preposition go after."""
    phrases = [p for p in places if p.startswith(("в ", "во ", "на "))]
    names = [p for p in places if p not in phrases]
    if not phrases:
        return f", {', '.join(names)}" if names else ""
    return " " + " ".join(phrases) + (f" ({', '.join(names)})" if names else "")


def statement_text(s: Statement) -> str:
    """A statement item: direct speech in «», reported speech and list items as written."""
    text = s.text.strip().rstrip(";").strip()
    return f"«{text}»" if s.kind == "direct" else text


def _participants(h: Happening) -> str:
    source = ", ".join(a.name for a in h.source) or "?"
    if not h.target:
        return source
    return f"{source} → {', '.join(a.name for a in h.target)}"


def _unique(actors: Iterable[Actor]) -> list[Actor]:
    return list({a.key: a for a in actors}.values())


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} и {names[-1]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- digests over a store -------------------------------------------------------------------------


class StoreLike(Protocol):
    """What the digest reads from `svodka.store.Store`."""

    def article(self, article_id: str) -> Article | None: ...
    def articles(
        self, q: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[dict[str, Any]]: ...
    def entities(self, q: str | None = None, limit: int = 50) -> list[dict[str, Any]]: ...
    def entity(self, key: str) -> dict[str, Any] | None: ...
    def events(
        self,
        type: str | None = None,
        actor: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        place: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]: ...


def digest_from_store(
    store: StoreLike,
    *,
    article: str | None = None,
    actor: str | None = None,
    event: str | None = None,
    day: str | None = None,
) -> Digest | None:
    """The digest of exactly one of: an article id, an actor (key or name), an event id, a day."""
    from svodka.errors import UsageError

    given = [
        (k, v)
        for k, v in (("article", article), ("actor", actor), ("event", event), ("day", day))
        if v
    ]
    if len(given) != 1:
        raise UsageError("Укажите ровно одно: --article, --actor, --event или --day")
    kind, value = given[0]
    if kind == "article":
        record = store.article(value)
        return digest_article(record) if record is not None else None
    if kind == "actor":
        return digest_actor(store, value)
    if kind == "event":
        return digest_event(store, value)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        dt.date.fromisoformat(value)  # `2024-13-45` has the shape of a date, not its sense
    except ValueError:
        raise UsageError(f"--day takes an ISO date (YYYY-MM-DD), not {value!r}") from None
    return digest_day(store, value)


def find_actor(store: StoreLike, name: str) -> dict[str, Any] | None:
    """An actor by key, else the best match among actors named so."""
    found = store.entity(name)
    if found is None:
        rows = store.entities(q=name, limit=1)
        found = store.entity(rows[0]["key"]) if rows else None
    return found


def digest_actor(store: StoreLike, name: str, limit: int = 500) -> Digest | None:
    """An actor's digest: their main meeting, what they said (each quotation once), their events."""
    row = find_actor(store, name)
    if row is None:
        return None
    speaker = Actor(
        str(row["key"]),
        str(row.get("name") or row["key"]),
        str(row.get("type") or "PER"),
        row.get("country"),
        tuple(row.get("names") or ()),
    )
    statements: list[Statement] = []
    seen: set[str] = set()
    for q in row.get("quotes") or ():
        ident = q.get("cluster_id") or quote_id(q["article_id"], int(q["idx"]))
        if ident in seen:
            continue  # a quotation reprinted elsewhere is one statement
        seen.add(ident)
        date = str(q.get("published") or "")[:10] or None
        statements.append(
            Statement(
                ident,
                speaker,
                str(q.get("text") or ""),
                str(q.get("kind") or ""),
                date,
                (q["article_id"],),
                where=quote_id(q["article_id"], int(q["idx"])),
            )
        )
    clusters = sorted(row.get("events") or (), key=lambda e: str(e.get("date") or ""))[:limit]
    happenings = [cluster_happening(e) for e in clusters]
    main = main_event(happenings)
    if main is not None:
        main = _grounded(store, main, next(e for e in clusters if e["id"] == main.id))
    return build_digest(
        speaker.name,
        statements,
        happenings,
        main=main,
        articles=tuple(dict.fromkeys(a for s in statements for a in s.articles)),
    )


def digest_event(store: StoreLike, ident: str) -> Digest | None:
    """An event's digest: the event, then what its participants said in the articles reporting it,
    then the other events those articles report."""
    cluster = _find_event(store, ident)
    if cluster is None:
        return None
    main = _grounded(store, cluster_happening(cluster), cluster)
    records = [store.article(a) for a in main.articles]
    participants = {
        *(cluster.get("source_names") or ()),
        *(cluster.get("target_names") or ()),
        *(cluster.get("source_keys") or ()),
        *(cluster.get("target_keys") or ()),
    }
    statements: list[Statement] = []
    happenings: list[Happening] = [main]
    for record in (r for r in records if r is not None):
        actors = _keyed_actors(record)
        statements += [
            s
            for s in article_statements(record, actors)
            if s.speaker is not None and {s.speaker.name, s.speaker.key} & participants
        ]
        happenings += [
            h for h in article_happenings(record, actors) if not _same_report(h, cluster, record.id)
        ]
    return build_digest(
        f"{_capital(label(main))}: {_participants(main)}",
        statements,
        happenings,
        main=main,
        articles=main.articles,
    )


def digest_day(store: StoreLike, day: str, limit: int = 200) -> Digest | None:
    """A day's digest: its main event, what each speaker said that day, the day's other events."""
    records: list[Article] = []
    offset = 0
    while len(records) < limit:
        # Articles come newest first; stop once past the day.
        page = store.articles(limit=100, offset=offset)
        if not page:
            break
        for row in page:
            published = str(row.get("published") or "")[:10]
            if published == day and not row.get("duplicate_of"):
                record = store.article(row["id"])
                if record is not None:
                    records.append(record)
        if all(str(r.get("published") or "")[:10] < day for r in page[-1:]):
            break
        offset += len(page)
    clusters = store.events(date_from=day, date_to=day, limit=limit)
    happenings = [cluster_happening(e) for e in clusters]
    statements = [s for r in records for s in article_statements(r, _keyed_actors(r))]
    if not happenings and not statements:
        return None
    main = main_event(happenings)
    if main is not None:
        main = _grounded(store, main, next(e for e in clusters if e["id"] == main.id))
    return build_digest(
        f"Сводка за {format_date(day)}",
        statements,
        happenings,
        main=main,
        articles=tuple(r.id for r in records),
    )


def _find_event(store: StoreLike, ident: str) -> dict[str, Any] | None:
    lookup = getattr(store, "event", None)
    if callable(lookup):
        found = lookup(ident)
        return dict(found) if found else None
    # Without a lookup by id, scan the latest events; the cap keeps one request bounded.
    return next((dict(e) for e in store.events(limit=5000) if e.get("id") == ident), None)


def cluster_happening(row: Mapping[str, Any]) -> Happening:
    """A Happening from one of the store's event rows (an event and its sources)."""
    keys_s, keys_t = row.get("source_keys") or (), row.get("target_keys") or ()
    names_s = row.get("source_names") or keys_s
    names_t = row.get("target_names") or keys_t
    sources = row.get("sources") or ()
    return Happening(
        id=str(row["id"]),
        type=str(row.get("type") or ""),
        cameo=row.get("cameo"),
        mode=row.get("mode"),
        source=tuple(Actor(str(k), str(n)) for k, n in zip(keys_s, names_s, strict=False)),
        target=tuple(Actor(str(k), str(n)) for k, n in zip(keys_t, names_t, strict=False)),
        places=(str(row["location"]),) if row.get("location") else (),
        date=row.get("date"),
        intent=bool(row.get("intent")),
        negated=bool(row.get("negated")),
        trigger=sources[0].get("trigger") if sources else None,
        articles=tuple(dict.fromkeys(str(s["article_id"]) for s in sources)),
        where=event_id(str(sources[0]["article_id"]), int(sources[0]["idx"])) if sources else None,
    )


def _grounded(store: StoreLike, h: Happening, row: Mapping[str, Any]) -> Happening:
    """The event as its first report writes it (types, `в Пекине`, duration), under the store's
    id and with all its sources: the summary line needs what only the article has."""
    for source in row.get("sources") or ():
        record = store.article(str(source["article_id"]))
        if record is None:
            continue
        idx = int(source["idx"])
        local = event_id(record.id, idx)
        found = next((x for x in article_happenings(record) if x.id == local), None)
        if found is not None:
            return Happening(
                id=h.id,
                type=found.type,
                cameo=found.cameo,
                mode=found.mode,
                source=found.source,
                target=found.target,
                places=found.places or h.places,
                date=h.date or found.date,
                duration=found.duration,
                intent=found.intent,
                negated=found.negated,
                trigger=found.trigger,
                articles=h.articles,
                where=local,
            )
    return h


def _keyed_actors(record: Article) -> dict[str, Actor]:
    # Across articles a speaker is one heading: key it as the store does before merging.
    from svodka.corpus.normal import actor_key

    return {
        e.id: Actor(actor_key(e.type, e.name, e.kb), e.name, e.type, e.country, _actor(e).forms)
        for e in record.entities
    }


def _same_report(h: Happening, cluster: Mapping[str, Any], article_id: str) -> bool:
    return any(
        event_id(article_id, int(s["idx"])) == h.id
        for s in cluster.get("sources") or ()
        if s.get("article_id") == article_id
    )


# --- renderers ------------------------------------------------------------------------------------


def _ids_of(line: Line) -> list[str]:
    return [*line.events, *line.quotes]


def _dated(digest: Digest, section: Section, line: Line) -> str:
    # Statements from many articles say when they were made; event lines carry their own date.
    if section.kind != "statements" or len(digest.articles) == 1 or not line.date:
        return line.text
    return f"{format_date(line.date)}: {line.text}"


def render_text(digest: Digest) -> str:
    """Plain text: each line ends with the ids it rests on in brackets."""
    out = [digest.title, ""]
    if digest.summary:
        out += [_with_ids(digest.summary.text, digest.summary), ""]
    for section in digest.sections:
        out.append(section.title)
        out += [f"- {_with_ids(_dated(digest, section, line), line)}" for line in section.lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _with_ids(text: str, line: Line) -> str:
    ids = _ids_of(line)
    return f"{text} [{', '.join(ids)}]" if ids else text


def render_markdown(digest: Digest) -> str:
    """Markdown: a heading, the summary, one list per section; ids as code spans."""
    out = [f"# {_md(digest.title)}", ""]
    if digest.summary:
        out += [_md_ids(digest.summary), ""]
    for section in digest.sections:
        out += [f"**{_md(section.title)}**", ""]
        out += [f"- {_md_ids(line, _dated(digest, section, line))}" for line in section.lines]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def _md_ids(line: Line, text: str | None = None) -> str:
    ids = " ".join(f"`{i}`" for i in _ids_of(line))
    return f"{_md(line.text if text is None else text)} {ids}".rstrip()


def render_html(digest: Digest, link: Any = None) -> str:
    """An HTML fragment, every text escaped; `link(kind, id, where)` may turn ids into hrefs."""
    esc = html.escape

    def ids(line: Line) -> str:
        refs = []
        for kind, value, where in line.refs():
            href = link(kind, value, where) if link else None
            tag = f'<a href="{esc(href)}">{esc(value)}</a>' if href else esc(value)
            refs.append(f'<span class="ref ref-{kind}">{tag}</span>')
        return f' <span class="refs">{"".join(refs)}</span>' if refs else ""

    def attrs(line: Line) -> str:
        data = " ".join(_ids_of(line))
        return f' data-ids="{esc(data)}"' if data else ""

    out = [f'<article class="digest"><h2>{esc(digest.title)}</h2>']
    if digest.summary:
        s = digest.summary
        out.append(f'<p class="summary"{attrs(s)}>{esc(s.text)}{ids(s)}</p>')
    for section in digest.sections:
        out.append(f'<section class="digest-{esc(section.kind)}"><h3>{esc(section.title)}</h3><ul>')
        out += [
            f"<li{attrs(line)}>{esc(_dated(digest, section, line))}{ids(line)}</li>"
            for line in section.lines
        ]
        out.append("</ul></section>")
    out.append("</article>")
    return "\n".join(out) + "\n"


def render(digest: Digest, format: str = "text") -> str:
    """Render in one of FORMATS."""
    if format == "markdown":
        return render_markdown(digest)
    if format == "html":
        return render_html(digest)
    if format == "text":
        return render_text(digest)
    raise ValueError(f"unknown digest format {format!r}; expected one of {', '.join(FORMATS)}")
