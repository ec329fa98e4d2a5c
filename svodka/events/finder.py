"""Who did what to whom: PLOVER 2.0 events (with the nearest CAMEO code) from the parse.

A lexicon of Russian triggers (data/triggers.tsv: verbs, nouns and lemma phrases) says what an
event is; the dependency parse says who takes part (subject, object, `с`/`от`/`против` phrases,
genitives of nouns), and entity groups, already joined by coreference, say which actor a word
stands for. Around each trigger the finder reads negation, intent (future, plans, conditions),
place, date and duration, converts future cooperation to AGREE and future force to THREATEN as
PLOVER asks, lets a promise or demand absorb the event it is about, and merges the mentions of
one happening into one event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from svodka.nlp.analysis import Analysis
from svodka.nlp.entities import Group
from svodka.nlp.morph import lemma, vocab
from svodka.quotes.finder import QuoteDraft
from svodka.records import Event, Range, Span, Timex

__all__ = ["EventDraft", "EventFinder", "to_records"]

_ACTOR_TYPES = ("PER", "ORG", "GPE", "LOC")  # in order of preference; LOC for capitals
_PLACE_RANK = {"FAC": 0, "LOC": 1, "GPE": 2}  # the narrower place wins
_SUBJECT_RELS = ("nsubj", "nsubj:pass")
# A subject-less verb takes the subject of the clause it hangs from (`намерен подать`,
# `заявил, что не выдаст`, `осудив переворот, заявил`).
_CLIMB_RELS = frozenset({"xcomp", "conj", "advcl", "ccomp", "acl", "nmod", "obl", "csubj"})
# Dependents that are not part of a noun phrase's own actor.
_NOT_PHRASE = frozenset(
    {"acl", "acl:relcl", "conj", "punct", "case", "cc", "parataxis", "advcl", "mark"}
)
# Dependents of a governor that are not the content a promise or demand is about.
_NOT_CONTENT = frozenset(
    {"nsubj", "nsubj:pass", "conj", "advcl", "parataxis", "acl", "acl:relcl", "punct", "csubj"}
)
_CONTENT_PREPS = frozenset({"к", "о", "на", "от"})
_MUTUAL = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_ABSORBING = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN"})
# Verbal acts whose actor, unnamed inside a quote, is the speaker.
_SPEECH_TYPES = frozenset(
    {"AGREE", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "CONSULT"}
)
_FIRST_PERSON = frozenset({"я", "мы"})
_RELATIVE = frozenset({"который", "что"})
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DURATION = re.compile(r"^P(?:\d|T|X)")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_STORY_WINDOW = dt.timedelta(days=7)  # a lead's date this close to publication is the story's
_NEAR_SENTENCES = 2  # mentions this close may be one happening without a shared actor


# --- lexicons -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon row: a lemma or lemma phrase and the event it codes for."""

    head: str  # the lemma of the phrase's head word
    rest: tuple[str, ...]  # the other lemmas, found among the head's dependents
    pos: str
    type: str
    cameo: str
    mode: str | None
    sense: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    flags: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join((self.head, *self.rest))


@dataclass(frozen=True, slots=True)
class Lexicon:
    triggers: dict[str, tuple[Trigger, ...]]  # head lemma → rows, longest phrase first
    roles: dict[str, frozenset[str]]  # context word → roles (intent, negation, light…)
    light_frames: dict[str, tuple[str, ...]]
    places: frozenset[str]
    conversions: dict[tuple[str, str, str], tuple[str, str]]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("svodka.events").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]


def _split(value: str | None, sep: str = ",") -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(sep) if v.strip())


def _head_index(words: list[str], pos: str) -> int:
    """Which word of a phrase is its head: the first verb of a verb phrase, noun of a noun one."""
    wanted = {"INFN", "VERB"} if pos == "VERB" else {"NOUN"}
    for i, word in enumerate(words):
        if vocab().parse(word)[0].tag.POS in wanted:
            return i
    return 0


