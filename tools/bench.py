"""Benchmarks that print numbers, measured side by side in one run.

`commitments bench --docs N` builds a synthetic corpus of N distinct documents from realistic pages
and dumps (perturbed so every hash differs), runs the real flow on it, then measures the yardstick -
trafilatura alone, same options, one process - over the same documents, and a rerun with nothing new.
`commitments bench --model-sentences 100000,1000000` times the SQL models alone on N sentences.
"""

from __future__ import annotations

import html
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

from flows.ingest.clean import TRAFILATURA_OPTIONS
from flows.settings import DEFAULT_RAW_DIR

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


def english_texts(pages_dir: Path | None, min_chars: int = 1500) -> list[str]:
    """Article texts for news pages: the English bodies trafilatura extracts from real pages (read when
    the benchmark runs, never stored in the project)."""
    import py3langid

    texts = []
    for page in html_templates(pages_dir):
        text = trafilatura.extract(page, include_comments=False, include_tables=False, deduplicate=False) or ""
        if len(text) >= min_chars and text.count("\n") >= 6 and py3langid.classify(text[:1500])[0] == "en":
            texts.append(text)
    return texts


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


NEWS_SECTIONS = ["World", "Europe", "Africa", "Asia", "Americas", "Middle East", "Politics", "Business",
                 "Markets", "Technology", "Science", "Health", "Climate", "Sport", "Culture", "Opinion", "Analysis",
                 "Video", "Podcasts", "Newsletters"]
NEWS_SCRIPT = """(function(w,d){{var q=w.__ads{k}=w.__ads{k}||[];function slot{k}(id,sizes,targeting){{var el=d.getElementById(id);
if(!el){{return null}}q.push({{id:id,sizes:sizes,targeting:targeting||{{}},ts:Date.now()}});el.setAttribute('data-slot','{k}');
return el}}w.addEventListener('load',function(){{slot{k}('ad-top-{k}',[[728,90],[970,250]],{{section:'{section}',page:{i}}});
slot{k}('ad-side-{k}',[[300,250],[300,600]]);var s=d.createElement('script');s.async=true;
s.src='https://cdn.example-ads.net/tag/{k}.js?v={i}';d.head.appendChild(s)}});
w.analytics{k}={{track:function(e,p){{(w.dataLayer=w.dataLayer||[]).push({{event:e,props:p,section:'{section}'}})}}}};
}})(window,document);"""
NEWS_STYLE = ".site-header{{display:flex;align-items:center}}.nav-{k} a{{padding:0 .5rem;color:#1a1a1a}}" \
             ".article-body p{{font-size:1.1rem;line-height:1.6}}.comment-{k}{{border-top:1px solid #ddd;padding:.5rem 0}}"
COMMENT_LINES = ["Thanks for the clear reporting on this.", "I would like to see the full text of the statement.",
                 "This has been coming for months, frankly.", "Who pays for all of it in the end?",
                 "Good summary, but the map in the second section is out of date.", "Reply to the comment above: agreed.",
                 "Will there be a follow-up once the details are published?", "Subscribed just to read this one."]


