-- intermediate.int_commitment_cues_attributed
-- Grain: one row per (article_id, sentence_no, cue_id, actor_code): a commitment cue and an actor
-- it is attributed to, with the method that attributed it.
-- Purpose: decide who commits. Methods, in order of trust:
--   syntactic_subject   the subject the dependency parse gives the cue's predicate (int_cue_syntactic_subjects),
--   syntactic_conjunct  and its conjuncts; where a sentence has a parse with a subject, proximity is not used
--   passive_agent       "a ceasefire could be monitored by German forces"
--   subject             the nearest non-object actor before the cue's verb, within the rule's gap
--   coordinated_subject actors chained to that subject ("Croatia and the Czech Republic")
--   pronoun_antecedent  "Belgium said it would ..."; "Both countries are ..." (previous sentence)
--   first_person_speaker "We stand ready ...", as Costa writes
--   led_compound        "US-led monitoring"
--   agreement_party     "Canada signed an agreement with Ukraine": the other party of an agreement
--   source_of_forces    "270 troops from Albania, Bulgaria and Greece", "$500m from China": the actors a
--                       contribution comes from (they replace the subject: "Nepal received pledges from India")
-- An actor merely mentioned elsewhere in the sentence is not attributed.
-- Every rule here looks inside one article, so the model runs over articles in chunks of about two million
-- tokens (by a hash of article_id), as int_actor_mentions does: its joins then fit the build's memory cap
-- at any corpus size (in one piece, 268,000 sentences spilled to disk and took 10 s instead of 4 s).
{{ config(materialized='for_each', for_each='int_sentence_token_chunks') }}
-- depends_on: {{ ref('int_sentence_token_chunks') }}

with

grammar_words as (
    select * from {{ source('lexicon', 'grammar_words') }}
),

int_cue_matches as (
    select * from {{ ref('int_cue_matches') }}
    where {{ in_chunk('article_id') }}
),

int_actor_mentions as (
    select * from {{ ref('int_actor_mentions') }}
    where {{ in_chunk('article_id') }}
),

int_actor_mentions_chained as (
    select * from {{ ref('int_actor_mentions_chained') }}
    where {{ in_chunk('article_id') }}
),

int_sentence_subjects as (
    select * from {{ ref('int_sentence_subjects') }}
    where {{ in_chunk('article_id') }}
),

-- pronoun phrases that stand for two actors at once
dual_pronouns as (
    select article_id, sentence_no, token_start
    from {{ ref('int_actor_mentions') }}
    where {{ in_chunk('article_id') }}
        and is_pronoun
        and regexp_matches(lower(matched_text), '^(?:both|the two) (?:countries|nations|sides|leaders|governments)$')
),

int_sentence_tokens as (
    select * from {{ ref('int_sentence_tokens') }}
    where {{ in_chunk('article_id') }}
),

int_cue_syntactic_subjects as (
    select * from {{ ref('int_cue_syntactic_subjects') }}
    where {{ in_chunk('article_id') }}
),

-- the type an article is about: its most frequent commitment type among typed cues
article_types as (
    select article_id, label as article_type
    from int_cue_matches
    where cue_family = 'commitment' and not is_type_from_article
    group by article_id, label
    qualify row_number() over (partition by article_id order by count(*) desc, label) = 1
),

-- "Haiti asked Kenya to send police", "Kyiv urged its allies to provide": a commitment asked of
-- someone is a request, nobody's commitment - a request verb within five words before "to <cue>"
requested_cues as (
    select distinct int_cue_matches.article_id, int_cue_matches.sentence_no, int_cue_matches.cue_start
    from int_cue_matches
    inner join int_sentence_tokens as to_token
        on to_token.article_id = int_cue_matches.article_id
        and to_token.sentence_no = int_cue_matches.sentence_no
        and to_token.token_no = int_cue_matches.cue_start - 1
        and to_token.token_norm = 'to'
    inner join int_sentence_tokens as request
        on request.article_id = to_token.article_id
        and request.sentence_no = to_token.sentence_no
        and request.token_no between to_token.token_no - 5 and to_token.token_no - 1
    left join int_sentence_tokens as before_request
        on before_request.article_id = request.article_id
        and before_request.sentence_no = request.sentence_no
        and before_request.token_no = request.token_no - 1
    where int_cue_matches.cue_family = 'commitment'
        and (request.token_norm in (select word from grammar_words where word_list = 'request_verbs')
             -- "called on its allies to provide"
             or (request.token_norm = 'on' and coalesce(before_request.token_norm, '') like 'call%'))
),

