{#- Each layer is its own schema, named as the layer (staging, intermediate, marts), not
    <target schema>_<layer>: analysts query marts.fct_commitments. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
