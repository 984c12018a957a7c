"""intermediate.int_sentence_parses

Grain: one row per (sentence_key, token_no): a spaCy token of a candidate sentence (int_parse_candidates).
Purpose: the dependency parse as the SQL models read it (flows/warehouse/parse.py): ws_token_no is the
whitespace token of int_sentence_tokens the spaCy token falls in, head_no the token_no of its syntactic
head, lemma in lower case; from_cache says whether the parse came from the parse cache in the state file
(environment variable COMMITMENTS_PARSE_CACHE, set by the flow) or from the parser in this build.
A dbt Python model: dbt-duckdb runs it in the build's own process, on the build's connection.
"""

import os
from pathlib import Path


def model(dbt, session):
    dbt.config(materialized="table")
    from flows.warehouse import parse

    wanted = dbt.ref("int_parse_candidates").project("sentence_key, sentence").distinct().df()
    cache = os.environ.get("COMMITMENTS_PARSE_CACHE")
    parses = parse.sentence_parses(session, wanted, Path(cache) if cache else None)
    parses["lemma"] = parses["lemma"].str.lower()
    return parses
