"""Who said what: direct quotes, reported speech and list statements, each with its speaker.

The cue lexicon (`data/cues.tsv`) says which frames a speech verb takes; the dependency parse
finds its subject (the speaker) and its content. Speakers are entity groups, so a pronoun or
role subject already resolved by coreference is the person it stands for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from svodka.kb import load_roles, load_word_list
from svodka.nlp.analysis import Analysis, Token
from svodka.nlp.entities import Candidate, Group
from svodka.nlp.morph import lemma
from svodka.quotes.marks import QUOTE_MARKS, quoted_spans

_SUBJECT_RELS = ("nsubj", "nsubj:pass")
_WORD = re.compile(r"\w")
_PURPOSE = frozenset({"для", "с", "ради", "затем"})  # `для того, чтобы`
_ACTOR_TYPES = frozenset({"PER", "ORG", "GPE"})
_DASH = "—–-"
_BULLET = re.compile(r"^\s*(?:[—–•*·-]|\d{1,2}[.)])\s+")
_MIN_WORDS = 2  # reported content shorter than this is not a statement
_MIN_CUELESS_WORDS = 4  # a quote with no cue needs this many words to continue a speaker
_FIRST_PERSON = frozenset({"я", "меня", "мне", "мной", "мною"})


@dataclass(frozen=True, slots=True)
class Cue:
    lemmas: tuple[str, ...]
    frames: frozenset[str]


@dataclass(slots=True)
class QuoteDraft:
    speaker: Group | None
    kind: str
    start: int
    end: int
    cue: str | None
    sent: int = -1
    frame: str = ""  # how reported content was found: "post" when it precedes its cue


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("svodka.quotes").joinpath("data", name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=False)) for ln in lines[1:]]


@cache
def load_cues() -> dict[tuple[str, ...], Cue]:
    out = {}
    for row in _rows("cues.tsv"):
        key = tuple(row["lemma"].split())
        out[key] = Cue(key, frozenset(f.strip() for f in row["frames"].split(",")))
    return out


@cache
def load_parentheticals() -> dict[str, str]:
    return {row["lemma"]: row["cue"] for row in _rows("parentheticals.tsv")}


@cache
def load_list_headers() -> frozenset[str]:
    return frozenset(row["lemma"] for row in _rows("list_headers.tsv"))


class QuoteFinder:
    """Finds every statement of an article; lexicons loaded once."""

    def __init__(self) -> None:
        self.cues = load_cues()
        self.longest_cue = max(len(k) for k in self.cues)
        self.parentheticals = load_parentheticals()
        self.headers = load_list_headers()
        self.documents = load_word_list("document_nouns.txt")

    def __call__(self, analysis: Analysis, groups: list[Group]) -> list[QuoteDraft]:
        owner = _owner(analysis, groups)
        lemmas = [lemma(t.text) for t in analysis.tokens]
        cues = self._cue_tokens(lemmas)
        marks = quoted_spans(analysis.text)
        used: set[int] = set()  # cue tokens already spent on a statement
        out = self._lists(analysis, owner, lemmas, cues, used)
        listed = [(q.start, q.end) for q in out]
        out += self._direct(analysis, owner, cues, marks, used, listed)
        direct = [(q.start, q.end) for q in out if q.kind == "direct"]
        out += self._indirect(analysis, owner, lemmas, cues, used, direct + listed, marks, out)
        _whole_quotes_are_direct(analysis.text, marks, out)
        out.sort(key=lambda q: q.start)
        _first_person(analysis, out)
        return out

    # --- cues ---------------------------------------------------------------

    def _cue_tokens(self, lemmas: list[str]) -> dict[int, Cue]:
        """Token index → cue for every speech verb (a phrase is keyed by its first word)."""
        out: dict[int, Cue] = {}
        for i in range(len(lemmas)):
            for size in range(min(self.longest_cue, len(lemmas) - i), 0, -1):
                cue = self.cues.get(tuple(lemmas[i : i + size]))
                if cue is not None:
                    out[i] = cue
                    break
        return out

    def _speaker(self, analysis: Analysis, owner: dict[int, Group], verb: int) -> Group | None:
        """The group a cue verb's subject stands for; a conjoined verb shares its head's."""
        cited = _citation(analysis, verb)
        if cited is not None:
            # `написал "Коммерсант" со ссылкой на его вдову`: the words are the widow's.
            group = _subject_group(analysis, owner, cited)
            if group is not None:
                return group
        for _ in range(3):
            subjects = [
                c for c in analysis.children[verb] if analysis.tokens[c].rel in _SUBJECT_RELS
            ]
            # The nearest subject: a parser may hang a second clause's subject on this verb.
            for subject in sorted(subjects, key=lambda c: abs(c - verb)):
                subject = _antecedent_of_relative(analysis, subject)
                group = _subject_group(analysis, owner, subject)
                if group is not None:
                    return group
            if (left := _subject_before(analysis, owner, verb)) is not None:
                return left  # also when the parser gave the verb a subject from far away
            if subjects:
                return None
            if (shared := self._shared_subject(analysis, owner, verb)) is not None:
                return shared
            if (dropped := _dropped_subject(analysis, owner, verb)) is not None:
                return dropped
            tok = analysis.tokens[verb]
            gerund = tok.rel == "advcl" and tok.feats.get("VerbForm") == "Conv"
            if (gerund or tok.rel in {"conj", "xcomp", "acl:relcl"}) and tok.head is not None:
                # `…, отмечая, что …`: a gerund's subject is its verb's.
                # `распространил заявление, где утверждает…`: up through the noun it qualifies.
                verb = tok.head
                head = analysis.tokens[verb]
                if head.pos == "NOUN" and head.head is not None and tok.rel == "acl:relcl":
                    verb = head.head
                continue
            break
        # `в МВД заявили`, `в заявлении группировки говорится`: the place the words come from;
        # `во фразе Немцова было указано`: a person's own words are that person's.
        for child in analysis.children[verb]:
            if analysis.tokens[child].rel not in {"obl", "nmod"}:
                continue
            if lemma(analysis.tokens[child].text) in self.documents:
                owners = [
                    k
                    for c in analysis.children[child]
                    if analysis.tokens[c].rel in {"nmod", "det"}
                    for k in analysis.subtree(c)
                ]
                group = _group_in(analysis, owner, owners)
                if group is not None:
                    return group
            group = _group_in(analysis, owner, analysis.subtree(child))
            if group is not None and group.kind_type in {"ORG", "GPE"}:
                return group
        return None

    def _shared_subject(
        self, analysis: Analysis, owner: dict[int, Group], verb: int
    ) -> Group | None:
        """`Войтих рассказал …, продемонстрировал …, объяснил, как …` parsed as separate
        clauses: a run of predicates after commas shares the first one's subject."""
        tokens = analysis.tokens
        me = tokens[verb]
        if verb == 0 or tokens[verb - 1].text != "," or not _finite(me):
            return None
        agree = ("Number", "Gender", "Person")
        for j in range(verb - 2, analysis.sentence_of(verb)[0] - 1, -1):
            tok = tokens[j]
            if tok.pos in {"SCONJ"} or lemma(tok.text) == "который" or tok.text in ":;—–":
                return None  # a subordinate clause or a new statement lies between
            if _finite(tok) and all(tok.feats.get(f) == me.feats.get(f) for f in agree):
                subject = analysis.child(j, *_SUBJECT_RELS)
                if subject is None and tok.rel == "conj":
                    continue  # a predicate of the same run: on to the first
                if subject is None or subject > j:
                    return None
                return _subject_group(analysis, owner, subject)
        return None

    # --- list statements ----------------------------------------------------

    def _lists(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        lemmas: list[str],
        cues: dict[int, Cue],
        used: set[int],
    ) -> list[QuoteDraft]:
        text = analysis.text
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        out: list[QuoteDraft] = []
        n = 0
        while n < len(lines):
            speaker = self._header_speaker(analysis, owner, lemmas, *lines[n])
            # `руководство "Медиа-Моста" еще раз вынуждено заявить:` and bullets under it.
            bullets_only = speaker is None
            if speaker is None:
                speaker = self._said_header(analysis, owner, cues, *lines[n])
            n += 1
            if speaker is None:
                continue
            first = True
            while n < len(lines):
                start, end = lines[n]
                line = text[start:end]
                if bullets_only and not _BULLET.match(line):
                    break
                if not (first or _BULLET.match(line) or (out and text[out[-1].end] == ";")):
                    break
                if self._header_speaker(analysis, owner, lemmas, start, end) is not None:
                    break
                item = self._item(analysis, lemmas, cues, used, start, end, speaker)
                if item is None:
                    break
                out.append(item)
                first = False
                n += 1
        return out

    def _header_speaker(
        self, analysis: Analysis, owner: dict[int, Group], lemmas: list[str], start: int, end: int
    ) -> Group | None:
        line = analysis.text[start:end].rstrip()
        if line.endswith((".", ";", "?", "!", "»", '"')):
            return None
        span = analysis.token_range(start, end)
        words = [k for k in span if analysis.tokens[k].text[:1].isalnum()]
        if not words or len(words) > 8 or lemmas[words[0]] not in self.headers:
            return None
        group = _group_in(analysis, owner, list(span))
        return group if group is not None and group.kind_type in _ACTOR_TYPES else None

    def _said_header(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        cues: dict[int, Cue],
        start: int,
        end: int,
    ) -> Group | None:
        """A sentence that ends in a colon after a speech verb with a speaker."""
        if not analysis.text[start:end].rstrip().endswith(":"):
            return None
        for k in reversed(analysis.token_range(start, end)):
            if k in cues and "colon" in cues[k].frames:
                return self._speaker(analysis, owner, k)
        return None

    def _item(
        self,
        analysis: Analysis,
        lemmas: list[str],
        cues: dict[int, Cue],
        used: set[int],
        start: int,
        end: int,
        speaker: Group,
    ) -> QuoteDraft | None:
        text = analysis.text
        bullet = _BULLET.match(text[start:end])
        if bullet:
            start += bullet.end()
        while end > start and text[end - 1] in " ;.":
            end -= 1
        if end - start < 3:
            return None
        cue_name = None
        span = analysis.token_range(start, end)
        for k in span:
            if k in cues and "что" in cues[k].frames:
                that = _that_after(analysis, lemmas, k)
                if that is not None and analysis.tokens[that].end < end:
                    start = analysis.tokens[that + 1].start
                    cue_name = " ".join(cues[k].lemmas)
                    used.add(k)
                    break
        for k in span:
            used.add(k) if k in cues else None
        sent = analysis.tokens[span[0]].sent if span else -1
        return QuoteDraft(speaker, "list", start, end, cue_name, sent)

    # --- direct quotes ------------------------------------------------------

    def _direct(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        cues: dict[int, Cue],
        marks: list[tuple[int, int]],
        used: set[int],
        taken: list[tuple[int, int]],
    ) -> list[QuoteDraft]:
        text = analysis.text
        out: list[QuoteDraft] = []
        for start, end in marks:
            if any(s <= start < e for s, e in taken):
                continue
            inner = analysis.token_range(start, end)
            words = sum(1 for k in inner if analysis.tokens[k].text[:1].isalnum())
            if words < _MIN_WORDS:
                continue
            split = self._split_interrupted(analysis, owner, cues, used, start, end)
            if split:
                out.extend(split)
                continue
            found = self._attribution_after(analysis, owner, cues, end + 1)
            if found is None:
                found = self._attribution_before(analysis, owner, cues, start - 1)
            if found is not None:
                speaker, cue, verb = found
                if verb is not None:
                    used.add(verb)
                sent = _sent(analysis, start)
                out.append(QuoteDraft(speaker, "direct", start, end, cue or None, sent))
                continue
            if words >= _MIN_CUELESS_WORDS and _opens_sentence(text, start - 1):
                last = next((q for q in reversed(out) if q.start < start), None)
                if last is not None and _near(analysis, last.end, start):
                    out.append(
                        QuoteDraft(last.speaker, "direct", start, end, None, _sent(analysis, start))
                    )
        return out

    def _attribution_after(
        self, analysis: Analysis, owner: dict[int, Group], cues: dict[int, Cue], pos: int
    ) -> tuple[Group | None, str, int | None] | None:
        """`«…», — сказал он.`: a dash after the closing mark, then a cue in that clause."""
        text = analysis.text
        m = re.match(r"[,.!?…]*\s*[—–-]{1,2}\s*", text[pos : pos + 8])
        if m is None:
            return None
        first = analysis.token_at(pos + m.end())
        if first is None:
            return None
        sent = analysis.tokens[first].sent
        k = first
        while k < len(analysis.tokens) and analysis.tokens[k].sent == sent and k < first + 6:
            if k in cues and "direct" in cues[k].frames:
                speaker = self._speaker(analysis, owner, k)
                if speaker is None:
                    # A parse that loses the subject: `— сказал на это первый вице-премьер`.
                    rest = [j for j in analysis.sentence_of(k) if j > k]
                    speaker = _group_in(analysis, owner, rest[:8])
                return speaker, " ".join(cues[k].lemmas), k
            if analysis.tokens[k].text in ".!?;":
                break
            k += 1
        return None

    def _attribution_before(
        self, analysis: Analysis, owner: dict[int, Group], cues: dict[int, Cue], pos: int
    ) -> tuple[Group | None, str, int | None] | None:
        """`X заявил: «…»` or a headline's `Песков: «…»`."""
        text = analysis.text
        head = text[max(0, pos - 200) : pos].rstrip()
        if head.endswith(","):
            return self._asked_before(analysis, owner, pos)
        if not head.endswith(":"):
            return None
        colon = analysis.token_at(max(0, pos - (len(text[:pos]) - len(text[:pos].rstrip())) - 1))
        if colon is None:
            return None
        span = [k for k in analysis.sentence_of(colon) if k < colon]
        found: tuple[Group | None, str, int | None] | None = None
        for k in reversed(span):
            if k in cues and "direct" in cues[k].frames:
                # `Чтобы опровергнуть её, пошутил Немцов, надо сказать так: «…»`: the cue
                # with a speaker wins over an impersonal one nearer the colon.
                speaker = self._speaker(analysis, owner, k)
                if speaker is not None:
                    return speaker, " ".join(cues[k].lemmas), k
                found = found or (None, " ".join(cues[k].lemmas), k)
        if found is not None:
            return found
        # `Андрей Крайний … не согласился: «…»`: any verb that a colon and a quote follow.
        verb = span[-1] if span else None
        if verb is not None and _finite(analysis.tokens[verb]):
            speaker = self._speaker(analysis, owner, verb)
            if speaker is not None:
                return speaker, "", None
        group = _group_in(analysis, owner, span[-3:]) if span else None
        if group is not None and group.kind_type in _ACTOR_TYPES:
            return group, "", None
        return None

    def _asked_before(
        self, analysis: Analysis, owner: dict[int, Group], pos: int
    ) -> tuple[Group | None, str, int | None] | None:
        """`На вопрос Медведева, «…»`: words put as someone's question or statement."""
        mark = analysis.token_at(pos)
        k = (mark if mark is not None else 0) - 2  # the word before the comma
        group = owner.get(k) if k >= 0 else None
        if group is None or group.kind_type not in _ACTOR_TYPES:
            return None
        while k > 0 and owner.get(k - 1) is group:
            k -= 1
        if k > 0 and lemma(analysis.tokens[k - 1].text) in self.documents:
            return group, "", None
        return None

    def _split_interrupted(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        cues: dict[int, Cue],
        used: set[int],
        start: int,
        end: int,
    ) -> list[QuoteDraft]:
        """`«Первое, — сказал он. — Второе»`: two quotes around the attribution inside."""
        text = analysis.text
        for m in re.finditer(r"[,.!?…]?\s+[—–-]{1,2}\s+(?=\w)", text[start:end]):
            verb = analysis.token_at(start + m.end())
            if verb is None or verb not in cues or "direct" not in cues[verb].frames:
                continue
            rest = re.search(r"[.,:]\s+[—–-]{1,2}\s+", text[start + m.end() : end])
            if rest is None:
                continue
            used.add(verb)
            who = self._speaker(analysis, owner, verb)
            if who is None:
                after = [j for j in analysis.sentence_of(verb) if j > verb]
                who = _group_in(analysis, owner, after[:6])
            cue = " ".join(cues[verb].lemmas)
            second = start + m.end() + rest.end()
            return [
                QuoteDraft(who, "direct", start, start + m.start(), cue, _sent(analysis, start)),
                QuoteDraft(who, "direct", second, end, cue, _sent(analysis, second)),
            ]
        return []

    # --- reported speech ----------------------------------------------------

    def _indirect(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        lemmas: list[str],
        cues: dict[int, Cue],
        used: set[int],
        taken: list[tuple[int, int]],
        marks: list[tuple[int, int]],
        taken_q: list[QuoteDraft],
    ) -> list[QuoteDraft]:
        out: list[QuoteDraft] = []
        for k, cue in cues.items():
            tok = analysis.tokens[k]
            if (
                k in used
                or tok.pos not in {"VERB", "AUX"}
                or any(s <= tok.start < e for s, e in taken)
            ):
                continue
            if tok.feats.get("Person") == "1" and analysis.child(k, *_SUBJECT_RELS) is None:
                continue  # `Отметим, что …`, `Напомним, …`: the newsroom's own voice
            if tok.feats.get("VerbForm") == "Inf" and any(
                lemmas[c] == "чтобы" for c in analysis.children[k]
            ):
                continue  # `Чтобы опровергнуть эту фразу, …`: a purpose, not a statement
            span = self._content(analysis, lemmas, cues, k, cue, marks)
            if span is None:
                continue
            start, end = span
            if any(_covers_half(start, end, s, e) for s, e in taken):
                continue
            speaker = self._speaker(analysis, owner, k)
            frame = "post" if end <= tok.start else ""
            quote = QuoteDraft(
                speaker, "indirect", start, end, " ".join(cue.lemmas), tok.sent, frame
            )
            out.append(quote)
        out += self._parentheticals(analysis, owner, lemmas, taken)
        # `Студент отметил, что …, сообщает РИА "Новости"`: the agency only relays a
        # statement already attributed; its post-posed cue is not a second quote.
        post = [q for q in out if q.frame == "post" and _is_post(q, out)]
        # A speech verb inside reported words with no actor of its own (`…, что службы
        # требуют документы`) is part of that statement, not another one.
        inner = [
            q
            for q in out
            if q.speaker is None
            and any(o is not q and o.start <= q.start and q.end <= o.end for o in out + taken_q)
        ]
        return [q for q in out if q not in post and q not in inner]

    def _content(
        self,
        analysis: Analysis,
        lemmas: list[str],
        cues: dict[int, Cue],
        k: int,
        cue: Cue,
        marks: list[tuple[int, int]],
    ) -> tuple[int, int] | None:
        tokens = analysis.tokens
        sentence = analysis.sentence_of(k)
        last = k + len(cue.lemmas) - 1
        clause_end = _clause_end(analysis, last)
        if "что" in cue.frames or "чтобы" in cue.frames:
            that = _that_after(analysis, lemmas, last)
            if that is not None:
                end = _sentence_end(analysis, that, cues)
                clause = tokens[that].head
                if clause is not None and clause > that:
                    # The clause's own parse closes it before a second clause
                    # (`…, Медведев ответил, что …`).
                    end = min(end, max(analysis.subtree(clause)))
                if that + 1 < len(tokens):
                    # `заявил, что "…", тем более, что …`: quoted words end where they close.
                    opened = tokens[that + 1].start + 1
                    close = next((e for s, e in marks if s == opened), None)
                    last_inner = analysis.token_at(close - 1) if close is not None else None
                    if last_inner is not None:
                        end = min(end, last_inner + 1)
                return _span(analysis, that + 1, end)
        if "colon" in cue.frames:
            colon = next(
                (
                    j
                    for j in range(last + 1, min(last + 9, sentence[-1] + 1))
                    if tokens[j].text == ":"
                ),
                None,
            )
            if colon is not None and colon + 1 <= sentence[-1]:
                return _span(analysis, colon + 1, _sentence_end(analysis, colon))
        if "wh" in cue.frames:
            wh = _wh_after(analysis, lemmas, last)
            if wh is not None:
                return _span(analysis, wh, _phrase_end(analysis, wh, cues))
        for prep in ("о", "на", "в", "к", "за", "между", "против"):
            if prep not in cue.frames:
                continue
            # `О гибели военного сообщили и активисты`: the topic put first (not `об этом`).
            for c in analysis.children[k]:
                if c < k and tokens[c].pos == "NOUN" and tokens[c].rel == "obl":
                    case = analysis.child(c, "case")
                    if case is not None and lemmas[case] in {prep, prep + "б"}:
                        return _span(analysis, case + 1, _np_end(analysis, case + 1, k - 1))
            for j in range(last + 1, min(last + 4, clause_end + 1)):
                if tokens[j].pos == "ADP" and lemmas[j] in {prep, prep + "б"}:
                    if tokens[j + 1].pos == "PRON":
                        break  # `сообщили об этом`: the words are elsewhere, if anywhere
                    return _span(analysis, j + 1, _np_end(analysis, j + 1, clause_end))
                if tokens[j].pos in {"VERB", "PUNCT"}:
                    break
        if "inf" in cue.frames:
            xcomp = next(
                (c for c in analysis.children[k] if tokens[c].feats.get("VerbForm") == "Inf"), None
            )
            if xcomp is not None:
                first = max(analysis.subtree(xcomp)[0], last + 1)
                return _span(analysis, first, _phrase_end(analysis, xcomp, cues))
        if "xcomp" in cue.frames:
            pred = next(
                (
                    c
                    for c in analysis.children[k]
                    if tokens[c].rel == "xcomp" and tokens[c].pos in {"NOUN", "ADJ"}
                ),
                None,
            )
            if pred is not None:
                first = max(analysis.subtree(pred)[0], last + 1)
                return _span(analysis, first, _phrase_end(analysis, pred, cues))
        if "obj" in cue.frames:
            obj = analysis.child(k, "obj")
            if obj is not None and tokens[obj].pos in {"NOUN", "ADJ"}:
                tree = analysis.subtree(obj)
                end = _phrase_end(analysis, obj, cues)
                # The object's own phrase, not a purpose the verb adds after it (`требует
                # его выдачи именно для того, чтобы судить`).
                after = next(
                    (c for c in analysis.children[k] if tree[-1] + 1 in analysis.subtree(c)),
                    None,
                )
                if after is not None and (
                    tokens[after].rel == "advcl"
                    or any(lemmas[j] == "чтобы" for j in analysis.subtree(after))
                ):
                    end = min(end, tree[-1])
                return _span(analysis, tree[0], end)
        if "post" in cue.frames or "postq" in cue.frames:
            span = self._post_content(analysis, k, marks)
            # `…, сообщает РИА Новости` relays news; it is the outlet's statement only
            # when it quotes words (`"поставил задачи", сообщает "Интерфакс"`).
            relayed = span is not None and "post" not in cue.frames
            if (
                relayed
                and _citation(analysis, k) is None
                and not any(span[0] <= s and e <= span[1] for s, e in marks)
            ):
                return None
            return span
        return None

    def _post_content(
        self, analysis: Analysis, k: int, marks: list[tuple[int, int]]
    ) -> tuple[int, int] | None:
        """`…, заявил Владимир Рушайло.`: the cue follows its content after a comma."""
        tokens = analysis.tokens
        sentence = analysis.sentence_of(k)
        j = k - 1
        while j > sentence[0] and tokens[j].text in _DASH:
            j -= 1
        if j <= sentence[0] + 1 or tokens[j].text != ",":
            return None
        subject = analysis.child(k, *_SUBJECT_RELS)
        if subject is None or subject < k:
            return None
        start, end = tokens[sentence[0]].start, tokens[j - 1].end
        # A quoted whole sentence is a direct quote, found elsewhere.
        if any(s - 1 <= start and end <= e + 1 for s, e in marks):
            return None
        return _span(analysis, sentence[0], j - 1)

    def _parentheticals(
        self,
        analysis: Analysis,
        owner: dict[int, Group],
        lemmas: list[str],
        taken: list[tuple[int, int]],
    ) -> list[QuoteDraft]:
        """`По словам Грефа, …`: the rest of the sentence is the source's."""
        tokens = analysis.tokens
        out = []
        for k, tok in enumerate(tokens):
            cue = self.parentheticals.get(lemmas[k])
            # `по словам X` or `по его словам`
            by = next(
                (j for j in (k - 1, k - 2) if j >= 0 and lemmas[j] in {"по", "согласно"}), None
            )
            if cue is None or by is None:
                continue
            if any(s <= tok.start < e for s, e in taken):
                continue
            sentence = analysis.sentence_of(k)
            comma = next((j for j in range(k + 1, sentence[-1] + 1) if tokens[j].text == ","), None)
            if comma is None or comma - k > 8:
                continue
            speaker = _group_in(analysis, owner, [*range(by + 1, k), *range(k + 1, comma)])
            if comma + 1 > sentence[-1]:
                continue
            span = _span(analysis, comma + 1, _sentence_end(analysis, comma))
            if span is None:
                continue
            out.append(QuoteDraft(speaker, "indirect", span[0], span[1], cue, tok.sent))
        return out


