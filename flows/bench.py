"""Benchmarks that print numbers, measured side by side in one run.

`commitments bench --docs N` builds a synthetic corpus of N distinct documents from realistic pages
and dumps (perturbed so every hash differs), runs the real flow on it, then measures the yardstick -
trafilatura alone, same options, one process - over the same documents, and a rerun with nothing new.
`commitments bench --model-sentences 100000,1000000` times the SQL models alone on N sentences.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import resource
import shutil
import sys
import time
from pathlib import Path

import duckdb
import trafilatura

from flows.clean import TRAFILATURA_OPTIONS
from flows.config import DEFAULT_RAW_DIR

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}"><meta name="date" content="{date}">
<link rel="canonical" href="https://{host}/world/{slug}"></head><body>
<div class="cookies">We use cookies to improve your experience. By continuing to browse you accept our use of cookies.</div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/europe">Europe</a> <a href="/opinion">Opinion</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By {author}</p>
{paragraphs}
</article>
<aside class="newsletter"><h3>Newsletter</h3><p>Sign up for the morning briefing.</p></aside>
<section class="related"><h2>Related</h2><ul>{related}</ul></section>
<section class="comments"><h2>Comments</h2><p>First comment on this story.</p></section></main>
<footer><p>Copyright 2026 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer></body></html>"""

SITES = ["Example Times", "Daily Wire Service", "Baltic Herald", "Continental Post", "Morning Ledger"]
CITIES = ["Oslo", "Warsaw", "Rome", "Madrid", "Vilnius", "Prague", "Dublin", "Lisbon", "Helsinki", "Athens"]


def sample_texts(raw_dir: Path = DEFAULT_RAW_DIR) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(raw_dir.glob("*.txt"))]


def html_templates(pages_dir: Path | None) -> list[bytes]:
    if pages_dir and pages_dir.is_dir():
        return [p.read_bytes() for p in sorted(pages_dir.glob("*.htm*"))]
    return []


