"""End to end: the real Prefect flow, a real DuckDB file, real trafilatura, into tmp_path."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
import uuid
from pathlib import Path

import duckdb
import pytest

from conftest import copy_published_run, copy_samples
from flows import cli
from flows.warehouse import models
from flows.warehouse.publish import run_lock
from test_models import CONTRACT_COMMITMENT_COLUMNS, CONTRACT_MENTION_COLUMNS

pytestmark = pytest.mark.e2e

HTML_PAGE = """<!doctype html><html><head><title>Japan pledges aid to Ukraine | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="date" content="2026-02-10"></head><body>
<div class="cookie-banner">We use cookies. By continuing to browse you accept our use of cookies.</div>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<article><h1>Japan pledges aid to Ukraine</h1>
<p>Japan will provide 3 billion dollars for the reconstruction of Ukraine's energy grid, Prime Minister Ishiba said on Tuesday.</p>
<p>The money will be paid over three years, officials in Tokyo said, and comes on top of earlier humanitarian aid.</p>
<p>Japan has ruled out sending troops to Ukraine because of its constitution, the government added.</p>
</article>
<aside class="newsletter">Sign up for our newsletter to get the latest news every morning.</aside>
<section class="related"><h2>Related</h2><ul><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul></section>
<footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"""


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def published_once(prefect_api_url, tmp_path_factory):
    """The samples and an HTML page published once by `commitments run` in this process (about 30 s)."""
    raw = copy_samples(tmp_path_factory.mktemp("published") / "raw")
    (raw / "japan.html").write_text(HTML_PAGE, encoding="utf-8")
    warehouse = raw.parent / "wh" / "commitments.duckdb"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse)])
    assert code == 0, err.getvalue()
    return {"raw": raw, "warehouse": warehouse, "out": out.getvalue()}


@pytest.fixture
def published(published_once, tmp_path):
    """A test's own copy of that run (see conftest.copy_published_run)."""
    raw, warehouse = copy_published_run(published_once["raw"], published_once["warehouse"], tmp_path)
    return {"raw": raw, "warehouse": warehouse, "out": published_once["out"]}


def test_run_publishes_every_contract_column_populated(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    for table, columns in (("marts.fct_commitment_mentions", CONTRACT_MENTION_COLUMNS),
                           ("marts.fct_commitments", CONTRACT_COMMITMENT_COLUMNS)):
        n_rows = con.execute(f"select count(*) from {table}").fetchone()[0]
        assert n_rows > 10
        for column in columns:
            filled = con.execute(f"select count({column}) from {table}").fetchone()[0]
            assert filled > 0, f"{table}.{column} is never filled"
    assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] == 6
    assert con.execute("select count(*) from marts.dim_actors").fetchone()[0] > 40


def test_run_prints_files_rows_and_report(published):
    out = published["out"]
    assert "6 found, 6 new, 0 changed, 0 unchanged, 0 rejected" in out
    assert "marts.fct_commitments" in out and "report:" in out
    report = Path(out.split("report: ")[1].split()[0])
    assert report.is_file() and (report.parent / "latest.html").is_file()


