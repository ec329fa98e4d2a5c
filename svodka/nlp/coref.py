"""Who is who: role phrases (`Президент РФ`, `северокорейский коллега`), pronouns and
metonyms (`Москва` for Russia's government) joined to the entities the names made.

Roles link by apposition first (`лидер КНДР Ким Чен Ын`), then by office and country
against what the article said before, then through the bundled table of office holders as of
the article's date. Pronouns take the nearest agreeing person, a subject preferred.
"""

from __future__ import annotations

from dataclasses import dataclass

from svodka.kb import (
    KBEntry,
    KnowledgeBase,
    OfficeTerm,
    Role,
    load_office_terms,
    load_org_nouns,
    load_place_nouns,
    load_roles,
    load_word_list,
)
from svodka.nlp.analysis import Analysis, Token
from svodka.nlp.entities import Candidate, Group, _parts_compatible
from svodka.nlp.morph import lemma
from svodka.quotes.marks import QUOTE_MARKS

# Offices that a generic head noun (`глава`, `лидер`) means when it governs a country.
_HEAD_OF_STATE = frozenset({"head", "head_of_state"})
_MODIFIER_RELS = frozenset({"amod", "det", "nummod"})
_NP_POS = frozenset({"NOUN", "PROPN", "ADJ", "DET", "NUM", "X"})
_PRONOUNS = {"он": "m", "она": "f", "оно": "n"}  # lemma → gender of the antecedent
_SUBJECT_RELS = frozenset({"nsubj", "nsubj:pass"})
_ARGUMENT_RELS = frozenset({"nsubj", "nsubj:pass", "obj", "iobj"})
_PRONOUN_WINDOW = 3  # sentences back that a pronoun may reach
# `свергнутого` lemmatises to the verb.
_FORMER = frozenset(
    {"бывший", "свергнутый", "свергнуть", "прежний", "покойный", "экс", "отставной"}
)


@dataclass(slots=True)
class RolePhrase:
    start: int
    end: int
    first: int  # token indices [first, last]
    last: int
    head: int
    role: Role
    country: str | None
    label: str  # nominative-ish form for the entity's `roles`


