"""Build a warehouse from literal article texts in memory: the dbt project as dbt compiled it, run without
Prefect, files or dbt's fixed cost per model (flows/warehouse/models.py, run_compiled)."""

from __future__ import annotations

import duckdb
import pandas as pd

from flows.ingest import batches
from flows.warehouse import lexicon, models
from flows.ingest.clean import FIELDS, clean_bytes
from flows.settings import SQL_DIR


def cleaned_rows(articles: dict[str, str | bytes], published: dict[str, str] | None = None,
                 publishers: dict[str, str] | None = None) -> list[dict]:
    rows = []
    for name, text in articles.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        sidecar = {}
        if published and name in published:
            sidecar["published"] = published[name]
        if publishers and name in publishers:
            sidecar["source_name"] = publishers[name]
        rows.append(clean_bytes(data, name, sidecar).as_row())
    return rows


def build_from_rows(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """Raw tables from cleaned rows, then seeds and every model, in an in-memory DuckDB."""
    return build_with_runs(rows)[0]


def build_with_runs(rows: list[dict], parse_cache=None) -> tuple[duckdb.DuckDBPyConnection, list]:
    """As build_from_rows, with the parse cache of a state file, returning the model runs too."""
    con = duckdb.connect()
    for schema in models.SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    frame = pd.DataFrame([r for r in rows if r["status"] == "ok"], columns=FIELDS)
    con.register("article_frame", frame)
    con.execute("create table raw.articles as select * from article_frame")
    con.register("sentence_frame", batches.sentence_rows(rows))
    con.execute("create table raw.sentences as select * from sentence_frame")
    con.execute("create table raw.rejects as select source_file, reason, size_bytes, raw_sha256 from article_frame where false")
    lexicon.load_seeds(con, lexicon.read_seeds(SQL_DIR / "seeds"))
    runs = models.run_compiled(con, parse_cache=parse_cache)
    models.apply_docs(con)
    return con, runs


def build_from_texts(articles: dict[str, str], **kwargs) -> duckdb.DuckDBPyConnection:
    return build_from_rows(cleaned_rows(articles, **kwargs))


def facts(con: duckdb.DuckDBPyConnection, source_file: str | None = None) -> set[tuple[str, str, str]]:
    """{(actor_code, commitment_type, stance)} of the mentions (of one file, if given)."""
    sql = "select distinct actor_code, commitment_type, stance from marts.fct_commitment_mentions"
    params = []
    if source_file:
        sql += " where source_file = ?"
        params.append(source_file)
    return set(con.execute(sql, params).fetchall())


def pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {(a, t) for a, t, _ in facts(con)}


def as_article(text: str) -> str:
    """A sentence (or two) as the body of a short article: a headline and a closing line around it, so
    the text is long enough to be kept and the sentence is no headline."""
    return "Regional news\n\n" + text + " Officials gave no further details on Tuesday."


def in_articles(sentences: list[str]):
    """Each sentence as its own short article (a.txt, b.txt, ...), all built in one warehouse."""
    return build_from_texts({f"{chr(97 + i)}.txt": as_article(s) for i, s in enumerate(sentences)})


def facts_of_each(sentences: list[str]) -> list[set]:
    """The facts found in each sentence, each built as its own article in one warehouse."""
    con = in_articles(sentences)
    return [facts(con, f"{chr(97 + i)}.txt") for i in range(len(sentences))]


def assert_each_gives(cases: list[tuple[str, set]]) -> None:
    for (sentence, expected), found in zip(cases, facts_of_each([s for s, _ in cases])):
        assert found == expected, sentence
