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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from svodka.nlp.analysis import Analysis, Token
from svodka.nlp.entities import Group
from svodka.nlp.morph import lemma, lemma_key, vocab
from svodka.quotes.finder import QuoteDraft, load_cues
from svodka.records import Event, Range, Span, Timex

__all__ = ["EventDraft", "EventFinder", "to_records"]

_ACTOR_TYPES = ("PER", "ORG", "GPE", "LOC")  # in order of preference; LOC for capitals
_PLACE_RANK = {"FAC": 0, "LOC": 1, "GPE": 2}  # the narrower place wins
_SUBJECT_RELS = ("nsubj", "nsubj:pass")
# A subject-less verb takes the subject of the clause it hangs from (`намерен подать`,
# `заявил, что не выдаст`, `осудив переворот, заявил`).
_CLIMB_RELS = frozenset({"xcomp", "conj", "advcl", "ccomp", "acl", "nmod", "obl", "csubj"})
# Dependents of a governor that are not the content a promise or demand is about.
_NOT_CONTENT = frozenset(
    {"nsubj", "nsubj:pass", "conj", "advcl", "parataxis", "acl", "acl:relcl", "punct", "csubj"}
)
_CONTENT_PREPS = frozenset({"к", "о", "на", "от"})
_TAKING_PART = frozenset({"", "на", "в", "с", "после", "перед", "до", "при", "накануне"})
# Types whose bare nouns refer back: an article's `встреча` or `заседание` is its one meeting;
# a bare `удары` may well be new strikes.
_ANAPHORIC = frozenset({"CONSULT"})
_FORCE = frozenset({"ASSAULT", "COERCE", "THREATEN"})  # a place they hit stands for its country
_AIMED = frozenset({"по", "на", "против"})  # what force is aimed at
_SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_ABSORBING = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN"})
# Verbal acts whose actor, unnamed inside a quote, is the speaker.
_SPEECH_TYPES = frozenset(
    {"AGREE", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "CONSULT"}
)
_FIRST_PERSON = frozenset({"я", "мы"})
# Senses of verbal acts addressed to someone, whose addressee a dialogue may name (see
# `_interlocutor`): promises, offers and requests, not what is converted into them.
_DIALOGUE_SENSES = frozenset({"promise", "offer", "ask", "appeal", "demand", "suggest"})
# The answers to a request (see `_answers`): any refusal, and consent.
_ANSWER_SENSES = {"REJECT": None, "AGREE": "agree"}
_RELATIVE = frozenset({"который"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
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
    state_nouns: frozenset[str]
    relatives: frozenset[str]
    courts: frozenset[str]
    conversions: dict[tuple[str, str, str], tuple[str, str]]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("svodka.events").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]


def _words(name: str) -> frozenset[str]:
    text = resources.files("svodka.events").joinpath("data", name).read_text("utf-8")
    return frozenset(
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")
    )


def _split(value: str | None, sep: str = ",") -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(sep) if v.strip())


def _head_index(words: list[str], pos: str) -> int:
    """Which word of a phrase is its head: the first verb of a verb phrase, noun of a noun one."""
    wanted = {"INFN", "VERB"} if pos == "VERB" else {"NOUN"}
    for i, word in enumerate(words):
        if vocab().parse(word)[0].tag.POS in wanted:
            return i
    return 0


