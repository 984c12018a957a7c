"""Incremental builds: the per-article models computed for new and changed articles only.

A build starts from the raw layer of every article (flows/warehouse/raw_layer.py). It is incremental when
the published warehouse was built by the same models (`models_key`: the dbt project's content, dbt's
version, the parser's and this module's), can be read, and the run did not ask for a full refresh:

1. `plan_build` compares a digest of each article's raw rows (its article row and its sentences) with the
   published build's: new, changed, unchanged and removed articles, kept in `audit.build_articles`.
2. The models tagged `per_article` in sql/dbt_project.yml, with the models they read, run on a delta
   build holding only the new and changed articles (`delta_models`).
3. `carry_forward` makes each per-article table of the build: the published build's rows of unchanged
   articles plus the delta's rows. A table keyed by sentence text (meta `text_key`) keeps the published
   rows of the texts unchanged articles still hold and adds the delta's other texts.
4. The other models (the list of texts, chunk lists, near duplicates, dimensions, facts) run over all
   articles as in a full build (`main_models`).

A full build (`--full-refresh`, no published warehouse or one that cannot be read, other models, no
article in common) runs every model on every article;
tests/test_incremental.py proves that both give the same rows after articles are added, edited and
removed. Nothing here writes to the published file: it is attached read-only.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from flows.warehouse import models, parse
from flows.warehouse.db import connect, sql_string

PER_ARTICLE_TAG = "per_article"


@dataclass
class BuildPlan:
    mode: str  # "full" or "incremental"
    reason: str
    models_key: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def computed(self) -> int:
        return self.new + self.changed

    def summary(self) -> str:
        if self.mode == "full":
            return f"full build: {self.reason}"
        return (f"incremental build: {self.computed} articles computed ({self.new} new, {self.changed} changed), "
                f"{self.unchanged} carried forward from the published build, {self.removed} removed")


class PublishedUnreadable(RuntimeError):
    """The published warehouse could not be attached (another process holds it open for writing)."""


@dataclass(frozen=True)
class CarriedModel:
    name: str
    schema: str
    text_key: str | None  # None: rows keyed by article_id
    text_key_source: str | None


def models_key() -> str:
    """What the per-article rows depend on besides the articles: the project's files, dbt's version, the
    parser, and this module (a carried row is only valid under the models and the plan that made it)."""
    from flows.warehouse.docs import project_key

    parser = f"{' '.join(parse.MODEL_PACKAGES)} {parse.MODEL_VERSION}"
    digest = hashlib.sha256(f"{project_key()}\0{parser}\0".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


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


DIGESTS = """
    select articles.article_id,
           md5(cast(articles as varchar) || coalesce(sentences.digest, '')) as digest
    from raw.articles as articles
    left join (
        select article_id, md5(string_agg(paragraph_no || ':' || sentence_no || ':' || sentence, chr(10)
                                          order by sentence_no, paragraph_no)) as digest
        from raw.sentences group by article_id
    ) as sentences using (article_id)"""  # each article's raw row and sentences: what the per-article models read


def plan_build(con: duckdb.DuckDBPyConnection, published: Path, full_refresh: bool) -> BuildPlan:
    """Decide full or incremental for a build whose raw layer is loaded on `con`, and keep the plan (one
    row in audit.build_plan; each article's digest and change in audit.build_articles, whose digests the
    next build compares with)."""
    plan = _decide(con, published, full_refresh, models_key())
    _record(con, plan)
    return plan


def _record(con: duckdb.DuckDBPyConnection, plan: BuildPlan) -> None:
    con.execute("create or replace table audit.build_plan as select ? as mode, ? as reason, ? as models_key, "
                "? as n_new, ? as n_changed, ? as n_unchanged, ? as n_removed",
                [plan.mode, plan.reason, plan.models_key, plan.new, plan.changed, plan.unchanged, plan.removed])


def _decide(con: duckdb.DuckDBPyConnection, published: Path, full_refresh: bool, key: str) -> BuildPlan:
    if full_refresh:
        return _full(con, "a full refresh was asked for", key)
    if not published.is_file():
        return _full(con, "there is no published warehouse to start from", key)
    try:
        _attach_published(con, published)
    except PublishedUnreadable as exc:
        return _full(con, str(exc), key)
    try:
        try:
            previous_key = con.execute("select models_key from published.audit.build_plan").fetchone()
        except duckdb.Error:
            previous_key = None
        if previous_key is None or previous_key[0] != key:
            return _full(con, "the published warehouse was built by other models (SQL, lexicons, dbt or parser)"
                         if previous_key else "the published warehouse records no build plan", key)
        con.execute(f"""
            create or replace table audit.build_articles as
            select coalesce(now.article_id, before.article_id) as article_id, now.digest,
                   case when before.article_id is null then 'new'
                        when now.article_id is null then 'removed'
                        when now.digest <> before.digest then 'changed'
                        else 'unchanged' end as change
            from ({DIGESTS}) as now
            full join (select article_id, digest from published.audit.build_articles where change <> 'removed')
                as before using (article_id)""")
    finally:
        con.execute("detach published")
    counts = dict(con.execute("select change, count(*) from audit.build_articles group by change").fetchall())
    plan = BuildPlan("incremental", "the published warehouse was built by the same models", key,
                     counts.get("new", 0), counts.get("changed", 0), counts.get("unchanged", 0), counts.get("removed", 0))
    if plan.unchanged == 0:
        return _full(con, "no article of the published warehouse is unchanged", key)
    return plan


def _attach_published(con: duckdb.DuckDBPyConnection, published: Path) -> None:
    try:
        con.execute(f"attach {sql_string(str(published))} as published (read_only)")
    except duckdb.Error as exc:  # e.g. another process holds it open for writing
        raise PublishedUnreadable(f"the published warehouse could not be read ({_first_line(exc)})") from exc


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).strip().splitlines()[:1])[:300]


def _full(con: duckdb.DuckDBPyConnection, reason: str, key: str) -> BuildPlan:
    con.execute(f"create or replace table audit.build_articles as select article_id, digest, 'new' as change "
                f"from ({DIGESTS})")
    n = con.execute("select count(*) from raw.articles").fetchone()[0]
    return BuildPlan("full", reason, key, new=n)


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


def carry_forward(con: duckdb.DuckDBPyConnection, published: Path, delta_path: Path) -> dict[str, int]:
    """Each per-article table of the build: the published rows of unchanged articles, then the delta's.
    Returns each one's rows by layer/model."""
    _attach_published(con, published)
    con.execute(f"attach {sql_string(str(delta_path))} as delta (read_only)")
    unchanged = "select article_id from audit.build_articles where change = 'unchanged'"
    rows = {}
    try:
        for model in carried_models():
            table = f"{model.schema}.{model.name}"
            if model.text_key is None:
                kept = f"select * from published.{table} where article_id in ({unchanged})"
                added = f"select * from delta.{table}"
            else:
                held = (f"select {model.text_key} from published.{model.schema}.{model.text_key_source} "
                        f"where article_id in ({unchanged})")
                kept = f"select * from published.{table} where {model.text_key} in ({held})"
                added = f"select * from delta.{table} where {model.text_key} not in ({held})"
            con.execute(f"create or replace table {table} as {kept} union all by name {added}")
            rows[f"{model.schema}/{model.name}"] = con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.execute("detach delta")
        con.execute("detach published")
    models.apply_docs(con, schemas=("intermediate",))
    return rows


