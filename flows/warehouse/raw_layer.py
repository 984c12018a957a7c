"""The raw layer of a build: this run's cleaned files, rejects and sentences, copied from the state.

On an empty build file every row is copied. On a copy of the published warehouse (an incremental build
may follow) only what changed is: a cleaned file's version in the state is its source file and the time
it was cleaned (`cleaned_at`: a file cleaned again, whatever the reason, is a new row with a new time),
the copy keeps the versions its raw layer holds (`audit.raw_versions`), and the rows of source files
whose version differs, appeared or went are deleted and inserted again; sentences follow their article
ids. `audit.raw_changes` lists the article ids whose raw rows may differ from the copy's (every id on an
empty file): the plan computes digests for those only and keeps the copy's for the others. Either way
the raw layer holds the same rows (tests/test_incremental.py compares them with a full refresh).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.warehouse.db import sql_string

# the state's cleaned files whose raw file is listed without a problem
_LISTED = """from state.cleaned_files
    inner join state.inventory on inventory.source_file = cleaned_files.container_file
    where inventory.problem is null"""
# those this run publishes
_CURRENT = f"{_LISTED} and cleaned_files.status = 'ok'"


def build_raw_layer(con: duckdb.DuckDBPyConnection, state_path: Path, on_copy: bool = False) -> dict[str, int]:
    """Copy this run's files from the state into the build's raw schema (`on_copy`: the build file is a
    copy of the published warehouse, whose raw layer is updated in place); return row counts."""
    con.execute(f"attach {sql_string(str(state_path))} as state (read_only)")
    try:
        con.execute("create schema if not exists raw")
        con.execute("create schema if not exists audit")
        con.execute(f"create or replace temp table current_versions as select cleaned_files.source_file, "
                    f"cleaned_files.cleaned_at {_CURRENT}")
        if on_copy and _can_update(con):
            _update(con)
        else:
            _replace(con)
        con.execute("create or replace table audit.raw_versions as select * from temp.current_versions")
        con.execute("drop table temp.current_versions")
        con.execute(
            f"""create or replace table raw.rejects as
            select inventory.source_file, inventory.problem as reason, inventory.size_bytes, inventory.raw_sha256
            from state.inventory where inventory.problem is not null
            union all
            select cleaned_files.source_file, cleaned_files.reason, cleaned_files.size_bytes, cleaned_files.raw_sha256
            {_LISTED} and (cleaned_files.status = 'rejected'
                or (cleaned_files.status = 'container' and cleaned_files.reason like 'unreadable%'))"""
        )
        counts = {
            name: con.execute(f"select count(*) from raw.{name}").fetchone()[0]
            for name in ("articles", "rejects", "sentences")
        }
    finally:
        con.execute("detach state")
    return counts


def _can_update(con: duckdb.DuckDBPyConnection) -> bool:
    """The copy keeps its raw layer's versions, and its raw tables have the columns the state's have."""
    def columns(database: str, schema: str, table: str) -> list[tuple[str, str]]:
        return con.execute("select column_name, data_type from duckdb_columns() where database_name = ? and "
                           "schema_name = ? and table_name = ? and column_name <> 'cleaned_at' order by column_index",
                           [database, schema, table]).fetchall()

    here = con.execute("select current_database()").fetchone()[0]
    if not columns(here, "audit", "raw_versions"):
        return False
    for table, source in (("articles", "cleaned_files"), ("sentences", "sentences")):
        kept = columns(here, "raw", table)
        if not kept or kept != columns("state", "main", source):
            return False
    return True


def _replace(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create or replace table raw.articles as select cleaned_files.* exclude (cleaned_at) {_CURRENT}")
    con.execute("""create or replace table raw.sentences as
        select distinct sentences.*
        from state.sentences
        where sentences.article_id in (select article_id from raw.articles)""")
    con.execute("create or replace table audit.raw_changes as select distinct article_id from raw.articles")


def _update(con: duckdb.DuckDBPyConnection) -> None:
    """The copy's raw layer brought to this run's: the rows of source files whose version changed deleted
    and inserted again, the sentences of article ids that left deleted, of ids that arrived inserted."""
    con.execute(f"""create or replace temp table changed_sources as
        select source_file from (
            (select source_file, cleaned_at from audit.raw_versions
             except select source_file, cleaned_at from temp.current_versions)
            union all
            (select source_file, cleaned_at from temp.current_versions
             except select source_file, cleaned_at from audit.raw_versions))
        group by source_file""")
    changed = "select source_file from temp.changed_sources"
    con.execute(f"create or replace temp table left_ids as select distinct article_id from raw.articles "
                f"where source_file in ({changed})")
    con.execute(f"delete from raw.articles where source_file in ({changed})")
    con.execute("delete from raw.sentences where article_id in (select article_id from temp.left_ids "
                "except select article_id from raw.articles)")
    con.execute(f"""create or replace temp table arriving_ids as
        select distinct cleaned_files.article_id {_CURRENT} and cleaned_files.source_file in ({changed})
        except select article_id from raw.articles""")
    con.execute(f"insert into raw.articles select cleaned_files.* exclude (cleaned_at) {_CURRENT} "
                f"and cleaned_files.source_file in ({changed})")
    con.execute("""insert into raw.sentences select distinct sentences.* from state.sentences
        where sentences.article_id in (select article_id from temp.arriving_ids)""")
    con.execute(f"""create or replace table audit.raw_changes as
        select article_id from temp.left_ids
        union
        select cleaned_files.article_id {_CURRENT} and cleaned_files.source_file in ({changed})""")
    for table in ("changed_sources", "left_ids", "arriving_ids"):
        con.execute(f"drop table temp.{table}")
