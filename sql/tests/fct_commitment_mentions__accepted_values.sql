-- audit: types, stances and actor codes of the mentions exist in the lexicon tables
select
    fct_commitment_mentions.mention_id,
    fct_commitment_mentions.commitment_type,
    fct_commitment_mentions.stance,
    fct_commitment_mentions.actor_code,
    fct_commitment_mentions.beneficiary_code
from {{ ref('fct_commitment_mentions') }}
left join {{ source('lexicon', 'commitment_types') }}
    on commitment_types.commitment_type = fct_commitment_mentions.commitment_type
left join {{ source('lexicon', 'stances') }}
    on stances.stance = fct_commitment_mentions.stance
left join {{ source('lexicon', 'actors') }} as actor
    on actor.actor_code = fct_commitment_mentions.actor_code
left join {{ source('lexicon', 'actors') }} as beneficiary
    on beneficiary.actor_code = fct_commitment_mentions.beneficiary_code
where commitment_types.commitment_type is null
    or stances.stance is null
    or actor.actor_code is null
    or (fct_commitment_mentions.beneficiary_code is not null and beneficiary.actor_code is null)
