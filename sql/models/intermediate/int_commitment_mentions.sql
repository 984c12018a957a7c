-- intermediate.int_commitment_mentions
-- Grain: one row per (article_id, sentence_no, actor_code, commitment_type): the evidence-level fact of
-- marts.fct_commitment_mentions without what the mart takes from dim_articles (file, date, publisher,
-- the original of a copy), which depends on other articles. Every row carries its evidence sentence
-- verbatim and the rules that produced it; an article's rows depend on that article alone (per_article).
with

int_commitment_stances as (
    select * from {{ ref('int_commitment_stances') }}
),

int_actor_mentions as (
    select * from {{ ref('int_actor_mentions') }}
),

int_sentence_conditions as (
    select * from {{ ref('int_sentence_conditions') }}
),

int_sentence_quantities as (
    select * from {{ ref('int_sentence_quantities') }}
),

stg_sentences as (
    select * from {{ ref('stg_sentences') }}
),

stances as (
    select * from {{ source('lexicon', 'stances') }}
),

commitment_type_units as (
    select * from {{ source('lexicon', 'commitment_type_units') }}
),

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
),

actors as (
    select * from {{ source('lexicon', 'actors') }}
),

mentions_per_actor_and_type as (
    select
        article_id,
        sentence_no,
        actor_code,
        commitment_type,
        -- within one sentence: refusal or opposition beats a pledge, a pledge beats a hedge
        -- (the stances' firmness_rank, sql/seeds/stances.csv)
        arg_max(int_commitment_stances.stance, stances.firmness_rank::integer) as stance,
        string_agg(distinct rule_id, '+' order by rule_id) as commitment_rule_ids,
        string_agg(distinct stance_rule_ids, '+' order by stance_rule_ids) as stance_rule_ids,
        string_agg(distinct attribution_method, '+' order by attribution_method) as attribution_method,
        string_agg(distinct dependency_path, ' | ' order by dependency_path) as dependency_path,
        string_agg(distinct cue_text, ' | ' order by cue_text) as cue_text,
        min(cue_start) as cue_start
    from int_commitment_stances
    inner join stances
        on stances.stance = int_commitment_stances.stance
    group by all
),

-- who the article is about: the actor most often named as an object ("to Ukraine", "for Kyiv"),
-- else the actor named most often
-- the article's main recipient: the actor most often named as the object of to/for/in/help...
-- (ranked, so that an actor is never its own fallback beneficiary)
article_recipients as (
    select
        article_id,
        actor_code as recipient_code,
        row_number() over (
            partition by article_id
            order by any_value(actors.actor_kind) = 'state' desc,
                     count(*) filter (where governing_word in (select word from grammar_words where word_list = 'recipient_governors')) desc,
                     actor_code
        ) as recipient_rank
    from int_actor_mentions
    inner join actors using (actor_code)
    where actor_code is not null
    group by article_id, actor_code
    having count(*) filter (where governing_word in (select word from grammar_words where word_list = 'recipient_governors')) > 0
),

fallback_beneficiaries as (
    select
        mentions_per_actor_and_type.article_id,
        mentions_per_actor_and_type.sentence_no,
        mentions_per_actor_and_type.actor_code,
        mentions_per_actor_and_type.commitment_type,
        article_recipients.recipient_code as beneficiary_code
    from mentions_per_actor_and_type
    inner join article_recipients
        on article_recipients.article_id = mentions_per_actor_and_type.article_id
        and article_recipients.recipient_code <> mentions_per_actor_and_type.actor_code
    qualify row_number() over (
        partition by mentions_per_actor_and_type.article_id, mentions_per_actor_and_type.sentence_no,
                     mentions_per_actor_and_type.actor_code, mentions_per_actor_and_type.commitment_type
        order by article_recipients.recipient_rank
    ) = 1
),

explicit_beneficiaries as (
    select
        mentions_per_actor_and_type.article_id,
        mentions_per_actor_and_type.sentence_no,
        mentions_per_actor_and_type.actor_code,
        mentions_per_actor_and_type.commitment_type,
        int_actor_mentions.actor_code as beneficiary_code,
        actors.actor_kind = 'state' as is_state
    from mentions_per_actor_and_type
    inner join int_actor_mentions
        on int_actor_mentions.article_id = mentions_per_actor_and_type.article_id
        and int_actor_mentions.sentence_no = mentions_per_actor_and_type.sentence_no
        and int_actor_mentions.token_start > mentions_per_actor_and_type.cue_start
        and int_actor_mentions.token_start <= mentions_per_actor_and_type.cue_start + 15
    -- "to Somalia", "for Mozambique", "in the DRC", "Niger's army", "train Mozambican soldiers",
    -- and the other party of an agreement ("an agreement with Ukraine")
    inner join actors
        on actors.actor_code = int_actor_mentions.actor_code
    where (
            int_actor_mentions.governing_word in (select word from grammar_words where word_list = 'beneficiary_governors')
            or (int_actor_mentions.is_possessive and int_actor_mentions.alias_kind <> 'person')
            or int_actor_mentions.alias_kind = 'demonym'
            or (mentions_per_actor_and_type.commitment_type = 'agreement'
                and int_actor_mentions.governing_word in (select word from grammar_words where word_list = 'agreement_party_governors'))
        )
        and not int_actor_mentions.is_speaker
        and int_actor_mentions.actor_code is not null
        and int_actor_mentions.actor_code <> mentions_per_actor_and_type.actor_code
    qualify row_number() over (
        partition by mentions_per_actor_and_type.article_id, mentions_per_actor_and_type.sentence_no,
                     mentions_per_actor_and_type.actor_code, mentions_per_actor_and_type.commitment_type
        -- a state before an organisation: troops "to AUSSOM" serve Somalia
        order by actors.actor_kind = 'state' desc, int_actor_mentions.token_start
    ) = 1
),

-- the parties of one agreement or guarantee benefit from each other ("A and B signed a pact")
co_parties as (
    select
        mine.article_id,
        mine.sentence_no,
        mine.actor_code,
        mine.commitment_type,
        other.actor_code as beneficiary_code
    from mentions_per_actor_and_type as mine
    inner join mentions_per_actor_and_type as other
        on other.article_id = mine.article_id
        and other.sentence_no = mine.sentence_no
        and other.commitment_type = mine.commitment_type
        and other.actor_code <> mine.actor_code
    where mine.commitment_type in ('agreement', 'security_guarantee')
    qualify row_number() over (
        partition by mine.article_id, mine.sentence_no, mine.actor_code, mine.commitment_type
        order by other.cue_start, other.actor_code
    ) = 1
),

matching_quantities as (
    select
        mentions_per_actor_and_type.article_id,
        mentions_per_actor_and_type.sentence_no,
        mentions_per_actor_and_type.actor_code,
        mentions_per_actor_and_type.commitment_type,
        int_sentence_quantities.quantity_text,
        int_sentence_quantities.quantity_value,
        int_sentence_quantities.quantity_unit
    from mentions_per_actor_and_type
    inner join int_sentence_quantities
        on int_sentence_quantities.article_id = mentions_per_actor_and_type.article_id
        and int_sentence_quantities.sentence_no = mentions_per_actor_and_type.sentence_no
    where abs(int_sentence_quantities.quantity_position - mentions_per_actor_and_type.cue_start) <= 12
        and (
        -- a quantity of a family the type can carry (sql/seeds/commitment_type_units.csv)
        exists (select 1 from commitment_type_units
                where commitment_type_units.commitment_type = mentions_per_actor_and_type.commitment_type
                    and commitment_type_units.unit_family = int_sentence_quantities.unit_family)
        )
    qualify row_number() over (
        partition by mentions_per_actor_and_type.article_id, mentions_per_actor_and_type.sentence_no,
                     mentions_per_actor_and_type.actor_code, mentions_per_actor_and_type.commitment_type
        order by abs(int_sentence_quantities.quantity_position - mentions_per_actor_and_type.cue_start),
                 int_sentence_quantities.quantity_no
    ) = 1
),

-- read from the sentence (a state first), else the other party of the same agreement, else the
-- article's main recipient (also where the sentence names only an organisation's mission); null when
-- the text names none
with_beneficiaries as (
    select
        mentions_per_actor_and_type.*,
        case
            when explicit_beneficiaries.is_state
                then {'code': explicit_beneficiaries.beneficiary_code, 'method': 'sentence'}
            when co_parties.beneficiary_code is not null
                then {'code': co_parties.beneficiary_code, 'method': 'agreement_party'}
            when explicit_beneficiaries.beneficiary_code is not null and fallback_states.actor_code is not null
                then {'code': fallback_beneficiaries.beneficiary_code, 'method': 'article_recipient'}
            when explicit_beneficiaries.beneficiary_code is not null
                then {'code': explicit_beneficiaries.beneficiary_code, 'method': 'sentence'}
            when fallback_beneficiaries.beneficiary_code is not null
                then {'code': fallback_beneficiaries.beneficiary_code, 'method': 'article_recipient'}
            else {'code': null::varchar, 'method': null::varchar}
        end as beneficiary
    from mentions_per_actor_and_type
    left join explicit_beneficiaries
        on explicit_beneficiaries.article_id = mentions_per_actor_and_type.article_id
        and explicit_beneficiaries.sentence_no = mentions_per_actor_and_type.sentence_no
        and explicit_beneficiaries.actor_code = mentions_per_actor_and_type.actor_code
        and explicit_beneficiaries.commitment_type = mentions_per_actor_and_type.commitment_type
    left join co_parties
        on co_parties.article_id = mentions_per_actor_and_type.article_id
        and co_parties.sentence_no = mentions_per_actor_and_type.sentence_no
        and co_parties.actor_code = mentions_per_actor_and_type.actor_code
        and co_parties.commitment_type = mentions_per_actor_and_type.commitment_type
    left join fallback_beneficiaries
        on fallback_beneficiaries.article_id = mentions_per_actor_and_type.article_id
        and fallback_beneficiaries.sentence_no = mentions_per_actor_and_type.sentence_no
        and fallback_beneficiaries.actor_code = mentions_per_actor_and_type.actor_code
        and fallback_beneficiaries.commitment_type = mentions_per_actor_and_type.commitment_type
    left join actors as fallback_states
        on fallback_states.actor_code = fallback_beneficiaries.beneficiary_code
        and fallback_states.actor_kind = 'state'
),

