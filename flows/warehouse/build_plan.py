"""Where a build starts and what it computes: full, or incremental on a copy of the published warehouse.

`start_build` makes the build file a copy of the published warehouse when an incremental build may
follow: the published file was built by the same models (`models_key`: the dbt project's content, dbt's
version, the parser's and the incremental build's code), can be read, has no write-ahead log beside it,
is not mostly free space, and the run did not ask for a full refresh. The file is copied while a
read-only connection to it keeps writers out. Otherwise the build starts empty and is full, and says why.

`plan_build` then compares a digest of each article's raw rows (its article rows and its sentences) with
the previous build's (the copy's `audit.build_articles`; computed only for the articles whose raw rows the
raw layer touched, flows/warehouse/raw_layer.py): new, changed, unchanged and removed articles,
kept in `audit.build_articles`; with no article unchanged, the copy's models are dropped and the build
is full. Nothing here writes to the published file.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from flows.warehouse import models, parse
from flows.warehouse.db import connect, wal_path

# deleted rows and replaced tables leave free blocks in a file that is copied run after run; DuckDB
# reuses them, and a build whose published file is more than this share free starts empty instead
MAX_FREE_SHARE = 0.5


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
        return (f"incremental build: {self.computed} article{'' if self.computed == 1 else 's'} computed "
                f"({self.new} new, {self.changed} changed), "
                f"{self.unchanged} carried forward from the published build, {self.removed} removed")


def models_key() -> str:
    """What the per-article rows depend on besides the articles: the project's files, dbt's version, the
    parser, and the planning, incremental and raw layer code (a carried row is only valid under the models
    and the plan that made it, a raw row updated in place under the raw layer that wrote it)."""
    from flows.warehouse.docs import project_key

    parser = f"{' '.join(parse.MODEL_PACKAGES)} {parse.MODEL_VERSION}"
    digest = hashlib.sha256(f"{project_key()}\0{parser}\0".encode())
    for module in ("build_plan.py", "incremental.py", "raw_layer.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    return digest.hexdigest()[:16]


def digests(where: str = "") -> str:
    """Each article id's digest of its raw rows (every copy of it) and its sentences: what the per-article
    models read. Each row's md5 (a sentence's with its place in the article) is folded into its article's
    with xor, which needs no order and never holds an article's rows together (an ordered `string_agg`
    held every sentence of the archive in memory and ran out of the build's memory cap at 100,000
    pages). No two rows cancel: an article id's raw rows differ in their source file, its sentences in
    their number; the row counts are part of the digest too. `where`: a filter on article_id for both
    tables."""
    return f"""
    select article_id,
           md5(concat_ws(':', articles.n, articles.folded, coalesce(sentences.n, 0), coalesce(sentences.folded, 0)))
               as digest
    from (
        select article_id, count(*) as n, bit_xor(md5_number(cast(articles as varchar))) as folded
        from raw.articles as articles {where}
        group by article_id
    ) as articles
    left join (
        select article_id, count(*) as n,
               bit_xor(md5_number(paragraph_no || ':' || sentence_no || ':' || sentence)) as folded
        from raw.sentences {where}
        group by article_id
    ) as sentences using (article_id)"""


def start_build(build_path: Path, published: Path, full_refresh: bool) -> str | None:
    """Start the build file: a copy of the published warehouse when an incremental build may follow
    (returns None), else nothing (returns why the build must be full). The copy is made while a
    read-only connection holds the published file, so no writer can change it halfway."""
    build_path.parent.mkdir(parents=True, exist_ok=True)
    if full_refresh:
        return "a full refresh was asked for"
    if not published.is_file():
        return "there is no published warehouse to start from"
    if wal_path(published).exists():
        return ("the published warehouse has a write-ahead log beside it (a process wrote to it outside a run "
                "and did not finish)")
    try:
        con = connect(published, read_only=True)
    except duckdb.Error as exc:  # e.g. another process holds it open for writing
        return f"the published warehouse could not be read ({_first_line(exc)})"
    try:
        try:
            previous_key = con.execute("select models_key from audit.build_plan").fetchone()
        except duckdb.Error:
            previous_key = None
        if previous_key is None or previous_key[0] != models_key():
            return ("the published warehouse was built by other models (SQL, lexicons, dbt or parser)"
                    if previous_key else "the published warehouse records no build plan")
        total, free = con.execute("select total_blocks, free_blocks from pragma_database_size()").fetchone()
        if total and free / total > MAX_FREE_SHARE:
            return (f"{free / total:.0%} of the published file is free space left by earlier builds "
                    "(a full build writes it anew)")
        shutil.copyfile(published, build_path)
    finally:
        con.close()
    return None


def plan_build(con: duckdb.DuckDBPyConnection, full_reason: str | None) -> BuildPlan:
    """Decide full or incremental for a build whose raw layer is loaded on `con` (`full_reason`: what
    `start_build` said; None: the build is a copy of the published warehouse), and keep the plan (one row
    in audit.build_plan; each article's digest and change in audit.build_articles, whose digests the next
    build compares with)."""
    key = models_key()
    plan = _full(con, full_reason, key) if full_reason else _compare(con, key)
    _record(con, plan)
    return plan


def _record(con: duckdb.DuckDBPyConnection, plan: BuildPlan) -> None:
    con.execute("create or replace table audit.build_plan as select ? as mode, ? as reason, ? as models_key, "
                "? as n_new, ? as n_changed, ? as n_unchanged, ? as n_removed",
                [plan.mode, plan.reason, plan.models_key, plan.new, plan.changed, plan.unchanged, plan.removed])


def _compare(con: duckdb.DuckDBPyConnection, key: str) -> BuildPlan:
    """Each article's change since the build the file is a copy of (its audit.build_articles). Digests are
    computed for the articles whose raw rows the raw layer touched (audit.raw_changes) and kept for the
    others; if the kept ones are not exactly the rest of the raw layer's articles, all are computed."""
    con.execute("create or replace temp table previous_articles as select article_id, digest "
                "from audit.build_articles where change <> 'removed'")
    touched = "where article_id in (select article_id from audit.raw_changes)"
    con.execute(f"""create or replace temp table current_articles as
        {digests(touched)}
        union all
        select article_id, digest from temp.previous_articles
        where article_id not in (select article_id from audit.raw_changes)""")
    if con.execute("select (select count(*) from temp.current_articles) <> "
                   "(select count(distinct article_id) from raw.articles) or exists (select article_id from "
                   "temp.current_articles except select article_id from raw.articles)").fetchone()[0]:
        con.execute(f"create or replace temp table current_articles as {digests()}")
    con.execute("""
        create or replace table audit.build_articles as
        select coalesce(now.article_id, before.article_id) as article_id, now.digest,
               case when before.article_id is null then 'new'
                    when now.article_id is null then 'removed'
                    when now.digest <> before.digest then 'changed'
                    else 'unchanged' end as change
        from temp.current_articles as now
        full join temp.previous_articles as before using (article_id)""")
    con.execute("drop table temp.previous_articles")
    con.execute("drop table temp.current_articles")
    counts = dict(con.execute("select change, count(*) from audit.build_articles group by change").fetchall())
    plan = BuildPlan("incremental", "the published warehouse was built by the same models", key,
                     counts.get("new", 0), counts.get("changed", 0), counts.get("unchanged", 0), counts.get("removed", 0))
    if plan.unchanged == 0:
        drop_models(con)
        return _full(con, "no article of the published warehouse is unchanged", key)
    return plan


def drop_models(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every model of the copied build (their schemas, emptied), so a full build on a copy holds what
    a full build on an empty file would."""
    for schema in sorted({node.schema for node in models.model_nodes().values()}):
        con.execute(f"drop schema if exists {schema} cascade")
        con.execute(f"create schema {schema}")


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).strip().splitlines()[:1])[:300]


def _full(con: duckdb.DuckDBPyConnection, reason: str, key: str) -> BuildPlan:
    con.execute(f"create or replace table audit.build_articles as select article_id, digest, 'new' as change "
                f"from ({digests()})")
    n = con.execute("select count(*) from audit.build_articles").fetchone()[0]
    return BuildPlan("full", reason, key, new=n)


def plan_record(plan: BuildPlan) -> dict:
    """The plan as the run's history keeps it (audit.runs.build_plan), with its one-line summary."""
    return asdict(plan) | {"summary": plan.summary()}