def news_page(text: str, i: int, rng: random.Random) -> str:
    """A distinct English news page of about 40 KB around a bundled article, shaped like a news site's
    page: inline scripts and styles, JSON-LD, a mega-menu, the article, story cards, a most-read list, a
    comment thread and a footer of link columns (trafilatura takes about as long on it as on a real
    40 KB news page)."""
    paragraphs = [html.escape(p, quote=False) for p in perturbed_text(text, i, rng).split("\n\n")
                  if len(p.split()) > 6]
    site = SITES[i % len(SITES)]
    host = site.lower().replace(" ", "") + ".example"
    section = NEWS_SECTIONS[i % len(NEWS_SECTIONS)]
    city = CITIES[i % len(CITIES)]
    date = f"2026-01-{i % 28 + 1:02d}"
    title = html.escape(" ".join(html.unescape(paragraphs[0]).split()[:10]).rstrip(".,;:") + f" (report {i})")
    slug = lambda name: name.lower().replace(" ", "-")  # noqa: E731
    scripts = "\n".join(f"<script>{NEWS_SCRIPT.format(k=f'{i}x{k}', section=section, i=i)}</script>"
                        for k in range(6))
    styles = "".join(NEWS_STYLE.format(k=f"{i}x{k}") for k in range(4))
    menu = "".join(
        f'<li class="menu-item"><div class="menu-item__inner"><a class="menu-link" href="/{slug(s)}">'
        f'<span class="menu-label">{s}</span></a><ul class="submenu">'
        + "".join(f'<li class="submenu-item"><a href="/{slug(s)}/{k}"><span>{s} {sub}</span></a></li>'
                  for k, sub in enumerate(("latest", "explained", "live", "in pictures", "archive")))
        + "</ul></div></li>" for s in NEWS_SECTIONS)
    cards = "".join(
        f'<div class="card card--{k % 3}"><a class="card__link" href="/{slug(rng.choice(NEWS_SECTIONS))}/story-{i}-{k}">'
        f'<div class="card__media"><img src="/img/{i}-{k}.jpg" alt=""></div><div class="card__body">'
        f'<span class="card__kicker">{rng.choice(NEWS_SECTIONS)}</span><h3 class="card__title">Briefing from '
        f'{CITIES[(i + k) % len(CITIES)]}, part {k}</h3><span class="card__time">{k + 1}h ago</span></div></a></div>'
        for k in range(16))
    most_read = "".join(f'<li><a href="/{slug(section)}/story-{i}-{k}"><span class="rank">{k + 1}</span>'
                        f'<span>Most read: {rng.choice(NEWS_SECTIONS)} briefing for {CITIES[(i + k) % len(CITIES)]}'
                        f'</span></a></li>' for k in range(10))
    comments = "".join(
        f'<div class="comment" id="c{i}-{k}"><div class="comment__meta"><span class="comment__user">reader'
        f'{rng.randrange(10_000)}</span> <span class="comment__time">{k + 2} minutes ago</span></div>'
        f'<div class="comment__text"><p>{rng.choice(COMMENT_LINES)}</p></div><div class="comment__actions">'
        f'<a href="#reply-{k}">Reply</a> <a href="#like-{k}">Like</a> <a href="#report-{k}">Report</a></div></div>'
        for k in range(24))
    footer = "".join(f'<div class="footer-col"><h4>{s}</h4><ul>'
                     + "".join(f'<li><a href="/{slug(s)}/{k}">{s} {k}</a></li>' for k in range(4))
                     + "</ul></div>" for s in NEWS_SECTIONS)
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": html.unescape(title),
                         "datePublished": f"{date}T08:{i % 60:02d}:00Z",
                         "author": {"@type": "Person", "name": "A. Writer"},
                         "publisher": {"@type": "Organization", "name": site}}).replace("<", "\\u003c")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}"><meta name="description" content="{html.escape(paragraphs[0][:150])}">
