"""The command line: read-only SQL in four formats, clear errors, tables, export, help."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows import cli
from flows.settings import PROJECT_DIR
from helpers import cleaned_rows, build_from_rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A warehouse file built from two short articles (models only; the flow is tested elsewhere)."""
    con = build_from_rows(cleaned_rows({
        "a.txt": "France will send several thousand troops to Ukraine after a ceasefire, Macron said on Monday.",
        "b.txt": "Germany ruled out sending troops to Ukraine, but Berlin pledged 2 billion euros in military aid.",
    }))
    path = tmp_path_factory.mktemp("wh") / "commitments.duckdb"
    con.execute(f"attach '{path}' as target")
    con.execute("copy from database memory to target")
    con.execute("detach target")
    return path


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


QUERY = "select actor_code, commitment_type, stance from marts.fct_commitments order by 1, 2"


def test_sql_prints_an_aligned_table(warehouse, capsys):
    code, out, _ = run(capsys, "sql", QUERY, "--warehouse", str(warehouse))
    assert code == 0
    assert re.search(r"FRA\s+troop_deployment\s+committed", out) and "row" in out.splitlines()[-1]


def test_sql_prints_csv(warehouse, capsys):
    _, out, _ = run(capsys, "sql", QUERY, "--format", "csv", "--warehouse", str(warehouse))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"actor_code": "DEU", "commitment_type": "troop_deployment", "stance": "declined"} in rows


def test_sql_prints_json(warehouse, capsys):
    _, out, _ = run(capsys, "sql", QUERY, "--format", "json", "--warehouse", str(warehouse))
    assert {"actor_code": "FRA", "commitment_type": "troop_deployment", "stance": "committed"} in json.loads(out)


def test_sql_prints_markdown(warehouse, capsys):
    _, out, _ = run(capsys, "sql", QUERY, "--format", "markdown", "--warehouse", str(warehouse))
    assert out.splitlines()[0] == "| actor_code | commitment_type | stance |"
    assert "| FRA | troop_deployment | committed |" in out


def test_sql_reads_a_query_file(warehouse, tmp_path, capsys):
    query = tmp_path / "q.sql"
    query.write_text("select count(*) as n from marts.fct_commitments")
    code, out, _ = run(capsys, "sql", "--file", str(query), "--format", "csv", "--warehouse", str(warehouse))
    assert code == 0 and out.splitlines()[0] == "n"


@pytest.mark.parametrize("statement", [
    "drop table marts.fct_commitments",
    "delete from marts.fct_commitments",
    "create table x as select 1",
    "insert into marts.dim_actors select * from marts.dim_actors",
    "select 1; update marts.fct_commitments set stance = 'declined'",
])
def test_sql_refuses_writing_statements(warehouse, capsys, statement):
    before = warehouse.read_bytes()
    code, _, err = run(capsys, "sql", statement, "--warehouse", str(warehouse))
    assert code == 1 and "read-only" in err and "Traceback" not in err
    assert warehouse.read_bytes() == before


def test_sql_error_shows_duckdbs_message_without_traceback(warehouse, capsys):
    code, _, err = run(capsys, "sql", "select nope from marts.fct_commitments", "--warehouse", str(warehouse))
    assert code == 1 and "SQL error" in err and "nope" in err and "Traceback" not in err