@cache
def load_lexicon() -> Lexicon:
    """The trigger lexicon and its companion tables, read once per process."""
    frames = {
        (r["type"], r["pos"]): (_split(r["source"]), _split(r["target"]))
        for r in _rows("frames.tsv")
    }
    triggers: dict[str, list[Trigger]] = {}
    for r in _rows("triggers.tsv"):
        # The same normalisation as the text's, so a row matches whatever pymorphy makes of it.
        words = [lemma(w) for w in r["lemma"].split()]
        head = _head_index(words, r["pos"])
        default_source, default_target = frames[(r["type"], r["pos"])]
        row = Trigger(
            head=words[head],
            rest=tuple(words[:head] + words[head + 1 :]),
            pos=r["pos"],
            type=r["type"],
            cameo=r["cameo"],
            mode=r.get("mode") or None,
            sense=r.get("sense") or r["lemma"],
            source=_split(r.get("source")) or default_source,
            target=_split(r.get("target")) or default_target,
            flags=frozenset(_split(r.get("flags"), " ")),
        )
        triggers.setdefault(row.head, []).append(row)
    roles: dict[str, set[str]] = {}
    light: dict[str, tuple[str, ...]] = {}
    for r in _rows("context_words.tsv"):
        roles.setdefault(r["lemma"], set()).add(r["role"])
        if r["role"] == "light":
            light[r["lemma"]] = _split(r.get("frames"))
    places = resources.files("svodka.events").joinpath("data", "place_nouns.txt")
    conversions = {
        (r["kind"], r["from"], r["event"]): (r["to"], r["cameo"]) for r in _rows("conversions.tsv")
    }
    return Lexicon(
        triggers={k: tuple(sorted(v, key=lambda t: -len(t.rest))) for k, v in triggers.items()},
        roles={k: frozenset(v) for k, v in roles.items()},
        light_frames=light,
        places=frozenset(
            ln.strip()
            for ln in places.read_text("utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")
        ),
        conversions=conversions,
    )


# --- drafts ---------------------------------------------------------------------------------


@dataclass
class EventDraft:
    """One event while the article is read; `to_records` turns it into the record's `Event`."""

    type: str
    cameo: str
    mode: str | None
    source: list[Group]
    target: list[Group]
    location: Group | None
    date: str | None
    duration: str | None
    intent: bool
    negated: bool
    trigger: tuple[int, int]
    sentence: tuple[int, int]
    sense: str = ""
    token: int = -1  # the trigger's head token
    sent: int = -1
    flags: frozenset[str] = frozenset()
    planned: bool = False  # intent read from the grammar (future, plans), not the word
    vague_time: bool = False  # its own time is vague (`ранее`): no story date for it
    story: bool = False  # told as what happened on the story's day
    mentions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def actors(self) -> list[Group]:
        return [*self.source, *self.target]


@dataclass
class _Context:
    """What the finder knows about one article while it works."""

    analysis: Analysis
    lemmas: list[str]
    owner: dict[int, Group]
    timex_at: dict[int, Timex]  # a timex's head token → the timex
    quotes: Sequence[QuoteDraft]
    headline_end: int
    lead: tuple[int, int]
    used: set[int] = field(default_factory=set)


