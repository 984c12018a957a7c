-- intermediate.int_actor_mentions
-- Grain: one row per (article_id, sentence_no, token_start): a span of tokens that names an actor
-- (through lexicon.actor_aliases) or a pronoun that may stand for one.
-- Purpose: who is mentioned where, and in what role: a place ("the summit in Paris"), an object
-- ("send troops to Ukraine"), a speaker ("Macron said"), a leader ("US-led").
-- Every rule here looks inside one sentence, so the model runs over articles in chunks of about
-- two million tokens (by a hash of article_id): its windows and self-joins then need the same
-- memory at any corpus size (in one piece, 22 million tokens did not fit a 768 MB build).
{{ config(materialized='for_each', for_each='int_sentence_token_chunks') }}
-- depends_on: {{ ref('int_sentence_token_chunks') }}

with

int_sentence_tokens as (
    select *
    from {{ ref('int_sentence_tokens') }}
    where {{ in_chunk('article_id') }}
),

stg_articles as (
    select article_id, published from {{ ref('stg_articles') }}
),

state_successions as (
    select
        successor_code,
        predecessor_code,
        coalesce(try_cast(since as date), date '0001-01-01') as since,
        cast(until as date) as until
    from {{ source('lexicon', 'state_successions') }}
),

stg_actor_aliases as (
    select * from {{ ref('stg_actor_aliases') }}
),

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
),

-- people the article itself introduces with a state ("Kenyan President William Ruto")
int_article_persons as (
    select *
    from {{ ref('int_article_persons') }}
    where {{ in_chunk('article_id') }}
),

-- the next four tokens of every token, for n-grams of up to five tokens
token_windows as (
    select
        article_id,
        sentence_no,
        token_no,
        match_norm as norm_1,
        lead(match_norm, 1) over sentence_order as norm_2,
        lead(match_norm, 2) over sentence_order as norm_3,
        lead(match_norm, 3) over sentence_order as norm_4,
        lead(match_norm, 4) over sentence_order as norm_5,
        match_clean as clean_1,
        lead(match_clean, 1) over sentence_order as clean_2,
        lead(match_clean, 2) over sentence_order as clean_3,
        lead(match_clean, 3) over sentence_order as clean_4,
        lead(match_clean, 4) over sentence_order as clean_5,
        lead(is_possessive, 1) over sentence_order as is_possessive_2,
        lead(is_possessive, 2) over sentence_order as is_possessive_3
    from int_sentence_tokens
    window sentence_order as (partition by sentence_key order by token_no)
),

-- an n-gram can only match if it starts like an alias (or a pronoun phrase) does
possible_first_tokens as (
    select distinct split_part(alias_norm, ' ', 1) as first_token from stg_actor_aliases
    union
    select distinct split_part(person_norm, ' ', 1) from int_article_persons
    union
    select unnest(['we', 'i', 'he', 'she', 'they', 'it', 'both', 'the', 'his', 'her', 'my', 'our'])
),

candidate_starts as (
    select token_windows.*
    from token_windows
    semi join possible_first_tokens
        on possible_first_tokens.first_token = token_windows.norm_1
),

ngram_sizes as (
    select unnest(range(1, 6)) as n
),

ngrams as (
    select
        candidate_starts.article_id,
        candidate_starts.sentence_no,
        candidate_starts.token_no as token_start,
        candidate_starts.token_no + ngram_sizes.n - 1 as token_end,
        case ngram_sizes.n
            when 1 then norm_1
            when 2 then concat_ws(' ', norm_1, norm_2)
            when 3 then concat_ws(' ', norm_1, norm_2, norm_3)
            when 4 then concat_ws(' ', norm_1, norm_2, norm_3, norm_4)
            else concat_ws(' ', norm_1, norm_2, norm_3, norm_4, norm_5)
        end as ngram_norm,
        case ngram_sizes.n
            when 1 then clean_1
            when 2 then concat_ws(' ', clean_1, clean_2)
            when 3 then concat_ws(' ', clean_1, clean_2, clean_3)
            when 4 then concat_ws(' ', clean_1, clean_2, clean_3, clean_4)
            else concat_ws(' ', clean_1, clean_2, clean_3, clean_4, clean_5)
        end as ngram_clean,
        is_possessive_2,
        is_possessive_3
    from candidate_starts
    cross join ngram_sizes
    -- the n-gram must not run past the end of the sentence
    where (ngram_sizes.n < 2 or norm_2 is not null)
        and (ngram_sizes.n < 3 or norm_3 is not null)
        and (ngram_sizes.n < 4 or norm_4 is not null)
        and (ngram_sizes.n < 5 or norm_5 is not null)
),

