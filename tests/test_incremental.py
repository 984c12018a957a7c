"""Incremental builds (flows/warehouse/build_plan.py, flows/warehouse/incremental.py): real flow runs in
this process, compared row for row with a full refresh of the same articles."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_FILES, SAMPLE_RAW, copy_published_run
from flows import cli
from flows.warehouse import build_plan, incremental, models
from flows.warehouse.db import wal_path
from flows.warehouse.raw_layer import build_raw_layer
from helpers import as_article

EDITED = as_article("Chad will send 500 troops to Niger, its defence minister said on Monday.")
RENAMED = as_article("Japan pledged $20 million in humanitarian aid to Sudan on Tuesday.")
WIRE = ("Kenya will deploy 1,000 police officers to Haiti next month, its interior minister said. "
        "The officers will support the Haitian national police against armed gangs.")


def run(raw: Path, warehouse: Path, *options: str) -> tuple[str, str]:
    """stdout (the summary) and stderr (progress lines: stderr is no terminal here)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse), *options])
    assert code == 0, err.getvalue()
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def first_run(prefect_api_url, tmp_path_factory):
    """Four samples and two short articles, published by a full build (no warehouse before it)."""
    raw = tmp_path_factory.mktemp("first") / "raw"
    raw.mkdir()
    for name in SAMPLE_FILES[:4]:
        shutil.copy2(SAMPLE_RAW / name, raw / name)
    (raw / "edited.txt").write_text(EDITED, encoding="utf-8")
    (raw / "renamed.txt").write_text(RENAMED, encoding="utf-8")
    warehouse = raw.parent / "wh" / "commitments.duckdb"
    out, _ = run(raw, warehouse)
    return {"raw": raw, "warehouse": warehouse, "out": out}


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table outside `audit` (which describes the run), sorted; int_sentence_parses
    without from_cache, which says whether the parser or the cache gave a row, not what the row is."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute("select schema_name, table_name from duckdb_tables() "
                            "where schema_name <> 'audit' order by all").fetchall()
        return {f"{schema}.{table}": con.execute(
                    f"select * exclude (from_cache) from {schema}.{table} order by all" if table == "int_sentence_parses"
                    else f"select * from {schema}.{table} order by all").fetchall()
                for schema, table in names}
    finally:
        con.close()


def test_the_first_build_is_full_and_says_why(first_run):
    assert "full build: there is no published warehouse to start from" in first_run["out"]
    con = duckdb.connect(str(first_run["warehouse"]), read_only=True)
    assert con.execute("select mode, n_new from audit.build_plan").fetchone() == ("full", 6)


