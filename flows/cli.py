"""`commitments`: run the flow, query and export the warehouse, score it, regenerate its report."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from pathlib import Path

from flows.config import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE, make_settings


class UserError(Exception):
    """An expected failure: printed as one line, exit code 1, no traceback."""


def _quiet_prefect(verbose: bool) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        # the command prints its own summary or one-line error; Prefect's logs stay in its API
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")


@contextlib.contextmanager
def prefect_api():
    """Use PREFECT_API_URL when set; otherwise start Prefect's local API once for the whole run.

    Starting it here (rather than letting each process start its own) lets the cleaning processes
    report to the same local API as the flow.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()
    server.start()
    if server.server_process is not None:
        from flows.stopping import PROTECTED_PIDS

        PROTECTED_PIDS.add(server.server_process.pid)
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url
            finally:
                _drain_prefect_workers()
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


def _drain_prefect_workers() -> None:
    with contextlib.suppress(Exception):
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=5)
    with contextlib.suppress(Exception):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=5)


def _warehouse_path(value: str | None) -> Path:
    path = Path(value).expanduser().resolve() if value else DEFAULT_WAREHOUSE
    if not path.is_file():
        raise UserError(f"no published warehouse at {path} (run `commitments run` first)")
    return path


def _connect_read_only(path: Path, sandboxed: bool = False):
    """A read-only connection; `sandboxed` (ad hoc SQL) also uses DuckDB's own sandbox: no file
    system access besides the warehouse (no COPY TO, read_text, glob, ATTACH, query log), no extension
    loading, and a locked configuration (no SET memory_limit / threads / log_query_path)."""
    import duckdb

    config = {}
    if sandboxed:
        config = {"enable_external_access": False, "autoload_known_extensions": False,
                  "autoinstall_known_extensions": False, "lock_configuration": True}
    try:
        return duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.Error as exc:
        raise UserError(f"cannot open {path} read-only: {str(exc).splitlines()[0]}") from None


# --------------------------------------------------------------------------- run

def cmd_run(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    settings = make_settings(args.raw_dir, args.warehouse)
    if not settings.raw_dir.is_dir():
        raise UserError(f"raw folder not found: {settings.raw_dir}")
    from flows.models import LexiconError
    from flows.pipeline import ChecksFailed, commitments_pipeline
    from flows.discover import RawFolderMissing
    from flows.publish import RunInProgress

    from flows.stopping import RunStopped, end_children, stop_on_signals

    flow = commitments_pipeline.with_options(task_runner=task_runner(args.task_runner, args.workers, args.dask_address))
    try:
        with stop_on_signals(settings.warehouse, settings.state_path, settings.raw_dir):
            with prefect_api():
                summary = flow(raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse),
                               batch_size=args.batch_size, doc_timeout_s=args.timeout, wait_for_lock=args.wait,
                               rehash=args.rehash,
                               pause_at=args.pause_at, pause_marker=args.pause_marker)
    except (RunInProgress, ChecksFailed, LexiconError, RawFolderMissing) as exc:
        raise UserError(str(exc)) from None
    except Exception as exc:
        import duckdb

        disk_words = ("No space left on device", "Read-only file system", "Disk quota exceeded")
        if not (isinstance(exc, (OSError, duckdb.IOException)) or any(w in str(exc) for w in disk_words)):
            raise
        # a full disk, a folder that became read-only: one line; the run is recorded as crashed
        reason = getattr(exc, "strerror", None) or next(
            (w for w in disk_words if w in str(exc)), str(exc).strip().splitlines()[0][:300])
        raise UserError(f"the run failed writing to disk: {reason}; the published warehouse was left "
                        "as it was and the run is recorded as crashed") from None
    except RunStopped as exc:
        end_children()
        print(f"commitments: {exc}; the published warehouse was left as it was and the run is recorded as "
              "crashed", file=sys.stderr)
        return exc.exit_code
    print(format_summary(summary))
    return 0


def task_runner(kind: str, workers: int, dask_address: str | None = None):
    """Cleaning batches map over processes on this machine, or over a Dask cluster (prefect-dask)."""
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=workers)


REJECTS_SHOWN = 20  # the console lists this many rejected files; the report and raw.rejects have them all


