"""Bad inputs as a user's folder holds them, written as real files: empty, blank, binary, too
large, legacy encodings, broken HTML, a truncated WARC, malformed JSON Lines, a `.gz` that is not
gzip, articles in other languages. `svodka ingest` over all of them beside real articles: every
good one lands, every bad one is in `errors` with a reason a person can act on, exit code 1,
no traceback."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from svodka.ingest.language import detect_language
from svodka.ingest.sources import read_inputs
from svodka.pipeline import content_id
from tests.conftest import SAMPLE
from tests.test_ingest import CORPUS, html_page, run, warc_bytes

MB = 1_000_000
FOREIGN = {
    "en": "Russian President Vladimir Putin met North Korean leader Kim Jong Un in Beijing on "
    'Wednesday. "We will never forget the heroism of your soldiers," Putin told him, according '
    "to the Kremlin. The talks lasted a little over two and a half hours and ended with an "
    "invitation to visit Moscow, which Kim accepted.",
    "de": "Der russische Präsident Wladimir Putin hat sich am Mittwoch in Peking mit dem "
    'nordkoreanischen Machthaber Kim Jong Un getroffen. "Wir werden das nie vergessen", sagte '
    "Putin laut dem Kreml. Das Gespräch dauerte etwas mehr als zweieinhalb Stunden, und Kim "
    "wurde zu einem Besuch in Moskau eingeladen.",
    "zh": "俄罗斯总统普京周三在北京会见了朝鲜领导人金正恩。普京说：“我们永远不会忘记你们士兵的"
    "英雄主义。”据克里姆林宫消息，会谈持续了两个半小时以上，普京邀请金正恩访问莫斯科。",
}


def real_articles(n: int) -> list[dict]:
    """The first `n` short articles of the shared corpus that KOI8-R can encode (read at run
    time, never copied in: the corpus is CC BY-NC)."""
    if not CORPUS.is_file():
        pytest.skip(f"needs the shared corpus at {CORPUS}")
    found = []
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            try:
                article["text"].encode("koi8_r")
            except UnicodeEncodeError:
                continue
            if 300 < len(article["text"]) < 1500:
                found.append(article)
            if len(found) == n:
                return found
    pytest.skip("the shared corpus has too few short articles")


def ten_megabytes(texts: list[str]) -> bytes:
    """10.0 MB of real Russian text, cut on a character boundary."""
    para = "\n\n".join(texts)
    data = (para * (10 * MB // len(para.encode("utf-8")) + 1)).encode("utf-8")[: 10 * MB]
    return data.decode("utf-8", "ignore").encode("utf-8")


class Folder:
    """The bad inputs and the good articles, and what ingest must make of each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        arts = real_articles(12)
        self.texts: dict[str, str] = {}  # file name → the text it must land with
        self.ids: dict[str, str] = {}  # file name (or JSONL id) → the article id

        def text_file(name: str, text: str, encoding: str = "utf-8") -> None:
            (root / name).write_bytes(text.encode(encoding))
            self.texts[name] = text
            self.ids[name] = content_id(text)

        for i in range(4):
            text_file(f"real-{i}.txt", arts[i]["text"])
        text_file("cp1251.txt", arts[4]["text"], "cp1251")
        text_file("koi8-r.txt", arts[5]["text"], "koi8_r")
        text_file("utf-16.txt", arts[6]["text"], "utf-16")
        for lang, text in FOREIGN.items():
            text_file(f"{lang}.txt", text)

        # Broken but readable HTML lands; HTML with no text at all is an error.
        head, body = arts[7]["text"].split("\n", 1)
        self.broken_html_sentence = body.strip().split("\n")[0][:60]
        (root / "broken.html").write_text(
            f"<html><head><title>{head}</title><body><div><article><h1>{head}</h2><p>"
            + "<p>".join(p for p in body.split("\n") if p.strip())
            + "</span></div></tabl",
            "utf-8",
        )
        (root / "no-text.html").write_text(
            "<html><head><title></title></head><body><script>var a = 1;</script></body></html>",
            "utf-8",
        )

        # JSON Lines: two good articles among malformed lines; the last line is cut short.
        good = [
            json.dumps({"id": "jsonl-good-1", "text": arts[8]["text"]}, ensure_ascii=False),
            json.dumps({"id": "jsonl-good-2", "text": arts[9]["text"]}, ensure_ascii=False),
        ]
        lines = [
            good[0],
            "{not json",
            "[1, 2]",
            '{"id": "no-text"}',
            '{"id": "number", "text": 5}',
            good[1],
            '{"id": "cut", "text": "Путин прибыл в',
        ]
        (root / "lines.jsonl").write_text("\n".join(lines), "utf-8")
        self.ids["jsonl-good-1"], self.ids["jsonl-good-2"] = "jsonl-good-1", "jsonl-good-2"

        # A crawl whose last record was cut short: the first page lands.
        pages = [
            ("https://www.newsru.com/a.html", "text/html; charset=utf-8", html_page(arts[10])),
            ("https://www.newsru.com/b.html", "text/html; charset=utf-8", html_page(arts[11])),
        ]
        warc = warc_bytes(pages)
        (root / "crawl.warc.gz").write_bytes(warc[: len(warc) - 300])

        (root / "empty.txt").write_bytes(b"")
        (root / "blank.txt").write_bytes(b"  \n\t \r\n   \n")
        (root / "binary.bin").write_bytes(bytes(range(256)) * 16)
        big = ten_megabytes([a["text"] for a in arts])
        (root / "huge.txt").write_bytes(big)
        (root / "huge.txt.gz").write_bytes(gzip.compress(big))
        (root / "not-gzip.jsonl.gz").write_text(good[0] + "\n", "utf-8")

    def errors(self) -> dict[str, str]:
        """Input (relative to the folder) → a regular expression its reason must match."""
        too_large = re.escape("too large: 10.0 MB > limit 1 MB (--max-size)")
        return {
            "empty.txt": "empty input",
            "blank.txt": "empty input",
            "binary.bin": re.escape("binary file, not text"),
            "huge.txt": too_large,
            "huge.txt.gz": too_large,
            "not-gzip.jsonl.gz": re.escape("not a gzip file (no gzip header)"),
            "no-text.html": "HTML page has no article text",
            "lines.jsonl:2": re.escape(
                "malformed JSON (Expecting property name enclosed in double quotes, column 2)"
            ),
            "lines.jsonl:3": "expected a JSON object, got list",
            "lines.jsonl:4": re.escape("article has no 'text' or 'html'"),
            "lines.jsonl:5": re.escape("field 'text' must be a string"),
            "lines.jsonl:7": re.escape(
                "malformed JSON (Unterminated string starting at, column 23)"
            ),
            "crawl.warc.gz <https://www.newsru.com/b.html>": (
                r"truncated WARC record \(\d+ bytes missing at the end\)"
            ),
        }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    return Folder(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def ingested(
    folder: Folder, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str], float]:
    db = tmp_path_factory.mktemp("store") / "svodka.duckdb"
    started = time.monotonic()
    result = run("ingest", str(folder.root), "--db", str(db), "--workers", "2", "--no-progress")
    return db, result, time.monotonic() - started


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_good_article_lands(
    folder: Folder, ingested: tuple[Path, subprocess.CompletedProcess[str], float]
) -> None:
    db, result, _ = ingested
    stored = {i: (path, url, lang, text) for i, path, url, lang, text in rows(db, "SELECT id, path, url, language, text FROM articles")}  # fmt: skip
    expected = set(folder.ids.values())
    by_url = {url: i for i, (_, url, _, _) in stored.items() if url}
    by_path = {Path(p).name: i for i, (p, url, _, _) in stored.items() if p and not url}
    assert expected <= set(stored)
    # Besides those: the broken HTML page and the WARC's whole first page, nothing else.
    assert set(stored) - expected == {
        by_path["broken.html"],
        by_url["https://www.newsru.com/a.html"],
    }
    assert f"landed {len(stored)}, skipped 0 (already stored), failed 13" in result.stderr
    for name, text in folder.texts.items():  # cp1251, KOI8-R and UTF-16 decoded right
        assert stored[folder.ids[name]][3] == text, name
    assert folder.broken_html_sentence in stored[by_path["broken.html"]][3]


