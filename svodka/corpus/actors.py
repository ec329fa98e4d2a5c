"""Cross-article actors: one key for one actor however each article named it.

Entity ids (`e1`…) are per article. An entity's own key is its Wikidata QID when the knowledge
base knew it, else its type and folded canonical name (`normal.actor_key`). Two corpus-wide
steps then join keys that name one actor:

1. a name key whose (type, name) other articles linked to a QID takes that QID;
2. a person known only by a surname (`PER:лукашенко`) takes the one full name in the corpus
   that ends with it (`PER:александр лукашенко`) — only when exactly one does, since two
   people may share a surname.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from svodka.corpus.normal import fold, words


@dataclass(frozen=True, slots=True)
class EntityRow:
    article_id: str
    entity_id: str
    type: str
    name: str
    kb: str | None
    country: str | None
    roles: tuple[str, ...]
    own_key: str


@dataclass(frozen=True, slots=True)
class Actor:
    key: str
    name: str
    type: str
    country: str | None
    kb: str | None
    roles: tuple[str, ...]
    articles: frozenset[str]


def resolve_keys(rows: Iterable[EntityRow]) -> dict[tuple[str, str], str]:
    """(article id, entity id) → cross-article actor key."""
    rows = list(rows)
    qids: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r.kb:
            qids[(r.type, _folded(r.name))][r.kb] += 1
    step1: dict[tuple[str, str], str] = {}
    for r in rows:
        linked = qids.get((r.type, _folded(r.name)))
        step1[(r.article_id, r.entity_id)] = (
            r.own_key if r.kb or not linked else linked.most_common(1)[0][0]
        )
    # Surnames: the full PER names (two words or more) of each key, indexed by last word.
    full_names: dict[str, set[str]] = defaultdict(set)
    single: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.type != "PER":
            continue
        key = step1[(r.article_id, r.entity_id)]
        tokens = words(r.name)
        if len(tokens) >= 2:
            full_names[tokens[-1]].add(key)
        elif tokens:
            single[key].add(tokens[0])
    has_full_name = {k for keys in full_names.values() for k in keys}
    alias: dict[str, str] = {}
    for key, surnames in single.items():
        if key in has_full_name:
            continue
        targets = {k for s in surnames for k in full_names.get(s, ())} - {key}
        if len(targets) == 1:
            alias[key] = targets.pop()
    return {ref: alias.get(key, key) for ref, key in step1.items()}


def summarise(rows: Iterable[EntityRow], keys: dict[tuple[str, str], str]) -> dict[str, Actor]:
    """One Actor per key: its most frequent name, type and country; every role; its articles."""
    grouped: dict[str, list[EntityRow]] = defaultdict(list)
    for r in rows:
        grouped[keys[(r.article_id, r.entity_id)]].append(r)
    actors = {}
    for key, members in grouped.items():
        names = Counter(r.name for r in members)
        # The most frequent name; among equals the fuller one (`Владимир Путин` over `Путин`).
        name = max(names, key=lambda n: (names[n], len(words(n)), n))
        roles = Counter(role for r in members for role in r.roles)
        actors[key] = Actor(
            key=key,
            name=name,
            type=Counter(r.type for r in members).most_common(1)[0][0],
            country=_most_common(r.country for r in members),
            kb=_most_common(r.kb for r in members),
            roles=tuple(role for role, _ in roles.most_common(20)),
            articles=frozenset(r.article_id for r in members),
        )
    return actors


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def _folded(name: str) -> str:
    return fold(" ".join(words(name)))
