"""Write-audit-publish with real processes: readers are never blocked, kills never corrupt, runs never overlap."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from conftest import copy_published_run, copy_samples

pytestmark = pytest.mark.e2e

COMMITMENTS = str(Path(sys.executable).parent / "commitments")
EXTRA_ARTICLE = ("Portugal will send 200 troops to Ukraine after a ceasefire, the prime minister said on Friday. "
                 "Lisbon also pledged 50 million euros for the reconstruction of Ukrainian schools.")


def start_run(raw: Path, warehouse: Path, *extra: str, pause_at: tuple[str, Path] | None = None) -> subprocess.Popen:
    """`commitments run` as a user starts it (own process group, default logging, the session's Prefect API);
    with pause_at=(stage, marker) through tests/run_paused.py, which waits at that stage."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_LOGGING_LEVEL"}
    command = [COMMITMENTS]
    if pause_at:
        command = [sys.executable, str(Path(__file__).parent / "run_paused.py"), pause_at[0], str(pause_at[1])]
    return subprocess.Popen([*command, "run", "--raw-dir", str(raw), "--warehouse", str(warehouse), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)


def finish(proc: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"run ended before reaching the stage: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("run did not reach the stage in time")
        time.sleep(0.2)


def kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def published_once(prefect_api_url, tmp_path_factory):
    """The sample corpus published once by `commitments run` in its own process (about 30 s)."""
    root = tmp_path_factory.mktemp("published")
    raw = copy_samples(root / "raw")
    warehouse = root / "wh" / "commitments.duckdb"
    code, out, err = finish(start_run(raw, warehouse))
    assert code == 0, err
    return raw, warehouse


@pytest.fixture
def published(published_once, tmp_path):
    """A test's own copy of that run (see conftest.copy_published_run)."""
    return copy_published_run(*published_once, tmp_path)


def mentions(warehouse: Path) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select count(*) from marts.fct_commitment_mentions").fetchone()[0]
    finally:
        con.close()


def test_a_reader_holding_the_warehouse_keeps_working_through_a_run(published, tmp_path):
    raw, warehouse = published
    before = mentions(warehouse)
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    log, stop = tmp_path / "reader.log", tmp_path / "reader.stop"
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, os, time
        con = duckdb.connect({str(warehouse)!r}, read_only=True)
        with open({str(log)!r}, "w") as log:
            end = time.monotonic() + 300
            while time.monotonic() < end and not os.path.exists({str(stop)!r}):
                n = con.execute("select count(*) from marts.fct_commitment_mentions").fetchone()[0]
                log.write(f"{{n}}\\n"); log.flush()
                time.sleep(0.1)
        """)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    code, out, err = finish(start_run(raw, warehouse))
    still_reading = reader.poll() is None
    stop.touch()
    reader_out, reader_err = reader.communicate(timeout=60)
    assert code == 0, err
    assert still_reading, "the run did not wait for the reader: it finished while the reader held the file"
    assert reader.returncode == 0, reader_err
    counts = {int(line) for line in log.read_text().split()}
    assert counts == {before}, "the open reader sees the warehouse it opened, never a mix"
    assert mentions(warehouse) > before, "a new reader sees the new warehouse"


@pytest.mark.parametrize("stage", ["cleaned", "built", "checked", "published"])
def test_a_run_killed_at_any_stage_leaves_a_good_warehouse_and_the_next_run_succeeds(published, tmp_path, stage):
    raw, warehouse = published
    before_digest, before_count = digest(warehouse), mentions(warehouse)
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    marker = tmp_path / f"at-{stage}"
    proc = start_run(raw, warehouse, pause_at=(stage, marker))
    wait_for(marker, proc)
    kill_group(proc)
    if stage == "published":
        assert mentions(warehouse) > before_count
    else:
        assert digest(warehouse) == before_digest
        assert mentions(warehouse) == before_count
    code, out, err = finish(start_run(raw, warehouse))
    assert code == 0, err
    assert mentions(warehouse) > before_count
    assert not list(warehouse.parent.glob(".*build*"))


def test_ad_hoc_sql_works_while_a_run_is_building(published, tmp_path):
    raw, warehouse = published
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    marker = tmp_path / "building"
    run = start_run(raw, warehouse, pause_at=("built", marker))
    try:
        wait_for(marker, run)
        query = subprocess.run([COMMITMENTS, "sql", "select count(*) as n from marts.fct_commitments",
                                "--format", "csv", "--warehouse", str(warehouse)],
                               capture_output=True, text=True, timeout=60)
    finally:
        kill_group(run)
    assert query.returncode == 0, query.stderr
    assert int(query.stdout.splitlines()[1]) > 0


def test_two_runs_at_once_never_overlap(published, tmp_path):
    raw, warehouse = published
    before = digest(warehouse)
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    marker = tmp_path / "first-holds-the-lock"
    first = start_run(raw, warehouse, pause_at=("built", marker))
    wait_for(marker, first)
    code, out, err = finish(start_run(raw, warehouse))
    kill_group(first)
    assert code == 1
    assert "another run is already building" in err and "Traceback" not in err
    assert digest(warehouse) == before


def test_a_spill_folder_left_by_a_killed_build_is_removed_not_a_crash(tmp_path):
    """DuckDB spills to `<build>.duckdb.tmp/`; a build killed while spilling leaves that folder."""
    from flows.warehouse.publish import remove_stale_builds

    warehouse = tmp_path / "commitments.duckdb"
    spill = tmp_path / ".commitments.build-20261130T000000Z-abc.duckdb.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"\0" * 1024)
    stale = tmp_path / ".commitments.build-20261130T000000Z-abc.duckdb"
    stale.write_bytes(b"half")
    removed = remove_stale_builds(warehouse)
    assert set(removed) == {spill, stale}
    assert not spill.exists() and not stale.exists()


def test_a_run_killed_after_its_checks_is_never_called_published(published, tmp_path):
    raw, warehouse = published
    reports = warehouse.parent / "reports"
    latest_before = (reports / "latest.html").read_bytes()
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    marker = tmp_path / "at-checked"
    proc = start_run(raw, warehouse, pause_at=("checked", marker))
    wait_for(marker, proc)
    kill_group(proc)
    assert (reports / "latest.html").read_bytes() == latest_before
    state = duckdb.connect(str(warehouse.parent / ".commitments.state.duckdb"), read_only=True)
    killed_run, status = state.execute("select run_id, status from runs order by started_at desc limit 1").fetchone()
    state.close()
    assert status == "publishing"
    assert not (reports / f"{killed_run}.html").exists()
    code, _, err = finish(start_run(raw, warehouse))
    assert code == 0, err
    con = duckdb.connect(str(warehouse), read_only=True)
    status, message = con.execute("select status, message from audit.runs where run_id = ?", [killed_run]).fetchone()
    latest = con.execute("select status from audit.runs order by started_at desc limit 1").fetchone()[0]
    con.close()
    assert status == "crashed" and "before its build was published" in message
    assert latest == "published"
    assert not list(reports.glob(".*.pending"))


def live_processes_of_group(pgid: int, wait: float = 5.0) -> list[str]:
    """Processes of a process group that still run (zombies waiting for a reaper do not count)."""
    import psutil

    deadline = time.monotonic() + wait
    while True:
        live = []
        for process in psutil.process_iter(["pid", "status", "cmdline"]):
            try:
                if os.getpgid(process.pid) == pgid and process.info["status"] != psutil.STATUS_ZOMBIE:
                    live.append(" ".join(process.info["cmdline"] or []))
            except (ProcessLookupError, psutil.Error):
                continue
        if not live or time.monotonic() > deadline:
            return live
        time.sleep(0.2)


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_run_ends_within_seconds_records_why_and_leaves_nothing_running(published, tmp_path, signum, code):
    raw, warehouse = published
    before = digest(warehouse)
    (raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    marker = tmp_path / "at-cleaned"
    proc = start_run(raw, warehouse, pause_at=("cleaned", marker))
    wait_for(marker, proc)
    started = time.monotonic()
    proc.send_signal(signum)
    returncode, _, err = finish(proc, timeout=60)
    assert time.monotonic() - started < 30
    assert returncode == code and "stopped by " + signal.Signals(signum).name in err
    assert "Traceback" not in err
    assert live_processes_of_group(proc.pid) == []  # no API server, no cleaning worker is left running
    assert digest(warehouse) == before
    assert not list(warehouse.parent.glob(".*build*")) and not list(warehouse.parent.glob(".*batches*"))
    state = duckdb.connect(str(warehouse.parent / ".commitments.state.duckdb"), read_only=True)
    status, message = state.execute("select status, message from runs order by started_at desc limit 1").fetchone()
    state.close()
    assert status == "crashed" and signal.Signals(signum).name in message


@pytest.fixture
def small_filesystem(tmp_path):
    """A real 64 MB tmpfs (needs root and mount; skipped with the reason where that is impossible)."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_a_full_disk_fails_the_run_in_one_line_records_it_and_leaves_no_build(prefect_api_url, sample_raw,
                                                                             small_filesystem):
    warehouse = small_filesystem / "wh" / "commitments.duckdb"
    code, _, err = finish(start_run(sample_raw, warehouse))
    assert code == 0, err
    before = digest(warehouse)
    (sample_raw / "portugal.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    filler = small_filesystem / "filler.bin"
    free = os.statvfs(small_filesystem).f_bavail * os.statvfs(small_filesystem).f_frsize
    with open(filler, "wb") as handle:  # leave about 1 MB: enough for the history, not for a build
        handle.truncate(0)
        handle.write(b"\0" * max(free - 1_000_000, 0))
    code, out, err = finish(start_run(sample_raw, warehouse))
    assert code == 1, out + err
    assert "the run failed writing to disk" in err and "Traceback" not in err
    assert digest(warehouse) == before
    assert not list(warehouse.parent.glob(".*build*"))
    filler.unlink()
    state = duckdb.connect(str(warehouse.parent / ".commitments.state.duckdb"), read_only=True)
    status = state.execute("select status from runs order by started_at desc limit 1").fetchone()[0]
    state.close()
    assert status == "crashed"


def test_ctrl_c_in_a_terminal_stops_the_whole_run_without_worker_tracebacks(published, tmp_path):
    """A terminal's Ctrl-C reaches the process group: the run, its API server and its workers."""
    raw, warehouse = published
    for i in range(40):
        (raw / f"extra{i:02d}.txt").write_text(EXTRA_ARTICLE.replace("200", str(200 + i)), encoding="utf-8")
    marker = tmp_path / "at-cleaned"
    proc = start_run(raw, warehouse, pause_at=("cleaned", marker))
    wait_for(marker, proc)
    os.killpg(proc.pid, signal.SIGINT)
    returncode, _, err = finish(proc, timeout=60)
    assert returncode == 130 and "stopped by SIGINT" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert live_processes_of_group(proc.pid) == []


def test_a_signal_during_a_long_database_statement_stops_the_process_after_the_grace_period(tmp_path):
    """Python often cannot run a signal handler while DuckDB holds the main thread: the watchdog then ends
    the process. When DuckDB does run it, it turns the handler's RunStopped into "Query interrupted", and
    stop_on_signals gives the RunStopped back; the script then does what the command line does. Either
    way: exit 143 within seconds, the build removed, a crashed run in the history."""
    state = tmp_path / "wh" / ".commitments.state.duckdb"
    warehouse = tmp_path / "wh" / "commitments.duckdb"
    script = textwrap.dedent(f"""
        import duckdb, sys
        from pathlib import Path
        from flows import state, stopping
        stopping.GRACE_SECONDS = 2
        state.init_state(Path({str(state)!r}))
        build = Path({str(tmp_path / "wh" / ".commitments.build-x.duckdb")!r})
        try:
            with stopping.stop_on_signals(Path({str(warehouse)!r}), Path({str(state)!r}), Path({str(tmp_path)!r})):
                con = duckdb.connect(str(build))
                print("busy", flush=True)
                con.execute("select count(*) from range(100000000000) t(i) where i % 7 = 3").fetchall()
        except stopping.RunStopped as exc:
            con.close()
            print(f"commitments: {{exc}}", file=sys.stderr)
            stopping.remove_run_files(Path({str(warehouse)!r}))
            stopping.record_stop(Path({str(state)!r}), Path({str(tmp_path)!r}), exc.signum)
            sys.exit(exc.exit_code)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    assert proc.stdout.readline().strip() == "busy"
    time.sleep(1)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and time.monotonic() - started < 20, err
    assert "stopped by SIGTERM" in err  # the watchdog's words or the main thread's
    assert not (tmp_path / "wh" / ".commitments.build-x.duckdb").exists()
    con = duckdb.connect(str(state), read_only=True)
    assert con.execute("select status, message from runs").fetchall()[-1][0] == "crashed"


def test_an_error_duckdb_makes_of_the_stop_signal_is_the_stop(tmp_path):
    """DuckDB may run the signal handler during a statement and raise "Query interrupted" instead of the
    handler's RunStopped: inside stop_on_signals that error is the stop, with the signal's exit code."""
    from flows import stopping

    with pytest.raises(stopping.RunStopped) as info:
        with stopping.stop_on_signals(tmp_path / "commitments.duckdb", tmp_path / "state.duckdb", tmp_path):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(2)  # the handler raises RunStopped here
            except stopping.RunStopped:
                raise RuntimeError("Query interrupted") from None  # what DuckDB makes of it
    assert info.value.exit_code == 143 and isinstance(info.value.__cause__, RuntimeError)
    assert stopping.stop_signal() is None  # forgotten once the block is left


def test_an_error_without_a_stop_signal_stays_what_it_is(tmp_path):
    from flows import stopping

    with pytest.raises(RuntimeError, match="Query interrupted"):
        with stopping.stop_on_signals(tmp_path / "commitments.duckdb", tmp_path / "state.duckdb", tmp_path):
            raise RuntimeError("Query interrupted")
