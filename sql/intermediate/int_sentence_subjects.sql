-- intermediate.int_sentence_subjects
-- Grain: one row per (article_id, sentence_no, actor_code, role) with role subject or speaker.
-- Purpose: what a later "they", "he", "both countries" or "we" can refer to: the sentence's first
-- subject chain (its first named mention that is not an object, with its coordinated partners)
-- and the sentence's speakers ("Macron said", "according to Merz").
create or replace table intermediate.int_sentence_subjects as
with

int_actor_mentions_chained as (
    select * from intermediate.int_actor_mentions_chained
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

final as (
    select * from subjects
    union all
    select * from speakers
)

select * from final;