def format_summary(summary: dict) -> str:
    lines = [
        f"run {summary['run_id']}: {summary['status']}",
        f"files: {summary['files_found']} found, {summary['files_new']} new, {summary['files_changed']} changed, "
        f"{summary['files_unchanged']} unchanged, {summary['files_rejected']} rejected",
        f"articles: {summary['articles']} ({summary['non_english']} not English, kept and skipped by extraction)",
    ]
    for source_file, reason in summary["rejects"][:REJECTS_SHOWN]:
        shown = source_file if source_file.isprintable() else source_file.encode("unicode_escape").decode("ascii")
        lines.append(f"  rejected {shown}: {reason}")
    if len(summary["rejects"]) > REJECTS_SHOWN:
        lines.append(f"  ... and {len(summary['rejects']) - REJECTS_SHOWN} more rejected files "
                     '(commitments sql "select * from raw.rejects")')
    if summary.get("message"):
        lines.append(summary["message"])
    if summary["rows"]:
        lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in summary["rows"].items() if k.startswith("marts.")))
    lines.append(f"warehouse: {summary['warehouse']}")
    lines.append(f"report: {summary['report']}")
    if summary.get("flow_run_id"):
        lines.append(f"prefect flow run: {summary['flow_run_id']}")
    return "\n".join(lines)


def cmd_serve(args: argparse.Namespace) -> int:
    _quiet_prefect(args.verbose)
    settings = make_settings(args.raw_dir, args.warehouse)
    if not settings.raw_dir.is_dir():
        raise UserError(f"raw folder not found: {settings.raw_dir}")
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=args.cron)
    except ValueError:
        raise UserError(f"not a cron expression: {args.cron!r}") from None
    from flows.serve import DEPLOYMENT_NAME, prefect_server, serve_flow

    with prefect_server() as (api_url, ui_url):
        print(f"serving deployment commitments/{DEPLOYMENT_NAME} on cron {args.cron!r} against {api_url}")
        if ui_url:
            print(f"Prefect UI: {ui_url} (started for this session; stops with Ctrl-C)")
        print("press Ctrl-C to stop", flush=True)
        serve_flow(settings.raw_dir, settings.warehouse, args.cron, args.workers)
    return 0


# --------------------------------------------------------------------------- sql, tables, export

READ_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA", "SHOW", "DESCRIBE", "SUMMARIZE", "VARIABLE_SET", "SET"}


def check_read_only(sql: str) -> None:
    """Refuse anything but queries, before DuckDB sees it, with a clear message."""
    import duckdb

    try:
        kinds = [statement.type.name for statement in duckdb.extract_statements(sql)]
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).splitlines()[0]}") from None
    if not kinds:
        raise UserError("no SQL statement given")
    for kind in kinds:
        if kind not in READ_STATEMENTS:
            raise UserError(
                f"refused: {kind} statements are not allowed; `commitments sql` is read-only "
                "(the warehouse is rebuilt by `commitments run`)"
            )


def format_rows(columns: list[str], rows: list[tuple], fmt: str) -> str:
    def cell(value) -> str:
        return "" if value is None else str(value)

    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], default=str, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[cell(v) for v in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "markdown":
        def md(value: str) -> str:
            return value.replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(md(cell(v)) for v in row) + " |" for row in rows]
        return "\n".join(lines)
    texts = [[cell(v).replace("\n", " ") for v in row] for row in rows]
    widths = [min(max([len(c)] + [len(t[i]) for t in texts]), 80) for i, c in enumerate(columns)]
    def line(values):
        return "  ".join(v[:80].ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(columns), line(["-" * w for w in widths])] + [line(t) for t in texts]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    if args.file:
        try:
            sql = Path(args.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot read {args.file}: {exc.strerror}") from None
    elif args.query:
        sql = args.query
    else:
        raise UserError("give a query or --file FILE")
    check_read_only(sql)
    con = _connect_read_only(_warehouse_path(args.warehouse), sandboxed=True)
    try:
        result = con.execute(sql)
        if result.description is None:
            return 0
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).strip()}") from None
    finally:
        con.close()
    print(format_rows(columns, rows, args.format))
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    con = _connect_read_only(_warehouse_path(args.warehouse))
    try:
        rows = con.execute(
            """select schema_name, table_name, 'table' as kind, estimated_size as rows, comment
               from duckdb_tables() where database_name = current_database()
               union all
               select schema_name, view_name, 'view', null, comment
               from duckdb_views() where not internal and database_name = current_database()
               order by 1, 2"""
        ).fetchall()
        exact = []
        for schema, name, kind, n, comment in rows:
            count = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            exact.append((schema, name, kind, count, comment or ""))
    finally:
        con.close()
    print(format_rows(["schema", "name", "kind", "rows", "description"], exact, args.format))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    con = _connect_read_only(_warehouse_path(args.warehouse))
    try:
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' and database_name = current_database() order by 1"
        ).fetchall()]
        for name in names:
            target = out / f"{name}.{args.format}"
            options = "(format parquet)" if args.format == "parquet" else "(format csv, header true)"
            con.execute(f"copy marts.{name} to '{str(target).replace(chr(39), chr(39) * 2)}' {options}")
            print(f"wrote {target}")
    finally:
        con.close()
    return 0


# --------------------------------------------------------------------------- eval, report

