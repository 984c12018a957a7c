-- intermediate.int_article_sizes
-- Grain: one row per article_id (every article, also one without sentences).
-- Purpose: an article's sentence count and body length for dim_articles, counted per article (an
-- incremental build computes them for new and changed articles only), so the dimension does not read
-- every sentence and every body of the archive at every build.
with

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

sentence_counts as (
    select article_id, count(*) as n_sentences
    from stg_sentences
    group by article_id
),

final as (
    select
        stg_articles.article_id,
        coalesce(sentence_counts.n_sentences, 0) as n_sentences,
        length(stg_articles.body) as body_chars
    from stg_articles
    left join sentence_counts
        on sentence_counts.article_id = stg_articles.article_id
)

select * from final
