-- intermediate.int_sentence_quantities
-- Grain: one row per (article_id, sentence_no, quantity_no): an amount stated in a sentence.
-- Purpose: quantities as written and as numbers: "several thousand" troops, "15,000-30,000",
-- "800,000 men", "€2bn", "2 billion euros", "more than $98 billion", "1.6 billion pounds ($2
-- billion)", "30 F-16 fighter jets". Currencies become ISO codes; vague amounts keep their text
-- and no value. The patterns are constants (formats, not vocabulary), so each compiles once.
with

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

int_sentence_tokens as (
    select distinct article_id, sentence_no from {{ ref('int_sentence_tokens') }}
),

quantity_units as (
    select * from {{ source('lexicon', 'quantity_units') }}
),

extractable_sentences as (
    select stg_sentences.*
    from stg_sentences
    inner join int_sentence_tokens
        on int_sentence_tokens.article_id = stg_sentences.article_id
        and int_sentence_tokens.sentence_no = stg_sentences.sentence_no
),

raw_matches as (
    select
        article_id,
        sentence_no,
        sentence_lc,
        unnest(regexp_extract_all(
            sentence_lc,
            '(?:(?:more than|over|up to|about|around|some|nearly|almost|at least|roughly|approximately) )?'
            || '(?:'
            -- money with a symbol before: €2bn, $98 billion, £1.6bn
            || '[€$£]\s?\d[\d,]*(?:\.\d+)?\s*(?:bn|billion|million|mn|m|trillion|tn|k)?\b'
            -- money with the currency after: 2 billion euros, 1.6 billion pounds, 60 billion yuan, 10 billion riyals
            -- (a currency without an ISO code below keeps its word as the unit; quantity_units.csv says it is money)
            || '|\d[\d,]*(?:\.\d+)?\s*(?:bn|billion|million|mn|trillion|tn|crores?|lakhs?)?\s*(?:canadian |australian |us |u\.s\. |american |new zealand )?(?:euros?|eur|dollars?|usd|pounds?(?: sterling)?|gbp|kroner|kronor|krone|yen|zloty|swiss francs|francs|cfa francs|' || 'yuan|renminbi|rupees|rupee|riyals|riyal|rials|rial|dirhams|dirham|dinars|dinar|naira|rand|shillings|shilling|won|rubles|ruble|roubles|rouble|lira|lire|pesos|peso|reais|marks|deutschmarks|guilders|pesetas|birr|cedis|taka|ringgit|baht|rupiah|kwacha|hryvnias|hryvnia)\b'
            -- people and units: several thousand troops, 15,000-30,000 soldiers, 800,000 men
            || '|(?:several|a few|tens of|hundreds of|thousands of|\d[\d,]*(?:\.\d+)?(?:\s*(?:-|–|to)\s*\d[\d,]*(?:\.\d+)?)?)'
            || '(?:\s*(?:thousand|hundred|million))?["“”'']?\s+(?:[a-z-]+\s+){0,2}?'
            || '(?:troops|soldiers|men|personnel|peace-?keepers|servicemen|service members|instructors|military personnel|boots)\b'
            -- equipment: 30 f-16 fighter jets, 12 patriot systems
            || '|\d[\d,]*\s+(?:[a-z0-9-]+\s+){0,2}?(?:jets|aircraft|tanks|missiles|drones|shells|rounds|launchers|helicopters|vehicles|howitzers|batteries|systems|warships|ships)\b'
            || ')'
        )) as quantity_lc
    from extractable_sentences
),

numbered as (
    select
        *,
        row_number() over (partition by article_id, sentence_no order by strpos(sentence_lc, quantity_lc)) - 1
            as quantity_no,
        strpos(sentence_lc, quantity_lc) as quantity_offset
    from raw_matches
),

parsed as (
    select
        *,
        case
            when regexp_matches(quantity_lc, '€|\beuros?\b|\beur\b') then 'EUR'
            when regexp_matches(quantity_lc, '\bcanadian dollars?\b|c\$') then 'CAD'
            when regexp_matches(quantity_lc, '\baustralian dollars?\b|a\$') then 'AUD'
            when regexp_matches(quantity_lc, '\$|\bdollars?\b|\busd\b') then 'USD'
            when regexp_matches(quantity_lc, '£|\bpounds?\b|\bgbp\b') then 'GBP'
            when regexp_matches(quantity_lc, '\byen\b') then 'JPY'
            when regexp_matches(quantity_lc, '\bzloty\b') then 'PLN'
            when regexp_matches(quantity_lc, '\bkron(?:er|or|e)\b') then 'NOK/SEK/DKK'
            when regexp_matches(quantity_lc, '\bfrancs\b') then 'CHF'
            when regexp_matches(quantity_lc, '\b(?:troops|soldiers|men|peace-?keepers|servicemen|service members|boots)\b') then 'troops'
            when regexp_matches(quantity_lc, '\b(?:personnel|instructors|military personnel)\b') then 'personnel'
            else regexp_extract(quantity_lc, '([a-z]+)$', 1)
        end as quantity_unit,
        try_cast(replace(regexp_extract(quantity_lc, '(\d[\d,]*(?:\.\d+)?)', 1), ',', '') as double) as base_number,
        case
            when regexp_matches(quantity_lc, '\d\s*(?:trillion|tn)\b') then 1e12
            when regexp_matches(quantity_lc, '\d\s*(?:billion|bn)\b') then 1e9
            when regexp_matches(quantity_lc, '\d\s*(?:million|mn|m)\b') then 1e6
            when regexp_matches(quantity_lc, '\d\s*crores?\b') then 1e7
            when regexp_matches(quantity_lc, '\d\s*lakhs?\b') then 1e5
            when regexp_matches(quantity_lc, '\d\s*(?:thousand|k)\b') then 1e3
            when regexp_matches(quantity_lc, '\d\s*hundred\b') then 1e2
            else 1
        end as multiplier
    from numbered
),

final as (
    select
        article_id,
        sentence_no,
        quantity_no,
        trim(replace(replace(replace(quantity_lc, '"', ''), '“', ''), '”', '')) as quantity_text,
        base_number * multiplier as quantity_value,
        parsed.quantity_unit,
        -- the unit's family (sql/seeds/quantity_units.csv); any other unit counts pieces of equipment
        coalesce(quantity_units.unit_family, 'equipment') as unit_family,
        case when trim(regexp_extract(substr(sentence_lc, 1, quantity_offset - 1), '(.*\S)', 1)) = '' then 0
             else len(string_split_regex(trim(substr(sentence_lc, 1, quantity_offset - 1)), '\s+'))
        end as quantity_position
    from parsed
    left join quantity_units
        on quantity_units.quantity_unit = parsed.quantity_unit
)

select * from final