def build_models(build_path: Path, published: Path, parse_cache: Path | None, full_refresh: bool,
                 on_model=None) -> tuple[BuildPlan, list[models.ModelRun]]:
    """Plan the build (its raw layer and lexicon are in `build_path`), then run the models: every model,
    or the per-article ones on the delta, the carry-forward, and the rest on the build."""
    started = time.perf_counter()
    con = connect(build_path)
    try:
        plan = plan_build(con, published, full_refresh)
        if plan.mode == "incremental":
            delta_path = build_path.parent / "delta" / models.BUILD_FILE_NAME
            write_delta(con, delta_path)
        con.execute("checkpoint")
    finally:
        con.close()
    plan.seconds["plan"] = round(time.perf_counter() - started, 2)
    if plan.mode == "incremental":
        started = time.perf_counter()
        delta, rest = delta_models(), main_models()
        delta_runs = {run.model: run for run in models.run_dbt(
            delta_path, parse_cache, _counted(on_model, 0, len(delta) + len(rest)), select=delta)}
        plan.seconds["delta"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        con = connect(build_path)
        try:
            carried = carry_forward(con, published, delta_path)
            con.execute("checkpoint")
        except PublishedUnreadable as exc:  # locked since the plan: every model on every article after all
            plan = _full(con, str(exc), plan.models_key)
            _record(con, plan)
        finally:
            con.close()
    if plan.mode == "full":
        return plan, models.run_dbt(build_path, parse_cache, on_model)
    plan.seconds["carry_forward"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    main_runs = models.run_dbt(build_path, parse_cache, _counted(on_model, len(delta), len(delta) + len(rest)),
                               select=rest)
    plan.seconds["rest"] = round(time.perf_counter() - started, 2)
    delta_path.unlink(missing_ok=True)
    # each carried model ran on the delta: its seconds there, its rows now (computed and carried)
    runs = [models.ModelRun(model, rows, delta_runs[model].seconds,
                            f"incremental: {delta_runs[model].rows} rows computed for {plan.computed} articles, "
                            "the rest carried forward")
            for model, rows in carried.items()]
    return plan, runs + main_runs


def _counted(on_model, before: int, total: int):
    """Progress of one of an incremental build's two dbt invocations as part of one count of model runs."""
    if on_model is None:
        return None
    return lambda done, _n, name: on_model(before + done, total, name)


def plan_record(plan: BuildPlan) -> dict:
    """The plan as the run's history keeps it (audit.runs.build_plan), with its one-line summary."""
    return asdict(plan) | {"summary": plan.summary()}