def test_incremental_builds_after_adds_edits_renames_and_removals_equal_a_full_refresh_twice_in_a_row(
        first_run, tmp_path):
    raw, warehouse = copy_published_run(first_run["raw"], first_run["warehouse"], tmp_path / "incremental")
    shutil.copy2(SAMPLE_RAW / SAMPLE_FILES[4], raw / SAMPLE_FILES[4])  # a new article
    (raw / SAMPLE_FILES[0]).unlink()  # a removed one
    (raw / "edited.txt").write_text(EDITED.replace("500", "700"), encoding="utf-8")  # new text: a new article
    (raw / "renamed.txt").rename(raw / "renamed-later.txt")  # the same text from another file: changed
    duplicate = raw / f"zz-copy-of-{SAMPLE_FILES[3]}"  # a second file with an article's text: its rows changed
    shutil.copy2(raw / SAMPLE_FILES[3], duplicate)
    # a wire story and a rewrite of it (two of its four sentences): the rewrite is a near-duplicate, and
    # stays one, unchanged, through the second build
    (raw / "wire-a.txt").write_text(as_article(WIRE), encoding="utf-8")
    (raw / "wire-b.txt").write_text(as_article(WIRE + " Haiti's government welcomed the decision on Friday."),
                                    encoding="utf-8")
    con = duckdb.connect(str(warehouse), read_only=True)
    before = dict(con.execute("select source_file, article_id from raw.articles").fetchall())
    con.close()

    out, err = run(raw, warehouse)

    assert ("incremental build: 6 articles computed (4 new, 2 changed), 2 carried forward from the published "
            "build, 2 removed") in out
    # one count over both dbt invocations: the models run on the delta, then the rest on the build
    runs = len(incremental.delta_models()) + len(incremental.main_models())
    assert f"build: built {runs} of {runs} models" in err
    assert not [line for line in err.splitlines() if line.startswith("build: built ") and f" of {runs} " not in line]
    con = duckdb.connect(str(warehouse), read_only=True)
    changes = dict(con.execute("select article_id, change from audit.build_articles").fetchall())
    assert changes[before["renamed.txt"]] == "changed"
    assert changes[before[SAMPLE_FILES[0]]] == changes[before["edited.txt"]] == "removed"
    assert [changes[before[name]] for name in SAMPLE_FILES[1:4]] == ["unchanged", "unchanged", "changed"]
    assert con.execute("select count(*) from raw.articles where article_id = ?",
                       [before[SAMPLE_FILES[3]]]).fetchone()[0] == 2
    # one digest per article, however many files hold it
    assert con.execute("select count(*) = count(distinct article_id) from audit.build_articles").fetchone()[0]
    con.close()

    # the second build starts from a copy of the first incremental one: what it carries must hold too
    shutil.copy2(SAMPLE_RAW / SAMPLE_FILES[0], raw / SAMPLE_FILES[0])  # back again
    (raw / SAMPLE_FILES[1]).unlink()
    (raw / SAMPLE_FILES[3]).unlink()  # its copy in the other file stays: changed
    # a wire story that an unchanged article repeats, and that comes first (by file name, neither has a
    # date): the unchanged article becomes its copy, so its rows in the mentions mart change
    (raw / "a-wire.txt").write_text(as_article("Japan pledged $20 million in humanitarian aid to Sudan on Tuesday. "
                                               "The ministry called the pledge a first instalment of support."),
                                    encoding="utf-8")
    out, _ = run(raw, warehouse)
    assert ("incremental build: 3 articles computed (2 new, 1 changed), 6 carried forward from the published "
            "build, 1 removed") in out
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select change from audit.build_articles where article_id = ?",
                       [before["renamed.txt"]]).fetchone() == ("unchanged",)
    assert con.execute("select bool_and(is_from_duplicate_article), count(*) > 0 from marts.fct_commitment_mentions "
                       "where article_id = ?", [before["renamed.txt"]]).fetchone() == (True, True)
    assert con.execute("select bool_and(is_from_duplicate_article), count(*) > 0 from marts.fct_commitment_mentions "
                       "where source_file = 'wire-b.txt'").fetchone() == (True, True)
    con.close()

    refreshed_raw, refreshed = copy_published_run(raw, warehouse, tmp_path / "full")
    out, _ = run(refreshed_raw, refreshed, "--full-refresh")
    assert "full build: a full refresh was asked for" in out
    incremental_rows, full_rows = tables(warehouse), tables(refreshed)
    assert incremental_rows.keys() == full_rows.keys()
    assert len(incremental_rows["marts.fct_commitment_mentions"]) > 20
    for table, rows in full_rows.items():
        assert incremental_rows[table] == rows, table


def start(published: Path, state: Path, build: Path, full_refresh: bool = False) -> tuple[str | None, object]:
    """What `start_build` says, and a connection to the build with its raw layer loaded."""
    build.unlink(missing_ok=True)
    reason = build_plan.start_build(build, published, full_refresh)
    con = duckdb.connect(str(build))
    models.create_schemas(con)
    build_raw_layer(con, state, on_copy=reason is None)
    return reason, con


