-- audit: sentence_key (a hash of article_id and sentence_no) names one sentence; two sentences under one
-- key would share their token windows
select sentence_key, count(distinct (article_id, sentence_no)) as n_sentences
from {{ ref('int_sentence_tokens') }}
group by sentence_key
having count(distinct (article_id, sentence_no)) > 1