class EventFinder:
    """Finds the PLOVER events of an article; lexicons loaded once."""

    def __init__(self) -> None:
        self.lexicon = load_lexicon()

    def __call__(
        self,
        analysis: Analysis,
        groups: list[Group],
        timexes: list[Timex],
        reference: str | None,
        dateline_date: str | None,
        quotes: Sequence[QuoteDraft] = (),
    ) -> list[EventDraft]:
        ctx = _context(analysis, groups, timexes, quotes)
        drafts = []
        for k, row, tokens in self._triggers(ctx):
            draft = self._draft(ctx, k, row, tokens)
            if draft is not None:
                drafts.append(draft)
        drafts = self._absorb(ctx, drafts)
        for d in drafts:
            self._convert(d)
            _split_mutual(d)
        _fill_partners(drafts)
        drafts = [d for d in drafts if _valid(d)]
        events = _merge(drafts)
        story = _story_date(ctx, timexes, reference, dateline_date)
        for e in events:
            if e.date is None and story and e.story and not e.planned and not e.vague_time:
                e.date = story
        return events

    # --- triggers -----------------------------------------------------------

    def _triggers(self, ctx: _Context) -> Iterable[tuple[int, Trigger, list[int]]]:
        """(head token, lexicon row, all its tokens) for every trigger, phrases first."""
        a = ctx.analysis
        found: list[tuple[int, Trigger, list[int]]] = []
        for k, tok in enumerate(a.tokens):
            rows = self.lexicon.triggers.get(ctx.lemmas[k])
            if not rows or k in ctx.used:
                continue
            for row in rows:
                if not _pos_fits(tok.pos, row.pos) or not self._conditions(ctx, k, row):
                    continue
                tokens = _phrase_tokens(ctx, k, row)
                if tokens is not None:
                    found.append((k, row, tokens))
                    ctx.used.update(tokens)
                    break
        # A phrase claimed a word that was matched earlier on its own (`переговоры` before
        # `провел`): the phrase wins.
        claimed = {t for k, row, tokens in found if row.rest for t in tokens if t != k}
        return [f for f in found if f[0] not in claimed]

    def _conditions(self, ctx: _Context, k: int, row: Trigger) -> bool:
        a = ctx.analysis
        infinitive = any(
            a.tokens[c].feats.get("VerbForm") == "Inf" and a.tokens[c].rel in {"xcomp", "obj"}
            for c in a.children[k]
        )
        if "if:inf" in row.flags and not infinitive:
            return False
        if "if:noinf" in row.flags and infinitive:
            return False
        preps = {f.split(":", 1)[1] for f in row.flags if f.startswith("skip:")}
        return not preps or _prep(ctx, k) not in preps

    # --- one event ----------------------------------------------------------

    def _draft(self, ctx: _Context, k: int, row: Trigger, tokens: list[int]) -> EventDraft | None:
        a = ctx.analysis
        tok = a.tokens[k]
        verbal = row.pos == "VERB"
        governors = self._governors(ctx, k) if not verbal else []
        source, target = self._participants(ctx, k, row, governors)
        first, end = a.sentences[tok.sent]
        start_tok, end_tok = min(tokens), max(tokens)
        if end_tok - start_tok > len(tokens):  # a phrase spread over the clause: its head only
            start_tok = end_tok = k
        draft = EventDraft(
            type=row.type,
            cameo=row.cameo,
            mode=row.mode,
            source=source,
            target=target,
            location=None,
            date=None,
            duration=None,
            intent="intent" in row.flags,
            negated=self._negated(ctx, k, tokens),
            trigger=(a.tokens[start_tok].start, a.tokens[end_tok].end),
            sentence=(a.tokens[first].start, a.tokens[end - 1].end),
            sense=row.sense,
            token=k,
            sent=tok.sent,
            flags=row.flags,
        )
        draft.mentions.append(draft.trigger)
        if self._planned(ctx, k):
            draft.planned = draft.intent = True
        heads = [k, *(g for g, how in governors if how != "report")]
        draft.location = self._location(ctx, heads, draft.actors)
        self._time(ctx, draft, k, governors)
        return draft

    def _governors(self, ctx: _Context, k: int) -> list[tuple[int, str]]:
        """The verb an event noun hangs from, and how: `light` (`провел переговоры`), `occur`
        (`встреча прошла`), `report` (`подтвердили гибель`) or `other` (`на заседании
        рассмотрел`). A verbless caption's noun hangs from its root: `noun`."""
        a = ctx.analysis
        node = k
        for _ in range(3):
            head = a.tokens[node].head
            if head is None:
                return []
            roles = self.lexicon.roles.get(ctx.lemmas[head], frozenset())
            htok = a.tokens[head]
            if htok.pos in {"VERB", "AUX"} or (htok.pos == "ADJ" and "VerbForm" in htok.feats):
                if "occur" in roles and a.tokens[node].rel in _SUBJECT_RELS and node == k:
                    return [(head, "occur")]
                if "light" in roles and node == k:
                    return [(head, "light")]
                if "report" in roles:
                    return [(head, "report")]
                return [(head, "other")]
            if a.tokens[head].head is None and htok.pos in {"NOUN", "PROPN"}:
                return [(head, "noun")]
            node = head
        return []

    # --- participants -------------------------------------------------------

    def _participants(
        self, ctx: _Context, k: int, row: Trigger, governors: list[tuple[int, str]]
    ) -> tuple[list[Group], list[Group]]:
        a = ctx.analysis
        tok = a.tokens[k]
        source: list[Group] = []
        target: list[Group] = []
        passive = (
            tok.feats.get("Voice") == "Pass" or a.child(k, "nsubj:pass", "aux:pass") is not None
        )
        subject = self._subject(ctx, k) if row.pos == "VERB" else []
        for frame in row.source:
            if frame == "subj":
                source += self._agent(ctx, k) if passive else subject
            else:
                source += self._frame(ctx, k, frame)
        for frame in row.target:
            if frame == "subj":
                target += subject
            elif not (frame == "obj" and passive):
                target += self._frame(ctx, k, frame)
        if passive and "inverse" not in row.flags:
            target += subject  # `был задержан`: the subject is the one acted on
        if (
            tok.feats.get("VerbForm") == "Part"
            and tok.rel in {"amod", "acl"}
            and tok.head is not None
        ):
            # `освобожденный студент`: a passive participle's noun is the one acted on.
            (target if passive else source).extend(self._actors(ctx, tok.head))
        if row.pos == "NOUN" and governors:
            gov, how = governors[0]
            agentive = "gen" in row.source
            if how == "light":
                if not source:
                    source = self._subject(ctx, gov)
                for frame in (*self.lexicon.light_frames.get(ctx.lemmas[gov], ()), *row.target):
                    target += self._frame(ctx, gov, frame)
            elif how == "noun" and not source and agentive:
                source = self._actors(ctx, gov)
            elif how == "other" and agentive:
                if not source:
                    source = self._subject(ctx, gov)
                if not target:
                    for frame in row.target:
                        target += self._frame(ctx, gov, frame)
            elif how == "report" and not source and agentive and self._planned(ctx, k):
                # `заявил о скорой встрече`: who announces a plan of theirs takes part in it.
                source = self._subject(ctx, gov)
        quote = _quote_at(ctx, tok.start)
        if (
            quote is not None
            and quote.speaker is not None
            and row.type in _SPEECH_TYPES
            and not source
            and quote.speaker not in target
        ):
            source = [quote.speaker]
        source = _unique(source)
        target = [g for g in _unique(target) if g not in source]
        return source, target

    def _subject(self, ctx: _Context, k: int) -> list[Group]:
        a = ctx.analysis
        node = k
        for _ in range(4):
            subject = a.child(node, *_SUBJECT_RELS)
            if subject is not None:
                return self._actors(ctx, subject)
            tok = a.tokens[node]
            if tok.rel not in _CLIMB_RELS or tok.head is None:
                break
            node = tok.head
        return []

    def _agent(self, ctx: _Context, k: int) -> list[Group]:
        """A passive's doer: the bare instrumental (`задержан пограничной службой`)."""
        a = ctx.analysis
        out: list[Group] = []
        for c in a.children[k]:
            tok = a.tokens[c]
            if (
                tok.rel in {"obl", "obl:agent"}
                and tok.feats.get("Case") == "Ins"
                and not _prep(ctx, c)
            ):
                if c not in ctx.timex_at:
                    out += self._actors(ctx, c)
        return out

    def _frame(self, ctx: _Context, k: int, frame: str) -> list[Group]:
        """The actors a frame names among a word's dependents."""
        a = ctx.analysis
        out: list[Group] = []
        for c in a.children[k]:
            tok = a.tokens[c]
            prep = _prep(ctx, c)
            case = tok.feats.get("Case")
            hit = False
            if frame == "obj":
                hit = tok.rel == "obj"
            elif frame == "dat":
                hit = not prep and case == "Dat" and tok.rel in {"iobj", "obl", "nmod", "obj"}
            elif frame == "gen":
                hit = (not prep and case == "Gen" and tok.rel == "nmod") or (
                    tok.rel in {"det", "nmod:poss"}
                    and ctx.lemmas[c] in {"он", "она", "они", "его", "ее", "их"}
                )
            elif frame == "amod":
                hit = tok.rel == "amod"
            elif frame == "loc":
                if prep in {"в", "на"}:
                    out += [g for g in self._actors(ctx, c) if g.kind_type in {"GPE", "LOC"}]
                continue
            elif frame in {"в_адрес", "в_отношении"}:
                word = frame.split("_")[1]
                if prep == "в" and ctx.lemmas[c] == lemma(word):
                    for n in a.children[c]:
                        if a.tokens[n].rel == "nmod":
                            out += self._actors(ctx, n)
                continue
            else:
                hit = prep == frame and ctx.lemmas[c] not in {"адрес", "отношение", "имя"}
            if hit:
                out += self._actors(ctx, c)
        return out

    def _actors(self, ctx: _Context, c: int) -> list[Group]:
        """The actors a phrase names: its own word's group, else the nearest one inside it
        (`работы правительства и Совета безопасности`), with what is coordinated to it."""
        a = ctx.analysis
        if ctx.lemmas[c] in _RELATIVE and a.tokens[c].rel in _SUBJECT_RELS:
            clause = a.tokens[c].head
            noun = a.tokens[clause].head if clause is not None else None
            if clause is not None and noun is not None and a.tokens[clause].rel == "acl:relcl":
                return self._actors(ctx, noun)
        level = [c]
        for _ in range(4):
            found = [t for t in level if _actor(ctx, t) is not None]
            if found:
                best = min(found, key=lambda t: _rank(_actor(ctx, t)))
                out = [g for g in [_actor(ctx, best)] if g is not None]
                for conj in _conjuncts(a, best):
                    out += self._actors(ctx, conj)
                return out
            level = [
                n for t in level for n in a.children[t] if a.tokens[n].rel not in _NOT_PHRASE
            ]
            if not level:
                break
        out = []
        for conj in _conjuncts(a, c):
            out += self._actors(ctx, conj)
        return out

    # --- modality -----------------------------------------------------------

    def _negated(self, ctx: _Context, k: int, tokens: list[int]) -> bool:
        a = ctx.analysis
        node = k
        for _ in range(2):
            for c in a.children[node]:
                if c not in tokens and "negation" in self.lexicon.roles.get(ctx.lemmas[c], ()):
                    return True
            tok = a.tokens[node]
            # `не может помочь`: the negation sits on the modal the trigger depends on.
            if tok.rel != "xcomp" or tok.head is None:
                break
            node = tok.head
        return False

    def _planned(self, ctx: _Context, k: int) -> bool:
        """Whether the event is announced, planned, promised or conditional, not done."""
        a = ctx.analysis
        roles = self.lexicon.roles
        for c in a.children[k]:
            if "future" in roles.get(ctx.lemmas[c], ()) and a.tokens[c].rel == "amod":
                return True
        node = k
        for _ in range(4):
            tok = a.tokens[node]
            if tok.feats.get("Tense") == "Fut" or tok.feats.get("Mood") == "Cnd":
                return True
            for c in a.children[node]:
                ct = a.tokens[c]
                if ct.rel in {"aux", "aux:pass"} and ct.feats.get("Tense") == "Fut":
                    return True
                if ctx.lemmas[c] in {"бы", "если"} and ct.rel in {
                    "aux",
                    "mark",
                    "advmod",
                    "discourse",
                }:
                    return True
            if node != k and "intent" in roles.get(ctx.lemmas[node], ()):
                return True
            if tok.pos == "VERB" and tok.feats.get("VerbForm") == "Fin" and node != k:
                break
            if tok.rel not in {"xcomp", "nmod", "obl", "obj", "acl"} or tok.head is None:
                break
            node = tok.head
        return False

    # --- place and time -----------------------------------------------------

    def _location(self, ctx: _Context, heads: list[int], actors: list[Group]) -> Group | None:
        a = ctx.analysis
        found: list[Group] = []
        for h in heads:
            phrases = list(a.children[h])
            # `встретился с Кимом в Пекине` may hang the place on the partner.
            phrases += [
                n for c in a.children[h] if a.tokens[c].rel in {"obl", "obj"} for n in a.children[c]
            ]
            for c in phrases:
                if _prep(ctx, c) not in {"в", "на", "во"}:
                    continue
                found += self._places(ctx, c)
        found = [g for g in found if g not in actors]
        return min(found, key=lambda g: _PLACE_RANK[g.kind_type]) if found else None

    def _places(self, ctx: _Context, c: int) -> list[Group]:
        a = ctx.analysis
        group = ctx.owner.get(c)
        if group is not None and group.kind_type in _PLACE_RANK:
            return [group]
        if ctx.lemmas[c] not in self.lexicon.places:
            return []
        out = []
        for t in a.subtree(c):
            g = ctx.owner.get(t)
            if g is not None and g.kind_type in _PLACE_RANK and g not in out:
                out.append(g)
        return out

    def _time(
        self, ctx: _Context, draft: EventDraft, k: int, governors: list[tuple[int, str]]
    ) -> None:
        """Own date and duration: a timex hanging from the trigger (or from the verb that
        carries an event noun); whether the story's date may stand in for a missing one."""
        a = ctx.analysis
        heads = [k]
        node = k
        while a.tokens[node].rel == "xcomp" and a.tokens[node].head is not None:
            node = a.tokens[node].head  # `намерен подать … в следующем месяце`
            heads.append(node)
        for gov, how in governors:
            if how in {"light", "occur", "other"}:
                heads.append(gov)
                heads += [c for c in a.children[gov] if a.tokens[c].rel == "conj"]
        for h in heads:
            for c in a.children[h]:
                timex = ctx.timex_at.get(c)
                if timex is None:
                    continue
                if _DURATION.match(timex.value):
                    if draft.duration is None and (h != k or a.tokens[k].pos == "VERB"):
                        draft.duration = timex.value
                    continue
                if draft.date is None and not draft.vague_time:
                    value = _date_value(timex.value)
                    if value is None:
                        draft.vague_time = True
                    else:
                        draft.date = value
        tok = a.tokens[k]
        in_quote = _quote_at(ctx, tok.start) is not None
        draft.story = (
            tok.start < ctx.headline_end
            or ctx.lead[0] <= tok.start < ctx.lead[1]
            or in_quote
            or _past(a, k)
        )

    # --- between events -----------------------------------------------------

    def _absorb(self, ctx: _Context, drafts: list[EventDraft]) -> list[EventDraft]:
        """A promise, demand, refusal or threat takes over the event it is about:
        `пригласил посетить Россию` is one AGREE, `призвал к переговорам` one REQUEST."""
        by_token = {d.token: d for d in drafts}
        gone: set[int] = set()
        for d in drafts:
            if d.type not in _ABSORBING or ("need_target" in d.flags and not d.target):
                continue
            inner = self._content(ctx, d.token)
            for t in sorted(inner):
                other = by_token.get(t)
                if other is None or other is d or id(other) in gone:
                    continue
                to = self.lexicon.conversions.get(("complement", d.type, other.type))
                to = to or self.lexicon.conversions.get(("complement", d.type, "*"))
                if to is not None:
                    d.type = to[0]
                    if d.cameo.endswith("0"):
                        d.cameo = to[1]
                gone.add(id(other))
        return [d for d in drafts if id(d) not in gone]

    def _content(self, ctx: _Context, k: int) -> set[int]:
        """What a promise or demand is about: its infinitive, object, `к`/`о`/`на`/`от` phrase
        or bare instrumental (`пригрозил санкциями`), without relative clauses."""
        a = ctx.analysis
        heads = []
        for c in a.children[k]:
            tok = a.tokens[c]
            prep = _prep(ctx, c)
            if tok.rel in {"xcomp", "obj", "ccomp"} or (
                tok.rel in {"obl", "nmod"}
                and (prep in _CONTENT_PREPS or (not prep and tok.feats.get("Case") == "Ins"))
            ):
                heads.append(c)
        out: set[int] = set()
        while heads:
            t = heads.pop()
            out.add(t)
            heads += [n for n in a.children[t] if a.tokens[n].rel not in _NOT_CONTENT]
        return out

    def _convert(self, d: EventDraft) -> None:
        """PLOVER's reading of intent: future cooperation is AGREE, future force THREATEN, a
        refused cooperation (`не выдаст`) REJECT."""
        conv = self.lexicon.conversions
        if d.planned and d.negated and ("refusal", d.type, "*") in conv:
            d.type, d.cameo = conv[("refusal", d.type, "*")]
            d.negated = False
            d.mode = None
        elif d.planned and ("intent", d.type, "*") in conv:
            d.type, d.cameo = conv[("intent", d.type, "*")]
            d.mode = None


