"""The SQL project keeps its conventions, and each model does its one job."""

from __future__ import annotations

import re

import pytest

from flows.settings import SQL_DIR
from flows.warehouse.models import model_order, model_table, read_docs, run_compiled
from conftest import written_unit_tests
from helpers import as_article, build_from_texts

MODELS_DIR = SQL_DIR / "models"
MODEL_FILES = sorted(str(p.relative_to(MODELS_DIR).with_suffix("")) for layer in ("staging", "intermediate", "marts")
                     for p in (MODELS_DIR / layer).glob("*.*") if p.suffix in (".sql", ".py"))
SQL_MODELS = [m for m in MODEL_FILES if (MODELS_DIR / f"{m}.sql").exists()]
CONTRACT_MENTION_COLUMNS = ["mention_id", "article_id", "source_file", "sentence_no", "actor_code", "commitment_type",
                            "stance", "beneficiary_code", "condition_text", "quantity_value", "quantity_text",
                            "quantity_unit", "evidence", "rule_id"]
CONTRACT_COMMITMENT_COLUMNS = ["commitment_id", "actor_code", "actor_name", "actor_kind", "commitment_type",
                               "beneficiary_code", "stance", "n_mentions", "n_articles", "n_sources", "first_seen",
                               "last_seen", "quantity_text", "quantity_value", "quantity_unit", "condition_text",
                               "evidence"]
CONTRACT_ARTICLE_COLUMNS = ["article_id", "source_file", "title", "body", "published", "source_name", "url", "language"]


def test_every_model_file_is_a_node_of_the_dbt_project_once():
    order = model_order()
    assert sorted(order) == MODEL_FILES
    assert len(order) == len(set(order))


def test_every_sql_model_of_the_intermediate_layer_and_the_marts_has_a_dbt_unit_test():
    tested = {test["model"] for test in written_unit_tests()}
    needing = {model.split("/")[1] for model in SQL_MODELS if model.split("/")[0] in ("intermediate", "marts")}
    assert len(needing) > 20 and needing - tested == set()


def test_every_model_runs_after_the_models_it_reads():
    order = model_order()
    for model in SQL_MODELS:
        text = (MODELS_DIR / f"{model}.sql").read_text(encoding="utf-8")
        for ref in re.findall(r"ref\('([a-z_]+)'\)", text):
            reads = next(m for m in order if m.endswith(f"/{ref}"))
            assert order.index(reads) < order.index(model), (model, ref)


@pytest.mark.parametrize("model", SQL_MODELS)
def test_model_file_states_its_grain_and_leaves_materializing_to_dbt(model):
    text = (MODELS_DIR / f"{model}.sql").read_text(encoding="utf-8")
    assert text.startswith(f"-- {model_table(model)}\n")
    assert re.search(r"(?im)^-- grain: ", text)
    assert not re.search(r"(?im)^\s*(create|insert|drop)\b", text)  # dbt's materialization writes the table
    assert not re.search(r"\b(staging|intermediate|marts)\.[a-z_]+\b", re.sub(r"--.*", "", text))  # only ref()
    assert text.rstrip().endswith("select * from final")


