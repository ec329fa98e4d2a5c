from __future__ import annotations

from pathlib import Path

import pytest

from svodka.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "svodka" / "sample" / "putin-kim-beijing.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def seed(nlp: Pipeline):
    return nlp(SAMPLE.read_text("utf-8"))
