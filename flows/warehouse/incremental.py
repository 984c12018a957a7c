"""Incremental builds: the per-article models computed for new and changed articles only.

When the plan (flows/warehouse/build_plan.py) says incremental, the build file is a copy of the published
warehouse with this run's raw layer, and each article is new, changed, unchanged or removed
(`audit.build_articles`). Then:

1. The models tagged `per_article` in sql/dbt_project.yml, with the models they read, run on a delta
   build holding only the new and changed articles (`delta_models`, `write_delta`).
2. `carry_forward` mutates each per-article table of the copy: the rows of changed and removed articles
   are deleted and the delta's rows inserted. A table keyed by sentence text (meta `text_key`) keeps the
   rows of the texts unchanged articles still hold and adds the delta's other texts.
3. The other models (the list of texts, chunk lists, near duplicates, dimensions, facts) run over all
   articles as in a full build (`main_models`), replacing the copy's.

A full build runs every model on every article; tests/test_incremental.py proves that both give the same
rows after articles are added, edited and removed, twice in a row."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.warehouse import lexicon, models
from flows.warehouse.build_plan import BuildPlan, plan_build, start_build
from flows.warehouse.db import connect, sql_string
from flows.warehouse.raw_layer import build_raw_layer

PER_ARTICLE_TAG = "per_article"


@dataclass(frozen=True)
class CarriedModel:
    name: str
    schema: str
    text_key: str | None  # None: rows keyed by article_id
    text_key_source: str | None


def carried_models() -> list[CarriedModel]:
    nodes = models.model_nodes()
    return [CarriedModel(n.name, n.schema, n.config.meta.get("text_key"), n.config.meta.get("text_key_source"))
            for n in nodes.values() if PER_ARTICLE_TAG in n.tags]


def delta_models() -> list[str]:
    """The per-article models and every model they read (run on the delta build)."""
    nodes = models.model_nodes()
    by_id = {n.unique_id: n for n in nodes.values()}
    wanted: set[str] = set()

    def visit(node) -> None:
        if node.name in wanted:
            return
        wanted.add(node.name)
        for parent in node.depends_on.nodes:
            if parent in by_id:
                visit(by_id[parent])

    for node in nodes.values():
        if PER_ARTICLE_TAG in node.tags:
            visit(node)
    return sorted(wanted)


def main_models() -> list[str]:
    """Every model but the per-article ones (run on the build after the carry-forward)."""
    return sorted(n.name for n in models.model_nodes().values() if PER_ARTICLE_TAG not in n.tags)


def write_delta(con: duckdb.DuckDBPyConnection, delta_path: Path) -> None:
    """The delta build: the raw rows of new and changed articles, and the lexicon, in a file of its own."""
    delta_path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"attach {sql_string(str(delta_path))} as delta")
    try:
        for schema in models.SCHEMAS:
            con.execute(f"create schema if not exists delta.{schema}")
        computed = "select article_id from audit.build_articles where change in ('new', 'changed')"
        for table in ("articles", "sentences"):
            con.execute(f"create table delta.raw.{table} as select * from raw.{table} "
                        f"where article_id in ({computed})")
        con.execute("create table delta.raw.rejects as select * from raw.rejects where false")
        for (table,) in con.execute("select table_name from duckdb_tables() "
                                    "where database_name = current_database() and schema_name = 'lexicon'").fetchall():
            con.execute(f"create table delta.lexicon.{table} as select * from lexicon.{table}")
    finally:
        con.execute("detach delta")


def carry_forward(con: duckdb.DuckDBPyConnection, delta_path: Path) -> dict[str, int]:
    """Each per-article table of the build (a copy of the published one): the rows of changed and removed
    articles deleted, the delta's inserted. Returns each one's rows by layer/model."""
    con.execute(f"attach {sql_string(str(delta_path))} as delta (read_only)")
    unchanged = "select article_id from audit.build_articles where change = 'unchanged'"
    gone = "select article_id from audit.build_articles where change in ('changed', 'removed')"
    rows = {}
    try:
        for model in carried_models():
            table = f"{model.schema}.{model.name}"
            if model.text_key is None:
                con.execute(f"delete from {table} where article_id in ({gone})")
                con.execute(f"insert into {table} by name select * from delta.{table}")
            else:
                # the texts unchanged articles hold (their rows in the source table are the published ones)
                con.execute(f"create or replace temp table held as select distinct {model.text_key} as key "
                            f"from {model.schema}.{model.text_key_source} "
                            f"where article_id in ({unchanged}) and {model.text_key} is not null")
                con.execute(f"delete from {table} where {model.text_key} not in (select key from temp.held)")
                con.execute(f"insert into {table} by name select * from delta.{table} "
                            f"where {model.text_key} not in (select key from temp.held)")
                con.execute("drop table temp.held")
            rows[f"{model.schema}/{model.name}"] = con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.execute("detach delta")
    return rows


def build_models(build_path: Path, state_path: Path, published: Path, full_refresh: bool, seeds: dict,
                 on_model=None) -> tuple[dict[str, int], BuildPlan, list[models.ModelRun]]:
    """Start the build file (a copy of the published warehouse, or empty), bring its raw layer and lexicon
    to this run's, plan the build, then run the models: every model, or the per-article ones on the delta,
    the carry-forward, and the rest on the build. The parse cache is in the state file; dbt opens and
    closes the build file itself. Returns the raw layer's row counts, the plan and the model runs."""
    started = time.perf_counter()
    full_reason = start_build(build_path, published, full_refresh)  # None: a copy of the published file
    con = connect(build_path)
    try:
        models.create_schemas(con)
        raw_counts = build_raw_layer(con, state_path, on_copy=full_reason is None)
        lexicon.load_seeds(con, seeds)
        models.start_parser_loading(con)
        con.execute("checkpoint")
    finally:
        con.close()
    start_seconds = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    con = connect(build_path)
    try:
        plan = plan_build(con, full_reason)
        if plan.mode == "incremental":
            delta_path = build_path.parent / "delta" / models.BUILD_FILE_NAME
            write_delta(con, delta_path)
        con.execute("checkpoint")
    finally:
        con.close()
    plan.seconds["start and raw layer"] = start_seconds
    plan.seconds["plan"] = round(time.perf_counter() - started, 2)
    if plan.mode == "full":
        return raw_counts, plan, models.run_dbt(build_path, state_path, on_model)
    started = time.perf_counter()
    delta, rest = delta_models(), main_models()
    delta_runs = {run.model: run for run in models.run_dbt(
        delta_path, state_path, _counted(on_model, 0, len(delta) + len(rest)), select=delta,
        threads=models.INCREMENTAL_THREADS)}
    plan.seconds["delta"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    con = connect(build_path)
    try:
        carried = carry_forward(con, delta_path)
        con.execute("checkpoint")
    finally:
        con.close()
    plan.seconds["carry_forward"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    main_runs = models.run_dbt(build_path, state_path, _counted(on_model, len(delta), len(delta) + len(rest)),
                               select=rest, threads=models.INCREMENTAL_THREADS)
    plan.seconds["rest"] = round(time.perf_counter() - started, 2)
    delta_path.unlink(missing_ok=True)
    # each carried model ran on the delta: its seconds there, its rows now (computed and carried)
    runs = [models.ModelRun(model, rows, delta_runs[model].seconds,
                            f"incremental: {delta_runs[model].rows} rows computed for {plan.computed} articles, "
                            "the rest carried forward")
            for model, rows in carried.items()]
    return raw_counts, plan, runs + main_runs


def _counted(on_model, before: int, total: int):
    """Progress of one of an incremental build's two dbt invocations as part of one count of model runs."""
    if on_model is None:
        return None
    return lambda done, _n, name: on_model(before + done, total, name)
