"""WARC input: an archive is read as a stream of HTML responses, each an article with its URI and date."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows import cli
from flows.ingest.clean import clean_warc

ARTICLE = """<html><head><title>{title}</title></head><body><nav>Home World</nav><article><h1>{title}</h1>
<p>{body}</p><p>The decision was announced after a cabinet meeting on Tuesday, officials said.</p></article>
<footer>Copyright 2026</footer></body></html>"""


def write_warc(path: Path, records: list[tuple[str, str, str, bytes]]) -> None:
    """records: (uri, date, content type, payload)"""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for uri, date, content_type, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": date})
            writer.write_record(record)


def page(title: str, body: str) -> bytes:
    return ARTICLE.format(title=title, body=body).encode("utf-8")


RECORDS = [
    ("https://news.example/nl", "2026-02-01T08:00:00Z", "text/html; charset=utf-8",
     page("Dutch pledge", "The Netherlands will provide 3 billion euros in military aid to Ukraine next year, the defence minister said.")),
    ("https://news.example/img", "2026-02-01T09:00:00Z", "image/png", b"\x89PNG\r\n\x1a\n"),
    ("https://news.example/empty", "2026-02-01T10:00:00Z", "text/html", b"<html><body><script>x()</script></body></html>"),
    ("https://news.example/fi", "2026-02-02T08:00:00Z", "text/html",
     page("Finnish troops", "Finland ruled out sending troops to Ukraine, the president said in Helsinki on Monday.")),
]


def test_a_warc_archive_yields_one_row_per_html_response_and_one_for_the_archive(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz", RECORDS)
    rows = list(clean_warc(tmp_path, "crawl.warc.gz", 1_000_000))
    by_status = {}
    for row in rows:
        by_status.setdefault(row.status, []).append(row)
    assert [r.url for r in by_status["ok"]] == ["https://news.example/nl", "https://news.example/fi"]
    assert by_status["ok"][0].published.startswith("2026-02-01")
    assert all(r.container_file == "crawl.warc.gz" for r in rows)
    assert [r.source_file for r in by_status["rejected"]] == ["crawl.warc.gz#record-3"]
    assert len(by_status["container"]) == 1 and "4 records, 3 HTML responses" in by_status["container"][0].reason


def test_records_are_streamed_so_a_broken_tail_keeps_the_records_before_it(tmp_path):
    path = tmp_path / "cut.warc"
    write_warc(path, RECORDS)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.9)])
    rows = list(clean_warc(tmp_path, "cut.warc", 1_000_000))
    assert rows[0].status == "ok" and rows[0].url == "https://news.example/nl"
    assert rows[-1].status == "container"


@pytest.mark.e2e
def test_a_run_publishes_warc_articles_and_replaces_them_when_the_archive_changes(prefect_api_url, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_warc(raw / "crawl.warc.gz", RECORDS)
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    assert cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    assert {r[0] for r in con.execute("select url from staging.stg_articles").fetchall()} == {
        "https://news.example/nl", "https://news.example/fi"}
    facts = set(con.execute("select actor_code, commitment_type, stance from marts.fct_commitment_mentions").fetchall())
    assert ("NLD", "military_aid", "committed") in facts and ("FIN", "troop_deployment", "declined") in facts
    con.close()
    capsys.readouterr()
    assert cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 0
    assert "1 found, 0 new, 0 changed, 1 unchanged" in capsys.readouterr().out
    write_warc(raw / "crawl.warc.gz", RECORDS[:1])
    assert cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from staging.stg_articles").fetchone()[0] == 1


def test_a_response_without_target_uri_rejects_the_archive_by_name_and_the_run_goes_on(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    with open(raw / "broken.warc", "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record("https://news.example/a", "response", payload=io.BytesIO(page(
            "Pledge", "Kenya will send 1,000 police officers to Haiti, the president said on Monday.")),
            http_headers=headers, warc_headers_dict={"WARC-Date": "2026-02-01T08:00:00Z"})
        record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    rows = list(clean_warc(raw, "broken.warc", 10_000_000))
    assert rows[-1].source_file == "broken.warc" and rows[-1].status == "container"
    assert rows[-1].reason.startswith("unreadable WARC after") and "WARC-Target-URI" in rows[-1].reason


@pytest.mark.parametrize("keep", [0.97, 0.75])
def test_a_truncated_warc_gz_is_in_the_rejects_and_its_cut_off_record_is_not_an_article(tmp_path, keep):
    raw = tmp_path / "raw"
    raw.mkdir()
    records = [
        ("https://news.example/a", "2026-02-01T08:00:00Z", "text/html",
         page("One", "Kenya will send 1,000 police officers to Haiti, the president said on Monday. " * 5)),
        ("https://news.example/b", "2026-02-01T09:00:00Z", "text/html",
         page("Two", "Ghana will send 500 police officers to Haiti, the president said on Tuesday. " * 20)),
    ]
    write_warc(raw / "whole.warc.gz", records)
    data = (raw / "whole.warc.gz").read_bytes()
    (raw / "cut.warc.gz").write_bytes(data[:int(len(data) * keep)])  # cut inside the second record
    rows = list(clean_warc(raw, "cut.warc.gz", 10_000_000))
    archive = rows[-1]
    assert archive.reason.startswith("unreadable WARC after") and "truncated" in archive.reason
    articles = [r for r in rows if r.status == "ok"]
    assert [r.source_file for r in articles] == ["cut.warc.gz#record-1"]
    assert all("Ghana" not in (r.body or "") for r in articles)
    whole = list(clean_warc(raw, "whole.warc.gz", 10_000_000))
    assert whole[-1].reason == "2 records, 2 HTML responses"


@pytest.mark.parametrize("content", [
    b"http://news.example/a 192.0.2.1 20260101000000 text/html 10\n" * 50,  # ARC-like lines
    b"Kenya will send troops to Haiti.\n\n" * 50,
])
def test_a_file_named_warc_that_is_no_warc_is_refused_without_reading_records(tmp_path, content, capfd):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.warc").write_bytes(content)
    rows = list(clean_warc(raw, "notes.warc", 10_000_000))
    assert len(rows) == 1 and rows[0].reason.startswith("unreadable WARC after 0 records: not a WARC archive")
    assert rows[0].raw_sha256 == __import__("hashlib").sha256(content).hexdigest()
    assert "WARNING" not in capfd.readouterr().err
