-- intermediate.int_sentence_tokens
-- Grain: one row per (article_id, sentence_no, token_no) of extractable (English) articles.
-- Tokens are whitespace-separated words; token_no is their 0-based position in the sentence.
-- Purpose: the positional backbone of extraction. Every later model speaks in token positions.
with

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

stg_articles as (
    select * from {{ ref('stg_articles') }}
),

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
),

extractable_sentences as (
    select
        stg_sentences.article_id,
        stg_sentences.paragraph_no,
        stg_sentences.sentence_no,
        -- one integer per sentence: windows over a sentence's tokens partition by it, which sorts faster
        -- than (article_id, sentence_no); a hash of the two, so a sentence keeps it from build to build: an
        -- incremental build computes new articles on their own and carries the others' rows forward, so a
        -- number given per build would repeat (the hash costs about 1 s per 1.8 million tokens of a full
        -- build); a collision would merge two sentences' windows, and the data test
        -- int_sentence_tokens__one_sentence_per_key fails such a build
        hash(stg_sentences.article_id, stg_sentences.sentence_no) as sentence_key,
        string_split_regex(trim(stg_sentences.sentence), '\s+') as raw_tokens
    from stg_sentences
    inner join stg_articles
        on stg_articles.article_id = stg_sentences.article_id
    where stg_articles.is_extractable
),

tokens as (
    select
        article_id,
        paragraph_no,
        sentence_no,
        sentence_key,
        unnest(raw_tokens) as token_raw,
        unnest(generate_series(0, len(raw_tokens) - 1)) as token_no
    from extractable_sentences
),

edges_stripped as (
    select
        *,
        -- most tokens are plain words, which the three replacements below leave as they are
        case when regexp_full_match(token_raw, '\w+') then token_raw else
            regexp_replace(
                regexp_replace(
                    regexp_replace(replace(token_raw, '’', ''''), '^[^\w]+|[^\w]+$', '', 'g'),
                    '''s$', ''
                ),
                '[^\w]+$', ''
            )
        end as token_clean,
        -- a possessive needs an apostrophe: the pattern runs only where there is one
        (contains(token_raw, '''') or contains(token_raw, '’'))
            and regexp_matches(replace(token_raw, '’', ''''), '\w''s\W*$') as is_possessive
    from tokens
),

normalised as (
    select
        *,
        strip_accents(lower(token_clean)) as token_norm,
        -- only a hyphenated token can be "X-led" (the extraction gives '' for every other token)
        case when contains(token_clean, '-') then regexp_extract(
            token_norm, '^(.+?)-(?:led|backed|brokered|sponsored|drafted|run|supported)$', 1
        ) else '' end as led_base
    from edges_stripped
),

classified as (
    select
        *,
        led_base <> '' as is_led_compound,
        case when led_base <> '' then regexp_replace(led_base, '[^\w]+$', '') else token_norm end as match_norm,
        case
            when led_base <> '' then regexp_replace(regexp_extract(token_clean, '^(.+?)-[A-Za-z]+$', 1), '[^\w]+$', '')
            else token_clean
        end as match_clean,
        regexp_matches(token_clean, '^[A-ZÀ-ÖØ-Þ]') as is_capitalised,
        -- "Kenyan troops", "Kenya's president"; and "Kenya's decision to send", "the Kenyan offer to"
        token_norm in (select word from grammar_words where word_list in ('agent_nouns', 'act_nouns')) as is_agent_noun,
        token_norm in (select word from grammar_words where word_list = 'filler_words') as is_filler_word
    from normalised
),

with_context as (
    select
        *,
        min(case when is_agent_noun then token_no end) over sentence_ahead as next_agent_no,
        min(case when not (is_agent_noun or is_filler_word or is_capitalised) then token_no end)
            over sentence_ahead as next_blocker_no,
        -- words that may stand between two coordinated actors ("France and the United Kingdom",
        -- "Macron, UK Prime Minister Keir Starmer and ..."): a running count of the others
        sum(case
            -- a dash ends a coordination ("NAIROBI, Kenya – Uganda and Tanzania")
            when token_raw in ('–', '—', '-') then 1
            when is_capitalised or token_norm = ''
                or token_norm in (select word from grammar_words where word_list = 'coordination_links') then 0
            else 1
        end) over (partition by sentence_key order by token_no
                   rows between unbounded preceding and current row) as n_link_blockers_through
    from classified
    window sentence_ahead as (
        partition by sentence_key order by token_no rows between 1 following and 4 following
    )
),

final as (
    select
        article_id,
        paragraph_no,
        sentence_no,
        sentence_key,
        token_no,
        token_raw,
        token_clean,
        token_norm,
        match_norm,
        match_clean,
        is_possessive,
        is_led_compound,
        is_capitalised,
        is_agent_noun,
        next_agent_no is not null and (next_blocker_no is null or next_agent_no < next_blocker_no)
            as has_agent_noun_ahead,
        n_link_blockers_through
    from with_context
)

select * from final