def _source_frames(row: dict[str, str], default: tuple[str, ...]) -> tuple[str, ...]:
    """A row's source frames: its own; none for `-`; by default none for an inverse trigger,
    whose subject is its recipient."""
    value = row.get("source") or ""
    if value == "-":
        return ()
    return _split(value) or (() if "inverse" in _split(row.get("flags"), " ") else default)


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
        default_source, default_target = frames.get((r["type"], r["pos"]), ((), ()))
        row = Trigger(
            head=words[head],
            rest=tuple(words[:head] + words[head + 1 :]),
            pos=r["pos"],
            type=r["type"],
            cameo=r["cameo"],
            mode=r.get("mode") or None,
            sense=r.get("sense") or r["lemma"],
            source=_source_frames(r, default_source),
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
    conversions = {
        (r["kind"], r["from"], r["event"]): (r["to"], r["cameo"]) for r in _rows("conversions.tsv")
    }
    return Lexicon(
        triggers={k: tuple(sorted(v, key=lambda t: -len(t.rest))) for k, v in triggers.items()},
        roles={k: frozenset(v) for k, v in roles.items()},
        light_frames=light,
        places=_words("place_nouns.txt"),
        state_nouns=_words("state_nouns.txt"),
        relatives=_words("relative_nouns.txt"),
        courts=frozenset(w for line in _words("court_nouns.txt") for w in line.split()),
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
    nominal: bool = False  # a noun with no actor refers back (`Встреча прошла…`)
    planned: bool = False  # intent read from the grammar (future, plans, conditions)
    vague_time: bool = False  # its own time is vague (`ранее`): no story date for it
    story: bool = False  # told as what happened on the story's day
    mentions: list[tuple[int, int]] = field(default_factory=list)
    content: str = ""  # the sense of the event a promise, demand or refusal is about
    frames: tuple[str, ...] = ()  # the trigger's target frames

    @property
    def actors(self) -> list[Group]:
        return [*self.source, *self.target]


@dataclass
class _Context:
    """What the finder knows about one article while it works."""

    analysis: Analysis
    lemmas: list[str]
    owner: dict[int, Group]
    country_of: dict[str, Group]  # ISO3 → the article's group for that country
    timex_at: dict[int, Timex]  # a timex's head token → the timex
    quotes: Sequence[QuoteDraft]
    headline_end: int
    lead: tuple[int, int]
    paren: list[int]  # per token: where its innermost parenthesis opens, -1 outside any
    reference: str  # the article's date (ISO), "" when unknown


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
        ctx = _context(analysis, groups, timexes, quotes, reference)
        drafts = [self._draft(ctx, k, row, tokens) for k, row, tokens in self._triggers(ctx)]
        drafts = [d for d in drafts if not self._hearing(ctx, d)]
        drafts = self._absorb(ctx, drafts)
        for d in drafts:
            self._convert(d)
            _split_mutual(d)
        _fill_partners(drafts)
        _answers(ctx, drafts)
        for d in drafts:
            self._interlocutor(ctx, d, drafts)
        events = _merge([d for d in drafts if _valid(d)])
        story = _story_date(ctx, timexes, reference, dateline_date)
        for e in events:
            if e.date is None and story and e.story and not e.planned and not e.vague_time:
                e.date = story
            _third_party(e)
        return events

    # --- triggers -----------------------------------------------------------

    def _triggers(self, ctx: _Context) -> list[tuple[int, Trigger, list[int]]]:
        """(head token, lexicon row, all its tokens) for every trigger; a phrase's words are
        not triggers of their own (`переговоры` in `провел переговоры`)."""
        found: list[tuple[int, Trigger, list[int]]] = []
        for k, tok in enumerate(ctx.analysis.tokens):
            for row in self.lexicon.triggers.get(ctx.lemmas[k], ()):
                if not _pos_fits(tok.pos, row.pos) or not self._conditions(ctx, k, row):
                    continue
                tokens = _phrase_tokens(ctx, k, row)
                if tokens is not None:
                    found.append((k, row, tokens))
                    break
        claimed = {t for k, _, tokens in found for t in tokens if t != k}
        # Rows of type `-` are phrases that only look like events (`заседание суда`).
        return [f for f in found if f[0] not in claimed and f[1].type != "-"]

    def _conditions(self, ctx: _Context, k: int, row: Trigger) -> bool:
        """A row's own conditions (`if:inf`, `if:passive`, `skip:с`); an event noun is never
        a person (`критика` of `музыкального критика`)."""
        a = ctx.analysis
        tok = a.tokens[k]
        if row.pos == "NOUN" and tok.feats.get("Animacy") == "Anim":
            return False
        infinitive = any(
            a.tokens[c].feats.get("VerbForm") == "Inf" and a.tokens[c].rel in {"xcomp", "obj"}
            for c in a.children[k]
        )
        obj = a.child(k, "obj")
        if "quoted" in row.flags and _quote_at(ctx, tok.start) is None:
            return False
        checks = {
            "inf": infinitive,
            "passive": _passive(a, k),
            # `прошу передать…`: a polite first-person formula, not a request
            "first": tok.feats.get("Person") == "1" and tok.feats.get("Tense") == "Pres",
            "personobj": obj is not None
            and any(g.kind_type == "PER" for g in self._actors(ctx, obj)),
            # `настаивает, что Дайл угрожал…` claims; `настаивает на выдаче` demands
            "that": any(
                a.tokens[c].rel == "ccomp"
                and any(ctx.lemmas[m] == "что" for m in a.children[c] if a.tokens[m].rel == "mark")
                for c in a.children[k]
            ),
        }
        for flag in row.flags:
            kind, _, value = flag.partition(":")
            if kind == "if" and checks[value.removeprefix("no")] == value.startswith("no"):
                return False
            if kind == "skip" and _prep(ctx, k) == value:
                return False
        return True

    # --- one event ----------------------------------------------------------

    def _draft(self, ctx: _Context, k: int, row: Trigger, tokens: list[int]) -> EventDraft:
        a = ctx.analysis
        tok = a.tokens[k]
        governor = self._governor(ctx, k) if row.pos == "NOUN" else None
        source, target = self._participants(ctx, k, row, tokens, governor)
        first, end = a.sentences[tok.sent]
        lo, hi = min(tokens), max(tokens)
        if hi - lo >= len(tokens) + 1:  # a phrase spread over the clause: its head only
            lo = hi = k
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
            trigger=(a.tokens[lo].start, a.tokens[hi].end),
            sentence=(a.tokens[first].start, a.tokens[end - 1].end),
            sense=row.sense,
            frames=row.target,
            token=k,
            sent=tok.sent,
            flags=row.flags,
            nominal=row.pos == "NOUN",
        )
        draft.mentions.append(draft.trigger)
        if self._planned(ctx, k):
            draft.planned = draft.intent = True
        heads = list(tokens)
        if governor is not None and governor[1] in {"light", "occur", "other", "noun"}:
            heads.append(governor[0])
        # A plan's place is where the planned thing would be (`встретятся в Генуе`), not where
        # the plan was made; a promise keeps only a place of its own, not of what it promises.
        if not draft.planned:
            draft.location = self._location(ctx, heads, deep="intent" not in row.flags)
        self._time(ctx, draft, k, governor)
        return draft

    def _governor(self, ctx: _Context, k: int) -> tuple[int, str] | None:
        """The verb an event noun hangs from, and how: `light` (`провел переговоры`), `occur`
        (`встреча прошла`), `report` (`подтвердили гибель`), `other` (`на заседании
        рассмотрел`, `в ходе встречи заявил`) or `far` (deeper inside one of its phrases). A
        verbless caption's noun hangs from its root: `noun`."""
        a = ctx.analysis
        node = k
        for _ in range(4):
            head = a.tokens[node].head
            if head is None:
                return None
            roles = self.lexicon.roles.get(ctx.lemmas[head], frozenset())
            htok = a.tokens[head]
            if htok.pos in {"VERB", "AUX"} or "VerbForm" in htok.feats:
                if node == k and "occur" in roles and a.tokens[k].rel in _SUBJECT_RELS:
                    return head, "occur"
                if node == k and "light" in roles:
                    return head, "light"
                rel = a.tokens[node].rel
                if node == k:
                    # `на заседании`, `после переговоров`: circumstances the doer took part in;
                    # `по обвинению`, `из-за ударов` are not.
                    close = rel in {"obl", "nmod"} and _prep(ctx, k) in _TAKING_PART
                else:  # through a frame noun (`в ходе встречи`, `слова благодарности`)
                    close = rel in {"obl", "nmod", "obj"}
                if "report" in roles and not close:
                    return head, "report"
                return head, "other" if close else "far"
            if htok.head is None and htok.pos in {"NOUN", "PROPN"}:
                return head, "noun"
            if "frame" not in roles:
                return None
            node = head
        return None

    # --- participants -------------------------------------------------------

    def _participants(
        self,
        ctx: _Context,
        k: int,
        row: Trigger,
        tokens: list[int],
        governor: tuple[int, str] | None,
    ) -> tuple[list[Group], list[Group]]:
        a = ctx.analysis
        tok = a.tokens[k]
        source: list[Group] = []
        target: list[Group] = []
        passive = _passive(a, k)
        subject = self._subject(ctx, k) if row.pos == "VERB" else None
        subject_actors = self._actors(ctx, subject) if subject is not None else []
        if subject is None and row.pos == "VERB" and not passive:
            subject_actors = self._impersonal(ctx, k)
        for frame in row.source:
            if frame == "subj":
                source += self._agent(ctx, k) if passive else subject_actors
            else:
                source += [g for t in tokens for g in self._frame(ctx, t, frame)]
        for frame in row.target:
            if frame == "subj":
                target += subject_actors
            elif not (frame == "obj" and passive):
                target += [g for t in tokens for g in self._frame(ctx, t, frame)]
        if passive and "inverse" not in row.flags:
            target += subject_actors  # `был задержан`: the subject is the one acted on
            if not subject_actors and ctx.paren[k] >= 0:
                target += self._glossed(ctx, k)
        if row.type in _FORCE and not target:
            target = [g for t in tokens for g in self._aimed_at(ctx, t, row.target)]
        if row.type == "REQUEST" and row.pos == "VERB" and not target:
            target = self._asked(ctx, k)
        if (
            tok.feats.get("VerbForm") == "Part"
            and tok.rel in {"amod", "acl"}
            and tok.head is not None
        ):
            # `освобожденный студент`: a passive participle's noun is the one acted on.
            (target if passive else source).extend(self._actors(ctx, tok.head))
        if governor is not None:
            source, target = self._from_governor(ctx, k, row, governor, source, target)
        quote = _quote_at(ctx, tok.start)
        if (
            quote is not None
            and quote.speaker is not None
            and row.type in _SPEECH_TYPES
            and not source
            and quote.speaker not in target
            # `Прошу передать…`, `решение будет обжаловано`: the speaker's own act
            and (subject is None or passive or ctx.lemmas[subject] in _FIRST_PERSON)
            and (row.pos == "VERB" or "quoted" in row.flags or _first_person_verb(a, governor))
        ):
            source = [quote.speaker]
        source = [p for g in source if (p := _as_actor(ctx, g, row.type, False)) is not None]
        target = [p for g in target if (p := _as_actor(ctx, g, row.type, True)) is not None]
        return _unique(source), [g for g in _unique(target) if g not in source]

    def _from_governor(
        self,
        ctx: _Context,
        k: int,
        row: Trigger,
        governor: tuple[int, str],
        source: list[Group],
        target: list[Group],
    ) -> tuple[list[Group], list[Group]]:
        """An event noun's missing actors from the verb it hangs from: `Путин провел
        переговоры`, `Совет на заседании рассмотрел`, `заявил о скорой встрече`."""
        a = ctx.analysis
        gov, how = governor
        # Nouns of what is done to someone (`гибель`, `арест`) name no doer through the verb.
        agentive = "gen" in row.source
        passive = a.tokens[gov].feats.get("Voice") == "Pass"
        subject = _direct_subject(a, gov)
        doer = self._actors(ctx, subject) if subject is not None and not passive else []
        if how == "light":
            source = source or doer
            for frame in (*self.lexicon.light_frames.get(ctx.lemmas[gov], ()), *row.target):
                target = target + self._frame(ctx, gov, frame)
        elif how == "noun" and agentive and not source:
            source = self._actors(ctx, gov)
        elif how == "other" and agentive:
            source = source or doer
            if not target:
                target = [g for frame in row.target for g in self._frame(ctx, gov, frame)]
        elif how == "report" and agentive and not source and self._planned(ctx, k):
            source = doer  # `заявил о скорой встрече`: who announces a plan takes part in it
        fund = "fund" in self.lexicon.roles.get(ctx.lemmas[gov], frozenset())
        if fund and _prep(ctx, k) == "на" and not source:
            # `деньги, потраченные государством на его вызволение`: who pays for an act does it.
            source = self._agent(ctx, gov) if _passive(a, gov) else doer
        if row.type == "REQUEST" and _prep(ctx, k) == "по" and source and not target:
            # `возбудила дело по запросу депутата`, `задержан … по запросу Интерпола`: who acts
            # on a request is whom it was made to (when the request's maker is named).
            acting = self._agent(ctx, gov) if _passive(a, gov) else doer
            target = [g for g in acting if g not in source]
        return source, target

    def _subject(self, ctx: _Context, k: int) -> int | None:
        """A verb's subject token; a subject-less one takes that of the clause it hangs from,
        if they agree (`ей угрожали` does not take the subject of `Юрова сообщила`)."""
        a = ctx.analysis
        number = a.tokens[k].feats.get("Number")
        # `закон, принятый Госдумой`: a participle's noun is its subject, not its clause's
        participle = _participle(a.tokens[k])
        node = k
        for _ in range(4):
            subject = a.child(node, *_SUBJECT_RELS)
            if subject is not None:
                own = a.tokens[subject].feats.get("Number")
                if node != k and number and own and number != own:
                    return None
                # A parenthesis (`организация запрещена в РФ`) keeps its own subject.
                return subject if ctx.paren[subject] == ctx.paren[k] else None
            tok = a.tokens[node]
            if tok.rel not in _CLIMB_RELS or tok.head is None or participle:
                return None
            node = tok.head
        return None

    def _impersonal(self, ctx: _Context, k: int) -> list[Group]:
        """`в ЕС ввели санкции`, `в Кремле заявили`: a subject-less plural names its doer by
        where it sits."""
        a = ctx.analysis
        tok = a.tokens[k]
        if tok.feats.get("Number") != "Plur" or tok.feats.get("VerbForm") != "Fin":
            return []
        out: list[Group] = []
        for c in a.children[k]:
            if a.tokens[c].rel == "obl" and _prep(ctx, c) in {"в", "у"}:
                group = ctx.owner.get(c)
                if group is not None and group.kind_type in {"ORG", "GPE", "FAC"}:
                    out.append(group)
        return out

    def _agent(self, ctx: _Context, k: int) -> list[Group]:
        """A passive's doer: the bare instrumental (`задержан пограничной службой`)."""
        return self._frame(ctx, k, "ins")

    def _frame(self, ctx: _Context, k: int, frame: str) -> list[Group]:
        """The actors a frame names among a word's dependents."""
        a = ctx.analysis
        out: list[Group] = []
        for c in a.children[k]:
            tok = a.tokens[c]
            prep = _prep(ctx, c)
            case = tok.feats.get("Case")
            if frame == "obj":
                hit = tok.rel == "obj"
            elif frame == "dat":
                hit = not prep and case == "Dat" and tok.rel in {"iobj", "obl", "nmod", "obj"}
            elif frame == "ins":
                hit = (
                    not prep
                    and case == "Ins"
                    and tok.rel in {"obl", "nmod", "obl:agent"}
                    and c not in ctx.timex_at
                )
            elif frame == "gen":
                hit = (not prep and case == "Gen" and tok.rel == "nmod") or (
                    tok.rel in {"det", "nmod:poss"} and ctx.lemmas[c] in _POSSESSIVE
                )
            elif frame == "amod":
                hit = tok.rel == "amod"
            elif frame == "content":
                # `пригрозило закрыть авиабазу США`: whom the threatened act would hit
                if tok.feats.get("VerbForm") == "Inf" and tok.rel not in _NOT_CONTENT:
                    for n in a.children[c]:
                        if a.tokens[n].rel == "obj" or _prep(ctx, n) in {"против", "по"}:
                            out += self._actors(ctx, n)
                continue
            elif frame == "loc":
                if prep in {"в", "на"}:
                    out += [g for g in self._actors(ctx, c) if g.kind_type in {"GPE", "LOC"}]
                continue
            elif frame in _COMPOUND_PREPS:
                if prep == "в" and ctx.lemmas[c] == _COMPOUND_PREPS[frame]:
                    for n in a.children[c]:
                        if a.tokens[n].rel == "nmod":
                            out += self._actors(ctx, n)
                continue
            else:
                # `в`/`на` name a recipient only as a direction (`запрос в Минск`), not a place.
                hit = (
                    prep == frame
                    and ctx.lemmas[c] not in _COMPOUND_PREPS.values()
                    and (frame not in {"в", "на"} or case == "Acc")
                )
            if hit:
                out += self._actors(ctx, c)
        return out

    def _asked(self, ctx: _Context, k: int) -> list[Group]:
        """`требует, чтобы Рахман обратился…`: whom a demand wants to act is its addressee."""
        a = ctx.analysis
        for c in a.children[k]:
            if a.tokens[c].rel not in {"ccomp", "advcl", "xcomp", "csubj"}:
                continue
            marks = [m for m in a.children[c] if a.tokens[m].rel == "mark"]
            mark = next((m for m in marks if ctx.lemmas[m] == "чтобы"), None)
            subject = a.child(c, *_SUBJECT_RELS)
            # the subject inside the clause (the parser may hang the demander's own there)
            if (
                mark is not None
                and subject is not None
                and subject > mark
                and ctx.lemmas[subject] not in _FIRST_PERSON
            ):
                return self._actors(ctx, subject)
        return []

    def _glossed(self, ctx: _Context, k: int) -> list[Group]:
        """`"Аль-Каида" (АКСИМ, запрещена в РФ)`: a passive in a parenthesis with no subject of
        its own is said of what the parenthesis glosses: the first actor named in it before the
        verb, else the one just before it."""
        a = ctx.analysis
        opening = ctx.paren[k]
        inside = [t for t in range(opening + 1, k) if ctx.paren[t] == opening]
        before = next((t for t in range(opening - 1, -1, -1) if a.tokens[t].pos != "PUNCT"), None)
        for t in [*inside, *([] if before is None else [before])]:
            group = _actor(ctx, t)
            if group is not None and group.kind_type != "LOC":
                return [group]
        return []

    def _aimed_at(self, ctx: _Context, k: int, frames: tuple[str, ...]) -> list[Group]:
        """`удары по целям в секторе Газа`: force aimed at what names no actor hits the place
        those things are in."""
        a = ctx.analysis
        out: list[Group] = []
        for c in a.children[k]:
            prep = _prep(ctx, c)
            if prep not in frames or prep not in _AIMED or self._actors(ctx, c):
                continue
            if prep == "на" and a.tokens[c].feats.get("Case") != "Acc":
                continue  # `взрыв на вокзале` is where, not at what
            for n in a.children[c]:
                if _prep(ctx, n) in {"в", "на"} and a.tokens[n].feats.get("Case") == "Loc":
                    out += [g for g in self._actors(ctx, n) if g.kind_type in {"GPE", "LOC"}]
        return out

    def _phrase_actor(self, ctx: _Context, t: int, depth: int) -> Group | None:
        """The actor token t names inside a phrase: a city deep inside is a place, and a
        nationality adjective or possessive names its country only on the state's people and
        bodies."""
        group = _actor(ctx, t)
        if group is None or depth == 0:
            return group
        if group.kind_type == "LOC":
            return None
        tok = ctx.analysis.tokens[t]
        # `российские военные`, `ее власти` name the state; `латвийский студент`, `его тренер`
        # do not.
        if tok.rel in {"amod", "det"} and tok.head is not None:
            return group if ctx.lemmas[tok.head] in self.lexicon.state_nouns else None
        return group

    def _actors(self, ctx: _Context, c: int, seen: set[int] | None = None) -> list[Group]:
        """The actors a phrase names: its own word's group, else the nearest one among its
        genitives, appositions and adjectives (`работы правительства и Совета безопасности`),
        with whatever is coordinated to it."""
        a = ctx.analysis
        seen = set() if seen is None else seen  # conjuncts already read: parses have cycles
        c = _antecedent(ctx, c)
        seen.add(c)
        level, head = [c], c
        for depth in range(5):
            found = [t for t in level if self._phrase_actor(ctx, t, depth) is not None]
            if found:
                head = min(
                    found, key=lambda t: (_rank(_actor(ctx, t)), _REL_ORDER.get(a.tokens[t].rel, 9))
                )
                break
            level = [
                n
                for t in level
                for n in a.children[t]
                if (a.tokens[n].rel in _PHRASE_RELS or (t != c and a.tokens[n].rel == "conj"))
                # `сторонники Мурси`, `семья Даггана`: not Мурси's or Даггана's own doing
                and not (a.tokens[n].rel == "nmod" and ctx.lemmas[t] in self.lexicon.relatives)
                and _prep(ctx, n) in {"", "между"}  # `отношения между Россией и КНДР`
                and n not in seen
            ]
            seen.update(level)
        own = _actor(ctx, head) if head != c or self._phrase_actor(ctx, c, 0) else None
        out = [own] if own is not None else []
        for conj in _conjuncts(a, head):
            if conj not in seen:
                out += self._actors(ctx, conj, seen)
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
        # `о скорой новой встрече`: the adjectives before an event noun, however parsed.
        j = k - 1
        while j >= 0 and a.tokens[j].pos in {"ADJ", "DET"} and a.tokens[j].sent == a.tokens[k].sent:
            if "future" in roles.get(ctx.lemmas[j], ()):
                return True
            j -= 1
        node, via = k, k
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
            # `намерен подать`, `решение об эксгумации`; not `договорились на диалоге`
            if (
                node != k
                and "intent" in roles.get(ctx.lemmas[node], ())
                and self._is_content(ctx, via)
            ):
                return True
            if node != k and tok.pos == "VERB" and tok.feats.get("VerbForm") == "Fin":
                break
            if tok.rel not in {"xcomp", "nmod", "obl", "obj", "acl"} or tok.head is None:
                break
            if node == k and _participle(tok) and tok.feats.get("Tense") == "Past":
                break  # `арестованных властями фигурантов … явятся в суд`: done, not planned
            via, node = node, tok.head
        return False

    def _hearing(self, ctx: _Context, d: EventDraft) -> bool:
        """`На заседании суд отказался…`: a court's session is a hearing, not a meeting."""
        text = ctx.analysis.text
        return (
            "nocourt" in d.flags
            and bool(d.actors)
            and all(
                any(
                    w in self.lexicon.courts
                    for c in g.members
                    for w in lemma_key(text[c.start : c.end])
                )
                for g in d.actors
            )
        )

    # --- place and time -----------------------------------------------------

    def _location(self, ctx: _Context, heads: list[int], deep: bool = True) -> Group | None:
        """A `в`/`на` place of the trigger's clause (`в Пекине`, `в резиденции "Дяоюйтай"`),
        the narrowest if several."""
        a = ctx.analysis
        phrases = [c for h in heads for c in a.children[h]]
        if deep:  # `встретился с Кимом в Пекине` may hang the place on the partner
            phrases += [
                n for c in list(phrases) if a.tokens[c].rel in {"obl", "obj"} for n in a.children[c]
            ]
        found: list[Group] = []
        for c in phrases:
            if _prep(ctx, c) in {"в", "на"} and a.tokens[c].feats.get("Case") == "Loc":
                found += self._places(ctx, c)
        return min(found, key=lambda g: _PLACE_RANK[g.kind_type]) if found else None

    def _places(self, ctx: _Context, c: int) -> list[Group]:
        group = ctx.owner.get(c)
        if group is not None and group.kind_type in _PLACE_RANK:
            return [group]
        if ctx.lemmas[c] not in self.lexicon.places:
            return []
        out: list[Group] = []
        for t in ctx.analysis.subtree(c):
            g = ctx.owner.get(t)
            if g is not None and g.kind_type in _PLACE_RANK and g not in out:
                out.append(g)
        return out

    def _time(
        self, ctx: _Context, draft: EventDraft, k: int, governor: tuple[int, str] | None
    ) -> None:
        """Own date and duration: a timex hanging from the trigger (or from the verb that
        carries an event noun, or the verb it is conjoined to); and whether the story's date
        may stand in for a missing one."""
        a = ctx.analysis
        tok = a.tokens[k]
        heads = [k]
        node = k
        for _ in range(3):  # bounded: the parser's cycles must not hang us
            head = a.tokens[node].head
            # an aside in parentheses does not share its host clause's time
            if a.tokens[node].rel not in {"xcomp", "conj"} or head is None:
                break
            if ctx.paren[head] != ctx.paren[k]:
                break
            node = head  # `намерен подать … в мае`, `прибыл 13 июня и был задержан`
            heads.append(node)
        if governor is not None and governor[1] in {"light", "occur", "other"}:
            heads.append(governor[0])
            heads += [c for c in a.children[governor[0]] if a.tokens[c].rel == "conj"]
        for h in heads:
            for c in a.children[h]:
                timex = ctx.timex_at.get(c)
                if timex is None:
                    continue
                if _DURATION.match(timex.value):
                    # `встреча … длилась 2,5 часа`: only a verb's own span of time is the event's.
                    if draft.duration is None and (h != k or tok.pos == "VERB"):
                        draft.duration = timex.value
                    continue
                if draft.date is None and not draft.vague_time:
                    value = _date_value(timex.value)
                    if draft.planned and value and ctx.reference and value[:10] > ctx.reference:
                        # `встретятся 22 июля`: the day of what is planned, not of the plan
                        continue
                    draft.date = value
                    draft.vague_time = value is None
        draft.story = ctx.paren[k] < 0 and (
            tok.start < ctx.headline_end
            or ctx.lead[0] <= tok.start < ctx.lead[1]
            # a speaker's own words on the day, not a report (`подтвердили гибель`) of old news
            or getattr(_quote_at(ctx, tok.start), "kind", None) in {"direct", "list"}
            or _past(a, k)
        )

    # --- between events -----------------------------------------------------

    def _absorb(self, ctx: _Context, drafts: list[EventDraft]) -> list[EventDraft]:
        """A promise, demand, refusal or threat takes over the event it is about:
        `пригласил посетить Россию` is one AGREE, `призвал к переговорам` one REQUEST."""
        a = ctx.analysis
        by_token = {d.token: d for d in drafts}
        gone: set[int] = set()
        for d in drafts:
            if d.type not in _ABSORBING or not _valid(d):
                continue
            direct = {_antecedent(ctx, c) for c in a.children[d.token] if self._is_content(ctx, c)}
            for t in sorted(self._content(ctx, d.token)):
                other = by_token.get(t)
                if other is None or other is d or id(other) in gone:
                    continue
                conv = self.lexicon.conversions
                to = conv.get(("complement", d.type, other.type)) or conv.get(
                    ("complement", d.type, "*")
                )
                if to is not None:
                    d.type = to[0]
                    if d.cameo.endswith("0"):  # a generic code takes the content's
                        d.cameo = to[1]
                d.content = d.content or other.sense
                near = t in direct or a.tokens[t].head in direct
                # (an invitation's addressee is who would come, not the content's host)
                carry = d.type != "REQUEST" and d.sense != "invite" and _valid(other)
                if carry and d.source and not d.target and near:
                    # `перемирие с Израилем, о котором договорились`, `отказались выдать его
                    # России`: what is agreed, refused or threatened names the other side (a
                    # request's addressee is not its content's; a deeper event is not the deal).
                    own = {g.nationality for g in d.source if g.nationality}
                    d.target = [
                        g for g in other.actors if g not in d.source and g.nationality not in own
                    ]
                gone.add(id(other))
        return [d for d in drafts if id(d) not in gone]

    def _content(self, ctx: _Context, k: int) -> set[int]:
        """What a promise or demand is about (see `_is_content`), with all inside it;
        `перемирие, о котором договорились` is about the ceasefire."""
        a = ctx.analysis
        heads = [_antecedent(ctx, c) for c in a.children[k] if self._is_content(ctx, c)]
        out: set[int] = set()
        while heads:
            t = heads.pop()
            out.add(t)
            heads += [
                n for n in a.children[t] if a.tokens[n].rel not in _NOT_CONTENT and n not in out
            ]  # `not in out`: the parser's cycles must not hang us
        return out

    def _is_content(self, ctx: _Context, c: int) -> bool:
        """Whether a dependent is what its head promises, asks or plans: an infinitive, an
        object, a `к`/`о`/`от`/`на`+acc phrase (`согласиться на переговоры`, not `на встрече
        попросил`) or a bare instrumental (`пригрозил санкциями`)."""
        tok = ctx.analysis.tokens[c]
        prep, case = _prep(ctx, c), tok.feats.get("Case")
        if tok.rel in {"xcomp", "obj", "ccomp"}:
            return True
        if tok.feats.get("VerbForm") == "Inf" and tok.rel not in _NOT_CONTENT:
            return True
        return tok.rel in {"obl", "nmod", "acl"} and (
            (prep in _CONTENT_PREPS and (prep != "на" or case == "Acc"))
            or (not prep and case == "Ins")
        )

    def _interlocutor(self, ctx: _Context, d: EventDraft, drafts: list[EventDraft]) -> None:
        """A person's promise or request that names nobody is addressed to the other side of
        the dialogue it is part of: the person who asks, answers or complains in the same
        sentence (`На вопрос Медведева капитан ответил утвердительно, вице-премьер обещал
        заехать`); for a request to tell (`попросил рассказать`), whoever speaks next, in this
        sentence or the next; else the other person whose turn (a quote) came just before, in
        this sentence or the one before and in the same paragraph, when an event of the last
        sentences already joins the two (`Рамзан потребовал от Масхадова…` … `Масхадов
        потребовал взамен…`)."""
        if d.sense not in _DIALOGUE_SENSES or d.target or len(d.source) != 1:
            return
        speaker = d.source[0]
        if speaker.kind_type != "PER" or _quote_at(ctx, d.trigger[0]) is not None:
            return
        if self._addressed(ctx, d):
            return  # `призвала сторонников`: an addressee is named, if not as an actor
        a = ctx.analysis
        above = _ancestors(a, d.token)
        first, end = a.sentences[d.sent]
        for v in range(first, end):
            if (
                v == d.token
                or v in above
                or d.token in _ancestors(a, v)
                or "dialogue" not in self.lexicon.roles.get(ctx.lemmas[v], ())
            ):
                continue
            subject = a.child(v, *_SUBJECT_RELS)
            people = self._actors(ctx, subject) if subject is not None else []
            other = [g for g in people if g.kind_type == "PER" and g is not speaker]
            if other:
                d.target = other[:1]
                return
        # The other side's turn: for a request to tell, the next one; else the one just before
        # in the same paragraph, which the promise or request answers when the two are already
        # in a dialogue (an event of the last sentences between them).
        tell = d.type == "REQUEST" and any(
            a.tokens[c].feats.get("VerbForm") == "Inf"
            and a.tokens[c].rel in {"xcomp", "obj"}
            and (ctx.lemmas[c],) in load_cues()
            for c in a.children[d.token]
        )
        start, stop = d.trigger
        if tell:
            turns = sorted((q for q in ctx.quotes if q.start >= stop), key=lambda q: q.start)
        else:
            turns = sorted((q for q in ctx.quotes if q.end <= start), key=lambda q: -q.end)
        for q in turns:
            span = a.token_range(q.start, q.end)
            them = q.speaker
            if not span or them is None or them is speaker or them.kind_type != "PER":
                continue
            sent = a.tokens[span[0]].sent
            if tell:
                answered = sent <= d.sent + 1
            else:
                answered = (
                    sent >= d.sent - 1
                    and "\n" not in a.text[q.end : start]
                    and any(
                        speaker in e.actors and them in e.actors
                        for e in drafts
                        if e is not d and d.sent - _NEAR_SENTENCES <= e.sent <= d.sent
                    )
                )
            if answered:
                d.target = [them]
            return

    def _addressed(self, ctx: _Context, d: EventDraft) -> bool:
        """Whether the trigger has a phrase in one of its target frames (whoever it names)."""
        a = ctx.analysis
        for c in a.children[d.token]:
            tok, prep = a.tokens[c], _prep(ctx, c)
            if (
                ("obj" in d.frames and tok.rel == "obj" and tok.pos in _NOMINAL)
                or (prep and prep in d.frames)
                or (
                    "dat" in d.frames
                    and not prep
                    and tok.feats.get("Case") == "Dat"
                    and tok.rel in {"iobj", "obl", "nmod", "obj"}
                )
            ):
                return True
        return False

    def _convert(self, d: EventDraft) -> None:
        """PLOVER's reading of intent: future cooperation is AGREE, future force THREATEN, a
        refused cooperation (`не выдаст`) REJECT."""
        conv = self.lexicon.conversions
        if d.planned and d.negated and ("refusal", d.type, "*") in conv:
            d.type, d.cameo = conv[("refusal", d.type, "*")]
            # the refusal itself is said and done, not planned
            d.negated, d.intent, d.mode = False, False, None
        elif d.planned and ("intent", d.type, "*") in conv:
            d.type, d.cameo = conv[("intent", d.type, "*")]
            d.mode = None


# --- helpers -----------------------------------------------------------------------------------

_POSSESSIVE = frozenset({"он", "она", "они", "его", "ее", "их"})
_COMPOUND_PREPS = {"в_адрес": "адрес", "в_отношении": "отношение"}
# A noun phrase's own parts, where the actor it names may sit (`лидером КНДР Ким Чен Ыном`).
_PHRASE_RELS = frozenset(
    {"nmod", "appos", "flat", "flat:name", "flat:foreign", "amod", "det", "nummod", "nummod:gov"}
)
_REL_ORDER = {"appos": 0, "flat": 0, "flat:name": 0, "flat:foreign": 0, "nmod": 1, "amod": 2}


def _context(
    analysis: Analysis,
    groups: list[Group],
    timexes: list[Timex],
    quotes: Sequence[QuoteDraft],
    reference: str | None,
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
        span = analysis.token_range(tx.start, tx.end)
        inside = set(span)
        head = next((t for t in span if analysis.tokens[t].head not in inside), None)
        if head is not None:
            timex_at[head] = tx
    country_of: dict[str, Group] = {}
    for g in groups:
        if g.members and g.kind_type == "GPE" and g.nationality:
            country_of.setdefault(g.nationality, g)
    paren, stack = [], [-1]
    for tok in analysis.tokens:
        if tok.text == ")" and len(stack) > 1:
            stack.pop()
        paren.append(stack[-1])
        if tok.text == "(":
            stack.append(tok.index)
    return _Context(
        analysis=analysis,
        lemmas=[lemma(t.text) for t in analysis.tokens],
        owner=_owner(analysis, groups),
        country_of=country_of,
        timex_at=timex_at,
        quotes=quotes,
        headline_end=headline_end,
        lead=lead,
        paren=paren,
        reference=(reference or "")[:10],
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


def _as_actor(ctx: _Context, group: Group, type_: str, target: bool) -> Group | None:
    """A place as an actor: a capital stands for its government (`у Лондона`), and a place hit
    by force for its country (`удары по сектору Газа`); any other place is no actor."""
    if group.kind_type != "LOC":
        return group
    capitals = _capitals()
    names = (lemma_key(ctx.analysis.text[c.start : c.end]) for c in group.members)
    capital = next((capitals[n] for n in names if n in capitals), None)
    country = capital or (group.nationality if target and type_ in _FORCE else None)
    if country is None:
        return None
    return ctx.country_of.get(country, group if capital else None)


@cache
def _capitals() -> dict[tuple[str, ...], str]:
    """Capital name (as lemmas) → ISO3, from the knowledge base's country table."""
    text = resources.files("svodka.kb").joinpath("data", "countries.tsv").read_text("utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    at, iso = rows[0].index("capital"), rows[0].index("iso3")
    return {lemma_key(r[at]): r[iso] for r in rows[1:] if len(r) > at and r[at].strip()}


def _antecedent(ctx: _Context, c: int) -> int:
    """`Березовского, который получил…`: a relative pronoun stands for the noun it follows."""
    a = ctx.analysis
    if ctx.lemmas[c] not in _RELATIVE:
        return c
    clause = c
    for _ in range(4):
        head = a.tokens[clause].head
        if a.tokens[clause].rel in {"acl:relcl", "acl"} or head is None:
            break
        clause = head
        if a.tokens[clause].pos in {"NOUN", "PROPN"}:
            return c
    noun = a.tokens[clause].head
    if noun is not None and a.tokens[clause].rel in {"acl:relcl", "acl"}:
        return noun
    # The parser often roots a relative clause on its own: take the word before the comma (and
    # its preposition: `перемирие с Израилем, о котором`), or the noun that word hangs from
    # when only that one agrees with `который` in gender and number (`встреча Эрдогана с
    # Корутюрком и Эрманом, на которой`).
    j = c - 1
    while j > 0 and a.tokens[j].rel in {"case", "fixed"} and a.tokens[j].sent == a.tokens[c].sent:
        j -= 1
    if j > 0 and a.tokens[j].text == "," and a.tokens[j - 1].sent == a.tokens[c].sent:
        node = j - 1
        for _ in range(3):
            if _agrees(a.tokens[node].feats, a.tokens[c].feats):
                return node
            head = a.tokens[node].head
            rel = a.tokens[node].rel
            if (rel not in _PHRASE_RELS and rel != "conj") or head is None or head > node:
                break
            node = head
        return j - 1
    return c


def _participle(tok: Token) -> bool:
    """A participle that describes a noun (`закон, принятый Госдумой`)."""
    return tok.feats.get("VerbForm") == "Part" and tok.rel in {"acl", "amod"}


def _agrees(noun: dict[str, str], pronoun: dict[str, str]) -> bool:
    """Whether a noun agrees with a relative pronoun in number and (singular) gender."""
    return all(
        noun.get(f) == pronoun.get(f)
        for f in ("Number", "Gender")
        if pronoun.get(f) and (f == "Number" or pronoun.get("Number") != "Plur")
    )


def _direct_subject(analysis: Analysis, k: int) -> int | None:
    node = k
    for _ in range(3):
        subject = analysis.child(node, *_SUBJECT_RELS)
        if subject is not None:
            return subject
        tok = analysis.tokens[node]
        if tok.rel not in {"xcomp", "conj"} or tok.head is None:
            return None
        node = tok.head
    return None


def _passive(analysis: Analysis, k: int) -> bool:
    tok = analysis.tokens[k]
    return (
        tok.feats.get("Voice") == "Pass" or analysis.child(k, "nsubj:pass", "aux:pass") is not None
    )


def _first_person_verb(analysis: Analysis, governor: tuple[int, str] | None) -> bool:
    """`Прошу передать слова благодарности`: the noun's clause is the speaker's own."""
    node = governor[0] if governor is not None and governor[1] in {"light", "other"} else None
    for _ in range(3):
        if node is None:
            return False
        tok = analysis.tokens[node]
        if tok.feats.get("Person") == "1":
            return True
        node = tok.head if tok.rel in {"xcomp", "conj"} else None
    return False


def _rank(group: Group | None) -> int:
    return _ACTOR_TYPES.index(group.kind_type) if group is not None else len(_ACTOR_TYPES)


def _conjuncts(analysis: Analysis, k: int) -> list[int]:
    return [c for c in analysis.children[k] if analysis.tokens[c].rel == "conj"]


def _prep(ctx: _Context, k: int) -> str:
    case = ctx.analysis.child(k, "case")
    return "" if case is None else _PREP_FORMS.get(ctx.lemmas[case], ctx.lemmas[case])


_PREP_FORMS = {"во": "в", "со": "с", "обо": "о", "об": "о", "ко": "к", "подо": "под"}


def _pos_fits(pos: str, wanted: str) -> bool:
    # Short participles (`арестован`, `запрещена`) are often tagged ADJ.
    return pos in ({"VERB", "AUX", "ADJ"} if wanted == "VERB" else {"NOUN", "PROPN"})


def _phrase_tokens(ctx: _Context, k: int, row: Trigger) -> list[int] | None:
    """The tokens of a phrase trigger at head k: every other word a dependent of the head or of
    a word already matched (`подать в суд`, `привести в боевую готовность`), in any order."""
    if not row.rest:
        return [k]
    a = ctx.analysis
    tokens, left = [k], list(row.rest)
    while left:
        near = [c for t in tokens for c in a.children[t] if c not in tokens]
        hits = [(w, next((t for t in near if ctx.lemmas[t] == w), None)) for w in left]
        found = [(w, t) for w, t in hits if t is not None]
        if not found:
            return None
        for w, t in found[:1]:  # one at a time: a matched word opens its own dependents
            tokens.append(t)
            left.remove(w)
    return tokens


def _quote_at(ctx: _Context, offset: int) -> QuoteDraft | None:
    return next((q for q in ctx.quotes if q.start <= offset < q.end), None)


def _past(analysis: Analysis, k: int) -> bool:
    """Whether a verb trigger tells what happened (past tense, or hangs from a past verb)."""
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
        return dt.date.fromisocalendar(int(week[1]), int(week[2]), 4).strftime("%Y-%m")
    return None


def _story_date(
    ctx: _Context, timexes: list[Timex], reference: str | None, dateline_date: str | None
) -> str | None:
    """The day the article reports on: its dateline's, else a day its lead names close to
    publication (`в пятницу`, `вечером в понедельник`)."""
    if dateline_date:
        return dateline_date
    try:
        ref = dt.date.fromisoformat((reference or "")[:10])
    except ValueError:
        return None
    start, end = ctx.lead
    for tx in timexes:
        value = _date_value(tx.value) if start <= tx.start < end else None
        if (
            value
            and len(value) == 10
            and ref - _STORY_WINDOW <= dt.date.fromisoformat(value) <= ref
        ):
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
    if not d.target and len(d.source) > 1 and (d.type in _SYMMETRIC or d.sense == "sign"):
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


def _answers(ctx: _Context, drafts: list[EventDraft]) -> None:
    """A refusal (or consent) that names nobody answers the request made to its doer shortly
    before (`Бишкек направил в Минск запрос о выдаче…` … `Лукашенко заявил, что не выдаст
    Бакиева`): the requester is its other side. The request was for the very thing refused, or
    it was made to the doer or the doer's country and the answer is to do or not do something
    (`отказывается это делать`), not to give up a thing of its own (`отказался от показаний`)."""
    a = ctx.analysis
    for i, d in enumerate(drafts):
        if d.target or not d.source or d.type not in _ANSWER_SENSES:
            continue
        if _ANSWER_SENSES[d.type] not in {None, d.sense}:
            continue
        own_thing = any(
            a.tokens[c].pos in {"NOUN", "PROPN"}
            and (a.tokens[c].rel == "obj" or _prep(ctx, c) in {"от", "на"})
            for c in a.children[d.token]
        )
        countries = {g.nationality for g in d.source if g.nationality}
        for prev in reversed(drafts[:i]):
            if prev.sent < d.sent - _NEAR_SENTENCES:
                break
            if prev.type != "REQUEST" or not prev.source:
                continue
            if (prev.content and prev.content == d.sense) or (
                not own_thing
                and (
                    any(g in d.source for g in prev.target)
                    or any(g.kind_type == "GPE" and g.nationality in countries for g in prev.target)
                )
            ):
                d.target = [g for g in prev.source if g not in d.source]
                break


def _ancestors(analysis: Analysis, k: int) -> set[int]:
    """The tokens a token hangs from, up to the root (the parser's cycles cut short)."""
    out: set[int] = set()
    node = analysis.tokens[k].head
    while node is not None and node not in out and node != k:
        out.add(node)
        node = analysis.tokens[node].head
    return out


def _valid(d: EventDraft) -> bool:
    if ("need_target" in d.flags and not d.target) or ("need_source" in d.flags and not d.source):
        return False
    return "person_target" not in d.flags or any(g.kind_type == "PER" for g in d.target)


def _third_party(e: EventDraft) -> None:
    """A meeting held in a country none of its sides belongs to is CAMEO 044 ("meet at a third
    location"). The mode stays unset, as gold has it: PLOVER's `third-party` is a meeting a third
    party hosts, which the text rarely says."""
    if e.type != "CONSULT" or e.location is None or e.mode is not None:
        return
    place = e.location.nationality
    sides = {g.nationality for g in e.actors}
    if place and len(e.actors) > 1 and None not in sides and place not in sides:
        e.cameo = "044"


def _merge(drafts: list[EventDraft]) -> list[EventDraft]:
    """One event per happening: a later mention with the same type, sense and compatible
    participants joins the first; a meeting noun naming nobody (`Встреча прошла…`) joins the
    last meeting. What is left with no actor is dropped unless it needs none (`теракт`)."""
    events: list[EventDraft] = []
    for d in sorted(drafts, key=lambda x: x.trigger[0]):
        into = next(
            (
                e
                for e in reversed(events)
                if e.type == d.type
                and e.sense == d.sense
                and (_compatible(e, d) if d.actors else d.nominal and d.type in _ANAPHORIC)
            ),
            None,
        )
        if into is None:
            events.append(d)
        else:
            _join(into, d)
    return [e for e in events if e.actors or ("bare" in e.flags and not e.planned)]


def _compatible(e: EventDraft, d: EventDraft) -> bool:
    if not e.actors or (e.date and d.date and e.date != d.date):
        return False
    if e.type in _SYMMETRIC:
        a, b = set(map(id, e.actors)), set(map(id, d.actors))
        same, fits = a == b, a <= b or b <= a
    else:
        sa, sb = set(map(id, e.source)), set(map(id, d.source))
        ta, tb = set(map(id, e.target)), set(map(id, d.target))
        # `просит у Лондона убежища` … `его запрос на убежище`, `гибель Горбунова` … `погиб
        # при отражении атаки ИГИЛ`: one side again, the other left out, is the same act.
        same = (
            (sa == sb and ta == tb)
            or (bool(sa) and sa == sb and bool(ta) != bool(tb))
            or (bool(ta) and ta == tb and bool(sa) != bool(sb))
        )
        fits = (sa <= sb or sb <= sa) and (ta <= tb or tb <= ta)
    # The same actors are the same happening anywhere in the article; a mention that names
    # fewer or more of them only nearby (`поблагодарить вас` … `благодарности народу КНДР`).
    return same or (fits and abs(d.sent - e.sent) <= _NEAR_SENTENCES)


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
        start, end = d.trigger
        out.append(
            Event(
                type=d.type,
                cameo=d.cameo,
                mode=d.mode,
                source=tuple(g.id for g in d.source if g.id),
                target=tuple(g.id for g in d.target if g.id),
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