def cmd_eval(args: argparse.Namespace) -> int:
    from flows.evaluate import format_report, read_gold, score

    try:
        gold = read_gold(args.gold)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read gold file: {exc}") from None
    con = _connect_read_only(_warehouse_path(args.warehouse))
    try:
        result = score(con, gold, all_articles=args.all_articles)
    finally:
        con.close()
    print(format_report(result))
    if args.min_f1 is not None and result.f1 < args.min_f1:
        print(f"F1 {result.f1:.3f} is below --min-f1 {args.min_f1}", file=sys.stderr)
        return 1
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from flows.report import render_report

    path = _warehouse_path(args.warehouse)
    con = _connect_read_only(path)
    try:
        if args.run_id:
            known = [r[0] for r in con.execute("select run_id from audit.runs order by started_at").fetchall()]
            if args.run_id not in known:
                latest = f"; the latest is {known[-1]}" if known else ""
                raise UserError(f"no run {args.run_id!r} in {path} ({len(known)} runs recorded{latest})")
        page = render_report(con, args.run_id)
    finally:
        con.close()
    out = Path(args.out) if args.out else path.parent / "reports" / "latest.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"report: {out}")
    return 0


def cmd_quality(args: argparse.Namespace) -> int:
    from flows.quality import ENV_VAR, evaluate_corpus, format_scores

    corpus = args.corpus or os.environ.get(ENV_VAR)
    if not corpus:
        raise UserError(f"give --corpus DIR or set {ENV_VAR} (a folder with evaldata.json and pages/)")
    corpus = Path(corpus)
    if not (corpus / "evaldata.json").is_file():
        raise UserError(f"no evaldata.json in {corpus}")
    scores = evaluate_corpus(corpus, args.limit)
    import json as _json

    n_pages = min(len(_json.loads((corpus / "evaldata.json").read_text(encoding="utf-8"))), args.limit or 10**9)
    print(format_scores(scores, n_pages))
    return 0 if scores["pipeline"].f1 >= scores["trafilatura"].f1 else 1


def cmd_bench(args: argparse.Namespace) -> int:
    _quiet_prefect(False)
    import tempfile

    from flows import bench

    if args.model_sentences:
        print(f"machine: {bench.machine()}")
        for n in [int(x) for x in args.model_sentences.split(",")]:
            r = bench.model_scaling(n)
            print(f"{r['sentences']:>10} sentences: SQL models {r['seconds']:7.2f} s "
                  f"({r['sentences'] / r['seconds']:,.0f} sentences/s; slowest model {r['slowest']})")
        return 0
    if not args.docs:
        raise UserError("give --docs N (or --model-sentences N,M)")
    pages = Path(args.pages) if args.pages else None
    if pages is None and os.environ.get("COMMITMENTS_TRAFILATURA_EVAL") and args.kind in ("html", "mixed"):
        pages = Path(os.environ["COMMITMENTS_TRAFILATURA_EVAL"]) / "pages"
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="commitments-bench-"))
    result = bench.run_benchmark(args.docs, args.kind, workdir, args.workers, args.batch_size, pages, args.keep,
                                 args.yardstick_docs)
    print(f"html templates: {pages if pages else 'generated from the bundled samples'}")
    print(bench.format_benchmark(result))
    return 0