# --- helpers -----------------------------------------------------------------


def _whole_quotes_are_direct(
    text: str, marks: list[tuple[int, int]], quotes: list[QuoteDraft]
) -> None:
    """`заявил, что "…"`, `по его словам, "…"`: reported content that is all one quotation
    is that speaker's own words, a direct quote of what is inside the marks."""
    for q in quotes:
        if q.kind != "indirect":
            continue
        for s, e in marks:
            outside = text[q.start : s] + text[e : q.end]
            if q.start <= s and e <= q.end and not _WORD.search(outside):
                q.kind, q.start, q.end = "direct", s, e
                break
    # As with any direct quote, a speech verb inside it is part of those words.
    quotes[:] = [
        q
        for q in quotes
        if q.kind == "direct"
        or not any(o.kind == "direct" and o.start <= q.start and q.end <= o.end for o in quotes)
    ]


def _antecedent_of_relative(analysis: Analysis, k: int) -> int:
    """`Янукович, который … подчеркнул`: a relative pronoun subject is its noun."""
    tok = analysis.tokens[k]
    if lemma(tok.text) != "который":
        return k
    clause, seen = tok.head, {k}
    while clause is not None and analysis.tokens[clause].rel != "acl:relcl":
        if clause in seen:  # a parser's cycle of heads must not hang us
            return k
        seen.add(clause)
        clause = analysis.tokens[clause].head
    noun = analysis.tokens[clause].head if clause is not None else None
    return noun if noun is not None else k


