<?php

declare(strict_types=1);

namespace {{ namespace }};

/**
 * Constants declared in the IDL.
 */
final class Constants
{
{%- for c in consts %}
{{ c.doc }}    public const {{ c.name }} = {{ c.value }};
{%- endfor %}
}
