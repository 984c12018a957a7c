-- staging.stg_sentences
-- Grain: one row per (article_id, sentence_no); sentence_no is the 0-based position of the
-- sentence in the cleaned article. Purpose: sentences as split at load time, plus the
-- lower-cased, apostrophe-normalised text that cue patterns are matched against.
with

raw_sentences as (
    select * from {{ source('raw', 'sentences') }}
),

final as (
    select
        article_id,
        paragraph_no,
        sentence_no,
        sentence,
        replace(lower(sentence), '’', '''') as sentence_lc
    from raw_sentences
)

select * from final
