-- audit: 1 <= n_sources <= n_articles <= n_mentions, and first_seen <= last_seen
select commitment_id, n_sources, n_articles, n_mentions, first_seen, last_seen
from {{ ref('fct_commitments') }}
where n_sources < 1
    or n_sources > n_articles
    or n_articles > n_mentions
    or first_seen > last_seen
