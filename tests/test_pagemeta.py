"""The pipeline parses a page once and reads only the metadata it stores: the values, and the body
trafilatura extracts, are exactly those of trafilatura alone with all its metadata."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import trafilatura
from trafilatura.utils import load_html

from tools import bench
from flows.ingest.clean import BODY_OPTIONS, TRAFILATURA_OPTIONS, clean_bytes, declared_charset
from flows.ingest.decode import decode_bytes
from flows.ingest.pagemeta import STORED_FIELDS, read_page_meta

from tests.test_clean_files import PAGE

WITHOUT_DATE = PAGE.replace('<meta property="article:published_time" content="2026-03-02T09:30:00Z">', "")
WITH_JSON_LD = PAGE.replace("</head>", '<script type="application/ld+json">{"@context": "https://schema.org", '
                            '"@type": "NewsArticle", "headline": "Norway doubles aid", "author": {"@type": '
                            '"Person", "name": "Kari Nordmann"}, "datePublished": "2026-03-01"}</script></head>')
LOWERCASE_SITE = PAGE.replace('content="The Daily Example"', 'content="dailyexample"')


def _pages() -> list[tuple[str, bytes]]:
    texts = bench.sample_texts()
    pages = [("fixture", PAGE.encode()), ("no date", WITHOUT_DATE.encode()), ("json-ld", WITH_JSON_LD.encode()),
             ("lowercase site", LOWERCASE_SITE.encode())]
    pages += [(f"news-{i}", bench.news_page(texts[i % len(texts)], i, random.Random(i)).encode()) for i in range(5)]
    pages += [(f"generated-{i}", bench.html_from_text(texts[i], i, random.Random(i)).encode()) for i in range(2)]
    return pages


def _same_as_trafilatura_alone(page: bytes) -> list[str]:
    """Fields (and the body) where the pipeline's reading differs from trafilatura's full call."""
    text, _ = decode_bytes(page, declared_charset(page))
    alone = trafilatura.bare_extraction(text, **TRAFILATURA_OPTIONS)
    tree = load_html(text)
    meta = read_page_meta(tree) if tree is not None else None
    body = trafilatura.bare_extraction(tree, url=meta.url, **BODY_OPTIONS) if meta else None
    if alone is None or body is None:
        return [] if alone is None and body is None else ["extraction"]
    differ = [name for name in STORED_FIELDS if getattr(alone, name) != getattr(meta, name)]
    return differ + (["text"] if alone.text != body.text else [])


@pytest.mark.parametrize("name,page", _pages(), ids=[name for name, _ in _pages()])
def test_stored_metadata_and_body_equal_trafilatura_with_all_its_metadata(name, page):
    assert _same_as_trafilatura_alone(page) == []


def test_the_metadata_reaches_the_cleaned_article():
    cleaned = clean_bytes(WITH_JSON_LD.encode(), "norway.html")
    assert (cleaned.title, cleaned.author, cleaned.source_name) == (
        "Norway doubles aid", "Kari Nordmann", "The Daily Example")
    assert cleaned.published.startswith("2026-03-0")
    assert cleaned.url == "https://example.org/world/norway-aid"


def test_a_page_lxml_cannot_read_is_rejected_not_raised():
    cleaned = clean_bytes(b"<html>" + b"\x00" * 10 + b"</html>" + b" " * 200, "empty.html")
    assert cleaned.status == "rejected" and cleaned.reason


@pytest.mark.skipif(not os.environ.get("COMMITMENTS_TRAFILATURA_EVAL"),
                    reason="set COMMITMENTS_TRAFILATURA_EVAL to trafilatura's benchmark folder")
def test_on_every_benchmark_page_the_pipeline_reads_what_trafilatura_reads():
    pages = sorted((Path(os.environ["COMMITMENTS_TRAFILATURA_EVAL"]) / "pages").glob("*.htm*"))
    assert len(pages) >= 100
    differing = {}
    for path in pages:
        try:
            differ = _same_as_trafilatura_alone(path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - a page the decoder refuses is no comparison
            if type(exc).__name__ == "RejectedInput":
                continue
            raise
        if differ:
            differing[path.name] = differ
    assert differing == {}
