-- intermediate.int_sentence_subjects
-- Grain: one row per (article_id, sentence_no, actor_code, role) with role subject, speaker or pair.
-- Purpose: what a later "they", "he", "both countries" or "we" can refer to: the sentence's first
-- subject chain (its first named mention that is not an object, with its coordinated partners)
-- and the sentence's speakers ("Macron said", "according to Merz"); and, where a sentence names
-- exactly two actors, the pair a later "the two countries" or "both sides" can refer to ("Marcos
-- received Kishida in Manila. The two countries signed ...").
with

int_actor_mentions_chained as (
    select * from {{ ref('int_actor_mentions_chained') }}
),

first_subject_chain as (
    select article_id, sentence_no, chain_no
    from int_actor_mentions_chained
    where not is_object and not is_led_compound
    qualify row_number() over (partition by article_id, sentence_no order by token_start) = 1
),

subjects as (
    select distinct
        int_actor_mentions_chained.article_id,
        int_actor_mentions_chained.paragraph_no,
        int_actor_mentions_chained.sentence_no,
        int_actor_mentions_chained.actor_code,
        'subject' as role
    from int_actor_mentions_chained
    inner join first_subject_chain
        on first_subject_chain.article_id = int_actor_mentions_chained.article_id
        and first_subject_chain.sentence_no = int_actor_mentions_chained.sentence_no
        and first_subject_chain.chain_no = int_actor_mentions_chained.chain_no
),

speakers as (
    select distinct
        article_id,
        paragraph_no,
        sentence_no,
        actor_code,
        'speaker' as role
    from int_actor_mentions_chained
    where is_speaker
),

pairs as (
    select
        article_id,
        any_value(paragraph_no) as paragraph_no,
        sentence_no,
        unnest(list(distinct actor_code)) as actor_code,
        'pair' as role
    from int_actor_mentions_chained
    where not is_led_compound
    group by article_id, sentence_no
    having count(distinct actor_code) = 2
),

final as (
    select * from subjects
    union all
    select * from speakers
    union all
    select * from pairs
)

select * from final
