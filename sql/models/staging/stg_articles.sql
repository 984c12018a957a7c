-- staging.stg_articles
-- Grain: one row per article_id (stable hash of the cleaned body). An article that arrived as
-- several byte-different files with the same cleaned body is one article; its first file in path
-- order represents it. Purpose: the typed, renamed input of every later model.
with

raw_articles as (
    select * from {{ source('raw', 'articles') }}
),

renamed as (
    select
        article_id,
        source_file,
        title,
        body,
        try_cast(published as timestamp) as published,
        nullif(trim(source_name), '') as source_name,
        nullif(trim(url), '') as url,
        language,
        author,
        input_kind,
        raw_sha256,
        coalesce(
            nullif(trim(source_name), ''),
            regexp_extract(url, '^[a-z]+://(?:www\.)?([^/:?#]+)', 1)
        ) as publisher,
        -- the rules read English; Nigerian Pidgin ('pcm') is what the language model calls some short
        -- English news from West Africa ("The Nigerian Navy will patrol the Gulf of Guinea ..."), and
        -- an English-based creole the rules read as well, so it is extracted too
        coalesce(language, 'en') in ('en', 'pcm') as is_extractable,
        row_number() over (partition by article_id order by source_file) as copy_no
    from raw_articles
),

final as (
    select * exclude (copy_no, publisher),
        nullif(publisher, '') as publisher
    from renamed
    where copy_no = 1
)

select * from final