<link rel="canonical" href="https://{host}/{slug(section)}/story-{i}">
<script type="application/ld+json">{jsonld}</script><style>{styles}</style>
{scripts}</head><body>
<div class="cookie-banner">We use cookies to improve your experience. By continuing to browse you accept our use of cookies.
<button>Accept</button> <a href="/privacy">Manage settings</a></div>
<header class="site-header"><a href="/" class="logo">{site}</a><nav class="menu"><ul>{menu}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<div class="ticker">Breaking: markets open higher in {city}; live coverage continues</div>
<div id="ad-top-{i}x0" class="ad">Advertisement</div>
<main><article><h1>{title}</h1><p class="byline">By A. Writer, {city}</p>
<time datetime="{date}">{date}</time><div class="article-body">
{body}
</div><div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</article>
<section class="more"><h2>More on this story</h2><div class="cards">{cards}</div></section>
<aside><h2>Most read</h2><ol>{most_read}</ol><div id="ad-side-{i}x0" class="ad">Advertisement</div>
<div class="newsletter"><h3>Newsletter</h3><p>Sign up for the morning briefing.</p></div></aside>
<section class="comments"><h2>Comments (24)</h2>{comments}</section></main>
<footer><div class="footer-cols">{footer}</div><p>Copyright 2026 {site}. All rights reserved.</p>
<a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer></body></html>"""


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


def build_corpus(out_dir: Path, n_docs: int, kind: str, pages_dir: Path | None = None, seed: int = 7,
                 first: int = 0) -> list[Path]:
    """Write n_docs distinct documents (html, news, text or mixed) into out_dir; with `first`, only
    documents first..n_docs-1 (the same ones a corpus of n_docs holds: documents added to one of `first`)."""
    rng = random.Random(seed)
    if kind == "news":  # articles: the English pages' texts when pages are given, else the bundled samples
        texts, pages = english_texts(pages_dir) or sample_texts(), []
    else:
        texts, pages = sample_texts(), html_templates(pages_dir)
    offsets = [body_offset(page) for page in pages]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_docs):
        as_html = kind == "html" or (kind == "mixed" and i % 2 == 0)
        if kind == "news":
            name, content = f"doc-{i:07d}.html", news_page(texts[i % len(texts)], i, rng)
        elif as_html:
            name = f"doc-{i:07d}.html"
            content = (perturbed_page(pages[i % len(pages)], i, offsets[i % len(pages)]) if pages
                       else html_from_text(texts[i % len(texts)], i, rng))
        else:
            name, content = f"doc-{i:07d}.txt", perturbed_text(texts[i % len(texts)], i, rng)
        if i < first:  # made all the same: the random draws of the documents after it stay the same
            continue
        path = out_dir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
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
    from flows.ingest import batches
    from flows.warehouse import lexicon, models
    from flows.ingest.clean import clean_bytes
    from flows.settings import SQL_DIR

    rows = [clean_bytes(p.read_bytes(), p.name).as_row() for p in sorted(DEFAULT_RAW_DIR.glob("*.txt"))]
    sentences = batches.sentence_rows(rows)
    con = duckdb.connect()
    for schema in models.SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    con.register("sentence_frame", sentences)
    con.register("article_frame", batches.cleaned_frame(rows))
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
    lexicon.load_seeds(con, lexicon.read_seeds(SQL_DIR / "seeds"))
    started = time.perf_counter()
    runs = models.run_compiled(con)  # the SQL's own cost, without dbt's fixed cost per model
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
                  pages_dir: Path | None, keep: bool = False, yardstick_docs: int | None = None,
                  add_docs: int = 100) -> dict:
    """Corpus -> flow run (timed per stage) -> reruns with nothing new (stats trusted, then --rehash) ->
    `add_docs` new documents (an incremental build) -> yardstick, all in this process."""
    from flows.pipeline import commitments_pipeline
    from flows.prefect_api import prefect_api
    from flows.preload import loaded_objects_frozen
    from prefect.task_runners import ProcessPoolTaskRunner

    raw = workdir / "raw"
    warehouse = workdir / "warehouse" / "commitments.duckdb"
    started = time.perf_counter()
    paths = build_corpus(raw, n_docs, kind, pages_dir)
    corpus_seconds = time.perf_counter() - started
    progress(f"corpus: {n_docs} documents written in {corpus_seconds:.1f} s")
    flow = commitments_pipeline.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))
    with loaded_objects_frozen(), prefect_api():
        started = time.perf_counter()
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size)
        pipeline_seconds = time.perf_counter() - started
    progress(f"pipeline: {pipeline_seconds:.1f} s; peak RSS so far {peak_rss_mb()[0]:.0f} MB")
    started = time.perf_counter()
    with loaded_objects_frozen(), prefect_api():
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size)
    rerun_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with loaded_objects_frozen(), prefect_api():
        flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size, rehash=True)
    rehash_seconds = time.perf_counter() - started
    progress(f"rerun with nothing new: {rerun_seconds:.1f} s ({rehash_seconds:.1f} s reading every file again); "
             f"now {add_docs} new documents")
    added = {}
    if add_docs:
        build_corpus(raw, n_docs + add_docs, kind, pages_dir, first=n_docs)
        started = time.perf_counter()
        with loaded_objects_frozen(), prefect_api():
            flow(raw_dir=str(raw), warehouse=str(warehouse), batch_size=batch_size)
        added = {"docs": add_docs, "seconds": time.perf_counter() - started}
        progress(f"{add_docs} new documents: {added['seconds']:.1f} s; now the yardstick (one process)")
    rss_own, rss_children = peak_rss_mb()  # before the yardstick runs in this process
    con = duckdb.connect(str(warehouse), read_only=True)
    first_run = con.execute("select stage_seconds, rows_per_layer, model_stats, stage_profile from audit.runs "
                            "order by started_at limit 1").fetchone()
    if added:
        stage_seconds, plan = con.execute("select stage_seconds, build_plan from audit.runs "
                                          "order by started_at desc limit 1").fetchone()
        added |= {"stages": json.loads(stage_seconds), "plan": json.loads(plan)}
    con.close()
    stages = json.loads(first_run[0])
    rows = json.loads(first_run[1])
    parse_run = next((m for m in json.loads(first_run[2] or "[]") if m["model"] == "intermediate/int_sentence_parses"), None)
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
        "profile": json.loads(first_run[3] or "{}"),
        "cores": os.cpu_count() or 1, "added": added,
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
    # the models stage holds the parse step (flows/warehouse/parse.py runs inside the model build)
    extraction = r["stages"].get("models", 0) / wall
    lines.append(f"extraction (SQL models + parsing) share of wall time: {extraction:.1%}; parsing "
                 f"{r.get('parse_seconds', 0):.2f} s ({r.get('parse_note') or 'no parse step'})")
    lines.append(f"rerun with no new files: {r['rerun_seconds']:.1f} s (including Prefect start-up); "
                 f"{r['rerun_rehash_seconds']:.1f} s with --rehash (every file read again)")
    if r.get("added"):
        a = r["added"]
        lines.append(f"{a['docs']} new documents into {r['docs']}: build {a['stages'].get('models', 0):.1f} s "
                     f"(full build above {r['stages'].get('models', 0):.1f} s), clean {a['stages'].get('clean', 0):.1f} s, "
                     f"checks {a['stages'].get('checks', 0):.1f} s, run {a['seconds']:.1f} s; {a['plan']['summary']}; "
                     + ", ".join(f"{k} {v:.1f} s" for k, v in a["plan"].get("seconds", {}).items()))
    lines.append(f"peak RSS: flow process {r['peak_rss_mb']:.0f} MB, largest worker {r['peak_rss_worker_mb']:.0f} MB")
    lines += format_profile(r.get("profile") or {}, r["stages"], r.get("cores", 2))
    lines += format_ceiling(r)
    return "\n".join(lines)


def format_ceiling(r: dict) -> list[str]:
    """What the run's CPU work allows: the yardstick's docs/s against the flow's CPU seconds spread perfectly
    over the cores (a target above this needs less work, not better parallelism)."""
    cpu = (r.get("profile") or {}).get("cpu_seconds") or {}
    if not cpu or not r.get("yardstick_seconds"):
        return []
    cores = r.get("cores", 2)
    total = sum(sum(roles.values()) for roles in cpu.values())
    clean = sum((cpu.get("clean") or {}).values())
    yard_seconds_for_all = r["yardstick_seconds"] * r["docs"] / r["yardstick_docs"]
    lines = [f"CPU work of the run: {total:.1f} s ({1000 * total / r['docs']:.1f} ms a document; cleaning "
             f"{clean:.1f} s, the rest {total - clean:.1f} s); on {cores} cores it allows at most "
             f"{yard_seconds_for_all / (total / cores):.2f}x the yardstick (cleaning alone: "
             f"{yard_seconds_for_all / (clean / cores) if clean else 0:.2f}x)"]
    workers = (cpu.get("clean") or {}).get("workers", 0.0)
    if workers:
        # the floor: the workers do trafilatura's body extraction and more, so no change elsewhere in the
        # run (orchestration, models, checks) can take the ratio past what their own work allows
        lines.append(f"cleaning workers alone: {1000 * workers / r['docs']:.1f} CPU ms a document against the "
                     f"yardstick's {1000 * yard_seconds_for_all / r['docs']:.1f} ms "
                     f"({workers / yard_seconds_for_all:.2f} times its work); with nothing else to do, "
                     f"{cores} cores allow at most {yard_seconds_for_all / (workers / cores):.2f}x")
    return lines


def format_profile(profile: dict, stages: dict[str, float], cores: int) -> list[str]:
    """The run's profile: CPU seconds of each process per stage, and the cleaning workers' steps."""
    cpu, steps = profile.get("cpu_seconds") or {}, profile.get("worker_steps") or {}
    if not cpu:
        return []
    lines = ["", f"profile of the first run: CPU seconds per process in each stage ({cores} cores = "
                 f"{cores} CPU seconds per wall second)",
             f"{'stage':<12}{'wall':>8}{'flow':>8}{'workers':>9}{'api':>8}{'cores busy':>12}"]
    for stage, wall in stages.items():
        c = cpu.get(stage, {})
        busy = sum(c.values()) / wall if wall else 0.0
        lines.append(f"{stage:<12}{wall:8.2f}{c.get('flow', 0):8.2f}{c.get('workers', 0):9.2f}{c.get('api', 0):8.2f}"
                     f"{busy:12.2f}")
    clean_wall, clean_cpu = stages.get("clean", 0.0), cpu.get("clean", {})
    if steps and clean_wall:
        useful = sum(steps.values())
        lines.append(f"cleaning workers' steps (seconds summed over workers; useful work = {useful:.2f} s, "
                     f"{useful / (cores * clean_wall):.0%} of the {cores} cores during cleaning):")
        for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {name:<28}{seconds:8.2f}{seconds / useful:8.1%}")
        overhead = max(clean_cpu.get("workers", 0.0) - useful, 0.0)
        lines.append(f"  {'(worker CPU besides steps)':<28}{overhead:8.2f}   start-up imports, Prefect task engine")
        lines.append(f"  {'(flow + API during clean)':<28}{clean_cpu.get('flow', 0) + clean_cpu.get('api', 0):8.2f}"
                     "   storing batches, orchestration, API requests")
    return lines
