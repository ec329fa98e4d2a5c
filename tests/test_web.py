"""The web UI in Debian's Chromium (Playwright, sync API) against `svodka serve` on loopback.

Screenshots of the main pages land in `test-artifacts/web/`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from svodka.pipeline import content_id
from svodka.records import Article, Entity, Event, Mention, Quote, Range, Span
from svodka.web.charts import stacked_months
from svodka.web.markup import mark_up
from tests.conftest import ROOT, SAMPLE
from tests.live import Live

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "test-artifacts" / "web"
SEED_ID = content_id(SAMPLE.read_text("utf-8"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live: Live) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    # Nothing may leave the machine: every request goes to the server under test.
    page.on(
        "request",
        lambda r: None if r.url.startswith(live.url) else problems.append(f"external: {r.url}"),
    )
    yield page
    context.close()
    assert not problems, problems


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_index_lists_articles(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    rows = page.locator("table.articles tbody tr")
    assert rows.count() == 6
    assert page.get_by_role("link", name="Путин встретился с Ким Чен Ыном в Пекине").count() == 1
    shot(page, "index")


def test_article_page_marks_up_the_text(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/articles/{SEED_ID}")
    text = page.locator("#article-text")
    # The text shown is the record's text (chips are labels beside it, not part of it).
    shown = page.evaluate(
        """() => { const t = document.getElementById('article-text').cloneNode(true);
                   t.querySelectorAll('.chip').forEach(c => c.remove()); return t.textContent; }"""
    )
    assert shown == SAMPLE.read_text("utf-8")
    putin = text.locator('.ent-PER[data-entity="e1"]')
    assert putin.count() >= 5
    colours = {
        t: page.eval_on_selector(
            f"#article-text .ent-{t}", "e => getComputedStyle(e).borderBottomColor"
        )
        for t in ("PER", "GPE", "LOC")
    }
    assert len(set(colours.values())) == 3, colours
    chips = text.locator(".quote .chip")
    assert chips.count() >= 8
    assert {c.strip() for c in chips.all_inner_texts()} >= {"Владимир Путин", "Ким Чен Ын"}
    # Hover: the resolved entity, whatever form the text used.
    text.locator(".ent.m-role", has_text="Президент РФ").first.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "Владимир Путин" in tip.inner_text()
    assert text.locator(".ent.hl").count() >= 5  # every mention of him lights up
    shot(page, "article")
    # Layer toggles hide quotes' chips.
    page.locator('input[data-layer="quote"]').uncheck()
    assert not chips.first.is_visible()


def test_article_page_shows_event_triggers(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    import httpx

    record = httpx.get(f"{live.url}/api/articles/{SEED_ID}").json()
    if not record["events"]:
        pytest.skip("the pipeline codes no events yet")
    page.goto(f"/articles/{SEED_ID}")
    triggers = page.locator("#article-text mark.trigger")
    # A trigger that crosses a quote's edge is drawn in two pieces: count events, not pieces.
    events = triggers.evaluate_all("els => [...new Set(els.map(e => e.dataset.event))]")
    assert len(events) == len(record["events"])
    first = record["events"][0]["trigger"]["text"]
    assert first in triggers.all_inner_texts()
    triggers.first.hover()
    page.locator("#tip").wait_for(state="visible")


def test_hostile_article_stays_text(page) -> None:  # type: ignore[no-untyped-def]
    for path in (
        "/articles/hostile-xss",
        "/digest?article=hostile-xss",
        "/search?q=" + quote("<script>"),
        "/search?q=" + quote("никогда не забудем"),
        "/",
    ):
        page.goto(path)
        page.mouse.move(300, 300)
        assert page.evaluate("() => window.__pwned") is None, path
        # The only scripts are our own file and inert JSON data.
        scripts = page.eval_on_selector_all(
            "script", "els => els.map(e => e.src ? 'src:' + new URL(e.src).pathname : e.type)"
        )
        assert set(scripts) <= {"src:/static/svodka.js", "application/json"}, (path, scripts)
        assert page.locator("main img, main b, main i, main a[href^='javascript']").count() == 0
        assert page.locator("[onerror], [onmouseover]").count() == 0
    page.goto("/articles/hostile-xss")
    body = page.locator("#article-text").inner_text()
    assert '<script>window.__pwned = "headline"</script>' in body
    assert "<img src=x onerror=" in body
    assert "<script>" in page.locator("h1").inner_text()
    # Hovering the marked-up quote runs nothing either.
    page.locator("#article-text .quote").last.hover()
    assert page.evaluate("() => window.__pwned") is None
    shot(page, "hostile")


def test_actor_page(page, live: Live) -> None:  # type: ignore[no-untyped-def]
    import httpx

    page.goto("/search?q=" + quote("Путин"))
    page.locator(".chips a", has_text="Владимир Путин").first.click()
    page.wait_for_url("**/actors/**")
    assert page.locator("h1").inner_text() == "Владимир Путин"
    assert page.locator(".roles .role", has_text="президент России").count() == 1
    # The chart draws the timeline: a bar per month and kind of item.
    key = page.url.rsplit("/", 1)[1]
    timeline = httpx.get(f"{live.url}/api/entities/{key}").json()["timeline"]
    stacks = {
        (t["date"][:7], t["type"] if t["kind"] == "event" else "quote")
        for t in timeline
        if re.match(r"\d{4}-\d{2}", t["date"] or "")  # a year alone has no month to stand in
    }
    assert page.locator("svg.bars rect.bar").count() == len(stacks) > 0
    quotes = page.locator("ol.quotes > li")
    assert quotes.count() >= 6
    assert "братским долгом" not in page.locator("ol.quotes").inner_text()  # Kim's, not his
    shot(page, "actor")


def test_actor_link_from_an_article(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/articles/{SEED_ID}")
    page.locator(".side .entities a", has_text="Ким Чен Ын").click()
    page.wait_for_url("**/actors/**")
    assert page.locator("h1").inner_text() == "Ким Чен Ын"


def test_events_page_filters(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/events")
    page.select_option("select[name=type]", "CONSULT")
    page.fill("input[name=actor]", "Путин")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/events?**")
    assert "type=CONSULT" in page.url
    types = page.locator("table.events tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.type)"
    )
    assert set(types) <= {"CONSULT"}
    assert page.locator("select[name=type]").input_value() == "CONSULT"
    shot(page, "events")


def test_dyad_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/dyads")
    page.fill("input[name=a]", "Россия")
    page.fill("input[name=b]", "КНДР")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**/dyads?**")
    assert "Россия" in page.locator("h1").inner_text() and "КНДР" in page.locator("h1").inner_text()
    shot(page, "dyads")


def test_digest_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/digest")
    page.fill("input[name=article]", SEED_ID)
    page.get_by_role("button", name="Составить").click()
    page.wait_for_url("**/digest?**")
    titles = page.locator(".digest h3").all_inner_texts()
    assert "Заявления Путина:" in titles and "Заявления Ким Чен Ына:" in titles
    # Each line links to the quote it rests on, in its article.
    ref = page.locator(".digest-statements li .ref-quote").first
    href = ref.get_attribute("href")
    assert href is not None and href.startswith(f"/articles/{SEED_ID}#q")
    shot(page, "digest")
    ref.click()
    page.wait_for_url(f"**/articles/{SEED_ID}#q*")
    anchor = href.split("#", 1)[1]
    assert page.locator(f"#{anchor}.quote").count() == 1


def test_search_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("header .search input", "Ким Чен Ын")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert page.locator(".chips a", has_text="Ким Чен Ын").count() >= 1
    assert page.locator("ul.articles li").count() >= 1
    # What he said is found by his name too.
    assert "братским долгом" in page.locator("ol.quotes").inner_text()
    shot(page, "search")


def test_api_docs_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/docs")
    assert page.locator("section.endpoint").count() >= 9
    assert page.locator("code", has_text="/api/extract").count() >= 1
    shot(page, "docs")


# --- the pieces the pages are made of, without a browser ------------------------------------------


class _Tags(HTMLParser):
    """Checks that HTML nests and collects the text outside speaker chips."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        chip = "chip" in (found.get("class") or "").split()
        self.stack.append((tag, chip or any(c for _, c in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(chip for _, chip in self.stack):
            self.text.append(data)


def _parse(markup: str) -> _Tags:
    tags = _Tags()
    tags.feed(markup)
    tags.close()
    assert not tags.stack
    return tags


def _article(
    text: str,
    mentions: list[tuple[str, str, int]],
    quotes: list[tuple[int, int]],
    triggers: list[tuple[int, int]],
) -> Article:
    entities = tuple(
        Entity(
            f"e{i}", type_, text[s : s + n] or "x", mentions=(Mention(s, s + n, text[s : s + n]),)
        )
        for i, (type_, _, (s, n)) in enumerate(
            ((t, k, (start, len(k))) for t, k, start in mentions), 1
        )
    )
    return Article(
        id="a",
        text=text,
        entities=entities,
        quotes=tuple(Quote("e1", "direct", text[s:e], s, e) for s, e in quotes),
        events=tuple(
            Event(
                "SUPPORT",
                "051",
                None,
                ("e1",),
                (),
                None,
                None,
                None,
                False,
                False,
                Span(s, e, text[s:e]),
                Range(s, e),
            )
            for s, e in triggers
        ),
    )


MARKUP_CASES = [
    # nested: a role mention holding a country mention
    ("Президент РФ сказал.", [("PER", "Президент РФ", 0), ("GPE", "РФ", 10)], [], []),
    # crossing: a quote that ends inside a mention, a trigger that runs past the quote
    (
        "«Мы поможем Москве» — Путин.",
        [("GPE", "Москве", 12), ("PER", "Путин", 22)],
        [(1, 15)],
        [(4, 17)],
    ),
    # hostile text between and inside spans
    (
        '<script>x()</script> "<img src=x onerror=y()>" — Путин',
        [("PER", "Путин", 49)],
        [(22, 45)],
        [(0, 8)],
    ),
]


@pytest.mark.parametrize(("text", "mentions", "quotes", "triggers"), MARKUP_CASES)
def test_mark_up_nests_escapes_and_keeps_the_text(
    text: str,
    mentions: list[tuple[str, str, int]],
    quotes: list[tuple[int, int]],
    triggers: list[tuple[int, int]],
) -> None:
    article = _article(text, mentions, quotes, triggers)
    assert all(text[s:e] == t for s, e, t in article.spans())
    html = str(mark_up(article))
    tags = _parse(html)
    assert "".join(tags.text) == text
    assert len(tags.ids) == len(set(tags.ids)) == len(quotes) + len(triggers)
    assert "<script>" not in html and "<img" not in html


def test_bar_chart_months() -> None:
    chart = stacked_months(
        [("2024-07", "AGREE", 2), ("2024", "AGREE", 5), ("2024-09-03", "CONSULT", 4)]
    )
    assert chart is not None
    assert [t.label for t in chart.ticks] == ["2024-07", "2024-08", "2024-09"]
    assert {(b.month, b.series, b.count) for b in chart.bars} == {
        ("2024-07", "AGREE", 2),
        ("2024-09", "CONSULT", 4),
    }
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.y == pytest.approx(chart.baseline - tallest.height)
    assert stacked_months([("PAST_REF", "AGREE", 1)]) is None
