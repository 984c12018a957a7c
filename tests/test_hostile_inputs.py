"""Hostile and broken inputs: every file ends as a clean article or a reject with a reason; nothing crashes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from flows import cli
from flows.ingest.clean import clean_bytes, clean_file
from flows.ingest.textclean import RejectedInput, clean_text_document, decode_bytes, repair_text

BROKEN = FIXTURES / "broken"
GOOD = ("Denmark will send 400 soldiers to Ukraine after a ceasefire, the prime minister said in Copenhagen. "
        "The government also pledged 100 million euros for the reconstruction of Ukrainian hospitals.")

EXPECTED = {
    "empty.txt": ("rejected", "empty file"),
    "whitespace-only.txt": ("rejected", "empty file"),
    "image.png": ("rejected", "PNG"),
    "document.pdf": ("rejected", "PDF"),
    "archive.zip": ("rejected", "zip"),
    "not-a-warc.gz": ("rejected", "gzip"),
    "truncated.gz": ("rejected", "gzip"),
    "nul-bytes.txt": ("rejected", "binary"),
    "scripts-only.html": ("rejected", "no article body"),
    "entity-expansion.html": ("rejected", ""),
    "latin-1.txt": ("ok", "cessez-le-feu"),
    "windows-1252.txt": ("ok", "“several thousand”"),
    "utf-16-bom.txt": ("ok", "Poland will send 1,500 soldiers"),
    "utf-16-no-bom.txt": ("ok", "Poland will send 1,500 soldiers"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_fixture_becomes_an_article_or_a_reject_with_a_reason(name):
    status, evidence = EXPECTED[name]
    result = clean_file(BROKEN, name, 10_000_000, timeout_s=20)
    assert result.status == status, result.reason
    if status == "rejected":
        assert result.reason and evidence in result.reason
    else:
        assert evidence in result.body


def test_deeply_nested_html_does_not_crash_the_cleaner():
    page = b"<html><body>" + b"<div>" * 10_000 + b"<p>" + GOOD.encode() + b"</p>" + b"</div>" * 10_000 + b"</body></html>"
    started = time.monotonic()
    result = clean_bytes(page, "deep.html", timeout_s=20)
    assert result.status in ("ok", "rejected") and (result.body or result.reason)
    assert time.monotonic() - started < 30


def test_a_200_mb_file_is_rejected_without_being_read(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(200_000_000)
    result = clean_file(tmp_path, "huge.txt", 50_000_000)
    assert result.status == "rejected" and "larger than" in result.reason


@pytest.fixture
def hostile_raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(BROKEN, raw)
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    for name in ("with spaces.txt", "ünïcødé-名前.txt", "quote's \"double\".txt", "new\nline.txt"):
        (raw / name).write_text(GOOD.replace("Denmark", "Sweden"), encoding="utf-8")
    (raw / "folder.txt").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret text outside the raw folder that must never be read. " * 3)
    (raw / "escape.txt").symlink_to(outside)
    with open(raw / "huge.txt", "wb") as handle:
        handle.truncate(200_000_000)
    return raw


@pytest.mark.e2e
def test_a_run_over_hostile_inputs_exits_0_and_publishes_every_good_article(prefect_api_url, hostile_raw, tmp_path, capsys):
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    code = cli.main(["run", "--raw-dir", str(hostile_raw), "--warehouse", str(warehouse)])
    out, err = capsys.readouterr()
    assert code == 0, err
    con = duckdb.connect(str(warehouse), read_only=True)
    rejects = dict(con.execute("select source_file, reason from raw.rejects").fetchall())
    articles = {r[0] for r in con.execute("select source_file from staging.stg_articles").fetchall()}
    expected_rejects = {n for n, (s, _) in EXPECTED.items() if s == "rejected"} | {"folder.txt", "escape.txt", "huge.txt"}
    assert set(rejects) == expected_rejects
    assert all(reason for reason in rejects.values())
    # the four differently named copies of one article are one article (same cleaned body)
    assert "good.txt" in articles and len(articles) == len(EXPECTED) - len(expected_rejects) + 3 + 1
    assert "secret" not in " ".join(r[0] for r in con.execute("select body from staging.stg_articles").fetchall()).lower()


# --------------------------------------------------------------------------- property tests

PLAIN = "The minister said the plan would cost three billion euros over the next five years."
paragraph = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=120)
noisy_lines = st.lists(st.one_of(
    paragraph,
    st.sampled_from(["Read also: something", "Share on Facebook and X", "Advertisement", "Tags", "Author",
                     "Source: Wire", "By Jane Doe", "Loading related articles...", "Photo: AP/Someone",
                     "&nbsp, residue", "âquotedâ", "We use cookies. Accept all.", "• One • Two"]),
), min_size=0, max_size=12)


def cleaned_text(text: str) -> str:
    """Everything the cleaner keeps: the title and the body."""
    cleaned = clean_text_document(text)
    return "\n\n".join(([cleaned.title] if cleaned.title else []) + cleaned.paragraphs)


def words(text: str) -> set[str]:
    """Words of a text after repair, counting a hyphenated line break both joined and split."""
    import re

    repaired = repair_text(text).casefold()
    return set(re.findall(r"\w+", repaired)) | set(re.findall(r"\w+", repaired.replace("-\n", "")))


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noisy_lines)
def test_text_cleaner_never_raises_is_idempotent_and_invents_no_words(lines):
    text = "\n\n".join(lines)
    once = cleaned_text(text)
    assert cleaned_text(once) == once
    assert words(once) <= words(text)


@pytest.mark.slow
@settings(max_examples=2_000, deadline=None)
@given(noisy_lines, noisy_lines)
def test_a_plain_article_sentence_is_always_kept(before, after):
    text = "\n\n".join(before + [PLAIN] + after)
    assert PLAIN in clean_text_document(text).body


@pytest.mark.slow
@settings(max_examples=3_000, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_any_bytes_returns_text_or_a_reasoned_reject(data):
    try:
        text, encoding = decode_bytes(data)
    except RejectedInput as exc:
        assert str(exc)
    else:
        assert isinstance(text, str) and encoding