# --- helpers -----------------------------------------------------------------------------------


def _context(
    analysis: Analysis, groups: list[Group], timexes: list[Timex], quotes: Sequence[QuoteDraft]
) -> _Context:
    text = analysis.text
    headline_end = text.find("\n")
    headline_end = len(text) if headline_end < 0 else headline_end
    lead = (headline_end, headline_end)
    for m in re.finditer(r"[^\n]+", text[headline_end:]):
        if m.group().strip():
            lead = (headline_end + m.start(), headline_end + m.end())
            break
    timex_at: dict[int, Timex] = {}
    for tx in timexes:
        span = list(analysis.token_range(tx.start, tx.end))
        inside = set(span)
        for t in span:
            head = analysis.tokens[t].head
            if head is None or head not in inside:
                timex_at[t] = tx
                break
    return _Context(
        analysis=analysis,
        lemmas=[lemma(t.text) for t in analysis.tokens],
        owner=_owner(analysis, groups),
        timex_at=timex_at,
        quotes=quotes,
        headline_end=headline_end,
        lead=lead,
    )


def _owner(analysis: Analysis, groups: list[Group]) -> dict[int, Group]:
    """Token → the group of the narrowest mention covering it (`КНДР` in `лидером КНДР` is the
    country, `лидером` the leader)."""
    best: dict[int, tuple[int, Group]] = {}
    for group in groups:
        for c in group.members:
            width = c.end - c.start
            for k in analysis.token_range(c.start, c.end):
                if k not in best or width < best[k][0]:
                    best[k] = (width, group)
    return {k: g for k, (_, g) in best.items()}