def _owner(analysis: Analysis, groups: list[Group]) -> dict[int, Group]:
    owner: dict[int, Group] = {}
    size: dict[int, int] = {}
    # Role and pronoun mentions count as much as names for finding a speaker; a token
    # belongs to the longest actor mention over it (`РФ` in `Минобороны РФ`).
    for group in groups:
        if not group.members:
            continue
        actor = group.kind_type in _ACTOR_TYPES
        for c in group.members:
            for k in analysis.token_range(c.start, c.end):
                current = owner.get(k)
                if (
                    current is None
                    or (current.kind_type not in _ACTOR_TYPES and actor)
                    or (actor and c.end - c.start > size[k])
                ):
                    owner[k], size[k] = group, c.end - c.start
    return owner


def _group_in(analysis: Analysis, owner: dict[int, Group], span: list[int]) -> Group | None:
    """The actor a stretch of tokens names: a person first, then an organisation or country."""
    found = [owner[k] for k in span if k in owner]
    for wanted in ("PER", "ORG", "GPE"):
        for group in found:
            if group.kind_type == wanted:
                return group
    return None


def _subject_before(analysis: Analysis, owner: dict[int, Group], verb: int) -> Group | None:
    """A parse that hangs the subject elsewhere (`, "Хамас" признал`, `С учетом Горбунова
    Минобороны РФ официально признало`): the actor named right before the verb, not in a
    prepositional phrase."""
    tokens = analysis.tokens
    k = verb - 1
    while k >= 0 and (tokens[k].pos in {"ADV", "PART"} or tokens[k].text in QUOTE_MARKS):
        k -= 1
    group = owner.get(k) if k >= 0 and tokens[k].sent == tokens[verb].sent else None
    if group is None or group.kind_type not in _ACTOR_TYPES:
        return None
    while k > 0 and (owner.get(k - 1) is group or tokens[k - 1].text in QUOTE_MARKS):
        k -= 1
    if k > 0 and tokens[k - 1].pos == "ADP":
        return None
    return group