@pytest.mark.parametrize("model", [m for m in SQL_MODELS if not m.startswith("staging/")])
def test_later_layers_never_read_raw(model):
    assert "source('raw'" not in (MODELS_DIR / f"{model}.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("model", MODEL_FILES)
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


def test_an_evidence_sentence_that_is_not_in_its_article_body_fails_the_audit():
    from flows.warehouse.checks import run_audits

    con = build_from_texts({"a.txt": "France will send 2,000 troops to Ukraine after a ceasefire, Macron said on Monday."})
    audit = "fct_commitment_mentions__evidence_in_article_body"
    assert {r.check_name: r.passed for r in run_audits(con)}[audit]
    con.execute("create or replace table marts.fct_commitment_mentions as "
                "select * replace (evidence || ' (edited)' as evidence) from marts.fct_commitment_mentions")
    failed = {r.check_name: r for r in run_audits(con)}[audit]
    assert not failed.passed and failed.n_failing == 1


def _tied_commitment_warehouse():
    # four mentions of one commitment, published the same day with the same stance and equally specific
    # amounts: nothing but the tie-breaks decides the evidence and the quantity
    texts = {f"{name}.txt": f"Kenya will send {n:,} troops to Haiti, President William Ruto said on {day} after "
                                "talks in Nairobi."
             for name, n, day in (("a", 1000, "Monday"), ("b", 2500, "Tuesday"), ("c", 400, "Friday"),
                                  ("d", 700, "Sunday"))}
    return build_from_texts(texts, published={name: "2024-03-01" for name in texts})


def test_tied_mentions_consolidate_to_the_same_row_whatever_order_they_are_read_in():
    from flows.warehouse.checks import run_audits

    con = _tied_commitment_warehouse()
    key = "actor_code = 'KEN' and commitment_type = 'troop_deployment'"
    assert con.execute(f"select count(*) from marts.fct_commitment_mentions where {key}").fetchone()[0] == 4
    consolidated = set()
    for order in ("mention_id", "mention_id desc", "source_file desc", "evidence"):
        con.execute("create or replace table marts.fct_commitment_mentions as "
                    f"select * from marts.fct_commitment_mentions order by {order}")
        run_compiled(con, models=["marts/fct_commitments"])
        consolidated.add(con.execute(f"select * from marts.fct_commitments where {key}").fetchall()[0])
    assert len(consolidated) == 1
    row = con.execute(f"select evidence, evidence_mention_id, quantity_text, quantity_value from marts.fct_commitments "
                      f"where {key}").fetchone()
    evidence_of_id, quantity_of_id = con.execute(
        "select evidence, quantity_value from marts.fct_commitment_mentions where mention_id = ?", [row[1]]).fetchone()
    assert row[0] == evidence_of_id and row[3] == quantity_of_id  # here the latest-firmest mention is also the quantity's
    assert all(r.passed for r in run_audits(con) if r.check_name.startswith("fct_commitments__"))


def test_two_builds_of_the_same_articles_in_either_order_give_the_same_sentence_and_text_keys():
    texts = {"a.txt": as_article("Chad will send 500 troops to Niger. The deployment starts in March."),
             "b.txt": as_article("Chad will send 500 troops to Niger. Nigeria pledged $20 million for it.")}
    queries = ["select distinct article_id, sentence_no, sentence_key from intermediate.int_sentence_tokens "
               "order by all",
               "select article_id, sentence_no, text_no, is_first_occurrence from intermediate.int_sentence_texts "
               "order by all"]
    first, second = build_from_texts(texts), build_from_texts(dict(reversed(list(texts.items()))))
    for query in queries:
        assert first.execute(query).fetchall() == second.execute(query).fetchall()
    keys = first.execute("select count(distinct sentence_key), count(distinct (article_id, sentence_no)) "
                         "from intermediate.int_sentence_tokens").fetchone()
    assert keys[0] == keys[1] > 4
    shared = first.execute("select count(distinct text_no), count(*) from intermediate.int_sentence_texts "
                           "where text_no = (select md5_number('Chad will send 500 troops to Niger.'))").fetchone()
    assert shared == (1, 2)  # the sentence both articles print, under one key: its text's


def test_two_sentences_under_one_sentence_key_fail_the_audit():
    from flows.warehouse.checks import run_audits

    con = build_from_texts({"a.txt": as_article("Chad will send 500 troops to Niger.")})
    audit = "int_sentence_tokens__one_sentence_per_key"
    assert {r.check_name: r.passed for r in run_audits(con)}[audit]
    con.execute("update intermediate.int_sentence_tokens set sentence_key = 42")  # as a hash collision would
    failed = {r.check_name: r for r in run_audits(con)}[audit]
    assert not failed.passed and failed.n_failing == 1


def test_evidence_or_quantity_taken_from_two_different_mentions_fails_the_audit():
    from flows.warehouse.checks import run_audits

    con = _tied_commitment_warehouse()
    audit = "fct_commitments__evidence_and_quantity_from_one_mention"
    assert {r.check_name: r.passed for r in run_audits(con)}[audit]
    other_id, other_value = con.execute(
        "select m.mention_id, m.quantity_value from marts.fct_commitment_mentions as m "
        "inner join marts.fct_commitments as c using (actor_code, commitment_type) "
        "where c.actor_code = 'KEN' and m.mention_id <> c.evidence_mention_id limit 1").fetchone()
    con.execute("update marts.fct_commitments set evidence_mention_id = ? where actor_code = 'KEN'", [other_id])
    failed = {r.check_name: r for r in run_audits(con)}[audit]
    assert not failed.passed and failed.n_failing == 1
    con.execute("update marts.fct_commitments set evidence_mention_id = ?, quantity_value = ? "
                "where actor_code = 'KEN'", [other_id, other_value + 1])
    assert {r.check_name: r.n_failing for r in run_audits(con)}[audit] == 2


def test_a_conjunct_read_both_from_the_parse_and_from_the_coordination_keeps_the_parse_and_its_path():
    con = build_from_texts({"a.txt": "After the talks, Ruto, Yoweri Museveni, president of Uganda, and Samia Suluhu "
                                     "Hassan, president of Tanzania, signed a declaration of intent on a joint "
                                     "deployment."})
    rows = con.execute("select actor_code, attribution_method, dependency_path from marts.fct_commitment_mentions "
                       "order by actor_code").fetchall()
    assert rows[0] == ("KEN", "syntactic_subject", "signed >nsubj Ruto = Ruto")
    assert rows[2] == ("UGA", "syntactic_conjunct", "signed >nsubj Ruto = Museveni")


def test_a_sentence_repeated_word_for_word_across_articles_is_matched_once_and_counted_in_each():
    shared = "Rwanda will deploy 1,000 soldiers to Mozambique's Cabo Delgado province, the government said on Friday."
    con = build_from_texts({
        "wire.txt": shared + " The deployment follows a request from Maputo.",
        "copy-1.txt": "From our correspondents. " + shared,
        "copy-2.txt": shared + " Officials gave no date for the first flights.",
        "shout.txt": shared.upper().replace("RWANDA", "Rwanda") + " Kigali confirmed the plan on Saturday.",
    })
    texts = con.execute("select count(distinct text_no), count(*) from intermediate.int_sentence_texts "
                        "where text_no in (select text_no from intermediate.int_sentence_texts "
                        "group by text_no having count(*) > 1)").fetchone()
    assert texts == (1, 3)  # the shouted copy differs in case: its own text
    candidates = con.execute("select count(*), count(distinct rule_id) from intermediate.int_cue_candidates "
                             "where sentence = ?", [shared]).fetchone()
    assert candidates[0] == candidates[1] > 0  # each rule once for the three occurrences
    per_article = con.execute(
        "select a.source_file, list(distinct m.cue_id order by m.cue_id) from intermediate.int_cue_matches as m "
        "inner join staging.stg_articles as a using (article_id) "
        "inner join staging.stg_sentences as s using (article_id, sentence_no) "
        "where s.sentence = ? group by all order by all", [shared]).fetchall()
    assert [name for name, _ in per_article] == ["copy-1.txt", "copy-2.txt", "wire.txt"]
    assert len({tuple(cues) for _, cues in per_article}) == 1 and per_article[0][1]
    facts = con.execute("select source_file, actor_code, commitment_type, stance from marts.fct_commitment_mentions "
                        "where actor_code = 'RWA' order by all").fetchall()
    assert [f[0] for f in facts] == ["copy-1.txt", "copy-2.txt", "shout.txt", "wire.txt"]
    assert {f[1:] for f in facts} == {("RWA", "troop_deployment", "committed")}


@pytest.mark.parametrize("model,chunks", [
    ("intermediate/int_actor_mentions", "intermediate.int_sentence_token_chunks"),
    ("intermediate/int_cue_syntactic_subjects", "intermediate.int_parse_candidate_chunks"),
    ("intermediate/int_commitment_cues_attributed", "intermediate.int_sentence_token_chunks"),
])
def test_a_model_run_in_article_chunks_gives_the_rows_of_one_piece(model, chunks):
    con = build_from_texts({
        f"{name}.txt": f"{name} reported on Monday that France and the United Kingdom agreed to send troops to "
                       "Ukraine. Germany, which ruled out sending troops, will fund the mission, Chancellor "
                       "Merz said. Kenya's president said his country would deploy 1,000 police officers to Haiti."
        for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")})
    table = model_table(model)
    assert con.execute(f"select count(*) from {chunks}").fetchone()[0] == 1  # a small build is one chunk
    whole = con.execute(f"select * from {table} order by all").fetchall()
    # the for_each materialization runs the model once per row of its chunk model: make that three chunks
    con.execute(f"create or replace table {chunks} as select i + 1 as loop_no, i as chunk_no, 3::bigint as n_chunks "
                "from range(3) as t(i)")
    run_compiled(con, models=[model])
    assert con.execute(f"select * from {table} order by all").fetchall() == whole
    per_chunk = con.execute(f"select list(n order by chunk) from (select hash(article_id) % 3 as chunk, count(*) as n "
                            f"from {table} group by chunk)").fetchone()[0]
    assert len(whole) > 6 and len(per_chunk) == 3 and all(per_chunk)  # every chunk holds some articles