def perturbed_text(text: str, i: int, rng: random.Random) -> str:
    """A distinct dump: a unique dateline sentence and a shuffled middle, same kind of noise."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    middle = paragraphs[2:-2]
    rng.shuffle(middle)
    city = CITIES[i % len(CITIES)]
    return "\n\n".join(paragraphs[:2] + [f"{city} correspondent report number {i} filed on day {i % 28 + 1}."]
                       + middle + paragraphs[-2:])


def html_from_text(text: str, i: int, rng: random.Random) -> str:
    paragraphs = [p for p in perturbed_text(text, i, rng).split("\n\n") if len(p.split()) > 6]
    site = SITES[i % len(SITES)]
    related = "".join(f'<li><a href="/r{i}-{k}">Related story {k}</a></li>' for k in range(4))
    return PAGE.format(title=f"Security guarantees, report {i}", site=site, date=f"2026-01-{i % 28 + 1:02d}",
                       host=site.lower().replace(" ", "") + ".example", slug=f"story-{i}", author="A. Writer",
                       paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs), related=related)


PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>(.*?)</p>", re.IGNORECASE | re.DOTALL)


def body_offset(page: bytes) -> int | None:
    """Where a sentence can go so that it lands in the page's extracted body: the raw position of the
    longest body line that appears verbatim in the HTML, else the longest paragraph, else nothing."""
    extracted = trafilatura.extract(page, include_comments=False, include_tables=True, deduplicate=False)
    body = max(page.lower().find(b"<body"), 0)  # the same text in <head> (description, JSON-LD) is not the body
    for line in sorted((extracted or "").splitlines(), key=len, reverse=True)[:20]:
        at = page.find(line[:40].encode("utf-8"), body) if len(line) >= 40 else -1
        if at >= 0:
            return at
    longest = max(PARAGRAPH.finditer(page), key=lambda m: len(m.group(1)), default=None)
    return longest.start(1) if longest is not None else None


def perturbed_page(page: bytes, i: int, offset: int | None = None) -> bytes:
    """A distinct page whose extracted body differs too: a unique sentence goes into the article text at
    `offset` (see body_offset), so copies are distinct articles, not syndicated duplicates."""
    marker = f"Correspondent report number {i} was filed from {CITIES[i % len(CITIES)]}. ".encode()
    if offset is not None:
        return page[:offset] + marker + page[offset:]
    at = page.lower().rfind(b"</body>")
    marker = b"<p>" + marker + b"</p>"
    return page[:at] + marker + page[at:] if at > 0 else page + marker


def build_corpus(out_dir: Path, n_docs: int, kind: str, pages_dir: Path | None = None, seed: int = 7) -> list[Path]:
    """Write n_docs distinct documents (html, text or mixed) into out_dir."""
    rng = random.Random(seed)
    texts = sample_texts()
    pages = html_templates(pages_dir)
    offsets = [body_offset(page) for page in pages]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_docs):
        as_html = kind == "html" or (kind == "mixed" and i % 2 == 0)
        if as_html:
            path = out_dir / f"doc-{i:07d}.html"
            if pages:
                path.write_bytes(perturbed_page(pages[i % len(pages)], i, offsets[i % len(pages)]))
            else:
                path.write_text(html_from_text(texts[i % len(texts)], i, rng), encoding="utf-8")
        else:
            path = out_dir / f"doc-{i:07d}.txt"
            path.write_text(perturbed_text(texts[i % len(texts)], i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def yardstick(paths: list[Path]) -> float:
    """Seconds for trafilatura alone (same options as the pipeline) over the documents, one process."""
    started = time.perf_counter()
    for path in paths:
        trafilatura.bare_extraction(path.read_bytes(), **TRAFILATURA_OPTIONS)
    return time.perf_counter() - started


def progress(message: str) -> None:
    """A long benchmark says where it is (stderr), so an interrupted run still leaves numbers."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def model_scaling(n_sentences: int) -> dict[str, float]:
    """Seconds of the SQL models over n_sentences sentences made from the sample articles."""
    from flows import load, models
    from flows.clean import clean_bytes
    from flows.config import SQL_DIR

    rows = [clean_bytes(p.read_bytes(), p.name).as_row() for p in sorted(DEFAULT_RAW_DIR.glob("*.txt"))]
    sentences = load.sentence_rows(rows)
    con = duckdb.connect()
    for schema in models.SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    con.register("sentence_frame", sentences)
    con.register("article_frame", load.cleaned_frame(rows))
    per_article = max(len(sentences) // max(len(rows), 1), 1)
    n_articles = max(n_sentences // per_article, 1)
    # copies of the sample articles under new ids, each sentence tagged so that every copy differs
    con.execute("""create table raw.articles as
        select a.* replace (a.article_id || '-' || c.copy_no as article_id, a.source_file || '#' || c.copy_no as source_file)
        from article_frame a cross join range(?) c(copy_no)
        qualify row_number() over () <= ?""", [n_articles // len(rows) + 1, n_articles])
    con.execute("""create table raw.sentences as
        select split_part(a.article_id, '-', 1) as base_id, a.article_id, s.paragraph_no, s.sentence_no,
               s.sentence || ' (' || a.article_id || ')' as sentence
        from raw.articles a join sentence_frame s on s.article_id = split_part(a.article_id, '-', 1)""")
    con.execute("alter table raw.sentences drop column base_id")
    con.execute("create table raw.rejects (source_file varchar, reason varchar, size_bytes bigint, raw_sha256 varchar)")
    actual = con.execute("select count(*) from raw.sentences").fetchone()[0]
    models.load_seeds(con, models.read_seeds(SQL_DIR / "seeds"))
    started = time.perf_counter()
    runs = models.run_models(con)
    total = time.perf_counter() - started
    con.close()
    return {"sentences": actual, "seconds": total, "slowest": max(runs, key=lambda r: r.seconds).model}


def yardstick_sample(paths: list[Path], n: int | None, seed: int = 11) -> list[Path]:
    """The documents the yardstick reads: all of them, or a seeded random sample of n (its docs/s is what
    is compared; a sample spreads over every template, a prefix or a stride would not)."""
    if not n or n >= len(paths):
        return paths
    return random.Random(seed).sample(paths, n)


def run_benchmark(n_docs: int, kind: str, workdir: Path, workers: int, batch_size: int,
                  pages_dir: Path | None, keep: bool = False, yardstick_docs: int | None = None) -> dict:
    """Corpus -> flow run (timed per stage) -> reruns with nothing new (stats trusted, then --rehash) ->
    yardstick, all in this process."""
    from flows.cli import prefect_api
    from flows.pipeline import commitments_pipeline
    from prefect.task_runners import ProcessPoolTaskRunner

    raw = workdir / "raw"
    warehouse = workdir / "warehouse" / "commitments.duckdb"
    started = time.perf_counter()
    paths = build_corpus(raw, n_docs, kind, pages_dir)
    corpus_seconds = time.perf_counter() - started
    progress(f"corpus: {n_docs} documents written in {corpus_seconds:.1f} s")
    flow = commitments_pipeline.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))
    with prefect_api():
        started = time.perf_counter()
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size)
        pipeline_seconds = time.perf_counter() - started
    progress(f"pipeline: {pipeline_seconds:.1f} s; peak RSS so far {peak_rss_mb()[0]:.0f} MB")
    started = time.perf_counter()
    with prefect_api():
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size)
    rerun_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with prefect_api():
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size, rehash=True)
    rehash_seconds = time.perf_counter() - started
    progress(f"rerun with nothing new: {rerun_seconds:.1f} s ({rehash_seconds:.1f} s reading every file again); "
             "now the yardstick (one process)")
    rss_own, rss_children = peak_rss_mb()  # before the yardstick runs in this process
    con = duckdb.connect(str(warehouse), read_only=True)
    first_run = con.execute("select stage_seconds, rows_per_layer, model_stats from audit.runs "
                            "order by started_at limit 1").fetchone()
    con.close()
    stages = json.loads(first_run[0])
    rows = json.loads(first_run[1])
    parse_run = next((m for m in json.loads(first_run[2] or "[]") if m["model"] == "raw/sentence_parses"), None)
    yard_paths = yardstick_sample(paths, yardstick_docs)
    yard = yardstick(yard_paths)
    result = {
        "docs": n_docs, "kind": kind, "workers": workers, "batch_size": batch_size, "machine": machine(),
        "corpus_seconds": corpus_seconds, "pipeline_seconds": pipeline_seconds, "stages": stages,
        "rerun_seconds": rerun_seconds, "rerun_rehash_seconds": rehash_seconds, "yardstick_seconds": yard,
        "yardstick_docs": len(yard_paths), "peak_rss_mb": rss_own,
        "peak_rss_worker_mb": rss_children, "sentences": rows.get("raw.sentences"),
        "mentions": rows.get("marts.fct_commitment_mentions"),
        "parse_seconds": parse_run["seconds"] if parse_run else 0.0,
        "parse_note": parse_run.get("note", "") if parse_run else "",
    }
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def format_benchmark(r: dict) -> str:
    wall = r["pipeline_seconds"]
    lines = [
        f"machine: {r['machine']}",
        f"corpus: {r['docs']} {r['kind']} documents ({r['sentences']} sentences, {r['mentions']} mentions); "
        f"workers {r['workers']}, batch size {r['batch_size']}",
        f"{'stage':<12}{'seconds':>10}{'docs/s':>10}{'share':>8}",
    ]
    accounted = 0.0
    for stage, seconds in r["stages"].items():
        accounted += seconds
        lines.append(f"{stage:<12}{seconds:10.2f}{r['docs'] / seconds if seconds else 0:10.1f}{seconds / wall:8.1%}")
    other = max(wall - accounted, 0.0)
    lines.append(f"{'other':<12}{other:10.2f}{'':>10}{other / wall:8.1%}   (Prefect start-up, publish, report)")
    lines.append(f"{'pipeline':<12}{wall:10.2f}{r['docs'] / wall:10.1f}{1:8.0%}")
    yard_rate = r["yardstick_docs"] / r["yardstick_seconds"]
    sampled = "" if r["yardstick_docs"] == r["docs"] else f", a random {r['yardstick_docs']} of the documents"
    lines.append(f"{'yardstick':<12}{r['yardstick_seconds']:10.2f}{yard_rate:10.1f}"
                 f"          (trafilatura alone, same options, one process{sampled})")
    lines.append(f"throughput vs yardstick: {(r['docs'] / wall) / yard_rate:.2f}x (docs/s against docs/s)")
    sql_share = (r["stages"].get("models", 0) + r["stages"].get("checks", 0)) / wall
    lines.append(f"SQL models + checks share of wall time: {sql_share:.1%}")
    # the models stage holds the parse step (flows/parse.py runs inside the model build)
    extraction = r["stages"].get("models", 0) / wall
    lines.append(f"extraction (SQL models + parsing) share of wall time: {extraction:.1%}; parsing "
                 f"{r.get('parse_seconds', 0):.2f} s ({r.get('parse_note') or 'no parse step'})")
    lines.append(f"rerun with no new files: {r['rerun_seconds']:.1f} s (including Prefect start-up); "
                 f"{r['rerun_rehash_seconds']:.1f} s with --rehash (every file read again)")
    lines.append(f"peak RSS: flow process {r['peak_rss_mb']:.0f} MB, largest worker {r['peak_rss_worker_mb']:.0f} MB")
    return "\n".join(lines)