def _actor(ctx: _Context, t: int) -> Group | None:
    group = ctx.owner.get(t)
    return group if group is not None and group.kind_type in _ACTOR_TYPES else None


def _rank(group: Group | None) -> int:
    return _ACTOR_TYPES.index(group.kind_type) if group is not None else len(_ACTOR_TYPES)


def _conjuncts(analysis: Analysis, k: int) -> list[int]:
    return [c for c in analysis.children[k] if analysis.tokens[c].rel == "conj"]


def _prep(ctx: _Context, k: int) -> str:
    case = ctx.analysis.child(k, "case")
    if case is None:
        return ""
    return {"во": "в", "со": "с", "обо": "о", "об": "о", "ко": "к"}.get(
        ctx.lemmas[case], ctx.lemmas[case]
    )


def _pos_fits(pos: str, wanted: str) -> bool:
    if wanted == "VERB":
        return pos in {"VERB", "AUX", "ADJ"}
    return pos in {"NOUN", "PROPN"}


def _phrase_tokens(ctx: _Context, k: int, row: Trigger) -> list[int] | None:
    """The tokens of a phrase trigger at head k: every other word among k's dependents (or
    theirs: `подать в суд`, `привести в боевую готовность`), in any order."""
    if not row.rest:
        return [k]
    a = ctx.analysis
    near = [c for c in a.children[k]]
    near += [g for c in near for g in a.children[c]]
    tokens = [k]
    for word in row.rest:
        hit = next((t for t in near if ctx.lemmas[t] == word and t not in tokens), None)
        if hit is None:
            return None
        tokens.append(hit)
    return tokens