def _dropped_subject(analysis: Analysis, owner: dict[int, Group], verb: int) -> Group | None:
    """`Он провёл в тюрьме месяц. Однако считает …`: a third-person verb that opens its
    sentence without a subject goes on about the previous sentence's subject."""
    tokens = analysis.tokens
    tok = tokens[verb]
    sentence = analysis.sentence_of(verb)
    if not _finite(tok) or tok.rel != "root" or tok.feats.get("Person") in {"1", "2"}:
        return None
    if any(j < verb and tokens[j].pos not in {"ADV", "CCONJ", "PART", "PUNCT"} for j in sentence):
        return None
    first = sentence[0]
    if first == 0 or tokens[first - 1].sent != tok.sent - 1:
        return None
    previous = analysis.sentence_of(first - 1)
    root = next((j for j in previous if tokens[j].rel == "root" and _finite(tokens[j])), None)
    if root is not None:
        subject = analysis.child(root, *_SUBJECT_RELS)
        group = _subject_group(analysis, owner, subject) if subject is not None else None
        if group is None:
            # `…, и их возвращение Бергхолдс не оспаривает`, the subject parsed as a genitive
            group = _subject_before(analysis, owner, root)
        if group is not None and group.kind_type == "PER":
            return group
    # The last person that was a subject there.
    for j in reversed(previous):
        # A nominative name the parser hung elsewhere counts too.
        named = tokens[j].pos == "PROPN" and tokens[j].feats.get("Case") == "Nom"
        if tokens[j].rel not in _SUBJECT_RELS and not named:
            continue
        group = _subject_group(analysis, owner, _antecedent_of_relative(analysis, j))
        if group is not None and group.kind_type == "PER":
            number = tok.feats.get("Number")
            return group if number in {None, tokens[j].feats.get("Number", number)} else None
    return None


