-- intermediate.int_article_sentence_hashes
-- Grain: one row per (article_id, sentence_hash): each distinct substantive sentence of an article.
-- Purpose: what int_articles_near_duplicates compares. A substantive sentence has 40+ characters; its
-- hash is the md5 of its lowercase text with every run of punctuation and spaces made one space, so
-- "FRANCE will send troops -- once" and "France will send troops once" are one sentence. Per article
-- (an incremental build computes it for new and changed articles only), so the regex runs once per
-- article rather than over the whole archive at every build.
with

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

final as (
    select distinct
        article_id,
        md5(trim(regexp_replace(sentence_lc, '[^[:alnum:]]+', ' ', 'g'))) as sentence_hash
    from stg_sentences
    where length(sentence) >= 40
)

select * from final
