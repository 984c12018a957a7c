-- staging.stg_sentence_parses
-- Grain: one row per (sentence_key, token_no): a spaCy token of a parsed sentence (flows/parse.py).
-- Purpose: the dependency parse as the SQL models read it; ws_token_no is the whitespace token of
-- int_sentence_tokens the spaCy token falls in, head_no the token_no of its syntactic head.
create or replace view staging.stg_sentence_parses as
with

sentence_parses as (
    select * from raw.sentence_parses
),

final as (
    select
        sentence_key,
        token_no,
        ws_token_no,
        token_text,
        lower(lemma) as lemma,
        pos,
        dep,
        head_no
    from sentence_parses
)

select * from final;