def _subject_group(analysis: Analysis, owner: dict[int, Group], head: int) -> Group | None:
    """The actor a subject phrase names, from its head outwards.

    `адвокат Немцова Вадим Прохоров` is Прохоров, and `сын Анны Валентынович` is not Анна: a
    person in the genitive of a person noun is whose lawyer or son this is. An organisation
    there still speaks (`представитель МИД`).
    """
    own = owner.get(head)
    if own is not None and own.kind_type in _ACTOR_TYPES:
        return own
    tokens, children = analysis.tokens, analysis.children
    for child in children[head]:
        if tokens[child].rel in {"appos", "flat:name"}:
            group = _group_in(analysis, owner, analysis.subtree(child))
            if group is not None:
                return group
    # A relative clause or participle tells about the subject; what it names is not it.
    aside = {
        k
        for child in children[head]
        if tokens[child].rel in {"acl", "acl:relcl", "parataxis"}
        for k in analysis.subtree(child)
    }
    span = [k for k in analysis.subtree(head) if k not in aside]
    if tokens[head].pos == "NOUN" and (lemma(tokens[head].text),) in load_roles():
        owners = set()
        for child in children[head]:
            tree = analysis.subtree(child)
            if tokens[child].rel == "nmod" and any(
                k in owner and owner[k].kind_type == "PER" for k in tree
            ):
                owners.update(tree)
        span = [k for k in span if k not in owners]
    return _group_in(analysis, owner, span)