final as (
    select
        md5(concat_ws('|', m.article_id, m.sentence_no, m.actor_code, m.commitment_type)) as mention_id,
        m.article_id,
        m.sentence_no,
        stg_sentences.paragraph_no,
        m.actor_code,
        m.commitment_type,
        m.stance,
        m.beneficiary.code as beneficiary_code,
        m.beneficiary.method as beneficiary_method,
        int_sentence_conditions.condition_text,
        matching_quantities.quantity_value,
        matching_quantities.quantity_text,
        matching_quantities.quantity_unit,
        stg_sentences.sentence as evidence,
        concat_ws('+', m.commitment_rule_ids, m.stance_rule_ids, int_sentence_conditions.condition_rule_id) as rule_id,
        m.commitment_rule_ids,
        m.stance_rule_ids,
        int_sentence_conditions.condition_rule_id,
        m.attribution_method,
        m.dependency_path,
        m.cue_text
    from with_beneficiaries as m
    inner join stg_sentences
        on stg_sentences.article_id = m.article_id
        and stg_sentences.sentence_no = m.sentence_no
    left join int_sentence_conditions
        on int_sentence_conditions.article_id = m.article_id
        and int_sentence_conditions.sentence_no = m.sentence_no
    left join matching_quantities
        on matching_quantities.article_id = m.article_id
        and matching_quantities.sentence_no = m.sentence_no
        and matching_quantities.actor_code = m.actor_code
        and matching_quantities.commitment_type = m.commitment_type
)

select * from final
