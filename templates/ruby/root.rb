# frozen_string_literal: true
{% if !doc.is_empty() %}
{{ doc }}{% endif %}
require 'zrpc'
{%- for file in requires %}
require_relative '{{ file }}'
{%- endfor %}
{%- if !consts.is_empty() %}

{{ consts }}
{%- endif %}
