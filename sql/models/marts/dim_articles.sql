-- marts.dim_articles
-- Grain: one row per article_id. Purpose: the articles behind the facts: publisher, date, language,
-- whether extraction ran on it, and which earlier article it copies (duplicate_of).
with

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

int_articles_near_duplicates as (
    select * from {{ ref('int_articles_near_duplicates') }}
),

sentence_counts as (
    select article_id, count(*) as n_sentences
    from stg_sentences
    group by article_id
),

final as (
    select
        stg_articles.article_id,
        stg_articles.source_file,
        stg_articles.title,
        stg_articles.published,
        stg_articles.publisher,
        stg_articles.source_name,
        stg_articles.author,
        stg_articles.url,
        stg_articles.language,
        stg_articles.input_kind,
        stg_articles.is_extractable,
        coalesce(sentence_counts.n_sentences, 0) as n_sentences,
        length(stg_articles.body) as body_chars,
        int_articles_near_duplicates.duplicate_of,
        int_articles_near_duplicates.shared_sentence_share,
        coalesce(int_articles_near_duplicates.duplicate_of, stg_articles.article_id) as canonical_article_id
    from stg_articles
    left join sentence_counts
        on sentence_counts.article_id = stg_articles.article_id
    left join int_articles_near_duplicates
        on int_articles_near_duplicates.article_id = stg_articles.article_id
)

select * from final