alias_matches as (
    select
        ngrams.article_id,
        ngrams.sentence_no,
        ngrams.token_start,
        ngrams.token_end,
        ngrams.ngram_clean as matched_text,
        stg_actor_aliases.actor_code,
        stg_actor_aliases.alias_kind
    from ngrams
    inner join stg_actor_aliases
        on stg_actor_aliases.alias_norm = ngrams.ngram_norm
    where not stg_actor_aliases.is_case_sensitive
        or stg_actor_aliases.alias_clean = ngrams.ngram_clean
),

pronoun_matches as (
    select
        article_id,
        sentence_no,
        token_start,
        token_end,
        ngram_clean as matched_text,
        null as actor_code,
        case when ngram_norm in ('we', 'i') or ngram_norm like 'my %' or ngram_norm like 'our %' then 'pronoun_first'
             else 'pronoun_third' end as alias_kind
    from ngrams
    where ngram_norm in (
        'we', 'i', 'he', 'she', 'they', 'it', 'both countries', 'the two countries', 'both nations',
        'the two nations', 'both leaders', 'the two leaders', 'both sides', 'the two sides', 'both governments',
        -- "Lula said his country will not ...": the speaker's state
        'his country', 'her country', 'his government', 'her government', 'my country', 'our country',
        'my government', 'our government',
        -- "According to Kenya's defence minister, the country will send ...": the state named before
        'the country', 'the island nation', 'the kingdom'
    )
        -- "confined to the country's military base": a possessive "the country's" is the host, not the antecedent
        and not (ngram_norm in ('the country', 'the kingdom') and coalesce(is_possessive_2, false))
        and not (ngram_norm = 'the island nation' and coalesce(is_possessive_3, false))
),

-- "Ruto said", "Mr Sánchez": a name the article introduced, matched with its capitals
article_person_matches as (
    select
        ngrams.article_id,
        ngrams.sentence_no,
        ngrams.token_start,
        ngrams.token_end,
        ngrams.ngram_clean as matched_text,
        int_article_persons.actor_code,
        'person' as alias_kind
    from ngrams
    inner join int_article_persons
        on int_article_persons.article_id = ngrams.article_id
        and int_article_persons.person_norm = ngrams.ngram_norm
        and (not int_article_persons.is_case_sensitive or int_article_persons.person_clean = ngrams.ngram_clean)
),

all_matches as (
    select * from alias_matches
    union all
    select * from article_person_matches
    union all
    select * from pronoun_matches
),

longest_per_start as (
    select *
    from all_matches
    qualify row_number() over (
        partition by article_id, sentence_no, token_start
        order by token_end desc, actor_code nulls last
    ) = 1
),

-- overlapping spans: the longer one wins ("Coalition of the Willing" over "the coalition"),
-- at equal length the earlier one
not_overlapped as (
    select *
    from longest_per_start as candidate
    where not exists (
        select 1
        from longest_per_start as rival
        where rival.article_id = candidate.article_id
            and rival.sentence_no = candidate.sentence_no
            and rival.token_start <> candidate.token_start
            and rival.token_start <= candidate.token_end
            and rival.token_end >= candidate.token_start
            and (
                rival.token_end - rival.token_start > candidate.token_end - candidate.token_start
                or (rival.token_end - rival.token_start = candidate.token_end - candidate.token_start
                    and rival.token_start < candidate.token_start)
            )
    )
),

with_context as (
    select
        not_overlapped.*,
        first_token.is_led_compound,
        first_token.is_possessive or last_token.is_possessive as is_possessive,
        first_token.has_agent_noun_ahead or last_token.has_agent_noun_ahead as has_agent_noun_ahead,
        first_token.paragraph_no,
        prev_1.token_norm as prev_1_norm,
        prev_2.token_norm as prev_2_norm,
        prev_1.token_raw as prev_1_raw,
        next_1.token_norm as next_1_norm,
        next_1.token_raw as next_1_raw,
        last_token.token_raw as last_raw,
        next_2.token_norm as next_2_norm,
        -- the word before the mention, looking past one determiner ("members of the coalition")
        case
            when prev_1.token_norm in (select word from grammar_words where word_list = 'determiners_and_regions')
                then prev_2.token_norm
            else prev_1.token_norm
        end as governing_word
    from not_overlapped
    inner join int_sentence_tokens as first_token
        on first_token.article_id = not_overlapped.article_id
        and first_token.sentence_no = not_overlapped.sentence_no
        and first_token.token_no = not_overlapped.token_start
    inner join int_sentence_tokens as last_token
        on last_token.article_id = not_overlapped.article_id
        and last_token.sentence_no = not_overlapped.sentence_no
        and last_token.token_no = not_overlapped.token_end
    left join int_sentence_tokens as prev_1
        on prev_1.article_id = not_overlapped.article_id
        and prev_1.sentence_no = not_overlapped.sentence_no
        and prev_1.token_no = not_overlapped.token_start - 1
    left join int_sentence_tokens as prev_2
        on prev_2.article_id = not_overlapped.article_id
        and prev_2.sentence_no = not_overlapped.sentence_no
        and prev_2.token_no = not_overlapped.token_start - 2
    left join int_sentence_tokens as next_1
        on next_1.article_id = not_overlapped.article_id
        and next_1.sentence_no = not_overlapped.sentence_no
        and next_1.token_no = not_overlapped.token_end + 1
    left join int_sentence_tokens as next_2
        on next_2.article_id = not_overlapped.article_id
        and next_2.sentence_no = not_overlapped.sentence_no
        and next_2.token_no = not_overlapped.token_end + 2
),

