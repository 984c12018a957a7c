"""The text cleaner: boilerplate out, article in, nothing invented."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CLEAN_GOLD, SAMPLE_RAW
from flows.ingest.textclean import (
    RejectedInput,
    classify_line,
    clean_text_document,
    decode_bytes,
    repair_text,
    split_sentences,
)

GOLD = {k: v for k, v in json.loads(CLEAN_GOLD.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cleaned_body(name: str) -> str:
    text, _ = decode_bytes((SAMPLE_RAW / name).read_bytes())
    return norm(clean_text_document(text).body)


@pytest.mark.parametrize("name,line", [(n, d) for n, g in GOLD.items() for d in g["drop"]])
def test_sample_boilerplate_line_is_dropped(name, line):
    assert norm(line) not in cleaned_body(name)


@pytest.mark.parametrize("name,sentence", [(n, k) for n, g in GOLD.items() for k in g["keep"]])
def test_sample_body_sentence_is_kept(name, sentence):
    assert norm(sentence) in cleaned_body(name)


@pytest.mark.parametrize("name,sentence,limit", [(n, s, m) for n, g in GOLD.items() for s, m in g["max_count"].items()])
def test_repeated_sample_sentence_appears_at_most_its_limit(name, sentence, limit):
    assert cleaned_body(name).count(norm(sentence)) <= limit


ARTICLE = (
    "France will send several thousand troops to Ukraine after a ceasefire, the president said on Tuesday.\n\n"
    "The announcement came after a meeting of European leaders in Paris that lasted most of the day.\n\n"
)


@pytest.mark.parametrize("line,kind", [
    ("We use cookies to improve your experience. By continuing you accept our cookie policy.", "cookie_notice"),
    ("Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten. Akzeptieren", "cookie_notice"),
    ("Loading related articles...", "loading_widget"),
    ("Read also: Zelensky meets Trump in Washington", "related_links"),
    ("Lesen Sie auch: Merz in Kiew", "related_links"),
    ("Читайте также: новости", "related_links"),
    ("More news", "related_links"),
    ("Related Sources:", "related_links"),
    ("Recommended Stories", "related_links"),
    ("list of 4 itemsend of list", "list_widget"),
    ("Share on Facebook Twitter WhatsApp", "share_prompt"),
    ("Suivez-nous sur Facebook et Instagram", "share_prompt"),
    ("Síguenos en Twitter", "share_prompt"),
    ("Подписывайтесь на наш Telegram", "share_prompt"),
    ("Seko mums arī Facebook, Draugiem un X!", "share_prompt"),
    ("Photo: Ludovic Marin/AP/TT", "photo_credit"),
    ("Leaders meet in Paris on Tuesday [Ludovic Marin via AP]", "photo_caption"),
    ("Leaders at the Elysee in Paris. /Ludovic Marin/Pool via Reuters", "photo_caption"),
    ("Advertisement", "advertisement"),
    ("Tags", "label"),
    ("Author", "label"),
    ("Published:", "label"),
    ("By Jane Smith", "byline"),
    ("Source: Aljazeera", "source_footer"),
    ("© 2026 Example Media. All rights reserved.", "copyright"),
    ("• Source 1 • Source 2", "bullet_links"),
])
def test_boilerplate_line_is_classified(line, kind):
    assert classify_line(line) == kind


@pytest.mark.parametrize("line", [
    "France will send several thousand troops to Ukraine after a ceasefire, the president said.",
    "Zelensky wrote on Telegram that the agreements show how seriously Europe is ready to work for real security.",
    "Officials said monitoring would rely on drones, sensors and satellites rather than troops.",
    "Key quotes",
    "The source of the funding, officials said, is the frozen Russian assets held in Belgium.",
])
def test_article_line_is_not_boilerplate(line):
    assert classify_line(line) is None


def test_author_and_publisher_become_metadata():
    cleaned = clean_text_document("By Jane Smith\n\n" + ARTICLE + "Source: Example Wire\n\nExample Wire is a news agency.")
    assert cleaned.author == "Jane Smith"
    assert cleaned.source_name == "Example Wire"
    assert "news agency" not in cleaned.body


def test_repeated_title_is_removed_and_kept_as_title():
    cleaned = clean_text_document("Allies agree on guarantees\n\nAllies agree on guarantees\n\n" + ARTICLE)
    assert cleaned.title == "Allies agree on guarantees"
    assert "Allies agree on guarantees" not in cleaned.body


def test_a_whole_repeated_block_is_removed():
    cleaned = clean_text_document(ARTICLE + ARTICLE + ARTICLE)
    assert cleaned.body.count("France will send several thousand troops") == 1


def test_entity_residue_without_semicolon_is_repaired():
    assert repair_text("met with Zelenskyy&nbsp, wrote on Telegram") == "met with Zelenskyy, wrote on Telegram"
    assert repair_text("Tom &amp; Jerry") == "Tom & Jerry"


def test_cp1252_mojibake_is_repaired_and_curly_quotes_kept():
    assert repair_text("the â€œcoalition of the willingâ€\x9d met") == "the \u201ccoalition of the willing\u201d met"


def test_lossy_mojibake_quotes_are_repaired():
    assert repair_text("the âcoalition of the willingâ met") == "the \u201ccoalition of the willing\u201d met"


def test_words_with_a_circumflex_are_left_alone():
    assert repair_text("the château and the pâte") == "the château and the pâte"


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    text = ("France and Britain have agreed to deploy an international force in\n"
            "Ukraine after a peace deal with Russia is reached, officials said on\n"
            "Tuesday.\n\nA second paragraph follows here with more words in it.")
    cleaned = clean_text_document(text)
    assert cleaned.paragraphs[0] == ("France and Britain have agreed to deploy an international force in "
                                     "Ukraine after a peace deal with Russia is reached, officials said on Tuesday.")
    assert len(cleaned.paragraphs) == 2


def test_whitespace_is_normalised_without_changing_words():
    assert repair_text("France\u00a0 will   send\ttroops .") == "France will send troops."


@pytest.mark.parametrize("text,expected", [
    ("The U.S. will lead. Britain will follow.", ["The U.S. will lead.", "Britain will follow."]),
    ("Gen. Grynkewich met Mr. Smith on Tuesday. They agreed.", ["Gen. Grynkewich met Mr. Smith on Tuesday.", "They agreed."]),
    ("Resolution No. 5 passed. It was close.", ["Resolution No. 5 passed.", "It was close."]),
    ('"We will act," he said. "Now."', ['"We will act," he said.', '"Now."']),
    ("U.S. officials said the deal was near. Talks go on.", ["U.S. officials said the deal was near.", "Talks go on."]),
    ("He spoke in the U.S. The crowd cheered.", ["He spoke in the U.S.", "The crowd cheered."]),
])
def test_sentences_split_at_boundaries_not_abbreviations(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize("data,encoding", [
    ("Zelensky said “yes”.".encode("utf-8"), "utf-8"),
    ("\ufeffZelensky said yes.".encode("utf-8"), "utf-8"),
    ("Zelensky said “yes” in Kyiv.".encode("utf-16"), "utf-16-le"),
    ("Zelensky said yes in Kyiv today.".encode("utf-16-le"), "utf-16-le"),
    ("Zelensky said yes in Kyiv today.".encode("utf-16-be"), "utf-16-be"),
])
def test_unicode_encodings_decode(data, encoding):
    text, detected = decode_bytes(data)
    assert "Zelensky said" in text and detected == encoding


def test_windows_1252_text_decodes_with_its_quotes():
    text, _ = decode_bytes("Macron said “several thousand” troops would go to the front.".encode("cp1252"))
    assert "“several thousand”" in text


def test_latin_1_text_decodes():
    text, _ = decode_bytes("Le président français a parlé à Paris de la sécurité européenne.".encode("latin-1"))
    assert "président" in text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"   \n\t  ", "empty file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG"),
    (b"%PDF-1.7\n%binary", "PDF"),
    (b"PK\x03\x04rest-of-zip", "zip"),
    (b"\x1f\x8b\x08\x00garbage", "gzip"),
    (bytes(range(256)) * 20, "binary"),
])
def test_unreadable_bytes_are_rejected_with_a_reason(data, reason):
    with pytest.raises(RejectedInput, match=reason):
        decode_bytes(data)


def test_an_over_long_sentence_is_cut_verbatim_at_white_space():
    from flows.ingest.textclean import MAX_SENTENCE_CHARS, split_body_sentences

    line = " ".join(f"word{i}" for i in range(60_000))  # ~400 KB without a full stop
    rows = split_body_sentences(line)
    assert all(len(sentence) <= MAX_SENTENCE_CHARS for _, _, sentence in rows)
    assert " ".join(sentence for _, _, sentence in rows) == line
    assert [n for _, n, _ in rows] == list(range(len(rows)))


def test_a_run_without_white_space_is_cut_at_the_limit():
    from flows.ingest.textclean import cap_sentence

    assert cap_sentence("x" * 2_500, 1_000) == ["x" * 1_000, "x" * 1_000, "x" * 500]
    assert cap_sentence("A normal sentence.", 1_000) == ["A normal sentence."]


NAV_ROW = "| Townsfolk | " + " • ".join(f"Name{k}" for k in range(22)) + " |"


def test_a_long_separator_row_is_classified_without_backtracking_forever():
    # the bullet-links rule once needed minutes on a 22-item row that ends in a separator (its spaces could
    # belong to a segment or to the next one in 2^22 ways); the document timeout rejected the page
    from flows.ingest.clean import clean_bytes

    page = ("<html><body><article><h1>Wiki</h1><p>" + "The villagers of the valley meet every spring. " * 6
            + "</p><table><tr><td>" + NAV_ROW + "</td></tr></table><p>"
            + "Each of them has a house, a garden and a favourite season. " * 5 + "</p></article></body></html>")
    cleaned = clean_bytes(page.encode(), "wiki.html", timeout_s=20)
    assert cleaned.status == "ok", cleaned.reason
    assert classify_line(NAV_ROW) is None  # a row ending in a separator is no bullet-link line (as before)
    assert classify_line("• " + " • ".join(["Home", "World", "Sport", "Culture"] * 5)) == "bullet_links"
