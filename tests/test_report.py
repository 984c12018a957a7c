"""The data-quality report opens in a real browser: every section, no console errors, no injected script."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import pytest

from flows import cli
from flows.report.render import _TEMPLATES, render_report

pytestmark = pytest.mark.e2e

HOSTILE = ("France will send troops <img src=x onerror=\"document.title='pwned'\"> to Ukraine after a ceasefire, "
           "Macron said. <script>document.title='pwned'</script> Officials confirmed it on Tuesday.")
HOSTILE_NAME = "<b onmouseover=alert(1)>bold.txt"
SECTIONS = ["summary", "rejects", "cleaning", "models", "checks", "coverage", "facts", "history"]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed with apt-get when missing (skipped only where that is impossible)."""
    path = find_chromium()
    if path is None and shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "chromium"]
        if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=900)
            subprocess.run(install, env=env, capture_output=True, timeout=900)
        path = find_chromium()
    if path is None:
        pytest.skip("chromium is not installed and could not be installed with apt-get here")
    return path


def headless(chromium: str, *args: str, profile: Path) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=120)


def png_pixels(path: Path) -> bytes:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(idat)


@pytest.fixture(scope="module")
def report(prefect_api_url, tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    raw = root / "raw"
    raw.mkdir()
    (raw / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (raw / HOSTILE_NAME).write_bytes(b"")
    (raw / "plain.txt").write_text("Germany ruled out sending troops to Ukraine, Chancellor Merz said on Monday "
                                   "after talks with allies in Berlin.", encoding="utf-8")
    warehouse = root / "wh" / "commitments.duckdb"
    assert cli.main(["run", "--raw-dir", str(raw), "--warehouse", str(warehouse)]) == 0
    return warehouse.parent / "reports" / "latest.html"


def test_report_has_every_section(report):
    page = report.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in page


def test_report_shows_where_the_run_spent_its_time_by_process_and_cleaning_step(report):
    page = report.read_text(encoding="utf-8")
    assert "workers CPU s" in page and "API CPU s" in page
    steps = page.split("Cleaning steps")[1].split("</table>")[0]
    for step in ("text dump cleaning", "language", "sentence splitting", "read"):
        assert f">{step}<" in steps


def test_report_fetches_nothing_from_the_network(report):
    page = report.read_text(encoding="utf-8")
    assert "http://" not in page.split("<main>")[0] and "<script" not in page.lower()
    assert "<link" not in page.lower()


def test_article_text_and_file_names_are_escaped(report):
    page = report.read_text(encoding="utf-8")
    assert "&lt;b onmouseover=alert(1)&gt;bold.txt" in page
    assert "<b onmouseover" not in page and "<img src=x" not in page


def test_report_loads_in_chromium_without_console_errors_and_without_running_injected_script(report, chromium, tmp_path):
    result = headless(chromium, "--dump-dom", report.as_uri(), profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<title>Commitments warehouse" in dom and "pwned" not in dom.split("</title>")[0]
    for section in SECTIONS:
        assert f'id="{section}"' in dom
    errors = [line for line in result.stderr.splitlines()
              if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line]
    assert errors == []


def test_report_screenshot_is_not_blank(report, chromium, tmp_path):
    shot = tmp_path / "report.png"
    result = headless(chromium, f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri(),
                      profile=tmp_path / "profile")
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    pixels = png_pixels(shot)
    assert len(set(pixels)) > 50, "the screenshot is a blank page"


SCREENSHOT_DIR = Path(__file__).parent / "output"  # beside the test output; not committed


def test_report_figures_render_in_chromium_with_the_runs_data_and_a_screenshot_is_kept(report, chromium, tmp_path):
    from PIL import Image

    dom = headless(chromium, "--dump-dom", report.as_uri(), profile=tmp_path / "profile").stdout
    for name in ("fig-time", "fig-cleaning", "fig-actors", "fig-stances"):
        assert f'id="{name}-' in dom, f"figure {name} is not in the rendered page"
    actors = dom[dom.index('id="fig-actors-'):]
    actors = actors[:actors.index("</svg>")]
    assert ">FRA<" in actors and ">troop_deployment<" in actors, "the heat map does not show the run's facts"
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    shot = SCREENSHOT_DIR / "report.png"
    result = headless(chromium, f"--screenshot={shot}", "--window-size=1280,6000", report.as_uri(),
                      profile=tmp_path / "profile")
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    colours = set(Image.open(shot).convert("RGB").getdata())
    # the stance bars are drawn in the stances' colours: committed green and declined grey are on screen
    assert (0x1b, 0x7f, 0x3b) in colours and (0x8a, 0x8a, 0x8a) in colours
    assert (0x4f, 0x6d, 0x9a) in colours, "the time and cleaning figures' bars are not on screen"


def test_report_command_regenerates_the_report_from_the_published_warehouse(report, tmp_path, capsys):
    out = tmp_path / "again.html"
    assert cli.main(["report", "--warehouse", str(report.parent.parent / "commitments.duckdb"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert all(f'<section id="{s}">' in page for s in SECTIONS)


def _docs_link(page: str) -> str:
    models_section = page.split('<section id="models">')[1].split("</section>")[0]
    return models_section.split('<a href="')[1].split('"')[0]


def test_report_links_the_dbt_docs_page_which_shows_the_models_columns_in_chromium(report, chromium, tmp_path):
    import yaml

    link = _docs_link(report.read_text(encoding="utf-8"))
    docs_page = report.parent / link
    assert link.startswith("dbt-docs/") and docs_page.is_file()
    marts = yaml.safe_load((Path(__file__).parent.parent / "sql/models/marts/_marts__models.yml").read_text())
    fct = next(m for m in marts["models"] if m["name"] == "fct_commitments")
    described = next(c["description"] for c in fct["columns"] if c["name"] == "commitment_id")
    result = headless(chromium, "--virtual-time-budget=10000", "--dump-dom",
                      docs_page.as_uri() + "#!/model/model.commitments.fct_commitments", profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    shown = re.sub(r"<script.*?</script>", "", result.stdout, flags=re.S)  # what dbt's app rendered
    assert "fct_commitments" in shown and described in shown and "Lineage" in shown
    assert "unable to load" not in result.stdout.split("<script")[0]


def test_regenerated_report_elsewhere_links_the_same_docs_page(report, tmp_path):
    out = tmp_path / "elsewhere" / "again.html"
    assert cli.main(["report", "--warehouse", str(report.parent.parent / "commitments.duckdb"), "--out", str(out)]) == 0
    link = _docs_link(out.read_text(encoding="utf-8"))
    assert (out.parent / link).resolve() == (report.parent / _docs_link(report.read_text(encoding="utf-8"))).resolve()


def test_escape_covers_attributes_and_text():
    page = _TEMPLATES.from_string('<td title="{{ v }}">{{ v }}</td>').render(v='<img src=x onerror="a">&')
    escaped = "&lt;img src=x onerror=&#34;a&#34;&gt;&amp;"
    assert page == f'<td title="{escaped}">{escaped}</td>'


def test_report_renders_from_any_published_warehouse_connection(report):
    con = duckdb.connect(str(report.parent.parent / "commitments.duckdb"), read_only=True)
    try:
        assert "Run summary" in render_report(con)
    finally:
        con.close()


def test_per_row_tables_of_a_large_corpus_are_cut_with_a_note_on_where_the_rest_is(report, monkeypatch):
    monkeypatch.setattr("flows.report.data.ROW_LIMIT", 1)
    con = duckdb.connect(str(report.parent.parent / "commitments.duckdb"), read_only=True)
    try:
        page = render_report(con)
        n_cleaned = con.execute("select count(*) from audit.cleaned_files where status = 'ok'").fetchone()[0]
    finally:
        con.close()
    cleaning = page.split('<section id="cleaning">')[1].split("</section>")[0]
    assert n_cleaned == 2
    assert f"1 of {n_cleaned} shown" in cleaning and "select * from audit.cleaned_files" in cleaning
    assert cleaning.count("<tr>") == 2  # the header and one article


def test_report_of_an_unknown_run_is_a_one_line_error_and_writes_nothing(report, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = cli.main(["report", "--warehouse", str(report.parent.parent / "commitments.duckdb"),
                     "--run-id", "does-not-exist", "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 1 and "no run 'does-not-exist'" in err and "Traceback" not in err
    assert not out.exists()
