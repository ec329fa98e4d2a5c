"""Properties of `Pipeline` on any input: it never raises, every span indexes the text, and
every speaker and actor is an entity of the same record."""

from __future__ import annotations

import json
from itertools import islice

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svodka.pipeline import Pipeline
from svodka.records import Article
from tests.conftest import SAMPLE, SHARED

CORPUS = SHARED / "corpus" / "newsru-rucoco.jsonl"


def _real_texts() -> list[str]:
    texts = [SAMPLE.read_text("utf-8")]
    if CORPUS.exists():
        with CORPUS.open(encoding="utf-8") as f:
            texts += [json.loads(line)["text"][:3000] for line in islice(f, 5)]
    return texts


def check_record(article: Article) -> None:
    for start, end, text in article.spans():
        assert 0 <= start <= end <= len(article.text)
        assert article.text[start:end] == text
    ids = {e.id for e in article.entities}
    assert len(ids) == len(article.entities)
    for quote in article.quotes:
        assert quote.speaker is None or quote.speaker in ids
    for event in article.events:
        assert set(event.source) <= ids and set(event.target) <= ids
        assert event.location is None or event.location in ids
    assert Article.from_dict(json.loads(article.to_json())) == article


SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(st.text(max_size=400))
def test_any_unicode(nlp: Pipeline, text: str) -> None:
    check_record(nlp(text))


@SETTINGS
@given(
    st.sampled_from(_real_texts()),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.text(max_size=12)), max_size=6),
)
def test_real_articles_with_random_edits(
    nlp: Pipeline, text: str, edits: list[tuple[float, int, str]]
) -> None:
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut :]
    check_record(nlp(text, published="2025-09-03"))