-- a participation cue ("Belgium is also participating") takes the article's type, else its own
commitment_cues as (
    select
        int_cue_matches.* replace (
            case when int_cue_matches.is_type_from_article
                 then coalesce(article_types.article_type, int_cue_matches.label)
                 else int_cue_matches.label end as label
        )
    from int_cue_matches
    left join article_types
        on article_types.article_id = int_cue_matches.article_id
    anti join requested_cues
        on requested_cues.article_id = int_cue_matches.article_id
        and requested_cues.sentence_no = int_cue_matches.sentence_no
        and requested_cues.cue_start = int_cue_matches.cue_start
    where int_cue_matches.cue_family = 'commitment'
),

opposition_cues as (
    select * from int_cue_matches where cue_family = 'stance' and label = 'opposed'
),

-- "Moscow rejected the proposal for European peacekeepers": the subject is sought before the
-- rejecting verb, not before the rejected commitment
nearest_opposition as (
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        max(opposition_cues.cue_start) as opposition_start
    from commitment_cues
    inner join opposition_cues
        on opposition_cues.article_id = commitment_cues.article_id
        and opposition_cues.sentence_no = commitment_cues.sentence_no
        and opposition_cues.cue_start < commitment_cues.cue_start
        and opposition_cues.cue_start >= commitment_cues.cue_start - 15
    group by commitment_cues.article_id, commitment_cues.sentence_no, commitment_cues.cue_id
),

