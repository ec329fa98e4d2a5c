"""Properties of `svodka.extract` on any input: it never raises but for a bad input
(`InputError`), every span indexes the text, every speaker and actor is an entity of the same
record, and every closed field holds one of the contract's values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import svodka
from svodka.errors import InputError
from svodka.pipeline import Pipeline
from svodka.records import ENTITY_TYPES, MENTION_KINDS, QUOTE_KINDS, Article
from tests.conftest import SAMPLE, SHARED

CORPUS = SHARED / "corpus" / "newsru-rucoco.jsonl"
PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip


def _real_texts() -> list[str]:
    texts = [SAMPLE.read_text("utf-8")]
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"][:3000] for line in islice(f, 5)]
    return texts


@pytest.fixture(scope="module", autouse=True)
def _shared_pipeline(nlp: Pipeline) -> Iterator[None]:
    """`svodka.extract` on the session's pipeline, not a second one loaded for it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(svodka, "_default_pipeline", lambda: nlp)
        yield


def check_record(article: Article) -> None:
    text = article.text
    for start, end, span in article.spans():
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == span
    ids = {e.id for e in article.entities}
    assert len(ids) == len(article.entities)
    for entity in article.entities:
        assert entity.type in ENTITY_TYPES
        assert all(m.kind in MENTION_KINDS for m in entity.mentions)
    for quote in article.quotes:
        assert quote.kind in QUOTE_KINDS
        assert quote.speaker is None or quote.speaker in ids
    for event in article.events:
        assert event.type in PLOVER
        assert set(event.source) <= ids and set(event.target) <= ids
        assert event.location is None or event.location in ids
        sentence, trigger = event.sentence, event.trigger
        assert 0 <= sentence.start <= trigger.start <= trigger.end <= sentence.end <= len(text)
    dateline = article.dateline
    if dateline is not None and dateline.start is not None and dateline.end is not None:
        assert 0 <= dateline.start <= dateline.end <= len(text)
        # The place is normalised in case only (`НЬЮ-ЙОРК` → `Нью-Йорк`).
        assert (dateline.place or "").lower() == text[dateline.start : dateline.end].lower()
    assert re.fullmatch(r"[a-z]{2}|und", article.language)
    assert Article.from_dict(json.loads(article.to_json())) == article


def extract_or_input_error(text: str, **metadata: str | None) -> Article | None:
    """The record, or None when the input is refused as bad (the one exception allowed)."""
    try:
        return svodka.extract(text, **metadata)
    except InputError:
        return None


SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.text(max_size=400))
def test_any_unicode(text: str) -> None:
    article = extract_or_input_error(text)
    if article is not None:
        check_record(article)
    else:  # only HTML with no article text may be refused
        assert "<" in text


@SETTINGS
@given(
    st.sampled_from(_real_texts()),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.text(max_size=12)), max_size=6),
)
def test_real_articles_with_random_edits(text: str, edits: list[tuple[float, int, str]]) -> None:
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    article = extract_or_input_error(text, published="2025-09-03")
    assert article is not None
    check_record(article)


TAGS = ["<p>", "</p>", "<div>", "</div>", "<b>", "<br/>", "</html>", "<script>", "<!--",
        "<title>", "</title>", "<h1>", "&amp;", "&#0;", "&nbsp;", "<article>", "\x00"]  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(TAGS), st.sampled_from(_real_texts()).map(lambda t: t[:200])),
        max_size=12,
    )
)
def test_any_html(parts: list[str]) -> None:
    """Broken pages: a record, or refused as having no article text; nothing else."""
    html = "<html><body>" + "".join(parts)
    try:
        article = svodka.extract(html)
    except InputError as exc:
        assert str(exc) == "HTML page has no article text"
        return
    check_record(article)


metadata_value = st.one_of(st.none(), st.text(max_size=30))
dates = st.one_of(
    metadata_value,
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2025-02-30", "2025-13-01", "0000-00-00", "9999-12-31T99:99", "-1"]),
)


@settings(max_examples=15, deadline=None)
@given(
    st.sampled_from(_real_texts()),
    st.fixed_dictionaries(
        {"id": metadata_value, "url": metadata_value, "outlet": metadata_value},
        optional={"published": dates, "headline": metadata_value},
    ),
)
def test_any_metadata(text: str, metadata: dict[str, str | None]) -> None:
    """Whatever a feed or a caller says of an article, its record comes out whole."""
    article = svodka.extract(text, **metadata)
    check_record(article)
    assert article.id == (metadata["id"] or article.id)
    assert article.url == metadata["url"]