def _that_after(analysis: Analysis, lemmas: list[str], k: int) -> int | None:
    """The `что` that opens a cue's content clause: after a comma, no other verb between."""
    tokens = analysis.tokens
    sentence = analysis.sentence_of(k)
    for j in range(k + 1, min(k + 12, sentence[-1] + 1)):
        if lemmas[j] in {"что", "чтобы", "будто"} and tokens[j - 1].text == ",":
            if j >= 3 and lemmas[j - 2] == "тот" and lemmas[j - 3] in _PURPOSE:
                return None  # `требует выдачи для того, чтобы судить`: a purpose
            return j
        if tokens[j].pos == "VERB" and tokens[j].feats.get("VerbForm") in {"Fin", "Conv"}:
            return None  # the clause is another verb's (`считает …, отмечая, что …`)
        if tokens[j].text in {".", ";", ":"}:
            return None
    return None


_WH = frozenset({"как", "где", "когда", "почему", "зачем", "сколько", "какой", "кто", "что", "ли"})


def _wh_after(analysis: Analysis, lemmas: list[str], k: int) -> int | None:
    """The first word of an indirect question after its cue: `, как …` or `, есть ли …`."""
    tokens = analysis.tokens
    j = k + 1
    if j + 2 >= len(tokens) or tokens[j].text != ",":
        return None
    return j + 1 if lemmas[j + 1] in _WH or lemmas[j + 2] == "ли" else None


