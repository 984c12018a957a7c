"""The SQL project keeps its conventions, and each model does its one job."""

from __future__ import annotations

import re

import pytest

from flows.settings import SQL_DIR
from flows.warehouse.models import MODEL_ORDER, model_table, read_docs
from helpers import build_from_texts

MODEL_FILES = sorted(str(p.relative_to(SQL_DIR).with_suffix("")) for layer in ("staging", "intermediate", "marts")
                     for p in (SQL_DIR / layer).glob("*.sql"))
CONTRACT_MENTION_COLUMNS = ["mention_id", "article_id", "source_file", "sentence_no", "actor_code", "commitment_type",
                            "stance", "beneficiary_code", "condition_text", "quantity_value", "quantity_text",
                            "quantity_unit", "evidence", "rule_id"]
CONTRACT_COMMITMENT_COLUMNS = ["commitment_id", "actor_code", "actor_name", "actor_kind", "commitment_type",
                               "beneficiary_code", "stance", "n_mentions", "n_articles", "n_sources", "first_seen",
                               "last_seen", "quantity_text", "quantity_value", "quantity_unit", "condition_text",
                               "evidence"]
CONTRACT_ARTICLE_COLUMNS = ["article_id", "source_file", "title", "body", "published", "source_name", "url", "language"]


def test_every_model_file_is_in_the_run_order_exactly_once():
    assert sorted(MODEL_ORDER) == MODEL_FILES
    assert len(MODEL_ORDER) == len(set(MODEL_ORDER))


@pytest.mark.parametrize("model", MODEL_ORDER)
def test_model_file_states_its_grain_and_creates_its_own_name(model):
    text = (SQL_DIR / f"{model}.sql").read_text(encoding="utf-8")
    assert text.startswith(f"-- {model_table(model)}\n")
    assert re.search(r"(?im)^-- grain: ", text)
    assert re.search(rf"create or replace (table|view) {re.escape(model_table(model))} (as|\()", text)
    assert text.rstrip().endswith("select * from final;")


@pytest.mark.parametrize("model", [m for m in MODEL_ORDER if not m.startswith("staging/")])
def test_later_layers_never_read_raw(model):
    assert not re.search(r"\braw\.", (SQL_DIR / f"{model}.sql").read_text(encoding="utf-8"))


@pytest.mark.parametrize("model", MODEL_ORDER)
def test_every_model_is_documented(model):
    assert read_docs().get(model_table(model), {}).get("description")


@pytest.fixture(scope="module")
def small_warehouse():
    return build_from_texts({"a.txt": "France will send 2,000 troops to Ukraine after a ceasefire, Macron said on Monday. "
                                      "Germany ruled out sending troops to Ukraine."})


@pytest.mark.parametrize("table", ["marts.fct_commitment_mentions", "marts.fct_commitments", "marts.dim_actors",
                                   "marts.dim_articles"])
def test_every_mart_column_is_documented(small_warehouse, table):
    documented = read_docs()[table]["columns"]
    columns = [r[0] for r in small_warehouse.execute(f"describe {table}").fetchall()]
    assert [c for c in columns if not documented.get(c)] == []


@pytest.mark.parametrize("table,columns", [
    ("marts.fct_commitment_mentions", CONTRACT_MENTION_COLUMNS),
    ("marts.fct_commitments", CONTRACT_COMMITMENT_COLUMNS),
    ("staging.stg_articles", CONTRACT_ARTICLE_COLUMNS),
])
def test_contract_columns_exist(small_warehouse, table, columns):
    present = {r[0] for r in small_warehouse.execute(f"describe {table}").fetchall()}
    assert set(columns) <= present


def test_contract_column_types(small_warehouse):
    types = dict((r[0], r[1]) for r in small_warehouse.execute("describe marts.fct_commitment_mentions").fetchall())
    assert types["sentence_no"] == "INTEGER" and types["quantity_value"] == "DOUBLE"
    assert types["mention_id"] == "VARCHAR" and types["evidence"] == "VARCHAR"
    types = dict((r[0], r[1]) for r in small_warehouse.execute("describe marts.fct_commitments").fetchall())
    assert types["n_mentions"] == types["n_articles"] == types["n_sources"] == "INTEGER"


def test_actor_mentions_are_the_same_whether_built_in_one_chunk_or_in_several():
    import duckdb

    from flows.warehouse.models import model_path

    con = build_from_texts({
        f"{name}.txt": f"{name} said on Monday that France and the United Kingdom will send troops to Ukraine. "
                       "Germany ruled out sending troops, Chancellor Merz said. They agreed to a monitoring mission."
        for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")})
    whole = con.execute("select * from intermediate.int_actor_mentions order by all").fetchall()
    create, insert = [s.query for s in duckdb.extract_statements(
        model_path("intermediate/int_actor_mentions").read_text(encoding="utf-8"))]
    con.execute(create)
    con.execute("set variable actor_n_chunks = 3")
    per_chunk = []
    for chunk in range(3):
        con.execute("set variable actor_chunk_no = ?", [chunk])
        con.execute(insert)
        per_chunk.append(con.execute("select count(*) from intermediate.int_actor_mentions").fetchone()[0])
    assert con.execute("select * from intermediate.int_actor_mentions order by all").fetchall() == whole
    assert len(whole) > 6 and 0 < per_chunk[0] < per_chunk[1] < per_chunk[2]  # every chunk holds some articles


def test_an_evidence_sentence_that_is_not_in_its_article_body_fails_the_audit():
    from flows.warehouse.checks import run_audits

    con = build_from_texts({"a.txt": "France will send 2,000 troops to Ukraine after a ceasefire, Macron said on Monday."})
    audit = "fct_commitment_mentions__evidence_in_article_body"
    assert {r.check_name: r.passed for r in run_audits(con)}[audit]
    con.execute("create or replace table marts.fct_commitment_mentions as "
                "select * replace (evidence || ' (edited)' as evidence) from marts.fct_commitment_mentions")
    failed = {r.check_name: r for r in run_audits(con)}[audit]
    assert not failed.passed and failed.n_failing == 1
