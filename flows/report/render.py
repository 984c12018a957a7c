"""The data-quality report: one self-contained HTML page per run (inline CSS and SVG, no fetches).

The page is a Jinja2 template (autoescaped: everything that comes from articles or files is escaped),
its data read by `flows.report.data` and its figures drawn by `flows.report.figures`, all from a
warehouse connection alone, so `commitments report` can regenerate it from a published file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import jinja2

from flows.report import data, figures

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#14213d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9d1e3}main{padding:8px 28px 40px;max-width:1200px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:14px 18px;margin:16px 0}
h2{font-size:16px;margin:0 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eceef2;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f7;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1b7f3b;font-weight:600}.fail{color:#c0392b;font-weight:600}.muted{color:#6b7280}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #e1e4ea;border-radius:6px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px}.legend span{display:inline-block;margin-right:14px}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.figures{display:flex;flex-wrap:wrap;gap:12px}figure{margin:8px 0}
figure svg{max-width:100%;height:auto}figcaption{color:#6b7280;font-size:12px}
code{background:#f3f4f7;padding:0 3px;border-radius:3px}.evidence{max-width:640px}
"""

_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("flows.report", "templates"),
                                autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)
_TEMPLATES.globals["zip"] = zip


def render_report(con: duckdb.DuckDBPyConnection, run_id: str | None = None, reports_href: str = "") -> str:
    """Render the report of a run (default: the latest in audit.runs) from a warehouse connection; a page
    written outside the reports folder gives the way there as `reports_href` (for the dbt docs link)."""
    run = data.run_section(con, run_id)
    facts = data.facts_section(con)
    history = data.history_section(con, run["runs"])
    drawn = {
        "time": figures.slowest_stages(run["stage_seconds"], run["model_seconds"]),
        "cleaning": figures.cleaning_history(history["cleaning_history"]),
        "actors": figures.actor_type_heatmap(facts["actor_type"]) if facts else "",
        "stances": figures.stance_mix(facts["stances"], facts["stance_colours"]) if facts else "",
        "days": figures.mentions_per_day(facts["days"]) if facts else "",
    }
    return _TEMPLATES.get_template("report.html.j2").render(
        title=f"Commitments warehouse — run {run['run'].get('run_id') or ''}",
        css=CSS, figures=drawn, facts=facts, **run, **data.files_section(con),
        **data.checks_section(con, run["run"].get("run_id")), **data.docs_section(con, reports_href), **history,
    )


def pending_report_path(reports_dir: Path, run_id: str) -> Path:
    return reports_dir / f".{run_id}.html.pending"


def write_pending_report(page: str, reports_dir: Path, run_id: str) -> Path:
    """The report of a run that is about to publish: not visible as <run-id>.html or latest.html yet."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = pending_report_path(reports_dir, run_id)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def promote_pending_report(reports_dir: Path, run_id: str) -> Path:
    """After the publish: the pending report becomes <run-id>.html and latest.html."""
    pending = pending_report_path(reports_dir, run_id)
    target = reports_dir / f"{run_id}.html"
    if pending.exists():
        write_report(pending.read_text(encoding="utf-8"), reports_dir, run_id)
        pending.unlink()
    return target


def drop_pending_report(reports_dir: Path, run_id: str) -> None:
    pending_report_path(reports_dir, run_id).unlink(missing_ok=True)


def write_report(page: str, reports_dir: Path, run_id: str) -> Path:
    """Write <run-id>.html and latest.html (both atomically)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = reports_dir / f"{run_id}.html"
    for path in (target, reports_dir / "latest.html"):
        tmp = path.with_suffix(".html.tmp")
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(path)
    return target