def _sentence_end(analysis: Analysis, k: int, cues: dict[int, Cue] | None = None) -> int:
    """Last token of the content that runs from k: the sentence, or up to a `;`, or up to
    an attribution that closes it (`…, — сказал он`, `…, сообщает «Интерфакс»`)."""
    tokens = analysis.tokens
    sentence = analysis.sentence_of(k)
    end = sentence[-1]
    for j in range(k + 1, sentence[-1] + 1):
        if tokens[j].text == ";" or "\n" in analysis.text[tokens[j - 1].end : tokens[j].start]:
            return j - 1
        if tokens[j].text == "," and j + 1 <= end:
            if tokens[j + 1].text in _DASH:
                return j - 1
            after = analysis.child(j + 1, *_SUBJECT_RELS)
            if cues is not None and j + 1 in cues and after is not None and after > j + 1:
                return j - 1
            # `…, Медведев ответил, что …`: a new speaker takes the floor.
            for verb in (j + 2, j + 3):
                if cues is not None and verb <= end and verb in cues:
                    subject = analysis.child(verb, *_SUBJECT_RELS)
                    if subject is not None and j < subject < verb:
                        return j - 1
    return end


def _phrase_end(analysis: Analysis, k: int, cues: dict[int, Cue]) -> int:
    """End of a complement that runs from k: it goes on through commas of lists and
    participles (`деньги, потраченные государством`) and stops where a new clause starts
    (`, а …`, `, но …`, a finite verb, an attribution)."""
    tokens = analysis.tokens
    end = _sentence_end(analysis, k, cues)
    for j in range(k + 1, end + 1):
        if tokens[j].pos == "CCONJ" and j + 1 <= end and _finite(tokens[j + 1]):
            return j - 1  # `подтвердили гибель … и дали понять, что …`: a second predicate
        if tokens[j].text != "," or j + 1 > end:
            continue
        nxt = tokens[j + 1]
        finite = nxt.pos in {"VERB", "AUX"} and nxt.feats.get("VerbForm") == "Fin"
        # `…, тем самым нарушив перемирие`: a gerund adds the narrator's comment.
        gerund = any(
            tokens[g].feats.get("VerbForm") == "Conv" for g in range(j + 1, min(j + 4, end + 1))
        )
        if nxt.pos == "CCONJ" or finite or gerund or nxt.text in _DASH:
            return j - 1
    return end