class Coreference:
    """Adds role, pronoun and metonym mentions to entity groups; tables loaded once."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.roles = load_roles()
        self.longest_role = max(len(k) for k in self.roles)
        self.terms = load_office_terms()
        # Office holders by the first letters of their surname: a person is compared only
        # with the few holders who could share their name.
        self.terms_by_initial: dict[str, list[OfficeTerm]] = {}
        for term in self.terms:
            for name in (term.name, *term.aliases):
                key = name.split()[-1][:2].lower()
                bucket = self.terms_by_initial.setdefault(key, [])
                if term not in bucket:
                    bucket.append(term)
        self.countries = kb.countries()
        self.org_nouns = load_org_nouns()
        self.place_nouns = load_place_nouns()
        self.stance_nouns = load_word_list("stance_nouns.txt")
        self.attitude_verbs = load_word_list("attitude_verbs.txt")
        self.member_nouns = load_word_list("member_nouns.txt")
        self.relations = frozenset(r.lemmas[0] for r in self.roles.values() if r.kind == "relation")

    def __call__(
        self,
        analysis: Analysis,
        groups: list[Group],
        date: str | None,
        quoted: list[tuple[int, int]] = (),  # type: ignore[assignment]
    ) -> None:
        self._office_holders(groups, date)
        self._metonyms(analysis, groups)
        owner = _token_owner(analysis, groups)
        phrases = self._role_phrases(analysis, owner)
        in_roles = {k for p in phrases for k in range(p.first, p.last + 1)}
        unresolved = [
            phrase
            for phrase in phrases
            if not self._link_role(analysis, groups, owner, phrase, date)
        ]
        # `капитан судна пожаловался …` before `Капитан судна Владимир Войтих`: a role
        # the text explains only later.
        for phrase in unresolved:
            later = [g for g in _people(groups) if phrase.role.lemmas[0] in g.role_heads]
            if len(later) == 1 and phrase.role.kind in {"office", "occupation"}:
                self._attach(later[0], owner, phrase)
        self._org_nouns(analysis, groups)
        self._place_nouns(analysis, groups, in_roles)
        self._pronouns(analysis, groups, quoted)

    # --- known people -------------------------------------------------------

    def _office_holders(self, groups: list[Group], date: str | None) -> None:
        """Country and QID of people the office table knows by name, and the offices they
        hold on the article's date: `Сергей Лавров …, — подчеркнул министр`."""
        for group in groups:
            if group.kind_type != "PER" or group.entry is not None:
                continue
            parts = max((c.parts for c in group.members), key=len, default=())
            if len(parts) < 2:
                continue
            for term in self.terms_by_initial.get(parts[-1][:2].lower(), ()):
                if any(
                    _parts_compatible(parts, tuple(n.split())) for n in (term.name, *term.aliases)
                ):
                    group.qid = group.qid or term.qid
                    group.country = group.country or term.country
                    if date is not None and term.holds_on(date):
                        group.offices.add((term.office, term.country))

    # --- metonyms -----------------------------------------------------------

    def _metonyms(self, analysis: Analysis, groups: list[Group]) -> None:
        """A capital or seat of power acting or acted on stands for its country."""
        by_country = {g.entry.key: g for g in groups if g.entry is not None}
        for group in list(groups):
            entry = group.entry
            if entry is None or not entry.metonym_of or entry.metonym_of not in self.countries:
                continue
            for member in list(group.members):
                if member.kind != "name" or member.fixed:
                    continue
                if not _acts(analysis, member, self.stance_nouns, self.attitude_verbs):
                    continue
                country = self.countries[entry.metonym_of]
                target = by_country.get(country.key)
                if target is None:
                    target = Group()
                    groups.append(target)
                    by_country[country.key] = target
                group.members.remove(member)
                target.members.append(_candidate(member.start, member.end, country, "metonym"))

    # --- roles --------------------------------------------------------------

    def _role_phrases(self, analysis: Analysis, owner: dict[int, Group]) -> list[RolePhrase]:
        tokens = analysis.tokens
        lemmas = [lemma(t.text) for t in tokens]
        out: list[RolePhrase] = []
        i = 0
        while i < len(tokens):
            found = self._role_at(analysis, lemmas, owner, i)
            if found is None:
                i += 1
                continue
            out.append(found)
            i = found.last + 1
        return out

    def _role_at(
        self, analysis: Analysis, lemmas: list[str], owner: dict[int, Group], i: int
    ) -> RolePhrase | None:
        tokens = analysis.tokens
        # `военнослужащего`, `военного`: adjectives used as nouns are roles too.
        nominal = tokens[i].pos in {"NOUN", "PROPN"} or (
            tokens[i].pos == "ADJ" and tokens[i].rel not in _MODIFIER_RELS
        )
        if not nominal or _is_name_token(owner, i):
            return None
        if tokens[i].feats.get("Number") == "Plur":
            return None  # `лидеры России и КНДР` are several people
        if i > 0 and tokens[i - 1].text in '«"„' and tokens[i].text[:1].isupper():
            return None  # a quoted name: the ship `"Капитан Моргун"`
        for size in range(min(self.longest_role, len(tokens) - i), 0, -1):
            key = tuple(lemmas[i : i + size])
            role = self.roles.get(key) or (
                self.roles.get((key[0].removeprefix("экс-"), *key[1:])) if size else None
            )
            if role is None or tokens[i + size - 1].sent != tokens[i].sent:
                continue
            first, last = _extend_left(analysis, i), i + size - 1
            if role.kind in {"office", "occupation"}:
                last = _extend_right(analysis, owner, i, last)
            country = self._phrase_country(analysis, owner, first, last, role)
            label = " ".join(
                [lemmas[k] for k in range(first, i + 1)]
                + [tokens[k].text for k in range(i + 1, last + 1)]
            )
            return RolePhrase(
                tokens[first].start, tokens[last].end, first, last, i, role, country, label
            )
        return None

    def _phrase_country(
        self, analysis: Analysis, owner: dict[int, Group], first: int, last: int, role: Role
    ) -> str | None:
        # `глава ВТБ` heads a bank, not Russia; `глава МИД Великобритании` is a British
        # office all the same, since the role itself names the office. A country the phrase
        # names wins over the one an organisation's name defaults to (`МИД Финляндии`).
        found = [owner[k] for k in range(first, last + 1) if k in owner]
        orgs = [g for g in found if g.kind_type == "ORG"]
        if orgs and role.office in _HEAD_OF_STATE:
            return None  # `Глава Минэкономики РФ` heads a ministry, not Russia
        for group in found:
            if group.kind_type == "GPE":
                return group.nationality
        return orgs[0].nationality if orgs else None

    def _link_role(
        self,
        analysis: Analysis,
        groups: list[Group],
        owner: dict[int, Group],
        phrase: RolePhrase,
        date: str | None,
    ) -> bool:
        person = _apposition(analysis, owner, phrase)
        if person is not None and not self._may_hold(person, phrase, date):
            person = None
        if person is None:
            person = self._resolve_role(analysis, groups, phrase, date)
        if person is None and phrase.role.lemmas[0] in self.member_nouns:
            org = _org_in(owner, phrase)
            before = sorted(
                (g for g in _people(groups) if g.first < phrase.start),
                key=lambda g: _last_before(g, phrase.start),
                reverse=True,
            )
            person = next((g for g in before if any(o is org for o in g.affiliations)), None)
        if person is None:
            return False
        self._attach(person, owner, phrase)
        return True

    def _attach(self, person: Group, owner: dict[int, Group], phrase: RolePhrase) -> None:
        person.members.append(Candidate(phrase.start, phrase.end, "PER", "role"))
        if phrase.role.office:
            person.offices.add((phrase.role.office, phrase.country))
        person.role_heads.add(phrase.role.lemmas[0])
        org = _org_in(owner, phrase)
        if org is not None and not any(o is org for o in person.affiliations):
            person.affiliations.append(org)
        if phrase.role.kind == "office":
            person.roles.append(phrase.label)
        if person.country is None and phrase.country and phrase.role.kind == "office":
            person.country = phrase.country
        for k in range(phrase.first, phrase.last + 1):
            owner.setdefault(k, person)

    def _resolve_role(
        self, analysis: Analysis, groups: list[Group], phrase: RolePhrase, date: str | None
    ) -> Group | None:
        role, country = phrase.role, phrase.country
        before = [g for g in _people(groups) if g.first < phrase.start]
        before.sort(key=lambda g: _last_before(g, phrase.start), reverse=True)
        if role.kind == "relation":
            if country is None:
                return None
            return next((g for g in before if g.nationality == country), None)
        if role.office and country:
            wanted = _HEAD_OF_STATE if role.office in _HEAD_OF_STATE else {role.office}
            for g in before:
                if any(o in wanted and c == country for o, c in g.offices):
                    return g
            former = any(
                lemma(analysis.tokens[k].text) in _FORMER
                or analysis.tokens[k].text.startswith("экс-")
                for k in range(phrase.first, phrase.head + 1)
            )
            if former:
                # `экс-президент Киргизии`: not today's holder, but the last one before, when
                # the article names him.
                term = self._former_holder(role.office, country, date)
                return self._known_holder(groups, term) if term is not None else None
            term = self._holder(role.office, country, date)
            if term is not None:
                return self._holder_group(groups, term)
            return None
        same = next(
            (
                g
                for g in before
                if role.lemmas[0] in g.role_heads
                or any(_same_office(role.office, o) for o, _ in g.offices)
            ),
            None,
        )
        if same is not None or role.kind != "generic":
            return same
        # `Молодой человек утверждает…`: a generic noun takes up the person the previous
        # sentences were about.
        return _recent_subject(analysis, before, phrase, role.gender)

    def _holder(self, office: str, country: str, date: str | None) -> OfficeTerm | None:
        if date is None:
            return None
        wanted = "head_of_state" if office == "head" else office
        return next(
            (
                t
                for t in self.terms
                if t.office == wanted and t.country == country and t.holds_on(date)
            ),
            None,
        )

    def _may_hold(self, person: Group, phrase: RolePhrase, date: str | None) -> bool:
        """Whether the office table lets `person` hold the phrase's office: `сына свергнутого
        президента Киргизии Максима Бакиева` names the son, whom no term of that office names.
        Offices and years the table does not cover are not judged."""
        office, country = phrase.role.office, phrase.country
        if office is None or country is None or date is None:
            return True
        wanted = "head_of_state" if office == "head" else office
        terms = [t for t in self.terms if t.office == wanted and t.country == country]
        if not terms or date < min(t.start for t in terms):
            return True
        parts = max((c.parts for c in person.members), key=len, default=())
        return not parts or any(
            _parts_compatible(parts, tuple(n.split())) for t in terms for n in (t.name, *t.aliases)
        )

    def _former_holder(self, office: str, country: str, date: str | None) -> OfficeTerm | None:
        if date is None:
            return None
        wanted = "head_of_state" if office == "head" else office
        ended = [
            t
            for t in self.terms
            if t.office == wanted and t.country == country and t.end is not None and t.end <= date
        ]
        return max(ended, key=lambda t: t.end or "", default=None)

    def _known_holder(self, groups: list[Group], term: OfficeTerm) -> Group | None:
        names = [tuple(n.split()) for n in (term.name, *term.aliases)]
        for g in _people(groups):
            parts = max((c.parts for c in g.members), key=len, default=())
            if parts and any(_parts_compatible(parts, n) for n in names):
                return g
        return None

    def _holder_group(self, groups: list[Group], term: OfficeTerm) -> Group:
        found = self._known_holder(groups, term)
        if found is not None:
            found.qid = found.qid or term.qid
            return found
        group = Group(name=term.name, type="PER", country=term.country, qid=term.qid)
        groups.append(group)
        return group

    # --- organisations named by a common noun ---------------------------------

    def _org_nouns(self, analysis: Analysis, groups: list[Group]) -> None:
        owner = _token_owner(analysis, groups)
        orgs = [g for g in groups if g.members and g.kind_type == "ORG"]
        if not orgs:
            return
        for tok in analysis.tokens:
            hints = self.org_nouns.get(lemma(tok.text))
            if hints is None or tok.index in owner or tok.pos != "NOUN":
                continue
            if tok.feats.get("Number") == "Plur":
                continue
            best: tuple[int, Group] | None = None
            for group in orgs:
                last = _last_before(group, tok.start)
                if last < 0 or not _named_like(analysis, group, hints):
                    continue
                if best is None or last > best[0]:
                    best = (last, group)
            if best is not None:
                best[1].members.append(Candidate(tok.start, tok.end, "ORG", "role"))

    # --- places named by a common noun ---------------------------------------

    def _place_nouns(self, analysis: Analysis, groups: list[Group], skip: set[int]) -> None:
        owner = _token_owner(analysis, groups)
        for tok in analysis.tokens:
            found = self.place_nouns.get(lemma(tok.text))
            if found is None or tok.index in owner or tok.index in skip or tok.pos != "NOUN":
                continue
            if tok.feats.get("Number") == "Plur" or _has_place_dependent(analysis, owner, tok):
                continue
            type_, rule = found
            target = self._place_for(analysis, groups, tok, type_, rule)
            if target is not None:
                target.members.append(Candidate(tok.start, tok.end, type_, "role"))

    def _place_for(
        self, analysis: Analysis, groups: list[Group], tok: Token, type_: str, rule: str
    ) -> Group | None:
        places = [g for g in groups if g.members and g.kind_type == type_]
        if rule == "capital":
            places = [g for g in places if g.entry is not None and g.entry.metonym_of]
        if rule == "home":
            person = _recent_subject_group(analysis, _people(groups), tok)
            country = person.nationality if person is not None else None
            return next((g for g in places if g.nationality == country and g.entry), None)
        best: tuple[int, Group] | None = None
        for group in places:
            last = _last_before(group, tok.start)
            k = analysis.token_at(last) if last >= 0 else None
            if k is None or tok.sent - analysis.tokens[k].sent > _PRONOUN_WINDOW:
                continue
            if best is None or last > best[0]:
                best = (last, group)
        return best[1] if best else None

    # --- pronouns -----------------------------------------------------------

    def _pronouns(
        self, analysis: Analysis, groups: list[Group], quoted: list[tuple[int, int]]
    ) -> None:
        people = _people(groups)
        # Countries and organisations are `она`/`оно` by the gender of their name's noun
        # (`Киргизия` → её, `правительство` → оно), and never `он` with a person at hand.
        others = [g for g in groups if g.members and g.kind_type in {"GPE", "ORG"}]
        genders = {id(g): _gender(analysis, g) for g in people}
        genders.update({id(g): _noun_gender(analysis, g) for g in others})
        for tok in analysis.tokens:
            if tok.pos not in {"PRON", "DET", "ADJ"} or any(s <= tok.start < e for s, e in quoted):
                continue
            if tok.pos == "ADJ" and lemma(tok.text) != "сам":
                continue
            gender = _PRONOUNS.get(lemma(tok.text))
            if lemma(tok.text) == "сам" and tok.feats.get("Number") != "Plur":
                # Emphatic `сам` names the person in focus, by its own gender.
                gender = {"Masc": "m", "Fem": "f"}.get(tok.feats.get("Gender", ""))
            if gender is None or not _third_person(tok):
                continue
            group = None
            if lemma(tok.text) == "сам" and tok.head is not None:
                # `Сам Курманбек Бакиев нашел убежище`: the name it stands beside.
                group = next((g for g in people if _covers(analysis, g, tok.head)), None)
            if group is None and gender != "n":
                group = _antecedent(analysis, people, genders, tok, gender, False, self.relations)
            if group is None and gender != "m":
                group = _antecedent(analysis, others, genders, tok, gender, strict=True)
            if group is not None:
                kind_type = group.kind_type
                group.members.append(Candidate(tok.start, tok.end, kind_type, "pronoun"))


