from __future__ import annotations

from pathlib import Path

import pytest

from svodka.pipeline import Pipeline
from svodka.records import Article

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "svodka" / "sample" / "putin-kim-beijing.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def seed(nlp: Pipeline):
    return nlp(SAMPLE.read_text("utf-8"))


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store built by `svodka ingest`: the seed, real NEWSru articles, a hostile one."""
    from tests.live import build_store

    return build_store(tmp_path_factory.mktemp("store") / "svodka.duckdb")


@pytest.fixture(scope="session")
def live(web_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """`svodka serve` over `web_store` on a free loopback port, with a write token."""
    import secrets

    from tests.live import start_server

    log = tmp_path_factory.mktemp("serve") / "log"
    server = start_server(web_store, secrets.token_hex(16), log)
    yield server
    server.stop()


_analysed: dict[tuple[str, str], Article] = {}


def analyse(nlp: Pipeline, text: str, published: str) -> Article:
    """One Pipeline run per distinct (text, date): table rows often share a text."""
    key = (text, published)
    if key not in _analysed:
        _analysed[key] = nlp(text, published=published)
    return _analysed[key]
