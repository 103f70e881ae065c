<?php

declare(strict_types=1);

namespace {{ namespace }};

{{ doc }}enum {{ name }}: string
{
{%- for v in variants %}
{{ v.doc }}    case {{ v.name }} = '{{ v.wire }}';
{%- endfor %}
}
