"""The SQL layer: the dbt project in sql/ (dbt-core with dbt-duckdb), run in this process.

`run_dbt` is the flow's path: `dbt run` builds every model into the build file (or the models an
incremental build selects: flows/warehouse/incremental.py), `dbt test` runs every
data test on it (the suite runs the unit tests), `dbt docs generate` writes the docs page, all with
dbt's own runner (the project parsed once per process, in the background from `start_loading`). A build
file is always named `build.duckdb` (in a folder of its own per run), because DuckDB names a file's
database after the file and a parsed dbt project keeps that name.

`run_compiled` is the tests' path: the project as `dbt compile` wrote it, executed on any DuckDB
connection in dependency order, without dbt's fixed cost (about 0.15 s per node, several seconds per
build: the suite builds hundreds of small warehouses). Each materialization the project uses (view,
table, for_each, Python table) is run as its macro runs it; tests/test_dbt_project.py builds the
samples both ways and compares every row of every model.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import importlib.util
import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import yaml

from flows.preload import start_in_background
from flows.settings import SQL_DIR
from flows.warehouse import parse

SCHEMAS = ["raw", "lexicon", "staging", "intermediate", "marts", "audit"]
BUILD_FILE_NAME = "build.duckdb"  # see the module's docstring
BUILD_MEMORY = "768MB"  # flows/warehouse/db.py: the same cap as every file the flow opens
# dbt runs one model at a time in a full build (its large models already use both cores, and share one
# memory cap), two at a time in an incremental build's two invocations and in `dbt test`, where most
# nodes are small and dbt's own work per node is much of their time (BENCHMARKS.md, issue 15's seventh step)
INCREMENTAL_THREADS = TEST_THREADS = 2
PARSE_CACHE_ENV = "COMMITMENTS_PARSE_CACHE"  # read by sql/models/intermediate/int_sentence_parses.py


class ModelFailed(RuntimeError):
    """A model or a dbt command failed: the message names the model and dbt's reason."""


@dataclass
class ModelRun:
    model: str  # layer/name, e.g. intermediate/int_cue_matches
    rows: int
    seconds: float
    note: str = ""


@dataclass
class DataTestRun:
    name: str
    passed: bool
    failures: int  # rows the test returned; -1 when the test itself failed to run
    message: str
    compiled_sql: str
    seconds: float


# --------------------------------------------------------------------------- dbt itself

_DBT_LOCK = threading.Lock()


