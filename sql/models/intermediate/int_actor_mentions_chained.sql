-- intermediate.int_actor_mentions_chained
-- Grain: one row per named actor mention (article_id, sentence_no, token_start), pronouns excluded.
-- Purpose: group coordinated actors into chains ("France and the United Kingdom", "Macron, UK Prime
-- Minister Keir Starmer and Ukrainian leader Volodymyr Zelenskyy"): consecutive mentions belong to
-- one chain when only titles, names, commas and conjunctions stand between them.
with

int_actor_mentions as (
    select * from {{ ref('int_actor_mentions') }}
),

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
),

named_mentions as (
    select
        *,
        lag(token_end) over sentence_order as previous_token_end,
        lag(is_speaker) over sentence_order as is_previous_a_speaker
    from int_actor_mentions
    where not is_pronoun
    window sentence_order as (partition by article_id, sentence_no order by token_start)
),

with_gap_blockers as (
    select
        named_mentions.*,
        token_start - previous_token_end - 1 as gap_tokens,
        coalesce(before_mention.n_link_blockers_through, 0)
            - coalesce(after_previous.n_link_blockers_through, 0) as gap_blockers,
        -- "troops from Uganda and Burundi, the AU said": a speaker after a comma starts its own clause
        coalesce(is_speaker, false) and coalesce(after_previous.token_raw, '') like '%,' as is_speaker_after_comma
    from named_mentions
    left join int_sentence_tokens as before_mention
        on before_mention.article_id = named_mentions.article_id
        and before_mention.sentence_no = named_mentions.sentence_no
        and before_mention.token_no = named_mentions.token_start - 1
    left join int_sentence_tokens as after_previous
        on after_previous.article_id = named_mentions.article_id
        and after_previous.sentence_no = named_mentions.sentence_no
        and after_previous.token_no = named_mentions.previous_token_end
),

linked as (
    select
        *,
        -- "According to Macron, Paris could ...": a speaker is not coordinated with the subject
        previous_token_end is not null and gap_tokens <= 6 and gap_blockers = 0
            and not coalesce(is_previous_a_speaker, false)
            and not is_speaker_after_comma as is_linked_to_previous
    from with_gap_blockers
),

chained as (
    select
        article_id,
        paragraph_no,
        sentence_no,
        token_start,
        token_end,
        matched_text,
        actor_code,
        alias_kind,
        is_led_compound,
        is_object,
        is_speaker,
        is_linked_to_previous,
        is_followed_by_gerund,
        sum(case when is_linked_to_previous then 0 else 1 end) over (
            partition by article_id, sentence_no order by token_start
            rows between unbounded preceding and current row
        ) as chain_no
    from linked
),

final as (
    select
        *,
        -- a coordination opened by a preposition ("from the U.S. and its allies") is an object as a whole
        first_value(is_object) over (
            partition by article_id, sentence_no, chain_no order by token_start
        ) as is_chain_object
    from chained
)

select * from final