def _quote_at(ctx: _Context, offset: int) -> QuoteDraft | None:
    return next((q for q in ctx.quotes if q.start <= offset < q.end), None)


def _past(analysis: Analysis, k: int) -> bool:
    """Whether a verb trigger tells what happened (past tense, a perfective gerund)."""
    tok = analysis.tokens[k]
    if tok.pos not in {"VERB", "AUX", "ADJ"}:
        return False
    if tok.feats.get("Tense") == "Past":
        return True
    head = tok.head
    if tok.feats.get("VerbForm") in {"Conv", "Inf"} and head is not None:
        return analysis.tokens[head].feats.get("Tense") == "Past"
    return False


def _date_value(value: str) -> str | None:
    """An event date from a timex value: dates as they are, a time's day, a week's month."""
    if _DATE.match(value):
        return value
    if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
        return value[:10]
    week = _WEEK.match(value)
    if week:
        thursday = dt.date.fromisocalendar(int(week[1]), int(week[2]), 4)
        return thursday.strftime("%Y-%m")
    return None


def _story_date(
    ctx: _Context, timexes: list[Timex], reference: str | None, dateline_date: str | None
) -> str | None:
    """The day the article reports on: its dateline's, else a day named in its lead that is
    close to publication (`в пятницу`, `вечером в понедельник`)."""
    if dateline_date:
        return dateline_date
    if not reference:
        return None
    try:
        ref = dt.date.fromisoformat(reference[:10])
    except ValueError:
        return None
    start, end = ctx.lead
    for tx in timexes:
        if not (start <= tx.start < end):
            continue
        value = _date_value(tx.value)
        if value is None or len(value) != 10:
            continue
        day = dt.date.fromisoformat(value)
        if ref - _STORY_WINDOW <= day <= ref:
            return value
    return None


