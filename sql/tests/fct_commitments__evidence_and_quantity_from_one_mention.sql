-- audit: a commitment's evidence is the sentence of its evidence mention, and its quantity (text, value,
-- unit together) is the quantity of one of its mentions: no row mixes the columns of tied mentions
with

mentions as (
    select * from {{ ref('fct_commitment_mentions') }}
),

evidence_not_its_mentions as (
    select fct_commitments.commitment_id, 'evidence' as failing_columns
    from {{ ref('fct_commitments') }}
    left join mentions
        on mentions.mention_id = fct_commitments.evidence_mention_id
    where mentions.mention_id is null
        or mentions.evidence is distinct from fct_commitments.evidence
        or mentions.actor_code <> fct_commitments.actor_code
        or mentions.commitment_type <> fct_commitments.commitment_type
        or mentions.beneficiary_code is distinct from fct_commitments.beneficiary_code
),

quantity_of_no_mention as (
    select fct_commitments.commitment_id, 'quantity' as failing_columns
    from {{ ref('fct_commitments') }}
    where fct_commitments.quantity_text is not null
        and not exists (
            select 1 from mentions
            where mentions.actor_code = fct_commitments.actor_code
                and mentions.commitment_type = fct_commitments.commitment_type
                and mentions.beneficiary_code is not distinct from fct_commitments.beneficiary_code
                and mentions.quantity_text = fct_commitments.quantity_text
                and mentions.quantity_value is not distinct from fct_commitments.quantity_value
                and mentions.quantity_unit is not distinct from fct_commitments.quantity_unit
        )
)

select * from evidence_not_its_mentions
union all
select * from quantity_of_no_mention
