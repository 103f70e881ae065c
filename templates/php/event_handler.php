<?php

declare(strict_types=1);

namespace {{ namespace }};

/**
 * Receives the events of the `{{ wire }}` service from a {@see {{ class }}Subscriber} or a
 * {@see {{ class }}Puller}: one method per event.
 */
interface {{ class }}Handler
{
{%- for e in events %}
{%- if !loop.first %}
{% endif %}
{{ e.method_doc }}    public function {{ e.method }}({{ e.params }}): void;
{%- endfor %}
}
