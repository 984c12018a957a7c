{#- Pre-hook of an incremental mart that joins per-article rows with dim_articles (config
    materialized='incremental', incremental_strategy='append'). On the copy of the published build an
    incremental build works on (flows/warehouse/incremental.py), the mart's existing rows are those of
    the previous build: this keeps in temp table `articles_to_refresh` the articles whose rows may differ
    now, and deletes their rows; the model's select then computes those articles only. An article is
    refreshed when the build plan says it is new, changed or removed (audit.build_articles, written before
    dbt runs), or when one of the columns the mart takes from dim_articles changed (another article made
    it a copy, or no longer does). `columns`: pairs of (the mart's column, the same value from
    dim_articles as SQL). In a full build (no existing table) it does nothing. -#}
{% macro refresh_articles_from_dimension(columns) -%}
  {%- if is_incremental() -%}
    create or replace temp table articles_to_refresh as
    select article_id from audit.build_articles where change <> 'unchanged'
    union
    select published_rows.article_id
    from (select distinct article_id{% for column, _ in columns %}, {{ column }}{% endfor %} from {{ this }}) as published_rows
    left join {{ ref('dim_articles') }} as dim_articles
        on dim_articles.article_id = published_rows.article_id
    where dim_articles.article_id is null
    {%- for column, value in columns %}
        or published_rows.{{ column }} is distinct from ({{ value }})
    {%- endfor %};
    delete from {{ this }} where article_id in (select article_id from temp.articles_to_refresh)
  {%- endif -%}
{%- endmacro %}
