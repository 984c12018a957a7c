-- marts.fct_commitments
-- Grain: one row per (actor_code, commitment_type, beneficiary_code), consolidated over all mentions.
-- Stance: that of the most recently published supporting mentions (undated count as oldest); among
-- equally recent ones declined/opposed beats committed beats conditional. Counts: n_articles counts
-- distinct articles with a syndicated copy folded into its original; n_sources counts distinct
-- publishers (an article of unknown publisher counts as its own source).
create or replace table marts.fct_commitments as
with

fct_commitment_mentions as (
    select * from marts.fct_commitment_mentions
),

dim_articles as (
    select * from marts.dim_articles
),

actors as (
    select * from lexicon.actors
),

stances as (
    select * from lexicon.stances
),

mentions_scored as (
    select
        fct_commitment_mentions.*,
        coalesce(original.publisher, 'article:' || fct_commitment_mentions.canonical_article_id) as source_key,
        -- recency first, then firmness: a later statement replaces an earlier one
        coalesce(epoch(fct_commitment_mentions.published), -1e12) * 10
            + stances.firmness_rank::integer
            as stance_score,
        (fct_commitment_mentions.quantity_value is not null)::integer * 2
            + (fct_commitment_mentions.quantity_text is not null)::integer as quantity_specificity
    from fct_commitment_mentions
    inner join dim_articles as original
        on original.article_id = fct_commitment_mentions.canonical_article_id
    inner join stances
        on stances.stance = fct_commitment_mentions.stance
),

consolidated as (
    select
        actor_code,
        commitment_type,
        beneficiary_code,
        arg_max(stance, stance_score) as stance,
        count(*) as n_mentions,
        count(distinct canonical_article_id) as n_articles,
        count(distinct source_key) as n_sources,
        min(published) as first_seen,
        max(published) as last_seen,
        arg_max(quantity_text, quantity_specificity * 1e13 + coalesce(epoch(published), 0))
            filter (where quantity_text is not null) as quantity_text,
        arg_max(quantity_value, quantity_specificity * 1e13 + coalesce(epoch(published), 0))
            filter (where quantity_text is not null) as quantity_value,
        arg_max(quantity_unit, quantity_specificity * 1e13 + coalesce(epoch(published), 0))
            filter (where quantity_text is not null) as quantity_unit,
        arg_max(condition_text, length(condition_text)) filter (where condition_text is not null) as condition_text,
        arg_max(evidence, stance_score) as evidence,
        arg_max(mention_id, stance_score) as evidence_mention_id,
        string_agg(distinct commitment_rule_ids, '+' order by commitment_rule_ids) as rule_ids
    from mentions_scored
    group by actor_code, commitment_type, beneficiary_code
),

final as (
    select
        md5(concat_ws('|', consolidated.actor_code, consolidated.commitment_type, consolidated.beneficiary_code))
            as commitment_id,
        consolidated.actor_code,
        actors.actor_name,
        actors.actor_kind,
        consolidated.commitment_type,
        consolidated.beneficiary_code,
        consolidated.stance,
        cast(consolidated.n_mentions as integer) as n_mentions,
        cast(consolidated.n_articles as integer) as n_articles,
        cast(consolidated.n_sources as integer) as n_sources,
        consolidated.first_seen,
        consolidated.last_seen,
        consolidated.quantity_text,
        consolidated.quantity_value,
        consolidated.quantity_unit,
        consolidated.condition_text,
        consolidated.evidence,
        consolidated.evidence_mention_id,
        consolidated.rule_ids
    from consolidated
    inner join actors
        on actors.actor_code = consolidated.actor_code
)

select * from final;
