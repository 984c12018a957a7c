-- marts.fct_commitments
-- Grain: one row per (actor_code, commitment_type, beneficiary_code), consolidated over all mentions.
-- Stance: that of the most recently published supporting mentions (undated count as oldest); among
-- equally recent ones declined/opposed beats committed beats conditional. Counts: n_articles counts
-- distinct articles with a syndicated copy folded into its original; n_sources counts distinct
-- publishers (an article of unknown publisher counts as its own source).
with

fct_commitment_mentions as (
    select * from {{ ref('fct_commitment_mentions') }}
),

dim_articles as (
    select * from {{ ref('dim_articles') }}
),

actors as (
    select * from {{ source('lexicon', 'actors') }}
),

stances as (
    select * from {{ source('lexicon', 'stances') }}
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

mentions_ranked as (
    select
        *,
        -- the most specific quantity, then the latest; the latest and firmest statement as evidence,
        -- an original article's sentence before a syndicated copy's, an article's earlier sentence first
        (quantity_specificity, coalesce(epoch(published), 0), -sentence_no, mention_id) as quantity_key,
        (stance_score, not is_from_duplicate_article, -sentence_no, mention_id) as evidence_key
    from mentions_scored
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
        -- every choice below has a total order (the mention_id last), so that a build gives the same row
        -- every time and the three quantity columns, and the evidence and its id, come from one mention
        arg_max(quantity_text, quantity_key) filter (where quantity_text is not null) as quantity_text,
        arg_max(quantity_value, quantity_key) filter (where quantity_text is not null) as quantity_value,
        arg_max(quantity_unit, quantity_key) filter (where quantity_text is not null) as quantity_unit,
        arg_max(condition_text, (length(condition_text), condition_text))
            filter (where condition_text is not null) as condition_text,
        arg_max(evidence, evidence_key) as evidence,
        arg_max(mention_id, evidence_key) as evidence_mention_id,
        string_agg(distinct commitment_rule_ids, '+' order by commitment_rule_ids) as rule_ids
    from mentions_ranked
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

select * from final