# --- helpers -----------------------------------------------------------------


def _candidate(start: int, end: int, entry: KBEntry, kind: str) -> Candidate:
    return Candidate(start, end, entry.type, kind, entry, entry.name)


def _people(groups: list[Group]) -> list[Group]:
    return [g for g in groups if g.members and g.kind_type == "PER"]


def _last_before(group: Group, offset: int) -> int:
    return max((c.start for c in group.members if c.start < offset), default=-1)


def _token_owner(analysis: Analysis, groups: list[Group]) -> dict[int, Group]:
    owner: dict[int, Group] = {}
    for group in groups:
        for c in group.members:
            for k in analysis.token_range(c.start, c.end):
                owner.setdefault(k, group)
    return owner


def _is_name_token(owner: dict[int, Group], i: int) -> bool:
    group = owner.get(i)
    return group is not None and group.kind_type in {"PER", "ORG", "FAC", "LOC", "EVT"}


def _extend_left(analysis: Analysis, head: int) -> int:
    """Adjectives before a role noun belong to its phrase (`северокорейским коллегой`)."""
    first = head
    while first > 0:
        prev = analysis.tokens[first - 1]
        if prev.sent != analysis.tokens[head].sent or prev.rel not in _MODIFIER_RELS:
            break
        if prev.head is None or not (first - 1 < prev.head <= head + 3):
            break
        first -= 1
    return first


