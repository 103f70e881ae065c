# frozen_string_literal: true

{{ doc }}
{%- for file in requires %}
require_relative '{{ file }}'
{%- endfor %}
{%- if !consts.is_empty() %}

{{ doc }}module {{ module_path }}
{%- for c in consts %}
{{ c.doc }}  {{ c.name }} = {{ c.value }}
{%- endfor %}
end
{%- endif %}
