-- marts.dim_articles
-- Grain: one row per article_id. Purpose: the articles behind the facts: publisher, date, language,
-- whether extraction ran on it, and which earlier article it copies (duplicate_of).
with

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

int_article_sizes as (
    select * from {{ ref('int_article_sizes') }}
),

int_articles_near_duplicates as (
    select * from {{ ref('int_articles_near_duplicates') }}
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
        int_article_sizes.n_sentences,
        int_article_sizes.body_chars,
        int_articles_near_duplicates.duplicate_of,
        int_articles_near_duplicates.shared_sentence_share,
        coalesce(int_articles_near_duplicates.duplicate_of, stg_articles.article_id) as canonical_article_id
    from stg_articles
    left join int_article_sizes
        on int_article_sizes.article_id = stg_articles.article_id
    left join int_articles_near_duplicates
        on int_articles_near_duplicates.article_id = stg_articles.article_id
)

select * from final
