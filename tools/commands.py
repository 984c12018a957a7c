"""The developer tools' commands, added to `commitments`: eval (score against gold), quality (cleaning
beside trafilatura on its benchmark pages), bench (throughput beside trafilatura alone)."""

from __future__ import annotations

import json
import sys
import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from flows.readonly import UserError, connect_read_only, warehouse_path
from flows.prefect_api import quiet_prefect
from flows.settings import default


def evaluate(
    gold: Annotated[str, typer.Option(metavar="FILE", help="gold CSV (article, actor_code, commitment_type, stance, required, ...)")],
    warehouse: Annotated[Optional[str], typer.Option(metavar="FILE", help="published DuckDB file")] = None,
    all_articles: Annotated[bool, typer.Option(
        "--all-articles", help="count facts in articles absent from the gold file as false alarms")] = False,
    min_f1: Annotated[Optional[float], typer.Option(metavar="X", help="exit 1 when F1 is below this")] = None,
) -> int:
    """Score the warehouse against a gold CSV: precision, recall, F1 and stance polarity."""
    from tools.evaluate import format_report, read_gold, score

    try:
        rows = read_gold(gold)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read gold file: {exc}") from None
    con = connect_read_only(warehouse_path(warehouse))
    try:
        result = score(con, rows, all_articles=all_articles)
    finally:
        con.close()
    print(format_report(result))
    if min_f1 is not None and result.f1 < min_f1:
        print(f"F1 {result.f1:.3f} is below --min-f1 {min_f1}", file=sys.stderr)
        return 1
    return 0


def quality(
    corpus: Annotated[Optional[str], typer.Option(
        metavar="DIR", help="folder with evaldata.json and pages/ (default: $COMMITMENTS_TRAFILATURA_EVAL)")] = None,
    limit: Annotated[Optional[int], typer.Option(metavar="N", help="only the first N pages")] = None,
) -> int:
    """Score HTML cleaning on trafilatura's benchmark pages, beside trafilatura (exit 1 if lower)."""
    from tools.quality import ENV_VAR, evaluate_corpus, format_scores

    folder = corpus or os.environ.get(ENV_VAR)
    if not folder:
        raise UserError(f"give --corpus DIR or set {ENV_VAR} (a folder with evaldata.json and pages/)")
    folder = Path(folder)
    if not (folder / "evaldata.json").is_file():
        raise UserError(f"no evaldata.json in {folder}")
    scores = evaluate_corpus(folder, limit)
    n_pages = min(len(json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))), limit or 10**9)
    print(format_scores(scores, n_pages))
    return 0 if scores["pipeline"].f1 >= scores["trafilatura"].f1 else 1


def bench(
    docs: Annotated[Optional[int], typer.Option(metavar="N", help="number of documents")] = None,
    kind: Annotated[Literal["html", "news", "text", "mixed"], typer.Option(help=(
        "html: real pages from --pages (else generated pages); news: generated English news pages of about "
        "40 KB around the bundled articles (or, with --pages, around the English texts of those pages); "
        "text: dumps; mixed: half and half"))] = "mixed",
    workers: Annotated[int, typer.Option(metavar="N", help="cleaning processes")] = default("workers"),
    batch_size: Annotated[int, typer.Option(metavar="N", help="files per cleaning task")] = default("batch_size"),
    pages: Annotated[Optional[str], typer.Option(metavar="DIR", help=(
        "folder of real HTML pages to use as templates (default: $COMMITMENTS_TRAFILATURA_EVAL/pages if set)"))] = None,
    workdir: Annotated[Optional[str], typer.Option(metavar="DIR", help="where to build the corpus (default: a temp folder)")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="keep the corpus and warehouse")] = False,
    yardstick_docs: Annotated[Optional[int], typer.Option(metavar="K", help=(
        "time the yardstick on a seeded random sample of this many of the documents (default: all; at "
        "100,000 documents all of them take about an hour)"))] = None,
    add: Annotated[int, typer.Option(metavar="N", help=(
        "after the reruns, add N new documents and run again (an incremental build: its build time against "
        "the first, full one)"))] = 100,
    model_sentences: Annotated[Optional[str], typer.Option(metavar="N[,M...]", help="time the SQL models alone on N[,M...] sentences")] = None,
) -> int:
    """Benchmark the flow against trafilatura alone: N distinct documents, the flow, a rerun and the
    yardstick (trafilatura alone, one process) in one run; seconds, docs/s, shares and peak RSS."""
    quiet_prefect(False)
    from tools import bench as benchmark

    if model_sentences:
        print(f"machine: {benchmark.machine()}")
        for n in [int(x) for x in model_sentences.split(",")]:
            r = benchmark.model_scaling(n)
            print(f"{r['sentences']:>10} sentences: SQL models {r['seconds']:7.2f} s "
                  f"({r['sentences'] / r['seconds']:,.0f} sentences/s; slowest model {r['slowest']})")
        return 0
    if not docs:
        raise UserError("give --docs N (or --model-sentences N,M)")
    templates = Path(pages) if pages else None
    if templates is None and os.environ.get("COMMITMENTS_TRAFILATURA_EVAL") and kind in ("html", "mixed"):
        templates = Path(os.environ["COMMITMENTS_TRAFILATURA_EVAL"]) / "pages"
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="commitments-bench-"))
    result = benchmark.run_benchmark(docs, kind, folder, workers, batch_size, templates, keep, yardstick_docs, add)
    print(f"html templates: {templates if templates else 'generated from the bundled samples'}")
    print(benchmark.format_benchmark(result))
    return 0


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)
    app.command()(quality)
    app.command()(bench)
