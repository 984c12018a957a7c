"""`commitments`: run the flow, serve it on a schedule, query and export the warehouse, regenerate its
report; and the developer tools (eval, quality, bench), which live in `tools/`.

Built on typer (click): help per command, shell completion (`--install-completion`), and exit codes
that mean one thing each: 0 done, 1 a clear one-line error (or checks failed), 2 a wrong command line,
130 interrupted, 143 stopped by SIGTERM.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer
from typer.exceptions import Abort, Exit, TyperException

from flows.cli.output import format_rows, format_summary
from flows.readonly import UserError, check_read_only, connect_read_only, warehouse_path
from flows.prefect_api import prefect_api, quiet_prefect, start_local_api
from flows.settings import default, make_settings

app = typer.Typer(name="commitments", no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Who has committed to what: build and query a commitments warehouse from news articles.")

RawDir = Annotated[Optional[str], typer.Option("--raw-dir", metavar="DIR", help="folder of raw articles (default: raw/)")]
Warehouse = Annotated[Optional[str], typer.Option(
    "--warehouse", metavar="FILE", help="published DuckDB file (default: warehouse/commitments.duckdb)")]
Workers = Annotated[int, typer.Option("--workers", metavar="N", help="cleaning processes")]
TableFormat = Annotated[Literal["table", "csv", "json", "markdown"], typer.Option("--format", help="output format")]
Verbose = Annotated[bool, typer.Option("--verbose", help="show Prefect's logs")]


# --------------------------------------------------------------------------- run, serve

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


DISK_WORDS = ("No space left on device", "Read-only file system", "Disk quota exceeded")


@app.command()
def run(
    raw_dir: RawDir = None,
    warehouse: Warehouse = None,
    batch_size: Annotated[int, typer.Option(metavar="N", help="files per cleaning task")] = default("batch_size"),
    workers: Workers = default("workers"),
    task_runner_kind: Annotated[Literal["process", "dask"], typer.Option(
        "--task-runner", help="where cleaning batches run: local processes or a Dask cluster")] = "process",
    dask_address: Annotated[Optional[str], typer.Option(
        metavar="tcp://HOST:PORT", help="tcp://HOST:PORT of a Dask scheduler (default with --task-runner dask: a temporary LocalCluster "
             "of --workers processes)")] = None,
    timeout: Annotated[float, typer.Option(metavar="S", help="seconds allowed to clean one document")] = default("doc_timeout_s"),
    wait: Annotated[bool, typer.Option("--wait", help="wait for a run in progress instead of exiting")] = False,
    rehash: Annotated[bool, typer.Option(
        "--rehash", help="read every raw file again instead of trusting unchanged stats (size, mtime, ctime, "
                         "inode)")] = False,
    full_refresh: Annotated[bool, typer.Option(
        "--full-refresh", help="compute every model for every article, even when the published warehouse was "
                               "built by the same models (a build is otherwise incremental)")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="print only the summary, no progress")] = False,
    verbose: Verbose = False,
) -> int:
    """Run the flow once: clean raw/, build, check and publish the warehouse, with a report."""
    quiet_prefect(verbose)
    settings = make_settings(raw_dir, warehouse, batch_size=batch_size, doc_timeout_s=timeout, workers=workers)
    if not settings.raw_dir.is_dir():
        raise UserError(f"raw folder not found: {settings.raw_dir}")
    import duckdb

    from flows import progress
    from flows.preload import loaded_objects_frozen
    from flows.stopping import RunStopped, end_children, stop_on_signals

    try:
        with stop_on_signals(settings.warehouse, settings.state_path, settings.raw_dir):
            api = start_local_api()  # it boots in its own process while this one imports the flow
            from flows.pipeline import commitments_pipeline

            flow = commitments_pipeline.with_options(task_runner=task_runner(task_runner_kind, workers, dask_address))
            with loaded_objects_frozen(), prefect_api(started=api), progress.reporting("quiet" if quiet else "auto"):
                summary = flow(**settings.flow_parameters(), wait_for_lock=wait, rehash=rehash,
                               full_refresh=full_refresh)
    except RunStopped as exc:
        end_children()
        print(f"commitments: {exc}; the published warehouse was left as it was and the run is recorded as "
              "crashed", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        from flows.ingest.discover import RawFolderMissing
        from flows.tasks import ChecksFailed
        from flows.warehouse.lexicon import LexiconError
        from flows.warehouse.publish import RunInProgress

        if isinstance(exc, (RunInProgress, ChecksFailed, LexiconError, RawFolderMissing)):
            raise UserError(str(exc)) from None
        if not (isinstance(exc, (OSError, duckdb.IOException)) or any(w in str(exc) for w in DISK_WORDS)):
            raise
        # a full disk, a folder that became read-only: one line; the run is recorded as crashed
        reason = getattr(exc, "strerror", None) or next(
            (w for w in DISK_WORDS if w in str(exc)), str(exc).strip().splitlines()[0][:300])
        raise UserError(f"the run failed writing to disk: {reason}; the published warehouse was left "
                        "as it was and the run is recorded as crashed") from None
    print(format_summary(summary))
    return 0


@app.command()
def serve(
    cron: Annotated[str, typer.Option(metavar="CRON", help='cron schedule ("0 * * * *": hourly)')] = "0 * * * *",
    raw_dir: RawDir = None,
    warehouse: Warehouse = None,
    workers: Workers = default("workers"),
    verbose: Verbose = False,
) -> int:
    """Serve the flow as a Prefect deployment on a cron schedule until Ctrl-C.

    Without PREFECT_API_URL a local `prefect server start` runs for the session (cron needs a real server)."""
    quiet_prefect(verbose)
    settings = make_settings(raw_dir, warehouse, workers=workers)
    if not settings.raw_dir.is_dir():
        raise UserError(f"raw folder not found: {settings.raw_dir}")
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:
        raise UserError(f"not a cron expression: {cron!r}") from None
    from flows.serve import DEPLOYMENT_NAME, serve_flow

    with prefect_api(for_schedules=True) as (api_url, ui_url):
        print(f"serving deployment commitments/{DEPLOYMENT_NAME} on cron {cron!r} against {api_url}")
        if ui_url:
            print(f"Prefect UI: {ui_url} (started for this session; stops with Ctrl-C)")
        print("press Ctrl-C to stop", flush=True)
        serve_flow(settings, cron)
    return 0


# --------------------------------------------------------------------------- sql, tables, export, report

@app.command()
def sql(
    query: Annotated[Optional[str], typer.Argument(metavar="QUERY", help="the SQL text")] = None,
    file: Annotated[Optional[str], typer.Option("--file", metavar="FILE", help="read the SQL from a file")] = None,
    fmt: TableFormat = "table",
    warehouse: Warehouse = None,
) -> int:
    """Run a read-only query on the published warehouse (works during a run)."""
    import duckdb

    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot read {file}: {exc.strerror}") from None
    elif query:
        text = query
    else:
        raise UserError("give a query or --file FILE")
    check_read_only(text)
    con = connect_read_only(warehouse_path(warehouse), sandboxed=True)
    try:
        result = con.execute(text)
        if result.description is None:
            return 0
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
    except duckdb.Error as exc:
        raise UserError(f"SQL error: {str(exc).strip()}") from None
    finally:
        con.close()
    print(format_rows(columns, rows, fmt))
    return 0


@app.command()
def tables(fmt: TableFormat = "table", warehouse: Warehouse = None) -> int:
    """List schemas, tables, row counts and descriptions."""
    con = connect_read_only(warehouse_path(warehouse))
    try:
        rows = con.execute(
            """select schema_name, table_name, 'table' as kind, comment
               from duckdb_tables() where database_name = current_database()
               union all
               select schema_name, view_name, 'view', comment
               from duckdb_views() where not internal and database_name = current_database()
               order by 1, 2"""
        ).fetchall()
        exact = [(schema, name, kind, con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0],
                  comment or "") for schema, name, kind, comment in rows]
    finally:
        con.close()
    print(format_rows(["schema", "name", "kind", "rows", "description"], exact, fmt))
    return 0


@app.command()
def export(
    out: Annotated[str, typer.Option("--out", metavar="DIR", help="output folder")],
    fmt: Annotated[Literal["parquet", "csv"], typer.Option("--format", )] = "parquet",
    warehouse: Warehouse = None,
) -> int:
    """Write the marts as Parquet or CSV files."""
    folder = Path(out).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    con = connect_read_only(warehouse_path(warehouse))
    try:
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' "
            "and database_name = current_database() order by 1").fetchall()]
        for name in names:
            target = folder / f"{name}.{fmt}"
            options = "(format parquet)" if fmt == "parquet" else "(format csv, header true)"
            con.execute(f"copy marts.{name} to '{str(target).replace(chr(39), chr(39) * 2)}' {options}")
            print(f"wrote {target}")
    finally:
        con.close()
    return 0


@app.command()
def report(
    warehouse: Warehouse = None,
    out: Annotated[Optional[str], typer.Option(metavar="FILE", help="output file (default: warehouse/reports/latest.html)")] = None,
    run_id: Annotated[Optional[str], typer.Option(metavar="RUN_ID", help="report on this run (default: the latest)")] = None,
) -> int:
    """Regenerate the HTML data-quality report from a published warehouse."""
    from flows.report.render import render_report

    path = warehouse_path(warehouse)
    con = connect_read_only(path)
    try:
        if run_id:
            known = [r[0] for r in con.execute("select run_id from audit.runs order by started_at").fetchall()]
            if run_id not in known:
                latest = f"; the latest is {known[-1]}" if known else ""
                raise UserError(f"no run {run_id!r} in {path} ({len(known)} runs recorded{latest})")
        target = Path(out) if out else path.parent / "reports" / "latest.html"
        reports_href = os.path.relpath(path.resolve().parent / "reports", target.resolve().parent)
        page = render_report(con, run_id, "" if reports_href == "." else reports_href)
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    print(f"report: {target}")
    return 0


from tools import commands as _developer_commands  # noqa: E402 - eval, quality, bench (tools/) join the app

_developer_commands.register(app)


# --------------------------------------------------------------------------- entry point

def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code (errors are one line on stderr, never a traceback)."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="commitments", standalone_mode=False)
    except TyperException as exc:  # a wrong command line (click's usage errors): one line, exit 2
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path} --help" if ctx is not None else "commitments --help"
        print(f"commitments: {exc.format_message()} (see `{where}`)", file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        print(f"commitments: {exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Abort):
        print("commitments: interrupted", file=sys.stderr)
        return 130
    except Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