def test_a_build_starts_as_a_copy_of_the_published_file_unless_a_full_build_is_due(first_run, tmp_path):
    _, published = copy_published_run(first_run["raw"], first_run["warehouse"], tmp_path)
    state = published.parent / ".commitments.state.duckdb"
    assert state.is_file()
    build = tmp_path / "build" / models.BUILD_FILE_NAME

    reason, con = start(published, state, build)
    assert reason is None
    assert con.execute("select count(*) from marts.fct_commitment_mentions").fetchone()[0] > 0  # copied
    # nothing was cleaned since: the copy's raw layer is kept as it is, no article's digest computed again
    assert con.execute("select count(*) from audit.raw_changes").fetchone()[0] == 0
    plan = build_plan.plan_build(con, reason)
    assert (plan.mode, plan.unchanged, plan.computed) == ("incremental", 6, 0)
    con.close()

    # a raw layer changed behind the record of what it touched: the plan computes every digest again
    reason, con = start(published, state, build)
    con.execute("delete from raw.articles where article_id = (select min(article_id) from raw.articles)")
    plan = build_plan.plan_build(con, reason)
    assert (plan.mode, plan.unchanged, plan.removed) == ("incremental", 5, 1)
    con.close()

    reason, con = start(published, state, build, full_refresh=True)
    assert reason == "a full refresh was asked for"
    assert con.execute("select count(*) from duckdb_tables() where schema_name = 'marts'").fetchone()[0] == 0
    assert build_plan.plan_build(con, reason).mode == "full"
    con.close()

    # another process holds the published file open for writing (a duckdb shell opens read-write)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(120)", str(published)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        reason = build_plan.start_build(build, published, full_refresh=False)
    finally:
        holder.kill()
        holder.wait()
    assert reason.startswith("the published warehouse could not be read (")
    wal = wal_path(published)  # a writer that did not finish: the file alone is not the data
    wal.write_bytes(b"")
    assert build_plan.start_build(build, published, full_refresh=False).startswith(
        "the published warehouse has a write-ahead log beside it")
    wal.unlink()

    # no article in common with the published build (every raw file gone): the copy's models are dropped,
    # every model runs
    emptied = tmp_path / "emptied" / state.name
    emptied.parent.mkdir()
    shutil.copy2(state, emptied)
    with duckdb.connect(str(emptied)) as writer:
        writer.execute("delete from inventory")
    reason, con = start(published, emptied, build)
    assert reason is None
    assert con.execute("select count(*) from raw.articles").fetchone()[0] == 0
    assert con.execute("select count(*) from raw.sentences").fetchone()[0] == 0
    plan = build_plan.plan_build(con, reason)
    assert (plan.mode, plan.reason) == ("full", "no article of the published warehouse is unchanged")
    assert con.execute("select count(*) from duckdb_tables() where schema_name in ('staging', 'intermediate', "
                       "'marts')").fetchone()[0] == 0
    assert con.execute("select count(*) from audit.build_plan where mode = 'full'").fetchone()[0] == 1
    con.close()

    # mostly free space (a large table written and dropped): a full build writes the file anew
    writer = duckdb.connect(str(published))
    writer.execute("create table audit.scratch as select repeat(range::varchar, 50) as x from range(400000)")
    writer.execute("checkpoint")
    writer.execute("drop table audit.scratch")
    writer.execute("checkpoint")
    writer.close()
    reason = build_plan.start_build(build, published, full_refresh=False)
    assert reason.endswith("of the published file is free space left by earlier builds (a full build writes it anew)")

    writer = duckdb.connect(str(published))
    writer.execute("update audit.build_plan set models_key = 'made by other SQL'")
    writer.close()
    assert build_plan.start_build(build, published, full_refresh=False) == (
        "the published warehouse was built by other models (SQL, lexicons, dbt or parser)")


def _digests(articles: list[tuple], sentences: list[tuple]) -> dict[str, str]:
    con = duckdb.connect()
    try:
        con.execute("create schema raw")
        con.execute("create table raw.articles (article_id varchar, source_file varchar, body varchar)")
        con.execute("create table raw.sentences (article_id varchar, paragraph_no integer, sentence_no integer, "
                    "sentence varchar)")
        con.executemany("insert into raw.articles values (?, ?, ?)", articles)
        if sentences:
            con.executemany("insert into raw.sentences values (?, ?, ?, ?)", sentences)
        return dict(con.execute(build_plan.digests()).fetchall())
    finally:
        con.close()


def test_an_articles_digest_ignores_row_order_and_changes_with_a_swap_a_second_file_or_a_lost_sentence():
    """The digest folds row hashes without an order (it needs no article's rows in memory together): rows
    stored in another order give the same digest, but two sentences that swap places, a second file
    holding the article, or a sentence gone each change it."""
    article = [("a", "a.txt", "France will send troops. Britain too.")]
    sentences = [("a", 0, 0, "France will send troops."), ("a", 0, 1, "Britain too.")]
    base = _digests(article, sentences)["a"]
    assert _digests(article, sentences[::-1])["a"] == base
    assert _digests(article, [("a", 0, 0, "Britain too."), ("a", 0, 1, "France will send troops.")])["a"] != base
    assert _digests(article + [("a", "copy.txt", article[0][2])], sentences)["a"] != base
    assert _digests(article, sentences[:1])["a"] != base
    assert _digests(article, [])["a"] != base