def test_html_page_is_cleaned_with_its_metadata(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    title, publisher, published_at, body = con.execute(
        "select title, source_name, published, body from staging.stg_articles where source_file = 'japan.html'").fetchone()
    assert title.startswith("Japan pledges aid to Ukraine") and publisher == "Example News"
    assert str(published_at).startswith("2026-02-10")
    assert "3 billion dollars" in body and "newsletter" not in body and "cookies" not in body
    assert ("JPN", "reconstruction") in set(con.execute(
        "select actor_code, commitment_type from marts.fct_commitment_mentions where source_file = 'japan.html'").fetchall())


def test_a_run_keeps_its_profile_by_stage_process_and_cleaning_step(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    stored = json.loads(con.execute("select stage_profile from audit.runs where status = 'published'").fetchone()[0])
    cpu, steps = stored["cpu_seconds"], stored["worker_steps"]
    assert set(cpu) == {"discover", "clean", "models", "checks", "docs"}
    assert all(set(roles) == {"flow", "workers", "api"} for roles in cpu.values())
    assert cpu["clean"]["workers"] > 0 and cpu["models"]["flow"] > 0  # cleaning ran in the worker processes
    assert {"read", "hash + decode", "html parse + metadata", "trafilatura body", "repair + boilerplate lines",
            "text dump cleaning", "language", "sentence splitting", "parquet hand-off"} <= set(steps)
    assert all(seconds >= 0 for seconds in steps.values())


def test_warehouse_documents_itself_in_duckdb(published):
    con = duckdb.connect(str(published["warehouse"]), read_only=True)
    assert con.execute("select comment from duckdb_tables() where schema_name = 'marts' "
                       "and table_name = 'fct_commitments'").fetchone()[0]
    undocumented = con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
                               "and (comment is null or comment = '')").fetchall()
    assert undocumented == []
    # the lexicon's docs come from sql/seeds/_seeds.yml (the flow's COMMENT ON), the models' from dbt
    assert con.execute("select comment from duckdb_tables() where schema_name = 'lexicon' "
                       "and table_name = 'stances'").fetchone()[0]


def test_flow_run_is_recorded_by_the_prefect_api(published):
    from prefect.client.orchestration import get_client

    flow_run_id = published["out"].split("prefect flow run: ")[1].split()[0]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(uuid.UUID(flow_run_id))
    assert flow_run.state.is_completed()


def test_findings_are_published_as_prefect_artifacts(published):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for key in ("commitments-run", "commitments-facts", "commitments-checks"):
            artifact = client.read_latest_artifacts(limit=100)
            assert any(a.key == key for a in artifact), key


def test_flow_run_is_listed_by_prefect_flow_run_ls(published, prefect_api_url):
    import os
    import subprocess
    import sys

    flow_run_id = published["out"].split("prefect flow run: ")[1].split()[0]
    env = {**os.environ, "PREFECT_API_URL": prefect_api_url, "COLUMNS": "250"}
    prefect = Path(sys.executable).parent / "prefect"
    listing = subprocess.run([str(prefect), "flow-run", "ls", "--limit", "50"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert listing.returncode == 0, listing.stderr
    assert flow_run_id[:18] in listing.stdout


def test_rerun_cleans_only_what_changed(published, capsys):
    raw, warehouse = published["raw"], published["warehouse"]
    code, out, _ = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0 and "6 found, 0 new, 0 changed, 6 unchanged" in out
    assert "nothing changed since the last published run" in out
    (raw / "japan.html").write_text(HTML_PAGE.replace("3 billion", "4 billion"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0 and "6 found, 0 new, 1 changed, 5 unchanged" in out
    con = duckdb.connect(str(warehouse), read_only=True)
    statuses = [r[0] for r in con.execute("select status from audit.runs order by started_at").fetchall()]
    assert statuses == ["published", "unchanged", "published"]


def test_a_rerun_reads_no_unchanged_file_unless_asked_to_rehash(published, capsys, monkeypatch):
    from flows.ingest import discover

    raw, warehouse = published["raw"], published["warehouse"]
    then = time.time() - 60
    for path in raw.iterdir():
        os.utime(path, (then, then))  # older than the racy window (the ctime moves: read once more)
    run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    reads: list[str] = []
    real = discover.hash_file
    monkeypatch.setattr(discover, "hash_file", lambda path, cap: reads.append(path.name) or real(path, cap))
    code, out, _ = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0 and "6 unchanged" in out and reads == []
    code, out, _ = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--rehash")
    assert code == 0 and "6 unchanged" in out and len(reads) == 6


def test_broken_files_are_rejected_and_the_rest_published_without_touching_raw(prefect_api_url, sample_raw, tmp_path, capsys):
    (sample_raw / "empty.txt").write_bytes(b"")
    (sample_raw / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (sample_raw / "shell.html").write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    (sample_raw / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("A secret that must not be read. " * 10)
    before = tree_digest(sample_raw)
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    code, out, err = run_cli(capsys, "run", "--raw-dir", str(sample_raw), "--warehouse", str(warehouse))
    assert code == 0, err
    assert "4 rejected" in out
    for name, reason in [("empty.txt", "empty file"), ("image.png", "PNG"), ("shell.html", "no article body"),
                         ("outside.txt", "symbolic link")]:
        assert f"rejected {name}: " in out and reason in out.split(f"rejected {name}: ")[1].splitlines()[0]
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] == 5
    assert tree_digest(sample_raw) == before


def with_failing_test(tmp_path: Path, monkeypatch) -> Path:
    """The flow runs a copy of the dbt project with one more data test, which always fails."""
    import shutil

    original = models.SQL_DIR
    project = tmp_path / "sql"
    shutil.copytree(original, project)
    (project / "tests" / "always_fails.sql").write_text("-- a data test made to fail on purpose\nselect 1 as offending_row\n")
    monkeypatch.setattr(models, "SQL_DIR", project)
    return original


def test_a_failing_check_leaves_the_published_warehouse_byte_for_byte(published, capsys, monkeypatch, tmp_path):
    warehouse = published["warehouse"]
    before = warehouse.read_bytes()
    (published["raw"] / "new.txt").write_text("Latvia will send 50 instructors to Ukraine, Riga said on Monday evening.")
    with_failing_test(tmp_path, monkeypatch)
    code, _, err = run_cli(capsys, "run", "--raw-dir", str(published["raw"]), "--warehouse", str(warehouse))
    assert code == 1
    assert "always_fails" in err and "published warehouse was left as it was" in err
    assert warehouse.read_bytes() == before
    assert not list(warehouse.parent.glob(".*build*"))
    latest = (warehouse.parent / "reports" / "latest.html").read_text(encoding="utf-8")
    assert "always_fails" in latest and "failed" in latest


def test_cleaning_of_a_failed_run_is_reused_and_its_history_kept(published, capsys, monkeypatch, tmp_path):
    raw, warehouse = published["raw"], published["warehouse"]
    (raw / "extra.txt").write_text("Estonia will send 100 soldiers to Ukraine after a ceasefire, Tallinn said on Monday.")
    original = with_failing_test(tmp_path, monkeypatch)
    assert run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))[0] == 1
    monkeypatch.setattr(models, "SQL_DIR", original)
    code, out, _ = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0 and "7 found, 0 new, 0 changed, 7 unchanged" in out
    con = duckdb.connect(str(warehouse), read_only=True)
    statuses = [r[0] for r in con.execute("select status from audit.runs order by started_at").fetchall()]
    assert statuses == ["published", "failed", "published"]
    assert con.execute("select count(*) from audit.check_results where not passed and check_name = 'always_fails'"
                       ).fetchone()[0] == 1


def test_a_second_run_while_one_is_running_exits_with_a_message(sample_raw, tmp_path, capsys):
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    settings_lock = warehouse.parent / ".commitments.lock"
    with run_lock(settings_lock):
        code, _, err = run_cli(capsys, "run", "--raw-dir", str(sample_raw), "--warehouse", str(warehouse))
    assert code == 1 and "another run is already building" in err
    assert not warehouse.exists()


def test_cleaning_batches_run_on_a_dask_cluster_of_two_workers(prefect_api_url, sample_raw, tmp_path, capsys):
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    code, out, err = run_cli(capsys, "run", "--raw-dir", str(sample_raw), "--warehouse", str(warehouse),
                             "--task-runner", "dask", "--workers", "2", "--batch-size", "2")
    assert code == 0, err
    assert "5 found, 5 new" in out
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] > 0


WEATHER = ("Weather for the week\n\nRain is expected across the north on Tuesday, with sunny spells later in the "
           "week and mild temperatures along the coast, forecasters said on Monday.\n")


def test_a_corpus_without_any_commitment_publishes_an_empty_result_and_says_why(prefect_api_url, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "weather.txt").write_text(WEATHER, encoding="utf-8")
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    code, out, err = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0, err
    assert "published" in out
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitment_mentions").fetchone()[0] == 0
    assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] == 1
    con.close()
    report = (warehouse.parent / "reports" / "latest.html").read_text(encoding="utf-8")
    assert 'id="no-facts"' in report and "No commitment in this warehouse" in report


def test_an_empty_raw_folder_publishes_an_empty_warehouse(prefect_api_url, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    code, out, err = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0, err
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] == 0


def test_facts_of_a_deleted_file_are_withdrawn_even_when_none_remain(prefect_api_url, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "pledge.txt").write_text("Pledge\n\nNorway will send 200 soldiers to the mission in Mali, the defence "
                                    "minister said on Monday.\n", encoding="utf-8")
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    assert run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))[0] == 0
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] >= 1
    con.close()
    (raw / "pledge.txt").unlink()
    (raw / "weather.txt").write_text(WEATHER, encoding="utf-8")
    code, _, err = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert code == 0, err
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.fct_commitments").fetchone()[0] == 0


def test_a_raw_folder_removed_after_the_command_line_check_is_a_one_line_error(prefect_api_url, tmp_path, capsys,
                                                                                 monkeypatch):
    import shutil

    from flows import tasks

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "weather.txt").write_text(WEATHER, encoding="utf-8")
    real = tasks.discover_raw_files

    def vanish_then_list(raw_dir, *args, **kwargs):
        shutil.rmtree(raw_dir, ignore_errors=True)
        return real(raw_dir, *args, **kwargs)

    monkeypatch.setattr(tasks, "discover_raw_files", vanish_then_list)
    code, _, err = run_cli(capsys, "run", "--raw-dir", str(raw), "--warehouse", str(tmp_path / "wh" / "c.duckdb"))
    assert code == 1
    assert "raw folder not found" in err and "Traceback" not in err
