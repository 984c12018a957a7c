"""Long work says what it is doing: a live bar on a terminal, periodic plain lines in a log, nothing
with --quiet; the cleaning line carries the rate and the time left."""

from __future__ import annotations

import io

import pytest

from flows import progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_lines_are_at_most_one_per_period_per_stage_and_always_at_the_end():
    out, clock = io.StringIO(), Clock()
    report = progress.LineReporter(out, every_s=10, clock=clock)
    for done in range(0, 1001, 100):
        report("clean", done, 1000)
        clock.now += 4  # 100 files every 4 s
    lines = out.getvalue().splitlines()
    assert lines[0] == "clean: cleaned 0 of 1,000 files"
    assert lines[-1].startswith("clean: cleaned 1,000 of 1,000 files (25.0/s")
    assert 3 <= len(lines) <= 5, lines


def test_the_cleaning_line_has_the_rate_and_the_time_left():
    out, clock = io.StringIO(), Clock()
    report = progress.LineReporter(out, every_s=0, clock=clock)
    report("clean", 0, 3000)
    clock.now = 60
    report("clean", 1000, 3000)
    assert out.getvalue().splitlines()[-1] == "clean: cleaned 1,000 of 3,000 files (16.7/s, about 2 min 0 s left)"


def test_build_lines_name_the_model_being_built():
    out = io.StringIO()
    report = progress.LineReporter(out, every_s=0, clock=Clock())
    report("build", 3, 24, "intermediate/int_cue_matches")
    assert out.getvalue() == "build: built 3 of 24 models (intermediate/int_cue_matches)\n"


def test_quiet_reports_nothing_and_advance_outside_reporting_is_harmless():
    out = io.StringIO()
    with progress.reporting("quiet", stream=out):
        progress.advance("clean", 1, 2)
    progress.advance("clean", 2, 2)
    assert out.getvalue() == ""


def test_auto_is_lines_when_the_output_is_not_a_terminal():
    out = io.StringIO()
    with progress.reporting("auto", stream=out, every_s=0):
        progress.advance("clean", 5, 5)
    assert out.getvalue() == "clean: cleaned 5 of 5 files\n"


def test_the_bar_draws_each_stage_with_its_counts():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    with progress.reporting("auto", stream=out):
        progress.advance("clean", 250, 500)
        progress.advance("clean", 500, 500)
        progress.advance("build", 24, 24)
    text = out.getvalue()
    assert "clean" in text and "500/500" in text and "build" in text and "24/24" in text


@pytest.mark.e2e
def test_a_run_reports_its_progress_on_stderr_and_quiet_keeps_only_the_summary(prefect_api_url, sample_raw,
                                                                               tmp_path, capsys):
    from flows import cli
    from flows.warehouse.models import model_order

    assert cli.main(["run", "--raw-dir", str(sample_raw), "--warehouse", str(tmp_path / "a" / "c.duckdb")]) == 0
    out, err = capsys.readouterr()
    assert "clean: cleaned 5 of 5 files" in err and f"build: built {len(model_order())} of {len(model_order())} models" in err
    assert "published" in out and "clean:" not in out
    assert cli.main(["run", "-q", "--raw-dir", str(sample_raw), "--warehouse", str(tmp_path / "b" / "c.duckdb")]) == 0
    out, err = capsys.readouterr()
    assert "clean:" not in err and "build:" not in err and "published" in out
