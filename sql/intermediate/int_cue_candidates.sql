-- intermediate.int_cue_candidates
-- Grain: one row per (article_id, sentence_no, rule_id) where a sentence token starts with one of the
-- rule's keyword stems. Purpose: pick the few (sentence, rule) pairs worth a regex, with a hash join
-- on the stems' first three letters, so that matching stays linear in the number of sentences.
create or replace table intermediate.int_cue_candidates as
with

int_sentence_tokens as (
    select * from intermediate.int_sentence_tokens
),

stg_sentences as (
    select * from staging.stg_sentences
),

stg_cue_keywords as (
    select * from staging.stg_cue_keywords
),

candidate_rules as (
    select distinct
        int_sentence_tokens.article_id,
        int_sentence_tokens.sentence_no,
        stg_cue_keywords.rule_id
    from int_sentence_tokens
    inner join stg_cue_keywords
        on stg_cue_keywords.stem_key = left(int_sentence_tokens.token_norm, 3)
    where starts_with(int_sentence_tokens.token_norm, stg_cue_keywords.stem)
),

final as (
    select
        candidate_rules.article_id,
        candidate_rules.sentence_no,
        candidate_rules.rule_id,
        stg_sentences.sentence,
        stg_sentences.sentence_lc
    from candidate_rules
    inner join stg_sentences
        on stg_sentences.article_id = candidate_rules.article_id
        and stg_sentences.sentence_no = candidate_rules.sentence_no
)

select * from final;
