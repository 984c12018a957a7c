"""sql/ is a dbt project: dbt itself builds and tests it, and its compiled form run without dbt (the path
of the other tests) gives the same rows in every model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.ingest import batches
from flows.ingest.clean import FIELDS
from flows.settings import DEFAULT_RAW_DIR, SQL_DIR
from flows.warehouse import docs, lexicon, models
from conftest import written_unit_tests
from helpers import build_from_rows, cleaned_rows


def _sample_rows() -> list[dict]:
    return cleaned_rows({p.name: p.read_bytes() for p in sorted(DEFAULT_RAW_DIR.glob("*.txt"))})


def _raw_build_file(folder: Path, rows: list[dict]) -> Path:
    """A build file as the flow writes it before dbt runs: raw layer and lexicon."""
    path = folder / models.BUILD_FILE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("raw", "lexicon"):
            con.execute(f"create schema {schema}")
        con.register("article_frame", pd.DataFrame([r for r in rows if r["status"] == "ok"], columns=FIELDS))
        con.execute("create table raw.articles as select * from article_frame")
        con.register("sentence_frame", batches.sentence_rows(rows))
        con.execute("create table raw.sentences as select * from sentence_frame")
        con.execute("create table raw.rejects as select source_file, reason, size_bytes, raw_sha256 "
                    "from article_frame where false")
        lexicon.load_seeds(con, lexicon.read_seeds(SQL_DIR / "seeds"))
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory) -> Path:
    path = _raw_build_file(tmp_path_factory.mktemp("dbt") / "run", _sample_rows())
    runs = models.run_dbt(path)
    assert [r.model for r in runs] and all(r.rows >= 0 for r in runs)
    return path


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"select * from {table} order by all").fetchall()


def test_dbt_builds_every_model_of_the_project(dbt_build):
    con = duckdb.connect(str(dbt_build), read_only=True)
    try:
        built = {f"{s}/{t}" for s, t in con.execute(
            "select schema_name, table_name from duckdb_tables() union all "
            "select schema_name, view_name from duckdb_views() where not internal").fetchall()}
        assert set(models.model_order()) <= built
        assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] > 10
        # dbt's persist_docs wrote the model docs from the YAML beside the models
        comment = con.execute("select comment from duckdb_tables() where table_name = 'fct_commitments'").fetchone()[0]
        assert comment and "consolidated" in comment
    finally:
        con.close()


def test_the_compiled_project_run_without_dbt_gives_the_rows_dbt_gives_in_every_model(dbt_build):
    fast = build_from_rows(_sample_rows())
    con = duckdb.connect(str(dbt_build), read_only=True)
    try:
        for model in models.model_order():
            table = models.model_table(model)
            assert _rows(con, table) == _rows(fast, table), model
    finally:
        con.close()


def test_dbt_test_passes_on_a_good_build_and_names_the_test_a_tampered_build_fails(dbt_build, tmp_path):
    assert all(t.passed for t in models.dbt_test(dbt_build))
    tampered = tmp_path / "tampered" / models.BUILD_FILE_NAME
    tampered.parent.mkdir()
    shutil.copy(dbt_build, tampered)
    con = duckdb.connect(str(tampered))
    con.execute("create or replace table marts.fct_commitment_mentions as "
                "select * replace (evidence || ' (edited)' as evidence) from marts.fct_commitment_mentions")
    con.close()
    failed = {t.name: t for t in models.dbt_test(tampered) if not t.passed}
    # the edited sentence is in no article's body, and no longer the evidence of its commitment's mention
    assert set(failed) == {"fct_commitment_mentions__evidence_in_article_body",
                           "fct_commitments__evidence_and_quantity_from_one_mention"}
    assert failed["fct_commitment_mentions__evidence_in_article_body"].failures == con_rows(tampered)


def con_rows(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from marts.fct_commitment_mentions").fetchone()[0]
    finally:
        con.close()


def test_a_model_that_fails_in_dbt_stops_the_build_naming_the_model(tmp_path):
    path = _raw_build_file(tmp_path / "broken", _sample_rows()[:1])
    con = duckdb.connect(str(path))
    con.execute("alter table raw.articles drop column body")  # stg_articles reads it
    con.close()
    with pytest.raises(models.ModelFailed, match="stg_articles"):
        models.run_dbt(path)


def test_a_build_file_must_be_called_build_duckdb(tmp_path):
    with pytest.raises(ValueError, match="build.duckdb"):
        models.run_dbt(tmp_path / "other.duckdb")


def test_every_unit_test_of_the_models_runs_and_passes_in_dbt(dbt_build):
    written = {test["name"] for test in written_unit_tests()}
    unit = models.dbt_test(dbt_build, select="test_type:unit")
    assert len(written) >= 6 and {t.name for t in unit} == written
    assert [(t.name, t.message) for t in unit if not t.passed] == []


# --------------------------------------------------------------------------- dbt docs

def _copy_of_build(dbt_build: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    return Path(shutil.copyfile(dbt_build, folder / models.BUILD_FILE_NAME))


def _recorded_docs(build: Path) -> tuple:
    con = duckdb.connect(str(build), read_only=True)
    try:
        return con.execute("select project_key, page, note from audit.dbt_docs").fetchone()
    finally:
        con.close()


def test_dbt_docs_page_is_written_beside_the_reports_recorded_in_the_build_and_kept_per_project_version(
        dbt_build, tmp_path, monkeypatch):
    monkeypatch.setattr(models, "cache_root", lambda: tmp_path / "cache")
    build = _copy_of_build(dbt_build, tmp_path / "run")
    page, note = docs.document_build(build, tmp_path / "reports")
    key = docs.project_key()
    assert page == f"dbt-docs/{key}.html" and key in note and "dbt-core" in note
    html = (tmp_path / "reports" / page).read_text(encoding="utf-8")
    assert '"model.commitments.fct_commitments"' in html and '"source.commitments.raw.articles"' in html
    assert _recorded_docs(build) == (key, page, note)
    # the same project again (another warehouse): the kept page, dbt not asked
    monkeypatch.setattr(models, "dbt_docs_generate", lambda path: pytest.fail("dbt docs generate ran again"))
    again = _copy_of_build(dbt_build, tmp_path / "run2")
    assert docs.document_build(again, tmp_path / "reports2")[0] == page
    assert (tmp_path / "reports2" / page).read_bytes() == (tmp_path / "reports" / page).read_bytes()


def test_a_docs_page_that_cannot_be_written_is_recorded_with_its_reason_for_the_report(dbt_build, tmp_path):
    from flows.report import data

    build = _copy_of_build(dbt_build, tmp_path / "run")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / docs.DOCS_FOLDER).write_text("a file where the docs folder goes")
    page, note = docs.document_build(build, tmp_path / "reports")
    assert page is None and note.startswith("dbt docs could not be written:")
    assert _recorded_docs(build)[1:] == (None, note)
    con = duckdb.connect(str(build), read_only=True)
    try:
        assert data.docs_section(con) == {"dbt_docs": None, "dbt_docs_note": note}  # the report's words
    finally:
        con.close()


def test_the_docs_key_follows_the_projects_content_not_its_file_times(tmp_path):
    copy = Path(shutil.copytree(SQL_DIR, tmp_path / "sql", ignore=shutil.ignore_patterns("__pycache__")))
    assert docs.project_key(copy) == docs.project_key(SQL_DIR)  # new files, same content: same page
    model = copy / "models" / "marts" / "dim_articles.sql"
    model.write_text(model.read_text() + "\n-- a changed model\n")
    assert docs.project_key(copy) != docs.project_key(SQL_DIR)


def _waiting_on_a_lock(pid: int) -> bool:
    """Whether a process waits on a file lock (Linux lists each waiter in /proc/locks after `->`)."""
    return any("->" in line.split() and str(pid) in line.split()
               for line in Path("/proc/locks").read_text().splitlines())


def test_a_compile_waits_for_another_process_holding_the_placeholder_instead_of_failing(tmp_path):
    """Every process of this user parses and compiles against one placeholder file, which DuckDB lets one
    process at a time open for writing: a second process compiling meanwhile waits for the first one,
    where before it failed on DuckDB's lock (found when two test processes compiled at once)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb\n"
                               "from flows.warehouse import models\n"
                               "placeholder = models._placeholder()\n"
                               "with models._placeholder_lock(placeholder):\n"
                               "    con = duckdb.connect(str(placeholder))\n"
                               "    print('holding', flush=True)\n"
                               "    sys.stdin.readline()\n"
                               "    con.close()\n"],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        compiler = subprocess.Popen(
            [sys.executable, "-c", "from flows.warehouse import models\nprint(len(models.compiled_nodes()))"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while compiler.poll() is None and not _waiting_on_a_lock(compiler.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert compiler.poll() is None, f"the compile did not wait for the holder: {compiler.communicate()[1][-2000:]}"
        holder.stdin.write("release\n")
        holder.stdin.flush()
        out, err = compiler.communicate(timeout=120)
        assert compiler.returncode == 0, err[-2000:]
        assert int(out.strip().splitlines()[-1]) == len(models.compiled_nodes())
    finally:
        holder.kill()
        holder.wait()


def test_the_dbt_work_folder_of_a_killed_process_is_removed_by_the_next_process(tmp_path):
    """dbt's target/ and logs/ live in a folder per process, removed at exit; SIGKILL skips that, so the
    next process removes the folders whose process no longer holds their marker's lock (and only those)."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    made_by = "from flows.warehouse import models\nprint(models._work_dir(), flush=True)\n"
    living = subprocess.Popen([sys.executable, "-c", made_by + "import sys\nsys.stdin.readline()"],
                              env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        alive = Path(living.stdout.readline().strip())
        killed = subprocess.Popen([sys.executable, "-c", made_by + "import time\ntime.sleep(120)"],
                                  env=env, stdout=subprocess.PIPE, text=True)
        orphan = Path(killed.stdout.readline().strip())
        (orphan / "target").mkdir()
        killed.kill()
        killed.wait()
        being_made = tmp_path / f"{models.WORK_DIR_PREFIX}nomarker"  # no marker yet: left alone
        being_made.mkdir()
        assert orphan.is_dir()  # SIGKILL left it

        result = subprocess.run([sys.executable, "-c", made_by], env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        made = Path(result.stdout.strip())
        assert made.parent == tmp_path and made.name.startswith(models.WORK_DIR_PREFIX)
        assert not orphan.exists() and alive.is_dir() and being_made.is_dir()
        assert not made.exists()  # its own folder went at exit
    finally:
        living.kill()
        living.wait()
