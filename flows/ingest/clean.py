"""Turn one raw file into a cleaned article or a reject with its reason.

HTML goes through trafilatura (with metadata); text dumps go through
`flows.ingest.textclean`. Every failure becomes a `CleanedFile` with status
"rejected" and a one-line reason: cleaning never raises for bad input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import py3langid
import trafilatura
from trafilatura.settings import DEFAULT_CONFIG
from trafilatura.utils import load_html

from flows.ingest.pagemeta import read_page_meta
from flows.profile import step
from flows.ingest.textclean import (
    CLEANER_VERSION,
    RejectedInput,
    classify_line,
    clean_text_document,
    decode_bytes,
    dedupe_paragraphs,
    repair_text,
)

# trafilatura logs every unparseable page at ERROR; the reject row carries the reason instead
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# deduplicate=False: trafilatura's dedup keeps state across calls, so output would depend on order.
# These are the options of trafilatura alone (the benchmark's yardstick: body and metadata in one call).
TRAFILATURA_OPTIONS = {"with_metadata": True, "include_comments": False, "include_tables": True,
                       "deduplicate": False}
# The pipeline parses the page once, reads only the metadata it stores (flows/ingest/pagemeta.py) and hands
# trafilatura the tree for the body: same text, same fields, less work (BENCHMARKS.md, "Throughput").
BODY_OPTIONS = {**TRAFILATURA_OPTIONS, "with_metadata": False}
MAX_HTML_CHARS = DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
WARC_SUFFIXES = (".warc", ".warc.gz")
WARC_RECORD_SEPARATOR = "#record-"
TEXT_SUFFIXES = (".txt", ".text", ".md")
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_FIELDS = ("url", "published", "source_name", "title")
MIN_BODY_CHARS = 80
# paragraph kinds dropped from trafilatura's output too (datelines and bylines stay: they can be content)
HTML_BOILERPLATE_KINDS = {
    "cookie_notice", "share_prompt", "advertisement", "loading_widget", "list_widget", "copyright",
    "related_links", "photo_credit", "photo_caption",
}


@dataclass
class CleanedFile:
    """One raw file after cleaning: an article (status ok) or a reject (status rejected)."""

    source_file: str
    raw_sha256: str | None
    size_bytes: int | None
    status: str
    reason: str | None = None
    input_kind: str | None = None
    encoding: str | None = None
    article_id: str | None = None
    title: str | None = None
    body: str | None = None
    published: str | None = None
    source_name: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None
    raw_chars: int | None = None
    clean_chars: int | None = None
    n_paragraphs: int | None = None
    n_lines_dropped: int | None = None
    n_duplicates_removed: int | None = None
    dropped_kinds: str | None = None
    cleaner_version: str = CLEANER_VERSION
    container_file: str | None = None

    def __post_init__(self):
        # the raw file a row came from: the file itself, or the WARC archive holding the record
        if self.container_file is None:
            self.container_file = self.source_file.split(WARC_RECORD_SEPARATOR)[0]

    def as_row(self) -> dict:
        return dataclasses.asdict(self)


FIELDS = [f.name for f in dataclasses.fields(CleanedFile)]


class DocumentTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise DocumentTimeout after `seconds` (main thread only; elsewhere no limit is enforced)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum, frame):
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def article_id_for(body: str) -> str:
    """Stable content hash of a cleaned body."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:20]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), or None for too little text.

    It reads the first 1,500 characters (about 1 ms): shorter prefixes were measured and changed the
    language of some articles (an English one read as Nigerian Pidgin at 1,000 characters)."""
    if len(text.strip()) < 20:
        return None
    with step("language"):
        lang, _score = py3langid.classify(text[:1500])
    return lang


def input_kind_for(path: str, head: bytes) -> str:
    lowered = path.lower()
    if lowered.endswith(HTML_SUFFIXES):
        return "html"
    if lowered.endswith(TEXT_SUFFIXES):
        return "text"
    sniff = head[:2048].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<body" in sniff:
        return "html"
    return "text"


def clean_html(text: str) -> dict:
    """Extract the article body and metadata from an HTML page with trafilatura (parsed once)."""
    with step("html parse + metadata"):
        tree = load_html(text, MAX_HTML_CHARS)
        if tree is None:
            raise RejectedInput("no article body found in the HTML page")
        meta = read_page_meta(tree)
    with step("trafilatura body"):
        # the page's URL as trafilatura's own metadata step would have passed it to the extraction
        doc = trafilatura.bare_extraction(tree, url=meta.url, **BODY_OPTIONS)
    if not doc or not (doc.text or "").strip():
        raise RejectedInput("no article body found in the HTML page")
    title = (meta.title or "").strip() or None
    with step("repair + boilerplate lines"):
        paragraphs = [p.strip() for p in repair_text(doc.text).split("\n") if p.strip()]
        # trafilatura keeps some widgets inside the article container: drop those kinds of paragraph
        kept = [p for p in paragraphs if classify_line(p) not in HTML_BOILERPLATE_KINDS]
        dropped = len(paragraphs) - len(kept)
        # the title may open the body once (an <h1> in the article); only repeats are dropped
        paragraphs, n_duplicates = dedupe_paragraphs(kept)
    return {
        "title": title,
        "paragraphs": paragraphs,
        "published": meta.date,
        "source_name": meta.sitename or meta.hostname,
        "author": meta.author,
        "url": meta.url,
        "n_lines_dropped": dropped,
        "n_duplicates_removed": n_duplicates,
        "dropped_kinds": {},
    }


def clean_text(text: str) -> dict:
    """Clean a plain-text dump: boilerplate lines, repeats, entity residue, wrapped lines."""
    with step("text dump cleaning"):
        cleaned = clean_text_document(text)
    kinds: dict[str, int] = {}
    for _line, kind in cleaned.dropped:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "title": cleaned.title,
        "paragraphs": cleaned.paragraphs,
        "published": None,
        "source_name": cleaned.source_name,
        "author": cleaned.author,
        "url": None,
        "n_lines_dropped": len(cleaned.dropped),
        "n_duplicates_removed": cleaned.n_duplicates,
        "dropped_kinds": kinds,
    }


def read_sidecar(raw_dir: Path, rel_path: str) -> dict:
    """Metadata overrides from `<file>.meta.json`, or {} (a broken sidecar is ignored, not fatal)."""
    sidecar = raw_dir / (rel_path + SIDECAR_SUFFIX)
    if not sidecar.is_file() or sidecar.is_symlink():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k]) for k in SIDECAR_FIELDS if data.get(k) not in (None, "")}


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9:._-]{2,40})""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page states in a meta tag of its first 4 KB."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def clean_bytes(data: bytes, rel_path: str, sidecar: dict | None = None, timeout_s: float = 0) -> CleanedFile:
    """Clean the bytes of one raw file into a CleanedFile (never raises for bad input)."""
    with step("hash + decode"):
        digest = sha256_bytes(data)
    base = {"source_file": rel_path, "raw_sha256": digest, "size_bytes": len(data)}
    kind = input_kind_for(rel_path, data)
    try:
        with step("hash + decode"):
            text, encoding = decode_bytes(data, declared_charset(data) if kind == "html" else None)
        with time_limit(timeout_s):
            parts = clean_html(text) if kind == "html" else clean_text(text)
    except RejectedInput as exc:
        return CleanedFile(**base, status="rejected", reason=str(exc), input_kind=kind)
    except DocumentTimeout:
        return CleanedFile(**base, status="rejected", reason=f"cleaning took longer than {timeout_s:g} s", input_kind=kind)
    except (RecursionError, MemoryError, ValueError) as exc:
        return CleanedFile(**base, status="rejected", reason=f"unparseable {kind}: {type(exc).__name__}", input_kind=kind)
    body = "\n\n".join(parts["paragraphs"])
    if len(body) < MIN_BODY_CHARS:
        return CleanedFile(**base, status="rejected", reason=f"no article text after cleaning ({len(body)} characters)",
                           input_kind=kind, encoding=encoding)
    meta = {k: parts[k] for k in ("title", "published", "source_name", "url")}
    meta.update(sidecar or {})
    return CleanedFile(
        **base,
        status="ok",
        input_kind=kind,
        encoding=encoding,
        article_id=article_id_for(body),
        title=meta["title"],
        body=body,
        published=normalise_date(meta["published"]),
        source_name=meta["source_name"],
        author=parts["author"],
        url=meta["url"],
        language=detect_language(body),
        raw_chars=len(text),
        clean_chars=len(body),
        n_paragraphs=len(parts["paragraphs"]),
        n_lines_dropped=parts["n_lines_dropped"],
        n_duplicates_removed=parts["n_duplicates_removed"],
        dropped_kinds=json.dumps(parts["dropped_kinds"], sort_keys=True),
    )


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")


def normalise_date(value: str | None) -> str | None:
    """ISO date or timestamp text, or None when the value is not a recognisable date."""
    if not value:
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    y, m, d, hh, mm, ss = match.groups()
    if hh is None:
        return f"{y}-{m}-{d}"
    return f"{y}-{m}-{d} {hh}:{mm}:{ss or '00'}"


def clean_file(raw_dir: Path, rel_path: str, max_bytes: int, timeout_s: float = 0) -> CleanedFile:
    """Read one raw file (never following symlinks) and clean it."""
    cleaned = _clean_file(raw_dir, rel_path, max_bytes, timeout_s)
    # a plain file is its own container, whatever its name ("report#record-1.txt" is no WARC record)
    cleaned.container_file = rel_path
    return cleaned


def _clean_file(raw_dir: Path, rel_path: str, max_bytes: int, timeout_s: float) -> CleanedFile:
    path = raw_dir / rel_path
    try:
        if path.is_symlink():
            return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=None, status="rejected",
                               reason="symbolic link (not followed)")
        size = path.stat().st_size
        if size > max_bytes:
            return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=size, status="rejected",
                               reason=f"file larger than the {max_bytes // 1_000_000} MB cap")
        with step("read"):
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=None, status="rejected",
                           reason="file disappeared before it could be read")
    except IsADirectoryError:
        return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=None, status="rejected",
                           reason="a directory, not a file")
    except OSError as exc:
        return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=None, status="rejected",
                           reason=f"unreadable: {exc.strerror or type(exc).__name__}")
    if len(data) > max_bytes:
        return CleanedFile(source_file=rel_path, raw_sha256=None, size_bytes=len(data), status="rejected",
                           reason=f"file larger than the {max_bytes // 1_000_000} MB cap")
    return clean_bytes(data, rel_path, read_sidecar(raw_dir, rel_path), timeout_s)


def is_warc(rel_path: str) -> bool:
    return rel_path.lower().endswith(WARC_SUFFIXES)


def clean_warc(raw_dir: Path, rel_path: str, max_bytes: int, timeout_s: float = 0) -> Iterator[CleanedFile]:
    """Stream a WARC file: one article (or reject) per HTML response record, then one row for the archive.

    Records are read one at a time (warcio), so memory stays flat however large the archive is. Each
    record keeps its target URI and WARC date; its source_file is `<archive>#record-<n>`.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = raw_dir / rel_path
    n_records = n_html = 0
    digest = hashlib.sha256()
    problem = cut_off = None
    try:
        if path.is_symlink():
            raise OSError("symbolic link (not followed)")
        not_warc = _not_a_warc(path)
        if not_warc:
            raise ValueError(not_warc)
        with open(path, "rb") as handle:
            hashing = _HashingReader(handle, digest)
            for record in ArchiveIterator(hashing):
                n_records += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = (record.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in content_type:
                    continue
                n_html += 1
                record_path = f"{rel_path}{WARC_RECORD_SEPARATOR}{n_records}"
                payload = record.content_stream().read(max_bytes + 1)
                if len(payload) > max_bytes:
                    yield CleanedFile(source_file=record_path, raw_sha256=None, size_bytes=len(payload),
                                      status="rejected", reason=f"record larger than the {max_bytes // 1_000_000} MB cap")
                    continue
                missing = getattr(record.raw_stream, "limit", 0) or 0
                if missing > 0:  # the archive ends inside this record: its text is cut off, never published
                    cut_off = f"record {n_records} cut off ({missing} bytes of its declared length missing)"
                    yield CleanedFile(source_file=record_path, raw_sha256=None, size_bytes=len(payload),
                                      status="rejected", reason=cut_off, container_file=rel_path)
                    continue
                sidecar = {"url": record.rec_headers.get_header("WARC-Target-URI"),
                           "published": record.rec_headers.get_header("WARC-Date")}
                cleaned = clean_bytes(payload, record_path, {k: v for k, v in sidecar.items() if v}, timeout_s)
                cleaned.input_kind = "warc-html"
                cleaned.container_file = rel_path
                yield cleaned
            for _ in iter(lambda: hashing.read(1 << 20), b""):
                pass
        if cut_off:
            problem = f"unreadable WARC after {n_records} records: truncated, {cut_off}"
        elif rel_path.lower().endswith(".gz"):
            problem = _gzip_problem(path, n_records)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        problem = f"unreadable WARC after {n_records} records: {str(exc).splitlines()[0][:200]}"
        if digest.digest() == hashlib.sha256().digest() and path.is_file() and not path.is_symlink():
            digest = _file_digest(path)  # rejected before reading: the archive's hash still identifies it
    except Exception as exc:  # warcio itself fails on malformed records (a response without a target URI)
        what = "a record without WARC-Target-URI" if isinstance(exc, AttributeError) and "startswith" in str(exc) \
            else f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        problem = f"unreadable WARC after {n_records} records: {what}"
    yield CleanedFile(source_file=rel_path, raw_sha256=digest.hexdigest(), size_bytes=path.stat().st_size
                      if path.exists() else None, status="container", input_kind="warc",
                      reason=problem or f"{n_records} records, {n_html} HTML responses")


def _not_a_warc(path: Path) -> str | None:
    """A file named .warc(.gz) whose content is not a WARC (text, an ARC file): warcio would read
    lines of it as records, with warnings, and report them; it is refused up front instead."""
    import gzip
    import zlib

    with open(path, "rb") as handle:
        head = handle.read(2)
    try:
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as handle:
            start = handle.read(5)
    except (EOFError, OSError, zlib.error) as exc:
        return f"not a readable gzip file ({str(exc).splitlines()[0][:100]})"
    if start != b"WARC/":
        return f"not a WARC archive: it starts with {start!r}, not b'WARC/'"
    return None


def _file_digest(path: Path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256")


def _gzip_problem(path: Path, n_records: int) -> str | None:
    """warcio stops quietly at a gzip stream cut short; reading it to its end marker says so."""
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        return f"unreadable WARC after {n_records} records: truncated or corrupt gzip ({str(exc).splitlines()[0][:120]})"
    return None


class _HashingReader:
    """A file wrapper that hashes what is read through it (the archive's content hash, in one pass)."""

    def __init__(self, handle, digest):
        self._handle, self._digest = handle, digest

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._handle.readline(size)
        self._digest.update(data)
        return data


def iter_cleaned(raw_dir: str, rel_paths: list[str], max_bytes: int, timeout_s: float) -> Iterator[dict]:
    """Clean raw files one by one (WARC archives record by record), yielding rows."""
    for rel in rel_paths:
        if is_warc(rel):
            for cleaned in clean_warc(Path(raw_dir), rel, max_bytes, timeout_s):
                yield cleaned.as_row()
        else:
            yield clean_file(Path(raw_dir), rel, max_bytes, timeout_s).as_row()
