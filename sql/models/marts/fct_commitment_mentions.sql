-- marts.fct_commitment_mentions
-- Grain: one row per (article_id, sentence_no, actor_code, commitment_type): the atomic, evidence-level
-- fact. Every row carries its evidence sentence verbatim and the rules that produced it.
-- intermediate.int_commitment_mentions finds the facts article by article; this adds what depends on
-- the other articles (dim_articles: the file, date and publisher, the original of a copy).
-- Incremental: in an incremental build only the articles macro refresh_articles_from_dimension names
-- (new, changed and removed articles, and those whose dim_articles columns here changed) are computed
-- again; a full build computes every article. tests/test_incremental.py compares both.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ refresh_articles_from_dimension([
        ('source_file', 'dim_articles.source_file'),
        ('published', 'dim_articles.published'),
        ('publisher', 'dim_articles.publisher'),
        ('canonical_article_id', 'dim_articles.canonical_article_id'),
        ('is_from_duplicate_article', 'dim_articles.duplicate_of is not null'),
    ]) }}"
) }}
with

int_commitment_mentions as (
    select * from {{ ref('int_commitment_mentions') }}
),

dim_articles as (
    select * from {{ ref('dim_articles') }}
),

final as (
    select
        mentions.mention_id,
        mentions.article_id,
        dim_articles.source_file,
        mentions.sentence_no,
        mentions.paragraph_no,
        mentions.actor_code,
        mentions.commitment_type,
        mentions.stance,
        mentions.beneficiary_code,
        mentions.beneficiary_method,
        mentions.condition_text,
        mentions.quantity_value,
        mentions.quantity_text,
        mentions.quantity_unit,
        mentions.evidence,
        mentions.rule_id,
        mentions.commitment_rule_ids,
        mentions.stance_rule_ids,
        mentions.condition_rule_id,
        mentions.attribution_method,
        mentions.dependency_path,
        mentions.cue_text,
        dim_articles.published,
        dim_articles.publisher,
        dim_articles.canonical_article_id,
        dim_articles.duplicate_of is not null as is_from_duplicate_article
    from int_commitment_mentions as mentions
    inner join dim_articles
        on dim_articles.article_id = mentions.article_id
    {% if is_incremental() -%}
    where mentions.article_id in (select article_id from temp.articles_to_refresh)
    {%- endif %}
)

select * from final