def _extend_right(analysis: Analysis, owner: dict[int, Group], head: int, last: int) -> int:
    """Genitive dependents after a role noun (`председатель государственных дел КНДР`),
    stopping at the person's own name and at prepositions."""
    sub = set(analysis.subtree(head))
    k = last + 1
    while k < len(analysis.tokens):
        tok = analysis.tokens[k]
        group = owner.get(k)
        # `сопредседателю движения "Солидарность"`: quotation marks around a name in the tail.
        if (
            k not in sub
            or (tok.pos not in _NP_POS and tok.text not in QUOTE_MARKS)
            or (group is not None and group.kind_type == "PER")
        ):
            break
        if analysis.child(k, "case") is not None:
            break
        last = k
        k += 1
    return last


def _apposition(analysis: Analysis, owner: dict[int, Group], phrase: RolePhrase) -> Group | None:
    """`Президент РФ Владимир Путин`, or `Гази Хамад, пресс-секретарь …,` set off by commas."""
    tokens = analysis.tokens
    after = phrase.last + 1
    sub = set(analysis.subtree(phrase.head))
    # `Глава госкомитета по рыболовству Андрей Крайний`: the role's own tail runs up to the name.
    for j in range(after, min(after + 5, len(tokens))):
        group = owner.get(j)
        if group is not None and group.kind_type == "PER":
            if j > after and all(
                k in sub
                and (tokens[k].pos not in {"PUNCT", "VERB"} or tokens[k].text in QUOTE_MARKS)
                for k in range(after, j)
            ):
                phrase.last, phrase.end, after = j - 1, tokens[j - 1].end, j
            break
        # `лидер движения "За права человека" Лев Пономарев`: a quoted name on the way.
        if tokens[j].pos in {"PUNCT", "VERB"} and tokens[j].text not in QUOTE_MARKS:
            break
    same_sentence = after < len(tokens) and tokens[after].sent == tokens[phrase.last].sent
    if same_sentence and _same_case(tokens[phrase.head], tokens[after]):
        group = owner.get(after)
        if group is not None and group.kind_type == "PER" and _named_at(group, tokens[after].start):
            return group
    before = phrase.first - 1
    closed = not same_sentence or tokens[after].text in {",", ")", "—", "–", ".", ";"}
    if before >= 1 and tokens[before].text == "," and closed:
        group = owner.get(before - 1)
        if (
            group is not None
            and group.kind_type == "PER"
            and _named_at(group, tokens[before - 1].start)
        ):
            return group
    return None


