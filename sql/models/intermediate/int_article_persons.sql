-- intermediate.int_article_persons
-- Grain: one row per (article_id, person_clean): a person whom the article introduces with a state and
-- a title ("Kenyan President William Ruto", "Spain's prime minister, Pedro Sánchez", "Foreign Minister
-- Wang Yi of China"), under the full name and the surname.
-- Purpose: later mentions in the same article ("Ruto said", "Mr Sánchez", "the president", "the foreign
-- minister") resolve to that state, for any person in any country, without a hand list of office
-- holders. A name or title that two states claim in one article links to neither.
-- The two patterns are set once at the top and written into the SQL as constants (compiled once; a
-- pattern read from a column compiles again for every row): anchor (a state's name or demonym), title,
-- name - "Kenyan President William Ruto"; title, name, "of" anchor - "Foreign Minister Wang Yi of China".
-- Title words are case-insensitive, names capitalised; the anchor takes a second word only when it must
-- ("South African President", but "Indian Prime Minister", not "Indian Prime").
{% set person_anchor_title_name %}'(\p{Lu}[\pL''’.-]+(?: \p{Lu}[\pL''’.-]+)??),? (?i:(?:(?:deputy|vice|former|then|acting|foreign|defen[cs]e|finance|interior|prime|crown|army|military|state|senior|top|chief)[ -])*(?:president|prime minister|minister|chancellor|premier|leader|king|emir|sultan|prince|general|secretary|ambassador|envoy|spokes(?:man|woman|person)|commander|head of state|head of government|junta leader|ruler|monarch))(?: (?i:of (?:state|defen[cs]e|foreign affairs|the armed forces)))?,? ((?:\p{Lu}[\pL''’-]+ ){0,2}\p{Lu}[\pL''’-]+)'{% endset %}
{% set person_title_name_anchor %}'(?i:(?:(?:deputy|vice|former|then|acting|foreign|defen[cs]e|finance|interior|prime|crown|army|military|state|senior|top|chief)[ -])*(?:president|prime minister|minister|chancellor|premier|leader|king|emir|sultan|prince|general|secretary|ambassador|envoy|spokes(?:man|woman|person)|commander|head of state|head of government|junta leader|ruler|monarch)),? ((?:\p{Lu}[\pL''’-]+ ){0,2}\p{Lu}[\pL''’-]+),? of (?:the )?(\p{Lu}[\pL''’.-]+(?: \p{Lu}[\pL''’.-]+)?)'{% endset %}

with

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

stg_actor_aliases as (
    select * from {{ ref('stg_actor_aliases') }}
),

actors as (
    select * from {{ source('lexicon', 'actors') }}
),

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
),

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
),

-- only sentences that hold a title word are searched
titled_sentences as (
    select stg_sentences.*
    from stg_sentences
    where regexp_matches(
        sentence_lc,
        '\b(?:president|minister|chancellor|premier|leader|king|emir|sultan|prince|general|secretary|ambassador|envoy|spokes|commander|head of|ruler|monarch)'
    )
),

anchor_first as (
    select
        titled_sentences.article_id,
        titled_sentences.sentence_no,
        unnest(regexp_extract_all(titled_sentences.sentence, {{ person_anchor_title_name }})) as intro_text,
        'anchor_title_name' as link_rule
    from titled_sentences
),

anchor_last as (
    select
        titled_sentences.article_id,
        titled_sentences.sentence_no,
        unnest(regexp_extract_all(titled_sentences.sentence, {{ person_title_name_anchor }})) as intro_text,
        'title_name_anchor' as link_rule
    from titled_sentences
),

introductions as (
    select
        article_id,
        sentence_no,
        intro_text,
        link_rule,
        regexp_extract(intro_text, {{ person_anchor_title_name }}, 1) as anchor_text,
        regexp_replace(regexp_extract(intro_text, {{ person_anchor_title_name }}, 2), '[''’]s$', '')
            as person_name
    from anchor_first
    union all
    select
        article_id,
        sentence_no,
        intro_text,
        link_rule,
        regexp_extract(intro_text, {{ person_title_name_anchor }}, 2) as anchor_text,
        regexp_replace(regexp_extract(intro_text, {{ person_title_name_anchor }}, 1), '[''’]s$', '')
            as person_name
    from anchor_last
),

-- the anchor normalised as aliases are ("Spain's" -> "spain"), joined to states' names and demonyms
anchored as (
    select
        introductions.*,
        stg_actor_aliases.actor_code
    from introductions
    inner join stg_actor_aliases
        on stg_actor_aliases.alias_norm = strip_accents(lower(regexp_replace(
            replace(introductions.anchor_text, '’', ''''), '''s$', '')))
        and stg_actor_aliases.alias_kind in ('name', 'demonym')
    inner join actors
        on actors.actor_code = stg_actor_aliases.actor_code
        and actors.actor_kind = 'state'
),

-- the title as written between anchor and name ("prime minister"), or before the name
titled as (
    select
        anchored.*,
        lower(trim(regexp_replace(
            case when link_rule = 'anchor_title_name'
                 then substr(intro_text, length(anchor_text) + 1, length(intro_text) - length(anchor_text) - length(person_name))
                 else substr(intro_text, 1, strpos(intro_text, person_name) - 1) end,
            '^[''’]s|[,\s]+$|^[,\s]+', '', 'g'))) as title
    from anchored
),

-- the full name and the surname ("William Ruto", "Ruto") match with their capitals; the title with
-- "the" ("the president", "the foreign minister", "the minister") in any case
name_forms as (
    select article_id, sentence_no, intro_text, link_rule, actor_code, person_name as person_clean, true as is_case_sensitive
    from titled
    union
    select article_id, sentence_no, intro_text, link_rule, actor_code,
           regexp_extract(person_name, '(\S+)$', 1), true
    from titled
    union
    select article_id, sentence_no, intro_text, link_rule, actor_code, 'the ' || title, false
    from titled
    where title <> ''
    union
    select article_id, sentence_no, intro_text, link_rule, actor_code, 'the ' || regexp_extract(title, '(\S+)$', 1), false
    from titled
    where title <> ''
),

-- "The president, Gustavo Petro ... Petro said": a person the lexicon knows by the full name is known
-- by the surname in an article that names him or her in full (a surname that is also a common word or
-- a family name many share is left out: Theresa May, Manmohan Singh, Kim Jong Un)
known_people as (
    select distinct
        sentences.article_id,
        sentences.sentence_no,
        sentences.sentence as intro_text,
        'known_full_name' as link_rule,
        full_names.actor_code,
        full_names.surname_clean as person_clean,
        true as is_case_sensitive
    from (
        select
            actor_code,
            alias_clean,
            regexp_extract(alias_clean, '(\S+)$', 1) as surname_clean,
            regexp_extract(alias_norm, '(\S+)$', 1) as surname_norm
        from stg_actor_aliases
        where alias_kind = 'person' and n_tokens > 1
    ) as full_names
    inner join int_sentence_tokens as tokens
        on tokens.token_norm = full_names.surname_norm
    inner join stg_sentences as sentences
        on sentences.article_id = tokens.article_id
        and sentences.sentence_no = tokens.sentence_no
        and contains(sentences.sentence, full_names.alias_clean)
    where full_names.surname_norm not in (select word from grammar_words where word_list = 'surnames_not_alone')
),

final as (
    select
        article_id,
        person_clean,
        strip_accents(lower(person_clean)) as person_norm,
        len(string_split(person_clean, ' ')) as n_tokens,
        bool_and(is_case_sensitive) as is_case_sensitive,
        any_value(actor_code) as actor_code,
        min(sentence_no) as intro_sentence_no,
        -- the first sentence that introduces the person; in one sentence, an introduction with a title
        -- ("anchor_title_name", "title_name_anchor") before a known full name; text and rule from one row
        arg_min(intro_text, (sentence_no, link_rule = 'known_full_name', link_rule, intro_text)) as intro_text,
        arg_min(link_rule, (sentence_no, link_rule = 'known_full_name', link_rule, intro_text)) as link_rule
    from (select * from name_forms union all select article_id, sentence_no, intro_text, link_rule, actor_code, person_clean, is_case_sensitive from known_people)
    where person_clean <> ''
    group by article_id, person_clean
    having count(distinct actor_code) = 1
)

select * from final