cues_with_verb_position as (
    select
        -- before a rejecting verb the subject may stand as far as before any verb ("Cambodia will not
        -- allow foreign military bases"), even for a nominal cue that otherwise takes only its modifier
        commitment_cues.* replace (
            case when nearest_opposition.opposition_start is null then commitment_cues.max_actor_gap
                 else greatest(commitment_cues.max_actor_gap, 15) end as max_actor_gap
        ),
        coalesce(nearest_opposition.opposition_start, commitment_cues.cue_start) as verb_position
    from commitment_cues
    left join nearest_opposition
        on nearest_opposition.article_id = commitment_cues.article_id
        and nearest_opposition.sentence_no = commitment_cues.sentence_no
        and nearest_opposition.cue_id = commitment_cues.cue_id
),

-- by proximity: the nearest non-object actor before the cue's verb (sentences without a usable parse)
proximity_heads as (
    select
        cues_with_verb_position.article_id,
        cues_with_verb_position.sentence_no,
        cues_with_verb_position.cue_id,
        int_actor_mentions.token_start as head_start,
        int_actor_mentions.actor_code as head_actor_code,
        int_actor_mentions.alias_kind as head_kind,
        int_actor_mentions.paragraph_no
    from cues_with_verb_position
    inner join int_actor_mentions
        on int_actor_mentions.article_id = cues_with_verb_position.article_id
        and int_actor_mentions.sentence_no = cues_with_verb_position.sentence_no
        and int_actor_mentions.token_end < cues_with_verb_position.verb_position
        and cues_with_verb_position.verb_position - int_actor_mentions.token_end - 1
            <= cues_with_verb_position.max_actor_gap
    left join int_actor_mentions_chained
        on int_actor_mentions_chained.article_id = int_actor_mentions.article_id
        and int_actor_mentions_chained.sentence_no = int_actor_mentions.sentence_no
        and int_actor_mentions_chained.token_start = int_actor_mentions.token_start
    -- objects are no subjects, unless they are a gerund's subject ("to France promising to send"),
    -- or a modifier directly before a nominal cue ("for U.S. security guarantees"; but not the receiver
    -- of a giving verb: "to give Ukraine security guarantees")
    where (
            not (int_actor_mentions.is_object or coalesce(int_actor_mentions_chained.is_chain_object, false))
            or int_actor_mentions.is_followed_by_gerund
            or (cues_with_verb_position.max_actor_gap = 0
                and coalesce(int_actor_mentions.governing_word, '')
                    not in (select word from grammar_words where word_list = 'giving_verbs'))
            -- "Egypt's proposed contribution of 5,000 troops": a possessor right before a nominal cue
            or (cues_with_verb_position.max_actor_gap <= 1 and int_actor_mentions.is_possessive)
        )
        and not int_actor_mentions.is_led_compound
    qualify row_number() over (
        partition by cues_with_verb_position.article_id, cues_with_verb_position.sentence_no,
                     cues_with_verb_position.cue_id
        order by int_actor_mentions.token_end desc
    ) = 1
),

-- by syntax (int_cue_syntactic_subjects): a pronoun subject goes on to the antecedent rules below,
-- named subjects and their conjuncts are attributed directly
syntactic_cues as (
    select distinct article_id, sentence_no, cue_id from int_cue_syntactic_subjects
),

syntactic_pronoun_heads as (
    select
        int_cue_syntactic_subjects.article_id,
        int_cue_syntactic_subjects.sentence_no,
        int_cue_syntactic_subjects.cue_id,
        int_cue_syntactic_subjects.token_start as head_start,
        null as head_actor_code,
        int_cue_syntactic_subjects.alias_kind as head_kind,
        int_actor_mentions.paragraph_no
    from int_cue_syntactic_subjects
    inner join int_actor_mentions
        on int_actor_mentions.article_id = int_cue_syntactic_subjects.article_id
        and int_actor_mentions.sentence_no = int_cue_syntactic_subjects.sentence_no
        and int_actor_mentions.token_start = int_cue_syntactic_subjects.token_start
    where int_cue_syntactic_subjects.alias_kind like 'pronoun%'
    qualify row_number() over (
        partition by int_cue_syntactic_subjects.article_id, int_cue_syntactic_subjects.sentence_no,
                     int_cue_syntactic_subjects.cue_id
        order by int_cue_syntactic_subjects.conjunct_depth, int_cue_syntactic_subjects.token_start
    ) = 1
),

-- the coordination chains the syntactic subjects stand in: a list the parser splits up
-- ("Macron, UK Prime Minister Keir Starmer and Ukrainian leader Volodymyr Zelenskyy") stays whole
syntactic_chains as (
    select distinct
        int_cue_syntactic_subjects.article_id,
        int_cue_syntactic_subjects.sentence_no,
        int_cue_syntactic_subjects.cue_id,
        int_actor_mentions_chained.chain_no
    from int_cue_syntactic_subjects
    inner join int_actor_mentions_chained
        on int_actor_mentions_chained.article_id = int_cue_syntactic_subjects.article_id
        and int_actor_mentions_chained.sentence_no = int_cue_syntactic_subjects.sentence_no
        and int_actor_mentions_chained.token_start = int_cue_syntactic_subjects.token_start
),

-- where the parse gives a subject, proximity may only add the rest of that subject's chain
subject_heads as (
    select * from syntactic_pronoun_heads
    union all
    select proximity_heads.*
    from proximity_heads
    left join int_actor_mentions_chained as head_chain
        on head_chain.article_id = proximity_heads.article_id
        and head_chain.sentence_no = proximity_heads.sentence_no
        and head_chain.token_start = proximity_heads.head_start
    where not exists (
            select 1 from syntactic_cues
            where syntactic_cues.article_id = proximity_heads.article_id
                and syntactic_cues.sentence_no = proximity_heads.sentence_no
                and syntactic_cues.cue_id = proximity_heads.cue_id
        )
        or exists (
            select 1 from syntactic_chains
            where syntactic_chains.article_id = proximity_heads.article_id
                and syntactic_chains.sentence_no = proximity_heads.sentence_no
                and syntactic_chains.cue_id = proximity_heads.cue_id
                and syntactic_chains.chain_no = head_chain.chain_no
        )
),

attributed_to_syntax as (
    select
        article_id,
        sentence_no,
        cue_id,
        actor_code,
        case when conjunct_depth = 0 then 'syntactic_subject' else 'syntactic_conjunct' end as attribution_method,
        min(token_start) over (partition by article_id, sentence_no, cue_id) as subject_position
    from int_cue_syntactic_subjects
    where actor_code is not null
),

syntactic_paths as (
    select article_id, sentence_no, cue_id, actor_code, min(dependency_path) as dependency_path
    from int_cue_syntactic_subjects
    where actor_code is not null
    group by all
),

attributed_to_subject_chain as (
    select
        subject_heads.article_id,
        subject_heads.sentence_no,
        subject_heads.cue_id,
        chain_member.actor_code,
        case when chain_member.token_start = subject_heads.head_start then 'subject'
             else 'coordinated_subject' end as attribution_method,
        -- stances are sought from the start of the coordination ("Neither A nor B will send")
        min(chain_member.token_start) over (
            partition by subject_heads.article_id, subject_heads.sentence_no, subject_heads.cue_id
        ) as subject_position
    from subject_heads
    inner join int_actor_mentions_chained as head_mention
        on head_mention.article_id = subject_heads.article_id
        and head_mention.sentence_no = subject_heads.sentence_no
        and head_mention.token_start = subject_heads.head_start
    inner join int_actor_mentions_chained as chain_member
        on chain_member.article_id = head_mention.article_id
        and chain_member.sentence_no = head_mention.sentence_no
        and chain_member.chain_no = head_mention.chain_no
        and chain_member.token_start <= head_mention.token_start
    where subject_heads.head_actor_code is not null
),

-- "Belgium said it would ...": the nearest named non-object mention before the pronoun
third_person_in_sentence as (
    select
        subject_heads.article_id,
        subject_heads.sentence_no,
        subject_heads.cue_id,
        subject_heads.head_start,
        antecedent.chain_no,
        antecedent.token_start as antecedent_start
    from subject_heads
    inner join int_actor_mentions_chained as antecedent
        on antecedent.article_id = subject_heads.article_id
        and antecedent.sentence_no = subject_heads.sentence_no
        and antecedent.token_start < subject_heads.head_start
    where subject_heads.head_kind = 'pronoun_third'
        -- a speaker is an antecedent even after a preposition ("according to Kenya's minister, it ...")
        and (not antecedent.is_object or antecedent.is_speaker)
        and not antecedent.is_led_compound
    qualify row_number() over (
        partition by subject_heads.article_id, subject_heads.sentence_no, subject_heads.cue_id
        order by antecedent.token_start desc
    ) = 1
),

attributed_to_antecedent_in_sentence as (
    select
        third_person_in_sentence.article_id,
        third_person_in_sentence.sentence_no,
        third_person_in_sentence.cue_id,
        chain_member.actor_code,
        'pronoun_antecedent' as attribution_method,
        third_person_in_sentence.head_start as subject_position
    from third_person_in_sentence
    inner join int_actor_mentions_chained as chain_member
        on chain_member.article_id = third_person_in_sentence.article_id
        and chain_member.sentence_no = third_person_in_sentence.sentence_no
        and chain_member.chain_no = third_person_in_sentence.chain_no
        and chain_member.token_start <= third_person_in_sentence.antecedent_start
),

-- "Both countries are committing ...": the subject of the previous sentence of the paragraph
attributed_to_previous_subject as (
    select
        subject_heads.article_id,
        subject_heads.sentence_no,
        subject_heads.cue_id,
        int_sentence_subjects.actor_code,
        'pronoun_antecedent' as attribution_method,
        subject_heads.head_start as subject_position
    from subject_heads
    inner join int_sentence_subjects
        on int_sentence_subjects.article_id = subject_heads.article_id
        and int_sentence_subjects.paragraph_no = subject_heads.paragraph_no
        and int_sentence_subjects.sentence_no = subject_heads.sentence_no - 1
        -- "the two countries", "both sides": the two actors the previous sentence names, where it names two
        and int_sentence_subjects.role = case
            when subject_heads.head_start in (
                    select token_start from dual_pronouns
                    where dual_pronouns.article_id = subject_heads.article_id
                        and dual_pronouns.sentence_no = subject_heads.sentence_no)
                and exists (
                    select 1 from int_sentence_subjects as pair
                    where pair.article_id = subject_heads.article_id
                        and pair.paragraph_no = subject_heads.paragraph_no
                        and pair.sentence_no = subject_heads.sentence_no - 1
                        and pair.role = 'pair')
                then 'pair'
            else 'subject'
        end
    where subject_heads.head_kind = 'pronoun_third'
        and not exists (
            select 1 from third_person_in_sentence
            where third_person_in_sentence.article_id = subject_heads.article_id
                and third_person_in_sentence.sentence_no = subject_heads.sentence_no
                and third_person_in_sentence.cue_id = subject_heads.cue_id
        )
),

-- "We stand ready to pledge ...", as EU Council President António Costa writes
attributed_to_speaker as (
    select
        subject_heads.article_id,
        subject_heads.sentence_no,
        subject_heads.cue_id,
        int_sentence_subjects.actor_code,
        'first_person_speaker' as attribution_method,
        subject_heads.head_start as subject_position
    from subject_heads
    inner join int_sentence_subjects
        on int_sentence_subjects.article_id = subject_heads.article_id
        and int_sentence_subjects.sentence_no = subject_heads.sentence_no
        and int_sentence_subjects.role = 'speaker'
    where subject_heads.head_kind = 'pronoun_first'
),

-- "a ceasefire could be monitored by German forces"
passive_agents as (
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        agent.chain_no,
        agent.token_start as agent_start,
        commitment_cues.cue_start
    from commitment_cues
    inner join int_actor_mentions_chained as agent
        on agent.article_id = commitment_cues.article_id
        and agent.sentence_no = commitment_cues.sentence_no
        and agent.token_start between commitment_cues.cue_end + 1 and commitment_cues.cue_end + 3
    inner join int_actor_mentions
        on int_actor_mentions.article_id = agent.article_id
        and int_actor_mentions.sentence_no = agent.sentence_no
        and int_actor_mentions.token_start = agent.token_start
    where int_actor_mentions.governing_word = 'by'
    qualify row_number() over (
        partition by commitment_cues.article_id, commitment_cues.sentence_no, commitment_cues.cue_id
        order by agent.token_start
    ) = 1
),

attributed_to_passive_agent as (
    select
        passive_agents.article_id,
        passive_agents.sentence_no,
        passive_agents.cue_id,
        chain_member.actor_code,
        'passive_agent' as attribution_method,
        greatest(passive_agents.cue_start - 6, 0) as subject_position
    from passive_agents
    inner join int_actor_mentions_chained as chain_member
        on chain_member.article_id = passive_agents.article_id
        and chain_member.sentence_no = passive_agents.sentence_no
        and chain_member.chain_no = passive_agents.chain_no
        and chain_member.token_start >= passive_agents.agent_start
),

-- "soldiers from Nigeria and Benin would be deployed", "pledges of $260m from Japan": a mention
-- governed by "from" right after a contribution (a force noun or an amount of money), next to the cue
sources as (
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        source.chain_no,
        source.token_start as source_start
    from commitment_cues
    inner join int_actor_mentions
        on int_actor_mentions.article_id = commitment_cues.article_id
        and int_actor_mentions.sentence_no = commitment_cues.sentence_no
        and int_actor_mentions.token_start between commitment_cues.cue_start - 8 and commitment_cues.cue_end + 4
        and int_actor_mentions.governing_word = 'from'
        and int_actor_mentions.alias_kind <> 'capital'
    inner join int_actor_mentions_chained as source
        on source.article_id = int_actor_mentions.article_id
        and source.sentence_no = int_actor_mentions.sentence_no
        and source.token_start = int_actor_mentions.token_start
    inner join int_sentence_tokens as from_token
        on from_token.article_id = int_actor_mentions.article_id
        and from_token.sentence_no = int_actor_mentions.sentence_no
        and from_token.token_no between int_actor_mentions.token_start - 2 and int_actor_mentions.token_start - 1
        and from_token.token_norm = 'from'
    -- the word before "from": what is contributed
    inner join int_sentence_tokens as contribution
        on contribution.article_id = from_token.article_id
        and contribution.sentence_no = from_token.sentence_no
        and contribution.token_no = from_token.token_no - 1
    -- a noun of the list ("troops from Kenya", "$3 billion from Saudi Arabia") or an amount ("$5m from Japan")
    where contribution.token_norm in (select word from grammar_words where word_list = 'contributed_nouns')
        or regexp_matches(contribution.token_raw, '^\(?[$€£]?\d[\d.,]*(?:bn|m|mn|k)?\)?$|^\(?[$€£]')
    union all
    -- "the deployment of Kenyan troops", "the dispatch of 800 Egyptian and Tanzanian soldiers": the
    -- states the deployed troops belong to (the demonyms right before the cue's last word, with their chain,
    -- or a name one word earlier: "the deployment of the ECOWAS standby force")
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        owner_chain.chain_no,
        min(owner_chain.token_start) as source_start
    from commitment_cues
    inner join int_sentence_tokens as act
        on act.article_id = commitment_cues.article_id
        and act.sentence_no = commitment_cues.sentence_no
        and act.token_no = commitment_cues.cue_start
    inner join int_actor_mentions as owner
        on owner.article_id = commitment_cues.article_id
        and owner.sentence_no = commitment_cues.sentence_no
        and owner.token_start > commitment_cues.cue_start
        -- or the body named in the force's name ("the deployment of the ECOWAS standby force")
        and (
            (owner.token_end = commitment_cues.cue_end - 1 and owner.alias_kind = 'demonym')
            or (owner.token_end between commitment_cues.cue_end - 2 and commitment_cues.cue_end
                and owner.alias_kind in ('name', 'metonym'))
        )
    inner join int_actor_mentions_chained as owner_mention
        on owner_mention.article_id = owner.article_id
        and owner_mention.sentence_no = owner.sentence_no
        and owner_mention.token_start = owner.token_start
    inner join int_actor_mentions_chained as owner_chain
        on owner_chain.article_id = owner_mention.article_id
        and owner_chain.sentence_no = owner_mention.sentence_no
        and owner_chain.chain_no = owner_mention.chain_no
        and owner_chain.token_start > commitment_cues.cue_start
    where act.token_norm in (select word from grammar_words where word_list = 'deployment_nouns')
    group by all
),

-- "Russia withdrew 5,000 troops from Syria": a force leaving a place does not come from a contributor
withdrawals as (
    select distinct article_id, sentence_no
    from int_sentence_tokens
    where token_norm like 'withdr%' or token_norm like 'evacuat%' or token_norm like 'expel%'
        or token_norm in (select word from grammar_words where word_list = 'withdrawal_verbs')
),

attributed_to_source as (
    select
        sources.article_id,
        sources.sentence_no,
        sources.cue_id,
        chain_member.actor_code,
        'source_of_forces' as attribution_method,
        sources.source_start as subject_position
    from sources
    inner join int_actor_mentions_chained as chain_member
        on chain_member.article_id = sources.article_id
        and chain_member.sentence_no = sources.sentence_no
        and chain_member.chain_no = sources.chain_no
        and chain_member.token_start >= sources.source_start
    where not exists (
        select 1 from withdrawals
        where withdrawals.article_id = sources.article_id and withdrawals.sentence_no = sources.sentence_no
    )
),

-- "Canada signed a security agreement with Ukraine", "a pact between China and Solomon Islands":
-- every party to an agreement commits to it
agreement_parties as (
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        chain_member.actor_code,
        'agreement_party' as attribution_method,
        party.token_start as subject_position
    from commitment_cues
    inner join int_actor_mentions as party
        on party.article_id = commitment_cues.article_id
        and party.sentence_no = commitment_cues.sentence_no
        and party.token_start between commitment_cues.cue_start + 1 and commitment_cues.cue_end + 3
        and party.governing_word in (select word from grammar_words where word_list = 'agreement_party_governors')
        and not party.is_pronoun
    inner join int_actor_mentions_chained as party_chain
        on party_chain.article_id = party.article_id
        and party_chain.sentence_no = party.sentence_no
        and party_chain.token_start = party.token_start
    inner join int_actor_mentions_chained as chain_member
        on chain_member.article_id = party_chain.article_id
        and chain_member.sentence_no = party_chain.sentence_no
        and chain_member.chain_no = party_chain.chain_no
        and chain_member.token_start >= party_chain.token_start
    where commitment_cues.label = 'agreement'
),

attributed_to_leader as (
    select
        commitment_cues.article_id,
        commitment_cues.sentence_no,
        commitment_cues.cue_id,
        int_actor_mentions.actor_code,
        'led_compound' as attribution_method,
        int_actor_mentions.token_start as subject_position
    from commitment_cues
    inner join int_actor_mentions
        on int_actor_mentions.article_id = commitment_cues.article_id
        and int_actor_mentions.sentence_no = commitment_cues.sentence_no
        and int_actor_mentions.token_start between commitment_cues.cue_start - 2 and commitment_cues.cue_end
    where int_actor_mentions.is_led_compound
        and int_actor_mentions.actor_code is not null
),

subject_side as (
    select * from attributed_to_syntax
    union all
    select * from attributed_to_subject_chain
    union all
    select * from attributed_to_antecedent_in_sentence
    union all
    select * from attributed_to_previous_subject
    union all
    select * from attributed_to_speaker
),

all_attributions as (
    -- a passive agent or a source replaces whatever stood before the cue (the patient or the recipient)
    select subject_side.*
    from subject_side
    where not exists (
        select 1 from passive_agents
        where passive_agents.article_id = subject_side.article_id
            and passive_agents.sentence_no = subject_side.sentence_no
            and passive_agents.cue_id = subject_side.cue_id
    )
    and not exists (
        select 1 from sources
        where sources.article_id = subject_side.article_id
            and sources.sentence_no = subject_side.sentence_no
            and sources.cue_id = subject_side.cue_id
    )
    union all
    select * from attributed_to_passive_agent
    union all
    select * from attributed_to_source
    union all
    select * from agreement_parties
    union all
    select * from attributed_to_leader
),

final as (
    select
        all_attributions.article_id,
        all_attributions.sentence_no,
        all_attributions.cue_id,
        commitment_cues.rule_id,
        commitment_cues.label as commitment_type,
        commitment_cues.only_with_stance,
        commitment_cues.matched_text as cue_text,
        commitment_cues.cue_start,
        commitment_cues.cue_end,
        all_attributions.actor_code,
        all_attributions.attribution_method,
        all_attributions.subject_position,
        syntactic_paths.dependency_path
    from all_attributions
    inner join commitment_cues
        on commitment_cues.article_id = all_attributions.article_id
        and commitment_cues.sentence_no = all_attributions.sentence_no
        and commitment_cues.cue_id = all_attributions.cue_id
    left join syntactic_paths
        on syntactic_paths.article_id = all_attributions.article_id
        and syntactic_paths.sentence_no = all_attributions.sentence_no
        and syntactic_paths.cue_id = all_attributions.cue_id
        and syntactic_paths.actor_code = all_attributions.actor_code
        and all_attributions.attribution_method like 'syntactic%'
    where all_attributions.actor_code is not null
        -- the receiver inside the cue is not its giver ("Ukraine and Japan signed an agreement that provides
        -- Kyiv with $4.5 billion": Japan gives, Kyiv receives)
        and not exists (
            select 1 from int_actor_mentions as receiver
            where receiver.article_id = all_attributions.article_id
                and receiver.sentence_no = all_attributions.sentence_no
                and receiver.actor_code = all_attributions.actor_code
                and receiver.token_start > commitment_cues.cue_start
                and receiver.token_end <= commitment_cues.cue_end
                and receiver.governing_word in (select word from grammar_words where word_list = 'giving_verbs')
        )
    qualify row_number() over (
        partition by all_attributions.article_id, all_attributions.sentence_no,
                     all_attributions.cue_id, all_attributions.actor_code
        order by case all_attributions.attribution_method
            when 'passive_agent' then 1 when 'source_of_forces' then 1 when 'syntactic_subject' then 2
            when 'subject' then 3 when 'syntactic_conjunct' then 4 when 'coordinated_subject' then 4
            when 'pronoun_antecedent' then 5 when 'first_person_speaker' then 6
            when 'agreement_party' then 7 else 8 end,
            -- ties are broken the same way on every build: a reading with a dependency path first
            all_attributions.attribution_method like 'syntactic%' desc,
            all_attributions.subject_position,
            all_attributions.attribution_method
    ) = 1
)

select * from final
