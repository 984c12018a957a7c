"""What the report shows, read from a warehouse connection (a build or a published file) alone, so
`commitments report` can regenerate any run's page. Tables come as (columns, rows)."""

from __future__ import annotations

import json

import duckdb

# per-row tables (rejects, cleaning per article) stop here; the rest is one query away
ROW_LIMIT = 500


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    result = con.execute(sql, params or [])
    return [d[0] for d in result.description], result.fetchall()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, name]
    ).fetchone()[0])


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def run_section(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dict:
    """The run reported on (default: the latest), the history, and where the time went."""
    columns, all_rows = rows(con, "select * from audit.runs order by started_at")
    runs = [dict(zip(columns, r)) for r in all_rows]
    run = next((r for r in runs if r["run_id"] == run_id), runs[-1] if runs else {})
    stage_seconds = json.loads(run.get("stage_seconds") or "{}")
    stage_profile = json.loads(run.get("stage_profile") or "{}")
    cpu = stage_profile.get("cpu_seconds") or {}
    steps = sorted((stage_profile.get("worker_steps") or {}).items(), key=lambda kv: -kv[1])
    step_total = sum(seconds for _, seconds in steps) or 1.0
    model_stats = json.loads(run.get("model_stats") or "[]")
    return {
        "run": run,
        "runs": runs,
        "cards": [("files found", run.get("files_found")), ("new", run.get("files_new")),
                  ("changed", run.get("files_changed")), ("unchanged", run.get("files_unchanged")),
                  ("rejected", run.get("files_rejected")), ("articles", run.get("articles")),
                  ("non-English", run.get("non_english"))],
        "stages": [(k, f"{v:.2f}", *(f"{cpu.get(k, {}).get(role, 0):.2f}" for role in ("flow", "workers", "api")))
                   for k, v in stage_seconds.items()],
        "stage_seconds": list(stage_seconds.items()),
        "steps": [(name, f"{seconds:.2f}", f"{seconds / step_total:.1%}") for name, seconds in steps],
        "models": [(m["model"], m["rows"], f'{m["seconds"]:.3f}', m.get("note", "")) for m in model_stats],
        "build_plan": (json.loads(run.get("build_plan") or "null") or {}).get("summary", ""),
        "model_seconds": [(m["model"].split("/")[-1], m["seconds"]) for m in model_stats],
    }


def files_section(con: duckdb.DuckDBPyConnection) -> dict:
    """Rejected files, and cleaning per article (the articles that lost most lines first when cut)."""
    n_rejects = count(con, "select count(*) from raw.rejects") if table_exists(con, "raw", "rejects") else 0
    rejects = rows(con, "select source_file, reason, size_bytes, raw_sha256 from raw.rejects "
                        "order by source_file limit ?", [ROW_LIMIT]) if n_rejects else ([], [])
    n_cleaned = count(con, "select count(*) from audit.cleaned_files where status = 'ok'") \
        if table_exists(con, "audit", "cleaned_files") else 0
    order = "c.source_file" if n_cleaned <= ROW_LIMIT else "c.n_lines_dropped desc, c.source_file"
    cleaning = rows(con, f"""
            select c.source_file, c.input_kind, c.language, c.raw_chars, c.clean_chars, c.n_lines_dropped,
                   c.n_duplicates_removed, c.dropped_kinds, d.duplicate_of
            from audit.cleaned_files c
            left join marts.dim_articles d on d.source_file = c.source_file
            where c.status = 'ok' order by {order} limit ?""", [ROW_LIMIT]) if n_cleaned else ([], [])
    return {"rejects": rejects, "n_rejects": n_rejects, "cleaning": cleaning, "n_cleaned": n_cleaned}


def docs_section(con: duckdb.DuckDBPyConnection, reports_href: str = "") -> dict:
    """The dbt docs page that describes the build (flows/warehouse/docs.py), as a link from the page:
    `reports_href` leads from the page's folder to the reports folder ("" when the page is in it)."""
    if not table_exists(con, "audit", "dbt_docs"):
        return {"dbt_docs": None, "dbt_docs_note": "this warehouse records no dbt docs page"}
    page, note = con.execute("select page, note from audit.dbt_docs").fetchone()
    href = None if page is None else (f"{reports_href.rstrip('/')}/{page}" if reports_href else page)
    return {"dbt_docs": href, "dbt_docs_note": note}


def checks_section(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dict:
    checks = rows(con, """select check_kind, check_name, case when passed then 'pass' else 'FAIL' end as result,
                          n_failing, sample from audit.check_results where run_id = ?
                          order by passed, check_kind, check_name""",
                  [run_id]) if table_exists(con, "audit", "check_results") else ([], [])
    return {"checks": checks, "n_failed": sum(1 for r in checks[1] if r[2] == "FAIL")}


def facts_section(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Coverage (cues without actors, unresolved names, articles without facts) and the facts."""
    if not table_exists(con, "marts", "fct_commitments"):
        return None
    return {
        "cue_no_actor": rows(con, """
            select d.source_file, s.sentence_no, string_agg(distinct c.label, ', ') as commitment_types, s.sentence
            from intermediate.int_cue_matches c
            join staging.stg_sentences s using (article_id, sentence_no)
            join marts.dim_articles d using (article_id)
            where c.cue_family = 'commitment'
              and not exists (select 1 from intermediate.int_commitment_cues_attributed a
                              where a.article_id = c.article_id and a.sentence_no = c.sentence_no)
            group by all order by d.source_file, s.sentence_no limit 50"""),
        "unresolved": rows(con, """
            select t.token_clean as name, count(*) as n_times
            from intermediate.int_sentence_tokens t
            where t.is_capitalised and t.token_no > 0 and length(t.token_clean) > 2
              and not exists (select 1 from intermediate.int_actor_mentions m
                              where m.article_id = t.article_id and m.sentence_no = t.sentence_no
                                and t.token_no between m.token_start and m.token_end)
              and exists (select 1 from intermediate.int_cue_matches c
                          where c.article_id = t.article_id and c.sentence_no = t.sentence_no and c.cue_family = 'commitment')
            group by 1 order by 2 desc, 1 limit 30"""),
        "no_facts": rows(con, """
            select d.source_file, d.title, d.language, d.is_extractable
            from marts.dim_articles d
            where not exists (select 1 from marts.fct_commitment_mentions m where m.article_id = d.article_id)
            order by d.source_file"""),
        "top": rows(con, """
            select actor_code, commitment_type, beneficiary_code, stance, n_mentions, n_sources,
                   quantity_text, condition_text, evidence
            from marts.fct_commitments
            order by n_sources desc, n_mentions desc, actor_code, commitment_type limit 25"""),
        "n_facts": count(con, "select count(*) from marts.fct_commitments"),
        "n_articles": count(con, "select count(*) from marts.dim_articles"),
        "n_extractable": count(con, "select count(*) from marts.dim_articles where is_extractable"),
        # figures
        "actor_type": con.execute("""select actor_code, commitment_type, count(*) from marts.fct_commitments
                                     group by all""").fetchall(),
        "stance_colours": dict(con.execute("select stance, colour from lexicon.stances").fetchall()),
        "stances": con.execute("""select m.stance, count(*) from marts.fct_commitment_mentions m
                                  left join lexicon.stances s on s.stance = m.stance
                                  group by m.stance, s.firmness_rank
                                  order by s.firmness_rank::integer desc nulls last, m.stance""").fetchall(),
        "days": con.execute("""select strftime(d.published, '%Y-%m-%d') as day, count(*)
                               from marts.fct_commitment_mentions m join marts.dim_articles d using (article_id)
                               where d.published is not null group by 1 order by 1""").fetchall(),
        "undated": count(con, """select count(*) from marts.fct_commitment_mentions m
                                 join marts.dim_articles d using (article_id) where d.published is null"""),
    }


def history_section(con: duckdb.DuckDBPyConnection, runs: list[dict]) -> dict:
    """The last 20 runs: outcome, mentions, failed checks, and their files by cleaning outcome."""
    has_checks = table_exists(con, "audit", "check_results")
    history, cleaning = [], []
    for r in runs[-20:]:
        mentions = json.loads(r.get("rows_per_layer") or "{}").get("marts.fct_commitment_mentions", 0)
        failed = con.execute("select count(*) from audit.check_results where run_id = ? and not passed",
                             [r["run_id"]]).fetchone()[0] if has_checks else 0
        history.append((r["run_id"], r.get("status"), int(mentions or 0), int(failed)))
        cleaning.append((r["run_id"], r.get("files_new"), r.get("files_changed"), r.get("files_unchanged"),
                         r.get("files_rejected")))
    return {"history": history, "cleaning_history": cleaning}
