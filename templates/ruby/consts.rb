{{ doc }}module Constants
{%- for c in consts %}
{{ c.doc }}  {{ c.name }} = {{ c.value }}
{%- endfor %}
end
