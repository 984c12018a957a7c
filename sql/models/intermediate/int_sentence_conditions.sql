-- intermediate.int_sentence_conditions
-- Grain: one row per (article_id, sentence_no) that states a condition or trigger.
-- Purpose: the condition as written ("after a ceasefire", "based in a neighbouring country",
-- "subject to parliamentary approval"); the first one in the sentence, with its rule.
with

int_cue_matches as (
    select * from {{ ref('int_cue_matches') }}
),

condition_matches as (
    select * from int_cue_matches where cue_family = 'condition'
),

final as (
    select
        article_id,
        sentence_no,
        trim(matched_text, ' ,;:"“”') as condition_text,
        rule_id as condition_rule_id,
        cue_start as condition_position
    from condition_matches
    qualify row_number() over (partition by article_id, sentence_no order by cue_start, rule_id) = 1
)

select * from final
