"""The bundled knowledge base: countries, places, organisations and facility words.

Each entry is known by every name form it has; forms are matched by lemma sequences
(`svodka.nlp.morph.lemma_key`), so inflected mentions (`Корейской Народно-Демократической
Республики`) find the entry listed in the nominative.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

# A country is a GPE; places and organisations carry their own type column.
_COUNTRY_TYPE = "GPE"


@dataclass(frozen=True, slots=True)
class KBEntry:
    key: str  # stable id within the KB: "country:RUS", "place:Москва", "org:ООН"
    type: str
    name: str
    country: str | None
    qid: str | None
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...] = ()
    metonym_of: str | None = None  # ISO3 of the country whose government this name stands for

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("svodka.kb").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    for line in lines[1:]:
        cells = line.split("\t")
        yield dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entries: tuple[KBEntry, ...]
    facility_words: frozenset[str]

    def countries(self) -> dict[str, KBEntry]:
        return {e.country: e for e in self.entries if e.key.startswith("country:") and e.country}


@cache
def load() -> KnowledgeBase:
    """Read the bundled tables once per process."""
    entries: list[KBEntry] = []
    for row in _rows("countries.tsv"):
        iso3 = row["iso3"]
        entries.append(
            KBEntry(
                key=f"country:{iso3}",
                type=_COUNTRY_TYPE,
                name=row["name"],
                country=iso3,
                qid=row["qid"] or None,
                aliases=_split(row["aliases"]),
                adjectives=_split(row["adjectives"]),
            )
        )
    for row in _rows("places.tsv"):
        capital_of = row.get("capital_of") or None
        entries.append(
            KBEntry(
                key=f"place:{row['name']}",
                type=row["type"] or "LOC",
                name=row["name"],
                country=row["country"] or None,
                qid=row["qid"] or None,
                aliases=_split(row["aliases"]),
                metonym_of=capital_of,
            )
        )
    for row in _rows("orgs.tsv"):
        entries.append(
            KBEntry(
                key=f"org:{row['name']}",
                type=row["type"] or "ORG",
                name=row["name"],
                country=row["country"] or None,
                qid=row["qid"] or None,
                aliases=_split(row["aliases"]),
                metonym_of=row.get("metonym_of") or None,
            )
        )
    words = resources.files("svodka.kb").joinpath("data", "facility_words.txt").read_text("utf-8")
    facility = frozenset(
        w.strip().lower() for w in words.splitlines() if w.strip() and not w.startswith("#")
    )
    return KnowledgeBase(entries=tuple(entries), facility_words=facility)


@dataclass(frozen=True, slots=True)
class Role:
    lemmas: tuple[str, ...]  # the role phrase as a lemma sequence: (министр, иностранный, дело)
    office: str | None  # office class: head_of_state, foreign_minister, …
    gender: str | None
    kind: str  # office, occupation, relation, generic


@dataclass(frozen=True, slots=True)
class OfficeTerm:
    name: str
    aliases: tuple[str, ...]
    qid: str | None
    gender: str | None
    country: str
    office: str
    start: str
    end: str | None

    def holds_on(self, date: str) -> bool:
        return self.start <= date and (self.end is None or date < self.end)


@cache
def load_roles() -> dict[tuple[str, ...], Role]:
    """Role nouns and phrases by lemma sequence (`roles.tsv`)."""
    out = {}
    for row in _rows("roles.tsv"):
        lemmas = tuple(row["lemma"].split())
        out[lemmas] = Role(lemmas, row["office"] or None, row["gender"] or None, row["kind"])
    return out


@cache
def load_office_terms() -> tuple[OfficeTerm, ...]:
    """Who held which office when (`office_holders.tsv`)."""
    return tuple(
        OfficeTerm(
            name=row["name"],
            aliases=_split(row["aliases"]),
            qid=row["qid"] or None,
            gender=row["gender"] or None,
            country=row["country"],
            office=row["office"],
            start=row["start"],
            end=row["end"] or None,
        )
        for row in _rows("office_holders.tsv")
    )


@cache
def load_org_nouns() -> dict[str, tuple[str, ...]]:
    """Common nouns standing for a named organisation, with the name words each fits."""
    return {row["lemma"]: _split(row["names"]) for row in _rows("org_nouns.tsv")}


@cache
def load_government_nouns() -> dict[tuple[str, ...], bool]:
    """Lemma phrases meaning a country's government → whether only the plural means it."""
    text = resources.files("svodka.kb").joinpath("data", "government_nouns.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            lemma_phrase, _, plural = line.partition("\t")
            out[tuple(lemma_phrase.split())] = plural.strip() == "plural"
    return out


@cache
def load_place_nouns() -> dict[str, tuple[str, str]]:
    """Common nouns standing for a named place: lemma → (entity type, resolution rule)."""
    return {row["lemma"]: (row["type"], row["rule"]) for row in _rows("place_nouns.tsv")}


@cache
def load_word_list(name: str) -> frozenset[str]:
    """A one-word-a-line lexicon from `kb/data` (`#` starts a comment line)."""
    text = resources.files("svodka.kb").joinpath("data", name).read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))
