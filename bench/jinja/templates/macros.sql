{%- macro star(columns, except=[], relation_alias=none, prefix='', suffix='') -%}
    {%- set cols = [] -%}
    {%- set lowered_except = except | map('lower') | list -%}
    {%- for col in columns if col.name | lower not in lowered_except -%}
        {%- do cols.append((relation_alias ~ '.' if relation_alias else '') ~ '"' ~ col.name ~ '"' ~ (' as "' ~ prefix ~ col.name ~ suffix ~ '"' if prefix or suffix else '')) -%}
    {%- endfor -%}
    {{- cols | join(',\n    ') -}}
{%- endmacro -%}

{%- macro union_relations(relations) -%}
    {%- set ns = namespace(superset={}) -%}
    {%- for relation in relations -%}
        {%- for col in relation.columns -%}
            {%- if col.name not in ns.superset -%}
                {%- do ns.superset.update({col.name: col.type}) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for relation in relations %}
    select
        '{{ relation.name }}' as _source,
        {%- for name, type in ns.superset.items() %}
        {% if name in relation.columns | map(attribute='name') | list %}{{ name }}{% else %}cast(null as {{ type }}){% endif %} as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation.name }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor -%}
{%- endmacro -%}

select
    {{ star(columns, except=['_loaded_at', '_FIVETRAN_SYNCED'], relation_alias='src', prefix='src_') }}
from {{ ref('raw_events') }} as src;

{{ union_relations(relations) }}