@contextlib.contextmanager
def _environment_variables(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for a block, then put back what was there."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _environment(build_path: Path, parse_cache: Path | None = None):
    """The variables sql/profiles.yml and the Python model read, set for one dbt command."""
    return _environment_variables({
        "COMMITMENTS_BUILD_PATH": str(build_path), PARSE_CACHE_ENV: str(parse_cache) if parse_cache else None,
        "COMMITMENTS_BUILD_MEMORY": BUILD_MEMORY, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})


WORK_DIR_PREFIX = "commitments-dbt-"
WORK_DIR_MARKER = ".in-use"  # flocked by the folder's process for its whole life
_WORK_DIR_HANDLES: list = []


@lru_cache(maxsize=1)
def _work_dir() -> Path:
    """Where dbt writes its target/ and logs/ in this process (never into sql/): removed at exit, and,
    when the process was killed, by the next process that makes one (the process holds an flock on the
    folder's marker file while it lives, as the run lock does, and dying releases it)."""
    _remove_orphaned_work_dirs()
    path = Path(tempfile.mkdtemp(prefix=WORK_DIR_PREFIX))
    handle = open(path / WORK_DIR_MARKER, "a")
    fcntl.flock(handle, fcntl.LOCK_EX)
    _WORK_DIR_HANDLES.append(handle)
    atexit.register(shutil.rmtree, path, True)
    return path


def _remove_orphaned_work_dirs() -> None:
    """Remove the work folders whose marker no process holds (SIGKILL skips atexit; a folder without a
    marker is being made, or older than markers, and is left)."""
    for path in Path(tempfile.gettempdir()).glob(f"{WORK_DIR_PREFIX}*"):
        try:
            with open(path / WORK_DIR_MARKER) as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # no marker, or its process still runs (BlockingIOError)
            continue


def _args(command: str, *extra: str) -> list[str]:
    work = _work_dir()
    # no JSON artifacts and a log file of warnings only: both cost about a second per command
    return [*command.split(), "--project-dir", str(SQL_DIR), "--profiles-dir", str(SQL_DIR),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet",
            "--no-write-json", "--log-level-file", "warn", *extra]


@lru_cache(maxsize=1)
def cache_root() -> Path:
    """The user's cache folder for dbt's parse (this process's own folder where that is not writable)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "commitments" / "dbt"
    try:
        (root / "placeholder").mkdir(parents=True, exist_ok=True)
        return root
    except OSError:
        return _work_dir() / "cache"


def _parse_cache_file(project_dir: str, sql_fingerprint: str) -> Path:
    """Where dbt's partial-parse file of this version of the project is kept between processes (a
    parse that can start from it takes about a second instead of five)."""
    key = hashlib.sha256(f"{project_dir}\n{sql_fingerprint}\n{dbt_version()}".encode()).hexdigest()[:24]
    return cache_root() / f"{key}.msgpack"


def _placeholder() -> Path:
    """The build path dbt parses and compiles with: always the same (dbt parses again from scratch when
    the profile changes), named as every build file is; compiling opens it, nothing writes data to it."""
    return cache_root() / "placeholder" / BUILD_FILE_NAME


@contextlib.contextmanager
def _placeholder_lock(placeholder: Path) -> Iterator[None]:
    """One process at a time parses or compiles against the placeholder: DuckDB lets only one process
    open a file for writing, and every run, command and project of this user shares the cache folder
    (a second process waits the second or two a compile takes instead of failing on DuckDB's lock)."""
    placeholder.parent.mkdir(parents=True, exist_ok=True)
    with open(placeholder.with_name(placeholder.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes, or when the process dies
        yield


def dbt_version() -> str:
    from importlib.metadata import version

    return f"dbt-core {version('dbt-core')}, dbt-duckdb {version('dbt-duckdb')}"


def _parse(runner_factory, command: str, project_dir: str, sql_fingerprint: str, placeholder: Path, *extra: str):
    """`dbt parse` or `dbt compile`, starting from the kept partial-parse file when there is one, and
    keeping the new one (written whole, then renamed: another process never reads half a file)."""
    saved = _parse_cache_file(project_dir, sql_fingerprint)
    ours = _work_dir() / "target" / "partial_parse.msgpack"
    with contextlib.suppress(OSError):
        if saved.is_file() and not ours.exists():
            ours.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(saved, ours)
    with _placeholder_lock(placeholder):
        result = _invoke(runner_factory(), command, placeholder, None, *extra)
    with contextlib.suppress(OSError):
        if ours.is_file() and not saved.is_file():
            saved.parent.mkdir(parents=True, exist_ok=True)
            partial = saved.with_suffix(f".{os.getpid()}.tmp")
            shutil.copyfile(ours, partial)
            os.replace(partial, saved)
    return result


def _invoke(runner, command: str, build_path: Path, parse_cache: Path | None = None, *extra: str):
    with _environment(build_path, parse_cache):
        result = runner.invoke(_args(command, *extra))
    if result.exception is not None:
        raise ModelFailed(f"dbt {command} failed: {str(result.exception).strip().splitlines()[0]}") from result.exception
    return result


@lru_cache(maxsize=2)
def _parsed_runner(project_dir: str, sql_fingerprint: str):
    """A dbt runner holding the parsed project (parsing takes seconds; once per process and version of
    sql/). The placeholder path only names the database: every build file is called build.duckdb."""
    from dbt.cli.main import dbtRunner

    placeholder = _placeholder()
    placeholder.parent.mkdir(parents=True, exist_ok=True)
    with _DBT_LOCK:  # one dbt command at a time in a process
        result = _parse(dbtRunner, "parse", project_dir, sql_fingerprint, placeholder)
    if not result.success:
        raise ModelFailed("dbt could not parse the project in sql/ (see its log above)")
    return dbtRunner(manifest=result.result)


def sql_fingerprint(sql_dir: Path) -> str:
    """A fingerprint of the dbt project's files (a changed file means a new parse)."""
    parts = []
    for path in sorted(sql_dir.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".yml", ".py", ".csv"):
            stat = path.stat()
            parts.append(f"{path.relative_to(sql_dir)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


_RUNNER_LOCK = threading.Lock()


def _runner():
    """The parsed project's runner (a second caller waits for a parse in progress instead of parsing)."""
    with _RUNNER_LOCK:
        return _parsed_runner(str(SQL_DIR), sql_fingerprint(SQL_DIR))


def start_loading() -> threading.Thread:
    """Import dbt and parse the project in a background thread (about 3-4 s in a new process), so that
    it overlaps the cleaning, during which the flow process only waits for its workers. A failure is
    not lost: the build's own call parses again and raises it with dbt's message."""
    return start_in_background(_runner, "dbt-preload")


def _model_key(node) -> str:
    return f"{node.fqn[1]}/{node.name}"


def run_dbt(build_path: Path, parse_cache: Path | None = None,
            on_model: Callable[[int, int, str], None] | None = None, select: list[str] | None = None,
            threads: int = 1) -> list[ModelRun]:
    """`dbt run` on a build file (named build.duckdb) that holds the raw and lexicon schemas: every
    model (or the models named in `select`), in dbt's order, `threads` models at a time. A model left out
    is read where it is in the file (flows/warehouse/incremental.py puts it there). Returns each model's
    rows and seconds; a failed model raises ModelFailed."""
    if build_path.name != BUILD_FILE_NAME:
        raise ValueError(f"a build file must be called {BUILD_FILE_NAME}, not {build_path.name}")
    runner = _runner()
    n_models = len(select) if select is not None else sum(
        1 for n in runner.manifest.nodes.values() if n.resource_type == "model")
    if select is not None and not select:
        return []
    started_nodes: list[str] = []

    def progress(event) -> None:
        if on_model is not None and event.info.name == "NodeStart":
            name = event.data.node_info.node_name
            on_model(len(started_nodes), n_models, name)
            started_nodes.append(name)

    with _DBT_LOCK:
        runner.callbacks = [progress]
        try:
            result = _invoke(runner, "run", build_path, parse_cache, "--threads", str(threads),
                             *(["--select", *select] if select else []))
        finally:
            runner.callbacks = []
    failed = [r for r in result.result.results if str(r.status) == "error"]
    if failed or not result.success:
        # dbt's message is several lines (where, then DuckDB's error): one line, the models it skipped unsaid
        reason = "; ".join(f"model {r.node.name} failed: {' '.join((r.message or str(r.status)).split())[:400]}"
                           for r in failed) or "dbt run failed"
        raise ModelFailed(reason)
    if on_model is not None:
        on_model(n_models, n_models, "")
    runs = []
    con = duckdb.connect(str(build_path), read_only=True)
    try:
        for r in result.result.results:
            runs.append(_model_run(con, _model_key(r.node), r.node.schema, r.node.alias, r.execution_time))
    finally:
        con.close()
    return runs


def model_nodes() -> dict[str, object]:
    """The parsed project's models by name (dbt's manifest nodes: config, tags, depends_on)."""
    return {n.name: n for n in _runner().manifest.nodes.values() if n.resource_type == "model"}


def dbt_test(build_path: Path, select: str = "test_type:data") -> list[DataTestRun]:
    """`dbt test` on a built file: the data tests (what the flow runs on every build), or with
    select="test_type:unit" the unit tests (the models' logic on inline rows; the test suite runs them).
    A failing test is reported, not raised: the checks decide what blocks publishing."""
    runner = _runner()
    with _DBT_LOCK:  # two tests at a time (each query is small; dbt's own work is much of a test's time)
        result = _invoke(runner, "test", build_path, None, "--threads", str(TEST_THREADS), "--select", select)
    tests = []
    for r in result.result.results:
        status = str(r.status)
        failures = r.failures if r.failures is not None else (0 if status == "pass" else -1)
        tests.append(DataTestRun(r.node.name, status == "pass", failures, (r.message or "").strip(),
                             getattr(r.node, "compiled_code", "") or "", r.execution_time))
    return tests


def dbt_docs_generate(build_path: Path) -> Path:
    """`dbt docs generate --static` on a built file: dbt's docs site as one page (flows/warehouse/docs.py
    keeps it). Returns the page in dbt's work folder; a failure raises ModelFailed."""
    runner = _runner()
    with _DBT_LOCK:
        result = _invoke(runner, "docs generate", build_path, None, "--static")
    page = _work_dir() / "target" / "static_index.html"
    if not result.success or not page.is_file():
        raise ModelFailed("dbt docs generate did not write its page (see dbt's log above)")
    return page


# --------------------------------------------------------------------------- the compiled project

@dataclass(frozen=True)
class CompiledNode:
    unique_id: str
    name: str
    schema: str
    layer: str
    kind: str  # model or test
    materialized: str
    language: str
    compiled_code: str
    depends_on: tuple[str, ...]
    for_each: str | None


@lru_cache(maxsize=2)
def _compiled(project_dir: str, sql_fingerprint: str) -> tuple[CompiledNode, ...]:
    """The project as `dbt compile` wrote it: models in dependency order, then the data tests."""
    from dbt.cli.main import dbtRunner

    placeholder = _placeholder()
    placeholder.parent.mkdir(parents=True, exist_ok=True)
    with _DBT_LOCK:
        result = _parse(dbtRunner, "compile", project_dir, sql_fingerprint, placeholder)
    if not result.success:
        raise ModelFailed("dbt could not compile the project in sql/")
    nodes = {}
    for r in result.result.results:
        node = r.node
        if node.resource_type not in ("model", "test") or not hasattr(node, "compiled_code"):
            continue
        nodes[node.unique_id] = CompiledNode(
            node.unique_id, node.name, node.schema, node.fqn[1], str(node.resource_type),
            node.config.materialized, str(getattr(node, "language", "sql")), node.compiled_code or "",
            tuple(d for d in node.depends_on.nodes if d.startswith("model.")), node.config.get("for_each"))
    models = {k: v for k, v in nodes.items() if v.kind == "model"}
    ordered, done = [], set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for dep in sorted(models[uid].depends_on):
            visit(dep)
        ordered.append(models[uid])

    for uid in sorted(models):
        visit(uid)
    tests = sorted((v for v in nodes.values() if v.kind == "test"), key=lambda n: n.name)
    return tuple(ordered) + tuple(tests)


def compiled_nodes() -> tuple[CompiledNode, ...]:
    return _compiled(str(SQL_DIR), sql_fingerprint(SQL_DIR))


def model_order() -> list[str]:
    """Every model as layer/name, in the order the compiled project runs them."""
    return [f"{n.layer}/{n.name}" for n in compiled_nodes() if n.kind == "model"]


def model_table(model: str) -> str:
    layer, name = model.split("/")
    return f"{layer}.{name}"


def _relation(node: CompiledNode) -> str:
    return f'"{node.schema}"."{node.name}"'


def create_schemas(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")


def run_compiled(con: duckdb.DuckDBPyConnection, parse_cache: Path | None = None, models: list[str] | None = None,
                 on_model: Callable[[int, int, str], None] | None = None) -> list[ModelRun]:
    """Execute the compiled project on `con` (raw and lexicon loaded), model by model (or only
    `models`, given as layer/name), as dbt's materializations would. Returns rows and seconds."""
    create_schemas(con)
    nodes = [n for n in compiled_nodes() if n.kind == "model"]
    by_name = {n.name: n for n in nodes}
    if models is not None:
        wanted = set(models)
        nodes = [n for n in nodes if f"{n.layer}/{n.name}" in wanted]
    runs = []
    for i, node in enumerate(nodes):
        if on_model is not None:
            on_model(i, len(nodes), node.name)
        started = time.perf_counter()
        try:
            _materialize(con, node, by_name, parse_cache)
        except duckdb.Error as exc:
            raise ModelFailed(f"model {node.name} failed: {str(exc).splitlines()[0]}") from exc
        runs.append(_model_run(con, f"{node.layer}/{node.name}", node.schema, node.name,
                               time.perf_counter() - started))
    if on_model is not None:
        on_model(len(nodes), len(nodes), "")
    return runs


def _materialize(con: duckdb.DuckDBPyConnection, node: CompiledNode, by_name: dict[str, CompiledNode],
                 parse_cache: Path | None) -> None:
    relation = _relation(node)
    if node.language == "python":
        frame = _run_python_model(con, node, parse_cache)
        con.register("python_model_frame", frame)
        try:
            con.execute(f"create or replace table {relation} as select * from python_model_frame")
        finally:
            con.unregister("python_model_frame")
    elif node.materialized == "view":
        con.execute(f"create or replace view {relation} as\n{node.compiled_code}")
    elif node.materialized in ("table", "incremental"):  # a build without dbt is a full build
        con.execute(f"create or replace table {relation} as\n{node.compiled_code}")
    elif node.materialized == "for_each":
        _for_each(con, relation, node.compiled_code, _relation(by_name[node.for_each]))
    else:
        raise ModelFailed(f"model {node.name}: materialization {node.materialized!r} is not supported here")


def _for_each(con: duckdb.DuckDBPyConnection, relation: str, sql: str, loop_relation: str) -> None:
    """sql/macros/for_each.sql: run `sql` once per row of the loop model, each of its columns but
    loop_no set as a DuckDB variable; the first run creates the table, the others insert."""
    result = con.execute(f"select * exclude (loop_no) from {loop_relation} order by loop_no")
    names = [d[0] for d in result.description]
    rows = result.fetchall()
    con.execute(f"drop table if exists {relation}")
    if not rows:
        con.execute(f"create table {relation} as select * from ({sql}) where false")
    for i, row in enumerate(rows):
        for name, value in zip(names, row):
            con.execute(f"set variable {name} = ?", [value])
        con.execute(f"{'create table ' + relation + ' as' if i == 0 else 'insert into ' + relation}\n{sql}")
    for name in names:
        con.execute(f"reset variable {name}")


def _run_python_model(con: duckdb.DuckDBPyConnection, node: CompiledNode, parse_cache: Path | None):
    """A dbt Python model, as dbt-duckdb runs it: its compiled module's model(dbt, session)."""
    spec = importlib.util.spec_from_loader(node.name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(node.compiled_code, f"<dbt model {node.name}>", "exec"), module.__dict__)
    session = con.cursor()  # dbt-duckdb hands a Python model a cursor of the build's connection
    try:
        dbt = module.dbtObj(lambda table: session.query(f"select * from {table}"))
        with _environment_variables({PARSE_CACHE_ENV: str(parse_cache) if parse_cache else None}):
            frame = module.model(dbt, session)
        return frame.df() if isinstance(frame, duckdb.DuckDBPyRelation) else frame
    finally:
        session.close()


def run_compiled_tests(con: duckdb.DuckDBPyConnection) -> list[DataTestRun]:
    """Every data test of the compiled project on `con`: a test passes when its query returns no row."""
    tests = []
    for node in compiled_nodes():
        if node.kind != "test":
            continue
        started = time.perf_counter()
        try:
            failures = con.execute(f"select count(*) from ({node.compiled_code})").fetchone()[0]
            tests.append(DataTestRun(node.name, failures == 0, failures, "", node.compiled_code,
                                 time.perf_counter() - started))
        except duckdb.Error as exc:
            tests.append(DataTestRun(node.name, False, -1, str(exc).splitlines()[0], node.compiled_code,
                                 time.perf_counter() - started))
    return tests


def _model_run(con: duckdb.DuckDBPyConnection, model: str, schema: str, name: str, seconds: float) -> ModelRun:
    rows = con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]
    note = ""
    if name == "int_sentence_parses":
        sentences, cached = con.execute(
            f'select count(distinct sentence_key), count(distinct sentence_key) filter (where from_cache) '
            f'from "{schema}"."{name}"').fetchall()[0]
        note = f"{sentences} parsed candidate sentences: {cached} from the parse cache, {sentences - cached} parsed"
    return ModelRun(model, rows, seconds, note)


# --------------------------------------------------------------------------- docs

def read_docs(sql_dir: Path = SQL_DIR) -> dict[str, dict]:
    """Model docs from the YAML files next to the models: {schema.table: {description, columns}}."""
    docs: dict[str, dict] = {}
    for path in sorted(list((sql_dir / "models").glob("*/_*.yml")) + [sql_dir / "seeds" / "_seeds.yml"]):
        layer = "lexicon" if path.parent.name == "seeds" else path.parent.name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in data.get("models", []) + data.get("seeds", []):
            docs[f"{layer}.{model['name']}"] = {
                "description": " ".join(str(model.get("description", "")).split()),
                "columns": {c["name"]: " ".join(str(c.get("description", "")).split()) for c in model.get("columns", [])},
            }
    return docs


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_docs(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, schemas: tuple[str, ...] | None = None) -> None:
    """COMMENT ON every documented table and column of `schemas` (default: all). dbt's persist_docs does
    it for the models in a dbt run, so the flow asks for the lexicon only; a compiled run asks for all."""
    kinds = dict(con.execute(
        "select schema_name || '.' || table_name, 'table' from duckdb_tables() "
        "union all select schema_name || '.' || view_name, 'view' from duckdb_views() where not internal"
    ).fetchall())
    for table, doc in read_docs(sql_dir).items():
        kind = kinds.get(table)
        if kind is None or (schemas is not None and table.split(".")[0] not in schemas):
            continue
        if doc["description"]:
            con.execute(f"comment on {kind} {table} is {_quote(doc['description'])}")
        for column, text in doc["columns"].items():
            if text:
                con.execute(f"comment on column {table}.{column} is {_quote(text)}")


def start_parser_loading(con: duckdb.DuckDBPyConnection) -> None:
    """Load the parser in the background while the models before the parse run (a build with sentences)."""
    if con.execute("select count(*) > 0 from raw.sentences").fetchone()[0]:
        parse.start_loading()