def _org_in(owner: dict[int, Group], phrase: RolePhrase) -> Group | None:
    """The organisation a role phrase names (`сопредседатель движения "Солидарность"`)."""
    for k in range(phrase.first, phrase.last + 1):
        group = owner.get(k)
        if group is not None and group.kind_type == "ORG":
            return group
    return None


def _same_office(bare: str | None, known: str) -> bool:
    """A bare `министр` is whichever minister was named; `глава государства` the head of state."""
    if bare is None:
        return False
    if bare == known:
        return True
    if bare == "minister":
        return known.endswith("_minister")
    return bare in _HEAD_OF_STATE and known in _HEAD_OF_STATE


def _same_case(role: Token, name: Token) -> bool:
    """`сыну Анны` names two people: an apposition agrees in case with its role."""
    a, b = role.feats.get("Case"), name.feats.get("Case")
    return a is None or b is None or a == b


def _named_at(group: Group, offset: int) -> bool:
    return any(c.kind == "name" and c.start <= offset < c.end for c in group.members)


def _acts(
    analysis: Analysis, member: Candidate, stance: frozenset[str], attitude: frozenset[str]
) -> bool:
    """Whether a place name is an actor here: subject or object (`Москва заявила`), whose
    stance a noun reports (`позиция Москвы`, `связи с Пхеньяном`), or where people speak
    with no subject (`в Кремле пояснили`); not a plain place (`в Москве`, `мэр Москвы`)."""
    span = analysis.token_range(member.start, member.end)
    if not span:
        return False
    root = next(
        (k for k in span if analysis.tokens[k].head is None or analysis.tokens[k].head not in span),
        span[0],
    )
    tok = analysis.tokens[root]
    head = analysis.tokens[tok.head] if tok.head is not None else None
    case = analysis.child(root, "case")
    prep = lemma(analysis.tokens[case].text) if case is not None else None
    if head is not None and lemma(head.text) in stance and tok.rel in {"nmod", "obl"}:
        return prep in {None, "с", "со", "против", "между"}
    if prep == "в" and head is not None and _impersonal(analysis, head, attitude):
        return True
    if case is not None:
        return False
    prev = analysis.tokens[span[0] - 1] if span[0] > 0 else None
    if prev is not None and prev.pos == "ADP":
        return False
    return tok.rel in _ARGUMENT_RELS or (tok.rel == "obl" and tok.feats.get("Case") == "Dat")