def _unique(groups: list[Group]) -> list[Group]:
    out: list[Group] = []
    for g in groups:
        if g not in out:
            out.append(g)
    return out


def _split_mutual(d: EventDraft) -> None:
    """`Путин и Ким обсудили…`: with nobody named on the other side, the first of a joint
    subject is the source and the rest its partners (the way gold records a dyad)."""
    if not d.target and len(d.source) > 1 and (d.type in _MUTUAL or d.sense == "sign"):
        d.source, d.target = d.source[:1], d.source[1:]


def _fill_partners(drafts: list[EventDraft]) -> None:
    """`Ким заявил о скорой новой встрече`: a meeting with one side named is with the partner
    of that side's last meeting."""
    for i, d in enumerate(drafts):
        if d.sense != "meet" or d.target or len(d.source) != 1:
            continue
        actor = d.source[0]
        for prev in reversed(drafts[:i]):
            if prev.sense == "meet" and actor in prev.actors and len(prev.actors) > 1:
                d.target = [g for g in prev.actors if g is not actor]
                break


def _valid(d: EventDraft) -> bool:
    if "need_target" in d.flags and not d.target:
        return False
    return not ("person_target" in d.flags and not any(g.kind_type == "PER" for g in d.target))


def _merge(drafts: list[EventDraft]) -> list[EventDraft]:
    """One event per happening: a later mention with the same type, sense and compatible
    participants joins the first; a mention naming nobody (`Встреча прошла…`) joins the last
    event of its kind. What is left with no actor is dropped unless it needs none (`теракт`)."""
    events: list[EventDraft] = []
    for d in sorted(drafts, key=lambda x: x.trigger[0]):
        into = None
        for e in reversed(events):
            if e.type != d.type or e.sense != d.sense:
                continue
            if not d.actors:
                into = e
                break
            if _compatible(e, d):
                into = e
                break
        if into is None:
            events.append(d)
        else:
            _join(into, d)
    return [e for e in events if e.actors or "bare" in e.flags]


