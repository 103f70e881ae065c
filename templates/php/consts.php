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
{%- for c in methods %}
{%- if let Some(method) = c.method %}
{%- if !consts.is_empty() || !loop.first %}
{% endif %}
{{ c.doc }}    public static function {{ method.name }}(): {{ method.returns }}
    {
        return {{ c.value }};
    }
{%- endif %}
{%- endfor %}
}