def test_missing_warehouse_is_a_one_line_error(tmp_path, capsys):
    code, _, err = run(capsys, "sql", "select 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "commitments run" in err


def test_sql_works_while_another_process_reads(warehouse, capsys):
    import subprocess
    import sys

    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "c.execute('select 1'); print('open', flush=True); time.sleep(30)", str(warehouse)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        code, _, _ = run(capsys, "sql", "select 1", "--warehouse", str(warehouse))
    finally:
        reader.kill()
        reader.wait()
    assert code == 0


def test_tables_lists_schemas_rows_and_descriptions(warehouse, capsys):
    code, out, _ = run(capsys, "tables", "--format", "csv", "--warehouse", str(warehouse))
    rows = {(r["schema"], r["name"]): r for r in csv.DictReader(io.StringIO(out))}
    assert code == 0 and ("marts", "fct_commitments") in rows and ("staging", "stg_articles") in rows


def test_export_writes_every_mart(warehouse, tmp_path, capsys):
    code, _, _ = run(capsys, "export", "--format", "parquet", "--out", str(tmp_path / "out"), "--warehouse", str(warehouse))
    assert code == 0
    names = sorted(p.stem for p in (tmp_path / "out").glob("*.parquet"))
    assert names == ["dim_actors", "dim_articles", "fct_commitment_mentions", "fct_commitments"]
    assert duckdb.sql(f"select count(*) from '{tmp_path / 'out' / 'fct_commitments.parquet'}'").fetchall()[0][0] > 0


def test_help_documents_every_subcommand_and_the_readme_names_them(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    for command in ("run", "serve", "sql", "tables", "export", "report", "eval", "quality", "bench"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command
        assert f"commitments {command}" in readme, command


@pytest.mark.parametrize("statement,target", [
    ("explain analyze copy (select 'x' as x) to '{warehouse}' (format csv)", "warehouse"),
    ("explain analyze copy (select 'x' as x) to '{other}' (format csv)", "other"),
    ("set log_query_path='{other}'; select 1", "other"),
])
def test_sql_cannot_write_any_file_not_even_through_explain(warehouse, tmp_path, capsys, statement, target):
    other = tmp_path / "written.txt"
    before = warehouse.read_bytes()
    code, _, err = run(capsys, "sql", "--warehouse", str(warehouse), statement.format(warehouse=warehouse, other=other))
    assert code == 1 and "Traceback" not in err
    assert warehouse.read_bytes() == before
    assert not other.exists()


@pytest.mark.parametrize("query", [
    "select * from read_text('{probe}')",
    "select * from read_csv('{probe}')",
    "select * from glob('{folder}/*')",
    "set memory_limit='64GB'",
    "set threads=1",
    "attach '{folder}/elsewhere.duckdb' as elsewhere",
])
def test_sql_reads_nothing_but_the_warehouse_and_cannot_change_settings(warehouse, tmp_path, capsys, query):
    probe = tmp_path / "secret.csv"
    probe.write_text("a,b\n1,2\n", encoding="utf-8")
    code, out, err = run(capsys, "sql", "--warehouse", str(warehouse), query.format(probe=probe, folder=tmp_path))
    assert code == 1 and out == ""
    assert ("Permission Error" in err or "configuration has been locked" in err or "refused" in err), err


@pytest.mark.parametrize("argv,words", [
    (["sql", "--nope", "select 1"], "No such option: --nope"),
    (["sql", "--format", "yaml", "select 1"], "'yaml' is not one of"),
    (["run", "--batch-size", "many"], "Invalid value for '--batch-size'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_a_wrong_command_line_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "--help" in err and "Traceback" not in err


def test_every_command_has_its_own_help(capsys):
    for command in ("run", "serve", "sql", "tables", "export", "report", "eval", "quality", "bench"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and f"Usage: commitments {command}" in out


def test_shell_completion_offers_the_script_and_completes_commands_and_flags():
    commitments = str(Path(sys.executable).parent / "commitments")
    # what `commitments --show-completion` prints in bash (which detects the shell from the parent process)
    script = subprocess.run([commitments], env={**os.environ, "_COMMITMENTS_COMPLETE": "source_bash"},
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "_commitments_completion" in script.stdout

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_COMMITMENTS_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}
        done = subprocess.run([commitments], env=env, capture_output=True, text=True, timeout=60)
        return done.stdout.split()

    assert complete("commitments ru") == ["run"]
    assert complete("commitments sql --fo") == ["--format"]