def _citation(analysis: Analysis, verb: int) -> int | None:
    """The head of X in `со ссылкой на X` under a cue verb: the source an outlet relays."""
    for child in analysis.children[verb]:
        if lemma(analysis.tokens[child].text) == "ссылка":
            return analysis.child(child, "nmod", "obl")
    return None


def _finite(tok: Token) -> bool:
    return tok.pos in {"VERB", "AUX"} and tok.feats.get("VerbForm") == "Fin"


def _clause_end(analysis: Analysis, k: int) -> int:
    tokens = analysis.tokens
    sentence = analysis.sentence_of(k)
    for j in range(k + 1, sentence[-1] + 1):
        if tokens[j].text in {".", ";", "!", "?"}:
            return j - 1
    return sentence[-1]


def _np_end(analysis: Analysis, k: int, limit: int) -> int:
    """End of the phrase after a preposition: up to a comma, a finite verb or `и` + verb."""
    tokens = analysis.tokens
    j = k
    while j + 1 <= limit:
        nxt = tokens[j + 1]
        if nxt.text in {",", ".", ";", ":", "—", "–"}:
            break
        if nxt.pos in {"VERB", "AUX"} and nxt.feats.get("VerbForm") != "Inf":
            break
        if nxt.pos == "CCONJ" and j + 2 <= limit and tokens[j + 2].pos == "VERB":
            break
        j += 1
    return j


def _span(analysis: Analysis, first: int, last: int) -> tuple[int, int] | None:
    tokens = analysis.tokens
    while last >= first and (tokens[last].pos == "PUNCT" and tokens[last].text not in '»")'):
        last -= 1
    while first <= last and tokens[first].text in {",", "—", "–", "-", ":"}:
        first += 1
    if last < first:
        return None
    words = sum(1 for j in range(first, last + 1) if tokens[j].text[:1].isalnum())
    if words < _MIN_WORDS:
        return None
    start, end = tokens[first].start, tokens[last].end
    # Keep quotes balanced: a closing mark only with its opening one.
    text = analysis.text[start:end]
    if text.count('"') % 2 == 1 and text.endswith('"'):
        end -= 1
    if text.count('"') % 2 == 1 and text.startswith('"'):
        start += 1
    return start, end


def _sent(analysis: Analysis, offset: int) -> int:
    k = analysis.token_at(offset)
    return analysis.tokens[k].sent if k is not None else -1


def _opens_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].strip()
    return not before or before[-1] in ".!?…:\n" or before[-1] in _DASH


def _near(analysis: Analysis, end: int, start: int) -> bool:
    a, b = _sent(analysis, max(0, end - 1)), _sent(analysis, start)
    return a >= 0 and b >= 0 and b - a <= 2


def _is_post(q: QuoteDraft, quotes: list[QuoteDraft]) -> bool:
    return any(
        other is not q and q.start <= other.start and other.end <= q.end + 1 for other in quotes
    )


def _covers_half(a0: int, a1: int, b0: int, b1: int) -> bool:
    overlap = min(a1, b1) - max(a0, b0)
    return overlap > 0 and overlap >= 0.5 * (a1 - a0)


def _first_person(analysis: Analysis, quotes: list[QuoteDraft]) -> None:
    """`Я` inside a speaker's own words is that speaker."""
    for q in quotes:
        if q.kind != "direct" or q.speaker is None:
            continue
        for k in analysis.token_range(q.start, q.end):
            tok = analysis.tokens[k]
            if tok.text.lower() in _FIRST_PERSON:
                q.speaker.members.append(Candidate(tok.start, tok.end, "PER", "pronoun"))
