-- intermediate.int_cue_matches
-- Grain: one row per (article_id, sentence_no, rule_id, cue_start): each match of a cue rule
-- (commitment type, stance or condition); cue_start / cue_end are the token positions of the match.
-- Purpose: every lexicon hit with its span. Rules are candidates only when a sentence token
-- starts with one of the rule's stems (hash join); only those candidates run the rule's regex.
create or replace table intermediate.int_cue_matches as
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

stg_cue_rules as (
    select * from staging.stg_cue_rules
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

confirmed as (
    select
        candidate_rules.article_id,
        candidate_rules.sentence_no,
        stg_cue_rules.cue_family,
        stg_cue_rules.rule_id,
        stg_cue_rules.label,
        stg_cue_rules.priority,
        stg_cue_rules.max_actor_gap,
        stg_cue_rules.only_with_stance,
        stg_sentences.sentence,
        unnest(regexp_extract_all(stg_sentences.sentence_lc, stg_cue_rules.pattern)) as matched_lc,
        stg_sentences.sentence_lc
    from candidate_rules
    inner join stg_cue_rules
        on stg_cue_rules.rule_id = candidate_rules.rule_id
    inner join stg_sentences
        on stg_sentences.article_id = candidate_rules.article_id
        and stg_sentences.sentence_no = candidate_rules.sentence_no
),

-- the same text matched twice in one sentence is one cue (at its first position)
located as (
    select distinct
        *,
        strpos(sentence_lc, matched_lc) as match_offset
    from confirmed
    where matched_lc <> ''
),

with_prefixes as (
    select
        *,
        substr(sentence_lc, 1, match_offset - 1) as text_before,
        substr(sentence_lc, 1, match_offset + length(matched_lc) - 1) as text_through
    from located
),

positioned as (
    select
        *,
        -- the token holding the first character of the match
        case when trim(text_before) = '' then 0
             else len(string_split_regex(trim(text_before), '\s+'))
                  - case when regexp_matches(text_before, '\s$') then 0 else 1 end
        end as cue_start,
        len(string_split_regex(trim(text_through), '\s+')) - 1 as cue_end
    from with_prefixes
),

final as (
    select
        article_id,
        sentence_no,
        rule_id || '@' || cue_start as cue_id,
        cue_family,
        rule_id,
        label,
        priority,
        max_actor_gap,
        only_with_stance,
        substr(sentence, match_offset, length(matched_lc)) as matched_text,
        cue_start,
        cue_end
    from positioned
)

select * from final;