def _impersonal(analysis: Analysis, verb: Token, attitude: frozenset[str]) -> bool:
    """`заявили`, `относятся`: a plural verb with no subject, its speakers left unnamed."""
    return (
        lemma(verb.text) in attitude
        and verb.pos == "VERB"
        and verb.feats.get("Number") == "Plur"
        and verb.feats.get("VerbForm") == "Fin"
        and analysis.child(verb.index, "nsubj", "nsubj:pass") is None
    )


def _gender(analysis: Analysis, group: Group) -> str | None:
    votes = {"Masc": 0, "Fem": 0}
    for c in group.members:
        if c.kind != "name":
            continue
        span = analysis.token_range(c.start, c.end)
        # A first name tells the gender; a lone surname's case forms are ambiguous
        # (`Горбунову` is his dative and her accusative).
        weight = 2 if len(span) > 1 else 1
        g = analysis.tokens[span[0]].feats.get("Gender") if span else None
        if g in votes:
            votes[g] += weight
    if votes["Masc"] == votes["Fem"]:
        return None
    return "m" if votes["Masc"] > votes["Fem"] else "f"


def _named_like(analysis: Analysis, group: Group, hints: tuple[str, ...]) -> bool:
    words = {
        lemma(analysis.tokens[k].text)
        for c in group.members
        if c.kind == "name"
        for k in analysis.token_range(c.start, c.end)
    }
    if group.entry is not None:
        words.update(w.lower() for w in group.entry.name.split())
    return any(w.startswith(h) for w in words for h in hints)


