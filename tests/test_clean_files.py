"""One raw file in, one article or one reject out: HTML pages, sidecars, identity, bad files."""

from __future__ import annotations

import json
import os

import pytest

from flows.ingest.clean import article_id_for, clean_bytes, clean_file
from flows.ingest.textclean import decode_bytes

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Norway doubles aid to Ukraine - The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2026-03-02T09:30:00Z">
<link rel="canonical" href="https://example.org/world/norway-aid"></head>
<body>
<div id="cookie-consent"><p>We use cookies to personalise content. Accept all cookies or manage your settings.</p></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Norway doubles aid to Ukraine</h1>
<p class="byline">By Kari Nordmann</p>
<p>Norway will double its military aid to Ukraine next year to 85 billion kroner, Prime Minister Jonas Gahr Store said on Monday.</p>
<p>The money will pay for air defence, ammunition and the training of Ukrainian soldiers, the government said in a statement.</p>
<figure><img src="x.jpg"><figcaption>Jonas Gahr Store in Oslo. Photo: NTB/Reuters</figcaption></figure>
<p>Opposition parties in parliament said they would support the proposal when it comes to a vote in June.</p>
<div class="newsletter"><h3>Newsletter</h3><p>Sign up for our morning briefing and get the news in your inbox.</p></div>
</article>
<section class="related"><h2>Related articles</h2><ul><li><a href="/1">Sweden sends jets</a></li><li><a href="/2">Denmark pledges</a></li></ul></section>
<section id="comments"><h2>Comments</h2><div class="comment"><p>Great decision, finally!</p></div></section>
</main>
<footer><p>Copyright 2026 The Daily Example. All rights reserved.</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def page():
    return clean_bytes(PAGE.encode("utf-8"), "norway.html")


def test_html_page_keeps_the_article_paragraphs(page):
    assert page.status == "ok"
    for sentence in ("Norway will double its military aid to Ukraine", "The money will pay for air defence",
                     "Opposition parties in parliament said"):
        assert sentence in page.body


@pytest.mark.parametrize("boilerplate", ["cookies", "Home", "Sign up for our morning briefing", "Sweden sends jets",
                                         "Great decision", "All rights reserved"])
def test_html_page_drops_navigation_widgets_comments_and_footer(page, boilerplate):
    assert boilerplate not in page.body


def test_html_page_yields_its_metadata(page):
    assert page.title.startswith("Norway doubles aid to Ukraine")
    assert page.source_name == "The Daily Example"
    assert page.url == "https://example.org/world/norway-aid"
    assert page.published.startswith("2026-03-02")
    assert page.language == "en"


def test_body_paragraphs_are_separated_by_a_blank_line(page):
    assert "\n\n" in page.body and "\n\n\n" not in page.body


def test_an_html_shell_without_article_is_rejected():
    shell = b"<html><head><script>window.app = {};</script></head><body><div id='root'></div></body></html>"
    result = clean_bytes(shell, "app.html")
    assert result.status == "rejected" and "no article body" in result.reason


def test_the_same_body_has_the_same_article_id_whatever_the_file():
    text = "France will send troops to Ukraine after a ceasefire, the president said on Tuesday in Paris."
    a = clean_bytes(text.encode(), "a.txt")
    b = clean_bytes(("Advertisement\n\n" + text + "\n\nShare on Facebook and Twitter").encode(), "b.txt")
    assert a.article_id == b.article_id == article_id_for(a.body)


def test_a_sidecar_overrides_inferred_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("France will send troops to Ukraine after a ceasefire, the president said on Tuesday.")
    (tmp_path / "a.txt.meta.json").write_text(json.dumps({"url": "https://news.example/a", "published": "2026-01-07",
                                                         "source_name": "Example News", "title": "France pledges"}))
    result = clean_file(tmp_path, "a.txt", 1_000_000)
    assert (result.url, result.published, result.source_name, result.title) == (
        "https://news.example/a", "2026-01-07", "Example News", "France pledges")


def test_a_broken_sidecar_is_ignored_not_fatal(tmp_path):
    (tmp_path / "a.txt").write_text("France will send troops to Ukraine after a ceasefire, the president said on Tuesday.")
    (tmp_path / "a.txt.meta.json").write_text("{not json")
    assert clean_file(tmp_path, "a.txt", 1_000_000).status == "ok"


def test_a_stray_invalid_byte_in_utf8_text_does_not_turn_it_into_mojibake():
    text, encoding = decode_bytes("Größere Pakete für die Ukraine werden geliefert.".encode("utf-8") + b"\xff ok")
    assert "Größere Pakete für" in text and encoding.startswith("utf-8")


def test_a_file_over_the_size_cap_is_rejected(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"word " * 1000)
    result = clean_file(tmp_path, "big.txt", 1000)
    assert result.status == "rejected" and "cap" in result.reason


def test_a_symlink_is_not_followed(tmp_path):
    (tmp_path / "target.txt").write_text("Secret text that lives outside the raw folder and must not be read. " * 3)
    os.symlink(tmp_path / "target.txt", tmp_path / "link.txt")
    result = clean_file(tmp_path, "link.txt", 1_000_000)
    assert result.status == "rejected" and "symbolic link" in result.reason and result.body is None


def test_a_file_that_disappeared_is_rejected_with_that_reason(tmp_path):
    result = clean_file(tmp_path, "gone.txt", 1_000_000)
    assert result.status == "rejected" and "disappeared" in result.reason


def test_a_directory_named_like_a_file_is_rejected(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    result = clean_file(tmp_path, "folder.txt", 1_000_000)
    assert result.status == "rejected" and "directory" in result.reason


def test_a_file_that_changed_after_listing_is_cleaned_as_read_with_its_new_hash(tmp_path):
    from flows.ingest.discover import discover_raw_files

    (tmp_path / "a.txt").write_text("Austria will send 50 medics to Ukraine after a ceasefire, Vienna said on Monday.")
    listed = discover_raw_files(tmp_path, 1_000_000)[0]
    (tmp_path / "a.txt").write_text("Austria will send 80 medics to Ukraine after a ceasefire, Vienna said on Tuesday.")
    result = clean_file(tmp_path, "a.txt", 1_000_000)
    assert result.status == "ok" and "80 medics" in result.body
    assert result.raw_sha256 != listed.raw_sha256