# --------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commitments",
        description="Who has committed to what: build and query a commitments warehouse from news articles.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the flow once: clean raw/, build, check and publish the warehouse",
                         description="Run the Prefect flow once over the raw folder and publish the warehouse.")
    run.add_argument("--raw-dir", default=None, help=f"folder of raw articles (default: {DEFAULT_RAW_DIR.name}/)")
    run.add_argument("--warehouse", default=None, help="published DuckDB file (default: warehouse/commitments.duckdb)")
    run.add_argument("--batch-size", type=int, default=500, help="files per cleaning task (default 500)")
    run.add_argument("--workers", type=int, default=2, help="cleaning processes (default 2)")
    run.add_argument("--task-runner", choices=["process", "dask"], default="process",
                     help="where cleaning batches run: local processes (default) or a Dask cluster")
    run.add_argument("--dask-address", default=None,
                     help="tcp://HOST:PORT of a Dask scheduler (default with --task-runner dask: a temporary "
                          "LocalCluster of --workers processes)")
    run.add_argument("--timeout", type=float, default=20.0, help="seconds allowed to clean one document (default 20)")
    run.add_argument("--wait", action="store_true", help="wait for a run in progress instead of exiting")
    run.add_argument("--rehash", action="store_true",
                     help="read every raw file again instead of trusting unchanged stats (size, mtime, ctime, inode)")
    run.add_argument("--verbose", action="store_true", help="show Prefect's logs")
    # test hooks: stop at a stage (cleaned, built, checked, published) so that tests can kill the run there
    run.add_argument("--pause-at", default=None, help=argparse.SUPPRESS)
    run.add_argument("--pause-marker", default=None, help=argparse.SUPPRESS)
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve the flow as a Prefect deployment on a cron schedule",
                           description="Register a Prefect deployment with a cron schedule and run what it "
                                       "schedules until Ctrl-C. Without PREFECT_API_URL a local `prefect server "
                                       "start` is run for the session (cron needs a real server).")
    serve.add_argument("--cron", default="0 * * * *", help='cron schedule (default "0 * * * *": hourly)')
    serve.add_argument("--raw-dir", default=None)
    serve.add_argument("--warehouse", default=None)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--verbose", action="store_true")
    serve.set_defaults(func=cmd_serve)

    sql = sub.add_parser("sql", help="run a read-only query on the published warehouse",
                         description="Run a read-only SQL query on the published warehouse (works during a run).")
    sql.add_argument("query", nargs="?", help="the SQL text")
    sql.add_argument("--file", help="read the SQL from a file")
    sql.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    sql.add_argument("--warehouse", default=None)
    sql.set_defaults(func=cmd_sql)

    tables = sub.add_parser("tables", help="list schemas, tables, row counts and descriptions")
    tables.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    tables.add_argument("--warehouse", default=None)
    tables.set_defaults(func=cmd_tables)

    export = sub.add_parser("export", help="write the marts as parquet or csv files")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.add_argument("--out", required=True, help="output folder")
    export.add_argument("--warehouse", default=None)
    export.set_defaults(func=cmd_export)

    ev = sub.add_parser("eval", help="score the warehouse against a gold CSV of expected commitments",
                        description="Precision, recall, F1 and stance polarity against hand annotations.")
    ev.add_argument("--gold", required=True, help="gold CSV (article, actor_code, commitment_type, stance, required, ...)")
    ev.add_argument("--warehouse", default=None)
    ev.add_argument("--all-articles", action="store_true",
                    help="count facts in articles absent from the gold file as false alarms")
    ev.add_argument("--min-f1", type=float, default=None, help="exit 1 when F1 is below this")
    ev.set_defaults(func=cmd_eval)

    rep = sub.add_parser("report", help="regenerate the HTML data-quality report from a published warehouse")
    rep.add_argument("--warehouse", default=None)
    rep.add_argument("--out", default=None, help="output file (default: warehouse/reports/latest.html)")
    rep.add_argument("--run-id", default=None, help="report on this run (default: the latest)")
    rep.set_defaults(func=cmd_report)
    bench = sub.add_parser("bench", help="benchmark the flow against trafilatura alone on a synthetic corpus",
                           description="Build N distinct documents, run the flow, a rerun and the yardstick "
                                       "(trafilatura alone, one process) in one run; print seconds, docs/s, share "
                                       "of wall time and peak RSS.")
    bench.add_argument("--docs", type=int, default=None, help="number of documents")
    bench.add_argument("--kind", choices=["html", "news", "text", "mixed"], default="mixed",
                       help="html: real pages from --pages (else generated pages); news: generated English news "
                            "pages of about 40 KB around the bundled articles (or, with --pages, around the "
                            "English texts of those pages); text: dumps; mixed: half and half")
    bench.add_argument("--workers", type=int, default=2)
    bench.add_argument("--batch-size", type=int, default=500)
    bench.add_argument("--pages", default=None, help="folder of real HTML pages to use as templates "
                                                     "(default: $COMMITMENTS_TRAFILATURA_EVAL/pages if set)")
    bench.add_argument("--workdir", default=None, help="where to build the corpus (default: a temp folder)")
    bench.add_argument("--keep", action="store_true", help="keep the corpus and warehouse")
    bench.add_argument("--yardstick-docs", type=int, default=None,
                       help="time the yardstick on a seeded random sample of this many of the documents "
                            "(default: all; at 100,000 documents all of them take about an hour)")
    bench.add_argument("--model-sentences", default=None, help="time the SQL models alone on N[,M...] sentences")
    bench.set_defaults(func=cmd_bench)

    quality = sub.add_parser("quality", help="score HTML cleaning on trafilatura's benchmark pages, beside trafilatura",
                             description="Precision, recall and F1 of the pipeline's cleaned bodies and of trafilatura "
                                         "alone on the same pages (exit 1 if the pipeline scores lower).")
    quality.add_argument("--corpus", default=None, help="folder with evaldata.json and pages/ "
                                                        "(default: $COMMITMENTS_TRAFILATURA_EVAL)")
    quality.add_argument("--limit", type=int, default=None, help="only the first N pages")
    quality.set_defaults(func=cmd_quality)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"commitments: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("commitments: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