def _recent_subject(
    analysis: Analysis, before: list[Group], phrase: RolePhrase, gender: str | None
) -> Group | None:
    sent = analysis.tokens[phrase.head].sent
    best: tuple[int, Group] | None = None
    for group in before:
        if gender and _gender(analysis, group) not in (None, gender):
            continue
        for c in group.members:
            span = analysis.token_range(c.start, c.end)
            if not span or c.start >= phrase.start:
                continue
            tok = analysis.tokens[span[-1]]
            if sent - tok.sent > 2 or not any(
                analysis.tokens[k].rel in _SUBJECT_RELS for k in span
            ):
                continue
            if best is None or c.start > best[0]:
                best = (c.start, group)
    return best[1] if best else None


def _has_place_dependent(analysis: Analysis, owner: dict[int, Group], tok: Token) -> bool:
    """`столица Украины`, `российская столица`: a place noun that says whose it is."""
    return any(
        (g := owner.get(c)) is not None and g.kind_type in {"GPE", "LOC"}
        for c in analysis.children[tok.index]
    )


def _recent_subject_group(analysis: Analysis, people: list[Group], tok: Token) -> Group | None:
    best: tuple[int, Group] | None = None
    for group in people:
        for c in group.members:
            span = analysis.token_range(c.start, c.end)
            if not span or c.start >= tok.start or tok.sent - analysis.tokens[span[-1]].sent > 3:
                continue
            if any(analysis.tokens[k].rel in _SUBJECT_RELS for k in span) and (
                best is None or c.start > best[0]
            ):
                best = (c.start, group)
    return best[1] if best else None


def _noun_gender(analysis: Analysis, group: Group) -> str | None:
    """Grammatical gender of the head noun of a name (`служба` f, `правительство` n)."""
    for c in group.members:
        if c.kind != "name":
            continue
        for k in analysis.token_range(c.start, c.end):
            tok = analysis.tokens[k]
            if tok.pos in {"NOUN", "PROPN"} and tok.feats.get("Number") != "Plur":
                found = tok.feats.get("Gender")
                return {"Masc": "m", "Fem": "f", "Neut": "n"}.get(found or "")
    return None


def _third_person(tok: Token) -> bool:
    return tok.feats.get("Person", "3") == "3" and tok.feats.get("Number", "Sing") == "Sing"


def _antecedent(
    analysis: Analysis,
    people: list[Group],
    genders: dict[int, str | None],
    pronoun: Token,
    gender: str,
    strict: bool = False,
    relations: frozenset[str] = frozenset(),
) -> Group | None:
    """The nearest person before the pronoun who agrees in gender; a subject wins ties of
    sentence, and the subject of the pronoun's own verb is not its antecedent."""
    own_subject = _clause_subject(analysis, pronoun)
    best: tuple[int, int, int] | None = None
    chosen: Group | None = None
    for group in people:
        if genders[id(group)] != gender and (strict or genders[id(group)] is not None):
            continue
        for c in group.members:
            if c.start >= pronoun.start or (c.kind == "pronoun" and c.start == pronoun.start):
                continue
            span = analysis.token_range(c.start, c.end)
            if not span or _possessor_of_other(analysis, people, group, span, relations):
                continue
            tok = analysis.tokens[span[-1]]
            distance = pronoun.sent - tok.sent
            if distance > _PRONOUN_WINDOW or (own_subject is not None and own_subject in span):
                continue
            subject = any(analysis.tokens[k].rel in _SUBJECT_RELS for k in span)
            score = (-distance, int(subject), c.start)
            if best is None or score > best:
                best, chosen = score, group
    return chosen


def _covers(analysis: Analysis, group: Group, k: int) -> bool:
    tok = analysis.tokens[k]
    return any(c.start <= tok.start < c.end for c in group.members)


def _possessor_of_other(
    analysis: Analysis,
    people: list[Group],
    group: Group,
    span: list[int],
    relations: frozenset[str],
) -> bool:
    """`сыну экс-президента Киргизии … по его запросу`: a person named only as whose son
    someone is stays in the background; `его` is the son."""
    tok = analysis.tokens[span[0]]
    head = tok.head
    if tok.rel != "nmod" or head is None or head in span:
        return False
    if lemma(analysis.tokens[head].text) in relations:
        return True
    return any(g is not group and _covers(analysis, g, head) for g in people)


def _clause_subject(analysis: Analysis, tok: Token) -> int | None:
    if tok.rel in _SUBJECT_RELS or tok.head is None:
        return None
    return analysis.child(tok.head, "nsubj", "nsubj:pass")
