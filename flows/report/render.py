"""The data-quality report: one self-contained HTML page per run (inline CSS and SVG, no fetches).

Everything that comes from articles or files is escaped. The page is rendered from a warehouse
connection alone, so `commitments report` can regenerate it from a published file.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import duckdb

# per-row tables (rejects, cleaning per article) stop here; the rest is one query away
ROW_LIMIT = 500

STANCE_COLOURS = {
    "committed": "#1b7f3b",
    "conditional": "#d89b00",
    "declined": "#8a8a8a",
    "opposed": "#c0392b",
}

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
code{background:#f3f4f7;padding:0 3px;border-radius:3px}.evidence{max-width:640px}
"""


def esc(value) -> str:
    """Escape anything for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    result = con.execute(sql, params or [])
    return [d[0] for d in result.description], result.fetchall()


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, name]
    ).fetchone()[0])


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def _shown_of(shown: int, total: int, what: str, table: str) -> str:
    """A note above a table cut at ROW_LIMIT rows: how many there are and where the rest live."""
    if shown >= total:
        return ""
    return (f'<p class="muted">{shown:,} of {total:,} shown ({esc(what)}); all of them: '
            f'<code>commitments sql "select * from {esc(table)}"</code></p>')


def html_table(columns: list[str], rows: list[tuple], numeric: set[str] | None = None, empty: str = "none") -> str:
    if not rows:
        return f'<p class="muted">{esc(empty)}</p>'
    numeric = numeric or set()
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{esc(c)}</th>' for c in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{"num" if c in numeric else ""}">{esc(v)}</td>' for c, v in zip(columns, row)
        ) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def facts_chart_svg(cells: list[tuple[str, str, str, int]]) -> str:
    """A grid of actors (rows) by commitment types (columns); each cell coloured by stance, labelled with n_sources."""
    if not cells:
        return '<p class="muted">no commitments extracted</p>'
    actors = sorted({c[0] for c in cells})
    types = sorted({c[1] for c in cells})
    cell_w, cell_h, left, top = 92, 24, 110, 120
    width, height = left + cell_w * len(types) + 10, top + cell_h * len(actors) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="commitments by actor and type">']
    for j, ctype in enumerate(types):
        x = left + j * cell_w + cell_w / 2
        parts.append(f'<text x="{x}" y="{top - 8}" font-size="11" transform="rotate(-35 {x} {top - 8})">{esc(ctype)}</text>')
    lookup = {(a, t): (s, n) for a, t, s, n in cells}
    for i, actor in enumerate(actors):
        y = top + i * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + 16}" font-size="12" text-anchor="end">{esc(actor)}</text>')
        for j, ctype in enumerate(types):
            x = left + j * cell_w
            if (actor, ctype) in lookup:
                stance, n = lookup[(actor, ctype)]
                colour = STANCE_COLOURS.get(stance, "#555")
                parts.append(
                    f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" rx="3" fill="{colour}">'
                    f'<title>{esc(actor)} {esc(ctype)}: {esc(stance)}, {n} source(s)</title></rect>'
                    f'<text x="{x + cell_w / 2}" y="{y + 16}" font-size="11" fill="#fff" text-anchor="middle">{n}</text>'
                )
            else:
                parts.append(f'<rect x="{x + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" rx="3" fill="#f0f1f4"/>')
    parts.append("</svg>")
    legend = "".join(f'<span><i class="swatch" style="background:{c}"></i>{esc(s)}</span>' for s, c in STANCE_COLOURS.items())
    return "".join(parts) + f'<p class="legend">{legend} <span class="muted">number = distinct publishers</span></p>'


def history_chart_svg(points: list[tuple[str, int, int, str]]) -> str:
    """Mentions per run as a line and failed checks as red bars, oldest run on the left."""
    if not points:
        return '<p class="muted">no earlier runs</p>'
    width, height, pad = 640, 150, 30
    max_rows = max(max(p[1] for p in points), 1)
    max_fail = max(max(p[2] for p in points), 1)
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    coords = []
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="history">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#ccc"/>']
    for i, (run_id, rows, failed, status) in enumerate(points):
        x = pad + i * step
        y = height - pad - (height - 2 * pad) * rows / max_rows
        coords.append(f"{x:.1f},{y:.1f}")
        if failed:
            bar = (height - 2 * pad) * failed / max_fail * 0.5
            parts.append(f'<rect x="{x - 4:.1f}" y="{height - pad - bar:.1f}" width="8" height="{bar:.1f}" fill="#c0392b">'
                         f'<title>{esc(run_id)}: {failed} failed check(s)</title></rect>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#14213d"><title>{esc(run_id)} ({esc(status)}): '
                     f'{rows} mentions</title></circle>')
    parts.append(f'<polyline points="{" ".join(coords)}" fill="none" stroke="#14213d" stroke-width="2"/>')
    parts.append(f'<text x="{pad}" y="14" font-size="11">mentions per run (max {max_rows}); red: failed checks</text></svg>')
    return "".join(parts)


def render_report(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> str:
    """Render the report of a run (default: the latest in audit.runs) from a warehouse connection."""
    run_cols, run_rows = _rows(con, "select * from audit.runs order by started_at")
    runs = [dict(zip(run_cols, r)) for r in run_rows]
    run = next((r for r in runs if r["run_id"] == run_id), runs[-1] if runs else {})
    run_id = run.get("run_id")
    stage_seconds = json.loads(run.get("stage_seconds") or "{}")
    model_stats = json.loads(run.get("model_stats") or "[]")
    status = run.get("status", "unknown")
    sections = []

    cards = [
        ("files found", run.get("files_found")), ("new", run.get("files_new")), ("changed", run.get("files_changed")),
        ("unchanged", run.get("files_unchanged")), ("rejected", run.get("files_rejected")),
        ("articles", run.get("articles")), ("non-English", run.get("non_english")),
    ]
    card_html = "".join(f'<div class="card"><b>{esc(v)}</b>{esc(k)}</div>' for k, v in cards)
    stage_profile = json.loads(run.get("stage_profile") or "{}")
    cpu = stage_profile.get("cpu_seconds") or {}
    stage_rows = [(k, f"{v:.2f}", *(f"{cpu.get(k, {}).get(role, 0):.2f}" for role in ("flow", "workers", "api")))
                  for k, v in stage_seconds.items()]
    steps = sorted((stage_profile.get("worker_steps") or {}).items(), key=lambda kv: -kv[1])
    step_total = sum(seconds for _, seconds in steps) or 1.0
    step_rows = [(name, f"{seconds:.2f}", f"{seconds / step_total:.1%}") for name, seconds in steps]
    sections.append(
        f'<section id="summary"><h2>Run summary</h2><div class="cards">{card_html}</div>'
        f'<p>Status: <span class="{"pass" if status == "published" else "fail"}">{esc(status)}</span> · run '
        f'<code>{esc(run_id)}</code> · Prefect flow run <code>{esc(run.get("flow_run_id"))}</code> · '
        f'started {esc(run.get("started_at"))} · raw folder <code>{esc(run.get("raw_dir"))}</code></p>'
        f'<p>{esc(run.get("message") or "")}</p>'
        f'<h2>Duration per stage</h2><p>Wall seconds, and the CPU seconds each process used in the stage: '
        f'the flow, the cleaning workers, the Prefect API server.</p>'
        f'{html_table(["stage", "seconds", "flow CPU s", "workers CPU s", "API CPU s"], stage_rows, {"seconds", "flow CPU s", "workers CPU s", "API CPU s"})}'
        f'<h3>Cleaning steps (seconds summed over the workers)</h3>'
        f'{html_table(["step", "seconds", "share"], step_rows, {"seconds", "share"}, "no file was cleaned in this run")}'
        f'</section>'
    )

    n_rejects = _count(con, "select count(*) from raw.rejects") if _table_exists(con, "raw", "rejects") else 0
    rejects = _rows(con, "select source_file, reason, size_bytes, raw_sha256 from raw.rejects "
                         "order by source_file limit ?", [ROW_LIMIT]) if n_rejects else ([], [])
    sections.append(f'<section id="rejects"><h2>Rejected files</h2>'
                    f'{_shown_of(len(rejects[1]), n_rejects, "rejected files, by file name", "raw.rejects")}'
                    f'{html_table(rejects[0], rejects[1], {"size_bytes"}, "no file was rejected")}</section>')

    n_cleaned = _count(con, "select count(*) from audit.cleaned_files where status = 'ok'") \
        if _table_exists(con, "audit", "cleaned_files") else 0
    # a large corpus shows the articles that lost the most lines first: those are the ones to check
    order = "c.source_file" if n_cleaned <= ROW_LIMIT else "c.n_lines_dropped desc, c.source_file"
    cleaning = _rows(con, f"""
            select c.source_file, c.input_kind, c.language, c.raw_chars, c.clean_chars, c.n_lines_dropped,
                   c.n_duplicates_removed, c.dropped_kinds, d.duplicate_of
            from audit.cleaned_files c
            left join marts.dim_articles d on d.source_file = c.source_file
            where c.status = 'ok' order by {order} limit ?""", [ROW_LIMIT]) if n_cleaned else ([], [])
    sections.append('<section id="cleaning"><h2>Cleaning per article</h2>'
                    + _shown_of(len(cleaning[1]), n_cleaned, "articles with the most lines dropped",
                                "audit.cleaned_files") + html_table(
        cleaning[0], cleaning[1], {"raw_chars", "clean_chars", "n_lines_dropped", "n_duplicates_removed"},
        "no article was cleaned") + "</section>")

    model_rows = [(m["model"], m["rows"], f'{m["seconds"]:.3f}') for m in model_stats]
    sections.append('<section id="models"><h2>Models</h2>' +
                    html_table(["model", "rows", "seconds"], model_rows, {"rows", "seconds"}) + "</section>")

    checks = _rows(con, """select check_kind, check_name, case when passed then 'pass' else 'FAIL' end as result,
                           n_failing, sample from audit.check_results where run_id = ? order by passed, check_kind, check_name""",
                   [run_id]) if _table_exists(con, "audit", "check_results") else ([], [])
    n_failed = sum(1 for r in checks[1] if r[2] == "FAIL")
    sections.append(f'<section id="checks"><h2>Checks ({len(checks[1])} run, {n_failed} failed)</h2>'
                    + html_table(checks[0], checks[1], {"n_failing"}, "no checks ran") + "</section>")

    if _table_exists(con, "marts", "fct_commitments"):
        cue_no_actor = _rows(con, """
            select d.source_file, s.sentence_no, string_agg(distinct c.label, ', ') as commitment_types, s.sentence
            from intermediate.int_cue_matches c
            join staging.stg_sentences s using (article_id, sentence_no)
            join marts.dim_articles d using (article_id)
            where c.cue_family = 'commitment'
              and not exists (select 1 from intermediate.int_commitment_cues_attributed a
                              where a.article_id = c.article_id and a.sentence_no = c.sentence_no)
            group by all order by d.source_file, s.sentence_no limit 50""")
        unresolved = _rows(con, """
            select t.token_clean as name, count(*) as n_times
            from intermediate.int_sentence_tokens t
            where t.is_capitalised and t.token_no > 0 and length(t.token_clean) > 2
              and not exists (select 1 from intermediate.int_actor_mentions m
                              where m.article_id = t.article_id and m.sentence_no = t.sentence_no
                                and t.token_no between m.token_start and m.token_end)
              and exists (select 1 from intermediate.int_cue_matches c
                          where c.article_id = t.article_id and c.sentence_no = t.sentence_no and c.cue_family = 'commitment')
            group by 1 order by 2 desc, 1 limit 30""")
        no_facts = _rows(con, """
            select d.source_file, d.title, d.language, d.is_extractable
            from marts.dim_articles d
            where not exists (select 1 from marts.fct_commitment_mentions m where m.article_id = d.article_id)
            order by d.source_file""")
        sections.append(
            '<section id="coverage"><h2>Extraction coverage</h2>'
            f'<h3>Sentences with a commitment cue but no actor ({len(cue_no_actor[1])})</h3>'
            + html_table(cue_no_actor[0], cue_no_actor[1], {"sentence_no"})
            + f'<h3>Capitalised names near cues that resolved to no actor ({len(unresolved[1])})</h3>'
            + html_table(unresolved[0], unresolved[1], {"n_times"})
            + f'<h3>Articles with no commitments ({len(no_facts[1])})</h3>'
            + html_table(no_facts[0], no_facts[1]) + "</section>"
        )
        cells = con.execute(
            "select actor_code, commitment_type, stance, n_sources from marts.fct_commitments"
        ).fetchall()
        top = _rows(con, """
            select actor_code, commitment_type, beneficiary_code, stance, n_mentions, n_sources,
                   quantity_text, condition_text, evidence
            from marts.fct_commitments
            order by n_sources desc, n_mentions desc, actor_code, commitment_type limit 25""")
        n_articles = _count(con, "select count(*) from marts.dim_articles")
        n_extractable = _count(con, "select count(*) from marts.dim_articles where is_extractable")
        why_none = "" if cells else (
            '<p class="note" id="no-facts">No commitment in this warehouse: '
            + (f"none of the {n_extractable} English articles (of {n_articles}) states one that the rules "
               "recognise - the sections above list cue sentences without an actor and the articles "
               "without facts." if n_extractable else
               f"there is no English article to read ({n_articles} articles in all).") + "</p>")
        sections.append('<section id="facts"><h2>The facts</h2>' + why_none + facts_chart_svg(cells)
                        + "<h3>Top commitments with their evidence</h3>"
                        + html_table(top[0], top[1], {"n_mentions", "n_sources"}) + "</section>")

    history = []
    for r in runs:
        rows = json.loads(r.get("rows_per_layer") or "{}").get("marts.fct_commitment_mentions", 0)
        failed = con.execute("select count(*) from audit.check_results where run_id = ? and not passed",
                             [r["run_id"]]).fetchone()[0] if _table_exists(con, "audit", "check_results") else 0
        history.append((r["run_id"], int(rows or 0), int(failed), r.get("status")))
    history_rows = [(h[0], h[3], h[1], h[2]) for h in history[-20:]]
    sections.append('<section id="history"><h2>History</h2>' + history_chart_svg(history[-20:])
                    + html_table(["run_id", "status", "mentions", "failed_checks"], history_rows,
                                 {"mentions", "failed_checks"}) + "</section>")

    title = f"Commitments warehouse — run {run_id or ''}"
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>Data-quality report: what came in, what was dropped, what was checked, "
        f"and what the warehouse now says.</p></header><main>{''.join(sections)}</main></body></html>"
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
