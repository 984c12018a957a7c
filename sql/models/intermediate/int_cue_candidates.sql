-- intermediate.int_cue_candidates
-- Grain: one row per (text_no, rule_id): a distinct sentence text (intermediate.int_sentence_texts) one of
-- whose tokens starts with one of the rule's keyword stems. Purpose: pick the few (sentence, rule) pairs
-- worth a regex, with a hash join on the stems' first three letters, so that matching stays linear in the
-- number of sentences; a text that recurs word for word in many articles is a candidate once.
with

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
),

int_sentence_texts as (
    select * from {{ ref('int_sentence_texts') }}
),

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

stg_cue_keywords as (
    select * from {{ ref('stg_cue_keywords') }}
),

-- the tokens of a text's first occurrence stand for those of every copy
first_occurrences as (
    select * from int_sentence_texts
    where is_first_occurrence
),

candidate_rules as (
    select distinct
        first_occurrences.text_no,
        first_occurrences.article_id,
        first_occurrences.sentence_no,
        stg_cue_keywords.rule_id
    from int_sentence_tokens
    inner join first_occurrences
        on first_occurrences.article_id = int_sentence_tokens.article_id
        and first_occurrences.sentence_no = int_sentence_tokens.sentence_no
    inner join stg_cue_keywords
        on stg_cue_keywords.stem_key = left(int_sentence_tokens.token_norm, 3)
    where starts_with(int_sentence_tokens.token_norm, stg_cue_keywords.stem)
),

final as (
    select
        candidate_rules.text_no,
        candidate_rules.rule_id,
        stg_sentences.sentence,
        stg_sentences.sentence_lc
    from candidate_rules
    inner join stg_sentences
        on stg_sentences.article_id = candidate_rules.article_id
        and stg_sentences.sentence_no = candidate_rules.sentence_no
)

select * from final