def test_every_bad_input_is_recorded_with_its_reason(
    folder: Folder, ingested: tuple[Path, subprocess.CompletedProcess[str], float]
) -> None:
    db, result, seconds = ingested
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    prefix = f"{folder.root}/"
    recorded = {i.removeprefix(prefix): r for i, r in rows(db, "SELECT input, reason FROM errors")}
    expected = folder.errors()
    assert set(recorded) == set(expected)
    for where, reason in recorded.items():
        assert re.fullmatch(expected[where], reason), (where, reason)
        assert f"svodka: error: {prefix}{where}: {reason}\n" in result.stderr
    assert seconds < 240  # the 10 MB inputs cost nothing: refused before analysis


def test_language_is_flagged_not_refused(
    folder: Folder, ingested: tuple[Path, subprocess.CompletedProcess[str], float]
) -> None:
    db, _, _ = ingested
    languages = dict(rows(db, "SELECT id, language FROM articles"))
    for lang in FOREIGN:
        assert languages[folder.ids[f"{lang}.txt"]] == lang
    others = {v for k, v in languages.items() if k not in {folder.ids[f"{x}.txt"] for x in FOREIGN}}
    assert others == {"ru"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        *((t, lang) for lang, t in FOREIGN.items()),
        (SAMPLE.read_text("utf-8"), "ru"),
        (
            "Le président russe Vladimir Poutine a rencontré mercredi à Pékin le dirigeant nord-coréen.",
            "fr",
        ),
        ("ロシアのプーチン大統領は水曜日、北京で北朝鮮の金正恩総書記と会談した。", "ja"),
        ("Президент України Володимир Зеленський заявив, що Київ готовий до переговорів.", "uk"),
        # Russian with a long English quotation is still Russian.
        (
            "Путин заявил журналистам: «We will never forget it», — и добавил, что визит состоится.",
            "ru",
        ),
        ("Kim Jong Un", "und"),  # Latin letters, no telling which language
        ("2025-09-03 17:47 — 12:00", "und"),  # no letters at all
        ("", "und"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_every_real_article_is_russian() -> None:
    """The thresholds in languages.tsv hold on all 3,075 real NEWSru articles."""
    if not CORPUS.is_file():
        pytest.skip(f"needs the shared corpus at {CORPUS}")
    with CORPUS.open(encoding="utf-8") as f:
        found = {detect_language(json.loads(line)["text"]) for line in f}
    assert found == {"ru"}


# --- too large: refused up front, or bounded by the time limit -----------------------------

REFUSE_UNREAD = textwrap.dedent(
    """
    import resource, sys
    from svodka.ingest.sources import read_inputs
    limit = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # reading it whole would fail
    (item,) = read_inputs([sys.argv[1]])
    print(item)
    """
)


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "dump.txt"
    with huge.open("wb") as f:
        f.truncate(4 * 1024**3)  # 4.3 GB, sparse: no disk, but memory if it were read
    result = subprocess.run(
        [sys.executable, "-c", REFUSE_UNREAD, str(huge)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{huge}: too large: 4295.0 MB > limit 1 MB (--max-size)\n"


def test_max_size_is_configurable(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Путин прибыл в Пекин.\n" * 30_000, "utf-8")  # 1.2 MB
    (refused,) = read_inputs([str(text)])
    assert str(refused) == f"{text}: too large: 1.2 MB > limit 1 MB (--max-size)"
    (doc,) = read_inputs([str(text)], max_size=2)
    assert doc.text is not None and doc.text.startswith("Путин")
    (doc,) = read_inputs([str(text)], max_size=None)
    assert doc.text is not None
    lines = tmp_path / "a.jsonl"  # in a container, each document is measured
    lines.write_text(
        json.dumps({"id": "small", "text": "Путин прибыл в Пекин."}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "big", "text": "Путин прибыл в Пекин. " * 50_000}, ensure_ascii=False)
        + "\n",
        "utf-8",
    )
    small, big = read_inputs([str(lines)], max_size=1.5)
    assert small.id == "small"
    assert str(big) == f"{lines} [big]: too large: 1.9 MB > limit 1.5 MB (--max-size)"


def test_a_huge_article_let_in_is_stopped_by_the_time_limit(folder: Folder, tmp_path: Path) -> None:
    """With the size limit raised, a 10 MB article costs its CPU-time limit and no more."""
    started = time.monotonic()
    result = run(
        "ingest",
        str(folder.root / "huge.txt"),
        "--db",
        str(tmp_path / "huge.duckdb"),
        "--workers",
        "1",
        "--no-progress",
        "--max-size",
        "20",
        "--timeout",
        "2",
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{folder.root}/huge.txt: analysis stopped after 2 s of CPU time" in result.stderr
    assert time.monotonic() - started < 180
