"""`svodka extract` as a user runs it: real files, real subprocesses, exit codes and stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

SVODKA = [sys.executable, "-m", "svodka.cli"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SVODKA_DEBUG"}
    return subprocess.run(
        [*SVODKA, *args], input=stdin, capture_output=True, timeout=300, env=env, check=False
    )


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "seed.txt").write_bytes(SAMPLE.read_bytes())
    (folder / "cp1251.txt").write_bytes(
        "Глава МИД России Сергей Лавров прибыл в Анкару.\nВизит продлится два дня.".encode("cp1251")
    )
    (folder / "page.html").write_text(
        "<html><head><title>Лавров прибыл в Анкару</title></head><body><article>"
        "<h1>Лавров прибыл в Анкару</h1><p>Министр иностранных дел России Сергей Лавров "
        "прибыл в Анкару для переговоров с турецким коллегой. Визит продлится два дня, "
        "сообщили в российском МИД.</p><p>Стороны обсудят ситуацию в Сирии и "
        "двустороннее сотрудничество в энергетике и туризме.</p></article></body></html>",
        "utf-8",
    )
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    lines = [
        json.dumps({"id": "a1", "text": "Путин встретился с Си Цзиньпином в Москве."}),
        "{not json",
        json.dumps({"id": "a3", "text": "Байден прибыл в Киев.", "published": "2023-02-20"}),
        json.dumps({"id": "a4"}),
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def test_single_input_prints_pretty_json(articles: Path) -> None:
    result = run("extract", str(articles / "seed.txt"))
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert out.startswith("{\n")
    record = json.loads(out)
    assert record["schema"] == "svodka/article@1"
    assert record["text"] == SAMPLE.read_text("utf-8")
    assert record["path"].endswith("seed.txt")


def test_stdin_and_url(articles: Path) -> None:
    result = run("extract", "-", "--url", "https://example.org/a", stdin=SAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    record = json.loads(result.stdout)
    assert record["url"] == "https://example.org/a"
    assert record["headline"].startswith("Путин встретился")


def test_jsonl_keeps_ids_order_and_reports_bad_lines(articles: Path) -> None:
    result = run("extract", str(articles / "batch.jsonl"), "--published", "2020-01-01")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == ["a1", "a3"]
    assert records[0]["published"] == "2020-01-01"
    assert records[1]["published"] == "2023-02-20"
    err = result.stderr.decode()
    assert "batch.jsonl:2: malformed JSON" in err
    assert "batch.jsonl:4: article has no 'text' or 'html'" in err
    assert "Traceback" not in err


def test_several_inputs_print_json_lines_in_order(articles: Path) -> None:
    result = run(
        "extract", str(articles / "cp1251.txt"), str(articles / "page.html"), "--format", "jsonl"
    )
    assert result.returncode == 0, result.stderr.decode()
    first, second = (json.loads(line) for line in result.stdout.decode().splitlines())
    assert first["text"].startswith("Глава МИД России Сергей Лавров")
    assert second["headline"] == "Лавров прибыл в Анкару"
    assert "Сергей Лавров" in second["text"]
    assert any(e["name"] == "Сергей Лавров" for e in first["entities"])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.txt", "no such file"),
        ("binary.bin", "binary file"),
        ("empty.txt", "empty input"),
    ],
)
def test_bad_input_is_one_clear_line(articles: Path, name: str, message: str) -> None:
    result = run("extract", str(articles / name))
    assert result.returncode == 1
    err = result.stderr.decode().strip()
    assert message in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert result.stdout == b""


def test_bad_input_does_not_stop_the_batch(articles: Path) -> None:
    result = run("extract", str(articles / "binary.bin"), str(articles / "cp1251.txt"))
    assert result.returncode == 1
    assert len(result.stdout.decode().splitlines()) == 1
    assert "binary file" in result.stderr.decode()


def test_usage_error_exit_code() -> None:
    result = run("extract")
    assert result.returncode == 2