roles as (
    select
        *,
        alias_kind in ('capital', 'name', 'metonym') and not is_led_compound and (
            -- a dateline: "BARI, Italy – Ukraine and Japan signed ..."
            (token_start <= 3 and coalesce(next_1_raw, '') in ('–', '—', '-', '(AP)', '(Reuters)', '(AFP)')
             and regexp_matches(coalesce(prev_1_raw, ''), '^\p{Lu}[\p{Lu} .-]+,$'))
            or
            coalesce(governing_word, '') in (select word from grammar_words where word_list = 'place_governors')
            or coalesce(next_1_norm, '') in (select word from grammar_words where word_list = 'place_followers')
        ) as is_place_use,
        (coalesce(governing_word, '') in (select word from grammar_words where word_list in ('object_governors', 'giving_verbs'))
         or regexp_matches(coalesce(governing_word, ''), '^\w{3,}ing$'))
            -- "the government of Kenya will send": a state after an agent noun and "of" is that agent's
            -- state ("the allies of Ukraine" are not Ukraine: relational nouns keep their object)
            and not (prev_1_norm = 'of'
                     and coalesce(prev_2_norm, '') in (select word from grammar_words where word_list = 'agent_nouns')
                     and coalesce(prev_2_norm, '') not in (select word from grammar_words where word_list = 'relational_nouns'))
            as is_object,
        alias_kind like 'pronoun%' as is_pronoun,
        (coalesce(next_1_norm, '') in (select word from grammar_words where word_list = 'reporting_verbs')
          or (coalesce(next_2_norm, '') in (select word from grammar_words where word_list = 'reporting_verbs_after_adverb')
              and coalesce(next_1_norm, '') in (select word from grammar_words where word_list = 'reporting_adverbs'))
          or (coalesce(prev_1_norm, '') = 'to' and coalesce(prev_2_norm, '') = 'according')
          -- "..., said Macron": inverted speech; "Starmer said Britain and France would ...": the subject
          -- of the reported clause, which goes on with a verb or a conjunction
          -- (a mention that opens its sentence has no word before it: coalesced, so the flag is never null)
          or (coalesce(prev_1_norm, '') in (select word from grammar_words where word_list = 'reporting_before_speaker')
              and coalesce(next_1_norm, '') not in (select word from grammar_words where word_list = 'clause_continuers'))
        ) as is_speaker
    from with_context
),

final as (
    select
        roles.article_id,
        paragraph_no,
        sentence_no,
        token_start,
        token_end,
        matched_text,
        -- "Moscow agreed" in an article of 1980 is the Soviet Union: a state's names stand for the state it
        -- succeeded in articles published before the succession (lexicon.state_successions)
        coalesce(state_successions.predecessor_code, roles.actor_code) as actor_code,
        alias_kind,
        is_pronoun,
        is_led_compound,
        is_possessive,
        is_place_use,
        is_object or is_place_use or (is_possessive and not has_agent_noun_ahead) as is_object,
        is_speaker,
        governing_word,
        -- "in response to France and the UK promising to send": an object that is a gerund's subject
        -- (not across a comma: "a mission in Haiti, sending 1,000 police" is the sentence subject's)
        regexp_matches(coalesce(next_1_norm, ''), '^\w{3,}ing$') and not regexp_matches(last_raw, '[,;:]$')
            as is_followed_by_gerund
    from roles
    left join stg_articles
        on stg_articles.article_id = roles.article_id
    left join state_successions
        on state_successions.successor_code = roles.actor_code
        and cast(stg_articles.published as date) >= state_successions.since
        and cast(stg_articles.published as date) < state_successions.until
    -- a demonym names an actor only as an agent ("German forces", "the French president"),
    -- never as a plain adjective ("a Ukrainian settlement")
    where not (alias_kind = 'demonym' and not has_agent_noun_ahead)
        -- a capital used as a place ("the summit in Paris", "the Paris meeting") is no actor at all
        and not (is_place_use and alias_kind = 'capital')
)

select * from final