def _compatible(e: EventDraft, d: EventDraft) -> bool:
    if not e.actors:
        return False
    if e.type in _SYMMETRIC:
        a, b = set(map(id, e.actors)), set(map(id, d.actors))
        fits = a <= b or b <= a
        shared = bool(a & b)
    else:
        sa, sb = set(map(id, e.source)), set(map(id, d.source))
        ta, tb = set(map(id, e.target)), set(map(id, d.target))
        fits = (sa <= sb or sb <= sa) and (ta <= tb or tb <= ta)
        shared = bool((sa & sb) or (ta & tb))
    return fits and (shared or abs(d.sent - e.sent) <= _NEAR_SENTENCES)


def _join(e: EventDraft, d: EventDraft) -> None:
    if e.type in _SYMMETRIC:
        e.target += [g for g in d.actors if g not in e.actors]
    else:
        e.source += [g for g in d.source if g not in e.source]
        e.target += [g for g in d.target if g not in e.target and g not in e.source]
    if d.location is not None and (
        e.location is None or _PLACE_RANK[d.location.kind_type] < _PLACE_RANK[e.location.kind_type]
    ):
        e.location = d.location
    if e.date is None and d.date is not None:
        e.date = d.date
    e.duration = e.duration or d.duration
    e.story = e.story or d.story
    e.vague_time = e.vague_time and d.vague_time
    e.mentions.append(d.trigger)


def to_records(drafts: Sequence[EventDraft], text: str) -> list[Event]:
    """The record's events; call after `build_entities` has given every group its id."""
    out = []
    for d in drafts:
        source = tuple(g.id for g in d.source if g.id)
        target = tuple(g.id for g in d.target if g.id)
        start, end = d.trigger
        out.append(
            Event(
                type=d.type,
                cameo=d.cameo,
                mode=d.mode,
                source=source,
                target=target,
                location=d.location.id if d.location is not None and d.location.id else None,
                date=d.date,
                duration=d.duration,
                intent=d.intent,
                negated=d.negated,
                trigger=Span(start, end, text[start:end]),
                sentence=Range(*d.sentence),
            )
        )
    return out
