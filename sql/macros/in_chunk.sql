{#- The filter of a for_each model that runs over articles in chunks: this row's article is in the chunk
    of the current run (variables chunk_no and n_chunks, set by the for_each materialization from
    int_sentence_token_chunks or int_parse_candidate_chunks). -#}
{% macro in_chunk(column) -%}
hash({{ column }}) % getvariable('n_chunks') = getvariable('chunk_no')
{%- endmacro %}
